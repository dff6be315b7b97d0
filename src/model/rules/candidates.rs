//! Rules of promotion and quality: `candidate-missing`,
//! `candidate-after-final`, `candidate-soak`, `promote-revision`, `gate`.
//! They apply to released and yanked finals.
//!
//! Part of the model layer.

use std::collections::HashMap;

use super::Groups;
use crate::model::config::Channel;
use crate::model::diagnostics::Finding;
use crate::model::load::Site;
use crate::model::manifest::Release;
use crate::model::version::Version;

pub fn check(site: &Site, groups: &Groups) -> Vec<Finding> {
    let mut out = Vec::new();
    for (&(_, channel_name), members) in groups {
        let Some(channel) = site.config.channels.get(channel_name) else {
            continue;
        };
        let releases: Vec<&Release> = members.iter().map(|&i| &site.releases[i]).collect();
        // Candidates that were built (not planned), by the final they lead to.
        let mut candidates: HashMap<Version, Vec<&Release>> = HashMap::new();
        for r in releases
            .iter()
            .filter(|r| r.is_candidate() && r.status.shipped())
        {
            if let Some(v) = &r.parsed {
                candidates.entry(v.final_version()).or_default().push(r);
            }
        }
        for r in releases
            .iter()
            .filter(|r| r.is_final() && r.status.shipped())
        {
            gates(site, channel, r, &mut out);
            let Some(rule) = &channel.candidates else {
                continue;
            };
            let Some(v) = &r.parsed else { continue };
            let cands = candidates.get(v).map(Vec::as_slice).unwrap_or_default();
            if cands.is_empty() {
                if rule.required {
                    out.push(
                        Finding::error(
                            "candidate-missing",
                            &r.file,
                            format!(
                                "final {} has no release candidate {}-rc.N",
                                r.version, r.version
                            ),
                        )
                        .at(r.at("version"))
                        .help(format!(
                            "cut {}-rc.1 first: `cadence new release {} {}`",
                            r.version, r.model, r.channel
                        )),
                    );
                }
                continue;
            }
            for c in cands.iter().filter(|c| c.date > r.date) {
                out.push(
                    Finding::error(
                        "candidate-after-final",
                        &c.file,
                        format!(
                            "candidate {} is dated {}, after its final {} ({})",
                            c.version, c.date, r.version, r.date
                        ),
                    )
                    .at(c.at("date")),
                );
            }
            let last = cands
                .iter()
                .max_by_key(|c| c.parsed.as_ref().and_then(Version::rc))
                .expect("not empty");
            let soaked = (r.date - last.date).num_days();
            if soaked < rule.soak_days as i64 {
                out.push(
                    Finding::error(
                        "candidate-soak",
                        &r.file,
                        format!(
                            "the last candidate {} ({}) is {soaked} days older than the final; the channel needs {} days of soak",
                            last.version, last.date, rule.soak_days
                        ),
                    )
                    .at(r.at("date")),
                );
            }
            if rule.promote_same_revision && r.revision.is_some() && r.revision != last.revision {
                out.push(
                    Finding::error(
                        "promote-revision",
                        &r.file,
                        format!(
                            "the final's revision is not that of its last candidate {} ({})",
                            last.version,
                            last.revision.as_deref().unwrap_or("none")
                        ),
                    )
                    .at(r.at("revision"))
                    .help("a final promotes its last candidate's build unchanged; use the same revision"),
                );
            }
        }
    }
    out
}

/// `gate`: a final misses a gated metric or is outside its bounds.
fn gates(site: &Site, channel: &Channel, r: &Release, out: &mut Vec<Finding>) {
    for (metric, gate) in &channel.gates {
        let title = site.config.metric_title(metric);
        let at = r
            .at(&format!("evaluations.{metric}"))
            .or(r.at("evaluations"));
        match r.evaluations.get(metric) {
            None => out.push(
                Finding::error(
                    "gate",
                    &r.file,
                    format!("the final has no `{metric}` evaluation, which the channel gates on"),
                )
                .at(r.at("evaluations").or(r.at("")))
                .help(format!("add `{metric}: <score>` under `evaluations`")),
            ),
            Some(score) => {
                let v = score.value;
                if let Some(min) = gate.min
                    && v < min
                {
                    out.push(
                        Finding::error(
                            "gate",
                            &r.file,
                            format!("{title} is {score}, below the gate's minimum {min}"),
                        )
                        .at(at),
                    );
                }
                if let Some(max) = gate.max
                    && v > max
                {
                    out.push(
                        Finding::error(
                            "gate",
                            &r.file,
                            format!("{title} is {score}, above the gate's maximum {max}"),
                        )
                        .at(at),
                    );
                }
            }
        }
    }
}
