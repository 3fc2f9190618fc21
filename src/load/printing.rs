//! `compile:` of `site.yaml`: which faces the printed booklet
//! (`zhanting compile`) sets its text in, by role. Read here into plain
//! values; the faces are looked up when a booklet is made
//! (`crate::compile::fonts`), never by `build`.

use crate::diag::{Diagnostic, M};
use crate::load::furniture::{entries, unknown, At};
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

/// Which pages go into the booklet; every filter given must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// A section's folder name or title.
    pub section: Option<String>,
    pub tag: Option<String>,
    /// A region and everything below it (`宝鸡市` also finds
    /// `陕西省宝鸡市陈仓区`).
    pub region: Option<String>,
    pub sector: Option<String>,
    pub year: Option<String>,
}

impl Selection {
    /// The filters given, for messages: `栏目 cases，2023 年`.
    pub fn describe(&self) -> String {
        let mut parts = vec![];
        let mut add = |what: &str, v: &Option<String>| {
            if let Some(v) = v {
                parts.push(format!("{what} {v}"));
            }
        };
        add("--section", &self.section);
        add("--tag", &self.tag);
        add("--region", &self.region);
        add("--sector", &self.sector);
        add("--year", &self.year);
        if parts.is_empty() {
            "--section, --tag, --region, --sector, --year".into()
        } else {
            parts.join(", ")
        }
    }
}

/// What `compile` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Pdf,
    Html,
}

/// One entry of `compilations:` in site.yaml: a booklet built with the
/// site, written at `file` in the output and linked from the pages its
/// selection names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompilationConfig {
    pub title: String,
    pub selection: Selection,
    /// Where in the output, `/`-separated, not encoded
    /// (`downloads/2023年典型案例汇编.pdf`).
    pub file: String,
    /// From the file's ending: `.pdf` or `.html`.
    pub format: Format,
    pub line: usize,
    pub col: usize,
}

const COMPILATION_KEYS: &[&str] = &[
    "title", "section", "tag", "region", "sector", "year", "file",
];

/// Reads `compilations:`; every problem is pushed onto `errors`.
pub fn parse_compilations(
    v: &Value,
    at: &At,
    errors: &mut Vec<Diagnostic>,
) -> Vec<CompilationConfig> {
    let list = ("compilations", COMPILATION_KEYS, ["title", "file"]);
    let Some(items) = entries(v, at, list) else {
        errors.push(Diagnostic::err(
            at.shown,
            at.key_line,
            1,
            M::CompilationsNotList,
        ));
        return vec![];
    };
    let mut out: Vec<CompilationConfig> = vec![];
    for entry in items {
        let field = |name: &str| entry.text(name);
        let (title, file) = (field("title"), field("file"));
        let (line, col) = (entry.line, entry.col);
        let err = |m: M| Diagnostic::err(at.shown, line, col, m);
        errors.extend_from_slice(&entry.unknown_fields);
        let mut ok = entry.unknown_fields.is_empty();
        let selection = Selection {
            section: field("section"),
            tag: field("tag"),
            region: field("region"),
            sector: field("sector"),
            year: field("year"),
        };
        if let Some(y) = &selection.year {
            if year_number(y).is_none() {
                errors.push(err(M::CompilationYear { year: y }));
                ok = false;
            }
        }
        let (Some(title), Some(file)) = (title, file) else {
            errors.push(err(M::CompilationNeedsTitleAndFile));
            continue;
        };
        let Some((file, format)) = output_file(&file) else {
            errors.push(err(M::CompilationFileBad { file: &file }));
            continue;
        };
        if out.iter().any(|c| c.file == file) {
            errors.push(err(M::CompilationFileTwice { file: &file }));
            continue;
        }
        if ok {
            out.push(CompilationConfig {
                title,
                selection,
                file,
                format,
                line,
                col,
            });
        }
    }
    out
}

/// A year as written in a selection (`2023` or `2023年`).
pub fn year_number(y: &str) -> Option<u16> {
    let t = y.trim().trim_end_matches('年');
    t.parse::<u16>().ok().filter(|_| t.len() == 4)
}

/// `file:` of a compilation made a path in the output (a leading `/`
/// dropped), with its format; `None` when it does not end in `.pdf` or
/// `.html`, or would leave the output folder or hide in it.
fn output_file(file: &str) -> Option<(String, Format)> {
    let path = file.trim().trim_start_matches('/');
    let parts: Vec<&str> = path.split('/').collect();
    let fine = |p: &&str| {
        !p.is_empty() && !p.starts_with('.') && !p.contains(['\\', ':', '\0']) && p.trim() == *p
    };
    if !parts.iter().all(fine) {
        return None;
    }
    let lower = path.to_lowercase();
    let format = if lower.ends_with(".pdf") {
        Format::Pdf
    } else if lower.ends_with(".html") || lower.ends_with(".htm") {
        Format::Html
    } else {
        return None;
    };
    Some((path.to_string(), format))
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
            other => errors.push(unknown(
                at.shown,
                (line, col),
                "compile",
                other,
                COMPILE_KEYS,
            )),
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
            errors.push(unknown(
                at.shown,
                (line, col),
                "compile.fonts",
                k,
                FONT_KEYS,
            ));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::msg::Lang;
    use std::path::Path;

    /// `text` parsed, and where its first key is.
    fn yaml(text: &str) -> (Value, At<'_>) {
        let v: Value = serde_yaml::from_str(text).expect("yaml");
        let at = At {
            shown: Path::new("site.yaml"),
            text,
            key_line: 1,
        };
        (v, at)
    }

    fn parse(text: &str) -> (PrintConfig, Vec<String>) {
        let (v, at) = yaml(text);
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

    #[test]
    fn compilations_are_read_with_their_place_and_mistakes_named() {
        let text = "compilations:\n  - { title: 2023年典型案例汇编, section: cases, year: 2023年, file: /downloads/汇编.PDF }\n  - { title: 讲话, file: a/讲话.html, yaer: 2023 }\n  - { title: 无文件 }\n  - { title: 重, file: downloads/汇编.PDF }\n  - { title: 坏, file: ../x.pdf }\n";
        let (v, at) = yaml(text);
        let mut errors = vec![];
        let c = parse_compilations(&v["compilations"], &at, &mut errors);
        assert_eq!(
            c,
            vec![CompilationConfig {
                title: "2023年典型案例汇编".into(),
                selection: Selection {
                    section: Some("cases".into()),
                    year: Some("2023年".into()),
                    ..Selection::default()
                },
                file: "downloads/汇编.PDF".into(),
                format: Format::Pdf,
                line: 2,
                col: 3,
            }]
        );
        let said: Vec<String> = errors
            .iter()
            .map(|d| format!("{}:{}: {}", d.line, d.col, d.message.get(Lang::Zh)))
            .collect();
        assert_eq!(
            said,
            vec![
                "3:3: `compilations` 中没有 `yaer` 这一项",
                "4:3: `compilations` 的每一项都要写 title（封面标题）和 file（放在网站的哪里）",
                "5:3: 两项汇编都写到 `downloads/汇编.PDF`",
                "6:3: 汇编的文件名 `../x.pdf` 不能用",
            ]
        );
    }
}
