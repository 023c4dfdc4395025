//! Batch benchmark: 100 000 rows read, screened, saved (when the history store works) and
//! written. Ignored by default; run it in release:
//! `cargo test --release --test batch_bench -- --ignored --nocapture`

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use jiff::civil::Date;
use ree_screen::batch::{BatchFormat, Columns, ResultWriter, RowReader, RowResult, Screener};
use ree_screen::engine::{Answers, determine};
use ree_screen::rules::RuleSet;
use ree_screen::screening::{Details, Screening};

const ROWS: usize = 100_000;

/// An order book: the options of every question in turn (unknowns and groups included; a
/// few destinations), a few dates, mixed scripts in the counterparty and a note on some rows.
fn order_book(rules: &RuleSet) -> String {
    let ids = |q: &str| -> Vec<&str> {
        let question = rules.question(q).expect("question");
        match q {
            "destination" => vec!["DE", "US", "JP", "CN", "unknown"],
            _ => question.option_ids().collect(),
        }
    };
    let columns = ["stage", "goods", "origin", "recipient", "destination"];
    let options: Vec<Vec<&str>> = columns.iter().map(|q| ids(q)).collect();
    let dates = ["", "2025-10-15", "2025-11-20", "2026-12-01"];
    let mut csv = format!("reference,counterparty,{},date,notes\n", columns.join(","));
    for i in 0..ROWS {
        // Each column cycles at its own pace, so the rows cover the combinations.
        let mut pace = 1;
        let values: Vec<&str> = options
            .iter()
            .map(|o| {
                let v = o[(i / pace) % o.len()];
                pace *= o.len();
                v
            })
            .collect();
        let _ = writeln!(
            csv,
            "PO-{i:06},{},{},{},{}",
            if i % 3 == 0 {
                "深圳稀土有限公司"
            } else {
                "ACME Magnets GmbH"
            },
            values.join(","),
            dates[i % dates.len()],
            if i % 10 == 0 {
                "\"re-screen, nightly\""
            } else {
                ""
            },
        );
    }
    csv
}

fn seconds(d: Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
}

/// Peak resident memory of this process, where Linux reports it.
fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.trim_start_matches("VmHWM:").trim().to_string())
        })
        .unwrap_or_else(|| "n/a".to_string())
}

#[test]
#[ignore = "benchmark: run in release with --ignored --nocapture"]
fn batch_of_100k_rows() {
    let rules = ree_screen::rules::embedded().expect("rules");
    let today = Date::constant(2025, 11, 20);
    let csv = order_book(&rules);
    println!("input: {ROWS} rows, {} bytes", csv.len());

    // Where the time goes, in-process.
    let start = Instant::now();
    let records: Vec<_> = RowReader::new(csv.as_bytes(), BatchFormat::Csv, Columns::of(&rules))
        .expect("header")
        .collect::<Result<_, _>>()
        .expect("read");
    let read = start.elapsed();
    assert_eq!(records.len(), ROWS);

    let start = Instant::now();
    let mut screener = Screener::new(&rules, today, Details::default());
    let results: Vec<RowResult> = records
        .iter()
        .map(|r| {
            let (determination, details) = screener
                .screen(r.fields.as_ref().expect("valid row"))
                .expect("screened");
            RowResult::screened(r.row, determination, &details)
        })
        .collect();
    let screen = start.elapsed();

    let start = Instant::now();
    let mut writer = ResultWriter::new(std::io::sink(), BatchFormat::Csv).expect("writer");
    for result in &results {
        writer.write(result).expect("write");
    }
    writer.finish().expect("flush");
    let write = start.elapsed();
    println!(
        "in-process: read {}, screen {}, write {}",
        seconds(read),
        seconds(screen),
        seconds(write)
    );
    println!("peak memory so far: {}", peak_memory());

    // Saving needs an owned Screening per row (the save seam takes &[Screening]).
    let start = Instant::now();
    let screenings: Vec<Screening> = records
        .iter()
        .map(|r| {
            let (determination, details) = screener
                .screen(r.fields.as_ref().expect("valid row"))
                .expect("screened");
            Screening {
                determination: determination.clone(),
                details,
            }
        })
        .collect();
    println!(
        "building {} owned screenings for the save: {}; peak memory {}",
        screenings.len(),
        seconds(start.elapsed()),
        peak_memory()
    );

    // The engine without the batch cache, for the rows that are not repeats.
    let concrete = Answers::new()
        .with("stage", "mining")
        .with("goods", "n61_part1")
        .with("origin", "china_export")
        .with("recipient", "civil")
        .with("destination", "DE");
    let unknown = Answers::all_unknown(&rules);
    for (name, answers, calls) in [
        ("concrete answers", &concrete, 2_000),
        ("all unknown", &unknown, 20),
    ] {
        let start = Instant::now();
        for _ in 0..calls {
            std::hint::black_box(determine(&rules, answers, today));
        }
        println!(
            "determine, {name}: {:.1} us a call",
            start.elapsed().as_secs_f64() * 1e6 / calls as f64
        );
    }

    // End to end through the binary, without and with saving.
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("orders.csv");
    std::fs::write(&input, &csv).expect("write input");
    for save in [false, true] {
        let mut cmd = Command::cargo_bin("ree-screen").expect("binary");
        cmd.env("REE_SCREEN_TODAY", "2025-11-20")
            .env("REE_SCREEN_DATA_DIR", dir.path().join("data"))
            .env("REE_SCREEN_CONFIG", dir.path().join("settings.toml"))
            .arg("batch")
            .arg(&input)
            .arg("-o")
            .arg(dir.path().join("results.csv"));
        if !save {
            cmd.arg("--no-save");
        }
        let start = Instant::now();
        let output = cmd.output().expect("run");
        let elapsed = start.elapsed();
        let status = output.status.code();
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr.lines().last().unwrap_or_default();
        println!(
            "binary, {}: {} (exit {status:?}: {last})",
            if save { "saving" } else { "--no-save" },
            seconds(elapsed)
        );
        if !save {
            assert_eq!(status, Some(0), "{stderr}");
        }
    }
}
