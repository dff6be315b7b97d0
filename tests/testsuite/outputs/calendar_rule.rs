//! SPEC 7's calendar rule, checked on whole built sites against their own
//! `schedule.json` and `releases.json`: each shipped release is one
//! all-day event on its date titled "<model title> <version>"; a release
//! that fulfils a slot names the slot, which has no event of its own; each
//! other slot (past and the next four) is one event with its state; no
//! summary shows a model's id where its title belongs.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::support::{SiteTest, repo_path};

/// Each event of an `.ics` as its unfolded properties.
fn events(ics: &str) -> Vec<BTreeMap<String, String>> {
    let unfolded = ics.replace("\r\n ", "");
    let mut out = Vec::new();
    let mut current: Option<BTreeMap<String, String>> = None;
    for line in unfolded.split("\r\n") {
        match line {
            "BEGIN:VEVENT" => current = Some(BTreeMap::new()),
            "END:VEVENT" => out.push(current.take().expect("END without BEGIN")),
            _ => {
                if let (Some(e), Some((name, value))) = (current.as_mut(), line.split_once(':')) {
                    e.insert(name.to_string(), value.to_string());
                }
            }
        }
    }
    out
}

/// `calendar.ics` of a built site against its schedule and releases.
fn check_rule(site: &SiteTest, today: &str) {
    let out = site.build(&["--today", today]);
    let read = |p: &str| std::fs::read_to_string(out.join(p)).unwrap();
    let config: toml::Table = toml::from_str(&read_config(site)).unwrap();
    let title_of = |kind: &str, id: &str| -> String {
        config[kind][id]
            .get("title")
            .and_then(|t| t.as_str())
            .unwrap_or(id)
            .to_string()
    };
    let host = url::Url::parse(config["base_url"].as_str().unwrap())
        .unwrap()
        .host_str()
        .unwrap()
        .to_string();
    let events = events(&read("calendar.ics"));
    let mut uids: Vec<&str> = events.iter().map(|e| e["UID"].as_str()).collect();
    uids.sort_unstable();
    let before = uids.len();
    uids.dedup();
    assert_eq!(before, uids.len(), "a UID twice");
    let by_uid: BTreeMap<&str, &BTreeMap<String, String>> =
        events.iter().map(|e| (e["UID"].as_str(), e)).collect();

    let releases: Value = serde_json::from_str(&read("api/v1/releases.json")).unwrap();
    let mut release_events = 0;
    for r in releases["releases"].as_array().unwrap() {
        if r["kind"] != "release" || r["status"] == "planned" {
            continue;
        }
        release_events += 1;
        let (model, channel, version) = (
            r["model"].as_str().unwrap(),
            r["channel"].as_str().unwrap(),
            r["version"].as_str().unwrap(),
        );
        let uid = format!("release-{model}-{channel}-{version}@{host}");
        let e = by_uid
            .get(uid.as_str())
            .unwrap_or_else(|| panic!("no event {uid}"));
        let want = format!("{} {version}", title_of("models", model));
        assert!(e["SUMMARY"].starts_with(&want), "{uid}: {:?}", e["SUMMARY"]);
        let day = r["date"].as_str().unwrap().replace('-', "");
        assert_eq!(e["DTSTART;VALUE=DATE"], day, "{uid}");
    }
    let schedule: Value = serde_json::from_str(&read("api/v1/schedule.json")).unwrap();
    let mut slot_events = 0;
    for s in schedule["slots"].as_array().unwrap() {
        let (model, channel, date) = (
            s["model"].as_str().unwrap(),
            s["channel"].as_str().unwrap(),
            s["date"].as_str().unwrap(),
        );
        let uid = format!("slot-{model}-{channel}-{date}@{host}");
        let state = s["state"].as_str().unwrap();
        if state == "released" {
            assert!(!by_uid.contains_key(uid.as_str()), "{uid} has an event");
            let version = s["version"].as_str().unwrap();
            let release = format!("release-{model}-{channel}-{version}@{host}");
            let summary = &by_uid[release.as_str()]["SUMMARY"];
            assert!(
                summary.contains(&format!("(slot {date})")),
                "{release}: {summary}"
            );
        } else {
            slot_events += 1;
            let e = by_uid
                .get(uid.as_str())
                .unwrap_or_else(|| panic!("no event {uid}"));
            let want = format!(
                "{} ({}) slot: {state}",
                title_of("models", model),
                title_of("channels", channel)
            );
            assert!(e["SUMMARY"].starts_with(&want), "{uid}: {:?}", e["SUMMARY"]);
            assert_eq!(e["DTSTART;VALUE=DATE"], date.replace('-', ""), "{uid}");
        }
    }
    let eol_events = events
        .iter()
        .filter(|e| e["UID"].starts_with("eol-"))
        .count();
    assert_eq!(
        events.len(),
        release_events + slot_events + eol_events,
        "an event the rule does not ask for"
    );
    // No slug where a title belongs.
    let models = config["models"].as_table().unwrap();
    for e in &events {
        for (id, m) in models {
            if m.get("title").is_some_and(|t| t.as_str() != Some(id)) {
                assert!(!e["SUMMARY"].contains(id.as_str()), "{:?}", e["SUMMARY"]);
            }
        }
    }
}

fn read_config(site: &SiteTest) -> String {
    site.read("cadence.toml")
}

#[test]
fn the_calendar_rule_holds_on_the_fixtures_and_the_own_site() {
    check_rule(&SiteTest::from("site"), "2025-05-20");
    check_rule(
        &SiteTest::from_dir(&repo_path("tests/conformance/site")),
        "2025-06-20",
    );
    check_rule(&SiteTest::repository(), "2026-11-24");
}

/// Weekly slots whose windows overlap: a release sits in two windows, yet
/// it is one event, and every slot is either named by a release or has an
/// event of its own.
#[test]
fn the_calendar_rule_holds_with_overlapping_windows() {
    let mut site = SiteTest::empty();
    let release = |v: &str, date: &str| {
        format!(
            "version: {v}\ndate: {date}\nsummary: Release {v}.\nrevision: {}\n",
            "c".repeat(40)
        )
    };
    site.write(
        "cadence.toml",
        "title = \"Weekly\"\nbase_url = \"https://w.example.org/\"\n\n[author]\nname = \"T\"\n\n\
         [channels.versioned]\ntitle = \"Versioned\"\nversioning = \"semver\"\ntag = \"v{version}\"\n\n\
         [channels.versioned.schedule]\nevery = \"1 week\"\nstart = 2025-01-06\nwindow_days = 4\nskip_notice_days = 1\n\n\
         [models.weekly-model]\ntitle = \"Weekly Model\"\n[models.weekly-model.repos]\nversioned = \"o/w\"\n",
    )
    .write("releases/weekly-model/versioned/1.0.0.yaml", release("1.0.0", "2025-01-06"))
    .write("releases/weekly-model/versioned/1.1.0.yaml", release("1.1.0", "2025-01-10"))
    .write("releases/weekly-model/versioned/1.2.0.yaml", release("1.2.0", "2025-01-20"));
    site.run(["check", "--today", "2025-01-22"]).success();
    check_rule(&site, "2025-01-22");
}
