//! Finding records: compact summaries read newest first (so a list or view shows the first
//! page before the rest of a large file is read) and the filters officers apply to them.
//! A filter's words are looked for in a line's raw bytes before the line is parsed, so a
//! search over a large history parses only the lines that can match.

use std::borrow::Cow;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::chain::Cases;
use super::index_file::{Patience, Refreshed, refresh};
use super::lines::{NewestFirst, RevItem};
use super::record::{LineProblem, RecordKind, SCHEMA_VERSION, decode_record};
use super::store::{History, HistoryError};
use crate::engine::Answers;
use crate::rules::Outcome;
use crate::screening::Details;

/// What a list row needs, and the text a filter searches, without the clauses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    pub supersedes: Option<String>,
    pub details: Details,
    /// The answers as stored (question id to option id), which filters search too.
    #[serde(default)]
    pub answers: Answers,
}

impl Summary {
    /// Summarise a record already read.
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
            supersedes: record.supersedes.clone(),
            details: s.details.clone(),
            answers: s.determination.answers.clone(),
        }
    }

    /// Summarise one history line without reading its clauses or checking its hash (verify
    /// does that).
    pub fn from_line(offset: u64, line: &[u8]) -> Result<Summary, LineProblem> {
        let link = super::record::link_of(line)
            .ok_or_else(|| LineProblem::Unreadable("not in the shape ree-screen writes".into()))?;
        Summary::from_record_bytes(offset, link.record)
    }

    /// Summarise a record's bytes (the `record` of a line at `offset`).
    pub fn from_record_bytes(offset: u64, record: &[u8]) -> Result<Summary, LineProblem> {
        #[derive(Deserialize)]
        struct Rec {
            schema: u32,
            id: String,
            saved_at: Timestamp,
            #[serde(default)]
            kind: RecordKind,
            #[serde(default)]
            supersedes: Option<String>,
            #[serde(default)]
            override_outcome: Option<Outcome>,
            #[serde(default)]
            answers: Answers,
            #[serde(default)]
            details: Details,
            decision: Option<Dec>,
        }
        #[derive(Deserialize)]
        struct Dec {
            date: Date,
            outcome: Outcome,
            #[serde(default)]
            provisional: bool,
        }
        let unreadable = |e: serde_json::Error| {
            LineProblem::Unreadable(crate::json::strip_position(&e.to_string()))
        };
        let r: Rec = serde_json::from_slice(record).map_err(unreadable)?;
        let d = match (r.schema, r.decision) {
            (SCHEMA_VERSION, Some(d)) => d,
            (newer, _) if newer > SCHEMA_VERSION => return Err(LineProblem::NewerSchema(newer)),
            _ => {
                // Schema 1: the whole record, read as today's model.
                return decode_record(record).map(|r| Summary::from_record(offset, &r));
            }
        };
        Ok(Summary {
            offset,
            id: r.id,
            saved_at: r.saved_at,
            date: d.date,
            kind: r.kind,
            outcome: r.override_outcome.unwrap_or(d.outcome),
            provisional: d.provisional,
            supersedes: r.supersedes,
            details: r.details,
            answers: r.answers,
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
        let words: Vec<String> = self
            .text
            .to_lowercase()
            .split_whitespace()
            .map(str::to_string)
            .collect();
        let finder = |w: &String| memchr::memmem::Finder::new(w.as_bytes()).into_owned();
        // A word is looked for in the raw line only when JSON writes it as it is (plain
        // ASCII without quotes or backslashes); others are checked after parsing alone.
        let raw = words
            .iter()
            .filter(|w| {
                w.bytes()
                    .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\')
            })
            .map(finder)
            .collect();
        PreparedQuery {
            query: self,
            words: words.iter().map(finder).collect(),
            raw,
            scratch: Vec::new(),
        }
    }
}

/// A query ready to match many summaries: each word's searcher made once.
pub struct PreparedQuery<'q> {
    query: &'q Query,
    words: Vec<memchr::memmem::Finder<'static>>,
    raw: Vec<memchr::memmem::Finder<'static>>,
    scratch: Vec<u8>,
}

impl PreparedQuery<'_> {
    pub fn matches(&self, s: &Summary) -> bool {
        let q = self.query;
        q.outcome.is_none_or(|o| s.outcome == o)
            && q.since.is_none_or(|d| s.date >= d)
            && q.until.is_none_or(|d| s.date <= d)
            && (self.words.is_empty() || {
                let haystack = haystack(&s.details, &s.answers);
                self.words
                    .iter()
                    .all(|word| word.find(haystack.as_bytes()).is_some())
            })
    }

    /// Whether a raw history line may match: false only when some word is certainly not
    /// in it, so a search parses only the lines that can match.
    pub fn may_match_line(&mut self, line: &[u8]) -> bool {
        if self.raw.is_empty() {
            return true;
        }
        self.scratch.clear();
        self.scratch.extend_from_slice(line);
        self.scratch.make_ascii_lowercase();
        let scratch = &self.scratch;
        self.raw.iter().all(|f| f.find(scratch).is_some())
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

/// A summary borrowed from the line it was read from: what a compact store of summaries
/// keeps (the history view's), read without allocating per record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryRef<'a> {
    pub offset: u64,
    pub id: Cow<'a, str>,
    pub supersedes: Option<Cow<'a, str>>,
    pub date: Date,
    pub kind: RecordKind,
    pub outcome: Outcome,
    pub provisional: bool,
    pub reference: Cow<'a, str>,
    pub counterparty: Cow<'a, str>,
    pub officer: Cow<'a, str>,
    pub notes: Cow<'a, str>,
    /// The answers as compact JSON, keys in order (`{"destination":"DE",...}`): the same
    /// text for the same answers, so a store can tell sets apart without parsing them.
    pub answers: &'a str,
}

impl Summary {
    /// This summary borrowed, its answers as `answers_json` (see [`answers_json`]).
    pub fn borrowed<'a>(&'a self, answers_json: &'a str) -> SummaryRef<'a> {
        SummaryRef {
            offset: self.offset,
            id: Cow::Borrowed(&self.id),
            supersedes: self.supersedes.as_deref().map(Cow::Borrowed),
            date: self.date,
            kind: self.kind,
            outcome: self.outcome,
            provisional: self.provisional,
            reference: Cow::Borrowed(&self.details.reference),
            counterparty: Cow::Borrowed(&self.details.counterparty),
            officer: Cow::Borrowed(&self.details.officer),
            notes: Cow::Borrowed(&self.details.notes),
            answers: answers_json,
        }
    }
}

/// Answers as the JSON text a [`SummaryRef`] carries.
pub fn answers_json(answers: &Answers) -> String {
    serde_json::to_string(answers).unwrap_or_default()
}

/// Summaries of a history, newest first, loaded in chunks, each with whether it is its
/// case's current record: from the user's derived index (`index_file.rs`, brought up to
/// date on opening if that needs no wait), or, when it cannot be used, from the end of the
/// history itself. Records of a batch a crash cut short, and bytes a later record
/// acknowledged, are left out.
pub struct Index {
    pub skipped: Vec<SkippedLine>,
    lines: Option<Source>,
    lines_seen: usize,
    /// Which records read so far are their case's current one.
    cases: Cases,
}

enum Source {
    Indexed(super::index_file::Entries),
    History(NewestFirst),
}

impl Index {
    /// Open, updating the derived index; the summaries are read by `load`.
    pub fn open(history: &History) -> Result<Index, HistoryError> {
        use super::index_file::VIEW_BUDGET;
        let lines = match refresh(history, Some(VIEW_BUDGET), Patience::Now) {
            Ok(Refreshed::Ready(entries)) => Some(Source::Indexed(entries)),
            Ok(Refreshed::NoHistory) => None,
            Ok(Refreshed::Behind) => {
                // Far behind (a large batch, or no index yet): catch up in the background
                // and read the history itself this time, so the first page shows at once.
                let behind = history.clone();
                std::thread::spawn(move || refresh(&behind, None, Patience::Wait));
                history.newest_first()?.map(Source::History)
            }
            // A read-only data directory, say: read the history itself.
            Err(_) => history.newest_first()?.map(Source::History),
        };
        Ok(Index {
            skipped: Vec::new(),
            lines,
            lines_seen: 0,
            cases: Cases::default(),
        })
    }

    /// Whether every line has been read.
    pub fn complete(&self) -> bool {
        self.lines.is_none()
    }

    /// Read up to `max` more lines towards the start of the file, handing each record's
    /// summary to `each` with whether it is its case's current record; returns how many
    /// lines were read.
    pub fn load(
        &mut self,
        max: usize,
        mut each: impl FnMut(SummaryRef<'_>, bool),
    ) -> std::io::Result<usize> {
        let Some(lines) = self.lines.as_mut() else {
            return Ok(0);
        };
        let cases = &mut self.cases;
        let mut each = |summary: SummaryRef<'_>| {
            // A licence record only points at a case.
            let current = summary.kind.stands_for_case()
                && cases.current(&summary.id, summary.supersedes.as_deref(), summary.offset);
            each(summary, current);
        };
        let mut read = 0;
        while read < max {
            let found = match lines {
                Source::Indexed(entries) => match entries.next_line()? {
                    None => None,
                    Some(line) => Some(match super::index_file::summary_of(&line)? {
                        Ok(Some(summary)) => {
                            each(summary);
                            Ok(())
                        }
                        Ok(None) => Ok(()),
                        Err(bad) => Err(bad),
                    }),
                },
                Source::History(newest) => newest.next_item()?.map(|item| match item {
                    RevItem::Record { offset, line, .. } => Summary::from_line(offset, &line)
                        .map(|s| each(s.borrowed(&answers_json(&s.answers))))
                        .map_err(|p| (offset, p)),
                    RevItem::Bad { offset, problem } => Err((offset, problem)),
                    RevItem::Dropped { .. } => Ok(()),
                }),
            };
            let Some(found) = found else {
                self.lines = None;
                break;
            };
            read += 1;
            self.lines_seen += 1;
            if let Err((offset, problem)) = found {
                self.skipped.push(SkippedLine {
                    offset,
                    from_end: self.lines_seen,
                    problem,
                });
            }
        }
        Ok(read)
    }

    /// The 1-based line number of a skipped line, known once the whole file is read.
    pub fn line_number(&self, skipped: &SkippedLine) -> Option<usize> {
        self.complete()
            .then(|| self.lines_seen + 1 - skipped.from_end)
    }
}

/// Which records a list shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Records {
    /// Each case's current record.
    #[default]
    Cases,
    /// Every record, current or superseded.
    All,
}

/// The newest records that match, newest first, handed to `each` (with whether it is its
/// case's current record) until it returns false or `limit` have matched; lines that cannot
/// be read are returned. Reads from the end of the file, so the newest page costs the same
/// whatever the history's size; a search for words scans large blocks for the words and
/// parses only the lines that hold them.
pub fn newest_matching(
    history: &History,
    query: &Query,
    records: Records,
    limit: Option<usize>,
    mut each: impl FnMut(Summary, bool) -> bool,
) -> Result<Vec<SkippedLine>, HistoryError> {
    let mut prepared = query.prepare();
    let mut matched = 0;
    let mut skipped = Vec::new();
    let mut cases = Cases::default();
    let mut offer = |summary: Summary, cases: &mut Cases, prepared: &PreparedQuery| {
        let current = summary.kind.stands_for_case()
            && cases.current(&summary.id, summary.supersedes.as_deref(), summary.offset);
        if (current || records == Records::All) && prepared.matches(&summary) {
            matched += 1;
            each(summary, current) && limit.is_none_or(|l| matched < l)
        } else {
            true
        }
    };
    let mut take = |offset: u64,
                    line: &[u8],
                    from_end: usize,
                    prepared: &mut PreparedQuery,
                    cases: &mut Cases| {
        if !prepared.may_match_line(line) {
            return true;
        }
        match Summary::from_line(offset, line) {
            Ok(summary) => offer(summary, cases, prepared),
            Err(problem) => {
                skipped.push(SkippedLine {
                    offset,
                    from_end,
                    problem,
                });
                true
            }
        }
    };
    let mut unreadable = Vec::new();
    if limit == Some(0) {
        return Ok(unreadable);
    }
    if !prepared.raw.is_empty() {
        search_blocks(
            history,
            &mut prepared,
            &mut cases,
            &mut unreadable,
            &mut take,
        )?;
        unreadable.append(&mut skipped);
        return Ok(unreadable);
    }
    // Filters on outcome or dates alone look at every record: from the derived index when
    // it is (nearly) up to date, which reads several times faster than the records.
    if !query.is_empty()
        && let Ok(Refreshed::Ready(mut entries)) =
            refresh(history, Some(LIST_BUDGET), Patience::Wait)
    {
        let mut from_end = 0;
        while let Some(entry) = entries.next_entry().map_err(|e| read_error(history, &e))? {
            from_end += 1;
            let go_on = match (entry.s, entry.bad) {
                (Some(summary), _) => offer(summary, &mut cases, &prepared),
                (None, Some((offset, problem))) => {
                    unreadable.push(SkippedLine {
                        offset,
                        from_end,
                        problem,
                    });
                    true
                }
                _ => true,
            };
            if !go_on {
                break;
            }
        }
        return Ok(unreadable);
    }
    {
        let Some(mut lines) = history.newest_first()? else {
            return Ok(unreadable);
        };
        let mut from_end = 0;
        while let Some(item) = lines.next_item().map_err(|e| read_error(history, &e))? {
            from_end += 1;
            let go_on = match item {
                RevItem::Record { offset, line, .. } => {
                    take(offset, &line, from_end, &mut prepared, &mut cases)
                }
                RevItem::Bad { offset, problem } => {
                    unreadable.push(SkippedLine {
                        offset,
                        from_end,
                        problem,
                    });
                    true
                }
                RevItem::Dropped { .. } => true,
            };
            if !go_on {
                break;
            }
        }
    }
    unreadable.append(&mut skipped);
    Ok(unreadable)
}

/// History bytes `history list` adds to the derived index before using it (about a
/// thousand records, a few milliseconds).
const LIST_BUDGET: u64 = 1 << 20;

fn read_error(history: &History, e: &std::io::Error) -> HistoryError {
    HistoryError::new(&history.path(), format!("cannot read the history: {e}"))
}

/// Hands one line (offset, bytes, position from the end) to a search; false stops it.
type TakeLine<'a> = dyn FnMut(u64, &[u8], usize, &mut PreparedQuery, &mut Cases) -> bool + 'a;

/// Bytes searched at a time, newest first.
const SEARCH_BLOCK: u64 = 8 << 20;

/// The lines that hold the query's first raw word, newest first, block by block from the end
/// of the usable part of the file (a batch a crash cut short at the end is left out, as are
/// the bytes a later record acknowledges).
fn search_blocks(
    history: &History,
    prepared: &mut PreparedQuery,
    cases: &mut Cases,
    unreadable: &mut Vec<SkippedLine>,
    take: &mut TakeLine,
) -> Result<(), HistoryError> {
    use std::os::unix::fs::FileExt;
    let Some(file) = history.open_for_read()? else {
        return Ok(());
    };
    let failed = |e: std::io::Error| read_error(history, &e);
    let len = file.metadata().map_err(failed)?.len();
    let mut end = super::store::tail_state(&file, len)
        .map_err(failed)?
        .valid_end;
    let acknowledged = memchr::memmem::Finder::new(b"\"acknowledges\":{");
    let supersedes = memchr::memmem::Finder::new(b"\"supersedes\":\"");
    let mut skip: Vec<(u64, u64)> = Vec::new();
    let mut block = Vec::new();
    let mut lower = Vec::new();
    while end > 0 {
        let mut start = end.saturating_sub(SEARCH_BLOCK);
        block.resize((end - start) as usize, 0);
        file.read_exact_at(&mut block, start).map_err(failed)?;
        // Begin at a line's start; the line cut by the block's start goes to the next one.
        let first = if start == 0 {
            0
        } else {
            match memchr::memchr(b'\n', &block) {
                Some(nl) => nl + 1,
                None => block.len(), // one line longer than a block: not a record
            }
        };
        start += first as u64;
        let text = &block[first..];
        let line_at = |at: usize| {
            let from = memchr::memrchr(b'\n', &text[..at]).map_or(0, |nl| nl + 1);
            let to = memchr::memchr(b'\n', &text[at..]).map_or(text.len(), |nl| at + nl);
            (from, to)
        };
        // Every supersede link of the block first: a record superseding another need not
        // hold the words.
        for hit in supersedes.find_iter(text) {
            let (from, to) = line_at(hit);
            if let Some(link) = super::record::link_of(&text[from..to])
                && let (Some(_), Some(id)) = super::chain::chain_fields(link.record)
            {
                cases.note(id, start + from as u64);
            }
        }
        for hit in acknowledged.find_iter(text) {
            let (from, to) = line_at(hit);
            if let Some(link) = super::record::link_of(&text[from..to])
                && let Some(ack) = super::record::frame_of(link.record).acknowledges
            {
                skip.push((ack.offset, ack.offset + ack.bytes));
            }
        }
        lower.clear();
        lower.extend_from_slice(text);
        lower.make_ascii_lowercase();
        let mut lines: Vec<(usize, usize)> = Vec::new();
        for hit in prepared.raw[0].find_iter(&lower) {
            let (from, to) = line_at(hit);
            if lines.last() != Some(&(from, to)) {
                lines.push((from, to));
            }
        }
        for &(from, to) in lines.iter().rev() {
            let offset = start + from as u64;
            if skip.iter().any(|&(a, b)| offset >= a && offset < b) {
                continue;
            }
            // A line whose hash fails is reported, never listed as a record.
            let line = &text[from..to];
            if let Some(problem) =
                super::record::link_of(line).and_then(|link| super::record::check_link(&link).err())
            {
                unreadable.push(SkippedLine {
                    offset,
                    from_end: 0,
                    problem,
                });
                continue;
            }
            if !take(offset, line, 0, prepared, cases) {
                return Ok(());
            }
        }
        end = start;
    }
    Ok(())
}
