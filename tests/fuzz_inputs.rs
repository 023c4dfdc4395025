//! Random and damaged input for every reader of files a user names or the program keeps: the
//! rules loader, the settings file, CSV and JSON-lines batch input, and the history (verify,
//! the forward walk, the newest-first search, the view's index). Whatever the bytes, each
//! returns a value or a clear error that names the file or row; none panics.

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

/// A real history to damage: a few screenings appended through the store.
fn real_history_bytes() -> Vec<u8> {
    use ree_screen::Answers;
    use ree_screen::history::{History, NewRecord};
    use ree_screen::screening::Screening;
    static BYTES: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    BYTES
        .get_or_init(|| {
            let dir = tempfile::tempdir().expect("tempdir");
            let history = History::new(dir.path().join("data"));
            let answers = Answers::new()
                .with("stage", "none")
                .with("goods", "n61_part1")
                .with("origin", "china_reexport");
            let screening = Screening::run(
                rules(),
                &answers,
                Date::constant(2025, 10, 20),
                Details::default(),
            );
            let batch = [
                NewRecord::screening(&screening),
                NewRecord::screening(&screening),
            ];
            history
                .append(&batch, &ree_screen::identity::Identity::default())
                .expect("append");
            history
                .append(&batch[..1], &ree_screen::identity::Identity::default())
                .expect("append");
            std::fs::read(history.path()).expect("read")
        })
        .clone()
}

/// Every reader of the history over `bytes`: verify, the forward walk, the newest-first
/// search and the view's index. Errors are fine; panics are not.
fn read_history(bytes: &[u8]) {
    use ree_screen::history::{History, Index, Query, Records, newest_matching};
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    std::fs::create_dir(&data).expect("dir");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o700)).expect("mode");
    }
    let history = History::new(&data)
        .with_index_dir(data.join("cache"))
        .with_state_dir(data.join("state"));
    let file = history.path();
    std::fs::write(&file, bytes).expect("write");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).expect("mode");
    }
    let _ = history.verify();
    let _ = history.for_each_record(|_| Ok(()), |_| {});
    let query = Query {
        text: "po".into(),
        ..Query::default()
    };
    let _ = newest_matching(&history, &query, Records::All, Some(10), |_, _| true);
    if let Ok(mut index) = Index::open(&history) {
        while matches!(index.load(100, |_, _| {}), Ok(n) if n > 0) {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    #[test]
    fn random_bytes_as_a_history(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        read_history(&bytes);
    }

    #[test]
    fn a_damaged_history(at in 0usize..4000, cut in 0usize..200, junk in proptest::collection::vec(any::<u8>(), 0..40)) {
        let real = real_history_bytes();
        let at = at.min(real.len());
        let end = (at + cut).min(real.len());
        let mut damaged = real[..at].to_vec();
        damaged.extend_from_slice(&junk);
        damaged.extend_from_slice(&real[end..]);
        read_history(&damaged);
    }
}
