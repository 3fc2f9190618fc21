//! `zhanting import FILE...`: Word (.docx) and text (.txt) documents in,
//! page bundles out.
//!
//! Each document becomes `content/SECTION/SLUG/index.md` with the original
//! file beside it (listed under `attachments`) and any Word images beside
//! it too. A compilation with `第一篇 / 第二篇 …` markers becomes one page per
//! article. Existing files are never overwritten: a taken name gets `-2`,
//! `-3` ….
//!
//! Front matter is guessed ([`guess`]); what could not be guessed is left
//! empty with a YAML comment saying what to fill in. The date is required
//! for the site to build, so when the text gives none (or only year and
//! month) a best-effort date is written — the first of the month, or the
//! file's modification date — with a comment, and the printed report lists
//! it under "请核对". The written file always passes `zhanting check`.

pub mod docx;
pub mod guess;
pub mod text;

use crate::config::Kind;
use crate::date::Date;
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

/// One page written by the import.
#[derive(Debug, Clone)]
pub struct Imported {
    pub source: PathBuf,
    pub page: PathBuf,
    pub kind: Kind,
    pub guess: Guess,
    pub report: String,
}

/// Options of one import run.
pub struct ImportOptions {
    pub kind: Option<Kind>,
    /// Fallback date when the text gives none (the file's modification date).
    pub today: Option<Date>,
}

/// Lists the .txt and .docx files among `inputs`, folders searched recursively, sorted.
pub fn collect(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = vec![];
    for input in inputs {
        if input.is_dir() {
            for e in walkdir::WalkDir::new(input).sort_by_file_name() {
                let e = e.with_context(|| format!("cannot read the folder {}", input.display()))?;
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
            bail!("{}: no such file or folder", input.display());
        } else if supported(input) {
            out.push(input.clone());
        } else {
            bail!("{}: only .txt and .docx files can be imported (an old .doc file: open it in Word and save it as .docx)", input.display());
        }
    }
    Ok(out)
}

fn supported(p: &Path) -> bool {
    p.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .is_some_and(|e| e == "txt" || e == "docx")
}

/// The command: imports every file, prints what was guessed, returns the exit status.
pub fn run(root: &Path, inputs: &[PathBuf], kind: Option<Kind>) -> Result<i32> {
    let config = crate::config::load(root).map_err(|d| {
        anyhow::anyhow!(d
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n"))
    })?;
    let files = collect(inputs)?;
    if files.is_empty() {
        bail!(
            "no .txt or .docx files found in {}",
            inputs
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let bar = (std::io::stderr().is_terminal() && files.len() >= 10).then(|| {
        let b = ProgressBar::new(files.len() as u64);
        b.set_style(
            ProgressStyle::with_template("导入 [{bar:30}] {pos}/{len} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b
    });
    let say = |s: &str| match &bar {
        Some(b) => b.println(s),
        None => println!("{s}"),
    };
    let (mut pages, mut failed) = (0, 0);
    for f in &files {
        if let Some(b) = &bar {
            b.set_message(
                f.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            );
        }
        match import_file(root, &config, f, &ImportOptions { kind, today: None }) {
            Ok(done) => {
                for d in &done {
                    say(&d.report);
                }
                pages += done.len();
            }
            Err(e) => {
                failed += 1;
                let msg = format!("{}: error: {e:#}", f.display());
                match &bar {
                    Some(b) => b.suspend(|| eprintln!("{msg}")),
                    None => eprintln!("{msg}"),
                }
            }
        }
        if let Some(b) = &bar {
            b.inc(1);
        }
    }
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    println!("imported {} file(s) into {pages} page(s){}; check the fields marked 请核对, then run `zhanting check`", files.len() - failed, if failed > 0 { format!(", {failed} file(s) failed") } else { String::new() });
    Ok(if failed > 0 { 1 } else { 0 })
}

/// A source document split into its articles (one for most files).
struct Article {
    lines: Vec<Line>,
    title_hint: Option<String>,
}

/// Imports one file into the site at `root`; returns the pages written.
pub fn import_file(
    root: &Path,
    config: &crate::config::Config,
    source: &Path,
    opts: &ImportOptions,
) -> Result<Vec<Imported>> {
    let bytes =
        std::fs::read(source).with_context(|| format!("cannot read {}", source.display()))?;
    let is_docx = source
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("docx"));
    let (lines, images, encoding) = if is_docx {
        let d = docx::read(&bytes)?;
        (d.lines, d.images, "Word .docx")
    } else {
        let (t, enc) = text::decode(&bytes);
        (text::lines(&t), vec![], enc)
    };
    let fallback_date = opts.today.or_else(|| modified_date(source));
    let plain: Vec<String> = lines.iter().map(|l| l.text.clone()).collect();
    let markers = guess::article_markers(&plain);
    let articles: Vec<Article> = if markers.is_empty() {
        vec![Article {
            lines,
            title_hint: None,
        }]
    } else {
        let mut out = vec![];
        for (n, (start, title)) in markers.iter().enumerate() {
            let end = markers.get(n + 1).map_or(lines.len(), |m| m.0);
            out.push(Article {
                lines: lines[start + 1..end].to_vec(),
                title_hint: Some(title.clone()),
            });
        }
        out
    };
    let original_name = source
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "original".into());
    let stem = source
        .file_stem()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut done = vec![];
    for (n, a) in articles.iter().enumerate() {
        let plain: Vec<String> = a.lines.iter().map(|l| l.text.clone()).collect();
        let g = guess::analyze(&plain, a.title_hint.as_deref());
        let title = g.title.clone().unwrap_or_else(|| {
            if articles.len() > 1 {
                format!("{stem}（{}）", n + 1)
            } else {
                stem.clone()
            }
        });
        let (kind, why) = match opts.kind {
            Some(k) => (k, "--kind"),
            None => guess::kind(&title, &plain),
        };
        let section = config
            .sections
            .iter()
            .find(|s| s.kind == kind)
            .with_context(|| format!("site.yaml has no section of kind {}", kind.name()))?
            .name
            .clone();
        let dir = free_bundle(
            root,
            &section,
            &crate::urls::slug_from_file_name(&shorten(&title, 40)),
        )?;

        // the body: everything after the header, except the header lines consumed
        let mut body_lines: Vec<Line> = vec![];
        if let Some(own) = &g.own_title {
            body_lines.push(Line {
                text: own.clone(),
                block: Some(format!("**{}**", text::escape_inline(own))),
            });
        }
        body_lines.extend(
            a.lines[g.body_start.min(a.lines.len())..]
                .iter()
                .filter(|l| !guess::is_debris(&l.text))
                .cloned(),
        );
        let body = text::to_markdown(&body_lines);

        let (front, checks) = front_matter(
            &title,
            kind,
            &g,
            fallback_date,
            &original_name,
            g.title.is_none(),
        );
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        let page = dir.join("index.md");
        write_new(&page, format!("{front}\n{body}").as_bytes())?;
        write_new(&dir.join(&original_name), &bytes)?;
        for (name, data) in &images {
            write_new(&dir.join(name), data)?;
        }
        let shown = page
            .strip_prefix(root)
            .unwrap_or(&page)
            .display()
            .to_string();
        let mut report = format!(
            "{} → {shown}\n  读取: {encoding}；类型: {}（{}）",
            source.display(),
            kind_cn(kind),
            if why.is_empty() {
                "未找到“讲话/案例/品牌”等字样，按案例处理".to_string()
            } else {
                format!("依据“{why}”")
            }
        );
        report.push_str(&format!("\n  标题: {title}"));
        for (label, v) in [
            ("日期", date_shown(&g)),
            ("讲话人", g.speaker.clone()),
            ("职务", g.speaker_title.clone()),
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
        done.push(Imported {
            source: source.to_path_buf(),
            page,
            kind,
            guess: g,
            report,
        });
    }
    Ok(done)
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

/// `content/SECTION/SLUG`, or `SLUG-2` … when that folder or `SLUG.md` exists.
fn free_bundle(root: &Path, section: &str, slug: &str) -> Result<PathBuf> {
    let base = root.join(crate::content::CONTENT_DIR).join(section);
    for n in 1..1000 {
        let name = if n == 1 {
            slug.to_string()
        } else {
            format!("{slug}-{n}")
        };
        let dir = base.join(&name);
        if !dir.exists() && !base.join(format!("{name}.md")).exists() {
            return Ok(dir);
        }
    }
    bail!("no free name for {slug} in {}", base.display())
}

/// Writes a file that must not exist yet.
fn write_new(path: &Path, data: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| {
            format!(
                "cannot create {} (a file of that name may already exist; it is left untouched)",
                path.display()
            )
        })?;
    f.write_all(data)
        .with_context(|| format!("cannot write {}", path.display()))
}

fn modified_date(p: &Path) -> Option<Date> {
    let t = std::fs::metadata(p).ok()?.modified().ok()?;
    let secs = t.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs() + 8 * 3600;
    let days = (secs / 86400) as i64;
    // days since 1970-01-01 → civil date
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    Date::new(y as u32, m, d)
}

fn yaml_quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
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

/// The front matter text and the list of things the user should check.
fn front_matter(
    title: &str,
    kind: Kind,
    g: &Guess,
    fallback: Option<Date>,
    original: &str,
    title_from_file: bool,
) -> (String, Vec<String>) {
    let mut checks = vec![];
    let mut y = String::from("---\n");
    y.push_str(&format!("title: {}", yaml_quote(title)));
    if title_from_file {
        y.push_str("  # 未能识别标题，暂用文件名，请修改");
        checks.push("标题（暂用文件名）".to_string());
    }
    y.push('\n');
    match g.date {
        Some((FoundDate::Full(d), src)) => {
            y.push_str(&format!("date: {}", d.iso()));
            if src == DateSource::Published {
                y.push_str("  # 取自网页“发布时间”，请核对");
                checks.push("日期（取自发布时间）".into());
            }
            y.push('\n');
        }
        Some((FoundDate::Month(yr, m), _)) => {
            let d = Date::new(u32::from(yr), u32::from(m), 1)
                .map(|d| d.iso())
                .unwrap_or_default();
            y.push_str(&format!(
                "date: {d}  # 原文只写到月（{yr}年{m}月），暂填当月1日，请改为实际日期\n"
            ));
            checks.push(format!("日期（原文只写到 {yr}年{m}月，暂填 {d}）"));
        }
        None => {
            let d = fallback
                .unwrap_or(Date {
                    year: 2000,
                    month: 1,
                    day: 1,
                })
                .iso();
            y.push_str(&format!(
                "date: {d}  # 未能识别日期，暂用文件修改日期，请改为实际日期，如 2013-09-25\n"
            ));
            checks.push(format!("日期（未能识别，暂填 {d}）"));
        }
    }
    match &g.region {
        Some(r) => y.push_str(&format!(
            "region: {}  # 根据正文推测，请核对\n",
            yaml_quote(r)
        )),
        None => y.push_str("region:  # 未能识别地区，可填写，如 陕西省渭南市白水县\n"),
    }
    y.push_str("tags: []\n");
    let field = |y: &mut String, key: &str, v: &Option<String>, missing: &str| match v {
        Some(v) => y.push_str(&format!("{key}: {}\n", yaml_quote(v))),
        None => y.push_str(&format!("{key}:  # {missing}\n")),
    };
    match kind {
        Kind::Speech => {
            field(&mut y, "speaker", &g.speaker, "未能识别讲话人，请填写姓名");
            field(
                &mut y,
                "speaker_title",
                &g.speaker_title,
                "未能识别职务，请填写，如 市委常委、组织部长",
            );
            field(&mut y, "occasion", &g.occasion, "未能识别会议名称，请填写");
            field(&mut y, "doc_number", &g.doc_number, "文号，没有可不填");
            if g.speaker.is_none() {
                checks.push("讲话人".into());
            }
        }
        Kind::Case => {
            guessed(
                &mut y,
                &mut checks,
                "organization",
                "单位",
                g.organization.as_deref(),
                "单位，请填写",
            );
            guessed(
                &mut y,
                &mut checks,
                "sector",
                "领域",
                g.sector,
                "领域：农村、社区、机关、国有企业、非公企业、社会组织、学校、医院",
            );
        }
        Kind::Brand => {
            guessed(
                &mut y,
                &mut checks,
                "branch",
                "支部",
                g.branch.as_deref(),
                "支部名称，请填写",
            );
            guessed(
                &mut y,
                &mut checks,
                "brand",
                "品牌名称",
                g.brand.as_deref(),
                "品牌名称，请填写",
            );
            guessed(
                &mut y,
                &mut checks,
                "sector",
                "领域",
                g.sector,
                "领域：农村、社区、机关、国有企业、非公企业、社会组织、学校、医院",
            );
        }
        Kind::Page => {}
    }
    y.push_str(&format!(
        "attachments:\n  - {}  # 原始文件\n---\n",
        yaml_quote(original)
    ));
    if g.region.is_none() {
        checks.push("地区".into());
    }
    (y, checks)
}
