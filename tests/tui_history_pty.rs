//! End to end: the real binary in a pseudo-terminal saves a screening, Ctrl-R opens the
//! history view with it listed, a date filter is typed, the record opens exactly as
//! decided, a re-screen on a typed date is saved, the original then says it is superseded
//! and refuses an override, the current record opens on a key and its override is filed
//! under the settings' officer, the impact view opens, and Esc comes back to the
//! determination as it was. A screening starts from an earlier one, and the officer typed
//! is remembered. A save waits for the history's lock while keys go on, and gives up.

mod cli_support;
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
    pty.send(&ENTER.repeat(4));
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
    // The header follows the determination and its duties: a page down shows it.
    pty.send("\x1b[6~");
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
    pty.send(&ENTER.repeat(6));
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
    // The determination on screen was screened again meanwhile: the save is of the earlier.
    pty.wait_for("The earlier determination was saved as");
    // The one screened since is not saved: quitting asks first.
    pty.send("q");
    pty.wait_for("Quit anyway?");
    pty.send("y");
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
    pty.send("\tPO-COPY\t\t\tK. Lee");
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

/// The workbench with a screening saved under `reference`, its history view open.
fn saved_and_listed(reference: &str) -> (tempfile::TempDir, Pty) {
    let data = tempfile::tempdir().expect("tempdir");
    let mut pty = Pty::spawn(data.path(), &[("NO_COLOR", "1")]);
    pty.answer_questions(&OCTOBER_KEYS);
    pty.send(&format!("{TAB}{reference}"));
    pty.wait_for(reference);
    pty.send(&ENTER.repeat(5));
    pty.wait_for("Review");
    pty.send(ENTER);
    pty.wait_for("Result - Determination");
    pty.send("s");
    pty.wait_for("Saved as");
    pty.send(CTRL_R);
    pty.wait_for(reference);
    (data, pty)
}

/// The licence key on a saved case: the form takes a number, a kind and a DD.MM.YYYY last
/// day; the case then shows the licence held and that it expires within 30 days.
#[test]
fn a_licence_recorded_from_the_view_shows_on_the_case_with_its_expiry_warning() {
    let (data, mut pty) = saved_and_listed("PO-LIC-9");
    pty.send(ENTER);
    pty.wait_for("Record exactly as decided");
    pty.send("l");
    pty.wait_for("Licence held for this case");
    // "Today" is 2025-10-20: the licence ends in 12 days.
    pty.send(&format!("LIC-9{TAB}\x152{TAB}01.11.2025{TAB}{TAB}MOFCOM"));
    pty.wait_for("MOFCOM");
    pty.send(ENTER);
    pty.wait_for("Licence saved as");
    pty.wait_for("Licence held: No. LIC-9 (technology export licence, MOFCOM), valid");
    pty.wait_for("LICENCE: EXPIRES in 12 day(s), on 2025-11-01");
    pty.send("q");
    pty.drain();
    let history = std::fs::read_to_string(data.path().join("history.jsonl")).expect("history");
    assert_eq!(history.lines().count(), 2, "{history}");
    assert!(
        history
            .lines()
            .nth(1)
            .is_some_and(|l| l.contains("\"kind\":\"licence\""))
    );
}

/// `e` on the history list writes what it shows to the file named in the dialog.
#[test]
fn the_history_list_exports_to_a_file_named_in_the_dialog() {
    let (data, mut pty) = saved_and_listed("PO-EXP-1");
    pty.send("e");
    pty.wait_for("Export what the list shows");
    pty.wait_for("File:         ree-screen-history-2025-10-20.csv");
    let path = data.path().join("cases.json");
    pty.send(&format!("\x154{TAB}\x15{}", path.display()));
    pty.wait_for("cases.json");
    pty.send(ENTER);
    pty.wait_for("Exported 1 record(s) to");
    pty.send("q");
    pty.drain();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("export")).expect("json");
    assert_eq!(json["records"].as_array().map(Vec::len), Some(1), "{json}");
}

/// Under the team policy `approval = "required"`, a record one member saved is pending in
/// the view; the same member's `A` is refused, another member's approves it (both run as
/// their own uid through `setpriv`; skipped where the tests cannot act as them).
#[test]
fn another_member_approves_in_the_view_and_the_saver_cannot() {
    use std::os::unix::fs::PermissionsExt;
    if !cli_support::can_act_as_members() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let team = cli_support::team_dir(dir.path());
    let policy = team.join("team.toml");
    std::fs::write(&policy, "approval = \"required\"\n").expect("policy");
    std::fs::set_permissions(&policy, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let saved = cli_support::as_user(
        1001,
        4321,
        &team,
        &cli_support::licence_required("PO-TEAM-1"),
    );
    assert_eq!(saved.code, Some(0), "{}", saved.stderr);

    let open_record = |uid: u32| {
        let user = format!("officer{uid}");
        let mut pty = Pty::spawn_as(uid, 4321, &team, &[("NO_COLOR", "1"), ("USER", &user)]);
        pty.send(CTRL_R);
        pty.wait_for("PO-TEAM-1");
        pty.send(ENTER);
        pty.wait_for("Approval: PENDING APPROVAL");
        pty.send("A");
        pty.wait_for("Approve this record");
        pty.send(&format!("Checked by {user}{ENTER}"));
        pty
    };
    let mut saver = open_record(1001);
    saver.wait_for("was saved by you");
    saver.send("\x03");
    saver.drain();
    let mut other = open_record(1002);
    other.wait_for("Approval saved as");
    other.wait_for("Approval: Approved by officer1002 (uid 1002): Checked by");
    other.send("q");
    other.drain();
}
