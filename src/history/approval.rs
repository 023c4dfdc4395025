//! A second pair of eyes: when the team's settings require approval, a determination of
//! licence-required or worse, and every override, is pending until another operating-system
//! user approves or rejects it. The decision is a record of its own that points at the
//! record decided on (never superseding it), filed with the approver's identity like every
//! record; the same operating-system user (by uid, which no variable or flag changes)
//! cannot decide on a record they saved.
//!
//! The team's settings (`team.toml` in the data directory) bind everyone using it, so they
//! count only when the directory's owner or root wrote them and the group cannot (see
//! `store::policy_counts`); an officer's own settings never set them.

use std::fs::File;
use std::io;
use std::ops::ControlFlow;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::chain::chain_fields;
use super::lines::newest_records;
use super::record::{Record, RecordKind};
use crate::rules::Outcome;

/// The team settings file in the data directory.
pub const TEAM_FILE: &str = "team.toml";

/// What the team's settings require.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamPolicy {
    /// `"required"`: a second officer approves what needs a licence or is overridden.
    #[serde(default)]
    pub approval: Requirement,
    /// `"required"`: no screening is saved without the officer's name.
    #[serde(default)]
    pub officer: Requirement,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Requirement {
    #[default]
    Optional,
    Required,
}

/// Why a save is refused when the team requires an officer and none is given.
pub const OFFICER_REQUIRED: &str = "the team's policy requires an officer: enter the officer's name (team.toml: officer = \"required\")";

impl TeamPolicy {
    /// The team's settings in `dir`: a file that does not count or does not parse is taken
    /// as requiring approval and an officer (the stricter reading: nothing shows as settled
    /// that a policy may hold pending, nothing is saved that it may refuse), with why.
    pub fn or_strict(dir: &Path) -> (TeamPolicy, Option<String>) {
        match TeamPolicy::of(dir) {
            Ok(policy) => (policy, None),
            Err(why) => (
                TeamPolicy {
                    approval: Requirement::Required,
                    officer: Requirement::Required,
                },
                Some(format!(
                    "{why}; approval is taken as required, and an officer on each save"
                )),
            ),
        }
    }

    /// Whether a screening filed by `officer` may be saved under this policy.
    pub fn check_officer(&self, officer: &str) -> Result<(), &'static str> {
        if self.officer == Requirement::Required && officer.trim().is_empty() {
            Err(OFFICER_REQUIRED)
        } else {
            Ok(())
        }
    }

    /// The team's settings in `dir`: none when there is no file; an error when the file does
    /// not count (see `store::policy_counts`) or does not parse, so nobody works under a
    /// policy they think holds and does not.
    pub fn of(dir: &Path) -> Result<TeamPolicy, String> {
        let path = dir.join(TEAM_FILE);
        super::store::policy_counts(dir, &path)?;
        match std::fs::read_to_string(&path) {
            Ok(text) => toml::from_str(&text)
                .map_err(|e| format!("{}: {}", path.display(), crate::text::sanitize(e.message()))),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(TeamPolicy::default()),
            Err(e) => Err(format!("{}: cannot read it: {e}", path.display())),
        }
    }

    /// Whether a record of `kind` whose outcome stands at `outcome` waits for a second
    /// officer's decision under this policy.
    pub fn needs_approval(&self, kind: RecordKind, outcome: Outcome) -> bool {
        self.approval == Requirement::Required
            && (kind == RecordKind::Override
                || (kind.stands_for_case() && outcome >= Outcome::LicenseRequired))
    }

    /// Where `record` stands, given the newest decision about it.
    pub fn state(&self, record: &Record, decision: Option<Decision>) -> ApprovalState {
        match decision {
            Some(d) => ApprovalState::Decided(d),
            None if self.needs_approval(record.kind, record.effective_outcome()) => {
                ApprovalState::Pending
            }
            None => ApprovalState::NotNeeded,
        }
    }
}

/// A second officer's decision on a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Approved,
    Rejected,
}

impl Verdict {
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Approved => "approved",
            Verdict::Rejected => "rejected",
        }
    }
}

/// A decision found: the approval record, its verdict, who decided and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub id: String,
    pub verdict: Verdict,
    /// The approver as `Identity::describe` gives it.
    pub by: String,
    pub reason: String,
}

/// Where a record stands for approval.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApprovalState {
    NotNeeded,
    Pending,
    Decided(Decision),
}

impl ApprovalState {
    /// One word for lists and exports.
    pub fn word(&self) -> &'static str {
        match self {
            ApprovalState::NotNeeded => "",
            ApprovalState::Pending => "pending",
            ApprovalState::Decided(d) => d.verdict.label(),
        }
    }

    /// The line a record's header shows, if any.
    pub fn describe(&self) -> Option<String> {
        match self {
            ApprovalState::NotNeeded => None,
            ApprovalState::Pending => Some(
                "PENDING APPROVAL: another officer approves or rejects it (team policy)".into(),
            ),
            ApprovalState::Decided(d) => Some(format!(
                "{} by {}: {}",
                match d.verdict {
                    Verdict::Approved => "Approved",
                    Verdict::Rejected => "REJECTED",
                },
                d.by,
                d.reason
            )),
        }
    }
}

/// The newest decision about record `id`, reading from the history's end back to the
/// record itself (a decision is always newer than the record it is about).
pub(crate) fn decision(file: &File, id: &str) -> io::Result<Option<Decision>> {
    newest_records(file, |record| {
        if let Some(found) = decision_of(record, id) {
            return ControlFlow::Break(Some(found));
        }
        if chain_fields(record).0 == Some(id) {
            return ControlFlow::Break(None);
        }
        ControlFlow::Continue(())
    })
}

/// The decision a record's bytes hold about `about`, if it is one.
fn decision_of(record: &[u8], about: &str) -> Option<Decision> {
    approval_of(record)
        .filter(|(on, _)| on == about)
        .map(|(_, d)| d)
}

/// The record an approval record's bytes decide on, and the decision, if it is one.
pub(crate) fn approval_of(record: &[u8]) -> Option<(String, Decision)> {
    memchr::memmem::find(record, b"\"kind\":\"approval\"")?;
    let r = super::record::decode_record(record).ok()?;
    let (decided_on, verdict) = r.approval?;
    Some((
        decided_on,
        Decision {
            id: r.id,
            verdict,
            by: r.identity.describe(),
            reason: r.reason.unwrap_or_default(),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_team_file_takes_approval_and_officer_and_refuses_any_other_key() {
        let policy: TeamPolicy =
            toml::from_str("approval = \"required\"\nofficer = \"required\"\n").expect("parse");
        assert_eq!(policy.officer, Requirement::Required);
        assert_eq!(policy.check_officer("  "), Err(OFFICER_REQUIRED));
        assert_eq!(policy.check_officer("K. Lee"), Ok(()));
        assert_eq!(TeamPolicy::default().check_officer(""), Ok(()));
        assert!(toml::from_str::<TeamPolicy>("officers = \"required\"\n").is_err());
    }
}
