//! One page as the index holds it: its fields, its units and their
//! positions (title, metadata, body lines on their slots), and its body
//! cut into parts.

use super::tokenize::{scan, KeyMaker};
use super::{SearchDoc, BODY_START, META_START};
use crate::text::UNIFIED_IDEOGRAPHS;

/// An owned page with its index keys.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Doc {
    pub(super) url: String,
    pub(super) title: String,
    pub(super) kind: String,
    pub(super) date: String,
    pub(super) region: String,
    pub(super) sector: String,
    pub(super) meta: Vec<String>,
    pub(super) body: String,
    /// The body in parts: (text, position of its first unit).
    pub(super) parts: Vec<(String, u32)>,
    /// The body's length, quantised (see the module header of `search`).
    pub(super) lenq: u32,
    /// How many positions the page's keys take.
    pub(super) npos: usize,
}

impl Doc {
    /// The page's fields, and the counts the index layout needs.
    pub(super) fn prepare(d: &SearchDoc<'_>, body: &str) -> Doc {
        let mut meta: Vec<String> = Vec::new();
        let cn_date = cn_date(d.date);
        for m in [d.region, d.sector, cn_date.as_str()]
            .into_iter()
            .chain(d.meta.iter().copied())
        {
            if !m.trim().is_empty() {
                meta.push(m.to_string());
            }
        }
        let (mut npos, mut keys) = (0, KeyMaker::default());
        let body_units = scan_page(d.title, &meta, body, |u, p| {
            keys.feed(u, p, |_, _| npos += 1)
        });
        Doc {
            url: d.url.to_string(),
            title: d.title.to_string(),
            kind: d.kind.to_string(),
            date: d.date.to_string(),
            region: d.region.to_string(),
            sector: d.sector.to_string(),
            meta,
            body: body.to_string(),
            parts: parts(body),
            lenq: ((body_units as f64 + 1.0).log2() * 8.0).round() as u32,
            npos,
        }
    }

    /// The page's index keys again, from its stored fields.
    pub(super) fn index_keys(&self) -> Vec<(String, u32)> {
        index_keys(&self.title, &self.meta, &self.body)
    }
}

/// Keys of a page: title from 0, metadata from `META_START`, body from
/// `BODY_START` (see [`scan_page`]).
pub(super) fn index_keys(title: &str, meta: &[String], body: &str) -> Vec<(String, u32)> {
    let (mut out, mut keys) = (Vec::new(), KeyMaker::default());
    scan_page(title, meta, body, |u, p| {
        keys.feed(u, p, |k, q| out.push((k.to_string(), q)))
    });
    out
}

/// Calls `emit` for each unit of a page in position order: title from 0,
/// metadata from `META_START` (one gap between entries), body from
/// `BODY_START` (see [`scan_body`]). Returns the number of body units.
pub(super) fn scan_page(
    title: &str,
    meta: &[String],
    body: &str,
    mut emit: impl FnMut(&str, u32),
) -> usize {
    scan(title, 0, &mut emit);
    let mut pos = META_START;
    for m in meta {
        pos = scan(m, pos, &mut emit) + 1;
    }
    let mut n = 0;
    scan_body(body, |u, p| {
        n += 1;
        emit(u, p);
    });
    n
}

/// Body lines start at multiples of this many positions, so that an edit
/// inside one line leaves the positions of the lines after it alone (and with
/// them the postings of their keys, hence the shards an edit rewrites) as
/// long as the line stays within its slot.
const LINE_STRIDE: u32 = 1024;

/// `LINE_STRIDE`, or 1 (lines one after the other) when a huge body would
/// not fit the position space that way.
fn line_stride(body: &str) -> u32 {
    let lines = body.bytes().filter(|&b| b == b'\n').count() as u64 + 1;
    // NFKC turns one character (at least one byte) into at most 18 units.
    let need =
        u64::from(BODY_START) + body.len() as u64 * 18 + lines * (u64::from(LINE_STRIDE) + 1);
    if need < u64::from(u32::MAX) {
        LINE_STRIDE
    } else {
        1
    }
}

/// Where the line after a line starting at `base` and ending before `end`
/// starts: past a gap of at least one position (no bigram spans a line
/// break), at a multiple of `stride` from `base`.
fn next_line(base: u32, end: u32, stride: u32) -> u32 {
    base + (end - base + 1).next_multiple_of(stride)
}

/// The body's units, each line tokenised from its own start position.
#[cfg(test)]
pub(super) fn body_units(body: &str) -> Vec<super::tokenize::Unit> {
    let mut out = Vec::new();
    scan_body(body, |u, p| out.push((u.to_string(), p)));
    out
}

/// Calls `emit` for each unit of the body, each line tokenised from its own
/// start position.
fn scan_body(body: &str, mut emit: impl FnMut(&str, u32)) {
    let stride = line_stride(body);
    let mut base = BODY_START;
    for line in body.split('\n') {
        let end = scan(line, base, &mut emit);
        base = next_line(base, end, stride);
    }
}

/// Parts of the body are about this many characters.
pub(super) const PART_CHARS: usize = 1500;

/// Splits the body into parts of about `PART_CHARS` characters, after a
/// line break or, in a very long paragraph, before a Chinese character —
/// places where tokenising the pieces one after the other gives exactly the
/// units of the whole. Each part carries the position of its first unit (as
/// `body_units` numbers them): part k holds the units from its position up
/// to the next part's.
///
/// The cut is before a character of the block [`UNIFIED_IDEOGRAPHS`], not
/// before any [`crate::text::is_han`] character: every Han character is a
/// unit of its own, so either would be correct, but cutting only there keeps
/// the parts (and so the index files) of pages with rare characters what
/// they have always been.
pub(super) fn parts(body: &str) -> Vec<(String, u32)> {
    let mut cuts = vec![0];
    let mut n = 0;
    for (i, c) in body.char_indices() {
        if n >= 2 * PART_CHARS && UNIFIED_IDEOGRAPHS.contains(&c) {
            cuts.push(i);
            n = 0;
        }
        n += 1;
        if n >= PART_CHARS && c == '\n' {
            cuts.push(i + 1);
            n = 0;
        }
    }
    cuts.push(body.len());
    cuts.dedup();
    // The position at each cut, line by line.
    let stride = line_stride(body);
    let mut at_cut = Vec::with_capacity(cuts.len());
    let (mut start, mut base) = (0, BODY_START);
    for line in body.split('\n') {
        let end = start + line.len();
        let (mut from, mut pos) = (start, base);
        while at_cut.len() < cuts.len() && cuts[at_cut.len()] <= end {
            let cut = cuts[at_cut.len()];
            pos = scan(&body[from..cut], pos, |_, _| {});
            from = cut;
            at_cut.push(pos);
        }
        base = next_line(base, scan(&body[from..end], pos, |_, _| {}), stride);
        start = end + 1;
    }
    let mut out: Vec<(String, u32)> = cuts
        .windows(2)
        .zip(&at_cut)
        .map(|(w, &pos)| (body[w[0]..w[1]].to_string(), pos))
        .collect();
    if out.is_empty() {
        out.push((String::new(), BODY_START));
    }
    out
}

/// `2013-09-25` → `2013年9月25日`, `2013-09` → `2013年9月`, `2013` →
/// `2013年`, as pages show it (so `2013年` finds it).
pub(super) fn cn_date(iso: &str) -> String {
    let parts: Vec<u32> = iso.split('-').filter_map(|x| x.parse().ok()).collect();
    match parts[..] {
        [y, m, d] => format!("{y}年{m}月{d}日"),
        [y, m] => format!("{y}年{m}月"),
        [y] => format!("{y}年"),
        _ => String::new(),
    }
}
