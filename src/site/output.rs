//! Writing the output folder atomically.
//!
//! The site is written into a fresh folder beside the target
//! (`.public.cadence-tmp-<pid>`), then swapped in with two renames, so a
//! reader or a web server never sees half a site and a failed build leaves
//! the previous output untouched. cadence marks its output with a
//! `.cadence-build` file and refuses to replace a non-empty folder without
//! one: it never deletes a folder that it did not write.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

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

fn write_all(dir: &Path, files: &[OutputFile]) -> Result<()> {
    std::fs::create_dir(dir).with_context(|| format!("creating {}", dir.display()))?;
    std::fs::write(dir.join(MARKER), MARKER_TEXT)
        .with_context(|| format!("writing {}", dir.join(MARKER).display()))?;
    let mut paths = Vec::with_capacity(files.len());
    let mut folders = BTreeSet::new();
    for f in files {
        let rel = safe_relative(&f.path)?;
        if let Some(parent) = rel.parent() {
            folders.insert(dir.join(parent));
        }
        paths.push(dir.join(rel));
    }
    for folder in &folders {
        std::fs::create_dir_all(folder)
            .with_context(|| format!("creating {}", folder.display()))?;
    }
    paths
        .par_iter()
        .zip(files.par_iter())
        .try_for_each(|(path, f)| {
            std::fs::write(path, &f.bytes).with_context(|| format!("writing {}", path.display()))
        })
}

/// Write `files` into `target`, replacing what a previous build wrote
/// there, all at once.
pub fn write_atomic(target: &Path, files: &[OutputFile]) -> Result<(), WriteError> {
    check_target(target)?;
    let name = target
        .file_name()
        .ok_or_else(|| WriteError::Refused(format!("{} is not a folder name", target.display())))?
        .to_string_lossy()
        .into_owned();
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).with_context(|| format!("creating {}", parent.display()))?;
    let pid = std::process::id();
    let fresh = parent.join(format!(".{name}.cadence-tmp-{pid}"));
    let old = parent.join(format!(".{name}.cadence-old-{pid}"));
    for leftover in [&fresh, &old] {
        // Left by an earlier cadence of the same pid that was killed; ours
        // only if it carries the marker.
        if leftover.exists() {
            if leftover.join(MARKER).is_file() {
                std::fs::remove_dir_all(leftover)
                    .with_context(|| format!("removing {}", leftover.display()))?;
            } else {
                return Err(WriteError::Refused(format!(
                    "{} is in the way and was not written by cadence; remove it",
                    leftover.display()
                )));
            }
        }
    }
    if let Err(e) = write_all(&fresh, files) {
        let _ = std::fs::remove_dir_all(&fresh);
        return Err(e.into());
    }
    let had_old = target.exists();
    if had_old && let Err(e) = std::fs::rename(target, &old) {
        let _ = std::fs::remove_dir_all(&fresh);
        return Err(WriteError::Io(
            anyhow!(e).context(format!("moving {} aside", target.display())),
        ));
    }
    if let Err(e) = std::fs::rename(&fresh, target) {
        if had_old {
            let _ = std::fs::rename(&old, target);
        }
        let _ = std::fs::remove_dir_all(&fresh);
        return Err(WriteError::Io(anyhow!(e).context(format!(
            "moving the new build into {}",
            target.display()
        ))));
    }
    if had_old {
        std::fs::remove_dir_all(&old)
            .with_context(|| format!("removing the previous build {}", old.display()))?;
    }
    Ok(())
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
