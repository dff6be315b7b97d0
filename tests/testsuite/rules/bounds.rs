//! Schedules a hostile `cadence.toml` or manifest stretches over millennia:
//! a skip or a planned release dated in year 9999 on a daily schedule, a
//! schedule that starts in year 1. The timeline holds only the slots that
//! matter (the past ones, up to a bound; the next few; the ones a manifest
//! names), so check, build and `schedule` stay small and quick, and a
//! schedule with too many past slots is a `config` error naming
//! `cadence.toml` (exit 2).

use super::E;
use crate::prelude::*;

/// The good fixture on a daily schedule from `GOOD_TODAY` (window 0),
/// without the versioned manifests dated before it.
fn daily() -> SiteTest {
    let mut site = SiteTest::good();
    site.config(
        "[channels.versioned.schedule]\nevery = \"1 day\"\nstart = 2024-06-01\nwindow_days = 0",
    )
    .remove("releases/m/versioned");
    site
}

/// The bytes of every file under `dir`.
fn size(dir: &std::path::Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap().metadata().unwrap())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum()
}

#[test]
fn a_skip_in_year_9999_on_a_daily_schedule_builds_a_small_site() {
    let mut site = daily();
    site.write(
        "releases/m/versioned/skip-9999-12-31.yaml",
        "kind: skip\nslot: 9999-12-31\nannounced: 2024-05-01\nreason: Far ahead.\n",
    );
    let report = site.check();
    assert_eq!(report.status, 0, "{report}");
    // The slot of today is open and due: a warning, nothing else.
    assert_eq!(report.codes(), ["slot-unplanned"], "{report}");

    let out = site.build(&[]);
    // Today's slot, the next hundred, and the skipped one: not 2.9 million.
    let schedule: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("api/v1/schedule.json")).unwrap())
            .unwrap();
    let slots = schedule["slots"].as_array().unwrap();
    assert!(slots.len() <= 110, "{} slots", slots.len());
    let last = slots.last().unwrap();
    assert_eq!(last["date"], "9999-12-31");
    assert_eq!(last["state"], "skipped");
    assert!(size(&out) < 5_000_000, "{} bytes of output", size(&out));
    let ics = std::fs::read_to_string(out.join("calendar.ics")).unwrap();
    assert!(ics.contains("DTSTART;VALUE=DATE:99991231"), "{ics}");
    assert!(ics.matches("BEGIN:VEVENT").count() <= 110, "{ics}");

    // `schedule` and `new skip` on a slot that far ahead are as quick.
    let run = site.run(["schedule", "--format", "json"]);
    run.success();
    assert!(run.json()["slots"].as_array().unwrap().len() <= 110);
    let run = site.run(["new", "skip", "m", "--slot", "9999-12-30"]);
    run.success();
    assert!(
        site.path("releases/m/versioned/skip-9999-12-30.yaml")
            .exists()
    );
    let run = site.run(["new", "skip", "m", "--slot", "9999-12-30T"]);
    assert_eq!(run.status, 2, "{}", run.show());
}

#[test]
fn a_planned_release_in_year_9999_fulfils_its_own_slot() {
    let mut site = daily();
    site.manifest(
        "m/versioned/1.0.0",
        "version: 1.0.0\ndate: 9999-12-30\nsummary: Far ahead.\nstatus: planned",
    );
    let report = site.check();
    assert!(!report.has("off-schedule"), "{report}");
    let run = site.run(["schedule", "--format", "json"]);
    run.success();
    let slots = run.json()["slots"].as_array().unwrap().clone();
    assert!(slots.len() <= 110, "{} slots", slots.len());
    let planned: Vec<_> = slots.iter().filter(|s| s["state"] == "planned").collect();
    assert_eq!(planned.len(), 1, "{slots:?}");
    assert_eq!(planned[0]["date"], "9999-12-30");
    assert_eq!(planned[0]["version"], "1.0.0");
}

#[test]
fn a_schedule_from_year_one_is_a_config_error_and_stays_bounded() {
    let mut site = SiteTest::good();
    site.config("[channels.versioned.schedule]\nevery = \"1 day\"\nstart = 0001-01-01");
    // A `config` error: exit 2 (SPEC 5), with every finding listed.
    let report = site.check();
    assert_eq!(report.status, 2);
    let config = report.with_code("config");
    assert_eq!(config.len(), 1, "{report}");
    assert_eq!(config[0]["severity"], E);
    assert_eq!(config[0]["file"], "cadence.toml");
    let line = report.about("cadence.toml")[0].1;
    let text = site.read("cadence.toml");
    let at = text
        .lines()
        .position(|l| l == "[channels.versioned.schedule]")
        .unwrap()
        + 1;
    assert_eq!(line, Some(at as u64), "{report}");
    assert!(
        config[0]["message"].as_str().unwrap().contains("10000"),
        "{report}"
    );
    // Not 739,000 missed slots: at most the kept ones.
    let missed = report.with_code("slot-missed").len();
    assert!((1..=10_000).contains(&missed), "{missed} missed slots");
    // `build` refuses the site with the same finding, writing nothing.
    let run = site.run(["build"]);
    assert_eq!(run.status, 2, "{}", run.show());
    assert!(!site.path("public").exists());
}

#[test]
fn upcoming_is_bounded() {
    let site = SiteTest::good();
    let run = site.run(["schedule", "--upcoming", "1000000000"]);
    assert_eq!(run.status, 2, "{}", run.show());
    assert!(run.stderr.contains("1..=1000"), "{}", run.stderr);
    let run = site.run(["schedule", "--upcoming", "1000", "--format", "json"]);
    run.success();
    let slots = run.json()["slots"].as_array().unwrap().len();
    assert!(slots >= 1000, "{slots}");
}
