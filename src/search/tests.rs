use super::format::B64;
use super::format::{push_posting, read_nums, read_postings};
use super::fresh::{build_in_passes, Passes};
use super::patch::shard_entries;
use super::*;
use std::collections::BTreeSet;

struct Owned {
    url: String,
    title: String,
    kind: &'static str,
    date: String,
    region: String,
    body: String,
    meta: Vec<String>,
}

impl Owned {
    fn doc(&self) -> SearchDoc<'_> {
        SearchDoc {
            url: &self.url,
            title: &self.title,
            kind: self.kind,
            date: &self.date,
            region: &self.region,
            sector: "",
            source: "",
            meta: self.meta.iter().map(String::as_str).collect(),
            body: &self.body,
        }
    }
}

fn page(i: usize, body: &str) -> Owned {
    Owned {
        url: format!("cases/p{i}/index.html"),
        title: format!("第{i}个案例"),
        kind: ["speech", "case", "brand"][i % 3],
        date: format!("20{:02}-0{}-1{}", 10 + i % 10, 1 + i % 9, i % 10),
        region: ["陈仓区", "格里坪镇", ""][i % 3].to_string(),
        body: body.to_string(),
        meta: vec![format!("书记{i}")],
    }
}

fn corpus(n: usize) -> Vec<Owned> {
    (0..n)
        .map(|i| {
            page(
                i,
                &format!("第{i}段：支部建设，QQ群{}人。文建明工作法在此推广。", i * 7),
            )
        })
        .collect()
}

/// The column widths of a meta file's rows.
fn widths(meta: &serde_json::Value) -> Vec<usize> {
    meta["w"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as usize)
        .collect()
}

fn js_body(f: &[u8], name: &str) -> serde_json::Value {
    let s = String::from_utf8(f.to_vec()).unwrap();
    let pre = format!("zhanting_shard(\"{name}\",");
    let inner = s
        .strip_prefix(&pre)
        .and_then(|r| r.strip_suffix(");\n"))
        .unwrap_or_else(|| panic!("bad file: {s}"));
    serde_json::from_str(inner).unwrap()
}

/// Decodes the postings of `key` from the built files: id → [body count,
/// flags].
fn postings(files: &BTreeMap<String, Vec<u8>>, key: &str) -> BTreeMap<u64, Vec<u64>> {
    let meta = js_body(&files["search/meta.js"], "meta");
    let shards = meta["shards"].as_u64().unwrap() as u32;
    let h = fnv1a(key) % shards;
    let name = format!("p/{h:x}");
    let mut out = BTreeMap::new();
    let Some(f) = files.get(&format!("search/{name}.js")) else {
        return out;
    };
    let v = js_body(f, &name);
    let Some(list) = v[key].as_str() else {
        return out;
    };
    for (id, tail) in read_postings(&read_nums(list).unwrap()).unwrap() {
        out.insert(
            u64::from(id),
            vec![u64::from(tail >> 2), u64::from(tail & 3)],
        );
    }
    out
}

#[test]
fn index_has_unigrams_and_bigrams_with_counts_by_field() {
    let docs = [Owned {
        url: "a/index.html".into(),
        title: "陈仓区".into(),
        kind: "case",
        date: "2013-09-25".into(),
        region: "宝鸡".into(),
        body: "格里坪，陈仓".into(),
        meta: vec![],
    }];
    let d: Vec<SearchDoc> = docs.iter().map(Owned::doc).collect();
    let files = build_index(&d);
    let chen_cang = postings(&files, "陈 仓");
    assert_eq!(chen_cang.len(), 1);
    // [body count, flags]: in the title (1) and once in the body
    assert_eq!(chen_cang.values().next().unwrap(), &vec![1, 1]);
    // in the metadata (2) only
    assert_eq!(
        postings(&files, "宝 鸡").values().next().unwrap(),
        &vec![0, 2]
    );
    assert_eq!(postings(&files, "陈").values().next().unwrap(), &vec![1, 1]);
    assert_eq!(postings(&files, "宝").values().next().unwrap(), &vec![0, 2]);
    // the comma is a unit: bigrams through it, none around it
    assert!(postings(&files, "坪 陈").is_empty());
    assert_eq!(
        postings(&files, "坪 ,").values().next().unwrap(),
        &vec![1, 0]
    );
    assert_eq!(postings(&files, ", 陈").len(), 1);
    assert_eq!(postings(&files, "坪").len(), 1);
    let meta = js_body(&files["search/meta.js"], "meta");
    assert_eq!(meta["n"], 1);
    assert_eq!(meta["kinds"], serde_json::json!(["case"]));
    let w = widths(&meta);
    let docs = meta["docs"].as_str().unwrap();
    assert_eq!(docs.len(), w.iter().sum::<usize>());
    let mut cols = vec![];
    let mut at = 0;
    for n in &w {
        cols.push(docs[at..at + n].bytes().fold(0u64, |v, b| {
            v * 64 + B64.iter().position(|&x| x == b).unwrap() as u64
        }));
        at += n;
    }
    assert_eq!(cols[4], (2013 - 1900) * 512 + 9 * 32 + 25);
    let id = cols[0];
    let d = js_body(&files[&format!("search/d/{id}.js")], &format!("d/{id}"));
    assert_eq!(d["u"], "a/index.html");
    assert_eq!(d["b"], "格里坪，陈仓");
    // one file per page, the shards and the meta file: nothing else
    assert!(files.keys().all(|f| f == "search/meta.js"
        || f.starts_with("search/p/")
        || f == &format!("search/d/{id}.js")));
}

#[test]
fn postings_read_back_as_written() {
    let entries = [(0, 4), (1, 5), (3, 14), (40, 15), (41, 99), (5000, 1)];
    let mut s = String::new();
    let mut prev = None;
    for (id, tail) in entries {
        push_posting(&mut s, prev, id, tail);
        prev = Some(id);
    }
    // (0, 4) and (1, 5): one character each; (40, 15): a second number
    assert_eq!(&s[..2], "45");
    assert_eq!(read_postings(&read_nums(&s).unwrap()).unwrap(), entries);
    // a number that ends inside an entry, or a digit that is not one
    assert!(read_postings(&[15]).is_none());
    assert!(read_nums("4!").is_none());
    assert!(read_nums("w").is_none(), "ends inside a number");
}

#[test]
fn full_width_text_is_indexed_as_half_width() {
    let mut p = page(1, "ＱＱ群２０１３年");
    p.title = "x".into();
    let d = [p.doc()];
    let files = build_index(&d);
    assert_eq!(postings(&files, "qq 群").len(), 1);
    assert_eq!(postings(&files, "2013 年").len(), 1);
}

#[test]
fn build_is_deterministic_and_escapes_line_separators() {
    let mut c = corpus(20);
    c[3].body.push('\u{2028}');
    let d: Vec<SearchDoc> = c.iter().map(Owned::doc).collect();
    let a = build_index(&d);
    let mut rev = d.clone();
    rev.reverse();
    assert_eq!(a, build_index(&rev));
    assert!(a
        .values()
        .all(|f| !String::from_utf8_lossy(f).contains('\u{2028}')));
}

#[test]
fn ids_are_unique_and_stable() {
    let c = corpus(300);
    let urls: Vec<String> = c.iter().map(|o| o.url.clone()).collect();
    let ids = assign_ids(urls.iter().map(String::as_str), urls.len());
    let set: BTreeSet<u32> = ids.values().copied().collect();
    assert_eq!(set.len(), 300);
    assert!(set.iter().all(|&i| i < id_space(300)));
}

/// Applies `patch` to `files`, or rebuilds them (and the state) when the
/// layout changed, as the rebuild does.
fn apply(
    ix: &mut SearchIndex,
    files: &mut BTreeMap<String, Vec<u8>>,
    docs: &[SearchDoc<'_>],
    changed: &(dyn Fn(&str) -> bool + Sync),
) -> Option<usize> {
    let prev = files.clone();
    match ix.patch(docs, changed, &|p| prev.get(p).cloned()) {
        Some(patch) => {
            let n = patch.len();
            for (path, f) in patch {
                match f {
                    Some(b) => files.insert(path, b),
                    None => files.remove(&path),
                };
            }
            Some(n)
        }
        None => {
            let (fresh_ix, fresh) = SearchIndex::build(docs);
            *ix = fresh_ix;
            *files = fresh;
            None
        }
    }
}

/// Invariant (a): any sequence of edits, adds and removes, patched in, gives
/// the same files as a fresh build of the final pages.
#[test]
fn patched_index_equals_fresh_build() {
    let mut pages = corpus(40);
    let d: Vec<SearchDoc> = pages.iter().map(Owned::doc).collect();
    let (mut ix, mut on_disk) = SearchIndex::build(&d);
    // a deterministic pseudo-random sequence of edits, adds and removes
    let mut seed: u64 = 7;
    let mut next = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    let (mut patched, mut rebuilt) = (0, 0);
    let mut added = 0;
    for step in 0..120 {
        let mut edited: Vec<String> = vec![];
        // several changes in one batch now and then
        for _ in 0..(1 + (step % 11 == 0) as usize * 3) {
            match next() % 4 {
                0 if !pages.is_empty() => {
                    let i = next() % pages.len();
                    pages.remove(i);
                }
                1 => {
                    // many pages at once: crosses id-space and shard-count boundaries
                    let n = if step % 30 == 0 { 40 } else { 1 };
                    for _ in 0..n {
                        added += 1;
                        pages.push(page(
                            100_000 + added,
                            &"新增页面正文，党员先锋岗。".repeat(1 + step % 50),
                        ));
                    }
                }
                _ if !pages.is_empty() => {
                    let i = next() % pages.len();
                    pages[i].body = format!("改写{step}：{}", "格里坪".repeat(step % 5));
                    if step % 7 == 0 {
                        pages[i].region = "新区".into();
                    }
                    if step % 9 == 0 {
                        pages[i].title = format!("新标题{step}");
                    }
                    if step % 5 == 0 {
                        // (the meta file's row changes in place)
                        pages[i].date = format!("2021-0{}-2{}", 1 + step % 9, step % 10);
                    }
                    edited.push(pages[i].url.clone());
                }
                _ => {}
            }
        }
        let d: Vec<SearchDoc> = pages.iter().map(Owned::doc).collect();
        match apply(&mut ix, &mut on_disk, &d, &|u| {
            edited.iter().any(|e| e == u)
        }) {
            Some(_) => patched += 1,
            None => rebuilt += 1,
        }
        let fresh = build_index(&d);
        assert_eq!(
            on_disk.keys().collect::<Vec<_>>(),
            fresh.keys().collect::<Vec<_>>(),
            "file list after step {step}"
        );
        for (path, bytes) in &fresh {
            if on_disk[path] != *bytes {
                let (a, b) = (&on_disk[path], bytes);
                let i = a
                    .iter()
                    .zip(b.iter())
                    .position(|(x, y)| x != y)
                    .unwrap_or(a.len().min(b.len()));
                let w = |v: &[u8]| {
                    String::from_utf8_lossy(&v[i.saturating_sub(120)..(i + 80).min(v.len())])
                        .into_owned()
                };
                panic!("{path} differs after step {step}: …{}… vs …{}…", w(a), w(b));
            }
        }
    }
    assert!(
        patched > 100 && rebuilt > 0,
        "{patched} patched, {rebuilt} rebuilt"
    );
}

/// Invariant (b): editing one page's body touches few files.
#[test]
fn editing_one_body_changes_few_files() {
    let mut pages = corpus(200);
    let d: Vec<SearchDoc> = pages.iter().map(Owned::doc).collect();
    let (mut ix, mut files) = SearchIndex::build(&d);
    let before = files.clone();
    pages[17].body = "第17段：支部建设，QQ群119人。陈仓区经验在此推广。".into();
    let d: Vec<SearchDoc> = pages.iter().map(Owned::doc).collect();
    let url = pages[17].url.clone();
    let written = apply(&mut ix, &mut files, &d, &|u| u == url).expect("patched");
    let differ: Vec<&String> = files
        .keys()
        .filter(|k| before.get(*k) != files.get(*k))
        .collect();
    assert!(
        !differ.is_empty() && differ.len() <= 12,
        "{} files changed: {differ:?}",
        differ.len()
    );
    assert!(
        written <= 12 && written * 10 < files.len(),
        "{written} of {}",
        files.len()
    );
    assert_eq!(files, build_index(&d));
    // Nothing changed: nothing to write.
    assert_eq!(apply(&mut ix, &mut files, &d, &|_| true), Some(0));
}

/// An edit that moves the rest of the page along, but changes the count
/// of only a few keys, rewrites only the shards of those keys: a page's
/// entry holds no positions, so keys whose count stays are left alone.
#[test]
fn an_edit_that_moves_the_text_rewrites_only_changed_keys() {
    let rest = "格里坪镇的干部把群众的事当成自己的事，ＱＱ群里5130人。\n".repeat(30);
    let mut pages: Vec<Owned> = (0..200)
        .map(|i| page(i, &format!("第{i}段。\n{rest}")))
        .collect();
    let d: Vec<SearchDoc> = pages.iter().map(Owned::doc).collect();
    let (mut ix, files) = SearchIndex::build(&d);
    pages[17].body = format!("第17段第17段。\n{rest}");
    let d: Vec<SearchDoc> = pages.iter().map(Owned::doc).collect();
    let url = pages[17].url.clone();
    let patch = ix
        .patch(&d, &|u| u == url, &|p| files.get(p).cloned())
        .expect("a patch");
    let mut patched = files.clone();
    for (path, f) in &patch {
        match f {
            Some(b) => patched.insert(path.clone(), b.clone()),
            None => patched.remove(path),
        };
    }
    assert_eq!(patched, build_index(&d));
    let unchanged: Vec<&String> = patch
        .iter()
        .filter(|(p, f)| p.starts_with("search/p/") && f.as_ref() == files.get(*p))
        .map(|(p, _)| p)
        .collect();
    assert!(
        unchanged.is_empty(),
        "rewritten as they were: {unchanged:?}"
    );
}

#[test]
fn no_pair_spans_a_line_break() {
    let docs = [page(1, "甲\n乙")];
    let d: Vec<SearchDoc> = docs.iter().map(Owned::doc).collect();
    let files = build_index(&d);
    assert!(postings(&files, "甲 乙").is_empty());
    assert_eq!(postings(&files, "乙").values().next().unwrap(), &vec![1, 0]);
}

#[test]
fn a_shard_file_not_as_written_makes_the_patch_give_up() {
    let mut pages: Vec<Owned> = (0..20).map(|i| page(i, "基层党建工作扎实推进。")).collect();
    let d: Vec<SearchDoc> = pages.iter().map(Owned::doc).collect();
    let (mut ix, files) = SearchIndex::build(&d);
    pages[3].body = "格里坪镇的新做法。".into();
    let d: Vec<SearchDoc> = pages.iter().map(Owned::doc).collect();
    let url = pages[3].url.clone();
    // Every shard read back is damaged: no patch, the caller builds afresh.
    let damaged = |p: &str| files.get(p).map(|b| b[..b.len() / 2].to_vec());
    assert!(ix.clone().patch(&d, &|u| u == url, &damaged).is_none());
    // Read back intact, the same change patches a few files.
    let patch = ix
        .patch(&d, &|u| u == url, &|p| files.get(p).cloned())
        .expect("a patch");
    assert!(
        !patch.is_empty() && patch.len() < 40,
        "{} files",
        patch.len()
    );
}

#[test]
fn shard_entries_read_what_the_builder_writes() {
    let read = |s| {
        shard_entries(s).map(|e| {
            e.into_iter()
                .map(|(k, l)| (k.into_owned(), l.to_string()))
                .collect::<Vec<_>>()
        })
    };
    let own = |v: &[(&str, &str)]| {
        v.iter()
            .map(|(k, l)| (k.to_string(), l.to_string()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        read(r#"{"a":"12","a b":"3"}"#).unwrap(),
        own(&[("a", "12"), ("a b", "3")])
    );
    assert_eq!(
        read(r#"{"\"":"1","\" \\":"2"}"#).unwrap(),
        own(&[("\"", "1"), ("\" \\", "2")])
    );
    assert_eq!(read("{}").unwrap(), vec![]);
    for bad in [
        r#"{"a":"12""#,
        r#"{"a":"1"x"b":"2"}"#,
        r#"{"a\x":"1"}"#,
        r#"{"a":[1]}"#,
        "[]",
    ] {
        assert!(read(bad).is_err(), "{bad}");
    }
}

#[test]
fn building_in_passes_gives_the_same_files() {
    let c: Vec<Owned> = (0..300)
        .map(|i| {
            let text = format!(
                "第{i}段：支部建设，QQ群{}人。文建明工作法在此推广。\n",
                i * 7
            );
            page(i, &text.repeat(20 * (1 + i % 13)))
        })
        .collect();
    let d: Vec<SearchDoc> = c.iter().map(Owned::doc).collect();
    let fresh = build_index(&d);
    let shards = js_body(&fresh["search/meta.js"], "meta")["shards"]
        .as_u64()
        .unwrap();
    assert!(shards >= 16, "{shards} shards: too few for several passes");
    let body = |i: usize| std::borrow::Cow::Borrowed(d[i].body);
    let in_passes = |passes, groups, shards| {
        let got = std::sync::Mutex::new(BTreeMap::new());
        let put = |path: String, bytes: Vec<u8>| {
            assert!(got.lock().unwrap().insert(path, bytes).is_none());
        };
        let how = Passes {
            passes,
            groups,
            shards,
        };
        assert!(build_in_passes(&d, &body, false, how, &put).is_none());
        got.into_inner().unwrap()
    };
    // Fewer groups than shards (each group's shards put after its pass) and
    // more (shards put at the end), in one pass and in several.
    for (passes, groups) in [(1, 8), (3, 8), (8, 8), (1, 256), (5, 256)] {
        let got = in_passes(passes, groups, None);
        assert_eq!(got, fresh, "{passes} passes, {groups} groups");
    }
    // A shard count that is a multiple of the groups but no power of two
    // (as large sites have: a multiple of 256) gives the same files whether
    // its shards are put group by group or all at the end; and one that the
    // groups do not divide is put at the end.
    let whole = in_passes(1, 256, Some(24));
    assert_eq!(
        js_body(&whole["search/meta.js"], "meta")["shards"],
        serde_json::json!(24)
    );
    assert!(whole.contains_key("search/p/17.js"), "shard 0x17 of 24");
    for (passes, groups) in [(1, 8), (3, 8), (2, 24), (4, 5)] {
        let got = in_passes(passes, groups, Some(24));
        assert_eq!(got, whole, "{passes} passes, {groups} groups, 24 shards");
    }
}

#[test]
fn a_page_prepared_with_its_keys_is_the_page_prepared_alone() {
    let texts = [
        "",
        "支部建设。QQ群2013年 1+1\n第二段：文建明工作法",
        "ＡＢＣ１２３ 全角…半角\n\n\n党",
    ];
    for (i, t) in texts.iter().enumerate() {
        let o = page(i, t);
        let d = o.doc();
        let (doc, keys) = super::page::Doc::prepare_keyed(&d, d.body);
        assert_eq!(doc, super::page::Doc::prepare(&d, d.body), "{t}");
        let again = doc.keys(d.body);
        assert_eq!(
            keys.iter().collect::<Vec<_>>(),
            again.iter().collect::<Vec<_>>(),
            "{t}"
        );
    }
}

/// The source column (roll-up): written only when some page comes from a
/// source site, read back per page, and patched like the other columns.
#[test]
fn pages_of_source_sites_have_a_source_column_patched_as_a_fresh_build() {
    let pages = corpus(9);
    const KEYS: [&str; 3] = ["", "zhangyuan", "hetang"];
    let with = |keys: &dyn Fn(usize) -> &'static str| -> Vec<SearchDoc<'_>> {
        pages
            .iter()
            .enumerate()
            .map(|(i, p)| SearchDoc {
                source: keys(i),
                ..p.doc()
            })
            .collect()
    };
    // Without source sites: six columns and no list, as before.
    let (_, own) = SearchIndex::build(&with(&|_| ""));
    let meta = js_body(&own["search/meta.js"], "meta");
    assert_eq!(meta["w"].as_array().unwrap().len(), 6);
    assert!(meta.get("sources").is_none());
    // With them: the keys listed, and each page's row names its own.
    let docs = with(&|i| KEYS[i % 3]);
    let (mut ix, mut files) = SearchIndex::build(&docs);
    let meta = js_body(&files["search/meta.js"], "meta");
    assert_eq!(meta["sources"], serde_json::json!(["hetang", "zhangyuan"]));
    let w = widths(&meta);
    assert_eq!(w.len(), 7);
    let rows = meta["docs"].as_str().unwrap().as_bytes();
    let step: usize = w.iter().sum();
    assert_eq!(rows.len(), step * pages.len());
    for row in rows.chunks(step) {
        let mut cols = vec![];
        let mut at = 0;
        for n in &w {
            cols.push(row[at..at + n].iter().fold(0u64, |v, b| {
                v * 64 + B64.iter().position(|x| x == b).unwrap() as u64
            }));
            at += n;
        }
        let id = cols[0];
        let d = js_body(&files[&format!("search/d/{id}.js")], &format!("d/{id}"));
        let i = pages.iter().position(|p| p.url == d["u"]).unwrap();
        let listed = ["", "hetang", "zhangyuan"][cols[6] as usize];
        assert_eq!(listed, KEYS[i % 3], "page {i}");
    }
    // A page moved to another source, then every page back to the site's
    // own: each patch gives the files of a fresh build.
    let moved = with(&|i| if i == 0 { "hetang" } else { KEYS[i % 3] });
    apply(&mut ix, &mut files, &moved, &|u| u == pages[0].url);
    assert!(files == SearchIndex::build(&moved).1);
    let none = with(&|_| "");
    apply(&mut ix, &mut files, &none, &|_| true);
    assert!(files == own);
}

#[test]
fn shards_follow_the_keys_but_leave_at_most_a_fifth_of_a_file_per_page() {
    // One shard per 32,768 keys, rounded up: a power of two below 256 shards.
    assert_eq!(shard_count(0, 0), 8);
    assert_eq!(shard_count(40 * 32768 + 1, 100_000), 64);
    // From 256 on, a multiple of 256.
    assert_eq!(shard_count(1300 * 32768, 100_000), 1536);
    // At most a fifth of the pages less the meta file, rounded down: 10,000
    // pages of 70 million keys take 1,792 shards, not 2,048 + 256.
    assert_eq!(shard_count(2100 * 32768, 10_000), 1792);
    assert_eq!(shard_count(200 * 32768, 1000), 128);
    // Never fewer than 8, however few the pages.
    assert_eq!(shard_count(200 * 32768, 10), 8);
    for pages in (0..30_000).step_by(7) {
        for total in [0, 1, 65536 * 7, 65536 * 300, 65536 * 5000, 1 << 40] {
            let s = shard_count(total, pages) as usize;
            assert!((8..=65536).contains(&s));
            assert!(if s < 256 {
                s.is_power_of_two()
            } else {
                s.is_multiple_of(256)
            });
            // The index's files (a file per page, the shards, meta.js) stay
            // within 1.2 per page once the site is large enough to matter.
            if s > 8 {
                assert!(
                    (pages + s + 1) * 5 <= pages * 6,
                    "{pages} pages, {s} shards"
                );
            }
        }
    }
}
