//! Screening concrete cases: the answers expanded into every case they could stand for (one
//! option per class of options no rule tells apart), each case evaluated against the
//! compiled rules, and the per-clause roles gathered from the cases that decide.
//!
//! The expansion is bounded: when the cases the open answers stand for would take more than
//! the rule set's budget to screen, no case is enumerated. Each rule is then checked on its
//! own for whether some case could fire it (and whether every case does), which gives the
//! worst outcome any case could give without listing the cases.

use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;

use super::status::{ClauseStatus, Reading, clause_status, confirmed};
use super::{Because, ClauseResult, Role};
use crate::engine::Answers;
use crate::rules::{ClauseKind, CompiledCondition, Outcome, RuleSet};

/// One concrete case: per question (in rule-set order) the option it takes, or None where
/// the question does not apply.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Candidate {
    pub values: Vec<Option<usize>>,
    /// For a stand-in for cases not listed (beyond the budget), the open questions it stands
    /// for: they have no value, and a rule fired on the first option its condition allows.
    /// Empty for a listed case.
    pub stand_in_for: Vec<usize>,
}

/// The cases the answers stand for, each evaluated. Beyond the budget, two stand-ins instead
/// (see [`Evaluator::expand`]) and the open answers that were not expanded.
pub struct Expansion {
    pub candidates: Vec<Candidate>,
    pub evaluated: Vec<Evaluated>,
    /// Positions of the open questions whose values were not enumerated.
    pub not_expanded: Vec<usize>,
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
        if let Some(when) = &self.rules.compiled.questions[q].ask_when
            && !when.holds(values)
        {
            return vec![None];
        }
        self.options_for(q, answers).into_iter().map(Some).collect()
    }

    /// The options question `q` takes where it applies: the answer itself, or one option per
    /// class it covers.
    fn options_for(&self, q: usize, answers: &Answers) -> Vec<usize> {
        let compiled = &self.rules.compiled.questions[q];
        let question = &self.rules.questions[q];
        let given = answers
            .get(&question.id)
            .and_then(|id| question.options.iter().position(|o| o.id == id));
        let covered = match given {
            Some(p) if question.options[p].is_leaf() => return vec![p],
            Some(p) => &compiled.covers[p],
            None => &compiled.leaves,
        };
        let mut seen = vec![false; compiled.classes.len()];
        covered
            .iter()
            .copied()
            .filter(|&leaf| {
                compiled.class_of[leaf].is_some_and(|c| !std::mem::replace(&mut seen[c], true))
            })
            .collect()
    }

    /// Every case the answers could stand for, evaluated; or, beyond the budget, the two
    /// stand-ins of [`Evaluator::each_rule_alone`].
    pub fn expand(&self, answers: &Answers) -> Expansion {
        if !self.affordable(answers, 1) {
            return self.each_rule_alone(answers);
        }
        let order: Vec<usize> = (0..self.rules.questions.len()).collect();
        let mut candidates = Vec::new();
        self.each_case(answers, &order, &mut |values| {
            candidates.push(Candidate {
                values: values.to_vec(),
                stand_in_for: Vec::new(),
            });
            true
        });
        let evaluated = candidates.iter().map(|c| self.evaluate(c)).collect();
        Expansion {
            candidates,
            evaluated,
            not_expanded: Vec::new(),
        }
    }

    /// Whether screening every case of `answers`, `evaluations` times each, fits the rule
    /// set's budget: the cases times what each costs (every rule's conditions and clauses,
    /// each question's value, and a pass per value of each open answer for the outcome by
    /// value), which bounds both the time and the memory the cases take.
    pub fn affordable(&self, answers: &Answers, evaluations: u64) -> bool {
        let rules: usize = (self.rules.compiled.rules.iter())
            .map(|r| r.when.0.len() + r.clauses.len() + 1)
            .sum();
        let values: usize = (0..self.rules.questions.len())
            .map(|q| self.options_for(q, answers).len() + 1)
            .sum();
        let per_case = ((rules + values) as u64).saturating_mul(evaluations).max(1);
        let limit = (self.rules.compiled.expansion_budget / per_case).max(1);
        self.cases_within(answers, limit).is_some()
    }

    /// How many cases the answers stand for (at most), or None when more than `limit`. The
    /// product of the values each question can take bounds it; when that is over the limit,
    /// the cases are counted, listing only the questions up to the last one an `ask_when`
    /// governs (the ones after it multiply), and giving up past the limit.
    fn cases_within(&self, answers: &Answers, limit: u64) -> Option<u64> {
        let questions = self.rules.questions.len();
        let sizes: Vec<u64> = (0..questions)
            .map(|q| (self.options_for(q, answers).len() as u64).max(1))
            .collect();
        let product = sizes.iter().fold(1u64, |p, &s| p.saturating_mul(s));
        if product <= limit {
            return Some(product);
        }
        let last = (0..questions)
            .rev()
            .find(|&q| self.rules.compiled.questions[q].ask_when.is_some())?;
        let tail = sizes[last + 1..]
            .iter()
            .fold(1u64, |p, &s| p.saturating_mul(s));
        let order: Vec<usize> = (0..=last).collect();
        let mut count = 0u64;
        let counted = self.each_case(answers, &order, &mut |_| {
            count = count.saturating_add(tail);
            count <= limit
        });
        counted.then_some(count)
    }

    /// The result without enumerating cases: a stand-in case where every rule that some case
    /// could fire fires (its outcome is the worst any case gives, so never lighter than
    /// screening every case), and one where only the rules every case fires do (a lower
    /// bound for the best outcome). The open answers are named as not expanded.
    fn each_rule_alone(&self, answers: &Answers) -> Expansion {
        let open = OpenCases::of(self, answers);
        let rules = &self.rules.compiled.rules;
        let possible: Vec<usize> = (0..rules.len())
            .filter(|&r| open.satisfiable(&rules[r].when))
            .collect();
        let certain: Vec<usize> = (0..rules.len())
            .filter(|&r| open.certain(&rules[r].when))
            .collect();
        let values: Vec<Option<usize>> = (0..self.rules.questions.len())
            .map(|q| open.settled(q))
            .collect();
        let not_expanded: Vec<usize> = (0..self.rules.questions.len())
            .filter(|&q| open.settled(q).is_none() && open.may_apply[q])
            .filter(|&q| {
                answers.get(&self.rules.questions[q].id).is_some()
                    || possible.iter().any(|&r| rules[r].when.names(q))
            })
            .collect();
        Expansion {
            candidates: vec![
                Candidate {
                    values,
                    stand_in_for: not_expanded.clone(),
                };
                2
            ],
            evaluated: vec![self.evaluated_of(possible), self.evaluated_of(certain)],
            not_expanded,
        }
    }

    /// Whether question `q` applies, from its `ask_when` checked as a whole rather than case
    /// by case: Some when every case agrees, None when it may go either way.
    pub fn applies_unlisted(&self, q: usize, answers: &Answers) -> Option<bool> {
        let open = OpenCases::of(self, answers);
        match (open.may_apply[q], open.may_not_apply[q]) {
            (true, false) => Some(true),
            (false, _) => Some(false),
            (true, true) => None,
        }
    }

    /// A case that fires exactly `fired`.
    fn evaluated_of(&self, fired: Vec<usize>) -> Evaluated {
        let mut binding = Outcome::NoLicenseRequired;
        let mut would_be = Outcome::NoLicenseRequired;
        for &r in &fired {
            let outcome = self.outcome_of(r);
            would_be = would_be.max(outcome);
            if self.binds[r] {
                binding = binding.max(outcome);
            }
        }
        Evaluated {
            fired,
            binding,
            would_be,
        }
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
        let fired = (0..self.rules.compiled.rules.len())
            .filter(|&r| self.rules.compiled.rules[r].when.holds(values))
            .collect();
        self.evaluated_of(fired)
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
            .filter_map(|(q, set)| {
                let question = &self.rules.questions[*q];
                let option = match candidate.values[*q] {
                    Some(v) => v,
                    None if candidate.stand_in_for.contains(q) => (0..question.options.len())
                        .find(|&o| set[o] && question.options[o].is_leaf())?,
                    None => return None,
                };
                let value = &question.options[option].id;
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

/// What the answers leave open, per question, for checking a condition without listing the
/// cases: the options it can take, and whether it can apply and can fail to apply.
struct OpenCases<'e> {
    evaluator: &'e Evaluator<'e>,
    /// Per question, per option: whether some case gives it that option.
    covered: Vec<Vec<bool>>,
    may_apply: Vec<bool>,
    may_not_apply: Vec<bool>,
}

impl<'e> OpenCases<'e> {
    fn of(evaluator: &'e Evaluator<'e>, answers: &Answers) -> OpenCases<'e> {
        let rules = evaluator.rules;
        let covered = rules
            .questions
            .iter()
            .enumerate()
            .map(|(q, question)| {
                let compiled = &rules.compiled.questions[q];
                let given = answers
                    .get(&question.id)
                    .and_then(|id| question.options.iter().position(|o| o.id == id));
                let mut set = vec![false; question.options.len()];
                for &leaf in given.map_or(&compiled.leaves, |p| &compiled.covers[p]) {
                    set[leaf] = true;
                }
                set
            })
            .collect();
        let mut open = OpenCases {
            evaluator,
            covered,
            may_apply: Vec::new(),
            may_not_apply: Vec::new(),
        };
        // An `ask_when` names only earlier questions, so each is worked out from those.
        for compiled in &rules.compiled.questions {
            let (may, may_not) = match &compiled.ask_when {
                None => (true, false),
                Some(when) => (open.satisfiable(when), !open.certain(when)),
            };
            open.may_apply.push(may);
            open.may_not_apply.push(may_not);
        }
        open
    }

    /// The one option a question takes in every case (an answered question that applies).
    fn settled(&self, q: usize) -> Option<usize> {
        let mut options = (0..self.covered[q].len()).filter(|&o| self.covered[q][o]);
        match (options.next(), options.next()) {
            (Some(only), None) if self.may_apply[q] && !self.may_not_apply[q] => Some(only),
            _ => None,
        }
    }

    /// Whether a condition's set matches a case where its question does not apply (the slot
    /// after the options, where the condition has one).
    fn matches_not_applying(&self, q: usize, set: &[bool]) -> bool {
        set.get(self.covered[q].len()).copied().unwrap_or(false)
    }

    /// Whether some case satisfies `when`. A question it needs answered (its set has no
    /// place for "does not apply") brings in that question's own `ask_when`; the sets are then
    /// checked per question, which is exact for conditions that need every question they
    /// name to apply, and otherwise errs towards "satisfiable" (never lighter).
    fn satisfiable(&self, when: &CompiledCondition) -> bool {
        let questions = &self.evaluator.rules.compiled.questions;
        let mut need: BTreeMap<usize, Vec<bool>> = BTreeMap::new();
        let mut pending: Vec<&(usize, Vec<bool>)> = when.0.iter().collect();
        let mut brought_in: Vec<usize> = Vec::new();
        loop {
            for (q, set) in pending.drain(..) {
                match need.get_mut(q) {
                    Some(merged) => merged.iter_mut().zip(set).for_each(|(m, s)| *m &= *s),
                    None => {
                        need.insert(*q, set.clone());
                    }
                }
            }
            for (&q, set) in &need {
                if !self.matches_not_applying(q, set) && !brought_in.contains(&q) {
                    brought_in.push(q);
                    if let Some(ask) = &questions[q].ask_when {
                        pending.extend(&ask.0);
                    }
                }
            }
            if pending.is_empty() {
                break;
            }
        }
        need.iter().all(|(&q, set)| {
            let by_value = self.may_apply[q]
                && self.covered[q]
                    .iter()
                    .zip(set)
                    .any(|(&covered, &matches)| covered && matches);
            by_value || (self.may_not_apply[q] && self.matches_not_applying(q, set))
        })
    }

    /// Whether every case satisfies `when`: every way each question it names can turn out
    /// matches.
    fn certain(&self, when: &CompiledCondition) -> bool {
        when.0.iter().all(|(q, set)| {
            let values_match = !self.may_apply[*q]
                || self.covered[*q]
                    .iter()
                    .zip(set)
                    .all(|(&covered, &matches)| !covered || matches);
            values_match && (!self.may_not_apply[*q] || self.matches_not_applying(*q, set))
        })
    }
}
