//! 专题 (`content/topics/*.md`): a title, an introduction (the body), a
//! `cover`, and the pages it collects: `pages`, an ordered list of content
//! paths (`cases/石门村.md`), each kept with the line and column it is
//! written at so that one naming no page is reported there
//! (`model::site` resolves them), and/or `tags` (every page with one of
//! them, newest first, after the listed ones).

use crate::diag::{Diagnostic, M};
use crate::load::content::Asset;
use crate::load::frontmatter::{self, Located};
use std::path::{Path, PathBuf};

/// The folder of `content/` that holds the topics.
pub const TOPICS_FOLDER: &str = "topics";

/// The fields a topic's front matter may have.
pub const TOPIC_FIELDS: [&str; 5] = ["title", "summary", "cover", "pages", "tags"];

/// One topic as loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic {
    /// Relative to the site root (`content/topics/乡村振兴.md`).
    pub source: PathBuf,
    /// Output folder (`topics/乡村振兴/`), not encoded.
    pub dir: String,
    pub title: String,
    pub summary: Option<String>,
    /// The cover as written, and where.
    pub cover_at: Option<Located<String>>,
    /// The cover's published URL (encoded, from the site root), once resolved.
    pub cover: Option<String>,
    /// The pages it names, in order, each where it is written.
    pub pages: Vec<Located<String>>,
    pub tags: Vec<String>,
    /// The introduction, Markdown.
    pub body: String,
    /// The cover file, published beside the topic.
    pub assets: Vec<Asset>,
}

/// Reads a topic from its file's text; problems go to `diags` (a topic
/// with a broken front matter or without a title is left out: `None`).
pub fn parse(text: &str, path: &Path, diags: &mut Vec<Diagnostic>) -> Option<Topic> {
    let s = frontmatter::split(text, path)
        .map_err(|d| diags.push(d))
        .ok()?;
    let value = frontmatter::parse_value(s.yaml, s.yaml_line, path)
        .map_err(|d| diags.push(d))
        .ok()?;
    let keys = crate::load::yamlpos::key_positions(s.yaml, s.yaml_line - 1);
    let at = |key: &str| keys.get(key).copied().unwrap_or((s.yaml_line, 1));
    let Some(map) = value.as_mapping() else {
        diags.push(Diagnostic::err(path, s.yaml_line, 1, M::FrontMatterNotMap));
        return None;
    };
    let mut ok = true;
    let text_of = |key: &str, diags: &mut Vec<Diagnostic>, ok: &mut bool| -> Option<String> {
        match map.get(key)? {
            serde_yaml::Value::Null => None,
            v => match crate::text::scalar_string(v) {
                Some(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
                Some(_) => None,
                None => {
                    let (l, c) = at(key);
                    diags.push(Diagnostic::err(path, l, c, M::NotSingleText { key }));
                    *ok = false;
                    None
                }
            },
        }
    };
    let title = text_of("title", diags, &mut ok);
    let summary = text_of("summary", diags, &mut ok);
    let cover = text_of("cover", diags, &mut ok).map(|c| {
        let (line, col) = at("cover");
        Located {
            value: c,
            line,
            col,
        }
    });
    let pages = match map.get("pages") {
        None | Some(serde_yaml::Value::Null) => vec![],
        Some(v) => {
            let items = list_of(v);
            let (key_line, _) = at("pages");
            let places = item_positions(s.yaml, key_line - s.yaml_line, s.yaml_line);
            match items {
                Some(items) => items
                    .into_iter()
                    .enumerate()
                    .map(|(k, value)| {
                        let (line, col) = places.get(k).copied().unwrap_or(at("pages"));
                        Located { value, line, col }
                    })
                    .collect(),
                None => {
                    let (l, c) = at("pages");
                    diags.push(Diagnostic::err(path, l, c, M::NotAList { key: "pages" }));
                    ok = false;
                    vec![]
                }
            }
        }
    };
    let tags = match map.get("tags") {
        None | Some(serde_yaml::Value::Null) => vec![],
        Some(serde_yaml::Value::String(s)) => {
            frontmatter::split_terms(s, &['，', ',', '、', '；', ';'])
                .unwrap_or_else(|| vec![s.trim().to_string()])
        }
        Some(v) => match list_of(v) {
            Some(t) => t,
            None => {
                let (l, c) = at("tags");
                diags.push(Diagnostic::err(path, l, c, M::NotAList { key: "tags" }));
                ok = false;
                vec![]
            }
        },
    };
    for key in map.keys().filter_map(|k| k.as_str()) {
        if !TOPIC_FIELDS.contains(&key) {
            let (l, c) = at(key);
            let known = crate::diag::nearest(key, &TOPIC_FIELDS).unwrap_or("pages");
            diags.push(Diagnostic::warn(
                path,
                l,
                c,
                M::UnknownTopicField {
                    key,
                    known,
                    all: &TOPIC_FIELDS.join("、"),
                },
            ));
        }
    }
    let Some(title) = title else {
        diags.push(Diagnostic::err(
            path,
            s.yaml_line,
            1,
            M::MissingField {
                key: "title",
                example: "乡村振兴专题",
            },
        ));
        return None;
    };
    if !ok {
        return None;
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let slug = crate::urls::page_slug_from_file_name(&stem);
    Some(Topic {
        source: path.to_path_buf(),
        dir: format!("{TOPICS_FOLDER}/{slug}/"),
        title,
        summary,
        cover_at: cover,
        cover: None,
        pages,
        tags,
        body: s.body.to_string(),
        assets: vec![],
    })
}

/// A list of texts (numbers read as text), or `None` when `v` is not one.
fn list_of(v: &serde_yaml::Value) -> Option<Vec<String>> {
    v.as_sequence()?
        .iter()
        .map(|x| crate::text::scalar_string(x).map(|s| s.trim().to_string()))
        .collect()
}

/// (line, column) of each item of the list whose key is on line `key_at`
/// (0-based within `yaml`), in the file (`yaml_line`: the YAML's first
/// line): `- item` lines below the key, or `[a, b]` on the key's line.
fn item_positions(yaml: &str, key_at: usize, yaml_line: usize) -> Vec<(usize, usize)> {
    let lines: Vec<&str> = yaml.lines().collect();
    let mut out = vec![];
    let Some(key_line) = lines.get(key_at) else {
        return out;
    };
    let after = key_line.split_once(':').map_or("", |(_, v)| v);
    if let Some(open) = after.find('[') {
        // flow: each item's first character after `[` or `,`
        let before = key_line.len() - after.len();
        let mut start = before + open + 1;
        for part in key_line[start..].split([',', ']']) {
            let lead = part.len() - part.trim_start().len();
            if !part.trim().is_empty() {
                let col = key_line[..start + lead].chars().count() + 1;
                out.push((yaml_line + key_at, col));
            }
            start += part.len() + 1;
            if start >= key_line.len() {
                break;
            }
        }
        return out;
    }
    for (i, l) in lines.iter().enumerate().skip(key_at + 1) {
        let trimmed = l.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if !l.starts_with([' ', '\t', '-']) {
            break;
        }
        if let Some(rest) = trimmed.strip_prefix('-') {
            let value = rest.trim_start().trim_start_matches(['"', '\'']);
            let col = l[..l.len() - value.len()].chars().count() + 1;
            out.push((yaml_line + i, col));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_topic_keeps_where_each_page_is_written() {
        let text = "---\ntitle: 乡村振兴\ncover: 封面.png\npages:\n  - cases/石门村.md\n  - \"brands/稻香先锋\"\ntags: [乡村振兴, 党建]\n---\n\n介绍。\n";
        let mut d = vec![];
        let t = parse(text, Path::new("content/topics/乡村振兴.md"), &mut d).unwrap();
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(t.dir, "topics/乡村振兴/");
        assert_eq!(t.title, "乡村振兴");
        let pages: Vec<(&str, usize, usize)> = t
            .pages
            .iter()
            .map(|p| (p.value.as_str(), p.line, p.col))
            .collect();
        assert_eq!(
            pages,
            [("cases/石门村.md", 5, 5), ("brands/稻香先锋", 6, 6)]
        );
        assert_eq!(t.tags, ["乡村振兴", "党建"]);
        assert_eq!(t.cover_at.unwrap().line, 3);
        assert_eq!(t.body, "\n介绍。\n");
    }

    #[test]
    fn flow_lists_and_mistakes() {
        let text = "---\ntitle: 专题\npages: [a.md,  b.md]\ntag: 党建\n---\n";
        let mut d = vec![];
        let t = parse(text, Path::new("content/topics/x.md"), &mut d).unwrap();
        let pages: Vec<(usize, usize)> = t.pages.iter().map(|p| (p.line, p.col)).collect();
        assert_eq!(pages, [(3, 9), (3, 16)]);
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].line, d[0].col), (4, 1));
        assert!(
            d[0].message.to_string().contains("`tag`"),
            "{}",
            d[0].message
        );

        let mut d = vec![];
        assert!(parse("---\npages: 1\n---\n", Path::new("t.md"), &mut d).is_none());
        assert_eq!(d.len(), 2, "{d:?}");
        let mut d = vec![];
        assert!(parse("---\ntitle: [\n---\n", Path::new("t.md"), &mut d).is_none());
        assert_eq!(d.len(), 1);
    }
}
