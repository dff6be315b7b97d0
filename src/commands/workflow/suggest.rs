//! What `cadence new` writes next (SPEC 8): the suggested version of a
//! release and the release its fields are prefilled from, and the slot a
//! skip is for.
//!
//! Versions are taken from the loaded manifests *and* from the file names
//! under the channel's folder, so a manifest that `new` wrote and that does
//! not load yet (its blanks are not filled in) still takes its version.
//!
//! Part of the commands layer.

use chrono::{Duration, NaiveDate};

use crate::model::config::{Channel, Model};
use crate::model::manifest::Status;
use crate::model::version::{Version, Versioning};
use crate::site::catalog::Catalog;

pub mod skip;

/// The first candidate of a channel that has no release yet. A public release
/// line starts at 1.0: a `0.y` version would tell users the model is not ready.
pub const FIRST_VERSION: &str = "1.0.0-rc.1";

/// A version as written in a file name.
pub fn version_text(v: &Version) -> String {
    match v {
        Version::Date { date, build: 1 } => date.to_string(),
        Version::Date { date, build } => format!("{date}.{build}"),
        Version::Semver(v) => v.to_string(),
    }
}

/// What `cadence new release` will write.
#[derive(Debug, Clone, PartialEq)]
pub struct ReleasePlan {
    pub version: String,
    pub parsed: Version,
    pub date: NaiveDate,
    /// A release dated after today is written as `status: planned`.
    pub planned: bool,
    /// The release fields are prefilled from (index into the site's releases).
    pub from: Option<usize>,
    /// A final written from its last candidate: the build's fields (revision,
    /// taxonomy, artifacts, evaluations) are copied, not blanked.
    pub promotion: bool,
    /// Notes for the maintainer, printed to stderr.
    pub hints: Vec<String>,
}

/// Why nothing can be written (exit 2).
pub type Refusal = String;

/// The model of a `new` or `announce` command, checked against the config.
fn model_of<'c>(catalog: &'c Catalog, model: &str) -> Result<&'c Model, Refusal> {
    let config = catalog.config;
    config.models.get(model).ok_or_else(|| {
        format!(
            "`{model}` is not a model in cadence.toml; models: {}",
            list(config.models.keys())
        )
    })
}

/// The model and channel of a `new` or `announce` command, checked against
/// the config.
pub fn model_channel<'c>(
    catalog: &'c Catalog,
    model: &str,
    channel: &str,
) -> Result<(&'c Model, &'c Channel), Refusal> {
    let config = catalog.config;
    let m = model_of(catalog, model)?;
    let Some(c) = config.channels.get(channel) else {
        return Err(format!(
            "`{channel}` is not a channel in cadence.toml; channels: {}",
            list(config.channels.keys())
        ));
    };
    if !m.repos.contains_key(channel) {
        return Err(format!(
            "model `{model}` does not publish on channel `{channel}`; it publishes on: {}",
            list(m.repos.keys())
        ));
    }
    Ok((m, c))
}

fn list<'a>(names: impl Iterator<Item = &'a String>) -> String {
    let v: Vec<&str> = names.map(String::as_str).collect();
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}

/// Every version of a model's channel: those of loaded manifests and those
/// named by release files under `releases/<model>/<channel>/`.
fn known_versions(catalog: &Catalog, model: &str, channel: &Channel) -> Vec<Version> {
    let mut out: Vec<Version> = catalog
        .site
        .releases
        .iter()
        .filter(|r| r.model == model && r.channel == channel.name)
        .filter_map(|r| r.parsed.clone())
        .collect();
    let dir = catalog
        .site
        .root
        .join("releases")
        .join(model)
        .join(&channel.name);
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if let Some(stem) = name.strip_suffix(".yaml")
                && let Some(v) = Version::parse(stem, channel.versioning)
            {
                out.push(v);
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The suggested version and where to prefill from.
pub fn plan_release(
    catalog: &Catalog,
    model: &str,
    channel: &Channel,
    version: Option<&str>,
    date: Option<NaiveDate>,
) -> Result<ReleasePlan, Refusal> {
    let today = catalog.today;
    let known = known_versions(catalog, model, channel);
    let mut hints = Vec::new();
    let (parsed, date) =
        version_and_date(catalog, model, channel, version, date, &known, &mut hints)?;

    let stream = catalog.stream(model, &channel.name);
    let shipped: Vec<usize> = stream
        .map(|s| {
            s.releases
                .iter()
                .copied()
                .filter(|&i| catalog.release(i).status.shipped())
                .collect()
        })
        .unwrap_or_default();
    let rel = |i: usize| catalog.release(i);
    let final_of = |i: usize| rel(i).parsed.as_ref().map(Version::final_version);

    let mut promotion = false;
    let from = if parsed.is_candidate() {
        let fv = parsed.final_version();
        shipped
            .iter()
            .copied()
            .find(|&i| {
                rel(i).is_candidate()
                    && final_of(i).as_ref() == Some(&fv)
                    && rel(i).parsed.as_ref().and_then(Version::rc) < parsed.rc()
            })
            .or_else(|| shipped.iter().copied().find(|&i| rel(i).date <= date))
            .or_else(|| shipped.first().copied())
    } else {
        let last_candidate = shipped
            .iter()
            .copied()
            .filter(|&i| rel(i).is_candidate() && final_of(i).as_ref() == Some(&parsed))
            .max_by_key(|&i| rel(i).parsed.as_ref().and_then(Version::rc));
        match last_candidate {
            Some(c) => {
                promotion = true;
                let soak = channel.candidates.as_ref().map_or(0, |c| c.soak_days);
                let age = (date - rel(c).date).num_days();
                if age < i64::from(soak) {
                    hints.push(format!(
                        "warning: {} is {age} days old on {date}; the channel's candidates soak {soak} days, so date the final {} or later (candidate-soak)",
                        rel(c).version,
                        rel(c).date + Duration::days(i64::from(soak))
                    ));
                }
                Some(c)
            }
            None => {
                if channel.versioning == Versioning::Semver
                    && channel.candidates.as_ref().is_some_and(|c| c.required)
                {
                    hints.push(format!(
                        "warning: the channel requires a release candidate before a final, and {} has none (candidate-missing); write {}-rc.1 first",
                        version_text(&parsed),
                        version_text(&parsed)
                    ));
                }
                shipped
                    .iter()
                    .copied()
                    .find(|&i| rel(i).date <= date)
                    .or_else(|| shipped.first().copied())
            }
        }
    };

    Ok(ReleasePlan {
        version: version_text(&parsed),
        parsed,
        date,
        planned: date > today,
        from,
        promotion,
        hints,
    })
}

/// The version of the new release and its date: `--version` checked against
/// the channel and `--date`, else the next one (a hint says why).
fn version_and_date(
    catalog: &Catalog,
    model: &str,
    channel: &Channel,
    version: Option<&str>,
    date: Option<NaiveDate>,
    known: &[Version],
    hints: &mut Vec<String>,
) -> Result<(Version, NaiveDate), Refusal> {
    let today = catalog.today;
    Ok(match (channel.versioning, version) {
        (Versioning::Date, Some(text)) => {
            let Some(v @ Version::Date { date: day, .. }) = Version::parse(text, Versioning::Date)
            else {
                return Err(format!(
                    "`{text}` is not a version of the `{}` channel: it takes YYYY-MM-DD or YYYY-MM-DD.N (N >= 2)",
                    channel.name
                ));
            };
            if let Some(d) = date
                && d != day
            {
                return Err(format!(
                    "version {text} is a build of {day}, but --date is {d}; a stream build's version carries its date: leave out --date, or make the two agree"
                ));
            }
            (v, day)
        }
        (Versioning::Date, None) => {
            let day = date.unwrap_or(today);
            let last = known
                .iter()
                .filter_map(|v| match v {
                    Version::Date { date, build } if *date == day => Some(*build),
                    _ => None,
                })
                .max();
            let build = last.map_or(1, |b| b + 1);
            if let Some(b) = last {
                hints.push(format!(
                    "{} already has {} build{}; this is build {build}",
                    day,
                    b,
                    if b == 1 { "" } else { "s" }
                ));
            }
            (Version::Date { date: day, build }, day)
        }
        (Versioning::Semver, Some(text)) => {
            let Some(v) = Version::parse(text, Versioning::Semver) else {
                return Err(format!(
                    "`{text}` is not a version of the `{}` channel: it takes semver MAJOR.MINOR.PATCH, with -rc.N for a candidate",
                    channel.name
                ));
            };
            (v, date.unwrap_or(today))
        }
        (Versioning::Semver, None) => {
            let date = date.unwrap_or(today);
            (
                next_semver(catalog, model, channel, known, date, hints),
                date,
            )
        }
    })
}

/// The next `rc.N` of the final in progress, else the first candidate of the
/// next minor.
fn next_semver(
    catalog: &Catalog,
    model: &str,
    channel: &Channel,
    known: &[Version],
    date: NaiveDate,
    hints: &mut Vec<String>,
) -> Version {
    let releases = &catalog.site.releases;
    let of_stream = |i: &usize| releases[*i].model == model && releases[*i].channel == channel.name;
    // A final is done when it shipped, or when its file exists but does not
    // load yet (it is being written).
    let loaded_finals: Vec<(&Version, Status)> = (0..releases.len())
        .filter(of_stream)
        .filter(|&i| releases[i].is_final())
        .filter_map(|i| releases[i].parsed.as_ref().map(|v| (v, releases[i].status)))
        .collect();
    let done = |f: &Version| {
        known.contains(f)
            && !loaded_finals
                .iter()
                .any(|(v, s)| *v == f && *s == Status::Planned)
    };
    let mut in_progress: Vec<Version> = known
        .iter()
        .filter(|v| v.is_candidate())
        .map(Version::final_version)
        .chain(
            loaded_finals
                .iter()
                .filter(|(_, s)| *s == Status::Planned)
                .map(|(v, _)| (*v).clone()),
        )
        .filter(|f| !done(f))
        .collect();
    in_progress.sort();
    if let Some(f) = in_progress.pop() {
        let last = known
            .iter()
            .filter(|v| v.is_candidate() && v.final_version() == f)
            .max_by_key(|v| v.rc());
        let n = last.and_then(Version::rc).unwrap_or(0) + 1;
        let Version::Semver(fs) = &f else {
            unreachable!("semver channel")
        };
        let mut next = fs.clone();
        next.pre = semver::Prerelease::new(&format!("rc.{n}")).expect("valid pre-release");
        // Has the last candidate soaked? Then the final is due, not rc.N+1.
        if let Some(last) = last {
            let text = version_text(last);
            if let Some(i) = catalog.find(model, &channel.name, &text)
                && releases[i].status == Status::Released
            {
                let soak = channel.candidates.as_ref().map(|c| c.soak_days);
                let age = (date - releases[i].date).num_days();
                // A planned final is released by editing its manifest:
                // `new` never overwrites it.
                let planned = catalog
                    .find(model, &channel.name, &version_text(&f))
                    .filter(|&j| releases[j].status == Status::Planned);
                let promote = match planned {
                    Some(j) => format!(
                        "set `status: released`, its date and revision in {}",
                        releases[j].file
                    ),
                    None => format!(
                        "`cadence new release {model} {} --version {}`",
                        channel.name,
                        version_text(&f)
                    ),
                };
                let days = |n: i64| {
                    if n == 1 {
                        "1 day".to_string()
                    } else {
                        format!("{n} days")
                    }
                };
                match soak {
                    None => hints.push(format!(
                        "{text} is its last candidate, and the channel asks for no soak: to promote it, {promote}"
                    )),
                    Some(soak) if age >= i64::from(soak) => hints.push(format!(
                        "{text} has soaked {} (the channel asks for {}): to promote it, {promote}",
                        days(age),
                        days(i64::from(soak))
                    )),
                    Some(soak) => hints.push(format!(
                        "{text} soaks until {}; to promote it then, {promote}",
                        releases[i].date + Duration::days(i64::from(soak))
                    )),
                }
            }
        }
        return Version::Semver(next);
    }
    let highest = known.iter().filter_map(Version::semver).max();
    match highest {
        Some(h) => Version::Semver(semver::Version {
            major: h.major,
            minor: h.minor + 1,
            patch: 0,
            pre: semver::Prerelease::new("rc.1").expect("valid pre-release"),
            build: semver::BuildMetadata::EMPTY,
        }),
        None => Version::parse(FIRST_VERSION, Versioning::Semver).expect("valid version"),
    }
}
