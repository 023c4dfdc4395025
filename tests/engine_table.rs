//! The determination table: every option of every question on the boundary dates, with the
//! outcome and the deciding clause expected from the regulation facts
//! (`../shared/regulation.md` sections 1, 2, 7.2, 7.3 and the screening model), written out
//! by hand here, not taken from the engine's own output.
//!
//! Status of the measures on the boundary dates (regulation.md section 1):
//! - 2023-12-21: the 2023 technology catalogue takes effect (separation was banned before);
//!   No. 18 (2025-04-04), 2024 No. 46 (2024-12-03), the Dual-Use Regulations (2024-12-01) and
//!   the October 2025 measures are not yet in force.
//! - 2025-10-09: Nos. 61 (Art. 1(3), 2-5) and 62 in force; No. 61 Art. 1(1), 1(2) from
//!   2025-12-01; Nos. 56, 57 from 2025-11-08.
//! - 2025-11-07 to 2026-11-10: No. 70 suspends Nos. 56, 57, 61, 62 (both days included).
//! - 2025-12-01: suspended limbs stay suspended.
//! - 2026-01-06: 2026 No. 1 (Japan) in force.
//! - 2026-11-11: the suspension has ended and nothing confirms what followed: applied as
//!   written, with the "if it was extended" scenario.

use jiff::civil::Date;
use ree_screen::engine::{Answers, Determination, Role, determine};
use ree_screen::rules::{Outcome, RuleSet};

const DATES: [&str; 6] = [
    "2023-12-21",
    "2025-10-09",
    "2025-11-07",
    "2025-12-01",
    "2026-11-10",
    "2026-11-11",
];

fn rules() -> RuleSet {
    ree_screen::rules::embedded().expect("embedded rules load")
}

fn date(text: &str) -> Date {
    text.parse().expect("date")
}

fn answers(spec: &str) -> Answers {
    let mut a = Answers::new();
    for pair in spec.split_whitespace() {
        let (q, v) = pair.split_once('=').expect("q=v");
        a.set(q, v);
    }
    a
}

/// `N` no licence, `E` exempt, `L` licence, `C` case-by-case, `D` denied, `P` prohibited;
/// optionally `:clause` that must be among the clauses deciding it.
fn expected(code: &str) -> (Outcome, Option<&str>) {
    let (o, clause) = match code.split_once(':') {
        Some((o, c)) => (o, Some(c)),
        None => (code, None),
    };
    let outcome = match o {
        "N" => Outcome::NoLicenseRequired,
        "E" => Outcome::Exempt,
        "L" => Outcome::LicenseRequired,
        "C" => Outcome::CaseByCase,
        "D" => Outcome::DeniedInPrinciple,
        "P" => Outcome::Prohibited,
        other => panic!("bad code {other}"),
    };
    (outcome, clause)
}

/// One question swept over its options with the others fixed; each row gives the expected
/// result on each of the six boundary dates.
struct Sweep {
    base: &'static str,
    rows: &'static [(&'static str, [&'static str; 6])],
}

const CAT_SEP: &str = "catalogue-prohibited-separation";

/// No. 18 (in force from 4 Apr 2025) decides an export from China.
const NO18_FROM_CHINA: [&str; 6] = [
    "N",
    "L:no18-items",
    "L:no18-items",
    "L:no18-items",
    "L:no18-items",
    "L:no18-items",
];

/// Goods to a foreign person in China: a (deemed) export once No. 18 is in force.
const DEEMED_EXPORT: [&str; 6] = [
    "N",
    "L:ecl-art2-export",
    "L:ecl-art2-export",
    "L:ecl-art2-export",
    "L:ecl-art2-export",
    "L:ecl-art2-export",
];

/// Only No. 61 Art. 1(1) (from 1 Dec 2025, suspended until 10 Nov 2026) decides.
const ART_1_1_ONLY: [&str; 6] = ["N", "N", "N", "N", "N", "N:no61-art1-1"];

const SWEEPS: &[Sweep] = &[
    // Technology from China to an ordinary civil user in Germany, no goods.
    Sweep {
        base: "goods=none origin=china_export recipient=civil destination=DE",
        rows: &[
            (
                "stage=mining",
                [
                    "L:catalogue-restricted-mining",
                    "L:catalogue-restricted-mining",
                    "L:catalogue-restricted-mining",
                    "L:catalogue-restricted-mining",
                    "L:catalogue-restricted-mining",
                    "L:catalogue-restricted-mining",
                ],
            ),
            (
                "stage=smelting_separation",
                ["P:catalogue-prohibited-separation"; 6],
            ),
            (
                "stage=metal_smelting",
                ["P:catalogue-prohibited-metals-magnets"; 6],
            ),
            (
                "stage=magnet_manufacturing",
                ["P:catalogue-prohibited-metals-magnets"; 6],
            ),
            (
                "stage=secondary_recycling",
                ["N", "L:no62-art1-a", "N", "N", "N", "L:no62-art1-a"],
            ),
            (
                "stage=production_line line=smelting_separation",
                ["P:catalogue-prohibited-separation"; 6],
            ),
            ("stage=none", ["N"; 6]),
            ("stage=unknown", ["P:catalogue-prohibited-separation"; 6]),
        ],
    },
    // Production-line services from China, by the process the line serves.
    Sweep {
        base: "stage=production_line goods=none origin=china_export recipient=civil destination=DE",
        rows: &[
            (
                "line=mining",
                [
                    "L:catalogue-restricted-mining",
                    "L:catalogue-restricted-mining",
                    "L:catalogue-restricted-mining",
                    "L:catalogue-restricted-mining",
                    "L:catalogue-restricted-mining",
                    "L:catalogue-restricted-mining",
                ],
            ),
            (
                "line=smelting_separation",
                ["P:catalogue-prohibited-separation"; 6],
            ),
            (
                "line=metal_smelting",
                ["P:catalogue-prohibited-metals-magnets"; 6],
            ),
            (
                "line=magnet_manufacturing",
                ["P:catalogue-prohibited-metals-magnets"; 6],
            ),
            (
                "line=secondary_recycling",
                ["N", "L:no62-art1-b", "N", "N", "N", "L:no62-art1-b"],
            ),
            ("line=unknown", ["P"; 6]),
        ],
    },
    // Goods exported from China to an ordinary civil user in Germany.
    Sweep {
        base: "stage=none origin=china_export recipient=civil destination=DE",
        rows: &[
            ("goods=none", ["N"; 6]),
            // The three No. 18 classes (and their group) all need No. 18's licence from China.
            ("goods=n61_part1", NO18_FROM_CHINA),
            ("goods=n61_part2", NO18_FROM_CHINA),
            ("goods=no18_other", NO18_FROM_CHINA),
            ("goods=no18_items", NO18_FROM_CHINA),
            // FAQ No. 5: deep-processed magnet parts are generally outside No. 18.
            (
                "goods=magnet_parts",
                [
                    "N",
                    "N:no18-faq5",
                    "N:no18-faq5",
                    "N:no18-faq5",
                    "N:no18-faq5",
                    "N:no18-faq5",
                ],
            ),
            (
                "goods=no57_items",
                ["N", "N", "N", "N", "N", "L:no57-items"],
            ),
            (
                "goods=no56_items",
                ["N", "N", "N", "N", "N", "L:no56-items"],
            ),
            ("goods=other", ["N"; 6]),
            (
                "goods=unknown",
                [
                    "N",
                    "L:no18-items",
                    "L:no18-items",
                    "L:no18-items",
                    "L:no18-items",
                    "L",
                ],
            ),
        ],
    },
    // No. 18 goods to an ordinary civil user in Germany, by the Chinese nexus.
    Sweep {
        base: "stage=none goods=no18_items recipient=civil destination=DE",
        rows: &[
            ("origin=china_export", NO18_FROM_CHINA),
            (
                "origin=china_reexport",
                ["N", "L:no61-art1-3", "N", "N", "N", "L:no61-art1-3"],
            ),
            (
                "origin=foreign_chinese_content",
                ["N", "N", "N", "N", "N", "L:no61-art1-1"],
            ),
            // De minimis: below 0.1% Chinese content is outside Art. 1(1) once it applies.
            (
                "origin=foreign_below_threshold",
                ["N", "N", "N", "N", "N", "N:no61-art1-1"],
            ),
            (
                "origin=foreign_chinese_technology",
                ["N", "N", "N", "N", "N", "L:no61-art1-2"],
            ),
            ("origin=no_chinese_nexus", ["N"; 6]),
            (
                "origin=china",
                [
                    "N",
                    "L",
                    "L:no18-items",
                    "L:no18-items",
                    "L:no18-items",
                    "L",
                ],
            ),
            (
                "origin=unknown",
                [
                    "N",
                    "L",
                    "L:no18-items",
                    "L:no18-items",
                    "L:no18-items",
                    "L",
                ],
            ),
        ],
    },
    // Chinese-origin No. 18 goods re-exported from abroad to Germany, by recipient.
    Sweep {
        base: "stage=none goods=no18_items origin=china_reexport destination=DE",
        rows: &[
            (
                "recipient=control_list",
                [
                    "N",
                    "P:ecl-art18-control-list",
                    "P:ecl-art18-control-list",
                    "P:ecl-art18-control-list",
                    "P:ecl-art18-control-list",
                    "P:ecl-art18-control-list",
                ],
            ),
            (
                "recipient=watch_list",
                ["N", "D:no61-art2", "N", "N", "N", "D:no61-art2"],
            ),
            (
                "recipient=military_user",
                ["N", "D:no61-art2", "N", "N", "N", "D:no61-art2"],
            ),
            (
                "recipient=defense_contractor",
                ["N", "D:no61-art3", "N", "N", "N", "D:no61-art3"],
            ),
            (
                "recipient=advanced_semiconductor",
                ["N", "C:no61-art4", "N", "N", "N", "C:no61-art4"],
            ),
            (
                "recipient=military_ai",
                ["N", "C:no61-art4", "N", "N", "N", "C:no61-art4"],
            ),
            (
                "recipient=re_production_abroad",
                ["N", "L:no61-art1-3", "N", "N", "N", "L:no61-art1-3"],
            ),
            (
                "recipient=humanitarian",
                ["N", "E:no61-art5", "N", "N", "N", "E:no61-art5"],
            ),
            (
                "recipient=civil",
                ["N", "L:no61-art1-3", "N", "N", "N", "L:no61-art1-3"],
            ),
            (
                "recipient=listed_entity",
                ["N", "P:ecl-art18-control-list", "P", "P", "P", "P"],
            ),
            (
                "recipient=unknown",
                ["N", "P:ecl-art18-control-list", "P", "P", "P", "P"],
            ),
        ],
    },
    // Chinese-origin No. 18 goods re-exported to a military user, by destination.
    Sweep {
        base: "stage=none goods=no18_items origin=china_reexport recipient=military_user",
        rows: &[
            (
                "destination=US",
                [
                    "N",
                    "P:no46-art1",
                    "P:no46-art1",
                    "P:no46-art1",
                    "P:no46-art1",
                    "P:no46-art1",
                ],
            ),
            (
                "destination=JP",
                [
                    "N",
                    "D:no61-art2",
                    "N",
                    "N",
                    "P:no2026-1-ban",
                    "P:no2026-1-ban",
                ],
            ),
            // No. 61 reaches exports to countries other than China only.
            ("destination=CN", ["N"; 6]),
            (
                "destination=DE",
                ["N", "D:no61-art2", "N", "N", "N", "D:no61-art2"],
            ),
            (
                "destination=unknown",
                ["N", "P:no46-art1", "P:no46-art1", "P:no46-art1", "P", "P"],
            ),
        ],
    },
    // No. 61 Annex 1 Part 1 materials (e.g. Dy oxide, Dy-Fe alloy), by the Chinese nexus.
    Sweep {
        base: "stage=none goods=n61_part1 recipient=civil destination=DE",
        rows: &[
            ("origin=china_export", NO18_FROM_CHINA),
            (
                "origin=china_reexport",
                ["N", "L:no61-art1-3", "N", "N", "N", "L:no61-art1-3"],
            ),
            // Art. 1(1) reaches foreign-made Part 2 items only (regulation.md 8.3).
            ("origin=foreign_chinese_content", ART_1_1_ONLY),
            ("origin=foreign_below_threshold", ART_1_1_ONLY),
            // Art. 1(2) reaches any Annex 1 item made with Chinese technology.
            (
                "origin=foreign_chinese_technology",
                ["N", "N", "N", "N", "N", "L:no61-art1-2"],
            ),
        ],
    },
    // No. 61 Part 2 magnets and targets made abroad.
    Sweep {
        base: "stage=none goods=n61_part2 recipient=civil destination=DE",
        rows: &[
            (
                "origin=foreign_chinese_content",
                ["N", "N", "N", "N", "N", "L:no61-art1-1"],
            ),
            ("origin=foreign_below_threshold", ART_1_1_ONLY),
            (
                "origin=china_reexport",
                ["N", "L:no61-art1-3", "N", "N", "N", "L:no61-art1-3"],
            ),
        ],
    },
    // Other No. 18 items (Y, Gd, Sm, Lu, Sc oxides, compounds): not in No. 61 Annex 1.
    Sweep {
        base: "stage=none goods=no18_other recipient=civil destination=DE",
        rows: &[
            ("origin=china_export", NO18_FROM_CHINA),
            // No No. 61 licence and no report; the No. 18 undertaking still binds (a duty).
            (
                "origin=china_reexport",
                [
                    "N",
                    "N:no61-art1-3",
                    "N:dual-use-end-user-undertaking",
                    "N:dual-use-end-user-undertaking",
                    "N:dual-use-end-user-undertaking",
                    "N:no61-art1-3",
                ],
            ),
            ("origin=foreign_chinese_content", ART_1_1_ONLY),
            ("origin=foreign_chinese_technology", ["N"; 6]),
        ],
    },
    // A magnet line serviced from China, by whether process know-how passes.
    Sweep {
        base: "stage=production_line line=magnet_manufacturing goods=none origin=china_export recipient=civil destination=IN",
        rows: &[
            ("know_how=yes", ["P:catalogue-prohibited-metals-magnets"; 6]),
            // Only 1E902.b, suspended with No. 62; the catalogue's residual risk is a VERIFY.
            (
                "know_how=no",
                [
                    "N:catalogue-prohibited-metals-magnets",
                    "L:no62-art1-b",
                    "N:catalogue-prohibited-metals-magnets",
                    "N:catalogue-prohibited-metals-magnets",
                    "N:catalogue-prohibited-metals-magnets",
                    "L:no62-art1-b",
                ],
            ),
            (
                "know_how=unknown",
                ["P:catalogue-prohibited-metals-magnets"; 6],
            ),
        ],
    },
    Sweep {
        base: "stage=production_line goods=none origin=china_export recipient=civil destination=IN",
        rows: &[
            (
                "line=secondary_recycling know_how=yes",
                ["N", "L:no62-art1-a", "N", "N", "N", "L:no62-art1-a"],
            ),
            (
                "line=secondary_recycling know_how=no",
                ["N", "L:no62-art1-b", "N", "N", "N", "L:no62-art1-b"],
            ),
            (
                "line=mining know_how=no",
                [
                    "N:catalogue-restricted-mining",
                    "L:no62-art1-b",
                    "N:catalogue-restricted-mining",
                    "N:catalogue-restricted-mining",
                    "N:catalogue-restricted-mining",
                    "L:no62-art1-b",
                ],
            ),
            (
                "line=smelting_separation know_how=no",
                [
                    "N:catalogue-prohibited-separation",
                    "L:no62-art1-b",
                    "N:catalogue-prohibited-separation",
                    "N:catalogue-prohibited-separation",
                    "N:catalogue-prohibited-separation",
                    "L:no62-art1-b",
                ],
            ),
        ],
    },
    // Goods supplied inside China: an export only to a foreign person (ECL Art. 2).
    Sweep {
        base: "stage=none goods=n61_part1 origin=china_export recipient=civil destination=CN",
        rows: &[
            ("foreign_person=yes", DEEMED_EXPORT),
            ("foreign_person=no", ["N:ecl-art2-export"; 6]),
            ("foreign_person=unknown", DEEMED_EXPORT),
        ],
    },
    // Technology taught inside China: training foreign engineers is an export.
    Sweep {
        base: "stage=magnet_manufacturing goods=none origin=china_export recipient=civil destination=CN",
        rows: &[
            (
                "foreign_person=yes",
                ["P:catalogue-prohibited-metals-magnets"; 6],
            ),
            ("foreign_person=no", ["N:ecl-art2-export"; 6]),
        ],
    },
];

fn check(rules: &RuleSet, spec: &str, on: &str, code: &str) -> Option<String> {
    let d = determine(rules, &answers(spec), date(on));
    let (outcome, clause) = expected(code);
    let mut problems = Vec::new();
    if d.outcome != outcome {
        problems.push(format!("outcome {} (expected {outcome})", d.outcome));
    }
    if let Some(clause) = clause
        && !d.decided_by.iter().any(|c| c == clause)
    {
        problems.push(format!(
            "decided by {:?} (expected {clause} among them)",
            d.decided_by
        ));
    }
    (!problems.is_empty()).then(|| format!("{on} [{spec}]: {}", problems.join("; ")))
}

#[test]
fn every_option_of_every_question_on_the_boundary_dates() {
    let rules = rules();
    let mut failures = Vec::new();
    let mut cases = 0;
    for sweep in SWEEPS {
        for (row, codes) in sweep.rows {
            let spec = format!("{} {row}", sweep.base);
            for (on, code) in DATES.iter().zip(codes) {
                cases += 1;
                failures.extend(check(&rules, &spec, on, code));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {cases} cases differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // Every option of every question is swept (the destination's countries by class).
    for q in &rules.questions {
        for o in q
            .options
            .iter()
            .filter(|o| o.also.is_empty() && o.id.len() > 2)
        {
            let token = format!("{}={}", q.id, o.id);
            assert!(
                SWEEPS.iter().any(|s| s
                    .rows
                    .iter()
                    .any(|(row, _)| row.split_whitespace().any(|t| t == token))),
                "option {token} is not in the table"
            );
        }
    }
}

fn decided(spec: &str, on: &str) -> Determination {
    determine(&rules(), &answers(spec), date(on))
}

/// The cases the issue names, with the clause that must come first.
#[test]
fn the_named_cases_are_decided_by_the_expected_clause() {
    let cases = [
        (
            "stage=production_line line=smelting_separation goods=none origin=china_export recipient=civil destination=DE",
            "2026-03-02",
            Outcome::Prohibited,
            CAT_SEP,
        ),
        (
            "stage=none goods=no18_items origin=china_reexport recipient=humanitarian",
            "2025-10-20",
            Outcome::Exempt,
            "no61-art5",
        ),
        (
            "stage=none goods=no18_items origin=china_reexport recipient=control_list",
            "2026-03-02",
            Outcome::Prohibited,
            "ecl-art18-control-list",
        ),
        (
            "stage=none goods=no18_items origin=china_reexport recipient=military_user destination=US",
            "2026-03-02",
            Outcome::Prohibited,
            "no46-art1",
        ),
        (
            "recipient=military_user destination=US",
            "2026-03-02",
            Outcome::Prohibited,
            "no46-art1",
        ),
        (
            "stage=mining goods=no18_items origin=china_reexport recipient=defense_contractor destination=DE",
            "2025-10-20",
            Outcome::DeniedInPrinciple,
            "no61-art3",
        ),
        // Issue 16's cases. Chinese Y oxide re-exported to a civil US buyer: Y oxide is a
        // No. 18 item but not a No. 61 Annex 1 item (regulation.md 8.3).
        (
            "stage=none goods=no18_other origin=china_reexport recipient=civil destination=US",
            "2025-10-20",
            Outcome::NoLicenseRequired,
            "no61-art1-3",
        ),
        // Humanitarian re-export of Chinese Gd oxide: no licence and no Art. 5 report.
        (
            "stage=none goods=no18_other origin=china_reexport recipient=humanitarian destination=DE",
            "2025-10-20",
            Outcome::NoLicenseRequired,
            "no61-art1-3",
        ),
        // Japanese-made Dy-Fe alloy with Chinese Dy: Art. 1(1) reaches Part 2 items only.
        (
            "stage=none goods=n61_part1 origin=foreign_chinese_content recipient=civil destination=DE",
            "2026-12-04",
            Outcome::NoLicenseRequired,
            "no61-art1-1",
        ),
        // A Chinese producer selling Dy oxide to a Chinese magnet maker in China: no export.
        (
            "stage=none goods=n61_part1 origin=china_export recipient=civil destination=CN foreign_person=no",
            "2026-03-02",
            Outcome::NoLicenseRequired,
            "ecl-art2-export",
        ),
        // Training foreign engineers inside China is an export.
        (
            "stage=magnet_manufacturing goods=none origin=china_export recipient=civil destination=CN foreign_person=yes",
            "2026-03-02",
            Outcome::Prohibited,
            "catalogue-prohibited-metals-magnets",
        ),
        // Chinese engineers repairing the sintering furnaces of an Indian magnet line during
        // the suspension, no know-how passing: no licence identified (with a VERIFY).
        (
            "stage=production_line line=magnet_manufacturing know_how=no goods=none origin=china_export recipient=civil destination=IN",
            "2026-03-02",
            Outcome::NoLicenseRequired,
            "catalogue-prohibited-metals-magnets",
        ),
        // Provisional worst cases lead with the clause that produces them, never No. 18.
        (
            "stage=none goods=no18_items origin=china_reexport recipient=military_user destination=unknown",
            "2026-03-02",
            Outcome::Prohibited,
            "no46-art1",
        ),
        (
            "stage=none goods=n61_part1 origin=china_reexport recipient=unknown destination=US",
            "2026-03-02",
            Outcome::Prohibited,
            "no46-art1",
        ),
        (
            "stage=none goods=n61_part1 origin=china_export recipient=unknown destination=JP",
            "2026-03-02",
            Outcome::Prohibited,
            "no2026-1-ban",
        ),
        // Technology before 21 Dec 2023: the earlier catalogue, with a VERIFY.
        (
            "stage=metal_smelting goods=none origin=china_export recipient=civil destination=DE",
            "2023-12-20",
            Outcome::Prohibited,
            "catalogue-earlier-alloys",
        ),
        (
            "stage=magnet_manufacturing goods=none origin=china_export recipient=civil destination=DE",
            "2010-06-01",
            Outcome::Prohibited,
            "catalogue-earlier-alloys",
        ),
        (
            "stage=mining goods=none origin=china_export recipient=civil destination=DE",
            "2023-12-20",
            Outcome::Prohibited,
            "catalogue-earlier-ion-leaching",
        ),
        (
            "stage=mining goods=none origin=china_export recipient=civil destination=DE",
            "2023-12-21",
            Outcome::LicenseRequired,
            "catalogue-restricted-mining",
        ),
    ];
    for (spec, on, outcome, first) in cases {
        let d = decided(spec, on);
        assert_eq!(d.outcome, outcome, "{spec} on {on}");
        assert_eq!(
            d.decided_by.first().map(String::as_str),
            Some(first),
            "{spec} on {on}: {:?}",
            d.decided_by
        );
    }
    // Recycling technology with no goods: no goods measure is cited at all.
    let d = decided(
        "stage=secondary_recycling goods=none origin=china_export recipient=civil destination=DE",
        "2026-03-02",
    );
    assert!(
        d.clauses.iter().all(|c| !c.id.starts_with("no18")),
        "{:?}",
        d.clauses
    );
    assert_eq!(d.outcome, Outcome::NoLicenseRequired);
    assert_eq!(
        d.clause("no62-art1-a").map(|c| c.role),
        Some(Role::NotCounting)
    );
}

#[test]
fn who_needs_which_licence() {
    use ree_screen::rules::{LicenceKind, Party};
    let licences = |spec, on| -> Vec<(LicenceKind, Party)> {
        decided(spec, on)
            .licences
            .iter()
            .map(|l| (l.kind, l.obtained_by))
            .collect()
    };
    assert_eq!(
        licences(
            "stage=mining goods=none origin=china_export recipient=civil destination=DE",
            "2026-03-02"
        ),
        [(LicenceKind::TechnologyExport, Party::ExporterInChina)],
        "the catalogue's licence is a technology-export licence"
    );
    assert_eq!(
        licences(
            "stage=none goods=no18_items origin=china_export recipient=civil destination=DE",
            "2026-03-02"
        ),
        [(LicenceKind::DualUse, Party::ExporterInChina)]
    );
    assert_eq!(
        licences(
            "stage=none goods=no18_items origin=china_reexport recipient=civil destination=DE",
            "2025-10-20"
        ),
        [(LicenceKind::DualUse, Party::ForeignReexporter)],
        "No. 61's licence is the foreign re-exporter's"
    );
    let humanitarian = decided(
        "stage=none goods=n61_part1 origin=china_reexport recipient=humanitarian destination=DE",
        "2025-10-20",
    );
    assert!(humanitarian.licences.is_empty());
    let duties: Vec<&str> = humanitarian
        .duties
        .iter()
        .map(|d| d.rule.as_str())
        .collect();
    assert!(
        duties.contains(&"no61-humanitarian/chinese_origin"),
        "Art. 5's report remains: {duties:?}"
    );
    // Not an Annex 1 item: no Art. 5 report, only the undertaking given on export.
    let gd_oxide = decided(
        "stage=none goods=no18_other origin=china_reexport recipient=humanitarian destination=DE",
        "2025-10-20",
    );
    let duties: Vec<&str> = gd_oxide.duties.iter().map(|d| d.rule.as_str()).collect();
    assert_eq!(duties, ["reexport-undertaking"]);
    // Under Art. 1(1) and 1(2) the applicant is the foreign manufacturer or exporter.
    assert_eq!(
        licences(
            "stage=none goods=n61_part2 origin=foreign_chinese_content recipient=civil destination=DE",
            "2026-12-04"
        ),
        [(LicenceKind::DualUse, Party::ForeignManufacturerOrExporter)]
    );
    // No. 18 has no humanitarian exemption.
    assert_eq!(
        decided(
            "stage=none goods=no18_items origin=china_export recipient=humanitarian destination=DE",
            "2026-03-02"
        )
        .outcome,
        Outcome::LicenseRequired
    );
}

#[test]
fn roles_follow_the_rules_not_the_clauses() {
    // During the suspension No. 61's policy articles do not count, whatever their status.
    let d = decided(
        "stage=none goods=no18_items origin=china_reexport recipient=defense_contractor destination=DE",
        "2026-03-02",
    );
    assert_eq!(d.outcome, Outcome::NoLicenseRequired);
    let art3 = d.clause("no61-art3").expect("Art. 3 listed");
    assert_eq!(
        (art3.role, art3.effect),
        (Role::NotCounting, Some(Outcome::DeniedInPrinciple))
    );
    // Procedure and exclusion articles are context, never decisive.
    for id in ["no61-art8", "no70-suspension"] {
        assert_eq!(d.clause(id).map(|c| c.role), Some(Role::Context), "{id}");
    }
    let tech = decided(
        "stage=magnet_manufacturing goods=none origin=china_export recipient=civil destination=DE",
        "2025-10-20",
    );
    for id in ["no62-art2", "no62-art6", "no62-art8"] {
        assert_eq!(tech.clause(id).map(|c| c.role), Some(Role::Context), "{id}");
    }
}

#[test]
fn past_the_suspension_the_result_says_what_an_extension_would_give() {
    let spec = "stage=none goods=no18_items origin=china_reexport recipient=defense_contractor destination=DE";
    let last_day = decided(spec, "2026-11-10");
    assert!(
        last_day.scenarios.is_empty(),
        "10 Nov 2026 is the suspension's last day"
    );
    let after = decided(spec, "2026-11-11");
    assert_eq!(after.outcome, Outcome::DeniedInPrinciple);
    let scenario = after.scenarios.first().expect("an extension scenario");
    assert_eq!(scenario.outcome, Outcome::NoLicenseRequired);
    assert!(
        after.unverified.iter().any(|f| f.id == "no61-art3"),
        "the clause deciding on an unconfirmed status is flagged: {:?}",
        after.unverified
    );
}

#[test]
fn verify_flags_only_what_decides_or_could() {
    // No. 18's inferred codes (1C905-1C908) are a note on the customs remark, not a VERIFY
    // on every No. 18 case.
    let d = decided(
        "stage=none goods=n61_part1 origin=china_export recipient=civil destination=DE",
        "2026-03-02",
    );
    assert!(d.verify.is_empty(), "{:?}", d.verify);
    // The open points an officer must see: Hong Kong, Macao and Taiwan (is a supply there
    // an export?), a repair without know-how (the residual risk), technology before
    // 21 Dec 2023 (never a plain "no licence").
    let goods_to = |place: &str| {
        format!(
            "stage=none goods=n61_part1 origin=china_export recipient=civil destination={place}"
        )
    };
    let flagged = [
        (goods_to("HK"), "2026-03-02", "destination=HK"),
        (goods_to("MO"), "2026-03-02", "destination=MO"),
        (goods_to("TW"), "2026-03-02", "destination=TW"),
        (
            "stage=production_line line=magnet_manufacturing know_how=no goods=none origin=china_export recipient=civil destination=IN".to_string(),
            "2026-03-02",
            "line-service-without-know-how-metals-magnets",
        ),
        (
            "stage=mining goods=none origin=china_export recipient=civil destination=DE".to_string(),
            "2015-01-01",
            "catalogue-earlier-ion-leaching",
        ),
    ];
    for (spec, on, flag) in flagged {
        let d = decided(&spec, on);
        assert!(
            d.verify.iter().any(|f| f.id == flag),
            "{spec} on {on}: {:?}",
            d.verify
        );
    }
    // Not when the catalogue's ban decides and No. 18 only also binds.
    let d = decided(
        "stage=smelting_separation goods=no18_items origin=china_export recipient=civil destination=DE",
        "2026-03-02",
    );
    assert_eq!(d.clause("no18-items").map(|c| c.role), Some(Role::Binding));
    assert!(
        d.verify.iter().all(|f| f.id != "no18-items"),
        "{:?}",
        d.verify
    );
    // Before mid-2026 the statuses are confirmed: nothing unverified.
    assert!(d.unverified.is_empty(), "{:?}", d.unverified);
}

#[test]
fn an_open_answer_gives_the_range_and_the_outcome_per_value() {
    let d = decided(
        "stage=none goods=n61_part1 origin=china_reexport recipient=unknown destination=DE",
        "2025-10-20",
    );
    assert!(d.provisional);
    assert_eq!(
        (d.range.best, d.range.worst),
        (Outcome::Exempt, Outcome::Prohibited)
    );
    let by = d
        .by_answer
        .iter()
        .find(|b| b.question == "recipient")
        .expect("by recipient");
    let of = |v: &str| by.values.iter().find(|x| x.value == v).map(|x| x.outcome);
    assert_eq!(of("civil"), Some(Outcome::LicenseRequired));
    assert_eq!(of("advanced_semiconductor"), Some(Outcome::CaseByCase));
    assert_eq!(of("military_user"), Some(Outcome::DeniedInPrinciple));
    assert_eq!(of("control_list"), Some(Outcome::Prohibited));
    assert_eq!(of("humanitarian"), Some(Outcome::Exempt));
}

#[test]
fn a_line_answer_counts_only_for_production_lines() {
    // The CLI may pass a line with another stage: the question does not apply.
    let with_line = decided(
        "stage=secondary_recycling line=smelting_separation goods=none origin=china_export recipient=civil destination=DE",
        "2026-03-02",
    );
    assert_eq!(with_line.outcome, Outcome::NoLicenseRequired);
}
