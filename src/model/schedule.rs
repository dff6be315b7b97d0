//! Slot arithmetic and slot states, shared by the rules, the site, the
//! calendar and `cadence schedule`.
//!
//! Slots are `start + k·every`; month steps are taken from `start` and clamp
//! to the month's last day (a start of Jan 31 gives Feb 28, Mar 31, ...).
//! A slot's window is `[slot − window_days, slot + window_days]`, inclusive.
//!
//! Part of the model layer.

use chrono::{Duration, NaiveDate};

use crate::model::config::{Config, ScheduleRule};
use crate::model::manifest::{Release, Skip, Status};

impl ScheduleRule {
    pub fn window(&self, slot: NaiveDate) -> (NaiveDate, NaiveDate) {
        let w = Duration::days(self.window_days);
        (slot - w, slot + w)
    }

    /// Slot dates from `start`, in order, up to and including `until`.
    pub fn slots_until(&self, until: NaiveDate) -> impl Iterator<Item = NaiveDate> + '_ {
        (0u32..)
            .map_while(move |k| self.every.nth(self.start, k))
            .take_while(move |d| *d <= until)
    }

    /// Whether `date` is a slot of this schedule.
    pub fn is_slot(&self, date: NaiveDate) -> bool {
        self.slots_until(date).last() == Some(date)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SlotState {
    Released,
    Skipped,
    Missed,
    Planned,
    Open,
}

impl SlotState {
    pub fn as_str(self) -> &'static str {
        match self {
            SlotState::Released => "released",
            SlotState::Skipped => "skipped",
            SlotState::Missed => "missed",
            SlotState::Planned => "planned",
            SlotState::Open => "open",
        }
    }
}

/// One slot of one model's channel.
#[derive(Debug, Clone, PartialEq)]
pub struct Slot {
    pub model: String,
    pub channel: String,
    pub date: NaiveDate,
    pub window_start: NaiveDate,
    pub window_end: NaiveDate,
    pub state: SlotState,
    /// Index into the releases passed to [`timeline`] of the scheduled final
    /// that fulfils it or is planned for it.
    pub release: Option<usize>,
    /// Index into the skips passed to [`timeline`].
    pub skip: Option<usize>,
}

impl Slot {
    /// Whether the window closed before `today`.
    pub fn closed(&self, today: NaiveDate) -> bool {
        self.window_end < today
    }
}

/// The slots of one model on one scheduled channel, and how its scheduled
/// finals and skips fall on them.
#[derive(Debug, Clone, PartialEq)]
pub struct Timeline {
    pub model: String,
    pub channel: String,
    pub slots: Vec<Slot>,
    /// Scheduled finals (indices into releases), in date order.
    pub scheduled: Vec<usize>,
    /// Scheduled finals outside every window that applies.
    pub off_schedule: Vec<usize>,
    /// Skips whose slot is not a slot of the schedule for this model.
    pub unknown_skips: Vec<usize>,
    /// Slots with both a scheduled final and a skip: (slot index, skip index).
    pub conflicts: Vec<(usize, usize)>,
}

impl Timeline {
    /// The first slot whose window has not closed.
    pub fn next(&self, today: NaiveDate) -> Option<&Slot> {
        self.slots.iter().find(|s| !s.closed(today))
    }

    /// The next slot still to ship: the first whose window has not closed
    /// and that is neither released nor skipped (open, or planned). The
    /// one definition of "the next slot" that `cadence schedule` prints and
    /// announcements name, whatever is announced.
    pub fn next_due(&self, today: NaiveDate) -> Option<&Slot> {
        self.slots
            .iter()
            .find(|s| !s.closed(today) && matches!(s.state, SlotState::Open | SlotState::Planned))
    }
}

/// Whether a final raises `major.minor` above every final dated before it.
fn scheduled_finals(releases: &[Release], members: &[usize]) -> Vec<usize> {
    let mut finals: Vec<usize> = members
        .iter()
        .copied()
        .filter(|&i| {
            releases[i].is_final() && releases[i].parsed.as_ref().and_then(|v| v.line()).is_some()
        })
        .collect();
    finals.sort_by(|&a, &b| {
        (releases[a].date, &releases[a].parsed).cmp(&(releases[b].date, &releases[b].parsed))
    });
    // Sweep day by day: a final is scheduled when its line is above the
    // highest line of every final dated on an earlier day.
    let mut out = Vec::new();
    let mut best_before: Option<(u64, u64)> = None;
    for day in finals.chunk_by(|&a, &b| releases[a].date == releases[b].date) {
        let line = |i: usize| {
            releases[i]
                .parsed
                .as_ref()
                .and_then(|v| v.line())
                .expect("filtered")
        };
        out.extend(
            day.iter()
                .copied()
                .filter(|&i| best_before.is_none_or(|b| line(i) > b)),
        );
        let day_max = day.iter().map(|&i| line(i)).max();
        best_before = best_before.max(day_max);
    }
    out
}

/// The timelines of every model on every scheduled channel. `releases` and
/// `skips` are the site's valid manifests; `upcoming` is how many slots
/// dated today or later to include.
pub fn timelines(
    config: &Config,
    releases: &[Release],
    skips: &[Skip],
    today: NaiveDate,
    upcoming: usize,
) -> Vec<Timeline> {
    let mut out = Vec::new();
    for (channel_name, channel) in &config.channels {
        let Some(rule) = &channel.schedule else {
            continue;
        };
        for model in config.models_on(channel_name) {
            let members: Vec<usize> = (0..releases.len())
                .filter(|&i| releases[i].model == model.id && &releases[i].channel == channel_name)
                .collect();
            let model_skips: Vec<usize> = (0..skips.len())
                .filter(|&i| skips[i].model == model.id && &skips[i].channel == channel_name)
                .collect();
            out.push(timeline(
                rule,
                &model.id,
                channel_name,
                model.since,
                releases,
                &members,
                skips,
                &model_skips,
                today,
                upcoming,
            ));
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn timeline(
    rule: &ScheduleRule,
    model: &str,
    channel: &str,
    since: Option<NaiveDate>,
    releases: &[Release],
    members: &[usize],
    skips: &[Skip],
    model_skips: &[usize],
    today: NaiveDate,
    upcoming: usize,
) -> Timeline {
    let scheduled = scheduled_finals(releases, members);
    let latest_input = scheduled
        .iter()
        .map(|&i| releases[i].date)
        .chain(model_skips.iter().map(|&i| skips[i].slot))
        .max()
        .unwrap_or(today)
        .max(today);
    let horizon = latest_input + Duration::days(rule.window_days);
    let applies = |d: &NaiveDate| since.is_none_or(|s| *d >= s);
    let mut dates: Vec<NaiveDate> = rule.slots_until(horizon).filter(applies).collect();
    // Then the next `upcoming` slots dated today or later.
    let have = dates.iter().filter(|d| **d >= today).count();
    if have < upcoming {
        let mut k = 0u32;
        let mut extra = upcoming - have;
        while extra > 0 {
            let Some(d) = rule.every.nth(rule.start, k) else {
                break;
            };
            k += 1;
            if d > horizon && applies(&d) {
                dates.push(d);
                extra -= 1;
            }
            if k > 100_000 {
                break;
            }
        }
    }
    let mut slots: Vec<Slot> = dates
        .iter()
        .map(|&date| {
            let (window_start, window_end) = rule.window(date);
            Slot {
                model: model.to_string(),
                channel: channel.to_string(),
                date,
                window_start,
                window_end,
                state: SlotState::Open,
                release: None,
                skip: None,
            }
        })
        .collect();

    let mut off_schedule = Vec::new();
    for &i in &scheduled {
        let date = releases[i].date;
        // Slots are in date order and windows are equally wide, so the
        // windows holding `date` are a contiguous run found by bisection.
        let first = slots.partition_point(|s| s.window_end < date);
        let mut holding: Vec<usize> = (first..slots.len())
            .take_while(|&s| slots[s].window_start <= date)
            .collect();
        if holding.is_empty() {
            off_schedule.push(i);
            continue;
        }
        holding.sort_by_key(|&s| ((slots[s].date - date).num_days().abs(), slots[s].date));
        if let Some(&s) = holding.iter().find(|&&s| slots[s].release.is_none()) {
            slots[s].release = Some(i);
        }
    }

    let mut unknown_skips = Vec::new();
    let mut conflicts = Vec::new();
    for &k in model_skips {
        let at = slots.partition_point(|s| s.date < skips[k].slot);
        match slots
            .get(at)
            .filter(|s| s.date == skips[k].slot)
            .map(|_| at)
        {
            Some(s) if slots[s].skip.is_none() => {
                slots[s].skip = Some(k);
                if slots[s].release.is_some() {
                    conflicts.push((s, k));
                }
            }
            Some(_) => {} // a second skip of one slot is a duplicate file name
            None => unknown_skips.push(k),
        }
    }

    for slot in &mut slots {
        slot.state = match (slot.release.map(|i| releases[i].status), slot.skip) {
            (Some(Status::Released | Status::Yanked), _) => SlotState::Released,
            (_, Some(_)) => SlotState::Skipped,
            (Some(Status::Planned), None) => SlotState::Planned,
            (None, None) if slot.closed(today) => SlotState::Missed,
            (None, None) => SlotState::Open,
        };
    }

    Timeline {
        model: model.to_string(),
        channel: channel.to_string(),
        slots,
        scheduled,
        off_schedule,
        unknown_skips,
        conflicts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::every::Every;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn weeks_and_days() {
        let rule = ScheduleRule {
            every: Every::parse("2 weeks").unwrap(),
            start: d("2024-09-02"),
            window_days: 3,
            skip_notice_days: 7,
        };
        let slots: Vec<_> = rule.slots_until(d("2024-10-01")).collect();
        assert_eq!(slots, [d("2024-09-02"), d("2024-09-16"), d("2024-09-30")]);
        assert!(rule.is_slot(d("2024-09-16")));
        assert!(!rule.is_slot(d("2024-09-17")));
        assert_eq!(
            rule.window(d("2024-09-16")),
            (d("2024-09-13"), d("2024-09-19"))
        );
    }
}
