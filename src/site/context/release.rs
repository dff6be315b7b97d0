//! The release and skip pages' data.

use serde_json::{Value, json};

use super::{Pages, delta, gate_label, human_size, object};
use crate::config::Versioning;
use crate::manifest::{Format, Status};
use crate::site::catalog::HF_ENDPOINT;
use crate::site::{chart, markdown};

impl Pages<'_, '_> {
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
            json!(
                r.notes
                    .as_deref()
                    .map(|n| markdown::render_nested(n, &base, 1))
            ),
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
            json!(format!("{}/{}", HF_ENDPOINT, info.repo)),
        );
        m.insert(
            "revision_url".into(),
            json!(
                r.revision
                    .as_ref()
                    .map(|rev| format!("{}/{}/tree/{rev}", HF_ENDPOINT, info.repo))
            ),
        );
        m.insert(
            "tag_url".into(),
            json!(format!("{}/{}/tree/{}", HF_ENDPOINT, info.repo, info.tag)),
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
        // The API's artifacts (already in `m`), with what the page adds.
        if let Some(Value::Array(items)) = m.get_mut("artifacts") {
            for (item, a) in items.iter_mut().zip(&r.artifacts) {
                let Value::Object(j) = item else { continue };
                let command = format!(
                    "huggingface-cli download {} {} --revision {}",
                    j["repo"].as_str().unwrap_or_default(),
                    a.file,
                    j["revision"].as_str().unwrap_or_default()
                );
                j.insert("download_command".into(), json!(command));
                j.insert("size_human".into(), json!(a.size.map(human_size)));
                j.insert("gguf".into(), json!(a.format == Format::Gguf));
            }
        }
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
        let slot = c.slot_of_release(i).map_or(Value::Null, |s| self.slot(s));
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
            json!(markdown::render_nested(&s.reason, &self.base_path, 1)),
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
        let slot = c.slot_of_skip(k).map_or(Value::Null, |x| self.slot(x));
        m.insert("window".into(), slot);
        m.insert("next_slot".into(), self.next_slot(&s.model, &s.channel));
        Value::Object(m)
    }
}
