//! The deploy folder, written by names relative to it without ever
//! following a symbolic link inside it.
//!
//! A web root can hold links planted by someone else (`speeches -> /etc`,
//! `.index.html.zt-tmp -> /etc/passwd`). The folder of a file is opened in
//! one `openat2` call that refuses any link on the way (Linux 5.6 and
//! later), or else folder by folder, each relative to the one above it with
//! `O_NOFOLLOW` (that walk also names the link when there is one); files are created
//! with `O_CREAT | O_EXCL | O_NOFOLLOW`, and renames and deletions act on
//! names inside an opened folder, so a link is never written through or
//! deleted through, whatever the paths say. The folder itself (`--to`) is
//! the user's choice and may be a link. A link or a file where the site needs
//! a folder is refused with an error naming it.
//!
//! On systems without `openat` (Windows) the same rules are kept by looking
//! at each component with `symlink_metadata` before using the path.

use crate::msg::{Io, Say};
use anyhow::{bail, Context, Result};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The lock file, where the folder itself cannot be locked (Windows).
pub const LOCK: &str = ".zhanting-lock";

/// The suffix of the temporary file beside each file being replaced.
pub const TEMP_SUFFIX: &str = ".zt-tmp";

/// `.NAME.zt-tmp` for `NAME`.
pub fn temp_name(name: &str) -> String {
    format!(".{name}{TEMP_SUFFIX}")
}

/// What sits at a path, not following links.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    File,
    Folder,
    Link,
    Other,
}

/// An opened deploy folder.
pub struct Tree {
    root: PathBuf,
    #[cfg(unix)]
    fd: rustix::fd::OwnedFd,
}

/// `a/b/c.html` → (`a/b`, `c.html`).
pub fn split(rel: &str) -> (&str, &str) {
    rel.rsplit_once('/').unwrap_or(("", rel))
}

impl Tree {
    /// Opens `dir`, which must exist and be a folder.
    pub fn open(dir: &Path) -> Result<Tree> {
        #[cfg(unix)]
        {
            use rustix::fs::{openat, Mode, OFlags, CWD};
            let fd = openat(
                CWD,
                dir,
                OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
                Mode::empty(),
            )
            .map_err(std::io::Error::from)
            .with_context(|| Io::Open.at(dir.display()))?;
            Ok(Tree {
                root: dir.to_path_buf(),
                fd,
            })
        }
        #[cfg(not(unix))]
        {
            if !dir.is_dir() {
                bail!(Say::NotAFolder {
                    path: &dir.display().to_string()
                }
                .text());
            }
            Ok(Tree {
                root: dir.to_path_buf(),
            })
        }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        if rel.is_empty() {
            self.root.clone()
        } else {
            self.root.join(rel)
        }
    }

    fn refuse(&self, rel: &str, kind: Kind) -> anyhow::Error {
        let p = self.path(rel);
        match kind {
            Kind::Link => anyhow::anyhow!(Say::SymbolicLink {
                path: &p.display().to_string()
            }
            .text()),
            _ => anyhow::anyhow!(Say::FileWhereFolder {
                path: &p.display().to_string()
            }
            .text()),
        }
    }

    /// What is at `rel`, not following a link (None: nothing, or a folder
    /// on the way is missing or a link).
    pub fn kind(&self, rel: &str) -> Option<Kind> {
        let (dir, name) = split(rel);
        self.dir(dir).ok()?.kind(name)
    }

    /// Folder `rel` (`""`: the root), opened once for work on several of
    /// its files.
    pub fn dir(&self, rel: &str) -> Result<Dir<'_>> {
        Ok(Dir {
            tree: self,
            rel: rel.to_string(),
            folder: self.folder(rel)?,
        })
    }

    /// Opens folder `rel` (`""`: the root) without following a link on
    /// the way; an error names a link, file or missing folder in the way.
    fn folder(&self, rel: &str) -> Result<Folder> {
        // One call where the system has it: fails on any link on the way.
        // Any failure (a link, a missing folder, an old kernel) takes the
        // walk below, which says exactly what is wrong.
        #[cfg(target_os = "linux")]
        if !rel.is_empty() {
            use rustix::fs::{openat2, Mode, OFlags, ResolveFlags};
            if let Ok(fd) = openat2(
                &self.fd,
                rel,
                OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
                Mode::empty(),
                ResolveFlags::NO_SYMLINKS | ResolveFlags::BENEATH,
            ) {
                return Ok(Folder { fd });
            }
        }
        #[cfg(unix)]
        let mut cur = Folder {
            fd: rustix::fs::openat(
                &self.fd,
                ".",
                rustix::fs::OFlags::RDONLY
                    | rustix::fs::OFlags::DIRECTORY
                    | rustix::fs::OFlags::CLOEXEC,
                rustix::fs::Mode::empty(),
            )
            .map_err(std::io::Error::from)
            .with_context(|| Io::Open.at(self.root.display()))?,
        };
        #[cfg(not(unix))]
        let mut cur = Folder {
            path: self.root.clone(),
        };
        if rel.is_empty() {
            return Ok(cur);
        }
        let mut walked = String::new();
        for part in rel.split('/') {
            if !walked.is_empty() {
                walked.push('/');
            }
            walked.push_str(part);
            cur = match cur.child(part) {
                Ok(Some(f)) => f,
                Ok(None) => bail!(Say::Missing {
                    path: &self.path(&walked).display().to_string()
                }
                .text()),
                Err(kind) => return Err(self.refuse(&walked, kind)),
            };
        }
        Ok(cur)
    }

    /// Creates folder `rel_dir` and the folders above it where missing,
    /// noting each one made. A link or file in the way is an error naming it.
    pub fn make_folders(&self, rel_dir: &str, created: &Mutex<Vec<String>>) -> Result<()> {
        if rel_dir.is_empty() {
            return Ok(());
        }
        let (parent, name) = split(rel_dir);
        let folder = match self.folder(parent) {
            Ok(f) => f,
            Err(_) => {
                self.make_folders(parent, created)?;
                self.folder(parent)?
            }
        };
        match folder.make(name) {
            Ok(true) => {
                if let Ok(mut l) = created.lock() {
                    l.push(rel_dir.to_string());
                }
                Ok(())
            }
            // There already: a link or a file there is reported when the
            // folder is opened to write in it.
            Ok(false) => Ok(()),
            Err(e) => Err(e).with_context(|| Io::Create.at(self.path(rel_dir).display())),
        }
    }

    /// [`Dir::write_temp`] for the file `rel`.
    pub fn write_temp(
        &self,
        rel: &str,
        fill: impl FnOnce(&mut File) -> std::io::Result<()>,
    ) -> Result<()> {
        let (dir, name) = split(rel);
        self.dir(dir)?.write_temp(name, fill)
    }

    /// [`Dir::commit_temp`] for the file `rel`.
    pub fn commit_temp(&self, rel: &str) -> Result<()> {
        let (dir, name) = split(rel);
        self.dir(dir)?.commit_temp(name)
    }

    /// [`Dir::discard_temp`] for the file `rel`.
    pub fn discard_temp(&self, rel: &str) {
        let (dir, name) = split(rel);
        if let Ok(d) = self.dir(dir) {
            d.discard_temp(name);
        }
    }

    /// Deletes the file (or link) `rel`. A missing file, or one behind a
    /// folder that is a link, is left alone: Ok(false).
    pub fn remove_file(&self, rel: &str) -> Result<bool> {
        let (dir, name) = split(rel);
        let Ok(folder) = self.folder(dir) else {
            return Ok(false);
        };
        match folder.kind(name) {
            None | Some(Kind::Folder) => Ok(false),
            Some(_) => folder
                .remove(name)
                .map(|_| true)
                .with_context(|| Io::Remove.at(self.path(rel).display())),
        }
    }

    /// Removes folder `rel` when it is empty (and a real folder).
    pub fn remove_empty_folder(&self, rel: &str) {
        let (dir, name) = split(rel);
        if let Ok(folder) = self.folder(dir) {
            if folder.kind(name) == Some(Kind::Folder) {
                let _ = folder.remove_dir(name);
            }
        }
    }

    /// Opens `rel` for reading when it is a plain file (not a link).
    pub fn open_file(&self, rel: &str) -> Option<(File, std::fs::Metadata)> {
        let (dir, name) = split(rel);
        self.dir(dir).ok()?.open_file(name)
    }

    /// Takes the folder's exclusive lock: Ok(None) when another process
    /// holds it. Held until the returned file is dropped. (The folder itself
    /// is locked where the system allows it, so no file is added to the web
    /// root; elsewhere a hidden `.zhanting-lock` file is.)
    pub fn try_lock(&self) -> Result<Option<File>> {
        #[cfg(unix)]
        let f = File::from(
            rustix::io::fcntl_dupfd_cloexec(&self.fd, 0)
                .map_err(std::io::Error::from)
                .with_context(|| Io::Lock.at(self.root.display()))?,
        );
        #[cfg(not(unix))]
        let f = self
            .folder("")?
            .open_lock(LOCK)
            .with_context(|| Io::Lock.at(self.root.display()))?;
        match f.try_lock() {
            Ok(()) => Ok(Some(f)),
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(e)) => {
                Err(e).with_context(|| Io::Lock.at(self.root.display()))
            }
        }
    }
}

/// One opened folder of the tree, for work on files by their names in it.
pub struct Dir<'t> {
    tree: &'t Tree,
    rel: String,
    folder: Folder,
}

impl Dir<'_> {
    fn path(&self, name: &str) -> PathBuf {
        if self.rel.is_empty() {
            self.tree.path(name)
        } else {
            self.tree.path(&format!("{}/{name}", self.rel))
        }
    }

    /// What is at `name`, not following a link.
    pub fn kind(&self, name: &str) -> Option<Kind> {
        self.folder.kind(name)
    }

    /// Opens `name` for reading when it is a plain file (not a link).
    pub fn open_file(&self, name: &str) -> Option<(File, std::fs::Metadata)> {
        self.folder.open_file(name)
    }

    /// Writes the temporary file that will replace `name`: created anew
    /// (a stale temporary file or link of that name is removed first),
    /// never through a link. Refuses when `name` is a folder.
    pub fn write_temp(
        &self,
        name: &str,
        fill: impl FnOnce(&mut File) -> std::io::Result<()>,
    ) -> Result<()> {
        let folder = &self.folder;
        if folder.kind(name) == Some(Kind::Folder) {
            bail!(Say::FolderWhereFile {
                path: &self.path(name).display().to_string()
            }
            .text());
        }
        let tmp = temp_name(name);
        let mut file = match folder.create_new(&tmp) {
            // Left by an interrupted publish, or planted: removed, never followed.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let _ = folder.remove(&tmp);
                folder.create_new(&tmp)
            }
            other => other,
        }
        .with_context(|| Io::Write.at(self.path(name).display()))?;
        let written = fill(&mut file).and_then(|_| file.flush());
        drop(file);
        if let Err(e) = written {
            let _ = folder.remove(&tmp);
            return Err(e).with_context(|| Io::Write.at(self.path(name).display()));
        }
        Ok(())
    }

    /// Puts the temporary file of `name` in its place (one rename).
    pub fn commit_temp(&self, name: &str) -> Result<()> {
        self.folder
            .rename(&temp_name(name), name)
            .with_context(|| Io::Write.at(self.path(name).display()))
    }

    /// Removes the temporary file of `name`, if there.
    pub fn discard_temp(&self, name: &str) {
        let _ = self.folder.remove(&temp_name(name));
    }
}

/// One opened folder of the tree.
struct Folder {
    #[cfg(unix)]
    fd: rustix::fd::OwnedFd,
    #[cfg(not(unix))]
    path: PathBuf,
}

#[cfg(unix)]
impl Folder {
    fn kind(&self, name: &str) -> Option<Kind> {
        use rustix::fs::{statat, AtFlags, FileType};
        let st = statat(&self.fd, name, AtFlags::SYMLINK_NOFOLLOW).ok()?;
        Some(match FileType::from_raw_mode(st.st_mode) {
            FileType::RegularFile => Kind::File,
            FileType::Directory => Kind::Folder,
            FileType::Symlink => Kind::Link,
            _ => Kind::Other,
        })
    }

    /// The sub-folder `name`: Ok(None) when missing, Err(kind) when
    /// something else (a link, a file) is there.
    fn child(&self, name: &str) -> std::result::Result<Option<Folder>, Kind> {
        use rustix::fs::{openat, Mode, OFlags};
        match openat(
            &self.fd,
            name,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::empty(),
        ) {
            Ok(fd) => Ok(Some(Folder { fd })),
            Err(rustix::io::Errno::NOENT) => Ok(None),
            Err(_) => Err(self.kind(name).unwrap_or(Kind::Other)),
        }
    }

    /// Ok(true) when made, Ok(false) when it was there already.
    fn make(&self, name: &str) -> std::io::Result<bool> {
        match rustix::fs::mkdirat(&self.fd, name, rustix::fs::Mode::from_raw_mode(0o755)) {
            Ok(()) => Ok(true),
            Err(rustix::io::Errno::EXIST) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    fn create_new(&self, name: &str) -> std::io::Result<File> {
        use rustix::fs::{openat, Mode, OFlags};
        openat(
            &self.fd,
            name,
            OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::from_raw_mode(0o644),
        )
        .map(File::from)
        .map_err(Into::into)
    }

    fn open_file(&self, name: &str) -> Option<(File, std::fs::Metadata)> {
        use rustix::fs::{openat, Mode, OFlags};
        let f = File::from(
            openat(
                &self.fd,
                name,
                OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC | OFlags::NONBLOCK,
                Mode::empty(),
            )
            .ok()?,
        );
        let meta = f.metadata().ok()?;
        meta.is_file().then_some((f, meta))
    }

    fn rename(&self, from: &str, to: &str) -> std::io::Result<()> {
        rustix::fs::renameat(&self.fd, from, &self.fd, to).map_err(Into::into)
    }

    fn remove(&self, name: &str) -> std::io::Result<()> {
        match rustix::fs::unlinkat(&self.fd, name, rustix::fs::AtFlags::empty()) {
            Ok(()) | Err(rustix::io::Errno::NOENT) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    fn remove_dir(&self, name: &str) -> std::io::Result<()> {
        rustix::fs::unlinkat(&self.fd, name, rustix::fs::AtFlags::REMOVEDIR).map_err(Into::into)
    }
}

#[cfg(not(unix))]
impl Folder {
    fn kind(&self, name: &str) -> Option<Kind> {
        let m = std::fs::symlink_metadata(self.path.join(name)).ok()?;
        let t = m.file_type();
        Some(if t.is_symlink() {
            Kind::Link
        } else if t.is_dir() {
            Kind::Folder
        } else if t.is_file() {
            Kind::File
        } else {
            Kind::Other
        })
    }

    fn child(&self, name: &str) -> std::result::Result<Option<Folder>, Kind> {
        match self.kind(name) {
            None => Ok(None),
            Some(Kind::Folder) => Ok(Some(Folder {
                path: self.path.join(name),
            })),
            Some(k) => Err(k),
        }
    }

    fn make(&self, name: &str) -> std::io::Result<bool> {
        match std::fs::create_dir(self.path.join(name)) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
            Err(e) => Err(e),
        }
    }

    fn create_new(&self, name: &str) -> std::io::Result<File> {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(self.path.join(name))
    }

    fn open_lock(&self, name: &str) -> std::io::Result<File> {
        if self.kind(name) == Some(Kind::Link) {
            return Err(std::io::Error::other(Say::LockIsLink.text().to_string()));
        }
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(self.path.join(name))
    }

    fn open_file(&self, name: &str) -> Option<(File, std::fs::Metadata)> {
        if self.kind(name)? != Kind::File {
            return None;
        }
        let f = File::open(self.path.join(name)).ok()?;
        let meta = f.metadata().ok()?;
        Some((f, meta))
    }

    fn rename(&self, from: &str, to: &str) -> std::io::Result<()> {
        std::fs::rename(self.path.join(from), self.path.join(to))
    }

    fn remove(&self, name: &str) -> std::io::Result<()> {
        match std::fs::remove_file(self.path.join(name)) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e),
        }
    }

    fn remove_dir(&self, name: &str) -> std::io::Result<()> {
        std::fs::remove_dir(self.path.join(name))
    }
}
