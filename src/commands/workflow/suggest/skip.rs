//! What `cadence new skip` writes next (SPEC 8): the channel and the slot
//! a skip is for, with hints on what the slot's state means.
//!
//! Part of the commands layer.

use chrono::{Duration, NaiveDate};

use super::{Refusal, model_channel, model_of};
use crate::model::config::{Model, ScheduleRule};
use crate::model::schedule::{Slot, SlotState, Timeline, timelines};
use crate::site::catalog::Catalog;

/// What `cadence new skip` will write.
#[derive(Debug, Clone, PartialEq)]
pub struct SkipPlan {
    pub channel: String,
    pub slot: Slot,
    pub announced: NaiveDate,
    pub hints: Vec<String>,
}

/// The timeline of a model's channel holding at least `upcoming` slots from today.
fn timeline_with(catalog: &Catalog, model: &str, channel: &str, upcoming: usize) -> Timeline {
    let site = catalog.site;
    timelines(
        catalog.config,
        &site.releases,
        &site.skips,
        catalog.today,
        upcoming,
    )
    .into_iter()
    .find(|t| t.model == model && t.channel == channel)
    .expect("a scheduled channel the model publishes on has a timeline")
}

/// The channel and slot of a skip: `--slot`, else the next open slot.
pub fn plan_skip(
    catalog: &Catalog,
    model: &str,
    channel: Option<&str>,
    slot: Option<NaiveDate>,
) -> Result<SkipPlan, Refusal> {
    let config = catalog.config;
    let today = catalog.today;
    let m = model_of(catalog, model)?;
    let channel = skip_channel(catalog, model, m, channel)?;
    let rule = config.channels[&channel]
        .schedule
        .as_ref()
        .expect("scheduled");
    let mut hints = Vec::new();

    let chosen = match slot {
        Some(date) => given_slot(catalog, model, m, &channel, rule, date)?,
        None => next_open_slot(catalog, model, &channel, &mut hints)?,
    };

    match chosen.state {
        SlotState::Released => {
            let v = chosen
                .release
                .map(|i| catalog.release(i).version.clone())
                .unwrap_or_default();
            return Err(format!(
                "slot {} is fulfilled by {v}; a skip of it would conflict (slot-conflict): pick another slot with --slot",
                chosen.date
            ));
        }
        SlotState::Skipped => {
            let file = chosen
                .skip
                .map(|k| catalog.skip(k).file.clone())
                .unwrap_or_default();
            return Err(format!(
                "slot {} is already skipped in {file}: edit that file, or pick another slot with --slot",
                chosen.date
            ));
        }
        SlotState::Planned => {
            let r = chosen.release.map(|i| catalog.release(i));
            hints.push(format!(
                "warning: {} is planned in this slot's window ({}); delete it, or check reports slot-conflict",
                r.map_or("a release", |r| r.version.as_str()),
                r.map_or(String::new(), |r| r.file.clone())
            ));
        }
        SlotState::Missed => hints.push(format!(
            "warning: the window of slot {} closed on {}; a skip announced today is late (skip-late). If the skip was announced on the list before, set `announced` to that day",
            chosen.date, chosen.window_end
        )),
        SlotState::Open => {}
    }
    let notice = (chosen.date - today).num_days();
    if chosen.state == SlotState::Open && notice < rule.skip_notice_days {
        hints.push(format!(
            "warning: slot {} is {notice} days away; a skip needs {} days' notice, so check reports skip-late (it was due by {})",
            chosen.date,
            rule.skip_notice_days,
            chosen.date - Duration::days(rule.skip_notice_days)
        ));
    }
    Ok(SkipPlan {
        channel,
        slot: chosen,
        announced: today,
        hints,
    })
}

/// The channel of a skip: `--channel`, checked, else the model's one
/// scheduled channel.
fn skip_channel(
    catalog: &Catalog,
    model: &str,
    m: &Model,
    channel: Option<&str>,
) -> Result<String, Refusal> {
    let config = catalog.config;
    let scheduled: Vec<&String> = m
        .repos
        .keys()
        .filter(|c| {
            config
                .channels
                .get(*c)
                .is_some_and(|c| c.schedule.is_some())
        })
        .collect();
    Ok(match channel {
        Some(c) => {
            model_channel(catalog, model, c)?;
            if !scheduled.iter().any(|s| *s == c) {
                return Err(format!(
                    "channel `{c}` has no schedule, so it has no slots to skip: name a scheduled channel with --channel, or give `{c}` a [channels.{c}.schedule] in cadence.toml"
                ));
            }
            c.to_string()
        }
        None => match scheduled.as_slice() {
            [one] => one.to_string(),
            [] => {
                return Err(format!(
                    "model `{model}` publishes on no channel with a schedule, so it has no slots to skip: give one of its channels a [channels.<name>.schedule] in cadence.toml"
                ));
            }
            many => {
                return Err(format!(
                    "model `{model}` publishes on more than one scheduled channel ({}); name one with --channel",
                    many.iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        },
    })
}

/// The slot `--slot` names, refused when it is not one of the channel's
/// slots for the model (with the nearest slots).
fn given_slot(
    catalog: &Catalog,
    model: &str,
    m: &Model,
    channel: &str,
    rule: &ScheduleRule,
    date: NaiveDate,
) -> Result<Slot, Refusal> {
    let applies = m.since.is_none_or(|s| date >= s);
    if !rule.is_slot(date) || !applies {
        let (prev, next) = rule.nearest(date, m.since.unwrap_or(NaiveDate::MIN));
        let near: Vec<String> = prev
            .into_iter()
            .chain(next)
            .map(|d| d.to_string())
            .collect();
        let why = if rule.is_slot(date) {
            format!("it is before {model}'s `since`")
        } else {
            format!("the schedule is every {} from {}", rule.every, rule.start)
        };
        return Err(format!(
            "{date} is not a slot of the `{channel}` channel for {model} ({why}); the nearest slots are {}",
            near.join(" and ")
        ));
    }
    let t = timeline_with(catalog, model, channel, 4);
    if let Some(s) = t.slots.iter().find(|s| s.date == date) {
        return Ok(s.clone());
    }
    // A slot of the schedule the timeline leaves out holds no release and
    // no skip: one far ahead, or one before the past slots it keeps.
    let (window_start, window_end) = rule.window(date);
    Ok(Slot {
        model: model.to_string(),
        channel: channel.to_string(),
        date,
        window_start,
        window_end,
        state: if window_end < catalog.today {
            SlotState::Missed
        } else {
            SlotState::Open
        },
        release: None,
        skip: None,
    })
}

/// The first open slot whose window has not closed; a hint when the next
/// slot is taken.
fn next_open_slot(
    catalog: &Catalog,
    model: &str,
    channel: &str,
    hints: &mut Vec<String>,
) -> Result<Slot, Refusal> {
    let today = catalog.today;
    let mut upcoming = 4;
    loop {
        let t = timeline_with(catalog, model, channel, upcoming);
        let next = t.next(today).cloned();
        if let Some(s) = t
            .slots
            .iter()
            .find(|s| !s.closed(today) && s.state == SlotState::Open)
        {
            if let Some(n) = next.filter(|n| n.date != s.date) {
                hints.push(format!(
                    "the next slot, {}, is {}{}; skipping the one after it",
                    n.date,
                    n.state.as_str(),
                    n.release
                        .map(|i| format!(" ({})", catalog.release(i).version))
                        .unwrap_or_default()
                ));
            }
            return Ok(s.clone());
        }
        upcoming *= 4;
        if upcoming > 4096 {
            return Err(format!(
                "no open slot of `{channel}` for {model} in the next {upcoming} slots: name the slot to skip with --slot"
            ));
        }
    }
}
