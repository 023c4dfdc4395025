//! Verify and locks, through the real binary: a missing kept rule set fails `verify`; a
//! line whose hash fails is reported by `--grep`, never listed; `verify` during another
//! process's batch saves never sees half a save; a held lock is waited for with a message
//! and given up with a clear error after the timeout.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

mod cli_support;

use cli_support::{Run, ree, screen_args};
use ree_screen::Answers;
use ree_screen::history::{History, NewRecord};
use ree_screen::identity::Identity;
use ree_screen::screening::{Details, Screening};

fn save_one(data: &Path, reference: &str) -> Run {
    Run::of(
        ree(data)
            .args(screen_args("none", "china_export", "civil"))
            .args(["--goods", "magnet_parts", "--destination", "DE"])
            .args(["--reference", reference]),
    )
}

#[test]
fn verify_fails_when_a_rule_set_records_were_decided_under_is_missing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path();
    assert_eq!(save_one(data, "PO-1").code, Some(0));
    let verify = Run::of(ree(data).args(["history", "verify"]));
    assert_eq!(verify.code, Some(0), "{}", verify.stdout);
    for entry in std::fs::read_dir(data.join("rule-sets")).expect("kept") {
        std::fs::remove_file(entry.expect("entry").path()).expect("remove");
    }
    let verify = Run::of(ree(data).args(["history", "verify"]));
    assert_eq!(verify.code, Some(1), "{}", verify.stdout);
    assert!(
        verify
            .stdout
            .contains("which records from line 1 were decided under, is missing"),
        "{}",
        verify.stdout
    );
    assert!(!verify.stdout.contains("Intact"), "{}", verify.stdout);
}

#[test]
fn grep_reports_a_line_whose_hash_fails_and_never_lists_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path();
    for reference in ["PO-1", "PO-2"] {
        assert_eq!(save_one(data, reference).code, Some(0));
    }
    let path = data.join("history.jsonl");
    let text = std::fs::read_to_string(&path).expect("history");
    std::fs::write(&path, text.replacen("PO-1", "PO-7", 1)).expect("edit");
    for args in [
        vec!["history", "list", "--grep", "po-"],
        vec!["history", "list", "--all", "--grep", "po-"],
    ] {
        let run = Run::of(ree(data).args(&args));
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        assert!(!run.stdout.contains("PO-7"), "{}", run.stdout);
        assert!(run.stdout.contains("PO-2"), "{}", run.stdout);
        assert!(run.stderr.contains("1 line(s)"), "{}", run.stderr);
        assert!(run.stderr.contains("hash"), "{}", run.stderr);
    }
}

fn screening(reference: &str) -> Screening {
    let rules = ree_screen::rules::embedded().expect("rules");
    Screening::run(
        &rules,
        &Answers::new()
            .with("stage", "none")
            .with("origin", "china_export")
            .with("recipient", "civil"),
        "2025-10-20".parse().expect("date"),
        Details {
            reference: reference.into(),
            ..Details::default()
        },
    )
}

#[test]
fn verify_during_another_processs_batch_saves_sees_whole_saves() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().to_path_buf();
    let rules = Arc::new(ree_screen::rules::embedded().expect("rules"));
    let history = History::with_rules(&data, rules);
    let rows: Vec<Screening> = (0..1500).map(|i| screening(&format!("PO-{i}"))).collect();
    history
        .append(&[NewRecord::screening(&rows[0])], &Identity::default())
        .expect("first");
    let writer = std::thread::spawn(move || {
        let new: Vec<NewRecord> = rows.iter().map(NewRecord::screening).collect();
        for _ in 0..4 {
            history.append(&new, &Identity::default()).expect("batch");
        }
    });
    let mut runs = 0;
    while !writer.is_finished() || runs < 3 {
        let verify = Run::of(ree(&data).args(["history", "verify"]));
        assert_eq!(verify.code, Some(0), "{}", verify.stdout);
        assert!(verify.stdout.contains("Intact"), "{}", verify.stdout);
        runs += 1;
    }
    writer.join().expect("writer");
}

#[test]
fn a_held_lock_is_waited_for_with_a_message_then_given_up_clearly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path();
    assert_eq!(save_one(data, "PO-1").code, Some(0));
    let held = std::fs::OpenOptions::new()
        .append(true)
        .open(data.join("history.jsonl"))
        .expect("history");
    held.lock().expect("lock");
    let before = std::fs::read(data.join("history.jsonl")).expect("history");
    for (what, args) in [
        ("save", vec!["--reference", "PO-2"]),
        ("verify", vec!["history", "verify"]),
    ] {
        let started = Instant::now();
        let mut cmd = ree(data);
        cmd.env("REE_SCREEN_LOCK_TIMEOUT", "2");
        let run = if what == "save" {
            Run::of(
                cmd.args(screen_args("none", "china_export", "civil"))
                    .args(["--goods", "magnet_parts", "--destination", "DE"])
                    .args(args),
            )
        } else {
            Run::of(cmd.args(args))
        };
        let took = started.elapsed();
        assert_eq!(run.code, Some(1), "{what}: {}", run.stderr);
        assert!(
            run.stderr
                .contains("waiting for another ree-screen to finish with the history"),
            "{what}: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains("gave up after 2 s"),
            "{what}: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains("REE_SCREEN_LOCK_TIMEOUT"),
            "{what}: {}",
            run.stderr
        );
        assert!(
            took >= Duration::from_secs(2) && took < Duration::from_secs(10),
            "{what}: {took:?}"
        );
    }
    assert_eq!(
        std::fs::read(data.join("history.jsonl")).expect("history"),
        before
    );
    drop(held);
    assert_eq!(save_one(data, "PO-2").code, Some(0));
}
