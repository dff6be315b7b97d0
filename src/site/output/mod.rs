//! Writing the output folder atomically.
//!
//! `--out` is resolved and judged before anything is touched ([`Target`]):
//! never the site root, a folder holding it, or a folder of its sources.
//! The site is then written into a folder beside the output (`new/` in the
//! build's own `.<name>.cadence-<pid>/`, see [`owner`]), and swapped in
//! with two renames, so a reader or a web server never sees half a site and
//! a failed build leaves the previous output untouched. Files are written
//! as they are rendered ([`Staging`]). cadence marks its output with a
//! `.cadence-build` file and refuses to replace a non-empty folder without
//! one: it never deletes a folder that it did not write.
//!
//! Stopped builds: SIGINT and SIGTERM remove the build's folder and leave
//! the previous output; the swap and that clean-up exclude each other. The
//! folder's lock tells a later build whether its owner is alive: a folder
//! left by a build killed with SIGKILL is removed by the next build at once,
//! a live build's never. After a build, or a stopped one, nothing but the
//! output is left beside it.
//!
//! Rebuilding: the build that a new one replaces is not deleted but kept in
//! the site's `.cadence/build/<output>/` ([`cache`]; git and backup tools
//! skip it), and the next build is written into it: files that are already
//! right are left alone, the others rewritten, leftovers removed. Creating
//! and deleting the ten thousand folders of a large site was most of a
//! rebuild's time, and on some file systems (ext4 without a journal)
//! deleting many files makes creating files slower for minutes after. The
//! kept build is used only when it is exactly what cadence left: its list
//! of files and the modification time of each folder are recorded, and
//! anything else (a file added by hand, a folder touched) makes the build
//! start from an empty folder instead. A kept build is moved, never copied:
//! when `.cadence/` and the output are on different file systems (a rename
//! between them fails with `EXDEV`), builds go without it. Without a kept
//! build, files unchanged since the previous build are hard-linked from it.
//!
//! Part of the site layer.

mod cache;
mod owner;
mod staging;
mod target;

use anyhow::{Context as _, Result, anyhow};
use rayon::prelude::*;

use super::OutputFile;
use cache::{Cache, Record};
use owner::Claim;
pub use owner::stop_cleanly_on_signals;
pub use staging::Staging;
pub use target::Target;

/// The file that marks a folder as cadence's output.
pub const MARKER: &str = ".cadence-build";
const MARKER_TEXT: &str =
    "This folder is written by `cadence build`, which replaces all of it on every build.\n";

/// Why the output could not be written.
#[derive(Debug)]
pub enum WriteError {
    /// The target may not be written, or holds something cadence did not
    /// write (exit 2).
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

impl std::error::Error for WriteError {}

impl From<anyhow::Error> for WriteError {
    fn from(e: anyhow::Error) -> Self {
        WriteError::Io(e)
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

fn io(e: anyhow::Error) -> StageError {
    StageError::Write(WriteError::Io(e))
}

/// Write `files` into `target`, replacing what a previous build wrote
/// there, all at once.
pub fn write_atomic(target: &Target, files: &[OutputFile]) -> Result<(), WriteError> {
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
    target: &Target,
    fill: impl FnOnce(&Staging) -> Result<()>,
) -> Result<usize, StageError> {
    target.check().map_err(StageError::Write)?;
    let parent = &target.parent;
    std::fs::create_dir_all(parent)
        .with_context(|| format!("creating {}", parent.display()))
        .map_err(io)?;
    owner::remove_dead(parent, &target.name);
    cache::remove_beside(parent, &target.name);
    let claim = Claim::new(parent, &target.name).map_err(io)?;
    let fresh = claim.new_tree();
    let cache = Cache::of(target);
    let kept = cache.as_ref().and_then(|c| c.claim(&fresh));
    if kept.is_none() {
        std::fs::create_dir(&fresh)
            .with_context(|| format!("creating {}", fresh.display()))
            .map_err(io)?;
    }
    let out = target.path();
    let previous = out.join(MARKER).is_file().then(|| out.clone());
    let staging = Staging::new(fresh.clone(), previous, kept);
    let record = std::fs::write(fresh.join(MARKER), MARKER_TEXT)
        .with_context(|| format!("writing {}", fresh.join(MARKER).display()))
        .map_err(io)
        .and_then(|()| {
            fill(&staging).map_err(|e| {
                if staging.io_failed.load(std::sync::atomic::Ordering::Relaxed) {
                    io(e)
                } else {
                    StageError::Fill(e)
                }
            })
        })
        .and_then(|()| staging.finish().map_err(io))?;
    swap(&claim, &out, cache.as_ref(), &record).map_err(io)?;
    let files = staging.files();
    claim
        .release()
        .context("removing the previous build")
        .map_err(io)?;
    Ok(files)
}

/// Move the output aside into the build's folder and the new tree in its
/// place; keep the replaced one to rebuild into. Not cut half-way by a
/// signal.
fn swap(
    claim: &Claim,
    out: &std::path::Path,
    cache: Option<&Cache>,
    record: &Record,
) -> Result<()> {
    owner::exclusive(|| {
        let (fresh, old) = (claim.new_tree(), claim.old_tree());
        let had_old = std::fs::symlink_metadata(out).is_ok();
        if had_old {
            std::fs::rename(out, &old)
                .with_context(|| format!("moving {} aside", out.display()))?;
        }
        if let Err(e) = std::fs::rename(&fresh, out) {
            if had_old {
                let _ = std::fs::rename(&old, out);
            }
            return Err(anyhow!(e).context(format!("moving the new build into {}", out.display())));
        }
        if let Some(cache) = cache {
            cache.keep(had_old.then_some(old.as_path()), record);
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests;
