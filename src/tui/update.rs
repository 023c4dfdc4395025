//! The pure state transition: `update(&mut App, Action)` changes the state and names the IO
//! the runtime must do (save, write the draft, quit) as an `Effect`. No IO happens here, so
//! every behaviour is testable with plain values.

use super::action::{Action, SavedRecord};
use super::app::{
    App, CopySource, Decision, Overlay, Pane, Pending, ResultView, SaveState, Skip, Step,
    field_index,
};
use super::draft::Draft;
use super::history_view::{self, HistoryEffect};
use super::screens::result;
use super::view::too_small;
use super::widgets::scroll_view::Scroll;
use crate::present::present;
use crate::rules::UNKNOWN;
use crate::screening::{Field, Screening, parse_date, validate_field};
use crate::text::sanitize;

use super::widgets::text_field::TextField;

/// IO the runtime carries out after an update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Save to the history; the runtime answers with `Action::Saved`.
    Save(Box<Screening>),
    /// Write the draft (under its id, which this workbench then holds).
    SaveDraft(Box<Draft>),
    /// Remove the draft with this id.
    DiscardDraft(String),
    /// Read from or save to the history, for the history view.
    History(HistoryEffect),
    /// Put text on the terminal's clipboard (OSC 52, which works over SSH).
    Copy(String),
    Quit,
}

pub fn update(app: &mut App, action: Action) -> Option<Effect> {
    let effect = dispatch(app, action);
    app.refresh();
    effect
}

fn dispatch(app: &mut App, action: Action) -> Option<Effect> {
    match action {
        Action::Resize(w, h) => {
            app.size = (w, h);
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
    if too_small(app.size) {
        // Nothing acts unseen; quitting keeps the draft, so it needs no question.
        return (action == Action::Quit).then_some(Effect::Quit);
    }
    let action = match action {
        Action::Repeated(held) => match *held {
            // A held key never walks back: only a fresh Esc goes back.
            Action::Back => return None,
            other => other,
        },
        other => other,
    };
    if let Some(overlay) = app.overlay.take() {
        return on_overlay(app, overlay, action);
    }
    app.notice = None;
    match action {
        Action::Help => {
            app.overlay = Some(Overlay::Help(Default::default()));
            None
        }
        Action::Quit => ask_before(app, Pending::Quit),
        _ if app.history.is_some() => history_view::update(app, action),
        Action::History => history_view::open(app),
        _ => match app.step {
            Step::Question(q) if app.is_picker(q) => on_picker(app, q, action),
            Step::Question(q) => on_list(app, q, action),
            Step::Details => on_form(app, action),
            Step::Review => on_review(app, action),
            Step::Result => on_result(app, action),
        },
    }
}

fn on_overlay(app: &mut App, overlay: Overlay, action: Action) -> Option<Effect> {
    match (overlay, action) {
        (Overlay::DismissMatch { finding, reason }, action) => {
            on_dismiss(app, finding, reason, action)
        }
        (Overlay::Help(_), Action::CloseOverlay) => None,
        (Overlay::Help(_), Action::Quit) => ask_before(app, Pending::Quit),
        (Overlay::Help(mut scroll), action) => {
            if let Some(how) = scroll_of(&action) {
                let (lines, page) = super::screens::help::extent(app);
                scroll.scroll(how, lines, page);
            }
            app.overlay = Some(Overlay::Help(scroll));
            None
        }
        (Overlay::Confirm(Pending::Quit), Action::Yes | Action::Quit) => Some(Effect::Quit),
        (Overlay::Confirm(Pending::New), Action::Yes) => start_new(app),
        (Overlay::Confirm(Pending::Copy), Action::Yes) => copy_screening(app),
        (Overlay::Confirm(Pending::New | Pending::Copy | Pending::SaveImpact), Action::Quit) => {
            ask_before(app, Pending::Quit)
        }
        (Overlay::Confirm(Pending::SaveImpact), Action::Yes) => history_view::save_impact(app),
        (Overlay::Confirm(_), Action::No) => None,
        (Overlay::Resume(list), Action::Yes) => {
            let draft = list.drafts.get(list.selected)?;
            app.resume(draft);
            if let Ok(old) = parse_date(&draft.date)
                && old != app.today
            {
                app.overlay = Some(Overlay::KeepDate { old });
            }
            app.draft().map(|d| Effect::SaveDraft(Box::new(d)))
        }
        // A new screening; the drafts stay for another time.
        (Overlay::Resume(_), Action::No) => None,
        (Overlay::Resume(mut list), Action::Discard) => {
            if list.selected >= list.drafts.len() {
                app.overlay = Some(Overlay::Resume(list));
                return None;
            }
            let gone = list.drafts.remove(list.selected);
            list.selected = list.selected.min(list.drafts.len().saturating_sub(1));
            if !list.drafts.is_empty() {
                app.overlay = Some(Overlay::Resume(list));
            }
            Some(Effect::DiscardDraft(gone.id))
        }
        (Overlay::Resume(mut list), action @ (Action::Up | Action::Down)) => {
            let last = list.drafts.len().saturating_sub(1);
            list.selected = match action {
                Action::Up => list.selected.saturating_sub(1),
                _ => (list.selected + 1).min(last),
            };
            app.overlay = Some(Overlay::Resume(list));
            None
        }
        (Overlay::Resume(_), Action::Quit) => Some(Effect::Quit),
        (Overlay::KeepDate { .. }, Action::KeepDate) => None,
        (Overlay::KeepDate { .. }, Action::UseToday) => {
            let today = app.today.to_string();
            app.fields[field_index(Field::Date)].set_value(&today);
            app.refresh();
            app.draft().map(|d| Effect::SaveDraft(Box::new(d)))
        }
        (Overlay::KeepDate { .. }, Action::Quit) => Some(Effect::Quit),
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
        Pending::Copy => copy_screening(app),
        Pending::SaveImpact => history_view::save_impact(app),
    }
}

/// Start a new screening from `app.copy_source`, closing the history view if it is open;
/// the draft of the screening it replaces goes, as with a new screening.
fn copy_screening(app: &mut App) -> Option<Effect> {
    let source = app.copy_source.take()?;
    app.history = None;
    let replaced = app.draft_id.clone();
    app.start_from(&source);
    app.notice = Some(match &source.record {
        Some(id) => format!("A new screening from record {id}: review it, Enter screens it"),
        None => "A new screening from the determination: review it, Enter screens it".into(),
    });
    match app.draft() {
        Some(draft) => Some(Effect::SaveDraft(Box::new(draft))),
        None => Some(Effect::DiscardDraft(replaced)),
    }
}

/// Start a new screening from an earlier one (a stored record, or the determination on
/// screen), asking first when the form's determination is not saved.
pub(super) fn start_from(app: &mut App, source: CopySource) -> Option<Effect> {
    app.copy_source = Some(source);
    ask_before(app, Pending::Copy)
}

fn start_new(app: &mut App) -> Option<Effect> {
    app.reset();
    Some(Effect::DiscardDraft(app.draft_id.clone()))
}

/// Move to another step and keep the draft. The determination stays only while the step
/// is on its way back to it.
fn go_to(app: &mut App, step: Step) -> Option<Effect> {
    if step == app.step {
        return None;
    }
    if step != Step::Result && app.return_to != Some(Step::Result) {
        app.decision = None;
    }
    app.step = step;
    app.highlight_answers();
    app.enter_step();
    app.draft().map(|d| Effect::SaveDraft(Box::new(d)))
}

/// Where to go after question `q` was answered: the next question asked, else the record
/// details. Answering from the review or the determination asks only questions that
/// became relevant and have no answer yet, then returns (screening again for the
/// determination).
fn after_question(app: &mut App, q: usize) -> Option<Effect> {
    let Some(target) = app.return_to else {
        let next = app
            .next_question(q + 1)
            .map_or(Step::Details, Step::Question);
        return go_to(app, next);
    };
    let pending = (q + 1..app.rules.questions.len())
        .find(|&n| app.skip(n).is_none() && app.answers.get(&app.rules.questions[n].id).is_none());
    if let Some(n) = pending {
        return go_to(app, Step::Question(n));
    }
    app.return_to = None;
    match target {
        Step::Result => screen(app),
        step => go_to(app, step),
    }
}

/// Going back from question `q`: to where the officer came from (the review or the
/// determination), else to the question asked before it.
fn before_question(app: &mut App, q: usize) -> Option<Effect> {
    if let Some(target) = app.return_to.take() {
        return go_to(app, target);
    }
    app.previous_question(q)
        .and_then(|p| go_to(app, Step::Question(p)))
}

/// Choose option position `choice` for question `q` and go on.
fn choose(app: &mut App, q: usize, choice: usize) -> Option<Effect> {
    let question = app.rules.questions.get(q)?;
    let id = question.options.get(choice)?.id.clone();
    let qid = question.id.clone();
    let skipped = app.skip(q).is_some();
    app.answers.set(&qid, &id);
    if app.return_to.is_some() && skipped {
        app.answered_anyway.insert(qid);
    }
    app.refresh();
    after_question(app, q)
}

/// A moved highlight within `count` rows.
pub(super) fn moved(at: usize, count: usize, action: &Action) -> Option<usize> {
    let last = count.saturating_sub(1);
    Some(match action {
        Action::Up => at.saturating_sub(1),
        Action::Down => (at + 1).min(last),
        Action::PageUp => at.saturating_sub(10),
        Action::PageDown => (at + 10).min(last),
        Action::Top => 0,
        Action::Bottom => last,
        _ => return None,
    })
}

fn on_list(app: &mut App, q: usize, action: Action) -> Option<Effect> {
    let count = app.rules.questions.get(q)?.options.len();
    match action {
        Action::Jump(n) if (1..=count).contains(&usize::from(n)) => {
            app.highlight[q] = usize::from(n) - 1;
        }
        Action::Jump(n) => {
            app.notice = Some(format!("There is no option {n}: choose 1 to {count}"));
        }
        Action::NotKnown => not_known(app, q),
        Action::Next => return choose(app, q, app.highlight[q]),
        Action::Back => return before_question(app, q),
        other => {
            if let Some(at) = moved(app.highlight[q], count, &other) {
                app.highlight[q] = at;
            }
        }
    }
    None
}

/// A country question: typing filters the list, the arrows move among the matches, Enter
/// chooses, Esc goes back (Backspace only edits the filter).
fn on_picker(app: &mut App, q: usize, action: Action) -> Option<Effect> {
    let at = app
        .picker
        .matches
        .iter()
        .position(|&o| o == app.highlight[q]);
    match action {
        Action::Type(c) => filtered(app, q, |f| f.insert(&c.to_string())),
        Action::Paste(text) => filtered(app, q, |f| f.insert(&text)),
        Action::NotKnown => {
            not_known(app, q);
            app.picker.moved = true;
        }
        Action::Edit(edit) => filtered(app, q, |f| {
            f.edit(edit);
        }),
        Action::Next => {
            let choice = at.map_or_else(
                || app.picker.matches.first().copied(),
                |_| Some(app.highlight[q]),
            )?;
            // A typed name that matches nothing never silently becomes "Not known yet".
            let unknown = app.rules.questions[q].options[choice].id == UNKNOWN;
            if unknown && !app.picker.moved && !app.picker.filter.is_empty() {
                let typed = sanitize(app.picker.filter.value());
                app.picker.filter.set_error(Some(format!(
                    "no match for \"{typed}\": try a code or another name, or move to Not known yet"
                )));
                return None;
            }
            return choose(app, q, choice);
        }
        Action::Back => return before_question(app, q),
        other => {
            let to = moved(at.unwrap_or(0), app.picker.matches.len(), &other)
                .and_then(|i| app.picker.matches.get(i).copied());
            if let Some(option) = to {
                app.highlight[q] = option;
                app.picker.moved = true;
            }
        }
    }
    None
}

/// Highlight question `q`'s "Not known yet" (every list offers it; the picker always
/// matches it), for Enter to choose.
fn not_known(app: &mut App, q: usize) {
    let unknown = app
        .rules
        .questions
        .get(q)
        .and_then(|question| question.options.iter().position(|o| o.id == UNKNOWN));
    match unknown {
        Some(at) => app.highlight[q] = at,
        None => app.notice = Some("This question has no \"Not known yet\"".into()),
    }
}

/// Change the filter and put the highlight on the best match, unless it still matches.
fn filtered(app: &mut App, q: usize, change: impl FnOnce(&mut TextField)) {
    let before = app.picker.filter.value().to_string();
    change(&mut app.picker.filter);
    if app.picker.filter.value() == before {
        return;
    }
    app.picker.refilter(&app.rules, q);
    app.picker.moved = false;
    // "Not known yet" is never highlighted for the officer: only a move puts it there.
    if let Some(&best) = app.picker.matches.first()
        && app.rules.questions[q].options[best].id != UNKNOWN
    {
        app.highlight[q] = best;
    }
}

/// The last question asked, for going back from the record details.
fn last_question(app: &App) -> Step {
    app.previous_question(app.rules.questions.len())
        .map_or(Step::Question(0), Step::Question)
}

/// Move the focus to field `to`, checking the one left.
fn focus_field(app: &mut App, to: usize) {
    let from = Field::ALL[app.focus];
    check(app, from);
    app.fields[app.focus].blur();
    app.focus = to;
    app.fields[to].focus();
}

fn on_form(app: &mut App, action: Action) -> Option<Effect> {
    let count = Field::ALL.len();
    let field = &mut app.fields[app.focus];
    match action {
        Action::Type(c) => field.insert(&c.to_string()),
        Action::Paste(text) => field.insert(&text),
        Action::Edit(edit) => {
            field.edit(edit);
        }
        Action::ConfirmMatch => return confirm_match(app),
        Action::DismissMatch => dismiss_match(app),
        Action::NextField => focus_field(app, (app.focus + 1) % count),
        Action::PrevField => focus_field(app, (app.focus + count - 1) % count),
        // Enter leaves a field only when it is valid.
        Action::Next if app.focus + 1 < count && check(app, Field::ALL[app.focus]) => {
            focus_field(app, app.focus + 1);
        }
        Action::Next if app.focus + 1 < count => {}
        Action::Next => {
            let first_error = Field::ALL
                .into_iter()
                .filter(|f| !check(app, *f))
                .map(field_index)
                .min();
            match first_error {
                Some(i) => focus_field(app, i),
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

/// The name field with focus, if it is one.
fn focused_name(app: &App) -> Option<crate::parties::Field> {
    match Field::ALL.get(app.focus) {
        Some(Field::Counterparty) => Some(crate::parties::Field::Counterparty),
        Some(Field::EndUser) => Some(crate::parties::Field::EndUser),
        _ => None,
    }
}

/// Confirm the first possible match of the name field; the draft keeps the decision.
fn confirm_match(app: &mut App) -> Option<Effect> {
    let Some(finding) = app.matches.next_open(focused_name(app), false).cloned() else {
        app.notice = Some("No possible match to confirm.".into());
        return None;
    };
    let (details, date) = (app.details(), app.date());
    app.matches
        .review(&finding, crate::parties::Review::Confirm, &details, date);
    app.notice = Some(format!("Confirmed: {}", finding.cite()));
    app.draft().map(|d| Effect::SaveDraft(Box::new(d)))
}

fn dismiss_match(app: &mut App) {
    let Some(finding) = app.matches.next_open(focused_name(app), true).cloned() else {
        app.notice = Some("No match to dismiss.".into());
        return;
    };
    app.overlay = Some(Overlay::DismissMatch {
        finding: Box::new(finding),
        reason: TextField::new("", crate::screening::MAX_SHORT_FIELD),
    });
}

/// The dismissal's reason being typed: Enter files it (a reason is required), Esc cancels.
fn on_dismiss(
    app: &mut App,
    finding: Box<crate::parties::PartyFinding>,
    mut reason: TextField,
    action: Action,
) -> Option<Effect> {
    match action {
        Action::Type(c) => reason.insert(&c.to_string()),
        Action::Paste(text) => reason.insert(&text),
        Action::Edit(edit) => {
            reason.edit(edit);
        }
        Action::Next if reason.value().trim().is_empty() => {
            reason.set_error(Some(
                "A dismissal needs a reason: why is it another party?".into(),
            ));
        }
        Action::Next => {
            let (details, date) = (app.details(), app.date());
            let why = reason.value().trim().to_string();
            app.matches.review(
                &finding,
                crate::parties::Review::Dismiss(why),
                &details,
                date,
            );
            app.notice = Some(format!("Dismissed: {}", finding.cite()));
            // The reason took typing: keep it at once.
            return app.draft().map(|d| Effect::SaveDraft(Box::new(d)));
        }
        Action::Back | Action::CloseOverlay => return None,
        Action::Quit => return ask_before(app, Pending::Quit),
        _ => {}
    }
    app.overlay = Some(Overlay::DismissMatch { finding, reason });
    None
}

/// Validate one field, show its message beside it, and say whether it is valid. A
/// message about the last key (the length limit) stays until the next edit.
/// A date typed as DD.MM.YYYY is shown as the ISO date it was read as.
fn check(app: &mut App, field: Field) -> bool {
    let input = &mut app.fields[field_index(field)];
    match validate_field(field, input.value()) {
        Ok(()) => {
            if field == Field::Date
                && let Ok(date) = parse_date(input.value())
                && date.to_string() != input.value()
            {
                input.set_value(&date.to_string());
            }
            true
        }
        Err(message) => {
            input.set_error(Some(message));
            false
        }
    }
}

/// The review numbers the questions 1 to N in rule-set order, then the record details.
fn on_review(app: &mut App, action: Action) -> Option<Effect> {
    match action {
        Action::Jump(n) => {
            let index = usize::from(n).checked_sub(1)?;
            let questions = app.rules.questions.len();
            if index < questions && app.skip(index) == Some(Skip::NotApplicable) {
                app.notice = Some(format!(
                    "{} does not apply to these answers",
                    app.rules.questions[index].title
                ));
                None
            } else if index < questions {
                app.return_to = Some(Step::Review);
                go_to(app, Step::Question(index))
            } else if index == questions {
                go_to(app, Step::Details)
            } else {
                app.notice = Some(format!("There is no line {n} to change"));
                None
            }
        }
        Action::Back => go_to(app, Step::Details),
        Action::Next => screen(app),
        _ => None,
    }
}

/// Screen the answers and show the determination, presented once.
fn screen(app: &mut App) -> Option<Effect> {
    let date = match parse_date(app.field(Field::Date).value()) {
        Ok(date) => date,
        Err(message) => {
            let i = field_index(Field::Date);
            app.fields[i].set_error(Some(message));
            app.focus = i;
            app.return_to = None;
            return go_to(app, Step::Details);
        }
    };
    let mut screening = Screening::run(&app.rules, &app.engine_answers(), date, app.details());
    if let Some(screener) = app.matches.screener() {
        let details = app.details();
        if !(details.counterparty.trim().is_empty() && details.end_user.trim().is_empty()) {
            app.matches.refresh(&details, date);
            screening =
                screening.with_findings(&app.rules, &screener.lists, app.matches.found.clone());
        }
    }
    let presentation = present(&app.rules, &screening.determination);
    app.decision = Some(Decision {
        screening,
        presentation,
        saved: SaveState::Unsaved,
    });
    app.result = ResultView::default();
    // Screened again from the determination itself: stay, and keep the draft.
    if app.step == Step::Result {
        return app.draft().map(|d| Effect::SaveDraft(Box::new(d)));
    }
    go_to(app, Step::Result)
}

fn on_result(app: &mut App, action: Action) -> Option<Effect> {
    let count = app.decision.as_ref().map_or(0, |d| d.clauses().count());
    let view = &mut app.result;
    let Some(scroll) = scroll_of(&action) else {
        return match action {
            Action::Next => {
                view.pane = match view.pane {
                    Pane::List if count > 0 => Pane::Clause,
                    _ => Pane::List,
                };
                view.scroll.reset();
                None
            }
            Action::Why => {
                view.pane = if view.pane == Pane::Why {
                    Pane::List
                } else {
                    Pane::Why
                };
                view.scroll.reset();
                None
            }
            Action::Back if view.pane != Pane::List => {
                view.pane = Pane::List;
                None
            }
            Action::Back => go_to(app, Step::Review),
            Action::AnswerOpen => answer_open(app),
            Action::New => ask_before(app, Pending::New),
            Action::CopyAddress => copy_address(app),
            Action::CopyScreening => {
                let decision = app.decision.as_ref()?;
                let source = CopySource {
                    answers: app.answers.clone(),
                    details: decision.screening.details.clone(),
                    record: match &decision.saved {
                        SaveState::Saved(id) => Some(id.clone()),
                        _ => None,
                    },
                };
                start_from(app, source)
            }
            Action::Save => save(app),
            _ => None,
        };
    };
    if view.pane == Pane::List {
        let page = usize::from(result::list_rows(app)).max(1);
        let view = &mut app.result;
        view.selected = match scroll {
            Scroll::Up => view.selected.saturating_sub(1),
            Scroll::Down => view.selected + 1,
            Scroll::PageUp => view.selected.saturating_sub(page),
            Scroll::PageDown => view.selected + page,
            Scroll::Top => 0,
            Scroll::Bottom => count,
        }
        .min(count.saturating_sub(1));
    } else {
        let (lines, page) = result::pane_extent(app);
        app.result.scroll.scroll(scroll, lines, page);
    }
    None
}

/// The scroll a scrolling action asks for, in a pane or a list.
pub(super) fn scroll_of(action: &Action) -> Option<Scroll> {
    Some(match action {
        Action::Up => Scroll::Up,
        Action::Down => Scroll::Down,
        Action::PageUp => Scroll::PageUp,
        Action::PageDown => Scroll::PageDown,
        Action::Top => Scroll::Top,
        Action::Bottom => Scroll::Bottom,
        _ => return None,
    })
}

/// Copy the highlighted clause's first source address. Some terminals ignore OSC 52, so
/// the notice says where the address shows as well.
fn copy_address(app: &mut App) -> Option<Effect> {
    let clause = app.decision.as_ref()?.clauses().nth(app.result.selected)?;
    let Some(source) = clause.sources.first() else {
        app.notice = Some(format!("{} has no source address", clause.short()));
        return None;
    };
    let url = source.url.clone();
    app.notice = Some(format!(
        "Copied {}'s address (if the terminal allows OSC 52; it is also under Sources)",
        clause.short()
    ));
    Some(Effect::Copy(url))
}

/// Go to the first open question of a provisional determination, to answer it and see the
/// determination screened again.
fn answer_open(app: &mut App) -> Option<Effect> {
    let open = app.decision.as_ref().and_then(|d| {
        d.screening
            .determination
            .open
            .iter()
            .find_map(|o| app.rules.question_position(&o.question))
    });
    match open {
        Some(q) => {
            app.return_to = Some(Step::Result);
            go_to(app, Step::Question(q))
        }
        None => {
            app.notice = Some("No answer is open: this determination is not provisional".into());
            None
        }
    }
}

fn save(app: &mut App) -> Option<Effect> {
    let decision = app.decision.as_mut()?;
    let unsaved = matches!(decision.saved, SaveState::Unsaved | SaveState::Failed(_));
    if unsaved && app.officer_required && decision.screening.details.officer.trim().is_empty() {
        // Refused before the history is asked: the officer goes where it is typed.
        let i = field_index(Field::Officer);
        app.fields[i].set_error(Some(crate::history::OFFICER_REQUIRED.to_string()));
        app.focus = i;
        app.return_to = None;
        return go_to(app, Step::Details);
    }
    let decision = app.decision.as_mut()?;
    match &decision.saved {
        SaveState::Saved(id) => app.notice = Some(format!("Already saved as {id}")),
        SaveState::Saving => {}
        SaveState::Unsaved | SaveState::Failed(_) if app.save_in_flight => {
            app.notice = Some(
                "An earlier save is still waiting for the history; save this one when it is done"
                    .into(),
            );
        }
        SaveState::Unsaved | SaveState::Failed(_) => {
            decision.saved = SaveState::Saving;
            app.save_in_flight = true;
            return Some(Effect::Save(Box::new(decision.screening.clone())));
        }
    }
    None
}

fn saved(app: &mut App, result: Result<SavedRecord, String>) -> Option<Effect> {
    // The result replaces what was said while the save waited for the history's lock.
    app.notice = None;
    app.save_in_flight = false;
    let on_screen = app
        .decision
        .as_ref()
        .is_some_and(|d| d.saved == SaveState::Saving);
    if !on_screen {
        // The officer left the determination that was saved: say what became of it.
        app.notice = Some(match result {
            Ok(saved) => format!("The earlier determination was saved as {}", saved.id),
            Err(message) => format!("The earlier determination was not saved: {message}"),
        });
        return None;
    }
    let decision = app.decision.as_mut()?;
    decision.saved = match result {
        Ok(saved) => {
            app.saved_signed = saved.signed;
            SaveState::Saved(saved.id)
        }
        Err(message) => SaveState::Failed(message),
    };
    let officer = &decision.screening.details.officer;
    if app.remembers_officer && matches!(decision.saved, SaveState::Saved(_)) && !officer.is_empty()
    {
        app.defaults.officer = officer.clone();
    }
    matches!(decision.saved, SaveState::Saved(_))
        .then(|| Effect::DiscardDraft(app.draft_id.clone()))
}
