//! Drafts: the answers and record fields of a screening in progress, written on every step
//! change so a dropped connection loses nothing, offered for resume on the next start, and
//! removed once the screening is saved or the officer discards it.
//!
//! Each workbench keeps its own draft, `drafts/<id>.json` in the data directory, so several
//! workbenches on one data directory never overwrite each other's. A running workbench
//! holds a lock on `drafts/<id>.lock`; the list offered at start-up leaves out the drafts
//! another running workbench holds. Writes go to a new private temporary file (O_EXCL,
//! 0600) that is renamed over the draft, so a draft is always whole. Drafts and lock files
//! are opened without blocking and used only when they are regular files, so a FIFO
//! planted in their place never hangs start-up. In a team's data directory the folder is
//! the group's (2770) and each member sees only their own drafts.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{Read, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use jiff::civil::DateTime;
use serde::{Deserialize, Serialize};

use super::app::Step;
use super::matches::NameReview;
use crate::engine::Answers;
use crate::files::{create_new_private, random_hex};
use crate::screening::Details;

/// The folder of the drafts, inside the data directory.
pub const DIR: &str = "drafts";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    /// The file's name without `.json`: one per workbench session.
    pub id: String,
    /// When the screening was started, local time.
    pub started: DateTime,
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
    /// The officer's confirmations and dismissals of name matches (entry, field, name as
    /// typed, reason); a draft from before they were kept has none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reviews: Vec<NameReview>,
}

/// A name for a new workbench's draft: the start time, then randomness, so names sort by
/// age and never collide.
pub fn new_id(started: DateTime) -> Result<String, String> {
    Ok(format!(
        "{}-{}",
        started.strftime("%Y%m%d-%H%M%S"),
        random_hex(4)?
    ))
}

fn dir_of(data: &Path) -> PathBuf {
    data.join(DIR)
}

/// Where the draft `id` lives. Ids come from [`new_id`] or from a file name in the folder,
/// never from a path, so they cannot point elsewhere.
pub fn path(data: &Path, id: &str) -> PathBuf {
    dir_of(data).join(format!("{id}.json"))
}

fn lock_path(data: &Path, id: &str) -> PathBuf {
    dir_of(data).join(format!("{id}.lock"))
}

/// Write the draft atomically with owner-only permissions: it holds counterparty names.
pub fn save(data: &Path, draft: &Draft) -> Result<(), String> {
    let target = path(data, &draft.id);
    let shown = target.display();
    create_private_dir(&dir_of(data))?;
    let json =
        serde_json::to_vec_pretty(draft).map_err(|e| format!("cannot encode the draft: {e}"))?;
    let tmp = dir_of(data).join(format!(".{}.{}.tmp", draft.id, random_hex(8)?));
    let write = || -> std::io::Result<()> {
        let mut file = create_new_private(&tmp)?;
        file.write_all(&json)?;
        file.sync_all()?;
        fs::rename(&tmp, &target)
    };
    write().map_err(|e| {
        let _ = fs::remove_file(&tmp);
        format!("cannot write the draft {shown}: {e}")
    })
}

/// The drafts no running workbench holds, oldest first. An unreadable draft is reported
/// (by its file) and left alone.
pub fn list(data: &Path) -> (Vec<Draft>, Vec<String>) {
    let mut drafts = Vec::new();
    let mut problems = Vec::new();
    let entries = match fs::read_dir(dir_of(data)) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (drafts, problems),
        Err(e) => {
            problems.push(format!("cannot read the drafts in {}: {e}", data.display()));
            return (drafts, problems);
        }
    };
    let me = rustix::process::getuid().as_raw();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(id) = name.strip_suffix(".json").filter(|id| !id.starts_with('.')) else {
            continue;
        };
        // Another member's draft in a team's folder is theirs to resume.
        if entry.metadata().is_ok_and(|m| m.uid() != me) || held_elsewhere(data, id) {
            continue;
        }
        let file = entry.path();
        let mut bytes = Vec::new();
        match open_regular(&file, OpenOptions::new().read(true))
            .and_then(|mut f| f.read_to_end(&mut bytes))
            .map_err(|e| e.to_string())
            .and_then(|_| serde_json::from_slice::<Draft>(&bytes).map_err(|e| e.to_string()))
        {
            // The file's name is the id, whatever the file says.
            Ok(draft) => drafts.push(Draft {
                id: id.to_string(),
                ..draft
            }),
            Err(e) => problems.push(format!(
                "the draft {} is unreadable ({e}); it is left as it is",
                file.display()
            )),
        }
    }
    drafts.sort_by(|a, b| (a.started, &a.id).cmp(&(b.started, &b.id)));
    (drafts, problems)
}

/// Open a draft or lock file without blocking and never through a symbolic link; anything
/// but a regular file (a FIFO, a device) is refused.
fn open_regular(path: &Path, options: &mut OpenOptions) -> std::io::Result<File> {
    let not_regular =
        || std::io::Error::other("not a regular file (a FIFO or device?): left alone");
    let file = options
        .custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW)
        .open(path)
        // A FIFO opened for writing without a reader.
        .map_err(|e| {
            if e.raw_os_error() == Some(libc::ENXIO) {
                not_regular()
            } else {
                e
            }
        })?;
    if !file.metadata()?.is_file() {
        return Err(not_regular());
    }
    Ok(file)
}

/// Whether another running workbench holds the draft `id`.
fn held_elsewhere(data: &Path, id: &str) -> bool {
    let Ok(file) = open_regular(&lock_path(data, id), OpenOptions::new().write(true)) else {
        return false;
    };
    matches!(file.try_lock(), Err(TryLockError::WouldBlock))
}

/// The lock a workbench holds on its draft while it runs; released when dropped.
#[derive(Debug)]
pub struct Claim {
    pub id: String,
    _file: File,
}

/// Hold the draft `id` for this workbench, so no other one offers it for resume. Fails
/// when another running workbench holds it.
pub fn claim(data: &Path, id: &str) -> Result<Claim, String> {
    create_private_dir(&dir_of(data))?;
    let target = lock_path(data, id);
    let file = match create_new_private(&target) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            open_regular(&target, OpenOptions::new().write(true))
                .map_err(|e| format!("cannot open {}: {e}", target.display()))?
        }
        Err(e) => return Err(format!("cannot create {}: {e}", target.display())),
    };
    match file.try_lock() {
        Ok(()) => Ok(Claim {
            id: id.to_string(),
            _file: file,
        }),
        Err(TryLockError::WouldBlock) => Err(format!(
            "the draft {id} is open in another workbench; changes here are kept separately"
        )),
        Err(TryLockError::Error(e)) => Err(format!("cannot lock {}: {e}", target.display())),
    }
}

/// Remove the draft `id` and its lock file.
pub fn remove(data: &Path, id: &str) -> Result<(), String> {
    let _ = fs::remove_file(lock_path(data, id));
    match fs::remove_file(path(data, id)) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(format!(
            "cannot remove the draft {}: {e}",
            path(data, id).display()
        )),
    }
}

/// Make the drafts folder: the user's own (0700), or in a team's data directory the
/// group's (2770), so every member can keep drafts there.
fn create_private_dir(dir: &Path) -> Result<(), String> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    let team = dir.parent().is_some_and(|data| {
        matches!(
            crate::history::History::new(data).sharing(),
            Ok(crate::history::Sharing::Team)
        )
    });
    let failed =
        |e: std::io::Error| format!("cannot create the drafts folder {}: {e}", dir.display());
    if fs::symlink_metadata(dir).is_ok() {
        return Ok(());
    }
    fs::DirBuilder::new()
        .recursive(true)
        .mode(if team { 0o2770 } else { 0o700 })
        .create(dir)
        .map_err(failed)?;
    if team {
        // The umask would take the group's bits away.
        fs::set_permissions(dir, fs::Permissions::from_mode(0o2770)).map_err(failed)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(id: &str, started: &str) -> Draft {
        Draft {
            id: id.into(),
            started: started.parse().expect("date-time"),
            step: Step::Details,
            answers: Answers::new().with("stage", "mining"),
            answered_anyway: Vec::new(),
            date: "2025-10-2".into(),
            details: Details {
                counterparty: "深圳稀土有限公司".into(),
                ..Details::default()
            },
            reviews: Vec::new(),
        }
    }

    #[test]
    fn save_list_remove_round_trip_with_private_permissions() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let data = tmp.path().join("data");
        assert_eq!(list(&data), (vec![], vec![]));
        let older = sample("b", "2026-11-28T09:00");
        let newer = sample("a", "2026-11-29T09:00");
        save(&data, &newer).expect("saved");
        save(&data, &older).expect("saved");
        save(&data, &older).expect("saved again over itself");
        assert_eq!(
            list(&data),
            (vec![older, newer.clone()], vec![]),
            "oldest first"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| fs::metadata(p).map(|m| m.permissions().mode() & 0o777).ok();
            assert_eq!(mode(&dir_of(&data)), Some(0o700));
            assert_eq!(mode(&path(&data, "a")), Some(0o600));
        }
        remove(&data, "b").expect("removed");
        assert_eq!(list(&data).0, vec![newer]);
        remove(&data, "b").expect("removing twice is fine");
    }

    #[test]
    fn a_draft_held_by_a_running_workbench_is_not_offered() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let draft = sample("held", "2026-11-28T09:00");
        save(tmp.path(), &draft).expect("saved");
        let claim = claim(tmp.path(), "held").expect("claimed");
        assert_eq!(list(tmp.path()).0, vec![]);
        assert!(
            super::claim(tmp.path(), "held").is_err(),
            "one holder at a time"
        );
        drop(claim);
        assert_eq!(list(tmp.path()).0, vec![draft]);
    }

    #[test]
    fn a_fifo_planted_as_a_draft_or_lock_never_blocks() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let draft = sample("fifo", "2026-11-28T09:00");
        save(tmp.path(), &draft).expect("saved");
        fs::remove_file(path(tmp.path(), "fifo")).expect("remove");
        for fifo in [path(tmp.path(), "fifo"), lock_path(tmp.path(), "fifo")] {
            rustix::fs::mknodat(
                rustix::fs::CWD,
                &fifo,
                rustix::fs::FileType::Fifo,
                rustix::fs::Mode::from_raw_mode(0o600),
                0,
            )
            .expect("mkfifo");
        }
        let (drafts, problems) = list(tmp.path());
        assert!(drafts.is_empty());
        assert!(problems[0].contains("not a regular file"), "{problems:?}");
        let refused = claim(tmp.path(), "fifo").expect_err("a FIFO is no lock file");
        assert!(refused.contains("not a regular file"), "{refused}");
    }

    #[test]
    fn a_teams_drafts_folder_is_the_groups_and_lists_only_ones_own() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().expect("tempdir");
        fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o2770)).expect("team");
        let mine = sample("mine", "2026-11-28T09:00");
        save(tmp.path(), &mine).expect("saved");
        let mode = fs::metadata(dir_of(tmp.path()))
            .expect("dir")
            .permissions()
            .mode();
        assert_eq!(mode & 0o7777, 0o2770);
        let theirs = sample("theirs", "2026-11-28T10:00");
        save(tmp.path(), &theirs).expect("saved");
        std::os::unix::fs::chown(path(tmp.path(), "theirs"), Some(4242), None).expect("chown");
        assert_eq!(list(tmp.path()), (vec![mine], vec![]));
    }

    #[test]
    fn the_officers_confirmations_and_dismissals_round_trip() {
        use crate::parties::{Field as Name, Review};
        let tmp = tempfile::tempdir().expect("tempdir");
        let review = |field, given: &str, review| NameReview {
            field,
            given: given.into(),
            entry: "2026-23-06".into(),
            review,
        };
        let draft = Draft {
            reviews: vec![
                review(Name::Counterparty, "MP Materails", Review::Confirm),
                review(
                    Name::EndUser,
                    "MP Materials Corp.",
                    Review::Dismiss("a namesake in Ohio".into()),
                ),
            ],
            ..sample("reviewed", "2026-12-04T09:00")
        };
        save(tmp.path(), &draft).expect("saved");
        let text = fs::read_to_string(path(tmp.path(), "reviewed")).expect("read");
        for part in [
            r#""field": "counterparty""#,
            r#""given": "MP Materails""#,
            r#""entry": "2026-23-06""#,
            r#""decision": "confirm""#,
            r#""decision": "dismiss""#,
            r#""reason": "a namesake in Ohio""#,
        ] {
            assert!(text.contains(part), "{part} not in {text}");
        }
        assert_eq!(list(tmp.path()), (vec![draft], vec![]));
    }

    /// A draft written before drafts kept the officer's reviews still loads, with none.
    #[test]
    fn a_draft_from_before_reviews_were_kept_still_loads() {
        let tmp = tempfile::tempdir().expect("tempdir");
        fs::create_dir_all(dir_of(tmp.path())).expect("dir");
        let old = r#"{
  "id": "old",
  "started": "2026-11-28T09:00:00",
  "step": "details",
  "answers": {"stage": "mining"},
  "answered_anyway": [],
  "date": "2025-10-2",
  "details": {"counterparty": "深圳稀土有限公司"}
}"#;
        fs::write(path(tmp.path(), "old"), old).expect("write");
        let (drafts, problems) = list(tmp.path());
        assert_eq!(problems, Vec::<String>::new());
        assert_eq!(drafts, vec![sample("old", "2026-11-28T09:00")]);
    }

    #[test]
    fn a_corrupt_draft_is_reported_not_fatal() {
        let tmp = tempfile::tempdir().expect("tempdir");
        fs::create_dir_all(dir_of(tmp.path())).expect("dir");
        fs::write(path(tmp.path(), "x"), b"{not json").expect("write");
        let (drafts, problems) = list(tmp.path());
        assert!(drafts.is_empty());
        assert!(problems[0].contains("unreadable"), "{problems:?}");
    }
}
