//! `compilations:` of site.yaml: booklets made with the site build and
//! offered for download from the list pages their selection names.
//!
//! A PDF is made again only when what it is made from changed: the typst
//! document of its pages (their text, titles, metadata), its pictures, the
//! faces and the version of zhanting, named together by one key
//! ([`pdf::Prepared::key`]) that the PDF carries. Preparing the document
//! costs a walk over the chosen pages' Markdown; setting it (seconds for
//! a few hundred pages) is skipped when the output being replaced holds a
//! PDF with the same key at the same place. The key is what typst reads,
//! recorded as it is made, so no edit can leave a stale booklet.

use super::{booklet, fonts, html, pdf, section_config, select, Failure, Format};
use crate::diag::{Diagnostic, M};
use crate::load::config::FILE_NAME;
use crate::load::content::Page;
use crate::load::printing::{year_number, CompilationConfig, Selection};
use crate::model::site::{Download, Site};
use crate::urls::term_slug;
use std::path::Path;
use std::sync::Arc;

/// What the compilations of a build made: each booklet's download (for
/// the list pages) and its file.
#[derive(Default)]
pub struct Made {
    pub downloads: Vec<Download>,
    pub files: Vec<(String, Arc<[u8]>)>,
}

/// Makes every booklet of `site.config.compilations`. `previous` gives a
/// file of the output being replaced (a PDF carrying the same key is taken
/// over as it is). `dry_run`: every check, no typesetting (`check`).
pub fn make_all(
    root: &Path,
    site: &Site,
    previous: &dyn Fn(&str) -> Option<Arc<[u8]>>,
    dry_run: bool,
) -> Result<Made, Vec<Diagnostic>> {
    let pages: Vec<&Page> = site.pages.iter().map(|p| &**p).collect();
    let mut faces: Option<Option<fonts::Faces>> = None;
    let mut made = Made::default();
    let mut errors = vec![];
    for c in &site.config.compilations {
        let faces = match c.format {
            Format::Pdf => {
                let found = faces.get_or_insert_with(|| {
                    fonts::find(root, &site.config.print)
                        .map_err(|f| errors.extend(said(c, f)))
                        .ok()
                });
                match found {
                    Some(f) => Some(&*f),
                    // said once, at the first PDF
                    None => continue,
                }
            }
            Format::Html => None,
        };
        match one(root, site, &pages, c, faces, previous, dry_run) {
            Ok(bytes) => {
                made.downloads.push(Download {
                    title: c.title.clone(),
                    file: c.file.clone(),
                    format: match c.format {
                        Format::Pdf => "PDF",
                        Format::Html => "HTML",
                    },
                    bytes: bytes.len() as u64,
                    places: places(site, &c.selection),
                });
                made.files.push((c.file.clone(), bytes));
            }
            Err(f) => errors.extend(said(c, f)),
        }
    }
    if errors.is_empty() {
        Ok(made)
    } else {
        Err(errors)
    }
}

/// One booklet's bytes.
fn one(
    root: &Path,
    site: &Site,
    pages: &[&Page],
    c: &CompilationConfig,
    faces: Option<&fonts::Faces>,
    previous: &dyn Fn(&str) -> Option<Arc<[u8]>>,
    dry_run: bool,
) -> Result<Arc<[u8]>, Failure> {
    let chosen = select(&site.config, pages, &c.selection)?;
    let booklet = booklet(&site.config, chosen, &c.selection, Some(&c.title));
    let Some(faces) = faces else {
        return Ok(html::make(root, &booklet)?.into());
    };
    let prepared = pdf::prepare(root, &booklet, faces)?;
    let key = prepared.key(faces);
    match previous(&c.file) {
        Some(old) if pdf::carries(&old, &key) => Ok(old),
        _ if dry_run => Ok(Arc::from(Vec::new())),
        _ => Ok(prepared.set_with_key(faces, &key)?.bytes.into()),
    }
}

/// The entries of `compilations:` whose file a page, list, asset or
/// `static/` file of the site also makes, as errors at their lines.
pub fn clashing(config: &crate::load::config::Config, paths: &[String]) -> Vec<Diagnostic> {
    config
        .compilations
        .iter()
        .filter(|c| paths.contains(&c.file))
        .map(|c| {
            Diagnostic::err(
                FILE_NAME,
                c.line,
                c.col,
                M::CompilationFileClash { file: &c.file },
            )
        })
        .collect()
}

/// A failure as diagnostics: problems at their place (a page's picture,
/// a face named in `compile.fonts`), anything else at the entry in
/// site.yaml.
fn said(c: &CompilationConfig, f: Failure) -> Vec<Diagnostic> {
    match f {
        Failure::At(diags) => diags,
        Failure::Other(e) => vec![Diagnostic::err(
            FILE_NAME,
            c.line,
            c.col,
            M::CompilationFailed {
                title: &c.title,
                error: &format!("{e:#}"),
            },
        )],
    }
}

/// The list pages that offer a booklet: its section's, and the term page
/// of each tag, sector, region (and the regions it names within others)
/// and year it selects by; the home page when it names none of these.
pub fn places(site: &Site, sel: &Selection) -> Vec<String> {
    let mut out = vec![];
    if let Some(sec) = sel
        .section
        .as_deref()
        .and_then(|s| section_config(&site.config, s))
    {
        out.push(format!("{}/", sec.name));
    }
    let year = sel
        .year
        .as_deref()
        .and_then(year_number)
        .map(|y| y.to_string());
    for (taxonomy, value) in [
        ("tags", &sel.tag),
        ("sectors", &sel.sector),
        ("years", &year),
    ] {
        let Some(slug) = value.as_deref().map(term_slug) else {
            continue;
        };
        let term = site
            .taxonomies
            .iter()
            .find(|t| t.name == taxonomy)
            .and_then(|t| t.terms.iter().find(|term| term.slug == slug));
        out.extend(term.map(|term| term.dir(taxonomy)));
    }
    if let Some(want) = sel.region.as_deref().map(super::region_slugs) {
        let tree = &site.regions;
        for (k, node) in tree.nodes.iter().enumerate().skip(1) {
            let parts: Vec<String> = tree
                .path_to(k)
                .into_iter()
                .map(|i| term_slug(&tree.nodes[i].name))
                .collect();
            if !want.is_empty() && parts.ends_with(&want) {
                out.push(node.dir.clone());
            }
        }
    }
    if out.is_empty() {
        out.push(String::new());
    }
    out
}
