//! Roll-up: `sources:` of site.yaml names other sites (a city's counties)
//! whose pages join this one under `/KEY/…`.
//!
//! [`parse_sources`] reads the entries as written (`SourceConfig`, each
//! with its line); [`open`] finds each source's folder and reads its own
//! `site.yaml` into a [`Source`]; [`Source::changed`] picks out of a batch of
//! changed paths those under the source's folder. The pages themselves are
//! loaded by `content`, with the source's own configuration, and moved
//! under its key by [`crate::load::content::Page::moved_under`].

use crate::diag::{Diagnostic, M};
use crate::load::config::{self, Config, FILE_NAME};
use crate::load::content::{self, Changed, Joining, Library, LoadOptions, Origin};
use crate::load::furniture::{entries, At};
use serde_yaml::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One entry of `sources:`, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceConfig {
    /// The first part of the URL of the source's pages (`zhangyuan`).
    pub key: String,
    /// How readers see it (`章源县`); the key when not given.
    pub name: String,
    /// The source's site folder as written, relative to this site's folder
    /// (`../章源县`) or absolute.
    pub path: PathBuf,
    /// When given, the region of the source's pages that name none,
    /// instead of the source's own `region:`.
    pub region: Option<String>,
    /// Where the entry is written in site.yaml.
    pub line: usize,
    pub col: usize,
}

/// The fields of an entry of `sources:`.
pub const SOURCE_KEYS: &[&str] = &["key", "name", "path", "region"];

/// `sources:`: a list of `{ key, name, path, region }`. Every problem is
/// added to `errors`; the entries without one are returned.
pub fn parse_sources(v: &Value, at: &At, errors: &mut Vec<Diagnostic>) -> Vec<SourceConfig> {
    let Some(items) = entries(v, at, ("sources", SOURCE_KEYS, ["key", "path"])) else {
        errors.push(Diagnostic::err(at.shown, at.key_line, 1, M::SourcesNotList));
        return vec![];
    };
    let mut out: Vec<SourceConfig> = vec![];
    for entry in items {
        let field = |name: &str| entry.text(name);
        let (key, path) = (field("key"), field("path"));
        let (line, col) = (entry.line, entry.col);
        let err = |m: M| Diagnostic::err(at.shown, line, col, m);
        errors.extend_from_slice(&entry.unknown_fields);
        let (Some(key), Some(path)) = (key, path) else {
            errors.push(err(M::SourceNeedsKeyAndPath));
            continue;
        };
        if !is_key(&key) {
            errors.push(err(M::BadSourceKey { key: &key }));
            continue;
        }
        if let Some(first) = out.iter().find(|s| s.key == key) {
            errors.push(err(M::SourceKeyTwice {
                key: &key,
                first_line: first.line,
            }));
            continue;
        }
        if entry.unknown_fields.is_empty() {
            out.push(SourceConfig {
                name: field("name").unwrap_or_else(|| key.clone()),
                region: field("region"),
                key,
                path: PathBuf::from(path.replace('\\', "/")),
                line,
                col,
            });
        }
    }
    out
}

/// A key is one folder name of the URL: no `/`, `\`, `.`, space or `?#%`.
fn is_key(key: &str) -> bool {
    !key.is_empty()
        && !key
            .chars()
            .any(|c| c.is_whitespace() || "/\\.?#%".contains(c) || c.is_control())
}

/// A source whose folder was found, with its own configuration (the
/// entry's `region` put in place of the source's).
#[derive(Debug, Clone)]
pub struct Source {
    /// Its key, name and folder as written, which its pages carry.
    pub origin: Arc<Origin>,
    /// Its folder, joined to this site's.
    pub root: PathBuf,
    pub config: Config,
}

impl Source {
    /// What of `changed` (paths relative to the city's folder, as the
    /// watcher gives them) lies in this source's folder, relative to it.
    pub fn changed<'a>(&self, changed: &Changed<'_>, keep: &'a mut Vec<PathBuf>) -> Changed<'a> {
        match changed {
            Changed::Everything => Changed::Everything,
            Changed::Paths(paths) => {
                *keep = paths
                    .iter()
                    .filter_map(|p| p.strip_prefix(&self.origin.shown).ok())
                    .map(Path::to_path_buf)
                    .collect();
                Changed::Paths(keep)
            }
        }
    }
}

/// Finds every source of `config` (the site at `root`) and reads its
/// `site.yaml`. A folder that is missing or not a site, the city itself, a
/// source that rolls up others in turn: errors at the entry's line of
/// `site.yaml`; a source's own site.yaml errors at its lines there.
pub fn open(root: &Path, config: &Config) -> Result<Vec<Source>, Vec<Diagnostic>> {
    let mut errors = vec![];
    let mut out: Vec<Source> = vec![];
    let mut seen: Vec<(PathBuf, &str)> = vec![];
    let here = root.canonicalize().ok();
    let shown = Path::new(FILE_NAME);
    for s in &config.sources {
        let err = |m: M| Diagnostic::err(shown, s.line, s.col, m);
        let folder = root.join(&s.path);
        let path = crate::diag::display_path(&s.path);
        if !folder.is_dir() {
            errors.push(err(M::SourceMissing {
                key: &s.key,
                path: &path,
            }));
            continue;
        }
        if !folder.join(FILE_NAME).is_file() {
            errors.push(err(M::SourceNotSite {
                key: &s.key,
                path: &path,
            }));
            continue;
        }
        let canonical = folder.canonicalize().ok();
        if canonical.is_some() && canonical == here {
            errors.push(err(M::SourceIsThisSite { key: &s.key }));
            continue;
        }
        if let Some(c) = canonical {
            if let Some((_, first)) = seen.iter().find(|(p, _)| *p == c) {
                errors.push(err(M::SourceFolderTwice { key: &s.key, first }));
                continue;
            }
            seen.push((c, &s.key));
        }
        let origin = Origin {
            key: s.key.clone(),
            name: s.name.clone(),
            shown: s.path.clone(),
        };
        let mut own = match config::load(&folder) {
            Ok(c) => c,
            Err(e) => {
                errors.extend(e.into_iter().map(|d| origin.shown_here(d)));
                continue;
            }
        };
        if !own.sources.is_empty() {
            let loop_back = own.sources.iter().any(|o| {
                let theirs = folder.join(&o.path).canonicalize().ok();
                theirs.is_some() && theirs == here
            });
            errors.push(err(if loop_back {
                M::SourceLoop { key: &s.key }
            } else {
                M::SourceRollsUp { key: &s.key }
            }));
            continue;
        }
        if s.region.is_some() {
            own.region = s.region.clone();
        }
        out.push(Source {
            origin: Arc::new(origin),
            root: folder,
            config: own,
        });
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// The loaded files of a site and of each of its source sites (by key),
/// kept for the next load.
#[derive(Default)]
pub struct Caches {
    own: content::Cache,
    sources: std::collections::BTreeMap<String, content::Cache>,
}

/// Loads the content of the site at `root` and of each of its `sources`
/// (their pages made pages of this site as they load, see [`Joining`]) into
/// one library sorted by source path, reusing from `caches` what `changed`
/// does not reach: the site's own load sees the changed paths outside the
/// sources' folders, each source's those inside its folder.
pub fn load_all(
    (root, config, sources): (&Path, &Config, &[Source]),
    opts: LoadOptions<'_>,
    caches: &mut Caches,
    changed: &Changed<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Library {
    let own: Vec<PathBuf>;
    let own_changed = match changed {
        Changed::Paths(paths) if !sources.is_empty() => {
            own = paths
                .iter()
                .filter(|p| !sources.iter().any(|s| p.starts_with(&s.origin.shown)))
                .cloned()
                .collect();
            Changed::Paths(&own)
        }
        _ => *changed,
    };
    let mut library = content::load_with(root, config, opts, &mut caches.own, &own_changed, diags);
    caches
        .sources
        .retain(|key, _| sources.iter().any(|s| &s.origin.key == key));
    for source in sources {
        let joining = Joining::new(&source.origin, &source.config, (root, config));
        let mut theirs = vec![];
        let joined = content::load_with(
            &source.root,
            &source.config,
            LoadOptions {
                joining: Some(&joining),
                ..opts
            },
            caches.sources.entry(source.origin.key.clone()).or_default(),
            &source.changed(changed, &mut theirs),
            diags,
        );
        library.pages.extend(joined.pages);
    }
    if !sources.is_empty() {
        library.pages.sort_by(|a, b| a.source.cmp(&b.source));
    }
    library
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(yaml: &str) -> Result<Config, Vec<Diagnostic>> {
        config::parse(yaml, Path::new("site.yaml"))
    }

    #[test]
    fn entries_read_with_their_lines() {
        let c = parse(
            "title: 市\nsources:\n  - { key: zhangyuan, name: 章源县, path: ../章源县 }\n  - key: hetang\n    path: ../禾塘县\n    region: 江西省赣州市禾塘县\n",
        )
        .unwrap();
        let got: Vec<_> = c
            .sources
            .iter()
            .map(|s| {
                (
                    s.key.as_str(),
                    s.name.as_str(),
                    s.path.to_str().unwrap(),
                    s.region.as_deref(),
                    s.line,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("zhangyuan", "章源县", "../章源县", None, 3),
                (
                    "hetang",
                    "hetang",
                    "../禾塘县",
                    Some("江西省赣州市禾塘县"),
                    4
                ),
            ]
        );
    }

    #[test]
    fn a_key_twice_a_bad_key_a_missing_path_and_an_unknown_field_are_errors_at_their_lines() {
        let e = parse(
            "sources:\n  - { key: a, path: ../a }\n  - { key: a, path: ../b }\n  - { key: x/y, path: ../c }\n  - { key: d }\n  - { key: e, path: ../e, titel: 县 }\n",
        )
        .unwrap_err();
        let got: Vec<_> = e.iter().map(|d| (d.line, d.message.zh.clone())).collect();
        assert_eq!(
            got,
            vec![
                (3, "来源的 key `a` 写了两次（第 2 行已有）".to_string()),
                (4, "来源的 key `x/y` 不能用作网址里的一层文件夹".to_string()),
                (
                    5,
                    "`sources` 的每一项都要写 key（网址里的名字）和 path（那个网站的文件夹）"
                        .to_string()
                ),
                (6, "`sources` 中没有 `titel` 这一项".to_string()),
            ]
        );
    }

    #[test]
    fn sources_not_a_list() {
        let e = parse("title: 市\nsources: ../章源县\n").unwrap_err();
        assert_eq!(
            (e[0].line, e[0].message.zh.as_str()),
            (2, "`sources` 应是一串来源网站，每项一行")
        );
    }

    #[test]
    fn changed_paths_under_a_source_are_its_own() {
        let s = Source {
            origin: Arc::new(Origin {
                key: "zy".into(),
                name: "章源县".into(),
                shown: PathBuf::from("../章源县"),
            }),
            root: PathBuf::from("/city/../章源县"),
            config: Config::default(),
        };
        let paths = [
            PathBuf::from("../章源县/content/cases/a.md"),
            PathBuf::from("content/cases/b.md"),
            PathBuf::from("../章源县县/content/c.md"),
        ];
        let mut keep = vec![];
        let Changed::Paths(mine) = s.changed(&Changed::Paths(&paths), &mut keep) else {
            panic!("a batch of paths stays a batch of paths");
        };
        assert_eq!(mine, &[PathBuf::from("content/cases/a.md")]);
    }
}
