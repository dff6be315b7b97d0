//! `cadence hf-sync`: make each channel repo's tags on the Hugging Face Hub
//! match the manifests (SPEC 9).
//!
//! stdout holds the plan as a table and, last, the counts line; stderr holds
//! errors, retries and progress (a bar on a terminal, plain lines
//! otherwise). The token is never printed, nor credentials in the endpoint:
//! an endpoint with any is refused before a request (exit 2), shown
//! redacted.

use std::collections::BTreeSet;

use anyhow::Result;

use super::hub::{self, Progress};
use super::{Context, FAILURE, SUCCESS, USAGE};
use crate::commands::cli::HfSyncArgs;
use crate::commands::hf;
use crate::commands::hf::sync::{self, Event, Options};

pub fn run(ctx: &Context, args: &HfSyncArgs) -> Result<u8> {
    let (site, _) = match ctx.load_checked() {
        Ok(s) => s,
        Err(code) => return Ok(code),
    };
    let config = &site.config;
    if let Err(code) = hub::check_selection(config, args.model.as_deref(), args.channel.as_deref())
    {
        return Ok(code);
    }
    let endpoint = match hub::endpoint(args.endpoint.as_deref()) {
        Ok(e) => e,
        Err(code) => return Ok(code),
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
    let client = match hub::client(
        ctx,
        &endpoint,
        token,
        &progress,
        &format!("hf-sync: {} repo(s)", repos.len()),
    ) {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };

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
