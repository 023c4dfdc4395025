//! The rule sets records were decided under, kept once each beside the history in
//! `rule-sets/<sha256>.json`: the exact bytes of the rule-set file, named by their SHA-256,
//! read-only (0400; 0440 in team mode) and never rewritten. A record names the hash; reading
//! it re-runs the engine on the snapshot to rebuild the full determination "exactly as
//! decided", and checks the result against the essentials the record stores.

use std::collections::HashMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest, Sha256};

use super::record::{Decision, Rebuilt, Record};
use super::store::{HistoryError, io_error};
use crate::rules::RuleSet;

/// The folder of the data directory that holds the snapshots.
pub const SNAPSHOT_DIR: &str = "rule-sets";

pub(crate) fn snapshot_path(dir: &Path, sha256: &str) -> PathBuf {
    dir.join(SNAPSHOT_DIR).join(format!("{sha256}.json"))
}

fn is_sha256(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Store `rules`' text under its hash unless it is there already. Written to a private
/// temporary file, flushed, then linked into place, so a snapshot is either whole or absent
/// and an existing one is never replaced.
pub(crate) fn store(dir: &Path, rules: &RuleSet, team: bool) -> Result<(), HistoryError> {
    let sha = &rules.compiled.sha256;
    if !is_sha256(sha) {
        return Ok(()); // a rule set built in code, not read from text: nothing to keep
    }
    let path = snapshot_path(dir, sha);
    if fs::symlink_metadata(&path).is_ok() {
        return Ok(());
    }
    let folder = dir.join(SNAPSHOT_DIR);
    super::store::create_dir(&folder, team)?;
    let temp = folder.join(format!(
        ".{sha}.{}.tmp",
        crate::files::random_hex(8).map_err(|m| HistoryError::new(&folder, m))?
    ));
    let write = || -> std::io::Result<()> {
        let mut file = crate::files::create_new_private(&temp)?;
        file.write_all(rules.compiled.text.as_bytes())?;
        file.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(if team {
            0o440
        } else {
            0o400
        }))?;
        file.sync_all()?;
        match fs::hard_link(&temp, &path) {
            Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => Err(e),
            _ => Ok(()),
        }
    };
    let result = write();
    let _ = fs::remove_file(&temp);
    result.map_err(|e| io_error(&path, "keep a copy of the rule set", &e))
}

/// The rule set a record's bytes name by its SHA-256 (a schema-2 record's `rule_set` comes
/// last but for `prev`), found without parsing the record.
pub(crate) fn named_by(record: &[u8]) -> Option<&str> {
    let key = b"\"sha256\":\"";
    let at = memchr::memmem::rfind(record, key)? + key.len();
    let sha = std::str::from_utf8(record.get(at..at + 64)?).ok()?;
    is_sha256(sha).then_some(sha)
}

/// What reading a snapshot found.
#[derive(Debug)]
pub enum Snapshot {
    Found(Arc<RuleSet>),
    Missing,
    /// Its bytes no longer hash to its name, or it no longer loads.
    Damaged(String),
}

/// Read the snapshot named `sha256`, checking its bytes against the name.
pub(crate) fn load(dir: &Path, sha256: &str) -> Snapshot {
    if !is_sha256(sha256) {
        return Snapshot::Missing;
    }
    let path = snapshot_path(dir, sha256);
    if fs::symlink_metadata(&path).is_err() {
        return Snapshot::Missing;
    }
    let text = match crate::files::read_text(&path, crate::files::MAX_RULES_BYTES) {
        Ok(t) => t,
        Err(e) => return Snapshot::Damaged(e),
    };
    let actual = format!("{:x}", Sha256::digest(text.as_bytes()));
    if actual != sha256 {
        return Snapshot::Damaged(format!(
            "{}: its bytes hash to {actual}, not to its name: it was altered",
            path.display()
        ));
    }
    match crate::rules::parse(&path.display().to_string(), &text) {
        Ok(rules) => Snapshot::Found(Arc::new(rules)),
        Err(e) => Snapshot::Damaged(e.to_string()),
    }
}

/// One snapshot's check, for `history verify`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotProblem {
    pub file: PathBuf,
    pub message: String,
}

/// Check every file in the snapshot folder against its name.
pub(crate) fn verify_all(dir: &Path) -> Result<(usize, Vec<SnapshotProblem>), HistoryError> {
    let folder = dir.join(SNAPSHOT_DIR);
    let entries = match fs::read_dir(&folder) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((0, Vec::new())),
        Err(e) => return Err(io_error(&folder, "read the rule-set snapshots", &e)),
    };
    let mut checked = 0;
    let mut problems = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| io_error(&folder, "read the rule-set snapshots", &e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(sha) = name.strip_suffix(".json").filter(|s| is_sha256(s)) else {
            continue; // a temporary file of an interrupted store
        };
        checked += 1;
        if let Snapshot::Damaged(message) = load(dir, sha) {
            problems.push(SnapshotProblem {
                file: entry.path(),
                message,
            });
        }
    }
    Ok((checked, problems))
}

/// Snapshots read so far, by hash: a history decided under a handful of rule sets loads
/// each once.
#[derive(Debug, Default)]
pub struct Snapshots {
    dir: PathBuf,
    loaded: HashMap<String, Arc<Snapshot>>,
}

impl Snapshots {
    pub fn new(dir: &Path) -> Snapshots {
        Snapshots {
            dir: dir.to_path_buf(),
            loaded: HashMap::new(),
        }
    }

    pub fn get(&mut self, sha256: &str) -> Arc<Snapshot> {
        if let Some(found) = self.loaded.get(sha256) {
            return found.clone();
        }
        let snapshot = Arc::new(load(&self.dir, sha256));
        self.loaded.insert(sha256.to_string(), snapshot.clone());
        snapshot
    }

    /// The rule set a record was decided under, if it is kept and intact.
    pub fn rules_of(&mut self, record: &Record) -> Option<Arc<RuleSet>> {
        match &*self.get(record.rule_set_sha256()) {
            Snapshot::Found(rules) => Some(rules.clone()),
            _ => None,
        }
    }

    /// Rebuild a record's full determination from its snapshot (see [`Rebuilt`]).
    /// `fallback` (the current rules) gives duty words and notes when the snapshot is gone.
    pub fn rebuild(&mut self, record: &mut Record, fallback: Option<&RuleSet>) {
        if record.rebuilt != Rebuilt::Essentials {
            return;
        }
        let stored = Decision::of(&record.screening.determination);
        let d = &record.screening.determination;
        match &*self.get(record.rule_set_sha256()) {
            Snapshot::Found(rules) => {
                let mut again = crate::engine::determine(rules, &d.answers, d.date);
                if !d.parties.is_empty() {
                    crate::parties::apply(rules, &mut again, d.parties.clone());
                }
                again.party_lists = d.party_lists.clone();
                let now = Decision::of(&again);
                if now == stored {
                    record.screening.determination = Arc::new(again);
                    record.rebuilt = Rebuilt::FromSnapshot;
                } else {
                    record.rebuilt = Rebuilt::Mismatch(stored.differences(&now));
                    self.fill_words(record, Some(rules));
                }
            }
            Snapshot::Missing => {
                record.rebuilt = Rebuilt::SnapshotMissing(format!(
                    "no {} in {}",
                    snapshot_path(&self.dir, record.rule_set_sha256())
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    self.dir.join(SNAPSHOT_DIR).display()
                ));
                self.fill_words(record, fallback);
            }
            Snapshot::Damaged(why) => {
                record.rebuilt = Rebuilt::SnapshotMissing(why.clone());
                self.fill_words(record, fallback);
            }
        }
    }

    /// Duty words and flag notes for a determination shown from its essentials.
    fn fill_words(&self, record: &mut Record, rules: Option<&RuleSet>) {
        let d = &record.screening.determination;
        let filled = Decision::of(d).determination(d.answers.clone(), d.rule_set.clone(), rules);
        record.screening.determination = Arc::new(filled);
    }
}

/// The file in the data directory naming the installed default rule set by its hash.
pub const DEFAULT_RULES: &str = "default-rules";

/// Keep `rules` as a snapshot and make it the default (`rules install`); earlier ones stay.
pub(crate) fn install(dir: &Path, rules: &RuleSet, team: bool) -> Result<(), HistoryError> {
    store(dir, rules, team)?;
    let path = dir.join(DEFAULT_RULES);
    let mut out =
        crate::files::AtomicOutput::create(&path).map_err(|m| HistoryError::new(&path, m))?;
    writeln!(out, "{}", rules.compiled.sha256).map_err(|e| io_error(&path, "write", &e))?;
    out.commit().map_err(|m| HistoryError::new(&path, m))?;
    if team {
        // Every member's commands read it; only its owner may change it (or it would not
        // count: see `store::policy_counts`).
        fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o640))
            .map_err(|e| io_error(&path, "set the mode of", &e))?;
    }
    Ok(())
}

/// The hash of the installed default rule set, if one was installed.
pub(crate) fn default_sha(dir: &Path) -> Result<Option<String>, HistoryError> {
    let path = dir.join(DEFAULT_RULES);
    if fs::symlink_metadata(&path).is_err() {
        return Ok(None);
    }
    let text = crate::files::read_text(&path, 1024).map_err(|m| HistoryError::new(&path, m))?;
    let sha = text.trim();
    if !is_sha256(sha) {
        return Err(HistoryError::new(
            &path,
            "does not name a rule set by its SHA-256",
        ));
    }
    Ok(Some(sha.to_string()))
}

/// Every kept rule set: its hash and, when it loads, the rule set.
pub(crate) fn kept(dir: &Path) -> Result<Vec<(String, Snapshot)>, HistoryError> {
    let folder = dir.join(SNAPSHOT_DIR);
    let entries = match fs::read_dir(&folder) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_error(&folder, "read the rule-set snapshots", &e)),
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| io_error(&folder, "read the rule-set snapshots", &e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(sha) = name.strip_suffix(".json").filter(|s| is_sha256(s)) {
            out.push((sha.to_string(), load(dir, sha)));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}
