//! `cadence`: parse the command line, run a command, and end with the exit
//! status it returns or its error carries (SPEC 5). Above every layer.

use std::process::ExitCode;

use cadence_site::commands::cli::{Cli, Command};
use cadence_site::commands::{self, status, terminal};
use clap::Parser;

/// mimalloc instead of the system allocator: a build allocates and frees
/// millions of small strings and JSON values from two threads, where
/// glibc's malloc spent a sixth of the time (arena locks, `mprotect` as
/// arenas grow, consolidation).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The stack of the threads that do the work. tera, and the template
/// check's walk, recurse once for each nested block, operator and call of
/// a template; the theme's bounds (`site::theme`'s shape and recursion
/// checks) keep that finite, and at those bounds a debug build needs about
/// 16 MB (a release build 2 MB). Only the pages a thread touches take
/// memory.
const STACK: usize = 64 << 20;

fn main() -> ExitCode {
    // Fails only if the pool was built already, which nothing does first.
    let _ = rayon::ThreadPoolBuilder::new()
        .stack_size(STACK)
        .build_global();
    let worker = std::thread::Builder::new()
        .name("cadence".into())
        .stack_size(STACK)
        .spawn(outcome);
    match worker.map(std::thread::JoinHandle::join) {
        Ok(Ok(code)) => code,
        // A panic has printed its message; 101 is Rust's status for it.
        Ok(Err(_)) => ExitCode::from(101),
        Err(e) => {
            terminal::stopped(&anyhow::anyhow!("could not start a thread: {e}"));
            ExitCode::from(2)
        }
    }
}

/// The exit status of [`run`], its error printed.
fn outcome() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            let (status, print) = status::status_of(&e);
            if print {
                terminal::stopped(&e);
            }
            status.into()
        }
    }
}

/// Parse the command line and run the command (ripgrep's shape): every
/// error comes back here, with the exit status it carries ([`status`]).
fn run() -> anyhow::Result<ExitCode> {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return Ok(terminal::usage(e)),
    };
    if !matches!(cli.command, Command::Serve(_)) {
        keep_freed_memory();
    }
    commands::run(cli)
}

/// Keep memory that was freed for the rest of the run instead of giving
/// it back to the system a second later, as mimalloc does by default: a
/// command runs for seconds and frees and allocates again all along, and
/// at 100,000 releases `build` spent two seconds of system time (a sixth
/// of its time) in `madvise` and in faulting the same pages in again. The
/// peak resident size is the same; `serve`, which stays up between
/// rebuilds, keeps the default.
fn keep_freed_memory() {
    /// `mi_option_purge_delay` of mimalloc 3's `mi_option_t` (the
    /// crate's bindings do not name it): milliseconds, -1 for never.
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: sets a plain option value; mimalloc reads it on every purge.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, -1) };
}
