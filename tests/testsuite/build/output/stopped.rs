//! A build stopped by SIGTERM, Ctrl-C (SIGINT) or SIGKILL leaves the
//! previous output untouched, and nothing else beside it for long: a
//! stopped build removes its staging folder itself, and the next build
//! removes a killed build's folder at once, never a live build's (SPEC 7).

#![cfg(unix)]

use std::collections::BTreeMap;
use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::process::Command;

use super::*;

/// A site built once into `p/out` (small, quick), then given many pages so
/// that the next build takes a while: (site, parent, output, the output's
/// files).
fn built_then_grown() -> (SiteTest, PathBuf, PathBuf, BTreeMap<String, Vec<u8>>) {
    let mut site = site();
    let parent = site.beside("p");
    std::fs::create_dir(&parent).unwrap();
    let out = parent.join("out");
    site.run(["build", "-q", "--out", out.to_str().unwrap()])
        .success();
    let before = tree(&out);
    add_pages(&mut site);
    (site, parent, out, before)
}

/// Send `signal` to the build this test started, by its process id.
fn send(signal: &str, child: &Child) {
    let status = Command::new("kill")
        .args(["-s", signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn a_build_stopped_by_sigterm_or_sigint_leaves_nothing_beside_the_output() {
    let (site, parent, out, before) = built_then_grown();
    for (name, number) in [("TERM", 15), ("INT", 2)] {
        let mut child = spawn_build(&site, &out);
        wait_for_staging(&mut child, &parent, "out");
        send(name, &child);
        let status = child.wait().unwrap();
        // Ended as a process stopped by that signal is: by the signal
        // itself, re-raised after the clean-up.
        assert_eq!(status.signal(), Some(number), "SIG{name}: {status}");
        assert_eq!(listing(&parent), ["out"], "SIG{name} left a folder");
        assert!(tree(&out) == before, "SIG{name}: the output changed");
        let cache = site.path(".cadence");
        let kept = if cache.exists() {
            snapshot(&cache)
        } else {
            BTreeMap::new()
        };
        assert!(
            !kept.keys().any(|k| k.contains("cadence-")),
            "SIG{name}: {kept:?}"
        );
    }
    // And the next build goes through.
    site.run(["build", "-q", "--out", out.to_str().unwrap()])
        .success();
    assert!(out.join("page-000/index.html").is_file());
    assert_eq!(listing(&parent), ["out"]);
}

#[test]
fn the_next_build_removes_a_killed_builds_folder_at_once() {
    let (mut site, parent, out, before) = built_then_grown();
    let mut child = spawn_build(&site, &out);
    let staging = wait_for_staging(&mut child, &parent, "out");
    child.kill().unwrap();
    assert_eq!(child.wait().unwrap().signal(), Some(9));
    assert!(tree(&out) == before, "the output changed");
    assert!(parent.join(&staging).exists(), "SIGKILL cannot be handled");
    // The next build (a quick one) removes it, however young it is.
    remove_pages(&mut site);
    site.run(["build", "-q", "--out", out.to_str().unwrap()])
        .success();
    assert_eq!(listing(&parent), ["out"]);
    assert!(tree(&out) == before);
}

/// A staging folder whose owner holds its lock is another build at work:
/// left alone, however old. Once the lock is free, the next build removes
/// it.
#[test]
fn a_live_builds_staging_folder_is_never_removed() {
    let site = site();
    let parent = site.beside("p");
    let out = parent.join("out");
    // What a build in another process (or another pid namespace, where
    // its process id means nothing here) holds while it writes.
    let live = parent.join(".out.cadence-1");
    std::fs::create_dir_all(live.join("new/a")).unwrap();
    std::fs::write(live.join("new/.cadence-build"), "x").unwrap();
    std::fs::write(live.join("lock"), "1\n").unwrap();
    let lock = std::fs::File::open(live.join("lock")).unwrap();
    lock.try_lock().unwrap();
    let before = snapshot(&live);
    for _ in 0..2 {
        site.run(["build", "-q", "--out", out.to_str().unwrap()])
            .success();
        assert_eq!(snapshot(&live), before);
    }
    drop(lock);
    site.run(["build", "-q", "--out", out.to_str().unwrap()])
        .success();
    assert_eq!(listing(&parent), ["out"]);
}
