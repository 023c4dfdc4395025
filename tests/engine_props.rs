//! Property tests of the engine's invariants: an unknown answer is never lighter than any
//! answer it stands for; every restrictive outcome cites a binding clause; the result is
//! deterministic; provisional exactly when an answer is unknown.

use jiff::civil::Date;
use proptest::prelude::*;
use ree_screen::rules::{Outcome, QuestionId, RuleSet, UNKNOWN};
use ree_screen::{Answers, determine};

fn rules() -> &'static RuleSet {
    static RULES: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
    RULES.get_or_init(|| ree_screen::rules::embedded().expect("embedded rule set is valid"))
}

fn option_ids(q: QuestionId) -> Vec<String> {
    rules()
        .questions
        .get(q)
        .option_ids()
        .map(str::to_string)
        .collect()
}

fn answers() -> impl Strategy<Value = Answers> {
    (
        proptest::sample::select(option_ids(QuestionId::Stage)),
        proptest::sample::select(option_ids(QuestionId::Origin)),
        proptest::sample::select(option_ids(QuestionId::Recipient)),
    )
        .prop_map(|(s, o, r)| Answers::new(&s, &o, &r))
}

/// Dates from 2023 to 2027, which span every boundary in the rule set.
fn dates() -> impl Strategy<Value = Date> {
    (0i64..(5 * 366)).prop_map(|days| {
        Date::constant(2023, 1, 1)
            .checked_add(jiff::Span::new().days(days))
            .expect("in range")
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn unknown_is_never_lighter(a in answers(), date in dates(), q in 0usize..3) {
        let q = QuestionId::ALL[q];
        let mut widened = a.clone();
        widened.set(q, UNKNOWN);
        let known = determine(rules(), &a, date);
        let unknown = determine(rules(), &widened, date);
        prop_assert!(unknown.outcome >= known.outcome,
            "{q:?} unknown gave {} but {:?} gives {}", unknown.outcome, a, known.outcome);
        prop_assert!(unknown.provisional);
        prop_assert!(unknown.missing.contains(&q));
    }

    #[test]
    fn unknown_is_exactly_the_worst_case(a in answers(), date in dates()) {
        let det = determine(rules(), &a, date);
        let mut worst = Outcome::NoLicenseRequired;
        let choices = |q: QuestionId| -> Vec<String> {
            if a.get(q) == UNKNOWN {
                rules().questions.get(q).known_option_ids().map(str::to_string).collect()
            } else {
                vec![a.get(q).to_string()]
            }
        };
        for s in choices(QuestionId::Stage) {
            for o in choices(QuestionId::Origin) {
                for r in choices(QuestionId::Recipient) {
                    worst = worst.max(determine(rules(), &Answers::new(&s, &o, &r), date).outcome);
                }
            }
        }
        prop_assert_eq!(det.outcome, worst);
    }

    #[test]
    fn restrictive_outcomes_cite_a_binding_clause(a in answers(), date in dates()) {
        let det = determine(rules(), &a, date);
        if det.outcome > Outcome::NoLicenseRequired {
            prop_assert!(det.clauses.iter().any(|c| c.applies && c.outcome == det.outcome),
                "{} on {date} for {a:?} cites no binding clause with that outcome", det.outcome);
        }
        for c in &det.clauses {
            prop_assert_eq!(c.applies, c.status.applies());
            prop_assert!(c.outcome <= det.would_be);
        }
        prop_assert!(det.would_be >= det.outcome);
    }

    #[test]
    fn deterministic_and_provisional_only_with_unknowns(a in answers(), date in dates()) {
        let first = determine(rules(), &a, date);
        let second = determine(rules(), &a, date);
        prop_assert_eq!(&first, &second);
        let any_unknown = QuestionId::ALL.iter().any(|q| a.get(*q) == UNKNOWN);
        prop_assert_eq!(first.provisional, any_unknown);
        prop_assert_eq!(first.worst_case.is_empty(), !any_unknown);
    }
}
