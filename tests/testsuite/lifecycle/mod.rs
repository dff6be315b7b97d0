//! The support lifecycle of major lines (SPEC 10) on the fixture
//! `tests/fixtures/lifecycle/`, built on 2025-07-20: granite's versioned
//! channel has 1.x (ended 2025-01-15, six months after 2.0.0 by the
//! policy), 2.x (supported and LTS until 2026-07-31, by its line file) and
//! 3.x (current). Each output is checked as a reader, subscriber or script
//! would, and against `lines.json`: the line pages, the channel page, the
//! per-line `latest.json` (here), the feeds, the calendars and `cadence
//! schedule` (`feeds`) all say the same. Then the rules `line-eol` and
//! `line-unknown` and the `[support]` config (`rules`), `cadence new line`,
//! `cadence announce line-N`, the schema and a hostile note (`commands`).
//!
//! The fixture is a whole site, not a delta of the good one: three lines
//! need a dozen releases and a line file.

mod commands;
mod feeds;
mod rules;

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::prelude::*;

pub const TODAY: &str = "2025-07-20";
pub const URL: &str = "https://releases.example.org/lc/";
pub const V: &str = "releases/granite-7b-lab/versioned";
pub const EOL_1: &str = "tag:releases.example.org,2025:granite-7b-lab/versioned/1.x/eol";

/// A copy of `tests/fixtures/lifecycle/`, run on [`TODAY`].
pub fn site() -> SiteTest {
    let mut site = SiteTest::from("lifecycle");
    site.today(TODAY);
    site
}

/// The fixture, built on [`TODAY`] into its `public/`, for a test that
/// only reads the output.
pub fn built() -> (SiteTest, PathBuf) {
    let site = site();
    let out = site.build(&[]);
    (site, out)
}

/// The output file `path` as JSON.
#[track_caller]
pub fn read_json(out: &Path, path: &str) -> Value {
    serde_json::from_str(&read(out, path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The site path of an absolute URL of the site.
fn path_of(url: &Value) -> String {
    url.as_str().unwrap().strip_prefix(URL).unwrap().to_string()
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
    let (_site, out) = built();
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
    let (_site, out) = built();
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
    let (_site, out) = built();
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
    let (_site, out) = built();
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
