//! The build pipeline: config → content → site → render, as plain values.
//! Writing to disk is left to the caller (`build` writes, `check` does not).

use crate::config::{self, Config};
use crate::content::{self, LoadOptions};
use crate::diag::{Diagnostic, Diagnostics};
use crate::output::Output;
use crate::render;
use crate::site::Site;
use crate::theme;
use std::path::Path;

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
    pub output: Output,
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
pub fn build(root: &Path, opts: &BuildOptions, progress: &dyn Progress) -> Result<Built, Vec<Diagnostic>> {
    let clock = Stopwatch::new();
    let mut diags = Diagnostics::default();
    let mut config: Config = match config::load(root) {
        Ok(c) => c,
        Err(e) => return Err(e),
    };
    if let Some(b) = &opts.base_url {
        config.base_url = config::normalize_base_url(b);
    }
    let theme = theme::load(root, &config.theme);

    let mut content_diags = vec![];
    let library = content::load(root, &config, LoadOptions { drafts: opts.drafts }, &mut content_diags);
    clock.lap("load content");
    let site = Site::build(config, library, &mut content_diags);
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
    let output = render::render_site(&site, &theme, &|| progress.tick());
    progress.finish();
    clock.lap("render");
    match output {
        Ok(mut output) => {
            for (path, bytes) in render::search_files(&site) {
                output.insert(path, crate::output::OutFile::Bytes(bytes));
            }
            clock.lap("search index");
            Ok(Built {
            site,
            output,
            diagnostics: diags.sorted(),
            })
        }
        Err(e) => {
            diags.extend(e);
            Err(diags.sorted())
        }
    }
}

/// Prints how long each stage took when `ZHANTING_TIMINGS` is set.
struct Stopwatch(Option<std::cell::Cell<std::time::Instant>>);

impl Stopwatch {
    fn new() -> Self {
        Stopwatch(std::env::var_os("ZHANTING_TIMINGS").map(|_| std::cell::Cell::new(std::time::Instant::now())))
    }
    fn lap(&self, what: &str) {
        if let Some(c) = &self.0 {
            eprintln!("{what}: {:.0} ms", c.get().elapsed().as_secs_f64() * 1000.0);
            c.set(std::time::Instant::now());
        }
    }
}
