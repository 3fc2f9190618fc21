//! Build-time full-text search index for the browser, and its in-memory
//! incremental form.
//!
//! # Tokenisation (see `tokenize.rs`)
//! Text is NFKC-normalised and lower-cased per character; each Chinese (or
//! other non-ASCII alphanumeric) character is one *unit*, each run of ASCII
//! letters/digits is one unit, everything else separates. The index holds,
//! with positions, every unit (unigram) and every pair of adjacent units
//! (bigram). A query term of n units is answered from bigram postings only
//! (n ≥ 2; a covering subset: offsets 0, 2, 4 … and n−2) by checking that
//! the positions line up — which gives exact substring semantics: every run
//! of characters that occurs in a page finds it, characters that only occur
//! scattered do not, names and rare terms need no dictionary. One-unit terms
//! use unigram postings. A dictionary segmenter (jieba) was not used: it
//! cannot find a name it splits differently from the reader, and the
//! bigram-with-positions scheme has no misses by construction
//! (BENCHMARKS.md has the figures).
//!
//! # Files (all JavaScript that calls `zhanting_shard(name, data)`, so they
//! load through `<script>` tags — works over HTTP and from `file://`)
//! * `search/meta.js` — name `"meta"`: `{v, n, space, shards, kinds,
//!   regions, sectors, w, docs}` where `docs` is a string of fixed-width
//!   base-64 numbers (digits `0-9A-Za-z-_`, column widths in `w`), 6 per
//!   page in id order: `id, kind, region, sector, date, lenq` (kind/region/
//!   sector index into the lists, region/sector 1-based with 0 = none;
//!   date as `(y−1900)·512 + m·32 + d`; `lenq` = round(8·log2(body units
//!   + 1)), the body length for BM25, quantised so small edits rarely change
//!   it). 12 bytes per page: loading it is what lets filters, ranking and
//!   browsing work without any other file.
//! * `search/p/{h}.js` — name `"p/{h}"`, `h` = hex of `fnv1a(key) % shards`:
//!   `{key: [id₀, count, pos…, Δid, count, Δpos…, …]}` (ids ascending and
//!   delta-coded, positions delta-coded within a page). Positions: title
//!   from 0, metadata from 4096, body from 65536. Unigram keys (no space)
//!   carry no positions — a one-unit term needs none —, instead
//!   `[Δid, body count, flags]` with flags 1 = in title, 2 = in metadata:
//!   that halves the index.
//! * `search/b/{id}-{k}.js` — name `"b/{id}-{k}"`: part k of the page's
//!   body text (~1500 characters, cut at line breaks), a JSON string; the
//!   client loads only the part holding the first match, for the snippet.
//! * `search/d/{id}.js` — name `"d/{id}"`: one page: `{u, t, k, d, r, s, m, p}`
//!   (url relative to the site root, title, kind, date, region, sector,
//!   metadata strings — region, sector, date as 2013年9月25日, then the
//!   rest —, and `p`: the position of the first unit of each body part).
//!
//! Page ids are stable: slot `fnv1a(url) % space` (linear probing in URL
//! order), `space` = next power of two ≥ 2·pages. Shard count is the next
//! power of two of (positions / 8192). Both are pure functions of the page
//! set, so an incremental index equals a fresh build byte for byte.
//!
//! # Incremental use
//! `SearchIndex::build`, `upsert`, `remove`; `files()` gives every file;
//! `changed_files()` gives only those changed since the previous call
//! (`None` = delete). Editing one page's body touches its `d/{id}.js`, the
//! shards of the keys that changed, and `meta.js` only when its facets or
//! quantised length change.

mod tokenize;

pub use tokenize::{fnv1a, keys, units};

use std::collections::{BTreeMap, BTreeSet};

/// One page as the search index sees it.
#[derive(Debug, Clone)]
pub struct SearchDoc<'a> {
    /// Relative to the site root, percent-encoded (`cases/x/index.html`).
    pub url: &'a str,
    pub title: &'a str,
    /// `speech`, `case`, `brand` or `page`.
    pub kind: &'a str,
    /// `2013-09-25`.
    pub date: &'a str,
    pub region: &'a str,
    pub sector: &'a str,
    /// Speaker, 职务, occasion, organization, branch, brand, slogan, tags …
    pub meta: Vec<&'a str>,
    /// Plain text of the body, paragraphs separated by "\n".
    pub body: &'a str,
}

/// The index files, keyed by their path relative to the output root
/// (`search/…`).
///
/// Byte for byte the same as `SearchIndex::build(docs).files()`, built in
/// parallel without holding every posting at once: pages are tokenised in
/// parallel, then the shards are filled and written in independent groups.
pub fn build_index(docs: &[SearchDoc<'_>]) -> BTreeMap<String, Vec<u8>> {
    use rayon::prelude::*;
    let prepared: Vec<(Doc, PageKeys)> = docs
        .par_iter()
        .map(|d| {
            let (doc, list) = Doc::prepare(d);
            (doc, PageKeys::new(list))
        })
        .collect();
    let mut ix = SearchIndex::default();
    let mut page_keys: BTreeMap<String, PageKeys> = BTreeMap::new();
    for (doc, k) in prepared {
        ix.total += doc.npos;
        page_keys.insert(doc.url.clone(), k);
        ix.docs.insert(doc.url.clone(), doc);
    }
    ix.shards = shard_count(ix.total);
    ix.ids = assign_ids(ix.docs.keys(), ix.docs.len());
    let shards = ix.shards;
    let mut by_id: Vec<(u32, PageKeys)> = page_keys.into_iter().filter_map(|(u, k)| Some((*ix.ids.get(&u)?, k.with_shards(shards)))).collect();
    by_id.sort_by_key(|(id, _)| *id);

    // Shards in groups: each group reads every page's keys of its shards.
    let groups = (shards as usize).min(256);
    let per = (shards as usize).div_ceil(groups) as u32;
    let mut files: BTreeMap<String, Vec<u8>> = (0..groups as u32)
        .into_par_iter()
        .flat_map_iter(|g| shard_group(&by_id, g * per, ((g + 1) * per).min(shards)))
        .collect();
    drop(by_id);
    files.insert("search/meta.js".to_string(), ix.meta_file());
    let pages: Vec<(String, Vec<u8>)> = ix
        .ids
        .par_iter()
        .flat_map_iter(|(url, &id)| {
            let d = &ix.docs[url];
            std::iter::once((format!("search/d/{id}.js"), d.file(id)))
                .chain((0..d.parts.len()).filter_map(move |k| Some((format!("search/b/{id}-{k}.js"), d.part_file(id, k)?))))
        })
        .collect();
    files.extend(pages);
    files
}

/// One page's index keys, compactly: grouped by shard, each key with its
/// positions (ascending), all in two flat buffers.
struct PageKeys {
    /// (shard, key start, key end, positions start, positions end)
    entries: Vec<(u32, u32, u32, u32, u32)>,
    text: String,
    positions: Vec<u32>,
}

impl PageKeys {
    fn new(list: Vec<(String, u32)>) -> PageKeys {
        // key → positions, in order of first appearance (no string sorting)
        let mut slot: std::collections::HashMap<&str, usize> = std::collections::HashMap::with_capacity(list.len() / 2);
        let mut groups: Vec<(&str, Vec<u32>)> = Vec::new();
        for (k, p) in &list {
            let i = *slot.entry(k.as_str()).or_insert_with(|| {
                groups.push((k.as_str(), Vec::new()));
                groups.len() - 1
            });
            groups[i].1.push(*p);
        }
        let mut pk = PageKeys { entries: Vec::with_capacity(groups.len()), text: String::new(), positions: Vec::with_capacity(list.len()) };
        for (k, ps) in groups {
            let (ks, pstart) = (pk.text.len() as u32, pk.positions.len() as u32);
            pk.text.push_str(k);
            pk.positions.extend(ps);
            // shard filled in by `with_shards` once the shard count is known
            pk.entries.push((0, ks, pk.text.len() as u32, pstart, pk.positions.len() as u32));
        }
        pk
    }

    fn with_shards(mut self, shards: u32) -> PageKeys {
        for e in &mut self.entries {
            e.0 = fnv1a(&self.text[e.1 as usize..e.2 as usize]) % shards;
        }
        self.entries.sort_unstable_by_key(|e| e.0);
        self
    }
}

/// The files of shards `lo..hi`, from every page's keys (pages in id order).
fn shard_group(pages: &[(u32, PageKeys)], lo: u32, hi: u32) -> Vec<(String, Vec<u8>)> {
    // shard → key → (last id, encoded postings so far)
    type Postings<'a> = std::collections::HashMap<&'a str, (u32, String)>;
    let mut postings: BTreeMap<u32, Postings<'_>> = BTreeMap::new();
    for (id, pk) in pages {
        let start = pk.entries.partition_point(|e| e.0 < lo);
        for e in pk.entries[start..].iter().take_while(|e| e.0 < hi) {
            let key = &pk.text[e.1 as usize..e.2 as usize];
            let ps = &pk.positions[e.3 as usize..e.4 as usize];
            let (last, s) = postings.entry(e.0).or_default().entry(key).or_insert((0, String::new()));
            if !s.is_empty() {
                s.push(',');
            }
            encode_posting(s, id - *last, ps, !key.contains(' '));
            *last = *id;
        }
    }
    postings
        .into_iter()
        .map(|(shard, keys)| {
            let mut keys: Vec<(&str, (u32, String))> = keys.into_iter().collect();
            keys.sort_unstable_by(|a, b| a.0.cmp(b.0));
            let mut s = String::from("{");
            for (n, (k, (_, list))) in keys.into_iter().enumerate() {
                if n > 0 {
                    s.push(',');
                }
                s.push_str(&serde_json::Value::from(k).to_string());
                s.push_str(":[");
                s.push_str(&list);
                s.push(']');
            }
            s.push('}');
            (format!("search/p/{shard:x}.js"), script(&format!("p/{shard:x}"), &s))
        })
        .collect()
}

/// One page's entry in a key's postings: `Δid, body count, flags` for a
/// unigram, `Δid, count, Δpos…` for a bigram.
fn encode_posting(s: &mut String, delta_id: u32, ps: &[u32], unigram: bool) {
    use std::fmt::Write;
    let _ = write!(s, "{delta_id}");
    if unigram {
        let body = ps.iter().filter(|&&p| p >= BODY_START).count();
        let flags = u32::from(ps.iter().any(|&p| p < META_START)) | u32::from(ps.iter().any(|&p| (META_START..BODY_START).contains(&p))) << 1;
        let _ = write!(s, ",{body},{flags}");
        return;
    }
    let _ = write!(s, ",{}", ps.len());
    let mut prev = 0;
    for &p in ps {
        let _ = write!(s, ",{}", p - prev);
        prev = p;
    }
}

pub const META_START: u32 = 4096;
pub const BODY_START: u32 = 65536;
const KIND_ORDER: [&str; 4] = ["speech", "case", "brand", "page"];

/// An owned page with its index keys.
#[derive(Debug, Clone, PartialEq)]
struct Doc {
    url: String,
    title: String,
    kind: String,
    date: String,
    region: String,
    sector: String,
    meta: Vec<String>,
    body: String,
    /// key → positions, ascending.
    keys: BTreeMap<String, Vec<u32>>,
    /// The body in parts: (text, position of its first unit).
    parts: Vec<(String, u32)>,
    lenq: u32,
    npos: usize,
}

impl Doc {
    /// The page's fields and its index keys with their positions, in
    /// position order (a key may repeat).
    fn prepare(d: &SearchDoc<'_>) -> (Doc, Vec<(String, u32)>) {
        let mut meta: Vec<String> = Vec::new();
        let cn_date = cn_date(d.date);
        for m in [d.region, d.sector, cn_date.as_str()].into_iter().chain(d.meta.iter().copied()) {
            if !m.trim().is_empty() {
                meta.push(m.to_string());
            }
        }
        let mut all = units(d.title, 0).0;
        let mut pos = META_START;
        for m in &meta {
            let (u, next) = units(m, pos);
            all.extend(u);
            pos = next + 1;
        }
        let (body, _) = units(d.body, BODY_START);
        let lenq = ((body.len() as f64 + 1.0).log2() * 8.0).round() as u32;
        all.extend(body);
        let list = keys(&all);
        let doc = Doc {
            url: d.url.to_string(),
            title: d.title.to_string(),
            kind: d.kind.to_string(),
            date: d.date.to_string(),
            region: d.region.to_string(),
            sector: d.sector.to_string(),
            meta,
            body: d.body.to_string(),
            parts: parts(d.body),
            keys: BTreeMap::new(),
            lenq,
            npos: list.len(),
        };
        (doc, list)
    }

    fn new(d: &SearchDoc<'_>) -> Doc {
        let (mut doc, list) = Doc::prepare(d);
        for (k, p) in list {
            doc.keys.entry(k).or_default().push(p);
        }
        doc
    }

    /// `(year − 1900)·512 + month·32 + day`, 0 if unknown: ordered like
    /// the date, small enough for three base-64 digits.
    fn date_num(&self) -> u64 {
        let p: Vec<u64> = self.date.split('-').filter_map(|x| x.parse().ok()).collect();
        match p[..] {
            [y, m, d] if (1900..2400).contains(&y) && m <= 12 && d <= 31 => (y - 1900) * 512 + m * 32 + d,
            _ => 0,
        }
    }

    fn part_file(&self, id: u32, k: usize) -> Option<Vec<u8>> {
        let (text, _) = self.parts.get(k)?;
        Some(script(&format!("b/{id}-{k}"), &serde_json::Value::from(text.as_str()).to_string()))
    }

    fn file(&self, id: u32) -> Vec<u8> {
        let v = serde_json::json!({
            "u": self.url, "t": self.title, "k": self.kind, "d": self.date,
            "r": self.region, "s": self.sector, "m": self.meta,
            "p": self.parts.iter().map(|(_, u)| u).collect::<Vec<_>>(),
        });
        script(&format!("d/{id}"), &v.to_string())
    }
}

/// Parts of the body are about this many characters.
const PART_CHARS: usize = 1500;

/// Splits the body into parts of about `PART_CHARS` characters, after a
/// line break or, in a very long paragraph, before a Chinese character —
/// places where tokenising the parts one after the other gives exactly the
/// units of the whole. Each part carries the position of its first unit.
fn parts(body: &str) -> Vec<(String, u32)> {
    let mut cuts = vec![0];
    let mut n = 0;
    for (i, c) in body.char_indices() {
        if n >= 2 * PART_CHARS && ('\u{4e00}'..='\u{9fff}').contains(&c) {
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
    let mut out = Vec::new();
    let mut pos = BODY_START;
    for w in cuts.windows(2) {
        let text = &body[w[0]..w[1]];
        out.push((text.to_string(), pos));
        pos = units(text, pos).1;
    }
    if out.is_empty() {
        out.push((String::new(), BODY_START));
    }
    out
}

/// Base-64 digits for the compact columns of `meta.js`.
const B64: &[u8; 64] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";

fn b64(mut v: u64, width: usize, out: &mut String) {
    let mut buf = vec![b'0'; width];
    for slot in buf.iter_mut().rev() {
        *slot = B64[(v % 64) as usize];
        v /= 64;
    }
    out.push_str(std::str::from_utf8(&buf).unwrap_or(""));
}

fn b64_width(max: u64) -> usize {
    let mut w = 1;
    while max >= 64u64.pow(w as u32) {
        w += 1;
    }
    w
}

/// `2013-09-25` → `2013年9月25日`, as pages show it (so `2013年` finds it).
fn cn_date(iso: &str) -> String {
    let parts: Vec<u32> = iso.split('-').filter_map(|x| x.parse().ok()).collect();
    match parts[..] {
        [y, m, d] => format!("{y}年{m}月{d}日"),
        _ => String::new(),
    }
}

/// `zhanting_shard("name",DATA);` with line separators escaped for old
/// JavaScript engines.
fn script(name: &str, json: &str) -> Vec<u8> {
    let json = json.replace('\u{2028}', "\\u2028").replace('\u{2029}', "\\u2029");
    format!("zhanting_shard(\"{name}\",{json});\n").into_bytes()
}

fn id_space(n: usize) -> u32 {
    (n.max(32) * 2).next_power_of_two() as u32
}

fn shard_count(total_positions: usize) -> u32 {
    ((total_positions / 8192).max(8).next_power_of_two() as u32).min(65536)
}

/// Stable ids: slot `fnv1a(url) % space`, linear probing in URL order.
fn assign_ids<'a>(urls: impl Iterator<Item = &'a String>, n: usize) -> BTreeMap<String, u32> {
    let space = id_space(n);
    let mut taken = vec![false; space as usize];
    let mut out = BTreeMap::new();
    for url in urls {
        let mut slot = fnv1a(url) % space;
        while taken[slot as usize] {
            slot = (slot + 1) % space;
        }
        taken[slot as usize] = true;
        out.insert(url.clone(), slot);
    }
    out
}

/// The search index in memory; see the module comment.
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    docs: BTreeMap<String, Doc>,
    ids: BTreeMap<String, u32>,
    shards: u32,
    total: usize,
    /// shard → key → id → positions.
    postings: BTreeMap<u32, BTreeMap<String, BTreeMap<u32, Vec<u32>>>>,
    dirty: BTreeSet<String>,
    last_meta: Vec<u8>,
}

impl SearchIndex {
    pub fn build(docs: &[SearchDoc<'_>]) -> SearchIndex {
        let mut map = BTreeMap::new();
        for d in docs {
            map.insert(d.url.to_string(), Doc::new(d));
        }
        let mut ix = SearchIndex { docs: map, ..SearchIndex::default() };
        ix.total = ix.docs.values().map(|d| d.npos).sum();
        ix.shards = shard_count(ix.total);
        ix.ids = assign_ids(ix.docs.keys(), ix.docs.len());
        let pairs: Vec<(u32, String)> = ix.ids.iter().map(|(u, i)| (*i, u.clone())).collect();
        for (id, url) in pairs {
            ix.add_postings(&url, id);
        }
        ix.last_meta = ix.meta_file();
        ix.dirty.clear();
        ix
    }

    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    fn add_postings(&mut self, url: &str, id: u32) {
        let Some(doc) = self.docs.get(url) else { return };
        for (k, ps) in &doc.keys {
            let shard = fnv1a(k) % self.shards;
            self.dirty.insert(format!("search/p/{shard:x}.js"));
            self.postings.entry(shard).or_default().entry(k.clone()).or_default().insert(id, ps.clone());
        }
        self.dirty.insert(format!("search/d/{id}.js"));
        for k in 0..doc.parts.len() {
            self.dirty.insert(format!("search/b/{id}-{k}.js"));
        }
    }

    fn remove_postings(&mut self, doc: &Doc, id: u32) {
        for k in doc.keys.keys() {
            let shard = fnv1a(k) % self.shards;
            self.dirty.insert(format!("search/p/{shard:x}.js"));
            if let Some(sh) = self.postings.get_mut(&shard) {
                if let Some(p) = sh.get_mut(k) {
                    p.remove(&id);
                    if p.is_empty() {
                        sh.remove(k);
                    }
                }
                if sh.is_empty() {
                    self.postings.remove(&shard);
                }
            }
        }
        self.dirty.insert(format!("search/d/{id}.js"));
        for k in 0..doc.parts.len() {
            self.dirty.insert(format!("search/b/{id}-{k}.js"));
        }
    }

    /// Adds or replaces the page with `doc.url`.
    pub fn upsert(&mut self, doc: &SearchDoc<'_>) {
        let new = Doc::new(doc);
        if let Some(old) = self.docs.get(doc.url) {
            if *old == new {
                return;
            }
            let old = old.clone();
            if let Some(&id) = self.ids.get(doc.url) {
                self.total -= old.npos;
                self.remove_postings(&old, id);
            }
        }
        self.total += new.npos;
        self.docs.insert(doc.url.to_string(), new);
        self.ids.remove(doc.url);
        self.relayout(Some(doc.url));
    }

    /// Removes the page with this url (no-op if absent).
    pub fn remove(&mut self, url: &str) {
        let Some(old) = self.docs.remove(url) else { return };
        self.total -= old.npos;
        if let Some(id) = self.ids.remove(url) {
            self.remove_postings(&old, id);
        }
        self.relayout(None);
    }

    /// After a change: recompute ids and shard count; move what moved.
    fn relayout(&mut self, fresh: Option<&str>) {
        let shards = shard_count(self.total);
        if shards != self.shards {
            for s in self.postings.keys() {
                self.dirty.insert(format!("search/p/{s:x}.js"));
            }
            self.postings.clear();
            self.shards = shards;
            self.ids.clear();
        }
        let ids = assign_ids(self.docs.keys(), self.docs.len());
        let mut moved: Vec<(String, u32)> = vec![];
        for (url, &id) in &ids {
            if self.ids.get(url) != Some(&id) || fresh == Some(url.as_str()) {
                moved.push((url.clone(), id));
            }
        }
        for (url, _) in &moved {
            if let Some(&old) = self.ids.get(url) {
                if let Some(doc) = self.docs.get(url).cloned() {
                    self.remove_postings(&doc, old);
                }
            }
        }
        self.ids = ids;
        for (url, id) in moved {
            self.add_postings(&url, id);
        }
        let meta = self.meta_file();
        if meta != self.last_meta {
            self.dirty.insert("search/meta.js".into());
            self.last_meta = meta;
        }
    }

    fn meta_file(&self) -> Vec<u8> {
        let mut kinds: Vec<&str> = self.docs.values().map(|d| d.kind.as_str()).collect::<BTreeSet<_>>().into_iter().collect();
        kinds.sort_by_key(|k| (KIND_ORDER.iter().position(|o| o == k).unwrap_or(KIND_ORDER.len()), *k));
        let regions: Vec<&str> = self.docs.values().map(|d| d.region.as_str()).filter(|r| !r.is_empty()).collect::<BTreeSet<_>>().into_iter().collect();
        let sectors: Vec<&str> = self.docs.values().map(|d| d.sector.as_str()).filter(|r| !r.is_empty()).collect::<BTreeSet<_>>().into_iter().collect();
        let pos = |list: &[&str], v: &str| list.iter().position(|x| *x == v).map_or(0, |i| i + 1);
        let mut by_id: Vec<(u32, &Doc)> = self.ids.iter().filter_map(|(u, &i)| self.docs.get(u).map(|d| (i, d))).collect();
        by_id.sort_by_key(|(i, _)| *i);
        let mut rows: Vec<[u64; 6]> = Vec::with_capacity(by_id.len());
        for (id, d) in by_id {
            rows.push([
                u64::from(id),
                pos(&kinds, &d.kind).saturating_sub(1) as u64,
                pos(&regions, &d.region) as u64,
                pos(&sectors, &d.sector) as u64,
                d.date_num(),
                u64::from(d.lenq),
            ]);
        }
        let widths: Vec<usize> = (0..6).map(|c| b64_width(rows.iter().map(|r| r[c]).max().unwrap_or(0))).collect();
        let mut flat = String::with_capacity(rows.len() * widths.iter().sum::<usize>());
        for r in &rows {
            for (v, w) in r.iter().zip(&widths) {
                b64(*v, *w, &mut flat);
            }
        }
        let v = serde_json::json!({
            "v": 1, "n": self.docs.len(), "space": id_space(self.docs.len()), "shards": self.shards,
            "kinds": kinds, "regions": regions, "sectors": sectors, "w": widths, "docs": flat,
        });
        script("meta", &v.to_string())
    }

    fn shard_file(&self, shard: u32) -> Option<Vec<u8>> {
        let keys = self.postings.get(&shard)?;
        let mut s = String::from("{");
        for (n, (k, docs)) in keys.iter().enumerate() {
            if n > 0 {
                s.push(',');
            }
            s.push_str(&serde_json::Value::from(k.as_str()).to_string());
            s.push_str(":[");
            let mut prev_id = 0;
            for (n, (&id, ps)) in docs.iter().enumerate() {
                if n > 0 {
                    s.push(',');
                }
                encode_posting(&mut s, id - prev_id, ps, !k.contains(' '));
                prev_id = id;
            }
            s.push(']');
        }
        s.push('}');
        Some(script(&format!("p/{shard:x}"), &s))
    }

    fn file(&self, path: &str) -> Option<Vec<u8>> {
        let rest = path.strip_prefix("search/")?;
        if rest == "meta.js" {
            return Some(self.meta_file());
        }
        if let Some(h) = rest.strip_prefix("p/").and_then(|r| r.strip_suffix(".js")) {
            let shard = u32::from_str_radix(h, 16).ok()?;
            return if shard < self.shards { self.shard_file(shard) } else { None };
        }
        if let Some(i) = rest.strip_prefix("d/").and_then(|r| r.strip_suffix(".js")) {
            let id: u32 = i.parse().ok()?;
            let url = self.ids.iter().find(|(_, &v)| v == id).map(|(u, _)| u)?;
            return self.docs.get(url).map(|d| d.file(id));
        }
        if let Some((i, k)) = rest.strip_prefix("b/").and_then(|r| r.strip_suffix(".js")).and_then(|r| r.split_once('-')) {
            let (id, k): (u32, usize) = (i.parse().ok()?, k.parse().ok()?);
            let url = self.ids.iter().find(|(_, &v)| v == id).map(|(u, _)| u)?;
            return self.docs.get(url).and_then(|d| d.part_file(id, k));
        }
        None
    }

    /// Every index file, keyed by path relative to the output root.
    pub fn files(&self) -> BTreeMap<String, Vec<u8>> {
        let mut out = BTreeMap::new();
        out.insert("search/meta.js".to_string(), self.meta_file());
        for &shard in self.postings.keys() {
            if let Some(f) = self.shard_file(shard) {
                out.insert(format!("search/p/{shard:x}.js"), f);
            }
        }
        for (url, &id) in &self.ids {
            if let Some(d) = self.docs.get(url) {
                out.insert(format!("search/d/{id}.js"), d.file(id));
                for k in 0..d.parts.len() {
                    if let Some(f) = d.part_file(id, k) {
                        out.insert(format!("search/b/{id}-{k}.js"), f);
                    }
                }
            }
        }
        out
    }

    /// Files changed since the previous call (or since `build`): new
    /// content, or `None` for a file to delete.
    pub fn changed_files(&mut self) -> BTreeMap<String, Option<Vec<u8>>> {
        let dirty = std::mem::take(&mut self.dirty);
        dirty.into_iter().map(|p| {
            let f = self.file(&p);
            (p, f)
        }).collect()
    }
}

#[cfg(test)]
mod tests;
