//! The tables of `cadence.toml` as serde reads them (the raw shapes), and
//! what turns a fault in them into a `config` finding at its line.
//!
//! Part of the model layer.

use std::collections::BTreeMap;
use std::ops::Range;

use chrono::NaiveDate;
use serde::Deserialize;

use super::{
    Announce, Author, CandidateRule, Channel, FILE, Gate, MAX_SCHEDULE_DAYS, Metric, Model,
    ScheduleRule, TAG_PLACEHOLDERS, valid_name,
};
use crate::model::diagnostics::{Finding, suggest};
use crate::model::every::Every;
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
    pub(super) support: Option<super::support::RawSupport>,
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

/// One `[channels.<name>]` table, checked.
pub(super) fn channel(
    text: &str,
    name: String,
    rc: RawChannel,
    err: &mut impl FnMut(Option<Pos>, String),
) -> Channel {
    let here = line_of(
        text,
        &[&format!("[channels.{name}]"), &format!("channels.{name}")],
    );
    if !valid_name(&name) {
        err(
            here,
            format!(
                "channel name `{name}` must be lowercase letters, digits and `-`, starting with a letter or digit"
            ),
        );
    }
    for piece in template_placeholders(&rc.tag) {
        if !TAG_PLACEHOLDERS.contains(&piece.as_str()) {
            let hint = suggest(&piece, TAG_PLACEHOLDERS.iter().copied())
                .map(|s| format!(" (did you mean `{{{s}}}`?)"))
                .unwrap_or_default();
            err(
                line_of(text, &[&rc.tag]).or(here),
                format!(
                    "tag template of channel `{name}` uses unknown placeholder `{{{piece}}}`{hint}; known: {{version}}, {{compact}}, {{major}}, {{minor}}, {{patch}}"
                ),
            );
        }
    }
    if rc.tag.matches('{').count() != rc.tag.matches('}').count() {
        err(
            here,
            format!(
                "tag template `{}` of channel `{name}` has an unbalanced brace",
                rc.tag
            ),
        );
    }
    if rc.versioning == Versioning::Date
        && ["{major}", "{minor}", "{patch}"]
            .iter()
            .any(|p| rc.tag.contains(p))
    {
        err(
            here,
            format!(
                "channel `{name}` has date versions; its tag cannot use {{major}}, {{minor}} or {{patch}}"
            ),
        );
    }
    let retention = match rc.retention {
        None => None,
        Some(n) if n >= 1 => Some(n as usize),
        Some(n) => {
            err(
                here,
                format!("retention of channel `{name}` must be at least 1, not {n}"),
            );
            None
        }
    };
    let schedule = rc
        .schedule
        .and_then(|rs| schedule(text, &name, rc.versioning, rs, here, err));
    if rc.candidates.is_some() && rc.versioning != Versioning::Semver {
        err(
            here,
            format!(
                "channel `{name}` has date versions; release candidates are only for semver channels"
            ),
        );
    }
    for (metric, gate) in &rc.gates {
        if gate.min.is_none() && gate.max.is_none() {
            err(
                line_of(text, &[&format!("{metric} =")]).or(here),
                format!("gate `{metric}` of channel `{name}` needs `min` or `max`"),
            );
        }
        if let (Some(lo), Some(hi)) = (gate.min, gate.max)
            && lo > hi
        {
            err(
                line_of(text, &[&format!("{metric} =")]).or(here),
                format!("gate `{metric}` of channel `{name}` has min {lo} above max {hi}"),
            );
        }
    }
    let support = super::support::rule(text, &name, rc.support, rc.versioning, err);
    Channel {
        title: rc.title.unwrap_or_else(|| name.clone()),
        name,
        description: rc.description,
        versioning: rc.versioning,
        tag: rc.tag,
        retention,
        schedule,
        candidates: rc.candidates,
        gates: rc.gates,
        support,
    }
}

/// A channel's `[channels.<name>.schedule]` table, checked.
fn schedule(
    text: &str,
    name: &str,
    versioning: Versioning,
    rs: RawSchedule,
    here: Option<Pos>,
    err: &mut impl FnMut(Option<Pos>, String),
) -> Option<ScheduleRule> {
    let spos = line_of(text, &[&format!("[channels.{name}.schedule]")]).or(here);
    if versioning != Versioning::Semver {
        err(
            spos,
            format!(
                "channel `{name}` has a schedule but `versioning = \"date\"`; schedules are only for semver channels"
            ),
        );
    }
    let every = Every::parse(&rs.every)
        .map_err(|e| err(spos, format!("schedule of `{name}`: {e}")))
        .ok();
    let start = toml_date(&rs.start);
    if start.is_none() {
        err(
            spos,
            format!("schedule of `{name}`: start must be a date such as 2024-09-02"),
        );
    }
    if rs.window_days < 0 || rs.skip_notice_days < 0 {
        err(
            spos,
            format!("schedule of `{name}`: window_days and skip_notice_days cannot be negative"),
        );
    }
    if rs.window_days > MAX_SCHEDULE_DAYS || rs.skip_notice_days > MAX_SCHEDULE_DAYS {
        err(
            spos,
            format!(
                "schedule of `{name}`: window_days and skip_notice_days can be at most {MAX_SCHEDULE_DAYS} (ten years)"
            ),
        );
    }
    match (every, start) {
        (Some(every), Some(start)) => Some(ScheduleRule {
            every,
            start,
            window_days: rs.window_days.clamp(0, MAX_SCHEDULE_DAYS),
            skip_notice_days: rs.skip_notice_days.clamp(0, MAX_SCHEDULE_DAYS),
            at: spos,
        }),
        _ => None,
    }
}

/// One `[models.<id>]` table, checked against the channels.
pub(super) fn model(
    text: &str,
    id: String,
    rm: RawModel,
    channels: &BTreeMap<String, Channel>,
    err: &mut impl FnMut(Option<Pos>, String),
) -> Model {
    let here = line_of(text, &[&format!("[models.{id}]"), &format!("models.{id}")]);
    if !valid_name(&id) {
        err(
            here,
            format!(
                "model id `{id}` must be lowercase letters, digits and `-`, starting with a letter or digit"
            ),
        );
    }
    if channels.contains_key(&id) {
        err(
            here,
            format!("model id `{id}` is also a channel name; both are top-level paths of the site"),
        );
    }
    if rm.repos.is_empty() {
        err(
            here,
            format!(
                "model `{id}` publishes on no channel: add `[models.{id}.repos]` with a repo per channel"
            ),
        );
    }
    for (channel, repo) in &rm.repos {
        let rpos = line_of(text, &[&format!("[models.{id}.repos]")]).or(here);
        if !channels.contains_key(channel) {
            let hint = suggest(channel, channels.keys().map(String::as_str))
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            err(
                rpos,
                format!(
                    "model `{id}` publishes on channel `{channel}`, which is not configured{hint}"
                ),
            );
        }
        if !valid_repo_id(repo) {
            err(
                rpos,
                format!("`{repo}` is not a Hugging Face repo id (owner/name)"),
            );
        }
    }
    let since = match &rm.since {
        None => None,
        Some(d) => {
            let date = toml_date(d);
            if date.is_none() {
                err(
                    here,
                    format!("since of model `{id}` must be a date such as 2024-09-01"),
                );
            }
            date
        }
    };
    Model {
        title: rm.title.unwrap_or_else(|| id.clone()),
        id,
        description: rm.description,
        base_model: rm.base_model,
        license: rm.license,
        since,
        repos: rm.repos,
    }
}
