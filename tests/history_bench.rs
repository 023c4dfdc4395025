//! Benchmark of the history at 10k, 100k and 1M records (ignored in `cargo test`; prints
//! figures, asserts no timings). Run:
//!
//!     cargo test --release --test history_bench -- --ignored --nocapture
//!
//! Goals on a 2-core machine: first page of the history view under 50 ms at 1M records; one
//! filter keystroke under 16 ms at 100k and under 250 ms at 1M; peak memory below a quarter
//! of the file's size.

use std::io::{BufWriter, Write};
use std::time::{Duration, Instant};

use ree_screen::Answers;
use ree_screen::history::{
    GENESIS, History, Index, NewRecord, Query, Record, RecordKind, chain_hash,
};
use ree_screen::screening::{Details, Screening};

/// A record serialised once with markers where the per-record values go.
struct Template {
    parts: Vec<String>,
}

const MARKERS: [&str; 3] = ["@@ID@@", "@@REF@@", "@@PREV@@"];

fn template(answers: Answers) -> Template {
    let rules = ree_screen::rules::embedded().expect("rules");
    let details = Details {
        reference: MARKERS[1].to_string(),
        counterparty: "深圳稀土有限公司".to_string(),
        destination: "DE".to_string(),
        officer: "J. Roe".to_string(),
        notes: "order book import".to_string(),
    };
    let screening = Screening::run(
        &rules,
        &answers,
        "2025-10-20".parse().expect("date"),
        details,
    );
    let record = Record {
        schema: 1,
        id: MARKERS[0].to_string(),
        saved_at: jiff::Timestamp::now(),
        program_version: env!("CARGO_PKG_VERSION").to_string(),
        kind: RecordKind::Screening,
        supersedes: None,
        reason: None,
        override_outcome: None,
        screening,
        prev: MARKERS[2].to_string(),
    };
    let mut body = serde_json::to_string(&record).expect("json");
    let mut parts = Vec::new();
    for marker in MARKERS {
        let at = body.find(marker).expect("marker");
        parts.push(body[..at].to_string());
        body = body[at + marker.len()..].to_string();
    }
    parts.push(body);
    Template { parts }
}

/// Write `count` chained records (cycling through a few realistic answer sets).
fn generate(history: &History, count: usize) -> u64 {
    let templates = [
        template(Answers::new("none", "china", "civil")),
        template(Answers::new(
            "magnet_manufacturing",
            "china",
            "military_user",
        )),
        template(Answers::new("none", "foreign_chinese_content", "unknown")),
        template(Answers::new("none", "no_chinese_nexus", "civil")),
    ];
    std::fs::create_dir_all(history.path().parent().expect("dir")).expect("dir");
    let file = std::fs::File::create(history.path()).expect("create");
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let mut prev = GENESIS.to_string();
    let mut body = String::new();
    for i in 0..count {
        let t = &templates[i % templates.len()];
        body.clear();
        body.push_str(&t.parts[0]);
        body.push_str(&format!("20251020T000000Z-{i:08x}"));
        body.push_str(&t.parts[1]);
        body.push_str(&format!("PO-{i}"));
        body.push_str(&t.parts[2]);
        body.push_str(&prev);
        body.push_str(&t.parts[3]);
        let hash = chain_hash(&prev, body.as_bytes());
        writeln!(out, "{{\"hash\":\"{hash}\",\"record\":{body}}}").expect("write");
        prev = hash;
    }
    out.flush().expect("flush");
    // Write the generated file back now, so append latency measures the append alone.
    out.get_ref().sync_all().expect("sync");
    std::fs::metadata(history.path()).expect("meta").len()
}

fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[test]
#[ignore = "benchmark: run with --ignored --nocapture (writes about 8 GB at 1M records)"]
fn history_benchmark() {
    let dir = tempfile::tempdir().expect("tempdir");
    println!(
        "| records | file MB | write s | first page ms | full index s | filter ms | index RSS MB | RSS / file | append ms |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for count in [10_000usize, 100_000, 1_000_000] {
        let history = History::new(dir.path().join(count.to_string()));
        let started = Instant::now();
        let size = generate(&history, count);
        let write = started.elapsed();

        let rss_before = status_kib("VmRSS:");
        let started = Instant::now();
        let mut index = Index::open(&history).expect("open");
        index.load(50).expect("first page");
        let first_page = started.elapsed();
        assert_eq!(index.summaries.len(), 50);

        let started = Instant::now();
        index.load(usize::MAX).expect("load");
        let full = started.elapsed();
        assert_eq!(index.summaries.len(), count);
        let rss = status_kib("VmRSS:").saturating_sub(rss_before) * 1024;

        // One keystroke: the filter text grows by a character and is applied to everything.
        let mut filter = Duration::ZERO;
        let typed = ["p", "po", "po-", "po-4", "po-42", "po-424"];
        let mut hits = 0;
        for text in typed {
            let query = Query {
                text: text.to_string(),
                ..Query::default()
            };
            let started = Instant::now();
            hits = index.filter(&query).len();
            filter += started.elapsed();
        }
        let filter = filter / typed.len() as u32;
        assert!(hits > 0);

        // Append latency, fsync included.
        let rules = ree_screen::rules::embedded().expect("rules");
        let s = Screening::run(
            &rules,
            &Answers::new("none", "china", "civil"),
            "2025-10-20".parse().expect("date"),
            Details::default(),
        );
        let rounds = 20;
        let started = Instant::now();
        for _ in 0..rounds {
            history.append(&[NewRecord::screening(&s)]).expect("append");
        }
        let append = started.elapsed() / rounds;

        println!(
            "| {count} | {:.0} | {:.1} | {:.2} | {:.2} | {:.1} | {:.0} | {:.3} | {:.2} |",
            size as f64 / 1e6,
            write.as_secs_f64(),
            ms(first_page),
            full.as_secs_f64(),
            ms(filter),
            rss as f64 / 1e6,
            rss as f64 / size as f64,
            ms(append),
        );
        drop(index);
        std::fs::remove_file(history.path()).expect("remove");
    }
    println!(
        "peak RSS of the whole benchmark process: {} MB",
        status_kib("VmHWM:") / 1024
    );
}
