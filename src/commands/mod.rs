//! The commands layer: one module per command, each loading what it needs,
//! running its stages of the pipeline and returning its exit status
//! ([`status`]); what only commands use (the Hub client [`hf`], the
//! maintainer's [`workflow`], [`serve`]'s server); and the one module that
//! prints, [`terminal`]. It imports the site and model layers below it;
//! only `main.rs` stands above.

mod announce;
pub mod build;
mod check;
pub mod cli;
pub mod context;
pub mod hf;
mod hf_sync;
mod hub;
mod init;
mod new;
mod schedule;
pub mod serve;
pub mod stages;
pub mod status;
pub mod terminal;
mod verify;
pub mod workflow;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use chrono::NaiveDate;
use clap::CommandFactory;

use crate::commands::cli::{Cli, Command};
use crate::commands::context::Context;

/// `today`: `--today`, else `SOURCE_DATE_EPOCH`, else the clock (UTC).
pub fn resolve_today(flag: Option<NaiveDate>) -> Result<NaiveDate> {
    if let Some(d) = flag {
        return Ok(d);
    }
    if let Ok(epoch) = std::env::var("SOURCE_DATE_EPOCH")
        && !epoch.trim().is_empty()
    {
        let secs: i64 = epoch.trim().parse().with_context(|| {
            format!(
                "SOURCE_DATE_EPOCH=`{epoch}` is not a number of seconds: set it to seconds \
                     since 1970-01-01 UTC, or pass --today YYYY-MM-DD"
            )
        })?;
        return chrono::DateTime::from_timestamp(secs, 0)
            .map(|d| d.date_naive())
            .with_context(|| {
                format!(
                    "SOURCE_DATE_EPOCH=`{epoch}` is out of range: set it to seconds since \
                     1970-01-01 UTC, or pass --today YYYY-MM-DD"
                )
            });
    }
    Ok(chrono::Utc::now().date_naive())
}

/// Run the command `cli` names.
pub fn run(cli: Cli) -> Result<ExitCode> {
    let ctx = Context {
        root: cli.root.clone().unwrap_or_else(|| PathBuf::from(".")),
        today: resolve_today(cli.today)?,
        color: cli.color,
        quiet: cli.quiet,
        verbose: cli.verbose,
    };
    match cli.command {
        Command::Check(args) => check::run(&ctx, &args),
        Command::Schema => {
            let schema = crate::model::schema::manifest_schema(None);
            terminal::out_line(&serde_json::to_string_pretty(&schema).expect("serialisable"));
            Ok(ExitCode::SUCCESS)
        }
        Command::Completions(args) => {
            let mut script = Vec::new();
            clap_complete::generate(args.shell, &mut Cli::command(), "cadence", &mut script);
            terminal::out(&String::from_utf8_lossy(&script));
            Ok(ExitCode::SUCCESS)
        }
        Command::Build(args) => build::run(&ctx, &args),
        Command::Serve(args) => serve::run(&ctx, &args),
        Command::Schedule(args) => schedule::run(&ctx, &args),
        Command::New(args) => new::run(&ctx, &args),
        Command::Announce(args) => announce::run(&ctx, &args),
        Command::HfSync(args) => hf_sync::run(&ctx, &args),
        Command::Verify(args) => verify::run(&ctx, &args),
        Command::Init(args) => init::run(&ctx, &args),
    }
}
