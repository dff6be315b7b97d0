//! How deep the HTML of a markdown text (release notes, a skip's reason,
//! a line's note, a content page) can nest, counted high.
//!
//! The site sanitises every such text with ammonia, whose HTML parser
//! (html5ever) scans its stack of open elements for many tags: 50,000
//! nested `>` quotes or `<div>`s took 7 seconds, and a 1 MiB manifest of
//! them hours (html5ever issue 788; browsers stop nesting at 512). So a
//! text that would nest deeper than [`MAX_DEPTH`] is a finding before
//! anything renders it.
//!
//! The count stays at or above the parser's depth, but for the few
//! elements the parser adds itself (a bare `<td>` gets a `tbody` and a
//! `tr`), which at most triple it: every markdown block and inline
//! element counts one level (a table two), and every start tag of raw
//! HTML that is not a void element one more; an end tag takes levels off
//! only when it closes the innermost open tag (a block's end tag, such as
//! `</ul>`, also the `li` and `p` the parser closes on its own), and a
//! `p`, `li`, `dt`, `dd`, `td`, `th`, `tr` or `option` replaces one of its
//! own kind right inside, as the parser does. A comment, a `script` body,
//! a misnested end tag or a raw tag left for the markdown around it to
//! close only make the count higher: modelling when the parser closes
//! more would be a second HTML parser, and getting that wrong would let
//! the slow case through. A text that closes the tags it opens stays far
//! under the bound.
//!
//! Part of the model layer.

use pulldown_cmark::{Event, Options, Parser, Tag};

/// The deepest the HTML of one markdown text may nest.
pub const MAX_DEPTH: usize = 128;

/// The markdown cadence renders: CommonMark with tables, footnotes,
/// strikethrough, task lists and heading attributes.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

const VOID: &[&str] = &[
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img", "input",
    "keygen", "link", "meta", "param", "source", "track", "wbr",
];
const SIBLINGS: &[&str] = &["p", "li", "dt", "dd", "td", "th", "tr", "option"];
/// What the parser closes on its own ("generate implied end tags").
const IMPLIED: &[&str] = &[
    "dd", "dt", "li", "optgroup", "option", "p", "rb", "rp", "rt", "rtc",
];
/// End tags the parser applies by closing what its element holds when
/// that is only [`IMPLIED`] elements: `</ul>` closes `<ul><li>`.
const BLOCK_ENDS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "center",
    "dd",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "li",
    "listing",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "search",
    "section",
    "summary",
    "ul",
];
/// Where `md` first nests deeper than [`MAX_DEPTH`]: the byte offset of
/// the element that does, and the depth there.
pub fn too_deep(md: &str) -> Option<(usize, usize)> {
    let mut blocks = 0usize;
    let mut html: Vec<String> = Vec::new();
    for (event, range) in Parser::new_ext(md, options()).into_offset_iter() {
        match event {
            Event::Start(tag) => blocks += if matches!(tag, Tag::Table(_)) { 2 } else { 1 },
            Event::End(pulldown_cmark::TagEnd::Table) => blocks = blocks.saturating_sub(2),
            Event::End(_) => blocks = blocks.saturating_sub(1),
            Event::Html(text) | Event::InlineHtml(text) => {
                let deepest = tags(&text, &mut html);
                if blocks + deepest > MAX_DEPTH {
                    return Some((range.start, blocks + deepest));
                }
            }
            _ => continue,
        }
        let depth = blocks + html.len();
        if depth > MAX_DEPTH {
            return Some((range.start, depth));
        }
    }
    None
}

/// The start and end tags of raw HTML, applied to the stack of open
/// tags `open`; how many were open at most on the way.
fn tags(text: &str, open: &mut Vec<String>) -> usize {
    let b = text.as_bytes();
    let mut deepest = open.len();
    let mut i = 0;
    while let Some(k) = text[i..].find('<') {
        let at = i + k + 1;
        let end = b.get(at) == Some(&b'/');
        let start = if end { at + 1 } else { at };
        let len = b[start..]
            .iter()
            .take_while(|c| !(c.is_ascii_whitespace() || **c == b'/' || **c == b'>'))
            .count();
        i = start + len;
        if len == 0 || !b[start].is_ascii_alphabetic() {
            continue;
        }
        let name = text[start..start + len].to_ascii_lowercase();
        let top = open.last().map(String::as_str);
        if end {
            // Past the elements the parser would close on its own.
            let skip = if BLOCK_ENDS.contains(&name.as_str()) {
                open.iter()
                    .rev()
                    .take_while(|o| **o != name && IMPLIED.contains(&o.as_str()))
                    .count()
            } else {
                0
            };
            if open.len() > skip && open[open.len() - 1 - skip] == name {
                open.truncate(open.len() - 1 - skip);
            }
        } else {
            let void = VOID.contains(&name.as_str());
            let replaces = SIBLINGS.contains(&name.as_str()) && top == Some(name.as_str());
            if void || replaces {
                continue;
            }
            open.push(name);
            deepest = deepest.max(open.len());
        }
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_notes_are_shallow() {
        let md = "## New\n\n- a\n  - b\n    > c *d* [e](/f)\n\n| x | y |\n|---|---|\n| 1 | 2 |\n\n<details><summary>More</summary><p>a<p>b<br><img src=x></details>\n";
        assert_eq!(too_deep(md), None);
        let many: String = "<div>x</div>\n\n<li>a<li>b<li>c\n\n".repeat(5_000);
        assert_eq!(too_deep(&many), None);
    }

    #[test]
    fn deep_quotes_lists_and_tags_are_found_where_they_cross() {
        let quotes = format!("intro\n\n{} x", ">".repeat(200));
        let (at, depth) = too_deep(&quotes).unwrap();
        assert_eq!(depth, MAX_DEPTH + 1);
        assert!(at >= "intro\n\n".len(), "{at}");
        let divs = format!("{}x", "<div>".repeat(MAX_DEPTH + 1));
        assert!(too_deep(&divs).is_some());
        let fine = format!("{}x{}", "<div>".repeat(100), "</div>".repeat(100));
        assert_eq!(too_deep(&fine), None);
        // Opened and closed within one HTML block: still too deep.
        let one = format!("{}x{}", "<div>".repeat(500), "</div>".repeat(500));
        assert_eq!(
            too_deep(&one),
            Some((0, 501)),
            "an HTML block, then its tags"
        );
    }

    #[test]
    fn end_tags_that_close_nothing_do_not_lower_the_count() {
        // The parser ignores `</span>` inside a `div` (a special element):
        // each round leaves a span and a div open.
        let md = format!("<p>{}</p>", "<span><div></span>".repeat(MAX_DEPTH));
        assert!(too_deep(&md).is_some());
        let md = format!("<p>{}</p>", "<b><i></b>".repeat(MAX_DEPTH));
        assert!(too_deep(&md).is_some());
        // `</span>` is not a block end: it does not close past an `li`.
        let md = format!("<p>{}</p>", "<span><li></span>".repeat(MAX_DEPTH));
        assert!(too_deep(&md).is_some());
        // `</ul>` closes its items; `</div>` the `p` left open in it.
        let md = "<ul><li>a<li>b</ul><div><p>c</div>\n\n".repeat(MAX_DEPTH);
        assert_eq!(too_deep(&md), None);
    }
}
