//! A rule set that adds a question needs no code change: the form asks it, its answer
//! decides, and plain mode and the history carry it like any other. (The command line's
//! `--answer` is tested in `cli_screen`.)

mod cli_support;
mod tui_support;

use assert_cmd::Command;
use cli_support::{Run, extended_rule_set};
use ree_screen::rules::Outcome;
use ree_screen::screening::Field;
use ree_screen::tui::action::Action;
use ree_screen::tui::app::{App, Step};
use tui_support::{COLOUR, answer, apply};

fn extended_app() -> App {
    let rules = ree_screen::rules::parse("extended.json", &extended_rule_set()).expect("valid");
    App::new(rules, "2026-03-02".parse().expect("date"), COLOUR)
}

const CASE: [(&str, &str); 6] = [
    ("stage", "none"),
    ("goods", "other"),
    ("origin", "china_export"),
    ("recipient", "civil"),
    ("end_use_statement", "missing"),
    ("destination", "DE"),
];

#[test]
fn the_form_asks_the_added_question_and_its_answer_decides() {
    let mut app = extended_app();
    let asked = answer(&mut app, &CASE);
    assert!(
        asked.iter().any(|q| q == "end_use_statement"),
        "asked: {asked:?}"
    );
    apply(&mut app, (0..Field::ALL.len() + 1).map(|_| Action::Next));
    assert_eq!(app.step, Step::Result);
    let decision = app.decision.as_ref().expect("a determination");
    let d = &decision.screening.determination;
    assert_eq!(d.outcome, Outcome::CaseByCase);
    assert_eq!(
        d.decided_by.first().map(String::as_str),
        Some("test-statement")
    );
    assert_eq!(d.answers.get("end_use_statement"), Some("missing"));
    let draft = app.draft().expect("an unsaved determination keeps a draft");
    assert_eq!(draft.answers.get("end_use_statement"), Some("missing"));
}

#[test]
fn plain_mode_and_the_history_carry_the_added_question() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rules = dir.path().join("extended.json");
    std::fs::write(&rules, extended_rule_set()).expect("write rules");
    let ree = |args: &[&str], stdin: &str| {
        Run::of(
            Command::cargo_bin("ree-screen")
                .expect("binary")
                .env("REE_SCREEN_TODAY", "2026-03-02")
                .env("REE_SCREEN_DATA_DIR", dir.path().join("data"))
                .env("REE_SCREEN_CONFIG", dir.path().join("settings.toml"))
                .env("REE_SCREEN_STATE_DIR", dir.path().join("state"))
                .env("REE_SCREEN_CACHE_DIR", dir.path().join("cache"))
                .arg("--rules")
                .arg(&rules)
                .args(args)
                .write_stdin(stdin),
        )
    };
    // Date, stage none, goods other, origin exported, recipient civil, statement missing,
    // destination DE, five record fields, confirm.
    let run = ree(&["--plain"], "\n7\n8\n1\n9\n2\nDE\nPO-X\n\n\n\n\ny\n");
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains(": End-use statement\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("OUTCOME: [ ?] Licence required, case-by-case review"),
        "{}",
        run.stdout
    );
    let shown = ree(&["history", "list", "--format", "json"], "");
    let rows: serde_json::Value = serde_json::from_str(&shown.stdout).expect("json");
    let id = rows[0]["id"].as_str().expect("a saved record").to_string();
    let record = ree(&["history", "show", &id, "--format", "json"], "");
    assert!(
        record.stdout.contains("end_use_statement"),
        "{}",
        record.stdout
    );
    let text = ree(&["history", "show", &id], "");
    assert!(
        text.stdout.contains("End-use statement: Missing"),
        "{}",
        text.stdout
    );
}
