//! The workbench's whole state in one value: the step, the answers, the record fields being
//! typed, the determination and any overlay. `update` changes it, `view` draws it.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use tui_input::Input;

use super::draft::Draft;
use super::history_view::HistoryView;
use super::keys::{Context, KeyMap};
use super::theme::Theme;
use crate::engine::Answers;
use crate::rules::{QuestionId, RuleSet, UNKNOWN};
use crate::screening::{Details, Field, Screening};
use crate::text::sanitize;

/// The form's steps in order; `Result` follows the five numbered ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Stage,
    Origin,
    Recipient,
    Details,
    Review,
    Result,
}

impl Step {
    /// The numbered steps shown as "Step N of 5".
    pub const NUMBERED: [Step; 5] = [
        Step::Stage,
        Step::Origin,
        Step::Recipient,
        Step::Details,
        Step::Review,
    ];

    pub fn question(self) -> Option<QuestionId> {
        match self {
            Step::Stage => Some(QuestionId::Stage),
            Step::Origin => Some(QuestionId::Origin),
            Step::Recipient => Some(QuestionId::Recipient),
            _ => None,
        }
    }

    /// 1-based position among the numbered steps; None for the result.
    pub fn number(self) -> Option<usize> {
        Step::NUMBERED
            .iter()
            .position(|s| *s == self)
            .map(|i| i + 1)
    }

    pub fn previous(self) -> Option<Step> {
        match self {
            Step::Stage => None,
            Step::Origin => Some(Step::Stage),
            Step::Recipient => Some(Step::Origin),
            Step::Details => Some(Step::Recipient),
            Step::Review => Some(Step::Details),
            Step::Result => Some(Step::Review),
        }
    }

    pub fn next(self) -> Step {
        match self {
            Step::Stage => Step::Origin,
            Step::Origin => Step::Recipient,
            Step::Recipient => Step::Details,
            Step::Details => Step::Review,
            Step::Review | Step::Result => Step::Result,
        }
    }

    /// The step's title: question titles come from the rule set.
    pub fn title(self, rules: &RuleSet) -> String {
        match self.question() {
            Some(q) => rules.questions.get(q).title.clone(),
            None => match self {
                Step::Details => "Record details".into(),
                Step::Review => "Review".into(),
                _ => "Determination".into(),
            },
        }
    }
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

/// The determination being shown, with its text report made once rather than per frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub screening: Screening,
    pub report: String,
    pub saved: SaveState,
}

pub struct App {
    pub rules: RuleSet,
    /// Injected so views and tests do not depend on the clock.
    pub today: Date,
    pub theme: Theme,
    pub keys: KeyMap,
    /// The record fields a new screening starts with (officer and destination from the
    /// settings file).
    pub defaults: Details,
    pub step: Step,
    /// The option id chosen for each question, in `QuestionId::ALL` order.
    pub answers: [Option<String>; 3],
    /// The highlighted row of each question's list.
    pub highlight: [usize; 3],
    /// One input per `Field::ALL`, the date first.
    pub inputs: [Input; 6],
    pub focus: usize,
    pub errors: [Option<String>; 6],
    pub outcome: Option<Outcome>,
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
        App {
            rules,
            today,
            theme,
            keys: KeyMap::default(),
            defaults: Details::default(),
            step: Step::Stage,
            answers: Default::default(),
            highlight: [0; 3],
            inputs: fresh_inputs(today, &Details::default()),
            focus: 0,
            errors: Default::default(),
            outcome: None,
            scroll: 0,
            overlay: None,
            notice: None,
            size: (80, 24),
            history: None,
        }
    }

    /// Prefill this and every later new screening with `defaults`.
    pub fn with_defaults(mut self, defaults: Details) -> App {
        self.inputs = fresh_inputs(self.today, &defaults);
        self.defaults = defaults;
        self
    }

    /// Start a fresh screening; rules, theme, keys, defaults and size stay.
    pub fn reset(&mut self) {
        self.step = Step::Stage;
        self.answers = Default::default();
        self.highlight = [0; 3];
        self.inputs = fresh_inputs(self.today, &self.defaults);
        self.focus = 0;
        self.errors = Default::default();
        self.outcome = None;
        self.scroll = 0;
        self.overlay = None;
        self.notice = None;
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
            Step::Stage | Step::Origin | Step::Recipient => Context::List,
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

    /// The answers as the engine takes them; an unanswered question counts as unknown.
    pub fn engine_answers(&self) -> Answers {
        let mut answers = Answers::new(UNKNOWN, UNKNOWN, UNKNOWN);
        for (q, answer) in QuestionId::ALL.into_iter().zip(&self.answers) {
            if let Some(id) = answer {
                answers.set(q, id);
            }
        }
        answers
    }

    /// The draft to keep, or None when there is nothing worth keeping (nothing entered beyond
    /// the defaults, or the determination is already in the history).
    pub fn draft(&self) -> Option<Draft> {
        if let Some(Outcome {
            saved: SaveState::Saved(_),
            ..
        }) = &self.outcome
        {
            return None;
        }
        let details = self.details();
        let date = self.input(Field::Date).value().to_string();
        let untouched = self.answers.iter().all(Option::is_none)
            && details == self.defaults
            && date == self.today.to_string();
        if untouched {
            return None;
        }
        let [stage, origin, recipient] = self.answers.clone();
        Some(Draft {
            step: if self.step == Step::Result {
                Step::Review
            } else {
                self.step
            },
            stage,
            origin,
            recipient,
            date,
            details,
        })
    }

    /// Take over a draft; answers the rule set no longer offers are dropped, and text is
    /// sanitised since the file may have been edited by hand.
    pub fn resume(&mut self, draft: &Draft) {
        let chosen = [&draft.stage, &draft.origin, &draft.recipient];
        for (i, (q, answer)) in QuestionId::ALL.into_iter().zip(chosen).enumerate() {
            let question = self.rules.questions.get(q);
            let position = answer
                .as_deref()
                .and_then(|id| question.options.iter().position(|o| o.id == id));
            self.answers[i] = position.map(|p| question.options[p].id.clone());
            self.highlight[i] = position.unwrap_or(0);
        }
        let date = sanitize(&draft.date);
        self.inputs[field_index(Field::Date)] = Input::new(date);
        for field in Field::ALL {
            if let Some(value) = field.get(&draft.details) {
                self.inputs[field_index(field)] = Input::new(sanitize(value));
            }
        }
        self.step = draft.step;
        if self.step == Step::Result {
            self.step = Step::Review;
        }
    }

    /// Whether quitting now would drop a determination that is not in the history.
    pub fn unsaved_determination(&self) -> bool {
        self.outcome
            .as_ref()
            .is_some_and(|o| !matches!(o.saved, SaveState::Saved(_)))
    }
}

pub fn field_index(field: Field) -> usize {
    Field::ALL.iter().position(|f| *f == field).unwrap_or(0)
}

/// Record fields for a new screening: the date set to today, the rest from `defaults`.
fn fresh_inputs(today: Date, defaults: &Details) -> [Input; 6] {
    Field::ALL.map(|f| match f.get(defaults) {
        Some(value) => Input::new(sanitize(value)),
        None => Input::new(today.to_string()),
    })
}

/// Index of a question in `App::answers` and `App::highlight`.
pub fn question_position(q: QuestionId) -> usize {
    QuestionId::ALL.iter().position(|x| *x == q).unwrap_or(0)
}
