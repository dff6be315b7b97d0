//! Tests of the markdown module: ids, footnotes, sanitising, base paths
//! and plain text.

use super::*;

#[test]
fn headings_get_unique_ids() {
    let html = render("## What's new\n\n## What's new\n\n# Notes\n", "/");
    assert!(html.contains(r#"<h2 id="whats-new">"#), "{html}");
    assert!(html.contains(r#"<h2 id="whats-new-1">"#), "{html}");
    // `notes` is an id of the theme's release page.
    assert!(html.contains(r#"<h1 id="notes-1">"#), "{html}");
    let html = render("## Fixes {#bug-fixes}\n", "/");
    assert!(html.contains(r#"<h2 id="bug-fixes">Fixes</h2>"#), "{html}");
}

#[test]
fn nested_markdown_shifts_headings() {
    let html = render_nested("# Top\n\n## What's new\n\n###### Deep\n", "/", 1);
    assert!(html.contains(r#"<h2 id="top">Top</h2>"#), "{html}");
    assert!(
        html.contains(r#"<h3 id="whats-new">What's new</h3>"#),
        "{html}"
    );
    assert!(html.contains(r#"<h6 id="deep">Deep</h6>"#), "{html}");
}

#[test]
fn scripts_handlers_and_javascript_urls_are_removed() {
    let md = "Hi <script>alert(1)</script>\n\n\
              <img src=\"x.png\" alt=\"x\" onerror=\"alert(2)\">\n\n\
              [click](javascript:alert(3)) <a href=\"javascript:alert(4)\" onclick=\"x()\">a</a>\n\n\
              <p style=\"color: red\" id=\"main\">styled</p>\n";
    let html = render(md, "/");
    assert!(!html.contains("script"), "{html}");
    assert!(!html.contains("alert"), "{html}");
    assert!(!html.contains("onerror"), "{html}");
    assert!(!html.contains("onclick"), "{html}");
    assert!(!html.contains("javascript"), "{html}");
    assert!(!html.contains("style="), "{html}");
    assert!(!html.contains(r#"id="main""#), "{html}");
    assert!(html.contains(r#"<img src="x.png" alt="x">"#), "{html}");
    // A link whose URL was refused is unwrapped: its text stays, as text.
    assert!(html.contains("<p>click a</p>"), "{html}");
    assert!(!html.contains("<a"), "{html}");
}

#[test]
fn an_image_without_alt_is_decorative_and_a_link_without_href_is_text() {
    let html = render(
        "<img src=\"x.png\"> <a name=\"top\">anchor</a> [ok](https://x.org/) ![](y.png)",
        "/",
    );
    assert!(html.contains(r#"<img alt="" src="x.png">"#), "{html}");
    assert!(html.contains(" anchor "), "{html}");
    assert!(!html.contains("<a>"), "{html}");
    assert!(
        html.contains(r#"<a href="https://x.org/" rel="noopener noreferrer">ok</a>"#),
        "{html}"
    );
    assert!(html.contains(r#"<img src="y.png" alt="">"#), "{html}");
}

#[test]
fn task_lists_survive_as_disabled_checkboxes() {
    let html = render(
        "- [x] done\n- [ ] todo\n\n<input type=\"text\" name=\"q\">",
        "/",
    );
    assert!(
        html.contains(
            r#"<li><input type="checkbox" checked="" disabled="" aria-label="done">done</li>"#
        ),
        "{html}"
    );
    assert!(
        html.contains(r#"<li><input type="checkbox" disabled="" aria-label="to do">todo</li>"#),
        "{html}"
    );
    assert_eq!(
        html.matches("<input").count(),
        2,
        "raw inputs are dropped: {html}"
    );
    assert!(!html.contains("name="), "{html}");
}

#[test]
fn footnotes_survive_with_their_own_ids() {
    let html = render("Text[^note].\n\n[^note]: The note.\n", "/");
    assert!(
        html.contains(r##"<sup class="footnote-reference"><a href="#fn-note" rel="noopener noreferrer">1</a></sup>"##),
        "{html}"
    );
    assert!(
        html.contains(r#"<div class="footnote-definition" id="fn-note"><sup class="footnote-definition-label">1</sup>"#),
        "{html}"
    );
}

#[test]
fn table_alignment_survives() {
    let html = render("| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |\n", "/");
    assert!(
        html.contains("<th style=\"text-align:left\">a</th>"),
        "{html}"
    );
    assert!(
        html.contains("<td style=\"text-align:center\">2</td>"),
        "{html}"
    );
    assert!(
        html.contains("<td style=\"text-align:right\">3</td>"),
        "{html}"
    );
    let html = render(
        "<table><tr><td style=\"background: url(x)\">x</td></tr></table>",
        "/",
    );
    assert!(!html.contains("background"), "{html}");
}

#[test]
fn strikethrough_and_site_links() {
    let html = render(
        "~~old~~ [schedule](/schedule/) ![chart](/img/c.png) [ext](https://x.org/a) [proto](//x.org/) [rel](sub/)",
        "/lab/",
    );
    assert!(html.contains("<del>old</del>"), "{html}");
    assert!(html.contains(r#"href="/lab/schedule/""#), "{html}");
    assert!(html.contains(r#"src="/lab/img/c.png""#), "{html}");
    assert!(html.contains(r#"href="https://x.org/a""#), "{html}");
    assert!(html.contains(r#"href="//x.org/""#), "{html}");
    assert!(html.contains(r#"href="sub/""#), "{html}");
    let html = render("[schedule](/schedule/)", "/");
    assert!(html.contains(r#"href="/schedule/""#), "{html}");
}

/// Elements that must never reach a page from raw HTML.
const DANGEROUS: &[&str] = &[
    "<script",
    "<style",
    "<textarea",
    "<title",
    "<iframe",
    "<noscript",
    "<xmp",
    "<plaintext",
    "<template",
    "<math",
    "<svg",
    "<select",
    "<noembed",
    "<noframes",
];

#[test]
fn unclosed_raw_html_never_drops_the_text_after_it() {
    let openers = [
        "<math><style>",
        "<svg><style>",
        "<style>",
        "<script>",
        "<textarea>",
        "<title>",
        "<noscript>",
        "<xmp>",
        "<plaintext>",
        "<iframe>",
        "<template>",
        "<noembed>",
        "<noframes>",
        "<select>",
        "<!--",
        "Inline <script> in a paragraph",
        "Inline <math><style> in a paragraph",
        "<div>\n<script>",
        "<div>\n<img alt=\"open",
        "<div title='open",
        "- item <title>\n- second item",
    ];
    for open in openers {
        let md = format!(
            "{open}\n\nThe paragraph after it, with **bold** text.\n\n## Next\n\nLast words.\n"
        );
        for html in [render(&md, "/"), render_nested(&md, "/lab/", 1)] {
            for words in ["The paragraph after it", "bold", "Last words"] {
                assert!(html.contains(words), "{open:?} dropped {words:?}: {html}");
            }
            for tag in DANGEROUS {
                assert!(!html.contains(tag), "{open:?} left {tag}: {html}");
            }
        }
    }
    // Outside an HTML block that CommonMark runs to the end (`<script`,
    // `<style`, `<textarea`, a comment), what follows is still markdown.
    for open in [
        "<math><style>",
        "<title>",
        "<xmp>",
        "<template>",
        "<div title='open",
    ] {
        let html = render(&format!("{open}\n\nAfter, **bold**.\n"), "/");
        assert!(
            html.contains("<p>After, <strong>bold</strong>.</p>"),
            "{open}: {html}"
        );
    }
    // Closed, they are still removed with what they hold.
    let html = render(
        "<script>alert(1)</script>\n\n<style>p{}</style>\n\nafter\n",
        "/",
    );
    assert!(!html.contains("alert") && !html.contains("p{}"), "{html}");
    assert!(html.contains("after"), "{html}");
}

#[test]
fn raw_html_around_markdown_keeps_it() {
    let html = render(
        "<details><summary>All changes</summary>\n\n- one\n- **two**\n\n</details>\n\nAfter.\n",
        "/",
    );
    assert!(
        html.contains("<details><summary>All changes</summary>\n<ul>\n<li>one</li>\n<li><strong>two</strong></li>\n</ul>\n</details>"),
        "{html}"
    );
    let html = render(
        "<a href=\"/schedule/\">s</a> <img src=\"/i.png\" alt=\"\">",
        "/lab/",
    );
    assert!(
        html.contains(r#"<a href="/lab/schedule/" rel="noopener noreferrer">s</a>"#),
        "{html}"
    );
    assert!(html.contains(r#"<img src="/lab/i.png" alt="">"#), "{html}");
}

#[test]
fn raw_html_cannot_duplicate_a_heading_id() {
    let html = render("## Fixes\n\n<div id=\"fixes\">x</div>\n", "/");
    assert_eq!(html.matches(r#"id="fixes""#).count(), 1, "{html}");
}

#[test]
fn plain_text_drops_markup() {
    assert_eq!(
        plain_text("Nothing **merged** since `1.1.0`.\nSee [notes](/x/)."),
        "Nothing merged since 1.1.0. See notes."
    );
}
