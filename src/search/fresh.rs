//! The index of every page at once ([`build_into`]): pages prepared and
//! their files put, the layout sized, the shards filled in groups (in
//! passes through a scratch folder when large), the meta file last.

use super::format::{encode_tail, script, MetaRows};
use super::page::{scan_page, Doc};
use super::tokenize::{fnv1a, KeyMaker};
use super::{assign_ids, shard_count, Put, SearchDoc, SearchIndex};
use rayon::prelude::*;
use std::collections::BTreeMap;

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
pub(super) fn build_in_passes<'a>(
    docs: &[SearchDoc<'a>],
    body: &(dyn Fn(usize) -> std::borrow::Cow<'a, str> + Sync),
    keep: bool,
    scratch: Option<(&std::path::Path, usize)>,
    put: Put<'_>,
) -> std::io::Result<Option<SearchIndex>> {
    let mut urls: Vec<&str> = docs.iter().map(|d| d.url).collect();
    urls.sort_unstable();
    let ids = assign_ids(urls.into_iter(), docs.len());
    // Pages first (their sizes give the shard count), then their keys:
    // tokenising twice costs less than holding every page's raw keys.
    let prepared = page_files(docs, body, &ids, keep, put);
    let layout = Layout::of(&prepared);
    fill_shards(&prepared, body, &layout, scratch, put)?;
    let ix = index_state(ids, prepared, &layout, put);
    Ok(keep.then_some(ix))
}

/// Prepares every page (in the order of `docs`) and puts its own files;
/// without `keep`, its body text and parts are dropped once written.
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

/// Makes every page's keys again (in id order) and fills and puts the
/// shards group by group: from keys held in memory, or, with a scratch
/// folder and more positions than its budget, in passes over keys spilled
/// to it.
fn fill_shards<'a>(
    prepared: &[(u32, Doc)],
    body: &(dyn Fn(usize) -> std::borrow::Cow<'a, str> + Sync),
    layout: &Layout,
    scratch: Option<(&std::path::Path, usize)>,
    put: Put<'_>,
) -> std::io::Result<()> {
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
    Ok(())
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
    /// The keys of a page (as [`index_keys`](super::page::index_keys) lists them), grouped, each
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
