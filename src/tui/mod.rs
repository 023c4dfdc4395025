//! The interactive workbench: a ratatui form that walks an officer through one screening
//! (the rule set's questions that matter, record details, review) to the determination. Elm-shaped: one
//! `App`, `Action`s, a pure `update` and a `view`; this module is the runtime at the edge.

pub mod action;
pub mod app;
pub mod draft;
pub mod history_io;
pub mod history_rows;
pub mod history_view;
pub mod keys;
pub mod lines;
pub mod matches;
pub mod screens;
pub mod terminal;
pub mod theme;
pub mod update;
pub mod view;
pub mod widgets;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use crossterm::event::{self, Event, KeyCode, KeyEventKind};

use crate::context::Context;
use crate::exit::fail;
use action::Action;
use app::{App, Overlay, ResumeList};
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
        .with_defaults(ctx.new_details(), settings.preselected(&ctx.rules));
    app.keys = keys;
    app.remembers_officer = settings.officer.is_empty();
    app.officer_required = ctx.history().is_ok_and(|h| h.check_officer("").is_err());
    match ctx.screener() {
        Ok(screener) => app = app.with_parties(std::sync::Arc::new(screener)),
        Err(e) => app.notice = Some(format!("Names are not screened: {e}")),
    }
    // "Today" may be pinned; the time of day is the clock's.
    let today = ctx.today;
    app.clock = Box::new(move || today.to_datetime(jiff::ZonedDateTime::now().time()));
    app.started = (app.clock)();
    app.draft_id = match draft::new_id(app.started) {
        Ok(id) => id,
        Err(e) => return fail(e, 1),
    };
    let data_dir = match &ctx.data_dir {
        Ok(dir) => Some(dir.clone()),
        Err(message) => {
            app.notice = Some(format!("Drafts are not kept: {message}"));
            None
        }
    };
    if let Some(dir) = &data_dir {
        let (drafts, problems) = draft::list(dir);
        if !drafts.is_empty() {
            app.overlay = Some(Overlay::Resume(ResumeList {
                // Newest first: the one most likely wanted is highlighted.
                drafts: drafts.into_iter().rev().collect(),
                selected: 0,
            }));
        }
        if let Some(problem) = problems.into_iter().next() {
            app.notice = Some(problem);
        }
    }
    let drafts = Arc::new(Drafts {
        dir: data_dir,
        latest: Mutex::new(app.draft()),
        claim: Mutex::new(None),
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
    let waker: Option<history_io::Waker> = match waiter.waker() {
        Ok(wake) => Some(Box::new(wake)),
        Err(_) => None,
    };
    let mut runtime = Runtime {
        ctx,
        drafts,
        history: HistoryIo::new(
            ctx.history(),
            ctx.identity.clone(),
            Arc::new(ctx.rules.clone()),
            waker,
        ),
        last_key: None,
        saving: None,
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
/// also keeps the two threads from writing at once.
struct Drafts {
    /// Where drafts go; None when there is no data directory.
    dir: Option<PathBuf>,
    latest: Mutex<Option<Draft>>,
    /// The draft this workbench holds, so no other one offers it for resume.
    claim: Mutex<Option<draft::Claim>>,
}

impl Drafts {
    fn publish(&self, draft: Option<Draft>) {
        *self.lock() = draft;
    }

    /// Write the draft, holding its id first (a resumed draft changes it).
    fn save(&self, draft: &Draft) -> Result<(), String> {
        let _writing = self.lock();
        let Some(dir) = &self.dir else {
            return Ok(());
        };
        let mut claim = self.claim.lock().unwrap_or_else(PoisonError::into_inner);
        let mut taken = Ok(());
        if claim.as_ref().is_none_or(|c| c.id != draft.id) {
            match draft::claim(dir, &draft.id) {
                Ok(c) => *claim = Some(c),
                Err(message) => taken = Err(message),
            }
        }
        draft::save(dir, draft).and(taken)
    }

    fn remove(&self, id: &str) -> Result<(), String> {
        let _writing = self.lock();
        self.dir
            .as_deref()
            .map_or(Ok(()), |dir| draft::remove(dir, id))
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
    /// The record fields of the form's save under way, whose officer is remembered once it
    /// is saved.
    saving: Option<crate::screening::Details>,
    /// The last key pressed and when, to tell a held Backspace from a fresh press.
    last_key: Option<(KeyCode, Instant)>,
}

impl Runtime<'_> {
    fn event_loop(&mut self, app: &mut App, guard: &mut Guard, waiter: &mut Waiter) -> Exit {
        // Keys typed before the resume dialog showed were meant for something else.
        let mut typed_ahead = matches!(app.overlay, Some(Overlay::Resume(_)));
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
            if std::mem::take(&mut typed_ahead) {
                match discard_typed_ahead() {
                    Ok(Some((w, h))) => {
                        update(app, Action::Resize(w, h));
                        continue;
                    }
                    Ok(None) => {}
                    Err(stop) => return Exit::Stop(stop),
                }
            }
            // Work done on another thread (a save, the impact of new rules) comes in first.
            if let Some(done) = self.history.finished() {
                if let Action::Saved(Ok(_)) = done
                    && let Some(details) = self.saving.take()
                {
                    self.ctx.remember_officer(&details);
                }
                if self.dispatch(app, Some(done)) {
                    return Exit::Quit;
                }
                continue;
            }
            // While the history view filters or loads, do a step whenever no key is
            // waiting (filtering first, so what shows is right); otherwise block until
            // something happens.
            let filtering = app.history.as_ref().is_some_and(|h| h.busy());
            let wake = if filtering || self.history.wants_more() {
                match waiter.ready() {
                    Some(wake) => wake,
                    None => {
                        let step = if filtering {
                            Some(Action::HistoryEvent(history_view::HistoryEvent::Idle))
                        } else {
                            self.history.load_more()
                        };
                        if self.dispatch(app, step) {
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
                    Ok(event) => self.action_of(app, event),
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
            // On a thread: the history's lock may be held, and keys go on meanwhile.
            Effect::Save(screening) => {
                self.saving = Some(screening.details.clone());
                self.history.save_screening(*screening);
                None
            }
            Effect::SaveDraft(draft) => self.drafts.save(&draft).err().map(Action::DraftFailed),
            Effect::DiscardDraft(id) => self.drafts.remove(&id).err().map(Action::DraftFailed),
            Effect::History(effect) => self.history.perform(effect),
            // Between frames, so it never lands inside one; a terminal that cannot take it
            // fails the next draw too.
            Effect::Copy(text) => {
                let _ = crossterm::execute!(
                    std::io::stdout(),
                    crossterm::clipboard::CopyToClipboard::to_clipboard_from(text)
                );
                None
            }
            Effect::Quit => None,
        }
    }

    /// Keep what the officer entered so the next start offers it; a saved screening needs
    /// no draft.
    fn keep_draft(&self, app: &App) {
        if let Some(draft) = app.draft() {
            let _ = self.drafts.save(&draft);
        }
    }
}

/// A Backspace this soon after the one before is a held key repeating, not a fresh press:
/// terminals start repeating 250-660 ms after the press (the X default is 660 ms).
const HELD: Duration = Duration::from_millis(700);

impl Runtime<'_> {
    /// Key presses through the command table (releases and repeats of other kinds are
    /// ignored), pastes as text, resizes as sizes. A Backspace right after another is marked
    /// held, so holding it down never walks back through the steps.
    fn action_of(&mut self, app: &App, event: Event) -> Option<Action> {
        match event {
            Event::Key(key) if key.kind == KeyEventKind::Press => {
                let now = Instant::now();
                let held = key.code == KeyCode::Backspace
                    && self.last_key.is_some_and(|(code, at)| {
                        code == key.code && now.duration_since(at) < HELD
                    });
                self.last_key = Some((key.code, now));
                let action = app.keys.action_for(app.context(), &key)?;
                Some(if held {
                    Action::Repeated(Box::new(action))
                } else {
                    action
                })
            }
            Event::Paste(text) => Some(Action::Paste(text)),
            Event::Resize(w, h) => Some(Action::Resize(w, h)),
            _ => None,
        }
    }
}

/// Drop the input already queued (keys typed during start-up), keeping the last resize.
fn discard_typed_ahead() -> Result<Option<(u16, u16)>, Stop> {
    let mut resized = None;
    loop {
        match event::poll(Duration::ZERO) {
            Ok(true) => {}
            Ok(false) => return Ok(resized),
            Err(_) => return Err(Stop::HangUp),
        }
        match event::read() {
            Ok(Event::Resize(w, h)) => resized = Some((w, h)),
            Ok(_) => {}
            Err(_) => return Err(Stop::HangUp),
        }
    }
}
