//! What the Hub commands (`hf-sync`, `verify`) share: the check of
//! `--model` and `--channel`, the endpoint and the client with its notices
//! (requests and redirects with `-v`, retries as warnings), and progress on
//! stderr.

use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use super::{Context, FAILURE, USAGE};
use crate::commands::hf::error::seconds;
use crate::commands::hf::sync::Event;
use crate::commands::hf::{self, Client, Endpoint, Notice};
use crate::model::config::Config;
use crate::model::diagnostics::suggest;

/// `Err(2)`, said on stderr, when `--model` or `--channel` is not in the
/// config.
pub(super) fn check_selection(
    config: &Config,
    model: Option<&str>,
    channel: Option<&str>,
) -> Result<(), u8> {
    if let Some(m) = model
        && !config.models.contains_key(m)
    {
        let hint = suggest(m, config.models.keys().map(String::as_str))
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        eprintln!("error: `{m}` is not a model in cadence.toml{hint}");
        return Err(USAGE);
    }
    if let Some(c) = channel
        && !config.channels.contains_key(c)
    {
        let hint = suggest(c, config.channels.keys().map(String::as_str))
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        eprintln!("error: `{c}` is not a channel in cadence.toml{hint}");
        return Err(USAGE);
    }
    Ok(())
}

/// The endpoint from `--endpoint`, `HF_ENDPOINT` or the default, checked
/// before any request: http(s), no credentials, no query; a refused one is
/// shown redacted (exit 2).
pub(super) fn endpoint(flag: Option<&str>) -> Result<Endpoint, u8> {
    Endpoint::parse(&hf::resolve_endpoint(flag)).map_err(|e| {
        eprintln!("error: {e}");
        USAGE
    })
}

/// The one Hub client, its notices going to `progress`; with `-v`, a line
/// saying what is about to be done (`what`), where, and whether with a token.
pub(super) fn client(
    ctx: &Context,
    endpoint: &Endpoint,
    token: Option<String>,
    progress: &Progress,
    what: &str,
) -> Result<Client, u8> {
    if ctx.verbose {
        let who = if token.as_deref().is_some_and(|t| !t.is_empty()) {
            "with a token"
        } else {
            "without a token"
        };
        progress.line(&format!("{what} on {endpoint}, {who}"));
    }
    let notices = progress.clone();
    let verbose = ctx.verbose;
    let client = match Client::new(endpoint.as_str(), token) {
        Ok(c) => c,
        Err(e @ hf::HubError::BadEndpoint(_)) => {
            eprintln!("error: {e}");
            return Err(USAGE);
        }
        Err(e) => {
            eprintln!("error: {e}");
            return Err(FAILURE);
        }
    };
    Ok(client.on_notice(move |n| match n {
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
    }))
}

/// Progress and messages on stderr: a bar on a terminal, plain lines
/// otherwise; nothing but errors with `--quiet`. Cloned into the client's
/// notice callback, so the bar is shared.
#[derive(Clone)]
pub(super) struct Progress {
    bar: Arc<Mutex<Option<ProgressBar>>>,
    terminal: bool,
    quiet: bool,
    color: bool,
}

impl Progress {
    pub(super) fn new(ctx: &Context) -> Progress {
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
    pub(super) fn line(&self, text: &str) {
        let guard = self.bar.lock().unwrap_or_else(|e| e.into_inner());
        match guard.as_ref() {
            Some(bar) => bar.suspend(|| eprintln!("{text}")),
            None => eprintln!("{text}"),
        }
    }

    pub(super) fn error(&self, text: &str) {
        let label = if self.color {
            "\x1b[1;31merror\x1b[0m"
        } else {
            "error"
        };
        self.line(&format!("{label}: {text}"));
    }

    pub(super) fn warn(&self, text: &str) {
        if !self.quiet {
            let label = if self.color {
                "\x1b[1;33mwarning\x1b[0m"
            } else {
                "warning"
            };
            self.line(&format!("{label}: {text}"));
        }
    }

    pub(super) fn event(&self, event: Event) {
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
    pub(super) fn finish(&self) {
        if let Some(bar) = self.bar.lock().unwrap_or_else(|e| e.into_inner()).take() {
            bar.finish_and_clear();
        }
    }
}
