//! The real binary's non-interactive interface: `screen` and `rules`, as scripts use them.

mod cli_support;

use assert_cmd::Command;
use cli_support::{Run, extended_rule_set};
use serde_json::Value;

fn ree(data: &std::path::Path) -> Command {
    let mut cmd = Command::cargo_bin("ree-screen").expect("binary built");
    cmd.env("REE_SCREEN_TODAY", "2025-10-20")
        .env("REE_SCREEN_DATA_DIR", data)
        .env("REE_SCREEN_STATE_DIR", data.join("state"))
        .env("REE_SCREEN_CACHE_DIR", data.join("cache"))
        .env("REE_SCREEN_CONFIG", data.join("settings.toml"));
    cmd
}

fn run(args: &[&str]) -> Run {
    let data = tempfile::tempdir().expect("tempdir");
    Run::of(ree(data.path()).args(args))
}

/// `screen ARGS --format json`, which must succeed, as JSON.
fn json(args: &[&str]) -> Value {
    let out = run(&[&["screen", "--format", "json", "--no-save"], args].concat());
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    serde_json::from_str(&out.stdout).expect("stdout is one JSON object")
}

fn clause<'a>(v: &'a Value, id: &str) -> &'a Value {
    v["clauses"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["id"] == id))
        .unwrap_or_else(|| panic!("{id} not in {}", v["clauses"]))
}

#[test]
fn the_issue_cases_give_the_outcome_and_the_deciding_clause() {
    // Line services or recycling technology from China, no goods, to a civil user in DE.
    let technology = |stage: &str| {
        json(&[
            "--stage",
            stage,
            "--line",
            "smelting_separation",
            "--goods",
            "none",
            "--origin",
            "china_export",
            "--recipient",
            "civil",
            "--destination",
            "DE",
            "--date",
            "2026-03-02",
        ])
    };
    let line = technology("production_line");
    assert_eq!(line["outcome"], "prohibited");
    assert_eq!(line["decided_by"][0], "catalogue-prohibited-separation");

    let recycling = technology("secondary_recycling");
    let clauses = recycling["clauses"].as_array().expect("clauses");
    assert!(
        clauses
            .iter()
            .all(|c| !c["id"].as_str().unwrap_or("").starts_with("no18"))
    );
    assert_eq!(
        recycling["answers"].get("line"),
        None,
        "a line answer for another stage is not kept"
    );

    let base = [
        "--stage",
        "none",
        "--goods",
        "n61_part1",
        "--origin",
        "china_reexport",
    ];
    let humanitarian = json(
        &[
            &base[..],
            &["--recipient", "humanitarian", "--date", "2025-10-20"],
        ]
        .concat(),
    );
    assert_eq!(humanitarian["outcome"], "exempt");
    assert_eq!(humanitarian["decided_by"][0], "no61-art5");

    let listed = json(
        &[
            &base[..],
            &["--recipient", "control_list", "--date", "2026-03-02"],
        ]
        .concat(),
    );
    assert_eq!(listed["outcome"], "prohibited");

    let us = json(
        &[
            &base[..],
            &[
                "--recipient",
                "military_user",
                "--destination",
                "US",
                "--date",
                "2026-03-02",
            ],
        ]
        .concat(),
    );
    assert_eq!(us["outcome"], "prohibited");
    assert_eq!(us["decided_by"][0], "no46-art1");
}

#[test]
fn json_carries_roles_licences_sources_range_and_the_rule_set_hash() {
    let v = json(&[
        "--stage",
        "none",
        "--goods",
        "n61_part1",
        "--origin",
        "china_reexport",
        "--recipient",
        "defense_contractor",
        "--destination",
        "DE",
    ]);
    assert_eq!(v["outcome"], "denied_in_principle");
    assert_eq!(v["date"], "2025-10-20", "REE_SCREEN_TODAY pins today");
    let art3 = clause(&v, "no61-art3");
    assert_eq!(art3["role"], "decisive");
    assert_eq!(art3["effect"], "denied_in_principle");
    assert_eq!(art3["status"], "in_force");
    assert_eq!(art3["measure"], "MOFCOM Announcement 2025 No. 61");
    assert_eq!(art3["article"], "Art. 3");
    assert_eq!(
        art3["source"]["grade"],
        "official address; text from a repost"
    );
    assert!(
        art3["source"]["url"]
            .as_str()
            .is_some_and(|u| u.contains("mofcom.gov.cn"))
    );
    assert_eq!(clause(&v, "no61-art8")["role"], "context");
    assert_eq!(v["licences"][0]["kind"], "dual_use");
    assert_eq!(v["licences"][0]["obtained_by"], "foreign_reexporter");
    assert_eq!(v["rule_set"]["sha256"].as_str().map(str::len), Some(64));
    assert_eq!(v["range"]["worst"], "denied_in_principle");
    assert!(v["scenarios"].as_array().is_some_and(|s| s.is_empty()));

    // Unknown answers (the default) give the worst case and the outcome per value.
    let open = json(&[
        "--stage",
        "none",
        "--goods",
        "n61_part1",
        "--origin",
        "china_reexport",
        "--destination",
        "DE",
    ]);
    assert_eq!(open["provisional"], true);
    assert_eq!(open["range"]["best"], "exempt");
    let by = open["by_answer"]
        .as_array()
        .and_then(|b| b.iter().find(|b| b["question"] == "recipient"))
        .expect("by recipient");
    assert!(by["values"].as_array().is_some_and(|v| v.len() >= 5));

    // Past the suspension: the extension scenario.
    let later = json(&[
        "--stage",
        "none",
        "--goods",
        "n61_part1",
        "--origin",
        "china_reexport",
        "--recipient",
        "civil",
        "--destination",
        "DE",
        "--date",
        "2026-11-11",
    ]);
    assert_eq!(later["scenarios"][0]["id"], "suspension_extended");
    assert_eq!(later["scenarios"][0]["outcome"], "no_license_required");
}

#[test]
fn v1_invocations_still_run() {
    // v1 ids: `china` and `listed_entity` are groups now, screened as the worse member.
    let v = json(&[
        "--stage",
        "magnet_manufacturing",
        "--origin",
        "china",
        "--recipient",
        "listed_entity",
    ]);
    assert_eq!(v["outcome"], "prohibited");
    assert_eq!(v["provisional"], true);
    let opened: Vec<&str> = v["open"]
        .as_array()
        .expect("open")
        .iter()
        .filter_map(|o| o["question"].as_str())
        .collect();
    assert!(
        opened.contains(&"origin") && opened.contains(&"recipient"),
        "{opened:?}"
    );
}

#[test]
fn bad_values_exit_2_and_list_what_is_valid() {
    let cases: [(&[&str], &[&str]); 6] = [
        (
            &["--stage", "minning"],
            &[
                "invalid value 'minning' for stage",
                "mining, smelting_separation",
            ],
        ),
        (
            &["--destination", "Germany"],
            &["an ISO 3166-1 alpha-2 code"],
        ),
        (&["--answer", "colour=red"], &["no question 'colour'"]),
        (&["--answer", "stage"], &["ID=VALUE"]),
        (&["--date", "2025-02-30"], &["not a real calendar date"]),
        (
            &["--date", "04/12/2026"],
            &["ambiguous", "write 2026-12-04 or 04.12.2026"],
        ),
    ];
    for (args, said) in cases {
        let out = run(&[&["screen"], args].concat());
        assert_eq!(out.code, Some(2), "{args:?}");
        for words in said {
            assert!(out.stderr.contains(words), "{args:?}: {}", out.stderr);
        }
    }
    // A date as DD.MM.YYYY is read and reported as ISO.
    assert_eq!(
        json(&["--date", "20.10.2025"])["date"],
        "2025-10-20",
        "DD.MM.YYYY is accepted"
    );
    // Country codes are accepted in any case.
    assert_eq!(
        json(&["--destination", "de"])["answers"]["destination"],
        "DE"
    );
}

#[test]
fn fail_on_exits_4_when_the_outcome_is_at_least_that_severe() {
    let data = tempfile::tempdir().expect("tempdir");
    let prohibited = [
        "screen",
        "--no-save",
        "--stage",
        "smelting_separation",
        "--origin",
        "china_export",
    ];
    let out = Run::of(
        ree(data.path())
            .args(prohibited)
            .args(["--fail-on", "license_required"]),
    );
    assert_eq!(out.code, Some(4), "{}", out.stderr);
    assert!(
        out.stdout.contains("OUTCOME: [XX] Export prohibited"),
        "the report still prints"
    );
    let none = [
        "screen",
        "--no-save",
        "--stage",
        "none",
        "--goods",
        "none",
        "--origin",
        "no_chinese_nexus",
    ];
    let out = Run::of(
        ree(data.path())
            .args(none)
            .args(["--fail-on", "license_required"]),
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let out = Run::of(ree(data.path()).args(none).args(["--fail-on", "sometimes"]));
    assert_eq!(out.code, Some(2));
}

#[test]
fn a_typical_text_report_fits_in_40_lines_decisive_clause_first() {
    let out = run(&[
        "screen",
        "--no-save",
        "--stage",
        "none",
        "--goods",
        "n61_part1",
        "--origin",
        "china_reexport",
        "--recipient",
        "defense_contractor",
        "--destination",
        "DE",
    ]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(lines.len() <= 40, "{} lines:\n{}", lines.len(), out.stdout);
    assert_eq!(lines[0], "OUTCOME: [!!] Licence denied in principle");
    assert!(
        lines[1].starts_with("Decided by: MOFCOM Announcement 2025 No. 61, Art. 3"),
        "{}",
        lines[1]
    );
    assert!(out.stdout.contains("obtained by the foreign re-exporter"));
    assert!(
        lines.iter().all(|l| l.chars().count() <= 100),
        "lines are wrapped"
    );
    // --verbose adds every clause's text and every source.
    let verbose = run(&[
        "screen",
        "--no-save",
        "--verbose",
        "--stage",
        "none",
        "--goods",
        "n61_part1",
        "--origin",
        "china_reexport",
        "--recipient",
        "defense_contractor",
        "--destination",
        "DE",
    ]);
    assert!(verbose.stdout.lines().count() > lines.len());
    assert!(
        verbose.stdout.contains("sscollege.cn"),
        "every source in verbose mode"
    );
}

#[test]
fn screen_saves_unless_told_not_to_and_names_the_record() {
    let data = tempfile::tempdir().expect("tempdir");
    let out = Run::of(ree(data.path()).args(["screen", "--stage", "mining", "--format", "json"]));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).expect("json");
    assert!(v["record_id"].is_string());
    let listed = Run::of(ree(data.path()).args(["history", "list"]));
    assert!(
        listed
            .stdout
            .contains(v["record_id"].as_str().unwrap_or("?")),
        "{}",
        listed.stdout
    );
    let out = Run::of(ree(data.path()).args([
        "screen",
        "--stage",
        "mining",
        "--no-save",
        "--format",
        "json",
    ]));
    let v: Value = serde_json::from_str(&out.stdout).expect("json");
    assert!(v["record_id"].is_null());
}

/// A rule set with one more question screens through the command line without a code change.
#[test]
fn an_added_question_is_asked_and_decides() {
    let data = tempfile::tempdir().expect("tempdir");
    let rules = extended_rule_set();
    let path = data.path().join("extended.json");
    std::fs::write(&path, rules).expect("write rules");
    let args = |declared: &str| {
        Run::of(ree(data.path()).args([
            "screen",
            "--no-save",
            "--format",
            "json",
            "--rules",
            path.to_str().unwrap_or(""),
            "--stage",
            "none",
            "--goods",
            "other",
            "--origin",
            "china_export",
            "--recipient",
            "civil",
            "--destination",
            "DE",
            "--answer",
            &format!("end_use_statement={declared}"),
        ]))
    };
    let out = args("missing");
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(v["outcome"], "case_by_case");
    assert_eq!(v["decided_by"][0], "test-statement");
    let v: Value = serde_json::from_str(&args("provided").stdout).expect("json");
    assert_eq!(v["outcome"], "no_license_required");
    let out = args("perhaps");
    assert_eq!(out.code, Some(2));
    assert!(
        out.stderr.contains("provided, missing, unknown"),
        "{}",
        out.stderr
    );
}

#[test]
fn rules_lists_statuses_on_a_date_and_checks_files() {
    let out = run(&["rules", "--date", "2026-03-02"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stdout.contains("MOFCOM Announcement 2025 No. 61"));
    assert!(
        out.stdout.contains("suspended until 2026-11-10 by No. 70"),
        "{}",
        out.stdout
    );
    let out = run(&["rules", "--date", "2026-11-11"]);
    assert!(out.stdout.contains("applies as written"), "{}", out.stdout);
    assert!(
        out.stdout.contains("not confirmed after 2026-06-30"),
        "{}",
        out.stdout
    );
    let data = tempfile::tempdir().expect("tempdir");
    let bad = data.path().join("bad.json");
    std::fs::write(
        &bad,
        ree_screen::rules::EMBEDDED_TEXT.replacen("\"schema\": 3", "\"schema\": 3,", 1),
    )
    .expect("write");
    let out = Run::of(ree(data.path()).args(["rules", "--check", bad.to_str().unwrap_or("")]));
    assert_eq!(out.code, Some(1));
    assert!(out.stderr.contains("bad.json:2:"), "{}", out.stderr);
    let good = data.path().join("good.json");
    std::fs::write(&good, ree_screen::rules::EMBEDDED_TEXT).expect("write");
    let out = Run::of(ree(data.path()).args(["rules", "--check", good.to_str().unwrap_or("")]));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stdout.contains("valid rule set cn-rare-earth-2025"));
}

#[test]
fn a_rules_file_that_is_a_fifo_is_refused_without_hanging() {
    let data = tempfile::tempdir().expect("tempdir");
    let fifo = data.path().join("rules.json");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let out = Run::of(
        ree(data.path())
            .args([
                "screen",
                "--no-save",
                "--rules",
                fifo.to_str().unwrap_or(""),
            ])
            .timeout(std::time::Duration::from_secs(10)),
    );
    assert_eq!(out.code, Some(1));
    assert!(out.stderr.contains("not a regular file"), "{}", out.stderr);
}

#[test]
fn text_from_a_rules_file_cannot_reach_the_terminal_raw() {
    let data = tempfile::tempdir().expect("tempdir");
    let path = data.path().join("evil.json");
    let evil = ree_screen::rules::EMBEDDED_TEXT.replacen(
        "\"title\": \"Catalogue of Technologies",
        "\"title\": \"\\u001b]0;pwned\\u0007\\u202eCatalogue of Technologies",
        1,
    );
    std::fs::write(&path, evil).expect("write");
    // Refused where it is read, naming the place, so no front end (report, plain mode, the
    // form's titles, exports) can print it.
    for args in [
        vec!["rules", "--rules", path.to_str().unwrap_or("")],
        vec![
            "screen",
            "--rules",
            path.to_str().unwrap_or(""),
            "--no-save",
        ],
    ] {
        let out = Run::of(ree(data.path()).args(&args));
        assert_eq!(out.code, Some(1), "{}", out.stderr);
        assert!(out.stdout.is_empty(), "{}", out.stdout);
        assert!(
            out.stderr.contains("at measures[")
                && out.stderr.contains(".title: the text holds U+001B"),
            "{}",
            out.stderr
        );
        assert!(!out.stderr.contains('\u{1b}') && !out.stderr.contains('\u{202e}'));
    }
}

/// The data directory comes from the environment: printed sanitised like any other text.
#[test]
fn the_data_directory_is_printed_sanitised() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("da\u{1b}[31mta\u{202e}");
    let saved =
        Run::of(ree(&data).args(["screen", "--stage", "none", "--origin", "no_chinese_nexus"]));
    assert_eq!(saved.code, Some(0), "{}", saved.stderr);
    let verify = Run::of(ree(&data).args(["history", "verify"]));
    assert_eq!(verify.code, Some(0), "{}", verify.stderr);
    for out in [&saved.stdout, &verify.stdout] {
        assert!(out.contains("da\\u{1b}[31mta\\u{202e}"), "{out}");
        assert!(
            !out.contains('\u{1b}') && !out.contains('\u{202e}'),
            "{out}"
        );
    }
}

/// Refuse instead of guessing: a pinned "today" that is not a date, a date outside
/// 1990-01-01..2099-12-31 wherever a date is read, one question answered twice differently.
#[test]
fn guesses_are_refused() {
    let data = tempfile::tempdir().expect("tempdir");
    let screen = ["screen", "--stage", "none", "--no-save"];
    for today in ["yesterday", "2025-13-01", "0025-10-20"] {
        let out = Run::of(ree(data.path()).env("REE_SCREEN_TODAY", today).args(screen));
        assert_eq!(out.code, Some(2), "{today}: {}", out.stderr);
        assert!(
            out.stderr.contains("REE_SCREEN_TODAY is set, but"),
            "{}",
            out.stderr
        );
        assert!(out.stdout.is_empty());
    }
    for date in ["0025-10-20", "9999-12-31", "1989-12-31", "2100-01-01"] {
        for args in [
            vec!["screen", "--stage", "none", "--no-save", "--date", date],
            vec!["rules", "--date", date],
            vec!["history", "list", "--since", date],
        ] {
            let out = Run::of(ree(data.path()).args(&args));
            assert_eq!(out.code, Some(2), "{args:?}: {}", out.stderr);
            assert!(
                out.stderr
                    .contains("outside the dates ree-screen screens (1990-01-01 to 2099-12-31)"),
                "{}",
                out.stderr
            );
        }
    }
    for date in ["1990-01-01", "2099-12-31"] {
        let out = Run::of(ree(data.path()).args([
            "screen",
            "--stage",
            "none",
            "--no-save",
            "--date",
            date,
        ]));
        assert_eq!(out.code, Some(0), "{date}: {}", out.stderr);
    }
    let out = run(&[
        "screen",
        "--stage",
        "none",
        "--answer",
        "stage=mining",
        "--no-save",
    ]);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "stage is answered twice, differently: --stage none and --answer stage=mining"
        ),
        "{}",
        out.stderr
    );
    let same = run(&[
        "screen",
        "--stage",
        "none",
        "--answer",
        "stage=NONE",
        "--no-save",
    ]);
    assert_eq!(
        same.code,
        Some(0),
        "the same answer twice is no conflict: {}",
        same.stderr
    );
}

/// A stored answer the rule set no longer has: the re-screen is provisional and says which
/// answer is gone, rather than screening it silently as every value.
#[test]
fn a_stored_answer_the_rules_no_longer_have_makes_a_rescreen_provisional() {
    let data = tempfile::tempdir().expect("tempdir");
    let old = data.path().join("old.json");
    std::fs::write(
        &old,
        ree_screen::rules::EMBEDDED_TEXT.replacen(
            "\"options\": [",
            "\"options\": [{\"id\": \"legacy_stage\", \"label\": \"Legacy stage\", \"help\": \"\"},",
            1,
        ),
    )
    .expect("write");
    let saved = Run::of(ree(data.path()).args([
        "--rules",
        old.to_str().unwrap_or(""),
        "screen",
        "--stage",
        "legacy_stage",
        "--goods",
        "no18_items",
        "--origin",
        "china_export",
        "--recipient",
        "civil",
        "--destination",
        "DE",
        "--format",
        "json",
    ]));
    assert_eq!(saved.code, Some(0), "{}", saved.stderr);
    let saved: Value = serde_json::from_str(&saved.stdout).expect("json");
    let open_stage = saved["open"]
        .as_array()
        .is_some_and(|open| open.iter().any(|o| o["question"] == "stage"));
    assert!(!open_stage, "the stage is answered under its rule set");
    let id = saved["record_id"].as_str().expect("record id");
    let again = Run::of(ree(data.path()).args(["history", "rescreen", id, "--no-save"]));
    assert_eq!(again.code, Some(0), "{}", again.stderr);
    assert!(again.stdout.contains("(provisional)"), "{}", again.stdout);
    assert!(
        again.stdout.contains(
            "Answer gone: Technology stage: legacy_stage is not an option of the rule set now"
        ),
        "{}",
        again.stdout
    );
    // The engine and the report say so too.
    let rules = ree_screen::rules::embedded().expect("embedded");
    let answers = ree_screen::engine::Answers::new()
        .with("stage", "legacy_stage")
        .with("goods", "no18_items")
        .with("origin", "china_export")
        .with("recipient", "civil")
        .with("destination", "DE");
    let d = ree_screen::engine::determine(&rules, &answers, "2026-03-02".parse().expect("date"));
    assert!(d.provisional);
    assert!(
        d.open
            .iter()
            .any(|o| o.question == "stage" && o.given.as_deref() == Some("legacy_stage"))
    );
    let report = ree_screen::report::of(&rules, &d, ree_screen::report::Detail::Concise);
    assert!(
        report.contains("the answer \"legacy_stage\" is not an option of"),
        "{report}"
    );
}

/// The SSH client address comes from the environment (any process can set `SSH_CLIENT`):
/// stored and shown as reported, not as fact.
#[test]
fn the_ssh_address_is_stored_and_shown_as_reported() {
    let data = tempfile::tempdir().expect("tempdir");
    let saved = Run::of(
        ree(data.path())
            .env("SSH_CLIENT", "10.1.2.3 5555 22")
            .args(["screen", "--stage", "none", "--format", "json"]),
    );
    assert_eq!(saved.code, Some(0), "{}", saved.stderr);
    let saved: Value = serde_json::from_str(&saved.stdout).expect("json");
    let id = saved["record_id"].as_str().expect("record id");
    let line = std::fs::read_to_string(data.path().join("history.jsonl")).expect("history");
    assert!(
        line.contains("\"ssh_client_reported\":\"10.1.2.3\""),
        "{line}"
    );
    let shown = Run::of(ree(data.path()).args(["history", "show", id]));
    assert!(
        shown
            .stdout
            .contains("SSH client 10.1.2.3 as reported by the environment"),
        "{}",
        shown.stdout
    );
}

#[test]
fn items_are_listed_searched_and_answer_the_goods_question() {
    let out = run(&["items", "dy"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    for expected in [
        "dy_oxide  Dysprosium oxide",
        "class: No. 61 Part 1 materials (No. 18) (n61_part1)",
        "control code: 1C905.b (inferred, seen in no source: verify)",
        "dyfe_alloy  Dy-Fe alloy",
    ] {
        assert!(
            out.stdout.contains(expected),
            "{expected:?} in:\n{}",
            out.stdout
        );
    }
    assert!(!out.stdout.contains("sm_metal"), "{}", out.stdout);
    let listed = run(&["items", "2846901940"]);
    assert!(
        listed.stdout.contains("sm_oxide  Samarium oxide"),
        "{}",
        listed.stdout
    );

    // The item is the answer; the determination keeps the class it was screened as, and
    // the saved record keeps both.
    let data = tempfile::tempdir().expect("tempdir");
    let out = Run::of(ree(data.path()).args([
        "screen",
        "--format",
        "json",
        "--stage",
        "none",
        "--answer",
        "goods=y_oxide",
        "--origin",
        "china_reexport",
        "--recipient",
        "civil",
        "--destination",
        "US",
    ]));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(v["answers"]["goods"], "y_oxide");
    assert_eq!(v["classes"]["goods"], "no18_other");
    assert_eq!(v["outcome"], "no_license_required");
    assert_eq!(v["decided_by"][0], "no61-art1-3");
    let id = v["record_id"].as_str().expect("saved");
    let shown = Run::of(ree(data.path()).args(["history", "show", id]));
    assert!(
        shown
            .stdout
            .contains("Yttrium oxide (Other No. 18 items (not in No. 61))"),
        "{}",
        shown.stdout
    );
    let stored = std::fs::read_to_string(data.path().join("history.jsonl")).expect("history");
    assert!(stored.contains("\"goods\":\"y_oxide\""), "{stored}");
    assert!(
        stored.contains("\"classes\":{\"goods\":\"no18_other\"}"),
        "{stored}"
    );
    // A misspelt item is refused with the valid classes and where the items are listed.
    let bad = run(&["screen", "--no-save", "--goods", "dy_oxid"]);
    assert_eq!(bad.code, Some(2));
    assert!(bad.stderr.contains("ree-screen items"), "{}", bad.stderr);
}
