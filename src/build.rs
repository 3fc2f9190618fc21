//! The build pipeline: config → content → site → render, as plain values.
//! Writing to disk is left to the caller (`build` writes, `check` does not).

use crate::diag::{Diagnostic, Diagnostics};
use crate::load::config::{self, Config};
use crate::load::content::{self, Changed, LoadOptions};
use crate::load::sources::{self, Source};
use crate::model::site::BodyCache;
use crate::model::site::Site;
use crate::publish::output::{Collect, OutFile, Output, Sink};
use crate::render;
use crate::render::theme;
use crate::search::{self, SearchIndex};
use std::path::Path;
use std::sync::Arc;

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Include pages with `draft: true`.
    pub drafts: bool,
    /// Overrides `base_url` from site.yaml.
    pub base_url: Option<String>,
    /// A build without a memo holds every page's rendered body only while
    /// the site's Markdown is smaller than this many bytes; above, it
    /// renders each body again where needed, so memory stays bounded
    /// (`None`: [`HOLD_BODIES_BELOW`]). The output is the same either way.
    pub hold_bodies_below: Option<u64>,
    /// `check`: nothing is written, not even the cache of resized photos
    /// (their sizes are worked out, not made).
    pub dry_run: bool,
}

/// Markdown bytes above which a one-off build stops holding rendered bodies.
pub const HOLD_BODIES_BELOW: u64 = 32 << 20;

/// What a successful build made (its files went to the sink).
pub struct Built {
    pub pages: usize,
    /// How many files the output holds.
    pub files: usize,
    /// How many pages (HTML files) were rendered, not taken over from the
    /// previous build.
    pub rendered: usize,
    /// Warnings (a successful build has no errors).
    pub diagnostics: Vec<Diagnostic>,
}

/// Progress callbacks, so the pipeline stays free of terminal code.
pub trait Progress: Sync {
    fn start(&self, _what: &str, _total: usize) {}
    fn tick(&self) {}
    fn finish(&self) {}
}

/// No progress display.
pub struct Quiet;
impl Progress for Quiet {}

/// Builds the site at `root` in memory. On failure returns every diagnostic
/// (errors and warnings), sorted.
pub fn build(
    root: &Path,
    opts: &BuildOptions,
    progress: &dyn Progress,
) -> Result<(Built, Output), Vec<Diagnostic>> {
    let sink = Collect::default();
    let built = build_into(root, opts, progress, &sink)?;
    Ok((built, sink.into_output()))
}

/// Builds the site at `root` into `sink`, keeping nothing for a next build
/// (so holding as little as it can at a time).
pub fn build_into(
    root: &Path,
    opts: &BuildOptions,
    progress: &dyn Progress,
    sink: &dyn Sink,
) -> Result<Built, Vec<Diagnostic>> {
    run(root, opts, progress, None, None, &Changed::Everything, sink)
}

/// What a build keeps for the next one, stage by stage: loaded files,
/// rendered bodies, render read sets, the search index — and the output they
/// describe. Rebuilding with a memo redoes only what `changed` reaches
/// through these (see ARCHITECTURE.md, "Rebuilding after an edit"); the
/// result is byte for byte that of a build without one.
#[derive(Default)]
pub struct Memo {
    content: sources::Caches,
    bodies: BodyCache,
    render: render::Memo,
    search: Option<SearchIndex>,
    /// The theme of the last successful build (read again unless only
    /// `content/` changed: templates live in `themes/`, assets also in `static/`).
    theme: Option<theme::Theme>,
    /// The output of the last successful build with this memo.
    output: Option<Arc<Output>>,
}

impl Memo {
    /// Forgets what depends on the theme (after a template or asset change):
    /// the next build renders every page and puts every file.
    pub fn forget_rendering(&mut self) {
        self.render = render::Memo::default();
        self.theme = None;
        self.output = None;
    }
}

/// Builds like [`build`], reusing what `memo` holds from the previous build
/// where `changed` does not reach it: the new output is the previous one
/// patched with the files that changed (sharing the rest, see [`Output`]).
/// A failed build leaves the memo describing the last successful one.
pub fn build_with(
    root: &Path,
    opts: &BuildOptions,
    progress: &dyn Progress,
    memo: &mut Memo,
    changed: &Changed<'_>,
) -> Result<(Built, Arc<Output>), Vec<Diagnostic>> {
    let previous = memo.output.clone().filter(|_| memo.search.is_some());
    let sink = previous
        .as_deref()
        .map_or_else(Collect::default, Collect::on);
    let mut built = run(
        root,
        opts,
        progress,
        Some(&mut *memo),
        previous.as_deref(),
        changed,
        &sink,
    )?;
    let output = sink.into_output();
    built.files = output.len();
    let output = Arc::new(output);
    memo.output = Some(output.clone());
    Ok((built, output))
}

/// The pipeline. With a memo, reuses it and leaves this build in it;
/// without one, drops what it can as soon as it can. With a `previous`
/// output (the one `memo` describes), `sink` already holds it and the
/// stages put only what changed and remove what is gone.
fn run(
    root: &Path,
    opts: &BuildOptions,
    progress: &dyn Progress,
    memo: Option<&mut Memo>,
    previous: Option<&Output>,
    changed: &Changed<'_>,
    sink: &dyn Sink,
) -> Result<Built, Vec<Diagnostic>> {
    let clock = Stopwatch::new();
    let mut scratch = Memo::default();
    let keep = memo.is_some();
    let memo = memo.unwrap_or(&mut scratch);
    let mut diags = Diagnostics::default();
    let (config, theme) = config_and_theme(root, opts, &mut memo.theme, changed)?;
    let sources = sources::open(root, &config)?;
    clock.lap("config + theme");
    let (mut site, content_diags) =
        site_model(root, opts, (config, &sources), memo, keep, changed, &clock);
    diags.extend(content_diags);
    let theme = match theme {
        Ok(t) => t,
        Err(e) => return Err(failed(diags, e)),
    };
    if diags.has_errors() {
        return Err(diags.sorted());
    }
    let counted = Counted {
        sink,
        n: Default::default(),
        booklets: Default::default(),
        clashes: Default::default(),
    };
    if !site.config.compilations.is_empty() {
        let previous = |path: &str| counted.previous(path);
        match crate::compile::site::make_all(root, &site, &previous, opts.dry_run) {
            Ok(made) => {
                site.downloads = made.downloads;
                let paths = made.files.iter().map(|(p, _)| p.clone()).collect();
                counted.put_all(
                    made.files
                        .into_iter()
                        .map(|(path, bytes)| (path, OutFile::Bytes(bytes)))
                        .collect(),
                );
                let _ = counted.booklets.set(paths);
            }
            Err(e) => return Err(failed(diags, e)),
        }
        clock.lap("compilations");
    }
    let rendered = render_pages(
        &site,
        &theme,
        &mut memo.render,
        previous,
        &counted,
        progress,
    );
    clock.lap("render");
    let rendered = match rendered {
        Ok(n) => n,
        Err(e) => return Err(failed(diags, e)),
    };
    let search = search::index_site(&site, memo.search.take(), keep, previous, &counted);
    clock.lap("search index");
    let clashes = counted
        .clashes
        .into_inner()
        .unwrap_or_else(|e| e.into_inner());
    if !clashes.is_empty() {
        // the memo keeps no search index: the next build starts afresh
        return Err(failed(
            diags,
            crate::compile::site::clashing(&site.config, &clashes),
        ));
    }
    memo.search = search;
    if keep {
        memo.theme = Some(theme);
    }
    Ok(Built {
        pages: site.pages.len(),
        files: counted.n.into_inner(),
        rendered,
        diagnostics: diags.sorted(),
    })
}

/// Every diagnostic of a failed build, `more` added, sorted.
fn failed(mut diags: Diagnostics, more: impl IntoIterator<Item = Diagnostic>) -> Vec<Diagnostic> {
    diags.extend(more);
    diags.sorted()
}

/// The theme, or the errors that kept it from loading (reported after
/// the content's messages).
type ThemeLoad = Result<theme::Theme, Vec<Diagnostic>>;

/// Reads `site.yaml` (with `base_url` overridden by the options), then the
/// theme, unless only `content/` changed and `kept` holds it. The theme's
/// errors are returned, not yet reported.
fn config_and_theme(
    root: &Path,
    opts: &BuildOptions,
    kept: &mut Option<theme::Theme>,
    changed: &Changed<'_>,
) -> Result<(Config, ThemeLoad), Vec<Diagnostic>> {
    let mut config: Config = config::load(root)?;
    if let Some(b) = &opts.base_url {
        config.base_url = config::normalize_base_url(b);
    }
    // Only content changed, the site's or a source site's: the theme stays.
    let mut content_dirs = vec![std::path::PathBuf::from(content::CONTENT_DIR)];
    content_dirs.extend(
        config
            .sources
            .iter()
            .map(|s| s.path.join(content::CONTENT_DIR)),
    );
    let theme = match kept.take() {
        Some(t) if changed.all_under(&content_dirs) => Ok(t),
        _ => theme::load(root, &config.theme),
    };
    Ok((config, theme))
}

/// Loads `content/`, and that of each source site, and makes the site
/// model (Markdown rendered, bodies held or not, see
/// [`HOLD_BODIES_BELOW`]), with the messages of both.
fn site_model(
    root: &Path,
    opts: &BuildOptions,
    (config, sources): (Config, &[Source]),
    memo: &mut Memo,
    keep: bool,
    changed: &Changed<'_>,
    clock: &Stopwatch,
) -> (Site, Vec<Diagnostic>) {
    let mut content_diags = vec![];
    let options = LoadOptions {
        drafts: opts.drafts,
        make_sizes: !opts.dry_run,
        joining: None,
    };
    let library = sources::load_all(
        (root, &config, sources),
        options,
        &mut memo.content,
        changed,
        &mut content_diags,
    );
    clock.lap("load content");
    let hold = keep || {
        let bytes: u64 = library.pages.iter().map(|p| p.body.len() as u64).sum();
        bytes < opts.hold_bodies_below.unwrap_or(HOLD_BODIES_BELOW)
    };
    let site = Site::build_with(config, library, &mut memo.bodies, hold, &mut content_diags);
    clock.lap("markdown + site model");
    (site, content_diags)
}

/// Renders every output file that needs it into `sink`, ticking `progress`
/// once a page; returns how many pages were rendered.
fn render_pages(
    site: &Site,
    theme: &theme::Theme,
    memo: &mut render::Memo,
    previous: Option<&Output>,
    sink: &Counted<'_>,
    progress: &dyn Progress,
) -> Result<usize, Vec<Diagnostic>> {
    progress.start("rendering", site.pages.len());
    let rendered = render::render_site(site, theme, memo, previous, sink, &|| progress.tick());
    progress.finish();
    rendered
}

/// Counts the files put into a sink, and notes a later stage putting a
/// file where a booklet of `compilations:` was put (which would replace it).
struct Counted<'a> {
    sink: &'a dyn Sink,
    n: std::sync::atomic::AtomicUsize,
    /// The booklets' paths, once put.
    booklets: std::sync::OnceLock<Vec<String>>,
    /// Booklet paths a later stage put a file at.
    clashes: std::sync::Mutex<Vec<String>>,
}

impl Counted<'_> {
    fn note(&self, path: &str) {
        if self
            .booklets
            .get()
            .is_some_and(|b| b.iter().any(|p| p == path))
        {
            if let Ok(mut c) = self.clashes.lock() {
                c.push(path.to_string());
            }
        }
    }
}

impl Sink for Counted<'_> {
    fn put(&self, path: String, file: OutFile) {
        self.n.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.note(&path);
        self.sink.put(path, file);
    }
    fn put_all(&self, files: Vec<(String, OutFile)>) {
        self.n
            .fetch_add(files.len(), std::sync::atomic::Ordering::Relaxed);
        for (path, _) in &files {
            self.note(path);
        }
        self.sink.put_all(files);
    }
    fn remove(&self, path: &str) {
        self.sink.remove(path);
    }
    fn previous(&self, path: &str) -> Option<Arc<[u8]>> {
        self.sink.previous(path)
    }
}

/// Prints how long each stage took when `ZHANTING_TIMINGS` is set.
struct Stopwatch(Option<std::cell::Cell<std::time::Instant>>);

impl Stopwatch {
    fn new() -> Self {
        Stopwatch(
            std::env::var_os("ZHANTING_TIMINGS")
                .map(|_| std::cell::Cell::new(std::time::Instant::now())),
        )
    }
    fn lap(&self, what: &str) {
        if let Some(c) = &self.0 {
            let rss = std::fs::read_to_string("/proc/self/status")
                .ok()
                .and_then(|s| {
                    s.lines()
                        .find(|l| l.starts_with("VmRSS:"))
                        .map(|l| l[6..].trim().to_string())
                })
                .unwrap_or_default();
            eprintln!(
                "{what}: {:.0} ms (resident {rss})",
                c.get().elapsed().as_secs_f64() * 1000.0
            );
            c.set(std::time::Instant::now());
        }
    }
}
