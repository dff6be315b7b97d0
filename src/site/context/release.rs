//! The release and skip pages' data.
//!
//! Part of the site layer.

use serde::Serialize;

use super::{Brief, FeedView, Pages, SlotView, gate_label};
use crate::model::manifest::{Format, Score, Status, is_commit};
use crate::model::version::Versioning;
use crate::site::catalog::json::{ArtifactJson, ReleaseJson};
use crate::site::{hub, markdown, numbers, shell};

/// A release page's `release`: every field of the JSON API (`model` and
/// `channel` as objects) and what the page shows besides, in the order
/// the template sees them.
#[derive(Serialize)]
pub struct ReleaseView<'p> {
    #[serde(flatten)]
    pub api: ReleaseJson<'p, ModelRef<'p>, ChannelRef<'p>, ArtifactView<'p>>,
    pub notes_html: Option<String>,
    pub href: String,
    pub stream_href: String,
    pub revision_short: Option<&'p str>,
    pub repo_url: String,
    pub revision_url: Option<String>,
    pub tag_url: String,
    pub download_command: Option<String>,
    pub ollama_run: Option<String>,
    pub scores: Vec<ScoreView<'p>>,
    /// Briefs ([`Pages::brief`]), shared with every other page.
    pub previous: Option<&'p Brief<'p>>,
    pub candidates: Vec<&'p Brief<'p>>,
    #[serde(rename = "final")]
    pub final_release: Option<&'p Brief<'p>>,
    pub latest: Option<&'p Brief<'p>>,
    /// Where the release stands, said first on its page: `upcoming`
    /// (planned), `yanked`, `candidate`, `latest` (the channel's latest
    /// released final), `line-latest` (the latest of an older major line
    /// of a semver channel) or `superseded` (an older released final).
    pub state: &'static str,
    /// When the release's major line is not the channel latest's: the
    /// line (`1.x`) and its latest release, which supersedes it first.
    pub line: Option<LineLatest<'p>>,
    pub planned: bool,
    pub is_yanked: bool,
    pub slot: Option<SlotView<'p>>,
}

/// An older major line's latest release, as a release of that line sees it.
#[derive(Serialize)]
pub struct LineLatest<'p> {
    pub name: String,
    pub href: String,
    pub latest: &'p Brief<'p>,
}

#[derive(Serialize)]
pub struct ModelRef<'p> {
    pub id: &'p str,
    pub title: &'p str,
    pub href: String,
}

#[derive(Serialize)]
pub struct ChannelRef<'p> {
    pub name: &'p str,
    pub title: &'p str,
    pub description: &'p str,
    pub semver: bool,
    pub retention: Option<usize>,
}

/// A skip page's `skip`: every field of the JSON API's skip (`model` and
/// `channel` as objects) and what the page shows besides.
#[derive(Serialize)]
pub struct SkipView<'p> {
    pub kind: &'static str,
    pub model: ModelRef<'p>,
    pub channel: SkipChannel<'p>,
    pub slot: String,
    pub announced: String,
    pub reason: &'p str,
    pub url: String,
    pub reason_html: String,
    pub href: String,
    pub stream_href: String,
    pub window: Option<SlotView<'p>>,
    pub next_slot: Option<SlotView<'p>>,
    /// The release to use instead: the channel's latest released final.
    pub use_instead: Option<&'p Brief<'p>>,
}

#[derive(Serialize)]
pub struct SkipChannel<'p> {
    pub name: &'p str,
    pub title: &'p str,
}

/// An artifact as the API shows it, with what the page adds.
#[derive(Serialize)]
pub struct ArtifactView<'p> {
    #[serde(flatten)]
    pub api: ArtifactJson<'p>,
    pub download_command: String,
    /// `4.08 GB`, and the exact count for its `title`.
    pub size_human: Option<String>,
    pub size_exact: Option<String>,
    pub gguf: bool,
    /// Its revision is not a commit (SPEC 4): the bytes may change under
    /// the sha256 shown.
    pub unpinned: bool,
}

/// One evaluation with the change from the previous release of its kind
/// and the channel's gate.
#[derive(Serialize)]
pub struct ScoreView<'p> {
    pub metric: &'p str,
    pub title: &'p str,
    pub value: Option<String>,
    pub previous: Option<String>,
    pub change: Option<String>,
    pub trend: Option<&'static str>,
    pub gate: Option<String>,
    pub passes: Option<bool>,
    /// A planned release without the value yet: its gate is a target,
    /// neither passed nor missed.
    pub target: bool,
}

impl Pages<'_, '_> {
    /// Evaluations of a release with the change from the previous release
    /// of its kind and the channel's gate.
    fn scores(&self, i: usize) -> Vec<ScoreView<'_>> {
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
        metrics
            .into_iter()
            .map(|k| {
                let value = r.evaluations.get(k);
                let before = prev.and_then(|p| p.evaluations.get(k));
                let (change, trend) = match (value, before) {
                    (Some(v), Some(b)) => {
                        let (t, d) = numbers::change(v, b);
                        (Some(t), Some(d.as_str()))
                    }
                    _ => (None, None),
                };
                let gate = gates.get(k);
                let passes = gate.map(|g| {
                    value.is_some_and(|v| {
                        g.min.is_none_or(|m| v.value >= m) && g.max.is_none_or(|m| v.value <= m)
                    })
                });
                ScoreView {
                    metric: k,
                    title: c.config.metric_title(k),
                    value: value.map(Score::to_string),
                    previous: before.map(Score::to_string),
                    change,
                    trend,
                    target: gate.is_some() && value.is_none() && r.status == Status::Planned,
                    gate: gate.and_then(gate_label),
                    passes,
                }
            })
            .collect()
    }

    /// A release page's `release`: every field of the JSON API and what
    /// the page shows besides.
    pub fn release_view(&self, i: usize) -> ReleaseView<'_> {
        let c = self.catalog;
        let r = c.release(i);
        let info = &c.info[i];
        let config = c.config;
        let channel = &config.channels[&r.channel];
        let model = &config.models[&r.model];
        let mut files = r.artifacts.iter();
        let api = c.release_shape(i).with(
            ModelRef {
                id: &model.id,
                title: &model.title,
                href: self.href(&format!("{}/", model.id)),
            },
            ChannelRef {
                name: &channel.name,
                title: &channel.title,
                description: &channel.description,
                semver: channel.versioning == Versioning::Semver,
                retention: channel.retention,
            },
            |j| {
                let a = files.next().expect("one shape per artifact");
                ArtifactView {
                    download_command: shell::hf_download(&j.repo, Some(&a.file), &j.revision),
                    size_human: a.size.map(numbers::size),
                    size_exact: a.size.map(numbers::size_exact),
                    gguf: a.format == Format::Gguf,
                    unpinned: !is_commit(&j.revision),
                    api: j,
                }
            },
        );
        let channel_latest = c.stream(&r.model, &r.channel).and_then(|s| s.latest);
        let latest = channel_latest.filter(|&l| l != i);
        let (state, line) = self.standing(i, channel_latest);
        ReleaseView {
            api,
            notes_html: r
                .notes
                .as_deref()
                .map(|n| markdown::render_nested(n, &self.base_path, 1)),
            href: self.href(&info.path),
            stream_href: self.href(&format!("{}/{}/", r.model, r.channel)),
            revision_short: r.revision.as_deref().map(|s| &s[..s.len().min(12)]),
            repo_url: hub::repo_url(&info.repo),
            revision_url: r
                .revision
                .as_ref()
                .map(|rev| hub::tree_url(&info.repo, rev)),
            tag_url: hub::tree_url(&info.repo, &info.tag),
            download_command: r
                .revision
                .as_ref()
                .map(|rev| shell::hf_download(&info.repo, None, rev)),
            ollama_run: r.ollama.as_deref().map(shell::ollama_run),
            scores: self.scores(i),
            previous: info.previous.map(|p| self.brief(p)),
            candidates: info.candidates.iter().map(|&k| self.brief(k)).collect(),
            final_release: info.final_release.map(|f| self.brief(f)),
            latest: latest.map(|l| self.brief(l)),
            state,
            line,
            planned: r.status == Status::Planned,
            is_yanked: r.status == Status::Yanked,
            slot: c.slot_of_release(i).map(|s| self.slot(s)),
        }
    }

    /// Where release `i` stands (its page's `state`) and, when its major
    /// line is not that of the channel's latest (a 1.2.1 backport after
    /// 2.0.0), that line's latest release.
    fn standing(
        &self,
        i: usize,
        channel_latest: Option<usize>,
    ) -> (&'static str, Option<LineLatest<'_>>) {
        let c = self.catalog;
        let r = c.release(i);
        let major = |k: usize| {
            c.release(k)
                .parsed
                .as_ref()
                .and_then(|v| v.semver())
                .map(|v| v.major)
        };
        let line = major(i)
            .filter(|&m| channel_latest.and_then(major) != Some(m))
            .and_then(|m| c.major_line(&r.model, &r.channel, m))
            .map(|n| &c.lines[n]);
        let state = match r.status {
            Status::Planned => "upcoming",
            Status::Yanked => "yanked",
            _ if c.info[i].candidate => "candidate",
            _ if channel_latest == Some(i) => "latest",
            _ if line.is_some_and(|l| l.latest == i) => "line-latest",
            _ => "superseded",
        };
        let line = line.map(|l| LineLatest {
            name: l.name(),
            href: self.href(&l.path),
            latest: self.brief(l.latest),
        });
        (state, line)
    }

    /// The feeds a release page belongs to.
    pub fn release_feeds(&self, i: usize) -> Vec<&FeedView> {
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

    /// A skip page's `skip`: the skip as the JSON API shows it, with
    /// `model` and `channel` as objects and what the page shows besides.
    pub fn skip(&self, k: usize) -> SkipView<'_> {
        let c = self.catalog;
        let s = c.skip(k);
        let model = &c.config.models[&s.model];
        let channel = &c.config.channels[&s.channel];
        let path = c.skip_path(s);
        SkipView {
            kind: "skip",
            model: ModelRef {
                id: &model.id,
                title: &model.title,
                href: self.href(&format!("{}/", model.id)),
            },
            channel: SkipChannel {
                name: &channel.name,
                title: &channel.title,
            },
            slot: s.slot.to_string(),
            announced: s.announced.to_string(),
            reason: &s.reason,
            url: c.url(&path),
            reason_html: markdown::render_nested(&s.reason, &self.base_path, 1),
            href: self.href(&path),
            stream_href: self.href(&format!("{}/{}/", s.model, s.channel)),
            window: c.slot_of_skip(k).map(|x| self.slot(x)),
            next_slot: self.next_slot(&s.model, &s.channel),
            use_instead: c
                .stream(&s.model, &s.channel)
                .and_then(|st| st.latest)
                .map(|l| self.brief(l)),
        }
    }
}
