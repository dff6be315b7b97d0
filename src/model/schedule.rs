//! Slot arithmetic and slot states, shared by the rules, the site, the
//! calendar and `cadence schedule`.
//!
//! Slots are `start + k·every`; month steps are taken from `start` and clamp
//! to the month's last day (a start of Jan 31 gives Feb 28, Mar 31, ...).
//! A slot's window is `[slot − window_days, slot + window_days]`, inclusive.
//!
//! Slot indices are computed from a date, never counted from `start`, and a
//! timeline holds only the slots that matter: the past ones (at most
//! [`MAX_PAST_SLOTS`]), the next few, and those a release or skip names, so
//! a schedule from year 1 or a skip in year 9999 costs what any other does.
//!
//! Part of the model layer.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use chrono::{Datelike, Duration, NaiveDate};

use crate::model::config::{Config, ScheduleRule};
use crate::model::every::Unit;
use crate::model::manifest::{Release, Skip, Status};

/// The most slots dated up to today (and its window) that one model's
/// timeline on one channel keeps. A schedule with more (a start centuries
/// back, a daily schedule run for decades) is a `config` error, and only
/// the latest of its past slots are kept: bounded time and memory whatever
/// `cadence.toml` says.
pub const MAX_PAST_SLOTS: u32 = 10_000;

/// The most consecutive slots after today's window a timeline holds to
/// reach a planned release or a skip further ahead (the slots between are
/// shown, open); a release or skip beyond that still gets its own slot.
pub const MAX_AHEAD_SLOTS: u32 = 100;

impl ScheduleRule {
    pub fn window(&self, slot: NaiveDate) -> (NaiveDate, NaiveDate) {
        let w = Duration::days(self.window_days);
        (
            slot.checked_sub_signed(w).unwrap_or(NaiveDate::MIN),
            slot.checked_add_signed(w).unwrap_or(NaiveDate::MAX),
        )
    }

    /// The `k`-th slot (`start + k·every`), if it is a date.
    pub fn slot(&self, k: u32) -> Option<NaiveDate> {
        self.every.nth(self.start, k)
    }

    /// The index of the last slot dated on or before `date`, computed (never
    /// counted), so any date costs the same.
    pub fn index_at_or_before(&self, date: NaiveDate) -> Option<u32> {
        if date < self.start {
            return None;
        }
        let n = i64::from(self.every.n);
        let k = match self.every.unit {
            Unit::Days => (date - self.start).num_days() / n,
            Unit::Weeks => (date - self.start).num_days() / (7 * n),
            Unit::Months => {
                let months = |d: NaiveDate| i64::from(d.year()) * 12 + i64::from(d.month0());
                (months(date) - months(self.start)) / n
            }
        };
        let k = u32::try_from(k).ok()?;
        // A month step lands in `date`'s month or before; in the same month
        // its day may still be after `date`'s.
        if self.slot(k).is_none_or(|d| d > date) {
            return k.checked_sub(1);
        }
        Some(k)
    }

    /// The index of the first slot dated on or after `date`.
    pub fn index_on_or_after(&self, date: NaiveDate) -> u32 {
        date.pred_opt()
            .and_then(|d| self.index_at_or_before(d))
            .map_or(0, |k| k.saturating_add(1))
    }

    /// The indices of the slots dated within `[from, until]`.
    pub fn indices_between(&self, from: NaiveDate, until: NaiveDate) -> Range<u32> {
        let lo = self.index_on_or_after(from);
        let hi = self
            .index_at_or_before(until)
            .map_or(0, |k| k.saturating_add(1));
        lo..hi.max(lo)
    }

    /// Whether `date` is a slot of this schedule.
    pub fn is_slot(&self, date: NaiveDate) -> bool {
        self.index_at_or_before(date).and_then(|k| self.slot(k)) == Some(date)
    }

    /// The slots nearest `date` among those on or after `first`: the last
    /// one before it (or on it) and the first one after it.
    pub fn nearest(
        &self,
        date: NaiveDate,
        first: NaiveDate,
    ) -> (Option<NaiveDate>, Option<NaiveDate>) {
        let first = self.index_on_or_after(first);
        let before = self
            .index_at_or_before(date)
            .filter(|k| *k >= first)
            .and_then(|k| self.slot(k));
        let after = date
            .succ_opt()
            .map(|d| self.index_on_or_after(d).max(first))
            .and_then(|k| self.slot(k));
        (before, after)
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
    /// How many slots before the first kept one were left out: more than
    /// [`MAX_PAST_SLOTS`] fell up to today (a `config` error).
    pub dropped: u32,
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
    // The slots that apply to the model start at `first`.
    let first = since.map_or(0, |s| rule.index_on_or_after(s));
    let w = Duration::days(rule.window_days);
    let after = |d: NaiveDate| d.checked_add_signed(w).unwrap_or(NaiveDate::MAX);

    let latest_input = scheduled
        .iter()
        .map(|&i| releases[i].date)
        .chain(model_skips.iter().map(|&i| skips[i].slot))
        .max()
        .unwrap_or(today);
    let (mut keep, dropped) = kept(rule, first, today, latest_input, upcoming);

    // Each scheduled final fulfils the nearest free slot whose window holds
    // its date.
    let mut fulfils: BTreeMap<u32, usize> = BTreeMap::new();
    let mut off_schedule = Vec::new();
    for &i in &scheduled {
        let date = releases[i].date;
        let before = date.checked_sub_signed(w).unwrap_or(NaiveDate::MIN);
        let holding = rule.indices_between(before, after(date));
        let holding = holding.start.max(first)..holding.end;
        if holding.is_empty() {
            off_schedule.push(i);
            continue;
        }
        if let Some(k) = nearest_first(rule, holding, date).find(|k| !fulfils.contains_key(k)) {
            fulfils.insert(k, i);
            keep.insert(k);
        }
    }

    let mut skipped: BTreeMap<u32, usize> = BTreeMap::new();
    let mut unknown_skips = Vec::new();
    for &s in model_skips {
        let date = skips[s].slot;
        match rule.index_at_or_before(date) {
            Some(k) if k >= first && rule.slot(k) == Some(date) => {
                // A second skip of one slot is a duplicate file name.
                skipped.entry(k).or_insert(s);
                keep.insert(k);
            }
            _ => unknown_skips.push(s),
        }
    }

    let mut conflicts = Vec::new();
    let slots: Vec<Slot> = keep
        .into_iter()
        .filter_map(|k| rule.slot(k).map(|date| (k, date)))
        .enumerate()
        .map(|(n, (k, date))| {
            let (window_start, window_end) = rule.window(date);
            let release = fulfils.get(&k).copied();
            let skip = skipped.get(&k).copied();
            if let (Some(_), Some(s)) = (release, skip) {
                conflicts.push((n, s));
            }
            let state = match (release.map(|i| releases[i].status), skip) {
                (Some(Status::Released | Status::Yanked), _) => SlotState::Released,
                (_, Some(_)) => SlotState::Skipped,
                (Some(Status::Planned), None) => SlotState::Planned,
                (None, None) if window_end < today => SlotState::Missed,
                (None, None) => SlotState::Open,
            };
            Slot {
                model: model.to_string(),
                channel: channel.to_string(),
                date,
                window_start,
                window_end,
                state,
                release,
                skip,
            }
        })
        .collect();

    Timeline {
        model: model.to_string(),
        channel: channel.to_string(),
        slots,
        scheduled,
        off_schedule,
        unknown_skips,
        conflicts,
        dropped,
    }
}

/// The slot indices a timeline shows before any release or skip adds its
/// own: every slot whose window may have opened by today (the latest
/// [`MAX_PAST_SLOTS`]), then on to `latest_input` (at most
/// [`MAX_AHEAD_SLOTS`]), and at least `upcoming` dated today or later. Also
/// how many past slots were left out.
fn kept(
    rule: &ScheduleRule,
    first: u32,
    today: NaiveDate,
    latest_input: NaiveDate,
    upcoming: usize,
) -> (BTreeSet<u32>, u32) {
    let after = |d: NaiveDate| {
        d.checked_add_signed(Duration::days(rule.window_days))
            .unwrap_or(NaiveDate::MAX)
    };
    let present_end = rule
        .index_at_or_before(after(today))
        .map_or(0, |k| k.saturating_add(1))
        .max(first);
    let dropped = (present_end - first).saturating_sub(MAX_PAST_SLOTS);
    let mut keep: BTreeSet<u32> = (first + dropped..present_end).collect();
    let ahead_end = rule
        .index_at_or_before(after(latest_input.max(today)))
        .map_or(0, |k| k.saturating_add(1))
        .clamp(present_end, present_end.saturating_add(MAX_AHEAD_SLOTS));
    keep.extend(present_end..ahead_end);
    let from_today = rule.index_on_or_after(today).max(first);
    let have = keep.range(from_today..).count();
    let mut k = ahead_end.max(from_today);
    for _ in have..upcoming {
        if rule.slot(k).is_none() {
            break;
        }
        keep.insert(k);
        k = k.saturating_add(1);
    }
    (keep, dropped)
}

/// The slot indices of `range` nearest `date` first (a tie goes to the
/// earlier slot), walking out from `date` so that only the slots looked at
/// are computed.
fn nearest_first(
    rule: &ScheduleRule,
    range: Range<u32>,
    date: NaiveDate,
) -> impl Iterator<Item = u32> + '_ {
    let pivot = rule
        .index_at_or_before(date)
        .map_or(range.start, |k| k.saturating_add(1))
        .clamp(range.start, range.end);
    // `left` counts down from pivot - 1, `right` up from pivot.
    let (mut left, mut right) = (pivot, pivot);
    let distance = move |k: u32| rule.slot(k).map(|d| (d - date).num_days().abs());
    std::iter::from_fn(move || {
        let l = (left > range.start).then(|| left - 1);
        let r = (right < range.end).then_some(right);
        let take_left = match (l.and_then(distance), r.and_then(distance)) {
            (Some(a), Some(b)) => a <= b,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => return None,
        };
        if take_left {
            left -= 1;
            l
        } else {
            right += 1;
            r
        }
    })
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
            at: None,
        };
        let slots: Vec<_> = rule
            .indices_between(d("2024-09-01"), d("2024-10-01"))
            .map(|k| rule.slot(k).unwrap())
            .collect();
        assert_eq!(slots, [d("2024-09-02"), d("2024-09-16"), d("2024-09-30")]);
        assert!(rule.is_slot(d("2024-09-16")));
        assert!(!rule.is_slot(d("2024-09-17")));
        assert_eq!(
            rule.window(d("2024-09-16")),
            (d("2024-09-13"), d("2024-09-19"))
        );
    }

    #[test]
    fn slot_indices_are_computed_for_any_date() {
        let rule = ScheduleRule {
            every: Every::parse("1 month").unwrap(),
            start: d("2024-01-31"),
            window_days: 5,
            skip_notice_days: 7,
            at: None,
        };
        // Month steps clamp: Feb 29, Mar 31, Apr 30.
        assert_eq!(rule.index_at_or_before(d("2024-01-30")), None);
        assert_eq!(rule.index_at_or_before(d("2024-02-28")), Some(0));
        assert_eq!(rule.index_at_or_before(d("2024-02-29")), Some(1));
        assert_eq!(rule.index_at_or_before(d("2024-03-30")), Some(1));
        assert!(rule.is_slot(d("2024-04-30")));
        assert!(!rule.is_slot(d("2024-04-29")));
        assert_eq!(rule.index_on_or_after(d("2024-03-01")), 2);
        assert_eq!(rule.indices_between(d("2024-02-01"), d("2024-04-29")), 1..3);
        // Year 9999 costs one division, not ninety thousand steps.
        assert!(rule.is_slot(d("9999-12-31")));
        assert_eq!(
            rule.nearest(d("9999-12-15"), NaiveDate::MIN),
            (Some(d("9999-11-30")), Some(d("9999-12-31")))
        );
        // Before the first slot that applies, only the one after it.
        assert_eq!(
            rule.nearest(d("2024-02-01"), d("2024-03-01")),
            (None, Some(d("2024-03-31")))
        );
    }

    #[test]
    fn nearest_slots_come_first_and_a_tie_goes_to_the_earlier() {
        let rule = ScheduleRule {
            every: Every::parse("2 days").unwrap(),
            start: d("2024-01-01"),
            window_days: 5,
            skip_notice_days: 0,
            at: None,
        };
        // Slots 01-01, 01-03, ..., 01-09, 01-11; the 6th is between two.
        let order: Vec<NaiveDate> = nearest_first(&rule, 0..6, d("2024-01-06"))
            .map(|k| rule.slot(k).unwrap())
            .collect();
        let want = [
            "2024-01-05",
            "2024-01-07",
            "2024-01-03",
            "2024-01-09",
            "2024-01-01",
            "2024-01-11",
        ];
        assert_eq!(order, want.map(d));
    }
}
