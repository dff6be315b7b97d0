//! `.ci/run` on a machine with only Rust and Python (issue 17): its tool
//! step, `.ci/tools.sh`, names each tool it lacks and how to install it,
//! and exits 2, rather than failing later on a bare "command not found".
//! Run in `CADENCE_TOOLS=check` mode, which installs nothing (no network in
//! tests), with a `PATH` that holds only bash, Rust and Python.

#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::prelude::*;
use crate::support::repo_path;

/// Where `tool` is on this machine's `PATH`, if it is.
fn which(tool: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(tool))
        .find(|p| p.is_file())
}

fn link(dir: &Path, name: &str, target: &Path) {
    std::os::unix::fs::symlink(target, dir.join(name)).unwrap();
}

#[test]
fn the_tool_step_names_each_missing_tool() {
    let site = SiteTest::empty();
    let bin = site.beside("bin");
    std::fs::create_dir_all(&bin).unwrap();
    for tool in ["bash", "id", "cargo", "rustup"] {
        if let Some(p) = which(tool) {
            link(&bin, tool, &p);
        }
    }
    // The interpreter itself, not a version manager's shim.
    let python = Command::new("python3")
        .args(["-c", "import sys; print(sys.executable)"])
        .output()
        .expect("python3 runs");
    let python = String::from_utf8(python.stdout).unwrap();
    link(&bin, "python3", Path::new(python.trim()));

    let mut cmd = Command::new(bin.join("bash"));
    cmd.arg(repo_path(".ci/tools.sh"))
        .env_clear()
        .env("PATH", &bin)
        .env("CADENCE_TOOLS", "check");
    for key in ["HOME", "RUSTUP_HOME", "CARGO_HOME", "RUSTUP_TOOLCHAIN"] {
        if let Some(v) = std::env::var_os(key) {
            cmd.env(key, v);
        }
    }
    let run = Run::of(cmd);
    run.assert_status(2);
    for want in [
        "java (apt-get install default-jre-headless)",
        "node 20 or later (apt-get install nodejs)",
        "npm (apt-get install npm)",
        "xmllint (apt-get install libxml2-utils)",
        "chromium (apt-get install chromium)",
    ] {
        assert!(
            run.stderr.contains(want),
            "{want} is not named:\n{}",
            run.show()
        );
    }
    // What the machine has is not named.
    assert!(!run.stderr.contains("python3 ("), "{}", run.show());
    assert!(!run.stderr.contains("cargo ("), "{}", run.show());
}

/// `.ci/run` runs the tool step before anything that needs a tool.
#[test]
fn ci_run_installs_its_tools_first() {
    let script = std::fs::read_to_string(repo_path(".ci/run")).unwrap();
    let commands: Vec<&str> = script
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let tools = commands
        .iter()
        .position(|l| *l == "bash .ci/tools.sh")
        .expect(".ci/run runs .ci/tools.sh");
    let first_tool_use = commands
        .iter()
        .position(|l| l.starts_with("cargo ") || l.starts_with("bash tests/"))
        .unwrap();
    assert!(tools < first_tool_use, "{script}");
}
