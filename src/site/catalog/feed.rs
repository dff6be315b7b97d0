//! The feeds of the catalog (SPEC 7): which entries each feed carries,
//! newest first, and the dates, ids and paths of an entry.
//!
//! Part of the site layer.

use std::cmp::Reverse;
use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};

use super::Catalog;
use crate::model::version::{Version, Versioning};

/// One entry of a feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Entry {
    Release(usize),
    Skip(usize),
    /// A line's end of support (an index into [`Catalog::lines`]).
    Eol(usize),
}

/// One feed of the site (SPEC 7), with its entries newest first, at most
/// `feed_limit` of them.
#[derive(Debug, Clone, PartialEq)]
pub struct Feed {
    /// Folder of `atom.xml` and `rss.xml`: `""` for the site feed,
    /// `stream/`, `granite-7b-lab/versioned/`, `granite-7b-lab/versioned/1.x/`,
    /// `granite-7b-lab/candidates/`.
    pub dir: String,
    pub title: String,
    pub description: String,
    /// The page the feed belongs to (its `<link rel="alternate">`).
    pub page: String,
    pub entries: Vec<Entry>,
}

impl Catalog<'_> {
    /// The date an entry first appeared: a release's `date`, a skip's `announced`.
    pub fn first_date(&self, e: Entry) -> NaiveDate {
        match e {
            Entry::Release(i) => self.release(i).date,
            Entry::Skip(k) => self.skip(k).announced,
            Entry::Eol(n) => self.eol_date(n),
        }
    }

    /// When an entry last changed: a yanked release's yank date.
    pub fn updated(&self, e: Entry) -> NaiveDate {
        match e {
            Entry::Release(i) => {
                let r = self.release(i);
                r.yanked.as_ref().map_or(r.date, |y| y.date.max(r.date))
            }
            Entry::Skip(k) => self.skip(k).announced,
            Entry::Eol(n) => self.eol_date(n),
        }
    }

    /// The time of day an entry's update was written with: a release's
    /// RFC 3339 time (`date: 2024-09-16T14:00:00Z`), unless a yank on a
    /// later day dates the update (a yank has a day only; yanked the day it
    /// shipped, the update is no earlier than the release).
    pub fn written_time(&self, e: Entry) -> Option<NaiveTime> {
        match e {
            Entry::Release(i) => {
                let r = self.release(i);
                match &r.yanked {
                    Some(y) if y.date > r.date => None,
                    _ => r.time,
                }
            }
            Entry::Skip(_) | Entry::Eol(_) => None,
        }
    }

    /// When each entry of any feed (shipped releases, candidates included,
    /// skips, ended lines) last changed, to the second, no two on the same
    /// instant: feed readers order by `updated` and take entries that share
    /// one for the same. Within a day, the entries stand in the order the
    /// feeds list them ([`Catalog::feeds`], newest first); walking from the
    /// day's oldest, each takes its written time (or midnight), or one second
    /// after the entry before it when that is later. Derived from the
    /// manifests alone, so the same site gives the same times.
    pub fn entry_times(&self) -> HashMap<Entry, NaiveDateTime> {
        let mut entries: Vec<Entry> = (0..self.site.releases.len())
            .filter(|&i| self.site.releases[i].status.shipped())
            .map(Entry::Release)
            .chain((0..self.site.skips.len()).map(Entry::Skip))
            .chain(self.eol_entries(None, None))
            .collect();
        entries.sort_by_cached_key(|&e| self.newest_key(e));
        let mut times = HashMap::with_capacity(entries.len());
        let mut before: Option<NaiveDateTime> = None;
        for &e in entries.iter().rev() {
            let day = self.updated(e);
            let written = day.and_time(self.written_time(e).unwrap_or(NaiveTime::MIN));
            let at = match before {
                Some(b) if b >= written => b + TimeDelta::seconds(1),
                _ => written,
            };
            times.insert(e, at);
            before = Some(at);
        }
        times
    }

    /// The order of feeds, newest first: by the day of the update, then
    /// its written time, the first date, the version (`2025-01-10.3` after
    /// `.2`), and the manifest's file.
    fn newest_key(&self, e: Entry) -> impl Ord + '_ {
        let version = match e {
            Entry::Release(i) => self.release(i).parsed.as_ref(),
            Entry::Skip(_) | Entry::Eol(_) => None,
        };
        (
            Reverse(self.updated(e)),
            Reverse(self.written_time(e)),
            Reverse(self.first_date(e)),
            Reverse(version),
            self.entry_file(e),
        )
    }

    /// `tag:<host>,<year>:<model>/<channel>/<version>` (`skip-<slot>`, `<major>.x/eol`).
    pub fn entry_id(&self, e: Entry) -> String {
        let year = chrono::Datelike::year(&self.first_date(e));
        let host = self.config.host();
        match e {
            Entry::Release(i) => {
                let r = self.release(i);
                format!("tag:{host},{year}:{}/{}/{}", r.model, r.channel, r.version)
            }
            Entry::Skip(k) => {
                let s = self.skip(k);
                format!(
                    "tag:{host},{year}:{}/{}/skip-{}",
                    s.model, s.channel, s.slot
                )
            }
            Entry::Eol(n) => format!("tag:{host},{year}:{}eol", self.lines[n].path),
        }
    }

    /// The site path of an entry's page.
    pub fn entry_path(&self, e: Entry) -> String {
        match e {
            Entry::Release(i) => self.info[i].path.clone(),
            Entry::Skip(k) => self.skip_path(self.skip(k)),
            Entry::Eol(n) => self.lines[n].path.clone(),
        }
    }

    /// The file of an entry's manifest, a tie-break that allocates nothing.
    fn entry_file(&self, e: Entry) -> &str {
        match e {
            Entry::Release(i) => &self.release(i).file,
            Entry::Skip(k) => &self.skip(k).file,
            Entry::Eol(n) => &self.lines[n].path,
        }
    }

    /// The newest `feed_limit` entries, newest first: selected in linear
    /// time, then only those sorted, so a feed's cost does not grow with the
    /// history.
    fn newest(&self, mut entries: Vec<Entry>) -> Vec<Entry> {
        let order = |a: &Entry, b: &Entry| self.newest_key(*a).cmp(&self.newest_key(*b));
        let limit = self.config.feed_limit;
        if entries.len() > limit {
            entries.select_nth_unstable_by(limit, order);
            entries.truncate(limit);
        }
        entries.sort_by(order);
        entries
    }

    /// Every feed of the site, in a stable order.
    pub fn feeds(&self) -> Vec<Feed> {
        let releases = &self.site.releases;
        let in_feed = |i: usize| releases[i].status.shipped() && releases[i].is_final();
        let all_skips = || (0..self.site.skips.len()).map(Entry::Skip);
        let mut feeds = Vec::new();

        let everything: Vec<Entry> = (0..releases.len())
            .filter(|&i| in_feed(i))
            .map(Entry::Release)
            .chain(all_skips())
            .chain(self.eol_entries(None, None))
            .collect();
        feeds.push(Feed {
            dir: String::new(),
            title: self.config.title.clone(),
            description: self.config.description.clone(),
            page: String::new(),
            entries: self.newest(everything),
        });

        for (name, channel) in &self.config.channels {
            let entries: Vec<Entry> = (0..releases.len())
                .filter(|&i| in_feed(i) && &releases[i].channel == name)
                .map(Entry::Release)
                .chain(
                    all_skips()
                        .filter(|&e| matches!(e, Entry::Skip(k) if &self.skip(k).channel == name)),
                )
                .chain(self.eol_entries(None, Some(name)))
                .collect();
            feeds.push(Feed {
                dir: format!("{name}/"),
                title: format!("{}: {}", self.config.title, channel.title),
                description: channel.description.clone(),
                page: format!("{name}/"),
                entries: self.newest(entries),
            });
        }

        for model in self.config.models.values() {
            for stream in self.streams.values().filter(|s| s.model == model.id) {
                let channel = &self.config.channels[&stream.channel];
                let entries: Vec<Entry> = stream
                    .releases
                    .iter()
                    .copied()
                    .filter(|&i| in_feed(i))
                    .map(Entry::Release)
                    .chain(stream.skips.iter().copied().map(Entry::Skip))
                    .chain(self.eol_entries(Some(&stream.model), Some(&stream.channel)))
                    .collect();
                let page = format!("{}/{}/", model.id, stream.channel);
                feeds.push(Feed {
                    dir: page.clone(),
                    title: format!("{} ({})", model.title, channel.title),
                    description: channel.description.clone(),
                    page: page.clone(),
                    entries: self.newest(entries),
                });
                for (n, line) in self.lines_of(&stream.model, &stream.channel) {
                    let major = line.major;
                    let entries: Vec<Entry> = stream
                        .releases
                        .iter()
                        .copied()
                        .filter(|&i| {
                            in_feed(i)
                                && releases[i]
                                    .parsed
                                    .as_ref()
                                    .and_then(Version::semver)
                                    .is_some_and(|v| v.major == major)
                        })
                        .map(Entry::Release)
                        .chain(line.ended(self.today).then_some(Entry::Eol(n)))
                        .collect();
                    feeds.push(Feed {
                        dir: line.path.clone(),
                        title: format!("{} ({}, {major}.x only)", model.title, channel.title),
                        description: format!(
                            "Final {major}.x releases of {} on the {} channel, and the end of its support.",
                            model.title, channel.title
                        ),
                        page: line.path.clone(),
                        entries: self.newest(entries),
                    });
                }
            }
            let has_semver = model.repos.keys().any(|c| {
                self.config
                    .channels
                    .get(c)
                    .is_some_and(|c| c.versioning == Versioning::Semver)
            });
            if has_semver {
                let entries: Vec<Entry> = (0..releases.len())
                    .filter(|&i| {
                        releases[i].model == model.id
                            && releases[i].is_candidate()
                            && releases[i].status.shipped()
                    })
                    .map(Entry::Release)
                    .collect();
                feeds.push(Feed {
                    dir: format!("{}/candidates/", model.id),
                    title: format!("{}: release candidates", model.title),
                    description: format!("Release candidates of {}, for testers.", model.title),
                    page: format!("{}/", model.id),
                    entries: self.newest(entries),
                });
            }
        }
        feeds
    }
}
