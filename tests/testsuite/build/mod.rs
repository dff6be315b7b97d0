//! `cadence build` on fixture sites: what a reader, a subscriber and a
//! maintainer would check in the output.

mod output;
mod reader;

use crate::prelude::*;

/// The day every build test builds on.
pub const TODAY: &str = "2025-05-20";

/// A copy of the build-test fixture `tests/fixtures/site`, run on [`TODAY`].
pub fn site() -> SiteTest {
    let mut site = SiteTest::from("site");
    site.today(TODAY);
    site
}

const SITE_ATOM: &str = "https://releases.example.org/cmb/atom.xml";
const SITE_RSS: &str = "https://releases.example.org/cmb/rss.xml";
const V110: &str = "granite-7b-lab/versioned/1.1.0/index.html";

#[test]
fn every_page_of_spec_7_is_built() {
    let site = site();
    let out = site.build(&[]);
    for path in [
        "index.html",
        "granite-7b-lab/index.html",
        "merlinite-7b-lab/index.html",
        "granite-7b-lab/versioned/index.html",
        "granite-7b-lab/stream/index.html",
        V110,
        "granite-7b-lab/versioned/1.1.0-rc.2/index.html",
        "granite-7b-lab/versioned/1.2.0/index.html",
        "granite-7b-lab/stream/2024-10-01.2/index.html",
        "granite-7b-lab/versioned/skip-2025-03-02/index.html",
        "stream/index.html",
        "versioned/index.html",
        "schedule/index.html",
        "about/index.html",
        "faq/index.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
        "static/style.css",
        ".cadence-build",
        // A file beside the content pages.
        "img/pipeline.svg",
        // Feeds, calendars, the JSON API and the schema.
        "atom.xml",
        "rss.xml",
        "stream/atom.xml",
        "versioned/rss.xml",
        "granite-7b-lab/versioned/atom.xml",
        "granite-7b-lab/versioned/rss.xml",
        "granite-7b-lab/versioned/1.x/atom.xml",
        "granite-7b-lab/versioned/1.x/rss.xml",
        "granite-7b-lab/candidates/atom.xml",
        "granite-7b-lab/candidates/rss.xml",
        "granite-7b-lab/stream/atom.xml",
        "calendar.ics",
        "granite-7b-lab/calendar.ics",
        "api/v1/releases.json",
        "api/v1/schedule.json",
        "api/v1/granite-7b-lab/versioned/latest.json",
        "api/v1/granite-7b-lab/stream/latest.json",
        "schema/manifest.schema.json",
    ] {
        assert!(out.join(path).is_file(), "{path} is missing");
    }
}

#[test]
fn every_page_links_its_feeds() {
    let site = site();
    let out = site.build(&[]);
    let pages = html_pages(&out);
    assert!(pages.len() >= 25, "{pages:?}");
    for page in &pages {
        let html = read(&out, page);
        assert!(
            html.contains(&format!(
                r#"<link rel="alternate" type="application/atom+xml" title="Community Model Build — Atom" href="{SITE_ATOM}">"#
            )),
            "{page} does not link the site's Atom feed"
        );
        assert!(
            html.contains(&format!(
                r#"<link rel="alternate" type="application/rss+xml" title="Community Model Build — RSS" href="{SITE_RSS}">"#
            )),
            "{page} does not link the site's RSS feed"
        );
        assert!(
            html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"),
            "{page}"
        );
        assert!(
            html.contains("Demonstration data: these releases are made up"),
            "{page} lacks the notice"
        );
    }
    // Pages link the feeds they belong to, most specific first.
    let release = read(&out, V110);
    let model_channel = release
        .find("https://releases.example.org/cmb/granite-7b-lab/versioned/atom.xml")
        .unwrap();
    let major = release
        .find("https://releases.example.org/cmb/granite-7b-lab/versioned/1.x/atom.xml")
        .unwrap();
    let site_feed = release.find(SITE_ATOM).unwrap();
    assert!(model_channel < major && major < site_feed);
    let model = read(&out, "granite-7b-lab/index.html");
    assert!(model.contains(
        r#"type="application/atom+xml" title="Granite 7B Lab: release candidates — Atom" href="https://releases.example.org/cmb/granite-7b-lab/candidates/atom.xml""#
    ));
    let candidate = read(&out, "granite-7b-lab/versioned/1.1.0-rc.1/index.html");
    assert!(candidate.contains("granite-7b-lab/candidates/rss.xml"));
    assert!(
        !candidate.contains("versioned/1.x/atom.xml"),
        "a candidate is in no major-line feed"
    );
}

#[test]
fn release_page_shows_downloads_checksums_commands_scores_and_provenance() {
    let site = site();
    let out = site.build(&[]);
    let html = read(&out, V110);
    for want in [
        // What to download, with size and checksum.
        "6adeaad8c048b35ea54562c55e454cc32c63118a32c7b8152cf706b290611487",
        "4.08 GB",
        "title=\"4,080,218,931 bytes\">4.08 GB</data>",
        "https://huggingface.co/instructlab/granite-7b-lab-GGUF/resolve/main/granite-7b-lab-Q4_K_M.gguf",
        // Scores against the previous final, and the gate.
        "Compared with <a href=\"/cmb/granite-7b-lab/versioned/1.0.0/\">1.0.0</a>, the previous final release.",
        "<span class=\"trend-up\">+0.19</span>",
        "≥ 7.1 <span class=\"badge pass\">passes</span>",
        // Where it came from.
        "https://huggingface.co/instructlab/granite-7b-lab/tree/cccccccccccccccccccccccccccccccccccccccc",
        "<code>v1.1.0</code>",
        "<code>cmb-run-2024-11-15</code>",
        "<code>8529256a</code>",
        // The slot it fulfils.
        "<dt>Schedule slot</dt><dd><time datetime=\"2024-12-02\">2024-12-02</time>",
    ] {
        assert!(html.contains(want), "the 1.1.0 page lacks {want:?}");
    }
    // Copy-ready commands, each word in a span that does not wrap.
    let words = html
        .replace("<span class=\"word\">", "")
        .replace("</span>", "");
    for want in [
        "<code>ollama run hf.co/instructlab/granite-7b-lab-GGUF:Q4_K_M</code>",
        "<code>ollama run instructlab/granite-7b-lab:1.1.0</code>",
        "<code>hf download instructlab/granite-7b-lab --revision cccccccccccccccccccccccccccccccccccccccc</code>",
        "<code>hf download instructlab/granite-7b-lab-GGUF granite-7b-lab-Q4_K_M.gguf --revision main</code>",
    ] {
        assert!(words.contains(want), "the 1.1.0 page lacks {want:?}");
    }
    assert!(
        html.contains("<span class=\"word\">--revision</span> <span class=\"word\">main</span>")
    );
    // Its candidates, newest first.
    let rc2 = html.find("versioned/1.1.0-rc.2/").unwrap();
    let rc1 = html.find("versioned/1.1.0-rc.1/").unwrap();
    assert!(rc2 < rc1);
    // A candidate is compared with the previous candidate of its final.
    let rc = read(&out, "granite-7b-lab/versioned/1.1.0-rc.2/index.html");
    assert!(rc.contains(
        "A release candidate of <a href=\"/cmb/granite-7b-lab/versioned/1.1.0/\">1.1.0</a>"
    ));
    assert!(rc.contains(
        "Compared with <a href=\"/cmb/granite-7b-lab/versioned/1.1.0-rc.1/\">1.1.0-rc.1</a>"
    ));
    // A stream build against the previous build.
    let build = read(&out, "granite-7b-lab/stream/2024-11-15/index.html");
    assert!(build.contains("Compared with <a href=\"/cmb/granite-7b-lab/stream/2024-10-01.2/\">2024-10-01.2</a>, the previous build."));
}

#[test]
fn release_notes_are_sanitised_but_keep_their_structure() {
    let site = site();
    let out = site.build(&[]);
    let html = read(&out, V110);
    let notes = &html[html.find("<h2 id=\"notes\">").unwrap()..];
    let notes = &notes[..notes.find("</section>").unwrap()];
    for banned in ["<script", "alert", "onerror", "onclick", "javascript:"] {
        assert!(
            !notes.contains(banned),
            "the notes keep {banned:?}:\n{notes}"
        );
    }
    for kept in [
        r#"<h3 id="whats-new">What's new</h3>"#,
        r#"<input type="checkbox" checked="" disabled="" aria-label="done">"#,
        r#"<th style="text-align:right">1.0.0</th>"#,
        r#"<div class="footnote-definition" id="fn-prs">"#,
        r##"<a href="#fn-prs""##,
        r#"<del>No GGUF</del>"#,
        // A site-relative link gets base_url's path.
        r#"<a href="/cmb/schedule/""#,
        // Raw HTML too: the image of a site-relative URL gets the base path.
        r#"<img src="/cmb/img/pipeline.svg" alt="The pipeline">"#,
    ] {
        assert!(notes.contains(kept), "the notes lost {kept:?}:\n{notes}");
    }
}

#[test]
fn yanked_planned_retired_and_skipped_releases_say_so() {
    let site = site();
    let out = site.build(&[]);
    let yanked = read(&out, "granite-7b-lab/versioned/1.1.1/index.html");
    assert!(yanked.contains("<div class=\"banner state yanked\"><p><strong>Yanked</strong> on <time datetime=\"2024-12-20\">2024-12-20</time>: The chat template broke tool calls; use 1.1.0.</p>"));
    // A reader of a yanked release is pointed at the latest one.
    assert!(yanked.contains("Use <a class=\"version\" href=\"/cmb/granite-7b-lab/versioned/1.1.0/\">1.1.0</a> (<time datetime=\"2024-12-02\">2024-12-02</time>) instead, the latest Versioned release."));
    assert!(!read(&out, V110).contains("The latest Versioned release is"));
    let planned = read(&out, "granite-7b-lab/versioned/1.2.0/index.html");
    assert!(planned.contains("<strong>Upcoming.</strong> Planned for <time datetime=\"2025-06-02\">2025-06-02</time>; not published yet."));
    assert!(
        !planned.contains("hf download"),
        "nothing to download before the release"
    );
    // Upcoming on the home page and the model page, as the next slot's release.
    for page in ["index.html", "granite-7b-lab/index.html"] {
        let html = read(&out, page);
        assert!(html.contains("Upcoming: <a class=\"version\" href=\"/cmb/granite-7b-lab/versioned/1.2.0/\">1.2.0</a>"), "{page}");
        assert!(html.contains("Next slot: <time datetime=\"2025-06-02\">2025-06-02</time> <span class=\"badge state-planned\">planned</span>"), "{page}");
    }
    // retention = 3: the two oldest released builds are retired.
    for (build, retired) in [
        ("2024-09-10", true),
        ("2024-10-01", true),
        ("2024-10-01.2", false),
        ("2025-01-20", false),
    ] {
        let html = read(&out, &format!("granite-7b-lab/stream/{build}/index.html"));
        assert_eq!(
            html.contains("<strong>Retired.</strong>"),
            retired,
            "stream build {build}"
        );
    }
    let skip = read(&out, "granite-7b-lab/versioned/skip-2025-03-02/index.html");
    assert!(skip.contains(
        "Nothing merged into the taxonomy since <strong>1.1.0</strong> passed the gates."
    ));
    assert!(skip.contains("announced <time datetime=\"2025-02-10\">2025-02-10</time>"));
}

#[test]
fn history_groups_lines_with_candidates_under_their_final() {
    let site = site();
    let out = site.build(&[]);
    let html = read(&out, "granite-7b-lab/versioned/index.html");
    // `major.minor` lines under their major line (SPEC 10).
    let major = html.find("<h3 id=\"major-1\">").unwrap();
    let l12 = html.find("<h4 id=\"line-1-2\">1.2</h4>").unwrap();
    let l11 = html.find("<h4 id=\"line-1-1\">1.1</h4>").unwrap();
    let l10 = html.find("<h4 id=\"line-1-0\">1.0</h4>").unwrap();
    assert!(major < l12);
    assert!(l12 < l11 && l11 < l10, "lines newest first");
    let final_110 = html.find("versioned/1.1.0/\">1.1.0</a>").unwrap();
    let candidates = html[final_110..]
        .find("<ul class=\"candidates\" aria-label=\"Release candidates of 1.1.0\">")
        .unwrap();
    let rc2 = html[final_110..].find("1.1.0-rc.2/").unwrap();
    assert!(candidates < rc2 && final_110 + rc2 < l10);
}

#[test]
fn model_page_charts_each_metric_with_the_gate_and_a_table() {
    let site = site();
    let out = site.build(&[]);
    let html = read(&out, "granite-7b-lab/index.html");
    assert_eq!(
        html.matches("<svg class=\"chart-svg\"").count(),
        2,
        "MMLU and MT-Bench"
    );
    assert!(html.contains("<title id=\"chart-2-title\">MT-Bench over time</title>"));
    assert!(html.contains("role=\"img\""));
    // Versioned finals as a line, stream builds as points, the gate dashed.
    assert_eq!(html.matches("<polyline class=\"line").count(), 2);
    assert_eq!(html.matches("<circle class=\"point").count(), 5);
    assert!(html.contains("<line class=\"gate\""));
    assert!(html.contains("Versioned gate ≥ 7.1"));
    assert!(html.contains("<summary>MT-Bench values</summary>"));
    assert!(html.contains("<td class=\"num\">7.31</td>"));
    // The yanked 1.1.1 is not a point of the chart.
    assert!(!html.contains("1.1.1: 7.3"));
}

#[test]
fn schedule_page_lists_slots_and_webcal_links() {
    let site = site();
    let out = site.build(&[]);
    let html = read(&out, "schedule/index.html");
    assert!(html.contains("href=\"webcal://releases.example.org/cmb/calendar.ics\""));
    assert!(
        html.contains("href=\"webcal://releases.example.org/cmb/granite-7b-lab/calendar.ics\"")
    );
    assert!(html.contains("<span class=\"badge state-skipped\">skipped</span>"));
    assert!(html.contains("<span class=\"badge state-planned\">planned</span>"));
    assert!(html.contains("<td><time datetime=\"2024-12-02\">2024-12-02</time></td>"));
    assert!(
        html.contains(
            "<a class=\"version\" href=\"/cmb/granite-7b-lab/versioned/1.1.0/\">1.1.0</a>"
        )
    );
    assert!(
        html.contains("<time datetime=\"2026-03-02\">2026-03-02</time>"),
        "the next slots"
    );
}

#[test]
fn content_pages_render_at_their_slug_and_drafts_only_with_the_flag() {
    let site = site();
    let out = site.build(&[]);
    let about = read(&out, "about/index.html");
    assert!(about.contains("<h1>About</h1>"));
    assert!(about.contains("<h2 id=\"how-releases-are-made\">How releases are made</h2>"));
    assert!(about.contains("<a href=\"/cmb/schedule/\""));
    assert!(about.contains("<img src=\"/cmb/img/pipeline.svg\" alt=\"The release pipeline\">"));
    assert!(about.contains(
        "<meta name=\"description\" content=\"How the community model build is released.\">"
    ));
    // Menu by weight: About (1) before FAQ (2).
    let home = read(&out, "index.html");
    assert!(home.find(">About</a>").unwrap() < home.find(">FAQ</a>").unwrap());
    assert!(home.contains("Community-built LAB models, on a <strong>stream</strong>"));
    assert!(!out.join("roadmap").exists(), "a draft is left out");
    assert!(!home.contains("Roadmap"));
    assert!(!read(&out, "sitemap.xml").contains("roadmap"));

    let out = site.build(&["--drafts"]);
    assert!(read(&out, "roadmap/index.html").contains("Not ready yet."));
    assert!(read(&out, "index.html").contains(">Roadmap</a>"));
}

#[test]
fn sitemap_robots_and_404() {
    let site = site();
    let out = site.build(&[]);
    let sitemap = read(&out, "sitemap.xml");
    assert!(sitemap.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"));
    assert!(sitemap.trim_end().ends_with("</urlset>"));
    let pages = html_pages(&out);
    assert_eq!(
        sitemap.matches("<url>").count(),
        pages.len() - 1,
        "every page but 404"
    );
    assert!(sitemap.contains("<url><loc>https://releases.example.org/cmb/granite-7b-lab/versioned/1.1.1/</loc><lastmod>2024-12-20</lastmod></url>"));
    assert!(!sitemap.contains("404"));
    let robots = read(&out, "robots.txt");
    assert!(robots.contains("\nSitemap: https://releases.example.org/cmb/sitemap.xml\n"));
    let not_found = read(&out, "404.html");
    // Served with a 404 status, it claims no address of its own.
    assert!(!not_found.contains("rel=\"canonical\""));
    assert!(not_found.contains("<a href=\"/cmb/\">home page</a>"));
}

#[test]
fn base_url_can_be_overridden() {
    let site = site();
    let out = site.build(&["--base-url", "http://localhost:1111"]);
    let html = read(&out, V110);
    assert!(html.contains(
        "<link rel=\"canonical\" href=\"http://localhost:1111/granite-7b-lab/versioned/1.1.0/\">"
    ));
    assert!(html.contains("<a href=\"/granite-7b-lab/\">Granite 7B Lab</a>"));
    assert!(!html.contains("/cmb/"));
    let bad = site.run(["build", "--base-url", "ftp://x"]);
    assert_eq!(bad.status, 2);
}

#[test]
fn a_theme_overrides_one_template_and_the_rest_fall_back() {
    let mut site = site();
    site.config("theme = \"plain\"")
        .write(
            "themes/plain/templates/page.html",
            "{% extends \"base.html\" %}{% block main %}<h1 class=\"plain\">{{ page.title }}</h1>{{ page.html | safe }}{% endblock main %}",
        )
        .write("themes/plain/static/extra.css", "body { color: red }");

    let out = site.build(&[]);
    let about = read(&out, "about/index.html");
    assert!(
        about.contains("<h1 class=\"plain\">About</h1>"),
        "the override is used"
    );
    assert!(
        about.contains("<a class=\"skip-link\""),
        "its base falls back to the built-in"
    );
    let release = read(&out, V110);
    assert!(release.contains("<h2 id=\"provenance\">Where it came from</h2>"));
    assert_eq!(read(&out, "static/extra.css"), "body { color: red }");
    assert!(read(&out, "static/style.css").contains("prefers-color-scheme: dark"));

    // A broken override names the template and builds nothing.
    site.write(
        "themes/plain/templates/release.html",
        "{{ release.version | no_such_filter }}",
    );
    let before = tree(&out);
    let failed = site.run(["build"]);
    assert_eq!(failed.status, 1);
    let stderr = &failed.stderr;
    assert!(stderr.contains("release.html"), "{stderr}");
    assert_eq!(tree(&out), before);
}

#[test]
fn a_theme_that_is_not_there_is_a_configuration_error() {
    let mut site = site();
    let out = site.config("theme = \"nope\"").run(["build"]);
    assert_eq!(out.status, 2);
    assert!(out.stderr.contains("themes/nope/"), "{out:?}");
    assert!(!site.path("public").exists());
}

#[test]
fn two_builds_are_byte_identical() {
    let site = site();
    site.run(["build", "--out", "one"]).success();
    site.run(["build", "--out", "two"]).success();
    let (one, two) = (tree(&site.path("one")), tree(&site.path("two")));
    assert!(one.len() > 25);
    assert_eq!(
        one.keys().collect::<Vec<_>>(),
        two.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &one {
        assert!(bytes == &two[path], "{path} differs between two builds");
    }
}

#[test]
fn a_rebuild_removes_pages_that_are_gone() {
    let mut site = site();
    let out = site.build(&[]);
    assert!(out.join("faq/index.html").is_file());
    let out = site.remove("content/faq.md").build(&["-q"]);
    assert!(!out.join("faq").exists());
    assert!(out.join("about/index.html").is_file());
}

#[test]
fn snapshot_of_a_release_page() {
    let site = site();
    let out = site.build(&[]);
    let html = read(&out, V110);
    // The stylesheet's fingerprint changes with every edit of style.css.
    let start = html.find("style.css?v=").unwrap() + "style.css?v=".len();
    let html = format!("{}FINGERPRINT{}", &html[..start], &html[start + 8..]);
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("release_page_1_1_0", html);
    });
}

/// The Nu HTML Checker on every page of a build; opt-in, since it needs Java
/// and vnu.jar (npm's `vnu-jar` ships it):
/// `CADENCE_VNU_JAR=/path/to/vnu.jar cargo test -- --ignored`.
#[test]
#[ignore = "needs Java and CADENCE_VNU_JAR"]
fn every_page_is_valid_html() {
    let jar = std::env::var("CADENCE_VNU_JAR").expect("CADENCE_VNU_JAR=/path/to/vnu.jar");
    let site = site();
    let out = site.build(&["--drafts"]);
    let pages: Vec<_> = html_pages(&out).iter().map(|p| out.join(p)).collect();
    let checked = std::process::Command::new("java")
        .args(["-jar", &jar, "--also-check-css"])
        .args(&pages)
        .arg(out.join("static/style.css"))
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&checked.stderr);
    assert!(
        checked.status.success() && report.trim().is_empty(),
        "{report}"
    );
}
