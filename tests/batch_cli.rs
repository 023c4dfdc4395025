//! `ree-screen batch` end to end: good and bad rows, row numbers, exit status, summary.

use std::ffi::OsStr;
use std::path::PathBuf;

mod cli_support;

use assert_cmd::Command;
use cli_support::Run;
use serde_json::Value;

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    fn file(&self, name: &str, content: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, content).expect("write input");
        path
    }

    /// `ree-screen batch ARGS` with `stdin`, a pinned today and private data and settings.
    fn batch(&self, args: &[&dyn AsRef<OsStr>], stdin: &str) -> Run {
        Run::of(
            Command::cargo_bin("ree-screen")
                .expect("binary")
                .env("REE_SCREEN_TODAY", "2025-11-20")
                .env("REE_SCREEN_DATA_DIR", self.dir.path().join("data"))
                .env("REE_SCREEN_CONFIG", self.dir.path().join("settings.toml"))
                .arg("batch")
                .args(args.iter().map(|a| a.as_ref()))
                .write_stdin(stdin),
        )
    }
}

fn csv_rows(out: &str) -> Vec<csv::StringRecord> {
    csv::Reader::from_reader(out.as_bytes())
        .records()
        .collect::<Result<_, _>>()
        .expect("valid CSV output")
}

fn json_rows(out: &str) -> Vec<Value> {
    out.lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect()
}

const MIXED: &str = "reference,counterparty,destination,stage,origin,recipient,date,notes
PO-1,ACME,DE,mining,china,civil,,
PO-2,ACME,DE,minning,china,civil,,typo in stage
PO-3,ACME,DE,none,china,civil,20/11/2025,bad date
\"PO-4,ACME,DE,none,china,civil,,extra,field
PO-5,ACME,DE,none,no_chinese_nexus,civil,2025-11-20,
";

#[test]
fn bad_rows_are_reported_by_number_and_field_and_do_not_stop_the_rest() {
    let env = Env::new();
    let input = env.file("orders.csv", &MIXED.replace("\"PO-4", "PO-4"));
    let run = env.batch(&[&input, &"--no-save"], "");
    assert_eq!(run.code, Some(3));
    let header =
        "row,reference,outcome,provisional,clauses_applying,clauses_listed,record_id,error\n";
    assert!(run.stdout.starts_with(header), "{}", run.stdout);
    let rows = csv_rows(&run.stdout);
    assert_eq!(rows.len(), 5, "one result per input row");
    let cell = |n: usize, column: usize| rows[n].get(column).unwrap_or_default();
    assert_eq!(
        [cell(0, 0), cell(0, 1), cell(0, 2)],
        ["1", "PO-1", "license_required"]
    );
    assert_eq!(cell(0, 6), "", "no record id with --no-save");
    let stage_error = "line 3: stage: unknown value 'minning'; valid values are mining, ";
    assert!(cell(1, 7).starts_with(stage_error), "{}", cell(1, 7));
    assert_eq!(cell(1, 1), "PO-2");
    assert!(
        cell(2, 7).starts_with("line 4: date: \"20/11/2025\" is not a date"),
        "{}",
        cell(2, 7)
    );
    assert!(
        cell(3, 7).contains("the row has 9 fields, the header 8"),
        "{}",
        cell(3, 7)
    );
    assert_eq!([cell(4, 0), cell(4, 2)], ["5", "no_license_required"]);

    for expected in [
        "row 2, line 3: stage: unknown value 'minning'",
        "Screened 2 of 5 rows (0 provisional).",
        "1  [ !] license_required\n",
        "1  [ok] no_license_required\n",
        "Rows with errors: 3 (rows 2, 3, 4)",
    ] {
        assert!(
            run.stderr.contains(expected),
            "{expected:?} not in:\n{}",
            run.stderr
        );
    }
}

#[test]
fn an_unclosed_quote_is_one_bad_row_that_says_so() {
    let env = Env::new();
    let input = env.file("orders.csv", MIXED);
    let run = env.batch(&[&input, &"--no-save"], "");
    assert_eq!(run.code, Some(3));
    let rows = csv_rows(&run.stdout);
    assert_eq!(rows.len(), 4);
    let error = rows[3].get(7).unwrap_or_default();
    assert!(
        error.contains("from line 5 to line 6, so a quote is probably not closed"),
        "{error}"
    );
}

#[test]
fn row_date_wins_over_the_date_option_which_wins_over_today() {
    let env = Env::new();
    let input = env.file(
        "orders.jsonl",
        "{\"reference\":\"undated\",\"stage\":\"mining\",\"origin\":\"china\",\"recipient\":\"civil\"}\n\
         {\"reference\":\"dated\",\"stage\":\"mining\",\"origin\":\"china\",\"recipient\":\"civil\",\"date\":\"2025-11-20\"}\n",
    );
    let has = |row: &Value, list: &str| {
        row[list]
            .as_array()
            .is_some_and(|a| a.contains(&"no62-art1-a".into()))
    };

    let run = env.batch(&[&input, &"--no-save", &"--date", &"2025-10-15"], "");
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let rows = json_rows(&run.stdout);
    // No. 62 Art. 1 applied on 15 October and was suspended on 20 November.
    assert!(
        has(&rows[0], "clauses_applying"),
        "--date used for the undated row"
    );
    assert!(
        !has(&rows[1], "clauses_applying"),
        "the row's own date wins"
    );
    assert!(
        has(&rows[1], "clauses_listed"),
        "suspended clauses are still listed"
    );
    assert_eq!(rows[0]["record_id"], Value::Null);

    let rows = json_rows(&env.batch(&[&input, &"--no-save"], "").stdout);
    assert!(
        !has(&rows[0], "clauses_applying"),
        "today (2025-11-20) without --date"
    );
}

#[test]
fn all_good_rows_exit_0_and_output_can_go_to_a_file_or_come_from_stdin() {
    let env = Env::new();
    let out = env.dir.path().join("results.csv");
    let stdin = "stage,origin,recipient,reference\nunknown,china,civil,P1\nnone,no_chinese_nexus,civil,P2\n";
    let run = env.batch(
        &[&"-", &"--format", &"csv", &"--no-save", &"-o", &out],
        stdin,
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.is_empty(), "results went to the file");
    assert!(
        run.stderr.contains("No rows with errors."),
        "{}",
        run.stderr
    );
    let rows = csv_rows(&std::fs::read_to_string(&out).expect("results"));
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].get(3), Some("true"), "unknown stage is provisional");
}

#[test]
fn saving_either_fills_record_ids_or_fails_loudly() {
    let env = Env::new();
    let input = env.file(
        "orders.csv",
        "stage,origin,recipient\nnone,china,civil\nmining,china,civil\n",
    );
    let run = env.batch(&[&input], "");
    let rows = csv_rows(&run.stdout);
    assert_eq!(rows.len(), 2, "results are written either way");
    if run.code == Some(0) {
        assert!(
            rows.iter()
                .all(|r| !r.get(6).unwrap_or_default().is_empty()),
            "every row has a record id"
        );
    } else {
        assert_eq!(run.code, Some(1));
        assert!(run.stderr.contains("NOT SAVED"), "{}", run.stderr);
    }
}

#[test]
fn unusable_input_is_refused_before_screening() {
    let env = Env::new();
    let txt = env.file("orders.txt", "stage,origin,recipient\n");
    let run = env.batch(&[&txt], "");
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("pass --format csv or --format jsonl"),
        "{}",
        run.stderr
    );

    let no_header = env.file("orders.csv", "mining,china,civil\n");
    let run = env.batch(&[&no_header], "");
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr
            .contains("the CSV header row has no stage, origin, recipient column"),
        "{}",
        run.stderr
    );

    let content = "stage,origin,recipient\nnone,china,civil\n";
    let input = env.file("same.csv", content);
    assert_eq!(env.batch(&[&input, &"-o", &input], "").code, Some(2));
    assert_eq!(
        std::fs::read_to_string(&input).expect("read"),
        content,
        "input not truncated"
    );
}

#[test]
fn extra_columns_are_ignored_by_name() {
    let env = Env::new();
    let input = env.file(
        "orders.csv",
        "stage,origin,recipient,amount\nnone,china,civil,100\n",
    );
    let run = env.batch(&[&input, &"--no-save"], "");
    assert_eq!(run.code, Some(0));
    assert!(
        run.stderr
            .contains("ignored columns not used by batch: amount"),
        "{}",
        run.stderr
    );
}
