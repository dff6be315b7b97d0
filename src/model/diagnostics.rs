//! Findings and their renderings: human (with the source line and a caret),
//! JSON and GitHub Actions annotations.
//!
//! This is the one module that formats what `cadence check` reports; rules
//! only build [`Finding`]s. Text from the input (a value, a key, a file
//! name, a source line) reaches a terminal only through [`for_terminal`]:
//! a control character is shown escaped, never sent raw, so that a manifest
//! cannot retitle or clear a maintainer's terminal, and long text is cut.
//!
//! Part of the model layer.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::model::yaml::Pos;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One thing a maintainer can fix in one file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Finding {
    /// Path relative to the site root, with `/` separators.
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
}

/// The most characters of a message or help a finding keeps: a value
/// quoted in it is cut in the middle beyond that, so that a 20 MB value
/// never makes 20 MB of diagnostics in any format.
pub const MAX_MESSAGE: usize = 1_000;

impl Finding {
    pub fn error(code: &'static str, file: impl Into<String>, message: impl Into<String>) -> Self {
        Finding {
            file: clip(file.into(), MAX_MESSAGE),
            line: None,
            column: None,
            code,
            severity: Severity::Error,
            message: clip(message.into(), MAX_MESSAGE),
            help: None,
        }
    }

    pub fn warning(
        code: &'static str,
        file: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Finding {
            severity: Severity::Warning,
            ..Finding::error(code, file, message)
        }
    }

    pub fn at(mut self, pos: Option<Pos>) -> Self {
        if let Some(p) = pos {
            self.line = Some(p.line);
            self.column = Some(p.column);
        }
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(clip(help.into(), MAX_MESSAGE));
        self
    }
}

/// `text` cut to at most `max` characters, in the middle, with `…`.
fn clip(text: String, max: usize) -> String {
    // Counting is only needed when the bytes could be too many.
    if text.len() <= max || text.chars().count() <= max {
        return text;
    }
    let head = (max - 1) / 2;
    let tail = max - 1 - head;
    let mut out: String = text.chars().take(head).collect();
    out.push('…');
    let skip = text.chars().count() - tail;
    out.extend(text.chars().skip(skip));
    out
}

/// How a character from the input is shown in a terminal: itself, or
/// escaped when it is a control character (C0, DEL, C1) or one that
/// reorders or breaks the displayed line (bidirectional overrides and
/// isolates, line and paragraph separators).
fn shown(c: char) -> Option<Cow<'static, str>> {
    match c {
        '\t' => Some(Cow::Borrowed("\\t")),
        '\n' => Some(Cow::Borrowed("\\n")),
        '\r' => Some(Cow::Borrowed("\\r")),
        c if c.is_control()
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}') =>
        {
            Some(Cow::Owned(c.escape_unicode().to_string()))
        }
        _ => None,
    }
}

/// Text from the input made safe to print into a terminal: every control
/// character shown escaped (`\u{1b}`, a tab as `\t`), never raw, and at
/// most [`MAX_MESSAGE`] characters (cut in the middle with `…`). Every
/// human rendering of a finding (message, help, file name, source line)
/// goes through it; other commands' human output may too.
pub fn for_terminal(text: &str) -> Cow<'_, str> {
    let escape = |t: &str| -> String {
        let mut out = String::with_capacity(t.len());
        for c in t.chars() {
            match shown(c) {
                Some(s) => out.push_str(&s),
                None => out.push(c),
            }
        }
        out
    };
    if text.len() <= MAX_MESSAGE && !text.chars().any(|c| shown(c).is_some()) {
        return Cow::Borrowed(text);
    }
    let count = text.chars().count();
    if count <= MAX_MESSAGE {
        return Cow::Owned(escape(text));
    }
    let head = (MAX_MESSAGE - 1) / 2;
    let tail = MAX_MESSAGE - 1 - head;
    let first: String = text.chars().take(head).collect();
    let last: String = text.chars().skip(count - tail).collect();
    Cow::Owned(format!("{}…{}", escape(&first), escape(&last)))
}

/// The most characters of a source line shown under a finding.
pub const MAX_SOURCE: usize = 200;

/// A source line as shown under a finding: escaped as by [`for_terminal`]
/// and cut to [`MAX_SOURCE`] characters around `column` (1-based, in
/// characters) with `…` where it is cut; and where the caret goes, in
/// characters from the start of the shown line.
pub fn excerpt(line: &str, column: Option<usize>) -> (String, Option<usize>) {
    // Each character as shown, and where it starts.
    let pieces: Vec<Cow<'_, str>> = line
        .chars()
        .map(|c| shown(c).unwrap_or_else(|| Cow::Owned(c.to_string())))
        .collect();
    let widths: Vec<usize> = pieces.iter().map(|p| p.chars().count()).collect();
    let total: usize = widths.iter().sum();
    let fault = column.map(|c| c.saturating_sub(1).min(pieces.len()));
    let caret_at = |i: usize| widths[..i].iter().sum::<usize>();
    if total <= MAX_SOURCE {
        return (pieces.concat(), fault.map(caret_at));
    }
    // A window of whole pieces around the fault, leaving room for `…` at
    // both ends.
    let budget = MAX_SOURCE - 2;
    let center = fault.unwrap_or(0);
    let (mut start, mut end, mut used) = (center, center, 0);
    // Half the room before the fault, the rest after, then whatever is left
    // on either side.
    while start > 0 && used + widths[start - 1] <= budget / 2 {
        start -= 1;
        used += widths[start];
    }
    while end < pieces.len() && used + widths[end] <= budget {
        used += widths[end];
        end += 1;
    }
    while start > 0 && used + widths[start - 1] <= budget {
        start -= 1;
        used += widths[start];
    }
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.push_str(&pieces[start..end].concat());
    if end < pieces.len() {
        out.push('…');
    }
    let lead = usize::from(start > 0);
    let caret = fault.map(|f| lead + widths[start..f.max(start)].iter().sum::<usize>());
    (out, caret)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    #[default]
    Human,
    Json,
    Github,
}

/// Counts of errors and warnings.
pub fn counts(findings: &[Finding]) -> (usize, usize) {
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    (errors, findings.len() - errors)
}

/// Source texts by relative path, for the human rendering's source lines.
pub type Sources = BTreeMap<String, String>;

pub fn render(findings: &[Finding], format: Format, sources: &Sources, color: bool) -> String {
    match format {
        Format::Human => human(findings, sources, color),
        Format::Json => json(findings),
        Format::Github => github(findings),
    }
}

fn paint(color: bool, code: &str, text: &str) -> String {
    if color {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

pub fn human(findings: &[Finding], sources: &Sources, color: bool) -> String {
    let mut out = String::new();
    for f in findings {
        let (label, tint) = match f.severity {
            Severity::Error => ("error", "1;31"),
            Severity::Warning => ("warning", "1;33"),
        };
        let _ = writeln!(
            out,
            "{}{}",
            paint(color, tint, &format!("{label}[{}]", f.code)),
            paint(color, "1", &format!(": {}", for_terminal(&f.message)))
        );
        let file = for_terminal(&f.file);
        let location = match (f.line, f.column) {
            (Some(l), Some(c)) => format!("{file}:{l}:{c}"),
            (Some(l), None) => format!("{file}:{l}"),
            _ => file.into_owned(),
        };
        let _ = writeln!(out, " {} {location}", paint(color, "1;34", "-->"));
        if let (Some(line), Some(text)) = (f.line, sources.get(&f.file))
            && let Some(src) = text.lines().nth(line.saturating_sub(1))
        {
            let (src, caret) = excerpt(src.trim_start_matches('\u{feff}'), f.column);
            let gutter = line.to_string();
            let pad = " ".repeat(gutter.len());
            let bar = paint(color, "1;34", "|");
            let _ = writeln!(out, "{pad} {bar}");
            let _ = writeln!(out, "{} {bar} {src}", paint(color, "1;34", &gutter));
            if let Some(caret) = caret {
                let _ = writeln!(
                    out,
                    "{pad} {bar} {}{}",
                    " ".repeat(caret),
                    paint(color, tint, "^")
                );
            }
        }
        if let Some(help) = &f.help {
            let _ = writeln!(
                out,
                "  = {}: {}",
                paint(color, "1", "help"),
                for_terminal(help)
            );
        }
        out.push('\n');
    }
    let (errors, warnings) = counts(findings);
    let _ = writeln!(
        out,
        "{errors} error{}, {warnings} warning{}",
        if errors == 1 { "" } else { "s" },
        if warnings == 1 { "" } else { "s" }
    );
    out
}

pub fn json(findings: &[Finding]) -> String {
    let (errors, warnings) = counts(findings);
    let diagnostics: Vec<_> = findings
        .iter()
        .map(|f| {
            serde_json::json!({
                "code": f.code,
                "severity": f.severity.as_str(),
                "file": f.file,
                "line": f.line,
                "column": f.column,
                "message": f.message,
                "help": f.help,
            })
        })
        .collect();
    let value = serde_json::json!({
        "diagnostics": diagnostics,
        "errors": errors,
        "warnings": warnings,
    });
    let mut s = serde_json::to_string_pretty(&value).expect("json values serialise");
    s.push('\n');
    s
}

/// Escape a GitHub workflow-command property or message.
fn gh_escape(s: &str, property: bool) -> String {
    let mut out = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    if property {
        out = out.replace(':', "%3A").replace(',', "%2C");
    }
    out
}

pub fn github(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let kind = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut props = vec![format!("file={}", gh_escape(&for_terminal(&f.file), true))];
        if let Some(l) = f.line {
            props.push(format!("line={l}"));
        }
        if let Some(c) = f.column {
            props.push(format!("col={c}"));
        }
        props.push(format!("title={}", gh_escape(f.code, true)));
        // The input's control characters shown escaped, as in a terminal
        // (the Actions log is one); then the line break before the help,
        // cadence's own, escaped as the workflow command wants.
        let mut message = for_terminal(&f.message).into_owned();
        if let Some(h) = &f.help {
            message.push_str(&format!("\nhelp: {}", for_terminal(h)));
        }
        let _ = writeln!(
            out,
            "::{kind} {}::{}",
            props.join(","),
            gh_escape(&message, false)
        );
    }
    out
}

/// The known name closest to `word`, if it is close enough to be a likely typo.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), c))
        .filter(|(d, c)| {
            (*d <= 2.max(c.len() / 3) && *d < c.len()) || (word.len() >= 3 && c.starts_with(word))
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<Finding> {
        vec![
            Finding::error("schema", "releases/m/c/1.0.0.yaml", "unknown key `sumary`")
                .at(Some(Pos::new(2, 1)))
                .help("did you mean `summary`?"),
            Finding::warning(
                "slot-unplanned",
                "releases/m/c/",
                "slot 2025-03-03 has nothing",
            ),
        ]
    }

    #[test]
    fn human_shows_source_line_and_caret() {
        let mut sources = Sources::new();
        sources.insert(
            "releases/m/c/1.0.0.yaml".into(),
            "version: 1.0.0\nsumary: x\n".into(),
        );
        let out = human(&sample(), &sources, false);
        assert!(out.contains("error[schema]: unknown key `sumary`"));
        assert!(out.contains(" --> releases/m/c/1.0.0.yaml:2:1"));
        assert!(out.contains("2 | sumary: x"));
        assert!(out.contains("  | ^"));
        assert!(out.contains("help: did you mean `summary`?"));
        assert!(out.trim_end().ends_with("1 error, 1 warning"));
        assert!(!out.contains('\x1b'));
    }

    #[test]
    fn json_has_exact_shape() {
        let v: serde_json::Value = serde_json::from_str(&json(&sample())).unwrap();
        assert_eq!(v["errors"], 1);
        assert_eq!(v["warnings"], 1);
        let d = &v["diagnostics"][1];
        let mut keys: Vec<_> = d.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        assert_eq!(
            keys,
            [
                "code", "column", "file", "help", "line", "message", "severity"
            ]
        );
        assert!(d["line"].is_null() && d["help"].is_null());
    }

    #[test]
    fn github_annotations_escape() {
        let out = github(&sample());
        let first = out.lines().next().unwrap();
        assert_eq!(
            first,
            "::error file=releases/m/c/1.0.0.yaml,line=2,col=1,title=schema::unknown key `sumary`%0Ahelp: did you mean `summary`?"
        );
    }

    #[test]
    fn terminal_text_shows_control_characters_escaped() {
        assert!(matches!(for_terminal("plain é"), Cow::Borrowed("plain é")));
        assert_eq!(
            for_terminal("a\u{1b}]0;x\u{7}\tb\nc\u{9b}\u{202e}"),
            "a\\u{1b}]0;x\\u{7}\\tb\\nc\\u{9b}\\u{202e}"
        );
        let long = format!("{}\u{1b}{}", "a".repeat(5_000), "z".repeat(5_000));
        let cut = for_terminal(&long);
        assert_eq!(cut.chars().count(), MAX_MESSAGE);
        assert!(cut.starts_with('a') && cut.ends_with('z') && cut.contains('…'));
        let f = Finding::error("schema", "f", "x".repeat(100_000)).help("y".repeat(5_000));
        assert_eq!(f.message.chars().count(), MAX_MESSAGE);
        assert_eq!(f.help.unwrap().chars().count(), MAX_MESSAGE);
    }

    #[test]
    fn excerpts_keep_the_caret_under_the_fault() {
        assert_eq!(excerpt("a: b", Some(4)), ("a: b".to_string(), Some(3)));
        assert_eq!(
            excerpt("a:\t\u{1b}x", Some(4)),
            ("a:\\t\\u{1b}x".to_string(), Some(4))
        );
        // Past the end: the caret follows the line.
        assert_eq!(excerpt("ab", Some(9)), ("ab".to_string(), Some(2)));
        for (len, col) in [
            (1_000, 1),
            (1_000, 500),
            (1_000, 1_000),
            (1_000, 1_001),
            (250, 240),
        ] {
            let line: String = (0..len)
                .map(|i| char::from(b'a' + (i % 26) as u8))
                .collect();
            let (shown, caret) = excerpt(&line, Some(col));
            let chars: Vec<char> = shown.chars().collect();
            assert!(chars.len() <= MAX_SOURCE, "{len} {col}: {}", chars.len());
            let caret = caret.unwrap();
            if col <= len {
                assert_eq!(
                    chars[caret],
                    line.chars().nth(col - 1).unwrap(),
                    "{len} {col}"
                );
            } else {
                assert_eq!(caret, chars.len() - usize::from(shown.ends_with('…')));
            }
            assert_eq!(shown.starts_with('…'), col > MAX_SOURCE / 2, "{len} {col}");
        }
        // A line of escapes is cut between whole escapes.
        let (shown, caret) = excerpt(&"\u{1b}".repeat(500), Some(250));
        assert!(shown.chars().count() <= MAX_SOURCE);
        assert_eq!(
            &shown[shown.char_indices().nth(caret.unwrap()).unwrap().0..][..6],
            "\\u{1b}"
        );
    }

    #[test]
    fn github_annotations_escape_control_characters() {
        let f = Finding::error(
            "schema",
            "releases/\u{1b}x.yaml",
            "bad \u{1b}[2J value\nforged",
        )
        .help("h\u{7}");
        let out = github(&[f]);
        assert_eq!(
            out,
            "::error file=releases/\\u{1b}x.yaml,title=schema::bad \\u{1b}[2J value\\nforged%0Ahelp: h\\u{7}\n"
        );
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            suggest("windw_days", ["window_days", "every", "start"]),
            Some("window_days")
        );
        assert_eq!(suggest("zzz", ["window_days", "every"]), None);
    }
}
