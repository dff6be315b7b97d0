//! Commands not written yet; each is replaced by its own module.

use anyhow::{Result, bail};

use super::Context;
use crate::cli::*;

pub fn serve(_: &Context, _: &ServeArgs) -> Result<u8> {
    bail!("`cadence serve` is not implemented yet")
}
pub fn schedule(_: &Context, _: &ScheduleArgs) -> Result<u8> {
    bail!("`cadence schedule` is not implemented yet")
}
pub fn new(_: &Context, _: &NewCommand) -> Result<u8> {
    bail!("`cadence new` is not implemented yet")
}
pub fn announce(_: &Context, _: &AnnounceArgs) -> Result<u8> {
    bail!("`cadence announce` is not implemented yet")
}
pub fn hf_sync(_: &Context, _: &HfSyncArgs) -> Result<u8> {
    bail!("`cadence hf-sync` is not implemented yet")
}
