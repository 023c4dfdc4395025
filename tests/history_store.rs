//! The history store: round trip, damaged files that still open without being rewritten,
//! tamper detection, concurrent writers, permissions, filters and exports.

use std::io::Write;

use jiff::civil::Date;
use ree_screen::Answers;
use ree_screen::history::{
    History, Index, LineProblem, NewRecord, Query, RecordKind, Summary, export, rescreen,
};
use ree_screen::rules::{Outcome, RuleSet};
use ree_screen::screening::{Details, Screening};

fn rules() -> RuleSet {
    ree_screen::rules::embedded().expect("valid")
}

fn screening(reference: &str, recipient: &str, date: &str) -> Screening {
    let details = Details {
        reference: reference.to_string(),
        counterparty: "深圳稀土有限公司".to_string(),
        destination: "DE".to_string(),
        officer: "J. Roe".to_string(),
        notes: format!("note for {reference}"),
    };
    let date: Date = date.parse().expect("date");
    Screening::run(
        &rules(),
        &Answers::new("none", "china", recipient),
        date,
        details,
    )
}

fn save(history: &History, s: &Screening) -> String {
    history.append(&[NewRecord::screening(s)]).expect("saved")[0]
        .id
        .clone()
}

fn file_text(history: &History) -> String {
    std::fs::read_to_string(history.path()).expect("read")
}

#[test]
fn round_trip_keeps_the_determination_exactly_as_decided() {
    let dir = tempfile::tempdir().expect("tempdir");
    let history = History::new(dir.path().join("data"));
    let first = screening("PO-1", "civil", "2025-10-20");
    let second = screening("PO-2", "military_user", "2025-10-20");
    let ids = history
        .append(&[NewRecord::screening(&first), NewRecord::screening(&second)])
        .expect("saved");
    assert_eq!(ids.len(), 2);
    assert_ne!(ids[0].id, ids[1].id);
    let scan = history.scan().expect("scan");
    assert!(scan.bad.is_empty());
    assert_eq!(scan.records.len(), 2);
    // Stored as decided; each clause keeps its primary source (the full list is in the
    // rule set named by the record).
    let as_stored = |s: &Screening| {
        let mut d = (*s.determination).clone();
        for c in &mut d.clauses {
            assert!(!c.source.is_empty());
            c.sources.clear();
        }
        Screening {
            determination: std::sync::Arc::new(d),
            details: s.details.clone(),
        }
    };
    assert_eq!(scan.records[0].record.screening, as_stored(&first));
    assert_eq!(scan.records[1].record.screening, as_stored(&second));
    assert_eq!(scan.records[1].record.prev, scan.records[0].hash);
    assert_eq!(scan.records[0].record.schema, 1);
    assert_eq!(
        scan.records[0].record.program_version,
        env!("CARGO_PKG_VERSION")
    );
    assert!(history.verify().expect("verify").intact());
    // The detail view re-reads a record by its offset.
    let again = history
        .record_at(scan.records[1].offset)
        .expect("record_at");
    assert_eq!(again, scan.records[1].record);
}

#[cfg(unix)]
#[test]
fn created_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let history = History::new(&data);
    save(&history, &screening("PO-1", "civil", "2025-10-20"));
    let mode =
        |p: &std::path::Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&history.path()), 0o600);
}

#[test]
fn torn_last_line_is_reported_kept_and_the_next_append_starts_fresh() {
    let dir = tempfile::tempdir().expect("tempdir");
    let history = History::new(dir.path());
    save(&history, &screening("PO-1", "civil", "2025-10-20"));
    // A crash mid-write leaves half a line without its newline.
    let whole = file_text(&history);
    let torn = &whole[..whole.len() / 2];
    std::fs::OpenOptions::new()
        .append(true)
        .open(history.path())
        .and_then(|mut f| f.write_all(torn.as_bytes()))
        .expect("tear");
    let scan = history.scan().expect("opens");
    assert_eq!(scan.records.len(), 1);
    assert_eq!(scan.bad.len(), 1);
    assert_eq!(scan.bad[0].line, 2);
    assert!(matches!(scan.bad[0].problem, LineProblem::Unreadable(_)));

    let before = file_text(&history);
    save(&history, &screening("PO-2", "civil", "2025-10-20"));
    let after = file_text(&history);
    assert!(
        after.starts_with(&before),
        "nothing already in the file changed"
    );
    let scan = history.scan().expect("opens");
    assert_eq!(scan.records.len(), 2, "the new record is on a fresh line");
    assert_eq!(scan.bad.len(), 1);
    let verification = history.verify().expect("verify");
    assert!(
        verification.first_break.is_none(),
        "the chain links the good records"
    );
    assert!(
        verification.intact(),
        "a torn write loses that write, not the history's integrity"
    );
    assert_eq!(verification.bad.len(), 1, "the torn line is still reported");
}

#[test]
fn garbage_and_newer_schema_lines_are_skipped_and_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let history = History::new(dir.path());
    save(&history, &screening("PO-1", "civil", "2025-10-20"));
    let newer = file_text(&history).replace("\"schema\":1", "\"schema\":7");
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(history.path())
        .expect("open");
    f.write_all(b"not json at all\n").expect("write");
    f.write_all(newer.as_bytes()).expect("write");
    drop(f);
    let scan = history.scan().expect("opens");
    assert_eq!(scan.records.len(), 1);
    let lines: Vec<usize> = scan.bad.iter().map(|b| b.line).collect();
    assert_eq!(lines, vec![2, 3]);
    assert!(matches!(scan.bad[1].problem, LineProblem::NewerSchema(7)));
    // The newest-first index sees the same.
    let mut index = Index::open(&history).expect("index");
    index.load(usize::MAX).expect("load");
    assert_eq!(index.summaries.len(), 1);
    assert_eq!(index.skipped.len(), 2);
    let mut numbers: Vec<usize> = index
        .skipped
        .iter()
        .filter_map(|s| index.line_number(s))
        .collect();
    numbers.sort();
    assert_eq!(numbers, vec![2, 3]);
}

#[test]
fn verify_catches_an_edited_line_and_a_removed_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let history = History::new(dir.path());
    for i in 0..4 {
        save(
            &history,
            &screening(&format!("PO-{i}"), "civil", "2025-10-20"),
        );
    }
    let original = file_text(&history);

    // Edit one field in the third line.
    let edited = original.replacen("PO-2", "PO-9", 1);
    std::fs::write(history.path(), &edited).expect("write");
    let v = history.verify().expect("verify");
    assert!(!v.intact());
    let b = v.first_break.expect("break");
    assert_eq!(b.line, 3, "{}", b.message);
    assert!(b.message.contains("record was altered"), "{}", b.message);

    // Remove the second line: the third no longer links to the first.
    let lines: Vec<&str> = original.lines().collect();
    let removed = [lines[0], lines[2], lines[3]].join("\n") + "\n";
    std::fs::write(history.path(), removed).expect("write");
    let v = history.verify().expect("verify");
    let b = v.first_break.expect("break");
    assert_eq!(b.line, 2);
    assert!(
        b.message.contains("removed, inserted or reordered"),
        "{}",
        b.message
    );
}

#[test]
fn concurrent_writers_lose_nothing_and_keep_the_chain() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().to_path_buf();
    let s = screening("PO", "civil", "2025-10-20");
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let path = path.clone();
            let s = s.clone();
            std::thread::spawn(move || {
                // Each thread opens its own file handle, as separate processes would.
                let history = History::new(path);
                for _ in 0..25 {
                    history.append(&[NewRecord::screening(&s)]).expect("saved");
                }
                t
            })
        })
        .collect();
    for t in threads {
        t.join().expect("thread");
    }
    let history = History::new(path);
    let v = history.verify().expect("verify");
    assert!(v.intact(), "{:?} {:?}", v.first_break, v.bad);
    assert_eq!(v.records, 100);
}

#[cfg(unix)]
#[test]
fn read_only_directory_gives_a_clear_error_and_touches_nothing() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let history = History::new(dir.path().join("data"));
    save(&history, &screening("PO-1", "civil", "2025-10-20"));
    let before = file_text(&history);
    std::fs::set_permissions(history.path(), std::fs::Permissions::from_mode(0o400))
        .expect("chmod");
    let probe = std::fs::OpenOptions::new()
        .append(true)
        .open(history.path());
    if probe.is_ok() {
        eprintln!("skipped: running as root, which ignores file permissions");
        return;
    }
    let err = history
        .append(&[NewRecord::screening(&screening(
            "PO-2",
            "civil",
            "2025-10-20",
        ))])
        .expect_err("read-only");
    assert!(err.to_string().contains("history.jsonl"), "{err}");
    assert!(err.to_string().contains("permission denied"), "{err}");
    assert_eq!(file_text(&history), before);
}

#[test]
fn missing_history_is_empty_not_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let history = History::new(dir.path().join("never-created"));
    assert!(history.scan().expect("scan").records.is_empty());
    assert!(history.verify().expect("verify").intact());
    let mut index = Index::open(&history).expect("index");
    assert_eq!(index.load(10).expect("load"), 0);
    assert!(index.complete());
    assert!(!history.path().exists(), "reading creates nothing");
}

#[test]
fn filters_match_text_outcome_and_date_range() {
    let dir = tempfile::tempdir().expect("tempdir");
    let history = History::new(dir.path());
    save(&history, &screening("PO-100", "civil", "2025-10-01"));
    save(
        &history,
        &screening("PO-200", "military_user", "2025-10-20"),
    );
    save(&history, &screening("XYZ-300", "civil", "2025-11-20"));
    let mut index = Index::open(&history).expect("index");
    index.load(2).expect("load");
    assert_eq!(index.summaries.len(), 2, "loads in chunks");
    assert_eq!(
        index.summaries[0].details.reference, "XYZ-300",
        "newest first"
    );
    index.load(100).expect("load");
    assert!(index.complete());
    let refs = |q: &Query| -> Vec<String> {
        index
            .filter(q)
            .into_iter()
            .map(|i| index.summaries[i].details.reference.clone())
            .collect()
    };
    assert_eq!(refs(&Query::default()).len(), 3);
    assert_eq!(
        refs(&Query {
            text: "po-".into(),
            ..Query::default()
        }),
        vec!["PO-200", "PO-100"]
    );
    assert_eq!(
        refs(&Query {
            text: "深圳 xyz".into(),
            ..Query::default()
        }),
        vec!["XYZ-300"]
    );
    assert_eq!(
        refs(&Query {
            outcome: Some(Outcome::DeniedInPrinciple),
            ..Query::default()
        }),
        vec!["PO-200"]
    );
    let since: Date = "2025-10-20".parse().expect("date");
    let until: Date = "2025-10-31".parse().expect("date");
    assert_eq!(
        refs(&Query {
            since: Some(since),
            until: Some(until),
            ..Query::default()
        }),
        vec!["PO-200"]
    );
    assert!(
        refs(&Query {
            text: "nowhere".into(),
            ..Query::default()
        })
        .is_empty()
    );
}

#[test]
fn rescreen_and_override_append_records_that_reference_the_original() {
    let dir = tempfile::tempdir().expect("tempdir");
    let history = History::new(dir.path());
    let id = save(&history, &screening("PO-1", "military_user", "2025-10-20"));
    let original = history.find(&id).expect("find").expect("present");
    let (new, diff) = rescreen(
        &rules(),
        &original.record,
        "2025-12-01".parse().expect("date"),
    );
    assert_eq!(diff.outcome_before, Outcome::DeniedInPrinciple);
    assert_eq!(diff.outcome_after, Outcome::LicenseRequired);
    assert!(diff.clauses.iter().any(|c| {
        c.id == "no61-art2"
            && c.after
                .as_deref()
                .is_some_and(|s| s.starts_with("suspended"))
    }));
    history
        .append(&[NewRecord {
            screening: &new,
            kind: RecordKind::Rescreen,
            supersedes: Some(id.clone()),
            reason: Some("re-screen".into()),
            override_outcome: None,
        }])
        .expect("saved");
    history
        .append(&[NewRecord {
            screening: &original.record.screening,
            kind: RecordKind::Override,
            supersedes: Some(id.clone()),
            reason: Some("licence granted 2025-10-25".into()),
            override_outcome: Some(Outcome::LicenseRequired),
        }])
        .expect("saved");
    let scan = history.scan().expect("scan");
    assert_eq!(scan.records.len(), 3);
    assert_eq!(
        scan.records[0].record.screening, original.record.screening,
        "original untouched"
    );
    let over = &scan.records[2].record;
    assert_eq!(over.supersedes.as_deref(), Some(id.as_str()));
    assert_eq!(over.effective_outcome(), Outcome::LicenseRequired);
    assert_eq!(
        over.screening.determination.outcome,
        Outcome::DeniedInPrinciple,
        "engine result kept"
    );
    let summary = Summary::from_record(0, over);
    assert_eq!(summary.outcome, Outcome::LicenseRequired);
}

#[test]
fn csv_export_is_rfc4180_with_formulas_neutralised_and_the_head_stated() {
    let dir = tempfile::tempdir().expect("tempdir");
    let history = History::new(dir.path());
    let mut s = screening("=HYPERLINK(\"http://x\")", "civil", "2025-10-20");
    s.details.notes = "line one, \"quoted\"\nline two".into();
    save(&history, &s);
    let scan = history.scan().expect("scan");
    let rows: Vec<_> = scan.records.iter().collect();
    let provenance = export::Provenance::of(&history, &scan, rows.len());
    let mut out = Vec::new();
    export::csv(&mut out, &rows, &provenance).expect("csv");
    let mut reader = csv::Reader::from_reader(out.as_slice());
    let headers = reader.headers().expect("headers").clone();
    let record = reader.records().next().expect("row").expect("parses");
    let get = |name: &str| {
        record
            .get(headers.iter().position(|h| h == name).expect(name))
            .expect(name)
            .to_string()
    };
    assert_eq!(get("reference"), "'=HYPERLINK(\"http://x\")");
    assert_eq!(
        get("notes"),
        "line one, \"quoted\"\nline two",
        "quotes and newlines survive"
    );
    assert_eq!(get("history_head"), scan.head());
    assert_eq!(get("history_records"), "1");
}

#[test]
fn a_newer_programs_record_stays_in_the_chain() {
    let dir = tempfile::tempdir().expect("tempdir");
    let history = History::new(dir.path());
    save(&history, &screening("PO-1", "civil", "2025-10-20"));
    let head = history.verify().expect("verify").head;
    // What a future schema might write: unknown to us, but correctly chained.
    let body =
        format!("{{\"schema\":2,\"id\":\"future\",\"new_field\":[1,2],\"prev\":\"{head}\"}}");
    let hash = ree_screen::history::chain_hash(&head, body.as_bytes());
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(history.path())
        .expect("open");
    writeln!(f, "{{\"hash\":\"{hash}\",\"record\":{body}}}").expect("write");
    drop(f);
    save(&history, &screening("PO-3", "civil", "2025-10-20"));
    let scan = history.scan().expect("scan");
    assert_eq!(scan.records.len(), 2);
    assert!(matches!(scan.bad[0].problem, LineProblem::NewerSchema(2)));
    assert_eq!(
        scan.records[1].record.prev, hash,
        "our append links to the newer record"
    );
    let v = history.verify().expect("verify");
    assert!(v.intact(), "{:?}", v.first_break);
}

#[test]
fn an_unusable_data_directory_gives_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A file where the data directory should be: fails the same way as root and as a user.
    let blocked = dir.path().join("data");
    std::fs::write(&blocked, "not a directory").expect("write");
    let history = History::new(&blocked);
    let err = history
        .append(&[NewRecord::screening(&screening(
            "PO-1",
            "civil",
            "2025-10-20",
        ))])
        .expect_err("cannot save");
    let message = err.to_string();
    assert!(message.contains("data"), "names the path: {message}");
    assert!(
        message.contains("cannot open the history for writing"),
        "{message}"
    );
    assert_eq!(
        std::fs::read_to_string(&blocked).expect("read"),
        "not a directory",
        "nothing touched"
    );
}
