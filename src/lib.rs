//! cadence: a static release-site generator for model release channels.
//!
//! The pipeline runs in one direction: [`load`] (config, manifests, content)
//! → [`rules`] (findings) → the derived site → render → write.

pub mod cli;
pub mod commands;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod hf;
pub mod load;
pub mod manifest;
pub mod read;
pub mod rules;
pub mod schedule;
pub mod schema;
pub mod serve;
pub mod site;
pub mod stages;
pub mod text;
pub mod workflow;
pub mod yaml;

#[cfg(test)]
mod structure;
