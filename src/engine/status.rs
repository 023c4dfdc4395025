//! A clause's standing on a date: in force, not yet effective, suspended or ended, and
//! whether a source confirms that standing on that date.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::rules::{Measure, RuleSet};

/// A clause's standing on the screening date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ClauseStatus {
    InForce {
        since: Date,
        /// A suspension that ended before the date: the clause applies as written again
        /// (unless the suspension was extended, which the sources do not say).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        lapsed: Option<Lapsed>,
    },
    NotYetEffective {
        from: Date,
    },
    /// Suspended through `until` (inclusive) by the clause `by`.
    Suspended {
        from: Date,
        until: Date,
        by: String,
    },
    /// The measure's last day has passed.
    Ended {
        last_day: Date,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lapsed {
    pub until: Date,
    pub by: String,
}

impl ClauseStatus {
    /// Whether the clause binds on the date.
    pub fn binds(&self) -> bool {
        matches!(self, ClauseStatus::InForce { .. })
    }

    pub fn id(&self) -> &'static str {
        match self {
            ClauseStatus::InForce { .. } => "in_force",
            ClauseStatus::NotYetEffective { .. } => "not_yet_effective",
            ClauseStatus::Suspended { .. } => "suspended",
            ClauseStatus::Ended { .. } => "ended",
        }
    }

    /// The clause that suspends it (or whose suspension lapsed), if any.
    pub fn suspender(&self) -> Option<&str> {
        match self {
            ClauseStatus::Suspended { by, .. } => Some(by),
            ClauseStatus::InForce {
                lapsed: Some(l), ..
            } => Some(&l.by),
            _ => None,
        }
    }
}

/// How statuses are read: as the sources say, or as if every suspension that has lapsed
/// without confirmation had been extended (the "if it was extended" scenario).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    AsScheduled,
    SuspensionsExtended,
}

/// The status of clause `clause` (a position in `rules.clauses`) on `date`.
pub fn clause_status(rules: &RuleSet, clause: usize, date: Date, reading: Reading) -> ClauseStatus {
    let c = &rules.clauses[clause];
    let measure = rules.measure_of(clause);
    let effective = c.effective.unwrap_or(measure.effective);
    if let Some(end) = &measure.ends
        && date > end.last_day
        && !(reading == Reading::SuspensionsExtended && suspends_others(rules, measure))
    {
        return ClauseStatus::Ended {
            last_day: end.last_day,
        };
    }
    let extended = reading == Reading::SuspensionsExtended && date > measure.verified_until;
    // A suspension wins over a later start: a limb suspended before it took effect never did.
    if let Some(s) = measure
        .suspensions
        .iter()
        .find(|s| s.from <= date && (date <= s.until || extended))
    {
        return ClauseStatus::Suspended {
            from: s.from,
            until: s.until,
            by: s.by.clone(),
        };
    }
    if date < effective {
        return ClauseStatus::NotYetEffective { from: effective };
    }
    let lapsed = measure
        .suspensions
        .iter()
        .filter(|s| s.until < date)
        .max_by_key(|s| s.until)
        .map(|s| Lapsed {
            until: s.until,
            by: s.by.clone(),
        });
    ClauseStatus::InForce {
        since: effective,
        lapsed,
    }
}

/// Whether a source confirms the measure's status on `date`.
pub fn confirmed(measure: &Measure, date: Date) -> bool {
    date <= measure.verified_until
}

/// Whether the measure suspends others (No. 70): its end is what the extension scenario
/// questions.
fn suspends_others(rules: &RuleSet, measure: &Measure) -> bool {
    rules.measures.iter().any(|m| {
        m.suspensions.iter().any(|s| {
            rules
                .clause(&s.by)
                .is_some_and(|by| by.measure == measure.id)
        })
    })
}

/// Whether, on `date`, some suspension has ended without a source confirming what followed,
/// so the result must say what it would be had it been extended.
pub fn lapsed_unconfirmed(rules: &RuleSet, date: Date) -> Vec<&Measure> {
    rules
        .measures
        .iter()
        .filter(|m| {
            !confirmed(m, date)
                && m.suspensions
                    .iter()
                    .any(|s| s.until < date && s.from <= date)
        })
        .collect()
}
