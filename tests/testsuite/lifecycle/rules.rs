//! The rules of SPEC 10: `line-eol` (a final dated after its line's end),
//! `line-unknown` (a line file of no line), the file name and schema of a
//! line file, and the `[support]` policy in `cadence.toml`.

use super::{V, site};
use crate::prelude::*;

/// (file, line) of the findings of `report` with `code`.
fn found(report: &Report, code: &str) -> Vec<(String, Option<u64>)> {
    report
        .with_code(code)
        .iter()
        .map(|d| (d["file"].as_str().unwrap().to_string(), d["line"].as_u64()))
        .collect()
}

/// `check` of `site`: the exit status and (file, line) of the findings
/// with `code`.
fn findings(site: &SiteTest, code: &str) -> (i32, Vec<(String, Option<u64>)>) {
    let report = site.check();
    (report.status, found(&report, code))
}

#[test]
fn line_eol_is_a_final_dated_after_its_lines_end() {
    let mut site = site();
    // On its line's eol day a final is in time; a day later it is not. A
    // candidate is no final.
    site.write(
        &format!("{V}/1.0.3.yaml"),
        "version: 1.0.3\ndate: 2025-01-15\nsummary: s\nrevision: 1000000000000000000000000000000000000004\n",
    );
    site.write(
        &format!("{V}/1.0.4-rc.1.yaml"),
        "version: 1.0.4-rc.1\ndate: 2025-01-16\nsummary: s\nrevision: 1000000000000000000000000000000000000005\n",
    );
    assert_eq!(findings(&site, "line-eol"), (0, vec![]));
    site.write(
        &format!("{V}/1.0.4.yaml"),
        "# a late fix\nversion: 1.0.4\ndate: 2025-01-16\nsummary: s\nrevision: 1000000000000000000000000000000000000005\n",
    );
    let report = site.check();
    assert_eq!(
        (report.status, found(&report, "line-eol")),
        (1, vec![(format!("{V}/1.0.4.yaml"), Some(3))])
    );
    let d = report.with_code("line-eol")[0];
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("after the end of support of 1.x on 2025-01-15"),
        "{d}"
    );
    // A line file's eol: 2.1.1 (2025-03-01) is after 2.x's moved end.
    site.remove(&format!("{V}/1.0.4.yaml"));
    site.manifest("granite-7b-lab/versioned/line-2", "eol: 2025-02-28");
    assert_eq!(
        findings(&site, "line-eol"),
        (1, vec![(format!("{V}/2.1.1.yaml"), Some(2))])
    );
}

#[test]
fn line_unknown_is_a_line_file_of_no_line() {
    let mut site = site();
    site.write(
        &format!("{V}/line-4.yaml"),
        "kind: line\nmajor: 4\nlts: true\n",
    )
    .write(
        "releases/granite-7b-lab/stream/line-1.yaml",
        "# misplaced\nkind: line\nmajor: 1\n",
    )
    .write(
        "releases/phi-lab/versioned/line-1.yaml",
        "kind: line\nmajor: 1\n",
    );
    let (status, found) = findings(&site, "line-unknown");
    assert_eq!(status, 1);
    assert_eq!(
        found,
        [
            (
                "releases/granite-7b-lab/stream/line-1.yaml".to_string(),
                Some(2)
            ),
            (format!("{V}/line-4.yaml"), Some(2)),
            (
                "releases/phi-lab/versioned/line-1.yaml".to_string(),
                Some(2)
            ),
        ]
    );
    // The file stem names the major.
    let report = super::site()
        .write(&format!("{V}/line-2.yaml"), "kind: line\nmajor: 3\n")
        .write(&format!("{V}/line-3.yaml"), "kind: line\nmajor: 3\n")
        .write(
            &format!("{V}/line-1.yaml"),
            "version: 1.0.9\ndate: 2024-11-01\nsummary: s\nrevision: 1000000000000000000000000000000000000009\n",
        )
        .check();
    assert_eq!(report.status, 1);
    let names: Vec<_> = report
        .summary()
        .into_iter()
        .filter(|d| d.0 == "file-name")
        .map(|d| (d.2, d.3))
        .collect();
    assert_eq!(
        names,
        [
            (format!("{V}/line-1.yaml"), Some(1)),
            (format!("{V}/line-2.yaml"), Some(2))
        ]
    );
    // A line file's schema: `major` a whole number, `lts` a boolean.
    let report = super::site()
        .write(
            &format!("{V}/line-2.yaml"),
            "kind: line\nmajor: two\nlts: maybe\neol: soon\n",
        )
        .check();
    let schema: Vec<_> = report
        .summary()
        .into_iter()
        .filter(|d| d.0 == "schema")
        .map(|d| d.3)
        .collect();
    assert_eq!(schema, [Some(2), Some(3), Some(4)]);
}

#[test]
fn the_support_policy_is_checked_like_the_rest_of_the_config() {
    for (from, to, line, says) in [
        ("months = 6", "monhts = 6", 36, "did you mean `months`?"),
        ("months = 6", "months = -1", 36, "from 0 to 1200"),
        ("months = 6", "months = \"6\"", 36, "invalid type"),
        (
            "[channels.versioned.support]",
            "[channels.versioned.suport]",
            35,
            "did you mean `support`?",
        ),
        (
            "[channels.versioned.support]",
            "[channels.stream.support]",
            35,
            "only for semver",
        ),
    ] {
        let report = site().edit("cadence.toml", from, to).check();
        assert_eq!(report.status, 2, "{to}");
        let d = &report["diagnostics"][0];
        assert_eq!(
            (d["code"].as_str(), d["line"].as_u64()),
            (Some("config"), Some(line)),
            "{to}: {d}"
        );
        let text = format!("{} {}", d["message"], d["help"]);
        assert!(text.contains(says), "{to}: {text}");
    }
}
