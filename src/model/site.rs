//! The site model: published pages in order, their rendered Markdown,
//! sections, taxonomies and neighbours. Built once from the [`Library`];
//! the renderer only reads it.

use crate::diag::{Diagnostic, M};
use crate::load::config::{Config, Kind, SectionConfig, PAGES_FOLDER};
use crate::load::content::{normalize, Intro, Library, Page};
use crate::model::markdown::{self, RemovedHtml, Rendered};
use crate::model::nav::{self, NavLink};
use crate::model::region::RegionTree;
use crate::model::topics::SiteTopic;
use crate::urls;
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use unicode_normalization::UnicodeNormalization;

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

/// Rendered bodies of an earlier build, reused while their page is the
/// same (`Arc` identity: the content cache hands out the same `Arc` for an
/// unchanged file) and the links they resolve still lead to the same URLs.
///
/// It also keeps the site's *shape* — the order of the pages, the sections,
/// neighbours and taxonomies, and the term spelling warnings — for as long
/// as no page's place in it changes (see [`Shape`]).
#[derive(Default)]
pub struct BodyCache {
    /// In the order of the last build's pages.
    bodies: Vec<CachedBody>,
    /// Source → URL of every page at the last build.
    urls: HashMap<PathBuf, String>,
    next_rev: u64,
    shape: Option<Shape>,
}

/// Everything about the site that depends only on each page's source path,
/// URL, section, kind, date, title and taxonomy terms (with where they are
/// written): a body edit leaves it as it was.
struct Shape {
    /// A hash of those fields of every page, in source order.
    key: u64,
    /// Each page (in source order) and the hash of its fields.
    hashes: Vec<(Arc<Page>, u64)>,
    /// Source order index of each page, newest first.
    order: Vec<usize>,
    sections: Vec<Vec<usize>>,
    neighbours: Vec<(Option<usize>, Option<usize>)>,
    taxonomies: Vec<Taxonomy>,
    spellings: Vec<Diagnostic>,
}

impl Shape {
    /// The key of `pages` (in source order): a hash of each page's
    /// fields, taken from `known` (the pages and hashes of the last build,
    /// in the same order) for a page that is the same `Arc` at the same place.
    fn key(pages: &[Arc<Page>], known: &[(Arc<Page>, u64)]) -> (u64, Vec<(Arc<Page>, u64)>) {
        use std::hash::{Hash, Hasher};
        let hashes: Vec<(Arc<Page>, u64)> = pages
            .iter()
            .enumerate()
            .map(|(i, p)| match known.get(i) {
                Some((k, h)) if Arc::ptr_eq(k, p) => (p.clone(), *h),
                _ => {
                    let mut h = rustc_hash::FxHasher::default();
                    let m = &p.meta;
                    let source = p.source.as_os_str().as_encoded_bytes();
                    (source, &p.url, &p.section, p.kind, m.date, &m.title).hash(&mut h);
                    (&m.tags, &m.region, &m.sector, &m.speaker, &p.term_at).hash(&mut h);
                    (p.clone(), h.finish())
                }
            })
            .collect();
        let mut h = rustc_hash::FxHasher::default();
        for (_, k) in &hashes {
            k.hash(&mut h);
        }
        hashes.len().hash(&mut h);
        (h.finish(), hashes)
    }

    /// Orders `pages` (in source order) and makes the sections,
    /// neighbours and taxonomies of `config`.
    fn make(
        key: u64,
        hashes: Vec<(Arc<Page>, u64)>,
        pages: &[Arc<Page>],
        config: &Config,
    ) -> Shape {
        let mut spellings = vec![];
        check_term_spellings(pages, &mut spellings);
        let mut order: Vec<usize> = (0..pages.len()).collect();
        order.sort_by(|&a, &b| {
            let (a, b) = (&pages[a], &pages[b]);
            // Newest first by the first day each date covers (a month alone
            // as its 1st); drafts without a date last.
            let day = |p: &Page| p.meta.date.map(|d| d.first_day());
            day(b)
                .cmp(&day(a))
                .then_with(|| a.meta.title.cmp(&b.meta.title))
                .then_with(|| a.source.cmp(&b.source))
        });
        let sorted: Vec<Arc<Page>> = order.iter().map(|&i| pages[i].clone()).collect();
        let sections: Vec<Vec<usize>> = config
            .sections
            .iter()
            .map(|sc| {
                (0..sorted.len())
                    .filter(|&i| sorted[i].section == sc.name)
                    .collect()
            })
            .collect();
        let mut neighbours = vec![(None, None); sorted.len()];
        for s in &sections {
            for (pos, &i) in s.iter().enumerate() {
                let newer = pos.checked_sub(1).map(|p| s[p]);
                let older = s.get(pos + 1).copied();
                neighbours[i] = (newer, older);
            }
        }
        let taxonomies = TAXONOMIES
            .par_iter()
            .map(|&(name, title)| Taxonomy {
                name,
                title,
                terms: collect_terms(&sorted, name),
            })
            .collect();
        Shape {
            key,
            hashes,
            order,
            sections,
            neighbours,
            taxonomies,
            spellings,
        }
    }
}

impl BodyCache {
    /// The shape of `pages` (in source order): the cached one while its
    /// key is the same (then `true`), else made anew.
    fn take_shape(&mut self, pages: &[Arc<Page>], config: &Config) -> (Shape, bool) {
        let known = self.shape.as_ref().map_or(&[][..], |s| &s.hashes[..]);
        let (key, hashes) = Shape::key(pages, known);
        match self.shape.take() {
            Some(mut shape) if shape.key == key => {
                shape.hashes = hashes;
                (shape, true)
            }
            _ => (Shape::make(key, hashes, pages, config), false),
        }
    }

    /// Takes the cached bodies out: for each of `pages` (in site order),
    /// its cached body while still good, else `None`. Also brings the URL
    /// map up to date.
    fn reusable(&mut self, pages: &[Arc<Page>], same_shape: bool) -> Vec<Option<CachedBody>> {
        let old = std::mem::take(&mut self.bodies);
        // The same shape: the same pages at the same URLs in the same order
        // as the cached bodies. Otherwise each cached body is found by its
        // page, and links to other pages resolve through the URL map: when
        // it changed, bodies with such links are rendered again.
        let (reused, same_urls): (Vec<Option<CachedBody>>, bool) =
            if same_shape && old.len() == pages.len() {
                (old.into_iter().map(Some).collect(), true)
            } else {
                let by_source: HashMap<&Path, &str> = pages
                    .iter()
                    .map(|p| (p.source.as_path(), p.url.as_str()))
                    .collect();
                let same = self.urls.len() == by_source.len()
                    && by_source
                        .iter()
                        .all(|(k, v)| self.urls.get(*k).is_some_and(|u| u == v));
                if !same {
                    self.urls = by_source
                        .iter()
                        .map(|(k, v)| (k.to_path_buf(), v.to_string()))
                        .collect();
                }
                let at: HashMap<*const Page, usize> = old
                    .iter()
                    .enumerate()
                    .map(|(i, c)| (Arc::as_ptr(&c.page), i))
                    .collect();
                let mut slots: Vec<Option<CachedBody>> = old.into_iter().map(Some).collect();
                let reused = pages
                    .iter()
                    .map(|p| at.get(&Arc::as_ptr(p)).and_then(|&i| slots[i].take()))
                    .collect();
                (reused, same)
            };
        reused
            .into_iter()
            .zip(pages)
            .map(|(c, p)| c.filter(|c| Arc::ptr_eq(&c.page, p) && (same_urls || !c.links_pages)))
            .collect()
    }

    /// Keeps this build's bodies (in site order), a new rev for each one
    /// rendered now; returns the bodies and revs for the site, their
    /// messages going to `diags`.
    fn keep_bodies(
        &mut self,
        results: Vec<(CachedBody, bool)>,
        diags: &mut Vec<Diagnostic>,
    ) -> (Vec<Arc<Rendered>>, Vec<u64>) {
        let mut rendered = Vec::with_capacity(results.len());
        let mut revs = Vec::with_capacity(results.len());
        let mut bodies = Vec::with_capacity(results.len());
        for (mut c, fresh) in results {
            if fresh {
                self.next_rev += 1;
                c.rev = self.next_rev;
            }
            rendered.push(c.rendered.clone());
            revs.push(c.rev);
            diags.extend(c.diags.iter().cloned());
            bodies.push(c);
        }
        self.bodies = bodies;
        (rendered, revs)
    }
}

/// Each page's body (in parallel): the reused one, or rendered now
/// (`true`), links resolved through `urls`. Without `hold`, a rendered
/// body keeps no HTML and text.
fn render_bodies(
    pages: &[Arc<Page>],
    reused: Vec<Option<CachedBody>>,
    opts: markdown::Options,
    hold: bool,
    urls: &HashMap<PathBuf, String>,
) -> Vec<(CachedBody, bool)> {
    let url_of = |t: &Path| urls.get(t).map(String::as_str);
    pages
        .par_iter()
        .zip(reused)
        .map(|(p, reused)| match reused {
            Some(c) => (c, false),
            None => {
                let (mut rendered, d) = render_page(p, opts, &url_of);
                if !hold {
                    rendered.html = String::new();
                    rendered.text = String::new();
                }
                let links_pages = rendered
                    .links
                    .iter()
                    .any(|l| local_path(&l.dest).is_some_and(|p| p.ends_with(".md")));
                (
                    CachedBody {
                        page: p.clone(),
                        rendered: Arc::new(rendered),
                        diags: d,
                        rev: 0,
                        links_pages,
                    },
                    true,
                )
            }
        })
        .collect()
}

struct CachedBody {
    /// The page the body is of (compared by `Arc` identity).
    page: Arc<Page>,
    rendered: Arc<Rendered>,
    diags: Vec<Diagnostic>,
    rev: u64,
    /// Links to other pages' `.md` files.
    links_pages: bool,
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
pub const RESERVED: &[&str] = &[
    "search",
    "assets",
    "page",
    "feed.xml",
    "sitemap.xml",
    "404.html",
    "index.html",
    "overview",
    "topics",
];

fn terms_of<'p>(page: &'p Page, taxonomy: &str) -> impl Iterator<Item = &'p str> {
    let m = &page.meta;
    let (list, one): (&[String], Option<&String>) = match taxonomy {
        "tags" => (&m.tags, None),
        "regions" => (&[], m.region.as_ref()),
        "sectors" => (&[], m.sector.as_ref()),
        "speakers" => (&[], m.speaker.as_ref()),
        _ => (&[], None),
    };
    list.iter().chain(one).map(String::as_str)
}

#[derive(Debug, Clone)]
pub struct Site {
    pub config: Config,
    /// Newest first; ties by title, then source path.
    pub pages: Vec<Arc<Page>>,
    /// `rendered[i]` is the body of `pages[i]`.
    pub rendered: Vec<Arc<Rendered>>,
    /// `revs[i]` names the content of `pages[i]` and `rendered[i]`: two
    /// builds that give a page the same rev gave it the same page and body.
    pub revs: Vec<u64>,
    pub sections: Vec<Section>,
    pub taxonomies: Vec<Taxonomy>,
    /// The regions of the pages as a tree (`regions/陕西省/宝鸡市/`), made
    /// from the `regions` taxonomy.
    pub regions: RegionTree,
    /// The 专题 (`content/topics/`), by source path, with their pages.
    pub topics: Vec<SiteTopic>,
    /// HTML of `content/_index.md`.
    pub home_intro: String,
    /// Neighbours in the section: (newer, older).
    pub neighbours: Vec<(Option<usize>, Option<usize>)>,
    /// The main navigation: `menu` of site.yaml resolved, or the default.
    pub menu: Vec<NavLink>,
    /// `footer.links` resolved.
    pub footer_links: Vec<NavLink>,
    /// The plain pages (关于本平台 …), by source path, so each is reachable
    /// from the footer.
    pub plain_pages: Vec<NavLink>,
    /// Names the site's shape: two sites with the same `shape` (and
    /// config) have the same pages in the same order at the same URLs, and
    /// the same sections, neighbours and taxonomies, and the same topics
    /// at the same folders.
    pub shape: u64,
    /// The booklets of `compilations:` as made for this build (empty until
    /// the build has made them, see `crate::compile::site`).
    pub downloads: Vec<Download>,
    /// Set when the bodies' HTML and text are not held (a very large site
    /// built without a memo): what [`Site::body`] needs to render them again.
    again: Option<Again>,
}

/// A booklet of `compilations:` offered for download.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Download {
    pub title: String,
    /// Its path in the output, `/`-separated, not encoded.
    pub file: String,
    /// `PDF` or `HTML`.
    pub format: &'static str,
    pub bytes: u64,
    /// The list pages that link to it, by folder (`cases/`, `tags/党建/`,
    /// `regions/陕西省/宝鸡市/`, `years/2023/`; `""` for the home page).
    pub places: Vec<String>,
}

/// How to render a page's body again.
#[derive(Debug, Clone)]
struct Again {
    opts: markdown::Options,
    /// Source → URL of every page.
    urls: HashMap<PathBuf, String>,
}

impl Site {
    /// Orders the pages, renders their Markdown (in parallel), and builds
    /// sections and taxonomies; URL clashes and broken links go to `diags`.
    /// Reuses from `cache` the bodies of pages that did not change and
    /// leaves this build's bodies in it. Without
    /// `hold`, each body's HTML and text are dropped once its summary,
    /// counts and links are known, and [`Site::body`] renders them again
    /// when asked: memory for a site of any size, at the cost of rendering
    /// each body more than once.
    pub fn build_with(
        config: Config,
        library: Library,
        cache: &mut BodyCache,
        hold: bool,
        diags: &mut Vec<Diagnostic>,
    ) -> Site {
        let Library {
            pages,
            intros,
            topics,
        } = library;
        let claimed = claim_urls(pages, &config, diags);
        same_pages(&claimed, diags);
        let (shape, same_shape) = cache.take_shape(&claimed, &config);
        diags.extend(shape.spellings.iter().cloned());
        let pages: Vec<Arc<Page>> = shape.order.iter().map(|&i| claimed[i].clone()).collect();
        drop(claimed);

        let opts = markdown::Options {
            unsafe_html: config.unsafe_html,
        };
        let reused = cache.reusable(&pages, same_shape);
        let results = render_bodies(&pages, reused, opts, hold, &cache.urls);
        let (rendered, revs) = cache.keep_bodies(results, diags);

        let render_intro = |i: Option<&Intro>| -> String {
            i.map(|i| markdown::render(&i.body, opts, &|_| None).html)
                .unwrap_or_default()
        };
        let sections: Vec<Section> = config
            .sections
            .iter()
            .zip(&shape.sections)
            .map(|(sc, pages)| Section {
                pages: pages.clone(),
                intro: render_intro(intros.get(&sc.name)),
                config: sc.clone(),
            })
            .collect();
        let menu = match &config.menu {
            Some(links) => nav::resolve(links, &config, &cache.urls, diags),
            None => nav::default_menu(&config),
        };
        let footer_links = nav::resolve(&config.footer.links, &config, &cache.urls, diags);
        let plain_pages = plain_pages(&pages);
        let neighbours = shape.neighbours.clone();
        let taxonomies = shape.taxonomies.clone();
        let regions = RegionTree::build(
            taxonomies
                .iter()
                .filter(|t| t.name == "regions")
                .flat_map(|t| &t.terms)
                .map(|term| (term.name.as_str(), &term.pages[..])),
        );
        let source_keys: Vec<&str> = config.sources.iter().map(|s| s.key.as_str()).collect();
        let topics = crate::model::topics::resolve(&topics, (&pages, &source_keys), opts, diags);
        // (a topic's address is part of the shape: the output paths)
        let shape_key = {
            use std::hash::{Hash, Hasher};
            let mut h = rustc_hash::FxHasher::default();
            shape.key.hash(&mut h);
            for t in &topics {
                t.topic.dir.hash(&mut h);
            }
            h.finish()
        };
        cache.shape = Some(shape);

        let again = (!hold).then(|| Again {
            opts,
            urls: cache.urls.clone(),
        });
        Site {
            again,
            home_intro: render_intro(intros.get("")),
            config,
            pages,
            rendered,
            sections,
            taxonomies,
            regions,
            topics,
            neighbours,
            revs,
            menu,
            footer_links,
            plain_pages,
            shape: shape_key,
            downloads: vec![],
        }
    }

    /// The rendered body of page `i`: the one held, or rendered again.
    pub fn body(&self, i: usize) -> std::borrow::Cow<'_, Rendered> {
        match &self.again {
            None => std::borrow::Cow::Borrowed(&self.rendered[i]),
            Some(a) => std::borrow::Cow::Owned(
                render_page(&self.pages[i], a.opts, &|t| {
                    a.urls.get(t).map(String::as_str)
                })
                .0,
            ),
        }
    }

    pub fn section(&self, name: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.config.name == name)
    }

    /// The title readers see for a page's kind (`典型案例`), or `页面`.
    pub fn kind_title(&self, page: &Page) -> &str {
        self.section(&page.section)
            .map(|s| s.config.title.as_str())
            .unwrap_or("页面")
    }
}

/// Links to the plain pages, by source path.
fn plain_pages(pages: &[Arc<Page>]) -> Vec<NavLink> {
    let mut plain: Vec<&Arc<Page>> = pages.iter().filter(|p| p.kind == Kind::Page).collect();
    plain.sort_by(|a, b| a.source.cmp(&b.source));
    plain
        .into_iter()
        .map(|p| NavLink {
            title: p.meta.title.clone(),
            url: p.url.clone(),
            external: false,
            section: None,
        })
        .collect()
}

fn collect_terms(pages: &[Arc<Page>], taxonomy: &str) -> Vec<Term> {
    let mut terms: BTreeMap<String, Term> = BTreeMap::new();
    // each spelling's slug, made once
    let mut slugs: HashMap<String, String> = HashMap::default();
    let mut add = |name: &str, i: usize| {
        let slug = match slugs.get(name) {
            Some(s) => s,
            None => slugs
                .entry(name.to_string())
                .or_insert_with(|| urls::term_slug(name)),
        };
        let term = match terms.get_mut(slug.as_str()) {
            Some(t) => t,
            None => terms.entry(slug.clone()).or_insert_with(|| Term {
                name: name.trim().to_string(),
                slug: slug.clone(),
                pages: vec![],
            }),
        };
        if term.pages.last() != Some(&i) {
            term.pages.push(i);
        }
    };
    for (i, p) in pages.iter().enumerate() {
        if taxonomy == "years" {
            if let Some(d) = p.meta.date {
                add(&d.year.to_string(), i);
            }
        }
        for name in terms_of(p, taxonomy) {
            add(name, i);
        }
    }
    terms.into_values().collect()
}

/// Keeps the first page (by source path) that claims each output folder and
/// reports the others.
fn claim_urls(
    pages: Vec<Arc<Page>>,
    config: &Config,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Arc<Page>> {
    let mut reserved: Vec<&str> = RESERVED.to_vec();
    reserved.extend(config.sections.iter().map(|s| s.name.as_str()));
    reserved.extend(TAXONOMIES.iter().map(|(n, _)| *n));
    reserved.push(PAGES_FOLDER);
    // A source's pages live under its key: no other may take it.
    for s in &config.sources {
        if reserved.contains(&s.key.as_str()) {
            diags.push(Diagnostic::err(
                Path::new(crate::load::config::FILE_NAME),
                s.line,
                s.col,
                M::SourceKeyTaken { key: &s.key },
            ));
        }
    }
    reserved.extend(config.sources.iter().map(|s| s.key.as_str()));
    let mut claimed: HashMap<&str, &Path> = HashMap::default();
    let mut keep = vec![true; pages.len()];
    for (i, page) in pages.iter().enumerate() {
        let top = page.dir.split('/').next().unwrap_or("");
        if page.kind == Kind::Page && page.origin.is_none() && reserved.contains(&top) {
            diags.push(Diagnostic::err(
                &page.source,
                1,
                1,
                M::ReservedAddress { dir: &page.dir },
            ));
            keep[i] = false;
            continue;
        }
        if let Some(first) = claimed.get(page.dir.as_str()) {
            diags.push(Diagnostic::err(
                &page.source,
                1,
                1,
                M::SameAddress {
                    dir: &page.dir,
                    other: &crate::diag::display_path(first),
                },
            ));
            keep[i] = false;
            continue;
        }
        claimed.insert(&page.dir, &page.source);
    }
    drop(claimed);
    if keep.iter().all(|k| *k) {
        return pages;
    }
    pages
        .into_iter()
        .zip(keep)
        .filter_map(|(p, k)| k.then_some(p))
        .collect()
}

/// Warns about each page whose text (see [`crate::text::text_fingerprint`]),
/// or else whose title and date, are those of a page before it in source
/// path order, naming the first such page, at the later page's title line.
/// One pass with hash maps: cheap on any number of pages.
fn same_pages(pages: &[Arc<Page>], diags: &mut Vec<Diagnostic>) {
    let n = pages.len();
    let mut texts: HashMap<u64, &Path> = HashMap::with_capacity_and_hasher(n, Default::default());
    let mut titles: HashMap<(&str, crate::load::date::Date), &Path> =
        HashMap::with_capacity_and_hasher(n, Default::default());
    for page in pages {
        let first_text = page.text_key.and_then(|k| match texts.entry(k) {
            std::collections::hash_map::Entry::Occupied(e) => Some(*e.get()),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(&page.source);
                None
            }
        });
        let title = page.title_key.as_str();
        // An undated draft has no date to share.
        let first_title = page
            .meta
            .date
            .and_then(|date| match titles.entry((title, date)) {
                std::collections::hash_map::Entry::Occupied(e) => Some((*e.get(), date)),
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(&page.source);
                    None
                }
            });
        let line = page.title_line;
        if let Some(first) = first_text {
            diags.push(Diagnostic::warn(
                &page.source,
                line,
                1,
                M::SameText {
                    other: &crate::diag::display_path(first),
                },
            ));
        } else if let Some((first, date)) = first_title {
            diags.push(Diagnostic::warn(
                &page.source,
                line,
                1,
                M::SameTitleAndDate {
                    other: &crate::diag::display_path(first),
                    title: &page.meta.title,
                    date: &date.iso(),
                },
            ));
        }
    }
}

/// Renders one page's body, turning links to other `.md` files into links to
/// their pages and reporting the ones that lead nowhere.
fn render_page<'u>(
    page: &Page,
    opts: markdown::Options,
    url_of: &dyn Fn(&Path) -> Option<&'u str>,
) -> (Rendered, Vec<Diagnostic>) {
    let prefix = urls::root_prefix(&format!("{}index.html", page.dir));
    // Links are read in the page's own site (a source's page links within
    // its source), and looked up by the source paths of this one.
    let folder = page.own_path().parent().unwrap_or(Path::new(""));
    let here = |own: PathBuf| match &page.origin {
        Some(o) => o.shown.join(own),
        None => own,
    };
    let resolve = |dest: &str| -> Option<String> {
        let (path, fragment) = match dest.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (dest, None),
        };
        let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
        let target = here(normalize(&folder.join(decoded.as_ref()))?);
        let url = url_of(target.as_path())?;
        Some(match fragment {
            Some(f) => format!("{prefix}{url}#{f}"),
            None => format!("{prefix}{url}"),
        })
    };
    let picture = |dest: &str| picture_of(page, dest);
    let rendered = markdown::render_with_pictures(&page.body, opts, &resolve, &picture);
    let mut diags = removed_html(page, &rendered.removed);
    if rendered.char_count > LONG_PAGE_CHARS {
        diags.push(Diagnostic::warn(
            &page.source,
            page.title_line,
            1,
            M::PageTooLong {
                chars: rendered.char_count,
            },
        ));
    }
    for link in &rendered.links {
        let (line, col) = (page.body_line + link.line - 1, link.col);
        let Some(path) = local_path(&link.dest) else {
            continue;
        };
        if normalize(&folder.join(path.as_str()))
            .is_none_or(|t| !t.starts_with(crate::load::content::CONTENT_DIR))
        {
            diags.push(Diagnostic::err(
                &page.source,
                line,
                col,
                M::LinkOutside { dest: &link.dest },
            ));
            continue;
        }
        if path.ends_with(".md") {
            if resolve(&link.dest).is_none() {
                diags.push(Diagnostic::warn(
                    &page.source,
                    line,
                    col,
                    M::BrokenPageLink { dest: &link.dest },
                ));
            }
            continue;
        }
        let has_extension = Path::new(path.as_str())
            .extension()
            .is_some_and(|e| e != "html" && e != "htm");
        if !link.is_image && !has_extension {
            continue;
        }
        // A file the page links to must be published next to the page.
        let published = normalize(&Path::new(&page.dir).join(path.as_str()))
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .is_some_and(|p| page.assets.iter().any(|a| a.dest == p));
        if !published {
            diags.push(if link.is_image {
                Diagnostic::err(
                    &page.source,
                    line,
                    col,
                    M::BodyImageMissing { dest: &link.dest },
                )
            } else {
                Diagnostic::warn(
                    &page.source,
                    line,
                    col,
                    M::LinkedFileMissing { dest: &link.dest },
                )
            });
        }
    }
    (rendered, diags)
}

/// Characters (Chinese characters plus Latin words) above which a page is
/// reported as too long to read on a phone.
pub const LONG_PAGE_CHARS: usize = 200_000;

/// Warnings for what the page's body does not show of what was written.
fn removed_html(page: &Page, removed: &[markdown::Removed]) -> Vec<Diagnostic> {
    removed
        .iter()
        .map(|r| {
            let line = page.body_line + r.line - 1;
            let message = match &r.what {
                RemovedHtml::Element(element) => M::HtmlElementRemoved { element },
                RemovedHtml::Attribute {
                    element,
                    attribute,
                    value,
                } => M::HtmlAttributeRemoved {
                    element,
                    attribute,
                    value,
                },
                RemovedHtml::UnsafeUrl(dest) => M::UnsafeUrlRemoved { dest },
            };
            Diagnostic::warn(&page.source, line, r.col, message)
        })
        .collect()
}

/// How the page shows the image at `dest` (as written in its body), when
/// it publishes it in smaller sizes; URLs relative to the page.
fn picture_of(page: &Page, dest: &str) -> Option<markdown::Img> {
    if page.pictures.is_empty() {
        return None;
    }
    let path = local_path(dest)?;
    let out = normalize(&Path::new(&page.dir).join(path.as_str()))?;
    let p = page.pictures.get(&urls::encode_path(
        &out.to_string_lossy().replace('\\', "/"),
    ))?;
    let here = |dest: &str| urls::encode_path(dest.strip_prefix(page.dir.as_str()).unwrap_or(dest));
    let (main, width, height) = p.main();
    Some(markdown::Img {
        src: here(main),
        width,
        height,
        sizes: p.srcset().into_iter().map(|(d, w)| (here(d), w)).collect(),
        original: here(&p.original),
    })
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
    Some(
        percent_encoding::percent_decode_str(path)
            .decode_utf8_lossy()
            .into_owned(),
    )
}

/// Taxonomy values that differ only by full/half width, case or spaces
/// (`陈仓区` and `陈仓　区`) are listed apart; each later spelling is a
/// warning naming the first one and its file.
pub fn check_term_spellings(pages: &[Arc<Page>], diags: &mut Vec<Diagnostic>) {
    let mut order: Vec<&Page> = pages.iter().map(|p| &**p).collect();
    order.sort_by(|a, b| a.source.cmp(&b.source));
    // each spelling's loose form, made once
    let mut loose_of: HashMap<&str, String> = HashMap::default();
    for taxonomy in ["tags", "regions", "sectors", "speakers"] {
        // loose form → (first spelling, its file)
        let mut first: HashMap<String, (&str, &Path)> = HashMap::default();
        for page in &order {
            // where each term is written (the first time): a map for pages with many
            let many: Option<HashMap<&str, &(String, usize, usize)>> = (page.term_at.len() > 32)
                .then(|| {
                    page.term_at
                        .iter()
                        .rev()
                        .map(|t| (t.0.as_str(), t))
                        .collect()
                });
            let written = |name: &str| match &many {
                Some(m) => m.get(name).copied(),
                None => page.term_at.iter().find(|t| t.0 == name),
            };
            for name in terms_of(page, taxonomy) {
                let loose = loose_of.entry(name).or_insert_with(|| {
                    name.nfkc()
                        .filter(|c| !c.is_whitespace())
                        .flat_map(char::to_lowercase)
                        .collect()
                });
                let Some(&(first_name, first_file)) = first.get(loose.as_str()) else {
                    if let Some(t) = written(name) {
                        first.insert(loose.clone(), (t.0.as_str(), page.source.as_path()));
                    }
                    continue;
                };
                if first_name == name {
                    continue;
                }
                let (line, col) = written(name).map_or((1, 1), |t| (t.1, t.2));
                diags.push(Diagnostic::warn(
                    &page.source,
                    line,
                    col,
                    M::TermSpellings {
                        taxonomy,
                        first: first_name,
                        first_file: &crate::diag::display_path(first_file),
                        second: name,
                    },
                ));
            }
        }
    }
}
