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
//!   date as `(y−1900)·512 + m·32 + d`; `lenq` = round(8·log2(units
//!   of the body plus one)), the body length for BM25, quantised so small
//!   edits rarely change it). 12 bytes per page: loading it is what lets filters, ranking and
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
//! [`build_into`] hands every file on as soon as it is made (and, asked
//! to keep it, returns the [`SearchIndex`]); [`SearchIndex::build`] returns
//! the state and every file at once ([`build_index`] only the files).
//! [`SearchIndex::patch`] (pages told apart by a `changed(url)` test) and
//! [`SearchIndex::patch_pages`] (told which pages were updated and which
//! removed) return a [`Patch`]: only the files that change, `None` for a
//! file to delete, or no patch at all when the layout changes. Editing one
//! page's body touches its `d/{id}.js`, the shards of the keys that
//! changed, and `meta.js` only when its facets or quantised length change.

mod tokenize;

use crate::text::UNIFIED_IDEOGRAPHS;
pub use tokenize::{fnv1a, keys, units};
use tokenize::{scan, KeyMaker};

use std::collections::{BTreeMap, BTreeSet};

/// True for the files of the index (`search/meta.js`, `search/p/…`,
/// `search/d/…`, `search/b/…`), not the search page beside them.
pub fn is_index_file(path: &str) -> bool {
    path == "search/meta.js"
        || ["search/p/", "search/d/", "search/b/"]
            .iter()
            .any(|p| path.starts_with(p))
}

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
pub fn build_index(docs: &[SearchDoc<'_>]) -> BTreeMap<String, Vec<u8>> {
    SearchIndex::build(docs).1
}

/// Where the index builder puts each file as soon as it is made.
pub type Put<'p> = &'p (dyn Fn(String, Vec<u8>) + Sync);

/// Positions of the keys held in memory at once while filling the shards:
/// a site with more is filled in passes, its keys spilled to a scratch
/// folder, so memory stays bounded however large the site (see
/// [`build_into`]).
const POSITIONS_IN_MEMORY: usize = 8 << 20;

/// Builds the index of `docs`, handing every file to `put` once made.
/// `body(i)` is the body text of `docs[i]` (asked for twice per page, so
/// that a caller need not hold them all).
/// With `keep`, returns the state for later patches (every page's fields,
/// texts included); without, nothing of the pages' texts is held beyond
/// this call.
///
/// Built in parallel: pages are tokenised once to size the index (shard
/// count) and make their own files, then again into their keys, each page's
/// postings written out as text in shard order; the shards are then filled
/// and written in independent groups, each reading only its slice of every
/// page. With a `scratch` folder and more than [`POSITIONS_IN_MEMORY`]
/// positions, the groups are filled in passes: the keys are written to one
/// file per pass, and each pass reads only its own. The files are the same
/// either way.
pub fn build_into<'a>(
    docs: &[SearchDoc<'a>],
    body: &(dyn Fn(usize) -> std::borrow::Cow<'a, str> + Sync),
    keep: bool,
    scratch: Option<&std::path::Path>,
    put: Put<'_>,
) -> std::io::Result<Option<SearchIndex>> {
    build_in_passes(
        docs,
        body,
        keep,
        scratch.map(|d| (d, POSITIONS_IN_MEMORY)),
        put,
    )
}

/// [`build_into`] with the scratch folder and the positions held per pass.
fn build_in_passes<'a>(
    docs: &[SearchDoc<'a>],
    body: &(dyn Fn(usize) -> std::borrow::Cow<'a, str> + Sync),
    keep: bool,
    scratch: Option<(&std::path::Path, usize)>,
    put: Put<'_>,
) -> std::io::Result<Option<SearchIndex>> {
    use rayon::prelude::*;
    let mut urls: Vec<&str> = docs.iter().map(|d| d.url).collect();
    urls.sort_unstable();
    let ids = assign_ids(urls.into_iter(), docs.len());
    // Pages first (their sizes give the shard count), then their keys:
    // tokenising twice costs less than holding every page's raw keys.
    let prepared: Vec<(u32, Doc)> = docs
        .par_iter()
        .enumerate()
        .map(|(i, d)| {
            let id = ids[d.url];
            let mut doc = Doc::prepare(d, &body(i));
            put(format!("search/d/{id}.js"), doc.file(id));
            for k in 0..doc.parts.len() {
                if let Some(f) = doc.part_file(id, k) {
                    put(format!("search/b/{id}-{k}.js"), f);
                }
            }
            if !keep {
                doc.body = String::new();
                doc.parts = Vec::new();
            }
            (id, doc)
        })
        .collect();
    let total: usize = prepared.iter().map(|(_, d)| d.npos).sum();
    let shards = shard_count(total);
    // Shards in groups: each group reads every page's entries of its shards.
    let groups = (shards as usize).min(256) as u32;
    let per = shards.div_ceil(groups);
    let mut by_id: Vec<(u32, usize)> = prepared
        .iter()
        .enumerate()
        .map(|(i, (id, _))| (*id, i))
        .collect();
    by_id.sort_unstable();
    let keys_of = |i: usize| {
        let d = &prepared[i].1;
        PageKeys::of_page(&d.title, &d.meta, &body(i)).sharded(shards, groups, per)
    };
    let passes = match scratch {
        Some((dir, budget)) if total > budget => {
            Some((dir, total.div_ceil(budget).min(groups as usize) as u32))
        }
        _ => None,
    };
    let fill = |pages: &[(u32, ShardedKeys)], gs: std::ops::Range<u32>| {
        gs.into_par_iter().for_each(|g| {
            for (path, bytes) in shard_group(pages, g as usize) {
                put(path, bytes);
            }
        });
    };
    match passes {
        None => {
            let pages: Vec<(u32, ShardedKeys)> = by_id
                .into_par_iter()
                .map(|(id, i)| (id, keys_of(i)))
                .collect();
            fill(&pages, 0..groups);
        }
        Some((dir, n)) => {
            let spill = Spill::create(dir, groups, n)?;
            for chunk in by_id.chunks(1024) {
                let keys: Vec<(u32, ShardedKeys)> =
                    chunk.par_iter().map(|&(id, i)| (id, keys_of(i))).collect();
                spill.write(&keys)?;
            }
            for pass in 0..n {
                let (pages, gs) = spill.read(pass)?;
                fill(&pages, gs);
            }
        }
    }
    let mut ix = SearchIndex {
        total,
        shards,
        ids: ids.into_iter().map(|(u, id)| (u.to_string(), id)).collect(),
        docs: prepared
            .into_iter()
            .map(|(_, d)| (d.url.clone(), d))
            .collect(),
        last_meta: Vec::new(),
        meta: MetaRows::default(),
    };
    ix.meta = ix.meta_rows();
    ix.last_meta = ix.meta_file();
    put("search/meta.js".to_string(), ix.last_meta.clone());
    Ok(keep.then_some(ix))
}

/// The pages' keys of one pass (in id order), and the pass's shard groups.
type Pass = (Vec<(u32, ShardedKeys)>, std::ops::Range<u32>);

/// Every page's shard keys written out in passes: one file per pass, each
/// holding, page after page (in id order), the entries of that pass's
/// groups of shards.
struct Spill {
    files: Vec<(
        std::path::PathBuf,
        std::sync::Mutex<std::io::BufWriter<std::fs::File>>,
    )>,
    /// Groups of pass `p`: `bounds[p]..bounds[p + 1]`.
    bounds: Vec<u32>,
}

impl Spill {
    fn create(dir: &std::path::Path, groups: u32, passes: u32) -> std::io::Result<Spill> {
        std::fs::create_dir_all(dir)?;
        let bounds = (0..=passes)
            .map(|p| (u64::from(groups) * u64::from(p) / u64::from(passes)) as u32)
            .collect();
        let files = (0..passes)
            .map(|p| {
                let path = dir.join(format!("search-keys-{p}"));
                let f = std::fs::File::create(&path)?;
                Ok((
                    path,
                    std::sync::Mutex::new(std::io::BufWriter::with_capacity(1 << 20, f)),
                ))
            })
            .collect::<std::io::Result<_>>()?;
        Ok(Spill { files, bounds })
    }

    /// Appends these pages (in id order) to every pass's file.
    fn write(&self, pages: &[(u32, ShardedKeys)]) -> std::io::Result<()> {
        use rayon::prelude::*;
        use std::io::Write;
        self.files
            .par_iter()
            .enumerate()
            .try_for_each(|(p, (_, f))| {
                let (g0, g1) = (self.bounds[p], self.bounds[p + 1]);
                let mut f = f.lock().map_err(|_| std::io::Error::other("poisoned"))?;
                for (id, pk) in pages {
                    let r = pk.groups(g0 as usize..g1 as usize);
                    if r.is_empty() {
                        continue;
                    }
                    let (k, t) = pk.spans(r.clone());
                    let mut head: Vec<u32> =
                        vec![*id, r.len() as u32, k.len() as u32, t.len() as u32];
                    // where each group's entries start, from the first entry
                    head.extend(
                        (g0 as usize..=g1 as usize)
                            .map(|g| pk.groups(g0 as usize..g).end as u32 - r.start as u32),
                    );
                    for &(shard, ke, te) in &pk.entries[r.clone()] {
                        head.extend([shard, ke - k.start as u32, te - t.start as u32]);
                    }
                    for v in head {
                        f.write_all(&v.to_le_bytes())?;
                    }
                    f.write_all(&pk.text.as_bytes()[k])?;
                    f.write_all(&pk.tails.as_bytes()[t])?;
                }
                Ok(())
            })
    }

    /// The pages' entries of pass `p`, and its groups.
    fn read(&self, p: u32) -> std::io::Result<Pass> {
        use std::io::Write;
        let (path, f) = &self.files[p as usize];
        f.lock()
            .map_err(|_| std::io::Error::other("poisoned"))?
            .flush()?;
        let data = std::fs::read(path)?;
        // Read once: gone at once (whatever is left on a failure goes with
        // the scratch folder).
        let _ = std::fs::remove_file(path);
        let (g0, g1) = (self.bounds[p as usize], self.bounds[p as usize + 1]);
        let bad = || std::io::Error::new(std::io::ErrorKind::InvalidData, "spilled keys damaged");
        let mut at = 0usize;
        let next = |at: &mut usize| -> std::io::Result<u32> {
            let b = data.get(*at..*at + 4).ok_or_else(bad)?;
            *at += 4;
            Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        };
        let mut pages = Vec::new();
        while at < data.len() {
            let id = next(&mut at)?;
            let n = next(&mut at)? as usize;
            let (kl, tl) = (next(&mut at)? as usize, next(&mut at)? as usize);
            let mut starts = Vec::with_capacity((g1 - g0 + 1) as usize);
            for _ in g0..=g1 {
                starts.push(next(&mut at)?);
            }
            let mut entries = Vec::with_capacity(n);
            for _ in 0..n {
                entries.push((next(&mut at)?, next(&mut at)?, next(&mut at)?));
            }
            let text = data.get(at..at + kl).ok_or_else(bad)?;
            let tails = data.get(at + kl..at + kl + tl).ok_or_else(bad)?;
            at += kl + tl;
            let text = String::from_utf8(text.to_vec()).map_err(|_| bad())?;
            let tails = String::from_utf8(tails.to_vec()).map_err(|_| bad())?;
            pages.push((
                id,
                ShardedKeys {
                    entries,
                    text,
                    tails,
                    starts,
                    first: g0,
                },
            ));
        }
        Ok((pages, g0..g1))
    }
}

/// One page's index keys, compactly: each key once with its positions
/// (ascending), all in two flat buffers.
struct PageKeys {
    /// (key start, key end in `text`, positions start, positions end)
    entries: Vec<(u32, u32, u32, u32)>,
    text: String,
    positions: Vec<u32>,
}

impl PageKeys {
    /// The keys of a page (as [`index_keys`] lists them), grouped, each
    /// key's text made once.
    fn of_page(title: &str, meta: &[String], body: &str) -> PageKeys {
        let mut slot: rustc_hash::FxHashMap<String, usize> = rustc_hash::FxHashMap::default();
        // (key start, key end in `text`, positions), in order of first appearance
        let mut groups: Vec<(u32, u32, Vec<u32>)> = Vec::new();
        let mut text = String::new();
        let mut npos = 0;
        let mut add = |key: &str, p: u32| {
            npos += 1;
            match slot.get(key) {
                Some(&g) => groups[g].2.push(p),
                None => {
                    let ks = text.len() as u32;
                    text.push_str(key);
                    groups.push((ks, text.len() as u32, vec![p]));
                    slot.insert(key.to_string(), groups.len() - 1);
                }
            }
        };
        let mut keys = KeyMaker::default();
        scan_page(title, meta, body, |u, p| keys.feed(u, p, &mut add));
        let mut pk = PageKeys {
            entries: Vec::with_capacity(groups.len()),
            text,
            positions: Vec::new(),
        };
        pk.positions.reserve(npos);
        for (ks, ke, ps) in groups {
            let pstart = pk.positions.len() as u32;
            pk.positions.extend(ps);
            pk.entries.push((ks, ke, pstart, pk.positions.len() as u32));
        }
        pk
    }

    /// The keys ordered by shard, each with its posting after the id
    /// already written out, and where each group of `per` shards starts.
    fn sharded(self, shards: u32, groups: u32, per: u32) -> ShardedKeys {
        let mut order: Vec<(u32, usize)> = self
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| (fnv1a(&self.text[e.0 as usize..e.1 as usize]) % shards, i))
            .collect();
        order.sort_unstable_by_key(|&(shard, _)| shard);
        let mut tails = String::with_capacity(self.positions.len() * 4);
        let mut text = String::with_capacity(self.text.len());
        let mut entries = Vec::with_capacity(order.len());
        let mut starts = Vec::with_capacity(groups as usize + 1);
        for (shard, i) in order {
            while starts.len() as u32 <= shard / per {
                starts.push(entries.len() as u32);
            }
            let (ks, ke, ps, pe) = self.entries[i];
            let key = &self.text[ks as usize..ke as usize];
            entries.push((shard, text.len() as u32, tails.len() as u32));
            text.push_str(key);
            encode_tail(
                &mut tails,
                &self.positions[ps as usize..pe as usize],
                !key.contains(' '),
            );
        }
        while starts.len() as u32 <= groups {
            starts.push(entries.len() as u32);
        }
        ShardedKeys {
            entries,
            text,
            tails,
            starts,
            first: 0,
        }
    }
}

/// A page's keys ready for the shard files: in shard order, each with its
/// posting after the id as text. Held for every page at once, so kept
/// small: keys and tails lie in entry order, each ends where the next begins.
struct ShardedKeys {
    /// (shard, key start in `text`, tail start in `tails`)
    entries: Vec<(u32, u32, u32)>,
    text: String,
    tails: String,
    /// `starts[g - first]..starts[g - first + 1]`: the entries of shard
    /// group `g` (groups before `first` are not held).
    starts: Vec<u32>,
    first: u32,
}

impl ShardedKeys {
    /// The entries of shard groups `gs`.
    fn groups(&self, gs: std::ops::Range<usize>) -> std::ops::Range<usize> {
        let first = self.first as usize;
        self.starts[gs.start - first] as usize..self.starts[gs.end - first] as usize
    }

    /// Where the keys and the tails of entries `r` lie in `text` and `tails`.
    fn spans(&self, r: std::ops::Range<usize>) -> (std::ops::Range<usize>, std::ops::Range<usize>) {
        let start = |i: usize| {
            self.entries
                .get(i)
                .map_or((self.text.len(), self.tails.len()), |e| {
                    (e.1 as usize, e.2 as usize)
                })
        };
        let ((ks, ts), (ke, te)) = (start(r.start), start(r.end));
        (ks..ke, ts..te)
    }

    /// Entry `i`: its shard, key and tail.
    fn entry(&self, i: usize) -> (u32, &str, &str) {
        let (k, t) = self.spans(i..i + 1);
        (self.entries[i].0, &self.text[k], &self.tails[t])
    }
}

/// The files of the shards of group `g`, from every page's keys (pages in id
/// order).
fn shard_group(pages: &[(u32, ShardedKeys)], g: usize) -> Vec<(String, Vec<u8>)> {
    // shard → key → (last id, encoded postings so far)
    type Postings<'a> = rustc_hash::FxHashMap<&'a str, (u32, String)>;
    let mut postings: BTreeMap<u32, Postings<'_>> = BTreeMap::new();
    let mut buf = itoa::Buffer::new();
    for (id, pk) in pages {
        for i in pk.groups(g..g + 1) {
            let (shard, key, tail) = pk.entry(i);
            let (last, s) = postings
                .entry(shard)
                .or_default()
                .entry(key)
                .or_insert((0, String::new()));
            if !s.is_empty() {
                s.push(',');
            }
            s.push_str(buf.format(id - *last));
            s.push_str(tail);
            *last = *id;
        }
    }
    postings
        .into_iter()
        .map(|(shard, keys)| {
            let mut keys: Vec<(&str, (u32, String))> = keys.into_iter().collect();
            keys.sort_unstable_by(|a, b| a.0.cmp(b.0));
            let mut s = String::with_capacity(
                keys.iter()
                    .map(|(k, (_, list))| k.len() + list.len() + 6)
                    .sum::<usize>()
                    + 2,
            );
            s.push('{');
            for (n, (k, (_, list))) in keys.into_iter().enumerate() {
                if n > 0 {
                    s.push(',');
                }
                // keys are letters and digits and one space: nothing to escape
                s.push('"');
                s.push_str(k);
                s.push_str("\":[");
                s.push_str(&list);
                s.push(']');
            }
            s.push('}');
            (
                format!("search/p/{shard:x}.js"),
                script(&format!("p/{shard:x}"), &s),
            )
        })
        .collect()
}

/// One page's entry in a key's postings after its id, each number after a
/// comma (see [`tail_values`]).
fn encode_tail(s: &mut String, ps: &[u32], unigram: bool) {
    let mut buf = itoa::Buffer::new();
    for v in tail_values(ps, unigram) {
        s.push(',');
        s.push_str(buf.format(v));
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
    /// The body in parts: (text, position of its first unit).
    parts: Vec<(String, u32)>,
    lenq: u32,
    npos: usize,
}

impl Doc {
    /// The page's fields, and the counts the index layout needs.
    fn prepare(d: &SearchDoc<'_>, body: &str) -> Doc {
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
    fn index_keys(&self) -> Vec<(String, u32)> {
        index_keys(&self.title, &self.meta, &self.body)
    }

    /// `(year − 1900)·512 + month·32 + day`, 0 if unknown: ordered like
    /// the date, small enough for three base-64 digits.
    fn date_num(&self) -> u64 {
        let p: Vec<u64> = self
            .date
            .split('-')
            .filter_map(|x| x.parse().ok())
            .collect();
        match p[..] {
            [y, m, d] if (1900..2400).contains(&y) && m <= 12 && d <= 31 => {
                (y - 1900) * 512 + m * 32 + d
            }
            _ => 0,
        }
    }

    fn part_file(&self, id: u32, k: usize) -> Option<Vec<u8>> {
        let (text, _) = self.parts.get(k)?;
        Some(script(
            &format!("b/{id}-{k}"),
            &serde_json::Value::from(text.as_str()).to_string(),
        ))
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

/// Keys of a page: title from 0, metadata from `META_START`, body from
/// `BODY_START` (see [`scan_page`]).
fn index_keys(title: &str, meta: &[String], body: &str) -> Vec<(String, u32)> {
    let (mut out, mut keys) = (Vec::new(), KeyMaker::default());
    scan_page(title, meta, body, |u, p| {
        keys.feed(u, p, |k, q| out.push((k.to_string(), q)))
    });
    out
}

/// Calls `emit` for each unit of a page in position order: title from 0,
/// metadata from `META_START` (one gap between entries), body from
/// `BODY_START` (see [`scan_body`]). Returns the number of body units.
fn scan_page(title: &str, meta: &[String], body: &str, mut emit: impl FnMut(&str, u32)) -> usize {
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
fn body_units(body: &str) -> Vec<tokenize::Unit> {
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
const PART_CHARS: usize = 1500;

/// Splits the body into parts of about `PART_CHARS` characters, after a
/// line break or, in a very long paragraph, before a Chinese character —
/// places where tokenising the pieces one after the other gives exactly the
/// units of the whole. Each part carries the position of its first unit (as
/// [`scan_body`] numbers them): part k holds the units from its position up
/// to the next part's.
///
/// The cut is before a character of the block [`UNIFIED_IDEOGRAPHS`], not
/// before any [`crate::text::is_han`] character: every Han character is a
/// unit of its own, so either would be correct, but cutting only there keeps
/// the parts (and so the index files) of pages with rare characters what
/// they have always been.
fn parts(body: &str) -> Vec<(String, u32)> {
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

fn id_space(n: usize) -> u32 {
    (n.max(32) * 2).next_power_of_two() as u32
}

fn shard_count(total_positions: usize) -> u32 {
    ((total_positions / 8192).max(8).next_power_of_two() as u32).min(65536)
}

/// Stable ids: slot `fnv1a(url) % space`, linear probing in URL order.
fn assign_ids<'a>(urls: impl Iterator<Item = &'a str>, n: usize) -> BTreeMap<&'a str, u32> {
    let space = id_space(n);
    let mut taken = vec![false; space as usize];
    let mut out = BTreeMap::new();
    for url in urls {
        let mut slot = fnv1a(url) % space;
        while taken[slot as usize] {
            slot = (slot + 1) % space;
        }
        taken[slot as usize] = true;
        out.insert(url, slot);
    }
    out
}

/// The index as last built or patched: every page's fields, its id and the
/// layout (shard count). Postings are not held in memory: a patch reads the
/// few shard files it changes back from the previous output.
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    docs: BTreeMap<String, Doc>,
    ids: BTreeMap<String, u32>,
    shards: u32,
    total: usize,
    last_meta: Vec<u8>,
    meta: MetaRows,
}

/// What the meta file lists: kinds, regions and sectors, and one row per
/// page (id, kind, region, sector, date, length), by id.
#[derive(Debug, Clone, Default)]
struct MetaRows {
    kinds: Vec<String>,
    regions: Vec<String>,
    sectors: Vec<String>,
    rows: Vec<[u64; 6]>,
}

impl MetaRows {
    /// Puts the row of page `id` as `d` now is, when its place, kind,
    /// region and sector are already listed; false when not (then all
    /// rows must be made again).
    fn update(&mut self, id: u32, d: &Doc) -> bool {
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
        let (Some(region), Some(sector)) = (region, sector) else {
            return false;
        };
        self.rows[at] = Self::row(id, d, [kind - 1, region, sector]);
        true
    }

    /// The row of page `id`, given the places of its kind (from 0), region
    /// and sector (from 1; 0 for none) in the lists.
    fn row(id: u32, d: &Doc, [kind, region, sector]: [u64; 3]) -> [u64; 6] {
        [
            u64::from(id),
            kind,
            region,
            sector,
            d.date_num(),
            u64::from(d.lenq),
        ]
    }
}

/// What a patch changes: path → new content, or `None` to delete the file.
pub type Patch = BTreeMap<String, Option<Vec<u8>>>;

/// One change to a shard: remove page `id` from `key`, or set its posting.
enum Op {
    Remove(String, u32),
    Add(String, u32, Vec<u32>),
}

impl SearchIndex {
    /// Builds the index of `docs`: the state for later patches, and every file.
    pub fn build(docs: &[SearchDoc<'_>]) -> (SearchIndex, BTreeMap<String, Vec<u8>>) {
        let files = std::sync::Mutex::new(BTreeMap::new());
        let put = |path: String, bytes: Vec<u8>| {
            if let Ok(mut f) = files.lock() {
                f.insert(path, bytes);
            }
        };
        // Without a scratch folder nothing is written: no I/O to fail.
        let body = |i: usize| std::borrow::Cow::Borrowed(docs[i].body);
        let ix = build_into(docs, &body, true, None, &put)
            .ok()
            .flatten()
            .unwrap_or_default();
        (ix, files.into_inner().unwrap_or_default())
    }

    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// Brings the index up to date with `docs`, every page of the site now.
    /// Pages not in the index yet are added, pages no longer in `docs` are
    /// removed, and of the others only those for which `changed(url)` holds
    /// are looked at again. `previous(path)` reads a file of the index as it
    /// was last written (a shard to patch).
    ///
    /// Returns the files to write or delete, byte for byte what a fresh
    /// [`build_index`] would change; `None` when the layout itself changes
    /// (shard count or id space) or a shard file to patch is not as this
    /// module wrote it: then the state is spent and the caller builds afresh.
    pub fn patch(
        &mut self,
        docs: &[SearchDoc<'_>],
        changed: &(dyn Fn(&str) -> bool + Sync),
        previous: &(dyn Fn(&str) -> Option<Vec<u8>> + Sync),
    ) -> Option<Patch> {
        let present: std::collections::HashSet<&str> = docs.iter().map(|d| d.url).collect();
        let removed: Vec<String> = self
            .docs
            .keys()
            .filter(|u| !present.contains(u.as_str()))
            .cloned()
            .collect();
        let updated: Vec<SearchDoc<'_>> = docs
            .iter()
            .filter(|d| !self.docs.contains_key(d.url) || changed(d.url))
            .cloned()
            .collect();
        self.patch_pages(&updated, &removed, previous)
    }

    /// Like [`SearchIndex::patch`], told directly which pages may have
    /// changed or come (`updated`) and which went (`removed`, by URL); every
    /// other page of the index stays as it is.
    pub fn patch_pages(
        &mut self,
        updated: &[SearchDoc<'_>],
        removed: &[String],
        previous: &(dyn Fn(&str) -> Option<Vec<u8>> + Sync),
    ) -> Option<Patch> {
        use rayon::prelude::*;
        let coming: std::collections::HashSet<&str> = updated.iter().map(|d| d.url).collect();
        let removed: Vec<String> = removed
            .iter()
            .filter(|u| self.docs.contains_key(*u) && !coming.contains(u.as_str()))
            .cloned()
            .collect();
        let updated: Vec<Doc> = updated
            .par_iter()
            .map(|d| Doc::prepare(d, d.body))
            .filter(|d| self.docs.get(&d.url) != Some(d))
            .collect();
        if removed.is_empty() && updated.is_empty() {
            return Some(Patch::new());
        }
        let n_before = self.docs.len();
        let set_changes =
            !removed.is_empty() || updated.iter().any(|d| !self.docs.contains_key(&d.url));
        // url → (old doc and id, if it was indexed)
        let mut old: BTreeMap<String, (Doc, u32)> = BTreeMap::new();
        for url in removed.iter().chain(updated.iter().map(|d| &d.url)) {
            if let (Some(doc), Some(&id)) = (self.docs.remove(url), self.ids.get(url)) {
                self.total -= doc.npos;
                old.insert(url.clone(), (doc, id));
            }
        }
        let fresh: BTreeSet<String> = updated.iter().map(|d| d.url.clone()).collect();
        for d in updated {
            self.total += d.npos;
            self.docs.insert(d.url.clone(), d);
        }
        if shard_count(self.total) != self.shards || id_space(self.docs.len()) != id_space(n_before)
        {
            return None;
        }
        if set_changes {
            let ids: BTreeMap<String, u32> =
                assign_ids(self.docs.keys().map(String::as_str), self.docs.len())
                    .into_iter()
                    .map(|(u, id)| (u.to_string(), id))
                    .collect();
            // Pages that only moved to another id are re-indexed as well.
            for (url, &id) in &ids {
                if !fresh.contains(url) && self.ids.get(url) != Some(&id) {
                    if let (Some(doc), Some(&was)) = (self.docs.get(url), self.ids.get(url)) {
                        old.insert(url.clone(), (doc.clone(), was));
                    }
                }
            }
            self.ids = ids;
        }
        let moved: Vec<String> = old
            .keys()
            .filter(|u| !fresh.contains(*u) && self.docs.contains_key(*u))
            .cloned()
            .collect();
        let touched: Vec<&String> = fresh.iter().chain(&moved).chain(removed.iter()).collect();

        let shards = self.shards;
        let ops: Vec<(u32, Op)> = touched
            .par_iter()
            .flat_map_iter(|url| {
                let before = old.get(*url).map(|(d, id)| (*id, grouped(d.index_keys())));
                let after = self
                    .docs
                    .get(*url)
                    .and_then(|d| Some((*self.ids.get(*url)?, grouped(d.index_keys()))));
                key_ops(before, after)
            })
            .map(|op| {
                let key = match &op {
                    Op::Remove(k, _) | Op::Add(k, _, _) => k,
                };
                (fnv1a(key) % shards, op)
            })
            .collect();
        let mut by_shard: BTreeMap<u32, Vec<Op>> = BTreeMap::new();
        for (shard, op) in ops {
            by_shard.entry(shard).or_default().push(op);
        }
        let mut patch: Patch = by_shard
            .into_par_iter()
            .map(|(shard, ops)| {
                let path = format!("search/p/{shard:x}.js");
                let file = apply_ops(&format!("p/{shard:x}"), previous(&path).as_deref(), ops)?;
                Ok((path, file))
            })
            .collect::<Result<_, BadShard>>()
            .ok()?;
        // Page files: old ids go first, new ones may take their names.
        for (doc, id) in old.values() {
            patch.insert(format!("search/d/{id}.js"), None);
            for k in 0..doc.parts.len() {
                patch.insert(format!("search/b/{id}-{k}.js"), None);
            }
        }
        for url in fresh.iter().chain(&moved) {
            let (Some(doc), Some(&id)) = (self.docs.get(url), self.ids.get(url)) else {
                continue;
            };
            patch.insert(format!("search/d/{id}.js"), Some(doc.file(id)));
            for k in 0..doc.parts.len() {
                patch.insert(format!("search/b/{id}-{k}.js"), doc.part_file(id, k));
            }
        }
        // Rows change in place while every page keeps its id, kind, region
        // and sector (a region no page has any more must leave the list).
        let in_place = !set_changes
            && fresh.iter().all(|url| {
                let (Some((was, _)), Some(d), Some(&id)) =
                    (old.get(url), self.docs.get(url), self.ids.get(url))
                else {
                    return false;
                };
                (&was.kind, &was.region, &was.sector) == (&d.kind, &d.region, &d.sector)
                    && self.meta.update(id, d)
            });
        if !in_place {
            self.meta = self.meta_rows();
        }
        let meta = self.meta_file();
        if meta != self.last_meta {
            patch.insert("search/meta.js".into(), Some(meta.clone()));
            self.last_meta = meta;
        }
        Some(patch)
    }

    /// The meta file's lists and rows, made from every page.
    fn meta_rows(&self) -> MetaRows {
        let mut kinds = rustc_hash::FxHashSet::default();
        let mut regions = rustc_hash::FxHashSet::default();
        let mut sectors = rustc_hash::FxHashSet::default();
        for d in self.docs.values() {
            kinds.insert(d.kind.as_str());
            regions.insert(d.region.as_str());
            sectors.insert(d.sector.as_str());
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
        let (regions, sectors) = (listed(regions), listed(sectors));
        // Value → its place in the list, counting from 1 (0: none).
        fn places<'s>(list: &[&'s str]) -> rustc_hash::FxHashMap<&'s str, u64> {
            list.iter()
                .enumerate()
                .map(|(i, v)| (*v, i as u64 + 1))
                .collect()
        }
        let (kind_at, region_at, sector_at) = (places(&kinds), places(&regions), places(&sectors));
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
        let rows: Vec<[u64; 6]> = by_id
            .iter()
            .map(|(id, d)| {
                let places = [
                    at(&kind_at, &d.kind).saturating_sub(1),
                    at(&region_at, &d.region),
                    at(&sector_at, &d.sector),
                ];
                MetaRows::row(*id, d, places)
            })
            .collect();
        let owned = |l: Vec<&str>| l.into_iter().map(str::to_string).collect();
        MetaRows {
            kinds: owned(kinds),
            regions: owned(regions),
            sectors: owned(sectors),
            rows,
        }
    }

    /// The meta file: what the search page needs before it loads any shard.
    fn meta_file(&self) -> Vec<u8> {
        let MetaRows {
            kinds,
            regions,
            sectors,
            rows,
        } = &self.meta;
        let widths: Vec<usize> = (0..6)
            .map(|c| b64_width(rows.iter().map(|r| r[c]).max().unwrap_or(0)))
            .collect();
        let mut flat = String::with_capacity(rows.len() * widths.iter().sum::<usize>());
        for r in rows {
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
}

/// A page's keys grouped: key → positions, ascending.
fn grouped(list: Vec<(String, u32)>) -> BTreeMap<String, Vec<u32>> {
    let mut out: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for (k, p) in list {
        out.entry(k).or_default().push(p);
    }
    out
}

/// The shard changes that turn a page's postings `before` into `after`
/// (each: its id and key → positions). Keys whose postings stay are left alone.
fn key_ops(
    before: Option<(u32, BTreeMap<String, Vec<u32>>)>,
    after: Option<(u32, BTreeMap<String, Vec<u32>>)>,
) -> Vec<Op> {
    let mut ops = vec![];
    let same_id = matches!((&before, &after), (Some((a, _)), Some((b, _))) if a == b);
    let after_keys = after.as_ref().map(|(_, k)| k);
    if let Some((id, keys)) = &before {
        for (k, ps) in keys {
            if !(same_id && after_keys.and_then(|a| a.get(k)) == Some(ps)) {
                ops.push(Op::Remove(k.clone(), *id));
            }
        }
    }
    if let Some((id, keys)) = after {
        let before_keys = before.as_ref().map(|(_, k)| k);
        for (k, ps) in keys {
            if same_id && before_keys.and_then(|b| b.get(&k)) == Some(&ps) {
                continue;
            }
            let tail = posting_tail(&ps, !k.contains(' '));
            ops.push(Op::Add(k, id, tail));
        }
    }
    ops
}

/// A posting after its id, as [`encode_tail`] writes it.
fn posting_tail(ps: &[u32], unigram: bool) -> Vec<u32> {
    tail_values(ps, unigram).collect()
}

/// The numbers of one page's entry in a key's postings after its id:
/// `body count, flags` for a unigram, `count, Δpos…` for a bigram.
fn tail_values(ps: &[u32], unigram: bool) -> impl Iterator<Item = u32> + '_ {
    let (head, n) = if unigram {
        let body = ps.iter().filter(|&&p| p >= BODY_START).count() as u32;
        let flags = u32::from(ps.iter().any(|&p| p < META_START))
            | u32::from(ps.iter().any(|&p| (META_START..BODY_START).contains(&p))) << 1;
        ([body, flags], 2)
    } else {
        ([ps.len() as u32, 0], 1)
    };
    let deltas = ps.iter().scan(0, |prev, &p| {
        let d = p - *prev;
        *prev = p;
        Some(d)
    });
    head.into_iter()
        .take(n)
        .chain(deltas.take(if unigram { 0 } else { ps.len() }))
}

/// A shard file that is not as this module writes it.
#[derive(Debug)]
struct BadShard;

/// The entries of a shard file's object, `"key":[n,n,…]`, as (key, list
/// text), in file order (keys ascending). Keys are units and pairs of units:
/// letters, digits and one space, never anything JSON escapes.
fn shard_entries(json: &str) -> Result<Vec<(&str, &str)>, BadShard> {
    let inner = json
        .strip_prefix('{')
        .and_then(|r| r.strip_suffix('}'))
        .ok_or(BadShard)?;
    let mut out = Vec::new();
    let mut rest = inner;
    while !rest.is_empty() {
        let r = rest.strip_prefix('"').ok_or(BadShard)?;
        let q = r.find('"').ok_or(BadShard)?;
        let key = &r[..q];
        let r = r[q + 1..].strip_prefix(":[").ok_or(BadShard)?;
        let close = r.find(']').ok_or(BadShard)?;
        if key.contains('\\') {
            return Err(BadShard);
        }
        out.push((key, &r[..close]));
        let after = &r[close + 1..];
        rest = match after.strip_prefix(',') {
            Some(next) => next,
            None if after.is_empty() => after,
            None => return Err(BadShard),
        };
    }
    Ok(out)
}

fn parse_list(text: &str) -> Result<Vec<u32>, BadShard> {
    text.split(',')
        .filter(|x| !x.is_empty())
        .map(|x| x.parse().map_err(|_| BadShard))
        .collect()
}

/// Applies `ops` to the shard file `old` (absent: an empty shard); `None`
/// when the shard ends up empty. Keys the ops do not touch are copied as
/// they are, without decoding.
fn apply_ops(
    name: &str,
    old: Option<&[u8]>,
    mut ops: Vec<Op>,
) -> Result<Option<Vec<u8>>, BadShard> {
    // Removals first: a page may take over the id another page left.
    ops.sort_by_key(|op| matches!(op, Op::Add(..)));
    let mut by_key: BTreeMap<String, Vec<Op>> = BTreeMap::new();
    for op in ops {
        let key = match &op {
            Op::Remove(k, _) | Op::Add(k, _, _) => k.clone(),
        };
        by_key.entry(key).or_default().push(op);
    }
    let json = match old {
        Some(b) => {
            let s = std::str::from_utf8(b).map_err(|_| BadShard)?;
            s.strip_prefix(&format!("zhanting_shard(\"{name}\","))
                .and_then(|r| r.strip_suffix(");\n"))
                .ok_or(BadShard)?
        }
        None => "{}",
    };
    let entries = shard_entries(json)?;
    let mut out = String::with_capacity(json.len() + 256);
    let mut first = true;
    let mut put = |out: &mut String, key: &str, list: &str| {
        if list.is_empty() {
            return;
        }
        out.push_str(if first { "{\"" } else { ",\"" });
        first = false;
        out.push_str(key);
        out.push_str("\":[");
        out.push_str(list);
        out.push(']');
    };
    let mut touched = by_key.into_iter().peekable();
    let mut buf = itoa::Buffer::new();
    let mut patched = |key: &str, list: &str, ops: Vec<Op>| -> Result<String, BadShard> {
        let mut postings = decode_postings(&parse_list(list)?, !key.contains(' '));
        for op in ops {
            match op {
                Op::Remove(_, id) => {
                    postings.remove(&id);
                }
                Op::Add(_, id, tail) => {
                    postings.insert(id, tail);
                }
            }
        }
        let mut s = String::new();
        let mut prev = 0;
        for (id, tail) in postings {
            for v in std::iter::once(id - prev).chain(tail) {
                if !s.is_empty() {
                    s.push(',');
                }
                s.push_str(buf.format(v));
            }
            prev = id;
        }
        Ok(s)
    };
    for (key, list) in entries {
        while let Some((k, _)) = touched.peek().filter(|(k, _)| k.as_str() < key) {
            let k = k.clone();
            let (_, ops) = touched.next().ok_or(BadShard)?;
            let s = patched(&k, "", ops)?;
            put(&mut out, &k, &s);
        }
        if touched.peek().is_some_and(|(k, _)| k == key) {
            let (_, ops) = touched.next().ok_or(BadShard)?;
            let s = patched(key, list, ops)?;
            put(&mut out, key, &s);
        } else {
            put(&mut out, key, list);
        }
    }
    for (k, ops) in touched {
        let s = patched(&k, "", ops)?;
        put(&mut out, &k, &s);
    }
    if out.is_empty() {
        return Ok(None);
    }
    out.push('}');
    Ok(Some(script(name, &out)))
}

/// `[Δid, tail…, Δid, tail…]` → id → tail.
fn decode_postings(flat: &[u32], unigram: bool) -> BTreeMap<u32, Vec<u32>> {
    let mut out = BTreeMap::new();
    let (mut i, mut id) = (0, 0);
    while i < flat.len() {
        id += flat[i];
        let len = if unigram {
            2
        } else {
            1 + flat.get(i + 1).copied().unwrap_or(0) as usize
        };
        let end = (i + 1 + len).min(flat.len());
        out.insert(id, flat[i + 1..end].to_vec());
        i = end;
    }
    out
}

#[cfg(test)]
mod tests;
