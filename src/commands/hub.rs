//! What the Hub commands (`hf-sync`, `verify`) share: the check of
//! `--model` and `--channel`, the endpoint and the client with its notices
//! (requests and redirects with `-v`, retries as warnings) going to the
//! terminal's progress.
//!
//! Part of the commands layer.

use anyhow::{Result, anyhow, bail};

use crate::commands::context::Context;
use crate::commands::hf::error::seconds;
use crate::commands::hf::{self, Client, Endpoint, Notice};
use crate::commands::status::failed;
use crate::commands::terminal::Progress;
use crate::model::config::Config;
use crate::model::diagnostics::suggest;

/// An error (exit 2) when `--model` or `--channel` is not in the config.
pub(super) fn check_selection(
    config: &Config,
    model: Option<&str>,
    channel: Option<&str>,
) -> Result<()> {
    if let Some(m) = model
        && !config.models.contains_key(m)
    {
        let hint = suggest(m, config.models.keys().map(String::as_str))
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        bail!(
            "`{m}` is not a model in cadence.toml{hint}; models: {}",
            names(config.models.keys())
        );
    }
    if let Some(c) = channel
        && !config.channels.contains_key(c)
    {
        let hint = suggest(c, config.channels.keys().map(String::as_str))
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        bail!(
            "`{c}` is not a channel in cadence.toml{hint}; channels: {}",
            names(config.channels.keys())
        );
    }
    Ok(())
}

/// `a, b, c`.
fn names<'a>(names: impl Iterator<Item = &'a String>) -> String {
    names.map(String::as_str).collect::<Vec<_>>().join(", ")
}

/// The endpoint from `--endpoint`, `HF_ENDPOINT` or the default, checked
/// before any request: http(s), no credentials, no query; a refused one is
/// shown redacted (exit 2).
pub(super) fn endpoint(flag: Option<&str>) -> Result<Endpoint> {
    Endpoint::parse(&hf::resolve_endpoint(flag)).map_err(|e| anyhow!("{e}"))
}

/// The one Hub client, its notices going to `progress`; with `-v`, a line
/// saying what is about to be done (`what`), where, and whether with a token.
pub(super) fn client(
    ctx: &Context,
    endpoint: &Endpoint,
    token: Option<String>,
    progress: &Progress,
    what: &str,
) -> Result<Client> {
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
        Err(e @ hf::HubError::BadEndpoint(_)) => return Err(e.into()),
        Err(e) => return Err(failed(e)),
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
