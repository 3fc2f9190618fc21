//! The index of every page at once ([`build_into`]): each page prepared,
//! its file put and its keys added to the postings of their groups, in one
//! pass (several over the pages when large); the shards put once the shard
//! count is known, the meta file last.

use super::format::{push_entry, push_posting, script, MetaRows};
use super::page::{Doc, KeyStore, PageKeys};
use super::tokenize::{fnv1a, Key};
use super::{assign_ids, shard_count, Put, SearchDoc, SearchIndex};
use rayon::prelude::*;
use std::collections::BTreeMap;

/// Bytes of Markdown whose postings are made in one pass: a larger site
/// fills its postings in several passes, each over a range of key groups,
/// tokenising its pages again for each, so the postings held at once stay
/// bounded however large the site. A byte of Chinese Markdown gives about
/// 0.8 keys on a page, a key about 0.7 bytes of postings, some 1.1 with the
/// room the growing lists keep: about 250 MB for a pass; 10,000 pages of
/// the benchmark corpus are one pass, 100,000 five.
const MARKDOWN_PER_PASS: usize = 1 << 28;

/// Shard groups: the postings are filled by group (each group by one
/// thread), a key's group being `fnv1a(key) % GROUPS`. The shard count is a
/// power of two below it and a multiple of it from there, so when it is at least `GROUPS` each shard lies in one
/// group (its number modulo `GROUPS`), and a group's shards are put as soon
/// as the group is filled.
pub(super) const GROUPS: u32 = 256;

/// Builds the index of `docs`, handing every file to `put` once made.
/// `body(i)` is the body text of `docs[i]` (asked for once per page and
/// pass, so that a caller need not hold them all). `size` is about how many
/// bytes of text the pages hold (their Markdown will do): it only decides
/// how many passes the postings are filled in, never what the files hold.
/// With `keep`, returns the state for later patches (every page's fields,
/// texts included); without, nothing of the pages' texts is held beyond
/// this call.
///
/// Built in parallel, a chunk of pages at a time in id order: each page is
/// prepared, its own file put and its keys appended to the postings of
/// their groups; later passes (a large site's) make the keys again for
/// their range of groups. The shard count follows from the pages' sizes,
/// known once the first pass has seen them all. The files are the same
/// whatever the number of passes.
pub fn build_into<'a>(
    docs: &[SearchDoc<'a>],
    body: &(dyn Fn(usize) -> std::borrow::Cow<'a, str> + Sync),
    size: usize,
    keep: bool,
    put: Put<'_>,
) -> Option<SearchIndex> {
    let passes = size.div_ceil(MARKDOWN_PER_PASS).max(1);
    build_in_passes(
        docs,
        body,
        keep,
        Passes {
            passes,
            groups: GROUPS,
            shards: None,
        },
        put,
    )
}

/// How the postings are filled: in `passes` passes over the pages, each
/// for a range of the `groups` groups of keys, into `shards` shards (none:
/// as many as [`shard_count`] gives).
pub(super) struct Passes {
    pub passes: usize,
    pub groups: u32,
    pub shards: Option<u32>,
}

/// [`build_into`] with the passes and groups given.
pub(super) fn build_in_passes<'a>(
    docs: &[SearchDoc<'a>],
    body: &(dyn Fn(usize) -> std::borrow::Cow<'a, str> + Sync),
    keep: bool,
    how: Passes,
    put: Put<'_>,
) -> Option<SearchIndex> {
    let mut urls: Vec<&str> = docs.iter().map(|d| d.url).collect();
    urls.sort_unstable();
    let ids = assign_ids(urls.into_iter(), docs.len());
    let mut by_id: Vec<(u32, usize)> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| (ids[d.url], i))
        .collect();
    by_id.sort_unstable();
    let groups = how.groups;
    let shards_for = |total: usize| how.shards.unwrap_or_else(|| shard_count(total, docs.len()));
    let passes = how.passes.clamp(1, groups as usize) as u64;
    // In id order once the first pass has made them.
    let mut prepared: Vec<(u32, Doc)> = Vec::with_capacity(docs.len());
    // Keys on all pages, known once the first pass has read them all.
    let mut total = 0;
    // Groups filled while the shard count is below `groups`: their shards
    // take keys of several groups, so they are put at the end.
    let mut held: Vec<GroupPostings> = Vec::new();
    for pass in 0..passes {
        let g0 = (u64::from(groups) * pass / passes) as u32;
        let g1 = (u64::from(groups) * (pass + 1) / passes) as u32;
        let mut state: Vec<GroupPostings> = (g0..g1).map(|_| GroupPostings::default()).collect();
        for (c, chunk) in by_id.chunks(512).enumerate() {
            let pages: Vec<(u32, GroupedKeys)> = if pass == 0 {
                let made: Vec<(u32, Doc, GroupedKeys)> = chunk
                    .par_iter()
                    .map(|&(id, i)| {
                        let text = body(i);
                        let (mut doc, keys) = Doc::prepare_keyed(&docs[i], &text);
                        put(format!("search/d/{id}.js"), doc.file(id));
                        let keys = GroupedKeys::of(keys, groups);
                        if !keep {
                            doc.body = String::new();
                        }
                        (id, doc, keys)
                    })
                    .collect();
                let mut pages = Vec::with_capacity(made.len());
                for (id, doc, keys) in made {
                    prepared.push((id, doc));
                    pages.push((id, keys));
                }
                pages
            } else {
                let done = &prepared[c * 512..c * 512 + chunk.len()];
                chunk
                    .par_iter()
                    .zip(done)
                    .map(|(&(id, i), (_, doc))| (id, GroupedKeys::of(doc.keys(&body(i)), groups)))
                    .collect()
            };
            state
                .par_iter_mut()
                .enumerate()
                .for_each(|(j, st)| st.add(&pages, g0 as usize + j));
        }
        if pass == 0 {
            total = prepared.iter().map(|(_, d)| d.npos).sum();
        }
        let shards = shards_for(total);
        // Each shard lies in one group when the groups divide the shards.
        if shards.is_multiple_of(groups) {
            state.into_par_iter().for_each(|st| {
                for (path, bytes) in st.into_files(shards) {
                    put(path, bytes);
                }
            });
        } else {
            held.extend(state);
        }
    }
    if !held.is_empty() {
        let shards = shards_for(total);
        for (path, bytes) in GroupPostings::merged(held).into_files(shards) {
            put(path, bytes);
        }
    }
    let shards = shards_for(total);
    let ix = index_state(ids, prepared, total, shards, put);
    keep.then_some(ix)
}

/// The state of the index just built, its meta file made and put.
fn index_state(
    ids: BTreeMap<&str, u32>,
    prepared: Vec<(u32, Doc)>,
    total: usize,
    shards: u32,
    put: Put<'_>,
) -> SearchIndex {
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
        revs: Default::default(),
    };
    ix.meta = ix.meta_rows();
    ix.last_meta = ix.meta_file();
    put("search/meta.js".to_string(), ix.last_meta.clone());
    ix
}

/// A page's keys ready for the postings: in group order, each with its
/// entry number ([`tail_add`](super::format::tail_add)). Held for a chunk
/// of pages at once, so kept small: keys as their [`KeyStore`] holds them.
struct GroupedKeys {
    /// The keys in group order.
    keys: Vec<u64>,
    /// Each key's tail value.
    tails: Vec<u32>,
    store: KeyStore,
    /// `starts[g]..starts[g + 1]`: the entries of group `g`.
    starts: Vec<u32>,
}

impl GroupedKeys {
    /// A page's keys ordered by group (`fnv1a(key) % groups`), each with
    /// its entry number, and where each group starts (a counting sort: the
    /// order of a group's keys does not matter).
    fn of(keys: PageKeys, groups: u32) -> GroupedKeys {
        let of_key: Vec<u32> = keys.iter().map(|(key, _)| key.fnv1a() % groups).collect();
        let mut starts = vec![0u32; groups as usize + 1];
        for &g in &of_key {
            starts[g as usize + 1] += 1;
        }
        for g in 0..groups as usize {
            starts[g + 1] += starts[g];
        }
        let mut next = starts.clone();
        let held = keys.held();
        let (mut order, mut tails) = (vec![0; held.len()], vec![0; held.len()]);
        for (&(k, tail), &g) in held.iter().zip(&of_key) {
            let at = next[g as usize] as usize;
            next[g as usize] += 1;
            order[at] = k;
            tails[at] = tail;
        }
        GroupedKeys {
            keys: order,
            tails,
            store: keys.into_store(),
            starts,
        }
    }

    /// The entries of group `g`: each key and its tail value.
    fn group(&self, g: usize) -> impl Iterator<Item = (Key<'_>, u32)> + '_ {
        let range = self.starts[g] as usize..self.starts[g + 1] as usize;
        self.keys[range.clone()]
            .iter()
            .zip(&self.tails[range])
            .map(|(&k, &tail)| (self.store.key(k), tail))
    }
}

/// The postings of one group of keys, filled page after page in id order:
/// key → (the last page's id, the postings so far), keys of one or two
/// characters by number.
#[derive(Default)]
struct GroupPostings {
    codes: rustc_hash::FxHashMap<u64, (u32, String)>,
    texts: rustc_hash::FxHashMap<String, (u32, String)>,
}

impl GroupPostings {
    /// Appends these pages' entries of group `g` (pages in id order, after
    /// every page added before).
    fn add(&mut self, pages: &[(u32, GroupedKeys)], g: usize) {
        for (id, pk) in pages {
            for (key, tail) in pk.group(g) {
                let (last, list) = match key {
                    Key::Code(c) => self.codes.entry(c).or_default(),
                    // Rare in Chinese text (ASCII words and their pairs).
                    Key::Text(t) => self.texts.entry(t.to_string()).or_default(),
                };
                // A list is never empty once a page is on it.
                push_posting(list, (!list.is_empty()).then_some(*last), *id, tail);
                *last = *id;
            }
        }
    }

    /// Groups taken together (no key is in two groups).
    fn merged(groups: Vec<GroupPostings>) -> GroupPostings {
        let mut all = GroupPostings::default();
        for g in groups {
            all.codes.extend(g.codes);
            all.texts.extend(g.texts);
        }
        all
    }

    /// The shard files of these keys, of an index of `shards` shards.
    fn into_files(self, shards: u32) -> Vec<(String, Vec<u8>)> {
        let mut by_shard: BTreeMap<u32, Vec<(String, String)>> = BTreeMap::new();
        let codes = self
            .codes
            .into_iter()
            .map(|(c, (_, list))| (Key::Code(c).to_string(), list));
        let texts = self.texts.into_iter().map(|(key, (_, list))| (key, list));
        for (key, list) in codes.chain(texts) {
            by_shard
                .entry(fnv1a(&key) % shards)
                .or_default()
                .push((key, list));
        }
        by_shard
            .into_iter()
            .map(|(shard, mut keys)| {
                keys.sort_unstable_by(|a, b| a.0.cmp(&b.0));
                let mut s = String::with_capacity(
                    keys.iter()
                        .map(|(k, list)| k.len() + list.len() + 6)
                        .sum::<usize>()
                        + 2,
                );
                s.push('{');
                for (k, list) in keys {
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
