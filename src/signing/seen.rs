//! Cut tails and replaced files. A signature proves who made a save, not that the newest
//! saves are still there: anyone who can write the file can cut it at a line boundary, or
//! replace it with an older copy, and the chain still holds. So each user's runs of the tool
//! keep, in that user's own private state (never the shared data directory), the newest head
//! (hash, where its line starts, and the record count when known) they have seen of each
//! history; a history that no longer holds it has lost records. Heads are noted only from
//! complete, synced saves read under the history's shared lock (or one's own save, under the
//! exclusive lock), so a save cut back after a failed write never raises a false alarm.
//!
//! An anchor (`history anchor`) is the same head printed as one line, to paste into a ticket
//! or an email: an outside witness no one with access to the machine can change.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::signatures::Checked;
use crate::history::{History, MAX_LINE, RevItem, link_of};

/// The file, in the user's private state directory.
pub const SEEN_FILE: &str = "seen-heads.json";

/// How long a line command waits for a save in progress before it leaves the head unnoted
/// (the history view does not wait: it must open at once).
pub const LOCK_WAIT: Duration = Duration::from_secs(2);

/// A history's head as seen (or anchored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Head {
    pub hash: String,
    /// Where its line starts.
    pub offset: u64,
    /// Its record's number (1-based), when it was counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub records: Option<u64>,
    pub seen: Timestamp,
    /// Whether `allowed_signers` named users who must sign when this user verified: a file
    /// that then goes missing (a member can delete it) would otherwise hold no one to signing.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub signers: bool,
    /// How much of `history.sig` this user's verify found valid (see `signatures.rs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signatures: Option<Checked>,
}

impl Head {
    /// "head 1e1f2743... (record 12)".
    pub fn describe(&self) -> String {
        let record = self
            .records
            .map(|n| format!(" (record {n})"))
            .unwrap_or_default();
        format!("head {}{record}", self.hash)
    }

    /// When it was seen, to the second.
    fn seen_at(&self) -> String {
        self.seen.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
    }
}

/// The user's private state file, if there is a place for it.
fn state_file(history: &History) -> Option<PathBuf> {
    history.state_dir().map(|d| d.join(SEEN_FILE))
}

/// The key of a history in the state file: its file's canonical path.
fn key_of(history: &History) -> Option<String> {
    fs::canonicalize(history.dir())
        .ok()
        .map(|d| d.join(crate::history::FILE_NAME).display().to_string())
}

fn load_all(file: &Path) -> BTreeMap<String, Head> {
    crate::files::read_text(file, 16 << 20)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

/// The newest head this user has seen of `history`.
pub fn seen_head(history: &History) -> Option<Head> {
    let (file, key) = (state_file(history)?, key_of(history)?);
    load_all(&file).remove(&key)
}

/// Keep `head` as the newest seen of `history`, unless one already kept lies further on.
/// Errors are not the caller's concern: a state that cannot be written notes nothing.
pub fn note(history: &History, head: Head) {
    let (Some(file), Some(key)) = (state_file(history), key_of(history)) else {
        return;
    };
    let Ok(_locked) = lock_state(&file) else {
        return;
    };
    let mut all = load_all(&file);
    // A head the history lost stays noted: it is the evidence.
    if let Some(old) = all.get(&key)
        && (old.offset > head.offset
            || (old.offset == head.offset && (old.hash != head.hash || head.records.is_none()))
            || !holds(history, old.offset, &old.hash))
    {
        return;
    }
    let old = all.get(&key);
    let signers = head.signers || old.is_some_and(|old| old.signers);
    let signatures = head
        .signatures
        .clone()
        .or_else(|| old.and_then(|old| old.signatures.clone()));
    all.insert(
        key,
        Head {
            signers,
            signatures,
            ..head
        },
    );
    let _ = write_private(&file, &all);
}

/// The state file's directory, made if needed, and checked to be this user's and not
/// writable by others.
fn private_state_dir(file: &Path) -> Result<&Path, String> {
    let dir = file.parent().ok_or("no state directory")?;
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| e.to_string())?;
    let meta = fs::metadata(dir).map_err(|e| e.to_string())?;
    if meta.uid() != rustix::process::getuid().as_raw() || meta.mode() & 0o022 != 0 {
        return Err(format!("{} is not private", dir.display()));
    }
    Ok(dir)
}

/// Held while the state file is read, changed and written back, so that two workbenches
/// (or threads) noting at once never lose each other's heads.
fn lock_state(file: &Path) -> Result<File, String> {
    let dir = private_state_dir(file)?;
    let lock = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(dir.join(format!(".{SEEN_FILE}.lock")))
        .map_err(|e| e.to_string())?;
    lock.lock().map_err(|e| e.to_string())?;
    Ok(lock)
}

/// Written whole (a new private file renamed over the old) in a directory only its user
/// can enter.
fn write_private(file: &Path, all: &BTreeMap<String, Head>) -> Result<(), String> {
    let dir = private_state_dir(file)?;
    let temp = dir.join(format!(".{SEEN_FILE}.{}.tmp", crate::files::random_hex(8)?));
    let text = serde_json::to_string_pretty(all).map_err(|e| e.to_string())?;
    let mut out = crate::files::create_new_private(&temp).map_err(|e| e.to_string())?;
    std::io::Write::write_all(&mut out, text.as_bytes())
        .and_then(|()| out.sync_all())
        .and_then(|()| fs::rename(&temp, file))
        .map_err(|e| {
            let _ = fs::remove_file(&temp);
            e.to_string()
        })
}

/// The history file held under a shared lock: no save is half-written while it is held.
pub struct SharedLock {
    _file: File,
}

impl SharedLock {
    /// The lock, waiting at most `wait` for a save; None when there is no history or a save
    /// holds it longer.
    pub fn acquire(history: &History, wait: Duration) -> Option<SharedLock> {
        let file = OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
            .open(history.path())
            .ok()?;
        let started = Instant::now();
        loop {
            match file.try_lock_shared() {
                Ok(()) => return Some(SharedLock { _file: file }),
                Err(std::fs::TryLockError::WouldBlock) if started.elapsed() < wait => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(_) => return None,
            }
        }
    }
}

/// Whether the line starting at `offset` is a record whose hash is `hash`.
pub fn holds(history: &History, offset: u64, hash: &str) -> bool {
    let read = || -> std::io::Result<Vec<u8>> {
        let mut file = File::open(history.path())?;
        file.seek(SeekFrom::Start(offset))?;
        let mut line = Vec::new();
        BufReader::new(file)
            .take(MAX_LINE as u64 + 2)
            .read_until(b'\n', &mut line)?;
        Ok(line)
    };
    let Ok(mut line) = read() else { return false };
    while matches!(line.last(), Some(b'\n' | b'\r')) {
        line.pop();
    }
    link_of(&line)
        .is_some_and(|link| link.hash == hash && crate::history::check_link(&link).is_ok())
}

/// For a command that reads the history: whether it still holds the head this user saw
/// (else the warning to show), then note its present head, read under the shared lock
/// (waiting at most `wait` for it; without it nothing is checked or noted). A history that
/// lost the seen head keeps it noted, so `verify` goes on failing.
pub fn check_and_note(history: &History, wait: Duration) -> Option<String> {
    let lock = SharedLock::acquire(history, wait)?;
    if let Some(seen) = seen_head(history)
        && !holds(history, seen.offset, &seen.hash)
    {
        return Some(lost_message(&seen));
    }
    let mut newest_first = history.newest_first().ok()??;
    let mut newest = None;
    while let Ok(Some(item)) = newest_first.next_item() {
        if let RevItem::Record { offset, hash, .. } = item {
            newest = Some(Head {
                hash,
                offset,
                records: None,
                seen: Timestamp::now(),
                signers: false,
                signatures: None,
            });
            break;
        }
    }
    drop(lock);
    if let Some(head) = newest {
        note(history, head);
    }
    None
}

pub fn lost_message(seen: &Head) -> String {
    format!(
        "this history no longer holds {}, which you saw on {}: records were cut off, or the file was replaced or rewritten",
        seen.describe(),
        seen.seen_at()
    )
}

/// An anchor line: `ree-screen anchor <head hash> <records> records <date>`.
pub fn anchor_line(hash: &str, records: u64, at: Timestamp) -> String {
    format!(
        "ree-screen anchor {hash} {records} records {}",
        at.strftime("%Y-%m-%dT%H:%M:%SZ")
    )
}

/// An anchor line read back: (head hash, records, when it was made).
pub fn parse_anchor(line: &str) -> Result<(String, u64, String), String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    match words.as_slice() {
        ["ree-screen", "anchor", hash, records, "records", date]
            if hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()) =>
        {
            let records = records
                .parse::<u64>()
                .map_err(|_| format!("'{records}' is not a record count"))?;
            Ok((hash.to_ascii_lowercase(), records, date.to_string()))
        }
        _ => Err(format!(
            "'{}' is not an anchor line (ree-screen anchor <64 hex> <N> records <date>, as `history anchor` prints it)",
            crate::text::sanitize(line)
        )),
    }
}

/// The heads a verify checks as it walks: the one this user saw, and an anchor if given.
#[derive(Debug)]
pub struct HeadCheck {
    seen: Option<Head>,
    anchor: Option<(String, u64, String)>,
    records: u64,
    seen_held: bool,
    anchor_held: bool,
    newest: Option<(u64, String)>,
}

/// What became of the heads.
#[derive(Debug, Default)]
pub struct HeadReport {
    /// What holds, in words.
    pub held: Vec<String>,
    /// Heads the history no longer holds.
    pub lost: Vec<String>,
    /// `allowed_signers` named users when this user last verified, and now does not.
    pub signers_gone: Option<String>,
}

impl HeadReport {
    pub fn intact(&self) -> bool {
        self.lost.is_empty() && self.signers_gone.is_none()
    }
}

impl HeadCheck {
    /// `anchor`: a line `history anchor` printed.
    pub fn new(history: &History, anchor: Option<&str>) -> Result<HeadCheck, String> {
        Ok(HeadCheck {
            seen: seen_head(history),
            anchor: anchor.map(parse_anchor).transpose()?,
            records: 0,
            seen_held: false,
            anchor_held: false,
            newest: None,
        })
    }

    /// How much of `history.sig` this user's last verify found valid.
    pub fn checked_signatures(&self) -> Option<&Checked> {
        self.seen.as_ref().and_then(|s| s.signatures.as_ref())
    }

    /// The next good record of the chain.
    pub fn record(&mut self, offset: u64, hash: &str) {
        self.records += 1;
        if let Some(seen) = &self.seen
            && seen.offset == offset
        {
            self.seen_held = seen.hash == hash;
        }
        if let Some((anchored, records, _)) = &self.anchor
            && *records == self.records
        {
            self.anchor_held = anchored == hash;
        }
        self.newest = Some((offset, hash.to_string()));
    }

    /// The report; when the history is `intact` and was read under the shared lock, its head
    /// (with its count, whether `allowed_signers` named anyone: `signers`, and the
    /// `signatures` found valid) is noted as seen.
    pub fn finish(
        self,
        history: &History,
        intact: bool,
        locked: bool,
        signers: bool,
        signatures: Option<Checked>,
    ) -> HeadReport {
        let mut report = HeadReport::default();
        if let Some(seen) = &self.seen
            && seen.signers
            && !signers
        {
            report.signers_gone = Some(format!(
                "allowed_signers named users who must sign when you verified on {}, and now it is gone or does not count: no one would be held to signing",
                seen.seen_at()
            ));
        }
        match &self.seen {
            Some(seen) if self.seen_held => report.held.push(format!(
                "{}, which you saw on {}, is still in the history",
                seen.describe(),
                seen.seen_at()
            )),
            Some(seen) => report.lost.push(lost_message(seen)),
            None => {}
        }
        if let Some((hash, records, date)) = &self.anchor {
            if self.anchor_held {
                report.held.push(format!(
                    "the anchor of {date} holds: record {records} is head {hash}"
                ));
            } else {
                report.lost.push(format!(
                    "the anchor of {date} does not hold: record {records} should be head {hash}, and {}",
                    if self.records < *records {
                        format!("the history has only {} record(s)", self.records)
                    } else {
                        "it is not: the history was rewritten".to_string()
                    }
                ));
            }
        }
        if intact
            && locked
            && report.intact()
            && let Some((offset, hash)) = self.newest
        {
            note(
                history,
                Head {
                    hash,
                    offset,
                    records: Some(self.records),
                    seen: Timestamp::now(),
                    signers,
                    signatures,
                },
            );
        }
        report
    }
}
