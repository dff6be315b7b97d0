//! `cadence build`: check the site, render it into a folder beside the
//! output folder, and swap it in. Nothing is written when the site has an
//! error, when `--out` may not be written (refused before anything is
//! read), or when the build is stopped (SIGINT, SIGTERM).
//!
//! Part of the commands layer.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context as _, Result};

use crate::commands::cli::BuildArgs;
use crate::commands::context::Context;
use crate::commands::stages::Stages;
use crate::commands::status::{Status, failed, reported};
use crate::commands::terminal;
use crate::model::diagnostics::Format;
use crate::model::load::Site;
use crate::site::catalog::Catalog;
use crate::site::output::{self, StageError, WriteError};
use crate::site::theme::{Theme, ThemeError};
use crate::site::{OutputFile, build};

/// What a build renders from.
struct Prepared {
    site: Site,
    theme: Theme,
    /// Files beside the content pages, read before anything is written.
    assets: Vec<OutputFile>,
}

/// Load and check the site, load its theme and read its content assets.
fn prepare(ctx: &Context, base_url: Option<&str>, stages: &mut Stages) -> Result<Prepared> {
    let (mut site, findings) = ctx.load_checked_timed(stages)?;
    if !findings.is_empty() && !ctx.quiet {
        ctx.report(&findings, Format::Human, true);
    }
    if let Some(url) = base_url {
        site.config
            .set_base_url(url)
            .map_err(|e| anyhow::anyhow!("--base-url: {e}"))?;
    }
    let theme = match Theme::load(&ctx.root, &site.config.theme) {
        Ok(t) => t,
        Err(ThemeError::Templates(findings)) => {
            ctx.report(&findings, Format::Human, true);
            return Err(reported(Status::Failure));
        }
        Err(ThemeError::Io(e)) => return Err(e),
    };
    let assets = build::content_assets(&ctx.root)?;
    Ok(Prepared {
        site,
        theme,
        assets,
    })
}

/// Render the site straight into the folder beside the target, file by
/// file as pages are rendered (so the site is never held in memory as a
/// whole), then swap it in.
pub fn run(ctx: &Context, args: &BuildArgs) -> Result<ExitCode> {
    let started = Instant::now();
    output::stop_cleanly_on_signals().context("cannot handle Ctrl-C and SIGTERM")?;
    let target = output::Target::resolve(&ctx.root, &args.out).map_err(|e| match e {
        WriteError::Io(e) => e,
        refused => refused.into(),
    })?;
    let mut stages = Stages::new(ctx.verbose, "build");
    let prepared = prepare(ctx, args.base_url.as_deref(), &mut stages)?;
    stages.mark("theme and assets");
    let Prepared {
        site,
        theme,
        assets,
    } = prepared;
    let catalog = Catalog::new(&site, ctx.today);
    stages.mark("catalog");
    let written = output::write_atomic_with(&target, |staging| {
        let rendered = build::render_site_to(&catalog, &theme, args.drafts, staging)?;
        build::put_assets(assets, &rendered, staging)
    });
    stages.mark("render, write and swap");
    stages.print();
    let files = match written {
        Ok(n) => n,
        Err(StageError::Fill(e)) => return Err(failed(e)),
        Err(StageError::Write(e @ WriteError::Refused(_))) => return Err(e.into()),
        Err(StageError::Write(WriteError::Io(e))) => return Err(e),
    };
    if !ctx.quiet {
        terminal::out_line(&format!(
            "built {} files into {}/ in {} ms",
            files,
            args.out.display().to_string().trim_end_matches('/'),
            started.elapsed().as_millis()
        ));
    }
    // The process ends next: freeing a large site's releases one by one
    // (a hundred thousand, with their notes and positions) took a tenth
    // of a second after the build was done.
    std::mem::forget(catalog);
    std::mem::forget(site);
    Ok(ExitCode::SUCCESS)
}
