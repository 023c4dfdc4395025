//! End to end: the real binary in a pseudo-terminal, driven by keys only. It screens cases
//! and reads the decisive clause's article off the first screen of the determination,
//! skips questions that cannot matter, ignores keys typed before the resume dialog showed,
//! never leaves a screen on Backspace (Esc goes back), and restores the terminal on quitting. A hang-up
//! keeps the draft and ends the process instead of spinning.

mod tui_support;

use std::time::{Duration, Instant};

use expectrl::process::unix::WaitStatus;
use ree_screen::screening::Field;
use ree_screen::tui::action::Action;
use tui_support::{OCTOBER_KEYS, Pty, drafts};

const ENTER: &str = "\r";
const BACKSPACE: &str = "\x7f";
const ESC: &str = "\x1b";

fn exit_status(pty: &mut Pty) -> WaitStatus {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let status = pty.session.get_process().status().expect("process status");
        if status != WaitStatus::StillAlive {
            pty.drain();
            return status;
        }
        assert!(
            Instant::now() < deadline,
            "ree-screen did not exit; screen:\n{}",
            pty.contents()
        );
        pty.settle(Duration::from_millis(20), Duration::from_millis(100));
    }
}

/// Quit with the determination unsaved: Ctrl-C asks, Ctrl-C again quits.
fn quit_unsaved(pty: &mut Pty) {
    pty.send("\x03");
    pty.wait_for("Quit anyway?");
    pty.send("\x03");
    exit_status(pty);
}

/// From the record details, through the review, to the determination.
fn screen_now(pty: &mut Pty) {
    pty.send(&ENTER.repeat(6));
    pty.wait_for("Review");
    pty.send(ENTER);
    pty.wait_for("Result - Determination");
}

#[test]
fn screens_a_case_with_keys_only_and_restores_the_terminal() {
    let data = tempfile::tempdir().expect("tempdir");
    let mut pty = Pty::spawn(data.path(), &[("NO_COLOR", "1")]);
    pty.answer_questions(&OCTOBER_KEYS);
    pty.send("\tPO-77\t深圳稀土有限公司");
    pty.wait_for("深圳稀土有限公司");
    pty.send(&ENTER.repeat(4));
    pty.wait_for("Review");
    assert!(pty.contents().contains("Counterparty: 深圳稀土有限公司"));
    pty.send(ENTER);
    pty.wait_for("Result - Determination");
    let screen = pty.contents();
    assert!(
        screen.contains("[!!] Licence denied in principle"),
        "{screen}"
    );
    assert!(screen.contains("Decided by: No. 61 Art. 3"), "{screen}");
    assert!(screen.contains("Not saved yet"), "{screen}");

    pty.send("q");
    pty.wait_for("Quit anyway?");
    pty.send("y");
    let status = exit_status(&mut pty);
    assert!(matches!(status, WaitStatus::Exited(_, 0)), "{status:?}");
    let output = &pty.output;
    assert!(
        output.ends_with(b"\x1b[?1049l"),
        "alternate screen left last: {:?}",
        tail(output)
    );
    let shown = find_last(output, b"\x1b[?25h");
    let hidden = find_last(output, b"\x1b[?25l");
    assert!(shown.is_some() && shown > hidden, "cursor shown at the end");
    assert!(
        find_last(output, b"\x1b[?1000h").is_none(),
        "the mouse is never captured"
    );
    assert!(
        find_last(output, b"\x1b[?2026h").is_some(),
        "frames use synchronized output"
    );
    let kept = drafts(data.path());
    assert!(kept.len() == 1 && kept[0].contains("PO-77"), "{kept:?}");
}

/// The decisive clause the form shows for the first option of every question asked, by
/// walking the same form through `update`.
fn first_options_decided_by() -> String {
    let mut app = tui_support::app();
    tui_support::answer(&mut app, &[]);
    tui_support::apply(&mut app, (0..Field::ALL.len() + 1).map(|_| Action::Next));
    let decision = app.decision.expect("screened");
    decision
        .presentation
        .decided_by
        .first()
        .map(|c| c.short())
        .expect("a clause decides")
}

#[test]
fn the_first_option_of_every_question_shows_what_decides_on_the_first_screen() {
    let data = tempfile::tempdir().expect("tempdir");
    let mut pty = Pty::spawn(data.path(), &[("NO_COLOR", "1")]);
    let asked = pty.answer_questions(&[]);
    assert!(!asked.is_empty());
    screen_now(&mut pty);
    let screen = pty.contents();
    let decisive = first_options_decided_by();
    assert!(screen.contains("Decided by: "), "{screen}");
    assert!(
        screen.contains(&format!("Decided by: {decisive}")),
        "{decisive}:\n{screen}"
    );
    quit_unsaved(&mut pty);
}

#[test]
fn the_october_case_shows_no_61_art_3_on_the_first_screen_at_80x24_without_colour() {
    let data = tempfile::tempdir().expect("tempdir");
    let mut pty = Pty::spawn(data.path(), &[("NO_COLOR", "1")]);
    let asked = pty.answer_questions(&OCTOBER_KEYS);
    assert_eq!(
        asked,
        [
            "Technology stage",
            "Goods shipped",
            "Material origin",
            "Recipient type",
            "Destination country"
        ]
    );
    screen_now(&mut pty);
    let screen = pty.contents();
    assert!(screen.contains("Decided by: No. 61 Art. 3"), "{screen}");
    assert!(screen.contains("decisive    No. 61 Art. 3"), "{screen}");
    quit_unsaved(&mut pty);
}

#[test]
fn no_chinese_nexus_skips_the_questions_that_cannot_matter() {
    let data = tempfile::tempdir().expect("tempdir");
    let mut pty = Pty::spawn(data.path(), &[]);
    let asked = pty.answer_questions(&[
        ("Technology stage", "7"),
        ("Goods shipped", "n61_part1"),
        ("Material origin", "6"),
    ]);
    assert_eq!(
        asked,
        ["Technology stage", "Goods shipped", "Material origin"]
    );
    pty.send(&ENTER.repeat(6));
    pty.wait_for("Review");
    let screen = pty.contents();
    assert!(
        screen.contains("Recipient type      not needed: Material origin is No Chinese"),
        "{screen}"
    );
    pty.send("\x03");
    exit_status(&mut pty);
}

#[test]
fn keys_typed_before_the_resume_dialog_showed_are_ignored() {
    let data = tempfile::tempdir().expect("tempdir");
    let mut first = Pty::spawn(data.path(), &[]);
    first.answer_questions(&OCTOBER_KEYS);
    first.send("\x03");
    exit_status(&mut first);
    assert_eq!(drafts(data.path()).len(), 1, "quitting keeps the draft");

    // Typed at once: before the program has drawn anything.
    let mut again = Pty::spawn(data.path(), &[]);
    again.send("y\t3");
    again.wait_for("Resume a draft?");
    again.settle(Duration::from_millis(300), Duration::from_secs(2));
    let screen = again.contents();
    assert!(screen.contains("Resume a draft?"), "{screen}");
    assert!(
        screen.contains("No. 61 Part 1 materi"),
        "its answers so far: {screen}"
    );
    assert!(
        screen.contains("Enter resume it"),
        "the keys say what they do: {screen}"
    );
    again.send(ENTER);
    again.wait_for("Record details");
    again.send("\x03");
    exit_status(&mut again);
    let kept = drafts(data.path());
    assert_eq!(
        kept.len(),
        1,
        "the resumed draft is the same draft: {kept:?}"
    );
    assert!(kept[0].contains("\"reference\": \"\""), "{}", kept[0]);
}

#[test]
fn backspace_only_edits_and_esc_goes_back_one_step() {
    let data = tempfile::tempdir().expect("tempdir");
    let mut pty = Pty::spawn(data.path(), &[]);
    pty.answer_questions(&OCTOBER_KEYS);
    pty.send("\tab");
    pty.wait_for("Reference        ab");
    // More presses than the field holds, fast and slow: the field empties and stays.
    for pause in [30, 30, 30, 800, 800] {
        pty.send(BACKSPACE);
        std::thread::sleep(Duration::from_millis(pause));
    }
    pty.settle(Duration::from_millis(300), Duration::from_secs(3));
    let screen = pty.contents();
    assert!(pty.header().contains("Record details"), "{screen}");
    assert!(
        !screen.contains("Reference        a"),
        "the field is empty: {screen}"
    );
    // Tab and Shift-Tab go round the fields and stay on the screen.
    pty.send("\t\t\t\t\t\t\x1b[Z\x1b[Z");
    pty.settle(Duration::from_millis(300), Duration::from_secs(2));
    assert!(
        pty.header().contains("Record details"),
        "{}",
        pty.contents()
    );
    // Esc goes back one step; Backspace in the empty country filter stays there.
    pty.send(ESC);
    pty.wait_for("Destination country");
    pty.send(BACKSPACE);
    pty.settle(Duration::from_millis(900), Duration::from_secs(2));
    assert!(
        pty.header().contains("Destination country"),
        "{}",
        pty.contents()
    );
    pty.send("\x03");
    exit_status(&mut pty);
}

#[test]
fn hang_up_keeps_the_draft_and_exits() {
    let data = tempfile::tempdir().expect("tempdir");
    let mut pty = Pty::spawn(data.path(), &[("NO_COLOR", "1")]);
    pty.wait_for("Question 1");
    pty.send(&format!("4{ENTER}"));
    pty.wait_for("Goods shipped");
    let pid = pty.session.get_process().pid().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-HUP", &pid])
        .status()
        .expect("kill");
    assert!(killed.success());
    let status = exit_status(&mut pty);
    assert!(matches!(status, WaitStatus::Exited(_, 129)), "{status:?}");
    assert!(pty.output.ends_with(b"\x1b[?1049l"));
    let kept = drafts(data.path());
    assert!(
        kept.len() == 1 && kept[0].contains("\"stage\": \"magnet_manufacturing\""),
        "{kept:?}"
    );

    let mut again = Pty::spawn(data.path(), &[]);
    again.wait_for("Resume a draft?");
    again.send("y");
    again.wait_for("Goods shipped");
    again.send("\x03");
    let status = exit_status(&mut again);
    assert!(
        matches!(status, WaitStatus::Exited(_, 0)),
        "Ctrl-C quits: {status:?}"
    );
}

#[test]
fn malformed_settings_refuse_to_start_before_the_terminal_is_touched() {
    let data = tempfile::tempdir().expect("tempdir");
    let config = data.path().join("settings.toml");
    std::fs::write(&config, "officer = \"J. Roe\"\nascii = yes\n").expect("write settings");
    let config_path = config.display().to_string();
    let mut pty = Pty::spawn(data.path(), &[("REE_SCREEN_CONFIG", config_path.as_str())]);
    let status = exit_status(&mut pty);
    assert!(matches!(status, WaitStatus::Exited(_, 1)), "{status:?}");
    let output = String::from_utf8_lossy(&pty.output);
    assert!(
        output.contains(&format!("settings file {config_path}, line 2")),
        "{output}"
    );
    assert!(
        find_last(&pty.output, b"\x1b[?1049h").is_none(),
        "no alternate screen: {output:?}"
    );
    assert!(
        find_last(&pty.output, b"\x1b[").is_none(),
        "no escape sequence at all"
    );
}

fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

fn tail(output: &[u8]) -> String {
    String::from_utf8_lossy(&output[output.len().saturating_sub(80)..]).into_owned()
}

/// The names typed are screened as typed; one possible match confirmed, one match
/// dismissed with a reason, and both kept in the saved record.
#[test]
fn name_matches_are_confirmed_and_dismissed_in_the_form() {
    let data = tempfile::tempdir().expect("tempdir");
    let mut pty = Pty::spawn(
        data.path(),
        &[("NO_COLOR", "1"), ("REE_SCREEN_TODAY", "2026-12-04")],
    );
    pty.answer_questions(&[
        ("Technology stage", "7"),
        ("Goods shipped", "2"),
        ("Material origin", "1"),
        ("Recipient type", "9"),
        ("Destination country", "US"),
    ]);
    pty.send("\t\tMP Materails\t美國稀土公司");
    pty.wait_for("Name matches (2)");
    pty.send("\x04"); // Ctrl-D: dismiss the end user's match
    pty.wait_for("Dismiss a name match");
    pty.send("\r");
    pty.wait_for("A dismissal needs a reason");
    pty.send("a namesake in Ohio\r");
    pty.wait_for("dismissed: a namesake in Ohio");
    pty.send("\x1b[Z\x19"); // Shift-Tab to the counterparty, Ctrl-Y: confirm
    pty.wait_for("confirmed MP Materials Corp.");
    pty.send(&ENTER.repeat(4));
    pty.wait_for("Review");
    pty.send(ENTER);
    pty.wait_for("Result - Determination");
    let screen = pty.contents();
    assert!(screen.contains("Export prohibited"), "{screen}");
    assert!(
        screen.contains("2026 No. 23 Control List: MP Materials"),
        "{screen}"
    );
    pty.send("s");
    pty.wait_for("Saved");
    let history = ree_screen::history::History::new(data.path());
    let text = std::fs::read_to_string(history.path()).expect("history");
    assert!(text.contains("\"reason\":\"a namesake in Ohio\""), "{text}");
    assert!(text.contains("\"confirmed\":true"), "{text}");
    pty.send("q");
    exit_status(&mut pty);
}

#[test]
fn y_copies_the_highlighted_clauses_address_with_osc_52() {
    use base64::Engine;
    let app = tui_support::at_result(&tui_support::OCTOBER);
    let decision = app.decision.as_ref().expect("screened");
    let url = decision
        .clauses()
        .next()
        .and_then(|c| c.sources.first())
        .map(|s| s.url.clone())
        .expect("the decisive clause has a source");
    let data = tempfile::tempdir().expect("tempdir");
    let mut pty = Pty::spawn(data.path(), &[]);
    pty.answer_questions(&OCTOBER_KEYS);
    screen_now(&mut pty);
    let before = pty.output.len();
    pty.send("y");
    pty.wait_for("Copied No. 61 Art. 3's address");
    let expected = format!(
        "\x1b]52;c;{}\x1b\\",
        base64::engine::general_purpose::STANDARD.encode(&url)
    );
    let sent = String::from_utf8_lossy(&pty.output[before..]).into_owned();
    assert!(sent.contains(&expected), "{expected:?} not in {sent:?}");
    // Enter shows the address whole on a line of its own, no border beside it.
    pty.send(ENTER);
    pty.wait_for("Sources:");
    assert!(
        pty.contents().lines().any(|l| l.trim_end() == url),
        "{}",
        pty.contents()
    );
    quit_unsaved(&mut pty);
}
