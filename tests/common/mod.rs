//! Helpers shared by the integration tests: run the real binary on a fixture
//! site (in place, or copied into a temporary folder and changed), and read
//! its JSON report.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// The `today` the rule fixtures are written for.
pub const TODAY: &str = "2024-06-01";

/// What a run of `cadence` did.
#[derive(Debug)]
pub struct Run {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The exit status is one of the three the contract allows, and nothing
    /// panicked.
    pub fn assert_clean_exit(&self) {
        assert!(
            matches!(self.status, 0..=2),
            "exit status {} is not 0, 1 or 2\nstderr: {}",
            self.status,
            self.stderr
        );
        assert!(
            !self.stderr.contains("panicked"),
            "a panic:\n{}",
            self.stderr
        );
        assert!(
            !self.stdout.contains("panicked"),
            "a panic:\n{}",
            self.stdout
        );
    }
}

/// A site fixture under `tests/fixtures/rules/`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/rules")
        .join(name)
}

/// Run `cadence --root ROOT ARGS...` with a clean environment for colour and
/// dates: no colour (`NO_COLOR`), no `SOURCE_DATE_EPOCH`.
pub fn cadence(root: &Path, args: &[&str]) -> Run {
    cadence_env(root, args, &[])
}

/// Like [`cadence`], with extra environment variables.
pub fn cadence_env(root: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cadence"));
    cmd.arg("--root").arg(root).args(args);
    cmd.env_remove("SOURCE_DATE_EPOCH").env("NO_COLOR", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("the cadence binary runs");
    let run = Run {
        status: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    run.assert_clean_exit();
    run
}

/// `cadence check --today TODAY --format json EXTRA...`: the exit status
/// and the report, after checking that the report has exactly the shape of
/// SPEC 5.
pub fn check_json(root: &Path, today: &str, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["check", "--today", today, "--format", "json"];
    args.extend_from_slice(extra);
    let run = cadence(root, &args);
    let report: Value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            run.stdout, run.stderr
        )
    });
    assert_shape(&report);
    (run.status, report)
}

/// `{"diagnostics": [{"code", "severity", "file", "line", "column",
/// "message", "help"}], "errors": N, "warnings": M}` and nothing else, with
/// the counts matching the diagnostics.
pub fn assert_shape(report: &Value) {
    let top = report.as_object().expect("the report is an object");
    let mut keys: Vec<&str> = top.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["diagnostics", "errors", "warnings"], "{report:#}");
    let diagnostics = report["diagnostics"].as_array().expect("a list");
    let (mut errors, mut warnings) = (0, 0);
    for d in diagnostics {
        let obj = d.as_object().expect("each diagnostic is an object");
        let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "code", "column", "file", "help", "line", "message", "severity"
            ],
            "{d:#}"
        );
        assert!(d["code"].as_str().is_some_and(|c| !c.is_empty()), "{d:#}");
        match d["severity"].as_str() {
            Some("error") => errors += 1,
            Some("warning") => warnings += 1,
            other => panic!("severity {other:?} in {d:#}"),
        }
        let file = d["file"].as_str().expect("file is text");
        assert!(
            !file.is_empty() && !file.starts_with('/') && !file.contains('\\'),
            "file is relative to the site root: {d:#}"
        );
        for key in ["line", "column"] {
            assert!(
                d[key].is_null() || d[key].as_u64().is_some_and(|n| n >= 1),
                "{key} is null or a positive integer: {d:#}"
            );
        }
        assert!(
            d["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{d:#}"
        );
        assert!(d["help"].is_null() || d["help"].is_string(), "{d:#}");
    }
    assert_eq!(report["errors"].as_u64(), Some(errors), "{report:#}");
    assert_eq!(report["warnings"].as_u64(), Some(warnings), "{report:#}");
}

/// (code, severity, file, line) of every diagnostic, in report order.
pub fn summary(report: &Value) -> Vec<(String, String, String, Option<u64>)> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["severity"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64(),
            )
        })
        .collect()
}

/// The codes of every diagnostic, in report order.
pub fn codes(report: &Value) -> Vec<String> {
    summary(report).into_iter().map(|s| s.0).collect()
}

/// The diagnostics with `code`.
pub fn with_code<'a>(report: &'a Value, code: &str) -> Vec<&'a Value> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == code)
        .collect()
}

/// A site in a temporary folder, copied from a fixture and then changed.
pub struct Site {
    dir: tempfile::TempDir,
}

impl Site {
    /// A copy of `tests/fixtures/rules/<name>`.
    pub fn copy_of(name: &str) -> Site {
        let dir = tempfile::tempdir().expect("a temporary folder");
        copy_dir(&fixture(name), dir.path());
        Site { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Write `text` to `path` (relative to the site), creating folders.
    pub fn write(&self, path: &str, text: impl AsRef<[u8]>) -> &Self {
        let p = self.dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
        self
    }

    pub fn remove(&self, path: &str) -> &Self {
        std::fs::remove_file(self.dir.path().join(path)).unwrap();
        self
    }

    /// Replace `from` by `to` in the file at `path`; `from` must be there.
    pub fn edit(&self, path: &str, from: &str, to: &str) -> &Self {
        let p = self.dir.path().join(path);
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains(from), "`{from}` is not in {path}:\n{text}");
        std::fs::write(p, text.replace(from, to)).unwrap();
        self
    }

    pub fn check(&self, today: &str) -> (i32, Value) {
        check_json(self.path(), today, &[])
    }
}

#[path = "../support/copy_dir.rs"]
mod copy;
use copy::copy_dir;
