//! What a reader sees of numbers: the evaluation chart's structure (one
//! series per major line, each point titled with its version and score, the
//! value axis from 0), scores as the manifest wrote them, and sizes in one
//! unit system with the exact byte count at hand, on pages, in feeds, in
//! the API and in announcements.

use crate::prelude::*;

const CONFIG: &str = r#"title = "Figures"
base_url = "https://releases.example.org/"

[author]
name = "Release team"

[announce]
to = "announce@example.org"
from = "Release team <team@example.org>"

[channels.stream]
title = "Stream"
versioning = "date"
tag = "release-{compact}"

[channels.versioned]
title = "Versioned"
versioning = "semver"
tag = "v{version}"

[metrics.mt_bench]
title = "MT-Bench"

[models.m]
title = "Model M"

[models.m.repos]
stream = "o/m-stream"
versioned = "o/m"
"#;

fn release(version: &str, date: &str, score: &str) -> String {
    format!(
        "version: {version}\ndate: {date}\nsummary: Release {version}.\nrevision: {}\nevaluations:\n  mt_bench: {score}\n",
        "a".repeat(40)
    )
}

/// 1.0.0, then 2.0.0, then a 1.0.1 backport dated after 2.0.0, and a
/// stream build; 1.0.0 scored `7.0` and carries a 4,080,218,931-byte GGUF.
fn site() -> SiteTest {
    let mut site = SiteTest::empty();
    site.write("cadence.toml", CONFIG)
        .write(
            "releases/m/versioned/1.0.0.yaml",
            release("1.0.0", "2024-01-15", "7.0")
                + "artifacts:\n  - format: gguf\n    file: m-Q4_K_M.gguf\n    quantization: Q4_K_M\n    size: 4080218931\n",
        )
        .write(
            "releases/m/versioned/2.0.0.yaml",
            release("2.0.0", "2024-03-01", "7.50"),
        )
        .write(
            "releases/m/versioned/1.0.1.yaml",
            release("1.0.1", "2024-04-01", "7.01"),
        )
        .write(
            "releases/m/stream/2024-05-01.yaml",
            release("2024-05-01", "2024-05-01", "7.25"),
        )
        .today("2024-06-01");
    site
}

/// The first chart's `<svg>` of a model page, parsed.
fn chart_svg(html: &str) -> String {
    let start = html.find("<svg class=\"chart-svg\"").expect("a chart");
    let end = start + html[start..].find("</svg>").unwrap() + "</svg>".len();
    html[start..end].to_string()
}

#[test]
fn the_chart_draws_one_series_per_major_line_with_titled_points() {
    let site = site();
    let out = site.build(&[]);
    let html = read(&out, "m/index.html");
    let svg = chart_svg(&html);
    let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
    let series: Vec<(String, Vec<String>, bool)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("g") && n.attribute("data-line").is_some())
        .map(|g| {
            let titles = g
                .descendants()
                .filter(|n| n.has_tag_name("circle"))
                .map(|c| {
                    c.children()
                        .find(|t| t.has_tag_name("title"))
                        .and_then(|t| t.text())
                        .expect("every point has a <title>")
                        .to_string()
                })
                .collect();
            let joined = g.descendants().any(|n| n.has_tag_name("polyline"));
            (
                g.attribute("data-line").unwrap().to_string(),
                titles,
                joined,
            )
        })
        .collect();
    let lines: Vec<&str> = series.iter().map(|s| s.0.as_str()).collect();
    assert_eq!(lines, ["stream", "1.x", "2.x"], "{svg}");
    let of = |line: &str| &series.iter().find(|s| s.0 == line).unwrap().1;
    // The backport joins 1.x, not 2.x; each point names its version and
    // its score as written.
    assert_eq!(
        of("1.x"),
        &["Versioned 1.x 1.0.0: 7.0", "Versioned 1.x 1.0.1: 7.01"]
    );
    assert_eq!(of("2.x"), &["Versioned 2.x 2.0.0: 7.50"]);
    assert_eq!(of("stream"), &["Stream 2024-05-01: 7.25"]);
    // Only a line with two points or more is joined; builds are points.
    let joined: Vec<bool> = series.iter().map(|s| s.2).collect();
    assert_eq!(joined, [false, true, false]);
    // The legend names each line.
    assert!(html.contains("<span class=\"swatch line s2\"></span>Versioned 2.x</span>"));
    // Only the SVG's series carry `data-line`, once each.
    assert_eq!(html.matches("data-line=\"1.x\"").count(), 1);
    // The value axis starts at 0: scores near 7 never fill the plot.
    let ticks: Vec<&str> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("tick"))
        .filter_map(|n| n.text())
        .filter(|t| !t.contains('-'))
        .collect();
    assert_eq!(ticks.first(), Some(&"0"), "{ticks:?}");
    // The table beside the chart shows the scores as written.
    assert!(html.contains("<td class=\"num\">7.0</td>"), "{html}");
    assert!(html.contains("<td class=\"num\">7.50</td>"), "{html}");
}

#[test]
fn scores_show_as_written_on_pages_in_feeds_and_announcements() {
    let site = site();
    let out = site.build(&[]);
    let page = read(&out, "m/versioned/1.0.0/index.html");
    assert!(page.contains("<td class=\"num\">7.0</td>"), "{page}");
    let backport = read(&out, "m/versioned/1.0.1/index.html");
    assert!(
        backport.contains("<td class=\"num\">7.01</td>"),
        "{backport}"
    );
    // The feed's entry lists the score as written.
    let feed = atom_syndication::Feed::read_from(read(&out, "m/versioned/atom.xml").as_bytes())
        .expect("Atom");
    let entry = feed
        .entries
        .iter()
        .find(|e| e.id.ends_with("m/versioned/1.0.0"))
        .expect("the 1.0.0 entry");
    let content = entry
        .content
        .as_ref()
        .and_then(|c| c.value.as_deref())
        .unwrap();
    assert!(content.contains("MT-Bench: 7.0<"), "{content}");
    // The API keeps a JSON number.
    let api: serde_json::Value = serde_json::from_str(&read(&out, "api/v1/releases.json")).unwrap();
    let item = api["releases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["version"] == "1.0.0")
        .unwrap();
    assert_eq!(item["evaluations"]["mt_bench"].as_f64(), Some(7.0));
    // The announcement.
    let run = site.run(["announce", "m", "versioned", "2.0.0"]);
    run.success();
    assert!(
        run.stdout.contains("MT-Bench  7.50  (+0.50 from 1.0.0)"),
        "{}",
        run.stdout
    );
    let run = site.run(["announce", "m", "versioned", "1.0.0"]);
    assert!(run.stdout.contains("MT-Bench  7.0\n"), "{}", run.stdout);
}

#[test]
fn sizes_read_in_decimal_units_everywhere_with_the_byte_count_in_a_title() {
    let site = site();
    let out = site.build(&[]);
    let page = read(&out, "m/versioned/1.0.0/index.html");
    assert!(
        page.contains("<data value=\"4080218931\" title=\"4,080,218,931 bytes\">4.08 GB</data>"),
        "{page}"
    );
    for feed in ["atom.xml", "rss.xml", "m/versioned/rss.xml"] {
        let text = read(&out, feed);
        assert!(text.contains("Q4_K_M, 4.08 GB"), "{feed}: {text}");
        assert!(!text.contains("GiB"), "{feed}: {text}");
    }
    let run = site.run(["announce", "m", "versioned", "1.0.0"]);
    assert!(run.stdout.contains("4.08 GB"), "{}", run.stdout);
    assert!(!run.stdout.contains("GiB"), "{}", run.stdout);
}
