//! The history view's records in compact form, and its filter, worked through in steps.
//!
//! A million records must filter between two keystrokes and take less memory than a tenth
//! of the history. Each record keeps its line's offset, screening date, outcome, kind and
//! provisional mark in small fields, and its text (reference, counterparty, officer, notes)
//! in one arena shared by all, in its original case: the list shows it from there and the
//! filter searches it. Answers are interned, since a history holds few distinct sets.
//! Records arrive in [`Batch`]es built where the lines are read, from summaries borrowed
//! from the lines, so reading allocates nothing per record; the view's [`Rows`] take a
//! batch whole.
//!
//! A filter lower-cases the arena a block of records at a time and searches each block
//! whole, so its cost is a few passes over memory rather than a search per record. It runs
//! in steps of [`STEP`] records: the first with the keystroke, the rest while no key waits.
//! Text that only grew narrows the matches already found instead of starting over.

use std::collections::HashMap;

use jiff::civil::Date;
use memchr::memmem::Finder;

use crate::engine::Answers;
use crate::history::{Query, RecordKind, Records, SummaryRef};
use crate::rules::{Outcome, RuleSet};

/// Records a filter checks in one step: a few milliseconds at a million records.
pub const STEP: usize = 50_000;

/// Ends a field in the arena, so a word never matches across two fields.
const FIELD_END: char = '\u{1f}';
/// Ends a record in the arena.
const RECORD_END: char = '\u{1e}';

const KINDS: [RecordKind; 3] = [
    RecordKind::Screening,
    RecordKind::Rescreen,
    RecordKind::Override,
];

/// Records, newest first, by position: the fields every store of them keeps.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Columns {
    offsets: Vec<u64>,
    /// Where each record's text ends in `text`; it starts where the one before ends.
    ends: Vec<usize>,
    dates: Vec<Date>,
    /// The outcome's position in `Outcome::ALL` (bits 0-2), the kind's in `KINDS` (bits
    /// 3-4), the provisional mark (bit 5) and whether it is its case's current record
    /// (bit 6).
    flags: Vec<u8>,
    /// Each record's answer set, by position in its store's sets.
    sets: Vec<u32>,
    /// Per record: reference, counterparty, officer and notes, each ended by `FIELD_END`,
    /// then `RECORD_END`.
    text: String,
}

impl Columns {
    fn push(&mut self, s: &SummaryRef, current: bool, set: u32) {
        self.offsets.push(s.offset);
        self.dates.push(s.date);
        let outcome = Outcome::ALL
            .iter()
            .position(|o| *o == s.outcome)
            .unwrap_or(0);
        let kind = KINDS.iter().position(|k| *k == s.kind).unwrap_or(0);
        self.flags.push(
            (outcome | kind << 3 | usize::from(s.provisional) << 5 | usize::from(current) << 6)
                as u8,
        );
        self.sets.push(set);
        for field in [&s.reference, &s.counterparty, &s.officer, &s.notes] {
            if field.contains([FIELD_END, RECORD_END]) {
                // Never in a value this program wrote; a hand-edited line aside.
                let clean = field.replace([FIELD_END, RECORD_END], " ");
                self.text.push_str(&clean);
            } else {
                self.text.push_str(field);
            }
            self.text.push(FIELD_END);
        }
        self.text.push(RECORD_END);
        self.ends.push(self.text.len());
    }
}

/// Records read in one go, before they join the view's rows; their answer sets are told
/// apart by their JSON text and parsed once each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Batch {
    columns: Columns,
    /// The distinct answer sets in the order first seen, with their JSON text.
    sets: Vec<(String, Answers)>,
    seen: HashMap<String, u32>,
}

impl Batch {
    /// Keep a record read from the history (older than every one kept so far), and whether
    /// it is its case's current record.
    pub fn push(&mut self, summary: SummaryRef, current: bool) {
        let set = match self.seen.get(summary.answers) {
            Some(&set) => set,
            None => {
                let set = u32::try_from(self.sets.len()).unwrap_or(u32::MAX);
                let answers = serde_json::from_str(summary.answers).unwrap_or_default();
                self.sets.push((summary.answers.to_string(), answers));
                self.seen.insert(summary.answers.to_string(), set);
                set
            }
        };
        self.columns.push(&summary, current, set);
    }
}

/// Every record read so far, newest first, by position.
#[derive(Debug, Default)]
pub struct Rows {
    columns: Columns,
    /// Each distinct answer set's words: option ids and labels, lower-cased.
    answer_sets: Vec<String>,
    /// Answer sets by their JSON text.
    interned: HashMap<String, u32>,
    /// Records that are their case's current one.
    cases: usize,
}

/// One record as the list shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row<'a> {
    /// Where its line starts in the history, to read the whole record.
    pub offset: u64,
    pub date: Date,
    /// The outcome that stands: an override's, else the engine's.
    pub outcome: Outcome,
    pub provisional: bool,
    pub kind: RecordKind,
    /// Whether it is its case's current record.
    pub current: bool,
    pub reference: &'a str,
    pub counterparty: &'a str,
}

impl Rows {
    pub fn len(&self) -> usize {
        self.columns.offsets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.columns.offsets.is_empty()
    }

    /// How many cases: records that are their case's current one.
    pub fn cases(&self) -> usize {
        self.cases
    }

    /// Forget every record (the history is read again).
    pub fn clear(&mut self) {
        *self = Rows::default();
    }

    /// Take a batch of older records. Answers are searched as ids and as the labels of
    /// `rules`.
    pub fn append(&mut self, batch: Batch, rules: &RuleSet) {
        let sets: Vec<u32> = batch
            .sets
            .into_iter()
            .map(|(json, answers)| match self.interned.get(&json) {
                Some(&set) => set,
                None => {
                    let set = u32::try_from(self.answer_sets.len()).unwrap_or(u32::MAX);
                    self.answer_sets.push(answer_words(&answers, rules));
                    self.interned.insert(json, set);
                    set
                }
            })
            .collect();
        let Columns {
            offsets,
            ends,
            dates,
            flags,
            sets: of,
            text,
        } = batch.columns;
        self.cases += flags.iter().filter(|f| **f & 64 != 0).count();
        let c = &mut self.columns;
        let base = c.text.len();
        c.text.push_str(&text);
        c.ends.extend(ends.into_iter().map(|e| base + e));
        c.offsets.extend(offsets);
        c.dates.extend(dates);
        c.flags.extend(flags);
        c.sets.extend(
            of.into_iter()
                .map(|s| sets.get(s as usize).copied().unwrap_or(0)),
        );
    }

    /// Record `i` as the list shows it.
    pub fn get(&self, i: usize) -> Option<Row<'_>> {
        let flags = *self.columns.flags.get(i)?;
        let mut fields = self.text_of(i).split(FIELD_END);
        Some(Row {
            offset: self.columns.offsets[i],
            date: self.columns.dates[i],
            outcome: self.outcome(i),
            provisional: flags & 32 != 0,
            kind: KINDS[usize::from(flags >> 3 & 3).min(KINDS.len() - 1)],
            current: flags & 64 != 0,
            reference: fields.next().unwrap_or_default(),
            counterparty: fields.next().unwrap_or_default(),
        })
    }

    fn outcome(&self, i: usize) -> Outcome {
        Outcome::ALL[usize::from(self.columns.flags[i] & 7).min(Outcome::ALL.len() - 1)]
    }

    fn start(&self, i: usize) -> usize {
        i.checked_sub(1).map_or(0, |p| self.columns.ends[p])
    }

    fn end(&self, i: usize) -> usize {
        self.columns.ends[i]
    }

    /// The fields of record `i`, each ended by `FIELD_END`.
    fn text_of(&self, i: usize) -> &str {
        &self.columns.text[self.start(i)..self.end(i).saturating_sub(RECORD_END.len_utf8())]
    }
}

/// An answer set's searchable words: each option's id and label, lower-cased, so a
/// destination is found by its code ("de") and its name ("germany").
fn answer_words(answers: &Answers, rules: &RuleSet) -> String {
    let mut words = String::new();
    for (question, value) in answers.iter() {
        words.push_str(value);
        if let Some(option) = rules.question(question).and_then(|q| q.option(value)) {
            words.push(' ');
            words.push_str(&option.label);
        }
        words.push(FIELD_END);
    }
    words.to_lowercase()
}

/// `text` lower-cased into `out`, byte for byte: a character whose lower case is not a
/// single character of the same length (the Kelvin sign, a dotted capital I) stays as it
/// is, so every position in `out` is the same position in `text`.
fn lower_into(out: &mut Vec<u8>, text: &str) {
    out.clear();
    out.extend_from_slice(text.as_bytes());
    out.make_ascii_lowercase();
    let mut at = 0;
    while let Some(skip) = out[at..].iter().position(|b| !b.is_ascii()) {
        at += skip;
        let Some(c) = text[at..].chars().next() else {
            break;
        };
        let mut lower = c.to_lowercase();
        if let (Some(l), None) = (lower.next(), lower.next())
            && l != c
            && l.len_utf8() == c.len_utf8()
        {
            l.encode_utf8(&mut out[at..at + c.len_utf8()]);
        }
        at += c.len_utf8();
    }
}

/// A query ready to run over the rows: its words lower-cased once, each with its searcher,
/// and which words each answer set holds.
#[derive(Debug)]
struct Matcher {
    query: Query,
    records: Records,
    words: Vec<Finder<'static>>,
    /// Per answer set, one bit per word it holds (`words.len()` bits, in u64s).
    set_hits: Vec<u64>,
    /// Answer sets `set_hits` covers.
    sets: usize,
    /// The lower-cased text being searched; kept to reuse its memory.
    scratch: Vec<u8>,
    /// Per record of a block, one bit per word its text holds.
    hits: Vec<u64>,
}

impl Matcher {
    fn new(query: Query, records: Records) -> Matcher {
        let words = query
            .text
            .to_lowercase()
            .split_whitespace()
            .map(|w| Finder::new(w.as_bytes()).into_owned())
            .collect();
        Matcher {
            query,
            records,
            words,
            set_hits: Vec::new(),
            sets: 0,
            scratch: Vec::new(),
            hits: Vec::new(),
        }
    }

    /// u64s per bit set of words.
    fn width(&self) -> usize {
        self.words.len().div_ceil(64)
    }

    /// Work out which words the answer sets read since the last time hold.
    fn cover_sets(&mut self, rows: &Rows) {
        let width = self.width();
        for set in &rows.answer_sets[self.sets..] {
            let start = self.set_hits.len();
            self.set_hits.resize(start + width, 0);
            for (w, finder) in self.words.iter().enumerate() {
                if finder.find(set.as_bytes()).is_some() {
                    self.set_hits[start + w / 64] |= 1 << (w % 64);
                }
            }
        }
        self.sets = rows.answer_sets.len();
    }

    /// Outcome and dates: what needs no text.
    fn fields_match(&self, rows: &Rows, r: usize) -> bool {
        let q = &self.query;
        let date = rows.columns.dates[r];
        (self.records == Records::All || rows.columns.flags[r] & 64 != 0)
            && q.outcome.is_none_or(|o| rows.outcome(r) == o)
            && q.since.is_none_or(|d| date >= d)
            && q.until.is_none_or(|d| date <= d)
    }

    /// Whether every word is in the record's text (`text_hits`) or its answers.
    fn words_match(&self, text_hits: &[u64], set: u32) -> bool {
        let width = self.width();
        let set_hits = &self.set_hits[set as usize * width..][..width];
        (0..width).all(|b| {
            let words = (self.words.len() - b * 64).min(64);
            let all = if words == 64 {
                u64::MAX
            } else {
                (1 << words) - 1
            };
            (text_hits[b] | set_hits[b]) & all == all
        })
    }

    /// Records `from..to` that match, appended to `matches`: the block's text lower-cased
    /// and searched whole, each hit credited to the record it falls in.
    fn scan(&mut self, rows: &Rows, from: usize, to: usize, matches: &mut Vec<u32>) {
        self.cover_sets(rows);
        let width = self.width();
        if width > 0 && from < to {
            let start = rows.start(from);
            lower_into(
                &mut self.scratch,
                &rows.columns.text[start..rows.end(to - 1)],
            );
            self.hits.clear();
            self.hits.resize((to - from) * width, 0);
            for (w, finder) in self.words.iter().enumerate() {
                let mut r = from;
                for at in finder.find_iter(&self.scratch) {
                    // Records never share a hit: a word holds no separator.
                    while rows.end(r) <= start + at {
                        r += 1;
                    }
                    self.hits[(r - from) * width + w / 64] |= 1 << (w % 64);
                }
            }
        }
        for r in from..to {
            let text = &self.hits[(r - from) * width..][..width];
            if self.fields_match(rows, r)
                && (width == 0 || self.words_match(text, rows.columns.sets[r]))
            {
                matches.push(r as u32);
            }
        }
    }

    /// Whether record `r` matches, searched alone (to narrow a few matches down).
    fn check(&mut self, rows: &Rows, r: usize) -> bool {
        if !self.fields_match(rows, r) {
            return false;
        }
        let width = self.width();
        if width == 0 {
            return true;
        }
        self.cover_sets(rows);
        lower_into(&mut self.scratch, rows.text_of(r));
        self.hits.clear();
        self.hits.resize(width, 0);
        for (w, finder) in self.words.iter().enumerate() {
            if finder.find(&self.scratch).is_some() {
                self.hits[w / 64] |= 1 << (w % 64);
            }
        }
        let text = std::mem::take(&mut self.hits);
        let matched = self.words_match(&text, rows.columns.sets[r]);
        self.hits = text;
        matched
    }
}

/// The records that match the view's query, found a step at a time.
#[derive(Debug)]
pub struct Filter {
    matcher: Matcher,
    /// Positions of the records found to match so far, ascending (newest first).
    matches: Vec<u32>,
    /// While a narrower query goes through the matches of the one before: those not yet
    /// checked, from `.1` on.
    narrowing: Option<(Vec<u32>, usize)>,
    /// Records from this position on are not checked yet.
    scanned: usize,
}

impl Default for Filter {
    fn default() -> Filter {
        Filter {
            matcher: Matcher::new(Query::default(), Records::Cases),
            matches: Vec::new(),
            narrowing: None,
            scanned: 0,
        }
    }
}

impl Filter {
    pub fn query(&self) -> &Query {
        &self.matcher.query
    }

    /// Whether it shows each case's current record or every record.
    pub fn records(&self) -> Records {
        self.matcher.records
    }

    /// Show cases or every record from now on: each case's current record is among every
    /// record, so going to cases narrows what was found; going to every record starts over.
    pub fn set_records(&mut self, records: Records) {
        if records == self.matcher.records {
            return;
        }
        let query = self.matcher.query.clone();
        self.matcher = Matcher::new(query, records);
        if records == Records::Cases {
            self.narrow();
        } else {
            self.reset();
        }
    }

    /// Check again only the records found to match so far (and those a narrowing had left).
    fn narrow(&mut self) {
        let mut candidates = std::mem::take(&mut self.matches);
        if let Some((rest, at)) = self.narrowing.take() {
            candidates.extend_from_slice(&rest[at..]);
        }
        self.narrowing = Some((candidates, 0));
    }

    /// Positions in the rows of the records found to match so far, newest first.
    pub fn matches(&self) -> &[u32] {
        &self.matches
    }

    /// Whether records are left to check.
    pub fn busy(&self, rows: &Rows) -> bool {
        self.narrowing.is_some() || self.scanned < rows.len()
    }

    /// Start over: the rows were read again (their answer sets may be numbered anew).
    pub fn reset(&mut self) {
        self.matches.clear();
        self.narrowing = None;
        self.scanned = 0;
        self.matcher.set_hits.clear();
        self.matcher.sets = 0;
    }

    /// Filter by `query` from now on. A query that can only match fewer records than the
    /// one before (text that grew at its end, a bound that tightened) goes through the
    /// matches found so far; any other starts over.
    pub fn set_query(&mut self, query: Query) {
        if query == self.matcher.query {
            return;
        }
        let narrows = narrower(&self.matcher.query, &query);
        self.matcher = Matcher::new(query, self.matcher.records);
        if narrows {
            self.narrow();
        } else {
            self.reset();
        }
    }

    /// Check up to `budget` more records; returns whether records are left.
    pub fn step(&mut self, rows: &Rows, budget: usize) -> bool {
        if let Some((candidates, at)) = &mut self.narrowing {
            let end = (*at + budget).min(candidates.len());
            for &r in &candidates[*at..end] {
                if self.matcher.check(rows, r as usize) {
                    self.matches.push(r);
                }
            }
            *at = end;
            if end == candidates.len() {
                self.narrowing = None;
            }
        } else if self.scanned < rows.len() {
            let to = (self.scanned + budget).min(rows.len());
            self.matcher.scan(rows, self.scanned, to, &mut self.matches);
            self.scanned = to;
        }
        self.busy(rows)
    }
}

/// Whether every record `new` matches also matches `old`.
fn narrower(old: &Query, new: &Query) -> bool {
    new.text
        .to_lowercase()
        .starts_with(&old.text.to_lowercase())
        && (old.outcome.is_none() || old.outcome == new.outcome)
        && old.since.is_none_or(|o| new.since.is_some_and(|n| n >= o))
        && old.until.is_none_or(|o| new.until.is_some_and(|n| n <= o))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::{Summary, answers_json};
    use crate::screening::Details;

    fn rows() -> Rows {
        let rules = crate::rules::embedded().expect("rules");
        let mut batch = Batch::default();
        for (i, (reference, counterparty, destination)) in [
            ("PO-1", "Müller Magnete GmbH", "DE"),
            ("PO-2", "深圳稀土有限公司", "CN"),
            ("ACME-3", "SOCIÉTÉ DES AIMANTS", "FR"),
            ("PO-4", "Acme Motors", "US"),
        ]
        .into_iter()
        .enumerate()
        {
            let summary = Summary {
                offset: i as u64,
                details: Details {
                    reference: reference.into(),
                    counterparty: counterparty.into(),
                    ..Details::default()
                },
                answers: Answers::new().with("destination", destination),
                ..rows_summary()
            };
            batch.push(summary.borrowed(&answers_json(&summary.answers)), true);
        }
        let mut rows = Rows::default();
        rows.append(batch, &rules);
        rows
    }

    fn run(rows: &Rows, filter: &mut Filter, text: &str, budget: usize) -> Vec<u32> {
        filter.set_query(Query {
            text: text.into(),
            ..Query::default()
        });
        while filter.step(rows, budget) {}
        filter.matches().to_vec()
    }

    #[test]
    fn rows_keep_what_the_list_shows() {
        let rows = rows();
        let row = rows.get(1).expect("row");
        assert_eq!(row.reference, "PO-2");
        assert_eq!(row.counterparty, "深圳稀土有限公司");
        assert_eq!(row.outcome, Outcome::LicenseRequired);
        assert_eq!(row.kind, RecordKind::Screening);
        assert!(rows.get(4).is_none());
    }

    #[test]
    fn words_match_any_field_or_answer_in_any_case_and_steps_give_the_same() {
        let rows = rows();
        for budget in [1, 2, STEP] {
            let mut filter = Filter::default();
            assert_eq!(run(&rows, &mut filter, "acme", budget), [2, 3]);
            assert_eq!(run(&rows, &mut filter, "acme mot", budget), [3], "narrowed");
            assert_eq!(run(&rows, &mut filter, "société", budget), [2]);
            assert_eq!(run(&rows, &mut filter, "MÜLLER", budget), [0]);
            assert_eq!(run(&rows, &mut filter, "稀土", budget), [1]);
            assert_eq!(run(&rows, &mut filter, "germany po", budget), [0]);
            assert_eq!(
                run(&rows, &mut filter, "de", budget),
                [0, 2],
                "code and text"
            );
            assert_eq!(run(&rows, &mut filter, "gmbhpo", budget), Vec::<u32>::new());
            assert_eq!(run(&rows, &mut filter, "", budget), [0, 1, 2, 3]);
        }
    }

    #[test]
    fn a_word_never_matches_across_fields_or_records() {
        let rows = rows();
        let mut filter = Filter::default();
        assert_eq!(
            run(&rows, &mut filter, "gmbh po-1", 1),
            [0],
            "words in two fields"
        );
        assert!(run(&rows, &mut filter, "gmbhpo-2", STEP).is_empty());
        assert!(run(&rows, &mut filter, "gmbh po-2", STEP).is_empty());
    }

    #[test]
    fn rows_read_again_are_searched_afresh() {
        let rules = crate::rules::embedded().expect("rules");
        let mut rows = rows();
        let mut filter = Filter::default();
        assert_eq!(run(&rows, &mut filter, "germany", STEP), [0]);
        // Read again with another record first: the answer sets are numbered anew.
        let summary = Summary {
            answers: Answers::new().with("destination", "JP"),
            ..rows_summary()
        };
        let mut batch = Batch::default();
        batch.push(summary.borrowed(&answers_json(&summary.answers)), true);
        let mut again = Rows::default();
        again.append(batch, &rules);
        let mut old = Batch::default();
        for (reference, destination) in [("PO-1", "DE"), ("PO-2", "CN")] {
            let summary = Summary {
                details: Details {
                    reference: reference.into(),
                    ..Details::default()
                },
                answers: Answers::new().with("destination", destination),
                ..rows_summary()
            };
            old.push(summary.borrowed(&answers_json(&summary.answers)), true);
        }
        again.append(old, &rules);
        rows = again;
        filter.reset();
        while filter.step(&rows, STEP) {}
        assert_eq!(filter.matches(), [1]);
    }

    fn rows_summary() -> Summary {
        Summary {
            offset: 0,
            id: "id".into(),
            saved_at: jiff::Timestamp::UNIX_EPOCH,
            date: "2025-10-20".parse().expect("date"),
            kind: RecordKind::Screening,
            outcome: Outcome::LicenseRequired,
            provisional: false,
            supersedes: None,
            details: Details::default(),
            answers: Answers::new(),
        }
    }

    #[test]
    fn lower_case_keeps_every_position() {
        let mut out = Vec::new();
        lower_into(&mut out, "ÄBC \u{212a}elvin İx 深圳");
        let text = String::from_utf8(out).expect("utf-8");
        assert_eq!(text, "äbc \u{212a}elvin İx 深圳");
    }
}
