//! The site layer: the derived [`catalog::Catalog`] and everything rendered
//! from it (pages through the theme's templates, feeds, calendars, the JSON
//! API, charts), and the atomic write of the output ([`output`]). It
//! imports only the model layer below it; the commands layer above it
//! decides what to render and where, and does the printing.

pub mod api;
pub mod build;
pub mod calendar;
pub mod catalog;
pub mod chart;
pub mod context;
pub mod escape;
pub mod feeds;
pub mod hub;
pub mod markdown;
pub mod numbers;
pub mod output;
pub mod pages;
pub mod refused;
pub mod shell;
pub mod theme;

/// One file of the output, by its path relative to the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

impl OutputFile {
    pub fn new(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        OutputFile {
            path: path.into(),
            bytes: bytes.into(),
        }
    }
}
