//! The site's furniture in `site.yaml`: the header emblem (`logo`), the
//! main navigation (`menu`) and the footer (主办, 承办, 联系方式, 备案号,
//! links). Read here into plain values; where a link leads is decided
//! later, when the pages are known ([`crate::model::nav`]).

use crate::diag::{nearest, Diagnostic, M};
use crate::text::scalar_string;
use serde_yaml::Value;
use std::path::{Component, Path, PathBuf};

/// A link as written in `menu` or `footer.links`, with the line and column
/// of its entry in `site.yaml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkConfig {
    pub title: String,
    /// As written: a content path (`pages/about`), a site URL (`/`,
    /// `/search/`) or a web address (`https://…`).
    pub url: String,
    pub line: usize,
    pub col: usize,
}

/// `footer:` of site.yaml.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Footer {
    /// 主办单位.
    pub host: Option<String>,
    /// 承办单位.
    pub undertaker: Option<String>,
    /// 联系方式.
    pub contact: Option<String>,
    /// 备案号 / 登记号.
    pub record: Option<String>,
    pub links: Vec<LinkConfig>,
}

const LINK_KEYS: &[&str] = &["title", "url"];
const FOOTER_KEYS: &[&str] = &["host", "undertaker", "contact", "record", "links"];

/// Where a site.yaml value sits: the file shown in messages, its text, and
/// the line of the top-level key the value belongs to.
pub struct At<'a> {
    pub shown: &'a Path,
    pub text: &'a str,
    pub key_line: usize,
}

impl At<'_> {
    /// The first line at or after the key's whose text holds `needle`, and
    /// the column where that line's text starts; the key's line when none.
    pub fn find(&self, from: usize, needle: &str) -> (usize, usize) {
        let found = self
            .text
            .lines()
            .enumerate()
            .skip(from.saturating_sub(1))
            .find(|(_, l)| l.contains(needle));
        match found {
            Some((i, l)) => (i + 1, l.len() - l.trim_start().len() + 1),
            None => (self.key_line, 1),
        }
    }
}

/// One entry of a list of `{ field: value }` maps in site.yaml (`menu`,
/// `footer.links`, `compilations`, `sources`), and where it is written.
pub struct Entry<'v> {
    map: Option<&'v serde_yaml::Mapping>,
    pub line: usize,
    pub col: usize,
    /// A field the list does not know is an error at the entry.
    pub unknown_fields: Vec<Diagnostic>,
}

impl Entry<'_> {
    /// The field `name` as trimmed text; `None` when absent or empty.
    pub fn text(&self, name: &str) -> Option<String> {
        self.map
            .and_then(|m| m.get(name))
            .and_then(scalar_string)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    }
}

/// The entries of the list `v`, the value of `key` (`menu`, …), whose
/// fields are `known`. Each entry is placed at the first line after the
/// entry before it that holds the value of its first field of `anchors`
/// (the key's line when none); a field not in `known` is an error there,
/// which the caller reports with the entry's others.
/// `None` when `v` is not a list (the caller says how to write one).
pub fn entries<'v>(
    v: &'v Value,
    at: &At,
    (key, known, anchors): (&str, &'static [&'static str], [&str; 2]),
) -> Option<Vec<Entry<'v>>> {
    let Value::Sequence(items) = v else {
        return None;
    };
    let mut from = at.key_line;
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let mut entry = Entry {
            map: item.as_mapping(),
            line: 0,
            col: 0,
            unknown_fields: vec![],
        };
        let anchor = anchors.iter().find_map(|a| entry.text(a));
        (entry.line, entry.col) = at.find(from + 1, anchor.as_deref().unwrap_or("-"));
        from = entry.line;
        for k in entry.map.into_iter().flat_map(|m| m.keys()) {
            let k = k.as_str().unwrap_or("");
            if !known.contains(&k) {
                let place = (entry.line, entry.col);
                entry
                    .unknown_fields
                    .push(unknown(at.shown, place, key, k, known));
            }
        }
        out.push(entry);
    }
    Some(out)
}

/// `menu:` or `footer.links`: a list of `{ title, url }`.
pub fn parse_links(v: &Value, key: &str, at: &At, errors: &mut Vec<Diagnostic>) -> Vec<LinkConfig> {
    let Some(items) = entries(v, at, (key, LINK_KEYS, ["title", "url"])) else {
        errors.push(Diagnostic::err(
            at.shown,
            at.key_line,
            1,
            M::LinksNotList { key },
        ));
        return vec![];
    };
    let mut out = vec![];
    for entry in items {
        let (line, col) = (entry.line, entry.col);
        errors.extend_from_slice(&entry.unknown_fields);
        let (title, url) = (entry.text("title"), entry.text("url"));
        match (title, url) {
            (Some(title), Some(url)) => out.push(LinkConfig {
                title,
                url,
                line,
                col,
            }),
            _ => errors.push(Diagnostic::err(
                at.shown,
                line,
                col,
                M::LinkNeedsTitleAndUrl { key },
            )),
        }
    }
    out
}

/// `footer:`: a map of [`FOOTER_KEYS`].
pub fn parse_footer(v: &Value, at: &At, errors: &mut Vec<Diagnostic>) -> Footer {
    let mut footer = Footer::default();
    let Value::Mapping(m) = v else {
        errors.push(Diagnostic::err(at.shown, at.key_line, 1, M::FooterNotMap));
        return footer;
    };
    for (k, v) in m {
        let k = k.as_str().unwrap_or("");
        let (line, col) = at.find(at.key_line + 1, &format!("{k}:"));
        let mut text = || {
            let s = scalar_string(v).map(|s| s.trim().to_string());
            if s.is_none() {
                errors.push(Diagnostic::err(
                    at.shown,
                    line,
                    col,
                    M::SiteValueNotText { key: k },
                ));
            }
            s.filter(|s| !s.is_empty())
        };
        match k {
            "host" => footer.host = text(),
            "undertaker" => footer.undertaker = text(),
            "contact" => footer.contact = text(),
            "record" => footer.record = text(),
            "links" => {
                let at = At {
                    key_line: line,
                    ..*at
                };
                footer.links = parse_links(v, "footer.links", &at, errors);
            }
            other => errors.push(unknown(at.shown, (line, col), "footer", other, FOOTER_KEYS)),
        }
    }
    footer
}

/// An unknown key of a nested map of site.yaml (`footer`, `compile`),
/// naming the known ones.
pub fn unknown(
    shown: &Path,
    (line, col): (usize, usize),
    parent: &str,
    key: &str,
    known: &'static [&'static str],
) -> Diagnostic {
    Diagnostic::err(
        shown,
        line,
        col,
        M::UnknownSubKey {
            parent,
            key,
            nearest: nearest(key, known),
            known,
        },
    )
}

/// `logo:` as written (`static/党徽.svg`, or `党徽.svg` for the same file):
/// the path under `static/`, `/`-separated, which is also its place in
/// the output. `None` when it climbs out or names a folder.
pub fn logo_path(written: &str) -> Option<String> {
    let p = Path::new(written.trim().trim_start_matches(['/', '\\']));
    let mut parts: Vec<String> = vec![];
    for c in p.components() {
        match c {
            Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
            Component::CurDir => {}
            _ => return None,
        }
    }
    if parts
        .first()
        .is_some_and(|s| s == crate::load::content::STATIC_DIR)
    {
        parts.remove(0);
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// The file a [`logo_path`] names in the site folder.
pub fn logo_file(root: &Path, logo: &str) -> PathBuf {
    root.join(crate::load::content::STATIC_DIR).join(logo)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links(yaml: &str) -> (Vec<LinkConfig>, Vec<String>) {
        let v: Value = serde_yaml::from_str(yaml).unwrap();
        let menu = v.get("menu").unwrap();
        let at = At {
            shown: Path::new("site.yaml"),
            text: yaml,
            key_line: 2,
        };
        let mut errors = vec![];
        let l = parse_links(menu, "menu", &at, &mut errors);
        (
            l,
            errors
                .iter()
                .map(|d| d.in_lang(crate::msg::Lang::Zh).to_string())
                .collect(),
        )
    }

    #[test]
    fn menu_entries_keep_their_lines() {
        let (l, e) = links(
            "title: x\nmenu:\n  - { title: 首页, url: / }\n  - title: 关于本平台\n    url: pages/about\n",
        );
        assert_eq!(e, Vec::<String>::new());
        assert_eq!(
            l,
            [
                LinkConfig {
                    title: "首页".into(),
                    url: "/".into(),
                    line: 3,
                    col: 3
                },
                LinkConfig {
                    title: "关于本平台".into(),
                    url: "pages/about".into(),
                    line: 4,
                    col: 3
                },
            ]
        );
    }

    #[test]
    fn a_menu_entry_without_url_or_with_a_stray_key_is_an_error() {
        let (l, e) = links(
            "title: x\nmenu:\n  - { title: 首页 }\n  - { title: 搜索, url: /search/, icon: x }\n",
        );
        assert_eq!(l.len(), 1);
        assert_eq!(
            e,
            [
                "site.yaml:3:3: error: `menu` 的每一项都要写 title（显示的文字）和 url（链接到哪里）\n  提示：例如 - { title: 关于本平台, url: pages/about }",
                "site.yaml:4:3: error: `menu` 中没有 `icon` 这一项\n  提示：可用的有：title, url",
            ]
        );
    }

    #[test]
    fn logo_paths_stay_under_static() {
        assert_eq!(logo_path("static/党徽.svg").as_deref(), Some("党徽.svg"));
        assert_eq!(logo_path("党徽.svg").as_deref(), Some("党徽.svg"));
        assert_eq!(
            logo_path("/static/img/logo.png").as_deref(),
            Some("img/logo.png")
        );
        assert_eq!(logo_path("../党徽.svg"), None);
        assert_eq!(logo_path("static"), None);
    }
}
