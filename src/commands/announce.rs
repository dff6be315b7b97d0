//! `cadence announce`: the mailing-list announcement of a release, a skip
//! or a major line's end of support (`line-<major>`).
//!
//! The subject and plain-text body go to stdout; `--eml FILE` also writes
//! an RFC 5322 message (`--eml -` writes it to stdout instead, for
//! `cadence announce ... --eml - | sendmail -t`). The site must pass
//! `check` (warnings allowed): an announcement links to pages that only a
//! build of a clean site has.
//!
//! Part of the commands layer.

use std::process::ExitCode;

use anyhow::{Context as _, Result};

use crate::commands::cli::AnnounceArgs;
use crate::commands::context::Context;
use crate::commands::status::{Status, reported};
use crate::commands::terminal;
use crate::commands::workflow::announcement::{self, Target};
use crate::commands::workflow::mail::Message;
use crate::commands::workflow::suggest;
use crate::site::catalog::Catalog;
use crate::site::theme::{Theme, ThemeError};

pub fn run(ctx: &Context, args: &AnnounceArgs) -> Result<ExitCode> {
    let (mut site, _) = ctx.load_checked()?;
    // Which feeds would carry the entry, not only its newest `feed_limit`.
    site.config.feed_limit = usize::MAX;
    let catalog = Catalog::new(&site, ctx.today);
    suggest::model_channel(&catalog, &args.model, &args.channel).map_err(anyhow::Error::msg)?;
    let target = announcement::find(&catalog, &args.model, &args.channel, &args.target)
        .map_err(anyhow::Error::msg)?;
    let theme = match Theme::load(&site.root, &site.config.theme) {
        Ok(t) => t,
        Err(ThemeError::Templates(findings)) => {
            ctx.report(&findings, crate::model::diagnostics::Format::Human, true);
            return Err(reported(Status::Failure));
        }
        Err(ThemeError::Io(e)) => return Err(e),
    };
    let ann = announcement::render(&theme, &catalog, target)?;

    let to_stdout = args.eml.as_deref().is_some_and(|p| p.as_os_str() == "-");
    if !to_stdout {
        terminal::out(&format!("Subject: {}\n\n{}", ann.subject, ann.body));
    }
    let Some(path) = &args.eml else {
        return Ok(ExitCode::SUCCESS);
    };
    let Some(list) = &site.config.announce else {
        anyhow::bail!(
            "--eml needs the mailing list: add to cadence.toml\n\n[announce]\nto = \"announce@example.org\"\nfrom = \"{} <release-team@example.org>\"",
            site.config.author.name
        );
    };
    let message = Message {
        from: list.from.clone(),
        to: list.to.clone(),
        subject: ann.subject.clone(),
        date: announcement::mail_date(&catalog, target),
        message_id: ann.message_id.clone(),
        body: ann.body.clone(),
    };
    let eml = message.to_eml();
    if to_stdout {
        terminal::out(&eml);
    } else {
        std::fs::write(path, eml.as_bytes())
            .with_context(|| format!("writing {}", path.display()))?;
        if !ctx.quiet {
            let what = match target {
                Target::Release(_) => "release",
                Target::Skip(_) => "skip",
                Target::Line(_) => "end-of-support",
            };
            terminal::line(&format!(
                "wrote the {what} announcement to {} (send it with `sendmail -t < {}` or open it in a mail client)",
                path.display(),
                path.display()
            ));
        }
    }
    Ok(ExitCode::SUCCESS)
}
