//! `cadence serve`: build into memory, serve over HTTP, watch the sources,
//! rebuild what a change touches and reload open pages.
//!
//! The site stays loaded between rebuilds: a changed manifest is re-read on
//! its own (not the whole of `releases/`), the rules run over the site in
//! memory, and only output files whose bytes changed are replaced. When a
//! change breaks a rule or a template, the last good build keeps being
//! served with the findings shown over every page.
//!
//! Part of the commands layer.

pub mod http;
pub mod scope;
pub mod watch;

use std::collections::{HashMap, HashSet};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};

use crate::commands::context::Context;
use crate::commands::stages::Stages;
use crate::commands::terminal;
use crate::model::diagnostics::{self, Finding, Severity};
use crate::model::load::{self, LoadError, Site};
use crate::site::catalog::Catalog;
use crate::site::escape::escape;
use crate::site::theme::{Theme, ThemeError};
use crate::site::{OutputFile, api, build, calendar, feeds, pages};
use watch::Change;

/// The loaded site and its last good output.
pub struct Session {
    ctx: Context,
    base_url: String,
    drafts: bool,
    site: Option<Site>,
    theme: Option<Theme>,
    files: Files,
    /// What each release page of the last good build showed.
    signatures: scope::Signatures,
    /// The calendars and the API are behind the pages.
    deferred: bool,
}

/// What a rebuild did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Findings (errors mean the build was kept as it was).
    pub findings: Vec<Finding>,
    /// A failure that is not a finding (a template or I/O error).
    pub failure: Option<String>,
    /// Output files added, changed or removed.
    pub changed: usize,
    pub elapsed: Duration,
    /// Whether the calendars and the API are still to be rendered
    /// ([`Session::finish`]).
    pub deferred: bool,
}

impl Outcome {
    pub fn failed(&self) -> bool {
        self.failure.is_some() || self.findings.iter().any(|f| f.severity == Severity::Error)
    }
}

impl Session {
    pub fn new(ctx: &Context, base_url: String, drafts: bool) -> Session {
        Session {
            ctx: ctx.clone(),
            base_url,
            drafts,
            site: None,
            theme: None,
            files: HashMap::new(),
            signatures: scope::Signatures::new(),
            deferred: false,
        }
    }

    /// The files of the last good build.
    pub fn files(&self) -> &Files {
        &self.files
    }

    fn load_all(&mut self) -> Result<(), Outcome> {
        match load::load(&self.ctx.root) {
            Ok(mut site) => {
                site.config
                    .set_base_url(&self.base_url)
                    .map_err(|e| failure(format!("base URL {}: {e}", self.base_url)))?;
                self.site = Some(site);
                self.theme = None;
                Ok(())
            }
            Err(LoadError::Config(findings)) => {
                self.site = None;
                Err(Outcome {
                    findings,
                    ..Outcome::default()
                })
            }
            Err(LoadError::Io(e)) => {
                self.site = None;
                Err(failure(format!("{e:#}")))
            }
        }
    }

    /// Apply a change to the sources and rebuild; `None` rebuilds everything.
    pub fn rebuild(&mut self, change: Option<&Change>) -> Outcome {
        let started = Instant::now();
        let mut outcome = match self.update(change) {
            Ok(o) | Err(o) => o,
        };
        outcome.elapsed = started.elapsed();
        outcome
    }

    fn update(&mut self, change: Option<&Change>) -> Result<Outcome, Outcome> {
        let full = change.is_none_or(|c| c.config) || self.site.is_none();
        if full {
            self.load_all()?;
        } else if let (Some(change), Some(site)) = (change, self.site.as_mut()) {
            if !change.manifests.is_empty() {
                load::reload_manifests(site, &change.manifests);
            }
            if change.content {
                load::reload_content(site);
            }
            if change.theme {
                self.theme = None;
            }
        }
        let site = self.site.as_ref().expect("loaded above");
        let mut stages = Stages::new(self.ctx.verbose, "rebuild");
        stages.mark("load");
        // The rules and the catalog both read the site: side by side. The
        // catalog is dropped if the rules find an error.
        let today = self.ctx.today;
        let (findings, catalog) = rayon::join(
            || crate::model::rules::check(site, today),
            || Catalog::new(site, today),
        );
        stages.mark("rules and catalog");
        if findings.iter().any(|f| f.severity == Severity::Error) {
            return Err(Outcome {
                findings,
                ..Outcome::default()
            });
        }
        if self.theme.is_none() {
            let theme = Theme::load(&self.ctx.root, &site.config.theme).map_err(|e| match e {
                ThemeError::Templates(findings) => Outcome {
                    findings,
                    ..Outcome::default()
                },
                ThemeError::Io(e) => failure(format!("{e:#}")),
            })?;
            self.theme = Some(theme);
        }
        let theme = self.theme.as_ref().expect("loaded above");
        // Only manifests changed, and the last build is good: render what
        // they touch. Anything else renders everything.
        let scope = change
            .filter(|c| !full && !c.theme && !c.content && !self.files.is_empty())
            .and_then(|c| scope::of_change(&catalog, &self.signatures, &c.manifests));
        let changed = match &scope {
            Some(scope) => {
                let keep = |p: &str| scope.pages.contains(p);
                let (files, feed_files) = rayon::join(
                    || pages::render_only(&catalog, theme, self.drafts, &keep),
                    || feeds::render_feeds(&catalog, &|d| scope.feeds.contains(d)),
                );
                let mut files = files.map_err(|e| failure(format!("{e:#}")))?;
                files.extend(feed_files);
                stages.mark("pages and feeds");
                // The calendars, the JSON API and the sitemap cover the whole
                // site and are not what an open page shows: they follow right
                // after the pages are served (`finish`).
                self.deferred = true;
                let produced: HashSet<String> = files.iter().map(|f| f.path.clone()).collect();
                let gone = scope::gone(&catalog, scope, self.files.keys());
                let gone: Vec<String> =
                    gone.into_iter().filter(|p| !produced.contains(p)).collect();
                patch(&mut self.files, files, &gone)
            }
            None => {
                let rendered = build::render_site(&catalog, theme, self.drafts)
                    .map_err(|e| failure(format!("{e:#}")))?;
                stages.mark("render");
                let assets =
                    build::content_assets(&self.ctx.root).map_err(|e| failure(format!("{e:#}")))?;
                let files =
                    build::with_assets(rendered, assets).map_err(|e| failure(format!("{e:#}")))?;
                replace(&mut self.files, files)
            }
        };
        match &scope {
            Some(scope) => scope::update_signatures(&mut self.signatures, &catalog, &scope.streams),
            None => self.signatures = scope::signatures(&catalog),
        }
        stages.mark("swap");
        stages.print();
        Ok(Outcome {
            findings,
            changed,
            deferred: self.deferred,
            ..Outcome::default()
        })
    }

    /// Render what a fast rebuild deferred: the calendars, the JSON API and
    /// the sitemap.
    /// Returns how many files changed.
    pub fn finish(&mut self) -> usize {
        if !std::mem::take(&mut self.deferred) {
            return 0;
        }
        let Some(site) = self.site.as_ref() else {
            return 0;
        };
        let catalog = Catalog::new(site, self.ctx.today);
        let (calendars, api) = rayon::join(|| calendar::render(&catalog), || api::render(&catalog));
        let mut files: Vec<OutputFile> = calendars.into_iter().chain(api).collect();
        if let Some(theme) = &self.theme {
            match pages::render_sitemap(&catalog, theme, self.drafts) {
                Ok(f) => files.push(f),
                Err(e) => terminal::error(&format!("{e:#}")),
            }
        }
        // The API is rendered whole: a file it no longer has (the
        // `latest.json` of a vanished major line) is gone.
        let produced: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
        let gone: Vec<String> = self
            .files
            .keys()
            .filter(|p| p.starts_with("api/") && !produced.contains(p.as_str()))
            .cloned()
            .collect();
        patch(&mut self.files, files, &gone)
    }
}

/// The files served, by output path.
type Files = HashMap<String, Arc<Vec<u8>>>;

/// Put rendered files over the last build and remove `gone`; returns how
/// many files changed.
fn patch(current: &mut Files, files: Vec<OutputFile>, gone: &[String]) -> usize {
    let mut changed = 0;
    for f in files {
        if current.get(&f.path).is_none_or(|old| **old != f.bytes) {
            changed += 1;
            current.insert(f.path, Arc::new(f.bytes));
        }
    }
    for path in gone {
        changed += usize::from(current.remove(path).is_some());
    }
    changed
}

/// Take a whole new build, keeping the old allocation of every file whose
/// bytes did not change; returns how many changed.
fn replace(current: &mut Files, files: Vec<OutputFile>) -> usize {
    let mut next = HashMap::with_capacity(files.len());
    let mut changed = 0;
    for f in files {
        match current.remove(&f.path) {
            Some(old) if *old == f.bytes => {
                next.insert(f.path, old);
            }
            _ => {
                changed += 1;
                next.insert(f.path, Arc::new(f.bytes));
            }
        }
    }
    changed += current.len();
    *current = next;
    changed
}

fn failure(message: String) -> Outcome {
    Outcome {
        failure: Some(message),
        ..Outcome::default()
    }
}

/// Inline style of code in the overlay, so that no theme's colours make it
/// unreadable.
const CODE: &str = " style=\"color:#ffd8a8;background:#2e2e2e;padding:0 .25em;font:13px/1.4 ui-monospace,monospace;white-space:pre-wrap\"";

/// The error overlay shown over every page while the last build failed.
pub fn overlay(outcome: &Outcome) -> Option<String> {
    if !outcome.failed() {
        return None;
    }
    let mut items = String::new();
    if let Some(f) = &outcome.failure {
        items.push_str(&format!("<li><pre{CODE}>{}</pre></li>", escape(f)));
    }
    for f in outcome
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
    {
        let at = match (f.line, f.column) {
            (Some(l), Some(c)) => format!("{}:{l}:{c}", f.file),
            (Some(l), None) => format!("{}:{l}", f.file),
            _ => f.file.clone(),
        };
        let help = f
            .help
            .as_ref()
            .map(|h| format!("<br><small>help: {}</small>", escape(h)))
            .unwrap_or_default();
        items.push_str(&format!(
            "<li><code{CODE}>error[{}]</code> <code{CODE}>{}</code><br>{}{help}</li>",
            escape(f.code),
            escape(&at),
            escape(&f.message)
        ));
    }
    Some(format!(
        concat!(
            "<div id=\"cadence-overlay\" role=\"alert\" style=\"position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;",
            "z-index:2147483647;background:#1e1e1e;color:#f5f5f5;font:14px/1.5 system-ui,sans-serif;padding:1em 1.5em;",
            "border-top:4px solid #e5484d;box-shadow:0 -4px 16px rgba(0,0,0,.4)\">",
            "<strong>cadence: the last change does not build; this is the last good build.</strong>",
            "<ul style=\"margin:.5em 0 0;padding-left:1.2em\">{}</ul></div>"
        ),
        items
    ))
}

/// The URL host for a bind address (`0.0.0.0` is reached as `127.0.0.1`).
fn url_host(bind: &str) -> String {
    match bind {
        "0.0.0.0" => "127.0.0.1".into(),
        "::" | "[::]" => "[::1]".into(),
        b if b.contains(':') && !b.starts_with('[') => format!("[{b}]"),
        b => b.into(),
    }
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let _ = std::process::Command::new(opener)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
}

fn report(ctx: &Context, outcome: &Outcome) {
    if let Some(f) = &outcome.failure {
        terminal::error(f);
    }
    if !outcome.findings.is_empty() {
        ctx.report(&outcome.findings, diagnostics::Format::Human, true);
    }
}

pub fn run(ctx: &Context, args: &crate::commands::cli::ServeArgs) -> Result<ExitCode> {
    let listener = http::bind(&args.bind, args.port)?;
    let port = listener
        .local_addr()
        .context("reading the bound address")?
        .port();
    let base_url = format!("http://{}:{port}/", url_host(&args.bind));

    let mut session = Session::new(ctx, base_url.clone(), args.drafts);
    let first = session.rebuild(None);
    report(ctx, &first);
    let shared = http::Shared::new(http::State {
        files: session.files().clone(),
        overlay: overlay(&first),
        generation: 0,
    });
    let watcher = watch::SourceWatcher::new(&ctx.root)?;

    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = Arc::clone(&stop);
        // A second handler cannot be set in one process; that only happens
        // in tests that call `run` twice, where Ctrl-C is not used.
        let _ = ctrlc::set_handler(move || stop.store(true, Ordering::SeqCst));
    }
    let server = {
        let (shared, stop) = (Arc::clone(&shared), Arc::clone(&stop));
        std::thread::spawn(move || http::serve(listener, shared, stop))
    };
    if !ctx.quiet {
        terminal::out_line(&format!(
            "serving {} at {base_url} ({} files, built in {} ms); Ctrl-C to stop",
            ctx.root.display(),
            session.files().len(),
            first.elapsed.as_millis()
        ));
    }
    if args.open {
        open_browser(&base_url);
    }

    while !stop.load(Ordering::SeqCst) {
        let Some(change) = watcher.next(Duration::from_millis(200), Duration::from_millis(15))
        else {
            continue;
        };
        let outcome = session.rebuild(Some(&change));
        report(ctx, &outcome);
        let settled = std::time::Instant::now();
        let generation = {
            let mut state = shared.state.write().expect("no panics hold this lock");
            if !outcome.failed() {
                state.files = session.files().clone();
            }
            state.overlay = overlay(&outcome);
            state.generation += 1;
            state.generation
        };
        shared.reload(generation);
        if ctx.verbose
            && let Some(since) = change.since
        {
            terminal::line(&format!(
                "served {:.1} ms after the first event (publish {:.1} ms)",
                since.elapsed().as_secs_f64() * 1000.0,
                settled.elapsed().as_secs_f64() * 1000.0
            ));
        }
        if outcome.deferred && session.finish() > 0 {
            let mut state = shared.state.write().expect("no panics hold this lock");
            state.files = session.files().clone();
        }
        if !ctx.quiet {
            if outcome.failed() {
                terminal::out_line(&format!(
                    "rebuild failed in {} ms; serving the last good build",
                    outcome.elapsed.as_millis()
                ));
            } else {
                terminal::out_line(&format!(
                    "rebuilt in {} ms: {} files changed",
                    outcome.elapsed.as_millis(),
                    outcome.changed
                ));
            }
        }
    }
    let _ = server.join();
    if !ctx.quiet {
        terminal::out_line("stopped");
    }
    Ok(ExitCode::SUCCESS)
}
