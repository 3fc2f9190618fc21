//! The index of every page at once ([`build_into`]): pages prepared and
//! their files put, the layout sized, the shards filled in groups (in
//! several passes over the pages when large), the meta file last.

use super::format::{push_entry, push_posting, script, MetaRows};
use super::page::{Doc, PageKeys};
use super::tokenize::fnv1a;
use super::{assign_ids, shard_count, Put, SearchDoc, SearchIndex};
use rayon::prelude::*;
use std::collections::BTreeMap;

/// Keys on pages (each page's units and pairs) whose postings are made in
/// one pass: a larger site fills its shards in several passes, each over
/// a range of shard groups, tokenising its pages again for each, so the
/// postings held at once stay bounded however large the site (about 0.7
/// bytes of postings per key on a page, some 1.1 with the room the growing
/// lists keep: about 300 MB for a pass; 10,000 pages of the benchmark
/// corpus are one pass, 100,000 four).
const KEYS_PER_PASS: usize = 1 << 28;

/// Builds the index of `docs`, handing every file to `put` once made.
/// `body(i)` is the body text of `docs[i]` (asked for twice per page, so
/// that a caller need not hold them all).
/// With `keep`, returns the state for later patches (every page's fields,
/// texts included); without, nothing of the pages' texts is held beyond
/// this call.
///
/// Built in parallel: pages are tokenised once to size the index (shard
/// count) and make their own files, then again, a chunk of pages at a time
/// in id order, into their keys, which are appended to the postings of
/// their shard groups (each group filled by one thread); each group's
/// shard files are put at the end of its pass. The files are the same
/// whatever the number of passes.
pub fn build_into<'a>(
    docs: &[SearchDoc<'a>],
    body: &(dyn Fn(usize) -> std::borrow::Cow<'a, str> + Sync),
    keep: bool,
    put: Put<'_>,
) -> Option<SearchIndex> {
    build_in_passes(docs, body, keep, KEYS_PER_PASS, put)
}

/// [`build_into`] with the keys made per pass.
pub(super) fn build_in_passes<'a>(
    docs: &[SearchDoc<'a>],
    body: &(dyn Fn(usize) -> std::borrow::Cow<'a, str> + Sync),
    keep: bool,
    per_pass: usize,
    put: Put<'_>,
) -> Option<SearchIndex> {
    let mut urls: Vec<&str> = docs.iter().map(|d| d.url).collect();
    urls.sort_unstable();
    let ids = assign_ids(urls.into_iter(), docs.len());
    // Pages first (their sizes give the shard count), then their keys:
    // tokenising twice costs less than holding every page's raw keys.
    let prepared = page_files(docs, body, &ids, keep, put);
    let layout = Layout::of(&prepared);
    fill_shards(&prepared, body, &layout, per_pass, put);
    let ix = index_state(ids, prepared, &layout, put);
    keep.then_some(ix)
}

/// Prepares every page (in the order of `docs`) and puts its own file;
/// without `keep`, its body text is dropped once written.
fn page_files<'a>(
    docs: &[SearchDoc<'a>],
    body: &(dyn Fn(usize) -> std::borrow::Cow<'a, str> + Sync),
    ids: &BTreeMap<&str, u32>,
    keep: bool,
    put: Put<'_>,
) -> Vec<(u32, Doc)> {
    docs.par_iter()
        .enumerate()
        .map(|(i, d)| {
            let id = ids[d.url];
            let mut doc = Doc::prepare(d, &body(i));
            put(format!("search/d/{id}.js"), doc.file(id));
            if !keep {
                doc.body = String::new();
            }
            (id, doc)
        })
        .collect()
}

/// How the shards of an index are laid out, from its pages' sizes.
struct Layout {
    /// Positions of all pages.
    total: usize,
    shards: u32,
    /// Shards are filled in groups: each group reads every page's entries
    /// of its shards.
    groups: u32,
    /// Shards per group.
    per: u32,
}

impl Layout {
    /// The layout of the index of these pages.
    fn of(prepared: &[(u32, Doc)]) -> Layout {
        let total: usize = prepared.iter().map(|(_, d)| d.npos).sum();
        let shards = shard_count(total);
        let groups = (shards as usize).min(256) as u32;
        let per = shards.div_ceil(groups);
        Layout {
            total,
            shards,
            groups,
            per,
        }
    }
}

/// Makes every page's keys again (in id order, a chunk of pages at a
/// time) and appends them to the postings of their shard groups, then puts
/// the shards, in passes of at most `per_pass` keys on pages.
fn fill_shards<'a>(
    prepared: &[(u32, Doc)],
    body: &(dyn Fn(usize) -> std::borrow::Cow<'a, str> + Sync),
    layout: &Layout,
    per_pass: usize,
    put: Put<'_>,
) {
    let &Layout {
        total,
        shards,
        groups,
        per,
    } = layout;
    let mut by_id: Vec<(u32, usize)> = prepared
        .iter()
        .enumerate()
        .map(|(i, (id, _))| (*id, i))
        .collect();
    by_id.sort_unstable();
    let keys_of = |i: usize| {
        let d = &prepared[i].1;
        ShardedKeys::of(&d.keys(&body(i)), shards, groups, per)
    };
    let passes = total.div_ceil(per_pass.max(1)).clamp(1, groups as usize) as u64;
    for pass in 0..passes {
        let g0 = (u64::from(groups) * pass / passes) as u32;
        let g1 = (u64::from(groups) * (pass + 1) / passes) as u32;
        let mut state: Vec<GroupPostings> = (g0..g1).map(|_| GroupPostings::default()).collect();
        for chunk in by_id.chunks(512) {
            let pages: Vec<(u32, ShardedKeys)> =
                chunk.par_iter().map(|&(id, i)| (id, keys_of(i))).collect();
            state
                .par_iter_mut()
                .enumerate()
                .for_each(|(j, st)| st.add(&pages, g0 as usize + j));
        }
        state.into_par_iter().for_each(|st| {
            for (path, bytes) in st.into_files() {
                put(path, bytes);
            }
        });
    }
}

/// The state of the index just built, its meta file made and put.
fn index_state(
    ids: BTreeMap<&str, u32>,
    prepared: Vec<(u32, Doc)>,
    layout: &Layout,
    put: Put<'_>,
) -> SearchIndex {
    let mut ix = SearchIndex {
        total: layout.total,
        shards: layout.shards,
        ids: ids.into_iter().map(|(u, id)| (u.to_string(), id)).collect(),
        docs: prepared
            .into_iter()
            .map(|(_, d)| (d.url.clone(), d))
            .collect(),
        last_meta: Vec::new(),
        meta: MetaRows::default(),
        revs: Default::default(),
    };
    ix.meta = ix.meta_rows();
    ix.last_meta = ix.meta_file();
    put("search/meta.js".to_string(), ix.last_meta.clone());
    ix
}

/// A page's keys ready for the shard files: in shard order, each with its
/// entry number ([`tail_add`](super::format::tail_add)). Held for a chunk
/// of pages at once, so kept small: the keys lie in entry order in one
/// string, each ends where the next begins.
struct ShardedKeys {
    /// (shard, key start in `text`, tail value)
    entries: Vec<(u32, u32, u32)>,
    text: String,
    /// `starts[g]..starts[g + 1]`: the entries of shard group `g`.
    starts: Vec<u32>,
}

impl ShardedKeys {
    /// A page's keys ordered by shard, each with its posting after the id
    /// already written out, and where each group of `per` shards starts.
    fn of(keys: &PageKeys, shards: u32, groups: u32, per: u32) -> ShardedKeys {
        let mut order: Vec<(u32, usize)> = keys
            .iter()
            .enumerate()
            .map(|(i, (key, _))| (fnv1a(key) % shards, i))
            .collect();
        order.sort_unstable_by_key(|&(shard, _)| shard);
        let mut text = String::with_capacity(keys.text_len());
        let mut entries = Vec::with_capacity(order.len());
        let mut starts = Vec::with_capacity(groups as usize + 1);
        for (shard, i) in order {
            while starts.len() as u32 <= shard / per {
                starts.push(entries.len() as u32);
            }
            let (key, tail) = keys.get(i);
            entries.push((shard, text.len() as u32, tail));
            text.push_str(key);
        }
        while starts.len() as u32 <= groups {
            starts.push(entries.len() as u32);
        }
        ShardedKeys {
            entries,
            text,
            starts,
        }
    }

    /// The entries of shard groups `gs`.
    fn groups(&self, gs: std::ops::Range<usize>) -> std::ops::Range<usize> {
        self.starts[gs.start] as usize..self.starts[gs.end] as usize
    }

    /// Where the keys of entries `r` lie in `text`.
    fn span(&self, r: std::ops::Range<usize>) -> std::ops::Range<usize> {
        let start = |i: usize| {
            self.entries
                .get(i)
                .map_or(self.text.len(), |e| e.1 as usize)
        };
        start(r.start)..start(r.end)
    }

    /// Entry `i`: its shard, key and tail value.
    fn entry(&self, i: usize) -> (u32, &str, u32) {
        let e = self.entries[i];
        (e.0, &self.text[self.span(i..i + 1)], e.2)
    }
}

/// The postings of one group of shards, filled page after page in id
/// order: shard → key → (the last page's id, the postings so far).
#[derive(Default)]
struct GroupPostings {
    shards: BTreeMap<u32, rustc_hash::FxHashMap<String, (u32, String)>>,
}

impl GroupPostings {
    /// Appends these pages' entries of group `g` (pages in id order, after
    /// every page added before).
    fn add(&mut self, pages: &[(u32, ShardedKeys)], g: usize) {
        for (id, pk) in pages {
            for i in pk.groups(g..g + 1) {
                let (shard, key, tail) = pk.entry(i);
                let keys = self.shards.entry(shard).or_default();
                match keys.get_mut(key) {
                    Some((last, s)) => {
                        push_posting(s, Some(*last), *id, tail);
                        *last = *id;
                    }
                    None => {
                        let mut s = String::new();
                        push_posting(&mut s, None, *id, tail);
                        keys.insert(key.to_string(), (*id, s));
                    }
                }
            }
        }
    }

    /// The group's shard files.
    fn into_files(self) -> Vec<(String, Vec<u8>)> {
        self.shards
            .into_iter()
            .map(|(shard, keys)| {
                let mut keys: Vec<(String, (u32, String))> = keys.into_iter().collect();
                keys.sort_unstable_by(|a, b| a.0.cmp(&b.0));
                let mut s = String::with_capacity(
                    keys.iter()
                        .map(|(k, (_, list))| k.len() + list.len() + 6)
                        .sum::<usize>()
                        + 2,
                );
                s.push('{');
                for (k, (_, list)) in keys {
                    push_entry(&mut s, &k, &list);
                }
                s.push('}');
                (
                    format!("search/p/{shard:x}.js"),
                    script(&format!("p/{shard:x}"), &s),
                )
            })
            .collect()
    }
}
