//! The tables of `cadence.toml` as serde reads them (the raw shapes), and
//! what turns a fault in them into a `config` finding at its line.

use std::collections::BTreeMap;
use std::ops::Range;

use chrono::NaiveDate;
use serde::Deserialize;

use super::{Announce, Author, CandidateRule, FILE, Gate, Metric};
use crate::model::diagnostics::{Finding, suggest};
use crate::model::read::position;
use crate::model::version::Versioning;
use crate::model::yaml::Pos;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConfig {
    pub(super) title: String,
    pub(super) base_url: String,
    #[serde(default)]
    pub(super) description: String,
    pub(super) language: Option<String>,
    pub(super) theme: Option<String>,
    pub(super) notice: Option<String>,
    pub(super) feed_limit: Option<i64>,
    #[serde(default)]
    pub(super) author: Author,
    pub(super) announce: Option<Announce>,
    #[serde(default)]
    pub(super) channels: BTreeMap<String, RawChannel>,
    #[serde(default)]
    pub(super) metrics: BTreeMap<String, Metric>,
    #[serde(default)]
    pub(super) models: BTreeMap<String, RawModel>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawChannel {
    pub(super) title: Option<String>,
    #[serde(default)]
    pub(super) description: String,
    pub(super) versioning: Versioning,
    pub(super) tag: String,
    pub(super) retention: Option<i64>,
    pub(super) schedule: Option<RawSchedule>,
    pub(super) candidates: Option<CandidateRule>,
    #[serde(default)]
    pub(super) gates: BTreeMap<String, Gate>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSchedule {
    pub(super) every: String,
    pub(super) start: toml::value::Datetime,
    #[serde(default = "default_window")]
    pub(super) window_days: i64,
    #[serde(default = "default_notice")]
    pub(super) skip_notice_days: i64,
}

fn default_window() -> i64 {
    14
}
fn default_notice() -> i64 {
    7
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawModel {
    pub(super) title: Option<String>,
    pub(super) description: Option<String>,
    pub(super) base_model: Option<String>,
    pub(super) license: Option<String>,
    pub(super) since: Option<toml::value::Datetime>,
    #[serde(default)]
    pub(super) repos: BTreeMap<String, String>,
}

/// The first line that mentions `needle` (for findings after parsing).
pub(super) fn line_of(text: &str, needles: &[&str]) -> Option<Pos> {
    for needle in needles {
        if let Some(i) = text.find(needle) {
            return Some(position(text, i));
        }
    }
    None
}

pub(super) fn toml_date(d: &toml::value::Datetime) -> Option<NaiveDate> {
    match (d.date, d.time) {
        (Some(date), None) => {
            NaiveDate::from_ymd_opt(date.year as i32, date.month as u32, date.day as u32)
        }
        _ => None,
    }
}

pub(super) fn valid_repo_id(repo: &str) -> bool {
    let parts: Vec<_> = repo.split('/').collect();
    parts.len() == 2
        && parts.iter().all(|p| {
            !p.is_empty()
                && !p.starts_with(['.', '-'])
                && !p.contains("..")
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        })
}

/// The `{name}` placeholders of a template.
pub fn template_placeholders(template: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        out.push(rest[start + 1..start + len].to_string());
        rest = &rest[start + len + 1..];
    }
    out
}

pub(super) fn toml_finding(text: &str, e: &toml::de::Error) -> Finding {
    let pos = e.span().map(|Range { start, .. }| position(text, start));
    let message = e.message().trim().to_string();
    let mut f = Finding::error("config", FILE, format!("cadence.toml: {message}")).at(pos);
    // serde's "unknown field `x`, expected one of `a`, `b`" gets a suggestion.
    if let Some(rest) = message.strip_prefix("unknown field `")
        && let Some((field, expected)) = rest.split_once('`')
    {
        let known: Vec<&str> = expected
            .split('`')
            .enumerate()
            .filter(|(i, _)| i % 2 == 1)
            .map(|(_, s)| s)
            .collect();
        if let Some(s) = suggest(field, known.iter().copied()) {
            f = f.help(format!("did you mean `{s}`?"));
        }
    }
    f
}
