//! Front matter: the YAML block between `---` lines at the top of a page.
//!
//! Two layers, as in cobalt: [`RawFrontMatter`] holds whatever the user wrote
//! (every field optional, untyped), and [`resolve`] destructures it
//! exhaustively into the typed [`FrontMatter`], so a new field does not
//! compile until it is handled. Every problem is collected, not just the first.

use crate::diag::{nearest, Diagnostic, M};
use crate::load::date::{Date, DateError};
use crate::load::yamlpos::{key_positions, yaml_error};
use crate::text::scalar_string;
use serde::Deserialize;
use serde_yaml::Value;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// What the user wrote, untyped.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawFrontMatter {
    title: Option<Value>,
    date: Option<Value>,
    region: Option<Value>,
    tags: Option<Value>,
    summary: Option<Value>,
    slug: Option<Value>,
    draft: Option<Value>,
    featured: Option<Value>,
    cover: Option<Value>,
    attachments: Option<Value>,
    speaker: Option<Value>,
    speaker_title: Option<Value>,
    occasion: Option<Value>,
    place: Option<Value>,
    doc_number: Option<Value>,
    organization: Option<Value>,
    author: Option<Value>,
    author_title: Option<Value>,
    sector: Option<Value>,
    branch: Option<Value>,
    brand: Option<Value>,
    slogan: Option<Value>,
    logo: Option<Value>,
    secretary: Option<Value>,
    members: Option<Value>,
    highlights: Option<Value>,
    gallery: Option<Value>,
    #[serde(flatten)]
    extra: BTreeMap<String, Value>,
}

/// Every field zhanting knows, for "did you mean" suggestions.
pub const KNOWN_FIELDS: &[&str] = &[
    "title",
    "date",
    "region",
    "tags",
    "summary",
    "slug",
    "draft",
    "featured",
    "cover",
    "attachments",
    "speaker",
    "speaker_title",
    "occasion",
    "place",
    "doc_number",
    "organization",
    "author",
    "author_title",
    "sector",
    "branch",
    "brand",
    "slogan",
    "logo",
    "secretary",
    "members",
    "highlights",
    "gallery",
];

/// The typed front matter of one page.
#[derive(Debug, Clone, PartialEq)]
pub struct FrontMatter {
    pub title: String,
    /// `None` only on a draft that has no date yet.
    pub date: Option<Date>,
    pub region: Option<String>,
    pub tags: Vec<String>,
    pub summary: Option<String>,
    pub slug: Option<String>,
    pub draft: bool,
    pub featured: bool,
    pub cover: Option<Located<String>>,
    pub attachments: Vec<Located<String>>,
    pub speaker: Option<String>,
    pub speaker_title: Option<String>,
    pub occasion: Option<String>,
    pub place: Option<String>,
    /// With `[ ]` and `［ ］` shown as `〔 〕` (GB/T 9704).
    pub doc_number: Option<String>,
    pub organization: Option<String>,
    /// A case's or brand's byline: the writer's name (署名) and post (职务),
    /// shown under the title.
    pub author: Option<String>,
    pub author_title: Option<String>,
    pub sector: Option<String>,
    pub branch: Option<String>,
    pub brand: Option<String>,
    pub slogan: Option<String>,
    pub logo: Option<Located<String>>,
    pub secretary: Option<String>,
    pub members: Option<u32>,
    pub highlights: Vec<String>,
    /// The photos of the page's 图集, in the order written.
    pub gallery: Vec<GalleryItem>,
    /// Fields zhanting does not know, passed to templates as `extra`.
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// A value with the line and column of its key, for later checks (files that
/// must exist) to point at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    pub line: usize,
    pub col: usize,
}

/// One photo of a `gallery`: `photo.jpg` or `{ src: photo.jpg, caption: 图注 }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GalleryItem {
    /// The file, where its name is written.
    pub src: Located<String>,
    pub caption: Option<String>,
}

/// A page file split into its front matter and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    pub yaml: &'a str,
    /// Line (1-based) of the first line of `yaml`.
    pub yaml_line: usize,
    pub body: &'a str,
    /// Line (1-based) of the first line of `body`.
    pub body_line: usize,
}

/// Splits `text` at its `---` lines. A file without front matter is an error
/// that shows what to write.
pub fn split<'a>(text: &'a str, path: &Path) -> Result<Split<'a>, Diagnostic> {
    let first_end = text.find('\n').map(|i| i + 1).unwrap_or(text.len());
    if text[..first_end].trim_end() != "---" {
        return Err(Diagnostic::err(path, 1, 1, M::NoFrontMatter));
    }
    let mut pos = first_end;
    let mut line = 2;
    while pos < text.len() {
        let end = text[pos..]
            .find('\n')
            .map(|i| pos + i + 1)
            .unwrap_or(text.len());
        let l = text[pos..end].trim_end();
        if l == "---" || l == "..." {
            return Ok(Split {
                yaml: &text[first_end..pos],
                yaml_line: 2,
                body: &text[end..],
                body_line: line + 1,
            });
        }
        pos = end;
        line += 1;
    }
    Err(Diagnostic::err(path, 1, 1, M::FrontMatterNotClosed))
}

/// Refuses YAML nested deeper than [`MAX_DEPTH`](crate::load::yamlpos::MAX_DEPTH),
/// at the line and column where it goes too deep. `yaml_line` is its first
/// line in the file.
fn check_depth(yaml: &str, yaml_line: usize, path: &Path) -> Result<(), Diagnostic> {
    match crate::load::yamlpos::too_deep(yaml) {
        Some((line, col)) => Err(Diagnostic::err(
            path,
            yaml_line - 1 + line,
            col,
            M::TooDeep {
                max: crate::load::yamlpos::MAX_DEPTH,
            },
        )),
        None => Ok(()),
    }
}

/// The YAML of a front matter block as a plain value (for files other
/// than pages: topics, `_index.md`), too deep nesting and syntax errors
/// reported at their place. `yaml_line` is its first line in the file.
pub fn parse_value(yaml: &str, yaml_line: usize, path: &Path) -> Result<Value, Diagnostic> {
    check_depth(yaml, yaml_line, path)?;
    serde_yaml::from_str(yaml).map_err(|e| yaml_error(&e, yaml, path, yaml_line - 1))
}

/// Parses the YAML of a front matter block. `yaml_line` is its first line in the file.
pub fn parse_raw(yaml: &str, yaml_line: usize, path: &Path) -> Result<RawFrontMatter, Diagnostic> {
    if yaml.trim().is_empty() {
        return Ok(RawFrontMatter::default());
    }
    check_depth(yaml, yaml_line, path)?;
    // The common case in one pass; the slower path below explains failures.
    if let Ok(raw) = serde_yaml::from_str::<RawFrontMatter>(yaml) {
        return Ok(raw);
    }
    let value: Value =
        serde_yaml::from_str(yaml).map_err(|e| yaml_error(&e, yaml, path, yaml_line - 1))?;
    match value {
        Value::Mapping(_) => {
            serde_yaml::from_value(value).map_err(|e| yaml_error(&e, yaml, path, yaml_line - 1))
        }
        Value::Null => Ok(RawFrontMatter::default()),
        _ => Err(Diagnostic::err(path, yaml_line, 1, M::FrontMatterNotMap)),
    }
}

/// Turns raw values into typed ones, reporting every problem at its line.
/// The flag is false when any field was wrong or a required one missing; the
/// front matter is still returned so later checks (files that must exist)
/// can report their problems in the same run.
pub fn resolve(
    raw: RawFrontMatter,
    yaml: &str,
    yaml_line: usize,
    path: &Path,
    diags: &mut Vec<Diagnostic>,
) -> (FrontMatter, bool) {
    let positions = key_positions(yaml, yaml_line - 1);
    let mut r = Resolver {
        path,
        yaml,
        positions: &positions,
        diags,
        yaml_line,
        ok: true,
    };
    let RawFrontMatter {
        title,
        date,
        region,
        tags,
        summary,
        slug,
        draft,
        featured,
        cover,
        attachments,
        speaker,
        speaker_title,
        occasion,
        place,
        doc_number,
        organization,
        author,
        author_title,
        sector,
        branch,
        brand,
        slogan,
        logo,
        secretary,
        members,
        highlights,
        gallery,
        extra,
    } = raw;

    let title = r.required_text("title", title, "title: 在全区基层党建工作会议上的讲话");
    let draft = r.boolean("draft", draft);
    let date = r.date(date, draft);
    let fm = FrontMatter {
        region: r.text("region", region),
        tags: r.list("tags", tags),
        summary: r.text("summary", summary),
        slug: r.text("slug", slug),
        draft,
        featured: r.boolean("featured", featured),
        cover: r.located_text("cover", cover),
        attachments: r.located_list("attachments", attachments),
        speaker: r.text("speaker", speaker),
        speaker_title: r.text("speaker_title", speaker_title),
        occasion: r.text("occasion", occasion),
        place: r.text("place", place),
        doc_number: r
            .text("doc_number", doc_number)
            .map(|s| normalize_doc_number(&s)),
        organization: r.text("organization", organization),
        author: r.text("author", author),
        author_title: r.text("author_title", author_title),
        sector: r.text("sector", sector),
        branch: r.text("branch", branch),
        brand: r.text("brand", brand),
        slogan: r.text("slogan", slogan),
        logo: r.located_text("logo", logo),
        secretary: r.text("secretary", secretary),
        members: r.count("members", members),
        highlights: r.whole_list("highlights", highlights),
        gallery: r.gallery(gallery),
        extra: r.extra(extra),
        title: title.unwrap_or_default(),
        date,
    };
    (fm, r.ok)
}

/// `渭组通[2013]144号` → `渭组通〔2013〕144号`.
pub fn normalize_doc_number(s: &str) -> String {
    s.replace(['[', '［'], "〔").replace([']', '］'], "〕")
}

/// The longest term (in characters) a value is split into: a part longer
/// than this reads as a title or a sentence, and the value stays whole.
pub const MAX_TERM_CHARS: usize = 12;

/// The terms of a list value written as one piece of text (`党建，支部`,
/// `党建、支部`), split at `seps`; `None` when there is nothing to split or
/// the value is not a list of short terms: a part longer than
/// [`MAX_TERM_CHARS`] or sentence punctuation (`。！？`). A separator
/// inside brackets or quotes (`“学习、宣传、贯彻”`) never splits.
pub fn split_terms(value: &str, seps: &[char]) -> Option<Vec<String>> {
    let mut parts = vec![];
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in value.char_indices() {
        match c {
            '。' | '！' | '？' | '!' | '?' => return None,
            '《' | '“' | '‘' | '（' | '(' | '「' | '『' | '〈' | '【' | '[' | '〔' => {
                depth += 1
            }
            '》' | '”' | '’' | '）' | ')' | '」' | '』' | '〉' | '】' | ']' | '〕' => {
                depth = depth.saturating_sub(1)
            }
            c if depth == 0 && seps.contains(&c) => {
                parts.push(&value[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    if parts.is_empty() {
        return None;
    }
    parts.push(&value[start..]);
    let parts: Vec<String> = parts
        .into_iter()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    if parts.is_empty() || parts.iter().any(|p| p.chars().count() > MAX_TERM_CHARS) {
        return None;
    }
    Some(parts)
}

/// How the items of a list field are split.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Items {
    /// Short terms (`tags`): values written the Chinese way are split,
    /// with a warning ([`split_terms`]).
    Terms,
    /// File names (`attachments`): a single string is split at ASCII `,`
    /// and `;` only (a Chinese file name may hold `、` or `，`); list items
    /// never.
    Files,
    /// Sentences (`highlights`): never split.
    Whole,
}

struct Resolver<'a> {
    path: &'a Path,
    yaml: &'a str,
    positions: &'a HashMap<String, (usize, usize)>,
    diags: &'a mut Vec<Diagnostic>,
    yaml_line: usize,
    ok: bool,
}

impl Resolver<'_> {
    fn at(&self, key: &str) -> (usize, usize) {
        self.positions
            .get(key)
            .copied()
            .unwrap_or((self.yaml_line, 1))
    }

    fn error(&mut self, key: &str, m: M) {
        let (line, col) = self.at(key);
        self.diags.push(Diagnostic::err(self.path, line, col, m));
        self.ok = false;
    }

    fn text(&mut self, key: &str, v: Option<Value>) -> Option<String> {
        match v {
            None | Some(Value::Null) => None,
            Some(v) => match scalar_string(&v) {
                Some(s) => {
                    let s = s.trim().to_string();
                    (!s.is_empty()).then_some(s)
                }
                None => {
                    self.error(key, M::NotSingleText { key });
                    None
                }
            },
        }
    }

    fn required_text(&mut self, key: &str, v: Option<Value>, example: &str) -> Option<String> {
        let t = self.text(key, v);
        if t.is_none() && self.ok {
            let line = self.yaml_line;
            self.diags.push(Diagnostic::err(
                self.path,
                line,
                1,
                M::MissingField { key, example },
            ));
            self.ok = false;
        }
        t
    }

    fn located_text(&mut self, key: &str, v: Option<Value>) -> Option<Located<String>> {
        let (line, col) = self.at(key);
        self.text(key, v).map(|value| Located { value, line, col })
    }

    /// The date, at the precision written; required except on drafts.
    /// Errors point at the value itself.
    fn date(&mut self, v: Option<Value>, draft: bool) -> Option<Date> {
        let (line, col, raw) = self.value_at("date");
        let text = match &v {
            None | Some(Value::Null) => None,
            // `2023.10` is a number to YAML (2023.1): read what was written.
            Some(Value::Number(_)) => raw.or_else(|| v.as_ref().and_then(scalar_string)),
            Some(v) => match scalar_string(v) {
                Some(s) => Some(s),
                None => {
                    self.error("date", M::DateNotText);
                    return None;
                }
            },
        };
        let text = text.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let Some(s) = text else {
            if !draft {
                let line = self.yaml_line;
                self.diags
                    .push(Diagnostic::err(self.path, line, 1, M::MissingDate));
                self.ok = false;
            }
            return None;
        };
        match Date::read(&s) {
            Ok(d) => Some(d),
            Err(e) => {
                let m = match e {
                    DateError::Malformed => M::MalformedDate { value: &s },
                    DateError::NoSuchDay => M::NoSuchDay { value: &s },
                };
                self.diags.push(Diagnostic::err(self.path, line, col, m));
                self.ok = false;
                None
            }
        }
    }

    /// Line and column of the value of top-level `key` when it is written
    /// on the key's line (inside its quotes if quoted), and its text as
    /// written up to a comment; else the key's position.
    fn value_at(&self, key: &str) -> (usize, usize, Option<String>) {
        let (line, col) = self.at(key);
        let Some(l) = self.yaml.lines().nth(line.wrapping_sub(self.yaml_line)) else {
            return (line, col, None);
        };
        let Some(colon) = l.find(':') else {
            return (line, col, None);
        };
        let after = &l[colon + 1..];
        let value = after.trim_start();
        let quoted = value.starts_with(['"', '\'']);
        let start = colon + 1 + (after.len() - value.len()) + usize::from(quoted);
        if start >= l.len() || value.starts_with('#') {
            return (line, col, None);
        }
        let raw = match value.find(" #") {
            Some(i) => &value[..i],
            None => value,
        };
        (
            line,
            l[..start].chars().count() + 1,
            Some(raw.trim().to_string()),
        )
    }

    /// A list of short terms (`tags`): a single string is split at
    /// `,，、;；`, a list item at `，、；`, each split with a warning that
    /// shows the list syntax; a value that reads as a title or a sentence
    /// (see [`split_terms`]) stays whole.
    fn list(&mut self, key: &str, v: Option<Value>) -> Vec<String> {
        self.items(key, v, Items::Terms)
    }

    /// A list whose items are sentences (`highlights`): items are never
    /// split, and a single string is one item.
    fn whole_list(&mut self, key: &str, v: Option<Value>) -> Vec<String> {
        self.items(key, v, Items::Whole)
    }

    fn located_list(&mut self, key: &str, v: Option<Value>) -> Vec<Located<String>> {
        let (line, col) = self.at(key);
        // Each item is looked for after the previous one, so a long list
        // costs one pass over the text.
        let mut from = (line, 0, 0);
        self.items(key, v, Items::Files)
            .into_iter()
            .map(|value| {
                let (line, col) = match self.find_after(from, &value) {
                    Some((l, c, end)) => {
                        from = (l, end, c - 1 + value.chars().count());
                        (l, c)
                    }
                    None => (line, col),
                };
                Located { value, line, col }
            })
            .collect()
    }

    /// The trimmed, de-duplicated items of a list field, split as `how` says.
    fn items(&mut self, key: &str, v: Option<Value>, how: Items) -> Vec<String> {
        let (values, single): (Vec<String>, bool) = match v {
            None | Some(Value::Null) => (vec![], false),
            Some(Value::Sequence(seq)) => {
                let mut out = vec![];
                for item in seq {
                    match scalar_string(&item) {
                        Some(s) => out.push(s),
                        None => {
                            self.error(key, M::ListItemNotText { key });
                            return vec![];
                        }
                    }
                }
                (out, false)
            }
            Some(v) => match scalar_string(&v) {
                Some(s) if how == Items::Files => {
                    (s.split([',', ';']).map(str::to_string).collect(), false)
                }
                Some(s) => (vec![s], true),
                None => {
                    self.error(key, M::NotAList { key });
                    return vec![];
                }
            },
        };
        let mut items = vec![];
        // values split: (line, col, value as written, number of parts)
        let mut split = vec![];
        // where the next value is looked for: (line, byte, chars before byte)
        let mut from = (self.at(key).0, 0, 0);
        for value in values {
            let parts = if how == Items::Terms {
                let seps: &[char] = if single {
                    &[',', '，', '、', ';', '；']
                } else {
                    &['，', '、', '；']
                };
                split_terms(&value, seps)
            } else {
                None
            };
            let Some(parts) = parts else {
                items.push(value);
                continue;
            };
            let written = value.trim();
            let (line, col) = match self.find_after(from, written) {
                Some((l, c, end)) => {
                    from = (l, end, c - 1 + written.chars().count());
                    (l, c)
                }
                None => self.at(key),
            };
            split.push((line, col, written.to_string(), parts.len()));
            items.extend(parts);
        }
        let mut seen = std::collections::HashSet::new();
        let items: Vec<String> = items
            .into_iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty() && seen.insert(s.clone()))
            .collect();
        if !split.is_empty() {
            let list = format!("{key}: [{}]", items.join(", "));
            for (line, col, value, parts) in split {
                self.diags.push(Diagnostic::warn(
                    self.path,
                    line,
                    col,
                    M::ListWrittenAsText {
                        key,
                        value: &value,
                        parts,
                        list: &list,
                    },
                ));
            }
        }
        items
    }

    /// Line, column and end byte (within its line) of the first occurrence
    /// of `needle` at or after byte `from.1` of file line `from.0`; `from.2`
    /// is the number of characters before that byte.
    fn find_after(
        &self,
        from: (usize, usize, usize),
        needle: &str,
    ) -> Option<(usize, usize, usize)> {
        let first = self.yaml_line;
        self.yaml
            .lines()
            .enumerate()
            .skip(from.0.saturating_sub(first))
            .find_map(|(i, l)| {
                let (start, chars) =
                    if first + i == from.0 && l.is_char_boundary(from.1.min(l.len())) {
                        (from.1.min(l.len()), from.2)
                    } else {
                        (0, 0)
                    };
                l[start..].find(needle).map(|b| {
                    (
                        first + i,
                        chars + l[start..start + b].chars().count() + 1,
                        start + b + needle.len(),
                    )
                })
            })
    }

    /// `gallery`: a list whose items are file names or `{ src, caption }`
    /// maps, each file located where its name is written.
    fn gallery(&mut self, v: Option<Value>) -> Vec<GalleryItem> {
        let key = "gallery";
        let items = match v {
            None | Some(Value::Null) => return vec![],
            Some(Value::Sequence(seq)) => seq,
            Some(v) if scalar_string(&v).is_some() => vec![v],
            Some(_) => {
                self.error(key, M::NotAList { key });
                return vec![];
            }
        };
        let (line, col) = self.at(key);
        let mut from = (line, 0, 0);
        let mut out = vec![];
        for item in items {
            let (src, caption) = match &item {
                Value::Mapping(map) => {
                    let field = |name: &str| map.get(Value::String(name.into()));
                    let unknown = map.keys().find_map(|k| {
                        let k = scalar_string(k).unwrap_or_default();
                        (k != "src" && k != "caption").then_some(k)
                    });
                    if let Some(k) = unknown {
                        self.error(key, M::GalleryItemField { field: &k });
                        continue;
                    }
                    let src = field("src").and_then(scalar_string);
                    let caption = match field("caption") {
                        None | Some(Value::Null) => None,
                        Some(c) => match scalar_string(c) {
                            Some(c) => Some(c),
                            None => {
                                self.error(key, M::GalleryItemField { field: "caption" });
                                continue;
                            }
                        },
                    };
                    (src, caption)
                }
                other => (scalar_string(other), None),
            };
            let Some(src) = src.map(|s| s.trim().to_string()).filter(|s| !s.is_empty()) else {
                self.error(key, M::GalleryItemNoFile);
                continue;
            };
            let (line, col) = match self.find_after(from, &src) {
                Some((l, c, end)) => {
                    from = (l, end, c - 1 + src.chars().count());
                    (l, c)
                }
                None => (line, col),
            };
            out.push(GalleryItem {
                src: Located {
                    value: src,
                    line,
                    col,
                },
                caption: caption
                    .map(|c| c.trim().to_string())
                    .filter(|c| !c.is_empty()),
            });
        }
        out
    }

    fn boolean(&mut self, key: &str, v: Option<Value>) -> bool {
        match v {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => b,
            Some(Value::String(s)) if matches!(s.as_str(), "是" | "yes" | "true") => true,
            Some(Value::String(s)) if matches!(s.as_str(), "否" | "no" | "false") => false,
            Some(_) => {
                self.error(key, M::NotBool { key });
                false
            }
        }
    }

    fn count(&mut self, key: &str, v: Option<Value>) -> Option<u32> {
        match v {
            None | Some(Value::Null) => None,
            Some(v) => {
                let n = match &v {
                    Value::Number(n) => n.as_u64(),
                    Value::String(s) => s.trim().trim_end_matches(['人', '名']).trim().parse().ok(),
                    _ => None,
                };
                match n.and_then(|n| u32::try_from(n).ok()) {
                    Some(n) => Some(n),
                    None => {
                        self.error(key, M::NotWholeNumber { key });
                        None
                    }
                }
            }
        }
    }

    fn extra(&mut self, extra: BTreeMap<String, Value>) -> BTreeMap<String, serde_json::Value> {
        let mut out = BTreeMap::new();
        for (key, value) in extra {
            if let Some(known) = nearest(&key, KNOWN_FIELDS) {
                let (line, col) = self.at(&key);
                self.diags.push(Diagnostic::warn(
                    self.path,
                    line,
                    col,
                    M::MisspeltField { key: &key, known },
                ));
            }
            let json = serde_json::to_value(&value).unwrap_or(serde_json::Value::Null);
            out.insert(key, json);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> (Option<FrontMatter>, Vec<String>) {
        let path = Path::new("content/cases/a.md");
        let s = split(text, path).unwrap();
        let mut diags = vec![];
        let raw = match parse_raw(s.yaml, s.yaml_line, path) {
            Ok(r) => r,
            Err(d) => return (None, vec![d.in_lang(crate::msg::Lang::En).to_string()]),
        };
        let (fm, ok) = resolve(raw, s.yaml, s.yaml_line, path, &mut diags);
        (
            ok.then_some(fm),
            diags
                .iter()
                .map(|d| d.in_lang(crate::msg::Lang::En).to_string())
                .collect(),
        )
    }

    #[test]
    fn splits_and_counts_lines() {
        let s = split("---\ntitle: a\n---\nbody\n", Path::new("a.md")).unwrap();
        assert_eq!(s.yaml, "title: a\n");
        assert_eq!(s.yaml_line, 2);
        assert_eq!(s.body, "body\n");
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn missing_front_matter_is_explained() {
        let e = split("# 标题\n", Path::new("a.md")).unwrap_err();
        assert_eq!(e.line, 1);
        assert_eq!(e.message.en, "the file does not start with front matter");
        let e = split("---\ntitle: a\n", Path::new("a.md")).unwrap_err();
        assert_eq!(e.message.en, "the front matter is not closed");
    }

    #[test]
    fn every_field_resolves() {
        let (fm, d) = run("---\ntitle: 标题\ndate: 2013年9月25日\nregion: 陕西省渭南市白水县\ntags: [基层党建, 三会一课]\nsummary: 摘要\nslug: my-slug\ndraft: false\nfeatured: true\ncover: cover.jpg\nattachments:\n  - a.docx\nspeaker: 王某\nspeaker_title: 区委书记\noccasion: 全区会议\nplace: 白水县\ndoc_number: 渭组通[2013]144号\norganization: 某村\nsector: 农村\nbranch: 某支部\nbrand: 红色引擎\nslogan: 口号\nlogo: logo.png\nsecretary: 李某\nmembers: 36\nhighlights: [一, 二]\nauthor: 张某某\nauthor_title: 中共某县委常委、组织部长\ncolor: red\n---\n");
        assert_eq!(d, Vec::<String>::new());
        let fm = fm.unwrap();
        assert_eq!(fm.author.as_deref(), Some("张某某"));
        assert_eq!(fm.author_title.as_deref(), Some("中共某县委常委、组织部长"));
        assert_eq!(fm.date, Date::new(2013, 9, 25));
        assert_eq!(fm.tags, vec!["基层党建", "三会一课"]);
        assert_eq!(fm.doc_number.as_deref(), Some("渭组通〔2013〕144号"));
        assert_eq!(fm.members, Some(36));
        assert_eq!(
            fm.attachments[0],
            Located {
                value: "a.docx".into(),
                line: 12,
                col: 5
            }
        );
        assert_eq!(fm.logo.unwrap().line, 23);
        assert_eq!(fm.extra["color"], serde_json::json!("red"));
        assert!(fm.featured && !fm.draft);
    }

    #[test]
    fn all_errors_with_lines() {
        let (fm, d) =
            run("---\ntitle: [a, b]\ndate: 2013-02-30\nmembers: 很多\nfeatured: 也许\n---\n");
        assert!(fm.is_none());
        assert_eq!(
            d,
            vec![
                "content/cases/a.md:2:1: error: `title` must be a single piece of text, not a list or a map\n  hint: write it on one line: `title: …`",
                "content/cases/a.md:3:7: error: the day `2013-02-30` does not exist\n  hint: that month has no such day: check the month and the day",
                "content/cases/a.md:5:1: error: `featured` must be true or false\n  hint: write `featured: true` or `featured: false`",
                "content/cases/a.md:4:1: error: `members` must be a whole number\n  hint: write digits only, for example `members: 36`",
            ]
        );
    }

    /// Each message of a date, in Chinese (the default) and English.
    fn date_errors(text: &str) -> Vec<(String, String)> {
        let path = Path::new("content/cases/a.md");
        let s = split(text, path).unwrap();
        let raw = parse_raw(s.yaml, s.yaml_line, path).unwrap();
        let mut diags = vec![];
        let (_, ok) = resolve(raw, s.yaml, s.yaml_line, path, &mut diags);
        assert!(!ok);
        diags
            .iter()
            .map(|d| (d.to_string(), d.in_lang(crate::msg::Lang::En).to_string()))
            .collect()
    }

    #[test]
    fn dates_as_written() {
        let day = |y, m, d| Date::new(y, m, d);
        for (v, want) in [
            ("2013-09-25", day(2013, 9, 25)),
            ("2013年9月25日", day(2013, 9, 25)),
            ("２０１３年９月２５日", day(2013, 9, 25)),
            ("2013.9.25", day(2013, 9, 25)),
            ("2023.10.17", day(2023, 10, 17)),
            ("2013/9/25", day(2013, 9, 25)),
            ("2023年 10月 17日", day(2023, 10, 17)),
            ("二〇二三年十月十七日", day(2023, 10, 17)),
            ("二〇一三年九月二十五日", day(2013, 9, 25)),
            ("\"2013-09-25\"  # 讲话日期", day(2013, 9, 25)),
            ("2013年9月", Date::month_only(2013, 9)),
            ("2013-09", Date::month_only(2013, 9)),
            ("2013.9", Date::month_only(2013, 9)),
            // A number to YAML (2023.1): read as written.
            ("2023.10", Date::month_only(2023, 10)),
            ("2023.10  # 十月", Date::month_only(2023, 10)),
            ("2013年", Date::year_only(2013)),
            ("2013", Date::year_only(2013)),
        ] {
            let (fm, d) = run(&format!("---\ntitle: a\ndate: {v}\n---\n"));
            assert_eq!(d, Vec::<String>::new(), "{v}");
            assert_eq!(fm.unwrap().date, want, "{v}");
        }
    }

    #[test]
    fn a_wrongly_written_date_is_told_apart_from_a_day_that_does_not_exist() {
        let forms_zh = "提示：日期可写成 2013-09-25、2013年9月25日、2013.9.25、2013/9/25 或 二〇一三年九月二十五日；只知道年月写 2013年9月 或 2013-09，只知道年写 2013年";
        let forms_en = "hint: write the date as 2013-09-25, 2013年9月25日, 2013.9.25, 2013/9/25 or 二〇一三年九月二十五日; a month alone as 2013年9月 or 2013-09, a year alone as 2013年";
        for (text, at, value) in [
            (
                "---\ntitle: a\ndate: 2023年13月\n---\n",
                "3:7",
                "2023年13月",
            ),
            (
                "---\ntitle: a\ndate: 2023-1a-05\n---\n",
                "3:7",
                "2023-1a-05",
            ),
            ("---\ntitle: a\ndate:   去年  # 待查\n---\n", "3:9", "去年"),
            ("---\ntitle: a\n\ndate: \"去年\"\n---\n", "4:8", "去年"),
        ] {
            assert_eq!(
                date_errors(text),
                vec![(
                    format!("content/cases/a.md:{at}: error: 日期 `{value}` 写法不对\n  {forms_zh}"),
                    format!("content/cases/a.md:{at}: error: `{value}` is not written as a date\n  {forms_en}"),
                )],
                "{text}"
            );
        }
        for (text, at, value) in [
            (
                "---\ntitle: a\ndate: 2023-02-30\n---\n",
                "3:7",
                "2023-02-30",
            ),
            (
                "---\ntitle: a\ndate: 二〇二三年二月三十日\n---\n",
                "3:7",
                "二〇二三年二月三十日",
            ),
        ] {
            assert_eq!(
                date_errors(text),
                vec![(
                    format!("content/cases/a.md:{at}: error: 日期 `{value}` 不存在\n  提示：这个月没有这一天，请核对月和日"),
                    format!("content/cases/a.md:{at}: error: the day `{value}` does not exist\n  hint: that month has no such day: check the month and the day"),
                )],
                "{text}"
            );
        }
    }

    #[test]
    fn a_draft_may_have_no_date_yet() {
        let (fm, d) = run("---\ntitle: a\ndate:  # 请填写日期\ndraft: true\n---\n");
        assert_eq!(d, Vec::<String>::new());
        let fm = fm.unwrap();
        assert!(fm.draft);
        assert_eq!(fm.date, None);
        let (fm, d) = run("---\ntitle: a\ndate:\n---\n");
        assert!(fm.is_none());
        assert!(d[0].starts_with("content/cases/a.md:2:1: error: the front matter has no `date`"));
    }

    #[test]
    fn missing_required_fields() {
        let (_, d) = run("---\nregion: x\n---\n");
        assert_eq!(d.len(), 2);
        assert!(d[0].starts_with("content/cases/a.md:2:1: error: the front matter has no `title`"));
        assert!(d[1].starts_with("content/cases/a.md:2:1: error: the front matter has no `date`"));
    }

    #[test]
    fn misspelt_field_is_a_warning() {
        let (fm, d) = run("---\ntitle: a\ndate: 2020-01-01\nspeakr: 王某\n---\n");
        assert!(fm.is_some());
        assert_eq!(
            d,
            vec!["content/cases/a.md:4:1: warning: unknown field `speakr`, did you mean `speaker`?\n  hint: rename it to `speaker`; as written it is only passed to templates as extra.speakr"]
        );
    }

    #[test]
    fn a_misspelt_byline_field_names_author() {
        let (_, d) =
            run("---\ntitle: a\ndate: 2020-01-01\nauther: 王某\nauthor_titel: 部长\n---\n");
        assert_eq!(
            d,
            vec![
                "content/cases/a.md:4:1: warning: unknown field `auther`, did you mean `author`?\n  hint: rename it to `author`; as written it is only passed to templates as extra.auther",
                "content/cases/a.md:5:1: warning: unknown field `author_titel`, did you mean `author_title`?\n  hint: rename it to `author_title`; as written it is only passed to templates as extra.author_titel",
            ]
        );
    }

    #[test]
    fn yaml_error_offset_by_front_matter_start() {
        let (_, d) = run("---\ntitle: a\ndate: 2020-01-01\ntags: [a, b\n---\n");
        assert_eq!(d.len(), 1);
        assert!(d[0].starts_with("content/cases/a.md:"), "{}", d[0]);
        let line: usize = d[0].split(':').nth(1).unwrap().parse().unwrap();
        assert!((4..=6).contains(&line), "{}", d[0]);
    }

    #[test]
    fn tags_as_a_string_are_split() {
        let (fm, d) = run("---\ntitle: a\ndate: 2020-01-01\ntags: 党建，乡村振兴、 党建\n---\n");
        assert_eq!(fm.unwrap().tags, vec!["党建", "乡村振兴"]);
        assert_eq!(
            d,
            vec!["content/cases/a.md:4:7: warning: `党建，乡村振兴、 党建` in `tags` is one piece of text with separators, read as 3 items\n  hint: write tags: [党建, 乡村振兴], with ASCII commas between the items"]
        );
    }

    /// Zh messages of a run.
    fn run_zh(text: &str) -> (Option<FrontMatter>, Vec<String>) {
        let path = Path::new("content/cases/a.md");
        let s = split(text, path).unwrap();
        let mut diags = vec![];
        let raw = parse_raw(s.yaml, s.yaml_line, path).unwrap();
        let (fm, ok) = resolve(raw, s.yaml, s.yaml_line, path, &mut diags);
        (
            ok.then_some(fm),
            diags.iter().map(ToString::to_string).collect(),
        )
    }

    #[test]
    fn chinese_commas_inside_a_flow_list_split_the_item() {
        let (fm, d) =
            run_zh("---\ntitle: a\ndate: 2020-01-01\ntags: [党建，支部, 乡村振兴]\n---\n");
        assert_eq!(fm.unwrap().tags, vec!["党建", "支部", "乡村振兴"]);
        assert_eq!(
            d,
            vec!["content/cases/a.md:4:8: warning: `tags` 的“党建，支部”是用标点隔开的一段文字，读作 2 项\n  提示：写成 tags: [党建, 支部, 乡村振兴]，用英文逗号分隔"]
        );
    }

    #[test]
    fn enumeration_comma_and_block_items_split() {
        let (fm, d) = run("---\ntitle: a\ndate: 2020-01-01\ntags: 党建、支部\n---\n");
        assert_eq!(fm.unwrap().tags, vec!["党建", "支部"]);
        assert_eq!(d, vec!["content/cases/a.md:4:7: warning: `党建、支部` in `tags` is one piece of text with separators, read as 2 items\n  hint: write tags: [党建, 支部], with ASCII commas between the items"]);
        let (fm, d) =
            run("---\ntitle: a\ndate: 2020-01-01\ntags:\n  - 组织建设\n  - 党建；支部\n---\n");
        assert_eq!(fm.unwrap().tags, vec!["组织建设", "党建", "支部"]);
        assert_eq!(d, vec!["content/cases/a.md:6:5: warning: `党建；支部` in `tags` is one piece of text with separators, read as 2 items\n  hint: write tags: [组织建设, 党建, 支部], with ASCII commas between the items"]);
    }

    #[test]
    fn proper_lists_and_titles_are_not_split() {
        for text in [
            "---\ntitle: 甲、乙两村，携手共建\ndate: 2020-01-01\ntags: [党建, 支部]\n---\n",
            "---\ntitle: a\ndate: 2020-01-01\ntags:\n  - 党建\n  - 支部\n---\n",
        ] {
            let (fm, d) = run(text);
            assert_eq!(fm.unwrap().tags, vec!["党建", "支部"]);
            assert_eq!(d, Vec::<String>::new());
        }
        // a title-like tag, a separator inside book-title marks, a sentence
        let (fm, d) = run("---\ntitle: a\ndate: 2020-01-01\ntags: [关于进一步加强基层党组织建设、推动乡村振兴的实施意见, “学习、宣传、贯彻”, 不忘初心，牢记使命。]\n---\n");
        assert_eq!(fm.unwrap().tags.len(), 3, "{d:?}");
        assert_eq!(d, Vec::<String>::new());
    }

    #[test]
    fn gallery_items_are_files_or_files_with_captions_where_written() {
        let (fm, d) = run("---\ntitle: a\ndate: 2020-01-01\ngallery:\n  - 合影.jpg\n  - { src: 田间.jpg, caption: 稻田党课 }\n  - src: 丰收.png\n    caption: \"\"\n---\n");
        assert!(d.is_empty(), "{d:?}");
        let got: Vec<_> = fm
            .unwrap()
            .gallery
            .into_iter()
            .map(|g| (g.src.value, g.src.line, g.src.col, g.caption))
            .collect();
        assert_eq!(
            got,
            [
                ("合影.jpg".to_string(), 5, 5, None),
                ("田间.jpg".to_string(), 6, 12, Some("稻田党课".to_string())),
                ("丰收.png".to_string(), 7, 10, None),
            ]
        );
        let (fm, d) = run(
            "---\ntitle: a\ndate: 2020-01-01\ngallery:\n  - { caption: 无图 }\n  - [a.jpg]\n---\n",
        );
        assert!(fm.is_none());
        assert_eq!(
            d,
            [
                "content/cases/a.md:4:1: error: a `gallery` item names no photo file\n  hint: write `- photo.jpg` or `- { src: photo.jpg, caption: a caption }`",
                "content/cases/a.md:4:1: error: a `gallery` item names no photo file\n  hint: write `- photo.jpg` or `- { src: photo.jpg, caption: a caption }`",
            ]
        );
    }

    #[test]
    fn highlights_and_attachments_are_never_split() {
        let (fm, d) = run("---\ntitle: a\ndate: 2020-01-01\nhighlights: 建强支部，带富群众、服务村民\nattachments: 关于甲、乙的通知.docx\n---\n");
        let fm = fm.unwrap();
        assert_eq!(fm.highlights, vec!["建强支部，带富群众、服务村民"]);
        assert_eq!(fm.attachments[0].value, "关于甲、乙的通知.docx");
        assert_eq!((fm.attachments[0].line, fm.attachments[0].col), (5, 14));
        assert_eq!(d, Vec::<String>::new());
        let (fm, _) =
            run("---\ntitle: a\ndate: 2020-01-01\nhighlights: [一是建强支部，二是带富群众]\n---\n");
        assert_eq!(fm.unwrap().highlights, vec!["一是建强支部，二是带富群众"]);
    }

    #[test]
    fn split_terms_rule() {
        let all: &[char] = &[',', '，', '、', ';', '；'];
        assert_eq!(
            split_terms("党建,支部", all),
            Some(vec!["党建".into(), "支部".into()])
        );
        assert_eq!(split_terms("党建", all), None);
        assert_eq!(
            split_terms("“三会一课”、主题党日", all),
            Some(vec!["“三会一课”".into(), "主题党日".into()])
        );
        assert_eq!(split_terms("“甲、乙”", all), None);
        assert_eq!(split_terms("，", all), None);
    }
}
