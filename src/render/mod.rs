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
//! records the coordinate read ([`Dep`](reads::Dep)) with the hash of its value. The
//! [`Memo`] keeps every output file's read set, and the next render leaves
//! a file as it is when every recorded read has the same value on the new
//! site ([`Lookup::value`]).

pub mod charts;
mod reads;
pub mod theme;
mod views;

use crate::diag::Diagnostic;
use crate::load::config::{Kind, SectionConfig};
use crate::model::site::{Site, Term};
use crate::publish::output::{OutFile, Output, Sink};
use crate::urls::{encode_path, root_prefix};
use rayon::prelude::*;
use reads::{List, Lookup, ReadLog, Tracker};
use rustc_hash::FxHashMap as HashMap;
use rustc_hash::FxHashSet as HashSet;
use serde::Serialize;
use serde_json::Value;
use std::sync::OnceLock;
use theme::{template_error, AssetSource, Theme};
use views::{
    pager_window, site_view, summary_view, term_view, Crumb, DateView, FeedEntryView, PagerLink,
    PaginatorView, SitemapUrlView, TermView, LIST_TAGS,
};

/// How many pages of each section the home page shows.
const HOME_LATEST: usize = 6;
/// Entries in the Atom feed.
const FEED_ENTRIES: usize = 30;

pub const GENERATOR: &str = concat!("zhanting ", env!("CARGO_PKG_VERSION"));

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
    /// 数据概览, `overview/index.html`.
    Overview,
    /// A node of the region tree (not the root, which is the regions
    /// taxonomy's list), list page number.
    Region(usize, usize),
    /// `topics/index.html`, when the site has topics.
    Topics,
    /// One topic, by index.
    Topic(usize),
}

impl Job {
    /// An HTML page (not the feed or the sitemap).
    fn is_html(self) -> bool {
        !matches!(self, Job::Feed | Job::Sitemap)
    }
}

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
/// ([`Dep`](reads::Dep)) has the same value on this site; files of the previous render
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
    let plan = Plan::make(&r, &jobs, memo, previous.is_some());
    let assets = asset_files(site, theme);
    if previous.is_some() {
        remove_gone(memo, &plan, &assets, sink);
    }
    let todo: Vec<usize> = (0..jobs.len())
        .filter(|&k| plan.kept[k].is_none())
        .collect();
    let made = render_jobs(&r, &jobs, &plan.paths, &todo, sink, tick);
    let rendered = todo.iter().filter(|&&k| jobs[k].is_html()).count();
    if made.iter().any(Result::is_err) {
        let mut errors: Vec<Diagnostic> = made.into_iter().filter_map(Result::err).collect();
        errors.dedup_by(|a, b| a.message == b.message && a.path == b.path);
        drop(r);
        // The memo still describes the last good output.
        memo.summaries = known;
        if plan.same_shape {
            memo.paths = plan.paths;
        }
        return Err(errors);
    }
    memo.reads = next_reads(std::mem::take(&mut memo.reads), &plan.kept, todo, made);
    memo.assets = assets.iter().map(|(p, _)| p.clone()).collect();
    sink.put_all(assets);
    memo.paths = plan.paths;
    memo.shape = Some(site.shape);
    let made = r.into_made();
    memo.summaries = remembered(&site.revs, made, known);
    Ok(rendered)
}

/// Which files a render makes and which it can leave as they are.
struct Plan {
    /// The same shape as the memo's: the same jobs at the same paths, so
    /// each job's read set is the one at its place.
    same_shape: bool,
    /// The output path of each job.
    paths: Vec<String>,
    /// For each job, the place in the memo of a read set whose reads all
    /// have the same values now: that file is left as it is.
    kept: Vec<Option<usize>>,
}

impl Plan {
    fn make(r: &Renderer<'_>, jobs: &[Job], memo: &mut Memo, patching: bool) -> Plan {
        let same_shape =
            patching && memo.shape == Some(r.site.shape) && memo.paths.len() == jobs.len();
        let paths: Vec<String> = if same_shape {
            std::mem::take(&mut memo.paths)
        } else {
            jobs.par_iter().map(|&job| r.path(job)).collect()
        };
        if !patching {
            let kept = vec![None; jobs.len()];
            return Plan {
                same_shape,
                paths,
                kept,
            };
        }
        let before: HashMap<&str, usize> = if same_shape {
            HashMap::default()
        } else {
            memo.paths
                .iter()
                .enumerate()
                .map(|(at, p)| (p.as_str(), at))
                .collect()
        };
        let kept = paths
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
            .collect();
        drop(before);
        Plan {
            same_shape,
            paths,
            kept,
        }
    }
}

/// Removes what the previous render made and this one does not (first: a
/// path may change from one kind of file to another).
fn remove_gone(memo: &Memo, plan: &Plan, assets: &[(String, OutFile)], sink: &dyn Sink) {
    if !plan.same_shape {
        let made: HashSet<&str> = plan.paths.iter().map(String::as_str).collect();
        for gone in memo.paths.iter().filter(|p| !made.contains(p.as_str())) {
            sink.remove(gone);
        }
    }
    let now: HashSet<&str> = assets.iter().map(|(p, _)| p.as_str()).collect();
    for gone in memo.assets.iter().filter(|p| !now.contains(p.as_str())) {
        sink.remove(gone);
    }
}

/// Renders the jobs `todo` (indices into `jobs`) in parallel into `sink`;
/// returns what each read, or its error. Each thread renders into one
/// reused buffer and hands on an exact-size copy: no growing reallocations,
/// no spare capacity held for the build.
fn render_jobs(
    r: &Renderer<'_>,
    jobs: &[Job],
    paths: &[String],
    todo: &[usize],
    sink: &dyn Sink,
    tick: &(dyn Fn() + Sync),
) -> Vec<Result<ReadLog, Diagnostic>> {
    todo.par_iter()
        .map_init(
            || Vec::with_capacity(64 * 1024),
            |buf, &k| {
                let out = r.render(jobs[k], (jobs, paths), buf);
                tick();
                let (path, bytes, log) = out?;
                sink.put(path, OutFile::Bytes(bytes.into()));
                Ok(log)
            },
        )
        .collect()
}

/// Each job's read set for the next render: the new one where it was
/// rendered (`todo`, `made`), else the one (of `old`) it was kept for.
fn next_reads(
    mut old: Vec<ReadLog>,
    kept: &[Option<usize>],
    todo: Vec<usize>,
    made: Vec<Result<ReadLog, Diagnostic>>,
) -> Vec<ReadLog> {
    let mut reads: Vec<ReadLog> = kept
        .iter()
        .map(|k| k.map_or_else(Box::default, |o| std::mem::take(&mut old[o])))
        .collect();
    for (k, log) in todo.into_iter().zip(made) {
        if let Ok(log) = log {
            reads[k] = log;
        }
    }
    reads
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
    for t in &site.topics {
        for a in &t.topic.assets {
            files.push((a.dest.clone(), OutFile::Copy(a.source.clone())));
        }
    }
    files
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
        jobs.push(Job::Overview);
        if !s.topics.is_empty() {
            jobs.push(Job::Topics);
            jobs.extend((0..s.topics.len()).map(Job::Topic));
        }
        for (t, tax) in s.taxonomies.iter().enumerate() {
            jobs.push(Job::TaxonomyList(t));
            if tax.name == "regions" {
                // the tree's nodes stand for the terms
                for (k, node) in s.regions.nodes.iter().enumerate().skip(1) {
                    jobs.extend((1..=page_count(node.pages.len(), per)).map(|n| Job::Region(k, n)));
                }
                continue;
            }
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
            Job::Overview => "overview/index.html".into(),
            Job::Region(k, n) => paged(&s.regions.nodes[k].dir, n),
            Job::Topics => "topics/index.html".into(),
            Job::Topic(k) => format!("{}index.html", s.topics[k].topic.dir),
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
        let mut t = Tracker::new(self);
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
    match job {
        Job::Home => {
            home(t, ctx);
            ("index.html", "", vec![])
        }
        Job::NotFound => ("404.html", "", vec![]),
        Job::Search => ("search.html", "search", vec![]),
        Job::Page(i) => page(t, i, ctx),
        Job::Section(i, n) => section(t, i, n, ctx),
        Job::TaxonomyList(ti) if t.is_regions(ti) => {
            region_index(t, ti, ctx);
            ("regions.html", "", vec![])
        }
        Job::TaxonomyList(ti) => {
            taxonomy_list(t, ti, ctx);
            ("taxonomy_list.html", "", vec![])
        }
        Job::Region(k, n) => region(t, k, n, ctx),
        Job::Overview => {
            overview(t, ctx);
            ("overview.html", "overview", vec![])
        }
        Job::Topics => {
            ctx.insert("topics", &topic_views(t));
            ("topics.html", "topics", vec![])
        }
        Job::Topic(k) => {
            let (topic, pages) = t.topic(k);
            ctx.insert("topic", &topic_view(topic));
            ctx.put("pages", Value::Array(pages));
            let crumb = Crumb {
                title: "专题",
                url: "topics/index.html".into(),
            };
            ("topic.html", "topics", vec![crumb])
        }
        Job::Term(ti, k, n) => term(t, ti, k, n, ctx),
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

/// `intro`, `featured` and `latest` (each section's newest pages) of the home page.
fn home(t: &mut Tracker<'_, '_>, ctx: &mut Ctx) {
    ctx.insert("intro", t.home_intro());
    ctx.insert("overview", t.overview());
    ctx.insert("topics", &topic_views(t));
    ctx.put("featured", Value::Array(t.featured()));
    ctx.insert("downloads", &t.downloads(""));
    let latest: Vec<Value> = (0..t.config().sections.len())
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
}

/// `taxonomy`, `tree` (the region tree: each node's `name`, `level`,
/// `url`, `count` and `children`) and `chart` (the top level as a bar
/// chart, SVG) of `regions/index.html`.
fn region_index(t: &mut Tracker<'_, '_>, ti: usize, ctx: &mut Ctx) {
    ctx.insert("taxonomy", &t.taxonomy(ti));
    let tree = t.region_tree();
    ctx.insert("tree", &node_views(tree, 0));
    let rows = charts::sub_regions(tree, 0);
    ctx.insert(
        "chart",
        &charts::bar_chart("chart-regions", "各地区资料数量", "篇", &rows),
    );
    ctx.insert("rows", &rows);
}

/// The children of node `k`, each with its own children.
fn node_views(tree: &crate::model::region::RegionTree, k: usize) -> Vec<Value> {
    tree.nodes[k]
        .children
        .iter()
        .map(|&c| {
            let n = &tree.nodes[c];
            serde_json::json!({
                "name": n.name,
                "level": n.level.map(|l| l.title()),
                "url": encode_path(&format!("{}index.html", n.dir)),
                "count": n.pages.len(),
                "children": node_views(tree, c),
            })
        })
        .collect()
}

/// `region` (`name`, `level`, `count`, `url`), `children` (rows: `label`,
/// `value`, `url`), `chart` (them as SVG), `pages` and `paginator` of list
/// page `n` of region node `k`; the breadcrumbs go up the tree.
fn region<'a>(
    t: &mut Tracker<'_, 'a>,
    k: usize,
    n: usize,
    ctx: &mut Ctx,
) -> (&'static str, &'a str, Vec<Crumb<'a>>) {
    let (tree, node) = t.region_node(k);
    let url = format!("{}index.html", node.dir);
    ctx.insert(
        "region",
        &serde_json::json!({
            "name": node.name,
            "level": node.level.map(|l| l.title()),
            "count": node.pages.len(),
            "url": encode_path(&url),
        }),
    );
    let rows = charts::sub_regions(tree, k);
    let title = format!("{}各下级地区资料数量", node.name);
    ctx.insert(
        "chart",
        &charts::bar_chart("chart-sub", &title, "篇", &rows),
    );
    ctx.insert("chart_title", &title);
    ctx.insert("children", &rows);
    list(t, ctx, List::Region(node.dir.clone()), n, &node.dir);
    let mut crumbs = vec![Crumb {
        title: "地区",
        url: "regions/index.html".into(),
    }];
    let mut up = tree.path_to(k);
    if n <= 1 {
        up.pop();
    }
    crumbs.extend(up.into_iter().map(|a| Crumb {
        title: &tree.nodes[a].name,
        url: encode_path(&format!("{}index.html", tree.nodes[a].dir)),
    }));
    ("region.html", "", crumbs)
}

/// `overview` (the figures: [`charts::Overview`]), `charts` (each with
/// `id`, `title`, `unit`, `rows` and `svg`) of `overview/index.html`.
fn overview(t: &mut Tracker<'_, '_>, ctx: &mut Ctx) {
    let o = t.overview();
    let drawn: Vec<Value> = o
        .charts
        .iter()
        .map(|c| {
            serde_json::json!({
                "id": c.id,
                "title": c.title,
                "unit": c.unit,
                "rows": c.rows,
                "svg": if c.id == "chart-years" {
                    charts::column_chart(c.id, c.title, c.unit, &c.rows)
                } else {
                    charts::bar_chart(c.id, c.title, c.unit, &c.rows)
                },
            })
        })
        .collect();
    ctx.insert("overview", o);
    ctx.insert("charts", &drawn);
}

/// A topic as lists show it: `title`, `summary`, `cover`, `url`, `count`,
/// and on its own page `intro`.
fn topic_view(t: &crate::model::topics::SiteTopic) -> Value {
    let x = &t.topic;
    serde_json::json!({
        "title": x.title,
        "summary": x.summary,
        "cover": x.cover,
        "url": encode_path(&format!("{}index.html", x.dir)),
        "count": t.pages.len(),
        "intro": t.intro,
    })
}

/// Every topic, as lists show them (no introduction).
fn topic_views(t: &mut Tracker<'_, '_>) -> Vec<Value> {
    t.topics()
        .iter()
        .map(|x| {
            let mut v = topic_view(x);
            if let Some(o) = v.as_object_mut() {
                o.remove("intro");
            }
            v
        })
        .collect()
}

/// A section's link as a breadcrumb.
fn section_crumb(sec: &SectionConfig) -> Crumb<'_> {
    Crumb {
        title: &sec.title,
        url: format!("{}/index.html", encode_path(&sec.name)),
    }
}

/// `page` of page `i`; its template, section and breadcrumbs.
fn page<'a>(
    t: &mut Tracker<'_, 'a>,
    i: usize,
    ctx: &mut Ctx,
) -> (&'static str, &'a str, Vec<Crumb<'a>>) {
    let config = t.config();
    let (page, view) = t.page(i);
    ctx.put("page", view);
    match config.sections.iter().find(|s| s.name == page.section) {
        Some(sec) => (
            page.kind.template(),
            sec.name.as_str(),
            vec![section_crumb(sec)],
        ),
        None => (page.kind.template(), "", vec![]),
    }
}

/// `section`, `pages` and `paginator` of list page `n` of section `i`.
fn section<'a>(
    t: &mut Tracker<'_, 'a>,
    i: usize,
    n: usize,
    ctx: &mut Ctx,
) -> (&'static str, &'a str, Vec<Crumb<'a>>) {
    let sec = &t.config().sections[i];
    ctx.insert("section", &t.section(i));
    list(t, ctx, List::Section(i), n, &format!("{}/", sec.name));
    let crumbs = if n > 1 {
        vec![section_crumb(sec)]
    } else {
        vec![]
    };
    ("section.html", sec.name.as_str(), crumbs)
}

/// `taxonomy` and its `terms`: years newest first, others by page count.
fn taxonomy_list(t: &mut Tracker<'_, '_>, ti: usize, ctx: &mut Ctx) {
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
}

/// `taxonomy`, `term`, `pages` and `paginator` of list page `n` of term `k`.
fn term<'a>(
    t: &mut Tracker<'_, 'a>,
    ti: usize,
    k: usize,
    n: usize,
    ctx: &mut Ctx,
) -> (&'static str, &'a str, Vec<Crumb<'a>>) {
    ctx.insert("taxonomy", &t.taxonomy(ti));
    let (tax, term) = t.term(ti, k);
    ctx.insert("term", &term_view(tax, term));
    let list_id = List::Term(ti, term.slug.clone());
    list(t, ctx, list_id, n, &term.dir(tax.name));
    let crumb = Crumb {
        title: tax.title,
        url: format!("{}/index.html", tax.name),
    };
    ("taxonomy_term.html", "", vec![crumb])
}

/// `pages`, `paginator` and `downloads` (the booklets offered there) for
/// list page `n` of `list` at folder `dir`.
fn list(t: &mut Tracker<'_, '_>, ctx: &mut Ctx, list: List, n: usize, dir: &str) {
    let per = t.config().paginate;
    let (items, pages) = t.window(list, (n - 1) * per, per);
    let total = page_count(items, per);
    ctx.put("pages", Value::Array(pages));
    ctx.insert("downloads", &t.downloads(dir));
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

/// `updated` and `entries` of `feed.xml`: the newest `FEED_ENTRIES` pages
/// that are not plain pages.
fn feed(t: &mut Tracker<'_, '_>, ctx: &mut Ctx) {
    let base = &t.config().base_url;
    let entries = t.feed_entries();
    let updated = entries
        .first()
        .and_then(|(p, _)| p.meta.date)
        .map(|d| d.rfc3339())
        .unwrap_or_else(|| "1970-01-01T00:00:00+08:00".into());
    let views: Vec<FeedEntryView> = entries
        .iter()
        .map(|&(p, summary)| FeedEntryView {
            title: &p.meta.title,
            link: format!("{base}{}", encode_path(&p.dir)),
            updated: p.meta.date.map(|d| d.rfc3339()).unwrap_or_default(),
            date: DateView::of(p.meta.date),
            author: match p.kind {
                Kind::Speech => p.meta.speaker.as_deref(),
                _ => p.meta.author.as_deref(),
            },
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
                    Job::Page(i) => pages[*i].meta.date.map(|d| d.iso()),
                    _ => None,
                },
            }
        })
        .collect();
    ctx.insert("urls", &urls);
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

#[cfg(test)]
mod tests {
    use super::theme::xml;
    use super::*;
    use crate::text::human_size;

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
