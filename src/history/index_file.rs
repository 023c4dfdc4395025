//! The derived index beside the history (`history.idx`): one short JSON line per history
//! line (a record's summary, an unusable line's problem, or a mark for a record of a batch
//! a crash cut short), so the history view loads every summary without parsing the records.
//!
//! It is never trusted over the history: before use its last record entry is checked against
//! the history's line at that offset (same id, same end); if that fails, or the header is not
//! this version's, it is rebuilt from the history in one pass. Lines appended since are added
//! to it, up to the end of the history's last whole record, so a batch still being written
//! (or one a crash cut short, until acknowledged) is never indexed. Updates hold a lock on
//! the index; it is created like the history (0600, or 0660 in a team directory).

use std::borrow::Cow;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{FileExt, MetadataExt, OpenOptionsExt, PermissionsExt};

use serde::{Deserialize, Serialize};

use super::lines::{Item, RevLine, ReverseLines, Walk};
use super::query::{Summary, SummaryRef};
use super::record::{LineProblem, link_of};
use super::store::{History, HistoryError, Sharing, io_error};

pub const INDEX_FILE: &str = "history.idx";

/// Version 2: summaries carry the answers rather than a lower-cased search text.
const HEADER: &[u8] = b"ree-screen history index 2\n";

/// One history line, as indexed.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Entry {
    /// The history line's number.
    pub n: usize,
    /// Where the next history line starts.
    pub e: u64,
    /// A record's summary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s: Option<Summary>,
    /// An unusable line: its offset and problem.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bad: Option<(u64, LineProblem)>,
}

/// What bringing the index up to date gave.
pub(crate) enum Refreshed {
    NoHistory,
    /// Up to date, opened for reading.
    Ready(File),
    /// More than the budget of history bytes to add: nothing was done.
    Behind,
}

/// History bytes the history view indexes before it shows anything (about 15,000 records,
/// a tenth of a second); more is indexed in the background while the view reads the history
/// itself.
pub(crate) const VIEW_BUDGET: u64 = 16 << 20;

/// Bring the index up to date with the history, unless more than `budget` bytes of history
/// are to be added.
pub(crate) fn refresh(history: &History, budget: Option<u64>) -> Result<Refreshed, HistoryError> {
    let Some(source) = history.open_for_read()? else {
        return Ok(Refreshed::NoHistory);
    };
    let path = history.dir().join(INDEX_FILE);
    let failed = |e: io::Error| io_error(&path, "update the history index", &e);
    let team = history.sharing()? == Sharing::Team;
    let mode = if team { 0o660 } else { 0o600 };
    let index = OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .mode(mode)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(&path)
        .map_err(failed)?;
    let meta = index.metadata().map_err(failed)?;
    if !meta.is_file() || meta.mode() & 0o002 != 0 {
        return Err(HistoryError::new(&path, "is not a private regular file"));
    }
    if team && meta.len() == 0 {
        index
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(failed)?;
    }
    index.lock().map_err(failed)?;
    let history_len = source.metadata().map_err(failed)?.len();
    let valid_end = super::store::tail_state(&source, history_len)
        .map_err(failed)?
        .valid_end;
    let (covered, lines) = match covered(&index, &source).map_err(failed)? {
        Some((end, line)) if end <= valid_end => (end, line),
        _ => (0, 0),
    };
    if budget.is_some_and(|b| valid_end - covered > b) {
        return Ok(Refreshed::Behind);
    }
    if covered == 0 {
        index.set_len(0).map_err(failed)?;
        (&index).write_all(HEADER).map_err(failed)?;
    }
    if covered < valid_end {
        let mut walk = Walk::range(source, history.path(), covered, valid_end, lines)?;
        let mut out = Vec::new();
        loop {
            let (n, bad, summary) = match walk.next_item()? {
                None => break,
                Some(Item::Record(found)) => {
                    let summary = Summary::from_record_bytes(found.offset, found.link.record);
                    match summary {
                        Ok(s) => (found.line, None, Some(s)),
                        Err(p) => (found.line, Some((found.offset, p)), None),
                    }
                }
                Some(Item::Bad(b)) => (b.line, Some((b.offset, b.problem)), None),
                Some(Item::Unfinished { line, .. }) => (line, None, None),
            };
            let entry = Entry {
                n,
                e: walk.position().0,
                s: summary,
                bad,
            };
            serde_json::to_writer(&mut out, &entry).map_err(|e| failed(io::Error::other(e)))?;
            out.push(b'\n');
            if out.len() >= 8 << 20 {
                (&index).write_all(&out).map_err(failed)?;
                out.clear();
            }
        }
        (&index).write_all(&out).map_err(failed)?;
    }
    Ok(Refreshed::Ready(index))
}

/// How far the index covers the history (end offset, lines), if its header is this version's
/// and its last record entry matches the history's line at that place.
fn covered(index: &File, history: &File) -> io::Result<Option<(u64, usize)>> {
    let mut header = vec![0u8; HEADER.len()];
    if index.read_exact_at(&mut header, 0).is_err() || header != HEADER {
        return Ok(None);
    }
    let mut lines = ReverseLines::new(index.try_clone()?)?;
    let mut last: Option<(u64, usize)> = None;
    while let Some((offset, _, line)) = lines.next_line()? {
        if offset < HEADER.len() as u64 {
            // Only the header: nothing indexed yet.
            return Ok(Some(last.unwrap_or((0, 0))));
        }
        let entry = match line {
            RevLine::Text(text) => serde_json::from_slice::<Entry>(&text).ok(),
            RevLine::TooLong(_) => None,
        };
        let Some(entry) = entry else {
            if last.is_some() {
                return Ok(None);
            }
            // An update cut short at the end (the process ended mid-write): drop it.
            index.set_len(offset)?;
            continue;
        };
        last.get_or_insert((entry.e, entry.n));
        let Some(summary) = entry.s else {
            continue;
        };
        // The record entry nearest the end must be the history's line at that place.
        let len = entry.e.saturating_sub(summary.offset) as usize;
        if len > super::record::MAX_LINE + 2 {
            return Ok(None);
        }
        let mut bytes = vec![0u8; len];
        if history.read_exact_at(&mut bytes, summary.offset).is_err() {
            return Ok(None);
        }
        while matches!(bytes.last(), Some(b'\n' | b'\r')) {
            bytes.pop();
        }
        let id = format!(
            "\"id\":{}",
            serde_json::to_string(&summary.id).unwrap_or_default()
        );
        let same = link_of(&bytes)
            .is_some_and(|l| memchr::memmem::find(l.record, id.as_bytes()).is_some());
        return Ok(same.then_some(last.unwrap_or((0, 0))));
    }
    Ok(None)
}

/// The index read newest first, after its header.
pub(crate) struct Entries {
    lines: ReverseLines,
}

impl Entries {
    pub fn new(index: File) -> io::Result<Entries> {
        Ok(Entries {
            lines: ReverseLines::new(index)?,
        })
    }

    /// The next entry towards the oldest; None at the header.
    pub fn next_entry(&mut self) -> io::Result<Option<Entry>> {
        self.next_line()?
            .map(|line| serde_json::from_slice(&line).map_err(damaged))
            .transpose()
    }

    /// The next entry's line, unparsed; None at the header.
    pub fn next_line(&mut self) -> io::Result<Option<Vec<u8>>> {
        let Some((offset, _, line)) = self.lines.next_line()? else {
            return Ok(None);
        };
        if offset < HEADER.len() as u64 {
            return Ok(None);
        }
        match line {
            RevLine::Text(text) => Ok(Some(text)),
            RevLine::TooLong(_) => Err(damaged("a line too long")),
        }
    }
}

fn damaged(why: impl std::fmt::Display) -> io::Error {
    io::Error::other(format!("the history index is damaged ({why})"))
}

/// An entry as [`summary_of`] reads it: its summary's fields borrowed from the line.
#[derive(Deserialize)]
struct EntryRef<'a> {
    #[serde(default, borrow)]
    s: Option<SummaryFields<'a>>,
    #[serde(default)]
    bad: Option<(u64, LineProblem)>,
}

/// The fields of a [`Summary`] a store of summaries keeps (the others are skipped unread).
#[derive(Deserialize)]
struct SummaryFields<'a> {
    offset: u64,
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(default, borrow)]
    supersedes: Option<Cow<'a, str>>,
    date: jiff::civil::Date,
    #[serde(default)]
    kind: super::record::RecordKind,
    outcome: crate::rules::Outcome,
    #[serde(default)]
    provisional: bool,
    #[serde(borrow)]
    details: DetailsRef<'a>,
    #[serde(borrow)]
    answers: &'a serde_json::value::RawValue,
}

#[derive(Deserialize)]
struct DetailsRef<'a> {
    #[serde(default, borrow)]
    reference: Cow<'a, str>,
    #[serde(default, borrow)]
    counterparty: Cow<'a, str>,
    #[serde(default, borrow)]
    officer: Cow<'a, str>,
    #[serde(default, borrow)]
    notes: Cow<'a, str>,
}

/// An entry's summary borrowed from its line (None for a record of a batch a crash cut
/// short), or the unusable history line it stands for; an error when the entry itself does
/// not read (the index is damaged).
pub(crate) fn summary_of(
    line: &[u8],
) -> io::Result<Result<Option<SummaryRef<'_>>, (u64, LineProblem)>> {
    let entry: EntryRef = serde_json::from_slice(line).map_err(damaged)?;
    Ok(match (entry.s, entry.bad) {
        (Some(s), _) => Ok(Some(SummaryRef {
            offset: s.offset,
            id: s.id,
            supersedes: s.supersedes,
            date: s.date,
            kind: s.kind,
            outcome: s.outcome,
            provisional: s.provisional,
            reference: s.details.reference,
            counterparty: s.details.counterparty,
            officer: s.details.officer,
            notes: s.details.notes,
            answers: s.answers.get(),
        })),
        (None, Some(bad)) => Err(bad),
        (None, None) => Ok(None),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Answers;
    use crate::history::NewRecord;
    use crate::identity::Identity;
    use crate::screening::Screening;

    fn save(history: &History, n: usize) {
        let rules = crate::rules::embedded().expect("rules");
        let s = Screening::run(
            &rules,
            &Answers::new().with("stage", "none"),
            "2025-10-20".parse().expect("date"),
            Default::default(),
        );
        let new: Vec<NewRecord> = (0..n).map(|_| NewRecord::screening(&s)).collect();
        history.append(&new, &Identity::default()).expect("saved");
    }

    fn entries(history: &History) -> usize {
        let Refreshed::Ready(file) = refresh(history, None).expect("refresh") else {
            panic!("not ready");
        };
        let mut entries = Entries::new(file).expect("entries");
        let mut n = 0;
        while entries.next_entry().expect("entry").is_some() {
            n += 1;
        }
        n
    }

    #[test]
    fn far_behind_waits_and_a_cut_update_is_dropped() {
        let dir = tempfile::tempdir().expect("tempdir");
        let history = History::new(dir.path());
        save(&history, 3);
        assert!(matches!(refresh(&history, Some(10)), Ok(Refreshed::Behind)));
        assert_eq!(entries(&history), 3);
        // An update the process did not finish: the torn entry goes, the rest stays.
        let path = dir.path().join(INDEX_FILE);
        let mut text = std::fs::read(&path).expect("read");
        let cut = text.len() - 10;
        text.truncate(cut);
        std::fs::write(&path, &text).expect("write");
        assert_eq!(entries(&history), 3);
        save(&history, 2);
        assert_eq!(entries(&history), 5);
    }
}
