//! Properties of the engine over random answers and dates: an open answer (unknown, a group,
//! or not asked) is never lighter than any value it stands for; every outcome above "no
//! licence" has a decisive clause that binds; a context clause never decides; the same input
//! gives the same result; and a question the form skips really cannot change the result.

use std::sync::OnceLock;

use jiff::civil::Date;
use proptest::prelude::*;
use ree_screen::engine::{Answers, Role, determine, question_matters, worst_case_assumption};
use ree_screen::rules::{ClauseKind, Outcome, RuleSet, UNKNOWN};

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| ree_screen::rules::embedded().expect("embedded rules load"))
}

/// Dates around every boundary of the rule set.
fn date() -> impl Strategy<Value = Date> {
    prop_oneof![
        Just("2023-12-20"),
        Just("2023-12-21"),
        Just("2025-04-04"),
        Just("2025-10-09"),
        Just("2025-11-06"),
        Just("2025-11-07"),
        Just("2025-12-01"),
        Just("2026-01-06"),
        Just("2026-06-30"),
        Just("2026-07-01"),
        Just("2026-11-10"),
        Just("2026-11-11"),
        Just("2027-03-01"),
    ]
    .prop_map(|d| d.parse().expect("date"))
}

/// For each question, an option position (any: leaf, group or unknown) or none (not asked).
fn answers() -> impl Strategy<Value = Answers> {
    let picks: Vec<BoxedStrategy<Option<usize>>> = rules()
        .questions
        .iter()
        .map(|q| proptest::option::weighted(0.85, 0..q.options.len()).boxed())
        .collect();
    picks.prop_map(|picks| {
        let mut a = Answers::new();
        for (q, pick) in rules().questions.iter().zip(picks) {
            if let Some(p) = pick {
                a.set(&q.id, &q.options[p].id);
            }
        }
        a
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Opening an answer (unknown, or not asking) never lightens the result, and a group is
    /// never lighter than any of its members.
    #[test]
    fn an_open_answer_is_never_lighter(a in answers(), on in date(), q in 0usize..16) {
        let rules = rules();
        let question = &rules.questions[q % rules.questions.len()];
        let given = determine(rules, &a, on).outcome;
        let mut unknown = a.clone();
        unknown.set(&question.id, UNKNOWN);
        prop_assert!(determine(rules, &unknown, on).outcome >= given);
        let mut absent = a.clone();
        absent.remove(&question.id);
        prop_assert!(determine(rules, &absent, on).outcome >= given);
        for group in question.options.iter().filter(|o| o.is_group()) {
            let mut g = a.clone();
            g.set(&question.id, &group.id);
            let worst = determine(rules, &g, on).outcome;
            for member in &group.members {
                let mut m = a.clone();
                m.set(&question.id, member);
                prop_assert!(worst >= determine(rules, &m, on).outcome, "group {} member {member}", group.id);
            }
        }
    }

    /// Every outcome above "no licence" names a decisive clause, every decisive clause binds,
    /// and no context clause decides.
    #[test]
    fn outcomes_are_decided_by_binding_clauses(a in answers(), on in date()) {
        let rules = rules();
        let d = determine(rules, &a, on);
        if d.outcome > Outcome::NoLicenseRequired {
            prop_assert!(!d.decided_by.is_empty(), "{:?} has no decisive clause", d.outcome);
        }
        for id in &d.decided_by {
            let c = d.clause(id).expect("decisive clauses are listed");
            prop_assert_eq!(c.role, Role::Decisive);
            prop_assert!(c.status.binds(), "{} decides but does not bind: {:?}", id, c.status);
            let kind = rules.clause(id).map(|c| c.kind);
            prop_assert_eq!(kind, Some(ClauseKind::Operative), "{} decides but is context", id);
        }
        for c in d.clauses.iter().filter(|c| c.role == Role::Context) {
            prop_assert!(!d.decided_by.contains(&c.id));
        }
        prop_assert!(d.range.best <= d.outcome && d.range.worst == d.outcome);
        prop_assert_eq!(d.provisional, d.provisional || d.range.best != d.range.worst);
    }

    /// A provisional result names the answers its worst case assumes; screened with them, the
    /// result is that worst outcome, still decided by the clause named first.
    #[test]
    fn the_named_assumption_gives_the_worst_case(a in answers(), on in date()) {
        let rules = rules();
        let d = determine(rules, &a, on);
        if !d.provisional || d.decided_by.is_empty() {
            return Ok(());
        }
        let mut assumed = a.clone();
        for (q, v) in worst_case_assumption(rules, &d) {
            assumed.set(&q, &v);
        }
        let worst = determine(rules, &assumed, on);
        prop_assert_eq!(worst.outcome, d.outcome, "assuming {:?}", worst_case_assumption(rules, &d));
        prop_assert!(
            worst.decided_by.contains(&d.decided_by[0]),
            "{} no longer decides under {:?}: {:?}",
            d.decided_by[0],
            worst_case_assumption(rules, &d),
            worst.decided_by
        );
    }

    /// On a re-export No. 18 only classifies the item: it never decides first.
    #[test]
    fn no18_never_decides_a_reexport(a in answers(), on in date()) {
        let rules = rules();
        let mut a = a;
        a.set("origin", "china_reexport");
        let d = determine(rules, &a, on);
        prop_assert_ne!(d.decided_by.first().map(String::as_str), Some("no18-items"));
    }

    /// The same input gives the same result.
    #[test]
    fn deterministic(a in answers(), on in date()) {
        let rules = rules();
        prop_assert_eq!(determine(rules, &a, on), determine(rules, &a, on));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(60))]

    /// A question the form would skip (it cannot change the determination given the answers
    /// before it) gives the same outcome, decisive clauses and licences for every value,
    /// whatever the later answers turn out to be.
    #[test]
    fn a_skipped_question_cannot_change_the_result(a in answers(), on in date(), q in 0usize..16) {
        let rules = rules();
        let q = q % rules.questions.len();
        let question = &rules.questions[q];
        // The answers before q; q and later are open.
        let mut before = Answers::new();
        for earlier in rules.questions.iter().take(q) {
            if let Some(v) = a.get(&earlier.id) {
                before.set(&earlier.id, v);
            }
        }
        if question_matters(rules, &before, on, &question.id) {
            return Ok(());
        }
        // Complete the later questions as `a` has them (or unknown), and try every value.
        let mut later = before.clone();
        for after in rules.questions.iter().skip(q + 1) {
            later.set(&after.id, a.get(&after.id).unwrap_or(UNKNOWN));
        }
        let results: Vec<_> = question
            .leaf_options()
            .map(|o| {
                let mut with = later.clone();
                with.set(&question.id, &o.id);
                let d = determine(rules, &with, on);
                let mut licences: Vec<_> = d.licences.iter().map(|l| (l.kind, l.obtained_by)).collect();
                licences.sort();
                let mut decided = d.decided_by.clone();
                decided.sort();
                (d.outcome, decided, licences)
            })
            .collect();
        prop_assert!(
            results.windows(2).all(|w| w[0] == w[1]),
            "{} was judged not to matter, but its values differ: {:?}",
            question.id,
            results
        );
    }
}

#[test]
fn whether_questions_matter_in_plain_cases() {
    let rules = rules();
    let on: Date = "2026-03-02".parse().expect("date");
    let no_nexus = Answers::new()
        .with("stage", "none")
        .with("goods", "no18_items")
        .with("origin", "no_chinese_nexus");
    assert!(!question_matters(rules, &no_nexus, on, "recipient"));
    assert!(!question_matters(rules, &no_nexus, on, "destination"));
    let reexport = Answers::new()
        .with("stage", "none")
        .with("goods", "no18_items")
        .with("origin", "china_reexport");
    assert!(question_matters(rules, &reexport, on, "recipient"));
    assert!(!question_matters(
        rules,
        &Answers::new().with("stage", "mining"),
        on,
        "line"
    ));
    assert!(question_matters(rules, &Answers::new(), on, "stage"));
}
