//! The data each page template sees, built from the catalog as borrowed,
//! typed structs (`#[derive(Serialize)]`, as Zola's `SerializingPage`):
//! tera turns each into its values once, when the page's context is made.
//!
//! Every page gets `site`, `nav`, `style_href` and `generator` (the same on
//! every page: put once into each rendering thread's context, see
//! [`Pages::shared`]), `feeds`, `title`, `description`, `path`, `url` and
//! `href` (see [`Base`]); then its own variables ([`Main`]): `release`,
//! `skip`, `line`, `model`, `stream`, `channel`, `timelines`, `models` (home),
//! `page` (content). Links inside pages (`href`) carry the path of
//! `base_url`, so the site works under a sub-path; `url` is absolute.
//!
//! Part of the site layer.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use serde::Serialize;

mod line;
mod listing;
mod release;

pub use line::{FinalView, LineBrief, LinePage, LineView, MajorGroup};
pub use listing::{
    Calendars, ChannelView, HomeModel, ModelView, StreamSummary, StreamView, TimelineView,
};
pub use release::{ArtifactView, ReleaseView, ScoreView, SkipView};

use super::catalog::Catalog;
use super::catalog::feed::Feed;
use super::catalog::json::YankJson;
use super::markdown;
use super::numbers;
use crate::model::config::Gate;
use crate::model::content::Page;
use crate::model::manifest::Score;
use crate::model::schedule::Slot;

/// What every page shares while the site renders.
pub struct Pages<'c, 'a> {
    pub catalog: &'c Catalog<'a>,
    pub base_path: String,
    /// Content pages shown (drafts only with `--drafts`), by weight then slug.
    pub pages: Vec<&'a Page>,
    pub feeds: Vec<Feed>,
    feed_by_dir: HashMap<String, usize>,
    /// Each feed as pages show it, parallel to `feeds`.
    feed_views: Vec<FeedView>,
    pub style_href: String,
    /// `site`, `nav`, `style_href` and `generator`: the same on every page,
    /// made into tera's values once.
    shared: tera::Context,
    /// Each release's [`Pages::brief`], made the first time a page asks
    /// (a release appears on its neighbours' pages, its stream's pages and
    /// as every page's `latest`).
    briefs: Vec<OnceLock<Brief<'c>>>,
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
        (Some(lo), Some(hi)) => Some(format!(
            "{} – {}",
            numbers::shortest(lo),
            numbers::shortest(hi)
        )),
        (Some(lo), None) => Some(format!("≥ {}", numbers::shortest(lo))),
        (None, Some(hi)) => Some(format!("≤ {}", numbers::shortest(hi))),
        (None, None) => None,
    }
}

/// A release in lists: enough to show a row and link to its page (the
/// `brief` of the theme's README). Made once per release: a large site
/// has a hundred thousand, each on several pages.
#[derive(Serialize)]
pub struct Brief<'c> {
    pub model: &'c str,
    pub channel: &'c str,
    pub version: &'c str,
    pub title: String,
    pub date: String,
    pub status: &'static str,
    pub candidate: bool,
    pub retired: bool,
    pub summary: &'c str,
    pub href: String,
    pub url: String,
    pub tag: &'c str,
    pub revision: Option<&'c str>,
    pub revision_short: Option<&'c str>,
    pub yanked: Option<YankJson<'c>>,
    pub evaluations: &'c BTreeMap<String, Score>,
}

/// A feed as pages link it.
#[derive(Serialize)]
pub struct FeedView {
    pub title: String,
    pub description: String,
    pub atom: String,
    pub rss: String,
    pub page: String,
}

/// `site`, the same on every page.
#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: &'a str,
    language: &'a str,
    base_url: &'a str,
    base_path: &'a str,
    notice: Option<&'a str>,
    author: AuthorView<'a>,
    href: String,
    today: String,
}

#[derive(Serialize)]
struct AuthorView<'a> {
    name: &'a str,
    email: Option<&'a str>,
}

/// `nav`, the same on every page.
#[derive(Serialize)]
struct NavView<'a> {
    models: Vec<NavModel<'a>>,
    channels: Vec<NavChannel<'a>>,
    pages: Vec<NavPage<'a>>,
    schedule: NavSchedule,
}

#[derive(Serialize)]
struct NavModel<'a> {
    id: &'a str,
    title: &'a str,
    path: String,
    href: String,
}

#[derive(Serialize)]
struct NavChannel<'a> {
    name: &'a str,
    title: &'a str,
    path: String,
    href: String,
}

#[derive(Serialize)]
struct NavPage<'a> {
    slug: &'a str,
    title: &'a str,
    path: String,
    href: String,
}

#[derive(Serialize)]
struct NavSchedule {
    path: &'static str,
    href: String,
}

/// A slot as `schedule.json` shows it, with what a page needs besides.
#[derive(Serialize)]
pub struct SlotView<'p> {
    pub model: &'p str,
    pub channel: &'p str,
    pub date: String,
    pub window_start: String,
    pub window_end: String,
    pub state: &'static str,
    pub version: Option<&'p str>,
    pub closed: bool,
    pub open_now: bool,
    pub release: Option<&'p Brief<'p>>,
    pub skip: Option<SkipBrief<'p>>,
}

/// A skip in lists.
#[derive(Serialize)]
pub struct SkipBrief<'p> {
    pub model: &'p str,
    pub channel: &'p str,
    pub slot: String,
    pub announced: String,
    pub reason: String,
    pub href: String,
}

/// What every page gets besides [`Pages::shared`].
#[derive(Serialize)]
pub struct Base<'p> {
    pub feeds: Vec<&'p FeedView>,
    pub title: String,
    pub description: String,
    pub path: String,
    pub url: String,
    pub href: String,
}

/// A content page's `page`.
#[derive(Serialize)]
pub struct ContentView<'p> {
    pub slug: &'p str,
    pub title: &'p str,
    pub description: Option<&'p str>,
    pub weight: i64,
    pub draft: bool,
    pub html: String,
}

/// A page's own variables beside [`Base`].
pub enum Main<'p> {
    Home {
        intro_html: Option<String>,
        models: Vec<HomeModel<'p>>,
        channel_feeds: Vec<&'p FeedView>,
        calendars: Calendars<'p>,
    },
    Model(Box<ModelView<'p>>),
    Stream(Box<StreamView<'p>>),
    Release(Box<ReleaseView<'p>>),
    Skip(Box<SkipView<'p>>),
    Line(Box<LinePage<'p>>),
    Channel(Box<ChannelView<'p>>),
    Schedule {
        timelines: Vec<TimelineView<'p>>,
        calendars: Calendars<'p>,
    },
    Content(ContentView<'p>),
    NotFound,
}

/// Everything one page template sees besides [`Pages::shared`].
pub struct PageContext<'p> {
    pub base: Base<'p>,
    pub main: Main<'p>,
}

/// Put `value` into `ctx` as `key`, remembering the key in `keys`.
fn put(
    ctx: &mut tera::Context,
    keys: &mut Vec<&'static str>,
    key: &'static str,
    value: &impl Serialize,
) -> tera::Result<()> {
    ctx.try_insert(key, value)?;
    keys.push(key);
    Ok(())
}

impl PageContext<'_> {
    /// Put the page's variables into `ctx` (which holds
    /// [`Pages::shared`]); returns the keys to take out again before the
    /// next page, so that no page sees another's variables.
    pub fn fill(&self, ctx: &mut tera::Context) -> tera::Result<Vec<&'static str>> {
        let b = &self.base;
        let mut keys = Vec::with_capacity(10);
        put(ctx, &mut keys, "feeds", &b.feeds)?;
        put(ctx, &mut keys, "title", &b.title)?;
        put(ctx, &mut keys, "description", &b.description)?;
        put(ctx, &mut keys, "path", &b.path)?;
        put(ctx, &mut keys, "url", &b.url)?;
        put(ctx, &mut keys, "href", &b.href)?;
        match &self.main {
            Main::Home {
                intro_html,
                models,
                channel_feeds,
                calendars,
            } => {
                put(ctx, &mut keys, "intro_html", intro_html)?;
                put(ctx, &mut keys, "models", models)?;
                put(ctx, &mut keys, "channel_feeds", channel_feeds)?;
                put(ctx, &mut keys, "calendars", calendars)?;
            }
            Main::Model(m) => put(ctx, &mut keys, "model", m)?,
            Main::Stream(s) => put(ctx, &mut keys, "stream", s)?,
            Main::Release(r) => put(ctx, &mut keys, "release", r)?,
            Main::Skip(s) => put(ctx, &mut keys, "skip", s)?,
            Main::Line(l) => put(ctx, &mut keys, "line", l)?,
            Main::Channel(c) => put(ctx, &mut keys, "channel", c)?,
            Main::Schedule {
                timelines,
                calendars,
            } => {
                put(ctx, &mut keys, "timelines", timelines)?;
                put(ctx, &mut keys, "calendars", calendars)?;
            }
            Main::Content(p) => put(ctx, &mut keys, "page", p)?,
            Main::NotFound => {}
        }
        Ok(keys)
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
        let mut p = Pages {
            catalog,
            base_path: catalog.config.base_path().to_string(),
            pages,
            feeds,
            feed_by_dir,
            feed_views: Vec::new(),
            style_href,
            shared: tera::Context::new(),
            briefs: (0..catalog.site.releases.len())
                .map(|_| OnceLock::new())
                .collect(),
        };
        p.feed_views = p.feeds.iter().map(|f| p.feed_view(f)).collect();
        let mut shared = tera::Context::new();
        shared.insert("site", &p.site_view());
        shared.insert("nav", &p.nav_view());
        shared.insert("style_href", &p.style_href);
        shared.insert("generator", concat!("cadence ", env!("CARGO_PKG_VERSION")));
        p.shared = shared;
        p
    }

    /// A context holding what every page shares, for one rendering thread
    /// to fill page by page ([`PageContext::fill`]).
    pub fn shared(&self) -> tera::Context {
        self.shared.clone()
    }

    /// A link inside the site to a site path (`granite-7b-lab/`).
    pub fn href(&self, path: &str) -> String {
        format!("{}{}", self.base_path, path.trim_start_matches('/'))
    }

    fn feed_view(&self, f: &Feed) -> FeedView {
        FeedView {
            title: f.title.clone(),
            description: f.description.clone(),
            atom: self.catalog.url(&format!("{}atom.xml", f.dir)),
            rss: self.catalog.url(&format!("{}rss.xml", f.dir)),
            page: self.href(&f.page),
        }
    }

    /// The feeds in these folders that exist, in the order given, then
    /// the site's own feeds.
    pub fn feeds_for(&self, dirs: &[String]) -> Vec<&FeedView> {
        let mut out = Vec::new();
        let mut seen = Vec::new();
        for dir in dirs.iter().map(String::as_str).chain([""]) {
            if seen.contains(&dir) {
                continue;
            }
            seen.push(dir);
            if let Some(&n) = self.feed_by_dir.get(dir) {
                out.push(&self.feed_views[n]);
            }
        }
        out
    }

    /// The feed of one folder, if the site has it.
    pub fn feed(&self, dir: &str) -> Option<&FeedView> {
        self.feed_by_dir.get(dir).map(|&n| &self.feed_views[n])
    }

    fn site_view(&self) -> SiteView<'_> {
        let c = self.catalog;
        let config = c.config;
        SiteView {
            title: &config.title,
            description: &config.description,
            language: &config.language,
            base_url: &config.base_url,
            base_path: &self.base_path,
            notice: config.notice.as_deref(),
            author: AuthorView {
                name: &config.author.name,
                email: config.author.email.as_deref(),
            },
            href: self.href(""),
            today: c.today.to_string(),
        }
    }

    fn nav_view(&self) -> NavView<'_> {
        let config = self.catalog.config;
        let link = |path: String| (self.href(&path), path);
        NavView {
            models: config
                .models
                .values()
                .map(|m| {
                    let (href, path) = link(format!("{}/", m.id));
                    NavModel {
                        id: &m.id,
                        title: &m.title,
                        path,
                        href,
                    }
                })
                .collect(),
            channels: config
                .channels
                .values()
                .map(|ch| {
                    let (href, path) = link(format!("{}/", ch.name));
                    NavChannel {
                        name: &ch.name,
                        title: &ch.title,
                        path,
                        href,
                    }
                })
                .collect(),
            pages: self
                .pages
                .iter()
                .map(|p| {
                    let (href, path) = link(format!("{}/", p.slug));
                    NavPage {
                        slug: &p.slug,
                        title: &p.title,
                        path,
                        href,
                    }
                })
                .collect(),
            schedule: NavSchedule {
                path: "schedule/",
                href: self.href("schedule/"),
            },
        }
    }

    /// What every page gets besides [`Pages::shared`].
    pub fn base<'p>(
        &'p self,
        path: &str,
        title: &str,
        description: &str,
        feeds: Vec<&'p FeedView>,
    ) -> Base<'p> {
        Base {
            feeds,
            title: title.to_string(),
            description: description.to_string(),
            path: path.to_string(),
            url: self.catalog.url(path),
            href: self.href(path),
        }
    }

    /// A release in lists: enough to show a row and link to its page;
    /// made once and shared.
    pub fn brief(&self, i: usize) -> &Brief<'c> {
        self.briefs[i].get_or_init(|| self.make_brief(i))
    }

    fn make_brief(&self, i: usize) -> Brief<'c> {
        let c: &'c Catalog<'a> = self.catalog;
        let r = c.release(i);
        let info = &c.info[i];
        Brief {
            model: &r.model,
            channel: &r.channel,
            version: &r.version,
            title: c.title(r),
            date: r.date.to_string(),
            status: r.status.as_str(),
            candidate: info.candidate,
            retired: info.retired,
            summary: &r.summary,
            href: self.href(&info.path),
            url: c.url(&info.path),
            tag: &info.tag,
            revision: r.revision.as_deref(),
            revision_short: r.revision.as_deref().map(|s| &s[..s.len().min(12)]),
            yanked: r.yanked.as_ref().map(|y| YankJson {
                date: y.date.to_string(),
                reason: &y.reason,
            }),
            evaluations: &r.evaluations,
        }
    }

    fn skip_brief(&self, k: usize) -> SkipBrief<'_> {
        let c = self.catalog;
        let s = c.skip(k);
        SkipBrief {
            model: &s.model,
            channel: &s.channel,
            slot: s.slot.to_string(),
            announced: s.announced.to_string(),
            reason: markdown::plain_text(&s.reason),
            href: self.href(&c.skip_path(s)),
        }
    }

    /// A slot as `schedule.json` shows it, with what a page needs besides.
    pub fn slot<'s>(&'s self, s: &'s Slot) -> SlotView<'s> {
        let c = self.catalog;
        let today = c.today;
        SlotView {
            model: &s.model,
            channel: &s.channel,
            date: s.date.to_string(),
            window_start: s.window_start.to_string(),
            window_end: s.window_end.to_string(),
            state: s.state.as_str(),
            version: s.release.map(|i| c.release(i).version.as_str()),
            closed: s.closed(today),
            open_now: s.window_start <= today && !s.closed(today),
            release: s.release.map(|i| self.brief(i)),
            skip: s.skip.map(|k| self.skip_brief(k)),
        }
    }

    fn next_slot(&self, model: &str, channel: &str) -> Option<SlotView<'_>> {
        self.catalog
            .timeline(model, channel)
            .and_then(|t| t.next(self.catalog.today))
            .map(|s| self.slot(s))
    }
}

#[cfg(test)]
mod tests;
