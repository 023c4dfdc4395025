//! The determination engine: pure and IO-free. Given a rule set, the officer's answers and a
//! date it says what the measures require, which clauses fired, their status on that date and
//! why. An `unknown` answer is expanded to every option it could be and the worst case wins.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::rules::{
    Clause, Measure, Outcome, QuestionId, Rule, RuleSet, RuleSetInfo, Source, UNKNOWN,
};

/// The officer's three answers, as option ids of the rule set's questions.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Answers {
    pub stage: String,
    pub origin: String,
    pub recipient: String,
}

impl Answers {
    pub fn new(stage: &str, origin: &str, recipient: &str) -> Answers {
        Answers {
            stage: stage.to_string(),
            origin: origin.to_string(),
            recipient: recipient.to_string(),
        }
    }

    pub fn get(&self, q: QuestionId) -> &str {
        match q {
            QuestionId::Stage => &self.stage,
            QuestionId::Origin => &self.origin,
            QuestionId::Recipient => &self.recipient,
        }
    }

    pub fn set(&mut self, q: QuestionId, value: &str) {
        let slot = match q {
            QuestionId::Stage => &mut self.stage,
            QuestionId::Origin => &mut self.origin,
            QuestionId::Recipient => &mut self.recipient,
        };
        *slot = value.to_string();
    }

    /// Every answer left as `unknown`.
    pub fn missing(&self) -> Vec<QuestionId> {
        QuestionId::ALL
            .into_iter()
            .filter(|q| self.get(*q) == UNKNOWN)
            .collect()
    }
}

/// A clause's standing on the screening date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ClauseStatus {
    InForce {
        since: Date,
    },
    NotYetEffective {
        from: Date,
    },
    /// Suspended through `until` (inclusive) by the clause `by`.
    Suspended {
        from: Date,
        until: Date,
        by: String,
        by_name: String,
    },
    /// The date lies past the last day a source confirms; applied as written.
    Unverified {
        verified_until: Date,
    },
    /// A fixed-term measure past its last day. Whether it was extended is not known.
    Expired {
        until: Date,
    },
}

impl ClauseStatus {
    /// Whether the clause binds on the date. Unverified ones are applied: the conservative reading.
    pub fn applies(&self) -> bool {
        matches!(
            self,
            ClauseStatus::InForce { .. } | ClauseStatus::Unverified { .. }
        )
    }

    pub fn id(&self) -> &'static str {
        match self {
            ClauseStatus::InForce { .. } => "in_force",
            ClauseStatus::NotYetEffective { .. } => "not_yet_effective",
            ClauseStatus::Suspended { .. } => "suspended",
            ClauseStatus::Unverified { .. } => "unverified",
            ClauseStatus::Expired { .. } => "expired",
        }
    }

    /// The status in words, e.g. "suspended until 2026-11-10 by MOFCOM+GAC 2025 No. 70".
    pub fn describe(&self) -> String {
        match self {
            ClauseStatus::InForce { since } => format!("in force since {since}"),
            ClauseStatus::NotYetEffective { from } => format!("not yet effective (from {from})"),
            ClauseStatus::Suspended { until, by_name, .. } => {
                format!("suspended until {until} by {by_name}")
            }
            ClauseStatus::Unverified { verified_until } => {
                format!(
                    "unverified: no source confirms its status after {verified_until}; applied as in force"
                )
            }
            ClauseStatus::Expired { until } => format!(
                "expired after {until} by its own terms (unverified: no source says whether it was extended)"
            ),
        }
    }
}

/// One clause that fired, with everything an officer needs to cite it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiredClause {
    pub id: String,
    pub measure: String,
    pub measure_name: String,
    pub article: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    pub text: String,
    #[serde(flatten)]
    pub status: ClauseStatus,
    pub status_text: String,
    /// The most severe outcome of the rules that cited this clause.
    pub outcome: Outcome,
    /// Whether it counts towards the outcome on this date.
    pub applies: bool,
    pub verify: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The primary source URL; all of them are in `sources`.
    pub source: String,
    /// Every source; saved records keep only `source` (the rule set version names the rest).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Source>,
}

/// One line of the why-trace: a rule that fired, on which answers, and whether it counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceStep {
    pub rule: String,
    pub outcome: Outcome,
    pub applies: bool,
    /// The answers that fired it, e.g. "stage = mining, origin = china"; assumed values of
    /// unknown answers are marked "(assumed)".
    pub because: String,
    pub why: String,
    pub clauses: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Determination {
    pub outcome: Outcome,
    /// Set when an answer is unknown: the outcome is the worst case over what it could be.
    pub provisional: bool,
    pub missing: Vec<QuestionId>,
    /// For a provisional result, the assumed answers that produce the worst case.
    pub worst_case: Vec<Answers>,
    /// The most severe outcome the fired rules would give if nothing were suspended or pending.
    pub would_be: Outcome,
    pub date: Date,
    pub answers: Answers,
    pub clauses: Vec<FiredClause>,
    pub trace: Vec<TraceStep>,
    /// Some fact behind this result is past the date its sources confirm.
    pub unverified: bool,
    /// Some clause behind this result is marked "verify" in the rule set.
    pub verify: bool,
    pub rule_set: RuleSetInfo,
    pub disclaimer: String,
}

/// The status of a clause of `measure` on `date`.
pub fn clause_status(
    rules: &RuleSet,
    measure: &Measure,
    clause: &Clause,
    date: Date,
) -> ClauseStatus {
    let effective = clause.effective.unwrap_or(measure.effective);
    let as_written = if date < effective {
        ClauseStatus::NotYetEffective { from: effective }
    } else {
        ClauseStatus::InForce { since: effective }
    };
    if let Some(until) = measure.in_force_until
        && date > until
    {
        return ClauseStatus::Expired { until };
    }
    // Past the last confirmed day nothing is known: apply the text as written, flagged.
    if date > measure.verified_until && date >= effective {
        return ClauseStatus::Unverified {
            verified_until: measure.verified_until,
        };
    }
    // A suspension wins over a later start: a limb suspended before it took effect never did.
    if let Some(s) = measure
        .suspensions
        .iter()
        .find(|s| s.from <= date && date <= s.until)
    {
        let by_name = rules
            .clause(&s.by)
            .and_then(|c| rules.measure(&c.measure).map(|m| m.name.clone()))
            .unwrap_or_else(|| s.by.clone());
        return ClauseStatus::Suspended {
            from: s.from,
            until: s.until,
            by: s.by.clone(),
            by_name,
        };
    }
    as_written
}

fn rule_matches(rule: &Rule, answers: &Answers) -> bool {
    QuestionId::ALL.into_iter().all(|q| match rule.when.get(q) {
        None => true,
        Some(values) => values.iter().any(|v| v == answers.get(q)),
    })
}

/// Whether every clause a rule rests on binds on the date.
fn rule_applies(rules: &RuleSet, rule: &Rule, date: Date) -> bool {
    rule.clauses.iter().all(|id| {
        rules
            .clause(id)
            .and_then(|c| {
                rules
                    .measure(&c.measure)
                    .map(|m| clause_status(rules, m, c, date).applies())
            })
            .unwrap_or(false)
    })
}

/// Outcome of one fully known set of answers: (binding outcome, outcome if nothing were
/// suspended or pending, the rules that fired).
fn evaluate<'r>(
    rules: &'r RuleSet,
    answers: &Answers,
    date: Date,
) -> (Outcome, Outcome, Vec<(&'r Rule, bool)>) {
    let fired: Vec<(&Rule, bool)> = rules
        .rules
        .iter()
        .filter(|r| rule_matches(r, answers))
        .map(|r| (r, rule_applies(rules, r, date)))
        .collect();
    let binding = fired
        .iter()
        .filter(|(_, applies)| *applies)
        .map(|(r, _)| r.outcome)
        .max()
        .unwrap_or(Outcome::NoLicenseRequired);
    let would_be = fired
        .iter()
        .map(|(r, _)| r.outcome)
        .max()
        .unwrap_or(Outcome::NoLicenseRequired);
    (binding, would_be, fired)
}

/// Every concrete set of answers the given (possibly unknown) answers could stand for.
fn expand(rules: &RuleSet, answers: &Answers) -> Vec<Answers> {
    let choices = |q: QuestionId| -> Vec<String> {
        let given = answers.get(q);
        if given == UNKNOWN {
            rules
                .questions
                .get(q)
                .known_option_ids()
                .map(str::to_string)
                .collect()
        } else {
            vec![given.to_string()]
        }
    };
    let mut out = Vec::new();
    for stage in choices(QuestionId::Stage) {
        for origin in choices(QuestionId::Origin) {
            for recipient in choices(QuestionId::Recipient) {
                out.push(Answers {
                    stage: stage.clone(),
                    origin: origin.clone(),
                    recipient: recipient.clone(),
                });
            }
        }
    }
    out
}

fn because(rules: &RuleSet, rule: &Rule, given: &Answers, assumed: &Answers) -> String {
    QuestionId::ALL
        .into_iter()
        .filter(|q| rule.when.get(*q).is_some())
        .map(|q| {
            let value = assumed.get(q);
            let label = rules
                .questions
                .get(q)
                .option(value)
                .map_or(value, |o| o.label.as_str());
            if given.get(q) == UNKNOWN {
                format!("{} = {label} (assumed: answer unknown)", q.key())
            } else {
                format!("{} = {label}", q.key())
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Screen `answers` under `rules` as the law stood on `date`.
///
/// The outcome is the most severe binding outcome of every rule that fires. With unknown
/// answers, every value they could take is screened and the worst case is reported (ties
/// broken by what would apply if suspensions lapsed), so an unknown never gives a lighter
/// result than any answer it stands for.
pub fn determine(rules: &RuleSet, answers: &Answers, date: Date) -> Determination {
    let candidates = expand(rules, answers);
    let evaluated: Vec<_> = candidates
        .iter()
        .map(|a| (a, evaluate(rules, a, date)))
        .collect();
    let worst = evaluated
        .iter()
        .map(|(_, (binding, would_be, _))| (*binding, *would_be))
        .max()
        .unwrap_or((Outcome::NoLicenseRequired, Outcome::NoLicenseRequired));
    let worst_cases: Vec<_> = evaluated
        .iter()
        .filter(|(_, (b, w, _))| (*b, *w) == worst)
        .collect();

    let mut trace: Vec<TraceStep> = Vec::new();
    // Clause id -> (most severe citing outcome, applies in any citing rule).
    let mut cited: Vec<(String, Outcome)> = Vec::new();
    for (assumed, (_, _, fired)) in &worst_cases {
        for (rule, applies) in fired {
            let reason = because(rules, rule, answers, assumed);
            match trace.iter_mut().find(|t| t.rule == rule.id) {
                Some(step) if !step.because.contains(&reason) => {
                    step.because.push_str("; or ");
                    step.because.push_str(&reason);
                }
                Some(_) => {}
                None => trace.push(TraceStep {
                    rule: rule.id.clone(),
                    outcome: rule.outcome,
                    applies: *applies,
                    because: reason,
                    why: rule.why.clone(),
                    clauses: rule.clauses.clone(),
                }),
            }
            for id in &rule.clauses {
                match cited.iter_mut().find(|(c, _)| c == id) {
                    Some((_, o)) => *o = (*o).max(rule.outcome),
                    None => cited.push((id.clone(), rule.outcome)),
                }
            }
        }
    }

    // List clauses in rule-set order, so reports read the same way every time.
    let clauses: Vec<FiredClause> = rules
        .clauses
        .iter()
        .filter_map(|clause| {
            let (_, outcome) = cited.iter().find(|(id, _)| *id == clause.id)?;
            let measure = rules.measure(&clause.measure)?;
            let status = clause_status(rules, measure, clause, date);
            Some(FiredClause {
                id: clause.id.clone(),
                measure: measure.id.clone(),
                measure_name: measure.name.clone(),
                article: clause.article.clone(),
                code: clause.code.clone(),
                text: clause.text.clone(),
                status_text: status.describe(),
                applies: status.applies(),
                status,
                outcome: *outcome,
                verify: clause.verify,
                note: clause.note.clone(),
                source: clause
                    .sources
                    .first()
                    .map(|s| s.url.clone())
                    .unwrap_or_default(),
                sources: clause.sources.clone(),
            })
        })
        .collect();

    let missing = answers.missing();
    let provisional = !missing.is_empty();
    Determination {
        outcome: worst.0,
        would_be: worst.1,
        provisional,
        worst_case: if provisional {
            worst_cases.iter().map(|(a, _)| (*a).clone()).collect()
        } else {
            Vec::new()
        },
        missing,
        date,
        answers: answers.clone(),
        unverified: clauses
            .iter()
            .any(|c| matches!(c.status, ClauseStatus::Unverified { .. }))
            || (clauses.is_empty() && rules.measures.iter().any(|m| date > m.verified_until)),
        verify: clauses.iter().any(|c| c.verify),
        clauses,
        trace,
        rule_set: rules.info(),
        disclaimer: rules.disclaimer.clone(),
    }
}
