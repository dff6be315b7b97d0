use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of the system allocator: a build allocates and frees
/// millions of small strings and JSON values from two threads, where
/// glibc's malloc spent a sixth of the time (arena locks, `mprotect` as
/// arenas grow, consolidation).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match cadence_site::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    ExitCode::from(cadence_site::commands::run(cli))
}
