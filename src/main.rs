use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    ree_screen::cli::run(ree_screen::cli::Cli::parse())
}
