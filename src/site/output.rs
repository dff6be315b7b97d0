//! Writing the output folder atomically.
//!
//! The site is written into a fresh folder beside the target
//! (`.public.cadence-tmp-<pid>`), then swapped in with two renames, so a
//! reader or a web server never sees half a site and a failed build leaves
//! the previous output untouched. Files are written as they are rendered
//! ([`Staging`]); those unchanged since the previous build are hard-linked
//! from it. cadence marks its output with a `.cadence-build` file and
//! refuses to replace a non-empty folder without one: it never deletes a
//! folder that it did not write.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use anyhow::{Context as _, Result, anyhow, bail};
use rayon::prelude::*;

use super::OutputFile;

/// The file that marks a folder as cadence's output.
pub const MARKER: &str = ".cadence-build";
const MARKER_TEXT: &str =
    "This folder is written by `cadence build`, which replaces all of it on every build.\n";

/// Why the output could not be written.
#[derive(Debug)]
pub enum WriteError {
    /// The target holds something cadence did not write (exit 2).
    Refused(String),
    Io(anyhow::Error),
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::Refused(msg) => f.write_str(msg),
            WriteError::Io(e) => write!(f, "{e:#}"),
        }
    }
}

impl From<anyhow::Error> for WriteError {
    fn from(e: anyhow::Error) -> Self {
        WriteError::Io(e)
    }
}

/// Whether `dir` may be replaced: it is missing, empty, or has the marker.
fn check_target(target: &Path) -> Result<(), WriteError> {
    match std::fs::symlink_metadata(target) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(WriteError::Io(
            anyhow!(e).context(format!("reading {}", target.display())),
        )),
        Ok(meta) if !meta.is_dir() => Err(WriteError::Refused(format!(
            "{} exists and is not a folder; refusing to replace it (choose another --out)",
            target.display()
        ))),
        Ok(_) => {
            if target.join(MARKER).is_file() {
                return Ok(());
            }
            let mut entries = std::fs::read_dir(target)
                .with_context(|| format!("reading {}", target.display()))?;
            if entries.next().is_none() {
                Ok(())
            } else {
                Err(WriteError::Refused(format!(
                    "{} is not empty and was not written by cadence (it has no {MARKER} file); \
                     refusing to replace it: empty or remove it, or choose another --out",
                    target.display()
                )))
            }
        }
    }
}

/// A path of the output as a relative path with no `..`.
fn safe_relative(path: &str) -> Result<PathBuf> {
    let p = Path::new(path);
    if path.is_empty() || !p.components().all(|c| matches!(c, Component::Normal(_))) {
        bail!("refusing to write an output file at `{path}`");
    }
    Ok(p.to_path_buf())
}

/// The folder a build is written into, beside the target, while it is
/// rendered: each file is written as soon as it is rendered (from any
/// thread), so the site is never held in memory as a whole.
///
/// A file whose bytes equal the previous build's file at the same path is
/// hard-linked to it instead of written: it keeps its modification time,
/// and a rebuild allocates (and the removal of the previous build frees)
/// inodes only for what changed. The previous build is only read; the
/// swap at the end removes it.
pub struct Staging {
    dir: PathBuf,
    /// The build being replaced, when it is cadence's.
    previous: Option<PathBuf>,
    /// Folders known to exist in `dir`.
    folders: Mutex<HashSet<PathBuf>>,
    written: AtomicUsize,
    linked: AtomicUsize,
    /// Set when writing failed, as opposed to rendering.
    io_failed: AtomicBool,
}

impl Staging {
    fn new(dir: PathBuf, previous: Option<PathBuf>) -> Staging {
        Staging {
            dir,
            previous,
            folders: Mutex::new(HashSet::new()),
            written: AtomicUsize::new(0),
            linked: AtomicUsize::new(0),
            io_failed: AtomicBool::new(false),
        }
    }

    /// Write one file of the site, at `path` relative to the output folder.
    pub fn put(&self, path: &str, bytes: &[u8]) -> Result<()> {
        self.put_inner(path, bytes).inspect_err(|_| {
            self.io_failed.store(true, Ordering::Relaxed);
        })
    }

    fn put_inner(&self, path: &str, bytes: &[u8]) -> Result<()> {
        let rel = safe_relative(path)?;
        let dest = self.dir.join(&rel);
        if let Some(parent) = dest.parent() {
            self.folder(parent)?;
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
        let rel = safe_relative(path)?;
        let dest = self.dir.join(&rel);
        if let Some(parent) = dest.parent() {
            self.folder(parent)?;
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

    /// Make sure a folder of the staging tree exists.
    fn folder(&self, folder: &Path) -> Result<()> {
        let lock = || self.folders.lock().unwrap_or_else(|e| e.into_inner());
        if lock().contains(folder) {
            return Ok(());
        }
        std::fs::create_dir_all(folder)
            .with_context(|| format!("creating {}", folder.display()))?;
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
        self.written.load(Ordering::Relaxed) + self.linked.load(Ordering::Relaxed)
    }
}

/// Whether the file at `path` is a regular file (not a link to one: a
/// hard link to a symbolic link would copy the link) holding exactly
/// `bytes`.
fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    use std::io::Read;
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_file() && m.len() == bytes.len() as u64 => {}
        _ => return false,
    }
    let Ok(mut f) = std::fs::File::open(path) else {
        return false;
    };
    let mut old = Vec::with_capacity(bytes.len());
    f.read_to_end(&mut old).is_ok() && old == bytes
}

/// Remove a folder and everything in it, the subfolders of its subfolders
/// in parallel: removing the ten thousand folders of a large build is the
/// kernel's work, and one thread left the other core idle.
fn remove_tree(dir: &Path) -> std::io::Result<()> {
    let mut parts = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            for inner in std::fs::read_dir(entry.path())? {
                parts.push(inner?.path());
            }
        }
    }
    parts.par_iter().try_for_each(|p| {
        if std::fs::symlink_metadata(p)?.is_dir() {
            std::fs::remove_dir_all(p)
        } else {
            std::fs::remove_file(p)
        }
    })?;
    std::fs::remove_dir_all(dir)
}

/// Why [`write_atomic_with`] failed.
#[derive(Debug)]
pub enum StageError {
    /// Writing the output failed (exit 2), or the target was refused.
    Write(WriteError),
    /// `fill` failed for a reason of its own (a template error).
    Fill(anyhow::Error),
}

/// Write `files` into `target`, replacing what a previous build wrote
/// there, all at once.
pub fn write_atomic(target: &Path, files: &[OutputFile]) -> Result<(), WriteError> {
    write_atomic_with(target, |staging| {
        files
            .par_iter()
            .try_for_each(|f| staging.put(&f.path, &f.bytes))
    })
    .map(|_| ())
    .map_err(|e| match e {
        StageError::Write(w) => w,
        StageError::Fill(e) => WriteError::Io(e),
    })
}

/// Build a new output folder beside `target` with `fill`, which puts every
/// file into the [`Staging`] folder, then swap it in, all at once. When
/// `fill` fails, the staging folder is removed and `target` is untouched.
/// Returns how many files were put.
pub fn write_atomic_with(
    target: &Path,
    fill: impl FnOnce(&Staging) -> Result<()>,
) -> Result<usize, StageError> {
    let io = |e: anyhow::Error| StageError::Write(WriteError::Io(e));
    check_target(target).map_err(StageError::Write)?;
    let name = target
        .file_name()
        .ok_or_else(|| {
            StageError::Write(WriteError::Refused(format!(
                "{} is not a folder name",
                target.display()
            )))
        })?
        .to_string_lossy()
        .into_owned();
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)
        .with_context(|| format!("creating {}", parent.display()))
        .map_err(io)?;
    let pid = std::process::id();
    let fresh = parent.join(format!(".{name}.cadence-tmp-{pid}"));
    let old = parent.join(format!(".{name}.cadence-old-{pid}"));
    for leftover in [&fresh, &old] {
        // Left by an earlier cadence of the same pid that was killed; ours
        // only if it carries the marker.
        if leftover.exists() {
            if leftover.join(MARKER).is_file() {
                std::fs::remove_dir_all(leftover)
                    .with_context(|| format!("removing {}", leftover.display()))
                    .map_err(io)?;
            } else {
                return Err(StageError::Write(WriteError::Refused(format!(
                    "{} is in the way and was not written by cadence; remove it",
                    leftover.display()
                ))));
            }
        }
    }
    std::fs::create_dir(&fresh)
        .with_context(|| format!("creating {}", fresh.display()))
        .map_err(io)?;
    let previous = target.join(MARKER).is_file().then(|| target.to_path_buf());
    let staging = Staging::new(fresh.clone(), previous);
    let filled = std::fs::write(fresh.join(MARKER), MARKER_TEXT)
        .with_context(|| format!("writing {}", fresh.join(MARKER).display()))
        .map_err(io)
        .and_then(|()| {
            fill(&staging).map_err(|e| {
                if staging.io_failed.load(Ordering::Relaxed) {
                    io(e)
                } else {
                    StageError::Fill(e)
                }
            })
        });
    if let Err(e) = filled {
        let _ = std::fs::remove_dir_all(&fresh);
        return Err(e);
    }
    let had_old = target.exists();
    if had_old && let Err(e) = std::fs::rename(target, &old) {
        let _ = std::fs::remove_dir_all(&fresh);
        return Err(io(
            anyhow!(e).context(format!("moving {} aside", target.display()))
        ));
    }
    if let Err(e) = std::fs::rename(&fresh, target) {
        if had_old {
            let _ = std::fs::rename(&old, target);
        }
        let _ = std::fs::remove_dir_all(&fresh);
        return Err(io(anyhow!(e).context(format!(
            "moving the new build into {}",
            target.display()
        ))));
    }
    if had_old {
        remove_tree(&old)
            .with_context(|| format!("removing the previous build {}", old.display()))
            .map_err(io)?;
    }
    Ok(staging.files())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> Vec<OutputFile> {
        vec![
            OutputFile::new("index.html", "home"),
            OutputFile::new("a/b/index.html", "deep"),
        ]
    }

    #[test]
    fn writes_replaces_and_marks() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        write_atomic(&out, &files()).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("a/b/index.html")).unwrap(),
            "deep"
        );
        assert!(out.join(MARKER).is_file());
        write_atomic(&out, &[OutputFile::new("index.html", "new")]).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "new"
        );
        assert!(!out.join("a").exists(), "the old build is gone");
        let names: Vec<_> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, ["public"], "no temporary folder is left");
    }

    #[cfg(unix)]
    #[test]
    fn unchanged_files_are_linked_from_the_previous_build() {
        use std::os::unix::fs::MetadataExt;
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let ino = |p: &str| std::fs::metadata(out.join(p)).unwrap().ino();
        write_atomic(&out, &files()).unwrap();
        let (home, deep) = (ino("index.html"), ino("a/b/index.html"));
        let changed = [
            OutputFile::new("index.html", "home"),
            OutputFile::new("a/b/index.html", "changed"),
        ];
        write_atomic(&out, &changed).unwrap();
        assert_eq!(ino("index.html"), home, "the same file, linked");
        assert_ne!(ino("a/b/index.html"), deep, "a new file");
        assert_eq!(
            std::fs::read_to_string(out.join("a/b/index.html")).unwrap(),
            "changed"
        );
        assert_eq!(
            std::fs::metadata(out.join("index.html")).unwrap().nlink(),
            1
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_in_the_previous_build_is_not_linked() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        write_atomic(&out, &files()).unwrap();
        std::fs::write(tmp.path().join("elsewhere"), "home").unwrap();
        std::fs::remove_file(out.join("index.html")).unwrap();
        std::os::unix::fs::symlink(tmp.path().join("elsewhere"), out.join("index.html")).unwrap();
        write_atomic(&out, &files()).unwrap();
        let meta = std::fs::symlink_metadata(out.join("index.html")).unwrap();
        assert!(meta.is_file(), "a file of its own, not the link");
    }

    #[test]
    fn a_failed_fill_leaves_the_target_and_no_staging_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        write_atomic(&out, &files()).unwrap();
        let err = write_atomic_with(&out, |staging| {
            staging.put("index.html", b"half")?;
            anyhow::bail!("a template failed")
        })
        .unwrap_err();
        assert!(matches!(err, StageError::Fill(_)), "{err:?}");
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "home"
        );
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
    }

    #[test]
    fn refuses_a_folder_it_did_not_write() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("precious.txt"), "keep").unwrap();
        let err = write_atomic(&out, &files()).unwrap_err();
        assert!(matches!(err, WriteError::Refused(_)), "{err}");
        assert_eq!(
            std::fs::read_to_string(out.join("precious.txt")).unwrap(),
            "keep"
        );
        // An empty folder is fine.
        let empty = tmp.path().join("empty");
        std::fs::create_dir(&empty).unwrap();
        write_atomic(&empty, &files()).unwrap();
    }

    #[test]
    fn a_bad_path_writes_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        write_atomic(&out, &files()).unwrap();
        let bad = [OutputFile::new("../escape.html", "x")];
        assert!(write_atomic(&out, &bad).is_err());
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "home"
        );
        assert!(!tmp.path().join("escape.html").exists());
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
    }
}
