//! Batch screening: read transactions from CSV or JSON lines, screen each row, and write one
//! result per row in the same format. A bad row becomes an error result with its row number
//! and field; it never stops the rows after it. The command itself is `cli::batch_cmd`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::Path;
use std::sync::Arc;

use clap::ValueEnum;
use jiff::civil::Date;
use serde::Serialize;

use crate::engine::{Answers, Determination, determine, normalise, valid_values};
use crate::rules::{Outcome, RuleSet, UNKNOWN};
use crate::screening::{Details, Field, applicable_answers, parse_date, validate_field};
use crate::text::{neutralise_formula, sanitize};

/// Longest line (or run without a line break) accepted from an input file: far beyond any
/// real row, small enough that a file of zeros cannot exhaust memory.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// Passes input through, failing once a line runs past [`MAX_LINE_BYTES`].
pub struct LineLimit<R> {
    inner: R,
    run: usize,
}

impl<R: Read> LineLimit<R> {
    fn new(inner: R) -> LineLimit<R> {
        LineLimit { inner, run: 0 }
    }
}

impl<R: Read> Read for LineLimit<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        for &b in &buf[..n] {
            self.run = if b == b'\n' { 0 } else { self.run + 1 };
            if self.run > MAX_LINE_BYTES {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "a line is longer than {MAX_LINE_BYTES} bytes; this is not a batch file"
                    ),
                ));
            }
        }
        Ok(n)
    }
}

/// The message of a CSV error, without csv's own position (rows are numbered by us).
fn io_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Io(io) => io.to_string(),
        _ => e.to_string(),
    }
}

/// The file formats a batch reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BatchFormat {
    Csv,
    /// One JSON object per line (also called NDJSON).
    Jsonl,
}

impl BatchFormat {
    /// The format a file name implies: `.csv`, or `.jsonl` / `.ndjson`.
    pub fn infer(path: &Path) -> Option<BatchFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(BatchFormat::Csv),
            "jsonl" | "ndjson" => Some(BatchFormat::Jsonl),
            _ => None,
        }
    }
}

/// The columns a batch reads: one per question of the rule set (by its id), the record
/// fields, and `date`. Any other column is ignored and reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns {
    names: Vec<String>,
    /// How many of `names` (the first ones) are questions.
    questions: usize,
}

impl Columns {
    pub fn of(rules: &RuleSet) -> Columns {
        let mut names: Vec<String> = rules.questions.iter().map(|q| q.id.clone()).collect();
        let questions = names.len();
        names.extend(Field::ALL.iter().map(|f| f.id().to_string()));
        Columns { names, questions }
    }

    fn position(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    pub fn list(&self) -> String {
        self.names.join(", ")
    }

    fn is_question(&self, column: usize) -> bool {
        column < self.questions
    }
}

/// The values of one input row, by column position in [`Columns`]; an absent column is
/// empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fields(Vec<String>);

impl Fields {
    fn new(columns: &Columns) -> Fields {
        Fields(vec![String::new(); columns.names.len()])
    }

    pub fn get(&self, columns: &Columns, name: &str) -> &str {
        columns
            .position(name)
            .and_then(|i| self.0.get(i))
            .map_or("", String::as_str)
    }

    fn set(&mut self, column: usize, value: String) {
        if let Some(slot) = self.0.get_mut(column) {
            *slot = value;
        }
    }
}

/// What is wrong with one row, and in which column when it is one column's fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub column: Option<String>,
    pub message: String,
}

impl RowError {
    fn row(message: String) -> RowError {
        RowError {
            column: None,
            message,
        }
    }

    pub fn column(column: &str, message: String) -> RowError {
        RowError {
            column: Some(column.to_string()),
            message,
        }
    }
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(column) => write!(f, "{column}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// One input row: its number among the data rows (1-based), the line it starts on, and its
/// values or why they could not be read.
#[derive(Debug, Clone)]
pub struct Record {
    pub row: u64,
    pub line: u64,
    pub fields: Result<Fields, RowError>,
}

/// Reads the rows of a CSV (with a header row) or JSON-lines input, one [`Record`] each.
/// Only I/O failures end the iteration early (as an `Err` item).
pub struct RowReader<R: Read> {
    source: Source<R>,
    columns: Columns,
    row: u64,
    /// Input columns or fields that are not batch columns; ignored, reported once.
    pub ignored_columns: BTreeSet<String>,
}

enum Source<R: Read> {
    Csv {
        reader: csv::Reader<LineLimit<R>>,
        /// For each input column, its position in `Columns` (None: ignored).
        columns: Vec<Option<usize>>,
        record: csv::StringRecord,
    },
    Jsonl {
        lines: BufReader<LineLimit<R>>,
        line: u64,
    },
}

impl<R: Read> RowReader<R> {
    /// Start reading; for CSV this reads and checks the header row.
    pub fn new(input: R, format: BatchFormat, columns: Columns) -> Result<RowReader<R>, String> {
        let mut ignored_columns = BTreeSet::new();
        let input = LineLimit::new(input);
        let source = match format {
            BatchFormat::Jsonl => Source::Jsonl {
                lines: BufReader::new(input),
                line: 0,
            },
            BatchFormat::Csv => {
                let mut reader = csv::ReaderBuilder::new()
                    .trim(csv::Trim::All)
                    .from_reader(input);
                let header = reader
                    .headers()
                    .map_err(|e| format!("cannot read the CSV header row: {e}"))?;
                let mut positions: Vec<Option<usize>> = Vec::new();
                for (i, name) in header.iter().enumerate() {
                    // Spreadsheets often save UTF-8 with a byte-order mark before the first name.
                    let name = if i == 0 {
                        name.trim_start_matches('\u{feff}')
                    } else {
                        name
                    };
                    let name = name.trim().to_ascii_lowercase();
                    let column = columns.position(&name);
                    if column.is_some() && positions.contains(&column) {
                        return Err(format!(
                            "the CSV header names the column '{}' twice",
                            sanitize(&name)
                        ));
                    }
                    if column.is_none() {
                        ignored_columns.insert(sanitize(&name));
                    }
                    positions.push(column);
                }
                if !positions.iter().flatten().any(|&c| columns.is_question(c)) {
                    return Err(format!(
                        "the CSV header row names no question column (a header row is required; columns are {})",
                        columns.list()
                    ));
                }
                Source::Csv {
                    reader,
                    columns: positions,
                    record: csv::StringRecord::new(),
                }
            }
        };
        Ok(RowReader {
            source,
            columns,
            row: 0,
            ignored_columns,
        })
    }

    fn next_csv(&mut self) -> Option<Result<Record, String>> {
        let Source::Csv {
            reader,
            columns,
            record,
        } = &mut self.source
        else {
            return None;
        };
        let all = &self.columns;
        let read = reader.read_record(record);
        let error_line = |e: &csv::Error| e.position().map_or(0, |p| p.line());
        let fields = match read {
            Ok(false) => return None,
            Ok(true) => {
                let mut fields = Fields::new(all);
                for (column, value) in columns.iter().zip(record.iter()) {
                    if let Some(column) = column {
                        fields.set(*column, value.to_string());
                    }
                }
                Ok((record.position().map_or(0, |p| p.line()), fields))
            }
            Err(e) => match e.kind() {
                csv::ErrorKind::UnequalLengths {
                    expected_len, len, ..
                } => {
                    let line = error_line(&e);
                    let next_line = reader.position().line();
                    let hint = if next_line > line + 1 {
                        format!(
                            "; it runs from line {line} to line {}, so a quote is probably not closed",
                            next_line - 1
                        )
                    } else {
                        "; check the commas and quotes".to_string()
                    };
                    Err((
                        line,
                        RowError::row(format!(
                            "the row has {len} fields, the header {expected_len}{hint}"
                        )),
                    ))
                }
                csv::ErrorKind::Utf8 { err, .. } => Err((
                    error_line(&e),
                    RowError::row(format!("field {} is not valid UTF-8 text", err.field() + 1)),
                )),
                _ => {
                    return Some(Err(format!(
                        "cannot read the CSV input: {}",
                        io_message(&e)
                    )));
                }
            },
        };
        self.row += 1;
        let (line, fields) = match fields {
            Ok((line, fields)) => (line, Ok(fields)),
            Err((line, error)) => (line, Err(error)),
        };
        Some(Ok(Record {
            row: self.row,
            line,
            fields,
        }))
    }

    fn next_jsonl(&mut self) -> Option<Result<Record, String>> {
        let Source::Jsonl { lines, line } = &mut self.source else {
            return None;
        };
        let mut bytes = Vec::new();
        loop {
            bytes.clear();
            match lines.read_until(b'\n', &mut bytes) {
                Ok(0) => return None,
                Ok(_) => *line += 1,
                Err(e) => return Some(Err(format!("cannot read the input: {e}"))),
            }
            if *line == 1 && bytes.starts_with("\u{feff}".as_bytes()) {
                bytes.drain(..3);
            }
            if !bytes.iter().all(u8::is_ascii_whitespace) {
                break;
            }
        }
        self.row += 1;
        let fields = parse_json_row(&bytes, &self.columns, &mut self.ignored_columns);
        Some(Ok(Record {
            row: self.row,
            line: *line,
            fields,
        }))
    }
}

impl<R: Read> Iterator for RowReader<R> {
    type Item = Result<Record, String>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.source {
            Source::Csv { .. } => self.next_csv(),
            Source::Jsonl { .. } => self.next_jsonl(),
        }
    }
}

/// One JSON line into fields. Strings are taken as they are, numbers as their text (order
/// numbers are often numeric), `null` as empty; anything else is an error naming the field.
/// A key given twice is an error: JSON readers would silently keep only one of the values.
fn parse_json_row(
    bytes: &[u8],
    columns: &Columns,
    ignored: &mut BTreeSet<String>,
) -> Result<Fields, RowError> {
    let object: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(bytes)
        .map_err(|e| RowError::row(format!("not a JSON object: {e}")))?;
    if let Some(dup) = std::str::from_utf8(bytes)
        .ok()
        .and_then(crate::json::first_duplicate_key)
    {
        return Err(RowError::column(
            &sanitize(&dup.key),
            "given twice in this row; give each column once".to_string(),
        ));
    }
    let mut fields = Fields::new(columns);
    for (name, value) in object {
        let Some(column) = columns.position(&name) else {
            ignored.insert(sanitize(&name));
            continue;
        };
        let text = match value {
            serde_json::Value::String(s) => s.trim().to_string(),
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::Null => String::new(),
            other => {
                let kind = match other {
                    serde_json::Value::Bool(_) => "true/false",
                    serde_json::Value::Array(_) => "a list",
                    _ => "an object",
                };
                return Err(RowError::column(
                    &columns.names[column],
                    format!("must be text, not {kind}"),
                ));
            }
        };
        fields.set(column, text);
    }
    Ok(fields)
}

/// Screens rows against one rule set. Rows with the same answers and date share one
/// determination (an order book repeats a handful of combinations), so a large batch costs
/// a few engine calls plus a clone per row.
pub struct Screener<'r> {
    rules: &'r RuleSet,
    columns: Columns,
    default_date: Date,
    defaults: Details,
    cache: HashMap<(Answers, Date), Arc<Determination>>,
    /// Screens the counterparty and end-user columns, when given.
    parties: Option<&'r crate::parties::Screener>,
    /// Per answers and date, the determination with the lists named and no match (most
    /// named rows), and the last row's determination with its matches.
    named: HashMap<(Answers, Date), Arc<Determination>>,
    matched: Option<Arc<Determination>>,
    /// Per (counterparty, end user, date), what the lists found: an order book names the
    /// same parties over and over, and each is screened once.
    found: HashMap<PartyNames, Vec<crate::parties::PartyFinding>>,
}

impl<'r> Screener<'r> {
    /// `default_date` applies to rows without a date; `defaults` fills an empty officer
    /// (from the settings).
    pub fn new(rules: &'r RuleSet, default_date: Date, defaults: Details) -> Screener<'r> {
        Screener {
            rules,
            columns: Columns::of(rules),
            default_date,
            defaults,
            cache: HashMap::new(),
            parties: None,
            named: HashMap::new(),
            matched: None,
            found: HashMap::new(),
        }
    }

    /// Screen the `counterparty` and `end_user` columns against these lists.
    pub fn with_parties(mut self, parties: &'r crate::parties::Screener) -> Screener<'r> {
        self.parties = Some(parties);
        self
    }

    pub fn columns(&self) -> &Columns {
        &self.columns
    }

    /// Validate and screen one row; the first problem found is the error. An empty question
    /// cell is answered `unknown`. The determination is borrowed from the cache: clone it
    /// only to keep it (a `Screening` to save).
    pub fn screen(&mut self, fields: &Fields) -> Result<(&Arc<Determination>, Details), RowError> {
        let (answers, date, details) = self.read(fields)?;
        let rules = self.rules;
        let key = (answers, date);
        let determination = self
            .cache
            .entry(key.clone())
            .or_insert_with_key(|(answers, date)| {
                let kept = applicable_answers(rules, answers, *date);
                Arc::new(determine(rules, &kept, *date))
            });
        let Some(parties) = self.parties else {
            return Ok((determination, details));
        };
        let Some(names) = names_of(&details, date)? else {
            return Ok((determination, details));
        };
        let findings = match self.found.get(&names) {
            Some(findings) => findings.clone(),
            None => {
                // Many names: near words are then looked up in a table, not scanned.
                if self.found.len() == crate::parties::MANY_NAMES {
                    parties.index.prepare_for_many();
                }
                let findings = parties
                    .findings(&details, date, &[])
                    .map_err(|m| RowError::column(Field::Counterparty.id(), m))?;
                self.found.insert(names, findings.clone());
                findings
            }
        };
        if findings.is_empty() {
            let base = determination.clone();
            let named = self.named.entry(key).or_insert_with(|| {
                let mut d = (*base).clone();
                d.party_lists = parties.lists.names();
                Arc::new(d)
            });
            return Ok((named, details));
        }
        let mut d = (**determination).clone();
        d.party_lists = parties.lists.names();
        crate::parties::apply(rules, &mut d, findings);
        Ok((self.matched.insert(Arc::new(d)), details))
    }

    /// Search the names of `rows` not searched yet on every core at once, so that
    /// [`Screener::screen`] finds them ready: the names are most of a batch's time. Rows
    /// with errors are left to `screen`, which reports them.
    pub fn prepare_names<'a>(&mut self, rows: impl IntoIterator<Item = &'a Fields>) {
        let Some(parties) = self.parties else {
            return;
        };
        let mut wanted: Vec<PartyNames> = rows
            .into_iter()
            .filter(|fields| {
                [Field::Counterparty, Field::EndUser]
                    .iter()
                    .any(|f| !fields.get(&self.columns, f.id()).trim().is_empty())
            })
            .filter_map(|fields| {
                let (_, date, details) = self.read(fields).ok()?;
                names_of(&details, date).ok().flatten()
            })
            .filter(|names| !self.found.contains_key(names))
            .collect();
        wanted.sort_unstable();
        wanted.dedup();
        if wanted.is_empty() {
            return;
        }
        if self.found.len() + wanted.len() > crate::parties::MANY_NAMES {
            parties.index.prepare_for_many();
        }
        let workers = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(wanted.len());
        let found: Vec<(PartyNames, Vec<crate::parties::PartyFinding>)> =
            std::thread::scope(|scope| {
                let searches: Vec<_> = wanted
                    .chunks(wanted.len().div_ceil(workers))
                    .map(|part| {
                        scope.spawn(move || {
                            part.iter()
                                .filter_map(|names| {
                                    let details = Details {
                                        counterparty: names.0.clone(),
                                        end_user: names.1.clone(),
                                        ..Details::default()
                                    };
                                    let found = parties.findings(&details, names.2, &[]).ok()?;
                                    Some((names.clone(), found))
                                })
                                .collect::<Vec<_>>()
                        })
                    })
                    .collect();
                searches
                    .into_iter()
                    .flat_map(|search| {
                        search
                            .join()
                            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                    })
                    .collect()
            });
        self.found.extend(found);
    }

    /// A row's answers, date and record fields, or its first problem.
    fn read(&self, fields: &Fields) -> Result<(Answers, Date, Details), RowError> {
        let mut answers = Answers::new();
        for question in &self.rules.questions {
            let value = fields.get(&self.columns, &question.id).trim();
            let value = if value.is_empty() {
                UNKNOWN.to_string()
            } else {
                normalise(self.rules, &question.id, value)
            };
            if question.option(&value).is_none() {
                return Err(RowError::column(
                    &question.id,
                    format!(
                        "unknown value '{}'; {}",
                        sanitize(&value),
                        valid_values(question)
                    ),
                ));
            }
            answers.set(&question.id, &value);
        }
        let date = match fields.get(&self.columns, Field::Date.id()).trim() {
            "" => self.default_date,
            text => parse_date(text).map_err(|m| RowError::column(Field::Date.id(), m))?,
        };
        let mut details = self.defaults.clone();
        for field in Field::ALL.into_iter().filter(|f| *f != Field::Date) {
            let value = fields.get(&self.columns, field.id()).trim();
            validate_field(field, value).map_err(|m| RowError::column(field.id(), m))?;
            if !value.is_empty() {
                field.set(&mut details, value.to_string());
            }
        }
        Ok((answers, date, details))
    }
}

/// A row's counterparty, end user and date: what its party findings depend on.
type PartyNames = (String, String, Date);

/// The names `details` gives to screen on `date`, if any, each checked.
fn names_of(details: &Details, date: Date) -> Result<Option<PartyNames>, RowError> {
    if details.counterparty.is_empty() && details.end_user.is_empty() {
        return Ok(None);
    }
    for field in [Field::Counterparty, Field::EndUser] {
        let name = field.get(details).unwrap_or_default();
        if !name.is_empty() {
            crate::parties::validate_name(field.label(), name)
                .map_err(|m| RowError::column(field.id(), m))?;
        }
    }
    Ok(Some((
        details.counterparty.clone(),
        details.end_user.clone(),
        date,
    )))
}

/// One output row: the row's result or its error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowResult {
    pub row: u64,
    pub reference: String,
    pub outcome: Option<Outcome>,
    pub provisional: Option<bool>,
    /// The clauses that decide the outcome.
    pub decided_by: Vec<String>,
    /// Each licence needed as `kind:obtained_by`, e.g. `dual_use:exporter_in_china`.
    pub licences: Vec<String>,
    /// The history record id; absent with `--no-save` or when saving failed.
    pub record_id: Option<String>,
    pub error: Option<String>,
}

impl RowResult {
    pub fn screened(row: u64, d: &Determination, details: &Details) -> RowResult {
        RowResult {
            row,
            reference: sanitize(&details.reference),
            outcome: Some(d.outcome),
            provisional: Some(d.provisional),
            decided_by: d.decided_by.clone(),
            licences: d
                .licences
                .iter()
                .map(|l| format!("{}:{}", l.kind.id(), l.obtained_by.id()))
                .collect(),
            record_id: None,
            error: None,
        }
    }

    pub fn failed(record: &Record, columns: &Columns, error: &RowError) -> RowResult {
        let reference = record
            .fields
            .as_ref()
            .map(|f| sanitize(f.get(columns, Field::Reference.id())))
            .unwrap_or_default();
        RowResult {
            row: record.row,
            reference,
            outcome: None,
            provisional: None,
            decided_by: Vec::new(),
            licences: Vec::new(),
            record_id: None,
            error: Some(format!("line {}: {error}", record.line)),
        }
    }
}

/// Writes results in the input's format: CSV with a header row, or one JSON object a line.
pub enum ResultWriter<W: Write> {
    Csv(Box<csv::Writer<W>>),
    Jsonl(W),
}

/// Header of the CSV output; the order of `RowResult`'s fields.
const RESULT_COLUMNS: [&str; 8] = [
    "row",
    "reference",
    "outcome",
    "provisional",
    "decided_by",
    "licences",
    "record_id",
    "error",
];

impl<W: Write> ResultWriter<W> {
    pub fn new(out: W, format: BatchFormat) -> io::Result<ResultWriter<W>> {
        Ok(match format {
            BatchFormat::Csv => {
                let mut writer = csv::Writer::from_writer(out);
                writer.write_record(RESULT_COLUMNS)?;
                ResultWriter::Csv(Box::new(writer))
            }
            BatchFormat::Jsonl => ResultWriter::Jsonl(out),
        })
    }

    pub fn write(&mut self, result: &RowResult) -> io::Result<()> {
        match self {
            ResultWriter::Csv(writer) => {
                // Ids hold no spaces, so a space-separated list stays one cell. Text from
                // the input is neutralised so a spreadsheet does not run it as a formula.
                writer.write_record([
                    result.row.to_string().as_str(),
                    &neutralise_formula(&result.reference),
                    result.outcome.map_or("", Outcome::id),
                    result
                        .provisional
                        .map_or("", |p| if p { "true" } else { "false" }),
                    &result.decided_by.join(" "),
                    &result.licences.join(" "),
                    result.record_id.as_deref().unwrap_or(""),
                    &neutralise_formula(result.error.as_deref().unwrap_or("")),
                ])?;
                Ok(())
            }
            ResultWriter::Jsonl(out) => {
                serde_json::to_writer(&mut *out, result)?;
                out.write_all(b"\n")
            }
        }
    }

    pub fn finish(self) -> io::Result<()> {
        match self {
            ResultWriter::Csv(mut writer) => writer.flush(),
            ResultWriter::Jsonl(mut out) => out.flush(),
        }
    }
}

/// Counts for the summary on stderr.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    pub by_outcome: BTreeMap<Outcome, u64>,
    pub provisional: u64,
    /// Row numbers of the rows that failed.
    pub failed: Vec<u64>,
}

impl Summary {
    pub fn add(&mut self, result: &RowResult) {
        match result.outcome {
            Some(outcome) => *self.by_outcome.entry(outcome).or_default() += 1,
            None => self.failed.push(result.row),
        }
        if result.provisional == Some(true) {
            self.provisional += 1;
        }
    }

    pub fn screened(&self) -> u64 {
        self.by_outcome.values().sum()
    }
}

/// Most severe outcome first, then the failed rows (at most 20 listed).
impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let total = self.screened() + self.failed.len() as u64;
        writeln!(
            f,
            "Screened {} of {total} rows ({} provisional).",
            self.screened(),
            self.provisional
        )?;
        for (outcome, count) in self.by_outcome.iter().rev() {
            writeln!(f, "  {count:>7}  {} {}", outcome.symbol(), outcome.id())?;
        }
        if self.failed.is_empty() {
            return writeln!(f, "No rows with errors.");
        }
        let listed: Vec<String> = self.failed.iter().take(20).map(u64::to_string).collect();
        let more = if self.failed.len() > 20 { ", ..." } else { "" };
        let rows = if self.failed.len() == 1 {
            "row"
        } else {
            "rows"
        };
        writeln!(
            f,
            "Rows with errors: {} ({rows} {}{more}); see the error column.",
            self.failed.len(),
            listed.join(", ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> RuleSet {
        crate::rules::embedded().expect("rules")
    }

    fn records(format: BatchFormat, input: &str) -> Vec<Record> {
        RowReader::new(input.as_bytes(), format, Columns::of(&rules()))
            .expect("header")
            .collect::<Result<Vec<_>, _>>()
            .expect("no I/O error")
    }

    /// Names searched ahead on every core give each row what searching it alone gives:
    /// matches, possible matches, repeats, refused names, other dates, and enough names
    /// for the deletion table.
    #[test]
    fn names_searched_ahead_give_each_row_what_it_gives_alone() {
        let rules = rules();
        let parties =
            crate::parties::Screener::new(crate::parties::PartyLists::embedded().expect("lists"));
        let mut input =
            String::from("stage,goods,origin,recipient,destination,counterparty,end_user,date\n");
        let names = [
            "MP Materials Corp.",
            "MP Materails Corp.",
            "MPM Materials Ltd",
            "\u{7}bell",
            "",
        ];
        for (i, name) in names.iter().cycle().take(3 * names.len()).enumerate() {
            let date = ["2026-03-02", "2026-12-04"][i % 2];
            input.push_str(&format!(
                "none,no18_items,china_export,civil,US,{name},{},{date}\n",
                names[(i + 1) % names.len()]
            ));
        }
        for i in 0..crate::parties::MANY_NAMES + 8 {
            input.push_str(&format!(
                "none,no18_items,china_export,civil,US,Company {i} Trading,,\n"
            ));
        }
        let rows = records(BatchFormat::Csv, &input);
        let fields: Vec<&Fields> = rows
            .iter()
            .map(|r| r.fields.as_ref().expect("fields"))
            .collect();
        let date = Date::constant(2026, 12, 4);
        let screen_all = |screener: &mut Screener| -> Vec<String> {
            fields
                .iter()
                .map(|f| format!("{:?}", screener.screen(f)))
                .collect()
        };
        let alone =
            screen_all(&mut Screener::new(&rules, date, Details::default()).with_parties(&parties));
        let mut ahead = Screener::new(&rules, date, Details::default()).with_parties(&parties);
        ahead.prepare_names(fields.iter().copied());
        assert!(ahead.found.len() > crate::parties::MANY_NAMES);
        assert_eq!(screen_all(&mut ahead), alone);
        assert!(alone.iter().any(|r| r.contains("Prohibited")));
        assert!(alone.iter().any(|r| r.contains("Err(")), "the refused name");
    }

    #[test]
    fn format_is_inferred_from_the_extension() {
        assert_eq!(
            BatchFormat::infer(Path::new("a/orders.CSV")),
            Some(BatchFormat::Csv)
        );
        assert_eq!(
            BatchFormat::infer(Path::new("x.ndjson")),
            Some(BatchFormat::Jsonl)
        );
        assert_eq!(BatchFormat::infer(Path::new("x.txt")), None);
    }

    #[test]
    fn columns_come_from_the_rule_set_and_the_header_is_checked() {
        let columns = Columns::of(&rules());
        assert_eq!(
            columns.list(),
            "stage, line, goods, origin, recipient, destination, foreign_person, know_how, date, reference, counterparty, end_user, officer, notes"
        );
        let twice = RowReader::new(
            "stage,Stage\n".as_bytes(),
            BatchFormat::Csv,
            columns.clone(),
        )
        .err();
        assert!(twice.is_some_and(|m| m.contains("'stage' twice")));
        let reader = RowReader::new(
            "\u{feff}Goods, origin ,extra\n".as_bytes(),
            BatchFormat::Csv,
            columns,
        )
        .expect("header");
        assert_eq!(
            reader.ignored_columns.into_iter().collect::<Vec<_>>(),
            vec!["extra"]
        );
    }

    #[test]
    fn rows_are_screened_with_empty_questions_unknown_and_values_normalised() {
        let rules = rules();
        let rows = records(
            BatchFormat::Csv,
            "stage,goods,origin,recipient,destination,officer\nNone,NO18_ITEMS,china_export,civil,de,\n",
        );
        let defaults = Details {
            officer: "Default".into(),
            ..Details::default()
        };
        let mut screener = Screener::new(&rules, Date::constant(2026, 3, 2), defaults);
        let fields = rows[0].fields.as_ref().expect("fields");
        let (d, details) = screener.screen(fields).expect("screens");
        assert_eq!(d.answers.get("destination"), Some("DE"));
        assert_eq!(d.answers.get("goods"), Some("no18_items"));
        assert_eq!(
            d.answers.get("line"),
            None,
            "line does not apply to stage none"
        );
        assert_eq!(d.outcome, Outcome::LicenseRequired);
        assert_eq!(
            details.officer, "Default",
            "the settings' officer fills an empty cell"
        );
        let bad = records(BatchFormat::Csv, "destination\nGermany\n");
        let err = screener
            .screen(bad[0].fields.as_ref().expect("fields"))
            .expect_err("not a code");
        assert_eq!(err.column.as_deref(), Some("destination"));
        assert!(err.message.contains("ISO 3166-1"), "{err}");
    }

    #[test]
    fn a_line_without_end_is_refused() {
        let endless = vec![b'x'; MAX_LINE_BYTES + 10];
        let mut reader = LineLimit::new(endless.as_slice());
        let err = std::io::copy(&mut reader, &mut std::io::sink()).expect_err("too long");
        assert!(err.to_string().contains("longer than"));
        let lines = "a\n".repeat(MAX_LINE_BYTES);
        let mut reader = LineLimit::new(lines.as_bytes());
        assert!(std::io::copy(&mut reader, &mut std::io::sink()).is_ok());
    }
}
