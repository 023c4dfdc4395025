//! Re-screening a past record: its answers under the current rule set on a chosen date, and
//! what changed between the stored determination and the new one.

use jiff::civil::Date;
use serde::Serialize;

use super::record::Record;
use crate::engine::FiredClause;
use crate::rules::{Outcome, RuleSet};
use crate::screening::Screening;

/// One clause whose standing differs between the two determinations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClauseChange {
    pub id: String,
    /// "MOFCOM Announcement 2025 No. 61, Art. 2".
    pub cited_as: String,
    /// Status then; None when it did not fire then.
    pub before: Option<String>,
    /// Status now; None when it no longer fires.
    pub after: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diff {
    pub outcome_before: Outcome,
    pub outcome_after: Outcome,
    pub provisional_before: bool,
    pub provisional_after: bool,
    pub rule_set_before: String,
    pub rule_set_after: String,
    pub clauses: Vec<ClauseChange>,
}

impl Diff {
    pub fn unchanged(&self) -> bool {
        self.outcome_before == self.outcome_after && self.clauses.is_empty()
    }
}

fn cited_as(c: &FiredClause) -> String {
    match &c.code {
        Some(code) => format!("{}, {} ({code})", c.measure_name, c.article),
        None => format!("{}, {}", c.measure_name, c.article),
    }
}

/// Compare two determinations clause by clause.
pub fn diff(before: &Screening, after: &Screening) -> Diff {
    let (b, a) = (&before.determination, &after.determination);
    let mut clauses = Vec::new();
    for old in &b.clauses {
        let new = a.clauses.iter().find(|c| c.id == old.id);
        if new.is_none_or(|n| n.status_text != old.status_text) {
            clauses.push(ClauseChange {
                id: old.id.clone(),
                cited_as: cited_as(old),
                before: Some(old.status_text.clone()),
                after: new.map(|n| n.status_text.clone()),
            });
        }
    }
    for new in a
        .clauses
        .iter()
        .filter(|n| !b.clauses.iter().any(|o| o.id == n.id))
    {
        clauses.push(ClauseChange {
            id: new.id.clone(),
            cited_as: cited_as(new),
            before: None,
            after: Some(new.status_text.clone()),
        });
    }
    let version = |s: &Screening| {
        let r = &s.determination.rule_set;
        format!("{} {}", r.id, r.version)
    };
    Diff {
        outcome_before: b.outcome,
        outcome_after: a.outcome,
        provisional_before: b.provisional,
        provisional_after: a.provisional,
        rule_set_before: version(before),
        rule_set_after: version(after),
        clauses,
    }
}

/// Screen a stored record's answers again under `rules` on `date`, keeping its record fields.
pub fn rescreen(rules: &RuleSet, record: &Record, date: Date) -> (Screening, Diff) {
    let old = &record.screening;
    let new = Screening::run(rules, &old.determination.answers, date, old.details.clone());
    let changes = diff(old, &new);
    (new, changes)
}

/// The diff as lines for people: "then" and "now" side by side where they differ.
pub fn diff_text(d: &Diff) -> String {
    let mut out = String::new();
    let outcome = |o: Outcome, provisional: bool| {
        format!(
            "{} {}{}",
            o.symbol(),
            o.label(),
            if provisional { " (provisional)" } else { "" }
        )
    };
    out.push_str(&format!(
        "Outcome then: {}\n",
        outcome(d.outcome_before, d.provisional_before)
    ));
    out.push_str(&format!(
        "Outcome now:  {}\n",
        outcome(d.outcome_after, d.provisional_after)
    ));
    if d.rule_set_before != d.rule_set_after {
        out.push_str(&format!(
            "Rule set then: {}; now: {}\n",
            d.rule_set_before, d.rule_set_after
        ));
    }
    if d.clauses.is_empty() {
        out.push_str("No clause changed.\n");
    }
    for c in &d.clauses {
        out.push_str(&format!(
            "- {}\n    then: {}\n    now:  {}\n",
            c.cited_as,
            c.before.as_deref().unwrap_or("did not fire"),
            c.after.as_deref().unwrap_or("does not fire")
        ));
    }
    out
}
