//! The history view: snapshots of its screens, `update` behaviour with plain values (filter
//! semantics, the filter worked through in steps, navigation, Esc back to the form, the one
//! text field in the filter bar and the dialogs, the override's reason and officer, the
//! impact view), and a real history in a temporary directory driven through the runtime's
//! effect handler.

mod tui_support;

use std::io::Write;
use std::sync::Arc;

use ree_screen::engine::Answers;
use ree_screen::history::{
    self, GENESIS, History, NewRecord, Query, Rebuilt, Record, RecordKind, RecordView, Stored,
    Summary, answers_json,
};
use ree_screen::identity::Identity;
use ree_screen::rules::Outcome;
use ree_screen::screening::{Details, Screening};
use ree_screen::tui::action::{Action, Edit, HistoryCommand, HistoryEvent};
use ree_screen::tui::app::{App, Overlay, Pending, SaveState, Step};
use ree_screen::tui::history_io::HistoryIo;
use ree_screen::tui::history_rows::{Batch, STEP};
use ree_screen::tui::history_view::{
    Chunk, FIRST_PAGE, HistoryEffect, OFFICER, Pane, REASON, SaveError, Screen, StoredRecord,
};
use ree_screen::tui::keys::Context;
use ree_screen::tui::update::{Effect, update};
use tui_support::{answer, app, apply, render, type_text};

/// One screening to save: answers, date and record fields.
struct Case {
    answers: &'static [(&'static str, &'static str)],
    date: &'static str,
    reference: &'static str,
    counterparty: &'static str,
}

const CASES: [Case; 5] = [
    Case {
        answers: &[
            ("stage", "magnet_manufacturing"),
            ("origin", "china_export"),
            ("recipient", "civil"),
            ("destination", "DE"),
        ],
        date: "2025-10-01",
        reference: "PO-2025-0117",
        counterparty: "深圳稀土有限公司",
    },
    Case {
        answers: &[
            ("stage", "none"),
            ("goods", "none"),
            ("origin", "no_chinese_nexus"),
            ("recipient", "civil"),
            ("destination", "FR"),
        ],
        date: "2025-10-05",
        reference: "PO-0002",
        counterparty: "Acme GmbH",
    },
    Case {
        answers: &[
            ("stage", "mining"),
            ("origin", "unknown"),
            ("recipient", "military_user"),
            ("destination", "US"),
        ],
        date: "2025-10-09",
        reference: "PO-0003",
        counterparty: "Defence Corp",
    },
    Case {
        answers: &[
            ("stage", "none"),
            ("goods", "n61_part1"),
            ("origin", "china_reexport"),
            ("recipient", "civil"),
            ("destination", "DE"),
        ],
        date: "2025-12-01",
        reference: "PO-0004",
        counterparty: "Tokyo Magnets KK",
    },
    Case {
        answers: &[
            ("stage", "none"),
            ("goods", "none"),
            ("origin", "no_chinese_nexus"),
            ("recipient", "humanitarian"),
            ("destination", "KE"),
        ],
        date: "2025-10-15",
        reference: "ACME-REPAIR",
        counterparty: "Acme Medical",
    },
];

fn screening(app: &App, case: &Case) -> Screening {
    let answers = case
        .answers
        .iter()
        .fold(Answers::new(), |a, (q, v)| a.with(q, v));
    Screening::run(
        &app.rules,
        &answers,
        case.date.parse().expect("date"),
        Details {
            reference: case.reference.into(),
            counterparty: case.counterparty.into(),
            end_user: String::new(),
            officer: "A. Officer".into(),
            ..Details::default()
        },
    )
}

/// Who saves in these tests.
fn identity() -> Identity {
    Identity {
        uid: 1000,
        user: "jroe".into(),
        ssh_client: None,
    }
}

/// A history in a temporary directory that keeps the rules' snapshot, with `cases` saved in
/// order (the last is newest).
fn saved_history(app: &App, cases: &[Case]) -> (tempfile::TempDir, History) {
    let dir = tempfile::tempdir().expect("tempdir");
    let history = History::with_rules(dir.path(), Arc::new(app.rules.clone()))
        .with_index_dir(dir.path().join("cache"))
        .with_state_dir(dir.path().join("state"));
    let screenings: Vec<Screening> = cases.iter().map(|c| screening(app, c)).collect();
    let new: Vec<NewRecord> = screenings.iter().map(NewRecord::screening).collect();
    if !new.is_empty() {
        history.append(&new, &identity()).expect("append");
    }
    (dir, history)
}

/// Every record of a history in file order.
fn records(history: &History) -> Vec<Stored> {
    let mut all = Vec::new();
    history
        .for_each_record(
            |stored| {
                all.push(stored);
                Ok(())
            },
            |bad| panic!("unreadable line {bad:?}"),
        )
        .expect("read");
    all
}

/// Apply an action the way the runtime does: effects go to the history handler, their
/// results come back as actions, work on another thread is waited for, and the filter and
/// the loading go on while nothing else waits.
fn drive(app: &mut App, io: &mut HistoryIo, action: Action) -> Vec<Effect> {
    let mut others = Vec::new();
    let mut next = Some(action);
    while let Some(action) = next.take() {
        next = match update(app, action) {
            Some(Effect::History(effect)) => io.perform(effect),
            Some(other) => {
                others.push(other);
                None
            }
            None => None,
        };
        if next.is_none() {
            next = io.wait_background();
        }
        if next.is_none() && app.history.as_ref().is_some_and(|h| h.busy()) {
            next = Some(Action::HistoryEvent(HistoryEvent::Idle));
        }
        if next.is_none() && io.wants_more() {
            next = io.load_more();
        }
    }
    others
}

fn drive_all(app: &mut App, io: &mut HistoryIo, actions: impl IntoIterator<Item = Action>) {
    for action in actions {
        drive(app, io, action);
    }
}

fn type_into(app: &mut App, io: &mut HistoryIo, text: &str) {
    drive_all(app, io, text.chars().map(Action::Type));
}

fn io_for(app: &App, history: &History) -> HistoryIo {
    HistoryIo::new(
        Ok(history.clone()),
        identity(),
        Arc::new(app.rules.clone()),
        None,
    )
}

fn opened(app: &mut App, history: &History) -> HistoryIo {
    let mut io = io_for(app, history);
    drive(app, &mut io, Action::History);
    io
}

/// The history view open on a history of every case, and that history.
fn all_cases() -> (App, tempfile::TempDir, History, HistoryIo) {
    let mut app = app();
    let (dir, history) = saved_history(&app, &CASES);
    let io = opened(&mut app, &history);
    (app, dir, history, io)
}

fn all_cases_open() -> (App, tempfile::TempDir, HistoryIo) {
    let (app, dir, _, io) = all_cases();
    (app, dir, io)
}

/// The history view of every case, its filter bar open on the Since field.
fn at_since() -> (App, tempfile::TempDir, HistoryIo) {
    let (mut app, dir, mut io) = all_cases_open();
    drive_all(
        &mut app,
        &mut io,
        [
            Action::HistoryCommand(HistoryCommand::Filter),
            Action::NextField,
        ],
    );
    (app, dir, io)
}

fn references(app: &App) -> Vec<String> {
    let view = app.history.as_ref().expect("history open");
    view.filter
        .matches()
        .iter()
        .filter_map(|i| view.rows.get(*i as usize))
        .map(|r| r.reference.to_string())
        .collect()
}

/// Snapshots do not depend on record ids, hashes, times or the rule set's hash.
fn redacted(f: impl FnOnce()) {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"\d{8}T\d{6}Z-[0-9a-f]+(-\d+)?", "[id]");
    settings.add_filter(r"[0-9a-f]{64}", "[hash]");
    settings.add_filter(r"sha256 [0-9a-f]{8}", "sha256 [hash]");
    settings.add_filter(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", "[time]");
    settings.bind(f);
}

#[test]
fn list_filtered_by_text_and_outcome() {
    let (mut app, _dir, mut io) = all_cases_open();
    assert_eq!(
        references(&app),
        [
            "ACME-REPAIR",
            "PO-0004",
            "PO-0003",
            "PO-0002",
            "PO-2025-0117"
        ],
        "newest first"
    );
    drive(
        &mut app,
        &mut io,
        Action::HistoryCommand(HistoryCommand::Filter),
    );
    type_into(&mut app, &mut io, "acme");
    assert_eq!(references(&app), ["ACME-REPAIR", "PO-0002"]);
    redacted(|| {
        insta::assert_snapshot!("history_filtered_80x24", render(&mut app, 80, 24));
        insta::assert_snapshot!("history_filtered_120x40", render(&mut app, 120, 40));
    });
}

#[test]
fn filter_dates_show_whole_and_typing_replaces_a_value() {
    let (mut app, _dir, mut io) = at_since();
    type_into(&mut app, &mut io, "2025-10-05");
    drive(&mut app, &mut io, Action::NextField);
    type_into(&mut app, &mut io, "2025-10-12");
    let screen = render(&mut app, 80, 24);
    assert!(screen.contains("Since: 2025-10-05"), "{screen}");
    assert!(screen.contains("Until: 2025-10-12"), "{screen}");
    assert_eq!(references(&app), ["PO-0003", "PO-0002"]);
    // Back on Since, its value is selected: typing replaces it instead of appending.
    drive(&mut app, &mut io, Action::PrevField);
    let view = app.history.as_ref().expect("open");
    assert!(view.fields[1].is_selected());
    type_into(&mut app, &mut io, "2025-10-09");
    let view = app.history.as_ref().expect("open");
    assert_eq!(view.fields[1].value(), "2025-10-09");
    assert_eq!(references(&app), ["PO-0003"]);
    redacted(|| {
        insta::assert_snapshot!("history_filter_dates_80x24", render(&mut app, 80, 24));
    });
}

#[test]
fn list_reports_skipped_lines_with_their_numbers() {
    let mut app = app();
    let (_dir, history) = saved_history(&app, &CASES[..2]);
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(history.path())
        .expect("open history");
    file.write_all(b"this is not a record {\n")
        .expect("garbage");
    drop(file);
    let third = screening(&app, &CASES[2]);
    history
        .append(&[NewRecord::screening(&third)], &identity())
        .expect("append after garbage");
    let _io = opened(&mut app, &history);
    let view = app.history.as_ref().expect("open");
    assert_eq!(view.rows.len(), 3, "every good record is listed");
    assert_eq!(view.skipped_line_numbers(), Some(vec![3]));
    redacted(|| insta::assert_snapshot!("history_skipped_80x24", render(&mut app, 80, 24)));
}

#[test]
fn list_warns_when_records_this_user_saw_are_gone() {
    let mut app = app();
    let (_dir, history) = saved_history(&app, &CASES[..2]);
    let before = std::fs::read(history.path()).expect("read");
    let third = screening(&app, &CASES[2]);
    history
        .append(&[NewRecord::screening(&third)], &identity())
        .expect("append");
    let _io = opened(&mut app, &history);
    assert!(!app.history.as_ref().expect("open").head_lost);
    // The newest save cut off at a line boundary: the chain still holds.
    std::fs::write(history.path(), before).expect("cut");
    let mut app = self::app();
    let _io = opened(&mut app, &history);
    assert!(app.history.as_ref().expect("open").head_lost);
    let screen = render(&mut app, 80, 24);
    assert!(
        screen.contains("RECORDS GONE since you saw them"),
        "{screen}"
    );
    redacted(|| insta::assert_snapshot!("history_records_gone_80x24", screen));
}

#[test]
fn empty_history() {
    let mut app = app();
    let dir = tempfile::tempdir().expect("tempdir");
    let history = History::new(dir.path().join("none-yet"))
        .with_index_dir(dir.path().join("cache"))
        .with_state_dir(dir.path().join("state"));
    let _io = opened(&mut app, &history);
    insta::assert_snapshot!("history_empty_80x24", render(&mut app, 80, 24));
}

/// A stored record with a fixed id, time and hash, so its detail snapshots the same each
/// run, presented as the runtime presents it.
fn fixed_record(app: &App, case: &Case, override_outcome: Option<Outcome>) -> StoredRecord {
    let stored = Stored {
        line: 1,
        offset: 0,
        hash: "ab".repeat(32),
        record: Record {
            schema: 2,
            id: "20251020T090000Z-0badcafe0badcafe-0".into(),
            saved_at: "2025-10-20T09:00:00Z".parse().expect("timestamp"),
            program_version: "0.1.0".into(),
            kind: if override_outcome.is_some() {
                RecordKind::Override
            } else {
                RecordKind::Screening
            },
            supersedes: override_outcome.map(|_| "20251019T090000Z-0badcafe0badcafe-0".into()),
            reason: override_outcome.map(|_| "Licence LIC-2025-881 granted".into()),
            override_outcome,
            licence: None,
            approval: None,
            identity: identity(),
            screening: screening(app, case),
            rebuilt: Rebuilt::FromSnapshot,
            prev: GENESIS.into(),
        },
    };
    StoredRecord {
        view: RecordView::new(&stored, &app.rules, None),
        record: stored.record,
        current: None,
    }
}

/// The history view showing `stored` as its only record, opened into the detail.
fn at_detail(mut app: App, stored: &StoredRecord) -> App {
    apply(&mut app, [Action::History]);
    let chunk = Chunk {
        rows: batch(&[Summary::from_record(0, &stored.record)]),
        skipped: Vec::new(),
        lines: 1,
        complete: true,
        head_lost: false,
    };
    apply(
        &mut app,
        [Action::HistoryEvent(HistoryEvent::Opened(Ok(Box::new(
            chunk,
        ))))],
    );
    assert_eq!(
        apply(&mut app, [Action::Next]),
        [Effect::History(HistoryEffect::Read(0))]
    );
    apply(
        &mut app,
        [Action::HistoryEvent(HistoryEvent::Read(Ok(Box::new(
            stored.clone(),
        ))))],
    );
    app
}

#[test]
fn detail_reads_like_the_determination_screen() {
    let app = app();
    let stored = fixed_record(&app, &CASES[3], None);
    let mut app = at_detail(app, &stored);
    assert_eq!(app.context(), Context::HistoryDetail);
    let screen = render(&mut app, 80, 24);
    for shown in [
        "Record exactly as decided",
        "as on 2025-12-01",
        "Decided by:",
        "Saved by: jroe (uid 1000)",
    ] {
        assert!(screen.contains(shown), "{shown}:\n{screen}");
    }
    redacted(|| {
        insta::assert_snapshot!("history_detail_120x40", render(&mut app, 120, 40));
        insta::assert_snapshot!("history_detail_80x24", render(&mut app, 80, 24));
    });
    // Scrolled a page at a time in the one scroll view, at the size on screen.
    apply(&mut app, [Action::PageDown, Action::PageDown]);
    redacted(|| insta::assert_snapshot!("history_detail_page3_80x24", render(&mut app, 80, 24)));
    apply(&mut app, [Action::Bottom]);
    let screen = render(&mut app, 80, 24);
    let position = screen
        .lines()
        .find_map(|l| l.split_once(" lines ").map(|(_, p)| p.to_string()))
        .expect("the position shows");
    let (range, total) = position.split_once(" of ").expect("of");
    let total = total.split_whitespace().next().expect("a count");
    assert!(
        range.ends_with(&format!("-{total}")),
        "the end shows: {position}"
    );
}

#[test]
fn an_override_shows_first_and_the_engines_outcome_below() {
    let app = app();
    let stored = fixed_record(&app, &CASES[3], Some(Outcome::CaseByCase));
    let mut app = at_detail(app, &stored);
    let screen = render(&mut app, 80, 24);
    let first = screen.lines().nth(2).expect("first line of the record");
    assert!(
        first.contains("OFFICER OVERRIDE: [ ?] Licence required, case-by-case review"),
        "{screen}"
    );
    assert!(
        screen.contains("Reason: Licence LIC-2025-881 granted"),
        "{screen}"
    );
    redacted(|| insta::assert_snapshot!("history_detail_override_80x24", screen));
}

#[test]
fn rescreen_shows_then_and_now_side_by_side() {
    let app = app();
    let stored = fixed_record(&app, &CASES[0], None);
    let mut app = at_detail(app, &stored);
    apply(&mut app, [Action::HistoryCommand(HistoryCommand::Rescreen)]);
    assert_eq!(app.context(), Context::HistoryDiff);
    redacted(|| insta::assert_snapshot!("history_rescreen_80x24", render(&mut app, 80, 24)));
    let effects = apply(&mut app, [Action::Save]);
    match effects.as_slice() {
        [Effect::History(HistoryEffect::Save(requests))] => {
            let [request] = requests.as_slice() else {
                panic!("one record: {requests:?}");
            };
            assert_eq!(request.kind, RecordKind::Rescreen);
            assert_eq!(request.supersedes, stored.record.id);
            assert_eq!(request.reason, "re-screen");
            assert_eq!(request.override_outcome, None);
            assert_eq!(
                request.screening.determination.date.to_string(),
                tui_support::TODAY
            );
        }
        other => panic!("expected one save, got {other:?}"),
    }
    // A failed save is shown and can be retried.
    apply(
        &mut app,
        [Action::HistoryEvent(HistoryEvent::Saved(Err(SaveError {
            message: "not saved: the disk is full".into(),
            current: None,
        })))],
    );
    assert!(render(&mut app, 80, 24).contains("not saved: the disk is full - try again"));
    assert!(matches!(
        apply(&mut app, [Action::Save]).as_slice(),
        [Effect::History(HistoryEffect::Save(_))]
    ));
}

#[test]
fn the_rescreen_date_is_typed_over_the_prefilled_one_and_shows_whole() {
    let app = app();
    let stored = fixed_record(&app, &CASES[0], None);
    let mut app = at_detail(app, &stored);
    apply(&mut app, [Action::HistoryCommand(HistoryCommand::OnDate)]);
    assert_eq!(app.context(), Context::HistoryDate);
    let screen = render(&mut app, 80, 24);
    assert!(
        screen.contains(&format!("Date (YYYY-MM-DD): {}", tui_support::TODAY)),
        "the prefilled date shows whole:\n{screen}"
    );
    // Typing replaces the selected value (it used to append and show `026-03-02_`).
    type_text(&mut app, "2025-02-30");
    let screen = render(&mut app, 80, 24);
    assert!(screen.contains("Date (YYYY-MM-DD): 2025-02-30"), "{screen}");
    apply(&mut app, [Action::Next]);
    assert_eq!(app.context(), Context::HistoryDate, "an invalid date stays");
    let screen = render(&mut app, 80, 24);
    assert!(
        screen.contains("2025-02-30 is not a real calendar date"),
        "{screen}"
    );
    redacted(|| insta::assert_snapshot!("history_rescreen_date_invalid_80x24", screen));
    apply(&mut app, [Action::Edit(Edit::DeleteBack)]);
    assert!(
        !render(&mut app, 80, 24).contains("not a real calendar date"),
        "editing clears the message"
    );
    type_text(&mut app, "9");
    apply(&mut app, [Action::Edit(Edit::Clear)]);
    type_text(&mut app, "2025-10-09");
    apply(&mut app, [Action::Next]);
    assert_eq!(app.context(), Context::HistoryDiff);
    assert_eq!(app.screen_title(), "History - Re-screen on 2025-10-09");
    // Each side is named for what it is, whichever date is earlier.
    let screen = render(&mut app, 80, 24);
    assert!(
        screen.contains("RECORD (screened for 2025-10-01)")
            && screen.contains("RE-SCREEN (screened for 2025-10-09)"),
        "{screen}"
    );
}

/// A workbench whose settings name an officer other than the one who screened the cases.
fn with_officer(app: App) -> App {
    let defaults = Details {
        officer: "Settings Officer".into(),
        ..Details::default()
    };
    let preselected = app.preselected.clone();
    app.with_defaults(defaults, preselected)
}

#[test]
fn override_needs_a_reason_an_officer_and_another_outcome() {
    let app = with_officer(app());
    let stored = fixed_record(&app, &CASES[0], None);
    let mut app = at_detail(app, &stored);
    apply(&mut app, [Action::HistoryCommand(HistoryCommand::Override)]);
    assert_eq!(app.context(), Context::HistoryOverrideOutcome);
    apply(&mut app, [Action::Back]);
    assert_eq!(
        app.context(),
        Context::HistoryDetail,
        "Esc goes back, saving nothing"
    );
    apply(&mut app, [Action::HistoryCommand(HistoryCommand::Override)]);
    let form = |app: &App| -> (String, String) {
        let Some(Screen::Detail(detail)) = app.history.as_ref().map(|v| &v.screen) else {
            panic!("detail open")
        };
        let Pane::Override(form) = &detail.pane else {
            panic!("override open")
        };
        (
            form.fields[REASON].value().to_string(),
            form.fields[OFFICER].value().to_string(),
        )
    };
    assert_eq!(
        form(&app).1,
        "Settings Officer",
        "the officer deciding now, from the settings, not the one who screened"
    );
    // Focus shows in one place, and typed text goes where it shows: first the outcome
    // list, where typing types nothing.
    let screen = render(&mut app, 80, 24);
    assert!(screen.contains("> Outcome (Up/Down):"), "{screen}");
    assert!(!screen.contains("> Reason"), "{screen}");
    type_text(&mut app, "typed");
    assert_eq!(form(&app), (String::new(), "Settings Officer".into()));
    apply(&mut app, [Action::Up]);
    assert_eq!(apply(&mut app, [Action::Next]), [], "no reason, no save");
    let screen = render(&mut app, 80, 24);
    assert!(screen.contains("> Reason (required):"), "{screen}");
    assert!(
        !screen.contains("> Outcome") && !screen.contains("  > ["),
        "the outcome list shows no focus while the reason has it: {screen}"
    );
    redacted(|| {
        insta::assert_snapshot!("history_override_no_reason_80x24", render(&mut app, 80, 24))
    });
    type_text(&mut app, "Licence LIC-2025-881 granted");
    // The officer's field: entering it selects the prefilled name, so typing replaces it.
    apply(
        &mut app,
        [Action::NextField, Action::Edit(Edit::DeleteBack)],
    );
    assert_eq!(form(&app).1, "");
    assert_eq!(apply(&mut app, [Action::Next]), [], "no officer, no save");
    assert!(render(&mut app, 80, 24).contains("The officer who decides the override is required"));
    type_text(&mut app, "K. Lee");
    assert_eq!(form(&app).1, "K. Lee");
    apply(&mut app, [Action::Down]);
    assert_eq!(form(&app).1, "K. Lee", "Down does nothing in a text field");
    apply(&mut app, [Action::NextField, Action::Down]);
    assert_eq!(
        apply(&mut app, [Action::Next]),
        [],
        "the outcome that already stands is no override"
    );
    assert!(render(&mut app, 80, 24).contains("already stands"));
    redacted(|| insta::assert_snapshot!("history_override_120x40", render(&mut app, 120, 40)));
    apply(&mut app, [Action::Up, Action::Up]);
    match apply(&mut app, [Action::Next]).as_slice() {
        [Effect::History(HistoryEffect::Save(requests))] => {
            let [request] = requests.as_slice() else {
                panic!("one record: {requests:?}");
            };
            assert_eq!(request.kind, RecordKind::Override);
            assert_eq!(request.reason, "Licence LIC-2025-881 granted");
            assert_eq!(request.supersedes, stored.record.id);
            assert_ne!(
                Some(stored.record.effective_outcome()),
                request.override_outcome
            );
            assert_eq!(request.screening.details.officer, "K. Lee");
            assert_eq!(
                request.screening.details.reference,
                stored.record.screening.details.reference
            );
        }
        other => panic!("expected one save, got {other:?}"),
    }
}

#[test]
fn filter_semantics() {
    let (mut app, _dir, mut io) = all_cases_open();
    drive(
        &mut app,
        &mut io,
        Action::HistoryCommand(HistoryCommand::Filter),
    );
    assert_eq!(app.context(), Context::HistoryFilter);
    // Every word must appear, in any field or answer (code or name), in any case.
    type_into(&mut app, &mut io, "ACME kenya");
    assert_eq!(references(&app), ["ACME-REPAIR"]);
    // Deleting widens again: the narrowing shortcut must not lose records.
    drive_all(
        &mut app,
        &mut io,
        (0..6).map(|_| Action::Edit(Edit::DeleteBack)),
    );
    assert_eq!(references(&app), ["ACME-REPAIR", "PO-0002"]);
    drive(&mut app, &mut io, Action::Edit(Edit::Clear));
    // Dates: since and until are inclusive; a partial date is not applied.
    drive(&mut app, &mut io, Action::NextField);
    type_into(&mut app, &mut io, "2025-10-0");
    assert_eq!(references(&app).len(), 5);
    type_into(&mut app, &mut io, "5");
    drive(&mut app, &mut io, Action::NextField);
    type_into(&mut app, &mut io, "2025-12-01");
    assert_eq!(
        references(&app),
        ["ACME-REPAIR", "PO-0004", "PO-0003", "PO-0002"]
    );
    drive(&mut app, &mut io, Action::Next);
    assert_eq!(app.context(), Context::HistoryList);
    // The outcome filter cycles through the six outcomes and back to all.
    drive(
        &mut app,
        &mut io,
        Action::HistoryCommand(HistoryCommand::CycleOutcome),
    );
    let view = app.history.as_ref().expect("open");
    assert_eq!(view.outcome, Some(Outcome::NoLicenseRequired));
    let expected: Vec<String> = CASES
        .iter()
        .rev()
        .filter(|c| c.date >= "2025-10-05")
        .filter(|c| screening(&app, c).determination.outcome == Outcome::NoLicenseRequired)
        .map(|c| c.reference.to_string())
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(references(&app), expected);
    drive_all(
        &mut app,
        &mut io,
        (0..6).map(|_| Action::HistoryCommand(HistoryCommand::CycleOutcome)),
    );
    assert_eq!(app.history.as_ref().expect("open").outcome, None);
    drive(
        &mut app,
        &mut io,
        Action::HistoryCommand(HistoryCommand::ClearFilter),
    );
    assert_eq!(references(&app).len(), 5);
}

#[test]
fn an_invalid_filter_date_is_reported_beside_the_field_and_holds_enter() {
    let (mut app, _dir, mut io) = at_since();
    type_into(&mut app, &mut io, "2025-13-01");
    drive(&mut app, &mut io, Action::Next);
    let view = app.history.as_ref().expect("open");
    assert_eq!(app.context(), Context::HistoryFilter, "Enter stays");
    assert_eq!(view.filter_focus, 1);
    assert!(view.fields[1].error().is_some());
    assert_eq!(
        view.fields[1].value(),
        "2025-13-01",
        "never silently reverted"
    );
    assert_eq!(references(&app).len(), 5, "the bad date is not applied");
    assert!(render(&mut app, 80, 24).contains("! Since: "));
    drive(&mut app, &mut io, Action::Back);
    assert_eq!(app.context(), Context::HistoryList, "Esc always leaves");
}

#[test]
fn navigation_moves_and_keeps_the_selection_across_filters() {
    let (mut app, _dir, mut io) = all_cases_open();
    drive_all(
        &mut app,
        &mut io,
        [Action::Down, Action::Down, Action::Down],
    );
    let selected = |app: &App| {
        app.history
            .as_ref()
            .and_then(|v| v.selected_row())
            .map(|r| r.reference.to_string())
    };
    assert_eq!(selected(&app).as_deref(), Some("PO-0002"));
    drive(&mut app, &mut io, Action::Bottom);
    assert_eq!(selected(&app).as_deref(), Some("PO-2025-0117"));
    drive(&mut app, &mut io, Action::Down);
    assert_eq!(selected(&app).as_deref(), Some("PO-2025-0117"), "clamped");
    drive(&mut app, &mut io, Action::Top);
    drive(&mut app, &mut io, Action::Up);
    assert_eq!(selected(&app).as_deref(), Some("ACME-REPAIR"), "clamped");
    drive_all(
        &mut app,
        &mut io,
        [Action::Down, Action::Down, Action::Down],
    );
    drive(
        &mut app,
        &mut io,
        Action::HistoryCommand(HistoryCommand::Filter),
    );
    type_into(&mut app, &mut io, "acme");
    assert_eq!(
        selected(&app).as_deref(),
        Some("PO-0002"),
        "the highlighted record stays highlighted when it still matches"
    );
}

/// Summaries as the runtime hands them to the view.
fn batch(summaries: &[Summary]) -> Batch {
    let mut batch = Batch::default();
    for summary in summaries {
        batch.push(summary.borrowed(&answers_json(&summary.answers)), true);
    }
    batch
}

/// Summaries of `n` records, one in seven with "needle" in its counterparty.
fn many(n: usize) -> Vec<Summary> {
    (0..n)
        .map(|i| Summary {
            offset: i as u64,
            id: format!("id-{i}"),
            saved_at: jiff::Timestamp::UNIX_EPOCH,
            date: "2025-10-20".parse().expect("date"),
            kind: RecordKind::Screening,
            outcome: Outcome::ALL[i % Outcome::ALL.len()],
            provisional: false,
            supersedes: None,
            details: Details {
                reference: format!("PO-{i:07}"),
                counterparty: if i % 7 == 0 { "Needle AG" } else { "Acme" }.into(),
                ..Details::default()
            },
            answers: Answers::new().with("destination", "DE"),
        })
        .collect()
}

#[test]
fn a_large_filter_goes_on_in_steps_between_keys_and_gives_what_the_query_gives() {
    let mut app = app();
    apply(&mut app, [Action::History]);
    let summaries = many(2 * STEP + 10);
    let query = Query {
        text: "needle".into(),
        ..Query::default()
    };
    let expected: Vec<u32> = summaries
        .iter()
        .enumerate()
        .filter(|(_, s)| query.matches(s))
        .map(|(i, _)| i as u32)
        .collect();
    let chunk = Chunk {
        rows: batch(&summaries),
        skipped: Vec::new(),
        lines: 2 * STEP + 10,
        complete: true,
        head_lost: false,
    };
    apply(
        &mut app,
        [
            Action::HistoryEvent(HistoryEvent::Opened(Ok(Box::new(chunk)))),
            Action::HistoryCommand(HistoryCommand::Filter),
        ],
    );
    let busy = |app: &App| app.history.as_ref().is_some_and(|h| h.busy());
    let mut steps = 0;
    while busy(&app) {
        apply(&mut app, [Action::HistoryEvent(HistoryEvent::Idle)]);
        steps += 1;
    }
    assert!(steps >= 2, "the first load filters in steps too");
    let until_done = |app: &mut App| {
        while busy(app) {
            apply(app, [Action::HistoryEvent(HistoryEvent::Idle)]);
        }
        app.history
            .as_ref()
            .expect("open")
            .filter
            .matches()
            .to_vec()
    };
    type_text(&mut app, "needle");
    assert_eq!(until_done(&mut app), expected);
    // Widening starts over: one step with the key, the rest while no key waits.
    apply(&mut app, [Action::Edit(Edit::Clear)]);
    assert!(busy(&app), "one step per key: the rest waits for idle time");
    assert!(render(&mut app, 80, 24).contains("(filtering)"));
    // Keys typed while it works narrow what was found so far and check what is left.
    type_text(&mut app, "needle");
    assert_eq!(until_done(&mut app), expected);
    apply(&mut app, [Action::Edit(Edit::Clear)]);
    assert_eq!(until_done(&mut app).len(), 2 * STEP + 10);
}

#[test]
fn esc_returns_to_the_form_with_everything_kept() {
    let mut app = app();
    answer(&mut app, &[("stage", "none"), ("goods", "n61_part1")]);
    let answers = app.answers.clone();
    apply(&mut app, [Action::NextField]);
    type_text(&mut app, "PO-77");
    assert_eq!(app.context(), Context::Form);
    assert_eq!(
        apply(&mut app, [Action::History]),
        [Effect::History(HistoryEffect::Open)]
    );
    assert_eq!(app.context(), Context::HistoryList);
    assert_eq!(
        apply(&mut app, [Action::Back]),
        [Effect::History(HistoryEffect::Close)]
    );
    assert!(app.history.is_none());
    assert_eq!(app.step, Step::Details);
    assert_eq!(app.focus, 1);
    assert_eq!(app.fields[1].value(), "PO-77");
    assert_eq!(app.answers, answers);
}

#[test]
fn ctrl_r_opens_the_history_even_from_a_text_field() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let app = app();
    let ctrl_r = KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL);
    let shift_h = KeyEvent::new(KeyCode::Char('H'), KeyModifiers::SHIFT);
    for context in [
        Context::Form,
        Context::List,
        Context::Review,
        Context::Result,
    ] {
        assert_eq!(app.keys.action_for(context, &ctrl_r), Some(Action::History));
    }
    assert_eq!(
        app.keys.action_for(Context::Form, &shift_h),
        Some(Action::Type('H'))
    );
    assert_eq!(
        app.keys.action_for(Context::Result, &shift_h),
        Some(Action::History)
    );
    assert_eq!(
        app.keys.action_for(Context::HistoryFilter, &shift_h),
        Some(Action::Type('H'))
    );
}

#[test]
fn the_override_keys_choose_with_up_down_and_move_fields_with_tab() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let keys = app().keys;
    let press = |code| KeyEvent::new(code, KeyModifiers::NONE);
    // The outcome list has focus: Up/Down choose, letters are keys, nothing types.
    let outcome = Context::HistoryOverrideOutcome;
    assert_eq!(
        keys.action_for(outcome, &press(KeyCode::Up)),
        Some(Action::Up)
    );
    assert_eq!(
        keys.action_for(outcome, &press(KeyCode::Tab)),
        Some(Action::NextField)
    );
    assert_eq!(
        keys.action_for(outcome, &press(KeyCode::Char('x'))),
        None,
        "no text field has focus, so nothing types"
    );
    // A text field has focus: letters type there, Up/Down move between the fields.
    let field = Context::HistoryOverride;
    assert_eq!(
        keys.action_for(field, &press(KeyCode::Char('q'))),
        Some(Action::Type('q'))
    );
    assert_eq!(
        keys.action_for(field, &press(KeyCode::Up)),
        Some(Action::PrevField)
    );
    assert_eq!(
        keys.action_for(Context::Form, &press(KeyCode::Up)),
        Some(Action::PrevField),
        "the form's fields still move with the arrows"
    );
    assert_eq!(
        keys.action_for(Context::HistoryList, &press(KeyCode::Char('i'))),
        Some(Action::HistoryCommand(HistoryCommand::Impact))
    );
}

#[test]
fn large_history_loads_a_first_page_then_the_rest_in_chunks() {
    let mut app = app();
    let dir = tempfile::tempdir().expect("tempdir");
    let history = History::new(dir.path())
        .with_index_dir(dir.path().join("cache"))
        .with_state_dir(dir.path().join("state"));
    let one = screening(&app, &CASES[1]);
    let new: Vec<NewRecord> = (0..FIRST_PAGE + 50)
        .map(|_| NewRecord::screening(&one))
        .collect();
    history.append(&new, &identity()).expect("append");
    let mut io = io_for(&app, &history);
    let first = update(&mut app, Action::History).expect("open effect");
    let Effect::History(open) = first else {
        panic!("expected a history effect")
    };
    let opened = io.perform(open).expect("opened");
    assert_eq!(
        update(&mut app, opened),
        Some(Effect::History(HistoryEffect::LoadMore)),
        "more to read"
    );
    assert_eq!(app.history.as_ref().expect("open").rows.len(), FIRST_PAGE);
    assert!(render(&mut app, 80, 24).contains(&format!("Loading... {FIRST_PAGE} records read")));
    assert_eq!(io.perform(HistoryEffect::LoadMore), None);
    assert!(io.wants_more());
    let more = io.load_more().expect("chunk");
    assert_eq!(
        update(&mut app, more),
        None,
        "everything read: nothing more asked"
    );
    assert!(!io.wants_more());
    let view = app.history.as_ref().expect("open");
    assert_eq!(view.rows.len(), FIRST_PAGE + 50);
    assert!(view.complete);
}

#[test]
fn real_history_detail_rescreen_and_override_append_new_records() {
    let mut app = with_officer(app());
    let (_dir, history) = saved_history(&app, &CASES[..2]);
    let mut io = opened(&mut app, &history);
    drive_all(&mut app, &mut io, [Action::Bottom, Action::Next]);
    let original = records(&history)[0].clone();
    let Some(Screen::Detail(detail)) = app.history.as_ref().map(|v| &v.screen) else {
        panic!("detail open")
    };
    let stored = detail
        .stored
        .as_ref()
        .and_then(|s| s.as_ref().ok())
        .expect("record read");
    assert_eq!(stored.record.id, original.record.id);
    assert_eq!(
        stored.record.rebuilt,
        Rebuilt::FromSnapshot,
        "exactly as decided"
    );
    assert_eq!(stored.view.hash, original.hash);
    assert!(stored.view.notes.is_empty(), "{:?}", stored.view.notes);

    drive_all(
        &mut app,
        &mut io,
        [
            Action::HistoryCommand(HistoryCommand::Rescreen),
            Action::Save,
        ],
    );
    let Some(Screen::Detail(detail)) = app.history.as_ref().map(|v| &v.screen) else {
        panic!("detail open")
    };
    let Pane::Rescreen(rescreened) = &detail.pane else {
        panic!("re-screen shown")
    };
    assert!(matches!(rescreened.saved, SaveState::Saved(_)));
    assert_eq!(
        references(&app),
        ["PO-2025-0117", "PO-0002"],
        "the list reloads with the case's new record on top, the superseded one left out"
    );

    // The original is superseded now: it says so first, and is not overridden (that would
    // fork the case); the current record opens on a key and is overridden instead.
    drive(&mut app, &mut io, Action::Back);
    let screen = render(&mut app, 80, 24);
    assert!(
        screen.contains("SUPERSEDED: not the case's current record"),
        "{screen}"
    );
    assert!(
        screen.contains("g opens the case's current record"),
        "{screen}"
    );
    drive(
        &mut app,
        &mut io,
        Action::HistoryCommand(HistoryCommand::Override),
    );
    assert!(
        app.notice
            .as_deref()
            .is_some_and(|n| n.starts_with("Superseded: nothing is done to this record")),
        "{:?}",
        app.notice
    );
    assert_eq!(app.context(), Context::HistoryDetail);
    app.notice = None;
    drive_all(
        &mut app,
        &mut io,
        [
            Action::HistoryCommand(HistoryCommand::OpenCurrent),
            Action::HistoryCommand(HistoryCommand::Override),
            Action::Up,
            Action::NextField,
        ],
    );
    assert!(!render(&mut app, 80, 24).contains("SUPERSEDED"));
    type_into(&mut app, &mut io, "Licence granted");
    drive(&mut app, &mut io, Action::Next);

    let all = records(&history);
    assert_eq!(all.len(), 4);
    assert_eq!(all[0].hash, original.hash, "the original is untouched");
    let rescreen = &all[2].record;
    assert_eq!(rescreen.kind, RecordKind::Rescreen);
    assert_eq!(
        rescreen.supersedes.as_deref(),
        Some(original.record.id.as_str())
    );
    assert_eq!(rescreen.reason.as_deref(), Some("re-screen"));
    let overridden = &all[3].record;
    assert_eq!(overridden.kind, RecordKind::Override);
    assert_eq!(
        overridden.supersedes.as_deref(),
        Some(rescreen.id.as_str()),
        "the case's current record, not the original"
    );
    assert_eq!(overridden.reason.as_deref(), Some("Licence granted"));
    assert!(overridden.override_outcome.is_some());
    assert_eq!(
        overridden.screening.details.officer, "Settings Officer",
        "filed under the officer who decided it"
    );
    assert_eq!(overridden.identity, identity(), "and who saved it");
    drive_all(&mut app, &mut io, [Action::Back, Action::Back]);
    assert_eq!(references(&app), ["PO-2025-0117", "PO-0002"], "the cases");
    drive(
        &mut app,
        &mut io,
        Action::HistoryCommand(HistoryCommand::AllRecords),
    );
    assert_eq!(
        references(&app),
        ["PO-2025-0117", "PO-2025-0117", "PO-0002", "PO-2025-0117"],
        "every record on a key"
    );
    let screen = render(&mut app, 80, 24);
    assert!(screen.contains("Every record (* current)"), "{screen}");
    assert_eq!(screen.matches("* 2025-").count(), 2, "{screen}");
    assert!(screen.contains("4 records"), "{screen}");
    assert!(history.verify().expect("verify").intact());
}

#[test]
fn impact_lists_what_the_rules_change_opens_a_case_and_saves_every_rescreen() {
    let (mut app, _dir, history, mut io) = all_cases();
    drive(
        &mut app,
        &mut io,
        Action::HistoryCommand(HistoryCommand::Impact),
    );
    assert_eq!(app.context(), Context::HistoryImpact);
    let impact = |app: &App| {
        let view = app.history.as_ref().expect("open");
        let impact = view.impact.as_ref().expect("impact open");
        impact
            .result
            .clone()
            .expect("worked out")
            .expect("no error")
    };
    assert_eq!(impact(&app).cases, 5);
    assert!(
        impact(&app).changed.is_empty(),
        "the same rules on the same dates change nothing"
    );
    assert!(render(&mut app, 80, 24).contains("No case changes"));
    // Past No. 70's suspension the suspended clauses apply as written.
    drive(
        &mut app,
        &mut io,
        Action::HistoryCommand(HistoryCommand::OnDate),
    );
    assert_eq!(app.context(), Context::HistoryImpactDate);
    type_into(&mut app, &mut io, "2026-12-01");
    drive(&mut app, &mut io, Action::Next);
    let date = "2026-12-01".parse().expect("date");
    let parties = ree_screen::parties::Screener::new(
        ree_screen::parties::PartyLists::embedded().expect("party lists"),
    );
    let expected =
        history::impact(&history, &app.rules, Some(date), Some(&parties)).expect("impact");
    assert!(!expected.changed.is_empty());
    assert_eq!(impact(&app), expected);
    redacted(|| {
        insta::assert_snapshot!("history_impact_80x24", render(&mut app, 80, 24));
        insta::assert_snapshot!("history_impact_120x40", render(&mut app, 120, 40));
    });
    // A case opens beside its re-screen; Esc goes back to the record, then to the impact.
    drive(&mut app, &mut io, Action::Next);
    assert_eq!(app.context(), Context::HistoryDiff);
    assert_eq!(app.screen_title(), "History - Re-screen on 2026-12-01");
    drive_all(&mut app, &mut io, [Action::Back, Action::Back]);
    assert_eq!(app.context(), Context::HistoryImpact);
    // Saving every re-screen asks first.
    assert!(drive(&mut app, &mut io, Action::Save).is_empty());
    assert_eq!(app.overlay, Some(Overlay::Confirm(Pending::SaveImpact)));
    assert!(render(&mut app, 80, 24).contains(&format!(
        "Save {} re-screen(s) as new records",
        expected.changed.len()
    )));
    drive(&mut app, &mut io, Action::Yes);
    let view = app.history.as_ref().expect("open");
    let saved = &view.impact.as_ref().expect("impact").saved;
    assert_eq!(*saved, SaveState::Saved(expected.changed.len().to_string()));
    let all = records(&history);
    assert_eq!(all.len(), CASES.len() + expected.changed.len());
    for (stored, case) in all[CASES.len()..].iter().zip(&expected.changed) {
        assert_eq!(stored.record.kind, RecordKind::Rescreen);
        assert_eq!(stored.record.supersedes.as_deref(), Some(case.id.as_str()));
        assert_eq!(stored.record.screening.determination.date, date);
        assert!(
            stored
                .record
                .reason
                .as_deref()
                .is_some_and(|r| r.starts_with("impact of rule set")),
            "{:?}",
            stored.record.reason
        );
    }
    assert_eq!(
        references(&app).len(),
        CASES.len(),
        "each case once: its re-screen is its current record now"
    );
    drive(&mut app, &mut io, Action::Save);
    assert!(
        app.notice
            .as_deref()
            .is_some_and(|n| n.starts_with("Already saved")),
        "{:?}",
        app.notice
    );
    assert!(history.verify().expect("verify").intact());
}

#[test]
fn an_override_from_a_record_another_session_moved_on_is_refused_and_offers_the_current() {
    let mut app = with_officer(app());
    let (_dir, history) = saved_history(&app, &CASES[..1]);
    let mut io = opened(&mut app, &history);
    drive(&mut app, &mut io, Action::Next);
    // Meanwhile another officer overrides the same record.
    let original = records(&history).remove(0);
    let theirs = history
        .append(
            &[NewRecord {
                screening: &original.record.screening,
                kind: RecordKind::Override,
                supersedes: Some(original.record.id.clone()),
                reason: Some("Licence held".into()),
                override_outcome: Some(Outcome::LicenseRequired),
                licence: None,
                approval: None,
            }],
            &identity(),
        )
        .expect("their override")
        .remove(0);
    drive_all(
        &mut app,
        &mut io,
        [
            Action::HistoryCommand(HistoryCommand::Override),
            Action::Up,
            Action::NextField,
        ],
    );
    type_into(&mut app, &mut io, "Mine");
    drive(&mut app, &mut io, Action::Next);
    let screen = render(&mut app, 80, 24);
    assert!(
        screen.contains(
            "Not saved: the case changed meanwhile; Esc, then g opens its current record"
        ),
        "{screen}"
    );
    assert_eq!(records(&history).len(), 2, "nothing of mine saved");
    drive(&mut app, &mut io, Action::Back);
    assert!(render(&mut app, 80, 24).contains("SUPERSEDED"));
    drive(
        &mut app,
        &mut io,
        Action::HistoryCommand(HistoryCommand::OpenCurrent),
    );
    let Some(Screen::Detail(detail)) = app.history.as_ref().map(|v| &v.screen) else {
        panic!("detail open")
    };
    let Some(Ok(stored)) = &detail.stored else {
        panic!("read")
    };
    assert_eq!(stored.record.id, theirs.id);
    assert_eq!(stored.current, None);
}

/// The impact view on `date`, worked out.
fn impact_on(app: &mut App, io: &mut HistoryIo, date: &str) {
    drive(app, io, Action::HistoryCommand(HistoryCommand::Impact));
    drive(app, io, Action::HistoryCommand(HistoryCommand::OnDate));
    type_into(app, io, date);
    drive(app, io, Action::Next);
}

#[test]
fn the_views_impact_save_refuses_a_case_moved_on_and_leaves_overrides_standing() {
    let (mut app, _dir, history, mut io) = all_cases();
    let date = "2026-12-01".parse().expect("date");
    let before = history::impact(&history, &app.rules, Some(date), None).expect("impact");
    let case = before.changed.first().expect("a case changes");
    impact_on(&mut app, &mut io, "2026-12-01");
    // Meanwhile another session's officer overrides that case, keeping its outcome: the
    // save shown would replace the override, so it is refused whole.
    let stored = history.find(&case.id).expect("find").expect("record");
    let overridden = history
        .append(
            &[NewRecord {
                screening: &stored.record.screening,
                kind: RecordKind::Override,
                supersedes: Some(case.id.clone()),
                reason: Some("Licence held".into()),
                override_outcome: Some(case.outcome_before),
                licence: None,
                approval: None,
            }],
            &identity(),
        )
        .expect("override")
        .remove(0);
    let count = records(&history).len();
    drive_all(&mut app, &mut io, [Action::Save, Action::Yes]);
    let shown = app
        .history
        .as_ref()
        .and_then(|v| v.impact.as_ref())
        .expect("impact");
    let SaveState::Failed(message) = &shown.saved else {
        panic!("refused: {:?}", shown.saved)
    };
    assert_eq!(
        message,
        "Not saved: a case changed meanwhile; Esc, then i works the impact out again"
    );
    assert!(
        records(&history)
            .iter()
            .all(|s| s.record.supersedes.as_deref() != Some(overridden.id.as_str())),
        "the override stands"
    );
    assert_eq!(records(&history).len(), count, "nothing saved");
    // Worked out again, the override stands apart and `s` leaves it.
    drive(&mut app, &mut io, Action::Back);
    impact_on(&mut app, &mut io, "2026-12-01");
    let screen = render(&mut app, 80, 24);
    assert!(
        screen.contains("Cases on an officer's override (it stands; not saved)"),
        "{screen}"
    );
    drive(&mut app, &mut io, Action::Save);
    assert_eq!(app.overlay, None);
    assert!(
        app.notice
            .as_deref()
            .is_some_and(|n| n.contains("stands on an officer's override")),
        "{:?}",
        app.notice
    );
    assert_eq!(records(&history).len(), count, "nothing saved");
    assert!(history.verify().expect("verify").intact());
}

#[test]
fn every_history_screen_keeps_what_matters_in_the_smallest_terminal() {
    let small = |app: &mut App| render(app, 60, 16);
    let app = with_officer(app());
    let stored = fixed_record(&app, &CASES[3], Some(Outcome::CaseByCase));
    let mut app = at_detail(app, &stored);
    let screen = small(&mut app);
    assert!(screen.contains("OFFICER OVERRIDE: [ ?]"), "{screen}");
    apply(&mut app, [Action::HistoryCommand(HistoryCommand::OnDate)]);
    let screen = small(&mut app);
    assert!(
        screen.contains(&format!("Date (YYYY-MM-DD): {}", tui_support::TODAY)),
        "{screen}"
    );
    apply(
        &mut app,
        [
            Action::Back,
            Action::HistoryCommand(HistoryCommand::Override),
        ],
    );
    let screen = small(&mut app);
    for shown in [
        "[XX] Export prohibited",
        "Reason (required):",
        "Officer (required): Settings Officer",
    ] {
        assert!(screen.contains(shown), "{shown}:\n{screen}");
    }
    apply(&mut app, [Action::Next]);
    assert!(
        small(&mut app).contains("A reason is required"),
        "the problem shows beside the field"
    );
    redacted(|| insta::assert_snapshot!("history_override_60x16", small(&mut app)));
    apply(&mut app, [Action::Back, Action::Back]);
    apply(&mut app, [Action::HistoryCommand(HistoryCommand::Filter)]);
    apply(&mut app, [Action::NextField]);
    type_text(&mut app, "2025-10-05");
    let screen = small(&mut app);
    assert!(screen.contains("Since: 2025-10-05"), "{screen}");
}

#[test]
fn a_reload_searches_the_records_read_again_afresh() {
    let (mut app, _dir, history, mut io) = all_cases();
    drive(
        &mut app,
        &mut io,
        Action::HistoryCommand(HistoryCommand::Filter),
    );
    type_into(&mut app, &mut io, "kenya");
    assert_eq!(references(&app), ["ACME-REPAIR"]);
    // Saved elsewhere meanwhile: a record with answers not seen before, now the newest.
    let newer = Case {
        answers: &[("stage", "mining"), ("destination", "JP")],
        date: "2025-10-16",
        reference: "PO-NEW",
        counterparty: "Tokyo Magnets KK",
    };
    history
        .append(
            &[NewRecord::screening(&screening(&app, &newer))],
            &identity(),
        )
        .expect("append");
    drive(&mut app, &mut io, Action::History);
    assert_eq!(
        references(&app),
        ["ACME-REPAIR"],
        "by the answers read again"
    );
    assert_eq!(app.history.as_ref().expect("open").rows.len(), 6);
}

#[test]
fn a_case_rescreened_from_the_impact_view_leaves_its_list() {
    let (mut app, _dir, history, mut io) = all_cases();
    drive_all(
        &mut app,
        &mut io,
        [
            Action::HistoryCommand(HistoryCommand::Impact),
            Action::HistoryCommand(HistoryCommand::OnDate),
        ],
    );
    type_into(&mut app, &mut io, "2026-12-01");
    drive_all(
        &mut app,
        &mut io,
        [Action::Next, Action::Next, Action::Save],
    );
    assert_eq!(app.context(), Context::HistoryDiff);
    drive_all(&mut app, &mut io, [Action::Back, Action::Back]);
    assert_eq!(app.context(), Context::HistoryImpact);
    let view = app.history.as_ref().expect("open");
    assert!(view.impact.as_ref().expect("impact").changed().is_empty());
    drive(&mut app, &mut io, Action::Save);
    assert_eq!(app.overlay, None, "nothing left to save, nothing asked");
    assert_eq!(
        app.notice.as_deref(),
        Some("No case changes: nothing to save")
    );
    let all = records(&history);
    assert_eq!(all.len(), CASES.len() + 1);
    assert_eq!(all[CASES.len()].record.kind, RecordKind::Rescreen);
}

#[test]
fn a_record_starts_a_new_screening_that_says_where_it_was_copied_from() {
    let app = with_officer(app());
    let stored = fixed_record(&app, &CASES[0], None);
    let mut app = at_detail(app, &stored);
    let screen = render(&mut app, 80, 24);
    apply(&mut app, [Action::Help]);
    let help = render(&mut app, 80, 24);
    assert!(help.contains("New screening from this one"), "{help}");
    apply(&mut app, [Action::CloseOverlay]);
    apply(&mut app, [Action::CopyScreening]);
    assert!(app.history.is_none(), "back in the form: {screen}");
    assert_eq!(app.step, Step::Review);
    assert_eq!(
        app.field(ree_screen::screening::Field::Reference).value(),
        CASES[0].reference
    );
    assert_eq!(
        app.field(ree_screen::screening::Field::Officer).value(),
        "Settings Officer"
    );
    assert_eq!(
        app.field(ree_screen::screening::Field::Date).value(),
        tui_support::TODAY
    );
    for (question, option) in CASES[0].answers {
        assert_eq!(app.answers.get(question), Some(*option), "{question}");
    }
    let review = render(&mut app, 80, 24);
    assert!(review.contains("A new screening from record"), "{review}");
    apply(&mut app, [Action::Next]);
    let decision = app.decision.as_ref().expect("screened");
    assert_eq!(decision.screening.details.copied_from, stored.record.id);
}

#[test]
fn a_filter_date_typed_day_first_is_applied_and_shown_as_iso() {
    let (mut app, _dir, mut io) = at_since();
    type_into(&mut app, &mut io, "05.10.2025");
    drive(&mut app, &mut io, Action::Next);
    assert_eq!(
        app.context(),
        Context::HistoryList,
        "a valid date: Enter leaves"
    );
    let view = app.history.as_ref().expect("open");
    assert_eq!(view.fields[1].value(), "2025-10-05");
    let expected = CASES.iter().filter(|c| c.date >= "2025-10-05").count();
    assert_eq!(references(&app).len(), expected);
}

/// A licence recorded about a case shows under the case's determination, its expiry
/// warned of; the licence record is not a case of the list.
#[test]
fn a_licence_held_shows_under_the_determination_with_its_expiry() {
    let mut app = app();
    let (_dir, history) = saved_history(&app, &CASES[..1]);
    let case = records(&history).remove(0);
    let licence = history::Licence {
        number: "LIC-2025-881".into(),
        kind: history::LicenceKind::DualUse,
        authority: "MOFCOM".into(),
        valid_from: Some("2025-10-21".parse().expect("date")),
        valid_until: Some("2025-11-01".parse().expect("date")),
        quantity: "200 kg".into(),
        refused: false,
        note: String::new(),
    };
    history
        .append(
            &[NewRecord {
                screening: &case.record.screening,
                kind: RecordKind::Licence,
                supersedes: None,
                reason: None,
                override_outcome: None,
                licence: Some((case.record.id.clone(), licence)),
                approval: None,
            }],
            &identity(),
        )
        .expect("licence");
    let mut io = opened(&mut app, &history);
    assert_eq!(references(&app), ["PO-2025-0117"], "one case, not two");
    drive(&mut app, &mut io, Action::Next);
    let screen = render(&mut app, 80, 24);
    assert!(
        screen.contains("Licence held: No. LIC-2025-881 (dual-use export licence, MOFCOM),"),
        "{screen}"
    );
    assert!(
        screen.contains("LICENCE: EXPIRED: the licence's last valid day was 2025-11-01"),
        "{screen}"
    );
    redacted(|| {
        insta::assert_snapshot!("history_detail_licence_80x24", render(&mut app, 80, 24));
        insta::assert_snapshot!("history_detail_licence_60x20", render(&mut app, 60, 20));
    });
}

/// The licence key on a case opens the licence form; a problem shows under its field and
/// holds Enter; once saved the record shows the licence held, read again.
#[test]
fn a_licence_is_recorded_from_the_view_and_shows_on_the_case() {
    let mut app = app();
    let (_dir, history) = saved_history(&app, &CASES[1..2]);
    let mut io = opened(&mut app, &history);
    drive_all(
        &mut app,
        &mut io,
        [
            Action::Next,
            Action::HistoryCommand(HistoryCommand::Licence),
        ],
    );
    assert_eq!(app.context(), Context::HistoryLicence);
    redacted(|| {
        insta::assert_snapshot!("history_licence_form_80x24", render(&mut app, 80, 24));
        insta::assert_snapshot!("history_licence_form_60x20", render(&mut app, 60, 20));
    });
    // No number, then a date that does not parse: each stops the save under its field.
    drive(&mut app, &mut io, Action::Next);
    assert!(render(&mut app, 80, 24).contains("! a licence number is required"));
    type_into(&mut app, &mut io, "LIC-7");
    drive_all(
        &mut app,
        &mut io,
        [Action::NextField, Action::Edit(Edit::Clear)],
    );
    type_into(&mut app, &mut io, "3");
    drive(&mut app, &mut io, Action::NextField);
    type_into(&mut app, &mut io, "31/12/2027");
    drive(&mut app, &mut io, Action::Next);
    let screen = render(&mut app, 80, 24);
    assert!(screen.contains("> Valid until:"), "{screen}");
    assert_eq!(records(&history).len(), 1, "nothing saved yet");
    drive(&mut app, &mut io, Action::Edit(Edit::Clear));
    type_into(&mut app, &mut io, "31.12.2099");
    drive(&mut app, &mut io, Action::Next);

    let all = records(&history);
    assert_eq!(all.len(), 2);
    let licence = all[1].record.licence.as_ref().expect("a licence record");
    assert_eq!(licence.about, all[0].record.id);
    assert_eq!(licence.licence.number, "LIC-7");
    assert_eq!(licence.licence.kind, history::LicenceKind::General);
    assert_eq!(all[1].record.supersedes, None, "it supersedes nothing");
    assert_eq!(app.context(), Context::HistoryDetail);
    let screen = render(&mut app, 80, 24);
    assert!(
        screen.contains("Licence held: No. LIC-7 (general licence (通用许可)), valid until"),
        "{screen}"
    );
    assert!(screen.contains("Licence saved as"), "{screen}");
}

/// Under a team policy requiring approval, a record that needs a licence shows as pending;
/// another user approves it from the view with a reason (A), after which it shows who did;
/// the user who saved a record cannot (R on one they saved is refused with why).
#[test]
fn a_second_officer_approves_from_the_view_and_the_saver_cannot() {
    use std::os::unix::fs::PermissionsExt;
    let mut app = app();
    let dir = tempfile::tempdir().expect("tempdir");
    let policy = dir.path().join("team.toml");
    std::fs::write(&policy, "approval = \"required\"\n").expect("policy");
    std::fs::set_permissions(&policy, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let history = History::with_rules(dir.path(), Arc::new(app.rules.clone()))
        .with_index_dir(dir.path().join("cache"))
        .with_state_dir(dir.path().join("state"));
    // CASES[2]: licence-required or worse; saved by another user than the view's.
    let theirs = Identity {
        uid: 2000,
        user: "kmeier".into(),
        ssh_client: None,
    };
    let other = screening(&app, &CASES[2]);
    history
        .append(&[NewRecord::screening(&other)], &theirs)
        .expect("theirs");
    let mine = screening(&app, &CASES[0]);
    history
        .append(&[NewRecord::screening(&mine)], &identity())
        .expect("mine");
    let mut io = opened(&mut app, &history);
    assert_eq!(references(&app), ["PO-2025-0117", "PO-0003"]);
    // Mine first (newest): the policy holds it, but I cannot decide on it.
    drive(&mut app, &mut io, Action::Next);
    let screen = render(&mut app, 80, 24);
    assert!(screen.contains("PENDING APPROVAL"), "{screen}");
    drive(
        &mut app,
        &mut io,
        Action::HistoryCommand(HistoryCommand::Decide(history::Verdict::Rejected)),
    );
    type_into(&mut app, &mut io, "mine");
    drive(&mut app, &mut io, Action::Next);
    let screen = render(&mut app, 80, 24);
    assert!(screen.contains("was saved by you"), "{screen}");
    drive_all(
        &mut app,
        &mut io,
        [Action::Back, Action::Back, Action::Down, Action::Next],
    );
    drive(
        &mut app,
        &mut io,
        Action::HistoryCommand(HistoryCommand::Decide(history::Verdict::Approved)),
    );
    assert_eq!(app.context(), Context::HistoryDecide);
    redacted(|| {
        insta::assert_snapshot!("history_approve_80x24", render(&mut app, 80, 24));
        insta::assert_snapshot!("history_approve_60x20", render(&mut app, 60, 20));
    });
    drive(&mut app, &mut io, Action::Next);
    assert!(render(&mut app, 80, 24).contains("! A reason is required"));
    type_into(&mut app, &mut io, "End use checked");
    drive(&mut app, &mut io, Action::Next);
    let screen = render(&mut app, 80, 24);
    assert!(screen.contains("Approval saved as"), "{screen}");
    let all = records(&history);
    assert_eq!(all.len(), 3);
    let decision = &all[2].record;
    assert_eq!(
        decision.approval,
        Some((all[0].record.id.clone(), history::Verdict::Approved))
    );
    assert_eq!(decision.identity.uid, 1000, "filed under the approver");
    let screen = render(&mut app, 120, 60);
    assert!(
        screen.contains("Approval: Approved by jroe (uid 1000): End use checked"),
        "{screen}"
    );
}

/// `e` on the list exports what it shows: the dialog offers a name in the current
/// directory that follows the format; the file holds the filtered cases only, with the
/// licence and approval columns; an existing file is never replaced.
#[test]
fn the_list_exports_what_it_shows_to_a_file_named_in_a_dialog() {
    let (mut app, dir, mut io) = all_cases_open();
    drive(
        &mut app,
        &mut io,
        Action::HistoryCommand(HistoryCommand::Filter),
    );
    type_into(&mut app, &mut io, "acme");
    drive_all(
        &mut app,
        &mut io,
        [Action::Next, Action::HistoryCommand(HistoryCommand::Export)],
    );
    assert_eq!(app.context(), Context::HistoryExport);
    insta::assert_snapshot!("history_export_80x24", render(&mut app, 80, 24));
    insta::assert_snapshot!("history_export_60x20", render(&mut app, 60, 20));
    // The offered name follows the format: 2 is plain CSV.
    drive(&mut app, &mut io, Action::Edit(Edit::Clear));
    type_into(&mut app, &mut io, "2");
    drive(&mut app, &mut io, Action::NextField);
    assert!(render(&mut app, 80, 24).contains("File:         ree-screen-history-2025-10-20.csv"));
    drive(&mut app, &mut io, Action::Edit(Edit::Clear));
    let path = dir.path().join("acme.csv");
    type_into(&mut app, &mut io, path.to_str().expect("path"));
    drive(&mut app, &mut io, Action::Next);
    assert!(
        app.notice
            .as_deref()
            .is_some_and(|n| n.starts_with("Exported 2 record(s) to ")),
        "{:?}",
        app.notice
    );
    assert_eq!(app.context(), Context::HistoryList);
    let csv = std::fs::read_to_string(&path).expect("export");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().expect("header").clone();
    for column in ["licence_kind", "licence_state", "approval", "answers"] {
        assert!(header.iter().any(|h| h == column), "{column}: {header:?}");
    }
    let references: Vec<String> = reader
        .records()
        .map(|r| r.expect("row")[header.iter().position(|h| h == "reference").unwrap()].to_string())
        .collect();
    assert_eq!(references, ["PO-0002", "ACME-REPAIR"], "{csv}");
    // Again to the same file: refused, the file kept.
    drive(
        &mut app,
        &mut io,
        Action::HistoryCommand(HistoryCommand::Export),
    );
    drive_all(
        &mut app,
        &mut io,
        [Action::NextField, Action::Edit(Edit::Clear)],
    );
    type_into(&mut app, &mut io, path.to_str().expect("path"));
    drive(&mut app, &mut io, Action::Next);
    assert!(render(&mut app, 120, 40).contains("exists; give another name"));
    assert_eq!(std::fs::read_to_string(&path).expect("kept"), csv);
}
