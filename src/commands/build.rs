//! `cadence build`: check the site, render it into a folder beside the
//! output folder, and swap it in. Nothing is written when the site has an
//! error, when `--out` may not be written (refused before anything is
//! read), or when the build is stopped (SIGINT, SIGTERM).

use std::time::Instant;

use anyhow::Result;

use super::{Context, FAILURE, SUCCESS, USAGE};
use crate::commands::cli::BuildArgs;
use crate::commands::stages::Stages;
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
fn prepare(ctx: &Context, base_url: Option<&str>, stages: &mut Stages) -> Result<Prepared, u8> {
    let (mut site, findings) = ctx.load_checked_timed(stages)?;
    if !findings.is_empty() && !ctx.quiet {
        ctx.report(&findings, Format::Human, true);
    }
    if let Some(url) = base_url
        && let Err(e) = site.config.set_base_url(url)
    {
        eprintln!("error: --base-url: {e}");
        return Err(USAGE);
    }
    let theme = match Theme::load(&ctx.root, &site.config.theme) {
        Ok(t) => t,
        Err(ThemeError::Templates(findings)) => {
            ctx.report(&findings, Format::Human, true);
            return Err(FAILURE);
        }
        Err(ThemeError::Io(e)) => {
            eprintln!("error: {e:#}");
            return Err(USAGE);
        }
    };
    let assets = match build::content_assets(&ctx.root) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e:#}");
            return Err(USAGE);
        }
    };
    Ok(Prepared {
        site,
        theme,
        assets,
    })
}

/// Render the site straight into the folder beside the target, file by
/// file as pages are rendered (so the site is never held in memory as a
/// whole), then swap it in.
pub fn run(ctx: &Context, args: &BuildArgs) -> Result<u8> {
    let started = Instant::now();
    if let Err(e) = output::stop_cleanly_on_signals() {
        eprintln!("error: cannot handle Ctrl-C and SIGTERM: {e}");
        return Ok(USAGE);
    }
    let target = match output::Target::resolve(&ctx.root, &args.out) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(USAGE);
        }
    };
    let mut stages = Stages::new(ctx.verbose, "build");
    let prepared = match prepare(ctx, args.base_url.as_deref(), &mut stages) {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
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
        Err(StageError::Fill(e)) => {
            eprintln!("error: {e:#}");
            return Ok(FAILURE);
        }
        Err(StageError::Write(e @ WriteError::Refused(_))) => {
            eprintln!("error: {e}");
            return Ok(USAGE);
        }
        Err(StageError::Write(WriteError::Io(e))) => {
            eprintln!("error: {e:#}");
            return Ok(USAGE);
        }
    };
    if !ctx.quiet {
        println!(
            "built {} files into {}/ in {} ms",
            files,
            args.out.display().to_string().trim_end_matches('/'),
            started.elapsed().as_millis()
        );
    }
    // The process ends next: freeing a large site's releases one by one
    // (a hundred thousand, with their notes and positions) took a tenth
    // of a second after the build was done.
    std::mem::forget(catalog);
    std::mem::forget(site);
    Ok(SUCCESS)
}
