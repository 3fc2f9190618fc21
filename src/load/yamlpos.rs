//! Positions inside YAML text: where each top-level key sits, and YAML
//! syntax errors turned into located, plain-words diagnostics.

use crate::diag::{Diagnostic, M};
use std::collections::HashMap;
use std::path::Path;

/// 1-based (line, col) of every top-level `key:` in `text`, with `line_offset`
/// added to the line (the front matter's first line within its file, minus one).
pub fn key_positions(text: &str, line_offset: usize) -> HashMap<String, (usize, usize)> {
    let mut out = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with([' ', '\t', '#', '-']) || line.is_empty() {
            continue;
        }
        let key_part = match line
            .find(": ")
            .or_else(|| line.strip_suffix(':').map(|s| s.len()))
        {
            Some(end) => &line[..end],
            None => continue,
        };
        let key = key_part.trim().trim_matches(['"', '\'']);
        out.entry(key.to_string())
            .or_insert((i + 1 + line_offset, 1));
    }
    out
}

/// A YAML parse error as a diagnostic in the original file, with a hint in
/// plain words for the usual mistakes. Points at the start of the construct
/// that went wrong (the opening quote, the line missing its colon) when the
/// parser names it.
pub fn yaml_error(
    e: &serde_yaml::Error,
    text: &str,
    path: &Path,
    line_offset: usize,
) -> Diagnostic {
    let raw = e.to_string();
    let (problem, context) = match raw.split_once(", while ") {
        Some((p, c)) => (p, Some(c)),
        None => (raw.as_str(), None),
    };
    let problem_at = e
        .location()
        .map(|l| (l.line(), l.column()))
        .unwrap_or((1, 1));
    let context_at = context.and_then(position_in);
    let what = problem.split(" at line ").next().unwrap_or(problem).trim();
    let ctx = context
        .map(|c| c.split(" at line ").next().unwrap_or(c))
        .unwrap_or("");
    let line_has_tab = |line: usize| {
        text.lines()
            .nth(line.saturating_sub(1))
            .is_some_and(|l| l.contains('\t'))
    };

    let dup_key = what
        .strip_prefix("duplicate entry with key ")
        .map(|k| k.trim_matches('"'));
    let (at, m): ((usize, usize), M) = if line_has_tab(problem_at.0) {
        (problem_at, M::Tab)
    } else if ctx.contains("quoted scalar") {
        (context_at.unwrap_or(problem_at), M::UnclosedQuote)
    } else if ctx.contains("simple key") || what.contains("could not find expected ':'") {
        (context_at.unwrap_or(problem_at), M::MissingColon)
    } else if ctx.contains("flow sequence") {
        (context_at.unwrap_or(problem_at), M::UnclosedList)
    } else if what.contains("mapping values are not allowed") {
        (problem_at, M::ColonInValue)
    } else if let Some(key) = dup_key {
        let second = text
            .lines()
            .enumerate()
            .filter(|(_, l)| l.starts_with(&format!("{key}:")))
            .nth(1)
            .map(|(i, _)| (i + 1, 1))
            .unwrap_or(problem_at);
        (second, M::DuplicateKey { key })
    } else if what.contains("block sequence") || what.contains("did not find expected '-'") {
        (problem_at, M::BadList)
    } else if what.contains("did not find expected key") || ctx.contains("block mapping") {
        (problem_at, M::BadIndent)
    } else if what.contains("cannot start any token")
        || what.contains("unknown anchor")
        || what.contains("undefined alias")
        || ctx.contains("alias")
        || ctx.contains("anchor")
    {
        (problem_at, M::SpecialStart)
    } else if what.contains("recursion limit") || what.contains("repetition limit") {
        (problem_at, M::TooComplex)
    } else {
        (problem_at, M::OtherYaml { parser: what })
    };
    Diagnostic::err(path, at.0 + line_offset, at.1, m)
}

/// The deepest nesting of lists and maps a front matter or site.yaml may
/// have. Real files need three or four levels; the YAML parser takes time
/// that grows with the square of the depth before it gives up on very deep
/// input, so deeper text is refused before it is parsed.
pub const MAX_DEPTH: usize = 64;

/// Where `text` first nests `[`/`{` brackets or `- ` list marks deeper than
/// [`MAX_DEPTH`]: (line, column), 1-based, column in characters. Brackets
/// inside quoted text count too (real values never hold 64 of them).
pub fn too_deep(text: &str) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    for (i, line) in text.lines().enumerate() {
        // `- - - x` nests lists within one line.
        let mut dashes = 0usize;
        let mut rest = line.trim_start();
        while let Some(r) = rest
            .strip_prefix('-')
            .filter(|r| r.is_empty() || r.starts_with([' ', '\t']))
        {
            dashes += 1;
            rest = r.trim_start();
        }
        if dashes + depth > MAX_DEPTH {
            return Some((i + 1, 1));
        }
        for (col, c) in line.chars().enumerate() {
            match c {
                '[' | '{' => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return Some((i + 1, col + 1));
                    }
                }
                ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
    }
    None
}

/// `… at line 3 column 8` → (3, 8).
fn position_in(s: &str) -> Option<(usize, usize)> {
    let rest = s.rsplit_once(" at line ")?.1;
    let (line, col) = rest.split_once(" column ")?;
    Some((line.trim().parse().ok()?, col.trim().parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_nesting_is_found_before_parsing() {
        assert_eq!(too_deep("title: a\ntags: [党建, [支部]]\n"), None);
        let deep = format!(
            "title: x\ntags: {}{}\n",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        assert_eq!(too_deep(&deep), Some((2, 7 + MAX_DEPTH)));
        let dashes = format!("tags:\n{}x\n", "- ".repeat(MAX_DEPTH + 1));
        assert_eq!(too_deep(&dashes), Some((2, 1)));
        assert_eq!(too_deep(&format!("a: {}", "- ".repeat(10))), None);
    }

    #[test]
    fn finds_top_level_keys_only() {
        let k = key_positions(
            "title: a\ntags:\n  - x\nsub:\n  title: b\n\"quoted\": 1\n",
            1,
        );
        assert_eq!(k["title"], (2, 1));
        assert_eq!(k["tags"], (3, 1));
        assert_eq!(k["quoted"], (7, 1));
        assert_eq!(k.len(), 4);
    }

    #[test]
    fn unclosed_quote_is_explained() {
        let e = serde_yaml::from_str::<serde_yaml::Value>("title: \"abc\ndate: 1\n").unwrap_err();
        let d = yaml_error(&e, "title: \"abc\ndate: 1\n", Path::new("a.md"), 1);
        assert_eq!(
            (d.line, d.col, d.message.en.as_str()),
            (2, 8, "this quote is opened but never closed")
        );
    }

    #[test]
    fn tab_is_explained() {
        let e = serde_yaml::from_str::<serde_yaml::Value>("tags:\n\t- a\n").unwrap_err();
        let d = yaml_error(&e, "tags:\n\t- a\n", Path::new("a.md"), 0);
        assert_eq!(
            d.message.en,
            "a tab character is not allowed in front matter"
        );
        assert_eq!(d.line, 2);
    }
}

#[cfg(test)]
mod more_tests {
    use super::*;

    fn err(text: &str) -> Diagnostic {
        let e = serde_yaml::from_str::<serde_yaml::Value>(text).unwrap_err();
        yaml_error(&e, text, Path::new("a.md"), 1)
    }

    #[test]
    fn missing_colon_points_at_the_line() {
        let d = err("title: a\ndate 2020\nx: 1\n");
        assert_eq!(
            (d.line, d.col, d.message.en.as_str()),
            (3, 1, "this line is not of the form `key: value`")
        );
    }

    #[test]
    fn unclosed_list() {
        let d = err("tags: [a, b\nx: 1\n");
        assert_eq!(
            (d.line, d.col, d.message.en.as_str()),
            (2, 7, "this list in [ ] is not closed")
        );
    }

    #[test]
    fn indentation_reserved_characters_and_alias_bombs() {
        let d = err("title: a\ntags:\n  - x\n - y\n");
        assert_eq!(
            (d.line, d.col, d.message.en.as_str()),
            (5, 2, "this line is not indented like the lines above it")
        );
        let d = err("title: @张三\n");
        assert_eq!((d.line, d.col), (2, 8));
        assert!(d.message.zh.contains("特殊字符"), "{}", d.message.zh);
        let d = err("title: `x`\n");
        assert_eq!(d.message, M::SpecialStart.texts().0);
        let d = err("title: *nothing\n");
        assert_eq!(d.message, M::SpecialStart.texts().0);
    }

    #[test]
    fn colon_in_value_and_duplicates() {
        assert_eq!(
            err("title: a: b\n").message.en,
            "a value contains `: `, which YAML reads as a new key"
        );
        let d = err("a: 1\nb: 2\na: 3\n");
        assert_eq!((d.line, d.message.en.as_str()), (4, "`a` is written twice"));
    }
}
