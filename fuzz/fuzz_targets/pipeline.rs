//! Arbitrary bytes through load → check → build: the first byte picks the
//! file they become (a manifest of either channel, a content page or
//! `cadence.toml`), the rest is its content. See `../pipeline.rs`.
//!
//! cargo fuzz run pipeline          (from the repository root; see README)

#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;

#[path = "../pipeline.rs"]
mod pipeline;

static PIPELINE: LazyLock<pipeline::Pipeline> = LazyLock::new(pipeline::Pipeline::new);

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    if let Err(broken) = PIPELINE.run(pipeline::Target::from_byte(first), rest) {
        panic!("{broken}");
    }
});
