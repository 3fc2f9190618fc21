//! The theme: the built-in one embedded in the binary, overridable file by
//! file from `ROOT/themes/NAME/` (as in Zola's `components/templates`).

use crate::diag::Diagnostic;
use include_dir::{include_dir, Dir};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tera::Tera;

/// The built-in theme, from `themes/default/` of this repository.
pub static BUILTIN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// A static asset of the theme.
#[derive(Debug, Clone)]
pub enum AssetSource {
    Builtin(&'static [u8]),
    File(PathBuf),
}

pub struct Theme {
    pub tera: Tera,
    /// Output path (relative, `/`-separated) → source: theme assets and the
    /// site's `static/` files.
    pub assets: BTreeMap<String, AssetSource>,
    /// Where each template came from, for error messages.
    pub origins: BTreeMap<String, PathBuf>,
}

impl Theme {
    pub fn has_template(&self, name: &str) -> bool {
        self.tera.get_template_names().any(|n| n == name)
    }
}

/// Template name → (where it came from, its text).
type Templates = BTreeMap<String, (PathBuf, String)>;

/// Loads the built-in theme with the site's overrides from `ROOT/themes/NAME/`.
pub fn load(root: &Path, name: &str) -> Result<Theme, Vec<Diagnostic>> {
    let (mut templates, mut assets) = builtin_files();
    let mut errors = vec![];
    let site_theme = root.join("themes").join(name);
    if name != "default" && !site_theme.is_dir() {
        errors.push(Diagnostic::err(
            "site.yaml",
            1,
            1,
            crate::diag::M::ThemeNotFound { name },
        ));
    }
    site_overrides(root, &site_theme, &mut templates, &mut assets, &mut errors);
    let (tera, origins) = make_tera(templates, &mut errors);
    if errors.is_empty() {
        Ok(Theme {
            tera,
            assets,
            origins,
        })
    } else {
        Err(errors)
    }
}

/// The built-in theme's templates and static assets, by name.
fn builtin_files() -> (Templates, BTreeMap<String, AssetSource>) {
    let mut templates = Templates::new();
    let mut assets = BTreeMap::new();
    for file in files_of(&BUILTIN) {
        let p = file.path().to_string_lossy().replace('\\', "/");
        if let Some(t) = p.strip_prefix("templates/") {
            let text = String::from_utf8_lossy(file.contents()).into_owned();
            templates.insert(
                t.to_string(),
                (Path::new("(built-in theme)").join(&p), text),
            );
        } else if let Some(s) = p.strip_prefix("static/") {
            assets.insert(s.to_string(), AssetSource::Builtin(file.contents()));
        }
    }
    (templates, assets)
}

/// Walks the site's theme folder and its own `static/` folder, each file
/// replacing the one of the same name; unreadable templates and unsafe
/// SVG files are errors.
fn site_overrides(
    root: &Path,
    site_theme: &Path,
    templates: &mut Templates,
    assets: &mut BTreeMap<String, AssetSource>,
    errors: &mut Vec<Diagnostic>,
) {
    // Later sources win: the built-in theme, the site's theme, the site's
    // own `static/` folder (copied verbatim to the output root).
    let site_static = root.join(crate::load::content::STATIC_DIR);
    for (dir, is_templates) in [
        (site_theme.join("templates"), true),
        (site_theme.join("static"), false),
        (site_static, false),
    ] {
        for e in walkdir::WalkDir::new(&dir)
            .sort_by_file_name()
            .into_iter()
            .flatten()
        {
            if !e.file_type().is_file() {
                continue;
            }
            let Ok(inner) = e.path().strip_prefix(&dir) else {
                continue;
            };
            let inner = inner.to_string_lossy().replace('\\', "/");
            let shown = e
                .path()
                .strip_prefix(root)
                .unwrap_or(e.path())
                .to_path_buf();
            if is_templates {
                override_template(e.path(), inner, shown, templates, errors);
            } else {
                override_asset(e.path(), inner, shown, assets, errors);
            }
        }
    }
}

/// Reads the site's template at `path` (shown as `shown`) in place of the
/// one named `inner`.
fn override_template(
    path: &Path,
    inner: String,
    shown: PathBuf,
    templates: &mut Templates,
    errors: &mut Vec<Diagnostic>,
) {
    match std::fs::read(path)
        .map_err(|e| crate::diag::Msg::from(e.to_string()))
        .and_then(|b| crate::text::decode_text(&b).map_err(|e| e.message().texts().0))
    {
        Ok(text) => {
            templates.insert(inner, (shown, text));
        }
        Err(msg) => errors.push(Diagnostic::error(shown, 1, 1, msg)),
    }
}

/// Takes the site's asset at `path` (shown as `shown`) as the one named
/// `inner`, unless it is an SVG file that may not be published.
fn override_asset(
    path: &Path,
    inner: String,
    shown: PathBuf,
    assets: &mut BTreeMap<String, AssetSource>,
    errors: &mut Vec<Diagnostic>,
) {
    if let Some(problem) = crate::load::svg::check_file(path) {
        let file = crate::diag::display_path(&shown);
        errors.push(Diagnostic::err(
            &shown,
            1,
            1,
            crate::diag::M::UnsafeSvg {
                file: &file,
                problem: &problem,
            },
        ));
    } else {
        assets.insert(inner, AssetSource::File(path.to_path_buf()));
    }
}

/// Tera set up for the theme (autoescape, HTML escaping, the `xml` filter)
/// with every template added, and where each template came from.
fn make_tera(
    templates: Templates,
    errors: &mut Vec<Diagnostic>,
) -> (Tera, BTreeMap<String, PathBuf>) {
    let origins: BTreeMap<String, PathBuf> = templates
        .iter()
        .map(|(k, (p, _))| (k.clone(), p.clone()))
        .collect();
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".htm", ".xml"]);
    tera.set_escape_fn(escape_html);
    tera.register_filter("xml", XmlFilter);
    let list: Vec<(String, String)> = templates.into_iter().map(|(k, (_, t))| (k, t)).collect();
    if let Err(e) = tera.add_raw_templates(list) {
        errors.push(template_error(&e, &origins));
    }
    (tera, origins)
}

/// The templates' `xml` filter: text escaped for XML by
/// [`xml`], which also leaves out the characters XML 1.0
/// forbids (so `feed.xml` and `sitemap.xml` always parse); its output is
/// not escaped again.
struct XmlFilter;

impl tera::Filter for XmlFilter {
    fn filter(
        &self,
        value: &tera::Value,
        _: &std::collections::HashMap<String, tera::Value>,
    ) -> tera::Result<tera::Value> {
        let text = match value {
            tera::Value::String(s) => xml(s),
            tera::Value::Null => String::new(),
            other => xml(&other.to_string()),
        };
        Ok(tera::Value::String(text))
    }

    fn is_safe(&self) -> bool {
        true
    }
}

/// Text escaped for XML; characters XML 1.0 does not allow (control
/// characters a hand-written page may hold) are left out, so the feed and
/// the sitemap always parse.
pub fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c < ' ' || c == '\u{7f}' || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Escapes text for HTML text and quoted attributes. Unlike Tera's default it
/// leaves `/` alone, so URLs stay readable and pages stay small.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn files_of(dir: &'static Dir<'static>) -> Vec<&'static include_dir::File<'static>> {
    let mut out: Vec<_> = dir.files().collect();
    for d in dir.dirs() {
        out.extend(files_of(d));
    }
    out.sort_by_key(|f| f.path());
    out
}

/// A Tera error as a diagnostic on the template file, with the line and
/// column Tera gives (`--> 3:5`) when it gives them.
pub fn template_error(e: &tera::Error, origins: &BTreeMap<String, PathBuf>) -> Diagnostic {
    let chain = error_chain(e);
    let name = origins
        .keys()
        .find(|k| chain.contains(&format!("'{k}'")))
        .cloned()
        .unwrap_or_default();
    let path = origins
        .get(&name)
        .cloned()
        .unwrap_or_else(|| PathBuf::from("themes"));
    let (line, col) = chain
        .split("--> ")
        .nth(1)
        .and_then(|rest| {
            let mut it = rest
                .split(|c: char| !c.is_ascii_digit())
                .filter(|s| !s.is_empty());
            Some((it.next()?.parse().ok()?, it.next()?.parse().ok()?))
        })
        .unwrap_or((1, 1));
    let message = chain
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    Diagnostic::err(
        path,
        line,
        col,
        crate::diag::M::TemplateError { message: &message },
    )
}

/// The error and its causes on one line each.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        out.push('\n');
        out.push_str(&s.to_string());
        src = s.source();
    }
    out
}
