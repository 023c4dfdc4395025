//! One current record per case, through the real binary: acting on a superseded record is
//! refused naming the current one, `show` says a record is superseded, exports and impact
//! count each case once, `list` shows cases (`--all` every record), officers' overrides
//! stand in an impact save, and random saves, overrides, re-screens and impact saves from
//! several processes at once never fork a case.

use std::collections::{HashMap, HashSet};
use std::path::Path;

mod cli_support;

use cli_support::{Run, military, ok, ree, saved_id};
use proptest::prelude::*;

fn override_args<'a>(id: &'a str, outcome: &'a str) -> [&'a str; 9] {
    [
        "history",
        "override",
        id,
        "--outcome",
        outcome,
        "--reason",
        "Licence granted",
        "--officer",
        "K. Lee",
    ]
}

/// Every record of the JSON export: (id, supersedes, current).
fn exported(data: &Path) -> Vec<(String, Option<String>, bool)> {
    let json: serde_json::Value = serde_json::from_str(&ok(
        ree(data).args(["history", "export", "--format", "json"])
    ))
    .expect("json");
    json["records"]
        .as_array()
        .expect("records")
        .iter()
        .map(|r| {
            (
                r["record"]["id"].as_str().expect("id").to_string(),
                r["record"]["supersedes"].as_str().map(str::to_string),
                r["current"].as_bool().expect("current"),
            )
        })
        .collect()
}

/// No record is superseded twice, each case has exactly one current record in the export,
/// and `list` shows exactly those.
fn one_head_per_case(data: &Path) {
    let records = exported(data);
    let mut superseded = HashSet::new();
    let mut case_of: HashMap<String, String> = HashMap::new();
    for (id, supersedes, _) in &records {
        let case = match supersedes {
            Some(s) => {
                assert!(superseded.insert(s.clone()), "{s} superseded twice: a fork");
                case_of
                    .get(s)
                    .cloned()
                    .expect("supersedes an earlier record")
            }
            None => id.clone(),
        };
        case_of.insert(id.clone(), case);
    }
    let mut heads: HashMap<&str, usize> = HashMap::new();
    for (id, _, current) in &records {
        assert_eq!(*current, !superseded.contains(id), "{id}");
        if *current {
            *heads.entry(case_of[id].as_str()).or_default() += 1;
        }
    }
    assert!(heads.values().all(|n| *n == 1), "{heads:?}");
    let listed: HashSet<String> = serde_json::from_str::<serde_json::Value>(&ok(
        ree(data).args(["history", "list", "--format", "json"])
    ))
    .expect("json")
    .as_array()
    .expect("rows")
    .iter()
    .map(|r| r["id"].as_str().expect("id").to_string())
    .collect();
    let current: HashSet<String> = records
        .iter()
        .filter(|r| r.2)
        .map(|r| r.0.clone())
        .collect();
    assert_eq!(listed, current);
}

#[test]
fn a_superseded_record_cannot_be_acted_on_and_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path();
    let original = saved_id(&ok(ree(data).args(military("PO-1", "2025-12-05"))));
    let rescreen = saved_id(&ok(ree(data).args(["history", "rescreen", &original])));
    // An override of the original (superseded) record is refused, naming the current one.
    for args in [
        override_args(&original, "prohibited").to_vec(),
        vec!["history", "rescreen", &original],
    ] {
        let run = Run::of(ree(data).args(&args));
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("not its case's current record") && run.stderr.contains(&rescreen),
            "{}",
            run.stderr
        );
    }
    // Looking is fine; `show` says first that it is superseded and which record is current.
    let looked = ok(ree(data).args(["history", "rescreen", &original, "--no-save"]));
    assert!(looked.starts_with("SUPERSEDED: "), "{looked}");
    let show = ok(ree(data).args(["history", "show", &original]));
    assert!(show.starts_with("SUPERSEDED"), "{show}");
    assert!(show.lines().next().expect("line").contains(&rescreen));
    assert!(!ok(ree(data).args(["history", "show", &rescreen])).contains("SUPERSEDED"));
    // Acting on the current record works; the case stays one chain.
    let overridden = saved_id(&ok(ree(data).args(override_args(&rescreen, "prohibited"))));
    let run = Run::of(ree(data).args(override_args(&rescreen, "denied_in_principle")));
    assert_eq!(
        run.code,
        Some(2),
        "two overrides of one record: {}",
        run.stderr
    );
    assert!(run.stderr.contains(&overridden), "{}", run.stderr);
    one_head_per_case(data);
    // `list` shows the case once; `--all` every record, the current one marked.
    let cases = ok(ree(data).args(["history", "list"]));
    assert_eq!(cases.lines().count(), 1, "{cases}");
    assert!(cases.starts_with(&overridden), "{cases}");
    let all = ok(ree(data).args(["history", "list", "--all"]));
    assert_eq!(all.lines().count(), 3, "{all}");
    assert!(all.starts_with(&format!("* {overridden}")), "{all}");
    assert_eq!(all.matches("* ").count(), 1, "{all}");
    // The CSV export marks one current record; impact counts the case once.
    let csv = ok(ree(data).args(["history", "export", "--format", "csv"]));
    let current = csv
        .lines()
        .skip(1)
        .filter(|l| l.split(',').nth(4) == Some("yes"))
        .count();
    assert_eq!(current, 1, "{csv}");
    let impact = ok(ree(data).args(["history", "impact"]));
    assert!(impact.contains("of 1 current case(s)"), "{impact}");
}

/// The embedded rules without No. 70's suspension of No. 61, installed as the default.
fn install_lifted(data: &Path) {
    let lifted = data.join("lifted.json");
    let text = ree_screen::rules::EMBEDDED_TEXT.replacen(
        "\"suspensions\": [{\"from\": \"2025-11-07\", \"until\": \"2026-11-10\", \"by\": \"no70-suspension\"}],",
        "",
        1,
    );
    std::fs::write(&lifted, text).expect("write");
    ok(ree(data).args(["rules", "install"]).arg(&lifted));
}

#[test]
fn an_impact_save_leaves_officers_overrides_standing_unless_asked_by_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path();
    let engine = saved_id(&ok(ree(data).args(military("ENGINE", "2025-12-05"))));
    let screened = saved_id(&ok(ree(data).args(military("OFFICER", "2025-12-05"))));
    let overridden = saved_id(&ok(
        ree(data).args(override_args(&screened, "license_required"))
    ));
    install_lifted(data);
    let impact = ok(ree(data).args(["history", "impact", "--save"]));
    assert!(impact.contains("2 of 2 current case(s) change"), "{impact}");
    let apart = impact
        .find("officer's override (the override stands")
        .expect("overrides listed apart");
    assert!(impact[apart..].contains(&overridden), "{impact}");
    assert!(!impact[apart..].contains(&engine), "{impact}");
    assert!(impact.contains("Saved 1 re-screen(s)"), "{impact}");
    assert!(
        impact.contains("1 case(s) on an officer's override left"),
        "{impact}"
    );
    // The officer's override is still the case's current record.
    let cases = ok(ree(data).args(["history", "list"]));
    let listed: Vec<&str> = cases.lines().filter_map(|l| l.split(' ').next()).collect();
    assert!(listed.contains(&overridden.as_str()), "{cases}");
    assert!(!listed.contains(&engine.as_str()), "{cases}");
    // Asked by name, the override is replaced too.
    let forced = ok(ree(data).args(["history", "impact", "--save", "--include-overrides"]));
    assert!(forced.contains("Saved 1 re-screen(s)"), "{forced}");
    let cases = ok(ree(data).args(["history", "list"]));
    assert!(
        !cases.lines().any(|l| l.starts_with(&overridden)),
        "{cases}"
    );
    one_head_per_case(data);
}

/// What one process does in the property test.
#[derive(Debug, Clone)]
enum Step {
    Screen,
    /// Override the record at this position of the newest `list --all`.
    Override(usize),
    Rescreen(usize),
    Impact,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        Just(Step::Screen),
        (0..6usize).prop_map(Step::Override),
        (0..6usize).prop_map(Step::Rescreen),
        Just(Step::Impact),
    ]
}

/// Run one step; exit 0, or 2 when the record picked is not current (any more).
fn run_step(data: &Path, step: &Step, n: usize) {
    let pick = |at: usize| {
        let json: serde_json::Value = serde_json::from_str(&ok(
            ree(data).args(["history", "list", "--all", "--format", "json"])
        ))
        .expect("json");
        let rows = json.as_array().expect("rows");
        rows[at % rows.len()]["id"]
            .as_str()
            .expect("id")
            .to_string()
    };
    let run = match step {
        Step::Screen => Run::of(ree(data).args(military(&format!("P-{n}"), "2025-12-05"))),
        Step::Override(at) => {
            let id = pick(*at);
            let outcome = ["prohibited", "license_required"][n % 2];
            Run::of(ree(data).args(override_args(&id, outcome)))
        }
        Step::Rescreen(at) => Run::of(ree(data).args([
            "history",
            "rescreen",
            &pick(*at),
            "--date",
            ["2026-12-01", "2025-12-05"][n % 2],
        ])),
        Step::Impact => Run::of(ree(data).args([
            "history",
            "impact",
            "--save",
            "--include-overrides",
            "--date",
            ["2026-12-01", "2025-12-05"][n % 2],
        ])),
    };
    assert!(
        matches!(run.code, Some(0 | 2)),
        "{step:?}: {:?} {}",
        run.code,
        run.stderr
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4, ..ProptestConfig::default() })]

    #[test]
    fn concurrent_processes_never_fork_a_case(
        plans in proptest::collection::vec(proptest::collection::vec(step(), 4..7), 3..=3)
    ) {
        let dir = tempfile::tempdir().expect("tempdir");
        let data = dir.path().to_path_buf();
        for n in 0..2 {
            ok(ree(&data).args(military(&format!("SEED-{n}"), "2025-12-05")));
        }
        std::thread::scope(|scope| {
            for (p, plan) in plans.iter().enumerate() {
                let data = &data;
                scope.spawn(move || {
                    for (i, step) in plan.iter().enumerate() {
                        run_step(data, step, p * 100 + i);
                    }
                });
            }
        });
        one_head_per_case(&data);
        let verify = ok(ree(&data).args(["history", "verify"]));
        prop_assert!(verify.contains("Intact"), "{}", verify);
    }
}
