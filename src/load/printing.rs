//! `compile:` of `site.yaml`: which faces the printed booklet
//! (`zhanting compile`) sets its text in, by role. Read here into plain
//! values; the faces are looked up when a booklet is made
//! (`crate::compile::fonts`), never by `build`.

use crate::diag::{nearest, Diagnostic, M};
use crate::load::furniture::At;
use crate::text::scalar_string;
use serde_yaml::Value;

/// What a face is used for in a booklet, after GB/T 9704.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FontRole {
    /// 仿宋: the body text.
    Fangsong,
    /// 宋体 (or 小标宋): titles.
    Song,
    /// 黑体: `一、` headings, bold.
    Hei,
    /// 楷体: `（一）` headings, emphasis, the metadata line.
    Kai,
}

impl FontRole {
    pub const ALL: [FontRole; 4] = [
        FontRole::Fangsong,
        FontRole::Song,
        FontRole::Hei,
        FontRole::Kai,
    ];

    /// The key under `compile.fonts`.
    pub fn key(self) -> &'static str {
        match self {
            FontRole::Fangsong => "fangsong",
            FontRole::Song => "song",
            FontRole::Hei => "hei",
            FontRole::Kai => "kai",
        }
    }

    /// The role's Chinese name (仿宋, 宋体, 黑体, 楷体).
    pub fn name_zh(self) -> &'static str {
        match self {
            FontRole::Fangsong => "仿宋",
            FontRole::Song => "宋体",
            FontRole::Hei => "黑体",
            FontRole::Kai => "楷体",
        }
    }

    /// The role's name in English (FangSong, SongTi, HeiTi, KaiTi).
    pub fn name_en(self) -> &'static str {
        match self {
            FontRole::Fangsong => "FangSong",
            FontRole::Song => "SongTi",
            FontRole::Hei => "HeiTi",
            FontRole::Kai => "KaiTi",
        }
    }

    fn from_key(key: &str) -> Option<FontRole> {
        FontRole::ALL.into_iter().find(|r| r.key() == key)
    }
}

/// A face named for a role: a file (relative to the site folder) or a
/// family name, with where it is written in site.yaml.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FontChoice {
    pub role: FontRole,
    pub value: String,
    pub line: usize,
    pub col: usize,
}

/// `compile:` of site.yaml.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintConfig {
    /// The faces named in `compile.fonts`, in role order.
    pub fonts: Vec<FontChoice>,
    /// Whether the faces installed on the computer are looked at
    /// (`system_fonts: false`: only the files named in `fonts`).
    pub system_fonts: bool,
}

impl Default for PrintConfig {
    fn default() -> Self {
        PrintConfig {
            fonts: vec![],
            system_fonts: true,
        }
    }
}

const COMPILE_KEYS: &[&str] = &["fonts", "system_fonts"];
const FONT_KEYS: &[&str] = &["fangsong", "song", "hei", "kai"];

/// Reads `compile:`; every problem is pushed onto `errors`.
pub fn parse_compile(v: &Value, at: &At, errors: &mut Vec<Diagnostic>) -> PrintConfig {
    let mut config = PrintConfig::default();
    let Value::Mapping(m) = v else {
        errors.push(Diagnostic::err(
            at.shown,
            at.key_line,
            1,
            M::NotMap { key: "compile" },
        ));
        return config;
    };
    for (k, v) in m {
        let k = k.as_str().unwrap_or("");
        let (line, col) = at.find(at.key_line + 1, &format!("{k}:"));
        match k {
            "system_fonts" => match v.as_bool() {
                Some(b) => config.system_fonts = b,
                None => errors.push(Diagnostic::err(
                    at.shown,
                    line,
                    col,
                    M::SiteValueNotBool {
                        key: "system_fonts",
                    },
                )),
            },
            "fonts" => {
                let at = At {
                    key_line: line,
                    ..*at
                };
                config.fonts = parse_fonts(v, &at, errors);
            }
            other => errors.push(unknown(at, (line, col), "compile", other, COMPILE_KEYS)),
        }
    }
    config
}

fn parse_fonts(v: &Value, at: &At, errors: &mut Vec<Diagnostic>) -> Vec<FontChoice> {
    let Value::Mapping(m) = v else {
        errors.push(Diagnostic::err(
            at.shown,
            at.key_line,
            1,
            M::NotMap {
                key: "compile.fonts",
            },
        ));
        return vec![];
    };
    let mut fonts = vec![];
    for (k, v) in m {
        let k = k.as_str().unwrap_or("");
        // `{ fangsong: …, song: … }` on one line: the key's own line
        let (line, col) = at.find(at.key_line, &format!("{k}:"));
        let Some(role) = FontRole::from_key(k) else {
            errors.push(unknown(at, (line, col), "compile.fonts", k, FONT_KEYS));
            continue;
        };
        match scalar_string(v).map(|s| s.trim().to_string()) {
            Some(value) if !value.is_empty() => fonts.push(FontChoice {
                role,
                value,
                line,
                col,
            }),
            _ => errors.push(Diagnostic::err(
                at.shown,
                line,
                col,
                M::SiteValueNotText { key: k },
            )),
        }
    }
    fonts.sort_by_key(|f| f.role);
    fonts
}

fn unknown(
    at: &At,
    (line, col): (usize, usize),
    parent: &str,
    key: &str,
    known: &'static [&'static str],
) -> Diagnostic {
    Diagnostic::err(
        at.shown,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::msg::Lang;
    use std::path::Path;

    fn parse(text: &str) -> (PrintConfig, Vec<String>) {
        let v: Value = serde_yaml::from_str(text).expect("yaml");
        let at = At {
            shown: Path::new("site.yaml"),
            text,
            key_line: 1,
        };
        let mut errors = vec![];
        let c = parse_compile(&v["compile"], &at, &mut errors);
        let errors = errors
            .iter()
            .map(|d| {
                let hint = d.hint.as_ref().map(|h| h.get(Lang::Zh)).unwrap_or_default();
                format!("{}:{}: {} ({hint})", d.line, d.col, d.message.get(Lang::Zh))
            })
            .collect();
        (c, errors)
    }

    #[test]
    fn fonts_are_read_by_role_with_their_place() {
        let (c, errors) =
            parse("compile:\n  fonts: { kai: 楷体, fangsong: fonts/仿宋_GB2312.ttf }\n");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            c.fonts,
            vec![
                FontChoice {
                    role: FontRole::Fangsong,
                    value: "fonts/仿宋_GB2312.ttf".into(),
                    line: 2,
                    col: 3
                },
                FontChoice {
                    role: FontRole::Kai,
                    value: "楷体".into(),
                    line: 2,
                    col: 3
                },
            ]
        );
        assert!(c.system_fonts);
    }

    #[test]
    fn an_unknown_role_names_the_known_ones() {
        let (_, errors) = parse("compile:\n  system_fonts: false\n  fonts:\n    fangsng: a.ttf\n");
        assert_eq!(
            errors,
            vec!["4:5: `compile.fonts` 中没有 `fangsng` 这一项 (是不是想写 `fangsong`？可用的有：fangsong, song, hei, kai)".to_string()]
        );
    }
}
