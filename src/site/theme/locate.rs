//! Where a name a template uses stands in its source: tera's syntax tree
//! has no positions, so the `template` rule ([`super::check`]) finds the
//! first tag that uses the name, scanning the template's tags (comments,
//! `raw` blocks and quoted strings left out).
//!
//! Part of the site layer.

use crate::model::yaml::Pos;

/// A name a template uses that must resolve.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Use {
    Filter(String),
    Test(String),
    Function(String),
    Macro(String, String),
    /// `include "a"` or `include ["a", "b"]`: the first that exists.
    Include(Vec<String>),
    /// The same, `ignore missing`: none need exist.
    IncludeOptional(Vec<String>),
    /// `super()` where tera cannot render it.
    Super,
    /// A number literal too large for a 64-bit float.
    Infinite,
    Import(String),
    Extends(String),
}

/// One tag of a template: `{{ ... }}` or `{% ... %}`, its inside and the
/// byte offset of the inside.
pub(super) struct Tag<'t> {
    pub at: usize,
    pub inside: &'t str,
}

/// The tags of a template, comments and `raw` blocks left out.
pub(super) fn tags(text: &str) -> Vec<Tag<'_>> {
    let mut out = Vec::new();
    let mut i = 0;
    let b = text.as_bytes();
    while let Some(off) = text[i..].find('{') {
        let start = i + off;
        let close = match b.get(start + 1) {
            Some(b'{') => "}}",
            Some(b'%') => "%}",
            Some(b'#') => {
                i = text[start..]
                    .find("#}")
                    .map_or(text.len(), |e| start + e + 2);
                continue;
            }
            _ => {
                i = start + 1;
                continue;
            }
        };
        let inner = start + 2;
        let end = end_of_tag(text, inner, close).unwrap_or(text.len());
        let inside = &text[inner..end];
        out.push(Tag { at: inner, inside });
        i = (end + 2).min(text.len());
        let word = inside.trim_start_matches('-').split_whitespace().next();
        if close == "%}" && word == Some("raw") {
            // Up to `{% endraw %}` (or `{%- endraw -%}`).
            let mut j = i;
            while let Some(off) = text[j..].find("{%") {
                let s = j + off + 2;
                if text[s..]
                    .trim_start_matches('-')
                    .trim_start()
                    .starts_with("endraw")
                {
                    break;
                }
                j = s;
            }
            i = j;
        }
    }
    out
}

/// Where `close` ends a tag whose inside starts at `from`, outside quotes.
fn end_of_tag(text: &str, from: usize, close: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    for (k, c) in text[from..].char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' || c == '`' => quote = Some(c),
            None if text[from + k..].starts_with(close) => return Some(from + k),
            None => {}
        }
    }
    None
}

/// The inside of a tag with what is between quotes blanked out, so that
/// `"a | b"` is not taken for a filter; byte offsets are kept.
fn blank_strings(inside: &str) -> String {
    // Each blanked character becomes as many spaces as it has bytes, so
    // that an offset in the result is the same offset in `inside`.
    let mut out = String::with_capacity(inside.len());
    let mut quote: Option<char> = None;
    for c in inside.chars() {
        match quote {
            Some(q) if c == q => {
                quote = None;
                out.push(c);
            }
            Some(_) if c == '\n' => out.push(c),
            Some(_) => out.extend(std::iter::repeat_n(' ', c.len_utf8())),
            None => {
                if c == '"' || c == '\'' || c == '`' {
                    quote = Some(c);
                }
                out.push(c);
            }
        }
    }
    out
}

/// The line of the first tag that has the use `u`; else of the first tag
/// that holds its name at all (tera reads `x is nothing` as the test
/// `hing`, negated).
pub(super) fn locate(text: &str, u: &Use) -> Option<Pos> {
    exact(text, u).or_else(|| {
        let name = match u {
            Use::Filter(n) | Use::Test(n) | Use::Function(n) | Use::Macro(_, n) => n.as_str(),
            Use::Include(all) | Use::IncludeOptional(all) => all.first().map_or("", String::as_str),
            Use::Import(n) | Use::Extends(n) => n.as_str(),
            Use::Super => "super",
            Use::Infinite => "",
        };
        tags(text)
            .into_iter()
            .find_map(|t| t.inside.find(name).map(|k| pos_of(text, t.at + k)))
    })
}

/// [`locate`], where the tag uses `u` as such.
fn exact(text: &str, u: &Use) -> Option<Pos> {
    tags(text).into_iter().find_map(|tag| {
        let found = match u {
            Use::Extends(_) | Use::Import(_) | Use::Include(_) | Use::IncludeOptional(_) => {
                let (keyword, n) = match u {
                    Use::Extends(n) => ("extends", n.as_str()),
                    Use::Import(n) => ("import", n.as_str()),
                    Use::Include(all) | Use::IncludeOptional(all) => {
                        ("include", all.first().map_or("", String::as_str))
                    }
                    _ => unreachable!("matched above"),
                };
                let inside = tag.inside.trim_start_matches('-').trim_start();
                (inside.starts_with(keyword)
                    && (n.is_empty()
                        || ['"', '\'', '`']
                            .iter()
                            .any(|q| inside.contains(&format!("{q}{n}{q}")))))
                .then_some(0)
            }
            Use::Filter(f) => {
                let blank = blank_strings(tag.inside);
                let section = blank.trim_start_matches('-').trim_start();
                if section.starts_with("filter ") && word_at(section, "filter ".len(), f) {
                    Some(0)
                } else {
                    words(&blank, f).find(|&k| before(&blank, k) == Some('|'))
                }
            }
            Use::Test(t) => {
                let blank = blank_strings(tag.inside);
                words(&blank, t).find(|&k| {
                    let head = blank[..k].trim_end();
                    let head = head.strip_suffix("not").map_or(head, str::trim_end);
                    head.ends_with(" is") || head == "is"
                })
            }
            Use::Function(f) => {
                let blank = blank_strings(tag.inside);
                words(&blank, f).find(|&k| {
                    blank[k + f.len()..].trim_start().starts_with('(')
                        && !matches!(before(&blank, k), Some('|' | ':' | '.'))
                })
            }
            Use::Super => words(&blank_strings(tag.inside), "super").next(),
            Use::Infinite => {
                // A run of more digits than a finite float has.
                let blank = blank_strings(tag.inside);
                let b = blank.as_bytes();
                (0..b.len()).find(|&k| {
                    (k == 0 || !b[k - 1].is_ascii_digit())
                        && b[k..].iter().take_while(|c| c.is_ascii_digit()).count() > 308
                })
            }
            Use::Macro(ns, name) => {
                let blank = blank_strings(tag.inside);
                words(&blank, name).find(|&k| {
                    let head = blank[..k].trim_end();
                    head.strip_suffix("::")
                        .is_some_and(|h| h.trim_end().ends_with(ns.as_str()))
                })
            }
        };
        found.map(|k| pos_of(text, tag.at + k))
    })
}

/// The offsets where `word` stands as a whole word in `s`.
fn words<'s>(s: &'s str, word: &'s str) -> impl Iterator<Item = usize> + 's {
    s.match_indices(word).map(|(k, _)| k).filter(move |&k| {
        let ident = |c: char| c.is_alphanumeric() || c == '_';
        !s[..k].chars().next_back().is_some_and(ident)
            && !s[k + word.len()..].chars().next().is_some_and(ident)
    })
}

/// Whether `word` stands whole at `k` in `s` (after spaces).
fn word_at(s: &str, k: usize, word: &str) -> bool {
    let rest = s[k..].trim_start();
    rest.strip_prefix(word)
        .is_some_and(|r| !r.starts_with(|c: char| c.is_alphanumeric() || c == '_'))
}

/// The last character before `k` that is not a space.
fn before(s: &str, k: usize) -> Option<char> {
    s[..k].trim_end().chars().next_back()
}

/// The line and column (in characters) of a byte offset.
pub(super) fn pos_of(text: &str, offset: usize) -> Pos {
    let head = &text[..offset];
    let line_start = head.rfind('\n').map_or(0, |n| n + 1);
    Pos::new(
        head.matches('\n').count() + 1,
        head[line_start..].chars().count() + 1,
    )
}
