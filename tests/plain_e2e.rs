//! Plain line mode end to end: answers piped into the real binary, as a screen-reader user
//! or a script would drive it.

use assert_cmd::Command;
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

    fn settings(&self, text: &str) -> &Env {
        std::fs::write(self.dir.path().join("settings.toml"), text).expect("write settings");
        self
    }

    fn data_dir(&self) -> std::path::PathBuf {
        self.dir.path().join("data")
    }

    fn cmd(&self) -> Command {
        let mut cmd = Command::cargo_bin("ree-screen").expect("binary");
        cmd.env("REE_SCREEN_TODAY", "2025-11-20")
            .env("REE_SCREEN_DATA_DIR", self.data_dir())
            .env("REE_SCREEN_CONFIG", self.dir.path().join("settings.toml"))
            .env_remove("ACCESSIBLE")
            .env("TERM", "xterm");
        cmd
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("utf-8 output")
}

/// Every question, field and the confirmation: mining, China, civil, today, PO-1.
const ANSWERS: &str = "1\n1\n7\n-\nPO-1\nACME GmbH\nDE\n\nchecked\ny\n";

#[test]
fn piped_answers_print_the_same_report_as_screen() {
    let env = Env::new();
    let output = env
        .cmd()
        .arg("--plain")
        .write_stdin(ANSWERS)
        .output()
        .expect("run");
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);

    let rules = ree_screen::rules::embedded().expect("rules");
    let details = Details {
        reference: "PO-1".into(),
        counterparty: "ACME GmbH".into(),
        destination: "DE".into(),
        officer: String::new(),
        notes: "checked".into(),
    };
    let expected = Screening::run(
        &rules,
        &Answers::new("mining", "china", "civil"),
        Date::constant(2025, 11, 20),
        details,
    );
    assert!(
        stdout.contains(&report::text(&rules, &expected)),
        "report missing from:\n{stdout}"
    );
    assert!(
        stdout.contains("Enter a number between 1 and 8 (? N for full help):"),
        "{stdout}"
    );
    assert!(
        !stdout.contains('\u{1b}'),
        "no escape sequences in plain mode"
    );

    // Saving goes through the history seam: either it saved and says so, or it says
    // clearly that it did not and exits non-zero, with the determination still printed.
    if output.status.success() {
        assert!(stdout.contains("\nSaved as "), "{stdout}");
    } else {
        assert_eq!(output.status.code(), Some(1));
        assert!(stdout.contains("NOT SAVED"), "{stdout}");
        assert!(stderr.contains("the screening was not saved"), "{stderr}");
    }
}

#[test]
fn redirected_input_starts_plain_mode_without_the_flag() {
    let env = Env::new();
    let output = env.cmd().write_stdin("1\n").output().expect("run");
    assert!(text(&output.stdout).contains("Question 1 of 3: Technology stage"));
}

#[test]
fn end_of_input_exits_1_and_saves_nothing() {
    let env = Env::new();
    for partial in ["", "1\n1\n", "1\n1\n7\n\n\n\n\n\n\n"] {
        let output = env
            .cmd()
            .arg("--plain")
            .write_stdin(partial)
            .output()
            .expect("run");
        assert_eq!(output.status.code(), Some(1), "input {partial:?}");
        let stderr = text(&output.stderr);
        assert_eq!(stderr.lines().count(), 1, "one line on stderr: {stderr}");
        assert!(
            stderr.contains("input ended before the screening was complete; nothing was saved"),
            "{stderr}"
        );
        assert!(
            !text(&output.stdout).contains("OUTCOME:"),
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
    let env = Env::new();
    let input = "abc\n0\n?\n1\n1\n7\nyesterday\n\n\u{1b}[2J-ref\n\n\n\n\ny\n";
    let output = env
        .cmd()
        .arg("--plain")
        .write_stdin(input)
        .output()
        .expect("run");
    let stdout = text(&output.stdout);
    assert!(
        stdout.contains("Not accepted: \"abc\" is not a number: enter a number between 1 and 8."),
        "{stdout}"
    );
    assert!(
        stdout
            .contains("Not accepted: 0 is not one of the options: enter a number between 1 and 8."),
        "{stdout}"
    );
    assert!(
        stdout.contains("Help for 8. Not known yet"),
        "? alone explains every option"
    );
    assert!(
        stdout.contains("Not accepted: \"yesterday\" is not a date: use YYYY-MM-DD"),
        "{stdout}"
    );
    assert!(stdout.contains("Reference: \\u{1b}[2J-ref"), "{stdout}");
    assert!(
        !stdout.contains('\u{1b}'),
        "the escape sequence never reaches the terminal"
    );
}

#[test]
fn settings_fill_the_officer_and_destination_defaults() {
    let env = Env::new();
    env.settings("officer = \"Jane Roe\"\ndestination = \"JP\"\n");
    let output = env
        .cmd()
        .arg("--plain")
        .write_stdin("7\n4\n7\n\nPO-2\n\n\n\n\ny\n")
        .output()
        .expect("run");
    let stdout = text(&output.stdout);
    assert!(
        stdout.contains("Officer, up to 120 characters (- or Enter keeps \"Jane Roe\"):"),
        "{stdout}"
    );
    assert!(
        stdout.contains("\nDestination: JP\nOfficer: Jane Roe\n"),
        "{stdout}"
    );
}

#[test]
fn malformed_settings_refuse_to_start() {
    let env = Env::new();
    env.settings("officer = \"Jane\"\nascii = maybe\n");
    let output = env
        .cmd()
        .arg("--plain")
        .write_stdin(ANSWERS)
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("settings.toml, line 2, column 9:"),
        "{stderr}"
    );
    assert!(
        !text(&output.stdout).contains("Question 1"),
        "no prompt before the settings are fixed"
    );
}
