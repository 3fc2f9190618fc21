//! Build-time search index for the browser (API contract; implementation in progress).

use std::collections::BTreeMap;

/// One page as the search index sees it.
#[derive(Debug, Clone)]
pub struct SearchDoc<'a> {
    /// Relative to the site root, percent-encoded (`cases/x/index.html`).
    pub url: &'a str,
    pub title: &'a str,
    /// `speech`, `case`, `brand` or `page`.
    pub kind: &'a str,
    /// `2013-09-25`.
    pub date: &'a str,
    pub region: &'a str,
    pub sector: &'a str,
    /// Speaker, 职务, occasion, organization, branch, brand, slogan, tags …
    pub meta: Vec<&'a str>,
    /// Plain text of the body, paragraphs separated by "\n".
    pub body: &'a str,
}

/// The index files, keyed by their path relative to the output root
/// (`search/…`).
pub fn build_index(docs: &[SearchDoc<'_>]) -> BTreeMap<String, Vec<u8>> {
    let _ = docs;
    BTreeMap::new()
}
