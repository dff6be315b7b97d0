//! Raw HTML in markdown that would take the text after it: shown as text.
//!
//! The page's HTML is sanitised as a whole, so that an element opened in
//! one block and closed in another (`<details>` around a list) keeps what
//! it holds. But a stretch of raw HTML that leaves a tag, an attribute
//! value or a comment open, or an element whose content is raw text
//! (`<title>`, `<textarea>`, `<xmp>`, `<iframe>`, `<script>`, `<style>`,
//! `<plaintext>`...), or a `<template>`, would have the parser read the
//! rest of the notes as part of it, and the sanitiser then drops or
//! flattens all of it. (CommonMark ends an HTML block that starts with
//! `<script`, `<style`, `<textarea` or `<pre` only at its closing tag, so
//! one left open holds the rest of the notes.)
//!
//! Each stretch (an HTML block, or the raw inline HTML of one leaf block)
//! is run through html5ever's tokenizer on its own, switched into raw text
//! as the tree builder would switch it, with a marker tag after it: when
//! the marker does not come out as a tag, or a `<template>` is left open,
//! the stretch is not self-contained, and its raw HTML becomes text, shown
//! as written rather than lost.
//!
//! Part of the site layer.

use std::cell::Cell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

/// `events` with each stretch of raw HTML (where `raw` is true) that is
/// not self-contained made text.
pub fn contain<'a>(events: Vec<Event<'a>>, raw: &[bool]) -> Vec<Event<'a>> {
    let mut out = Vec::with_capacity(events.len());
    let mut i = 0;
    while i < events.len() {
        if matches!(events[i], Event::Start(Tag::HtmlBlock)) {
            let end = events[i..]
                .iter()
                .position(|e| matches!(e, Event::End(TagEnd::HtmlBlock)))
                .map_or(events.len(), |p| i + p + 1);
            let block = &events[i..end];
            let source: String = block
                .iter()
                .filter_map(|e| match e {
                    Event::Html(h) => Some(h.as_ref()),
                    _ => None,
                })
                .collect();
            if self_contained(&source) {
                out.extend_from_slice(block);
            } else {
                out.push(Event::Start(Tag::Paragraph));
                out.push(Event::Text(CowStr::from(source.trim_end().to_string())));
                out.push(Event::End(TagEnd::Paragraph));
            }
            i = end;
        } else if inline(&events[i]) {
            let end = events[i..]
                .iter()
                .position(|e| !inline(e))
                .map_or(events.len(), |p| i + p);
            let run = &events[i..end];
            let raw = &raw[i..end];
            // Only the raw pieces: text between them is escaped, so it can
            // close nothing they open.
            let source: String = run
                .iter()
                .zip(raw)
                .filter_map(|(e, &r)| match e {
                    Event::InlineHtml(h) if r => Some(h.as_ref()),
                    _ => None,
                })
                .collect();
            if source.is_empty() || self_contained(&source) {
                out.extend_from_slice(run);
            } else {
                out.extend(run.iter().zip(raw).map(|(e, &r)| match e {
                    Event::InlineHtml(h) if r => Event::Text(h.clone()),
                    e => e.clone(),
                }));
            }
            i = end;
        } else {
            out.push(events[i].clone());
            i += 1;
        }
    }
    out
}

/// Whether an event is inline content of a leaf block.
fn inline(e: &Event) -> bool {
    match e {
        Event::Text(_)
        | Event::Code(_)
        | Event::InlineMath(_)
        | Event::DisplayMath(_)
        | Event::InlineHtml(_)
        | Event::SoftBreak
        | Event::HardBreak
        | Event::FootnoteReference(_)
        | Event::TaskListMarker(_) => true,
        Event::Start(t) => matches!(
            t,
            Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Superscript
                | Tag::Subscript
                | Tag::Link { .. }
                | Tag::Image { .. }
        ),
        Event::End(t) => matches!(
            t,
            TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Superscript
                | TagEnd::Subscript
                | TagEnd::Link
                | TagEnd::Image
        ),
        _ => false,
    }
}

/// A tag no markdown writes; it comes out as a tag only when the HTML
/// before it closed everything it opened.
const MARKER: &str = "cadence-end-of-raw-html";

/// Whether raw HTML, tokenized alone, ends outside every tag, comment and
/// raw-text element, with no `<template>` open.
pub fn self_contained(source: &str) -> bool {
    let input = BufferQueue::default();
    input.push_back(StrTendril::from(source));
    input.push_back(StrTendril::from(format!("<{MARKER}>")));
    let tokenizer = Tokenizer::new(Sink::default(), TokenizerOpts::default());
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.marker.get() && tokenizer.sink.templates.get() == 0
}

/// Follows the tokens as the tree builder would, for [`self_contained`].
#[derive(Default)]
struct Sink {
    marker: Cell<bool>,
    templates: Cell<u32>,
}

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let Token::TagToken(tag) = token else {
            return TokenSinkResult::Continue;
        };
        let start = tag.kind == TagKind::StartTag;
        match &*tag.name {
            MARKER if start => self.marker.set(true),
            "template" if start => self.templates.set(self.templates.get() + 1),
            "template" => self.templates.set(self.templates.get().saturating_sub(1)),
            // The elements whose content is raw text (HTML's "generic
            // RCDATA/raw text element parsing algorithm"); `noscript` as
            // with scripting on, the stricter reading.
            "title" | "textarea" if start => return TokenSinkResult::RawData(RawKind::Rcdata),
            "style" | "xmp" | "iframe" | "noembed" | "noframes" | "noscript" if start => {
                return TokenSinkResult::RawData(RawKind::Rawtext);
            }
            "script" if start => return TokenSinkResult::RawData(RawKind::ScriptData),
            "plaintext" if start => return TokenSinkResult::Plaintext,
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

#[cfg(test)]
mod tests {
    use super::self_contained;

    #[test]
    fn what_is_self_contained() {
        for s in [
            "<script>a</script>",
            "<style>p{}</STYLE >",
            "<scripts>",
            "<template></template>",
            "<!-- a -->",
            "<!-->",
            "<details><summary>S</summary>\n",
            "</details>\n",
            "<div align=\"center\">",
            "<b>",
            "<img alt='a > b'>",
            "",
        ] {
            assert!(self_contained(s), "{s}");
        }
        for s in [
            "<script>",
            "<SCRIPT type=x>",
            "<script>a</script><script>b",
            "<style",
            "<math><style>",
            "<title>",
            "<textarea>a",
            "<xmp>",
            "<iframe>",
            "<noscript>",
            "<plaintext>",
            "<template>",
            "<!-- open",
            "<!-- a --> <!-- b",
            "<div\n",
            "<img alt=\"open\n",
            "<div title='",
        ] {
            assert!(!self_contained(s), "{s}");
        }
    }
}
