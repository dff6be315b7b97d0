//! How a command ends (commands layer): the exit statuses of SPEC 5 and the
//! typed errors that carry them.
//!
//! A command returns `anyhow::Result<ExitCode>`. `Ok` is a command that ran
//! to its end, with its status: `check` that found errors ends `Ok` with
//! [`Status::Failure`], having printed them. `Err` is an error that stopped
//! it: [`Status::Usage`] (exit 2: usage, configuration or I/O) unless the
//! error is a [`Failed`] (exit 1: the site has errors, or a sync or a
//! request failed). `main` prints it, through the terminal module, unless
//! it is [`Reported`]: the findings that explain the stop were printed
//! already. [`status_of`] reads the status an error ends with.

use std::fmt;
use std::process::ExitCode;

use crate::model::diagnostics::{self, Finding, Severity};

/// The exit statuses of SPEC 5, in order of gravity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Success = 0,
    /// The site has errors, or a sync or a request failed.
    Failure = 1,
    /// A usage, configuration or I/O error.
    Usage = 2,
}

impl From<Status> for ExitCode {
    fn from(s: Status) -> ExitCode {
        ExitCode::from(s as u8)
    }
}

/// An error that ends a command with [`Status::Failure`] (exit 1), not 2.
#[derive(Debug)]
pub struct Failed(pub anyhow::Error);

impl fmt::Display for Failed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#}", self.0)
    }
}

impl std::error::Error for Failed {}

/// `e` as an error that ends the command with exit 1.
pub fn failed(e: impl Into<anyhow::Error>) -> anyhow::Error {
    anyhow::Error::new(Failed(e.into()))
}

/// The command stopped after printing the findings that say why; it ends
/// with this status, and nothing more is printed.
#[derive(Debug)]
pub struct Reported(pub Status);

impl fmt::Display for Reported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "stopped with exit status {} (reported above)",
            self.0 as u8
        )
    }
}

impl std::error::Error for Reported {}

/// The error of a command that printed why it stopped, ending with `status`.
pub fn reported(status: Status) -> anyhow::Error {
    anyhow::Error::new(Reported(status))
}

/// The status of a site's findings (SPEC 5): 2 when one is a `config`
/// error (a schedule found unworkable once `today` is known is one), 1 for
/// any other error or, with `deny_warnings`, a warning; else 0.
pub fn of_findings(findings: &[Finding], deny_warnings: bool) -> Status {
    let (errors, warnings) = diagnostics::counts(findings);
    if findings
        .iter()
        .any(|f| f.code == "config" && f.severity == Severity::Error)
    {
        Status::Usage
    } else if errors > 0 || (deny_warnings && warnings > 0) {
        Status::Failure
    } else {
        Status::Success
    }
}

/// The status an error ends a command with, and whether it is still to be
/// printed.
pub fn status_of(e: &anyhow::Error) -> (Status, bool) {
    if let Some(Reported(s)) = e.downcast_ref::<Reported>() {
        (*s, false)
    } else if e.downcast_ref::<Failed>().is_some() {
        (Status::Failure, true)
    } else {
        (Status::Usage, true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_carry_their_status() {
        let io = anyhow::anyhow!("reading x");
        assert_eq!(status_of(&io), (Status::Usage, true));
        assert_eq!(status_of(&failed(io)), (Status::Failure, true));
        assert_eq!(
            status_of(&reported(Status::Failure)),
            (Status::Failure, false)
        );
        let chained = failed(anyhow::anyhow!("cause").context("what failed"));
        assert_eq!(chained.to_string(), "what failed: cause");
    }
}
