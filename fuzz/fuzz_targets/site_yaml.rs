//! site.yaml of any text: an error list or a config, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = zhanting::text::decode_text(data) {
        if let Err(errors) = zhanting::load::config::parse(&text, Path::new("site.yaml")) {
            assert!(!errors.is_empty());
            for e in errors {
                assert!(e.line >= 1 && e.col >= 1);
            }
        }
    }
});
