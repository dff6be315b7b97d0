//! Every HTML page of the site (SPEC 7), plus `sitemap.xml`, `robots.txt`
//! and the theme's static files, rendered in parallel from the theme's
//! templates.
//!
//! | template | output |
//! |---|---|
//! | `index.html` | `index.html` |
//! | `model.html` | `<model>/index.html` |
//! | `stream.html` | `<model>/<channel>/index.html` |
//! | `release.html` | `<model>/<channel>/<version>/index.html` |
//! | `skip.html` | `<model>/<channel>/skip-<slot>/index.html` |
//! | `line.html` | `<model>/<channel>/<major>.x/index.html` |
//! | `channel.html` | `<channel>/index.html` |
//! | `schedule.html` | `schedule/index.html` |
//! | `page.html` | `<slug>/index.html` |
//! | `404.html` | `404.html` |
//! | `sitemap.xml`, `robots.txt` | the same |
//!
//! Part of the site layer.

use std::collections::HashMap;

use anyhow::{Result, bail};
use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::OutputFile;
use super::catalog::Catalog;
use super::context::{Base, ContentView, Main, PageContext, Pages};
use super::markdown;
use super::theme::Theme;

/// One page to render.
#[derive(Debug, Clone)]
pub enum Job {
    Home,
    Model(String),
    Stream(String, String),
    Release(usize),
    Skip(usize),
    /// A major line's page (an index into the catalog's lines).
    Line(usize),
    Channel(String),
    Schedule,
    Content(usize),
    NotFound,
}

/// The site path of a job's page (`""` for the home page).
fn path_of(pages: &Pages, job: &Job) -> String {
    let c = pages.catalog;
    match job {
        Job::Home => String::new(),
        Job::Model(m) => format!("{m}/"),
        Job::Stream(m, ch) => format!("{m}/{ch}/"),
        Job::Release(i) => c.info[*i].path.clone(),
        Job::Skip(k) => c.skip_path(c.skip(*k)),
        Job::Line(n) => c.lines[*n].path.clone(),
        Job::Channel(ch) => format!("{ch}/"),
        Job::Schedule => "schedule/".into(),
        Job::Content(n) => format!("{}/", pages.pages[*n].slug),
        Job::NotFound => "404.html".into(),
    }
}

/// Every page of the site.
pub fn jobs(pages: &Pages) -> Vec<Job> {
    let c = pages.catalog;
    let mut jobs = vec![Job::Home, Job::Schedule, Job::NotFound];
    jobs.extend(c.config.models.keys().cloned().map(Job::Model));
    jobs.extend(
        c.streams
            .keys()
            .map(|(m, ch)| Job::Stream(m.clone(), ch.clone())),
    );
    jobs.extend((0..c.site.releases.len()).map(Job::Release));
    jobs.extend((0..c.site.skips.len()).map(Job::Skip));
    jobs.extend((0..c.lines.len()).map(Job::Line));
    jobs.extend(c.config.channels.keys().cloned().map(Job::Channel));
    jobs.extend((0..pages.pages.len()).map(Job::Content));
    jobs
}

/// A model's channel page: its template, base and data.
fn stream_page<'p>(
    pages: &'p Pages,
    path: &str,
    model: &'p str,
    channel: &'p str,
) -> (&'static str, Base<'p>, Main<'p>) {
    let config = pages.catalog.config;
    let title = format!(
        "{} ({})",
        config.models[model].title, config.channels[channel].title
    );
    let mut dirs = vec![path.to_string()];
    if let Some(st) = pages.catalog.stream(model, channel) {
        dirs.extend(st.majors.iter().map(|m| format!("{path}{m}.x/")));
    }
    dirs.push(format!("{channel}/"));
    let description = format!(
        "Every {} release of {}, newest first.",
        config.channels[channel].title, config.models[model].title
    );
    let base = pages.base(path, &title, &description, pages.feeds_for(&dirs));
    let main = Main::Stream(Box::new(pages.stream(model, channel)));
    ("stream.html", base, main)
}

/// How long a description made from a page's text may be, in characters
/// (what search results show).
const DESCRIPTION_MAX: usize = 160;

/// The start of `text`, at most `max` characters, cut between words and
/// marked `…` when cut.
fn opening(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out = String::new();
    for word in text.split(' ') {
        if out.chars().count() + word.chars().count() + 2 > max {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.is_empty() {
        out = text.chars().take(max - 1).collect();
    }
    out.push('…');
    out
}

/// A major line's page: its template, base and data.
fn line_page<'p>(pages: &'p Pages, path: &str, n: usize) -> (&'static str, Base<'p>, Main<'p>) {
    let c = pages.catalog;
    let l = &c.lines[n];
    let channel = &c.config.channels[&l.channel];
    let title = format!("{} ({})", c.line_title(n), channel.title);
    let eol = l.eol.map_or("unknown".to_string(), |d| d.to_string());
    let description = format!(
        "{}: {}, end of support {eol}; its releases, downloads and feeds.",
        c.line_title(n),
        l.state.as_str()
    );
    let dirs = [
        path.to_string(),
        format!("{}/{}/", l.model, l.channel),
        format!("{}/", l.channel),
    ];
    let base = pages.base(path, &title, &description, pages.feeds_for(&dirs));
    ("line.html", base, Main::Line(Box::new(pages.line_page(n))))
}

/// The template and the context of one page.
fn context<'p>(pages: &'p Pages, job: &'p Job) -> (&'static str, PageContext<'p>) {
    let c = pages.catalog;
    let config = c.config;
    let path = path_of(pages, job);
    let (template, base, main) = match job {
        Job::Home => {
            let intro = c.site.index.as_ref();
            let base = pages.base(
                &path,
                &config.title,
                &config.description,
                pages.feeds_for(&[]),
            );
            let main = Main::Home {
                intro_html: intro.map(|p| markdown::render(&p.body, &pages.base_path)),
                models: pages.home(),
                channel_feeds: pages.channel_feeds(),
                calendars: pages.calendars(),
            };
            ("index.html", base, main)
        }
        Job::Model(id) => {
            let model = &config.models[id];
            let mut dirs: Vec<String> =
                model.repos.keys().map(|ch| format!("{id}/{ch}/")).collect();
            dirs.push(format!("{id}/candidates/"));
            let description = model
                .description
                .clone()
                .unwrap_or_else(|| format!("Releases of {}", model.title));
            let base = pages.base(&path, &model.title, &description, pages.feeds_for(&dirs));
            ("model.html", base, Main::Model(Box::new(pages.model(id))))
        }
        Job::Stream(model, channel) => stream_page(pages, &path, model, channel),
        Job::Release(i) => {
            let r = c.release(*i);
            let base = pages.base(&path, &c.title(r), &r.summary, pages.release_feeds(*i));
            let main = Main::Release(Box::new(pages.release_view(*i)));
            ("release.html", base, main)
        }
        Job::Skip(k) => {
            let s = c.skip(*k);
            let title = format!(
                "{} ({}): slot {} skipped",
                config.models[&s.model].title, config.channels[&s.channel].title, s.slot
            );
            let dirs = [
                format!("{}/{}/", s.model, s.channel),
                format!("{}/", s.channel),
            ];
            let description = markdown::plain_text(&s.reason);
            let base = pages.base(&path, &title, &description, pages.feeds_for(&dirs));
            ("skip.html", base, Main::Skip(Box::new(pages.skip(*k))))
        }
        Job::Line(n) => line_page(pages, &path, *n),
        Job::Channel(name) => {
            let ch = &config.channels[name];
            let base = pages.base(
                &path,
                &ch.title,
                &ch.description,
                pages.feeds_for(std::slice::from_ref(&path)),
            );
            let main = Main::Channel(Box::new(pages.channel(name)));
            ("channel.html", base, main)
        }
        Job::Schedule => {
            let base = pages.base(
                &path,
                "Schedule",
                "Every release slot, its state and the release that fulfils it.",
                pages.feeds_for(&[]),
            );
            let main = Main::Schedule {
                timelines: pages.schedule(),
                calendars: pages.calendars(),
            };
            ("schedule.html", base, main)
        }
        Job::Content(n) => {
            let p = pages.pages[*n];
            // Without one in its front matter, the page's opening words
            // describe it (search results and link previews show them).
            let description = p
                .description
                .clone()
                .unwrap_or_else(|| opening(&markdown::plain_text(&p.body), DESCRIPTION_MAX));
            let base = pages.base(&path, &p.title, &description, pages.feeds_for(&[]));
            let main = Main::Content(ContentView {
                slug: &p.slug,
                title: &p.title,
                description: p.description.as_deref(),
                weight: p.weight,
                draft: p.draft,
                html: markdown::render(&p.body, &pages.base_path),
            });
            ("page.html", base, main)
        }
        Job::NotFound => {
            let base = pages.base(
                &path,
                "Page not found",
                "There is no page at this address.",
                pages.feeds_for(&[]),
            );
            ("404.html", base, Main::NotFound)
        }
    };
    (template, PageContext { base, main })
}

fn output_path(path: &str) -> String {
    if path.ends_with(".html") {
        path.to_string()
    } else {
        format!("{path}index.html")
    }
}

/// A short content hash for cache-busting a static file's URL.
fn fingerprint(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest[..4].iter().map(|b| format!("{b:02x}")).collect()
}

/// Every page, `sitemap.xml`, `robots.txt` and the static files.
pub fn render(catalog: &Catalog, theme: &Theme, drafts: bool) -> Result<Vec<OutputFile>> {
    let out = std::sync::Mutex::new(Vec::new());
    render_to(catalog, theme, drafts, &|f| {
        out.lock().unwrap_or_else(|e| e.into_inner()).push(f);
        Ok(())
    })?;
    Ok(out.into_inner().unwrap_or_else(|e| e.into_inner()))
}

/// Where [`render_jobs`] puts each page as soon as it is rendered.
pub type Emit<'e> = dyn Fn(OutputFile) -> Result<()> + Sync + 'e;

/// Every page, `sitemap.xml`, `robots.txt` and the static files, each
/// passed to `emit` as soon as it is rendered.
pub fn render_to(catalog: &Catalog, theme: &Theme, drafts: bool, emit: &Emit) -> Result<()> {
    render_some(catalog, theme, drafts, &|_| true, emit)
}

fn render_some(
    catalog: &Catalog,
    theme: &Theme,
    drafts: bool,
    keep: &(dyn Fn(&str) -> bool + Sync),
    emit: &Emit,
) -> Result<()> {
    let pages = pages_of(catalog, theme, drafts);
    let jobs = jobs(&pages);
    let selected: Vec<Job> = jobs
        .iter()
        .filter(|j| keep(&path_of(&pages, j)))
        .cloned()
        .collect();
    // The sitemap lists every page (100,000 URLs on a large site): made
    // beside the pages, not after them.
    let (rendered, site) = rayon::join(
        || render_jobs(&pages, theme, &selected, emit),
        || site_files(&pages, theme, &jobs, emit),
    );
    rendered?;
    site
}

fn pages_of<'c, 'a>(catalog: &'c Catalog<'a>, theme: &Theme, drafts: bool) -> Pages<'c, 'a> {
    let style = theme.statics.get("style.css").map(|b| fingerprint(b));
    let base_path = catalog.config.base_path().to_string();
    let style_href = match style {
        Some(h) => format!("{base_path}static/style.css?v={h}"),
        None => format!("{base_path}static/style.css"),
    };
    Pages::new(catalog, drafts, style_href)
}

/// Only the pages `keep` accepts, nothing else (for `cadence serve`, which
/// re-renders what a change touches and the sitemap after it).
pub fn render_only(
    catalog: &Catalog,
    theme: &Theme,
    drafts: bool,
    keep: &(dyn Fn(&str) -> bool + Sync),
) -> Result<Vec<OutputFile>> {
    let pages = pages_of(catalog, theme, drafts);
    let selected: Vec<Job> = jobs(&pages)
        .into_iter()
        .filter(|j| keep(&path_of(&pages, j)))
        .collect();
    let out = std::sync::Mutex::new(Vec::new());
    render_jobs(&pages, theme, &selected, &|f| {
        out.lock().unwrap_or_else(|e| e.into_inner()).push(f);
        Ok(())
    })?;
    Ok(out.into_inner().unwrap_or_else(|e| e.into_inner()))
}

/// `sitemap.xml` alone.
pub fn render_sitemap(catalog: &Catalog, theme: &Theme, drafts: bool) -> Result<OutputFile> {
    let pages = pages_of(catalog, theme, drafts);
    let jobs = jobs(&pages);
    sitemap(&pages, theme, &jobs)
}

/// One URL of `sitemap.xml`.
#[derive(Serialize)]
struct SitemapUrl {
    loc: String,
    lastmod: Option<String>,
}

/// `sitemap.xml`: every page but 404, with the date it last changed.
fn sitemap(pages: &Pages, theme: &Theme, jobs: &[Job]) -> Result<OutputFile> {
    let catalog = pages.catalog;
    let mut urls: Vec<SitemapUrl> = jobs
        .iter()
        .filter(|j| !matches!(j, Job::NotFound))
        .map(|job| SitemapUrl {
            loc: catalog.url(&path_of(pages, job)),
            lastmod: match job {
                Job::Release(i) => Some(
                    catalog
                        .updated(super::catalog::feed::Entry::Release(*i))
                        .to_string(),
                ),
                Job::Skip(k) => Some(catalog.skip(*k).announced.to_string()),
                _ => None,
            },
        })
        .collect();
    urls.sort_by(|a, b| a.loc.cmp(&b.loc));
    let mut ctx = tera::Context::new();
    ctx.insert("urls", &urls);
    Ok(OutputFile::new(
        "sitemap.xml",
        theme.render("sitemap.xml", &ctx)?,
    ))
}

/// The sitemap, robots.txt and the static files.
fn site_files(pages: &Pages, theme: &Theme, jobs: &[Job], emit: &Emit) -> Result<()> {
    let catalog = pages.catalog;
    emit(sitemap(pages, theme, jobs)?)?;
    let mut ctx = tera::Context::new();
    ctx.insert("sitemap", &catalog.url("sitemap.xml"));
    ctx.insert("base_path", catalog.config.base_path());
    emit(OutputFile::new(
        "robots.txt",
        theme.render("robots.txt", &ctx)?,
    ))?;
    for (path, bytes) in &theme.statics {
        emit(OutputFile::new(format!("static/{path}"), bytes.clone()))?;
    }
    Ok(())
}

/// Where a page is in the site navigation, which is all `nav.html` is
/// told of the page: `current`, the page's path when it is the home page
/// or a page the navigation links; `section`, the model page a deeper page
/// is under.
#[derive(Serialize, Clone, PartialEq, Eq, Hash)]
struct NavPlace {
    current: Option<String>,
    section: Option<String>,
}

fn nav_place(pages: &Pages, path: &str) -> NavPlace {
    let config = pages.catalog.config;
    let models = config.models.keys().map(|m| format!("{m}/"));
    let linked = path.is_empty()
        || path == "schedule/"
        || models.clone().any(|m| m == path)
        || config
            .channels
            .keys()
            .any(|c| path.strip_suffix('/') == Some(c))
        || pages
            .pages
            .iter()
            .any(|p| path.strip_suffix('/') == Some(&p.slug));
    NavPlace {
        current: linked.then(|| path.to_string()),
        section: models
            .into_iter()
            .find(|m| path.starts_with(m.as_str()) && path != m),
    }
}

/// `nav.html` for each place the `jobs` are in, and `footer.html`: the
/// parts of every page that are the same on many, rendered once each.
fn fragments(
    pages: &Pages,
    theme: &Theme,
    jobs: &[Job],
) -> Result<(HashMap<NavPlace, String>, String)> {
    let mut navs = HashMap::new();
    for job in jobs {
        let place = nav_place(pages, &path_of(pages, job));
        if let std::collections::hash_map::Entry::Vacant(slot) = navs.entry(place) {
            let mut ctx = pages.shared();
            ctx.insert("current", &slot.key().current);
            ctx.insert("section", &slot.key().section);
            slot.insert(theme.render("nav.html", &ctx)?);
        }
    }
    let mut ctx = pages.shared();
    ctx.insert("feed", &pages.feed(""));
    Ok((navs, theme.render("footer.html", &ctx)?))
}

/// Render `jobs` in parallel, each page passed to `emit` as soon as it is
/// rendered; the first error in the order of `jobs` is returned. Each
/// rendering thread keeps one tera context holding what every page
/// shares, and puts only each page's own variables into it.
pub fn render_jobs(pages: &Pages, theme: &Theme, jobs: &[Job], emit: &Emit) -> Result<()> {
    let (navs, footer) = fragments(pages, theme, jobs)?;
    let mut shared = pages.shared();
    shared.insert("footer_html", &footer);
    let results: Vec<Result<()>> = jobs
        .par_iter()
        .map_init(
            || shared.clone(),
            |ctx, job| {
                let path = path_of(pages, job);
                let (template, page) = context(pages, job);
                let mut keys = page
                    .fill(ctx)
                    .map_err(|e| anyhow::anyhow!("the data of {template}: {e}"))?;
                ctx.insert("nav_html", &navs[&nav_place(pages, &path)]);
                keys.push("nav_html");
                let html = theme.render(template, ctx);
                for key in keys {
                    ctx.remove(key);
                }
                emit(OutputFile::new(output_path(&path), html?))
            },
        )
        .collect();
    results.into_iter().collect()
}

/// Sort files by path (a leading `/` dropped) and refuse two files at one
/// path.
pub fn finish(mut files: Vec<OutputFile>) -> Result<Vec<OutputFile>> {
    for f in &mut files {
        if f.path.starts_with('/') {
            f.path = f.path.trim_start_matches('/').to_string();
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    for w in files.windows(2) {
        if w[0].path == w[1].path {
            bail!(
                "two outputs would be written to {}: a file under content/ or the theme's \
                 static/ has the path of another output; rename one of them",
                w[0].path
            );
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finish_sorts_normalises_and_refuses_duplicates() {
        let files = finish(vec![
            OutputFile::new("b.xml", "b"),
            OutputFile::new("/a/atom.xml", "a"),
        ])
        .unwrap();
        let paths: Vec<_> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["a/atom.xml", "b.xml"]);
        let err = finish(vec![
            OutputFile::new("atom.xml", "1"),
            OutputFile::new("/atom.xml", "2"),
        ])
        .unwrap_err();
        assert!(err.to_string().contains("atom.xml"));
    }

    #[test]
    fn an_opening_is_cut_between_words() {
        assert_eq!(opening("short text", 20), "short text");
        assert_eq!(opening("one two three four", 12), "one two…");
        assert_eq!(opening("abcdefghijklmnop", 6), "abcde…");
        assert_eq!(opening("ééé ééé ééé", 8).chars().count(), 8);
    }
}
