//! Markdown of release notes, skip reasons and content pages (SPEC 7).
//!
//! pulldown-cmark with tables, footnotes, strikethrough, task lists and
//! heading attributes; every heading gets a unique id; footnotes get ids of
//! their own (`fn-<label>`) so they cannot collide with headings. The HTML
//! is then sanitised with ammonia: a manifest comes from a pull request, so
//! no script, no event handlers, no `javascript:` URLs, while heading ids,
//! task-list checkboxes, footnotes and table alignment survive; an image
//! without `alt` and a link without `href` are then mended ([`mend`]). A link or
//! image whose URL starts with `/` is relative to the site, so the path of
//! `base_url` is put before it.
//!
//! One `ammonia::Builder`, configured once, sanitises every call; what a
//! call adds (the ids it gave out, the base path) reaches its attribute
//! filter through a thread-local ([`Call`]). Raw HTML that would take the
//! text after it (an unclosed `<title>`, `<style>`, comment or attribute)
//! is shown as text instead ([`raw`]).
//!
//! Part of the site layer.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Parser, Tag, TagEnd};

use crate::model::nesting::options;

mod mend;
mod raw;

use super::escape::escape;

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

/// Hands out unique ids: `notes`, `notes-1`, `notes-2`; never one of
/// [`THEME_IDS`].
struct Ids {
    given: HashSet<String>,
    /// The suffix to try next for each base: 50,000 headings of one name
    /// would otherwise try every suffix taken before (quadratic).
    next: HashMap<String, usize>,
}

impl Ids {
    fn new() -> Ids {
        Ids {
            given: HashSet::new(),
            next: HashMap::new(),
        }
    }

    fn unique(&mut self, wanted: &str, fallback: &str) -> String {
        let base = if wanted.is_empty() { fallback } else { wanted };
        let mut n = self.next.get(base).copied().unwrap_or(0);
        let mut id = if n == 0 {
            base.to_string()
        } else {
            format!("{base}-{n}")
        };
        while THEME_IDS.contains(&id.as_str()) || self.given.contains(&id) {
            n += 1;
            id = format!("{base}-{n}");
        }
        self.next.insert(base.to_string(), n + 1);
        self.given.insert(id.clone());
        id
    }
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
/// What a task-list marker becomes (as the sanitiser would write it).
/// Each is labelled: a form control without a name is announced as just
/// "checkbox".
const CHECKBOX_DONE: &str = r#"<input type="checkbox" checked="" disabled="" aria-label="done">"#;
const CHECKBOX_OPEN: &str = r#"<input type="checkbox" disabled="" aria-label="to do">"#;

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

/// What the sanitiser's attribute filter knows of the call it serves.
#[derive(Default)]
struct Call {
    /// Ids cadence gave out (headings, footnotes).
    given: HashSet<String>,
    /// Ids written so far.
    written: HashSet<String>,
    /// Put before a site-relative URL: the base path without its last `/`.
    prefix: String,
    /// For feeds: the page every URL is made absolute against (feed
    /// readers and the W3C validator want no relative URL in content).
    base: Option<url::Url>,
    /// ammonia calls the filter for each attribute of an element in
    /// order, `rel` last on links: whether this link kept its `href`.
    link_has_href: bool,
}

thread_local! {
    static CALL: RefCell<Call> = RefCell::new(Call::default());
}

/// The sanitiser: ammonia's safe defaults, minus tags HTML5 made obsolete,
/// plus what cadence's own markdown output needs. Built once.
static SANITISER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(sanitiser);

fn sanitiser() -> ammonia::Builder<'static> {
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
    b.attribute_filter(|element, attribute, value| {
        CALL.with_borrow_mut(|call| match (element, attribute) {
            // Only ids cadence gave out, each once: raw HTML cannot take
            // an id the page already uses.
            (_, "id") => (call.given.contains(value) && call.written.insert(value.to_string()))
                .then(|| Cow::Owned(value.to_string())),
            // `rel` on a link whose href was removed is invalid HTML.
            ("a", "rel") => std::mem::take(&mut call.link_has_href).then_some(Cow::Borrowed(value)),
            (_, "href" | "src") => {
                if element == "a" {
                    call.link_has_href = true;
                }
                let value = if value.starts_with('/') && !value.starts_with("//") {
                    Cow::Owned(format!("{}{value}", call.prefix))
                } else {
                    Cow::Borrowed(value)
                };
                match &call.base {
                    // A URL that does not resolve is dropped, as ammonia
                    // drops one it cannot parse.
                    Some(base) => base.join(&value).ok().map(|u| Cow::Owned(u.to_string())),
                    None => Some(value),
                }
            }
            _ => Some(Cow::Borrowed(value)),
        })
    });
    b
}

/// Sanitise `html` with [`SANITISER`]; site-relative URLs get `prefix`
/// (the base path without its last `/`), then, with a `base`, every URL is
/// made absolute against it.
fn clean(html: &str, prefix: &str, base: Option<&url::Url>) -> String {
    CALL.with_borrow_mut(|call| {
        call.written.clear();
        call.link_has_href = false;
        call.prefix.clear();
        call.prefix.push_str(prefix);
        call.base = base.cloned();
    });
    SANITISER.clean(html).to_string()
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
    without_refused(html(md, base_path, shift, None))
}

/// Markdown for a feed entry about the page `page_url`: as [`render`], with
/// every URL absolute (`/schedule/` is `https://x.org/lab/schedule/`, `x.png`
/// is `<page_url>x.png`), since feed readers show content away from the
/// page. A `page_url` that is not an absolute URL leaves URLs as [`render`]
/// does.
pub fn render_absolute(md: &str, base_path: &str, page_url: &str) -> String {
    let base = url::Url::parse(page_url).ok();
    without_refused(html(md, base_path, 0, base.as_ref()))
}

fn without_refused(html: String) -> String {
    // Characters no page may carry, from the source or from a character
    // reference (`&#1;`) the parsers decoded.
    match super::refused::drop_refused(&html) {
        Cow::Borrowed(_) => html,
        Cow::Owned(cleaned) => cleaned,
    }
}

fn html(md: &str, base_path: &str, shift: usize, base: Option<&url::Url>) -> String {
    let events: Vec<Event> = Parser::new_ext(md, options()).collect();
    // Which events are raw HTML from the source, before [`rewrite`] adds
    // HTML of its own (footnotes); it maps events one to one.
    let raw: Vec<bool> = events
        .iter()
        .map(|e| matches!(e, Event::Html(_) | Event::InlineHtml(_)))
        .collect();
    let mut ids = Ids::new();
    let events = rewrite(events, &mut ids, shift);
    CALL.with_borrow_mut(|call| call.given = ids.given);
    let events = if raw.contains(&true) {
        raw::contain(events, &raw)
    } else {
        events
    };
    let mut html = String::with_capacity(md.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    let html = mend::mend(clean(&html, base_path.trim_end_matches('/'), base));
    if html.contains('\u{E000}') {
        html.replace(TASK_DONE, CHECKBOX_DONE)
            .replace(TASK_OPEN, CHECKBOX_OPEN)
    } else {
        html
    }
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
mod tests;
