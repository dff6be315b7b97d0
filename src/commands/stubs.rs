//! Commands not written yet; each is replaced by its own module.

use anyhow::{Result, bail};

use super::Context;
use crate::cli::*;

pub fn build(_: &Context, _: &BuildArgs) -> Result<u8> {
    bail!("`cadence build` is not implemented yet")
}
pub fn serve(_: &Context, _: &ServeArgs) -> Result<u8> {
    bail!("`cadence serve` is not implemented yet")
}
pub fn init(_: &Context, _: &InitArgs) -> Result<u8> {
    bail!("`cadence init` is not implemented yet")
}
