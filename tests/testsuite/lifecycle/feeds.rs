//! Ends of support in the feeds and calendars a user already follows, and
//! the lines `cadence schedule` prints: each as `lines.json` says.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Value, json};

use super::{EOL_1, TODAY, URL, built, read_json, site};
use crate::prelude::*;

/// Entry ids of an Atom feed, the feed's alternate link, and the feed.
pub fn atom_feed(out: &Path, path: &str) -> (Vec<String>, String, atom_syndication::Feed) {
    let feed = atom_syndication::Feed::read_from(read(out, path).as_bytes()).unwrap();
    let ids = feed.entries.iter().map(|e| e.id.clone()).collect();
    let page = feed
        .links
        .iter()
        .find(|l| l.rel == "alternate")
        .map(|l| l.href.clone())
        .unwrap();
    (ids, page, feed)
}

fn id(year: u32, version: &str) -> String {
    format!("tag:releases.example.org,{year}:granite-7b-lab/versioned/{version}")
}

#[test]
fn feeds_announce_an_end_of_support_once_it_has_come() {
    let (_site, out) = built();
    for dir in [
        "",
        "versioned/",
        "granite-7b-lab/versioned/",
        "granite-7b-lab/versioned/1.x/",
    ] {
        let (ids, _, feed) = atom_feed(&out, &format!("{dir}atom.xml"));
        let n = ids
            .iter()
            .position(|i| i == EOL_1)
            .unwrap_or_else(|| panic!("{dir}: {ids:?}"));
        let e = &feed.entries[n];
        assert_eq!(e.title.value, "Granite 7B Lab 1.x reached end of support");
        assert_eq!(e.updated.to_rfc3339(), "2025-01-15T00:00:00+00:00");
        assert_eq!(
            e.published.unwrap().to_rfc3339(),
            "2025-01-15T00:00:00+00:00"
        );
        assert_eq!(
            e.links[0].href,
            format!("{URL}granite-7b-lab/versioned/1.x/")
        );
        assert_eq!(
            ids.iter().filter(|i| i.ends_with("/eol")).count(),
            1,
            "{dir}"
        );
        let rss = rss::Channel::read_from(read(&out, &format!("{dir}rss.xml")).as_bytes()).unwrap();
        let item = rss
            .items
            .iter()
            .find(|i| i.guid.as_ref().unwrap().value == EOL_1)
            .unwrap();
        assert!(!item.guid.as_ref().unwrap().permalink);
        assert_eq!(
            item.title.as_deref(),
            Some("Granite 7B Lab 1.x reached end of support")
        );
    }
    for dir in [
        "stream/",
        "granite-7b-lab/stream/",
        "granite-7b-lab/candidates/",
        "granite-7b-lab/versioned/2.x/",
        "granite-7b-lab/versioned/3.x/",
    ] {
        let (ids, _, _) = atom_feed(&out, &format!("{dir}atom.xml"));
        assert!(ids.iter().all(|i| !i.ends_with("/eol")), "{dir}: {ids:?}");
    }
    // A major-line feed holds only its line's finals (a yanked one keeps
    // its entry), and belongs to the line page.
    let (ids, page, _) = atom_feed(&out, "granite-7b-lab/versioned/1.x/atom.xml");
    assert_eq!(
        ids,
        [
            EOL_1.to_string(),
            id(2024, "1.0.2"),
            id(2024, "1.0.1"),
            id(2024, "1.0.0")
        ]
    );
    assert_eq!(page, format!("{URL}granite-7b-lab/versioned/1.x/"));
    let (ids, page, _) = atom_feed(&out, "granite-7b-lab/versioned/2.x/atom.xml");
    assert_eq!(
        ids,
        [
            id(2025, "2.1.1"),
            id(2025, "2.1.0"),
            id(2024, "2.0.1"),
            id(2024, "2.0.0")
        ]
    );
    assert_eq!(page, format!("{URL}granite-7b-lab/versioned/2.x/"));
    let rss = read(&out, "granite-7b-lab/versioned/2.x/rss.xml");
    assert!(rss.contains(&format!("<link>{URL}granite-7b-lab/versioned/2.x/</link>")));
    assert!(!out.join("granite-7b-lab/versioned/4.x").exists());
}

#[test]
fn an_end_of_support_enters_the_feeds_on_its_day() {
    let mut site = site();
    let eol_2 = "tag:releases.example.org,2025:granite-7b-lab/versioned/2.x/eol";
    for (eol, in_feed) in [("2025-07-21", false), (TODAY, true)] {
        site.manifest("granite-7b-lab/versioned/line-2", &format!("eol: {eol}"));
        let out = site.build(&[]);
        let (ids, _, _) = atom_feed(&out, "granite-7b-lab/versioned/2.x/atom.xml");
        assert_eq!(
            ids.first().map(String::as_str) == Some(eol_2),
            in_feed,
            "eol {eol}: {ids:?}"
        );
        let lines = read_json(&out, "api/v1/granite-7b-lab/versioned/lines.json");
        let state = if in_feed { "eol" } else { "supported" };
        assert_eq!(lines["lines"][1]["state"], state, "eol {eol}");
        // The calendar has the end of support either way.
        assert!(
            read(&out, "calendar.ics")
                .contains(&format!("DTSTART;VALUE=DATE:{}", eol.replace('-', "")))
        );
    }
}

/// The events of an iCalendar file, unfolded, by UID.
fn events(ics: &str) -> BTreeMap<String, BTreeMap<String, String>> {
    let unfolded = ics.replace("\r\n ", "");
    let mut out = BTreeMap::new();
    for block in unfolded.split("BEGIN:VEVENT\r\n").skip(1) {
        let block = &block[..block.find("END:VEVENT").unwrap()];
        let props: BTreeMap<String, String> = block
            .split("\r\n")
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert!(
            out.insert(props["UID"].clone(), props).is_none(),
            "a UID twice"
        );
    }
    out
}

#[test]
fn calendars_hold_each_release_once_each_other_slot_and_each_known_eol() {
    let (_site, out) = built();
    let site = events(&read(&out, "calendar.ics"));
    let model = events(&read(&out, "granite-7b-lab/calendar.ics"));
    let uid = |kind: &str, rest: &str| format!("{kind}-granite-7b-lab-{rest}@releases.example.org");
    // Ends of support, as lines.json says: 1.x and 2.x; 3.x's is unknown.
    let lines = read_json(&out, "api/v1/granite-7b-lab/versioned/lines.json");
    for l in lines["lines"].as_array().unwrap() {
        let e = model.get(&uid("eol", &format!("versioned-{}", l["major"])));
        match l["eol"].as_str() {
            None => assert!(e.is_none()),
            Some(d) => {
                let e = e.unwrap();
                assert_eq!(
                    e["SUMMARY"],
                    format!(
                        "Granite 7B Lab {} end of support",
                        l["line"].as_str().unwrap()
                    )
                );
                assert_eq!(e["DTSTART;VALUE=DATE"], d.replace('-', ""));
                let next = chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                    .unwrap()
                    .succ_opt()
                    .unwrap();
                assert_eq!(e["DTEND;VALUE=DATE"], next.format("%Y%m%d").to_string());
                assert_eq!(e["URL"], l["url"].as_str().unwrap());
            }
        }
    }
    // Each shipped release once, titled with the model's title and its
    // version; one that fulfils a slot names it, and the slot has no event.
    let e = &model[&uid("release", "versioned-2.0.0")];
    assert_eq!(e["SUMMARY"], "Granite 7B Lab 2.0.0 (slot 2024-07-15)");
    assert!(e["DESCRIPTION"].contains("Fulfils the Versioned slot of 2024-07-15"));
    for date in ["2024-01-15", "2024-07-15", "2025-01-15", "2025-07-15"] {
        assert!(
            !model.contains_key(&uid("slot", &format!("versioned-{date}"))),
            "{date}"
        );
    }
    assert_eq!(
        model[&uid("release", "versioned-1.0.1")]["SUMMARY"],
        "Granite 7B Lab 1.0.1"
    );
    assert_eq!(
        model[&uid("release", "stream-2025-07-01")]["SUMMARY"],
        "Granite 7B Lab 2025-07-01"
    );
    assert!(
        !model.contains_key(&uid("release", "versioned-3.1.0")),
        "planned"
    );
    assert_eq!(
        model[&uid("slot", "versioned-2026-01-15")]["SUMMARY"],
        "Granite 7B Lab (Versioned) slot: planned 3.1.0"
    );
    let releases = model.keys().filter(|u| u.starts_with("release-")).count();
    assert_eq!(releases, 11, "every shipped release once");
    // The site calendar holds the model's events and phi's open slots.
    for (u, e) in &model {
        assert_eq!(site.get(u), Some(e), "{u}");
    }
    assert_eq!(site.len(), model.len() + 4);
}

#[test]
fn schedule_prints_the_lines_of_lines_json() {
    let (site, out) = built();
    let run = site.run(["schedule", "--format", "json"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let got: Value = run.json();
    let lines = read_json(&out, "api/v1/granite-7b-lab/versioned/lines.json");
    assert_eq!(got["lines"], lines["lines"]);
    assert!(got["slots"].as_array().is_some_and(|s| !s.is_empty()));
    // schedule.json is the same shape.
    assert_eq!(
        read_json(&out, "api/v1/schedule.json")["lines"],
        lines["lines"]
    );
    let run = site.run(["schedule", "--format", "json", "--model", "phi-lab"]);
    assert_eq!(run.json()["lines"], json!([]));
    let run = site.run(["schedule"]);
    let text = &run.stdout[run
        .stdout
        .find("major lines")
        .expect("the lines follow the slots")..];
    assert!(run.stdout.find("SLOT").unwrap() < run.stdout.find("major lines").unwrap());
    for row in [
        "  3.x     current     unknown     no   3.0.0 (2025-07-15)        3.0.0 (2025-07-15)",
        "  2.x     supported   2026-07-31  yes  2.0.0 (2024-07-15)        2.1.1 (2025-03-01)",
        "  1.x     eol         2025-01-15  no   1.0.0 (2024-01-15)        1.0.2 (2024-10-01)",
    ] {
        assert!(text.contains(row), "{row}\n{text}");
    }
}
