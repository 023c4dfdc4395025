//! Exports of the history for auditors and spreadsheets: CSV (RFC 4180, formula injection
//! neutralised), JSON and a Markdown report. Each states the history's head hash and record
//! count, so a later truncation or replacement of the file shows against it.

use std::io::Write;

use serde::Serialize;

use super::record::Record;
use super::store::{History, Scan, Stored};
use crate::report;
use crate::rules::RuleSet;
use crate::text::{neutralise_formula, sanitize};

/// What every export states about the history it came from.
#[derive(Debug, Clone, Serialize)]
pub struct Provenance {
    pub path: String,
    /// Hash of the newest record in the whole history (not only the exported ones).
    pub head: String,
    /// Records in the whole history.
    pub records: usize,
    /// Records in this export.
    pub exported: usize,
    pub exported_at: jiff::Timestamp,
}

impl Provenance {
    /// What an export of `exported` records out of the scanned history states, as of now.
    pub fn of(history: &History, scan: &Scan, exported: usize) -> Provenance {
        Provenance {
            path: history.path().display().to_string(),
            head: scan.head().to_string(),
            records: scan.records.len(),
            exported,
            exported_at: jiff::Timestamp::now(),
        }
    }
}

fn clause_list(record: &Record) -> String {
    record
        .screening
        .determination
        .clauses
        .iter()
        .filter(|c| c.role != crate::engine::Role::Context)
        .map(|c| format!("{} [{}, {}]", c.id, c.role.id(), c.status.id()))
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

pub fn csv(out: impl Write, records: &[&Stored], provenance: &Provenance) -> Result<(), String> {
    let mut w = csv::Writer::from_writer(out);
    let header = [
        "id",
        "saved_at",
        "kind",
        "supersedes",
        "screening_date",
        "reference",
        "counterparty",
        "officer",
        "notes",
        "answers",
        "outcome",
        "engine_outcome",
        "provisional",
        "reason",
        "clauses",
        "rule_set",
        "program_version",
        "hash",
        "history_head",
        "history_records",
    ];
    w.write_record(header).map_err(|e| e.to_string())?;
    for stored in records {
        let r = &stored.record;
        let d = &r.screening.determination;
        let det = &r.screening.details;
        let row = [
            r.id.clone(),
            r.saved_at.to_string(),
            r.kind.label().to_string(),
            r.supersedes.clone().unwrap_or_default(),
            d.date.to_string(),
            det.reference.clone(),
            det.counterparty.clone(),
            det.officer.clone(),
            det.notes.clone(),
            answer_list(r),
            r.effective_outcome().id().to_string(),
            d.outcome.id().to_string(),
            d.provisional.to_string(),
            r.reason.clone().unwrap_or_default(),
            clause_list(r),
            format!("{} {}", d.rule_set.id, d.rule_set.version),
            r.program_version.clone(),
            stored.hash.clone(),
            provenance.head.clone(),
            provenance.records.to_string(),
        ];
        // Cells are text for people and spreadsheets: no control or bidi characters, no
        // formulas.
        w.write_record(row.iter().map(|c| neutralise_formula(&sanitize(c))))
            .map_err(|e| e.to_string())?;
    }
    w.flush().map_err(|e| e.to_string())
}

pub fn json(
    mut out: impl Write,
    records: &[&Stored],
    provenance: &Provenance,
) -> Result<(), String> {
    #[derive(Serialize)]
    struct Export<'a> {
        history: &'a Provenance,
        records: Vec<Line<'a>>,
    }
    #[derive(Serialize)]
    struct Line<'a> {
        hash: &'a str,
        record: &'a Record,
    }
    let export = Export {
        history: provenance,
        records: records
            .iter()
            .map(|s| Line {
                hash: &s.hash,
                record: &s.record,
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut out, &export).map_err(|e| e.to_string())?;
    writeln!(out).map_err(|e| e.to_string())
}

pub fn markdown(
    mut out: impl Write,
    rules: &RuleSet,
    records: &[&Stored],
    provenance: &Provenance,
) -> Result<(), String> {
    let mut text = String::new();
    text.push_str("# Screening history export\n\n");
    text.push_str(&format!("- History: `{}`\n", provenance.path));
    text.push_str(&format!(
        "- Head hash: `{}` ({} records in the history)\n",
        provenance.head, provenance.records
    ));
    text.push_str(&format!(
        "- Records in this export: {}\n",
        provenance.exported
    ));
    text.push_str(&format!("- Exported at: {}\n", provenance.exported_at));
    for stored in records {
        let r = &stored.record;
        let d = &r.screening.determination;
        let reference = sanitize(&r.screening.details.reference);
        text.push_str(&format!(
            "\n## {} - {} - {}\n\n",
            r.id,
            d.date,
            if reference.is_empty() {
                "(no reference)"
            } else {
                &reference
            }
        ));
        text.push_str(&format!(
            "- Saved: {} ({}), record hash `{}`\n",
            r.saved_at,
            r.kind.label(),
            stored.hash
        ));
        if let Some(original) = &r.supersedes {
            text.push_str(&format!("- Supersedes: {original}\n"));
        }
        if let Some(outcome) = r.override_outcome {
            text.push_str(&format!(
                "- **Officer override: {} {}** (engine: {})\n",
                outcome.symbol(),
                outcome.label(),
                d.outcome.label()
            ));
        }
        if let Some(reason) = &r.reason {
            text.push_str(&format!("- Reason: {}\n", sanitize(reason)));
        }
        text.push_str("\n```text\n");
        text.push_str(&report::of(rules, d, report::Detail::Concise).replace("```", "'''"));
        text.push_str("```\n");
    }
    out.write_all(text.as_bytes()).map_err(|e| e.to_string())
}

