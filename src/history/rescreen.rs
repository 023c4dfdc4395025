//! Re-screening a past record: its answers under the current rule set on a chosen date, and
//! what changed between the stored determination and the new one.

use jiff::civil::Date;
use serde::Serialize;

use super::record::Record;
use crate::engine::ClauseResult;
use crate::present::status_words;
use crate::rules::{Outcome, RuleSet};
use crate::screening::Screening;

/// One clause whose standing differs between the two determinations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClauseChange {
    pub id: String,
    /// "MOFCOM Announcement 2025 No. 61, Art. 2".
    pub cited_as: String,
    /// Role and status then; None when it did not bear on the case then.
    pub before: Option<String>,
    /// Role and status now; None when it no longer does.
    pub after: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diff {
    /// The screening dates of the record and of the re-screen.
    pub date_before: Date,
    pub date_after: Date,
    pub outcome_before: Outcome,
    pub outcome_after: Outcome,
    pub provisional_before: bool,
    pub provisional_after: bool,
    pub rule_set_before: String,
    pub rule_set_after: String,
    /// Stored answers the rule set now has no option for ("Technology stage: legacy"):
    /// screened as every value, so the re-screen is provisional.
    pub answers_gone: Vec<String>,
    pub clauses: Vec<ClauseChange>,
}

impl Diff {
    pub fn unchanged(&self) -> bool {
        self.outcome_before == self.outcome_after && self.clauses.is_empty()
    }
}

/// "decisive; in force since 2025-04-04".
fn standing(rules: &RuleSet, c: &ClauseResult) -> String {
    let (status, _) = status_words(rules, &c.id, &c.status);
    let effect = c
        .effect
        .map(|e| format!(", {}", e.short()))
        .unwrap_or_default();
    format!("{}{effect}; {status}", c.role.id().replace('_', " "))
}

/// Compare two determinations clause by clause (context clauses aside).
pub fn diff(rules: &RuleSet, before: &Screening, after: &Screening) -> Diff {
    let (b, a) = (&before.determination, &after.determination);
    let relevant = |c: &&ClauseResult| c.role != crate::engine::Role::Context;
    let mut clauses = Vec::new();
    for old in b.clauses.iter().filter(relevant) {
        let then = standing(rules, old);
        let now = a
            .clauses
            .iter()
            .filter(relevant)
            .find(|c| c.id == old.id)
            .map(|n| standing(rules, n));
        if now.as_ref() != Some(&then) {
            clauses.push(ClauseChange {
                id: old.id.clone(),
                cited_as: rules.cite(&old.id),
                before: Some(then),
                after: now,
            });
        }
    }
    for new in a
        .clauses
        .iter()
        .filter(relevant)
        .filter(|n| !b.clauses.iter().filter(relevant).any(|o| o.id == n.id))
    {
        clauses.push(ClauseChange {
            id: new.id.clone(),
            cited_as: rules.cite(&new.id),
            before: None,
            after: Some(standing(rules, new)),
        });
    }
    let version = |s: &Screening| {
        let r = &s.determination.rule_set;
        format!("{} {}", r.id, r.version)
    };
    Diff {
        date_before: before.determination.date,
        date_after: after.determination.date,
        outcome_before: b.outcome,
        outcome_after: a.outcome,
        provisional_before: b.provisional,
        provisional_after: a.provisional,
        rule_set_before: version(before),
        rule_set_after: version(after),
        answers_gone: a
            .open
            .iter()
            .filter_map(|o| {
                let question = rules.question(&o.question)?;
                let given = o.given.as_deref()?;
                question
                    .option(given)
                    .is_none()
                    .then(|| format!("{}: {given}", question.title))
            })
            .collect(),
        clauses,
    }
}

/// Screen a stored record's answers again under `rules` on `date`, keeping its record fields.
pub fn rescreen(rules: &RuleSet, record: &Record, date: Date) -> (Screening, Diff) {
    let old = &record.screening;
    let new = Screening::run(rules, &old.determination.answers, date, old.details.clone());
    let changes = diff(rules, old, &new);
    (new, changes)
}

/// The diff as lines for people: the RECORD and the RE-SCREEN, each with its screening
/// date (the re-screen's may be the earlier one), where they differ.
pub fn diff_text(d: &Diff) -> String {
    let outcome = |o: Outcome, provisional: bool| {
        format!(
            "{} {}{}",
            o.symbol(),
            o.label(),
            if provisional { " (provisional)" } else { "" }
        )
    };
    let mut out = format!(
        "RECORD    (screened for {}): {}\nRE-SCREEN (screened for {}): {}\n",
        d.date_before,
        outcome(d.outcome_before, d.provisional_before),
        d.date_after,
        outcome(d.outcome_after, d.provisional_after)
    );
    if d.rule_set_before != d.rule_set_after {
        out.push_str(&format!(
            "Rule set of the record: {}; of the re-screen: {}\n",
            d.rule_set_before, d.rule_set_after
        ));
    }
    for gone in &d.answers_gone {
        out.push_str(&format!(
            "Answer gone: {gone} is not an option of the rule set now, so every value was screened (provisional)\n"
        ));
    }
    if d.clauses.is_empty() {
        out.push_str("No clause changed.\n");
    }
    for c in &d.clauses {
        out.push_str(&format!(
            "- {}\n    record:    {}\n    re-screen: {}\n",
            c.cited_as,
            c.before.as_deref().unwrap_or("did not bear on the case"),
            c.after.as_deref().unwrap_or("does not bear on the case")
        ));
    }
    out
}
