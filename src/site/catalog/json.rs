//! The JSON shapes of SPEC 7 (`releases.json`, `latest.json`,
//! `schedule.json`) as typed values that serialise in a fixed key order.
//! `releases.json` is written straight from them, one release at a time,
//! without building the tree of the whole file; pages and announcements
//! take them as [`Value`]s.
//!
//! Part of the site layer.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Value, json};

use super::Catalog;
use crate::model::manifest::{Artifact, Format, Score};

/// An artifact as the JSON API shows it, derived fields included.
#[derive(Serialize)]
pub struct ArtifactJson<'a> {
    pub format: &'static str,
    pub file: &'a str,
    pub repo: String,
    pub revision: String,
    pub quantization: Option<&'a str>,
    pub size: Option<i64>,
    pub sha256: Option<&'a str>,
    pub url: String,
    pub ollama_command: Option<String>,
}

#[derive(Serialize)]
pub struct YankJson<'a> {
    pub date: String,
    pub reason: &'a str,
}

/// A release as `releases.json` and `latest.json` show it (SPEC 7). A
/// release page shows the same fields with `model`, `channel` and the
/// artifacts made richer ([`ReleaseJson::with`]).
#[derive(Serialize)]
pub struct ReleaseJson<'a, M = &'a str, C = &'a str, A = ArtifactJson<'a>> {
    pub kind: &'static str,
    pub model: M,
    pub channel: C,
    pub version: &'a str,
    pub date: String,
    pub status: &'static str,
    pub candidate: bool,
    pub title: String,
    pub summary: &'a str,
    pub url: String,
    pub repo: &'a str,
    pub revision: Option<&'a str>,
    pub tag: &'a str,
    pub taxonomy: Option<&'a str>,
    pub taxonomy_commit: Option<&'a str>,
    pub ollama: Option<&'a str>,
    pub evaluations: Option<&'a BTreeMap<String, Score>>,
    pub artifacts: Vec<A>,
    pub retired: bool,
    pub yanked: Option<YankJson<'a>>,
    pub notes: Option<&'a str>,
}

impl<'a> ReleaseJson<'a> {
    /// The same release with `model` and `channel` replaced and each
    /// artifact made into `artifact` of it.
    pub fn with<M, C, A>(
        self,
        model: M,
        channel: C,
        artifact: impl FnMut(ArtifactJson<'a>) -> A,
    ) -> ReleaseJson<'a, M, C, A> {
        ReleaseJson {
            kind: self.kind,
            model,
            channel,
            version: self.version,
            date: self.date,
            status: self.status,
            candidate: self.candidate,
            title: self.title,
            summary: self.summary,
            url: self.url,
            repo: self.repo,
            revision: self.revision,
            tag: self.tag,
            taxonomy: self.taxonomy,
            taxonomy_commit: self.taxonomy_commit,
            ollama: self.ollama,
            evaluations: self.evaluations,
            artifacts: self.artifacts.into_iter().map(artifact).collect(),
            retired: self.retired,
            yanked: self.yanked,
            notes: self.notes,
        }
    }
}

/// A skip as `releases.json` shows it.
#[derive(Serialize)]
pub struct SkipJson<'a> {
    kind: &'static str,
    model: &'a str,
    channel: &'a str,
    slot: String,
    announced: String,
    reason: &'a str,
    url: String,
}

fn value(v: impl Serialize) -> Value {
    serde_json::to_value(v).expect("JSON shapes serialise")
}

impl Catalog<'_> {
    /// An artifact's shape in the JSON API.
    pub fn artifact_shape<'r>(&self, i: usize, a: &'r Artifact) -> ArtifactJson<'r> {
        let (repo, revision) = self.artifact_source(i, a);
        let url = crate::site::hub::resolve_url(&repo, &revision, &a.file);
        let ollama_command = match (a.format, &a.quantization) {
            (Format::Gguf, Some(q)) => Some(crate::site::shell::ollama_run_gguf(&repo, q)),
            _ => None,
        };
        ArtifactJson {
            format: a.format.as_str(),
            file: &a.file,
            repo,
            revision,
            quantization: a.quantization.as_deref(),
            size: a.size,
            sha256: a.sha256.as_deref(),
            url,
            ollama_command,
        }
    }

    /// The artifact as the JSON API shows it, derived fields included.
    pub fn artifact_json(&self, i: usize, a: &Artifact) -> Value {
        value(self.artifact_shape(i, a))
    }

    /// A release's shape in `releases.json` and `latest.json`.
    pub fn release_shape(&self, i: usize) -> ReleaseJson<'_> {
        let r = self.release(i);
        let info = &self.info[i];
        ReleaseJson {
            kind: "release",
            model: &r.model,
            channel: &r.channel,
            version: &r.version,
            date: r.date.to_string(),
            status: r.status.as_str(),
            candidate: info.candidate,
            title: self.title(r),
            summary: &r.summary,
            url: self.url(&info.path),
            repo: &info.repo,
            revision: r.revision.as_deref(),
            tag: &info.tag,
            taxonomy: r.taxonomy.as_deref(),
            taxonomy_commit: r.taxonomy_commit.as_deref(),
            ollama: r.ollama.as_deref(),
            evaluations: (!r.evaluations.is_empty()).then_some(&r.evaluations),
            artifacts: r
                .artifacts
                .iter()
                .map(|a| self.artifact_shape(i, a))
                .collect(),
            retired: info.retired,
            yanked: r.yanked.as_ref().map(|y| YankJson {
                date: y.date.to_string(),
                reason: &y.reason,
            }),
            notes: r.notes.as_deref(),
        }
    }

    /// A release as `releases.json` and `latest.json` show it (SPEC 7).
    pub fn release_json(&self, i: usize) -> Value {
        value(self.release_shape(i))
    }

    /// A skip's shape in `releases.json`.
    pub fn skip_shape(&self, k: usize) -> SkipJson<'_> {
        let s = self.skip(k);
        SkipJson {
            kind: "skip",
            model: &s.model,
            channel: &s.channel,
            slot: s.slot.to_string(),
            announced: s.announced.to_string(),
            reason: &s.reason,
            url: self.url(&self.skip_path(s)),
        }
    }

    /// A skip as `releases.json` shows it.
    pub fn skip_json(&self, k: usize) -> Value {
        value(self.skip_shape(k))
    }

    /// One slot as `schedule.json` shows it: `{"model", "channel", "date",
    /// "window_start", "window_end", "state", "version"}`.
    pub fn slot_json(&self, s: &crate::model::schedule::Slot) -> Value {
        json!({
            "model": s.model,
            "channel": s.channel,
            "date": s.date.to_string(),
            "window_start": s.window_start.to_string(),
            "window_end": s.window_end.to_string(),
            "state": s.state.as_str(),
            "version": s.release.map(|i| self.release(i).version.clone()),
        })
    }

    /// Slots with state, as `schedule.json` and `cadence schedule --format
    /// json` show them: `{"slots": [...]}` of [`Catalog::slot_json`], and
    /// `"lines"`, the major lines as `lines.json` shows them (SPEC 10).
    pub fn schedule_json(&self, model: Option<&str>) -> Value {
        let slots: Vec<Value> = self
            .timelines
            .iter()
            .filter(|t| model.is_none_or(|m| t.model == m))
            .flat_map(|t| t.slots.iter())
            .map(|s| self.slot_json(s))
            .collect();
        json!({ "slots": slots, "lines": self.lines_list(model) })
    }
}
