//! The one module that writes to the terminal (commands layer; the
//! structure test holds that no other module prints): command output to
//! stdout, and findings, errors, warnings, notes and progress to stderr.
//!
//! A message on stderr is printed line by line through
//! [`for_terminal`], the one escaping function: a control
//! character from a manifest, a template, a path or a Hub answer is shown
//! escaped (`\u{1b}`), never sent raw, and a long line is cut. Findings
//! arrive rendered by [`crate::model::diagnostics`] (escaped there, coloured on a
//! terminal) and command output (a table, JSON, an announcement) is data:
//! both are printed as they are.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use crate::commands::cli::Color;
use crate::commands::hf::sync::Event;
use crate::model::diagnostics::for_terminal;

/// Where text goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// Whether `stream` is a terminal.
pub fn is_terminal(stream: Stream) -> bool {
    match stream {
        Stream::Stdout => std::io::stdout().is_terminal(),
        Stream::Stderr => std::io::stderr().is_terminal(),
    }
}

/// Whether to colour what goes to `stream`: `--color`, else only on a
/// terminal and never with `NO_COLOR`.
pub fn color(choice: Color, stream: Stream) -> bool {
    match choice {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && is_terminal(stream)
        }
    }
}

/// A message made safe for the terminal: each line through
/// [`for_terminal`].
fn safe(message: &str) -> String {
    message
        .split('\n')
        .map(for_terminal)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Command output on stdout, as it is.
pub fn out(text: &str) {
    print!("{text}");
}

/// One line of command output on stdout, as it is.
pub fn out_line(text: &str) {
    println!("{text}");
}

/// Rendered findings (or other rendered text) on `stream`, as they are.
pub fn rendered(text: &str, stream: Stream) {
    match stream {
        Stream::Stdout => print!("{text}"),
        Stream::Stderr => eprint!("{text}"),
    }
}

/// `error: <message>` on stderr.
pub fn error(message: &str) {
    eprintln!("error: {}", safe(message));
}

/// The error that stopped a command: `error: <what failed: why>`, and,
/// for an I/O error, a `help:` line saying what to do next.
pub fn stopped(e: &anyhow::Error) {
    error(&format!("{e:#}"));
    if let Some(help) = io_help(e) {
        eprintln!("help: {help}");
    }
}

/// What to do next about the I/O error in `e`'s causes, by its kind: the
/// message names the path and what was done to it; this says how to fix it.
fn io_help(e: &anyhow::Error) -> Option<&'static str> {
    use std::io::ErrorKind::*;
    let io = e.chain().find_map(|c| c.downcast_ref::<std::io::Error>())?;
    Some(match io.kind() {
        NotFound => "check that the path exists (and --root, --out or the file name given)",
        PermissionDenied => "check the permissions of the file or folder named above",
        ReadOnlyFilesystem => "the folder is read-only: choose a writable one (--out)",
        StorageFull | QuotaExceeded => "free some disk space, then run the command again",
        AlreadyExists => "remove or rename what is in the way, then run the command again",
        AddrInUse => "pass another --port",
        AddrNotAvailable => "pass an address of this machine with --bind",
        _ => "check the file or folder named above, then run the command again",
    })
}

/// A line on stderr: a note, a hint, a next step, a stage's timing.
pub fn line(message: &str) {
    eprintln!("{}", safe(message));
}

/// Print clap's own message (help and version on stdout, a usage error on
/// stderr) and return its exit status: 0, or 2 for a usage error.
pub fn usage(e: clap::Error) -> ExitCode {
    let _ = e.print();
    ExitCode::from(if e.use_stderr() { 2 } else { 0 })
}

/// Progress and messages of the Hub commands on stderr: a bar on a
/// terminal, plain lines otherwise; nothing but errors with `--quiet`.
/// Cloned into the client's notice callback, so the bar is shared.
#[derive(Clone)]
pub struct Progress {
    bar: Arc<Mutex<Option<ProgressBar>>>,
    terminal: bool,
    quiet: bool,
    color: bool,
}

impl Progress {
    /// `color`: whether stderr is coloured.
    pub fn new(quiet: bool, color: bool) -> Progress {
        Progress {
            bar: Arc::new(Mutex::new(None)),
            terminal: !quiet && is_terminal(Stream::Stderr),
            quiet,
            color,
        }
    }

    fn with_bar(&self, f: impl FnOnce(&ProgressBar)) {
        if let Some(bar) = self.bar.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
            f(bar);
        }
    }

    /// Print a line on stderr without tearing the bar.
    pub fn line(&self, text: &str) {
        let text = safe(text);
        let guard = self.bar.lock().unwrap_or_else(|e| e.into_inner());
        match guard.as_ref() {
            Some(bar) => bar.suspend(|| eprintln!("{text}")),
            None => eprintln!("{text}"),
        }
    }

    /// `label: text`, the label coloured on a colour terminal.
    fn labelled(&self, label: &str, colour: &str, text: &str) {
        let text = safe(text);
        let guard = self.bar.lock().unwrap_or_else(|e| e.into_inner());
        let line = if self.color {
            format!("\x1b[{colour}m{label}\x1b[0m: {text}")
        } else {
            format!("{label}: {text}")
        };
        match guard.as_ref() {
            Some(bar) => bar.suspend(|| eprintln!("{line}")),
            None => eprintln!("{line}"),
        }
    }

    pub fn error(&self, text: &str) {
        self.labelled("error", "1;31", text);
    }

    pub fn warn(&self, text: &str) {
        if !self.quiet {
            self.labelled("warning", "1;33", text);
        }
    }

    pub fn event(&self, event: Event) {
        match event {
            Event::Phase { name, steps } => {
                self.finish();
                if self.terminal && steps > 0 {
                    let bar = ProgressBar::new(steps as u64);
                    if let Ok(style) = ProgressStyle::with_template(
                        "{spinner} {prefix} [{bar:25}] {pos}/{len} {wide_msg}",
                    ) {
                        bar.set_style(style.progress_chars("=> "));
                    }
                    bar.set_prefix(name);
                    bar.enable_steady_tick(Duration::from_millis(120));
                    *self.bar.lock().unwrap_or_else(|e| e.into_inner()) = Some(bar);
                }
            }
            Event::Step(text) => self.with_bar(|bar| {
                bar.inc(1);
                bar.set_message(safe(&text));
            }),
            Event::Detail(text) => self.with_bar(|bar| bar.set_message(safe(&text))),
            Event::Done(text) => {
                if !self.quiet {
                    self.line(&text);
                }
            }
            Event::Error(text) => self.error(&text),
            Event::Warning(text) => self.warn(&text),
        }
    }

    /// Clear the bar, so that stdout can be written cleanly.
    pub fn finish(&self) {
        if let Some(bar) = self.bar.lock().unwrap_or_else(|e| e.into_inner()).take() {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::diagnostics;

    #[test]
    fn messages_are_escaped_line_by_line() {
        assert_eq!(safe("plain"), "plain");
        assert_eq!(
            safe("a\u{1b}]0;pwned\u{7}b\nhelp: c\td"),
            "a\\u{1b}]0;pwned\\u{7}b\nhelp: c\\td"
        );
        let long = "x".repeat(diagnostics::MAX_MESSAGE * 2);
        assert_eq!(
            safe(&long).chars().count(),
            diagnostics::MAX_MESSAGE,
            "a long line is cut"
        );
    }

    #[test]
    fn an_io_error_gets_a_next_step() {
        let missing = std::io::Error::from(std::io::ErrorKind::NotFound);
        let e = anyhow::Error::new(missing).context("reading releases/m/c/1.0.0.yaml");
        assert!(io_help(&e).is_some_and(|h| h.contains("check that the path exists")));
        let denied = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        assert!(io_help(&anyhow::Error::new(denied)).is_some_and(|h| h.contains("permissions")));
        assert_eq!(io_help(&anyhow::anyhow!("not an I/O error")), None);
    }
}
