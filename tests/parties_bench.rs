//! Party-list benchmark: 100 000 generated entries added by `parties add-list`, then
//! `parties search` as a whole process, the form's suggestions per key, and a batch of
//! 20 000 rows with and without names. Ignored by default; run it in release:
//! `cargo test --release --test parties_bench -- --ignored --nocapture`

mod cli_support;

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use ree_screen::parties::{PartyLists, Screener};
use ree_screen::screening::Details;

const ENTRIES: usize = 100_000;
const ROWS: usize = 20_000;

/// Syllables of the made-up company words: 40 of them make about 66 000 distinct words of
/// two or three syllables, so names share words about as often as real lists do.
const SYLLABLES: [&str; 40] = [
    "ka", "lo", "mer", "vin", "tra", "sol", "dex", "ar", "bel", "cor", "dan", "fi", "gor", "hal",
    "is", "jun", "kel", "lum", "mar", "nor", "os", "pra", "quin", "ros", "sen", "tal", "ul", "ven",
    "wex", "yor", "zan", "bri", "cha", "dor", "el", "fen", "gla", "hux", "ib", "jor",
];

/// The words real company names end with, shared by many names.
const SECTORS: [&str; 16] = [
    "Materials",
    "Technologies",
    "Industries",
    "Systems",
    "Aerospace",
    "Electronics",
    "Metals",
    "Trading",
    "Holdings",
    "Magnetics",
    "Defense",
    "Photonics",
    "Energy",
    "Robotics",
    "International",
    "Group",
];

/// A made-up word, the same for the same seed.
fn word(seed: u64) -> String {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
    let mut next = || {
        x ^= x >> 31;
        x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
        (x >> 33) as usize
    };
    let count = 2 + next() % 2;
    let mut w: String = (0..count)
        .map(|_| SYLLABLES[next() % SYLLABLES.len()])
        .collect();
    w[..1].make_ascii_uppercase();
    w
}

/// A made-up company name per number: two distinct words, a sector word and a legal form.
fn name(i: usize) -> String {
    let forms = ["Inc.", "GmbH", "Ltd.", "Corp.", "LLC"];
    let i64 = i as u64;
    format!(
        "{} {} {} {}",
        word(i64 * 3),
        word(i64 * 3 + 1),
        SECTORS[i % SECTORS.len()],
        forms[i % forms.len()]
    )
}

/// Another name the entry is known by.
fn alias(i: usize) -> String {
    format!("{} {} Trading", word(i as u64 * 3), word(i as u64 * 3 + 2))
}

/// `name` with its first word's second and third letters swapped: one typo.
fn typo(name: &str) -> String {
    let mut chars: Vec<char> = name.chars().collect();
    chars.swap(1, 2);
    chars.into_iter().collect()
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
            "{},{},US,control_list,2026-01-01,https://example.org/notice-{}",
            name(i),
            alias(i),
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

    let queries = [name(4242), typo(&name(4242)), "MP Materials".to_string()];
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

    // The form's suggestions: the lists loaded once (from the index `add-list` kept in the
    // cache), one search per key typed.
    // SAFETY: the only test of this binary, before any thread of its own.
    unsafe { std::env::set_var("REE_SCREEN_CACHE_DIR", data.path().join("cache")) };
    let store = ree_screen::parties::ListStore::new(data.path());
    let (screener, load) = timed(|| Screener::new(PartyLists::load(Some(&store)).expect("lists")));
    println!(
        "lists loaded in the form: {:.0} ms",
        load.as_secs_f64() * 1e3
    );
    let typed = name(4242);
    let typed = typed.as_str();
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

    // Many names in one process, as a batch screens them: the deletion table built once,
    // then one search per name.
    let (_, table) = timed(|| screener.index.prepare_for_many());
    let names: Vec<String> = (0..ROWS).map(|i| name(i * 5)).collect();
    let (found, searching) = timed(|| {
        names
            .iter()
            .map(|n| screener.index.search(n).len())
            .sum::<usize>()
    });
    println!(
        "{ROWS} names searched in one process: table built in {:.0} ms, then {:.1} us per name ({found} entries found)",
        table.as_secs_f64() * 1e3,
        searching.as_secs_f64() * 1e6 / ROWS as f64
    );

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
