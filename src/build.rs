//! The build pipeline: config → content → site → render, as plain values.
//! Writing to disk is left to the caller (`build` writes, `check` does not).

use crate::config::{self, Config};
use crate::content::{self, Changed, LoadOptions};
use crate::diag::{Diagnostic, Diagnostics};
use crate::output::{OutFile, Output};
use crate::render;
use crate::search::{self, SearchIndex};
use crate::site::BodyCache;
use crate::site::Site;
use crate::theme;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Include pages with `draft: true`.
    pub drafts: bool,
    /// Overrides `base_url` from site.yaml.
    pub base_url: Option<String>,
}

/// A successful build, in memory.
pub struct Built {
    pub site: Site,
    pub output: Arc<Output>,
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
) -> Result<Built, Vec<Diagnostic>> {
    build_with(
        root,
        opts,
        progress,
        &mut Memo::default(),
        &Changed::Everything,
    )
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
    /// Rev of each page (by URL) in the search index.
    search_revs: HashMap<String, u64>,
    /// The output of the last successful build with this memo.
    output: Option<Arc<Output>>,
}

impl Memo {
    /// Forgets what depends on the theme (after a template or asset change).
    pub fn forget_rendering(&mut self) {
        self.render = render::Memo::default();
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
) -> Result<Built, Vec<Diagnostic>> {
    let clock = Stopwatch::new();
    let mut diags = Diagnostics::default();
    let mut config: Config = config::load(root)?;
    if let Some(b) = &opts.base_url {
        config.base_url = config::normalize_base_url(b);
    }
    let theme = theme::load(root, &config.theme);
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
    let site = Site::build_with(config, library, &mut memo.bodies, &mut content_diags);
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
    progress.start("rendering", site.pages.len());
    let previous = memo.output.clone();
    let output = render::render_site(
        &site,
        &theme,
        &mut memo.render,
        previous.as_deref(),
        &|| progress.tick(),
    );
    progress.finish();
    clock.lap("render");
    let (mut output, rendered) = match output {
        Ok(o) => o,
        Err(e) => {
            diags.extend(e);
            return Err(diags.sorted());
        }
    };
    search_index(&site, memo, previous.as_deref(), &mut output);
    clock.lap("search index");
    let output = Arc::new(output);
    memo.output = Some(output.clone());
    Ok(Built {
        site,
        output,
        rendered,
        diagnostics: diags.sorted(),
    })
}

/// Adds the search index to `output`: patched from the previous build's
/// index files when there is one, else built.
fn search_index(site: &Site, memo: &mut Memo, previous: Option<&Output>, output: &mut Output) {
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
            // The previous index files (in order: one bulk build, then one
            // merge into the output), with the patch applied.
            let mut files: std::collections::BTreeMap<String, OutFile> = prev
                .files
                .range::<str, _>((
                    std::ops::Bound::Included("search/"),
                    std::ops::Bound::Excluded("search0"),
                ))
                .filter(|(path, _)| search::is_index_file(path))
                .map(|(path, file)| (path.clone(), file.clone()))
                .collect();
            for (path, file) in patch {
                match file {
                    Some(b) => {
                        files.insert(path, OutFile::Bytes(b.into()));
                    }
                    None => {
                        files.remove(&path);
                    }
                }
            }
            output.files.append(&mut files);
        }
        None => {
            let (ix, files) = SearchIndex::build(&docs);
            memo.search = Some(ix);
            for (path, bytes) in files {
                output.insert(path, OutFile::Bytes(bytes.into()));
            }
        }
    }
    memo.search_revs = revs;
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
