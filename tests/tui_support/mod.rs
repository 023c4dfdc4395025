//! Shared helpers for the workbench tests: an `App` with a fixed "today", rendering into a
//! `TestBackend`, and the real binary in a pseudo-terminal whose output feeds a vt100 screen.
#![allow(dead_code)]

use std::io::Read;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use expectrl::Session;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ree_screen::tui::action::Action;
use ree_screen::tui::app::App;
use ree_screen::tui::theme::Theme;
use ree_screen::tui::update::{Effect, update};
use ree_screen::tui::view::view;

pub const TODAY: &str = "2025-10-20";

pub fn app() -> App {
    let rules = ree_screen::rules::embedded().expect("embedded rules load");
    App::new(
        rules,
        TODAY.parse().expect("date"),
        Theme {
            no_color: false,
            ascii: false,
        },
    )
}

/// Apply actions in order and return the effects they asked for.
pub fn apply(app: &mut App, actions: impl IntoIterator<Item = Action>) -> Vec<Effect> {
    actions.into_iter().filter_map(|a| update(app, a)).collect()
}

pub fn type_text(app: &mut App, text: &str) -> Vec<Effect> {
    apply(app, text.chars().map(Action::Type))
}

/// The screen as text at `width` x `height`, after telling the app its size.
pub fn render(app: &mut App, width: u16, height: u16) -> String {
    update(app, Action::Resize(width, height));
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal
        .draw(|frame| {
            view(app, frame);
        })
        .expect("draw");
    terminal.backend().to_string()
}

/// The workbench's environment for a test: its data directory, "today" and the terminal
/// pinned, colour on, then `env` on top.
pub fn pin_env(command: &mut Command, data_dir: &Path, env: &[(&str, &str)]) {
    command
        .env("REE_SCREEN_DATA_DIR", data_dir)
        .env("REE_SCREEN_TODAY", TODAY)
        .env("TERM", "xterm-256color")
        .env("LANG", "C.UTF-8")
        .env_remove("NO_COLOR");
    for (key, value) in env {
        command.env(key, value);
    }
}

/// The real binary in a pseudo-terminal, with its data directory and "today" pinned.
pub struct Pty {
    pub session: expectrl::session::OsSession,
    pub output: Vec<u8>,
    pub screen: vt100::Parser,
}

impl Pty {
    pub fn spawn(data_dir: &Path, env: &[(&str, &str)]) -> Pty {
        let mut command = Command::new(env!("CARGO_BIN_EXE_ree-screen"));
        pin_env(&mut command, data_dir, env);
        let session = Session::spawn(command).expect("spawn ree-screen in a pty");
        Pty {
            session,
            output: Vec::new(),
            screen: vt100::Parser::default(),
        }
    }

    /// Read what the program writes until it has been quiet for `quiet`, or `limit` passes.
    /// Returns the bytes read in this call.
    pub fn settle(&mut self, quiet: Duration, limit: Duration) -> Vec<u8> {
        let start = Instant::now();
        let mut last = Instant::now();
        let mut fresh = Vec::new();
        let mut buf = [0u8; 8192];
        while start.elapsed() < limit && last.elapsed() < quiet {
            match self.session.try_read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    fresh.extend_from_slice(&buf[..n]);
                    last = Instant::now();
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    std::thread::sleep(Duration::from_millis(2))
                }
                Err(_) => break,
            }
        }
        self.screen.process(&fresh);
        self.output.extend_from_slice(&fresh);
        fresh
    }

    /// Wait until the screen shows `text` (or fail after a few seconds).
    pub fn wait_for(&mut self, text: &str) {
        let start = Instant::now();
        while !self.contents().contains(text) {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "timed out waiting for {text:?}; screen:\n{}",
                self.contents()
            );
            self.settle(Duration::from_millis(30), Duration::from_millis(200));
        }
    }

    pub fn send(&mut self, keys: &str) {
        use std::io::Write;
        self.session.write_all(keys.as_bytes()).expect("write keys");
        self.session.flush().expect("flush keys");
    }

    pub fn contents(&self) -> String {
        self.screen.screen().contents()
    }

    /// Answer the three questions, each with `keys` then Enter, waiting for every step, and
    /// stop on the record details.
    pub fn answer_questions(&mut self, keys: [&str; 3]) {
        for (step, key) in keys.iter().enumerate() {
            self.wait_for(&format!("Step {} of 5", step + 1));
            self.send(&format!("{key}\r"));
        }
        self.wait_for("Step 4 of 5 - Record details");
    }

    /// How the program ended, once it has within `limit` (reading its output meanwhile,
    /// then the rest); None if it is still running.
    pub fn wait_exit(&mut self, limit: Duration) -> Option<expectrl::process::unix::WaitStatus> {
        let start = Instant::now();
        loop {
            let status = self.session.get_process().status().expect("process status");
            if status != expectrl::process::unix::WaitStatus::StillAlive {
                self.drain();
                return Some(status);
            }
            if start.elapsed() >= limit {
                return None;
            }
            self.settle(Duration::from_millis(10), Duration::from_millis(20));
        }
    }

    /// Read everything left until the program exits.
    pub fn drain(&mut self) {
        let mut rest = Vec::new();
        let _ = self.session.read_to_end(&mut rest);
        self.screen.process(&rest);
        self.output.extend_from_slice(&rest);
    }
}

/// Answer the three questions with 1-based option numbers (8, 5, 8 is unknown everywhere).
pub fn answer(app: &mut App, picks: [u8; 3]) {
    for pick in picks {
        apply(app, [Action::Jump(pick), Action::Next]);
    }
}

/// A fresh app answered with `picks`, the record fields left as they are, at the result.
pub fn at_result(picks: [u8; 3]) -> App {
    let mut app = app();
    answer(&mut app, picks);
    apply(&mut app, (0..7).map(|_| Action::Next));
    assert_eq!(app.step, ree_screen::tui::app::Step::Result);
    app
}
