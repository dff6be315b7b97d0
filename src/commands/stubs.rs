//! Commands not written yet; each is replaced by its own module.

use anyhow::{Result, bail};

use super::Context;
use crate::cli::*;

pub fn serve(_: &Context, _: &ServeArgs) -> Result<u8> {
    bail!("`cadence serve` is not implemented yet")
}
