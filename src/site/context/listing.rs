//! The data of the pages that list releases: home, model (with its
//! charts), model-channel, channel and schedule.
//!
//! Part of the site layer.

use rayon::prelude::*;
use serde::Serialize;

use super::line::{LineBrief, LineView, MajorGroup};
use super::release::ModelRef;
use super::{Brief, FeedView, Pages, SkipBrief, SlotView, gate_label, webcal};
use crate::model::manifest::Status;
use crate::model::version::Versioning;
use crate::site::chart;
use crate::site::{hub, shell};

/// How many finals of each model a channel page lists, newest first: a
/// stream channel of daily builds would otherwise list its whole history
/// on one page, which the model's channel page already does.
pub const CHANNEL_RECENT: usize = 25;

/// One model on one channel, as the model, home and channel pages show
/// it; `M` is the model: its id, or an object on the model-channel page.
#[derive(Serialize)]
pub struct StreamSummary<'p, M = &'p str> {
    pub model: M,
    pub model_title: &'p str,
    pub channel: &'p str,
    pub channel_title: &'p str,
    pub channel_description: &'p str,
    pub semver: bool,
    pub href: String,
    pub repo: &'p str,
    pub repo_url: String,
    pub latest: Option<&'p Brief<'p>>,
    /// `hf download` of the latest released final at its revision, and
    /// its repository on the Hub at that revision: the card's "Latest"
    /// block.
    pub latest_download: Option<String>,
    pub latest_hub_url: Option<String>,
    pub upcoming: Vec<&'p Brief<'p>>,
    pub next_slot: Option<SlotView<'p>>,
    pub scheduled: bool,
    pub count: usize,
    pub feed: Option<&'p FeedView>,
    pub major_feeds: Vec<MajorFeed<'p>>,
    /// The existing major lines with their support state, newest first.
    pub support: Vec<LineBrief>,
}

/// A major line's feed, with its `major`.
#[derive(Serialize)]
pub struct MajorFeed<'p> {
    #[serde(flatten)]
    pub feed: &'p FeedView,
    pub major: u64,
}

/// The model-channel page's `stream`: its summary (`model` as an object)
/// and every release, the lists sharing the cached briefs.
#[derive(Serialize)]
pub struct StreamView<'p> {
    #[serde(flatten)]
    pub head: StreamSummary<'p, ModelRef<'p>>,
    /// Semver channels: `major.minor` lines, newest first.
    pub lines: Vec<LineView<'p>>,
    /// Semver channels: the `lines` grouped by major, each with its
    /// support state (SPEC 10) when the major line exists.
    pub majors: Vec<MajorGroup>,
    /// Every release, newest first.
    pub releases: Vec<&'p Brief<'p>>,
    pub skips: Vec<SkipBrief<'p>>,
    pub next_slots: Vec<SlotView<'p>>,
    pub retention: Option<usize>,
}

/// A calendar's `url` and `webcal` link.
#[derive(Serialize)]
pub struct CalendarLink<'p> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<&'p str>,
    pub url: String,
    pub webcal: String,
}

/// `calendars`: the site's and each model's.
#[derive(Serialize)]
pub struct Calendars<'p> {
    pub site: CalendarLink<'p>,
    pub models: Vec<CalendarLink<'p>>,
}

/// The model page's `model`.
#[derive(Serialize)]
pub struct ModelView<'p> {
    pub id: &'p str,
    pub title: &'p str,
    pub description: Option<&'p str>,
    pub base_model: Option<&'p str>,
    pub base_model_url: Option<String>,
    pub license: Option<&'p str>,
    pub since: Option<String>,
    pub href: String,
    pub streams: Vec<StreamSummary<'p>>,
    pub charts_html: String,
    pub candidates_feed: Option<&'p FeedView>,
    pub calendar: CalendarLink<'p>,
}

/// The home page's `models`: each model with each channel's summary.
#[derive(Serialize)]
pub struct HomeModel<'p> {
    pub id: &'p str,
    pub title: &'p str,
    pub description: Option<&'p str>,
    pub href: String,
    pub streams: Vec<StreamSummary<'p>>,
}

/// The channel page's `channel`.
#[derive(Serialize)]
pub struct ChannelView<'p> {
    pub name: &'p str,
    pub title: &'p str,
    pub description: &'p str,
    pub semver: bool,
    pub tag: &'p str,
    pub retention: Option<usize>,
    /// `[support] months` (SPEC 10).
    pub support_months: Option<u32>,
    pub schedule: Option<ScheduleView>,
    pub candidates: Option<CandidatesView>,
    pub gates: Vec<GateView<'p>>,
    pub href: String,
    pub models: Vec<ChannelModel<'p>>,
    pub feed: Option<&'p FeedView>,
}

#[derive(Serialize)]
pub struct ScheduleView {
    pub every: String,
    pub start: String,
    pub window_days: i64,
    pub skip_notice_days: i64,
}

#[derive(Serialize)]
pub struct CandidatesView {
    pub required: bool,
    pub soak_days: u32,
    pub promote_same_revision: bool,
}

#[derive(Serialize)]
pub struct GateView<'p> {
    pub metric: &'p str,
    pub title: &'p str,
    pub gate: Option<String>,
}

/// A model on the channel page: its summary and its newest
/// [`CHANNEL_RECENT`] finals.
#[derive(Serialize)]
pub struct ChannelModel<'p> {
    #[serde(flatten)]
    pub summary: StreamSummary<'p>,
    pub finals: Vec<&'p Brief<'p>>,
    pub finals_total: usize,
    pub older: usize,
    pub model_href: String,
}

/// One model's scheduled channel on the schedule page.
#[derive(Serialize)]
pub struct TimelineView<'p> {
    pub model: &'p str,
    pub model_title: &'p str,
    pub channel: &'p str,
    pub channel_title: &'p str,
    pub href: String,
    pub id: String,
    pub every: Option<String>,
    pub window_days: Option<i64>,
    pub skip_notice_days: Option<i64>,
    pub next: Vec<SlotView<'p>>,
    pub past: Vec<SlotView<'p>>,
}

impl Pages<'_, '_> {
    /// One model on one channel, as the model, home and channel pages show it.
    pub fn stream_summary<'p, M>(
        &'p self,
        model: &'p str,
        channel: &'p str,
        model_value: M,
    ) -> Option<StreamSummary<'p, M>> {
        let c = self.catalog;
        let st = c.stream(model, channel)?;
        let ch = &c.config.channels[channel];
        let upcoming = st
            .releases
            .iter()
            .rev()
            .copied()
            .filter(|&i| c.release(i).status == Status::Planned)
            .map(|i| self.brief(i))
            .collect();
        let major_feeds = st
            .majors
            .iter()
            .filter_map(|&major| {
                self.feed(&format!("{model}/{channel}/{major}.x/"))
                    .map(|feed| MajorFeed { feed, major })
            })
            .collect();
        let latest_at = st.latest.and_then(|i| {
            let rev = c.release(i).revision.as_deref()?;
            Some((c.info[i].repo.as_str(), rev))
        });
        Some(StreamSummary {
            model: model_value,
            model_title: &c.config.models[model].title,
            channel,
            channel_title: &ch.title,
            channel_description: &ch.description,
            semver: ch.versioning == Versioning::Semver,
            href: self.href(&format!("{model}/{channel}/")),
            repo: &st.repo,
            repo_url: crate::site::hub::repo_url(&st.repo),
            latest: st.latest.map(|i| self.brief(i)),
            latest_download: latest_at.map(|(repo, rev)| shell::hf_download(repo, None, rev)),
            latest_hub_url: st.latest.map(|i| {
                let repo = &c.info[i].repo;
                match c.release(i).revision.as_deref() {
                    Some(rev) => hub::tree_url(repo, rev),
                    None => hub::repo_url(repo),
                }
            }),
            upcoming,
            next_slot: self.next_slot(model, channel),
            scheduled: c.timeline(model, channel).is_some(),
            count: st.releases.len(),
            feed: self.feed(&format!("{model}/{channel}/")),
            major_feeds,
            support: c
                .lines_of(model, channel)
                .map(|(n, _)| self.line_brief(n))
                .collect(),
        })
    }

    /// The model-channel page's `stream`.
    pub fn stream<'p>(&'p self, model: &'p str, channel: &'p str) -> StreamView<'p> {
        let c = self.catalog;
        let st = c.stream(model, channel).expect("a stream of the catalog");
        let model_ref = ModelRef {
            id: model,
            title: &c.config.models[model].title,
            href: self.href(&format!("{model}/")),
        };
        let head = self
            .stream_summary(model, channel, model_ref)
            .expect("a stream of the catalog");
        // Listings of thousands of releases: built in parallel, sharing
        // the cached briefs.
        let lines = st.lines.par_iter().map(|l| self.minor_line(l)).collect();
        let next_slots = c
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
            majors: self.major_groups(st),
            lines,
            releases: st.releases.par_iter().map(|&i| self.brief(i)).collect(),
            skips: st.skips.iter().map(|&k| self.skip_brief(k)).collect(),
            next_slots,
            retention: c.config.channels[channel].retention,
        }
    }

    /// The evaluation charts of a model, one per metric, as HTML.
    pub fn charts(&self, model: &str) -> String {
        chart::series::model_charts(self.catalog, model, &|path| self.href(path))
    }

    /// The model page's `model`.
    pub fn model<'p>(&'p self, id: &'p str) -> ModelView<'p> {
        let c = self.catalog;
        let model = &c.config.models[id];
        let streams = model
            .repos
            .keys()
            .filter_map(|ch| self.stream_summary(id, ch, id))
            .collect();
        let calendar = c.url(&format!("{id}/calendar.ics"));
        ModelView {
            id,
            title: &model.title,
            description: model.description.as_deref(),
            base_model: model.base_model.as_deref(),
            base_model_url: model.base_model.as_deref().map(crate::site::hub::repo_url),
            license: model.license.as_deref(),
            since: model.since.map(|d| d.to_string()),
            href: self.href(&format!("{id}/")),
            streams,
            charts_html: self.charts(id),
            candidates_feed: self.feed(&format!("{id}/candidates/")),
            calendar: CalendarLink {
                title: None,
                webcal: webcal(&calendar),
                url: calendar,
            },
        }
    }

    /// The channel page's `channel`: one channel across models, each
    /// model's summary and its newest [`CHANNEL_RECENT`] finals (`finals`,
    /// of `finals_total`; `older` are left to the model's channel page,
    /// which has the whole history).
    pub fn channel<'p>(&'p self, name: &'p str) -> ChannelView<'p> {
        let c = self.catalog;
        let ch = &c.config.channels[name];
        let models = c
            .config
            .models_on(name)
            .filter_map(|m| {
                let summary = self.stream_summary(&m.id, name, m.id.as_str())?;
                let st = c.stream(&m.id, name)?;
                let all = st
                    .releases
                    .iter()
                    .copied()
                    .filter(|&i| c.release(i).is_final());
                let finals_total = all.clone().count();
                let finals: Vec<_> = all.take(CHANNEL_RECENT).map(|i| self.brief(i)).collect();
                Some(ChannelModel {
                    summary,
                    older: finals_total - finals.len(),
                    finals,
                    finals_total,
                    model_href: self.href(&format!("{}/", m.id)),
                })
            })
            .collect();
        ChannelView {
            name,
            title: &ch.title,
            description: &ch.description,
            semver: ch.versioning == Versioning::Semver,
            tag: &ch.tag,
            retention: ch.retention,
            support_months: ch.support.map(|s| s.months),
            schedule: ch.schedule.as_ref().map(|s| ScheduleView {
                every: s.every.to_string(),
                start: s.start.to_string(),
                window_days: s.window_days,
                skip_notice_days: s.skip_notice_days,
            }),
            candidates: ch.candidates.as_ref().map(|r| CandidatesView {
                required: r.required,
                soak_days: r.soak_days,
                promote_same_revision: r.promote_same_revision,
            }),
            gates: ch
                .gates
                .iter()
                .map(|(k, g)| GateView {
                    metric: k,
                    title: c.config.metric_title(k),
                    gate: gate_label(g),
                })
                .collect(),
            href: self.href(&format!("{name}/")),
            models,
            feed: self.feed(&format!("{name}/")),
        }
    }

    /// The schedule page's `timelines`.
    pub fn schedule(&self) -> Vec<TimelineView<'_>> {
        let c = self.catalog;
        let today = c.today;
        c.timelines
            .par_iter()
            .map(|t| {
                let ch = &c.config.channels[&t.channel];
                let rule = ch.schedule.as_ref();
                TimelineView {
                    model: &t.model,
                    model_title: &c.config.models[&t.model].title,
                    channel: &t.channel,
                    channel_title: &ch.title,
                    href: self.href(&format!("{}/{}/", t.model, t.channel)),
                    id: format!("{}-{}", t.model, t.channel),
                    every: rule.map(|r| r.every.to_string()),
                    window_days: rule.map(|r| r.window_days),
                    skip_notice_days: rule.map(|r| r.skip_notice_days),
                    next: t
                        .slots
                        .iter()
                        .filter(|s| !s.closed(today))
                        .map(|s| self.slot(s))
                        .collect(),
                    past: t
                        .slots
                        .iter()
                        .rev()
                        .filter(|s| s.closed(today))
                        .map(|s| self.slot(s))
                        .collect(),
                }
            })
            .collect()
    }

    /// `calendars`: the site's and each model's, as `url` and `webcal`.
    pub fn calendars(&self) -> Calendars<'_> {
        let c = self.catalog;
        fn link(title: Option<&str>, url: String) -> CalendarLink<'_> {
            CalendarLink {
                title,
                webcal: webcal(&url),
                url,
            }
        }
        Calendars {
            site: link(None, c.url("calendar.ics")),
            models: c
                .config
                .models
                .values()
                .map(|m| link(Some(&m.title), c.url(&format!("{}/calendar.ics", m.id))))
                .collect(),
        }
    }

    /// The home page's `models`: each model with each channel's latest
    /// release and next slot.
    pub fn home(&self) -> Vec<HomeModel<'_>> {
        self.catalog
            .config
            .models
            .values()
            .map(|m| HomeModel {
                id: &m.id,
                title: &m.title,
                description: m.description.as_deref(),
                href: self.href(&format!("{}/", m.id)),
                streams: m
                    .repos
                    .keys()
                    .filter_map(|ch| self.stream_summary(&m.id, ch, m.id.as_str()))
                    .collect(),
            })
            .collect()
    }

    /// The channel feeds, for subscribe lists.
    pub fn channel_feeds(&self) -> Vec<&FeedView> {
        self.catalog
            .config
            .channels
            .keys()
            .filter_map(|ch| self.feed(&format!("{ch}/")))
            .collect()
    }
}
