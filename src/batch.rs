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

use crate::engine::{Answers, Determination, determine};
use crate::rules::{Outcome, QuestionId, RuleSet};
use crate::screening::{Details, Field, parse_date, validate_field};
use crate::text::sanitize;

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

/// A column of the input (CSV header name or JSON field name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Reference,
    Counterparty,
    Destination,
    Officer,
    Stage,
    Origin,
    Recipient,
    Date,
    Notes,
}

impl Column {
    pub const ALL: [Column; 9] = [
        Column::Reference,
        Column::Counterparty,
        Column::Destination,
        Column::Officer,
        Column::Stage,
        Column::Origin,
        Column::Recipient,
        Column::Date,
        Column::Notes,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Column::Reference => "reference",
            Column::Counterparty => "counterparty",
            Column::Destination => "destination",
            Column::Officer => "officer",
            Column::Stage => "stage",
            Column::Origin => "origin",
            Column::Recipient => "recipient",
            Column::Date => "date",
            Column::Notes => "notes",
        }
    }

    fn from_name(name: &str) -> Option<Column> {
        Column::ALL.into_iter().find(|c| c.name() == name)
    }

    fn index(self) -> usize {
        self as usize
    }

    /// The record field this column fills, for the detail columns.
    fn field(self) -> Option<Field> {
        match self {
            Column::Reference => Some(Field::Reference),
            Column::Counterparty => Some(Field::Counterparty),
            Column::Destination => Some(Field::Destination),
            Column::Officer => Some(Field::Officer),
            Column::Notes => Some(Field::Notes),
            Column::Stage | Column::Origin | Column::Recipient | Column::Date => None,
        }
    }

    fn question(self) -> Option<QuestionId> {
        match self {
            Column::Stage => Some(QuestionId::Stage),
            Column::Origin => Some(QuestionId::Origin),
            Column::Recipient => Some(QuestionId::Recipient),
            _ => None,
        }
    }
}

fn column_list() -> String {
    Column::ALL.map(Column::name).join(", ")
}

/// The values of one input row, by column; an absent column is an empty string.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fields([String; 9]);

impl Fields {
    pub fn get(&self, column: Column) -> &str {
        &self.0[column.index()]
    }

    pub fn set(&mut self, column: Column, value: String) {
        self.0[column.index()] = value;
    }
}

/// What is wrong with one row, and in which column when it is one column's fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub column: Option<Column>,
    pub message: String,
}

impl RowError {
    fn row(message: String) -> RowError {
        RowError {
            column: None,
            message,
        }
    }

    fn column(column: Column, message: String) -> RowError {
        RowError {
            column: Some(column),
            message,
        }
    }
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.column {
            Some(column) => write!(f, "{}: {}", column.name(), self.message),
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
    row: u64,
    /// Input columns or fields that are not batch columns; ignored, reported once.
    pub ignored_columns: BTreeSet<String>,
}

enum Source<R: Read> {
    Csv {
        reader: csv::Reader<R>,
        columns: Vec<Option<Column>>,
        record: csv::StringRecord,
    },
    Jsonl {
        lines: BufReader<R>,
        line: u64,
    },
}

impl<R: Read> RowReader<R> {
    /// Start reading; for CSV this reads and checks the header row.
    pub fn new(input: R, format: BatchFormat) -> Result<RowReader<R>, String> {
        let mut ignored_columns = BTreeSet::new();
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
                let mut columns: Vec<Option<Column>> = Vec::new();
                for (i, name) in header.iter().enumerate() {
                    // Spreadsheets often save UTF-8 with a byte-order mark before the first name.
                    let name = if i == 0 {
                        name.trim_start_matches('\u{feff}')
                    } else {
                        name
                    };
                    let name = name.trim().to_ascii_lowercase();
                    let column = Column::from_name(&name);
                    if column.is_some() && columns.contains(&column) {
                        return Err(format!("the CSV header names the column '{name}' twice"));
                    }
                    if column.is_none() {
                        ignored_columns.insert(sanitize(&name));
                    }
                    columns.push(column);
                }
                let missing: Vec<&str> = [Column::Stage, Column::Origin, Column::Recipient]
                    .into_iter()
                    .filter(|c| !columns.contains(&Some(*c)))
                    .map(Column::name)
                    .collect();
                if !missing.is_empty() {
                    return Err(format!(
                        "the CSV header row has no {} column (a header row is required; columns are {})",
                        missing.join(", "),
                        column_list()
                    ));
                }
                Source::Csv {
                    reader,
                    columns,
                    record: csv::StringRecord::new(),
                }
            }
        };
        Ok(RowReader {
            source,
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
        let read = reader.read_record(record);
        let error_line = |e: &csv::Error| e.position().map_or(0, |p| p.line());
        let fields = match read {
            Ok(false) => return None,
            Ok(true) => {
                let mut fields = Fields::default();
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
                _ => return Some(Err(format!("cannot read the CSV input: {e}"))),
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
            if !bytes.iter().all(u8::is_ascii_whitespace) {
                break;
            }
        }
        self.row += 1;
        let fields = parse_json_row(&bytes, &mut self.ignored_columns);
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
fn parse_json_row(bytes: &[u8], ignored: &mut BTreeSet<String>) -> Result<Fields, RowError> {
    let object: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(bytes)
        .map_err(|e| RowError::row(format!("not a JSON object: {e}")))?;
    let mut fields = Fields::default();
    for (name, value) in object {
        let Some(column) = Column::from_name(&name) else {
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
                    column,
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
    default_date: Date,
    defaults: Details,
    cache: HashMap<(Answers, Date), Arc<Determination>>,
}

impl<'r> Screener<'r> {
    /// `default_date` applies to rows without a date; `defaults` fills empty officer and
    /// destination cells (from the settings).
    pub fn new(rules: &'r RuleSet, default_date: Date, defaults: Details) -> Screener<'r> {
        Screener {
            rules,
            default_date,
            defaults,
            cache: HashMap::new(),
        }
    }

    /// Validate and screen one row; the first problem found is the error. The determination
    /// is borrowed from the cache: clone it only to keep it (a `Screening` to save).
    pub fn screen(&mut self, fields: &Fields) -> Result<(&Arc<Determination>, Details), RowError> {
        let mut answers = Answers::new("", "", "");
        for column in [Column::Stage, Column::Origin, Column::Recipient] {
            let Some(q) = column.question() else { continue };
            let question = self.rules.questions.get(q);
            let value = fields.get(column).trim().to_ascii_lowercase();
            if question.option(&value).is_none() {
                let valid = question.option_ids().collect::<Vec<_>>().join(", ");
                let problem = if value.is_empty() {
                    "missing".to_string()
                } else {
                    format!("unknown value '{}'", sanitize(&value))
                };
                return Err(RowError::column(
                    column,
                    format!("{problem}; valid values are {valid}"),
                ));
            }
            answers.set(q, &value);
        }
        let date = match fields.get(Column::Date).trim() {
            "" => self.default_date,
            text => parse_date(text).map_err(|m| RowError::column(Column::Date, m))?,
        };
        let mut details = self.defaults.clone();
        for column in Column::ALL {
            let (Some(field), value) = (column.field(), fields.get(column).trim()) else {
                continue;
            };
            validate_field(field, value).map_err(|m| RowError::column(column, m))?;
            if !value.is_empty() {
                field.set(&mut details, value.to_string());
            }
        }
        let determination = self
            .cache
            .entry((answers, date))
            .or_insert_with_key(|(answers, date)| Arc::new(determine(self.rules, answers, *date)));
        Ok((determination, details))
    }
}

/// One output row: the row's result or its error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowResult {
    pub row: u64,
    pub reference: String,
    pub outcome: Option<Outcome>,
    pub provisional: Option<bool>,
    /// Cited clauses that bind on the screening date.
    pub clauses_applying: Vec<String>,
    /// Every clause cited, including suspended and not-yet-effective ones.
    pub clauses_listed: Vec<String>,
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
            clauses_applying: d
                .clauses
                .iter()
                .filter(|c| c.applies)
                .map(|c| c.id.clone())
                .collect(),
            clauses_listed: d.clauses.iter().map(|c| c.id.clone()).collect(),
            record_id: None,
            error: None,
        }
    }

    pub fn failed(record: &Record, error: &RowError) -> RowResult {
        let reference = record
            .fields
            .as_ref()
            .map(|f| sanitize(f.get(Column::Reference)))
            .unwrap_or_default();
        RowResult {
            row: record.row,
            reference,
            outcome: None,
            provisional: None,
            clauses_applying: Vec::new(),
            clauses_listed: Vec::new(),
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
    "clauses_applying",
    "clauses_listed",
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
                // Clause ids hold no spaces, so a space-separated list stays one cell.
                writer.write_record([
                    result.row.to_string().as_str(),
                    &result.reference,
                    result.outcome.map_or("", Outcome::id),
                    result
                        .provisional
                        .map_or("", |p| if p { "true" } else { "false" }),
                    &result.clauses_applying.join(" "),
                    &result.clauses_listed.join(" "),
                    result.record_id.as_deref().unwrap_or(""),
                    result.error.as_deref().unwrap_or(""),
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
    use crate::screening::Screening;

    fn records(format: BatchFormat, input: &str) -> Vec<Record> {
        RowReader::new(input.as_bytes(), format)
            .expect("header")
            .collect::<Result<Vec<_>, _>>()
            .expect("no I/O error")
    }

    #[test]
    fn format_is_inferred_from_the_extension() {
        assert_eq!(
            BatchFormat::infer(Path::new("a/orders.CSV")),
            Some(BatchFormat::Csv)
        );
        assert_eq!(
            BatchFormat::infer(Path::new("x.jsonl")),
            Some(BatchFormat::Jsonl)
        );
        assert_eq!(
            BatchFormat::infer(Path::new("x.ndjson")),
            Some(BatchFormat::Jsonl)
        );
        assert_eq!(BatchFormat::infer(Path::new("x.txt")), None);
        assert_eq!(BatchFormat::infer(Path::new("-")), None);
    }

    #[test]
    fn csv_header_is_checked() {
        let missing =
            RowReader::new("reference,stage\nA,mining\n".as_bytes(), BatchFormat::Csv).err();
        assert!(missing.is_some_and(|m| m.contains("no origin, recipient column")));
        let twice = RowReader::new(
            "stage,origin,recipient,Stage\n".as_bytes(),
            BatchFormat::Csv,
        )
        .err();
        assert!(twice.is_some_and(|m| m.contains("'stage' twice")));
        let reader = RowReader::new(
            "\u{feff}Stage, origin ,recipient,extra\n".as_bytes(),
            BatchFormat::Csv,
        )
        .expect("header");
        assert_eq!(
            reader.ignored_columns.into_iter().collect::<Vec<_>>(),
            vec!["extra"]
        );
    }

    #[test]
    fn csv_rows_are_numbered_and_bad_quoting_is_a_row_error() {
        let input = "reference,stage,origin,recipient\nA,mining,china,civil\n\"B,x\",none,china,civil,extra\nC,\"none\nstill\",china,civil\nD,none,china,civil\n";
        let rows = records(BatchFormat::Csv, input);
        assert_eq!(rows.len(), 4);
        assert_eq!((rows[0].row, rows[0].line), (1, 2));
        assert_eq!(
            rows[0].fields.as_ref().map(|f| f.get(Column::Reference)),
            Ok("A")
        );
        assert_eq!(rows[1].row, 2);
        assert!(
            rows[1]
                .fields
                .as_ref()
                .is_err_and(|e| e.message.contains("5 fields, the header 4"))
        );
        assert_eq!(
            rows[2].fields.as_ref().map(|f| f.get(Column::Stage)),
            Ok("none\nstill"),
            "quoted newline is data"
        );
        assert_eq!((rows[3].row, rows[3].line), (4, 6));

        let unclosed = "reference,stage,origin,recipient\nA,mining,china,civil\n\"B,none,china,civil\nC,none,china,civil\n";
        let rows = records(BatchFormat::Csv, unclosed);
        assert_eq!(rows.len(), 2);
        let error = rows[1].fields.as_ref().expect_err("unclosed quote");
        assert!(
            error
                .message
                .contains("from line 3 to line 4, so a quote is probably not closed"),
            "{error}"
        );
    }

    #[test]
    fn jsonl_rows_skip_blank_lines_and_name_bad_fields() {
        let input = "{\"reference\":\"A\",\"stage\":\"mining\",\"x\":1}\n\n{\"reference\":42,\"stage\":true}\nnot json\n";
        let mut ignored = BTreeSet::new();
        let mut reader = RowReader::new(input.as_bytes(), BatchFormat::Jsonl).expect("reader");
        let rows: Vec<Record> = reader
            .by_ref()
            .collect::<Result<_, _>>()
            .expect("no I/O error");
        ignored.append(&mut reader.ignored_columns);
        assert_eq!(ignored.into_iter().collect::<Vec<_>>(), vec!["x"]);
        assert_eq!(rows.len(), 3);
        assert_eq!((rows[1].row, rows[1].line), (2, 3));
        let error = rows[1].fields.as_ref().expect_err("bool stage");
        assert_eq!(error.to_string(), "stage: must be text, not true/false");
        assert!(
            rows[2]
                .fields
                .as_ref()
                .is_err_and(|e| e.message.starts_with("not a JSON object"))
        );
    }

    fn screen(fields: &[(Column, &str)]) -> Result<Screening, RowError> {
        let rules = crate::rules::embedded().expect("rules");
        let defaults = Details {
            officer: "Default".into(),
            destination: "FR".into(),
            ..Details::default()
        };
        let mut screener = Screener::new(&rules, Date::constant(2025, 11, 20), defaults);
        let mut row = Fields::default();
        for (column, value) in fields {
            row.set(*column, value.to_string());
        }
        screener
            .screen(&row)
            .map(|(determination, details)| Screening {
                determination: determination.clone(),
                details,
            })
    }

    #[test]
    fn screener_validates_each_column() {
        let base = [
            (Column::Stage, "Mining"),
            (Column::Origin, "china"),
            (Column::Recipient, "civil"),
        ];
        let ok = screen(&base).expect("valid row");
        assert_eq!(
            ok.determination.answers.stage, "mining",
            "values are case-insensitive"
        );
        assert_eq!(ok.determination.date, Date::constant(2025, 11, 20));
        assert_eq!(
            (ok.details.officer.as_str(), ok.details.destination.as_str()),
            ("Default", "FR")
        );

        let dated = screen(&[
            base[0],
            base[1],
            base[2],
            (Column::Date, "2025-10-01"),
            (Column::Destination, "JP"),
        ]);
        let dated = dated.expect("valid row");
        assert_eq!(
            dated.determination.date,
            Date::constant(2025, 10, 1),
            "row date wins"
        );
        assert_eq!(
            dated.details.destination, "JP",
            "row value wins over the default"
        );

        let unknown =
            screen(&[(Column::Stage, "minning"), base[1], base[2]]).expect_err("bad stage");
        assert_eq!(unknown.column, Some(Column::Stage));
        assert!(
            unknown.message.starts_with(
                "unknown value 'minning'; valid values are mining, smelting_separation"
            )
        );
        let missing = screen(&[base[0], base[1]]).expect_err("no recipient");
        assert!(
            missing
                .to_string()
                .starts_with("recipient: missing; valid values are")
        );
        let date = screen(&[base[0], base[1], base[2], (Column::Date, "20/11/2025")])
            .expect_err("bad date");
        assert_eq!(date.column, Some(Column::Date));
        let long = "n".repeat(2001);
        let notes = screen(&[base[0], base[1], base[2], (Column::Notes, long.as_str())])
            .expect_err("long notes");
        assert_eq!(notes.column, Some(Column::Notes));
    }

    #[test]
    fn results_write_as_csv_and_jsonl() {
        let rules = crate::rules::embedded().expect("rules");
        let screening = Screening::run(
            &rules,
            &Answers::new("mining", "china", "civil"),
            Date::constant(2025, 11, 20),
            Details::default(),
        );
        let mut good = RowResult::screened(1, &screening.determination, &screening.details);
        good.record_id = Some("r-1".into());
        assert!(!good.clauses_listed.is_empty());
        let record = Record {
            row: 2,
            line: 3,
            fields: Err(RowError::row("broken".into())),
        };
        let bad = RowResult::failed(&record, record.fields.as_ref().expect_err("error row"));

        let mut csv_out = Vec::new();
        let mut writer = ResultWriter::new(&mut csv_out, BatchFormat::Csv).expect("writer");
        writer.write(&good).expect("write");
        writer.write(&bad).expect("write");
        writer.finish().expect("flush");
        let csv_text = String::from_utf8(csv_out).expect("utf-8");
        let lines: Vec<&str> = csv_text.lines().collect();
        assert_eq!(
            lines[0],
            "row,reference,outcome,provisional,clauses_applying,clauses_listed,record_id,error"
        );
        assert!(
            lines[1].starts_with(&format!(
                "1,,{},false,",
                good.outcome.map_or("", Outcome::id)
            )),
            "{}",
            lines[1]
        );
        assert!(lines[1].contains(",r-1,"), "{}", lines[1]);
        assert_eq!(lines[2], "2,,,,,,,line 3: broken");

        let mut json_out = Vec::new();
        let mut writer = ResultWriter::new(&mut json_out, BatchFormat::Jsonl).expect("writer");
        writer.write(&bad).expect("write");
        writer.finish().expect("flush");
        let value: serde_json::Value = serde_json::from_slice(&json_out).expect("json");
        assert_eq!(value["row"], 2);
        assert_eq!(value["outcome"], serde_json::Value::Null);
        assert_eq!(value["error"], "line 3: broken");
    }

    #[test]
    fn summary_counts_outcomes_and_lists_failed_rows() {
        let mut summary = Summary::default();
        let result = |row, outcome, provisional| RowResult {
            row,
            reference: String::new(),
            outcome,
            provisional,
            clauses_applying: Vec::new(),
            clauses_listed: Vec::new(),
            record_id: None,
            error: None,
        };
        summary.add(&result(1, Some(Outcome::Prohibited), Some(true)));
        summary.add(&result(2, Some(Outcome::Prohibited), Some(false)));
        summary.add(&result(3, None, None));
        summary.add(&result(4, Some(Outcome::NoLicenseRequired), Some(false)));
        let text = summary.to_string();
        assert_eq!(
            text,
            "Screened 3 of 4 rows (1 provisional).\n        2  [XX] prohibited\n        1  [ok] no_license_required\nRows with errors: 1 (row 3); see the error column.\n"
        );
    }
}
