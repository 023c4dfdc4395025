//! End to end: the real binary in a pseudo-terminal, driven by keys only. It screens a case,
//! the determination is read off the emulated screen, and quitting restores the terminal.
//! A hang-up keeps the draft and ends the process instead of spinning.

mod tui_support;

use std::time::{Duration, Instant};

use expectrl::process::unix::WaitStatus;
use tui_support::Pty;

const ENTER: &str = "\r";

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

#[test]
fn screens_a_case_with_keys_only_and_restores_the_terminal() {
    let data = tempfile::tempdir().expect("tempdir");
    let mut pty = Pty::spawn(data.path(), &[]);
    pty.wait_for("Step 1 of 5 - Technology stage");
    pty.answer_questions(["7", "1", "j"]);
    pty.send("\tPO-77\t深圳稀土有限公司");
    pty.wait_for("深圳稀土有限公司");
    pty.send(&ENTER.repeat(4));
    pty.wait_for("Step 5 of 5 - Review");
    assert!(pty.contents().contains("Counterparty: 深圳稀土有限公司"));
    pty.send(ENTER);
    pty.wait_for("Result - Determination");
    let screen = pty.contents();
    assert!(
        screen.contains("OUTCOME: [!!] Licence denied in principle"),
        "{screen}"
    );
    assert!(screen.contains("Clauses that fired"), "{screen}");
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
    let draft =
        std::fs::read_to_string(data.path().join("draft.json")).expect("quitting keeps the draft");
    assert!(draft.contains("PO-77"), "{draft}");
}

#[test]
fn hang_up_keeps_the_draft_and_exits() {
    let data = tempfile::tempdir().expect("tempdir");
    let mut pty = Pty::spawn(data.path(), &[("NO_COLOR", "1")]);
    pty.wait_for("Step 1 of 5");
    pty.send(&format!("4{ENTER}"));
    pty.wait_for("Step 2 of 5");
    let pid = pty.session.get_process().pid().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-HUP", &pid])
        .status()
        .expect("kill");
    assert!(killed.success());
    let status = exit_status(&mut pty);
    assert!(matches!(status, WaitStatus::Exited(_, 129)), "{status:?}");
    assert!(pty.output.ends_with(b"\x1b[?1049l"));
    let draft = std::fs::read_to_string(data.path().join("draft.json")).expect("draft kept");
    assert!(
        draft.contains("\"stage\": \"magnet_manufacturing\""),
        "{draft}"
    );

    let mut again = Pty::spawn(data.path(), &[]);
    again.wait_for("Resume draft?");
    again.send("y");
    again.wait_for("Step 2 of 5");
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
