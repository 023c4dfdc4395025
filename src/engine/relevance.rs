//! Which questions are worth asking: a question applies when its `ask_when` holds, and it
//! matters when some value of it changes the determination for some case the other answers
//! still allow. The form and plain mode skip a question that does not matter.

use jiff::civil::Date;

use super::candidates::Evaluator;
use super::status::{Reading, lapsed_unconfirmed};
use super::{Answers, Role};
use crate::rules::{LicenceKind, Outcome, Party, RuleSet};

/// Whether question `question` applies: Some(answer) when the earlier answers settle it,
/// None while it depends on an open earlier answer.
pub fn applies(rules: &RuleSet, answers: &Answers, date: Date, question: &str) -> Option<bool> {
    let q = rules.question_position(question)?;
    let Some(when) = &rules.compiled.questions[q].ask_when else {
        return Some(true);
    };
    let evaluator = Evaluator::new(rules, date, Reading::AsScheduled);
    if !evaluator.affordable(answers, 1) {
        return evaluator.applies_unlisted(q, answers);
    }
    let order: Vec<usize> = (0..q).collect();
    let (mut yes, mut no) = (false, false);
    evaluator.each_case(answers, &order, &mut |values| {
        if when.holds(values) {
            yes = true;
        } else {
            no = true;
        }
        !(yes && no)
    });
    match (yes, no) {
        (true, false) => Some(true),
        (false, _) => Some(false),
        (true, true) => None,
    }
}

/// What an officer sees of one case: the outcome and every clause with its role and effect
/// and the licences, under each reading the result reports (as scheduled, and with a lapsed
/// suspension extended).
type Verdict = Vec<(
    Outcome,
    Vec<(usize, Role, Outcome)>,
    Vec<(LicenceKind, Party)>,
)>;

fn verdict(evaluators: &[Evaluator], values: &[Option<usize>]) -> Verdict {
    evaluators
        .iter()
        .map(|e| {
            let result = e.evaluate_values(values);
            let mut clauses = Vec::new();
            let mut licences = Vec::new();
            for &r in &result.fired {
                let compiled = &e.rules.compiled.rules[r];
                let rule = &e.rules.rules[compiled.rule];
                let role = match (e.binds(r), rule.outcome == result.binding) {
                    (true, true) => Role::Decisive,
                    (true, false) => Role::Binding,
                    (false, _) => Role::NotCounting,
                };
                clauses.extend(compiled.clauses.iter().map(|&c| (c, role, rule.outcome)));
                if e.binds(r)
                    && let Some(l) = e.rules.licence_of(compiled)
                {
                    licences.push((l.kind, l.obtained_by));
                }
            }
            clauses.sort_unstable();
            clauses.dedup();
            licences.sort_unstable();
            licences.dedup();
            (result.binding, clauses, licences)
        })
        .collect()
}

/// Whether the answer to `question` can still change the determination on `date`, given
/// `answers` (a question missing from them counts as open). False when every value of the
/// question gives the same determination in every case the other answers allow, or when the
/// question cannot apply.
pub fn question_matters(rules: &RuleSet, answers: &Answers, date: Date, question: &str) -> bool {
    let Some(q) = rules.question_position(question) else {
        return false;
    };
    // Questions asked only depending on this one move with it.
    let mut moving = vec![q];
    for (d, compiled) in rules.compiled.questions.iter().enumerate().skip(q + 1) {
        if compiled
            .ask_when
            .as_ref()
            .is_some_and(|w| moving.iter().any(|&m| w.names(m)))
        {
            moving.push(d);
        }
    }
    let rest: Vec<usize> = (0..rules.questions.len())
        .filter(|x| !moving.contains(x))
        .collect();
    let order: Vec<usize> = rest.iter().chain(&moving).copied().collect();
    let mut open = answers.clone();
    open.remove(question);

    let mut evaluators = vec![Evaluator::new(rules, date, Reading::AsScheduled)];
    if !lapsed_unconfirmed(rules, date).is_empty() {
        evaluators.push(Evaluator::new(rules, date, Reading::SuspensionsExtended));
    }
    // Too many cases to compare: ask rather than skip a question that might matter.
    if !evaluators[0].affordable(&open, evaluators.len() as u64) {
        return true;
    }
    // Cases come grouped by the other questions' values, this one varying innermost: a
    // group whose cases differ means the answer matters.
    let mut group: Option<(Vec<Option<usize>>, Verdict)> = None;
    let mut matters = false;
    evaluators[0].each_case(&open, &order, &mut |values| {
        if values[q].is_none() {
            return true;
        }
        let key: Vec<Option<usize>> = rest.iter().map(|&r| values[r]).collect();
        let this = verdict(&evaluators, values);
        match &group {
            Some((k, first)) if *k == key => {
                if *first != this {
                    matters = true;
                    return false;
                }
            }
            _ => group = Some((key, this)),
        }
        true
    });
    matters
}
