//! cadence: a static release-site generator for model release channels.
//!
//! The pipeline runs in one direction: [`load`] (config, manifests, content)
//! → [`rules`] (findings) → the derived site → render → write.

pub mod commands;
pub mod model;
pub mod site;

pub use commands::{cli, hf, serve, stages, workflow};
pub use model::{
    config, content, diagnostics, load, manifest, read, rules, schedule, schema, text, yaml,
};

#[cfg(test)]
mod structure;
