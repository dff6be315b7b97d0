//! The command line as a user meets it: the human, JSON and GitHub output
//! formats, how `today` is chosen, the repository's own site, `schema`, and
//! bad input that must give a finding or a clean exit 2, never a panic.

mod common;

use std::path::Path;

use common::{Site, TODAY, cadence, cadence_env, check_json, codes, fixture, summary, with_code};

// ---- human ------------------------------------------------------------------

#[test]
fn human_output_shows_the_line_a_caret_and_the_counts() {
    let run = cadence(&fixture("schema"), &["check", "--today", TODAY]);
    assert_eq!(run.status, 1);
    let out = &run.stdout;
    assert!(
        out.contains("error[schema]: unknown key `sumary` in a release"),
        "{out}"
    );
    assert!(
        out.contains(" --> releases/m/stream/2024-05-01.yaml:3:1\n"),
        "{out}"
    );
    assert!(out.contains("3 | sumary: A stream build.\n"), "{out}");
    assert!(out.contains("  | ^\n"), "{out}");
    assert!(out.contains("help: did you mean `summary`?"), "{out}");
    assert_eq!(out.lines().last(), Some("2 errors, 0 warnings"), "{out}");
    assert!(!out.contains('\x1b'), "no colour with NO_COLOR");

    // Piped (not a terminal) and without NO_COLOR: still no colour.
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_cadence"));
    cmd.args(["check", "--today", TODAY, "--root"])
        .arg(fixture("schema"));
    cmd.env_remove("NO_COLOR");
    let out = cmd.output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains('\x1b'));
}

#[test]
fn human_output_of_a_clean_site_and_of_a_warning() {
    let run = cadence(&fixture("_good"), &["check", "--today", TODAY]);
    assert_eq!(
        (run.status, run.stdout.as_str()),
        (0, "0 errors, 0 warnings\n")
    );
    let run = cadence(
        &fixture("slot-unplanned"),
        &["check", "--today", "2024-07-10"],
    );
    assert_eq!(run.status, 0);
    assert!(
        run.stdout
            .starts_with("warning[slot-unplanned]: the next slot 2024-07-15"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(" --> releases/m/versioned/\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.ends_with("0 errors, 1 warning\n"),
        "{}",
        run.stdout
    );
}

// ---- github -----------------------------------------------------------------

/// `::error file=F,line=L,col=C,title=CODE::MESSAGE` (line and col where
/// known), with the workflow-command escapes: no raw newline, `%` escaped,
/// and no `,` or `:` inside a property value.
fn assert_annotation(line: &str) {
    let rest = line
        .strip_prefix("::error ")
        .or_else(|| line.strip_prefix("::warning "))
        .unwrap_or_else(|| panic!("not an annotation: {line}"));
    let (props, message) = rest
        .split_once("::")
        .unwrap_or_else(|| panic!("no message: {line}"));
    assert!(!message.is_empty(), "{line}");
    let props: Vec<(&str, &str)> = props
        .split(',')
        .map(|p| {
            p.split_once('=')
                .unwrap_or_else(|| panic!("property without `=`: {line}"))
        })
        .collect();
    let names: Vec<&str> = props.iter().map(|(k, _)| *k).collect();
    assert!(
        [
            &["file", "line", "col", "title"][..],
            &["file", "line", "title"][..],
            &["file", "title"][..]
        ]
        .contains(&names.as_slice()),
        "{line}"
    );
    for (k, v) in &props {
        assert!(!v.is_empty() && !v.contains(':'), "{line}");
        if matches!(*k, "line" | "col") {
            assert!(v.parse::<u32>().is_ok_and(|n| n >= 1), "{line}");
        }
        if *k == "title" {
            assert!(
                v.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{line}"
            );
        }
    }
    // Any `%` is the start of an escape.
    for (i, _) in message.match_indices('%') {
        assert!(
            ["%25", "%0A", "%0D"]
                .iter()
                .any(|e| message[i..].starts_with(e)),
            "{line}"
        );
    }
}

#[test]
fn github_output_is_one_valid_annotation_per_finding() {
    let run = cadence(
        &fixture("schema"),
        &["check", "--today", TODAY, "--format", "github"],
    );
    assert_eq!(run.status, 1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "::error file=releases/m/stream/2024-05-01.yaml,line=1,col=1,title=schema::a release is missing the required key `summary`",
            "::error file=releases/m/stream/2024-05-01.yaml,line=3,col=1,title=schema::unknown key `sumary` in a release%0Ahelp: did you mean `summary`?",
        ]
    );
    for line in lines {
        assert_annotation(line);
    }
    let run = cadence(
        &fixture("slot-unplanned"),
        &["check", "--today", "2024-07-10", "--format", "github"],
    );
    assert!(
        run.stdout
            .starts_with("::warning file=releases/m/versioned/,title=slot-unplanned::"),
        "{}",
        run.stdout
    );
    assert_annotation(run.stdout.trim_end());
}

#[test]
fn every_fixture_gives_valid_annotations() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if !path.is_dir() {
            continue;
        }
        let run = cadence(
            &path,
            &["check", "--today", "2024-07-10", "--format", "github"],
        );
        for line in run.stdout.lines() {
            assert_annotation(line);
            seen += 1;
        }
    }
    assert!(seen >= 28, "{seen} annotations");
}

// ---- json and today ---------------------------------------------------------

#[test]
fn json_goes_to_stdout_for_config_errors_too() {
    let site = Site::copy_of("_good");
    site.edit(
        "cadence.toml",
        "title = \"Fixture\"",
        "title = \"Fixture\"\ncolour = \"red\"",
    );
    let (status, report) = check_json(site.path(), TODAY, &[]);
    assert_eq!(status, 2);
    assert_eq!(
        summary(&report),
        [(
            "config".into(),
            "error".into(),
            "cadence.toml".into(),
            Some(2)
        )]
    );
}

#[test]
fn today_comes_from_the_flag_then_source_date_epoch() {
    // 2024-07-10T12:00:00Z: the slot of 2024-07-15 is open and unplanned.
    let epoch = [("SOURCE_DATE_EPOCH", "1720612800")];
    let root = fixture("_good");
    let run = cadence_env(&root, &["check", "--format", "json"], &epoch);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(codes(&report), ["slot-unplanned"]);
    // --today wins over SOURCE_DATE_EPOCH.
    let run = cadence_env(
        &root,
        &["check", "--format", "json", "--today", TODAY],
        &epoch,
    );
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(codes(&report), Vec::<String>::new());
    // A bad SOURCE_DATE_EPOCH or --today is a usage error.
    let run = cadence_env(&root, &["check"], &[("SOURCE_DATE_EPOCH", "yesterday")]);
    assert_eq!(run.status, 2);
    assert!(run.stderr.contains("SOURCE_DATE_EPOCH"), "{}", run.stderr);
    assert_eq!(
        cadence(&root, &["check", "--today", "2024-13-01"]).status,
        2
    );
}

// ---- the repository's own site ----------------------------------------------

fn own_site() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_repository_site_passes_check() {
    let (status, report) = check_json(own_site(), "2026-11-24", &[]);
    assert_eq!(status, 0, "{report:#}");
    assert_eq!(
        (report["errors"].as_u64(), report["warnings"].as_u64()),
        (Some(0), Some(0)),
        "{report:#}"
    );
    let run = cadence(
        own_site(),
        &["check", "--today", "2026-11-24", "--deny-warnings"],
    );
    assert_eq!(
        (run.status, run.stdout.as_str()),
        (0, "0 errors, 0 warnings\n")
    );
    let run = cadence(
        own_site(),
        &["check", "--today", "2026-11-24", "--format", "github"],
    );
    assert_eq!((run.status, run.stdout.as_str()), (0, ""));
}

#[test]
fn the_repository_site_after_its_next_slot_gives_valid_annotations() {
    // 2027-03-02 is the next slot; by 2027-03-20 its window has closed.
    let run = cadence(
        own_site(),
        &["check", "--today", "2027-03-20", "--format", "github"],
    );
    assert_eq!(run.status, 1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(!lines.is_empty());
    for line in &lines {
        assert_annotation(line);
    }
    assert!(
        lines.iter().any(|l| l.starts_with(
            "::error file=releases/granite-7b-lab/versioned/,title=slot-missed::slot 2027-03-02"
        )),
        "{}",
        run.stdout
    );
}

// ---- schema -----------------------------------------------------------------

#[test]
fn schema_prints_a_draft_2020_12_json_schema() {
    let run = cadence(own_site(), &["schema"]);
    assert_eq!(run.status, 0);
    let schema: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    let release = &schema["$defs"]["release"];
    assert_eq!(release["additionalProperties"], false);
    assert_eq!(
        release["required"],
        serde_json::json!(["version", "date", "summary"])
    );
    assert_eq!(
        schema["$defs"]["skip"]["properties"]["kind"]["const"],
        "skip"
    );
    // Commit ids of only digits are numbers to a YAML language server.
    let props = &release["properties"];
    assert_eq!(
        props["taxonomy_commit"]["type"],
        serde_json::json!(["string", "number"])
    );
    assert_eq!(
        props["revision"]["allOf"][0]["type"],
        serde_json::json!(["string", "number"])
    );
}

// ---- bad input --------------------------------------------------------------

const BUILD: &str = "releases/m/stream/2024-05-02.yaml";

/// Write `bytes` as a stream build and check: the exit status is 1 and the
/// file has a finding with `code`.
fn bad_build(bytes: impl AsRef<[u8]>, code: &str) -> serde_json::Value {
    let site = Site::copy_of("_good");
    site.write(BUILD, bytes);
    let (status, report) = site.check(TODAY);
    assert_eq!(status, 1, "{report:#}");
    let found = with_code(&report, code);
    assert!(
        found.iter().any(|d| d["file"] == BUILD),
        "no {code} finding for {BUILD}:\n{report:#}"
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
    let d = with_code(&report, "yaml-syntax")[0];
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(2), Some(13))
    );
    bad_build([0xff, 0xfe, 0x00, 0x41], "yaml-syntax");
}

#[test]
fn a_folder_named_like_a_manifest_is_a_file_name_finding() {
    let site = Site::copy_of("_good");
    std::fs::create_dir_all(site.path().join("releases/m/stream/x.yaml")).unwrap();
    let (status, report) = site.check(TODAY);
    assert_eq!(status, 1);
    assert_eq!(
        summary(&report),
        [(
            "file-name".into(),
            "error".into(),
            "releases/m/stream/x.yaml".into(),
            None
        )]
    );
}

#[test]
fn other_files_under_releases_are_file_name_findings() {
    let site = Site::copy_of("_good");
    site.write("releases/m/stream/2024-05-02.yml", "version: 2024-05-02\n");
    site.write("releases/m/stream/notes.txt", "hello\n");
    site.write("releases/m/README.md", "hello\n");
    site.write(
        "releases/m/stream/deeper/2024-05-02.yaml",
        "version: 2024-05-02\n",
    );
    let (_, report) = site.check(TODAY);
    let files: Vec<String> = summary(&report).into_iter().map(|s| s.2).collect();
    assert_eq!(codes(&report), ["file-name"; 5], "{report:#}");
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
    let site = Site::copy_of("_good");
    std::os::unix::fs::symlink("..", site.path().join("releases/m/stream/loop")).unwrap();
    std::os::unix::fs::symlink("loop-b", site.path().join("releases/m/loop-a")).unwrap();
    std::os::unix::fs::symlink("loop-a", site.path().join("releases/m/loop-b")).unwrap();
    std::os::unix::fs::symlink(
        "gone.yaml",
        site.path().join("releases/m/stream/2024-05-02.yaml"),
    )
    .unwrap();
    let (status, report) = site.check(TODAY);
    assert_eq!(status, 1, "{report:#}");
    let files: Vec<String> = summary(&report).into_iter().map(|s| s.2).collect();
    assert!(
        files.contains(&"releases/m/stream/loop".to_string()),
        "{report:#}"
    );
    assert!(
        files.contains(&"releases/m/loop-a".to_string()),
        "{report:#}"
    );
    assert!(
        files.contains(&"releases/m/stream/2024-05-02.yaml".to_string()),
        "a dangling link: {report:#}"
    );
    // The real manifests are still checked: nothing else is reported.
    assert!(
        codes(&report).iter().all(|c| c == "file-name"),
        "{report:#}"
    );
}

#[test]
fn anchors_and_aliases_are_read() {
    let site = Site::copy_of("_good");
    site.write(
        BUILD,
        format!(
            "version: &day 2024-05-02\ndate: *day\nsummary: Anchored.\nrevision: {}\nevaluations: &scores\n  mmlu: 0.5\nnotes: *day\n",
            "b".repeat(40)
        ),
    );
    let (status, report) = site.check(TODAY);
    assert_eq!(status, 0, "{report:#}");
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
        with_code(&report, "yaml-syntax")[0]["message"]
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
    // tests/reading.rs).
    let site = Site::copy_of("_good");
    site.write(
        BUILD,
        format!(
            "version: 2024-05-02\ndate: 2024-05-02\nsummary: Big.\nrevision: {}\nnotes: {}\n",
            "c".repeat(40),
            "x".repeat(1_000_000)
        ),
    );
    assert_eq!(site.check(TODAY).0, 0);
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
    let d = with_code(&report, "yaml-syntax")[0];
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
    let site = Site::copy_of("_good");
    site.write(
        BUILD,
        format!(
            "\u{feff}version: 2024-05-02\ndate: 2024-05-02\nsummary: BOM.\nrevision: {}\n",
            "e".repeat(40)
        ),
    );
    let (status, report) = site.check(TODAY);
    assert_eq!(status, 0, "{report:#}");
    // And its findings still point at the right line.
    site.edit(BUILD, "summary: BOM.", "sumary: BOM.");
    let (_, report) = site.check(TODAY);
    assert!(
        with_code(&report, "schema").iter().any(|d| d["line"] == 3),
        "{report:#}"
    );
    let run = cadence(site.path(), &["check", "--today", TODAY]);
    assert!(run.stdout.contains("3 | sumary: BOM."), "{}", run.stdout);
}

#[test]
fn windows_line_endings_are_read() {
    let site = Site::copy_of("_good");
    site.write(
        BUILD,
        format!(
            "version: 2024-05-02\r\ndate: 2024-05-02\r\nsumary: CRLF.\r\nrevision: {}\r\n",
            "f".repeat(40)
        ),
    );
    site.write(
        "content/about.md",
        "---\r\ntitle: About\r\n---\r\nText.\r\n",
    );
    let (_, report) = site.check(TODAY);
    assert_eq!(
        summary(&report),
        [
            ("schema".into(), "error".into(), BUILD.into(), Some(1)),
            ("schema".into(), "error".into(), BUILD.into(), Some(3)),
        ]
    );
    let run = cadence(site.path(), &["check", "--today", TODAY]);
    assert!(run.stdout.contains("3 | sumary: CRLF.\n"), "{}", run.stdout);
}

#[test]
fn scalars_of_the_wrong_kind_are_schema_findings() {
    let report = bad_build(
        "version: [2024-05-02]\ndate: 12\nsummary: {a: b}\nstatus: true\nartifacts: nope\nevaluations: [1]\n",
        "schema",
    );
    assert!(with_code(&report, "schema").len() >= 6, "{report:#}");
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
        let site = Site::copy_of("_good");
        site.write("cadence.toml", text);
        let (status, report) = site.check(TODAY);
        assert_eq!(status, 2, "{text}\n{report:#}");
        assert!(codes(&report).iter().all(|c| c == "config"), "{report:#}");
    }
    let site = Site::copy_of("_good");
    site.write("cadence.toml", b"title = \"\xff\"\n");
    assert_eq!(site.check(TODAY).0, 2);
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
        let mut args = args;
        args.extend(["--today", TODAY]);
        let run = cadence(&fixture("_good"), &args);
        assert_eq!(run.status, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("m\\u{1b}]0;pwned\\u{7}"),
            "{args:?}: {}",
            run.stderr
        );
        assert!(!run.stderr.contains(['\u{1b}', '\u{7}']), "{args:?}");
    }
}
