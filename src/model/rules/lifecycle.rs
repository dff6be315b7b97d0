//! Rules of the support lifecycle (SPEC 10): `line-eol`, a final of a
//! major line dated after the line's end of support (at the final's
//! `date`); `line-unknown`, a line file of a major with no released final
//! in its channel, or in a date-versioned channel (at the line file).
//!
//! Part of the model layer.

use chrono::NaiveDate;

use crate::model::diagnostics::Finding;
use crate::model::lifecycle::{EolBasis, MajorLine};
use crate::model::load::Site;
use crate::model::version::Versioning;

pub fn check(site: &Site, today: NaiveDate) -> Vec<Finding> {
    let lines = crate::model::lifecycle::lines(&site.config, &site.releases, &site.lines, today);
    let mut out = unknown(site, &lines);
    for line in &lines {
        out.extend(after_eol(site, line));
    }
    out
}

/// `line-unknown`: line files that describe no existing line.
fn unknown(site: &Site, lines: &[MajorLine]) -> Vec<Finding> {
    let mut out = Vec::new();
    for f in &site.lines {
        let Some(channel) = site.config.channels.get(&f.channel) else {
            continue;
        };
        if channel.versioning != Versioning::Semver {
            out.push(
                Finding::error(
                    "line-unknown",
                    &f.file,
                    format!(
                        "`{}` has date versions, which fall into no major line; a line file belongs in a semver channel",
                        f.channel
                    ),
                )
                .at(f.at("kind"))
                .help("remove the file, or move it to the folder of the semver channel it is about"),
            );
            continue;
        }
        let exists = lines
            .iter()
            .any(|l| l.model == f.model && l.channel == f.channel && l.major == f.major);
        if !exists {
            let mut known: Vec<String> = lines
                .iter()
                .filter(|l| l.model == f.model && l.channel == f.channel)
                .map(MajorLine::name)
                .collect();
            known.reverse();
            let lines_now = if known.is_empty() {
                "none yet".to_string()
            } else {
                known.join(", ")
            };
            out.push(
                Finding::error(
                    "line-unknown",
                    &f.file,
                    format!(
                        "{}.x of {} on `{}` has no released final, so the line does not exist (lines: {lines_now})",
                        f.major, f.model, f.channel
                    ),
                )
                .at(f.at("major"))
                .help(format!(
                    "a line starts with its first released final: write the line file once {}.0.0 is released, or fix `major`",
                    f.major
                )),
            );
        }
    }
    out
}

/// `line-eol`: finals of `line` dated after its end of support.
fn after_eol(site: &Site, line: &MajorLine) -> Vec<Finding> {
    let Some(eol) = line.eol else {
        return Vec::new();
    };
    let name = line.name();
    let line_file = format!(
        "releases/{}/{}/line-{}.yaml",
        line.model, line.channel, line.major
    );
    let why = line.eol_basis(&site.releases).unwrap_or_default();
    let help = match line.basis {
        EolBasis::File => {
            format!("date the release on or before {eol}, or move `eol` in {line_file} later")
        }
        _ => format!(
            "date the release on or before {eol}, or extend the line's support with `eol` in {line_file} (`cadence new line {} {} {}`)",
            line.model, line.channel, line.major
        ),
    };
    site.releases
        .iter()
        .filter(|r| r.model == line.model && r.channel == line.channel && r.is_final())
        .filter(|r| {
            r.parsed
                .as_ref()
                .and_then(|v| v.semver())
                .is_some_and(|v| v.major == line.major)
        })
        .filter(|r| r.date > eol)
        .map(|r| {
            Finding::error(
                "line-eol",
                &r.file,
                format!(
                    "{} is dated {}, after the end of support of {name} on {eol} ({why})",
                    r.version, r.date
                ),
            )
            .at(r.at("date"))
            .help(help.clone())
        })
        .collect()
}
