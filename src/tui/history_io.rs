//! The history's side of the runtime: opens the history, reads it newest first in chunks
//! while no key is waiting, reads and presents one record, and on threads of their own
//! works out the impact of the rules in use (it reads the whole history) and saves (the
//! form's screening, the view's re-screens and overrides: a save may wait for the
//! history's lock, and keys must go on working meanwhile), waking the event loop when done
//! or when a save is waiting. What the store says meanwhile (a lock waited for, an index
//! rebuilt) comes back as a notice, never on standard error. Each `HistoryEffect` becomes a
//! `HistoryEvent` action; nothing here needs a terminal.

use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};
use std::sync::{Arc, Mutex};

use jiff::civil::Date;

use super::action::{Action, SavedRecord};
use super::history_rows::Batch;
use super::history_view::{
    CHUNK, Chunk, ExportRequest, FIRST_PAGE, HistoryEffect, HistoryEvent, SaveError, SaveRequest,
    SavedRecords, StoredRecord,
};
use crate::history::{self, History, Impact, Index, NewRecord, Notices, RecordView, Snapshots};
use crate::identity::Identity;
use crate::rules::RuleSet;
use crate::screening::Screening;

/// Tells the event loop that work done elsewhere has finished.
pub type Waker = Box<dyn Fn() + Send + Sync>;

pub struct HistoryIo {
    /// The history to use, or why there is none (no data directory).
    history: Result<History, String>,
    /// Who saves re-screens and overrides.
    identity: Identity,
    /// The rules in use: the impact is worked out under them, and they give the texts of a
    /// record whose own rule set is gone.
    rules: Arc<RuleSet>,
    /// The rule sets records were decided under, read once each.
    snapshots: Option<Snapshots>,
    /// The index being read, while the view is open.
    index: Option<Index>,
    /// The view asked for more lines.
    wants_more: bool,
    /// The impact being worked out on its thread.
    impact: Option<Receiver<Result<Impact, String>>>,
    /// Saves being made on their threads: what each says while it waits, then its result.
    saving: Vec<Receiver<Saving>>,
    /// What the store said on this thread (an index rebuilt), not yet shown.
    notices: Arc<Mutex<Vec<String>>>,
    waker: Option<Arc<Waker>>,
}

/// What a save on its thread sends.
enum Saving {
    Waiting(String),
    Done(Action),
}

impl HistoryIo {
    /// `waker` wakes the event loop when the impact is worked out; without one (tests),
    /// [`HistoryIo::wait_background`] waits for it.
    pub fn new(
        history: Result<History, String>,
        identity: Identity,
        rules: Arc<RuleSet>,
        waker: Option<Waker>,
    ) -> HistoryIo {
        let notices: Arc<Mutex<Vec<String>>> = Arc::default();
        let heard = Arc::clone(&notices);
        let history = history.map(|h| {
            h.with_notices(Notices::new(move |message| {
                if let Ok(mut heard) = heard.lock() {
                    heard.push(message.to_string());
                }
            }))
        });
        HistoryIo {
            history,
            identity,
            rules,
            snapshots: None,
            index: None,
            wants_more: false,
            impact: None,
            saving: Vec::new(),
            notices,
            waker: waker.map(Arc::new),
        }
    }

    /// Carry out an effect; its outcome comes back as the next action.
    pub fn perform(&mut self, effect: HistoryEffect) -> Option<Action> {
        let event = match effect {
            HistoryEffect::Open => HistoryEvent::Opened(self.open().map(Box::new)),
            HistoryEffect::LoadMore => {
                self.wants_more = self.index.is_some();
                return None;
            }
            HistoryEffect::Close => {
                self.index = None;
                self.wants_more = false;
                self.impact = None;
                return None;
            }
            HistoryEffect::Read(offset) => HistoryEvent::Read(self.read_at(offset).map(Box::new)),
            HistoryEffect::Save(requests) => {
                let identity = self.identity.clone();
                self.in_background(move |history| {
                    Action::HistoryEvent(HistoryEvent::Saved(save(history, &requests, &identity)))
                });
                return None;
            }
            HistoryEffect::Impact(date) => {
                self.start_impact(date);
                return None;
            }
            // On a thread: it reads every record.
            HistoryEffect::Export(request) => {
                let rules = Arc::clone(&self.rules);
                self.in_background(move |history| {
                    Action::HistoryEvent(HistoryEvent::Exported(export(history, &request, &rules)))
                });
                return None;
            }
        };
        Some(Action::HistoryEvent(event))
    }

    /// Whether lines are left to read that the view asked for; the runtime reads them only
    /// while no key is waiting, and blocks on input otherwise.
    pub fn wants_more(&self) -> bool {
        self.wants_more
    }

    /// Read the next chunk.
    pub fn load_more(&mut self) -> Option<Action> {
        self.wants_more = false;
        let index = self.index.as_mut()?;
        Some(Action::HistoryEvent(HistoryEvent::Loaded(
            read_chunk(index, CHUNK).map(Box::new),
        )))
    }

    /// Save the form's screening on a thread; its record id (or why not) comes back as
    /// [`Action::Saved`].
    pub fn save_screening(&mut self, screening: Screening) {
        let identity = self.identity.clone();
        self.in_background(move |history| {
            Action::Saved(history.and_then(|h| {
                let id = h
                    .save_screenings(std::slice::from_ref(&screening), &identity)
                    .and_then(|ids| {
                        ids.into_iter()
                            .next()
                            .ok_or_else(|| "the history returned no record id".to_string())
                    })?;
                Ok(SavedRecord {
                    id,
                    signed: h
                        .last_seal()
                        .map(|s| matches!(s, crate::signing::Sealed::Signed { .. })),
                })
            }))
        });
    }

    /// Run `work` on a thread, with a history whose waits for its lock come back as notices.
    fn in_background(
        &mut self,
        work: impl FnOnce(Result<History, String>) -> Action + Send + 'static,
    ) {
        let (send, receive) = channel();
        self.saving.push(receive);
        let waker = self.waker.clone();
        let say = |send: &Sender<Saving>, waker: &Option<Arc<Waker>>, message: Saving| {
            // The view may have closed meanwhile: then nobody listens, which is fine.
            let _ = send.send(message);
            if let Some(wake) = waker {
                wake();
            }
        };
        let (heard, heard_waker) = (send.clone(), waker.clone());
        let notices = Notices::new(move |m| {
            say(&heard, &heard_waker, Saving::Waiting(m.to_string()));
        });
        let history = self
            .history
            .clone()
            .map(|h| h.with_notices(notices))
            .map_err(|e| format!("not saved: no history: {e}"));
        std::thread::spawn(move || say(&send, &waker, Saving::Done(work(history))));
    }

    /// What work on another thread gave, or what the store said, once there is something
    /// (without waiting).
    pub fn finished(&mut self) -> Option<Action> {
        if let Some(notice) = self.notices.lock().ok().and_then(|mut n| n.pop()) {
            return Some(notice_event(notice));
        }
        if let Some(impact) = &self.impact {
            match impact.try_recv() {
                Ok(result) => {
                    self.impact = None;
                    return Some(impact_event(result));
                }
                Err(TryRecvError::Disconnected) => {
                    self.impact = None;
                    return Some(impact_event(Err(
                        "the impact could not be worked out".into()
                    )));
                }
                Err(TryRecvError::Empty) => {}
            }
        }
        for i in 0..self.saving.len() {
            match self.saving[i].try_recv() {
                Ok(Saving::Waiting(message)) => return Some(notice_event(message)),
                Ok(Saving::Done(action)) => {
                    self.saving.remove(i);
                    return Some(action);
                }
                Err(TryRecvError::Disconnected) => {
                    self.saving.remove(i);
                    return Some(notice_event("a save ended without a result".into()));
                }
                Err(TryRecvError::Empty) => {}
            }
        }
        None
    }

    /// The next result of work on another thread, waiting for it (for tests, which have no
    /// event loop to wake); None when no work is under way.
    pub fn wait_background(&mut self) -> Option<Action> {
        if let Some(impact) = self.impact.take() {
            let result = impact
                .recv()
                .unwrap_or_else(|_| Err("the impact could not be worked out".into()));
            return Some(impact_event(result));
        }
        let saving = self.saving.first()?;
        let message = saving.recv();
        match message {
            Ok(Saving::Waiting(message)) => Some(notice_event(message)),
            Ok(Saving::Done(action)) => {
                self.saving.remove(0);
                Some(action)
            }
            Err(_) => {
                self.saving.remove(0);
                Some(notice_event("a save ended without a result".into()))
            }
        }
    }

    fn history(&self) -> Result<&History, String> {
        self.history
            .as_ref()
            .map_err(|e| format!("no history: {e}"))
    }

    /// Open afresh (new records since the last time show) and read the first page.
    fn open(&mut self) -> Result<Chunk, String> {
        self.index = None;
        self.wants_more = false;
        let history = self.history()?;
        // Without waiting for a save in progress: the view opens at once.
        let head_lost =
            crate::signing::check_and_note(history, std::time::Duration::ZERO).is_some();
        let mut index = Index::open(history).map_err(|e| e.to_string())?;
        let mut chunk = read_chunk(&mut index, FIRST_PAGE)?;
        chunk.head_lost = head_lost;
        self.index = Some(index);
        Ok(chunk)
    }

    /// The record whose line starts at `offset`, rebuilt from the rule set it was decided
    /// under and presented with it (the rules in use stand in when it is gone).
    fn read_at(&mut self, offset: u64) -> Result<StoredRecord, String> {
        let history = self
            .history
            .as_ref()
            .map_err(|e| format!("no history: {e}"))?;
        let stored = history.record_at(offset).map_err(|e| e.to_string())?;
        let current = match history.standing(&stored.record.id) {
            Ok(history::Standing::Superseded { current, offset }) => Some((current, offset)),
            _ => None,
        };
        let snapshots = self.snapshots.get_or_insert_with(|| history.snapshots());
        let (kept, note) = history::rules_for(snapshots, &stored.record, &self.rules);
        // A licence that cannot be read leaves the record shown without it.
        let licence = if stored.record.kind.stands_for_case() {
            history.licence_held(&stored.record.id).ok().flatten()
        } else {
            None
        };
        let approval = history
            .approval_state(&stored.record)
            .map_err(|e| e.to_string())?
            .0;
        let mut view = RecordView::new(&stored, kept.as_deref().unwrap_or(&self.rules), note)
            .with_licence(licence.as_ref(), crate::context::today()?)
            .with_approval(&approval);
        view.signature = Some(crate::signing::describe(history, &stored));
        Ok(StoredRecord {
            record: stored.record,
            view,
            current,
        })
    }

    /// Work the impact out on a thread: it reads every record, which takes seconds in a
    /// large history, and keys must go on working meanwhile.
    fn start_impact(&mut self, date: Option<Date>) {
        let (send, receive) = channel();
        self.impact = Some(receive);
        let history = self.history.clone();
        let rules = Arc::clone(&self.rules);
        let waker = self.waker.clone();
        std::thread::spawn(move || {
            let result = history
                .map_err(|e| format!("no history: {e}"))
                .and_then(|h| {
                    let store = crate::parties::ListStore::new(h.dir());
                    let parties = crate::parties::PartyLists::load(Some(&store))
                        .map(crate::parties::Screener::new)?;
                    history::impact(&h, &rules, date, Some(&parties)).map_err(|e| e.to_string())
                });
            // The view may have closed meanwhile: then nobody listens, which is fine.
            let _ = send.send(result);
            if let Some(wake) = waker {
                wake();
            }
        });
    }
}

/// Write the view's export to its new file: how many records, and the file as named.
fn export(
    history: Result<History, String>,
    request: &ExportRequest,
    rules: &RuleSet,
) -> Result<(usize, std::path::PathBuf), String> {
    let history = history?;
    let survey = history::export::Survey::of(&history).map_err(|e| e.to_string())?;
    let selection = history::export::Selection {
        query: &request.query,
        records: request.records,
    };
    let count = history::export::write_file(
        &request.path,
        false,
        request.format.export(),
        &history,
        selection,
        rules,
        &survey,
        crate::context::today()?,
    )?;
    Ok((count, request.path.clone()))
}

/// Append the view's records in one save: their ids, and the case's current record now.
fn save(
    history: Result<History, String>,
    requests: &[SaveRequest],
    identity: &Identity,
) -> Result<SavedRecords, SaveError> {
    let history = history.map_err(|message| SaveError {
        message,
        current: None,
    })?;
    // A decision is checked against the record as stored: policy, once, by another user.
    for r in requests.iter().filter(|r| r.verdict.is_some()) {
        let checked = match history.find(&r.supersedes) {
            Ok(Some(stored)) => history.check_decision(&stored.record, identity),
            Ok(None) => Err(format!("there is no record {}", r.supersedes)),
            Err(e) => Err(e.to_string()),
        };
        checked.map_err(|why| SaveError {
            message: format!("not saved: {why}"),
            current: None,
        })?;
    }
    let new: Vec<NewRecord> = requests
        .iter()
        .map(|r| NewRecord {
            screening: &r.screening,
            kind: r.kind,
            // A licence or a decision points at the record; every other save supersedes it.
            supersedes: (r.licence.is_none() && r.verdict.is_none()).then(|| r.supersedes.clone()),
            reason: (!r.reason.is_empty()).then(|| r.reason.clone()),
            override_outcome: r.override_outcome,
            licence: r.licence.clone().map(|l| (r.supersedes.clone(), l)),
            approval: r.verdict.map(|v| (r.supersedes.clone(), v)),
        })
        .collect();
    let saved = history.append(&new, identity).map_err(|e| SaveError {
        message: match &e.not_current {
            Some(refused) => format!("not saved: {}", refused.message()),
            None => format!("not saved: {e}"),
        },
        current: e.not_current.and_then(|n| n.current),
    })?;
    let current = requests
        .first()
        .and_then(|r| match history.standing(&r.supersedes) {
            Ok(history::Standing::Superseded { current, offset }) => Some((current, offset)),
            _ => None,
        });
    Ok(SavedRecords {
        ids: saved.into_iter().map(|r| r.id).collect(),
        current,
    })
}

fn notice_event(message: String) -> Action {
    Action::HistoryEvent(HistoryEvent::Notice(message))
}

fn impact_event(result: Result<Impact, String>) -> Action {
    Action::HistoryEvent(HistoryEvent::Impact(result.map(Box::new)))
}

/// Read up to `max` lines and hand over what they gave; the index keeps only its place.
fn read_chunk(index: &mut Index, max: usize) -> Result<Chunk, String> {
    let mut rows = Batch::default();
    let lines = index
        .load(max, |summary, current| rows.push(summary, current))
        .map_err(|e| format!("cannot read the history: {e}"))?;
    Ok(Chunk {
        rows,
        skipped: std::mem::take(&mut index.skipped),
        lines,
        complete: index.complete(),
        head_lost: false,
    })
}
