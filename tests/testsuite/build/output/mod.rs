//! `cadence build` and the folders around its output: what a stopped,
//! killed or refused build leaves, and where the kept build lives.

mod beside;
mod forbidden;
mod stopped;

use std::path::Path;
use std::process::{Child, Stdio};

use super::site;
use crate::prelude::*;

/// Content pages enough that a debug build takes a few seconds to render,
/// so that a test can stop it while it writes.
pub fn add_pages(site: &mut SiteTest) {
    for i in 0..400 {
        site.write(
            &format!("content/page-{i:03}.md"),
            format!("---\ntitle: Page {i}\n---\nText of page {i}.\n"),
        );
    }
}

pub fn remove_pages(site: &mut SiteTest) {
    for i in 0..400 {
        site.remove(&format!("content/page-{i:03}.md"));
    }
}

/// Start `cadence build -q --out <out>` in the background.
pub fn spawn_build(site: &SiteTest, out: &Path) -> Child {
    site.command([
        "build".as_ref(),
        "-q".as_ref(),
        "--out".as_ref(),
        out.as_os_str(),
    ])
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
