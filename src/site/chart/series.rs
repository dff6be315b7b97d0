//! The evaluation charts of a model page, one per metric, made from the
//! catalog: one series per major line of a semver channel (so a 1.2.1
//! backport dated after 2.0.0 stays on the 1.x line), one per stream
//! channel, and each channel's gate as a threshold.
//!
//! Part of the site layer.

use rayon::prelude::*;

use super::{Point, Series, Style, Threshold};
use crate::model::manifest::Status;
use crate::model::version::Versioning;
use crate::site::catalog::{Catalog, Stream};
use crate::site::escape::escape;

/// How many of a channel's newest released finals a model page's chart
/// shows per metric: years of daily builds would make the page megabytes
/// of points that no one can tell apart.
pub const CHART_RECENT: usize = 200;

/// A series' key: its channel and its line (`1.x`, or the channel's name
/// for a stream channel).
type Key = (String, String);

/// The line a released final is charted on.
fn line_of(c: &Catalog, i: usize) -> String {
    let r = c.release(i);
    match r.parsed.as_ref().and_then(|v| v.semver()) {
        Some(v) if c.config.channels[&r.channel].versioning == Versioning::Semver => {
            format!("{}.x", v.major)
        }
        _ => r.channel.clone(),
    }
}

fn charted(c: &Catalog, i: usize) -> bool {
    let r = c.release(i);
    r.is_final() && r.status == Status::Released
}

/// The model's charts as HTML, one `<section>` per metric any of its
/// released finals has. `href` makes a site path into a link.
pub fn model_charts(c: &Catalog, model: &str, href: &(dyn Fn(&str) -> String + Sync)) -> String {
    let streams: Vec<&Stream> = c.streams.values().filter(|s| s.model == model).collect();
    let mut metrics: Vec<&str> = streams
        .iter()
        .flat_map(|s| s.releases.iter())
        .filter(|&&i| charted(c, i))
        .flat_map(|&i| c.release(i).evaluations.keys().map(String::as_str))
        .collect();
    metrics.sort_unstable();
    metrics.dedup();
    // Every line of the model, so each keeps one colour on every chart.
    let mut keys: Vec<Key> = Vec::new();
    for st in &streams {
        let mut lines: Vec<String> = st
            .releases
            .iter()
            .filter(|&&i| charted(c, i))
            .map(|&i| line_of(c, i))
            .collect();
        lines.sort_by_key(|l| (l.trim_end_matches(".x").parse::<u64>().ok(), l.clone()));
        lines.dedup();
        keys.extend(lines.into_iter().map(|l| (st.channel.clone(), l)));
    }
    let charts: Vec<String> = metrics
        .par_iter()
        .enumerate()
        .map(|(n, metric)| chart(c, &streams, &keys, n, metric, href))
        .collect();
    charts.concat()
}

/// The chart of one metric, the `n`th of the model page.
fn chart(
    c: &Catalog,
    streams: &[&Stream],
    keys: &[Key],
    n: usize,
    metric: &str,
    href: &(dyn Fn(&str) -> String + Sync),
) -> String {
    let mut series: Vec<Series> = Vec::new();
    let mut thresholds = Vec::new();
    let mut cut = String::new();
    for st in streams {
        let ch = &c.config.channels[&st.channel];
        let semver = ch.versioning == Versioning::Semver;
        // Newest first, at most CHART_RECENT, then in date order.
        let measured = st
            .releases
            .iter()
            .copied()
            .filter(|&i| charted(c, i) && c.release(i).evaluations.contains_key(metric));
        let total = measured.clone().count();
        let mut chosen: Vec<usize> = measured.take(CHART_RECENT).collect();
        chosen.reverse();
        if total > chosen.len() {
            cut.push_str(&format!(
                "<p class=\"muted\">{}: the newest {} of {total} are charted; the <a href=\"{}\">{} page</a> lists them all.</p>\n",
                escape(&ch.title),
                chosen.len(),
                escape(&href(&format!("{}/{}/", st.model, st.channel))),
                escape(&ch.title),
            ));
        }
        let first = series.len();
        for i in chosen {
            let r = c.release(i);
            let line = line_of(c, i);
            let score = &r.evaluations[metric];
            let point = Point {
                date: r.date,
                value: score.value,
                text: score.to_string(),
                label: r.version.clone(),
                href: href(&c.info[i].path),
            };
            match series[first..].iter_mut().find(|s| s.line == line) {
                Some(s) => s.points.push(point),
                None => series.push(Series {
                    name: if semver {
                        format!("{} {line}", ch.title)
                    } else {
                        ch.title.clone()
                    },
                    color: keys
                        .iter()
                        .position(|(k, l)| *k == st.channel && *l == line)
                        .unwrap_or(0),
                    line,
                    channel: st.channel.clone(),
                    style: if semver { Style::Line } else { Style::Points },
                    points: vec![point],
                }),
            }
        }
        series[first..].sort_by_key(|s| s.color);
        if let Some(g) = ch.gates.get(metric) {
            for (v, sign, floor) in [(g.min, "≥", true), (g.max, "≤", false)] {
                if let Some(v) = v {
                    thresholds.push(Threshold {
                        value: v,
                        floor,
                        label: format!(
                            "{} gate {sign} {}",
                            ch.title,
                            crate::site::numbers::shortest(v)
                        ),
                    });
                }
            }
        }
    }
    let title = c.config.metric_title(metric);
    let k = n + 1;
    format!(
        "<section class=\"metric\" aria-labelledby=\"chart-{k}-heading\">\n<h3 id=\"chart-{k}-heading\">{}</h3>\n{}{cut}</section>\n",
        escape(title),
        super::render(&format!("chart-{k}"), title, &series, &thresholds),
    )
}
