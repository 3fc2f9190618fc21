//! The command line: parses arguments with clap, runs a command, prints
//! diagnostics and errors (with their cause chain) in one place, and turns
//! the outcome into the exit status (0 ok, 1 content errors, 2 usage).

use crate::build::{self, BuildOptions, Built, Progress};
use crate::diag::{Diagnostic, Lang};
use crate::msg::Say;
use crate::{publish::output, scaffold};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Parser, Debug)]
#[command(
    name = "zhanting",
    version,
    about = "展厅: turns folders of Markdown speeches, model cases and branch brand profiles into a searchable static showcase site"
)]
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
            None => crate::load::config::language_of(root),
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
    /// Build, serve on http://127.0.0.1:1111/, rebuild and reload the browser on every edit
    Serve {
        /// Site folder (holding site.yaml)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Address to listen on (127.0.0.1: this computer only)
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// Port to listen on (0: any free port)
        #[arg(long, default_value_t = 1111)]
        port: u16,
    },
    /// Rebuild on every edit and publish each good build atomically into a folder
    Watch {
        /// Site folder (holding site.yaml)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Folder a web server serves, e.g. /var/www/dangjian
        #[arg(long)]
        deploy_to: PathBuf,
    },
    /// Publish the current build (ROOT/output) atomically into a folder a web server serves
    Deploy {
        /// Site folder (holding site.yaml)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Folder a web server serves, e.g. /var/www/dangjian
        #[arg(long)]
        to: PathBuf,
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
    /// Convert Word (.docx) and text (.txt) files into pages, guessing their front matter
    Import {
        /// Files or folders (searched for .txt and .docx)
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// speech, case or brand [default: guessed from the text]
        #[arg(long)]
        kind: Option<scaffold::NewKind>,
        /// Import a file even when the site already holds it (the same bytes as an original kept beside a page)
        #[arg(long)]
        force: bool,
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
        Command::Build { root, .. }
        | Command::Check { root }
        | Command::New { root, .. }
        | Command::Serve { root, .. }
        | Command::Watch { root, .. }
        | Command::Deploy { root, .. }
        | Command::Import { root, .. } => root.clone(),
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
            cmd_build(
                &root,
                &out,
                &BuildOptions {
                    drafts,
                    base_url,
                    ..BuildOptions::default()
                },
                lang,
            )
        }
        Command::Check { root } => Ok(cmd_check(&root, lang)),
        Command::Serve { root, bind, port } => {
            crate::live::serve::run(&crate::live::serve::ServeOptions { root, bind, port })
                .map(|_| 0)
        }
        Command::Watch { root, deploy_to } => cmd_watch(&root, &deploy_to, lang),
        Command::Deploy { root, to } => cmd_deploy(&root, &to, lang),
        Command::Import {
            files,
            kind,
            force,
            root,
        } => crate::import::run(
            &root,
            &files,
            kind.map(scaffold::NewKind::kind),
            lang,
            force,
        ),
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
    check_output_location(root, out)?;
    let _lock = output::lock(out)?;
    build_locked(root, out, opts, lang)
}

/// Builds into `out`, whose lock the caller holds.
fn build_locked(root: &Path, out: &Path, opts: &BuildOptions, lang: Lang) -> anyhow::Result<i32> {
    let start = Instant::now();
    output::recover(out)?;
    let bar = Bar::new();
    // Files go straight into a staging folder beside `out`, swapped in
    // when the build is complete; a failed build removes it.
    let staging = output::Staging::open(out)?;
    let built = match build::build_into(root, opts, &bar, &staging) {
        Ok(b) => b,
        Err(diags) => {
            print_diagnostics(&diags, lang);
            eprintln!(
                "{}",
                Say::BuildFailed {
                    output: &out.display().to_string()
                }
                .text()
                .get(lang)
            );
            return Ok(1);
        }
    };
    print_diagnostics(&built.diagnostics, lang);
    staging.commit()?;
    println!("{}", summary(&built, out, start).get(lang));
    Ok(0)
}

/// Publishes ROOT/output into `to`, building first when there is no output.
fn cmd_deploy(root: &Path, to: &Path, lang: Lang) -> anyhow::Result<i32> {
    let out = root.join("output");
    check_output_location(root, to)?;
    let _lock = output::lock(&out)?;
    output::recover(&out)?;
    if !out.join(output::MARKER).exists() {
        let code = build_locked(root, &out, &BuildOptions::default(), lang)?;
        if code != 0 {
            eprintln!("nothing was published; {} is unchanged", to.display());
            return Ok(code);
        }
    }
    let built = std::sync::Arc::new(crate::publish::deploy::output_from_disk(&out)?);
    let mut deployer = crate::publish::deploy::Deployer::open(to)?;
    let r = deployer.publish(&built)?;
    println!(
        "published {} into {}: {} written, {} deleted, {} unchanged",
        out.display(),
        to.display(),
        r.written.len(),
        r.deleted.len(),
        r.unchanged
    );
    Ok(0)
}

/// Rebuilds on every edit; publishes each good build into `deploy_to`
/// (and ROOT/output). Runs until interrupted.
fn cmd_watch(root: &Path, deploy_to: &Path, lang: Lang) -> anyhow::Result<i32> {
    use crate::live::changes::ChangeKind;
    use crate::live::watch::{Rebuilt, Session, Targets, Watcher};
    let out = root.join("output");
    check_output_location(root, deploy_to)?;
    let _lock = output::lock(&out)?;
    output::recover(&out)?;
    let mut targets = Targets {
        output: crate::publish::deploy::Deployer::open_output(&out)?,
        deploy: Some(crate::publish::deploy::Deployer::open(deploy_to)?),
    };
    let mut watcher = Watcher::new(root, &out)?;
    let mut session = Session::new(root, BuildOptions::default());
    let mut publish = |r: Rebuilt, since: Instant| -> anyhow::Result<()> {
        match r {
            Rebuilt::Ok {
                output,
                pages,
                rendered,
                warnings,
                elapsed,
            } => {
                print_diagnostics(&warnings, lang);
                let changed = targets.publish(&output)?;
                println!(
                    "published {pages} pages into {} ({rendered} rendered, {changed} files changed; rebuilt in {} ms) in {} ms",
                    deploy_to.display(),
                    elapsed.as_millis(),
                    since.elapsed().as_millis()
                );
            }
            Rebuilt::Failed(diags) => {
                print_diagnostics(&diags, lang);
                eprintln!(
                    "build failed: nothing was published; {} is unchanged",
                    deploy_to.display()
                );
            }
        }
        Ok(())
    };
    publish(session.rebuild(ChangeKind::Config, &[]), Instant::now())?;
    println!("watching {} for changes (Ctrl-C to stop)", root.display());
    while let Some(batch) = watcher.next_batch() {
        let r = session.rebuild(batch.kind, &batch.paths);
        if let Err(e) = publish(r, batch.first_event) {
            eprintln!("error: {e:#}");
        }
    }
    Ok(0)
}

fn summary(built: &Built, out: &Path, start: Instant) -> crate::diag::Msg {
    Say::Built {
        pages: built.pages,
        files: built.files,
        seconds: start.elapsed().as_secs_f64(),
        output: &out.display().to_string(),
        warnings: built.diagnostics.len(),
    }
    .text()
}

fn cmd_check(root: &Path, lang: Lang) -> i32 {
    match build::build_into(
        root,
        &BuildOptions {
            dry_run: true,
            ..BuildOptions::default()
        },
        &build::Quiet,
        &output::Discard,
    ) {
        Ok(b) => {
            print_diagnostics(&b.diagnostics, lang);
            println!(
                "{}",
                Say::Checked {
                    pages: b.pages,
                    warnings: b.diagnostics.len()
                }
                .text()
                .get(lang)
            );
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
    let out_norm = crate::load::content::normalize(out_abs.strip_prefix("/").unwrap_or(&out_abs))
        .unwrap_or_default();
    let root_norm =
        crate::load::content::normalize(root_abs.strip_prefix("/").unwrap_or(&root_abs))
            .unwrap_or_default();
    if root_norm.starts_with(&out_norm)
        || out_norm.starts_with(root_norm.join(crate::load::content::CONTENT_DIR))
        || out_norm.starts_with(root_norm.join("static"))
    {
        anyhow::bail!(
            "the output folder {} cannot be the site folder or inside content/ or static/",
            out.display()
        );
    }
    Ok(())
}

fn print_diagnostics(diags: &[Diagnostic], lang: Lang) {
    for d in diags {
        eprintln!("{}", d.in_lang(lang));
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    if errors > 0 {
        eprintln!(
            "{}",
            Say::Totals {
                errors,
                warnings: diags.len() - errors
            }
            .text()
            .get(lang)
        );
    }
}

/// A progress bar on a terminal; nothing otherwise.
struct Bar(Option<ProgressBar>);

impl Bar {
    fn new() -> Self {
        Bar(std::io::stderr().is_terminal().then(|| {
            let b = ProgressBar::hidden();
            b.set_style(
                ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
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
