//! The history file: append-only JSON Lines under an exclusive lock, fsynced before "saved";
//! read forwards (verify, export) or newest first (the history view), skipping and reporting
//! bad lines without ever rewriting them.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use std::collections::HashMap;
use std::sync::Arc;

use jiff::Timestamp;

use super::record::{
    GENESIS, LineProblem, Record, RecordKind, SCHEMA_VERSION, decode, decode_link, encode_with,
    splice_screening,
};
use crate::engine::Determination;
use crate::rules::Outcome;
use crate::identity::Identity;
use crate::screening::Screening;

pub const FILE_NAME: &str = "history.jsonl";

/// Bytes of encoded lines gathered before a write, in a large batch.
const WRITE_CHUNK: usize = 8 << 20;

#[derive(Debug)]
pub struct HistoryError {
    pub path: PathBuf,
    pub message: String,
}

impl std::fmt::Display for HistoryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

impl std::error::Error for HistoryError {}

fn io_error(path: &Path, doing: &str, e: &io::Error) -> HistoryError {
    let hint = match e.kind() {
        io::ErrorKind::PermissionDenied => {
            " (permission denied: check the directory's owner and mode)"
        }
        io::ErrorKind::ReadOnlyFilesystem => " (the file system is read-only)",
        io::ErrorKind::StorageFull => " (the disk is full)",
        _ => "",
    };
    HistoryError {
        path: path.to_path_buf(),
        message: format!("cannot {doing}: {e}{hint}"),
    }
}

/// A line that was skipped, with its 1-based line number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    pub line: usize,
    pub problem: LineProblem,
}

/// What one saved record needs besides the screening.
#[derive(Debug, Clone)]
pub struct NewRecord<'a> {
    pub screening: &'a Screening,
    pub kind: RecordKind,
    pub supersedes: Option<String>,
    pub reason: Option<String>,
    pub override_outcome: Option<Outcome>,
}

impl<'a> NewRecord<'a> {
    pub fn screening(screening: &'a Screening) -> NewRecord<'a> {
        NewRecord {
            screening,
            kind: RecordKind::Screening,
            supersedes: None,
            reason: None,
            override_outcome: None,
        }
    }
}

/// A record read back, with the byte offset of its line (to re-read it later).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub line: usize,
    pub offset: u64,
    pub hash: String,
    pub record: Record,
}

/// A line that belongs to the hash chain (any schema version), in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub line: usize,
    pub prev: String,
    pub hash: String,
}

/// Every record in file order, the lines that could not be used, and the chain.
#[derive(Debug, Default)]
pub struct Scan {
    pub records: Vec<Stored>,
    pub bad: Vec<BadLine>,
    pub links: Vec<Link>,
}

impl Scan {
    /// The newest chained line's hash: what an export states so a later truncation shows.
    pub fn head(&self) -> &str {
        self.links.last().map_or(GENESIS, |l| l.hash.as_str())
    }
}

/// The first place the chain does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    pub line: usize,
    pub message: String,
}

#[derive(Debug)]
pub struct Verification {
    pub records: usize,
    pub head: String,
    pub bad: Vec<BadLine>,
    pub first_break: Option<ChainBreak>,
}

impl Verification {
    /// No record was altered, removed, inserted or reordered. Unreadable lines (a torn write
    /// after a crash, a foreign line) are reported but do not count: no record links to
    /// them, and since the file is never rewritten one crash would otherwise fail forever.
    pub fn intact(&self) -> bool {
        self.first_break.is_none()
    }
}

/// A history in one data directory.
#[derive(Debug, Clone)]
pub struct History {
    dir: PathBuf,
}

impl History {
    pub fn new(dir: impl Into<PathBuf>) -> History {
        History { dir: dir.into() }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join(FILE_NAME)
    }

    /// Create the directory (0700) if needed and open the file (0600) for appending.
    fn open_for_append(&self) -> Result<File, HistoryError> {
        let path = self.path();
        if !self.dir.exists() {
            let mut builder = fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
            builder
                .create(&self.dir)
                .map_err(|e| io_error(&self.dir, "create the history directory", &e))?;
        }
        let mut options = OpenOptions::new();
        options.read(true).append(true).create(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        options
            .open(&path)
            .map_err(|e| io_error(&path, "open the history for writing", &e))
    }

    /// Append records in one locked write, chained to the newest good record, and fsync before
    /// returning them. Nothing already in the file is changed.
    pub fn append(
        &self,
        new: &[NewRecord],
        identity: &Identity,
    ) -> Result<Vec<Record>, HistoryError> {
        let path = self.path();
        let mut file = self.open_for_append()?;
        file.lock()
            .map_err(|e| io_error(&path, "lock the history", &e))?;
        let (mut prev, ends_with_newline) =
            tail_state(&mut file).map_err(|e| io_error(&path, "read the history", &e))?;
        // A torn last line stays as it is; the new records start on a fresh line.
        let mut out = if ends_with_newline {
            String::new()
        } else {
            "\n".to_string()
        };
        let mut records = Vec::with_capacity(new.len());
        let mut encoded = EncodeCache {
            path: &path,
            made: HashMap::new(),
        };
        let now = Timestamp::now();
        for entry in new {
            let determination_json = encoded.json(&entry.screening.determination)?;
            let record = Record {
                schema: SCHEMA_VERSION,
                id: new_id(now),
                saved_at: now,
                program_version: env!("CARGO_PKG_VERSION").to_string(),
                kind: entry.kind,
                supersedes: entry.supersedes.clone(),
                reason: entry.reason.clone(),
                override_outcome: entry.override_outcome,
                identity: identity.clone(),
                screening: entry.screening.clone(),
                prev: prev.clone(),
            };
            let (line, hash) = splice_screening(&determination_json, &record.screening.details)
                .and_then(|screening| encode_with(&record, &screening))
                .map_err(|e| encode_error(&path, &e))?;
            out.push_str(&line);
            prev = hash;
            records.push(record);
            // A large batch goes out in whole-line chunks under the same lock, so memory
            // stays bounded; a single record is always one write.
            if out.len() >= WRITE_CHUNK {
                file.write_all(out.as_bytes())
                    .map_err(|e| io_error(&path, "write to the history", &e))?;
                out.clear();
            }
        }
        file.write_all(out.as_bytes())
            .map_err(|e| io_error(&path, "write to the history", &e))?;
        file.sync_all()
            .map_err(|e| io_error(&path, "flush the history to disk", &e))?;
        Ok(records)
    }

    /// Read every line in file order. A missing file is an empty history.
    pub fn scan(&self) -> Result<Scan, HistoryError> {
        let path = self.path();
        let file = match File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Scan::default()),
            Err(e) => return Err(io_error(&path, "open the history", &e)),
        };
        let mut reader = BufReader::with_capacity(1 << 20, file);
        let mut scan = Scan::default();
        let mut buf = Vec::new();
        let mut offset = 0u64;
        let mut line_no = 0;
        loop {
            buf.clear();
            let n = reader
                .read_until(b'\n', &mut buf)
                .map_err(|e| io_error(&path, "read the history", &e))?;
            if n == 0 {
                break;
            }
            line_no += 1;
            let text = String::from_utf8_lossy(&buf);
            let text = text.trim_end_matches(['\n', '\r']);
            if !text.trim().is_empty() {
                if let Some((prev, hash)) = decode_link(text) {
                    scan.links.push(Link {
                        line: line_no,
                        prev,
                        hash,
                    });
                }
                match decode(text) {
                    Ok((record, hash)) => scan.records.push(Stored {
                        line: line_no,
                        offset,
                        hash,
                        record,
                    }),
                    Err(problem) => scan.bad.push(BadLine {
                        line: line_no,
                        problem,
                    }),
                }
            }
            offset += n as u64;
        }
        Ok(scan)
    }

    /// Check every line and the chain; report the first break.
    pub fn verify(&self) -> Result<Verification, HistoryError> {
        let scan = self.scan()?;
        let mut prev = GENESIS.to_string();
        let mut first_break = None;
        for link in &scan.links {
            if link.prev != prev {
                first_break = Some(ChainBreak {
                    line: link.line,
                    message: format!(
                        "this record links to {} but the record before it hashes to {}: a record was removed, inserted or reordered before this line",
                        link.prev, prev
                    ),
                });
                break;
            }
            prev.clone_from(&link.hash);
        }
        // An edited line fails its own hash; report it if it comes before the chain break.
        let altered = scan
            .bad
            .iter()
            .find(|b| matches!(b.problem, LineProblem::HashMismatch { .. }))
            .map(|b| ChainBreak {
                line: b.line,
                message: b.problem.to_string(),
            });
        let first_break = match (first_break, altered) {
            (Some(chain), Some(edit)) => Some(if edit.line < chain.line { edit } else { chain }),
            (chain, edit) => chain.or(edit),
        };
        Ok(Verification {
            records: scan.records.len(),
            head: scan.head().to_string(),
            bad: scan.bad,
            first_break,
        })
    }

    /// Re-read the record whose line starts at `offset` (for the detail view).
    pub fn record_at(&self, offset: u64) -> Result<Record, HistoryError> {
        let path = self.path();
        let mut file = File::open(&path).map_err(|e| io_error(&path, "open the history", &e))?;
        file.seek(SeekFrom::Start(offset))
            .map_err(|e| io_error(&path, "read the history", &e))?;
        let mut line = String::new();
        BufReader::new(file)
            .read_line(&mut line)
            .map_err(|e| io_error(&path, "read the history", &e))?;
        decode(line.trim_end())
            .map(|(r, _)| r)
            .map_err(|p| HistoryError {
                path,
                message: format!("the line at byte {offset} is unusable: {p}"),
            })
    }

    /// The record with this id (or the only one whose id starts with it).
    pub fn find(&self, id: &str) -> Result<Option<Stored>, HistoryError> {
        let scan = self.scan()?;
        if let Some(exact) = scan.records.iter().find(|s| s.record.id == id) {
            return Ok(Some(exact.clone()));
        }
        let mut matches = scan
            .records
            .into_iter()
            .filter(|s| s.record.id.starts_with(id));
        match (matches.next(), matches.next()) {
            (Some(only), None) if !id.is_empty() => Ok(Some(only)),
            (Some(_), Some(_)) => Err(HistoryError {
                path: self.path(),
                message: format!("\"{id}\" matches more than one record: give more of the id"),
            }),
            _ => Ok(None),
        }
    }

    /// Lines newest first, with their byte offsets and line-from-the-end positions, reading
    /// the file backwards in blocks so the newest records come without reading the rest.
    pub fn newest_first(&self) -> Result<Option<ReverseLines>, HistoryError> {
        let path = self.path();
        match File::open(&path) {
            Ok(file) => ReverseLines::new(file)
                .map(Some)
                .map_err(|e| io_error(&path, "read the history", &e)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io_error(&path, "open the history", &e)),
        }
    }
}

/// The JSON of each distinct determination in a batch, made once: an order book repeats a
/// handful of answer combinations.
struct EncodeCache<'p> {
    path: &'p Path,
    made: HashMap<*const Determination, Arc<str>>,
}

impl EncodeCache<'_> {
    fn json(&mut self, determination: &Arc<Determination>) -> Result<Arc<str>, HistoryError> {
        if let Some(json) = self.made.get(&Arc::as_ptr(determination)) {
            return Ok(json.clone());
        }
        let json: Arc<str> = serde_json::to_string(&**determination)
            .map_err(|e| encode_error(self.path, &e))?
            .into();
        self.made.insert(Arc::as_ptr(determination), json.clone());
        Ok(json)
    }
}

fn encode_error(path: &Path, e: &serde_json::Error) -> HistoryError {
    HistoryError {
        path: path.to_path_buf(),
        message: format!("cannot encode a record: {e}"),
    }
}

/// The newest good record's hash and whether the file ends with a newline, read from the end.
fn tail_state(file: &mut File) -> io::Result<(String, bool)> {
    let len = file.seek(SeekFrom::End(0))?;
    if len == 0 {
        return Ok((GENESIS.to_string(), true));
    }
    let mut last = [0u8; 1];
    file.seek(SeekFrom::End(-1))?;
    file.read_exact(&mut last)?;
    let ends_with_newline = last[0] == b'\n';
    let mut lines = ReverseLines::new(file.try_clone()?)?;
    while let Some((_, line)) = lines.next_line()? {
        if let Some((_, hash)) = decode_link(&line) {
            return Ok((hash, ends_with_newline));
        }
    }
    Ok((GENESIS.to_string(), ends_with_newline))
}

/// Reads a file's lines from the last to the first in 64 KiB blocks.
pub struct ReverseLines {
    file: File,
    /// File offset where the unread part ends.
    pos: u64,
    /// Bytes read but not yet split off, always a prefix of the file's unread tail.
    pending: Vec<u8>,
}

const BLOCK: u64 = 64 * 1024;

impl ReverseLines {
    fn new(mut file: File) -> io::Result<ReverseLines> {
        let pos = file.seek(SeekFrom::End(0))?;
        Ok(ReverseLines {
            file,
            pos,
            pending: Vec::new(),
        })
    }

    /// The next line towards the start of the file, with its byte offset; empty lines skipped.
    pub fn next_line(&mut self) -> io::Result<Option<(u64, String)>> {
        loop {
            // The last '\n' that is not the final byte ends the previous line.
            let search_end = self.pending.len().saturating_sub(1);
            if let Some(nl) = self.pending[..search_end].iter().rposition(|b| *b == b'\n') {
                let line = self.pending.split_off(nl + 1);
                let offset = self.pos + self.pending.len() as u64;
                if let Some(text) = clean(&line) {
                    return Ok(Some((offset, text)));
                }
                continue;
            }
            if self.pos == 0 {
                let line = std::mem::take(&mut self.pending);
                return Ok(clean(&line).map(|text| (0, text)));
            }
            let start = self.pos.saturating_sub(BLOCK);
            let mut block = vec![0u8; (self.pos - start) as usize];
            self.file.seek(SeekFrom::Start(start))?;
            self.file.read_exact(&mut block)?;
            block.extend_from_slice(&self.pending);
            self.pending = block;
            self.pos = start;
        }
    }
}

fn clean(line: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(line);
    let text = text.trim_end_matches(['\n', '\r']);
    (!text.trim().is_empty()).then(|| text.to_string())
}

/// A time-ordered unique id: UTC second plus 32 random bits.
fn new_id(now: Timestamp) -> String {
    let stamp = now.strftime("%Y%m%dT%H%M%SZ");
    format!("{stamp}-{:08x}", random_u32())
}

fn random_u32() -> u32 {
    let mut bytes = [0u8; 4];
    if File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .is_ok()
    {
        return u32::from_le_bytes(bytes);
    }
    // No urandom: mix the clock and the process id, enough to keep ids apart in practice.
    let nanos = Timestamp::now().subsec_nanosecond() as u32;
    nanos ^ std::process::id().rotate_left(16)
}
