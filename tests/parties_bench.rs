//! Party-list benchmark: 100 000 generated entries added by `parties add-list`, then
//! `parties search` as a whole process, the form's suggestions per key, and a batch of
//! 20 000 rows with and without names. Ignored by default; run it in release:
//! `cargo test --release --test parties_bench -- --ignored --nocapture`

mod cli_support;

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use ree_screen::parties::{Field, PartyLists, Screener};
use ree_screen::screening::Details;

const ENTRIES: usize = 100_000;
const ROWS: usize = 20_000;

const WORDS: [&str; 24] = [
    "Advanced",
    "Rare",
    "Earth",
    "Magnetics",
    "Precision",
    "Defense",
    "Systems",
    "Photonics",
    "Aerospace",
    "Metals",
    "Dynamics",
    "Northern",
    "Pacific",
    "Atlantic",
    "Materials",
    "Robotics",
    "Technologies",
    "Industrial",
    "Global",
    "Holdings",
    "Research",
    "Optics",
    "Marine",
    "Energy",
];

/// A made-up company name per number: three or four words and a legal form.
fn name(i: usize) -> String {
    let w = |k: usize| WORDS[(i / k) % WORDS.len()];
    let forms = ["Inc.", "GmbH", "Ltd.", "Corp.", "LLC"];
    format!(
        "{} {} {} {i:05} {}",
        w(1),
        w(24),
        w(576),
        forms[i % forms.len()]
    )
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let out = f();
    (out, start.elapsed())
}

/// The binary on the data directory `data`, "today" being 4 Dec 2026.
fn ree(data: &std::path::Path) -> Command {
    let mut cmd = cli_support::ree(data);
    cmd.env("REE_SCREEN_TODAY", "2026-12-04");
    cmd
}

#[test]
#[ignore = "benchmark: run in release with --ignored --nocapture"]
fn party_lists_at_100k_entries() {
    let data = tempfile::tempdir().expect("tempdir");
    let mut csv = String::from("name,aliases,country,list,listed_on,source\n");
    for i in 0..ENTRIES {
        let _ = writeln!(
            csv,
            "{},Alias {i:05} Trading,US,control_list,2026-01-01,https://example.org/notice-{}",
            name(i),
            i / 100,
        );
    }
    let file = data.path().join("generated.csv");
    std::fs::write(&file, &csv).expect("write");
    let (added, add_time) = timed(|| {
        ree(data.path())
            .args(["parties", "add-list"])
            .arg(&file)
            .output()
            .expect("run")
    });
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    println!(
        "parties add-list, {ENTRIES} entries: {:.0} ms",
        add_time.as_secs_f64() * 1e3
    );

    let queries = [
        name(4242),
        "Advanced Rare Eatrh 04242".to_string(),
        "MP Materials".to_string(),
    ];
    for query in &queries {
        let mut best = Duration::MAX;
        for _ in 0..5 {
            let (out, t) = timed(|| {
                ree(data.path())
                    .args(["parties", "search", query])
                    .output()
                    .expect("run")
            });
            assert!(out.status.success());
            best = best.min(t);
        }
        println!(
            "parties search {query:?} as a whole process (best of 5): {:.0} ms",
            best.as_secs_f64() * 1e3
        );
    }

    // The form's suggestions: the lists loaded once, one search per key typed.
    let store = ree_screen::parties::ListStore::new(data.path());
    let (screener, load) = timed(|| Screener::new(PartyLists::load(Some(&store)).expect("lists")));
    println!(
        "lists loaded and indexed in the form: {:.0} ms",
        load.as_secs_f64() * 1e3
    );
    let typed = "Advanced Rare Earth 04242 Inc";
    let mut slowest = Duration::ZERO;
    for end in 1..=typed.len() {
        let details = Details {
            counterparty: typed[..end].to_string(),
            ..Details::default()
        };
        let (_, t) =
            timed(|| screener.findings(&details, "2026-12-04".parse().expect("date"), &[]));
        slowest = slowest.max(t);
    }
    println!(
        "form suggestions, slowest key of {} typed: {:.2} ms",
        typed.len(),
        slowest.as_secs_f64() * 1e3
    );
    let _ = Field::Counterparty;

    // A batch of 20 000 rows with and without names.
    let batch = |with_names: bool| {
        let mut rows =
            String::from("reference,stage,goods,origin,recipient,destination,counterparty\n");
        for i in 0..ROWS {
            let cp = if with_names {
                name(i * 5)
            } else {
                String::new()
            };
            let _ = writeln!(rows, "PO-{i},none,no18_items,china_export,civil,US,{cp}");
        }
        let path = data.path().join(format!("rows-{with_names}.csv"));
        std::fs::write(&path, rows).expect("write");
        let (out, t) = timed(|| {
            ree(data.path())
                .args(["batch"])
                .arg(&path)
                .arg("--no-save")
                .output()
                .expect("run")
        });
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        t
    };
    let without = batch(false);
    let with = batch(true);
    println!(
        "batch of {ROWS} rows: {:.0} ms without names, {:.0} ms with names ({:.2}x)",
        without.as_secs_f64() * 1e3,
        with.as_secs_f64() * 1e3,
        with.as_secs_f64() / without.as_secs_f64()
    );
}
