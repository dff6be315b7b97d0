//! The data of the line page, `/<model>/<channel>/<major>.x/` (SPEC 10),
//! and of the lines as other pages list them: each existing major line of
//! a semver channel with its state, end of support and long-term support,
//! read from [`Catalog::lines`](crate::site::catalog::Catalog::lines).
//!
//! Part of the site layer.

use serde::Serialize;

use super::release::{ModelRef, ReleaseView};
use super::{Brief, FeedView, Pages};
use crate::site::catalog::Stream;
use crate::site::catalog::lines::LineJson;
use crate::site::markdown;

/// A line in lists (the channel pages, the other lines of a line page).
#[derive(Serialize)]
pub struct LineBrief {
    /// `1.x`.
    pub name: String,
    pub major: u64,
    /// `eol`, `current`, `supported` or `superseded`.
    pub state: &'static str,
    /// `YYYY-MM-DD`, or null while unknown.
    pub eol: Option<String>,
    pub lts: bool,
    /// Where the `eol` comes from, in words; null while unknown.
    pub eol_basis: Option<String>,
    pub href: String,
}

/// The `major.minor` lines of one major on a model's channel page:
/// `stream.lines[start:end]`, with the major line's support when it
/// exists (a major of only candidates or planned finals has none).
#[derive(Serialize)]
pub struct MajorGroup {
    pub major: u64,
    pub name: String,
    /// An HTML id, `major-1`.
    pub id: String,
    pub start: usize,
    pub end: usize,
    pub line: Option<LineBrief>,
}

/// A `major.minor` line of a semver channel, newest first on the pages.
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

/// The line page's `line`: the `lines.json` item and what the page shows
/// besides.
#[derive(Serialize)]
pub struct LinePage<'p> {
    #[serde(flatten)]
    pub api: LineJson<'p>,
    pub title: String,
    pub model_ref: ModelRef<'p>,
    pub channel_title: &'p str,
    pub stream_href: String,
    pub href: String,
    pub eol_basis: Option<String>,
    pub note_html: Option<String>,
    pub first: &'p Brief<'p>,
    /// The newest released final, with its downloads.
    pub latest_release: Box<ReleaseView<'p>>,
    /// Its `major.minor` lines, newest first.
    pub history: Vec<LineView<'p>>,
    pub feed: Option<&'p FeedView>,
    pub lines_json: String,
    pub latest_json: String,
    /// Every line of the channel, newest first, this one included.
    pub lines: Vec<LineBrief>,
}

impl Pages<'_, '_> {
    /// A `major.minor` line: its finals, each with its candidates, and the
    /// candidates of a final not released yet.
    pub fn minor_line<'p>(&'p self, l: &crate::site::catalog::Line) -> LineView<'p> {
        let c = self.catalog;
        LineView {
            name: format!("{}.{}", l.major, l.minor),
            id: format!("line-{}-{}", l.major, l.minor),
            finals: l
                .finals
                .iter()
                .map(|&f| FinalView {
                    brief: self.brief(f),
                    candidates: c.info[f]
                        .candidates
                        .iter()
                        .map(|&k| self.brief(k))
                        .collect(),
                })
                .collect(),
            pending: l.pending.iter().map(|&k| self.brief(k)).collect(),
        }
    }

    /// A line in lists.
    pub fn line_brief(&self, n: usize) -> LineBrief {
        let l = &self.catalog.lines[n];
        LineBrief {
            name: l.name(),
            major: l.major,
            state: l.state.as_str(),
            eol: l.eol.map(|d| d.to_string()),
            lts: l.lts,
            eol_basis: self.catalog.eol_basis(n),
            href: self.href(&l.path),
        }
    }

    /// A stream's `major.minor` lines grouped by major, newest first.
    pub fn major_groups(&self, st: &Stream) -> Vec<MajorGroup> {
        let c = self.catalog;
        let mut out: Vec<MajorGroup> = Vec::new();
        for (k, l) in st.lines.iter().enumerate() {
            match out.last_mut() {
                Some(g) if g.major == l.major => g.end = k + 1,
                _ => out.push(MajorGroup {
                    major: l.major,
                    name: format!("{}.x", l.major),
                    id: format!("major-{}", l.major),
                    start: k,
                    end: k + 1,
                    line: c
                        .major_line(&st.model, &st.channel, l.major)
                        .map(|n| self.line_brief(n)),
                }),
            }
        }
        out
    }

    /// The line page's `line`.
    pub fn line_page(&self, n: usize) -> LinePage<'_> {
        let c = self.catalog;
        let l = &c.lines[n];
        let model = &c.config.models[&l.model];
        let channel = &c.config.channels[&l.channel];
        let history = c
            .stream(&l.model, &l.channel)
            .map(|st| {
                st.lines
                    .iter()
                    .filter(|m| m.major == l.major)
                    .map(|m| self.minor_line(m))
                    .collect()
            })
            .unwrap_or_default();
        LinePage {
            api: c.line_shape(n),
            title: c.line_title(n),
            model_ref: ModelRef {
                id: &model.id,
                title: &model.title,
                href: self.href(&format!("{}/", model.id)),
            },
            channel_title: &channel.title,
            stream_href: self.href(&format!("{}/{}/", l.model, l.channel)),
            href: self.href(&l.path),
            eol_basis: self.catalog.eol_basis(n),
            note_html: l
                .note
                .as_deref()
                .map(|note| markdown::render_nested(note, &self.base_path, 1)),
            first: self.brief(l.first),
            latest_release: Box::new(self.release_view(l.latest)),
            history,
            feed: self.feed(&l.path),
            lines_json: c.url(&format!("api/v1/{}/{}/lines.json", l.model, l.channel)),
            latest_json: c.url(&format!("api/v1/{}latest.json", l.path)),
            lines: c
                .lines_of(&l.model, &l.channel)
                .map(|(m, _)| self.line_brief(m))
                .collect(),
        }
    }
}
