//! The 专题 of the site: each topic's `pages` entries resolved to pages
//! (an entry naming none is an error at its line and column in the topic
//! file), then the pages with one of its `tags`, newest first; its
//! introduction rendered.

use crate::diag::{Diagnostic, M};
use crate::load::config::Kind;
use crate::load::content::{Page, CONTENT_DIR};
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

/// Resolves every topic against `pages` (the site's, in site order);
/// entries naming no page go to `diags` as errors.
pub fn resolve(
    topics: &[Arc<Topic>],
    pages: &[Arc<Page>],
    opts: markdown::Options,
    diags: &mut Vec<Diagnostic>,
) -> Vec<SiteTopic> {
    if topics.is_empty() {
        return vec![];
    }
    let by_source: HashMap<&Path, usize> = pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.source.as_path(), i))
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
                    None => {
                        let known: Vec<String> = pages
                            .iter()
                            .map(|p| {
                                p.source
                                    .strip_prefix(CONTENT_DIR)
                                    .unwrap_or(&p.source)
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
