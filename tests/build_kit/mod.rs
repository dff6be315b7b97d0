//! Helpers for the integration tests: copy a fixture site into a temp dir,
//! run the real binary on it, read what it wrote.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The date every test builds with.
pub const TODAY: &str = "2025-05-20";

pub fn fixture_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

#[path = "../support/copy_dir.rs"]
mod copy;
pub use copy::copy_dir;

/// A copy of `tests/fixtures/<name>` in a fresh temp dir: (guard, site root).
pub fn site(name: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_dir(&fixture_dir(name), &root);
    (tmp, root)
}

/// Run `cadence --root <root> --today TODAY <args>`.
pub fn cadence(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cadence"))
        .arg("--root")
        .arg(root)
        .args(["--today", TODAY])
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .unwrap()
}

/// Run and assert the exit status; returns stdout and stderr together.
pub fn run_ok(root: &Path, args: &[&str]) -> String {
    let out = cadence(root, args);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "cadence {args:?} failed:\n{text}"
    );
    text
}

/// Build the site into `<root>/public` and return the output folder.
pub fn build(root: &Path, extra: &[&str]) -> PathBuf {
    let mut args = vec!["build"];
    args.extend_from_slice(extra);
    run_ok(root, &args);
    root.join("public")
}

pub fn read(dir: &Path, path: &str) -> String {
    std::fs::read_to_string(dir.join(path))
        .unwrap_or_else(|e| panic!("reading {path} of the build: {e}"))
}

/// Every file under `dir` with its bytes, by relative path.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path
                    .strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The HTML pages of a build.
pub fn html_pages(dir: &Path) -> Vec<String> {
    tree(dir)
        .into_keys()
        .filter(|p| p.ends_with(".html"))
        .collect()
}
