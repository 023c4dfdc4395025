//! The history view's side of the runtime: opens the history, reads it newest first in
//! chunks while no key is waiting, re-reads one record and appends re-screens and overrides.
//! Each `HistoryEffect` becomes a `HistoryEvent` action; nothing here needs a terminal.

use super::action::Action;
use super::history_view::{CHUNK, Chunk, FIRST_PAGE, HistoryEffect, HistoryEvent, StoredRecord};
use crate::history::{History, Index, NewRecord};
use crate::identity::Identity;

pub struct HistoryIo {
    /// The history to use, or why there is none (no data directory).
    history: Result<History, String>,
    /// Who saves re-screens and overrides.
    identity: Identity,
    /// The index being read, while the view is open.
    index: Option<Index>,
    /// The view asked for more lines.
    wants_more: bool,
}

impl HistoryIo {
    pub fn new(history: Result<History, String>, identity: Identity) -> HistoryIo {
        HistoryIo {
            history,
            identity,
            index: None,
            wants_more: false,
        }
    }

    /// Carry out an effect; its outcome comes back as the next action.
    pub fn perform(&mut self, effect: HistoryEffect) -> Option<Action> {
        let event = match effect {
            HistoryEffect::Open => HistoryEvent::Opened(self.open()),
            HistoryEffect::LoadMore => {
                self.wants_more = self.index.is_some();
                return None;
            }
            HistoryEffect::Close => {
                self.index = None;
                self.wants_more = false;
                return None;
            }
            HistoryEffect::Read(offset) => HistoryEvent::Read(
                self.history()
                    .and_then(|h| read_at(h, offset))
                    .map(Box::new),
            ),
            HistoryEffect::Save(request) => HistoryEvent::Saved(self.history().and_then(|h| {
                let new = NewRecord {
                    screening: &request.screening,
                    kind: request.kind,
                    supersedes: Some(request.supersedes.clone()),
                    reason: Some(request.reason.clone()),
                    override_outcome: request.override_outcome,
                };
                h.append(&[new], &self.identity)
                    .map_err(|e| format!("not saved: {e}"))?
                    .into_iter()
                    .next()
                    .map(|r| r.id)
                    .ok_or_else(|| "not saved: the history returned no record".to_string())
            })),
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
        Some(Action::HistoryEvent(HistoryEvent::Loaded(read_chunk(
            index, CHUNK,
        ))))
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
        let mut index = Index::open(self.history()?).map_err(|e| e.to_string())?;
        let chunk = read_chunk(&mut index, FIRST_PAGE)?;
        self.index = Some(index);
        Ok(chunk)
    }
}

/// Read up to `max` lines and hand over what they gave; the index keeps only its place.
fn read_chunk(index: &mut Index, max: usize) -> Result<Chunk, String> {
    let lines = index
        .load(max)
        .map_err(|e| format!("cannot read the history: {e}"))?;
    Ok(Chunk {
        summaries: std::mem::take(&mut index.summaries),
        skipped: std::mem::take(&mut index.skipped),
        lines,
        complete: index.complete(),
    })
}

/// The record whose line starts at `offset`, rebuilt from the rule set it was decided under,
/// with the hash its line carries.
fn read_at(history: &History, offset: u64) -> Result<StoredRecord, String> {
    history
        .record_at(offset)
        .map(|stored| StoredRecord {
            record: stored.record,
            hash: stored.hash,
        })
        .map_err(|e| e.to_string())
}
