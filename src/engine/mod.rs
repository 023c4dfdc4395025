//! The determination engine: pure and IO-free. Given a rule set, the officer's answers and a
//! date, it says what the measures require: the outcome, the clauses that decide it, the
//! licences needed and who obtains them, every other clause by role and status, and why.
//!
//! An answer that covers several options (`unknown`, a group, or a question not asked that
//! turns out to matter) is screened as each of them: the worst case is the result, marked
//! provisional, with the range and the outcome per value. Options no rule tells apart are
//! screened once (see `rules::Compiled`), so even a country question stays cheap.

mod answers;
mod candidates;
mod relevance;
mod status;

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

pub use answers::{Answers, normalise, valid_values};
pub use relevance::{applies, question_matters};
pub use status::{ClauseStatus, Lapsed, Reading, clause_status, confirmed};

use crate::rules::{LicenceKind, Outcome, Party, RuleSet, RuleSetInfo, UNKNOWN};
use candidates::{Candidate, Evaluated, Evaluator, Expansion};

/// What part a clause plays in this determination.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A binding rule at the final outcome cites it.
    Decisive,
    /// It binds, with a lower outcome.
    Binding,
    /// Its rule would fire but does not bind on the date (suspended, not yet effective,
    /// ended); `effect` is what it would give.
    NotCounting,
    /// Procedure, dates, exclusions and the clauses that suspend others.
    Context,
}

impl Role {
    pub fn id(self) -> &'static str {
        match self {
            Role::Decisive => "decisive",
            Role::Binding => "binding",
            Role::NotCounting => "not_counting",
            Role::Context => "context",
        }
    }
}

/// One clause of the determination.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClauseResult {
    pub id: String,
    pub role: Role,
    /// The outcome its rules give (decisive, binding) or would give (not counting).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effect: Option<Outcome>,
    #[serde(flatten)]
    pub status: ClauseStatus,
    /// Whether a source confirms the status on the screening date.
    pub confirmed: bool,
}

/// A licence the determination requires, who must obtain it and the clauses behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenceNeed {
    pub kind: LicenceKind,
    pub obtained_by: Party,
    /// The most severe outcome of the rules requiring it (a licence "denied in principle").
    pub outcome: Outcome,
    pub rules: Vec<String>,
    pub clauses: Vec<String>,
}

/// A duty that stands where no licence is needed (e.g. No. 61 Art. 5's report).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Duty {
    pub rule: String,
    pub text: String,
    pub clauses: Vec<String>,
}

/// A question screened as several values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenAnswer {
    pub question: String,
    /// What was given: `unknown`, a group's id, or None when the question was not asked.
    #[serde(default)]
    pub given: Option<String>,
}

/// The outcome when one open answer takes one value (the others stay open).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueOutcome {
    /// A representative option; every option of its class gives the same result.
    pub value: String,
    pub outcome: Outcome,
    pub decided_by: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ByAnswer {
    pub question: String,
    pub values: Vec<ValueOutcome>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Range {
    pub best: Outcome,
    pub worst: Outcome,
}

/// What the result would be under another reading of an unconfirmed status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scenario {
    /// `suspension_extended`.
    pub id: String,
    /// The measures whose suspension it assumes extended.
    pub measures: Vec<String>,
    pub outcome: Outcome,
    pub decided_by: Vec<String>,
}

/// An unconfirmed fact that matters to this result: a clause (or rule) id and what is open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flag {
    pub id: String,
    pub note: String,
}

/// One step of the why-trace: a rule that fired, on which answers, citing which clauses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceStep {
    pub rule: String,
    pub outcome: Outcome,
    pub binds: bool,
    /// The answers that fired it; an assumed value stands for an open answer.
    pub because: Vec<Because>,
    pub clauses: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Because {
    pub question: String,
    /// The option (a representative of its class when assumed).
    pub value: String,
    pub assumed: bool,
}

/// A fired rule and whether it binds on the date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleResult {
    pub id: String,
    pub outcome: Outcome,
    pub binds: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Determination {
    pub date: Date,
    /// The answers as given; a question missing here was not asked.
    pub answers: Answers,
    /// For each answer given as a catalogue item, the class it was screened as.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub classes: BTreeMap<String, String>,
    pub outcome: Outcome,
    /// Some answer is open and the outcome is the worst case over its values.
    pub provisional: bool,
    pub open: Vec<OpenAnswer>,
    pub range: Range,
    pub by_answer: Vec<ByAnswer>,
    /// The open answers whose combinations were too many to screen one by one: the result
    /// comes from checking each rule on its own (the worst any case could give).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_expanded: Vec<String>,
    /// The clauses that decide the outcome, the most telling first.
    pub decided_by: Vec<String>,
    pub licences: Vec<LicenceNeed>,
    pub duties: Vec<Duty>,
    /// Every clause that bears on the result: decisive, binding, not counting, context.
    pub clauses: Vec<ClauseResult>,
    pub rules: Vec<RuleResult>,
    pub trace: Vec<TraceStep>,
    pub scenarios: Vec<Scenario>,
    /// Unconfirmed facts ("verify" notes) of the clauses and rules that decide.
    pub verify: Vec<Flag>,
    /// Unconfirmed statuses that decide or could change the outcome.
    pub unverified: Vec<Flag>,
    pub rule_set: RuleSetInfo,
    /// Listed parties the counterparty's and end user's names matched, put in by
    /// `parties::apply` (the engine itself screens answers only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parties: Vec<crate::parties::PartyFinding>,
    /// The party lists the names were screened against (embedded version, added hashes).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub party_lists: Vec<String>,
}

impl Determination {
    pub fn clause(&self, id: &str) -> Option<&ClauseResult> {
        self.clauses.iter().find(|c| c.id == id)
    }
}

/// Screen `answers` under `rules` as the law stood on `date`.
///
/// The outcome is the most severe outcome of every rule that fires and binds. With open
/// answers, every value they could take is screened and the worst case is reported (ties
/// broken by what would apply if nothing were suspended), so an open answer never gives a
/// lighter result than any value it stands for.
pub fn determine(rules: &RuleSet, answers: &Answers, date: Date) -> Determination {
    let evaluator = Evaluator::new(rules, date, Reading::AsScheduled);
    let Expansion {
        candidates,
        evaluated,
        not_expanded,
    } = evaluator.expand(answers);
    let worst = evaluated
        .iter()
        .map(|e| (e.binding, e.would_be))
        .max()
        .unwrap_or((Outcome::NoLicenseRequired, Outcome::NoLicenseRequired));
    let best = evaluated
        .iter()
        .map(|e| e.binding)
        .min()
        .unwrap_or(Outcome::NoLicenseRequired);
    let worst_cases: Vec<usize> = (0..evaluated.len())
        .filter(|&i| (evaluated[i].binding, evaluated[i].would_be) == worst)
        .collect();
    let outcome = worst.0;

    let decided_by =
        evaluator.decided_by(worst_cases.iter().map(|&i| &evaluated[i]), outcome, answers);
    let mut clauses = evaluator.clause_results(worst_cases.iter().map(|&i| &evaluated[i]), outcome);
    // The decisive clauses in the order they decide.
    clauses.sort_by_key(|c| {
        (
            c.role,
            decided_by
                .iter()
                .position(|d| *d == c.id)
                .unwrap_or(usize::MAX),
        )
    });
    let (mut open, by_answer) = open_answers(rules, &evaluator, answers, &candidates, &evaluated);
    open.extend(not_expanded.iter().map(|&q| OpenAnswer {
        question: rules.questions[q].id.clone(),
        given: answers.get(&rules.questions[q].id).map(str::to_string),
    }));
    let explicitly_open = open.iter().any(|o| o.given.is_some());
    let provisional =
        explicitly_open || best != outcome || !by_answer.is_empty() || !not_expanded.is_empty();

    let mut fired: Vec<RuleResult> = Vec::new();
    let mut trace: Vec<TraceStep> = Vec::new();
    let mut licences: Vec<LicenceNeed> = Vec::new();
    let mut duties: Vec<Duty> = Vec::new();
    for &i in &worst_cases {
        let (candidate, result) = (&candidates[i], &evaluated[i]);
        for &r in &result.fired {
            let compiled = &rules.compiled.rules[r];
            let rule = &rules.rules[compiled.rule];
            let binds = evaluator.binds(r);
            let clause_ids: Vec<String> = compiled
                .clauses
                .iter()
                .map(|&c| rules.clauses[c].id.clone())
                .collect();
            if !fired.iter().any(|f| f.id == compiled.id) {
                fired.push(RuleResult {
                    id: compiled.id.clone(),
                    outcome: rule.outcome,
                    binds,
                });
                trace.push(TraceStep {
                    rule: compiled.id.clone(),
                    outcome: rule.outcome,
                    binds,
                    because: evaluator.because(r, candidate, answers),
                    clauses: clause_ids.clone(),
                });
            }
            if !binds {
                continue;
            }
            if let Some(licence) = rules.licence_of(compiled) {
                match licences
                    .iter_mut()
                    .find(|l| l.kind == licence.kind && l.obtained_by == licence.obtained_by)
                {
                    Some(need) => {
                        need.outcome = need.outcome.max(rule.outcome);
                        push_new(&mut need.rules, &compiled.id);
                        for c in &clause_ids {
                            push_new(&mut need.clauses, c);
                        }
                    }
                    None => licences.push(LicenceNeed {
                        kind: licence.kind,
                        obtained_by: licence.obtained_by,
                        outcome: rule.outcome,
                        rules: vec![compiled.id.clone()],
                        clauses: clause_ids.clone(),
                    }),
                }
            }
            if let Some(text) = &rule.duty
                && !duties.iter().any(|d| d.rule == compiled.id)
            {
                duties.push(Duty {
                    rule: compiled.id.clone(),
                    text: text.clone(),
                    clauses: clause_ids,
                });
            }
        }
    }
    // Decisive first, then binding, then what does not count; rule-set order within.
    let rank = |binds: bool, o: Outcome| (u8::from(!binds), std::cmp::Reverse(o));
    trace.sort_by_key(|t| rank(t.binds, t.outcome));
    fired.sort_by_key(|t| rank(t.binds, t.outcome));
    licences.sort_by_key(|l| std::cmp::Reverse(l.outcome));

    let scenarios = scenarios(rules, answers, date);
    let (mut verify, unverified) = flags(rules, &evaluator, &fired, &clauses, outcome, &scenarios);
    verify.extend(answer_flags(rules, answers));
    let classes = answers
        .iter()
        .filter_map(|(q, v)| {
            let class = rules.question(q)?.option(v)?.class.clone()?;
            Some((q.to_string(), class))
        })
        .collect();
    Determination {
        date,
        answers: answers.clone(),
        classes,
        outcome,
        provisional,
        open,
        range: Range {
            best,
            worst: outcome,
        },
        by_answer,
        not_expanded: not_expanded
            .iter()
            .map(|&q| rules.questions[q].id.clone())
            .collect(),
        decided_by,
        licences,
        duties,
        clauses,
        rules: fired,
        trace,
        scenarios,
        verify,
        unverified,
        rule_set: rules.info(),
        parties: Vec::new(),
        party_lists: Vec::new(),
    }
}

fn push_new(list: &mut Vec<String>, item: &str) {
    if !list.iter().any(|x| x == item) {
        list.push(item.to_string());
    }
}

/// The open answers and, for each that changes something, the outcome per value.
fn open_answers(
    rules: &RuleSet,
    evaluator: &Evaluator,
    answers: &Answers,
    candidates: &[Candidate],
    evaluated: &[Evaluated],
) -> (Vec<OpenAnswer>, Vec<ByAnswer>) {
    let mut open = Vec::new();
    let mut by_answer = Vec::new();
    for (q, question) in rules.questions.iter().enumerate() {
        let given = answers.get(&question.id);
        // Unknown, a group, or a value the rule set no longer has (a stored answer screened
        // again): each is screened as every value it could be.
        let explicitly_open =
            given.is_some_and(|g| g == UNKNOWN || question.option(g).is_none_or(|o| o.is_group()));
        if given.is_some() && !explicitly_open {
            continue;
        }
        // Per value the question took (a case where it did not apply has none), the worst
        // outcome.
        let mut per_value: BTreeMap<usize, Outcome> = BTreeMap::new();
        for (c, e) in candidates.iter().zip(evaluated) {
            if let Some(v) = c.values[q] {
                let worst = per_value.entry(v).or_insert(e.binding);
                *worst = (*worst).max(e.binding);
            }
        }
        if per_value.is_empty() {
            continue; // it did not apply to any case
        }
        let differs = per_value
            .values()
            .any(|o| Some(o) != per_value.values().next());
        if !explicitly_open && !differs {
            continue; // not asked, and it does not matter
        }
        open.push(OpenAnswer {
            question: question.id.clone(),
            given: given.map(str::to_string),
        });
        if per_value.len() > 1 {
            by_answer.push(ByAnswer {
                question: question.id.clone(),
                values: per_value
                    .into_iter()
                    .map(|(v, outcome)| ValueOutcome {
                        value: question.options[v].id.clone(),
                        outcome,
                        decided_by: evaluator.decided_by(
                            candidates
                                .iter()
                                .zip(evaluated)
                                .filter(|(c, e)| c.values[q] == Some(v) && e.binding == outcome)
                                .map(|(_, e)| e),
                            outcome,
                            answers,
                        ),
                    })
                    .collect(),
            });
        }
    }
    (open, by_answer)
}

/// The open points of the answers given (e.g. a destination whose status the sources leave
/// open), as verify flags with the id `question=option`.
fn answer_flags(rules: &RuleSet, answers: &Answers) -> Vec<Flag> {
    answers
        .iter()
        .filter_map(|(q, v)| {
            let note = rules.question(q)?.verify.get(v)?;
            Some(Flag {
                id: format!("{q}={v}"),
                note: note.clone(),
            })
        })
        .collect()
}

/// The answers a provisional result's worst case assumes for its first deciding clause: for
/// each open answer whose values do not all give the worst outcome, the first value that
/// gives it through that clause (a question that applies only in some of the cases is left
/// open). Screening with these answers gives the worst outcome.
pub fn worst_case_assumption(rules: &RuleSet, d: &Determination) -> Vec<(String, String)> {
    let Some(first) = d.decided_by.first() else {
        return Vec::new();
    };
    d.by_answer
        .iter()
        .filter(|b| b.values.iter().any(|v| v.outcome != d.outcome))
        .filter(|b| applies(rules, &d.answers, d.date, &b.question) == Some(true))
        .filter_map(|b| {
            b.values
                .iter()
                .find(|v| v.outcome == d.outcome && v.decided_by.contains(first))
                .map(|v| (b.question.clone(), v.value.clone()))
        })
        .collect()
}

/// Past the end of a suspension that no source confirms, what the result would be had it
/// been extended.
fn scenarios(rules: &RuleSet, answers: &Answers, date: Date) -> Vec<Scenario> {
    let lapsed = status::lapsed_unconfirmed(rules, date);
    if lapsed.is_empty() {
        return Vec::new();
    }
    let evaluator = Evaluator::new(rules, date, Reading::SuspensionsExtended);
    let evaluated = evaluator.expand(answers).evaluated;
    let worst = evaluated
        .iter()
        .map(|e| (e.binding, e.would_be))
        .max()
        .unwrap_or((Outcome::NoLicenseRequired, Outcome::NoLicenseRequired));
    let worst_cases = evaluated
        .iter()
        .filter(|e| (e.binding, e.would_be) == worst);
    vec![Scenario {
        id: "suspension_extended".to_string(),
        measures: lapsed.iter().map(|m| m.id.clone()).collect(),
        outcome: worst.0,
        decided_by: evaluator.decided_by(worst_cases, worst.0, answers),
    }]
}

/// The verify notes and unconfirmed statuses that matter: those of decisive clauses and
/// rules (here and in a scenario), and unconfirmed statuses of clauses that do not count but
/// would raise the outcome if they did.
fn flags(
    rules: &RuleSet,
    evaluator: &Evaluator,
    fired: &[RuleResult],
    clauses: &[ClauseResult],
    outcome: Outcome,
    scenarios: &[Scenario],
) -> (Vec<Flag>, Vec<Flag>) {
    let mut verify: Vec<Flag> = Vec::new();
    let add = |list: &mut Vec<Flag>, id: &str, note: String| {
        if !list.iter().any(|f| f.id == id) {
            list.push(Flag {
                id: id.to_string(),
                note,
            });
        }
    };
    let decisive = clauses
        .iter()
        .filter(|c| c.role == Role::Decisive)
        .map(|c| c.id.as_str())
        .chain(
            scenarios
                .iter()
                .flat_map(|s| s.decided_by.iter().map(String::as_str)),
        );
    for id in decisive {
        if let Some(note) = rules.clause(id).and_then(|c| c.verify.clone()) {
            add(&mut verify, id, note);
        }
    }
    // A rule's note holds for every case of its fact: flag the rule once.
    for r in fired.iter().filter(|r| r.binds && r.outcome == outcome) {
        let base = r.id.split('/').next().unwrap_or(&r.id);
        if let Some(note) = rules
            .rules
            .iter()
            .find(|x| x.id == base)
            .and_then(|x| x.verify.clone())
        {
            add(&mut verify, base, note);
        }
    }
    let mut unverified = Vec::new();
    for c in clauses.iter().filter(|c| !c.confirmed) {
        let material = match c.role {
            Role::Decisive => true,
            Role::NotCounting => c.effect.is_some_and(|e| e > outcome),
            Role::Binding | Role::Context => false,
        };
        if material && let Some(position) = rules.clause_position(&c.id) {
            add(
                &mut unverified,
                &c.id,
                evaluator.unconfirmed_note(position, &c.status),
            );
        }
    }
    (verify, unverified)
}
