//! Markdown of release notes, skip reasons and content pages (SPEC 7).
//!
//! pulldown-cmark with tables, footnotes, strikethrough, task lists and
//! heading attributes; every heading gets a unique id; footnotes get ids of
//! their own (`fn-<label>`) so they cannot collide with headings. The HTML
//! is then sanitised with ammonia: a manifest comes from a pull request, so
//! no script, no event handlers, no `javascript:` URLs, while heading ids,
//! task-list checkboxes, footnotes and table alignment survive. A link or
//! image whose URL starts with `/` is relative to the site, so the path of
//! `base_url` is put before it.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

mod direct;

/// Ids the default theme uses on its own pages; headings in markdown never
/// take them, so every id on a page stays unique.
pub const THEME_IDS: &[&str] = &[
    "main",
    "content",
    "notice",
    "summary",
    "notes",
    "downloads",
    "artifacts",
    "evaluations",
    "provenance",
    "candidates",
    "history",
    "skips",
    "schedule",
    "upcoming",
    "subscribe",
    "latest",
    "charts",
    "releases",
    "reason",
    "calendars",
    "models",
    "channels",
    "pages",
];

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// A slug for an id: lowercase letters and digits, other runs become `-`.
pub fn slugify(text: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else if c != '\'' && c != '’' {
            dash = true;
        }
    }
    out
}

/// Hands out unique ids: `notes`, `notes-1`, `notes-2`.
struct Ids {
    taken: HashSet<String>,
    given: HashSet<String>,
}

impl Ids {
    fn new() -> Ids {
        Ids {
            taken: THEME_IDS.iter().map(|s| s.to_string()).collect(),
            given: HashSet::new(),
        }
    }

    fn unique(&mut self, wanted: &str, fallback: &str) -> String {
        let base = if wanted.is_empty() { fallback } else { wanted };
        let mut id = base.to_string();
        let mut n = 1;
        while self.taken.contains(&id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        self.taken.insert(id.clone());
        self.given.insert(id.clone());
        id
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// A heading `shift` levels deeper, at most `h6`.
fn shifted(level: HeadingLevel, shift: usize) -> HeadingLevel {
    const LEVELS: [HeadingLevel; 6] = [
        HeadingLevel::H1,
        HeadingLevel::H2,
        HeadingLevel::H3,
        HeadingLevel::H4,
        HeadingLevel::H5,
        HeadingLevel::H6,
    ];
    LEVELS[(level as usize - 1 + shift).min(5)]
}

/// Task-list markers pass the sanitiser as text and become checkboxes
/// after it, so raw HTML can never bring in an `<input>` of its own.
const TASK_DONE: &str = "\u{E000}task-done\u{E001}";
const TASK_OPEN: &str = "\u{E000}task-open\u{E001}";

/// Give headings ids and footnotes their own ids and numbers.
fn rewrite<'a>(events: Vec<Event<'a>>, ids: &mut Ids, shift: usize) -> Vec<Event<'a>> {
    let mut out = Vec::with_capacity(events.len());
    let mut footnotes: HashMap<String, (usize, String)> = HashMap::new();
    let mut footnote = |label: &str, ids: &mut Ids| -> (usize, String) {
        let n = footnotes.len() + 1;
        footnotes
            .entry(label.to_string())
            .or_insert_with(|| (n, ids.unique(&format!("fn-{}", slugify(label)), "fn")))
            .clone()
    };
    let mut i = 0;
    while i < events.len() {
        match &events[i] {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                let end = events[i..]
                    .iter()
                    .position(|e| matches!(e, Event::End(TagEnd::Heading(_))))
                    .map_or(events.len(), |p| i + p);
                let text: String = events[i + 1..end]
                    .iter()
                    .filter_map(|e| match e {
                        Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                        _ => None,
                    })
                    .collect();
                let wanted = match id {
                    Some(id) => slugify(id),
                    None => slugify(&text),
                };
                let id = ids.unique(&wanted, "section");
                out.push(Event::Start(Tag::Heading {
                    level: shifted(*level, shift),
                    id: Some(CowStr::from(id)),
                    classes: classes.clone(),
                    attrs: attrs.clone(),
                }));
                i += 1;
            }
            Event::FootnoteReference(label) => {
                let (n, id) = footnote(label, ids);
                // With the `rel` the sanitiser gives every link, so that
                // this is already what it writes.
                out.push(Event::InlineHtml(CowStr::from(format!(
                    "<sup class=\"footnote-reference\"><a href=\"#{}\" rel=\"noopener noreferrer\">{n}</a></sup>",
                    escape(&id)
                ))));
                i += 1;
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                let (n, id) = footnote(label, ids);
                out.push(Event::Html(CowStr::from(format!(
                    "<div class=\"footnote-definition\" id=\"{}\"><sup class=\"footnote-definition-label\">{n}</sup>\n",
                    escape(&id)
                ))));
                i += 1;
            }
            Event::TaskListMarker(done) => {
                out.push(Event::Text(CowStr::from(if *done {
                    TASK_DONE
                } else {
                    TASK_OPEN
                })));
                i += 1;
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                out.push(Event::Html(CowStr::from("</div>\n")));
                i += 1;
            }
            Event::End(TagEnd::Heading(level)) => {
                out.push(Event::End(TagEnd::Heading(shifted(*level, shift))));
                i += 1;
            }
            _ => {
                out.push(events[i].clone());
                i += 1;
            }
        }
    }
    out
}

#[derive(Default)]
struct FilterState {
    ids: HashSet<String>,
    link_has_href: bool,
}

/// The sanitiser: ammonia's safe defaults, minus tags HTML5 made obsolete,
/// plus what cadence's own markdown output needs.
fn sanitiser(allowed_ids: HashSet<String>, base_path: &str) -> ammonia::Builder<'static> {
    let mut b = ammonia::Builder::default();
    b.rm_tags(["acronym", "big", "center", "strike", "tt"])
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .url_relative(ammonia::UrlRelative::PassThrough)
        .link_rel(Some("noopener noreferrer"))
        .generic_attributes(HashSet::from(["lang", "title"]));
    let mut attrs: HashMap<&'static str, HashSet<&'static str>> = HashMap::new();
    for h in ["h1", "h2", "h3", "h4", "h5", "h6", "div"] {
        attrs.insert(h, HashSet::from(["id"]));
    }
    attrs.insert("a", HashSet::from(["href", "hreflang"]));
    attrs.insert("img", HashSet::from(["alt", "src", "width", "height"]));
    attrs.insert("ol", HashSet::from(["start", "reversed"]));
    attrs.insert("td", HashSet::from(["colspan", "rowspan", "style"]));
    attrs.insert(
        "th",
        HashSet::from(["colspan", "rowspan", "scope", "style"]),
    );
    attrs.insert("del", HashSet::from(["cite", "datetime"]));
    attrs.insert("ins", HashSet::from(["cite", "datetime"]));
    attrs.insert("blockquote", HashSet::from(["cite"]));
    attrs.insert("q", HashSet::from(["cite"]));
    attrs.insert("time", HashSet::from(["datetime"]));
    attrs.insert("bdo", HashSet::from(["dir"]));
    attrs.insert("details", HashSet::from(["open"]));
    b.tag_attributes(attrs);
    b.filter_style_properties(HashSet::from(["text-align"]));
    b.allowed_classes(HashMap::from([
        (
            "sup",
            HashSet::from(["footnote-reference", "footnote-definition-label"]),
        ),
        ("div", HashSet::from(["footnote-definition"])),
    ]));
    let prefix = base_path.trim_end_matches('/').to_string();
    // ammonia calls the filter for each attribute of an element in order,
    // `rel` last on links; this remembers what the filter saw so far.
    let state = Mutex::new(FilterState::default());
    b.attribute_filter(move |element, attribute, value| {
        let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
        match (element, attribute) {
            // Only ids cadence gave out, each once: raw HTML cannot take
            // an id the page already uses.
            (_, "id") => (allowed_ids.contains(value) && state.ids.insert(value.to_string()))
                .then(|| Cow::Owned(value.to_string())),
            // `rel` on a link whose href was removed is invalid HTML.
            ("a", "rel") => {
                std::mem::take(&mut state.link_has_href).then_some(Cow::Borrowed(value))
            }
            (_, "href" | "src") => {
                if element == "a" {
                    state.link_has_href = true;
                }
                if value.starts_with('/') && !value.starts_with("//") {
                    Some(Cow::Owned(format!("{prefix}{value}")))
                } else {
                    Some(Cow::Borrowed(value))
                }
            }
            _ => Some(Cow::Borrowed(value)),
        }
    });
    b
}

/// Markdown to sanitised HTML; `base_path` is the path of `base_url`
/// (`/` or `/lab/`).
pub fn render(md: &str, base_path: &str) -> String {
    render_nested(md, base_path, 0)
}

/// Markdown that sits under a heading of the page (release notes under
/// "What changed"): its headings go `shift` levels deeper, so `##` under an
/// `<h2>` becomes an `<h3>`.
pub fn render_nested(md: &str, base_path: &str, shift: usize) -> String {
    let html = html(md, base_path, shift);
    // Characters no page may carry, from the source or from a character
    // reference (`&#1;`) the parsers decoded.
    match super::refused::drop_refused(&html) {
        Cow::Borrowed(_) => html,
        Cow::Owned(cleaned) => cleaned,
    }
}

fn html(md: &str, base_path: &str, shift: usize) -> String {
    let events: Vec<Event> = Parser::new_ext(md, options()).collect();
    let raw_html = events.iter().any(|e| {
        matches!(
            e,
            Event::Html(_) | Event::InlineHtml(_) | Event::Start(Tag::HtmlBlock)
        )
    });
    let mut ids = Ids::new();
    let events = rewrite(events, &mut ids, shift);
    let capacity = md.len() * 3 / 2;
    if !raw_html
        && direct::source_ok(md)
        && let Some(html) = direct::html(&events, base_path.trim_end_matches('/'), capacity)
    {
        return html;
    }
    sanitised(events, ids, base_path, capacity)
}

/// HTML of rewritten events through the sanitiser: for markdown with raw
/// HTML in it, and whatever [`direct`] leaves to it.
fn sanitised(events: Vec<Event>, ids: Ids, base_path: &str, capacity: usize) -> String {
    let mut html = String::with_capacity(capacity);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    sanitiser(ids.given, base_path)
        .clean(&html)
        .to_string()
        .replace(TASK_DONE, direct::CHECKBOX_DONE)
        .replace(TASK_OPEN, direct::CHECKBOX_OPEN)
}

/// The text of a markdown fragment without markup, on one line (for
/// descriptions and `title` attributes).
pub fn plain_text(md: &str) -> String {
    let mut out = String::new();
    for e in Parser::new_ext(md, options()) {
        match e {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::BlockQuote(_)
                | TagEnd::CodeBlock,
            ) => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
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
        // A link whose URL was removed keeps no `rel` (invalid without href).
        assert!(html.contains("<a>click</a>"), "{html}");
        assert!(html.contains("<a>a</a>"), "{html}");
    }

    #[test]
    fn task_lists_survive_as_disabled_checkboxes() {
        let html = render(
            "- [x] done\n- [ ] todo\n\n<input type=\"text\" name=\"q\">",
            "/",
        );
        assert!(
            html.contains(r#"<li><input type="checkbox" checked="" disabled="">done</li>"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<li><input type="checkbox" disabled="">todo</li>"#),
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
}
