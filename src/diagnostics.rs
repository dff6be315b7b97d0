//! Findings and their renderings: human (with the source line and a caret),
//! JSON and GitHub Actions annotations.
//!
//! This is the one module that formats what `cadence check` reports; rules
//! only build [`Finding`]s.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::yaml::Pos;

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

impl Finding {
    pub fn error(code: &'static str, file: impl Into<String>, message: impl Into<String>) -> Self {
        Finding {
            file: file.into(),
            line: None,
            column: None,
            code,
            severity: Severity::Error,
            message: message.into(),
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
        self.help = Some(help.into());
        self
    }
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
            paint(color, "1", &format!(": {}", f.message))
        );
        let location = match (f.line, f.column) {
            (Some(l), Some(c)) => format!("{}:{l}:{c}", f.file),
            (Some(l), None) => format!("{}:{l}", f.file),
            _ => f.file.clone(),
        };
        let _ = writeln!(out, " {} {location}", paint(color, "1;34", "-->"));
        if let (Some(line), Some(text)) = (f.line, sources.get(&f.file))
            && let Some(src) = text.lines().nth(line.saturating_sub(1))
        {
            let src = src.trim_start_matches('\u{feff}').replace('\t', " ");
            let gutter = line.to_string();
            let pad = " ".repeat(gutter.len());
            let bar = paint(color, "1;34", "|");
            let _ = writeln!(out, "{pad} {bar}");
            let _ = writeln!(out, "{} {bar} {src}", paint(color, "1;34", &gutter));
            if let Some(col) = f.column {
                let width = src.chars().count();
                let caret_at = col.saturating_sub(1).min(width);
                let _ = writeln!(
                    out,
                    "{pad} {bar} {}{}",
                    " ".repeat(caret_at),
                    paint(color, tint, "^")
                );
            }
        }
        if let Some(help) = &f.help {
            let _ = writeln!(out, "  = {}: {help}", paint(color, "1", "help"));
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
        let mut props = vec![format!("file={}", gh_escape(&f.file, true))];
        if let Some(l) = f.line {
            props.push(format!("line={l}"));
        }
        if let Some(c) = f.column {
            props.push(format!("col={c}"));
        }
        props.push(format!("title={}", gh_escape(f.code, true)));
        let mut message = f.message.clone();
        if let Some(h) = &f.help {
            message.push_str(&format!("\nhelp: {h}"));
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
    fn suggestions() {
        assert_eq!(
            suggest("windw_days", ["window_days", "every", "start"]),
            Some("window_days")
        );
        assert_eq!(suggest("zzz", ["window_days", "every"]), None);
    }
}
