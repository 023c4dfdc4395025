//! Snapshots of the workbench's screens as text, driven through `update`: the determination
//! at 80x24, 60x20 and 120x40 for a decisive October 2025 clause, a suspended-only case, a
//! provisional case with its by-answer table and a case past No. 70's suspension; the
//! questions, the country picker, the record details, the review, the overlays.

mod tui_support;

use ratatui::style::{Color, Modifier};
use ree_screen::screening::{Details, Field};
use ree_screen::tui::action::{Action, SavedRecord};
use ree_screen::tui::app::{App, Overlay, Pending, ResumeList, Step};
use ree_screen::tui::draft::Draft;
use ree_screen::tui::theme::Theme;
use tui_support::{
    CIVIL, OCTOBER, OPEN_RECIPIENT, answer, app, apply, at_result, at_result_on, choose, render,
    set_date, terminal, type_text,
};

const DETERMINATION_SIZES: [(u16, u16); 3] = [(80, 24), (60, 20), (120, 40)];
const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn snap_at(name: &str, app: &mut App, sizes: &[(u16, u16)]) {
    // The rule set's hash changes with any edit of its text; the screens do not depend on it.
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"sha256 [0-9a-f]{8}", "sha256 [hash]");
    settings.bind(|| {
        for &(w, h) in sizes {
            insta::assert_snapshot!(format!("{name}_{w}x{h}"), render(app, w, h));
        }
    });
}

fn snap(name: &str, app: &mut App) {
    snap_at(name, app, &SIZES);
}

/// The first screen of a determination shows `words` (at every size).
fn first_screen_shows(app: &mut App, words: &[&str]) {
    for (w, h) in DETERMINATION_SIZES {
        let screen = render(app, w, h);
        for word in words {
            assert!(screen.contains(word), "{word:?} at {w}x{h}:\n{screen}");
        }
    }
}

#[test]
fn determination_decided_by_an_october_clause() {
    let mut app = at_result(&OCTOBER);
    first_screen_shows(
        &mut app,
        &["Decided by: No. 61 Art. 3", "denied in principle"],
    );
    snap_at("determination_october", &mut app, &DETERMINATION_SIZES);
}

#[test]
fn determination_with_only_a_suspended_clause() {
    let mut app = at_result_on("2025-12-01", &CIVIL);
    first_screen_shows(
        &mut app,
        &["October 2025 announcements: No. 61 Art. 1(3)", "suspended"],
    );
    snap_at("determination_suspended", &mut app, &DETERMINATION_SIZES);
}

#[test]
fn determination_provisional_with_a_by_answer_table() {
    let mut app = at_result(&OPEN_RECIPIENT);
    first_screen_shows(
        &mut app,
        &[
            "provisional",
            "if the recipient type is Control List party: ECL",
            "Range: licence to prohibited",
            "Control List party -> prohibited",
            "exporter in China",
        ],
    );
    // Each value group once, with what decides it; at 60x20 the last ones give way to a
    // line that says where they show.
    for (w, h) in [(80, 24), (120, 40)] {
        let screen = render(&mut app, w, h);
        for word in [
            "Watch List party -> licence (Dual-Use",
            "any option but Control List party, Watch",
        ] {
            assert!(screen.contains(word), "{word:?} at {w}x{h}:\n{screen}");
        }
    }
    let small = render(&mut app, 60, 20);
    assert!(small.contains("more lines: w shows them"), "{small}");
    // Lines an officer acts on wrap rather than end cut ("~" marks a cut), at 80x24 and
    // 60x20 alike; the paraphrase (shown whole by Enter) gives way whole.
    for (w, h) in [(80, 24), (60, 20)] {
        let screen = render(&mut app, w, h);
        let summary = screen.lines().take_while(|l| !l.contains("Clauses:"));
        for line in summary {
            assert!(!line.contains('~'), "{w}x{h}: {line}");
        }
    }
    snap_at("determination_provisional", &mut app, &DETERMINATION_SIZES);
}

#[test]
fn determination_past_the_suspension_with_the_extension_scenario() {
    let mut app = at_result_on("2026-11-20", &CIVIL);
    first_screen_shows(
        &mut app,
        &[
            "No. 70's suspension ended on 10 Nov 2026",
            "UNVERIFIED",
            "obtained by the",
            "foreign re-exporter",
        ],
    );
    snap_at(
        "determination_past_suspension",
        &mut app,
        &DETERMINATION_SIZES,
    );
}

#[test]
fn determination_clause_detail_and_why_trace() {
    let mut app = at_result(&OCTOBER);
    apply(&mut app, [Action::Next]);
    snap("determination_clause", &mut app);
    apply(&mut app, [Action::Why]);
    snap("determination_why", &mut app);
    insta::assert_snapshot!("determination_wide_200x50", {
        apply(&mut app, [Action::Why]);
        render(&mut app, 200, 50)
    });
}

/// NO_COLOR: no cell has a colour, but the highlight is still reversed and headings bold,
/// so nothing depends on colour; ASCII borders for terminals without box drawing.
#[test]
fn determination_without_colour_and_with_ascii_borders() {
    let mut app = at_result(&OCTOBER);
    app.theme = Theme {
        no_color: true,
        ascii: true,
    };
    let terminal = terminal(&mut app, 80, 24);
    let buffer = terminal.backend().buffer();
    let cells = || buffer.content.iter();
    assert!(
        cells().all(|c| matches!(c.fg, Color::Reset) && matches!(c.bg, Color::Reset)),
        "a colour under NO_COLOR"
    );
    assert!(cells().any(|c| c.modifier.contains(Modifier::REVERSED)));
    assert!(cells().any(|c| c.modifier.contains(Modifier::BOLD)));
    snap_at("determination_no_color_ascii", &mut app, &[(80, 24)]);
}

#[test]
fn question_lists() {
    let mut app = app();
    apply(&mut app, [Action::Down, Action::Down, Action::Down]);
    snap("stage_list", &mut app);
    apply(
        &mut app,
        [Action::Jump(7), Action::Next, Action::Jump(2), Action::Next],
    );
    apply(&mut app, [Action::Bottom]);
    snap("origin_unknown", &mut app);
}

#[test]
fn goods_picker_filtered_by_an_element() {
    let mut app = app();
    choose(&mut app, "none");
    type_text(&mut app, "dy");
    snap("goods_picker", &mut app);
}

#[test]
fn a_long_list_says_how_many_options_are_out_of_sight() {
    let mut app = app();
    answer(&mut app, &OCTOBER);
    while app.step != Step::Question(app.rules.question_position("recipient").expect("q")) {
        apply(&mut app, [Action::Back]);
    }
    let count = app.rules.questions[app.rules.question_position("recipient").expect("q")]
        .options
        .len();
    apply(&mut app, [Action::Top]);
    let screen = render(&mut app, 80, 24);
    assert!(screen.contains("more options below"), "{screen}");
    assert!(screen.contains(&format!("Option 1 of {count}")), "{screen}");
    snap_at("recipient_list_top", &mut app, &[(80, 24), (60, 20)]);
    apply(&mut app, [Action::NotKnown]);
    let screen = render(&mut app, 80, 24);
    assert!(screen.contains("more options above"), "{screen}");
    assert!(
        screen.contains(&format!("> {count}. Not known yet")),
        "{screen}"
    );
    snap_at("recipient_list_not_known", &mut app, &[(80, 24), (60, 20)]);
}

#[test]
fn country_picker_filtered() {
    let mut app = app();
    answer(&mut app, &OCTOBER);
    apply(&mut app, [Action::Back]);
    type_text(&mut app, "ger");
    snap("country_picker", &mut app);
}

fn fill_details(app: &mut App) {
    apply(app, [Action::NextField]);
    type_text(app, "PO-2025-0117");
    apply(app, [Action::NextField]);
    type_text(app, "深圳稀土有限公司");
    // The end user is the counterparty: left empty.
    apply(app, [Action::NextField, Action::NextField]);
    type_text(app, "A. Officer");
}

#[test]
fn details_form_with_wide_characters_and_the_date_selected() {
    let mut app = app();
    answer(&mut app, &OCTOBER);
    snap("details_date_selected", &mut app);
    fill_details(&mut app);
    apply(&mut app, [Action::PrevField, Action::PrevField]);
    snap("details_form", &mut app);
}

#[test]
fn details_form_validation_error() {
    let mut app = app();
    answer(&mut app, &OCTOBER);
    set_date(&mut app, "2025-02-30");
    apply(&mut app, [Action::NextField]);
    snap("details_invalid_date", &mut app);
    // A long message wraps under its field, every word shown, at 80x24 and 60x20.
    apply(&mut app, [Action::PrevField]);
    set_date(&mut app, "yesterday");
    apply(&mut app, [Action::NextField]);
    for (w, h) in [(80, 24), (60, 20)] {
        let screen = render(&mut app, w, h);
        assert!(
            !screen.contains('~'),
            "nothing is cut at {w}x{h}:\n{screen}"
        );
        assert!(screen.contains("2025-11-07"), "{w}x{h}:\n{screen}");
    }
    snap_at("details_not_a_date", &mut app, &[(80, 24), (60, 20)]);
}

#[test]
fn details_form_scrolls_long_values() {
    let mut app = app();
    answer(&mut app, &OCTOBER);
    apply(&mut app, [Action::NextField, Action::NextField]);
    type_text(
        &mut app,
        &"深圳稀土有限公司 Shenzhen Rare Earth Trading ".repeat(3),
    );
    snap("details_long_value", &mut app);
}

#[test]
fn review_with_questions_not_needed() {
    let mut app = app();
    answer(
        &mut app,
        &[
            ("stage", "none"),
            ("goods", "n61_part1"),
            ("origin", "no_chinese_nexus"),
        ],
    );
    fill_details(&mut app);
    apply(&mut app, [Action::NextField, Action::Next]);
    assert_eq!(app.step, Step::Review);
    snap("review", &mut app);
}

#[test]
fn saved_and_failed_status() {
    let mut app = at_result(&OCTOBER);
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
    // Where the workbench signs saves, the status says whether this one was.
    for (id, signed, shown) in [
        ("r-000043", true, " Saved as r-000043, signed"),
        ("r-000044", false, " Saved as r-000044, unsigned"),
    ] {
        apply(
            &mut app,
            [
                Action::Back,
                Action::Next,
                Action::Save,
                Action::Saved(Ok(SavedRecord {
                    id: id.into(),
                    signed: Some(signed),
                })),
            ],
        );
        let screen = render(&mut app, 80, 24);
        assert!(
            screen
                .lines()
                .any(|l| l.trim_matches('"').trim_end() == shown),
            "{shown:?} in:\n{screen}"
        );
    }
}

#[test]
fn help_overlays() {
    let mut app = app();
    apply(&mut app, [Action::Help]);
    snap("help_list", &mut app);
    let mut app = at_result(&OCTOBER);
    apply(&mut app, [Action::Help]);
    snap("help_determination", &mut app);
    // Too long for 60x20: it scrolls, and the border says which lines show.
    let screen = render(&mut app, 60, 20);
    assert!(screen.contains("lines 1-18 of"), "{screen}");
    assert!(!screen.contains("Close this help"), "{screen}");
    apply(&mut app, [Action::Bottom]);
    let screen = render(&mut app, 60, 20);
    assert!(screen.contains("Close this help"), "{screen}");
    snap_at("help_determination_scrolled", &mut app, &[(60, 20)]);
    apply(&mut app, [Action::CloseOverlay]);
    assert_eq!(app.overlay, None);
}

#[test]
fn confirm_quit_overlay() {
    let mut app = at_result(&OCTOBER);
    apply(&mut app, [Action::Quit]);
    assert_eq!(app.overlay, Some(Overlay::Confirm(Pending::Quit)));
    let screen = render(&mut app, 80, 24);
    assert!(
        screen.contains("y quit, the determination is lost  n stay here"),
        "each key says what it does: {screen}"
    );
    snap_at("confirm_quit", &mut app, &[(80, 24), (60, 20), (120, 40)]);
    apply(&mut app, [Action::No, Action::New]);
    let screen = render(&mut app, 80, 24);
    assert!(
        screen.contains("y start anew, the determination is lost  n stay here  q quit"),
        "{screen}"
    );
}

#[test]
fn resume_overlay_lists_drafts_with_what_each_key_does() {
    let draft = |id: &str, started: &str, reference: &str| Draft {
        id: id.into(),
        started: started.parse().expect("date-time"),
        step: Step::Details,
        answers: ree_screen::Answers::new()
            .with("stage", "none")
            .with("goods", "n61_part1")
            .with("origin", "china_export"),
        answered_anyway: Vec::new(),
        date: "2025-10-19".into(),
        details: Details {
            reference: reference.into(),
            counterparty: "深圳稀土有限公司".into(),
            ..Details::default()
        },
        reviews: Vec::new(),
    };
    let mut older = draft("a", "2025-10-18T09:05", "PO-7\u{1b}[2J");
    older.details.end_user = "Acme GmbH".into();
    older.reviews = vec![ree_screen::tui::matches::NameReview {
        field: ree_screen::parties::Field::EndUser,
        given: "Acme GmbH".into(),
        entry: "internal-1".into(),
        review: ree_screen::parties::Review::Dismiss("another Acme".into()),
    }];
    let mut app = app();
    app.overlay = Some(Overlay::Resume(ResumeList {
        drafts: vec![draft("b", "2025-10-19T16:40", "PO-8"), older],
        selected: 0,
    }));
    snap("resume_drafts", &mut app);
    apply(&mut app, [Action::Yes]);
    snap("keep_date", &mut app);
    assert_eq!(app.field(Field::Reference).value(), "PO-8");
}

#[test]
fn too_small_and_tiny_sizes_never_panic() {
    let mut app = app();
    insta::assert_snapshot!("too_small_50x12", render(&mut app, 50, 12));
    for mut app in [tui_support::app(), at_result(&OPEN_RECIPIENT)] {
        apply(&mut app, [Action::Help]);
        for (w, h) in [
            (1, 1),
            (2, 1),
            (1, 30),
            (59, 24),
            (60, 16),
            (300, 3),
            (60, 20),
        ] {
            render(&mut app, w, h);
        }
        apply(&mut app, [Action::CloseOverlay, Action::Why]);
        for (w, h) in [(60, 16), (61, 17), (200, 16)] {
            render(&mut app, w, h);
        }
    }
}

/// Where the panel is tall enough (here beside the list), the help's fields start on the
/// same row for every option, so moving the highlight rewrites only the words that differ.
#[test]
fn help_fields_keep_their_rows_across_options() {
    let mut app = app();
    let mut rows = Vec::new();
    for option in 1..=8 {
        apply(&mut app, [Action::Jump(option)]);
        let screen = render(&mut app, 120, 40);
        let row = |heading: &str| screen.lines().position(|l| l.contains(heading));
        rows.push((row("│Example: "), row("│Relates to: ")));
    }
    assert!(rows[0].0.is_some() && rows[0].1.is_some(), "{rows:?}");
    assert!(
        rows.iter().all(|r| r.0.is_none_or(|y| Some(y) == rows[0].0)
            && r.1.is_none_or(|y| Some(y) == rows[0].1)),
        "{rows:?}"
    );
}

#[test]
fn character_count_shows_near_the_limit_only() {
    let mut app = app();
    answer(&mut app, &OCTOBER);
    apply(&mut app, [Action::NextField]);
    type_text(&mut app, &"x".repeat(107));
    assert!(render(&mut app, 80, 24).contains("Up to 120 characters"));
    type_text(&mut app, "x");
    assert!(render(&mut app, 80, 24).contains("108 of 120 characters"));
}

#[test]
fn details_form_with_name_matches_and_a_dismissal() {
    let screener = ree_screen::parties::Screener::new(
        ree_screen::parties::PartyLists::embedded().expect("party lists"),
    );
    let mut app = app().with_parties(std::sync::Arc::new(screener));
    // Dysprosium oxide exported from China to a civil buyer in the US.
    answer(
        &mut app,
        &[
            ("stage", "none"),
            ("goods", "no18_items"),
            ("origin", "china_export"),
            ("recipient", "civil"),
            ("destination", "US"),
        ],
    );
    set_date(&mut app, "2026-12-04");
    apply(&mut app, [Action::NextField, Action::NextField]);
    type_text(&mut app, "MP Materails");
    apply(&mut app, [Action::NextField]);
    type_text(&mut app, "美國稀土公司");
    snap("details_name_matches", &mut app);
    apply(&mut app, [Action::DismissMatch]);
    apply(&mut app, [Action::Next]);
    snap("details_dismiss_needs_a_reason", &mut app);
    type_text(&mut app, "a namesake in Ohio");
    apply(
        &mut app,
        [Action::Next, Action::PrevField, Action::ConfirmMatch],
    );
    assert_eq!(app.overlay, None);
    snap("details_name_matches_decided", &mut app);
    apply(&mut app, (0..3).map(|_| Action::NextField));
    apply(&mut app, [Action::Next]);
    snap("review_with_name_matches", &mut app);
    apply(&mut app, [Action::Next]);
    let decision = app.decision.as_ref().expect("screened");
    let d = &decision.screening.determination;
    assert_eq!(d.outcome, ree_screen::rules::Outcome::Prohibited);
    assert_eq!(d.decided_by, ["party:counterparty:2026-23-06"]);
    let kinds: Vec<&str> = d.parties.iter().map(|p| p.kind.id()).collect();
    assert_eq!(kinds, ["match", "dismissed"]);
    assert_eq!(d.parties[1].reason.as_deref(), Some("a namesake in Ohio"));
}

/// An open possible match is named on the review, with how to decide it, before the
/// officer asks for the determination.
#[test]
fn the_review_says_an_open_possible_match_makes_the_result_provisional() {
    let screener = ree_screen::parties::Screener::new(
        ree_screen::parties::PartyLists::embedded().expect("party lists"),
    );
    let mut app = app().with_parties(std::sync::Arc::new(screener));
    answer(&mut app, &OCTOBER);
    set_date(&mut app, "2026-12-04");
    apply(&mut app, [Action::NextField, Action::NextField]);
    type_text(&mut app, "MP Materails");
    apply(&mut app, (0..3).map(|_| Action::NextField));
    apply(&mut app, [Action::Next]);
    assert_eq!(app.step, Step::Review);
    let screen = render(&mut app, 80, 24);
    assert!(
        screen.contains("90 POSSIBLE MP Materials Corp. (counterparty): 2026 No. 23"),
        "{screen}"
    );
    assert!(screen.contains("A possible name match is open"), "{screen}");
}

#[test]
fn every_options_help_shows_whole_at_80x24_and_60x20() {
    let mut app = app();
    while let Step::Question(q) = app.step {
        let question = app.rules.questions[q].clone();
        if app.is_picker(q) {
            break;
        }
        for (i, option) in question.options.iter().enumerate() {
            app.highlight[q] = i;
            for (w, h) in [(80, 24), (60, 20)] {
                let screen = render(&mut app, w, h);
                let words: String = screen
                    .lines()
                    .map(|l| l.trim_matches('"').trim_matches('│').trim())
                    .collect::<Vec<_>>()
                    .join(" ");
                let texts = [Some(&option.help), option.example.as_ref()]
                    .into_iter()
                    .chain([option.relates_to.as_ref()])
                    .flatten();
                for text in texts {
                    let last = text.split_whitespace().last().unwrap_or_default();
                    assert!(
                        words.contains(last),
                        "{} option {} at {w}x{h} lacks {last:?}:\n{screen}",
                        question.id,
                        i + 1
                    );
                }
            }
        }
        app.highlight[q] = 0;
        apply(&mut app, [Action::Next]);
    }
}

/// An export from China to a US civil user on 2026-12-04: the decisive clause's paraphrase
/// wraps whole at 80x24 rather than ending cut ("~"), and at 60x20 it gives way whole.
#[test]
fn determination_paraphrase_wraps_whole() {
    let us_civil = [
        ("stage", "none"),
        ("goods", "n61_part1"),
        ("origin", "china_export"),
        ("recipient", "civil"),
        ("destination", "US"),
    ];
    let mut app = at_result_on("2026-12-04", &us_civil);
    for (w, h) in DETERMINATION_SIZES {
        let screen = render(&mut app, w, h);
        let summary = screen.lines().take_while(|l| !l.contains("Clauses:"));
        for line in summary {
            assert!(!line.contains('~'), "{w}x{h}: {line}\n{screen}");
        }
    }
    snap_at("determination_us_civil", &mut app, &DETERMINATION_SIZES);
}
