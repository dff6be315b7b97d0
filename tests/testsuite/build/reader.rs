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
        ("granite-7b-lab/versioned/index.html", 1, 0),
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

/// The release page's state banner, which must come before its downloads.
#[track_caller]
fn state_first<'a>(html: &'a str, page: &str) -> &'a str {
    let state = html
        .find("<div class=\"banner state ")
        .unwrap_or_else(|| panic!("{page}: no state banner"));
    let downloads = html.find("<h2 id=\"downloads\">").unwrap();
    assert!(
        state < downloads,
        "{page}: the downloads come before the state"
    );
    for later in [
        "<h2 id=\"notes\">",
        "<h2 id=\"evaluations\">",
        "<p class=\"lead\">",
    ] {
        if let Some(at) = html.find(later) {
            assert!(state < at, "{page}: {later} comes before the state");
        }
    }
    let rest = &html[state..];
    &rest[..rest.find("</div>").unwrap()]
}

const LATEST_LINK: &str = "<a class=\"version\" href=\"/cmb/granite-7b-lab/versioned/1.1.0/\">1.1.0</a> (<time datetime=\"2024-12-02\">2024-12-02</time>)";

#[test]
fn a_release_page_says_where_it_stands_before_its_downloads() {
    let site = site();
    let out = site.build(&[]);
    let page = |v: &str| read(&out, &format!("granite-7b-lab/versioned/{v}/index.html"));
    let latest = page("1.1.0");
    assert!(
        state_first(&latest, "1.1.0")
            .contains("<strong>Latest.</strong> The newest Versioned release of Granite 7B Lab.")
    );
    let old = page("1.0.0");
    assert!(
        state_first(&old, "1.0.0").contains(&format!(
            "<strong>Superseded</strong> by {LATEST_LINK}, the latest Versioned release."
        )),
        "{old}"
    );
    let yanked = page("1.1.1");
    let state = state_first(&yanked, "1.1.1");
    assert!(state.contains("<strong>Yanked</strong> on <time datetime=\"2024-12-20\">2024-12-20</time>: The chat template broke tool calls; use 1.1.0."));
    assert!(state.contains(&format!(
        "Use {LATEST_LINK} instead, the latest Versioned release."
    )));
    let planned = page("1.2.0");
    assert!(state_first(&planned, "1.2.0").contains(&format!(
        "<strong>Upcoming.</strong> Planned for <time datetime=\"2025-06-02\">2025-06-02</time>; not published yet. Until then, the latest Versioned release is {LATEST_LINK}."
    )));
    let rc = page("1.1.0-rc.2");
    assert!(state_first(&rc, "1.1.0-rc.2").contains(
        "A release candidate of <a href=\"/cmb/granite-7b-lab/versioned/1.1.0/\">1.1.0</a>."
    ));
    let build = read(&out, "granite-7b-lab/stream/2024-09-10/index.html");
    let state = state_first(&build, "stream 2024-09-10");
    assert!(state.contains("<strong>Superseded</strong> by <a class=\"version\" href=\"/cmb/granite-7b-lab/stream/2025-01-20/\">"), "{state}");
    assert!(state.contains("<strong>Retired.</strong>"), "{state}");
}

#[test]
fn a_yanked_release_says_so_beside_its_download_command() {
    let site = site();
    let out = site.build(&[]);
    let html = read(&out, "granite-7b-lab/versioned/1.1.1/index.html");
    let downloads = &html[html.find("<h2 id=\"downloads\">").unwrap()..];
    let warning = downloads
        .find("<p class=\"banner yanked\"><strong>Yanked:</strong> these files are kept for the record only; do not download them. Use <a class=\"version\" href=\"/cmb/granite-7b-lab/versioned/1.1.0/\">1.1.0</a> instead.</p>")
        .expect("no warning in the downloads");
    let command = downloads
        .find("<pre class=\"command\"")
        .expect("the command is kept");
    assert!(warning < command, "the warning comes after the command");
    // A release that is fine has no such warning.
    assert!(!read(&out, V110).contains("<p class=\"banner yanked\">"));
}

#[test]
fn a_skip_page_links_the_release_to_use_instead() {
    let site = site();
    let out = site.build(&[]);
    let html = read(&out, "granite-7b-lab/versioned/skip-2025-03-02/index.html");
    let banner = html.find(&format!(
        "<p class=\"banner state skipped\">Use {LATEST_LINK} instead, the latest Versioned release of Granite 7B Lab.</p>"
    ));
    let reason = html.find("<h2 id=\"reason\">").unwrap();
    assert!(banner.is_some_and(|b| b < reason), "{html}");
}

#[test]
fn a_planned_release_shows_its_gate_as_a_target_not_a_miss() {
    let site = site();
    let out = site.build(&[]);
    let planned = read(&out, "granite-7b-lab/versioned/1.2.0/index.html");
    assert!(
        planned.contains("≥ 7.1 <span class=\"badge target\">target</span>"),
        "{planned}"
    );
    assert!(!planned.contains("misses"), "{planned}");
    // A released final is still held to its gate.
    assert!(read(&out, V110).contains("≥ 7.1 <span class=\"badge pass\">passes</span>"));
}

#[test]
fn an_unpinned_artifact_says_so_beside_its_checksum() {
    let site = site();
    let out = site.build(&[]);
    let html = read(&out, V110);
    // The GGUF is linked at `main`; the safetensors at the release's commit.
    let gguf = between(
        &html,
        "<article class=\"artifact\" aria-label=\"granite-7b-lab-Q4_K_M.gguf\">",
        "</article>",
    );
    assert!(gguf.contains(
        "<dt>SHA-256</dt><dd><code class=\"hash\">6adeaad8c048b35ea54562c55e454cc32c63118a32c7b8152cf706b290611487</code><span class=\"unpinned\"><strong>Unpinned:</strong> <code>main</code> is not a commit, so the bytes at it may change and stop matching this checksum; <code>cadence verify --fill</code> pins it to a commit.</span></dd>"
    ), "{gguf}");
    let pinned = between(
        &html,
        "<article class=\"artifact\" aria-label=\"model-00001-of-00003.safetensors\">",
        "</article>",
    );
    assert!(!pinned.contains("Unpinned"), "{pinned}");
    // The line page shows its latest release's downloads the same way.
    let line = read(&out, "granite-7b-lab/versioned/1.x/index.html");
    let line_gguf = between(
        &line,
        "<article class=\"artifact\" aria-label=\"granite-7b-lab-Q4_K_M.gguf\">",
        "</article>",
    );
    assert_eq!(line_gguf, gguf);
    // Without a checksum the note sits beside the source.
    let mut site = super::site();
    site.edit(
        "releases/granite-7b-lab/versioned/1.1.0.yaml",
        "    sha256: 6adeaad8c048b35ea54562c55e454cc32c63118a32c7b8152cf706b290611487\n",
        "",
    );
    let out = site.build(&[]);
    let html = read(&out, V110);
    let gguf = between(
        &html,
        "<article class=\"artifact\" aria-label=\"granite-7b-lab-Q4_K_M.gguf\">",
        "</article>",
    );
    assert!(gguf.contains("</a><span class=\"unpinned\"><strong>Unpinned:</strong> <code>main</code> is not a commit, so the bytes at it may change; <code>cadence verify --fill</code> pins it to a commit.</span></dd>"), "{gguf}");
}

#[test]
fn a_content_page_without_a_description_is_described_by_its_opening() {
    let site = site();
    let out = site.build(&[]);
    let faq = read(&out, "faq/index.html");
    assert!(
        faq.contains("<meta name=\"description\" content=\"Which channel should I use? The versioned one, unless you want every build."),
        "{faq}"
    );
}

#[test]
fn a_release_of_an_older_major_line_names_its_line_and_the_latest() {
    let mut site = SiteTest::from("lifecycle");
    site.today("2025-07-20");
    let out = site.build(&[]);
    let page = |v: &str| read(&out, &format!("granite-7b-lab/versioned/{v}/index.html"));
    let latest = "<a class=\"version\" href=\"/lc/granite-7b-lab/versioned/3.0.0/\">3.0.0</a>";
    let line2 = "<a href=\"/lc/granite-7b-lab/versioned/2.x/\">2.x</a>";
    let html = page("2.1.1");
    let state = state_first(&html, "2.1.1");
    assert!(state.contains(&format!("<strong>Latest of {line2}.</strong> The newest release of this major line; the latest Versioned release is {latest}")), "{state}");
    let html = page("2.0.0");
    let state = state_first(&html, "2.0.0");
    assert!(state.contains(&format!("<strong>Superseded</strong> by <a class=\"version\" href=\"/lc/granite-7b-lab/versioned/2.1.1/\">2.1.1</a> (<time datetime=\"2025-03-01\">2025-03-01</time>), the latest {line2} release; the latest Versioned release is {latest}.")), "{state}");
    let html = page("2.0.1");
    let state = state_first(&html, "2.0.1");
    assert!(
        state.contains(&format!(
            "the latest {line2} release, or {latest}, the latest Versioned release."
        )),
        "{state}"
    );
    // The newest line's own releases are superseded by the channel's latest.
    let html = page("3.0.0");
    assert!(state_first(&html, "3.0.0").contains("<strong>Latest.</strong>"));
}

#[test]
fn a_slot_window_keeps_its_dash_with_its_first_date() {
    let site = site();
    let out = site.build(&[]);
    for page in [
        "schedule/index.html",
        "granite-7b-lab/versioned/skip-2025-03-02/index.html",
    ] {
        let html = read(&out, page);
        assert!(html.contains("<time datetime=\"2025-02-16\">2025-02-16</time>&nbsp;– <time datetime=\"2025-03-16\">2025-03-16</time>"), "{page}");
        assert!(!html.contains("</time> – <time"), "{page}");
    }
}
