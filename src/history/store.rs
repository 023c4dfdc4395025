//! The history file: append-only JSON Lines under an exclusive lock, fsynced before "saved";
//! read in one pass forwards (verify, export, impact) or newest first (lists, the history
//! view), holding one line at a time, and never rewritten.
//!
//! An append is all or nothing. Its records go out in one locked write; a multi-record append
//! frames each record with the batch's start offset and size ([`Batch`]), and on a write or
//! fsync error the file is cut back to its length before the append. A crash mid-write can
//! still leave a torn line or a batch without its last record at the end: readers ignore
//! them, `verify` reports them, and the next append acknowledges them inside the chain
//! ([`Acknowledged`]) so one interrupted save does not fail verification forever.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::{FileExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use std::collections::HashMap;
use std::sync::Arc;

use jiff::Timestamp;

use super::approval::{ApprovalState, Decision, TeamPolicy, Verdict};
use super::chain::{NotCurrent, Standing, standings};
use super::licence::{Licence, LicenceRecord};
use super::lines::{FoundRecord, Item, NewestFirst, RevItem, ReverseLines, Walk, trim_newline};
use super::lock::{self, Mode, Notices};
use super::record::{
    Acknowledged, Batch, Draft, EncodedDecision, Frame, GENESIS, LineProblem, MAX_LINE, Record,
    RecordKind, decode_record, encode,
};
use super::snapshot::{self, SnapshotProblem, Snapshots};
use crate::engine::Determination;
use crate::identity::Identity;
use crate::rules::{Outcome, RuleSet};
use crate::screening::Screening;

pub const FILE_NAME: &str = "history.jsonl";

/// Bytes of encoded lines gathered before a write, in a large batch.
const WRITE_CHUNK: usize = 8 << 20;

#[derive(Debug)]
pub struct HistoryError {
    pub path: PathBuf,
    pub message: String,
    /// Set when a save was refused because it would supersede a record that is not its
    /// case's current one (a usage error: the officer acts on the current record instead).
    pub not_current: Option<NotCurrent>,
}

impl HistoryError {
    pub fn new(path: &Path, message: impl Into<String>) -> HistoryError {
        HistoryError {
            path: path.to_path_buf(),
            message: message.into(),
            not_current: None,
        }
    }
}

impl std::fmt::Display for HistoryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

impl std::error::Error for HistoryError {}

pub(crate) fn io_error(path: &Path, doing: &str, e: &io::Error) -> HistoryError {
    let hint = match e.kind() {
        io::ErrorKind::PermissionDenied => {
            " (permission denied: check the directory's owner and mode)"
        }
        io::ErrorKind::ReadOnlyFilesystem => " (the file system is read-only)",
        io::ErrorKind::StorageFull => " (the disk is full)",
        _ if e.raw_os_error() == Some(libc::ELOOP) => {
            " (it is a symbolic link; the history must be a regular file)"
        }
        _ => "",
    };
    HistoryError::new(path, format!("cannot {doing}: {e}{hint}"))
}

/// A line that was skipped, with its 1-based line number and byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    pub line: usize,
    pub offset: u64,
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
    /// For a licence record: the record it is about, and the licence.
    pub licence: Option<(String, Licence)>,
    /// For an approval record: the record decided on, and the decision.
    pub approval: Option<(String, Verdict)>,
}

impl<'a> NewRecord<'a> {
    pub fn screening(screening: &'a Screening) -> NewRecord<'a> {
        NewRecord {
            screening,
            kind: RecordKind::Screening,
            supersedes: None,
            reason: None,
            override_outcome: None,
            licence: None,
            approval: None,
        }
    }
}

/// A record read back, with where its line is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub line: usize,
    pub offset: u64,
    pub hash: String,
    pub record: Record,
}

/// The rule sets kept in a data directory, by hash (a damaged one as such), and the hash of
/// the default one (`rules install`).
#[derive(Debug)]
pub struct KeptRules {
    pub rule_sets: Vec<(String, snapshot::Snapshot)>,
    pub default: Option<String>,
}

/// The data directory's installed default rule set.
#[derive(Debug)]
pub enum DefaultRules {
    None,
    Installed(Box<RuleSet>),
    /// The file naming it does not count (another member wrote it, or the group can): why.
    Ignored(String),
}

/// Whether a file in the data directory that sets policy for everyone using it (the
/// default rule set; in a team, the settings and trust files other features add) counts:
/// only when owned by the directory's owner or root and writable by neither the group nor
/// others. A missing file counts (as nothing).
pub(crate) fn policy_counts(dir: &Path, path: &Path) -> Result<(), String> {
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(format!("{}: cannot read it: {e}", path.display())),
    };
    policy_file_counts(dir, path, &meta)
}

/// [`policy_counts`] for a file already open, by its `fstat`: the file checked is the file
/// read (`allowed_signers`).
pub(crate) fn policy_file_counts(
    dir: &Path,
    path: &Path,
    meta: &fs::Metadata,
) -> Result<(), String> {
    let owner = fs::metadata(dir).map(|d| d.uid()).unwrap_or(u32::MAX);
    if meta.is_file() && (meta.uid() == owner || meta.uid() == 0) && meta.mode() & 0o022 == 0 {
        return Ok(());
    }
    Err(format!(
        "{} is ignored: a file that sets policy for this data directory counts only when it is a regular file owned by the directory's owner (uid {owner}) or root and not writable by the group or others (it is uid {}, mode {:o})",
        path.display(),
        meta.uid(),
        meta.mode() & 0o7777
    ))
}

/// Who may use a data directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sharing {
    /// The user's own directory: files 0600, snapshots 0400.
    Private,
    /// A group's directory (setgid, group-writable, nothing for others): files 0660,
    /// snapshots 0440, every record carrying the operating-system user.
    Team,
}

/// A history in one data directory.
#[derive(Debug, Clone)]
pub struct History {
    dir: PathBuf,
    /// The rule set new screenings are decided under: kept as a snapshot on append, and the
    /// source of clause words for a record whose own rule set is gone.
    rules: Option<Arc<RuleSet>>,
    /// Where this user's derived index of it lives (None: the user's cache directory).
    index_dir: Option<PathBuf>,
    /// Where this user's seen heads are kept (None: the user's state directory).
    state_dir: Option<PathBuf>,
    /// Who is told that a lock is being waited for, or that the index was rebuilt.
    notices: Notices,
    /// Signs each save under the lock (see `crate::signing`).
    signer: Option<Arc<crate::signing::Signer>>,
}

impl History {
    pub fn new(dir: impl Into<PathBuf>) -> History {
        History {
            dir: dir.into(),
            rules: None,
            index_dir: None,
            state_dir: None,
            notices: Notices::default(),
            signer: None,
        }
    }

    /// A history whose appends keep `rules` (the rule set in use) as a snapshot.
    pub fn with_rules(dir: impl Into<PathBuf>, rules: Arc<RuleSet>) -> History {
        History {
            rules: Some(rules),
            ..History::new(dir)
        }
    }

    /// Keep the derived index in `dir` (a private directory) rather than the user's cache.
    pub fn with_index_dir(mut self, dir: impl Into<PathBuf>) -> History {
        self.index_dir = Some(dir.into());
        self
    }

    /// What became of this process's newest save's signature, if it signs saves.
    pub fn last_seal(&self) -> Option<crate::signing::Sealed> {
        self.signer.as_ref().and_then(|s| s.last())
    }

    /// Keep this user's seen heads in `dir` (a private directory) rather than the user's
    /// state directory.
    pub fn with_state_dir(mut self, dir: impl Into<PathBuf>) -> History {
        self.state_dir = Some(dir.into());
        self
    }

    /// The directory of this user's private state (the heads seen of histories).
    pub fn state_dir(&self) -> Option<PathBuf> {
        self.state_dir.clone().or_else(crate::state::dir)
    }

    /// Tell `notices`, not standard error, when a lock is being waited for or the index
    /// was rebuilt.
    pub fn with_notices(mut self, notices: Notices) -> History {
        self.notices = notices;
        self
    }

    /// The directory of this user's derived index of the history, if there is one.
    pub fn index_dir(&self) -> Option<PathBuf> {
        self.index_dir.clone().or_else(super::index_file::cache_dir)
    }

    /// Bring this user's derived index up to date with the history, waiting (within the
    /// lock timeout) for another update under way.
    pub fn update_index(&self) -> Result<(), HistoryError> {
        super::index_file::refresh(self, None, super::index_file::Patience::Wait).map(drop)
    }

    /// The file of this user's derived index of the history, once the history exists.
    pub fn index_path(&self) -> Option<PathBuf> {
        let source = self.open_for_read().ok()??;
        super::index_file::locate(&self.index_dir()?, self, &source)
            .ok()
            .map(|(index, _)| index)
    }

    pub(crate) fn notices(&self) -> &Notices {
        &self.notices
    }

    /// This history, its saves signed by `signer`.
    pub fn with_signer(mut self, signer: Arc<crate::signing::Signer>) -> History {
        self.signer = Some(signer);
        self
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join(FILE_NAME)
    }

    /// The rule set with this SHA-256, as a record decided under it names it: None when it
    /// is not kept; an error when its file was altered or no longer loads.
    pub fn snapshot(&self, sha256: &str) -> Result<Option<RuleSet>, HistoryError> {
        match snapshot::load(&self.dir, sha256) {
            snapshot::Snapshot::Found(rules) => Ok(Some((*rules).clone())),
            snapshot::Snapshot::Missing => Ok(None),
            snapshot::Snapshot::Damaged(why) => Err(HistoryError::new(
                &snapshot::snapshot_path(&self.dir, sha256),
                why,
            )),
        }
    }

    /// A cache of the snapshots, for reading many records.
    pub fn snapshots(&self) -> Snapshots {
        Snapshots::new(&self.dir)
    }

    /// Keep `rules` as a snapshot (creating the data directory if needed).
    pub fn keep_rules(&self, rules: &RuleSet) -> Result<(), HistoryError> {
        let sharing = self.prepare_dir()?;
        snapshot::store(&self.dir, rules, sharing == Sharing::Team)
    }

    /// Keep `rules` (already validated by its loader) and make it the default rule set of this data
    /// directory (`rules install`). Earlier rule sets stay kept.
    pub fn install_rules(&self, rules: &RuleSet) -> Result<(), HistoryError> {
        let sharing = self.prepare_dir()?;
        let owner = fs::metadata(&self.dir)
            .map_err(|e| io_error(&self.dir, "use the data directory", &e))?
            .uid();
        if ![owner, 0].contains(&current_uid()) {
            return Err(HistoryError::new(
                &self.dir,
                format!(
                    "only the data directory's owner (uid {owner}) or root can install its default rule set: a default another member writes would not count"
                ),
            ));
        }
        snapshot::install(&self.dir, rules, sharing == Sharing::Team)
    }

    /// The installed default rule set, if any (`Context::load` uses it when neither
    /// `--rules` nor the settings name a rules file); an error when it names a rule set that
    /// cannot be used.
    pub fn default_rules(&self) -> Result<DefaultRules, HistoryError> {
        let path = self.dir.join(snapshot::DEFAULT_RULES);
        if let Err(why) = policy_counts(&self.dir, &path) {
            return Ok(DefaultRules::Ignored(why));
        }
        match snapshot::default_sha(&self.dir)? {
            Some(sha) => self
                .snapshot(&sha)?
                .map(|rules| DefaultRules::Installed(Box::new(rules)))
                .ok_or_else(|| {
                    HistoryError::new(
                        &path,
                        format!(
                            "names rule set {sha}, which is not kept in {}",
                            self.dir.join(snapshot::SNAPSHOT_DIR).display()
                        ),
                    )
                }),
            None => Ok(DefaultRules::None),
        }
    }

    /// Every kept rule set and which is the default (none when the file naming it does not
    /// count or does not read: `default_rules` says why).
    pub fn kept_rules(&self) -> Result<KeptRules, HistoryError> {
        let path = self.dir.join(snapshot::DEFAULT_RULES);
        Ok(KeptRules {
            rule_sets: snapshot::kept(&self.dir)?,
            default: policy_counts(&self.dir, &path)
                .ok()
                .and_then(|()| snapshot::default_sha(&self.dir).ok().flatten()),
        })
    }

    /// The data directory's sharing, after refusing one others could tamper with.
    pub fn sharing(&self) -> Result<Sharing, HistoryError> {
        check_dir(&self.dir)
    }

    /// Create the directory (0700) if needed, then check it.
    fn prepare_dir(&self) -> Result<Sharing, HistoryError> {
        if fs::symlink_metadata(&self.dir).is_err() {
            create_dir(&self.dir, false)?;
        }
        check_dir(&self.dir)
    }

    /// Open the history for appending: never through a symbolic link, refusing a file
    /// others could write.
    fn open_for_append(&self, sharing: Sharing) -> Result<File, HistoryError> {
        let path = self.path();
        let mode = match sharing {
            Sharing::Private => 0o600,
            Sharing::Team => 0o660,
        };
        let mut options = OpenOptions::new();
        options
            .read(true)
            .append(true)
            .create(true)
            .mode(mode)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
        let file = options
            .open(&path)
            .map_err(|e| io_error(&path, "open the history for writing", &e))?;
        let meta = file
            .metadata()
            .map_err(|e| io_error(&path, "read the history's metadata", &e))?;
        if sharing == Sharing::Team && meta.len() == 0 && meta.uid() == current_uid() {
            // A new file in a team directory: the group must be able to append (umask aside).
            file.set_permissions(fs::Permissions::from_mode(mode))
                .map_err(|e| io_error(&path, "set the history's mode", &e))?;
        }
        check_file(&path, &meta, &self.dir, sharing)?;
        Ok(file)
    }

    /// Open the history for reading (None when there is none yet), refusing a symbolic link,
    /// a FIFO or device, and a file others could write.
    pub(crate) fn open_for_read(&self) -> Result<Option<File>, HistoryError> {
        let path = self.path();
        let mut options = OpenOptions::new();
        options
            .read(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
        let file = match options.open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io_error(&path, "open the history", &e)),
        };
        let sharing = check_dir(&self.dir)?;
        let meta = file
            .metadata()
            .map_err(|e| io_error(&path, "read the history's metadata", &e))?;
        check_file(&path, &meta, &self.dir, sharing)?;
        Ok(Some(file))
    }

    /// Append records in one locked write, chained to the newest good record, and fsync before
    /// returning them: all of them are saved, or none is. Nothing already in the file changes.
    pub fn append(
        &self,
        new: &[NewRecord],
        identity: &Identity,
    ) -> Result<Vec<Record>, HistoryError> {
        let path = self.path();
        let sharing = self.prepare_dir()?;
        if let Some(rules) = &self.rules
            && new
                .iter()
                .any(|n| n.screening.determination.rule_set.sha256 == rules.compiled.sha256)
        {
            snapshot::store(&self.dir, rules, sharing == Sharing::Team)?;
        }
        if new
            .iter()
            .any(|n| !n.screening.determination.party_lists.is_empty())
        {
            // The embedded party lists kept by hash too, so the records can be shown
            // against them after an upgrade (added lists are kept when added).
            crate::parties::PartyLists::embedded()
                .and_then(|lists| crate::parties::ListStore::new(&self.dir).keep_embedded(&lists))
                .map_err(|m| HistoryError::new(&self.dir, m))?;
        }
        let mut file = self.open_for_append(sharing)?;
        lock::acquire(
            &file,
            &path,
            "the history",
            Mode::Exclusive,
            &self.notices,
            lock::timeout(),
        )?;
        let len = file
            .seek(SeekFrom::End(0))
            .map_err(|e| io_error(&path, "read the history", &e))?;
        let tail = tail_state(&file, len).map_err(|e| io_error(&path, "read the history", &e))?;
        check_heads(&file, &path, new)?;
        let mut sink = FileSink { file, path: &path };
        let seal = |head: &str, offset: u64| match &self.signer {
            Some(signer) => signer.seal(self, sharing == Sharing::Team, head, offset, identity),
            None => Ok(()),
        };
        append_locked(&mut sink, len, &tail, new, identity, &seal)
    }

    /// Save screenings in one append and return their record ids, in order, or why not
    /// (what every front end saves a new screening through).
    pub fn save_screenings(
        &self,
        screenings: &[Screening],
        identity: &Identity,
    ) -> Result<Vec<String>, String> {
        for screening in screenings {
            self.check_officer(&screening.details.officer)?;
        }
        let new: Vec<NewRecord> = screenings.iter().map(NewRecord::screening).collect();
        self.append(&new, identity)
            .map(|records| records.into_iter().map(|r| r.id).collect())
            .map_err(|e| format!("not saved: {e}"))
    }

    /// Whether a screening filed by `officer` may be saved under the team's policy (read
    /// the stricter way when its file does not count), or why not.
    pub fn check_officer(&self, officer: &str) -> Result<(), String> {
        let (policy, problem) = TeamPolicy::or_strict(&self.dir);
        policy.check_officer(officer).map_err(|why| match problem {
            Some(problem) => format!("not saved: {why} ({problem})"),
            None => format!("not saved: {why}"),
        })
    }

    /// Read every line in file order, one at a time.
    pub fn walk(&self) -> Result<Walk, HistoryError> {
        let file = self.open_for_read()?;
        Ok(Walk::new(file, self.path()))
    }

    /// Every record in file order (the stored essentials; see [`Snapshots::rebuild`]),
    /// reporting unusable lines to `bad`. Memory holds one line at a time.
    pub fn for_each_record(
        &self,
        mut each: impl FnMut(Stored) -> Result<(), HistoryError>,
        mut bad: impl FnMut(BadLine),
    ) -> Result<(), HistoryError> {
        let mut walk = self.walk()?;
        while let Some(item) = walk.next_item()? {
            match item {
                Item::Record(found) => match decode_record(found.link.record) {
                    Ok(record) => each(Stored {
                        line: found.line,
                        offset: found.offset,
                        hash: found.link.hash.to_string(),
                        record,
                    })?,
                    Err(problem) => bad(BadLine {
                        line: found.line,
                        offset: found.offset,
                        problem,
                    }),
                },
                Item::Bad(b) => bad(b),
                Item::Unfinished { .. } => {}
            }
        }
        Ok(())
    }

    /// Check every line, the chain, the acknowledged gaps and every rule-set snapshot,
    /// under a shared lock, so a save in progress is seen whole or not at all.
    pub fn verify(&self) -> Result<Verification, HistoryError> {
        self.verify_each(|_| {})
    }

    /// [`History::verify`], handing each good record of the chain, in file order, to `each`
    /// (the signatures' check walks with it: one pass over the file, under the same lock).
    pub fn verify_each(
        &self,
        mut each: impl FnMut(&FoundRecord),
    ) -> Result<Verification, HistoryError> {
        let file = self.open_for_read()?;
        if let Some(file) = &file {
            lock::acquire(
                file,
                &self.path(),
                "the history",
                Mode::Shared,
                &self.notices,
                lock::timeout(),
            )?;
        }
        let mut walk = Walk::new(file, self.path());
        let mut v = Verification {
            records: 0,
            head: GENESIS.to_string(),
            bad: Vec::new(),
            acknowledged: Vec::new(),
            unfinished: Vec::new(),
            first_break: None,
            torn_tail: None,
            snapshots: 0,
            snapshot_problems: Vec::new(),
            party_lists: 0,
            party_list_problems: Vec::new(),
        };
        // The start of unusable bytes not yet acknowledged: (offset, line).
        let mut gap: Option<(u64, usize)> = None;
        // Each rule set records were decided under, and the first record's line.
        let mut decided_under: HashMap<String, usize> = HashMap::new();
        let mut screened_against: HashMap<String, usize> = HashMap::new();
        while let Some(item) = walk.next_item()? {
            match item {
                Item::Bad(b) => {
                    if matches!(b.problem, LineProblem::HashMismatch { .. }) {
                        broken(&mut v, b.line, b.problem.to_string());
                    }
                    gap.get_or_insert((b.offset, b.line));
                    v.bad.push(b);
                }
                Item::Unfinished {
                    line,
                    offset,
                    batch,
                } => {
                    gap.get_or_insert((offset, line));
                    if v.unfinished
                        .last()
                        .is_none_or(|u: &Unfinished| u.batch.start != batch.start)
                    {
                        v.unfinished.push(Unfinished { line, batch });
                    }
                }
                Item::Record(found) => {
                    match (gap.take(), found.frame.acknowledges) {
                        (Some((start, line)), Some(ack))
                            if ack.offset == start && ack.offset + ack.bytes == found.offset =>
                        {
                            v.acknowledged.push(AcknowledgedGap {
                                line,
                                bytes: ack.bytes,
                                by_line: found.line,
                            });
                        }
                        (Some(_), _) if found.link.record.starts_with(b"{\"schema\":1,") => {
                            // Schema 1 left a torn line in place and went on: reported, as
                            // it always was, but not a break.
                        }
                        (Some((_, line)), _) => broken(
                            &mut v,
                            line,
                            format!(
                                "lines {line} to {} are not records and no record acknowledges them: lines were inserted or a record was damaged",
                                found.line - 1
                            ),
                        ),
                        (None, Some(_)) => broken(
                            &mut v,
                            found.line,
                            "this record acknowledges unusable bytes before it that are not there: lines were removed".to_string(),
                        ),
                        (None, None) => {}
                    }
                    if found.link.prev != v.head {
                        let message = format!(
                            "this record links to {} but the record before it hashes to {}: a record was removed, inserted or reordered before this line",
                            found.link.prev, v.head
                        );
                        broken(&mut v, found.line, message);
                    }
                    v.head = found.link.hash.to_string();
                    v.records += 1;
                    if let Some(sha) = snapshot::named_by(found.link.record) {
                        decided_under.entry(sha.to_string()).or_insert(found.line);
                    }
                    for list in crate::parties::lists_named_by(found.link.record) {
                        screened_against.entry(list).or_insert(found.line);
                    }
                    each(&found);
                }
            }
        }
        if let Some((_, line)) = gap {
            v.torn_tail = Some(line);
            broken(
                &mut v,
                line,
                format!(
                    "the history ends, from line {line}, with bytes that are not a whole saved record (a torn write, a batch a crash cut short, or a damaged record); the next save acknowledges a torn write"
                ),
            );
        }
        let (checked, mut problems) = snapshot::verify_all(&self.dir)?;
        let mut missing: Vec<(String, usize)> = decided_under
            .into_iter()
            .filter(|(sha, _)| {
                fs::symlink_metadata(snapshot::snapshot_path(&self.dir, sha)).is_err()
            })
            .collect();
        missing.sort_by_key(|(_, line)| *line);
        for (sha, line) in missing {
            problems.push(SnapshotProblem {
                file: snapshot::snapshot_path(&self.dir, &sha),
                message: format!(
                    "the rule set {sha}, which records from line {line} were decided under, is missing: they can no longer be shown exactly as decided"
                ),
            });
        }
        v.snapshots = checked;
        v.snapshot_problems = problems;
        let store = crate::parties::ListStore::new(&self.dir);
        let (lists, mut list_problems) = store
            .verify_kept()
            .map_err(|m| HistoryError::new(&self.dir, m))?;
        list_problems.extend(
            store
                .missing(screened_against)
                .map_err(|m| HistoryError::new(&self.dir, m))?,
        );
        v.party_lists = lists;
        v.party_list_problems = list_problems
            .into_iter()
            .map(|(file, message)| SnapshotProblem { file, message })
            .collect();
        Ok(v)
    }

    /// Re-read the record whose line starts at `offset`, rebuilt from its rule set (see
    /// [`Snapshots::rebuild`]; the history's own rule set stands in when that one is gone).
    pub fn record_at(&self, offset: u64) -> Result<Stored, HistoryError> {
        let path = self.path();
        let file = self
            .open_for_read()?
            .ok_or_else(|| HistoryError::new(&path, "there is no history yet"))?;
        let mut reader = BufReader::new(file);
        reader
            .seek(SeekFrom::Start(offset))
            .map_err(|e| io_error(&path, "read the history", &e))?;
        let mut line = Vec::new();
        (&mut reader)
            .take(MAX_LINE as u64 + 2)
            .read_until(b'\n', &mut line)
            .map_err(|e| io_error(&path, "read the history", &e))?;
        trim_newline(&mut line);
        let (record, hash) = super::record::decode(&line).map_err(|p| {
            HistoryError::new(&path, format!("the line at byte {offset} is unusable: {p}"))
        })?;
        let mut stored = Stored {
            line: 0,
            offset,
            hash,
            record,
        };
        self.snapshots()
            .rebuild(&mut stored.record, self.rules.as_deref());
        Ok(stored)
    }

    /// The record with this id (or the only one whose id starts with it), rebuilt from its
    /// rule set. One pass; only lines that contain the id are parsed.
    pub fn find(&self, id: &str) -> Result<Option<Stored>, HistoryError> {
        if id.is_empty() {
            return Ok(None);
        }
        let needle = format!("\"id\":{}", serde_json::to_string(id).unwrap_or_default());
        let needle = needle.trim_end_matches('"').as_bytes().to_vec();
        let finder = memchr::memmem::Finder::new(&needle);
        let mut exact = None;
        let mut prefixed: Vec<Stored> = Vec::new();
        let mut walk = self.walk()?;
        while let Some(item) = walk.next_item()? {
            let Item::Record(found) = item else { continue };
            if finder.find(found.link.record).is_none() {
                continue;
            }
            let Ok(record) = decode_record(found.link.record) else {
                continue;
            };
            let stored = Stored {
                line: found.line,
                offset: found.offset,
                hash: found.link.hash.to_string(),
                record,
            };
            if stored.record.id == id {
                exact = Some(stored);
                break;
            }
            if stored.record.id.starts_with(id) && prefixed.len() < 2 {
                prefixed.push(stored);
            }
        }
        let mut chosen = match (exact, prefixed.len()) {
            (Some(s), _) => s,
            (None, 1) => prefixed.remove(0),
            (None, 0) => return Ok(None),
            (None, _) => {
                return Err(HistoryError::new(
                    &self.path(),
                    format!(
                        "\"{}\" matches more than one record: give more of the id",
                        crate::text::sanitize(id)
                    ),
                ));
            }
        };
        self.snapshots()
            .rebuild(&mut chosen.record, self.rules.as_deref());
        Ok(Some(chosen))
    }

    /// Where the record with this id stands in its case: current, or superseded (and by
    /// which current record), read from the history's end.
    pub fn standing(&self, id: &str) -> Result<Standing, HistoryError> {
        let Some(file) = self.open_for_read()? else {
            return Ok(Standing::Missing);
        };
        let mut found =
            standings(&file, &[id]).map_err(|e| io_error(&self.path(), "read the history", &e))?;
        Ok(found.pop().unwrap_or(Standing::Missing))
    }

    /// The newest licence recorded about the case of record `id` (about it or a record it
    /// supersedes), read from the history's end back to the case's first record.
    pub fn licence_held(&self, id: &str) -> Result<Option<LicenceRecord>, HistoryError> {
        let Some(file) = self.open_for_read()? else {
            return Ok(None);
        };
        super::licence::held(&file, id).map_err(|e| io_error(&self.path(), "read the history", &e))
    }

    /// The newest approval or rejection of record `id`, read from the history's end back to
    /// the record.
    pub fn approval_decision(&self, id: &str) -> Result<Option<Decision>, HistoryError> {
        let Some(file) = self.open_for_read()? else {
            return Ok(None);
        };
        super::approval::decision(&file, id)
            .map_err(|e| io_error(&self.path(), "read the history", &e))
    }

    /// Why `identity` may not approve or reject `record`, if it may not: the team's policy
    /// must count and hold the record for approval, nobody may have decided on it yet, and
    /// the decider must be another operating-system user (by uid) than the one who saved it.
    /// That it is its case's current record is checked by the save, under the lock.
    pub fn check_decision(&self, record: &Record, identity: &Identity) -> Result<(), String> {
        let policy = TeamPolicy::of(&self.dir)?;
        let id = crate::text::sanitize(&record.id);
        if !policy.needs_approval(record.kind, record.effective_outcome()) {
            return Err(format!(
                "record {id} does not wait for approval: the team's policy ({}) asks a second officer only for licence-required or worse and for overrides",
                self.dir.join(super::approval::TEAM_FILE).display()
            ));
        }
        if let Some(done) = self
            .approval_decision(&record.id)
            .map_err(|e| e.to_string())?
        {
            return Err(format!(
                "record {id} is already {} by {} ({})",
                done.verdict.label(),
                crate::text::sanitize(&done.by),
                crate::text::sanitize(&done.id)
            ));
        }
        // By uid, which no variable or flag sets: the name may come from the environment.
        if identity.uid == record.identity.uid {
            return Err(format!(
                "record {id} was saved by you ({}): another officer approves or rejects it",
                crate::text::sanitize(&record.identity.describe())
            ));
        }
        Ok(())
    }

    /// Where `record` stands for approval under the team's policy, and why the policy was
    /// taken as strict, if it was.
    pub fn approval_state(
        &self,
        record: &Record,
    ) -> Result<(ApprovalState, Option<String>), HistoryError> {
        let (policy, why) = TeamPolicy::or_strict(&self.dir);
        let decision = self.approval_decision(&record.id)?;
        Ok((policy.state(record, decision), why))
    }

    /// Lines newest first, reading the file backwards in blocks so the newest records come
    /// without reading the rest.
    pub fn newest_first(&self) -> Result<Option<NewestFirst>, HistoryError> {
        let path = self.path();
        match self.open_for_read()? {
            Some(file) => ReverseLines::new(file)
                .map(|lines| Some(NewestFirst::new(lines)))
                .map_err(|e| io_error(&path, "read the history", &e)),
            None => Ok(None),
        }
    }
}

fn current_uid() -> u32 {
    rustix::process::getuid().as_raw()
}

/// Create a directory of the data directory: 0700, or in team mode 3770 (the group's,
/// setgid so files inherit the group, sticky so members can neither delete nor rename over
/// each other's files).
pub(crate) fn create_dir(dir: &Path, team: bool) -> Result<(), HistoryError> {
    let mode = if team { 0o3770 } else { 0o700 };
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, mode);
    builder
        .create(dir)
        .map_err(|e| io_error(dir, "create the directory", &e))?;
    if team {
        // The umask would take the group's write bit away.
        fs::set_permissions(dir, fs::Permissions::from_mode(mode))
            .map_err(|e| io_error(dir, "set the directory's mode", &e))?;
    }
    Ok(())
}

/// Refuse a data directory others could write into, or another user's directory unless it is
/// a team directory: setgid, group-writable and closed to others (`chmod 2770`).
fn check_dir(dir: &Path) -> Result<Sharing, HistoryError> {
    let meta = fs::metadata(dir).map_err(|e| io_error(dir, "use the data directory", &e))?;
    if !meta.is_dir() {
        return Err(HistoryError::new(dir, "is not a directory"));
    }
    let mode = meta.mode();
    if mode & 0o002 != 0 {
        return Err(HistoryError::new(
            dir,
            format!(
                "refusing a data directory any user can write to (mode {:o}): run chmod 700 on it, or chmod 2770 for a team's shared history",
                mode & 0o7777
            ),
        ));
    }
    if mode & 0o2000 != 0 && mode & 0o020 != 0 {
        return Ok(Sharing::Team);
    }
    if meta.uid() != current_uid() {
        return Err(HistoryError::new(
            dir,
            format!(
                "refusing a data directory owned by another user (uid {}); for a team's shared history make it group-owned with chmod 2770",
                meta.uid()
            ),
        ));
    }
    if mode & 0o020 != 0 {
        return Err(HistoryError::new(
            dir,
            format!(
                "refusing a group-writable data directory (mode {:o}) that is not a team directory: run chmod 700 on it, or chmod 2770 to share it with the group",
                mode & 0o7777
            ),
        ));
    }
    Ok(Sharing::Private)
}

/// Refuse a history that is not a regular file, that others could write, or (outside team
/// mode) that belongs to another user.
fn check_file(
    path: &Path,
    meta: &fs::Metadata,
    dir: &Path,
    sharing: Sharing,
) -> Result<(), HistoryError> {
    if !meta.is_file() {
        return Err(HistoryError::new(
            path,
            "is not a regular file (a FIFO, socket, device or directory): refusing to use it as the history",
        ));
    }
    let mode = meta.mode();
    let loose = match sharing {
        Sharing::Private => mode & 0o022 != 0 || meta.uid() != current_uid(),
        Sharing::Team => {
            mode & 0o002 != 0 || fs::metadata(dir).map(|d| d.gid()).ok() != Some(meta.gid())
        }
    };
    if loose {
        return Err(HistoryError::new(
            path,
            format!(
                "refusing a history others could write (mode {:o}, uid {}, gid {}): it must be 0600 and yours, or 0660 in the team's group in a team directory",
                mode & 0o7777,
                meta.uid(),
                meta.gid()
            ),
        ));
    }
    Ok(())
}

/// Refuse an append that supersedes a record that is not its case's current one, or the
/// same record twice, or records a licence about a record that is not its case's current
/// one: read under the append's lock, from the history's end.
fn check_heads(file: &File, path: &Path, new: &[NewRecord]) -> Result<(), HistoryError> {
    let read = |e: io::Error| io_error(path, "read the history", &e);
    let refuse = |id: &str, current: Option<(String, u64)>| {
        let refused = NotCurrent {
            id: id.to_string(),
            current,
        };
        let mut error = HistoryError::new(path, refused.message());
        error.not_current = Some(refused);
        error
    };
    // Each record acted on: superseded, or pointed at by a licence or a decision.
    let targets: Vec<(&str, bool)> = new
        .iter()
        .filter_map(|n| match (&n.supersedes, &n.licence, &n.approval) {
            (Some(id), _, _) => Some((id.as_str(), true)),
            (None, Some((about, _)), _) | (None, None, Some((about, _))) => {
                Some((about.as_str(), false))
            }
            (None, None, None) => None,
        })
        .collect();
    let ids: Vec<&str> = targets.iter().map(|(id, _)| *id).collect();
    let found = standings(file, &ids).map_err(read)?;
    for (i, ((id, supersedes), standing)) in targets.iter().zip(found).enumerate() {
        let twice = *supersedes && targets[..i].contains(&(id, true));
        match standing {
            Standing::Current { offset } if twice => {
                return Err(refuse(id, Some((id.to_string(), offset))));
            }
            Standing::Current { offset } => {
                // A licence or a decision only points at a case: nothing is done to it.
                if !stands_for_case(file, offset).map_err(read)? {
                    return Err(HistoryError::new(
                        path,
                        format!(
                            "record {} is a licence or approval record: act on the case's record",
                            crate::text::sanitize(id)
                        ),
                    ));
                }
            }
            Standing::Superseded { current, offset } => {
                return Err(refuse(id, Some((current, offset))));
            }
            Standing::Missing => return Err(refuse(id, None)),
        }
    }
    // Decided once: checked under the lock, so two officers cannot both decide.
    for (about, _) in new.iter().filter_map(|n| n.approval.as_ref()) {
        if let Some(done) = super::approval::decision(file, about).map_err(read)? {
            return Err(HistoryError::new(
                path,
                format!(
                    "record {} is already {} by {}",
                    crate::text::sanitize(about),
                    done.verdict.label(),
                    crate::text::sanitize(&done.by)
                ),
            ));
        }
    }
    Ok(())
}

/// Whether the record whose line starts at `offset` can be a case's record (not a licence
/// or a decision): its kind comes before the record's free text.
fn stands_for_case(file: &File, offset: u64) -> io::Result<bool> {
    let mut head = vec![0u8; 512];
    let n = file.read_at(&mut head, offset)?;
    head.truncate(n);
    let head = memchr::memmem::find(&head, b"\"identity\":").map_or(&head[..], |end| &head[..end]);
    Ok(!["licence", "approval"].iter().any(|kind| {
        memchr::memmem::find(head, format!("\"kind\":\"{kind}\"").as_bytes()).is_some()
    }))
}

/// Where an append continues: the newest good record's hash, where the usable part of the
/// file ends, and whether the last byte is a newline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TailState {
    pub prev: String,
    pub valid_end: u64,
    pub ends_with_newline: bool,
}

pub(crate) fn tail_state(file: &File, len: u64) -> io::Result<TailState> {
    if len == 0 {
        return Ok(TailState {
            prev: GENESIS.to_string(),
            valid_end: 0,
            ends_with_newline: true,
        });
    }
    let mut last = [0u8; 1];
    file.read_exact_at(&mut last, len - 1)?;
    let mut newest = NewestFirst::new(ReverseLines::new(file.try_clone()?)?);
    let mut state = TailState {
        prev: GENESIS.to_string(),
        valid_end: 0,
        ends_with_newline: last[0] == b'\n',
    };
    while let Some(item) = newest.next_item()? {
        if let RevItem::Record { hash, end, .. } = item {
            state.prev = hash;
            state.valid_end = end;
            break;
        }
    }
    Ok(state)
}

/// Where appended bytes go: the history file, or a test's failing stand-in.
pub(crate) trait Sink {
    fn path(&self) -> &Path;
    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()>;
    fn sync(&mut self) -> io::Result<()>;
    fn truncate(&mut self, len: u64) -> io::Result<()>;
}

struct FileSink<'p> {
    file: File,
    path: &'p Path,
}

impl Sink for FileSink<'_> {
    fn path(&self) -> &Path {
        self.path
    }
    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.file.write_all(bytes)
    }
    fn sync(&mut self) -> io::Result<()> {
        self.file.sync_all()
    }
    fn truncate(&mut self, len: u64) -> io::Result<()> {
        self.file.set_len(len)?;
        self.file.sync_all()
    }
}

/// Called under the lock with the hash of a save's last line, and where that line starts,
/// once its lines are synced; an error undoes the save (the signature of a user who must
/// sign, see `crate::signing`).
pub(crate) type Seal<'a> = dyn Fn(&str, u64) -> Result<(), String> + 'a;

/// Encode and write `new` after `tail`, all or nothing: on any error the file is cut back to
/// `len` (under the same lock) before the error is returned.
pub(crate) fn append_locked(
    sink: &mut dyn Sink,
    len: u64,
    tail: &TailState,
    new: &[NewRecord],
    identity: &Identity,
    seal: &Seal,
) -> Result<Vec<Record>, HistoryError> {
    let path = sink.path().to_path_buf();
    let written = write_records(sink, len, tail, new, identity)
        .and_then(|(records, head, offset)| {
            sink.sync()
                .map(|()| (records, head, offset))
                .map_err(|e| (e, "flush the history to disk"))
        })
        .and_then(|(records, head, offset)| {
            seal(&head, offset)
                .map(|()| records)
                .map_err(|m| (io::Error::other(m), "sign the save"))
        });
    match written {
        Ok(records) => Ok(records),
        Err((e, doing)) => {
            let undone = match sink.truncate(len) {
                Ok(()) => "nothing of it was kept: the history is as it was".to_string(),
                Err(t) => format!(
                    "cutting the partial write back also failed ({t}): readers ignore the unfinished part and the next save acknowledges it"
                ),
            };
            let mut error = io_error(&path, doing, &e);
            error.message = format!("{}; {undone}", error.message);
            Err(error)
        }
    }
}

type WriteResult<T> = Result<T, (io::Error, &'static str)>;

/// The records written, the hash of the last one and where its line starts.
fn write_records(
    sink: &mut dyn Sink,
    len: u64,
    tail: &TailState,
    new: &[NewRecord],
    identity: &Identity,
) -> WriteResult<(Vec<Record>, String, u64)> {
    // A torn last line stays as it is; the new records start on a fresh line.
    let mut out = if tail.ends_with_newline {
        String::new()
    } else {
        "\n".to_string()
    };
    let start = len + out.len() as u64;
    let acknowledges = (tail.valid_end < len).then(|| Acknowledged {
        offset: tail.valid_end,
        bytes: start - tail.valid_end,
    });
    let random =
        crate::files::random_hex(8).map_err(|m| (io::Error::other(m), "make record ids"))?;
    // Milliseconds are precise enough for an audit trail and keep the line short.
    let now = Timestamp::now()
        .round(jiff::Unit::Millisecond)
        .map_err(|e| (io::Error::other(e), "read the clock"))?;
    let stamp = now.strftime("%Y%m%dT%H%M%SZ").to_string();
    let mut prev = tail.prev.clone();
    // Bytes already written in earlier chunks, and where the newest line starts.
    let (mut flushed, mut last_start) = (0u64, start);
    let mut records = Vec::with_capacity(new.len());
    let mut encoded: HashMap<*const Determination, EncodedDecision> = HashMap::new();
    let encode_error = |e: serde_json::Error| (io::Error::other(e), "encode a record");
    for (n, entry) in new.iter().enumerate() {
        let determination = &entry.screening.determination;
        let key = Arc::as_ptr(determination);
        if let std::collections::hash_map::Entry::Vacant(slot) = encoded.entry(key) {
            slot.insert(EncodedDecision::of(determination).map_err(encode_error)?);
        }
        // Unique by construction: 64 random bits per append, then the position in it.
        let id = format!("{stamp}-{random}-{n}");
        let draft = Draft {
            id: &id,
            saved_at: now,
            kind: entry.kind,
            supersedes: entry.supersedes.clone(),
            reason: entry.reason.clone(),
            override_outcome: entry.override_outcome,
            licence: entry.licence.as_ref(),
            approval: entry.approval.as_ref(),
            frame: Frame {
                batch: (new.len() > 1).then_some(Batch {
                    start,
                    n: n as u64 + 1,
                    of: new.len() as u64,
                }),
                acknowledges: if n == 0 { acknowledges } else { None },
            },
            identity,
            details: &entry.screening.details,
            prev: &prev,
        };
        let (line, hash) = encode(&draft, &encoded[&key]).map_err(encode_error)?;
        last_start = len + flushed + out.len() as u64;
        out.push_str(&line);
        let licence = entry.licence.clone().map(|(about, licence)| LicenceRecord {
            id: id.clone(),
            about,
            licence,
        });
        records.push(Record {
            schema: super::record::SCHEMA_VERSION,
            id,
            saved_at: now,
            program_version: env!("CARGO_PKG_VERSION").to_string(),
            kind: entry.kind,
            supersedes: entry.supersedes.clone(),
            reason: entry.reason.clone(),
            override_outcome: entry.override_outcome,
            licence,
            approval: entry.approval.clone(),
            identity: identity.clone(),
            screening: entry.screening.clone(),
            rebuilt: super::record::Rebuilt::FromSnapshot,
            prev: std::mem::replace(&mut prev, hash),
        });
        // A large batch goes out in whole-line chunks under the same lock, so memory stays
        // bounded; a single record is always one write.
        if out.len() >= WRITE_CHUNK {
            sink.write_all(out.as_bytes())
                .map_err(|e| (e, "write to the history"))?;
            flushed += out.len() as u64;
            out.clear();
        }
    }
    sink.write_all(out.as_bytes())
        .map_err(|e| (e, "write to the history"))?;
    Ok((records, prev, last_start))
}

/// A batch's records that did not all reach the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unfinished {
    pub line: usize,
    pub batch: Batch,
}

/// Unusable bytes a later record acknowledged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcknowledgedGap {
    pub line: usize,
    pub bytes: u64,
    /// The record that acknowledges them.
    pub by_line: usize,
}

/// Note the first break only.
fn broken(v: &mut Verification, line: usize, message: String) {
    if v.first_break.is_none() {
        v.first_break = Some(ChainBreak { line, message });
    }
}

/// The first place the chain does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    pub line: usize,
    pub message: String,
}

/// What `verify` found.
#[derive(Debug)]
pub struct Verification {
    pub records: usize,
    pub head: String,
    /// Lines that are not usable records.
    pub bad: Vec<BadLine>,
    /// Unusable bytes a later record acknowledged (an interrupted save, then a good one).
    pub acknowledged: Vec<AcknowledgedGap>,
    /// Batches a crash cut short (never counted).
    pub unfinished: Vec<Unfinished>,
    pub first_break: Option<ChainBreak>,
    /// The line from which the end of the file is not a whole record, not yet acknowledged.
    pub torn_tail: Option<usize>,
    /// Rule-set snapshots checked against their names.
    pub snapshots: usize,
    /// Kept rule sets altered, and rule sets records were decided under that are missing.
    pub snapshot_problems: Vec<SnapshotProblem>,
    /// Kept party lists (added lists, the embedded lists by hash) checked against their names.
    pub party_lists: usize,
    /// Kept party lists altered since they were kept.
    pub party_list_problems: Vec<SnapshotProblem>,
}

impl Verification {
    /// No record was altered, removed, inserted or reordered, nothing unusable sits in the
    /// file unacknowledged, every rule set a record was decided under is kept intact, and
    /// so is every kept party list.
    pub fn intact(&self) -> bool {
        self.first_break.is_none()
            && self.snapshot_problems.is_empty()
            && self.party_list_problems.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Answers;

    fn screening(reference: &str) -> Screening {
        let rules = crate::rules::embedded().expect("rules");
        Screening::run(
            &rules,
            &Answers::new()
                .with("stage", "none")
                .with("origin", "china")
                .with("recipient", "civil"),
            "2025-10-20".parse().expect("date"),
            crate::screening::Details {
                reference: reference.to_string(),
                ..Default::default()
            },
        )
    }

    /// Writes to a real file but fails once `budget` bytes have gone out: a disk that fills
    /// mid-batch.
    struct FailingSink {
        file: File,
        path: PathBuf,
        budget: usize,
    }

    impl Sink for FailingSink {
        fn path(&self) -> &Path {
            &self.path
        }
        fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
            let n = bytes.len().min(self.budget);
            self.file.write_all(&bytes[..n])?;
            self.budget -= n;
            if n < bytes.len() {
                return Err(io::Error::new(
                    io::ErrorKind::StorageFull,
                    "No space left on device",
                ));
            }
            Ok(())
        }
        fn sync(&mut self) -> io::Result<()> {
            self.file.sync_all()
        }
        fn truncate(&mut self, len: u64) -> io::Result<()> {
            self.file.set_len(len)
        }
    }

    #[test]
    fn a_write_failing_mid_batch_keeps_nothing_of_the_batch() {
        let dir = tempfile::tempdir().expect("tempdir");
        let history = History::with_rules(
            dir.path(),
            Arc::new(crate::rules::embedded().expect("rules")),
        );
        let first = screening("PO-0");
        history
            .append(&[NewRecord::screening(&first)], &Identity::default())
            .expect("first save");
        let before = fs::read(history.path()).expect("read");
        let rows: Vec<Screening> = (0..6000)
            .map(|i| Screening {
                determination: first.determination.clone(),
                details: crate::screening::Details {
                    reference: format!("PO-{i}"),
                    ..Default::default()
                },
            })
            .collect();
        let new: Vec<NewRecord> = rows.iter().map(NewRecord::screening).collect();
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .open(history.path())
            .expect("open");
        let len = before.len() as u64;
        let tail = tail_state(&file, len).expect("tail");
        // Fails after the first 8 MiB chunk went out, and again in the middle of a line.
        for budget in [WRITE_CHUNK + 100, 1000] {
            let mut sink = FailingSink {
                file: file.try_clone().expect("clone"),
                path: history.path(),
                budget,
            };
            let Err(err) = append_locked(
                &mut sink,
                len,
                &tail,
                &new,
                &Identity::default(),
                &|_, _| Ok(()),
            ) else {
                panic!("the write was to fail");
            };
            assert!(err.message.contains("disk is full"), "{err}");
            assert!(err.message.contains("the history is as it was"), "{err}");
            assert!(!err.message.contains("not saved: not saved"));
            assert_eq!(
                fs::read(history.path()).expect("read"),
                before,
                "all or nothing"
            );
        }
        assert!(history.verify().expect("verify").intact());
    }

    #[test]
    fn ids_are_unique_in_a_large_batch() {
        let dir = tempfile::tempdir().expect("tempdir");
        let history = History::with_rules(
            dir.path(),
            Arc::new(crate::rules::embedded().expect("rules")),
        );
        let one = screening("PO");
        let new: Vec<NewRecord> = (0..100_000).map(|_| NewRecord::screening(&one)).collect();
        let records = history.append(&new, &Identity::default()).expect("saved");
        let ids: std::collections::HashSet<&str> = records.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids.len(), 100_000);
        let v = history.verify().expect("verify");
        assert!(v.intact(), "{:?}", v.first_break);
        assert_eq!(v.records, 100_000);
    }
}
