//! The build pipeline: config → content → site → render, as plain values.
//! Writing to disk is left to the caller (`build` writes, `check` does not).

use crate::config::{self, Config};
use crate::content::{self, Changed, LoadOptions};
use crate::diag::{Diagnostic, Diagnostics};
use crate::msg::M;
use crate::output::{Collect, OutFile, Output, Sink};
use crate::render;
use crate::search::{self, SearchIndex};
use crate::site::BodyCache;
use crate::site::Site;
use crate::theme;
use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;
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
}

/// Markdown bytes above which a one-off build stops holding rendered bodies.
pub const HOLD_BODIES_BELOW: u64 = 256 << 20;

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
    run(root, opts, progress, None, &Changed::Everything, sink)
}

/// What a build keeps for the next one, stage by stage: loaded files,
/// rendered bodies, render keys, the search index — and the output they
/// describe. Rebuilding with a memo redoes only what `changed` reaches
/// through these (see ARCHITECTURE.md, "Rebuilding after an edit"); the
/// result is byte for byte that of a build without one.
#[derive(Default)]
pub struct Memo {
    content: content::Cache,
    bodies: BodyCache,
    render: render::Memo,
    search: Option<SearchIndex>,
    /// The theme of the last successful build (read again unless only
    /// `content/` changed: templates live in `themes/`, assets also in `static/`).
    theme: Option<theme::Theme>,
    /// Rev of each page (by URL) in the search index.
    search_revs: HashMap<String, u64>,
    /// The output of the last successful build with this memo.
    output: Option<Arc<Output>>,
}

impl Memo {
    /// Forgets what depends on the theme (after a template or asset change).
    pub fn forget_rendering(&mut self) {
        self.render = render::Memo::default();
        self.theme = None;
    }
}

/// Builds like [`build`], reusing what `memo` holds from the previous build
/// where `changed` does not reach it. A failed build leaves the memo
/// describing the last successful one.
pub fn build_with(
    root: &Path,
    opts: &BuildOptions,
    progress: &dyn Progress,
    memo: &mut Memo,
    changed: &Changed<'_>,
) -> Result<(Built, Arc<Output>), Vec<Diagnostic>> {
    let sink = Collect::default();
    let built = run(root, opts, progress, Some(&mut *memo), changed, &sink)?;
    let output = Arc::new(sink.into_output());
    memo.output = Some(output.clone());
    Ok((built, output))
}

/// The pipeline. With a memo, reuses it and leaves this build in it;
/// without one, drops what it can as soon as it can.
fn run(
    root: &Path,
    opts: &BuildOptions,
    progress: &dyn Progress,
    memo: Option<&mut Memo>,
    changed: &Changed<'_>,
    sink: &dyn Sink,
) -> Result<Built, Vec<Diagnostic>> {
    let clock = Stopwatch::new();
    let mut scratch = Memo::default();
    let keep = memo.is_some();
    let memo = memo.unwrap_or(&mut scratch);
    let mut diags = Diagnostics::default();
    let mut config: Config = config::load(root)?;
    if let Some(b) = &opts.base_url {
        config.base_url = config::normalize_base_url(b);
    }
    let theme = match memo.theme.take() {
        Some(t) if changed.all_under("content") => Ok(t),
        _ => theme::load(root, &config.theme),
    };
    clock.lap("config + theme");

    let mut content_diags = vec![];
    let library = content::load_with(
        root,
        &config,
        LoadOptions {
            drafts: opts.drafts,
        },
        &mut memo.content,
        changed,
        &mut content_diags,
    );
    clock.lap("load content");
    let hold = keep || {
        let bytes: u64 = library.pages.values().map(|p| p.body.len() as u64).sum();
        bytes < opts.hold_bodies_below.unwrap_or(HOLD_BODIES_BELOW)
    };
    let site = Site::build_with(config, library, &mut memo.bodies, hold, &mut content_diags);
    clock.lap("markdown + site model");
    diags.extend(content_diags);

    let theme = match theme {
        Ok(t) => t,
        Err(e) => {
            diags.extend(e);
            return Err(diags.sorted());
        }
    };
    if diags.has_errors() {
        return Err(diags.sorted());
    }
    let counted = Counted {
        sink,
        n: Default::default(),
    };
    progress.start("rendering", site.pages.len());
    let previous = memo.output.clone();
    let rendered = render::render_site(
        &site,
        &theme,
        &mut memo.render,
        previous.as_deref(),
        &counted,
        &|| progress.tick(),
    );
    progress.finish();
    clock.lap("render");
    let rendered = match rendered {
        Ok(n) => n,
        Err(e) => {
            diags.extend(e);
            return Err(diags.sorted());
        }
    };
    if let Err(e) = search_index(&site, memo, keep, previous.as_deref(), &counted) {
        diags.push(e);
        return Err(diags.sorted());
    }
    clock.lap("search index");
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

/// Counts the files put into a sink.
struct Counted<'a> {
    sink: &'a dyn Sink,
    n: std::sync::atomic::AtomicUsize,
}

impl Sink for Counted<'_> {
    fn put(&self, path: String, file: OutFile) {
        self.n.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.sink.put(path, file);
    }
    fn put_all(&self, files: Vec<(String, OutFile)>) {
        self.n
            .fetch_add(files.len(), std::sync::atomic::Ordering::Relaxed);
        self.sink.put_all(files);
    }
    fn scratch(&self) -> Option<&Path> {
        self.sink.scratch()
    }
}

/// Puts the search index into `sink`: patched from the previous build's
/// index files when there is one, else built (kept in the memo when `keep`).
fn search_index(
    site: &Site,
    memo: &mut Memo,
    keep: bool,
    previous: Option<&Output>,
    sink: &dyn Sink,
) -> Result<(), Diagnostic> {
    let dates: Vec<String> = site.pages.iter().map(|p| p.meta.date.iso()).collect();
    let docs = render::search_docs(site, &dates);
    let revs: HashMap<String, u64> = site
        .pages
        .iter()
        .zip(&site.revs)
        .map(|(p, r)| (p.url.clone(), *r))
        .collect();
    let patch = match (memo.search.as_mut(), previous) {
        (Some(ix), Some(prev)) => {
            let old_revs = &memo.search_revs;
            ix.patch(&docs, &|url| old_revs.get(url) != revs.get(url), &|path| {
                prev.read(path)
            })
            .map(|p| (p, prev))
        }
        _ => None,
    };
    match patch {
        Some((patch, prev)) => {
            // The previous index files the patch leaves alone (both lists
            // are sorted: one walk), then the patch's new files (deleted
            // ones are simply not put).
            let mut patched = patch.keys().peekable();
            let mut files: Vec<(String, OutFile)> = prev
                .files
                .range::<str, _>((
                    std::ops::Bound::Included("search/"),
                    std::ops::Bound::Excluded("search0"),
                ))
                .filter(|(path, _)| {
                    while patched.next_if(|k| k < path).is_some() {}
                    patched.peek() != Some(path) && search::is_index_file(path)
                })
                .map(|(path, file)| (path.clone(), file.clone()))
                .collect();
            files.extend(
                patch
                    .into_iter()
                    .filter_map(|(path, b)| Some((path, OutFile::Bytes(b?.into())))),
            );
            sink.put_all(files);
        }
        None => {
            let put = |path: String, bytes: Vec<u8>| sink.put(path, OutFile::Bytes(bytes.into()));
            let scratch = sink.scratch();
            let body = |i: usize| match site.body(i) {
                Cow::Borrowed(r) => Cow::Borrowed(r.text.as_str()),
                Cow::Owned(r) => Cow::Owned(r.text),
            };
            memo.search = search::build_into(&docs, &body, keep, scratch, &put).map_err(|e| {
                Diagnostic::err(
                    scratch.unwrap_or(Path::new(".")),
                    0,
                    0,
                    M::CannotWriteScratch {
                        error: &e.to_string(),
                    },
                )
            })?;
        }
    }
    memo.search_revs = if keep { revs } else { HashMap::default() };
    Ok(())
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
