//! The major lines of [`Catalog::lines`] as the outputs show them: the
//! `lines.json` item (SPEC 10, modelled on endoflife.date's cycles), which
//! the API, the line page, `cadence schedule --format json` and the
//! announcement all start from, and the lookups they share.
//!
//! Part of the site layer.

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Value, json};

use super::Catalog;
use super::feed::Entry;
use crate::model::lifecycle::MajorLine;

/// One line as `lines.json` shows it. Every key is always present, `null`
/// where unknown; dates are `YYYY-MM-DD`; `url` is the line page.
#[derive(Serialize)]
pub struct LineJson<'a> {
    pub model: &'a str,
    pub channel: &'a str,
    pub line: String,
    pub major: u64,
    pub state: &'static str,
    pub first_release: &'a str,
    pub first_release_date: String,
    pub latest: &'a str,
    pub latest_date: String,
    pub eol: Option<String>,
    pub lts: bool,
    pub note: Option<&'a str>,
    pub url: String,
}

/// The majors of a stream's lines, highest first.
pub(super) fn majors(lines: &[MajorLine], stream: &super::Stream) -> Vec<u64> {
    lines
        .iter()
        .filter(|l| l.model == stream.model && l.channel == stream.channel)
        .map(|l| l.major)
        .collect()
}

impl Catalog<'_> {
    /// The lines of a model's channel, newest first, with their indices
    /// into [`Catalog::lines`].
    pub fn lines_of<'c>(
        &'c self,
        model: &'c str,
        channel: &'c str,
    ) -> impl Iterator<Item = (usize, &'c MajorLine)> + 'c {
        self.lines
            .iter()
            .enumerate()
            .filter(move |(_, l)| l.model == model && l.channel == channel)
    }

    /// The index of a line, if it exists.
    pub fn major_line(&self, model: &str, channel: &str, major: u64) -> Option<usize> {
        self.lines_of(model, channel)
            .find(|(_, l)| l.major == major)
            .map(|(n, _)| n)
    }

    /// The lines whose end of support has come (`today >= eol`): each is
    /// one entry of the feeds.
    pub fn ended_lines(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.lines.len()).filter(|&n| self.lines[n].ended(self.today))
    }

    /// The end-of-support entries of the feeds (SPEC 10): those of the
    /// lines that ended, of `model` and `channel` when given.
    pub fn eol_entries<'c>(
        &'c self,
        model: Option<&'c str>,
        channel: Option<&'c str>,
    ) -> impl Iterator<Item = Entry> + 'c {
        self.ended_lines()
            .filter(move |&n| {
                let l = &self.lines[n];
                model.is_none_or(|m| l.model == m) && channel.is_none_or(|c| l.channel == c)
            })
            .map(Entry::Eol)
    }

    /// The end of support of a line that has one (its feed entry's date).
    pub fn eol_date(&self, n: usize) -> NaiveDate {
        self.lines[n].eol.unwrap_or(self.today)
    }

    /// Where a line's `eol` comes from, in words: `set in
    /// releases/m/c/line-2.yaml`, `6 months after 2.x began with 2.0.0 on
    /// 2024-07-15`; `None` while unknown.
    pub fn eol_basis(&self, n: usize) -> Option<String> {
        self.lines[n].eol_basis(&self.site.releases)
    }

    /// `Granite 7B Lab 1.x`.
    pub fn line_title(&self, n: usize) -> String {
        let l = &self.lines[n];
        let model = self
            .config
            .models
            .get(&l.model)
            .map_or(l.model.as_str(), |m| m.title.as_str());
        format!("{model} {}", l.name())
    }

    /// A line's item in `lines.json`.
    pub fn line_shape(&self, n: usize) -> LineJson<'_> {
        let l = &self.lines[n];
        let (first, latest) = (self.release(l.first), self.release(l.latest));
        LineJson {
            model: &l.model,
            channel: &l.channel,
            line: l.name(),
            major: l.major,
            state: l.state.as_str(),
            first_release: &first.version,
            first_release_date: first.date.to_string(),
            latest: &latest.version,
            latest_date: latest.date.to_string(),
            eol: l.eol.map(|d| d.to_string()),
            lts: l.lts,
            note: l.note.as_deref(),
            url: self.url(&l.path),
        }
    }

    pub fn line_json(&self, n: usize) -> Value {
        serde_json::to_value(self.line_shape(n)).expect("JSON shapes serialise")
    }

    /// The lines of `model` (every model when `None`), newest first within
    /// each channel, as `lines.json` items.
    pub fn lines_list(&self, model: Option<&str>) -> Vec<Value> {
        (0..self.lines.len())
            .filter(|&n| model.is_none_or(|m| self.lines[n].model == m))
            .map(|n| self.line_json(n))
            .collect()
    }

    /// `lines.json` of a model's channel: `{"model", "channel", "lines"}`.
    pub fn lines_json(&self, model: &str, channel: &str) -> Value {
        let lines: Vec<Value> = self
            .lines_of(model, channel)
            .map(|(n, _)| self.line_json(n))
            .collect();
        json!({"model": model, "channel": channel, "lines": lines})
    }

    /// The finals of a line's major (every status), newest first.
    pub fn line_finals(&self, n: usize) -> Vec<usize> {
        let l = &self.lines[n];
        self.stream(&l.model, &l.channel)
            .map(|s| {
                s.releases
                    .iter()
                    .copied()
                    .filter(|&i| {
                        let r = self.release(i);
                        r.is_final()
                            && r.parsed
                                .as_ref()
                                .and_then(|v| v.semver())
                                .is_some_and(|v| v.major == l.major)
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}
