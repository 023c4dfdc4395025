//! Whether a listing reaches the screened dealing. A listing bans (or restricts) dealings
//! in controlled items, not every sale: the Control List bans exports of dual-use items to
//! the party (and, in some notices, foreign transfers of Chinese-origin ones). Which goods
//! and technologies are controlled items on the date is the rule set's own fact
//! `chinese_dual_use_item`: its cases with origin `china_export` are exports from China,
//! those with `china_reexport` foreign transfers; a case counts only while its clauses bind.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::engine::{Answers, Reading, clause_status};
use crate::rules::{Match, RuleSet};

/// The rule-set fact that says an item is a controlled Chinese dual-use item.
pub const CONTROLLED_ITEM_FACT: &str = "chinese_dual_use_item";

/// Which dealings a listing clause reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Exports of controlled items from China (or by a Chinese person) to the party.
    Export,
    /// Transfers of Chinese-origin controlled items to the party by anyone abroad.
    Transfer,
}

impl Scope {
    fn origin(self) -> &'static str {
        match self {
            Scope::Export => "china_export",
            Scope::Transfer => "china_reexport",
        }
    }
}

/// Whether the answers put the dealing within a scope: surely, only for some value of an
/// open answer, or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reach {
    No,
    Maybe,
    Yes,
}

/// How far the answers (on `date`) reach into `scope`. A rule set without the fact cannot
/// tell: the worst case, `Maybe`.
pub fn item_scope(rules: &RuleSet, answers: &Answers, date: Date, scope: Scope) -> Reach {
    let Some(fact) = rules.facts.iter().find(|f| f.id == CONTROLLED_ITEM_FACT) else {
        return Reach::Maybe;
    };
    let only_origin = Match::AnyOf(vec![scope.origin().to_string()]);
    fact.cases
        .iter()
        .filter(|case| {
            case.clauses.iter().all(|c| {
                rules
                    .clause_position(c)
                    .is_some_and(|p| clause_status(rules, p, date, Reading::AsScheduled).binds())
            })
        })
        .map(|case| {
            let origin = case.when.get("origin");
            let mut reach = answer_reach(rules, answers, "origin", &only_origin);
            if let Some(m) = origin {
                reach = reach.min(answer_reach(rules, answers, "origin", m));
            }
            case.when
                .iter()
                .filter(|(q, _)| *q != "origin")
                .fold(reach, |r, (q, m)| r.min(answer_reach(rules, answers, q, m)))
        })
        .max()
        .unwrap_or(Reach::No)
}

/// Whether the answer to `question` is within `allowed`: all the options it stands for,
/// some, or none (or the question was not asked).
fn answer_reach(rules: &RuleSet, answers: &Answers, question: &str, allowed: &Match) -> Reach {
    let (Some(q), Some(given)) = (rules.question_position(question), answers.get(question)) else {
        return Reach::No;
    };
    let options = &rules.questions[q].options;
    let covers = &rules.compiled.questions[q].covers;
    let Some(given) = options.iter().position(|o| o.id == given) else {
        return Reach::No;
    };
    let named: Vec<usize> = allowed
        .values()
        .iter()
        .filter_map(|v| options.iter().position(|o| &o.id == v))
        .flat_map(|p| covers[p].iter().copied())
        .collect();
    let inside = |leaf: &usize| match allowed {
        Match::AnyOf(_) => named.contains(leaf),
        Match::Not { .. } => !named.contains(leaf),
    };
    let stands_for = &covers[given];
    if stands_for.iter().all(inside) {
        Reach::Yes
    } else if stands_for.iter().any(inside) {
        Reach::Maybe
    } else {
        Reach::No
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controlled_items_reach_exports_and_transfers() {
        let rules = crate::rules::embedded().expect("rules");
        let on: Date = "2026-12-04".parse().expect("date");
        let reach = |goods: &str, origin: &str, scope: Scope| {
            let answers = Answers::new()
                .with("stage", "none")
                .with("goods", goods)
                .with("origin", origin);
            item_scope(&rules, &answers, on, scope)
        };
        // (goods, origin, scope, reach): an unknown answer may reach; a transfer scope
        // reaches re-exports only.
        for (goods, origin, scope, expected) in [
            ("no18_items", "china_export", Scope::Export, Reach::Yes),
            ("other", "china_export", Scope::Export, Reach::No),
            ("unknown", "china_export", Scope::Export, Reach::Maybe),
            ("no18_items", "unknown", Scope::Export, Reach::Maybe),
            ("no18_items", "china_export", Scope::Transfer, Reach::No),
            ("no18_items", "china_reexport", Scope::Transfer, Reach::Yes),
        ] {
            assert_eq!(
                reach(goods, origin, scope),
                expected,
                "{goods}, {origin}, {scope:?}"
            );
        }
    }
}
