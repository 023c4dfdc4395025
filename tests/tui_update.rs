//! `update` behaviour with plain values: navigation keeps answers, unknown answers, digit
//! jumps, validation that blocks going on but never going back, drafts, saving and quitting.

mod tui_support;

use ree_screen::rules::Outcome;
use ree_screen::tui::action::{Action, Edit};
use ree_screen::tui::app::{Overlay, Pending, SaveState, Step};
use ree_screen::tui::update::{Effect, update};
use tui_support::{answer, app, apply, at_result, type_text};

#[test]
fn back_and_forward_keep_answers_and_highlights() {
    let mut app = app();
    apply(
        &mut app,
        [Action::Jump(4), Action::Next, Action::Jump(2), Action::Next],
    );
    assert_eq!(app.step, Step::Recipient);
    apply(&mut app, [Action::Back, Action::Back]);
    assert_eq!(app.step, Step::Stage);
    assert_eq!(app.highlight[0], 3);
    assert_eq!(app.answers[0].as_deref(), Some("magnet_manufacturing"));
    assert_eq!(app.answers[1].as_deref(), Some("foreign_chinese_content"));
    apply(&mut app, [Action::Next]);
    assert_eq!(app.step, Step::Origin);
    assert_eq!(
        app.highlight[1], 1,
        "the earlier answer is highlighted again"
    );
    assert_eq!(
        update(&mut app, Action::Back).map(|_| ()),
        Some(()),
        "a step change keeps the draft"
    );
    assert_eq!(
        update(&mut app, Action::Back),
        None,
        "nothing before the first step"
    );
    assert_eq!(app.step, Step::Stage);
}

#[test]
fn step_changes_save_the_draft_with_answers_so_far() {
    let mut app = app();
    let effects = apply(&mut app, [Action::Jump(2), Action::Next]);
    match effects.as_slice() {
        [Effect::SaveDraft(draft)] => {
            assert_eq!(draft.step, Step::Origin);
            assert_eq!(draft.stage.as_deref(), Some("smelting_separation"));
            assert_eq!(draft.origin, None);
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
fn unknown_answers_give_a_provisional_worst_case() {
    let mut app = app();
    apply(
        &mut app,
        [
            Action::Bottom,
            Action::Next,
            Action::Bottom,
            Action::Next,
            Action::Bottom,
            Action::Next,
        ],
    );
    assert_eq!(
        app.answers.iter().map(|a| a.as_deref()).collect::<Vec<_>>(),
        vec![Some("unknown"); 3]
    );
    apply(&mut app, (0..7).map(|_| Action::Next));
    assert_eq!(app.step, Step::Result);
    let outcome = app.outcome.as_ref().expect("determination");
    assert!(outcome.screening.determination.provisional);
    assert!(outcome.report.starts_with("OUTCOME: "));
}

#[test]
fn invalid_date_blocks_going_on_but_not_back() {
    let mut app = app();
    answer(&mut app, [7, 1, 7]);
    assert_eq!(app.step, Step::Details);
    apply(&mut app, [Action::Edit(Edit::Clear)]);
    type_text(&mut app, "2025-13-01");
    apply(&mut app, [Action::Next]);
    assert_eq!(app.focus, 0, "Enter does not leave an invalid field");
    assert!(
        app.errors[0]
            .as_deref()
            .is_some_and(|e| e.contains("not a real calendar date"))
    );
    apply(
        &mut app,
        [
            Action::NextField,
            Action::NextField,
            Action::NextField,
            Action::NextField,
            Action::NextField,
        ],
    );
    assert_eq!(app.focus, 5);
    apply(&mut app, [Action::Next]);
    assert_eq!(
        app.step,
        Step::Details,
        "the page does not advance with an error"
    );
    assert_eq!(app.focus, 0, "focus goes to the field in error");
    apply(&mut app, [Action::Back]);
    assert_eq!(app.step, Step::Recipient, "going back is never blocked");
    apply(&mut app, [Action::Next]);
    assert_eq!(
        app.input(ree_screen::screening::Field::Date).value(),
        "2025-13-01",
        "typed text is kept"
    );
}

#[test]
fn text_limits_control_characters_and_backspace_on_empty() {
    let mut app = app();
    apply(
        &mut app,
        [Action::Next, Action::Next, Action::Next, Action::NextField],
    );
    apply(
        &mut app,
        [Action::Paste(format!("a\u{1b}[2J{}", "x".repeat(200)))],
    );
    let value = app.inputs[1].value().to_string();
    assert_eq!(value.chars().count(), 120);
    assert!(
        value.starts_with("a [2J"),
        "escape became a space: {value:?}"
    );
    assert_eq!(
        app.errors[1].as_deref(),
        Some("Reference takes at most 120 characters")
    );
    apply(
        &mut app,
        [Action::Edit(Edit::Clear), Action::Edit(Edit::DeleteBack)],
    );
    assert_eq!(
        app.step,
        Step::Recipient,
        "Backspace on an empty field goes back"
    );
}

#[test]
fn wide_characters_move_the_cursor_by_display_cells() {
    let mut app = app();
    apply(
        &mut app,
        [
            Action::Next,
            Action::Next,
            Action::Next,
            Action::NextField,
            Action::NextField,
        ],
    );
    type_text(&mut app, "深圳ab");
    assert_eq!(app.inputs[2].visual_cursor(), 6);
    apply(
        &mut app,
        [
            Action::Edit(Edit::Left),
            Action::Edit(Edit::Left),
            Action::Edit(Edit::Left),
        ],
    );
    assert_eq!(app.inputs[2].visual_cursor(), 2);
}

#[test]
fn quitting_with_an_unsaved_determination_asks_first() {
    let mut app = at_result([7, 1, 2]);
    assert_eq!(
        app.outcome
            .as_ref()
            .map(|o| o.screening.determination.outcome),
        Some(Outcome::DeniedInPrinciple)
    );
    assert_eq!(update(&mut app, Action::Quit), None);
    assert_eq!(app.overlay, Some(Overlay::Confirm(Pending::Quit)));
    assert_eq!(update(&mut app, Action::No), None);
    assert_eq!(app.overlay, None);
    apply(&mut app, [Action::Quit]);
    assert_eq!(
        update(&mut app, Action::Quit),
        Some(Effect::Quit),
        "Ctrl-C twice always quits"
    );
}

#[test]
fn saving_reports_the_id_or_keeps_the_determination_to_retry() {
    let mut app = at_result([7, 1, 2]);
    let effect = update(&mut app, Action::Save);
    assert!(matches!(effect, Some(Effect::Save(_))));
    assert_eq!(
        update(&mut app, Action::Saved(Err("disk full".into()))),
        None
    );
    assert_eq!(
        app.outcome.as_ref().map(|o| &o.saved),
        Some(&SaveState::Failed("disk full".into()))
    );
    assert_eq!(app.step, Step::Result);
    assert!(
        matches!(update(&mut app, Action::Save), Some(Effect::Save(_))),
        "retry after an error"
    );
    assert_eq!(
        update(&mut app, Action::Saved(Ok("r-1".into()))),
        Some(Effect::DiscardDraft)
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

#[test]
fn new_screening_confirms_then_resets_and_discards_the_draft() {
    let mut app = at_result([7, 1, 2]);
    assert_eq!(update(&mut app, Action::New), None);
    assert_eq!(app.overlay, Some(Overlay::Confirm(Pending::New)));
    assert_eq!(update(&mut app, Action::Yes), Some(Effect::DiscardDraft));
    assert_eq!(app.step, Step::Stage);
    assert!(app.answers.iter().all(Option::is_none));
    assert_eq!(
        app.input(ree_screen::screening::Field::Date).value(),
        tui_support::TODAY
    );
}

#[test]
fn back_from_the_result_returns_to_review_and_number_keys_change_a_step() {
    let mut app = at_result([7, 1, 2]);
    apply(&mut app, [Action::Back]);
    assert_eq!(app.step, Step::Review);
    assert!(app.outcome.is_none());
    apply(&mut app, [Action::Jump(2)]);
    assert_eq!(app.step, Step::Origin);
    assert_eq!(app.answers[2].as_deref(), Some("listed_entity"));
}

#[test]
fn resuming_a_draft_restores_answers_and_fields() {
    let mut first = at_result([7, 1, 2]);
    apply(&mut first, [Action::Back, Action::Jump(4)]);
    let draft = first.draft().expect("something entered");
    let mut app = app();
    app.overlay = Some(Overlay::Resume(Box::new(draft.clone())));
    assert_eq!(
        update(&mut app, Action::Down),
        None,
        "other keys wait for an answer"
    );
    assert_eq!(update(&mut app, Action::Yes), None);
    assert_eq!(app.step, Step::Details);
    assert_eq!(app.answers, first.answers);
    assert_eq!(app.draft(), Some(draft));
    let mut declined = tui_support::app();
    declined.overlay = Some(Overlay::Resume(Box::new(first.draft().expect("draft"))));
    assert_eq!(
        update(&mut declined, Action::No),
        Some(Effect::DiscardDraft)
    );
}

#[test]
fn scrolling_is_clamped_to_the_text() {
    let mut app = at_result([7, 1, 2]);
    update(&mut app, Action::Resize(80, 24));
    apply(&mut app, [Action::Bottom]);
    let end = app.scroll;
    assert!(end > 0);
    apply(&mut app, [Action::Down, Action::PageDown]);
    assert_eq!(app.scroll, end);
    update(&mut app, Action::Resize(200, 50));
    assert!(
        app.scroll < end,
        "a taller terminal shows more, so the end moves up"
    );
    apply(&mut app, [Action::Top, Action::Up]);
    assert_eq!(app.scroll, 0);
}
