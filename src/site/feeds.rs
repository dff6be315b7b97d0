//! Not written yet.

use super::OutputFile;
use super::catalog::Catalog;

pub fn render(_catalog: &Catalog) -> Vec<OutputFile> {
    Vec::new()
}
