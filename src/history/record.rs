//! One line of the history: a screening as it was decided, with who, when, under which rule
//! set and program, what it supersedes, and its link in the hash chain.
//!
//! A line is `{"hash":"<hex>","record":{...}}`. The hash is SHA-256 over the previous record's
//! hash followed by the exact bytes of `record` as written, so verifying never depends on
//! re-serialising: an edited byte anywhere breaks the chain.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

use crate::identity::Identity;
use crate::rules::Outcome;
use crate::screening::Screening;

/// The record format this program writes. A line with a higher version is skipped and
/// reported, never misread.
pub const SCHEMA_VERSION: u32 = 2;

/// The `prev` of the first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Why a record exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// A screening decided by the engine.
    Screening,
    /// A past record's answers screened again under the current rules.
    Rescreen,
    /// An officer's decision that replaces the engine's outcome, with a reason.
    Override,
}

impl RecordKind {
    pub fn label(self) -> &'static str {
        match self {
            RecordKind::Screening => "screening",
            RecordKind::Rescreen => "re-screen",
            RecordKind::Override => "override",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub schema: u32,
    pub id: String,
    /// When it was saved, UTC.
    pub saved_at: Timestamp,
    pub program_version: String,
    pub kind: RecordKind,
    /// The record this one re-screens or overrides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supersedes: Option<String>,
    /// The officer's reason (required for an override).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The outcome the officer decided, for an override; the engine's stays in `screening`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub override_outcome: Option<Outcome>,
    /// Who saved it: the operating-system user and SSH client, beside the officer typed.
    #[serde(default)]
    pub identity: Identity,
    /// The determination exactly as shown, with the record fields.
    pub screening: Screening,
    /// Hash of the previous record in the file (`GENESIS` for the first).
    pub prev: String,
}

impl Record {
    /// The outcome that stands for this record: the officer's override, else the engine's.
    pub fn effective_outcome(&self) -> Outcome {
        self.override_outcome
            .unwrap_or(self.screening.determination.outcome)
    }
}

/// How a line is read: the record's bytes are kept exactly as written, for the hash.
#[derive(Deserialize)]
pub(crate) struct RawEnvelope<'a> {
    pub hash: String,
    #[serde(borrow)]
    pub record: &'a RawValue,
}

/// SHA-256 of `prev` followed by the record's bytes, as lower-case hex.
pub fn chain_hash(prev: &str, record_bytes: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(prev.as_bytes());
    hasher.update(record_bytes);
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Serialise a record as one history line (with its trailing newline) and return its hash.
pub fn encode(record: &Record) -> Result<(String, String), serde_json::Error> {
    let screening = serde_json::to_string(&record.screening)?;
    encode_with(record, &screening)
}

/// `encode` with the screening already serialised, so a batch serialises each distinct
/// determination once. The line is assembled as text (no re-parsing of the screening's
/// JSON); the bytes are the same as serde's output for the envelope.
pub(crate) fn encode_with(
    record: &Record,
    screening: &str,
) -> Result<(String, String), serde_json::Error> {
    /// `Record`'s fields before the screening, in `Record`'s order.
    #[derive(Serialize)]
    struct Head<'a> {
        schema: u32,
        id: &'a str,
        saved_at: Timestamp,
        program_version: &'a str,
        kind: RecordKind,
        #[serde(skip_serializing_if = "Option::is_none")]
        supersedes: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        reason: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        override_outcome: Option<Outcome>,
        identity: &'a Identity,
    }
    let mut body = serde_json::to_string(&Head {
        schema: record.schema,
        id: &record.id,
        saved_at: record.saved_at,
        program_version: &record.program_version,
        kind: record.kind,
        supersedes: record.supersedes.as_deref(),
        reason: record.reason.as_deref(),
        override_outcome: record.override_outcome,
        identity: &record.identity,
    })?;
    body.pop(); // the closing brace
    body.push_str(",\"screening\":");
    body.push_str(screening);
    body.push_str(",\"prev\":");
    body.push_str(&serde_json::to_string(&record.prev)?);
    body.push('}');
    let hash = chain_hash(&record.prev, body.as_bytes());
    let line = format!("{{\"hash\":\"{hash}\",\"record\":{body}}}\n");
    Ok((line, hash))
}

/// A screening serialised from its determination's JSON (the object without its closing
/// brace, computed once per determination) and its record fields.
pub(crate) fn splice_screening(
    determination: &str,
    details: &crate::screening::Details,
) -> Result<String, serde_json::Error> {
    let details = serde_json::to_string(details)?;
    Ok(format!(
        "{{\"determination\":{determination},\"details\":{details}}}"
    ))
}

/// What is wrong with a line that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineProblem {
    /// Not a history line at all (torn write, garbage, another program's data).
    Unreadable(String),
    /// Written by a newer program; left alone.
    NewerSchema(u32),
    /// The stored hash does not match the record's bytes: the line was edited.
    HashMismatch { stored: String, computed: String },
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
        }
    }
}

/// Parse one line and check its own hash (not yet its link to the previous line).
pub fn decode(line: &str) -> Result<(Record, String), LineProblem> {
    let envelope: RawEnvelope = serde_json::from_str(line)
        .map_err(|e| LineProblem::Unreadable(strip_position(&e.to_string())))?;
    #[derive(Deserialize)]
    struct Version {
        schema: u32,
    }
    let version: Version = serde_json::from_str(envelope.record.get())
        .map_err(|e| LineProblem::Unreadable(strip_position(&e.to_string())))?;
    if version.schema > SCHEMA_VERSION {
        return Err(LineProblem::NewerSchema(version.schema));
    }
    let record: Record = serde_json::from_str(envelope.record.get())
        .map_err(|e| LineProblem::Unreadable(strip_position(&e.to_string())))?;
    let computed = chain_hash(&record.prev, envelope.record.get().as_bytes());
    if computed != envelope.hash {
        return Err(LineProblem::HashMismatch {
            stored: envelope.hash,
            computed,
        });
    }
    Ok((record, envelope.hash))
}

/// A line's place in the chain: its `prev` and its own hash, checked against its bytes.
/// Works for records of any schema version, so a newer program's records keep the chain whole.
pub fn decode_link(line: &str) -> Option<(String, String)> {
    #[derive(Deserialize)]
    struct Prev {
        prev: String,
    }
    let envelope: RawEnvelope = serde_json::from_str(line).ok()?;
    let prev: Prev = serde_json::from_str(envelope.record.get()).ok()?;
    (chain_hash(&prev.prev, envelope.record.get().as_bytes()) == envelope.hash)
        .then_some((prev.prev, envelope.hash))
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Answers;
    use crate::screening::{Details, Screening};

    #[test]
    fn a_spliced_screening_writes_the_same_bytes() {
        let rules = crate::rules::embedded().expect("rules");
        let details = Details {
            reference: "PO-\"1\"".into(),
            counterparty: "深圳稀土有限公司".into(),
            ..Details::default()
        };
        let date = "2025-10-20".parse().expect("date");
        let screening = Screening::run(
            &rules,
            &Answers::new()
                .with("stage", "unknown")
                .with("origin", "china")
                .with("recipient", "civil"),
            date,
            details,
        );
        let record = Record {
            schema: SCHEMA_VERSION,
            id: "x".into(),
            saved_at: Timestamp::UNIX_EPOCH,
            program_version: "0".into(),
            kind: RecordKind::Override,
            supersedes: Some("y".into()),
            reason: Some("because".into()),
            override_outcome: Some(Outcome::Exempt),
            identity: Identity::default(),
            screening: screening.clone(),
            prev: GENESIS.into(),
        };
        let determination = serde_json::to_string(&*screening.determination).expect("json");
        let spliced = splice_screening(&determination, &screening.details).expect("splice");
        assert_eq!(
            encode_with(&record, &spliced).expect("spliced"),
            encode(&record).expect("plain")
        );
        let (line, _) = encode(&record).expect("plain");
        assert_eq!(decode(line.trim_end()).expect("decodes").0, record);
    }
}
