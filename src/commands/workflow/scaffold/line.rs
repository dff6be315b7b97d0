//! The line file `cadence new line` writes (SPEC 10): `kind` and `major`,
//! `lts: false`, and the optional `eol` and `note` as comments, with what
//! the line's end of support is now. It passes `check` as written.
//!
//! Part of the commands layer.

use chrono::NaiveDate;

use super::{Doc, Scaffold};
use crate::model::lifecycle::LineState;
use crate::site::catalog::Catalog;

/// A line file for the line `n` of the catalog.
pub fn line(catalog: &Catalog, n: usize, today: NaiveDate) -> Scaffold {
    let l = &catalog.lines[n];
    let channel = &catalog.config.channels[&l.channel];
    let eol_now = match (l.eol, catalog.eol_basis(n)) {
        (Some(eol), Some(basis)) => format!("its end of support is {eol} ({basis})"),
        (Some(eol), None) => format!("its end of support is {eol}"),
        (None, _) => "its end of support is unknown".to_string(),
    };
    let mut d = Doc::new();
    d.comment(&format!(
        "The line file of {} on the {} channel: what its support is, beyond what its releases show.",
        catalog.line_title(n),
        channel.title
    ));
    d.comment(&format!(
        "Written by `cadence new line` on {today}. Today {} is {}; {eol_now}. Uncomment `eol` to set the date yourself; it overrides the channel's policy.",
        l.name(),
        match l.state {
            LineState::Eol => "past its end of support",
            LineState::Current => "the current line",
            LineState::Supported => "supported",
            LineState::Superseded => "superseded",
        }
    ));
    d.raw("");
    d.field("kind", "line", "");
    d.field(
        "major",
        &l.major.to_string(),
        "equals the number in the file name",
    );
    let example = l.eol.unwrap_or(today);
    d.with_comment(
        format!("# eol: {example}"),
        "optional: the last day of support",
    );
    d.field("lts", "false", "true for a long-term support line");
    d.raw("# note: |               # optional markdown: what support means for this line");
    d.raw("#   Security fixes only.");
    d.finish()
}
