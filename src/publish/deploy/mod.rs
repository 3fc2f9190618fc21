//! Publishing a built site into a folder that a web server is serving.
//!
//! # How publishing stays atomic for readers
//!
//! The deploy folder is updated in place, file by file, and each file is
//! replaced with one `rename(2)`: the new content is written to a hidden
//! temporary file beside its destination (`.NAME.zt-tmp`, same folder, hence
//! same file system) and renamed over the old one. A reader that opens the
//! file gets either the whole old file or the whole new one, never a missing
//! or half-written file; a page that exists before and after a publish is
//! never a 404. The order is:
//!
//! 1. every new or changed file is written to its temporary file (folders
//!    made as needed); nothing a reader sees has changed yet, so a failure
//!    here (a full disk) removes the temporary files and the new folders
//!    and leaves the folder exactly as it was,
//! 2. the manifest (`.zhanting-deploy`, the list of files this tool owns),
//!    when new files are coming, so that it names them before they appear,
//! 3. files that are new are renamed in (so links in updated pages never
//!    point at a page that is not there yet); a failure takes them away again,
//! 4. files whose content changed are renamed over the old ones,
//! 5. last, deletions of files that are no longer part of the site, then of
//!    folders they leave empty. The manifest may go on naming a deleted
//!    file until it is next rewritten; deleting it again later is harmless.
//!
//! Unchanged files are not touched, so an edit to one page rewrites only the
//! handful of files that really changed. The first publish compares every
//! file with the disk; later ones take the difference between the output
//! published last and the new one (which share all untouched parts, see
//! [`Output`]: the difference costs what changed, not the site's size),
//! and look again at copied files whose source may have changed.
//!
//! We chose this over versioned folders switched by an atomic symlink because
//! it works when the deploy folder *is* the web root an existing nginx/IIS/
//! Apache configuration points to, with no server reconfiguration, and costs
//! only the changed files per publish. The trade-off: during a publish a
//! reader may see an updated list page next to a page that is not updated
//! yet (each file is consistent; the set of files becomes consistent when the
//! publish ends, within milliseconds).
//!
//! # Which folders may be taken over
//!
//! Files that this tool did not publish are never deleted: only paths listed
//! in the manifest from an earlier publish are candidates for deletion. A
//! folder is accepted as a target when it is missing or empty, already holds
//! a manifest, or holds nothing but a web server's default placeholder pages
//! (nginx's `index.html`/`50x.html`, IIS's `iisstart.htm`, …), which are then
//! simply overwritten or left alone. Any other non-empty folder is refused, so
//! that a mistyped `--to` never mixes the site into someone's documents. A
//! stray `.zhanting` marker hands nothing over: it counts only for the build's
//! own output folder ([`Deployer::open_output`]), which the output lock
//! ([`crate::publish::output::lock`]) already guards.
//!
//! # What it never does
//!
//! - Write or delete through a symbolic link inside the folder: every path
//!   is walked folder by folder without following links ([`tree::Tree`]); a
//!   link where the site needs a folder is an error naming it, and a
//!   manifest line behind a linked folder deletes nothing. Temporary files an
//!   interrupted publish left behind, and links planted under their names,
//!   are removed (never followed) when the folder is next opened.
//! - Publish twice at once: a deployer holds an exclusive lock on the folder
//!   from open to drop, so a second `deploy` or `watch` into the same folder
//!   is refused, not interleaved.
//!
//! A failed build publishes nothing: callers only hand an [`Output`] from a
//! successful build to [`Deployer::publish`].

pub mod tree;

use crate::msg::{Io, Say};
use crate::publish::output::{OutFile, Output, MARKER};
use anyhow::{bail, Context, Result};
use imbl::ordmap::DiffItem;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};
use tree::{split, Dir, Kind, Tree, TEMP_SUFFIX};

/// Lists the files the last publish wrote, one relative path per line.
pub const MANIFEST: &str = ".zhanting-deploy";

pub use tree::LOCK;

/// Files a web server ships in a fresh web root; a folder holding only these
/// may be taken over.
const PLACEHOLDERS: &[&str] = &[
    "index.html",
    "index.htm",
    "index.nginx-debian.html",
    "50x.html",
    "404.html",
    "iisstart.htm",
    "iisstart.png",
    "favicon.ico",
    "robots.txt",
];

/// What one publish did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Published {
    pub written: Vec<String>,
    pub deleted: Vec<String>,
    pub unchanged: usize,
}

/// What is known about a file this tool published.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Stamp {
    /// Not compared yet: compare with the file on disk.
    Unknown,
    /// Holds the bytes of the same path in the last published output.
    Published,
    /// A copy of this source file as it was (size, modification time).
    Copied(PathBuf, u64, Option<std::time::SystemTime>),
}

/// What one publish is to do, file by file.
struct Plan {
    /// Sorted by path when `complete`.
    decisions: Vec<Decision>,
    removed: Vec<String>,
    /// Files of the output left out of `decisions` (the same as last time).
    untouched: usize,
    /// `decisions` covers every file of the output.
    complete: bool,
}

struct Decision {
    rel: String,
    write: bool,
    stamp: Stamp,
    /// Not on disk before.
    is_new: bool,
    /// In `Deployer::owned` before.
    was_owned: bool,
}

/// Publishes successive builds into one folder, remembering what is there.
pub struct Deployer {
    dir: PathBuf,
    tree: Tree,
    /// Held while the deployer lives (none for a build output folder,
    /// which the build's own lock guards).
    _lock: Option<std::fs::File>,
    /// Files this tool owns in `dir`.
    owned: BTreeMap<String, Stamp>,
    /// The last output published (shared with the caller, not copied):
    /// unchanged files are found by comparing with it in memory.
    last: Option<Arc<Output>>,
    /// Also mark the folder as a build output (for `ROOT/output`).
    mark_output: bool,
    /// The manifest on disk lists exactly the paths in `owned`.
    manifest_current: bool,
}

impl Deployer {
    /// Opens `dir` as a deploy target, refusing folders with unrelated files.
    pub fn open(dir: &Path) -> Result<Deployer> {
        Self::open_with(dir, false)
    }

    /// Like [`Deployer::open`] for a build output folder: also accepts and
    /// keeps the `.zhanting` output marker.
    pub fn open_output(dir: &Path) -> Result<Deployer> {
        Self::open_with(dir, true)
    }

    fn open_with(dir: &Path, mark_output: bool) -> Result<Deployer> {
        match std::fs::metadata(dir) {
            Ok(m) if !m.is_dir() => bail!(Say::DeployIsFile {
                folder: &dir.display().to_string()
            }
            .text()),
            Ok(_) => {}
            Err(_) => std::fs::create_dir_all(dir).with_context(|| Io::Create.at(dir.display()))?,
        }
        let tree = Tree::open(dir)?;
        let lock = if mark_output {
            None
        } else {
            match tree.try_lock()? {
                Some(f) => Some(f),
                None => bail!(Say::DeployBusy {
                    folder: &dir.display().to_string()
                }
                .text()),
            }
        };
        let mut owned = BTreeMap::new();
        let mut manifest_current = false;
        if tree.kind(MANIFEST) == Some(Kind::File) {
            let text = tree
                .open_file(MANIFEST)
                .and_then(|(f, _)| std::io::read_to_string(f).ok())
                .with_context(|| Io::Read.at(dir.join(MANIFEST).display()))?;
            for line in text.lines().filter(|l| !l.is_empty()) {
                if check_relative(line).is_ok() {
                    owned.insert(line.to_string(), Stamp::Unknown);
                }
            }
            manifest_current = owned.len() == text.lines().filter(|l| !l.is_empty()).count();
        } else if mark_output && tree.kind(MARKER) == Some(Kind::File) {
            // The build's own output: every file in it was written by zhanting.
            for f in list_files(dir)? {
                if f != MARKER {
                    owned.insert(f, Stamp::Unknown);
                }
            }
        } else {
            let foreign: Vec<String> = std::fs::read_dir(dir)
                .with_context(|| Io::Read.at(dir.display()))?
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| !PLACEHOLDERS.contains(&n.as_str()) && n != LOCK)
                .collect();
            if !foreign.is_empty() {
                bail!(Say::DeployForeign {
                    folder: &dir.display().to_string(),
                    example: foreign.iter().min().map(String::as_str).unwrap_or("")
                }
                .text());
            }
        }
        remove_stale_temps(dir, &tree);
        Ok(Deployer {
            dir: dir.to_path_buf(),
            tree,
            _lock: lock,
            owned,
            last: None,
            mark_output,
            manifest_current,
        })
    }

    /// Makes `dir` hold exactly `output` (plus files it never owned), writing
    /// only what changed; see the module documentation for the order.
    pub fn publish(&mut self, output: &Arc<Output>) -> Result<Published> {
        let r = self.try_publish(output);
        if r.is_err() {
            // Whatever was half done, the disk is the truth next time.
            self.last = None;
            self.manifest_current = false;
            for s in self.owned.values_mut() {
                *s = Stamp::Unknown;
            }
        }
        r
    }

    fn try_publish(&mut self, output: &Arc<Output>) -> Result<Published> {
        let plan = match &self.last {
            Some(last) => self.plan_changes(last, output)?,
            None => self.plan_all(output)?,
        };
        if self.mark_output && self.tree.kind(MARKER) != Some(Kind::File) {
            self.put(MARKER, |_| Ok(()))?;
        }
        let mut new_files = vec![];
        let mut changed = vec![];
        let mut unchanged = plan.untouched;
        for d in &plan.decisions {
            if !d.write {
                unchanged += 1;
            } else if d.is_new {
                new_files.push(d.rel.as_str());
            } else {
                changed.push(d.rel.as_str());
            }
        }
        self.add_new(output, &new_files, &changed)?;
        // 4. Changed files, each replaced by one rename.
        self.commit(&changed).map_err(|(_, e)| e)?;
        // 5. Last, files that are gone, then the folders they leave empty.
        self.remove_gone(&plan.removed)?;
        let mut written: Vec<String> = new_files
            .iter()
            .chain(changed.iter())
            .map(|s| s.to_string())
            .collect();
        written.sort();
        let deleted = self.remember(plan);
        self.last = Some(output.clone());
        Ok(Published {
            written,
            deleted,
            unchanged,
        })
    }

    /// Steps 1 to 3 of a publish, each undone completely when it fails, so
    /// the folder is then exactly as it was: every file to write (`new` and
    /// `changed`) into a temporary file beside its place, the manifest, then
    /// the new files renamed into place.
    fn add_new(&mut self, output: &Output, new_files: &[&str], changed: &[&str]) -> Result<()> {
        // 1. Every file to write, into a temporary file beside its place:
        // nothing a reader sees has changed yet, so any failure (a full
        // disk) is undone completely.
        let created: Mutex<Vec<String>> = Mutex::new(vec![]);
        let staged: Mutex<Vec<String>> = Mutex::new(vec![]);
        let undo = |this: &Self, renamed: &[&str]| {
            for rel in renamed {
                let _ = this.tree.remove_file(rel);
            }
            for rel in staged.lock().map(|s| s.clone()).unwrap_or_default() {
                this.tree.discard_temp(&rel);
            }
            let mut made = created.lock().map(|c| c.clone()).unwrap_or_default();
            made.sort();
            for d in made.iter().rev() {
                this.tree.remove_empty_folder(d);
            }
        };
        let untouched = |dir: &Path, e: anyhow::Error| {
            e.context(
                Say::NothingPublishedAsWas {
                    folder: &dir.display().to_string(),
                }
                .text(),
            )
        };
        if let Err(e) = self.stage(output, new_files, changed, &created, &staged) {
            undo(self, &[]);
            return Err(untouched(&self.dir, e));
        }
        // 2. Before anything appears, record it as ours (so an interrupted
        // publish can still clean up after itself next time): the manifest
        // then lists this output's files and those about to be deleted.
        // Otherwise it is rewritten only when it lists less than this
        // output; paths it still lists after their deletion are harmless
        // (deleting a missing file again is nothing) and go at the next
        // rewrite.
        if !new_files.is_empty() || !self.manifest_current {
            let all: BTreeSet<&str> = self
                .owned
                .keys()
                .map(String::as_str)
                .chain(new_files.iter().copied())
                .collect();
            if let Err(e) = self.write_manifest(all.into_iter()) {
                undo(self, &[]);
                return Err(untouched(&self.dir, e));
            }
            self.manifest_current = true;
        }
        // 3. New files appear (links in updated pages never point at a page
        // that is not there yet); a failure takes them away again.
        if let Err((done, e)) = self.commit(new_files) {
            undo(self, &done);
            return Err(untouched(&self.dir, e));
        }
        Ok(())
    }

    /// Deletes the files of `removed`, then the folders they leave empty.
    fn remove_gone(&self, removed: &[String]) -> Result<()> {
        let mut folders = BTreeSet::new();
        for rel in removed {
            self.tree.remove_file(rel)?;
            let mut parent = Path::new(rel).parent();
            while let Some(d) = parent.filter(|d| !d.as_os_str().is_empty()) {
                folders.insert(d.to_string_lossy().replace('\\', "/"));
                parent = d.parent();
            }
        }
        // Deepest first (a folder sorts before everything inside it); a
        // folder still holding anything stays.
        for d in folders.iter().rev() {
            self.tree.remove_empty_folder(d);
        }
        Ok(())
    }

    /// What is known of the folder after a publish of `plan`, updated in
    /// place: the deleted paths go, the decided ones get their new stamp.
    /// Returns the deleted paths.
    fn remember(&mut self, plan: Plan) -> Vec<String> {
        for rel in &plan.removed {
            self.owned.remove(rel);
        }
        if plan.complete {
            // Every path of the output, in order: the paths owned before
            // and still there are, in order, the owned ones among them.
            let mut fresh = vec![];
            let mut known = self.owned.values_mut();
            for d in plan.decisions {
                if !d.was_owned {
                    fresh.push((d.rel, d.stamp));
                } else if let Some(k) = known.next() {
                    *k = d.stamp;
                }
            }
            self.owned.extend(fresh);
        } else {
            for d in plan.decisions {
                self.owned.insert(d.rel, d.stamp);
            }
        }
        plan.removed
    }

    /// Decides every file of `output` against what is known of the folder
    /// (both sorted by path: one walk, no lookups), comparing in parallel.
    fn plan_all(&self, output: &Output) -> Result<Plan> {
        let mut owned = self.owned.iter().peekable();
        let mut removed: Vec<String> = vec![];
        let mut pairs: Vec<(&String, &OutFile, Option<&Stamp>)> =
            Vec::with_capacity(output.files.len());
        for (rel, file) in &output.files {
            // Mostly the next path of each map is this one: test that first.
            let known = match owned.next_if(|(k, _)| *k == rel) {
                Some((_, s)) => Some(s),
                None => {
                    while let Some((gone, _)) = owned.next_if(|(k, _)| *k < rel) {
                        removed.push(gone.clone());
                    }
                    owned.next_if(|(k, _)| *k == rel).map(|(_, s)| s)
                }
            };
            if known.is_none() {
                // (paths already owned were checked when they came)
                check_relative(rel)?;
            }
            pairs.push((rel, file, known));
        }
        removed.extend(owned.map(|(k, _)| k.clone()));
        let decisions = pairs
            .into_par_iter()
            .map(|(rel, file, known)| {
                // One folder lookup for both questions about the file.
                let dir = self.tree.dir(split(rel).0).ok();
                self.decide(rel, file, known, None, dir.as_ref())
            })
            .collect();
        Ok(Plan {
            decisions,
            removed,
            untouched: 0,
            complete: true,
        })
    }

    /// Decides only what differs between the last published output and
    /// `output` (their shared parts are skipped unvisited), and the copied
    /// files whose source changed since.
    fn plan_changes(&self, last: &Output, output: &Output) -> Result<Plan> {
        let mut removed = vec![];
        let mut items: Vec<(&String, &OutFile, Option<&OutFile>)> = vec![];
        for item in last.files.diff(&output.files) {
            match item {
                DiffItem::Add(rel, file) => items.push((rel, file, None)),
                DiffItem::Update {
                    old: (_, before),
                    new: (rel, file),
                } => items.push((rel, file, Some(before))),
                DiffItem::Remove(rel, _) => {
                    if self.owned.contains_key(rel) {
                        removed.push(rel.clone());
                    }
                }
            }
        }
        let mut touched: BTreeSet<&str> = items.iter().map(|(rel, _, _)| rel.as_str()).collect();
        // A copied file is the same path in both outputs also when its
        // source changed: its stamp tells.
        for (rel, known) in &self.owned {
            if matches!(known, Stamp::Copied(..)) && !touched.contains(rel.as_str()) {
                if let Some(file) = output.files.get(rel) {
                    items.push((rel, file, last.files.get(rel)));
                    touched.insert(rel);
                }
            }
        }
        let mut decisions = Vec::with_capacity(items.len());
        for (rel, file, before) in items {
            let known = self.owned.get(rel);
            if known.is_none() {
                check_relative(rel)?;
            }
            let dir = self.tree.dir(split(rel).0).ok();
            decisions.push(self.decide(rel, file, known, before, dir.as_ref()));
        }
        Ok(Plan {
            untouched: output.files.len() - decisions.len(),
            decisions,
            removed,
            complete: false,
        })
    }

    /// Whether `file` must be written at `rel`, given what is known of the
    /// path, the file the last publish put there, if known, and the folder
    /// it goes in (None: not there yet, or not a real folder).
    fn decide(
        &self,
        rel: &str,
        file: &OutFile,
        known: Option<&Stamp>,
        before: Option<&OutFile>,
        dir: Option<&Dir>,
    ) -> Decision {
        let stamp = stamp(file);
        let name = split(rel).1;
        let is_new = known.is_none() && dir.and_then(|d| d.kind(name)).is_none();
        let same = !is_new
            && match known {
                Some(Stamp::Published) if !matches!(file, OutFile::Copy(_)) => before == Some(file),
                Some(old @ Stamp::Copied(..)) => *old == stamp,
                _ => dir
                    .and_then(|d| d.open_file(name))
                    .is_some_and(|(f, meta)| file.matches_open(f, &meta)),
            };
        Decision {
            rel: rel.to_string(),
            write: !same,
            stamp,
            is_new,
            was_owned: known.is_some(),
        }
    }

    /// Writes the temporary file of every path in `new` and `changed`,
    /// making the folders they need; notes what it made for an undo.
    fn stage(
        &self,
        output: &Output,
        new: &[&str],
        changed: &[&str],
        created: &Mutex<Vec<String>>,
        staged: &Mutex<Vec<String>>,
    ) -> Result<()> {
        let paths: Vec<&str> = new.iter().chain(changed).copied().collect();
        let folders: BTreeSet<&str> = paths.iter().map(|rel| split(rel).0).collect();
        for f in folders {
            self.tree.make_folders(f, created)?;
        }
        paths.par_iter().try_for_each(|rel| {
            let Some(file) = output.files.get(*rel) else {
                return Ok(());
            };
            self.tree.write_temp(rel, |out| write_out(file, out))?;
            if let Ok(mut s) = staged.lock() {
                s.push(rel.to_string());
            }
            Ok(())
        })
    }

    /// Renames the temporary files of `rels` into place (in parallel: each
    /// rename is atomic on its own). On a failure: the ones renamed, so
    /// that they can be taken away again.
    fn commit<'r>(
        &self,
        rels: &[&'r str],
    ) -> std::result::Result<(), (Vec<&'r str>, anyhow::Error)> {
        let done = Mutex::new(Vec::with_capacity(rels.len()));
        rels.par_iter()
            .try_for_each(|rel| {
                self.tree.commit_temp(rel)?;
                if let Ok(mut d) = done.lock() {
                    d.push(*rel);
                }
                Ok(())
            })
            .map_err(|e| (done.into_inner().unwrap_or_else(|p| p.into_inner()), e))
    }

    /// Writes one file in place at once (temporary file, then rename).
    fn put(
        &self,
        rel: &str,
        fill: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
    ) -> Result<()> {
        self.tree.write_temp(rel, fill)?;
        self.tree
            .commit_temp(rel)
            .inspect_err(|_| self.tree.discard_temp(rel))
    }

    fn write_manifest<'a>(&self, paths: impl Iterator<Item = &'a str>) -> Result<()> {
        let mut text = String::new();
        for p in paths {
            text.push_str(p);
            text.push('\n');
        }
        self.put(MANIFEST, |f| std::io::Write::write_all(f, text.as_bytes()))
    }
}

/// Writes `file`'s bytes into `out`.
fn write_out(file: &OutFile, out: &mut std::fs::File) -> std::io::Result<()> {
    use std::io::Write;
    match file {
        OutFile::Bytes(b) => out.write_all(b),
        OutFile::Static(b) => out.write_all(b),
        OutFile::Copy(src) => {
            let mut from = std::fs::File::open(src)?;
            std::io::copy(&mut from, out).map(|_| ())
        }
    }
}

/// Removes temporary files an interrupted publish left behind, and links
/// planted under their names (never following one).
fn remove_stale_temps(dir: &Path, tree: &Tree) {
    for e in walkdir::WalkDir::new(dir)
        .follow_links(false)
        .into_iter()
        .filter_map(|e| e.ok())
    {
        let t = e.file_type();
        if (t.is_file() || t.is_symlink()) && e.file_name().to_string_lossy().ends_with(TEMP_SUFFIX)
        {
            if let Ok(rel) = e.path().strip_prefix(dir) {
                let _ = tree.remove_file(&rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
}

fn stamp(file: &OutFile) -> Stamp {
    match file {
        OutFile::Copy(src) => match std::fs::metadata(src) {
            // Path, size and modification time: a copied file is not read
            // again unless it changed.
            Ok(m) => Stamp::Copied(src.clone(), m.len(), m.modified().ok()),
            Err(_) => Stamp::Unknown,
        },
        _ => Stamp::Published,
    }
}

/// Refuses paths that would land outside the deploy folder.
fn check_relative(p: &str) -> Result<()> {
    let path = Path::new(p);
    if p.is_empty()
        || path.is_absolute()
        || path
            .components()
            .any(|c| !matches!(c, Component::Normal(_)))
        || p == MANIFEST
        || p == LOCK
    {
        bail!(Say::OutsideDeploy { path: p }.text());
    }
    Ok(())
}

/// Every regular file under `dir`, as relative `/`-separated paths.
fn list_files(dir: &Path) -> Result<Vec<String>> {
    let mut out = vec![];
    for e in walkdir::WalkDir::new(dir).follow_links(false) {
        let e = e.with_context(|| Io::Read.at(dir.display()))?;
        if e.file_type().is_file() {
            if let Ok(rel) = e.path().strip_prefix(dir) {
                let parts: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.push(parts.join("/"));
            }
        }
    }
    Ok(out)
}

/// The build output folder as an [`Output`] of copies (for `deploy`).
pub fn output_from_disk(dir: &Path) -> Result<Output> {
    let mut output = Output::default();
    for rel in list_files(dir)? {
        if rel == MARKER
            || rel == MANIFEST
            || rel == LOCK
            || rel
                .rsplit('/')
                .next()
                .is_some_and(|n| n.ends_with(TEMP_SUFFIX))
        {
            continue;
        }
        let src = dir.join(&rel);
        output.insert(rel, OutFile::Copy(src));
    }
    Ok(output)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(pages: &[(&str, &str)]) -> Arc<Output> {
        let mut o = Output::default();
        for (p, t) in pages {
            o.insert(p.to_string(), OutFile::Bytes(t.as_bytes().into()));
        }
        Arc::new(o)
    }

    fn tree(dir: &Path) -> Vec<(String, String)> {
        let mut v: Vec<_> = list_files(dir)
            .unwrap()
            .into_iter()
            .map(|f| {
                let t = std::fs::read_to_string(dir.join(&f)).unwrap();
                (f, t)
            })
            .collect();
        v.sort();
        v
    }

    #[test]
    fn publishes_only_changes_and_deletes_last() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("www");
        let mut d = Deployer::open(&dir).unwrap();
        let r = d
            .publish(&site(&[("index.html", "a"), ("讲话/x/index.html", "x")]))
            .unwrap();
        assert_eq!(r.written.len(), 2);
        let r = d
            .publish(&site(&[("index.html", "b"), ("讲话/x/index.html", "x")]))
            .unwrap();
        assert_eq!(r.written, vec!["index.html".to_string()]);
        assert_eq!(r.unchanged, 1);
        let r = d
            .publish(&site(&[("index.html", "b"), ("y.html", "y")]))
            .unwrap();
        assert_eq!(r.written, vec!["y.html".to_string()]);
        assert_eq!(r.deleted, vec!["讲话/x/index.html".to_string()]);
        assert!(!dir.join("讲话").exists(), "emptied folders are removed");
        // The manifest was written before y.html appeared, while 讲话/x was
        // still there; it names both until it is next rewritten.
        assert_eq!(
            tree(&dir),
            vec![
                (
                    MANIFEST.into(),
                    "index.html\ny.html\n讲话/x/index.html\n".into()
                ),
                ("index.html".into(), "b".into()),
                ("y.html".into(), "y".into())
            ]
        );
        let r = d
            .publish(&site(&[
                ("index.html", "b"),
                ("y.html", "y"),
                ("z.html", "z"),
            ]))
            .unwrap();
        assert_eq!(r.written, vec!["z.html".to_string()]);
        assert!(r.deleted.is_empty(), "{:?}", r.deleted);
        assert_eq!(
            std::fs::read_to_string(dir.join(MANIFEST)).unwrap(),
            "index.html\ny.html\nz.html\n",
            "rewritten for the new file, without the deleted one"
        );
        // A new deployer takes the folder over from its manifest and deletes
        // only what it owns.
        std::fs::write(dir.join("foreign.txt"), "keep").unwrap();
        drop(d);
        let mut d = Deployer::open(&dir).unwrap();
        let r = d.publish(&site(&[("index.html", "c")])).unwrap();
        assert_eq!(r.deleted, vec!["y.html".to_string(), "z.html".to_string()]);
        assert!(dir.join("foreign.txt").is_file());
    }

    #[test]
    fn a_new_deployer_compares_with_the_disk_and_keeps_foreign_files_it_did_not_publish() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("www");
        Deployer::open(&dir)
            .unwrap()
            .publish(&site(&[("a.html", "a"), ("b.html", "b")]))
            .unwrap();
        // Someone drops a file in by hand after the first publish.
        std::fs::write(dir.join("notes.txt"), "mine").unwrap();
        let mut d = Deployer::open(&dir).unwrap();
        let r = d.publish(&site(&[("a.html", "a")])).unwrap();
        assert!(r.written.is_empty());
        assert_eq!(r.deleted, vec!["b.html".to_string()]);
        assert_eq!(
            std::fs::read_to_string(dir.join("notes.txt")).unwrap(),
            "mine"
        );
    }

    #[test]
    fn refuses_folders_with_unrelated_files_but_takes_over_placeholder_web_roots() {
        let tmp = tempfile::tempdir().unwrap();
        let docs = tmp.path().join("docs");
        std::fs::create_dir(&docs).unwrap();
        std::fs::write(docs.join("工作总结.docx"), "x").unwrap();
        let err = Deployer::open(&docs).err().unwrap().to_string();
        assert!(err.contains("工作总结.docx"), "{err}");

        let www = tmp.path().join("html");
        std::fs::create_dir(&www).unwrap();
        std::fs::write(www.join("index.nginx-debian.html"), "Welcome to nginx").unwrap();
        std::fs::write(www.join("index.html"), "Welcome to nginx").unwrap();
        let mut d = Deployer::open(&www).unwrap();
        d.publish(&site(&[("index.html", "site")])).unwrap();
        assert_eq!(
            std::fs::read_to_string(www.join("index.html")).unwrap(),
            "site"
        );
        assert!(
            www.join("index.nginx-debian.html").exists(),
            "files it did not publish are left alone"
        );
    }

    #[test]
    fn refuses_climbing_paths_and_leaves_no_temp_files() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("www");
        let mut d = Deployer::open(&dir).unwrap();
        for bad in ["../evil.html", MANIFEST] {
            let e = d.publish(&site(&[(bad, "x")])).unwrap_err();
            assert_eq!(
                e.to_string(),
                format!("拒绝发布 `{bad}`：它会落到发布文件夹以外")
            );
        }
        assert!(!tmp.path().join("evil.html").exists());
        d.publish(&site(&[("a/b.html", "x")])).unwrap();
        let names: Vec<String> = list_files(&dir).unwrap();
        assert!(names.iter().all(|n| !n.ends_with(".zt-tmp")), "{names:?}");
        // Left over by an interrupted publish: cleaned up on the next start.
        std::fs::write(dir.join("a/.b.html.zt-tmp"), "half").unwrap();
        drop(d);
        Deployer::open(&dir).unwrap();
        assert!(!dir.join("a/.b.html.zt-tmp").exists());
    }

    #[test]
    fn copies_files_and_notices_when_they_change() {
        let tmp = tempfile::tempdir().unwrap();
        let src = tmp.path().join("photo.jpg");
        std::fs::write(&src, "one").unwrap();
        let dir = tmp.path().join("www");
        let mut o = Output::default();
        o.insert("photo.jpg".into(), OutFile::Copy(src.clone()));
        let o = Arc::new(o);
        let mut d = Deployer::open(&dir).unwrap();
        d.publish(&o).unwrap();
        assert!(d.publish(&o).unwrap().written.is_empty());
        std::fs::write(&src, "two!").unwrap();
        assert_eq!(
            d.publish(&o).unwrap().written,
            vec!["photo.jpg".to_string()]
        );
        assert_eq!(
            std::fs::read_to_string(dir.join("photo.jpg")).unwrap(),
            "two!"
        );
    }
}
