//! Plain line mode end to end: answers piped into the real binary, as a screen-reader user
//! or a script would drive it.

mod cli_support;

use assert_cmd::Command;
use cli_support::Run;
use jiff::civil::Date;
use ree_screen::engine::Answers;
use ree_screen::report;
use ree_screen::screening::{Details, Screening};

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    fn settings(&self, text: &str) {
        std::fs::write(self.dir.path().join("settings.toml"), text).expect("write settings");
    }

    fn data_dir(&self) -> std::path::PathBuf {
        self.dir.path().join("data")
    }

    /// `ree-screen ARGS` fed `stdin`, on a terminal type that would not trigger plain mode.
    fn run(&self, args: &[&str], stdin: &str) -> Run {
        Run::of(
            Command::cargo_bin("ree-screen")
                .expect("binary")
                .env("REE_SCREEN_TODAY", "2025-11-20")
                .env("REE_SCREEN_DATA_DIR", self.data_dir())
                .env("REE_SCREEN_CONFIG", self.dir.path().join("settings.toml"))
                .env_remove("ACCESSIBLE")
                .env("TERM", "xterm")
                .args(args)
                .write_stdin(stdin),
        )
    }
}

/// Every question, field and the confirmation: mining, China, civil, today, PO-1.
const ANSWERS: &str = "1\n1\n7\n-\nPO-1\nACME GmbH\nDE\n\nchecked\ny\n";

#[test]
fn piped_answers_print_the_same_report_as_screen() {
    let env = Env::new();
    let run = env.run(&["--plain"], ANSWERS);

    let rules = ree_screen::rules::embedded().expect("rules");
    let details = Details {
        reference: "PO-1".into(),
        counterparty: "ACME GmbH".into(),
        destination: "DE".into(),
        officer: String::new(),
        notes: "checked".into(),
    };
    let answers = Answers::new("mining", "china", "civil");
    let expected = Screening::run(&rules, &answers, Date::constant(2025, 11, 20), details);
    assert!(
        run.stdout.contains(&report::text(&rules, &expected)),
        "report missing from:\n{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("Enter a number between 1 and 8 (? N for full help):")
    );
    assert!(
        !run.stdout.contains('\u{1b}'),
        "no escape sequences in plain mode"
    );

    // Saving goes through the history seam: either it saved and says so, or it says
    // clearly that it did not and exits non-zero, with the determination still printed.
    if run.code == Some(0) {
        assert!(run.stdout.contains("\nSaved as "), "{}", run.stdout);
    } else {
        assert_eq!(run.code, Some(1));
        assert!(run.stdout.contains("NOT SAVED"), "{}", run.stdout);
        assert!(
            run.stderr.contains("the screening was not saved"),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn redirected_input_starts_plain_mode_without_the_flag() {
    let run = Env::new().run(&[], "1\n");
    assert!(
        run.stdout.contains("Question 1 of 3: Technology stage"),
        "{}",
        run.stdout
    );
}

#[test]
fn end_of_input_exits_1_and_saves_nothing() {
    let env = Env::new();
    for partial in ["", "1\n1\n", "1\n1\n7\n\n\n\n\n\n\n"] {
        let run = env.run(&["--plain"], partial);
        assert_eq!(run.code, Some(1), "input {partial:?}");
        assert_eq!(
            run.stderr.lines().count(),
            1,
            "one line on stderr: {}",
            run.stderr
        );
        let message = "input ended before the screening was complete; nothing was saved";
        assert!(run.stderr.contains(message), "{}", run.stderr);
        assert!(
            !run.stdout.contains("OUTCOME:"),
            "no result for input {partial:?}"
        );
    }
    assert!(
        !env.data_dir().exists(),
        "nothing was written to the data directory"
    );
}

#[test]
fn wrong_entries_reprompt_and_user_text_is_sanitized() {
    let input = "abc\n0\n?\n1\n1\n7\nyesterday\n\n\u{1b}[2J-ref\n\n\n\n\ny\n";
    let run = Env::new().run(&["--plain"], input);
    for expected in [
        "Not accepted: \"abc\" is not a number: enter a number between 1 and 8.",
        "Not accepted: 0 is not one of the options: enter a number between 1 and 8.",
        "Help for 8. Not known yet",
        "Not accepted: \"yesterday\" is not a date: use YYYY-MM-DD",
        "Reference: \\u{1b}[2J-ref",
    ] {
        assert!(
            run.stdout.contains(expected),
            "{expected:?} not in:\n{}",
            run.stdout
        );
    }
    assert!(
        !run.stdout.contains('\u{1b}'),
        "the escape sequence never reaches the terminal"
    );
}

#[test]
fn settings_fill_the_officer_and_destination_defaults() {
    let env = Env::new();
    env.settings("officer = \"Jane Roe\"\ndestination = \"JP\"\n");
    let run = env.run(&["--plain"], "7\n4\n7\n\nPO-2\n\n\n\n\ny\n");
    let prompt = "Officer, up to 120 characters (- or Enter keeps \"Jane Roe\"):";
    assert!(run.stdout.contains(prompt), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("\nDestination: JP\nOfficer: Jane Roe\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn malformed_settings_refuse_to_start() {
    let env = Env::new();
    env.settings("officer = \"Jane\"\nascii = maybe\n");
    let run = env.run(&["--plain"], ANSWERS);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr.contains("settings.toml, line 2, column 9:"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stdout.contains("Question 1"),
        "no prompt before the settings are fixed"
    );
}
