//! Finding records: compact summaries loaded newest first (so a view can draw the first page
//! before the rest of a large file is read) and the filters officers apply to them.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::Deserialize;

use super::record::{LineProblem, RecordKind, SCHEMA_VERSION};
use super::store::{History, HistoryError, ReverseLines};
use crate::engine::Answers;
use crate::rules::Outcome;
use crate::screening::Details;

/// What a list row needs, and the text a filter searches, without the clauses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Byte offset of the line, to re-read the full record.
    pub offset: u64,
    pub id: String,
    pub saved_at: Timestamp,
    /// The screening date.
    pub date: Date,
    pub kind: RecordKind,
    /// The outcome that stands: an override's, else the engine's.
    pub outcome: Outcome,
    pub provisional: bool,
    pub details: Details,
    /// Lower-cased reference, counterparty, officer, notes and answers, for filtering.
    haystack: String,
}

impl Summary {
    /// Summarise a record already read in full.
    pub fn from_record(offset: u64, record: &super::record::Record) -> Summary {
        let s = &record.screening;
        Summary {
            offset,
            id: record.id.clone(),
            saved_at: record.saved_at,
            date: s.determination.date,
            kind: record.kind,
            outcome: record.effective_outcome(),
            provisional: s.determination.provisional,
            haystack: haystack(&s.details, &s.determination.answers),
            details: s.details.clone(),
        }
    }

    /// Summarise one history line without reading its clauses or checking its hash (verify
    /// does that).
    pub fn from_line(offset: u64, line: &str) -> Result<Summary, LineProblem> {
        #[derive(Deserialize)]
        struct Line {
            record: Rec,
        }
        #[derive(Deserialize)]
        struct Rec {
            schema: u32,
            id: String,
            saved_at: Timestamp,
            kind: RecordKind,
            #[serde(default)]
            override_outcome: Option<Outcome>,
            screening: Scr,
        }
        #[derive(Deserialize)]
        struct Scr {
            determination: Det,
            details: Details,
        }
        #[derive(Deserialize)]
        struct Det {
            outcome: Outcome,
            provisional: bool,
            date: Date,
            answers: Answers,
        }
        #[derive(Deserialize)]
        struct Version {
            record: V,
        }
        #[derive(Deserialize)]
        struct V {
            schema: u32,
        }
        let parsed: Line = match serde_json::from_str(line) {
            Ok(l) => l,
            Err(e) => {
                return Err(match serde_json::from_str::<Version>(line) {
                    Ok(v) if v.record.schema > SCHEMA_VERSION => {
                        LineProblem::NewerSchema(v.record.schema)
                    }
                    _ => LineProblem::Unreadable(e.to_string()),
                });
            }
        };
        let r = parsed.record;
        if r.schema > SCHEMA_VERSION {
            return Err(LineProblem::NewerSchema(r.schema));
        }
        let d = r.screening.determination;
        let haystack = haystack(&r.screening.details, &d.answers);
        Ok(Summary {
            offset,
            id: r.id,
            saved_at: r.saved_at,
            date: d.date,
            kind: r.kind,
            outcome: r.override_outcome.unwrap_or(d.outcome),
            provisional: d.provisional,
            details: r.screening.details,
            haystack,
        })
    }
}

/// The searchable text of a record's fields and answers, lower-cased, kept apart so a word
/// cannot match across two of them.
fn haystack(d: &Details, answers: &Answers) -> String {
    [&d.reference, &d.counterparty, &d.officer, &d.notes]
        .into_iter()
        .map(String::as_str)
        .chain(answers.iter().map(|(_, v)| v))
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join("\u{1f}")
}

/// The filters of `history list`, `history export` and the history view.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// Case-insensitive text in reference, counterparty, officer, notes or the answers;
    /// every whitespace-separated word must appear.
    pub text: String,
    pub outcome: Option<Outcome>,
    /// Screening dates from (inclusive).
    pub since: Option<Date>,
    /// Screening dates until (inclusive).
    pub until: Option<Date>,
}

impl Query {
    pub fn is_empty(&self) -> bool {
        self.text.trim().is_empty()
            && self.outcome.is_none()
            && self.since.is_none()
            && self.until.is_none()
    }

    pub fn matches(&self, s: &Summary) -> bool {
        self.prepare().matches(s)
    }

    /// Lower-case the text once, for matching many summaries.
    pub fn prepare(&self) -> PreparedQuery<'_> {
        PreparedQuery {
            query: self,
            words: self
                .text
                .to_lowercase()
                .split_whitespace()
                .map(str::to_string)
                .collect(),
        }
    }
}

/// A query ready to match many summaries.
pub struct PreparedQuery<'q> {
    query: &'q Query,
    words: Vec<String>,
}

impl PreparedQuery<'_> {
    pub fn matches(&self, s: &Summary) -> bool {
        let q = self.query;
        q.outcome.is_none_or(|o| s.outcome == o)
            && q.since.is_none_or(|d| s.date >= d)
            && q.until.is_none_or(|d| s.date <= d)
            && self
                .words
                .iter()
                .all(|word| s.haystack.contains(word.as_str()))
    }
}

/// A line the index could not use, counted from the end until the whole file is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedLine {
    pub offset: u64,
    /// 1-based position counting back from the last line.
    pub from_end: usize,
    pub problem: LineProblem,
}

/// Summaries of a history, newest first, loaded in chunks from the end of the file.
pub struct Index {
    pub summaries: Vec<Summary>,
    pub skipped: Vec<SkippedLine>,
    lines: Option<ReverseLines>,
    lines_seen: usize,
}

impl Index {
    /// Open without reading anything yet.
    pub fn open(history: &History) -> Result<Index, HistoryError> {
        Ok(Index {
            summaries: Vec::new(),
            skipped: Vec::new(),
            lines: history.newest_first()?,
            lines_seen: 0,
        })
    }

    /// Whether every line has been read.
    pub fn complete(&self) -> bool {
        self.lines.is_none()
    }

    /// Read up to `max` more lines towards the start of the file; returns how many were read.
    pub fn load(&mut self, max: usize) -> std::io::Result<usize> {
        let Some(lines) = self.lines.as_mut() else {
            return Ok(0);
        };
        let mut read = 0;
        while read < max {
            let Some((offset, line)) = lines.next_line()? else {
                self.lines = None;
                break;
            };
            read += 1;
            self.lines_seen += 1;
            match Summary::from_line(offset, &line) {
                Ok(summary) => self.summaries.push(summary),
                Err(problem) => self.skipped.push(SkippedLine {
                    offset,
                    from_end: self.lines_seen,
                    problem,
                }),
            }
        }
        Ok(read)
    }

    /// The 1-based line number of a skipped line, known once the whole file is read.
    pub fn line_number(&self, skipped: &SkippedLine) -> Option<usize> {
        self.complete()
            .then(|| self.lines_seen + 1 - skipped.from_end)
    }

    /// Positions in `summaries` (newest first) of the records that match.
    pub fn filter(&self, query: &Query) -> Vec<usize> {
        if query.is_empty() {
            return (0..self.summaries.len()).collect();
        }
        let prepared = query.prepare();
        self.summaries
            .iter()
            .enumerate()
            .filter(|(_, s)| prepared.matches(s))
            .map(|(i, _)| i)
            .collect()
    }
}
