//! The draft: the answers and record fields of the screening in progress, written on every
//! step change so a dropped connection loses nothing, offered for resume on the next start,
//! and removed once the screening is saved or the officer starts a new one.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::app::Step;
use crate::engine::Answers;
use crate::screening::Details;

pub const FILE_NAME: &str = "draft.json";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    /// The step the officer was on (a determination resumes at the review).
    pub step: Step,
    /// The options chosen so far, by question id.
    pub answers: Answers,
    /// Questions answered from the review although not needed.
    #[serde(default)]
    pub answered_anyway: Vec<String>,
    /// The date as typed, which may not be valid yet.
    pub date: String,
    pub details: Details,
}

pub fn path(dir: &Path) -> PathBuf {
    dir.join(FILE_NAME)
}

/// Write the draft atomically (temporary file, then rename) with owner-only permissions:
/// it holds counterparty names.
pub fn save(dir: &Path, draft: &Draft) -> Result<(), String> {
    create_private_dir(dir)?;
    let json =
        serde_json::to_vec_pretty(draft).map_err(|e| format!("cannot encode the draft: {e}"))?;
    let tmp = dir.join(format!(".{FILE_NAME}.{}.tmp", std::process::id()));
    let write = || -> std::io::Result<()> {
        let mut file = private_file(&tmp)?;
        file.write_all(&json)?;
        file.sync_all()?;
        fs::rename(&tmp, path(dir))
    };
    write().map_err(|e| {
        let _ = fs::remove_file(&tmp);
        format!("cannot write the draft {}: {e}", path(dir).display())
    })
}

/// The saved draft, if there is one.
pub fn load(dir: &Path) -> Result<Option<Draft>, String> {
    let file = path(dir);
    match fs::read(&file) {
        Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| {
            format!(
                "the draft {} is unreadable ({e}); it will be replaced",
                file.display()
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read the draft {}: {e}", file.display())),
    }
}

pub fn remove(dir: &Path) -> Result<(), String> {
    match fs::remove_file(path(dir)) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(format!(
            "cannot remove the draft {}: {e}",
            path(dir).display()
        )),
    }
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> Result<(), String> {
    use std::os::unix::fs::DirBuilderExt;
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| format!("cannot create the data directory {}: {e}", dir.display()))
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> Result<(), String> {
    fs::create_dir_all(dir)
        .map_err(|e| format!("cannot create the data directory {}: {e}", dir.display()))
}

#[cfg(unix)]
fn private_file(path: &Path) -> std::io::Result<fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn private_file(path: &Path) -> std::io::Result<fs::File> {
    fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Draft {
        Draft {
            step: Step::Details,
            answers: Answers::new().with("stage", "mining"),
            answered_anyway: Vec::new(),
            date: "2025-10-2".into(),
            details: Details {
                counterparty: "深圳稀土有限公司".into(),
                ..Details::default()
            },
        }
    }

    #[test]
    fn save_load_remove_round_trip_with_private_permissions() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("data");
        assert_eq!(load(&dir), Ok(None));
        save(&dir, &sample()).expect("saved");
        assert_eq!(load(&dir), Ok(Some(sample())));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| fs::metadata(p).map(|m| m.permissions().mode() & 0o777).ok();
            assert_eq!(mode(&dir), Some(0o700));
            assert_eq!(mode(&path(&dir)), Some(0o600));
        }
        remove(&dir).expect("removed");
        assert_eq!(load(&dir), Ok(None));
        remove(&dir).expect("removing twice is fine");
    }

    #[test]
    fn a_corrupt_draft_is_reported_not_fatal() {
        let tmp = tempfile::tempdir().expect("tempdir");
        fs::write(path(tmp.path()), b"{not json").expect("write");
        assert!(load(tmp.path()).unwrap_err().contains("unreadable"));
    }
}
