//! End to end: the real binary in a pseudo-terminal saves a screening, Ctrl-R opens the
//! history view with it listed, and Esc comes back to the determination as it was.

mod tui_support;

use tui_support::Pty;

const ENTER: &str = "\r";
const CTRL_R: &str = "\x12";
const ESC: &str = "\x1b";

#[test]
fn a_saved_screening_is_listed_after_ctrl_r() {
    let data = tempfile::tempdir().expect("tempdir");
    let mut pty = Pty::spawn(data.path(), &[("NO_COLOR", "1")]);
    pty.answer_questions(["7", "1", "7"]);
    pty.send("\tPO-HIST-1\tAcme GmbH");
    pty.wait_for("Acme GmbH");
    pty.send(&ENTER.repeat(5));
    pty.wait_for("Result - Determination");
    pty.send("s");
    pty.wait_for("Saved as");
    pty.send(CTRL_R);
    pty.wait_for("Saved screenings, newest first");
    pty.wait_for("PO-HIST-1");
    let screen = pty.contents();
    assert!(screen.contains("Acme GmbH"), "{screen}");
    assert!(screen.contains("1 record "), "{screen}");
    pty.send(ENTER);
    pty.wait_for("Record as stored");
    pty.wait_for("Reference: PO-HIST-1");
    pty.send(ESC);
    pty.wait_for("Saved screenings, newest first");
    pty.send(ESC);
    pty.wait_for("Result - Determination");
    assert!(pty.contents().contains("Saved as"), "{}", pty.contents());
    pty.send("q");
    pty.drain();
}
