//! Shared helpers for the workbench tests: an `App` with a fixed "today", answering the
//! questions the form asks by option id, rendering into a `TestBackend`, and the real binary
//! in a pseudo-terminal whose output feeds a vt100 screen.
#![allow(dead_code)]

use std::io::Read;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use expectrl::Session;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ree_screen::screening::Field;
use ree_screen::tui::action::{Action, Edit};
use ree_screen::tui::app::{App, Step};
use ree_screen::tui::theme::Theme;
use ree_screen::tui::update::{Effect, update};
use ree_screen::tui::view::view;

pub const TODAY: &str = "2025-10-20";

pub const COLOUR: Theme = Theme {
    no_color: false,
    ascii: false,
};

pub fn app() -> App {
    app_on(TODAY)
}

/// A fresh workbench whose "today" is `today`.
pub fn app_on(today: &str) -> App {
    let rules = ree_screen::rules::embedded().expect("embedded rules load");
    App::new(rules, today.parse().expect("date"), COLOUR)
}

/// Apply actions in order and return the effects they asked for.
pub fn apply(app: &mut App, actions: impl IntoIterator<Item = Action>) -> Vec<Effect> {
    actions.into_iter().filter_map(|a| update(app, a)).collect()
}

pub fn type_text(app: &mut App, text: &str) -> Vec<Effect> {
    apply(app, text.chars().map(Action::Type))
}

/// Answer the question on screen with option `option` (by id), as the officer would: its
/// digit in a numbered list, typing the code in a country picker.
pub fn choose(app: &mut App, option: &str) {
    let Step::Question(q) = app.step else {
        panic!("not on a question but {:?}", app.step);
    };
    let question = &app.rules.questions[q];
    let position = question
        .options
        .iter()
        .position(|o| o.id == option)
        .unwrap_or_else(|| panic!("{} has no option {option}", question.id));
    if app.is_picker(q) {
        type_text(app, option);
    } else {
        app.highlight[q] = position;
    }
    apply(app, [Action::Next]);
}

/// Answer each question the form asks with the option named for it in `answers`
/// (question id, option id), or the first option when none is named; stop at the record
/// details. Returns the ids of the questions asked, in order.
pub fn answer(app: &mut App, answers: &[(&str, &str)]) -> Vec<String> {
    let mut asked = Vec::new();
    while let Step::Question(q) = app.step {
        let question = app.rules.questions[q].clone();
        asked.push(question.id.clone());
        let named = answers.iter().find(|(id, _)| *id == question.id);
        let option = named.map_or(question.options[0].id.as_str(), |(_, o)| *o);
        choose(app, option);
        assert!(asked.len() <= app.rules.questions.len(), "the form loops");
    }
    assert_eq!(app.step, Step::Details);
    asked
}

/// Replace the screening date as the officer types it over the selected value.
pub fn set_date(app: &mut App, date: &str) {
    assert_eq!(app.step, Step::Details);
    assert_eq!(app.focus, 0, "the date is the first field");
    apply(app, [Action::Edit(Edit::Clear)]);
    type_text(app, date);
    assert_eq!(app.field(Field::Date).value(), date);
}

/// A fresh app screened with `answers` on `date` (today), at the determination.
pub fn at_result_on(date: &str, answers: &[(&str, &str)]) -> App {
    let mut app = app_on(date);
    answer(&mut app, answers);
    apply(&mut app, (0..Field::ALL.len() + 1).map(|_| Action::Next));
    assert_eq!(app.step, Step::Result);
    app
}

pub fn at_result(answers: &[(&str, &str)]) -> App {
    at_result_on(TODAY, answers)
}

/// No. 18 items of Chinese origin re-exported to a German defence contractor: No. 61
/// Art. 3 decides on 2025-10-20.
pub const OCTOBER: [(&str, &str); 5] = [
    ("stage", "none"),
    ("goods", "n61_part1"),
    ("origin", "china_reexport"),
    ("recipient", "defense_contractor"),
    ("destination", "DE"),
];

/// The same goods to an ordinary civil buyer: on 2025-12-01 only No. 61's suspended
/// Art. 1(3) would apply; past 2026-11-10 it applies as written.
pub const CIVIL: [(&str, &str); 5] = [
    ("stage", "none"),
    ("goods", "n61_part1"),
    ("origin", "china_reexport"),
    ("recipient", "civil"),
    ("destination", "DE"),
];

/// Chinese exports of No. 18 items to a recipient not known yet: provisional, from licence
/// to prohibited.
pub const OPEN_RECIPIENT: [(&str, &str); 5] = [
    ("stage", "none"),
    ("goods", "n61_part1"),
    ("origin", "china_export"),
    ("recipient", "unknown"),
    ("destination", "DE"),
];

/// The screen as text at `width` x `height`, after telling the app its size.
pub fn render(app: &mut App, width: u16, height: u16) -> String {
    terminal(app, width, height).backend().to_string()
}

/// The terminal after drawing the app at `width` x `height`, for tests of styles.
pub fn terminal(app: &mut App, width: u16, height: u16) -> Terminal<TestBackend> {
    update(app, Action::Resize(width, height));
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal
        .draw(|frame| {
            view(app, frame);
        })
        .expect("draw");
    terminal
}

/// The workbench's environment for a test: its data directory (and cache), "today" and
/// the terminal pinned, colour on, then `env` on top.
pub fn pin_env(command: &mut Command, data_dir: &Path, env: &[(&str, &str)]) {
    command
        .env("REE_SCREEN_DATA_DIR", data_dir)
        .env("REE_SCREEN_CONFIG", data_dir.join("no-settings.toml"))
        .env("REE_SCREEN_CACHE_DIR", data_dir.join("cache"))
        .env("REE_SCREEN_STATE_DIR", data_dir.join("state"))
        .env("REE_SCREEN_TODAY", TODAY)
        .env("TERM", "xterm-256color")
        .env("LANG", "C.UTF-8")
        .env_remove("NO_COLOR");
    for (key, value) in env {
        command.env(key, value);
    }
}

/// The drafts kept in a data directory, as text.
pub fn drafts(data_dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(data_dir.join("drafts")) else {
        return Vec::new();
    };
    let mut drafts: Vec<String> = entries
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".json"))
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .collect();
    drafts.sort();
    drafts
}

/// The real binary in a pseudo-terminal, with its data directory and "today" pinned.
pub struct Pty {
    pub session: expectrl::session::OsSession,
    pub output: Vec<u8>,
    pub screen: vt100::Parser,
}

impl Pty {
    pub fn spawn(data_dir: &Path, env: &[(&str, &str)]) -> Pty {
        Pty::start(
            Command::new(env!("CARGO_BIN_EXE_ree-screen")),
            data_dir,
            env,
        )
    }

    fn start(mut command: Command, data_dir: &Path, env: &[(&str, &str)]) -> Pty {
        pin_env(&mut command, data_dir, env);
        let session = Session::spawn(command).expect("spawn ree-screen in a pty");
        Pty {
            session,
            output: Vec::new(),
            screen: vt100::Parser::default(),
        }
    }

    /// The workbench run as another user (uid = gid = `uid`) in the team group `group`,
    /// through `setpriv` (the tests run as root), on the team's data directory.
    pub fn spawn_as(uid: u32, group: u32, data_dir: &Path, env: &[(&str, &str)]) -> Pty {
        let mut command = Command::new("setpriv");
        command
            .arg(format!("--reuid={uid}"))
            .arg(format!("--regid={uid}"))
            .arg(format!("--groups={group}"))
            .arg("--")
            .arg(env!("CARGO_BIN_EXE_ree-screen"));
        Pty::start(command, data_dir, env)
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

    /// The header line: which step is on screen.
    pub fn header(&self) -> String {
        self.contents()
            .lines()
            .next()
            .unwrap_or_default()
            .to_string()
    }

    /// Answer each question the form asks, in order, with the keys given for it (a digit,
    /// or a country's code typed into the picker) then Enter; a question not named gets
    /// Enter alone (its first option). Stops on the record details and returns the titles
    /// of the questions asked.
    pub fn answer_questions(&mut self, keys: &[(&str, &str)]) -> Vec<String> {
        self.wait_for(" ree-screen | ");
        let mut asked = Vec::new();
        loop {
            self.settle(Duration::from_millis(50), Duration::from_millis(500));
            let header = self.header();
            let Some((_, title)) = header.split_once(" - ") else {
                break;
            };
            let title = title.trim().to_string();
            assert!(asked.len() < 10, "the form loops: {asked:?}");
            let key = keys
                .iter()
                .find(|(t, _)| title.starts_with(t))
                .map_or("", |(_, k)| *k);
            asked.push(title);
            self.send(&format!("{key}\r"));
            let start = Instant::now();
            while self.header() == header {
                assert!(
                    start.elapsed() < Duration::from_secs(10),
                    "no step after {header:?}; screen:\n{}",
                    self.contents()
                );
                self.settle(Duration::from_millis(30), Duration::from_millis(200));
            }
        }
        self.wait_for("Record details");
        asked
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

/// The keys for the October case in the pty: goods No. 18 items, origin Chinese re-export,
/// recipient defence contractor, destination DE (by their digits in the lists).
pub const OCTOBER_KEYS: [(&str, &str); 5] = [
    ("Technology stage", "7"),
    ("Goods shipped", "n61_part1"),
    ("Material origin", "2"),
    ("Recipient type", "4"),
    ("Destination country", "DE"),
];
