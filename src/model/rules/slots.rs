//! Rules of the schedule: `off-schedule`, `slot-missed`, `slot-conflict`,
//! `skip-unknown-slot`, `skip-late`, `slot-unplanned`.
//!
//! Part of the model layer.

use chrono::NaiveDate;

use crate::model::config::ScheduleRule;
use crate::model::diagnostics::{Finding, Severity};
use crate::model::load::Site;
use crate::model::schedule::{MAX_PAST_SLOTS, Slot, SlotState, Timeline, timelines};

pub fn check(site: &Site, today: NaiveDate) -> Vec<Finding> {
    let mut out = Vec::new();
    for t in timelines(&site.config, &site.releases, &site.skips, today, 1) {
        let Some(rule) = site
            .config
            .channels
            .get(&t.channel)
            .and_then(|c| c.schedule.as_ref())
        else {
            continue;
        };
        let folder = format!("releases/{}/{}/", t.model, t.channel);
        if t.dropped > 0 {
            out.push(
                Finding::error(
                    "config",
                    crate::model::config::FILE,
                    format!(
                        "cadence.toml: the `{}` schedule (every {} from {}) gives {} more than {MAX_PAST_SLOTS} slots up to {today}; only the latest {MAX_PAST_SLOTS} are checked",
                        t.channel, rule.every, rule.start, t.model
                    ),
                )
                .at(rule.at)
                .help(format!(
                    "move `start` of [channels.{}.schedule] later, or set `since` on [models.{}]",
                    t.channel, t.model
                )),
            );
        }
        off_schedule(site, &t, rule, &mut out);
        let unloaded = unloaded(site, &folder);
        for slot in t.slots.iter().filter(|s| s.state == SlotState::Missed) {
            out.push(missed(&t.model, &folder, slot, &unloaded));
        }
        for &(s, k) in &t.conflicts {
            let skip = &site.skips[k];
            let release = t.slots[s].release.map(|i| &site.releases[i]);
            out.push(
                Finding::error(
                    "slot-conflict",
                    &skip.file,
                    format!(
                        "slot {} is skipped but {} is in its window",
                        skip.slot,
                        release.map_or("a release", |r| r.version.as_str())
                    ),
                )
                .at(skip.at("slot"))
                .help("delete the skip, or move the release out of the window"),
            );
        }
        unknown_skips(site, &t, rule, &mut out);
        for skip in site
            .skips
            .iter()
            .filter(|s| s.model == t.model && s.channel == t.channel)
        {
            let notice = (skip.slot - skip.announced).num_days();
            if notice < rule.skip_notice_days {
                out.push(
                    Finding::error(
                        "skip-late",
                        &skip.file,
                        late_skip(skip.slot, skip.announced, rule.skip_notice_days),
                    )
                    .at(skip.at("announced"))
                    .help(format!(
                        "if the skip was announced earlier, set `announced` to that day; if the schedule did not apply to {} yet, set `since` in [models.{}] to a day after {} instead",
                        t.model, t.model, skip.slot
                    )),
                );
            }
        }
        if let Some(next) = t.next(today) {
            let due = (next.date - today).num_days() <= rule.skip_notice_days
                || next.window_start <= today;
            if due && next.state == SlotState::Open {
                out.push(
                    Finding::warning(
                        "slot-unplanned",
                        &folder,
                        format!(
                            "the next slot {} of {} (window {} to {}) has no release planned and no skip",
                            next.date, t.model, next.window_start, next.window_end
                        ),
                    )
                    .help(format!(
                        "plan a release in the window, or announce a skip by {}: `cadence new skip {} --slot {}`",
                        next.date - chrono::Duration::days(rule.skip_notice_days),
                        t.model,
                        next.date
                    )),
                );
            }
        }
    }
    out
}

/// The manifests of `folder` that an error kept from loading (a YAML
/// syntax error, a missing key): one may be the release a slot lacks.
fn unloaded<'a>(site: &'a Site, folder: &str) -> Vec<&'a str> {
    let mut files: Vec<&str> = site
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error && matches!(f.code, "yaml-syntax" | "schema"))
        .map(|f| f.file.as_str())
        .filter(|file| {
            file.strip_prefix(folder)
                .is_some_and(|name| !name.contains('/'))
                && !site.releases.iter().any(|r| r.file == *file)
                && !site.skips.iter().any(|k| k.file == *file)
        })
        .collect();
    files.sort_unstable();
    files.dedup();
    files
}

/// `slot-missed` for `slot`; when a manifest of the channel did not load,
/// the help says to fix it first, since it may be the slot's release.
fn missed(model: &str, folder: &str, slot: &Slot, unloaded: &[&str]) -> Finding {
    let mut help = format!(
        "announce a skip: `cadence new skip {model} --slot {}`; if the schedule did not apply to {model} yet, set `since` in [models.{model}] to a day after {} instead",
        slot.date, slot.date
    );
    if !unloaded.is_empty() {
        help = format!(
            "{} did not load (see its error) and may be this slot's release: fix it first; else {help}",
            unloaded.join(", ")
        );
    }
    Finding::error(
        "slot-missed",
        folder,
        format!(
            "slot {} of {model} (window {} to {}) closed with neither a release nor a skip",
            slot.date, slot.window_start, slot.window_end
        ),
    )
    .help(help)
}

/// `off-schedule`: a scheduled final outside every slot window.
fn off_schedule(site: &Site, t: &Timeline, rule: &ScheduleRule, out: &mut Vec<Finding>) {
    for &i in &t.off_schedule {
        let r = &site.releases[i];
        let (before, after) = nearest(&t.slots.iter().map(|s| s.date).collect::<Vec<_>>(), r.date);
        let near = match (before, after) {
            (Some(b), Some(a)) => format!("; the nearest slots are {b} and {a}"),
            (Some(s), None) | (None, Some(s)) => format!("; the nearest slot is {s}"),
            _ => String::new(),
        };
        out.push(
            Finding::error(
                "off-schedule",
                &r.file,
                format!(
                    "{} raises the version line but is dated {}, outside every slot window (±{} days){near}",
                    r.version, r.date, rule.window_days
                ),
            )
            .at(r.at("date"))
            .help("move the date into a slot's window, or make it a patch release"),
        );
    }
}

/// `skip-unknown-slot`: a skip whose slot is not a date of the schedule.
fn unknown_skips(site: &Site, t: &Timeline, rule: &ScheduleRule, out: &mut Vec<Finding>) {
    for &k in &t.unknown_skips {
        let skip = &site.skips[k];
        let since = site.config.models.get(&t.model).and_then(|m| m.since);
        let msg = match since {
            Some(d) if skip.slot < d && rule.is_slot(skip.slot) => {
                format!(
                    "slot {} is before {}'s `since` ({d}), so it does not apply",
                    skip.slot, t.model
                )
            }
            _ => format!(
                "{} is not a slot of the `{}` schedule (every {} from {})",
                skip.slot, t.channel, rule.every, rule.start
            ),
        };
        let (before, after) = rule.nearest(skip.slot, NaiveDate::MIN);
        let mut f = Finding::error("skip-unknown-slot", &skip.file, msg).at(skip.at("slot"));
        if let Some(s) = before.or(after) {
            f = f.help(format!(
                "the nearest slot is {}",
                after
                    .filter(|a| before.is_none_or(|b| (*a - skip.slot) < (skip.slot - b)))
                    .unwrap_or(s)
            ));
        }
        out.push(f);
    }
}

/// The dates in `sorted` just before and just after `date`.
fn nearest(sorted: &[NaiveDate], date: NaiveDate) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let i = sorted.partition_point(|d| *d <= date);
    (i.checked_sub(1).map(|j| sorted[j]), sorted.get(i).copied())
}

/// "1 day", "7 days".
fn days(n: i64) -> String {
    if n == 1 {
        "1 day".into()
    } else {
        format!("{n} days")
    }
}

/// Why a skip is late, in words: how long before (or after) its slot it was
/// announced, and by when it had to be.
fn late_skip(slot: NaiveDate, announced: NaiveDate, notice_days: i64) -> String {
    let notice = (slot - announced).num_days();
    let when = match notice {
        0 => "on the day of the slot".to_string(),
        n if n > 0 => format!("only {} before it", days(n)),
        n => format!("{} after it", days(-n)),
    };
    let needs = if notice_days == 1 {
        "1 day's".to_string()
    } else {
        format!("{notice_days} days'")
    };
    let due = slot
        .checked_sub_signed(chrono::Duration::days(notice_days))
        .map_or(String::new(), |d| format!(", so it was due by {d}"));
    format!(
        "the skip of {slot} was announced on {announced}, {when}; the channel needs {needs} notice{due}"
    )
}
