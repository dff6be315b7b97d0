//! The command line as a user meets it: the human, JSON and GitHub output
//! formats, how `today` is chosen, the repository's own site, `schema`;
//! and (`bad_input`) bad input that must give a finding or a clean exit 2,
//! never a panic.

mod bad_input;
mod hints;

use crate::prelude::*;
use crate::rules::{RULES, fault};

// ---- human ------------------------------------------------------------------

#[test]
fn human_output_shows_the_line_a_caret_and_the_counts() {
    let mut site = fault("schema");
    let run = site.run(["check"]);
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
    let run = site.env_remove("NO_COLOR").run(["check"]);
    assert!(!run.stdout.contains('\x1b'));
}

#[test]
fn human_output_of_a_clean_site_and_of_a_warning() {
    let run = SiteTest::good().run(["check"]);
    assert_eq!(
        (run.status, run.stdout.as_str()),
        (0, "0 errors, 0 warnings\n")
    );
    let run = fault("slot-unplanned").today("2024-07-10").run(["check"]);
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
#[track_caller]
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
    let run = fault("schema").run(["check", "--format", "github"]);
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
    let run = fault("slot-unplanned")
        .today("2024-07-10")
        .run(["check", "--format", "github"]);
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
    let mut seen = 0;
    let sites = std::iter::once(SiteTest::good()).chain(RULES.iter().map(|r| fault(r)));
    for mut site in sites {
        let run = site
            .today("2024-07-10")
            .run(["check", "--format", "github"]);
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
    SiteTest::good()
        .edit(
            "cadence.toml",
            "title = \"Fixture\"",
            "title = \"Fixture\"\ncolour = \"red\"",
        )
        .check()
        .assert_findings(2, &[("config", "error", "cadence.toml", Some(2))]);
}

#[test]
fn today_comes_from_the_flag_then_source_date_epoch() {
    // 2024-07-10T12:00:00Z: the slot of 2024-07-15 is open and unplanned.
    let mut site = SiteTest::good();
    site.no_today().env("SOURCE_DATE_EPOCH", "1720612800");
    assert_eq!(site.check().codes(), ["slot-unplanned"]);
    // --today wins over SOURCE_DATE_EPOCH.
    let report = site
        .run(["check", "--format", "json", "--today", GOOD_TODAY])
        .report();
    assert_eq!(report.codes(), Vec::<String>::new());
    // A bad SOURCE_DATE_EPOCH or --today is a usage error.
    let run = site.env("SOURCE_DATE_EPOCH", "yesterday").run(["check"]);
    assert_eq!(run.status, 2);
    assert!(run.stderr.contains("SOURCE_DATE_EPOCH"), "{}", run.stderr);
    assert_eq!(site.run(["check", "--today", "2024-13-01"]).status, 2);
}

// ---- the repository's own site ----------------------------------------------

fn own_site(today: &str) -> SiteTest {
    let mut site = SiteTest::repository();
    site.today(today);
    site
}

#[test]
fn the_repository_site_passes_check() {
    let site = own_site("2026-11-24");
    let report = site.check();
    assert_eq!(report.status, 0, "{report}");
    assert_eq!(
        (report["errors"].as_u64(), report["warnings"].as_u64()),
        (Some(0), Some(0)),
        "{report}"
    );
    let run = site.run(["check", "--deny-warnings"]);
    assert_eq!(
        (run.status, run.stdout.as_str()),
        (0, "0 errors, 0 warnings\n")
    );
    let run = site.run(["check", "--format", "github"]);
    assert_eq!((run.status, run.stdout.as_str()), (0, ""));
}

#[test]
fn the_repository_site_after_its_next_slot_gives_valid_annotations() {
    // 2027-03-02 is the next slot; by 2027-03-20 its window has closed.
    let run = own_site("2027-03-20").run(["check", "--format", "github"]);
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
    let run = SiteTest::repository().run(["schema"]);
    assert_eq!(run.status, 0);
    let schema = run.json();
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
