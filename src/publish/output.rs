//! The built site as a value ([`Output`]: path → file), and writing it to
//! disk so that readers of the output folder never see a half-written site.
//!
//! Invariants:
//! - Nothing is written outside the output folder and its staging sibling.
//! - The previous output stays complete until the new one is complete: the
//!   new site is written into a staging folder beside it and swapped in with
//!   one atomic rename exchange (two renames where the system has none).
//! - A folder that does not look like zhanting output is never replaced.

use crate::msg::{Io, Say};
use anyhow::{bail, Context, Result};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// One output file's content.
#[derive(Debug, Clone, Eq)]
pub enum OutFile {
    /// Shared: an unchanged file is carried from one build to the next
    /// without copying (and compares equal by pointer first).
    Bytes(std::sync::Arc<[u8]>),
    /// Built into the binary (theme assets).
    Static(&'static [u8]),
    /// Copied from a source file (images, attachments, static/).
    Copy(PathBuf),
}

impl PartialEq for OutFile {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            // The same shared bytes are equal without reading them.
            (OutFile::Bytes(a), OutFile::Bytes(b)) => {
                std::sync::Arc::ptr_eq(a, b) || a[..] == b[..]
            }
            (OutFile::Static(a), OutFile::Static(b)) => a == b,
            (OutFile::Copy(a), OutFile::Copy(b)) => a == b,
            _ => false,
        }
    }
}

impl OutFile {
    /// True when `dest` is a plain file (not a link to elsewhere) holding
    /// exactly these bytes. Any failure to read counts as different.
    pub fn is_at(&self, dest: &Path) -> bool {
        match std::fs::symlink_metadata(dest) {
            Ok(meta) if meta.is_file() => std::fs::File::open(dest)
                .map(|f| self.matches_open(f, &meta))
                .unwrap_or(false),
            _ => false,
        }
    }

    /// True when the opened file, whose metadata is `meta`, holds exactly
    /// these bytes. Any failure to read counts as different.
    pub fn matches_open(&self, mut f: std::fs::File, meta: &std::fs::Metadata) -> bool {
        use std::io::Read;
        let want_len = match self {
            OutFile::Bytes(b) => b.len() as u64,
            OutFile::Static(b) => b.len() as u64,
            OutFile::Copy(src) => match std::fs::metadata(src) {
                Ok(m) => m.len(),
                Err(_) => return false,
            },
        };
        if !meta.is_file() || meta.len() != want_len {
            return false;
        }
        // Exactly that many bytes, and nothing after them.
        let mut have = vec![0; want_len as usize];
        if f.read_exact(&mut have).is_err() || !matches!(f.read(&mut [0u8]), Ok(0)) {
            return false;
        }
        match self {
            OutFile::Bytes(b) => have[..] == b[..],
            OutFile::Static(b) => have == *b,
            OutFile::Copy(src) => std::fs::read(src).map(|s| s == have).unwrap_or(false),
        }
    }
}

/// The whole site in memory: relative `/`-separated path (not encoded) → file.
///
/// A persistent map: cloning it costs nothing, and a build patched from the
/// previous one ([`Collect::on`]) shares every untouched part of it, so that
/// comparing the two ([`imbl::OrdMap::diff`]) visits only what changed.
#[derive(Debug, Clone, Default)]
pub struct Output {
    pub files: imbl::OrdMap<String, OutFile>,
}

/// Marks a folder as zhanting output, so that it may be replaced.
pub const MARKER: &str = ".zhanting";

impl Output {
    pub fn insert(&mut self, path: String, file: OutFile) {
        self.files.insert(path, file);
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The bytes of a file (reading copied files from disk).
    pub fn read(&self, path: &str) -> Option<Vec<u8>> {
        match self.files.get(path)? {
            OutFile::Bytes(b) => Some(b.to_vec()),
            OutFile::Static(b) => Some(b.to_vec()),
            OutFile::Copy(p) => std::fs::read(p).ok(),
        }
    }
}

/// Opens the source of a copied file ([`OutFile::Copy`]) for reading at the
/// moment it is needed, only when it is still a regular file whose real
/// path lies inside `root` (a canonical path): the source may have been
/// swapped for a link to elsewhere since the build looked at it. Returns
/// the open file and its length, or `None` (gone, not a regular file, or
/// outside `root`).
///
/// On Unix the check cannot be raced: the file is opened first (without
/// blocking on a FIFO, without following a final link), and then its path
/// is resolved again and must name that same file inside `root`.
pub fn open_within(src: &Path, root: &Path) -> Option<(std::fs::File, u64)> {
    let real = std::fs::canonicalize(src).ok()?;
    if !real.starts_with(root) {
        return None;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let flags = rustix::fs::OFlags::NONBLOCK | rustix::fs::OFlags::NOFOLLOW;
        opts.custom_flags(flags.bits() as i32);
    }
    let file = opts.open(&real).ok()?;
    let meta = file.metadata().ok()?;
    if !meta.is_file() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let again = std::fs::canonicalize(src).ok()?;
        let there = std::fs::metadata(&again).ok()?;
        if !again.starts_with(root) || there.dev() != meta.dev() || there.ino() != meta.ino() {
            return None;
        }
    }
    Some((file, meta.len()))
}

/// Where a build puts its files — the output target is a parameter. Kept in
/// memory ([`Collect`]: serve and watch; after an edit it patches the
/// previous build's output), written at once into a staging folder
/// ([`Staging`]: `build`, so that a large site is never held whole in
/// memory), or dropped ([`Discard`]: `check`).
///
/// `put` is called from many threads at once, in no particular order; the
/// same path is never put twice in one build. A sink either starts empty
/// and receives every file, or ([`Collect::on`]) starts with the previous
/// output and receives only what changed, plus a `remove` for each file
/// that is gone; the stages are told which by being handed that previous
/// output.
pub trait Sink: Sync {
    fn put(&self, path: String, file: OutFile);

    /// Drops a file of the previous output (only [`Collect::on`] holds any).
    fn remove(&self, _path: &str) {}

    /// The bytes of `path` in the output this one replaces, if it was a
    /// file made from bytes there (a stage may take it over instead of
    /// making it again, when it can tell it is the same).
    fn previous(&self, _path: &str) -> Option<std::sync::Arc<[u8]>> {
        None
    }

    /// Many files at once (cheaper for a sink that must lock).
    fn put_all(&self, files: Vec<(String, OutFile)>) {
        for (path, file) in files {
            self.put(path, file);
        }
    }
}

/// Keeps every file in memory: starting empty, or ([`Collect::on`]) from the
/// previous output, which it patches — a file put replaces the one at its
/// path only when it differs (so untouched parts stay shared with the
/// previous output), `remove` drops one.
#[derive(Default)]
pub struct Collect(std::sync::Mutex<Output>);

impl Collect {
    /// Starts from `previous` (a clone that shares all of it).
    pub fn on(previous: &Output) -> Collect {
        Collect(std::sync::Mutex::new(previous.clone()))
    }

    pub fn into_output(self) -> Output {
        self.0.into_inner().unwrap_or_else(|e| e.into_inner())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Output> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Sink for Collect {
    fn put(&self, path: String, file: OutFile) {
        let mut out = self.lock();
        if out.files.get(&path) != Some(&file) {
            out.files.insert(path, file);
        }
    }

    fn remove(&self, path: &str) {
        self.lock().files.remove(path);
    }

    fn previous(&self, path: &str) -> Option<std::sync::Arc<[u8]>> {
        match self.lock().files.get(path) {
            Some(OutFile::Bytes(b)) => Some(b.clone()),
            _ => None,
        }
    }
}

/// Forgets every file (a build that only checks).
pub struct Discard;

impl Sink for Discard {
    fn put(&self, _: String, _: OutFile) {}
}

/// A new site being written beside the output folder `dest`, swapped in by
/// [`Staging::commit`] when complete. Dropped without a commit, it is
/// removed and `dest` stays as it was.
///
/// A file whose bytes equal those of the same path in the previous output is
/// hard-linked from there instead of written: far fewer new files for the
/// file system to create now and to free when the old folder goes.
pub struct Staging {
    dir: PathBuf,
    dest: PathBuf,
    reuse: Option<PathBuf>,
    /// The first failure; later files are not written.
    error: std::sync::Mutex<Option<anyhow::Error>>,
    committed: bool,
}

impl Staging {
    /// Starts a new site for `dest`, refusing a `dest` that is not zhanting
    /// output.
    pub fn open(dest: &Path) -> Result<Staging> {
        if dest.exists() && !is_replaceable(dest)? {
            bail!(Say::NotOutputFolder {
                folder: &dest.display().to_string()
            }
            .text());
        }
        let dir = sibling(dest, "staging")?;
        remove_if_exists(&dir)?;
        std::fs::create_dir_all(&dir).with_context(|| Io::Create.at(dir.display()))?;
        std::fs::write(dir.join(MARKER), b"").with_context(|| Io::WriteIn.at(dir.display()))?;
        Ok(Staging {
            reuse: dest.is_dir().then(|| dest.to_path_buf()),
            dest: dest.to_path_buf(),
            dir,
            error: Default::default(),
            committed: false,
        })
    }

    fn failed(&self) -> bool {
        self.error.lock().map(|e| e.is_some()).unwrap_or(true)
    }

    fn place(&self, rel: &str, file: &OutFile) -> Result<()> {
        check_relative(rel)?;
        let dest = self.dir.join(rel);
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).with_context(|| Io::Create.at(parent.display()))?;
        }
        if let Some(old) = self.reuse.as_ref().map(|r| r.join(rel)) {
            if file.is_at(&old) && std::fs::hard_link(&old, &dest).is_ok() {
                return Ok(());
            }
        }
        match file {
            OutFile::Bytes(b) => std::fs::write(&dest, &b[..]).map(|_| ()),
            OutFile::Static(b) => std::fs::write(&dest, b).map(|_| ()),
            OutFile::Copy(src) => std::fs::copy(src, &dest).map(|_| ()),
        }
        .with_context(|| Io::Write.at(dest.display()))
    }

    /// Puts the complete site at `dest` (the previous one is removed), or
    /// returns the first failure of writing it.
    pub fn commit(mut self) -> Result<()> {
        let error = self
            .error
            .get_mut()
            .map(Option::take)
            .unwrap_or_else(|e| e.into_inner().take());
        if let Some(e) = error {
            return Err(e);
        }
        // On power loss, a renamed folder must not hold files whose data never
        // reached the disk: flush everything before the swap, and the swap itself.
        flush(&self.dir);
        swap_in(&self.dir, &self.dest)?;
        self.committed = true;
        if let Some(parent) = self.dest.parent() {
            flush(if parent.as_os_str().is_empty() {
                Path::new(".")
            } else {
                parent
            });
        }
        Ok(())
    }
}

impl Sink for Staging {
    fn put(&self, path: String, file: OutFile) {
        if self.failed() {
            return;
        }
        if let Err(e) = self.place(&path, &file) {
            if let Ok(mut slot) = self.error.lock() {
                slot.get_or_insert(e);
            }
        }
    }

    fn put_all(&self, files: Vec<(String, OutFile)>) {
        files.into_par_iter().for_each(|(p, f)| self.put(p, f));
    }

    /// Read from the output folder being replaced (a regular file only,
    /// never through a link).
    fn previous(&self, path: &str) -> Option<std::sync::Arc<[u8]>> {
        check_relative(path).ok()?;
        let file = self.reuse.as_ref()?.join(path);
        let meta = std::fs::symlink_metadata(&file).ok()?;
        if !meta.file_type().is_file() {
            return None;
        }
        std::fs::read(&file).ok().map(Into::into)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = remove_if_exists(&self.dir);
        }
    }
}

/// Refuses paths that would land outside the output folder.
fn check_relative(p: &str) -> Result<()> {
    let path = Path::new(p);
    if p.is_empty()
        || path.is_absolute()
        || path
            .components()
            .any(|c| !matches!(c, std::path::Component::Normal(_)))
    {
        bail!(Say::OutsideOutput { path: p }.text());
    }
    Ok(())
}

/// Flushes the file system holding `dir` to disk (best effort: a failure
/// only weakens the power-loss guarantee, it does not lose the build).
#[cfg(target_os = "linux")]
fn flush(dir: &Path) {
    if let Ok(f) = std::fs::File::open(dir) {
        let _ = rustix::fs::syncfs(&f);
    }
}

#[cfg(not(target_os = "linux"))]
fn flush(dir: &Path) {
    if let Ok(f) = std::fs::File::open(dir) {
        let _ = f.sync_all();
    }
}

/// `PARENT/.NAME.staging` for `PARENT/NAME`.
pub fn sibling(dest: &Path, what: &str) -> Result<PathBuf> {
    let name = dest
        .file_name()
        .with_context(|| {
            Say::NotFolderName {
                path: &dest.display().to_string(),
            }
            .text()
        })?
        .to_string_lossy();
    Ok(dest.with_file_name(format!(".{name}.{what}")))
}

/// True for a missing or empty folder, or one written by zhanting.
pub fn is_replaceable(dir: &Path) -> Result<bool> {
    if !dir.is_dir() {
        return Ok(!dir.exists());
    }
    if dir.join(MARKER).exists() {
        return Ok(true);
    }
    let mut entries = std::fs::read_dir(dir).with_context(|| Io::Read.at(dir.display()))?;
    Ok(entries.next().is_none())
}

pub fn remove_if_exists(p: &Path) -> Result<()> {
    match std::fs::symlink_metadata(p) {
        Ok(m) if m.is_dir() => {
            std::fs::remove_dir_all(p).with_context(|| Io::Remove.at(p.display()))
        }
        Ok(_) => std::fs::remove_file(p).with_context(|| Io::Remove.at(p.display())),
        Err(_) => Ok(()),
    }
}

/// Puts the complete folder `staging` at `dest`; the old `dest` is removed.
fn swap_in(staging: &Path, dest: &Path) -> Result<()> {
    if !dest.exists() {
        return std::fs::rename(staging, dest).with_context(|| Io::MoveSiteTo.at(dest.display()));
    }
    if exchange(staging, dest).is_ok() {
        // `staging` now holds the previous site.
        return remove_if_exists(staging);
    }
    let old = sibling(dest, "old")?;
    remove_if_exists(&old)?;
    std::fs::rename(dest, &old).with_context(|| Io::MoveAside.at(dest.display()))?;
    std::fs::rename(staging, dest).with_context(|| Io::MoveSiteTo.at(dest.display()))?;
    remove_if_exists(&old)
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::new(
        std::io::ErrorKind::Unsupported,
        "no atomic exchange",
    ))
}

/// After an interrupted swap on systems without an atomic exchange, the
/// previous site may sit in `.NAME.old` with no `NAME`: put it back. A
/// staging folder a killed build left behind is removed. Call it holding
/// the folder's [`lock`], so that no build is running.
pub fn recover(dest: &Path) -> Result<()> {
    let old = sibling(dest, "old")?;
    if !dest.exists() && old.is_dir() {
        std::fs::rename(&old, dest).with_context(|| Io::Restore.at(dest.display()))?;
    }
    remove_if_exists(&sibling(dest, "staging")?)?;
    remove_if_exists(&old)
}

/// The exclusive use of an output folder by one zhanting (`build`,
/// `deploy`, `watch`, `serve`), held until dropped. The lock is on the
/// file `.NAME.lock` beside the folder, which outlives the swaps of the
/// folder itself.
pub struct Lock {
    _file: std::fs::File,
}

/// Takes the lock of output folder `dest`; Ok(None) when another process
/// holds it.
pub fn try_lock(dest: &Path) -> Result<Option<Lock>> {
    let path = sibling(dest, "lock")?;
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).with_context(|| Io::Create.at(parent.display()))?;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // A link planted under the lock's name is not followed.
        opts.custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32);
    }
    let file = opts
        .open(&path)
        .with_context(|| Io::Open.at(path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(Lock { _file: file })),
        Err(std::fs::TryLockError::WouldBlock) => Ok(None),
        Err(std::fs::TryLockError::Error(e)) => Err(e).with_context(|| Io::Lock.at(path.display())),
    }
}

/// [`try_lock`], with an error when another process holds the lock.
pub fn lock(dest: &Path) -> Result<Lock> {
    match try_lock(dest)? {
        Some(l) => Ok(l),
        None => bail!(Say::OutputBusy {
            folder: &dest.display().to_string()
        }
        .text()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Publishes `output` at `dest` the way a build does.
    fn write_atomically(output: &Output, dest: &Path) -> Result<()> {
        let staging = Staging::open(dest)?;
        for (path, file) in &output.files {
            staging.put(path.clone(), file.clone());
        }
        staging.commit()
    }

    fn site(text: &str) -> Output {
        let mut o = Output::default();
        o.insert(
            "index.html".into(),
            OutFile::Bytes(text.as_bytes().to_vec().into()),
        );
        o.insert("a/b/c.html".into(), OutFile::Static(b"c"));
        o
    }

    #[test]
    fn writes_and_replaces() {
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("output");
        write_atomically(&site("one"), &dest).unwrap();
        assert_eq!(
            std::fs::read_to_string(dest.join("index.html")).unwrap(),
            "one"
        );
        std::fs::write(dest.join("stale.html"), "x").unwrap();
        write_atomically(&site("two"), &dest).unwrap();
        assert_eq!(
            std::fs::read_to_string(dest.join("index.html")).unwrap(),
            "two"
        );
        assert!(!dest.join("stale.html").exists());
        assert!(dest.join("a/b/c.html").exists());
        let left: Vec<_> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, vec![std::ffi::OsString::from("output")]);
    }

    #[cfg(unix)]
    #[test]
    fn unchanged_files_are_linked_changed_ones_written() {
        use std::os::unix::fs::MetadataExt;
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("output");
        let ino = |rel: &str| std::fs::metadata(dest.join(rel)).unwrap().ino();
        write_atomically(&site("one"), &dest).unwrap();
        let (index, c) = (ino("index.html"), ino("a/b/c.html"));
        // Same length, other bytes: written anew, not linked.
        write_atomically(&site("two"), &dest).unwrap();
        assert_eq!(
            std::fs::read_to_string(dest.join("index.html")).unwrap(),
            "two"
        );
        assert_ne!(ino("index.html"), index);
        assert_eq!(ino("a/b/c.html"), c);
        // A file changed by hand in the output is replaced, not kept.
        std::fs::write(dest.join("a/b/c.html"), "d").unwrap();
        write_atomically(&site("two"), &dest).unwrap();
        assert_eq!(
            std::fs::read_to_string(dest.join("a/b/c.html")).unwrap(),
            "c"
        );
    }

    #[test]
    fn refuses_foreign_folders() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("precious.txt"), "keep").unwrap();
        let err = write_atomically(&site("x"), tmp.path()).unwrap_err();
        assert!(
            err.to_string().contains("不是 zhanting 生成的输出文件夹"),
            "{err}"
        );
        assert!(tmp.path().join("precious.txt").exists());
    }

    #[test]
    fn refuses_climbing_paths() {
        let tmp = tempfile::tempdir().unwrap();
        let mut o = Output::default();
        o.insert("../evil.html".into(), OutFile::Bytes(vec![].into()));
        let e = write_atomically(&o, &tmp.path().join("out")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "拒绝写入 `../evil.html`：它会落到输出文件夹以外"
        );
        assert!(!tmp.path().join("evil.html").exists());
    }

    #[test]
    fn recovers_after_interrupted_swap() {
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("output");
        std::fs::create_dir(tmp.path().join(".output.old")).unwrap();
        recover(&dest).unwrap();
        assert!(dest.is_dir());
    }

    #[cfg(unix)]
    #[test]
    fn copied_files_open_only_inside_the_root() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path().join("site");
        std::fs::create_dir_all(root.join("content")).unwrap();
        let root = std::fs::canonicalize(&root).unwrap();
        let inside = root.join("content/a.pdf");
        std::fs::write(&inside, "inside").unwrap();
        std::fs::write(t.path().join("secret"), "secret").unwrap();
        let read = |p: &Path| {
            open_within(p, &root).map(|(mut f, len)| {
                let mut s = String::new();
                std::io::Read::read_to_string(&mut f, &mut s).unwrap();
                (s, len)
            })
        };
        assert_eq!(read(&inside), Some(("inside".into(), 6)));
        // A link to a file inside the site is fine, one to outside is not.
        let link_in = root.join("content/b.pdf");
        std::os::unix::fs::symlink(&inside, &link_in).unwrap();
        assert_eq!(read(&link_in), Some(("inside".into(), 6)));
        let link_out = root.join("content/c.pdf");
        std::os::unix::fs::symlink(t.path().join("secret"), &link_out).unwrap();
        assert_eq!(read(&link_out), None);
        // `..` through the site folder, a folder, a FIFO (without blocking), nothing.
        assert_eq!(read(&root.join("content/../../secret")), None);
        assert_eq!(read(&root.join("content")), None);
        let fifo = root.join("content/fifo.pdf");
        rustix::fs::mknodat(
            rustix::fs::CWD,
            &fifo,
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::from_raw_mode(0o600),
            0,
        )
        .unwrap();
        assert_eq!(read(&fifo), None);
        assert_eq!(read(&root.join("content/missing.pdf")), None);
    }
}
