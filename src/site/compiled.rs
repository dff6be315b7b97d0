//! The default theme's most rendered templates, compiled: `release.html`,
//! `stream.html`, `channel.html` and `schedule.html` with `base.html` and
//! `macros.html`, written as Rust that reads the data tera would: the
//! typed [`ReleaseView`], [`StreamView`] and [`Brief`]s, whose
//! serialisation is what tera gets, and JSON values for the rest.
//!
//! A 10,000-release site is 10,000 release pages; tera interprets each
//! template node by node and looks every `{{ release.x }}` up by splitting
//! and allocating its path, which was half of a build's work. These
//! functions write the very bytes tera writes from the same context (a
//! test renders every page of the test sites both ways and compares them),
//! with tera's rules: `{% if %}` truthiness, value rendering, autoescape
//! with [`super::theme::escape`], and the whitespace control of the
//! templates. A site that overrides one of these templates, or `base.html`
//! or `macros.html`, gets tera for the pages that use them
//! ([`super::theme::Theme::compiled`]).
//!
//! Whoever edits one of these templates in `themes/default/templates/`
//! edits the function here too; the test fails until both agree.

use std::fmt::Write as _;

use serde_json::Value;

use super::context::{Base, Brief, Main, PageContext, ReleaseView, StreamView};

/// The templates compiled here.
pub const TEMPLATES: [&str; 4] = [
    "release.html",
    "stream.html",
    "channel.html",
    "schedule.html",
];

/// What a compiled template includes besides itself.
pub const SHARED: [&str; 2] = ["base.html", "macros.html"];

/// Render a compiled template, or `None` when `template` is not one.
pub fn render(template: &str, ctx: &PageContext) -> Option<String> {
    let mut h = Html(String::with_capacity(16 * 1024));
    let b = &ctx.base;
    match (template, &ctx.main) {
        ("release.html", Main::Release(r)) => base(&mut h, b, |h| release(h, r)),
        ("stream.html", Main::Stream(st)) => base(&mut h, b, |h| stream(h, st)),
        ("channel.html", Main::Values(_)) => base(&mut h, b, |h| channel(h, ctx)),
        ("schedule.html", Main::Values(_)) => base(&mut h, b, |h| schedule(h, ctx)),
        _ => return None,
    }
    Some(h.0)
}

static NULL: Value = Value::Null;

/// `v.key`, null when absent (tera's lookup, one segment).
fn at<'v>(v: &'v Value, key: &str) -> &'v Value {
    match v {
        Value::Object(m) => m.get(key).unwrap_or(&NULL),
        _ => &NULL,
    }
}

fn var<'v>(ctx: &'v PageContext, key: &str) -> &'v Value {
    ctx.value(key)
}

/// An optional value as the template sees it: null when absent.
fn or_null(v: Option<&Value>) -> &Value {
    v.unwrap_or(&NULL)
}

/// A string the template tests with `{% if %}`: absent or empty is false.
fn filled(s: Option<&str>) -> Option<&str> {
    s.filter(|s| !s.is_empty())
}

/// `{% if v %}`, as tera decides it.
fn truthy(v: &Value) -> bool {
    match v {
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i != 0
            } else if let Some(u) = n.as_u64() {
                u != 0
            } else {
                n.as_f64().is_some_and(|f| f != 0.0 && !f.is_nan())
            }
        }
        Value::Bool(b) => *b,
        Value::Null => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

fn items(v: &Value) -> &[Value] {
    match v {
        Value::Array(a) => a,
        _ => &[],
    }
}

/// The page being written.
struct Html(String);

impl Html {
    /// Template text, as is.
    fn s(&mut self, text: &str) {
        self.0.push_str(text);
    }

    /// `{{ v }}`: tera's rendering of the value, escaped.
    fn v(&mut self, v: &Value) {
        match v {
            Value::String(s) => super::theme::escape_into(&mut self.0, s),
            Value::Null => {}
            other => {
                let mut raw = String::new();
                plain(&mut raw, other);
                super::theme::escape_into(&mut self.0, &raw);
            }
        }
    }

    /// `{{ s }}` of a string.
    fn t(&mut self, s: &str) {
        super::theme::escape_into(&mut self.0, s);
    }

    /// `{{ n }}` of an integer.
    fn n(&mut self, n: impl std::fmt::Display) {
        let _ = write!(self.0, "{n}");
    }
}

/// A value as tera writes it (its `ValueRender`): numbers as integers when
/// they are, `[a, b]` for arrays, `[object]` for objects, nothing for null.
fn plain(out: &mut String, v: &Value) {
    match v {
        Value::String(s) => out.push_str(s),
        Value::Null => {}
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                let _ = write!(out, "{i}");
            } else if let Some(u) = n.as_u64() {
                let _ = write!(out, "{u}");
            } else if let Some(f) = n.as_f64() {
                let _ = write!(out, "{f}");
            }
        }
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Array(a) => {
            out.push('[');
            for (n, item) in a.iter().enumerate() {
                if n > 0 {
                    out.push_str(", ");
                }
                plain(out, item);
            }
            out.push(']');
        }
        Value::Object(_) => out.push_str("[object]"),
    }
}

/// `base.html` with the page's `main` block.
fn base(h: &mut Html, b: &Base, main: impl FnOnce(&mut Html)) {
    let site = b.site;
    let path = b.path.as_str();
    let home = path.is_empty();
    let description = filled(Some(&b.description));
    h.s("<!DOCTYPE html>\n<html lang=\"");
    h.v(at(site, "language"));
    h.s("\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    if home {
        h.v(at(site, "title"));
    } else {
        h.t(&b.title);
        h.s(" · ");
        h.v(at(site, "title"));
    }
    h.s("</title>\n");
    if let Some(description) = description {
        h.s("<meta name=\"description\" content=\"");
        h.t(description);
        h.s("\">\n");
    }
    h.s("<meta name=\"generator\" content=\"");
    h.t(b.generator);
    h.s(
        "\">\n<meta name=\"color-scheme\" content=\"light dark\">\n<link rel=\"canonical\" href=\"",
    );
    h.t(&b.url);
    h.s("\">\n<meta property=\"og:type\" content=\"website\">\n<meta property=\"og:site_name\" content=\"");
    h.v(at(site, "title"));
    h.s("\">\n<meta property=\"og:title\" content=\"");
    h.t(&b.title);
    h.s("\">\n<meta property=\"og:url\" content=\"");
    h.t(&b.url);
    h.s("\">\n");
    if let Some(description) = description {
        h.s("<meta property=\"og:description\" content=\"");
        h.t(description);
        h.s("\">\n");
    }
    h.s("<link rel=\"icon\" href=\"data:,\">\n<link rel=\"stylesheet\" href=\"");
    h.t(b.style_href);
    h.s("\">\n");
    let feeds = items(&b.feeds);
    for f in feeds {
        h.s("<link rel=\"alternate\" type=\"application/atom+xml\" title=\"");
        h.v(at(f, "title"));
        h.s(" — Atom\" href=\"");
        h.v(at(f, "atom"));
        h.s("\">\n<link rel=\"alternate\" type=\"application/rss+xml\" title=\"");
        h.v(at(f, "title"));
        h.s(" — RSS\" href=\"");
        h.v(at(f, "rss"));
        h.s("\">\n");
    }
    h.s("</head>\n<body>\n<a class=\"skip-link\" href=\"#main\">Skip to content</a>\n<header class=\"site-header\">\n<div class=\"wrap\">\n<a class=\"brand\" href=\"");
    h.v(at(site, "href"));
    h.s("\"");
    if home {
        h.s(" aria-current=\"page\"");
    }
    h.s(">");
    h.v(at(site, "title"));
    h.s("</a>\n<nav class=\"site-nav\" aria-label=\"Site\">\n<ul>\n");
    let nav = b.nav;
    for m in items(at(nav, "models")) {
        h.s("<li><a href=\"");
        h.v(at(m, "href"));
        h.s("\"");
        let mp = at(m, "path");
        if mp.as_str() == Some(path) {
            h.s(" aria-current=\"page\"");
        } else if let Some(mp) = mp.as_str()
            && path.starts_with(mp)
        {
            h.s(" class=\"here\"");
        }
        h.s(">");
        h.v(at(m, "title"));
        h.s("</a></li>\n");
    }
    for c in items(at(nav, "channels")) {
        nav_item(h, path, c, at(c, "title"));
    }
    let schedule = at(nav, "schedule");
    nav_item(h, path, schedule, &Value::String("Schedule".into()));
    for p in items(at(nav, "pages")) {
        nav_item(h, path, p, at(p, "title"));
    }
    h.s("</ul>\n</nav>\n</div>\n</header>\n");
    let notice = at(site, "notice");
    if truthy(notice) {
        h.s("<div class=\"notice\" role=\"note\"><div class=\"wrap\"><p>");
        h.v(notice);
        h.s("</p></div></div>\n");
    }
    h.s("<main id=\"main\" class=\"wrap\">\n");
    main(h);
    h.s("\n</main>\n<footer class=\"site-footer\">\n<div class=\"wrap\">\n<p>");
    h.v(at(site, "title"));
    let site_description = at(site, "description");
    if truthy(site_description) {
        h.s(": ");
        h.v(site_description);
    }
    h.s("</p>\n");
    let all = feeds.last().unwrap_or(&NULL);
    if truthy(all) {
        h.s("<p>Everything, as a feed: <a href=\"");
        h.v(at(all, "atom"));
        h.s("\">Atom</a> · <a href=\"");
        h.v(at(all, "rss"));
        h.s("\">RSS</a> · <a href=\"");
        h.v(at(site, "href"));
        h.s("schedule/\">release calendar</a></p>\n");
    }
    let href = at(site, "href");
    h.s("<p><a href=\"");
    h.v(href);
    h.s("api/v1/releases.json\">JSON API</a> · <a href=\"");
    h.v(href);
    h.s("schema/manifest.schema.json\">Manifest schema</a> · <a href=\"");
    h.v(href);
    h.s(
        "sitemap.xml\">Sitemap</a> · Built with cadence</p>\n</div>\n</footer>\n</body>\n</html>\n",
    );
}

/// A nav link that is `aria-current` on its own page.
fn nav_item(h: &mut Html, path: &str, item: &Value, title: &Value) {
    h.s("<li><a href=\"");
    h.v(at(item, "href"));
    h.s("\"");
    if at(item, "path").as_str() == Some(path) {
        h.s(" aria-current=\"page\"");
    }
    h.s(">");
    h.v(title);
    h.s("</a></li>\n");
}

/// A release as the list macros read it: a [`Brief`], typed or as JSON.
trait Row {
    /// A text field; `None` when absent (or, in JSON, not text).
    fn text(&self, key: &str) -> Option<&str>;
    /// A field as `{% if %}` sees it.
    fn flag(&self, key: &str) -> bool;
}

impl Row for Value {
    fn text(&self, key: &str) -> Option<&str> {
        at(self, key).as_str()
    }
    fn flag(&self, key: &str) -> bool {
        truthy(at(self, key))
    }
}

impl Row for Brief<'_> {
    fn text(&self, key: &str) -> Option<&str> {
        Some(match key {
            "href" => &self.href,
            "version" => self.version,
            "date" => &self.date,
            "status" => self.status,
            "summary" => self.summary,
            "title" => &self.title,
            _ => return None,
        })
    }
    fn flag(&self, key: &str) -> bool {
        match key {
            "candidate" => self.candidate,
            "retired" => self.retired,
            _ => self.text(key).is_some_and(|t| !t.is_empty()),
        }
    }
}

/// `m::badges(r)`.
fn badges<R: Row + ?Sized>(h: &mut Html, r: &R) {
    badge_marks(h, r.text("status"), r.flag("candidate"), r.flag("retired"));
}

/// `m::badges(r)` of a release's status and flags.
fn badge_marks(h: &mut Html, status: Option<&str>, candidate: bool, retired: bool) {
    match status {
        Some("yanked") => h.s(" <span class=\"badge yanked\">yanked</span>"),
        Some("planned") => h.s(" <span class=\"badge planned\">upcoming</span>"),
        _ => {}
    }
    if candidate {
        h.s(" <span class=\"badge candidate\">candidate</span>");
    }
    if retired {
        h.s(" <span class=\"badge retired\">retired</span>");
    }
}

/// `m::state(s)`.
fn state(h: &mut Html, s: &Value) {
    h.s("<span class=\"badge state-");
    h.v(at(s, "state"));
    h.s("\">");
    h.v(at(s, "state"));
    h.s("</span>");
}

/// `m::feed_links(f)`.
fn feed_links(h: &mut Html, f: &Value) {
    if truthy(f) {
        h.s("<a class=\"feed\" href=\"");
        h.v(at(f, "atom"));
        h.s("\">Atom</a> <a class=\"feed\" href=\"");
        h.v(at(f, "rss"));
        h.s("\">RSS</a>");
    }
}

/// `<time datetime="d">d</time>`.
fn time(h: &mut Html, d: &Value) {
    h.s("<time datetime=\"");
    h.v(d);
    h.s("\">");
    h.v(d);
    h.s("</time>");
}

/// `<time datetime="d">d</time>` of a date string.
fn time_s(h: &mut Html, d: &str) {
    h.s("<time datetime=\"");
    h.t(d);
    h.s("\">");
    h.t(d);
    h.s("</time>");
}

/// `m::release_item(r)`.
fn release_item<R: Row + ?Sized>(h: &mut Html, r: &R) {
    let (version, date) = (r.text("version"), r.text("date"));
    let (version_s, date_s) = (version.unwrap_or_default(), date.unwrap_or_default());
    h.s("<a class=\"version\" href=\"");
    h.t(r.text("href").unwrap_or_default());
    h.s("\">");
    if version == date {
        h.s("<time datetime=\"");
        h.t(date_s);
        h.s("\">");
        h.t(version_s);
        h.s("</time></a>");
    } else {
        h.t(version_s);
        h.s("</a> ");
        time_s(h, date_s);
    }
    badges(h, r);
    h.s(" <span class=\"summary\">");
    h.t(r.text("summary").unwrap_or_default());
    h.s("</span>");
}

/// `m::release_rows(releases, dates)`.
fn release_rows<'v, R: Row + 'v>(
    h: &mut Html,
    releases: impl IntoIterator<Item = &'v R>,
    dates: bool,
) {
    h.s("<div class=\"table-wrap\">\n<table class=\"releases\">\n<thead><tr><th scope=\"col\">Version</th>");
    if dates {
        h.s("<th scope=\"col\">Date</th>");
    }
    h.s("<th scope=\"col\">Summary</th></tr></thead>\n<tbody>\n");
    for r in releases {
        h.s("<tr");
        let status = r.text("status");
        if status != Some("released") {
            h.s(" class=\"");
            h.t(status.unwrap_or_default());
            h.s("\"");
        }
        h.s("><td><a class=\"version\" href=\"");
        h.t(r.text("href").unwrap_or_default());
        h.s("\">");
        let (version, date) = (
            r.text("version").unwrap_or_default(),
            r.text("date").unwrap_or_default(),
        );
        if dates {
            h.t(version);
            h.s("</a>");
        } else {
            h.s("<time datetime=\"");
            h.t(date);
            h.s("\">");
            h.t(version);
            h.s("</time></a>");
        }
        badges(h, r);
        h.s("</td>");
        if dates {
            h.s("<td>");
            time_s(h, date);
            h.s("</td>");
        }
        h.s("<td>");
        h.t(r.text("summary").unwrap_or_default());
        h.s("</td></tr>\n");
    }
    h.s("</tbody>\n</table>\n</div>");
}

/// `m::slot_rows(slots)`.
fn slot_rows(h: &mut Html, slots: &[Value]) {
    h.s("<div class=\"table-wrap\">\n<table class=\"slots\">\n<thead><tr><th scope=\"col\">Slot</th><th scope=\"col\">Window</th><th scope=\"col\">State</th><th scope=\"col\">Release</th></tr></thead>\n<tbody>\n");
    for s in slots {
        h.s("<tr><td>");
        time(h, at(s, "date"));
        h.s("</td><td>");
        time(h, at(s, "window_start"));
        h.s(" – ");
        time(h, at(s, "window_end"));
        h.s("</td><td>");
        state(h, s);
        if truthy(at(s, "open_now")) {
            h.s(" <span class=\"badge now\">window open</span>");
        }
        h.s("</td><td>");
        let (release, skip) = (at(s, "release"), at(s, "skip"));
        if truthy(release) {
            h.s("<a class=\"version\" href=\"");
            h.v(at(release, "href"));
            h.s("\">");
            h.v(at(release, "version"));
            h.s("</a>");
            badges(h, release);
        } else if truthy(skip) {
            h.s("<a href=\"");
            h.v(at(skip, "href"));
            h.s("\">skip announced ");
            time(h, at(skip, "announced"));
            h.s("</a>");
        } else {
            h.s("<span class=\"muted\">none</span>");
        }
        h.s("</td></tr>\n");
    }
    h.s("</tbody>\n</table>\n</div>");
}

/// `release.html`'s `main` block.
fn release(h: &mut Html, r: &ReleaseView) {
    let (model, channel) = (&r.api.model, &r.api.channel);
    let stream_href = r.stream_href.as_str();
    let planned = r.planned;
    let previous = r.previous;
    h.s("\n<nav class=\"breadcrumbs\" aria-label=\"Breadcrumb\"><ol><li><a href=\"");
    h.t(&model.href);
    h.s("\">");
    h.t(model.title);
    h.s("</a></li><li><a href=\"");
    h.t(stream_href);
    h.s("\">");
    h.t(channel.title);
    h.s("</a></li><li><a href=\"");
    h.t(&r.href);
    h.s("\" aria-current=\"page\">");
    h.t(r.api.version);
    h.s("</a></li></ol></nav>\n<header class=\"release-head\">\n<h1>");
    h.t(&r.api.title);
    h.s("</h1>\n<p class=\"meta\">");
    time_s(h, &r.api.date);
    h.s(" · ");
    h.t(channel.title);
    badge_marks(h, Some(r.api.status), r.api.candidate, r.api.retired);
    h.s("</p>\n<p class=\"lead\">");
    h.t(r.api.summary);
    h.s("</p>\n");
    if let Some(latest) = r.latest {
        h.s("<p class=\"muted\">The latest ");
        h.t(channel.title);
        h.s(" release is <a class=\"version\" href=\"");
        h.t(&latest.href);
        h.s("\">");
        h.t(latest.version);
        h.s("</a>, from ");
        time_s(h, &latest.date);
        h.s(".</p>\n");
    }
    h.s("</header>\n");
    if let Some(yanked) = &r.api.yanked {
        h.s("<div class=\"banner yanked\" role=\"note\"><p><strong>Yanked</strong> on ");
        time_s(h, &yanked.date);
        h.s(": ");
        h.t(yanked.reason);
        h.s("</p>\n<p>Do not use this release");
        if channel.semver {
            h.s("; pick another from the <a href=\"");
            h.t(stream_href);
            h.s("\">release history</a>");
        }
        h.s(".</p></div>\n");
    }
    if planned {
        h.s("<div class=\"banner planned\" role=\"note\"><p><strong>Upcoming.</strong> This release is planned for ");
        time_s(h, &r.api.date);
        h.s(" and is not published yet.</p></div>\n");
    }
    if r.api.retired {
        h.s("<div class=\"banner retired\" role=\"note\"><p><strong>Retired.</strong> This build is older than the newest ");
        if let Some(n) = channel.retention {
            h.n(n);
        }
        h.s(" builds of the channel; its files may no longer be downloadable. <a href=\"");
        h.t(stream_href);
        h.s("\">See newer builds</a>.</p></div>\n");
    }
    if let Some(final_release) = r.final_release {
        h.s("<p class=\"banner candidate\">A release candidate of <a href=\"");
        h.t(&final_release.href);
        h.s("\">");
        h.t(final_release.version);
        h.s("</a>.</p>\n");
    } else if r.api.candidate {
        h.s("<p class=\"banner candidate\">A release candidate for testers; its final is not released yet.</p>\n");
    }
    if let Some(notes) = filled(r.notes_html.as_deref()) {
        h.s("<section aria-labelledby=\"notes\">\n<h2 id=\"notes\">What changed</h2>\n<div class=\"prose\">\n");
        h.s(notes);
        h.s("\n</div>\n</section>\n");
    }
    h.s("<section aria-labelledby=\"downloads\">\n<h2 id=\"downloads\">Download</h2>\n");
    if planned {
        h.s("<p class=\"muted\">Nothing to download before the release.</p>\n");
    } else {
        downloads(h, r);
    }
    h.s("\n</section>\n");
    if !r.scores.is_empty() {
        evaluations(h, r, previous);
    }
    if !r.candidates.is_empty() {
        h.s("<section aria-labelledby=\"candidates\">\n<h2 id=\"candidates\">Release candidates</h2>\n<ul class=\"history\">\n");
        for c in &r.candidates {
            h.s("<li>");
            release_item(h, *c);
            h.s("</li>\n");
        }
        h.s("</ul>\n</section>\n");
    }
    h.s("<section aria-labelledby=\"provenance\">\n<h2 id=\"provenance\">Where it came from</h2>\n<dl class=\"facts\">\n<dt>Repository</dt><dd><a href=\"");
    h.t(&r.repo_url);
    h.s("\">");
    h.t(r.api.repo);
    h.s("</a></dd>\n");
    if let Some(revision) = filled(r.api.revision) {
        h.s("<dt>Revision</dt><dd><a href=\"");
        h.t(r.revision_url.as_deref().unwrap_or_default());
        h.s("\"><code class=\"hash\">");
        h.t(revision);
        h.s("</code></a></dd>\n");
    }
    h.s("<dt>Tag</dt><dd>");
    if planned {
        h.s("<code>");
        h.t(r.api.tag);
        h.s("</code>");
    } else {
        h.s("<a href=\"");
        h.t(&r.tag_url);
        h.s("\"><code>");
        h.t(r.api.tag);
        h.s("</code></a>");
    }
    h.s("</dd>\n");
    if let Some(taxonomy) = filled(r.api.taxonomy) {
        h.s("<dt>Taxonomy branch</dt><dd><code>");
        h.t(taxonomy);
        h.s("</code></dd>\n");
    }
    if let Some(commit) = filled(r.api.taxonomy_commit) {
        h.s("<dt>Taxonomy commit</dt><dd><code>");
        h.t(commit);
        h.s("</code></dd>\n");
    }
    let slot = or_null(r.slot.as_ref());
    if truthy(slot) {
        h.s("<dt>Schedule slot</dt><dd>");
        time(h, at(slot, "date"));
        h.s(" ");
        state(h, slot);
        h.s("</dd>\n");
    }
    if let Some(previous) = previous {
        h.s("<dt>Previous</dt><dd><a class=\"version\" href=\"");
        h.t(&previous.href);
        h.s("\">");
        h.t(previous.version);
        h.s("</a> ");
        time_s(h, &previous.date);
        h.s("</dd>\n");
    }
    h.s("</dl>\n</section>\n");
}

/// The release page's download commands and artifacts.
fn downloads(h: &mut Html, r: &ReleaseView) {
    if let Some(command) = filled(r.download_command.as_deref()) {
        h.s("<p>The model at this release's revision:</p>\n<pre class=\"command\"><code>");
        h.t(command);
        h.s("</code></pre>\n");
    }
    if let Some(ollama) = filled(r.ollama_run.as_deref()) {
        h.s("<p>With Ollama:</p>\n<pre class=\"command\"><code>");
        h.t(ollama);
        h.s("</code></pre>\n");
    }
    for a in &r.api.artifacts {
        let j = &a.api;
        h.s("<article class=\"artifact\" aria-label=\"");
        h.t(j.file);
        h.s("\">\n<h3><code>");
        h.t(j.file);
        h.s("</code></h3>\n<dl>\n<dt>Format</dt><dd>");
        h.t(j.format);
        if let Some(quantization) = filled(j.quantization) {
            h.s(", ");
            h.t(quantization);
        }
        h.s("</dd>\n");
        if let Some(size_human) = filled(a.size_human.as_deref()) {
            h.s("<dt>Size</dt><dd><data value=\"");
            if let Some(size) = j.size {
                h.n(size);
            }
            h.s("\">");
            h.t(size_human);
            h.s("</data> (");
            if let Some(size) = j.size {
                h.n(size);
            }
            h.s(" bytes)</dd>\n");
        }
        if let Some(sha) = filled(j.sha256) {
            h.s("<dt>SHA-256</dt><dd><code class=\"hash\">");
            h.t(sha);
            h.s("</code></dd>\n");
        }
        h.s("<dt>Source</dt><dd><a href=\"");
        h.t(&j.url);
        h.s("\">");
        h.t(&j.repo);
        h.s(" at ");
        h.t(&j.revision);
        h.s("</a></dd>\n</dl>\n<pre class=\"command\"><code>");
        h.t(&a.download_command);
        h.s("</code></pre>\n");
        if let Some(ollama) = filled(j.ollama_command.as_deref()) {
            h.s("<pre class=\"command\"><code>");
            h.t(ollama);
            h.s("</code></pre>\n");
        }
        h.s("</article>\n");
    }
}

/// The release page's evaluations table.
fn evaluations(h: &mut Html, r: &ReleaseView, previous: Option<&Brief>) {
    let has_previous = previous.is_some();
    h.s("<section aria-labelledby=\"evaluations\">\n<h2 id=\"evaluations\">Evaluations</h2>\n");
    if let Some(previous) = previous {
        h.s("<p>Compared with <a href=\"");
        h.t(&previous.href);
        h.s("\">");
        h.t(previous.version);
        h.s("</a>, the previous ");
        if r.api.candidate {
            h.s("candidate of this release");
        } else if r.api.channel.semver {
            h.s("final release");
        } else {
            h.s("build");
        }
        h.s(".</p>\n");
    }
    h.s("<div class=\"table-wrap\">\n<table class=\"scores\">\n<thead><tr><th scope=\"col\">Metric</th><th scope=\"col\" class=\"num\">Score</th>");
    if let Some(previous) = previous {
        h.s("<th scope=\"col\" class=\"num\">");
        h.t(previous.version);
        h.s("</th><th scope=\"col\" class=\"num\">Change</th>");
    }
    h.s("<th scope=\"col\">Gate</th></tr></thead>\n<tbody>\n");
    for s in &r.scores {
        h.s("<tr><th scope=\"row\">");
        h.t(s.title);
        h.s("</th><td class=\"num\">");
        match filled(s.value.as_deref()) {
            Some(value) => h.t(value),
            None => h.s("<span class=\"muted\">missing</span>"),
        }
        h.s("</td>");
        if has_previous {
            h.s("<td class=\"num\">");
            match filled(s.previous.as_deref()) {
                Some(before) => h.t(before),
                None => h.s("<span class=\"muted\">–</span>"),
            }
            h.s("</td><td class=\"num\">");
            match filled(s.change.as_deref()) {
                Some(change) => {
                    h.s("<span class=\"trend-");
                    h.t(s.trend.unwrap_or_default());
                    h.s("\">");
                    h.t(change);
                    h.s("</span>");
                }
                None => h.s("<span class=\"muted\">–</span>"),
            }
            h.s("</td>");
        }
        h.s("<td>");
        match filled(s.gate.as_deref()) {
            Some(gate) => {
                h.t(gate);
                h.s(" ");
                if s.passes == Some(true) {
                    h.s("<span class=\"badge pass\">passes</span>");
                } else {
                    h.s("<span class=\"badge fail\">misses</span>");
                }
            }
            None => h.s("<span class=\"muted\">none</span>"),
        }
        h.s("</td></tr>\n");
    }
    h.s("</tbody>\n</table>\n</div>\n</section>\n");
}

/// `stream.html`'s `main` block.
fn stream(h: &mut Html, view: &StreamView) {
    let head = |key: &str| view.head.get(key).unwrap_or(&NULL);
    let model = head("model");
    h.s("\n<nav class=\"breadcrumbs\" aria-label=\"Breadcrumb\"><ol><li><a href=\"");
    h.v(at(model, "href"));
    h.s("\">");
    h.v(at(model, "title"));
    h.s("</a></li><li><a href=\"");
    h.v(head("href"));
    h.s("\" aria-current=\"page\">");
    h.v(head("channel_title"));
    h.s("</a></li></ol></nav>\n<h1>");
    h.v(at(model, "title"));
    h.s(" <span class=\"channel-name\">");
    h.v(head("channel_title"));
    h.s("</span></h1>\n");
    let description = head("channel_description");
    if truthy(description) {
        h.s("<p class=\"lead\">");
        h.v(description);
        h.s("</p>\n");
    }
    h.s("<dl class=\"facts\">\n<dt>Hugging Face</dt><dd><a href=\"");
    h.v(head("repo_url"));
    h.s("\">");
    h.v(head("repo"));
    h.s("</a></dd>\n");
    let latest = head("latest");
    if truthy(latest) {
        h.s("<dt>Latest</dt><dd><a class=\"version\" href=\"");
        h.v(at(latest, "href"));
        h.s("\">");
        h.v(at(latest, "version"));
        h.s("</a> ");
        time(h, at(latest, "date"));
        h.s("</dd>\n");
    }
    h.s("<dt>Subscribe</dt><dd>");
    feed_links(h, head("feed"));
    for f in items(head("major_feeds")) {
        h.s(" · only ");
        h.v(at(f, "major"));
        h.s(".x: ");
        feed_links(h, f);
    }
    h.s("</dd>\n</dl>\n");
    if let Some(retention) = view.retention.filter(|&n| n != 0) {
        h.s("<p class=\"muted\">Only the newest ");
        h.n(retention);
        h.s(" released builds stay downloadable; older builds are marked retired.</p>\n");
    }
    if !view.next_slots.is_empty() {
        h.s("<section aria-labelledby=\"upcoming\">\n<h2 id=\"upcoming\">Next slots</h2>\n");
        slot_rows(h, &view.next_slots);
        h.s("\n</section>\n");
    }
    h.s("<section aria-labelledby=\"history\">\n<h2 id=\"history\">History</h2>\n");
    if view.releases.is_empty() {
        h.s("<p class=\"muted\">No release yet.</p>\n");
    } else if truthy(head("semver")) {
        h.s("\n");
        for line in &view.lines {
            h.s("\n<section class=\"line\" aria-labelledby=\"");
            h.t(&line.id);
            h.s("\">\n<h3 id=\"");
            h.t(&line.id);
            h.s("\">");
            h.t(&line.name);
            h.s("</h3>\n<ul class=\"history\">\n");
            for r in &line.pending {
                h.s("<li class=\"release pending\">");
                release_item(h, *r);
                h.s(" <span class=\"muted\">(for an upcoming final)</span></li>\n");
            }
            for f in &line.finals {
                let r = f.brief;
                h.s("<li class=\"release\">");
                release_item(h, r);
                h.s("\n");
                if !f.candidates.is_empty() {
                    h.s("<ul class=\"candidates\" aria-label=\"Release candidates of ");
                    h.t(r.version);
                    h.s("\">\n");
                    for c in &f.candidates {
                        h.s("<li>");
                        release_item(h, *c);
                        h.s("</li>\n");
                    }
                    h.s("</ul>\n");
                }
                h.s("</li>\n");
            }
            h.s("</ul>\n</section>\n");
        }
        h.s("\n");
    } else {
        h.s("\n");
        release_rows(h, view.releases.iter().copied(), false);
        h.s("\n");
    }
    h.s("\n</section>\n");
    if !view.skips.is_empty() {
        h.s("<section aria-labelledby=\"skips\">\n<h2 id=\"skips\">Skipped slots</h2>\n<ul class=\"history\">\n");
        for s in &view.skips {
            h.s("<li><a href=\"");
            h.v(at(s, "href"));
            h.s("\">Slot ");
            time(h, at(s, "slot"));
            h.s("</a> <span class=\"badge state-skipped\">skipped</span> <span class=\"summary\">");
            h.v(at(s, "reason"));
            h.s("</span></li>\n");
        }
        h.s("</ul>\n</section>\n");
    }
}

/// `v | length` (arrays, strings, objects; `None` where tera would fail).
fn length(v: &Value) -> Option<usize> {
    match v {
        Value::Array(a) => Some(a.len()),
        Value::String(s) => Some(s.chars().count()),
        Value::Object(o) => Some(o.len()),
        _ => None,
    }
}

/// `channel.html`'s `main` block.
fn channel(h: &mut Html, ctx: &PageContext) {
    let ch = var(ctx, "channel");
    let semver = truthy(at(ch, "semver"));
    h.s("\n<h1>");
    h.v(at(ch, "title"));
    h.s("</h1>\n");
    let description = at(ch, "description");
    if truthy(description) {
        h.s("<p class=\"lead\">");
        h.v(description);
        h.s("</p>\n");
    }
    h.s("<dl class=\"facts\">\n<dt>Versions</dt><dd>");
    h.s(if semver {
        "semantic versions, tagged <code>"
    } else {
        "dated builds, tagged <code>"
    });
    h.v(at(ch, "tag"));
    h.s("</code></dd>\n");
    let schedule = at(ch, "schedule");
    if truthy(schedule) {
        h.s("<dt>Schedule</dt><dd>every ");
        h.v(at(schedule, "every"));
        h.s(" from ");
        time(h, at(schedule, "start"));
        h.s(", within ");
        h.v(at(schedule, "window_days"));
        h.s(" days of each slot (<a href=\"");
        h.v(at(ctx.base.site, "href"));
        h.s("schedule/\">schedule</a>)</dd>\n");
    }
    let candidates = at(ch, "candidates");
    if truthy(candidates) {
        h.s("<dt>Candidates</dt><dd>");
        h.s(if truthy(at(candidates, "required")) {
            "every final is promoted from a release candidate"
        } else {
            "finals may have release candidates"
        });
        let soak = at(candidates, "soak_days");
        if truthy(soak) {
            h.s(", tested for at least ");
            h.v(soak);
            h.s(" days");
        }
        h.s("</dd>\n");
    }
    let gates = items(at(ch, "gates"));
    if !gates.is_empty() {
        h.s("<dt>Gates</dt><dd>");
        for (n, g) in gates.iter().enumerate() {
            h.v(at(g, "title"));
            h.s(" ");
            h.v(at(g, "gate"));
            if n + 1 < gates.len() {
                h.s("; ");
            }
        }
        h.s("</dd>\n");
    }
    let retention = at(ch, "retention");
    if truthy(retention) {
        h.s("<dt>Retention</dt><dd>the newest ");
        h.v(retention);
        h.s(" builds stay downloadable</dd>\n");
    }
    h.s("<dt>Subscribe</dt><dd>");
    feed_links(h, at(ch, "feed"));
    h.s("</dd>\n</dl>\n");
    for s in items(at(ch, "models")) {
        h.s("\n<section aria-labelledby=\"model-");
        h.v(at(s, "model"));
        h.s("\">\n<h2 id=\"model-");
        h.v(at(s, "model"));
        h.s("\"><a href=\"");
        h.v(at(s, "model_href"));
        h.s("\">");
        h.v(at(s, "model_title"));
        h.s("</a></h2>\n<p>");
        let latest = at(s, "latest");
        if truthy(latest) {
            h.s("Latest: ");
            release_item(h, latest);
        } else {
            h.s("<span class=\"muted\">No release yet.</span>");
        }
        h.s("</p>\n");
        let next = at(s, "next_slot");
        if truthy(next) {
            h.s("<p class=\"next-slot\">Next slot: ");
            time(h, at(next, "date"));
            h.s(" ");
            state(h, next);
            h.s("</p>\n");
        }
        let finals = at(s, "finals");
        if truthy(finals) {
            release_rows(h, items(finals), semver);
            h.s("\n");
        }
        let older = at(s, "older");
        if truthy(older) {
            h.s("<p class=\"muted\">The newest ");
            h.v(&Value::from(items(finals).len()));
            h.s(" of ");
            h.v(at(s, "finals_total"));
            h.s(" releases; ");
            h.v(older);
            h.s(" older ones are in the full history.</p>\n");
        }
        h.s("<p><a href=\"");
        h.v(at(s, "href"));
        h.s("\">Full history");
        if semver {
            h.s(", with release candidates");
        }
        h.s("</a> · ");
        feed_links(h, at(s, "feed"));
        h.s("</p>\n</section>\n");
    }
    h.s("\n");
}

/// `schedule.html`'s `main` block.
fn schedule(h: &mut Html, ctx: &PageContext) {
    let calendars = var(ctx, "calendars");
    let site = at(calendars, "site");
    h.s("\n<h1>Schedule</h1>\n<p class=\"lead\">Every release slot, its state and the release that fulfils it.</p>\n<section aria-labelledby=\"calendars\">\n<h2 id=\"calendars\">Calendars</h2>\n<ul class=\"subscribe-list\">\n<li>Every model: <a href=\"");
    h.v(at(site, "webcal"));
    h.s("\">subscribe</a> (<a href=\"");
    h.v(at(site, "url"));
    h.s("\">.ics</a>)</li>\n");
    for c in items(at(calendars, "models")) {
        h.s("<li>");
        h.v(at(c, "title"));
        h.s(": <a href=\"");
        h.v(at(c, "webcal"));
        h.s("\">subscribe</a> (<a href=\"");
        h.v(at(c, "url"));
        h.s("\">.ics</a>)</li>\n");
    }
    h.s("</ul>\n</section>\n");
    let timelines = var(ctx, "timelines");
    if length(timelines) == Some(0) {
        h.s("<p class=\"muted\">No channel has a release schedule.</p>\n");
    }
    for t in items(timelines) {
        let id = at(t, "id");
        h.s("\n<section aria-labelledby=\"");
        h.v(id);
        h.s("\">\n<h2 id=\"");
        h.v(id);
        h.s("\"><a href=\"");
        h.v(at(t, "href"));
        h.s("\">");
        h.v(at(t, "model_title"));
        h.s(" (");
        h.v(at(t, "channel_title"));
        h.s(")</a></h2>\n<p class=\"muted\">A release every ");
        h.v(at(t, "every"));
        h.s(", within ");
        h.v(at(t, "window_days"));
        h.s(" days of its slot; a skip is announced at least ");
        h.v(at(t, "skip_notice_days"));
        h.s(" days ahead.</p>\n<h3>Next slots</h3>\n");
        slot_rows(h, items(at(t, "next")));
        h.s("\n");
        let past = at(t, "past");
        if truthy(past) {
            h.s("<h3>Past slots</h3>\n");
            slot_rows(h, items(past));
            h.s("\n");
        }
        h.s("</section>\n");
    }
    h.s("\n");
}
