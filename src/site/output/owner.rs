//! The folder a build holds beside its output, and who owns it.
//!
//! A build works in one folder beside the output, `.<name>.cadence-<pid>/`:
//! `new/` is the tree being written, `old/` the output it replaced (for a
//! moment after the swap), and `lock` names the owner: it holds the build's
//! process id and is locked (`flock`) for the build's whole life. The lock
//! goes with the process, however it ends, so the next build knows at once
//! whether a folder it finds there belongs to a live build (the lock is
//! held: left alone, whatever its age or process id, which means nothing in
//! another pid namespace) or to a dead one (removed at once).
//!
//! SIGINT and SIGTERM (once [`stop_cleanly_on_signals`] was called) remove
//! the folder and then end the process by the same signal, its default
//! action restored, so the parent sees a process stopped by that signal
//! (a shell reports 130 or 143). The swap takes the same lock as the
//! clean-up ([`exclusive`]): a signal either comes before it, and the
//! previous output stays, or waits until it is whole. A second signal
//! while the clean-up runs ends the process at once (exit 1); what it
//! leaves is removed by the next build.
//!
//! Part of the site layer.

use std::fs::File;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, Mutex, MutexGuard};

use anyhow::{Result, anyhow, bail};
use rayon::prelude::*;

use super::MARKER;

/// Set by SIGINT or SIGTERM: the build stops.
static STOP: LazyLock<Arc<AtomicBool>> = LazyLock::new(|| Arc::new(AtomicBool::new(false)));

/// The folders of this process's builds at work. The signal clean-up holds
/// this lock until the process ends.
static ACTIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn active() -> MutexGuard<'static, Vec<PathBuf>> {
    ACTIVE.lock().unwrap_or_else(|e| e.into_inner())
}

/// An error when the build was told to stop.
pub(super) fn go_on() -> Result<()> {
    if STOP.load(Ordering::Relaxed) {
        bail!(
            "the build was stopped (Ctrl-C or SIGTERM) and the output folder left as it was: \
             run the build again"
        );
    }
    Ok(())
}

/// Run `f` (the swap) so that the signal clean-up cannot cut it half-way,
/// unless the build was already told to stop.
pub(super) fn exclusive<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    let _held = active();
    go_on()?;
    f()
}

/// The folder a build holds beside its output, with its lock.
pub(super) struct Claim {
    dir: PathBuf,
    /// Held (locked) until the folder is gone.
    _lock: File,
}

const LOCK: &str = "lock";

impl Claim {
    /// Make the build's folder beside `parent/name`, with its lock held.
    pub(super) fn new(parent: &Path, name: &str) -> Result<Claim> {
        let pid = std::process::id();
        let mut registry = active();
        go_on()?;
        for n in 0..100 {
            let dir = match n {
                0 => parent.join(format!(".{name}.cadence-{pid}")),
                n => parent.join(format!(".{name}.cadence-{pid}-{n}")),
            };
            match std::fs::create_dir(&dir) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => {
                    return Err(anyhow!(e).context(format!("creating {}", dir.display())));
                }
            }
            match lock_file(&dir, pid) {
                Ok(lock) => {
                    registry.push(dir.clone());
                    return Ok(Claim { dir, _lock: lock });
                }
                // A build removing what a dead build left took this
                // folder, unfinished, for such a leftover: try another.
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock || !dir.exists() => {
                    let _ = std::fs::remove_dir_all(&dir);
                }
                Err(e) => {
                    let _ = std::fs::remove_dir_all(&dir);
                    return Err(anyhow!(e).context(format!(
                        "making the lock file of {} (a file system without file locks \
                         cannot hold a build: choose an --out on another)",
                        dir.display()
                    )));
                }
            }
        }
        bail!(
            "cannot make a folder .{name}.cadence-{pid}-* in {} (it holds too many, or is \
             not writable): check what is there",
            parent.display()
        )
    }

    /// The tree being written.
    pub(super) fn new_tree(&self) -> PathBuf {
        self.dir.join("new")
    }

    /// Where the replaced output is moved by the swap.
    pub(super) fn old_tree(&self) -> PathBuf {
        self.dir.join("old")
    }

    /// Remove the folder and what is left in it, then let go of it.
    pub(super) fn release(self) -> std::io::Result<()> {
        remove_claimed(&self.dir)
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        let _ = remove_claimed(&self.dir);
        active().retain(|d| d != &self.dir);
    }
}

/// Create the folder's `lock` file, holding the process id, locked before
/// it has its name: another build never finds it unlocked while its owner
/// lives.
fn lock_file(dir: &Path, pid: u32) -> std::io::Result<File> {
    let making = dir.join("lock.new");
    let mut file = File::create_new(&making)?;
    file.try_lock().map_err(|e| match e {
        std::fs::TryLockError::WouldBlock => std::io::ErrorKind::WouldBlock.into(),
        std::fs::TryLockError::Error(e) => e,
    })?;
    writeln!(file, "{pid}")?;
    std::fs::rename(&making, dir.join(LOCK))?;
    Ok(file)
}

/// Remove a build's folder: its trees (in parallel), then the rest.
fn remove_claimed(dir: &Path) -> std::io::Result<()> {
    remove_claimed_by(dir, remove_tree)
}

/// Remove a build's folder, each entry with `remove`, the lock last: a
/// folder without its lock is taken for one being made and left alone, so
/// a removal cut short (a second signal) must leave the lock.
fn remove_claimed_by(
    dir: &Path,
    remove: impl Fn(&Path) -> std::io::Result<()>,
) -> std::io::Result<()> {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            if entry.file_name() != LOCK {
                remove(&entry.path())?;
            }
        }
    }
    not_found_is_fine(std::fs::remove_file(dir.join(LOCK)))?;
    not_found_is_fine(std::fs::remove_dir(dir))
}

/// What another process removes meanwhile is not an error.
fn not_found_is_fine(r: std::io::Result<()>) -> std::io::Result<()> {
    match r {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        r => r,
    }
}

/// Remove the folders that dead builds left beside `parent/name`: those
/// whose lock is free. When a build died between the two renames of its
/// swap, the output it moved aside is put back first.
pub(super) fn remove_dead(parent: &Path, name: &str) {
    let prefix = format!(".{name}.cadence-");
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        if !entry.file_name().to_string_lossy().starts_with(&prefix)
            || !entry.file_type().is_ok_and(|t| t.is_dir())
        {
            continue;
        }
        let dir = entry.path();
        let lock = match File::open(dir.join(LOCK)) {
            Ok(lock) => lock,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                remove_unfinished(&dir);
                continue;
            }
            Err(_) => continue,
        };
        if lock.try_lock().is_err() {
            continue;
        }
        let target = parent.join(name);
        let old = dir.join("old");
        if std::fs::symlink_metadata(&target).is_err()
            && std::fs::symlink_metadata(&old).is_ok_and(|m| m.is_dir())
            && old.join(MARKER).is_file()
        {
            let _ = std::fs::rename(&old, &target);
        }
        let _ = remove_claimed(&dir);
    }
}

/// A folder without its `lock`: its owner died while making it, or is
/// making it now. Its `lock.new` (locked as soon as it is made) is removed
/// when no one holds it, then the folder when it is empty; an owner that
/// loses its folder that way makes another ([`Claim::new`]). Nothing else
/// is removed: a folder that holds more is not one of these.
fn remove_unfinished(dir: &Path) {
    let making = dir.join("lock.new");
    if let Ok(file) = File::open(&making) {
        if file.try_lock().is_err() {
            return;
        }
        let _ = std::fs::remove_file(&making);
    }
    let _ = std::fs::remove_dir(dir);
}

/// Remove a folder and everything in it, the subfolders of its subfolders
/// in parallel: removing the ten thousand folders of a large build is the
/// kernel's work, and one thread left the other core idle. A link is
/// removed, never followed; what another process removes meanwhile is not
/// an error.
pub(super) fn remove_tree(dir: &Path) -> std::io::Result<()> {
    let gone = not_found_is_fine;
    match std::fs::symlink_metadata(dir) {
        Err(e) => return gone(Err(e)),
        Ok(m) if !m.is_dir() => return gone(std::fs::remove_file(dir)),
        Ok(_) => {}
    }
    let mut parts = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            if entry.file_type().is_ok_and(|t| t.is_dir())
                && let Ok(inner) = std::fs::read_dir(entry.path())
            {
                parts.extend(inner.flatten().map(|e| e.path()));
            }
        }
    }
    parts.par_iter().try_for_each(|p| {
        gone(match std::fs::symlink_metadata(p) {
            Ok(m) if m.is_dir() => std::fs::remove_dir_all(p),
            Ok(_) => std::fs::remove_file(p),
            Err(e) => Err(e),
        })
    })?;
    gone(std::fs::remove_dir_all(dir))
}

/// Remove a file or a folder with all it holds, on this thread (rayon's
/// threads may still be busy rendering). A file created while it runs
/// makes it fail once; it is tried again.
#[cfg(unix)]
fn remove_now(path: &Path) -> std::io::Result<()> {
    let mut result = Ok(());
    for _ in 0..3 {
        result = not_found_is_fine(match std::fs::symlink_metadata(path) {
            Ok(m) if m.is_dir() => std::fs::remove_dir_all(path),
            Ok(_) => std::fs::remove_file(path),
            Err(e) => Err(e),
        });
        if result.is_ok() {
            break;
        }
    }
    result
}

/// From now on, SIGINT and SIGTERM remove the folders of the builds at
/// work (and stop them) before the process ends by that signal.
#[cfg(unix)]
pub fn stop_cleanly_on_signals() -> std::io::Result<()> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    use signal_hook::flag;
    for signal in [SIGINT, SIGTERM] {
        // A second signal while the first is handled ends it at once.
        flag::register_conditional_shutdown(signal, 1, Arc::clone(&STOP))?;
        flag::register(signal, Arc::clone(&STOP))?;
    }
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])?;
    std::thread::Builder::new()
        .name("stop".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                clean_up_and_end(signal);
            }
        })?;
    Ok(())
}

#[cfg(not(unix))]
pub fn stop_cleanly_on_signals() -> std::io::Result<()> {
    Ok(())
}

/// Remove every build folder of this process, then end it by `signal`.
/// The lock on the folders' list is kept: a swap cannot start, and the
/// build's own clean-up waits for the end.
#[cfg(unix)]
fn clean_up_and_end(signal: i32) -> ! {
    let registry = active();
    for dir in registry.iter() {
        // Writers still at work find their tree gone and cannot make it
        // again (see `Staging::folder`).
        let _ = std::fs::rename(dir.join("new"), dir.join("stopped"));
        let _ = remove_claimed_by(dir, remove_now);
    }
    let _ = signal_hook::low_level::emulate_default_handler(signal);
    std::process::exit(128 + signal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_whose_lock_is_held_is_left_and_a_free_one_removed() {
        let tmp = tempfile::tempdir().unwrap();
        let live = Claim::new(tmp.path(), "public").unwrap();
        std::fs::create_dir_all(live.new_tree().join("a")).unwrap();
        // A folder left by a build of another process that died.
        let dead = tmp.path().join(".public.cadence-4999999");
        std::fs::create_dir_all(dead.join("new/a")).unwrap();
        std::fs::write(dead.join(LOCK), "4999999\n").unwrap();
        // Left by a build that died making it, and one being made.
        let unfinished = tmp.path().join(".public.cadence-4999998");
        std::fs::create_dir(&unfinished).unwrap();
        std::fs::write(unfinished.join("lock.new"), "").unwrap();
        let making = Claim::new(tmp.path(), "making").unwrap();
        std::fs::rename(making.dir.join(LOCK), making.dir.join("lock.new")).unwrap();
        let in_the_making = tmp.path().join(".public.cadence-4999997");
        std::fs::rename(&making.dir, &in_the_making).unwrap();
        // Not cadence's: no lock file, and something in it.
        let foreign = tmp.path().join(".public.cadence-mine");
        std::fs::create_dir(&foreign).unwrap();
        std::fs::write(foreign.join("mine.txt"), "").unwrap();
        remove_dead(tmp.path(), "public");
        assert!(live.new_tree().join("a").is_dir(), "a live build's folder");
        assert!(!dead.exists(), "a dead build's folder");
        assert!(!unfinished.exists(), "a dead build's unfinished folder");
        assert!(in_the_making.join("lock.new").exists(), "a live one's");
        assert!(foreign.join("mine.txt").exists());
        let dir = live.dir.clone();
        live.release().unwrap();
        assert!(!dir.exists());
    }

    /// A build that died between the two renames of its swap left the
    /// output in its folder: it is put back.
    #[test]
    fn an_output_moved_aside_by_a_dead_build_is_put_back() {
        let tmp = tempfile::tempdir().unwrap();
        let dead = tmp.path().join(".public.cadence-4999999");
        std::fs::create_dir_all(dead.join("old")).unwrap();
        std::fs::write(dead.join("old").join(MARKER), "").unwrap();
        std::fs::write(dead.join("old/index.html"), "previous").unwrap();
        std::fs::write(dead.join(LOCK), "4999999\n").unwrap();
        remove_dead(tmp.path(), "public");
        assert_eq!(
            std::fs::read_to_string(tmp.path().join("public/index.html")).unwrap(),
            "previous"
        );
        assert!(!dead.exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_link_is_removed_not_followed() {
        let tmp = tempfile::tempdir().unwrap();
        let precious = tmp.path().join("precious");
        std::fs::create_dir(&precious).unwrap();
        std::fs::write(precious.join("file"), "keep").unwrap();
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&precious, &link).unwrap();
        remove_tree(&link).unwrap();
        assert!(!link.exists());
        assert!(precious.join("file").is_file());
    }
}
