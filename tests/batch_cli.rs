//! `ree-screen batch` end to end: good and bad rows, row numbers, exit status, summary.

use assert_cmd::Command;

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    fn file(&self, name: &str, content: &str) -> std::path::PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, content).expect("write input");
        path
    }

    fn cmd(&self) -> Command {
        let mut cmd = Command::cargo_bin("ree-screen").expect("binary");
        cmd.env("REE_SCREEN_TODAY", "2025-11-20")
            .env("REE_SCREEN_DATA_DIR", self.dir.path().join("data"))
            .env("REE_SCREEN_CONFIG", self.dir.path().join("settings.toml"))
            .arg("batch");
        cmd
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("utf-8 output")
}

fn csv_rows(out: &str) -> Vec<csv::StringRecord> {
    csv::Reader::from_reader(out.as_bytes())
        .records()
        .collect::<Result<_, _>>()
        .expect("valid CSV output")
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
    let output = env
        .cmd()
        .arg(&input)
        .arg("--no-save")
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(3));
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);

    assert!(stdout.starts_with(
        "row,reference,outcome,provisional,clauses_applying,clauses_listed,record_id,error\n"
    ));
    let rows = csv_rows(&stdout);
    assert_eq!(rows.len(), 5, "one result per input row");
    let row = |n: usize, column: usize| rows[n].get(column).unwrap_or_default().to_string();
    assert_eq!(
        (row(0, 0), row(0, 1), row(0, 2)),
        ("1".into(), "PO-1".into(), "license_required".into())
    );
    assert_eq!(row(0, 6), "", "no record id with --no-save");
    assert!(
        row(1, 7).starts_with("line 3: stage: unknown value 'minning'; valid values are mining, "),
        "{}",
        row(1, 7)
    );
    assert_eq!(row(1, 1), "PO-2");
    assert!(
        row(2, 7).starts_with("line 4: date: \"20/11/2025\" is not a date"),
        "{}",
        row(2, 7)
    );
    assert!(
        row(3, 7).contains("the row has 9 fields, the header 8"),
        "{}",
        row(3, 7)
    );
    assert_eq!(
        (row(4, 0), row(4, 2)),
        ("5".into(), "no_license_required".into())
    );

    assert!(
        stderr.contains("row 2, line 3: stage: unknown value 'minning'"),
        "{stderr}"
    );
    assert!(
        stderr.contains("Screened 2 of 5 rows (0 provisional)."),
        "{stderr}"
    );
    assert!(stderr.contains("1  [ !] license_required\n"), "{stderr}");
    assert!(stderr.contains("1  [ok] no_license_required\n"), "{stderr}");
    assert!(
        stderr.contains("Rows with errors: 3 (rows 2, 3, 4)"),
        "{stderr}"
    );
}

#[test]
fn an_unclosed_quote_is_one_bad_row_that_says_so() {
    let env = Env::new();
    let input = env.file("orders.csv", MIXED);
    let output = env
        .cmd()
        .arg(&input)
        .arg("--no-save")
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(3));
    let rows = csv_rows(&text(&output.stdout));
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
    let output = env
        .cmd()
        .arg(&input)
        .args(["--no-save", "--date", "2025-10-15"])
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", text(&output.stderr));
    let results: Vec<serde_json::Value> = text(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    let applying = |i: usize| {
        results[i]["clauses_applying"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    };
    // No. 62 Art. 1 applied on 15 October and was suspended on 20 November.
    assert!(
        applying(0).contains(&"no62-art1-a".into()),
        "--date used for the undated row"
    );
    assert!(
        !applying(1).contains(&"no62-art1-a".into()),
        "the row's own date wins"
    );
    assert!(
        results[1]["clauses_listed"]
            .as_array()
            .is_some_and(|l| l.contains(&"no62-art1-a".into()))
    );
    assert_eq!(results[0]["record_id"], serde_json::Value::Null);

    let today = env
        .cmd()
        .arg(&input)
        .arg("--no-save")
        .output()
        .expect("run");
    let first: serde_json::Value =
        serde_json::from_str(text(&today.stdout).lines().next().unwrap_or_default())
            .expect("JSON line");
    assert!(
        !first["clauses_applying"]
            .as_array()
            .is_some_and(|a| a.contains(&"no62-art1-a".into())),
        "today is 2025-11-20"
    );
}

#[test]
fn all_good_rows_exit_0_and_output_can_go_to_a_file_or_come_from_stdin() {
    let env = Env::new();
    let out = env.dir.path().join("results.csv");
    let output = env
        .cmd()
        .args(["-", "--format", "csv", "--no-save", "-o"])
        .arg(&out)
        .write_stdin("stage,origin,recipient,reference\nunknown,china,civil,P1\nnone,no_chinese_nexus,civil,P2\n")
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(output.stdout.is_empty(), "results went to the file");
    assert!(text(&output.stderr).contains("No rows with errors."));
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
    let output = env.cmd().arg(&input).output().expect("run");
    let rows = csv_rows(&text(&output.stdout));
    assert_eq!(rows.len(), 2, "results are written either way");
    if output.status.success() {
        assert!(
            rows.iter()
                .all(|r| !r.get(6).unwrap_or_default().is_empty()),
            "every row has a record id"
        );
    } else {
        assert_eq!(output.status.code(), Some(1));
        assert!(
            text(&output.stderr).contains("NOT SAVED"),
            "{}",
            text(&output.stderr)
        );
    }
}

#[test]
fn unusable_input_is_refused_before_screening() {
    let env = Env::new();
    let txt = env.file("orders.txt", "stage,origin,recipient\n");
    let output = env.cmd().arg(&txt).output().expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("pass --format csv or --format jsonl"));

    let no_header = env.file("orders.csv", "mining,china,civil\n");
    let output = env.cmd().arg(&no_header).output().expect("run");
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output.stderr).contains("the CSV header row has no stage, origin, recipient column")
    );

    let input = env.file("same.csv", "stage,origin,recipient\nnone,china,civil\n");
    let output = env
        .cmd()
        .arg(&input)
        .arg("-o")
        .arg(&input)
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(&input).expect("read"),
        "stage,origin,recipient\nnone,china,civil\n"
    );
}

#[test]
fn extra_columns_are_ignored_by_name() {
    let env = Env::new();
    let input = env.file(
        "orders.csv",
        "stage,origin,recipient,amount\nnone,china,civil,100\n",
    );
    let output = env
        .cmd()
        .arg(&input)
        .arg("--no-save")
        .output()
        .expect("run");
    assert!(output.status.success());
    assert!(text(&output.stderr).contains("ignored columns not used by batch: amount"));
}
