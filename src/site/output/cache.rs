//! The kept build: the build that a new one replaced, kept in the site's
//! `.cadence/build/<output>/` (`spare/`, with its record `spare.json`)
//! with the record of the build now live (`live.json`), so that the next
//! build can be written into it (see the output module's documentation).
//! The cache is used only where cadence made it (its `CACHEDIR.TAG`), where
//! none of its folders is a symbolic link, and where it is on the output's
//! file system: a kept build is moved, never copied.
//!
//! Part of the site layer.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::owner::remove_tree;
use super::{MARKER, Target};

/// What a build left in its folder, kept in the cache (`live.json`) so
/// that the next build but one can be written into that folder.
#[derive(Serialize, Deserialize)]
pub(super) struct Record {
    /// The device and inode of the folder: the record is of this tree,
    /// wherever it was moved since.
    root: (u64, u64),
    files: Vec<String>,
    /// Every folder but the root, with its modification time.
    dirs: Vec<(String, u128)>,
}

impl Record {
    pub(super) fn of(dir: &Path, files: Vec<String>, dirs: HashSet<String>) -> Result<Record> {
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
pub(super) struct Kept {
    pub(super) files: HashSet<String>,
    pub(super) dirs: HashSet<String>,
}

const CACHEDIR_TAG: &str = "Signature: 8a477f597d28d172789f06886806bc55\n\
# This folder is made by cadence build: the previous build of the site,\n\
# which the next build is written into. It can be removed at any time.\n";

/// The cache of the builds of one output.
pub(super) struct Cache {
    /// The site's `.cadence/`.
    site: PathBuf,
    /// `.cadence/build/<output>/`.
    dir: PathBuf,
}

impl Cache {
    /// The cache of builds into `target`, unless it cannot be used: a
    /// different file system than the output's, where a kept build would
    /// have to be copied (a rename between two mounts fails even on one
    /// file system; [`Cache::claim`] and [`Cache::keep`] then do without).
    pub(super) fn of(target: &Target) -> Option<Cache> {
        let site = target.root.join(".cadence");
        let build = site.join("build");
        let here = [&build, &site, &target.root]
            .into_iter()
            .find_map(|p| device(p).ok())?;
        if device(&target.parent).ok()? != here {
            return None;
        }
        let path = target.path();
        let hash = Sha256::digest(path.as_os_str().as_encoded_bytes());
        let mut name: String = target.name.chars().take(40).collect();
        name.push('-');
        for b in &hash[..8] {
            name.push_str(&format!("{b:02x}"));
        }
        Some(Cache {
            dir: build.join(name),
            site,
        })
    }

    fn build(&self) -> PathBuf {
        self.site.join("build")
    }

    /// Whether `.cadence/build/` is cadence's, folders all the way.
    fn ours(&self) -> bool {
        [&self.site, &self.build()].iter().all(|p| is_folder(p))
            && std::fs::read_to_string(self.build().join("CACHEDIR.TAG"))
                .is_ok_and(|t| t == CACHEDIR_TAG)
    }

    /// Make the folders that are missing; whether the cache can be used.
    fn open(&self) -> bool {
        if !self.ours() {
            let build = self.build();
            let made = make_folder(&self.site)
                && std::fs::create_dir(&build).is_ok()
                && std::fs::write(build.join(".gitignore"), "*\n").is_ok()
                && std::fs::write(build.join("CACHEDIR.TAG"), CACHEDIR_TAG).is_ok();
            if !made {
                return false;
            }
        }
        make_folder(&self.dir)
    }

    fn spare(&self) -> PathBuf {
        self.dir.join("spare")
    }

    /// Move the kept build to `to`, when there is one and it is exactly
    /// what its record says.
    pub(super) fn claim(&self, to: &Path) -> Option<Kept> {
        if !self.ours() || !is_folder(&self.dir) {
            return None;
        }
        let list = self.dir.join("spare.json");
        let record: Option<Record> = std::fs::read(&list)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok());
        let _ = std::fs::remove_file(&list);
        let spare = self.spare();
        if std::fs::symlink_metadata(&spare).is_ok_and(|m| !m.is_dir()) {
            let _ = std::fs::remove_file(&spare);
            return None;
        }
        let Some(record) = record else {
            // A tree without its record cannot be trusted.
            if spare.join(MARKER).is_file() {
                let _ = remove_tree(&spare);
            }
            return None;
        };
        // Another build may have claimed it first; or `to` is on another
        // file system (it is then left, and removed by `keep`).
        std::fs::rename(&spare, to).ok()?;
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
    /// time (when it cannot be moved here, it is left where it is, for the
    /// caller to remove), and record the new one.
    pub(super) fn keep(&self, old: Option<&Path>, live: &Record) {
        let usable = self.open();
        let live_list = self.dir.join("live.json");
        if let Some(old) = old {
            let spare = self.spare();
            if usable && std::fs::symlink_metadata(&spare).is_ok() && old.join(MARKER).is_file() {
                // Left by a build that could not move it (another file
                // system then): the kept build is this one now.
                let _ = remove_tree(&spare);
            }
            let kept = usable
                && old.join(MARKER).is_file()
                && live_list.is_file()
                && std::fs::rename(old, &spare).is_ok();
            if kept {
                let _ = std::fs::rename(&live_list, self.dir.join("spare.json"));
            }
        }
        if usable {
            let bytes = serde_json::to_vec(live).expect("a record serialises");
            if std::fs::write(&live_list, bytes).is_err() {
                let _ = std::fs::remove_file(&live_list);
            }
        }
    }
}

/// Remove the cache that earlier versions of cadence kept beside the output
/// (`.<name>.cadence/`), when it is that cache.
pub(super) fn remove_beside(parent: &Path, name: &str) {
    let old = parent.join(format!(".{name}.cadence"));
    if is_folder(&old)
        && std::fs::read_to_string(old.join("CACHEDIR.TAG")).is_ok_and(|t| t == CACHEDIR_TAG)
    {
        let _ = remove_tree(&old);
    }
}

/// Whether `path` is a folder, not a link to one.
fn is_folder(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir())
}

/// Make a folder where there is none; whether a folder (not a link) is
/// there now.
fn make_folder(path: &Path) -> bool {
    let _ = std::fs::create_dir(path);
    is_folder(path)
}

/// The file system a path is on (on systems without device numbers, one).
fn device(path: &Path) -> std::io::Result<u64> {
    let meta = std::fs::metadata(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Ok(meta.dev())
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        Ok(0)
    }
}
