//! The officer's settings in the workbench: officer and destination prefill every new
//! screening, and a `[keys]` override reaches the key map, the key bar and the `?` overlay.

mod tui_support;

use std::path::Path;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ree_screen::screening::Field;
use ree_screen::settings::Settings;
use ree_screen::tui::action::Action;
use ree_screen::tui::app::{App, Step};
use ree_screen::tui::keys::{Context, KeyMap};
use tui_support::{OCTOBER, answer, apply, at_result, render};

fn settings(text: &str) -> Settings {
    Settings::parse(Path::new("/home/officer/settings.toml"), text).expect("valid settings")
}

/// A workbench started the way `tui::run` starts it from these settings.
fn app_with(settings: &Settings) -> App {
    let app = tui_support::app();
    let preselected = settings.preselected(&app.rules);
    let mut app = app.with_defaults(settings.new_details(), preselected);
    app.keys = KeyMap::with_overrides(&settings.keys).expect("keys apply");
    app
}

fn press(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}

#[test]
fn officer_and_destination_prefill_new_screenings() {
    let settings = settings("officer = \"J. Roe\"\ndestination = \"DE\"\n");
    let mut app = app_with(&settings);
    assert_eq!(app.field(Field::Officer).value(), "J. Roe");
    assert_eq!(app.field(Field::Reference).value(), "");
    assert_eq!(app.field(Field::Date).value(), tui_support::TODAY);
    assert_eq!(app.draft(), None, "defaults alone are not worth a draft");

    // The destination is highlighted, not chosen: Enter on the picker takes it.
    let answered: Vec<(&str, &str)> = OCTOBER
        .into_iter()
        .filter(|(q, _)| *q != "destination")
        .collect();
    let destination = app.rules.question_position("destination").expect("asked");
    while app.step != Step::Question(destination) {
        let Step::Question(q) = app.step else {
            panic!("{:?}", app.step)
        };
        let id = app.rules.questions[q].id.clone();
        let option = answered
            .iter()
            .find(|(x, _)| *x == id)
            .map_or("unknown", |(_, o)| *o);
        tui_support::choose(&mut app, option);
    }
    apply(&mut app, [Action::Next]);
    assert_eq!(app.answers.get("destination"), Some("DE"));
    assert_eq!(app.step, Step::Details);
    let screen = render(&mut app, 80, 24);
    assert!(screen.contains("  Officer          J. Roe "), "{screen}");

    let app = at_result(&OCTOBER);
    let preselected = settings.preselected(&app.rules);
    let mut app = app.with_defaults(settings.new_details(), preselected);
    apply(&mut app, [Action::Save, Action::Saved(Ok("r-1".into()))]);
    apply(&mut app, [Action::New]);
    assert_eq!(app.step, Step::Question(0));
    assert_eq!(
        app.field(Field::Officer).value(),
        "J. Roe",
        "a new screening starts from the defaults again"
    );
}

#[test]
fn a_back_key_override_works_and_shows_in_the_bar_and_help() {
    let mut app = app_with(&settings("[keys]\nback = \"h\"\n"));
    // Production-line services: the next question is the line, a list.
    apply(&mut app, [Action::Jump(6), Action::Next]);
    assert_eq!(app.step, Step::Question(1));
    let back = app.keys.action_for(app.context(), &press('h'));
    assert_eq!(back, Some(Action::Back));
    apply(&mut app, back);
    assert_eq!(app.step, Step::Question(0));

    let screen = render(&mut app, 80, 24);
    let bar = screen.lines().last().expect("key bar");
    assert!(bar.contains(" h back "), "{bar}");
    apply(&mut app, [Action::Help]);
    let help = render(&mut app, 80, 24);
    assert!(help.contains("h/Esc/b        Back one step"), "{help}");

    let mut form = app_with(&settings("[keys]\nback = \"h\"\n"));
    answer(&mut form, &OCTOBER);
    assert_eq!(
        form.keys.action_for(Context::Form, &press('h')),
        Some(Action::Type('h')),
        "in a text field h types"
    );
}
