//! The history view: snapshots of its screens, `update` behaviour with plain values (filter
//! semantics, navigation, Esc back to the form, the override's required reason), and a real
//! history in a temporary directory driven through the runtime's effect handler.

mod tui_support;

use std::io::Write;

use ree_screen::engine::Answers;
use ree_screen::history::{History, NewRecord, Record, RecordKind, Summary};
use ree_screen::rules::Outcome;
use ree_screen::screening::{Details, Screening};
use ree_screen::tui::action::{Action, Edit, HistoryCommand, HistoryEvent};
use ree_screen::tui::app::{App, SaveState, Step};
use ree_screen::tui::history_io::HistoryIo;
use ree_screen::tui::history_view::{Chunk, FIRST_PAGE, HistoryEffect, Pane, Screen, StoredRecord};
use ree_screen::tui::keys::Context;
use ree_screen::tui::update::{Effect, update};
use tui_support::{answer, app, apply, render, type_text};

/// One screening to save: answers, date and record fields.
struct Case {
    answers: [&'static str; 3],
    date: &'static str,
    reference: &'static str,
    counterparty: &'static str,
    destination: &'static str,
}

const CASES: [Case; 5] = [
    Case {
        answers: ["magnet_manufacturing", "china", "civil"],
        date: "2025-10-01",
        reference: "PO-2025-0117",
        counterparty: "深圳稀土有限公司",
        destination: "Germany",
    },
    Case {
        answers: ["none", "no_chinese_nexus", "civil"],
        date: "2025-10-05",
        reference: "PO-0002",
        counterparty: "Acme GmbH",
        destination: "France",
    },
    Case {
        answers: ["mining", "unknown", "military_user"],
        date: "2025-10-09",
        reference: "PO-0003",
        counterparty: "Defence Corp",
        destination: "USA",
    },
    Case {
        answers: ["smelting_separation", "foreign_chinese_content", "unknown"],
        date: "2025-10-12",
        reference: "PO-0004",
        counterparty: "Tokyo Magnets KK",
        destination: "Japan",
    },
    Case {
        answers: ["none", "no_chinese_nexus", "humanitarian"],
        date: "2025-10-15",
        reference: "ACME-REPAIR",
        counterparty: "Acme Medical",
        destination: "Kenya",
    },
];

fn screening(app: &App, case: &Case) -> Screening {
    let [stage, origin, recipient] = case.answers;
    Screening::run(
        &app.rules,
        &Answers::new(stage, origin, recipient),
        case.date.parse().expect("date"),
        Details {
            reference: case.reference.into(),
            counterparty: case.counterparty.into(),
            destination: case.destination.into(),
            officer: "A. Officer".into(),
            notes: String::new(),
        },
    )
}

/// A history in a temporary directory with `cases` saved in order (the last is newest).
fn saved_history(app: &App, cases: &[Case]) -> (tempfile::TempDir, History) {
    let dir = tempfile::tempdir().expect("tempdir");
    let history = History::new(dir.path());
    let screenings: Vec<Screening> = cases.iter().map(|c| screening(app, c)).collect();
    let new: Vec<NewRecord> = screenings.iter().map(NewRecord::screening).collect();
    if !new.is_empty() {
        history.append(&new).expect("append");
    }
    (dir, history)
}

/// Apply an action the way the runtime does: effects go to the history handler, their
/// results come back as actions, and the rest of the file loads while nothing else waits.
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

fn opened(app: &mut App, history: &History) -> HistoryIo {
    let mut io = HistoryIo::new(Ok(history.clone()));
    drive(app, &mut io, Action::History);
    io
}

/// The history view open on a history of every case.
fn all_cases_open() -> (App, tempfile::TempDir, HistoryIo) {
    let mut app = app();
    let (dir, history) = saved_history(&app, &CASES);
    let io = opened(&mut app, &history);
    (app, dir, io)
}

fn references(app: &App) -> Vec<String> {
    let view = app.history.as_ref().expect("history open");
    view.matches
        .iter()
        .map(|i| view.summaries[*i].details.reference.clone())
        .collect()
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
    insta::assert_snapshot!("history_filtered_80x24", render(&mut app, 80, 24));
    insta::assert_snapshot!("history_filtered_120x40", render(&mut app, 120, 40));
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
        .append(&[NewRecord::screening(&third)])
        .expect("append after garbage");
    let _io = opened(&mut app, &history);
    let view = app.history.as_ref().expect("open");
    assert_eq!(view.summaries.len(), 3, "every good record is listed");
    assert_eq!(view.skipped_line_numbers(), Some(vec![3]));
    insta::assert_snapshot!("history_skipped_80x24", render(&mut app, 80, 24));
}

#[test]
fn empty_history() {
    let mut app = app();
    let dir = tempfile::tempdir().expect("tempdir");
    let _io = opened(&mut app, &History::new(dir.path().join("none-yet")));
    insta::assert_snapshot!("history_empty_80x24", render(&mut app, 80, 24));
}

/// A stored record with a fixed id, time and hash, so its detail snapshots the same each run.
fn fixed_record(app: &App) -> StoredRecord {
    StoredRecord {
        record: Record {
            schema: 1,
            id: "20251020T090000Z-0badcafe".into(),
            saved_at: "2025-10-20T09:00:00Z".parse().expect("timestamp"),
            program_version: "0.1.0".into(),
            kind: RecordKind::Screening,
            supersedes: None,
            reason: None,
            override_outcome: None,
            screening: screening(app, &CASES[0]),
            prev: ree_screen::history::GENESIS.into(),
        },
        hash: "ab".repeat(32),
    }
}

/// The history view showing `stored` as its only record, opened into the detail.
fn at_detail(stored: &StoredRecord) -> App {
    let mut app = app();
    apply(&mut app, [Action::History]);
    let chunk = Chunk {
        summaries: vec![Summary::from_record(0, &stored.record)],
        skipped: Vec::new(),
        lines: 1,
        complete: true,
    };
    apply(
        &mut app,
        [Action::HistoryEvent(HistoryEvent::Opened(Ok(chunk)))],
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
fn detail_shows_the_record_as_stored() {
    let app = app();
    let stored = fixed_record(&app);
    let mut app = at_detail(&stored);
    assert_eq!(app.context(), Context::HistoryDetail);
    insta::assert_snapshot!("history_detail_80x24", render(&mut app, 80, 24));
    insta::assert_snapshot!("history_detail_120x40", render(&mut app, 120, 40));
    apply(&mut app, [Action::PageDown, Action::PageDown]);
    insta::assert_snapshot!("history_detail_page3_80x24", render(&mut app, 80, 24));
}

#[test]
fn rescreen_shows_then_and_now_side_by_side() {
    let app = app();
    let stored = fixed_record(&app);
    let mut app = at_detail(&stored);
    apply(&mut app, [Action::HistoryCommand(HistoryCommand::Rescreen)]);
    assert_eq!(app.context(), Context::HistoryDiff);
    insta::assert_snapshot!("history_rescreen_80x24", render(&mut app, 80, 24));
    let effects = apply(&mut app, [Action::Save]);
    match effects.as_slice() {
        [Effect::History(HistoryEffect::Save(request))] => {
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
        [Action::HistoryEvent(HistoryEvent::Saved(Err(
            "not saved: the disk is full".into(),
        )))],
    );
    assert!(render(&mut app, 80, 24).contains("not saved: the disk is full - try again"));
    assert!(matches!(
        apply(&mut app, [Action::Save]).as_slice(),
        [Effect::History(HistoryEffect::Save(_))]
    ));
}

#[test]
fn rescreen_on_a_typed_date_validates_it() {
    let app = app();
    let stored = fixed_record(&app);
    let mut app = at_detail(&stored);
    apply(
        &mut app,
        [
            Action::HistoryCommand(HistoryCommand::RescreenOn),
            Action::Edit(Edit::Clear),
        ],
    );
    assert_eq!(app.context(), Context::HistoryDate);
    type_text(&mut app, "2025-02-30");
    apply(&mut app, [Action::Next]);
    assert_eq!(app.context(), Context::HistoryDate, "an invalid date stays");
    assert!(render(&mut app, 80, 24).contains("2025-02-30 is not a real calendar date"));
    apply(&mut app, [Action::Edit(Edit::Clear)]);
    type_text(&mut app, "2025-10-09");
    apply(&mut app, [Action::Next]);
    assert_eq!(app.context(), Context::HistoryDiff);
    assert_eq!(app.screen_title(), "History - Re-screen on 2025-10-09");
}

#[test]
fn override_needs_a_reason_and_another_outcome() {
    let app = app();
    let stored = fixed_record(&app);
    let mut app = at_detail(&stored);
    apply(&mut app, [Action::HistoryCommand(HistoryCommand::Override)]);
    assert_eq!(app.context(), Context::HistoryOverride);
    apply(&mut app, [Action::Up]);
    assert_eq!(apply(&mut app, [Action::Next]), [], "no reason, no save");
    insta::assert_snapshot!("history_override_no_reason_80x24", render(&mut app, 80, 24));
    type_text(&mut app, "Licence LIC-2025-881 granted");
    apply(&mut app, [Action::Down]);
    assert_eq!(
        apply(&mut app, [Action::Next]),
        [],
        "the outcome that already stands is no override"
    );
    assert!(render(&mut app, 80, 24).contains("already stands"));
    apply(&mut app, [Action::Up, Action::Up]);
    match apply(&mut app, [Action::Next]).as_slice() {
        [Effect::History(HistoryEffect::Save(request))] => {
            assert_eq!(request.kind, RecordKind::Override);
            assert_eq!(request.reason, "Licence LIC-2025-881 granted");
            assert_eq!(request.supersedes, stored.record.id);
            assert_eq!(request.override_outcome, Some(Outcome::CaseByCase));
            assert_eq!(request.screening, stored.record.screening);
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
    // Every word must appear, in any field, in any case.
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
    type_into(&mut app, &mut io, "2025-10-12");
    assert_eq!(references(&app), ["PO-0004", "PO-0003", "PO-0002"]);
    drive(&mut app, &mut io, Action::Next);
    assert_eq!(app.context(), Context::HistoryList);
    // The outcome filter cycles through the six outcomes and back to all.
    drive(
        &mut app,
        &mut io,
        Action::HistoryCommand(HistoryCommand::CycleOutcome),
    );
    let view = app.history.as_ref().expect("open");
    assert_eq!(view.query.outcome, Some(Outcome::NoLicenseRequired));
    assert_eq!(references(&app), ["PO-0004", "PO-0002"]);
    drive_all(
        &mut app,
        &mut io,
        (0..6).map(|_| Action::HistoryCommand(HistoryCommand::CycleOutcome)),
    );
    assert_eq!(app.history.as_ref().expect("open").query.outcome, None);
    drive(
        &mut app,
        &mut io,
        Action::HistoryCommand(HistoryCommand::ClearFilter),
    );
    assert_eq!(references(&app).len(), 5);
}

#[test]
fn an_invalid_filter_date_is_reported_and_holds_enter() {
    let (mut app, _dir, mut io) = all_cases_open();
    drive_all(
        &mut app,
        &mut io,
        [
            Action::HistoryCommand(HistoryCommand::Filter),
            Action::NextField,
        ],
    );
    type_into(&mut app, &mut io, "2025-13-01");
    drive(&mut app, &mut io, Action::Next);
    let view = app.history.as_ref().expect("open");
    assert_eq!(app.context(), Context::HistoryFilter, "Enter stays");
    assert_eq!(view.filter_focus, 1);
    assert!(view.filter_errors[1].is_some());
    assert_eq!(references(&app).len(), 5, "the bad date is not applied");
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
            .and_then(|v| v.selected_summary())
            .map(|s| s.details.reference.clone())
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

#[test]
fn esc_returns_to_the_form_with_everything_kept() {
    let mut app = app();
    answer(&mut app, [7, 1, 2]);
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
    assert_eq!(app.inputs[1].value(), "PO-77");
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
fn large_history_loads_a_first_page_then_the_rest_in_chunks() {
    let mut app = app();
    let dir = tempfile::tempdir().expect("tempdir");
    let history = History::new(dir.path());
    let one = screening(&app, &CASES[1]);
    let new: Vec<NewRecord> = (0..FIRST_PAGE + 50)
        .map(|_| NewRecord::screening(&one))
        .collect();
    history.append(&new).expect("append");
    let mut io = HistoryIo::new(Ok(history.clone()));
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
    assert_eq!(
        app.history.as_ref().expect("open").summaries.len(),
        FIRST_PAGE
    );
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
    assert_eq!(view.summaries.len(), FIRST_PAGE + 50);
    assert!(view.complete);
}

#[test]
fn real_history_rescreen_and_override_append_new_records() {
    let mut app = app();
    let (_dir, history) = saved_history(&app, &CASES[..2]);
    let mut io = opened(&mut app, &history);
    drive_all(&mut app, &mut io, [Action::Bottom, Action::Next]);
    let original = history.scan().expect("scan").records[0].clone();
    let Some(Screen::Detail(detail)) = app.history.as_ref().map(|v| &v.screen) else {
        panic!("detail open")
    };
    let stored = detail
        .stored
        .as_ref()
        .and_then(|s| s.as_ref().ok())
        .expect("record read");
    assert_eq!(stored.record, original.record, "exactly as stored");
    assert_eq!(stored.hash, original.hash);

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
        ["PO-2025-0117", "PO-0002", "PO-2025-0117"],
        "the list reloads with the new record on top"
    );

    drive_all(
        &mut app,
        &mut io,
        [
            Action::Back,
            Action::HistoryCommand(HistoryCommand::Override),
            Action::Up,
        ],
    );
    type_into(&mut app, &mut io, "Licence granted");
    drive(&mut app, &mut io, Action::Next);

    let scan = history.scan().expect("scan");
    assert_eq!(scan.records.len(), 4);
    assert_eq!(scan.records[0], original, "the original is untouched");
    let rescreen = &scan.records[2].record;
    assert_eq!(rescreen.kind, RecordKind::Rescreen);
    assert_eq!(
        rescreen.supersedes.as_deref(),
        Some(original.record.id.as_str())
    );
    assert_eq!(rescreen.reason.as_deref(), Some("re-screen"));
    let overridden = &scan.records[3].record;
    assert_eq!(overridden.kind, RecordKind::Override);
    assert_eq!(
        overridden.supersedes.as_deref(),
        Some(original.record.id.as_str())
    );
    assert_eq!(overridden.reason.as_deref(), Some("Licence granted"));
    assert!(overridden.override_outcome.is_some());
    assert!(history.verify().expect("verify").intact());
}
