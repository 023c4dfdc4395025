//! Random and damaged input for every reader of files a user names: the rules loader, the
//! settings file, and CSV and JSON-lines batch input. Whatever the bytes, each returns a value
//! or a clear error that names the file or row; none panics.

use jiff::civil::Date;
use proptest::prelude::*;
use ree_screen::batch::{BatchFormat, Columns, RowReader, Screener};
use ree_screen::rules::{EMBEDDED_TEXT, RuleSet};
use ree_screen::screening::Details;
use ree_screen::settings::Settings;

fn rules() -> &'static RuleSet {
    static RULES: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
    RULES.get_or_init(|| ree_screen::rules::embedded().expect("rules"))
}

/// Screen every row the reader yields; rows may fail, the reader may stop with an error.
fn read_and_screen(bytes: &[u8], format: BatchFormat) -> Result<usize, String> {
    let reader = RowReader::new(bytes, format, Columns::of(rules()))?;
    let mut screener = Screener::new(rules(), Date::constant(2026, 3, 2), Details::default());
    let mut rows = 0;
    for record in reader {
        let record = record?;
        if let Ok(fields) = &record.fields {
            let _ = screener.screen(fields);
        }
        rows += 1;
    }
    Ok(rows)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn random_bytes_as_a_rules_file(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes);
        if let Err(e) = ree_screen::rules::parse("random.json", &text) {
            prop_assert!(e.to_string().starts_with("random.json"));
        }
    }

    #[test]
    fn random_bytes_as_settings(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let text = String::from_utf8_lossy(&bytes);
        if let Err(e) = Settings::parse(std::path::Path::new("/s.toml"), &text) {
            prop_assert!(e.to_string().contains("/s.toml"));
        }
    }

    #[test]
    fn damaged_settings(text in "(officer|destination|ascii|rules|\\[keys\\]|back|help|= |\"|true|DE|h|F1|Ctrl-|\n| ){0,30}") {
        let _ = Settings::parse(std::path::Path::new("/s.toml"), &text);
    }

    #[test]
    fn random_bytes_as_batch_input(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        for format in [BatchFormat::Csv, BatchFormat::Jsonl] {
            let _ = read_and_screen(&bytes, format);
        }
    }

    #[test]
    fn damaged_batch_rows(
        rows in proptest::collection::vec(
            "(stage|goods|origin|recipient|destination|date|mining|none|china|civil|DE|us|unknown|2025-10-09|,|\"|\\{|\\}|:|\n|\u{feff}|=|x){0,12}",
            0..12,
        ),
    ) {
        let csv = format!("stage,goods,origin,recipient,destination,date\n{}", rows.join("\n"));
        let _ = read_and_screen(csv.as_bytes(), BatchFormat::Csv);
        let _ = read_and_screen(rows.join("\n").as_bytes(), BatchFormat::Jsonl);
    }
}

/// The embedded rule set cut short anywhere is refused with the file's name, never a panic.
#[test]
fn a_rules_file_cut_short_anywhere() {
    let step = (EMBEDDED_TEXT.len() / 500).max(1);
    for end in (0..EMBEDDED_TEXT.len()).step_by(step) {
        let Some(text) = EMBEDDED_TEXT.get(..end) else {
            continue;
        };
        let err = ree_screen::rules::parse("cut.json", text).expect_err("a cut file is refused");
        assert!(err.to_string().starts_with("cut.json"), "{err}");
    }
}
