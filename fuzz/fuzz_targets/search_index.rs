//! The search index builder on arbitrary documents: never panics, and its
//! output is deterministic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use zhanting::search::{build_index, SearchDoc};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // Documents separated by \x1e, fields by \x1f.
    let docs_fields: Vec<Vec<&str>> = text.split('\u{1e}').map(|d| d.split('\u{1f}').collect()).collect();
    let field = |f: &Vec<&str>, i: usize| -> String { f.get(i).copied().unwrap_or("").to_string() };
    let owned: Vec<[String; 8]> = docs_fields
        .iter()
        .map(|f| std::array::from_fn(|i| field(f, i)))
        .collect();
    let docs: Vec<SearchDoc<'_>> = owned
        .iter()
        .map(|f| SearchDoc {
            url: &f[0],
            title: &f[1],
            kind: &f[2],
            date: &f[3],
            region: &f[4],
            sector: &f[5],
            meta: f[6].split(',').collect(),
            body: &f[7],
        })
        .collect();
    let a = build_index(&docs);
    let b = build_index(&docs);
    assert!(a == b, "the index differs between two runs");
});
