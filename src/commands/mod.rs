//! One function per command: each loads what it needs, runs its stages of
//! the pipeline and returns the exit status.

mod announce;
pub mod build;
mod check;
pub mod cli;
pub mod hf;
mod hf_sync;
mod hub;
mod init;
mod new;
mod schedule;
pub mod serve;
pub mod stages;
mod verify;
pub mod workflow;

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::{Context as _, Result};
use chrono::NaiveDate;
use clap::CommandFactory;

use crate::commands::cli::{Cli, Color, Command};
use crate::model::diagnostics::{self, Finding, Format};
use crate::model::load::{self, LoadError, Site};

/// Exit statuses (SPEC 5).
pub const SUCCESS: u8 = 0;
pub const FAILURE: u8 = 1;
pub const USAGE: u8 = 2;

/// What every command is run with.
#[derive(Debug, Clone)]
pub struct Context {
    pub root: PathBuf,
    pub today: NaiveDate,
    pub color: Color,
    pub quiet: bool,
    pub verbose: bool,
}

impl Context {
    /// Whether to colour what goes to stdout (`stderr: false`) or stderr.
    pub fn color_for(&self, stderr: bool) -> bool {
        match self.color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && if stderr {
                        std::io::stderr().is_terminal()
                    } else {
                        std::io::stdout().is_terminal()
                    }
            }
        }
    }

    /// Load the site; a config problem is reported here (exit 2).
    pub fn load(&self, format: Format) -> Result<Site, u8> {
        match load::load(&self.root) {
            Ok(site) => Ok(site),
            Err(LoadError::Config(findings)) => {
                self.report(&findings, format, true);
                Err(USAGE)
            }
            Err(LoadError::Io(e)) => {
                eprintln!("error: {e:#}");
                Err(USAGE)
            }
        }
    }

    /// Load and check; `Err` carries the exit status when the site has
    /// errors (findings printed to stderr).
    pub fn load_checked(&self) -> Result<(Site, Vec<Finding>), u8> {
        self.load_checked_timed(&mut crate::commands::stages::Stages::new(false, ""))
    }

    /// [`Context::load_checked`], marking its stages.
    pub fn load_checked_timed(
        &self,
        stages: &mut crate::commands::stages::Stages,
    ) -> Result<(Site, Vec<Finding>), u8> {
        let site = self.load(Format::Human)?;
        stages.mark("load");
        let findings = crate::model::rules::check(&site, self.today);
        stages.mark("rules");
        let (errors, _) = diagnostics::counts(&findings);
        if errors > 0 {
            self.report(&findings, Format::Human, true);
            return Err(FAILURE);
        }
        Ok((site, findings))
    }

    /// Print findings in `format` to stderr (`to_stderr`) or stdout.
    pub fn report(&self, findings: &[Finding], format: Format, to_stderr: bool) {
        let sources = load::sources_for(&self.root, findings);
        let text = diagnostics::render(
            findings,
            format,
            &sources,
            self.color_for(to_stderr) && format == Format::Human,
        );
        if to_stderr {
            eprint!("{text}");
        } else {
            print!("{text}");
        }
    }
}

/// `today`: `--today`, else `SOURCE_DATE_EPOCH`, else the clock (UTC).
pub fn resolve_today(flag: Option<NaiveDate>) -> Result<NaiveDate> {
    if let Some(d) = flag {
        return Ok(d);
    }
    if let Ok(epoch) = std::env::var("SOURCE_DATE_EPOCH")
        && !epoch.trim().is_empty()
    {
        let secs: i64 = epoch
            .trim()
            .parse()
            .with_context(|| format!("SOURCE_DATE_EPOCH=`{epoch}` is not a number of seconds"))?;
        return chrono::DateTime::from_timestamp(secs, 0)
            .map(|d| d.date_naive())
            .with_context(|| format!("SOURCE_DATE_EPOCH=`{epoch}` is out of range"));
    }
    Ok(chrono::Utc::now().date_naive())
}

pub fn run(cli: Cli) -> u8 {
    let today = match resolve_today(cli.today) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e:#}");
            return USAGE;
        }
    };
    let ctx = Context {
        root: cli.root.clone().unwrap_or_else(|| PathBuf::from(".")),
        today,
        color: cli.color,
        quiet: cli.quiet,
        verbose: cli.verbose,
    };
    let result = match cli.command {
        Command::Check(args) => Ok(check::run(&ctx, &args)),
        Command::Schema => {
            let schema = crate::model::schema::manifest_schema(None);
            println!(
                "{}",
                serde_json::to_string_pretty(&schema).expect("serialisable")
            );
            Ok(SUCCESS)
        }
        Command::Completions(args) => {
            let mut cmd = Cli::command();
            clap_complete::generate(args.shell, &mut cmd, "cadence", &mut std::io::stdout());
            Ok(SUCCESS)
        }
        Command::Build(args) => build::run(&ctx, &args),
        Command::Serve(args) => crate::commands::serve::run(&ctx, &args),
        Command::Schedule(args) => schedule::run(&ctx, &args),
        Command::New(args) => new::run(&ctx, &args),
        Command::Announce(args) => announce::run(&ctx, &args),
        Command::HfSync(args) => hf_sync::run(&ctx, &args),
        Command::Verify(args) => verify::run(&ctx, &args),
        Command::Init(args) => init::run(&ctx, &args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            USAGE
        }
    }
}
