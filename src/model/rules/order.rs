//! Rules across the releases of a channel: `duplicate-version`,
//! `version-order` and `tag-collision`.
//!
//! Part of the model layer.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;

use super::{Groups, later};
use crate::model::diagnostics::Finding;
use crate::model::load::Site;
use crate::model::manifest::{Release, Skip};
use crate::model::version::Version;

pub fn check(site: &Site, groups: &Groups) -> Vec<Finding> {
    let mut out = Vec::new();
    for members in groups.values() {
        duplicates(&site.releases, members, &mut out);
        order(&site.releases, members, &mut out);
    }
    skip_duplicates(site, &mut out);
    tag_collisions(site, &mut out);
    out
}

fn duplicates(releases: &[Release], members: &[usize], out: &mut Vec<Finding>) {
    let mut seen: HashMap<&Version, &Release> = HashMap::new();
    for &i in members {
        let r = &releases[i];
        let Some(v) = &r.parsed else { continue };
        if let Some(first) = seen.get(v) {
            // Name the file to change: the later-dated, else the second.
            let target = later(first, r);
            let other = if std::ptr::eq(target, r) { *first } else { r };
            out.push(
                Finding::error(
                    "duplicate-version",
                    &target.file,
                    format!(
                        "version {} is also released by {}",
                        target.version, other.file
                    ),
                )
                .at(target.at("version")),
            );
        } else {
            seen.insert(v, r);
        }
    }
}

fn skip_duplicates(site: &Site, out: &mut Vec<Finding>) {
    let mut seen: HashMap<(&str, &str, NaiveDate), &Skip> = HashMap::new();
    for s in &site.skips {
        let key = (s.model.as_str(), s.channel.as_str(), s.slot);
        if let Some(first) = seen.get(&key) {
            // The later announcement, else the second in path order.
            let (target, other) = if first.announced > s.announced {
                (*first, s)
            } else {
                (s, *first)
            };
            out.push(
                Finding::error(
                    "duplicate-version",
                    &target.file,
                    format!("slot {} is also skipped by {}", s.slot, other.file),
                )
                .at(target.at("slot")),
            );
        } else {
            seen.insert(key, s);
        }
    }
}

/// Pairs `(lower, higher)` where the higher version is dated before the lower,
/// found in one pass over `sorted` (ascending versions).
fn inversions<'a, T>(
    sorted: &[(T, NaiveDate, &'a Release)],
    mut report: impl FnMut(&'a Release, &'a Release),
) {
    let mut latest: Option<(NaiveDate, &Release)> = None;
    for (_, date, r) in sorted {
        if let Some((d, lower)) = latest
            && *date < d
        {
            report(lower, r);
        }
        if latest.is_none_or(|(d, _)| *date >= d) {
            latest = Some((*date, r));
        }
    }
}

/// The releases of each `major.minor` line: (version, date, release).
type Lines<'a> = BTreeMap<(u64, u64), Vec<(&'a semver::Version, NaiveDate, &'a Release)>>;

fn order(releases: &[Release], members: &[usize], out: &mut Vec<Finding>) {
    let mut lines: Lines = BTreeMap::new();
    for &i in members {
        let r = &releases[i];
        if let Some(Version::Semver(v)) = &r.parsed {
            lines
                .entry((v.major, v.minor))
                .or_default()
                .push((v, r.date, r));
        }
    }
    for (&(major, minor), line) in lines.iter_mut() {
        line.sort_by(|a, b| a.0.cmp(b.0));
        // Finals against each other, and candidates against everything but
        // their own final (`candidate-after-final` says that).
        inversions(line, |lower, higher| {
            let (lv, hv) = (lower.parsed.as_ref(), higher.parsed.as_ref());
            let own_final = lower.is_candidate() && hv == lv.map(Version::final_version).as_ref();
            if own_final {
                return;
            }
            let target = later(lower, higher);
            let what = if lower.is_candidate()
                && higher.is_candidate()
                && lv.map(Version::final_version) == hv.map(Version::final_version)
            {
                "release candidate numbers must rise with their dates"
            } else {
                "versions of one line must rise with their dates"
            };
            out.push(
                Finding::error(
                    "version-order",
                    &target.file,
                    format!(
                        "{} is dated {} but {} is dated {}: {what} (line {major}.{minor})",
                        lower.version, lower.date, higher.version, higher.date
                    ),
                )
                .at(target.at("date")),
            );
        });
    }
    // A line starts with its first release; lines must start in order.
    let starts: Vec<((u64, u64), NaiveDate, &Release)> = lines
        .iter()
        .filter_map(|(k, line)| {
            line.iter()
                .min_by_key(|(v, d, _)| (*d, *v))
                .map(|(_, d, r)| (*k, *d, *r))
        })
        .collect();
    inversions(&starts, |older, newer| {
        let target = later(older, newer);
        out.push(
            Finding::error(
                "version-order",
                &target.file,
                format!(
                    "line {} starts with {} on {}, after the newer line started with {} on {}",
                    line_name(older),
                    older.version,
                    older.date,
                    newer.version,
                    newer.date
                ),
            )
            .at(target.at("date")),
        );
    });
}

fn line_name(r: &Release) -> String {
    r.parsed
        .as_ref()
        .and_then(Version::line)
        .map_or_else(String::new, |(a, b)| format!("{a}.{b}"))
}

fn tag_collisions(site: &Site, out: &mut Vec<Finding>) {
    let mut seen: HashMap<(String, String), &Release> = HashMap::new();
    let mut sorted: Vec<&Release> = site.releases.iter().collect();
    sorted.sort_by(|a, b| (a.date, &a.file).cmp(&(b.date, &b.file)));
    for r in sorted {
        let (Some(model), Some(channel)) = (
            site.config.models.get(&r.model),
            site.config.channels.get(&r.channel),
        ) else {
            continue;
        };
        let Some(repo) = model.repos.get(&r.channel) else {
            continue;
        };
        let tag = channel.render_tag(&r.version);
        if let Some(first) = seen.get(&(repo.clone(), tag.clone())) {
            let target = later(first, r);
            let other = if std::ptr::eq(target, r) { first } else { r };
            out.push(
                Finding::error(
                    "tag-collision",
                    &target.file,
                    format!("tag `{tag}` on {repo} is also the tag of {}", other.file),
                )
                .at(target.at("version"))
                .help("change the channel's tag template or the version"),
            );
        } else {
            seen.insert((repo.clone(), tag), r);
        }
    }
}
