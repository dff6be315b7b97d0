//! The major lines in `cadence schedule`'s text output (SPEC 10): after
//! the slots, one table per model's semver channel with a line, each line
//! with its state, end of support, LTS, first and latest release.
//!
//! Part of the commands layer.

use std::fmt::Write as _;

use crate::model::lifecycle::LineState;
use crate::site::catalog::Catalog;

fn paint(color: bool, state: LineState, text: &str) -> String {
    if !color {
        return text.to_string();
    }
    let code = match state {
        LineState::Eol => "31",
        LineState::Current | LineState::Supported => "32",
        LineState::Superseded => "2",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

/// The lines of every model (or `model`) as text; empty when there is none.
pub fn human(catalog: &Catalog, model: Option<&str>, color: bool) -> String {
    let mut out = String::new();
    for stream in catalog.streams.values() {
        if model.is_some_and(|m| m != stream.model) {
            continue;
        }
        let lines: Vec<_> = catalog.lines_of(&stream.model, &stream.channel).collect();
        if lines.is_empty() {
            continue;
        }
        let title = &catalog.config.models[&stream.model].title;
        let policy = catalog.config.channels[&stream.channel].support.map_or_else(
            || "no support policy: an older line's end of support is unknown unless its line file sets one".to_string(),
            |s| format!("an older line is supported {} months after the next line's first release", s.months),
        );
        let _ = writeln!(
            out,
            "{title} ({}) on {}: major lines; {policy}",
            stream.model, stream.channel
        );
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "  {:<6}  {:<10}  {:<10}  {:<3}  {:<24}  LATEST",
            "LINE", "STATE", "EOL", "LTS", "FIRST"
        );
        for (_, l) in lines {
            let (first, latest) = (catalog.release(l.first), catalog.release(l.latest));
            let state = format!("{:<10}", l.state.as_str());
            let row = format!(
                "  {:<6}  {}  {:<10}  {:<3}  {:<24}  {} ({})",
                l.name(),
                paint(color, l.state, &state),
                l.eol.map_or("unknown".to_string(), |d| d.to_string()),
                if l.lts { "yes" } else { "no" },
                format!("{} ({})", first.version, first.date),
                latest.version,
                latest.date
            );
            let _ = writeln!(out, "{}", row.trim_end());
        }
        let _ = writeln!(out);
    }
    out
}
