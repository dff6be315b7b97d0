//! Tests of the plain-text module: wrapping and the text of markdown.

use super::*;

const LINKS: Links = Links {
    base_url: "https://releases.example.org/lab/",
    page_url: "https://releases.example.org/lab/m/versioned/1.1.0/",
};

fn text(md: &str) -> String {
    markdown_to_text(md, &LINKS, WIDTH)
}

#[test]
fn headings_paragraphs_and_emphasis() {
    let t = text("## What's new\n\nA **bold** and *quiet* change with `ilab`.\n");
    assert_eq!(
        t,
        "What's new\n----------\n\nA bold and quiet change with `ilab`."
    );
}

#[test]
fn lists_keep_bullets_and_hang() {
    let md = "- one\n- two is a much longer item that has to be wrapped because it goes past the width\n  1. nested\n  2. again\n\nafter";
    let t = text(md);
    assert_eq!(
        t,
        "- one\n- two is a much longer item that has to be wrapped because it goes past\n  the width\n  1. nested\n  2. again\n\nafter"
    );
    for line in t.lines() {
        assert!(line.chars().count() <= WIDTH, "{line}");
    }
}

#[test]
fn code_blocks_are_indented_and_not_wrapped() {
    let long = "x".repeat(100);
    let t = text(&format!(
        "Run:\n\n```sh\nollama run {long}\n\necho ok\n```\n"
    ));
    assert_eq!(t, format!("Run:\n\n    ollama run {long}\n\n    echo ok"));
}

#[test]
fn links_are_numbered_and_made_absolute() {
    let t = text("See [the schedule](/schedule/), [1.0.0](../1.0.0/) and <https://example.org/x>.");
    assert_eq!(
        t,
        "See the schedule [1], 1.0.0 [2] and https://example.org/x.\n\n[1] https://releases.example.org/lab/schedule/\n[2] https://releases.example.org/lab/m/versioned/1.0.0/"
    );
}

#[test]
fn tables_tasks_quotes_and_html() {
    let t = text(
        "| metric | value |\n|---|--:|\n| MT-Bench | 7.23 |\n\n- [x] done\n- [ ] todo\n\n> quoted\n\n<div>raw <b>html</b></div>\n",
    );
    assert!(t.contains("    metric    value\n    --------  -----\n    MT-Bench  7.23"));
    assert!(t.contains("- [x] done\n- [ ] todo"));
    assert!(t.contains("> quoted"));
    assert!(t.contains("raw html"), "{t}");
    assert!(!t.contains("<b>"));
}

#[test]
fn wrap_keeps_urls_and_verbatim_lines() {
    let url = format!("https://huggingface.co/{}/file.gguf", "a".repeat(80));
    let text = format!(
        "Download it from {url} today, or read the notes of this release on the page.\n    {url} stays\n- a bullet item long enough to need wrapping across more than one line of text"
    );
    let w = wrap(&text, WIDTH);
    assert!(w.contains(&format!("\n{url}\n")), "{w}");
    assert!(w.contains(&format!("    {url} stays")));
    assert!(w.contains("\n  "), "hanging indent: {w}");
    for line in w.lines().filter(|l| !l.contains(&url)) {
        assert!(line.chars().count() <= WIDTH, "{line}");
    }
}
