//! The history view's side of the runtime: opens the history, reads it newest first in
//! chunks while no key is waiting, reads and presents one record, appends re-screens and
//! overrides, and works out the impact of the rules in use on a thread of its own (it
//! reads the whole history), waking the event loop when done. Each `HistoryEffect` becomes
//! a `HistoryEvent` action; nothing here needs a terminal.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use jiff::civil::Date;

use super::action::Action;
use super::history_rows::Batch;
use super::history_view::{
    CHUNK, Chunk, FIRST_PAGE, HistoryEffect, HistoryEvent, SaveRequest, StoredRecord,
};
use crate::history::{self, History, Impact, Index, NewRecord, RecordView, Snapshots};
use crate::identity::Identity;
use crate::rules::RuleSet;

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
    waker: Option<Arc<Waker>>,
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
        HistoryIo {
            history,
            identity,
            rules,
            snapshots: None,
            index: None,
            wants_more: false,
            impact: None,
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
            HistoryEffect::Save(requests) => HistoryEvent::Saved(self.save(&requests)),
            HistoryEffect::Impact(date) => {
                self.start_impact(date);
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

    /// The impact, once its thread is done (without waiting).
    pub fn finished(&mut self) -> Option<Action> {
        let result = match self.impact.as_ref()?.try_recv() {
            Ok(result) => result,
            Err(TryRecvError::Empty) => return None,
            Err(TryRecvError::Disconnected) => Err("the impact could not be worked out".into()),
        };
        self.impact = None;
        Some(impact_event(result))
    }

    /// The impact, waiting for its thread (for tests, which have no event loop to wake).
    pub fn wait_background(&mut self) -> Option<Action> {
        let result = self
            .impact
            .take()?
            .recv()
            .unwrap_or_else(|_| Err("the impact could not be worked out".into()));
        Some(impact_event(result))
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
        let snapshots = self.snapshots.get_or_insert_with(|| history.snapshots());
        let (kept, note) = history::rules_for(snapshots, &stored.record, &self.rules);
        let mut view = RecordView::new(&stored, kept.as_deref().unwrap_or(&self.rules), note);
        view.signature = Some(crate::signing::describe(history, &stored));
        Ok(StoredRecord {
            record: stored.record,
            view,
        })
    }

    /// Append the records in one save; their ids.
    fn save(&self, requests: &[SaveRequest]) -> Result<Vec<String>, String> {
        let new: Vec<NewRecord> = requests
            .iter()
            .map(|r| NewRecord {
                screening: &r.screening,
                kind: r.kind,
                supersedes: Some(r.supersedes.clone()),
                reason: Some(r.reason.clone()),
                override_outcome: r.override_outcome,
            })
            .collect();
        let saved = self
            .history()?
            .append(&new, &self.identity)
            .map_err(|e| format!("not saved: {e}"))?;
        Ok(saved.into_iter().map(|r| r.id).collect())
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
                .and_then(|h| history::impact(&h, &rules, date).map_err(|e| e.to_string()));
            // The view may have closed meanwhile: then nobody listens, which is fine.
            let _ = send.send(result);
            if let Some(wake) = waker {
                wake();
            }
        });
    }
}

fn impact_event(result: Result<Impact, String>) -> Action {
    Action::HistoryEvent(HistoryEvent::Impact(result.map(Box::new)))
}

/// Read up to `max` lines and hand over what they gave; the index keeps only its place.
fn read_chunk(index: &mut Index, max: usize) -> Result<Chunk, String> {
    let mut rows = Batch::default();
    let lines = index
        .load(max, |summary| rows.push(summary))
        .map_err(|e| format!("cannot read the history: {e}"))?;
    Ok(Chunk {
        rows,
        skipped: std::mem::take(&mut index.skipped),
        lines,
        complete: index.complete(),
        head_lost: false,
    })
}
