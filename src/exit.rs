//! How commands end: an error message on stderr (never a panic when stderr is gone) and the
//! exit statuses scripts rely on.

use std::io::Write;
use std::process::ExitCode;

/// A usage error (a bad option value), as clap uses.
pub const USAGE: u8 = 2;
/// Some batch row failed.
pub const ROWS_FAILED: u8 = 3;
/// `screen --fail-on`: the outcome is at least that severe.
pub const OUTCOME_AT_LEAST: u8 = 4;

/// Print an error the way every command does, and give the exit status.
pub fn fail(message: impl std::fmt::Display, status: u8) -> ExitCode {
    let _ = writeln!(
        std::io::stderr(),
        "ree-screen: {}",
        crate::text::sanitize_lines(&message.to_string())
    );
    ExitCode::from(status)
}
