//! The derived index of a history: one short JSON line per history line (a record's
//! summary, an unusable line's problem, or a mark for a record of a batch a crash cut
//! short), so the history view and the outcome and date filters read every summary without
//! parsing the records.
//!
//! A hash per entry could not catch an edited outcome, so the index is never trusted across
//! users: it lives in the reading user's own private cache (a 0700 directory from
//! `directories`, or `REE_SCREEN_CACHE_DIR`), one file per history, named by the history's
//! identity (its path, device and inode), never in the data directory. It is only ever
//! written to a file this program created: built in a new temporary file (`O_EXCL`, 0600)
//! that names its own inode in its header and is renamed into place, then appended to. A
//! file with another inode than it names, more than one link, another owner, a mode other
//! than 0600, or any other oddity is discarded and rebuilt, never truncated or written
//! through. Before each use its last record entry is checked against the history's line at
//! that offset (same id, same end); on any mismatch it is rebuilt, with a notice. Lines
//! appended since are added, up to the end of the history's last whole record. Writing it
//! is never required: when it cannot be written (no cache, too little disk space, an
//! error), readers read the history itself, and a half-written index is removed. Deciding
//! whether a record is current under the lock, and `verify`, read the history itself.

use std::borrow::Cow;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{FileExt, MetadataExt};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::lines::{Item, RevLine, ReverseLines, Walk};
use super::query::{Summary, SummaryRef};
use super::record::{LineProblem, link_of};
use super::store::{History, HistoryError, io_error};
use crate::files::{open_private, private_dir, room_for};

/// Version 3: the index names its own inode, and summaries carry the id and what they
/// supersede (readers tell each case's current record).
const HEADER_START: &str = "ree-screen history index 3 inode ";

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
    /// Up to date: its entries newest first (a rebuild was told to the history's notices).
    Ready(Entries),
    /// More than the budget of history bytes to add: nothing was done.
    Behind,
}

/// History bytes the history view indexes before it shows anything (about 15,000 records,
/// a tenth of a second); more is indexed in the background while the view reads the history
/// itself.
pub(crate) const VIEW_BUDGET: u64 = 16 << 20;

/// The private cache directory of indexes: `REE_SCREEN_CACHE_DIR`, else the platform's.
pub fn cache_dir() -> Option<PathBuf> {
    crate::paths::cache_dir().map(|dir| dir.join("indexes"))
}

/// Where a history's index and its lock file are: named by the history's path, device and
/// inode, so another history (or the same path after the file was replaced) never shares it.
pub(crate) fn locate(
    dir: &Path,
    history: &History,
    source: &File,
) -> io::Result<(PathBuf, PathBuf)> {
    let meta = source.metadata()?;
    let path = fs::canonicalize(history.path()).unwrap_or_else(|_| history.path());
    let mut key = Sha256::new();
    key.update(path.as_os_str().as_encoded_bytes());
    key.update(format!("\0{}:{}", meta.dev(), meta.ino()).as_bytes());
    let name: String = key.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok((
        dir.join(format!("{name}.idx")),
        dir.join(format!("{name}.lock")),
    ))
}

/// The index as found: a file this program made (its header names its own inode), or why
/// it is not usable.
fn open_existing(path: &Path) -> Result<Option<File>, String> {
    let file = match open_private(path, OpenOptions::new().read(true).append(true)) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.to_string()),
    };
    let ino = file.metadata().map_err(|e| e.to_string())?.ino();
    let header = header(ino);
    let mut found = vec![0u8; header.len()];
    if file.read_exact_at(&mut found, 0).is_err() || found != header.as_bytes() {
        return Err("it is not an index this program made in this place".into());
    }
    Ok(Some(file))
}

fn header(ino: u64) -> String {
    format!("{HEADER_START}{ino}\n")
}

/// How long an update of the index waits for another one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Patience {
    /// Up to the lock timeout (a command, a background catch-up).
    Wait,
    /// Not at all (the history view opening: it reads the history instead).
    Now,
}

/// Bring the index up to date with the history, unless more than `budget` bytes of history
/// are to be added. An error means the index cannot be used (read the history instead).
pub(crate) fn refresh(
    history: &History,
    budget: Option<u64>,
    patience: Patience,
) -> Result<Refreshed, HistoryError> {
    let Some(source) = history.open_for_read()? else {
        return Ok(Refreshed::NoHistory);
    };
    let dir = history
        .index_dir()
        .ok_or_else(|| HistoryError::new(&history.path(), "no cache directory for the index"))?;
    let failed = |e: io::Error| io_error(&dir, "update the history index", &e);
    private_dir(&dir).map_err(failed)?;
    let (path, lock_path) = locate(&dir, history, &source).map_err(failed)?;
    let lock = open_private(
        &lock_path,
        OpenOptions::new().read(true).write(true).create(true),
    )
    .map_err(failed)?;
    super::lock::acquire(
        &lock,
        &lock_path,
        "the history index",
        super::lock::Mode::Exclusive,
        history.notices(),
        match patience {
            Patience::Wait => super::lock::timeout(),
            Patience::Now => std::time::Duration::ZERO,
        },
    )?;
    let history_len = source.metadata().map_err(failed)?.len();
    let valid_end = super::store::tail_state(&source, history_len)
        .map_err(failed)?
        .valid_end;
    let (existing, mut notice) = match open_existing(&path) {
        Ok(file) => (file, None),
        Err(why) => (
            None,
            Some(format!("the history index was discarded ({why})")),
        ),
    };
    let covered = match &existing {
        Some(index) => match covered(index, &source).map_err(failed)? {
            Some((end, line)) if end <= valid_end => Some((end, line)),
            _ => {
                notice.get_or_insert_with(|| {
                    "the history index did not match the history".to_string()
                });
                None
            }
        },
        None => None,
    };
    let (from, lines) = covered.unwrap_or((0, 0));
    if budget.is_some_and(|b| valid_end - from > b) {
        return Ok(Refreshed::Behind);
    }
    let written = match existing.filter(|_| covered.is_some()) {
        Some(index) => room_for(&dir, (valid_end - from) / 2)
            .and_then(|()| write_entries(&index, &source, history, from, valid_end, lines))
            .inspect_err(|_| {
                // Never leave a half-written index behind: it is rebuilt next time.
                let _ = fs::remove_file(&path);
            }),
        None => rebuild(&dir, &path, &source, history, valid_end),
    };
    written.map_err(|e| {
        let mut error = failed(e);
        if let Some(notice) = &notice {
            error.message = format!("{notice}; {}", error.message);
        }
        error
    })?;
    let index = open_existing(&path)
        .map_err(|why| HistoryError::new(&path, why))?
        .ok_or_else(|| HistoryError::new(&path, "the history index vanished"))?;
    // Read to where this update ended, under the lock: a later update's lines are not seen.
    let entries = Entries::new(index).map_err(failed)?;
    if let Some(notice) = notice {
        history
            .notices()
            .say(&format!("{notice}; it was rebuilt from the history"));
    }
    Ok(Refreshed::Ready(entries))
}

/// Build the index afresh in a new private file and rename it into place; the temporary
/// file is removed on any error.
fn rebuild(
    dir: &Path,
    path: &Path,
    source: &File,
    history: &History,
    valid_end: u64,
) -> io::Result<()> {
    // Under this history's index lock, a temporary file of its index is an orphan (a
    // process ended mid-rebuild, a view closed while indexing in the background): removed.
    let key = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let orphan = |name: &str| {
        name.strip_prefix(&format!(".{key}."))
            .is_some_and(|rest| rest.ends_with(".tmp"))
    };
    for entry in fs::read_dir(dir)?.flatten() {
        if orphan(&entry.file_name().to_string_lossy()) {
            let _ = fs::remove_file(entry.path());
        }
    }
    // An index is about a third of the history it covers.
    room_for(dir, valid_end / 2)?;
    let random = crate::files::random_hex(8).map_err(io::Error::other)?;
    let temp = dir.join(format!(".{key}.{random}.tmp"));
    let built = (|| {
        let file = crate::files::create_new_private(&temp)?;
        let ino = file.metadata()?.ino();
        (&file).write_all(header(ino).as_bytes())?;
        write_entries(&file, source, history, 0, valid_end, 0)?;
        fs::rename(&temp, path)
    })();
    if built.is_err() {
        let _ = fs::remove_file(&temp);
    }
    built
}

/// Write one entry per history line of `from..to` (whose first line is number `lines + 1`).
fn write_entries(
    index: &File,
    source: &File,
    history: &History,
    from: u64,
    to: u64,
    lines: usize,
) -> io::Result<()> {
    let history_error = |e: HistoryError| io::Error::other(e.message);
    let mut walk =
        Walk::range(source.try_clone()?, history.path(), from, to, lines).map_err(history_error)?;
    let mut out = Vec::new();
    loop {
        let (n, bad, summary) = match walk.next_item().map_err(history_error)? {
            None => break,
            Some(Item::Record(found)) => {
                match Summary::from_record_bytes(found.offset, found.link.record) {
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
        serde_json::to_writer(&mut out, &entry).map_err(io::Error::other)?;
        out.push(b'\n');
        if out.len() >= 8 << 20 {
            (&*index).write_all(&out)?;
            out.clear();
        }
    }
    (&*index).write_all(&out)
}

/// How far the index covers the history (end offset, lines), if its last record entry
/// matches the history's line at that place; None when anything does not read.
fn covered(index: &File, history: &File) -> io::Result<Option<(u64, usize)>> {
    let header_len = header(index.metadata()?.ino()).len() as u64;
    let mut lines = ReverseLines::new(index.try_clone()?)?;
    let mut last: Option<(u64, usize)> = None;
    let mut newer_end: Option<u64> = None;
    while let Some((offset, _, line)) = lines.next_line()? {
        if offset < header_len {
            // Only the header: nothing indexed yet.
            return Ok(Some(last.unwrap_or((0, 0))));
        }
        let entry = match line {
            RevLine::Text(text) => serde_json::from_slice::<Entry>(&text).ok(),
            RevLine::TooLong(_) => None,
        };
        // An update cut short, or anything else that does not read: rebuild. So too
        // entries out of order (each line ends after the one before).
        let Some(entry) = entry else {
            return Ok(None);
        };
        if newer_end.is_some_and(|end| entry.e >= end) {
            return Ok(None);
        }
        newer_end = Some(entry.e);
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
    header_len: u64,
}

impl Entries {
    pub fn new(index: File) -> io::Result<Entries> {
        let header_len = header(index.metadata()?.ino()).len() as u64;
        Ok(Entries {
            lines: ReverseLines::new(index)?,
            header_len,
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
        if offset < self.header_len {
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
    use std::os::unix::fs::PermissionsExt;

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
        let Refreshed::Ready(mut entries) =
            refresh(history, None, Patience::Wait).expect("refresh")
        else {
            panic!("not ready");
        };
        let mut n = 0;
        while entries.next_entry().expect("entry").is_some() {
            n += 1;
        }
        n
    }

    #[test]
    fn far_behind_waits_and_a_cut_update_is_rebuilt_in_a_new_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let history = History::new(dir.path())
            .with_index_dir(dir.path().join("cache"))
            .with_state_dir(dir.path().join("state"));
        save(&history, 3);
        assert!(matches!(
            refresh(&history, Some(10), Patience::Wait),
            Ok(Refreshed::Behind)
        ));
        assert_eq!(entries(&history), 3);
        let path = history.index_path().expect("index");
        let meta = std::fs::metadata(&path).expect("index");
        assert_eq!(meta.mode() & 0o7777, 0o600);
        assert_eq!(
            std::fs::metadata(dir.path().join("cache"))
                .expect("cache")
                .mode()
                & 0o7777,
            0o700
        );
        // An update the process did not finish: the index is built anew, never cut back.
        let mut text = std::fs::read(&path).expect("read");
        text.truncate(text.len() - 10);
        std::fs::OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(&path)
            .and_then(|mut f| f.write_all(&text))
            .expect("write");
        assert_eq!(entries(&history), 3);
        assert_ne!(
            std::fs::metadata(&path).expect("index").ino(),
            meta.ino(),
            "a new file"
        );
        save(&history, 2);
        assert_eq!(entries(&history), 5);
        // A rebuild a process did not finish leaves a temporary file: the next one removes it.
        let stem = path
            .file_stem()
            .expect("stem")
            .to_string_lossy()
            .into_owned();
        let orphan = dir.path().join("cache").join(format!(".{stem}.0123.tmp"));
        std::fs::write(&orphan, "header only").expect("orphan");
        std::fs::write(&path, "damaged").expect("damage");
        assert_eq!(entries(&history), 5);
        assert!(!orphan.exists());
    }

    #[test]
    fn an_index_with_another_link_inode_owner_or_mode_is_discarded_untouched() {
        let dir = tempfile::tempdir().expect("tempdir");
        let history = History::new(dir.path())
            .with_index_dir(dir.path().join("cache"))
            .with_state_dir(dir.path().join("state"));
        save(&history, 2);
        assert_eq!(entries(&history), 2);
        let path = history.index_path().expect("index");
        // A hard link to the history: discarded, and the history keeps every byte.
        let before = std::fs::read(history.path()).expect("history");
        std::fs::remove_file(&path).expect("remove");
        std::fs::hard_link(history.path(), &path).expect("link");
        assert_eq!(entries(&history), 2);
        assert_eq!(std::fs::read(history.path()).expect("history"), before);
        // A copy of a good index (another inode than it names), and a loose mode.
        let copy = dir.path().join("copy");
        std::fs::copy(&path, &copy).expect("copy");
        std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o600)).expect("mode");
        std::fs::rename(&copy, &path).expect("over the index");
        assert!(open_existing(&path).is_err());
        assert_eq!(entries(&history), 2);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("mode");
        assert!(open_existing(&path).is_err());
        assert_eq!(entries(&history), 2);
        assert!(open_existing(&path).expect("usable").is_some());
    }
}
