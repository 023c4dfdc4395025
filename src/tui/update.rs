//! The pure state transition: `update(&mut App, Action)` changes the state and names the IO
//! the runtime must do (save, write the draft, quit) as an `Effect`. No IO happens here, so
//! every behaviour is testable with plain values.

use tui_input::{Input, InputRequest};

use super::action::{Action, Edit};
use super::app::{App, Decision, Overlay, Pending, SaveState, Step, field_index};
use super::draft::Draft;
use super::history_view::{self, HistoryEffect};
use super::screens::result;
use crate::present::present;
use crate::report::{self, Detail};
use crate::screening::{Field, Screening, parse_date, validate_field};

/// IO the runtime carries out after an update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Save to the history; the runtime answers with `Action::Saved`.
    Save(Box<Screening>),
    SaveDraft(Box<Draft>),
    DiscardDraft,
    /// Read from or save to the history, for the history view.
    History(HistoryEffect),
    Quit,
}

pub fn update(app: &mut App, action: Action) -> Option<Effect> {
    match action {
        Action::Resize(w, h) => {
            app.size = (w, h);
            app.scroll = app.scroll.min(result::max_scroll(app));
            return None;
        }
        Action::Saved(outcome) => return saved(app, outcome),
        Action::DraftFailed(message) => {
            app.notice = Some(message);
            return None;
        }
        Action::HistoryEvent(event) => return history_view::on_event(app, event),
        _ => {}
    }
    if let Some(overlay) = app.overlay.take() {
        return on_overlay(app, overlay, action);
    }
    app.notice = None;
    match action {
        Action::Help => {
            app.overlay = Some(Overlay::Help);
            None
        }
        Action::Quit => ask_before(app, Pending::Quit),
        _ if app.history.is_some() => history_view::update(app, action),
        Action::History => history_view::open(app),
        _ => match app.step {
            Step::Question(q) => on_list(app, q, action),
            Step::Details => on_form(app, action),
            Step::Review => on_review(app, action),
            Step::Result => on_result(app, action),
        },
    }
}

fn on_overlay(app: &mut App, overlay: Overlay, action: Action) -> Option<Effect> {
    match (overlay, action) {
        (Overlay::Help, Action::CloseOverlay) => None,
        (Overlay::Help, Action::Quit) => ask_before(app, Pending::Quit),
        (Overlay::Confirm(Pending::Quit), Action::Yes | Action::Quit) => Some(Effect::Quit),
        (Overlay::Confirm(Pending::New), Action::Yes) => start_new(app),
        (Overlay::Confirm(Pending::New), Action::Quit) => ask_before(app, Pending::Quit),
        (Overlay::Confirm(_), Action::No) => None,
        (Overlay::Resume(draft), Action::Yes) => {
            app.resume(&draft);
            None
        }
        (Overlay::Resume(_), Action::No) => Some(Effect::DiscardDraft),
        (Overlay::Resume(_), Action::Quit) => Some(Effect::Quit),
        (overlay, _) => {
            app.overlay = Some(overlay);
            None
        }
    }
}

/// Quit or start over at once, or ask first when a determination is not yet saved.
fn ask_before(app: &mut App, pending: Pending) -> Option<Effect> {
    if app.unsaved_determination() {
        app.overlay = Some(Overlay::Confirm(pending));
        return None;
    }
    match pending {
        Pending::Quit => Some(Effect::Quit),
        Pending::New => start_new(app),
    }
}

fn start_new(app: &mut App) -> Option<Effect> {
    app.reset();
    Some(Effect::DiscardDraft)
}

/// Move to another step and keep the draft.
fn go_to(app: &mut App, step: Step) -> Option<Effect> {
    if step == app.step {
        return None;
    }
    app.step = step;
    app.highlight_answers();
    if step != Step::Result {
        app.decision = None;
        app.scroll = 0;
    }
    app.draft().map(|d| Effect::SaveDraft(Box::new(d)))
}

/// The step after question `q`: the next question asked (only one not answered yet when
/// changing an answer from the review), else the record details (or back to the review).
fn after_question(app: &App, q: usize) -> Step {
    let mut next = q + 1;
    while let Some(n) = app.next_question(next) {
        let unanswered = app.answers.get(&app.rules.questions[n].id).is_none();
        if !app.from_review || unanswered {
            return Step::Question(n);
        }
        next = n + 1;
    }
    if app.from_review {
        Step::Review
    } else {
        Step::Details
    }
}

/// The step before question `q`: the previous question asked, if any.
fn before_question(app: &App, q: usize) -> Option<Step> {
    app.previous_question(q).map(Step::Question)
}

fn on_list(app: &mut App, q: usize, action: Action) -> Option<Effect> {
    let count = app.rules.questions.get(q)?.options.len();
    let last = count.saturating_sub(1);
    let highlight = &mut app.highlight[q];
    match action {
        Action::Up => *highlight = highlight.saturating_sub(1),
        Action::Down => *highlight = (*highlight + 1).min(last),
        Action::PageUp => *highlight = highlight.saturating_sub(10),
        Action::PageDown => *highlight = (*highlight + 10).min(last),
        Action::Top => *highlight = 0,
        Action::Bottom => *highlight = last,
        Action::Jump(n) if (1..=count).contains(&usize::from(n)) => *highlight = usize::from(n) - 1,
        Action::Jump(n) => {
            app.notice = Some(format!("There is no option {n}: choose 1 to {count}"))
        }
        Action::Next => {
            let question = &app.rules.questions[q];
            let id = question.options.get(*highlight)?.id.clone();
            let qid = question.id.clone();
            app.answers.set(&qid, &id);
            if app.from_review && app.skip(q).is_some() {
                app.answered_anyway.insert(qid);
            }
            let next = after_question(app, q);
            if next == Step::Review {
                app.from_review = false;
            }
            return go_to(app, next);
        }
        Action::Back => {
            app.from_review = false;
            return before_question(app, q).and_then(|s| go_to(app, s));
        }
        _ => {}
    }
    None
}

/// The last question asked, for going back from the record details.
fn last_question(app: &App) -> Step {
    app.previous_question(app.rules.questions.len())
        .map_or(Step::Question(0), Step::Question)
}

fn on_form(app: &mut App, action: Action) -> Option<Effect> {
    let field = Field::ALL[app.focus];
    match action {
        Action::Type(c) => insert(app, field, &c.to_string()),
        Action::Paste(text) => insert(app, field, &text),
        Action::Edit(Edit::DeleteBack) if app.inputs[app.focus].value().is_empty() => {
            let step = last_question(app);
            return go_to(app, step);
        }
        Action::Edit(edit) => {
            app.inputs[app.focus].handle(request(edit));
            app.errors[app.focus] = None;
        }
        Action::NextField => {
            check(app, field);
            app.focus = (app.focus + 1) % Field::ALL.len();
        }
        Action::PrevField => {
            check(app, field);
            app.focus = (app.focus + Field::ALL.len() - 1) % Field::ALL.len();
        }
        Action::Next if app.focus + 1 < Field::ALL.len() => {
            // Enter leaves a field only when it is valid.
            let valid = check(app, field);
            app.focus += usize::from(valid);
        }
        Action::Next => {
            let first_error = Field::ALL
                .into_iter()
                .filter(|f| !check(app, *f))
                .map(field_index)
                .min();
            match first_error {
                Some(i) => app.focus = i,
                None => return go_to(app, Step::Review),
            }
        }
        Action::Back => {
            let step = last_question(app);
            return go_to(app, step);
        }
        _ => {}
    }
    None
}

pub(super) fn request(edit: Edit) -> InputRequest {
    match edit {
        Edit::Left => InputRequest::GoToPrevChar,
        Edit::Right => InputRequest::GoToNextChar,
        Edit::Start => InputRequest::GoToStart,
        Edit::End => InputRequest::GoToEnd,
        Edit::DeleteBack => InputRequest::DeletePrevChar,
        Edit::DeleteForward => InputRequest::DeleteNextChar,
        Edit::Clear => InputRequest::DeleteLine,
    }
}

/// Type or paste into a field: control characters become spaces (so nothing typed can reach
/// the terminal as an escape), and text past the field's limit is refused with a message.
fn insert(app: &mut App, field: Field, text: &str) {
    let input: &mut Input = &mut app.inputs[app.focus];
    let room = field
        .max_chars()
        .saturating_sub(input.value().chars().count());
    let mut chars = text.chars().map(|c| if c.is_control() { ' ' } else { c });
    for c in chars.by_ref().take(room) {
        input.handle(InputRequest::InsertChar(c));
    }
    app.errors[app.focus] = chars.next().map(|_| {
        format!(
            "{} takes at most {} characters",
            field.label(),
            field.max_chars()
        )
    });
}

/// Validate one field, record its message, and say whether it is valid.
fn check(app: &mut App, field: Field) -> bool {
    let i = field_index(field);
    let message = validate_field(field, app.inputs[i].value()).err();
    let valid = message.is_none();
    app.errors[i] = message;
    valid
}

/// The review numbers the questions 1 to N in rule-set order, then the record details.
fn on_review(app: &mut App, action: Action) -> Option<Effect> {
    match action {
        Action::Jump(n) => {
            let index = usize::from(n).checked_sub(1)?;
            let questions = app.rules.questions.len();
            if index < questions {
                app.from_review = true;
                go_to(app, Step::Question(index))
            } else if index == questions {
                go_to(app, Step::Details)
            } else {
                app.notice = Some(format!("There is no line {n} to change"));
                None
            }
        }
        Action::Back => go_to(app, Step::Details),
        Action::Next => {
            let date = match parse_date(app.input(Field::Date).value()) {
                Ok(date) => date,
                Err(message) => {
                    app.errors[field_index(Field::Date)] = Some(message);
                    app.focus = field_index(Field::Date);
                    return go_to(app, Step::Details);
                }
            };
            let screening = Screening::run(&app.rules, &app.engine_answers(), date, app.details());
            let presentation = present(&app.rules, &screening.determination);
            let report = report::text(&presentation, Detail::Concise);
            app.decision = Some(Decision {
                screening,
                presentation,
                report,
                saved: SaveState::Unsaved,
            });
            app.scroll = 0;
            go_to(app, Step::Result)
        }
        _ => None,
    }
}

fn on_result(app: &mut App, action: Action) -> Option<Effect> {
    let page = result::page_height(app).max(1);
    let max = result::max_scroll(app);
    match action {
        Action::Up => app.scroll = app.scroll.saturating_sub(1),
        Action::Down => app.scroll = app.scroll.saturating_add(1).min(max),
        Action::PageUp => app.scroll = app.scroll.saturating_sub(page),
        Action::PageDown => app.scroll = app.scroll.saturating_add(page).min(max),
        Action::Top => app.scroll = 0,
        Action::Bottom => app.scroll = max,
        Action::Back => return go_to(app, Step::Review),
        Action::New => return ask_before(app, Pending::New),
        Action::Save => {
            let decision = app.decision.as_mut()?;
            match &decision.saved {
                SaveState::Saved(id) => app.notice = Some(format!("Already saved as {id}")),
                SaveState::Saving => {}
                SaveState::Unsaved | SaveState::Failed(_) => {
                    decision.saved = SaveState::Saving;
                    return Some(Effect::Save(Box::new(decision.screening.clone())));
                }
            }
        }
        _ => {}
    }
    None
}

fn saved(app: &mut App, result: Result<String, String>) -> Option<Effect> {
    let decision = app.decision.as_mut()?;
    decision.saved = match result {
        Ok(id) => SaveState::Saved(id),
        Err(message) => SaveState::Failed(message),
    };
    matches!(decision.saved, SaveState::Saved(_)).then_some(Effect::DiscardDraft)
}
