//! Word (.docx) in: reads `word/document.xml` with quick-xml out of the zip
//! and keeps what matters for a showcase page — headings (by style),
//! bold, list items, tables (as Markdown tables) and images (extracted as
//! files for the page bundle).

use super::text::escape_inline;
use super::Line;
use anyhow::{Context, Result};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::collections::HashMap;
use std::io::Read;

/// A Word document as lines plus the images it holds.
pub struct Docx {
    pub lines: Vec<Line>,
    /// (file name, bytes) of each image, in order of appearance.
    pub images: Vec<(String, Vec<u8>)>,
}

fn read_entry<R: Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    name: &str,
) -> Result<Option<Vec<u8>>> {
    let mut f = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => {
            return Err(e).with_context(|| format!("cannot read {name} inside the Word file"))
        }
    };
    let mut buf = vec![];
    f.read_to_end(&mut buf)
        .with_context(|| format!("cannot read {name} inside the Word file"))?;
    Ok(Some(buf))
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

/// Reads a .docx file.
pub fn read(bytes: &[u8]) -> Result<Docx> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).context("this is not a Word .docx file (it is not a zip package); if it is an old .doc file, open it in Word and save it as .docx")?;
    let doc = read_entry(&mut zip, "word/document.xml")?
        .context("this .docx has no word/document.xml; open it in Word and save it again")?;
    let doc = String::from_utf8(doc).context("word/document.xml is not UTF-8")?;
    let styles = read_entry(&mut zip, "word/styles.xml")?
        .map(|b| heading_styles(&String::from_utf8_lossy(&b)))
        .unwrap_or_default();
    let numbering = read_entry(&mut zip, "word/numbering.xml")?
        .map(|b| Numbering::parse(&String::from_utf8_lossy(&b)))
        .unwrap_or_default();
    let mut counters = Counters::default();
    let rels = read_entry(&mut zip, "word/_rels/document.xml.rels")?
        .map(|b| relationships(&String::from_utf8_lossy(&b)))
        .unwrap_or_default();

    let mut lines = vec![];
    let mut images: Vec<(String, Vec<u8>)> = vec![];
    let mut para: Option<Para> = None;
    let mut in_rpr = false;
    let mut in_text = false;
    // table state: rows of cells; the cell being filled
    let mut table: Option<Vec<Vec<String>>> = None;
    let mut table_depth = 0usize;
    let mut cell: Option<String> = None;
    let mut reader = Reader::from_str(&doc);
    loop {
        let ev = reader
            .read_event()
            .context("word/document.xml is damaged; open the file in Word and save it again")?;
        match ev {
            Event::Eof => break,
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(ev, Event::Empty(_));
                match e.name().as_ref() {
                    "w:tbl" if !empty => {
                        table_depth += 1;
                        if table_depth == 1 {
                            table = Some(vec![]);
                        }
                    }
                    "w:tr" if table_depth == 1 && !empty => {
                        if let Some(t) = table.as_mut() {
                            t.push(vec![]);
                        }
                    }
                    "w:tc" if table_depth == 1 && !empty => cell = Some(String::new()),
                    "w:p" if !empty => para = Some(Para::default()),
                    "w:pStyle" => {
                        if let Some(p) = para.as_mut() {
                            p.style = attr(e, "w:val");
                        }
                    }
                    "w:ilvl" => {
                        if let Some(p) = para.as_mut() {
                            p.list_level =
                                Some(attr(e, "w:val").and_then(|v| v.parse().ok()).unwrap_or(0));
                        }
                    }
                    "w:numId" => {
                        if let Some(p) = para.as_mut() {
                            p.num_id = attr(e, "w:val");
                        }
                    }
                    "w:numPr" => {
                        if let Some(p) = para.as_mut() {
                            p.list_level.get_or_insert(0);
                        }
                    }
                    "w:r" if !empty => {
                        if let Some(p) = para.as_mut() {
                            p.end_run();
                        }
                    }
                    "w:rPr" if !empty => in_rpr = true,
                    "w:b" if in_rpr => {
                        if let Some(p) = para.as_mut() {
                            p.run_bold =
                                !matches!(attr(e, "w:val").as_deref(), Some("0" | "false" | "off"));
                        }
                    }
                    "w:t" if !empty => in_text = true,
                    "w:tab" | "w:br" => {
                        if let Some(p) = para.as_mut() {
                            p.run_text.push(' ');
                        }
                    }
                    "a:blip" => {
                        if let (Some(p), Some(target)) = (
                            para.as_mut(),
                            attr(e, "r:embed").and_then(|id| rels.get(&id).cloned()),
                        ) {
                            let path = if let Some(t) = target.strip_prefix('/') {
                                t.to_string()
                            } else {
                                format!("word/{target}")
                            };
                            if let Some(data) = read_entry(&mut zip, &path)? {
                                let name = image_name(&target, images.len());
                                images.push((name.clone(), data));
                                p.images.push(name);
                            }
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) if in_text => {
                if let Some(p) = para.as_mut() {
                    p.run_text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) if in_text => {
                if let Some(p) = para.as_mut() {
                    let c = match r.resolve_char_ref() {
                        Ok(Some(c)) => Some(c),
                        _ => match r.as_ref() {
                            "amp" => Some('&'),
                            "lt" => Some('<'),
                            "gt" => Some('>'),
                            "quot" => Some('"'),
                            "apos" => Some('\''),
                            _ => None,
                        },
                    };
                    p.run_text.extend(c);
                }
            }
            Event::End(e) => match e.name().as_ref() {
                "w:t" => in_text = false,
                "w:rPr" => in_rpr = false,
                "w:r" => {
                    if let Some(p) = para.as_mut() {
                        p.end_run();
                    }
                }
                "w:p" => {
                    if let Some(mut p) = para.take() {
                        p.end_run();
                        if let Some(c) = cell.as_mut() {
                            let md = p.markdown();
                            if !md.is_empty() {
                                if !c.is_empty() {
                                    c.push_str("<br>");
                                }
                                c.push_str(&md.replace('|', "\\|"));
                            }
                        } else if table_depth == 0 {
                            let number = counters.next(&p, &numbering);
                            lines.push(paragraph_line(&p, &styles, number));
                        }
                    }
                }
                "w:tc" if table_depth == 1 => {
                    if let (Some(t), Some(c)) = (table.as_mut(), cell.take()) {
                        if let Some(row) = t.last_mut() {
                            row.push(c);
                        }
                    }
                }
                "w:tbl" => {
                    table_depth = table_depth.saturating_sub(1);
                    if table_depth == 0 {
                        if let Some(rows) = table.take() {
                            lines.extend(table_line(&rows));
                        }
                    }
                }
                _ => {}
            },
            _ => {}
        }
    }
    Ok(Docx { lines, images })
}

fn image_name(target: &str, index: usize) -> String {
    let base = target.rsplit('/').next().unwrap_or(target);
    let safe = crate::urls::slug_from_file_name(base);
    if safe == "page" || !safe.contains('.') {
        format!("image{}.png", index + 1)
    } else {
        safe
    }
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
    Line { text: plain, block }
}

fn table_line(rows: &[Vec<String>]) -> Option<Line> {
    let width = rows.iter().map(Vec::len).max().filter(|w| *w > 0)?;
    let fmt_row = |r: &Vec<String>| {
        let mut cells: Vec<String> = r.iter().map(|c| c.trim().to_string()).collect();
        cells.resize(width, String::new());
        format!("| {} |", cells.join(" | "))
    };
    let mut md = vec![fmt_row(&rows[0]), format!("|{}", " --- |".repeat(width))];
    md.extend(rows[1..].iter().map(fmt_row));
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
                        if let (Some((_, l)), Some(v)) = (lvl.as_mut(), attr(e, "w:val")) {
                            l.text = v;
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
        counts[depth] += 1;
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
