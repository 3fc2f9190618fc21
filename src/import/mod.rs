//! `zhanting import FILE...`: Word (.docx, old .doc and WPS's .wps) and
//! text (.txt) documents in, page bundles out.
//!
//! Each document becomes `content/SECTION/SLUG/index.md` with the original
//! file beside it (listed under `attachments`) and any Word images beside
//! it too. A compilation with `第一篇 / 第二篇 …` markers becomes one page per
//! article, and its pages share one copy of the original, kept in
//! `static/files/` ([`SHARED_ORIGINALS`]) and attached to each as
//! `/files/NAME`; importing it again finds that copy by its bytes and
//! never makes a second. Existing files are never overwritten: a taken name
//! gets `-2`, `-3` ….
//!
//! Front matter is guessed ([`guess`]); what could not be guessed is left
//! empty with a YAML comment saying what to fill in. The date is required
//! for the site to build, so when the text gives none (or only year and
//! month) a best-effort date is written — the first of the month, or the
//! file's modification date — with a comment, and the printed report lists
//! it under "请核对". The written file always passes `zhanting check`.
//!
//! An old Word file goes through LibreOffice when it is installed
//! ([`soffice`]: converted to .docx, then read as one), else through the
//! built-in reader of its text ([`doc`]), which is also used, with a
//! warning, when LibreOffice fails.
//!
//! Hostile files are expected. A .docx inflates within [`docx::Limits`];
//! control characters never reach the page, its front matter or the
//! terminal ([`text::strip_controls`], [`text::for_terminal`]); a bundle is
//! made in a hidden folder beside its destination and renamed into place
//! only when complete (a failure leaves nothing); and nothing is written
//! into a `content/` or section folder that leads outside the site.

pub mod doc;
pub mod docx;
pub mod guess;
pub mod soffice;
pub mod text;

use crate::load::config::Kind;
use crate::msg::{Io, Lang, Msg, Say, M};
use anyhow::{bail, Context, Result};
use guess::{DateSource, FoundDate, Guess};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// One paragraph of a source document: its plain text, and for Word
/// paragraphs with structure (heading, list item, bold, image, table) the
/// ready Markdown block.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub text: String,
    pub block: Option<String>,
}

impl Line {
    pub fn plain(s: &str) -> Line {
        Line {
            text: s.to_string(),
            block: None,
        }
    }
}

/// A message of the catalogue, with its hint, as the import reports it:
/// an error (inside an `anyhow::Error`) or a warning in the page report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub message: Msg,
    pub hint: Option<Msg>,
}

impl Notice {
    pub fn new(m: M) -> Notice {
        let (message, hint) = m.texts();
        Notice { message, hint }
    }

    /// The message and, on the next line, its hint.
    pub fn in_lang(&self, lang: Lang) -> String {
        let mut s = self.message.get(lang).to_string();
        if let Some(h) = &self.hint {
            s.push_str(match lang {
                Lang::Zh => "\n  提示：",
                Lang::En => "\n  hint: ",
            });
            s.push_str(h.get(lang));
        }
        s
    }
}

/// Chinese.
impl std::fmt::Display for Notice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.in_lang(crate::msg::lang()))
    }
}

impl std::error::Error for Notice {}

/// Several messages of the catalogue making one error, each on its own line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notices(pub Vec<Notice>);

impl Notices {
    pub fn in_lang(&self, lang: Lang) -> String {
        self.0
            .iter()
            .map(|n| n.in_lang(lang))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Chinese.
impl std::fmt::Display for Notices {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.in_lang(Lang::Zh))
    }
}

impl std::error::Error for Notices {}

/// An error chain as printed: catalogue messages in `lang`, everything made
/// safe for the terminal.
fn error_text(e: &anyhow::Error, lang: Lang) -> String {
    let text = e
        .chain()
        .map(|c| {
            if let Some(n) = c.downcast_ref::<Notice>() {
                n.in_lang(lang)
            } else if let Some(n) = c.downcast_ref::<Notices>() {
                n.in_lang(lang)
            } else {
                crate::msg::cause_text(c)
            }
        })
        .collect::<Vec<_>>()
        .join(crate::msg::cause_separator(lang));
    text::for_terminal(&text, true).into_owned()
}

/// A path as shown on the terminal.
fn shown(p: &Path) -> String {
    text::for_terminal(&p.display().to_string(), false).into_owned()
}

/// One page written by the import.
#[derive(Debug, Clone)]
pub struct Imported {
    /// What the import says of the page: where it went, what was guessed
    /// and what is left to fill in.
    pub report: String,
    /// The page (`…/index.md`).
    pub page: PathBuf,
    /// The original file as kept beside the page, or the copy in
    /// `static/files/` that the pages of a compilation share.
    pub original: PathBuf,
}

/// The folder under `static/` where a compilation's original is kept, once
/// for all the pages made from it.
pub const SHARED_ORIGINALS: &str = "files";

/// Options of one import run.
pub struct ImportOptions {
    pub kind: Option<Kind>,
    /// The language of catalogue messages in errors and the report.
    pub lang: Lang,
}

/// Lists the files that can be imported (.txt, .docx, .doc, .wps) among `inputs`, folders searched recursively, sorted.
pub fn collect(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = vec![];
    for input in inputs {
        if input.is_dir() {
            for e in walkdir::WalkDir::new(input).sort_by_file_name() {
                let e = e.map_err(|e| {
                    anyhow::anyhow!(Say::ImportFolderUnreadable {
                        folder: &shown(input),
                        why: &text::for_terminal(&e.to_string(), false)
                    }
                    .text())
                })?;
                let name = e.file_name().to_string_lossy();
                if e.file_type().is_file()
                    && supported(e.path())
                    && !name.starts_with("~$")
                    && !name.starts_with('.')
                {
                    out.push(e.path().to_path_buf());
                }
            }
        } else if !input.exists() {
            bail!(Say::NoSuchInput {
                path: &shown(input)
            }
            .text());
        } else if supported(input) {
            out.push(input.clone());
        } else {
            bail!(Say::NotImportable {
                path: &shown(input)
            }
            .text());
        }
    }
    Ok(out)
}

fn supported(p: &Path) -> bool {
    p.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .is_some_and(|e| matches!(e.as_str(), "txt" | "docx" | "doc" | "wps"))
}

/// The originals kept in the site (every file that can be imported beside
/// an `index.md` under `content/`, and every one in `static/` that an
/// `index.md` lists under `attachments`, as a compilation's pages do), each
/// with its page, by size: a file to import is compared byte for byte only
/// with those of its size.
#[derive(Debug, Default)]
pub struct Originals {
    /// (original, its page) by the original's size, in walk order.
    by_size: std::collections::HashMap<u64, Vec<(PathBuf, PathBuf)>>,
}

impl Originals {
    /// Every original under `root/content`, and in `root/static` where a
    /// page attaches it; links not followed, hidden folders (a bundle being
    /// made) left out.
    pub fn find(root: &Path) -> Originals {
        let mut o = Originals::default();
        let content = root.join(crate::load::content::CONTENT_DIR);
        let walk = walkdir::WalkDir::new(&content)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        for e in walk.flatten() {
            if !e.file_type().is_file() {
                continue;
            }
            let page = e.path().with_file_name("index.md");
            if supported(e.path()) && page.is_file() {
                o.add(e.path(), &page);
            } else if e.file_name() == "index.md" {
                for shared in static_attachments(root, e.path()) {
                    o.add(&shared, e.path());
                }
            }
        }
        o
    }

    /// Records `original` (a regular file, not a link) as kept for `page`.
    fn add(&mut self, original: &Path, page: &Path) {
        if let Some(m) = std::fs::symlink_metadata(original)
            .ok()
            .filter(|m| m.is_file())
        {
            let v = self.by_size.entry(m.len()).or_default();
            if !v.iter().any(|(o, p)| o == original && p == page) {
                v.push((original.to_path_buf(), page.to_path_buf()));
            }
        }
    }

    /// The page (`…/index.md`) whose kept original has the same bytes as
    /// `file`, the first found.
    pub fn page_of(&self, file: &Path) -> Option<PathBuf> {
        self.find_same(file).map(|(_, page)| page.clone())
    }

    /// The kept original with the same bytes as `file`, and its page.
    fn find_same(&self, file: &Path) -> Option<&(PathBuf, PathBuf)> {
        let size = std::fs::metadata(file).ok()?.len();
        let candidates = self.by_size.get(&size)?;
        let bytes = std::fs::read(file).ok()?;
        candidates
            .iter()
            .find(|(c, _)| std::fs::read(c).is_ok_and(|b| b == bytes))
    }
}

/// The `.txt` and `.docx` files of `static/` that the page `index` lists
/// under `attachments` (written `/files/NAME`), as they are on disk.
fn static_attachments(root: &Path, index: &Path) -> Vec<PathBuf> {
    let Ok(text) = std::fs::read_to_string(index) else {
        return vec![];
    };
    if !text.contains("attachments") {
        return vec![];
    }
    let Ok(split) = crate::load::frontmatter::split(&text, index) else {
        return vec![];
    };
    let Ok(serde_yaml::Value::Mapping(map)) = serde_yaml::from_str(split.yaml) else {
        return vec![];
    };
    let values: Vec<String> = match map.get("attachments") {
        Some(serde_yaml::Value::Sequence(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        Some(serde_yaml::Value::String(s)) => vec![s.clone()],
        _ => vec![],
    };
    values
        .iter()
        .filter_map(|v| v.trim().strip_prefix('/'))
        .filter_map(|rest| crate::load::content::normalize(Path::new(rest)))
        .map(|rel| root.join(crate::load::content::STATIC_DIR).join(rel))
        .filter(|p| supported(p))
        .collect()
}

/// The command: imports every file, prints what was guessed, returns the
/// exit status. A file whose bytes are those of an original already kept
/// in the site is skipped with a message naming its page, unless `force`.
pub fn run(
    root: &Path,
    inputs: &[PathBuf],
    kind: Option<Kind>,
    lang: Lang,
    force: bool,
) -> Result<i32> {
    let config = crate::load::config::load(root).map_err(|d| {
        anyhow::anyhow!(d
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n"))
    })?;
    let files = collect(inputs)?;
    if files.is_empty() {
        bail!(Say::NothingToImport {
            inputs: &inputs
                .iter()
                .map(|p| shown(p))
                .collect::<Vec<_>>()
                .join(", ")
        }
        .text());
    }
    let bar = progress_bar(files.len());
    let mut originals = if force {
        Originals::default()
    } else {
        Originals::find(root)
    };
    let run = Run {
        root,
        config: &config,
        opts: ImportOptions { kind, lang },
        force,
        bar: bar.as_ref(),
    };
    let (mut pages, mut failed, mut skipped) = (0, 0, 0);
    for f in &files {
        match run.one(f, &mut originals) {
            Outcome::Pages(n) => pages += n,
            Outcome::Skipped => skipped += 1,
            Outcome::Failed => failed += 1,
        }
    }
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let summary = Say::Imported {
        files: files.len() - failed - skipped,
        pages,
        skipped,
        failed,
    };
    println!("{}", summary.text().get(lang));
    Ok(if failed > 0 { 1 } else { 0 })
}

/// A progress bar on a terminal for ten files or more.
fn progress_bar(files: usize) -> Option<ProgressBar> {
    (std::io::stderr().is_terminal() && files >= 10).then(|| {
        let b = ProgressBar::new(files as u64);
        b.set_style(
            ProgressStyle::with_template(&format!(
                "{} [{{bar:30}}] {{pos}}/{{len}} {{msg}}",
                Say::Importing.text()
            ))
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b
    })
}

/// What became of one file of an import run.
enum Outcome {
    /// Imported into this many pages.
    Pages(usize),
    /// Already imported (same bytes as an original kept beside a page).
    Skipped,
    Failed,
}

/// What every file of one import run shares.
struct Run<'a> {
    root: &'a Path,
    config: &'a crate::load::config::Config,
    opts: ImportOptions,
    force: bool,
    bar: Option<&'a ProgressBar>,
}

impl Run<'_> {
    /// A line on the terminal (above the progress bar when there is one).
    fn say(&self, s: &str) {
        let s = text::for_terminal(s, true);
        match self.bar {
            Some(b) => b.println(s),
            None => println!("{s}"),
        }
    }

    /// Imports file `f` unless it was imported before, reporting it.
    fn one(&self, f: &Path, originals: &mut Originals) -> Outcome {
        if let Some(b) = self.bar {
            b.set_message(
                f.file_name()
                    .map(|n| text::for_terminal(&n.to_string_lossy(), false).into_owned())
                    .unwrap_or_default(),
            );
        }
        let outcome = self.import_new(f, originals);
        if let Some(b) = self.bar {
            b.inc(1);
        }
        outcome
    }

    fn import_new(&self, f: &Path, originals: &mut Originals) -> Outcome {
        let lang = self.opts.lang;
        if let Some(page) = (!self.force).then(|| originals.page_of(f)).flatten() {
            let page = page.strip_prefix(self.root).unwrap_or(&page);
            let notice = Notice::new(M::AlreadyImported {
                file: &shown(f),
                page: &shown(page),
            });
            self.say(&notice.in_lang(lang));
            return Outcome::Skipped;
        }
        match import_file(self.root, self.config, f, &self.opts) {
            Ok(done) => {
                for d in &done {
                    self.say(&d.report);
                    if !self.force {
                        originals.add(&d.original, &d.page);
                    }
                }
                Outcome::Pages(done.len())
            }
            Err(e) => {
                let msg = format!("{}: error: {}", shown(f), error_text(&e, lang));
                match self.bar {
                    Some(b) => b.suspend(|| eprintln!("{msg}")),
                    None => eprintln!("{msg}"),
                }
                Outcome::Failed
            }
        }
    }
}

/// A source document split into its articles (one for most files).
struct Article {
    lines: Vec<Line>,
    title_hint: Option<String>,
}

/// A source file as read, and what every page made from it shares.
struct Source<'a> {
    path: &'a Path,
    /// The original, attached to every page.
    bytes: Vec<u8>,
    /// Its name as attached, without control characters.
    original_name: String,
    /// Its name without extension: the title when none is found.
    stem: String,
    /// The images of a Word file, saved beside every page.
    images: Vec<(String, Vec<u8>)>,
    /// What reading it left out (a Word image over its limit).
    warnings: Vec<Notice>,
    /// How it was read, for the report (`UTF-8`, `Word .docx` …).
    encoding: &'static str,
}

/// Imports one file into the site at `root`; returns the pages written.
pub fn import_file(
    root: &Path,
    config: &crate::load::config::Config,
    source: &Path,
    opts: &ImportOptions,
) -> Result<Vec<Imported>> {
    let (file, lines) = read_source(source)?;
    let articles = split_articles(lines);
    let kept = if articles.len() > 1 {
        keep_shared_original(root, &file)?
    } else {
        Kept::Beside
    };
    let mut done = vec![];
    for (n, a) in articles.iter().enumerate() {
        let number = (articles.len() > 1).then_some(n + 1);
        done.push(import_article(
            root,
            config,
            (&file, &kept),
            a,
            number,
            opts,
        )?);
    }
    Ok(done)
}

/// Where a page's original is kept.
enum Kept {
    /// Beside the page, in its bundle.
    Beside,
    /// One copy shared by the pages of a compilation: on disk at `path`,
    /// attached as `reference` (`/files/NAME`).
    Shared { path: PathBuf, reference: String },
}

/// Keeps a compilation's original once, in `static/files/`: the file of
/// that name when it holds the same bytes, else a new file (`NAME`, else
/// `NAME-2` … when the name is taken by another file), made whole in a
/// hidden file and renamed into place without replacing anything.
fn keep_shared_original(root: &Path, file: &Source) -> Result<Kept> {
    let dir = root
        .join(crate::load::content::STATIC_DIR)
        .join(SHARED_ORIGINALS);
    check_inside(root, &dir)?;
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let kept = |path: PathBuf, name: &str| Kept::Shared {
        path,
        reference: format!("/{SHARED_ORIGINALS}/{name}"),
    };
    let mut hidden = HiddenFile { path: None };
    for n in 1..1000 {
        let name = numbered_name(&file.original_name, n);
        let path = dir.join(&name);
        if let Ok(m) = std::fs::symlink_metadata(&path) {
            // a regular file (never a link) with these bytes is the copy
            if m.is_file()
                && m.len() == file.bytes.len() as u64
                && std::fs::read(&path).is_ok_and(|b| b == file.bytes)
            {
                return Ok(kept(path, &name));
            }
            continue;
        }
        let from = hidden.made(&dir, &file.bytes)?;
        match rename_new(&from, &path) {
            Ok(()) => {
                hidden.path = None;
                return Ok(kept(path, &name));
            }
            // taken meanwhile: the next name
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e).with_context(|| format!("cannot create {}", path.display())),
        }
    }
    bail!(
        "no free name for {} in {}",
        file.original_name,
        dir.display()
    )
}

/// `NAME.ext` for `n` = 1, else `NAME-n.ext`.
fn numbered_name(name: &str, n: usize) -> String {
    if n == 1 {
        return name.to_string();
    }
    match name.rsplit_once('.').filter(|(stem, _)| !stem.is_empty()) {
        Some((stem, ext)) => format!("{stem}-{n}.{ext}"),
        None => format!("{name}-{n}"),
    }
}

/// A hidden file being filled beside where it will go; removed unless it
/// was moved into place.
struct HiddenFile {
    path: Option<PathBuf>,
}

impl HiddenFile {
    /// The hidden file in `dir` holding `bytes`, made on first call.
    fn made(&mut self, dir: &Path, bytes: &[u8]) -> Result<PathBuf> {
        if let Some(p) = &self.path {
            return Ok(p.clone());
        }
        use std::io::Write;
        for k in 0..1000 {
            let p = dir.join(format!(".zhanting-import-{}-{k}", std::process::id()));
            let mut f = match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&p)
            {
                Ok(f) => f,
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e).with_context(|| format!("cannot create {}", p.display())),
            };
            // ours from here on: removed on drop, whatever happens
            self.path = Some(p.clone());
            f.write_all(bytes)
                .with_context(|| format!("cannot write {}", p.display()))?;
            return Ok(p);
        }
        bail!("no free name for a temporary file in {}", dir.display())
    }
}

impl Drop for HiddenFile {
    fn drop(&mut self) {
        if let Some(p) = &self.path {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// What reading a file gave: its lines, images, warnings, and how it was
/// read.
type Read = (Vec<Line>, Vec<(String, Vec<u8>)>, Vec<Notice>, &'static str);

/// Reads `path` (a .docx; an old Word .doc or .wps, see [`read_old_word`];
/// else a text file in any of the encodings [`text::decode`] knows) into
/// its lines and what its pages share.
fn read_source<'a>(path: &'a Path) -> Result<(Source<'a>, Vec<Line>)> {
    let bytes = std::fs::read(path).with_context(|| Io::Read.at(path.display()))?;
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let (lines, images, warnings, encoding) = match ext.as_str() {
        "docx" => {
            let d = docx::read_bytes(&bytes)?;
            (d.lines, d.images, d.warnings, "Word .docx")
        }
        "doc" | "wps" => read_old_word(&bytes, ext == "wps", soffice::find())?,
        _ => {
            let (t, enc) = text::decode(&bytes);
            (text::lines(&t), vec![], vec![], enc)
        }
    };
    // the original is saved under its name without control characters
    let original_name = path
        .file_name()
        .map(|n| text::one_line(&n.to_string_lossy()).trim().to_string())
        .filter(|n| !n.is_empty() && !n.starts_with('.'))
        .unwrap_or_else(|| {
            format!(
                "original.{}",
                if supported(Path::new(&format!("x.{ext}"))) {
                    ext.as_str()
                } else {
                    "txt"
                }
            )
        });
    let stem = path
        .file_stem()
        .map(|n| text::one_line(&n.to_string_lossy()).trim().to_string())
        .unwrap_or_default();
    let file = Source {
        path,
        bytes,
        original_name,
        stem,
        images,
        warnings,
        encoding,
    };
    Ok((file, lines))
}

/// Reads an old Word file (`wps`: named .wps): a .docx under the old name
/// as a .docx; an OLE file through LibreOffice at `soffice` when there is
/// one, and with the built-in reader ([`doc::read_text`]) when there is none
/// or it fails (saying so in a warning); a file of any other kind through
/// LibreOffice only (it reads RTF and web pages saved as .doc), else it is
/// refused.
fn read_old_word(bytes: &[u8], wps: bool, soffice: Option<PathBuf>) -> Result<Read> {
    if bytes.starts_with(b"PK\x03\x04") {
        let d = docx::read_bytes(bytes)?;
        return Ok((d.lines, d.images, d.warnings, "Word .docx"));
    }
    let mut warnings = vec![];
    let ole = doc::is_ole(bytes);
    if let Some(exe) = soffice.filter(|_| ole || !wps) {
        match soffice::to_docx(&exe, bytes, soffice::timeout()) {
            Ok(converted) => {
                let d = docx::read_bytes(&converted)?;
                return Ok((d.lines, d.images, d.warnings, "LibreOffice → Word .docx"));
            }
            Err(n) => warnings.push(n),
        }
    }
    let t = match doc::read_text(bytes, wps) {
        Ok(t) => t,
        Err(e) => {
            // both failed: what LibreOffice said, then why the reader failed
            let mut notices = warnings;
            match e.downcast::<Notice>() {
                Ok(n) => notices.push(n),
                Err(e) => return Err(e),
            }
            return Err(Notices(notices).into());
        }
    };
    let how = if warnings.is_empty() {
        // no LibreOffice
        "Word 97–2003（内置读取，仅文字；安装 LibreOffice 后导入可保留粗体、标题和表格）"
    } else {
        warnings.push(Notice::new(M::DocTextOnly));
        "Word 97–2003（内置读取，仅文字）"
    };
    Ok((text::lines(&t), vec![], warnings, how))
}

/// One article per `第一篇 / 第二篇 …` marker of a compilation (the marker
/// line gives its title), else the whole document as one.
fn split_articles(lines: Vec<Line>) -> Vec<Article> {
    let plain: Vec<String> = lines.iter().map(|l| l.text.clone()).collect();
    let markers = guess::article_markers(&plain);
    if markers.is_empty() {
        return vec![Article {
            lines,
            title_hint: None,
        }];
    }
    let mut out = vec![];
    for (n, (start, title)) in markers.iter().enumerate() {
        let end = markers.get(n + 1).map_or(lines.len(), |m| m.0);
        out.push(Article {
            lines: lines[start + 1..end].to_vec(),
            title_hint: Some(title.clone()),
        });
    }
    out
}

/// Makes the page of one article: guesses its front matter, finds its
/// section, writes the bundle and the report. `number` counts the articles
/// of a compilation (for a title taken from the file name).
fn import_article(
    root: &Path,
    config: &crate::load::config::Config,
    (file, kept): (&Source, &Kept),
    a: &Article,
    number: Option<usize>,
    opts: &ImportOptions,
) -> Result<Imported> {
    let plain: Vec<String> = a.lines.iter().map(|l| l.text.clone()).collect();
    let g = guess::analyze(&plain, a.title_hint.as_deref());
    let title = g.title.clone().unwrap_or_else(|| match number {
        Some(n) => format!("{}（{n}）", file.stem),
        None => file.stem.clone(),
    });
    let (kind, why) = match opts.kind {
        Some(k) => (k, "--kind"),
        None => guess::kind(&title, &plain),
    };
    let section_dir = section_folder(root, config, kind)?;
    let slug = crate::urls::slug_from_file_name(&shorten(&title, 40));
    let body = article_body(a, &g, kind);
    let attachment = match kept {
        Kept::Beside => Attachment::Beside(&file.original_name),
        Kept::Shared { reference, .. } => Attachment::Shared(reference),
    };
    let (front, checks) = front_matter(&title, kind, &g, attachment, g.title.is_none());
    let page_text = format!("{front}\n{body}");
    let page = write_page(&section_dir, &slug, &page_text, file, kept)?;
    let original = match kept {
        Kept::Beside => page.with_file_name(&file.original_name),
        Kept::Shared { path, .. } => path.clone(),
    };
    let page_shown = shown(page.strip_prefix(root).unwrap_or(&page));
    let report = report(
        file,
        &page_shown,
        &title,
        (kind, why),
        &g,
        &checks,
        opts.lang,
    );
    Ok(Imported {
        report,
        page,
        original,
    })
}

/// The folder of the site's section of `kind`, refused when it leads
/// outside the site.
fn section_folder(
    root: &Path,
    config: &crate::load::config::Config,
    kind: Kind,
) -> Result<PathBuf> {
    let section = config
        .sections
        .iter()
        .find(|s| s.kind == kind)
        .with_context(|| Say::NoSectionOfKind { kind: kind.name() }.text())?
        .name
        .clone();
    let section_dir = root.join(crate::load::content::CONTENT_DIR).join(&section);
    check_inside(root, &section_dir)?;
    Ok(section_dir)
}

/// The Markdown body: everything after the header, except the header lines
/// consumed (a compilation article's own title stays, in bold; so does a
/// speech's `撰稿：…` line, which names no speaker), and no web-page debris.
fn article_body(a: &Article, g: &Guess, kind: Kind) -> String {
    let mut body_lines: Vec<Line> = vec![];
    if let Some(own) = &g.own_title {
        body_lines.push(Line {
            text: own.clone(),
            block: Some(format!("**{}**", text::escape_inline(own))),
        });
    }
    if let Some(credit) = g.credit.filter(|_| kind == Kind::Speech) {
        body_lines.extend(a.lines.get(credit).cloned());
    }
    body_lines.extend(
        a.lines[g.body_start.min(a.lines.len())..]
            .iter()
            .filter(|l| !guess::is_debris(&l.text))
            .cloned(),
    );
    text::to_markdown(&body_lines)
}

/// Writes the bundle `section_dir/SLUG` (or `SLUG-2` …): the page, the
/// original file (unless it is kept shared) and its images. Returns the
/// page's path.
fn write_page(
    section_dir: &Path,
    slug: &str,
    page_text: &str,
    file: &Source,
    kept: &Kept,
) -> Result<PathBuf> {
    std::fs::create_dir_all(section_dir).with_context(|| Io::Create.at(section_dir.display()))?;
    let mut files: Vec<(&str, &[u8])> = vec![("index.md", page_text.as_bytes())];
    if let Kept::Beside = kept {
        files.push((&file.original_name, &file.bytes));
    }
    files.extend(file.images.iter().map(|(n, d)| (n.as_str(), d.as_slice())));
    let dir = write_bundle(section_dir, slug, &files)?;
    Ok(dir.join("index.md"))
}

/// What the import prints for one page: where it went, how the file was
/// read, why this kind, the fields found, what to check, and warnings.
fn report(
    file: &Source,
    page_shown: &str,
    title: &str,
    (kind, why): (Kind, &str),
    g: &Guess,
    checks: &[String],
    lang: Lang,
) -> String {
    let mut report = format!(
        "{} → {page_shown}\n  读取: {}；类型: {}（{}）",
        shown(file.path),
        file.encoding,
        kind_cn(kind),
        if why.is_empty() {
            "未找到“讲话/案例/品牌”等字样，按案例处理".to_string()
        } else {
            format!("依据“{why}”")
        }
    );
    report.push_str(&format!("\n  标题: {title}"));
    let (person, post) = match kind {
        Kind::Speech => (("讲话人", &g.speaker), ("职务", &g.speaker_title)),
        _ => (("作者", &g.author), ("作者职务", &g.author_title)),
    };
    for (label, v) in [
        ("日期", date_shown(g)),
        (person.0, person.1.clone()),
        (post.0, post.1.clone()),
        ("会议", g.occasion.clone()),
        ("文号", g.doc_number.clone()),
        ("地区", g.region.clone()),
    ] {
        if let Some(v) = v {
            report.push_str(&format!("\n  {label}: {v}"));
        }
    }
    if !checks.is_empty() {
        report.push_str(&format!("\n  请核对: {}", checks.join("；")));
    }
    for w in &file.warnings {
        let label = match lang {
            Lang::Zh => "警告",
            Lang::En => "warning",
        };
        report.push_str(&format!(
            "\n  {label}: {}",
            w.in_lang(lang).replace('\n', "\n  ")
        ));
    }
    report
}

fn kind_cn(k: Kind) -> &'static str {
    match k {
        Kind::Speech => "讲话 speech",
        Kind::Case => "案例 case",
        Kind::Brand => "品牌 brand",
        Kind::Page => "页面 page",
    }
}

fn date_shown(g: &Guess) -> Option<String> {
    g.date.map(|(d, _)| match d {
        FoundDate::Full(d) => d.iso(),
        FoundDate::Month(y, m) => format!("{y}年{m}月（日未写）"),
    })
}

fn shorten(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

/// Refuses `dir` (a folder to write into, which may not exist yet) when it
/// would lead outside the site at `root`: its deepest existing ancestor,
/// every link in it resolved, must lie inside the site folder.
fn check_inside(root: &Path, dir: &Path) -> Result<()> {
    let site = std::fs::canonicalize(root).with_context(|| Io::ReadSite.at(shown(root)))?;
    let mut existing = dir;
    // a link counts as existing even when what it points to does not
    while existing.symlink_metadata().is_err() {
        match existing.parent() {
            Some(p) => existing = p,
            None => return Ok(()),
        }
    }
    let folder = shown(dir.strip_prefix(root).unwrap_or(dir));
    match std::fs::canonicalize(existing) {
        Ok(real) if real.starts_with(&site) => Ok(()),
        Ok(real) => Err(Notice::new(M::ImportOutsideSite {
            folder: &folder,
            target: &shown(&real),
        })
        .into()),
        // a link to nowhere: where it points is outside the site as far as we know
        Err(_) => {
            let target = std::fs::read_link(existing)
                .map(|t| shown(&t))
                .unwrap_or_else(|_| "?".into());
            Err(Notice::new(M::ImportOutsideSite {
                folder: &folder,
                target: &target,
            })
            .into())
        }
    }
}

/// Whether a bundle named `name` may be made in `base`: no file, folder or
/// link of that name, and no `NAME.md` page.
fn name_free(base: &Path, name: &str) -> bool {
    base.join(name).symlink_metadata().is_err()
        && base.join(format!("{name}.md")).symlink_metadata().is_err()
}

/// A hidden folder being filled beside where it will go; removed, with
/// whatever it holds, unless it was moved into place.
struct TempBundle {
    path: PathBuf,
    placed: bool,
}

impl TempBundle {
    fn new_in(base: &Path) -> Result<TempBundle> {
        let mut n = 0u32;
        loop {
            let path = base.join(format!(".zhanting-import-{}-{n}", std::process::id()));
            match std::fs::create_dir(&path) {
                Ok(()) => {
                    return Ok(TempBundle {
                        path,
                        placed: false,
                    })
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 1000 => n += 1,
                Err(e) => return Err(e).with_context(|| Io::Create.at(path.display())),
            }
        }
    }
}

impl Drop for TempBundle {
    fn drop(&mut self) {
        if !self.placed {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// Makes the bundle `base/SLUG` holding `files` (name, bytes): written into
/// a hidden folder in `base`, then renamed to `SLUG`, or `SLUG-2` … when
/// that name is taken (also when it is taken while the files are written).
/// Nothing is overwritten, and on any error nothing is left behind.
fn write_bundle(base: &Path, slug: &str, files: &[(&str, &[u8])]) -> Result<PathBuf> {
    let mut tmp = TempBundle::new_in(base)?;
    for (name, data) in files {
        write_new(&tmp.path.join(name), data)?;
    }
    for n in 1..1000 {
        let name = if n == 1 {
            slug.to_string()
        } else {
            format!("{slug}-{n}")
        };
        if !name_free(base, &name) {
            continue;
        }
        let dest = base.join(&name);
        match rename_new(&tmp.path, &dest) {
            Ok(()) => {
                tmp.placed = true;
                return Ok(dest);
            }
            // taken meanwhile: the next name
            Err(e)
                if e.kind() == std::io::ErrorKind::AlreadyExists
                    || e.kind() == std::io::ErrorKind::DirectoryNotEmpty =>
            {
                continue
            }
            Err(e) => return Err(e).with_context(|| Io::MovePageTo.at(dest.display())),
        }
    }
    bail!(Say::NoFreeName {
        name: slug,
        folder: &base.display().to_string()
    }
    .text())
}

/// Renames the folder `from` to `to`, failing with `AlreadyExists` when
/// `to` exists (also an empty folder, which a plain rename would replace).
#[cfg(target_os = "linux")]
fn rename_new(from: &Path, to: &Path) -> std::io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    match renameat_with(CWD, from, CWD, to, RenameFlags::NOREPLACE) {
        Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => {
            // a file system without renameat2's flags
            rename_checked(from, to)
        }
        r => r.map_err(std::io::Error::from),
    }
}

#[cfg(not(target_os = "linux"))]
fn rename_new(from: &Path, to: &Path) -> std::io::Result<()> {
    rename_checked(from, to)
}

/// Renames unless `to` exists (a check just before the rename).
fn rename_checked(from: &Path, to: &Path) -> std::io::Result<()> {
    if to.symlink_metadata().is_ok() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            Say::NewFileExists {
                path: &to.display().to_string(),
            }
            .text()
            .to_string(),
        ));
    }
    std::fs::rename(from, to)
}

/// Writes a file that must not exist yet.
fn write_new(path: &Path, data: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| Io::CreateNew.at(path.display()))?;
    f.write_all(data)
        .with_context(|| Io::Write.at(path.display()))
}

/// A front-matter value in double quotes, on one line, without control
/// characters.
fn yaml_quote(s: &str) -> String {
    format!(
        "\"{}\"",
        text::one_line(s).replace('\\', "\\\\").replace('"', "\\\"")
    )
}

/// A field guessed from the text (marked for checking), or left empty with
/// a comment saying what to write.
fn guessed(
    y: &mut String,
    checks: &mut Vec<String>,
    key: &str,
    label: &str,
    value: Option<&str>,
    missing: &str,
) {
    match value {
        Some(v) => {
            y.push_str(&format!(
                "{key}: {}  # 根据正文推测，请核对\n",
                yaml_quote(v)
            ));
            checks.push(format!("{label}（推测为 {v}）"));
        }
        None => y.push_str(&format!("{key}:  # {missing}\n")),
    }
}

/// The comment on an empty `sector`: the values it may take.
const SECTOR_MISSING: &str = "领域：农村、社区、机关、国有企业、非公企业、社会组织、学校、医院";

/// How a page lists its original under `attachments`.
#[derive(Clone, Copy)]
enum Attachment<'a> {
    /// The file name, beside the page.
    Beside(&'a str),
    /// `/files/NAME`, the copy the pages of a compilation share.
    Shared(&'a str),
}

/// The front matter text and the list of things the user should check.
fn front_matter(
    title: &str,
    kind: Kind,
    g: &Guess,
    original: Attachment,
    title_from_file: bool,
) -> (String, Vec<String>) {
    let mut checks = vec![];
    let mut y = String::from("---\n");
    title_field(&mut y, &mut checks, title, title_from_file);
    date_field(&mut y, &mut checks, g.date);
    match &g.region {
        Some(r) => y.push_str(&format!(
            "region: {}  # 根据正文推测，请核对\n",
            yaml_quote(r)
        )),
        None => y.push_str("region:  # 未能识别地区，可填写，如 陕西省渭南市白水县\n"),
    }
    y.push_str("tags: []\n");
    match kind {
        Kind::Speech => speech_fields(&mut y, &mut checks, g),
        Kind::Case => {
            let org = g.organization.as_deref();
            guessed(
                &mut y,
                &mut checks,
                "organization",
                "单位",
                org,
                "单位，请填写",
            );
            guessed(
                &mut y,
                &mut checks,
                "sector",
                "领域",
                g.sector,
                SECTOR_MISSING,
            );
            author_fields(&mut y, &mut checks, g);
        }
        Kind::Brand => {
            brand_fields(&mut y, &mut checks, g);
            author_fields(&mut y, &mut checks, g);
        }
        Kind::Page => {}
    }
    let (original, note) = match original {
        Attachment::Beside(name) => (name, "原始文件"),
        Attachment::Shared(reference) => (reference, "原始文件，汇编各篇共用这一份"),
    };
    y.push_str(&format!(
        "attachments:\n  - {}  # {note}\n---\n",
        yaml_quote(original)
    ));
    if g.region.is_none() {
        checks.push("地区".into());
    }
    (y, checks)
}

/// `title:`, marked when it is only the file name.
fn title_field(y: &mut String, checks: &mut Vec<String>, title: &str, from_file: bool) {
    y.push_str(&format!("title: {}", yaml_quote(title)));
    if from_file {
        y.push_str("  # 未能识别标题，暂用文件名，请修改");
        checks.push("标题（暂用文件名）".to_string());
    }
    y.push('\n');
}

/// `date:` as the text gives it: the day, or the month alone when the day
/// is left blank (`（2010年2月 日）` → `2010年2月`). A text without a date
/// gives an empty `date` with a comment and `draft: true`, so the page is
/// not published (nor put on top of every list) before someone dates it.
fn date_field(y: &mut String, checks: &mut Vec<String>, date: Option<(FoundDate, DateSource)>) {
    match date {
        Some((FoundDate::Full(d), src)) => {
            y.push_str(&format!("date: {}", d.iso()));
            if src == DateSource::Published {
                y.push_str("  # 取自网页“发布时间”，请核对");
                checks.push("日期（取自发布时间）".into());
            }
            y.push('\n');
        }
        Some((FoundDate::Month(yr, m), _)) => {
            y.push_str(&format!(
                "date: {yr}年{m}月  # 原文只写到月，日未写；知道日期可补上，如 {yr}年{m}月25日\n"
            ));
            checks.push(format!("日期（原文只写到 {yr}年{m}月）"));
        }
        None => {
            y.push_str(
                "date:  # 未能识别日期，请填写，如 2013-09-25，填好后删去下面的 draft: true\n",
            );
            y.push_str("draft: true  # 日期未填，暂为草稿，不发布\n");
            checks.push("日期（未能识别，暂为草稿）".into());
        }
    }
}

/// A speech's speaker, 职务, occasion and 文号, each empty with a comment
/// when not found; a missing speaker is to be checked.
fn speech_fields(y: &mut String, checks: &mut Vec<String>, g: &Guess) {
    let field = |y: &mut String, key: &str, v: &Option<String>, missing: &str| match v {
        Some(v) => y.push_str(&format!("{key}: {}\n", yaml_quote(v))),
        None => y.push_str(&format!("{key}:  # {missing}\n")),
    };
    field(y, "speaker", &g.speaker, "未能识别讲话人，请填写姓名");
    field(
        y,
        "speaker_title",
        &g.speaker_title,
        "未能识别职务，请填写，如 市委常委、组织部长",
    );
    field(y, "occasion", &g.occasion, "未能识别会议名称，请填写");
    field(y, "doc_number", &g.doc_number, "文号，没有可不填");
    if g.speaker.is_none() {
        checks.push("讲话人".into());
    }
}

/// A case's or brand's byline (署名 and 职务 under the title), as guessed
/// from the lines under the title (marked) or empty.
fn author_fields(y: &mut String, checks: &mut Vec<String>, g: &Guess) {
    let author = g.author.as_deref();
    guessed(
        y,
        checks,
        "author",
        "作者",
        author,
        "作者署名（显示在标题下），没有可不填",
    );
    let post = g.author_title.as_deref();
    let missing = "作者职务，如 县委常委、组织部长，没有可不填";
    guessed(y, checks, "author_title", "作者职务", post, missing);
}

/// A brand's 支部, 品牌名称 and 领域, as guessed (marked) or empty.
fn brand_fields(y: &mut String, checks: &mut Vec<String>, g: &Guess) {
    let branch = g.branch.as_deref();
    guessed(y, checks, "branch", "支部", branch, "支部名称，请填写");
    let brand = g.brand.as_deref();
    guessed(y, checks, "brand", "品牌名称", brand, "品牌名称，请填写");
    guessed(y, checks, "sector", "领域", g.sector, SECTOR_MISSING);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_shared_original_taken_by_another_file_gets_a_number() {
        assert_eq!(numbered_name("汇编.txt", 1), "汇编.txt");
        assert_eq!(numbered_name("汇编.txt", 2), "汇编-2.txt");
        assert_eq!(numbered_name("汇编.2020.docx", 3), "汇编.2020-3.docx");
        assert_eq!(numbered_name("汇编", 2), "汇编-2");
        assert_eq!(numbered_name(".txt", 2), ".txt-2");
    }

    #[test]
    fn a_failed_bundle_leaves_nothing_behind() {
        let tmp = tempfile::tempdir().unwrap();
        let base = tmp.path();
        // the second file cannot be made (same name): the bundle is abandoned whole
        let files: &[(&str, &[u8])] = &[("index.md", b"a"), ("index.md", b"b")];
        assert!(write_bundle(base, "页面", files).is_err());
        assert!(names(base).is_empty(), "{:?}", names(base));
    }

    #[test]
    fn a_bundle_takes_the_next_free_name_and_overwrites_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let base = tmp.path();
        std::fs::create_dir(base.join("页面")).unwrap();
        std::fs::write(base.join("页面-2.md"), "x").unwrap();
        std::os::unix::fs::symlink(base.join("nowhere"), base.join("页面-3")).unwrap();
        let files: &[(&str, &[u8])] = &[("index.md", b"a"), ("a.png", b"png")];
        let dir = write_bundle(base, "页面", files).unwrap();
        assert_eq!(dir, base.join("页面-4"));
        assert_eq!(names(&dir), ["a.png", "index.md"]);
        assert!(
            names(&base.join("页面")).is_empty(),
            "the empty folder is left as it was"
        );
        assert_eq!(names(base), ["页面", "页面-2.md", "页面-3", "页面-4"]);
        // a name taken while the files were written: the rename refuses it
        let from = base.join("from");
        std::fs::create_dir(&from).unwrap();
        let e = rename_new(&from, &base.join("页面")).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::AlreadyExists);
    }

    #[test]
    fn folders_leading_outside_the_site_are_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        let outside = tmp.path().join("outside");
        std::fs::create_dir_all(root.join("content/real")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        let content = root.join("content");
        std::os::unix::fs::symlink(&outside, content.join("cases")).unwrap();
        std::os::unix::fs::symlink(content.join("real"), content.join("brands")).unwrap();
        std::os::unix::fs::symlink(tmp.path().join("gone"), content.join("dangling")).unwrap();
        assert!(
            check_inside(&root, &content.join("speeches")).is_ok(),
            "not made yet"
        );
        assert!(
            check_inside(&root, &content.join("brands")).is_ok(),
            "a link inside the site"
        );
        for bad in ["cases", "cases/new/deeper", "dangling"] {
            let e = check_inside(&root, &content.join(bad)).unwrap_err();
            let n = e.downcast_ref::<Notice>().expect("a catalogue message");
            assert!(
                n.message
                    .zh
                    .starts_with(&format!("content/{bad} 实际指向网站文件夹以外的 ")),
                "{}",
                n.message.zh
            );
        }
    }
}
