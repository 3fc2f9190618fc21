//! The command line: parses arguments with clap, runs a command, prints
//! diagnostics and errors (with their cause chain) in one place, and turns
//! the outcome into the exit status (0 ok, 1 content errors, 2 usage).

use crate::build::{self, BuildOptions, Built, Progress};
use crate::diag::{Diagnostic, Lang};
use crate::msg::Say;
use crate::{output, scaffold};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Parser, Debug)]
#[command(name = "zhanting", version, about = "展厅: turns folders of Markdown speeches, model cases and branch brand profiles into a searchable static showcase site")]
pub struct Cli {
    /// Language of messages: zh (default) or en [default: site.yaml's `language`]
    #[arg(long, global = true, value_enum)]
    lang: Option<LangArg>,
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum LangArg {
    Zh,
    En,
}

impl Cli {
    /// `--lang`, else the site's `language`, else Chinese.
    fn lang(&self, root: &Path) -> Lang {
        match self.lang {
            Some(LangArg::Zh) => Lang::Zh,
            Some(LangArg::En) => Lang::En,
            None => crate::config::language_of(root),
        }
    }
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Create a new site with site.yaml and sample content, ready to build
    Init {
        /// Folder to create (must be empty or not exist)
        dir: PathBuf,
    },
    /// Build the site into the output folder
    Build {
        /// Site folder (holding site.yaml)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output folder [default: ROOT/output]
        #[arg(long)]
        output: Option<PathBuf>,
        /// Include pages marked `draft: true`
        #[arg(long)]
        drafts: bool,
        /// Where the site is served, e.g. /dangjian/ (overrides site.yaml)
        #[arg(long)]
        base_url: Option<String>,
    },
    /// Check every file for mistakes without writing anything
    Check {
        /// Site folder (holding site.yaml)
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Create a new content file with its front matter
    New {
        /// speech, case or brand
        kind: scaffold::NewKind,
        /// Title of the new page
        title: String,
        /// Site folder (holding site.yaml)
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

/// Runs the command line and returns the exit status.
pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    let root = match &cli.command {
        Command::Build { root, .. } | Command::Check { root } | Command::New { root, .. } => root.clone(),
        Command::Init { .. } => PathBuf::from("."),
    };
    let lang = cli.lang(&root);
    let result = match cli.command {
        Command::Init { dir } => scaffold::init(&dir).map(|msg| {
            println!("{msg}");
            0
        }),
        Command::New { kind, title, root } => scaffold::new_page(&root, kind, &title).map(|msg| {
            println!("{msg}");
            0
        }),
        Command::Build {
            root,
            output,
            drafts,
            base_url,
        } => {
            let out = output.unwrap_or_else(|| root.join("output"));
            cmd_build(&root, &out, &BuildOptions { drafts, base_url }, lang)
        }
        Command::Check { root } => Ok(cmd_check(&root, lang)),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            1
        }
    }
}

fn cmd_build(root: &Path, out: &Path, opts: &BuildOptions, lang: Lang) -> anyhow::Result<i32> {
    let start = Instant::now();
    check_output_location(root, out)?;
    output::recover(out)?;
    let bar = Bar::new();
    let built = match build::build(root, opts, &bar) {
        Ok(b) => b,
        Err(diags) => {
            print_diagnostics(&diags, lang);
            eprintln!("{}", Say::BuildFailed { output: &out.display().to_string() }.text().get(lang));
            return Ok(1);
        }
    };
    print_diagnostics(&built.diagnostics, lang);
    output::write_atomically(&built.output, out)?;
    println!("{}", summary(&built, out, start).get(lang));
    Ok(0)
}

fn summary(built: &Built, out: &Path, start: Instant) -> crate::diag::Msg {
    Say::Built {
        pages: built.site.pages.len(),
        files: built.output.len(),
        seconds: start.elapsed().as_secs_f64(),
        output: &out.display().to_string(),
        warnings: built.diagnostics.len(),
    }
    .text()
}

fn cmd_check(root: &Path, lang: Lang) -> i32 {
    match build::build(root, &BuildOptions::default(), &build::Quiet) {
        Ok(b) => {
            print_diagnostics(&b.diagnostics, lang);
            println!("{}", Say::Checked { pages: b.site.pages.len(), warnings: b.diagnostics.len() }.text().get(lang));
            0
        }
        Err(d) => {
            print_diagnostics(&d, lang);
            1
        }
    }
}

/// The output folder must not be the site itself or hold it.
fn check_output_location(root: &Path, out: &Path) -> anyhow::Result<()> {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (root_abs, out_abs) = (abs(root), abs(out));
    let out_norm = crate::content::normalize(out_abs.strip_prefix("/").unwrap_or(&out_abs)).unwrap_or_default();
    let root_norm = crate::content::normalize(root_abs.strip_prefix("/").unwrap_or(&root_abs)).unwrap_or_default();
    if root_norm.starts_with(&out_norm) || out_norm.starts_with(root_norm.join(crate::content::CONTENT_DIR)) || out_norm.starts_with(root_norm.join("static")) {
        anyhow::bail!("the output folder {} cannot be the site folder or inside content/ or static/", out.display());
    }
    Ok(())
}

fn print_diagnostics(diags: &[Diagnostic], lang: Lang) {
    for d in diags {
        eprintln!("{}", d.in_lang(lang));
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    if errors > 0 {
        eprintln!("{}", Say::Totals { errors, warnings: diags.len() - errors }.text().get(lang));
    }
}

/// A progress bar on a terminal; nothing otherwise.
struct Bar(Option<ProgressBar>);

impl Bar {
    fn new() -> Self {
        Bar(std::io::stderr().is_terminal().then(|| {
            let b = ProgressBar::hidden();
            b.set_style(ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len}").unwrap_or_else(|_| ProgressStyle::default_bar()));
            b
        }))
    }
}

impl Progress for Bar {
    fn start(&self, what: &str, total: usize) {
        if let Some(b) = &self.0 {
            if total >= 500 {
                b.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            }
            b.set_length(total as u64);
            b.set_message(what.to_string());
        }
    }
    fn tick(&self) {
        if let Some(b) = &self.0 {
            b.inc(1);
        }
    }
    fn finish(&self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}
