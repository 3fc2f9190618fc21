//! Build-time full-text search index for the browser, and its in-memory
//! incremental form.
//!
//! # Tokenisation (see `tokenize.rs`)
//! Text is NFKC-normalised and lower-cased per character; each Chinese (or
//! other non-ASCII alphanumeric) character is one *unit*, each run of ASCII
//! letters/digits is one unit, each punctuation mark or symbol is one unit;
//! spaces, line breaks and other invisible characters separate. The index
//! holds every unit (unigram) and every pair of adjacent units (bigram),
//! each with the pages it is on. A query's terms are split at spaces only;
//! a term of one or two units is answered exactly by its key's pages. A
//! longer term is answered from the pages holding a covering set of its
//! pairs (offsets 0, 2, 4 … and n−2), each page checked against its own
//! text in the browser before it is shown — which gives exact substring
//! semantics: every run of characters that occurs in a page finds it,
//! characters that only occur scattered never show, names and rare terms
//! need no dictionary. A dictionary segmenter (jieba) was not used: it
//! cannot find a name it splits differently from the reader (BENCHMARKS.md
//! has the figures).
//!
//! # Files (all JavaScript that calls `zhanting_shard(name, data)`, so they
//! load through `<script>` tags — works over HTTP and from `file://`)
//! * `search/meta.js` — name `"meta"`: `{v, n, space, shards, kinds,
//!   regions, sectors, w, docs}` where `docs` is a string of fixed-width
//!   base-64 numbers (digits `0-9A-Za-z-_`, column widths in `w`), 6 per
//!   page in id order: `id, kind, region, sector, date, lenq` (kind/region/
//!   sector index into the lists, region/sector 1-based with 0 = none;
//!   date as `(y−1900)·512 + m·32 + d`, d = 0 for a month alone, m = d = 0
//!   for a year alone, 0 for no date; `lenq` = round(8·log2(units
//!   of the body plus one)), the body length for BM25, quantised so small
//!   edits rarely change it). 12 bytes per page: loading it is what lets filters, ranking and
//!   browsing work without any other file. A site with source sites
//!   (roll-up, `sources:`) adds `sources` (their keys, sorted) and a
//!   seventh column, `source` (1-based into `sources`, 0 = the site's own
//!   page); a site without them writes neither.
//! * `search/p/{h}.js` — name `"p/{h}"`, `h` = hex of `fnv1a(key) % shards`:
//!   `{key: "digits", …}`, keys ascending (a key's `"` and `\` escaped).
//!   The digits are numbers in base 64 (`0-9A-Za-z-_`), five bits a digit,
//!   least significant first, a digit from 32 up saying another follows
//!   (`format::push_num`). Each page on the key is one number, `(Δid − 1)
//!   · 16 + v` with `v = body count · 4 + flags` (1 = in the title, 2 = in
//!   the metadata), ids ascending, the first Δid from −1; when `v ≥ 15` the
//!   low part is 15 and `v − 15` follows as a number of its own
//!   (`format::push_posting`). No positions: most entries of a common key
//!   are one character.
//! * `search/d/{id}.js` — name `"d/{id}"`: one page: `{u, t, k, d, r, s, m, b}`
//!   (url relative to the site root, title, kind, date, region, sector,
//!   metadata strings — region, sector, date as 2013年9月25日, then the
//!   rest —, and `b`, the body text): what a result shows, and what a
//!   candidate is checked against.
//!
//! Page ids are stable: slot `fnv1a(url) % space` (linear probing in URL
//! order), `space` = next power of two ≥ 2·pages. Shard count is
//! [`shard_count`]: about one per 32,768 keys on pages, at most a fifth of
//! the pages, at least 8. Both are pure
//! functions of the page set, so an incremental index equals a fresh build
//! byte for byte.
//!
//! # Incremental use
//! `SearchIndex::build` (or [`build_into`]) makes every file and the state;
//! `SearchIndex::patch` / `patch_pages` give only the files that changed
//! since (`None` = delete); [`index_site`] does either for a built site.
//! Editing one page's body touches its `d/{id}.js`, the shards of the keys
//! whose count on that page changed, and `meta.js` only when its facets or
//! quantised length change.
//!
//! # Parts
//! * `tokenize` — units and keys of a text;
//! * `page` — one page as the index holds it (`Doc`): its metadata
//!   strings and units;
//! * `format` — what each file holds, byte for byte (page files, postings,
//!   the meta file);
//! * `fresh` — the index of every page at once, in passes when large;
//! * `patch` — the files an edit changes, from the previous ones;
//! * `stage` — the build's search stage: patch or build afresh for a site.

mod format;
mod fresh;
mod page;
mod patch;
mod stage;
mod tokenize;

pub use fresh::build_into;
use fresh::GROUPS;
pub use stage::index_site;
pub use tokenize::fnv1a;
#[cfg(test)]
pub use tokenize::{keys, units};

use format::MetaRows;
use page::Doc;
use std::collections::BTreeMap;

/// True for the files of the index (`search/meta.js`, `search/p/…`,
/// `search/d/…`, and `search/b/…` of earlier versions, so that a new index
/// removes them), not the search page beside them.
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
    /// The key of the source site the page comes from (roll-up); empty
    /// for the site's own pages.
    pub source: &'a str,
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

/// Where a page's metadata positions start (the title's start at 0).
pub const META_START: u32 = 4096;
/// Where a page's body positions start.
pub const BODY_START: u32 = 65536;

/// The id space of `n` pages: ids are below it.
fn id_space(n: usize) -> u32 {
    (n.max(32) * 2).next_power_of_two() as u32
}

/// The number of shards of an index of `total_positions` positions over
/// `pages` pages: one per 32,768 positions, rounded up, but no more than
/// leave the index at most 1.2 files per page (a file per page, the shards
/// and the meta file), rounded down; at least 8. Below [`GROUPS`] a power of
/// two, from there a multiple of it, so that each shard lies in one group
/// of keys (its number modulo `GROUPS`).
fn shard_count(total_positions: usize, pages: usize) -> u32 {
    let groups = GROUPS as usize;
    let wanted = total_positions.div_ceil(32768);
    let wanted = if wanted <= groups {
        wanted.next_power_of_two()
    } else {
        wanted.div_ceil(groups) * groups
    };
    let room = (pages / 5).saturating_sub(1);
    let room = if room < groups {
        // The largest power of two not above it (0 for none).
        (room + 1).next_power_of_two() / 2
    } else {
        room / groups * groups
    };
    wanted.min(room).clamp(8, 65536) as u32
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
    /// Of an index made for a site ([`index_site`]): the rev of every page
    /// it holds (`Site::revs`, naming one content of one page) and the
    /// page's URL. A page whose rev is here is indexed as it now is.
    revs: rustc_hash::FxHashMap<u64, String>,
}

/// What a patch changes: path → new content, or `None` to delete the file.
pub type Patch = BTreeMap<String, Option<Vec<u8>>>;

impl SearchIndex {
    /// Builds the index of `docs`: the state for later patches, and every file.
    pub fn build(docs: &[SearchDoc<'_>]) -> (SearchIndex, BTreeMap<String, Vec<u8>>) {
        let files = std::sync::Mutex::new(BTreeMap::new());
        let put = |path: String, bytes: Vec<u8>| {
            if let Ok(mut f) = files.lock() {
                f.insert(path, bytes);
            }
        };
        let body = |i: usize| std::borrow::Cow::Borrowed(docs[i].body);
        let size = docs.iter().map(|d| d.body.len()).sum();
        let ix = build_into(docs, &body, size, true, &put).unwrap_or_default();
        (ix, files.into_inner().unwrap_or_default())
    }
}

#[cfg(test)]
mod tests;
