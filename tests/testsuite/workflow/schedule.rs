//! `cadence schedule`: the slots and their states, in JSON and for people.

use super::*;

// ---------------------------------------------------------------- schedule

#[test]
fn schedule_json_has_released_skipped_missed_planned_and_open_slots() {
    let mut site = site();
    site.remove(&format!("{VERSIONED}/skip-2025-03-02.yaml"));
    site.remove(&format!("{VERSIONED}/1.1.0-rc.1.yaml"));
    site.write(
        &format!("{VERSIONED}/1.1.0.yaml"),
        "version: 1.1.0\ndate: 2025-09-01\nsummary: Planned.\nstatus: planned\n",
    );
    let run = site.run(["schedule", "--format", "json"]);
    // The missed slot is an error: the schedule still prints, exit 1.
    assert_eq!(run.status, 1, "{run:?}");
    assert!(
        run.stderr.contains("the site has 1 error (slot-missed)"),
        "{}",
        run.stderr
    );
    let got: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let slot = |date: &str, start: &str, end: &str, state: &str, version: Option<&str>| {
        serde_json::json!({
            "model": "granite-7b-lab", "channel": "versioned", "date": date,
            "window_start": start, "window_end": end, "state": state, "version": version,
        })
    };
    let want = serde_json::json!({"slots": [
        slot("2024-09-02", "2024-08-19", "2024-09-16", "released", Some("1.0.0")),
        slot("2024-12-02", "2024-11-18", "2024-12-16", "skipped", None),
        slot("2025-03-02", "2025-02-16", "2025-03-16", "missed", None),
        slot("2025-06-02", "2025-05-19", "2025-06-16", "open", None),
        slot("2025-09-02", "2025-08-19", "2025-09-16", "planned", Some("1.1.0")),
        slot("2025-12-02", "2025-11-18", "2025-12-16", "open", None),
        slot("2026-03-02", "2026-02-16", "2026-03-16", "open", None),
    ]});
    assert_eq!(got["slots"], want["slots"], "{}", run.stdout);
    // Then the major lines, as lines.json shows them (SPEC 10).
    assert_eq!(got["lines"][0]["line"], "1.x", "{}", run.stdout);
    assert_eq!(got["lines"][0]["state"], "current");

    // --upcoming and --model
    let run = site.run(["schedule", "--format", "json", "--upcoming", "6"]);
    let got: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(got["slots"].as_array().unwrap().len(), 9);
    assert_eq!(got["slots"][8]["date"], "2026-09-02");
    let run = site.run(["schedule", "--format", "json", "--model", "nope"]);
    assert_eq!(run.status, 2);
    assert!(run.stderr.contains("`nope` is not a model"));
}

#[test]
fn schedule_human_says_what_the_next_slot_needs() {
    let mut site = site();
    let run = site.run(["schedule"]);
    assert_eq!(run.status, 0, "{run:?}");
    let text = run.stdout;
    for want in [
        "Granite 7B Lab (granite-7b-lab) on versioned: every 3 months from 2024-09-02, window ±14 days, skips announced 7 days ahead",
        "  2024-09-02  2024-08-19 to 2024-09-16  released  1.0.0 (2024-09-02)\n",
        "  2024-12-02  2024-11-18 to 2024-12-16  skipped   announced 2024-11-20\n",
        "  -- today 2025-05-25 --\n  2025-06-02  2025-05-19 to 2025-06-16  open\n",
        "next: 2025-06-02 (in 8 days) needs a release dated 2025-05-19 to 2025-06-16 (`cadence new release granite-7b-lab versioned`), or a skip announced by 2025-05-26 (`cadence new skip granite-7b-lab --slot 2025-06-02`)",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
    // Past the skip deadline.
    let run = on(&site, "2025-05-30", &["schedule"]);
    assert!(
        run.stdout
            .contains("a skip is now late (it had to be announced by 2025-05-26, skip-late)"),
        "{}",
        run.stdout
    );
    // A planned final without a candidate is told when its candidate is due.
    site.remove(&format!("{VERSIONED}/1.1.0-rc.1.yaml"));
    site.write(
        &format!("{VERSIONED}/1.1.0.yaml"),
        "version: 1.1.0\ndate: 2025-06-03\nsummary: Planned.\nstatus: planned\n",
    );
    let run = site.run(["schedule"]);
    assert!(
        run.stdout
            .contains("next: 2025-06-02 (in 8 days): 1.1.0 is planned for 2025-06-03")
            && run
                .stdout
                .contains("it needs a release candidate by 2025-05-27 (soak 7 days)"),
        "{}",
        run.stdout
    );
}
