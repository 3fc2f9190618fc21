//! URL segments: slugs from file names and front matter, taxonomy term
//! slugs, and percent-encoding of output paths.
//!
//! Invariant: every URL handed to templates is relative to the site root,
//! percent-encoded, and never contains `..`.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use unicode_normalization::UnicodeNormalization;

/// Everything but unreserved characters is encoded in a path segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Characters that are unsafe in a file name on some system or in a URL.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '/' | '\\' | '?' | '#' | '%' | '"' | '<' | '>' | '|' | '*' | ':' | '\'' | '`'
        )
}

/// Percent-encodes each segment of a `/`-separated path.
pub fn encode_path(path: &str) -> String {
    path.split('/')
        .map(|seg| utf8_percent_encode(seg, SEGMENT).to_string())
        .collect::<Vec<_>>()
        .join("/")
}

/// Why a slug written in front matter cannot be used, if it cannot.
pub fn check_slug(slug: &str) -> Result<(), crate::msg::SlugProblem> {
    use crate::msg::SlugProblem;
    if slug.contains("..") || slug.contains(['/', '\\']) {
        return Err(SlugProblem::ClimbsOut);
    }
    if slug.starts_with('.') {
        return Err(SlugProblem::StartsWithDot);
    }
    if slug.chars().any(|c| is_unsafe(c) || c.is_whitespace()) {
        return Err(SlugProblem::BadCharacter);
    }
    // `index.html`, `robots.txt`: a folder of that name would take the
    // place of a file the site (or static/) writes there.
    if slug.rsplit_once('.').is_some_and(|(_, ext)| {
        (1..=5).contains(&ext.len())
            && ext.starts_with(|c: char| c.is_ascii_alphabetic())
            && ext.chars().all(|c| c.is_ascii_alphanumeric())
    }) {
        return Err(SlugProblem::LooksLikeFile);
    }
    Ok(())
}

/// A slug from a file or folder name: spaces become dashes, unsafe characters go.
pub fn slug_from_file_name(stem: &str) -> String {
    let mut out = String::with_capacity(stem.len());
    for c in stem.trim().chars() {
        if c.is_whitespace() || c == '\u{3000}' {
            if !out.ends_with('-') {
                out.push('-');
            }
        } else if !is_unsafe(c) {
            out.push(c);
        }
    }
    let out = out.trim_matches(['-', '.']).to_string();
    if out.is_empty() {
        "page".into()
    } else {
        out
    }
}

/// A page's slug from its file or folder name: [`slug_from_file_name`],
/// with a last `.txt`-like ending made `-txt`, so that the page's folder
/// never takes the name of a file (`robots.txt.md` → `robots-txt`).
pub fn page_slug_from_file_name(stem: &str) -> String {
    let mut out = slug_from_file_name(stem);
    if check_slug(&out) == Err(crate::msg::SlugProblem::LooksLikeFile) {
        if let Some(i) = out.rfind('.') {
            out.replace_range(i..=i, "-");
        }
    }
    out
}

/// The URL segment of a taxonomy term. Terms that differ only by width or
/// spacing (`陈仓区` and `陈仓区　`, `ＱＱ` and `QQ`) share one segment.
pub fn term_slug(term: &str) -> String {
    let norm: String = term.nfkc().collect::<String>().to_lowercase();
    let mut out = String::new();
    for c in norm.chars() {
        if c.is_whitespace() {
            if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        } else if !is_unsafe(c) {
            out.push(c);
        }
    }
    let out = out.trim_matches(['-', '.']).to_string();
    if out.is_empty() {
        "-".into()
    } else {
        out
    }
}

/// `""`, `"../"`, `"../../"`: from the folder of `file` (relative to the
/// output root) back to the root.
pub fn root_prefix(file: &str) -> String {
    "../".repeat(file.matches('/').count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_chinese_segments() {
        assert_eq!(
            encode_path("cases/石门村/index.html"),
            "cases/%E7%9F%B3%E9%97%A8%E6%9D%91/index.html"
        );
        assert_eq!(encode_path("a b/x-y_z.html"), "a%20b/x-y_z.html");
    }

    #[test]
    fn slugs() {
        assert_eq!(
            slug_from_file_name("石门村 四议两公开"),
            "石门村-四议两公开"
        );
        assert_eq!(slug_from_file_name("a?b#c"), "abc");
        assert_eq!(slug_from_file_name("..."), "page");
        assert!(check_slug("../x").is_err());
        assert!(check_slug("a/b").is_err());
        assert!(check_slug(".hidden").is_err());
        assert!(check_slug("a b").is_err());
        assert!(check_slug("红色引擎-2021").is_ok());
        assert!(check_slug("2023.10").is_ok());
        for file_like in ["index.html", "robots.txt", "feed.xml", "a.B2"] {
            assert_eq!(
                check_slug(file_like),
                Err(crate::msg::SlugProblem::LooksLikeFile),
                "{file_like}"
            );
        }
        assert_eq!(page_slug_from_file_name("robots.txt"), "robots-txt");
        assert_eq!(slug_from_file_name("A B.png"), "A-B.png");
    }

    #[test]
    fn term_slugs_fold_width_and_space() {
        assert_eq!(term_slug("陈仓区"), term_slug("陈仓区\u{3000}"));
        assert_eq!(term_slug("ＱＱ群"), "qq群");
        assert_eq!(term_slug("三会 一课"), "三会-一课");
        assert_eq!(term_slug("a/b"), "ab");
        assert_eq!(term_slug("../"), "-");
    }

    #[test]
    fn root_prefixes() {
        assert_eq!(root_prefix("index.html"), "");
        assert_eq!(root_prefix("cases/x/index.html"), "../../");
    }
}
