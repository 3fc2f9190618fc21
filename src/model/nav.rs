//! Where the links of `menu` and `footer.links` lead, now that the pages
//! and their addresses are known; and the navigation a site without a
//! `menu` gets (home, the sections, search).

use crate::diag::{Diagnostic, M};
use crate::load::config::{Config, FILE_NAME};
use crate::load::content::CONTENT_DIR;
use crate::load::furniture::LinkConfig;
use crate::urls::encode_path;
use rustc_hash::FxHashMap as HashMap;
use std::path::{Path, PathBuf};

/// A resolved link of the navigation or footer.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct NavLink {
    pub title: String,
    /// Relative to the output root and percent-encoded
    /// (`pages/about/index.html`), or a web address as written when
    /// `external`.
    pub url: String,
    pub external: bool,
    /// The section the link opens, so the page of any of its pages can
    /// mark it as where the reader is.
    pub section: Option<String>,
}

/// Home, each section in site order, search.
pub fn default_menu(config: &Config) -> Vec<NavLink> {
    let mut menu = vec![internal("首页", "index.html".into(), None)];
    menu.extend(config.sections.iter().map(|s| {
        internal(
            &s.title,
            format!("{}/index.html", encode_path(&s.name)),
            Some(s.name.clone()),
        )
    }));
    menu.push(internal("搜索", "search/index.html".into(), None));
    menu
}

fn internal(title: &str, url: String, section: Option<String>) -> NavLink {
    NavLink {
        title: title.to_string(),
        url,
        external: false,
        section,
    }
}

/// Resolves each written link; `urls` maps a page's source path
/// (`content/pages/about.md`) to its URL. A link to a page that is not
/// there is an error at its line of site.yaml.
pub fn resolve(
    links: &[LinkConfig],
    config: &Config,
    urls: &HashMap<PathBuf, String>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<NavLink> {
    links
        .iter()
        .filter_map(|l| match target(&l.url, config, urls) {
            Some((url, external, section)) => Some(NavLink {
                title: l.title.clone(),
                url,
                external,
                section,
            }),
            None => {
                diags.push(Diagnostic::err(
                    Path::new(FILE_NAME),
                    l.line,
                    l.col,
                    M::LinkLeadsNowhere { url: &l.url },
                ));
                None
            }
        })
        .collect()
}

/// (URL, external, section) of a written link, `None` when it names a
/// page that is not there.
fn target(
    written: &str,
    config: &Config,
    urls: &HashMap<PathBuf, String>,
) -> Option<(String, bool, Option<String>)> {
    let w = written.trim();
    if w.contains("://") || w.starts_with("mailto:") || w.starts_with("tel:") {
        return Some((w.to_string(), true, None));
    }
    if let Some(path) = w.strip_prefix('/') {
        // an address of this site: `/`, `/search/`, `/feed.xml`
        let (path, rest) = match path.find(['?', '#']) {
            Some(i) => path.split_at(i),
            None => (path, ""),
        };
        let file = if path.is_empty() || path.ends_with('/') {
            format!("{path}index.html")
        } else {
            path.to_string()
        };
        let section = config
            .sections
            .iter()
            .find(|s| file == format!("{}/index.html", s.name))
            .map(|s| s.name.clone());
        return Some((format!("{}{rest}", encode_path(&file)), false, section));
    }
    // a content path: `pages/about`, `cases/石门村.md`, or a section name
    let path = w.trim_end_matches('/');
    let path = path.strip_suffix(".md").unwrap_or(path);
    let content = Path::new(CONTENT_DIR);
    for candidate in [
        content.join(format!("{path}.md")),
        content.join(path).join("index.md"),
    ] {
        if let Some(url) = urls.get(&candidate) {
            return Some((url.clone(), false, None));
        }
    }
    config.sections.iter().find(|s| s.name == path).map(|s| {
        (
            format!("{}/index.html", encode_path(&s.name)),
            false,
            Some(s.name.clone()),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(url: &str, line: usize) -> LinkConfig {
        LinkConfig {
            title: format!("链接{line}"),
            url: url.into(),
            line,
            col: 5,
        }
    }

    #[test]
    fn links_lead_to_pages_sections_site_addresses_and_the_web() {
        let config = Config::default();
        let mut urls = HashMap::default();
        urls.insert(
            PathBuf::from("content/pages/about.md"),
            "about/index.html".to_string(),
        );
        urls.insert(
            PathBuf::from("content/cases/石门村/index.md"),
            "cases/%E7%9F%B3%E9%97%A8%E6%9D%91/index.html".to_string(),
        );
        let mut diags = vec![];
        let got = resolve(
            &[
                link("pages/about", 2),
                link("cases/石门村", 3),
                link("cases", 4),
                link("/", 5),
                link("/search/?q=党建", 6),
                link("https://www.12371.cn/", 7),
                link("pages/abot", 8),
            ],
            &config,
            &urls,
            &mut diags,
        );
        let got: Vec<(&str, bool, Option<&str>)> = got
            .iter()
            .map(|l| (l.url.as_str(), l.external, l.section.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                ("about/index.html", false, None),
                ("cases/%E7%9F%B3%E9%97%A8%E6%9D%91/index.html", false, None),
                ("cases/index.html", false, Some("cases")),
                ("index.html", false, None),
                ("search/index.html?q=党建", false, None),
                ("https://www.12371.cn/", true, None),
            ]
        );
        let messages: Vec<String> = diags
            .iter()
            .map(|d| d.in_lang(crate::msg::Lang::Zh).to_string())
            .collect();
        assert_eq!(messages.len(), 1);
        assert!(
            messages[0].starts_with("site.yaml:8:5: error: 链接 `pages/abot` 找不到对应的页面\n"),
            "{messages:?}"
        );
    }
}
