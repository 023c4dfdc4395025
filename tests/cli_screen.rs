//! The real binary's non-interactive interface: `screen` and `rules`.

mod cli_support;

use assert_cmd::Command;
use cli_support::screen_args;
use predicates::prelude::*;

fn ree() -> Command {
    // Screenings save to the history by default: keep each test's history in its own place.
    static DATA: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    let data = DATA.get_or_init(|| tempfile::tempdir().expect("tempdir"));
    let mut cmd = Command::cargo_bin("ree-screen").expect("binary built");
    cmd.env("REE_SCREEN_TODAY", "2025-10-20")
        .env("REE_SCREEN_DATA_DIR", data.path());
    cmd
}

/// `screen` with these answers and `extra` arguments, its stdout parsed as JSON.
fn json_of(answers: [&str; 3], extra: &[&str]) -> serde_json::Value {
    let [stage, origin, recipient] = answers;
    let out = ree()
        .args(screen_args(stage, origin, recipient))
        .args(extra)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is one JSON object")
}

#[test]
fn magnet_technology_from_china_cites_no62_art1_in_json() {
    let v = json_of(
        ["magnet_manufacturing", "china", "civil"],
        &["--date", "2025-10-20", "--format", "json"],
    );
    assert_eq!(v["outcome"], "prohibited");
    assert_eq!(v["provisional"], false);
    assert_eq!(v["date"], "2025-10-20");
    assert_eq!(v["answers"]["stage"], "magnet_manufacturing");
    assert_eq!(v["rule_set"]["id"], "cn-rare-earth-2025");
    assert!(v["rule_set"]["version"].is_string() && v["rule_set"]["reviewed"].is_string());
    let clauses = v["clauses"].as_array().expect("clauses");
    let art1 = clauses
        .iter()
        .find(|c| c["id"] == "no62-art1-a")
        .expect("No. 62 Art. 1 cited");
    assert_eq!(art1["measure"], "mofcom-2025-62");
    assert_eq!(art1["article"], "Art. 1");
    assert_eq!(art1["status"], "in_force");
    assert!(art1["text"].as_str().is_some_and(|t| t.contains("magnet")));
    assert!(
        art1["source"]
            .as_str()
            .is_some_and(|s| s.starts_with("https://"))
    );
    for c in clauses {
        for key in ["id", "measure", "article", "text", "status", "source"] {
            assert!(!c[key].is_null(), "clause {} lacks {key}", c["id"]);
        }
    }
}

#[test]
fn date_defaults_to_today_and_suspension_shows_until_when() {
    let v = json_of(["none", "china", "military_user"], &["--format", "json"]);
    assert_eq!(v["date"], "2025-10-20", "REE_SCREEN_TODAY pins today");
    assert_eq!(v["outcome"], "denied_in_principle");
    let v = json_of(
        ["none", "china", "military_user"],
        &["--date", "2025-12-01", "--format", "json"],
    );
    assert_eq!(v["outcome"], "license_required");
    let art2 = v["clauses"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["id"] == "no61-art2").cloned())
        .expect("Art. 2 listed");
    assert_eq!(art2["status"], "suspended");
    assert_eq!(art2["until"], "2026-11-10");
    assert_eq!(art2["applies"], false);
}

#[test]
fn text_report_puts_the_outcome_first_then_clauses_then_why_and_disclaimer() {
    let out = ree()
        .args(screen_args("unknown", "china", "civil"))
        .args(["--date", "2025-10-20"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(
        text.starts_with("OUTCOME: [XX] Export prohibited\n"),
        "{text}"
    );
    assert!(text.contains("PROVISIONAL: stage not known"));
    let clauses = text.find("Clauses that fired").expect("clauses section");
    let why = text.find("\nWhy:").expect("why section");
    let disclaimer = text
        .find("Decision aid, not legal advice")
        .expect("disclaimer");
    assert!(clauses < why && why < disclaimer);
    assert!(text.contains("(assumed: answer unknown)"));
}

#[test]
fn bad_value_exits_2_and_lists_the_valid_values() {
    ree()
        .args(screen_args("mine", "china", "civil"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid value 'mine' for --stage"))
        .stderr(predicate::str::contains(
            "mining, smelting_separation, metal_smelting",
        ));
    ree()
        .args(screen_args("none", "china", "civil"))
        .args(["--date", "2025-02-30"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a real calendar date"));
    ree()
        .args(screen_args("none", "china", "civil"))
        .args(["--date", "20/10/2025"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("YYYY-MM-DD"));
}

#[test]
fn rules_lists_measures_and_their_status_on_a_date() {
    ree()
        .args(["rules", "--date", "2025-11-20"])
        .assert()
        .success()
        .stdout(predicate::str::contains("MOFCOM Announcement 2025 No. 62"))
        .stdout(predicate::str::contains(
            "suspended until 2026-11-10 by MOFCOM+GAC Announcement 2025 No. 70",
        ))
        .stdout(predicate::str::contains(
            "Art. 1(1), Art. 1(2) (effective 2025-12-01): suspended until 2026-11-10",
        ));
    let out = ree()
        .args(["rules", "--date", "2026-11-28", "--format", "json"])
        .output()
        .expect("runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let no61 = v["measures"]
        .as_array()
        .and_then(|m| m.iter().find(|m| m["id"] == "mofcom-2025-61").cloned())
        .expect("No. 61");
    assert!(
        no61["articles"]
            .as_array()
            .expect("articles")
            .iter()
            .all(|a| a["status"] == "unverified")
    );
}

#[test]
fn rules_check_names_the_file_line_and_problem() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = dir.path().join("good.json");
    std::fs::write(&good, ree_screen::rules::EMBEDDED_TEXT).expect("write");
    ree()
        .args(["rules", "--check"])
        .arg(&good)
        .assert()
        .success()
        .stdout(predicate::str::contains("valid rule set"));

    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        ree_screen::rules::EMBEDDED_TEXT.replacen(
            "\"no62-art1-b\", \"no62-art2\"",
            "\"no62-art1-z\", \"no62-art2\"",
            1,
        ),
    )
    .expect("write");
    ree()
        .args(["rules", "--check"])
        .arg(&bad)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("bad.json:"))
        .stderr(predicate::str::contains("missing clause \"no62-art1-z\""));
    // The same file given with --rules is refused before screening.
    ree()
        .arg("--rules")
        .arg(&bad)
        .args(screen_args("none", "china", "civil"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("bad.json:"));
}

#[test]
fn user_text_cannot_emit_escape_sequences() {
    let out = ree()
        .args(screen_args("none", "no_chinese_nexus", "civil"))
        .args([
            "--counterparty",
            "Evil\x1b[2J Corp",
            "--notes",
            "深圳稀土有限公司",
        ])
        .output()
        .expect("runs");
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(!text.contains('\x1b'), "escape leaked");
    assert!(text.contains("Counterparty: Evil\\u{1b}[2J Corp"));
    assert!(text.contains("Notes: 深圳稀土有限公司"));
}
