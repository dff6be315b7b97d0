//! `cadence verify`: check, read-only, that the Hub holds what the
//! manifests promise (SPEC 11), and with `--fill` write what it knows into
//! the manifests.
//!
//! stdout holds one line per item that is not plainly `ok` and, last, the
//! counts line; or, with `--format json`, only the JSON document. stderr
//! holds errors, retries and progress, as for `hf-sync`, whose client,
//! token, endpoint and rules this uses. The paths of the manifests `--fill`
//! changed go to stdout before the counts line (to stderr with JSON).

use std::collections::BTreeMap;

use anyhow::Result;

use super::hub::{self, Progress};
use super::{Context, FAILURE, SUCCESS, USAGE};
use crate::commands::cli::{ScheduleFormat, VerifyArgs};
use crate::commands::hf;
use crate::commands::hf::verify::{self, Report, State};
use crate::commands::workflow::fill::{self, ArtifactFill, Filled};
use crate::site::catalog::Catalog;

pub fn run(ctx: &Context, args: &VerifyArgs) -> Result<u8> {
    let (site, _) = match ctx.load_checked() {
        Ok(s) => s,
        Err(code) => return Ok(code),
    };
    let config = &site.config;
    let (model, channel) = (args.model.as_deref(), args.channel.as_deref());
    if let Err(code) = hub::check_selection(config, model, channel) {
        return Ok(code);
    }
    if let (Some(m), Some(c)) = (model, channel)
        && !config.models[m].repos.contains_key(c)
    {
        eprintln!(
            "error: nothing to verify: model `{m}` does not publish on channel `{c}` \
             (see [models.*.repos] in cadence.toml)"
        );
        return Ok(USAGE);
    }
    let endpoint = match hub::endpoint(args.endpoint.as_deref()) {
        Ok(e) => e,
        Err(code) => return Ok(code),
    };
    let catalog = Catalog::new(&site, ctx.today);
    let selected =
        |m: &str, c: &str| model.is_none_or(|x| x == m) && channel.is_none_or(|x| x == c);
    let checks = verify::plan(&catalog, selected);

    let progress = Progress::new(ctx);
    let client = match hub::client(
        ctx,
        &endpoint,
        hf::resolve_token(),
        &progress,
        &format!("verify: {} release(s)", checks.len()),
    ) {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let report = verify::run(&client, &checks, &|e| progress.event(e));
    progress.finish();

    let json = args.format == ScheduleFormat::Json;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report.to_json()).expect("serialisable")
        );
    } else if !ctx.quiet {
        for line in report.items.iter().filter_map(verify::line) {
            println!("{line}");
        }
    }
    let mut code = if report.clean() { SUCCESS } else { FAILURE };
    if args.fill {
        code = code.max(fill_manifests(ctx, &report, json));
    }
    if !json {
        println!("{}", report.summary());
    }
    Ok(code)
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
fn fill_manifests(ctx: &Context, report: &Report, json: bool) -> u8 {
    let mut per_file: BTreeMap<&str, Vec<ArtifactFill>> = BTreeMap::new();
    for item in &report.items {
        if let Some(f) = fill_of(item) {
            per_file.entry(&item.manifest).or_default().push(f);
        }
    }
    let mut code = SUCCESS;
    for (path, fills) in per_file {
        match fill::fill_file(&ctx.root, &ctx.root.join(path), &fills) {
            Ok(Filled::Changed) if json => eprintln!("{path}"),
            Ok(Filled::Changed) => println!("{path}"),
            Ok(Filled::Unchanged) => {}
            Ok(Filled::Refused(reason)) => {
                eprintln!(
                    "error: cannot fill {path} in place: {reason}; it is left as it was: \
                     write the values `cadence verify --format json` shows by hand"
                );
                code = code.max(FAILURE);
            }
            Err(e) => {
                eprintln!("error: {e:#}");
                code = USAGE;
            }
        }
    }
    code
}
