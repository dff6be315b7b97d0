//! cadence: a static release-site generator for model release channels.
//!
//! The pipeline runs in one direction: load (config, manifests, content)
//! → rules (findings) → the derived site → render → write. The code is in
//! three layers, each importing only the layers below it (the structure
//! test in `src/structure.rs` holds that, with no import cycles, files of at
//! most 600 lines and functions of at most 120):
//!
//! - [`model`]: what a site is, read from disk and checked (config,
//!   manifests, content, schedule, rules, findings);
//! - [`site`]: the derived catalog and everything rendered from it, and the
//!   atomic write of the output;
//! - [`commands`]: one module per command, what only commands use (the Hub
//!   client, the maintainer's workflow, the dev server), the exit statuses
//!   and the one module that prints ([`commands::terminal`]).
//!
//! `main.rs` stands above them: `main` calls `run`, which returns
//! `anyhow::Result<ExitCode>`.

pub mod commands;
pub mod model;
pub mod site;

#[cfg(test)]
mod structure;
