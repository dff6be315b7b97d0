//! The end-of-support announcement of a major line (`cadence announce
//! <model> <channel> line-<major>`, SPEC 10): which line `line-<major>`
//! names, and what `announce/line.txt` gets as `line`.
//!
//! Part of the commands layer.

use serde_json::{Value, json};

use super::super::plain::{self, Links, WIDTH};
use crate::model::lifecycle::LineState;
use crate::model::version::Versioning;
use crate::site::catalog::Catalog;

/// The line `line-<major>` names; refused (exit 2) when the channel has no
/// major lines, the line does not exist, or its end of support is unknown.
pub(super) fn find(
    catalog: &Catalog,
    model: &str,
    channel: &str,
    major: &str,
) -> Result<usize, String> {
    let semver = catalog
        .config
        .channels
        .get(channel)
        .is_some_and(|c| c.versioning == Versioning::Semver);
    if !semver {
        return Err(format!(
            "`{channel}` has date versions, which fall into no major line; `line-<major>` is for a semver channel"
        ));
    }
    let number = (!major.is_empty() && major.bytes().all(|b| b.is_ascii_digit()))
        .then(|| major.parse::<u64>().ok())
        .flatten();
    let Some(number) = number else {
        return Err(format!(
            "`line-{major}` is not line-<major>: give the major version, as in `line-1`"
        ));
    };
    let known: Vec<String> = catalog
        .lines_of(model, channel)
        .map(|(_, l)| l.name())
        .collect();
    let Some(n) = catalog.major_line(model, channel, number) else {
        return Err(format!(
            "{model} has no line {number}.x on `{channel}`: a line exists once it has a released final ({})",
            if known.is_empty() {
                "there is none yet".to_string()
            } else {
                format!("lines: {}", known.join(", "))
            }
        ));
    };
    if catalog.lines[n].eol.is_none() {
        let months = catalog.config.channels[channel].support;
        let why = if months.is_none() {
            format!("`{channel}` has no `[channels.{channel}.support]` policy")
        } else {
            format!("{number}.x is the newest line, so no later line starts its support period")
        };
        return Err(format!(
            "the end of support of {number}.x is unknown ({why}), so there is nothing to announce yet; set `eol` in releases/{model}/{channel}/line-{number}.yaml (`cadence new line {model} {channel} {number}`)"
        ));
    }
    Ok(n)
}

/// `line` of the template context.
pub(super) fn context(catalog: &Catalog, n: usize, links: &Links) -> Value {
    let l = &catalog.lines[n];
    let eol = catalog.eol_date(n);
    let mut v = catalog.line_json(n);
    v["title"] = json!(catalog.line_title(n));
    v["note_text"] = json!(
        l.note
            .as_deref()
            .map(|note| plain::markdown_to_text(note, links, WIDTH))
            .filter(|t| !t.trim().is_empty())
    );
    v["eol_basis"] = json!(catalog.eol_basis(n));
    v["ended"] = json!(l.ended(catalog.today));
    v["days_left"] = json!((eol - catalog.today).num_days().max(0));
    v["latest_url"] = json!(catalog.url(&catalog.info[l.latest].path));
    let supported: Vec<Value> = catalog
        .lines_of(&l.model, &l.channel)
        .filter(|(m, x)| *m != n && matches!(x.state, LineState::Current | LineState::Supported))
        .map(|(_, x)| {
            json!({
                "line": x.name(),
                "state": x.state.as_str(),
                "eol": x.eol.map(|d| d.to_string()),
                "lts": x.lts,
                "latest": catalog.release(x.latest).version,
                "url": catalog.url(&x.path),
            })
        })
        .collect();
    v["supported"] = json!(supported);
    v
}
