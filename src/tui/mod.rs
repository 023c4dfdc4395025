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
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crossterm::event::{self, Event, KeyEventKind};

use crate::context::Context;
use crate::exit::fail;
use action::Action;
use app::{App, Overlay};
use draft::Draft;
use history_io::HistoryIo;
use keys::KeyMap;
use terminal::{Guard, Stop, Waiter, Wake, Watchdog};
use theme::Theme;
use update::{Effect, update};

/// Open the workbench and run it until the officer quits or the terminal goes away.
pub fn run(ctx: &Context, ascii: bool) -> ExitCode {
    let settings = &ctx.settings;
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
    let theme = Theme::from_env(ascii);
    let mut app = App::new(ctx.rules.clone(), ctx.today, theme)
        .with_defaults(settings.new_details(), settings.preselected(&ctx.rules));
    app.keys = keys;
    let data_dir = match &ctx.data_dir {
        Ok(dir) => Some(dir.clone()),
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
    let drafts = Arc::new(Drafts {
        dir: data_dir,
        latest: Mutex::new(app.draft()),
    });
    let mut waiter = match Waiter::new() {
        Ok(waiter) => waiter,
        Err(e) => return fail(format!("cannot watch the terminal: {e}"), 1),
    };
    let mut guard = match Guard::start() {
        Ok(guard) => guard,
        Err(e) => return fail(format!("cannot set up the terminal: {e}"), 1),
    };
    let published = Arc::clone(&drafts);
    let watchdog = match Watchdog::spawn(&waiter, move || published.keep_latest()) {
        Ok(watchdog) => watchdog,
        Err(e) => {
            drop(guard);
            return fail(format!("cannot watch the terminal: {e}"), 1);
        }
    };
    let mut runtime = Runtime {
        ctx,
        drafts,
        history: HistoryIo::new(ctx.history(), ctx.identity.clone()),
    };
    let exit = runtime.event_loop(&mut app, &mut guard, &mut waiter);
    if !watchdog.stand_down() {
        // The watchdog is keeping the draft, restoring the terminal and exiting: anything
        // done here could race it.
        loop {
            std::thread::park();
        }
    }
    runtime.keep_draft(&app);
    drop(guard);
    match exit {
        Exit::Quit => ExitCode::SUCCESS,
        Exit::Stop(stop) => ExitCode::from(stop.status()),
        // After the restore, so the message shows on the normal screen.
        Exit::Failed(message) => fail(message, 1),
    }
}

/// Why the event loop ended.
enum Exit {
    /// The officer quit.
    Quit,
    /// A signal, or the terminal went away.
    Stop(Stop),
    Failed(String),
}

/// The draft's way to disk, shared with the watchdog: it holds the latest draft the main
/// loop published, for the watchdog to keep when the main loop is too busy to. Its lock
/// also keeps the two threads from writing at once (they share the temporary file).
struct Drafts {
    /// Where drafts go; None when there is no data directory.
    dir: Option<PathBuf>,
    latest: Mutex<Option<Draft>>,
}

impl Drafts {
    fn publish(&self, draft: Option<Draft>) {
        *self.lock() = draft;
    }

    /// Write to the data directory, if there is one, with no other draft write under way.
    fn write(&self, act: impl FnOnce(&Path) -> Result<(), String>) -> Result<(), String> {
        let _writing = self.lock();
        self.dir.as_deref().map_or(Ok(()), act)
    }

    /// The watchdog's way out: keep what the main loop last published.
    fn keep_latest(&self) {
        let latest = self.lock();
        if let (Some(dir), Some(draft)) = (&self.dir, &*latest) {
            let _ = draft::save(dir, draft);
        }
    }

    /// A panic elsewhere while holding the lock leaves a whole draft behind, still usable.
    fn lock(&self) -> MutexGuard<'_, Option<Draft>> {
        self.latest.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

struct Runtime<'a> {
    ctx: &'a Context,
    drafts: Arc<Drafts>,
    history: HistoryIo,
}

impl Runtime<'_> {
    fn event_loop(&mut self, app: &mut App, guard: &mut Guard, waiter: &mut Waiter) -> Exit {
        loop {
            // A resize may arrive before crossterm watches SIGWINCH; the size is checked each time.
            if let Ok(size) = guard.terminal.size()
                && (size.width, size.height) != app.size
            {
                update(app, Action::Resize(size.width, size.height));
            }
            if let Err(e) = guard.draw(|frame| view::view(app, frame)) {
                // A terminal that went away usually shows first as a failed write.
                return match waiter.ready() {
                    Some(Wake::Stop(stop)) => Exit::Stop(stop),
                    _ => Exit::Failed(format!("cannot draw: {e}")),
                };
            }
            // While the history loads, read a chunk whenever no key is waiting; otherwise
            // block until something happens.
            let wake = if self.history.wants_more() {
                match waiter.ready() {
                    Some(wake) => wake,
                    None => {
                        let more = self.history.load_more();
                        if self.dispatch(app, more) {
                            return Exit::Quit;
                        }
                        continue;
                    }
                }
            } else {
                waiter.wait()
            };
            if let Wake::Stop(stop) = wake {
                return Exit::Stop(stop);
            }
            // Handle everything already queued, then draw once.
            loop {
                // Crossterm's reader spins for ever on a terminal that hung up, and a signal
                // must not wait for the queue to empty: look before each read.
                if let Some(Wake::Stop(stop)) = waiter.ready() {
                    return Exit::Stop(stop);
                }
                match event::poll(std::time::Duration::ZERO) {
                    Ok(true) => {}
                    Ok(false) => break,
                    Err(_) => return Exit::Stop(Stop::HangUp),
                }
                let action = match event::read() {
                    Ok(event) => to_action(app, event),
                    Err(_) => return Exit::Stop(Stop::HangUp),
                };
                if self.dispatch(app, action) {
                    return Exit::Quit;
                }
            }
        }
    }

    /// Update with an action and carry out the effects it leads to; true means quit. The
    /// draft is published afterwards, for the watchdog should the next action hang.
    fn dispatch(&mut self, app: &mut App, action: Option<Action>) -> bool {
        let mut next = action;
        while let Some(action) = next.take() {
            match update(app, action) {
                Some(Effect::Quit) => return true,
                Some(effect) => next = self.perform(effect),
                None => {}
            }
        }
        self.drafts.publish(app.draft());
        false
    }

    /// Carry out an effect; its outcome comes back as the next action.
    fn perform(&mut self, effect: Effect) -> Option<Action> {
        match effect {
            Effect::Save(screening) => Some(Action::Saved(
                self.ctx
                    .save(std::slice::from_ref(&*screening))
                    .and_then(|ids| {
                        ids.into_iter()
                            .next()
                            .ok_or_else(|| "the history returned no record id".to_string())
                    }),
            )),
            Effect::SaveDraft(draft) => self
                .drafts
                .write(|dir| draft::save(dir, &draft))
                .err()
                .map(Action::DraftFailed),
            Effect::DiscardDraft => self
                .drafts
                .write(draft::remove)
                .err()
                .map(Action::DraftFailed),
            Effect::History(effect) => self.history.perform(effect),
            Effect::Quit => None,
        }
    }

    /// Keep what the officer entered so the next start offers it; a saved screening needs
    /// no draft.
    fn keep_draft(&self, app: &App) {
        if let Some(draft) = app.draft() {
            let _ = self.drafts.write(|dir| draft::save(dir, &draft));
        }
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
