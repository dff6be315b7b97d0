//! `cadence check`: load and run every rule, and load the theme in use
//! (its templates parsed and their names resolved: `template` findings);
//! print all findings.
//!
//! Part of the commands layer.

use std::process::ExitCode;

use anyhow::Result;

use crate::commands::cli::CheckArgs;
use crate::commands::context::Context;
use crate::commands::status::{Status, of_findings, reported};
use crate::model::diagnostics;
use crate::model::load::{self, LoadError};
use crate::site::theme;

pub fn run(ctx: &Context, args: &CheckArgs) -> Result<ExitCode> {
    // Config findings go where every other finding of `check` goes, stdout,
    // so that `--format json` and `github` consumers see them (exit 2).
    let site = match load::load(&ctx.root) {
        Ok(s) => s,
        Err(LoadError::Config(findings)) => {
            ctx.report(&findings, args.format, false);
            return Err(reported(Status::Usage));
        }
        Err(LoadError::Io(e)) => return Err(e),
    };
    // The rules and the theme's templates, side by side.
    let (mut findings, theme) = rayon::join(
        || crate::model::rules::check(&site, ctx.today),
        || theme::check(&ctx.root, &site.config.theme),
    );
    findings.extend(theme.map_err(|e| match e {
        theme::ThemeError::Io(e) => e,
        templates => templates.into(),
    })?);
    if !(ctx.quiet && findings.is_empty() && args.format == diagnostics::Format::Human) {
        ctx.report(&findings, args.format, false);
    }
    // The process ends next; freeing every release one by one would be a
    // tenth of the time of checking a large site.
    std::mem::forget(site);
    Ok(of_findings(&findings, args.deny_warnings).into())
}
