//! iCalendar files: each release once and the slots no release fulfils as
//! all-day events (SPEC 7), stable UIDs, RFC 5545 escaping, folding and
//! line endings.

use std::collections::BTreeMap;

use cadence_site::site::calendar;
use cadence_site::site::catalog::Catalog;

use super::fixture::{self, BASE_URL, HOST};

fn render(site: &cadence_site::model::load::Site, today: &str) -> BTreeMap<String, String> {
    let catalog = Catalog::new(site, fixture::day(today));
    fixture::by_path(calendar::render(&catalog))
}

/// One event: property name (parameters included) to unescaped-free raw value.
type Event = BTreeMap<String, String>;

/// Unfold (RFC 5545 3.1) and split into events, checking the framing.
fn events(ics: &str) -> Vec<Event> {
    assert!(ics.ends_with("\r\n"));
    for line in ics.split("\r\n") {
        assert!(
            line.len() <= 75,
            "a line of {} octets: {line:?}",
            line.len()
        );
        assert!(
            !line.contains('\n') && !line.contains('\r'),
            "bare line break"
        );
    }
    let unfolded = ics.replace("\r\n ", "");
    let lines: Vec<&str> = unfolded.trim_end_matches("\r\n").split("\r\n").collect();
    assert_eq!(lines.first(), Some(&"BEGIN:VCALENDAR"));
    assert_eq!(lines.last(), Some(&"END:VCALENDAR"));
    for header in [
        "VERSION:2.0",
        "PRODID:-//cadence//cadence-site//EN",
        "CALSCALE:GREGORIAN",
    ] {
        assert!(lines.contains(&header), "missing {header}");
    }
    let mut out = Vec::new();
    let mut current: Option<Event> = None;
    for line in lines {
        match line {
            "BEGIN:VEVENT" => current = Some(Event::new()),
            "END:VEVENT" => out.push(current.take().expect("END without BEGIN")),
            _ => {
                if let Some(e) = current.as_mut() {
                    let (name, value) = line.split_once(':').expect("NAME:value");
                    assert!(
                        e.insert(name.to_string(), value.to_string()).is_none(),
                        "{name} twice"
                    );
                }
            }
        }
    }
    out
}

fn by_uid(events: &[Event]) -> BTreeMap<String, Event> {
    events
        .iter()
        .map(|e| (e["UID"].clone(), e.clone()))
        .collect()
}

fn slot(model: &str, channel: &str, date: &str) -> String {
    format!("slot-{model}-{channel}-{date}@{HOST}")
}

fn release(model: &str, channel: &str, version: &str) -> String {
    format!("release-{model}-{channel}-{version}@{HOST}")
}

#[test]
fn one_calendar_for_the_site_and_one_per_model() {
    let (_dir, site) = fixture::site();
    let files = render(&site, "2025-06-20");
    assert_eq!(
        files.keys().collect::<Vec<_>>(),
        [
            "calendar.ics",
            "granite-7b-lab/calendar.ics",
            "merlinite-7b-lab/calendar.ics",
            "phi-lab/calendar.ics"
        ]
    );
    let all = by_uid(&events(&files["calendar.ics"]));
    let granite = by_uid(&events(&files["granite-7b-lab/calendar.ics"]));
    let merlinite = by_uid(&events(&files["merlinite-7b-lab/calendar.ics"]));
    let phi = by_uid(&events(&files["phi-lab/calendar.ics"]));
    // The site calendar is the union of the model calendars.
    assert_eq!(all.len(), granite.len() + merlinite.len() + phi.len());
    for uid in granite.keys().chain(merlinite.keys()).chain(phi.keys()) {
        assert!(all.contains_key(uid), "{uid}");
    }
    assert!(granite.keys().all(|u| u.contains("granite-7b-lab")));
    assert_eq!(
        merlinite.keys().collect::<Vec<_>>(),
        [&release("merlinite-7b-lab", "stream", "2025-02-01")]
    );
    // phi-lab's schedule begins 2025-07-01: the next four slots, all open.
    let phi_slots: Vec<_> = phi.values().map(|e| e["SUMMARY"].clone()).collect();
    assert_eq!(phi_slots, vec!["Phi Lab (Versioned) slot: open"; 4]);
    assert!(
        files["granite-7b-lab/calendar.ics"]
            .contains("X-WR-CALNAME:Lab Releases & <Friends>: Granite 7B Lab\r\n")
    );
}

#[test]
fn slots_say_their_state_and_link_their_page() {
    let (_dir, site) = fixture::site();
    let files = render(&site, "2025-06-20");
    let events = by_uid(&events(&files["granite-7b-lab/calendar.ics"]));
    let g = "granite-7b-lab";
    // A released slot is the event of its release (below), not one of its own.
    for (date, version) in [
        ("2024-09-02", "1.0.0"),
        ("2024-12-02", "1.1.0"),
        ("2025-06-02", "2.0.0"),
    ] {
        assert!(!events.contains_key(&slot(g, "versioned", date)), "{date}");
        let e = &events[&release(g, "versioned", version)];
        assert_eq!(
            e["SUMMARY"],
            format!("Granite 7B Lab {version} (slot {date})")
        );
        assert!(
            e["DESCRIPTION"].contains(&format!("Fulfils the Versioned slot of {date} (window ")),
            "{e:?}"
        );
    }
    let cases = [
        (
            "2025-03-02",
            "skipped",
            "granite-7b-lab/versioned/skip-2025-03-02/",
        ),
        (
            "2025-09-02",
            "planned 2.1.0",
            "granite-7b-lab/versioned/2.1.0/",
        ),
        ("2025-12-02", "open", "schedule/"),
        ("2026-03-02", "open", "schedule/"),
        ("2026-06-02", "open", "schedule/"),
    ];
    let slots: Vec<&String> = events.keys().filter(|u| u.starts_with("slot-")).collect();
    assert_eq!(slots.len(), cases.len(), "{slots:?}");
    for (date, state, page) in cases {
        let e = &events[&slot(g, "versioned", date)];
        assert_eq!(
            e["SUMMARY"],
            format!("Granite 7B Lab (Versioned) slot: {state}")
        );
        let compact = date.replace('-', "");
        assert_eq!(e["DTSTART;VALUE=DATE"], compact);
        assert_eq!(e["URL"], format!("{BASE_URL}{page}"));
        assert!(e["DESCRIPTION"].starts_with("Release window "), "{e:?}");
    }
    let e = &events[&slot(g, "versioned", "2025-03-02")];
    assert_eq!(e["DTEND;VALUE=DATE"], "20250303");
    assert!(e["DESCRIPTION"].starts_with("Release window 2025-02-16 to 2025-03-16.\\n"));
    let skipped = &events[&slot(g, "versioned", "2025-03-02")];
    assert!(
        skipped["DESCRIPTION"].contains("Skipped (announced 2025-02-20). Nothing merged"),
        "{skipped:?}"
    );
}

#[test]
fn a_missed_slot_says_missed() {
    // On 2025-10-01 phi-lab's 2025-09-02 window has closed with nothing in
    // it (and granite's planned 2.1.0 is past): errors, but the calendar of
    // such a site still says what happened.
    let (_dir, site) = fixture::site_with("");
    let findings = cadence_site::model::rules::check(&site, fixture::day("2025-10-01"));
    assert!(findings.iter().any(|f| f.code == "slot-missed"));
    let files = render(&site, "2025-10-01");
    let events = by_uid(&events(&files["phi-lab/calendar.ics"]));
    let e = &events[&slot("phi-lab", "versioned", "2025-09-02")];
    assert_eq!(e["SUMMARY"], "Phi Lab (Versioned) slot: missed");
    assert!(e["DESCRIPTION"].contains("Missed"));
}

#[test]
fn every_shipped_release_is_an_event_on_its_date() {
    let (_dir, site) = fixture::site();
    let files = render(&site, "2025-06-20");
    let events = by_uid(&events(&files["calendar.ics"]));
    let releases: Vec<&String> = events
        .keys()
        .filter(|u| u.starts_with("release-"))
        .collect();
    // Every release manifest but the planned 2.1.0.
    assert_eq!(releases.len(), site.releases.len() - 1, "{releases:?}");
    assert!(!events.contains_key(&release("granite-7b-lab", "versioned", "2.1.0")));
    let e = &events[&release("granite-7b-lab", "versioned", "1.1.0")];
    // Titled with the model's title and the version, naming its slot.
    assert_eq!(e["SUMMARY"], "Granite 7B Lab 1.1.0 (slot 2024-12-02)");
    assert_eq!(e["DTSTART;VALUE=DATE"], "20241205");
    assert_eq!(e["DTEND;VALUE=DATE"], "20241206");
    assert_eq!(
        e["URL"],
        format!("{BASE_URL}granite-7b-lab/versioned/1.1.0/")
    );
    // TEXT escaping: `;` and `,` get a backslash, a line break is `\n`.
    assert_eq!(
        e["DESCRIPTION"],
        r#"Granite 7B Lab 1.1.0 "Autumn" <R&D>: release on the Versioned channel.\nSecond scheduled release\; built from cmb-run-2024-11-01\, with R&D fixes.\nFulfils the Versioned slot of 2024-12-02 (window 2024-11-18 to 2024-12-16)."#
    );
    let rc = &events[&release("granite-7b-lab", "versioned", "1.1.0-rc.2")];
    assert_eq!(rc["SUMMARY"], "Granite 7B Lab 1.1.0-rc.2");
    assert!(rc["DESCRIPTION"].contains("release candidate"), "{rc:?}");
    let yanked = &events[&release("granite-7b-lab", "versioned", "1.0.1")];
    assert_eq!(yanked["SUMMARY"], "Granite 7B Lab 1.0.1 (yanked)");
    assert!(
        yanked["DESCRIPTION"].ends_with(
            r"\nYanked on 2024-10-05: Tokenizer config was wrong & <broken>\; use 1.1.0."
        )
    );
    let build = &events[&release("granite-7b-lab", "stream", "2024-09-12.2")];
    assert_eq!(build["DTSTART;VALUE=DATE"], "20240912");
}

#[test]
fn uids_and_stamps_come_from_data() {
    let (_dir, site) = fixture::site();
    let files = render(&site, "2025-06-20");
    let first = by_uid(&events(&files["calendar.ics"]));
    // DTSTAMP: the newest shipped date of the site (2.0.0, 2025-06-02).
    for e in first.values() {
        assert_eq!(e["DTSTAMP"], "20250602T000000Z");
    }
    // Rebuilt later and moved under another path of the same host: every
    // event of the first build keeps its UID (slots move on, so the later
    // calendar also has new ones).
    let (_moved_dir, moved) =
        fixture::site_with("base_url = \"https://releases.example.org/other/\"");
    let later = by_uid(&events(&render(&moved, "2025-07-10")["calendar.ics"]));
    for uid in first.keys() {
        assert!(later.contains_key(uid), "{uid} is gone");
    }
    assert_eq!(render(&site, "2025-06-20"), files, "deterministic");
}

#[test]
fn snapshot_of_a_model_calendar() {
    let (_dir, site) = fixture::site();
    let files = render(&site, "2025-06-20");
    let granite = &files["granite-7b-lab/calendar.ics"];
    // Snapshots compare with `\n`; the CRLFs are checked in `events`.
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("granite_calendar", granite.replace("\r\n", "\n"));
    });
}
