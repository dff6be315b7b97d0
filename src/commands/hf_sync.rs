//! `cadence hf-sync`: make each channel repo's tags on the Hugging Face Hub
//! match the manifests (SPEC 9).
//!
//! stdout holds the plan as a table and, last, the counts line; stderr holds
//! errors, retries and progress (a bar on a terminal, plain lines
//! otherwise). The token is never printed, nor credentials in the endpoint:
//! an endpoint with any is refused before a request (exit 2), shown
//! redacted.

use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Result;
use indicatif::{ProgressBar, ProgressStyle};

use super::{Context, FAILURE, SUCCESS, USAGE};
use crate::cli::HfSyncArgs;
use crate::diagnostics::suggest;
use crate::hf::error::seconds;
use crate::hf::sync::{self, Event, Options};
use crate::hf::{self, Client, Notice};

pub fn run(ctx: &Context, args: &HfSyncArgs) -> Result<u8> {
    let (site, _) = match ctx.load_checked() {
        Ok(s) => s,
        Err(code) => return Ok(code),
    };
    let config = &site.config;
    if let Some(m) = &args.model
        && !config.models.contains_key(m)
    {
        let hint = suggest(m, config.models.keys().map(String::as_str))
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        eprintln!("error: `{m}` is not a model in cadence.toml{hint}");
        return Ok(USAGE);
    }
    if let Some(c) = &args.channel
        && !config.channels.contains_key(c)
    {
        let hint = suggest(c, config.channels.keys().map(String::as_str))
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        eprintln!("error: `{c}` is not a channel in cadence.toml{hint}");
        return Ok(USAGE);
    }

    // Checked before any request: http(s), no credentials, no query; a
    // refused endpoint is shown redacted.
    let endpoint = match hf::Endpoint::parse(&hf::resolve_endpoint(args.endpoint.as_deref())) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(USAGE);
        }
    };
    let token = hf::resolve_token();
    if args.apply && token.is_none() {
        eprintln!(
            "error: `hf-sync --apply` needs a Hugging Face token with write access to the repos, and none was found\n\
             help: set HF_TOKEN (in CI, from a secret), or log in with `hf auth login`; \
             cadence also reads HUGGING_FACE_HUB_TOKEN, HF_TOKEN_PATH and $HF_HOME/token"
        );
        return Ok(USAGE);
    }

    // The channel repos of the selected models and channels, never artifact repos.
    let selected_pair = |model: &str, channel: &str| {
        args.model.as_deref().is_none_or(|m| m == model)
            && args.channel.as_deref().is_none_or(|c| c == channel)
    };
    let repos: Vec<String> = config
        .models
        .iter()
        .flat_map(|(m, model)| {
            model
                .repos
                .iter()
                .filter(|(c, _)| selected_pair(m, c))
                .map(|(_, repo)| repo.clone())
        })
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if repos.is_empty() {
        let what = match (&args.model, &args.channel) {
            (Some(m), Some(c)) => format!("model `{m}` does not publish on channel `{c}`"),
            _ => "no model publishes on a channel repo".to_string(),
        };
        eprintln!("error: nothing to sync: {what} (see [models.*.repos] in cadence.toml)");
        return Ok(USAGE);
    }
    let wanted = hf::wanted_tags(config, &site.releases);

    let progress = Progress::new(ctx);
    let notices = progress.clone();
    let verbose = ctx.verbose;
    let client = match Client::new(endpoint.as_str(), token) {
        Ok(c) => c,
        Err(e @ hf::HubError::BadEndpoint(_)) => {
            eprintln!("error: {e}");
            return Ok(USAGE);
        }
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(FAILURE);
        }
    }
    .on_notice(move |n| match n {
        Notice::Request { method, url } if verbose => notices.line(&format!("{method} {url}")),
        Notice::Redirect {
            method,
            status,
            from,
            to,
            token,
        } if verbose => {
            let with = match token {
                Some(true) => " with the token",
                Some(false) => " without the token",
                None => "",
            };
            notices.line(&format!(
                "{method} {from} redirected ({status}) to {to}{with}"
            ))
        }
        Notice::Request { .. } | Notice::Redirect { .. } => {}
        Notice::Retry {
            method,
            url,
            reason,
            wait,
            attempt,
            attempts,
        } => notices.warn(&format!(
            "{reason} to {method} {url}; retrying in {} (attempt {} of {attempts})",
            seconds(*wait),
            attempt + 1
        )),
    });
    if ctx.verbose {
        let who = if client.has_token() {
            "with a token"
        } else {
            "without a token"
        };
        progress.line(&format!(
            "hf-sync: {} repo(s) on {endpoint}, {who}",
            repos.len()
        ));
    }

    let opts = Options {
        apply: args.apply,
        force: args.force,
        prune: args.prune,
    };
    let on = |e: Event| progress.event(e);
    let plans = sync::prepare(
        &client,
        &repos,
        &wanted,
        |w| selected_pair(&w.model, &w.channel),
        opts,
        &on,
    );
    progress.finish();
    if !ctx.quiet {
        print!("{}", sync::render_table(&plans, opts));
    }
    let counts = if opts.apply {
        sync::apply(&client, &plans, opts, &on)
    } else {
        sync::count(&plans, opts)
    };
    progress.finish();
    if !opts.apply && counts.changes() > 0 && !ctx.quiet {
        eprintln!("dry run: nothing was changed; run with --apply to make these changes");
    }
    println!("{counts}");
    Ok(if counts.clean() { SUCCESS } else { FAILURE })
}

/// Progress and messages on stderr: a bar on a terminal, plain lines
/// otherwise; nothing but errors with `--quiet`. Cloned into the client's
/// notice callback, so the bar is shared.
#[derive(Clone)]
struct Progress {
    bar: Arc<Mutex<Option<ProgressBar>>>,
    terminal: bool,
    quiet: bool,
    color: bool,
}

impl Progress {
    fn new(ctx: &Context) -> Progress {
        Progress {
            bar: Arc::new(Mutex::new(None)),
            terminal: !ctx.quiet && std::io::stderr().is_terminal(),
            quiet: ctx.quiet,
            color: ctx.color_for(true),
        }
    }

    fn with_bar(&self, f: impl FnOnce(&ProgressBar)) {
        if let Some(bar) = self.bar.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
            f(bar);
        }
    }

    /// Print a line on stderr without tearing the bar.
    fn line(&self, text: &str) {
        let guard = self.bar.lock().unwrap_or_else(|e| e.into_inner());
        match guard.as_ref() {
            Some(bar) => bar.suspend(|| eprintln!("{text}")),
            None => eprintln!("{text}"),
        }
    }

    fn error(&self, text: &str) {
        let label = if self.color {
            "\x1b[1;31merror\x1b[0m"
        } else {
            "error"
        };
        self.line(&format!("{label}: {text}"));
    }

    fn warn(&self, text: &str) {
        if !self.quiet {
            let label = if self.color {
                "\x1b[1;33mwarning\x1b[0m"
            } else {
                "warning"
            };
            self.line(&format!("{label}: {text}"));
        }
    }

    fn event(&self, event: Event) {
        match event {
            Event::Phase { name, steps } => {
                self.finish();
                if self.terminal && steps > 0 {
                    let bar = ProgressBar::new(steps as u64);
                    if let Ok(style) = ProgressStyle::with_template(
                        "{spinner} {prefix} [{bar:25}] {pos}/{len} {wide_msg}",
                    ) {
                        bar.set_style(style.progress_chars("=> "));
                    }
                    bar.set_prefix(name);
                    bar.enable_steady_tick(Duration::from_millis(120));
                    *self.bar.lock().unwrap_or_else(|e| e.into_inner()) = Some(bar);
                }
            }
            Event::Step(text) => self.with_bar(|bar| {
                bar.inc(1);
                bar.set_message(text);
            }),
            Event::Detail(text) => self.with_bar(|bar| bar.set_message(text)),
            Event::Done(text) => {
                if !self.quiet {
                    self.line(&text);
                }
            }
            Event::Error(text) => self.error(&text),
            Event::Warning(text) => self.warn(&text),
        }
    }

    /// Clear the bar, so that stdout can be written cleanly.
    fn finish(&self) {
        if let Some(bar) = self.bar.lock().unwrap_or_else(|e| e.into_inner()).take() {
            bar.finish_and_clear();
        }
    }
}
