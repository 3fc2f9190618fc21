//! What a file-system change means for the build.
//!
//! [`classify`] is the one place that decides, from a path alone, whether a
//! change under the site folder matters and how much must be rebuilt. It is a
//! pure function (no disk access) so that it can be tested exhaustively; the
//! watcher ([`crate::live::watch`]) feeds it every path notify reports and merges
//! the answers with [`ChangeKind::merge`].
//!
//! Editors save in odd ways: Vim writes `4913` and `file.md~`, Emacs
//! `.#file.md` and `#file.md#`, JetBrains `file.md___jb_tmp___`, others write
//! `.file.md.swp`, `file.md.tmp` or `~$file.docx` and rename over the real file.
//! The temporary names are ignored; the final rename reports the real path,
//! which is classified normally.

use std::path::{Component, Path};

/// How much a change requires, from least to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeKind {
    /// Irrelevant: output folder, editor temp files, hidden files, `.git`.
    Ignore,
    /// A file under `static/`: copied as is.
    Static,
    /// A Markdown page or an attachment under `content/`.
    Content,
    /// A template or asset under `themes/`.
    Theme,
    /// `site.yaml`: everything may change.
    Config,
}

impl ChangeKind {
    /// The larger of two changes (a batch needs what its biggest change needs).
    pub fn merge(self, other: ChangeKind) -> ChangeKind {
        self.max(other)
    }
}

/// Classifies a changed `path` (absolute, or relative to the site) for the
/// site at `root`, whose build output goes to `output`.
pub fn classify(root: &Path, output: &Path, path: &Path) -> ChangeKind {
    if path.starts_with(output) {
        return ChangeKind::Ignore;
    }
    let rel = match path.strip_prefix(root) {
        Ok(r) => r,
        Err(_) if path.is_relative() => path,
        Err(_) => return ChangeKind::Ignore,
    };
    let parts: Vec<&str> = match rel
        .components()
        .map(|c| match c {
            Component::Normal(s) => s.to_str(),
            _ => None,
        })
        .collect::<Option<Vec<_>>>()
    {
        Some(p) if !p.is_empty() => p,
        _ => return ChangeKind::Ignore,
    };
    if parts.iter().any(|p| is_hidden_or_temp(p)) {
        return ChangeKind::Ignore;
    }
    match parts[0] {
        "site.yaml" | "site.yml" if parts.len() == 1 => ChangeKind::Config,
        "content" if parts.len() > 1 => ChangeKind::Content,
        // A change to the folder itself (created, removed, renamed).
        "content" => ChangeKind::Content,
        "static" => ChangeKind::Static,
        "themes" => ChangeKind::Theme,
        _ => ChangeKind::Ignore,
    }
}

/// A source site's folder as the watcher sees it (roll-up, `sources:`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFolder {
    /// The folder itself, links resolved (as the watcher reports paths).
    pub root: std::path::PathBuf,
    /// The folder as written in site.yaml (`../章源县`): the build takes a
    /// source's changed paths under it.
    pub shown: std::path::PathBuf,
}

/// Classifies a changed `path` for a site that rolls up `sources`: a path
/// in a source's folder is the site's content when it is the source's
/// content, its configuration when it is the source's `site.yaml`, and
/// nothing else (the source's own theme and `static/` are not used), and
/// is given back as the build sees it (under the folder as written); any
/// other path as [`classify`] says.
pub fn classify_rolled_up(
    root: &Path,
    sources: &[SourceFolder],
    output: &Path,
    path: &Path,
) -> (ChangeKind, std::path::PathBuf) {
    for s in sources {
        if let Ok(rel) = path.strip_prefix(&s.root) {
            let kind = match classify(&s.root, output, path) {
                k @ (ChangeKind::Content | ChangeKind::Config) => k,
                _ => ChangeKind::Ignore,
            };
            return (kind, s.shown.join(rel));
        }
    }
    (classify(root, output, path), path.to_path_buf())
}

/// Editor backups, swap and lock files, and hidden files and folders.
fn is_hidden_or_temp(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    name.starts_with('.')
        || name.starts_with('#')
        || name.starts_with("~$")
        || name.ends_with('~')
        || name == "4913"
        || [
            ".swp",
            ".swx",
            ".swo",
            ".tmp",
            ".temp",
            ".bak",
            ".part",
            ".crdownload",
            "___jb_tmp___",
            "___jb_old___",
        ]
        .iter()
        .any(|s| lower.ends_with(s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ChangeKind::*;

    fn c(p: &str) -> ChangeKind {
        classify(Path::new("/site"), Path::new("/site/output"), Path::new(p))
    }

    #[test]
    fn classifies_by_folder() {
        assert_eq!(c("/site/site.yaml"), Config);
        assert_eq!(c("/site/content/speeches/讲话.md"), Content);
        assert_eq!(c("/site/content/cases/x/photo.jpg"), Content);
        assert_eq!(c("/site/content/新栏目"), Content);
        assert_eq!(c("/site/content"), Content);
        assert_eq!(c("/site/static/files/a.pdf"), Static);
        assert_eq!(c("/site/themes/default/templates/page.html"), Theme);
        assert_eq!(c("content/speeches/a.md"), Content);
    }

    #[test]
    fn ignores_output_and_outside() {
        assert_eq!(c("/site/output/index.html"), Ignore);
        assert_eq!(c("/site/.output.staging/index.html"), Ignore);
        assert_eq!(c("/elsewhere/content/a.md"), Ignore);
        assert_eq!(c("/site"), Ignore);
        assert_eq!(c("/site/README.md"), Ignore);
        // the cache of resized photos (`load::images::CACHE_DIR`)
        assert_eq!(c("/site/.zhanting/cache/images/0a1b-1600.jpg"), Ignore);
        assert_eq!(c("/site/content/sub/site.yaml"), Content);
        assert_eq!(c("/site/docs/site.yaml"), Ignore);
        assert_eq!(c("/site/../site/content/a.md"), Ignore);
        // An output folder outside the site is also ignored wherever it is.
        assert_eq!(
            classify(
                Path::new("/site"),
                Path::new("/srv/www"),
                Path::new("/srv/www/a.html")
            ),
            Ignore
        );
    }

    #[test]
    fn ignores_editor_temp_files() {
        for p in [
            "/site/content/a.md~",
            "/site/content/.a.md.swp",
            "/site/content/.#a.md",
            "/site/content/#a.md#",
            "/site/content/4913",
            "/site/content/a.md.tmp",
            "/site/content/a.md___jb_tmp___",
            "/site/content/~$稿子.docx",
            "/site/content/.git/index",
            "/site/.git/HEAD",
            "/site/site.yaml.swp",
            "/site/.site.yaml.swp",
            "/site/themes/default/.DS_Store",
        ] {
            assert_eq!(c(p), Ignore, "{p}");
        }
    }

    #[test]
    fn a_source_sites_content_and_site_yaml_count_the_rest_does_not() {
        let sources = [SourceFolder {
            root: "/county".into(),
            shown: "../章源县".into(),
        }];
        let c = |p: &str| {
            let (k, p) = classify_rolled_up(
                Path::new("/city"),
                &sources,
                Path::new("/city/output"),
                Path::new(p),
            );
            (k, p.to_string_lossy().into_owned())
        };
        assert_eq!(
            c("/county/content/cases/a.md"),
            (Content, "../章源县/content/cases/a.md".into())
        );
        assert_eq!(
            c("/county/site.yaml"),
            (Config, "../章源县/site.yaml".into())
        );
        assert_eq!(c("/county/themes/default/templates/page.html").0, Ignore);
        assert_eq!(c("/county/static/a.pdf").0, Ignore);
        assert_eq!(c("/county/content/.a.md.swp").0, Ignore);
        assert_eq!(c("/county/output/index.html").0, Ignore);
        assert_eq!(
            c("/city/content/cases/b.md"),
            (Content, "/city/content/cases/b.md".into())
        );
        assert_eq!(c("/elsewhere/content/b.md").0, Ignore);
    }

    #[test]
    fn merge_keeps_the_biggest() {
        assert_eq!(Ignore.merge(Content), Content);
        assert_eq!(Config.merge(Static), Config);
        assert_eq!(Static.merge(Content).merge(Theme), Theme);
    }
}
