//! The rules loader refuses malformed or inconsistent files with an error naming the file,
//! the line and column, the JSON path and what is wrong; and the embedded rule set is sound
//! and traces every source to the regulation facts it was built from.

use ree_screen::rules::{EMBEDDED_TEXT, Grade, RulesError, parse};

/// Replace the first occurrence of `from` (which must exist) and parse the result.
fn parse_edited(from: &str, to: &str) -> (RulesError, usize) {
    let at = EMBEDDED_TEXT
        .find(from)
        .unwrap_or_else(|| panic!("{from} not in the rule set"));
    let line = EMBEDDED_TEXT[..at].matches('\n').count() + 1;
    let text = EMBEDDED_TEXT.replacen(from, to, 1);
    let err = parse("edited.json", &text).expect_err("edited rule set must be refused");
    (err, line)
}

#[test]
fn embedded_rule_set_is_valid() {
    let rules = ree_screen::rules::embedded().expect("valid");
    assert_eq!(rules.id, "cn-rare-earth-2025");
    assert!(rules.rules.len() >= 20);
}

#[test]
fn bad_json_names_file_line_and_column() {
    let err =
        parse("broken.json", "{\n  \"id\": \"x\",\n  \"version\": \n}").expect_err("bad JSON");
    assert_eq!(err.file, "broken.json");
    assert_eq!(err.line, Some(4));
    assert!(err.to_string().starts_with("broken.json:4:"), "{err}");
}

#[test]
fn unknown_field_names_its_path() {
    let (err, _) = parse_edited(
        "\"verify\": \"Known only from",
        "\"verfy\": \"Known only from",
    );
    assert!(err.message.contains("unknown field `verfy`"), "{err}");
    assert!(
        err.path
            .as_deref()
            .is_some_and(|p| p.starts_with("clauses[")),
        "{err}"
    );
    assert!(err.line.is_some());
}

#[test]
fn a_bare_domain_is_not_a_source() {
    let (err, line) = parse_edited(
        "\"url\": \"https://thehindu.com/news/international/china-bans-export-of-rare-earth-processing-technologies/article67667281.ece\"",
        "\"url\": \"https://thehindu.com/\"",
    );
    assert!(err.message.contains("not a full address"), "{err}");
    assert!(
        err.path
            .as_deref()
            .is_some_and(|p| p.ends_with(".url") && p.contains("sources[")),
        "{err}"
    );
    assert_eq!(err.line, Some(line));
    let (err, _) = parse_edited(
        "\"url\": \"https://chemradar.com/en/news/detail/f3s7t2oy9qf4\"",
        "\"url\": \"chemradar.com/en/news/detail/f3s7t2oy9qf4\"",
    );
    assert!(err.message.contains("not a full address"), "{err}");
}

#[test]
fn a_verify_note_on_an_answer_that_does_not_exist_is_refused() {
    let (err, _) = parse_edited("\"HK\": \"Whether", "\"XX\": \"Whether");
    assert!(
        err.message.contains("\"XX\", which is not an option"),
        "{err}"
    );
    assert!(
        err.path
            .as_deref()
            .is_some_and(|p| p.ends_with("verify.XX")),
        "{err}"
    );
}

#[test]
fn bad_date_is_refused_with_its_path() {
    let (err, line) = parse_edited(
        "\"published\": \"2025-04-04\"",
        "\"published\": \"2025-04-31\"",
    );
    assert_eq!(err.line, Some(line), "{err}");
    assert!(
        err.path
            .as_deref()
            .is_some_and(|p| p.ends_with("published")),
        "{err}"
    );
}

#[test]
fn rule_citing_a_missing_clause_is_refused() {
    let (err, line) = parse_edited(
        "\"clauses\": [\"no62-art1-b\"], \"licence\"",
        "\"clauses\": [\"no62-art9\"], \"licence\"",
    );
    assert!(
        err.message.contains("missing clause \"no62-art9\""),
        "{err}"
    );
    assert_eq!(err.line, Some(line), "{err}");
    assert!(
        err.path
            .as_deref()
            .is_some_and(|p| p.starts_with("rules[") && p.ends_with(".clauses[0]")),
        "{err}"
    );
}

#[test]
fn context_clauses_are_never_a_rules_trigger() {
    let (err, _) = parse_edited(
        "\"clauses\": [\"no62-art1-b\"], \"licence\"",
        "\"clauses\": [\"no62-art8\"], \"licence\"",
    );
    assert!(err.message.contains("is a context clause"), "{err}");
}

#[test]
fn a_rule_requiring_a_licence_says_which_and_who() {
    let (err, _) = parse_edited(
        ", \"licence\": {\"kind\": \"technology_export\", \"obtained_by\": \"exporter_in_china\"}",
        "",
    );
    assert!(err.message.contains("does not say which licence"), "{err}");
    assert!(
        err.path.as_deref().is_some_and(|p| p.ends_with("outcome")),
        "{err}"
    );
}

#[test]
fn unknown_option_id_in_a_rule_is_refused_with_the_valid_values() {
    let (err, line) = parse_edited(
        "\"origin\": [\"foreign_chinese_content\"]",
        "\"origin\": [\"chinese_content\"]",
    );
    assert!(
        err.message
            .contains("unknown origin option \"chinese_content\""),
        "{err}"
    );
    assert!(
        err.message.contains("foreign_chinese_content"),
        "lists valid values: {err}"
    );
    assert_eq!(err.line, Some(line));
}

#[test]
fn unknown_question_in_a_condition_is_refused() {
    let (err, _) = parse_edited(
        "\"when\": {\"stage\": [\"smelting_separation\"]",
        "\"when\": {\"stag\": [\"smelting_separation\"]",
    );
    assert!(err.message.contains("no question \"stag\""), "{err}");
    assert!(
        err.message.contains("stage, line, goods"),
        "lists the questions: {err}"
    );
}

#[test]
fn conditions_may_not_name_unknown() {
    let (err, _) = parse_edited(
        "\"origin\": [\"foreign_chinese_content\"]",
        "\"origin\": [\"unknown\"]",
    );
    assert!(err.message.contains("must not name \"unknown\""), "{err}");
}

#[test]
fn ask_when_may_only_look_back_and_groups_list_real_options() {
    let (err, _) = parse_edited(
        "\"ask_when\": {\"stage\": [\"production_line\"]}",
        "\"ask_when\": {\"goods\": [\"none\"]}",
    );
    assert!(
        err.message.contains("only depend on earlier questions"),
        "{err}"
    );
    let (err, _) = parse_edited(
        "\"members\": [\"china_export\", \"china_reexport\"]",
        "\"members\": [\"china_export\", \"china_overseas\"]",
    );
    assert!(
        err.message
            .contains("lists missing option \"china_overseas\""),
        "{err}"
    );
}

#[test]
fn a_key_given_twice_is_refused() {
    let (err, line) = parse_edited("\"schema\": 3,", "\"schema\": 3,\n \"schema\": 3,");
    assert!(
        err.message.contains("appears twice") || err.message.contains("duplicate"),
        "{err}"
    );
    assert!(err.line.is_some_and(|l| l <= line + 1), "{err}");
    // Inside a map (a rule's conditions) too, where serde would keep the last silently.
    let (err, _) = parse_edited(
        "\"when\": {\"stage\": [\"smelting_separation\"], ",
        "\"when\": {\"stage\": [\"smelting_separation\"], \"stage\": [\"mining\"], ",
    );
    assert!(err.message.contains("appears twice"), "{err}");
}

#[test]
fn a_byte_order_mark_is_accepted() {
    let text = format!("\u{feff}{EMBEDDED_TEXT}");
    let with_bom = parse("bom.json", &text).expect("a BOM is fine");
    let without = ree_screen::rules::embedded().expect("valid");
    assert_ne!(
        with_bom.compiled.sha256, without.compiled.sha256,
        "the hash is of the bytes as given"
    );
}

#[test]
fn a_rule_set_of_another_schema_is_refused() {
    let (err, _) = parse_edited("\"schema\": 3,", "\"schema\": 1,");
    assert!(err.message.contains("schema 1 is not supported"), "{err}");
}

#[test]
fn inverted_suspension_window_is_refused() {
    let (err, line) = parse_edited("\"until\": \"2026-11-10\"", "\"until\": \"2025-11-06\"");
    assert!(err.message.contains("inverted"), "{err}");
    assert_eq!(err.line, Some(line));
    assert!(
        err.path
            .as_deref()
            .is_some_and(|p| p.ends_with("suspensions[0].until")),
        "{err}"
    );
}

#[test]
fn overlapping_suspension_windows_are_refused() {
    let window =
        "{\"from\": \"2025-11-07\", \"until\": \"2026-11-10\", \"by\": \"no70-suspension\"}";
    let (err, _) = parse_edited(
        window,
        &format!(
            "{window}, {{\"from\": \"2026-01-01\", \"until\": \"2026-12-31\", \"by\": \"no70-suspension\"}}"
        ),
    );
    assert!(err.message.contains("overlaps"), "{err}");
    assert!(
        err.path
            .as_deref()
            .is_some_and(|p| p.ends_with("suspensions[1].from")),
        "{err}"
    );
}

#[test]
fn duplicate_ids_and_missing_unknown_option_are_refused() {
    let (err, _) = parse_edited("\"id\": \"no61-art3\"", "\"id\": \"no61-art2\"");
    assert!(
        err.message.contains("duplicate clause id \"no61-art2\""),
        "{err}"
    );
    // The first question's "unknown" option renamed.
    let (err, _) = parse_edited(
        "\"id\": \"unknown\",\n      \"label\": \"Not known yet\"",
        "\"id\": \"dunno\",\n      \"label\": \"Not known yet\"",
    );
    assert!(
        err.message.contains("must offer the option \"unknown\""),
        "{err}"
    );
}

#[test]
fn missing_file_is_a_clear_error() {
    let err = ree_screen::rules::load_file(std::path::Path::new("/nonexistent/rules.json"))
        .expect_err("missing");
    assert!(err.to_string().contains("/nonexistent/rules.json"));
    assert!(err.message.contains("cannot open"), "{err}");
}

#[test]
fn every_clause_and_measure_cites_a_source() {
    let rules = ree_screen::rules::embedded().expect("valid");
    for c in &rules.clauses {
        assert!(!c.sources.is_empty(), "{}", c.id);
        // A fact that rests only on machine extractions must carry a verify note; an [X]
        // source beside better ones says what it is cited for.
        let best = c.sources.iter().map(|s| s.grade).min();
        if best == Some(Grade::X) {
            assert!(
                c.verify.is_some(),
                "{} rests on [X] sources only but has no verify note",
                c.id
            );
        }
        for s in c.sources.iter().filter(|s| s.grade == Grade::X) {
            assert!(
                c.verify.is_some() || s.note.is_some(),
                "{} cites an [X] source without saying what for",
                c.id
            );
        }
    }
    assert!(rules.measures.iter().all(|m| !m.sources.is_empty()));
}

/// Every source URL must appear in the regulation facts the rule set was built from
/// (`../shared/regulation.md`, which sits beside the repository in development and CI).
#[test]
fn every_source_traces_to_the_regulation_facts() {
    let facts_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/regulation.md");
    let Ok(mut facts) = std::fs::read_to_string(facts_path) else {
        eprintln!("skipped: {facts_path} is not present in this checkout");
        return;
    };
    // The data files beside the facts (item codes, parties) give full addresses too.
    for data in ["item-codes-2026-12.json", "mofcom-parties-2026-12.json"] {
        let path = format!("{}/../shared/data/{data}", env!("CARGO_MANIFEST_DIR"));
        facts.push_str(&std::fs::read_to_string(&path).unwrap_or_default());
    }
    let rules = ree_screen::rules::embedded().expect("valid");
    let sources = rules
        .clauses
        .iter()
        .flat_map(|c| c.sources.iter())
        .chain(rules.measures.iter().flat_map(|m| m.sources.iter()));
    for s in sources {
        let bare = s
            .url
            .trim_start_matches("https://")
            .trim_start_matches("http://");
        // Traced: the address itself, a GitHub repository named there, or a page of a folder
        // named there whose file name the facts give ("same folder, 1175.html, ...").
        let folder = bare.rsplit_once('/');
        let traced = facts.contains(bare)
            || bare.strip_prefix("github.com/").is_some_and(|repo| {
                facts.contains(&repo[..repo.find("/tree/").unwrap_or(repo.len())])
            })
            || folder.is_some_and(|(dir, file)| facts.contains(dir) && facts.contains(file));
        assert!(traced, "source {} is not in regulation.md", s.url);
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

    /// Whatever a damaged rules file holds, loading it returns an error (or a valid rule set),
    /// never a panic.
    #[test]
    fn damaged_files_never_panic(at in 0usize..EMBEDDED_TEXT.len(), cut in 0usize..40, junk in "[\\[\\]{}\":, a-z0-9-]{0,6}") {
        let bytes = EMBEDDED_TEXT.as_bytes();
        let end = (at + cut).min(bytes.len());
        let mut damaged = bytes[..at].to_vec();
        damaged.extend_from_slice(junk.as_bytes());
        damaged.extend_from_slice(&bytes[end..]);
        let text = String::from_utf8_lossy(&damaged);
        if let Err(e) = parse("damaged.json", &text) {
            proptest::prop_assert!(e.to_string().starts_with("damaged.json"));
        }
    }
}

#[test]
fn a_question_id_that_is_a_record_field_is_refused() {
    let (err, line) = parse_edited("\"id\": \"stage\"", "\"id\": \"reference\"");
    assert!(
        err.message
            .contains("question id \"reference\" is the record field reference"),
        "{err}"
    );
    assert_eq!(err.line, Some(line), "{err}");
    assert_eq!(err.path.as_deref(), Some("questions[0].id"), "{err}");
}
