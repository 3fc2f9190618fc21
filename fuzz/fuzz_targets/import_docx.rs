//! A .docx of any bytes: the Word reader returns a document or an error,
//! never panics, inflates within its limits, and gives text without
//! control characters and images with distinct, safe names, each shown in
//! the text.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::collections::HashSet;
use zhanting::import::docx;

fuzz_target!(|data: &[u8]| {
    let Ok(d) = docx::read_bytes(data) else { return };
    let limits = docx::Limits::DEFAULT;
    let mut names = HashSet::new();
    let mut total = 0u64;
    for (name, bytes) in &d.images {
        assert!(names.insert(name.to_lowercase()), "{name} twice");
        assert!(!name.starts_with('.') && !name.contains(['/', '\\']), "{name}");
        assert!(name.chars().all(|c| !c.is_control()), "{name:?}");
        assert!(bytes.len() as u64 <= limits.image, "{name}: {} bytes", bytes.len());
        total += bytes.len() as u64;
    }
    assert!(total <= limits.total);
    for l in &d.lines {
        for t in std::iter::once(&l.text).chain(&l.block) {
            assert!(!t.chars().any(|c| c.is_control() && c != '\n'), "{t:?}");
        }
    }
    for (name, _) in &d.images {
        let shown = format!("![]({name})");
        assert!(
            d.lines.iter().any(|l| l.block.as_deref().is_some_and(|b| b.contains(&shown))),
            "{name} is saved but not shown"
        );
    }
});
