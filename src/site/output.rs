//! Writing the output folder atomically.
//!
//! The site is written into a folder beside the target
//! (`.public.cadence-tmp-<pid>`), then swapped in with two renames, so a
//! reader or a web server never sees half a site and a failed build leaves
//! the previous output untouched. Files are written as they are rendered
//! ([`Staging`]). cadence marks its output with a `.cadence-build` file and
//! refuses to replace a non-empty folder without one: it never deletes a
//! folder that it did not write.
//!
//! Rebuilding: the build that a new one replaces is not deleted but kept
//! in `.public.cadence/` beside the output (a folder that git and backup
//! tools skip), and the next build is written into it: files that are
//! already right are left alone, the others rewritten, leftovers removed.
//! Creating and deleting the ten thousand folders of a large site was most
//! of a rebuild's time, and on some file systems (ext4 without a journal)
//! deleting many files makes creating files slower for minutes after. The
//! kept build is used only when it is exactly what cadence left: its list
//! of files and the modification time of each folder are recorded, and
//! anything else (a file added by hand, a folder touched) makes the build
//! start from an empty folder instead. Without a kept build, files
//! unchanged since the previous build are hard-linked from it.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use anyhow::{Context as _, Result, anyhow, bail};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

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
    io_failed: AtomicBool,
}

impl Staging {
    fn new(dir: PathBuf, previous: Option<PathBuf>, kept: Option<Kept>) -> Staging {
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

    /// Make sure a folder of the staging tree exists.
    fn folder(&self, folder: &Path) -> Result<()> {
        let lock = || self.folders.lock().unwrap_or_else(|e| e.into_inner());
        if lock().contains(folder) {
            return Ok(());
        }
        if std::fs::create_dir_all(folder).is_err() {
            // A file of the kept build where the new one has a folder.
            for f in folder.ancestors().take_while(|f| f.starts_with(&self.dir)) {
                if std::fs::symlink_metadata(f).is_ok_and(|m| !m.is_dir()) {
                    std::fs::remove_file(f).with_context(|| format!("removing {}", f.display()))?;
                }
            }
            std::fs::create_dir_all(folder)
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
    fn finish(&self) -> Result<Record> {
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

/// What a build left in its folder, kept beside the output
/// (`.public.cadence/live.json`) so that the next build but one can be
/// written into that folder.
#[derive(Serialize, Deserialize)]
struct Record {
    /// The device and inode of the folder: the record is of this tree,
    /// wherever it was moved since.
    root: (u64, u64),
    files: Vec<String>,
    /// Every folder but the root, with its modification time.
    dirs: Vec<(String, u128)>,
}

impl Record {
    fn of(dir: &Path, files: Vec<String>, dirs: HashSet<String>) -> Result<Record> {
        let dirs = dirs
            .into_par_iter()
            .map(|d| {
                let p = dir.join(&d);
                modified(&p)
                    .map(|t| (d, t))
                    .with_context(|| format!("reading {}", p.display()))
            })
            .collect::<Result<Vec<_>>>()?;
        let root = identity(dir).with_context(|| format!("reading {}", dir.display()))?;
        Ok(Record { root, files, dirs })
    }

    /// Whether the tree at `dir` is still exactly what the record says:
    /// the same folder, the same names at the top, and no folder changed
    /// (adding, removing or renaming anything in a folder changes its
    /// modification time).
    fn describes(&self, dir: &Path) -> bool {
        if !identity(dir).is_ok_and(|id| id == self.root) || !dir.join(MARKER).is_file() {
            return false;
        }
        let top: HashSet<&str> = self
            .files
            .iter()
            .map(|f| f.split('/').next().unwrap_or(f))
            .collect();
        let Ok(entries) = std::fs::read_dir(dir) else {
            return false;
        };
        let mut seen = 0;
        for e in entries {
            let Ok(e) = e else { return false };
            if !top.contains(e.file_name().to_string_lossy().as_ref()) {
                return false;
            }
            seen += 1;
        }
        seen == top.len()
            && self.dirs.par_iter().all(|(d, t)| {
                let p = dir.join(d);
                std::fs::symlink_metadata(&p).is_ok_and(|m| m.is_dir())
                    && modified(&p).is_ok_and(|now| now == *t)
            })
    }
}

/// A folder's device and inode (on systems without them, nothing matches).
fn identity(path: &Path) -> std::io::Result<(u64, u64)> {
    let meta = std::fs::symlink_metadata(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Ok((meta.dev(), meta.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        Err(std::io::Error::other("no inode numbers here"))
    }
}

fn modified(path: &Path) -> std::io::Result<u128> {
    let t = std::fs::symlink_metadata(path)?.modified()?;
    Ok(t.duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos()))
}

/// A kept build claimed to be rebuilt into.
struct Kept {
    files: HashSet<String>,
    dirs: HashSet<String>,
}

/// `.public.cadence/` beside the output: the build before the current one
/// (`spare/`, with `spare.json`) and the record of the current one
/// (`live.json`). Used only when it carries cadence's `CACHEDIR.TAG`.
struct Cache {
    dir: PathBuf,
}

const CACHEDIR_TAG: &str = "Signature: 8a477f597d28d172789f06886806bc55\n\
# This folder is made by cadence build: the previous build of the site,\n\
# which the next build is written into. It can be removed at any time.\n";

impl Cache {
    fn beside(parent: &Path, name: &str) -> Cache {
        Cache {
            dir: parent.join(format!(".{name}.cadence")),
        }
    }

    fn ours(&self) -> bool {
        std::fs::read_to_string(self.dir.join("CACHEDIR.TAG")).is_ok_and(|t| t == CACHEDIR_TAG)
    }

    /// Make the folder if it is missing; whether it can be used.
    fn open(&self) -> bool {
        if self.ours() {
            return true;
        }
        if self.dir.exists() {
            return false;
        }
        std::fs::create_dir(&self.dir).is_ok()
            && std::fs::write(self.dir.join(".gitignore"), "*\n").is_ok()
            && std::fs::write(self.dir.join("CACHEDIR.TAG"), CACHEDIR_TAG).is_ok()
    }

    fn spare(&self) -> PathBuf {
        self.dir.join("spare")
    }

    /// Move the kept build to `to`, when there is one and it is exactly
    /// what its record says.
    fn claim(&self, to: &Path) -> Option<Kept> {
        if !self.ours() {
            return None;
        }
        let list = self.dir.join("spare.json");
        let record: Option<Record> = std::fs::read(&list)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok());
        let _ = std::fs::remove_file(&list);
        let Some(record) = record else {
            // A tree without its record cannot be trusted.
            if self.spare().join(MARKER).is_file() {
                let _ = remove_tree(&self.spare());
            }
            return None;
        };
        // Another build may have claimed it first.
        std::fs::rename(self.spare(), to).ok()?;
        if !record.describes(to) {
            let _ = remove_tree(to);
            return None;
        }
        Some(Kept {
            dirs: record.dirs.into_iter().map(|(d, _)| d).collect(),
            files: record.files.into_iter().collect(),
        })
    }

    /// After the swap: keep the replaced build `old` to rebuild into next
    /// time (else remove it), and record the new one.
    fn keep(&self, old: Option<&Path>, live: &Record) -> Result<()> {
        let usable = self.open();
        let live_list = self.dir.join("live.json");
        if let Some(old) = old {
            let kept = usable
                && old.join(MARKER).is_file()
                && live_list.is_file()
                && !self.spare().exists()
                && std::fs::rename(old, self.spare()).is_ok();
            if kept {
                let _ = std::fs::rename(&live_list, self.dir.join("spare.json"));
            } else {
                remove_tree(old)
                    .with_context(|| format!("removing the previous build {}", old.display()))?;
            }
        }
        if usable {
            let bytes = serde_json::to_vec(live).expect("a record serialises");
            if std::fs::write(&live_list, bytes).is_err() {
                let _ = std::fs::remove_file(&live_list);
            }
        }
        Ok(())
    }
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

/// Remove the folders that builds of other processes, killed before
/// they finished, left beside the output (`.public.cadence-tmp-<pid>`,
/// `.public.cadence-old-<pid>`): only those carrying cadence's marker,
/// whose process is gone (known on Linux, from `/proc`; elsewhere they are
/// left) and that were made or moved there more than an hour before `now`
/// (a build in another process namespace, whose process this one cannot
/// see, is not taken for a dead one).
fn remove_abandoned(parent: &Path, name: &str, now: std::time::SystemTime) {
    #[cfg(target_os = "linux")]
    use std::os::unix::fs::MetadataExt;
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (parent, name, now);
    }
    #[cfg(target_os = "linux")]
    {
        let Some(hour_ago) = now
            .duration_since(std::time::UNIX_EPOCH)
            .ok()
            .and_then(|d| d.as_secs().checked_sub(3600))
        else {
            return;
        };
        if !Path::new("/proc/self").exists() {
            return;
        }
        let Ok(entries) = std::fs::read_dir(parent) else {
            return;
        };
        let ours = std::process::id();
        for entry in entries.flatten() {
            let file_name = entry.file_name();
            let file_name = file_name.to_string_lossy();
            let Some(pid) = [".cadence-tmp-", ".cadence-old-"].iter().find_map(|kind| {
                file_name
                    .strip_prefix(&format!(".{name}{kind}"))
                    .and_then(|p| p.parse::<u32>().ok())
            }) else {
                continue;
            };
            let path = entry.path();
            // A folder's change time moves when it is made or renamed.
            let old = std::fs::symlink_metadata(&path)
                .is_ok_and(|m| u64::try_from(m.ctime()).is_ok_and(|c| c < hour_ago));
            if pid != ours
                && old
                && !Path::new(&format!("/proc/{pid}")).exists()
                && path.join(MARKER).is_file()
            {
                let _ = remove_tree(&path);
            }
        }
    }
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
    remove_abandoned(&parent, &name, std::time::SystemTime::now());
    let cache = Cache::beside(&parent, &name);
    let kept = cache.claim(&fresh);
    if kept.is_none() {
        std::fs::create_dir(&fresh)
            .with_context(|| format!("creating {}", fresh.display()))
            .map_err(io)?;
    }
    let previous = target.join(MARKER).is_file().then(|| target.to_path_buf());
    let staging = Staging::new(fresh.clone(), previous, kept);
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
        })
        .and_then(|()| staging.finish().map_err(io));
    let record = match filled {
        Ok(record) => record,
        Err(e) => {
            let _ = remove_tree(&fresh);
            return Err(e);
        }
    };
    let had_old = target.exists();
    if had_old && let Err(e) = std::fs::rename(target, &old) {
        let _ = remove_tree(&fresh);
        return Err(io(
            anyhow!(e).context(format!("moving {} aside", target.display()))
        ));
    }
    if let Err(e) = std::fs::rename(&fresh, target) {
        if had_old {
            let _ = std::fs::rename(&old, target);
        }
        let _ = remove_tree(&fresh);
        return Err(io(anyhow!(e).context(format!(
            "moving the new build into {}",
            target.display()
        ))));
    }
    cache
        .keep(had_old.then_some(old.as_path()), &record)
        .map_err(io)?;
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

    /// What is beside the output, sorted.
    fn beside(dir: &Path) -> Vec<String> {
        let mut names: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    fn read(path: PathBuf) -> String {
        std::fs::read_to_string(path).unwrap()
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
        assert_eq!(
            beside(tmp.path()),
            [".public.cadence", "public"],
            "no temporary folder is left"
        );
        // The replaced build is kept to rebuild into, in a folder that git
        // and backup tools skip.
        let cache = tmp.path().join(".public.cadence");
        assert_eq!(read(cache.join("spare/a/b/index.html")), "deep");
        assert_eq!(read(cache.join(".gitignore")), "*\n");
        assert!(
            read(cache.join("CACHEDIR.TAG"))
                .starts_with("Signature: 8a477f597d28d172789f06886806bc55")
        );
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
    }

    /// Three builds: the third is written into the first's folder, kept
    /// beside the output.
    #[cfg(unix)]
    #[test]
    fn a_rebuild_is_written_into_the_kept_build() {
        use std::os::unix::fs::MetadataExt;
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let spare = tmp.path().join(".public.cadence/spare");
        let mut first = files();
        first.push(OutputFile::new("gone/x/index.html", "old"));
        write_atomic(&out, &first).unwrap();
        let first_root = std::fs::metadata(&out).unwrap().ino();
        write_atomic(&out, &files()).unwrap();
        assert_eq!(std::fs::metadata(&spare).unwrap().ino(), first_root);
        let live_home = std::fs::metadata(out.join("index.html")).unwrap().ino();
        // Changed, unchanged, new, and gone since the first build.
        let third = [
            OutputFile::new("index.html", "home, changed"),
            OutputFile::new("a/b/index.html", "deep"),
            OutputFile::new("new/index.html", "new"),
        ];
        write_atomic(&out, &third).unwrap();
        assert_eq!(
            std::fs::metadata(&out).unwrap().ino(),
            first_root,
            "the first build's folder"
        );
        assert_eq!(read(out.join("index.html")), "home, changed");
        assert_eq!(read(out.join("a/b/index.html")), "deep");
        assert_eq!(read(out.join("new/index.html")), "new");
        assert!(!out.join("gone").exists(), "leftovers are removed");
        // The second build (now kept) shared index.html with the first by
        // a hard link; the change did not write through it.
        assert_eq!(read(spare.join("index.html")), "home");
        assert_eq!(
            std::fs::metadata(spare.join("index.html")).unwrap().ino(),
            live_home
        );
        assert_eq!(read(out.join(MARKER)), MARKER_TEXT);
        assert_eq!(beside(tmp.path()), [".public.cadence", "public"]);
    }

    /// A kept build that is not what cadence left (a file added by hand,
    /// at the top or deeper) is not rebuilt into: the file would be
    /// published again.
    #[test]
    fn a_kept_build_changed_by_hand_is_not_used() {
        for extra in ["CNAME", "a/b/notes.txt", "a/stray/file"] {
            let tmp = tempfile::tempdir().unwrap();
            let out = tmp.path().join("public");
            write_atomic(&out, &files()).unwrap();
            let hand = out.join(extra);
            std::fs::create_dir_all(hand.parent().unwrap()).unwrap();
            std::fs::write(&hand, "by hand").unwrap();
            write_atomic(&out, &files()).unwrap();
            assert!(
                tmp.path()
                    .join(".public.cadence/spare")
                    .join(extra)
                    .is_file()
            );
            write_atomic(&out, &files()).unwrap();
            assert!(!out.join(extra).exists(), "{extra} came back");
            assert_eq!(read(out.join("a/b/index.html")), "deep");
        }
    }

    /// A kept build whose files were edited in place is rebuilt into, and
    /// every file ends up right.
    #[test]
    fn a_kept_file_edited_in_place_is_rewritten() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        write_atomic(&out, &files()).unwrap();
        write_atomic(&out, &files()).unwrap();
        std::fs::write(
            tmp.path().join(".public.cadence/spare/a/b/index.html"),
            "edited",
        )
        .unwrap();
        write_atomic(&out, &files()).unwrap();
        assert_eq!(read(out.join("a/b/index.html")), "deep");
    }

    /// Where the kept build has a file the new one has a folder, and the
    /// other way round.
    #[test]
    fn files_and_folders_may_trade_places() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let one = [
            OutputFile::new("x", "file"),
            OutputFile::new("y/index.html", "in y"),
        ];
        let two = [
            OutputFile::new("x/index.html", "in x"),
            OutputFile::new("y", "file"),
        ];
        write_atomic(&out, &one).unwrap();
        write_atomic(&out, &one).unwrap();
        write_atomic(&out, &two).unwrap();
        assert_eq!(read(out.join("x/index.html")), "in x");
        assert_eq!(read(out.join("y")), "file");
        write_atomic(&out, &one).unwrap();
        assert_eq!(read(out.join("x")), "file");
        assert_eq!(read(out.join("y/index.html")), "in y");
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
        assert_eq!(beside(tmp.path()), [".public.cadence", "public"]);
        // The same with a kept build being rebuilt into.
        write_atomic(&out, &files()).unwrap();
        write_atomic(&out, &files()).unwrap();
        write_atomic_with(&out, |staging| {
            staging.put("index.html", b"half")?;
            anyhow::bail!("a template failed")
        })
        .unwrap_err();
        assert_eq!(read(out.join("index.html")), "home");
        assert_eq!(beside(tmp.path()), [".public.cadence", "public"]);
        write_atomic(&out, &files()).unwrap();
        assert_eq!(read(out.join("a/b/index.html")), "deep");
    }

    /// What a killed build left beside the output is removed by the next
    /// build, when its process is gone and the folder is cadence's.
    #[cfg(target_os = "linux")]
    #[test]
    fn folders_of_killed_builds_are_removed() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        // Process ids above the kernel's limit (2^22) are never in use.
        let gone = tmp.path().join(".public.cadence-tmp-4999999");
        let gone_old = tmp.path().join(".public.cadence-old-4999998");
        let foreign = tmp.path().join(".public.cadence-tmp-4999997");
        let alive = tmp.path().join(format!(".public.cadence-tmp-{}", 1));
        for dir in [&gone, &gone_old, &alive] {
            std::fs::create_dir_all(dir.join("a")).unwrap();
            std::fs::write(dir.join(MARKER), MARKER_TEXT).unwrap();
        }
        std::fs::create_dir(&foreign).unwrap();
        std::fs::write(foreign.join("mine.txt"), "keep").unwrap();
        // Within the hour, nothing is taken for abandoned.
        write_atomic(&out, &files()).unwrap();
        assert!(gone.exists() && gone_old.exists());
        let later = std::time::SystemTime::now() + std::time::Duration::from_secs(7200);
        remove_abandoned(tmp.path(), "public", later);
        assert!(!gone.exists() && !gone_old.exists());
        assert!(foreign.join("mine.txt").is_file(), "not cadence's: left");
        assert!(alive.exists(), "process 1 is running: left");
    }

    /// A folder named like cadence's beside the output but not made by it
    /// is left alone.
    #[test]
    fn a_foreign_cache_folder_is_left_alone() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let foreign = tmp.path().join(".public.cadence");
        std::fs::create_dir(&foreign).unwrap();
        std::fs::write(foreign.join("mine.txt"), "keep").unwrap();
        for _ in 0..3 {
            write_atomic(&out, &files()).unwrap();
        }
        assert_eq!(beside(&foreign), ["mine.txt"]);
        assert_eq!(read(out.join("a/b/index.html")), "deep");
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
        assert_eq!(beside(tmp.path()), [".public.cadence", "public"]);
    }
}
