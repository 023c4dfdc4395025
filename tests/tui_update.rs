//! `update` behaviour with plain values: navigation keeps answers, questions that cannot
//! matter are skipped (and can still be answered from the review), the country picker, the
//! text fields (select-all on focus, limits, validation beside the field), held keys,
//! drafts and resume, the determination's panes, saving and quitting.

mod tui_support;

use proptest::prelude::*;
use ree_screen::engine::{Answers, Determination, determine};
use ree_screen::rules::{Outcome, RuleSet};
use ree_screen::screening::{Field, applicable_answers};
use ree_screen::tui::action::{Action, Edit};
use ree_screen::tui::app::{App, Overlay, Pane, Pending, ResumeList, SaveState, Skip, Step};
use ree_screen::tui::draft::Draft;
use ree_screen::tui::update::{Effect, update};
use tui_support::{
    CIVIL, OCTOBER, OPEN_RECIPIENT, answer, app, app_on, apply, at_result, at_result_on, choose,
    set_date, type_text,
};

fn position(app: &App, question: &str) -> usize {
    app.rules.question_position(question).expect("question")
}

#[test]
fn back_and_forward_keep_answers_and_highlights() {
    let mut app = app();
    choose(&mut app, "magnet_manufacturing");
    choose(&mut app, "n61_part1");
    assert_eq!(
        app.step,
        Step::Question(position(&app, "origin")),
        "line does not apply"
    );
    apply(&mut app, [Action::Back, Action::Back]);
    assert_eq!(app.step, Step::Question(0));
    assert_eq!(app.highlight[0], 3);
    assert_eq!(app.answers.get("goods"), Some("n61_part1"));
    apply(&mut app, [Action::Next]);
    assert_eq!(
        app.highlight[position(&app, "goods")],
        1,
        "the earlier answer is highlighted"
    );
    assert!(
        update(&mut app, Action::Back).is_some(),
        "a step change keeps the draft"
    );
    assert_eq!(
        update(&mut app, Action::Back),
        None,
        "nothing before the first step"
    );
}

#[test]
fn step_changes_save_the_draft_with_answers_so_far() {
    let mut app = app();
    let effects = apply(&mut app, [Action::Jump(2), Action::Next]);
    match effects.as_slice() {
        [Effect::SaveDraft(draft)] => {
            assert_eq!(draft.answers.get("stage"), Some("smelting_separation"));
            assert_eq!(draft.answers.get("goods"), None);
        }
        other => panic!("expected one draft save, got {other:?}"),
    }
    assert!(
        apply(&mut app, [Action::Down, Action::Up]).is_empty(),
        "moving the highlight writes nothing"
    );
}

#[test]
fn digit_jump_highlights_and_rejects_missing_options() {
    let mut app = app();
    apply(&mut app, [Action::Jump(8)]);
    assert_eq!(app.highlight[0], 7);
    apply(&mut app, [Action::Jump(9)]);
    assert_eq!(app.highlight[0], 7);
    assert_eq!(
        app.notice.as_deref(),
        Some("There is no option 9: choose 1 to 8")
    );
    apply(&mut app, [Action::Down]);
    assert_eq!(
        app.highlight[0], 7,
        "the highlight stops at the last option"
    );
    assert_eq!(app.notice, None, "a notice clears on the next key");
}

#[test]
fn a_production_line_is_asked_only_for_production_line_services() {
    let mut app = app();
    choose(&mut app, "production_line");
    assert_eq!(app.step, Step::Question(position(&app, "line")));
    let mut app = tui_support::app();
    choose(&mut app, "mining");
    assert_eq!(app.skip(position(&app, "line")), Some(Skip::NotApplicable));
}

#[test]
fn no_chinese_nexus_skips_what_cannot_matter_and_the_review_says_why() {
    let mut app = app();
    let asked = answer(
        &mut app,
        &[
            ("stage", "none"),
            ("goods", "n61_part1"),
            ("origin", "no_chinese_nexus"),
        ],
    );
    assert_eq!(
        asked,
        ["stage", "goods", "origin"],
        "recipient and destination cannot matter"
    );
    for q in ["recipient", "destination"] {
        assert_eq!(
            app.skip(position(&app, q)),
            Some(Skip::NotNeeded {
                settled_by: Some(position(&app, "origin"))
            }),
            "{q}"
        );
    }
    apply(&mut app, (0..Field::ALL.len()).map(|_| Action::Next));
    assert_eq!(app.step, Step::Review);
    let screen = tui_support::render(&mut app, 100, 24);
    assert!(
        screen.contains("not needed: Material origin is No Chinese nexus, so no answer changes"),
        "{screen}"
    );
    // Stored as not asked.
    apply(&mut app, [Action::Next]);
    let answers = &app
        .decision
        .as_ref()
        .expect("screened")
        .screening
        .determination
        .answers;
    assert_eq!(answers.get("recipient"), None);
    assert_eq!(answers.get("destination"), None);
}

#[test]
fn a_question_not_needed_can_still_be_answered_from_the_review_and_then_counts() {
    let mut app = app();
    answer(
        &mut app,
        &[
            ("stage", "none"),
            ("goods", "n61_part1"),
            ("origin", "no_chinese_nexus"),
        ],
    );
    apply(&mut app, (0..Field::ALL.len()).map(|_| Action::Next));
    let recipient = position(&app, "recipient");
    apply(
        &mut app,
        [Action::Jump(u8::try_from(recipient + 1).expect("digit"))],
    );
    assert_eq!(app.step, Step::Question(recipient));
    choose(&mut app, "civil");
    assert_eq!(
        app.step,
        Step::Review,
        "changing an answer from the review returns there"
    );
    assert_eq!(app.skip(recipient), None, "answered anyway, it counts");
    apply(&mut app, [Action::Next]);
    let d = &app
        .decision
        .as_ref()
        .expect("screened")
        .screening
        .determination;
    assert_eq!(d.answers.get("recipient"), Some("civil"));
}

#[test]
fn changing_an_answer_from_the_review_returns_to_the_review() {
    let mut app = app();
    answer(&mut app, &OCTOBER);
    apply(&mut app, (0..Field::ALL.len()).map(|_| Action::Next));
    assert_eq!(app.step, Step::Review);
    let goods = position(&app, "goods");
    apply(
        &mut app,
        [Action::Jump(u8::try_from(goods + 1).expect("digit"))],
    );
    choose(&mut app, "no57_items");
    assert_eq!(app.step, Step::Review);
    assert_eq!(app.answers.get("goods"), Some("no57_items"));
    // Esc on a question reached from the review goes back there too.
    apply(
        &mut app,
        [
            Action::Jump(u8::try_from(goods + 1).expect("digit")),
            Action::Back,
        ],
    );
    assert_eq!(app.step, Step::Review);
    // A stage that brings in the production line asks it, then returns.
    apply(&mut app, [Action::Jump(1)]);
    choose(&mut app, "production_line");
    assert_eq!(app.step, Step::Question(position(&app, "line")));
    choose(&mut app, "mining");
    assert_eq!(app.step, Step::Review);
}

#[test]
fn the_country_picker_filters_by_name_or_code_and_always_offers_unknown() {
    let mut app = app();
    answer(&mut app, &OCTOBER);
    apply(&mut app, [Action::Back]);
    let dest = position(&app, "destination");
    assert_eq!(app.step, Step::Question(dest));
    assert!(app.is_picker(dest));
    let id = |app: &App, i: usize| app.rules.questions[dest].options[i].id.clone();
    type_text(&mut app, "ger");
    let found: Vec<String> = app.picker.matches.iter().map(|&i| id(&app, i)).collect();
    assert_eq!(
        found[0], "DE",
        "a name starting with the text comes first: {found:?}"
    );
    assert!(
        found.contains(&"NG".to_string()),
        "names containing it follow"
    );
    assert_eq!(found.last().map(String::as_str), Some("unknown"));
    apply(&mut app, [Action::Edit(Edit::Clear)]);
    type_text(&mut app, "zzz");
    let found: Vec<String> = app.picker.matches.iter().map(|&i| id(&app, i)).collect();
    assert_eq!(found, ["unknown"], "unknown is reachable whatever is typed");
    apply(&mut app, [Action::Edit(Edit::Clear)]);
    type_text(&mut app, "jp");
    assert_eq!(id(&app, app.highlight[dest]), "JP", "a code typed in full");
    apply(&mut app, [Action::Down]);
    assert_eq!(id(&app, app.highlight[dest]), "unknown");
    apply(&mut app, [Action::Up, Action::Next]);
    assert_eq!(app.answers.get("destination"), Some("JP"));
    assert_eq!(app.step, Step::Details);
}

/// In picker `q`, each text typed into a cleared filter highlights the option expected.
fn highlights_after_typing(app: &mut App, q: usize, cases: &[(&str, &str)]) {
    for (typed, expected) in cases {
        apply(app, [Action::Edit(Edit::Clear)]);
        type_text(app, typed);
        let highlighted = &app.rules.questions[q].options[app.highlight[q]].id;
        assert_eq!(highlighted, expected, "typing {typed:?}");
    }
}

#[test]
fn a_country_is_found_by_another_name_and_a_name_matching_nothing_keeps_the_question() {
    let mut app = app();
    answer(&mut app, &OCTOBER);
    apply(&mut app, [Action::Back]);
    let dest = position(&app, "destination");
    highlights_after_typing(
        &mut app,
        dest,
        &[
            ("Deutschland", "DE"),
            ("Allemagne", "DE"),
            ("德国", "DE"),
            ("Niemcy", "DE"),
            // Both words in one name come first (GB matches "st" in another language).
            ("united st", "US"),
            ("united k", "GB"),
        ],
    );
    apply(&mut app, [Action::Edit(Edit::Clear)]);
    type_text(&mut app, "Atlantis");
    apply(&mut app, [Action::Next]);
    assert_eq!(
        app.step,
        Step::Question(dest),
        "a name matching nothing keeps the question"
    );
    assert!(
        app.picker
            .filter
            .error()
            .is_some_and(|e| e.contains("Atlantis")),
        "{:?}",
        app.picker.filter.error()
    );
    // Only a move to it chooses "Not known yet".
    apply(&mut app, [Action::Down, Action::Next]);
    assert_eq!(app.answers.get("destination"), Some("unknown"));
}

#[test]
fn the_goods_are_picked_by_an_items_name_control_code_or_customs_code() {
    let mut app = app();
    choose(&mut app, "none");
    let goods = position(&app, "goods");
    assert_eq!(app.step, Step::Question(goods));
    assert!(
        app.is_picker(goods),
        "the catalogue's items make goods a picker"
    );
    highlights_after_typing(
        &mut app,
        goods,
        &[
            ("dysprosium oxide", "dy_oxide"),
            ("dy oxide", "dy_oxide"),
            ("1C902.a", "sm_metal"),
            ("2805301910", "sm_metal"),
            ("p507", "p507"),
            ("no18_other", "no18_other"),
        ],
    );
    apply(&mut app, [Action::Edit(Edit::Clear)]);
    type_text(&mut app, "yttrium oxide");
    apply(&mut app, [Action::Next]);
    assert_eq!(
        app.answers.get("goods"),
        Some("y_oxide"),
        "the item is the answer"
    );
    let origin = position(&app, "origin");
    assert_eq!(app.step, Step::Question(origin));
}

#[test]
fn typing_over_the_prefilled_date_replaces_it_and_is_what_gets_screened() {
    let mut app = app_on("2026-11-29");
    answer(&mut app, &CIVIL);
    assert_eq!(app.field(Field::Date).value(), "2026-11-29");
    assert!(
        app.field(Field::Date).is_selected(),
        "the value is selected on entry"
    );
    type_text(&mut app, "2026-12-05");
    assert_eq!(app.field(Field::Date).value(), "2026-12-05");
    assert_eq!(app.field(Field::Date).error(), None);
    apply(&mut app, (0..Field::ALL.len() + 1).map(|_| Action::Next));
    assert_eq!(app.step, Step::Result);
    let d = &app
        .decision
        .as_ref()
        .expect("screened")
        .screening
        .determination;
    assert_eq!(d.date.to_string(), "2026-12-05");
}

#[test]
fn a_date_typed_day_first_with_dots_is_shown_as_iso_and_slashes_are_refused() {
    let mut app = app_on("2026-11-29");
    answer(&mut app, &CIVIL);
    set_date(&mut app, "04.12.2026");
    apply(&mut app, [Action::NextField]);
    assert_eq!(app.field(Field::Date).value(), "2026-12-04");
    assert_eq!(app.field(Field::Date).error(), None);
    apply(&mut app, [Action::PrevField]);
    set_date(&mut app, "04/12/2026");
    apply(&mut app, [Action::Next]);
    assert_eq!(app.focus, 0, "an ambiguous date is not taken");
    let error = app.field(Field::Date).error().unwrap_or_default();
    assert!(error.contains("ambiguous"), "{error}");
}

#[test]
fn an_invalid_date_shows_beside_the_field_and_blocks_going_on_but_not_back() {
    let mut app = app();
    answer(&mut app, &OCTOBER);
    set_date(&mut app, "2025-13-01");
    apply(&mut app, [Action::Next]);
    assert_eq!(app.focus, 0, "Enter does not leave an invalid field");
    let error = app
        .field(Field::Date)
        .error()
        .unwrap_or_default()
        .to_string();
    assert!(error.contains("not a real calendar date"), "{error}");
    apply(&mut app, (0..Field::ALL.len()).map(|_| Action::NextField));
    assert_eq!(app.focus, 0);
    apply(&mut app, [Action::NextField, Action::NextField]);
    assert_eq!(
        app.field(Field::Date).error(),
        Some(error.as_str()),
        "the message stays"
    );
    apply(
        &mut app,
        (2..Field::ALL.len() - 1).map(|_| Action::NextField),
    );
    assert_eq!(app.focus, Field::ALL.len() - 1);
    apply(&mut app, [Action::Next]);
    assert_eq!(
        app.step,
        Step::Details,
        "the page does not advance with an error"
    );
    assert_eq!(app.focus, 0, "focus goes to the field in error");
    apply(&mut app, [Action::Back]);
    assert!(
        matches!(app.step, Step::Question(_)),
        "going back is never blocked"
    );
    apply(&mut app, [Action::Next]);
    assert_eq!(
        app.field(Field::Date).value(),
        "2025-13-01",
        "typed text is kept"
    );
}

#[test]
fn text_limits_control_characters_and_backspace_on_an_empty_field() {
    let mut app = app();
    answer(&mut app, &OCTOBER);
    apply(&mut app, [Action::NextField]);
    apply(
        &mut app,
        [Action::Paste(format!("a\u{1b}[2J{}", "x".repeat(200)))],
    );
    let reference = app.field(Field::Reference);
    assert_eq!(reference.value().chars().count(), 120);
    assert!(
        reference.value().starts_with("a [2J"),
        "{:?}",
        reference.value()
    );
    assert_eq!(reference.error(), Some("at most 120 characters"));
    apply(
        &mut app,
        [Action::Edit(Edit::Clear), Action::Edit(Edit::DeleteBack)],
    );
    assert_eq!(
        app.step,
        Step::Details,
        "Backspace on an empty field only edits: it never leaves the screen"
    );
    // Tab and Shift-Tab go round the fields, never to another step.
    apply(
        &mut app,
        (0..Field::ALL.len() * 2).map(|_| Action::NextField),
    );
    apply(
        &mut app,
        (0..Field::ALL.len() * 2).map(|_| Action::PrevField),
    );
    assert_eq!(app.step, Step::Details);
    apply(&mut app, [Action::Back]);
    assert_eq!(
        app.step,
        Step::Question(position(&app, "destination")),
        "Esc goes back a step"
    );
    // In the country filter too, Backspace only edits.
    apply(&mut app, [Action::Edit(Edit::DeleteBack)]);
    assert_eq!(app.step, Step::Question(position(&app, "destination")));
}

#[test]
fn a_held_esc_never_walks_back_more_than_one_step() {
    let mut app = app();
    answer(&mut app, &OCTOBER);
    apply(&mut app, [Action::Repeated(Box::new(Action::Back))]);
    assert_eq!(app.step, Step::Details, "a repeat alone does not go back");
    apply(&mut app, [Action::Back]);
    assert!(
        matches!(app.step, Step::Question(_)),
        "a fresh press goes back"
    );
    apply(&mut app, [Action::Repeated(Box::new(Action::Back))]);
    assert_eq!(
        app.step,
        Step::Question(position(&app, "destination")),
        "one step only"
    );
}

#[test]
fn not_known_yet_is_highlighted_by_its_key_on_every_question() {
    let mut app = app();
    while let Step::Question(q) = app.step {
        apply(&mut app, [Action::NotKnown]);
        let question = app.rules.questions[q].clone();
        assert_eq!(
            question.options[app.highlight[q]].id, "unknown",
            "{}",
            question.id
        );
        apply(&mut app, [Action::Next]);
        assert_eq!(app.answers.get(&question.id), Some("unknown"));
    }
}

#[test]
fn keys_do_nothing_while_the_terminal_is_too_small_but_quit_quits() {
    let mut app = at_result(&OCTOBER);
    update(&mut app, Action::Resize(50, 12));
    assert_eq!(app.context(), ree_screen::tui::keys::Context::TooSmall);
    for action in [
        Action::Save,
        Action::New,
        Action::Back,
        Action::Next,
        Action::Help,
    ] {
        assert_eq!(update(&mut app, action), None);
    }
    assert_eq!(app.step, Step::Result);
    assert_eq!(
        app.decision.as_ref().map(|d| &d.saved),
        Some(&SaveState::Unsaved)
    );
    assert_eq!(app.overlay, None);
    assert_eq!(
        update(&mut app, Action::Quit),
        Some(Effect::Quit),
        "no question unseen"
    );
}

#[test]
fn unknown_answers_give_a_provisional_worst_case_with_a_table_per_value() {
    let app = at_result(&OPEN_RECIPIENT);
    let p = &app.decision.as_ref().expect("screened").presentation;
    assert!(p.provisional);
    assert_eq!(p.outcome, Outcome::Prohibited);
    assert_eq!(
        p.range,
        Some((Outcome::LicenseRequired, Outcome::Prohibited))
    );
    assert_eq!(p.by_answer.len(), 1);
}

#[test]
fn answering_an_open_question_from_the_determination_screens_again() {
    let mut app = at_result(&OPEN_RECIPIENT);
    apply(&mut app, [Action::AnswerOpen]);
    assert_eq!(app.step, Step::Question(position(&app, "recipient")));
    choose(&mut app, "civil");
    assert_eq!(app.step, Step::Result);
    let d = app.decision.as_ref().expect("screened again");
    assert!(!d.presentation.provisional);
    assert_eq!(d.presentation.outcome, Outcome::LicenseRequired);
    apply(&mut app, [Action::AnswerOpen]);
    assert_eq!(app.step, Step::Result);
    assert!(
        app.notice
            .as_deref()
            .is_some_and(|n| n.contains("No answer is open"))
    );
}

#[test]
fn the_determination_opens_clauses_and_the_why_trace_and_scrolls_within_them() {
    let mut app = at_result(&OCTOBER);
    update(&mut app, Action::Resize(80, 24));
    let d = app.decision.as_ref().expect("screened");
    let first = d.clauses().next().map(|c| c.short());
    assert_eq!(
        first.as_deref(),
        Some("No. 61 Art. 3"),
        "the decisive clause first"
    );
    let count = d.clauses().count();
    apply(&mut app, [Action::Bottom]);
    assert_eq!(app.result.selected, count - 1);
    apply(
        &mut app,
        [Action::Down, Action::Top, Action::Down, Action::Next],
    );
    assert_eq!(app.result.pane, Pane::Clause);
    apply(&mut app, [Action::Bottom]);
    let end = app.result.scroll.offset();
    assert!(end > 0, "a clause with its sources is longer than the pane");
    apply(&mut app, [Action::Down, Action::PageDown]);
    assert_eq!(app.result.scroll.offset(), end, "clamped to the text");
    apply(&mut app, [Action::Back]);
    assert_eq!(app.result.pane, Pane::List, "Esc closes the pane first");
    assert_eq!(app.result.selected, 1, "the list keeps its place");
    apply(&mut app, [Action::Why]);
    assert_eq!(app.result.pane, Pane::Why);
    assert_eq!(app.result.scroll.offset(), 0);
    apply(&mut app, [Action::Why, Action::Back]);
    assert_eq!(app.step, Step::Review);
    assert!(app.decision.is_none());
}

#[test]
fn quitting_with_an_unsaved_determination_asks_first() {
    let mut app = at_result(&OCTOBER);
    assert_eq!(update(&mut app, Action::Quit), None);
    assert_eq!(app.overlay, Some(Overlay::Confirm(Pending::Quit)));
    assert_eq!(update(&mut app, Action::No), None);
    assert_eq!(app.overlay, None);
    apply(&mut app, [Action::Quit]);
    assert_eq!(
        update(&mut app, Action::Quit),
        Some(Effect::Quit),
        "twice always quits"
    );
}

#[test]
fn saving_reports_the_id_or_keeps_the_determination_to_retry() {
    let mut app = at_result(&OCTOBER);
    app.draft_id = "d1".into();
    assert!(matches!(
        update(&mut app, Action::Save),
        Some(Effect::Save(_))
    ));
    assert_eq!(
        update(&mut app, Action::Saved(Err("disk full".into()))),
        None
    );
    assert_eq!(
        app.decision.as_ref().map(|o| &o.saved),
        Some(&SaveState::Failed("disk full".into()))
    );
    assert!(
        matches!(update(&mut app, Action::Save), Some(Effect::Save(_))),
        "retry"
    );
    assert_eq!(
        update(&mut app, Action::Saved(Ok("r-1".into()))),
        Some(Effect::DiscardDraft("d1".into()))
    );
    assert_eq!(app.draft(), None, "a saved screening needs no draft");
    assert_eq!(update(&mut app, Action::Save), None);
    assert_eq!(app.notice.as_deref(), Some("Already saved as r-1"));
    assert_eq!(
        update(&mut app, Action::Quit),
        Some(Effect::Quit),
        "no question once saved"
    );
}

/// A save still waiting for the history's lock when the officer goes back and screens again:
/// no second save starts meanwhile, and the answer, when it comes, is said as the earlier
/// determination's rather than taken for the one on screen.
#[test]
fn a_save_still_waiting_is_not_taken_for_a_determination_screened_since() {
    let mut app = at_result(&OCTOBER);
    assert!(matches!(
        update(&mut app, Action::Save),
        Some(Effect::Save(_))
    ));
    apply(&mut app, [Action::Back]);
    assert_eq!(app.step, Step::Review);
    apply(&mut app, [Action::Next]);
    assert_eq!(app.step, Step::Result);
    assert_eq!(
        update(&mut app, Action::Save),
        None,
        "no second save in flight"
    );
    assert!(
        app.notice
            .as_deref()
            .is_some_and(|n| n.contains("still waiting")),
        "{:?}",
        app.notice
    );
    assert_eq!(update(&mut app, Action::Saved(Ok("r-1".into()))), None);
    assert_eq!(
        app.decision.as_ref().map(|o| &o.saved),
        Some(&SaveState::Unsaved),
        "the determination on screen is not the one saved"
    );
    assert_eq!(
        app.notice.as_deref(),
        Some("The earlier determination was saved as r-1")
    );
    assert!(
        matches!(update(&mut app, Action::Save), Some(Effect::Save(_))),
        "once the first is answered, this one can be saved"
    );
}

#[test]
fn new_screening_confirms_then_resets_and_discards_the_draft() {
    let mut app = at_result(&OCTOBER);
    app.draft_id = "d2".into();
    assert_eq!(update(&mut app, Action::New), None);
    assert_eq!(app.overlay, Some(Overlay::Confirm(Pending::New)));
    assert_eq!(
        update(&mut app, Action::Yes),
        Some(Effect::DiscardDraft("d2".into()))
    );
    assert_eq!(app.step, Step::Question(0));
    assert!(app.answers.is_empty());
    assert_eq!(app.field(Field::Date).value(), tui_support::TODAY);
}

fn draft_from(app: &App, id: &str) -> Draft {
    Draft {
        id: id.into(),
        ..app.draft().expect("something entered")
    }
}

#[test]
fn resume_offers_each_draft_and_says_nothing_until_asked() {
    let mut first = at_result(&OCTOBER);
    apply(&mut first, [Action::Back, Action::Jump(9)]);
    let draft = draft_from(&first, "a");
    let other = Draft {
        id: "b".into(),
        ..draft.clone()
    };
    let mut app = app();
    app.overlay = Some(Overlay::Resume(ResumeList {
        drafts: vec![other, draft.clone()],
        selected: 0,
    }));
    assert_eq!(
        update(&mut app, Action::Type('3')),
        None,
        "typing does nothing here"
    );
    assert_eq!(update(&mut app, Action::Next), None);
    assert_eq!(
        update(&mut app, Action::Discard),
        Some(Effect::DiscardDraft("b".into()))
    );
    let resumed = update(&mut app, Action::Yes);
    assert!(
        matches!(&resumed, Some(Effect::SaveDraft(d)) if d.id == "a"),
        "{resumed:?}"
    );
    assert_eq!(app.overlay, None, "the date is today's: nothing to ask");
    assert_eq!(app.step, Step::Details);
    assert_eq!(app.answers, first.answers);
    assert_eq!(app.draft_id, "a", "this workbench goes on with that draft");
    assert_eq!(app.draft(), Some(draft));
    let mut declined = tui_support::app();
    declined.overlay = Some(Overlay::Resume(ResumeList {
        drafts: vec![draft_from(&first, "c")],
        selected: 0,
    }));
    assert_eq!(
        update(&mut declined, Action::No),
        None,
        "a new screening keeps the drafts"
    );
    assert_eq!(declined.overlay, None);
    assert_eq!(declined.step, Step::Question(0));
}

/// A fresh workbench on 2026-12-04 that screens names against the embedded lists.
fn naming_app() -> App {
    let screener = ree_screen::parties::Screener::new(
        ree_screen::parties::PartyLists::embedded().expect("party lists"),
    );
    app_on("2026-12-04").with_parties(std::sync::Arc::new(screener))
}

/// Each name match shown: field, entry, kind, whether confirmed, the dismissal's reason.
type Shown = (
    ree_screen::parties::Field,
    String,
    &'static str,
    bool,
    Option<String>,
);

fn shown(app: &App) -> Vec<Shown> {
    app.matches
        .found
        .iter()
        .map(|f| {
            (
                f.field,
                f.entry.clone(),
                f.kind.id(),
                f.confirmed,
                f.reason.clone(),
            )
        })
        .collect()
}

/// The officer's confirmations and dismissals go into the draft as they are made, and a
/// resumed draft shows the matches as decided (and screens with them) where the same entry
/// still matches the same name; a name changed in the file, or a dismissal left there
/// without a reason, does not carry a decision over.
#[test]
fn a_resumed_draft_keeps_the_confirmed_and_dismissed_name_matches() {
    use ree_screen::parties::{Field::Counterparty, Field::EndUser, Review};
    let mut before = naming_app();
    // No. 18 items exported from China to a civil buyer in the US.
    answer(
        &mut before,
        &[
            ("stage", "none"),
            ("goods", "no18_items"),
            ("origin", "china_export"),
            ("recipient", "civil"),
            ("destination", "US"),
        ],
    );
    apply(&mut before, [Action::NextField, Action::NextField]);
    type_text(&mut before, "MP Materails");
    apply(&mut before, [Action::NextField]);
    type_text(&mut before, "MP Materials Corp.");
    let confirmed = apply(&mut before, [Action::PrevField, Action::ConfirmMatch]);
    assert!(
        matches!(confirmed.as_slice(), [Effect::SaveDraft(d)] if d.reviews.len() == 1),
        "a confirmation is kept at once: {confirmed:?}"
    );
    apply(&mut before, [Action::NextField, Action::DismissMatch]);
    type_text(&mut before, "a namesake in Ohio");
    let dismissed = apply(&mut before, [Action::Next]);
    assert!(
        matches!(dismissed.as_slice(), [Effect::SaveDraft(d)] if d.reviews.len() == 2),
        "a dismissal is kept at once: {dismissed:?}"
    );
    let mp = "2026-23-06".to_string();
    let decided = vec![
        (Counterparty, mp.clone(), "match", true, None),
        (
            EndUser,
            mp.clone(),
            "dismissed",
            false,
            Some("a namesake in Ohio".to_string()),
        ),
    ];
    assert_eq!(shown(&before), decided);
    let draft = draft_from(&before, "named");
    let resume = |draft: &Draft| {
        let mut app = naming_app();
        app.overlay = Some(Overlay::Resume(ResumeList {
            drafts: vec![draft.clone()],
            selected: 0,
        }));
        apply(&mut app, [Action::Yes]);
        assert_eq!(app.overlay, None);
        app
    };
    let mut resumed = resume(&draft);
    assert_eq!(shown(&resumed), decided);
    assert_eq!(resumed.draft(), Some(draft.clone()), "kept as it was");
    apply(
        &mut resumed,
        (0..Field::ALL.len() + 1).map(|_| Action::Next),
    );
    let decision = resumed.decision.as_ref().expect("screened");
    let d = &decision.screening.determination;
    assert_eq!(d.outcome, Outcome::Prohibited);
    assert!(d.parties[0].confirmed, "the possible match was confirmed");
    assert_eq!(d.decided_by, ["party:counterparty:2026-23-06"]);
    assert_eq!(d.parties[1].reason.as_deref(), Some("a namesake in Ohio"));

    let mut renamed = draft.clone();
    renamed.details.end_user = "MP Materials".into();
    let undecided_end_user = (EndUser, mp.clone(), "match", false, None);
    assert_eq!(
        shown(&resume(&renamed)),
        [decided[0].clone(), undecided_end_user.clone()],
        "the dismissal was of another name as typed"
    );
    let mut no_reason = draft.clone();
    no_reason.reviews[1].review = Review::Dismiss(" \u{7} ".into());
    assert_eq!(
        shown(&resume(&no_reason)),
        [decided[0].clone(), undecided_end_user],
        "a dismissal without a reason is not taken from the file"
    );
}

#[test]
fn a_resumed_draft_from_another_day_asks_whether_to_keep_its_date() {
    let old = at_result_on("2025-10-20", &OCTOBER);
    let draft = draft_from(&old, "old");
    for (action, date) in [
        (Action::KeepDate, "2025-10-20"),
        (Action::UseToday, "2025-10-21"),
    ] {
        let mut app = app_on("2025-10-21");
        app.overlay = Some(Overlay::Resume(ResumeList {
            drafts: vec![draft.clone()],
            selected: 0,
        }));
        apply(&mut app, [Action::Yes]);
        assert_eq!(
            app.overlay,
            Some(Overlay::KeepDate {
                old: "2025-10-20".parse().expect("date")
            })
        );
        apply(&mut app, [action]);
        assert_eq!(app.overlay, None);
        assert_eq!(app.field(Field::Date).value(), date);
    }
}

/// What an officer sees of a determination, compared to tell whether an answer changes it.
type Seen = (
    Outcome,
    Vec<(String, ree_screen::engine::Role, Option<Outcome>)>,
    Vec<String>,
    Vec<Outcome>,
);

fn seen(d: &Determination) -> Seen {
    let clauses = d
        .clauses
        .iter()
        .map(|c| (c.id.clone(), c.role, c.effect))
        .collect();
    let licences = d
        .licences
        .iter()
        .map(|l| format!("{} {}", l.kind.id(), l.obtained_by.id()))
        .collect();
    let scenarios = d.scenarios.iter().map(|s| s.outcome).collect();
    (d.outcome, clauses, licences, scenarios)
}

/// Every case of the questions in `open` (one option of each class no rule tells apart),
/// with `fixed` set.
fn cases(rules: &RuleSet, fixed: &Answers, open: &[usize]) -> Vec<Answers> {
    let mut out = vec![fixed.clone()];
    for &q in open {
        let question = &rules.questions[q];
        let classes = &rules.compiled.questions[q].classes;
        out = out
            .into_iter()
            .flat_map(|a| {
                classes
                    .iter()
                    .map(move |class| a.clone().with(&question.id, &question.options[class[0]].id))
            })
            .collect();
    }
    out
}

/// Whether some value of question `q` changes the determination in some case the answers
/// `earlier` allow (every other question open), by screening each case.
fn matters_by_brute_force(
    rules: &RuleSet,
    earlier: &Answers,
    q: usize,
    date: jiff::civil::Date,
) -> bool {
    let open: Vec<usize> = (0..rules.questions.len())
        .filter(|&o| o != q && earlier.get(&rules.questions[o].id).is_none())
        .collect();
    let question = &rules.questions[q];
    cases(rules, earlier, &open).into_iter().any(|case| {
        let mut first: Option<Seen> = None;
        rules.compiled.questions[q].classes.iter().any(|class| {
            let answers = case
                .clone()
                .with(&question.id, &question.options[class[0]].id);
            let answers = applicable_answers(rules, &answers, date);
            let this = seen(&determine(rules, &answers, date));
            match &first {
                None => {
                    first = Some(this);
                    false
                }
                Some(f) => *f != this,
            }
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// After any answers, the form skips a question exactly when screening every case
    /// shows that no value of it changes the determination given the answers so far.
    #[test]
    fn a_question_is_skipped_only_when_no_value_changes_the_determination(
        picks in proptest::collection::vec(0usize..16, 0..6),
        day in prop::sample::select(vec!["2025-10-20", "2025-12-01", "2026-11-20"]),
    ) {
        let mut app = app_on(day);
        let rules = app.rules.clone();
        let date = day.parse().expect("date");
        for pick in picks {
            let Step::Question(q) = app.step else { break };
            let leaves: Vec<usize> = rules.compiled.questions[q].leaves.clone();
            choose(&mut app, &rules.questions[q].options[leaves[pick % leaves.len()]].id.clone());
        }
        let mut earlier = Answers::new();
        for (q, question) in rules.questions.iter().enumerate() {
            match app.skip(q) {
                Some(Skip::NotApplicable) => {}
                Some(Skip::NotNeeded { .. }) => prop_assert!(
                    !matters_by_brute_force(&rules, &earlier, q, date),
                    "{} skipped after {:?}", question.id, earlier
                ),
                None => {
                    prop_assert!(
                        matters_by_brute_force(&rules, &earlier, q, date),
                        "{} asked after {:?}", question.id, earlier
                    );
                    if let Some(a) = app.answers.get(&question.id) {
                        earlier.set(&question.id, a);
                    }
                }
            }
        }
    }
}

#[test]
fn a_new_screening_starts_from_the_determination_with_todays_date_and_this_officer() {
    let mut app = app_on("2025-10-20");
    let defaults = ree_screen::screening::Details {
        officer: "This Officer".into(),
        ..Default::default()
    };
    let preselected = app.preselected.clone();
    app = app.with_defaults(defaults, preselected);
    answer(&mut app, &OCTOBER);
    set_date(&mut app, "2025-10-15");
    apply(&mut app, [Action::NextField]);
    type_text(&mut app, "PO-7");
    apply(&mut app, [Action::NextField, Action::NextField]);
    apply(&mut app, [Action::Edit(Edit::Clear)]);
    type_text(&mut app, "Someone Else");
    apply(&mut app, (0..Field::ALL.len()).map(|_| Action::Next));
    assert_eq!(app.step, Step::Result);
    let answers = app.answers.clone();

    // Not saved yet: it asks first.
    apply(&mut app, [Action::CopyScreening]);
    assert_eq!(app.overlay, Some(Overlay::Confirm(Pending::Copy)));
    apply(
        &mut app,
        [Action::No, Action::Save, Action::Saved(Ok("r-9".into()))],
    );
    apply(&mut app, [Action::CopyScreening]);
    assert_eq!(app.overlay, None, "saved, so nothing is lost");
    assert_eq!(app.step, Step::Review);
    assert_eq!(app.answers, answers);
    assert_eq!(app.field(Field::Reference).value(), "PO-7");
    assert_eq!(app.field(Field::Officer).value(), "This Officer");
    assert_eq!(app.field(Field::Date).value(), "2025-10-20", "today");
    apply(&mut app, [Action::Next]);
    let decision = app.decision.as_ref().expect("screened");
    assert_eq!(decision.screening.details.copied_from, "r-9");
    assert_eq!(
        decision.screening.determination.date.to_string(),
        "2025-10-20"
    );
}

/// Under a team policy that requires an officer, a save without one is refused before the
/// history is asked: the form opens on the Officer field with why beside it.
#[test]
fn saving_without_an_officer_the_team_requires_goes_to_the_officer_field() {
    let mut app = at_result(&OCTOBER);
    app.officer_required = true;
    assert!(matches!(
        update(&mut app, Action::Save),
        Some(Effect::SaveDraft(_))
    ));
    assert_eq!(app.step, Step::Details);
    assert_eq!(app.focus, ree_screen::tui::app::field_index(Field::Officer));
    assert!(
        app.field(Field::Officer)
            .error()
            .is_some_and(|e| e.contains("requires an officer")),
        "{:?}",
        app.field(Field::Officer).error()
    );
    type_text(&mut app, "A. Officer");
    apply(&mut app, (0..Field::ALL.len() + 1).map(|_| Action::Next));
    assert_eq!(app.step, Step::Result);
    assert!(matches!(
        update(&mut app, Action::Save),
        Some(Effect::Save(s)) if s.details.officer == "A. Officer"
    ));
}
