//! The data of the pages that list releases: home, model (with its
//! charts), model-channel, channel and schedule.

use rayon::prelude::*;
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::{Brief, Pages, gate_label, object, webcal};
use crate::config::Versioning;
use crate::manifest::Status;
use crate::site::chart::{self, Point, Series, Style, Threshold};

/// How many finals of each model a channel page lists, newest first: a
/// stream channel of daily builds would otherwise list its whole history
/// on one page, which the model's channel page already does.
pub const CHANNEL_RECENT: usize = 25;

/// How many of a channel's newest released finals a model page's chart
/// shows per metric: years of daily builds would make the page megabytes
/// of points that no one can tell apart.
pub const CHART_RECENT: usize = 200;

/// The model-channel page's `stream`: its summary (`model` as an object)
/// and every release, the lists sharing the cached briefs.
#[derive(Serialize)]
pub struct StreamView<'p> {
    #[serde(flatten)]
    pub head: Map<String, Value>,
    /// Semver channels: `major.minor` lines, newest first.
    pub lines: Vec<LineView<'p>>,
    /// Every release, newest first.
    pub releases: Vec<&'p Brief<'p>>,
    pub skips: Vec<Value>,
    pub next_slots: Vec<Value>,
    pub retention: Option<usize>,
}

#[derive(Serialize)]
pub struct LineView<'p> {
    pub name: String,
    pub id: String,
    pub finals: Vec<FinalView<'p>>,
    /// Candidates whose final is not released yet.
    pub pending: Vec<&'p Brief<'p>>,
}

/// A final's brief with its candidates' briefs under `candidates`.
#[derive(Serialize)]
pub struct FinalView<'p> {
    #[serde(flatten)]
    pub brief: &'p Brief<'p>,
    pub candidates: Vec<&'p Brief<'p>>,
}

impl Pages<'_, '_> {
    /// One model on one channel, as the model, home and channel pages show it.
    pub fn stream_summary(&self, model: &str, channel: &str) -> Value {
        let c = self.catalog;
        let Some(st) = c.stream(model, channel) else {
            return Value::Null;
        };
        let ch = &c.config.channels[channel];
        let upcoming: Vec<Value> = st
            .releases
            .iter()
            .rev()
            .copied()
            .filter(|&i| c.release(i).status == Status::Planned)
            .map(|i| self.brief(i))
            .collect();
        let majors: Vec<Value> = st
            .majors
            .iter()
            .map(|m| {
                let mut f = self.feed(&format!("{model}/{channel}/{m}.x/"));
                if let Value::Object(o) = &mut f {
                    o.insert("major".into(), json!(m));
                }
                f
            })
            .collect();
        json!({
            "model": model,
            "model_title": c.config.models[model].title,
            "channel": channel,
            "channel_title": ch.title,
            "channel_description": ch.description,
            "semver": ch.versioning == Versioning::Semver,
            "href": self.href(&format!("{model}/{channel}/")),
            "repo": st.repo,
            "repo_url": crate::site::hub::repo_url(&st.repo),
            "latest": st.latest.map(|i| self.brief(i)),
            "upcoming": upcoming,
            "next_slot": self.next_slot(model, channel),
            "scheduled": c.timeline(model, channel).is_some(),
            "count": st.releases.len(),
            "feed": self.feed(&format!("{model}/{channel}/")),
            "major_feeds": majors,
        })
    }

    /// The model-channel page's `stream`.
    pub fn stream(&self, model: &str, channel: &str) -> StreamView<'_> {
        let c = self.catalog;
        let st = c.stream(model, channel).expect("a stream of the catalog");
        let mut head = object(self.stream_summary(model, channel));
        head.insert(
            "model".into(),
            json!({"id": model, "title": c.config.models[model].title, "href": self.href(&format!("{model}/"))}),
        );
        // Listings of thousands of releases: built in parallel, sharing
        // the cached briefs.
        let lines = st
            .lines
            .par_iter()
            .map(|l| LineView {
                name: format!("{}.{}", l.major, l.minor),
                id: format!("line-{}-{}", l.major, l.minor),
                finals: l
                    .finals
                    .iter()
                    .map(|&f| FinalView {
                        brief: self.brief_ref(f),
                        candidates: c.info[f]
                            .candidates
                            .iter()
                            .map(|&k| self.brief_ref(k))
                            .collect(),
                    })
                    .collect(),
                pending: l.pending.iter().map(|&k| self.brief_ref(k)).collect(),
            })
            .collect();
        let slots: Vec<Value> = c
            .timeline(model, channel)
            .map(|t| {
                t.slots
                    .iter()
                    .filter(|s| !s.closed(c.today))
                    .map(|s| self.slot(s))
                    .collect()
            })
            .unwrap_or_default();
        StreamView {
            head,
            lines,
            releases: st.releases.par_iter().map(|&i| self.brief_ref(i)).collect(),
            skips: st.skips.iter().map(|&k| self.skip_brief(k)).collect(),
            next_slots: slots,
            retention: c.config.channels[channel].retention,
        }
    }

    /// The evaluation charts of a model, one per metric, as HTML.
    pub fn charts(&self, model: &str) -> String {
        let c = self.catalog;
        let streams: Vec<_> = c.streams.values().filter(|s| s.model == model).collect();
        let mut metrics: Vec<&str> = streams
            .iter()
            .flat_map(|s| s.releases.iter())
            .map(|&i| c.release(i))
            .filter(|r| r.is_final() && r.status == Status::Released)
            .flat_map(|r| r.evaluations.keys().map(String::as_str))
            .collect();
        metrics.sort_unstable();
        metrics.dedup();
        let charts: Vec<String> = metrics
            .par_iter()
            .enumerate()
            .map(|(n, metric)| self.chart(&streams, n, metric))
            .collect();
        charts.concat()
    }

    /// The chart of one metric, the `n`th of the model page.
    fn chart(&self, streams: &[&crate::site::catalog::Stream], n: usize, metric: &str) -> String {
        let c = self.catalog;
        let mut html = String::new();
        {
            let mut series = Vec::new();
            let mut thresholds = Vec::new();
            let mut cut = Vec::new();
            for (color, st) in streams.iter().enumerate() {
                let ch = &c.config.channels[&st.channel];
                let semver = ch.versioning == Versioning::Semver;
                // Newest first, at most CHART_RECENT, then in date order.
                let measured = st.releases.iter().copied().filter(|&i| {
                    let r = c.release(i);
                    r.is_final()
                        && r.status == Status::Released
                        && r.evaluations.contains_key(metric)
                });
                let total = measured.clone().count();
                let mut points: Vec<Point> = measured
                    .take(CHART_RECENT)
                    .map(|i| {
                        let r = c.release(i);
                        Point {
                            date: r.date,
                            value: r.evaluations[metric],
                            label: r.version.clone(),
                            href: self.href(&c.info[i].path),
                        }
                    })
                    .collect();
                points.reverse();
                let name = format!(
                    "{} ({})",
                    ch.title,
                    if semver { "finals" } else { "builds" }
                );
                if total > points.len() {
                    cut.push(format!(
                        "<p class=\"muted\">{}: the newest {} of {total} are charted; the <a href=\"{}\">{} page</a> lists them all.</p>\n",
                        crate::site::theme::escape(&name),
                        points.len(),
                        crate::site::theme::escape(&self.href(&format!("{}/{}/", st.model, st.channel))),
                        crate::site::theme::escape(&ch.title),
                    ));
                }
                if !points.is_empty() {
                    series.push(Series {
                        name,
                        style: if semver { Style::Line } else { Style::Points },
                        color,
                        points,
                    });
                }
                if let Some(g) = ch.gates.get(metric) {
                    for (v, sign) in [(g.min, "≥"), (g.max, "≤")] {
                        if let Some(v) = v {
                            thresholds.push(Threshold {
                                value: v,
                                label: format!("{} gate {sign} {}", ch.title, chart::number(v)),
                            });
                        }
                    }
                }
            }
            let title = c.config.metric_title(metric);
            html.push_str(&format!(
                "<section class=\"metric\" aria-labelledby=\"chart-{}-heading\">\n<h3 id=\"chart-{}-heading\">{}</h3>\n",
                n + 1,
                n + 1,
                crate::site::theme::escape(title)
            ));
            html.push_str(&chart::render(
                &format!("chart-{}", n + 1),
                title,
                &series,
                &thresholds,
            ));
            for note in cut {
                html.push_str(&note);
            }
            html.push_str("</section>\n");
        }
        html
    }

    /// The model page's `model`.
    pub fn model(&self, id: &str) -> Value {
        let c = self.catalog;
        let model = &c.config.models[id];
        let streams: Vec<Value> = model
            .repos
            .keys()
            .map(|ch| self.stream_summary(id, ch))
            .collect();
        let calendar = c.url(&format!("{id}/calendar.ics"));
        json!({
            "id": id,
            "title": model.title,
            "description": model.description,
            "base_model": model.base_model,
            "base_model_url": model.base_model.as_deref().map(crate::site::hub::repo_url),
            "license": model.license,
            "since": model.since.map(|d| d.to_string()),
            "href": self.href(&format!("{id}/")),
            "streams": streams,
            "charts_html": self.charts(id),
            "candidates_feed": self.feed(&format!("{id}/candidates/")),
            "calendar": {"url": calendar, "webcal": webcal(&calendar)},
        })
    }

    /// The channel page's `channel`: one channel across models.
    /// The channel page: each model's summary and its newest
    /// [`CHANNEL_RECENT`] finals (`finals`, of `finals_total`; `older` are
    /// left to the model's channel page, which has the whole history).
    pub fn channel(&self, name: &str) -> Value {
        let c = self.catalog;
        let ch = &c.config.channels[name];
        let models: Vec<Value> = c
            .config
            .models_on(name)
            .map(|m| {
                let mut s = object(self.stream_summary(&m.id, name));
                let st = c.stream(&m.id, name).expect("a stream of the catalog");
                let all = st
                    .releases
                    .iter()
                    .copied()
                    .filter(|&i| c.release(i).is_final());
                let total = all.clone().count();
                let finals: Vec<Value> = all.take(CHANNEL_RECENT).map(|i| self.brief(i)).collect();
                let older = total - finals.len();
                s.insert("finals".into(), Value::Array(finals));
                s.insert("finals_total".into(), json!(total));
                s.insert("older".into(), json!(older));
                s.insert("model_href".into(), json!(self.href(&format!("{}/", m.id))));
                Value::Object(s)
            })
            .collect();
        json!({
            "name": name,
            "title": ch.title,
            "description": ch.description,
            "semver": ch.versioning == Versioning::Semver,
            "tag": ch.tag,
            "retention": ch.retention,
            "schedule": ch.schedule.as_ref().map(|s| json!({
                "every": s.every.to_string(),
                "start": s.start.to_string(),
                "window_days": s.window_days,
                "skip_notice_days": s.skip_notice_days,
            })),
            "candidates": ch.candidates.as_ref().map(|r| json!({
                "required": r.required,
                "soak_days": r.soak_days,
                "promote_same_revision": r.promote_same_revision,
            })),
            "gates": ch.gates.iter().map(|(k, g)| json!({"metric": k, "title": c.config.metric_title(k), "gate": gate_label(g)})).collect::<Vec<_>>(),
            "href": self.href(&format!("{name}/")),
            "models": models,
            "feed": self.feed(&format!("{name}/")),
        })
    }

    /// The schedule page's `timelines`.
    pub fn schedule(&self) -> Value {
        let c = self.catalog;
        let today = c.today;
        let timelines: Vec<Value> = c
            .timelines
            .par_iter()
            .map(|t| {
                let ch = &c.config.channels[&t.channel];
                let rule = ch.schedule.as_ref();
                let next: Vec<Value> = t
                    .slots
                    .iter()
                    .filter(|s| !s.closed(today))
                    .map(|s| self.slot(s))
                    .collect();
                let past: Vec<Value> = t
                    .slots
                    .iter()
                    .rev()
                    .filter(|s| s.closed(today))
                    .map(|s| self.slot(s))
                    .collect();
                json!({
                    "model": t.model,
                    "model_title": c.config.models[&t.model].title,
                    "channel": t.channel,
                    "channel_title": ch.title,
                    "href": self.href(&format!("{}/{}/", t.model, t.channel)),
                    "id": format!("{}-{}", t.model, t.channel),
                    "every": rule.map(|r| r.every.to_string()),
                    "window_days": rule.map(|r| r.window_days),
                    "skip_notice_days": rule.map(|r| r.skip_notice_days),
                    "next": next,
                    "past": past,
                })
            })
            .collect();
        Value::Array(timelines)
    }

    /// `calendars`: the site's and each model's, as `url` and `webcal`.
    pub fn calendars(&self) -> Value {
        let c = self.catalog;
        let site = c.url("calendar.ics");
        let models: Vec<Value> = c
            .config
            .models
            .values()
            .map(|m| {
                let url = c.url(&format!("{}/calendar.ics", m.id));
                json!({"title": m.title, "url": url, "webcal": webcal(&url)})
            })
            .collect();
        json!({"site": {"url": site, "webcal": webcal(&site)}, "models": models})
    }

    /// The home page's `models`: each model with each channel's latest
    /// release and next slot.
    pub fn home(&self) -> Value {
        let c = self.catalog;
        Value::Array(
            c.config
                .models
                .values()
                .map(|m| {
                    let streams: Vec<Value> = m
                        .repos
                        .keys()
                        .map(|ch| self.stream_summary(&m.id, ch))
                        .collect();
                    json!({
                        "id": m.id,
                        "title": m.title,
                        "description": m.description,
                        "href": self.href(&format!("{}/", m.id)),
                        "streams": streams,
                    })
                })
                .collect(),
        )
    }

    /// The channel feeds, for subscribe lists.
    pub fn channel_feeds(&self) -> Value {
        Value::Array(
            self.catalog
                .config
                .channels
                .keys()
                .map(|ch| self.feed(&format!("{ch}/")))
                .filter(|f| !f.is_null())
                .collect(),
        )
    }
}
