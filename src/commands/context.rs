//! What every command is run with (commands layer): the site root, `today`,
//! and how it prints; loading and checking the site, with what stops a
//! command reported through the terminal module.

use std::path::PathBuf;

use anyhow::Result;
use chrono::NaiveDate;

use crate::commands::cli::Color;
use crate::commands::stages::Stages;
use crate::commands::status::{Status, of_findings, reported};
use crate::commands::terminal::{self, Stream};
use crate::model::diagnostics::{self, Finding, Format};
use crate::model::load::{self, LoadError, Site};

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
        terminal::color(
            self.color,
            if stderr {
                Stream::Stderr
            } else {
                Stream::Stdout
            },
        )
    }

    /// Load the site; config findings are reported here (exit 2).
    pub fn load(&self, format: Format) -> Result<Site> {
        match load::load(&self.root) {
            Ok(site) => Ok(site),
            Err(LoadError::Config(findings)) => {
                self.report(&findings, format, true);
                Err(reported(Status::Usage))
            }
            Err(LoadError::Io(e)) => Err(e),
        }
    }

    /// Load and check; when the site has errors they are printed to stderr
    /// and the error ends the command with exit 1.
    pub fn load_checked(&self) -> Result<(Site, Vec<Finding>)> {
        self.load_checked_timed(&mut Stages::new(false, ""))
    }

    /// [`Context::load_checked`], marking its stages.
    pub fn load_checked_timed(&self, stages: &mut Stages) -> Result<(Site, Vec<Finding>)> {
        let site = self.load(Format::Human)?;
        stages.mark("load");
        let findings = crate::model::rules::check(&site, self.today);
        stages.mark("rules");
        let status = of_findings(&findings, false);
        if status != Status::Success {
            self.report(&findings, Format::Human, true);
            return Err(reported(status));
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
        let stream = if to_stderr {
            Stream::Stderr
        } else {
            Stream::Stdout
        };
        terminal::rendered(&text, stream);
    }
}
