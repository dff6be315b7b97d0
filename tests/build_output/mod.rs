//! `cadence build` and the folders around its output: what a stopped,
//! killed or refused build leaves, and where the kept build lives.

mod beside;
mod forbidden;
mod stopped;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use super::build_kit::*;

/// The names in a folder, sorted.
pub fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Every entry under `dir`, folders and links included: a folder as
/// `dir`, a symbolic link as `-> target`, a file as its bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            let rel = path.strip_prefix(base).unwrap().display().to_string();
            let kind = entry.file_type().unwrap();
            if kind.is_symlink() {
                let to = std::fs::read_link(&path).unwrap();
                out.insert(rel, format!("-> {}", to.display()).into_bytes());
            } else if kind.is_dir() {
                out.insert(rel, b"dir".to_vec());
                walk(base, &path, out);
            } else {
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Content pages enough that a debug build takes a few seconds to render,
/// so that a test can stop it while it writes.
pub fn add_pages(root: &Path) {
    for i in 0..400 {
        std::fs::write(
            root.join(format!("content/page-{i:03}.md")),
            format!("---\ntitle: Page {i}\n---\nText of page {i}.\n"),
        )
        .unwrap();
    }
}

pub fn remove_pages(root: &Path) {
    for i in 0..400 {
        std::fs::remove_file(root.join(format!("content/page-{i:03}.md"))).unwrap();
    }
}

/// Start `cadence build -q --out <out>` in the background.
pub fn spawn_build(root: &Path, out: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_cadence"))
        .arg("--root")
        .arg(root)
        .args(["--today", TODAY, "build", "-q", "--out"])
        .arg(out)
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Wait until the build writing `parent/<name>` has its staging folder
/// (`.<name>.cadence-*`) beside the output; panics if the build ends
/// first.
pub fn wait_for_staging(child: &mut Child, parent: &Path, name: &str) -> String {
    let prefix = format!(".{name}.cadence-");
    loop {
        if let Some(found) = listing(parent).into_iter().find(|n| n.starts_with(&prefix)) {
            return found;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the build ended ({status}) before its staging folder was seen");
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
}
