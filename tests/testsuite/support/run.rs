//! What a run of the binary did ([`Run`]) and what `check --format json`
//! reported ([`Report`]), with the assertions the tests make on them.

use std::fmt;
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;
use wait_timeout::ChildExt;

/// How long a run may take before it is killed and the test fails: a read
/// that blocks (a FIFO) must not hang the suite. Generous, so that a slow
/// machine is no failure; never a measure of speed.
pub const TIMEOUT: Duration = Duration::from_secs(300);

/// A finished run of `cadence`.
#[derive(Debug)]
pub struct Run {
    /// The exit code; -1 when a signal ended it.
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Run `cmd` to its end (stdin empty, stdout and stderr read), killing
    /// it after [`TIMEOUT`]; assert a clean exit ([`Run::assert_clean_exit`]).
    #[track_caller]
    pub fn of(mut cmd: Command) -> Run {
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the cadence binary runs");
        let drain = |mut from: Box<dyn Read + Send>| {
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                let _ = from.read_to_end(&mut buf);
                buf
            })
        };
        let out = drain(Box::new(child.stdout.take().unwrap()));
        let err = drain(Box::new(child.stderr.take().unwrap()));
        let status = match child.wait_timeout(TIMEOUT).expect("waiting for cadence") {
            Some(status) => status,
            None => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("{cmd:?} did not end within {TIMEOUT:?}: a read blocked?");
            }
        };
        let run = Run {
            status: status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.join().unwrap()).into_owned(),
            stderr: String::from_utf8_lossy(&err.join().unwrap()).into_owned(),
        };
        run.assert_clean_exit();
        run
    }

    /// The exit status is one of the three the contract allows (0, 1, 2),
    /// and nothing panicked.
    #[track_caller]
    pub fn assert_clean_exit(&self) {
        assert!(
            matches!(self.status, 0..=2),
            "exit status {} is not 0, 1 or 2\n{}",
            self.status,
            self.show()
        );
        for text in [&self.stdout, &self.stderr] {
            assert!(!text.contains("panicked"), "a panic:\n{}", self.show());
        }
    }

    /// Assert the exit status.
    #[track_caller]
    pub fn assert_status(&self, code: i32) -> &Self {
        assert_eq!(self.status, code, "exit status\n{}", self.show());
        self
    }

    /// Assert exit status 0.
    #[track_caller]
    pub fn success(&self) -> &Self {
        self.assert_status(0)
    }

    /// stdout as JSON.
    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.show()))
    }

    /// stdout as the JSON report of `check` (SPEC 5), its shape asserted.
    #[track_caller]
    pub fn report(&self) -> Report {
        let json = self.json();
        assert_shape(&json);
        Report {
            status: self.status,
            json,
        }
    }

    /// The last line of stdout ("" when empty).
    pub fn last_line(&self) -> &str {
        self.stdout.lines().last().unwrap_or("")
    }

    /// stdout, then stderr.
    pub fn output(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }

    /// Everything, for a failure message.
    pub fn show(&self) -> String {
        format!(
            "exit {}\n--- stdout\n{}\n--- stderr\n{}",
            self.status, self.stdout, self.stderr
        )
    }
}

/// The exit status of `check --format json` and its report.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub status: i32,
    pub json: Value,
}

/// (code, severity, file, line) of one finding.
pub type Summary = (String, String, String, Option<u64>);

impl Report {
    /// (code, severity, file, line) of every finding, in report order.
    pub fn summary(&self) -> Vec<Summary> {
        self.diagnostics()
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

    /// The codes of every finding, in report order.
    pub fn codes(&self) -> Vec<String> {
        self.summary().into_iter().map(|s| s.0).collect()
    }

    /// Whether a finding has `code`.
    pub fn has(&self, code: &str) -> bool {
        self.codes().iter().any(|c| c == code)
    }

    /// The findings with `code`.
    pub fn with_code(&self, code: &str) -> Vec<&Value> {
        self.diagnostics()
            .iter()
            .filter(|d| d["code"] == code)
            .collect()
    }

    /// (code, line) of the findings about `file`.
    pub fn about(&self, file: &str) -> Vec<(String, Option<u64>)> {
        self.summary()
            .into_iter()
            .filter(|s| s.2 == file)
            .map(|s| (s.0, s.3))
            .collect()
    }

    /// Every finding as JSON.
    pub fn diagnostics(&self) -> &Vec<Value> {
        self.json["diagnostics"].as_array().unwrap()
    }

    /// Assert the exit status and every finding's (code, severity, file,
    /// line), in order.
    #[track_caller]
    pub fn assert_findings(&self, status: i32, want: &[(&str, &str, &str, Option<u64>)]) {
        let want: Vec<Summary> = want
            .iter()
            .map(|(c, s, f, l)| (c.to_string(), s.to_string(), f.to_string(), *l))
            .collect();
        assert_eq!(self.summary(), want, "{self}");
        assert_eq!(self.status, status, "exit status of\n{self}");
    }

    /// Exit 0 and an empty report.
    #[track_caller]
    pub fn assert_clean(&self) {
        let empty = serde_json::json!({"diagnostics": [], "errors": 0, "warnings": 0});
        assert_eq!((self.status, &self.json), (0, &empty), "{self}");
    }
}

impl std::ops::Index<&str> for Report {
    type Output = Value;
    fn index(&self, key: &str) -> &Value {
        &self.json[key]
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "exit {}: {:#}", self.status, self.json)
    }
}

/// `{"diagnostics": [{"code", "severity", "file", "line", "column",
/// "message", "help"}], "errors": N, "warnings": M}` and nothing else, with
/// the counts matching the diagnostics.
#[track_caller]
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
