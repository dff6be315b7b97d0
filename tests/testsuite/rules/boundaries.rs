//! The rules' boundaries, on the good fixture changed a line or two at a
//! time: windows and soak, notice and missed slots are inclusive where
//! SPEC 5 says so, and the fields each rule reads.

use super::{E, FINAL, SKIP, STREAM_BUILD, V, build, versioned};
use crate::prelude::*;

const FINAL_ID: &str = "m/versioned/1.0.0";
const RC1_ID: &str = "m/versioned/1.0.0-rc.1";
const SKIP_ID: &str = "m/versioned/skip-2024-04-15";
const STREAM_ID: &str = "m/stream/2024-05-01";
const PLANNED: &str = "version: 1.1.0\ndate: 2024-07-15\nsummary: Next.\nstatus: planned\n";

#[test]
fn a_window_is_inclusive_at_both_ends() {
    // Slot 2024-01-15 with window_days = 14: [2024-01-01, 2024-01-29].
    let mut site = SiteTest::good();
    site.manifest(FINAL_ID, "date: 2024-01-29")
        .check()
        .assert_clean();
    let report = site.manifest(FINAL_ID, "date: 2024-01-30").check();
    assert_eq!(report.status, 1);
    assert_eq!(report.with_code("off-schedule")[0]["file"], FINAL);
    // The slot it no longer fulfils is missed.
    assert_eq!(report.with_code("slot-missed").len(), 1);

    let mut site = SiteTest::good();
    site.manifest(RC1_ID, "date: 2023-12-20")
        .manifest(FINAL_ID, "date: 2024-01-01");
    assert_eq!(site.check().status, 0);
    let report = site.manifest(FINAL_ID, "date: 2023-12-31").check();
    assert!(report.has("off-schedule"), "{report}");
}

#[test]
fn a_candidate_exactly_soak_days_older_has_soaked() {
    let mut site = SiteTest::good();
    let report = site.manifest(RC1_ID, "date: 2024-01-08").check();
    assert_eq!(report.status, 0, "7 days before the final");
    let report = site.manifest(RC1_ID, "date: 2024-01-09").check();
    assert_eq!(report.codes(), ["candidate-soak"]);
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
    SiteTest::good()
        .manifest(
            "m/versioned/1.0.0-rc.2",
            &format!(
                "version: 1.0.0-rc.2\ndate: 2024-01-03\nsummary: Second.\nrevision: {}",
                "4".repeat(40)
            ),
        )
        .check()
        .assert_findings(1, &[("promote-revision", E, FINAL, Some(4))]);
}

#[test]
fn a_skip_announced_exactly_skip_notice_days_before_is_on_time() {
    let mut site = SiteTest::good();
    assert_eq!(
        site.manifest(SKIP_ID, "announced: 2024-04-08")
            .check()
            .status,
        0
    );
    site.manifest(SKIP_ID, "announced: 2024-04-09")
        .check()
        .assert_findings(1, &[("skip-late", E, SKIP, Some(3))]);
}

#[test]
fn a_slot_is_missed_only_after_its_last_day() {
    let mut site = SiteTest::good();
    site.remove(SKIP).remove(STREAM_BUILD);
    // 2024-04-29 is the window's last day: still open, so only a warning.
    let report = site.today("2024-04-29").check();
    assert_eq!(
        (report.status, report.codes()),
        (0, vec!["slot-unplanned".to_string()])
    );
    let report = site.today("2024-04-30").check();
    assert_eq!(report.status, 1);
    assert!(report.has("slot-missed"), "{report}");
    assert!(!report.has("slot-unplanned"), "{report}");
}

#[test]
fn slot_unplanned_when_within_skip_notice_days_or_open() {
    // Default config: window 14 days, notice 7; the window opens first.
    let mut site = SiteTest::good();
    assert_eq!(
        site.today("2024-06-30").check().codes(),
        Vec::<String>::new()
    );
    assert_eq!(site.today("2024-07-01").check().codes(), ["slot-unplanned"]);

    // With 21 days' notice the notice comes first: 2024-06-24 is 21 days
    // before the slot of 2024-07-15.
    let mut site = SiteTest::good();
    site.config("[channels.versioned.schedule]\nskip_notice_days = 21")
        .manifest(SKIP_ID, "announced: 2024-03-20");
    assert_eq!(
        site.today("2024-06-23").check().codes(),
        Vec::<String>::new()
    );
    assert_eq!(site.today("2024-06-24").check().codes(), ["slot-unplanned"]);

    // A planned final in the window, or a skip, plans the slot.
    SiteTest::good()
        .write("releases/m/versioned/1.1.0.yaml", PLANNED)
        .today("2024-07-10")
        .check()
        .assert_clean();
    let report = SiteTest::good()
        .manifest(
            "m/versioned/skip-2024-07-15",
            "kind: skip\nslot: 2024-07-15\nannounced: 2024-07-01\nreason: No GPUs.",
        )
        .today("2024-07-10")
        .check();
    assert_eq!(report.status, 0);
    assert_eq!(report.codes(), Vec::<String>::new());
}

#[test]
fn today_is_not_in_the_future_and_planned_today_has_not_passed() {
    let mut site = SiteTest::good();
    site.manifest(
        "m/stream/2024-06-01",
        &format!(
            "version: 2024-06-01\ndate: 2024-06-01\nsummary: Today.\nrevision: {}",
            "5".repeat(40)
        ),
    )
    .write("releases/m/versioned/1.1.0.yaml", PLANNED);
    assert_eq!(site.check().status, 0);
    // A planned release dated today is fine; the day after, it has passed.
    assert_eq!(
        site.today("2024-07-15").check().codes(),
        Vec::<String>::new()
    );
    site.today("2024-07-16").check().assert_findings(
        1,
        &[(
            "planned-past",
            E,
            "releases/m/versioned/1.1.0.yaml",
            Some(2),
        )],
    );
    // A skip announced after today is in the future.
    site.manifest(
        "m/versioned/skip-2024-10-15",
        "kind: skip\nslot: 2024-10-15\nannounced: 2024-07-17\nreason: Later.",
    );
    site.today("2024-07-15").check().assert_findings(
        1,
        &[(
            "future-date",
            E,
            "releases/m/versioned/skip-2024-10-15.yaml",
            Some(3),
        )],
    );
}

#[test]
fn month_steps_clamp_to_the_last_day() {
    // Monthly from 2023-12-31: 2024-01-31, 2024-02-29, 2024-03-31, ...
    let mut site = SiteTest::good();
    site.config(
        "[channels.versioned.schedule]\nevery = \"1 month\"\nstart = 2023-12-31\nwindow_days = 3",
    );
    for f in ["1.0.0-rc.1.yaml", "1.0.0.yaml", "skip-2024-04-15.yaml"] {
        site.remove(&format!("releases/m/versioned/{f}"));
    }
    let skip =
        |slot: &str| format!("kind: skip\nslot: {slot}\nannounced: 2023-12-01\nreason: Paused.\n");
    for slot in [
        "2023-12-31",
        "2024-01-31",
        "2024-02-29",
        "2024-03-31",
        "2024-04-30",
        "2024-05-31",
    ] {
        site.manifest(&format!("m/versioned/skip-{slot}"), &skip(slot));
    }
    assert_eq!(site.check()["diagnostics"], serde_json::json!([]));
    site.remove("releases/m/versioned/skip-2024-02-29.yaml")
        .manifest("m/versioned/skip-2024-02-28", &skip("2024-02-28"));
    let report = site.check();
    report.assert_findings(
        1,
        &[
            ("slot-missed", E, V, None),
            (
                "skip-unknown-slot",
                E,
                "releases/m/versioned/skip-2024-02-28.yaml",
                Some(2),
            ),
        ],
    );
    assert_eq!(
        report.with_code("skip-unknown-slot")[0]["help"],
        "the nearest slot is 2024-02-29"
    );
    assert!(
        report.with_code("slot-missed")[0]["message"]
            .as_str()
            .unwrap()
            .contains("2024-02-29")
    );
}

#[test]
fn slots_before_since_do_not_apply() {
    let mut site = SiteTest::good();
    site.remove(FINAL)
        .remove("releases/m/versioned/1.0.0-rc.1.yaml");
    assert_eq!(
        site.check().codes(),
        ["slot-missed"],
        "2024-01-15 applies without since"
    );
    site.config("[models.m]\nsince = 2024-03-01");
    assert_eq!(site.check().status, 0);
    let report = site
        .manifest(
            "m/versioned/skip-2024-01-15",
            "kind: skip\nslot: 2024-01-15\nannounced: 2024-01-01\nreason: Before.",
        )
        .check();
    let d = report.with_code("skip-unknown-slot");
    assert_eq!(d.len(), 1, "{report}");
    assert!(
        d[0]["message"].as_str().unwrap().contains("since"),
        "{report}"
    );
}

#[test]
fn patch_releases_are_not_scheduled() {
    // 1.0.1 outside every window is not off-schedule, and inside the
    // skipped slot's window it does not conflict with the skip.
    for date in ["2024-03-01", "2024-04-15"] {
        let report = SiteTest::good()
            .manifest(
                "m/versioned/1.0.1-rc.1",
                &format!(
                    "version: 1.0.1-rc.1\ndate: 2024-02-20\nsummary: Fix.\nrevision: {}",
                    "6".repeat(40)
                ),
            )
            .manifest(
                "m/versioned/1.0.1",
                &format!(
                    "version: 1.0.1\ndate: {date}\nsummary: Fix.\nrevision: {}\nevaluations:\n  mt_bench: 7.1",
                    "6".repeat(40)
                ),
            )
            .check();
        assert_eq!(report.status, 0, "1.0.1 on {date}: {report}");
    }
}

#[test]
fn a_new_line_may_not_start_before_an_older_line() {
    let report = SiteTest::good()
        .manifest(
            "m/versioned/1.1.0-rc.1",
            &format!(
                "version: 1.1.0-rc.1\ndate: 2023-12-01\nsummary: Early.\nrevision: {}",
                "7".repeat(40)
            ),
        )
        .check();
    assert_eq!(report.codes(), ["version-order"]);
    assert!(
        report["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .contains("line 1.0")
    );
}

#[test]
fn yanked_releases() {
    let mut site = SiteTest::good();
    site.edit(
        FINAL,
        "summary: First release.",
        "summary: First release.\nstatus: yanked\nyanked:\n  date: 2024-02-01\n  reason: Broken tokenizer.",
    );
    assert_eq!(
        site.check().status,
        0,
        "a yanked final still fulfils its slot"
    );
    // Dated after that today: the yank, the skip's announcement and the
    // stream build.
    assert_eq!(
        site.today("2024-01-20").check().codes(),
        ["future-date", "future-date", "future-date"]
    );

    SiteTest::good()
        .edit(
            FINAL,
            "summary: First release.",
            "summary: First release.\nstatus: yanked",
        )
        .check()
        .assert_findings(1, &[("schema", E, FINAL, Some(4))]);
    SiteTest::good()
        .edit(
            FINAL,
            "summary: First release.",
            "summary: First release.\nyanked:\n  date: 2024-02-01\n  reason: x",
        )
        .check()
        .assert_findings(1, &[("schema", E, FINAL, Some(5))]);
}

#[test]
fn a_channel_the_model_does_not_publish_on() {
    let report = SiteTest::good()
        .config("[channels.nightly]\nversioning = \"date\"\ntag = \"n-{compact}\"")
        .manifest("m/nightly/2024-05-02", &build("2024-05-02", '2'))
        .check();
    let d = report.with_code("unknown-channel");
    assert_eq!(report.codes(), ["unknown-channel"]);
    assert!(
        d[0]["message"]
            .as_str()
            .unwrap()
            .contains("does not publish on")
    );
}

#[test]
fn content_slugs_may_not_collide() {
    let mut site = SiteTest::good();
    for slug in ["m", "stream", "schedule"] {
        site.write(&format!("content/{slug}.md"), "---\ntitle: X\n---\n");
    }
    site.write("content/notes.md", "No front matter.\n");
    site.check().assert_findings(
        1,
        &[
            ("content", E, "content/m.md", None),
            ("content", E, "content/notes.md", Some(1)),
            ("content", E, "content/schedule.md", None),
            ("content", E, "content/stream.md", None),
        ],
    );
}

#[test]
fn config_errors_exit_2() {
    SiteTest::good()
        .remove("cadence.toml")
        .check()
        .assert_findings(2, &[("config", E, "cadence.toml", None)]);

    let report = SiteTest::good()
        .edit("cadence.toml", "[models.m]", "[models.api]")
        .edit("cadence.toml", "[models.m.repos]", "[models.api.repos]")
        .check();
    assert_eq!(report.status, 2);
    assert!(
        report.with_code("config")[0]["message"]
            .as_str()
            .unwrap()
            .contains("reserved")
    );
}

#[test]
fn artifact_fields() {
    let report = SiteTest::good()
        .edit(
            STREAM_BUILD,
            "summary: A stream build.\n",
            "summary: A stream build.\nartifacts:\n  - format: safetensors\n    file: ../model.safetensors\n  - format: other\n    file: /etc/passwd\n    size: 0\n    sha256: abc\n",
        )
        .check();
    let lines: Vec<_> = report
        .with_code("artifact")
        .iter()
        .map(|d| d["line"].as_u64().unwrap())
        .collect();
    assert_eq!(report.codes().len(), 4, "{report}");
    assert_eq!(lines, [6, 8, 9, 10], "file, file, size, sha256");
}

#[test]
fn revisions() {
    let report = SiteTest::good()
        .edit(
            STREAM_BUILD,
            &format!("revision: {}\n", "2".repeat(40)),
            "taxonomy_commit: abc\n",
        )
        .check();
    assert_eq!(
        report.codes(),
        ["revision-format", "revision-format"],
        "missing revision, short taxonomy_commit"
    );
    // A planned release needs no revision.
    let report = SiteTest::good()
        .write("releases/m/versioned/1.1.0.yaml", PLANNED)
        .check();
    assert_eq!(report.status, 0);
}

#[test]
fn dates_with_offsets_are_taken_in_utc() {
    let mut site = SiteTest::good();
    site.manifest(STREAM_ID, "date: 2024-05-01T23:30:00+02:00");
    assert_eq!(site.check().status, 0);
    site.edit(STREAM_BUILD, "+02:00", "-02:00")
        .check()
        .assert_findings(1, &[("version-format", E, STREAM_BUILD, Some(1))]);
}

#[test]
fn stream_versions_and_skips_without_a_schedule() {
    let mut site = SiteTest::good();
    site.manifest(
        "m/stream/2024-05-01.2",
        &format!(
            "version: 2024-05-01.2\ndate: 2024-05-01\nsummary: Second.\nrevision: {}",
            "8".repeat(40)
        ),
    );
    assert_eq!(site.check().status, 0, "the second build of a day is .2");
    site.manifest(
        "m/stream/2024-05-01.1",
        &format!(
            "version: 2024-05-01.1\ndate: 2024-05-01\nsummary: x\nrevision: {}",
            "9".repeat(40)
        ),
    )
    .manifest(
        "m/stream/skip-2024-05-15",
        "kind: skip\nslot: 2024-05-15\nannounced: 2024-05-01\nreason: x",
    );
    site.check().assert_findings(
        1,
        &[
            (
                "version-format",
                E,
                "releases/m/stream/2024-05-01.1.yaml",
                Some(1),
            ),
            (
                "version-format",
                E,
                "releases/m/stream/skip-2024-05-15.yaml",
                Some(2),
            ),
        ],
    );
}

#[test]
fn a_final_without_a_gated_metric_fails_the_gate() {
    let report = SiteTest::good()
        .edit(FINAL, "evaluations:\n  mt_bench: 7.2\n", "")
        .check();
    assert_eq!(report.codes(), ["gate"]);
    assert_eq!(
        report["diagnostics"][0]["help"],
        "add `mt_bench: <score>` under `evaluations`"
    );
    // Exactly the minimum passes.
    let report = SiteTest::good()
        .manifest(FINAL_ID, "evaluations:\n  mt_bench: 7.0")
        .check();
    assert_eq!(report.status, 0);
}

/// The helpers of the rule fixtures write what they say.
#[test]
fn the_fault_helpers_write_the_good_fixtures_shape() {
    let good = SiteTest::good();
    assert_eq!(
        versioned("1.0.0", "2024-01-15", '1').replace("Release 1.0.0.", "First release."),
        good.read(FINAL)
    );
    assert_eq!(
        build("2024-05-01", '2'),
        good.read("releases/m/stream/2024-05-01.yaml")
    );
}
