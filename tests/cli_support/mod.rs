//! Running the real binary from integration tests: its exit status and output as text, and
//! the arguments of a screening.

// Each test crate that includes this module uses only part of it.
#![allow(dead_code)]

use assert_cmd::Command;

/// Exit status and output of one run of the binary.
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn of(command: &mut Command) -> Run {
        let output = command.output().expect("run");
        Run {
            code: output.status.code(),
            stdout: String::from_utf8(output.stdout).expect("utf-8 stdout"),
            stderr: String::from_utf8(output.stderr).expect("utf-8 stderr"),
        }
    }
}

/// `screen --stage STAGE --origin ORIGIN --recipient RECIPIENT`.
pub fn screen_args<'a>(stage: &'a str, origin: &'a str, recipient: &'a str) -> [&'a str; 7] {
    [
        "screen",
        "--stage",
        stage,
        "--origin",
        origin,
        "--recipient",
        recipient,
    ]
}
