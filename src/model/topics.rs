//! The 专题 of the site: each topic's `pages` entries resolved to pages
//! (an entry naming none is an error at its line and column in the topic
//! file), then the pages with one of its `tags`, newest first; its
//! introduction rendered.

use crate::diag::{Diagnostic, M};
use crate::load::config::Kind;
use crate::load::content::{Page, CONTENT_DIR};
use crate::load::frontmatter::Located;
use crate::load::topic::Topic;
use crate::model::markdown;
use crate::urls::term_slug;
use rustc_hash::FxHashMap as HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A topic with its pages found.
#[derive(Debug, Clone)]
pub struct SiteTopic {
    pub topic: Arc<Topic>,
    /// The introduction, HTML.
    pub intro: String,
    /// Indices into `Site::pages`: those `pages` names, in its order, then
    /// those with one of its tags (newest first), each once.
    pub pages: Vec<usize>,
}

/// The source paths an entry may name: `cases/石门村.md`, `cases/石门村`,
/// a bundle's folder `brands/稻香先锋`, with or without `content/`.
fn candidates(entry: &str) -> Vec<PathBuf> {
    let e = entry.trim().replace('\\', "/");
    let e = e.trim_start_matches("./").trim_start_matches('/');
    let e = e
        .strip_prefix("content/")
        .unwrap_or(e)
        .trim_end_matches('/');
    let base = Path::new(CONTENT_DIR);
    if e.ends_with(".md") {
        vec![base.join(e)]
    } else {
        vec![base.join(format!("{e}.md")), base.join(e).join("index.md")]
    }
}

/// The path a topic names a page by: its source path for the site's own
/// pages (`content/cases/石门村.md`), and for a source site's page its path
/// there under the source's key (`content/zhangyuan/cases/石门村.md`, written
/// `zhangyuan/cases/石门村.md` in the topic).
fn named_as(p: &Page) -> PathBuf {
    match &p.origin {
        Some(o) => {
            let own = p.own_path();
            Path::new(CONTENT_DIR)
                .join(&o.key)
                .join(own.strip_prefix(CONTENT_DIR).unwrap_or(own))
        }
        None => p.source.clone(),
    }
}

/// The source key an entry starts with (`zhangyuan/cases/x.md`), if any.
fn source_of<'k>(entry: &str, sources: &[&'k str]) -> Option<&'k str> {
    let e = entry
        .trim()
        .trim_start_matches("./")
        .trim_start_matches('/');
    let first = e.split(['/', '\\']).next()?;
    sources.iter().copied().find(|k| *k == first)
}

/// An entry of `t.pages` that names none of the pages, known by the
/// paths they are `named` by: under a source's key a warning (the source
/// removed or renamed the page), else an error naming the nearest path.
fn report_missing(
    t: &Topic,
    entry: &Located<String>,
    (named, sources): (&[PathBuf], &[&str]),
    diags: &mut Vec<Diagnostic>,
) {
    if let Some(source) = source_of(&entry.value, sources) {
        diags.push(Diagnostic::warn(
            &t.source,
            entry.line,
            entry.col,
            M::TopicSourcePageMissing {
                entry: &entry.value,
                source,
            },
        ));
        return;
    }
    let known: Vec<String> = named
        .iter()
        .map(|p| {
            p.strip_prefix(CONTENT_DIR)
                .unwrap_or(p)
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    let refs: Vec<&str> = known.iter().map(String::as_str).collect();
    let nearest = crate::diag::nearest(&entry.value, &refs);
    diags.push(Diagnostic::err(
        &t.source,
        entry.line,
        entry.col,
        M::TopicPageMissing {
            entry: &entry.value,
            nearest,
        },
    ));
}

/// Resolves every topic against `pages` (the site's, in site order);
/// entries naming no page go to `diags` as errors, except those under the
/// key of one of `sources` (a source site removed or renamed a page this
/// site cannot vouch for): warnings, and the topic leaves them out.
pub fn resolve(
    topics: &[Arc<Topic>],
    (pages, sources): (&[Arc<Page>], &[&str]),
    opts: markdown::Options,
    diags: &mut Vec<Diagnostic>,
) -> Vec<SiteTopic> {
    if topics.is_empty() {
        return vec![];
    }
    let named: Vec<PathBuf> = pages.iter().map(|p| named_as(p)).collect();
    let by_source: HashMap<&Path, usize> = named
        .iter()
        .enumerate()
        .map(|(i, p)| (p.as_path(), i))
        .collect();
    topics
        .iter()
        .map(|t| {
            let mut found: Vec<usize> = vec![];
            for entry in &t.pages {
                let hit = candidates(&entry.value)
                    .iter()
                    .find_map(|c| by_source.get(c.as_path()).copied());
                match hit {
                    Some(i) if !found.contains(&i) => found.push(i),
                    Some(_) => {}
                    None => report_missing(t, entry, (&named, sources), diags),
                }
            }
            if !t.tags.is_empty() {
                let wanted: Vec<String> = t.tags.iter().map(|x| term_slug(x)).collect();
                for (i, p) in pages.iter().enumerate() {
                    if p.kind != Kind::Page
                        && !found.contains(&i)
                        && p.meta.tags.iter().any(|x| wanted.contains(&term_slug(x)))
                    {
                        found.push(i);
                    }
                }
            }
            SiteTopic {
                intro: markdown::render(&t.body, opts, &|_| None).html,
                topic: t.clone(),
                pages: found,
            }
        })
        .collect()
}
