//! The interactive workbench: a ratatui form that walks an officer through one screening
//! (stage, origin, recipient, record details, review) to the determination. Elm-shaped: one
//! `App`, `Action`s, a pure `update` and a `view`; this module is the runtime at the edge.

pub mod action;
pub mod app;
pub mod draft;
pub mod history_io;
pub mod history_view;
pub mod keys;
pub mod screens;
pub mod terminal;
pub mod theme;
pub mod update;
pub mod view;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crossterm::event::{self, Event, KeyEventKind};

use crate::cli::{Cli, fail, open_history, save_screenings, today};
use action::Action;
use app::{App, Overlay};
use history_io::HistoryIo;
use keys::KeyMap;
use terminal::{Guard, Waiter, Wake};
use theme::Theme;
use update::{Effect, update};

/// Exit statuses for a terminal that went away, as a shell reports death by that signal.
const EXIT_HANGUP: u8 = 129;
const EXIT_TERMINATED: u8 = 143;

/// Open the workbench and run it until the officer quits or the terminal goes away.
pub fn run(cli: &Cli) -> ExitCode {
    // Settings first: a malformed file refuses to start before the terminal is touched.
    let (settings, rules) = match crate::settings::load_with_rules(cli.rules.as_ref()) {
        Ok(loaded) => loaded,
        Err(e) => return fail(e, 1),
    };
    let keys = match KeyMap::with_overrides(&settings.keys) {
        Ok(keys) => keys,
        Err(e) => return fail(e, 1),
    };
    if !std::io::stdout().is_terminal() {
        return fail(
            "the workbench needs a terminal; use `ree-screen screen` for scripts",
            1,
        );
    }
    let theme = Theme::from_env(settings.ascii(cli.ascii));
    let mut app = App::new(rules, today(), theme).with_defaults(settings.new_details());
    app.keys = keys;
    let data_dir = match crate::paths::data_dir(cli.data_dir.as_deref()) {
        Ok(dir) => Some(dir),
        Err(message) => {
            app.notice = Some(format!("Drafts are not kept: {message}"));
            None
        }
    };
    if let Some(dir) = &data_dir {
        match draft::load(dir) {
            Ok(Some(draft)) => app.overlay = Some(Overlay::Resume(Box::new(draft))),
            Ok(None) => {}
            Err(message) => app.notice = Some(message),
        }
    }
    let mut waiter = match Waiter::new() {
        Ok(waiter) => waiter,
        Err(e) => return fail(format!("cannot watch the terminal: {e}"), 1),
    };
    let mut guard = match Guard::start() {
        Ok(guard) => guard,
        Err(e) => return fail(format!("cannot set up the terminal: {e}"), 1),
    };
    let mut runtime = Runtime {
        cli,
        data_dir,
        history: HistoryIo::new(open_history(cli)),
    };
    let status = runtime.event_loop(&mut app, &mut guard, &mut waiter);
    drop(guard);
    status
}

struct Runtime<'a> {
    cli: &'a Cli,
    data_dir: Option<PathBuf>,
    history: HistoryIo,
}

impl Runtime<'_> {
    fn event_loop(&mut self, app: &mut App, guard: &mut Guard, waiter: &mut Waiter) -> ExitCode {
        loop {
            // A resize may arrive before crossterm watches SIGWINCH; the size is checked each time.
            if let Ok(size) = guard.terminal.size()
                && (size.width, size.height) != app.size
            {
                update(app, Action::Resize(size.width, size.height));
            }
            if let Err(e) = guard.draw(|frame| view::view(app, frame)) {
                self.keep_draft(app);
                return fail(format!("cannot draw: {e}"), 1);
            }
            // While the history loads, read a chunk whenever no key is waiting; otherwise
            // block until something happens.
            let wake = if self.history.wants_more() {
                match waiter.ready() {
                    Some(wake) => wake,
                    None => {
                        let more = self.history.load_more();
                        if self.dispatch(app, more) {
                            return self.leave(app, 0);
                        }
                        continue;
                    }
                }
            } else {
                waiter.wait()
            };
            match wake {
                Wake::Input => {}
                Wake::Terminate => return self.leave(app, EXIT_TERMINATED),
                Wake::HangUp => return self.leave(app, EXIT_HANGUP),
            }
            // Handle everything already queued, then draw once.
            loop {
                match event::poll(std::time::Duration::ZERO) {
                    Ok(true) => {}
                    Ok(false) => break,
                    Err(_) => return self.leave(app, EXIT_HANGUP),
                }
                let action = match event::read() {
                    Ok(event) => to_action(app, event),
                    Err(_) => return self.leave(app, EXIT_HANGUP),
                };
                if self.dispatch(app, action) {
                    return self.leave(app, 0);
                }
            }
        }
    }

    /// Update with an action and carry out the effects it leads to; true means quit.
    fn dispatch(&mut self, app: &mut App, action: Option<Action>) -> bool {
        let mut next = action;
        while let Some(action) = next.take() {
            match update(app, action) {
                Some(Effect::Quit) => return true,
                Some(effect) => next = self.perform(effect),
                None => {}
            }
        }
        false
    }

    /// Carry out an effect; its outcome comes back as the next action.
    fn perform(&mut self, effect: Effect) -> Option<Action> {
        match effect {
            Effect::Save(screening) => Some(Action::Saved(
                save_screenings(self.cli, std::slice::from_ref(&*screening)).and_then(|ids| {
                    ids.into_iter()
                        .next()
                        .ok_or_else(|| "the history returned no record id".to_string())
                }),
            )),
            Effect::SaveDraft(draft) => self.with_dir(|dir| draft::save(dir, &draft)),
            Effect::DiscardDraft => self.with_dir(draft::remove),
            Effect::History(effect) => self.history.perform(effect),
            Effect::Quit => None,
        }
    }

    fn with_dir(&self, act: impl FnOnce(&Path) -> Result<(), String>) -> Option<Action> {
        let dir = self.data_dir.as_deref()?;
        act(dir).err().map(Action::DraftFailed)
    }

    /// Keep what the officer entered so the next start offers it; a saved screening needs
    /// no draft.
    fn keep_draft(&self, app: &App) {
        if let Some(draft) = app.draft() {
            let _ = self.with_dir(|dir| draft::save(dir, &draft));
        }
    }

    fn leave(&self, app: &App, status: u8) -> ExitCode {
        self.keep_draft(app);
        ExitCode::from(status)
    }
}

/// Key presses through the command table (releases and repeats of other kinds are ignored),
/// pastes as text, resizes as sizes.
fn to_action(app: &App, event: Event) -> Option<Action> {
    match event {
        Event::Key(key) if key.kind == KeyEventKind::Press => {
            app.keys.action_for(app.context(), &key)
        }
        Event::Paste(text) => Some(Action::Paste(text)),
        Event::Resize(w, h) => Some(Action::Resize(w, h)),
        _ => None,
    }
}
