//! Feed entries built the same day: each has its own `updated` (the
//! manifest's RFC 3339 time when it has one, else a stable order within the
//! day), the feed's `updated` is the newest entry's, and the HTML content
//! carries no relative URL (feed readers show it away from the page).

use crate::prelude::*;

const CONFIG: &str = r#"title = "Same day"
base_url = "https://releases.example.org/lab/"

[author]
name = "Release team"

[channels.stream]
title = "Stream"
versioning = "date"
tag = "release-{compact}"

[models.a]
title = "Model A"
[models.a.repos]
stream = "o/a"

[models.b]
title = "Model B"
[models.b.repos]
stream = "o/b"
"#;

fn build(model: &str, version: &str, date: &str, notes: &str) -> String {
    format!(
        "version: {version}\ndate: {date}\nsummary: Build {version} of {model}.\nrevision: {}\nnotes: |\n  {notes}\n",
        "b".repeat(40)
    )
}

/// Four builds on 2025-01-10 (one with a time of day), one the day before.
fn site() -> SiteTest {
    let mut site = SiteTest::empty();
    site.write("cadence.toml", CONFIG)
        .write(
            "releases/a/stream/2025-01-09.yaml",
            build("a", "2025-01-09", "2025-01-09", "Older."),
        )
        .write(
            "releases/a/stream/2025-01-10.yaml",
            build(
                "a",
                "2025-01-10",
                "2025-01-10",
                "See ![the plot](plot.png), <img src=x alt=raw>, the [schedule](/schedule/) and [notes](#notes).",
            ),
        )
        .write(
            "releases/a/stream/2025-01-10.2.yaml",
            build("a", "2025-01-10.2", "2025-01-10", "Second."),
        )
        .write(
            "releases/a/stream/2025-01-10.3.yaml",
            build("a", "2025-01-10.3", "2025-01-10", "Third."),
        )
        .write(
            "releases/b/stream/2025-01-10.yaml",
            build("b", "2025-01-10", "2025-01-10T15:30:00+02:00", "Timed."),
        )
        .today("2025-01-20");
    site
}

fn atom(out: &std::path::Path, path: &str) -> atom_syndication::Feed {
    atom_syndication::Feed::read_from(read(out, path).as_bytes())
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn updated_of(feed: &atom_syndication::Feed, id_end: &str) -> String {
    feed.entries
        .iter()
        .find(|e| e.id.ends_with(id_end))
        .unwrap_or_else(|| panic!("no entry {id_end}"))
        .updated
        .to_rfc3339()
}

#[test]
fn entries_of_one_day_have_distinct_ordered_updated_times() {
    let site = site();
    let out = site.build(&[]);
    for path in ["atom.xml", "stream/atom.xml", "a/stream/atom.xml"] {
        let feed = atom(&out, path);
        let times: Vec<_> = feed.entries.iter().map(|e| e.updated).collect();
        let mut sorted = times.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        sorted.dedup();
        assert_eq!(times, sorted, "{path}: distinct, newest first");
        assert_eq!(Some(feed.updated), times.first().copied(), "{path}");
    }
    let feed = atom(&out, "atom.xml");
    // The manifest's RFC 3339 time, in UTC, for both dates of its entry.
    assert_eq!(
        updated_of(&feed, "b/stream/2025-01-10"),
        "2025-01-10T13:30:00+00:00"
    );
    let timed = feed
        .entries
        .iter()
        .find(|e| e.id.ends_with("b/stream/2025-01-10"))
        .unwrap();
    assert_eq!(
        timed.published.map(|p| p.to_rfc3339()).as_deref(),
        Some("2025-01-10T13:30:00+00:00")
    );
    // The others of the day: seconds after midnight, later builds later;
    // the day before keeps its midnight.
    let day: Vec<String> = [
        "a/stream/2025-01-10",
        "a/stream/2025-01-10.2",
        "a/stream/2025-01-10.3",
    ]
    .iter()
    .map(|id| updated_of(&feed, id))
    .collect();
    assert!(
        day.iter().all(|t| t.starts_with("2025-01-10T00:00:0")),
        "{day:?}"
    );
    assert!(day[0] < day[1] && day[1] < day[2], "{day:?}");
    assert_eq!(
        updated_of(&feed, "a/stream/2025-01-09"),
        "2025-01-09T00:00:00+00:00"
    );
    // The same in every feed that holds the entry, and from build to build.
    let a = atom(&out, "a/stream/atom.xml");
    assert_eq!(updated_of(&a, "a/stream/2025-01-10.2"), day[1]);
    let again = atom(&site.build(&[]), "atom.xml");
    assert_eq!(updated_of(&again, "a/stream/2025-01-10.3"), day[2]);
}

/// Every `href="..."` and `src="..."` of an HTML fragment.
fn urls(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attr in ["href=\"", "src=\""] {
        for (at, _) in html.match_indices(attr) {
            let rest = &html[at + attr.len()..];
            found.push(rest[..rest.find('"').unwrap()].to_string());
        }
    }
    found
}

#[test]
fn feed_content_has_no_relative_urls() {
    let site = site();
    let out = site.build(&[]);
    let page = "https://releases.example.org/lab/a/stream/2025-01-10/";
    let feed = atom(&out, "a/stream/atom.xml");
    let entry = feed
        .entries
        .iter()
        .find(|e| e.id.ends_with("a/stream/2025-01-10"))
        .unwrap();
    let html = entry
        .content
        .as_ref()
        .and_then(|c| c.value.clone())
        .unwrap();
    let found = urls(&html);
    for want in [
        format!("{page}plot.png"),
        format!("{page}x"),
        format!("{page}#notes"),
        "https://releases.example.org/lab/schedule/".to_string(),
    ] {
        assert!(found.contains(&want), "{want} in {found:?}\n{html}");
    }
    let rss = rss::Channel::read_from(read(&out, "a/stream/rss.xml").as_bytes()).unwrap();
    for item in &rss.items {
        let html = item.description.as_deref().unwrap_or_default();
        for url in urls(html) {
            assert!(url.starts_with("https://"), "{url} in {html}");
        }
    }
    for e in &feed.entries {
        let html = e
            .content
            .as_ref()
            .and_then(|c| c.value.clone())
            .unwrap_or_default();
        for url in urls(&html) {
            assert!(url.starts_with("https://"), "{url} in {html}");
        }
    }
}

/// A yank moves `updated` on, never before the entry's `published`: a
/// build with a time of day yanked the same day keeps that time; one
/// yanked days later is updated on the yank's day.
#[test]
fn a_yank_never_dates_an_update_before_its_release() {
    let mut site = site();
    let yanked = |version: &str, date: &str, on: &str| {
        build("a", version, date, "Yanked.")
            + &format!("status: yanked\nyanked:\n  date: {on}\n  reason: Broken.\n")
    };
    site.write(
        "releases/a/stream/2025-01-12.yaml",
        yanked("2025-01-12", "2025-01-12T09:00:00Z", "2025-01-12"),
    )
    .write(
        "releases/a/stream/2025-01-13.yaml",
        yanked("2025-01-13", "2025-01-13T09:00:00Z", "2025-01-15"),
    );
    let out = site.build(&[]);
    let feed = atom(&out, "a/stream/atom.xml");
    for e in &feed.entries {
        let published = e.published.expect("every entry has published");
        assert!(
            e.updated >= published,
            "{}: {} < {published}",
            e.id,
            e.updated
        );
    }
    assert_eq!(
        updated_of(&feed, "a/stream/2025-01-12"),
        "2025-01-12T09:00:00+00:00"
    );
    assert_eq!(
        updated_of(&feed, "a/stream/2025-01-13"),
        "2025-01-15T00:00:00+00:00"
    );
}
