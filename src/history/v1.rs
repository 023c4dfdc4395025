//! Schema-1 records, written by ree-screen before questions became data: the determination
//! stored whole (three answers, every clause with its text and status). They stay in the
//! chain as written and are read into today's model:
//!
//! - answers: `stage`, `origin` and `recipient` keep their ids (v1's `china` origin and
//!   `listed_entity` recipient are today's groups of the same ids); the questions v1 never
//!   asked (production line, goods, destination country) are absent, i.e. not asked;
//! - v1's free-text destination is kept in the notes as `Destination (as typed): ...`, so it
//!   stays visible, searchable and exported;
//! - each clause's role comes from whether it applied and whether its outcome is the result;
//!   v1's "unverified" status is read as in force on the screening date, unconfirmed.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::Deserialize;

use super::record::{Rebuilt, Record, RecordKind};
use crate::engine::{
    Answers, ClauseResult, ClauseStatus, Determination, Flag, OpenAnswer, Range, Role,
};
use crate::rules::{Outcome, RuleSetInfo, UNKNOWN};
use crate::screening::{Details, Screening};

/// The label under which v1's free-text destination is kept in the notes.
pub const DESTINATION_NOTE: &str = "Destination (as typed): ";

#[derive(Deserialize)]
struct RecordV1 {
    id: String,
    saved_at: Timestamp,
    program_version: String,
    kind: RecordKind,
    #[serde(default)]
    supersedes: Option<String>,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    override_outcome: Option<Outcome>,
    screening: ScreeningV1,
    prev: String,
}

#[derive(Deserialize)]
struct ScreeningV1 {
    outcome: Outcome,
    provisional: bool,
    #[serde(default)]
    missing: Vec<String>,
    date: Date,
    answers: AnswersV1,
    #[serde(default)]
    clauses: Vec<ClauseV1>,
    rule_set: RuleSetInfoV1,
    details: DetailsV1,
}

#[derive(Deserialize)]
struct AnswersV1 {
    stage: String,
    origin: String,
    recipient: String,
}

#[derive(Deserialize)]
struct RuleSetInfoV1 {
    id: String,
    version: String,
    reviewed: Date,
}

#[derive(Deserialize)]
struct DetailsV1 {
    #[serde(default)]
    reference: String,
    #[serde(default)]
    counterparty: String,
    #[serde(default)]
    destination: String,
    #[serde(default)]
    officer: String,
    #[serde(default)]
    notes: String,
}

#[derive(Deserialize)]
struct ClauseV1 {
    id: String,
    #[serde(flatten)]
    status: StatusV1,
    outcome: Outcome,
    applies: bool,
    #[serde(default)]
    verify: bool,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
enum StatusV1 {
    InForce { since: Date },
    NotYetEffective { from: Date },
    Suspended { from: Date, until: Date, by: String },
    Unverified {},
    Expired { until: Date },
}

/// Read a schema-1 record's bytes into today's model.
pub fn decode(bytes: &[u8]) -> Result<Record, serde_json::Error> {
    let r: RecordV1 = serde_json::from_slice(bytes)?;
    let s = r.screening;
    let answers = Answers::new()
        .with("stage", &s.answers.stage)
        .with("origin", &s.answers.origin)
        .with("recipient", &s.answers.recipient);
    let clauses: Vec<ClauseResult> = s
        .clauses
        .iter()
        .map(|c| {
            let (status, confirmed) = match &c.status {
                StatusV1::InForce { since } => (
                    ClauseStatus::InForce {
                        since: *since,
                        lapsed: None,
                    },
                    true,
                ),
                StatusV1::NotYetEffective { from } => {
                    (ClauseStatus::NotYetEffective { from: *from }, true)
                }
                StatusV1::Suspended { from, until, by } => (
                    ClauseStatus::Suspended {
                        from: *from,
                        until: *until,
                        by: by.clone(),
                    },
                    true,
                ),
                StatusV1::Unverified {} => (
                    ClauseStatus::InForce {
                        since: s.date,
                        lapsed: None,
                    },
                    false,
                ),
                StatusV1::Expired { until } => (ClauseStatus::Ended { last_day: *until }, true),
            };
            let role = match (c.applies, c.outcome == s.outcome) {
                (true, true) => Role::Decisive,
                (true, false) => Role::Binding,
                (false, _) => Role::NotCounting,
            };
            ClauseResult {
                id: c.id.clone(),
                role,
                effect: Some(c.outcome),
                status,
                confirmed,
            }
        })
        .collect();
    let flags = |keep: &dyn Fn(&ClauseV1) -> bool, note: &dyn Fn(&ClauseV1) -> String| {
        s.clauses
            .iter()
            .filter(|c| keep(c))
            .map(|c| Flag {
                id: c.id.clone(),
                note: note(c),
            })
            .collect::<Vec<_>>()
    };
    let verify = flags(&|c| c.verify && c.applies, &|c| {
        c.note.clone().unwrap_or_default()
    });
    let unverified = flags(&|c| matches!(c.status, StatusV1::Unverified {}), &|_| {
        "no source confirmed its status on the screening date".to_string()
    });
    let determination = Determination {
        date: s.date,
        classes: Default::default(),
        outcome: s.outcome,
        provisional: s.provisional,
        open: s
            .missing
            .iter()
            .map(|q| OpenAnswer {
                question: q.clone(),
                given: Some(UNKNOWN.to_string()),
            })
            .collect(),
        range: Range {
            best: s.outcome,
            worst: s.outcome,
        },
        by_answer: Vec::new(),
        not_expanded: Vec::new(),
        decided_by: clauses
            .iter()
            .filter(|c| c.role == Role::Decisive)
            .map(|c| c.id.clone())
            .collect(),
        licences: Vec::new(),
        duties: Vec::new(),
        clauses,
        rules: Vec::new(),
        trace: Vec::new(),
        scenarios: Vec::new(),
        verify,
        unverified,
        answers,
        rule_set: RuleSetInfo {
            id: s.rule_set.id,
            version: s.rule_set.version,
            reviewed: s.rule_set.reviewed,
            sha256: String::new(),
        },
        parties: Vec::new(),
        party_lists: Vec::new(),
    };
    let d = s.details;
    let notes = match (d.notes.is_empty(), d.destination.is_empty()) {
        (_, true) => d.notes,
        (true, false) => format!("{DESTINATION_NOTE}{}", d.destination),
        (false, false) => format!("{}\n{DESTINATION_NOTE}{}", d.notes, d.destination),
    };
    Ok(Record {
        schema: 1,
        id: r.id,
        saved_at: r.saved_at,
        program_version: r.program_version,
        kind: r.kind,
        supersedes: r.supersedes,
        reason: r.reason,
        override_outcome: r.override_outcome,
        licence: None,
        approval: None,
        identity: Default::default(),
        screening: Screening {
            determination: std::sync::Arc::new(determination),
            details: Details {
                reference: d.reference,
                counterparty: d.counterparty,
                end_user: String::new(),
                officer: d.officer,
                notes,
                ..Details::default()
            },
        },
        rebuilt: Rebuilt::SchemaOne,
        prev: r.prev,
    })
}
