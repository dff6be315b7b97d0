//! Command-line definitions (clap).
//!
//! Part of the commands layer.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::model::diagnostics::Format;

#[derive(Debug, Parser)]
#[command(
    name = "cadence",
    version,
    about = "A static release-site generator for model release channels",
    long_about = "cadence validates the release manifests under releases/ against each channel's \
cadence rules, renders a release-notes site with feeds, a calendar and a JSON API, \
writes mailing-list announcements and syncs tags to Hugging Face.",
    after_help = "Exit status: 0 success, 1 the site has errors or a sync or request failed, 2 usage, configuration or I/O error."
)]
pub struct Cli {
    /// The site folder (with cadence.toml); default: the current folder
    #[arg(long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,

    /// When to colour output
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub color: Color,

    /// Print only errors
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Print more about what is done
    #[arg(short, long, global = true)]
    pub verbose: bool,

    /// The date rules take as today (YYYY-MM-DD); default: SOURCE_DATE_EPOCH, else the clock (UTC)
    #[arg(long, global = true, value_name = "YYYY-MM-DD", value_parser = parse_today)]
    pub today: Option<NaiveDate>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

fn parse_today(s: &str) -> Result<NaiveDate, String> {
    crate::model::version::parse_day(s).ok_or_else(|| format!("`{s}` is not a date YYYY-MM-DD"))
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run every cadence rule over the site and report all findings
    Check(CheckArgs),
    /// Check the site, then render it into the output folder
    Build(BuildArgs),
    /// Build, serve and rebuild on change, reloading open pages
    Serve(ServeArgs),
    /// Show the schedule's slots and their states
    Schedule(ScheduleArgs),
    /// Write a manifest for the next release or skip, or a line file
    #[command(subcommand)]
    New(NewCommand),
    /// Write the mailing-list announcement of a release, skip or end of support
    Announce(AnnounceArgs),
    /// Make Hugging Face tags match the manifests
    HfSync(HfSyncArgs),
    /// Check that the Hub holds the revisions and artifacts the manifests promise
    Verify(VerifyArgs),
    /// Print the manifest JSON Schema
    Schema,
    /// Start a new site in DIR (default: the current folder)
    Init(InitArgs),
    /// Print shell completions
    Completions(CompletionsArgs),
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Exit 1 on warnings too
    #[arg(long)]
    pub deny_warnings: bool,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Output folder, relative to the site root unless absolute
    #[arg(long, default_value = "public", value_name = "DIR")]
    pub out: PathBuf,
    /// Override base_url from cadence.toml
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Include draft content pages
    #[arg(long)]
    pub drafts: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Port to listen on
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// Address to bind
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: String,
    /// Open the site in a browser
    #[arg(long)]
    pub open: bool,
    /// Include draft content pages
    #[arg(long)]
    pub drafts: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScheduleFormat {
    Human,
    Json,
}

#[derive(Debug, Args)]
pub struct ScheduleArgs {
    /// Only this model
    #[arg(long)]
    pub model: Option<String>,
    /// How many upcoming slots to show (1 to 1000)
    #[arg(long, default_value_t = 4, value_name = "N",
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1000))]
    pub upcoming: usize,
    /// Output format
    #[arg(long, value_enum, default_value_t = ScheduleFormat::Human)]
    pub format: ScheduleFormat,
}

#[derive(Debug, Subcommand)]
pub enum NewCommand {
    /// A release manifest with the next version
    Release {
        model: String,
        channel: String,
        /// The version to write (default: the suggested next version)
        #[arg(long)]
        version: Option<String>,
        /// The release date (default: today)
        #[arg(long, value_parser = parse_today, value_name = "YYYY-MM-DD")]
        date: Option<NaiveDate>,
    },
    /// A skip of the next open slot
    Skip {
        model: String,
        /// The slot to skip (default: the next open slot)
        #[arg(long, value_parser = parse_today, value_name = "YYYY-MM-DD")]
        slot: Option<NaiveDate>,
        /// The channel (default: the model's only scheduled channel)
        #[arg(long)]
        channel: Option<String>,
    },
    /// A line file for an existing major line of a semver channel: its end of support, LTS, a note
    Line {
        model: String,
        channel: String,
        /// The major version of the line (`1`, or `1.x`)
        major: String,
    },
}

#[derive(Debug, Args)]
pub struct AnnounceArgs {
    pub model: String,
    pub channel: String,
    /// A version, skip-YYYY-MM-DD, or line-MAJOR (a major line's end of support)
    pub target: String,
    /// Also write an RFC 5322 message to FILE
    #[arg(long, value_name = "FILE")]
    pub eml: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct HfSyncArgs {
    /// Create tags (default: print the plan only)
    #[arg(long)]
    pub apply: bool,
    /// Move tags that point at another commit
    #[arg(long)]
    pub force: bool,
    /// Delete tags no manifest wants
    #[arg(long)]
    pub prune: bool,
    /// Only this model
    #[arg(long)]
    pub model: Option<String>,
    /// Only this channel
    #[arg(long)]
    pub channel: Option<String>,
    /// Hub endpoint (default: HF_ENDPOINT, else https://huggingface.co)
    #[arg(long, value_name = "URL")]
    pub endpoint: Option<String>,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Only this model
    #[arg(long)]
    pub model: Option<String>,
    /// Only this channel
    #[arg(long)]
    pub channel: Option<String>,
    /// Hub endpoint (default: HF_ENDPOINT, else https://huggingface.co)
    #[arg(long, value_name = "URL")]
    pub endpoint: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = ScheduleFormat::Human)]
    pub format: ScheduleFormat,
    /// Write what the Hub knows into the manifests of artifacts that verify ok: a missing size or
    /// sha256, and the commit of an unpinned artifact as its revision
    #[arg(long)]
    pub fill: bool,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder to create the site in
    pub dir: Option<PathBuf>,
    /// The URL the site will be published at (default: a placeholder to edit)
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}
