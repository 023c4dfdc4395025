//! The history view inside the workbench: saved records newest first with an incremental
//! filter, one record exactly as stored, a re-screen beside it, and an officer's override.
//! State and pure transitions only: reading and saving are `HistoryEffect`s that
//! `history_io` carries out, and their results come back as `HistoryEvent`s.

use jiff::civil::Date;
use tui_input::{Input, InputRequest};

use super::action::Action;
use super::app::{App, SaveState};
use super::keys::Context;
use super::screens::{history_detail, history_list, rescreen_diff};
use super::update::{Effect, request};
use crate::history::{self, Diff, Query, Record, RecordKind, SkippedLine, Summary};
use crate::report;
use crate::rules::{Outcome, RuleSet};
use crate::screening::{Screening, parse_date};
use crate::text::sanitize;

/// Lines read before the first frame: a screenful and more, fast at any file size.
pub const FIRST_PAGE: usize = 200;
/// Lines read between two checks for keys while the rest loads.
pub const CHUNK: usize = 20_000;
/// Longest text the filter and the override reason take.
const MAX_TEXT: usize = 500;

/// Commands only the history view has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryCommand {
    Filter,
    CycleOutcome,
    ClearFilter,
    Rescreen,
    RescreenOn,
    Override,
}

/// Lines read from the history in one go, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Chunk {
    pub summaries: Vec<Summary>,
    pub skipped: Vec<SkippedLine>,
    /// Lines read, good or not.
    pub lines: usize,
    /// Whether the start of the file was reached.
    pub complete: bool,
}

/// A record as read from its line, with the hash that line carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRecord {
    pub record: Record,
    pub hash: String,
}

/// What the runtime did with the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HistoryEvent {
    /// The history was (re)opened and its newest lines read.
    Opened(Result<Chunk, String>),
    /// More lines towards the start of the file.
    Loaded(Result<Chunk, String>),
    Read(Result<Box<StoredRecord>, String>),
    /// A re-screen or override was appended: its id, or why not.
    Saved(Result<String, String>),
}

/// A new record to append: a re-screen or an override of `supersedes`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaveRequest {
    pub screening: Screening,
    pub kind: RecordKind,
    pub supersedes: String,
    pub reason: String,
    pub override_outcome: Option<Outcome>,
}

/// IO the history view asks of the runtime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HistoryEffect {
    /// Open the history and read its newest lines.
    Open,
    /// Read more lines once no key is waiting.
    LoadMore,
    /// The view closed: stop reading.
    Close,
    /// Read the record whose line starts at this byte offset.
    Read(u64),
    Save(Box<SaveRequest>),
}

/// The filter bar's fields, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterField {
    Text,
    Since,
    Until,
}

impl FilterField {
    pub const ALL: [FilterField; 3] = [FilterField::Text, FilterField::Since, FilterField::Until];

    pub fn label(self) -> &'static str {
        match self {
            FilterField::Text => "Text",
            FilterField::Since => "Since",
            FilterField::Until => "Until",
        }
    }
}

/// Which part of the history view is on screen.
pub enum Screen {
    List,
    Filter,
    Detail(Box<Detail>),
}

/// One record, and what the officer is doing with it.
pub struct Detail {
    pub offset: u64,
    /// None while the record is being read.
    pub stored: Option<Result<StoredRecord, String>>,
    /// The record's header and report, made once.
    pub text: String,
    pub scroll: u16,
    pub pane: Pane,
}

pub enum Pane {
    Record,
    /// Typing the date to re-screen on.
    Date {
        input: Input,
        error: Option<String>,
    },
    Rescreen(Box<Rescreened>),
    Override(OverrideForm),
}

/// A record's answers screened again, beside what was decided then.
pub struct Rescreened {
    /// The stored record's screening date.
    pub then: Date,
    pub date: Date,
    pub screening: Screening,
    pub diff: Diff,
    pub scroll: u16,
    pub saved: SaveState,
}

pub struct OverrideForm {
    /// Position in `Outcome::ALL`.
    pub choice: usize,
    pub reason: Input,
    pub error: Option<String>,
    pub saved: SaveState,
}

pub struct HistoryView {
    /// Every readable record read so far, newest first.
    pub summaries: Vec<Summary>,
    pub skipped: Vec<SkippedLine>,
    /// Lines read so far, good or not.
    pub lines_read: usize,
    pub complete: bool,
    /// Why the history could not be (fully) read.
    pub failure: Option<String>,
    pub query: Query,
    /// One input per `FilterField::ALL`.
    pub filter_inputs: [Input; 3],
    pub filter_errors: [Option<String>; 3],
    pub filter_focus: usize,
    /// Positions in `summaries` of the records the query matches, ascending (newest first).
    pub matches: Vec<usize>,
    /// Position in `matches` of the highlighted row.
    pub selected: usize,
    /// Position in `matches` of the first row shown.
    pub top: usize,
    pub screen: Screen,
}

impl HistoryView {
    fn new() -> HistoryView {
        HistoryView {
            summaries: Vec::new(),
            skipped: Vec::new(),
            lines_read: 0,
            complete: false,
            failure: None,
            query: Query::default(),
            filter_inputs: Default::default(),
            filter_errors: Default::default(),
            filter_focus: 0,
            matches: Vec::new(),
            selected: 0,
            top: 0,
            screen: Screen::List,
        }
    }

    pub fn context(&self) -> Context {
        match &self.screen {
            Screen::List => Context::HistoryList,
            Screen::Filter => Context::HistoryFilter,
            Screen::Detail(detail) => match detail.pane {
                Pane::Record => Context::HistoryDetail,
                Pane::Date { .. } => Context::HistoryDate,
                Pane::Rescreen(_) => Context::HistoryDiff,
                Pane::Override(_) => Context::HistoryOverride,
            },
        }
    }

    pub fn title(&self) -> String {
        match &self.screen {
            Screen::List | Screen::Filter => "History".into(),
            Screen::Detail(detail) => match &detail.pane {
                Pane::Record | Pane::Date { .. } => "History - Record".into(),
                Pane::Rescreen(r) => format!("History - Re-screen on {}", r.date),
                Pane::Override(_) => "History - Override".into(),
            },
        }
    }

    /// The 1-based line numbers of the skipped lines, known once the whole file is read.
    pub fn skipped_line_numbers(&self) -> Option<Vec<usize>> {
        self.complete.then(|| {
            let mut numbers: Vec<usize> = self
                .skipped
                .iter()
                .map(|s| self.lines_read + 1 - s.from_end)
                .collect();
            numbers.sort_unstable();
            numbers
        })
    }

    pub fn selected_summary(&self) -> Option<&Summary> {
        self.matches
            .get(self.selected)
            .and_then(|i| self.summaries.get(*i))
    }

    /// Apply a changed query. Text that only grew narrows the current matches (every word of
    /// the old text is inside a word of the new one); any other change filters everything.
    fn set_query(&mut self, query: Query) {
        if query == self.query {
            return;
        }
        let keep = self.matches.get(self.selected).copied();
        let narrows = query.outcome == self.query.outcome
            && query.since == self.query.since
            && query.until == self.query.until
            && query
                .text
                .to_lowercase()
                .starts_with(&self.query.text.to_lowercase());
        self.query = query;
        if narrows {
            let summaries = &self.summaries;
            let query = self.query.prepare();
            self.matches.retain(|i| query.matches(&summaries[*i]));
        } else {
            self.matches = self.filter_from(0);
        }
        self.selected = keep.map_or(0, |k| match self.matches.binary_search(&k) {
            Ok(p) | Err(p) => p,
        });
        self.clamp_selection();
    }

    /// Positions from `start` on that match the query.
    fn filter_from(&self, start: usize) -> Vec<usize> {
        let all = self.query.is_empty();
        let query = self.query.prepare();
        (start..self.summaries.len())
            .filter(|i| all || query.matches(&self.summaries[*i]))
            .collect()
    }

    fn take_chunk(&mut self, chunk: Chunk) {
        let start = self.summaries.len();
        self.summaries.extend(chunk.summaries);
        self.skipped.extend(chunk.skipped);
        self.lines_read += chunk.lines;
        self.complete = chunk.complete;
        let fresh = self.filter_from(start);
        self.matches.extend(fresh);
    }

    fn clamp_selection(&mut self) {
        self.selected = self.selected.min(self.matches.len().saturating_sub(1));
    }

    /// Move the highlight and keep it on screen.
    fn select(&mut self, position: usize, page: usize) {
        self.selected = position;
        self.clamp_selection();
        let page = page.max(1);
        if self.selected < self.top {
            self.top = self.selected;
        } else if self.selected >= self.top + page {
            self.top = self.selected + 1 - page;
        }
    }

    /// The query the filter bar describes; a date that does not parse is not applied.
    fn query_from_inputs(&self) -> Query {
        let date = |field: FilterField| parse_date(self.filter_input(field).value()).ok();
        Query {
            text: self.filter_input(FilterField::Text).value().to_string(),
            outcome: self.query.outcome,
            since: date(FilterField::Since),
            until: date(FilterField::Until),
        }
    }

    pub fn filter_input(&self, field: FilterField) -> &Input {
        &self.filter_inputs[field as usize]
    }

    /// Check a date field when focus leaves it; an empty one is no bound.
    fn check_filter(&mut self, field: FilterField) -> bool {
        let value = self.filter_input(field).value().trim().to_string();
        let message = match field {
            FilterField::Text => None,
            _ if value.is_empty() => None,
            _ => parse_date(&value)
                .err()
                .map(|e| format!("{}: {e} (not applied)", field.label())),
        };
        let message = message.or_else(|| match (self.query.since, self.query.until) {
            (Some(since), Some(until)) if field == FilterField::Until && until < since => {
                Some("Until is before Since: nothing can match".into())
            }
            _ => None,
        });
        let valid = message.is_none();
        self.filter_errors[field as usize] = message;
        valid
    }
}

/// Open the history view over the form; the form's state is left as it is.
pub fn open(app: &mut App) -> Option<Effect> {
    app.history = Some(Box::new(HistoryView::new()));
    Some(Effect::History(HistoryEffect::Open))
}

/// The next outcome filter: none, each outcome in turn, then none again.
fn next_outcome(current: Option<Outcome>) -> Option<Outcome> {
    match current {
        None => Outcome::ALL.first().copied(),
        Some(o) => Outcome::ALL
            .iter()
            .position(|x| *x == o)
            .and_then(|p| Outcome::ALL.get(p + 1))
            .copied(),
    }
}

/// The results of the runtime's history IO.
pub fn on_event(app: &mut App, event: HistoryEvent) -> Option<Effect> {
    let view = app.history.as_mut()?;
    match event {
        HistoryEvent::Opened(result) => {
            let query = view.query.clone();
            view.summaries.clear();
            view.skipped.clear();
            view.matches.clear();
            view.lines_read = 0;
            view.selected = 0;
            view.top = 0;
            view.failure = None;
            view.query = query;
            loaded(view, result)
        }
        HistoryEvent::Loaded(result) => loaded(view, result),
        HistoryEvent::Read(result) => {
            if let Screen::Detail(detail) = &mut view.screen {
                detail.text = match &result {
                    Ok(stored) => record_text(&app.rules, stored),
                    Err(message) => format!("Cannot read this record: {}", sanitize(message)),
                };
                detail.stored = Some(result.map(|b| *b));
            }
            None
        }
        HistoryEvent::Saved(result) => {
            let Screen::Detail(detail) = &mut view.screen else {
                return None;
            };
            let saved = match &mut detail.pane {
                Pane::Rescreen(r) => &mut r.saved,
                Pane::Override(o) => &mut o.saved,
                _ => return None,
            };
            let reload = result.is_ok();
            *saved = match result {
                Ok(id) => SaveState::Saved(id),
                Err(message) => SaveState::Failed(message),
            };
            reload.then_some(Effect::History(HistoryEffect::Open))
        }
    }
}

fn loaded(view: &mut HistoryView, result: Result<Chunk, String>) -> Option<Effect> {
    match result {
        Ok(chunk) => {
            view.take_chunk(chunk);
            view.clamp_selection();
            (!view.complete).then_some(Effect::History(HistoryEffect::LoadMore))
        }
        Err(message) => {
            view.failure = Some(message);
            None
        }
    }
}

/// The record's header (kind, what it supersedes, reason, override, hash) and its report as
/// decided then.
fn record_text(rules: &RuleSet, stored: &StoredRecord) -> String {
    let r = &stored.record;
    let mut out = format!(
        "Record {}, saved {} by ree-screen {}\nKind: {}\n",
        sanitize(&r.id),
        r.saved_at,
        sanitize(&r.program_version),
        r.kind.label()
    );
    if let Some(original) = &r.supersedes {
        out.push_str(&format!("Supersedes: {}\n", sanitize(original)));
    }
    if let Some(outcome) = r.override_outcome {
        out.push_str(&format!(
            "OFFICER OVERRIDE: {} {}\n",
            outcome.symbol(),
            outcome.label()
        ));
    }
    if let Some(reason) = &r.reason {
        out.push_str(&format!("Reason: {}\n", sanitize(reason)));
    }
    out.push_str(&format!("Saved by: {}\n", r.identity.describe()));
    out.push_str(&format!("Hash: {}\n\n", sanitize(&stored.hash)));
    out.push_str(&report::of(
        rules,
        &r.screening.determination,
        report::Detail::Concise,
    ));
    out
}

/// Keys and commands while the history view is open (overlays are handled before).
pub fn update(app: &mut App, action: Action) -> Option<Effect> {
    if action == Action::History {
        let view = app.history.as_mut()?;
        view.screen = Screen::List;
        return Some(Effect::History(HistoryEffect::Open));
    }
    let view = app.history.as_mut()?;
    match &mut view.screen {
        Screen::List => on_list(app, action),
        Screen::Filter => {
            on_filter(view, action);
            None
        }
        Screen::Detail(_) => on_detail(app, action),
    }
}

fn on_list(app: &mut App, action: Action) -> Option<Effect> {
    let page = history_list::page_height(app.size);
    let view = app.history.as_mut()?;
    let last = view.matches.len().saturating_sub(1);
    match action {
        Action::Up => view.select(view.selected.saturating_sub(1), page),
        Action::Down => view.select(view.selected + 1, page),
        Action::PageUp => view.select(view.selected.saturating_sub(page), page),
        Action::PageDown => view.select(view.selected + page, page),
        Action::Top => view.select(0, page),
        Action::Bottom => view.select(last, page),
        Action::Next => {
            let offset = view.selected_summary()?.offset;
            view.screen = Screen::Detail(Box::new(Detail {
                offset,
                stored: None,
                text: "Reading the record...".into(),
                scroll: 0,
                pane: Pane::Record,
            }));
            return Some(Effect::History(HistoryEffect::Read(offset)));
        }
        Action::HistoryCommand(HistoryCommand::Filter) => view.screen = Screen::Filter,
        Action::HistoryCommand(HistoryCommand::CycleOutcome) => {
            let query = Query {
                outcome: next_outcome(view.query.outcome),
                ..view.query.clone()
            };
            view.set_query(query);
            view.select(view.selected, page);
        }
        Action::HistoryCommand(HistoryCommand::ClearFilter) => {
            view.filter_inputs = Default::default();
            view.filter_errors = Default::default();
            view.set_query(Query::default());
            view.select(view.selected, page);
        }
        Action::Back => {
            app.history = None;
            return Some(Effect::History(HistoryEffect::Close));
        }
        _ => {}
    }
    None
}

fn on_filter(view: &mut HistoryView, action: Action) {
    let field = FilterField::ALL[view.filter_focus];
    let count = FilterField::ALL.len();
    match &action {
        Action::Type(c) => type_into(&mut view.filter_inputs[view.filter_focus], &c.to_string()),
        Action::Paste(text) => type_into(&mut view.filter_inputs[view.filter_focus], text),
        Action::Edit(edit) => {
            view.filter_inputs[view.filter_focus].handle(request(*edit));
        }
        Action::NextField => {
            view.check_filter(field);
            view.filter_focus = (view.filter_focus + 1) % count;
        }
        Action::PrevField => {
            view.check_filter(field);
            view.filter_focus = (view.filter_focus + count - 1) % count;
        }
        Action::Next => {
            // Enter leaves only when the dates are valid; Esc always leaves.
            let invalid = FilterField::ALL
                .into_iter()
                .filter(|f| !view.check_filter(*f))
                .map(|f| f as usize)
                .min();
            match invalid {
                Some(i) => view.filter_focus = i,
                None => view.screen = Screen::List,
            }
        }
        Action::Back => {
            view.check_filter(field);
            view.screen = Screen::List;
        }
        _ => return,
    }
    if matches!(action, Action::Type(_) | Action::Paste(_) | Action::Edit(_)) {
        // An error clears as soon as the field is fixed; a new one shows on leaving.
        if field == FilterField::Text
            || view.filter_input(field).value().is_empty()
            || parse_date(view.filter_input(field).value()).is_ok()
        {
            view.filter_errors[field as usize] = None;
        }
    }
    let query = view.query_from_inputs();
    view.set_query(query);
    view.top = view.top.min(view.selected);
}

/// Type or paste into a one-line input: control characters become spaces, and text past
/// the limit is dropped.
fn type_into(input: &mut Input, text: &str) {
    let room = MAX_TEXT.saturating_sub(input.value().chars().count());
    for c in text.chars().take(room) {
        input.handle(InputRequest::InsertChar(if c.is_control() {
            ' '
        } else {
            c
        }));
    }
}

fn on_detail(app: &mut App, action: Action) -> Option<Effect> {
    let (today, size) = (app.today, app.size);
    let view = app.history.as_mut()?;
    let Screen::Detail(detail) = &mut view.screen else {
        return None;
    };
    let record = detail.stored.as_ref().and_then(|s| s.as_ref().ok());
    match &mut detail.pane {
        Pane::Record => {
            let max = history_detail::max_scroll(&detail.text, size);
            match action {
                Action::Back => view.screen = Screen::List,
                Action::HistoryCommand(HistoryCommand::Rescreen) => {
                    let record = record?.record.clone();
                    detail.pane = rescreen(&app.rules, &record, today);
                }
                Action::HistoryCommand(HistoryCommand::RescreenOn) if record.is_some() => {
                    detail.pane = Pane::Date {
                        input: Input::new(today.to_string()),
                        error: None,
                    };
                }
                Action::HistoryCommand(HistoryCommand::Override) => {
                    let outcome = record?.record.effective_outcome();
                    detail.pane = Pane::Override(OverrideForm {
                        choice: Outcome::ALL.iter().position(|o| *o == outcome).unwrap_or(0),
                        reason: Input::default(),
                        error: None,
                        saved: SaveState::Unsaved,
                    });
                }
                other => detail.scroll = scrolled(detail.scroll, max, size, &other),
            }
            None
        }
        Pane::Date { input, error } => {
            match &action {
                Action::Type(c) => type_into(input, &c.to_string()),
                Action::Paste(text) => type_into(input, text),
                Action::Edit(edit) => {
                    input.handle(request(*edit));
                }
                Action::Back => detail.pane = Pane::Record,
                Action::Next => match parse_date(input.value()) {
                    Ok(date) => {
                        let record = record?.record.clone();
                        detail.pane = rescreen(&app.rules, &record, date);
                        return None;
                    }
                    Err(message) => *error = Some(message),
                },
                _ => {}
            }
            if let (Pane::Date { error, input }, Action::Type(_) | Action::Edit(_)) =
                (&mut detail.pane, &action)
                && parse_date(input.value()).is_ok()
            {
                *error = None;
            }
            None
        }
        Pane::Rescreen(rescreened) => {
            let max = rescreen_diff::max_scroll(rescreened, size);
            match action {
                Action::Back => detail.pane = Pane::Record,
                Action::HistoryCommand(HistoryCommand::RescreenOn) => {
                    detail.pane = Pane::Date {
                        input: Input::new(rescreened.date.to_string()),
                        error: None,
                    };
                }
                Action::Save => {
                    let supersedes = record?.record.id.clone();
                    return save(
                        &mut rescreened.saved,
                        &mut app.notice,
                        SaveRequest {
                            screening: rescreened.screening.clone(),
                            kind: RecordKind::Rescreen,
                            supersedes,
                            reason: "re-screen".into(),
                            override_outcome: None,
                        },
                    );
                }
                other => rescreened.scroll = scrolled(rescreened.scroll, max, size, &other),
            }
            None
        }
        Pane::Override(form) => match action {
            Action::Back => {
                detail.pane = Pane::Record;
                None
            }
            Action::Up => {
                form.choice = form.choice.saturating_sub(1);
                form.error = None;
                None
            }
            Action::Down => {
                form.choice = (form.choice + 1).min(Outcome::ALL.len() - 1);
                form.error = None;
                None
            }
            Action::Type(c) => {
                type_into(&mut form.reason, &c.to_string());
                form.error = None;
                None
            }
            Action::Paste(text) => {
                type_into(&mut form.reason, &text);
                form.error = None;
                None
            }
            Action::Edit(edit) => {
                form.reason.handle(request(edit));
                None
            }
            Action::Next => {
                let reason = form.reason.value().trim().to_string();
                if reason.is_empty() {
                    form.error =
                        Some("A reason is required: say why the outcome is overridden".into());
                    return None;
                }
                let record = &record?.record;
                let outcome = Outcome::ALL.get(form.choice).copied()?;
                if outcome == record.effective_outcome() {
                    form.error = Some(format!(
                        "{} {} already stands: choose another outcome",
                        outcome.symbol(),
                        outcome.label()
                    ));
                    return None;
                }
                save(
                    &mut form.saved,
                    &mut app.notice,
                    SaveRequest {
                        screening: record.screening.clone(),
                        kind: RecordKind::Override,
                        supersedes: record.id.clone(),
                        reason,
                        override_outcome: Some(outcome),
                    },
                )
            }
            _ => None,
        },
    }
}

/// Ask the runtime to append a record, unless it is already saved or being saved.
fn save(
    state: &mut SaveState,
    notice: &mut Option<String>,
    request: SaveRequest,
) -> Option<Effect> {
    match state {
        SaveState::Saved(id) => {
            *notice = Some(format!("Already saved as {id}"));
            None
        }
        SaveState::Saving => None,
        SaveState::Unsaved | SaveState::Failed(_) => {
            *state = SaveState::Saving;
            Some(Effect::History(HistoryEffect::Save(Box::new(request))))
        }
    }
}

fn rescreen(rules: &RuleSet, record: &Record, date: Date) -> Pane {
    let (screening, diff) = history::rescreen(rules, record, date);
    Pane::Rescreen(Box::new(Rescreened {
        then: record.screening.determination.date,
        date,
        screening,
        diff,
        scroll: 0,
        saved: SaveState::Unsaved,
    }))
}

/// A scroll position after a scrolling action, within `0..=max`.
fn scrolled(scroll: u16, max: u16, size: (u16, u16), action: &Action) -> u16 {
    let page = history_detail::page_height(size).max(1);
    match action {
        Action::Up => scroll.saturating_sub(1),
        Action::Down => scroll.saturating_add(1).min(max),
        Action::PageUp => scroll.saturating_sub(page),
        Action::PageDown => scroll.saturating_add(page).min(max),
        Action::Top => 0,
        Action::Bottom => max,
        _ => scroll,
    }
}
