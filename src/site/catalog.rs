//! The derived model of a checked site: per model and channel, releases
//! newest first, `major.minor` lines with candidates under their finals, the
//! latest released final, the previous release of each kind (for evaluation
//! deltas), retention, slot states, major lines and their support ([`lines`]),
//! and every derived field of a release (URL, tag, repo, download URLs,
//! Ollama commands).
//!
//! Everything a page, feed, calendar, API file, announcement or sync needs
//! is computed here once; renderers only read it.
//!
//! Part of the site layer.

use std::cmp::Reverse;
use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;

use crate::model::config::Config;
use crate::model::lifecycle::MajorLine;
use crate::model::load::Site;
use crate::model::manifest::{Artifact, Release, Skip, Status};
use crate::model::schedule::{Slot, Timeline, timelines};
use crate::model::version::{Version, Versioning};

/// How many slots dated today or later a timeline holds (SPEC 7: "the next four").
pub const UPCOMING_SLOTS: usize = 4;

pub mod feed;
pub mod json;
pub mod lines;

/// Derived facts about one release.
#[derive(Debug, Clone, PartialEq)]
pub struct ReleaseInfo {
    /// `granite-7b-lab/versioned/1.1.0/`, relative to the site root.
    pub path: String,
    /// Channel repo on Hugging Face.
    pub repo: String,
    pub tag: String,
    pub candidate: bool,
    /// A released stream build past the channel's `retention`.
    pub retired: bool,
    /// The previous release of its kind: a final's previous final, a
    /// candidate's previous candidate of the same final, a stream build's
    /// previous build. Only shipped releases count.
    pub previous: Option<usize>,
    /// A final's candidates, highest `rc.N` first.
    pub candidates: Vec<usize>,
    /// A candidate's final, if one exists.
    pub final_release: Option<usize>,
}

/// A `major.minor` line of a semver channel: finals newest first, each with
/// its candidates; candidates whose final does not exist yet are `pending`.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub major: u64,
    pub minor: u64,
    pub finals: Vec<usize>,
    pub pending: Vec<usize>,
}

/// One model on one channel.
#[derive(Debug, Clone, PartialEq)]
pub struct Stream {
    pub model: String,
    pub channel: String,
    pub repo: String,
    /// Every release, newest first (date, then version).
    pub releases: Vec<usize>,
    /// Semver channels: lines, newest first.
    pub lines: Vec<Line>,
    /// Skips, newest slot first.
    pub skips: Vec<usize>,
    /// The newest released final.
    pub latest: Option<usize>,
    /// The majors of its existing lines (SPEC 10), highest first.
    pub majors: Vec<u64>,
}

pub struct Catalog<'a> {
    pub site: &'a Site,
    pub config: &'a Config,
    pub today: NaiveDate,
    /// Parallel to `site.releases`.
    pub info: Vec<ReleaseInfo>,
    /// Keyed by (model, channel), for every channel each model publishes on.
    pub streams: BTreeMap<(String, String), Stream>,
    pub timelines: Vec<Timeline>,
    /// Every existing major line ([`crate::model::lifecycle::lines`], SPEC 10).
    pub lines: Vec<MajorLine>,
    by_version: HashMap<(&'a str, &'a str, &'a str), usize>,
    /// The slot (timeline, slot) each release fulfils or is planned for,
    /// parallel to `site.releases`; and each skip's, parallel to
    /// `site.skips`.
    release_slots: Vec<Option<(usize, usize)>>,
    skip_slots: Vec<Option<(usize, usize)>>,
}

/// Newest first: date, then version, then path.
fn newest_first(releases: &[Release], idx: &mut [usize]) {
    idx.sort_by(|&a, &b| {
        let (ra, rb) = (&releases[a], &releases[b]);
        (Reverse(ra.date), Reverse(&ra.parsed), &ra.file).cmp(&(
            Reverse(rb.date),
            Reverse(&rb.parsed),
            &rb.file,
        ))
    });
}

/// A stream for each model and channel it publishes on, with the indices
/// of its releases and skips (not yet in order).
fn streams_of(site: &Site) -> BTreeMap<(String, String), Stream> {
    let config = &site.config;
    let releases = &site.releases;
    let mut streams = BTreeMap::new();
    for model in config.models.values() {
        for (channel, repo) in &model.repos {
            streams.insert(
                (model.id.clone(), channel.clone()),
                Stream {
                    model: model.id.clone(),
                    channel: channel.clone(),
                    repo: repo.clone(),
                    releases: Vec::new(),
                    lines: Vec::new(),
                    skips: Vec::new(),
                    latest: None,
                    majors: Vec::new(),
                },
            );
        }
    }
    for (i, r) in releases.iter().enumerate() {
        if let Some(s) = streams.get_mut(&(r.model.clone(), r.channel.clone())) {
            s.releases.push(i);
        }
    }
    for (k, s) in site.skips.iter().enumerate() {
        if let Some(st) = streams.get_mut(&(s.model.clone(), s.channel.clone())) {
            st.skips.push(k);
        }
    }
    streams
}

/// Each shipped release's previous one of its kind (final, or candidate of
/// the same final), walking the stream oldest to newest.
fn link_previous(releases: &[Release], stream: &Stream, info: &mut [ReleaseInfo]) {
    let mut last_final: Option<usize> = None;
    let mut last_candidate: HashMap<Version, usize> = HashMap::new();
    for &i in stream.releases.iter().rev() {
        let r = &releases[i];
        if !r.status.shipped() {
            continue;
        }
        if r.is_candidate() {
            let Some(fv) = r.parsed.as_ref().map(Version::final_version) else {
                continue;
            };
            info[i].previous = last_candidate.get(&fv).copied();
            last_candidate.insert(fv, i);
        } else {
            info[i].previous = last_final;
            last_final = Some(i);
        }
    }
}

/// A semver stream's `major.minor` lines and its candidates linked to their
/// finals (newest candidate first).
fn semver_lines(releases: &[Release], stream: &mut Stream, info: &mut [ReleaseInfo]) {
    let mut finals_by_version: HashMap<Version, usize> = HashMap::new();
    for &i in &stream.releases {
        if let Some(v) = &releases[i].parsed
            && releases[i].is_final()
        {
            finals_by_version.insert(v.clone(), i);
        }
    }
    let mut lines: BTreeMap<Reverse<(u64, u64)>, Line> = BTreeMap::new();
    for &i in &stream.releases {
        let Some(v) = &releases[i].parsed else {
            continue;
        };
        let Some((major, minor)) = v.line() else {
            continue;
        };
        let line = lines
            .entry(Reverse((major, minor)))
            .or_insert_with(|| Line {
                major,
                minor,
                finals: Vec::new(),
                pending: Vec::new(),
            });
        if v.is_candidate() {
            match finals_by_version.get(&v.final_version()) {
                Some(&f) => info[i].final_release = Some(f),
                None => line.pending.push(i),
            }
        } else {
            line.finals.push(i);
        }
    }
    for &i in &stream.releases {
        if let Some(f) = info[i].final_release {
            info[f].candidates.push(i);
        }
    }
    for &i in &stream.releases {
        let mut c = std::mem::take(&mut info[i].candidates);
        c.sort_by_key(|&c| Reverse(releases[c].parsed.as_ref().and_then(Version::rc)));
        info[i].candidates = c;
    }
    stream.lines = lines.into_values().collect();
}

impl<'a> Catalog<'a> {
    /// Derive the catalog of a site that passed `check`.
    pub fn new(site: &'a Site, today: NaiveDate) -> Catalog<'a> {
        let config = &site.config;
        let releases = &site.releases;
        let mut streams = streams_of(site);

        let mut info: Vec<ReleaseInfo> = releases
            .iter()
            .map(|r| {
                let repo = config
                    .models
                    .get(&r.model)
                    .and_then(|m| m.repos.get(&r.channel))
                    .cloned()
                    .unwrap_or_default();
                let tag = config
                    .channels
                    .get(&r.channel)
                    .map(|c| c.render_tag(&r.version))
                    .unwrap_or_default();
                ReleaseInfo {
                    path: format!("{}/{}/{}/", r.model, r.channel, r.version),
                    repo,
                    tag,
                    candidate: r.is_candidate(),
                    retired: false,
                    previous: None,
                    candidates: Vec::new(),
                    final_release: None,
                }
            })
            .collect();

        for stream in streams.values_mut() {
            newest_first(releases, &mut stream.releases);
            stream.skips.sort_by_key(|&k| Reverse(site.skips[k].slot));
            let channel = &config.channels[&stream.channel];
            stream.latest = stream
                .releases
                .iter()
                .copied()
                .find(|&i| releases[i].is_final() && releases[i].status == Status::Released);

            link_previous(releases, stream, &mut info);

            if let Some(keep) = channel.retention {
                for (n, &i) in stream
                    .releases
                    .iter()
                    .filter(|&&i| releases[i].status == Status::Released)
                    .enumerate()
                {
                    info[i].retired = n >= keep;
                }
            }

            if channel.versioning == Versioning::Semver {
                semver_lines(releases, stream, &mut info);
            }
        }
        let lines = crate::model::lifecycle::lines(config, releases, &site.lines, today);
        streams
            .values_mut()
            .for_each(|s| s.majors = lines::majors(&lines, s));

        let by_version = releases
            .iter()
            .enumerate()
            .map(|(i, r)| {
                (
                    (r.model.as_str(), r.channel.as_str(), r.version.as_str()),
                    i,
                )
            })
            .collect();

        let timelines = timelines(config, releases, &site.skips, today, UPCOMING_SLOTS);
        let mut release_slots = vec![None; releases.len()];
        let mut skip_slots = vec![None; site.skips.len()];
        for (t, timeline) in timelines.iter().enumerate() {
            for (n, slot) in timeline.slots.iter().enumerate() {
                if let Some(i) = slot.release {
                    release_slots[i].get_or_insert((t, n));
                }
                if let Some(k) = slot.skip {
                    skip_slots[k].get_or_insert((t, n));
                }
            }
        }

        Catalog {
            site,
            config,
            today,
            info,
            streams,
            timelines,
            lines,
            by_version,
            release_slots,
            skip_slots,
        }
    }

    pub fn release(&self, i: usize) -> &'a Release {
        &self.site.releases[i]
    }

    pub fn skip(&self, k: usize) -> &'a Skip {
        &self.site.skips[k]
    }

    /// The release of a model's channel with this version.
    pub fn find(&self, model: &str, channel: &str, version: &str) -> Option<usize> {
        self.by_version.get(&(model, channel, version)).copied()
    }

    pub fn stream(&self, model: &str, channel: &str) -> Option<&Stream> {
        // A handful of streams: a scan allocates no key.
        self.streams
            .values()
            .find(|s| s.model == model && s.channel == channel)
    }

    /// The slot a release fulfils or is planned for.
    pub fn slot_of_release(&self, i: usize) -> Option<&Slot> {
        self.release_slots[i].map(|(t, n)| &self.timelines[t].slots[n])
    }

    /// The slot a skip skips.
    pub fn slot_of_skip(&self, k: usize) -> Option<&Slot> {
        self.skip_slots[k].map(|(t, n)| &self.timelines[t].slots[n])
    }

    /// An absolute URL of a site path (`granite-7b-lab/` or `/schedule/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.config.base_url, path.trim_start_matches('/'))
    }

    /// The site path of a skip's page, relative to the root.
    pub fn skip_path(&self, s: &Skip) -> String {
        format!("{}/{}/skip-{}/", s.model, s.channel, s.slot)
    }

    /// The title a release is shown with.
    pub fn title(&self, r: &Release) -> String {
        r.title.clone().unwrap_or_else(|| {
            let model = self
                .config
                .models
                .get(&r.model)
                .map_or(r.model.as_str(), |m| m.title.as_str());
            format!("{model} {}", r.version)
        })
    }

    /// The timeline of a model's scheduled channel.
    pub fn timeline(&self, model: &str, channel: &str) -> Option<&Timeline> {
        self.timelines
            .iter()
            .find(|t| t.model == model && t.channel == channel)
    }

    /// An artifact's repo and revision after defaults.
    pub fn artifact_source(&self, i: usize, a: &Artifact) -> (String, String) {
        let info = &self.info[i];
        let r = self.release(i);
        let repo = a.repo.clone().unwrap_or_else(|| info.repo.clone());
        let revision = a.revision.clone().unwrap_or_else(|| {
            if repo == info.repo {
                r.revision.clone().unwrap_or_else(|| "main".into())
            } else {
                "main".into()
            }
        });
        (repo, revision)
    }
}
