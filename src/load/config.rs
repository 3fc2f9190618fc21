//! `site.yaml`: read into an all-optional raw layer, then resolved into
//! [`Config`] with defaults filled in. Every problem becomes a
//! [`Diagnostic`] at its line in `site.yaml`.

use crate::diag::{nearest, Diagnostic, M};
use crate::load::furniture::{self, At, Footer, LinkConfig};
use crate::load::printing::{CompilationConfig, PrintConfig};
use crate::load::sources::SourceConfig;
use crate::load::yamlpos::{key_positions, yaml_error};
use crate::text::scalar_string;
use serde_yaml::{Mapping, Value};
use std::path::Path;

/// What a page is, which decides its template and metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Speech,
    Case,
    Brand,
    Page,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Speech, Kind::Case, Kind::Brand, Kind::Page];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Speech => "speech",
            Kind::Case => "case",
            Kind::Brand => "brand",
            Kind::Page => "page",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == s)
    }

    /// The template that renders one page of this kind.
    pub fn template(self) -> &'static str {
        match self {
            Kind::Speech => "speech.html",
            Kind::Case => "case.html",
            Kind::Brand => "brand.html",
            Kind::Page => "page.html",
        }
    }
}

/// One folder under `content/` that holds pages of one kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionConfig {
    /// Folder name and URL segment (`speeches`).
    pub name: String,
    pub title: String,
    pub kind: Kind,
}

/// The resolved site configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub title: String,
    pub description: String,
    /// Always starts and ends with `/`.
    pub base_url: String,
    pub language: String,
    pub theme: String,
    pub paginate: usize,
    pub unsafe_html: bool,
    /// In `site.yaml` order; the defaults when `sections` is absent.
    pub sections: Vec<SectionConfig>,
    /// The header emblem: its path under `static/` (and in the output),
    /// `/`-separated; the built-in emblem when `None`.
    pub logo: Option<String>,
    /// The region of pages that name none.
    pub region: Option<String>,
    /// The main navigation as written; `None`: home, the sections, search.
    pub menu: Option<Vec<LinkConfig>>,
    pub footer: Footer,
    /// `compile:`: the faces of the printed booklet (`zhanting compile`).
    pub print: PrintConfig,
    /// `compilations:`: booklets built with the site.
    pub compilations: Vec<CompilationConfig>,
    /// `sources:`: the sites whose pages join this one (roll-up).
    pub sources: Vec<SourceConfig>,
}

pub const FILE_NAME: &str = "site.yaml";

const KEYS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "language",
    "theme",
    "paginate",
    "sections",
    "unsafe_html",
    "logo",
    "region",
    "menu",
    "footer",
    "compile",
    "compilations",
    "sources",
];
const SECTION_KEYS: &[&str] = &["title", "kind"];

/// The folder of plain pages; its pages have kind `page` and live at `/SLUG/`.
pub const PAGES_FOLDER: &str = "pages";

pub fn default_sections() -> Vec<SectionConfig> {
    [
        ("speeches", "领导讲话", Kind::Speech),
        ("cases", "典型案例", Kind::Case),
        ("brands", "一支部一品牌", Kind::Brand),
    ]
    .into_iter()
    .map(|(name, title, kind)| SectionConfig {
        name: name.into(),
        title: title.into(),
        kind,
    })
    .collect()
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "基层党建展示平台".into(),
            description: String::new(),
            base_url: "/".into(),
            language: "zh-CN".into(),
            theme: "default".into(),
            paginate: 20,
            unsafe_html: false,
            sections: default_sections(),
            logo: None,
            region: None,
            menu: None,
            footer: Footer::default(),
            print: PrintConfig::default(),
            compilations: vec![],
            sources: vec![],
        }
    }
}

/// Reads `ROOT/site.yaml`; messages name it `site.yaml`, relative to the site.
pub fn load(root: &Path) -> Result<Config, Vec<Diagnostic>> {
    let path = root.join(FILE_NAME);
    let shown = Path::new(FILE_NAME);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(vec![Diagnostic::err(
                shown,
                1,
                1,
                M::NoSiteYaml {
                    root: &root.display().to_string(),
                },
            )]);
        }
        Err(e) => {
            return Err(vec![Diagnostic::err(
                shown,
                1,
                1,
                M::CannotRead {
                    file: FILE_NAME,
                    error: &e.to_string(),
                },
            )])
        }
    };
    let text = match crate::text::decode_text(&bytes) {
        Ok(t) => t,
        Err(e) => return Err(vec![e.diagnostic(shown)]),
    };
    let cfg = parse(&text, shown)?;
    match &cfg.logo {
        Some(logo) if !furniture::logo_file(root, logo).is_file() => {
            let shown_logo = format!("{}/{logo}", crate::load::content::STATIC_DIR);
            Err(vec![Diagnostic::err(
                shown,
                line_of(&text, "logo:"),
                1,
                M::LogoMissing { logo: &shown_logo },
            )])
        }
        _ => Ok(cfg),
    }
}

/// A warning when `base_url` names no host (`/`, `/dangjian/`): the
/// sitemap and the feed then hold paths, not the full addresses search
/// engines and feed readers need (`None` too when site.yaml cannot be
/// read, which the build reports). Only `check` gives it: a preview or a
/// site opened from disk works without one.
pub fn base_url_note(root: &Path) -> Option<Diagnostic> {
    let bytes = std::fs::read(root.join(FILE_NAME)).ok()?;
    let text = crate::text::decode_text(&bytes).ok()?;
    let config = parse(&text, Path::new(FILE_NAME)).ok()?;
    if config.base_url.contains("://") {
        return None;
    }
    let line = line_of(&text, "base_url:");
    let col = text
        .lines()
        .nth(line - 1)
        .filter(|l| l.trim_start().starts_with("base_url:"))
        .map_or(1, |l| {
            l.find(':').map_or(1, |c| l[..c + 1].chars().count() + 2)
        });
    Some(Diagnostic::warn(
        Path::new(FILE_NAME),
        line,
        col,
        M::BaseUrlWithoutHost {
            base_url: &config.base_url,
        },
    ))
}

/// The language site.yaml asks for (`language: en` → English), Chinese
/// when it says nothing usable or cannot be read.
pub fn language_of(root: &Path) -> crate::msg::Lang {
    std::fs::read(root.join(FILE_NAME))
        .ok()
        .and_then(|b| crate::text::decode_text(&b).ok())
        .filter(|t| crate::load::yamlpos::too_deep(t).is_none())
        .and_then(|t| serde_yaml::from_str::<Value>(&t).ok())
        .and_then(|v| {
            v.get("language")
                .and_then(Value::as_str)
                .and_then(crate::msg::Lang::from_code)
        })
        .unwrap_or_default()
}

/// Parses the text of a `site.yaml`.
pub fn parse(text: &str, shown: &Path) -> Result<Config, Vec<Diagnostic>> {
    if let Some((line, col)) = crate::load::yamlpos::too_deep(text) {
        return Err(vec![Diagnostic::err(
            shown,
            line,
            col,
            M::TooDeep {
                max: crate::load::yamlpos::MAX_DEPTH,
            },
        )]);
    }
    let value: Value = if text.trim().is_empty() {
        Value::Mapping(Mapping::new())
    } else {
        serde_yaml::from_str(text).map_err(|e| vec![yaml_error(&e, text, shown, 0)])?
    };
    let map = match value {
        Value::Mapping(m) => m,
        Value::Null => Mapping::new(),
        _ => return Err(vec![Diagnostic::err(shown, 1, 1, M::SiteYamlNotMap)]),
    };
    let positions = key_positions(text, 0);
    let mut errors = Vec::new();
    let mut cfg = Config::default();
    let at = |key: &str| positions.get(key).copied().unwrap_or((1, 1));

    for (k, v) in &map {
        let Some(key) = k.as_str() else {
            errors.push(Diagnostic::err(shown, 1, 1, M::KeyNotText));
            continue;
        };
        let (line, col) = at(key);
        let err = |m: M| Diagnostic::err(shown, line, col, m);
        match key {
            "title" | "description" | "language" | "theme" | "base_url" => match scalar_string(v) {
                Some(s) => {
                    let s = s.trim().to_string();
                    match key {
                        "title" => cfg.title = s,
                        "description" => cfg.description = s,
                        "language" => cfg.language = s,
                        "theme" => {
                            if s.is_empty() || s.contains(['/', '\\']) || s.starts_with('.') {
                                errors.push(err(M::ThemeNotFolderName { theme: &s }));
                            } else {
                                cfg.theme = s
                            }
                        }
                        _ => cfg.base_url = normalize_base_url(&s),
                    }
                }
                None => errors.push(err(M::SiteValueNotText { key })),
            },
            "paginate" => match v.as_u64() {
                Some(n) if n > 0 => cfg.paginate = n as usize,
                _ => errors.push(err(M::PaginateNotPositive)),
            },
            "unsafe_html" => match v.as_bool() {
                Some(b) => cfg.unsafe_html = b,
                None => errors.push(err(M::SiteValueNotBool { key })),
            },
            "sections" => match parse_sections(v, text, shown) {
                Ok(s) => cfg.sections = s,
                Err(mut e) => errors.append(&mut e),
            },
            "logo" | "region" => match scalar_string(v).map(|s| s.trim().to_string()) {
                Some(s) if s.is_empty() => {}
                Some(s) if key == "region" => cfg.region = Some(s),
                Some(s) => match furniture::logo_path(&s) {
                    Some(p) => cfg.logo = Some(p),
                    None => errors.push(err(M::LogoOutside { logo: &s })),
                },
                None => errors.push(err(M::SiteValueNotText { key })),
            },
            "compile" => {
                let at = At {
                    shown,
                    text,
                    key_line: line,
                };
                cfg.print = crate::load::printing::parse_compile(v, &at, &mut errors);
            }
            "compilations" => {
                let at = At {
                    shown,
                    text,
                    key_line: line,
                };
                cfg.compilations = crate::load::printing::parse_compilations(v, &at, &mut errors);
            }
            "sources" => {
                let at = At {
                    shown,
                    text,
                    key_line: line,
                };
                cfg.sources = crate::load::sources::parse_sources(v, &at, &mut errors);
            }
            "menu" | "footer" => {
                let at = At {
                    shown,
                    text,
                    key_line: line,
                };
                if key == "menu" {
                    cfg.menu = Some(furniture::parse_links(v, "menu", &at, &mut errors));
                } else {
                    cfg.footer = furniture::parse_footer(v, &at, &mut errors);
                }
            }
            other => errors.push(unknown_key(shown, line, col, other, KEYS, None)),
        }
    }
    if errors.is_empty() {
        Ok(cfg)
    } else {
        Err(errors)
    }
}

fn unknown_key(
    shown: &Path,
    line: usize,
    col: usize,
    key: &str,
    known: &[&str],
    section: Option<&str>,
) -> Diagnostic {
    Diagnostic::err(
        shown,
        line,
        col,
        M::UnknownKey {
            key,
            section,
            nearest: nearest(key, known),
            known,
        },
    )
}

/// Reads the `sections:` mapping, in its order, each entry by
/// [`parse_section`]; every problem is reported.
fn parse_sections(
    v: &Value,
    text: &str,
    shown: &Path,
) -> Result<Vec<SectionConfig>, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut out = Vec::new();
    let Value::Mapping(m) = v else {
        return Err(vec![Diagnostic::err(
            shown,
            line_of(text, "sections"),
            1,
            M::SectionsNotMap,
        )]);
    };
    for (k, sv) in m {
        if let Some(section) = parse_section(k, sv, text, shown, &mut errors) {
            out.push(section);
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// One entry of `sections:` (`name: { title, kind }`); `None` when it is
/// refused, with its problems added to `errors` (which holds those of the
/// entries before it).
fn parse_section(
    k: &Value,
    sv: &Value,
    text: &str,
    shown: &Path,
    errors: &mut Vec<Diagnostic>,
) -> Option<SectionConfig> {
    let name = scalar_string(k).unwrap_or_default();
    let (line, col) = section_position(text, &name);
    if name.is_empty() || name.contains(['/', '\\', '.']) || name == PAGES_FOLDER {
        errors.push(Diagnostic::err(
            shown,
            line,
            col,
            M::BadSectionName { name: &name },
        ));
        return None;
    }
    let Value::Mapping(sm) = sv else {
        errors.push(Diagnostic::err(
            shown,
            line,
            col,
            M::SectionNeedsTitleAndKind { name: &name },
        ));
        return None;
    };
    let (title, kind) = section_fields(sm, &name, (line, col), shown, errors);
    let Some(kind) = kind else {
        if errors.is_empty() {
            errors.push(Diagnostic::err(
                shown,
                line,
                col,
                M::SectionNoKind { name: &name },
            ));
        }
        return None;
    };
    Some(SectionConfig {
        title: title.unwrap_or_else(|| name.clone()),
        name,
        kind,
    })
}

/// Where the entry of the section `name` is written in `site.yaml`: its
/// line and the column of its first character.
fn section_position(text: &str, name: &str) -> (usize, usize) {
    let line = line_of(text, &format!("{name}:"));
    let col = text
        .lines()
        .nth(line - 1)
        .map(|l| l.len() - l.trim_start().len() + 1)
        .unwrap_or(1);
    (line, col)
}

/// The `title` and `kind` of a section's entry `sm`, as given; an unknown
/// kind or key is an error at the entry's place `(line, col)`.
fn section_fields(
    sm: &Mapping,
    name: &str,
    (line, col): (usize, usize),
    shown: &Path,
    errors: &mut Vec<Diagnostic>,
) -> (Option<String>, Option<Kind>) {
    let mut title = None;
    let mut kind = None;
    for (sk, sval) in sm {
        let skey = sk.as_str().unwrap_or("");
        match skey {
            "title" => title = scalar_string(sval),
            "kind" => match sval.as_str().and_then(Kind::parse) {
                Some(k) if k != Kind::Page => kind = Some(k),
                _ => errors.push(Diagnostic::err(
                    shown,
                    line,
                    col,
                    M::SectionUnknownKind { name },
                )),
            },
            other => errors.push(unknown_key(
                shown,
                line,
                col,
                other,
                SECTION_KEYS,
                Some(name),
            )),
        }
    }
    (title, kind)
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.trim_start().starts_with(needle))
        .map(|i| i + 1)
        .unwrap_or(1)
}

/// `dangjian`, `/dangjian`, `http://x/dangjian` → `/dangjian/`, `http://x/dangjian/`.
pub fn normalize_base_url(s: &str) -> String {
    let s = s.trim();
    if s.is_empty() {
        return "/".into();
    }
    let mut out = if s.contains("://") || s.starts_with('/') {
        s.to_string()
    } else {
        format!("/{s}")
    };
    if !out.ends_with('/') {
        out.push('/');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> &'static Path {
        Path::new("site.yaml")
    }

    #[test]
    fn defaults_when_empty() {
        let c = parse("", p()).unwrap();
        assert_eq!(c, Config::default());
        assert_eq!(c.sections.len(), 3);
    }

    #[test]
    fn reads_all_keys() {
        let c = parse(
            "title: 展示\ndescription: 说明\nbase_url: dangjian\nlanguage: zh-CN\ntheme: red\npaginate: 5\nunsafe_html: true\nsections:\n  news: { title: 工作动态, kind: case }\n",
            p(),
        )
        .unwrap();
        assert_eq!(c.title, "展示");
        assert_eq!(c.base_url, "/dangjian/");
        assert_eq!(c.paginate, 5);
        assert!(c.unsafe_html);
        assert_eq!(
            c.sections,
            vec![SectionConfig {
                name: "news".into(),
                title: "工作动态".into(),
                kind: Kind::Case
            }]
        );
    }

    #[test]
    fn unknown_key_names_nearest() {
        let e = parse("title: x\npaginat: 3\n", p()).unwrap_err();
        assert_eq!(e.len(), 1);
        assert_eq!(
            e[0].in_lang(crate::msg::Lang::En).to_string(),
            "site.yaml:2:1: error: unknown key `paginat` in site.yaml\n  hint: did you mean `paginate`? Known keys: title, description, base_url, language, theme, paginate, sections, unsafe_html, logo, region, menu, footer, compile, compilations, sources"
        );
    }

    #[test]
    fn all_errors_at_once() {
        let e = parse("paginate: 0\nunsafe_html: maybe\ncolour: red\n", p()).unwrap_err();
        let lines: Vec<_> = e.iter().map(|d| (d.line, d.message.en.clone())).collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0].0, 1);
        assert_eq!(lines[1].0, 2);
        assert_eq!(
            lines[2],
            (3, "unknown key `colour` in site.yaml".to_string())
        );
    }

    #[test]
    fn yaml_syntax_error_has_position() {
        // The opening quote on line 2, column 14, is what is reported, not
        // where the parser gave up.
        let e = parse("title: 展示\ndescription: \"未闭合\nbase_url: /\n", p()).unwrap_err();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].path, Path::new("site.yaml"));
        assert_eq!((e[0].line, e[0].col), (2, 14));
        assert_eq!(e[0].message.en, "this quote is opened but never closed");
    }
}
