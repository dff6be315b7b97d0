//! Atom and RSS feeds: which entries each feed holds, in which order, with
//! which ids and dates, and that readers parse them back.

use std::collections::BTreeMap;

use cadence_site::site::catalog::Catalog;
use cadence_site::site::feeds;

use super::fixture::{self, BASE_URL, id};

/// The feeds of a site by path, as text.
fn render(site: &cadence_site::model::load::Site) -> BTreeMap<String, String> {
    let catalog = Catalog::new(site, fixture::today());
    fixture::by_path(feeds::render(&catalog))
}

fn atom(files: &BTreeMap<String, String>, path: &str) -> atom_syndication::Feed {
    let text = files
        .get(path)
        .unwrap_or_else(|| panic!("no {path}: {:?}", files.keys()));
    atom_syndication::Feed::read_from(text.as_bytes())
        .unwrap_or_else(|e| panic!("{path} is not Atom: {e}\n{text}"))
}

fn rss(files: &BTreeMap<String, String>, path: &str) -> rss::Channel {
    let text = files
        .get(path)
        .unwrap_or_else(|| panic!("no {path}: {:?}", files.keys()));
    rss::Channel::read_from(text.as_bytes())
        .unwrap_or_else(|e| panic!("{path} is not RSS: {e}\n{text}"))
}

fn atom_ids(feed: &atom_syndication::Feed) -> Vec<String> {
    feed.entries.iter().map(|e| e.id.clone()).collect()
}

fn rss_ids(channel: &rss::Channel) -> Vec<String> {
    channel
        .items
        .iter()
        .map(|i| {
            let guid = i.guid.as_ref().expect("every item has a guid");
            assert!(!guid.permalink, "guids are tag URIs, not permalinks");
            guid.value.clone()
        })
        .collect()
}

/// The id of a versioned granite release: 1.x shipped in 2024, 2.x in 2025.
fn v(version: &str) -> String {
    let year = if version.starts_with("1.") {
        2024
    } else {
        2025
    };
    id(year, &format!("granite-7b-lab/versioned/{version}"))
}

/// The id of a stream build: its year is in its version.
fn s(model: &str, version: &str) -> String {
    id(
        version[..4].parse().unwrap(),
        &format!("{model}/stream/{version}"),
    )
}

/// Every feed of the fixture and its entry ids, newest first.
fn expected() -> Vec<(&'static str, Vec<String>)> {
    let skip = id(2025, "granite-7b-lab/versioned/skip-2025-03-02");
    let g = "granite-7b-lab";
    let m = "merlinite-7b-lab";
    vec![
        (
            "",
            vec![
                v("2.0.0"),
                skip.clone(),
                s(m, "2025-02-01"),
                s(g, "2025-01-15"),
                v("1.1.0"),
                v("1.0.1"), // yanked 2024-10-05: updated then
                s(g, "2024-09-12.2"),
                s(g, "2024-09-12"),
                v("1.0.0"),
            ],
        ),
        (
            "stream/",
            vec![
                s(m, "2025-02-01"),
                s(g, "2025-01-15"),
                s(g, "2024-09-12.2"),
                s(g, "2024-09-12"),
            ],
        ),
        (
            "versioned/",
            vec![v("2.0.0"), skip.clone(), v("1.1.0"), v("1.0.1"), v("1.0.0")],
        ),
        (
            "granite-7b-lab/stream/",
            vec![s(g, "2025-01-15"), s(g, "2024-09-12.2"), s(g, "2024-09-12")],
        ),
        (
            "granite-7b-lab/versioned/",
            vec![v("2.0.0"), skip, v("1.1.0"), v("1.0.1"), v("1.0.0")],
        ),
        ("granite-7b-lab/versioned/2.x/", vec![v("2.0.0")]),
        (
            "granite-7b-lab/versioned/1.x/",
            vec![v("1.1.0"), v("1.0.1"), v("1.0.0")],
        ),
        (
            "granite-7b-lab/candidates/",
            vec![
                v("2.0.0-rc.1"),
                v("1.1.0-rc.2"),
                v("1.1.0-rc.1"),
                v("1.0.1-rc.1"),
                v("1.0.0-rc.1"),
            ],
        ),
        ("merlinite-7b-lab/stream/", vec![s(m, "2025-02-01")]),
        ("phi-lab/versioned/", vec![]),
        ("phi-lab/candidates/", vec![]),
    ]
}

#[test]
fn every_feed_holds_exactly_its_entries_newest_first() {
    let (_dir, site) = fixture::site();
    let files = render(&site);
    let expected = expected();
    let mut paths: Vec<String> = expected
        .iter()
        .flat_map(|(dir, _)| [format!("{dir}atom.xml"), format!("{dir}rss.xml")])
        .collect();
    paths.sort();
    assert_eq!(files.keys().cloned().collect::<Vec<_>>(), paths);
    for (dir, ids) in expected {
        let a = atom(&files, &format!("{dir}atom.xml"));
        assert_eq!(atom_ids(&a), ids, "{dir}atom.xml");
        let r = rss(&files, &format!("{dir}rss.xml"));
        assert_eq!(rss_ids(&r), ids, "{dir}rss.xml");
    }
}

#[test]
fn planned_releases_are_in_no_feed_and_candidates_only_in_candidate_feeds() {
    let (_dir, site) = fixture::site();
    let files = render(&site);
    for (path, text) in &files {
        assert!(!text.contains("versioned/2.1.0"), "planned 2.1.0 in {path}");
        let candidates = path.contains("/candidates/");
        let ids = if path.ends_with("atom.xml") {
            atom_ids(&atom(&files, path))
        } else {
            rss_ids(&rss(&files, path))
        };
        for entry in ids {
            assert_eq!(entry.contains("-rc."), candidates, "{entry} in {path}");
        }
    }
}

#[test]
fn a_yanked_release_keeps_one_entry_updated_to_its_yank_date() {
    let (_dir, site) = fixture::site();
    let files = render(&site);
    for path in ["atom.xml", "granite-7b-lab/versioned/1.x/atom.xml"] {
        let feed = atom(&files, path);
        let yanked: Vec<_> = feed.entries.iter().filter(|e| e.id == v("1.0.1")).collect();
        assert_eq!(yanked.len(), 1, "{path}");
        let e = yanked[0];
        assert_eq!(e.updated.to_rfc3339(), "2024-10-05T00:00:00+00:00");
        assert_eq!(
            e.published.unwrap().to_rfc3339(),
            "2024-10-01T00:00:00+00:00"
        );
        assert_eq!(e.title.value, "Granite 7B Lab 1.0.1 [yanked]");
        let content = e.content.as_ref().unwrap().value.as_deref().unwrap();
        assert!(content.contains("Yanked on 2024-10-05."), "{content}");
        assert!(
            content.contains("Tokenizer config was wrong &amp; &lt;broken&gt;; use 1.1.0."),
            "{content}"
        );
        assert!(e.summary.as_ref().unwrap().value.starts_with(
            "Yanked on 2024-10-05: Tokenizer config was wrong & <broken>; use 1.1.0."
        ));
    }
    let channel = rss(&files, "granite-7b-lab/versioned/rss.xml");
    let item = channel
        .items
        .iter()
        .find(|i| i.guid.as_ref().unwrap().value == v("1.0.1"))
        .unwrap();
    assert_eq!(item.title.as_deref(), Some("Granite 7B Lab 1.0.1 [yanked]"));
    // pubDate stays the first date; the title and description say yanked.
    assert_eq!(
        item.pub_date.as_deref(),
        Some("Tue, 1 Oct 2024 00:00:00 +0000")
    );
    assert!(item.description.as_deref().unwrap().contains("Yanked on"));
}

#[test]
fn a_feeds_updated_is_its_newest_entrys_never_the_clock() {
    let (_dir, site) = fixture::site();
    let files = render(&site);
    for (dir, ids) in expected() {
        let feed = atom(&files, &format!("{dir}atom.xml"));
        let newest = feed.entries.iter().map(|e| e.updated).max();
        match newest {
            Some(newest) => {
                assert_eq!(feed.updated, newest, "{dir}");
                assert_eq!(feed.entries[0].updated, newest, "{dir}: newest first");
            }
            // Empty feeds: the site's first date, which no rebuild moves.
            None => {
                assert!(ids.is_empty());
                assert_eq!(feed.updated.to_rfc3339(), "2024-09-02T00:00:00+00:00");
            }
        }
        let channel = rss(&files, &format!("{dir}rss.xml"));
        let want = newest.map(|d| d.to_rfc2822());
        assert_eq!(channel.last_build_date, want, "{dir}");
        assert_eq!(channel.pub_date, want, "{dir}");
    }
    let site_feed = atom(&files, "atom.xml");
    assert_eq!(site_feed.updated.to_rfc3339(), "2025-06-02T00:00:00+00:00");
    // Another `today` changes nothing in a feed.
    let later = Catalog::new(&site, fixture::day("2025-07-01"));
    assert_eq!(fixture::by_path(feeds::render(&later)), files);
}

#[test]
fn feed_limit_keeps_the_newest_entries() {
    let (_dir, site) = fixture::checked(fixture::site_with("feed_limit = 3"), fixture::today());
    let files = render(&site);
    for (dir, ids) in expected() {
        let want: Vec<String> = ids.into_iter().take(3).collect();
        assert_eq!(
            atom_ids(&atom(&files, &format!("{dir}atom.xml"))),
            want,
            "{dir}"
        );
        assert_eq!(
            rss_ids(&rss(&files, &format!("{dir}rss.xml"))),
            want,
            "{dir}"
        );
    }
}

#[test]
fn text_is_escaped_and_reads_back_exactly() {
    let (_dir, site) = fixture::site();
    let files = render(&site);
    let title = r#"Granite 7B Lab 1.1.0 "Autumn" <R&D>"#;
    let feed = atom(&files, "granite-7b-lab/versioned/atom.xml");
    assert_eq!(feed.title.value, "Granite 7B Lab (Versioned)");
    let entry = feed.entries.iter().find(|e| e.id == v("1.1.0")).unwrap();
    assert_eq!(entry.title.value, title);
    assert_eq!(
        entry.summary.as_ref().unwrap().value,
        "Second scheduled release; built from cmb-run-2024-11-01, with R&D fixes."
    );
    let content = entry.content.as_ref().unwrap();
    assert_eq!(content.content_type.as_deref(), Some("html"));
    let html = content.value.as_deref().unwrap();
    assert!(html.contains("Q&amp;A: 3 &lt; 4 &amp;"), "{html}");
    assert!(!html.contains("<script"), "notes are sanitised: {html}");
    assert!(
        html.contains(r#"href="https://releases.example.org/lab/schedule/""#),
        "site links are absolute, under the base path: {html}"
    );
    assert!(html.contains("6adeaad8c048b35ea54562c55e454cc32c63118a32c7b8152cf706b290611487"));
    assert!(html.contains(
        "https://huggingface.co/instructlab/granite-7b-lab-GGUF/resolve/main/granite-7b-lab-Q4_K_M.gguf"
    ));

    // The site title has `&` and `<`; both formats escape it.
    let site_feed = atom(&files, "atom.xml");
    assert_eq!(site_feed.title.value, "Lab Releases & <Friends>");
    let raw = &files["atom.xml"];
    assert!(raw.contains("Lab Releases &amp; &lt;Friends&gt;"));
    assert!(!raw.contains("<Friends>"));

    let channel = rss(&files, "granite-7b-lab/versioned/rss.xml");
    let item = channel
        .items
        .iter()
        .find(|i| i.guid.as_ref().unwrap().value == v("1.1.0"))
        .unwrap();
    assert_eq!(item.title.as_deref(), Some(title));
    assert!(item.description.as_deref().unwrap().contains("Q&amp;A"));
    assert_eq!(rss(&files, "rss.xml").title, "Lab Releases & <Friends>");
    assert_eq!(
        rss(&files, "rss.xml").description,
        r#"Releases of the community-built LAB models, "tested" & signed"#
    );
}

#[test]
fn feeds_link_themselves_and_their_pages() {
    let (_dir, site) = fixture::site();
    let files = render(&site);
    let pages = [
        ("", ""),
        ("stream/", "stream/"),
        ("granite-7b-lab/versioned/", "granite-7b-lab/versioned/"),
        // A major line belongs to its line page (SPEC 10), the
        // candidates feed to the model's page (SPEC 7).
        (
            "granite-7b-lab/versioned/1.x/",
            "granite-7b-lab/versioned/1.x/",
        ),
        ("granite-7b-lab/candidates/", "granite-7b-lab/"),
    ];
    for (dir, page) in pages {
        let feed = atom(&files, &format!("{dir}atom.xml"));
        let link = |rel: &str| {
            let found: Vec<_> = feed.links.iter().filter(|l| l.rel == rel).collect();
            assert_eq!(found.len(), 1, "{dir}: one {rel} link");
            found[0].href.clone()
        };
        assert_eq!(link("self"), format!("{BASE_URL}{dir}atom.xml"));
        assert_eq!(link("alternate"), format!("{BASE_URL}{page}"));
        assert_eq!(feed.authors[0].name, "CMB release team");
        assert_eq!(
            feed.authors[0].email.as_deref(),
            Some("release-team@example.org")
        );
        let channel = rss(&files, &format!("{dir}rss.xml"));
        assert_eq!(channel.link, format!("{BASE_URL}{page}"));
        assert_eq!(channel.language.as_deref(), Some("en"));
        let raw = &files[&format!("{dir}rss.xml")];
        assert!(
            raw.contains(&format!(
                r#"<atom:link href="{BASE_URL}{dir}rss.xml" rel="self" type="application/rss+xml">"#
            )),
            "{raw}"
        );
        assert!(raw.contains(r#"xmlns:atom="http://www.w3.org/2005/Atom""#));
    }
    let feed = atom(&files, "versioned/atom.xml");
    let skip = &feed.entries[1];
    assert_eq!(
        skip.title.value,
        "Skipped: Granite 7B Lab Versioned slot 2025-03-02"
    );
    assert_eq!(
        skip.links[0].href,
        format!("{BASE_URL}granite-7b-lab/versioned/skip-2025-03-02/")
    );
    assert_eq!(skip.updated.to_rfc3339(), "2025-02-20T00:00:00+00:00");
    assert_eq!(
        feed.entries[0].links[0].href,
        format!("{BASE_URL}granite-7b-lab/versioned/2.0.0/")
    );
    assert_eq!(
        feed.id,
        format!("tag:{},2024:feeds/versioned", fixture::HOST)
    );
    assert_eq!(
        atom(&files, "atom.xml").id,
        format!("tag:{},2024:feeds", fixture::HOST)
    );
}

#[test]
fn ids_survive_a_move_of_the_site_under_the_same_host() {
    let (_dir, site) = fixture::site();
    let ids = |site: &cadence_site::model::load::Site| -> Vec<(String, Vec<String>)> {
        let files = render(site);
        files
            .iter()
            .filter(|(p, _)| p.ends_with("atom.xml"))
            .map(|(p, _)| {
                let feed = atom(&files, p);
                let mut all = vec![feed.id.clone()];
                all.extend(atom_ids(&feed));
                (p.clone(), all)
            })
            .collect()
    };
    let before = ids(&site);
    let (_moved_dir, moved) =
        fixture::site_with("base_url = \"https://releases.example.org/models/cmb/\"");
    assert_eq!(ids(&moved), before);

    // The id holds the host (SPEC 7: `tag:<host of base_url>,...`), so a
    // new host means new ids: readers see a site on another host as
    // another feed.
    let (_other_dir, other) = fixture::site_with("base_url = \"https://models.example.com/\"");
    let after = ids(&other);
    assert_eq!(after.len(), before.len());
    for ((path, a), (_, b)) in before.iter().zip(&after) {
        for (x, y) in a.iter().zip(b) {
            assert_ne!(x, y, "{path}");
            assert_eq!(x.replace("releases.example.org", "models.example.com"), *y);
        }
    }
}

#[test]
fn an_empty_feed_is_still_valid() {
    let (_dir, site) = fixture::site();
    let files = render(&site);
    for dir in ["phi-lab/versioned/", "phi-lab/candidates/"] {
        let feed = atom(&files, &format!("{dir}atom.xml"));
        assert!(feed.entries.is_empty());
        assert!(!feed.id.is_empty());
        assert!(!feed.title.value.is_empty());
        assert_eq!(feed.links.len(), 2);
        let channel = rss(&files, &format!("{dir}rss.xml"));
        assert!(channel.items.is_empty());
        assert!(!channel.description.is_empty());
    }
}

#[test]
fn feeds_are_deterministic() {
    let (_dir, site) = fixture::site();
    assert_eq!(render(&site), render(&site));
    let (_dir2, again) = fixture::site();
    assert_eq!(render(&site), render(&again));
}

#[test]
fn snapshot_of_a_major_line_feed() {
    let (_dir, site) = fixture::site();
    let files = render(&site);
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!(
            "granite_versioned_1x_atom",
            files["granite-7b-lab/versioned/1.x/atom.xml"]
        );
        insta::assert_snapshot!(
            "granite_versioned_1x_rss",
            files["granite-7b-lab/versioned/1.x/rss.xml"]
        );
    });
}

#[test]
fn cdata_terminators_in_notes_do_not_break_rss() {
    let (mut dir, _) = fixture::site();
    dir.edit(
        "releases/granite-7b-lab/versioned/1.0.0.yaml",
        "The first release of the versioned channel.",
        "Ends a CDATA section: ]]> and <![CDATA[ starts one.",
    );
    let site = cadence_site::model::load::load(dir.root()).unwrap();
    let files = render(&site);
    let channel = rss(&files, "granite-7b-lab/versioned/1.x/rss.xml");
    let item = channel.items.last().unwrap();
    assert!(
        item.description
            .as_deref()
            .unwrap()
            .contains("Ends a CDATA section: ]]&gt; and &lt;![CDATA[ starts one."),
        "{item:?}"
    );
    let entry = atom(&files, "granite-7b-lab/versioned/1.x/atom.xml")
        .entries
        .pop()
        .unwrap();
    assert!(entry.content.unwrap().value.unwrap().contains("]]&gt;"));
}

#[test]
fn a_site_without_releases_has_valid_empty_feeds() {
    let mut dir = crate::support::SiteTest::empty();
    dir.write(
        "cadence.toml",
        r#"
title = "Empty"
base_url = "https://empty.example.org/"
[channels.stream]
title = "Stream"
versioning = "date"
tag = "release-{compact}"
[models.m]
title = "M"
[models.m.repos]
stream = "org/m"
"#,
    );
    let site = cadence_site::model::load::load(dir.root()).unwrap();
    let (_dir, site) = fixture::checked((dir, site), fixture::today());
    let files = render(&site);
    assert_eq!(
        files.keys().collect::<Vec<_>>(),
        [
            "atom.xml",
            "m/stream/atom.xml",
            "m/stream/rss.xml",
            "rss.xml",
            "stream/atom.xml",
            "stream/rss.xml"
        ]
    );
    for dir in ["", "stream/", "m/stream/"] {
        let feed = atom(&files, &format!("{dir}atom.xml"));
        assert!(feed.entries.is_empty());
        // No date in the data: the epoch, the same on every build.
        assert_eq!(feed.updated.to_rfc3339(), "1970-01-01T00:00:00+00:00");
        assert!(feed.id.starts_with("tag:empty.example.org,1970:feeds"));
        let channel = rss(&files, &format!("{dir}rss.xml"));
        assert!(channel.items.is_empty());
        assert_eq!(channel.pub_date, None);
        assert_eq!(channel.description, channel.title, "never empty");
    }
    let catalog = Catalog::new(&site, fixture::today());
    let ics = cadence_site::site::calendar::render(&catalog);
    let text = String::from_utf8(ics[0].bytes.clone()).unwrap();
    assert_eq!(
        text,
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//cadence//cadence-site//EN\r\n\
         CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\nX-WR-CALNAME:Empty\r\nEND:VCALENDAR\r\n"
    );
}
