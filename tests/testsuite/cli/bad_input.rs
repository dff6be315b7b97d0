//! Bad input that must give a finding or a clean exit 2, never a panic:
//! empty files, non-UTF-8, symlink loops, alias bombs, deep nesting, huge
//! values, duplicate keys, tabs, byte order marks, line ends, wrong kinds.

use crate::prelude::*;

const BUILD: &str = "releases/m/stream/2024-05-02.yaml";

/// Write `bytes` as a stream build and check: the exit status is 1 and the
/// file has a finding with `code`.
#[track_caller]
fn bad_build(bytes: impl AsRef<[u8]>, code: &str) -> Report {
    let report = SiteTest::good().write(BUILD, bytes).check();
    assert_eq!(report.status, 1, "{report}");
    assert!(
        report.with_code(code).iter().any(|d| d["file"] == BUILD),
        "no {code} finding for {BUILD}:\n{report}"
    );
    report
}

#[test]
fn an_empty_manifest_is_a_schema_finding() {
    bad_build("", "schema");
    bad_build("# only a comment\n", "schema");
    bad_build("~\n", "schema");
}

#[test]
fn non_utf8_bytes_are_a_yaml_syntax_finding_at_the_byte() {
    let report = bad_build(b"version: 2024-05-02\nsummary: caf\xe9\n", "yaml-syntax");
    let d = report.with_code("yaml-syntax")[0];
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(2), Some(13))
    );
    bad_build([0xff, 0xfe, 0x00, 0x41], "yaml-syntax");
}

#[test]
fn a_folder_named_like_a_manifest_is_a_file_name_finding() {
    let site = SiteTest::good();
    std::fs::create_dir_all(site.path("releases/m/stream/x.yaml")).unwrap();
    site.check().assert_findings(
        1,
        &[("file-name", "error", "releases/m/stream/x.yaml", None)],
    );
}

#[test]
fn other_files_under_releases_are_file_name_findings() {
    let report = SiteTest::good()
        .write("releases/m/stream/2024-05-02.yml", "version: 2024-05-02\n")
        .write("releases/m/stream/notes.txt", "hello\n")
        .write("releases/m/README.md", "hello\n")
        .write(
            "releases/m/stream/deeper/2024-05-02.yaml",
            "version: 2024-05-02\n",
        )
        .check();
    let files: Vec<String> = report.summary().into_iter().map(|s| s.2).collect();
    assert_eq!(report.codes(), ["file-name"; 5], "{report}");
    assert_eq!(
        files,
        [
            "releases/m/README.md",
            "releases/m/stream/2024-05-02.yml",
            "releases/m/stream/deeper",
            "releases/m/stream/deeper/2024-05-02.yaml",
            "releases/m/stream/notes.txt",
        ]
    );
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_under_releases_is_a_finding() {
    let report = SiteTest::good()
        .symlink("..", "releases/m/stream/loop")
        .symlink("loop-b", "releases/m/loop-a")
        .symlink("loop-a", "releases/m/loop-b")
        .symlink("gone.yaml", "releases/m/stream/2024-05-02.yaml")
        .check();
    assert_eq!(report.status, 1, "{report}");
    let files: Vec<String> = report.summary().into_iter().map(|s| s.2).collect();
    assert!(
        files.contains(&"releases/m/stream/loop".to_string()),
        "{report}"
    );
    assert!(files.contains(&"releases/m/loop-a".to_string()), "{report}");
    assert!(
        files.contains(&"releases/m/stream/2024-05-02.yaml".to_string()),
        "a dangling link: {report}"
    );
    // The real manifests are still checked: nothing else is reported.
    assert!(report.codes().iter().all(|c| c == "file-name"), "{report}");
}

#[test]
fn anchors_and_aliases_are_read() {
    let report = SiteTest::good()
        .write(
            BUILD,
            format!(
                "version: &day 2024-05-02\ndate: *day\nsummary: Anchored.\nrevision: {}\nevaluations: &scores\n  mmlu: 0.5\nnotes: *day\n",
                "b".repeat(40)
            ),
        )
        .check();
    assert_eq!(report.status, 0, "{report}");
    // An alias to an anchor that is not defined is a syntax finding.
    bad_build("version: *nowhere\n", "yaml-syntax");
}

#[test]
fn a_billion_laughs_alias_bomb_is_stopped() {
    let mut bomb = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..12 {
        let prev = format!("*a{}", i - 1);
        bomb.push_str(&format!("a{i}: &a{i} [{}]\n", vec![prev; 9].join(", ")));
    }
    let report = bad_build(bomb, "yaml-syntax");
    assert!(
        report.with_code("yaml-syntax")[0]["message"]
            .as_str()
            .unwrap()
            .contains("expands")
    );
}

#[test]
fn deep_nesting_is_a_finding_not_a_stack_overflow() {
    bad_build(
        format!("version: {}{}\n", "[".repeat(100_000), "]".repeat(100_000)),
        "yaml-syntax",
    );
    let block: String = (0..500)
        .map(|i| format!("{}k{i}:\n", "  ".repeat(i)))
        .collect();
    bad_build(format!("{block}{}v: 1\n", "  ".repeat(500)), "yaml-syntax");
    bad_build(format!("notes: {}\n", "{a: ".repeat(10_000)), "yaml-syntax");
}

#[test]
fn very_large_values_are_read_or_refused_quickly() {
    // A megabyte of notes is fine (a manifest over 1 MiB is not read:
    // `reading`).
    let report = SiteTest::good()
        .write(
            BUILD,
            format!(
                "version: 2024-05-02\ndate: 2024-05-02\nsummary: Big.\nrevision: {}\nnotes: {}\n",
                "c".repeat(40),
                "x".repeat(1_000_000)
            ),
        )
        .check();
    assert_eq!(report.status, 0);
    // A summary spanning lines, a mapping with 60,000 keys (120,000 values)
    // and a list of 200,000 items are findings.
    bad_build(
        "version: 2024-05-02\ndate: 2024-05-02\nsummary: |\n  one\n  two\n",
        "schema",
    );
    let keys: String = (0..60_000).map(|i| format!("k{i}: 1\n")).collect();
    bad_build(keys, "yaml-syntax");
    bad_build(
        format!("artifacts: [{}]\n", vec!["x"; 200_000].join(", ")),
        "yaml-syntax",
    );
    // A huge number is a schema finding, not an overflow.
    bad_build(
        format!(
            "version: 2024-05-02\ndate: 2024-05-02\nsummary: x\nrevision: {}\nartifacts:\n  - format: other\n    file: a\n    size: 99999999999999999999999\n",
            "d".repeat(40)
        ),
        "schema",
    );
}

#[test]
fn duplicate_keys_are_a_finding_at_the_second() {
    let report = bad_build(
        "version: 2024-05-02\ndate: 2024-05-02\nversion: 2024-05-03\n",
        "yaml-syntax",
    );
    let d = report.with_code("yaml-syntax")[0];
    assert_eq!(d["line"], 3);
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("duplicate key `version`")
    );
}

#[test]
fn tabs_are_a_finding() {
    bad_build("version: 2024-05-02\n\tdate: 2024-05-02\n", "yaml-syntax");
}

#[test]
fn a_byte_order_mark_is_ignored() {
    let mut site = SiteTest::good();
    site.write(
        BUILD,
        format!(
            "\u{feff}version: 2024-05-02\ndate: 2024-05-02\nsummary: BOM.\nrevision: {}\n",
            "e".repeat(40)
        ),
    );
    let report = site.check();
    assert_eq!(report.status, 0, "{report}");
    // And its findings still point at the right line.
    let report = site.edit(BUILD, "summary: BOM.", "sumary: BOM.").check();
    assert!(
        report.with_code("schema").iter().any(|d| d["line"] == 3),
        "{report}"
    );
    let run = site.run(["check"]);
    assert!(run.stdout.contains("3 | sumary: BOM."), "{}", run.stdout);
}

#[test]
fn windows_line_endings_are_read() {
    let mut site = SiteTest::good();
    site.write(
        BUILD,
        format!(
            "version: 2024-05-02\r\ndate: 2024-05-02\r\nsumary: CRLF.\r\nrevision: {}\r\n",
            "f".repeat(40)
        ),
    )
    .write(
        "content/about.md",
        "---\r\ntitle: About\r\n---\r\nText.\r\n",
    );
    site.check().assert_findings(
        1,
        &[
            ("schema", "error", BUILD, Some(1)),
            ("schema", "error", BUILD, Some(3)),
        ],
    );
    let run = site.run(["check"]);
    assert!(run.stdout.contains("3 | sumary: CRLF.\n"), "{}", run.stdout);
}

#[test]
fn scalars_of_the_wrong_kind_are_schema_findings() {
    let report = bad_build(
        "version: [2024-05-02]\ndate: 12\nsummary: {a: b}\nstatus: true\nartifacts: nope\nevaluations: [1]\n",
        "schema",
    );
    assert!(report.with_code("schema").len() >= 6, "{report}");
    bad_build("- just\n- a list\n", "schema");
    bad_build("plain text\n", "schema");
    bad_build("kind: launch\n", "schema");
    bad_build("version: 1\n---\nversion: 2\n", "yaml-syntax");
}

#[test]
fn a_broken_config_is_exit_2_not_a_panic() {
    for text in [
        "",
        "\u{feff}title = \"x\"",
        "title = [",
        "title = \"T\"\nbase_url = \"ftp://x/\"\n[models.m]\n",
        "title = \"T\"\nbase_url = \"https://x/\"\n[channels.c]\nversioning = \"date\"\ntag = \"{compact\"\n[models.m.repos]\nc = \"o/m\"\n",
        "title = \"T\"\nbase_url = \"https://x/\"\n[channels.c]\nversioning = \"semver\"\ntag = \"v\"\n[channels.c.schedule]\nevery = \"1 month\"\nstart = 2024-01-01\nwindow_days = 99999999999\n[models.m.repos]\nc = \"o/m\"\n",
    ] {
        let report = SiteTest::good().write("cadence.toml", text).check();
        assert_eq!(report.status, 2, "{text}\n{report}");
        assert!(report.codes().iter().all(|c| c == "config"), "{report}");
    }
    let report = SiteTest::good()
        .write("cadence.toml", b"title = \"\xff\"\n")
        .check();
    assert_eq!(report.status, 2);
}

#[test]
fn an_error_shows_the_control_characters_of_its_input_escaped() {
    // A command-line value (or a manifest's, a template's, a Hub answer's)
    // quoted in an error reaches the terminal escaped: it cannot retitle or
    // clear the maintainer's terminal.
    let hostile = "m\u{1b}]0;pwned\u{7}";
    for args in [
        vec!["schedule", "--model", hostile],
        vec!["new", "release", hostile, "stream"],
        vec!["hf-sync", "--model", hostile],
    ] {
        let run = SiteTest::good().run(&args);
        assert_eq!(run.status, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("m\\u{1b}]0;pwned\\u{7}"),
            "{args:?}: {}",
            run.stderr
        );
        assert!(!run.stderr.contains(['\u{1b}', '\u{7}']), "{args:?}");
    }
}
