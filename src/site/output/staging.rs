//! The folder a build is written into while it is rendered: file by file,
//! from any thread, either a new folder (where files unchanged since the
//! previous build are hard-linked from it) or the kept build before the
//! last (where files that already hold the right bytes are left alone).
//!
//! Part of the site layer.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use anyhow::{Context as _, Result, anyhow, bail};
use rayon::prelude::*;

use super::MARKER;
use super::cache::{Kept, Record};
use super::owner;

/// A path of the output as a relative path with no `..`.
fn safe_relative(path: &str) -> Result<PathBuf> {
    let p = Path::new(path);
    if path.is_empty() || !p.components().all(|c| matches!(c, Component::Normal(_))) {
        bail!(
            "refusing to write an output file at `{path}`: it leads out of the output folder; \
             rename the file under content/ or the theme it comes from"
        );
    }
    Ok(p.to_path_buf())
}

/// The folder a build is written into, beside the target, while it is
/// rendered: each file is written as soon as it is rendered (from any
/// thread), so the site is never held in memory as a whole.
///
/// The folder is either new or the kept build before the last (see the
/// module's documentation). In a kept build, a file that already holds
/// the bytes is left alone and others are written over; leftovers are
/// removed by `Staging::finish`. In a new folder, a file whose bytes
/// equal the previous build's file at the same path is hard-linked to it
/// instead of written. The build being replaced is only read.
pub struct Staging {
    dir: PathBuf,
    /// The build being replaced, when it is cadence's.
    previous: Option<PathBuf>,
    /// The files of the kept build that `dir` is, when it is one.
    kept: Option<HashSet<String>>,
    /// Folders known to exist in `dir`.
    folders: Mutex<HashSet<PathBuf>>,
    /// Every path put, relative to `dir`.
    paths: Mutex<Vec<String>>,
    written: AtomicUsize,
    linked: AtomicUsize,
    unchanged: AtomicUsize,
    /// Set when writing failed, as opposed to rendering.
    pub(super) io_failed: AtomicBool,
}

impl Staging {
    pub(super) fn new(dir: PathBuf, previous: Option<PathBuf>, kept: Option<Kept>) -> Staging {
        let mut folders = HashSet::new();
        let kept = kept.map(|k| {
            folders.insert(dir.clone());
            folders.extend(k.dirs.iter().map(|d| dir.join(d)));
            k.files
        });
        Staging {
            dir,
            previous,
            kept,
            folders: Mutex::new(folders),
            paths: Mutex::new(Vec::new()),
            written: AtomicUsize::new(0),
            linked: AtomicUsize::new(0),
            unchanged: AtomicUsize::new(0),
            io_failed: AtomicBool::new(false),
        }
    }

    /// Note a path put, with `/` between its parts on every system.
    fn record_path(&self, path: &Path) {
        let parts: Vec<_> = path.iter().map(|p| p.to_string_lossy()).collect();
        self.paths
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(parts.join("/"));
    }

    /// Whether the kept build being rebuilt has a file at `rel` (kept
    /// builds are used only on Unix, where paths are joined with `/`).
    fn kept_has(&self, rel: &Path) -> bool {
        self.kept
            .as_ref()
            .is_some_and(|k| k.contains(rel.to_string_lossy().as_ref()))
    }

    /// Write one file of the site, at `path` relative to the output folder.
    pub fn put(&self, path: &str, bytes: &[u8]) -> Result<()> {
        self.put_inner(path, bytes).inspect_err(|_| {
            self.io_failed.store(true, Ordering::Relaxed);
        })
    }

    fn put_inner(&self, path: &str, bytes: &[u8]) -> Result<()> {
        owner::go_on()?;
        let rel = safe_relative(path)?;
        let dest = self.dir.join(&rel);
        self.record_path(&rel);
        if self.kept_has(&rel) {
            // The kept build has this file: left alone when it already
            // holds these bytes.
            if holds(&dest, bytes) {
                self.unchanged.fetch_add(1, Ordering::Relaxed);
                return Ok(());
            }
            clear_way(&dest)?;
            std::fs::write(&dest, bytes).with_context(|| format!("writing {}", dest.display()))?;
            self.written.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        if let Some(parent) = dest.parent() {
            self.folder(parent)?;
        }
        if self.kept.is_some() {
            // A folder of the kept build where the new one has a file.
            clear_way(&dest)?;
        }
        if let Some(prev) = &self.previous {
            let old = prev.join(&rel);
            if same_bytes(&old, bytes) && std::fs::hard_link(&old, &dest).is_ok() {
                self.linked.fetch_add(1, Ordering::Relaxed);
                return Ok(());
            }
        }
        std::fs::write(&dest, bytes).with_context(|| format!("writing {}", dest.display()))?;
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Write one file as `write` makes it, straight to disk (never linked
    /// from the previous build: it is not held to compare).
    pub fn put_streamed(
        &self,
        path: &str,
        write: &mut dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()>,
    ) -> Result<()> {
        self.put_streamed_inner(path, write).inspect_err(|_| {
            self.io_failed.store(true, Ordering::Relaxed);
        })
    }

    fn put_streamed_inner(
        &self,
        path: &str,
        write: &mut dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()>,
    ) -> Result<()> {
        use std::io::Write as _;
        owner::go_on()?;
        let rel = safe_relative(path)?;
        let dest = self.dir.join(&rel);
        self.record_path(&rel);
        if !self.kept_has(&rel)
            && let Some(parent) = dest.parent()
        {
            self.folder(parent)?;
        }
        if self.kept.is_some() {
            clear_way(&dest)?;
        }
        let file =
            std::fs::File::create(&dest).with_context(|| format!("writing {}", dest.display()))?;
        let mut w = std::io::BufWriter::with_capacity(1 << 16, file);
        write(&mut w)
            .and_then(|()| w.flush())
            .with_context(|| format!("writing {}", dest.display()))?;
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Make sure a folder of the staging tree exists. Only folders inside
    /// it are made, never the tree itself: once a stopped build's tree is
    /// moved away (see `owner`), a file still being rendered cannot bring
    /// it back.
    fn folder(&self, folder: &Path) -> Result<()> {
        let lock = || self.folders.lock().unwrap_or_else(|e| e.into_inner());
        if lock().contains(folder) {
            return Ok(());
        }
        if make_folder(&self.dir, folder).is_err() {
            // A file of the kept build where the new one has a folder.
            for f in folder.ancestors().take_while(|f| f.starts_with(&self.dir)) {
                if std::fs::symlink_metadata(f).is_ok_and(|m| !m.is_dir()) {
                    std::fs::remove_file(f).with_context(|| format!("removing {}", f.display()))?;
                }
            }
            make_folder(&self.dir, folder)
                .with_context(|| format!("creating {}", folder.display()))?;
        }
        let mut known = lock();
        for f in folder.ancestors().take_while(|f| f.starts_with(&self.dir)) {
            if !known.insert(f.to_path_buf()) {
                break;
            }
        }
        Ok(())
    }

    /// How many files were put.
    pub fn files(&self) -> usize {
        self.written.load(Ordering::Relaxed)
            + self.linked.load(Ordering::Relaxed)
            + self.unchanged.load(Ordering::Relaxed)
    }

    /// After the last file was put into a kept build: remove its files and
    /// folders that the new build does not have, then record what the
    /// folder now holds.
    pub(super) fn finish(&self) -> Result<Record> {
        let mut files = std::mem::take(&mut *self.paths.lock().unwrap_or_else(|e| e.into_inner()));
        files.push(MARKER.to_string());
        let dirs = folders_of(&files);
        if let Some(kept) = &self.kept {
            let now: HashSet<&str> = files.iter().map(String::as_str).collect();
            // Files of the kept build that the new one has neither as
            // files nor as folders.
            let gone: Vec<&String> = kept
                .iter()
                .filter(|f| !now.contains(f.as_str()) && !dirs.contains(*f))
                .collect();
            gone.par_iter().try_for_each(|f| {
                let p = self.dir.join(f);
                match std::fs::remove_file(&p) {
                    // Gone already, with a folder of the kept build that
                    // the new build has a file in place of.
                    Err(e) if std::fs::symlink_metadata(&p).is_ok() => {
                        Err(anyhow!(e).context(format!("removing {}", p.display())))
                    }
                    _ => Ok(()),
                }
            })?;
            // Folders left empty, the deepest first.
            let mut empty: Vec<String> = folders_of(kept.iter())
                .into_iter()
                .filter(|d| !dirs.contains(d))
                .collect();
            empty.sort_by_key(|d| std::cmp::Reverse(d.matches('/').count()));
            for d in empty {
                let _ = std::fs::remove_dir(self.dir.join(d));
            }
        }
        Record::of(&self.dir, files, dirs)
    }
}

/// Make room to write a file at `path` of a kept build without touching
/// any other tree: a file that is also linked from another build (or
/// anything but a plain file) is removed first, not written through.
fn clear_way(path: &Path) -> Result<()> {
    #[cfg(unix)]
    use std::os::unix::fs::MetadataExt;
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return Ok(());
    };
    #[cfg(unix)]
    let shared = meta.nlink() > 1;
    #[cfg(not(unix))]
    let shared = true;
    if meta.is_dir() {
        std::fs::remove_dir_all(path)
    } else if shared || !meta.is_file() {
        std::fs::remove_file(path)
    } else {
        return Ok(());
    }
    .with_context(|| format!("removing {}", path.display()))
}

/// Every folder of a tree with these files, relative, the root left out.
fn folders_of<'f>(files: impl IntoIterator<Item = &'f String>) -> HashSet<String> {
    let mut dirs = HashSet::new();
    for f in files {
        let mut rest = f.as_str();
        while let Some((parent, _)) = rest.rsplit_once('/') {
            if !dirs.insert(parent.to_string()) {
                break;
            }
            rest = parent;
        }
    }
    dirs
}

/// Whether the file at `path` holds exactly `bytes`, in four system calls
/// (open, stat, read, close). It follows a symbolic link: a kept build has
/// none (its folders would have changed and it would not be used), and
/// [`same_bytes`] looks before it calls this.
fn holds(path: &Path, bytes: &[u8]) -> bool {
    use std::io::Read;
    let Ok(mut f) = std::fs::File::open(path) else {
        return false;
    };
    if !f
        .metadata()
        .is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
    {
        return false;
    }
    let mut old = vec![0; bytes.len()];
    f.read_exact(&mut old).is_ok() && old == bytes
}

/// Whether the file at `path` is a regular file (not a link to one: a
/// hard link to a symbolic link would copy the link) holding exactly
/// `bytes`.
fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file()) && holds(path, bytes)
}

/// Make `folder` and the folders between it and `root`, but not `root`.
fn make_folder(root: &Path, folder: &Path) -> std::io::Result<()> {
    if folder == root || !folder.starts_with(root) {
        return if root.is_dir() {
            Ok(())
        } else {
            Err(std::io::ErrorKind::NotFound.into())
        };
    }
    match std::fs::create_dir(folder) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            make_folder(root, folder.parent().unwrap_or(root))?;
            std::fs::create_dir(folder).or_else(|e| exists_as_folder(folder, e))
        }
        Err(e) => exists_as_folder(folder, e),
        Ok(()) => Ok(()),
    }
}

/// After `create_dir` failed with `e`: fine when a folder is there.
fn exists_as_folder(folder: &Path, e: std::io::Error) -> std::io::Result<()> {
    if e.kind() == std::io::ErrorKind::AlreadyExists
        && std::fs::symlink_metadata(folder).is_ok_and(|m| m.is_dir())
    {
        Ok(())
    } else {
        Err(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_are_made_inside_the_tree_never_the_tree_itself() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("new");
        std::fs::create_dir(&root).unwrap();
        make_folder(&root, &root.join("a/b/c")).unwrap();
        make_folder(&root, &root.join("a/b/c")).unwrap();
        assert!(root.join("a/b/c").is_dir());
        std::fs::write(root.join("file"), "x").unwrap();
        assert!(make_folder(&root, &root.join("file")).is_err());
        // The tree moved away: nothing is made in its place.
        std::fs::rename(&root, tmp.path().join("gone")).unwrap();
        assert!(make_folder(&root, &root.join("x/y")).is_err());
        assert!(!root.exists());
    }
}
