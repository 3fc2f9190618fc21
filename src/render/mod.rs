//! Rendering: the [`Site`] model through the theme's Tera templates into a
//! [`Sink`]. Pages are rendered in parallel, and each file is handed to the
//! sink as it is made: kept in memory ([`crate::publish::output::Collect`]), written
//! into the staging folder on disk ([`crate::publish::output::Staging`], `zhanting
//! build`) or dropped ([`crate::publish::output::Discard`], `zhanting check`). This
//! module opens no file itself; where the bytes go is the sink's choice.
//!
//! Templates get borrowed views (`*View<'a>`, as Zola's `SerializingPage`),
//! never the model itself, so the context is exactly what docs/templates.md
//! lists. `feed.xml` and `sitemap.xml` are templates too (built in, and
//! overridable like the others).
//!
//! The code that fills a template's context reads the site model only
//! through a [`Tracker`]: each of its methods returns part of the model and
//! records the coordinate read ([`Dep`]) with the hash of its value. The
//! [`Memo`] keeps every output file's read set, and the next render leaves
//! a file as it is when every recorded read has the same value on the new
//! site ([`Lookup::value`]).

pub mod theme;

use crate::diag::Diagnostic;
use crate::load::content::Page;
use crate::model::markdown::Rendered;
use crate::model::site::{Section, Site, Taxonomy, Term};
use crate::model::urls::{encode_path, root_prefix};
use crate::publish::output::{OutFile, Output, Sink};
use crate::render::theme::{template_error, AssetSource, Theme};
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use rustc_hash::FxHashSet as HashSet;
use serde::Serialize;
use serde_json::Value;
use std::borrow::Cow;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

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
    toc: &'a [crate::model::markdown::Heading],
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
    /// `feed.xml`.
    Feed,
    /// `sitemap.xml`.
    Sitemap,
}

impl Job {
    /// An HTML page (not the feed or the sitemap).
    fn is_html(self) -> bool {
        !matches!(self, Job::Feed | Job::Sitemap)
    }
}

/// Reading speed for Chinese text, characters a minute.
pub const READING_SPEED: usize = 400;

/// A list of pages a window is taken from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum List {
    /// A section's pages, by the section's index (sections are `site.yaml`'s).
    Section(usize),
    /// A taxonomy term's pages: the taxonomy's index and the term's slug.
    Term(usize, String),
}

/// A coordinate of the site model that a render read. Its value on a
/// site ([`Lookup::value`]) is a hash of exactly what the reader was
/// given there, so a file whose reads all have the same values on the new
/// site would be rendered to the same bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dep {
    /// The `site` value every template sees (sections with their counts
    /// and intros, taxonomies with their counts, the page count).
    Site,
    /// The home page intro.
    HomeIntro,
    /// A page, by its source path (`at`: its index when read, tried
    /// first): its rev, which names every field of the page and its body.
    Page { source: PathBuf, at: usize },
    /// A page's newer and older neighbours in its section: their revs.
    Neighbours { source: PathBuf, at: usize },
    /// `take` items of `list` from position `skip`: the list's length and
    /// the rev of the page at each position of the window.
    Window {
        list: List,
        skip: usize,
        take: usize,
    },
    /// A section's own view (its page count and intro).
    Section(usize),
    /// A taxonomy's own view (its term count).
    Taxonomy(usize),
    /// Every term of a taxonomy: name, slug and page count of each.
    Terms(usize),
    /// One term, by slug: its name and page count.
    Term(usize, String),
    /// The featured pages: their revs, in order.
    Featured,
    /// The feed's entries: the revs of the first pages that are not plain pages.
    FeedEntries,
    /// The site's shape ([`Site::shape`]): every output path and page date.
    Shape,
}

/// What one output file was rendered from: each coordinate read and the
/// hash of its value then.
pub type ReadLog = Box<[(Dep, u64)]>;

/// What the last successful render leaves for the next one: for every
/// output file, the read set it was rendered from, and the summaries of
/// pages by rev. Valid for one theme and one `site.yaml` (the build drops
/// it when either changes): the configuration is not among the reads.
#[derive(Default)]
pub struct Memo {
    /// The output path and read set of each job, in job order.
    paths: Vec<String>,
    reads: Vec<ReadLog>,
    /// The site shape they were made for.
    shape: Option<u64>,
    summaries: HashMap<u64, Value>,
    /// The output paths of the theme's assets and the pages' files.
    assets: Vec<String>,
}

/// Renders the whole site into `sink`. `tick` is called once per rendered
/// file (for progress display).
///
/// With a `previous` output (which the sink already holds:
/// [`crate::publish::output::Collect::on`]) and the `memo` of the render that made it,
/// a file is left as it is when every coordinate its last render read
/// ([`Dep`]) has the same value on this site; files of the previous render
/// that this one no longer makes are removed. Rendering records the reads:
/// the fill code sees the site only through a [`Tracker`].
/// Returns how many HTML files were rendered (not left as they were).
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
    let patching = previous.is_some();
    // The same shape: the same jobs at the same paths as last time, so each
    // job's read set is the one at its place.
    let same_shape = patching && memo.shape == Some(site.shape) && memo.paths.len() == jobs.len();
    let paths: Vec<String> = if same_shape {
        std::mem::take(&mut memo.paths)
    } else {
        jobs.par_iter().map(|&job| r.path(job)).collect()
    };
    let before: HashMap<&str, usize> = if patching && !same_shape {
        memo.paths
            .iter()
            .enumerate()
            .map(|(at, p)| (p.as_str(), at))
            .collect()
    } else {
        HashMap::default()
    };
    // The read set of the previous render of each job whose reads all
    // have the same values now: that file is left as it is.
    let kept: Vec<Option<usize>> = if patching {
        paths
            .par_iter()
            .enumerate()
            .map(|(at, path)| {
                let old = if same_shape {
                    Some(at)
                } else {
                    before.get(path.as_str()).copied()
                };
                old.filter(|&o| memo.reads.get(o).is_some_and(|log| r.lookup.still(log)))
            })
            .collect()
    } else {
        vec![None; jobs.len()]
    };
    drop(before);
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
    let all = (&jobs[..], &paths[..]);
    // Each thread renders into one reused buffer and hands on an exact-size
    // copy: no growing reallocations, no spare capacity held for the build.
    let todo: Vec<usize> = (0..jobs.len()).filter(|&k| kept[k].is_none()).collect();
    let made: Vec<Result<ReadLog, Diagnostic>> = todo
        .par_iter()
        .map_init(
            || Vec::with_capacity(64 * 1024),
            |buf, &k| {
                let out = r.render(jobs[k], all, buf);
                tick();
                let (path, bytes, log) = out?;
                sink.put(path, OutFile::Bytes(bytes.into()));
                Ok(log)
            },
        )
        .collect();
    let rendered = todo.iter().filter(|&&k| jobs[k].is_html()).count();
    if made.iter().any(Result::is_err) {
        let mut errors: Vec<Diagnostic> = made.into_iter().filter_map(Result::err).collect();
        errors.dedup_by(|a, b| a.message == b.message && a.path == b.path);
        drop(r);
        // The memo still describes the last good output.
        memo.summaries = known;
        if same_shape {
            memo.paths = paths;
        }
        return Err(errors);
    }
    // Each job's read set: the new one where it was rendered, else the
    // one it was left as it is for.
    let mut old_reads = std::mem::take(&mut memo.reads);
    let mut reads: Vec<ReadLog> = kept
        .iter()
        .map(|k| k.map_or_else(Box::default, |o| std::mem::take(&mut old_reads[o])))
        .collect();
    for (k, log) in todo.into_iter().zip(made) {
        if let Ok(log) = log {
            reads[k] = log;
        }
    }
    drop((kept, old_reads));
    memo.assets = assets.iter().map(|(p, _)| p.clone()).collect();
    sink.put_all(assets);
    memo.reads = reads;
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

/// A hash of `v` for read values (fixed, so the same value always gives
/// the same hash within and across renders).
fn fx<T: Hash + ?Sized>(v: &T) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
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

/// The value of every [`Dep`] on one site.
pub struct Lookup<'a> {
    site: &'a Site,
    /// Hash of the `site` value all templates see.
    site_hash: u64,
    /// Index of each page by source path, made when first needed.
    index: OnceLock<HashMap<&'a std::ffi::OsStr, usize>>,
}

impl<'a> Lookup<'a> {
    fn new(site: &'a Site, site_value: &Value) -> Self {
        Lookup {
            site,
            site_hash: fx(&site_value.to_string()),
            index: OnceLock::new(),
        }
    }

    /// The index of the page from `source`: `at` when it is still there.
    fn find(&self, source: &Path, at: usize) -> Option<usize> {
        let pages = &self.site.pages;
        // (compared as bytes: the same file is always written the same way)
        let source = source.as_os_str();
        if pages
            .get(at)
            .is_some_and(|p| p.source.as_os_str() == source)
        {
            return Some(at);
        }
        self.index
            .get_or_init(|| {
                pages
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (p.source.as_os_str(), i))
                    .collect()
            })
            .get(source)
            .copied()
    }

    /// The index of the term `slug` of taxonomy `t` (terms are sorted by slug).
    fn term(&self, t: usize, slug: &str) -> Option<usize> {
        self.site
            .taxonomies
            .get(t)?
            .terms
            .binary_search_by(|x| x.slug.as_str().cmp(slug))
            .ok()
    }

    fn list(&self, list: &List) -> Option<&'a [usize]> {
        let s = self.site;
        match list {
            List::Section(i) => s.sections.get(*i).map(|sec| &sec.pages[..]),
            List::Term(t, slug) => self
                .term(*t, slug)
                .map(|k| &s.taxonomies[*t].terms[k].pages[..]),
        }
    }

    fn rev(&self, i: Option<usize>) -> u64 {
        i.map_or(u64::MAX, |i| self.site.revs[i])
    }

    /// The pages of the feed: the first `FEED_ENTRIES` that are not plain pages.
    fn feed_entries(&self) -> impl Iterator<Item = usize> + 'a {
        let s = self.site;
        (0..s.pages.len())
            .filter(move |&i| s.pages[i].kind != crate::load::config::Kind::Page)
            .take(FEED_ENTRIES)
    }

    /// The hash of what `dep` names on this site; `None` when it names
    /// nothing here (a page or term that is gone).
    pub fn value(&self, dep: &Dep) -> Option<u64> {
        let s = self.site;
        let revs = |it: &mut dyn Iterator<Item = usize>| {
            let mut h = rustc_hash::FxHasher::default();
            for i in it {
                s.revs[i].hash(&mut h);
            }
            h.finish()
        };
        Some(match dep {
            Dep::Site => self.site_hash,
            Dep::HomeIntro => fx(&s.home_intro),
            Dep::Page { source, at } => s.revs[self.find(source, *at)?],
            Dep::Neighbours { source, at } => {
                let (newer, older) = s.neighbours[self.find(source, *at)?];
                fx(&(self.rev(newer), self.rev(older)))
            }
            Dep::Window { list, skip, take } => {
                let items = self.list(list)?;
                let slots = revs(&mut items.iter().skip(*skip).take(*take).copied());
                fx(&(items.len(), slots))
            }
            Dep::Section(i) => {
                let sec = s.sections.get(*i)?;
                fx(&(sec.pages.len(), &sec.intro))
            }
            Dep::Taxonomy(t) => s.taxonomies.get(*t)?.terms.len() as u64,
            Dep::Terms(t) => {
                let mut h = rustc_hash::FxHasher::default();
                for term in &s.taxonomies.get(*t)?.terms {
                    (&term.name, &term.slug, term.pages.len()).hash(&mut h);
                }
                h.finish()
            }
            Dep::Term(t, slug) => {
                let term = &s.taxonomies[*t].terms[self.term(*t, slug)?];
                fx(&(&term.name, term.pages.len()))
            }
            Dep::Featured => revs(&mut (0..s.pages.len()).filter(|&i| s.pages[i].meta.featured)),
            Dep::FeedEntries => revs(&mut self.feed_entries()),
            Dep::Shape => s.shape,
        })
    }

    /// True when every read of `log` has the value it had.
    fn still(&self, log: &[(Dep, u64)]) -> bool {
        !log.is_empty() && log.iter().all(|(d, v)| self.value(d) == Some(*v))
    }
}

/// The site as the code that fills a template context sees it: each
/// method returns part of the site model and records the coordinate it
/// read with the hash of its value ([`Lookup::value`]), so the read set
/// of an output file is exactly what its render looked at. Only the
/// configuration (the same for the whole memo) is read without a record.
pub struct Tracker<'r, 'a> {
    r: &'r Renderer<'a>,
    log: Vec<(Dep, u64)>,
}

impl<'r, 'a> Tracker<'r, 'a> {
    fn record(&mut self, dep: Dep) {
        if !self.log.iter().any(|(d, _)| *d == dep) {
            let v = self.r.lookup.value(&dep).unwrap_or(u64::MAX);
            self.log.push((dep, v));
        }
    }

    fn into_log(self) -> ReadLog {
        self.log.into_boxed_slice()
    }

    /// `site.yaml` (not recorded: the memo is valid for one).
    fn config(&self) -> &'a crate::load::config::Config {
        &self.r.site.config
    }

    /// The section title shown as a page's kind (from the configuration).
    fn kind_title(&self, p: &Page) -> &'a str {
        let site: &'a Site = self.r.site;
        site.kind_title(p)
    }

    /// The `site` value.
    fn site(&mut self) -> Value {
        self.record(Dep::Site);
        self.r.site_value.clone()
    }

    fn home_intro(&mut self) -> &'a str {
        self.record(Dep::HomeIntro);
        &self.r.site.home_intro
    }

    /// Page `i` as its own page shows it, and the page.
    fn page(&mut self, i: usize) -> (&'a Page, Value) {
        let s: &'a Site = self.r.site;
        let p = &s.pages[i];
        self.record(Dep::Page {
            source: p.source.clone(),
            at: i,
        });
        self.record(Dep::Neighbours {
            source: p.source.clone(),
            at: i,
        });
        let body = s.body(i);
        let (newer, older) = s.neighbours[i];
        let view = page_view(s, i, &body, newer, older);
        (p, serde_json::to_value(view).unwrap_or(Value::Null))
    }

    /// The length of `list` and the summaries of `take` of its pages from `skip`.
    fn window(&mut self, list: List, skip: usize, take: usize) -> (usize, Vec<Value>) {
        let items = self.r.lookup.list(&list).unwrap_or(&[]);
        self.record(Dep::Window { list, skip, take });
        let pages = items
            .iter()
            .skip(skip)
            .take(take)
            .map(|&i| self.r.summary(i).clone())
            .collect();
        (items.len(), pages)
    }

    /// The summaries of the featured pages.
    fn featured(&mut self) -> Vec<Value> {
        self.record(Dep::Featured);
        let s = self.r.site;
        (0..s.pages.len())
            .filter(|&i| s.pages[i].meta.featured)
            .map(|i| self.r.summary(i).clone())
            .collect()
    }

    fn section(&mut self, i: usize) -> SectionView<'a> {
        self.record(Dep::Section(i));
        let s: &'a Site = self.r.site;
        section_view(&s.sections[i])
    }

    fn taxonomy(&mut self, t: usize) -> TaxonomyView<'a> {
        self.record(Dep::Taxonomy(t));
        let s: &'a Site = self.r.site;
        taxonomy_view(&s.taxonomies[t])
    }

    /// Taxonomy `t` with all its terms.
    fn terms(&mut self, t: usize) -> &'a Taxonomy {
        self.record(Dep::Terms(t));
        &self.r.site.taxonomies[t]
    }

    /// Term `k` of taxonomy `t` (its name and page count; its pages are
    /// read by [`Tracker::window`]).
    fn term(&mut self, t: usize, k: usize) -> (&'a Taxonomy, &'a Term) {
        let s: &'a Site = self.r.site;
        let (tax, term) = (&s.taxonomies[t], &s.taxonomies[t].terms[k]);
        self.record(Dep::Term(t, term.slug.clone()));
        (tax, term)
    }

    /// The feed's pages, each with its summary.
    fn feed_entries(&mut self) -> Vec<(&'a Page, &'a str)> {
        self.record(Dep::FeedEntries);
        let s: &'a Site = self.r.site;
        self.r
            .lookup
            .feed_entries()
            .map(|i| {
                let p = &*s.pages[i];
                (
                    p,
                    p.meta.summary.as_deref().unwrap_or(&s.rendered[i].summary),
                )
            })
            .collect()
    }

    /// The pages, for what the site's shape says of them (URL and date).
    fn shaped_pages(&mut self) -> &'a [Arc<Page>] {
        self.record(Dep::Shape);
        &self.r.site.pages
    }
}

pub struct Renderer<'a> {
    site: &'a Site,
    theme: &'a Theme,
    site_value: Value,
    lookup: Lookup<'a>,
    /// Summaries of earlier renders by page rev.
    known: &'a HashMap<u64, Value>,
    /// Summaries made in this render (of pages not in `known`), on first use.
    made: Vec<OnceLock<Value>>,
}

impl<'a> Renderer<'a> {
    fn new(site: &'a Site, theme: &'a Theme, known: &'a HashMap<u64, Value>) -> Self {
        let site_value = serde_json::to_value(site_view(site)).unwrap_or(Value::Null);
        Renderer {
            site,
            theme,
            lookup: Lookup::new(site, &site_value),
            site_value,
            known,
            made: (0..site.pages.len()).map(|_| OnceLock::new()).collect(),
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
        self.made.into_iter().map(OnceLock::into_inner).collect()
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
        jobs.push(Job::Feed);
        jobs.push(Job::Sitemap);
        jobs
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
            Job::Feed => "feed.xml".into(),
            Job::Sitemap => "sitemap.xml".into(),
        }
    }

    /// Renders `job` (using `buf` as scratch space); returns its output
    /// path, its bytes and what it read. `all`: every job and its path.
    fn render(
        &self,
        job: Job,
        all: (&[Job], &[String]),
        buf: &mut Vec<u8>,
    ) -> Result<(String, Vec<u8>, ReadLog), Diagnostic> {
        let path = self.path(job);
        let mut t = Tracker {
            r: self,
            log: vec![],
        };
        let root = match job {
            Job::NotFound => self.site.config.base_url.clone(),
            _ => root_prefix(&path),
        };
        let mut ctx = Ctx::default();
        ctx.put("site", t.site());
        ctx.insert("root", &root);
        ctx.insert("current_url", &encode_path(&path));
        ctx.insert("generator", GENERATOR);
        let (template, active, crumbs) = fill(&mut t, job, all, &mut ctx);
        ctx.insert("active_section", active);
        ctx.insert("breadcrumbs", &crumbs);
        buf.clear();
        tera::Context::from_value(Value::Object(ctx.0))
            .and_then(|ctx| self.theme.tera.render_to(template, &ctx, &mut *buf))
            .map_err(|e| template_error(&e, &self.theme.origins))?;
        Ok((path, buf.as_slice().to_vec(), t.into_log()))
    }
}

/// Adds the job's own variables, reading the site only through `t`;
/// returns its template, active section and breadcrumbs.
fn fill<'a>(
    t: &mut Tracker<'_, 'a>,
    job: Job,
    all: (&[Job], &[String]),
    ctx: &mut Ctx,
) -> (&'static str, &'a str, Vec<Crumb<'a>>) {
    let config = t.config();
    match job {
        Job::Home => {
            ctx.insert("intro", t.home_intro());
            ctx.put("featured", Value::Array(t.featured()));
            let latest: Vec<Value> = (0..config.sections.len())
                .map(|i| {
                    let section = t.section(i);
                    let (_, pages) = t.window(List::Section(i), 0, HOME_LATEST);
                    serde_json::json!({
                        "section": section,
                        "pages": pages,
                    })
                })
                .collect();
            ctx.insert("latest", &latest);
            ("index.html", "", vec![])
        }
        Job::NotFound => ("404.html", "", vec![]),
        Job::Search => ("search.html", "search", vec![]),
        Job::Page(i) => {
            let (page, view) = t.page(i);
            ctx.put("page", view);
            let mut crumbs = vec![];
            let mut active = "";
            if let Some(sec) = config.sections.iter().find(|s| s.name == page.section) {
                active = sec.name.as_str();
                crumbs.push(Crumb {
                    title: &sec.title,
                    url: format!("{}/index.html", encode_path(&sec.name)),
                });
            }
            (page.kind.template(), active, crumbs)
        }
        Job::Section(i, n) => {
            let sec = &config.sections[i];
            ctx.insert("section", &t.section(i));
            list(t, ctx, List::Section(i), n, &format!("{}/", sec.name));
            (
                "section.html",
                sec.name.as_str(),
                if n > 1 {
                    vec![Crumb {
                        title: &sec.title,
                        url: format!("{}/index.html", encode_path(&sec.name)),
                    }]
                } else {
                    vec![]
                },
            )
        }
        Job::TaxonomyList(ti) => {
            ctx.insert("taxonomy", &t.taxonomy(ti));
            let tax = t.terms(ti);
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
        Job::Term(ti, k, n) => {
            ctx.insert("taxonomy", &t.taxonomy(ti));
            let (tax, term) = t.term(ti, k);
            ctx.insert("term", &term_view(tax, term));
            list(
                t,
                ctx,
                List::Term(ti, term.slug.clone()),
                n,
                &term.dir(tax.name),
            );
            (
                "taxonomy_term.html",
                "",
                vec![Crumb {
                    title: tax.title,
                    url: format!("{}/index.html", tax.name),
                }],
            )
        }
        Job::Feed => {
            feed(t, ctx);
            ("feed.xml", "", vec![])
        }
        Job::Sitemap => {
            sitemap(t, all.0, all.1, ctx);
            ("sitemap.xml", "", vec![])
        }
    }
}

/// `pages` and `paginator` for list page `n` of `list` at folder `dir`.
fn list(t: &mut Tracker<'_, '_>, ctx: &mut Ctx, list: List, n: usize, dir: &str) {
    let per = t.config().paginate;
    let (items, pages) = t.window(list, (n - 1) * per, per);
    let total = page_count(items, per);
    ctx.put("pages", Value::Array(pages));
    let url = |k: usize| encode_path(&paged(dir, k));
    ctx.insert(
        "paginator",
        &PaginatorView {
            current: n,
            total,
            items,
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

#[derive(Serialize)]
struct FeedEntryView<'a> {
    title: &'a str,
    link: String,
    updated: String,
    author: Option<&'a str>,
    category: &'a str,
    summary: &'a str,
}

#[derive(Serialize)]
struct SitemapUrlView {
    loc: String,
    lastmod: Option<String>,
}

/// `updated` and `entries` of `feed.xml`: the newest `FEED_ENTRIES` pages
/// that are not plain pages.
fn feed(t: &mut Tracker<'_, '_>, ctx: &mut Ctx) {
    let base = &t.config().base_url;
    let entries = t.feed_entries();
    let updated = entries
        .first()
        .map(|(p, _)| p.meta.date.rfc3339())
        .unwrap_or_else(|| "1970-01-01T00:00:00+08:00".into());
    let views: Vec<FeedEntryView> = entries
        .iter()
        .map(|&(p, summary)| FeedEntryView {
            title: &p.meta.title,
            link: format!("{base}{}", encode_path(&p.dir)),
            updated: p.meta.date.rfc3339(),
            author: p.meta.speaker.as_deref(),
            category: t.kind_title(p),
            summary,
        })
        .collect();
    ctx.insert("updated", &updated);
    ctx.insert("entries", &views);
}

/// `urls` of `sitemap.xml`; `paths[i]` is the output path of `jobs[i]`.
fn sitemap(t: &mut Tracker<'_, '_>, jobs: &[Job], paths: &[String], ctx: &mut Ctx) {
    let base = &t.config().base_url;
    let pages = t.shaped_pages();
    let urls: Vec<SitemapUrlView> = jobs
        .iter()
        .zip(paths)
        .filter(|(job, _)| !matches!(job, Job::NotFound | Job::Search | Job::Feed | Job::Sitemap))
        .map(|(job, path)| {
            let dir = path.strip_suffix("index.html").unwrap_or(path);
            SitemapUrlView {
                loc: format!("{base}{}", encode_path(dir)),
                lastmod: match job {
                    Job::Page(i) => Some(pages[*i].meta.date.iso()),
                    _ => None,
                },
            }
        })
        .collect();
    ctx.insert("urls", &urls);
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
pub fn xml(s: &str) -> String {
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
            crate::model::urls::term_slug(&name)
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

/// Page `i` on its own page, with its body `r` and its section
/// neighbours (indices of the newer and older page).
fn page_view<'a>(
    site: &'a Site,
    i: usize,
    r: &'a Rendered,
    newer: Option<usize>,
    older: Option<usize>,
) -> PageView<'a> {
    let p = &site.pages[i];
    let m = &p.meta;
    let neighbour = |n: Option<usize>| {
        n.map(|k| NeighbourView {
            title: &site.pages[k].meta.title,
            url: &site.pages[k].url,
        })
    };
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
