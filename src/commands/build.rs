//! `cadence build`: check the site, render it, and swap it into the output
//! folder. Nothing is written when the site has an error.

use std::time::Instant;

use anyhow::Result;

use super::{Context, FAILURE, SUCCESS, USAGE};
use crate::cli::BuildArgs;
use crate::diagnostics::Format;
use crate::site::catalog::Catalog;
use crate::site::output::{self, WriteError};
use crate::site::theme::Theme;
use crate::site::{OutputFile, build};

/// Load, check and render the site in memory; `Err` is the exit status
/// (the reason already printed).
pub fn render(ctx: &Context, base_url: Option<&str>, drafts: bool) -> Result<Vec<OutputFile>, u8> {
    let (mut site, findings) = ctx.load_checked()?;
    if !findings.is_empty() && !ctx.quiet {
        ctx.report(&findings, Format::Human, true);
    }
    if let Some(url) = base_url
        && let Err(e) = site.config.set_base_url(url)
    {
        eprintln!("error: --base-url: {e}");
        return Err(USAGE);
    }
    let name = &site.config.theme;
    if name != "default" && !ctx.root.join("themes").join(name).is_dir() {
        eprintln!(
            "error: cadence.toml names the theme `{name}`, but there is no themes/{name}/ in {}",
            ctx.root.display()
        );
        return Err(USAGE);
    }
    let theme = match Theme::load(&ctx.root, name) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e:#}");
            return Err(FAILURE);
        }
    };
    let catalog = Catalog::new(&site, ctx.today);
    let files = match build::render_site(&catalog, &theme, drafts) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e:#}");
            return Err(FAILURE);
        }
    };
    let assets = match build::content_assets(&ctx.root) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e:#}");
            return Err(USAGE);
        }
    };
    build::with_assets(files, assets).map_err(|e| {
        eprintln!("error: {e:#}");
        FAILURE
    })
}

pub fn run(ctx: &Context, args: &BuildArgs) -> Result<u8> {
    let started = Instant::now();
    let files = match render(ctx, args.base_url.as_deref(), args.drafts) {
        Ok(f) => f,
        Err(code) => return Ok(code),
    };
    let target = if args.out.is_absolute() {
        args.out.clone()
    } else {
        ctx.root.join(&args.out)
    };
    match output::write_atomic(&target, &files) {
        Ok(()) => {}
        Err(e @ WriteError::Refused(_)) => {
            eprintln!("error: {e}");
            return Ok(USAGE);
        }
        Err(WriteError::Io(e)) => {
            eprintln!("error: {e:#}");
            return Ok(USAGE);
        }
    }
    if !ctx.quiet {
        println!(
            "built {} files into {}/ in {} ms",
            files.len(),
            args.out.display().to_string().trim_end_matches('/'),
            started.elapsed().as_millis()
        );
    }
    Ok(SUCCESS)
}
