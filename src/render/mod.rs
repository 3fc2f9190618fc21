//! Rendering: the [`Site`] model through the theme's Tera templates into a
//! [`Sink`]. Pages are rendered in parallel, and each file is handed to the
//! sink as it is made: kept in memory ([`crate::output::Collect`]), written
//! into the staging folder on disk ([`crate::output::Staging`], `zhanting
//! build`) or dropped ([`crate::output::Discard`], `zhanting check`). This
//! module opens no file itself; where the bytes go is the sink's choice.
//!
//! Templates get borrowed views (`*View<'a>`, as Zola's `SerializingPage`),
//! never the model itself, so the context is exactly what docs/templates.md
//! lists.

pub mod theme;

use crate::content::Page;
use crate::diag::Diagnostic;
use crate::markdown::Rendered;
use crate::output::{OutFile, Output, Sink};
use crate::site::{Section, Site, Taxonomy, Term};
use crate::theme::{template_error, AssetSource, Theme};
use crate::urls::{encode_path, root_prefix};
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use rustc_hash::FxHashSet as HashSet;
use serde::Serialize;
use serde_json::Value;
use std::borrow::Cow;

/// How many pages of each section the home page shows.
const HOME_LATEST: usize = 6;
/// Entries in the Atom feed.
const FEED_ENTRIES: usize = 30;

pub const GENERATOR: &str = concat!("zhanting ", env!("CARGO_PKG_VERSION"));

#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: &'a str,
    language: &'a str,
    base_url: &'a str,
    sections: Vec<SectionView<'a>>,
    taxonomies: Vec<TaxonomyView<'a>>,
    page_count: usize,
}

#[derive(Serialize)]
struct SectionView<'a> {
    name: &'a str,
    title: &'a str,
    kind: &'a str,
    url: String,
    count: usize,
    intro: &'a str,
}

#[derive(Serialize)]
struct TaxonomyView<'a> {
    name: &'a str,
    title: &'a str,
    singular: &'a str,
    url: String,
    count: usize,
}

#[derive(Serialize, Clone)]
struct TermLink<'a> {
    name: Cow<'a, str>,
    url: String,
}

#[derive(Serialize)]
struct TermView<'a> {
    name: &'a str,
    url: String,
    count: usize,
}

#[derive(Serialize)]
struct DateView {
    iso: String,
    cn: String,
    year: u16,
}

#[derive(Serialize)]
struct SummaryView<'a> {
    title: &'a str,
    kind: &'a str,
    kind_title: &'a str,
    section: &'a str,
    slug: &'a str,
    url: &'a str,
    date: DateView,
    summary: &'a str,
    region: Option<TermLink<'a>>,
    sector: Option<TermLink<'a>>,
    speaker: Option<TermLink<'a>>,
    year: TermLink<'a>,
    /// In lists the first `LIST_TAGS`; on the page itself all of them.
    tags: Vec<TermLink<'a>>,
    /// How many tags the page has.
    tag_count: usize,
    featured: bool,
    cover: Option<&'a str>,
    speaker_title: Option<&'a str>,
    occasion: Option<&'a str>,
    organization: Option<&'a str>,
    branch: Option<&'a str>,
    brand: Option<&'a str>,
    slogan: Option<&'a str>,
    logo: Option<&'a str>,
}

#[derive(Serialize)]
struct AttachmentView<'a> {
    name: &'a str,
    url: &'a str,
    size: String,
    ext: String,
}

#[derive(Serialize)]
struct NeighbourView<'a> {
    title: &'a str,
    url: &'a str,
}

#[derive(Serialize)]
struct PageView<'a> {
    #[serde(flatten)]
    summary: SummaryView<'a>,
    content: &'a str,
    toc: &'a [crate::markdown::Heading],
    reading_minutes: usize,
    char_count: usize,
    place: Option<&'a str>,
    doc_number: Option<&'a str>,
    secretary: Option<&'a str>,
    members: Option<u32>,
    highlights: &'a [String],
    attachments: Vec<AttachmentView<'a>>,
    newer: Option<NeighbourView<'a>>,
    older: Option<NeighbourView<'a>>,
    extra: &'a std::collections::BTreeMap<String, Value>,
}

#[derive(Serialize)]
struct Crumb<'a> {
    title: &'a str,
    url: String,
}

#[derive(Serialize)]
struct PaginatorView {
    current: usize,
    total: usize,
    items: usize,
    prev_url: Option<String>,
    next_url: Option<String>,
    pages: Vec<PagerLink>,
}

#[derive(Serialize)]
struct PagerLink {
    number: usize,
    url: String,
    current: bool,
    /// Stands for a run of pages left out (shown as "…").
    gap: bool,
}

/// Pages either side of the current one that a pager links to.
const PAGER_SPAN: usize = 2;

/// The entries of a pager on page `current` of `total`: the first and the
/// last page, `PAGER_SPAN` pages either side of the current one, and a gap
/// (`None`) where pages are left out. A list of hundreds of pages thus gets
/// a pager of at most eleven entries, `1 … 4 5 [6] 7 8 … 20`.
fn pager_window(current: usize, total: usize) -> Vec<Option<usize>> {
    let low = current.saturating_sub(PAGER_SPAN).max(2);
    let high = (current + PAGER_SPAN).min(total.saturating_sub(1));
    let mut out = vec![Some(1)];
    if low > 2 {
        out.push(None);
    }
    out.extend((low..=high).map(Some));
    if high + 1 < total {
        out.push(None);
    }
    if total > 1 {
        out.push(Some(total));
    }
    out
}

/// One output file to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    Home,
    Page(usize),
    /// Section index, list page number (1-based).
    Section(usize, usize),
    TaxonomyList(usize),
    /// Taxonomy index, term index, list page number.
    Term(usize, usize, usize),
    Search,
    NotFound,
}

/// Reading speed for Chinese text, characters a minute.
pub const READING_SPEED: usize = 400;

/// What the last successful render leaves for the next one: for every
/// output file, a key naming everything it was rendered from, and the
/// summaries of pages by rev. Valid for one theme and one `site.yaml`.
#[derive(Default)]
pub struct Memo {
    /// The output path and key of each job, in job order.
    paths: Vec<String>,
    keys: Vec<u64>,
    /// The site shape they were made for.
    shape: Option<u64>,
    summaries: HashMap<u64, Value>,
    /// What the sitemap was made from (paths, dates, base URL), hashed.
    sitemap: Option<u64>,
    /// The output paths of the theme's assets and the pages' files.
    assets: Vec<String>,
}

/// Renders the whole site into `sink`. `tick` is called once per rendered
/// file (for progress display).
///
/// With a `previous` output (which the sink already holds:
/// [`crate::output::Collect::on`]) and the `memo` of the render that made it, a
/// file whose key is unchanged is left as it is instead of rendered, and the
/// files of the previous render that this one no longer makes are removed:
/// the key of each file is its dependency list — the site-wide values every
/// template sees, and the revs of exactly the pages the file shows (the
/// page and its neighbours; the pages of a list window) — hashed.
/// Returns how many files were rendered (not left as they were).
pub fn render_site(
    site: &Site,
    theme: &Theme,
    memo: &mut Memo,
    previous: Option<&Output>,
    sink: &dyn Sink,
    tick: &(dyn Fn() + Sync),
) -> Result<usize, Vec<Diagnostic>> {
    let known = std::mem::take(&mut memo.summaries);
    let r = Renderer::new(site, theme, &known);
    let jobs = r.jobs();
    let global = hash_of(&(r.site_value.to_string(), &site.home_intro));
    let patching = previous.is_some();
    // The same shape: the same jobs at the same paths as last time, so each
    // job's key is compared with the one at its place.
    let same_shape = patching && memo.shape == Some(site.shape) && memo.paths.len() == jobs.len();
    let paths: Vec<String> = if same_shape {
        std::mem::take(&mut memo.paths)
    } else {
        jobs.par_iter().map(|&job| r.path(job)).collect()
    };
    let sitemap_key = match memo.sitemap {
        Some(k) if same_shape => k,
        _ => hash_of(&(
            &site.config.base_url,
            &paths,
            site.pages.iter().map(|p| p.meta.date).collect::<Vec<_>>(),
        )),
    };
    let before: HashMap<&str, u64> = if patching && !same_shape {
        memo.paths
            .iter()
            .map(String::as_str)
            .zip(memo.keys.iter().copied())
            .collect()
    } else {
        HashMap::default()
    };
    // (job, output path, dependency key, unchanged since the previous render)
    let planned: Vec<(Job, &String, u64, bool)> = jobs
        .par_iter()
        .zip(paths.par_iter())
        .enumerate()
        .map(|(at, (&job, path))| {
            let key = r.key(job, global, path);
            let same = if same_shape {
                memo.keys[at] == key
            } else {
                before.get(path.as_str()) == Some(&key)
            };
            (job, path, key, patching && same)
        })
        .collect();
    let assets = asset_files(site, theme);
    if patching {
        // What the previous render made and this one does not goes first
        // (a path may change from one kind of file to another).
        if !same_shape {
            let made: HashSet<&str> = paths.iter().map(String::as_str).collect();
            for gone in memo.paths.iter().filter(|p| !made.contains(p.as_str())) {
                sink.remove(gone);
            }
        }
        let now: HashSet<&str> = assets.iter().map(|(p, _)| p.as_str()).collect();
        for gone in memo.assets.iter().filter(|p| !now.contains(p.as_str())) {
            sink.remove(gone);
        }
    }
    drop(before);
    // Each thread renders into one reused buffer and hands on an exact-size
    // copy: no growing reallocations, no spare capacity held for the build.
    let mut errors: Vec<Diagnostic> = planned
        .par_iter()
        .filter(|j| !j.3)
        .map_init(
            || Vec::with_capacity(64 * 1024),
            |buf, (job, _, _, _)| {
                let out = r.render(*job, buf);
                tick();
                match out {
                    Ok((path, html)) => {
                        sink.put(path, OutFile::Bytes(html.into()));
                        None
                    }
                    Err(d) => Some(d),
                }
            },
        )
        .flatten()
        .collect();
    let rendered = planned.iter().filter(|j| !j.3).count();
    let keys: Vec<u64> = planned.iter().map(|j| j.2).collect();
    drop(planned);
    if !errors.is_empty() {
        errors.dedup_by(|a, b| a.message == b.message && a.path == b.path);
        drop(r);
        memo.summaries = known;
        if same_shape {
            memo.paths = paths;
        }
        return Err(errors);
    }
    let mut files = Vec::with_capacity(assets.len() + 2);
    files.push((
        "feed.xml".into(),
        OutFile::Bytes(r.feed().into_bytes().into()),
    ));
    if !(patching && memo.sitemap == Some(sitemap_key)) {
        files.push((
            "sitemap.xml".into(),
            OutFile::Bytes(r.sitemap(&jobs, &paths).into_bytes().into()),
        ));
    }
    memo.sitemap = Some(sitemap_key);
    memo.assets = assets.iter().map(|(p, _)| p.clone()).collect();
    files.extend(assets);
    sink.put_all(files);
    memo.keys = keys;
    memo.paths = paths;
    memo.shape = Some(site.shape);
    let made = r.into_made();
    memo.summaries = remembered(&site.revs, made, known);
    Ok(rendered)
}

/// The theme's assets and the pages' files, by output path.
fn asset_files(site: &Site, theme: &Theme) -> Vec<(String, OutFile)> {
    let mut files = vec![];
    for (path, src) in &theme.assets {
        let file = match src {
            AssetSource::Builtin(b) => OutFile::Static(b),
            AssetSource::File(p) => OutFile::Copy(p.clone()),
        };
        files.push((path.clone(), file));
    }
    for page in &site.pages {
        for a in &page.assets {
            files.push((a.dest.clone(), OutFile::Copy(a.source.clone())));
        }
    }
    files
}

fn hash_of<T: std::hash::Hash>(v: &T) -> u64 {
    use std::hash::Hasher;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    v.hash(&mut h);
    h.finish()
}

/// A template context under construction. Precomputed values go in with
/// `put` (a clone, no re-serialisation); others are serialised by `insert`.
#[derive(Default)]
struct Ctx(serde_json::Map<String, Value>);

impl Ctx {
    fn put(&mut self, key: &str, value: Value) {
        self.0.insert(key.to_string(), value);
    }
    fn insert<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) {
        self.put(key, serde_json::to_value(value).unwrap_or(Value::Null));
    }
}

struct Renderer<'a> {
    site: &'a Site,
    theme: &'a Theme,
    site_value: Value,
    /// Summaries of earlier renders by page rev.
    known: &'a HashMap<u64, Value>,
    /// Summaries made in this render (of pages not in `known`), on first use.
    made: Vec<std::sync::OnceLock<Value>>,
}

impl<'a> Renderer<'a> {
    fn new(site: &'a Site, theme: &'a Theme, known: &'a HashMap<u64, Value>) -> Self {
        let site_value = serde_json::to_value(site_view(site)).unwrap_or(Value::Null);
        Renderer {
            site,
            theme,
            site_value,
            known,
            made: (0..site.pages.len())
                .map(|_| std::sync::OnceLock::new())
                .collect(),
        }
    }

    /// Page `i` as list items show it.
    fn summary(&self, i: usize) -> &Value {
        match self.known.get(&self.site.revs[i]) {
            Some(v) => v,
            None => self.made[i].get_or_init(|| {
                serde_json::to_value(summary_view(self.site, i, &self.site.pages[i], LIST_TAGS))
                    .unwrap_or(Value::Null)
            }),
        }
    }

    /// The summaries made in this render, by page.
    fn into_made(self) -> Vec<Option<Value>> {
        self.made
            .into_iter()
            .map(std::sync::OnceLock::into_inner)
            .collect()
    }
}

/// The summaries to remember for the next render: those of the current
/// pages, made now or known before.
fn remembered(
    revs: &[u64],
    made: Vec<Option<Value>>,
    mut known: HashMap<u64, Value>,
) -> HashMap<u64, Value> {
    let mut out = HashMap::with_capacity_and_hasher(revs.len(), Default::default());
    for (made, &rev) in made.into_iter().zip(revs) {
        if let Some(v) = made.or_else(|| known.remove(&rev)) {
            out.insert(rev, v);
        }
    }
    out
}

impl<'a> Renderer<'a> {
    fn jobs(&self) -> Vec<Job> {
        let s = self.site;
        let per = s.config.paginate;
        let mut jobs = vec![Job::Home, Job::NotFound];
        if self.theme.has_template("search.html") {
            jobs.push(Job::Search);
        }
        jobs.extend((0..s.pages.len()).map(Job::Page));
        for (i, sec) in s.sections.iter().enumerate() {
            jobs.extend((1..=page_count(sec.pages.len(), per)).map(|n| Job::Section(i, n)));
        }
        for (t, tax) in s.taxonomies.iter().enumerate() {
            jobs.push(Job::TaxonomyList(t));
            for (k, term) in tax.terms.iter().enumerate() {
                jobs.extend((1..=page_count(term.pages.len(), per)).map(|n| Job::Term(t, k, n)));
            }
        }
        jobs
    }

    /// The dependency key of `job` at `path`: `global` (the site-wide
    /// values) and the revs and positions of the pages it shows.
    fn key(&self, job: Job, global: u64, path: &str) -> u64 {
        let s = self.site;
        let per = s.config.paginate;
        let rev = |i: &usize| s.revs[*i];
        let window = |items: &[usize], n: usize| -> (usize, Vec<u64>) {
            (
                items.len(),
                items
                    .iter()
                    .skip((n - 1) * per)
                    .take(per)
                    .map(rev)
                    .collect(),
            )
        };
        let own: (u8, Vec<u64>, usize) = match job {
            Job::Home => {
                let mut revs: Vec<u64> = (0..s.pages.len())
                    .filter(|&i| s.pages[i].meta.featured)
                    .map(|i| s.revs[i])
                    .collect();
                revs.push(u64::MAX);
                for sec in &s.sections {
                    revs.extend(sec.pages.iter().take(HOME_LATEST).map(rev));
                    revs.push(u64::MAX);
                }
                (0, revs, 0)
            }
            Job::NotFound => (1, vec![], 0),
            Job::Search => (2, vec![], 0),
            Job::Page(i) => {
                let (newer, older) = s.neighbours[i];
                (
                    3,
                    vec![
                        s.revs[i],
                        newer.map_or(u64::MAX, |k| s.revs[k]),
                        older.map_or(u64::MAX, |k| s.revs[k]),
                    ],
                    0,
                )
            }
            Job::Section(i, n) => {
                let (items, revs) = window(&s.sections[i].pages, n);
                (4, revs, items)
            }
            Job::TaxonomyList(t) => {
                let terms: Vec<u64> = s.taxonomies[t]
                    .terms
                    .iter()
                    .map(|term| hash_of(&(&term.name, &term.slug, term.pages.len())))
                    .collect();
                (5, terms, 0)
            }
            Job::Term(t, k, n) => {
                let term = &s.taxonomies[t].terms[k];
                let (items, mut revs) = window(&term.pages, n);
                revs.push(hash_of(&term.name));
                (6, revs, items)
            }
        };
        hash_of(&(global, path, own))
    }

    /// Output path of a job, relative to the output root, not encoded.
    fn path(&self, job: Job) -> String {
        let s = self.site;
        match job {
            Job::Home => "index.html".into(),
            Job::NotFound => "404.html".into(),
            Job::Search => "search/index.html".into(),
            Job::Page(i) => format!("{}index.html", s.pages[i].dir),
            Job::Section(i, n) => paged(&format!("{}/", s.sections[i].config.name), n),
            Job::TaxonomyList(t) => format!("{}/index.html", s.taxonomies[t].name),
            Job::Term(t, k, n) => paged(&s.taxonomies[t].terms[k].dir(s.taxonomies[t].name), n),
        }
    }

    /// Renders `job` (using `buf` as scratch space); returns its output path and bytes.
    fn render(&self, job: Job, buf: &mut Vec<u8>) -> Result<(String, Vec<u8>), Diagnostic> {
        let path = self.path(job);
        let root = match job {
            Job::NotFound => self.site.config.base_url.clone(),
            _ => root_prefix(&path),
        };
        let mut ctx = Ctx::default();
        ctx.put("site", self.site_value.clone());
        ctx.insert("root", &root);
        ctx.insert("current_url", &encode_path(&path));
        ctx.insert("generator", GENERATOR);
        let (template, active, crumbs) = self.fill(job, &mut ctx);
        ctx.insert("active_section", active);
        ctx.insert("breadcrumbs", &crumbs);
        buf.clear();
        tera::Context::from_value(Value::Object(ctx.0))
            .and_then(|ctx| self.theme.tera.render_to(template, &ctx, &mut *buf))
            .map_err(|e| template_error(&e, &self.theme.origins))?;
        Ok((path, buf.as_slice().to_vec()))
    }

    /// Adds the job's own variables; returns its template, active section and breadcrumbs.
    fn fill(&self, job: Job, ctx: &mut Ctx) -> (&'static str, &'a str, Vec<Crumb<'a>>) {
        let s = self.site;
        let per = s.config.paginate;
        match job {
            Job::Home => {
                ctx.insert("intro", &s.home_intro);
                let featured = (0..s.pages.len())
                    .filter(|&i| s.pages[i].meta.featured)
                    .map(|i| self.summary(i).clone())
                    .collect();
                ctx.put("featured", Value::Array(featured));
                let latest: Vec<Value> = s
                    .sections
                    .iter()
                    .map(|sec| {
                        serde_json::json!({
                            "section": section_view(sec),
                            "pages": sec.pages.iter().take(HOME_LATEST).map(|&i| self.summary(i)).collect::<Vec<_>>(),
                        })
                    })
                    .collect();
                ctx.insert("latest", &latest);
                ("index.html", "", vec![])
            }
            Job::NotFound => ("404.html", "", vec![]),
            Job::Search => ("search.html", "search", vec![]),
            Job::Page(i) => {
                let page = &s.pages[i];
                let body = s.body(i);
                ctx.insert("page", &page_view(s, i, &body));
                let mut crumbs = vec![];
                let mut active = "";
                if let Some(sec) = s.section(&page.section) {
                    active = sec.config.name.as_str();
                    crumbs.push(Crumb {
                        title: &sec.config.title,
                        url: format!("{}/index.html", encode_path(&sec.config.name)),
                    });
                }
                (page.kind.template(), active, crumbs)
            }
            Job::Section(i, n) => {
                let sec = &s.sections[i];
                ctx.insert("section", &section_view(sec));
                self.list(ctx, &sec.pages, n, &format!("{}/", sec.config.name));
                (
                    "section.html",
                    sec.config.name.as_str(),
                    if n > 1 {
                        vec![Crumb {
                            title: &sec.config.title,
                            url: format!("{}/index.html", encode_path(&sec.config.name)),
                        }]
                    } else {
                        vec![]
                    },
                )
            }
            Job::TaxonomyList(t) => {
                let tax = &s.taxonomies[t];
                ctx.insert("taxonomy", &taxonomy_view(tax));
                let mut terms: Vec<&Term> = tax.terms.iter().collect();
                if tax.name == "years" {
                    terms.sort_by(|a, b| b.slug.cmp(&a.slug));
                } else {
                    terms.sort_by(|a, b| {
                        b.pages
                            .len()
                            .cmp(&a.pages.len())
                            .then_with(|| a.slug.cmp(&b.slug))
                    });
                }
                let views: Vec<TermView> = terms.iter().map(|term| term_view(tax, term)).collect();
                ctx.insert("terms", &views);
                ("taxonomy_list.html", "", vec![])
            }
            Job::Term(t, k, n) => {
                let tax = &s.taxonomies[t];
                let term = &tax.terms[k];
                ctx.insert("taxonomy", &taxonomy_view(tax));
                ctx.insert("term", &term_view(tax, term));
                self.list(ctx, &term.pages, n, &term.dir(tax.name));
                let _ = per;
                (
                    "taxonomy_term.html",
                    "",
                    vec![Crumb {
                        title: tax.title,
                        url: format!("{}/index.html", tax.name),
                    }],
                )
            }
        }
    }

    /// `pages` and `paginator` for list page `n` of `items` at folder `dir`.
    fn list(&self, ctx: &mut Ctx, items: &[usize], n: usize, dir: &str) {
        let per = self.site.config.paginate;
        let total = page_count(items.len(), per);
        let pages = items
            .iter()
            .skip((n - 1) * per)
            .take(per)
            .map(|&i| self.summary(i).clone())
            .collect();
        ctx.put("pages", Value::Array(pages));
        let url = |k: usize| encode_path(&paged(dir, k));
        ctx.insert(
            "paginator",
            &PaginatorView {
                current: n,
                total,
                items: items.len(),
                prev_url: (n > 1).then(|| url(n - 1)),
                next_url: (n < total).then(|| url(n + 1)),
                pages: pager_window(n, total)
                    .into_iter()
                    .map(|k| PagerLink {
                        number: k.unwrap_or(0),
                        url: k.map(url).unwrap_or_default(),
                        current: k == Some(n),
                        gap: k.is_none(),
                    })
                    .collect(),
            },
        );
    }

    fn feed(&self) -> String {
        let s = self.site;
        let base = &s.config.base_url;
        let entries: Vec<(usize, &Page)> = s
            .pages
            .iter()
            .map(|p| &**p)
            .enumerate()
            .filter(|(_, p)| p.kind != crate::config::Kind::Page)
            .take(FEED_ENTRIES)
            .collect();
        let updated = entries
            .first()
            .map(|(_, p)| p.meta.date.rfc3339())
            .unwrap_or_else(|| "1970-01-01T00:00:00+08:00".into());
        let mut x = String::new();
        x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"");
        x.push_str(&format!(" xml:lang=\"{}\">\n", xml(&s.config.language)));
        x.push_str(&format!("  <title>{}</title>\n", xml(&s.config.title)));
        if !s.config.description.is_empty() {
            x.push_str(&format!(
                "  <subtitle>{}</subtitle>\n",
                xml(&s.config.description)
            ));
        }
        x.push_str(&format!(
            "  <link href=\"{}feed.xml\" rel=\"self\"/>\n  <link href=\"{}\"/>\n",
            xml(base),
            xml(base)
        ));
        x.push_str(&format!(
            "  <id>{}</id>\n  <updated>{updated}</updated>\n  <generator>{GENERATOR}</generator>\n",
            xml(base)
        ));
        for (i, p) in entries {
            let link = format!("{base}{}", encode_path(&p.dir));
            let summary = p.meta.summary.as_deref().unwrap_or(&s.rendered[i].summary);
            x.push_str("  <entry>\n");
            x.push_str(&format!(
                "    <title>{}</title>\n    <link href=\"{}\"/>\n    <id>{}</id>\n",
                xml(&p.meta.title),
                xml(&link),
                xml(&link)
            ));
            x.push_str(&format!(
                "    <updated>{}</updated>\n",
                p.meta.date.rfc3339()
            ));
            if let Some(sp) = &p.meta.speaker {
                x.push_str(&format!("    <author><name>{}</name></author>\n", xml(sp)));
            }
            x.push_str(&format!(
                "    <category term=\"{}\"/>\n",
                xml(s.kind_title(p))
            ));
            x.push_str(&format!(
                "    <summary>{}</summary>\n  </entry>\n",
                xml(summary)
            ));
        }
        x.push_str("</feed>\n");
        x
    }

    /// `paths[i]`: the output path of `jobs[i]`.
    fn sitemap(&self, jobs: &[Job], paths: &[String]) -> String {
        let base = &self.site.config.base_url;
        let mut x = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
        for (job, path) in jobs.iter().zip(paths) {
            if matches!(job, Job::NotFound | Job::Search) {
                continue;
            }
            let dir = path.strip_suffix("index.html").unwrap_or(path);
            x.push_str(&format!(
                "  <url><loc>{}</loc>",
                xml(&format!("{base}{}", encode_path(dir)))
            ));
            if let Job::Page(i) = job {
                x.push_str(&format!(
                    "<lastmod>{}</lastmod>",
                    self.site.pages[*i].meta.date.iso()
                ));
            }
            x.push_str("</url>\n");
        }
        x.push_str("</urlset>\n");
        x
    }
}

/// What the search index sees of page `i` (`date` in ISO form).
pub fn search_doc<'a>(s: &'a Site, i: usize, date: &'a str) -> crate::search::SearchDoc<'a> {
    let (p, r) = (&s.pages[i], &s.rendered[i]);
    let m = &p.meta;
    let mut meta: Vec<&str> = [
        &m.speaker,
        &m.speaker_title,
        &m.occasion,
        &m.place,
        &m.doc_number,
        &m.organization,
        &m.branch,
        &m.brand,
        &m.slogan,
        &m.secretary,
    ]
    .into_iter()
    .flatten()
    .map(String::as_str)
    .collect();
    meta.extend(m.tags.iter().map(String::as_str));
    meta.extend(m.highlights.iter().map(String::as_str));
    crate::search::SearchDoc {
        url: &p.url,
        title: &m.title,
        kind: p.kind.name(),
        date,
        region: m.region.as_deref().unwrap_or(""),
        sector: m.sector.as_deref().unwrap_or(""),
        meta,
        body: &r.text,
    }
}

fn page_count(items: usize, per: usize) -> usize {
    items.div_ceil(per).max(1)
}

/// `dir/index.html` for list page 1, `dir/page/N/index.html` after.
fn paged(dir: &str, n: usize) -> String {
    if n <= 1 {
        format!("{dir}index.html")
    } else {
        format!("{dir}page/{n}/index.html")
    }
}

/// Text escaped for XML; characters XML 1.0 does not allow (control
/// characters a hand-written page may hold) are left out, so the feed and
/// the sitemap always parse.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c < ' ' || c == '\u{7f}' || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

fn site_view(site: &Site) -> SiteView<'_> {
    let c = &site.config;
    SiteView {
        title: &c.title,
        description: &c.description,
        language: &c.language,
        base_url: &c.base_url,
        sections: site.sections.iter().map(section_view).collect(),
        taxonomies: site.taxonomies.iter().map(taxonomy_view).collect(),
        page_count: site.pages.len(),
    }
}

fn section_view(sec: &Section) -> SectionView<'_> {
    SectionView {
        name: &sec.config.name,
        title: &sec.config.title,
        kind: sec.config.kind.name(),
        url: format!("{}/index.html", encode_path(&sec.config.name)),
        count: sec.pages.len(),
        intro: &sec.intro,
    }
}

fn taxonomy_view(tax: &Taxonomy) -> TaxonomyView<'_> {
    TaxonomyView {
        name: tax.name,
        title: tax.title,
        singular: tax.title,
        url: format!("{}/index.html", tax.name),
        count: tax.terms.len(),
    }
}

fn term_view<'a>(tax: &Taxonomy, term: &'a Term) -> TermView<'a> {
    TermView {
        name: &term.name,
        url: encode_path(&format!("{}index.html", term.dir(tax.name))),
        count: term.pages.len(),
    }
}

fn term_link<'a>(taxonomy: &str, name: impl Into<Cow<'a, str>>) -> TermLink<'a> {
    let name = name.into();
    TermLink {
        url: encode_path(&format!(
            "{taxonomy}/{}/index.html",
            crate::urls::term_slug(&name)
        )),
        name,
    }
}

/// Tags a list item carries: a page with thousands of tags must not make
/// every list that shows it (one per tag) that large.
const LIST_TAGS: usize = 12;

/// Page `i` for lists (`tags` at most `tags`).
fn summary_view<'a>(site: &'a Site, i: usize, p: &'a Page, tags: usize) -> SummaryView<'a> {
    let m = &p.meta;
    SummaryView {
        title: &m.title,
        kind: p.kind.name(),
        kind_title: site.kind_title(p),
        section: &p.section,
        slug: &p.slug,
        url: &p.url,
        date: DateView {
            iso: m.date.iso(),
            cn: m.date.cn(),
            year: m.date.year,
        },
        summary: m.summary.as_deref().unwrap_or(&site.rendered[i].summary),
        region: m.region.as_deref().map(|r| term_link("regions", r)),
        sector: m.sector.as_deref().map(|r| term_link("sectors", r)),
        speaker: m.speaker.as_deref().map(|r| term_link("speakers", r)),
        year: term_link("years", m.date.year.to_string()),
        tags: m
            .tags
            .iter()
            .take(tags)
            .map(|t| term_link("tags", t))
            .collect(),
        tag_count: m.tags.len(),
        featured: m.featured,
        cover: p.cover.as_deref(),
        speaker_title: m.speaker_title.as_deref(),
        occasion: m.occasion.as_deref(),
        organization: m.organization.as_deref(),
        branch: m.branch.as_deref(),
        brand: m.brand.as_deref(),
        slogan: m.slogan.as_deref(),
        logo: p.logo.as_deref(),
    }
}

fn page_view<'a>(site: &'a Site, i: usize, r: &'a Rendered) -> PageView<'a> {
    let p = &site.pages[i];
    let m = &p.meta;
    let neighbour = |n: Option<usize>| {
        n.map(|k| NeighbourView {
            title: &site.pages[k].meta.title,
            url: &site.pages[k].url,
        })
    };
    let (newer, older) = site.neighbours[i];
    PageView {
        summary: summary_view(site, i, p, usize::MAX),
        content: &r.html,
        toc: &r.toc,
        reading_minutes: r.char_count.div_ceil(READING_SPEED).max(1),
        char_count: r.char_count,
        place: m.place.as_deref(),
        doc_number: m.doc_number.as_deref(),
        secretary: m.secretary.as_deref(),
        members: m.members,
        highlights: &m.highlights,
        attachments: p
            .attachments
            .iter()
            .map(|a| AttachmentView {
                name: &a.name,
                url: &a.url,
                size: human_size(a.bytes),
                ext: a
                    .name
                    .rsplit_once('.')
                    .map(|(_, e)| e.to_uppercase())
                    .unwrap_or_default(),
            })
            .collect(),
        newer: neighbour(newer),
        older: neighbour(older),
        extra: &m.extra,
    }
}

/// `812 B`, `35 KB`, `1.2 MB`.
pub fn human_size(bytes: u64) -> String {
    const KB: f64 = 1024.0;
    let b = bytes as f64;
    if bytes == 0 {
        String::new()
    } else if b < KB {
        format!("{bytes} B")
    } else if b < KB * KB {
        format!("{:.0} KB", (b / KB).max(1.0))
    } else {
        format!("{:.1} MB", b / KB / KB)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_text_never_holds_characters_xml_forbids() {
        assert_eq!(
            xml("党建\u{1b}[31m<b>&\"\u{7}\u{0}\u{ffff}\t好"),
            "党建[31m&lt;b&gt;&amp;&quot;\t好"
        );
    }

    #[test]
    fn sizes() {
        assert_eq!(human_size(812), "812 B");
        assert_eq!(human_size(35 * 1024 + 100), "35 KB");
        assert_eq!(human_size(1_260_000), "1.2 MB");
    }

    #[test]
    fn paging_paths() {
        assert_eq!(paged("cases/", 1), "cases/index.html");
        assert_eq!(paged("tags/党建/", 3), "tags/党建/page/3/index.html");
        assert_eq!(page_count(0, 20), 1);
        assert_eq!(page_count(41, 20), 3);
    }

    /// The pager as text: numbers, `[current]`, `…` for a gap.
    fn pager(current: usize, total: usize) -> String {
        pager_window(current, total)
            .iter()
            .map(|k| match k {
                Some(k) if *k == current => format!("[{k}]"),
                Some(k) => k.to_string(),
                None => "…".into(),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn pager_shows_the_ends_and_two_pages_either_side() {
        assert_eq!(pager(1, 1), "[1]");
        assert_eq!(pager(1, 2), "[1] 2");
        assert_eq!(pager(2, 2), "1 [2]");
        assert_eq!(pager(1, 20), "[1] 2 3 … 20");
        assert_eq!(pager(4, 20), "1 2 3 [4] 5 6 … 20");
        assert_eq!(pager(5, 20), "1 … 3 4 [5] 6 7 … 20");
        assert_eq!(pager(6, 20), "1 … 4 5 [6] 7 8 … 20");
        assert_eq!(pager(17, 20), "1 … 15 16 [17] 18 19 20");
        assert_eq!(pager(20, 20), "1 … 18 19 [20]");
        assert_eq!(pager(3, 7), "1 2 [3] 4 5 … 7");
        assert_eq!(pager(4, 7), "1 2 3 [4] 5 6 7");
    }
}
