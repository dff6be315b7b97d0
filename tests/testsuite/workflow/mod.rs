//! The maintainer's workflow, run through the real binary on a copy of
//! `tests/fixtures/workflow/`: `cadence new` (`new`), `announce`, `schedule`
//! and `completions`.
//!
//! The fixture, checked with `--today 2025-05-25`: Granite 7B Lab on a
//! stream channel (one build, 2025-05-20) and a versioned channel scheduled
//! every 3 months from 2024-09-02 (±14 days, 7 days' skip notice,
//! candidates required with 7 days' soak): 1.0.0 fulfils 2024-09-02,
//! 2024-12-02 and 2025-03-02 are skipped, 1.1.0-rc.1 (2025-05-10) is in
//! progress, and the slot 2025-06-02 is open.

mod announce;
mod new;
mod schedule;

use std::path::Path;

use crate::prelude::*;

pub const TODAY: &str = "2025-05-25";
pub const VERSIONED: &str = "releases/granite-7b-lab/versioned";
pub const STREAM: &str = "releases/granite-7b-lab/stream";

/// A copy of `tests/fixtures/workflow/`, run on [`TODAY`].
pub fn site() -> SiteTest {
    let mut site = SiteTest::from("workflow");
    site.today(TODAY);
    site
}

/// Run `args` on `today` instead of [`TODAY`].
pub fn on(site: &SiteTest, today: &str, args: &[&str]) -> Run {
    let mut all = args.to_vec();
    all.extend(["--today", today]);
    site.run(all)
}

/// Run `new`, expect success, and return the written path relative to
/// the site, with stderr.
#[track_caller]
pub fn new_file(site: &SiteTest, args: &[&str]) -> (String, String) {
    let run = site.run(args);
    assert_eq!(run.status, 0, "{run:?}");
    let first = run.stdout.lines().next().unwrap_or("").to_string();
    assert_eq!(
        run.stdout.lines().count(),
        1,
        "stdout is the path alone: {run:?}"
    );
    let rel = Path::new(&first)
        .strip_prefix(site.root())
        .unwrap_or_else(|_| panic!("{first} is under the site"))
        .to_string_lossy()
        .into_owned();
    (rel, run.stderr)
}

/// Replace the blank `key:` line (with its TODO comment) by `key: value`.
pub fn fill(text: &str, key: &str, value: &str) -> String {
    let mut done = false;
    let out: Vec<String> = text
        .lines()
        .map(|l| {
            let trimmed = l.trim_start();
            if !done && trimmed.starts_with(&format!("{key}:")) && l.contains("# TODO") {
                done = true;
                let indent = &l[..l.len() - trimmed.len()];
                format!("{indent}{key}: {value}")
            } else {
                l.to_string()
            }
        })
        .collect();
    assert!(done, "no blank `{key}:` in\n{text}");
    out.join("\n") + "\n"
}

/// [`fill`] for each `(key, value)` in turn: the blanks of a scaffold, in
/// the order they appear.
pub fn fill_all(text: &str, blanks: &[(&str, &str)]) -> String {
    blanks
        .iter()
        .fold(text.to_string(), |t, (key, value)| fill(&t, key, value))
}

pub fn check_codes(site: &SiteTest) -> (i32, Vec<(String, String, Option<u64>)>) {
    let run = site.run(["check", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let findings = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64(),
            )
        })
        .collect();
    (run.status, findings)
}

#[test]
fn the_fixture_passes_check() {
    let site = site();
    let (code, errors) = check_codes(&site);
    assert_eq!((code, errors), (0, vec![]));
}

#[test]
fn completions_for_each_shell_mention_the_subcommands() {
    let site = site();
    for shell in ["bash", "zsh", "fish"] {
        let run = site.run(["completions", shell]);
        assert_eq!(run.status, 0, "{shell}: {run:?}");
        assert!(!run.stdout.trim().is_empty(), "{shell}");
        for sub in [
            "check",
            "build",
            "schedule",
            "new",
            "announce",
            "hf-sync",
            "completions",
        ] {
            assert!(run.stdout.contains(sub), "{shell} completions lack {sub}");
        }
    }
}
