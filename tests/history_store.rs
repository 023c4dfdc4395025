//! The history store: compact records rebuilt from the rule set they were decided under,
//! schema-1 records, verification (tampering, truncation, garbage, torn tails, unfinished
//! batches, altered rule sets), permissions, filters, exports and the impact of new rules.

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use ree_screen::Answers;
use ree_screen::history::{
    self, BadLine, Decision, History, Index, NewRecord, Query, Rebuilt, RecordKind, Records,
    Stored, export,
};
use ree_screen::identity::Identity;
use ree_screen::rules::{Outcome, RuleSet};
use ree_screen::screening::{Details, Screening};

const SCHEMA_1: &str = include_str!("fixtures/history-schema1.jsonl");

fn rules() -> RuleSet {
    ree_screen::rules::embedded().expect("valid")
}

/// The history in `dir/data`, its derived index in `dir/cache`.
fn history(dir: &Path) -> History {
    History::with_rules(dir.join("data"), std::sync::Arc::new(rules()))
        .with_index_dir(dir.join("cache"))
        .with_state_dir(dir.join("state"))
}

fn screening(reference: &str, goods: &str, recipient: &str, date: &str) -> Screening {
    let details = Details {
        reference: reference.to_string(),
        counterparty: "深圳稀土有限公司".to_string(),
        end_user: String::new(),
        officer: "J. Roe".to_string(),
        notes: format!("note for {reference}"),
        ..Details::default()
    };
    Screening::run(
        &rules(),
        &Answers::new()
            .with("stage", "none")
            .with("goods", goods)
            .with("origin", "foreign_chinese_content")
            .with("recipient", recipient)
            .with("destination", "US"),
        date.parse().expect("date"),
        details,
    )
}

fn who() -> Identity {
    Identity {
        uid: 1000,
        user: "jroe".into(),
        ssh_client: None,
    }
}

fn save(history: &History, screenings: &[Screening]) -> Vec<String> {
    let new: Vec<NewRecord> = screenings.iter().map(NewRecord::screening).collect();
    history
        .append(&new, &who())
        .expect("saved")
        .into_iter()
        .map(|r| r.id)
        .collect()
}

fn records(history: &History) -> (Vec<Stored>, Vec<BadLine>) {
    let (mut good, mut bad) = (Vec::new(), Vec::new());
    history
        .for_each_record(
            |s| {
                good.push(s);
                Ok(())
            },
            |b| bad.push(b),
        )
        .expect("read");
    (good, bad)
}

fn append_bytes(history: &History, bytes: &[u8]) {
    std::fs::OpenOptions::new()
        .append(true)
        .open(history.path())
        .expect("open")
        .write_all(bytes)
        .expect("write");
}

fn lines(history: &History) -> Vec<String> {
    std::fs::read_to_string(history.path())
        .expect("read")
        .lines()
        .map(str::to_string)
        .collect()
}

fn write_lines(history: &History, lines: &[String]) {
    std::fs::write(history.path(), lines.join("\n") + "\n").expect("write");
}

fn intact(history: &History) -> bool {
    history.verify().expect("verify").intact()
}

#[test]
fn a_record_is_compact_and_rebuilt_exactly_as_decided_from_its_kept_rule_set() {
    let dir = tempfile::tempdir().expect("tempdir");
    let h = history(dir.path());
    let first = screening("PO-1", "magnet_parts", "civil", "2025-10-20");
    let second = screening("PO-2", "none", "military_user", "2025-12-05");
    let ids = save(&h, &[first.clone(), second.clone()]);
    assert_ne!(ids[0], ids[1]);
    // The rule set is kept once, read-only, under its hash.
    let sha = rules().compiled.sha256.clone();
    let kept = h.dir().join("rule-sets").join(format!("{sha}.json"));
    let mode = std::fs::metadata(&kept).expect("kept").permissions().mode();
    assert_eq!(mode & 0o777, 0o400);
    assert_eq!(
        std::fs::read_to_string(&kept).expect("read"),
        ree_screen::rules::EMBEDDED_TEXT
    );
    assert_eq!(
        h.snapshot(&sha)
            .expect("loads")
            .expect("kept")
            .compiled
            .sha256,
        sha
    );
    // No clause texts, trace or sources in the line.
    for line in lines(&h) {
        assert!(line.len() < 1500, "{} bytes", line.len());
        assert!(
            !line.contains("\"trace\"") && !line.contains("\"text\"") && !line.contains("http")
        );
        assert!(line.contains(&sha));
    }
    let found = h.find(&ids[1]).expect("find").expect("there");
    assert_eq!(found.record.rebuilt, Rebuilt::FromSnapshot);
    assert_eq!(
        found.record.screening, second,
        "the full determination, trace included"
    );
    assert_eq!(found.record.identity, who());
    let (stored, bad) = records(&h);
    assert!(bad.is_empty());
    assert_eq!(stored[1].record.prev, stored[0].hash);
    assert_eq!(stored[0].record.schema, 2);
    assert_eq!(
        Decision::of(&stored[0].record.screening.determination),
        Decision::of(&first.determination),
        "the essentials as stored"
    );
    assert!(intact(&h));
}

#[test]
fn a_missing_rule_set_leaves_the_essentials_and_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    let h = history(dir.path());
    let s = screening("PO-1", "magnet_parts", "civil", "2025-10-20");
    let id = save(&h, std::slice::from_ref(&s)).remove(0);
    std::fs::remove_dir_all(h.dir().join("rule-sets")).expect("remove");
    let found = h.find(&id).expect("find").expect("there");
    let Rebuilt::SnapshotMissing(why) = &found.record.rebuilt else {
        panic!("{:?}", found.record.rebuilt);
    };
    assert!(why.contains("rule-sets"), "{why}");
    assert!(
        found
            .record
            .rebuilt
            .note()
            .expect("note")
            .contains("is gone")
    );
    let d = &found.record.screening.determination;
    assert_eq!(Decision::of(d), Decision::of(&s.determination));
    assert!(d.trace.is_empty());
    assert!(
        h.snapshot(&rules().compiled.sha256)
            .expect("no error")
            .is_none()
    );
}

#[test]
fn an_altered_rule_set_fails_verify_and_is_not_used() {
    let dir = tempfile::tempdir().expect("tempdir");
    let h = history(dir.path());
    let id = save(
        &h,
        &[screening("PO-1", "magnet_parts", "civil", "2025-10-20")],
    )
    .remove(0);
    let sha = rules().compiled.sha256.clone();
    let kept = h.dir().join("rule-sets").join(format!("{sha}.json"));
    std::fs::set_permissions(&kept, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let text = ree_screen::rules::EMBEDDED_TEXT.replacen("2026-11-10", "2027-11-10", 1);
    std::fs::write(&kept, text).expect("tamper");
    let v = h.verify().expect("verify");
    assert!(!v.intact());
    assert_eq!(v.snapshot_problems.len(), 1);
    assert!(v.snapshot_problems[0].message.contains("altered"));
    assert!(h.snapshot(&sha).is_err());
    let found = h.find(&id).expect("find").expect("there");
    assert!(matches!(found.record.rebuilt, Rebuilt::SnapshotMissing(_)));
}

#[test]
fn schema_1_records_stay_readable_in_the_chain_and_re_screenable() {
    let dir = tempfile::tempdir().expect("tempdir");
    let h = history(dir.path());
    std::fs::create_dir_all(h.dir()).expect("dir");
    std::fs::set_permissions(h.dir(), std::fs::Permissions::from_mode(0o700)).expect("chmod");
    std::fs::write(h.path(), SCHEMA_1).expect("fixture");
    std::fs::set_permissions(h.path(), std::fs::Permissions::from_mode(0o600)).expect("chmod");
    assert!(intact(&h));
    let (stored, bad) = records(&h);
    assert!(bad.is_empty(), "{bad:?}");
    assert_eq!(stored.len(), 6);
    let first = &stored[0].record;
    assert_eq!(first.schema, 1);
    assert_eq!(first.rebuilt, Rebuilt::SchemaOne);
    let d = &first.screening.determination;
    assert_eq!(
        d.answers,
        Answers::new()
            .with("stage", "magnet_manufacturing")
            .with("origin", "china")
            .with("recipient", "civil")
    );
    assert_eq!(d.outcome, Outcome::Prohibited);
    assert_eq!(d.decided_by, ["catalogue-2023-prohibited"]);
    assert_eq!(
        first.screening.details.notes,
        "first v1\nDestination (as typed): DE (Stuttgart)"
    );
    assert_eq!(
        stored[2].record.screening.details.notes,
        "Destination (as typed): JP"
    );
    let over = &stored[5].record;
    assert_eq!(over.kind, RecordKind::Override);
    assert_eq!(over.effective_outcome(), Outcome::Prohibited);
    assert_eq!(
        over.supersedes.as_deref(),
        Some(stored[2].record.id.as_str())
    );
    // Re-screened under today's rules: the answers map onto today's questions.
    let (again, _) = history::rescreen(&rules(), first, "2025-10-20".parse().expect("date"));
    assert_eq!(again.determination.outcome, Outcome::Prohibited);
    // A new record chains onto the old ones.
    save(&h, &[again]);
    let v = h.verify().expect("verify");
    assert!(v.intact(), "{:?}", v.first_break);
    assert_eq!(v.records, 7);
    // And the history view reads them all, newest first.
    let mut index = Index::open(&h).expect("open");
    let mut newest = Vec::new();
    index
        .load(usize::MAX, |s, _| newest.push(s.reference.into_owned()))
        .expect("load");
    assert_eq!(newest.len(), 7);
    assert_eq!(newest[6], "PO-V1-1");
    assert!(index.skipped.is_empty());
}

#[test]
fn verify_fails_on_a_replaced_last_record_a_cut_line_inserted_garbage_or_an_edit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let h = history(dir.path());
    for i in 0..3 {
        save(
            &h,
            &[screening(&format!("PO-{i}"), "none", "civil", "2025-10-20")],
        );
    }
    let good = lines(&h);
    assert!(intact(&h));
    type Damage = Box<dyn Fn(&History)>;
    let cases: Vec<(&str, Damage)> = vec![
        (
            "last record replaced by garbage",
            Box::new(|h: &History| {
                let mut l = lines(h);
                *l.last_mut().expect("last") = "garbage".into();
                write_lines(h, &l);
            }),
        ),
        (
            "cut mid-line",
            Box::new(|h: &History| {
                let text = std::fs::read(h.path()).expect("read");
                std::fs::write(h.path(), &text[..text.len() - 40]).expect("cut");
            }),
        ),
        (
            "garbage line between records",
            Box::new(|h: &History| {
                let mut l = lines(h);
                l.insert(1, "{\"not\":\"a record\"}".into());
                write_lines(h, &l);
            }),
        ),
        (
            "an edited byte",
            Box::new(|h: &History| {
                let l: Vec<String> = lines(h)
                    .into_iter()
                    .map(|x| x.replacen("PO-1", "PO-9", 1))
                    .collect();
                write_lines(h, &l);
            }),
        ),
        (
            "a removed record",
            Box::new(|h: &History| {
                let mut l = lines(h);
                l.remove(1);
                write_lines(h, &l);
            }),
        ),
    ];
    for (what, damage) in cases {
        write_lines(&h, &good);
        damage(&h);
        let v = h.verify().expect("verify");
        assert!(!v.intact(), "verify passed with {what}");
    }
}

#[test]
fn a_torn_tail_is_ignored_then_acknowledged_by_the_next_save() {
    let dir = tempfile::tempdir().expect("tempdir");
    let h = history(dir.path());
    save(&h, &[screening("PO-1", "none", "civil", "2025-10-20")]);
    append_bytes(&h, b"{\"hash\":\"0123");
    let v = h.verify().expect("verify");
    assert!(!v.intact(), "an unacknowledged torn tail fails");
    assert_eq!(v.torn_tail, Some(2));
    assert_eq!(records(&h).0.len(), 1);
    save(&h, &[screening("PO-2", "none", "civil", "2025-10-20")]);
    let v = h.verify().expect("verify");
    assert!(v.intact(), "{:?}", v.first_break);
    assert_eq!(v.records, 2);
    assert_eq!(v.acknowledged.len(), 1);
    assert_eq!((v.acknowledged[0].line, v.acknowledged[0].by_line), (2, 3));
    assert_eq!(lines(&h)[1], "{\"hash\":\"0123", "left as it was");
}

#[test]
fn a_batch_a_crash_cut_short_never_counts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let h = history(dir.path());
    save(&h, &[screening("PO-0", "none", "civil", "2025-10-20")]);
    let batch: Vec<Screening> = (1..=5)
        .map(|i| screening(&format!("PO-{i}"), "none", "civil", "2025-10-20"))
        .collect();
    save(&h, &batch);
    // A crash after three of the five lines reached the disk.
    let mut l = lines(&h);
    l.truncate(4);
    write_lines(&h, &l);
    let refs = |h: &History| -> Vec<String> {
        records(h)
            .0
            .iter()
            .map(|s| s.record.screening.details.reference.clone())
            .collect()
    };
    assert_eq!(refs(&h), ["PO-0"]);
    let mut count = 0;
    Index::open(&h)
        .expect("open")
        .load(usize::MAX, |_, _| count += 1)
        .expect("load");
    assert_eq!(count, 1);
    let v = h.verify().expect("verify");
    assert!(!v.intact());
    assert_eq!(v.unfinished.len(), 1);
    save(&h, &[screening("PO-6", "none", "civil", "2025-10-20")]);
    assert_eq!(refs(&h), ["PO-0", "PO-6"]);
    let v = h.verify().expect("verify");
    assert!(v.intact(), "{:?}", v.first_break);
    assert_eq!(v.acknowledged.len(), 1);
    let mut newest = Vec::new();
    Index::open(&h)
        .expect("open")
        .load(usize::MAX, |s, _| newest.push(s.reference.into_owned()))
        .expect("load");
    assert_eq!(newest, ["PO-6", "PO-0"]);
    // A search by text leaves the acknowledged batch out too.
    let mut found = Vec::new();
    let query = Query {
        text: "po-".into(),
        ..Query::default()
    };
    history::newest_matching(&h, &query, Records::All, None, |s, _| {
        found.push(s.details.reference);
        true
    })
    .expect("search");
    assert_eq!(found, ["PO-6", "PO-0"]);
}

#[test]
fn a_huge_torn_last_line_keeps_saves_fast() {
    let dir = tempfile::tempdir().expect("tempdir");
    let h = history(dir.path());
    save(&h, &[screening("PO-1", "none", "civil", "2025-10-20")]);
    append_bytes(&h, &vec![0u8; 40 << 20]);
    let started = std::time::Instant::now();
    save(&h, &[screening("PO-2", "none", "civil", "2025-10-20")]);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    let v = h.verify().expect("verify");
    assert!(v.intact(), "{:?}", v.first_break);
    assert!(matches!(v.bad[0].problem, history::LineProblem::TooLong(_)));
}

#[test]
fn unsafe_files_and_directories_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let h = history(dir.path());
    let s = screening("PO-1", "none", "civil", "2025-10-20");
    save(&h, std::slice::from_ref(&s));
    assert_eq!(
        std::fs::metadata(h.path())
            .expect("meta")
            .permissions()
            .mode()
            & 0o777,
        0o600
    );
    assert_eq!(
        std::fs::metadata(h.dir())
            .expect("meta")
            .permissions()
            .mode()
            & 0o777,
        0o700
    );
    let attempt = |h: &History| h.append(&[NewRecord::screening(&s)], &who()).map(|_| ());
    // A symbolic link planted as the history.
    let foreign = dir.path().join("foreign");
    std::fs::write(&foreign, "").expect("write");
    std::fs::rename(h.path(), dir.path().join("moved")).expect("move");
    std::os::unix::fs::symlink(&foreign, h.path()).expect("link");
    let err = attempt(&h).expect_err("refused");
    assert!(err.message.contains("symbolic link"), "{err}");
    assert_eq!(
        std::fs::read(&foreign).expect("read").len(),
        0,
        "nothing written through it"
    );
    std::fs::remove_file(h.path()).expect("unlink");
    std::fs::rename(dir.path().join("moved"), h.path()).expect("move back");
    // A history others can write.
    std::fs::set_permissions(h.path(), std::fs::Permissions::from_mode(0o666)).expect("chmod");
    assert!(
        attempt(&h)
            .expect_err("refused")
            .message
            .contains("others could write")
    );
    std::fs::set_permissions(h.path(), std::fs::Permissions::from_mode(0o600)).expect("chmod");
    // A directory anyone can write, one owned by another user.
    std::fs::set_permissions(h.dir(), std::fs::Permissions::from_mode(0o777)).expect("chmod");
    assert!(
        attempt(&h)
            .expect_err("refused")
            .message
            .contains("any user can write")
    );
    assert!(h.verify().is_err(), "readers refuse it too");
    std::fs::set_permissions(h.dir(), std::fs::Permissions::from_mode(0o700)).expect("chmod");
    if rustix::process::getuid().is_root() {
        std::os::unix::fs::chown(h.dir(), Some(4242), None).expect("chown");
        assert!(
            attempt(&h)
                .expect_err("refused")
                .message
                .contains("owned by another user")
        );
        std::os::unix::fs::chown(h.dir(), Some(0), None).expect("chown");
    }
    // A FIFO where the history should be.
    std::fs::remove_file(h.path()).expect("remove");
    let made = std::process::Command::new("mkfifo")
        .arg(h.path())
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let err = h.verify().expect_err("refused");
    assert!(err.message.contains("not a regular file"), "{err}");
}

#[test]
fn filters_and_the_newest_page() {
    let dir = tempfile::tempdir().expect("tempdir");
    let h = history(dir.path());
    let batch: Vec<Screening> = (0..30)
        .map(|i| {
            let (goods, recipient) = if i % 3 == 0 {
                ("magnet_parts", "military_user")
            } else {
                ("none", "civil")
            };
            screening(&format!("PO-{i}"), goods, recipient, "2026-12-01")
        })
        .collect();
    save(&h, &batch);
    let newest = |query: &Query, limit| {
        let mut refs = Vec::new();
        history::newest_matching(&h, query, Records::All, limit, |s, _| {
            refs.push(s.details.reference);
            true
        })
        .expect("list");
        refs
    };
    assert_eq!(
        newest(&Query::default(), Some(3)),
        ["PO-29", "PO-28", "PO-27"]
    );
    let text = Query {
        text: "po-2".into(),
        ..Query::default()
    };
    assert_eq!(newest(&text, None).len(), 11);
    let outcome = batch[0].determination.outcome;
    assert_ne!(outcome, batch[1].determination.outcome);
    let by_outcome = Query {
        outcome: Some(outcome),
        ..Query::default()
    };
    assert_eq!(
        newest(&by_outcome, None),
        [
            "PO-27", "PO-24", "PO-21", "PO-18", "PO-15", "PO-12", "PO-9", "PO-6", "PO-3", "PO-0"
        ]
    );
    // Filters on outcome alone read the derived index, which follows new saves.
    save(&h, &[batch[0].clone()]);
    assert_eq!(newest(&by_outcome, Some(2)), ["PO-0", "PO-27"]);
    assert!(h.index_path().expect("index").exists());
    let chinese = Query {
        text: "深圳".into(),
        ..Query::default()
    };
    assert_eq!(newest(&chinese, Some(2)).len(), 2);
}

/// The embedded rules with No. 61's suspension lifted (a new announcement ending it early).
fn lifted() -> RuleSet {
    let text = ree_screen::rules::EMBEDDED_TEXT.replacen(
        "\"suspensions\": [{\"from\": \"2025-11-07\", \"until\": \"2026-11-10\", \"by\": \"no70-suspension\"}],",
        "",
        1,
    );
    let rules = ree_screen::rules::parse("lifted", &text).expect("valid");
    assert_ne!(
        rules.compiled.sha256,
        self::rules().compiled.sha256,
        "the suspension was found"
    );
    rules
}

#[test]
fn impact_of_a_lifted_suspension_lists_exactly_the_changed_current_cases() {
    let dir = tempfile::tempdir().expect("tempdir");
    let h = history(dir.path());
    let ids = save(
        &h,
        &[
            // Before the suspension: No. 61 applies either way.
            screening("BEFORE", "magnet_parts", "military_user", "2025-10-20"),
            // During it: no licence then, denied once it is lifted.
            screening("DURING", "magnet_parts", "military_user", "2025-12-05"),
            screening("DURING-CIVIL", "magnet_parts", "civil", "2026-03-01"),
            // Nothing of No. 61 bears on it.
            screening("NO-GOODS", "none", "military_user", "2025-12-05"),
            // After it ended: unchanged.
            screening("AFTER", "magnet_parts", "military_user", "2026-12-01"),
            // During, but overridden below to what the lifted rules give: the override
            // stands unchanged.
            screening("OVERRIDDEN", "magnet_parts", "military_user", "2026-01-15"),
        ],
    );
    let original = h.find(&ids[5]).expect("find").expect("there").record;
    h.append(
        &[NewRecord {
            screening: &original.screening,
            kind: RecordKind::Override,
            supersedes: Some(ids[5].clone()),
            reason: Some("refused anyway".into()),
            override_outcome: Some(Outcome::DeniedInPrinciple),
            licence: None,
            approval: None,
        }],
        &who(),
    )
    .expect("override");
    let found = history::impact(&h, &lifted(), None, None).expect("impact");
    assert_eq!(found.cases, 6);
    let changed: Vec<(&str, Outcome, Outcome)> = found
        .changed
        .iter()
        .map(|c| (c.reference.as_str(), c.outcome_before, c.outcome_after))
        .collect();
    assert_eq!(
        changed,
        [
            (
                "DURING",
                Outcome::NoLicenseRequired,
                Outcome::DeniedInPrinciple
            ),
            (
                "DURING-CIVIL",
                Outcome::NoLicenseRequired,
                Outcome::LicenseRequired
            ),
        ]
    );
    assert_eq!(found.changed[0].id, ids[1]);
    assert_eq!(
        found.changed[0].decided_by_after.as_deref(),
        Some("no61-art2")
    );
}

/// Under the rule sets before v3 "No. 18 items" was one definite answer; now it is a group
/// of three classes screened as the worst, provisional: impact lists such records so the
/// officer settles the class.
#[test]
fn impact_lists_a_no18_items_record_that_is_now_provisional() {
    let v2_like = ree_screen::rules::parse(
        "v2-like.json",
        &ree_screen::rules::EMBEDDED_TEXT.replacen(
            "\"members\": [\"n61_part1\", \"n61_part2\", \"no18_other\"]",
            "\"example\": \"one answer, as in v2\"",
            1,
        ),
    )
    .expect("a rule set where no18_items is one answer");
    let dir = tempfile::tempdir().expect("tempdir");
    let h = History::with_rules(
        dir.path().join("data"),
        std::sync::Arc::new(v2_like.clone()),
    );
    let answers = Answers::new()
        .with("stage", "none")
        .with("goods", "no18_items")
        .with("origin", "china_export")
        .with("recipient", "civil")
        .with("destination", "DE");
    let then = Screening::run(
        &v2_like,
        &answers,
        "2026-03-02".parse().expect("date"),
        Details::default(),
    );
    assert!(!then.determination.provisional);
    save(&h, &[then]);
    let found = history::impact(&h, &rules(), None, None).expect("impact");
    assert_eq!(found.changed.len(), 1);
    let case = &found.changed[0];
    assert!(case.now_provisional);
    assert_eq!(
        (case.outcome_before, case.outcome_after),
        (Outcome::LicenseRequired, Outcome::LicenseRequired)
    );
}

#[test]
fn csv_for_excel_opens_with_semicolons_labels_and_the_current_record() {
    let dir = tempfile::tempdir().expect("tempdir");
    let h = history(dir.path());
    let mut s = screening("=HYPERLINK(\"x\")", "magnet_parts", "civil", "2025-10-20");
    s.details.counterparty = "Müller; \"Magnete\"\nGmbH".into();
    let id = save(&h, &[s.clone()]).remove(0);
    h.append(
        &[NewRecord {
            screening: &s,
            kind: RecordKind::Override,
            supersedes: Some(id.clone()),
            reason: Some("checked".into()),
            override_outcome: Some(Outcome::Exempt),
            licence: None,
            approval: None,
        }],
        &who(),
    )
    .expect("override");
    let survey = export::Survey::of(&h).expect("survey");
    let mut out = Vec::new();
    let options = export::CsvOptions {
        bom: true,
        delimiter: b';',
    };
    let n = export::csv(
        &mut out,
        &h,
        &Query::default(),
        &rules(),
        &survey,
        options,
        "2025-10-20".parse().expect("date"),
    )
    .expect("csv");
    assert_eq!(n, 2);
    assert!(out.starts_with("\u{feff}".as_bytes()));
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(&out[3..]);
    let header = reader.headers().expect("header").clone();
    let col = |name: &str| header.iter().position(|h| h == name).expect(name);
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(&rows[0][col("reference")], "'=HYPERLINK(\"x\")");
    assert_eq!(&rows[0][col("counterparty")], "Müller; \"Magnete\" GmbH");
    assert_eq!(&rows[0][col("current")], "no");
    assert_eq!(&rows[1][col("current")], "yes");
    assert_eq!(&rows[1][col("outcome")], "exempt");
    assert_eq!(
        &rows[0][col("clauses")],
        "no61-art1-1 (No. 61 Art. 1(1)) [not_counting, not_yet_effective]"
    );
    assert_eq!(&rows[0][col("history_head")], survey.head.as_str());
    assert_eq!(&rows[0][col("saved_by")], "jroe (uid 1000)");
    // Answers as their labels, the ids in their own column; the licence needed and who
    // applies.
    assert!(
        rows[1][col("answers")].contains("Destination country: "),
        "{}",
        &rows[1][col("answers")]
    );
    assert!(rows[1][col("answer_ids")].contains("destination="));

    let mut md = Vec::new();
    export::markdown(
        &mut md,
        &h,
        &Query::default(),
        &rules(),
        &survey,
        "2025-10-20".parse().expect("date"),
    )
    .expect("md");
    let md = String::from_utf8(md).expect("utf-8");
    let table = md
        .find("| Date | Reference | Counterparty | Outcome | Decided by | Kind |")
        .expect("table");
    let first_section = md.find("\n## ").expect("section");
    assert!(table < first_section, "the summary table comes first");
    assert!(md.contains("| 2025-10-20 | =HYPERLINK(\"x\") |"));
    assert!(md.contains("(superseded)"));
}

#[test]
fn the_derived_index_follows_the_history_and_is_rebuilt_when_it_does_not_match() {
    let dir = tempfile::tempdir().expect("tempdir");
    let h = history(dir.path());
    let refs = |h: &History| -> Vec<String> {
        let mut index = Index::open(h).expect("open");
        let mut newest = Vec::new();
        index
            .load(usize::MAX, |s, _| newest.push(s.reference.into_owned()))
            .expect("load");
        assert!(index.complete());
        newest
    };
    save(&h, &[screening("PO-1", "none", "civil", "2025-10-20")]);
    append_bytes(&h, b"torn\n");
    save(&h, &[screening("PO-2", "none", "civil", "2025-10-20")]);
    assert_eq!(refs(&h), ["PO-2", "PO-1"]);
    let idx = h.index_path().expect("index");
    assert!(
        !h.dir().join("history.idx").exists(),
        "nothing in the data directory"
    );
    let built = std::fs::read_to_string(&idx).expect("index");
    assert_eq!(
        built.lines().count(),
        4,
        "a header and one entry per history line"
    );
    assert_eq!(
        std::fs::metadata(&idx).expect("meta").permissions().mode() & 0o777,
        0o600
    );
    // New records are added to it.
    save(&h, &[screening("PO-3", "none", "civil", "2025-10-20")]);
    assert_eq!(refs(&h), ["PO-3", "PO-2", "PO-1"]);
    let mut index = Index::open(&h).expect("open");
    index.load(usize::MAX, |_, _| {}).expect("load");
    assert_eq!(index.skipped.len(), 1);
    assert_eq!(index.line_number(&index.skipped[0]), Some(2));
    // An index that does not match the history (another history, a damaged file) is rebuilt.
    let other = history(&dir.path().join("other"));
    save(&other, &[screening("X-1", "none", "civil", "2025-10-20")]);
    Index::open(&other).expect("open");
    std::fs::remove_file(&idx).expect("remove");
    std::fs::copy(other.index_path().expect("index"), &idx).expect("copy");
    assert_eq!(refs(&h), ["PO-3", "PO-2", "PO-1"]);
    std::fs::write(&idx, "garbage").expect("write");
    assert_eq!(refs(&h), ["PO-3", "PO-2", "PO-1"]);
}
