//! The history view inside the workbench: saved records newest first with a filter that
//! keeps up with a million records, one record exactly as decided, a re-screen beside it,
//! an officer's override, and the impact of the rules in use on every case. State and pure
//! transitions only: reading and saving are `HistoryEffect`s that `history_io` carries out,
//! and their results come back as `HistoryEvent`s. The records and their filter live in
//! `history_rows`; each screen draws in its own module under `screens/`.

use std::path::PathBuf;

use jiff::civil::Date;

use super::action::Action;
use super::app::{App, CopySource, Overlay, Pending, SaveState};
use super::history_rows::{Batch, Filter, Row, Rows, STEP};
use super::keys::Context;
use super::screens::{history_detail, history_list, impact};
use super::update::{Effect, moved, scroll_of};
use super::widgets::scroll_view::ScrollView;
use super::widgets::text_field::TextField;
use crate::history::{
    self, ChangedCase, Diff, Impact, Licence, LicenceKind, Query, Record, RecordKind, RecordView,
    Records, SkippedLine, Verdict,
};
use crate::rules::{Outcome, RuleSet};
use crate::screening::{Field, Screening, parse_date, validate_field};

/// Lines read before the first frame: a screenful and more, fast at any file size.
pub const FIRST_PAGE: usize = 200;
/// Lines read between two checks for keys while the rest loads.
pub const CHUNK: usize = 10_000;
/// Longest text the filter takes.
const MAX_TEXT: usize = 500;
/// Longest reason an override takes.
const MAX_REASON: usize = 2000;
/// A date field: ten characters, YYYY-MM-DD.
const DATE_CHARS: usize = 10;

/// Commands only the history view has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryCommand {
    Filter,
    CycleOutcome,
    ClearFilter,
    Rescreen,
    /// Re-screen (or work the impact out) on a date the officer types.
    OnDate,
    Override,
    Impact,
    /// Cases (each case's current record) or every record.
    AllRecords,
    /// Open the case's current record from a superseded one.
    OpenCurrent,
    /// Record the licence granted (or refused) for the case.
    Licence,
    /// Approve or reject the record, as the second officer.
    Decide(Verdict),
    /// Export what the list shows to a file.
    Export,
}

/// Lines read from the history in one go, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Chunk {
    pub rows: Batch,
    pub skipped: Vec<SkippedLine>,
    /// Lines read, good or not.
    pub lines: usize,
    /// Whether the start of the file was reached.
    pub complete: bool,
    /// Whether the history no longer holds the head this user saw (see `crate::signing`).
    pub head_lost: bool,
}

/// A record as read from its line, and as every front end presents it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRecord {
    pub record: Record,
    pub view: RecordView,
    /// When a later record superseded it: the case's current record, and where its line
    /// starts. Nothing is done to a superseded record; the officer may open the current one.
    pub current: Option<(String, u64)>,
}

/// What the runtime did with the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HistoryEvent {
    /// The history was (re)opened and its newest lines read.
    Opened(Result<Box<Chunk>, String>),
    /// More lines towards the start of the file.
    Loaded(Result<Box<Chunk>, String>),
    Read(Result<Box<StoredRecord>, String>),
    /// Records were appended, or why not.
    Saved(Result<SavedRecords, SaveError>),
    /// The impact of the rules in use was worked out.
    Impact(Result<Box<Impact>, String>),
    /// An export was written: how many records, to which file; or why not.
    Exported(Result<(usize, PathBuf), String>),
    /// No key is waiting: go on filtering.
    Idle,
    /// What the store says meanwhile: a save waits for the history's lock, the index was
    /// rebuilt.
    Notice(String),
}

/// Records appended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedRecords {
    pub ids: Vec<String>,
    /// The current record of the case the first one superseded, and where its line starts:
    /// a record open in the view is superseded once its re-screen or override is saved.
    pub current: Option<(String, u64)>,
}

/// Why a save did not happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaveError {
    pub message: String,
    /// The save would have superseded a record that is no longer its case's current one
    /// (another session saved meanwhile): the current record, and where its line starts.
    pub current: Option<(String, u64)>,
}

/// A new record to append: a re-screen or an override of `supersedes`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaveRequest {
    pub screening: Screening,
    pub kind: RecordKind,
    pub supersedes: String,
    pub reason: String,
    pub override_outcome: Option<Outcome>,
    /// A licence recorded about `supersedes` (which it then does not supersede).
    pub licence: Option<Licence>,
    /// A second officer's decision on `supersedes` (which it then does not supersede).
    pub verdict: Option<Verdict>,
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
    /// Append these records in one save.
    Save(Vec<SaveRequest>),
    /// Screen every case's current record again under the rules in use, on this date or
    /// (None) on each case's own screening date.
    Impact(Option<Date>),
    /// Write the records the list shows to a new file.
    Export(Box<ExportRequest>),
}

/// What the export dialog asks for: the list's filter, in a format, to a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRequest {
    pub query: Query,
    pub records: Records,
    pub format: ExportFormat,
    pub path: PathBuf,
}

/// The export dialog's formats, by number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// CSV with a byte-order mark and `;`, which Excel opens in columns.
    Excel,
    Csv,
    Markdown,
    Json,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 4] = [
        ExportFormat::Excel,
        ExportFormat::Csv,
        ExportFormat::Markdown,
        ExportFormat::Json,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ExportFormat::Excel => "CSV for Excel",
            ExportFormat::Csv => "CSV",
            ExportFormat::Markdown => "Markdown",
            ExportFormat::Json => "JSON",
        }
    }

    /// The name the dialog offers, in the current directory.
    pub fn file_name(self, today: Date) -> String {
        let extension = match self {
            ExportFormat::Excel | ExportFormat::Csv => "csv",
            ExportFormat::Markdown => "md",
            ExportFormat::Json => "json",
        };
        format!("ree-screen-history-{today}.{extension}")
    }

    pub fn export(self) -> history::export::Format {
        use history::export::{CsvOptions, Format};
        match self {
            ExportFormat::Excel => Format::Csv(CsvOptions {
                bom: true,
                delimiter: b';',
            }),
            ExportFormat::Csv => Format::Csv(CsvOptions::default()),
            ExportFormat::Markdown => Format::Markdown,
            ExportFormat::Json => Format::Json,
        }
    }
}

/// The export dialog: the format by its number, then the file (prefilled with a name in the
/// current directory that follows the format until the officer edits it).
pub struct ExportDialog {
    /// `FORMAT` and `FILE`.
    pub fields: [TextField; 2],
    pub focus: usize,
    pub saved: SaveState,
}

pub const FORMAT: usize = 0;
pub const FILE: usize = 1;

impl ExportDialog {
    fn new(today: Date) -> ExportDialog {
        let mut fields = [
            TextField::new("1", 1),
            TextField::new(&ExportFormat::Excel.file_name(today), MAX_TEXT),
        ];
        fields[FORMAT].focus();
        ExportDialog {
            fields,
            focus: FORMAT,
            saved: SaveState::Unsaved,
        }
    }

    fn format(&self) -> Option<ExportFormat> {
        let n: usize = self.fields[FORMAT].value().trim().parse().ok()?;
        ExportFormat::ALL.get(n.checked_sub(1)?).copied()
    }

    fn focus(&mut self, to: usize, today: Date) {
        self.fields[self.focus].blur();
        // The offered name follows the format until the officer types another.
        if let Some(format) = self.format() {
            let name = self.fields[FILE].value();
            if ExportFormat::ALL.iter().any(|f| f.file_name(today) == name) {
                self.fields[FILE] = TextField::new(&format.file_name(today), MAX_TEXT);
            }
        }
        self.focus = to % self.fields.len();
        self.fields[self.focus].focus();
    }
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

    fn limit(self) -> usize {
        match self {
            FilterField::Text => MAX_TEXT,
            FilterField::Since | FilterField::Until => DATE_CHARS,
        }
    }
}

/// Which part of the history view is on screen.
pub enum Screen {
    List,
    /// Exporting what the list shows.
    Export(Box<ExportDialog>),
    Filter,
    Detail(Box<Detail>),
    /// The impact of the rules in use (`HistoryView::impact`).
    Impact,
}

/// One record, and what the officer is doing with it.
pub struct Detail {
    pub offset: u64,
    /// None while the record is being read.
    pub stored: Option<Result<StoredRecord, String>>,
    pub scroll: ScrollView,
    pub pane: Pane,
    /// Opened from the impact view: Esc goes back there.
    pub from_impact: bool,
    /// The impact case it shows, whose re-screen opens with it.
    pub case: Option<usize>,
}

pub enum Pane {
    Record,
    /// Typing the date to re-screen on.
    Date(TextField),
    Rescreen(Box<Rescreened>),
    Override(Box<OverrideForm>),
    Licence(Box<LicenceForm>),
    Decide(Box<DecisionForm>),
}

/// A second officer approving or rejecting a record: the reason is required.
pub struct DecisionForm {
    pub verdict: Verdict,
    pub reason: TextField,
    pub saved: SaveState,
}

/// A record's answers screened again, beside what was decided then.
pub struct Rescreened {
    /// The stored record's screening date.
    pub then: Date,
    pub date: Date,
    pub screening: Screening,
    pub diff: Diff,
    pub scroll: ScrollView,
    pub saved: SaveState,
}

impl Rescreened {
    fn of(rules: &RuleSet, record: &Record, screening: Screening) -> Rescreened {
        Rescreened {
            then: record.screening.determination.date,
            date: screening.determination.date,
            diff: history::diff(rules, &record.screening, &screening),
            screening,
            scroll: ScrollView::default(),
            saved: SaveState::Unsaved,
        }
    }
}

/// The override form's text fields, in tab order.
pub const REASON: usize = 0;
pub const OFFICER: usize = 1;

/// The one part of the override form that has focus: keys act there and only there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverrideFocus {
    /// The outcome list: Up/Down choose.
    Outcome,
    /// A text field (`REASON`, `OFFICER`): typing goes into it.
    Field(usize),
}

pub struct OverrideForm {
    /// Position in `Outcome::ALL`.
    pub choice: usize,
    /// The reason and the deciding officer (`REASON`, `OFFICER`).
    pub fields: [TextField; 2],
    pub focus: OverrideFocus,
    /// Why the outcome chosen cannot be saved (it is the one that stands).
    pub outcome_error: Option<String>,
    pub saved: SaveState,
}

impl OverrideForm {
    /// The outcome that stands chosen and focused (the first thing to change), the officer
    /// from the settings (the officer who decides now, not the one who screened).
    fn new(standing: Outcome, officer: &str) -> OverrideForm {
        let fields = [
            TextField::new("", MAX_REASON),
            TextField::new(officer, Field::Officer.max_chars()),
        ];
        OverrideForm {
            choice: Outcome::ALL
                .iter()
                .position(|o| *o == standing)
                .unwrap_or(0),
            fields,
            focus: OverrideFocus::Outcome,
            outcome_error: None,
            saved: SaveState::Unsaved,
        }
    }

    fn focus(&mut self, to: OverrideFocus) {
        if let OverrideFocus::Field(from) = self.focus {
            self.fields[from].blur();
        }
        self.focus = to;
        if let OverrideFocus::Field(to) = to {
            self.fields[to].focus();
        }
    }

    /// Tab order: the outcome, the reason, the officer, round again.
    fn step_focus(&mut self, forward: bool) {
        const ORDER: [OverrideFocus; 3] = [
            OverrideFocus::Outcome,
            OverrideFocus::Field(REASON),
            OverrideFocus::Field(OFFICER),
        ];
        let at = ORDER.iter().position(|f| *f == self.focus).unwrap_or(0);
        let to = if forward {
            at + 1
        } else {
            at + ORDER.len() - 1
        };
        self.focus(ORDER[to % ORDER.len()]);
    }
}

/// The licence form's fields, in tab order: what each is called and how much it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LicenceField {
    Number,
    Kind,
    ValidUntil,
    ValidFrom,
    Authority,
    Quantity,
    Refused,
    Note,
}

impl LicenceField {
    pub const ALL: [LicenceField; 8] = [
        LicenceField::Number,
        LicenceField::Kind,
        LicenceField::ValidUntil,
        LicenceField::ValidFrom,
        LicenceField::Authority,
        LicenceField::Quantity,
        LicenceField::Refused,
        LicenceField::Note,
    ];

    pub fn label(self) -> &'static str {
        match self {
            LicenceField::Number => "Number (required)",
            LicenceField::Kind => "Kind (1-4)",
            LicenceField::ValidUntil => "Valid until",
            LicenceField::ValidFrom => "Valid from",
            LicenceField::Authority => "Authority",
            LicenceField::Quantity => "Quantity/value",
            LicenceField::Refused => "Refused (y/n)",
            LicenceField::Note => "Note",
        }
    }

    /// What the field wants, shown under it while it has focus.
    pub fn hint(self) -> &'static str {
        match self {
            LicenceField::Number => "The number on the licence (or on the refused application)",
            LicenceField::Kind => {
                "1 dual-use export  2 technology export  3 general (通用许可)  4 other"
            }
            LicenceField::ValidUntil => {
                "Its last valid day, YYYY-MM-DD or DD.MM.YYYY (none if refused)"
            }
            LicenceField::ValidFrom => "Its first valid day, if the licence says",
            LicenceField::Authority => "Who issued it, e.g. MOFCOM",
            LicenceField::Quantity => "The quantity or value it covers, if any",
            LicenceField::Refused => "y: the application was refused",
            LicenceField::Note => "Anything else to keep with it",
        }
    }

    fn limit(self) -> usize {
        match self {
            LicenceField::Kind | LicenceField::Refused => 20,
            LicenceField::ValidUntil | LicenceField::ValidFrom => DATE_CHARS,
            _ => 500,
        }
    }
}

/// Recording the licence granted (or refused) for a case: every part a text field, the
/// kind by its number, checked on Enter, each problem under its field.
pub struct LicenceForm {
    pub fields: [TextField; 8],
    /// Position in `LicenceField::ALL`.
    pub focus: usize,
    pub saved: SaveState,
}

impl LicenceForm {
    fn new() -> LicenceForm {
        let mut form = LicenceForm {
            fields: LicenceField::ALL.map(|f| {
                let start = match f {
                    LicenceField::Kind => "1",
                    LicenceField::Refused => "n",
                    _ => "",
                };
                TextField::new(start, f.limit())
            }),
            focus: 0,
            saved: SaveState::Unsaved,
        };
        form.fields[0].focus();
        form
    }

    fn focus(&mut self, to: usize) {
        self.fields[self.focus].blur();
        self.focus = to % self.fields.len();
        self.fields[self.focus].focus();
    }

    fn value(&self, field: LicenceField) -> &str {
        self.fields[field as usize].value().trim()
    }

    /// The licence as typed, or the first field in the way and why.
    fn licence(&self) -> Result<Licence, (LicenceField, String)> {
        use LicenceField as F;
        let kind = match self.value(F::Kind) {
            "1" => LicenceKind::DualUse,
            "2" => LicenceKind::Technology,
            "3" => LicenceKind::General,
            "4" => LicenceKind::Other,
            _ => return Err((F::Kind, "Type 1, 2, 3 or 4".into())),
        };
        let refused = match self.value(F::Refused).to_lowercase().as_str() {
            "y" | "yes" => true,
            "n" | "no" | "" => false,
            _ => return Err((F::Refused, "Type y or n".into())),
        };
        let date = |field: F| match self.value(field) {
            "" => Ok(None),
            text => parse_date(text).map(Some).map_err(|m| (field, m)),
        };
        let licence = Licence {
            number: self.value(F::Number).to_string(),
            kind,
            authority: self.value(F::Authority).to_string(),
            valid_from: date(F::ValidFrom)?,
            valid_until: date(F::ValidUntil)?,
            quantity: self.value(F::Quantity).to_string(),
            refused,
            note: self.value(F::Note).to_string(),
        };
        licence.check().map_err(|message| {
            let field = if licence.number.is_empty() {
                F::Number
            } else if message.contains("valid from") {
                F::ValidFrom
            } else {
                F::ValidUntil
            };
            (field, message)
        })?;
        Ok(licence)
    }
}

/// What the rules in use change, case by case.
pub struct ImpactView {
    /// The date every case is screened on; None: each case's own screening date.
    pub date: Option<Date>,
    /// None while it is being worked out.
    pub result: Option<Result<Impact, String>>,
    pub selected: usize,
    /// Typing another date.
    pub asking: Option<TextField>,
    pub saved: SaveState,
}

impl ImpactView {
    fn new(date: Option<Date>) -> ImpactView {
        ImpactView {
            date,
            result: None,
            selected: 0,
            asking: None,
            saved: SaveState::Unsaved,
        }
    }

    /// The cases that change, once worked out.
    pub fn changed(&self) -> &[ChangedCase] {
        match &self.result {
            Some(Ok(impact)) => &impact.changed,
            _ => &[],
        }
    }
}

pub struct HistoryView {
    /// Every readable record read so far, newest first.
    pub rows: Rows,
    pub filter: Filter,
    pub skipped: Vec<SkippedLine>,
    /// Lines read so far, good or not.
    pub lines_read: usize,
    pub complete: bool,
    /// Why the history could not be (fully) read.
    pub failure: Option<String>,
    /// Whether the history, as it was opened, no longer holds the head this user saw.
    pub head_lost: bool,
    /// One field per `FilterField::ALL`.
    pub fields: [TextField; 3],
    pub filter_focus: usize,
    pub outcome: Option<Outcome>,
    /// Position in the matches of the highlighted row.
    pub selected: usize,
    /// Position in the matches of the first row shown.
    pub top: usize,
    /// The record the highlight is on, so it stays there while the filter works.
    anchor: Option<u32>,
    pub screen: Screen,
    /// The impact view, kept while a case opened from it is shown.
    pub impact: Option<Box<ImpactView>>,
}

impl HistoryView {
    fn new() -> HistoryView {
        HistoryView {
            rows: Rows::default(),
            filter: Filter::default(),
            skipped: Vec::new(),
            lines_read: 0,
            complete: false,
            failure: None,
            head_lost: false,
            fields: FilterField::ALL.map(|f| TextField::new("", f.limit())),
            filter_focus: 0,
            outcome: None,
            selected: 0,
            top: 0,
            anchor: None,
            screen: Screen::List,
            impact: None,
        }
    }

    pub fn context(&self) -> Context {
        match &self.screen {
            Screen::List => Context::HistoryList,
            Screen::Filter => Context::HistoryFilter,
            Screen::Export(_) => Context::HistoryExport,
            Screen::Detail(detail) => match detail.pane {
                Pane::Record => Context::HistoryDetail,
                Pane::Date(_) => Context::HistoryDate,
                Pane::Rescreen(_) => Context::HistoryDiff,
                Pane::Override(ref form) if form.focus == OverrideFocus::Outcome => {
                    Context::HistoryOverrideOutcome
                }
                Pane::Override(_) => Context::HistoryOverride,
                Pane::Licence(_) => Context::HistoryLicence,
                Pane::Decide(_) => Context::HistoryDecide,
            },
            Screen::Impact => match self.impact.as_ref().and_then(|i| i.asking.as_ref()) {
                Some(_) => Context::HistoryImpactDate,
                None => Context::HistoryImpact,
            },
        }
    }

    pub fn title(&self) -> String {
        match &self.screen {
            Screen::List | Screen::Filter => "History".into(),
            Screen::Export(_) => "History - Export".into(),
            Screen::Detail(detail) => match &detail.pane {
                Pane::Record | Pane::Date(_) => "History - Record".into(),
                Pane::Rescreen(r) => format!("History - Re-screen on {}", r.date),
                Pane::Override(_) => "History - Override".into(),
                Pane::Licence(_) => "History - Licence".into(),
                Pane::Decide(_) => "History - Approval".into(),
            },
            Screen::Impact => "History - Impact of the rules in use".into(),
        }
    }

    /// Whether the filter has records left to check (the runtime sends `Idle` for them).
    pub fn busy(&self) -> bool {
        self.filter.busy(&self.rows)
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

    pub fn selected_row(&self) -> Option<Row<'_>> {
        let i = *self.filter.matches().get(self.selected)?;
        self.rows.get(i as usize)
    }

    /// The query the filter bar and the outcome filter describe; a date that does not
    /// parse is not applied (its field says so).
    pub fn query(&self) -> Query {
        let date = |field: FilterField| parse_date(self.fields[field as usize].value().trim()).ok();
        Query {
            text: self.fields[FilterField::Text as usize].value().to_string(),
            outcome: self.outcome,
            since: date(FilterField::Since),
            until: date(FilterField::Until),
        }
    }

    /// Filter by what the bar says now: the first step at once, the rest while no key waits.
    fn apply_query(&mut self) {
        let query = self.query();
        if query == *self.filter.query() {
            return;
        }
        self.anchor = self
            .filter
            .matches()
            .get(self.selected)
            .copied()
            .or(self.anchor);
        self.filter.set_query(query);
        self.work();
    }

    /// One step of the filter, the highlight kept on its record (or where it was).
    fn work(&mut self) {
        self.filter.step(&self.rows, STEP);
        let matches = self.filter.matches();
        self.selected = self
            .anchor
            .map_or(0, |a| matches.partition_point(|&m| m < a))
            .min(matches.len().saturating_sub(1));
    }

    /// Move the highlight and keep it on screen.
    fn select(&mut self, position: usize, page: usize) {
        let matches = self.filter.matches();
        self.selected = position.min(matches.len().saturating_sub(1));
        self.anchor = matches.get(self.selected).copied();
        let page = page.max(1);
        if self.selected < self.top {
            self.top = self.selected;
        } else if self.selected >= self.top + page {
            self.top = self.selected + 1 - page;
        }
    }

    fn focus_filter(&mut self, to: usize) {
        self.fields[self.filter_focus].blur();
        self.filter_focus = to;
        self.fields[to].focus();
    }

    /// Check a date field (an empty one is no bound) and show its problem beside it.
    fn check_filter(&mut self, field: FilterField) -> bool {
        let value = self.fields[field as usize].value().trim().to_string();
        if field != FilterField::Text
            && let Ok(date) = parse_date(&value)
            && date.to_string() != value
        {
            // A date typed as DD.MM.YYYY shows as the ISO date it was read as.
            self.fields[field as usize].set_value(&date.to_string());
        }
        let parsed = |f: FilterField| parse_date(self.fields[f as usize].value().trim()).ok();
        let message = match field {
            FilterField::Text => None,
            _ if value.is_empty() => None,
            _ => parse_date(&value)
                .err()
                .map(|e| format!("{e} (not applied)")),
        }
        .or_else(
            || match (parsed(FilterField::Since), parsed(FilterField::Until)) {
                (Some(since), Some(until)) if field == FilterField::Until && until < since => {
                    Some("Until is before Since: nothing can match".into())
                }
                _ => None,
            },
        );
        let valid = message.is_none();
        self.fields[field as usize].set_error(message);
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
    match &event {
        HistoryEvent::Notice(message) => {
            app.notice = Some(message.clone());
            return None;
        }
        // The result replaces what was said while the save waited for the history's lock.
        HistoryEvent::Saved(_) => app.notice = None,
        _ => {}
    }
    let rules = &app.rules;
    let view = app.history.as_mut()?;
    match event {
        HistoryEvent::Opened(result) => {
            view.rows.clear();
            view.filter.reset();
            view.skipped.clear();
            view.lines_read = 0;
            view.selected = 0;
            view.top = 0;
            view.anchor = None;
            view.failure = None;
            view.head_lost = result.as_ref().is_ok_and(|c| c.head_lost);
            loaded(view, rules, result)
        }
        HistoryEvent::Loaded(result) => loaded(view, rules, result),
        HistoryEvent::Idle => {
            view.work();
            None
        }
        HistoryEvent::Notice(_) => None,
        HistoryEvent::Read(result) => {
            let Screen::Detail(detail) = &mut view.screen else {
                return None;
            };
            detail.stored = Some(result.map(|b| *b));
            // A case opened from the impact view shows its re-screen at once.
            let case = detail
                .case
                .and_then(|i| view.impact.as_ref()?.changed().get(i));
            if let (Some(case), Some(Ok(stored))) = (case, &detail.stored) {
                detail.pane = Pane::Rescreen(Box::new(Rescreened::of(
                    rules,
                    &stored.record,
                    case.rescreen.clone(),
                )));
            }
            None
        }
        HistoryEvent::Saved(result) => saved(view, &app.keys, &mut app.notice, result),
        HistoryEvent::Exported(result) => {
            if let Screen::Export(dialog) = &mut view.screen {
                match result {
                    Ok((count, path)) => {
                        app.notice =
                            Some(format!("Exported {count} record(s) to {}", path.display()));
                        view.screen = Screen::List;
                    }
                    Err(message) => {
                        dialog.saved = SaveState::Failed(message.clone());
                        dialog.fields[FILE].set_error(Some(message));
                    }
                }
            }
            None
        }
        HistoryEvent::Impact(result) => {
            if let Some(impact) = view.impact.as_mut() {
                impact.result = Some(result.map(|b| *b));
                impact.selected = 0;
            }
            None
        }
    }
}

fn loaded(
    view: &mut HistoryView,
    rules: &RuleSet,
    result: Result<Box<Chunk>, String>,
) -> Option<Effect> {
    match result {
        Ok(chunk) => {
            view.rows.append(chunk.rows, rules);
            view.skipped.extend(chunk.skipped);
            view.lines_read += chunk.lines;
            view.complete = chunk.complete;
            view.work();
            (!view.complete).then_some(Effect::History(HistoryEffect::LoadMore))
        }
        Err(message) => {
            view.failure = Some(message);
            None
        }
    }
}

/// A save came back: show it where it was asked for, and read the history again so the new
/// records show.
fn saved(
    view: &mut HistoryView,
    keys: &super::keys::KeyMap,
    notice: &mut Option<String>,
    result: Result<SavedRecords, SaveError>,
) -> Option<Effect> {
    let reload = result.is_ok();
    match &mut view.screen {
        Screen::Detail(detail) => {
            let state = match &mut detail.pane {
                Pane::Rescreen(r) => &mut r.saved,
                Pane::Override(o) => &mut o.saved,
                // Saved: the record shows the licence, read again.
                Pane::Licence(_) | Pane::Decide(_) if let Ok(saved) = &result => {
                    let what = match &detail.pane {
                        Pane::Decide(form) => match form.verdict {
                            Verdict::Approved => "Approval",
                            Verdict::Rejected => "Rejection",
                        },
                        _ => "Licence",
                    };
                    *notice = Some(format!("{what} saved as {}", saved.ids.join(", ")));
                    detail.pane = Pane::Record;
                    return Some(Effect::History(HistoryEffect::Read(detail.offset)));
                }
                // Not saved: why goes under the form's first field, wrapped, not cut in
                // the status line.
                Pane::Licence(_) | Pane::Decide(_) => {
                    let why = result.err().map(|e| e.message);
                    match &mut detail.pane {
                        Pane::Licence(l) => {
                            l.saved = SaveState::Unsaved;
                            l.fields[0].set_error(why);
                        }
                        Pane::Decide(d) => {
                            d.saved = SaveState::Unsaved;
                            d.reason.set_error(why);
                        }
                        _ => {}
                    }
                    return None;
                }
                _ => return None,
            };
            // Either way the record open is superseded now: by this save, or by another
            // session's (which this save would have forked).
            let (state_now, current) = match result {
                Ok(saved) => (SaveState::Saved(saved.ids.join(", ")), saved.current),
                // Another session saved to the case meanwhile (said to fit one status line).
                Err(error) if error.current.is_some() => (
                    SaveState::Failed(format!(
                        "Not saved: the case changed meanwhile; Esc, then {} opens its current record",
                        keys.words_for(Context::HistoryDetail, "open-current")
                    )),
                    error.current,
                ),
                Err(error) => (SaveState::Failed(error.message), error.current),
            };
            *state = state_now;
            if let (Some(current), Some(Ok(stored))) = (current, &mut detail.stored) {
                stored.current = Some(current);
            }
            // A case re-screened on its own leaves the impact list, so saving all of them
            // later does not save it twice.
            if reload
                && let (Some(i), Some(impact)) = (detail.case.take(), view.impact.as_mut())
                && let Some(Ok(found)) = impact.result.as_mut()
                && i < found.changed.len()
            {
                found.changed.remove(i);
                impact.selected = impact.selected.min(found.changed.len().saturating_sub(1));
            }
        }
        Screen::Impact => {
            let impact = view.impact.as_mut()?;
            impact.saved = match result {
                Ok(saved) => SaveState::Saved(saved.ids.len().to_string()),
                // Another session saved to a case meanwhile (said to fit one status line).
                Err(error) if error.current.is_some() => SaveState::Failed(format!(
                    "Not saved: a case changed meanwhile; Esc, then {} works the impact out again",
                    keys.words_for(Context::HistoryList, "impact")
                )),
                Err(error) => SaveState::Failed(error.message),
            };
        }
        Screen::List | Screen::Filter | Screen::Export(_) => return None,
    }
    reload.then_some(Effect::History(HistoryEffect::Open))
}

/// Keys and commands while the history view is open (overlays are handled before).
pub fn update(app: &mut App, action: Action) -> Option<Effect> {
    let view = app.history.as_mut()?;
    if action == Action::History {
        view.screen = Screen::List;
        view.impact = None;
        return Some(Effect::History(HistoryEffect::Open));
    }
    if action == Action::CopyScreening {
        let Screen::Detail(detail) = &view.screen else {
            return None;
        };
        let Some(Ok(stored)) = &detail.stored else {
            return None;
        };
        let record = &stored.record;
        let source = CopySource {
            answers: record.screening.determination.answers.clone(),
            details: record.screening.details.clone(),
            record: Some(record.id.clone()),
        };
        return super::update::start_from(app, source);
    }
    match &view.screen {
        Screen::List => on_list(app, action),
        Screen::Filter => {
            on_filter(view, action);
            None
        }
        Screen::Detail(_) => on_detail(app, action),
        Screen::Impact => on_impact(app, action),
        Screen::Export(_) => on_export(app, action),
    }
}

fn on_export(app: &mut App, action: Action) -> Option<Effect> {
    let today = app.today;
    let view = app.history.as_mut()?;
    let Screen::Export(dialog) = &mut view.screen else {
        return None;
    };
    match action {
        action if edit_field(&mut dialog.fields[dialog.focus], &action) => {}
        Action::Back => view.screen = Screen::List,
        Action::NextField | Action::PrevField => dialog.focus(dialog.focus + 1, today),
        Action::Next => {
            let Some(format) = dialog.format() else {
                dialog.fields[FORMAT].set_error(Some("Type 1, 2, 3 or 4".into()));
                dialog.focus(FORMAT, today);
                return None;
            };
            dialog.focus(dialog.focus, today);
            let path = dialog.fields[FILE].value().trim().to_string();
            if path.is_empty() {
                dialog.fields[FILE].set_error(Some("Name the file to write".into()));
                dialog.focus(FILE, today);
                return None;
            }
            if matches!(dialog.saved, SaveState::Saving) {
                return None;
            }
            dialog.saved = SaveState::Saving;
            return Some(Effect::History(HistoryEffect::Export(Box::new(
                ExportRequest {
                    query: view.filter.query().clone(),
                    records: view.filter.records(),
                    format,
                    path: PathBuf::from(path),
                },
            ))));
        }
        _ => {}
    }
    None
}

fn on_list(app: &mut App, action: Action) -> Option<Effect> {
    let page = history_list::page_height(app.size);
    let view = app.history.as_mut()?;
    let last = view.filter.matches().len().saturating_sub(1);
    match action {
        Action::Up => view.select(view.selected.saturating_sub(1), page),
        Action::Down => view.select(view.selected + 1, page),
        Action::PageUp => view.select(view.selected.saturating_sub(page), page),
        Action::PageDown => view.select(view.selected + page, page),
        Action::Top => view.select(0, page),
        Action::Bottom => view.select(last, page),
        Action::Next => {
            let offset = view.selected_row()?.offset;
            return Some(open_detail(view, offset, None));
        }
        Action::HistoryCommand(HistoryCommand::Filter) => {
            view.screen = Screen::Filter;
            view.fields[view.filter_focus].focus();
        }
        Action::HistoryCommand(HistoryCommand::CycleOutcome) => {
            view.outcome = next_outcome(view.outcome);
            view.apply_query();
        }
        Action::HistoryCommand(HistoryCommand::ClearFilter) => {
            view.fields = FilterField::ALL.map(|f| TextField::new("", f.limit()));
            view.outcome = None;
            view.apply_query();
        }
        Action::HistoryCommand(HistoryCommand::AllRecords) => {
            let records = match view.filter.records() {
                Records::Cases => Records::All,
                Records::All => Records::Cases,
            };
            view.anchor = view
                .filter
                .matches()
                .get(view.selected)
                .copied()
                .or(view.anchor);
            view.filter.set_records(records);
            view.work();
        }
        Action::HistoryCommand(HistoryCommand::Export) => {
            view.screen = Screen::Export(Box::new(ExportDialog::new(app.today)));
        }
        Action::HistoryCommand(HistoryCommand::Impact) => {
            view.impact = Some(Box::new(ImpactView::new(None)));
            view.screen = Screen::Impact;
            return Some(Effect::History(HistoryEffect::Impact(None)));
        }
        Action::Back => {
            app.history = None;
            return Some(Effect::History(HistoryEffect::Close));
        }
        _ => {}
    }
    None
}

fn open_detail(view: &mut HistoryView, offset: u64, case: Option<usize>) -> Effect {
    view.screen = Screen::Detail(Box::new(Detail {
        offset,
        stored: None,
        scroll: ScrollView::default(),
        pane: Pane::Record,
        from_impact: case.is_some(),
        case,
    }));
    Effect::History(HistoryEffect::Read(offset))
}

fn on_filter(view: &mut HistoryView, action: Action) {
    let field = FilterField::ALL[view.filter_focus];
    let count = FilterField::ALL.len();
    match action {
        Action::Type(c) => view.fields[view.filter_focus].insert(&c.to_string()),
        Action::Paste(text) => view.fields[view.filter_focus].insert(&text),
        Action::Edit(edit) => {
            view.fields[view.filter_focus].edit(edit);
        }
        Action::NextField => {
            view.check_filter(field);
            view.focus_filter((view.filter_focus + 1) % count);
        }
        Action::PrevField => {
            view.check_filter(field);
            view.focus_filter((view.filter_focus + count - 1) % count);
        }
        Action::Next => {
            // Enter leaves only when the dates are valid; Esc always leaves.
            let invalid = FilterField::ALL
                .into_iter()
                .filter(|f| !view.check_filter(*f))
                .map(|f| f as usize)
                .min();
            match invalid {
                Some(i) => view.focus_filter(i),
                None => {
                    view.fields[view.filter_focus].blur();
                    view.screen = Screen::List;
                }
            }
        }
        Action::Back => {
            view.check_filter(field);
            view.fields[view.filter_focus].blur();
            view.screen = Screen::List;
        }
        _ => return,
    }
    view.apply_query();
}

/// A date field prefilled with `date` and selected, so typing replaces it.
fn date_field(date: Option<Date>) -> TextField {
    let mut field = TextField::new(&date.map(|d| d.to_string()).unwrap_or_default(), DATE_CHARS);
    field.focus();
    field
}

/// Type into a text field, or edit it; whether the action was one of those.
fn edit_field(field: &mut TextField, action: &Action) -> bool {
    match action {
        Action::Type(c) => field.insert(&c.to_string()),
        Action::Paste(text) => field.insert(text),
        Action::Edit(edit) => {
            field.edit(*edit);
        }
        _ => return false,
    }
    true
}

fn on_detail(app: &mut App, action: Action) -> Option<Effect> {
    let (today, size, theme) = (app.today, app.size, app.theme);
    let (rules, officer, notice, keys) = (
        &app.rules,
        &app.defaults.officer,
        &mut app.notice,
        &app.keys,
    );
    let view = app.history.as_mut()?;
    let Screen::Detail(detail) = &mut view.screen else {
        return None;
    };
    if matches!(detail.pane, Pane::Record | Pane::Rescreen(_))
        && let Some(how) = scroll_of(&action)
    {
        let (lines, page) = history_detail::extent(theme, detail, size);
        match &mut detail.pane {
            Pane::Rescreen(r) => r.scroll.scroll(how, lines, page),
            _ => detail.scroll.scroll(how, lines, page),
        }
        return None;
    }
    let stored = detail.stored.as_ref().and_then(|s| s.as_ref().ok());
    let record = stored.map(|s| &s.record);
    let current = stored.and_then(|s| s.current.clone());
    if let (Some((_, offset)), Action::HistoryCommand(command)) = (&current, &action) {
        match command {
            HistoryCommand::OpenCurrent => {
                let offset = *offset;
                return Some(open_detail(view, offset, None));
            }
            HistoryCommand::Rescreen
            | HistoryCommand::OnDate
            | HistoryCommand::Override
            | HistoryCommand::Licence
            | HistoryCommand::Decide(_)
                if matches!(detail.pane, Pane::Record) =>
            {
                // The banner names the current record; the line must fit 80 columns.
                *notice = Some(format!(
                    "Superseded: nothing is done to this record; {} opens the case's current one",
                    keys.words_for(Context::HistoryDetail, "open-current")
                ));
                return None;
            }
            _ => {}
        }
    }
    match &mut detail.pane {
        Pane::Record => match action {
            Action::Back => {
                view.screen = if detail.from_impact {
                    Screen::Impact
                } else {
                    Screen::List
                };
            }
            Action::HistoryCommand(HistoryCommand::Rescreen) => {
                let (screening, _) = history::rescreen(rules, record?, today);
                detail.pane = Pane::Rescreen(Box::new(Rescreened::of(rules, record?, screening)));
            }
            Action::HistoryCommand(HistoryCommand::OnDate) if record.is_some() => {
                detail.pane = Pane::Date(date_field(Some(today)));
            }
            Action::HistoryCommand(HistoryCommand::Override) => {
                let standing = record?.effective_outcome();
                detail.pane = Pane::Override(Box::new(OverrideForm::new(standing, officer)));
            }
            Action::HistoryCommand(HistoryCommand::Licence) if record.is_some() => {
                if record.is_some_and(|r| !r.kind.stands_for_case()) {
                    *notice =
                        Some("A licence record: record a licence on the case's record".into());
                    return None;
                }
                detail.pane = Pane::Licence(Box::new(LicenceForm::new()));
            }
            Action::HistoryCommand(HistoryCommand::Decide(verdict)) if record.is_some() => {
                let mut reason = TextField::new("", MAX_REASON);
                reason.focus();
                detail.pane = Pane::Decide(Box::new(DecisionForm {
                    verdict,
                    reason,
                    saved: SaveState::Unsaved,
                }));
            }
            _ => {}
        },
        Pane::Date(field) => {
            if edit_field(field, &action) {
                return None;
            }
            match action {
                Action::Back => detail.pane = Pane::Record,
                Action::Next => match parse_date(field.value().trim()) {
                    Ok(date) => {
                        let (screening, _) = history::rescreen(rules, record?, date);
                        detail.pane =
                            Pane::Rescreen(Box::new(Rescreened::of(rules, record?, screening)));
                    }
                    Err(message) => field.set_error(Some(message)),
                },
                _ => {}
            }
        }
        Pane::Rescreen(rescreened) => match action {
            Action::Back => detail.pane = Pane::Record,
            Action::HistoryCommand(HistoryCommand::OnDate) => {
                detail.pane = Pane::Date(date_field(Some(rescreened.date)));
            }
            Action::Save => {
                let request = SaveRequest {
                    screening: rescreened.screening.clone(),
                    kind: RecordKind::Rescreen,
                    supersedes: record?.id.clone(),
                    reason: "re-screen".into(),
                    override_outcome: None,
                    licence: None,
                    verdict: None,
                };
                return save(&mut rescreened.saved, notice, vec![request]);
            }
            _ => {}
        },
        Pane::Override(_) if action == Action::Back => detail.pane = Pane::Record,
        Pane::Override(form) => return on_override(form, record?, notice, action),
        Pane::Licence(_) if action == Action::Back => detail.pane = Pane::Record,
        Pane::Licence(form) => return on_licence(form, record?, notice, action),
        Pane::Decide(_) if action == Action::Back => detail.pane = Pane::Record,
        Pane::Decide(form) => {
            if edit_field(&mut form.reason, &action) || action != Action::Next {
                return None;
            }
            let reason = form.reason.value().trim().to_string();
            if reason.is_empty() {
                form.reason
                    .set_error(Some("A reason is required: say why".into()));
                return None;
            }
            let record = record?;
            let request = SaveRequest {
                screening: record.screening.clone(),
                kind: RecordKind::Approval,
                supersedes: record.id.clone(),
                reason,
                override_outcome: None,
                licence: None,
                verdict: Some(form.verdict),
            };
            return save(&mut form.saved, notice, vec![request]);
        }
    }
    None
}

fn on_licence(
    form: &mut LicenceForm,
    record: &Record,
    notice: &mut Option<String>,
    action: Action,
) -> Option<Effect> {
    match action {
        action if edit_field(&mut form.fields[form.focus], &action) => {}
        Action::NextField => form.focus(form.focus + 1),
        Action::PrevField => form.focus(form.focus + LicenceField::ALL.len() - 1),
        Action::Next => match form.licence() {
            Err((field, message)) => {
                form.fields[field as usize].set_error(Some(message));
                form.focus(field as usize);
            }
            Ok(licence) => {
                let request = SaveRequest {
                    screening: record.screening.clone(),
                    kind: RecordKind::Licence,
                    supersedes: record.id.clone(),
                    reason: String::new(),
                    override_outcome: None,
                    licence: Some(licence),
                    verdict: None,
                };
                return save(&mut form.saved, notice, vec![request]);
            }
        },
        _ => {}
    }
    None
}

fn on_override(
    form: &mut OverrideForm,
    record: &Record,
    notice: &mut Option<String>,
    action: Action,
) -> Option<Effect> {
    let last = Outcome::ALL.len() - 1;
    match (form.focus, action) {
        (OverrideFocus::Field(i), action) if edit_field(&mut form.fields[i], &action) => {}
        (OverrideFocus::Outcome, Action::Paste(_)) => {
            *notice = Some("Choose the outcome with Up/Down; Tab goes on to the reason".into());
        }
        (OverrideFocus::Outcome, Action::Up) => {
            form.choice = form.choice.saturating_sub(1);
            form.outcome_error = None;
        }
        (OverrideFocus::Outcome, Action::Down) => {
            form.choice = (form.choice + 1).min(last);
            form.outcome_error = None;
        }
        (_, Action::NextField) => form.step_focus(true),
        (_, Action::PrevField) => form.step_focus(false),
        (_, Action::Next) => {
            let reason = form.fields[REASON].value().trim().to_string();
            let officer = form.fields[OFFICER].value().trim().to_string();
            if reason.is_empty() {
                form.fields[REASON].set_error(Some(
                    "A reason is required: say why the outcome is overridden".into(),
                ));
                form.focus(OverrideFocus::Field(REASON));
                return None;
            }
            let officer_problem = if officer.is_empty() {
                Some("The officer who decides the override is required".to_string())
            } else {
                validate_field(Field::Officer, &officer).err()
            };
            if let Some(message) = officer_problem {
                form.fields[OFFICER].set_error(Some(message));
                form.focus(OverrideFocus::Field(OFFICER));
                return None;
            }
            let outcome = Outcome::ALL.get(form.choice).copied()?;
            if outcome == record.effective_outcome() {
                form.outcome_error = Some(format!(
                    "{} {} already stands: choose another outcome",
                    outcome.symbol(),
                    outcome.label()
                ));
                form.focus(OverrideFocus::Outcome);
                return None;
            }
            let mut screening = record.screening.clone();
            screening.details.officer = officer;
            let request = SaveRequest {
                screening,
                kind: RecordKind::Override,
                supersedes: record.id.clone(),
                reason,
                override_outcome: Some(outcome),
                licence: None,
                verdict: None,
            };
            return save(&mut form.saved, notice, vec![request]);
        }
        _ => {}
    }
    None
}

/// Ask the runtime to append records, unless they are already saved or being saved.
fn save(
    state: &mut SaveState,
    notice: &mut Option<String>,
    requests: Vec<SaveRequest>,
) -> Option<Effect> {
    match state {
        SaveState::Saved(id) => {
            *notice = Some(format!("Already saved as {id}"));
            None
        }
        SaveState::Saving => None,
        SaveState::Unsaved | SaveState::Failed(_) => {
            *state = SaveState::Saving;
            Some(Effect::History(HistoryEffect::Save(requests)))
        }
    }
}

fn on_impact(app: &mut App, action: Action) -> Option<Effect> {
    let page = impact::page_height(app.size);
    let notice = &mut app.notice;
    let view = app.history.as_mut()?;
    let impact = view.impact.as_mut()?;
    if let Some(field) = &mut impact.asking {
        if edit_field(field, &action) {
            return None;
        }
        match action {
            Action::Back => impact.asking = None,
            Action::Next => {
                let text = field.value().trim();
                let date = if text.is_empty() {
                    None
                } else {
                    match parse_date(text) {
                        Ok(date) => Some(date),
                        Err(message) => {
                            field.set_error(Some(message));
                            return None;
                        }
                    }
                };
                **impact = ImpactView::new(date);
                return Some(Effect::History(HistoryEffect::Impact(date)));
            }
            _ => {}
        }
        return None;
    }
    let count = impact.changed().len();
    match action {
        Action::HistoryCommand(HistoryCommand::OnDate) => {
            impact.asking = Some(date_field(impact.date));
        }
        Action::Next => {
            let offset = impact.changed().get(impact.selected)?.offset;
            let case = impact.selected;
            return Some(open_detail(view, offset, Some(case)));
        }
        Action::Save => match (&impact.result, &impact.saved) {
            (None, _) | (_, SaveState::Saving) => {}
            (_, SaveState::Saved(n)) => {
                *notice = Some(format!("Already saved: {n} re-screen(s)"));
            }
            (Some(Err(_)), _) => {}
            (Some(Ok(_)), _) if count == 0 => {
                *notice = Some("No case changes: nothing to save".into());
            }
            (Some(Ok(found)), _) if found.to_save(false).next().is_none() => {
                *notice = Some(
                    "Every case that changes stands on an officer's override: nothing to save"
                        .into(),
                );
            }
            (Some(Ok(_)), _) => app.overlay = Some(Overlay::Confirm(Pending::SaveImpact)),
        },
        Action::Back => {
            view.impact = None;
            view.screen = Screen::List;
        }
        // Paging moves by what the list shows.
        Action::PageUp => impact.selected = impact.selected.saturating_sub(page),
        Action::PageDown => {
            impact.selected = (impact.selected + page).min(count.saturating_sub(1));
        }
        other => {
            if let Some(at) = moved(impact.selected, count, &other) {
                impact.selected = at;
            }
        }
    }
    None
}

/// The officer confirmed: save every re-screen of the impact as a new record superseding
/// its case's current one, in one save; a case whose current record is an officer's
/// override stands (the command line replaces it only with `--include-overrides`).
pub fn save_impact(app: &mut App) -> Option<Effect> {
    let reason = history::impact_reason(&app.rules);
    let impact = app.history.as_mut()?.impact.as_mut()?;
    let Some(Ok(found)) = &impact.result else {
        return None;
    };
    let requests = found
        .to_save(false)
        .map(|c| SaveRequest {
            screening: c.rescreen.clone(),
            kind: RecordKind::Rescreen,
            supersedes: c.id.clone(),
            reason: reason.clone(),
            override_outcome: None,
            licence: None,
            verdict: None,
        })
        .collect();
    save(&mut impact.saved, &mut app.notice, requests)
}

/// The question the confirmation asks before saving the impact's re-screens.
pub fn save_impact_question(app: &App) -> String {
    let found = app
        .history
        .as_ref()
        .and_then(|h| h.impact.as_ref())
        .and_then(|i| i.result.as_ref()?.as_ref().ok());
    let (count, overrides) = found.map_or((0, 0), |f| (f.to_save(false).count(), f.overrides()));
    let stand = if overrides > 0 {
        format!(" The {overrides} case(s) on an officer's override stand and are not saved.")
    } else {
        String::new()
    };
    format!(
        "Save {count} re-screen(s) as new records, each superseding its case's current record? The records already saved stay as they are.{stand}"
    )
}
