//! The fast path of [`super::render_nested`]: markdown that holds no raw
//! HTML is written straight to the HTML that sanitising pulldown-cmark's
//! output with ammonia would give, byte for byte, without parsing that
//! output again (html5ever's parse and serialisation were nine tenths of
//! the cost of a release's notes).
//!
//! It writes what ammonia's serialiser writes: text escapes `&`, `<`, `>`
//! and U+00A0, attributes also `"`; void elements have no `/`; classes the
//! sanitiser would drop (`language-*` on code blocks) are not written;
//! `text-align` styles are written as ammonia's CSS filter rewrites them;
//! links get `rel="noopener noreferrer"`; site-relative URLs get the base
//! path. Whatever it is not sure of (a URL the sanitiser would judge, a
//! heading with classes or attributes, an event it does not know) makes it
//! give up, and the caller sanitises as before. `tests` hold a differential
//! test against the sanitiser.

use pulldown_cmark::{Alignment, Event, LinkType, Tag, TagEnd};

use super::{TASK_DONE, TASK_OPEN};

/// What a task-list marker becomes (as after the sanitiser).
pub const CHECKBOX_DONE: &str = r#"<input type="checkbox" checked="" disabled="">"#;
pub const CHECKBOX_OPEN: &str = r#"<input type="checkbox" disabled="">"#;

/// Whether the fast path may be tried on this source at all: no raw HTML
/// (the caller checks the events), and no character that html5ever's
/// tokenizer would change (CR, NUL) or that stands for a task marker.
pub fn source_ok(md: &str) -> bool {
    !md.bytes().any(|b| b == b'\r' || b == 0) && !md.contains('\u{E000}')
}

/// Text content as html5ever serialises it.
fn text(out: &mut String, s: &str) {
    escape(out, s, false);
}

/// An attribute value as html5ever serialises it.
fn attr(out: &mut String, s: &str) {
    escape(out, s, true);
}

fn escape(out: &mut String, s: &str, attr_mode: bool) {
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let (rep, len) = match bytes[i] {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' if attr_mode => ("&quot;", 1),
            0xC2 if bytes.get(i + 1) == Some(&0xA0) => ("&nbsp;", 2),
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&s[start..i]);
        out.push_str(rep);
        i += len;
        start = i;
    }
    out.push_str(&s[start..]);
}

/// pulldown-cmark's `escape_href` without its HTML escaping (`&` and `'`
/// stay as they are, which is what ammonia sees once it has parsed them).
fn href(out: &mut String, s: &str) {
    const HEX: &[u8] = b"0123456789ABCDEF";
    for &b in s.as_bytes() {
        if b < 0x80 && HREF_SAFE[b as usize] {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 0xF) as usize] as char);
        }
    }
}

/// The bytes `escape_href` leaves alone, plus `&` and `'`, which it
/// writes as character references.
const HREF_SAFE: [bool; 128] = {
    let mut t = [false; 128];
    let safe =
        b"!#$%&'()*+,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ^_abcdefghijklmnopqrstuvwxyz~";
    let mut i = 0;
    while i < safe.len() {
        t[safe[i] as usize] = true;
        i += 1;
    }
    t
};

/// A link or image URL as the sanitiser leaves it, or `None` when it would
/// remove it (or might: the slow path decides then).
fn url(dest: &str, mailto: bool, prefix: &str) -> Option<String> {
    let mut value = String::with_capacity(dest.len() + 8);
    if mailto {
        value.push_str("mailto:");
    }
    href(&mut value, dest);
    match url::Url::parse(&value) {
        Ok(u) if matches!(u.scheme(), "http" | "https" | "mailto") => {}
        Err(url::ParseError::RelativeUrlWithoutBase) => {}
        _ => return None,
    }
    if value.starts_with('/') && !value.starts_with("//") {
        value.insert_str(0, prefix);
    }
    Some(value)
}

const FOOTNOTE_DEFINITION: &str = "<div class=\"footnote-definition\" id=\"";

struct Writer<'p> {
    out: String,
    end_newline: bool,
    head: bool,
    aligns: Vec<Alignment>,
    cell: usize,
    prefix: &'p str,
}

impl Writer<'_> {
    fn write(&mut self, s: &str) {
        self.out.push_str(s);
        if !s.is_empty() {
            self.end_newline = s.ends_with('\n');
        }
    }

    /// `<tag>` after a newline, as pulldown-cmark starts a block.
    fn block(&mut self, s: &str) {
        if !self.end_newline {
            self.out.push('\n');
        }
        self.write(s);
    }

    fn start<'e>(
        &mut self,
        tag: &Tag<'e>,
        rest: &mut impl Iterator<Item = &'e Event<'e>>,
    ) -> Option<()> {
        match tag {
            Tag::Paragraph => self.block("<p>"),
            Tag::Heading {
                level,
                id,
                classes,
                attrs,
            } => {
                if !classes.is_empty() || !attrs.is_empty() {
                    return None;
                }
                self.block(&format!("<{level}"));
                if let Some(id) = id {
                    self.out.push_str(" id=\"");
                    attr(&mut self.out, id);
                    self.out.push('"');
                }
                self.write(">");
            }
            Tag::Table(aligns) => {
                self.aligns = aligns.clone();
                self.write("<table>");
            }
            Tag::TableHead => {
                self.head = true;
                self.cell = 0;
                self.write("<thead><tr>");
            }
            Tag::TableRow => {
                self.cell = 0;
                self.write("<tr>");
            }
            Tag::TableCell => {
                self.write(if self.head { "<th" } else { "<td" });
                self.write(match self.aligns.get(self.cell) {
                    Some(Alignment::Left) => " style=\"text-align:left\">",
                    Some(Alignment::Center) => " style=\"text-align:center\">",
                    Some(Alignment::Right) => " style=\"text-align:right\">",
                    _ => ">",
                });
            }
            Tag::BlockQuote(None) => self.block("<blockquote>\n"),
            Tag::CodeBlock(_) => {
                if !self.end_newline {
                    self.write("\n");
                }
                // The sanitiser drops `class="language-*"`.
                self.write("<pre><code>");
            }
            Tag::List(Some(1)) => self.block("<ol>\n"),
            Tag::List(Some(start)) => self.block(&format!("<ol start=\"{start}\">\n")),
            Tag::List(None) => self.block("<ul>\n"),
            Tag::Item => self.block("<li>"),
            Tag::Emphasis => self.write("<em>"),
            Tag::Strong => self.write("<strong>"),
            Tag::Strikethrough => self.write("<del>"),
            Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            } => {
                let value = url(dest_url, *link_type == LinkType::Email, self.prefix)?;
                self.out.push_str("<a href=\"");
                attr(&mut self.out, &value);
                if !title.is_empty() {
                    self.out.push_str("\" title=\"");
                    attr(&mut self.out, title);
                }
                self.write("\" rel=\"noopener noreferrer\">");
            }
            Tag::Image {
                dest_url, title, ..
            } => {
                let value = url(dest_url, false, self.prefix)?;
                self.out.push_str("<img src=\"");
                attr(&mut self.out, &value);
                self.out.push_str("\" alt=\"");
                // The alt text: the text of everything up to the image's end.
                let mut alt = String::new();
                let mut nest = 0;
                for e in rest.by_ref() {
                    match e {
                        Event::Start(_) => nest += 1,
                        Event::End(_) if nest == 0 => break,
                        Event::End(_) => nest -= 1,
                        Event::Text(t) | Event::Code(t) | Event::InlineHtml(t) => {
                            alt.push_str(t);
                            self.end_newline = t.ends_with('\n');
                        }
                        Event::Html(_) => {}
                        Event::SoftBreak | Event::HardBreak | Event::Rule => alt.push(' '),
                        _ => return None,
                    }
                }
                attr(&mut self.out, &alt);
                if !title.is_empty() {
                    self.out.push_str("\" title=\"");
                    attr(&mut self.out, title);
                }
                self.write("\">");
            }
            _ => return None,
        }
        Some(())
    }

    fn end(&mut self, tag: &TagEnd) -> Option<()> {
        match tag {
            TagEnd::Paragraph => self.write("</p>\n"),
            TagEnd::Heading(level) => self.write(&format!("</{level}>\n")),
            TagEnd::Table => self.write("</tbody></table>\n"),
            TagEnd::TableHead => {
                self.write("</tr></thead><tbody>\n");
                self.head = false;
            }
            TagEnd::TableRow => self.write("</tr>\n"),
            TagEnd::TableCell => {
                self.write(if self.head { "</th>" } else { "</td>" });
                self.cell += 1;
            }
            TagEnd::BlockQuote(_) => self.write("</blockquote>\n"),
            TagEnd::CodeBlock => self.write("</code></pre>\n"),
            TagEnd::List(true) => self.write("</ol>\n"),
            TagEnd::List(false) => self.write("</ul>\n"),
            TagEnd::Item => self.write("</li>\n"),
            TagEnd::Emphasis => self.write("</em>"),
            TagEnd::Strong => self.write("</strong>"),
            TagEnd::Strikethrough => self.write("</del>"),
            TagEnd::Link => self.write("</a>"),
            _ => return None,
        }
        Some(())
    }
}

/// The sanitised HTML of `events` (already given ids by `rewrite`, from a
/// source with no raw HTML: every `Html`/`InlineHtml` event is cadence's
/// own), or `None` where only the sanitiser may decide.
pub fn html(events: &[Event], prefix: &str, capacity: usize) -> Option<String> {
    let mut w = Writer {
        out: String::with_capacity(capacity),
        end_newline: true,
        head: true,
        aligns: Vec::new(),
        cell: 0,
        prefix,
    };
    let mut footnotes = std::collections::HashSet::new();
    let mut iter = events.iter();
    while let Some(e) = iter.next() {
        match e {
            Event::Start(tag) => w.start(tag, &mut iter)?,
            Event::End(tag) => w.end(tag)?,
            Event::Text(t) if t.as_ref() == TASK_DONE => w.write(CHECKBOX_DONE),
            Event::Text(t) if t.as_ref() == TASK_OPEN => w.write(CHECKBOX_OPEN),
            Event::Text(t) => {
                text(&mut w.out, t);
                w.end_newline = t.ends_with('\n');
            }
            Event::Code(t) => {
                w.write("<code>");
                text(&mut w.out, t);
                w.write("</code>");
            }
            // cadence's own footnote markup, written as the sanitiser
            // writes it.
            Event::Html(h) | Event::InlineHtml(h) => {
                // A label defined twice gives one id twice; the sanitiser
                // keeps the first.
                if let Some(rest) = h.strip_prefix(FOOTNOTE_DEFINITION)
                    && !footnotes.insert(rest.split('"').next().unwrap_or_default())
                {
                    return None;
                }
                w.write(h)
            }
            Event::SoftBreak => w.write("\n"),
            Event::HardBreak => w.write("<br>\n"),
            Event::Rule => {
                if w.end_newline {
                    w.write("<hr>\n");
                } else {
                    w.write("\n<hr>\n");
                }
            }
            _ => return None,
        }
    }
    Some(w.out)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use pulldown_cmark::{Event, Parser, Tag};

    use super::super::{Ids, options, rewrite, sanitised};

    /// The fast path's HTML, if it applies, and the sanitiser's.
    fn both(md: &str, base: &str, shift: usize) -> Option<(String, String)> {
        let events: Vec<Event> = Parser::new_ext(md, options()).collect();
        if events.iter().any(|e| {
            matches!(
                e,
                Event::Html(_) | Event::InlineHtml(_) | Event::Start(Tag::HtmlBlock)
            )
        }) || !super::source_ok(md)
        {
            return None;
        }
        let mut ids = Ids::new();
        let rewritten = rewrite(events.clone(), &mut ids, shift);
        let fast = super::html(&rewritten, base.trim_end_matches('/'), 0)?;
        Some((fast, sanitised(rewritten, ids, base, 0)))
    }

    fn same(md: &str) -> bool {
        let mut fast = false;
        for base in ["/", "/lab/"] {
            for shift in [0, 1] {
                if let Some((a, b)) = both(md, base, shift) {
                    assert_eq!(a, b, "markdown {md:?} under {base}, shift {shift}");
                    fast = true;
                }
            }
        }
        fast
    }

    const PIECES: &[&str] = &[
        "# Title",
        "## What's new",
        "### Fixes {#bug-fixes}",
        "#### Notes",
        "##### five",
        "###### six",
        "Setext\n===",
        "- a list item",
        "* star item",
        "1. one",
        "3. three",
        "- [x] done",
        "- [ ] open",
        "  - nested",
        "    indented code",
        "```shell\nilab model download\n```",
        "```\nplain <code> & \"q\"\n```",
        "~~~rust title\nfn main() {}\n~~~",
        "> quoted",
        "> > nested quote",
        "| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |",
        "| x | y |\n|---|---|\n| `c` | **b** |",
        "*em*",
        "_em_",
        "**strong**",
        "~~deleted~~",
        "`code & <tag>`",
        "[site](/schedule/)",
        "[rel](sub/dir)",
        "[frag](#notes)",
        "[ext](https://x.org/a?b=1&c=2)",
        "[titled](http://x.org/ \"title & 'q' <x>\")",
        "[proto](//x.org/)",
        "[mail](mailto:a@b.org)",
        "[js](javascript:alert(1))",
        "[ftp](ftp://x.org/)",
        "[data](data:text/html,x)",
        "[upper](HTTPS://X.ORG/)",
        "[spaces](<a b c>)",
        "[odd](a\"b'c<d>e[f]g^h`i{j}k|l\\m)",
        "[unicode](/é/€?q=🚀)",
        "[empty]()",
        "[bad host](http://[::1/)",
        "<https://auto.example.org/x?y=1&z=2>",
        "<someone@example.org>",
        "![chart](/img/c.png)",
        "![alt *em* `c` [l](x)](x.png \"t & t\")",
        "[![i](a.png)](b/)",
        "![](empty-alt.png)",
        "text[^n]",
        "more[^long note]",
        "[^n]: The note.",
        "[^long note]: Another *note*.",
        "---",
        "***",
        "line  \nbreak",
        "line\\\nbreak",
        "&amp; &copy; &nbsp; &lt; &#35; &#x27;",
        "\"quotes\" 'apos' < > & done",
        "é€🚀 nbsp\u{a0}here",
        "[ref]: /refd/ \"Ref title\"",
        "see [ref] and [text][ref]",
        "\\*not em\\* \\[x\\]",
        "a paragraph\nwith soft break",
        "",
        "plain words",
        "1) paren list",
        "+ plus item",
        "Term\n: not a definition list",
        "$math$ stays text",
        "H~2~O and x^2^",
    ];

    #[test]
    fn fixtures_and_synthetic_notes_match_the_sanitiser() {
        let fast: Vec<&str> = PIECES.iter().copied().filter(|md| same(md)).collect();
        // All but the four URLs the sanitiser removes (javascript:, ftp:,
        // data: and a bad host) take the fast path.
        assert_eq!(fast.len(), PIECES.len() - 4, "{fast:#?}");
        assert!(same(&fast.join("\n\n")));
        same(&PIECES.join("\n\n"));
        let fixture = "## What's new\n\n- Skills from 214 merged taxonomy pull requests[^prs].\n- [x] Tokenizer fixed in rc.2\n- [ ] Long-context evaluation (next release)\n\n| Metric | 1.0.0 | 1.1.0 |\n|:-------|------:|:-----:|\n| MT-Bench | 7.12 | 7.31 |\n\nSee the [schedule](/schedule/) for the next release. ~~No GGUF~~ GGUF included.\n\n[^prs]: Counted on the cmb-run-2024-11-15 branch.\n";
        assert!(same(fixture));
    }

    #[test]
    fn raw_html_takes_the_sanitiser() {
        assert!(both("a <b>bold</b>", "/", 0).is_none());
        assert!(both("<div>x</div>", "/", 0).is_none());
        assert!(both("a\r\nb", "/", 0).is_none());
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]
        #[test]
        fn random_markdown_matches_the_sanitiser(
            parts in prop::collection::vec((0..PIECES.len(), 0..4usize), 1..12)
        ) {
            let seps = ["\n", "\n\n", " ", ""];
            let md: String = parts
                .iter()
                .map(|&(p, s)| format!("{}{}", PIECES[p], seps[s]))
                .collect();
            same(&md);
        }

        #[test]
        fn markdown_soup_matches_the_sanitiser(
            parts in prop::collection::vec(0..SOUP.len(), 1..40)
        ) {
            let md: String = parts.iter().map(|&p| SOUP[p]).collect();
            same(&md);
        }
    }

    /// Characters and short runs that mean something in markdown or HTML.
    const SOUP: &[&str] = &[
        "*",
        "_",
        "[",
        "]",
        "(",
        ")",
        "<",
        ">",
        "!",
        "`",
        "#",
        "-",
        "|",
        ":",
        "\n",
        " ",
        "  ",
        "a",
        "b c",
        "\\",
        "&",
        "\"",
        "'",
        "~",
        "^",
        "1.",
        "http://x.org/",
        "/",
        "#x",
        "\u{a0}",
        "é",
        "🚀",
        "[^1]",
        "[^1]: ",
        "- [x] ",
        "```",
        "    ",
        "> ",
        "---",
        "&amp;",
        "mailto:a@b.c",
        "{#id}",
        "\t",
    ];
}
