//! Bounds on a template's shape, checked on its text before tera parses
//! it. tera's parser and renderer, and the walk of [`super::check`],
//! recurse once for each nested block and for each operator of an
//! expression (`1 + 1 + 1` is a tree two deep), so a template of a pull
//! request nesting thousands deep overflowed the stack and crashed the
//! build. Real templates stay far below both bounds; a template over one
//! is a `template` finding at the tag that crosses it.
//!
//! Part of the site layer.

use super::locate::{Tag, tags};

/// Blocks (`if`, `for`, `block`, `macro`, `filter`) open inside one
/// another at once.
pub const MAX_NESTING: usize = 64;

/// Operators, and the deepest bracket, in one tag (`{{ a + (b ~ c) }}`
/// weighs three).
pub const MAX_EXPRESSION: usize = 256;

const OPENS: [&str; 5] = ["if", "for", "block", "macro", "filter"];
const CLOSES: [&str; 5] = ["endif", "endfor", "endblock", "endmacro", "endfilter"];

/// The first tag of `text` past a bound: its byte offset and what is
/// wrong, said for the finding.
pub(super) fn too_deep(text: &str) -> Option<(usize, String)> {
    let mut depth = 0usize;
    for tag in tags(text) {
        let weight = weight(tag.inside);
        if weight > MAX_EXPRESSION {
            return Some((
                tag.at,
                format!(
                    "has a tag of {weight} operators and brackets, more than the {MAX_EXPRESSION} cadence renders"
                ),
            ));
        }
        match statement(text, &tag) {
            Some(word) if OPENS.contains(&word) => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some((
                        tag.at,
                        format!(
                            "nests blocks {depth} deep here, more than the {MAX_NESTING} cadence renders"
                        ),
                    ));
                }
            }
            Some(word) if CLOSES.contains(&word) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// The keyword of a `{% ... %}` tag (`if`, `endfor`); `None` for `{{ }}`.
fn statement<'t>(text: &str, tag: &Tag<'t>) -> Option<&'t str> {
    if text.as_bytes().get(tag.at.checked_sub(1)?) != Some(&b'%') {
        return None;
    }
    tag.inside
        .trim_start_matches('-')
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .find(|w| !w.is_empty())
}

/// How deep a tag's expressions can make tera's tree: every operator
/// character and operator word, plus the deepest bracket, outside quotes.
/// It counts `==` twice and the `-` of `{%-`: an overcount only.
fn weight(inside: &str) -> usize {
    let mut ops = 0usize;
    let (mut open, mut deepest) = (0usize, 0usize);
    let mut quote: Option<char> = None;
    let mut word = String::new();
    let end_word = |word: &mut String, ops: &mut usize| {
        if matches!(word.as_str(), "and" | "or" | "not" | "in" | "is") {
            *ops += 1;
        }
        word.clear();
    };
    for c in inside.chars() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
            continue;
        }
        end_word(&mut word, &mut ops);
        match c {
            '"' | '\'' | '`' => quote = Some(c),
            '(' | '[' => {
                open += 1;
                deepest = deepest.max(open);
            }
            ')' | ']' => open = open.saturating_sub(1),
            '+' | '-' | '*' | '/' | '%' | '~' | '<' | '>' | '=' | '!' => ops += 1,
            _ => {}
        }
    }
    end_word(&mut word, &mut ops);
    ops + deepest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_counts_blocks_not_raw_text_or_comments() {
        let ok = format!(
            "{}{{% raw %}}{}{{% endraw %}}{{# {} #}}{}",
            "{% if a %}".repeat(MAX_NESTING),
            "{% if a %}".repeat(1000),
            "{% if a %}".repeat(1000),
            "{% endif %}".repeat(MAX_NESTING)
        );
        assert_eq!(too_deep(&ok), None);
        let deep = "{% for a in b %}{%- if a -%}".repeat(MAX_NESTING / 2 + 1);
        let (at, why) = too_deep(&deep).unwrap();
        assert!(why.contains("65 deep"), "{why}");
        assert_eq!(&deep[at - 2..at + 3], "{% fo");
        // Closed blocks do not add up.
        let flat = "{% if a %}{% endif %}".repeat(10_000);
        assert_eq!(too_deep(&flat), None);
    }

    #[test]
    fn weight_counts_operators_and_brackets_outside_strings() {
        assert_eq!(weight(" a + (b ~ c) "), 3);
        assert_eq!(weight(" x | upper "), 0);
        assert_eq!(weight(" \"+ - ( [\" ~ 'a and b' "), 1);
        assert_eq!(weight(" if a and not b or c is defined "), 4);
        assert_eq!(weight(" x | replace(from=\"a\", to=\"b\") "), 3);
        let long = format!(" 1{} ", " + 1".repeat(MAX_EXPRESSION + 1));
        assert!(too_deep(&format!("{{{{{long}}}}}")).is_some());
        let fine = format!(" 1{} ", " + 1".repeat(MAX_EXPRESSION / 2));
        assert_eq!(too_deep(&format!("{{{{{fine}}}}}")), None);
    }
}
