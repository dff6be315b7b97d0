//! What to tell a maintainer about YAML that does not say what they meant:
//! a `help:` for a syntax error whose usual cause is an unquoted value (a
//! `: ` or a reserved first character in a summary) or a tab, with the
//! caret moved onto the tab; and where a plain value is cut short by a
//! ` #` that YAML reads as the start of a comment.
//!
//! Both read the source text beside the parser's answer, since the parser
//! keeps neither comments nor the cause of an error.
//!
//! Part of the model layer.

use super::{Node, Pos, SyntaxError, Value};

/// Characters that may not start a plain scalar (YAML 1.2, `c-indicator`
/// less the ones that only matter in flow context or after a space).
const RESERVED_START: &[char] = &[
    '@', '`', '%', '*', '&', '!', '[', ']', '{', '}', '|', '>', '\'', '"', ',',
];

/// The source without the byte order mark the parser skips.
fn body(source: &str) -> &str {
    source.strip_prefix('\u{feff}').unwrap_or(source)
}

/// Where to point a syntax error and what to suggest: the caret moves onto
/// the tab that caused the error, if a tab did.
pub fn syntax_help(source: &str, err: &SyntaxError) -> (Pos, Option<String>) {
    let source = body(source);
    let about_tabs = err.message.contains("tab") || err.message.contains("whitespace");
    if about_tabs && let Some(tab) = tab_from(source, err.pos) {
        let line = source.lines().nth(tab.line - 1).unwrap_or_default();
        let indent = line.chars().take(tab.column - 1).all(char::is_whitespace);
        let help = if indent {
            "YAML indents with spaces only: replace the tab (shown as `\\t`) with spaces"
        } else {
            "YAML takes no tab here: replace the tab (shown as `\\t`) with a space"
        };
        return (tab, Some(help.into()));
    }
    let help = source
        .lines()
        .nth(err.pos.line.saturating_sub(1))
        .and_then(|line| quote_help(line, err.pos.column));
    (err.pos, help)
}

/// The first tab at or after `from`, on its line or the next two (the
/// parser may notice a tab at the end of the line before it).
fn tab_from(source: &str, from: Pos) -> Option<Pos> {
    let first = from.line.max(1);
    for (i, line) in source.lines().enumerate().skip(first - 1).take(3) {
        let skip = if i + 1 == first {
            from.column.saturating_sub(1)
        } else {
            0
        };
        // The fault may sit just before the column the parser names.
        let start = skip.saturating_sub(1);
        if let Some(k) = line.chars().skip(start).position(|c| c == '\t') {
            return Some(Pos::new(i + 1, start + k + 1));
        }
        if i + 1 == first && line.chars().take(start).any(|c| c == '\t') {
            let k = line.chars().position(|c| c == '\t')?;
            return Some(Pos::new(i + 1, k + 1));
        }
    }
    None
}

/// `key: value` on one line: the indent (with any `- `), the key and the
/// value as written, and the value's 1-based column.
fn key_value(line: &str) -> Option<(&str, &str, usize)> {
    let line = line.trim_end_matches('\r');
    let trimmed = line.trim_start_matches(' ');
    let rest = trimmed
        .strip_prefix("- ")
        .map_or(trimmed, |r| r.trim_start_matches(' '));
    let indent = line.len() - rest.len();
    let colon = rest.find(": ")?;
    let key = &rest[..colon];
    if key.is_empty()
        || key.starts_with(['#', '\'', '"', '?'])
        || key.contains(|c: char| c.is_whitespace() && c != ' ')
    {
        return None;
    }
    let after = &rest[colon + 1..];
    let value = after.trim();
    if value.is_empty() {
        return None;
    }
    let lead = after.len() - after.trim_start().len();
    let byte = indent + colon + 1 + lead;
    Some((key, value, line[..byte].chars().count() + 1))
}

/// `text` as a YAML scalar that reads back as `text`: double-quoted, or
/// single-quoted when it holds a `"` or a `\`.
pub fn quoted(text: &str) -> String {
    if text.contains(['"', '\\']) {
        format!("'{}'", text.replace('\'', "''"))
    } else {
        format!("\"{text}\"")
    }
}

/// "quote the value" when the error is inside an unquoted value of a
/// `key: value` line, with why YAML stumbled on it.
fn quote_help(line: &str, column: usize) -> Option<String> {
    let (key, value, at) = key_value(line)?;
    if column < at {
        return None;
    }
    let first = value.chars().next()?;
    let why = if value.starts_with(['"', '\'']) {
        "it starts with a quote, so YAML reads only up to the closing quote".to_string()
    } else if RESERVED_START.contains(&first) {
        format!("YAML reserves `{first}` at the start of a value")
    } else if value.contains(": ") || value.ends_with(':') {
        "YAML reads the `: ` inside it as the start of another key".to_string()
    } else if value.contains(" #") {
        "YAML reads ` #` as the start of a comment".to_string()
    } else {
        return None;
    };
    Some(format!(
        "quote the value of `{key}` ({why}): `{key}: {}`",
        quoted(value)
    ))
}

/// Where a plain (unquoted) scalar is cut short by a comment: the
/// position of the `#` that follows it after one space on its last line,
/// if one does. `"Fixes #42 and more"` written plain is read as `Fixes`;
/// `Fixes.  # a note`, with two spaces or a tab before the `#`, is taken
/// as a comment meant as one (yamllint's convention), and not reported.
pub fn comment_after(source: &str, node: &Node) -> Option<Pos> {
    let Value::Scalar { text, plain: true } = &node.value else {
        return None;
    };
    if text.is_empty() {
        return None;
    }
    let source = body(source);
    let line_start = line_offset(source, node.pos.line)?;
    let start = source[line_start..]
        .char_indices()
        .nth(node.pos.column - 1)
        .map(|(i, _)| line_start + i)?;
    // Folding changes only whitespace: walk the source until every other
    // character of the value has been met.
    let mut want = text.chars().filter(|c| !c.is_whitespace());
    let mut next = want.next();
    let mut chars = source[start..].char_indices();
    let mut end = None;
    for (i, c) in chars.by_ref() {
        if c.is_whitespace() {
            continue;
        }
        match next {
            Some(w) if w == c => {
                next = want.next();
                if next.is_none() {
                    end = Some(start + i + c.len_utf8());
                    break;
                }
            }
            _ => return None,
        }
    }
    let end = end?;
    // One space: likely part of the text. Two or more (yamllint's style)
    // or a tab: a comment meant as one.
    if !source[end..].starts_with(" #") {
        return None;
    }
    let hash = end + 1;
    let line = source[..hash].matches('\n').count() + 1;
    let from = source[..hash].rfind('\n').map_or(0, |n| n + 1);
    Some(Pos::new(line, source[from..hash].chars().count() + 1))
}

/// The byte offset where 1-based `line` starts.
fn line_offset(source: &str, line: usize) -> Option<usize> {
    if line <= 1 {
        return Some(0);
    }
    source.match_indices('\n').nth(line - 2).map(|(i, _)| i + 1)
}

/// The whole value as the maintainer wrote it, comment included, for the
/// help of a value cut by a comment.
pub fn written_value(source: &str, node: &Node) -> Option<String> {
    let source = body(source);
    let line = source.lines().nth(node.pos.line.checked_sub(1)?)?;
    let value: String = line
        .trim_end_matches('\r')
        .chars()
        .skip(node.pos.column - 1)
        .collect();
    Some(value.trim_end().to_string())
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    fn help(source: &str) -> (Pos, Option<String>) {
        let err = parse(source).unwrap_err();
        syntax_help(source, &err)
    }

    #[test]
    fn a_colon_in_a_value_gets_a_quote_hint() {
        let (pos, h) = help("version: 1\nsummary: Fixes: the tokenizer\n");
        assert_eq!(pos.line, 2);
        assert_eq!(
            h.unwrap(),
            "quote the value of `summary` (YAML reads the `: ` inside it as the start of \
             another key): `summary: \"Fixes: the tokenizer\"`"
        );
        let (_, h) = help("a:\n  - file: x: y\n");
        assert!(h.unwrap().contains("`file: \"x: y\"`"));
    }

    #[test]
    fn a_reserved_first_character_gets_a_quote_hint() {
        let (_, h) = help("summary: @user fixed it\n");
        assert!(h.unwrap().contains("reserves `@`"));
        let (_, h) = help("summary: \"Quoted\" extra\n");
        assert!(h.unwrap().ends_with("`summary: '\"Quoted\" extra'`"));
    }

    #[test]
    fn a_tab_gets_the_caret_and_a_hint() {
        let (pos, h) = help("a: 1\n\tb: 2\n");
        assert_eq!(pos, Pos::new(2, 1));
        assert!(h.unwrap().contains("indents with spaces"));
        let (pos, h) = help("a:\n  b:\t2\n");
        assert_eq!(pos, Pos::new(2, 5));
        assert!(h.unwrap().contains("replace the tab"));
    }

    #[test]
    fn other_errors_get_no_hint() {
        assert_eq!(help("a: [1, 2\n").1, None);
        assert_eq!(help("a: 1\na: 2\n").1, None);
    }

    #[test]
    fn a_comment_after_a_plain_value_is_found() {
        let src = "summary: Fixes #42 and more\ntitle: 'A #1'\nversion: 1.0  # ok\nx: a\n  b # c\ny: z\t# t\n";
        let doc = parse(src).unwrap().unwrap();
        let at = |k: &str| comment_after(src, doc.get(k).unwrap());
        assert_eq!(at("summary"), Some(Pos::new(1, 16)));
        assert_eq!(at("title"), None);
        assert_eq!(at("version"), None);
        assert_eq!(at("x"), Some(Pos::new(5, 5)));
        assert_eq!(at("y"), None);
        let doc = parse("s: a#b c\n").unwrap().unwrap();
        assert_eq!(comment_after("s: a#b c\n", doc.get("s").unwrap()), None);
        let src = "\u{feff}s: é # x\n";
        let doc = parse(src).unwrap().unwrap();
        assert_eq!(
            comment_after(src, doc.get("s").unwrap()),
            Some(Pos::new(1, 6))
        );
    }

    #[test]
    fn quoting_reads_back_as_written() {
        for text in ["Fixes: a", "say \"hi\"", "it's", "back\\slash 'x'"] {
            let doc = parse(&format!("s: {}\n", quoted(text))).unwrap().unwrap();
            assert_eq!(doc.get("s").unwrap().as_str(), Some(text));
        }
    }
}
