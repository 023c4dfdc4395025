//! Bounded work: beyond its budget the engine screens open answers from each rule on its own
//! instead of case by case, and that result is never lighter than the full enumeration (a
//! property over small random rule sets, the budget forced to nothing); the loader refuses
//! rule sets beyond its limits. The benchmark (ignored) screens the shipped rule set and
//! generated rule sets at the limits with everything unknown:
//! `cargo test --release --test engine_bounds -- --ignored --nocapture`

use std::time::Instant;

use jiff::civil::Date;
use proptest::prelude::*;
use ree_screen::engine::{Answers, determine, question_matters};
use ree_screen::rules::limits::{
    CLAUSES, COMPILED_RULES, FACT_CASES, LIST, NESTING, OPTIONS, QUESTIONS, RULES, TEXT_BYTES,
};
use ree_screen::rules::{Outcome, RuleSet, UNKNOWN, parse};
use serde_json::{Value, json};

/// A small rule set: per question its number of concrete options (the first question's
/// later ones may depend on it), and per rule its conditions (question, options, negated),
/// outcome and whether it rests on the suspended measure's clause.
#[derive(Debug, Clone)]
struct Small {
    options: Vec<usize>,
    /// For each question after the first: Some((options of question 0, negated)) when it is
    /// asked only then.
    ask_when: Vec<Option<(Vec<usize>, bool)>>,
    rules: Vec<SmallRule>,
}

#[derive(Debug, Clone)]
struct SmallRule {
    when: Vec<(usize, Vec<usize>, bool)>,
    outcome: Outcome,
    suspended: bool,
    on_fact: bool,
}

fn leaf(o: usize) -> String {
    format!("o{o}")
}

fn condition(small: &Small, when: &[(usize, Vec<usize>, bool)]) -> Value {
    let mut out = serde_json::Map::new();
    for (q, values, negated) in when {
        let q = q % small.options.len();
        let mut values: Vec<String> = values.iter().map(|v| leaf(v % small.options[q])).collect();
        values.sort();
        values.dedup();
        let m = if *negated {
            json!({ "not": values })
        } else {
            json!(values)
        };
        out.insert(format!("q{q}"), m);
    }
    Value::Object(out)
}

fn small_rule_set(small: &Small) -> RuleSet {
    let source = json!([{"url": "https://example.org/a", "grade": "S"}]);
    let questions: Vec<Value> = small
        .options
        .iter()
        .enumerate()
        .map(|(q, &n)| {
            let mut options: Vec<Value> = (0..n)
                .map(|o| json!({"id": leaf(o), "label": leaf(o), "help": ""}))
                .collect();
            options.push(json!({"id": "first_two", "label": "g", "members": [leaf(0), leaf(1)]}));
            options.push(json!({"id": UNKNOWN, "label": "?"}));
            let mut question =
                json!({"id": format!("q{q}"), "title": "Q", "help": "", "options": options});
            if q > 0
                && let Some((values, negated)) = &small.ask_when[q - 1]
            {
                question["ask_when"] = condition(small, &[(0, values.clone(), *negated)]);
            }
            question
        })
        .collect();
    let rules: Vec<Value> = small
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut rule = json!({
                "id": format!("r{i}"),
                "when": condition(small, &r.when),
                "outcome": r.outcome,
                "clauses": [if r.suspended { "held" } else { "plain" }],
                "why": "because",
            });
            if (Outcome::LicenseRequired..Outcome::Prohibited).contains(&r.outcome) {
                rule["licence"] = json!({"kind": "dual_use", "obtained_by": if i % 2 == 0 { "exporter_in_china" } else { "foreign_reexporter" }});
            }
            if r.on_fact {
                rule["if_fact"] = json!("listed");
            }
            rule
        })
        .collect();
    let text = json!({
        "schema": 2, "id": "small", "version": "1", "reviewed": "2021-01-01",
        "title": "t", "disclaimer": "d",
        "questions": questions,
        "facts": [{"id": "listed", "label": "listed", "cases": [
            {"id": "a", "label": "a", "when": condition(small, &[(0, vec![0], false)]), "clauses": ["plain"]},
            {"id": "b", "label": "b", "when": condition(small, &[(1, vec![1, 2], true)]), "clauses": ["held"]}
        ]}],
        "measures": [
            {"id": "m1", "name": "M1", "short": "M1", "title": "M1", "published": "2020-01-01",
             "effective": "2020-01-01", "verified_until": "2030-01-01", "sources": source},
            {"id": "m2", "name": "M2", "short": "M2", "title": "M2", "published": "2020-01-01",
             "effective": "2020-01-01", "verified_until": "2030-01-01", "sources": source,
             "suspensions": [{"from": "2021-01-01", "until": "2021-12-31", "by": "stop"}]}
        ],
        "clauses": [
            {"id": "plain", "measure": "m1", "article": "Art. 1", "text": "t", "sources": source},
            {"id": "held", "measure": "m2", "article": "Art. 1", "text": "t", "sources": source},
            {"id": "stop", "measure": "m1", "article": "Art. 2", "kind": "context", "text": "t", "sources": source}
        ],
        "rules": rules,
    });
    parse("small.json", &text.to_string()).expect("the generated rule set loads")
}

fn outcome() -> impl Strategy<Value = Outcome> {
    prop::sample::select(Outcome::ALL.to_vec())
}

fn small() -> impl Strategy<Value = Small> {
    let options = prop::collection::vec(2usize..5, 1..5);
    let ask_when = prop::collection::vec(
        prop::option::weighted(0.4, (prop::collection::vec(0usize..5, 1..3), any::<bool>())),
        3,
    );
    let rule = (
        prop::collection::vec(
            (
                0usize..4,
                prop::collection::vec(0usize..5, 1..3),
                any::<bool>(),
            ),
            0..3,
        ),
        outcome(),
        prop::bool::weighted(0.3),
        prop::bool::weighted(0.2),
    )
        .prop_map(|(when, outcome, suspended, on_fact)| SmallRule {
            when,
            outcome,
            suspended,
            on_fact,
        });
    (options, ask_when, prop::collection::vec(rule, 1..7)).prop_map(|(options, ask_when, rules)| {
        Small {
            options,
            ask_when,
            rules,
        }
    })
}

/// Per question: not asked, unknown, the group, or an option (taken modulo its count).
fn answers_for(rules: &RuleSet, picks: &[u8]) -> Answers {
    let mut answers = Answers::new();
    for (question, &pick) in rules.questions.iter().zip(picks) {
        match pick % 6 {
            0 => {}
            1 => answers.set(&question.id, UNKNOWN),
            2 => answers.set(&question.id, "first_two"),
            p => {
                let leaves: Vec<&str> = question.leaf_options().map(|o| o.id.as_str()).collect();
                answers.set(&question.id, leaves[usize::from(p) % leaves.len()]);
            }
        }
    }
    answers
}

fn date() -> impl Strategy<Value = Date> {
    prop::sample::select(vec!["2020-06-01", "2021-06-01", "2022-06-01"])
        .prop_map(|d| d.parse().expect("date"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// With no budget at all, every open answer is screened from each rule on its own: the
    /// outcome is never lighter than screening every case, the range never narrower, the
    /// licences and deciding clauses never fewer, and the result is provisional and names
    /// what it did not expand.
    #[test]
    fn beyond_the_budget_is_never_lighter(small in small(), picks in prop::collection::vec(any::<u8>(), 4), on in date()) {
        let full_rules = small_rule_set(&small);
        let mut bounded_rules = full_rules.clone();
        bounded_rules.compiled.expansion_budget = 0;
        let answers = answers_for(&full_rules, &picks);
        let full = determine(&full_rules, &answers, on);
        let bounded = determine(&bounded_rules, &answers, on);
        prop_assert!(full.not_expanded.is_empty());
        prop_assert!(bounded.outcome >= full.outcome, "{:?} < {:?}", bounded.outcome, full.outcome);
        prop_assert!(bounded.range.best <= full.range.best);
        for licence in &full.licences {
            prop_assert!(
                bounded.licences.iter().any(|l| l.kind == licence.kind && l.obtained_by == licence.obtained_by),
                "licence {licence:?} missing"
            );
        }
        if bounded.outcome == full.outcome {
            for clause in &full.decided_by {
                prop_assert!(bounded.decided_by.contains(clause), "{clause} does not decide");
            }
        }
        for (b, f) in bounded.scenarios.iter().zip(&full.scenarios) {
            prop_assert!(b.outcome >= f.outcome);
        }
        if bounded.not_expanded.is_empty() {
            // Nothing was open: one case, screened as it is.
            prop_assert_eq!(&bounded, &full);
        } else {
            prop_assert!(bounded.provisional);
            for id in &bounded.not_expanded {
                prop_assert!(bounded.open.iter().any(|o| &o.question == id));
            }
        }
        if full.provisional && full.range.best != full.range.worst {
            prop_assert!(bounded.provisional);
        }
    }
}

/// The shipped rule set, everything unknown, is screened case by case (within the budget).
#[test]
fn the_shipped_rule_set_is_screened_case_by_case() {
    let rules = ree_screen::rules::embedded().expect("embedded");
    let on: Date = "2026-03-02".parse().expect("date");
    for answers in [Answers::all_unknown(&rules), Answers::new()] {
        let d = determine(&rules, &answers, on);
        assert!(d.not_expanded.is_empty(), "{:?}", d.not_expanded);
        assert!(!d.by_answer.is_empty());
    }
}

/// A rule set with many questions, every one unknown (2^24 cases), gives a provisional
/// worst case naming the answers it did not expand, at once; the form's relevance asks every
/// question rather than enumerating.
#[test]
fn too_many_open_answers_give_the_worst_case_from_each_rule() {
    let rules = wide_rule_set(24, 4);
    let on: Date = "2026-03-02".parse().expect("date");
    let started = Instant::now();
    let d = determine(&rules, &Answers::all_unknown(&rules), on);
    assert!(
        started.elapsed().as_secs() < 5,
        "bounded: {:?}",
        started.elapsed()
    );
    assert_eq!(d.outcome, Outcome::Prohibited);
    assert!(d.provisional);
    assert_eq!(d.not_expanded.len(), 24, "{:?}", d.not_expanded);
    assert_eq!(d.range.best, Outcome::NoLicenseRequired);
    let report = ree_screen::report::of(&rules, &d, ree_screen::report::Detail::Concise);
    assert!(
        report.contains("the 24 open answers have too many combinations to screen one by"),
        "{report}"
    );
    assert!(
        report.contains("[q23 assumed option 3]"),
        "the why-trace names what it assumed: {report}"
    );
    assert!(question_matters(&rules, &Answers::new(), on, "q23"));
    // Answering all but a few questions brings it back within the budget.
    let mut answers = Answers::new();
    for q in 0..20 {
        answers.set(&format!("q{q}"), "o0");
    }
    let d = determine(&rules, &answers, on);
    assert!(d.not_expanded.is_empty());
}

/// `n` questions of `k` options each; rule `q` needs question `q` to be its last option and
/// leads to ever more severe outcomes, so every question tells options apart.
fn wide_rule_set(n: usize, k: usize) -> RuleSet {
    parse("wide.json", &wide_json(n, k, 1).to_string()).expect("wide rule set loads")
}

fn wide_json(n: usize, k: usize, text_bytes: usize) -> Value {
    let source = json!([{"url": "https://example.org/a", "grade": "S"}]);
    let questions: Vec<Value> = (0..n)
        .map(|q| {
            let mut options: Vec<Value> = (0..k)
                .map(|o| json!({"id": format!("o{o}"), "label": format!("option {o}")}))
                .collect();
            options.push(json!({"id": UNKNOWN, "label": "Not known yet"}));
            json!({"id": format!("q{q}"), "title": format!("Question {q}"), "help": "", "options": options})
        })
        .collect();
    let outcomes = [
        Outcome::Exempt,
        Outcome::LicenseRequired,
        Outcome::CaseByCase,
        Outcome::DeniedInPrinciple,
        Outcome::Prohibited,
    ];
    let rules: Vec<Value> = (0..n)
        .map(|q| {
            let outcome = outcomes[q * outcomes.len() / n];
            let mut rule = json!({
                "id": format!("r{q}"),
                "when": {format!("q{q}"): [format!("o{}", k - 1)]},
                "outcome": outcome,
                "clauses": ["c0"],
                "why": "x".repeat(text_bytes.max(1)),
            });
            if (Outcome::LicenseRequired..Outcome::Prohibited).contains(&outcome) {
                rule["licence"] = json!({"kind": "dual_use", "obtained_by": "exporter_in_china"});
            }
            rule
        })
        .collect();
    json!({
        "schema": 2, "id": "wide", "version": "1", "reviewed": "2026-01-01",
        "title": "t", "disclaimer": "d",
        "questions": questions,
        "measures": [{"id": "m", "name": "M", "short": "M", "title": "M", "published": "2020-01-01",
                      "effective": "2020-01-01", "verified_until": "2030-01-01", "sources": source}],
        "clauses": [{"id": "c0", "measure": "m", "article": "Art. 1", "text": "t", "sources": source}],
        "rules": rules,
    })
}

/// Make the list `list` hold `count` copies of its first item, each with an id of its own.
fn copies(v: &mut Value, list: &str, count: usize) {
    let first = v[list][0].clone();
    let items = (0..count)
        .map(|i| {
            let mut item = first.clone();
            item["id"] = json!(format!("{list}{i}"));
            item
        })
        .collect();
    v[list] = Value::Array(items);
}

/// Each limit refused with the place that exceeds it; the rule set at the limit is accepted.
#[test]
fn rule_sets_beyond_the_limits_are_refused_naming_the_place() {
    let base = wide_json(3, 3, 1);
    let refused = |edit: &dyn Fn(&mut Value)| {
        let mut v = base.clone();
        edit(&mut v);
        let text = serde_json::to_string_pretty(&v).expect("json");
        parse("big.json", &text).expect_err("beyond a limit")
    };
    let err = refused(&|v| copies(v, "questions", QUESTIONS + 1));
    assert_eq!(err.path.as_deref(), Some("questions"), "{err}");
    assert!(
        err.message.contains(&format!(
            "{} questions; a rule set may have at most {QUESTIONS}",
            QUESTIONS + 1
        )),
        "{err}"
    );
    assert!(err.line.is_some(), "{err}");

    let err = refused(&|v| {
        let options = v["questions"][1]["options"]
            .as_array_mut()
            .expect("options");
        options.extend((3..OPTIONS).map(|o| json!({"id": format!("o{o}"), "label": "x"})));
    });
    assert_eq!(err.path.as_deref(), Some("questions[1].options"), "{err}");
    assert!(err.message.contains(&format!("at most {OPTIONS}")), "{err}");

    let err = refused(&|v| copies(v, "rules", RULES + 1));
    assert_eq!(err.path.as_deref(), Some("rules"), "{err}");

    let err = refused(&|v| copies(v, "clauses", CLAUSES + 1));
    assert_eq!(err.path.as_deref(), Some("clauses"), "{err}");

    let err = refused(&|v| {
        v["clauses"][0]["text"] = json!("x".repeat(TEXT_BYTES + 1));
    });
    assert_eq!(err.path.as_deref(), Some("clauses[0].text"), "{err}");
    assert!(
        err.message
            .contains(&format!("text of {} bytes", TEXT_BYTES + 1)),
        "{err}"
    );
    assert!(err.line.is_some());

    let err = refused(&|v| {
        v["clauses"][0]["sources"] =
            Value::Array(vec![v["clauses"][0]["sources"][0].clone(); LIST + 1]);
    });
    assert_eq!(err.path.as_deref(), Some("clauses[0].sources"), "{err}");

    let err = refused(&|v| {
        let mut deep = json!("x");
        for _ in 0..NESTING {
            deep = json!([deep]);
        }
        v["rules"][0]["when"] = json!({"q0": deep});
    });
    assert!(err.message.contains("nested deeper"), "{err}");
    assert!(
        err.path
            .as_deref()
            .is_some_and(|p| p.starts_with("rules[0].when.q0")),
        "{err}"
    );

    let err = refused(&|v| {
        let cases: Vec<Value> = (0..FACT_CASES)
            .map(|c| json!({"id": format!("k{c}"), "label": "k", "when": {}, "clauses": []}))
            .collect();
        v["facts"] = json!([{"id": "f", "label": "f", "cases": cases}]);
        let fact_rules = COMPILED_RULES / FACT_CASES + 1;
        let rules = v["rules"].as_array_mut().expect("rules");
        for i in 0..fact_rules {
            let mut r = rules[0].clone();
            r["id"] = json!(format!("f{i}"));
            r["if_fact"] = json!("f");
            rules.push(r);
        }
    });
    assert!(
        err.message.contains(&format!("at most {COMPILED_RULES}")),
        "{err}"
    );
    assert!(
        err.path.as_deref().is_some_and(|p| p.ends_with(".if_fact")),
        "{err}"
    );

    // At the limits: accepted.
    let mut v = base.clone();
    v["clauses"][0]["text"] = json!("x".repeat(TEXT_BYTES));
    parse("at-limit.json", &v.to_string()).expect("at the limit");
}

/// Each question has `classes` options and one rule per option, so every option is a class
/// of its own: `classes^n` cases, all enumerated while that fits the budget.
fn dense_json(n: usize, classes: usize) -> Value {
    let mut v = wide_json(n, classes, 1);
    let rules: Vec<Value> = (0..n)
        .flat_map(|q| (0..classes).map(move |o| (q, o)))
        .map(|(q, o)| {
            json!({
                "id": format!("r{q}_{o}"),
                "when": {format!("q{q}"): [format!("o{o}")]},
                "outcome": Outcome::ALL[(q + o) % 2],
                "clauses": ["c0"],
                "why": "x",
            })
        })
        .collect();
    v["rules"] = Value::Array(rules);
    v
}

/// A rule set at the limits, within the 4 MiB a rules file may have: 40 questions of 400
/// options (one a country question, every fifth asked only depending on the one before),
/// 200 measures, 2,000 clauses, 1,000 rules (15 on facts of 200 cases: about 3,985 compiled)
/// each naming eight questions with up to 30 values.
fn at_the_limits_json() -> Value {
    let source = json!([{"url": "https://example.org/source/a", "grade": "S"}]);
    let leaves = OPTIONS - 2;
    let question_count = QUESTIONS;
    let mut random = Lcg(7);
    let questions: Vec<Value> = (0..question_count)
        .map(|q| {
            if q == question_count - 1 {
                return json!({"id": format!("q{q}"), "title": "Country", "help": "", "kind": "country",
                              "options": [{"id": UNKNOWN, "label": "Not known yet"}]});
            }
            let mut options: Vec<Value> = (0..leaves)
                .map(|o| json!({"id": format!("o{o}"), "label": format!("option {o}"), "help": "h"}))
                .collect();
            options.push(json!({"id": "some", "label": "some", "members": (0..200).map(|o| format!("o{o}")).collect::<Vec<_>>()}));
            options.push(json!({"id": UNKNOWN, "label": "Not known yet"}));
            let mut question = json!({"id": format!("q{q}"), "title": format!("Question {q}"), "help": "h", "options": options});
            if q % 5 == 4 {
                question["ask_when"] = json!({format!("q{}", q - 1): random.options(200, leaves)});
            }
            question
        })
        .collect();
    let measures: Vec<Value> = (0..200)
        .map(|m| {
            let mut measure = json!({"id": format!("m{m}"), "name": format!("Measure {m}"), "short": format!("M{m}"), "title": "t",
                   "published": "2020-01-01", "effective": "2020-01-01", "verified_until": "2026-06-30", "sources": source});
            if m % 3 == 0 {
                measure["suspensions"] = json!([{"from": "2025-11-07", "until": "2026-11-10", "by": "c0"}]);
            }
            measure
        })
        .collect();
    let text = "x".repeat(400);
    let clauses: Vec<Value> = (0..CLAUSES)
        .map(|c| json!({"id": format!("c{c}"), "measure": format!("m{}", c % 200), "article": format!("Art. {c}"),
                        "text": text, "sources": source}))
        .collect();
    let mut condition = |count: usize, per_condition: usize| -> Value {
        let mut when = serde_json::Map::new();
        for _ in 0..count {
            let q = random.below(question_count - 1);
            let vals = random.options(per_condition, leaves);
            let m = if random.below(2) == 0 {
                json!(vals)
            } else {
                json!({"not": vals})
            };
            when.insert(format!("q{q}"), m);
        }
        Value::Object(when)
    };
    let facts: Vec<Value> = (0..FACTS_AT_LIMIT)
        .map(|f| {
            let cases: Vec<Value> = (0..FACT_CASES)
                .map(|c| json!({"id": format!("k{c}"), "label": "k", "when": condition(2, 4), "clauses": [format!("c{}", (f * 7 + c) % CLAUSES)]}))
                .collect();
            json!({"id": format!("f{f}"), "label": "f", "cases": cases})
        })
        .collect();
    let fact_rules = 15;
    let rules: Vec<Value> = (0..RULES)
        .map(|r| {
            let outcome = Outcome::ALL[r % Outcome::ALL.len()];
            let mut rule = json!({"id": format!("r{r}"), "when": condition(8, 30), "outcome": outcome,
                                  "clauses": [format!("c{}", r % CLAUSES), format!("c{}", (r * 13) % CLAUSES)], "why": "because"});
            if (Outcome::LicenseRequired..Outcome::Prohibited).contains(&outcome) {
                rule["licence"] = json!({"kind": "dual_use", "obtained_by": "exporter_in_china"});
            }
            if r < fact_rules {
                rule["if_fact"] = json!(format!("f{r}"));
            }
            rule
        })
        .collect();
    json!({
        "schema": 2, "id": "at-the-limits", "version": "1", "reviewed": "2026-01-01",
        "title": "t", "disclaimer": "d",
        "questions": questions, "facts": facts, "measures": measures, "clauses": clauses, "rules": rules,
    })
}

const FACTS_AT_LIMIT: usize = 20;

/// A fixed pseudo-random sequence, so the generated rule set is the same on every run.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }

    /// About `count` distinct option ids out of `leaves`.
    fn options(&mut self, count: usize, leaves: usize) -> Vec<String> {
        let mut v: Vec<String> = (0..count)
            .map(|_| format!("o{}", self.below(leaves)))
            .collect();
        v.sort();
        v.dedup();
        v
    }
}

/// Median wall time of `runs` calls.
fn median(runs: usize, mut f: impl FnMut()) -> std::time::Duration {
    let mut times: Vec<_> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

/// What /usr/bin/time says of one run of the real binary.
struct Measured {
    wall: f64,
    /// User and system time: on a busy machine the wall time is mostly waiting.
    cpu: f64,
    peak_mb: f64,
}

impl std::fmt::Display for Measured {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:.2} s ({:.2} s CPU), peak {:.0} MB",
            self.wall, self.cpu, self.peak_mb
        )
    }
}

/// Wall and CPU time and peak resident memory of the real binary, by /usr/bin/time.
fn binary(args: &[&str], data: &std::path::Path) -> Measured {
    let out = std::process::Command::new("/usr/bin/time")
        .args(["-f", "%e %M %U %S"])
        .arg(assert_cmd::cargo::cargo_bin("ree-screen"))
        .args(args)
        .env("REE_SCREEN_CONFIG", data.join("no-settings.toml"))
        .env("REE_SCREEN_DATA_DIR", data)
        .env("REE_SCREEN_TODAY", "2026-03-02")
        .output()
        .expect("/usr/bin/time runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let last = stderr.lines().last().unwrap_or_default().to_string();
    let fields: Vec<f64> = last
        .split_whitespace()
        .map(|s| s.parse().unwrap_or(f64::NAN))
        .collect();
    let field = |i: usize| fields.get(i).copied().unwrap_or(f64::NAN);
    assert!(
        out.status.success() || out.status.code() == Some(4),
        "{args:?}: {stderr}"
    );
    Measured {
        wall: field(0),
        cpu: field(2) + field(3),
        peak_mb: field(1) / 1024.0,
    }
}

#[test]
#[ignore = "benchmark: run with --release --ignored --nocapture"]
fn expansion_benchmark() {
    let on: Date = "2026-03-02".parse().expect("date");
    let after: Date = "2026-12-01".parse().expect("date");
    let shipped = ree_screen::rules::embedded().expect("embedded");
    for (label, date) in [("2026-03-02", on), ("2026-12-01, with the scenario", after)] {
        let unknown = Answers::all_unknown(&shipped);
        let d = determine(&shipped, &unknown, date);
        assert!(d.not_expanded.is_empty());
        let t = median(21, || {
            determine(&shipped, &unknown, date);
        });
        println!("shipped rule set, all unknown, {label}: {t:.2?} (case by case)");
        let t = median(21, || {
            for q in &shipped.questions {
                question_matters(&shipped, &Answers::new(), date, &q.id);
            }
        });
        println!(
            "shipped rule set, question_matters for every question, nothing answered, {label}: {t:.2?}"
        );
    }

    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    for (label, v) in [
        (
            "dense: 7 questions x 4 classes, 16,384 cases",
            dense_json(7, 4),
        ),
        (
            "wide: 16 questions x 2 classes, 65,536 cases",
            wide_json(16, 4, 1),
        ),
        (
            "wide: 17 questions x 2 classes, 131,072 cases",
            wide_json(17, 4, 1),
        ),
    ] {
        let text = v.to_string();
        let rules = parse("gen.json", &text).expect("loads");
        let unknown = Answers::all_unknown(&rules);
        let d = determine(&rules, &unknown, on);
        let t = median(5, || {
            determine(&rules, &unknown, on);
        });
        let file = dir.path().join("gen.json");
        std::fs::write(&file, &text).expect("write");
        let file = file.to_string_lossy().into_owned();
        let measured = binary(&["screen", "--rules", &file, "--no-save"], &data);
        let how = if d.not_expanded.is_empty() {
            "case by case"
        } else {
            "from each rule"
        };
        println!("{label}, all unknown: {t:.2?} ({how}); the binary {measured}");
    }
    let limits = at_the_limits_json().to_string();
    assert!(limits.len() as u64 <= ree_screen::files::MAX_RULES_BYTES);
    let file = dir.path().join("limits.json");
    std::fs::write(&file, &limits).expect("write");
    let started = Instant::now();
    let rules = parse("limits.json", &limits).expect("the rule set at the limits loads");
    println!(
        "rule set at the limits: {:.1} MB, {} compiled rules, loaded in {:.2?}",
        limits.len() as f64 / 1e6,
        rules.compiled.rules.len(),
        started.elapsed()
    );
    let unknown = Answers::all_unknown(&rules);
    let d = determine(&rules, &unknown, on);
    assert_eq!(d.not_expanded.len(), QUESTIONS);
    let t = median(5, || {
        determine(&rules, &unknown, on);
    });
    println!(
        "rule set at the limits, all unknown: {t:.2?} (from each rule), outcome {}",
        d.outcome
    );
    let t = median(3, || {
        for q in &rules.questions {
            question_matters(&rules, &Answers::new(), on, &q.id);
        }
    });
    println!("rule set at the limits, question_matters for every question: {t:.2?}");

    let rules_arg = file.to_string_lossy().into_owned();
    let measured = binary(
        &[
            "screen",
            "--rules",
            &rules_arg,
            "--no-save",
            "--format",
            "json",
        ],
        &data,
    );
    println!("binary: screen --rules <at the limits> --no-save, all unknown: {measured}");
    for _ in 0..5 {
        binary(
            &["screen", "--rules", &rules_arg, "--reference", "PO-1"],
            &data,
        );
    }
    let out = dir.path().join("export.md");
    let out_arg = out.to_string_lossy().into_owned();
    let measured = binary(
        &[
            "--rules", &rules_arg, "history", "export", "--format", "md", "-o", &out_arg,
        ],
        &data,
    );
    println!("binary: history export --format markdown of 5 such records: {measured}");
}
