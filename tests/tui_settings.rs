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
use tui_support::{answer, apply, at_result, render};

fn settings(text: &str) -> Settings {
    Settings::parse(Path::new("/home/officer/settings.toml"), text).expect("valid settings")
}

/// A workbench started the way `tui::run` starts it from these settings.
fn app_with(settings: &Settings) -> App {
    let mut app = tui_support::app().with_defaults(settings.new_details());
    app.keys = KeyMap::with_overrides(&settings.keys).expect("keys apply");
    app
}

fn press(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}

#[test]
fn officer_and_destination_prefill_new_screenings() {
    let settings = settings("officer = \"J. Roe\"\ndestination = \"Germany\"\n");
    let mut app = app_with(&settings);
    assert_eq!(app.input(Field::Officer).value(), "J. Roe");
    assert_eq!(app.input(Field::Destination).value(), "Germany");
    assert_eq!(app.input(Field::Reference).value(), "");
    assert_eq!(app.input(Field::Date).value(), tui_support::TODAY);
    assert_eq!(app.draft(), None, "defaults alone are not worth a draft");

    answer(&mut app, [7, 1, 2]);
    assert_eq!(app.step, Step::Details);
    let screen = render(&mut app, 80, 24);
    assert!(screen.contains("  Officer          J. Roe "), "{screen}");

    let mut app = at_result([7, 1, 2]);
    app = app.with_defaults(settings.new_details());
    apply(&mut app, [Action::Save, Action::Saved(Ok("r-1".into()))]);
    apply(&mut app, [Action::New]);
    assert_eq!(app.step, Step::Stage);
    assert_eq!(
        app.input(Field::Officer).value(),
        "J. Roe",
        "a new screening starts from the defaults again"
    );
    assert_eq!(app.input(Field::Destination).value(), "Germany");
}

#[test]
fn a_back_key_override_works_and_shows_in_the_bar_and_help() {
    let mut app = app_with(&settings("[keys]\nback = \"h\"\n"));
    apply(&mut app, [Action::Next]);
    assert_eq!(app.step, Step::Origin);
    let back = app.keys.action_for(app.context(), &press('h'));
    assert_eq!(back, Some(Action::Back));
    apply(&mut app, back);
    assert_eq!(app.step, Step::Stage);

    let screen = render(&mut app, 80, 24);
    let bar = screen.lines().last().expect("key bar");
    assert!(bar.contains(" h back "), "{bar}");
    apply(&mut app, [Action::Help]);
    let help = render(&mut app, 80, 24);
    assert!(help.contains("h/Esc/b/Backspace  Back one step"), "{help}");

    let mut form = app_with(&settings("[keys]\nback = \"h\"\n"));
    answer(&mut form, [7, 1, 2]);
    assert_eq!(
        form.keys.action_for(Context::Form, &press('h')),
        Some(Action::Type('h')),
        "in a text field h types"
    );
}
