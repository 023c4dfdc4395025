//! Table tests of the determination engine over the answers and the date boundaries that
//! matter: 2023-12-21 (technology catalogue), 2025-04-04 (No. 18), 2025-10-09 (Nos. 61, 62),
//! 2025-11-07 (No. 70 suspension), 2025-12-01 (No. 61 Art. 1(1), 1(2)), 2026-11-10 (end of
//! the suspension, the last day sources confirm).

use jiff::civil::Date;
use ree_screen::engine::ClauseStatus;
use ree_screen::rules::{Outcome, RuleSet};
use ree_screen::{Answers, Determination, determine};

fn rules() -> RuleSet {
    ree_screen::rules::embedded().expect("embedded rule set is valid")
}

fn d(text: &str) -> Date {
    text.parse().expect("test date")
}

fn screen(stage: &str, origin: &str, recipient: &str, date: &str) -> Determination {
    determine(&rules(), &Answers::new(stage, origin, recipient), d(date))
}

use Outcome::*;

#[test]
fn outcome_table_over_answers_and_dates() {
    // (stage, origin, recipient, date, outcome, would-be outcome if nothing were suspended)
    let table: &[(&str, &str, &str, &str, Outcome, Outcome)] = &[
        // Magnet technology from China: the 2023 catalogue prohibits it from 2023-12-21.
        (
            "magnet_manufacturing",
            "china",
            "civil",
            "2023-12-20",
            NoLicenseRequired,
            Prohibited,
        ),
        (
            "magnet_manufacturing",
            "china",
            "civil",
            "2023-12-21",
            Prohibited,
            Prohibited,
        ),
        (
            "magnet_manufacturing",
            "china",
            "civil",
            "2025-10-20",
            Prohibited,
            Prohibited,
        ),
        (
            "magnet_manufacturing",
            "china",
            "civil",
            "2026-11-28",
            Prohibited,
            Prohibited,
        ),
        (
            "smelting_separation",
            "china",
            "civil",
            "2025-11-07",
            Prohibited,
            Prohibited,
        ),
        (
            "metal_smelting",
            "china",
            "civil",
            "2024-06-01",
            Prohibited,
            Prohibited,
        ),
        // Mining technology: restricted by the catalogue, listed by No. 62.
        (
            "mining",
            "china",
            "civil",
            "2024-06-01",
            LicenseRequired,
            LicenseRequired,
        ),
        (
            "mining",
            "china",
            "civil",
            "2025-10-20",
            LicenseRequired,
            LicenseRequired,
        ),
        // Goods from China: No. 18 from 2025-04-04; No. 61 Art. 2 denial only while No. 61 binds.
        (
            "none",
            "china",
            "civil",
            "2025-04-03",
            NoLicenseRequired,
            LicenseRequired,
        ),
        (
            "none",
            "china",
            "civil",
            "2025-04-04",
            LicenseRequired,
            LicenseRequired,
        ),
        (
            "none",
            "china",
            "military_user",
            "2025-10-08",
            LicenseRequired,
            DeniedInPrinciple,
        ),
        (
            "none",
            "china",
            "military_user",
            "2025-10-09",
            DeniedInPrinciple,
            DeniedInPrinciple,
        ),
        (
            "none",
            "china",
            "military_user",
            "2025-11-06",
            DeniedInPrinciple,
            DeniedInPrinciple,
        ),
        (
            "none",
            "china",
            "military_user",
            "2025-11-07",
            LicenseRequired,
            DeniedInPrinciple,
        ),
        (
            "none",
            "china",
            "military_user",
            "2026-11-10",
            LicenseRequired,
            DeniedInPrinciple,
        ),
        (
            "none",
            "china",
            "military_user",
            "2026-11-11",
            DeniedInPrinciple,
            DeniedInPrinciple,
        ),
        (
            "none",
            "china",
            "listed_entity",
            "2025-10-20",
            DeniedInPrinciple,
            DeniedInPrinciple,
        ),
        (
            "none",
            "china",
            "defense_contractor",
            "2025-10-20",
            DeniedInPrinciple,
            DeniedInPrinciple,
        ),
        (
            "none",
            "china",
            "advanced_semiconductor",
            "2025-10-20",
            CaseByCase,
            CaseByCase,
        ),
        (
            "none",
            "china",
            "military_ai",
            "2025-10-20",
            CaseByCase,
            CaseByCase,
        ),
        // The humanitarian exemption lifts No. 61's licence but not No. 18's.
        (
            "none",
            "china",
            "humanitarian",
            "2025-10-20",
            LicenseRequired,
            LicenseRequired,
        ),
        // Foreign-made with Chinese content: Art. 1(1) from 2025-12-01, suspended before then.
        (
            "none",
            "foreign_chinese_content",
            "civil",
            "2025-10-20",
            NoLicenseRequired,
            LicenseRequired,
        ),
        (
            "none",
            "foreign_chinese_content",
            "civil",
            "2025-12-01",
            NoLicenseRequired,
            LicenseRequired,
        ),
        (
            "none",
            "foreign_chinese_content",
            "civil",
            "2026-11-10",
            NoLicenseRequired,
            LicenseRequired,
        ),
        (
            "none",
            "foreign_chinese_content",
            "civil",
            "2026-11-11",
            LicenseRequired,
            LicenseRequired,
        ),
        (
            "none",
            "foreign_chinese_content",
            "humanitarian",
            "2026-11-11",
            Exempt,
            Exempt,
        ),
        (
            "none",
            "foreign_chinese_content",
            "advanced_semiconductor",
            "2026-11-11",
            CaseByCase,
            CaseByCase,
        ),
        (
            "none",
            "foreign_chinese_technology",
            "defense_contractor",
            "2026-11-11",
            DeniedInPrinciple,
            DeniedInPrinciple,
        ),
        (
            "magnet_manufacturing",
            "foreign_chinese_technology",
            "civil",
            "2025-10-20",
            NoLicenseRequired,
            LicenseRequired,
        ),
        // Production-line services: No. 62 (1E902.b), suspended from 2025-11-07; No. 18 still binds goods.
        (
            "production_line",
            "china",
            "civil",
            "2025-10-20",
            LicenseRequired,
            LicenseRequired,
        ),
        (
            "production_line",
            "china",
            "civil",
            "2025-11-07",
            LicenseRequired,
            LicenseRequired,
        ),
        // No Chinese nexus: nothing fires, whoever the recipient.
        (
            "production_line",
            "no_chinese_nexus",
            "military_user",
            "2025-10-20",
            NoLicenseRequired,
            NoLicenseRequired,
        ),
        (
            "none",
            "no_chinese_nexus",
            "listed_entity",
            "2026-11-28",
            NoLicenseRequired,
            NoLicenseRequired,
        ),
    ];
    let rules = rules();
    let mut failures = Vec::new();
    for &(stage, origin, recipient, date, outcome, would_be) in table {
        let got = determine(&rules, &Answers::new(stage, origin, recipient), d(date));
        if got.outcome != outcome || got.would_be != would_be {
            failures.push(format!(
                "{stage}/{origin}/{recipient} on {date}: got {} (would be {}), want {outcome} (would be {would_be})",
                got.outcome, got.would_be
            ));
        }
        assert!(!got.provisional, "no unknown answer, so not provisional");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn status_of(det: &Determination, clause: &str) -> ClauseStatus {
    det.clauses
        .iter()
        .find(|c| c.id == clause)
        .unwrap_or_else(|| {
            panic!(
                "clause {clause} did not fire; fired: {:?}",
                det.clauses.iter().map(|c| &c.id).collect::<Vec<_>>()
            )
        })
        .status
        .clone()
}

#[test]
fn magnet_technology_from_china_cites_no62_art1_in_force() {
    let det = screen("magnet_manufacturing", "china", "civil", "2025-10-20");
    let art1 = det
        .clauses
        .iter()
        .find(|c| c.id == "no62-art1-a")
        .expect("No. 62 Art. 1 fired");
    assert_eq!(art1.measure_name, "MOFCOM Announcement 2025 No. 62");
    assert_eq!(art1.article, "Art. 1");
    assert_eq!(art1.code.as_deref(), Some("1E902.a"));
    assert_eq!(
        art1.status,
        ClauseStatus::InForce {
            since: d("2025-10-09")
        }
    );
    assert!(art1.applies);
    assert!(art1.source.starts_with("https://"));
}

#[test]
fn statuses_across_the_suspension_window() {
    let on = |date| status_of(&screen("none", "china", "civil", date), "no61-art1-3");
    assert_eq!(
        on("2025-10-09"),
        ClauseStatus::InForce {
            since: d("2025-10-09")
        }
    );
    assert!(
        matches!(on("2025-11-07"), ClauseStatus::Suspended { until, .. } if until == d("2026-11-10"))
    );
    assert!(matches!(on("2026-11-10"), ClauseStatus::Suspended { .. }));
    assert_eq!(
        on("2026-11-11"),
        ClauseStatus::Unverified {
            verified_until: d("2026-11-10")
        }
    );
    let before = status_of(
        &screen("none", "china", "civil", "2025-10-08"),
        "no61-art1-3",
    );
    assert_eq!(
        before,
        ClauseStatus::NotYetEffective {
            from: d("2025-10-09")
        }
    );
}

#[test]
fn art1_1_is_suspended_before_it_ever_took_effect() {
    let on = |date| {
        status_of(
            &screen("none", "foreign_chinese_content", "civil", date),
            "no61-art1-1",
        )
    };
    assert_eq!(
        on("2025-10-20"),
        ClauseStatus::NotYetEffective {
            from: d("2025-12-01")
        }
    );
    assert!(matches!(on("2025-11-20"), ClauseStatus::Suspended { .. }));
    assert!(matches!(on("2025-12-01"), ClauseStatus::Suspended { .. }));
}

#[test]
fn suspended_status_names_the_suspending_clause() {
    let det = screen("mining", "china", "civil", "2025-12-15");
    let ClauseStatus::Suspended { by, by_name, .. } = status_of(&det, "no62-art1-a") else {
        panic!("No. 62 Art. 1 should be suspended on 2025-12-15");
    };
    assert_eq!(by, "no70-suspension");
    assert!(by_name.contains("No. 70"), "{by_name}");
}

#[test]
fn past_the_verified_window_the_result_is_flagged_unverified() {
    assert!(!screen("none", "china", "civil", "2025-10-20").unverified);
    assert!(screen("none", "china", "civil", "2026-11-11").unverified);
    // No clause fires, but facts past every confirmed date may be stale.
    assert!(screen("none", "no_chinese_nexus", "civil", "2026-11-28").unverified);
    assert!(!screen("none", "no_chinese_nexus", "civil", "2025-10-20").unverified);
}

#[test]
fn unknown_answers_give_the_provisional_worst_case() {
    let det = screen("none", "china", "unknown", "2025-10-20");
    assert!(det.provisional);
    assert_eq!(det.outcome, DeniedInPrinciple);
    assert_eq!(det.missing, vec![ree_screen::rules::QuestionId::Recipient]);
    let assumed: Vec<&str> = det
        .worst_case
        .iter()
        .map(|a| a.recipient.as_str())
        .collect();
    assert_eq!(
        assumed,
        vec!["military_user", "listed_entity", "defense_contractor"]
    );
    assert!(det.trace.iter().any(|t| t.because.contains("assumed")));

    let all = screen("unknown", "unknown", "unknown", "2025-10-20");
    assert!(all.provisional);
    assert_eq!(all.outcome, Prohibited);
    assert_eq!(all.missing.len(), 3);
}

#[test]
fn humanitarian_end_use_cites_the_exemption_and_its_reporting_duty() {
    let det = screen(
        "none",
        "foreign_chinese_content",
        "humanitarian",
        "2026-11-11",
    );
    assert_eq!(det.outcome, Exempt);
    let art5 = det
        .clauses
        .iter()
        .find(|c| c.id == "no61-art5")
        .expect("Art. 5 fired");
    assert!(
        art5.verify,
        "reporting conditions rest on machine extractions"
    );
    assert!(art5.text.contains("10 working days"));
    assert!(!det.clauses.iter().any(|c| c.id == "no61-art2"));
}

#[test]
fn every_fired_clause_is_listed_once_and_in_rule_set_order() {
    let rules = rules();
    let det = screen(
        "magnet_manufacturing",
        "china",
        "military_user",
        "2025-10-20",
    );
    let ids: Vec<&str> = det.clauses.iter().map(|c| c.id.as_str()).collect();
    let order: Vec<&str> = rules
        .clauses
        .iter()
        .map(|c| c.id.as_str())
        .filter(|id| ids.contains(id))
        .collect();
    assert_eq!(ids, order);
    for id in [
        "no62-art1-a",
        "no62-art1-catch-all",
        "catalogue-2023-prohibited",
        "no61-art2",
        "no61-art1-3",
        "no18-items",
    ] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
}

#[test]
fn the_suspension_itself_expires_after_its_last_day() {
    let rules = rules();
    let no70 = rules.measure("mofcom-gac-2025-70").expect("No. 70");
    let clause = rules.clause("no70-suspension").expect("operative text");
    let on = |date| ree_screen::engine::clause_status(&rules, no70, clause, d(date));
    assert_eq!(
        on("2026-11-10"),
        ClauseStatus::InForce {
            since: d("2025-11-07")
        }
    );
    assert_eq!(
        on("2026-11-11"),
        ClauseStatus::Expired {
            until: d("2026-11-10")
        }
    );
    assert!(!on("2026-11-11").applies());
}
