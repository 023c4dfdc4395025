//! One presenter for a stored record: its header (kind, when and by whom it was saved, what
//! it supersedes, the reason, an officer's override, the record fields, the rule set and
//! why it is not shown exactly as decided, the line's hash) and its determination as
//! decided, in typed parts sanitised once. `history show`, the Markdown export and the
//! form's record detail all render these parts; none formats a record itself.

use std::sync::Arc;

use jiff::Timestamp;
use jiff::civil::Date;

use super::approval::ApprovalState;
use super::licence::{Licence, LicenceRecord};
use super::record::{Record, RecordKind};
use super::snapshot::Snapshots;
use super::store::Stored;
use crate::present::{Presentation, present};
use crate::rules::{Outcome, RuleSet};
use crate::screening::Field;
use crate::text::sanitize;

/// A part of a record's header, in the order every front end shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Record,
    Kind,
    Saved,
    SavedBy,
    Supersedes,
    /// The earlier record a screening was started from.
    CopiedFrom,
    /// An officer's decision that replaces the engine's outcome.
    Override,
    Reason,
    /// On a licence record: the record it was recorded about.
    About,
    /// The licence held (or refused) for the case; on a licence record, the one it records.
    Licence,
    /// The licence held has expired, expires soon, or is not valid yet.
    LicenceWarning,
    /// Pending a second officer's approval, or approved or rejected, and by whom.
    Approval,
    /// A record field the officer filled (reference, counterparty, officer, notes).
    Field(Field),
    RuleSet,
    /// Why what is shown is not exactly the determination as decided, or where its texts
    /// come from.
    Note,
    Hash,
    /// Who signed the save (see `crate::signing`).
    Signature,
}

impl Part {
    pub fn label(self) -> &'static str {
        match self {
            Part::Record => "Record",
            Part::Kind => "Kind",
            Part::Saved => "Saved",
            Part::SavedBy => "Saved by",
            Part::Supersedes => "Supersedes",
            Part::CopiedFrom => "Copied from",
            Part::Override => "OFFICER OVERRIDE",
            Part::Reason => "Reason",
            Part::About => "About",
            Part::Licence => "Licence held",
            Part::LicenceWarning => "LICENCE",
            Part::Approval => "Approval",
            Part::Field(field) => field.label(),
            Part::RuleSet => "Rule set",
            Part::Note => "Note",
            Part::Hash => "Hash",
            Part::Signature => "Signature",
        }
    }

    /// Whether it must stand out (an override replaces the outcome shown below it).
    pub fn emphasis(self) -> bool {
        matches!(self, Part::Override | Part::LicenceWarning | Part::Approval)
    }
}

/// One line of the header: a part and its value, sanitised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderLine {
    pub part: Part,
    pub value: String,
}

/// An officer's override: the outcome decided and the engine's beneath it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overridden {
    pub outcome: Outcome,
    pub engine: Outcome,
}

/// A stored record ready to show. Every text in it is sanitised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordView {
    pub id: String,
    /// Its line in the history, when the reader counted lines.
    pub line: Option<usize>,
    pub kind: RecordKind,
    pub saved_at: Timestamp,
    pub program_version: String,
    /// Who saved it ("jdoe (uid 1000) from 10.0.0.5"); None for a schema-1 record, which
    /// did not record it.
    pub saved_by: Option<String>,
    pub supersedes: Option<String>,
    /// The earlier record this screening was started from.
    pub copied_from: Option<String>,
    pub reason: Option<String>,
    pub overridden: Option<Overridden>,
    /// On a licence record: the record it was recorded about.
    pub about: Option<String>,
    /// The licence held (or refused) for the case, and what to warn of on the day shown.
    pub licence: Option<(String, Option<String>)>,
    /// Where it stands for a second officer's approval, when the team's policy or a
    /// decision makes that a question.
    pub approval: Option<String>,
    /// The record fields that are filled, in the form's order.
    pub fields: Vec<(Field, String)>,
    /// "cn-rare-earth-2025 2026.11.29, reviewed 2026-11-29, sha256 <64 hex>".
    pub rule_set: String,
    pub notes: Vec<String>,
    pub hash: String,
    /// "signed by <principal> (fingerprint)" or "unsigned", when it was looked up.
    pub signature: Option<String>,
    /// The determination as decided, through the same presenter as a new screening's.
    pub presentation: Presentation,
}

/// "No. X (kind, authority), valid until D", or "REFUSED: No. X ...", sanitised.
fn licence_text(licence: &Licence) -> String {
    let text = licence.describe();
    sanitize(&if licence.refused {
        format!("REFUSED: {text}")
    } else {
        text
    })
}

/// The rule set to present a record with: the one it was decided under when it is kept and
/// intact, else None (present with the rules in use), with a note naming the rules whose
/// texts are shown instead.
pub fn rules_for(
    snapshots: &mut Snapshots,
    record: &Record,
    current: &RuleSet,
) -> (Option<Arc<RuleSet>>, Option<String>) {
    match snapshots.rules_of(record) {
        Some(rules) => (Some(rules), None),
        None => (
            None,
            Some(format!(
                "Clause texts are from the rule set in use ({} {}).",
                current.id, current.version
            )),
        ),
    }
}

impl RecordView {
    /// Present `stored` with `rules` (what [`rules_for`] chose) and its note.
    pub fn new(stored: &Stored, rules: &RuleSet, rules_note: Option<String>) -> RecordView {
        let r = &stored.record;
        let d = &r.screening.determination;
        let details = &r.screening.details;
        let fields = [
            (Field::Reference, &details.reference),
            (Field::Counterparty, &details.counterparty),
            (Field::Officer, &details.officer),
            (Field::Notes, &details.notes),
        ]
        .into_iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(field, value)| (field, sanitize(value)))
        .collect();
        let info = &d.rule_set;
        let sha = if info.sha256.is_empty() {
            String::new()
        } else {
            format!(", sha256 {}", info.sha256)
        };
        RecordView {
            id: sanitize(&r.id),
            line: (stored.line > 0).then_some(stored.line),
            kind: r.kind,
            saved_at: r.saved_at,
            program_version: sanitize(&r.program_version),
            saved_by: (r.schema > 1).then(|| sanitize(&r.identity.describe())),
            supersedes: r.supersedes.as_deref().map(sanitize),
            copied_from: Some(&details.copied_from)
                .filter(|id| !id.is_empty())
                .map(|id| sanitize(id)),
            reason: r.reason.as_deref().map(sanitize),
            overridden: r.override_outcome.map(|outcome| Overridden {
                outcome,
                engine: d.outcome,
            }),
            about: r.licence.as_ref().map(|l| sanitize(&l.about)),
            licence: r.licence.as_ref().map(|l| (licence_text(&l.licence), None)),
            approval: r
                .approval
                .as_ref()
                .map(|(on, verdict)| sanitize(&format!("{} record {on}", verdict.label()))),
            fields,
            rule_set: sanitize(&format!(
                "{} {}, reviewed {}{sha}",
                info.id, info.version, info.reviewed
            )),
            notes: r
                .rebuilt
                .note()
                .into_iter()
                .chain(rules_note)
                .map(|n| sanitize(&n))
                .collect(),
            hash: sanitize(&stored.hash),
            signature: None,
            presentation: present(rules, d),
        }
    }

    /// With the licence recorded about the record's case, and what to warn of `today` (a
    /// licence record shows its own licence).
    pub fn with_licence(mut self, found: Option<&LicenceRecord>, today: Date) -> RecordView {
        if self.about.is_none() {
            self.licence = found.map(|l| {
                (
                    licence_text(&l.licence),
                    l.licence.warning(today).map(|w| sanitize(&w)),
                )
            });
        }
        self
    }

    /// With where the record stands for approval (a decision record keeps its own line).
    pub fn with_approval(mut self, state: &ApprovalState) -> RecordView {
        if self.approval.is_none() {
            self.approval = state.describe().map(|text| sanitize(&text));
        }
        self
    }

    /// The header, part by part, in order.
    pub fn header(&self) -> Vec<HeaderLine> {
        let mut lines = Vec::new();
        let mut add = |part: Part, value: String| lines.push(HeaderLine { part, value });
        add(
            Part::Record,
            match self.line {
                Some(line) => format!("{} (line {line})", self.id),
                None => self.id.clone(),
            },
        );
        add(Part::Kind, self.kind.label().to_string());
        add(
            Part::Saved,
            format!("{} by ree-screen {}", self.saved_at, self.program_version),
        );
        add(
            Part::SavedBy,
            self.saved_by
                .clone()
                .unwrap_or_else(|| "not recorded (schema 1)".into()),
        );
        if let Some(signature) = &self.signature {
            add(Part::Signature, signature.clone());
        }
        if let Some(original) = &self.supersedes {
            add(Part::Supersedes, original.clone());
        }
        if let Some(earlier) = &self.copied_from {
            add(Part::CopiedFrom, earlier.clone());
        }
        if let Some(o) = self.overridden {
            add(
                Part::Override,
                format!(
                    "{} {} (the engine's: {} {})",
                    o.outcome.symbol(),
                    o.outcome.label(),
                    o.engine.symbol(),
                    o.engine.label()
                ),
            );
        }
        if let Some(reason) = &self.reason {
            add(Part::Reason, reason.clone());
        }
        if let Some(about) = &self.about {
            add(Part::About, about.clone());
        }
        if let Some(approval) = &self.approval {
            add(Part::Approval, approval.clone());
        }
        if let Some((licence, warning)) = &self.licence {
            add(Part::Licence, licence.clone());
            if let Some(warning) = warning {
                add(Part::LicenceWarning, warning.clone());
            }
        }
        for (field, value) in &self.fields {
            add(Part::Field(*field), value.clone());
        }
        add(Part::RuleSet, self.rule_set.clone());
        for note in &self.notes {
            add(Part::Note, note.clone());
        }
        add(Part::Hash, self.hash.clone());
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Answers;
    use crate::history::Rebuilt;
    use crate::identity::Identity;
    use crate::screening::{Details, Screening};

    fn stored(schema: u32, rebuilt: Rebuilt) -> Stored {
        let rules = crate::rules::embedded().expect("rules");
        let screening = Screening::run(
            &rules,
            &Answers::new().with("stage", "mining"),
            "2025-10-20".parse().expect("date"),
            Details {
                reference: "PO-\u{1b}[31m7".into(),
                officer: "J. Roe".into(),
                ..Details::default()
            },
        );
        Stored {
            line: 3,
            offset: 0,
            hash: "ab".repeat(32),
            record: Record {
                schema,
                id: "20251020T090000Z-0badcafe-0".into(),
                saved_at: "2025-10-20T09:00:00Z".parse().expect("time"),
                program_version: "0.1.0".into(),
                kind: RecordKind::Override,
                supersedes: Some("20251019T090000Z-0badcafe-0".into()),
                reason: Some("Licence \u{202e}granted".into()),
                override_outcome: Some(Outcome::CaseByCase),
                licence: None,
                approval: None,
                identity: Identity {
                    uid: 1000,
                    user: "jroe".into(),
                    ssh_client: None,
                },
                screening,
                rebuilt,
                prev: crate::history::GENESIS.into(),
            },
        }
    }

    #[test]
    fn the_header_comes_part_by_part_sanitised() {
        let rules = crate::rules::embedded().expect("rules");
        let view = RecordView::new(&stored(2, Rebuilt::FromSnapshot), &rules, None);
        let header = view.header();
        let parts: Vec<Part> = header.iter().map(|l| l.part).collect();
        assert_eq!(
            parts,
            [
                Part::Record,
                Part::Kind,
                Part::Saved,
                Part::SavedBy,
                Part::Supersedes,
                Part::Override,
                Part::Reason,
                Part::Field(Field::Reference),
                Part::Field(Field::Officer),
                Part::RuleSet,
                Part::Hash,
            ]
        );
        assert_eq!(header[0].value, "20251020T090000Z-0badcafe-0 (line 3)");
        assert_eq!(header[3].value, "jroe (uid 1000)");
        assert!(
            header[5]
                .value
                .starts_with("[ ?] Licence required, case-by-case")
        );
        assert!(!header.iter().any(|l| l.value.contains('\u{1b}')));
        assert!(!header.iter().any(|l| l.value.contains('\u{202e}')));
    }

    #[test]
    fn a_schema_1_record_says_who_saved_it_is_not_recorded_and_why_it_is_not_as_decided() {
        let rules = crate::rules::embedded().expect("rules");
        let view = RecordView::new(
            &stored(1, Rebuilt::SchemaOne),
            &rules,
            Some("Clause texts are from the rule set in use (x 1).".into()),
        );
        let header = view.header();
        assert!(header.contains(&HeaderLine {
            part: Part::SavedBy,
            value: "not recorded (schema 1)".into()
        }));
        let notes: Vec<&str> = header
            .iter()
            .filter(|l| l.part == Part::Note)
            .map(|l| l.value.as_str())
            .collect();
        assert_eq!(notes.len(), 2);
        assert!(notes[0].contains("schema 1"));
    }
}
