//! The site model: published pages in order, their rendered Markdown,
//! sections, taxonomies and neighbours. Built once from the [`Library`];
//! the renderer only reads it.

use crate::config::{Config, Kind, SectionConfig, PAGES_FOLDER};
use crate::content::{normalize, Intro, Library, Page};
use crate::diag::{Diagnostic, M};
use crate::markdown::{self, Rendered};
use crate::urls;
use rayon::prelude::*;
use unicode_normalization::UnicodeNormalization;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// A section with its pages (indices into [`Site::pages`], newest first).
#[derive(Debug, Clone)]
pub struct Section {
    pub config: SectionConfig,
    pub pages: Vec<usize>,
    /// HTML of `content/SECTION/_index.md`, or empty.
    pub intro: String,
}

/// One classification of pages: tags, regions, sectors, years, speakers.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    pub name: &'static str,
    pub title: &'static str,
    /// Sorted by slug.
    pub terms: Vec<Term>,
}

#[derive(Debug, Clone)]
pub struct Term {
    /// As first written (by page order).
    pub name: String,
    pub slug: String,
    /// Newest first.
    pub pages: Vec<usize>,
}

impl Term {
    /// Output folder relative to the output root (`tags/党建/`), not encoded.
    pub fn dir(&self, taxonomy: &str) -> String {
        format!("{taxonomy}/{}/", self.slug)
    }
}

/// The taxonomies, their titles, and what each page contributes to them.
pub const TAXONOMIES: [(&str, &str); 5] = [
    ("tags", "标签"),
    ("regions", "地区"),
    ("sectors", "领域"),
    ("years", "年份"),
    ("speakers", "讲话人"),
];

/// Names that a plain page's slug must not take, since the site uses them.
pub const RESERVED: &[&str] = &["search", "assets", "page", "feed.xml", "sitemap.xml", "404.html", "index.html"];

fn terms_of(page: &Page, taxonomy: &str) -> Vec<String> {
    let m = &page.meta;
    match taxonomy {
        "tags" => m.tags.clone(),
        "regions" => m.region.iter().cloned().collect(),
        "sectors" => m.sector.iter().cloned().collect(),
        "years" => vec![m.date.year.to_string()],
        "speakers" => m.speaker.iter().cloned().collect(),
        _ => vec![],
    }
}

#[derive(Debug, Clone)]
pub struct Site {
    pub config: Config,
    /// Newest first; ties by title, then source path.
    pub pages: Vec<Page>,
    /// `rendered[i]` is the body of `pages[i]`.
    pub rendered: Vec<Rendered>,
    pub sections: Vec<Section>,
    /// Plain pages (`content/pages/`), by title.
    pub plain: Vec<usize>,
    pub taxonomies: Vec<Taxonomy>,
    /// HTML of `content/_index.md`.
    pub home_intro: String,
    /// Neighbours in the section: (newer, older).
    pub neighbours: Vec<(Option<usize>, Option<usize>)>,
}

impl Site {
    /// Orders the pages, renders their Markdown (in parallel), and builds
    /// sections and taxonomies. URL clashes and broken links go to `diags`.
    pub fn build(config: Config, library: Library, diags: &mut Vec<Diagnostic>) -> Site {
        let Library { pages, intros } = library;
        let mut pages = claim_urls(pages, &config, diags);
        check_term_spellings(&pages, diags);
        pages.sort_by(|a, b| {
            b.meta.date.cmp(&a.meta.date).then_with(|| a.meta.title.cmp(&b.meta.title)).then_with(|| a.source.cmp(&b.source))
        });

        let opts = markdown::Options {
            unsafe_html: config.unsafe_html,
        };
        let by_source: HashMap<&Path, &str> = pages.iter().map(|p| (p.source.as_path(), p.url.as_str())).collect();
        let results: Vec<(Rendered, Vec<Diagnostic>)> = pages
            .par_iter()
            .map(|p| render_page(p, opts, &by_source))
            .collect();
        let mut rendered = Vec::with_capacity(results.len());
        for (r, d) in results {
            rendered.push(r);
            diags.extend(d);
        }

        let render_intro = |i: Option<&Intro>| -> String {
            i.map(|i| markdown::render(&i.body, opts, &|_| None).html).unwrap_or_default()
        };
        let sections: Vec<Section> = config
            .sections
            .iter()
            .map(|sc| Section {
                pages: (0..pages.len()).filter(|&i| pages[i].section == sc.name).collect(),
                intro: render_intro(intros.get(&sc.name)),
                config: sc.clone(),
            })
            .collect();
        let mut plain: Vec<usize> = (0..pages.len()).filter(|&i| pages[i].kind == Kind::Page).collect();
        plain.sort_by(|&a, &b| pages[a].meta.title.cmp(&pages[b].meta.title));

        let mut neighbours = vec![(None, None); pages.len()];
        for s in &sections {
            for (pos, &i) in s.pages.iter().enumerate() {
                let newer = pos.checked_sub(1).map(|p| s.pages[p]);
                let older = s.pages.get(pos + 1).copied();
                neighbours[i] = (newer, older);
            }
        }

        let taxonomies = TAXONOMIES
            .iter()
            .map(|&(name, title)| Taxonomy {
                name,
                title,
                terms: collect_terms(&pages, name),
            })
            .collect();

        Site {
            home_intro: render_intro(intros.get("")),
            config,
            pages,
            rendered,
            sections,
            plain,
            taxonomies,
            neighbours,
        }
    }

    pub fn section(&self, name: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.config.name == name)
    }

    /// The title readers see for a page's kind (`典型案例`), or `页面`.
    pub fn kind_title(&self, page: &Page) -> &str {
        self.section(&page.section).map(|s| s.config.title.as_str()).unwrap_or("页面")
    }
}

fn collect_terms(pages: &[Page], taxonomy: &str) -> Vec<Term> {
    let mut terms: BTreeMap<String, Term> = BTreeMap::new();
    for (i, p) in pages.iter().enumerate() {
        for name in terms_of(p, taxonomy) {
            let slug = urls::term_slug(&name);
            let term = terms.entry(slug.clone()).or_insert_with(|| Term {
                name: name.trim().to_string(),
                slug,
                pages: vec![],
            });
            if term.pages.last() != Some(&i) {
                term.pages.push(i);
            }
        }
    }
    terms.into_values().collect()
}

/// Keeps the first page (by source path) that claims each output folder and
/// reports the others.
fn claim_urls(pages: BTreeMap<PathBuf, Page>, config: &Config, diags: &mut Vec<Diagnostic>) -> Vec<Page> {
    let mut claimed: HashMap<String, PathBuf> = HashMap::new();
    let mut reserved: Vec<String> = RESERVED.iter().map(|s| s.to_string()).collect();
    reserved.extend(config.sections.iter().map(|s| s.name.clone()));
    reserved.extend(TAXONOMIES.iter().map(|(n, _)| n.to_string()));
    reserved.push(PAGES_FOLDER.to_string());
    let mut out = Vec::with_capacity(pages.len());
    for (source, page) in pages {
        let top = page.dir.split('/').next().unwrap_or("");
        if page.kind == Kind::Page && reserved.iter().any(|r| r == top) {
            diags.push(
                Diagnostic::err(&source, 1, 1, M::ReservedAddress { dir: &page.dir }),
            );
            continue;
        }
        if let Some(first) = claimed.get(&page.dir) {
            diags.push(
                Diagnostic::err(&source, 1, 1, M::SameAddress { dir: &page.dir, other: &crate::diag::display_path(first) }),
            );
            continue;
        }
        claimed.insert(page.dir.clone(), source);
        out.push(page);
    }
    out
}

/// Renders one page's body, turning links to other `.md` files into links to
/// their pages and reporting the ones that lead nowhere.
fn render_page(page: &Page, opts: markdown::Options, by_source: &HashMap<&Path, &str>) -> (Rendered, Vec<Diagnostic>) {
    let prefix = urls::root_prefix(&format!("{}index.html", page.dir));
    let folder = page.source.parent().unwrap_or(Path::new(""));
    let resolve = |dest: &str| -> Option<String> {
        let (path, fragment) = match dest.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (dest, None),
        };
        let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
        let target = normalize(&folder.join(decoded.as_ref()))?;
        let url = by_source.get(target.as_path())?;
        Some(match fragment {
            Some(f) => format!("{prefix}{url}#{f}"),
            None => format!("{prefix}{url}"),
        })
    };
    let rendered = markdown::render(&page.body, opts, &resolve);
    let mut diags = vec![];
    for link in &rendered.links {
        let (line, col) = (page.body_line + link.line - 1, link.col);
        let Some(path) = local_path(&link.dest) else { continue };
        if normalize(&folder.join(path.as_str())).is_none_or(|t| !t.starts_with(crate::content::CONTENT_DIR)) {
            diags.push(Diagnostic::err(&page.source, line, col, M::LinkOutside { dest: &link.dest }));
            continue;
        }
        if path.ends_with(".md") {
            if resolve(&link.dest).is_none() {
                diags.push(Diagnostic::warn(&page.source, line, col, M::BrokenPageLink { dest: &link.dest }));
            }
            continue;
        }
        let has_extension = Path::new(path.as_str()).extension().is_some_and(|e| e != "html" && e != "htm");
        if !link.is_image && !has_extension {
            continue;
        }
        // A file the page links to must be published next to the page.
        let published = normalize(&Path::new(&page.dir).join(path.as_str()))
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .is_some_and(|p| page.assets.iter().any(|a| a.dest == p));
        if !published {
            diags.push(if link.is_image {
                Diagnostic::err(&page.source, line, col, M::BodyImageMissing { dest: &link.dest })
            } else {
                Diagnostic::warn(&page.source, line, col, M::LinkedFileMissing { dest: &link.dest })
            });
        }
    }
    (rendered, diags)
}

/// The path part of a link written relative to the page (`photos/a.png`,
/// `../cases/x.md#做法`), percent-decoded; `None` for web addresses, other
/// schemes, `#fragments` and `/root` paths.
fn local_path(dest: &str) -> Option<String> {
    let dest = dest.trim();
    if dest.is_empty() || dest.starts_with(['#', '/', '\\', '?']) {
        return None;
    }
    let path = dest.split(['#', '?']).next().unwrap_or("");
    let before_slash = path.split('/').next().unwrap_or("");
    if before_slash.contains(':') || path.is_empty() {
        return None;
    }
    Some(percent_encoding::percent_decode_str(path).decode_utf8_lossy().into_owned())
}

/// Taxonomy values that differ only by full/half width, case or spaces
/// (`陈仓区` and `陈仓　区`) are listed apart; each later spelling is a
/// warning naming the first one and its file.
pub fn check_term_spellings(pages: &[Page], diags: &mut Vec<Diagnostic>) {
    let mut order: Vec<&Page> = pages.iter().collect();
    order.sort_by(|a, b| a.source.cmp(&b.source));
    for taxonomy in ["tags", "regions", "sectors", "speakers"] {
        // loose key → (first spelling, its file)
        let mut first: HashMap<String, (&str, &Path)> = HashMap::new();
        for page in &order {
            let at: HashMap<&str, (usize, usize)> = page.term_at.iter().rev().map(|t| (t.0.as_str(), (t.1, t.2))).collect();
            for name in terms_of(page, taxonomy) {
                let loose: String = name
                    .nfkc()
                    .filter(|c| !c.is_whitespace())
                    .flat_map(char::to_lowercase)
                    .collect();
                let Some(&(first_name, first_file)) = first.get(&loose) else {
                    if let Some((n, _)) = at.get_key_value(name.as_str()) {
                        first.insert(loose, (n, page.source.as_path()));
                    }
                    continue;
                };
                if first_name == name {
                    continue;
                }
                let (line, col) = at.get(name.as_str()).copied().unwrap_or((1, 1));
                diags.push(Diagnostic::warn(
                    &page.source,
                    line,
                    col,
                    M::TermSpellings { taxonomy, first: first_name, first_file: &crate::diag::display_path(first_file), second: &name },
                ));
            }
        }
    }
}
