//! The model layer: what a site is, read from disk and checked.
//!
//! `cadence.toml` ([`config`]), the manifests under `releases/`
//! ([`manifest`]), the content pages ([`content`]), their loading
//! ([`load`], through the one reading function of [`read`]), the slot
//! arithmetic ([`schedule`]), the cadence rules ([`rules`]) and the
//! findings they report ([`diagnostics`]). It imports nothing from the
//! layers above it (`site`, `commands`); the structure test holds that.

pub mod config;
pub mod content;
pub mod diagnostics;
pub mod every;
pub mod lifecycle;
pub mod load;
pub mod manifest;
pub mod nesting;
pub mod read;
pub mod rules;
pub mod schedule;
pub mod schema;
pub mod text;
pub mod version;
pub mod yaml;
