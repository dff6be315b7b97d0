//! `cadence new release`, `cadence new skip` and `cadence new line`: write
//! the next manifest, or a major line's line file (SPEC 10).
//!
//! stdout gets one line, the path of the new file, so a script can open it
//! (`$EDITOR "$(cadence new release m c)"`); what is left to fill in and
//! every hint go to stderr. An existing file is never overwritten (exit 2).
//!
//! `new` works on a site with errors: a fresh manifest with blanks is an
//! error until filled in, and the fix for a missed slot is a new skip, so
//! refusing would block the very step that repairs the site. Suggestions
//! come from the manifests that could be read plus the file names under the
//! channel's folder; a note on stderr says the site has errors. The exit
//! status says whether the file was written: 0, or 2 with a message.
//!
//! Part of the commands layer.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result, anyhow, bail};

use crate::commands::cli::NewCommand;
use crate::commands::context::Context;
use crate::commands::terminal;
use crate::commands::workflow::scaffold::{self, Scaffold};
use crate::commands::workflow::suggest;
use crate::model::diagnostics::{self, Format};
use crate::site::catalog::Catalog;

pub fn run(ctx: &Context, command: &NewCommand) -> Result<ExitCode> {
    let site = ctx.load(Format::Human)?;
    let findings = crate::model::rules::check(&site, ctx.today);
    let catalog = Catalog::new(&site, ctx.today);

    let (rel, scaffold, hints, next_steps) = match command {
        NewCommand::Release {
            model,
            channel,
            version,
            date,
        } => {
            let (m, c) =
                suggest::model_channel(&catalog, model, channel).map_err(|e| anyhow!(e))?;
            let plan = suggest::plan_release(&catalog, model, c, version.as_deref(), *date)
                .map_err(|e| anyhow!(e))?;
            let rel = format!("releases/{model}/{channel}/{}.yaml", plan.version);
            let scaffold = scaffold::release(&catalog, m, c, &plan);
            let mut next = vec![format!(
                "then `cadence check`, open a pull request, and after it is merged `cadence announce {model} {channel} {}`",
                plan.version
            )];
            if plan.planned {
                next.insert(
                    0,
                    format!(
                        "{} is after today ({}): it is written as `status: planned`",
                        plan.date, ctx.today
                    ),
                );
            }
            (rel, scaffold, plan.hints, next)
        }
        NewCommand::Skip {
            model,
            slot,
            channel,
        } => {
            let plan = suggest::skip::plan_skip(&catalog, model, channel.as_deref(), *slot)
                .map_err(|e| anyhow!(e))?;
            let m = &site.config.models[model];
            let c = &site.config.channels[&plan.channel];
            let rel = format!(
                "releases/{model}/{}/skip-{}.yaml",
                plan.channel, plan.slot.date
            );
            let scaffold = scaffold::skip(m, c, &plan, ctx.today);
            let next = vec![format!(
                "then `cadence check`, open a pull request, and announce it: `cadence announce {model} {} skip-{}`",
                plan.channel, plan.slot.date
            )];
            (rel, scaffold, plan.hints, next)
        }
        NewCommand::Line {
            model,
            channel,
            major,
        } => {
            let n = line_of(&catalog, model, channel, major).map_err(|e| anyhow!(e))?;
            let major = catalog.lines[n].major;
            let rel = format!("releases/{model}/{channel}/line-{major}.yaml");
            let next = vec![format!(
                "then `cadence check` and open a pull request; announce the end of support with `cadence announce {model} {channel} line-{major}`"
            )];
            (
                rel,
                scaffold::line(&catalog, n, ctx.today),
                Vec::new(),
                next,
            )
        }
    };

    let path = ctx.root.join(&rel);
    if path.exists() {
        bail!(
            "{} already exists; `cadence new` never overwrites a manifest: edit it, or pick another version or slot",
            shown(&ctx.root, &rel).display()
        );
    }
    write_new(&path, &scaffold)?;

    terminal::out_line(&shown(&ctx.root, &rel).display().to_string());
    if !ctx.quiet {
        let (errors, _) = diagnostics::counts(&findings);
        if errors > 0 {
            terminal::line(&format!(
                "note: the site had {errors} error{} before this file; `cadence check` lists them",
                if errors == 1 { "" } else { "s" }
            ));
        }
        // Hints quote the manifests' values: the terminal module escapes them.
        for h in &hints {
            terminal::line(&prefixed(h));
        }
        if !scaffold.blanks.is_empty() {
            let list: Vec<String> = scaffold
                .blanks
                .iter()
                .map(|(field, line)| format!("{field} (line {line})"))
                .collect();
            terminal::line(&format!("fill in: {}", list.join(", ")));
        }
        for n in next_steps {
            terminal::line(&n);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The line `cadence new line` is for: an existing line (a released
/// final) of a semver channel the model publishes on.
fn line_of(catalog: &Catalog, model: &str, channel: &str, major: &str) -> Result<usize, String> {
    let (_, c) = suggest::model_channel(catalog, model, channel)?;
    if c.versioning != crate::model::version::Versioning::Semver {
        return Err(format!(
            "`{channel}` has date versions, which fall into no major line; line files are for semver channels"
        ));
    }
    let digits = major.strip_suffix(".x").unwrap_or(major);
    let Some(number) = (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse::<u64>().ok())
        .flatten()
    else {
        return Err(format!(
            "`{major}` is not a major version; give a number such as 1"
        ));
    };
    catalog.major_line(model, channel, number).ok_or_else(|| {
        let known: Vec<String> = catalog
            .lines_of(model, channel)
            .map(|(_, l)| l.name())
            .collect();
        format!(
            "{model} has no released {number}.x final on `{channel}`, so the line does not exist yet; write its line file once {number}.0.0 is released ({})",
            if known.is_empty() {
                "the channel has no line yet".to_string()
            } else {
                format!("lines: {}", known.join(", "))
            }
        )
    })
}

/// Hints that are warnings already say so; others are notes.
fn prefixed(hint: &str) -> String {
    if hint.starts_with("warning:") {
        hint.to_string()
    } else {
        format!("hint: {hint}")
    }
}

/// The path as the user can open it from the current folder.
fn shown(root: &Path, rel: &str) -> PathBuf {
    if root == Path::new(".") {
        PathBuf::from(rel)
    } else {
        root.join(rel)
    }
}

/// Create the file, failing if it exists (no race with a concurrent writer).
fn write_new(path: &Path, scaffold: &Scaffold) -> Result<()> {
    use std::io::Write as _;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.write_all(scaffold.text.as_bytes())
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}
