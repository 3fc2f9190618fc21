//! What each file of the index holds, byte for byte: a page's own file and
//! its body parts, one page's entry in a key's postings, the meta file,
//! all wrapped as `zhanting_shard(name, data)` scripts (see the module
//! header of `search`).

use super::page::Doc;
use super::{id_space, SearchIndex, BODY_START, META_START};

/// The order of kinds in the meta file's list (others after, by name).
const KIND_ORDER: [&str; 4] = ["speech", "case", "brand", "page"];

impl Doc {
    /// The page's own file: its fields and its body text (for the snippet).
    /// Written straight from the page's strings, its fields in name order.
    pub(super) fn file(&self, id: u32) -> Vec<u8> {
        #[derive(serde::Serialize)]
        struct PageFile<'a> {
            b: &'a str,
            d: &'a str,
            k: &'a str,
            m: &'a [String],
            r: &'a str,
            s: &'a str,
            t: &'a str,
            u: &'a str,
        }
        let json = serde_json::to_string(&PageFile {
            b: &self.body,
            d: &self.date,
            k: &self.kind,
            m: &self.meta,
            r: &self.region,
            s: &self.sector,
            t: &self.title,
            u: &self.url,
        })
        .unwrap_or_default();
        script(&format!("d/{id}"), &json)
    }

    fn date_num(&self) -> u64 {
        date_num(&self.date)
    }
}

/// `(year − 1900)·512 + month·32 + day` of an ISO date at any precision
/// (day 0 for a month alone, month and day 0 for a year alone), 0 if
/// unknown: ordered like the date, small enough for three base-64 digits.
fn date_num(iso: &str) -> u64 {
    let p: Vec<u64> = iso.split('-').filter_map(|x| x.parse().ok()).collect();
    match p[..] {
        [y, m, d] if (1900..2400).contains(&y) && m <= 12 && d <= 31 => {
            (y - 1900) * 512 + m * 32 + d
        }
        // A month or a year alone: day (and month) 0.
        [y, m] if (1900..2400).contains(&y) && m <= 12 => (y - 1900) * 512 + m * 32,
        [y] if (1900..2400).contains(&y) => (y - 1900) * 512,
        _ => 0,
    }
}

/// Appends one page's entry to a key's postings: page `id` after page
/// `prev` (none: the first), with [`tail_add`]'s number `tail`, as one number
/// `(Δid − 1) · 16 + tail` when the tail is below 15, else that number with
/// 15 and then `tail − 15`. Δid counts from the page before, the first
/// from −1, so it is never 0; most entries of a common key fit one
/// character.
pub(super) fn push_posting(s: &mut String, prev: Option<u32>, id: u32, tail: u32) {
    let gap = prev.map_or(id, |p| id - p - 1);
    push_num(s, gap << 4 | tail.min(15));
    if tail >= 15 {
        push_num(s, tail - 15);
    }
}

/// The entries of a key's postings as [`push_posting`] writes them: (id,
/// tail), ids ascending; `None` when the numbers do not make entries.
pub(super) fn read_postings(nums: &[u32]) -> Option<Vec<(u32, u32)>> {
    let mut out = Vec::new();
    let (mut at, mut id) = (0, None::<u32>);
    while at < nums.len() {
        let n = nums[at];
        at += 1;
        let gap = n >> 4;
        let next = match id {
            None => gap,
            Some(p) => p.checked_add(gap)?.checked_add(1)?,
        };
        let tail = match n & 15 {
            15 => {
                at += 1;
                15u32.checked_add(*nums.get(at - 1)?)?
            }
            t => t,
        };
        out.push((next, tail));
        id = Some(next);
    }
    Some(out)
}

/// Appends `v` in base-64 digits ([`B64`]), five bits a digit, least
/// significant first; a digit from 32 up says another follows. Numbers
/// below 32 take one character, below 1024 two, below 32,768 three.
pub(super) fn push_num(s: &mut String, mut v: u32) {
    while v >= 32 {
        s.push(char::from(B64[(32 + (v & 31)) as usize]));
        v >>= 5;
    }
    s.push(char::from(B64[v as usize]));
}

/// The numbers of a list written by [`push_num`]; `None` when it holds
/// anything else or ends inside a number.
pub(super) fn read_nums(s: &str) -> Option<Vec<u32>> {
    let mut out = Vec::with_capacity(s.len());
    let (mut v, mut shift) = (0u64, 0u32);
    for b in s.bytes() {
        let d = u64::from(B64_VALUE[usize::from(b)]);
        if d >= 64 || shift > 30 {
            return None;
        }
        v |= (d & 31) << shift;
        if d < 32 {
            out.push(u32::try_from(v).ok()?);
            (v, shift) = (0, 0);
        } else {
            shift += 5;
        }
    }
    (shift == 0).then_some(out)
}

/// Appends `"key":"list"` to a shard's object (after a comma unless it is
/// the first entry). A key is units joined by a space; a unit may be a
/// quotation mark or a backslash, escaped as JSON wants.
pub(super) fn push_entry(s: &mut String, key: &str, list: &str) {
    if !s.ends_with('{') {
        s.push(',');
    }
    s.push('"');
    for c in key.chars() {
        if matches!(c, '"' | '\\') {
            s.push('\\');
        }
        s.push(c);
    }
    s.push_str("\":\"");
    s.push_str(list);
    s.push('"');
}

/// The value of each byte as a base-64 digit, 255 for any other byte.
const B64_VALUE: [u8; 256] = {
    let mut t = [255u8; 256];
    let mut i = 0;
    while i < 64 {
        t[B64[i] as usize] = i as u8;
        i += 1;
    }
    t
};

/// The number of one page's entry in a key's postings after its id,
/// counted position by position (start from 0, add each position `p` where
/// the key occurs on the page): `body count · 4 + flags`, flags 1 = in the
/// title, 2 = in the metadata. No positions: the client checks a longer
/// phrase against the page's own text.
pub(super) fn tail_add(tail: u32, p: u32) -> u32 {
    if p >= BODY_START {
        tail.saturating_add(4)
    } else if p >= META_START {
        tail | 2
    } else {
        tail | 1
    }
}

/// What the meta file lists: kinds, regions, sectors and source sites,
/// and one row per page (id, kind, region, sector, date, length, source),
/// by id.
#[derive(Debug, Clone, Default)]
pub(super) struct MetaRows {
    kinds: Vec<String>,
    regions: Vec<String>,
    sectors: Vec<String>,
    /// The keys of the source sites pages come from (roll-up), sorted.
    sources: Vec<String>,
    rows: Vec<[u64; COLUMNS]>,
}

/// Columns of a row of the meta file; a site without source sites writes
/// the first six only.
const COLUMNS: usize = 7;

impl MetaRows {
    /// Puts the row of page `id` as `d` now is, when its place, kind,
    /// region and sector are already listed; false when not (then all
    /// rows must be made again).
    pub(super) fn update(&mut self, id: u32, d: &Doc) -> bool {
        let place =
            |list: &[String], v: &str| list.iter().position(|x| x == v).map(|i| i as u64 + 1);
        let Ok(at) = self.rows.binary_search_by_key(&u64::from(id), |r| r[0]) else {
            return false;
        };
        let Some(kind) = place(&self.kinds, &d.kind) else {
            return false;
        };
        let region = match d.region.as_str() {
            "" => Some(0),
            r => place(&self.regions, r),
        };
        let sector = match d.sector.as_str() {
            "" => Some(0),
            r => place(&self.sectors, r),
        };
        let source = match d.source.as_str() {
            "" => Some(0),
            s => place(&self.sources, s),
        };
        let (Some(region), Some(sector), Some(source)) = (region, sector, source) else {
            return false;
        };
        self.rows[at] = Self::row(id, d, [kind - 1, region, sector, source]);
        true
    }

    /// The row of page `id`, given the places of its kind (from 0), region,
    /// sector and source (from 1; 0 for none) in the lists.
    fn row(id: u32, d: &Doc, [kind, region, sector, source]: [u64; 4]) -> [u64; COLUMNS] {
        [
            u64::from(id),
            kind,
            region,
            sector,
            d.date_num(),
            u64::from(d.lenq),
            source,
        ]
    }
}

impl SearchIndex {
    /// The meta file's lists and rows, made from every page.
    pub(super) fn meta_rows(&self) -> MetaRows {
        let mut kinds = rustc_hash::FxHashSet::default();
        let mut regions = rustc_hash::FxHashSet::default();
        let mut sectors = rustc_hash::FxHashSet::default();
        let mut sources = rustc_hash::FxHashSet::default();
        for d in self.docs.values() {
            kinds.insert(d.kind.as_str());
            regions.insert(d.region.as_str());
            sectors.insert(d.sector.as_str());
            sources.insert(d.source.as_str());
        }
        let mut kinds: Vec<&str> = kinds.into_iter().collect();
        kinds.sort_by_key(|k| {
            (
                KIND_ORDER
                    .iter()
                    .position(|o| o == k)
                    .unwrap_or(KIND_ORDER.len()),
                *k,
            )
        });
        fn listed(set: rustc_hash::FxHashSet<&str>) -> Vec<&str> {
            let mut list: Vec<&str> = set.into_iter().filter(|r| !r.is_empty()).collect();
            list.sort_unstable();
            list
        }
        let (regions, sectors, sources) = (listed(regions), listed(sectors), listed(sources));
        // Value → its place in the list, counting from 1 (0: none).
        fn places<'s>(list: &[&'s str]) -> rustc_hash::FxHashMap<&'s str, u64> {
            list.iter()
                .enumerate()
                .map(|(i, v)| (*v, i as u64 + 1))
                .collect()
        }
        let (kind_at, region_at, sector_at, source_at) = (
            places(&kinds),
            places(&regions),
            places(&sectors),
            places(&sources),
        );
        let at = |map: &rustc_hash::FxHashMap<&str, u64>, v: &str| map.get(v).copied().unwrap_or(0);
        // Both maps are keyed by URL: one walk pairs each page with its id.
        let mut ids = self.ids.iter().peekable();
        let mut by_id: Vec<(u32, &Doc)> = Vec::with_capacity(self.docs.len());
        for (url, d) in &self.docs {
            while ids.next_if(|(u, _)| *u < url).is_some() {}
            if let Some((_, &id)) = ids.next_if(|(u, _)| *u == url) {
                by_id.push((id, d));
            }
        }
        by_id.sort_unstable_by_key(|(i, _)| *i);
        let rows: Vec<[u64; COLUMNS]> = by_id
            .iter()
            .map(|(id, d)| {
                let places = [
                    at(&kind_at, &d.kind).saturating_sub(1),
                    at(&region_at, &d.region),
                    at(&sector_at, &d.sector),
                    at(&source_at, &d.source),
                ];
                MetaRows::row(*id, d, places)
            })
            .collect();
        let owned = |l: Vec<&str>| l.into_iter().map(str::to_string).collect();
        MetaRows {
            kinds: owned(kinds),
            regions: owned(regions),
            sectors: owned(sectors),
            sources: owned(sources),
            rows,
        }
    }

    /// The meta file: what the search page needs before it loads any shard.
    pub(super) fn meta_file(&self) -> Vec<u8> {
        let MetaRows {
            kinds,
            regions,
            sectors,
            sources,
            rows,
        } = &self.meta;
        let columns = if sources.is_empty() { 6 } else { COLUMNS };
        let widths: Vec<usize> = (0..columns)
            .map(|c| b64_width(rows.iter().map(|r| r[c]).max().unwrap_or(0)))
            .collect();
        let mut flat = String::with_capacity(rows.len() * widths.iter().sum::<usize>());
        for r in rows {
            for (v, w) in r.iter().zip(&widths) {
                b64(*v, *w, &mut flat);
            }
        }
        let mut v = serde_json::json!({
            "v": 1, "n": self.docs.len(), "space": id_space(self.docs.len()), "shards": self.shards,
            "kinds": kinds, "regions": regions, "sectors": sectors, "w": widths, "docs": flat,
        });
        if !sources.is_empty() {
            v["sources"] = serde_json::json!(sources);
        }
        script("meta", &v.to_string())
    }
}

/// Base-64 digits for the compact columns of `meta.js`.
pub(super) const B64: &[u8; 64] =
    b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";

/// `v` in `width` base-64 digits, most significant first.
fn b64(mut v: u64, width: usize, out: &mut String) {
    let mut buf = vec![b'0'; width];
    for slot in buf.iter_mut().rev() {
        *slot = B64[(v % 64) as usize];
        v /= 64;
    }
    out.push_str(std::str::from_utf8(&buf).unwrap_or(""));
}

/// How many base-64 digits `max` needs.
fn b64_width(max: u64) -> usize {
    let mut w = 1;
    while max >= 64u64.pow(w as u32) {
        w += 1;
    }
    w
}

/// `zhanting_shard("name",DATA);` with line separators escaped for old
/// JavaScript engines.
pub(super) fn script(name: &str, json: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(json.len() + name.len() + 24);
    out.extend_from_slice(b"zhanting_shard(\"");
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b"\",");
    if json.contains(['\u{2028}', '\u{2029}']) {
        out.extend_from_slice(
            json.replace('\u{2028}', "\\u2028")
                .replace('\u{2029}', "\\u2029")
                .as_bytes(),
        );
    } else {
        out.extend_from_slice(json.as_bytes());
    }
    out.extend_from_slice(b");\n");
    out
}

#[cfg(test)]
mod date_tests {
    #[test]
    fn dates_at_every_precision() {
        assert_eq!(super::date_num("2013-09-25"), 113 * 512 + 9 * 32 + 25);
        assert_eq!(super::date_num("2013-09"), 113 * 512 + 9 * 32);
        assert_eq!(super::date_num("2013"), 113 * 512);
        assert_eq!(super::date_num(""), 0);
        assert_eq!(crate::search::page::cn_date("2013-09-25"), "2013年9月25日");
        assert_eq!(crate::search::page::cn_date("2013-09"), "2013年9月");
        assert_eq!(crate::search::page::cn_date("2013"), "2013年");
        assert_eq!(crate::search::page::cn_date(""), "");
    }
}
