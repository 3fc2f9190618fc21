//! The files an edit changes ([`SearchIndex::patch`]): the changed pages
//! swapped in, their old and new keys compared, only the shards whose
//! postings differ read back and rewritten, the page files and the meta
//! file made again where they changed. Byte for byte what a fresh build
//! would write.

use super::format::{push_entry, push_posting, read_nums, read_postings, script};
use super::page::{Doc, PageKeys};
use super::tokenize::fnv1a;
use super::{assign_ids, id_space, shard_count, Patch, SearchDoc, SearchIndex};
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

/// One change to a shard: remove page `id` from `key`, or set its posting.
enum Op {
    Remove(String, u32),
    Add(String, u32, u32),
}

impl SearchIndex {
    /// Brings the index up to date with `docs`, every page of the site now.
    /// Pages not in the index yet are added, pages no longer in `docs` are
    /// removed, and of the others only those for which `changed(url)` holds
    /// are looked at again. `previous(path)` reads a file of the index as it
    /// was last written (a shard to patch).
    ///
    /// Returns the files to write or delete, byte for byte what a fresh
    /// [`build_index`](super::build_index) would change; `None` when the
    /// layout itself changes (shard count or id space) or a shard file to
    /// patch is not as this module wrote it: then the state is spent and the
    /// caller builds afresh.
    #[cfg(test)]
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
        let (updated, removed) = self.real_changes(updated, removed);
        if removed.is_empty() && updated.is_empty() {
            return Some(Patch::new());
        }
        let swapped = self.swap_pages(updated, removed)?;
        let mut patch = self.shard_patch(&swapped, previous)?;
        self.page_file_patch(&swapped, &mut patch);
        self.meta_patch(&swapped, &mut patch);
        Some(patch)
    }

    /// The pages that really change: of `updated`, those not indexed as
    /// they are (prepared, in their order), and of `removed`, those indexed
    /// and not coming back.
    fn real_changes(
        &self,
        updated: &[SearchDoc<'_>],
        removed: &[String],
    ) -> (Vec<Doc>, Vec<String>) {
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
        (updated, removed)
    }

    /// Takes the changed and removed pages out of the index and puts the
    /// changed ones in, their ids made again when pages came or went.
    /// `None` when the layout changes (shard count or id space): then the
    /// state is spent.
    fn swap_pages(&mut self, updated: Vec<Doc>, removed: Vec<String>) -> Option<Swapped> {
        let n_before = self.docs.len();
        let set_changes =
            !removed.is_empty() || updated.iter().any(|d| !self.docs.contains_key(&d.url));
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
        if shard_count(self.total, self.docs.len()) != self.shards
            || id_space(self.docs.len()) != id_space(n_before)
        {
            return None;
        }
        if set_changes {
            self.reassign_ids(&fresh, &mut old);
        }
        let moved: Vec<String> = old
            .keys()
            .filter(|u| !fresh.contains(*u) && self.docs.contains_key(*u))
            .cloned()
            .collect();
        Some(Swapped {
            old,
            fresh,
            moved,
            removed,
            set_changes,
        })
    }

    /// Gives every page its id in the new page set. A page that was not
    /// changed but moves to another id joins `old`, to be indexed again.
    fn reassign_ids(&mut self, fresh: &BTreeSet<String>, old: &mut BTreeMap<String, (Doc, u32)>) {
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

    /// The shard files the swap rewrites: each touched page's keys before
    /// and after compared, and the postings that differ applied to the
    /// shards as `previous` reads them. `None` when a shard file is not as
    /// this module writes it.
    fn shard_patch(
        &self,
        swapped: &Swapped,
        previous: &(dyn Fn(&str) -> Option<Vec<u8>> + Sync),
    ) -> Option<Patch> {
        let Swapped {
            old,
            fresh,
            moved,
            removed,
            ..
        } = swapped;
        let touched: Vec<&String> = fresh.iter().chain(moved).chain(removed.iter()).collect();
        let shards = self.shards;
        let ops: Vec<(u32, Op)> = touched
            .par_iter()
            .flat_map_iter(|url| {
                let before = old
                    .get(*url)
                    .map(|(d, id)| (*id, grouped(&d.keys(&d.body))));
                let after = self
                    .docs
                    .get(*url)
                    .and_then(|d| Some((*self.ids.get(*url)?, grouped(&d.keys(&d.body)))));
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
        by_shard
            .into_par_iter()
            .map(|(shard, ops)| {
                let path = format!("search/p/{shard:x}.js");
                let file = apply_ops(&format!("p/{shard:x}"), previous(&path).as_deref(), ops)?;
                Ok((path, file))
            })
            .collect::<Result<_, BadShard>>()
            .ok()
    }

    /// Puts the swapped pages' own files into `patch`: those of the old ids
    /// deleted first, so that new ones may take their names.
    fn page_file_patch(&self, swapped: &Swapped, patch: &mut Patch) {
        for (_, id) in swapped.old.values() {
            patch.insert(format!("search/d/{id}.js"), None);
        }
        for url in swapped.fresh.iter().chain(&swapped.moved) {
            let (Some(doc), Some(&id)) = (self.docs.get(url), self.ids.get(url)) else {
                continue;
            };
            patch.insert(format!("search/d/{id}.js"), Some(doc.file(id)));
        }
    }

    /// Puts the meta file into `patch` when it changed. Rows change in
    /// place while every changed page keeps its id, kind, region, sector
    /// and source (a region no page has any more must leave the list); else
    /// they are all made again.
    fn meta_patch(&mut self, swapped: &Swapped, patch: &mut Patch) {
        let in_place = !swapped.set_changes
            && swapped.fresh.iter().all(|url| {
                let (Some((was, _)), Some(d), Some(&id)) =
                    (swapped.old.get(url), self.docs.get(url), self.ids.get(url))
                else {
                    return false;
                };
                (&was.kind, &was.region, &was.sector, &was.source)
                    == (&d.kind, &d.region, &d.sector, &d.source)
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
    }
}

/// What a patch is about, once the index holds every page as it now is.
struct Swapped {
    /// URL → the page as it was indexed, and its id then: every page
    /// changed, removed or moved to another id that was indexed before.
    old: BTreeMap<String, (Doc, u32)>,
    /// The pages that came or changed.
    fresh: BTreeSet<String>,
    /// The pages that did not change but moved to another id.
    moved: Vec<String>,
    /// The pages that went.
    removed: Vec<String>,
    /// Whether pages came or went (ids may move, the meta file's lists
    /// change).
    set_changes: bool,
}

/// A page's keys with the number of its entry on each ([`tail_add`](super::format::tail_add)):
/// what its postings hold, positions left out.
fn grouped(keys: &PageKeys) -> BTreeMap<String, u32> {
    keys.iter().map(|(k, tail)| (k.to_string(), tail)).collect()
}

/// The shard changes that turn a page's postings `before` into `after`
/// (each: its id and key → entry number). Keys whose entries stay are left
/// alone.
fn key_ops(
    before: Option<(u32, BTreeMap<String, u32>)>,
    after: Option<(u32, BTreeMap<String, u32>)>,
) -> Vec<Op> {
    let mut ops = vec![];
    let same_id = matches!((&before, &after), (Some((a, _)), Some((b, _))) if a == b);
    let after_keys = after.as_ref().map(|(_, k)| k);
    if let Some((id, keys)) = &before {
        for (k, tail) in keys {
            if !(same_id && after_keys.and_then(|a| a.get(k)) == Some(tail)) {
                ops.push(Op::Remove(k.clone(), *id));
            }
        }
    }
    if let Some((id, keys)) = after {
        let before_keys = before.as_ref().map(|(_, k)| k);
        for (k, tail) in keys {
            if same_id && before_keys.and_then(|b| b.get(&k)) == Some(&tail) {
                continue;
            }
            ops.push(Op::Add(k, id, tail));
        }
    }
    ops
}

/// A shard file that is not as this module writes it.
#[derive(Debug)]
pub(super) struct BadShard;

/// The entries of a shard file's object, `"key":"digits"`, as (key, list
/// text), in file order (keys ascending). A key's `"` and `\\` are escaped
/// (see [`push_entry`]); the list is base-64 digits, never escaped.
pub(super) fn shard_entries(json: &str) -> Result<Vec<(Cow<'_, str>, &str)>, BadShard> {
    let inner = json
        .strip_prefix('{')
        .and_then(|r| r.strip_suffix('}'))
        .ok_or(BadShard)?;
    let mut out = Vec::new();
    let mut rest = inner;
    while !rest.is_empty() {
        let r = rest.strip_prefix('"').ok_or(BadShard)?;
        let (key, r) = json_key(r)?;
        let r = r.strip_prefix(":\"").ok_or(BadShard)?;
        let close = r.find('"').ok_or(BadShard)?;
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

/// A key up to its closing quote, its `\\"` and `\\\\` unescaped, and what
/// follows the quote.
fn json_key(r: &str) -> Result<(Cow<'_, str>, &str), BadShard> {
    let q = r.find(['"', '\\']).ok_or(BadShard)?;
    if r.as_bytes()[q] == b'"' {
        return Ok((Cow::Borrowed(&r[..q]), &r[q + 1..]));
    }
    let mut key = String::new();
    let mut chars = r.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((Cow::Owned(key), &r[i + 1..])),
            '\\' => match chars.next() {
                Some((_, e @ ('"' | '\\'))) => key.push(e),
                _ => return Err(BadShard),
            },
            c => key.push(c),
        }
    }
    Err(BadShard)
}

/// The numbers of a list text.
fn parse_list(text: &str) -> Result<Vec<u32>, BadShard> {
    read_nums(text).ok_or(BadShard)
}

/// Applies `ops` to the shard file `old` (absent: an empty shard); `None`
/// when the shard ends up empty. Keys the ops do not touch are copied as
/// they are, without decoding.
fn apply_ops(name: &str, old: Option<&[u8]>, ops: Vec<Op>) -> Result<Option<Vec<u8>>, BadShard> {
    let json = shard_json(name, old)?;
    let entries = shard_entries(json)?;
    let mut out = String::with_capacity(json.len() + 256);
    out.push('{');
    let put = |out: &mut String, key: &str, list: &str| {
        if !list.is_empty() {
            push_entry(out, key, list);
        }
    };
    let mut touched = ops_by_key(ops).into_iter().peekable();
    for (key, list) in entries {
        while let Some((k, _)) = touched.peek().filter(|(k, _)| k.as_str() < key.as_ref()) {
            let k = k.clone();
            let (_, ops) = touched.next().ok_or(BadShard)?;
            let s = patched_list("", ops)?;
            put(&mut out, &k, &s);
        }
        if touched.peek().is_some_and(|(k, _)| *k == key) {
            let (_, ops) = touched.next().ok_or(BadShard)?;
            let s = patched_list(list, ops)?;
            put(&mut out, &key, &s);
        } else {
            put(&mut out, &key, list);
        }
    }
    for (k, ops) in touched {
        let s = patched_list("", ops)?;
        put(&mut out, &k, &s);
    }
    if out == "{" {
        return Ok(None);
    }
    out.push('}');
    Ok(Some(script(name, &out)))
}

/// The ops by key, each key's removals first: a page may take over the id
/// another page left.
fn ops_by_key(mut ops: Vec<Op>) -> BTreeMap<String, Vec<Op>> {
    ops.sort_by_key(|op| matches!(op, Op::Add(..)));
    let mut by_key: BTreeMap<String, Vec<Op>> = BTreeMap::new();
    for op in ops {
        let key = match &op {
            Op::Remove(k, _) | Op::Add(k, _, _) => k.clone(),
        };
        by_key.entry(key).or_default().push(op);
    }
    by_key
}

/// The JSON object of the shard file `old` named `name` (absent: an empty
/// object).
fn shard_json<'b>(name: &str, old: Option<&'b [u8]>) -> Result<&'b str, BadShard> {
    Ok(match old {
        Some(b) => {
            let s = std::str::from_utf8(b).map_err(|_| BadShard)?;
            s.strip_prefix(&format!("zhanting_shard(\"{name}\","))
                .and_then(|r| r.strip_suffix(");\n"))
                .ok_or(BadShard)?
        }
        None => "{}",
    })
}

/// A key's postings list text `list` with `ops` applied (empty when no
/// page is left).
fn patched_list(list: &str, ops: Vec<Op>) -> Result<String, BadShard> {
    let mut postings = decode_postings(&parse_list(list)?)?;
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
    let mut prev = None;
    for (id, tail) in postings {
        push_posting(&mut s, prev, id, tail);
        prev = Some(id);
    }
    Ok(s)
}

/// A key's entries → id → tail.
fn decode_postings(flat: &[u32]) -> Result<BTreeMap<u32, u32>, BadShard> {
    Ok(read_postings(flat).ok_or(BadShard)?.into_iter().collect())
}
