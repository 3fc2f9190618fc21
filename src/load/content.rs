//! Loading `content/`: every Markdown file becomes a [`Page`] with resolved
//! front matter, its URL and the files it brings along (bundle assets,
//! attachments, cover, logo). The result is the [`Library`]: the pages in a
//! list sorted by source path, and the section intros by section name.
//! Nothing here renders Markdown.

use crate::diag::{Diagnostic, M};
use crate::load::config::{Config, Kind, PAGES_FOLDER};
use crate::load::frontmatter::{self, FrontMatter, Located};
use crate::load::images::{self, Picture};
use crate::load::topic::{Topic, TOPICS_FOLDER};
use crate::urls;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use walkdir::WalkDir;

pub const CONTENT_DIR: &str = "content";
pub const STATIC_DIR: &str = "static";

/// A file a page brings along, copied into the output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    /// Absolute (or root-joined) source path.
    pub source: PathBuf,
    /// Output path relative to the output root, `/`-separated, not encoded.
    pub dest: String,
}

/// An attachment as readers see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub name: String,
    /// Relative to the site root, percent-encoded.
    pub url: String,
    pub bytes: u64,
}

/// A photo of a page's 图集.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GalleryPhoto {
    /// The original's output path, percent-encoded.
    pub url: String,
    pub caption: Option<String>,
}

/// One page of the site, before its Markdown is rendered.
#[derive(Debug, Clone)]
pub struct Page {
    /// Relative to the site root (`content/cases/x.md`): the key of the library
    /// and the path shown in messages.
    pub source: PathBuf,
    /// Section folder (`cases`), or `pages` for plain pages.
    pub section: String,
    pub kind: Kind,
    pub slug: String,
    /// Output folder relative to the output root (`cases/x/`), not encoded.
    pub dir: String,
    /// `dir` + `index.html`, percent-encoded: the page's link target.
    pub url: String,
    pub meta: FrontMatter,
    pub body: String,
    /// Line of the first body line in the source file.
    pub body_line: usize,
    pub assets: Vec<Asset>,
    pub attachments: Vec<Attachment>,
    pub cover: Option<String>,
    pub logo: Option<String>,
    /// The 图集 (`gallery`), in the order written.
    pub gallery: Vec<GalleryPhoto>,
    /// The page's JPEG and PNG images inside `content/` (in its text, its
    /// cover and its gallery) by the original's percent-encoded output
    /// path, with the smaller sizes they are published in
    /// ([`images::prepare`]).
    pub pictures: BTreeMap<String, Picture>,
    /// Where each region, sector, speaker and tag value is written in the
    /// source file (line, col), for messages about taxonomy terms.
    pub term_at: Vec<(String, usize, usize)>,
    /// Line of the `title:` key, where messages about the whole page point.
    pub title_line: usize,
    /// [`crate::text::text_fingerprint`] of the body: pages with the same
    /// one are reported as the same text.
    pub text_key: Option<u64>,
    /// The title folded by [`crate::text::fold_for_sameness`]: pages with
    /// the same one and the same date are reported as the same page.
    pub title_key: String,
    /// The site of `sources:` the page comes from; `None` for the site's own.
    pub origin: Option<Arc<Origin>>,
}

/// A source site a page comes from (roll-up, `sources:` of site.yaml).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The first folder of its pages' addresses.
    pub key: String,
    /// Its name as readers see it (`章源县`).
    pub name: String,
    /// Its folder as written in site.yaml (`../章源县`).
    pub shown: PathBuf,
}

impl Origin {
    /// A message about one of the source's own files, pointed at it from
    /// this site's folder: `content/cases/x.md` becomes
    /// `../章源县/content/cases/x.md`.
    pub fn shown_here(&self, d: Diagnostic) -> Diagnostic {
        Diagnostic {
            path: self.shown.join(&d.path),
            ..d
        }
    }
}

impl Page {
    /// The page of a source site, loaded there, made a page of this one:
    /// its address and every file it publishes under `KEY/`, its source
    /// path under the source's folder as written (so messages point at the
    /// file), in the section `section` of this site. Every field is named,
    /// so a new one does not compile until it is handled here.
    pub fn moved_under(self, origin: &Arc<Origin>, section: String) -> Page {
        let Page {
            source,
            section: _,
            kind,
            slug,
            dir,
            url,
            meta,
            body,
            body_line,
            assets,
            attachments,
            cover,
            logo,
            gallery,
            pictures,
            term_at,
            title_line,
            text_key,
            title_key,
            origin: _,
        } = self;
        let key = origin.key.as_str();
        let out = |dest: String| format!("{key}/{dest}");
        let encoded = urls::encode_path(key);
        let link = |url: String| format!("{encoded}/{url}");
        Page {
            source: origin.shown.join(source),
            section,
            kind,
            slug,
            dir: out(dir),
            url: link(url),
            meta,
            body,
            body_line,
            assets: assets
                .into_iter()
                .map(|a| Asset {
                    source: a.source,
                    dest: out(a.dest),
                })
                .collect(),
            attachments: attachments
                .into_iter()
                .map(|a| Attachment {
                    url: link(a.url),
                    ..a
                })
                .collect(),
            cover: cover.map(link),
            logo: logo.map(link),
            gallery: gallery
                .into_iter()
                .map(|g| GalleryPhoto {
                    url: link(g.url),
                    ..g
                })
                .collect(),
            pictures: pictures
                .into_iter()
                .map(|(k, p)| (link(k), p.moved_under(key)))
                .collect(),
            term_at,
            title_line,
            text_key,
            title_key,
            origin: Some(origin.clone()),
        }
    }

    /// The page's source path in its own site's folder (`content/…`): the
    /// source path itself for this site's pages, without the source's
    /// folder for a source's.
    pub fn own_path(&self) -> &Path {
        match &self.origin {
            Some(o) => self.source.strip_prefix(&o.shown).unwrap_or(&self.source),
            None => &self.source,
        }
    }
}

/// Intro text of the home page or a section (`_index.md`).
#[derive(Debug, Clone, Default)]
pub struct Intro {
    pub body: String,
}

/// Everything under `content/`: the pages sorted by source path, the
/// intros (`_index.md`) by section name.
#[derive(Debug, Clone, Default)]
pub struct Library {
    /// Sorted by source path. Shared with the cache of the next load, which
    /// reuses unchanged pages.
    pub pages: Vec<Arc<Page>>,
    /// `""` for `content/_index.md`, else the section name.
    pub intros: BTreeMap<String, Intro>,
    /// The 专题 of `content/topics/`, sorted by source path.
    pub topics: Vec<Arc<Topic>>,
}

/// Options of one load.
#[derive(Debug, Clone, Copy)]
pub struct LoadOptions<'a> {
    pub drafts: bool,
    /// Make the smaller sizes of photos that the cache does not hold yet
    /// ([`images::prepare`]); false for `check`, which writes nothing: the
    /// sizes are then only worked out.
    pub make_sizes: bool,
    /// The load of a source site's folder (roll-up): its pages are made
    /// pages of this site as they are loaded (and cached so), its messages
    /// point at its files from this site's folder.
    pub joining: Option<&'a Joining>,
}

/// Where a load reads and what it may write: the site folder it reads
/// (`root`), the site folder whose cache of resized photos it uses
/// (`cache`: the same, but this site's for a source site's load, so
/// nothing is written into a source's folder), and whether it makes the
/// sizes missing from the cache.
#[derive(Debug, Clone, Copy)]
struct Disk<'a> {
    root: &'a Path,
    cache: &'a Path,
    make_sizes: bool,
}

/// Where a source's pages go in this site (roll-up).
#[derive(Debug, Clone)]
pub struct Joining {
    pub origin: Arc<Origin>,
    /// This site's folder, which holds the cache of resized photos.
    pub cache: PathBuf,
    /// A section of the source → the section of this site its pages join.
    pub sections: BTreeMap<String, String>,
}

impl Joining {
    /// A source's pages join this site's section of the same name, else
    /// its first section of the same kind; plain pages stay plain pages.
    pub fn new(origin: &Arc<Origin>, own: &Config, (root, here): (&Path, &Config)) -> Joining {
        let sections = own
            .sections
            .iter()
            .map(|s| {
                let to = here
                    .sections
                    .iter()
                    .find(|h| h.name == s.name)
                    .or_else(|| here.sections.iter().find(|h| h.kind == s.kind))
                    .map_or(&s.name, |h| &h.name);
                (s.name.clone(), to.clone())
            })
            .collect();
        Joining {
            origin: origin.clone(),
            cache: root.to_path_buf(),
            sections,
        }
    }

    fn page(&self, page: Page) -> Page {
        let section = self
            .sections
            .get(&page.section)
            .cloned()
            .unwrap_or_else(|| page.section.clone());
        page.moved_under(&self.origin, section)
    }
}

/// Files loaded by an earlier run, kept to be reused while unchanged.
/// Valid for one `site.yaml` and one set of [`LoadOptions`].
#[derive(Default)]
pub struct Cache {
    /// Every content file of the last run, in the walk's order (which is
    /// the order of their paths), with what it loaded to.
    files: Vec<(Found, Cached)>,
    /// The last walk found its files without errors: while no file comes
    /// or goes, `files` lists them all.
    complete: bool,
}

struct Cached {
    loaded: Option<Loaded>,
    diags: Vec<Diagnostic>,
    /// Every file and folder the load looked at.
    reads: ReadSet,
}

/// A path a load looked at, relative to the site folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Read {
    /// A file read, or looked up (found or not): a change of it, or of a
    /// folder above it, reaches the load.
    File(PathBuf),
    /// A folder walked: a change of anything under it reaches the load too.
    Tree(PathBuf),
}

impl Read {
    /// True when a change of the path `changed` may change what this read saw.
    pub fn touched_by(&self, changed: &Path) -> bool {
        match self {
            Read::File(r) => is_under(r, changed),
            Read::Tree(r) => is_under(r, changed) || is_under(changed, r),
        }
    }
}

/// The read set of one content file's load: every file it reads, stats or
/// looks for in vain, and every folder it walks, recorded by the functions
/// below as they touch the disk (the loading code reaches the disk only
/// through them), so the set cannot forget a file the load depends on.
#[derive(Debug, Default)]
pub struct ReadSet {
    reads: Vec<Read>,
}

impl ReadSet {
    fn note(&mut self, read: Read) {
        if !self.reads.contains(&read) {
            self.reads.push(read);
        }
    }

    /// True when a change of one of `changed` may change what was read.
    pub fn touched_by(&self, changed: &[PathBuf]) -> bool {
        changed
            .iter()
            .any(|p| self.reads.iter().any(|r| r.touched_by(p)))
    }

    /// Reads the file `rel` (relative to `root`).
    fn read(&mut self, root: &Path, rel: &Path) -> std::io::Result<Vec<u8>> {
        self.note(Read::File(rel.to_path_buf()));
        std::fs::read(root.join(rel))
    }

    /// The metadata of `rel`, links followed.
    fn metadata(&mut self, root: &Path, rel: &Path) -> std::io::Result<std::fs::Metadata> {
        self.note(Read::File(rel.to_path_buf()));
        std::fs::metadata(root.join(rel))
    }

    /// The metadata of `rel` itself (a link is not followed).
    fn symlink_metadata(&mut self, root: &Path, rel: &Path) -> std::io::Result<std::fs::Metadata> {
        self.note(Read::File(rel.to_path_buf()));
        std::fs::symlink_metadata(root.join(rel))
    }

    /// [`resolves_inside`] for `rel`; where links lead elsewhere, the
    /// place they lead to is read too.
    fn resolves_inside(&mut self, root: &Path, site: Option<&Path>, rel: &Path) -> bool {
        self.note(Read::File(rel.to_path_buf()));
        match inside_site(site, &root.join(rel)) {
            Some(inner) => {
                if inner != rel {
                    self.note(Read::File(inner));
                }
                true
            }
            None => false,
        }
    }

    /// [`crate::load::svg::check_file`] for `rel`.
    fn svg_problem(&mut self, root: &Path, rel: &Path) -> Option<crate::load::svg::SvgProblem> {
        self.note(Read::File(rel.to_path_buf()));
        crate::load::svg::check_file(&root.join(rel))
    }

    /// Walks the folder `rel`, sorted by name.
    fn walk(&mut self, root: &Path, rel: &Path) -> WalkDir {
        self.note(Read::Tree(rel.to_path_buf()));
        WalkDir::new(root.join(rel)).sort_by_file_name()
    }
}

/// Which files changed since the run that filled the cache.
#[derive(Clone, Copy)]
pub enum Changed<'a> {
    /// Unknown: load everything again.
    Everything,
    /// These paths (relative to the site folder): files created, written
    /// or deleted, or folders created, renamed or deleted.
    Paths(&'a [PathBuf]),
}

/// True when `path` is `dir` or lies under it (both relative, as the walk
/// and the watcher give them: compared as bytes, not component by component).
fn is_under(path: &Path, dir: &Path) -> bool {
    let (p, d) = (
        path.as_os_str().as_encoded_bytes(),
        dir.as_os_str().as_encoded_bytes(),
    );
    p.starts_with(d) && (p.len() == d.len() || p[d.len()] == b'/' || d.is_empty())
}

impl Changed<'_> {
    /// True when every changed path lies under one of the folders `dirs`
    /// (relative to the site folder; false for [`Changed::Everything`]).
    pub fn all_under(&self, dirs: &[PathBuf]) -> bool {
        match self {
            Changed::Everything => false,
            Changed::Paths(paths) => paths.iter().all(|p| dirs.iter().any(|d| p.starts_with(d))),
        }
    }

    /// True when the set of content files may differ from the one `cache`
    /// holds: a folder changed, or a `.md` file appeared or went away.
    /// Writing a known page, or any file that is not Markdown, does not.
    fn may_change_files(&self, root: &Path, cache: &Cache) -> bool {
        let Changed::Paths(paths) = self else {
            return true;
        };
        let known = |p: &Path| cache.files.iter().any(|(f, _)| is_under(&f.source, p));
        paths
            .iter()
            .any(|p| match std::fs::symlink_metadata(root.join(p)) {
                Ok(m) if m.is_file() => p.extension().is_some_and(|e| e == "md") && !known(p),
                Ok(_) => true,
                // Gone: it mattered if it was a known file or a folder of them.
                Err(_) => known(p),
            })
    }

    /// True when the cached load may be out of date: a changed path
    /// touches its read set.
    fn affects(&self, cached: &Cached) -> bool {
        let Changed::Paths(paths) = self else {
            return true;
        };
        // Files with messages are read again: a missing image may be there now.
        !cached.diags.is_empty() || cached.reads.touched_by(paths)
    }
}

/// Loads `content/` like [`load`], reusing from `cache` every file that
/// `changed` does not affect, and leaving this run's files in `cache`.
pub fn load_with(
    root: &Path,
    config: &Config,
    opts: LoadOptions,
    cache: &mut Cache,
    changed: &Changed<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Library {
    if !cache.complete || changed.may_change_files(root, cache) {
        // Walk again; keep what is cached of the files still there.
        let mut walk = vec![];
        let files = discover(root, config, &mut walk);
        cache.complete = walk.is_empty();
        diags.extend(walk);
        let mut old: HashMap<PathBuf, Cached> = std::mem::take(&mut cache.files)
            .into_iter()
            .map(|(f, c)| (f.source, c))
            .collect();
        // Files not in the cache get an empty entry, loaded below.
        let mut fresh = std::collections::HashSet::new();
        cache.files = files
            .into_iter()
            .enumerate()
            .map(|(i, f)| {
                let c = old.remove(&f.source).unwrap_or_else(|| {
                    fresh.insert(i);
                    Cached {
                        loaded: None,
                        diags: vec![],
                        reads: ReadSet::default(),
                    }
                });
                (f, c)
            })
            .collect();
        reload(root, config, opts, cache, &|i, _, c| {
            fresh.contains(&i) || changed.affects(c)
        });
    } else {
        reload(root, config, opts, cache, &|_, _, c| changed.affects(c));
    }
    let mut lib = Library::default();
    let mut pages = Vec::with_capacity(cache.files.len());
    let shown = |d: &Diagnostic| match opts.joining {
        Some(j) => j.origin.shown_here(d.clone()),
        None => d.clone(),
    };
    for (_, c) in &cache.files {
        diags.extend(c.diags.iter().map(shown));
        match &c.loaded {
            Some(Loaded::Page(p)) if p.meta.draft && !opts.drafts => {}
            Some(Loaded::Page(p)) => pages.push(p.clone()),
            Some(Loaded::Intro(key, intro)) => {
                lib.intros.insert(key.clone(), intro.clone());
            }
            Some(Loaded::Topic(t)) => lib.topics.push(t.clone()),
            None => {}
        }
    }
    // (the walk's order is the paths' order; sorted in case it is not)
    if !pages.is_sorted_by(|a, b| a.source <= b.source) {
        pages.sort_by(|a, b| a.source.cmp(&b.source));
    }
    lib.pages = pages;
    lib
}

/// Loads again, in parallel, the cached files for which `stale` holds.
fn reload(
    root: &Path,
    config: &Config,
    opts: LoadOptions<'_>,
    cache: &mut Cache,
    stale: &(dyn Fn(usize, &Found, &Cached) -> bool + Sync),
) {
    let todo: Vec<usize> = (0..cache.files.len())
        .filter(|&i| {
            let (f, c) = &cache.files[i];
            stale(i, f, c)
        })
        .collect();
    let read: Vec<(usize, Cached)> = todo
        .into_par_iter()
        .map(|i| {
            let mut d = vec![];
            let mut reads = ReadSet::default();
            let loaded = load_file(root, config, opts, &cache.files[i].0, &mut reads, &mut d);
            (
                i,
                Cached {
                    loaded,
                    diags: d,
                    reads,
                },
            )
        })
        .collect();
    for (i, c) in read {
        cache.files[i].1 = c;
    }
}

/// A content file found on disk, with what its place says about it.
#[derive(Debug, Clone)]
struct Found {
    /// Relative to root.
    source: PathBuf,
    role: Role,
}

#[derive(Debug, Clone)]
enum Role {
    Intro(String),
    /// A 专题, `content/topics/NAME.md`.
    Topic,
    Page {
        section: String,
        kind: Kind,
        /// The folder of a page bundle (`index.md` beside its files).
        bundle: bool,
    },
}

enum Loaded {
    Page(Arc<Page>),
    Topic(Arc<Topic>),
    Intro(String, Intro),
}

/// Finds every content file under `content/`, in path order, with the role
/// its place gives it; what cannot be read or is no section is reported.
fn discover(root: &Path, config: &Config, diags: &mut Vec<Diagnostic>) -> Vec<Found> {
    let (entries, outside) = walk_content(root);
    report_links_outside(root, outside, diags);
    let mut out = vec![];
    for entry in entries {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let p = e
                    .path()
                    .map(|p| rel(root, p))
                    .unwrap_or_else(|| PathBuf::from(CONTENT_DIR));
                diags.push(Diagnostic::err(
                    p,
                    1,
                    1,
                    M::CannotReadFile {
                        error: &e.to_string(),
                    },
                ));
                continue;
            }
        };
        if !entry.file_type().is_file() || entry.path().extension().is_none_or(|e| e != "md") {
            continue;
        }
        let source = rel(root, entry.path());
        if let Some(role) = role_of(config, &source, &out, diags) {
            out.push(Found { source, role });
        }
    }
    out
}

/// Walks `content/` sorted by name, hidden files left out, following links
/// only where they lead inside the site folder (all links on the way
/// resolved); returns the entries and the links that lead out, never read.
fn walk_content(root: &Path) -> (Vec<walkdir::Result<walkdir::DirEntry>>, Vec<PathBuf>) {
    let content = root.join(CONTENT_DIR);
    let site = std::fs::canonicalize(root).ok();
    let mut outside: Vec<PathBuf> = vec![];
    let walker = WalkDir::new(&content)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if is_hidden(e.file_name()) {
                return false;
            }
            if e.path_is_symlink() && !resolves_inside(site.as_deref(), e.path()) {
                outside.push(e.path().to_path_buf());
                return false;
            }
            true
        });
    let entries: Vec<_> = walker.collect();
    (entries, outside)
}

/// An error for each linked folder or page of `content/` that leads out
/// of the site folder.
fn report_links_outside(root: &Path, outside: Vec<PathBuf>, diags: &mut Vec<Diagnostic>) {
    for p in outside {
        let shown = crate::diag::display_path(&rel(root, &p));
        diags.push(Diagnostic::err(
            &shown,
            1,
            1,
            M::FolderLinkOutside { folder: &shown },
        ));
    }
}

/// What the place of the Markdown file `source` says of it: an intro or a
/// page of a section; `None` (warned of) in a folder that is no section.
/// `found` are the files found before it.
fn role_of(
    config: &Config,
    source: &Path,
    found: &[Found],
    diags: &mut Vec<Diagnostic>,
) -> Option<Role> {
    let inner: Vec<String> = source
        .components()
        .skip(1)
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let file = inner.last().cloned().unwrap_or_default();
    match inner.len() {
        1 if file == "_index.md" => Some(Role::Intro(String::new())),
        1 => Some(Role::Page {
            section: PAGES_FOLDER.into(),
            kind: Kind::Page,
            bundle: false,
        }),
        _ => section_role(config, source, &inner, &file, found, diags),
    }
}

/// [`role_of`] for a file inside a folder of `content/` (`inner`: its path
/// below `content/`, `file`: its name): the folder's section decides.
fn section_role(
    config: &Config,
    source: &Path,
    inner: &[String],
    file: &str,
    found: &[Found],
    diags: &mut Vec<Diagnostic>,
) -> Option<Role> {
    let section = &inner[0];
    let kind = if section == PAGES_FOLDER {
        Some(Kind::Page)
    } else {
        config
            .sections
            .iter()
            .find(|s| &s.name == section)
            .map(|s| s.kind)
    };
    match kind {
        None if section == TOPICS_FOLDER && inner.len() == 2 && file != "_index.md" => {
            Some(Role::Topic)
        }
        None if section == TOPICS_FOLDER && inner.len() == 2 => Some(Role::Intro(section.clone())),
        None => {
            if inner.len() == 2
                || !found
                    .iter()
                    .any(|f| f.source.starts_with(Path::new(CONTENT_DIR).join(section)))
            {
                diags.push(Diagnostic::warn(source, 1, 1, M::NotASection { section }));
            }
            None
        }
        Some(_) if inner.len() == 2 && file == "_index.md" => Some(Role::Intro(section.clone())),
        Some(kind) => Some(Role::Page {
            section: section.clone(),
            kind,
            bundle: inner.len() >= 3 && file == "index.md",
        }),
    }
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    let n = name.to_string_lossy();
    n.starts_with('.') || n.ends_with('~')
}

fn rel(root: &Path, p: &Path) -> PathBuf {
    p.strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| p.to_path_buf())
}

fn load_file(
    root: &Path,
    config: &Config,
    opts: LoadOptions<'_>,
    f: &Found,
    reads: &mut ReadSet,
    diags: &mut Vec<Diagnostic>,
) -> Option<Loaded> {
    let path = &f.source;
    let disk = Disk {
        root,
        cache: opts.joining.map_or(root, |j| j.cache.as_path()),
        make_sizes: opts.make_sizes,
    };
    let bytes = match reads.read(root, path) {
        Ok(b) => b,
        Err(e) => {
            diags.push(Diagnostic::err(
                path,
                1,
                1,
                M::CannotReadFile {
                    error: &e.to_string(),
                },
            ));
            return None;
        }
    };
    let text = match crate::text::decode_text(&bytes) {
        Ok(t) => t,
        Err(e) => {
            diags.push(e.diagnostic(path));
            return None;
        }
    };
    match &f.role {
        Role::Intro(key) => Some(Loaded::Intro(key.clone(), load_intro(&text, path, diags)?)),
        Role::Page {
            section,
            kind,
            bundle,
        } => {
            let place = (section.as_str(), *kind, *bundle);
            let mut page = load_page(disk, &text, path, place, reads, diags)?;
            if page.meta.region.is_none() && page.kind != Kind::Page {
                // site.yaml's default (the cache is valid for one site.yaml)
                page.meta.region.clone_from(&config.region);
            }
            if let Some(j) = opts.joining {
                page = j.page(page);
            }
            Some(Loaded::Page(Arc::new(page)))
        }
        Role::Topic => {
            let mut topic = crate::load::topic::parse(&text, path, diags)?;
            if !attach_cover(disk, &mut topic, reads, diags) {
                return None;
            }
            Some(Loaded::Topic(Arc::new(topic)))
        }
    }
}

/// Resolves a topic's cover through `reads`, as a page's (beside the
/// topic file, or under `static/` when written from `/`); false when it
/// was refused or is missing.
fn attach_cover(
    disk: Disk<'_>,
    topic: &mut Topic,
    reads: &mut ReadSet,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    let Some(at) = topic.cover_at.clone() else {
        return true;
    };
    let folder = source_folder(&topic.source);
    let mut files = PageFiles::new(disk.root, &folder, &topic.source, &topic.dir, diags, reads);
    let cover = files.image("cover", &at);
    let (ok, mut assets) = (files.ok, files.assets);
    if let Some((dest, local)) = cover {
        topic.cover = Some(urls::encode_path(&dest));
        let pictures = pictures(
            disk,
            &topic.source,
            vec![(local, dest, at.line, at.col)],
            reads,
            diags,
            &mut assets,
        );
        // the size pages show, where a smaller one was made
        if let Some(p) = pictures.values().next() {
            topic.cover = Some(urls::encode_path(p.main().0));
        }
    }
    topic.assets = assets;
    ok
}

/// `_index.md`: front matter is optional; only `title` is read.
fn load_intro(text: &str, path: &Path, diags: &mut Vec<Diagnostic>) -> Option<Intro> {
    if !text.starts_with("---") {
        return Some(Intro {
            body: text.to_string(),
        });
    }
    let s = frontmatter::split(text, path)
        .map_err(|d| diags.push(d))
        .ok()?;
    // Only its syntax is checked: no field of an intro's front matter is
    // used.
    frontmatter::parse_value(s.yaml, s.yaml_line, path)
        .map_err(|d| diags.push(d))
        .ok()?;
    Some(Intro {
        body: s.body.to_string(),
    })
}

/// A page from its `text`; `(section, kind, bundle)` is what its place
/// says of it.
fn load_page(
    disk: Disk<'_>,
    text: &str,
    path: &Path,
    (section, kind, bundle): (&str, Kind, bool),
    reads: &mut ReadSet,
    diags: &mut Vec<Diagnostic>,
) -> Option<Page> {
    let (s, meta, meta_ok) = read_front_matter(text, path, diags)?;
    if kind == Kind::Speech {
        byline_on_speech(&meta, &s, path, diags);
    }
    let (slug, slug_ok) = page_slug(&meta, &s, path, bundle, diags);
    let (dir, url) = page_place(section, kind, &slug);
    let mut page = Page {
        source: path.to_path_buf(),
        section: section.to_string(),
        kind,
        slug,
        dir,
        url,
        body: s.body.to_string(),
        body_line: s.body_line,
        assets: vec![],
        attachments: vec![],
        cover: None,
        logo: None,
        gallery: vec![],
        pictures: BTreeMap::new(),
        term_at: term_positions(&meta, s.yaml, s.yaml_line),
        title_line: title_line(s.yaml, s.yaml_line),
        text_key: crate::text::text_fingerprint(s.body),
        title_key: crate::text::fold_for_sameness(&meta.title),
        meta,
        origin: None,
    };
    let files_ok = attach_files(disk, &mut page, bundle, reads, diags);
    (files_ok && meta_ok && slug_ok).then_some(page)
}

/// A warning at `author` and `author_title` on a speech: a speech shows
/// its `speaker` and `speaker_title`, not a byline.
fn byline_on_speech(
    meta: &FrontMatter,
    s: &frontmatter::Split<'_>,
    path: &Path,
    diags: &mut Vec<Diagnostic>,
) {
    let fields = [
        ("author", "speaker", meta.author.is_some()),
        ("author_title", "speaker_title", meta.author_title.is_some()),
    ];
    if fields.iter().all(|f| !f.2) {
        return;
    }
    let keys = crate::load::yamlpos::key_positions(s.yaml, s.yaml_line - 1);
    for (key, instead, _) in fields.into_iter().filter(|f| f.2) {
        let (line, col) = keys.get(key).copied().unwrap_or((s.yaml_line, 1));
        diags.push(Diagnostic::warn(
            path,
            line,
            col,
            M::BylineOnSpeech { key, instead },
        ));
    }
}

/// Splits off the front matter and resolves it; the flag is false when
/// the resolved front matter had errors (they are in `diags`).
fn read_front_matter<'t>(
    text: &'t str,
    path: &Path,
    diags: &mut Vec<Diagnostic>,
) -> Option<(frontmatter::Split<'t>, FrontMatter, bool)> {
    let s = frontmatter::split(text, path)
        .map_err(|d| diags.push(d))
        .ok()?;
    let raw = frontmatter::parse_raw(s.yaml, s.yaml_line, path)
        .map_err(|d| diags.push(d))
        .ok()?;
    let (meta, meta_ok) = frontmatter::resolve(raw, s.yaml, s.yaml_line, path, diags);
    Some((s, meta, meta_ok))
}

/// The page's slug: the front matter's, checked, else from the file (or a
/// bundle's folder) name; the flag is false when a written slug was refused.
fn page_slug(
    meta: &FrontMatter,
    s: &frontmatter::Split<'_>,
    path: &Path,
    bundle: bool,
    diags: &mut Vec<Diagnostic>,
) -> (String, bool) {
    match &meta.slug {
        Some(slug) => match urls::check_slug(slug) {
            Ok(()) => (slug.clone(), true),
            Err(why) => {
                let (line, col) = crate::load::yamlpos::key_positions(s.yaml, s.yaml_line - 1)
                    .get("slug")
                    .copied()
                    .unwrap_or((1, 1));
                diags.push(Diagnostic::err(path, line, col, M::BadSlug { slug, why }));
                // Keep going with a harmless slug so the file's other mistakes are reported too.
                let slug = urls::page_slug_from_file_name(
                    &path
                        .file_stem()
                        .map(|s| s.to_string_lossy())
                        .unwrap_or_default(),
                );
                (slug, false)
            }
        },
        None => {
            let stem = if bundle {
                path.parent().and_then(Path::file_name)
            } else {
                path.file_stem()
            };
            let slug = urls::page_slug_from_file_name(
                &stem.map(|s| s.to_string_lossy()).unwrap_or_default(),
            );
            (slug, true)
        }
    }
}

/// The page's output folder (`section/slug/`, or `slug/` for a plain page)
/// and its percent-encoded URL.
fn page_place(section: &str, kind: Kind, slug: &str) -> (String, String) {
    let dir = if kind == Kind::Page {
        format!("{slug}/")
    } else {
        format!("{section}/{slug}/")
    };
    let url = urls::encode_path(&format!("{dir}index.html"));
    (dir, url)
}

/// Resolves the files the page brings along (a bundle's assets, cover,
/// logo, attachments) through `reads`, filling them into `page`; false
/// when one of them was refused or missing.
fn attach_files(
    disk: Disk<'_>,
    page: &mut Page,
    bundle: bool,
    reads: &mut ReadSet,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    let folder = source_folder(&page.source);
    let mut files = PageFiles::new(disk.root, &folder, &page.source, &page.dir, diags, reads);
    if bundle {
        files.bundle_assets();
    }
    // Images to publish in smaller sizes: (source, output path, where written).
    let mut shown: Vec<(PathBuf, String, usize, usize)> = vec![];
    let cover = page.meta.cover.as_ref().and_then(|c| {
        let (dest, local) = files.image("cover", c)?;
        shown.push((local, dest.clone(), c.line, c.col));
        Some(urls::encode_path(&dest))
    });
    let logo = page
        .meta
        .logo
        .as_ref()
        .and_then(|c| files.image("logo", c))
        .map(|(dest, _)| urls::encode_path(&dest));
    let attachments = page
        .meta
        .attachments
        .iter()
        .filter_map(|a| files.attachment(a))
        .collect();
    let gallery = page
        .meta
        .gallery
        .iter()
        .filter_map(|item| {
            let (dest, local) = files.image("gallery", &item.src)?;
            shown.push((local, dest.clone(), item.src.line, item.src.col));
            Some(GalleryPhoto {
                url: urls::encode_path(&dest),
                caption: item.caption.clone(),
            })
        })
        .collect();
    if bundle {
        shown.extend(body_images(page, &files.assets, &folder));
    }
    let (ok, mut assets) = (files.ok, files.assets);
    page.pictures = pictures(disk, &page.source, shown, reads, diags, &mut assets);
    page.cover = cover;
    page.logo = logo;
    page.attachments = attachments;
    page.gallery = gallery;
    page.assets = assets;
    ok
}

/// The JPEG and PNG bundle files the body shows, with where each is
/// written in the page's file.
fn body_images(
    page: &Page,
    assets: &[Asset],
    folder: &Path,
) -> Vec<(PathBuf, String, usize, usize)> {
    let mut out = vec![];
    for (dest, offset) in images::body_images(&page.body) {
        let decoded = percent_encoding::percent_decode_str(&dest).decode_utf8_lossy();
        if decoded.contains(':') || decoded.starts_with(['/', '\\', '#']) {
            continue;
        }
        let path = decoded.split(['#', '?']).next().unwrap_or("");
        let Some(out_path) = normalize(&Path::new(&page.dir).join(path)) else {
            continue;
        };
        let out_path = out_path.to_string_lossy().replace('\\', "/");
        let Some(asset) = assets.iter().find(|a| a.dest == out_path) else {
            continue;
        };
        let before = &page.body[..offset];
        let line = page.body_line + before.matches('\n').count();
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        let Some(local) = normalize(&folder.join(path)) else {
            continue;
        };
        if images::is_raster(&out_path) && asset.source.ends_with(&local) {
            out.push((local, out_path, line, col));
        }
    }
    out
}

/// Each image of `shown` (a file inside `content/`) read through `reads`
/// and published in its smaller sizes, which join `assets`; one that
/// cannot be read as an image is a warning at the place it is written.
fn pictures(
    disk: Disk<'_>,
    page: &Path,
    mut shown: Vec<(PathBuf, String, usize, usize)>,
    reads: &mut ReadSet,
    diags: &mut Vec<Diagnostic>,
    assets: &mut Vec<Asset>,
) -> BTreeMap<String, Picture> {
    shown.retain(|(local, dest, ..)| local.starts_with(CONTENT_DIR) && images::is_raster(dest));
    let mut seen = std::collections::HashSet::new();
    shown.retain(|(_, dest, ..)| seen.insert(dest.clone()));
    for (local, ..) in &shown {
        reads.note(Read::File(local.clone()));
    }
    // Each image is read where it is resized, so only as many are held
    // at once as there are threads.
    let made: Vec<_> = shown
        .into_par_iter()
        .map(|(local, dest, line, col)| {
            let made = match std::fs::read(disk.root.join(&local)) {
                Ok(b) => images::prepare(disk.cache, &b, &dest, disk.make_sizes),
                Err(e) => Err(images::Problem(e.to_string())),
            };
            (made, local, dest, line, col)
        })
        .collect();
    let mut out = BTreeMap::new();
    for (made, local, dest, line, col) in made {
        match made {
            Ok(p) => {
                for s in &p.sizes {
                    if !assets.iter().any(|a| a.dest == s.dest) {
                        assets.push(Asset {
                            source: s.source.clone(),
                            dest: s.dest.clone(),
                        });
                    }
                }
                out.insert(urls::encode_path(&dest), p);
            }
            Err(images::Problem(why)) => {
                let file = crate::diag::display_path(&local);
                diags.push(Diagnostic::warn(
                    page,
                    line,
                    col,
                    M::ImageUnreadable {
                        file: &file,
                        why: &why,
                    },
                ));
            }
        }
    }
    out
}

/// The line of the `title:` key (the front matter's first line when none is
/// found at the start of a line).
fn title_line(yaml: &str, yaml_line: usize) -> usize {
    yaml.lines()
        .position(|l| l.starts_with("title:") || l.starts_with("title :"))
        .map_or(yaml_line, |i| yaml_line + i)
}

/// Positions of the taxonomy values in the front matter: the first
/// occurrence of each value at or after its key's line.
fn term_positions(meta: &FrontMatter, yaml: &str, yaml_line: usize) -> Vec<(String, usize, usize)> {
    let keys = crate::load::yamlpos::key_positions(yaml, yaml_line - 1);
    let lines: Vec<&str> = yaml.lines().collect();
    let fields: [(&str, Vec<&String>); 4] = [
        ("region", meta.region.iter().collect()),
        ("sector", meta.sector.iter().collect()),
        ("speaker", meta.speaker.iter().collect()),
        ("tags", meta.tags.iter().collect()),
    ];
    let mut out = vec![];
    for (key, values) in fields {
        let Some(&(key_line, _)) = keys.get(key) else {
            continue;
        };
        // (line index, byte, chars before byte): each value is looked for
        // after the previous one, so a long list costs one pass.
        let mut from = (key_line - yaml_line, 0, 0);
        for v in values {
            let at = lines.iter().enumerate().skip(from.0).find_map(|(i, l)| {
                let (start, chars) = if i == from.0 && l.is_char_boundary(from.1.min(l.len())) {
                    (from.1.min(l.len()), from.2)
                } else {
                    (0, 0)
                };
                l[start..]
                    .find(v.as_str())
                    .map(|b| (i, start + b, chars + l[start..start + b].chars().count()))
            });
            match at {
                Some((i, byte, chars)) => {
                    out.push((v.clone(), yaml_line + i, chars + 1));
                    from = (i, byte + v.len(), chars + v.chars().count());
                }
                None => out.push((v.clone(), key_line, 1)),
            }
        }
    }
    out
}

/// True when `path`, with every link on the way resolved, lies inside the
/// (canonical) site folder `site`. False when either cannot be resolved.
pub fn resolves_inside(site: Option<&Path>, path: &Path) -> bool {
    inside_site(site, path).is_some()
}

/// Where `path` leads, every link on the way resolved, relative to the
/// (canonical) site folder `site`; `None` when that is outside it or either
/// cannot be resolved.
fn inside_site(site: Option<&Path>, path: &Path) -> Option<PathBuf> {
    let target = std::fs::canonicalize(path).ok()?;
    target.strip_prefix(site?).ok().map(Path::to_path_buf)
}

/// Resolves the files a page refers to and collects what must be copied.
struct PageFiles<'a> {
    root: &'a Path,
    /// Folder of the page's source file, relative to root.
    folder: &'a Path,
    page_path: &'a Path,
    /// The page's output folder.
    dir: &'a str,
    assets: Vec<Asset>,
    /// Bundle files refused (and reported) already.
    refused: Vec<PathBuf>,
    ok: bool,
    diags: &'a mut Vec<Diagnostic>,
    /// Every file the page's load touches goes through this.
    reads: &'a mut ReadSet,
    /// The site folder with every link resolved, found when first needed.
    site: std::cell::OnceCell<Option<PathBuf>>,
}

/// The folder of a content file (relative to the site root), where the
/// files it names are looked for.
fn source_folder(source: &Path) -> PathBuf {
    source
        .parent()
        .unwrap_or(Path::new(CONTENT_DIR))
        .to_path_buf()
}

/// Where a referenced file lives.
enum FileRef {
    /// Relative to the site root, inside content/ or static/.
    Local(PathBuf),
    /// `http(s)://…`: linked, not copied.
    External(String),
}

impl<'a> PageFiles<'a> {
    /// Nothing resolved yet for the file `page_path` in `folder`, published
    /// into `dir`.
    fn new(
        root: &'a Path,
        folder: &'a Path,
        page_path: &'a Path,
        dir: &'a str,
        diags: &'a mut Vec<Diagnostic>,
        reads: &'a mut ReadSet,
    ) -> PageFiles<'a> {
        PageFiles {
            root,
            folder,
            page_path,
            dir,
            assets: vec![],
            refused: vec![],
            ok: true,
            diags,
            reads,
            site: Default::default(),
        }
    }

    fn site(&self) -> Option<&Path> {
        self.site
            .get_or_init(|| std::fs::canonicalize(self.root).ok())
            .as_deref()
    }

    fn bundle_assets(&mut self) {
        let abs = self.root.join(self.folder);
        let site = self.site().map(Path::to_path_buf);
        for e in self
            .reads
            .walk(self.root, self.folder)
            .into_iter()
            .filter_entry(|e| !is_hidden(e.file_name()))
            .flatten()
        {
            let at = rel(self.root, e.path());
            if e.path_is_symlink() {
                // A link is published only when it leads to a file inside the site.
                if !(self.reads.resolves_inside(self.root, site.as_deref(), &at)
                    && self
                        .reads
                        .metadata(self.root, &at)
                        .is_ok_and(|m| m.is_file()))
                {
                    let shown = crate::diag::display_path(&rel(self.root, e.path()));
                    self.diags.push(Diagnostic::err(
                        &shown,
                        1,
                        1,
                        M::BundleSymlinkOutside { file: &shown },
                    ));
                    self.ok = false;
                    continue;
                }
            } else if !e.file_type().is_file() {
                continue;
            }
            if e.path().extension().is_some_and(|x| x == "md") {
                continue;
            }
            if let Some(problem) = self.reads.svg_problem(self.root, &at) {
                let shown = crate::diag::display_path(&rel(self.root, e.path()));
                self.diags.push(Diagnostic::err(
                    &shown,
                    1,
                    1,
                    M::UnsafeSvg {
                        file: &shown,
                        problem: &problem,
                    },
                ));
                self.ok = false;
                self.refused.push(e.path().to_path_buf());
                continue;
            }
            if let Ok(inner) = e.path().strip_prefix(&abs) {
                let inner = inner.to_string_lossy().replace('\\', "/");
                self.assets.push(Asset {
                    source: e.path().to_path_buf(),
                    dest: format!("{}{}", self.dir, inner),
                });
            }
        }
    }

    fn error(&mut self, at: &Located<String>, m: M) {
        self.diags
            .push(Diagnostic::err(self.page_path, at.line, at.col, m));
        self.ok = false;
    }

    /// Resolves a path written in front matter: relative to the page's folder
    /// and staying inside content/, or `/…` inside static/.
    fn resolve(&mut self, field: &str, at: &Located<String>) -> Option<FileRef> {
        let v = at.value.trim();
        if v.starts_with("http://") || v.starts_with("https://") {
            return Some(FileRef::External(v.to_string()));
        }
        let (base, rest, area) = match v.strip_prefix('/') {
            Some(rest) => (PathBuf::from(STATIC_DIR), rest, STATIC_DIR),
            None => (self.folder.to_path_buf(), v, CONTENT_DIR),
        };
        let looks_absolute = Path::new(v).is_absolute() && !v.starts_with('/') || v.contains(':');
        let joined = match normalize(&base.join(rest)) {
            Some(p) if !looks_absolute && p.starts_with(area) && p != Path::new(area) => p,
            _ => {
                self.error(
                    at,
                    M::PathOutside {
                        field,
                        value: v,
                        area,
                    },
                );
                return None;
            }
        };
        // Every link on the way is resolved, not only the last one: a file
        // behind a folder that links out of the site is never published.
        let site = self.site().map(Path::to_path_buf);
        match self.reads.metadata(self.root, &joined) {
            Ok(m)
                if m.is_file()
                    && self
                        .reads
                        .resolves_inside(self.root, site.as_deref(), &joined) =>
            {
                Some(FileRef::Local(joined))
            }
            Ok(m) if m.is_file() => {
                self.error(at, M::SymlinkOutside { field, value: v });
                None
            }
            // A link that leads nowhere.
            Err(_) if self.reads.symlink_metadata(self.root, &joined).is_ok() => {
                self.error(at, M::SymlinkOutside { field, value: v });
                None
            }
            _ => {
                let shown = crate::diag::display_path(&joined);
                self.error(
                    at,
                    M::FileMissing {
                        field,
                        file: &shown,
                    },
                );
                None
            }
        }
    }

    /// Where a local file appears in the output: static files keep their
    /// place; other files are copied into the page's folder.
    fn publish(&mut self, local: &Path) -> String {
        if let Ok(inner) = local.strip_prefix(STATIC_DIR) {
            return inner.to_string_lossy().replace('\\', "/");
        }
        let inner = local.strip_prefix(self.folder).unwrap_or(local);
        let is_bundle_asset = self
            .assets
            .iter()
            .any(|a| a.source == self.root.join(local));
        let name = if is_bundle_asset {
            inner.to_string_lossy().replace('\\', "/")
        } else {
            local
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        };
        let dest = format!("{}{}", self.dir, name);
        if !self.assets.iter().any(|a| a.dest == dest) {
            self.assets.push(Asset {
                source: self.root.join(local),
                dest: dest.clone(),
            });
        }
        dest
    }

    /// An image named in front matter: its output path (not encoded) and
    /// its place relative to the site folder.
    fn image(&mut self, field: &str, at: &Located<String>) -> Option<(String, PathBuf)> {
        match self.resolve(field, at)? {
            FileRef::External(_) => {
                self.error(at, M::ImageIsWebAddress { field });
                None
            }
            FileRef::Local(p) => {
                let abs = self.root.join(&p);
                if self.refused.contains(&abs) {
                    self.ok = false;
                    return None;
                }
                if let Some(problem) = self.reads.svg_problem(self.root, &p) {
                    let shown = crate::diag::display_path(&p);
                    self.error(
                        at,
                        M::UnsafeImage {
                            field,
                            file: &shown,
                            problem: &problem,
                        },
                    );
                    return None;
                }
                Some((self.publish(&p), p))
            }
        }
    }

    fn attachment(&mut self, at: &Located<String>) -> Option<Attachment> {
        match self.resolve("attachments", at)? {
            FileRef::External(url) => Some(Attachment {
                name: url.rsplit('/').next().unwrap_or(&url).to_string(),
                url,
                bytes: 0,
            }),
            FileRef::Local(p) => {
                let bytes = self
                    .reads
                    .metadata(self.root, &p)
                    .map(|m| m.len())
                    .unwrap_or(0);
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let dest = self.publish(&p);
                Some(Attachment {
                    name,
                    url: urls::encode_path(&dest),
                    bytes,
                })
            }
        }
    }
}

/// Removes `.` and `..` lexically; `None` if `..` climbs above the start.
pub fn normalize(p: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::Normal(n) => out.push(n),
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_refuses_climbing_out() {
        assert_eq!(
            normalize(Path::new("content/a/../b.png")),
            Some(PathBuf::from("content/b.png"))
        );
        assert_eq!(normalize(Path::new("content/../../x")), None);
        assert_eq!(normalize(Path::new("/etc/passwd")), None);
    }
}
