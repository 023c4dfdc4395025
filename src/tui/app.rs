//! The workbench's whole state in one value: the step, the answers, the record fields being
//! typed, the determination and any overlay. `update` changes it, `view` draws it.
//!
//! The questions come from the rule set. The form asks a question only when it applies
//! (its `ask_when`) and can still change the determination given the answers before it;
//! the others are skipped and shown on the review as not needed, where they can still be
//! answered.

use std::collections::BTreeSet;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use tui_input::Input;

use super::draft::Draft;
use super::history_view::HistoryView;
use super::keys::{Context, KeyMap};
use super::theme::Theme;
use crate::engine::{Answers, applies, question_matters};
use crate::present::Presentation;
use crate::rules::RuleSet;
use crate::screening::{Details, Field, Screening, parse_date};
use crate::text::sanitize;

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
    NotNeeded,
}

/// What a confirmation overlay is asking about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pending {
    Quit,
    New,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    Help,
    Confirm(Pending),
    /// A draft from an earlier session, offered for resume.
    Resume(Box<Draft>),
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
    /// The text report, for the scrolled view.
    pub report: String,
    pub saved: SaveState,
}

pub struct App {
    pub rules: RuleSet,
    /// Injected so views and tests do not depend on the clock.
    pub today: Date,
    pub theme: Theme,
    pub keys: KeyMap,
    /// The record fields a new screening starts with (the officer from the settings).
    pub defaults: Details,
    /// Answers a new screening starts with (the settings' destination): highlighted, not
    /// chosen.
    pub preselected: Answers,
    pub step: Step,
    /// The options chosen so far, by question id. A question skipped later keeps its
    /// answer here (going back never loses one) but is left out of the screening.
    pub answers: Answers,
    /// Questions the officer answered from the review although they were not needed.
    pub answered_anyway: BTreeSet<String>,
    /// Going back to the review once the answer being changed is given.
    pub from_review: bool,
    /// The highlighted row of each question's list, by question position.
    pub highlight: Vec<usize>,
    /// One input per `Field::ALL`, the date first.
    pub inputs: Vec<Input>,
    pub focus: usize,
    pub errors: Vec<Option<String>>,
    pub decision: Option<Decision>,
    pub scroll: u16,
    pub overlay: Option<Overlay>,
    /// A one-line message about something the runtime did (e.g. the draft could not be written).
    pub notice: Option<String>,
    /// Terminal size, so `update` can clamp scrolling the way the view lays it out.
    pub size: (u16, u16),
    /// The history view, open over the form (which stays as it was) until Esc.
    pub history: Option<Box<HistoryView>>,
}

impl App {
    pub fn new(rules: RuleSet, today: Date, theme: Theme) -> App {
        let questions = rules.questions.len();
        App {
            rules,
            today,
            theme,
            keys: KeyMap::default(),
            defaults: Details::default(),
            preselected: Answers::new(),
            step: Step::Question(0),
            answers: Answers::new(),
            answered_anyway: BTreeSet::new(),
            from_review: false,
            highlight: vec![0; questions],
            inputs: fresh_inputs(today, &Details::default()),
            focus: 0,
            errors: vec![None; Field::ALL.len()],
            decision: None,
            scroll: 0,
            overlay: None,
            notice: None,
            size: (80, 24),
            history: None,
        }
    }

    /// Prefill this and every later new screening with `defaults` and `preselected`.
    pub fn with_defaults(mut self, defaults: Details, preselected: Answers) -> App {
        self.inputs = fresh_inputs(self.today, &defaults);
        self.defaults = defaults;
        self.preselected = preselected;
        self.highlight_answers();
        self
    }

    /// Start a fresh screening; rules, theme, keys, defaults and size stay.
    pub fn reset(&mut self) {
        self.step = Step::Question(0);
        self.answers = Answers::new();
        self.answered_anyway.clear();
        self.from_review = false;
        self.highlight = vec![0; self.rules.questions.len()];
        self.inputs = fresh_inputs(self.today, &self.defaults);
        self.focus = 0;
        self.errors = vec![None; Field::ALL.len()];
        self.decision = None;
        self.scroll = 0;
        self.overlay = None;
        self.notice = None;
        self.highlight_answers();
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

    /// Which commands are live now.
    pub fn context(&self) -> Context {
        match &self.overlay {
            Some(Overlay::Help) => Context::Help,
            Some(Overlay::Confirm(_) | Overlay::Resume(_)) => Context::Confirm,
            None => self.screen_context(),
        }
    }

    /// The context of the screen under any overlay (the help overlay lists its keys).
    pub fn screen_context(&self) -> Context {
        if let Some(history) = &self.history {
            return history.context();
        }
        match self.step {
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

    pub fn input(&self, field: Field) -> &Input {
        &self.inputs[field_index(field)]
    }

    pub fn details(&self) -> Details {
        let mut details = Details::default();
        for (field, input) in Field::ALL.into_iter().zip(&self.inputs) {
            field.set(&mut details, input.value().to_string());
        }
        details
    }

    /// The screening date typed, or today while it does not parse.
    pub fn date(&self) -> Date {
        parse_date(self.input(Field::Date).value()).unwrap_or(self.today)
    }

    /// Why question `q` is not asked, given the answers to the questions before it, or
    /// None when it is asked.
    pub fn skip(&self, q: usize) -> Option<Skip> {
        let question = self.rules.questions.get(q)?;
        let earlier = self.answers_before(q);
        if applies(&self.rules, &earlier, self.date(), &question.id) == Some(false) {
            return Some(Skip::NotApplicable);
        }
        if self.answered_anyway.contains(&question.id) {
            return None;
        }
        (!question_matters(&self.rules, &earlier, self.date(), &question.id))
            .then_some(Skip::NotNeeded)
    }

    /// The answers given to questions before `q` that are asked.
    fn answers_before(&self, q: usize) -> Answers {
        let mut earlier = Answers::new();
        for question in self.rules.questions.iter().take(q) {
            if let Some(a) = self.answers.get(&question.id) {
                earlier.set(&question.id, a);
            }
        }
        earlier
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
                self.answers
                    .get(&question.id)
                    .unwrap_or(crate::rules::UNKNOWN),
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
        let date = self.input(Field::Date).value().to_string();
        let untouched =
            self.answers.is_empty() && details == self.defaults && date == self.today.to_string();
        if untouched {
            return None;
        }
        Some(Draft {
            step: if self.step == Step::Result {
                Step::Review
            } else {
                self.step
            },
            answers: self.answers.clone(),
            answered_anyway: self.answered_anyway.iter().cloned().collect(),
            date,
            details,
        })
    }

    /// Take over a draft; answers the rule set no longer offers are dropped, and text is
    /// sanitised since the file may have been edited by hand.
    pub fn resume(&mut self, draft: &Draft) {
        self.answers = Answers::new();
        for (q, value) in draft.answers.iter() {
            if self
                .rules
                .question(q)
                .is_some_and(|question| question.option(value).is_some())
            {
                self.answers.set(q, value);
            }
        }
        self.answered_anyway = draft
            .answered_anyway
            .iter()
            .filter(|q| self.rules.question(q).is_some())
            .cloned()
            .collect();
        self.highlight_answers();
        self.inputs[field_index(Field::Date)] = Input::new(sanitize(&draft.date));
        for field in Field::ALL {
            if let Some(value) = field.get(&draft.details) {
                self.inputs[field_index(field)] = Input::new(sanitize(value));
            }
        }
        self.step = match draft.step {
            Step::Result => Step::Review,
            Step::Question(q) if q >= self.rules.questions.len() => Step::Review,
            step => step,
        };
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
fn fresh_inputs(today: Date, defaults: &Details) -> Vec<Input> {
    Field::ALL
        .into_iter()
        .map(|f| match f.get(defaults) {
            Some(value) => Input::new(sanitize(value)),
            None => Input::new(today.to_string()),
        })
        .collect()
}
