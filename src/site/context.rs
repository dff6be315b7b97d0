//! The data each page template sees, built from the catalog.
//!
//! Every page gets `site`, `nav`, `feeds`, `title`, `description`, `path`,
//! `url`, `href`, `style_href` and `generator` (see [`Pages::base`]); then
//! its own object: `release`, `skip`, `model`, `stream`, `channel`,
//! `timelines`, `models` (home), `page` (content). Links inside pages
//! (`href`) carry the path of `base_url`, so the site works under a
//! sub-path; `url` is absolute.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use super::catalog::{Catalog, Feed};
use super::chart::{self, Point, Series, Style, Threshold};
use super::markdown;
use crate::config::{Gate, Versioning};
use crate::content::Page;
use crate::manifest::{Format, Status};
use crate::schedule::Slot;

/// What every page shares while the site renders.
pub struct Pages<'c, 'a> {
    pub catalog: &'c Catalog<'a>,
    pub base_path: String,
    /// Content pages shown (drafts only with `--drafts`), by weight then slug.
    pub pages: Vec<&'a Page>,
    pub feeds: Vec<Feed>,
    feed_by_dir: HashMap<String, usize>,
    pub style_href: String,
}

/// A byte count as people read it: `4.08 GB`, `512 MB`, `900 B`.
pub fn human_size(bytes: i64) -> String {
    let units = ["B", "kB", "MB", "GB", "TB", "PB"];
    let mut v = bytes as f64;
    let mut u = 0;
    while v >= 1000.0 && u < units.len() - 1 {
        v /= 1000.0;
        u += 1;
    }
    if u == 0 {
        format!("{bytes} B")
    } else if v < 10.0 {
        format!("{v:.2} {}", units[u])
    } else if v < 100.0 {
        format!("{v:.1} {}", units[u])
    } else {
        format!("{v:.0} {}", units[u])
    }
}

/// `https://x.org/a.ics` as a `webcal://` link for calendar apps.
pub fn webcal(url: &str) -> String {
    url.strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .map_or_else(|| url.to_string(), |rest| format!("webcal://{rest}"))
}

/// `≥ 7.1`, `≤ 2`, `7.1 – 8`.
pub fn gate_label(g: &Gate) -> Option<String> {
    match (g.min, g.max) {
        (Some(lo), Some(hi)) => Some(format!("{} – {}", chart::number(lo), chart::number(hi))),
        (Some(lo), None) => Some(format!("≥ {}", chart::number(lo))),
        (None, Some(hi)) => Some(format!("≤ {}", chart::number(hi))),
        (None, None) => None,
    }
}

/// The change from `before` to `now`, rounded to the precision they were
/// written with: (`+0.17`, `up`).
pub fn delta(now: f64, before: f64) -> (String, &'static str) {
    let places = chart::decimals(now).max(chart::decimals(before)).min(6);
    let d = now - before;
    let zero = format!("{:.places$}", 0.0);
    let text = format!("{:.places$}", d.abs());
    if text == zero {
        ("±0".into(), "same")
    } else if d > 0.0 {
        (format!("+{text}"), "up")
    } else {
        (format!("−{text}"), "down")
    }
}

fn object(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

impl<'c, 'a> Pages<'c, 'a> {
    pub fn new(catalog: &'c Catalog<'a>, drafts: bool, style_href: String) -> Self {
        let mut pages: Vec<&Page> = catalog
            .site
            .pages
            .iter()
            .filter(|p| drafts || !p.draft)
            .collect();
        pages.sort_by(|a, b| (a.weight, &a.slug).cmp(&(b.weight, &b.slug)));
        let feeds = catalog.feeds();
        let feed_by_dir = feeds
            .iter()
            .enumerate()
            .map(|(n, f)| (f.dir.clone(), n))
            .collect();
        Pages {
            catalog,
            base_path: catalog.config.base_path().to_string(),
            pages,
            feeds,
            feed_by_dir,
            style_href,
        }
    }

    /// A link inside the site to a site path (`granite-7b-lab/`).
    pub fn href(&self, path: &str) -> String {
        format!("{}{}", self.base_path, path.trim_start_matches('/'))
    }

    fn feed_json(&self, f: &Feed) -> Value {
        json!({
            "title": f.title,
            "description": f.description,
            "atom": self.catalog.url(&format!("{}atom.xml", f.dir)),
            "rss": self.catalog.url(&format!("{}rss.xml", f.dir)),
            "page": self.href(&f.page),
        })
    }

    /// The feeds in these folders that exist, in the order given, then
    /// the site's own feeds.
    pub fn feeds_for(&self, dirs: &[String]) -> Value {
        let mut out = Vec::new();
        let mut seen = Vec::new();
        for dir in dirs.iter().map(String::as_str).chain([""]) {
            if seen.contains(&dir) {
                continue;
            }
            seen.push(dir);
            if let Some(&n) = self.feed_by_dir.get(dir) {
                out.push(self.feed_json(&self.feeds[n]));
            }
        }
        Value::Array(out)
    }

    /// The feed of one folder, if the site has it.
    pub fn feed(&self, dir: &str) -> Value {
        self.feed_by_dir
            .get(dir)
            .map_or(Value::Null, |&n| self.feed_json(&self.feeds[n]))
    }

    /// What every page gets.
    pub fn base(
        &self,
        path: &str,
        title: &str,
        description: &str,
        feeds: Value,
    ) -> Map<String, Value> {
        let c = self.catalog;
        let config = c.config;
        let models: Vec<Value> = config
            .models
            .values()
            .map(|m| json!({"id": m.id, "title": m.title, "path": format!("{}/", m.id), "href": self.href(&format!("{}/", m.id))}))
            .collect();
        let channels: Vec<Value> = config
            .channels
            .values()
            .map(|ch| json!({"name": ch.name, "title": ch.title, "path": format!("{}/", ch.name), "href": self.href(&format!("{}/", ch.name))}))
            .collect();
        let pages: Vec<Value> = self
            .pages
            .iter()
            .map(|p| json!({"slug": p.slug, "title": p.title, "path": format!("{}/", p.slug), "href": self.href(&format!("{}/", p.slug))}))
            .collect();
        let mut m = Map::new();
        m.insert(
            "site".into(),
            json!({
                "title": config.title,
                "description": config.description,
                "language": config.language,
                "base_url": config.base_url,
                "base_path": self.base_path,
                "notice": config.notice,
                "author": {"name": config.author.name, "email": config.author.email},
                "href": self.href(""),
                "today": c.today.to_string(),
            }),
        );
        m.insert(
            "nav".into(),
            json!({
                "models": models,
                "channels": channels,
                "pages": pages,
                "schedule": {"path": "schedule/", "href": self.href("schedule/")},
            }),
        );
        m.insert("feeds".into(), feeds);
        m.insert("title".into(), json!(title));
        m.insert("description".into(), json!(description));
        m.insert("path".into(), json!(path));
        m.insert("url".into(), json!(c.url(path)));
        m.insert("href".into(), json!(self.href(path)));
        m.insert("style_href".into(), json!(self.style_href));
        m.insert(
            "generator".into(),
            json!(format!("cadence {}", env!("CARGO_PKG_VERSION"))),
        );
        m
    }

    /// A release in lists: enough to show a row and link to its page.
    pub fn brief(&self, i: usize) -> Value {
        let c = self.catalog;
        let r = c.release(i);
        let info = &c.info[i];
        json!({
            "model": r.model,
            "channel": r.channel,
            "version": r.version,
            "title": c.title(r),
            "date": r.date.to_string(),
            "status": r.status.as_str(),
            "candidate": info.candidate,
            "retired": info.retired,
            "summary": r.summary,
            "href": self.href(&info.path),
            "url": c.url(&info.path),
            "tag": info.tag,
            "revision": r.revision,
            "revision_short": r.revision.as_deref().map(|s| &s[..s.len().min(12)]),
            "yanked": r.yanked.as_ref().map(|y| json!({"date": y.date.to_string(), "reason": y.reason})),
            "evaluations": r.evaluations,
        })
    }

    fn skip_brief(&self, k: usize) -> Value {
        let c = self.catalog;
        let s = c.skip(k);
        json!({
            "model": s.model,
            "channel": s.channel,
            "slot": s.slot.to_string(),
            "announced": s.announced.to_string(),
            "reason": markdown::plain_text(&s.reason),
            "href": self.href(&c.skip_path(s)),
        })
    }

    pub fn slot(&self, s: &Slot) -> Value {
        let today = self.catalog.today;
        json!({
            "model": s.model,
            "channel": s.channel,
            "date": s.date.to_string(),
            "window_start": s.window_start.to_string(),
            "window_end": s.window_end.to_string(),
            "state": s.state.as_str(),
            "closed": s.closed(today),
            "open_now": s.window_start <= today && !s.closed(today),
            "release": s.release.map(|i| self.brief(i)),
            "skip": s.skip.map(|k| self.skip_brief(k)),
        })
    }

    fn next_slot(&self, model: &str, channel: &str) -> Value {
        self.catalog
            .timeline(model, channel)
            .and_then(|t| t.next(self.catalog.today))
            .map_or(Value::Null, |s| self.slot(s))
    }

    /// Evaluations of a release with the change from the previous release
    /// of its kind and the channel's gate.
    fn scores(&self, i: usize) -> Value {
        let c = self.catalog;
        let r = c.release(i);
        let prev = c.info[i].previous.map(|p| c.release(p));
        let gates = &c.config.channels[&r.channel].gates;
        let mut metrics: Vec<&String> = r.evaluations.keys().collect();
        // Gated metrics a release lacks still show, as missing.
        for k in gates.keys() {
            if !metrics.contains(&k) {
                metrics.push(k);
            }
        }
        metrics.sort();
        let rows: Vec<Value> = metrics
            .into_iter()
            .map(|k| {
                let value = r.evaluations.get(k).copied();
                let before = prev.and_then(|p| p.evaluations.get(k).copied());
                let (change, trend) = match (value, before) {
                    (Some(v), Some(b)) => {
                        let (t, d) = delta(v, b);
                        (Some(t), Some(d))
                    }
                    _ => (None, None),
                };
                let gate = gates.get(k);
                let passes = gate.map(|g| {
                    value.is_some_and(|v| {
                        g.min.is_none_or(|m| v >= m) && g.max.is_none_or(|m| v <= m)
                    })
                });
                json!({
                    "metric": k,
                    "title": c.config.metric_title(k),
                    "value": value.map(chart::number),
                    "previous": before.map(chart::number),
                    "change": change,
                    "trend": trend,
                    "gate": gate.and_then(gate_label),
                    "passes": passes,
                })
            })
            .collect();
        Value::Array(rows)
    }

    /// A release page's `release`: every field of the JSON API and what
    /// the page shows besides.
    pub fn release(&self, i: usize) -> Value {
        let c = self.catalog;
        let r = c.release(i);
        let info = &c.info[i];
        let config = c.config;
        let channel = &config.channels[&r.channel];
        let model = &config.models[&r.model];
        let mut m = object(c.release_json(i));
        let base = self.base_path.clone();
        m.insert(
            "notes_html".into(),
            json!(r.notes.as_deref().map(|n| markdown::render(n, &base))),
        );
        m.insert("href".into(), json!(self.href(&info.path)));
        m.insert(
            "model".into(),
            json!({"id": model.id, "title": model.title, "href": self.href(&format!("{}/", model.id))}),
        );
        m.insert(
            "channel".into(),
            json!({"name": channel.name, "title": channel.title, "description": channel.description, "semver": channel.versioning == Versioning::Semver, "retention": channel.retention}),
        );
        m.insert(
            "stream_href".into(),
            json!(self.href(&format!("{}/{}/", r.model, r.channel))),
        );
        m.insert(
            "revision_short".into(),
            json!(r.revision.as_deref().map(|s| &s[..s.len().min(12)])),
        );
        m.insert(
            "repo_url".into(),
            json!(format!("{}/{}", super::catalog::HF_ENDPOINT, info.repo)),
        );
        m.insert(
            "revision_url".into(),
            json!(r.revision.as_ref().map(|rev| format!(
                "{}/{}/tree/{rev}",
                super::catalog::HF_ENDPOINT,
                info.repo
            ))),
        );
        m.insert(
            "tag_url".into(),
            json!(format!(
                "{}/{}/tree/{}",
                super::catalog::HF_ENDPOINT,
                info.repo,
                info.tag
            )),
        );
        m.insert(
            "download_command".into(),
            json!(
                r.revision
                    .as_ref()
                    .map(|rev| format!("huggingface-cli download {} --revision {rev}", info.repo))
            ),
        );
        m.insert(
            "ollama_run".into(),
            json!(r.ollama.as_ref().map(|o| format!("ollama run {o}"))),
        );
        let artifacts: Vec<Value> = r
            .artifacts
            .iter()
            .map(|a| {
                let mut j = object(c.artifact_json(i, a));
                let (repo, revision) = c.artifact_source(i, a);
                j.insert(
                    "download_command".into(),
                    json!(format!(
                        "huggingface-cli download {repo} {} --revision {revision}",
                        a.file
                    )),
                );
                j.insert("size_human".into(), json!(a.size.map(human_size)));
                j.insert("gguf".into(), json!(a.format == Format::Gguf));
                Value::Object(j)
            })
            .collect();
        m.insert("artifacts".into(), Value::Array(artifacts));
        m.insert("scores".into(), self.scores(i));
        m.insert(
            "previous".into(),
            info.previous.map_or(Value::Null, |p| self.brief(p)),
        );
        m.insert(
            "candidates".into(),
            Value::Array(info.candidates.iter().map(|&k| self.brief(k)).collect()),
        );
        m.insert(
            "final".into(),
            info.final_release.map_or(Value::Null, |f| self.brief(f)),
        );
        let latest = c
            .stream(&r.model, &r.channel)
            .and_then(|s| s.latest)
            .filter(|&l| l != i);
        m.insert(
            "latest".into(),
            latest.map_or(Value::Null, |l| self.brief(l)),
        );
        m.insert("planned".into(), json!(r.status == Status::Planned));
        m.insert("is_yanked".into(), json!(r.status == Status::Yanked));
        let slot = c
            .timeline(&r.model, &r.channel)
            .and_then(|t| t.slots.iter().find(|s| s.release == Some(i)))
            .map_or(Value::Null, |s| self.slot(s));
        m.insert("slot".into(), slot);
        Value::Object(m)
    }

    /// The feeds a release page belongs to.
    pub fn release_feeds(&self, i: usize) -> Value {
        let c = self.catalog;
        let r = c.release(i);
        let mut dirs = Vec::new();
        if c.info[i].candidate {
            dirs.push(format!("{}/candidates/", r.model));
        }
        dirs.push(format!("{}/{}/", r.model, r.channel));
        if let Some(v) = r.parsed.as_ref().and_then(|v| v.semver())
            && r.is_final()
        {
            dirs.push(format!("{}/{}/{}.x/", r.model, r.channel, v.major));
        }
        dirs.push(format!("{}/", r.channel));
        self.feeds_for(&dirs)
    }

    pub fn skip(&self, k: usize) -> Value {
        let c = self.catalog;
        let s = c.skip(k);
        let mut m = object(c.skip_json(k));
        m.insert(
            "reason_html".into(),
            json!(markdown::render(&s.reason, &self.base_path)),
        );
        m.insert("href".into(), json!(self.href(&c.skip_path(s))));
        let model = &c.config.models[&s.model];
        let channel = &c.config.channels[&s.channel];
        m.insert(
            "model".into(),
            json!({"id": model.id, "title": model.title, "href": self.href(&format!("{}/", model.id))}),
        );
        m.insert(
            "channel".into(),
            json!({"name": channel.name, "title": channel.title}),
        );
        m.insert(
            "stream_href".into(),
            json!(self.href(&format!("{}/{}/", s.model, s.channel))),
        );
        let timeline = c.timeline(&s.model, &s.channel);
        let slot = timeline
            .and_then(|t| t.slots.iter().find(|x| x.skip == Some(k)))
            .map_or(Value::Null, |x| self.slot(x));
        m.insert("window".into(), slot);
        m.insert("next_slot".into(), self.next_slot(&s.model, &s.channel));
        Value::Object(m)
    }

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
            "repo_url": format!("{}/{}", super::catalog::HF_ENDPOINT, st.repo),
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
    pub fn stream(&self, model: &str, channel: &str) -> Value {
        let c = self.catalog;
        let st = c.stream(model, channel).expect("a stream of the catalog");
        let mut m = object(self.stream_summary(model, channel));
        let lines: Vec<Value> = st
            .lines
            .iter()
            .map(|l| {
                let finals: Vec<Value> = l
                    .finals
                    .iter()
                    .map(|&f| {
                        let mut b = object(self.brief(f));
                        b.insert(
                            "candidates".into(),
                            Value::Array(
                                c.info[f]
                                    .candidates
                                    .iter()
                                    .map(|&k| self.brief(k))
                                    .collect(),
                            ),
                        );
                        Value::Object(b)
                    })
                    .collect();
                json!({
                    "name": format!("{}.{}", l.major, l.minor),
                    "id": format!("line-{}-{}", l.major, l.minor),
                    "finals": finals,
                    "pending": l.pending.iter().map(|&k| self.brief(k)).collect::<Vec<_>>(),
                })
            })
            .collect();
        m.insert("lines".into(), Value::Array(lines));
        m.insert(
            "releases".into(),
            Value::Array(st.releases.iter().map(|&i| self.brief(i)).collect()),
        );
        m.insert(
            "skips".into(),
            Value::Array(st.skips.iter().map(|&k| self.skip_brief(k)).collect()),
        );
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
        m.insert("next_slots".into(), Value::Array(slots));
        m.insert(
            "retention".into(),
            json!(c.config.channels[channel].retention),
        );
        m.insert(
            "model".into(),
            json!({"id": model, "title": c.config.models[model].title, "href": self.href(&format!("{model}/"))}),
        );
        Value::Object(m)
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
        let mut html = String::new();
        for (n, metric) in metrics.iter().enumerate() {
            let mut series = Vec::new();
            let mut thresholds = Vec::new();
            for st in &streams {
                let ch = &c.config.channels[&st.channel];
                let semver = ch.versioning == Versioning::Semver;
                let points: Vec<Point> = st
                    .releases
                    .iter()
                    .rev()
                    .copied()
                    .filter(|&i| c.release(i).is_final() && c.release(i).status == Status::Released)
                    .filter_map(|i| {
                        let r = c.release(i);
                        r.evaluations.get(*metric).map(|&value| Point {
                            date: r.date,
                            value,
                            label: r.version.clone(),
                            href: self.href(&c.info[i].path),
                        })
                    })
                    .collect();
                if !points.is_empty() {
                    series.push(Series {
                        name: format!(
                            "{} ({})",
                            ch.title,
                            if semver { "finals" } else { "builds" }
                        ),
                        style: if semver { Style::Line } else { Style::Points },
                        points,
                    });
                }
                if let Some(g) = ch.gates.get(*metric) {
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
                chart::escape(title)
            ));
            html.push_str(&chart::render(
                &format!("chart-{}", n + 1),
                title,
                &series,
                &thresholds,
            ));
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
            "base_model_url": model.base_model.as_ref().map(|b| format!("{}/{b}", super::catalog::HF_ENDPOINT)),
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
    pub fn channel(&self, name: &str) -> Value {
        let c = self.catalog;
        let ch = &c.config.channels[name];
        let models: Vec<Value> = c
            .config
            .models_on(name)
            .map(|m| {
                let mut s = object(self.stream_summary(&m.id, name));
                let st = c.stream(&m.id, name).expect("a stream of the catalog");
                let finals: Vec<Value> = st
                    .releases
                    .iter()
                    .copied()
                    .filter(|&i| c.release(i).is_final())
                    .map(|i| self.brief(i))
                    .collect();
                s.insert("finals".into(), Value::Array(finals));
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

    /// The schedule page's `timelines` and `calendars`.
    pub fn schedule(&self) -> (Value, Value) {
        let c = self.catalog;
        let today = c.today;
        let timelines: Vec<Value> = c
            .timelines
            .iter()
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
        (
            Value::Array(timelines),
            json!({"site": {"url": site, "webcal": webcal(&site)}, "models": models}),
        )
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_the_hub() {
        assert_eq!(human_size(900), "900 B");
        assert_eq!(human_size(4_080_218_931), "4.08 GB");
        assert_eq!(human_size(14_483_498_016), "14.5 GB");
        assert_eq!(human_size(512_000_000), "512 MB");
    }

    #[test]
    fn deltas_keep_the_written_precision() {
        assert_eq!(delta(7.4, 7.23), ("+0.17".to_string(), "up"));
        assert_eq!(delta(0.52, 0.525), ("−0.005".to_string(), "down"));
        assert_eq!(delta(7.0, 7.0), ("±0".to_string(), "same"));
    }

    #[test]
    fn webcal_links() {
        assert_eq!(
            webcal("https://x.org/lab/calendar.ics"),
            "webcal://x.org/lab/calendar.ics"
        );
    }
}
