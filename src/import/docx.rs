//! Word (.docx) in: reads `word/document.xml` with quick-xml out of the zip
//! and keeps what matters for a showcase page — headings (by style),
//! bold, list items, tables (as Markdown tables) and images (extracted as
//! files for the page bundle).
//!
//! A .docx is a zip, and a zip can claim anything: every part is read
//! through a [`Read::take`] of at most its [`Limits`] (never from the size
//! the zip declares), so a small file that inflates to gigabytes costs at
//! most the limit in memory. An XML part over its limit refuses the file;
//! an image over its limit is left out with a warning and the text is still
//! imported. An image shown several times is read and saved once.

use super::text::{escape_inline, one_line};
use super::{Line, Notice};
use crate::msg::Say;
use crate::msg::M;
use anyhow::{Context, Result};
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::Reader;
use std::collections::{HashMap, HashSet};
use std::io::Read;

/// A Word document as lines plus the images it holds.
#[derive(Debug)]
pub struct Docx {
    pub lines: Vec<Line>,
    /// (file name, bytes) of each image, in order of first appearance; each
    /// once, however often it is shown. Names are distinct (also when
    /// lower-cased) and end in an image extension.
    pub images: Vec<(String, Vec<u8>)>,
    /// What was left out (an image over its limit).
    pub warnings: Vec<Notice>,
}

const MIB: u64 = 1 << 20;

/// How much a Word file may inflate to, in bytes.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// `word/document.xml`.
    pub document: u64,
    /// Each other XML part read (styles, numbering, relationships).
    pub part: u64,
    /// Each image.
    pub image: u64,
    /// Everything read from one file.
    pub total: u64,
}

impl Limits {
    pub const DEFAULT: Limits = Limits {
        document: 64 * MIB,
        part: 16 * MIB,
        image: 32 * MIB,
        total: 256 * MIB,
    };
}

/// A zip part, or why it was not read.
enum Part {
    Missing,
    Data(Vec<u8>),
    /// Over `limit` bytes: its own limit, or what was left of the total.
    TooLarge {
        limit: u64,
        total: bool,
    },
}

/// The zip with what is left of the file's total.
struct Package<'a> {
    zip: zip::ZipArchive<std::io::Cursor<&'a [u8]>>,
    left: u64,
    limits: Limits,
}

impl<'a> Package<'a> {
    /// Opens the zip, with the whole of `limits.total` left to read.
    fn open(bytes: &'a [u8], limits: Limits) -> Result<Package<'a>> {
        let zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
            .with_context(|| Say::NotDocx.text())?;
        Ok(Package {
            zip,
            left: limits.total,
            limits,
        })
    }

    /// Reads at most `limit` bytes (and what is left of the total) of `name`.
    fn read(&mut self, name: &str, limit: u64) -> Result<Part> {
        let mut f = match self.zip.by_name(name) {
            Ok(f) => f,
            Err(zip::result::ZipError::FileNotFound) => return Ok(Part::Missing),
            Err(e) => return Err(e).with_context(|| Say::DocxPartUnreadable { part: name }.text()),
        };
        let allowed = limit.min(self.left);
        // The declared size only sizes the buffer, and never past the limit:
        // read_to_end doubling a large buffer would hold twice the part.
        let hint = f.size().min(allowed).saturating_add(1);
        let mut buf = Vec::with_capacity(usize::try_from(hint).unwrap_or(0));
        (&mut f)
            .take(allowed.saturating_add(1))
            .read_to_end(&mut buf)
            .with_context(|| Say::DocxPartUnreadable { part: name }.text())?;
        if buf.capacity() - buf.len() > 1 << 16 {
            // the declared size was larger than the part
            buf.shrink_to_fit();
        }
        let n = buf.len() as u64;
        if n > allowed {
            let total = allowed < limit;
            return Ok(Part::TooLarge {
                limit: if total { self.limits.total } else { limit },
                total,
            });
        }
        self.left -= n;
        Ok(Part::Data(buf))
    }

    /// An XML part: missing, its bytes, or an error when it is over its limit.
    fn xml(&mut self, name: &str, limit: u64) -> Result<Option<Vec<u8>>> {
        match self.read(name, limit)? {
            Part::Missing => Ok(None),
            Part::Data(d) => Ok(Some(d)),
            Part::TooLarge { limit, total } => {
                let limit_mib = limit / MIB;
                Err(Notice::new(if total {
                    M::DocxTooLargeInTotal {
                        entry: name,
                        limit_mib,
                    }
                } else {
                    M::DocxPartTooLarge {
                        entry: name,
                        limit_mib,
                    }
                })
                .into())
            }
        }
    }
}

fn attr(e: &BytesStart, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .map(|a| a.value.to_string())
}

/// styleId → heading level (0 for Title), from word/styles.xml.
fn heading_styles(xml: &str) -> HashMap<String, u8> {
    let mut out = HashMap::new();
    let mut reader = Reader::from_str(xml);
    let mut current: Option<String> = None;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match e.name().as_ref() {
                "w:style" => current = attr(&e, "w:styleId"),
                "w:name" => {
                    if let (Some(id), Some(name)) = (&current, attr(&e, "w:val")) {
                        if let Some(level) = level_of(&name) {
                            out.insert(id.clone(), level);
                        }
                    }
                }
                _ => {}
            },
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    out
}

fn level_of(style: &str) -> Option<u8> {
    let s = style.to_ascii_lowercase().replace(' ', "");
    if s == "title" || s == "标题" {
        return Some(0);
    }
    let n = s
        .strip_prefix("heading")
        .or_else(|| s.strip_prefix("标题"))?;
    n.parse::<u8>().ok().filter(|n| (1..=6).contains(n))
}

#[derive(Default)]
struct Para {
    runs: Vec<(String, bool)>,
    run_text: String,
    run_bold: bool,
    style: Option<String>,
    list_level: Option<usize>,
    /// `w:numId` of a numbered or bulleted paragraph (`0` = none).
    num_id: Option<String>,
    images: Vec<String>,
    /// Set right (`w:jc` `right`/`end`): a signature or 落款.
    right_aligned: bool,
}

impl Para {
    fn end_run(&mut self) {
        if !self.run_text.is_empty() {
            let t = std::mem::take(&mut self.run_text);
            match self.runs.last_mut() {
                Some((prev, b)) if *b == self.run_bold => prev.push_str(&t),
                _ => self.runs.push((t, self.run_bold)),
            }
        }
        self.run_bold = false;
    }
    fn plain(&self) -> String {
        self.runs.iter().map(|(t, _)| t.as_str()).collect()
    }
    fn markdown(&self) -> String {
        let mut out = String::new();
        for (t, bold) in &self.runs {
            let trimmed = t.trim();
            if *bold && !trimmed.is_empty() {
                let lead = &t[..t.len() - t.trim_start().len()];
                let trail = &t[t.trim_end().len()..];
                out.push_str(&format!("{lead}**{}**{trail}", escape_inline(trimmed)));
            } else {
                out.push_str(&escape_inline(t));
            }
        }
        for img in &self.images {
            out.push_str(&format!("![]({img})"));
        }
        out.trim().to_string()
    }
}

/// Reads a .docx file within the default [`Limits`]. Pure: writes nothing.
pub fn read_bytes(bytes: &[u8]) -> Result<Docx> {
    read(bytes, Limits::DEFAULT)
}

/// Reads a .docx file, inflating at most `limits`.
pub fn read(bytes: &[u8], limits: Limits) -> Result<Docx> {
    let mut zip = Package::open(bytes, limits)?;
    let parts = read_parts(&mut zip)?;
    let mut images = Images::default();
    let lines = read_body(&parts, &mut |path| images.shown(&mut zip, path))?;
    Ok(Docx {
        lines,
        images: images.saved,
        warnings: images.warnings,
    })
}

/// The XML parts of a Word file that the import reads, parsed where they
/// are only looked up.
struct Parts {
    /// `word/document.xml`, the text.
    document: String,
    /// styleId → heading level (`word/styles.xml`).
    styles: HashMap<String, u8>,
    /// The list formats (`word/numbering.xml`).
    numbering: Numbering,
    /// Relationship id → target (`word/_rels/document.xml.rels`).
    rels: HashMap<String, String>,
}

/// Reads the document, then its styles, numbering and relationships, each
/// within its limit (an XML part over it refuses the file). Only the
/// document is required.
fn read_parts(zip: &mut Package) -> Result<Parts> {
    let limits = zip.limits;
    let document = zip
        .xml("word/document.xml", limits.document)?
        .with_context(|| Say::DocxNoDocument.text())?;
    let document = String::from_utf8(document).with_context(|| Say::DocxNotUtf8.text())?;
    let styles = zip
        .xml("word/styles.xml", limits.part)?
        .map(|b| heading_styles(&String::from_utf8_lossy(&b)))
        .unwrap_or_default();
    let numbering = zip
        .xml("word/numbering.xml", limits.part)?
        .map(|b| Numbering::parse(&String::from_utf8_lossy(&b)))
        .unwrap_or_default();
    let rels = zip
        .xml("word/_rels/document.xml.rels", limits.part)?
        .map(|b| relationships(&String::from_utf8_lossy(&b)))
        .unwrap_or_default();
    Ok(Parts {
        document,
        styles,
        numbering,
        rels,
    })
}

/// The images of a document, as its paragraphs show them.
#[derive(Default)]
struct Images {
    /// Each image part read once: its file name, or `None` when left out.
    media: HashMap<String, Option<String>>,
    /// The file names given, lower-cased.
    taken: HashSet<String>,
    /// (file name, bytes) in order of first appearance.
    saved: Vec<(String, Vec<u8>)>,
    /// An image over its limit, left out.
    warnings: Vec<Notice>,
}

impl Images {
    /// The file name of the image part at `path`, read within the image
    /// limit the first time it is shown; `None` when the part is missing or
    /// over its limit (a warning, once).
    fn shown(&mut self, zip: &mut Package, path: String) -> Result<Option<String>> {
        if let Some(name) = self.media.get(&path) {
            return Ok(name.clone());
        }
        let name = match zip.read(&path, zip.limits.image)? {
            Part::Missing => None,
            Part::Data(data) => {
                let name = image_name(&path, self.saved.len(), &mut self.taken);
                self.saved.push((name.clone(), data));
                Some(name)
            }
            Part::TooLarge { limit, total } => {
                self.warnings.push(Notice::new(M::DocxImageSkipped {
                    entry: &path,
                    limit_mib: limit / MIB,
                    total,
                }));
                None
            }
        };
        self.media.insert(path, name.clone());
        Ok(name)
    }
}

/// Walks `word/document.xml` into lines: paragraphs in order, each table as
/// one line. `picture` gives the file name of an image part the text shows
/// ([`Images::shown`]). A damaged or cut-short document is an error.
fn read_body(
    parts: &Parts,
    picture: &mut dyn FnMut(String) -> Result<Option<String>>,
) -> Result<Vec<Line>> {
    let mut body = Body::default();
    let mut reader = Reader::from_str(&parts.document);
    // elements open: a part that ends inside one was cut short
    let mut open = 0usize;
    loop {
        let ev = reader
            .read_event()
            .with_context(|| Say::DocxDamaged.text())?;
        match ev {
            Event::Eof if open > 0 => {
                anyhow::bail!(Say::DocxCutShort.text())
            }
            Event::Eof => break,
            Event::Start(ref e) | Event::Empty(ref e) => {
                open += usize::from(matches!(ev, Event::Start(_)));
                let empty = matches!(ev, Event::Empty(_));
                if e.name().as_ref() == "a:blip" {
                    body.picture(e, &parts.rels, picture)?;
                } else {
                    body.start(e, empty);
                }
            }
            Event::Text(t) if body.in_text => {
                if let Some(p) = body.para.as_mut() {
                    p.run_text.push_str(&one_line(&t.xml10_content()));
                }
            }
            Event::GeneralRef(r) if body.in_text => {
                if let Some(p) = body.para.as_mut() {
                    p.run_text
                        .extend(referenced_char(&r).filter(|c| !c.is_control()));
                }
            }
            Event::End(e) => {
                open = open.saturating_sub(1);
                body.end(e.name().as_ref(), parts);
            }
            _ => {}
        }
    }
    Ok(body.lines)
}

/// The character an entity or character reference in a text stands for.
fn referenced_char(r: &BytesRef) -> Option<char> {
    match r.resolve_char_ref() {
        Ok(Some(c)) => Some(c),
        _ => match r.as_ref() {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => None,
        },
    }
}

/// Where the walk through `word/document.xml` is, and the lines made so far.
#[derive(Default)]
struct Body {
    /// The paragraph being read.
    para: Option<Para>,
    /// Inside a run's properties (`w:rPr`), where `w:b` makes it bold.
    in_rpr: bool,
    /// Inside a `w:t`, whose text belongs to the run.
    in_text: bool,
    /// The outermost table being read: rows of cells.
    table: Option<Vec<Vec<String>>>,
    /// Tables open (a table inside a cell is read as that cell's text).
    table_depth: usize,
    /// The cell being filled.
    cell: Option<String>,
    counters: Counters,
    lines: Vec<Line>,
}

impl Body {
    /// An element opens (or is `empty`, opening and closing at once).
    fn start(&mut self, e: &BytesStart, empty: bool) {
        match e.name().as_ref() {
            "w:tbl" if !empty => {
                self.table_depth += 1;
                if self.table_depth == 1 {
                    self.table = Some(vec![]);
                }
            }
            "w:tr" if self.table_depth == 1 && !empty => {
                if let Some(t) = self.table.as_mut() {
                    t.push(vec![]);
                }
            }
            "w:tc" if self.table_depth == 1 && !empty => self.cell = Some(String::new()),
            "w:p" if !empty => self.para = Some(Para::default()),
            "w:pStyle" => {
                if let Some(p) = self.para.as_mut() {
                    p.style = attr(e, "w:val");
                }
            }
            "w:ilvl" => {
                if let Some(p) = self.para.as_mut() {
                    p.list_level = Some(attr(e, "w:val").and_then(|v| v.parse().ok()).unwrap_or(0));
                }
            }
            "w:numId" => {
                if let Some(p) = self.para.as_mut() {
                    p.num_id = attr(e, "w:val");
                }
            }
            "w:jc" => {
                if let Some(p) = self.para.as_mut() {
                    p.right_aligned = matches!(attr(e, "w:val").as_deref(), Some("right" | "end"));
                }
            }
            "w:numPr" => {
                if let Some(p) = self.para.as_mut() {
                    p.list_level.get_or_insert(0);
                }
            }
            "w:r" if !empty => {
                if let Some(p) = self.para.as_mut() {
                    p.end_run();
                }
            }
            "w:rPr" if !empty => self.in_rpr = true,
            "w:b" if self.in_rpr => {
                if let Some(p) = self.para.as_mut() {
                    p.run_bold =
                        !matches!(attr(e, "w:val").as_deref(), Some("0" | "false" | "off"));
                }
            }
            "w:t" if !empty => self.in_text = true,
            "w:tab" | "w:br" => {
                if let Some(p) = self.para.as_mut() {
                    p.run_text.push(' ');
                }
            }
            _ => {}
        }
    }

    /// An image (`a:blip`) inside a paragraph: its file name goes with the
    /// paragraph when the relationship names a part.
    fn picture(
        &mut self,
        e: &BytesStart,
        rels: &HashMap<String, String>,
        picture: &mut dyn FnMut(String) -> Result<Option<String>>,
    ) -> Result<()> {
        if let (Some(p), Some(target)) = (
            self.para.as_mut(),
            attr(e, "r:embed").and_then(|id| rels.get(&id)),
        ) {
            p.images.extend(picture(part_path(target))?);
        }
        Ok(())
    }

    /// An element closes: a finished paragraph becomes a line (or goes into
    /// its table cell), a finished table one line.
    fn end(&mut self, name: &str, parts: &Parts) {
        match name {
            "w:t" => self.in_text = false,
            "w:rPr" => self.in_rpr = false,
            "w:r" => {
                if let Some(p) = self.para.as_mut() {
                    p.end_run();
                }
            }
            "w:p" => {
                if let Some(mut p) = self.para.take() {
                    p.end_run();
                    if let Some(c) = self.cell.as_mut() {
                        let md = p.markdown();
                        if !md.is_empty() {
                            if !c.is_empty() {
                                c.push_str("<br>");
                            }
                            c.push_str(&md.replace('|', "\\|"));
                        }
                    } else if self.table_depth == 0 {
                        let number = self.counters.next(&p, &parts.numbering);
                        self.lines.push(paragraph_line(&p, &parts.styles, number));
                    }
                }
            }
            "w:tc" if self.table_depth == 1 => {
                if let (Some(t), Some(c)) = (self.table.as_mut(), self.cell.take()) {
                    if let Some(row) = t.last_mut() {
                        row.push(c);
                    }
                }
            }
            "w:tbl" => {
                self.table_depth = self.table_depth.saturating_sub(1);
                if self.table_depth == 0 {
                    if let Some(rows) = self.table.take() {
                        self.lines.extend(table_line(&rows));
                    }
                }
            }
            _ => {}
        }
    }
}

/// The zip path of a relationship target of `word/document.xml`: relative
/// to `word/` unless it starts with `/`, with `.` and `..` resolved, so
/// every way of naming one part gives the same path.
fn part_path(target: &str) -> String {
    let (base, rest) = match target.strip_prefix('/') {
        Some(t) => (vec![], t),
        None => (vec!["word"], target),
    };
    let mut parts = base;
    for seg in rest.split(['/', '\\']) {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// Extensions an image taken from a Word file may keep.
const IMAGE_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "bmp", "webp", "svg", "tif", "tiff", "emf", "wmf",
];

/// The file name an image is saved under: the part's own name when it is a
/// short, safe name with an image extension, else `imageN.png`; `-2`, `-3` …
/// when the name (lower-cased) is `taken` already.
fn image_name(path: &str, index: usize, taken: &mut HashSet<String>) -> String {
    let base = path.rsplit('/').next().unwrap_or(path);
    let safe = crate::urls::slug_from_file_name(base);
    let (stem, ext) = match safe.rsplit_once('.') {
        Some((stem, ext))
            if !stem.is_empty()
                && safe.chars().count() <= 64
                && IMAGE_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()) =>
        {
            (stem.to_string(), ext.to_string())
        }
        _ => (format!("image{}", index + 1), "png".to_string()),
    };
    let mut name = format!("{stem}.{ext}");
    let mut n = 2;
    while !taken.insert(name.to_lowercase()) {
        name = format!("{stem}-{n}.{ext}");
        n += 1;
    }
    name
}

/// `number`: the text Word shows before a numbered paragraph (`1.`, `一、`,
/// `（1）`), which is not in the paragraph's own text.
fn paragraph_line(p: &Para, styles: &HashMap<String, u8>, number: Option<String>) -> Line {
    let plain = p.plain();
    let level = p
        .style
        .as_ref()
        .and_then(|s| styles.get(s).copied().or_else(|| level_of(s)));
    let md = p.markdown();
    if let Some(n) = number.filter(|_| level.is_none()) {
        // Written out as the reader sees it; the text rules then make `一、`
        // a heading and keep `1.` a numbered paragraph that never renumbers.
        let text = format!("{n}{}", plain.trim_start());
        let plain_runs = p.images.is_empty() && p.runs.iter().all(|(_, b)| !*b);
        let block = (!plain_runs)
            .then(|| format!("{}{}", super::text::escape_paragraph(&n), md.trim_start()));
        return Line { text, block };
    }
    let block = match (level, p.list_level) {
        (Some(0), _) => None,
        (Some(n), _) if !plain.trim().is_empty() => Some(format!(
            "{} {}",
            "#".repeat((n as usize + 1).min(6)),
            escape_inline(plain.trim())
        )),
        (_, Some(depth)) if !md.is_empty() => Some(format!("{}- {md}", "  ".repeat(depth.min(4)))),
        // a paragraph in bold throughout is a heading the text rules recognise
        _ if p.images.is_empty() && p.runs.iter().all(|(t, b)| *b || t.trim().is_empty()) => None,
        _ if p.runs.iter().any(|(t, b)| *b && !t.trim().is_empty()) || !p.images.is_empty() => {
            Some(md)
        }
        _ => None,
    };
    let block =
        if p.right_aligned && level.is_none() && p.list_level.is_none() && !plain.trim().is_empty()
        {
            // kept right as written; a signature keeps its own lines
            let inner = block.unwrap_or_else(|| super::text::escape_paragraph(plain.trim()));
            Some(format!("<div align=\"right\">\n\n{inner}\n\n</div>"))
        } else {
            block
        };
    Line { text: plain, block }
}

fn table_line(rows: &[Vec<String>]) -> Option<Line> {
    let width = rows.iter().map(Vec::len).max().filter(|w| *w > 0)?;
    // Only the header row is padded to the full width (Markdown fills the
    // other short rows), so the table's text grows with its cells only.
    let fmt_row = |r: &Vec<String>, width: usize| {
        let mut cells: Vec<&str> = r.iter().map(|c| c.trim()).collect();
        cells.resize(width.max(cells.len()), "");
        format!("| {} |", cells.join(" | "))
    };
    let mut md = vec![
        fmt_row(&rows[0], width),
        format!("|{}", " --- |".repeat(width)),
    ];
    md.extend(rows[1..].iter().map(|r| fmt_row(r, 0)));
    let text = rows
        .iter()
        .flatten()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    Some(Line {
        text,
        block: Some(md.join("\n")),
    })
}

/// Relationship id → target, from word/_rels/document.xml.rels.
fn relationships(xml: &str) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let mut reader = Reader::from_str(xml);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) if e.name().as_ref() == "Relationship" => {
                if let (Some(id), Some(t)) = (attr(&e, "Id"), attr(&e, "Target")) {
                    out.insert(id, t);
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    out
}

/// One level of a Word list: its number format, text template and start.
#[derive(Debug, Clone)]
struct Level {
    fmt: String,
    text: String,
    start: u32,
}

/// The longest list number template kept (`第%1章`, `%1.%2.%3.`).
const MAX_LEVEL_TEXT: usize = 64;

/// `word/numbering.xml`: numId → abstract list → levels.
#[derive(Debug, Default)]
struct Numbering {
    abstracts: HashMap<String, HashMap<usize, Level>>,
    nums: HashMap<String, String>,
}

impl Numbering {
    fn parse(xml: &str) -> Numbering {
        let mut n = Numbering::default();
        let mut reader = Reader::from_str(xml);
        let (mut abs, mut lvl, mut num): (Option<String>, Option<(usize, Level)>, Option<String>) =
            (None, None, None);
        loop {
            let ev = match reader.read_event() {
                Ok(Event::Eof) | Err(_) => break,
                Ok(ev) => ev,
            };
            match ev {
                Event::Start(ref e) | Event::Empty(ref e) => match e.name().as_ref() {
                    "w:abstractNum" => abs = attr(e, "w:abstractNumId"),
                    "w:lvl" => {
                        let i = attr(e, "w:ilvl").and_then(|v| v.parse().ok()).unwrap_or(0);
                        lvl = Some((
                            i,
                            Level {
                                fmt: "decimal".into(),
                                text: format!("%{}.", i + 1),
                                start: 1,
                            },
                        ));
                    }
                    "w:start" => {
                        if let Some((_, l)) = lvl.as_mut() {
                            l.start = attr(e, "w:val").and_then(|v| v.parse().ok()).unwrap_or(1);
                        }
                    }
                    "w:numFmt" => {
                        if let (Some((_, l)), Some(v)) = (lvl.as_mut(), attr(e, "w:val")) {
                            l.fmt = v;
                        }
                    }
                    "w:lvlText" => {
                        // Word's own templates are a few characters; a long one
                        // would be copied before every paragraph of the list
                        if let (Some((_, l)), Some(v)) = (lvl.as_mut(), attr(e, "w:val")) {
                            if v.chars().count() <= MAX_LEVEL_TEXT {
                                l.text = one_line(&v);
                            }
                        }
                    }
                    "w:num" => num = attr(e, "w:numId"),
                    "w:abstractNumId" => {
                        if let (Some(id), Some(a)) = (num.as_ref(), attr(e, "w:val")) {
                            n.nums.insert(id.clone(), a);
                        }
                    }
                    _ => {}
                },
                Event::End(ref e) => match e.name().as_ref() {
                    "w:lvl" => {
                        if let (Some(a), Some((i, l))) = (abs.as_ref(), lvl.take()) {
                            n.abstracts.entry(a.clone()).or_default().insert(i, l);
                        }
                    }
                    "w:abstractNum" => abs = None,
                    "w:num" => num = None,
                    _ => {}
                },
                _ => {}
            }
        }
        n
    }

    fn levels(&self, num_id: &str) -> Option<&HashMap<usize, Level>> {
        self.abstracts.get(self.nums.get(num_id)?)
    }
}

/// Running counters of each list, per level, as Word counts them.
#[derive(Default)]
struct Counters(HashMap<String, Vec<u32>>);

impl Counters {
    /// The number shown before `p`, or `None` when it is not a numbered
    /// paragraph (bullets stay Markdown list items).
    fn next(&mut self, p: &Para, numbering: &Numbering) -> Option<String> {
        let id = p.num_id.as_deref().filter(|id| *id != "0")?;
        let levels = numbering.levels(id)?;
        let depth = p.list_level.unwrap_or(0).min(8);
        let level = levels.get(&depth)?;
        if level.fmt == "bullet" || level.fmt == "none" {
            return None;
        }
        let counts = self.0.entry(id.to_string()).or_default();
        counts.resize(9, 0);
        for (i, c) in counts.iter_mut().enumerate().take(depth + 1) {
            if *c == 0 {
                *c = levels.get(&i).map_or(1, |l| l.start.max(1)) - u32::from(i == depth);
            }
        }
        counts[depth] = counts[depth].saturating_add(1);
        for c in counts.iter_mut().skip(depth + 1) {
            *c = 0;
        }
        let mut text = level.text.clone();
        for (i, &count) in counts.iter().enumerate().take(depth + 1) {
            let fmt = levels.get(&i).map_or("decimal", |l| l.fmt.as_str());
            text = text.replace(&format!("%{}", i + 1), &format_number(count, fmt));
        }
        Some(text)
    }
}

/// A list number in one of Word's formats.
fn format_number(n: u32, fmt: &str) -> String {
    const CN: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let chinese = |n: u32| -> String {
        match n {
            0..=9 => CN[n as usize].to_string(),
            10..=19 => format!("十{}", if n > 10 { CN[(n % 10) as usize] } else { "" }),
            20..=99 => format!(
                "{}十{}",
                CN[(n / 10) as usize],
                if !n.is_multiple_of(10) {
                    CN[(n % 10) as usize]
                } else {
                    ""
                }
            ),
            _ => n.to_string(),
        }
    };
    let letter = |n: u32, base: u8| -> String {
        if (1..=26).contains(&n) {
            char::from(base + (n - 1) as u8).to_string()
        } else {
            n.to_string()
        }
    };
    match fmt {
        "chineseCounting"
        | "chineseCountingThousand"
        | "ideographTraditional"
        | "japaneseCounting"
        | "taiwaneseCountingThousand" => chinese(n),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" if (1..=20).contains(&n) => {
            char::from_u32(0x2460 + n - 1).map_or(n.to_string(), String::from)
        }
        "lowerLetter" => letter(n, b'a'),
        "upperLetter" => letter(n, b'A'),
        _ => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main""#;

    fn document(body: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body>{body}</w:body></w:document>"#
        )
    }

    fn picture(id: &str) -> String {
        format!(
            r#"<w:p><w:r><w:drawing><a:graphic><a:blip r:embed="{id}"/></a:graphic></w:drawing></w:r></w:p>"#
        )
    }

    fn rels(targets: &[(&str, &str)]) -> String {
        let r: String = targets
            .iter()
            .map(|(id, t)| format!(r#"<Relationship Id="{id}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="{t}"/>"#))
            .collect();
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{r}</Relationships>"#
        )
    }

    fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(vec![]));
        for (name, data) in parts {
            zip.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            zip.write_all(data).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    fn small() -> Limits {
        Limits {
            document: 4096,
            part: 4096,
            image: 1000,
            total: 6000,
        }
    }

    #[test]
    fn right_aligned_paragraphs_keep_their_alignment() {
        let right = |text: &str, jc: &str| {
            format!(r#"<w:p><w:pPr><w:jc w:val="{jc}"/></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"#)
        };
        let doc = document(&format!(
            "{}{}{}{}",
            right("正文一段。", "both"),
            right("中共石门村支部委员会", "right"),
            right("2023年10月17日", "end"),
            right("居中的标题", "center"),
        ));
        let d = read_bytes(&zip_of(&[("word/document.xml", doc.as_bytes())])).unwrap();
        let blocks: Vec<Option<&str>> = d.lines.iter().map(|l| l.block.as_deref()).collect();
        assert_eq!(
            blocks,
            [
                None,
                Some("<div align=\"right\">\n\n中共石门村支部委员会\n\n</div>"),
                Some("<div align=\"right\">\n\n2023年10月17日\n\n</div>"),
                None,
            ]
        );
        assert_eq!(d.lines[1].text, "中共石门村支部委员会");
    }

    #[test]
    fn reads_text_without_control_characters() {
        let doc = document(
            "<w:p><w:r><w:t>\u{1b}[31m标题&#x7;\u{7f}</w:t></w:r><w:r><w:t>\u{85}正文\tA</w:t></w:r></w:p>",
        );
        let d = read_bytes(&zip_of(&[("word/document.xml", doc.as_bytes())])).unwrap();
        assert_eq!(d.lines.len(), 1);
        assert_eq!(d.lines[0].text, "标题正文 A");
    }

    #[test]
    fn one_picture_shown_several_times_is_read_once() {
        let doc = document(
            &[
                picture("rId1"),
                picture("rId1"),
                picture("rId2"),
                picture("rId3"),
                picture("rId4"),
            ]
            .concat(),
        );
        let rels = rels(&[
            ("rId1", "media/image1.png"),
            ("rId2", "/word/media/image1.png"),
            ("rId3", "./media/../media/image1.png"),
            ("rId4", "media/A B.png"),
        ]);
        let bytes = zip_of(&[
            ("word/document.xml", doc.as_bytes()),
            ("word/_rels/document.xml.rels", rels.as_bytes()),
            ("word/media/image1.png", b"png one"),
            ("word/media/A B.png", b"png two"),
        ]);
        let d = read_bytes(&bytes).unwrap();
        let names: Vec<&str> = d.images.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["image1.png", "A-B.png"]);
        let shown: Vec<&str> = d.lines.iter().filter_map(|l| l.block.as_deref()).collect();
        assert_eq!(
            shown,
            [
                "![](image1.png)",
                "![](image1.png)",
                "![](image1.png)",
                "![](image1.png)",
                "![](A-B.png)"
            ]
        );
        assert!(d.warnings.is_empty());
    }

    #[test]
    fn image_names_are_distinct_safe_and_images() {
        let mut taken = HashSet::new();
        assert_eq!(image_name("word/media/a b.png", 0, &mut taken), "a-b.png");
        assert_eq!(image_name("word/media/a-b.png", 1, &mut taken), "a-b-2.png");
        assert_eq!(image_name("word/media/A-B.PNG", 2, &mut taken), "A-B-3.PNG");
        assert_eq!(
            image_name("word/media/index.md", 3, &mut taken),
            "image4.png"
        );
        assert_eq!(image_name("word/media/x.html", 4, &mut taken), "image5.png");
        assert_eq!(image_name("word/media/.png", 5, &mut taken), "image6.png");
        assert_eq!(
            image_name("word/media/image6.png", 6, &mut taken),
            "image6-2.png"
        );
        assert_eq!(part_path("../../../etc/passwd"), "etc/passwd");
        assert_eq!(part_path("/word/media/a.png"), "word/media/a.png");
    }

    #[test]
    fn an_image_over_its_limit_is_left_out_and_the_text_kept() {
        let doc = document(
            &[
                "<w:p><w:r><w:t>正文</w:t></w:r></w:p>".to_string(),
                picture("rId1"),
                picture("rId1"),
                picture("rId2"),
                picture("rId3"),
            ]
            .concat(),
        );
        let rels = rels(&[
            ("rId1", "media/big.png"),
            ("rId2", "media/ok.png"),
            ("rId3", "media/more.png"),
        ]);
        let big = vec![0u8; 1001];
        let ok = vec![1u8; 1000];
        let bytes = zip_of(&[
            ("word/document.xml", doc.as_bytes()),
            ("word/_rels/document.xml.rels", rels.as_bytes()),
            ("word/media/big.png", &big),
            ("word/media/ok.png", &ok),
            ("word/media/more.png", &ok),
        ]);
        let limits = Limits {
            total: doc.len() as u64 + rels.len() as u64 + 1500,
            ..small()
        };
        let d = read(&bytes, limits).unwrap();
        assert_eq!(d.lines[0].text, "正文");
        assert_eq!(d.images.len(), 1, "ok.png only");
        assert_eq!(d.images[0].0, "ok.png");
        assert_eq!(
            d.warnings,
            [
                Notice::new(M::DocxImageSkipped {
                    entry: "word/media/big.png",
                    limit_mib: 0,
                    total: false
                }),
                Notice::new(M::DocxImageSkipped {
                    entry: "word/media/more.png",
                    limit_mib: 0,
                    total: true
                }),
            ],
            "one warning per image, however often it is shown"
        );
    }

    fn notice(e: &anyhow::Error) -> Option<&Notice> {
        e.chain().find_map(|c| c.downcast_ref::<Notice>())
    }

    #[test]
    fn an_xml_part_over_its_limit_refuses_the_file() {
        let doc = document(&"<w:p><w:r><w:t>很长的正文</w:t></w:r></w:p>".repeat(200));
        let bytes = zip_of(&[("word/document.xml", doc.as_bytes())]);
        let e = read(&bytes, small()).unwrap_err();
        let n = notice(&e).expect("a catalogue message");
        assert_eq!(n.message.zh, "Word 文件中的 word/document.xml 解压后超过 0 MiB，可能是恶意构造的压缩包，已拒绝导入，没有写入任何文件");
        let styles = "x".repeat(5000);
        let ok_doc = document("");
        let bytes = zip_of(&[
            ("word/document.xml", ok_doc.as_bytes()),
            ("word/styles.xml", styles.as_bytes()),
        ]);
        let e = read(&bytes, small()).unwrap_err();
        assert!(
            notice(&e)
                .unwrap()
                .message
                .en
                .starts_with("word/styles.xml inside the Word file inflates to more than"),
            "{e:#}"
        );
    }

    /// A zip whose headers claim `size` bytes for every entry, whatever it holds.
    fn lie_about_sizes(mut z: Vec<u8>, size: u32) -> Vec<u8> {
        let patch = |z: &mut Vec<u8>, sig: &[u8; 4], at: usize| {
            let mut i = 0;
            while i + at + 4 <= z.len() {
                if &z[i..i + 4] == sig {
                    z[i + at..i + at + 4].copy_from_slice(&size.to_le_bytes());
                }
                i += 1;
            }
        };
        patch(&mut z, b"PK\x03\x04", 22);
        patch(&mut z, b"PK\x01\x02", 24);
        z
    }

    #[test]
    fn malformed_packages_are_errors_not_panics() {
        let doc = document(&"<w:p><w:r><w:t>党建</w:t></w:r></w:p>".repeat(20));
        let good = zip_of(&[("word/document.xml", doc.as_bytes())]);
        assert!(read_bytes(&good).is_ok());
        // truncated anywhere
        for n in (0..good.len()).step_by(7) {
            assert!(read_bytes(&good[..n]).is_err(), "truncated at {n}");
        }
        // not a zip, no document, wrong XML, not UTF-8
        assert!(read_bytes(b"PK\x03\x04 not really").is_err());
        assert!(read_bytes(&zip_of(&[("word/other.xml", b"<a/>")])).is_err());
        for bad in [
            document("<w:p><w:r><w:t>x</w:r></w:p>"),
            "<w:document><w:body><w:p>".to_string(),
            "<<<&&&".to_string(),
        ] {
            assert!(
                read_bytes(&zip_of(&[("word/document.xml", bad.as_bytes())])).is_err(),
                "{bad}"
            );
        }
        assert!(read_bytes(&zip_of(&[("word/document.xml", b"<a>\xff\xfe</a>")])).is_err());
        // a declared size of nearly 4 GiB is never allocated; the part is refused by what it holds
        let big = document(&"<w:p><w:r><w:t>党建</w:t></w:r></w:p>".repeat(500));
        let lying = lie_about_sizes(
            zip_of(&[("word/document.xml", big.as_bytes())]),
            u32::MAX - 1,
        );
        let e = read(&lying, small()).unwrap_err();
        assert!(
            notice(&e).is_some() || format!("{e:#}").contains("word/document.xml"),
            "{e:#}"
        );
        // and a small declared size does not cut the read short into nonsense
        let lying = lie_about_sizes(zip_of(&[("word/document.xml", big.as_bytes())]), 10);
        assert!(read_bytes(&lying).is_err());
    }

    #[test]
    fn hostile_numbering_and_tables_stay_small() {
        let numbering = format!(
            r#"<w:numbering {W}><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="4294967295"/><w:numFmt w:val="decimal"/><w:lvlText w:val="{}%1"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>"#,
            "很长".repeat(1000)
        );
        let item = r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>项</w:t></w:r></w:p>"#;
        let wide: String = "<w:tc><w:p><w:r><w:t>格</w:t></w:r></w:p></w:tc>".repeat(300);
        let table = format!(
            "<w:tbl><w:tr>{wide}</w:tr>{}</w:tbl>",
            "<w:tr></w:tr>".repeat(300)
        );
        let doc = document(&format!("{}{table}", item.repeat(3)));
        let d = read_bytes(&zip_of(&[
            ("word/document.xml", doc.as_bytes()),
            ("word/numbering.xml", numbering.as_bytes()),
        ]))
        .unwrap();
        let numbers: Vec<&str> = d.lines.iter().take(3).map(|l| l.text.as_str()).collect();
        assert_eq!(numbers, ["4294967295.项", "4294967295.项", "4294967295.项"]);
        let table = d.lines[3].block.as_deref().unwrap();
        assert!(table.len() < 10 * 300 * 6, "{}", table.len());
    }
}
