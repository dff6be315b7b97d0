//! The cadence rules of SPEC section 5. Each family returns its findings and
//! never stops early; [`check`] runs them all over the whole site.
//!
//! Part of the model layer.

mod candidates;
mod fields;
mod lifecycle;
mod order;
mod slots;

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::model::diagnostics::Finding;
use crate::model::load::Site;
use crate::model::manifest::Release;

/// Every finding of the site: those of loading, then of every rule, sorted by
/// file, line and column.
pub fn check(site: &Site, today: NaiveDate) -> Vec<Finding> {
    let groups = groups(&site.releases);
    let mut findings = site.findings.clone();
    // The families are independent; they run side by side.
    let ((a, b), (c, d)) = rayon::join(
        || rayon::join(|| fields::check(site, today), || slots::check(site, today)),
        || {
            rayon::join(
                || order::check(site, &groups),
                || candidates::check(site, &groups),
            )
        },
    );
    for mut f in [a, b, c, d, lifecycle::check(site, today)] {
        findings.append(&mut f);
    }
    findings.sort();
    findings.dedup();
    findings
}

/// Indices of the releases of each (model, channel), in path order.
pub type Groups<'a> = BTreeMap<(&'a str, &'a str), Vec<usize>>;

fn groups(releases: &[Release]) -> Groups<'_> {
    let mut g: Groups = BTreeMap::new();
    for (i, r) in releases.iter().enumerate() {
        g.entry((r.model.as_str(), r.channel.as_str()))
            .or_default()
            .push(i);
    }
    g
}

/// Of two releases that a finding is about, the one to change: the
/// later-dated, else the second in path order.
fn later<'a>(a: &'a Release, b: &'a Release) -> &'a Release {
    match a.date.cmp(&b.date) {
        std::cmp::Ordering::Greater => a,
        std::cmp::Ordering::Less => b,
        std::cmp::Ordering::Equal => {
            if a.file > b.file {
                a
            } else {
                b
            }
        }
    }
}
