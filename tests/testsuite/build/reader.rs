//! What a reader finds on the pages of the build-test fixture: the latest
//! release first on each card, commands that wrap only between words, no
//! content outside a landmark, and markdown that a screen reader can read
//! (issue 17). The browser test (`tests/browser/pages.mjs`) checks the same
//! pages with axe-core and a real layout.

use super::{V110, site};
use crate::prelude::*;

/// The text between the first `open` at or after `from` and the next
/// `close`.
#[track_caller]
fn between<'a>(html: &'a str, open: &str, close: &str) -> &'a str {
    let start = html
        .find(open)
        .unwrap_or_else(|| panic!("no {open:?} in the page"));
    let rest = &html[start..];
    &rest[..rest.find(close).unwrap_or(rest.len())]
}

/// Every `latest-release` block of a page, in order.
fn latest_blocks(html: &str) -> Vec<&str> {
    html.split("<div class=\"latest-release\">")
        .skip(1)
        .map(|b| &b[..b.find("</div>").unwrap()])
        .collect()
}

#[test]
fn the_notice_is_inside_a_landmark_on_every_page() {
    let site = site();
    let out = site.build(&[]);
    for page in html_pages(&out) {
        let html = read(&out, &page);
        let notice = between(
            &html,
            "<aside class=\"notice\" aria-label=\"Notice\">",
            "</aside>",
        );
        assert!(
            notice.contains("Demonstration data: these releases are made up"),
            "{page}: the notice is not in its <aside>"
        );
        assert!(
            !html.contains("role=\"note\"><div class=\"wrap\">"),
            "{page}"
        );
    }
}

#[test]
fn the_home_pages_cards_have_distinct_names() {
    let site = site();
    let out = site.build(&[]);
    let html = read(&out, "index.html");
    // Two models have a Stream card: each is named by model and channel.
    let names: Vec<&str> = html
        .split("<section class=\"card\" aria-labelledby=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    assert_eq!(
        names,
        [
            "model-granite-7b-lab granite-7b-lab-stream",
            "model-granite-7b-lab granite-7b-lab-versioned",
            "model-merlinite-7b-lab merlinite-7b-lab-stream",
        ]
    );
    for name in &names {
        for id in name.split(' ') {
            assert_eq!(html.matches(&format!(" id=\"{id}\"")).count(), 1, "{id}");
        }
    }
}

#[test]
fn each_card_leads_with_its_latest_release_download_and_hub_link() {
    let site = site();
    let out = site.build(&[]);
    let versioned = "<span class=\"word\">hf</span> <span class=\"word\">download</span> \
                     <span class=\"word\">instructlab/granite-7b-lab</span> \
                     <span class=\"word\">--revision</span> \
                     <span class=\"word\">cccccccccccccccccccccccccccccccccccccccc</span>";
    let hub = "<a href=\"https://huggingface.co/instructlab/granite-7b-lab/tree/cccccccccccccccccccccccccccccccccccccccc\">instructlab/granite-7b-lab</a> on Hugging Face";
    for (page, count, versioned_at) in [
        ("index.html", 3, 1),
        ("granite-7b-lab/index.html", 2, 1),
        ("versioned/index.html", 1, 0),
    ] {
        let html = read(&out, page);
        let blocks = latest_blocks(&html);
        assert_eq!(blocks.len(), count, "{page}: {blocks:#?}");
        for b in &blocks {
            assert!(
                b.contains("<strong class=\"badge latest\">Latest</strong>"),
                "{page}: {b}"
            );
            assert!(
                b.contains(
                    "<pre class=\"command\" tabindex=\"0\"><code><span class=\"word\">hf</span>"
                ),
                "{page}: {b}"
            );
            assert!(
                b.contains("<a href=\"https://huggingface.co/instructlab/"),
                "{page}: {b}"
            );
        }
        // The versioned card's latest is 1.1.0 (1.1.1 is yanked, 1.2.0
        // planned), with its command and its repo at its revision.
        let b = blocks[versioned_at];
        assert!(
            b.contains(">1.1.0</a> <time datetime=\"2024-12-02\">"),
            "{page}: {b}"
        );
        assert!(b.contains(versioned), "{page}: {b}");
        assert!(b.contains(hub), "{page}: {b}");
        // The first card's block comes before any other content of the
        // page's main part but its headings.
        let main = &html[html.find("<main").unwrap()..];
        let first = main.find("<div class=\"latest-release\">").unwrap();
        for later in [
            "<div class=\"prose intro\">",
            "<dl class=\"facts\">",
            "<figure",
            "id=\"subscribe\"",
        ] {
            if let Some(at) = main.find(later) {
                assert!(
                    first < at,
                    "{page}: {later} comes before the latest release"
                );
            }
        }
    }
}

#[test]
fn a_card_without_a_release_says_so_and_links_the_repo() {
    let mut site = site();
    site.remove("releases/merlinite-7b-lab/stream/2025-02-01.yaml");
    let out = site.build(&[]);
    let html = read(&out, "merlinite-7b-lab/index.html");
    assert!(latest_blocks(&html).is_empty());
    assert!(
        html.contains("<p class=\"muted\">No release yet.</p>"),
        "{html}"
    );
    assert!(html.contains("On Hugging Face: <a href=\"https://huggingface.co/instructlab/"));
}

#[test]
fn commands_are_words_that_wrap_only_between_them() {
    let site = site();
    let out = site.build(&[]);
    let html = read(&out, V110);
    let commands: Vec<&str> = html
        .split("<pre class=\"command\" tabindex=\"0\"><code>")
        .skip(1)
        .map(|c| &c[..c.find("</code>").unwrap()])
        .collect();
    assert_eq!(commands.len(), 5, "{commands:#?}");
    for c in commands {
        // Word, space, word: nothing else between the spans.
        let inner = c
            .strip_prefix("<span class=\"word\">")
            .and_then(|c| c.strip_suffix("</span>"))
            .unwrap_or_else(|| panic!("{c}"));
        for word in inner.split("</span> <span class=\"word\">") {
            assert!(
                !word.is_empty() && !word.contains(' ') && !word.contains('<'),
                "{c}"
            );
        }
    }
    let css = read(&out, "static/style.css");
    assert!(css.contains("pre.command .word, time, .version { white-space: nowrap; }"));
    assert!(
        !css.contains("overflow-wrap: anywhere; user-select"),
        "commands break inside words"
    );
}

#[test]
fn markdown_images_have_alt_and_refused_links_become_text() {
    let mut site = site();
    site.edit(
        "releases/granite-7b-lab/versioned/1.1.0.yaml",
        "  [a trap](javascript:alert(2))",
        "  <img src=\"/img/pipeline.svg\"> <a name=\"top\">an anchor</a> [a trap](javascript:alert(2))",
    );
    let out = site.build(&[]);
    let html = read(&out, V110);
    let notes = between(&html, "<h2 id=\"notes\">", "<h2 id=\"downloads\">");
    assert!(
        notes.contains("<img alt=\"\" src=\"/cmb/img/pipeline.svg\">"),
        "{notes}"
    );
    assert!(notes.contains("an anchor a trap and another"), "{notes}");
    assert!(
        !notes.contains("<a>") && !notes.contains("<a name"),
        "{notes}"
    );
    // Every image of the page has an alt, every link an href.
    for img in html.split("<img").skip(1) {
        assert!(
            img[..img.find('>').unwrap()].contains(" alt=\""),
            "<img{img}"
        );
    }
    for a in html
        .split("<a")
        .skip(1)
        .filter(|a| a.starts_with([' ', '>']))
    {
        assert!(a[..a.find('>').unwrap()].contains(" href=\""), "<a{a}");
    }
}
