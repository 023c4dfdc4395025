//! End to end: signals from outside and a terminal that goes away. SIGINT and SIGQUIT sent
//! to the form keep the draft, restore the terminal and exit with 128 + the signal; a
//! closed terminal or SIGTERM ends the process within a second even while the main loop is
//! busy loading a large history, or has keys queued when the terminal closes.

mod tui_support;

use std::fs::OpenOptions;
use std::io::ErrorKind;
use std::os::fd::OwnedFd;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Child, Command, ExitStatus};
use std::time::{Duration, Instant};

use expectrl::process::unix::WaitStatus;
use ree_screen::Answers;
use ree_screen::history::{History, NewRecord};
use ree_screen::screening::{Details, Screening};
use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};
use rustix::termios::{LocalModes, Winsize, tcgetattr, tcsetwinsize};
use tui_support::{OCTOBER_KEYS, Pty, drafts, pin_env};

const CTRL_R: &str = "\x12";

/// The main loop must act on a stop itself or leave it to the watchdog, which steps in
/// after half a second; this leaves room for a loaded machine.
const PROMPT: Duration = Duration::from_millis(1500);

/// At the record details with `reference` typed into the Reference field.
fn typed_reference(pty: &mut Pty, reference: &str) {
    pty.answer_questions(&OCTOBER_KEYS);
    pty.send(&format!("\t{reference}"));
    pty.wait_for(reference);
}

fn kill(pty: &Pty, signal: &str) {
    let pid = pty.session.get_process().pid().to_string();
    let sent = Command::new("kill")
        .args([&format!("-{signal}"), &pid])
        .status()
        .expect("kill");
    assert!(sent.success());
}

/// The one draft kept, as text.
fn draft(dir: &Path) -> String {
    let kept = drafts(dir);
    assert_eq!(kept.len(), 1, "one draft is kept: {kept:?}");
    kept.concat()
}

fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// The output ends as a restored terminal's does: the alternate screen left last, with the
/// cursor shown after it was last hidden.
fn assert_restored_output(output: &[u8]) {
    let tail = String::from_utf8_lossy(&output[output.len().saturating_sub(80)..]);
    assert!(output.ends_with(b"\x1b[?1049l"), "{tail:?}");
    let shown = find_last(output, b"\x1b[?25h");
    assert!(
        shown.is_some() && shown > find_last(output, b"\x1b[?25l"),
        "cursor shown at the end: {tail:?}"
    );
}

/// The pseudo-terminal's modes are back to cooked: line editing again, not raw.
fn assert_cooked(pty: &Pty) {
    let master = pty
        .session
        .get_process()
        .get_raw_handle()
        .expect("pty handle");
    let modes = tcgetattr(&master).expect("terminal modes").local_modes;
    assert!(
        modes.contains(LocalModes::ICANON | LocalModes::ISIG),
        "{modes:?}"
    );
}

/// A signal sent to the form while the officer types: restored terminal, draft with the
/// typed reference, exit status 128 + the signal.
fn signal_while_typing(signal: &str, status: i32) {
    let data = tempfile::tempdir().expect("tempdir");
    let mut pty = Pty::spawn(data.path(), &[]);
    let reference = format!("PO-{signal}-7");
    typed_reference(&mut pty, &reference);
    // Idle: the watchdog and the wait send nothing to the terminal.
    pty.settle(Duration::from_millis(150), Duration::from_secs(2));
    let idle = pty.settle(Duration::from_millis(700), Duration::from_millis(700));
    assert!(
        idle.is_empty(),
        "an idle workbench writes nothing: {idle:?}"
    );

    kill(&pty, signal);
    let ended = pty.wait_exit(Duration::from_secs(5));
    assert!(
        matches!(ended, Some(WaitStatus::Exited(_, s)) if s == status),
        "SIG{signal}: {ended:?}"
    );
    assert_restored_output(&pty.output);
    assert_cooked(&pty);
    assert!(draft(data.path()).contains(&reference));
}

#[test]
fn sigint_keeps_the_draft_restores_the_terminal_and_exits_130() {
    signal_while_typing("INT", 130);
}

#[test]
fn sigquit_keeps_the_draft_restores_the_terminal_and_exits_131() {
    signal_while_typing("QUIT", 131);
}

/// A history whose newest lines are quick to show but whose next chunk (20,000 lines) takes
/// the workbench seconds to load in a debug build: 100 records with long notes, repeated.
fn big_history(dir: &Path) {
    let rules = ree_screen::rules::embedded().expect("embedded rules");
    let details = Details {
        reference: "PO-OLD".to_string(),
        counterparty: "Acme GmbH".to_string(),
        notes: "long notes ".repeat(200),
        ..Details::default()
    };
    let screening = Screening::run(
        &rules,
        &Answers::new()
            .with("stage", "none")
            .with("goods", "n61_part1")
            .with("origin", "china_export")
            .with("recipient", "civil")
            .with("destination", "DE"),
        tui_support::TODAY.parse().expect("date"),
        details,
    );
    let history = History::new(dir);
    let batch: Vec<_> = (0..100).map(|_| NewRecord::screening(&screening)).collect();
    history
        .append(&batch, &ree_screen::identity::Identity::current())
        .expect("saved");
    let lines = std::fs::read(history.path()).expect("read the history");
    let mut big = Vec::with_capacity(lines.len() * 205);
    for _ in 0..205 {
        big.extend_from_slice(&lines);
    }
    std::fs::write(history.path(), big).expect("write the history");
}

/// The history view has shown its first page and is loading the next chunk.
fn busy_loading(pty: &mut Pty) {
    pty.send(CTRL_R);
    pty.wait_for("newest saved first");
}

#[test]
fn sigterm_while_loading_a_large_history_ends_within_a_second() {
    let data = tempfile::tempdir().expect("tempdir");
    big_history(data.path());
    let mut pty = Pty::spawn(data.path(), &[]);
    typed_reference(&mut pty, "PO-TERM-3");
    busy_loading(&mut pty);

    kill(&pty, "TERM");
    let sent = Instant::now();
    let ended = pty.wait_exit(Duration::from_secs(10));
    let took = sent.elapsed();
    assert!(
        matches!(ended, Some(WaitStatus::Exited(_, 143))),
        "{ended:?}"
    );
    assert!(took < PROMPT, "SIGTERM acted on after {took:?}");
    assert_restored_output(&pty.output);
    assert_cooked(&pty);
    assert!(draft(data.path()).contains("PO-TERM-3"));
}

/// The binary on a pseudo-terminal the test owns outright, so it can close the terminal
/// (the master side) as a closed window or a killed tmux pane does. The binary runs in a
/// session of its own without a controlling terminal, so the hang-up is all it gets: no
/// SIGHUP comes with it.
struct OwnPty {
    master: Option<OwnedFd>,
    child: Child,
    screen: vt100::Parser,
}

impl OwnPty {
    fn spawn(data_dir: &Path) -> OwnPty {
        let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY | OpenptFlags::CLOEXEC)
            .expect("open a pty");
        grantpt(&master).expect("grantpt");
        unlockpt(&master).expect("unlockpt");
        let size = Winsize {
            ws_row: 24,
            ws_col: 80,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        tcsetwinsize(&master, size).expect("window size");
        rustix::io::ioctl_fionbio(&master, true).expect("non-blocking master");
        let name = ptsname(&master, Vec::new()).expect("ptsname");
        let name = name.to_str().expect("pty name");
        let slave = OpenOptions::new()
            .read(true)
            .write(true)
            .open(name)
            .expect("open the pty's terminal");
        // setsid(1) execs the binary in place (same pid) in a new session.
        let mut command = Command::new("setsid");
        command.arg(env!("CARGO_BIN_EXE_ree-screen"));
        pin_env(&mut command, data_dir, &[]);
        command
            .stdin(slave.try_clone().expect("stdin"))
            .stdout(slave.try_clone().expect("stdout"))
            .stderr(slave);
        let child = command.spawn().expect("spawn ree-screen");
        // Only the master stays open here: closing it hangs the terminal up.
        drop(command);
        OwnPty {
            master: Some(master),
            child,
            screen: vt100::Parser::default(),
        }
    }

    fn master(&self) -> &OwnedFd {
        self.master.as_ref().expect("the terminal is open")
    }

    fn read_some(&mut self) {
        let mut buf = [0u8; 8192];
        loop {
            match rustix::io::read(self.master(), &mut buf) {
                Ok(0) => return,
                Ok(n) => self.screen.process(&buf[..n]),
                Err(e) if e.kind() == ErrorKind::WouldBlock => return,
                Err(e) => panic!("reading the pty: {e}"),
            }
        }
    }

    fn wait_for(&mut self, text: &str) {
        let start = Instant::now();
        loop {
            self.read_some();
            if self.screen.screen().contents().contains(text) {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "timed out waiting for {text:?}; screen:\n{}",
                self.screen.screen().contents()
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    fn send(&mut self, keys: &str) {
        let mut rest = keys.as_bytes();
        while !rest.is_empty() {
            match rustix::io::write(self.master(), rest) {
                Ok(n) => rest = &rest[n..],
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    std::thread::sleep(Duration::from_millis(1))
                }
                Err(e) => panic!("writing to the pty: {e}"),
            }
        }
    }

    /// The October case, one question at a time.
    fn answer_questions(&mut self) {
        for (title, key) in OCTOBER_KEYS {
            self.wait_for(&format!(" - {title}"));
            self.send(&format!("{key}\r"));
        }
        self.wait_for("Record details");
    }

    /// Close the terminal and time how long the process takes to end (None: still running
    /// after `limit`).
    fn close(&mut self, limit: Duration) -> Option<(ExitStatus, Duration)> {
        self.master = None;
        let closed = Instant::now();
        while closed.elapsed() < limit {
            if let Some(status) = self.child.try_wait().expect("child status") {
                return Some((status, closed.elapsed()));
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        None
    }
}

impl Drop for OwnPty {
    fn drop(&mut self) {
        // A process still spinning on the closed terminal would outlive the test.
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The workbench on its own pty with a big history and a reference typed.
fn own_pty_with_reference(data_dir: &Path, reference: &str) -> OwnPty {
    big_history(data_dir);
    let mut pty = OwnPty::spawn(data_dir);
    pty.answer_questions();
    pty.send(&format!("\t{reference}"));
    pty.wait_for(reference);
    pty
}

fn assert_hung_up_promptly(ended: Option<(ExitStatus, Duration)>) {
    let Some((status, took)) = ended else {
        panic!("still running after the terminal closed");
    };
    assert_eq!(
        (status.code(), status.signal()),
        (Some(129), None),
        "{status:?}"
    );
    assert!(took < PROMPT, "ended {took:?} after the terminal closed");
}

#[test]
fn a_terminal_closed_while_idle_ends_the_process() {
    let data = tempfile::tempdir().expect("tempdir");
    let mut pty = OwnPty::spawn(data.path());
    pty.wait_for("Question 1");
    pty.send("6\r");
    // A list: no caret, so the cursor is hidden when the terminal closes.
    pty.wait_for("Production line");
    assert_hung_up_promptly(pty.close(Duration::from_secs(3)));
    assert!(draft(data.path()).contains("\"stage\""));
}

#[test]
fn a_terminal_closed_while_loading_a_large_history_ends_the_process() {
    let data = tempfile::tempdir().expect("tempdir");
    let mut pty = own_pty_with_reference(data.path(), "PO-HUP-1");
    pty.send(CTRL_R);
    pty.wait_for("newest saved first");
    assert_hung_up_promptly(pty.close(Duration::from_secs(10)));
    assert!(draft(data.path()).contains("PO-HUP-1"));
}

#[test]
fn a_terminal_closed_with_keys_queued_ends_the_process_instead_of_spinning() {
    let data = tempfile::tempdir().expect("tempdir");
    let mut pty = own_pty_with_reference(data.path(), "PO-HUP-2");
    // Each Ctrl-R (re)opens the history and reads its newest lines: the queue keeps the main
    // loop handling keys, between crossterm's reads, when the terminal closes.
    pty.send(&CTRL_R.repeat(30));
    std::thread::sleep(Duration::from_millis(50));
    assert_hung_up_promptly(pty.close(Duration::from_secs(3)));
    assert!(draft(data.path()).contains("PO-HUP-2"));
}
