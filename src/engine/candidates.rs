//! Screening concrete cases: the answers expanded into every case they could stand for (one
//! option per class of options no rule tells apart), each case evaluated against the
//! compiled rules, and the per-clause roles gathered from the cases that decide.

use std::collections::HashMap;

use jiff::civil::Date;

use super::status::{ClauseStatus, Reading, clause_status, confirmed};
use super::{Because, ClauseResult, Role};
use crate::engine::Answers;
use crate::rules::{ClauseKind, Outcome, RuleSet};

/// One concrete case: per question (in rule-set order) the option it takes, or None where
/// the question does not apply.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Candidate {
    pub values: Vec<Option<usize>>,
}

/// A case's result: the compiled rules that fired, the most severe outcome of those that
/// bind, and of all of them (what would apply if nothing were suspended or pending).
#[derive(Debug, Clone)]
pub struct Evaluated {
    pub fired: Vec<usize>,
    pub binding: Outcome,
    pub would_be: Outcome,
}

/// The rule set read on one date: every clause's status and whether each rule binds, worked
/// out once for all the cases screened.
pub struct Evaluator<'r> {
    pub rules: &'r RuleSet,
    pub date: Date,
    statuses: Vec<ClauseStatus>,
    binds: Vec<bool>,
}

impl<'r> Evaluator<'r> {
    pub fn new(rules: &'r RuleSet, date: Date, reading: Reading) -> Evaluator<'r> {
        let statuses: Vec<ClauseStatus> = (0..rules.clauses.len())
            .map(|c| clause_status(rules, c, date, reading))
            .collect();
        let binds = rules
            .compiled
            .rules
            .iter()
            .map(|r| r.clauses.iter().all(|&c| statuses[c].binds()))
            .collect();
        Evaluator {
            rules,
            date,
            statuses,
            binds,
        }
    }

    pub fn binds(&self, rule: usize) -> bool {
        self.binds[rule]
    }

    /// The values question `q` takes given the answers and the values chosen for earlier
    /// questions: the answer itself, one option per class it covers, or None when the
    /// question does not apply.
    pub fn values_for(
        &self,
        q: usize,
        answers: &Answers,
        values: &[Option<usize>],
    ) -> Vec<Option<usize>> {
        let compiled = &self.rules.compiled.questions[q];
        if let Some(when) = &compiled.ask_when
            && !when.holds(values)
        {
            return vec![None];
        }
        let question = &self.rules.questions[q];
        let given = answers
            .get(&question.id)
            .and_then(|id| question.options.iter().position(|o| o.id == id));
        let covered = match given {
            Some(p) if question.options[p].is_leaf() => return vec![Some(p)],
            Some(p) => &compiled.covers[p],
            None => &compiled.leaves,
        };
        let mut seen = vec![false; compiled.classes.len()];
        covered
            .iter()
            .filter(|&&leaf| {
                compiled.class_of[leaf].is_some_and(|c| !std::mem::replace(&mut seen[c], true))
            })
            .map(|&leaf| Some(leaf))
            .collect()
    }

    /// Every case the answers could stand for.
    pub fn expand(&self, answers: &Answers) -> Vec<Candidate> {
        let order: Vec<usize> = (0..self.rules.questions.len()).collect();
        let mut out = Vec::new();
        self.each_case(answers, &order, &mut |values| {
            out.push(Candidate {
                values: values.to_vec(),
            });
            true
        });
        out
    }

    /// Call `visit` with every case, assigning questions in `order` (which must put each
    /// question after those its `ask_when` names). Stops when `visit` returns false.
    pub fn each_case(
        &self,
        answers: &Answers,
        order: &[usize],
        visit: &mut dyn FnMut(&[Option<usize>]) -> bool,
    ) -> bool {
        let mut values = vec![None; self.rules.questions.len()];
        self.each_from(answers, order, &mut values, visit)
    }

    fn each_from(
        &self,
        answers: &Answers,
        order: &[usize],
        values: &mut Vec<Option<usize>>,
        visit: &mut dyn FnMut(&[Option<usize>]) -> bool,
    ) -> bool {
        let Some((&q, rest)) = order.split_first() else {
            return visit(values);
        };
        for v in self.values_for(q, answers, values) {
            values[q] = v;
            if !self.each_from(answers, rest, values, visit) {
                values[q] = None;
                return false;
            }
        }
        values[q] = None;
        true
    }

    pub fn evaluate(&self, candidate: &Candidate) -> Evaluated {
        self.evaluate_values(&candidate.values)
    }

    pub fn evaluate_values(&self, values: &[Option<usize>]) -> Evaluated {
        let mut fired = Vec::new();
        let mut binding = Outcome::NoLicenseRequired;
        let mut would_be = Outcome::NoLicenseRequired;
        for (i, rule) in self.rules.compiled.rules.iter().enumerate() {
            if !rule.when.holds(values) {
                continue;
            }
            let outcome = self.rules.rules[rule.rule].outcome;
            would_be = would_be.max(outcome);
            if self.binds[i] {
                binding = binding.max(outcome);
            }
            fired.push(i);
        }
        Evaluated {
            fired,
            binding,
            would_be,
        }
    }

    fn outcome_of(&self, rule: usize) -> Outcome {
        self.rules.rules[self.rules.compiled.rules[rule].rule].outcome
    }

    /// The clauses of the rules that bind at `outcome` in `cases`, most telling first: a
    /// rule's own clauses before those of its fact case (which only classify the item: No. 18
    /// on a re-export), then those of rules that rest most on what the officer answered (not
    /// on assumed values), then those deciding the most cases.
    pub fn decided_by<'e>(
        &self,
        cases: impl Iterator<Item = &'e Evaluated>,
        outcome: Outcome,
        answers: &Answers,
    ) -> Vec<String> {
        let given: Vec<bool> = self
            .rules
            .questions
            .iter()
            .map(|q| {
                answers
                    .get(&q.id)
                    .and_then(|a| q.option(a))
                    .is_some_and(|o| o.is_definite())
            })
            .collect();
        // Per clause: (only classifies, grounded answers, cases decided, position in its rule).
        let mut ranks: HashMap<usize, (bool, usize, usize, usize)> = HashMap::new();
        for case in cases {
            let mut seen: Vec<usize> = Vec::new();
            for &r in case
                .fired
                .iter()
                .filter(|&&r| self.binds[r] && self.outcome_of(r) == outcome)
            {
                let rule = &self.rules.compiled.rules[r];
                // A `not` condition (its last slot, "does not apply", holds) only scopes the
                // rule ("not to China"): it does not make it rest more on the answers.
                let grounded = rule
                    .when
                    .0
                    .iter()
                    .filter(|(q, set)| given[*q] && set.last() != Some(&true))
                    .count();
                let own = self.rules.rules[rule.rule].clauses.len();
                for (position, &c) in rule.clauses.iter().enumerate() {
                    let classifies = position >= own;
                    let rank = ranks
                        .entry(c)
                        .or_insert((classifies, grounded, 0, position));
                    rank.0 = rank.0 && classifies;
                    rank.1 = rank.1.max(grounded);
                    rank.3 = rank.3.min(position);
                    if !seen.contains(&c) {
                        seen.push(c);
                        rank.2 += 1;
                    }
                }
            }
        }
        let mut ranked: Vec<(usize, (bool, usize, usize, usize))> = ranks.into_iter().collect();
        ranked.sort_by_key(|&(c, (classifies, grounded, count, position))| {
            (
                classifies,
                std::cmp::Reverse(grounded),
                std::cmp::Reverse(count),
                position,
                c,
            )
        });
        ranked
            .into_iter()
            .map(|(c, _)| self.rules.clauses[c].id.clone())
            .collect()
    }

    /// Every clause that bears on `cases` (the cases at the final outcome), by role.
    pub fn clause_results<'e>(
        &self,
        cases: impl Iterator<Item = &'e Evaluated>,
        outcome: Outcome,
    ) -> Vec<ClauseResult> {
        // Per clause: strongest role, and the most severe outcome of rules that bind / do not.
        let mut seen: HashMap<usize, (Role, Option<Outcome>, Option<Outcome>)> = HashMap::new();
        let mut measures: Vec<usize> = Vec::new();
        for case in cases {
            for &r in &case.fired {
                let rule_outcome = self.outcome_of(r);
                let binds = self.binds[r];
                let role = match (binds, rule_outcome == outcome) {
                    (true, true) => Role::Decisive,
                    (true, false) => Role::Binding,
                    (false, _) => Role::NotCounting,
                };
                for &c in &self.rules.compiled.rules[r].clauses {
                    let entry = seen.entry(c).or_insert((role, None, None));
                    entry.0 = entry.0.min(role);
                    let slot = if binds { &mut entry.1 } else { &mut entry.2 };
                    *slot = Some(slot.map_or(rule_outcome, |o| o.max(rule_outcome)));
                    let m = self.rules.compiled.clause_measure[c];
                    if !measures.contains(&m) {
                        measures.push(m);
                    }
                }
            }
        }
        let mut context: Vec<usize> = Vec::new();
        for (c, clause) in self.rules.clauses.iter().enumerate() {
            let of_fired_measure = measures.contains(&self.rules.compiled.clause_measure[c]);
            if clause.kind == ClauseKind::Context && of_fired_measure {
                context.push(c);
            }
        }
        // The clauses that suspend (or suspended) the ones listed explain their status.
        let suspenders: Vec<usize> = seen
            .keys()
            .chain(&context)
            .filter_map(|&c| self.statuses[c].suspender())
            .filter_map(|by| self.rules.clause_position(by))
            .collect();
        for c in suspenders {
            if !context.contains(&c) {
                context.push(c);
            }
        }
        let mut out: Vec<(usize, ClauseResult)> = seen
            .into_iter()
            .map(|(c, (role, bound, not_bound))| {
                let effect = match role {
                    Role::Decisive | Role::Binding => bound,
                    Role::NotCounting | Role::Context => not_bound,
                };
                (c, self.result(c, role, effect))
            })
            .collect();
        for c in context {
            if !out.iter().any(|(x, _)| *x == c) {
                out.push((c, self.result(c, Role::Context, None)));
            }
        }
        out.sort_by_key(|(c, r)| (r.role, std::cmp::Reverse(r.effect), *c));
        out.into_iter().map(|(_, r)| r).collect()
    }

    fn result(&self, clause: usize, role: Role, effect: Option<Outcome>) -> ClauseResult {
        ClauseResult {
            id: self.rules.clauses[clause].id.clone(),
            role,
            effect,
            status: self.statuses[clause].clone(),
            confirmed: confirmed(self.rules.measure_of(clause), self.date),
        }
    }

    /// The answers a rule fired on in a case; values the officer did not give are assumed.
    pub fn because(&self, rule: usize, candidate: &Candidate, answers: &Answers) -> Vec<Because> {
        self.rules.compiled.rules[rule]
            .when
            .0
            .iter()
            .filter_map(|(q, _)| {
                let question = &self.rules.questions[*q];
                let value = &question.options[candidate.values[*q]?].id;
                let given = answers.get(&question.id).map(|g| question.screened_as(g));
                Some(Because {
                    question: question.id.clone(),
                    value: value.clone(),
                    assumed: given != Some(value.as_str()),
                })
            })
            .collect()
    }

    /// Why a clause's status is not confirmed on the date, in words.
    pub fn unconfirmed_note(&self, clause: usize, status: &ClauseStatus) -> String {
        let measure = self.rules.measure_of(clause);
        let by_name = |by: &str| {
            self.rules
                .clause(by)
                .and_then(|c| self.rules.measure(&c.measure))
                .map_or(by.to_string(), |m| m.short.clone())
        };
        match status {
            ClauseStatus::InForce {
                lapsed: Some(l), ..
            } => format!(
                "{}'s suspension of {} ended on {}; {}, so it is applied as written",
                by_name(&l.by),
                measure.short,
                l.until,
                self.rules
                    .clause(&l.by)
                    .and_then(|c| self.rules.measure(&c.measure))
                    .and_then(|m| m.ends.as_ref()?.lead.clone())
                    .unwrap_or_else(|| "no source says what followed".to_string())
            ),
            ClauseStatus::Suspended { until, by, .. } => format!(
                "{} is suspended by {} until {}, but no source after {} confirms the suspension",
                measure.short,
                by_name(by),
                until,
                measure.verified_until
            ),
            _ => format!(
                "no source after {} confirms the status of {}",
                measure.verified_until, measure.short
            ),
        }
    }
}
