//! `cadence check`: load and run every rule; print all findings.

use super::{Context, FAILURE, SUCCESS, USAGE};
use crate::cli::CheckArgs;
use crate::diagnostics;
use crate::load::{self, LoadError};

pub fn run(ctx: &Context, args: &CheckArgs) -> u8 {
    // Config findings go where every other finding of `check` goes, stdout,
    // so that `--format json` and `github` consumers see them (exit 2).
    let site = match load::load(&ctx.root) {
        Ok(s) => s,
        Err(LoadError::Config(findings)) => {
            ctx.report(&findings, args.format, false);
            return USAGE;
        }
        Err(LoadError::Io(e)) => {
            eprintln!("error: {e:#}");
            return USAGE;
        }
    };
    let findings = crate::rules::check(&site, ctx.today);
    let (errors, warnings) = diagnostics::counts(&findings);
    if !(ctx.quiet && findings.is_empty() && args.format == diagnostics::Format::Human) {
        ctx.report(&findings, args.format, false);
    }
    // The process ends next; freeing every release one by one would be a
    // tenth of the time of checking a large site.
    std::mem::forget(site);
    if errors > 0 || (args.deny_warnings && warnings > 0) {
        FAILURE
    } else {
        SUCCESS
    }
}
