//! One integration test per cadence rule of SPEC 5: each runs the binary on
//! the rule's fixture site under `tests/fixtures/rules/<code>/` (the `_good`
//! site plus one fault) and checks the code, severity, file, line and exit
//! status. Then the rules' boundaries, on copies of `_good` changed in a
//! temporary folder, and a site with ten faults in ten files.

mod common;

use common::{Site, TODAY, check_json, codes, fixture, summary, with_code};

const E: &str = "error";
const W: &str = "warning";

/// Run `check --format json` on fixture `name` and compare every finding's
/// (code, severity, file, line) and the exit status.
fn expect(name: &str, today: &str, status: i32, want: &[(&str, &str, &str, Option<u64>)]) {
    let (got_status, report) = check_json(&fixture(name), today, &[]);
    let got = summary(&report);
    let want: Vec<_> = want
        .iter()
        .map(|(c, s, f, l)| (c.to_string(), s.to_string(), f.to_string(), *l))
        .collect();
    assert_eq!(got, want, "fixture {name}:\n{report:#}");
    assert_eq!(got_status, status, "exit status of fixture {name}");
}

const V: &str = "releases/m/versioned/";
const STREAM_BUILD: &str = "releases/m/stream/2024-05-01.yaml";

#[test]
fn the_good_fixture_is_clean() {
    expect("_good", TODAY, 0, &[]);
}

#[test]
fn yaml_syntax() {
    expect(
        "yaml-syntax",
        TODAY,
        1,
        &[("yaml-syntax", E, STREAM_BUILD, Some(2))],
    );
    let (_, report) = check_json(&fixture("yaml-syntax"), TODAY, &[]);
    // The column of the second `:` on `date: 2024-05-01: noon`.
    assert_eq!(report["diagnostics"][0]["column"], 17);
}

#[test]
fn schema() {
    expect(
        "schema",
        TODAY,
        1,
        &[
            ("schema", E, STREAM_BUILD, Some(1)),
            ("schema", E, STREAM_BUILD, Some(3)),
        ],
    );
    let (_, report) = check_json(&fixture("schema"), TODAY, &[]);
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
    expect(
        "config",
        TODAY,
        2,
        &[("config", E, "cadence.toml", Some(18))],
    );
    let (_, report) = check_json(&fixture("config"), TODAY, &[]);
    assert_eq!(
        report["diagnostics"][0]["help"],
        "did you mean `window_days`?"
    );
}

#[test]
fn unknown_model() {
    expect(
        "unknown-model",
        TODAY,
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
        TODAY,
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
    expect(
        "file-name",
        TODAY,
        1,
        &[("file-name", E, "releases/m/stream/2024-05-03.yaml", Some(1))],
    );
    let (_, report) = check_json(&fixture("file-name"), TODAY, &[]);
    assert_eq!(
        report["diagnostics"][0]["help"],
        "rename the file to `2024-05-02.yaml`"
    );
}

#[test]
fn version_format() {
    expect(
        "version-format",
        TODAY,
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
        TODAY,
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
    let site = Site::copy_of("_good");
    site.write(
        "releases/m/versioned/0.9.0.yaml",
        format!(
            "version: 1.0.0\ndate: 2024-01-16\nsummary: Again.\nrevision: {}\nevaluations:\n  mt_bench: 7.2\n",
            "1".repeat(40)
        ),
    );
    let (_, report) = site.check(TODAY);
    let d = with_code(&report, "duplicate-version");
    assert_eq!(d.len(), 1, "{report:#}");
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
        TODAY,
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
        TODAY,
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
        TODAY,
        1,
        &[
            (
                "candidate-after-final",
                E,
                "releases/m/versioned/1.0.0-rc.2.yaml",
                Some(2),
            ),
            (
                "candidate-soak",
                E,
                "releases/m/versioned/1.0.0.yaml",
                Some(2),
            ),
        ],
    );
}

#[test]
fn candidate_soak() {
    expect(
        "candidate-soak",
        TODAY,
        1,
        &[(
            "candidate-soak",
            E,
            "releases/m/versioned/1.0.0.yaml",
            Some(2),
        )],
    );
}

#[test]
fn promote_revision() {
    expect(
        "promote-revision",
        TODAY,
        1,
        &[(
            "promote-revision",
            E,
            "releases/m/versioned/1.0.0.yaml",
            Some(4),
        )],
    );
}

#[test]
fn gate() {
    expect(
        "gate",
        TODAY,
        1,
        &[("gate", E, "releases/m/versioned/1.0.0.yaml", Some(6))],
    );
}

#[test]
fn off_schedule() {
    expect(
        "off-schedule",
        TODAY,
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
    expect("slot-missed", TODAY, 1, &[("slot-missed", E, V, None)]);
    let (_, report) = check_json(&fixture("slot-missed"), TODAY, &[]);
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
        TODAY,
        1,
        &[(
            "slot-conflict",
            E,
            "releases/m/versioned/skip-2024-04-15.yaml",
            Some(2),
        )],
    );
}

#[test]
fn skip_unknown_slot() {
    expect(
        "skip-unknown-slot",
        TODAY,
        1,
        &[(
            "skip-unknown-slot",
            E,
            "releases/m/versioned/skip-2024-07-16.yaml",
            Some(2),
        )],
    );
    let (_, report) = check_json(&fixture("skip-unknown-slot"), TODAY, &[]);
    assert_eq!(
        report["diagnostics"][0]["help"],
        "the nearest slot is 2024-07-15"
    );
}

#[test]
fn skip_late() {
    expect(
        "skip-late",
        TODAY,
        1,
        &[(
            "skip-late",
            E,
            "releases/m/versioned/skip-2024-04-15.yaml",
            Some(3),
        )],
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
    let (status, report) = check_json(
        &fixture("slot-unplanned"),
        "2024-07-10",
        &["--deny-warnings"],
    );
    assert_eq!(status, 1, "--deny-warnings fails on a warning");
    assert_eq!(report["warnings"], 1);
}

#[test]
fn future_date() {
    expect(
        "future-date",
        TODAY,
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
        TODAY,
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
        TODAY,
        1,
        &[("revision-format", E, STREAM_BUILD, Some(4))],
    );
}

#[test]
fn taxonomy_date() {
    expect(
        "taxonomy-date",
        TODAY,
        1,
        &[("taxonomy-date", E, STREAM_BUILD, Some(5))],
    );
}

#[test]
fn tag_format() {
    expect(
        "tag-format",
        TODAY,
        1,
        &[("tag-format", E, STREAM_BUILD, Some(1))],
    );
}

#[test]
fn tag_collision() {
    // v{major}.{minor}.{patch} renders v1.0.0 for 1.0.0-rc.1 and 1.0.0.
    expect(
        "tag-collision",
        TODAY,
        1,
        &[(
            "tag-collision",
            E,
            "releases/m/versioned/1.0.0.yaml",
            Some(1),
        )],
    );
}

#[test]
fn artifact() {
    expect(
        "artifact",
        TODAY,
        1,
        &[("artifact", E, STREAM_BUILD, Some(6))],
    );
    let (_, report) = check_json(&fixture("artifact"), TODAY, &[]);
    assert_eq!(
        report["diagnostics"][0]["column"], 5,
        "the artifact's first key"
    );
}

#[test]
fn content() {
    expect(
        "content",
        TODAY,
        1,
        &[("content", E, "content/about.md", Some(3))],
    );
}

#[test]
fn unsafe_path() {
    // A manifest that links to a file outside the site (here, another
    // fixture's): never read, so no other finding about it.
    expect(
        "unsafe-path",
        TODAY,
        1,
        &[("unsafe-path", E, "releases/m/stream/2024-05-02.yaml", None)],
    );
}

// ---- boundaries -------------------------------------------------------------

const FINAL: &str = "releases/m/versioned/1.0.0.yaml";
const RC1: &str = "releases/m/versioned/1.0.0-rc.1.yaml";
const SKIP: &str = "releases/m/versioned/skip-2024-04-15.yaml";

fn has(report: &serde_json::Value, code: &str) -> bool {
    codes(report).iter().any(|c| c == code)
}

#[test]
fn a_window_is_inclusive_at_both_ends() {
    // Slot 2024-01-15 with window_days = 14: [2024-01-01, 2024-01-29].
    let site = Site::copy_of("_good");
    site.edit(FINAL, "date: 2024-01-15", "date: 2024-01-29");
    assert_eq!(
        site.check(TODAY),
        (
            0,
            serde_json::json!({"diagnostics": [], "errors": 0, "warnings": 0})
        )
    );
    site.edit(FINAL, "date: 2024-01-29", "date: 2024-01-30");
    let (status, report) = site.check(TODAY);
    assert_eq!(status, 1);
    assert_eq!(with_code(&report, "off-schedule")[0]["file"], FINAL);
    // The slot it no longer fulfils is missed.
    assert_eq!(with_code(&report, "slot-missed").len(), 1);

    let site = Site::copy_of("_good");
    site.edit(RC1, "date: 2024-01-02", "date: 2023-12-20");
    site.edit(FINAL, "date: 2024-01-15", "date: 2024-01-01");
    assert_eq!(site.check(TODAY).0, 0);
    site.edit(FINAL, "date: 2024-01-01", "date: 2023-12-31");
    let (_, report) = site.check(TODAY);
    assert!(has(&report, "off-schedule"), "{report:#}");
}

#[test]
fn a_candidate_exactly_soak_days_older_has_soaked() {
    let site = Site::copy_of("_good");
    site.edit(RC1, "date: 2024-01-02", "date: 2024-01-08");
    assert_eq!(site.check(TODAY).0, 0, "7 days before the final");
    site.edit(RC1, "date: 2024-01-08", "date: 2024-01-09");
    let (_, report) = site.check(TODAY);
    assert_eq!(codes(&report), ["candidate-soak"]);
    assert!(
        report["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .contains("6 days")
    );
}

#[test]
fn the_last_candidate_is_the_highest_rc() {
    // rc.2 carries another revision and is the last candidate, even though
    // rc.1 has the final's revision.
    let site = Site::copy_of("_good");
    site.write(
        "releases/m/versioned/1.0.0-rc.2.yaml",
        format!(
            "version: 1.0.0-rc.2\ndate: 2024-01-03\nsummary: Second.\nrevision: {}\n",
            "4".repeat(40)
        ),
    );
    let (_, report) = site.check(TODAY);
    assert_eq!(
        summary(&report),
        [("promote-revision".into(), E.into(), FINAL.into(), Some(4))]
    );
}

#[test]
fn a_skip_announced_exactly_skip_notice_days_before_is_on_time() {
    let site = Site::copy_of("_good");
    site.edit(SKIP, "announced: 2024-04-01", "announced: 2024-04-08");
    assert_eq!(site.check(TODAY).0, 0);
    site.edit(SKIP, "announced: 2024-04-08", "announced: 2024-04-09");
    let (_, report) = site.check(TODAY);
    assert_eq!(
        summary(&report),
        [("skip-late".into(), E.into(), SKIP.into(), Some(3))]
    );
}

#[test]
fn a_slot_is_missed_only_after_its_last_day() {
    let site = Site::copy_of("_good");
    site.remove(SKIP).remove(STREAM_BUILD);
    // 2024-04-29 is the window's last day: still open, so only a warning.
    let (status, report) = site.check("2024-04-29");
    assert_eq!(
        (status, codes(&report)),
        (0, vec!["slot-unplanned".to_string()])
    );
    let (status, report) = site.check("2024-04-30");
    assert_eq!(status, 1);
    assert!(has(&report, "slot-missed"), "{report:#}");
    assert!(!has(&report, "slot-unplanned"), "{report:#}");
}

#[test]
fn slot_unplanned_when_within_skip_notice_days_or_open() {
    // Default config: window 14 days, notice 7; the window opens first.
    let site = Site::copy_of("_good");
    assert_eq!(codes(&site.check("2024-06-30").1), Vec::<String>::new());
    assert_eq!(codes(&site.check("2024-07-01").1), ["slot-unplanned"]);

    // With 21 days' notice the notice comes first: 2024-06-24 is 21 days
    // before the slot of 2024-07-15.
    let site = Site::copy_of("_good");
    site.edit(
        "cadence.toml",
        "skip_notice_days = 7",
        "skip_notice_days = 21",
    );
    site.edit(SKIP, "announced: 2024-04-01", "announced: 2024-03-20");
    assert_eq!(codes(&site.check("2024-06-23").1), Vec::<String>::new());
    assert_eq!(codes(&site.check("2024-06-24").1), ["slot-unplanned"]);

    // A planned final in the window, or a skip, plans the slot.
    let site = Site::copy_of("_good");
    site.write(
        "releases/m/versioned/1.1.0.yaml",
        "version: 1.1.0\ndate: 2024-07-15\nsummary: Next.\nstatus: planned\n",
    );
    assert_eq!(
        site.check("2024-07-10"),
        (
            0,
            serde_json::json!({"diagnostics": [], "errors": 0, "warnings": 0})
        )
    );
    let site = Site::copy_of("_good");
    site.write(
        "releases/m/versioned/skip-2024-07-15.yaml",
        "kind: skip\nslot: 2024-07-15\nannounced: 2024-07-01\nreason: No GPUs.\n",
    );
    assert_eq!(site.check("2024-07-10").0, 0);
    assert_eq!(codes(&site.check("2024-07-10").1), Vec::<String>::new());
}

#[test]
fn today_is_not_in_the_future_and_planned_today_has_not_passed() {
    let site = Site::copy_of("_good");
    site.write(
        "releases/m/stream/2024-06-01.yaml",
        format!(
            "version: 2024-06-01\ndate: 2024-06-01\nsummary: Today.\nrevision: {}\n",
            "5".repeat(40)
        ),
    );
    site.write(
        "releases/m/versioned/1.1.0.yaml",
        "version: 1.1.0\ndate: 2024-07-15\nsummary: Next.\nstatus: planned\n",
    );
    assert_eq!(site.check(TODAY).0, 0);
    // A planned release dated today is fine; the day after, it has passed.
    assert_eq!(codes(&site.check("2024-07-15").1), Vec::<String>::new());
    let (_, report) = site.check("2024-07-16");
    assert_eq!(
        summary(&report),
        [(
            "planned-past".into(),
            E.into(),
            "releases/m/versioned/1.1.0.yaml".into(),
            Some(2)
        )]
    );
    // A skip announced after today is in the future.
    site.write(
        "releases/m/versioned/skip-2024-10-15.yaml",
        "kind: skip\nslot: 2024-10-15\nannounced: 2024-07-17\nreason: Later.\n",
    );
    let (_, report) = site.check("2024-07-15");
    assert_eq!(
        summary(&report),
        [(
            "future-date".into(),
            E.into(),
            "releases/m/versioned/skip-2024-10-15.yaml".into(),
            Some(3)
        )]
    );
}

#[test]
fn month_steps_clamp_to_the_last_day() {
    // Monthly from 2023-12-31: 2024-01-31, 2024-02-29, 2024-03-31, ...
    let site = Site::copy_of("_good");
    site.edit(
        "cadence.toml",
        "every = \"3 months\"",
        "every = \"1 month\"",
    );
    site.edit("cadence.toml", "start = 2024-01-15", "start = 2023-12-31");
    site.edit("cadence.toml", "window_days = 14", "window_days = 3");
    for f in ["1.0.0-rc.1.yaml", "1.0.0.yaml", "skip-2024-04-15.yaml"] {
        site.remove(&format!("releases/m/versioned/{f}"));
    }
    let slots = [
        "2023-12-31",
        "2024-01-31",
        "2024-02-29",
        "2024-03-31",
        "2024-04-30",
        "2024-05-31",
    ];
    for slot in slots {
        site.write(
            &format!("releases/m/versioned/skip-{slot}.yaml"),
            format!("kind: skip\nslot: {slot}\nannounced: 2023-12-01\nreason: Paused.\n"),
        );
    }
    assert_eq!(site.check(TODAY).1["diagnostics"], serde_json::json!([]));
    site.remove("releases/m/versioned/skip-2024-02-29.yaml");
    site.write(
        "releases/m/versioned/skip-2024-02-28.yaml",
        "kind: skip\nslot: 2024-02-28\nannounced: 2023-12-01\nreason: Paused.\n",
    );
    let (_, report) = site.check(TODAY);
    assert_eq!(
        summary(&report),
        [
            ("slot-missed".into(), E.into(), V.into(), None),
            (
                "skip-unknown-slot".into(),
                E.into(),
                "releases/m/versioned/skip-2024-02-28.yaml".into(),
                Some(2)
            ),
        ]
    );
    assert_eq!(
        with_code(&report, "skip-unknown-slot")[0]["help"],
        "the nearest slot is 2024-02-29"
    );
    assert!(
        with_code(&report, "slot-missed")[0]["message"]
            .as_str()
            .unwrap()
            .contains("2024-02-29")
    );
}

#[test]
fn slots_before_since_do_not_apply() {
    let site = Site::copy_of("_good");
    site.remove(FINAL).remove(RC1);
    let (_, report) = site.check(TODAY);
    assert_eq!(
        codes(&report),
        ["slot-missed"],
        "2024-01-15 applies without since"
    );
    site.edit(
        "cadence.toml",
        "title = \"M\"",
        "title = \"M\"\nsince = 2024-03-01",
    );
    assert_eq!(site.check(TODAY).0, 0);
    site.write(
        "releases/m/versioned/skip-2024-01-15.yaml",
        "kind: skip\nslot: 2024-01-15\nannounced: 2024-01-01\nreason: Before.\n",
    );
    let (_, report) = site.check(TODAY);
    let d = with_code(&report, "skip-unknown-slot");
    assert_eq!(d.len(), 1, "{report:#}");
    assert!(
        d[0]["message"].as_str().unwrap().contains("since"),
        "{report:#}"
    );
}

#[test]
fn patch_releases_are_not_scheduled() {
    // 1.0.1 outside every window is not off-schedule, and inside the
    // skipped slot's window it does not conflict with the skip.
    for date in ["2024-03-01", "2024-04-15"] {
        let site = Site::copy_of("_good");
        site.write(
            "releases/m/versioned/1.0.1-rc.1.yaml",
            format!(
                "version: 1.0.1-rc.1\ndate: 2024-02-20\nsummary: Fix.\nrevision: {}\n",
                "6".repeat(40)
            ),
        );
        site.write(
            "releases/m/versioned/1.0.1.yaml",
            format!(
                "version: 1.0.1\ndate: {date}\nsummary: Fix.\nrevision: {}\nevaluations:\n  mt_bench: 7.1\n",
                "6".repeat(40)
            ),
        );
        let (status, report) = site.check(TODAY);
        assert_eq!(status, 0, "1.0.1 on {date}: {report:#}");
    }
}

#[test]
fn a_new_line_may_not_start_before_an_older_line() {
    let site = Site::copy_of("_good");
    site.write(
        "releases/m/versioned/1.1.0-rc.1.yaml",
        format!(
            "version: 1.1.0-rc.1\ndate: 2023-12-01\nsummary: Early.\nrevision: {}\n",
            "7".repeat(40)
        ),
    );
    let (_, report) = site.check(TODAY);
    assert_eq!(codes(&report), ["version-order"]);
    assert!(
        report["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .contains("line 1.0")
    );
}

#[test]
fn yanked_releases() {
    let site = Site::copy_of("_good");
    site.edit(FINAL, "summary: First release.", "summary: First release.\nstatus: yanked\nyanked:\n  date: 2024-02-01\n  reason: Broken tokenizer.");
    assert_eq!(
        site.check(TODAY).0,
        0,
        "a yanked final still fulfils its slot"
    );
    let (_, report) = site.check("2024-01-20");
    // Dated after that today: the yank, the skip's announcement and the
    // stream build.
    assert_eq!(
        codes(&report),
        ["future-date", "future-date", "future-date"]
    );

    let site = Site::copy_of("_good");
    site.edit(
        FINAL,
        "summary: First release.",
        "summary: First release.\nstatus: yanked",
    );
    let (_, report) = site.check(TODAY);
    assert_eq!(
        summary(&report),
        [("schema".into(), E.into(), FINAL.into(), Some(4))]
    );
    let site = Site::copy_of("_good");
    site.edit(
        FINAL,
        "summary: First release.",
        "summary: First release.\nyanked:\n  date: 2024-02-01\n  reason: x",
    );
    let (_, report) = site.check(TODAY);
    assert_eq!(
        summary(&report),
        [("schema".into(), E.into(), FINAL.into(), Some(5))]
    );
}

#[test]
fn a_channel_the_model_does_not_publish_on() {
    let site = Site::copy_of("_good");
    site.edit(
        "cadence.toml",
        "[models.m]",
        "[channels.nightly]\nversioning = \"date\"\ntag = \"n-{compact}\"\n\n[models.m]",
    );
    site.write(
        "releases/m/nightly/2024-05-02.yaml",
        format!(
            "version: 2024-05-02\ndate: 2024-05-02\nsummary: x\nrevision: {}\n",
            "2".repeat(40)
        ),
    );
    let (_, report) = site.check(TODAY);
    let d = with_code(&report, "unknown-channel");
    assert_eq!(codes(&report), ["unknown-channel"]);
    assert!(
        d[0]["message"]
            .as_str()
            .unwrap()
            .contains("does not publish on")
    );
}

#[test]
fn content_slugs_may_not_collide() {
    let site = Site::copy_of("_good");
    for slug in ["m", "stream", "schedule"] {
        site.write(&format!("content/{slug}.md"), "---\ntitle: X\n---\n");
    }
    site.write("content/notes.md", "No front matter.\n");
    let (_, report) = site.check(TODAY);
    assert_eq!(
        summary(&report),
        [
            ("content".into(), E.into(), "content/m.md".into(), None),
            (
                "content".into(),
                E.into(),
                "content/notes.md".into(),
                Some(1)
            ),
            (
                "content".into(),
                E.into(),
                "content/schedule.md".into(),
                None
            ),
            ("content".into(), E.into(), "content/stream.md".into(), None),
        ]
    );
}

#[test]
fn config_errors_exit_2() {
    let site = Site::copy_of("_good");
    site.remove("cadence.toml");
    let (status, report) = site.check(TODAY);
    assert_eq!(status, 2);
    assert_eq!(
        summary(&report),
        [("config".into(), E.into(), "cadence.toml".into(), None)]
    );

    let site = Site::copy_of("_good");
    site.edit("cadence.toml", "[models.m]", "[models.api]")
        .edit("cadence.toml", "[models.m.repos]", "[models.api.repos]");
    let (status, report) = site.check(TODAY);
    assert_eq!(status, 2);
    assert!(
        with_code(&report, "config")[0]["message"]
            .as_str()
            .unwrap()
            .contains("reserved")
    );
}

#[test]
fn artifact_fields() {
    let site = Site::copy_of("_good");
    site.edit(
        STREAM_BUILD,
        "summary: A stream build.\n",
        "summary: A stream build.\nartifacts:\n  - format: safetensors\n    file: ../model.safetensors\n  - format: other\n    file: /etc/passwd\n    size: 0\n    sha256: abc\n",
    );
    let (_, report) = site.check(TODAY);
    let lines: Vec<_> = with_code(&report, "artifact")
        .iter()
        .map(|d| d["line"].as_u64().unwrap())
        .collect();
    assert_eq!(codes(&report).len(), 4, "{report:#}");
    assert_eq!(lines, [6, 8, 9, 10], "file, file, size, sha256");
}

#[test]
fn revisions() {
    let site = Site::copy_of("_good");
    site.edit(
        STREAM_BUILD,
        &format!("revision: {}\n", "2".repeat(40)),
        "taxonomy_commit: abc\n",
    );
    let (_, report) = site.check(TODAY);
    assert_eq!(
        codes(&report),
        ["revision-format", "revision-format"],
        "missing revision, short taxonomy_commit"
    );
    // A planned release needs no revision.
    let site = Site::copy_of("_good");
    site.write(
        "releases/m/versioned/1.1.0.yaml",
        "version: 1.1.0\ndate: 2024-07-15\nsummary: Next.\nstatus: planned\n",
    );
    assert_eq!(site.check(TODAY).0, 0);
}

#[test]
fn dates_with_offsets_are_taken_in_utc() {
    let site = Site::copy_of("_good");
    site.edit(
        STREAM_BUILD,
        "date: 2024-05-01",
        "date: 2024-05-01T23:30:00+02:00",
    );
    assert_eq!(site.check(TODAY).0, 0);
    site.edit(STREAM_BUILD, "+02:00", "-02:00");
    let (_, report) = site.check(TODAY);
    assert_eq!(
        summary(&report),
        [(
            "version-format".into(),
            E.into(),
            STREAM_BUILD.into(),
            Some(1)
        )]
    );
}

#[test]
fn stream_versions_and_skips_without_a_schedule() {
    let site = Site::copy_of("_good");
    site.write(
        "releases/m/stream/2024-05-01.2.yaml",
        format!(
            "version: 2024-05-01.2\ndate: 2024-05-01\nsummary: Second.\nrevision: {}\n",
            "8".repeat(40)
        ),
    );
    assert_eq!(site.check(TODAY).0, 0, "the second build of a day is .2");
    site.write(
        "releases/m/stream/2024-05-01.1.yaml",
        format!(
            "version: 2024-05-01.1\ndate: 2024-05-01\nsummary: x\nrevision: {}\n",
            "9".repeat(40)
        ),
    );
    site.write(
        "releases/m/stream/skip-2024-05-15.yaml",
        "kind: skip\nslot: 2024-05-15\nannounced: 2024-05-01\nreason: x\n",
    );
    let (_, report) = site.check(TODAY);
    assert_eq!(
        summary(&report),
        [
            (
                "version-format".into(),
                E.into(),
                "releases/m/stream/2024-05-01.1.yaml".into(),
                Some(1)
            ),
            (
                "version-format".into(),
                E.into(),
                "releases/m/stream/skip-2024-05-15.yaml".into(),
                Some(2)
            ),
        ]
    );
}

#[test]
fn a_final_without_a_gated_metric_fails_the_gate() {
    let site = Site::copy_of("_good");
    site.edit(FINAL, "evaluations:\n  mt_bench: 7.2\n", "");
    let (_, report) = site.check(TODAY);
    assert_eq!(codes(&report), ["gate"]);
    assert_eq!(
        report["diagnostics"][0]["help"],
        "add `mt_bench: <score>` under `evaluations`"
    );
    // Exactly the minimum passes.
    let site = Site::copy_of("_good");
    site.edit(FINAL, "mt_bench: 7.2", "mt_bench: 7.0");
    assert_eq!(site.check(TODAY).0, 0);
}

#[test]
fn ten_faults_in_ten_files_are_all_reported() {
    let site = Site::copy_of("_good");
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
    let (status, report) = site.check(TODAY);
    assert_eq!(status, 1);
    let mut got: Vec<(String, String)> = summary(&report)
        .into_iter()
        .map(|(c, _, f, _)| (c, f))
        .collect();
    got.sort();
    let mut want: Vec<(String, String)> = faults
        .iter()
        .map(|(c, f, _)| (c.to_string(), f.to_string()))
        .collect();
    want.sort();
    assert_eq!(got, want, "{report:#}");
    assert_eq!(report["errors"], 10);
}
