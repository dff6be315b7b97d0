//! The data each page template sees, built from the catalog.
//!
//! Every page gets `site`, `nav`, `feeds`, `title`, `description`, `path`,
//! `url`, `href`, `style_href` and `generator` (see [`Pages::base`]); then
//! its own object: `release`, `skip`, `model`, `stream`, `channel`,
//! `timelines`, `models` (home), `page` (content). Links inside pages
//! (`href`) carry the path of `base_url`, so the site works under a
//! sub-path; `url` is absolute.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Serialize;
use serde_json::{Map, Value, json};

mod listing;
mod release;

pub use listing::{FinalView, LineView, StreamView};
pub use release::{ArtifactView, ReleaseView, ScoreView};

use super::catalog::{Catalog, Feed};
use super::chart;
use super::markdown;
use crate::config::Gate;
use crate::content::Page;
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
    /// What every page shares, built once: `site`, `nav`, each feed.
    site: Value,
    nav: Value,
    feed_values: Vec<Value>,
    /// Each release's [`Pages::brief`], made the first time a page asks
    /// (a release appears on its neighbours' pages, its stream's pages and
    /// as every page's `latest`).
    briefs: Vec<OnceLock<Brief<'c>>>,
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

/// A release in lists: enough to show a row and link to its page (the
/// `brief` of the theme's README). Typed, and made once per release: a
/// large site has a hundred thousand, each on several pages.
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
    pub yanked: Option<super::catalog::json::YankJson<'c>>,
    pub evaluations: &'c std::collections::BTreeMap<String, f64>,
}

/// What every page gets (see [`Pages::base`]); serialises to the map a
/// template sees, in this order.
#[derive(Serialize)]
pub struct Base<'p> {
    pub site: &'p Value,
    pub nav: &'p Value,
    pub feeds: Value,
    pub title: String,
    pub description: String,
    pub path: String,
    pub url: String,
    pub href: String,
    pub style_href: &'p str,
    pub generator: &'static str,
}

/// A page's own data beside [`Base`].
pub enum Main<'p> {
    /// `release.html`'s `release`, typed: the compiled template reads it
    /// without a JSON tree (it is most of a large site's pages).
    Release(Box<ReleaseView<'p>>),
    /// `stream.html`'s `stream`, typed for the same reason: it lists
    /// every release of a model's channel.
    Stream(Box<StreamView<'p>>),
    /// The other pages' variables, by name.
    Values(Vec<(&'static str, Value)>),
}

/// Everything one page template sees.
pub struct PageContext<'p> {
    pub base: Base<'p>,
    pub main: Main<'p>,
}

impl PageContext<'_> {
    /// The page's variables as one JSON object, as tera takes them.
    pub fn to_map(&self) -> Map<String, Value> {
        let mut m = object(serde_json::to_value(&self.base).expect("the base serialises"));
        match &self.main {
            Main::Release(r) => {
                m.insert(
                    "release".into(),
                    serde_json::to_value(r).expect("a release serialises"),
                );
            }
            Main::Stream(st) => {
                m.insert(
                    "stream".into(),
                    serde_json::to_value(st).expect("a stream serialises"),
                );
            }
            Main::Values(values) => {
                for (k, v) in values {
                    m.insert((*k).into(), v.clone());
                }
            }
        }
        m
    }

    /// One of [`Main::Values`], null when absent.
    pub fn value(&self, key: &str) -> &Value {
        static NULL: Value = Value::Null;
        match &self.main {
            Main::Values(values) => values
                .iter()
                .find(|(k, _)| *k == key)
                .map_or(&NULL, |(_, v)| v),
            Main::Release(_) | Main::Stream(_) => &NULL,
        }
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
        let mut p = Pages {
            catalog,
            base_path: catalog.config.base_path().to_string(),
            pages,
            feeds,
            feed_by_dir,
            style_href,
            site: Value::Null,
            nav: Value::Null,
            feed_values: Vec::new(),
            briefs: (0..catalog.site.releases.len())
                .map(|_| OnceLock::new())
                .collect(),
        };
        p.site = p.site_json();
        p.nav = p.nav_json();
        p.feed_values = p.feeds.iter().map(|f| p.feed_json(f)).collect();
        p
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
                out.push(self.feed_values[n].clone());
            }
        }
        Value::Array(out)
    }

    /// The feed of one folder, if the site has it.
    pub fn feed(&self, dir: &str) -> Value {
        self.feed_by_dir
            .get(dir)
            .map_or(Value::Null, |&n| self.feed_values[n].clone())
    }

    /// `site`, the same on every page.
    fn site_json(&self) -> Value {
        let c = self.catalog;
        let config = c.config;
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
        })
    }

    /// `nav`, the same on every page.
    fn nav_json(&self) -> Value {
        let config = self.catalog.config;
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
        json!({
            "models": models,
            "channels": channels,
            "pages": pages,
            "schedule": {"path": "schedule/", "href": self.href("schedule/")},
        })
    }

    /// What every page gets.
    pub fn base(&self, path: &str, title: &str, description: &str, feeds: Value) -> Base<'_> {
        Base {
            site: &self.site,
            nav: &self.nav,
            feeds,
            title: title.to_string(),
            description: description.to_string(),
            path: path.to_string(),
            url: self.catalog.url(path),
            href: self.href(path),
            style_href: &self.style_href,
            generator: concat!("cadence ", env!("CARGO_PKG_VERSION")),
        }
    }

    /// A release in lists: enough to show a row and link to its page.
    pub fn brief(&self, i: usize) -> Value {
        serde_json::to_value(self.brief_ref(i)).expect("a brief serialises")
    }

    /// [`Pages::brief`], shared.
    pub fn brief_ref(&self, i: usize) -> &Brief<'c> {
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
            yanked: r.yanked.as_ref().map(|y| super::catalog::json::YankJson {
                date: y.date.to_string(),
                reason: &y.reason,
            }),
            evaluations: &r.evaluations,
        }
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

    /// A slot as `schedule.json` shows it, with what a page needs besides.
    pub fn slot(&self, s: &Slot) -> Value {
        let today = self.catalog.today;
        let mut v = self.catalog.slot_json(s);
        if let Value::Object(m) = &mut v {
            m.insert("closed".into(), json!(s.closed(today)));
            m.insert(
                "open_now".into(),
                json!(s.window_start <= today && !s.closed(today)),
            );
            m.insert("release".into(), json!(s.release.map(|i| self.brief(i))));
            m.insert("skip".into(), json!(s.skip.map(|k| self.skip_brief(k))));
        }
        v
    }

    fn next_slot(&self, model: &str, channel: &str) -> Value {
        self.catalog
            .timeline(model, channel)
            .and_then(|t| t.next(self.catalog.today))
            .map_or(Value::Null, |s| self.slot(s))
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
