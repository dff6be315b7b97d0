//! The support lifecycle of major lines (SPEC 10): which lines of a semver
//! channel exist, their first and latest releases, their end of support
//! (`eol`) and their state on `today`. Derived here once, from the
//! manifests, the line files and the channel's `[support]` policy; the
//! rules, the catalog and through it every page, feed, calendar, API file,
//! announcement and `cadence schedule` read the result.
//!
//! - A *released final* is a final with status `released`; candidates,
//!   planned and yanked releases neither start a line nor are its latest.
//! - A line exists when its major has a released final. Its first release
//!   is its earliest released final, its latest the newest.
//! - `eol`: the line file's `eol`, else the earliest released final of the
//!   next higher existing line plus `support.months` (a month step clamps
//!   to the month's last day, as slots do), else unknown.
//! - State on `today`: `eol` when `eol <= today` (this wins over
//!   `current`), else `current` (the highest existing line), else
//!   `supported` (`eol` known, after today), else `superseded`.
//!
//! Part of the model layer.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::model::config::Config;
use crate::model::every::{Every, Unit};
use crate::model::manifest::{LineFile, Release, Status};
use crate::model::version::Versioning;

/// A line's state on `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LineState {
    Eol,
    Current,
    Supported,
    Superseded,
}

impl LineState {
    pub fn as_str(self) -> &'static str {
        match self {
            LineState::Eol => "eol",
            LineState::Current => "current",
            LineState::Supported => "supported",
            LineState::Superseded => "superseded",
        }
    }

    /// The state on `today` of a line whose end of support is `eol`;
    /// `highest` when it is the highest existing line of its channel.
    pub fn on(eol: Option<NaiveDate>, highest: bool, today: NaiveDate) -> LineState {
        match eol {
            Some(eol) if eol <= today => LineState::Eol,
            _ if highest => LineState::Current,
            Some(_) => LineState::Supported,
            None => LineState::Superseded,
        }
    }
}

/// Where a line's `eol` comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EolBasis {
    /// The line file's `eol`.
    File,
    /// `months` after `next_first` (a release index), the first released
    /// final of the next higher line, `next_major`.
    Policy {
        next_major: u64,
        next_first: usize,
        months: u32,
    },
    /// Neither: the line is the highest, or the channel has no policy.
    Unknown,
}

/// One existing major line of one model's semver channel.
#[derive(Debug, Clone, PartialEq)]
pub struct MajorLine {
    pub model: String,
    pub channel: String,
    pub major: u64,
    /// The earliest released final (an index into the site's releases).
    pub first: usize,
    /// The newest released final.
    pub latest: usize,
    pub eol: Option<NaiveDate>,
    pub basis: EolBasis,
    pub state: LineState,
    pub lts: bool,
    /// Markdown, from the line file.
    pub note: Option<String>,
    /// The line file (an index into the site's line files), if there is one.
    pub file: Option<usize>,
    /// The line page's site path, `granite-7b-lab/versioned/1.x/`.
    pub path: String,
}

impl MajorLine {
    /// `1.x`.
    pub fn name(&self) -> String {
        format!("{}.x", self.major)
    }

    /// Where the `eol` comes from, in words: `set in
    /// releases/m/c/line-2.yaml`, `6 months after 2.x began with 2.0.0 on
    /// 2024-07-15`; `None` while unknown.
    pub fn eol_basis(&self, releases: &[Release]) -> Option<String> {
        match self.basis {
            EolBasis::File => Some(format!(
                "set in releases/{}/{}/line-{}.yaml",
                self.model, self.channel, self.major
            )),
            EolBasis::Policy {
                next_major,
                next_first,
                months,
            } => {
                let next = &releases[next_first];
                Some(format!(
                    "{months} month{} after {next_major}.x began with {} on {}",
                    if months == 1 { "" } else { "s" },
                    next.version,
                    next.date
                ))
            }
            EolBasis::Unknown => None,
        }
    }

    /// Whether `today` is on or after the end of support.
    pub fn ended(&self, today: NaiveDate) -> bool {
        self.eol.is_some_and(|eol| eol <= today)
    }
}

/// `months` after `from`, as schedule slots step: clamped to the month's
/// last day (2025-08-31 + 6 months is 2026-02-28).
pub fn months_after(from: NaiveDate, months: u32) -> Option<NaiveDate> {
    Every {
        n: months,
        unit: Unit::Months,
    }
    .nth(from, 1)
}

/// The released finals of a semver release, by major: `(major, index)`.
fn released_final(r: &Release) -> Option<u64> {
    if r.status != Status::Released || !r.is_final() {
        return None;
    }
    r.parsed.as_ref()?.semver().map(|v| v.major)
}

/// Every existing line of every model's semver channel, by model, then
/// channel (the config's order), then newest line first.
pub fn lines(
    config: &Config,
    releases: &[Release],
    files: &[LineFile],
    today: NaiveDate,
) -> Vec<MajorLine> {
    // (model, channel) -> major -> released finals.
    let mut finals: BTreeMap<(&str, &str), BTreeMap<u64, Vec<usize>>> = BTreeMap::new();
    for (i, r) in releases.iter().enumerate() {
        let semver = config
            .channels
            .get(&r.channel)
            .is_some_and(|c| c.versioning == Versioning::Semver);
        if let (true, Some(major)) = (semver, released_final(r)) {
            finals
                .entry((r.model.as_str(), r.channel.as_str()))
                .or_default()
                .entry(major)
                .or_default()
                .push(i);
        }
    }
    let mut out = Vec::new();
    for model in config.models.values() {
        for channel in model.repos.keys() {
            let Some(majors) = finals.get(&(model.id.as_str(), channel.as_str())) else {
                continue;
            };
            let months = config.channels[channel].support.map(|s| s.months);
            let file_of = |major: u64| {
                files
                    .iter()
                    .position(|f| f.model == model.id && &f.channel == channel && f.major == major)
                    .map(|n| (n, files[n].eol))
            };
            let stream = stream_lines(releases, majors, months, &file_of, today);
            out.extend(stream.into_iter().rev().map(|mut l| {
                l.model = model.id.clone();
                l.channel = channel.clone();
                l.path = format!("{}/{}/{}.x/", model.id, channel, l.major);
                if let Some(f) = l.file.map(|f| &files[f]) {
                    l.lts = f.lts;
                    l.note = f.note.clone();
                }
                l
            }));
        }
    }
    out
}

/// The lines of one stream, lowest major first; `model`, `channel`,
/// `path`, `lts` and `note` are left for the caller.
fn stream_lines(
    releases: &[Release],
    majors: &BTreeMap<u64, Vec<usize>>,
    months: Option<u32>,
    file_of: &dyn Fn(u64) -> Option<(usize, Option<NaiveDate>)>,
    today: NaiveDate,
) -> Vec<MajorLine> {
    let key = |&i: &usize| (releases[i].date, &releases[i].parsed, &releases[i].file);
    let ends: Vec<(u64, usize, usize)> = majors
        .iter()
        .filter_map(|(&major, idx)| {
            let first = *idx.iter().min_by_key(|i| key(i))?;
            let latest = *idx.iter().max_by_key(|i| key(i))?;
            Some((major, first, latest))
        })
        .collect();
    let highest = ends.last().map(|e| e.0);
    ends.iter()
        .enumerate()
        .map(|(n, &(major, first, latest))| {
            let (file, written) = file_of(major).map_or((None, None), |(f, eol)| (Some(f), eol));
            let next = ends.get(n + 1);
            let (eol, basis) = match (written, next, months) {
                (Some(eol), _, _) => (Some(eol), EolBasis::File),
                (None, Some(&(next_major, next_first, _)), Some(months)) => (
                    months_after(releases[next_first].date, months),
                    EolBasis::Policy {
                        next_major,
                        next_first,
                        months,
                    },
                ),
                _ => (None, EolBasis::Unknown),
            };
            MajorLine {
                model: String::new(),
                channel: String::new(),
                major,
                first,
                latest,
                eol,
                basis,
                state: LineState::on(eol, Some(major) == highest, today),
                lts: false,
                note: None,
                file,
                path: String::new(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::manifest::Manifest;
    use crate::model::version::Version;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn config(support: &str) -> Config {
        crate::model::config::parse(&format!(
            "title = \"T\"\nbase_url = \"https://x.org/\"\n\
             [channels.stream]\nversioning = \"date\"\ntag = \"r-{{compact}}\"\n\
             [channels.v]\nversioning = \"semver\"\ntag = \"v{{version}}\"\n{support}\n\
             [models.m]\n[models.m.repos]\nv = \"o/m\"\nstream = \"o/s\"\n"
        ))
        .unwrap()
    }

    /// A release `version` of `m` on `channel`, dated `date`, with `extra` lines.
    fn release(channel: &str, version: &str, date: &str, extra: &str) -> Release {
        let file = format!("releases/m/{channel}/{version}.yaml");
        let text = format!("version: {version}\ndate: {date}\nsummary: s\n{extra}");
        let Some(Manifest::Release(mut r)) =
            crate::model::manifest::parse(&file, &text, "m", channel).0
        else {
            panic!("not a release")
        };
        let versioning = if channel == "v" {
            Versioning::Semver
        } else {
            Versioning::Date
        };
        r.parsed = Version::parse(version, versioning);
        r
    }

    fn line_file(major: u64, eol: Option<&str>) -> LineFile {
        LineFile {
            file: format!("releases/m/v/line-{major}.yaml"),
            model: "m".into(),
            channel: "v".into(),
            major,
            eol: eol.map(d),
            lts: true,
            note: Some("Fixes only.".into()),
            pos: Default::default(),
        }
    }

    /// `(name, first, latest, eol, state)` of every line, newest first.
    fn summary(
        releases: &[Release],
        lines: &[MajorLine],
    ) -> Vec<(String, String, String, Option<String>, &'static str)> {
        lines
            .iter()
            .map(|l| {
                (
                    l.name(),
                    releases[l.first].version.clone(),
                    releases[l.latest].version.clone(),
                    l.eol.map(|e| e.to_string()),
                    l.state.as_str(),
                )
            })
            .collect()
    }

    #[test]
    fn eol_on_today_wins_over_current() {
        let today = d("2025-06-01");
        assert_eq!(LineState::on(Some(today), true, today), LineState::Eol);
        assert_eq!(LineState::on(Some(today), false, today), LineState::Eol);
        let tomorrow = today.succ_opt();
        assert_eq!(LineState::on(tomorrow, true, today), LineState::Current);
        assert_eq!(LineState::on(tomorrow, false, today), LineState::Supported);
        assert_eq!(LineState::on(None, true, today), LineState::Current);
        assert_eq!(LineState::on(None, false, today), LineState::Superseded);
    }

    #[test]
    fn months_clamp_to_the_last_day_as_slots_do() {
        assert_eq!(months_after(d("2025-08-31"), 6), Some(d("2026-02-28")));
        assert_eq!(months_after(d("2023-08-31"), 6), Some(d("2024-02-29")));
        assert_eq!(months_after(d("2025-01-31"), 1), Some(d("2025-02-28")));
        assert_eq!(months_after(d("2025-03-15"), 12), Some(d("2026-03-15")));
        assert_eq!(months_after(d("2025-03-15"), 0), Some(d("2025-03-15")));
        assert_eq!(months_after(d("2025-11-30"), 3), Some(d("2026-02-28")));
    }

    #[test]
    fn only_released_finals_make_lines() {
        let releases = vec![
            release("v", "1.0.0-rc.1", "2024-01-01", ""),
            release("v", "1.0.0", "2024-01-10", ""),
            release("v", "1.1.0", "2024-06-01", ""),
            release(
                "v",
                "1.2.0",
                "2024-07-01",
                "status: yanked\nyanked:\n  date: 2024-07-02\n  reason: r\n",
            ),
            // Candidates, planned and yanked finals of 2 and 3 start no line.
            release("v", "2.0.0-rc.1", "2024-08-01", ""),
            release("v", "2.0.0", "2024-08-31", "status: planned\n"),
            release(
                "v",
                "3.0.0",
                "2024-09-01",
                "status: yanked\nyanked:\n  date: 2024-09-02\n  reason: r\n",
            ),
            release("stream", "2024-05-01", "2024-05-01", ""),
        ];
        let lines = lines(
            &config("[channels.v.support]\nmonths = 6"),
            &releases,
            &[],
            d("2024-06-15"),
        );
        assert_eq!(
            summary(&releases, &lines),
            [(
                "1.x".into(),
                "1.0.0".into(),
                "1.1.0".into(),
                None,
                "current"
            )]
        );
        assert_eq!(lines[0].path, "m/v/1.x/");
        assert_eq!(lines[0].basis, EolBasis::Unknown);
    }

    #[test]
    fn policy_eol_is_the_next_lines_first_final_plus_months() {
        let releases = vec![
            release("v", "1.0.0", "2024-01-10", ""),
            release("v", "1.1.0", "2024-09-15", ""),
            release("v", "2.0.0", "2024-08-31", ""),
            release("v", "2.1.0", "2024-12-01", ""),
            release("v", "4.0.0", "2025-03-01", ""),
        ];
        let config = config("[channels.v.support]\nmonths = 6");
        // 1.x ends 6 months after 2.0.0 (Aug 31 + 6 months, clamped);
        // 2.x 6 months after 4.0.0 (3.x does not exist); 4.x is current.
        let on = |today: &str| summary(&releases, &lines(&config, &releases, &[], d(today)));
        assert_eq!(
            on("2025-02-27"),
            [
                (
                    "4.x".into(),
                    "4.0.0".into(),
                    "4.0.0".into(),
                    None,
                    "current"
                ),
                (
                    "2.x".into(),
                    "2.0.0".into(),
                    "2.1.0".into(),
                    Some("2025-09-01".into()),
                    "supported"
                ),
                (
                    "1.x".into(),
                    "1.0.0".into(),
                    "1.1.0".into(),
                    Some("2025-02-28".into()),
                    "supported"
                ),
            ]
        );
        // On its eol day the line has ended.
        assert_eq!(on("2025-02-28")[2].4, "eol");
        let l = &lines(&config, &releases, &[], d("2025-02-28"))[2];
        assert_eq!(
            l.basis,
            EolBasis::Policy {
                next_major: 2,
                next_first: 2,
                months: 6
            }
        );
        assert!(l.ended(d("2025-02-28")) && !l.ended(d("2025-02-27")));
    }

    #[test]
    fn without_a_policy_or_a_next_line_eol_is_unknown() {
        let releases = vec![
            release("v", "1.0.0", "2024-01-10", ""),
            release("v", "2.0.0", "2024-08-31", ""),
        ];
        let lines = lines(&config(""), &releases, &[], d("2030-01-01"));
        let states: Vec<_> = lines.iter().map(|l| (l.eol, l.state.as_str())).collect();
        assert_eq!(states, [(None, "current"), (None, "superseded")]);
    }

    #[test]
    fn a_line_file_overrides_the_policy_and_says_lts() {
        let releases = vec![
            release("v", "1.0.0", "2024-01-10", ""),
            release("v", "2.0.0", "2024-08-31", ""),
        ];
        let config = config("[channels.v.support]\nmonths = 6");
        // A file for the current line may end it too; one for a line
        // that does not exist is ignored here (`line-unknown`).
        let files = [
            line_file(1, Some("2026-01-01")),
            line_file(2, Some("2025-06-01")),
            line_file(3, None),
        ];
        let lines = lines(&config, &releases, &files, d("2025-06-01"));
        assert_eq!(
            summary(&releases, &lines),
            [
                (
                    "2.x".into(),
                    "2.0.0".into(),
                    "2.0.0".into(),
                    Some("2025-06-01".into()),
                    "eol"
                ),
                (
                    "1.x".into(),
                    "1.0.0".into(),
                    "1.0.0".into(),
                    Some("2026-01-01".into()),
                    "supported"
                ),
            ]
        );
        assert_eq!(lines[1].basis, EolBasis::File);
        assert_eq!(lines[1].file, Some(0));
        assert!(lines[1].lts);
        assert_eq!(lines[1].note.as_deref(), Some("Fixes only."));
        // A line file without `eol` keeps the policy, and says lts.
        let files = [line_file(1, None)];
        let lines = super::lines(&config, &releases, &files, d("2025-01-01"));
        assert_eq!(lines[1].eol, Some(d("2025-02-28")));
        assert!(lines[1].lts && !lines[0].lts);
    }
}
