//! cadence: a static release-site generator for model release channels.
//!
//! The pipeline runs in one direction: [`load`] (config, manifests, content)
//! → [`rules`] (findings) → the derived site → render → write.

pub mod commands;
pub mod model;
pub mod site;

#[cfg(test)]
mod structure;
