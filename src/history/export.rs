//! Exports of the history for auditors and spreadsheets: CSV (RFC 4180, formula injection
//! neutralised, optionally for Excel: a byte-order mark and `;`), JSON and a Markdown report.
//! Each states the history's head hash and record count, so a later truncation or
//! replacement of the file shows against it. Exports stream: a first pass surveys the
//! history (head, count, which records are superseded), later passes write record by record.

use std::collections::HashMap;
use std::io::Write;

use jiff::civil::Date;
use serde::Serialize;

use super::approval::{ApprovalState, Decision, TeamPolicy, approval_of};
use super::licence::{LicenceRecord, Licences, Validity};
use super::lines::Item;
use super::query::{PreparedQuery, Query, Records, Summary};
use super::record::Record;
use super::record_view::{RecordView, rules_for};
use super::store::{BadLine, History, HistoryError, Stored};
use crate::engine::Role;
use crate::report;
use crate::rules::RuleSet;
use crate::screening::Field;
use crate::text::{neutralise_formula, sanitize};

/// What every export states about the history it came from.
#[derive(Debug, Clone, Serialize)]
pub struct Provenance {
    pub path: String,
    /// Hash of the newest record in the whole history (not only the exported ones).
    pub head: String,
    /// Records in the whole history.
    pub records: usize,
    pub exported_at: jiff::Timestamp,
}

/// One pass over the history: its head, its record count, and each case's current record:
/// the newest record of the case (the chain from its first screening through each record
/// superseding the one before), so exactly one per case, even in a fork an earlier version
/// could leave. Memory holds the records that supersede another, and one entry per case
/// that has more than one record.
#[derive(Debug, Default)]
pub struct Survey {
    pub head: String,
    pub records: usize,
    /// A superseding record's id -> its case (the id of the case's first record).
    case_of: HashMap<String, String>,
    /// A case with more than one record -> its newest record.
    heads: HashMap<String, String>,
    pub bad: Vec<BadLine>,
    /// The licences recorded about each case.
    pub licences: Licences,
    /// The newest approval or rejection of each record decided on.
    pub decisions: HashMap<String, Decision>,
    /// The approval records' own ids (they only point at a record).
    approvals: std::collections::HashSet<String>,
    /// The team's policy (taken as strict when its file does not count), and why if so.
    pub policy: TeamPolicy,
    pub policy_problem: Option<String>,
}

impl Survey {
    pub fn of(history: &History) -> Result<Survey, HistoryError> {
        let (policy, policy_problem) = TeamPolicy::or_strict(history.dir());
        let mut survey = Survey {
            head: super::record::GENESIS.to_string(),
            policy,
            policy_problem,
            ..Survey::default()
        };
        let mut walk = history.walk()?;
        while let Some(item) = walk.next_item()? {
            match item {
                Item::Record(found) => {
                    survey.records += 1;
                    survey.head = found.link.hash.to_string();
                    survey.licences.note(found.link.record);
                    if let Some((about, decision)) = approval_of(found.link.record) {
                        survey.approvals.insert(decision.id.clone());
                        survey.decisions.insert(about, decision);
                    }
                    if let (Some(id), Some(supersedes)) =
                        super::chain::chain_fields(found.link.record)
                    {
                        let case = survey
                            .case_of
                            .get(supersedes)
                            .cloned()
                            .unwrap_or_else(|| supersedes.to_string());
                        survey.case_of.insert(id.to_string(), case.clone());
                        survey.heads.insert(case, id.to_string());
                    }
                }
                Item::Bad(b) => survey.bad.push(b),
                Item::Unfinished { .. } => {}
            }
        }
        Ok(survey)
    }

    /// Whether a record is its case's current one (the newest of the case; never a licence
    /// record, which only points at a case).
    pub fn is_current(&self, id: &str) -> bool {
        if self.licences.is_licence(id) || self.approvals.contains(id) {
            return false;
        }
        let case = self.case_of.get(id).map_or(id, String::as_str);
        self.heads.get(case).is_none_or(|head| head == id)
    }

    /// Where a record stands for approval.
    pub fn approval(&self, record: &Record) -> ApprovalState {
        self.policy
            .state(record, self.decisions.get(&record.id).cloned())
    }

    pub fn provenance(&self, history: &History) -> Provenance {
        Provenance {
            path: history.path().display().to_string(),
            head: self.head.clone(),
            records: self.records,
            exported_at: jiff::Timestamp::now(),
        }
    }
}

/// Which records an export holds: those a query matches, of every record or only of each
/// case's current one (what the history view shows by default).
#[derive(Debug, Clone, Copy)]
pub struct Selection<'a> {
    pub query: &'a Query,
    pub records: Records,
}

/// A query alone selects from every record, as `history export` does.
impl<'a> From<&'a Query> for Selection<'a> {
    fn from(query: &'a Query) -> Selection<'a> {
        Selection {
            query,
            records: Records::All,
        }
    }
}

impl Selection<'_> {
    fn takes(
        &self,
        prepared: &PreparedQuery,
        record: &Record,
        offset: u64,
        survey: &Survey,
    ) -> bool {
        (self.records == Records::All || survey.is_current(&record.id))
            && prepared.matches(&Summary::from_record(offset, record))
    }
}

/// The forms an export takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv(CsvOptions),
    Json,
    Markdown,
}

/// Write the selected records in `format`; returns how many.
pub fn write(
    out: &mut dyn Write,
    format: Format,
    history: &History,
    selection: Selection,
    current: &RuleSet,
    survey: &Survey,
    today: Date,
) -> Result<usize, String> {
    match format {
        Format::Csv(options) => csv(out, history, selection, current, survey, options, today),
        Format::Json => json(out, history, selection, survey),
        Format::Markdown => markdown(out, history, selection, current, survey, today),
    }
}

/// Write the selected records to a new file at `path` (0600), complete or not at all;
/// returns how many. An existing file is replaced only when `replace` says so.
#[allow(clippy::too_many_arguments)]
pub fn write_file(
    path: &std::path::Path,
    replace: bool,
    format: Format,
    history: &History,
    selection: Selection,
    current: &RuleSet,
    survey: &Survey,
    today: Date,
) -> Result<usize, String> {
    if !replace && path.exists() {
        return Err(format!(
            "{}: exists; give another name (nothing was written)",
            path.display()
        ));
    }
    // A regular file is written beside the target and moved into place only when complete;
    // `-`, a device, a FIFO or a symlink as `files::Output` says.
    let mut file = crate::files::Output::open(path)?;
    let mut buffered = std::io::BufWriter::new(&mut file);
    let exported = write(
        &mut buffered,
        format,
        history,
        selection,
        current,
        survey,
        today,
    )?;
    buffered
        .flush()
        .map_err(|e| format!("{}: cannot write the export: {e}", path.display()))?;
    drop(buffered);
    file.finish()?;
    Ok(exported)
}

/// Every record selected, in file order; returns how many there were.
pub fn each_matching(
    history: &History,
    selection: Selection,
    survey: &Survey,
    mut each: impl FnMut(&Stored) -> Result<(), String>,
) -> Result<usize, String> {
    let prepared = selection.query.prepare();
    let mut count = 0;
    let mut failed = None;
    history
        .for_each_record(
            |stored| {
                if failed.is_none()
                    && selection.takes(&prepared, &stored.record, stored.offset, survey)
                {
                    count += 1;
                    if let Err(e) = each(&stored) {
                        failed = Some(e);
                    }
                }
                Ok(())
            },
            |_| {},
        )
        .map_err(|e| e.to_string())?;
    failed.map_or(Ok(count), Err)
}

fn clause_list(rules: &RuleSet, record: &Record) -> String {
    record
        .screening
        .determination
        .clauses
        .iter()
        .filter(|c| c.role != Role::Context)
        .map(|c| {
            format!(
                "{} ({}) [{}, {}]",
                c.id,
                rules.cite_short(&c.id),
                c.role.id(),
                c.status.id()
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// "Technology stage: Mining; Destination country: Germany (DE)": the questions' titles and
/// the options' labels (the ids are in `answer_ids`).
fn answer_labels(rules: &RuleSet, record: &Record) -> String {
    record
        .screening
        .determination
        .answers
        .iter()
        .map(|(q, v)| {
            let title = rules
                .question(q)
                .map_or(q, |question| question.title.as_str());
            format!("{title}: {}", crate::present::option_label(rules, q, v))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn answer_list(record: &Record) -> String {
    record
        .screening
        .determination
        .answers
        .iter()
        .map(|(q, v)| format!("{q}={v}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The licence columns of a record's row: the licence recorded about its case (for a
/// licence record, its own), and where it stands `today`.
fn licence_cells(found: Option<&LicenceRecord>, today: Date) -> [String; 4] {
    let Some(found) = found else {
        return Default::default();
    };
    let l = &found.licence;
    let state = match l.validity(today) {
        Validity::Refused => "refused".to_string(),
        Validity::NotYetValid => "not yet valid".to_string(),
        Validity::Valid => "valid".to_string(),
        Validity::Expiring(days) => format!("expires in {days} day(s)"),
        Validity::Expired => "expired".to_string(),
    };
    [
        l.number.clone(),
        l.kind.label().to_string(),
        l.valid_until.map(|d| d.to_string()).unwrap_or_default(),
        state,
    ]
}

/// The approval columns: the state, and who decided (and why) once decided.
fn approval_cells(state: &ApprovalState) -> [String; 2] {
    let by = match state {
        ApprovalState::Decided(d) => format!("{}: {}", d.by, d.reason),
        _ => String::new(),
    };
    [state.word().to_string(), by]
}

/// How a CSV export is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvOptions {
    /// Start with a UTF-8 byte-order mark, so Excel reads the file as UTF-8 (umlauts, CJK).
    pub bom: bool,
    /// `,` or `;` (what German Excel splits columns on).
    pub delimiter: u8,
}

impl Default for CsvOptions {
    fn default() -> CsvOptions {
        CsvOptions {
            bom: false,
            delimiter: b',',
        }
    }
}

pub const CSV_HEADER: [&str; 34] = [
    "id",
    "saved_at",
    "kind",
    "supersedes",
    "current",
    "screening_date",
    "reference",
    "counterparty",
    "end_user",
    "officer",
    "saved_by",
    "notes",
    "answers",
    "answer_ids",
    "outcome",
    "engine_outcome",
    "licence_needed",
    "provisional",
    "reason",
    "decided_by",
    "clauses",
    "parties",
    "party_lists",
    "rule_set",
    "program_version",
    "hash",
    "history_head",
    "history_records",
    "licence_number",
    "licence_kind",
    "licence_valid_until",
    "licence_state",
    "approval",
    "approved_by",
];

/// Write the matching records as CSV; returns how many.
pub fn csv<'q>(
    mut out: impl Write,
    history: &History,
    selection: impl Into<Selection<'q>>,
    current: &RuleSet,
    survey: &Survey,
    options: CsvOptions,
    today: Date,
) -> Result<usize, String> {
    let selection = selection.into();
    if options.bom {
        out.write_all("\u{feff}".as_bytes())
            .map_err(|e| e.to_string())?;
    }
    let mut w = csv::WriterBuilder::new()
        .delimiter(options.delimiter)
        .from_writer(out);
    w.write_record(CSV_HEADER).map_err(|e| e.to_string())?;
    let mut snapshots = history.snapshots();
    let exported = each_matching(history, selection, survey, |stored| {
        let r = &stored.record;
        let (kept, _) = rules_for(&mut snapshots, r, current);
        let rules = kept.as_deref().unwrap_or(current);
        let d = &r.screening.determination;
        let det = &r.screening.details;
        let row = [
            r.id.clone(),
            r.saved_at.to_string(),
            r.kind.label().to_string(),
            r.supersedes.clone().unwrap_or_default(),
            if survey.is_current(&r.id) {
                "yes"
            } else {
                "no"
            }
            .to_string(),
            d.date.to_string(),
            det.reference.clone(),
            det.counterparty.clone(),
            det.end_user.clone(),
            det.officer.clone(),
            r.identity.describe(),
            det.notes.clone(),
            answer_labels(rules, r),
            answer_list(r),
            r.effective_outcome().id().to_string(),
            d.outcome.id().to_string(),
            d.licences
                .iter()
                .map(|l| format!("{}, obtained by {}", l.kind.label(), l.obtained_by.label()))
                .collect::<Vec<_>>()
                .join("; "),
            d.provisional.to_string(),
            r.reason.clone().unwrap_or_default(),
            d.decided_by
                .iter()
                .map(|c| crate::present::cite_any(rules, d, c))
                .collect::<Vec<_>>()
                .join("; "),
            clause_list(rules, r),
            d.parties
                .iter()
                .map(crate::present::party_line)
                .collect::<Vec<_>>()
                .join("; "),
            d.party_lists.join("; "),
            format!(
                "{} {} sha256 {}",
                d.rule_set.id, d.rule_set.version, d.rule_set.sha256
            ),
            r.program_version.clone(),
            stored.hash.clone(),
            survey.head.clone(),
            survey.records.to_string(),
        ]
        .into_iter()
        .chain(licence_cells(
            r.licence
                .as_ref()
                .or_else(|| survey.licences.for_case(&r.id)),
            today,
        ))
        .chain(approval_cells(&survey.approval(r)))
        .collect::<Vec<_>>();
        // Cells are text for people and spreadsheets: no control or bidi characters, no
        // formulas.
        w.write_record(row.iter().map(|c| neutralise_formula(&sanitize(c))))
            .map_err(|e| e.to_string())
    })?;
    w.flush().map_err(|e| e.to_string())?;
    Ok(exported)
}

/// Write the matching records as one JSON document: the provenance, the records as stored
/// (essentials, not the rebuilt trace) and the count; returns how many.
pub fn json<'q>(
    mut out: impl Write,
    history: &History,
    selection: impl Into<Selection<'q>>,
    survey: &Survey,
) -> Result<usize, String> {
    #[derive(Serialize)]
    struct Line<'a> {
        hash: &'a str,
        current: bool,
        record: &'a serde_json::value::RawValue,
    }
    let io = |e: std::io::Error| e.to_string();
    write!(out, "{{\"history\":").map_err(io)?;
    serde_json::to_writer(&mut out, &survey.provenance(history)).map_err(|e| e.to_string())?;
    write!(out, ",\"records\":[").map_err(io)?;
    let selection = selection.into();
    let prepared = selection.query.prepare();
    let mut exported = 0usize;
    let mut walk = history.walk().map_err(|e| e.to_string())?;
    while let Some(item) = walk.next_item().map_err(|e| e.to_string())? {
        let Item::Record(found) = item else { continue };
        let Ok(record) = super::record::decode_record(found.link.record) else {
            continue;
        };
        if !selection.takes(&prepared, &record, found.offset, survey) {
            continue;
        }
        let raw: &serde_json::value::RawValue =
            serde_json::from_slice(found.link.record).map_err(|e| e.to_string())?;
        if exported > 0 {
            write!(out, ",").map_err(io)?;
        }
        writeln!(out).map_err(io)?;
        serde_json::to_writer(
            &mut out,
            &Line {
                hash: found.link.hash,
                current: survey.is_current(&record.id),
                record: raw,
            },
        )
        .map_err(|e| e.to_string())?;
        exported += 1;
    }
    writeln!(out, "\n],\"exported\":{exported}}}").map_err(io)?;
    Ok(exported)
}

/// Record text in Markdown, never at the start of a line: one line, no control characters,
/// HTML's `<`, `>` and `&` as entities, and the characters that make links, images,
/// emphasis, code and table cells backslash-escaped, so a field can neither inject a tag nor
/// make a link (`[x](javascript:...)`) or a cell.
fn markdown_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in sanitize(text).chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '!' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Write the Markdown report: the provenance, a summary table of the matching records
/// (date, reference, counterparty, outcome, decided by, kind), then one section per record
/// with its report as decided; returns how many.
pub fn markdown<'q>(
    mut out: impl Write,
    history: &History,
    selection: impl Into<Selection<'q>>,
    current: &RuleSet,
    survey: &Survey,
    today: Date,
) -> Result<usize, String> {
    let selection = selection.into();
    let io = |e: std::io::Error| e.to_string();
    let provenance = survey.provenance(history);
    write!(
        out,
        "# Screening history export\n\n- History: {}\n- Head hash: `{}` ({} records in the history)\n- Exported at: {}\n\n| Date | Reference | Counterparty | Outcome | Decided by | Kind | Record |\n|---|---|---|---|---|---|---|\n",
        markdown_text(&provenance.path), provenance.head, provenance.records, provenance.exported_at
    )
    .map_err(io)?;
    let mut snapshots = history.snapshots();
    let exported = each_matching(history, selection, survey, |stored| {
        let r = &stored.record;
        let (kept, _) = rules_for(&mut snapshots, r, current);
        let rules = kept.as_deref().unwrap_or(current);
        let d = &r.screening.determination;
        let outcome = r.effective_outcome();
        writeln!(
            out,
            "| {} | {} | {} | {} {}{} | {} | {}{} | {} |",
            d.date,
            markdown_text(&r.screening.details.reference),
            markdown_text(&r.screening.details.counterparty),
            outcome.symbol(),
            outcome.short(),
            if d.provisional { " (provisional)" } else { "" },
            markdown_text(
                &d.decided_by
                    .first()
                    .map(|c| rules.cite_short(c))
                    .unwrap_or_default()
            ),
            r.kind.label(),
            if survey.is_current(&r.id) || !r.kind.stands_for_case() {
                ""
            } else {
                " (superseded)"
            },
            markdown_text(&r.id),
        )
        .map_err(io)
    })?;
    writeln!(out, "\nRecords in this export: {exported}").map_err(io)?;
    each_matching(history, selection, survey, |stored| {
        let mut stored = stored.clone();
        snapshots.rebuild(&mut stored.record, Some(current));
        let (kept, note) = rules_for(&mut snapshots, &stored.record, current);
        let view = RecordView::new(&stored, kept.as_deref().unwrap_or(current), note)
            .with_licence(survey.licences.for_case(&stored.record.id), today)
            .with_approval(&survey.approval(&stored.record));
        write!(out, "{}", section(&view)).map_err(io)
    })?;
    Ok(exported)
}

/// One record's section of the Markdown report: its header as a list (an override in
/// bold), then its report as decided.
fn section(view: &RecordView) -> String {
    let reference = view
        .fields
        .iter()
        .find(|(field, _)| *field == Field::Reference)
        .map_or("(no reference)", |(_, value)| value.as_str());
    let mut text = format!(
        "\n## {} - {} - {}\n\n",
        markdown_text(&view.id),
        view.presentation.date,
        markdown_text(reference)
    );
    for line in view.header() {
        let item = format!("{}: {}", line.part.label(), markdown_text(&line.value));
        if line.part.emphasis() {
            text.push_str(&format!("- **{item}**\n"));
        } else {
            text.push_str(&format!("- {item}\n"));
        }
    }
    text.push_str("\n```text\n");
    text.push_str(
        &crate::text::sanitize_lines(&report::text(&view.presentation, report::Detail::Concise))
            .replace("```", "'''"),
    );
    text.push_str("```\n");
    text
}
