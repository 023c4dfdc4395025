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
                .env("REE_SCREEN_STATE_DIR", self.dir.path().join("state"))
                .env("REE_SCREEN_CACHE_DIR", self.dir.path().join("cache"))
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

const MIXED: &str = "reference,counterparty,destination,stage,goods,origin,recipient,date,notes
PO-1,ACME,DE,none,n61_part1,china_export,civil,,
PO-2,ACME,DE,minning,none,china_export,civil,,typo in stage
PO-3,ACME,DE,none,n61_part1,china_export,civil,20/11/2025,bad date
\"PO-4,ACME,DE,none,n61_part1,china_export,civil,,extra,field
PO-5,ACME,DE,none,n61_part1,no_chinese_nexus,civil,2025-11-20,
";

const HEADER: &str = "row,reference,outcome,provisional,decided_by,licences,record_id,error\n";

#[test]
fn bad_rows_are_reported_by_number_and_field_and_do_not_stop_the_rest() {
    let env = Env::new();
    let input = env.file("orders.csv", &MIXED.replace("\"PO-4", "PO-4"));
    let run = env.batch(&[&input, &"--no-save"], "");
    assert_eq!(run.code, Some(3));
    assert!(run.stdout.starts_with(HEADER), "{}", run.stdout);
    let rows = csv_rows(&run.stdout);
    assert_eq!(rows.len(), 5, "one result per input row");
    let cell = |n: usize, column: usize| rows[n].get(column).unwrap_or_default();
    assert_eq!(
        [cell(0, 0), cell(0, 1), cell(0, 2), cell(0, 4), cell(0, 5)],
        [
            "1",
            "PO-1",
            "license_required",
            "no18-items",
            "dual_use:exporter_in_china"
        ]
    );
    assert_eq!(cell(0, 6), "", "no record id with --no-save");
    let stage_error = "line 3: stage: unknown value 'minning'; valid values are mining, ";
    assert!(cell(1, 7).starts_with(stage_error), "{}", cell(1, 7));
    assert_eq!(cell(1, 1), "PO-2");
    assert!(
        cell(2, 7).starts_with(
            "line 4: date: 20/11/2025 is ambiguous (day/month or month/day?): write 2025-11-20"
        ),
        "{}",
        cell(2, 7)
    );
    assert!(
        cell(3, 7).contains("the row has 10 fields, the header 9"),
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
        "{\"reference\":\"undated\",\"stage\":\"secondary_recycling\",\"goods\":\"none\",\"origin\":\"china_export\",\"recipient\":\"civil\",\"destination\":\"DE\"}\n\
         {\"reference\":\"dated\",\"stage\":\"secondary_recycling\",\"goods\":\"none\",\"origin\":\"china_export\",\"recipient\":\"civil\",\"destination\":\"DE\",\"date\":\"20.11.2025\"}\n",
    );
    let decided = |row: &Value| {
        row["decided_by"]
            .as_array()
            .is_some_and(|a| a.contains(&"no62-art1-a".into()))
    };

    let run = env.batch(&[&input, &"--no-save", &"--date", &"2025-10-15"], "");
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let rows = json_rows(&run.stdout);
    // No. 62 Art. 1 applied on 15 October and was suspended on 20 November.
    assert!(
        decided(&rows[0]),
        "--date used for the undated row: {}",
        rows[0]
    );
    assert_eq!(rows[0]["outcome"], "license_required");
    assert_eq!(
        rows[1]["outcome"], "no_license_required",
        "the row's own date wins (DD.MM.YYYY read as 2025-11-20)"
    );
    assert_eq!(rows[0]["record_id"], Value::Null);

    let rows = json_rows(&env.batch(&[&input, &"--no-save"], "").stdout);
    assert_eq!(
        rows[0]["outcome"], "no_license_required",
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
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "outputs are private");
    }
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
            .contains("the CSV header row names no question column"),
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
fn an_existing_output_is_kept_until_the_input_checks_out() {
    let env = Env::new();
    let out = env.file("results.csv", "earlier results\n");
    let bad = env.file("orders.csv", "mining,china,civil\n");
    let run = env.batch(&[&bad, &"-o", &out], "");
    assert_eq!(run.code, Some(1));
    assert_eq!(
        std::fs::read_to_string(&out).expect("read"),
        "earlier results\n"
    );
    // A device or a FIFO is refused rather than read for ever.
    let run = env.batch(&[&"/dev/zero", &"--format", &"jsonl", &"--no-save"], "");
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.contains("not a regular file"), "{}", run.stderr);
    // An endless line from standard input ends with a clear error, not an allocation abort.
    let endless = "x".repeat(2 << 20);
    let run = env.batch(&[&"-", &"--format", &"jsonl", &"--no-save"], &endless);
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.contains("longer than"), "{}", run.stderr);
}

#[test]
fn jsonl_with_a_byte_order_mark_and_duplicate_keys() {
    let env = Env::new();
    let input = env.file(
        "orders.jsonl",
        "\u{feff}{\"stage\":\"none\",\"origin\":\"no_chinese_nexus\"}\n{\"stage\":\"none\",\"stage\":\"mining\"}\n",
    );
    let run = env.batch(&[&input, &"--no-save"], "");
    assert_eq!(run.code, Some(3));
    let rows = json_rows(&run.stdout);
    assert_eq!(
        rows[0]["outcome"], "no_license_required",
        "the BOM is not part of the row"
    );
    assert!(
        rows[1]["error"]
            .as_str()
            .is_some_and(|e| e.contains("stage: given twice")),
        "{}",
        rows[1]
    );
}

#[test]
fn cells_a_spreadsheet_would_run_are_neutralised() {
    let env = Env::new();
    let input = env.file("orders.csv", "reference,stage\n=HYPERLINK(\"x\"),none\n");
    let run = env.batch(&[&input, &"--no-save"], "");
    let rows = csv_rows(&run.stdout);
    assert_eq!(rows[0].get(1), Some("'=HYPERLINK(\"x\")"));
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

/// `-o` replaces only a regular file: a FIFO with no reader is a clear error at once (not a
/// hang, and no regular file in its place), a symlink is followed and kept, another user's
/// symlink in a sticky folder is refused, and `-o -` is standard output.
#[test]
fn outputs_are_written_where_they_are_never_replaced() {
    use std::os::unix::fs::FileTypeExt;
    let env = Env::new();
    let stdin = "stage,origin,recipient,reference\nnone,no_chinese_nexus,civil,P2\n";
    let fifo = env.dir.path().join("pipe");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo")
            .success()
    );
    let run = env.batch(
        &[&"-", &"--format", &"csv", &"--no-save", &"-o", &fifo],
        stdin,
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("is a FIFO and no process is reading from it"),
        "{}",
        run.stderr
    );
    let kind = std::fs::symlink_metadata(&fifo).expect("meta").file_type();
    assert!(kind.is_fifo(), "the FIFO is still a FIFO");

    let target = env.file("real.csv", "old");
    let link = env.dir.path().join("link.csv");
    std::os::unix::fs::symlink(&target, &link).expect("symlink");
    let run = env.batch(
        &[&"-", &"--format", &"csv", &"--no-save", &"-o", &link],
        stdin,
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(std::fs::symlink_metadata(&link).expect("meta").is_symlink());
    assert!(
        std::fs::read_to_string(&target)
            .expect("read")
            .contains("P2")
    );

    let run = env.batch(
        &[&"-", &"--format", &"csv", &"--no-save", &"-o", &"-"],
        stdin,
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("P2"), "{}", run.stdout);
    assert!(!env.dir.path().join("-").exists());

    if rustix::process::geteuid().is_root() {
        use std::os::unix::fs::PermissionsExt;
        let shared = env.dir.path().join("shared");
        std::fs::create_dir(&shared).expect("mkdir");
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).expect("chmod");
        let planted = shared.join("out.csv");
        std::os::unix::fs::symlink(&target, &planted).expect("symlink");
        std::os::unix::fs::lchown(&planted, Some(1001), Some(1001)).expect("lchown");
        let before = std::fs::read_to_string(&target).expect("read");
        let run = env.batch(
            &[&"-", &"--format", &"csv", &"--no-save", &"-o", &planted],
            stdin,
        );
        assert_eq!(run.code, Some(1), "{}", run.stderr);
        assert!(
            run.stderr
                .contains("symlink owned by another user (uid 1001)"),
            "{}",
            run.stderr
        );
        assert_eq!(std::fs::read_to_string(&target).expect("read"), before);
    }
}
