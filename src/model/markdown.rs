//! Markdown → HTML with pulldown-cmark, tuned for Chinese text.
//!
//! On top of CommonMark (plus tables, footnotes, strikethrough and task
//! lists) this module reads emphasis next to Chinese punctuation by the
//! CJK-friendly rules ([`emphasis`]), joins hard-wrapped Chinese lines,
//! gives headings ids that work for Chinese titles, rewrites links to other
//! `.md` pages, neutralises dangerous URLs, sanitises raw HTML, and extracts
//! plain text, a summary and a character count for search and listings.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::OnceLock;

mod emphasis;
mod media;
mod rawhtml;

pub use media::Img;
pub use rawhtml::{Removed, RemovedHtml};

use crate::text::is_han;
use pulldown_cmark::{CowStr, Event, LinkType, Options as ParseOptions, Parser, Tag, TagEnd};

/// Options that come from site.yaml.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Let raw HTML through untouched (`unsafe_html: true`).
    pub unsafe_html: bool,
}

/// A heading, for the table of contents.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// A link or image destination found in the Markdown, with its position in
/// the Markdown text given to [`render`] (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRef {
    pub dest: String,
    pub line: usize,
    pub col: usize,
    pub is_image: bool,
}

/// The result of rendering one Markdown body.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    pub toc: Vec<Heading>,
    /// Plain text of the body (paragraphs separated by "\n"), for search.
    pub text: String,
    /// About 120 characters from the start of the text, skipping a
    /// salutation (同志们：) or recipients line.
    pub summary: String,
    /// Chinese characters plus Latin words and numbers.
    pub char_count: usize,
    pub links: Vec<LinkRef>,
    /// Raw HTML the sanitiser takes out, and links to unsafe addresses made
    /// harmless: what the page does not show of what was written.
    pub removed: Vec<Removed>,
}

/// Renders `src`. `resolve_link` maps a relative link destination ending in
/// `.md` (possibly with `#fragment`) to the href of that page; returning
/// `None` leaves the link as written (the caller reports it from `links`).
pub fn render(src: &str, opts: Options, resolve_link: &dyn Fn(&str) -> Option<String>) -> Rendered {
    render_with_pictures(src, opts, resolve_link, &|_| None)
}

/// [`render`], with `picture` telling the published sizes of an image by
/// its destination as written (see [`media`]).
pub fn render_with_pictures(
    src: &str,
    opts: Options,
    resolve_link: &dyn Fn(&str) -> Option<String>,
    picture: &dyn Fn(&str) -> Option<Img>,
) -> Rendered {
    let events = parse(src);
    let joins = cjk_soft_breaks(&events);
    let mut renderer = Renderer::new(src, opts, resolve_link, events.len());
    renderer.picture = picture;
    for ((event, range), join) in events.into_iter().zip(joins) {
        renderer.handle(event, range, join);
    }
    renderer.finish()
}

/// The parser's events for `src` with their byte ranges, emphasis next to
/// Chinese text read by the CJK-friendly rules ([`emphasis`]): the reading
/// the site's pages are rendered from, for other renderers (the printed
/// booklet, `crate::compile`).
pub fn parse(src: &str) -> Vec<(pulldown_cmark::Event<'_>, std::ops::Range<usize>)> {
    let events = Parser::new_ext(src, parse_options())
        .into_offset_iter()
        .collect();
    emphasis::cjk_friendly(src, events, parse_options())
}

/// The Markdown extensions the site uses.
fn parse_options() -> ParseOptions {
    ParseOptions::ENABLE_TABLES
        | ParseOptions::ENABLE_FOOTNOTES
        | ParseOptions::ENABLE_STRIKETHROUGH
        | ParseOptions::ENABLE_TASKLISTS
}

// ---------------------------------------------------------------------------
// Event rewriting
// ---------------------------------------------------------------------------

/// Walks the parser's events once, rewriting them for HTML output and
/// collecting the table of contents, links and plain text on the way.
struct Renderer<'a, 'r> {
    opts: Options,
    resolve_link: &'r dyn Fn(&str) -> Option<String>,
    picture: &'r dyn Fn(&str) -> Option<Img>,
    out: Vec<Event<'a>>,
    plain: PlainText,
    toc: TocBuilder,
    links: Vec<LinkRef>,
    cursor: LineCursor<'a>,
    has_raw_html: bool,
    removed: Vec<Removed>,
    /// Tags already judged by [`rawhtml::removed_in`] on this page.
    judged: HashMap<String, Vec<RemovedHtml>>,
    in_code: bool,
    table_depth: usize,
    image_depth: usize,
}

impl<'a, 'r> Renderer<'a, 'r> {
    fn new(
        src: &'a str,
        opts: Options,
        resolve_link: &'r dyn Fn(&str) -> Option<String>,
        capacity: usize,
    ) -> Self {
        Renderer {
            opts,
            resolve_link,
            picture: &|_| None,
            out: Vec::with_capacity(capacity),
            plain: PlainText::default(),
            toc: TocBuilder::default(),
            links: Vec::new(),
            cursor: LineCursor::new(src),
            has_raw_html: false,
            removed: Vec::new(),
            judged: HashMap::new(),
            in_code: false,
            table_depth: 0,
            image_depth: 0,
        }
    }

    /// Handles one event; `join` says a soft break sits next to CJK text.
    fn handle(&mut self, event: Event<'a>, range: Range<usize>, join: bool) {
        match event {
            Event::Start(Tag::HtmlBlock) => {
                self.check_html(range);
                self.out.push(Event::Start(Tag::HtmlBlock));
            }
            Event::Start(tag) => self.start(tag, range.start),
            Event::End(tag) => self.end(tag),
            Event::Text(ref t) | Event::Code(ref t) => {
                self.inline_text(t);
                self.out.push(event);
            }
            Event::SoftBreak if join => self.line_break(""),
            Event::SoftBreak => {
                self.line_break(" ");
                self.out.push(event);
            }
            Event::HardBreak => {
                self.line_break("\n");
                self.out.push(event);
            }
            Event::Html(_) => {
                self.has_raw_html = true;
                self.out.push(event);
            }
            Event::InlineHtml(_) => {
                self.has_raw_html = true;
                self.check_html(range);
                self.out.push(event);
            }
            other => self.out.push(other),
        }
    }

    fn start(&mut self, tag: Tag<'a>, offset: usize) {
        if !is_inline(&tag) {
            self.end_block();
        }
        let tag = match tag {
            Tag::Heading { .. } => {
                self.toc.open(self.out.len());
                tag
            }
            Tag::CodeBlock(_) => {
                self.in_code = true;
                tag
            }
            Tag::Table(_) => {
                self.table_depth += 1;
                tag
            }
            Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            } => {
                let dest_url = self.link_dest(link_type, dest_url, offset, false);
                Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }
            }
            Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            } => {
                self.image_depth += 1;
                let dest_url = self.link_dest(link_type, dest_url, offset, true);
                Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }
            }
            other => other,
        };
        self.out.push(Event::Start(tag));
    }

    fn end(&mut self, tag: TagEnd) {
        if !is_inline_end(&tag) {
            self.end_block();
        }
        match tag {
            TagEnd::Heading(level) => self.toc.close(&mut self.out, level as u8),
            TagEnd::CodeBlock => self.in_code = false,
            TagEnd::Table => self.table_depth = self.table_depth.saturating_sub(1),
            TagEnd::Image => self.image_depth = self.image_depth.saturating_sub(1),
            _ => {}
        }
        self.out.push(Event::End(tag));
    }

    /// Records what the sanitiser will take out of the raw HTML written at
    /// `range` of the source.
    fn check_html(&mut self, range: Range<usize>) {
        if self.opts.unsafe_html {
            return;
        }
        let src = self.cursor.src;
        let Some(html) = src.get(range.clone()) else {
            return;
        };
        for (offset, what) in rawhtml::removed_in(html, &mut self.judged) {
            let (line, col) = self.cursor.locate(range.start + offset);
            self.removed.push(Removed { what, line, col });
        }
    }

    /// Text and inline code; image alt text stays out of the plain text.
    fn inline_text(&mut self, text: &str) {
        if self.image_depth == 0 {
            self.plain.push(text);
            self.toc.push(text);
        }
    }

    /// A line break inside a block, written as `sep` in the plain text.
    fn line_break(&mut self, sep: &str) {
        self.plain.line_break(sep);
        self.toc.push(if sep.is_empty() { "" } else { " " });
    }

    /// Closes the current plain-text block, classified by where it sits.
    fn end_block(&mut self) {
        let kind = if self.toc.is_open() {
            BlockKind::Heading
        } else if self.in_code || self.table_depth > 0 {
            BlockKind::Other
        } else {
            BlockKind::Prose
        };
        self.plain.end_block(kind);
    }

    /// Records a link and returns the destination to write in the HTML.
    fn link_dest(
        &mut self,
        link_type: LinkType,
        dest: CowStr<'a>,
        offset: usize,
        is_image: bool,
    ) -> CowStr<'a> {
        let (line, col) = self.cursor.locate(offset);
        self.links.push(LinkRef {
            dest: dest.to_string(),
            line,
            col,
            is_image,
        });
        if !self.opts.unsafe_html && is_dangerous_url(&dest) {
            self.removed.push(Removed {
                what: RemovedHtml::UnsafeUrl(dest.to_string()),
                line,
                col,
            });
            return CowStr::Borrowed("#");
        }
        if link_type != LinkType::Email && is_relative_md(&dest) {
            if let Some(href) = (self.resolve_link)(&dest) {
                return CowStr::from(href);
            }
        }
        dest
    }

    fn finish(mut self) -> Rendered {
        self.end_block();
        let mut html = String::with_capacity(self.out.len() * 16);
        let events = media::rewrite(self.out, self.picture);
        pulldown_cmark::html::push_html(&mut html, events.into_iter());
        if self.has_raw_html && !self.opts.unsafe_html {
            html = sanitizer().clean(&html).to_string();
        }
        let summary = summarize(&self.plain);
        let text = self.plain.into_text();
        Rendered {
            html,
            toc: self.toc.headings,
            char_count: count_chars(&text),
            text,
            summary,
            links: self.links,
            removed: self.removed,
        }
    }
}

/// Tags that live inside a block (everything else starts or ends a block).
fn is_inline(tag: &Tag) -> bool {
    matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. }
    )
}

/// [`is_inline`] for end tags.
fn is_inline_end(tag: &TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

// ---------------------------------------------------------------------------
// Chinese line joining
// ---------------------------------------------------------------------------

/// For each event, whether it is a soft break to drop because the text on
/// either side of it is CJK (a hard-wrapped Chinese line).
fn cjk_soft_breaks(events: &[(Event, Range<usize>)]) -> Vec<bool> {
    events
        .iter()
        .enumerate()
        .map(|(i, (event, _))| matches!(event, Event::SoftBreak) && joins_cjk(events, i))
        .collect()
}

/// Whether the soft break at `i` touches a CJK character.
fn joins_cjk(events: &[(Event, Range<usize>)], i: usize) -> bool {
    let before = events[..i].iter().rev().map(|(e, _)| e);
    let after = events
        .get(i + 1..)
        .unwrap_or_default()
        .iter()
        .map(|(e, _)| e);
    edge_char(before, true).is_some_and(is_cjk) || edge_char(after, false).is_some_and(is_cjk)
}

/// The first visible character met walking `events` within the same line of
/// inline content (the last character of a text if `from_end`).
fn edge_char<'e, 'a: 'e>(
    events: impl Iterator<Item = &'e Event<'a>>,
    from_end: bool,
) -> Option<char> {
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) => {
                let c = if from_end {
                    t.trim_end().chars().next_back()
                } else {
                    t.trim_start().chars().next()
                };
                if c.is_some() {
                    return c;
                }
            }
            Event::Start(tag) if is_inline(tag) => {}
            Event::End(tag) if is_inline_end(tag) => {}
            Event::InlineHtml(_) | Event::FootnoteReference(_) => {}
            _ => return None,
        }
    }
    None
}

/// Han ([`is_han`]), kana, hangul and other CJK letters, each counted as a
/// word.
fn is_cjk_letter(c: char) -> bool {
    is_han(c)
        || matches!(
                c as u32,
                0x1100..=0x11FF
                | 0x2E80..=0x2FDF
                | 0x3005..=0x3007
                | 0x3021..=0x3029
                | 0x3040..=0x30FF
                | 0x3100..=0x318F
                | 0x31A0..=0x31BF
                | 0x31F0..=0x31FF
                | 0xA960..=0xA97F
                | 0xAC00..=0xD7FF
                | 0xFF66..=0xFF9F
        )
}

/// CJK letters plus CJK punctuation, symbols and full-width forms: a line
/// break next to one of these is an artefact of wrapping, not a space.
fn is_cjk(c: char) -> bool {
    is_cjk_letter(c)
        || matches!(c as u32, 0x3000..=0x303F | 0x3190..=0x319F | 0x31C0..=0x31EF | 0x3200..=0x33FF | 0xFE10..=0xFE1F | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF)
        || matches!(c, '“' | '”' | '‘' | '’' | '—' | '…' | '·')
}

// ---------------------------------------------------------------------------
// Headings
// ---------------------------------------------------------------------------

/// Collects heading titles and gives each heading a unique id.
#[derive(Default)]
struct TocBuilder {
    /// Index in the output of the open heading's start event.
    open: Option<usize>,
    title: String,
    /// Ids given so far, and the next suffix to try for each base id.
    used: HashSet<String>,
    next_suffix: HashMap<String, usize>,
    headings: Vec<Heading>,
}

impl TocBuilder {
    fn open(&mut self, index: usize) {
        self.open = Some(index);
        self.title.clear();
    }

    fn is_open(&self) -> bool {
        self.open.is_some()
    }

    fn push(&mut self, text: &str) {
        if self.is_open() {
            self.title.push_str(text);
        }
    }

    /// Ends the open heading: sets its id and adds it to the TOC.
    fn close(&mut self, out: &mut [Event], level: u8) {
        let Some(index) = self.open.take() else {
            return;
        };
        let title = collapse_whitespace(&self.title);
        let id = self.unique(slugify(&title));
        if let Some(Event::Start(Tag::Heading { id: slot, .. })) = out.get_mut(index) {
            *slot = Some(CowStr::from(id.clone()));
        }
        self.headings.push(Heading { level, id, title });
    }

    /// `base`, or `base-1`, `base-2`… if taken.
    fn unique(&mut self, base: String) -> String {
        if self.used.insert(base.clone()) {
            return base;
        }
        let next = self.next_suffix.entry(base.clone()).or_insert(1);
        loop {
            let candidate = format!("{base}-{next}");
            *next += 1;
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

/// An id from a heading title: letters and digits of any script are kept
/// (ASCII lowercased), runs of anything else become one '-'.
fn slugify(title: &str) -> String {
    let mut slug = String::with_capacity(title.len());
    let mut dash = false;
    for c in title.chars() {
        if c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c) {
            if dash && !slug.is_empty() {
                slug.push('-');
            }
            dash = false;
            slug.push(c.to_ascii_lowercase());
        } else {
            dash = true;
        }
    }
    if slug.is_empty() {
        slug.push_str("section");
    }
    slug
}

// ---------------------------------------------------------------------------
// Links
// ---------------------------------------------------------------------------

/// The lowercased scheme of a URL, read the way browsers do: leading
/// whitespace and control characters skipped, tabs and newlines ignored.
fn url_scheme(url: &str) -> Option<String> {
    let mut scheme = String::new();
    for c in url
        .trim_start_matches(|c: char| c.is_whitespace() || c.is_control())
        .chars()
    {
        match c {
            ':' if !scheme.is_empty() => return Some(scheme),
            '\t' | '\n' | '\r' => {}
            c if c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.') => {
                scheme.push(c.to_ascii_lowercase())
            }
            _ => return None,
        }
        if scheme.len() > 32 {
            return None;
        }
    }
    None
}

/// URLs that run code or reach local files when followed.
fn is_dangerous_url(url: &str) -> bool {
    url_scheme(url)
        .is_some_and(|s| matches!(s.as_str(), "javascript" | "vbscript" | "data" | "file"))
}

/// A relative link to another Markdown file, e.g. `../cases/a.md#做法`.
fn is_relative_md(dest: &str) -> bool {
    let path = dest.split(['#', '?']).next().unwrap_or_default();
    !dest.starts_with(['/', '#']) && url_scheme(dest).is_none() && path.ends_with(".md")
}

/// Turns byte offsets into 1-based line and column (in characters),
/// scanning forward from the last position asked for.
struct LineCursor<'a> {
    src: &'a str,
    offset: usize,
    line: usize,
    col: usize,
}

impl<'a> LineCursor<'a> {
    fn new(src: &'a str) -> Self {
        LineCursor {
            src,
            offset: 0,
            line: 1,
            col: 1,
        }
    }

    fn locate(&mut self, offset: usize) -> (usize, usize) {
        let mut target = offset.min(self.src.len());
        while !self.src.is_char_boundary(target) {
            target -= 1;
        }
        if target < self.offset {
            *self = LineCursor::new(self.src);
        }
        let passed = self.src.get(self.offset..target).unwrap_or_default();
        match passed.rfind('\n') {
            Some(last) => {
                self.line += passed.bytes().filter(|&b| b == b'\n').count();
                self.col = 1 + passed.get(last + 1..).unwrap_or_default().chars().count();
            }
            None => self.col += passed.chars().count(),
        }
        self.offset = target;
        (self.line, self.col)
    }
}

// ---------------------------------------------------------------------------
// Raw HTML
// ---------------------------------------------------------------------------

/// The sanitiser for documents with raw HTML, built once.
fn sanitizer() -> &'static ammonia::Builder<'static> {
    static SANITIZER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    SANITIZER.get_or_init(build_sanitizer)
}

/// Ammonia's defaults (no scripts, styles, event handlers, forms or
/// `javascript:`/`data:` URLs) plus what pulldown-cmark itself emits.
fn build_sanitizer() -> ammonia::Builder<'static> {
    let mut builder = ammonia::Builder::default();
    builder
        .add_tags(["input", "figure", "figcaption", "video", "audio", "source"])
        .add_clean_content_tags([
            "iframe", "object", "embed", "noembed", "noframes", "template", "textarea", "select",
        ])
        .add_generic_attributes(["class"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .set_tag_attribute_value("input", "type", "checkbox")
        .add_tag_attributes("div", ["id"])
        .add_tag_attributes(
            "img",
            ["srcset", "sizes", "width", "height", "loading", "decoding"],
        )
        .add_tag_attributes("video", ["src", "controls", "preload", "width", "height"])
        .add_tag_attributes("audio", ["src", "controls", "preload"])
        .add_tag_attributes("source", ["src", "type"])
        .add_tag_attributes("th", ["style", "align"])
        .add_tag_attributes("td", ["style", "align"])
        .attribute_filter(keep_attribute)
        .link_rel(None);
    for heading in ["h1", "h2", "h3", "h4", "h5", "h6"] {
        builder.add_tag_attributes(heading, ["id"]);
    }
    for aligned in ["p", "div", "h1", "h2", "h3", "h4", "h5", "h6"] {
        builder.add_tag_attributes(aligned, ["style", "align"]);
    }
    builder
}

/// Allows styles only for alignment (what pulldown-cmark writes in
/// tables, and what a signature or 落款 needs), tidied to
/// `text-align: right`; the `align` attribute likewise; and the image and
/// player attributes only with the values [`media`] writes (every `srcset`
/// address one a link may have).
fn keep_attribute<'u>(element: &str, attribute: &str, value: &'u str) -> Option<Cow<'u, str>> {
    let keep = |ok: bool| ok.then_some(Cow::Borrowed(value));
    match (element, attribute) {
        ("img", "loading") => keep(matches!(value, "lazy" | "eager")),
        ("img", "decoding") => keep(matches!(value, "async" | "sync" | "auto")),
        ("video" | "audio", "preload") => keep(matches!(value, "none" | "metadata" | "auto")),
        ("img", "srcset") => keep(value.split(',').all(|c| {
            let url = c.split_whitespace().next().unwrap_or("");
            !url.contains(':') || url.starts_with("http://") || url.starts_with("https://")
        })),
        (_, "style") => text_align(value).map(|a| Cow::Owned(format!("text-align: {a}"))),
        (_, "align") => ALIGNMENTS
            .iter()
            .find(|a| value.trim().eq_ignore_ascii_case(a))
            .map(|a| Cow::Borrowed(*a)),
        _ => Some(Cow::Borrowed(value)),
    }
}

/// The alignments kept.
const ALIGNMENTS: &[&str] = &["left", "center", "right", "justify"];

/// The `text-align` of a style attribute, if it has a kept one.
fn text_align(style: &str) -> Option<&'static str> {
    style.split(';').find_map(|decl| {
        let (prop, value) = decl.split_once(':')?;
        if !prop.trim().eq_ignore_ascii_case("text-align") {
            return None;
        }
        ALIGNMENTS
            .iter()
            .find(|a| value.trim().eq_ignore_ascii_case(a))
            .copied()
    })
}

// ---------------------------------------------------------------------------
// Plain text, summary and counting
// ---------------------------------------------------------------------------

/// Where a block of plain text came from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum BlockKind {
    /// Paragraphs, list items, quotes: material for the summary.
    Prose,
    Heading,
    /// Code and tables.
    Other,
}

/// A prose block inside [`PlainText::text`], with the end of its first line.
struct ProseBlock {
    range: Range<usize>,
    first_line_end: Option<usize>,
}

/// Plain text of the body, one block per line.
#[derive(Default)]
struct PlainText {
    text: String,
    block_start: usize,
    first_line_end: Option<usize>,
    /// The first prose blocks, enough to make a summary from.
    prose: Vec<ProseBlock>,
    prose_chars: usize,
}

/// How much prose (not counting salutations) to keep for the summary.
const PROSE_KEPT: usize = 2 * SUMMARY_CHARS;

impl PlainText {
    fn push(&mut self, s: &str) {
        self.text.push_str(s);
    }

    fn line_break(&mut self, sep: &str) {
        if self.first_line_end.is_none() && self.text.len() > self.block_start {
            self.first_line_end = Some(self.text.len());
        }
        self.text.push_str(sep);
    }

    /// Ends the current block, remembering it if it is prose.
    fn end_block(&mut self, kind: BlockKind) {
        let start = self.block_start;
        let end = start + self.text.get(start..).unwrap_or_default().trim_end().len();
        self.text.truncate(end);
        if end > start {
            if kind == BlockKind::Prose && self.prose_chars < PROSE_KEPT {
                self.keep_prose(start..end);
            }
            self.text.push('\n');
        }
        self.block_start = self.text.len();
        self.first_line_end = None;
    }

    fn keep_prose(&mut self, range: Range<usize>) {
        let block = self.text.get(range.clone()).unwrap_or_default();
        if !is_salutation(block) {
            self.prose_chars += block.chars().count();
        }
        let first_line_end = self.first_line_end.filter(|&e| e < range.end);
        self.prose.push(ProseBlock {
            range,
            first_line_end,
        });
    }

    fn into_text(mut self) -> String {
        self.text.truncate(self.text.trim_end().len());
        self.text
    }
}

/// Summary length in characters.
const SUMMARY_CHARS: usize = 120;
/// A cut summary may end at a sentence end only after this many characters.
const SUMMARY_MIN_SENTENCE: usize = 60;
/// Longest line still taken for a salutation or recipients line.
const SALUTATION_MAX_CHARS: usize = 40;

/// A short line ending in a colon: "同志们：", "各支部：".
fn is_salutation(line: &str) -> bool {
    let line = line.trim();
    (line.ends_with('：') || line.ends_with(':')) && line.chars().count() <= SALUTATION_MAX_CHARS
}

/// About [`SUMMARY_CHARS`] characters of prose from the start of the body,
/// after any salutation or recipients line.
fn summarize(plain: &PlainText) -> String {
    let mut joined = String::new();
    let mut skipping = true;
    for block in &plain.prose {
        let Some(mut s) = plain.text.get(block.range.clone()) else {
            continue;
        };
        if skipping {
            if is_salutation(s) {
                continue;
            }
            s = skip_salutation_line(&plain.text, block).unwrap_or(s);
            skipping = false;
        }
        join_cjk_aware(&mut joined, s);
    }
    truncate_summary(collapse_whitespace(&joined))
}

/// The rest of a block whose first line is a salutation.
fn skip_salutation_line<'t>(text: &'t str, block: &ProseBlock) -> Option<&'t str> {
    let end = block.first_line_end?;
    let first = text.get(block.range.start..end)?;
    is_salutation(first)
        .then(|| text.get(end..block.range.end))
        .flatten()
}

/// Appends `s` to `out`, with a space in between unless either side is CJK.
fn join_cjk_aware(out: &mut String, s: &str) {
    let s = s.trim();
    let (Some(last), Some(first)) = (out.chars().next_back(), s.chars().next()) else {
        out.push_str(s);
        return;
    };
    if !is_cjk(last) && !is_cjk(first) {
        out.push(' ');
    }
    out.push_str(s);
}

/// Trims and turns each whitespace run into one space, or into nothing
/// where it touches CJK text.
fn collapse_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        join_cjk_aware(&mut out, word);
    }
    out
}

/// Cuts `s` to [`SUMMARY_CHARS`] characters, at a sentence end if there is
/// one late enough, else with "…".
fn truncate_summary(s: String) -> String {
    let Some((cut, _)) = s.char_indices().nth(SUMMARY_CHARS) else {
        return s;
    };
    let head = &s[..cut];
    let sentence_end = head
        .char_indices()
        .enumerate()
        .filter(|&(n, (_, c))| {
            n + 1 >= SUMMARY_MIN_SENTENCE && matches!(c, '。' | '！' | '？' | '；')
        })
        .last();
    match sentence_end {
        Some((_, (at, c))) => {
            let mut end = at + c.len_utf8();
            if let Some(quote) = head[end..]
                .chars()
                .next()
                .filter(|q| matches!(q, '”' | '’' | '」' | '』' | '）'))
            {
                end += quote.len_utf8();
            }
            head[..end].to_string()
        }
        None => format!("{}…", head.trim_end()),
    }
}

/// CJK letters one by one, plus runs of other letters and digits as words
/// ("3.14", "1,000" and "don't" count once).
fn count_chars(text: &str) -> usize {
    let mut count = 0;
    let mut in_word = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let cjk = !c.is_ascii() && is_cjk_letter(c);
        if cjk || !c.is_alphanumeric() {
            count += usize::from(cjk);
            let connects = matches!(c, '.' | ',' | '\'' | '’')
                && chars.peek().is_some_and(char::is_ascii_alphanumeric);
            in_word = in_word && connects;
        } else {
            count += usize::from(!in_word);
            in_word = true;
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(src: &str) -> Rendered {
        render(src, Options::default(), &|_| None)
    }

    #[test]
    fn chinese_hard_wraps_join_without_space_latin_keeps_one() {
        let r = md("支部书记带头\n走访群众，\n共计三十户。\n\nthe branch\nmet twice");
        assert!(
            r.html.contains("<p>支部书记带头走访群众，共计三十户。</p>"),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("the branch\nmet twice") || r.html.contains("the branch met twice"),
            "{}",
            r.html
        );
        assert!(!r.text.contains("带头 走访"), "{}", r.text);
        assert!(r.text.contains("the branch met twice"), "{}", r.text);
    }

    #[test]
    fn chinese_headings_get_working_unique_ids() {
        let r = md("## 一、总体要求\n\n正文\n\n## 一、总体要求\n\n### Work Plan 2024\n");
        let ids: Vec<&str> = r.toc.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids.len(), 3);
        assert!(ids[0].contains("总体要求"), "{ids:?}");
        assert_ne!(ids[0], ids[1], "duplicate headings get distinct ids");
        assert!(
            ids.iter().all(|i| !i.contains(' ') && !i.is_empty()),
            "{ids:?}"
        );
        assert!(r.html.contains(&format!("id=\"{}\"", ids[0])), "{}", r.html);
        assert_eq!(r.toc[2].level, 3);
    }

    #[test]
    fn extensions_tables_footnotes_strikethrough_tasks() {
        let r = md("| 项目 | 数量 |\n|---|---|\n| 党员 | 38 |\n\n脚注[^1]\n\n[^1]: 说明\n\n~~删除~~\n\n- [x] 完成\n");
        for want in [
            "<table>",
            "<td>38</td>",
            "footnote",
            "<del>删除</del>",
            "checkbox",
        ] {
            assert!(r.html.contains(want), "lacks {want}: {}", r.html);
        }
    }

    #[test]
    fn summary_skips_salutation_and_counts_characters() {
        let r = md("同志们：\n\n今天召开全镇党建工作推进会，主要任务是总结去年工作。");
        assert!(r.summary.starts_with("今天召开"), "{}", r.summary);
        let long = "党".repeat(1000);
        let r = md(&long);
        assert!(
            r.summary.chars().count() <= 130,
            "{}",
            r.summary.chars().count()
        );
        assert_eq!(r.char_count, 1000);
        let mixed = md("全年召开会议12次，QQ群 two words");
        assert_eq!(
            mixed.char_count,
            6 + 1 + 1 + 1 + 1 + 2,
            "Chinese characters plus Latin words and numbers"
        );
    }

    #[test]
    fn raw_html_is_sanitised_unless_unsafe() {
        let src = "<script>alert(1)</script><img src=\"a.png\" onerror=\"alert(2)\"><b>粗</b>\n\n[点我](javascript:alert(3))";
        let r = md(src);
        assert!(!r.html.contains("<script"), "{}", r.html);
        assert!(!r.html.contains("onerror"), "{}", r.html);
        assert!(!r.html.contains("javascript:"), "{}", r.html);
        assert!(r.html.contains("<b>粗</b>"), "{}", r.html);
        let raw = render(src, Options { unsafe_html: true }, &|_| None);
        assert!(
            raw.html.contains("<script>alert(1)</script>"),
            "{}",
            raw.html
        );
    }

    #[test]
    fn md_links_are_resolved_and_reported_with_positions() {
        let r = render(
            "第一行\n\n见[石门村](../cases/石门村.md#做法)和[别处](x.md)",
            Options::default(),
            &|d| {
                d.starts_with("../cases/")
                    .then(|| "../../cases/石门村/index.html#做法".to_string())
            },
        );
        assert!(
            r.html.contains(
                "href=\"../../cases/%E7%9F%B3%E9%97%A8%E6%9D%91/index.html#%E5%81%9A%E6%B3%95\""
            ),
            "{}",
            r.html
        );
        assert_eq!(r.links.len(), 2);
        assert_eq!((r.links[0].line, r.links[0].col), (3, 2));
        assert_eq!(r.links[1].dest, "x.md");
    }

    /// Every Chinese punctuation mark staff write, on either side of the
    /// delimiters.
    const CHINESE_PUNCTUATION: [char; 20] = [
        '，', '。', '、', '；', '：', '？', '！', '“', '”', '‘', '’', '（', '）', '《', '》', '【',
        '】', '—', '…', '·',
    ];

    /// The places inline Markdown is written: (source of a block holding
    /// `x`, its HTML, its plain text).
    fn contexts(x: &str, html: &str, plain: &str) -> Vec<(String, String, String)> {
        let id = slugify(&collapse_whitespace(plain));
        vec![
            (x.to_string(), format!("<p>{html}</p>\n"), plain.to_string()),
            (
                format!("- {x}"),
                format!("<ul>\n<li>{html}</li>\n</ul>\n"),
                plain.to_string(),
            ),
            (
                format!("| 列 |\n|---|\n| {x} |"),
                format!(
                    "<table><thead><tr><th>列</th></tr></thead><tbody>\n<tr><td>{html}</td></tr>\n</tbody></table>\n"
                ),
                format!("列\n{plain}"),
            ),
            (
                format!("## {x}"),
                format!("<h2 id=\"{id}\">{html}</h2>\n"),
                plain.to_string(),
            ),
        ]
    }

    #[test]
    fn emphasis_next_to_chinese_punctuation_follows_the_cjk_friendly_rules() {
        let mut failures = Vec::new();
        for (delim, tag) in [("**", "strong"), ("*", "em"), ("~~", "del")] {
            for p in CHINESE_PUNCTUATION {
                // Inside the closing delimiter, inside the opening one, and
                // outside both (which CommonMark already allows).
                let cases = [
                    (
                        format!("她{delim}一是{p}{delim}正文"),
                        format!("她<{tag}>一是{p}</{tag}>正文"),
                        format!("她一是{p}正文"),
                    ),
                    (
                        format!("她{delim}{p}一是{delim}正文"),
                        format!("她<{tag}>{p}一是</{tag}>正文"),
                        format!("她{p}一是正文"),
                    ),
                    (
                        format!("她{p}{delim}一是{delim}{p}正文"),
                        format!("她{p}<{tag}>一是</{tag}>{p}正文"),
                        format!("她{p}一是{p}正文"),
                    ),
                ];
                for (x, html, plain) in cases {
                    for (src, want, text) in contexts(&x, &html, &plain) {
                        let r = md(&src);
                        if r.html != want {
                            failures.push(format!("{src:?}\n  got  {:?}\n  want {want:?}", r.html));
                        }
                        if r.text != text {
                            failures.push(format!("{src:?}: text {:?}", r.text));
                        }
                    }
                }
            }
        }
        assert!(
            failures.is_empty(),
            "{} failures:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }

    #[test]
    fn cjk_emphasis_in_real_sentences_and_summaries() {
        let r = md("**一是加强领导。**要求各支部**务必**落实责任。\n\n**真，**她说：“**好！**”");
        assert_eq!(
            r.html,
            "<p><strong>一是加强领导。</strong>要求各支部<strong>务必</strong>落实责任。</p>\n\
             <p><strong>真，</strong>她说：“<strong>好！</strong>”</p>\n"
        );
        assert_eq!(
            r.summary,
            "一是加强领导。要求各支部务必落实责任。真，她说：“好！”"
        );
        assert!(!r.text.contains('*'), "{}", r.text);
        // Positions of links after a replaced character stay right.
        let r = md("**一是。**见[石门村](a.md)");
        assert_eq!((r.links[0].line, r.links[0].col), (1, 9));
        assert!(r.html.contains("<strong>一是。</strong>见<a"), "{}", r.html);
    }

    #[test]
    fn code_and_escapes_keep_their_asterisks() {
        let r = md(
            "`**真，**她`\n\n```\n**真，**她\n```\n\n\\*\\*真，\\*\\*她\n\n<span>**真，**她</span>",
        );
        assert!(r.html.contains("<code>**真，**她</code>"), "{}", r.html);
        assert!(
            r.html.contains("<pre><code>**真，**她\n</code></pre>"),
            "{}",
            r.html
        );
        assert!(r.html.contains("<p>**真，**她</p>"), "{}", r.html);
        assert!(
            r.html.contains("<strong>真，</strong>她</span>"),
            "{}",
            r.html
        );
    }

    /// Text without emphasis next to CJK characters gets exactly the
    /// CommonMark events, ASCII text whatever its asterisks.
    #[test]
    fn other_text_reads_as_commonmark() {
        for src in [
            "2*3*4 and 2 * 3 * 4, a*b*c, *a*b, a**b**c, ***a*** **a *b* c**",
            "snake_case_name, _a_, __b__, ~~del~~, ~x~, a~~b~~c, ~~~not~~~",
            "*(a)*b, a*(b)*, **foo \"*bar*\" foo**, *foo*bar, foo*bar*",
            "\\*not\\*, `*code*`, <i>*html*</i>, [*a*](b*c*d), <http://a*b*c>",
            "**真**，她说：“好”。*一是*加强。~~删~~掉",
            "| a | **b** |\n|---|---|\n| *c* | ~~d~~ |",
        ] {
            let plain: Vec<_> = Parser::new_ext(src, parse_options())
                .into_offset_iter()
                .collect();
            assert_eq!(parse(src), plain, "{src}");
        }
    }
}

#[cfg(test)]
mod media_tests {
    use super::*;

    fn md(src: &str) -> String {
        render(src, Options::default(), &|_| None).html
    }

    #[test]
    fn an_image_alone_with_alt_text_is_a_figure_with_that_caption() {
        assert_eq!(
            md("![村民议事会现场](议事会.jpg)\n"),
            "<figure><img src=\"%E8%AE%AE%E4%BA%8B%E4%BC%9A.jpg\" alt=\"村民议事会现场\"><figcaption>村民议事会现场</figcaption></figure>\n"
        );
        // markup in the alt text is dropped, the title kept
        assert_eq!(
            md("![**支部**书记 & 党员](a.png \"合影\")"),
            "<figure><img src=\"a.png\" alt=\"支部书记 &amp; 党员\" title=\"合影\"><figcaption>支部书记 &amp; 党员</figcaption></figure>\n"
        );
    }

    #[test]
    fn an_image_in_text_or_without_alt_text_stays_an_image() {
        assert_eq!(
            md("会场如图![会场](a.png)所示。"),
            "<p>会场如图<img src=\"a.png\" alt=\"会场\" />所示。</p>\n"
        );
        assert_eq!(md("![](a.png)"), "<p><img src=\"a.png\" alt=\"\" /></p>\n");
        assert_eq!(
            md("![  ](a.png)"),
            "<p><img src=\"a.png\" alt=\"  \" /></p>\n"
        );
        // linked: not alone
        assert_eq!(
            md("[![会场](a.png)](b.html)"),
            "<p><a href=\"b.html\"><img src=\"a.png\" alt=\"会场\" /></a></p>\n"
        );
    }

    #[test]
    fn video_and_audio_files_become_players() {
        assert_eq!(
            md("![宣传片](宣传片.mp4)"),
            "<figure><video controls preload=\"metadata\" src=\"%E5%AE%A3%E4%BC%A0%E7%89%87.mp4\"><a href=\"%E5%AE%A3%E4%BC%A0%E7%89%87.mp4\">下载视频：宣传片</a></video><figcaption>宣传片</figcaption></figure>\n"
        );
        assert_eq!(
            md("![](v.WEBM)"),
            "<p><video controls preload=\"metadata\" src=\"v.WEBM\"><a href=\"v.WEBM\">下载视频</a></video></p>\n"
        );
        assert_eq!(
            md("![党课录音](ke.mp3)"),
            "<figure><audio controls preload=\"metadata\" src=\"ke.mp3\"><a href=\"ke.mp3\">下载音频：党课录音</a></audio><figcaption>党课录音</figcaption></figure>\n"
        );
        assert_eq!(
            md("请听![录音](a.m4a)。"),
            "<p>请听<audio controls preload=\"metadata\" src=\"a.m4a\"><a href=\"a.m4a\">下载音频：录音</a></audio>。</p>\n"
        );
        // a dangerous address is neutralised before it is a player
        assert_eq!(
            md("![x](javascript:alert(1)//.mp4)"),
            "<figure><img src=\"#\" alt=\"x\"><figcaption>x</figcaption></figure>\n"
        );
    }

    #[test]
    fn published_sizes_give_srcset_and_a_link_to_the_original() {
        let img = |dest: &str| {
            (dest == "p.jpg").then(|| Img {
                src: "p.1600w.jpg".into(),
                width: 1600,
                height: 1200,
                sizes: vec![("p.640w.jpg".into(), 640), ("p.1600w.jpg".into(), 1600)],
                original: "p.jpg".into(),
            })
        };
        let r = |src: &str| render_with_pictures(src, Options::default(), &|_| None, &img).html;
        assert_eq!(
            r("![支部活动](p.jpg)"),
            "<figure><a href=\"p.jpg\"><img src=\"p.1600w.jpg\" srcset=\"p.640w.jpg 640w, p.1600w.jpg 1600w\" sizes=\"(max-width: 800px) 100vw, 760px\" width=\"1600\" height=\"1200\" alt=\"支部活动\" loading=\"lazy\" decoding=\"async\"></a><figcaption>支部活动</figcaption></figure>\n"
        );
        assert_eq!(
            r("见![](p.jpg)"),
            "<p>见<img src=\"p.1600w.jpg\" srcset=\"p.640w.jpg 640w, p.1600w.jpg 1600w\" sizes=\"(max-width: 800px) 100vw, 760px\" width=\"1600\" height=\"1200\" alt=\"\" loading=\"lazy\" decoding=\"async\"></p>\n"
        );
        // with raw HTML elsewhere the sanitiser keeps all of it
        let with_raw = r("<b>粗</b>\n\n![支部活动](p.jpg)\n\n![宣传片](v.mp4)");
        assert!(with_raw.contains("<figure><a href=\"p.jpg\"><img src=\"p.1600w.jpg\" srcset=\"p.640w.jpg 640w, p.1600w.jpg 1600w\" sizes=\"(max-width: 800px) 100vw, 760px\" width=\"1600\" height=\"1200\" alt=\"支部活动\" loading=\"lazy\" decoding=\"async\"></a><figcaption>支部活动</figcaption></figure>"), "{with_raw}");
        assert!(with_raw.contains("<figure><video controls=\"\" preload=\"metadata\" src=\"v.mp4\"><a href=\"v.mp4\">下载视频：宣传片</a></video><figcaption>宣传片</figcaption></figure>"), "{with_raw}");
    }

    #[test]
    fn raw_players_keep_only_safe_attributes() {
        let html = md("<video src=\"javascript:alert(1)\" autoplay onplay=\"alert(2)\" controls></video>\n<img src=\"a.png\" srcset=\"javascript:alert(3) 1x, b.png 2x\" loading=\"x\" onload=\"alert(4)\">\n<audio src=\"a.mp3\" preload=\"evil\" onerror=\"alert(5)\"></audio>");
        for bad in [
            "javascript",
            "autoplay",
            "onplay",
            "onload",
            "onerror",
            "srcset",
            "loading",
            "evil",
        ] {
            assert!(!html.contains(bad), "{bad} kept: {html}");
        }
        assert!(html.contains("<video controls=\"\"></video>"), "{html}");
        assert!(html.contains("<audio src=\"a.mp3\"></audio>"), "{html}");
    }
}
