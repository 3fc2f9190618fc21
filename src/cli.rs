//! The command line: parses arguments with clap, runs a command, prints
//! diagnostics and errors (with their cause chain) in one place, and turns
//! the outcome into the exit status (0 ok, 1 content errors, 2 usage).

use crate::build::{self, BuildOptions, Built, Progress};
use crate::diag::{Diagnostic, Lang};
use crate::msg::{HelpWord, Say, Wrong, HELP, VALUE_NAMES};
use crate::{publish::output, scaffold};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The command line. Its help texts are not written here: [`command`] sets
/// them from the catalogue (`msg::HELP`) in the language of the run.
#[derive(Parser, Debug)]
#[command(
    name = "zhanting",
    version,
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true
)]
pub struct Cli {
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
    Init {
        dir: PathBuf,
    },
    Build {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long)]
        output: Option<PathBuf>,
        #[arg(long)]
        drafts: bool,
        #[arg(long)]
        base_url: Option<String>,
    },
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    Serve {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        #[arg(long, default_value_t = 1111)]
        port: u16,
    },
    Watch {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long)]
        deploy_to: PathBuf,
    },
    Deploy {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long)]
        to: PathBuf,
    },
    New {
        kind: String,
        title: String,
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    Import {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long)]
        kind: Option<scaffold::NewKind>,
        #[arg(long)]
        force: bool,
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    Compile {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long)]
        section: Option<String>,
        #[arg(long)]
        tag: Option<String>,
        #[arg(long)]
        region: Option<String>,
        #[arg(long)]
        sector: Option<String>,
        #[arg(long)]
        year: Option<String>,
        #[arg(long = "title", id = "booklet_title", value_name = "TITLE")]
        booklet_title: Option<String>,
        #[arg(long, value_enum, default_value = "pdf")]
        format: crate::compile::Format,
        #[arg(long = "output", id = "file", value_name = "FILE", required = true)]
        file: PathBuf,
    },
}

/// Where `--help` and `--version` come in the list of options: last.
const HELP_FLAGS_ORDER: usize = 1000;

/// The clap command with every help text, heading and usage line in
/// `lang`, from the catalogue.
pub fn command(lang: Lang) -> clap::Command {
    use clap::CommandFactory;
    localize(Cli::command(), "", lang).arg(
        clap::Arg::new("version")
            .short('V')
            .long("version")
            .action(clap::ArgAction::Version)
            .display_order(HELP_FLAGS_ORDER + 1)
            .help(HelpWord::VersionFlag.get(lang))
            .help_heading(HelpWord::Options.get(lang)),
    )
}

/// Sets the texts of command `name` (`""`: the program) and of its
/// subcommands.
fn localize(cmd: clap::Command, name: &'static str, lang: Lang) -> clap::Command {
    let text = |arg: &str| {
        HELP.iter()
            .find(|h| h.0 == name && h.1 == arg)
            .or_else(|| HELP.iter().find(|h| h.0.is_empty() && h.1 == arg))
            .map(|h| if lang == Lang::En { h.3 } else { h.2 })
    };
    let mut usage = if name.is_empty() {
        "zhanting".to_string()
    } else {
        format!("zhanting {name}")
    };
    usage.push(' ');
    usage.push_str(HelpWord::OptionsTag.get(lang));
    let mut cmd = cmd
        .disable_help_flag(true)
        .help_template(format!(
            "{{about-with-newline}}\n{}{{usage}}\n\n{{all-args}}{{after-help}}",
            HelpWord::Usage.get(lang)
        ))
        .subcommand_help_heading(HelpWord::Commands.get(lang))
        .subcommand_value_name(HelpWord::CommandTag.get(lang));
    if let Some(about) = text("") {
        cmd = cmd.about(about);
    }
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect();
    for id in ids {
        let help = text(&id).unwrap_or_default();
        cmd = cmd.mut_arg(&id, |a| {
            let heading = if a.is_positional() {
                HelpWord::Arguments
            } else {
                HelpWord::Options
            };
            let mut a = a.help(help).help_heading(heading.get(lang));
            if let Some((_, name)) = VALUE_NAMES.iter().find(|v| v.0 == id) {
                if lang == Lang::Zh && a.get_action().takes_values() {
                    a = a.value_name(*name);
                }
            }
            // defaults and values are told in the help text itself
            if a.get_action().takes_values() {
                a.hide_default_value(true).hide_possible_values(true)
            } else {
                a
            }
        });
    }
    for a in cmd
        .get_arguments()
        .filter(|a| a.is_required_set() && !a.is_positional())
    {
        let value = a.get_value_names().and_then(|v| v.first());
        if let (Some(long), Some(value)) = (a.get_long(), value) {
            usage.push_str(&format!(" --{long} <{value}>"));
        }
    }
    for a in cmd.get_positionals() {
        let value = a
            .get_value_names()
            .and_then(|v| v.first())
            .map(|v| v.to_string())
            .unwrap_or_else(|| a.get_id().to_string().to_uppercase());
        let many = a.get_num_args().is_some_and(|n| n.max_values() > 1);
        usage.push_str(&format!(" <{value}>{}", if many { "..." } else { "" }));
    }
    let subcommands: Vec<&'static str> = cmd
        .get_subcommands()
        .filter_map(|s| HELP.iter().find(|h| h.0 == s.get_name()).map(|h| h.0))
        .collect();
    if !subcommands.is_empty() {
        usage.push(' ');
        usage.push_str(HelpWord::CommandTag.get(lang));
    }
    for sub in subcommands {
        cmd = cmd.mut_subcommand(sub, |s| localize(s, sub, lang));
    }
    cmd.override_usage(usage).arg(
        clap::Arg::new("help")
            .short('h')
            .long("help")
            .action(clap::ArgAction::Help)
            .display_order(HELP_FLAGS_ORDER)
            .help(HelpWord::HelpFlag.get(lang))
            .help_heading(HelpWord::Options.get(lang)),
    )
}

/// The language of the command line before it is parsed (for its help and
/// usage errors): `--lang`, else the `language` of the site named by
/// `--root` (or of the current folder), else Chinese.
fn lang_of_args(args: &[OsString]) -> Lang {
    let mut root = PathBuf::from(".");
    let mut words = args.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(w) = words.next() {
        if w == "--" {
            break;
        }
        let value = |flag: &str, words: &mut dyn Iterator<Item = std::borrow::Cow<'_, str>>| {
            if w == flag {
                words.next().map(|v| v.into_owned())
            } else {
                w.strip_prefix(flag)
                    .and_then(|r| r.strip_prefix('='))
                    .map(str::to_string)
            }
        };
        if let Some(code) = value("--lang", &mut words) {
            if let Some(lang) = Lang::from_code(&code) {
                return lang;
            }
        } else if let Some(r) = value("--root", &mut words) {
            root = PathBuf::from(r);
        }
    }
    crate::load::config::language_of(&root)
}

/// A usage error (an unknown flag, a bad value) as printed: what is wrong
/// in `lang`, the usage line and where to read more.
fn usage_error(e: &clap::Error, args: &[OsString], lang: Lang) -> String {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let get = |k: ContextKind| match e.get(k) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join(", "),
        Some(ContextValue::StyledStr(s)) => s.to_string(),
        Some(ContextValue::StyledStrs(v)) => v
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        Some(ContextValue::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    let arg = get(ContextKind::InvalidArg);
    let value = get(ContextKind::InvalidValue);
    let clap_text = e.kind().as_str().map(str::to_string).unwrap_or_else(|| {
        e.render()
            .to_string()
            .lines()
            .next()
            .unwrap_or("")
            .trim_start_matches("error: ")
            .to_string()
    });
    let (valid, sub, prior) = (
        get(ContextKind::ValidValue),
        get(ContextKind::InvalidSubcommand),
        get(ContextKind::PriorArg),
    );
    let wrong = match e.kind() {
        ErrorKind::UnknownArgument => Wrong::UnknownArgument { arg: &arg },
        ErrorKind::InvalidSubcommand => Wrong::UnknownCommand { name: &sub },
        ErrorKind::InvalidValue | ErrorKind::ValueValidation if value.is_empty() => {
            Wrong::MissingValue { arg: &arg }
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => Wrong::BadValue {
            arg: &arg,
            value: &value,
            valid: &valid,
        },
        ErrorKind::TooManyValues => Wrong::TooManyValues {
            arg: &arg,
            value: &value,
        },
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => Wrong::ValueCount { arg: &arg },
        ErrorKind::ArgumentConflict if arg == prior => Wrong::Repeated { arg: &arg },
        ErrorKind::ArgumentConflict => Wrong::Conflict {
            arg: &arg,
            other: &prior,
        },
        ErrorKind::MissingRequiredArgument => Wrong::MissingArguments { args: &arg },
        ErrorKind::MissingSubcommand => Wrong::MissingCommand { name: &sub },
        ErrorKind::NoEquals => Wrong::NeedsEquals { arg: &arg },
        ErrorKind::InvalidUtf8 => Wrong::NotUtf8,
        _ => Wrong::Other { text: &clap_text },
    };
    let mut s = format!(
        "{}{}",
        Wrong::Error.text().get(lang),
        wrong.text().get(lang)
    );
    for k in [
        ContextKind::SuggestedSubcommand,
        ContextKind::SuggestedArg,
        ContextKind::SuggestedValue,
    ] {
        let what = get(k);
        if !what.is_empty() {
            s.push_str("\n\n");
            s.push_str(Wrong::DidYouMean { what: &what }.text().get(lang));
        }
    }
    let usage = get(ContextKind::Usage);
    let usage = usage
        .split_once(HelpWord::Usage.get(Lang::En).trim_end())
        .map_or(usage.as_str(), |(_, u)| u)
        .trim();
    if !usage.is_empty() {
        s.push_str("\n\n");
        s.push_str(Wrong::Usage { usage }.text().get(lang));
    }
    // the command whose help tells more: the first word naming one
    let command = args
        .iter()
        .skip(1)
        .map(|a| a.to_string_lossy())
        .take_while(|a| a != "--")
        .find_map(|a| HELP.iter().find(|h| !h.0.is_empty() && a == h.0))
        .map_or("zhanting".to_string(), |h| format!("zhanting {}", h.0));
    s.push_str("\n\n");
    s.push_str(Wrong::MoreHelp { command: &command }.text().get(lang));
    s
}

/// Runs the command line and returns the exit status.
pub fn run() -> i32 {
    use clap::FromArgMatches;
    let args: Vec<OsString> = std::env::args_os().collect();
    let lang = lang_of_args(&args);
    crate::msg::set_lang(lang);
    let parsed = command(lang)
        .try_get_matches_from(&args)
        .and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(c) => c,
        Err(e) => {
            use clap::error::ErrorKind;
            return match e.kind() {
                ErrorKind::DisplayHelp
                | ErrorKind::DisplayVersion
                | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                    let _ = e.print();
                    if e.use_stderr() {
                        2
                    } else {
                        0
                    }
                }
                _ => {
                    eprintln!("{}", usage_error(&e, &args, lang));
                    2
                }
            };
        }
    };
    let root = match &cli.command {
        Command::Build { root, .. }
        | Command::Check { root }
        | Command::New { root, .. }
        | Command::Serve { root, .. }
        | Command::Watch { root, .. }
        | Command::Deploy { root, .. }
        | Command::Import { root, .. }
        | Command::Compile { root, .. } => root.clone(),
        Command::Init { .. } => PathBuf::from("."),
    };
    let lang = cli.lang(&root);
    crate::msg::set_lang(lang);
    let result = match cli.command {
        Command::Init { dir } => scaffold::init(&dir).map(|msg| {
            println!("{msg}");
            0
        }),
        Command::New { kind, title, root } => {
            scaffold::new_page(&root, &kind, &title, lang).map(|msg| {
                println!("{msg}");
                0
            })
        }
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
        Command::Compile {
            root,
            section,
            tag,
            region,
            sector,
            year,
            booklet_title,
            format,
            file,
        } => cmd_compile(
            &crate::compile::Request {
                root,
                selection: crate::compile::Selection {
                    section,
                    tag,
                    region,
                    sector,
                    year,
                },
                title: booklet_title,
                format,
                output: file,
            },
            lang,
        ),
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
            eprintln!("{}", failure(&e));
            if e.downcast_ref::<scaffold::UnknownKind>().is_some() {
                2
            } else {
                1
            }
        }
    }
}

/// A failed command's error with its causes, in the language of the run:
/// `错误：` and each cause after a colon, an operating-system error in
/// plain words where there are some.
pub fn failure(e: &anyhow::Error) -> String {
    let chain: Vec<String> = e.chain().map(crate::msg::cause_text).collect();
    Say::Failed {
        error: &chain.join(crate::msg::cause_separator(crate::msg::lang())),
    }
    .text()
    .to_string()
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
            eprintln!(
                "{}",
                Say::NothingPublished {
                    folder: &to.display().to_string()
                }
                .text()
            );
            return Ok(code);
        }
    }
    let built = std::sync::Arc::new(crate::publish::deploy::output_from_disk(&out)?);
    let mut deployer = crate::publish::deploy::Deployer::open(to)?;
    let r = deployer.publish(&built)?;
    println!(
        "{}",
        Say::Published {
            output: &out.display().to_string(),
            to: &to.display().to_string(),
            written: r.written.len(),
            deleted: r.deleted.len(),
            unchanged: r.unchanged
        }
        .text()
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
                    "{}",
                    Say::WatchPublished {
                        pages,
                        to: &deploy_to.display().to_string(),
                        rendered,
                        changed,
                        rebuilt_ms: elapsed.as_millis(),
                        total_ms: since.elapsed().as_millis()
                    }
                    .text()
                );
            }
            Rebuilt::Failed(diags) => {
                print_diagnostics(&diags, lang);
                eprintln!(
                    "{}",
                    Say::WatchFailed {
                        to: &deploy_to.display().to_string()
                    }
                    .text()
                );
            }
        }
        Ok(())
    };
    publish(session.rebuild(ChangeKind::Config, &[]), Instant::now())?;
    println!(
        "{}",
        Say::Watching {
            root: &root.display().to_string()
        }
        .text()
    );
    while let Some(batch) = watcher.next_batch() {
        let r = session.rebuild(batch.kind, &batch.paths);
        if let Err(e) = publish(r, batch.first_event) {
            eprintln!("{}", failure(&e));
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

fn cmd_compile(req: &crate::compile::Request, lang: Lang) -> anyhow::Result<i32> {
    let start = Instant::now();
    match crate::compile::run(req) {
        Ok(made) => {
            println!(
                "{}",
                Say::Compiled {
                    articles: made.articles,
                    pages: made.pages,
                    output: &req.output.display().to_string(),
                    bytes: made.bytes,
                    seconds: start.elapsed().as_secs_f64(),
                }
                .text()
                .get(lang)
            );
            Ok(0)
        }
        Err(crate::compile::Failure::At(diags)) => {
            print_diagnostics(&diags, lang);
            eprintln!("{}", Say::CompileStopped.text().get(lang));
            Ok(1)
        }
        Err(crate::compile::Failure::Other(e)) => Err(e),
    }
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
        Ok(mut b) => {
            b.diagnostics
                .extend(crate::load::config::base_url_note(root));
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
    if output_clashes_with_site(root, out) {
        anyhow::bail!(Say::OutputInsideSite {
            output: &out.display().to_string()
        }
        .text());
    }
    Ok(())
}

/// Whether `out` is the site folder `root`, holds it, or lies inside its
/// `content/` or `static/`: compared as absolute paths with `.` and `..`
/// resolved, the drive and root kept (`C:\站点\output` on Windows), and
/// without regard to case where the file system ignores it (Windows).
fn output_clashes_with_site(root: &Path, out: &Path) -> bool {
    fn lexical(p: &Path) -> Vec<String> {
        let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        let mut parts: Vec<String> = vec![];
        for c in abs.components() {
            match c {
                std::path::Component::CurDir => {}
                std::path::Component::ParentDir => {
                    if parts.len() > 1 {
                        parts.pop();
                    }
                }
                other => {
                    let s = other.as_os_str().to_string_lossy().into_owned();
                    parts.push(if cfg!(windows) { s.to_lowercase() } else { s });
                }
            }
        }
        parts
    }
    let (root, out) = (lexical(root), lexical(out));
    let inside = |dir: &[String], p: &[String]| p.starts_with(dir);
    let under = |name: &str| {
        let mut d = root.clone();
        d.push(name.to_string());
        inside(&d, &out)
    };
    inside(&out, &root) || under(crate::load::content::CONTENT_DIR) || under("static")
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
    /// Labelled in the language of the run: the one stage that reports
    /// progress renders the pages.
    fn start(&self, _what: &str, total: usize) {
        if let Some(b) = &self.0 {
            if total >= 500 {
                b.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            }
            b.set_length(total as u64);
            b.set_message(Say::Rendering.text().to_string());
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every command and argument has its help from the catalogue, in
    /// Chinese (with Chinese characters) and in English (without).
    #[test]
    fn every_command_and_argument_has_help_in_both_languages() {
        fn check(cmd: &clap::Command, lang: Lang) {
            let about = cmd.get_about().map(ToString::to_string).unwrap_or_default();
            assert!(!about.is_empty(), "{}: no about", cmd.get_name());
            for a in cmd.get_arguments() {
                let help = a.get_help().map(ToString::to_string).unwrap_or_default();
                assert!(
                    !help.is_empty(),
                    "{} {}: no help",
                    cmd.get_name(),
                    a.get_id()
                );
                assert_eq!(
                    help.chars().any(crate::text::is_han),
                    lang == Lang::Zh,
                    "{} {}: {help}",
                    cmd.get_name(),
                    a.get_id()
                );
            }
            for s in cmd.get_subcommands() {
                check(s, lang);
            }
        }
        for lang in [Lang::Zh, Lang::En] {
            let mut cmd = command(lang);
            cmd.build();
            check(&cmd, lang);
        }
        // and the catalogue names no command or argument that is not there
        let cmd = command(Lang::Zh);
        for (c, a, _, _) in HELP {
            let sub = if c.is_empty() {
                Some(&cmd)
            } else {
                cmd.find_subcommand(c)
            };
            let sub = sub.unwrap_or_else(|| panic!("no command {c}"));
            assert!(
                a.is_empty() || sub.get_arguments().any(|x| x.get_id() == *a),
                "no argument {a} in {c}"
            );
        }
    }

    #[test]
    fn the_language_is_read_from_the_command_line_before_it_is_parsed() {
        let args = |a: &[&str]| -> Vec<OsString> {
            std::iter::once("zhanting")
                .chain(a.iter().copied())
                .map(OsString::from)
                .collect()
        };
        let t = tempfile::tempdir().unwrap();
        std::fs::write(t.path().join("site.yaml"), "language: en\n").unwrap();
        let root = t.path().to_str().unwrap();
        assert_eq!(lang_of_args(&args(&["build", "--lang", "en"])), Lang::En);
        assert_eq!(lang_of_args(&args(&["--lang=en", "check"])), Lang::En);
        assert_eq!(lang_of_args(&args(&["build", "--root", root])), Lang::En);
        assert_eq!(
            lang_of_args(&args(&["build", &format!("--root={root}"), "--lang", "zh"])),
            Lang::Zh
        );
        assert_eq!(
            lang_of_args(&args(&["new", "case", "--", "--lang", "en"])),
            crate::load::config::language_of(Path::new("."))
        );
    }

    #[test]
    fn the_output_may_not_be_the_site_hold_it_or_sit_in_content_or_static() {
        let clash =
            |root: &str, out: &str| output_clashes_with_site(Path::new(root), Path::new(out));
        assert!(!clash("/srv/站点", "/srv/站点/output"));
        assert!(!clash("/srv/站点", "/var/www/dangjian"));
        assert!(!clash("site", "site/output"));
        assert!(!clash("/srv/a", "/srv/a/contents"));
        assert!(clash("/srv/站点", "/srv/站点"));
        assert!(clash("/srv/站点", "/srv"));
        assert!(clash("/srv/站点", "/srv/站点/content/x"));
        assert!(clash("/srv/站点", "/srv/站点/static"));
        assert!(clash("/srv/站点", "/srv/站点/output/../static/out"));
        assert!(clash("site", "site/./content"));
    }
}
