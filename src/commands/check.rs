//! `cadence check`: load and run every rule; print all findings.

use super::{Context, FAILURE, SUCCESS};
use crate::cli::CheckArgs;
use crate::diagnostics;

pub fn run(ctx: &Context, args: &CheckArgs) -> u8 {
    let site = match ctx.load(args.format) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let findings = crate::rules::check(&site, ctx.today);
    let (errors, warnings) = diagnostics::counts(&findings);
    if !(ctx.quiet && findings.is_empty() && args.format == diagnostics::Format::Human) {
        ctx.report(&findings, args.format, false);
    }
    if errors > 0 || (args.deny_warnings && warnings > 0) {
        FAILURE
    } else {
        SUCCESS
    }
}
