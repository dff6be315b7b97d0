//! The support lifecycle of major lines (SPEC 10) on the fixture
//! `tests/fixtures/lifecycle/`, built on 2025-07-20: granite's versioned
//! channel has 1.x (ended 2025-01-15, six months after 2.0.0 by the
//! policy), 2.x (supported and LTS until 2026-07-31, by its line file) and
//! 3.x (current). Each output is checked as a reader, subscriber or script
//! would, and against `lines.json`: the line pages, the channel page, the
//! per-line `latest.json`, the feeds, the calendars and `cadence schedule`
//! all say the same. Then the rules `line-eol` and `line-unknown`, the
//! `[support]` config, `cadence new line` and `cadence announce line-N`.

mod common;
// `common` holds the same helper privately, for its rule fixtures.
#[allow(clippy::duplicate_mod)]
#[path = "support/copy_dir.rs"]
mod copy;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{cadence, check_json, summary, with_code};
use serde_json::{Value, json};
use tempfile::TempDir;

const TODAY: &str = "2025-07-20";
const URL: &str = "https://releases.example.org/lc/";
const V: &str = "releases/granite-7b-lab/versioned";
const EOL_1: &str = "tag:releases.example.org,2025:granite-7b-lab/versioned/1.x/eol";

/// A copy of the fixture in a temporary folder, to change and build.
fn site() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lifecycle");
    copy::copy_dir(&from, dir.path());
    dir
}

fn write(root: &Path, path: &str, text: &str) {
    let p = root.join(path);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// `cadence build` of `root` on `today` into its `public/`.
fn build(root: &Path, today: &str) -> PathBuf {
    let out = root.join("public");
    let run = cadence(
        root,
        &[
            "build",
            "--today",
            today,
            "--out",
            out.to_str().unwrap(),
            "-q",
        ],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    out
}

fn read(out: &Path, path: &str) -> String {
    std::fs::read_to_string(out.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn read_json(out: &Path, path: &str) -> Value {
    serde_json::from_str(&read(out, path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The site path of an absolute URL of the site.
fn path_of(url: &Value) -> String {
    url.as_str().unwrap().strip_prefix(URL).unwrap().to_string()
}

/// The fixture, built once per test that only reads it.
fn built() -> (TempDir, PathBuf) {
    let dir = site();
    let out = build(dir.path(), TODAY);
    (dir, out)
}

fn line(major: u64, first: (&str, &str), latest: (&str, &str), eol: Value) -> Value {
    let (state, lts, note) = match major {
        1 => ("eol", false, Value::Null),
        2 => (
            "supported",
            true,
            json!(
                "Long-term support: security fixes until July 2026.\nSee [the schedule](/schedule/).\n"
            ),
        ),
        _ => ("current", false, Value::Null),
    };
    json!({
        "model": "granite-7b-lab", "channel": "versioned", "line": format!("{major}.x"),
        "major": major, "state": state, "first_release": first.0,
        "first_release_date": first.1, "latest": latest.0, "latest_date": latest.1,
        "eol": eol, "lts": lts, "note": note,
        "url": format!("{URL}granite-7b-lab/versioned/{major}.x/"),
    })
}

#[test]
fn lines_json_derives_every_line_newest_first() {
    let (_dir, out) = built();
    let got = read_json(&out, "api/v1/granite-7b-lab/versioned/lines.json");
    let want = json!({"model": "granite-7b-lab", "channel": "versioned", "lines": [
        // 3.0.0 is the only released 3.x final: planned 3.1.0 is not its latest.
        line(3, ("3.0.0", "2025-07-15"), ("3.0.0", "2025-07-15"), Value::Null),
        // The line file's eol overrides the policy's 2026-01-15.
        line(2, ("2.0.0", "2024-07-15"), ("2.1.1", "2025-03-01"), json!("2026-07-31")),
        // 2.0.0 on 2024-07-15 plus six months; the candidate is not the first.
        line(1, ("1.0.0", "2024-01-15"), ("1.0.2", "2024-10-01"), json!("2025-01-15")),
    ]});
    assert_eq!(got, want);
    // A channel with no released final has no line; a date channel no lines.json.
    assert_eq!(
        read_json(&out, "api/v1/phi-lab/versioned/lines.json"),
        json!({"model": "phi-lab", "channel": "versioned", "lines": []})
    );
    assert!(!out.join("api/v1/granite-7b-lab/stream/lines.json").exists());
    assert!(!out.join("api/v1/phi-lab/versioned/1.x").exists());
}

#[test]
fn each_line_has_a_latest_json_of_its_newest_released_final() {
    let (_dir, out) = built();
    let releases = read_json(&out, "api/v1/releases.json");
    let item = |version: &str| {
        releases["releases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["channel"] == "versioned" && r["version"] == version)
            .unwrap()
            .clone()
    };
    let lines = read_json(&out, "api/v1/granite-7b-lab/versioned/lines.json");
    for l in lines["lines"].as_array().unwrap() {
        let path = format!(
            "api/v1/granite-7b-lab/versioned/{}/latest.json",
            l["line"].as_str().unwrap()
        );
        let latest = read_json(&out, &path);
        assert_eq!(latest["version"], l["latest"], "{path}");
        assert_eq!(latest, item(l["latest"].as_str().unwrap()), "{path}");
    }
    // The yanked 2.0.1 and the planned 3.1.0 are never a line's latest.
    assert!(
        !out.join("api/v1/granite-7b-lab/versioned/4.x/latest.json")
            .exists()
    );
}

/// The text of the `<dt>` term's `<dd>` in `html`.
fn fact<'h>(html: &'h str, term: &str) -> &'h str {
    let at = html
        .find(&format!("<dt>{term}</dt><dd>"))
        .unwrap_or_else(|| panic!("no {term}"));
    let rest = &html[at + term.len() + 13..];
    &rest[..rest.find("</dd>").unwrap()]
}

#[test]
fn line_pages_lead_with_what_lines_json_says() {
    let (_dir, out) = built();
    let lines = read_json(&out, "api/v1/granite-7b-lab/versioned/lines.json");
    for l in lines["lines"].as_array().unwrap() {
        let name = l["line"].as_str().unwrap();
        let page = read(&out, &format!("{}index.html", path_of(&l["url"])));
        assert!(
            page.contains(&format!("<h1>Granite 7B Lab {name}</h1>")),
            "{name}"
        );
        let state = l["state"].as_str().unwrap();
        assert!(
            fact(&page, "State").contains(&format!("class=\"badge state-{state}\">{state}<")),
            "{name}"
        );
        let eol = fact(&page, "End of support");
        match l["eol"].as_str() {
            Some(d) => assert!(
                eol.starts_with(&format!("<time datetime=\"{d}\">")),
                "{eol}"
            ),
            None => assert_eq!(eol, "unknown"),
        }
        let lts = if l["lts"] == true { "yes" } else { "no" };
        assert_eq!(fact(&page, "Long-term support"), lts);
        // Its latest release leads the page, with the line's feeds and history.
        let latest = l["latest"].as_str().unwrap();
        assert!(fact(&page, "Latest release").contains(&format!(">{latest}</a>")));
        let feed = format!("{}atom.xml", l["url"].as_str().unwrap());
        assert!(page.contains(&format!(
            "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Granite 7B Lab (Versioned, {name} only) — Atom\" href=\"{feed}\">"
        )));
        let major = l["major"].as_u64().unwrap();
        let end = page.find("id=\"other-lines\"").unwrap();
        let history = &page[page.find("id=\"history\"").unwrap()..end];
        for other in [1, 2, 3].into_iter().filter(|&m| m != major) {
            assert!(!history.contains(&format!("versioned/{other}.")), "{name}");
        }
    }
    let two = read(&out, "granite-7b-lab/versioned/2.x/index.html");
    // The 2.x note, and the downloads of its latest release.
    assert!(two.contains(
        "<p>Long-term support: security fixes until July 2026.\nSee <a href=\"/lc/schedule/\""
    ));
    assert!(two.contains("set in releases/granite-7b-lab/versioned/line-2.yaml"));
    assert!(two.contains("6adeaad8c048b35ea54562c55e454cc32c63118a32c7b8152cf706b290611487"));
    assert!(two.contains("https://huggingface.co/instructlab/granite-7b-lab-GGUF/resolve/main/granite-7b-lab-2.1.1-Q4_K_M.gguf"));
    for v in ["2.0.0", "2.0.0-rc.1", "2.0.1", "2.1.0", "2.1.1"] {
        assert!(two.contains(&format!("versioned/{v}/\">{v}</a>")), "{v}");
    }
    let one = read(&out, "granite-7b-lab/versioned/1.x/index.html");
    assert!(one.contains("6 months after 2.x began with 2.0.0 on 2024-07-15"));
    // The sitemap lists them; no page for a line that does not exist.
    let sitemap = read(&out, "sitemap.xml");
    for major in [1, 2, 3] {
        assert!(sitemap.contains(&format!(
            "<loc>{URL}granite-7b-lab/versioned/{major}.x/</loc>"
        )));
    }
    assert!(!out.join("phi-lab/versioned/1.x").exists());
}

#[test]
fn the_channel_page_groups_its_history_by_line() {
    let (_dir, out) = built();
    let html = read(&out, "granite-7b-lab/versioned/index.html");
    let history = &html[html.find("<h2 id=\"history\">").unwrap()..];
    let at = |needle: &str| history.find(needle).unwrap_or_else(|| panic!("{needle}"));
    let three = at(
        "<h3 id=\"major-3\"><a href=\"/lc/granite-7b-lab/versioned/3.x/\">3.x</a> <span class=\"badge state-current\">current</span></h3>",
    );
    let two = at(
        "<h3 id=\"major-2\"><a href=\"/lc/granite-7b-lab/versioned/2.x/\">2.x</a> <span class=\"badge state-supported\">supported</span> <span class=\"badge lts\">LTS</span></h3>",
    );
    let one = at(
        "<h3 id=\"major-1\"><a href=\"/lc/granite-7b-lab/versioned/1.x/\">1.x</a> <span class=\"badge state-eol\">eol</span></h3>",
    );
    assert!(three < two && two < one, "newest line first");
    assert!(history[two..one].contains("End of support: <time datetime=\"2026-07-31\">"));
    assert!(history[one..].contains("End of support: <time datetime=\"2025-01-15\">"));
    assert!(history[three..two].contains("End of support: unknown · LTS: no"));
    // `major.minor` lines sit under their major, releases under those.
    assert!(history[two..one].contains("<h4 id=\"line-2-1\">2.1</h4>"));
    assert!(history[one..].contains("versioned/1.0.2/\">1.0.2</a>"));
    // The channel across models shows the lines too.
    let channel = read(&out, "versioned/index.html");
    assert!(channel.contains("<dt>Support</dt><dd>an older major line gets fixes for 6 months"));
    assert!(channel.contains("<a class=\"version\" href=\"/lc/granite-7b-lab/versioned/2.x/\">2.x</a></td><td><span class=\"badge state-supported\">supported</span></td><td><time datetime=\"2026-07-31\">"));
}

/// Entry ids of an Atom feed, and the feed's alternate link.
fn atom_feed(out: &Path, path: &str) -> (Vec<String>, String, atom_syndication::Feed) {
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
    let (_dir, out) = built();
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
    let dir = site();
    let line2 = format!("{V}/line-2.yaml");
    let eol_2 = "tag:releases.example.org,2025:granite-7b-lab/versioned/2.x/eol";
    for (eol, in_feed) in [("2025-07-21", false), (TODAY, true)] {
        let text = std::fs::read_to_string(dir.path().join(&line2)).unwrap();
        let text = text
            .lines()
            .map(|l| {
                if l.starts_with("eol:") {
                    format!("eol: {eol}")
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        write(dir.path(), &line2, &text);
        let out = build(dir.path(), TODAY);
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
    let (_dir, out) = built();
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
    let (dir, out) = built();
    let run = cadence(
        dir.path(),
        &["schedule", "--today", TODAY, "--format", "json"],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    let got: Value = serde_json::from_str(&run.stdout).unwrap();
    let lines = read_json(&out, "api/v1/granite-7b-lab/versioned/lines.json");
    assert_eq!(got["lines"], lines["lines"]);
    assert!(got["slots"].as_array().is_some_and(|s| !s.is_empty()));
    // schedule.json is the same shape.
    assert_eq!(
        read_json(&out, "api/v1/schedule.json")["lines"],
        lines["lines"]
    );
    let run = cadence(
        dir.path(),
        &[
            "schedule", "--today", TODAY, "--format", "json", "--model", "phi-lab",
        ],
    );
    assert_eq!(
        serde_json::from_str::<Value>(&run.stdout).unwrap()["lines"],
        json!([])
    );
    let run = cadence(dir.path(), &["schedule", "--today", TODAY]);
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

/// `check --format json` of `root` on `TODAY`: exit status and
/// (code, file, line) of the findings with `code`.
fn findings(root: &Path, code: &str) -> (i32, Vec<(String, Option<u64>)>) {
    let (status, report) = check_json(root, TODAY, &[]);
    let found = with_code(&report, code)
        .iter()
        .map(|d| (d["file"].as_str().unwrap().to_string(), d["line"].as_u64()))
        .collect();
    (status, found)
}

#[test]
fn line_eol_is_a_final_dated_after_its_lines_end() {
    let dir = site();
    let root = dir.path();
    // On its line's eol day a final is in time; a day later it is not. A
    // candidate is no final.
    write(
        root,
        &format!("{V}/1.0.3.yaml"),
        "version: 1.0.3\ndate: 2025-01-15\nsummary: s\nrevision: 1000000000000000000000000000000000000004\n",
    );
    write(
        root,
        &format!("{V}/1.0.4-rc.1.yaml"),
        "version: 1.0.4-rc.1\ndate: 2025-01-16\nsummary: s\nrevision: 1000000000000000000000000000000000000005\n",
    );
    assert_eq!(findings(root, "line-eol"), (0, vec![]));
    write(
        root,
        &format!("{V}/1.0.4.yaml"),
        "# a late fix\nversion: 1.0.4\ndate: 2025-01-16\nsummary: s\nrevision: 1000000000000000000000000000000000000005\n",
    );
    let (status, found) = findings(root, "line-eol");
    assert_eq!(
        (status, found),
        (1, vec![(format!("{V}/1.0.4.yaml"), Some(3))])
    );
    let (_, report) = check_json(root, TODAY, &[]);
    let d = with_code(&report, "line-eol")[0];
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("after the end of support of 1.x on 2025-01-15"),
        "{d}"
    );
    // A line file's eol: 2.1.1 (2025-03-01) is after 2.x's moved end.
    std::fs::remove_file(root.join(format!("{V}/1.0.4.yaml"))).unwrap();
    let line2 = std::fs::read_to_string(root.join(format!("{V}/line-2.yaml"))).unwrap();
    write(
        root,
        &format!("{V}/line-2.yaml"),
        &line2.replace("eol: 2026-07-31", "eol: 2025-02-28"),
    );
    assert_eq!(
        findings(root, "line-eol"),
        (1, vec![(format!("{V}/2.1.1.yaml"), Some(2))])
    );
}

#[test]
fn line_unknown_is_a_line_file_of_no_line() {
    let dir = site();
    let root = dir.path();
    write(
        root,
        &format!("{V}/line-4.yaml"),
        "kind: line\nmajor: 4\nlts: true\n",
    );
    write(
        root,
        "releases/granite-7b-lab/stream/line-1.yaml",
        "# misplaced\nkind: line\nmajor: 1\n",
    );
    write(
        root,
        "releases/phi-lab/versioned/line-1.yaml",
        "kind: line\nmajor: 1\n",
    );
    let (status, found) = findings(root, "line-unknown");
    assert_eq!(status, 1);
    assert_eq!(
        found,
        [
            (
                "releases/granite-7b-lab/stream/line-1.yaml".to_string(),
                Some(2)
            ),
            (format!("{V}/line-4.yaml"), Some(2)),
            (
                "releases/phi-lab/versioned/line-1.yaml".to_string(),
                Some(2)
            ),
        ]
    );
    // The file stem names the major.
    let dir = site();
    let root = dir.path();
    write(root, &format!("{V}/line-2.yaml"), "kind: line\nmajor: 3\n");
    write(root, &format!("{V}/line-3.yaml"), "kind: line\nmajor: 3\n");
    write(
        root,
        &format!("{V}/line-1.yaml"),
        "version: 1.0.9\ndate: 2024-11-01\nsummary: s\nrevision: 1000000000000000000000000000000000000009\n",
    );
    let (status, report) = check_json(root, TODAY, &[]);
    assert_eq!(status, 1);
    let names: Vec<_> = summary(&report)
        .into_iter()
        .filter(|d| d.0 == "file-name")
        .map(|d| (d.2, d.3))
        .collect();
    assert_eq!(
        names,
        [
            (format!("{V}/line-1.yaml"), Some(1)),
            (format!("{V}/line-2.yaml"), Some(2))
        ]
    );
    // A line file's schema: `major` a whole number, `lts` a boolean.
    let dir = site();
    write(
        dir.path(),
        &format!("{V}/line-2.yaml"),
        "kind: line\nmajor: two\nlts: maybe\neol: soon\n",
    );
    let (_, report) = check_json(dir.path(), TODAY, &[]);
    let schema: Vec<_> = summary(&report)
        .into_iter()
        .filter(|d| d.0 == "schema")
        .map(|d| d.3)
        .collect();
    assert_eq!(schema, [Some(2), Some(3), Some(4)]);
}

#[test]
fn the_support_policy_is_checked_like_the_rest_of_the_config() {
    for (from, to, line, says) in [
        ("months = 6", "monhts = 6", 36, "did you mean `months`?"),
        ("months = 6", "months = -1", 36, "from 0 to 1200"),
        ("months = 6", "months = \"6\"", 36, "invalid type"),
        (
            "[channels.versioned.support]",
            "[channels.versioned.suport]",
            35,
            "did you mean `support`?",
        ),
        (
            "[channels.versioned.support]",
            "[channels.stream.support]",
            35,
            "only for semver",
        ),
    ] {
        let dir = site();
        let config = std::fs::read_to_string(dir.path().join("cadence.toml")).unwrap();
        write(dir.path(), "cadence.toml", &config.replace(from, to));
        let (status, report) = check_json(dir.path(), TODAY, &[]);
        assert_eq!(status, 2, "{to}");
        let d = &report["diagnostics"][0];
        assert_eq!(
            (d["code"].as_str(), d["line"].as_u64()),
            (Some("config"), Some(line)),
            "{to}: {d}"
        );
        let text = format!("{} {}", d["message"], d["help"]);
        assert!(text.contains(says), "{to}: {text}");
    }
}

#[test]
fn new_line_scaffolds_an_existing_line_and_never_overwrites() {
    let dir = site();
    let root = dir.path();
    let run = cadence(
        root,
        &[
            "new",
            "line",
            "granite-7b-lab",
            "versioned",
            "1",
            "--today",
            TODAY,
        ],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    let path = root.join(format!("{V}/line-1.yaml"));
    assert_eq!(run.stdout.trim(), path.to_str().unwrap());
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("\nkind: line\nmajor: 1 "), "{text}");
    assert!(text.contains("# eol: 2025-01-15"), "{text}");
    assert_eq!(
        check_json(root, TODAY, &[]).0,
        0,
        "the new file passes check"
    );
    for (args, says) in [
        (["granite-7b-lab", "versioned", "1"], "already exists"),
        (["granite-7b-lab", "versioned", "2"], "already exists"),
        (
            ["granite-7b-lab", "versioned", "4"],
            "no released 4.x final",
        ),
        (["phi-lab", "versioned", "1"], "no released 1.x final"),
        (["granite-7b-lab", "stream", "1"], "date versions"),
        (
            ["granite-7b-lab", "versioned", "one"],
            "not a major version",
        ),
        (["granite-7b-lab", "nope", "1"], "not a channel"),
    ] {
        let before = std::fs::read_to_string(&path).unwrap();
        let mut all = vec!["new", "line"];
        all.extend(args);
        let run = cadence(root, &all);
        assert_eq!(run.status, 2, "{args:?}");
        assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
    }
    assert!(!root.join(format!("{V}/line-4.yaml")).exists());
    assert!(
        !root
            .join("releases/granite-7b-lab/stream/line-1.yaml")
            .exists()
    );
}

#[test]
fn announce_an_end_of_support() {
    let dir = site();
    let root = dir.path();
    let run = cadence(
        root,
        &[
            "announce",
            "granite-7b-lab",
            "versioned",
            "line-1",
            "--today",
            TODAY,
        ],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with(
            "Subject: [ANN] Granite 7B Lab 1.x reached end of support on 2025-01-15\n\n"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "    https://releases.example.org/lc/granite-7b-lab/versioned/1.x/atom.xml\n"
        )
    );
    let eml = root.join("eol.eml");
    let run = cadence(
        root,
        &[
            "announce",
            "granite-7b-lab",
            "versioned",
            "line-2",
            "--today",
            TODAY,
            "--eml",
            eml.to_str().unwrap(),
        ],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    let mail = std::fs::read_to_string(&eml).unwrap();
    for header in [
        "From: Release team <release-team@example.org>\r\n",
        "To: announce@example.org\r\n",
        "Subject: [ANN] Granite 7B Lab 2.x end of support on 2026-07-31\r\n",
        "Date: Sun, 20 Jul 2025 00:00:00 +0000\r\n",
        "Message-ID: <line.granite-7b-lab.versioned.2@releases.example.org>\r\n",
        "Content-Type: text/plain; charset=utf-8\r\n",
    ] {
        assert!(mail.contains(header), "{header}\n{mail}");
    }
    // The note, as text.
    assert!(mail.contains("Long-term support: security fixes until July 2026."));
    for (target, says) in [
        ("line-3", "end of support of 3.x is unknown"),
        ("line-4", "no line 4.x"),
        ("line-x", "not line-<major>"),
    ] {
        let run = cadence(
            root,
            &[
                "announce",
                "granite-7b-lab",
                "versioned",
                target,
                "--today",
                TODAY,
            ],
        );
        assert_eq!(run.status, 2, "{target}");
        assert!(run.stderr.contains(says), "{target}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{target}");
    }
}

#[test]
fn the_schema_knows_line_files() {
    let dir = site();
    let run = cadence(dir.path(), &["schema"]);
    let schema: Value = serde_json::from_str(&run.stdout).unwrap();
    let line = &schema["$defs"]["line"];
    assert_eq!(line["required"], json!(["kind", "major"]));
    assert_eq!(line["additionalProperties"], false);
    assert_eq!(line["properties"]["lts"]["type"], "boolean");
    assert!(
        schema["oneOf"]
            .as_array()
            .unwrap()
            .contains(&json!({"$ref": "#/$defs/line"}))
    );
    let out = build(dir.path(), TODAY);
    let published = read_json(&out, "schema/manifest.schema.json");
    assert_eq!(published["$defs"]["line"], schema["$defs"]["line"]);
}

#[test]
fn a_hostile_note_is_sanitised_everywhere() {
    let dir = site();
    let note = "note: |\n  <script>alert(1)</script> <a href=\"javascript:alert(2)\">x</a> <img src=x onerror=alert(3)> & <b>bold</b>\n";
    write(
        dir.path(),
        &format!("{V}/line-1.yaml"),
        &format!("kind: line\nmajor: 1\n{note}"),
    );
    let out = build(dir.path(), TODAY);
    for path in [
        "granite-7b-lab/versioned/1.x/index.html",
        "granite-7b-lab/versioned/1.x/atom.xml",
        "granite-7b-lab/versioned/1.x/rss.xml",
        "calendar.ics",
    ] {
        let text = read(&out, path);
        for bad in ["<script", "javascript:", "onerror"] {
            assert!(!text.contains(bad), "{path} has {bad}");
        }
    }
    // Still valid: the feed parses and keeps the entry.
    let (ids, _, _) = atom_feed(&out, "granite-7b-lab/versioned/1.x/atom.xml");
    assert_eq!(ids[0], EOL_1);
    assert!(read(&out, "granite-7b-lab/versioned/1.x/index.html").contains("<b>bold</b>"));
}
