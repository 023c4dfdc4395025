//! The `ree-screen` binary: parse the arguments and hand over to `cli::run`. Everything else
//! lives in the library crate.

use std::process::ExitCode;

use clap::Parser;
use ree_screen::cli::Cli;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.command.is_some() {
        restore_default_sigpipe();
    }
    ree_screen::cli::run(cli)
}

/// Rust ignores SIGPIPE, so `ree-screen history list | head` would panic on the closed pipe.
/// Subcommands end quietly instead, as Unix tools do. The form and plain mode keep their own
/// handling of a lost terminal (they save the draft first).
#[cfg(unix)]
fn restore_default_sigpipe() {
    // SAFETY: called once at start-up, before any thread exists; SIG_DFL is a valid handler.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[cfg(not(unix))]
fn restore_default_sigpipe() {}
