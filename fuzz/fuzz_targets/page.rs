//! A content file of any bytes: decoding, front matter (split, YAML, typed
//! fields, error positions) and Markdown → HTML must never panic, and every
//! diagnostic must point inside the file.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::path::Path;
use zhanting::{load::frontmatter, model::markdown};

fuzz_target!(|data: &[u8]| {
    let path = Path::new("content/cases/fuzz.md");
    let Ok(text) = zhanting::text::decode_text(data) else { return };
    let lines = text.lines().count().max(1) + 1;
    let mut diags = vec![];
    let body = match frontmatter::split(&text, path) {
        Ok(s) => {
            match frontmatter::parse_raw(s.yaml, s.yaml_line, path) {
                Ok(raw) => {
                    let _ = frontmatter::resolve(raw, s.yaml, s.yaml_line, path, &mut diags);
                }
                Err(d) => diags.push(d),
            }
            s.body
        }
        Err(d) => {
            diags.push(d);
            text.as_str()
        }
    };
    for d in &diags {
        assert!(d.line >= 1 && d.line <= lines, "{d} is outside a file of {lines} lines");
        let _ = d.in_lang(zhanting::diag::Lang::En).to_string();
    }
    for unsafe_html in [false, true] {
        let r = markdown::render(body, markdown::Options { unsafe_html }, &|d| Some(format!("../{d}")));
        if !unsafe_html {
            // Text never holds a raw `<` (it is escaped), so every `<…>` is a tag.
            for tag in r.html.split('<').skip(1).map(|t| t.split('>').next().unwrap_or("")) {
                let compact: String = tag.to_lowercase().chars().filter(|c| !c.is_whitespace()).collect();
                assert!(!compact.starts_with("script"), "script survived: {}", r.html);
                // An attribute value that is a javascript: URL (`x.pngjavascript:` is a harmless relative path).
                assert!(!compact.split("=\"").skip(1).any(|v| v.starts_with("javascript:")), "javascript: URL survived: <{tag}> in {}", r.html);
            }
        }
    }
});
