//! Atom and RSS feeds (SPEC 7): for every feed of [`Catalog::feeds`],
//! `<dir>atom.xml` (RFC 4287) and `<dir>rss.xml` (RSS 2.0).
//!
//! Both are built with the typed `atom_syndication` and `rss` crates, which
//! escape every text, so a `&` or `<` in a title or in notes never breaks a
//! feed. Nothing here reads the clock: a feed's `updated` is its newest
//! entry's, entry ids are the tag URIs of [`Catalog::entry_id`], and the
//! output is byte-identical for the same site and `today`.
//!
//! Part of the site layer.

use std::collections::{BTreeMap, HashMap};

use atom_syndication as atom;
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use rayon::prelude::*;

use super::OutputFile;
use super::catalog::Catalog;
use super::catalog::feed::{Entry, Feed};
use crate::model::lifecycle::LineState;
use crate::model::manifest::Status;

use super::escape::escape;

const ATOM_NS: &str = "http://www.w3.org/2005/Atom";

pub fn render(catalog: &Catalog) -> Vec<OutputFile> {
    render_feeds(catalog, &|_| true)
}

/// Like [`render`], but only the feeds whose folder (`""`, `stream/`,
/// `granite-7b-lab/versioned/1.x/`) `keep` accepts (for `cadence serve`).
pub fn render_feeds(catalog: &Catalog, keep: &(dyn Fn(&str) -> bool + Sync)) -> Vec<OutputFile> {
    let epoch = site_epoch(catalog);
    let times = catalog.entry_times();
    let feeds: Vec<_> = catalog
        .feeds()
        .into_iter()
        .filter(|f| keep(&f.dir))
        .collect();
    // An entry is in several feeds (everything, its channel, its model's
    // channel, its major line): say what it says once.
    let mut entries: Vec<Entry> = feeds
        .iter()
        .flat_map(|f| f.entries.iter().copied())
        .collect();
    entries.sort_unstable();
    entries.dedup();
    let items: HashMap<Entry, Item> = entries
        .par_iter()
        .map(|&e| (e, Item::new(catalog, e, &times)))
        .collect();
    feeds
        .par_iter()
        .flat_map_iter(|feed| {
            let items: Vec<&Item> = feed.entries.iter().map(|e| &items[e]).collect();
            [
                OutputFile::new(
                    format!("{}atom.xml", feed.dir),
                    atom_feed(catalog, feed, &items, epoch),
                ),
                OutputFile::new(
                    format!("{}rss.xml", feed.dir),
                    rss_channel(catalog, feed, &items),
                ),
            ]
        })
        .collect()
}

/// The earliest date of the site (a release's date or a skip's
/// announcement), else 1970-01-01. It dates the feeds' own tag URIs and the
/// `updated` of a feed with no entries, so both stay the same from build to
/// build and never depend on the clock or on `feed_limit`.
fn site_epoch(catalog: &Catalog) -> NaiveDate {
    catalog
        .site
        .releases
        .iter()
        .map(|r| r.date)
        .chain(catalog.site.skips.iter().map(|s| s.announced))
        .min()
        .unwrap_or(NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date"))
}

/// The feed's own id: `tag:<host>,<year of the site's first date>:feeds`
/// for the site feed and `...:feeds/<dir>` for the others. `feeds` is a
/// reserved name, so no feed id can equal an entry id.
fn feed_id(catalog: &Catalog, feed: &Feed) -> String {
    let year = site_epoch(catalog).year();
    let host = catalog.config.host();
    let dir = feed.dir.trim_end_matches('/');
    if dir.is_empty() {
        format!("tag:{host},{year}:feeds")
    } else {
        format!("tag:{host},{year}:feeds/{dir}")
    }
}

/// What an entry says, shared by both formats.
struct Item {
    id: String,
    title: String,
    url: String,
    /// The first date, at its written time or midnight.
    published: NaiveDateTime,
    /// Distinct from every other entry's ([`Catalog::entry_times`]).
    updated: NaiveDateTime,
    /// Plain text.
    summary: String,
    /// HTML.
    content: String,
}

impl Item {
    fn new(catalog: &Catalog, e: Entry, times: &HashMap<Entry, NaiveDateTime>) -> Item {
        let url = catalog.url(&catalog.entry_path(e));
        let base_path = catalog.config.base_path();
        let (title, summary, content) = match e {
            Entry::Release(i) => {
                let r = catalog.release(i);
                let mut title = catalog.title(r);
                let mut summary = r.summary.trim().to_string();
                let mut html = String::new();
                if let (Status::Yanked, Some(y)) = (r.status, &r.yanked) {
                    title.push_str(" [yanked]");
                    summary = format!("Yanked on {}: {} {summary}", y.date, y.reason.trim());
                    html.push_str(&format!(
                        "<p><strong>Yanked on {}.</strong> {}</p>\n",
                        y.date,
                        escape(y.reason.trim())
                    ));
                }
                html.push_str(&format!("<p>{}</p>\n", escape(r.summary.trim())));
                if let Some(notes) = &r.notes {
                    html.push_str(&notes_html(notes, base_path, &url));
                }
                html.push_str(&artifacts_html(catalog, i));
                html.push_str(&evaluations_html(catalog, i));
                (title, summary, html)
            }
            Entry::Skip(k) => {
                let s = catalog.skip(k);
                let model = catalog
                    .config
                    .models
                    .get(&s.model)
                    .map_or(s.model.as_str(), |m| m.title.as_str());
                let channel = catalog
                    .config
                    .channels
                    .get(&s.channel)
                    .map_or(s.channel.as_str(), |c| c.title.as_str());
                let title = format!("Skipped: {model} {channel} slot {}", s.slot);
                let said = format!(
                    "The {} release slot of {model} on the {channel} channel is skipped (announced {}).",
                    s.slot, s.announced
                );
                let html = format!(
                    "<p>{}</p>\n{}",
                    escape(&said),
                    notes_html(&s.reason, base_path, &url)
                );
                (title, said, html)
            }
            Entry::Eol(n) => eol_text(catalog, n),
        };
        Item {
            id: xml(&catalog.entry_id(e)),
            title: xml(&title),
            url: xml(&url),
            published: catalog.first_date(e).and_time(
                match e {
                    Entry::Release(i) => catalog.release(i).time,
                    _ => None,
                }
                .unwrap_or(NaiveTime::MIN),
            ),
            updated: times
                .get(&e)
                .copied()
                .unwrap_or_else(|| catalog.updated(e).and_time(NaiveTime::MIN)),
            summary: xml(&summary),
            content: xml(&content),
        }
    }
}

/// A line's end-of-support entry: its title, plain summary and HTML.
fn eol_text(catalog: &Catalog, n: usize) -> (String, String, String) {
    let line = &catalog.lines[n];
    let title = format!("{} reached end of support", catalog.line_title(n));
    let latest = catalog.release(line.latest);
    let newer: Vec<String> = catalog
        .lines_of(&line.model, &line.channel)
        .filter(|(_, l)| {
            l.major > line.major && matches!(l.state, LineState::Current | LineState::Supported)
        })
        .map(|(_, l)| l.name())
        .collect();
    let mut said = format!(
        "{} reached its end of support on {}: it gets no more fixes. Its last release is {} ({}).",
        catalog.line_title(n),
        catalog.eol_date(n),
        latest.version,
        latest.date
    );
    if !newer.is_empty() {
        said.push_str(&format!(" Supported now: {}.", newer.join(", ")));
    }
    let mut html = format!("<p>{}</p>\n", escape(&said));
    if let Some(note) = &line.note {
        let page = catalog.url(&line.path);
        html.push_str(&notes_html(note, catalog.config.base_path(), &page));
    }
    (title, said, html)
}

/// A short list of a release's downloads with their checksums.
fn artifacts_html(catalog: &Catalog, i: usize) -> String {
    let r = catalog.release(i);
    if r.artifacts.is_empty() {
        return String::new();
    }
    let mut html = String::from("<h2>Downloads</h2>\n<ul>\n");
    for a in &r.artifacts {
        let json = catalog.artifact_json(i, a);
        let url = json["url"].as_str().unwrap_or_default();
        let mut what = vec![a.format.as_str().to_string()];
        what.extend(a.quantization.clone());
        what.extend(a.size.map(super::numbers::size));
        html.push_str(&format!(
            "<li><a href=\"{}\">{}</a> ({})",
            escape(url),
            escape(&a.file),
            escape(&what.join(", "))
        ));
        if let Some(sha) = &a.sha256 {
            html.push_str(&format!("<br>sha256 <code>{}</code>", escape(sha)));
        }
        html.push_str("</li>\n");
    }
    html.push_str("</ul>\n");
    html
}

/// A release's evaluations, each as its manifest wrote it.
fn evaluations_html(catalog: &Catalog, i: usize) -> String {
    let r = catalog.release(i);
    if r.evaluations.is_empty() {
        return String::new();
    }
    let mut html = String::from("<h2>Evaluations</h2>\n<ul>\n");
    for (metric, score) in &r.evaluations {
        html.push_str(&format!(
            "<li>{}: {}</li>\n",
            escape(catalog.config.metric_title(metric)),
            escape(score.text())
        ));
    }
    html.push_str("</ul>\n");
    html
}

/// Markdown to sanitised HTML with every URL absolute: site-relative ones
/// under the base path, relative ones against the entry's page `url` (feed
/// readers show content away from the page, and the W3C validator warns on
/// relative URLs).
fn notes_html(md: &str, base_path: &str, url: &str) -> String {
    super::markdown::render_absolute(md, base_path, url)
}

/// Text as it enters a feed: without the characters XML 1.0 refuses (C0
/// controls, U+FFFE) and the others no output carries
/// ([`super::refused`]). The crates escape the rest.
fn xml(text: &str) -> String {
    super::refused::drop_refused(text).into_owned()
}

/// A UTC time, as the crates want it.
fn utc(at: NaiveDateTime) -> DateTime<FixedOffset> {
    FixedOffset::east_opt(0)
        .expect("UTC offset")
        .from_utc_datetime(&at)
}

/// RFC 2822, as RSS wants it: `Mon, 16 Sep 2024 00:00:00 +0000`.
fn rfc2822(at: NaiveDateTime) -> String {
    Utc.from_utc_datetime(&at).to_rfc2822()
}

/// When the feed last changed: its newest entry's `updated` (entries are
/// newest first, but take the maximum to be safe), else the site's epoch.
fn feed_updated(items: &[&Item], epoch: NaiveDate) -> NaiveDateTime {
    items
        .iter()
        .map(|i| i.updated)
        .max()
        .unwrap_or(epoch.and_time(NaiveTime::MIN))
}

fn atom_feed(catalog: &Catalog, feed: &Feed, items: &[&Item], epoch: NaiveDate) -> Vec<u8> {
    let config = catalog.config;
    let author = atom::Person {
        name: xml(if config.author.name.trim().is_empty() {
            &config.title
        } else {
            &config.author.name
        }),
        email: config.author.email.as_deref().map(xml),
        ..Default::default()
    };
    let entries: Vec<atom::Entry> = items
        .iter()
        .map(|item| atom::Entry {
            title: atom::Text::plain(item.title.clone()),
            id: item.id.clone(),
            updated: utc(item.updated),
            published: Some(utc(item.published)),
            links: vec![atom::Link {
                href: item.url.clone(),
                rel: "alternate".into(),
                mime_type: Some("text/html".into()),
                ..Default::default()
            }],
            summary: Some(atom::Text::plain(item.summary.clone())),
            content: Some(atom::Content {
                base: Some(item.url.clone()),
                value: Some(item.content.clone()),
                content_type: Some("html".into()),
                ..Default::default()
            }),
            ..Default::default()
        })
        .collect();
    let doc = atom::Feed {
        title: atom::Text::plain(xml(&feed.title)),
        id: xml(&feed_id(catalog, feed)),
        updated: utc(feed_updated(items, epoch)),
        authors: vec![author],
        links: vec![
            atom::Link {
                href: xml(&catalog.url(&format!("{}atom.xml", feed.dir))),
                rel: "self".into(),
                mime_type: Some("application/atom+xml".into()),
                ..Default::default()
            },
            atom::Link {
                href: xml(&catalog.url(&feed.page)),
                rel: "alternate".into(),
                mime_type: Some("text/html".into()),
                ..Default::default()
            },
        ],
        subtitle: (!feed.description.trim().is_empty())
            .then(|| atom::Text::plain(xml(&feed.description))),
        lang: Some(xml(&config.language)),
        entries,
        ..Default::default()
    };
    let mut bytes = doc
        .write_with_config(
            Vec::new(),
            atom::WriteConfig {
                write_document_declaration: true,
                indent_size: Some(2),
            },
        )
        .expect("writing to memory cannot fail");
    bytes.push(b'\n');
    bytes
}

fn rss_channel(catalog: &Catalog, feed: &Feed, items: &[&Item]) -> Vec<u8> {
    let config = catalog.config;
    let self_link = rss::extension::Extension {
        name: "atom:link".into(),
        attrs: BTreeMap::from([
            (
                "href".to_string(),
                xml(&catalog.url(&format!("{}rss.xml", feed.dir))),
            ),
            ("rel".to_string(), "self".to_string()),
            ("type".to_string(), "application/rss+xml".to_string()),
        ]),
        ..Default::default()
    };
    // A feed with no entries has no publication date: RSS makes both optional.
    let newest = items.iter().map(|i| i.updated).max().map(rfc2822);
    let channel = rss::Channel {
        title: xml(&feed.title),
        link: xml(&catalog.url(&feed.page)),
        description: xml(if feed.description.trim().is_empty() {
            &feed.title
        } else {
            &feed.description
        }),
        language: Some(xml(&config.language)),
        pub_date: newest.clone(),
        last_build_date: newest,
        namespaces: BTreeMap::from([("atom".to_string(), ATOM_NS.to_string())]),
        extensions: BTreeMap::from([(
            "atom".to_string(),
            BTreeMap::from([("link".to_string(), vec![self_link])]),
        )]),
        items: items
            .iter()
            .map(|item| rss::Item {
                title: Some(item.title.clone()),
                link: Some(item.url.clone()),
                description: Some(item.content.clone()),
                guid: Some(rss::Guid {
                    value: item.id.clone(),
                    permalink: false,
                }),
                // The first date, also for a yanked release: its title and
                // description say it was yanked.
                pub_date: Some(rfc2822(item.published)),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    };
    let mut bytes = channel
        .pretty_write_to(Vec::new(), b' ', 2)
        .expect("writing to memory cannot fail");
    bytes.push(b'\n');
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_html() {
        assert_eq!(
            escape(r#"a & <b> "c" 'd'"#),
            "a &amp; &lt;b&gt; &quot;c&quot; &#39;d&#39;"
        );
    }

    #[test]
    fn notes_are_sanitised_and_every_url_is_absolute() {
        let html = notes_html(
            "[s](/schedule/) [x](https://x.org/) <script>alert(1)</script> <a href=\"javascript:alert(1)\">j</a> <img src=x alt=i> [f](#notes) [up](../)",
            "/lab/",
            "https://r.org/lab/m/c/1.0.0/",
        );
        assert!(
            html.contains(r#"href="https://r.org/lab/schedule/""#),
            "{html}"
        );
        assert!(
            html.contains(r#"src="https://r.org/lab/m/c/1.0.0/x""#),
            "{html}"
        );
        assert!(
            html.contains(r#"href="https://r.org/lab/m/c/1.0.0/#notes""#),
            "{html}"
        );
        assert!(html.contains(r#"href="https://r.org/lab/m/c/""#), "{html}");
        assert!(html.contains(r#"href="https://x.org/""#), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
    }

    #[test]
    fn dates_are_utc() {
        let d = NaiveDate::from_ymd_opt(2024, 9, 16)
            .unwrap()
            .and_hms_opt(0, 0, 1)
            .unwrap();
        assert_eq!(utc(d).to_rfc3339(), "2024-09-16T00:00:01+00:00");
        assert_eq!(rfc2822(d), "Mon, 16 Sep 2024 00:00:01 +0000");
    }
}
