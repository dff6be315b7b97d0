//! The maintainer's workflow: what `cadence new` suggests and writes, and
//! the announcements `cadence announce` renders and mails.
//!
//! - [`suggest`]: the next version of a channel, the release a new manifest
//!   is prefilled from, the next open slot to skip.
//! - [`scaffold`]: the commented YAML `cadence new` writes, with blanks that
//!   `cadence check` reports until they are filled in.
//! - [`announcement`]: the template context of a release or skip and the
//!   rendered subject and body.
//! - [`plain`]: markdown to plain text and wrapping for mail.
//! - [`mail`]: RFC 5322 messages (`--eml`).
//! - [`fill`]: `cadence verify --fill`, writing what the Hub knows into a
//!   manifest in place.
//!
//! Part of the commands layer.

pub mod announcement;
pub mod fill;
pub mod mail;
pub mod plain;
pub mod scaffold;
pub mod suggest;
