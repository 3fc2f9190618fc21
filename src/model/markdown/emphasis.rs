//! Emphasis next to Chinese text: the CJK-friendly amendment to CommonMark's
//! flanking rules (the "markdown-cjk-friendly" specification).
//!
//! CommonMark refuses `**一是加强领导。**正文`: the closing `**` follows a
//! punctuation mark and precedes a letter, so it is not right-flanking and
//! the asterisks are printed. The amendment treats a CJK character (Han,
//! kana, hangul, and the full-width and wide punctuation such as `，。、（）`)
//! like this: as the character inside a delimiter run it is never "non-CJK
//! punctuation", and as the character outside it counts as well as
//! whitespace or punctuation. `“”‘’—…·` stay non-CJK punctuation, but a CJK
//! character on their far side lets the run flank (`她**“真”**说`).
//!
//! pulldown-cmark decides flanking from the characters on either side of a
//! run in the source, so this module does not reimplement emphasis: it
//! finds the runs the parser's inline scanner looked at (from a first parse:
//! the delimiters of matched emphasis and the literal ones left in text,
//! never those in code, raw HTML, autolinks, link destinations or escapes),
//! decides for each CJK neighbour whether the parser must see it as a letter
//! or as punctuation so that every run gets the amended open/close flags,
//! puts a placeholder of the same length in its place and parses again; the
//! original characters are then put back into the text events, and the byte
//! offsets, hence every position reported, stay the same. Only `*` and `~~`
//! runs follow the amended rules; `_` and single `~` keep the flags
//! pulldown-cmark gives them. A document with no run whose flags differ is
//! parsed once and its events are returned as they were.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

/// The parser's events with their source ranges.
pub(super) type Events<'a> = Vec<(Event<'a>, Range<usize>)>;

/// `events` (the parse of `src` with `options`), or, where a run of `*` or
/// `~~` next to a CJK character flanks differently under the amended rules,
/// the events of a parse that follows them.
pub(super) fn cjk_friendly<'a>(src: &'a str, events: Events<'a>, options: Options) -> Events<'a> {
    let subs = substitutions(src, &events);
    if subs.is_empty() {
        return events;
    }
    let mut modified = String::from(src);
    for sub in subs.iter().rev() {
        let mut buf = [0; 4];
        modified.replace_range(
            sub.at..sub.at + sub.original.len_utf8(),
            sub.placeholder.encode_utf8(&mut buf),
        );
    }
    let mut restored = 0;
    let mut out: Events<'a> = Vec::with_capacity(events.len());
    for (event, range) in Parser::new_ext(&modified, options).into_offset_iter() {
        let event = match event {
            Event::Text(t) => Event::Text(restore(t, &range, &subs, &mut restored)),
            Event::Code(t) => Event::Code(restore(t, &range, &subs, &mut restored)),
            other => other,
        };
        out.push((event.into_static(), range));
    }
    if restored != subs.len() || references(&out) != references(&events) {
        // A placeholder reached a place it cannot be read back from (a
        // reference label, an entity): keep the plain CommonMark reading.
        return events;
    }
    out
}

/// A character of the source shown to the second parse as `placeholder`.
#[derive(Debug)]
struct Sub {
    at: usize,
    original: char,
    placeholder: char,
}

/// Puts the original characters back into a text event of the second parse.
fn restore<'t>(
    text: CowStr<'t>,
    range: &Range<usize>,
    subs: &[Sub],
    restored: &mut usize,
) -> CowStr<'t> {
    let first = subs.partition_point(|s| s.at < range.start);
    let last = subs.partition_point(|s| s.at < range.end);
    let mut pending = subs[first..last].iter();
    if pending.len() == 0 {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match pending.as_slice().first() {
            Some(sub) if sub.placeholder == c => {
                out.push(sub.original);
                pending.next();
                *restored += 1;
            }
            _ => out.push(c),
        }
    }
    CowStr::from(out)
}

/// Links, images and footnote references: a substitution must not change
/// which of them the parser finds.
fn references(events: &[(Event, Range<usize>)]) -> usize {
    events
        .iter()
        .filter(|(e, _)| {
            matches!(
                e,
                Event::Start(Tag::Link { .. } | Tag::Image { .. }) | Event::FootnoteReference(_)
            )
        })
        .count()
}

// ---------------------------------------------------------------------------
// Delimiter runs
// ---------------------------------------------------------------------------

/// A delimiter run the inline scanner looked at.
#[derive(Debug)]
struct Run {
    start: usize,
    end: usize,
    delim: u8,
    in_table: bool,
}

/// Every `*`, `_` and `~` the inline scanner of the first parse took as
/// (part of) a delimiter run, with whether it sits in a table, in source
/// order.
fn delimiter_bytes(src: &str, events: &[(Event, Range<usize>)]) -> Vec<(usize, bool)> {
    let bytes = src.as_bytes();
    let mut found = Vec::new();
    let mut code_block = 0usize;
    let mut autolink = 0usize;
    let mut table = 0usize;
    for (event, range) in events {
        match event {
            Event::Start(Tag::CodeBlock(_)) => code_block += 1,
            Event::End(TagEnd::CodeBlock) => code_block = code_block.saturating_sub(1),
            Event::Start(Tag::Table(_)) => table += 1,
            Event::End(TagEnd::Table) => table = table.saturating_sub(1),
            Event::Start(Tag::Link {
                link_type: LinkType::Autolink | LinkType::Email,
                ..
            }) => autolink += 1,
            Event::End(TagEnd::Link) if autolink > 0 => autolink -= 1,
            Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough) => {
                let Some(&delim) = bytes.get(range.start) else {
                    continue;
                };
                let n = match event {
                    Event::Start(Tag::Emphasis) => 1,
                    Event::Start(Tag::Strong) => 2,
                    _ => bytes[range.start..]
                        .iter()
                        .take(2)
                        .take_while(|&&b| b == delim)
                        .count(),
                };
                let marks =
                    (range.start..range.start + n).chain(range.end.saturating_sub(n)..range.end);
                for at in marks {
                    if bytes.get(at) == Some(&delim) {
                        found.push((at, table > 0));
                    }
                }
            }
            Event::Text(text) if code_block == 0 && autolink == 0 => {
                if src.get(range.clone()) != Some(&**text) {
                    continue;
                }
                for (i, b) in text.bytes().enumerate() {
                    let at = range.start + i;
                    if matches!(b, b'*' | b'_' | b'~') && !escaped(bytes, at) {
                        found.push((at, table > 0));
                    }
                }
            }
            _ => {}
        }
    }
    found.sort_unstable();
    found.dedup();
    found
}

/// Whether the byte at `at` follows an odd number of backslashes.
fn escaped(bytes: &[u8], at: usize) -> bool {
    bytes[..at]
        .iter()
        .rev()
        .take_while(|&&b| b == b'\\')
        .count()
        % 2
        == 1
}

/// [`delimiter_bytes`] grouped into runs of one character.
fn runs(src: &str, found: &[(usize, bool)]) -> Vec<Run> {
    let bytes = src.as_bytes();
    let mut runs: Vec<Run> = Vec::new();
    for &(at, in_table) in found {
        let delim = bytes[at];
        match runs.last_mut() {
            Some(run) if run.end == at && run.delim == delim => run.end += 1,
            _ => runs.push(Run {
                start: at,
                end: at + 1,
                delim,
                in_table,
            }),
        }
    }
    runs
}

// ---------------------------------------------------------------------------
// Characters
// ---------------------------------------------------------------------------

/// A CJK character of the specification: East Asian Width W, F or H and not
/// an emoji by default, or hangul (Unicode 16).
fn is_cjk_character(c: char) -> bool {
    matches!(
        c as u32,
        0x1100..=0x11FF
            | 0x20A9
            | 0x2329..=0x232A
            | 0x2630..=0x2637
            | 0x268A..=0x268F
            | 0x2E80..=0x2E99
            | 0x2E9B..=0x2EF3
            | 0x2F00..=0x2FD5
            | 0x2FF0..=0x303E
            | 0x3041..=0x3096
            | 0x3099..=0x30FF
            | 0x3105..=0x312F
            | 0x3131..=0x318E
            | 0x3190..=0x31E5
            | 0x31EF..=0x321E
            | 0x3220..=0x3247
            | 0x3250..=0xA48C
            | 0xA490..=0xA4C6
            | 0xA960..=0xA97C
            | 0xAC00..=0xD7A3
            | 0xD7B0..=0xD7C6
            | 0xD7CB..=0xD7FB
            | 0xF900..=0xFAFF
            | 0xFE10..=0xFE19
            | 0xFE30..=0xFE52
            | 0xFE54..=0xFE66
            | 0xFE68..=0xFE6B
            | 0xFF01..=0xFFBE
            | 0xFFC2..=0xFFC7
            | 0xFFCA..=0xFFCF
            | 0xFFD2..=0xFFD7
            | 0xFFDA..=0xFFDC
            | 0xFFE0..=0xFFE6
            | 0xFFE8..=0xFFEE
            | 0x16FE0..=0x16FE4
            | 0x16FF0..=0x16FF6
            | 0x17000..=0x18CD5
            | 0x18CFF..=0x18D1E
            | 0x18D80..=0x18DF2
            | 0x1AFF0..=0x1AFF3
            | 0x1AFF5..=0x1AFFB
            | 0x1AFFD..=0x1AFFE
            | 0x1B000..=0x1B122
            | 0x1B132
            | 0x1B150..=0x1B152
            | 0x1B155
            | 0x1B164..=0x1B167
            | 0x1B170..=0x1B2FB
            | 0x1D300..=0x1D356
            | 0x1D360..=0x1D376
            | 0x1F200
            | 0x1F202
            | 0x1F210..=0x1F219
            | 0x1F21B..=0x1F22E
            | 0x1F230..=0x1F231
            | 0x1F237
            | 0x1F23B
            | 0x1F240..=0x1F248
            | 0x1F260..=0x1F265
            | 0x20000..=0x3FFFD
    )
}

/// A variation selector that may follow a CJK character (U+FE00–U+FE0E).
fn is_text_variation_selector(c: char) -> bool {
    matches!(c as u32, 0xFE00..=0xFE0E)
}

/// An ideographic variation selector (U+E0100–U+E01EF).
fn is_ideographic_variation_selector(c: char) -> bool {
    matches!(c as u32, 0xE0100..=0xE01EF)
}

/// Unicode punctuation as CommonMark (and pulldown-cmark) reads it: ASCII
/// punctuation and the general categories P and S.
fn is_punctuation(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_punctuation();
    }
    static PUNCTUATION: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let mut buf = [0; 4];
    PUNCTUATION
        .get_or_init(|| regex::Regex::new(r"^[\p{P}\p{S}]$").expect("a valid pattern"))
        .is_match(c.encode_utf8(&mut buf))
}

/// How the amended rules see a neighbour of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Whitespace, or the start or end of the line.
    Space,
    /// Punctuation that is not a CJK character (`“”—…·`, ASCII).
    Punctuation,
    /// A CJK character or sequence, letter or punctuation alike.
    Cjk,
    Other,
}

fn kind(c: Option<char>) -> Kind {
    match c {
        None => Kind::Space,
        Some(c) if c.is_whitespace() => Kind::Space,
        Some(c) if is_cjk_character(c) => Kind::Cjk,
        Some(c) if is_punctuation(c) => Kind::Punctuation,
        Some(_) => Kind::Other,
    }
}

/// Where a run touches a table cell's `|` (pulldown-cmark's table rules
/// come before flanking there).
#[derive(Clone, Copy)]
struct Pipes {
    before: bool,
    after: bool,
}

/// Whether a run can open and close, as pulldown-cmark 0.13 decides from the
/// characters around it (`firstpass::delim_run_can_open`/`_close`).
fn parser_flags(
    delim: u8,
    len: usize,
    prev: Option<char>,
    next: Option<char>,
    pipes: Pipes,
) -> (bool, bool) {
    let punct = |c: char| is_punctuation(c);
    let open = match (prev, next) {
        (_, None) => false,
        (_, Some(n)) if n.is_whitespace() => false,
        (None, _) => true,
        _ if pipes.before => true,
        _ if pipes.after => false,
        (Some(p), Some(n)) => {
            // `*` and `~~` may open inside a word, `_` and `~` may not.
            (delim == b'*' && !punct(n))
                || (delim == b'~' && len > 1)
                || (delim == b'~' && p == '~' && !punct(n))
                || p.is_whitespace()
                || punct(p)
        }
    };
    let close = match (prev, next) {
        (None, _) => false,
        (Some(p), _) if p.is_whitespace() => false,
        (_, None) => true,
        _ if pipes.before => false,
        _ if pipes.after => true,
        (Some(p), Some(n)) => {
            ((delim == b'*' || delim == b'~' && len > 1) && !punct(p))
                || (delim == b'~' && p == '~')
                || n.is_whitespace()
                || punct(n)
        }
    };
    (open, close)
}

/// The flags the amended rules give a run of `*` or `~~` whose neighbours
/// are of kinds `prev` and `next`.
fn amended_flags(delim: u8, prev: Kind, next: Kind, pipes: Pipes) -> (bool, bool) {
    let outer_ok = |k: Kind| matches!(k, Kind::Space | Kind::Punctuation | Kind::Cjk);
    let open = if next == Kind::Space {
        false
    } else if prev == Kind::Space || pipes.before {
        true
    } else if pipes.after {
        false
    } else {
        delim == b'~' || next != Kind::Punctuation || outer_ok(prev)
    };
    let close = if prev == Kind::Space || pipes.before {
        false
    } else if next == Kind::Space || pipes.after {
        true
    } else {
        prev != Kind::Punctuation || outer_ok(next)
    };
    (open, close)
}

// ---------------------------------------------------------------------------
// Choosing the substitutions
// ---------------------------------------------------------------------------

/// A neighbour of a run: a character the parse must see as it is, or a CJK
/// character (or variation selector) that may be replaced.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Slot {
    Fixed(Option<char>),
    Free { at: usize, original: char },
}

impl Slot {
    /// The character the parser sees with choice `alt`.
    fn seen(self, alt: bool, marks: &Placeholders) -> Option<char> {
        match self {
            Slot::Fixed(c) => c,
            Slot::Free { original, .. } if alt => Some(marks.other_than(original)),
            Slot::Free { original, .. } => Some(original),
        }
    }

    fn choices(self) -> &'static [bool] {
        match self {
            Slot::Fixed(_) => &[false],
            Slot::Free { .. } => &[false, true],
        }
    }
}

/// A run with its neighbours and the flags it must get.
struct Constraint {
    delim: u8,
    len: usize,
    prev: Slot,
    next: Slot,
    pipes: Pipes,
    want: (bool, bool),
}

impl Constraint {
    /// 0 if the parser gives the wanted flags with these choices.
    fn cost(&self, prev_alt: bool, next_alt: bool, marks: &Placeholders) -> u32 {
        let got = parser_flags(
            self.delim,
            self.len,
            self.prev.seen(prev_alt, marks),
            self.next.seen(next_alt, marks),
            self.pipes,
        );
        if got == self.want {
            0
        } else {
            1000
        }
    }
}

/// The replacement characters, one of each byte length and parser class,
/// none of them found in the source.
struct Placeholders {
    letter3: char,
    letter4: char,
    punct3: char,
    punct4: char,
}

impl Placeholders {
    fn pick(src: &str) -> Option<Placeholders> {
        let absent = |cands: &[char]| cands.iter().copied().find(|c| !src.contains(*c));
        Some(Placeholders {
            // Private use: letters to the parser.
            letter3: absent(&['\u{E000}', '\u{E001}', '\u{E002}'])?,
            letter4: absent(&['\u{F0000}', '\u{F0001}', '\u{F0002}'])?,
            // Phags-pa and Aegean word marks: punctuation (Po).
            punct3: absent(&['\u{A874}', '\u{A875}', '\u{A876}'])?,
            punct4: absent(&['\u{10100}', '\u{10101}', '\u{10102}'])?,
        })
    }

    /// A character of the same length as `c` that the parser classes the
    /// other way (punctuation for a letter, a letter for punctuation).
    fn other_than(&self, c: char) -> char {
        match (is_punctuation(c), c.len_utf8()) {
            (true, 4) => self.letter4,
            (true, _) => self.letter3,
            (false, 4) => self.punct4,
            (false, _) => self.punct3,
        }
    }
}

/// The characters to replace so that the parser gives every run the flags
/// of the amended rules; empty when the CommonMark reading already does.
fn substitutions(src: &str, events: &[(Event, Range<usize>)]) -> Vec<Sub> {
    if !src.contains(['*', '~']) {
        return Vec::new();
    }
    let found = delimiter_bytes(src, events);
    if found.is_empty() {
        return Vec::new();
    }
    let Some(marks) = Placeholders::pick(src) else {
        return Vec::new();
    };
    let constraints: Vec<Constraint> = runs(src, &found)
        .into_iter()
        .filter_map(|run| constraint(src, &run))
        .collect();
    let mut subs = Vec::new();
    let mut i = 0;
    while i < constraints.len() {
        let mut j = i + 1;
        while j < constraints.len() && shares_slot(&constraints[j - 1], &constraints[j]) {
            j += 1;
        }
        solve_chain(&constraints[i..j], &marks, &mut subs);
        i = j;
    }
    subs.sort_by_key(|s| s.at);
    subs.dedup_by_key(|s| s.at);
    subs
}

/// The run's neighbours and wanted flags, if one of them may be replaced.
fn constraint(src: &str, run: &Run) -> Option<Constraint> {
    let len = run.end - run.start;
    if run.delim == b'~' && len > 2 {
        return None; // never a delimiter to the parser
    }
    let before = &src[..run.start];
    let after = &src[run.end..];
    let line_start = before
        .rsplit('\n')
        .next()
        .unwrap_or_default()
        .chars()
        .all(|c| c == '>' || c.is_whitespace());
    let prev_char = if line_start {
        None
    } else {
        before.chars().next_back()
    };
    let next_char = after.chars().next();
    let pipes = Pipes {
        before: run.in_table && before.ends_with('|') && !before.ends_with("\\|"),
        after: run.in_table && next_char == Some('|'),
    };

    // The character before, read as a sequence: a variation selector takes
    // the kind of the character it follows.
    let (prev, prev_kind) = match prev_char {
        Some(c) if is_ideographic_variation_selector(c) => (free(run.start, c), Kind::Cjk),
        Some(c) if is_text_variation_selector(c) => {
            let base = kind(before[..before.len() - c.len_utf8()].chars().next_back());
            match base {
                Kind::Cjk | Kind::Punctuation => (free(run.start, c), base),
                _ => (Slot::Fixed(Some(c)), Kind::Other),
            }
        }
        Some(c) if kind(Some(c)) == Kind::Cjk => (free(run.start, c), Kind::Cjk),
        c => (Slot::Fixed(c), kind(c)),
    };
    let next_kind = kind(next_char);
    let next = match next_char {
        Some(c) if next_kind == Kind::Cjk => Slot::Free {
            at: run.end,
            original: c,
        },
        c => Slot::Fixed(c),
    };
    if matches!((prev, next), (Slot::Fixed(_), Slot::Fixed(_))) {
        return None;
    }
    let amended = run.delim == b'*' || run.delim == b'~' && len == 2;
    let want = if amended {
        amended_flags(run.delim, prev_kind, next_kind, pipes)
    } else {
        parser_flags(run.delim, len, prev_char, next_char, pipes)
    };
    Some(Constraint {
        delim: run.delim,
        len,
        prev,
        next,
        pipes,
        want,
    })
}

/// The slot of the character that ends just before byte `end`.
fn free(end: usize, c: char) -> Slot {
    Slot::Free {
        at: end - c.len_utf8(),
        original: c,
    }
}

/// Whether the character after run `a` is the one before run `b`.
fn shares_slot(a: &Constraint, b: &Constraint) -> bool {
    match (a.next, b.prev) {
        (Slot::Free { at: x, .. }, Slot::Free { at: y, .. }) => x == y,
        _ => false,
    }
}

/// Chooses, along a chain of runs that share neighbours, which neighbours
/// to replace: the fewest wrong flags, then the fewest replacements.
fn solve_chain(chain: &[Constraint], marks: &Placeholders, subs: &mut Vec<Sub>) {
    // slots[k] is the neighbour before chain[k]; slots[n] the one after the last.
    let mut slots: Vec<Slot> = chain.iter().map(|c| c.prev).collect();
    slots.push(chain[chain.len() - 1].next);
    // best[k][choice] = (cost, choice of slot k-1) of the cheapest choices up to slot k.
    let mut best: Vec<[(u32, bool); 2]> = Vec::with_capacity(slots.len());
    let unreachable = (u32::MAX, false);
    let mut first = [unreachable; 2];
    for &alt in slots[0].choices() {
        first[usize::from(alt)] = (u32::from(alt), false);
    }
    best.push(first);
    for (k, constraint) in chain.iter().enumerate() {
        let mut row = [unreachable; 2];
        for &alt in slots[k + 1].choices() {
            for &prev_alt in slots[k].choices() {
                let (before, _) = best[k][usize::from(prev_alt)];
                if before == u32::MAX {
                    continue;
                }
                let cost = before + constraint.cost(prev_alt, alt, marks) + u32::from(alt);
                if cost < row[usize::from(alt)].0 {
                    row[usize::from(alt)] = (cost, prev_alt);
                }
            }
        }
        best.push(row);
    }
    let last = best.len() - 1;
    let mut alt = best[last][1].0 < best[last][0].0;
    for k in (0..slots.len()).rev() {
        if let (true, Slot::Free { at, original }) = (alt, slots[k]) {
            subs.push(Sub {
                at,
                original,
                placeholder: marks.other_than(original),
            });
        }
        alt = best[k][usize::from(alt)].1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The placeholders are what the substitution takes them for: the
    /// parser reads the letters as letters and the punctuation as
    /// punctuation (`a*X*b` is emphasis only if X is not punctuation).
    #[test]
    fn placeholders_are_read_by_the_parser_as_their_class() {
        let marks = Placeholders::pick("").expect("placeholders");
        for (c, letter) in [
            (marks.letter3, true),
            (marks.letter4, true),
            (marks.punct3, false),
            (marks.punct4, false),
        ] {
            let src = format!("a*{c}*b");
            let mut html = String::new();
            pulldown_cmark::html::push_html(&mut html, Parser::new(&src));
            assert_eq!(html.contains("<em>"), letter, "{c:?}: {html}");
            assert_eq!(is_punctuation(c), !letter, "{c:?}");
            assert!(!is_cjk_character(c) && !c.is_whitespace(), "{c:?}");
        }
        assert_eq!(marks.letter3.len_utf8(), 3);
        assert_eq!(marks.punct3.len_utf8(), 3);
        assert_eq!(marks.letter4.len_utf8(), 4);
        assert_eq!(marks.punct4.len_utf8(), 4);
    }

    /// `parser_flags` follows pulldown-cmark: emphasis appears exactly
    /// where the flags it computes allow it, for many neighbours.
    #[test]
    fn parser_flags_agree_with_the_parser() {
        let chars = [' ', 'a', '.', '，', '中', '“', '—', '\u{A874}', '\u{E000}'];
        let none = Pipes {
            before: false,
            after: false,
        };
        for delim in ["*", "**", "~~"] {
            for &p in &chars {
                for &n in &chars {
                    // x{p}{d}{n}y and y{n}{d}{p}x: an opener then a closer.
                    let src = format!("x{p}{delim}{n}y{n}{delim}{p}x");
                    let mut html = String::new();
                    let opts = Options::ENABLE_STRIKETHROUGH;
                    pulldown_cmark::html::push_html(&mut html, Parser::new_ext(&src, opts));
                    let b = delim.as_bytes()[0];
                    let (open, _) = parser_flags(b, delim.len(), Some(p), Some(n), none);
                    let (_, close) = parser_flags(b, delim.len(), Some(n), Some(p), none);
                    let tagged = html.contains("<em>")
                        || html.contains("<strong>")
                        || html.contains("<del>");
                    assert_eq!(tagged, open && close, "{src}: {html}");
                }
            }
        }
    }
}
