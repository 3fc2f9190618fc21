//! An old Word file (.doc / .wps) of any bytes: the built-in reader returns
//! text or an error from the catalogue, never panics, and its text holds no
//! control characters but line ends and tabs and is never longer than the
//! file.
#![no_main]
use libfuzzer_sys::fuzz_target;
use zhanting::import::{doc, Notice};

fuzz_target!(|data: &[u8]| {
    for wps in [false, true] {
        match doc::read_text(data, wps) {
            Ok(t) => {
                assert!(t.chars().count() <= data.len() + 1, "{} chars", t.chars().count());
                assert!(
                    !t.chars().any(|c| c.is_control() && c != '\n' && c != '\t'),
                    "{t:?}"
                );
            }
            Err(e) => assert!(e.downcast_ref::<Notice>().is_some(), "{e}"),
        }
    }
});
