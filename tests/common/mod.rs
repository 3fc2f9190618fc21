//! Helpers shared by the integration tests: copy a fixture site into a temp
//! dir, run the real binary on it, and read the HTML it wrote.
#![allow(dead_code)]

pub mod browser;
pub mod live;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const BIN: &str = env!("CARGO_BIN_EXE_zhanting");

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Copies fixture `name` into a new temp dir; returns (guard, site root).
pub fn site(name: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path().join("site");
    copy_dir(&fixture(name), &root);
    (tmp, root)
}

/// A new site made by `zhanting init` in `tmp/site`, with no content pages
/// (the sample's speeches, cases, brands and the topic that lists them removed).
pub fn empty_site(tmp: &Path) -> PathBuf {
    let root = tmp.join("site");
    let (code, out, err) = run(&["init", root.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    for s in ["speeches", "cases", "brands", "topics"] {
        std::fs::remove_dir_all(root.join("content").join(s)).unwrap();
    }
    root
}

pub fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.expect("walk fixture");
        let rel = e.path().strip_prefix(from).expect("inside fixture");
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("mkdir");
        } else {
            std::fs::copy(e.path(), &dest).expect("copy");
        }
    }
}

/// A JPEG of `w`×`h` with a simple picture in it.
pub fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x * 255 / w) as u8, (y * 255 / h) as u8, 120])
    });
    let mut out = vec![];
    image::DynamicImage::ImageRgb8(img)
        .write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
            &mut out, 90,
        ))
        .expect("encode jpeg");
    out
}

/// Runs zhanting with `args`; returns (exit code, stdout, stderr).
pub fn run(args: &[&str]) -> (i32, String, String) {
    let out: Output = Command::new(BIN).args(args).output().expect("run zhanting");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs `zhanting build --root ROOT [extra…]` and asserts success.
pub fn build(root: &Path, extra: &[&str]) -> String {
    let r = root.to_str().expect("utf-8 path");
    let mut args = vec!["build", "--root", r];
    args.extend_from_slice(extra);
    let (code, out, err) = run(&args);
    assert_eq!(code, 0, "build failed:\n{out}\n{err}");
    out
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

pub fn html(path: &Path) -> scraper::Html {
    scraper::Html::parse_document(&read(path))
}

pub fn select<'a>(doc: &'a scraper::Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    let sel = scraper::Selector::parse(css).expect("selector");
    doc.select(&sel).collect()
}

pub fn text_of(doc: &scraper::Html, css: &str) -> String {
    select(doc, css)
        .iter()
        .map(|e| e.text().collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every file under `dir`, relative, sorted.
pub fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(dir).expect("inside").to_path_buf())
        .collect();
    v.sort();
    v
}

/// Resolves a relative link found in `from` (a file under `out`) the way a
/// browser does for file:// URLs: the result must be an existing file.
pub fn resolve_link(out: &Path, from: &Path, href: &str) -> Option<PathBuf> {
    let href = href.split(['#', '?']).next().unwrap_or("");
    if href.is_empty()
        || href.contains("://")
        || href.starts_with("mailto:")
        || href.starts_with("data:")
    {
        return None;
    }
    let decoded = percent_encoding::percent_decode_str(href)
        .decode_utf8()
        .expect("utf-8 href")
        .into_owned();
    let base = if decoded.starts_with('/') {
        out.to_path_buf()
    } else {
        out.join(from).parent().expect("parent").to_path_buf()
    };
    let mut p = PathBuf::new();
    for c in base.join(decoded.trim_start_matches('/')).components() {
        match c {
            std::path::Component::ParentDir => {
                p.pop();
            }
            std::path::Component::CurDir => {}
            other => p.push(other),
        }
    }
    Some(p)
}
