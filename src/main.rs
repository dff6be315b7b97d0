use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of the system allocator: a build allocates and frees
/// millions of small strings and JSON values from two threads, where
/// glibc's malloc spent a sixth of the time (arena locks, `mprotect` as
/// arenas grow, consolidation).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match cadence_site::commands::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    if !matches!(cli.command, cadence_site::commands::cli::Command::Serve(_)) {
        keep_freed_memory();
    }
    ExitCode::from(cadence_site::commands::run(cli))
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
