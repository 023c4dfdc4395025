//! Snapshots of every workbench screen as text, at 80x24 and 120x40, driven through `update`.

mod tui_support;

use ree_screen::screening::Details;
use ree_screen::tui::action::Action;
use ree_screen::tui::app::Step;
use ree_screen::tui::app::{Overlay, Pending};
use ree_screen::tui::draft::Draft;
use tui_support::{answer, app, apply, at_result, render, type_text};

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn snap(name: &str, app: &mut ree_screen::tui::app::App) {
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), render(app, w, h));
    }
}

fn fill_details(app: &mut ree_screen::tui::app::App) {
    apply(app, [Action::NextField]);
    type_text(app, "PO-2025-0117");
    apply(app, [Action::NextField]);
    type_text(app, "深圳稀土有限公司");
    apply(app, [Action::NextField]);
    type_text(app, "Germany");
    apply(app, [Action::NextField]);
    type_text(app, "A. Officer");
}

#[test]
fn stage_list() {
    let mut app = app();
    apply(&mut app, [Action::Down, Action::Down, Action::Down]);
    snap("stage_list", &mut app);
}

#[test]
fn origin_list_with_unknown_highlighted() {
    let mut app = app();
    apply(&mut app, [Action::Jump(7), Action::Next, Action::Bottom]);
    snap("origin_unknown", &mut app);
}

#[test]
fn recipient_list() {
    let mut app = app();
    answer(&mut app, [7, 1, 1]);
    apply(&mut app, [Action::Back, Action::Jump(2)]);
    snap("recipient_list", &mut app);
}

#[test]
fn details_form_with_wide_characters() {
    let mut app = app();
    answer(&mut app, [7, 1, 2]);
    fill_details(&mut app);
    apply(&mut app, [Action::PrevField, Action::PrevField]);
    snap("details_form", &mut app);
}

#[test]
fn details_form_validation_error() {
    let mut app = app();
    answer(&mut app, [7, 1, 2]);
    apply(
        &mut app,
        [Action::Edit(ree_screen::tui::action::Edit::Clear)],
    );
    type_text(&mut app, "2025-02-30");
    apply(&mut app, [Action::NextField]);
    snap("details_invalid_date", &mut app);
}

#[test]
fn details_form_scrolls_long_values() {
    let mut app = app();
    answer(&mut app, [7, 1, 2]);
    apply(&mut app, [Action::NextField, Action::NextField]);
    type_text(
        &mut app,
        &"深圳稀土有限公司 Shenzhen Rare Earth Trading ".repeat(3),
    );
    snap("details_long_value", &mut app);
}

#[test]
fn review() {
    let mut app = app();
    answer(&mut app, [7, 8, 2]);
    fill_details(&mut app);
    apply(&mut app, [Action::NextField, Action::Next]);
    assert_eq!(app.step, Step::Review);
    snap("review", &mut app);
}

#[test]
fn determination() {
    let mut app = app();
    answer(&mut app, [7, 1, 2]);
    fill_details(&mut app);
    apply(&mut app, [Action::NextField, Action::Next, Action::Next]);
    assert_eq!(app.step, Step::Result);
    snap("determination", &mut app);
}

#[test]
fn long_provisional_determination_scrolled() {
    let mut app = app();
    answer(&mut app, [8, 5, 8]);
    apply(
        &mut app,
        [Action::Edit(ree_screen::tui::action::Edit::Clear)],
    );
    type_text(&mut app, "2026-12-01");
    apply(&mut app, (0..6).map(|_| Action::Next));
    apply(&mut app, [Action::Next]);
    assert_eq!(app.step, Step::Result);
    snap("long_determination_top", &mut app);
    apply(&mut app, [Action::PageDown, Action::PageDown]);
    insta::assert_snapshot!("long_determination_page3_80x24", render(&mut app, 80, 24));
    apply(&mut app, [Action::Bottom]);
    insta::assert_snapshot!("long_determination_end_80x24", render(&mut app, 80, 24));
}

#[test]
fn saved_and_failed_status() {
    let mut app = at_result([7, 4, 7]);
    apply(
        &mut app,
        [
            Action::Save,
            Action::Saved(Err("history is locked by another process".into())),
        ],
    );
    insta::assert_snapshot!("save_failed_80x24", render(&mut app, 80, 24));
    apply(
        &mut app,
        [Action::Save, Action::Saved(Ok("r-000042".into()))],
    );
    insta::assert_snapshot!("saved_80x24", render(&mut app, 80, 24));
}

#[test]
fn help_overlays() {
    let mut app = app();
    apply(&mut app, [Action::Help]);
    snap("help_list", &mut app);
    let mut app = tui_support::app();
    answer(&mut app, [7, 1, 2]);
    apply(&mut app, [Action::Help]);
    snap("help_form", &mut app);
}

#[test]
fn confirm_quit_overlay() {
    let mut app = at_result([7, 1, 2]);
    apply(&mut app, [Action::Quit]);
    assert_eq!(app.overlay, Some(Overlay::Confirm(Pending::Quit)));
    snap("confirm_quit", &mut app);
}

#[test]
fn resume_overlay() {
    let mut app = app();
    app.overlay = Some(Overlay::Resume(Box::new(Draft {
        step: Step::Details,
        stage: Some("magnet_manufacturing".into()),
        origin: Some("china".into()),
        recipient: None,
        date: "2025-10-20".into(),
        details: Details {
            reference: "PO-7\u{1b}[2J".into(),
            counterparty: "深圳稀土有限公司".into(),
            ..Details::default()
        },
    })));
    snap("resume_draft", &mut app);
}

#[test]
fn too_small_and_tiny_sizes_never_panic() {
    let mut app = app();
    insta::assert_snapshot!("too_small_50x12", render(&mut app, 50, 12));
    answer(&mut app, [7, 1, 2]);
    apply(&mut app, [Action::Help]);
    for (w, h) in [(1, 1), (2, 1), (1, 30), (59, 24), (60, 16), (300, 3)] {
        render(&mut app, w, h);
    }
}

/// The help panel's fields start on the same row for every option, so moving the highlight
/// rewrites only the words that differ.
#[test]
fn help_fields_keep_their_rows_across_options() {
    let mut app = app();
    let mut rows = Vec::new();
    for option in 1..=8 {
        apply(&mut app, [Action::Jump(option)]);
        let screen = render(&mut app, 80, 24);
        let row = |heading: &str| screen.lines().position(|l| l.contains(heading));
        rows.push((row("│Example: "), row("│Relates to: ")));
    }
    assert_eq!(rows[0], (Some(17), Some(19)), "{rows:?}");
    assert!(
        rows.iter().all(|r| *r == rows[0] || *r == (None, None)),
        "{rows:?}"
    );
}

#[test]
fn character_count_shows_near_the_limit_only() {
    let mut app = app();
    answer(&mut app, [7, 1, 2]);
    apply(&mut app, [Action::NextField]);
    type_text(&mut app, &"x".repeat(107));
    assert!(render(&mut app, 80, 24).contains("Up to 120 characters"));
    type_text(&mut app, "x");
    assert!(render(&mut app, 80, 24).contains("108 of 120 characters"));
}
