//! What the sanitiser takes out of raw HTML, found so it can be reported.
//!
//! The sanitiser itself ([`super::sanitizer`]) is the only judge of what
//! stays: each start tag written in the Markdown is cleaned on its own (in
//! the context its element needs, a cell inside a table row) and compared
//! with what comes out. An element that is gone, or an attribute that is
//! gone or changed, is a [`Removed`] at the tag's position.

use std::collections::HashMap;
use std::sync::OnceLock;

use regex::Regex;

/// Something written in raw HTML that the built page does not keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemovedHtml {
    /// The element (`font`, `video`, `script`), lower case.
    Element(String),
    /// An attribute of a kept element (`style` of `p`), lower case; `value`
    /// is what was written.
    Attribute {
        element: String,
        attribute: String,
        value: String,
    },
    /// A Markdown link or image to a `javascript:`-style address.
    UnsafeUrl(String),
}

/// A [`RemovedHtml`] with the 1-based line and column (in characters) of
/// its tag in the Markdown text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removed {
    pub what: RemovedHtml,
    pub line: usize,
    pub col: usize,
}

/// Elements whose removal changes nothing a reader sees: the parser drops
/// the wrapper and keeps what is inside.
const DOCUMENT_WRAPPERS: &[&str] = &["html", "head", "body"];

/// A start tag found in raw HTML: its byte offset, its name and its
/// attributes as written (names in lower case).
type StartTag = (usize, String, Vec<(String, String)>);

/// Start tags in `html`.
fn start_tags(html: &str) -> Vec<StartTag> {
    static TAG: OnceLock<Regex> = OnceLock::new();
    static ATTR: OnceLock<Regex> = OnceLock::new();
    let tag = TAG.get_or_init(|| {
        Regex::new(
            r#"<([A-Za-z][A-Za-z0-9-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*/?>"#,
        )
        .expect("valid tag pattern")
    });
    let attr = ATTR.get_or_init(|| {
        Regex::new(r#"([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?"#)
            .expect("valid attribute pattern")
    });
    tag.captures_iter(html)
        .filter_map(|c| {
            let whole = c.get(0)?;
            let name = c.get(1)?.as_str().to_ascii_lowercase();
            let attrs = c
                .get(2)
                .map(|a| {
                    attr.captures_iter(a.as_str())
                        .filter_map(|a| {
                            let key = a.get(1)?.as_str().to_ascii_lowercase();
                            let value = a
                                .get(2)
                                .or_else(|| a.get(3))
                                .or_else(|| a.get(4))
                                .map_or("", |v| v.as_str());
                            Some((key, value.to_string()))
                        })
                        .collect()
                })
                .unwrap_or_default();
            Some((whole.start(), name, attrs))
        })
        .collect()
}

/// The smallest document in which `tag` (the start tag of `name`) stands
/// where it belongs, so the parser keeps it.
fn in_context(name: &str, tag: &str) -> String {
    match name {
        "td" | "th" => format!("<table><tbody><tr>{tag}</tr></tbody></table>"),
        "tr" => format!("<table><tbody>{tag}</tbody></table>"),
        "tbody" | "thead" | "tfoot" | "caption" | "colgroup" => format!("<table>{tag}</table>"),
        "col" => format!("<table><colgroup>{tag}</colgroup></table>"),
        _ => tag.to_string(),
    }
}

/// What the sanitiser removes from one start tag.
fn removed_from_tag(name: &str, attrs: &[(String, String)], tag: &str) -> Vec<RemovedHtml> {
    if DOCUMENT_WRAPPERS.contains(&name) {
        return vec![];
    }
    let cleaned = super::sanitizer().clean(&in_context(name, tag)).to_string();
    let Some((_, _, kept)) = start_tags(&cleaned).into_iter().find(|(_, n, _)| n == name) else {
        return vec![RemovedHtml::Element(name.to_string())];
    };
    let mut removed = vec![];
    for (key, value) in attrs {
        let same = kept
            .iter()
            .find(|(k, _)| k == key)
            .is_some_and(|(_, v)| same_value(value, v));
        if !same {
            removed.push(RemovedHtml::Attribute {
                element: name.to_string(),
                attribute: key.clone(),
                value: value.clone(),
            });
        }
    }
    removed
}

/// An attribute value kept as written, give or take the sanitiser's own
/// spelling (entities, and the tidied `text-align` of a style).
fn same_value(written: &str, kept: &str) -> bool {
    let tidy = |s: &str| -> String {
        s.replace("&amp;", "&")
            .replace("&quot;", "\"")
            .chars()
            .filter(|c| !c.is_whitespace() && *c != ';')
            .collect::<String>()
            .to_ascii_lowercase()
    };
    tidy(written) == tidy(kept)
}

/// Finds what the sanitiser removes from the raw HTML `html`, as byte
/// offsets into it. `seen` remembers tags already judged on this page.
pub(super) fn removed_in(
    html: &str,
    seen: &mut HashMap<String, Vec<RemovedHtml>>,
) -> Vec<(usize, RemovedHtml)> {
    let mut out = vec![];
    for (offset, name, attrs) in start_tags(html) {
        let end = html
            .get(offset..)
            .and_then(|rest| rest.find('>'))
            .map_or(html.len(), |e| offset + e + 1);
        let tag = html.get(offset..end).unwrap_or_default();
        let removed = seen
            .entry(tag.to_string())
            .or_insert_with(|| removed_from_tag(&name, &attrs, tag));
        out.extend(removed.iter().cloned().map(|r| (offset, r)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn removed(html: &str) -> Vec<RemovedHtml> {
        removed_in(html, &mut HashMap::new())
            .into_iter()
            .map(|(_, r)| r)
            .collect()
    }

    fn element(name: &str) -> RemovedHtml {
        RemovedHtml::Element(name.into())
    }

    fn attribute(element: &str, attribute: &str, value: &str) -> RemovedHtml {
        RemovedHtml::Attribute {
            element: element.into(),
            attribute: attribute.into(),
            value: value.into(),
        }
    }

    #[test]
    fn kept_formatting_is_not_reported() {
        for html in [
            "<b>粗</b>",
            "<strong>强</strong><em>斜</em><u>下划线</u><br>",
            "<table><tr><td>格</td></tr></table>",
            "<td style=\"text-align: center\">格</td>",
            "<p align=\"right\">落款</p>",
            "<center>居中</center>",
            "<div style=\"text-align:right;\">落款</div>",
            "<img src=\"a.png\" alt=\"图\">",
            "<a href=\"https://example.cn/\">链接</a>",
            "<html><body><p>正文</p></body></html>",
        ] {
            assert_eq!(removed(html), vec![], "{html}");
        }
    }

    #[test]
    fn removed_elements_and_attributes_are_named() {
        assert_eq!(
            removed("<font color=\"red\" size=\"5\">红字</font>"),
            vec![element("font")]
        );
        assert_eq!(
            removed("<iframe src=\"https://example.cn/\"></iframe>"),
            vec![element("iframe")]
        );
        assert_eq!(
            removed("<script>alert(1)</script>"),
            vec![element("script")]
        );
        assert_eq!(
            removed("<p style=\"color: red; font-size: 20px\">段</p>"),
            vec![attribute("p", "style", "color: red; font-size: 20px")]
        );
        assert_eq!(
            removed("<p style='text-align: center; color: red'>段</p>"),
            vec![attribute("p", "style", "text-align: center; color: red")]
        );
        assert_eq!(
            removed("<img src=a.png onerror=alert(2)>"),
            vec![attribute("img", "onerror", "alert(2)")]
        );
        assert_eq!(
            removed("<a href=\"javascript:alert(1)\">点</a>"),
            vec![attribute("a", "href", "javascript:alert(1)")]
        );
        assert_eq!(
            removed("<td bgcolor=\"#ff0\" style=\"text-align: left\">格</td>"),
            vec![attribute("td", "bgcolor", "#ff0")]
        );
    }

    #[test]
    fn offsets_point_at_each_tag() {
        let html = "<p>一</p>\n<font>二</font>";
        let found = removed_in(html, &mut HashMap::new());
        assert_eq!(found, vec![(11, element("font"))]);
    }
}
