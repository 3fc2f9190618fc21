//! One page as the index holds it: its fields, its units and their
//! positions (title, metadata, body lines on their slots), and its body
//! cut into parts.

use super::format::tail_add;
use super::tokenize::{scan, Key, KeyMaker};
use super::{SearchDoc, BODY_START, META_START};
use rustc_hash::FxHashMap;

/// An owned page with its index keys.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Doc {
    pub(super) url: String,
    pub(super) title: String,
    pub(super) kind: String,
    pub(super) date: String,
    pub(super) region: String,
    pub(super) sector: String,
    /// The key of its source site, empty for the site's own.
    pub(super) source: String,
    pub(super) meta: Vec<String>,
    pub(super) body: String,
    /// The body's length, quantised (see the module header of `search`).
    pub(super) lenq: u32,
    /// How many positions the page's keys take.
    pub(super) npos: usize,
}

impl Doc {
    /// The page's fields, and the counts the index layout needs.
    pub(super) fn prepare(d: &SearchDoc<'_>, body: &str) -> Doc {
        let meta = meta_strings(d);
        // Each unit is a key, and so is each pair of adjacent units: counted
        // without making them.
        let (mut npos, mut prev) = (0, None::<u32>);
        let body_units = scan_page(d.title, &meta, body, |_, p| {
            npos += 1 + usize::from(prev.is_some_and(|q| q + 1 == p));
            prev = Some(p);
        });
        Doc::of(d, meta, body, body_units, npos)
    }

    /// [`Doc::prepare`] and the page's keys ([`Doc::keys`]), from one
    /// reading of its text.
    pub(super) fn prepare_keyed(d: &SearchDoc<'_>, body: &str) -> (Doc, PageKeys) {
        let meta = meta_strings(d);
        let (keys, body_units) = PageKeys::of_page(d.title, &meta, body);
        let npos = keys.positions;
        (Doc::of(d, meta, body, body_units, npos), keys)
    }

    fn of(d: &SearchDoc<'_>, meta: Vec<String>, body: &str, body_units: usize, npos: usize) -> Doc {
        Doc {
            url: d.url.to_string(),
            title: d.title.to_string(),
            kind: d.kind.to_string(),
            date: d.date.to_string(),
            region: d.region.to_string(),
            sector: d.sector.to_string(),
            source: d.source.to_string(),
            meta,
            body: body.to_string(),
            lenq: ((body_units as f64 + 1.0).log2() * 8.0).round() as u32,
            npos,
        }
    }

    /// The page's index keys, from its stored fields and `body` (its
    /// own, or the text it is being indexed with when not held).
    pub(super) fn keys(&self, body: &str) -> PageKeys {
        PageKeys::of_page(&self.title, &self.meta, body).0
    }
}

/// The metadata strings a page is indexed with: region, sector, the date
/// as pages show it, then the rest, the empty ones left out.
fn meta_strings(d: &SearchDoc<'_>) -> Vec<String> {
    let cn_date = cn_date(d.date);
    [d.region, d.sector, cn_date.as_str()]
        .into_iter()
        .chain(d.meta.iter().copied())
        .filter(|m| !m.trim().is_empty())
        .map(str::to_string)
        .collect()
}

/// One page's index keys, each once with the number of its entry
/// ([`tail_add`]: how often the key is in the body, whether in the title
/// or the metadata), in the order they first come; the keys' texts lie in
/// one string. What a page adds to the postings, positions left out.
pub(super) struct PageKeys {
    /// (key held in `store`, entry number)
    entries: Vec<(u64, u32)>,
    store: KeyStore,
    /// How many times a key was found: the positions the page takes.
    positions: usize,
}

/// Keys held compactly, for a page or a chunk of pages: a key of one or
/// two characters as its number ([`Key::Code`]), any other as `TEXT_KEY`
/// and the number of its text here.
#[derive(Default)]
pub(super) struct KeyStore {
    /// Where each text key's text lies in `text`.
    spans: Vec<(u32, u32)>,
    text: String,
}

/// Marks a held key that is a text: no key's number has this bit (a
/// character takes 21 bits, a pair 42 and the top bit).
const TEXT_KEY: u64 = 1 << 62;

impl KeyStore {
    /// `key` as a number, a text key's text kept here.
    fn hold(&mut self, key: Key<'_>) -> u64 {
        match key {
            Key::Code(c) => c,
            Key::Text(t) => {
                let start = self.text.len() as u32;
                self.text.push_str(t);
                self.spans.push((start, self.text.len() as u32));
                TEXT_KEY | (self.spans.len() - 1) as u64
            }
        }
    }

    /// The key held as `k`.
    pub(super) fn key(&self, k: u64) -> Key<'_> {
        if k & TEXT_KEY != 0 {
            let (s, e) = self.spans[(k & !TEXT_KEY) as usize];
            Key::Text(&self.text[s as usize..e as usize])
        } else {
            Key::Code(k)
        }
    }
}

impl PageKeys {
    /// The keys of a page: title from 0, metadata from `META_START`, body
    /// from `BODY_START` ([`scan_page`]). Keys of one-character units are
    /// counted by number ([`Key::Code`]); the text of any other key is kept
    /// once, when it first comes. With the number of body units.
    fn of_page(title: &str, meta: &[String], body: &str) -> (PageKeys, usize) {
        // Keys of one common ideograph (half of a Chinese page's keys) are
        // looked up by their code point in a table; the rest are hashed.
        const FIRST: u64 = *crate::text::UNIFIED_IDEOGRAPHS.start() as u64;
        const LAST: u64 = *crate::text::UNIFIED_IDEOGRAPHS.end() as u64;
        let mut ideographs = vec![u32::MAX; (LAST - FIRST + 1) as usize];
        // About one distinct pair for every three bytes of a Chinese body.
        let mut codes: FxHashMap<u64, u32> =
            FxHashMap::with_capacity_and_hasher(body.len() / 3, Default::default());
        let mut texts: FxHashMap<String, u32> = FxHashMap::default();
        let mut pk = PageKeys {
            entries: Vec::new(),
            store: KeyStore::default(),
            positions: 0,
        };
        let mut add = |key: Key<'_>, p: u32| {
            let slot = match key {
                Key::Code(c) if (FIRST..=LAST).contains(&c) => Some((c - FIRST) as usize),
                _ => None,
            };
            let known = match (slot, key) {
                (Some(s), _) => Some(ideographs[s]).filter(|&at| at != u32::MAX),
                (None, Key::Code(c)) => codes.get(&c).copied(),
                (None, Key::Text(t)) => texts.get(t).copied(),
            };
            let at = match known {
                Some(at) => at as usize,
                None => {
                    pk.entries.push((pk.store.hold(key), 0));
                    let at = pk.entries.len() - 1;
                    match (slot, key) {
                        (Some(s), _) => ideographs[s] = at as u32,
                        (None, Key::Code(c)) => {
                            codes.insert(c, at as u32);
                        }
                        (None, Key::Text(t)) => {
                            texts.insert(t.to_string(), at as u32);
                        }
                    }
                    at
                }
            };
            pk.entries[at].1 = tail_add(pk.entries[at].1, p);
            pk.positions += 1;
        };
        let mut keys = KeyMaker::default();
        let body_units = scan_page(title, meta, body, |u, p| keys.feed(u, p, &mut add));
        (pk, body_units)
    }

    /// Key `i` (in the order they came) and its entry number.
    pub(super) fn get(&self, i: usize) -> (Key<'_>, u32) {
        let (k, tail) = self.entries[i];
        (self.store.key(k), tail)
    }

    /// Every key and its entry number, in the order they came.
    pub(super) fn iter(&self) -> impl Iterator<Item = (Key<'_>, u32)> + '_ {
        (0..self.entries.len()).map(|i| self.get(i))
    }

    /// Every key as held in [`PageKeys::into_store`] and its entry number.
    pub(super) fn held(&self) -> &[(u64, u32)] {
        &self.entries
    }

    /// Where the keys of [`PageKeys::held`] are read.
    pub(super) fn into_store(self) -> KeyStore {
        self.store
    }
}

/// Calls `emit` for each unit of a page in position order: title from 0,
/// metadata from `META_START` (one gap between entries), body from
/// `BODY_START`. Returns the number of body units.
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
    // A line break separates units like a space: no pair spans it.
    let mut n = 0;
    scan(body, BODY_START, |u, p| {
        n += 1;
        emit(u, p);
    });
    n
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
