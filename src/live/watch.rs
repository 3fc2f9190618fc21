//! Rebuilding on every edit: a [`Session`] that rebuilds the site and keeps
//! the last good build, and a [`Watcher`] that turns the file-system events
//! notify reports into debounced batches classified by
//! [`crate::live::changes::classify`].
//!
//! A rebuild after a content or `static/` change is incremental: the
//! session's [`Memo`] holds every stage's results, and
//! [`crate::build::build_with`] redoes only what the changed paths reach
//! (the content files whose read sets a changed path touches, their
//! bodies, the output files whose recorded reads have new values, the
//! search shards they touch). A theme change forgets the
//! rendering; a `site.yaml` change, or a watcher that lost events, starts
//! from nothing. Either way the output is byte for byte a clean build's.
//! The new [`Output`] goes to the targets, which write only the files
//! that changed ([`crate::publish::deploy::Deployer`]).

use crate::build::{self, BuildOptions, Memo};
use crate::diag::Diagnostic;
use crate::live::changes::{classify_rolled_up, ChangeKind, SourceFolder};
use crate::load::content::Changed;
use crate::msg::{Io, Say};
use crate::publish::deploy::Deployer;
use crate::publish::output::Output;
use anyhow::{Context, Result};
use notify::{RecursiveMode, Watcher as _};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Quiet time that ends a batch of events (editors save in several steps).
pub const DEBOUNCE: Duration = Duration::from_millis(20);
/// A batch never waits longer than this, even under a stream of events.
const MAX_BATCH: Duration = Duration::from_millis(500);

/// The result of one rebuild.
pub enum Rebuilt {
    Ok {
        output: Arc<Output>,
        pages: usize,
        /// HTML files rendered (the others were unchanged).
        rendered: usize,
        warnings: Vec<Diagnostic>,
        elapsed: Duration,
    },
    /// The build failed; the last good output stays in place.
    Failed(Vec<Diagnostic>),
}

/// A site being rebuilt again and again.
pub struct Session {
    root: PathBuf,
    opts: BuildOptions,
    memo: Memo,
    last_good: Option<Arc<Output>>,
}

impl Session {
    pub fn new(root: &Path, opts: BuildOptions) -> Session {
        Session {
            root: root.to_path_buf(),
            opts,
            memo: Memo::default(),
            last_good: None,
        }
    }

    /// The last successful build, if any.
    pub fn last_good(&self) -> Option<&Arc<Output>> {
        self.last_good.as_ref()
    }

    /// Rebuilds after a change of `kind` to `paths` (absolute, or relative
    /// to the site folder; empty for the first build).
    pub fn rebuild(&mut self, kind: ChangeKind, paths: &[PathBuf]) -> Rebuilt {
        let start = Instant::now();
        match kind {
            ChangeKind::Config => self.memo = Memo::default(),
            ChangeKind::Theme => self.memo.forget_rendering(),
            _ => {}
        }
        let root = self
            .root
            .canonicalize()
            .unwrap_or_else(|_| self.root.clone());
        let relative: Vec<PathBuf> = paths
            .iter()
            .map(|p| {
                p.strip_prefix(&root)
                    .or_else(|_| p.strip_prefix(&self.root))
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|_| p.clone())
            })
            .collect();
        let changed = if kind == ChangeKind::Config {
            Changed::Everything
        } else {
            Changed::Paths(&relative)
        };
        match build::build_with(
            &self.root,
            &self.opts,
            &build::Quiet,
            &mut self.memo,
            &changed,
        ) {
            Ok((built, output)) => {
                self.last_good = Some(output.clone());
                Rebuilt::Ok {
                    output,
                    pages: built.pages,
                    rendered: built.rendered,
                    warnings: built.diagnostics,
                    elapsed: start.elapsed(),
                }
            }
            Err(diags) => Rebuilt::Failed(diags),
        }
    }
}

/// A batch of relevant changes.
#[derive(Debug, Clone)]
pub struct Batch {
    pub kind: ChangeKind,
    pub paths: Vec<PathBuf>,
    /// When the first event of the batch arrived.
    pub first_event: Instant,
}

/// Watches `site.yaml`, `content/`, `static/` and `themes/` of a site, and
/// `site.yaml` and `content/` of each of its source sites (roll-up).
pub struct Watcher {
    watcher: notify::RecommendedWatcher,
    rx: Receiver<notify::Result<notify::Event>>,
    root: PathBuf,
    output: PathBuf,
    watched: Vec<PathBuf>,
    /// The source sites' folders, as site.yaml lists them now.
    sources: Vec<SourceFolder>,
}

const WATCHED_FOLDERS: &[&str] = &["content", "static", "themes"];

impl Watcher {
    /// Starts watching the site at `root`; `output` (its build output) is ignored.
    pub fn new(root: &Path, output: &Path) -> Result<Watcher> {
        let root = root
            .canonicalize()
            .with_context(|| Io::OpenSite.at(root.display()))?;
        let output = std::path::absolute(output).unwrap_or_else(|_| output.to_path_buf());
        let output = output.canonicalize().unwrap_or(output);
        let (tx, rx) = channel();
        let mut watcher = notify::recommended_watcher(move |ev| {
            let _ = tx.send(ev);
        })
        .with_context(|| Say::WatchStart.text())?;
        watcher
            .watch(&root, RecursiveMode::NonRecursive)
            .with_context(|| Io::Watch.at(root.display()))?;
        let mut w = Watcher {
            watcher,
            rx,
            root,
            output,
            watched: vec![],
            sources: vec![],
        };
        w.watch_folders();
        Ok(w)
    }

    /// The source sites' folders site.yaml lists now (none while it cannot
    /// be read: the build reports why).
    fn source_folders(&self) -> Vec<SourceFolder> {
        let Ok(config) = crate::load::config::load(&self.root) else {
            return vec![];
        };
        config
            .sources
            .into_iter()
            .filter_map(|s| {
                Some(SourceFolder {
                    root: self.root.join(&s.path).canonicalize().ok()?,
                    shown: s.path,
                })
            })
            .collect()
    }

    /// Watches the site's folders that exist and are not watched yet (they
    /// may be created after the start).
    fn watch_folders(&mut self) {
        self.sources = self.source_folders();
        let mut wanted: Vec<(PathBuf, RecursiveMode)> = WATCHED_FOLDERS
            .iter()
            .map(|name| (self.root.join(name), RecursiveMode::Recursive))
            .collect();
        for s in &self.sources {
            wanted.push((s.root.clone(), RecursiveMode::NonRecursive));
            wanted.push((s.root.join("content"), RecursiveMode::Recursive));
        }
        for (dir, mode) in &wanted {
            if dir.is_dir() && !self.watched.contains(dir) && self.watcher.watch(dir, *mode).is_ok()
            {
                self.watched.push(dir.clone());
            }
        }
        // Folders gone, or no longer a source's.
        let gone: Vec<PathBuf> = self
            .watched
            .iter()
            .filter(|d| !d.is_dir() || !wanted.iter().any(|(w, _)| w == *d))
            .cloned()
            .collect();
        for dir in gone {
            let _ = self.watcher.unwatch(&dir);
            self.watched.retain(|d| d != &dir);
        }
    }

    fn relevant(
        &self,
        ev: notify::Result<notify::Event>,
        kind: &mut ChangeKind,
        paths: &mut Vec<PathBuf>,
    ) {
        let Ok(ev) = ev else {
            // The watcher lost track (e.g. event overflow): rebuild fully.
            *kind = kind.merge(ChangeKind::Config);
            return;
        };
        if matches!(ev.kind, notify::EventKind::Access(_)) {
            return;
        }
        for p in ev.paths {
            let (k, p) = classify_rolled_up(&self.root, &self.sources, &self.output, &p);
            if k != ChangeKind::Ignore {
                *kind = kind.merge(k);
                if !paths.contains(&p) {
                    paths.push(p);
                }
            }
        }
    }

    /// Waits for the next batch of relevant changes; `None` when the
    /// watcher stopped.
    pub fn next_batch(&mut self) -> Option<Batch> {
        loop {
            let ev = self.rx.recv().ok()?;
            let first_event = Instant::now();
            let mut kind = ChangeKind::Ignore;
            let mut paths = vec![];
            self.relevant(ev, &mut kind, &mut paths);
            if kind == ChangeKind::Ignore {
                continue;
            }
            loop {
                let left = MAX_BATCH.saturating_sub(first_event.elapsed());
                if left.is_zero() {
                    break;
                }
                match self.rx.recv_timeout(DEBOUNCE.min(left)) {
                    Ok(ev) => self.relevant(ev, &mut kind, &mut paths),
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => break,
                }
            }
            self.watch_folders();
            paths.sort();
            return Some(Batch {
                kind,
                paths,
                first_event,
            });
        }
    }
}

/// Where each good build goes.
pub struct Targets {
    pub output: Deployer,
    pub deploy: Option<Deployer>,
}

impl Targets {
    /// Writes `output` to the deploy folder first (that is what readers
    /// see), then to the build output folder. Returns how many files changed
    /// (written or deleted) in the first of them.
    pub fn publish(&mut self, output: &Arc<Output>) -> Result<usize> {
        let mut first = None;
        for d in self
            .deploy
            .iter_mut()
            .chain(std::iter::once(&mut self.output))
        {
            let r = d.publish(output)?;
            first.get_or_insert(r.written.len() + r.deleted.len());
        }
        Ok(first.unwrap_or(0))
    }
}
