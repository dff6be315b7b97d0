//! `cadence init`: a new site that passes `check` and builds.

mod build_kit;

use std::process::Command;

use build_kit::*;

fn init(dir: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_cadence"))
        .args(["--today", TODAY, "init"])
        .arg(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

#[test]
fn a_new_site_passes_check_and_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("new-site");
    let out = init(&dir);
    assert_eq!(out.status.code(), Some(0), "{:?}", out);
    for path in [
        "cadence.toml",
        "releases/my-model/stream/2025-05-20.yaml",
        "releases/my-model/versioned/1.0.0.yaml",
        "content/about.md",
        "content/_index.md",
    ] {
        assert!(dir.join(path).is_file(), "{path}");
    }
    let check = run_ok(&dir, &["check", "--deny-warnings"]);
    assert!(check.contains("0 errors, 0 warnings"), "{check}");
    // Still clean a year later: no schedule slot can be missed.
    let later = Command::new(env!("CARGO_BIN_EXE_cadence"))
        .arg("--root")
        .arg(&dir)
        .args(["--today", "2026-05-20", "check", "--deny-warnings"])
        .output()
        .unwrap();
    assert_eq!(later.status.code(), Some(0));
    // Git ignores the output and the build cache (SPEC 7, 8).
    let ignored = std::fs::read_to_string(dir.join(".gitignore")).unwrap();
    let lines: Vec<&str> = ignored.lines().map(str::trim).collect();
    for want in [".cadence/", "public/"] {
        assert!(
            lines.iter().any(|l| l.trim_start_matches('/') == want),
            "{want} is not in .gitignore:\n{ignored}"
        );
    }
    let public = build(&dir, &[]);
    for path in [
        "index.html",
        "about/index.html",
        "my-model/index.html",
        "my-model/versioned/1.0.0/index.html",
        "my-model/stream/2025-05-20/index.html",
    ] {
        assert!(public.join(path).is_file(), "{path}");
    }
}

#[test]
fn init_refuses_a_folder_that_is_not_empty() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("taken");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("README.md"), "mine").unwrap();
    let out = init(&dir);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not empty"));
    assert!(!dir.join("cadence.toml").exists());

    // A folder with only hidden files (a fresh git repository) is fine.
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    assert_eq!(init(&repo).status.code(), Some(0));
    // And a second init refuses.
    assert_eq!(init(&repo).status.code(), Some(2));
}

/// A repository's own `.gitignore` is kept: the output and the cache are
/// added to it.
#[test]
fn init_adds_to_a_gitignore_that_is_there() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    std::fs::write(repo.join(".gitignore"), "*.log\n.cadence/").unwrap();
    assert_eq!(init(&repo).status.code(), Some(0));
    let ignored = std::fs::read_to_string(repo.join(".gitignore")).unwrap();
    let lines: Vec<&str> = ignored.lines().collect();
    assert_eq!(lines[..2], ["*.log", ".cadence/"], "{ignored}");
    assert!(lines.contains(&"/public/"), "{ignored}");
    assert_eq!(ignored.matches(".cadence/").count(), 1, "{ignored}");
}
