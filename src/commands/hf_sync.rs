//! `cadence hf-sync`: make each channel repo's tags on the Hugging Face Hub
//! match the manifests (SPEC 9).
//!
//! stdout holds the plan as a table and, last, the counts line; stderr holds
//! errors, retries and progress (a bar on a terminal, plain lines
//! otherwise). The token is never printed, nor credentials in the endpoint:
//! an endpoint with any is refused before a request (exit 2), shown
//! redacted.
//!
//! Part of the commands layer.

use std::collections::BTreeSet;
use std::process::ExitCode;

use anyhow::{Result, bail};

use super::hub;
use crate::commands::cli::HfSyncArgs;
use crate::commands::context::Context;
use crate::commands::hf;
use crate::commands::hf::sync::{self, Event, Options};
use crate::commands::status::Status;
use crate::commands::terminal::{self, Progress};

pub fn run(ctx: &Context, args: &HfSyncArgs) -> Result<ExitCode> {
    let (site, _) = ctx.load_checked()?;
    let config = &site.config;
    hub::check_selection(config, args.model.as_deref(), args.channel.as_deref())?;
    let endpoint = hub::endpoint(args.endpoint.as_deref())?;
    let token = hf::resolve_token();
    if args.apply && token.is_none() {
        bail!(
            "`hf-sync --apply` needs a Hugging Face token with write access to the repos, and none was found\n\
             help: set HF_TOKEN (in CI, from a secret), or log in with `hf auth login`; \
             cadence also reads HUGGING_FACE_HUB_TOKEN, HF_TOKEN_PATH and $HF_HOME/token"
        );
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
        bail!("nothing to sync: {what} (see [models.*.repos] in cadence.toml)");
    }
    let wanted = hf::wanted_tags(config, &site.releases);

    let progress = Progress::new(ctx.quiet, ctx.color_for(true));
    let client = hub::client(
        ctx,
        &endpoint,
        token,
        &progress,
        &format!("hf-sync: {} repo(s)", repos.len()),
    )?;

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
        terminal::out(&sync::render_table(&plans, opts));
    }
    let counts = if opts.apply {
        sync::apply(&client, &plans, opts, &on)
    } else {
        sync::count(&plans, opts)
    };
    progress.finish();
    if !opts.apply && counts.changes() > 0 && !ctx.quiet {
        terminal::line("dry run: nothing was changed; run with --apply to make these changes");
    }
    terminal::out_line(&counts.to_string());
    Ok(if counts.clean() {
        Status::Success
    } else {
        Status::Failure
    }
    .into())
}
