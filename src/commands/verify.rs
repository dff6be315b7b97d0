//! `cadence verify`: check, read-only, that the Hub holds what the
//! manifests promise (SPEC 11), and with `--fill` write what it knows into
//! the manifests.
//!
//! stdout holds one line per item that is not plainly `ok` and, last, the
//! counts line; or, with `--format json`, only the JSON document. stderr
//! holds errors, retries and progress, as for `hf-sync`, whose client,
//! token, endpoint and rules this uses. The paths of the manifests `--fill`
//! changed go to stdout before the counts line (to stderr with JSON).
//!
//! Part of the commands layer.

use std::collections::BTreeMap;
use std::process::ExitCode;

use anyhow::{Result, bail};

use super::hub;
use crate::commands::cli::{ScheduleFormat, VerifyArgs};
use crate::commands::context::Context;
use crate::commands::hf;
use crate::commands::hf::verify::{self, Report, State};
use crate::commands::status::Status;
use crate::commands::terminal::{self, Progress};
use crate::commands::workflow::fill::{self, ArtifactFill, Filled};
use crate::model::diagnostics::for_terminal;
use crate::site::catalog::Catalog;

pub fn run(ctx: &Context, args: &VerifyArgs) -> Result<ExitCode> {
    let (site, _) = ctx.load_checked()?;
    let config = &site.config;
    let (model, channel) = (args.model.as_deref(), args.channel.as_deref());
    hub::check_selection(config, model, channel)?;
    if let (Some(m), Some(c)) = (model, channel)
        && !config.models[m].repos.contains_key(c)
    {
        bail!(
            "nothing to verify: model `{m}` does not publish on channel `{c}` \
             (see [models.*.repos] in cadence.toml)"
        );
    }
    let endpoint = hub::endpoint(args.endpoint.as_deref())?;
    let catalog = Catalog::new(&site, ctx.today);
    let selected =
        |m: &str, c: &str| model.is_none_or(|x| x == m) && channel.is_none_or(|x| x == c);
    let checks = verify::plan(&catalog, selected);

    let progress = Progress::new(ctx.quiet, ctx.color_for(true));
    let client = hub::client(
        ctx,
        &endpoint,
        hf::resolve_token(),
        &progress,
        &format!("verify: {} release(s)", checks.len()),
    )?;
    let report = verify::run(&client, &checks, &|e| progress.event(e));
    progress.finish();

    let json = args.format == ScheduleFormat::Json;
    if json {
        terminal::out_line(&serde_json::to_string_pretty(&report.to_json()).expect("serialisable"));
    } else if !ctx.quiet {
        // Values from the Hub: shown escaped.
        for line in report.items.iter().filter_map(verify::line) {
            terminal::out_line(&for_terminal(&line));
        }
    }
    let mut status = if report.clean() {
        Status::Success
    } else {
        Status::Failure
    };
    if args.fill {
        status = status.max(fill_manifests(ctx, &report, json));
    }
    if !json {
        terminal::out_line(&report.summary().to_string());
    }
    Ok(status.into())
}

/// What `--fill` writes into one artifact: only for an `ok` artifact, the
/// values the manifest lacks and, when unpinned, its commit.
fn fill_of(item: &verify::Item) -> Option<ArtifactFill> {
    if item.state != State::Ok {
        return None;
    }
    let fill = ArtifactFill {
        index: item.artifact?,
        file: item.file.clone()?,
        revision: if item.unpinned {
            item.commit.clone()
        } else {
            None
        },
        size: match item.expected.size {
            None => item.actual.size.filter(|n| *n > 0),
            Some(_) => None,
        },
        sha256: match item.expected.sha256 {
            None => item.actual.sha256.clone(),
            Some(_) => None,
        },
    };
    let anything = fill.revision.is_some() || fill.size.is_some() || fill.sha256.is_some();
    anything.then_some(fill)
}

/// Fill each manifest with an `ok` artifact to fill; print each path
/// changed. The exit status this adds: 1 for a manifest left alone because
/// it cannot be edited safely, 2 for one that cannot be read or written.
fn fill_manifests(ctx: &Context, report: &Report, json: bool) -> Status {
    let mut per_file: BTreeMap<&str, Vec<ArtifactFill>> = BTreeMap::new();
    for item in &report.items {
        if let Some(f) = fill_of(item) {
            per_file.entry(&item.manifest).or_default().push(f);
        }
    }
    let mut status = Status::Success;
    for (path, fills) in per_file {
        match fill::fill_file(&ctx.root, &ctx.root.join(path), &fills) {
            Ok(Filled::Changed) if json => terminal::line(path),
            Ok(Filled::Changed) => terminal::out_line(path),
            Ok(Filled::Unchanged) => {}
            Ok(Filled::Refused(reason)) => {
                terminal::error(&format!(
                    "cannot fill {path} in place: {reason}; it is left as it was: \
                     write the values `cadence verify --format json` shows by hand"
                ));
                status = status.max(Status::Failure);
            }
            Err(e) => {
                terminal::stopped(&e);
                status = Status::Usage;
            }
        }
    }
    status
}
