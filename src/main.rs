use std::process::ExitCode;

use clap::Parser;

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
