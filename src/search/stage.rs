//! The build's search stage ([`index_site`]): the index of a built site put
//! into the sink, patched from the previous build's index where it can be,
//! else made afresh. Which pages changed is told by their revs
//! (`Site::revs`): a page whose rev the index has seen is indexed as it is
//! now.

use super::{build_into, is_index_file, Patch, SearchDoc, SearchIndex};
use crate::model::site::Site;
use crate::publish::output::{OutFile, Output, Sink};
use rustc_hash::FxHashSet as HashSet;
use std::borrow::Cow;

/// Puts the search index of `site` into `sink` and returns the index to
/// keep for the next build (none without `keep`). With the `index` of the
/// previous build and its `previous` output (which the sink already holds),
/// the index is patched: only the patch's files are put or removed. When it
/// cannot be (no index, or the layout changed), every previous index file
/// is removed and the index is built afresh.
pub fn index_site(
    site: &Site,
    index: Option<SearchIndex>,
    keep: bool,
    previous: Option<&Output>,
    sink: &dyn Sink,
) -> Option<SearchIndex> {
    if let (Some(mut ix), Some(prev)) = (index, previous) {
        if let Some(patch) = patch_site(&mut ix, site, prev) {
            put_patch(patch, sink);
            return Some(ix);
        }
    }
    if let Some(prev) = previous {
        remove_index_files(prev, sink);
    }
    build_site(site, keep, sink)
}

/// Which pages the index must look at again: those whose rev it has not
/// seen (by index into `Site::pages`), and the URLs of those whose rev is
/// no longer in the site.
struct RevChanges {
    fresh: Vec<usize>,
    removed: Vec<String>,
    /// Every rev of the site now.
    now: HashSet<u64>,
}

impl RevChanges {
    /// Compares the revs the index holds with the site's.
    fn of(site: &Site, revs: &rustc_hash::FxHashMap<u64, String>) -> RevChanges {
        // A rev names one content of one page for the life of the memo:
        // a page whose rev the index has seen is indexed as it is now.
        let fresh: Vec<usize> = (0..site.pages.len())
            .filter(|&i| !revs.contains_key(&site.revs[i]))
            .collect();
        let now: HashSet<u64> = site.revs.iter().copied().collect();
        let removed: Vec<String> = revs
            .iter()
            .filter(|(rev, _)| !now.contains(rev))
            .map(|(_, url)| url.clone())
            .collect();
        RevChanges {
            fresh,
            removed,
            now,
        }
    }
}

/// Patches `ix` to index `site`, reading shards back from `prev`: the
/// files to put or remove, and the index's revs brought up to date; `None`
/// when the index must be built afresh (then `ix` is spent).
fn patch_site(ix: &mut SearchIndex, site: &Site, prev: &Output) -> Option<Patch> {
    let RevChanges {
        fresh,
        removed,
        now,
    } = RevChanges::of(site, &ix.revs);
    let dates: Vec<String> = fresh.iter().map(|&i| date_iso(site, i)).collect();
    let docs: Vec<SearchDoc<'_>> = fresh
        .iter()
        .zip(&dates)
        .map(|(&i, date)| search_doc(site, i, date))
        .collect();
    let patch = ix.patch_pages(&docs, &removed, &|path| prev.read(path))?;
    ix.revs.retain(|rev, _| now.contains(rev));
    ix.revs.extend(
        fresh
            .iter()
            .map(|&i| (site.revs[i], site.pages[i].url.clone())),
    );
    Some(patch)
}

/// Puts the patch's files into `sink` and removes the files it deletes.
fn put_patch(patch: Patch, sink: &dyn Sink) {
    let mut files = Vec::with_capacity(patch.len());
    for (path, bytes) in patch {
        match bytes {
            Some(b) => files.push((path, OutFile::Bytes(b.into()))),
            None => sink.remove(&path),
        }
    }
    sink.put_all(files);
}

/// Removes every index file of the previous output from `sink`: an index
/// built anew keeps none of them.
fn remove_index_files(prev: &Output, sink: &dyn Sink) {
    for (path, _) in prev.files.range::<_, str>((
        std::ops::Bound::Included("search/"),
        std::ops::Bound::Excluded("search0"),
    )) {
        if is_index_file(path) {
            sink.remove(path);
        }
    }
}

/// Builds the index of every page of `site` afresh into `sink` (spilling
/// to the sink's scratch folder when large); with `keep`, returns it with
/// the rev of every page.
fn build_site(site: &Site, keep: bool, sink: &dyn Sink) -> Option<SearchIndex> {
    let dates: Vec<String> = (0..site.pages.len()).map(|i| date_iso(site, i)).collect();
    let docs: Vec<_> = (0..site.pages.len())
        .map(|i| search_doc(site, i, &dates[i]))
        .collect();
    let put = |path: String, bytes: Vec<u8>| sink.put(path, OutFile::Bytes(bytes.into()));
    let body = |i: usize| match site.body(i) {
        Cow::Borrowed(r) => Cow::Borrowed(r.text.as_str()),
        Cow::Owned(r) => Cow::Owned(r.text),
    };
    // The Markdown's size stands for the text's: it sets only how many
    // passes the postings take.
    let size = site.pages.iter().map(|p| p.body.len()).sum();
    let mut index = build_into(&docs, &body, size, keep, &put);
    if let Some(ix) = &mut index {
        ix.revs = site
            .revs
            .iter()
            .zip(&site.pages)
            .map(|(r, p)| (*r, p.url.clone()))
            .collect();
    }
    index
}

/// Page `i`'s date in ISO form at its precision (`2013-09-25`, `2013-09`,
/// `2013`), empty for a draft without one.
fn date_iso(site: &Site, i: usize) -> String {
    site.pages[i].meta.date.map(|d| d.iso()).unwrap_or_default()
}

/// What the search index sees of page `i` (`date` in ISO form).
fn search_doc<'a>(s: &'a Site, i: usize, date: &'a str) -> SearchDoc<'a> {
    let (p, r) = (&s.pages[i], &s.rendered[i]);
    let m = &p.meta;
    let mut meta: Vec<&str> = [
        &m.speaker,
        &m.speaker_title,
        &m.occasion,
        &m.place,
        &m.doc_number,
        &m.organization,
        &m.author,
        &m.author_title,
        &m.branch,
        &m.brand,
        &m.slogan,
        &m.secretary,
    ]
    .into_iter()
    .flatten()
    .map(String::as_str)
    .collect();
    meta.extend(m.tags.iter().map(String::as_str));
    meta.extend(m.highlights.iter().map(String::as_str));
    SearchDoc {
        url: &p.url,
        title: &m.title,
        kind: p.kind.name(),
        date,
        region: m.region.as_deref().unwrap_or(""),
        sector: m.sector.as_deref().unwrap_or(""),
        source: p.origin.as_ref().map_or("", |o| o.key.as_str()),
        meta,
        body: &r.text,
    }
}
