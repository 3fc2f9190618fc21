//! A page's Markdown as typst markup, for the PDF booklet.
//!
//! The events are the site's own reading of the Markdown
//! ([`crate::model::markdown::parse`]: CJK-friendly emphasis included).
//! Every piece of the page's text goes into the markup as a typst string
//! literal (`#"…"`), so nothing a page holds can be read as typst code:
//! only the calls written here are. Raw HTML is left out (its text is not:
//! the text between tags is Markdown), links keep their words, images are
//! pictures of the site folder handed to typst by number ([`Pictures`]).
//!
//! The GB/T 9704 conventions of a pasted document are kept: a paragraph that
//! is a `一、` heading is set in 黑体, a `（一）` one in 楷体 (or only its
//! first sentence, when the heading runs on into the text).

use crate::diag::{Diagnostic, M};
use crate::load::content::Page;
use pulldown_cmark::{Alignment, Event, HeadingLevel, Tag, TagEnd};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Component, Path, PathBuf};

/// The pictures the booklet shows, read once: typst reads picture `n` as
/// `/pic/n.EXT`.
#[derive(Debug, Default, Clone)]
pub struct Pictures {
    pictures: Vec<Picture>,
}

impl Pictures {
    /// The typst path of a picture of the site folder, numbered once.
    fn add(&mut self, picture: Picture) -> String {
        let ext = picture
            .file
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        let n = match self.pictures.iter().position(|p| p.file == picture.file) {
            Some(n) => n,
            None => {
                self.pictures.push(picture);
                self.pictures.len() - 1
            }
        };
        format!("/pic/{n}.{ext}")
    }

    /// Every picture, in the order first shown.
    pub fn all(&self) -> &[Picture] {
        &self.pictures
    }

    /// The picture behind a typst path made by [`Pictures::add`].
    pub fn get(&self, vpath: &str) -> Option<&Picture> {
        let rest = vpath.strip_prefix("/pic/")?;
        let n: usize = rest.split('.').next()?.parse().ok()?;
        self.pictures.get(n)
    }
}

/// A picture of the site folder, read and measured.
#[derive(Debug, Clone)]
pub struct Picture {
    pub file: PathBuf,
    pub bytes: Vec<u8>,
    /// Width and height in pixels.
    pub size: (u32, u32),
}

/// Whether a picture address names something on the web (or inline data)
/// rather than a file of the site folder.
pub(super) fn on_the_web(dest: &str) -> bool {
    dest.contains("://") || dest.starts_with("data:") || dest.starts_with("//")
}

/// Reads the picture a page names at byte `at` of its body; the error
/// says where and why it cannot be printed. Only for a file address
/// (see [`on_the_web`]).
pub(super) fn read_picture(
    root: &Path,
    page: &Page,
    dest: &str,
    at: usize,
) -> Result<Picture, Diagnostic> {
    let (line, col) = place(page, at);
    let fail = |error: &str| {
        Diagnostic::err(
            &page.source,
            line,
            col,
            M::PictureUnreadable { src: dest, error },
        )
    };
    let file =
        picture_file(root, &page.source, dest).ok_or_else(|| fail("图片不在网站文件夹里"))?;
    let bytes = std::fs::read(&file).map_err(|e| fail(&e.to_string()))?;
    let size =
        picture_size(&file, &bytes).ok_or_else(|| fail("不是能读的 JPEG、PNG、GIF 或 SVG 图片"))?;
    Ok(Picture { file, bytes, size })
}

/// A string as a typst string literal in markup: `#"…"`.
pub fn lit(s: &str) -> String {
    format!("#{}", quoted(s))
}

/// `s` escaped for the inside of a typst string literal.
pub fn push_escaped(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
}

/// The names typst knows the faces of the roles by.
#[derive(Debug, Clone)]
pub struct Families {
    pub hei: String,
    pub kai: String,
}

/// One open element while the events are read.
enum Frame {
    Para {
        out: String,
        plain: String,
        first: bool,
    },
    Heading {
        out: String,
        plain: String,
        level: HeadingLevel,
    },
    Quote(String),
    List {
        start: Option<u64>,
        items: Vec<String>,
    },
    Item(String),
    Table {
        aligns: Vec<Alignment>,
        head: Vec<String>,
        cells: Vec<String>,
    },
    Head,
    Row,
    Cell(String),
    Emph(String),
    Strong(String),
    Strike(String),
    Link(String),
    Image {
        alt: String,
        dest: String,
        at: usize,
    },
    Code(String),
    Footnote {
        label: String,
        out: String,
    },
}

/// The markup of `page`'s body. A picture that cannot be used is an error
/// at its place in the page.
pub fn body(
    root: &Path,
    page: &Page,
    families: &Families,
    pictures: &mut Pictures,
) -> Result<String, Diagnostic> {
    let mut w = Writer {
        root,
        page,
        families,
        pictures,
        stack: vec![],
        out: String::new(),
        notes: BTreeMap::new(),
        tight: vec![],
    };
    for (event, range) in crate::model::markdown::parse(&page.body) {
        w.event(event, range.start)?;
    }
    let mut text = w.out;
    // footnotes are written where they are referred to
    for (label, note) in &w.notes {
        text = text.replace(&marker(label), &format!("#footnote[{note}]"));
    }
    // a reference to a note that is not there: its label, as written
    while let Some(start) = text.find('\u{E000}') {
        let after = start + '\u{E000}'.len_utf8();
        let Some(end) = text[after..].find('\u{E001}').map(|e| after + e) else {
            text.replace_range(start..after, "");
            continue;
        };
        let label = lit(&format!("[{}]", &text[after..end]));
        text.replace_range(start..end + '\u{E001}'.len_utf8(), &label);
    }
    Ok(text)
}

fn marker(label: &str) -> String {
    format!("\u{E000}{label}\u{E001}")
}

struct Writer<'a> {
    root: &'a Path,
    page: &'a Page,
    families: &'a Families,
    pictures: &'a mut Pictures,
    stack: Vec<Frame>,
    out: String,
    notes: BTreeMap<String, String>,
    /// Whether each open list is tight (its items hold no paragraphs).
    tight: Vec<bool>,
}

impl Writer<'_> {
    /// Where inline markup goes: the innermost open element.
    fn sink(&mut self) -> &mut String {
        for f in self.stack.iter_mut().rev() {
            match f {
                Frame::Para { out, .. }
                | Frame::Heading { out, .. }
                | Frame::Quote(out)
                | Frame::Item(out)
                | Frame::Cell(out)
                | Frame::Emph(out)
                | Frame::Strong(out)
                | Frame::Strike(out)
                | Frame::Link(out)
                | Frame::Code(out)
                | Frame::Footnote { out, .. } => return out,
                Frame::Image { alt, .. } => return alt,
                Frame::List { .. } | Frame::Table { .. } | Frame::Head | Frame::Row => {}
            }
        }
        &mut self.out
    }

    /// The plain text of the paragraph or heading being read, if any.
    fn plain(&mut self) -> Option<&mut String> {
        self.stack.iter_mut().rev().find_map(|f| match f {
            Frame::Para { plain, .. } | Frame::Heading { plain, .. } => Some(plain),
            _ => None,
        })
    }

    fn in_image(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Image { .. }))
    }

    fn event(&mut self, event: Event<'_>, at: usize) -> Result<(), Diagnostic> {
        match event {
            Event::Start(tag) => self.start(tag, at),
            Event::End(tag) => return self.end(tag),
            Event::Text(t) => self.text(&t),
            Event::Code(t) => {
                if let Some(p) = self.plain() {
                    p.push_str(&t);
                }
                let code = format!("#raw({})", quoted(&t));
                self.sink().push_str(&code);
            }
            Event::SoftBreak => {
                let latin = self
                    .plain()
                    .and_then(|p| p.chars().last())
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c.is_ascii_punctuation());
                if latin {
                    self.text(" ");
                }
            }
            Event::HardBreak => self.sink().push_str("#linebreak()"),
            Event::Rule => self
                .out
                .push_str("\n#line(length: 100%, stroke: 0.5pt)\n\n"),
            Event::FootnoteReference(label) => {
                let m = marker(&label);
                self.sink().push_str(&m);
            }
            Event::TaskListMarker(done) => self.text(if done { "☑ " } else { "☐ " }),
            Event::Html(h) | Event::InlineHtml(h) => {
                let h = h.trim().to_ascii_lowercase();
                if h.starts_with("<br") {
                    self.sink().push_str("#linebreak()");
                }
            }
            Event::InlineMath(t) | Event::DisplayMath(t) => self.text(&t),
        }
        Ok(())
    }

    fn text(&mut self, t: &str) {
        if let Some(Frame::Code(out)) = self.stack.last_mut() {
            out.push_str(t);
            return;
        }
        if self.in_image() {
            self.sink().push_str(t);
            return;
        }
        // a paragraph's first words: a `一、` or `（一）` heading running on
        let lead = match self.stack.last_mut() {
            Some(Frame::Para { first, .. }) if *first => {
                *first = false;
                heading_lead(t)
            }
            Some(Frame::Para { first, .. }) => {
                *first = false;
                None
            }
            _ => None,
        };
        if let Some(p) = self.plain() {
            p.push_str(t);
        }
        match lead {
            Some((cut, role)) => {
                let family = self.family(role);
                let head = format!("#text(font: {})[{}]", quoted(&family), lit(&t[..cut]));
                let rest = lit(&t[cut..]);
                let sink = self.sink();
                sink.push_str(&head);
                if cut < t.len() {
                    sink.push_str(&rest);
                }
            }
            None => {
                let l = lit(t);
                self.sink().push_str(&l);
            }
        }
    }

    fn family(&self, role: Role) -> String {
        match role {
            Role::Hei => self.families.hei.clone(),
            Role::Kai => self.families.kai.clone(),
        }
    }

    fn start(&mut self, tag: Tag<'_>, at: usize) {
        let frame = match tag {
            Tag::Paragraph => {
                if let Some(t) = self.tight.last_mut() {
                    *t = false;
                }
                Frame::Para {
                    out: String::new(),
                    plain: String::new(),
                    first: true,
                }
            }
            Tag::Heading { level, .. } => Frame::Heading {
                out: String::new(),
                plain: String::new(),
                level,
            },
            Tag::BlockQuote(_) => Frame::Quote(String::new()),
            Tag::CodeBlock(_) => Frame::Code(String::new()),
            Tag::List(start) => {
                self.tight.push(true);
                Frame::List {
                    start,
                    items: vec![],
                }
            }
            Tag::Item => Frame::Item(String::new()),
            Tag::Table(aligns) => Frame::Table {
                aligns,
                head: vec![],
                cells: vec![],
            },
            Tag::TableHead => Frame::Head,
            Tag::TableRow => Frame::Row,
            Tag::TableCell => Frame::Cell(String::new()),
            Tag::Emphasis => Frame::Emph(String::new()),
            Tag::Strong => Frame::Strong(String::new()),
            Tag::Strikethrough => Frame::Strike(String::new()),
            Tag::Link { .. } => Frame::Link(String::new()),
            Tag::Image { dest_url, .. } => Frame::Image {
                alt: String::new(),
                dest: dest_url.to_string(),
                at,
            },
            Tag::FootnoteDefinition(label) => Frame::Footnote {
                label: label.to_string(),
                out: String::new(),
            },
            // not in the site's Markdown options: read as plain containers
            _ => Frame::Quote(String::new()),
        };
        self.stack.push(frame);
    }

    fn end(&mut self, _tag: TagEnd) -> Result<(), Diagnostic> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        match frame {
            Frame::Para { out, plain, .. } => {
                let block = match whole_heading(&plain) {
                    Some(role) => format!("#text(font: {})[{out}]\n\n", quoted(&self.family(role))),
                    None => format!("{out}\n\n"),
                };
                self.block(&block);
            }
            Frame::Heading { out, plain, level } => {
                let role = whole_heading(&plain).unwrap_or(match level {
                    HeadingLevel::H1 | HeadingLevel::H2 => Role::Hei,
                    _ => Role::Kai,
                });
                let block = format!(
                    "#block(above: 13pt, below: 13pt, sticky: true, text(font: {})[#h(2em){out}])\n\n",
                    quoted(&self.family(role))
                );
                self.block(&block);
            }
            Frame::Quote(out) => self.block(&format!("#quote(block: true)[{out}]\n\n")),
            Frame::Code(out) => {
                self.block(&format!("#raw(block: true, {})\n\n", quoted(&out)));
            }
            Frame::List { start, items } => {
                let tight = self.tight.pop().unwrap_or(true);
                let mut s = match start {
                    Some(n) => format!("#enum(start: {n}, tight: {tight}"),
                    None => format!("#list(tight: {tight}"),
                };
                for item in items {
                    let _ = write!(s, ", [{item}]");
                }
                s.push_str(")\n\n");
                self.block(&s);
            }
            Frame::Item(out) => {
                if let Some(Frame::List { items, .. }) = self.stack.last_mut() {
                    items.push(out);
                }
            }
            Frame::Table {
                aligns,
                head,
                cells,
            } => {
                let columns = aligns.len().max(1);
                let align: Vec<&str> = aligns
                    .iter()
                    .map(|a| match a {
                        Alignment::Center => "center",
                        Alignment::Right => "right",
                        Alignment::Left | Alignment::None => "left",
                    })
                    .collect();
                let mut s = format!("#table(columns: {columns}, align: ({},)", align.join(", "));
                if !head.is_empty() {
                    s.push_str(", table.header(");
                    s.push_str(
                        &head
                            .iter()
                            .map(|c| format!("strong[{c}]"))
                            .collect::<Vec<_>>()
                            .join(", "),
                    );
                    s.push(')');
                }
                for c in cells {
                    let _ = write!(s, ", [{c}]");
                }
                s.push_str(")\n\n");
                self.block(&s);
            }
            Frame::Head | Frame::Row => {}
            Frame::Cell(out) => {
                let in_head = self.stack.iter().any(|f| matches!(f, Frame::Head));
                if let Some(Frame::Table { head, cells, .. }) = self
                    .stack
                    .iter_mut()
                    .rev()
                    .find(|f| matches!(f, Frame::Table { .. }))
                {
                    if in_head {
                        head.push(out);
                    } else {
                        cells.push(out);
                    }
                }
            }
            Frame::Emph(out) => self.sink().push_str(&format!("#emph[{out}]")),
            Frame::Strong(out) => self.sink().push_str(&format!("#strong[{out}]")),
            Frame::Strike(out) => self.sink().push_str(&format!("#strike[{out}]")),
            Frame::Link(out) => self.sink().push_str(&out),
            Frame::Image { alt, dest, at } => {
                let figure = self.picture(&alt, &dest, at)?;
                self.sink().push_str(&figure);
            }
            Frame::Footnote { label, out } => {
                self.notes.insert(label, out.trim_end().to_string());
            }
        }
        Ok(())
    }

    /// A block: into the enclosing container, or the body.
    fn block(&mut self, s: &str) {
        let sink = self.sink();
        sink.push_str(s);
    }

    /// `#figure(image(…))` of a picture of the site folder; the alt text as
    /// its caption. A picture on the web cannot be fetched: its alt text
    /// stands in.
    fn picture(&mut self, alt: &str, dest: &str, at: usize) -> Result<String, Diagnostic> {
        if on_the_web(dest) {
            return Ok(if alt.is_empty() {
                String::new()
            } else {
                lit(alt)
            });
        }
        if let Some(note) = media_note(alt, dest) {
            return Ok(lit(&note));
        }
        let picture = read_picture(self.root, self.page, dest, at)?;
        let (w, h) = picture.size;
        let path = self.pictures.add(picture);
        // 150 dpi, never wider than the text block
        let width_mm = (w as f64 / 150.0 * 25.4).min(156.0);
        let height_mm = h as f64 / 150.0 * 25.4 * width_mm / (w as f64 / 150.0 * 25.4);
        let size = if height_mm > 150.0 {
            "height: 150mm".to_string()
        } else {
            format!("width: {width_mm:.1}mm")
        };
        let caption = if alt.trim().is_empty() {
            String::new()
        } else {
            format!(", caption: [{}]", lit(alt.trim()))
        };
        Ok(format!("#figure(image(\"{path}\", {size}){caption})"))
    }
}

/// A video or an audio file cannot be printed: what stands in its place
/// (`（视频：宣传片）`), `None` for anything else.
pub(super) fn media_note(alt: &str, dest: &str) -> Option<String> {
    let ext = dest.rsplit('.').next()?.to_ascii_lowercase();
    let what = match ext.as_str() {
        "mp4" | "webm" | "mov" | "m4v" | "ogv" => "视频",
        "mp3" | "m4a" | "wav" | "ogg" | "oga" | "aac" | "flac" => "音频",
        _ => return None,
    };
    let name = if alt.trim().is_empty() {
        dest
    } else {
        alt.trim()
    };
    Some(format!("（{what}：{name}）"))
}

/// Where byte `at` of a page's body is in its file (1-based line, column
/// in characters).
pub(super) fn place(page: &Page, at: usize) -> (usize, usize) {
    let before = &page.body[..at.min(page.body.len())];
    let line = page.body_line + before.matches('\n').count();
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// The file a picture's address names: beside the page (or in its
/// folder), or under `static/` for an address from the site root. `None`
/// when it would leave the site folder.
pub fn picture_file(root: &Path, source: &Path, dest: &str) -> Option<PathBuf> {
    let decoded = percent_encoding::percent_decode_str(dest.split(['?', '#']).next()?)
        .decode_utf8()
        .ok()?;
    let (base, rel) = match decoded.strip_prefix('/') {
        Some(rest) => (
            PathBuf::from(crate::load::content::STATIC_DIR),
            rest.to_string(),
        ),
        None => (
            source.parent().map(Path::to_path_buf).unwrap_or_default(),
            decoded.to_string(),
        ),
    };
    let mut parts: Vec<String> = base
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    for part in Path::new(&rel).components() {
        match part {
            Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::CurDir => {}
            _ => return None,
        }
    }
    let top = parts.first()?;
    if top != crate::load::content::CONTENT_DIR && top != crate::load::content::STATIC_DIR {
        return None;
    }
    Some(parts.iter().fold(root.to_path_buf(), |p, s| p.join(s)))
}

/// A picture's size in pixels, if typst can show it.
pub(super) fn picture_size(file: &Path, bytes: &[u8]) -> Option<(u32, u32)> {
    let ext = file
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if ext == "svg" {
        let text = std::str::from_utf8(bytes).ok()?;
        return text.contains("<svg").then_some((600, 400));
    }
    if bytes.starts_with(b"GIF8") {
        let w = u16::from_le_bytes([*bytes.get(6)?, *bytes.get(7)?]);
        let h = u16::from_le_bytes([*bytes.get(8)?, *bytes.get(9)?]);
        return (w > 0 && h > 0).then_some((w.into(), h.into()));
    }
    image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .ok()?
        .into_dimensions()
        .ok()
        .filter(|(w, h)| *w > 0 && *h > 0)
}

/// `"name"` as a typst string.
pub fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    push_escaped(&mut out, s);
    out.push('"');
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Hei,
    Kai,
}

/// The numbering a GB/T 9704 heading starts with: `一、` (黑体) or `（一）`
/// (楷体), and its length in bytes.
fn numbering(t: &str) -> Option<(usize, Role)> {
    const NUMERALS: &str = "一二三四五六七八九十";
    let numeral_run = |s: &str| {
        s.char_indices()
            .take_while(|(_, c)| NUMERALS.contains(*c))
            .last()
            .map(|(i, c)| i + c.len_utf8())
    };
    if let Some(rest) = t.strip_prefix('（').or_else(|| t.strip_prefix('(')) {
        let n = numeral_run(rest)?;
        let close = rest[n..].chars().next()?;
        if close == '）' || close == ')' {
            return Some((t.len() - rest.len() + n + close.len_utf8(), Role::Kai));
        }
        return None;
    }
    let n = numeral_run(t)?;
    t[n..]
        .starts_with('、')
        .then_some((n + '、'.len_utf8(), Role::Hei))
}

/// A whole paragraph that is a numbered heading (short, one sentence).
fn whole_heading(plain: &str) -> Option<Role> {
    let t = plain.trim();
    let (_, role) = numbering(t)?;
    let body = t.trim_end_matches(['。', '；', '：']);
    (t.chars().count() <= 40 && !body.contains('。')).then_some(role)
}

/// A paragraph that opens with a numbered heading and runs on: the byte
/// length of its first sentence (to the first `。`), set in the heading's face.
fn heading_lead(t: &str) -> Option<(usize, Role)> {
    let (_, role) = numbering(t)?;
    let end = t.find('。')? + '。'.len_utf8();
    (t[..end].chars().count() <= 40 && end < t.len()).then_some((end, role))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_text_is_a_string_literal_never_code() {
        assert_eq!(
            lit(r#"#set text(red) "x" \ y"#),
            r##"#"#set text(red) \"x\" \\ y""##
        );
        assert_eq!(quoted("A\"B"), "\"A\\\"B\"");
    }

    #[test]
    fn numbered_headings_are_told_apart() {
        assert_eq!(numbering("一、总体要求"), Some((6, Role::Hei)));
        assert_eq!(numbering("十二、其他"), Some((9, Role::Hei)));
        assert_eq!(numbering("（三）抓好落实"), Some((9, Role::Kai)));
        assert_eq!(numbering("一是加强领导"), None);
        assert_eq!(whole_heading("一、总体要求"), Some(Role::Hei));
        assert_eq!(whole_heading("（一）强化组织。各支部要……。"), None);
        assert_eq!(
            heading_lead("（一）强化组织。各支部要按期换届。"),
            Some(("（一）强化组织。".len(), Role::Kai))
        );
    }

    #[test]
    fn a_picture_is_found_beside_its_page_or_under_static_never_outside() {
        let root = Path::new("/site");
        let src = Path::new("content/cases/村/index.md");
        assert_eq!(
            picture_file(root, src, "%E5%9B%BE.jpg"),
            Some(PathBuf::from("/site/content/cases/村/图.jpg"))
        );
        assert_eq!(
            picture_file(root, src, "/images/a.png"),
            Some(PathBuf::from("/site/static/images/a.png"))
        );
        assert_eq!(picture_file(root, src, "../../../site.yaml"), None);
        assert_eq!(picture_file(root, src, "../../../../etc/passwd"), None);
    }
}
