//! The maintainer's workflow: what `cadence new` suggests and writes, and
//! the announcements `cadence announce` renders and mails.
//!
//! - [`plain`]: markdown to plain text and wrapping for mail.
//! - [`mail`]: RFC 5322 messages (`--eml`).

pub mod mail;
pub mod plain;
