//! The workbench's whole state in one value: the step, the answers, the record fields being
//! typed, the determination and any overlay. `update` changes it, `view` draws it.
//!
//! The questions come from the rule set. The form asks a question only when it applies
//! (its `ask_when`) and can still change the determination given the answers before it;
//! the others are skipped and shown on the review as not needed, where they can still be
//! answered. Which questions are asked is worked out once per change of the answers or the
//! date ([`Relevance`]), not on every key press or frame: each check screens every case.

use std::collections::BTreeSet;

use jiff::civil::{Date, DateTime};
use serde::{Deserialize, Serialize};

use super::draft::Draft;
use super::history_view::HistoryView;
use super::keys::{Context, KeyMap};
use super::matches::Matches;
use super::theme::Theme;
use super::view::too_small;
use super::widgets::scroll_view::ScrollView;
use super::widgets::text_field::TextField;
use crate::engine::{Answers, applies, question_matters};
use crate::present::{ClauseView, Presentation};
use crate::rules::{QuestionKind, RuleSet, UNKNOWN};
use crate::screening::{Details, Field, Screening, parse_date};

/// The form's steps: one per question (by position in the rule set), then the record
/// details, the review and the determination.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Question(usize),
    Details,
    Review,
    Result,
}

impl Step {
    /// The step's title: question titles come from the rule set.
    pub fn title(self, rules: &RuleSet) -> String {
        match self {
            Step::Question(q) => rules
                .questions
                .get(q)
                .map_or_else(String::new, |q| q.title.clone()),
            Step::Details => "Record details".into(),
            Step::Review => "Review".into(),
            Step::Result => "Determination".into(),
        }
    }
}

/// Why a question is not asked in this screening.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// Its `ask_when` does not hold for the answers given.
    NotApplicable,
    /// No answer to it can change the determination, given the answers before it.
    /// `settled_by` is the question whose answer made it so (None: no answer is needed for
    /// it to be so, e.g. on a date when nothing it bears on is in force).
    NotNeeded { settled_by: Option<usize> },
}

/// What a confirmation overlay is asking about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pending {
    Quit,
    New,
    /// Starting a new screening from an earlier one (`App::copy_source`).
    Copy,
    /// Saving every re-screen the impact view lists.
    SaveImpact,
}

/// An earlier screening to start a new one from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopySource {
    pub answers: Answers,
    pub details: Details,
    /// Its record id; None for a determination not saved.
    pub record: Option<String>,
}

/// Drafts from earlier sessions, offered for resume, one highlighted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResumeList {
    pub drafts: Vec<Draft>,
    pub selected: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    /// The keys of the screen under it, scrolled this far.
    Help(ScrollView),
    Confirm(Pending),
    /// Drafts from earlier sessions, offered for resume.
    Resume(ResumeList),
    /// A resumed draft's screening date is not today: keep it or screen as on today?
    KeepDate {
        old: Date,
    },
    /// Dismissing a name match: the officer types why it is another party.
    DismissMatch {
        finding: Box<crate::parties::PartyFinding>,
        reason: TextField,
    },
}

/// Whether the determination on screen is in the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveState {
    Unsaved,
    Saving,
    Saved(String),
    Failed(String),
}

/// The determination being shown, presented once rather than per frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub screening: Screening,
    pub presentation: Presentation,
    pub saved: SaveState,
}

impl Decision {
    /// Every clause in the order the screen lists them: decisive, also binding, not
    /// counting, context.
    pub fn clauses(&self) -> impl Iterator<Item = &ClauseView> {
        self.presentation.groups.iter().flat_map(|g| &g.clauses)
    }
}

/// What the lower part of the determination screen shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    /// Every clause, one line each.
    List,
    /// The highlighted clause in full.
    Clause,
    /// The why-trace and the notes behind the badges.
    Why,
}

/// The determination screen's own state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResultView {
    pub pane: Pane,
    /// The highlighted clause, by position in [`Decision::clauses`].
    pub selected: usize,
    /// The scroll of the clause or why pane.
    pub scroll: ScrollView,
}

impl Default for ResultView {
    fn default() -> ResultView {
        ResultView {
            pane: Pane::List,
            selected: 0,
            scroll: ScrollView::default(),
        }
    }
}

/// The filter of a list picked by typing (a country, a goods item): typed text and the
/// options it matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picker {
    pub filter: TextField,
    /// Option positions that match, best first; `unknown` always among them.
    pub matches: Vec<usize>,
    /// The officer moved the highlight since the filter last changed: only then may Enter
    /// choose `unknown` for a text that matches nothing else.
    pub moved: bool,
}

/// Most characters a picker's filter takes.
const FILTER_LIMIT: usize = 40;

impl Picker {
    fn new(rules: &RuleSet, q: usize) -> Picker {
        let mut picker = Picker {
            filter: TextField::new("", FILTER_LIMIT),
            matches: Vec::new(),
            moved: false,
        };
        picker.refilter(rules, q);
        picker
    }

    /// Match the options of question `q` against the filter (see [`rank_options`]);
    /// `unknown` is always offered, last.
    pub fn refilter(&mut self, rules: &RuleSet, q: usize) {
        let Some(question) = rules.questions.get(q) else {
            self.matches.clear();
            return;
        };
        self.matches = crate::rules::rank_options(question, self.filter.value());
        self.matches
            .extend(question.options.iter().position(|o| o.id == UNKNOWN));
    }
}

/// Which questions are asked, for the answers and the date they were worked out for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Relevance {
    key: Option<(Answers, Date, BTreeSet<String>)>,
    skips: Vec<Option<Skip>>,
}

pub struct App {
    pub rules: RuleSet,
    /// Injected so views and tests do not depend on the clock.
    pub today: Date,
    pub theme: Theme,
    pub keys: KeyMap,
    /// The record fields a new screening starts with (the officer from the settings, else
    /// the last one this user entered).
    pub defaults: Details,
    /// Whether the officer of a saved screening becomes the next one's (the settings name
    /// none, so the last officer entered is remembered).
    pub remembers_officer: bool,
    /// The team's policy refuses a screening without an officer.
    pub officer_required: bool,
    /// Answers a new screening starts with (the settings' destination): highlighted, not
    /// chosen.
    pub preselected: Answers,
    pub step: Step,
    /// The options chosen so far, by question id. A question skipped later keeps its
    /// answer here (going back never loses one) but is left out of the screening.
    pub answers: Answers,
    /// Questions the officer answered from the review although they were not needed.
    pub answered_anyway: BTreeSet<String>,
    /// Where answering a question returns to: the review (changing an answer there), or
    /// the determination, screened again (answering an open question from it).
    pub return_to: Option<Step>,
    /// The highlighted option of each question's list, by question position.
    pub highlight: Vec<usize>,
    /// The filter of the country question on screen.
    pub picker: Picker,
    /// One field per `Field::ALL`, the date first.
    pub fields: Vec<TextField>,
    pub focus: usize,
    /// The record this screening was started from, if any (kept in its record).
    pub copied_from: String,
    /// A screening to start from, held while the officer confirms dropping an unsaved
    /// determination.
    pub copy_source: Option<CopySource>,
    pub decision: Option<Decision>,
    /// A save handed to the history's thread and not yet answered: the determination it
    /// came from may have been left (Esc) or screened anew meanwhile, so its answer must
    /// not be taken for the one on screen, and no second save may start before it.
    pub save_in_flight: bool,
    /// Whether the newest save was signed, shown with "Saved as" (None where this
    /// workbench does not sign saves).
    pub saved_signed: Option<bool>,
    pub result: ResultView,
    pub overlay: Option<Overlay>,
    /// A one-line message about something the runtime did (e.g. the draft could not be written).
    pub notice: Option<String>,
    /// Terminal size, so `update` can clamp scrolling the way the view lays it out.
    pub size: (u16, u16),
    /// The history view, open over the form (which stays as it was) until Esc.
    pub history: Option<Box<HistoryView>>,
    /// This workbench's draft: its file name in the data directory and when the screening
    /// in it was started.
    pub draft_id: String,
    pub started: DateTime,
    /// The time now, injected like `today` (tests see midnight of `today`).
    pub clock: Box<dyn Fn() -> DateTime>,
    relevance: Relevance,
    /// The counterparty and end user screened by name as they are typed.
    pub matches: Matches,
}

impl App {
    pub fn new(rules: RuleSet, today: Date, theme: Theme) -> App {
        let questions = rules.questions.len();
        let picker = Picker::new(&rules, 0);
        let mut app = App {
            rules,
            today,
            theme,
            keys: KeyMap::default(),
            defaults: Details::default(),
            remembers_officer: false,
            officer_required: false,
            save_in_flight: false,
            saved_signed: None,
            preselected: Answers::new(),
            step: Step::Question(0),
            answers: Answers::new(),
            answered_anyway: BTreeSet::new(),
            return_to: None,
            highlight: vec![0; questions],
            picker,
            fields: fresh_fields(today, &Details::default()),
            focus: 0,
            copied_from: String::new(),
            copy_source: None,
            decision: None,
            result: ResultView::default(),
            overlay: None,
            notice: None,
            size: (80, 24),
            history: None,
            draft_id: String::new(),
            started: today.to_datetime(jiff::civil::Time::midnight()),
            clock: Box::new(move || today.to_datetime(jiff::civil::Time::midnight())),
            relevance: Relevance::default(),
            matches: Matches::default(),
        };
        app.refresh();
        app
    }

    /// Screen the names typed against these party lists.
    pub fn with_parties(mut self, screener: std::sync::Arc<crate::parties::Screener>) -> App {
        self.matches = Matches::new(Some(screener));
        self.refresh();
        self
    }

    /// Prefill this and every later new screening with `defaults` and `preselected`.
    pub fn with_defaults(mut self, defaults: Details, preselected: Answers) -> App {
        self.fields = fresh_fields(self.today, &defaults);
        self.defaults = defaults;
        self.preselected = preselected;
        self.highlight_answers();
        self
    }

    /// Start a fresh screening; rules, theme, keys, defaults, size and the draft's name
    /// stay.
    pub fn reset(&mut self) {
        self.started = (self.clock)();
        self.step = Step::Question(0);
        self.answers = Answers::new();
        self.answered_anyway.clear();
        self.return_to = None;
        self.highlight = vec![0; self.rules.questions.len()];
        self.fields = fresh_fields(self.today, &self.defaults);
        self.focus = 0;
        self.copied_from.clear();
        self.copy_source = None;
        self.decision = None;
        self.result = ResultView::default();
        self.overlay = None;
        self.notice = None;
        self.matches.clear();
        self.highlight_answers();
        self.enter_step();
        self.refresh();
    }

    /// Put each question's highlight on its answer (or the preselected one).
    pub fn highlight_answers(&mut self) {
        for (q, question) in self.rules.questions.iter().enumerate() {
            let id = self
                .answers
                .get(&question.id)
                .or_else(|| self.preselected.get(&question.id));
            if let Some(p) = id.and_then(|id| question.options.iter().position(|o| o.id == id)) {
                self.highlight[q] = p;
            }
        }
    }

    /// Set up the step just entered: a country question starts with an empty filter, the
    /// record details with the focused field selected.
    pub fn enter_step(&mut self) {
        match self.step {
            Step::Question(q) => self.picker = Picker::new(&self.rules, q),
            Step::Details => {
                if let Some(field) = self.fields.get_mut(self.focus) {
                    field.focus();
                }
            }
            Step::Review | Step::Result => {}
        }
    }

    /// Whether question `q` is picked from a filtered list (a country, a goods item) rather than a
    /// numbered one.
    pub fn is_picker(&self, q: usize) -> bool {
        self.rules
            .questions
            .get(q)
            .is_some_and(|question| question.kind == QuestionKind::Country || question.has_items())
    }

    /// Which commands are live now.
    pub fn context(&self) -> Context {
        if too_small(self.size) {
            return Context::TooSmall;
        }
        match &self.overlay {
            Some(Overlay::Help(_)) => Context::Help,
            Some(Overlay::Confirm(_)) => Context::Confirm,
            Some(Overlay::Resume(_)) => Context::Resume,
            Some(Overlay::KeepDate { .. }) => Context::KeepDate,
            // Typing the reason: the form's text keys.
            Some(Overlay::DismissMatch { .. }) => Context::Form,
            None => self.screen_context(),
        }
    }

    /// The context of the screen under any overlay (the help overlay lists its keys).
    pub fn screen_context(&self) -> Context {
        if let Some(history) = &self.history {
            return history.context();
        }
        match self.step {
            Step::Question(q) if self.is_picker(q) => Context::Picker,
            Step::Question(_) => Context::List,
            Step::Details => Context::Form,
            Step::Review => Context::Review,
            Step::Result => Context::Result,
        }
    }

    /// The title of the screen under any overlay, for the help overlay.
    pub fn screen_title(&self) -> String {
        match &self.history {
            Some(history) => history.title(),
            None => self.step.title(&self.rules),
        }
    }

    pub fn field(&self, field: Field) -> &TextField {
        &self.fields[field_index(field)]
    }

    pub fn details(&self) -> Details {
        let mut details = Details::default();
        for (field, input) in Field::ALL.into_iter().zip(&self.fields) {
            field.set(&mut details, input.value().to_string());
        }
        details.copied_from = self.copied_from.clone();
        details
    }

    /// The screening date typed, or today while it does not parse.
    pub fn date(&self) -> Date {
        parse_date(self.field(Field::Date).value()).unwrap_or(self.today)
    }

    /// Work out again which questions are asked, if the answers or the date changed since
    /// the last time. `update` calls it after every action, so a key press that changes
    /// neither costs nothing.
    pub fn refresh(&mut self) {
        let key = self.relevance_key();
        if self.relevance.key.as_ref() != Some(&key) {
            self.relevance.skips = self.compute_skips();
            self.relevance.key = Some(key);
        }
        let (details, date) = (self.details(), self.date());
        self.matches.refresh(&details, date);
    }

    fn relevance_key(&self) -> (Answers, Date, BTreeSet<String>) {
        (
            self.answers.clone(),
            self.date(),
            self.answered_anyway.clone(),
        )
    }

    /// Why question `q` is not asked, given the answers to the questions asked before it,
    /// or None when it is asked.
    pub fn skip(&self, q: usize) -> Option<Skip> {
        if self.relevance.key.as_ref() == Some(&self.relevance_key()) {
            return self.relevance.skips.get(q).copied().flatten();
        }
        // State changed outside `update` (a test setting answers directly): work it out.
        self.compute_skips().get(q).copied().flatten()
    }

    /// For each question in order: skipped (and why) or asked, given the answers to the
    /// questions asked before it.
    fn compute_skips(&self) -> Vec<Option<Skip>> {
        let date = self.date();
        let mut earlier = Answers::new();
        // The answers before each question, for naming the one that settled a skip.
        let mut prefixes: Vec<(usize, Answers)> = Vec::new();
        let mut skips = Vec::with_capacity(self.rules.questions.len());
        for (q, question) in self.rules.questions.iter().enumerate() {
            let skip = if applies(&self.rules, &earlier, date, &question.id) == Some(false) {
                Some(Skip::NotApplicable)
            } else if self.answered_anyway.contains(&question.id)
                || question_matters(&self.rules, &earlier, date, &question.id)
            {
                None
            } else {
                // The latest answer before which the question still mattered.
                let settled_by = prefixes
                    .iter()
                    .rev()
                    .find(|(_, before)| question_matters(&self.rules, before, date, &question.id))
                    .map(|(p, _)| *p);
                Some(Skip::NotNeeded { settled_by })
            };
            if skip.is_none()
                && let Some(answer) = self.answers.get(&question.id)
            {
                prefixes.push((q, earlier.clone()));
                earlier.set(&question.id, answer);
            }
            skips.push(skip);
        }
        skips
    }

    /// The first question from `from` on that is asked, if any.
    pub fn next_question(&self, from: usize) -> Option<usize> {
        (from..self.rules.questions.len()).find(|&q| self.skip(q).is_none())
    }

    /// The last question before `before` that is asked, if any.
    pub fn previous_question(&self, before: usize) -> Option<usize> {
        (0..before).rev().find(|&q| self.skip(q).is_none())
    }

    /// The answers as the engine takes them: those of the questions asked. A question asked
    /// but not answered yet counts as unknown; a skipped one is not asked.
    pub fn engine_answers(&self) -> Answers {
        let mut answers = Answers::new();
        for (q, question) in self.rules.questions.iter().enumerate() {
            if self.skip(q).is_some() {
                continue;
            }
            answers.set(
                &question.id,
                self.answers.get(&question.id).unwrap_or(UNKNOWN),
            );
        }
        answers
    }

    /// The draft to keep, or None when there is nothing worth keeping (nothing entered beyond
    /// the defaults, or the determination is already in the history).
    pub fn draft(&self) -> Option<Draft> {
        if let Some(Decision {
            saved: SaveState::Saved(_),
            ..
        }) = &self.decision
        {
            return None;
        }
        let details = self.details();
        let date = self.field(Field::Date).value().to_string();
        let untouched =
            self.answers.is_empty() && details == self.defaults && date == self.today.to_string();
        if untouched {
            return None;
        }
        Some(Draft {
            id: self.draft_id.clone(),
            started: self.started,
            step: if self.step == Step::Result {
                Step::Review
            } else {
                self.step
            },
            answers: self.answers.clone(),
            answered_anyway: self.answered_anyway.iter().cloned().collect(),
            date,
            details,
            reviews: self.matches.reviews.clone(),
        })
    }

    /// Take over a draft, its name included (this workbench goes on writing it); answers
    /// the rule set no longer offers are dropped, and text is sanitised since the file may
    /// have been edited by hand.
    pub fn resume(&mut self, draft: &Draft) {
        self.draft_id = draft.id.clone();
        self.started = draft.started;
        self.take_answers(&draft.answers);
        self.copied_from = draft.details.copied_from.clone();
        self.answered_anyway = draft
            .answered_anyway
            .iter()
            .filter(|q| self.rules.question(q).is_some())
            .cloned()
            .collect();
        self.highlight_answers();
        self.fields[field_index(Field::Date)].set_value(&draft.date);
        for field in Field::ALL {
            if let Some(value) = field.get(&draft.details) {
                self.fields[field_index(field)].set_value(value);
            }
        }
        self.matches.restore(&draft.reviews);
        self.step = match draft.step {
            Step::Result => Step::Review,
            Step::Question(q) if q >= self.rules.questions.len() => Step::Review,
            step => step,
        };
        self.focus = 0;
        self.enter_step();
        self.refresh();
    }

    /// The answers the rule set still offers, of a draft or an earlier record.
    fn take_answers(&mut self, answers: &Answers) {
        self.answers = Answers::new();
        for (q, value) in answers.iter() {
            if self
                .rules
                .question(q)
                .is_some_and(|question| question.option(value).is_some())
            {
                self.answers.set(q, value);
            }
        }
    }

    /// Start a new screening from an earlier one: its answers and record fields, today's
    /// date and this workbench's officer, on the review (Enter screens it); its record will
    /// say which record it was copied from.
    pub fn start_from(&mut self, source: &CopySource) {
        self.reset();
        self.take_answers(&source.answers);
        for field in [Field::Reference, Field::Counterparty, Field::Notes] {
            if let Some(value) = field.get(&source.details) {
                self.fields[field_index(field)].set_value(value);
            }
        }
        self.copied_from = source.record.clone().unwrap_or_default();
        self.highlight_answers();
        self.step = Step::Review;
        self.enter_step();
        self.refresh();
    }

    /// Whether quitting now would drop a determination that is not in the history.
    pub fn unsaved_determination(&self) -> bool {
        self.decision
            .as_ref()
            .is_some_and(|o| !matches!(o.saved, SaveState::Saved(_)))
    }
}

pub fn field_index(field: Field) -> usize {
    Field::ALL.iter().position(|f| *f == field).unwrap_or(0)
}

/// Record fields for a new screening: the date set to today, the rest from `defaults`.
fn fresh_fields(today: Date, defaults: &Details) -> Vec<TextField> {
    Field::ALL
        .into_iter()
        .map(|f| {
            let value = f
                .get(defaults)
                .map_or_else(|| today.to_string(), str::to_string);
            TextField::new(&value, f.max_chars())
        })
        .collect()
}
