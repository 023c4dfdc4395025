//! The items catalogue beside the rule set: every item belongs to exactly one class the rules
//! test, is found by its name, control code or customs code, and screens exactly as its class;
//! no code is shown as confirmed.

use jiff::civil::Date;
use ree_screen::engine::{Answers, determine};
use ree_screen::rules::{CodeGrade, catalogue, embedded};

#[test]
fn every_item_belongs_to_exactly_one_class_of_the_rules() {
    let rules = embedded().expect("rules");
    let catalogue = catalogue();
    assert!(catalogue.items.len() >= 80, "{}", catalogue.items.len());
    catalogue
        .check(&rules)
        .expect("the catalogue fits the rules");
    let goods = rules.question(catalogue.question()).expect("goods");
    for item in &catalogue.items {
        let classes: Vec<&str> = goods
            .leaf_options()
            .filter(|o| o.id == item.class)
            .map(|o| o.id.as_str())
            .collect();
        assert_eq!(classes.len(), 1, "{}: {classes:?}", item.id);
        let option = goods.option(&item.id).expect("the item is an answer");
        assert_eq!(option.class.as_deref(), Some(item.class.as_str()));
        assert!(
            item.id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
            "{}",
            item.id
        );
    }
}

#[test]
fn items_screen_exactly_as_their_class() {
    let rules = embedded().expect("rules");
    let on: Date = "2025-10-20".parse().expect("date");
    for item in &catalogue().items {
        for origin in ["china_export", "china_reexport", "foreign_chinese_content"] {
            let base = Answers::new()
                .with("stage", "none")
                .with("origin", origin)
                .with("recipient", "civil")
                .with("destination", "US");
            let by_item = determine(&rules, &base.clone().with("goods", &item.id), on);
            let by_class = determine(&rules, &base.with("goods", &item.class), on);
            assert_eq!(
                (by_item.outcome, &by_item.decided_by, by_item.provisional),
                (by_class.outcome, &by_class.decided_by, by_class.provisional),
                "{} from {origin}",
                item.id
            );
            assert_eq!(
                by_item.classes.get("goods").map(String::as_str),
                Some(item.class.as_str()),
                "the determination keeps the class it screened"
            );
        }
    }
}

#[test]
fn the_named_classes_of_the_issue() {
    let class = |id: &str| catalogue().item(id).map(|i| i.class.clone());
    for (id, expected) in [
        ("y_oxide", "no18_other"),
        ("gd_oxide", "no18_other"),
        ("dy_oxide", "n61_part1"),
        ("tb_oxide", "n61_part1"),
        ("sm_metal", "n61_part1"),
        ("dyfe_alloy", "n61_part1"),
        ("smco_magnet", "n61_part2"),
        ("ndfeb_tb_dy_magnet", "n61_part2"),
        ("gd_target", "n61_part2"),
        ("ndfeb_plain_magnet", "other"),
        ("p507", "no56_items"),
        ("eu_oxide", "no57_items"),
    ] {
        assert_eq!(class(id).as_deref(), Some(expected), "{id}");
    }
}

#[test]
fn found_by_name_control_code_and_customs_code() {
    let ids = |search: &str| -> Vec<String> {
        catalogue()
            .search(search)
            .into_iter()
            .map(|i| i.id.clone())
            .collect()
    };
    let dy = ids("dy");
    for id in [
        "dy_metal",
        "dy_oxide",
        "dy_compounds",
        "dyfe_alloy",
        "tbdyfe_alloy",
    ] {
        assert!(dy.contains(&id.to_string()), "{id} in {dy:?}");
    }
    assert!(
        dy.iter()
            .all(|id| id.contains("dy") || id.starts_with("ndfeb")),
        "only dysprosium items (and the NdFeB kinds that name Dy): {dy:?}"
    );
    assert_eq!(ids("dy oxide"), ["dy_oxide"]);
    let smco = ids("1C902.a");
    assert!(smco.contains(&"sm_metal".to_string()) && smco.contains(&"smco_magnet".to_string()));
    assert_eq!(
        ids("2805301910").first().map(String::as_str),
        Some("sm_metal")
    );
    assert_eq!(ids("29319000"), ["p507"]);
    assert!(ids("atlantis").is_empty());
}

#[test]
fn inferred_and_reposted_codes_are_graded_never_confirmed() {
    for item in &catalogue().items {
        let inferred = ["1C905", "1C906", "1C907", "1C908"]
            .iter()
            .any(|c| item.code.starts_with(c));
        if inferred {
            assert_eq!(item.code_grade, CodeGrade::Inferred, "{}", item.id);
            assert!(item.note.is_some(), "{} says why", item.id);
            assert!(item.code_words().contains("inferred"), "{}", item.id);
        }
        assert!(!item.code_words().contains("confirmed"), "{}", item.id);
    }
}
