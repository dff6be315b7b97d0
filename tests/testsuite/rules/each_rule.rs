//! One test per rule: `check` on its fault finds exactly that, at the file
//! and line a maintainer must change; and ten faults in ten files are all
//! reported.

use super::*;

/// `check` the fault of `rule` on `today`, asserting the exit status and
/// every finding's (code, severity, file, line); the report.
#[track_caller]
fn expect(
    rule: &str,
    today: &str,
    status: i32,
    want: &[(&str, &str, &str, Option<u64>)],
) -> Report {
    let report = fault(rule).today(today).check();
    report.assert_findings(status, want);
    report
}

#[test]
fn the_good_fixture_is_clean() {
    SiteTest::good().check().assert_clean();
}

#[test]
fn yaml_syntax() {
    let report = expect(
        "yaml-syntax",
        GOOD_TODAY,
        1,
        &[("yaml-syntax", E, STREAM_BUILD, Some(2))],
    );
    // The column of the second `:` on `date: 2024-05-01: noon`.
    assert_eq!(report["diagnostics"][0]["column"], 17);
}

#[test]
fn schema() {
    let report = expect(
        "schema",
        GOOD_TODAY,
        1,
        &[
            ("schema", E, STREAM_BUILD, Some(1)),
            ("schema", E, STREAM_BUILD, Some(3)),
        ],
    );
    let d = &report["diagnostics"];
    assert!(
        d[0]["message"]
            .as_str()
            .unwrap()
            .contains("required key `summary`")
    );
    assert_eq!(d[0]["column"], 1);
    assert!(
        d[1]["message"]
            .as_str()
            .unwrap()
            .contains("unknown key `sumary`")
    );
    assert_eq!(d[1]["help"], "did you mean `summary`?");
}

#[test]
fn config() {
    let report = expect(
        "config",
        GOOD_TODAY,
        2,
        &[("config", E, "cadence.toml", Some(18))],
    );
    assert_eq!(
        report["diagnostics"][0]["help"],
        "did you mean `window_days`?"
    );
}

#[test]
fn unknown_model() {
    expect(
        "unknown-model",
        GOOD_TODAY,
        1,
        &[(
            "unknown-model",
            E,
            "releases/mm/stream/2024-05-02.yaml",
            None,
        )],
    );
}

#[test]
fn unknown_channel() {
    expect(
        "unknown-channel",
        GOOD_TODAY,
        1,
        &[(
            "unknown-channel",
            E,
            "releases/m/nightly/2024-05-02.yaml",
            None,
        )],
    );
}

#[test]
fn file_name() {
    let report = expect(
        "file-name",
        GOOD_TODAY,
        1,
        &[("file-name", E, "releases/m/stream/2024-05-03.yaml", Some(1))],
    );
    assert_eq!(
        report["diagnostics"][0]["help"],
        "rename the file to `2024-05-02.yaml`"
    );
}

#[test]
fn version_format() {
    expect(
        "version-format",
        GOOD_TODAY,
        1,
        &[(
            "version-format",
            E,
            "releases/m/versioned/1.2.0-beta.1.yaml",
            Some(1),
        )],
    );
}

#[test]
fn duplicate_version() {
    // A copy of a build under another name: the duplicate, its name and its
    // tag are all reported on the copy, the second file in path order.
    let copy = "releases/m/stream/2024-05-02.yaml";
    expect(
        "duplicate-version",
        GOOD_TODAY,
        1,
        &[
            ("duplicate-version", E, copy, Some(1)),
            ("file-name", E, copy, Some(1)),
            ("tag-collision", E, copy, Some(1)),
        ],
    );
}

#[test]
fn a_duplicate_is_reported_on_the_later_dated_file() {
    // 0.9.0.yaml holds a second 1.0.0, dated after the real one: it is the
    // file to change even though it comes first in path order.
    let report = SiteTest::good()
        .manifest("m/versioned/0.9.0", &versioned("1.0.0", "2024-01-16", '1'))
        .check();
    let d = report.with_code("duplicate-version");
    assert_eq!(d.len(), 1, "{report}");
    assert_eq!(d[0]["file"], "releases/m/versioned/0.9.0.yaml");
    assert!(
        d[0]["message"]
            .as_str()
            .unwrap()
            .contains("releases/m/versioned/1.0.0.yaml")
    );
}

#[test]
fn version_order() {
    // rc.2 is dated before rc.1; the later-dated file is the one named.
    expect(
        "version-order",
        GOOD_TODAY,
        1,
        &[(
            "version-order",
            E,
            "releases/m/versioned/1.0.0-rc.1.yaml",
            Some(2),
        )],
    );
}

#[test]
fn candidate_missing() {
    expect(
        "candidate-missing",
        GOOD_TODAY,
        1,
        &[(
            "candidate-missing",
            E,
            "releases/m/versioned/1.1.0.yaml",
            Some(1),
        )],
    );
}

#[test]
fn candidate_after_final() {
    // The candidate dated after its final is named; the final has then not
    // soaked either.
    expect(
        "candidate-after-final",
        GOOD_TODAY,
        1,
        &[
            (
                "candidate-after-final",
                E,
                "releases/m/versioned/1.0.0-rc.2.yaml",
                Some(2),
            ),
            ("candidate-soak", E, FINAL, Some(2)),
        ],
    );
}

#[test]
fn candidate_soak() {
    expect(
        "candidate-soak",
        GOOD_TODAY,
        1,
        &[("candidate-soak", E, FINAL, Some(2))],
    );
}

#[test]
fn promote_revision() {
    expect(
        "promote-revision",
        GOOD_TODAY,
        1,
        &[("promote-revision", E, FINAL, Some(4))],
    );
}

#[test]
fn gate() {
    expect("gate", GOOD_TODAY, 1, &[("gate", E, FINAL, Some(6))]);
}

#[test]
fn off_schedule() {
    expect(
        "off-schedule",
        GOOD_TODAY,
        1,
        &[(
            "off-schedule",
            E,
            "releases/m/versioned/1.1.0.yaml",
            Some(2),
        )],
    );
}

#[test]
fn slot_missed() {
    let report = expect("slot-missed", GOOD_TODAY, 1, &[("slot-missed", E, V, None)]);
    assert!(
        report["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .contains("2024-04-15")
    );
}

#[test]
fn slot_conflict() {
    expect(
        "slot-conflict",
        GOOD_TODAY,
        1,
        &[("slot-conflict", E, SKIP, Some(2))],
    );
}

#[test]
fn skip_unknown_slot() {
    let report = expect(
        "skip-unknown-slot",
        GOOD_TODAY,
        1,
        &[(
            "skip-unknown-slot",
            E,
            "releases/m/versioned/skip-2024-07-16.yaml",
            Some(2),
        )],
    );
    assert_eq!(
        report["diagnostics"][0]["help"],
        "the nearest slot is 2024-07-15"
    );
}

#[test]
fn skip_late() {
    expect(
        "skip-late",
        GOOD_TODAY,
        1,
        &[("skip-late", E, SKIP, Some(3))],
    );
}

#[test]
fn slot_unplanned_is_a_warning() {
    // Today is inside the next slot's window and nothing is planned.
    expect(
        "slot-unplanned",
        "2024-07-10",
        0,
        &[("slot-unplanned", W, V, None)],
    );
    let run = fault("slot-unplanned").today("2024-07-10").run([
        "check",
        "--format",
        "json",
        "--deny-warnings",
    ]);
    let report = run.report();
    assert_eq!(report.status, 1, "--deny-warnings fails on a warning");
    assert_eq!(report["warnings"], 1);
}

#[test]
fn future_date() {
    expect(
        "future-date",
        GOOD_TODAY,
        1,
        &[(
            "future-date",
            E,
            "releases/m/stream/2024-06-05.yaml",
            Some(2),
        )],
    );
}

#[test]
fn planned_past() {
    expect(
        "planned-past",
        GOOD_TODAY,
        1,
        &[(
            "planned-past",
            E,
            "releases/m/versioned/1.1.0.yaml",
            Some(2),
        )],
    );
}

#[test]
fn revision_format() {
    expect(
        "revision-format",
        GOOD_TODAY,
        1,
        &[("revision-format", E, STREAM_BUILD, Some(4))],
    );
}

#[test]
fn taxonomy_date() {
    expect(
        "taxonomy-date",
        GOOD_TODAY,
        1,
        &[("taxonomy-date", E, STREAM_BUILD, Some(5))],
    );
}

#[test]
fn tag_format() {
    expect(
        "tag-format",
        GOOD_TODAY,
        1,
        &[("tag-format", E, STREAM_BUILD, Some(1))],
    );
}

#[test]
fn tag_collision() {
    // v{major}.{minor}.{patch} renders v1.0.0 for 1.0.0-rc.1 and 1.0.0.
    expect(
        "tag-collision",
        GOOD_TODAY,
        1,
        &[("tag-collision", E, FINAL, Some(1))],
    );
}

#[test]
fn artifact() {
    let report = expect(
        "artifact",
        GOOD_TODAY,
        1,
        &[("artifact", E, STREAM_BUILD, Some(6))],
    );
    assert_eq!(
        report["diagnostics"][0]["column"], 5,
        "the artifact's first key"
    );
}

#[test]
fn content() {
    expect(
        "content",
        GOOD_TODAY,
        1,
        &[("content", E, "content/about.md", Some(3))],
    );
}

#[test]
fn unsafe_path() {
    // A manifest that links to a file outside the site: never read, so no
    // other finding about it.
    expect(
        "unsafe-path",
        GOOD_TODAY,
        1,
        &[("unsafe-path", E, "releases/m/stream/2024-05-02.yaml", None)],
    );
}

#[test]
fn ten_faults_in_ten_files_are_all_reported() {
    let mut site = SiteTest::good();
    let rev = "a".repeat(40);
    let build = |v: &str, rest: &str| {
        format!("version: {v}\ndate: {v}\nsummary: x\nrevision: {rev}\n{rest}")
    };
    let faults = [
        (
            "yaml-syntax",
            "releases/m/stream/2024-05-02.yaml",
            "version: [2024-05-02\n".to_string(),
        ),
        (
            "schema",
            "releases/m/stream/2024-05-03.yaml",
            build("2024-05-03", "colour: red\n"),
        ),
        (
            "unknown-model",
            "releases/mm/stream/2024-05-04.yaml",
            build("2024-05-04", ""),
        ),
        (
            "unknown-channel",
            "releases/m/nightly/2024-05-05.yaml",
            build("2024-05-05", ""),
        ),
        (
            "version-format",
            "releases/m/stream/2024-05-06.yaml",
            format!("version: 2024-05-06\ndate: 2024-05-07\nsummary: x\nrevision: {rev}\n"),
        ),
        (
            "revision-format",
            "releases/m/stream/2024-05-08.yaml",
            build("2024-05-08", "").replace(&rev, "xyz"),
        ),
        (
            "taxonomy-date",
            "releases/m/stream/2024-05-09.yaml",
            build("2024-05-09", "taxonomy: run-2024-05-10\n"),
        ),
        (
            "artifact",
            "releases/m/stream/2024-05-10.yaml",
            build(
                "2024-05-10",
                "artifacts:\n  - format: gguf\n    file: m.gguf\n",
            ),
        ),
        (
            "future-date",
            "releases/m/stream/2024-06-05.yaml",
            build("2024-06-05", ""),
        ),
        (
            "content",
            "content/schedule.md",
            "---\ntitle: Schedule\n---\n".to_string(),
        ),
    ];
    for (_, path, text) in &faults {
        site.write(path, text);
    }
    let report = site.check();
    assert_eq!(report.status, 1);
    let mut got: Vec<(String, String)> = report
        .summary()
        .into_iter()
        .map(|(c, _, f, _)| (c, f))
        .collect();
    got.sort();
    let mut want: Vec<(String, String)> = faults
        .iter()
        .map(|(c, f, _)| (c.to_string(), f.to_string()))
        .collect();
    want.sort();
    assert_eq!(got, want, "{report}");
    assert_eq!(report["errors"], 10);
}
