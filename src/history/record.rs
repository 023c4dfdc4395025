//! One line of the history: a screening as it was decided, with who, when, under which rule
//! set and program, what it supersedes, and its link in the hash chain.
//!
//! A line is `{"hash":"<hex>","record":{...}}`. The hash is SHA-256 over the previous record's
//! hash followed by the exact bytes of `record` as written, so verifying never depends on
//! re-serialising: an edited byte anywhere breaks the chain. This program writes the line in
//! one fixed shape (hash first, `prev` last), so [`link_of`] finds the hash, the record's bytes
//! and `prev` without parsing the JSON.
//!
//! A schema-2 record stores the answers, the record fields, who saved it, the determination's
//! essentials ([`Decision`]) and the rule set's id, version and SHA-256; the rule set itself is
//! kept once beside the history (`snapshot.rs`), so the full determination, with its trace, is
//! rebuilt from it on reading. Schema-1 records (whole determinations with clause texts) are
//! read by `v1.rs`.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

use super::approval::Verdict;
use super::licence::{Licence, LicenceRecord};
use super::v1;
use crate::engine::{
    Answers, ByAnswer, ClauseResult, ClauseStatus, Determination, Duty, Flag, LicenceNeed,
    OpenAnswer, Range, Role, Scenario,
};
use crate::identity::Identity;
use crate::rules::{Outcome, RuleSet, RuleSetInfo};
use crate::screening::{Details, Screening};

/// The record format this program writes. A line with a higher version is skipped and
/// reported, never misread.
pub const SCHEMA_VERSION: u32 = 2;

/// The `prev` of the first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Longest line read as a record; a longer one (a crash can leave megabytes of NULs) is
/// reported as unreadable without being held in memory.
pub const MAX_LINE: usize = 4 << 20;

/// Why a record exists.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// A screening decided by the engine.
    #[default]
    Screening,
    /// A past record's answers screened again under the current rules.
    Rescreen,
    /// An officer's decision that replaces the engine's outcome, with a reason.
    Override,
    /// A licence granted or refused, recorded about a case: never its current record.
    Licence,
    /// A second officer's approval or rejection of a record: never a case's current record.
    Approval,
}

impl RecordKind {
    pub fn label(self) -> &'static str {
        match self {
            RecordKind::Screening => "screening",
            RecordKind::Rescreen => "re-screen",
            RecordKind::Override => "override",
            RecordKind::Licence => "licence",
            RecordKind::Approval => "approval",
        }
    }

    /// Whether a record of this kind can be a case's current record (a licence only points
    /// at one).
    pub fn stands_for_case(self) -> bool {
        !matches!(self, RecordKind::Licence | RecordKind::Approval)
    }
}

/// How the determination of a record read back was obtained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rebuilt {
    /// Re-run from the rule set it was decided under; the essentials match the stored ones.
    FromSnapshot,
    /// Only the essentials the line stores (no trace, no context clauses): enough for lists,
    /// filters, exports and impact, which never need more.
    Essentials,
    /// The rule-set snapshot named by the record is missing (or unreadable): the essentials
    /// only, and why.
    SnapshotMissing(String),
    /// Re-run from the snapshot, but the result differs from what was stored (a changed
    /// engine): the stored essentials are shown, and what differs.
    Mismatch(String),
    /// A schema-1 record, written before rule sets were kept: its stored determination.
    SchemaOne,
}

impl Rebuilt {
    /// What a reader of the record must be told, if anything.
    pub fn note(&self) -> Option<String> {
        match self {
            Rebuilt::FromSnapshot | Rebuilt::Essentials => None,
            Rebuilt::SnapshotMissing(why) => Some(format!(
                "The rule set this record was decided under is gone ({why}): shown from what the record stores (outcome, clauses and statuses), without the why-trace; clause texts are from the current rules."
            )),
            Rebuilt::Mismatch(what) => Some(format!(
                "Re-running this record under its own rule set gives a different result ({what}): shown as stored."
            )),
            Rebuilt::SchemaOne => Some(
                "Saved by an earlier ree-screen (schema 1) that kept no copy of the rule set: shown from what the record stores; clause texts are from the current rules.".to_string(),
            ),
        }
    }
}

/// A record read back. `screening.determination` is complete when `rebuilt` is
/// `FromSnapshot`; otherwise it holds what the line stores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub schema: u32,
    pub id: String,
    /// When it was saved, UTC.
    pub saved_at: Timestamp,
    pub program_version: String,
    pub kind: RecordKind,
    /// The record this one re-screens or overrides.
    pub supersedes: Option<String>,
    /// The officer's reason (required for an override).
    pub reason: Option<String>,
    /// The outcome the officer decided, for an override; the engine's stays in `screening`.
    pub override_outcome: Option<Outcome>,
    /// For a licence record: the licence, and the record it was recorded about (whose
    /// screening it carries).
    pub licence: Option<LicenceRecord>,
    /// For an approval record: the record decided on, and the decision.
    pub approval: Option<(String, Verdict)>,
    /// Who saved it: the operating-system user and SSH client, beside the officer typed.
    pub identity: Identity,
    pub screening: Screening,
    pub rebuilt: Rebuilt,
    /// Hash of the previous record in the file (`GENESIS` for the first).
    pub prev: String,
}

impl Record {
    /// The outcome that stands for this record: the officer's override, else the engine's.
    pub fn effective_outcome(&self) -> Outcome {
        self.override_outcome
            .unwrap_or(self.screening.determination.outcome)
    }

    /// The SHA-256 of the rule set it was decided under (empty for schema 1).
    pub fn rule_set_sha256(&self) -> &str {
        &self.screening.determination.rule_set.sha256
    }
}

/// What a schema-2 record stores of a determination: enough to list, filter, export and
/// compare it, and to check a rebuild from the rule set against. Context clauses, texts,
/// notes, the fired rules and the trace are left to the rule-set snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub date: Date,
    pub outcome: Outcome,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub provisional: bool,
    /// The best outcome over the open answers' values, when it differs from `outcome`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub best: Option<Outcome>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub decided_by: Vec<String>,
    /// Every clause but context clauses: id, role, effect and status.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clauses: Vec<StoredClause>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        with = "tuples::licences"
    )]
    pub licences: Vec<LicenceNeed>,
    /// The rules whose duty stands, with their clauses (the duty's words are the rule's).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub duties: Vec<StoredDuty>,
    #[serde(default, skip_serializing_if = "Vec::is_empty", with = "tuples::open")]
    pub open: Vec<OpenAnswer>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        with = "tuples::by_answer"
    )]
    pub by_answer: Vec<ByAnswer>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        with = "tuples::scenarios"
    )]
    pub scenarios: Vec<Scenario>,
    /// Ids of the clauses and rules flagged "verify".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub verify: Vec<String>,
    /// Ids of the clauses whose status no source confirms.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unverified: Vec<String>,
    /// The class each answer given as a catalogue item was screened as.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub classes: std::collections::BTreeMap<String, String>,
    /// The listed parties the names matched, as decided (with the officer's confirmations
    /// and dismissals), and the party lists screened against.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parties: Vec<crate::parties::PartyFinding>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub party_lists: Vec<String>,
}

/// The essentials' lists as JSON arrays rather than objects: a provisional screening lists
/// an outcome per value of each open answer, and field names would double the line.
mod tuples {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::engine::{ByAnswer, LicenceNeed, OpenAnswer, ValueOutcome};
    use crate::rules::{LicenceKind, Outcome, Party};

    /// `[question, [[value, outcome, [clause, ...]], ...]]` per open answer.
    pub mod by_answer {
        use super::*;

        type Stored = (String, Vec<(String, Outcome, Vec<String>)>);

        pub fn serialize<S: Serializer>(list: &[ByAnswer], s: S) -> Result<S::Ok, S::Error> {
            let stored: Vec<Stored> = list
                .iter()
                .map(|b| {
                    let values = b
                        .values
                        .iter()
                        .map(|v| (v.value.clone(), v.outcome, v.decided_by.clone()))
                        .collect();
                    (b.question.clone(), values)
                })
                .collect();
            stored.serialize(s)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<ByAnswer>, D::Error> {
            let stored = Vec::<Stored>::deserialize(d)?;
            Ok(stored
                .into_iter()
                .map(|(question, values)| ByAnswer {
                    question,
                    values: values
                        .into_iter()
                        .map(|(value, outcome, decided_by)| ValueOutcome {
                            value,
                            outcome,
                            decided_by,
                        })
                        .collect(),
                })
                .collect())
        }
    }

    /// `[question, given or null]` per open answer.
    pub mod open {
        use super::*;

        pub fn serialize<S: Serializer>(list: &[OpenAnswer], s: S) -> Result<S::Ok, S::Error> {
            let stored: Vec<(&str, Option<&str>)> = list
                .iter()
                .map(|o| (o.question.as_str(), o.given.as_deref()))
                .collect();
            stored.serialize(s)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<OpenAnswer>, D::Error> {
            let stored = Vec::<(String, Option<String>)>::deserialize(d)?;
            Ok(stored
                .into_iter()
                .map(|(question, given)| OpenAnswer { question, given })
                .collect())
        }
    }

    /// `[id, [measure, ...], outcome, [clause, ...]]` per scenario.
    pub mod scenarios {
        use super::*;
        use crate::engine::Scenario;

        type Stored = (String, Vec<String>, Outcome, Vec<String>);

        pub fn serialize<S: Serializer>(list: &[Scenario], s: S) -> Result<S::Ok, S::Error> {
            let stored: Vec<Stored> = list
                .iter()
                .map(|x| {
                    (
                        x.id.clone(),
                        x.measures.clone(),
                        x.outcome,
                        x.decided_by.clone(),
                    )
                })
                .collect();
            stored.serialize(s)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Scenario>, D::Error> {
            let stored = Vec::<Stored>::deserialize(d)?;
            Ok(stored
                .into_iter()
                .map(|(id, measures, outcome, decided_by)| Scenario {
                    id,
                    measures,
                    outcome,
                    decided_by,
                })
                .collect())
        }
    }

    /// `[kind, obtained by, outcome, [rule, ...], [clause, ...]]` per licence.
    pub mod licences {
        use super::*;

        type Stored = (LicenceKind, Party, Outcome, Vec<String>, Vec<String>);

        pub fn serialize<S: Serializer>(list: &[LicenceNeed], s: S) -> Result<S::Ok, S::Error> {
            let stored: Vec<Stored> = list
                .iter()
                .map(|l| {
                    (
                        l.kind,
                        l.obtained_by,
                        l.outcome,
                        l.rules.clone(),
                        l.clauses.clone(),
                    )
                })
                .collect();
            stored.serialize(s)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<LicenceNeed>, D::Error> {
            let stored = Vec::<Stored>::deserialize(d)?;
            Ok(stored
                .into_iter()
                .map(|(kind, obtained_by, outcome, rules, clauses)| LicenceNeed {
                    kind,
                    obtained_by,
                    outcome,
                    rules,
                    clauses,
                })
                .collect())
        }
    }
}

/// A clause as a record stores it: [`ClauseResult`] without its context-clause siblings,
/// written as `[id, role, effect or null, status]`. The status is one short string (see
/// [`status_text`]): a record holds a few of them, and field names would double its size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "ClauseTuple", try_from = "ClauseTuple")]
pub struct StoredClause {
    pub id: String,
    pub role: Role,
    pub effect: Option<Outcome>,
    pub status: ClauseStatus,
    pub unconfirmed: bool,
}

#[derive(Serialize, Deserialize)]
struct ClauseTuple(String, Role, Option<Outcome>, String);

impl From<StoredClause> for ClauseTuple {
    fn from(c: StoredClause) -> ClauseTuple {
        let status = status_text(&c.status, c.unconfirmed);
        ClauseTuple(c.id, c.role, c.effect, status)
    }
}

impl TryFrom<ClauseTuple> for StoredClause {
    type Error = String;

    fn try_from(ClauseTuple(id, role, effect, text): ClauseTuple) -> Result<StoredClause, String> {
        let (status, unconfirmed) = parse_status(&text)?;
        Ok(StoredClause {
            id,
            role,
            effect,
            status,
            unconfirmed,
        })
    }
}

/// A clause status in a few characters: `in_force 2025-04-04`, with a lapsed suspension
/// `in_force 2025-10-09 lapsed 2026-11-10 no70-suspension`, `not_yet 2025-12-01`,
/// `suspended 2025-11-07 2026-11-10 no70-suspension`, `ended 2026-11-10`; a trailing ` ?`
/// when no source confirms it on the screening date.
pub fn status_text(status: &ClauseStatus, unconfirmed: bool) -> String {
    let mut text = match status {
        ClauseStatus::InForce { since, lapsed } => match lapsed {
            None => format!("in_force {since}"),
            Some(l) => format!("in_force {since} lapsed {} {}", l.until, l.by),
        },
        ClauseStatus::NotYetEffective { from } => format!("not_yet {from}"),
        ClauseStatus::Suspended { from, until, by } => format!("suspended {from} {until} {by}"),
        ClauseStatus::Ended { last_day } => format!("ended {last_day}"),
    };
    if unconfirmed {
        text.push_str(" ?");
    }
    text
}

/// The status [`status_text`] wrote, and whether it was unconfirmed.
pub fn parse_status(text: &str) -> Result<(ClauseStatus, bool), String> {
    let mut words: Vec<&str> = text.split(' ').collect();
    let unconfirmed = words.last() == Some(&"?");
    if unconfirmed {
        words.pop();
    }
    let bad = || format!("not a clause status: \"{text}\"");
    let date = |w: &str| w.parse::<Date>().map_err(|_| bad());
    let status = match words.as_slice() {
        ["in_force", since] => ClauseStatus::InForce {
            since: date(since)?,
            lapsed: None,
        },
        ["in_force", since, "lapsed", until, by] => ClauseStatus::InForce {
            since: date(since)?,
            lapsed: Some(crate::engine::Lapsed {
                until: date(until)?,
                by: (*by).to_string(),
            }),
        },
        ["not_yet", from] => ClauseStatus::NotYetEffective { from: date(from)? },
        ["suspended", from, until, by] => ClauseStatus::Suspended {
            from: date(from)?,
            until: date(until)?,
            by: (*by).to_string(),
        },
        ["ended", last_day] => ClauseStatus::Ended {
            last_day: date(last_day)?,
        },
        _ => return Err(bad()),
    };
    Ok((status, unconfirmed))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredDuty {
    pub rule: String,
    pub clauses: Vec<String>,
}

impl Decision {
    /// The essentials of a determination.
    pub fn of(d: &Determination) -> Decision {
        let ids = |flags: &[Flag]| flags.iter().map(|f| f.id.clone()).collect();
        Decision {
            date: d.date,
            outcome: d.outcome,
            provisional: d.provisional,
            best: (d.range.best != d.outcome).then_some(d.range.best),
            decided_by: d.decided_by.clone(),
            clauses: d
                .clauses
                .iter()
                .filter(|c| c.role != Role::Context)
                .map(|c| StoredClause {
                    id: c.id.clone(),
                    role: c.role,
                    effect: c.effect,
                    status: c.status.clone(),
                    unconfirmed: !c.confirmed,
                })
                .collect(),
            licences: d.licences.clone(),
            duties: d
                .duties
                .iter()
                .map(|x| StoredDuty {
                    rule: x.rule.clone(),
                    clauses: x.clauses.clone(),
                })
                .collect(),
            open: d.open.clone(),
            by_answer: d.by_answer.clone(),
            scenarios: d.scenarios.clone(),
            verify: ids(&d.verify),
            unverified: ids(&d.unverified),
            classes: d.classes.clone(),
            parties: d.parties.clone(),
            party_lists: d.party_lists.clone(),
        }
    }

    /// A determination from the essentials alone (no trace, no context clauses). Duty words
    /// and flag notes come from `rules` where it knows the id (the rule set the record was
    /// decided under, or the current one when that is gone).
    pub fn determination(
        &self,
        answers: Answers,
        rule_set: RuleSetInfo,
        rules: Option<&RuleSet>,
    ) -> Determination {
        let note_of = |id: &str| {
            rules
                .and_then(|r| r.verify_note(id))
                .unwrap_or_else(|| "flagged when decided; the note is in the rule set".to_string())
        };
        Determination {
            date: self.date,
            answers,
            classes: self.classes.clone(),
            outcome: self.outcome,
            provisional: self.provisional,
            open: self.open.clone(),
            range: Range {
                best: self.best.unwrap_or(self.outcome),
                worst: self.outcome,
            },
            by_answer: self.by_answer.clone(),
            not_expanded: Vec::new(),
            decided_by: self.decided_by.clone(),
            licences: self.licences.clone(),
            duties: self
                .duties
                .iter()
                .map(|x| Duty {
                    rule: x.rule.clone(),
                    text: rules
                        .and_then(|r| {
                            r.rules
                                .iter()
                                .find(|y| y.id == x.rule.split('/').next().unwrap_or(&x.rule))
                        })
                        .and_then(|y| y.duty.clone())
                        .unwrap_or_else(|| format!("the duty of rule {}", x.rule)),
                    clauses: x.clauses.clone(),
                })
                .collect(),
            clauses: self
                .clauses
                .iter()
                .map(|c| ClauseResult {
                    id: c.id.clone(),
                    role: c.role,
                    effect: c.effect,
                    status: c.status.clone(),
                    confirmed: !c.unconfirmed,
                })
                .collect(),
            rules: Vec::new(),
            trace: Vec::new(),
            scenarios: self.scenarios.clone(),
            verify: self
                .verify
                .iter()
                .map(|id| Flag {
                    id: id.clone(),
                    note: note_of(id),
                })
                .collect(),
            unverified: self
                .unverified
                .iter()
                .map(|id| Flag {
                    id: id.clone(),
                    note: "no source confirms its status on the screening date".to_string(),
                })
                .collect(),
            rule_set,
            parties: self.parties.clone(),
            party_lists: self.party_lists.clone(),
        }
    }

    /// What differs between two sets of essentials, in a few words (for a rebuild check).
    pub fn differences(&self, other: &Decision) -> String {
        let mut out = Vec::new();
        if self.outcome != other.outcome {
            out.push(format!(
                "outcome {} then, {} now",
                self.outcome, other.outcome
            ));
        }
        if self.decided_by != other.decided_by {
            out.push(format!(
                "decided by {} then, {} now",
                self.decided_by.join(", "),
                other.decided_by.join(", ")
            ));
        }
        if self.clauses != other.clauses {
            out.push("clause roles or statuses differ".to_string());
        }
        if out.is_empty() {
            out.push("details of the essentials differ".to_string());
        }
        out.join("; ")
    }
}

/// How a multi-record append is framed, so a reader can tell a finished batch from one a
/// crash cut short: every record of it names the byte offset where the batch starts, its
/// position and the batch's size, written `[start, n, of]`. A batch whose last record is
/// missing never counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "(u64, u64, u64)", from = "(u64, u64, u64)")]
pub struct Batch {
    pub start: u64,
    pub n: u64,
    pub of: u64,
}

impl From<Batch> for (u64, u64, u64) {
    fn from(b: Batch) -> (u64, u64, u64) {
        (b.start, b.n, b.of)
    }
}

impl From<(u64, u64, u64)> for Batch {
    fn from((start, n, of): (u64, u64, u64)) -> Batch {
        Batch { start, n, of }
    }
}

/// Bytes a crash left unusable at the end of the history (a torn line, a batch cut short),
/// acknowledged by the first record appended after it, inside the chain: verify then knows
/// they are not an insertion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acknowledged {
    pub offset: u64,
    pub bytes: u64,
}

/// The line-level framing of a record: what readers and verify need besides the record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Frame {
    pub batch: Option<Batch>,
    pub acknowledges: Option<Acknowledged>,
}

/// A schema-2 record as written, field by field (`prev` last, for [`link_of`]).
#[derive(Serialize, Deserialize)]
struct LineRecord<'a> {
    schema: u32,
    id: std::borrow::Cow<'a, str>,
    saved_at: Timestamp,
    program_version: std::borrow::Cow<'a, str>,
    /// Left out for a screening, the usual kind.
    #[serde(default, skip_serializing_if = "is_screening")]
    kind: RecordKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    supersedes: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    override_outcome: Option<Outcome>,
    /// For a licence record, the record it is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    about: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    licence: Option<Licence>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    verdict: Option<Verdict>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    batch: Option<Batch>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    acknowledges: Option<Acknowledged>,
    #[serde(default)]
    identity: Identity,
    #[serde(borrow)]
    answers: &'a RawValue,
    #[serde(serialize_with = "non_empty_fields")]
    details: Details,
    #[serde(borrow)]
    decision: &'a RawValue,
    rule_set: RuleSetInfo,
    prev: std::borrow::Cow<'a, str>,
}

fn is_screening(kind: &RecordKind) -> bool {
    *kind == RecordKind::Screening
}

/// Record fields without the empty ones (each reads back as empty).
fn non_empty_fields<S: serde::Serializer>(d: &Details, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let fields = [
        ("reference", &d.reference),
        ("counterparty", &d.counterparty),
        ("end_user", &d.end_user),
        ("officer", &d.officer),
        ("notes", &d.notes),
        ("copied_from", &d.copied_from),
    ];
    let mut map = s.serialize_map(None)?;
    for (name, value) in fields.iter().filter(|(_, v)| !v.is_empty()) {
        map.serialize_entry(name, value)?;
    }
    map.end()
}

/// One record to encode: everything but the determination's JSON, which a batch makes once
/// per distinct determination (see [`EncodedDecision`]).
pub(crate) struct Draft<'a> {
    pub id: &'a str,
    pub saved_at: Timestamp,
    pub kind: RecordKind,
    pub supersedes: Option<String>,
    pub reason: Option<String>,
    pub override_outcome: Option<Outcome>,
    pub licence: Option<&'a (String, Licence)>,
    pub approval: Option<&'a (String, Verdict)>,
    pub frame: Frame,
    pub identity: &'a Identity,
    pub details: &'a Details,
    pub prev: &'a str,
}

/// A determination's answers, essentials and rule set, serialised once.
pub(crate) struct EncodedDecision {
    answers: Box<RawValue>,
    decision: Box<RawValue>,
    rule_set: RuleSetInfo,
}

impl EncodedDecision {
    pub fn of(d: &Determination) -> Result<EncodedDecision, serde_json::Error> {
        Ok(EncodedDecision {
            answers: serde_json::value::to_raw_value(&d.answers)?,
            decision: serde_json::value::to_raw_value(&Decision::of(d))?,
            rule_set: d.rule_set.clone(),
        })
    }
}

/// Serialise a record as one history line (with its trailing newline) and return its hash.
pub(crate) fn encode(
    draft: &Draft,
    decision: &EncodedDecision,
) -> Result<(String, String), serde_json::Error> {
    let record = LineRecord {
        schema: SCHEMA_VERSION,
        id: draft.id.into(),
        saved_at: draft.saved_at,
        program_version: env!("CARGO_PKG_VERSION").into(),
        kind: draft.kind,
        supersedes: draft.supersedes.clone(),
        reason: draft.reason.clone(),
        override_outcome: draft.override_outcome,
        about: draft
            .licence
            .map(|(about, _)| about)
            .or(draft.approval.map(|(about, _)| about))
            .cloned(),
        licence: draft.licence.map(|(_, licence)| licence.clone()),
        verdict: draft.approval.map(|(_, verdict)| *verdict),
        batch: draft.frame.batch,
        acknowledges: draft.frame.acknowledges,
        identity: draft.identity.clone(),
        answers: &decision.answers,
        details: draft.details.clone(),
        decision: &decision.decision,
        rule_set: decision.rule_set.clone(),
        prev: draft.prev.into(),
    };
    let body = serde_json::to_string(&record)?;
    let hash = chain_hash(draft.prev, body.as_bytes());
    Ok((format!("{{\"hash\":\"{hash}\",\"record\":{body}}}\n"), hash))
}

/// SHA-256 of `prev` followed by the record's bytes, as lower-case hex.
pub fn chain_hash(prev: &str, record_bytes: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(prev.as_bytes());
    hasher.update(record_bytes);
    format!("{:x}", hasher.finalize())
}

/// What is wrong with a line that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineProblem {
    /// Not a history line at all (torn write, garbage, another program's data).
    Unreadable(String),
    /// Written by a newer program; left alone.
    NewerSchema(u32),
    /// The stored hash does not match the record's bytes: the line was edited.
    HashMismatch { stored: String, computed: String },
    /// Longer than any record this program writes.
    TooLong(u64),
}

impl std::fmt::Display for LineProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LineProblem::Unreadable(why) => write!(f, "not a readable history record ({why})"),
            LineProblem::NewerSchema(v) => write!(
                f,
                "written by a newer ree-screen (schema {v}; this one reads up to {SCHEMA_VERSION})"
            ),
            LineProblem::HashMismatch { stored, computed } => write!(
                f,
                "record was altered: stored hash {stored} but its bytes hash to {computed}"
            ),
            LineProblem::TooLong(bytes) => write!(
                f,
                "a line of {bytes} bytes, longer than any record ({MAX_LINE} bytes at most): not a record (a crash can leave such a run of bytes)"
            ),
        }
    }
}

/// A line's place in the chain, found without parsing the JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Link<'a> {
    pub hash: &'a str,
    pub prev: &'a str,
    /// The record's bytes exactly as written.
    pub record: &'a [u8],
}

const HEAD: &[u8] = b"{\"hash\":\"";
const RECORD_KEY: &[u8] = b"\",\"record\":";
const PREV_KEY: &[u8] = b",\"prev\":\"";

fn is_hex64(bytes: &[u8]) -> bool {
    bytes.len() == 64 && bytes.iter().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The hash, `prev` and record bytes of a line in the shape this program writes
/// (`{"hash":"<64 hex>","record":{...,"prev":"<64 hex>"}}`), or None. Only the shape is
/// checked here; [`check_link`] checks the hash.
pub fn link_of(line: &[u8]) -> Option<Link<'_>> {
    let hash_end = HEAD.len() + 64;
    let record_start = hash_end + RECORD_KEY.len();
    if line.len() < record_start + PREV_KEY.len() + 68
        || !line.starts_with(HEAD)
        || &line[hash_end..record_start] != RECORD_KEY
        || line.last() != Some(&b'}')
    {
        return None;
    }
    let hash = &line[HEAD.len()..hash_end];
    let record = &line[record_start..line.len() - 1];
    // The record ends `,"prev":"<64 hex>"}`: unescaped quotes cannot sit inside a string,
    // so in a record that hashes right this is its own `prev` field.
    let tail = &record[record.len() - (PREV_KEY.len() + 66)..];
    let prev = &tail[PREV_KEY.len()..PREV_KEY.len() + 64];
    if !is_hex64(hash) || !tail.starts_with(PREV_KEY) || !tail.ends_with(b"\"}") || !is_hex64(prev)
    {
        return None;
    }
    Some(Link {
        // Both are ASCII hex, checked above.
        hash: std::str::from_utf8(hash).ok()?,
        prev: std::str::from_utf8(prev).ok()?,
        record,
    })
}

/// Whether a link's hash is that of its `prev` and bytes.
pub fn check_link(link: &Link) -> Result<(), LineProblem> {
    let mut hasher = Sha256::new();
    hasher.update(link.prev.as_bytes());
    hasher.update(link.record);
    let computed = hasher.finalize();
    let mut stored = [0u8; 32];
    for (i, byte) in stored.iter_mut().enumerate() {
        let pair = &link.hash[2 * i..2 * i + 2];
        *byte =
            u8::from_str_radix(pair, 16).map_err(|_| LineProblem::Unreadable("bad hash".into()))?;
    }
    if computed.as_slice() == stored {
        Ok(())
    } else {
        Err(LineProblem::HashMismatch {
            stored: link.hash.to_string(),
            computed: format!("{computed:x}"),
        })
    }
}

/// The batch and acknowledgement framing of a record's bytes, found without parsing the
/// whole record (both sit before the record fields that hold user text).
pub fn frame_of(record: &[u8]) -> Frame {
    #[derive(Deserialize)]
    struct Framed {
        #[serde(default)]
        batch: Option<Batch>,
        #[serde(default)]
        acknowledges: Option<Acknowledged>,
    }
    let has = |key: &[u8]| memchr::memmem::find(record, key).is_some();
    if !has(b"\"batch\":[") && !has(b"\"acknowledges\":{") {
        return Frame::default();
    }
    serde_json::from_slice::<Framed>(record)
        .map(|f| Frame {
            batch: f.batch,
            acknowledges: f.acknowledges,
        })
        .unwrap_or_default()
}

/// The schema version of a record's bytes.
fn schema_of(record: &[u8]) -> Result<u32, LineProblem> {
    #[derive(Deserialize)]
    struct Version {
        schema: u32,
    }
    serde_json::from_slice::<Version>(record)
        .map(|v| v.schema)
        .map_err(|e| LineProblem::Unreadable(crate::json::strip_position(&e.to_string())))
}

/// Parse one line and check its own hash (not yet its link to the previous line). The
/// determination holds the stored essentials (`Rebuilt::Essentials`, or `SchemaOne`).
pub fn decode(line: &[u8]) -> Result<(Record, String), LineProblem> {
    let link = link_of(line).ok_or_else(|| {
        LineProblem::Unreadable(if line.starts_with(HEAD) {
            "cut short or not in the shape ree-screen writes".to_string()
        } else {
            "not a history line".to_string()
        })
    })?;
    check_link(&link)?;
    let record = decode_record(link.record)?;
    Ok((record, link.hash.to_string()))
}

/// Parse a record's bytes (already checked against their hash).
pub fn decode_record(bytes: &[u8]) -> Result<Record, LineProblem> {
    let unreadable =
        |e: serde_json::Error| LineProblem::Unreadable(crate::json::strip_position(&e.to_string()));
    match schema_of(bytes)? {
        1 => v1::decode(bytes).map_err(unreadable),
        SCHEMA_VERSION => {
            let r: LineRecord = serde_json::from_slice(bytes).map_err(unreadable)?;
            let answers: Answers = serde_json::from_str(r.answers.get()).map_err(unreadable)?;
            let decision: Decision = serde_json::from_str(r.decision.get()).map_err(unreadable)?;
            let determination = decision.determination(answers, r.rule_set, None);
            let approval = r.about.clone().zip(r.verdict);
            let licence = r
                .about
                .zip(r.licence)
                .map(|(about, licence)| LicenceRecord {
                    id: r.id.to_string(),
                    about,
                    licence,
                });
            Ok(Record {
                schema: r.schema,
                id: r.id.into_owned(),
                saved_at: r.saved_at,
                program_version: r.program_version.into_owned(),
                kind: r.kind,
                supersedes: r.supersedes,
                reason: r.reason,
                override_outcome: r.override_outcome,
                licence,
                approval,
                identity: r.identity,
                screening: Screening {
                    determination: std::sync::Arc::new(determination),
                    details: r.details,
                },
                rebuilt: Rebuilt::Essentials,
                prev: r.prev.into_owned(),
            })
        }
        newer if newer > SCHEMA_VERSION => Err(LineProblem::NewerSchema(newer)),
        other => Err(LineProblem::Unreadable(format!("unknown schema {other}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn determination(answers: Answers) -> Determination {
        let rules = crate::rules::embedded().expect("rules");
        crate::engine::determine(&rules, &answers, "2025-10-20".parse().expect("date"))
    }

    #[test]
    fn clause_statuses_round_trip_in_a_few_characters() {
        let d = |t: &str| t.parse::<Date>().expect("date");
        let statuses = [
            ClauseStatus::InForce {
                since: d("2025-04-04"),
                lapsed: None,
            },
            ClauseStatus::InForce {
                since: d("2025-10-09"),
                lapsed: Some(crate::engine::Lapsed {
                    until: d("2026-11-10"),
                    by: "no70-suspension".into(),
                }),
            },
            ClauseStatus::NotYetEffective {
                from: d("2025-12-01"),
            },
            ClauseStatus::Suspended {
                from: d("2025-11-07"),
                until: d("2026-11-10"),
                by: "no70-suspension".into(),
            },
            ClauseStatus::Ended {
                last_day: d("2026-11-10"),
            },
        ];
        for status in statuses {
            for unconfirmed in [false, true] {
                let text = status_text(&status, unconfirmed);
                assert_eq!(
                    parse_status(&text),
                    Ok((status.clone(), unconfirmed)),
                    "{text}"
                );
            }
        }
        assert_eq!(
            status_text(
                &ClauseStatus::Ended {
                    last_day: d("2026-11-10")
                },
                true
            ),
            "ended 2026-11-10 ?"
        );
        assert!(parse_status("in_force yesterday").is_err());
    }

    #[test]
    fn essentials_round_trip_and_rebuild_without_the_rule_set() {
        let d = determination(
            Answers::new()
                .with("stage", "unknown")
                .with("origin", "china")
                .with("recipient", "civil"),
        );
        let decision = Decision::of(&d);
        let json = serde_json::to_string(&decision).expect("json");
        let back: Decision = serde_json::from_str(&json).expect("parse");
        assert_eq!(back, decision);
        let rebuilt = back.determination(d.answers.clone(), d.rule_set.clone(), None);
        assert_eq!(
            Decision::of(&rebuilt),
            decision,
            "essentials survive a rebuild"
        );
        assert!(rebuilt.trace.is_empty());
    }

    #[test]
    fn a_line_is_found_without_parsing_and_its_hash_checked() {
        let d = determination(Answers::new().with("stage", "mining"));
        let identity = Identity::default();
        let details = Details {
            notes: "a \",\"prev\":\"".to_string() + &"a".repeat(64) + "\"}",
            ..Details::default()
        };
        let draft = Draft {
            id: "x",
            saved_at: Timestamp::UNIX_EPOCH,
            kind: RecordKind::Override,
            supersedes: Some("y".into()),
            reason: Some("because".into()),
            override_outcome: Some(Outcome::Exempt),
            licence: None,
            approval: None,
            frame: Frame {
                batch: Some(Batch {
                    start: 7,
                    n: 1,
                    of: 2,
                }),
                acknowledges: None,
            },
            identity: &identity,
            details: &details,
            prev: GENESIS,
        };
        let (line, hash) = encode(&draft, &EncodedDecision::of(&d).expect("enc")).expect("line");
        let bytes = line.trim_end().as_bytes();
        let link = link_of(bytes).expect("shape");
        assert_eq!(link.hash, hash);
        assert_eq!(link.prev, GENESIS);
        check_link(&link).expect("hash holds");
        assert_eq!(
            frame_of(link.record).batch,
            Some(Batch {
                start: 7,
                n: 1,
                of: 2
            })
        );
        let (record, _) = decode(bytes).expect("decodes");
        assert_eq!(record.screening.details, details);
        assert_eq!(record.override_outcome, Some(Outcome::Exempt));
        assert_eq!(
            Decision::of(&record.screening.determination),
            Decision::of(&d)
        );
        let edited = line.replacen("because", "becausf", 1);
        assert!(matches!(
            decode(edited.trim_end().as_bytes()),
            Err(LineProblem::HashMismatch { .. })
        ));
        assert!(link_of(&bytes[..bytes.len() - 3]).is_none(), "a cut line");
    }
}
