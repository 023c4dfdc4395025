//! End to end: the real binary in a pseudo-terminal saves a screening, Ctrl-R opens the
//! history view with it listed, a date filter is typed, the record opens exactly as
//! decided, a re-screen on a typed date is saved, the original then says it is superseded
//! and refuses an override, the current record opens on a key and its override is filed
//! under the settings' officer, the impact view opens, and Esc comes back to the
//! determination as it was. A screening starts from an earlier one, and the officer typed
//! is remembered. A save waits for the history's lock while keys go on, and gives up.

mod tui_support;

use tui_support::{OCTOBER_KEYS, Pty};

const ENTER: &str = "\r";
const CTRL_R: &str = "\x12";
const ESC: &str = "\x1b";
const TAB: &str = "\t";

#[test]
fn a_saved_screening_is_listed_filtered_opened_rescreened_and_overridden() {
    let data = tempfile::tempdir().expect("tempdir");
    std::fs::write(data.path().join("settings.toml"), "officer = \"K. Lee\"\n").expect("settings");
    let settings = data.path().join("settings.toml");
    let settings = settings.to_str().expect("path");
    let mut pty = Pty::spawn(
        data.path(),
        &[("NO_COLOR", "1"), ("REE_SCREEN_CONFIG", settings)],
    );
    pty.answer_questions(&OCTOBER_KEYS);
    pty.send("\tPO-HIST-1\tAcme GmbH");
    pty.wait_for("Acme GmbH");
    pty.send(&ENTER.repeat(3));
    pty.wait_for("Review");
    pty.send(ENTER);
    pty.wait_for("Result - Determination");
    pty.send("s");
    pty.wait_for("Saved as");
    pty.send(CTRL_R);
    pty.wait_for("Cases (current records), newest saved first");
    pty.wait_for("PO-HIST-1");
    let screen = pty.contents();
    assert!(screen.contains("Acme GmbH"), "{screen}");
    assert!(screen.contains("1 case "), "{screen}");

    // A date filter shows whole as it is typed, and applies.
    pty.send(&format!("/{TAB}2025-10-21"));
    pty.wait_for("Since: 2025-10-21");
    pty.wait_for("0 of 1 case match");
    pty.send("\x15");
    pty.wait_for("any   1 case   ");
    pty.send(ENTER);
    pty.wait_for("Enter open");

    // The record, then a re-screen on a date typed over the prefilled one.
    pty.send(ENTER);
    pty.wait_for("Record exactly as decided");
    pty.wait_for("Reference: PO-HIST-1");
    pty.send("d");
    pty.wait_for("Date (YYYY-MM-DD): 2025-10-20");
    pty.send("2026-12-01");
    pty.wait_for("Date (YYYY-MM-DD): 2026-12-01");
    pty.send(ENTER);
    pty.wait_for("History - Re-screen on 2026-12-01");
    pty.send("s");
    pty.wait_for("(a new record)");

    // The original is superseded now: it says so first and is not overridden; `g` opens
    // the case's current record, whose override is filed under the settings' officer.
    pty.send(ESC);
    pty.wait_for("SUPERSEDED: not the case's current record");
    pty.wait_for("g opens the case's current record");
    pty.send("x");
    pty.wait_for("Superseded: nothing is done to this record; g opens the case's current one");
    pty.send("g");
    pty.wait_for("Record exactly as decided");
    pty.wait_for("Kind: re-screen");
    assert!(!pty.contents().contains("SUPERSEDED"), "{}", pty.contents());
    pty.send("x");
    pty.wait_for("Override the outcome");
    assert!(
        pty.contents().contains("Officer (required): K. Lee"),
        "{}",
        pty.contents()
    );
    // Focus is on the outcome list first: Up chooses, Tab goes to the reason, and what is
    // typed goes where the marker and the caret are.
    pty.wait_for("> Outcome (Up/Down):");
    pty.send(&format!("\x1b[A{TAB}Licence LIC-7 granted"));
    pty.wait_for("> Reason (required):  Licence LIC-7 granted");
    assert!(
        pty.contents().contains("  Officer (required): K. Lee"),
        "the officer's field is untouched: {}",
        pty.contents()
    );
    pty.send(ENTER);
    pty.wait_for("(a new record)");

    // The impact view, then back to the list and the determination.
    pty.send(ESC);
    pty.wait_for("Record exactly as decided");
    pty.send(ESC);
    pty.wait_for("Cases (current records), newest saved first");
    pty.send("i");
    pty.wait_for("current case(s) change");
    pty.send(ESC);
    pty.wait_for("Cases (current records), newest saved first");
    pty.send(ESC);
    pty.wait_for("Result - Determination");
    assert!(pty.contents().contains("Saved as"), "{}", pty.contents());
    pty.send("q");
    pty.drain();

    let history = std::fs::read_to_string(data.path().join("history.jsonl")).expect("history");
    let lines: Vec<&str> = history.lines().collect();
    assert_eq!(lines.len(), 3, "{history}");
    assert!(lines[1].contains("\"kind\":\"rescreen\""), "{}", lines[1]);
    assert!(lines[2].contains("\"kind\":\"override\""), "{}", lines[2]);
    let rescreen_id = lines[1]
        .split("\"id\":\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the re-screen's id");
    assert!(
        lines[2].contains(&format!("\"supersedes\":\"{rescreen_id}\"")),
        "the override supersedes the case's current record: {}",
        lines[2]
    );
    assert!(lines[2].contains("\"officer\":\"K. Lee\""), "{}", lines[2]);
    assert!(
        lines[2].contains("\"reason\":\"Licence LIC-7 granted\""),
        "{}",
        lines[2]
    );
}

/// The workbench at a determination with the history's lock held by another process (this
/// test: the lock goes with the file returned), saves giving up after `timeout` seconds.
fn at_result_with_the_history_locked(timeout: &str) -> (tempfile::TempDir, std::fs::File, Pty) {
    use std::os::unix::fs::OpenOptionsExt;
    let data = tempfile::tempdir().expect("tempdir");
    let held = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(data.path().join("history.jsonl"))
        .expect("history");
    held.lock().expect("lock");
    let mut pty = Pty::spawn(
        data.path(),
        &[("NO_COLOR", "1"), ("REE_SCREEN_LOCK_TIMEOUT", timeout)],
    );
    pty.answer_questions(&OCTOBER_KEYS);
    pty.send(&ENTER.repeat(5));
    pty.wait_for("Review");
    pty.send(ENTER);
    pty.wait_for("Result - Determination");
    (data, held, pty)
}

#[test]
fn a_save_waits_for_the_lock_saying_so_while_keys_go_on() {
    let (data, held, mut pty) = at_result_with_the_history_locked("30");
    pty.send("s");
    pty.wait_for("waiting for another ree-screen to finish with the history");
    // Keys go on meanwhile: the why-trace opens and closes, Esc goes back to the review.
    pty.send("w");
    pty.wait_for("Why");
    pty.send("w");
    pty.send(ESC);
    pty.wait_for("Review");
    pty.send(ENTER);
    pty.wait_for("Result - Determination");
    drop(held);
    pty.wait_for("Saved as");
    pty.send("q");
    pty.drain();
    let history = std::fs::read_to_string(data.path().join("history.jsonl")).expect("history");
    assert_eq!(history.lines().count(), 1, "{history}");
}

#[test]
fn a_save_gives_up_after_the_lock_timeout_with_a_clear_error() {
    let (_data, held, mut pty) = at_result_with_the_history_locked("2");
    pty.send("s");
    pty.wait_for("gave up after 2 s");
    pty.send(ESC);
    pty.wait_for("Review");
    pty.send("\x03");
    pty.drain();
    drop(held);
}

/// Start a new screening from an earlier one, from the determination and from a stored
/// record; the officer typed is remembered for the next session.
#[test]
fn a_screening_starts_from_an_earlier_one_and_the_officer_is_remembered() {
    let data = tempfile::tempdir().expect("tempdir");
    let mut pty = Pty::spawn(data.path(), &[("NO_COLOR", "1")]);
    pty.answer_questions(&OCTOBER_KEYS);
    pty.send("\tPO-COPY\t\tK. Lee");
    pty.wait_for("K. Lee");
    pty.send(&ENTER.repeat(2));
    pty.wait_for("Review");
    pty.send(ENTER);
    pty.wait_for("Result - Determination");
    pty.send("s");
    pty.wait_for("Saved as");
    // From the determination: the same answers and fields, on the review.
    pty.send("c");
    pty.wait_for("A new screening from record");
    assert!(
        pty.contents().contains("Reference: PO-COPY"),
        "{}",
        pty.contents()
    );
    pty.send(ENTER);
    pty.wait_for("Result - Determination");
    pty.send("s");
    pty.wait_for("Saved as");
    // From a stored record in the history view.
    pty.send(CTRL_R);
    pty.wait_for("PO-COPY");
    pty.send(ENTER);
    pty.wait_for("Record exactly as decided");
    pty.wait_for("Copied from:");
    pty.send("c");
    pty.wait_for("A new screening from record");
    pty.send("\x03");
    pty.drain();

    let history = std::fs::read_to_string(data.path().join("history.jsonl")).expect("history");
    let records: Vec<serde_json::Value> = history
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(records.len(), 2, "{history}");
    let record = |n: usize| &records[n]["record"];
    assert!(record(0)["id"].is_string(), "{history}");
    assert_eq!(
        record(1)["details"]["copied_from"],
        record(0)["id"],
        "the copy says which record it came from"
    );
    assert_eq!(record(1)["details"]["officer"], "K. Lee", "{history}");

    // The next session starts with the officer this user entered.
    let mut pty = Pty::spawn(data.path(), &[("NO_COLOR", "1")]);
    pty.wait_for("Resume");
    pty.send("n");
    pty.answer_questions(&OCTOBER_KEYS);
    pty.wait_for("Officer          K. Lee");
    pty.send("\x03");
    pty.drain();
}
