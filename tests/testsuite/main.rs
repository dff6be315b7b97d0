//! The integration tests of cadence, one test binary (mdBook's
//! `tests/testsuite/` shape): each module is an area of the contract, and
//! [`support`] is the harness they share. A test starts from a fixture site
//! copied into a temporary folder (`SiteTest::good()`,
//! `SiteTest::from("site")`), changes it in a line per change, runs the
//! real binary and asserts on the exit status, the findings, the output and
//! the files written.
//!
//! `cargo test --test testsuite rules::` runs one area.

mod support;

mod build;
mod ci;
mod cli;
mod figures;
mod hf_sync;
mod init;
mod lifecycle;
mod outputs;
mod pipeline;
mod properties;
mod reading;
mod rules;
mod serve;
mod templates;
mod verify;
mod workflow;
mod yaml_styles;

mod prelude {
    pub use crate::support::files::{html_pages, listing, read, snapshot, tree};
    pub use crate::support::{GOOD_TODAY, Report, Run, SiteTest};
}
