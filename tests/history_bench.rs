//! Benchmark of the history at 10k, 100k and 1M compact records (ignored in `cargo test`;
//! prints figures, asserts no timings). Run:
//!
//!     cargo test --release --test history_bench -- --ignored --nocapture
//!
//! Records are realistic batch imports (seven kinds of answers, dates over a year, reference,
//! counterparty, officer and notes filled), written through `History::append` in batches of
//! 1,000. Each command is the real binary, timed with its peak memory (`/usr/bin/time`);
//! GNU grep and sha256sum run on the same file for comparison. Goals at 1M (issue 10):
//! `history list --limit 50` <= 20 ms and <= 16 MB whatever the size; `--grep` within 3x of
//! GNU grep; `verify` within 3x of sha256sum; export memory independent of size; the form's
//! history view (every summary loaded) fully filterable within 2 s.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use ree_screen::Answers;
use ree_screen::history::{History, Index, NewRecord};
use ree_screen::identity::Identity;
use ree_screen::screening::{Details, Screening};

const KINDS: [[(&str, &str); 5]; 7] = [
    [
        ("stage", "none"),
        ("goods", "n61_part1"),
        ("origin", "china_export"),
        ("recipient", "civil"),
        ("destination", "DE"),
    ],
    [
        ("stage", "magnet_manufacturing"),
        ("goods", "none"),
        ("origin", "china_export"),
        ("recipient", "civil"),
        ("destination", "DE"),
    ],
    [
        ("stage", "none"),
        ("goods", "magnet_parts"),
        ("origin", "foreign_chinese_content"),
        ("recipient", "military_user"),
        ("destination", "US"),
    ],
    [
        ("stage", "none"),
        ("goods", "none"),
        ("origin", "no_chinese_nexus"),
        ("recipient", "civil"),
        ("destination", "JP"),
    ],
    [
        ("stage", "none"),
        ("goods", "magnet_parts"),
        ("origin", "china_reexport"),
        ("recipient", "civil"),
        ("destination", "KR"),
    ],
    [
        ("stage", "none"),
        ("goods", "other"),
        ("origin", "foreign_below_threshold"),
        ("recipient", "civil"),
        ("destination", "FR"),
    ],
    [
        ("stage", "none"),
        ("goods", "unknown"),
        ("origin", "china"),
        ("recipient", "civil"),
        ("destination", "DE"),
    ],
];

const COUNTERPARTIES: [&str; 4] = [
    "Müller Magnete GmbH",
    "深圳稀土有限公司",
    "Acme Motors Inc.",
    "Société Générale des Aimants",
];

/// The determinations of every kind on every tenth day over a year, made once.
fn determinations() -> Vec<Screening> {
    let rules = ree_screen::rules::embedded().expect("rules");
    let start: jiff::civil::Date = "2025-10-20".parse().expect("date");
    let mut out = Vec::new();
    for day in (0..400).step_by(10) {
        let date = start
            .checked_add(jiff::Span::new().days(day))
            .expect("date");
        for kind in KINDS {
            let answers = kind.iter().fold(Answers::new(), |a, (q, v)| a.with(q, v));
            out.push(Screening::run(&rules, &answers, date, Details::default()));
        }
    }
    out
}

fn realistic(base: &Screening, i: usize) -> Screening {
    Screening {
        determination: base.determination.clone(),
        details: Details {
            reference: format!("PO-2026-{i:07}"),
            counterparty: COUNTERPARTIES[i % COUNTERPARTIES.len()].to_string(),
            end_user: String::new(),
            officer: ["J. Roe", "K. Lee", "M. Schmidt"][i % 3].to_string(),
            notes: if i.is_multiple_of(4) {
                "order book import; end use confirmed by the customer".to_string()
            } else {
                String::new()
            },
            ..Details::default()
        },
    }
}

/// Write `count` records in appends of 1,000 (as batch imports do).
fn generate(history: &History, from: usize, count: usize, kinds: &[Screening]) {
    let identity = Identity {
        uid: 1000,
        user: "jroe".into(),
        ssh_client: Some("10.0.0.5".into()),
    };
    let mut i = from;
    while i < from + count {
        let n = 1000.min(from + count - i);
        let rows: Vec<Screening> = (i..i + n)
            .map(|j| realistic(&kinds[(j * 7919) % kinds.len()], j))
            .collect();
        let new: Vec<NewRecord> = rows.iter().map(NewRecord::screening).collect();
        history.append(&new, &identity).expect("append");
        i += n;
    }
}

/// Run a command; its wall time and peak resident memory (KiB), via GNU time.
fn timed(program: &str, args: &[&str], env: &[(&str, &str)]) -> (Duration, u64, String) {
    let mut cmd = Command::new("/usr/bin/time");
    cmd.arg("-f").arg("%M").arg(program).args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let started = Instant::now();
    let out = cmd.output().expect("runs");
    let elapsed = started.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let kib = stderr
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or(0);
    (
        elapsed,
        kib,
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn best_of(runs: usize, program: &str, args: &[&str], env: &[(&str, &str)]) -> (Duration, u64) {
    (0..runs)
        .map(|_| {
            let (d, kib, _) = timed(program, args, env);
            (d, kib)
        })
        .min()
        .expect("runs")
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median_line(path: &Path) -> usize {
    let text = std::fs::read_to_string(path).expect("read");
    let mut lengths: Vec<usize> = text.lines().map(|l| l.len() + 1).collect();
    lengths.sort_unstable();
    lengths[lengths.len() / 2]
}

#[test]
#[ignore = "benchmark: run with --release --ignored --nocapture (writes about 1 GB at 1M records)"]
fn history_benchmark() {
    if !Path::new("/usr/bin/time").exists() {
        eprintln!("skipped: GNU time (/usr/bin/time) is needed to measure memory");
        return;
    }
    let bin = assert_cmd::cargo::cargo_bin("ree-screen");
    let bin = bin.to_str().expect("path");
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let data_arg = data.to_str().expect("path");
    let cache = dir.path().join("cache");
    let env = [
        ("REE_SCREEN_CONFIG", "/nonexistent/settings.toml"),
        ("REE_SCREEN_CACHE_DIR", cache.to_str().expect("path")),
    ];
    let history = History::with_rules(
        &data,
        std::sync::Arc::new(ree_screen::rules::embedded().expect("rules")),
    )
    .with_index_dir(&cache);
    let kinds = determinations();

    // One record as `screen` saves it (no batch frame), for the line size.
    let single = dir.path().join("single");
    let one = History::with_rules(
        &single,
        std::sync::Arc::new(ree_screen::rules::embedded().expect("rules")),
    );
    for (i, kind) in kinds.iter().enumerate() {
        one.append(
            &[NewRecord::screening(&realistic(kind, i))],
            &Identity::default(),
        )
        .expect("append");
    }
    println!(
        "median line: {} B saved one at a time, {} B in batch imports (kinds x dates: {})",
        median_line(&one.path()),
        {
            generate(&history, 0, 1000, &kinds);
            median_line(&history.path())
        },
        kinds.len()
    );

    println!(
        "| records | file MB | write s | list -n 50 ms / MB | grep (ours / grep -i / grep) s | verify s / sha256sum s | export csv s / MB | view, index behind: first page ms / all s | view, indexed: all filterable s / MB RSS | filter keystroke ms (longest) |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    let mut written = 1000;
    for count in [10_000usize, 100_000, 1_000_000] {
        let started = Instant::now();
        generate(&history, written, count - written, &kinds);
        written = count;
        let write = started.elapsed();
        let path = history.path();
        let path_arg = path.to_str().expect("path");
        let size = std::fs::metadata(&path).expect("meta").len();
        // Warm the page cache as a second command would find it.
        let _ = Command::new("cat")
            .arg(path_arg)
            .stdout(std::process::Stdio::null())
            .status();

        let (list, list_kib) = best_of(
            5,
            bin,
            &["--data-dir", data_arg, "history", "list", "-n", "50"],
            &env,
        );
        // A reference that appears once, near the start: every line is looked at.
        let needle = "PO-2026-0000123";
        let (grep_ours, _) = best_of(
            3,
            bin,
            &["--data-dir", data_arg, "history", "list", "--grep", needle],
            &env,
        );
        let (grep_i, _) = best_of(3, "grep", &["-ci", needle, path_arg], &[]);
        let (grep_plain, _) = best_of(3, "grep", &["-c", needle, path_arg], &[]);
        let (verify, _, report) = timed(bin, &["--data-dir", data_arg, "history", "verify"], &env);
        assert!(report.contains("Intact"), "{report}");
        let (sha, _) = best_of(3, "sha256sum", &[path_arg], &[]);
        let out = dir.path().join("export.csv");
        let (export, export_kib, _) = timed(
            bin,
            &[
                "--data-dir",
                data_arg,
                "history",
                "export",
                "--format",
                "csv",
                "-o",
                out.to_str().expect("path"),
            ],
            &env,
        );
        let _ = std::fs::remove_file(&out);

        // The form's history view, every summary loaded: first as the view finds the history
        // after these appends (more than 16 MiB not yet in the derived index: it reads the
        // history itself and indexes in the background), then once the index is up to date.
        let started = Instant::now();
        let mut index = Index::open(&history).expect("open");
        index.load(50, |_, _| {}).expect("first page");
        let first_page = started.elapsed();
        index.load(usize::MAX, |_, _| {}).expect("load");
        let first_view = started.elapsed();
        drop(index);
        // Wait for the background indexing.
        history.update_index().expect("index");
        let view = view_figures(&history, count);
        let filter = view
            .keystrokes
            .iter()
            .map(|k| k.typed)
            .max()
            .unwrap_or_default();

        println!(
            "| {count} | {:.0} | {:.1} | {:.1} / {:.1} | {:.2} / {:.2} / {:.2} | {:.2} / {:.2} | {:.2} / {:.1} | {:.1} / {:.2} | {:.2} / {:.0} | {:.0} |",
            size as f64 / 1e6,
            write.as_secs_f64(),
            ms(list),
            list_kib as f64 / 1024.0,
            grep_ours.as_secs_f64(),
            grep_i.as_secs_f64(),
            grep_plain.as_secs_f64(),
            verify.as_secs_f64(),
            sha.as_secs_f64(),
            export.as_secs_f64(),
            export_kib as f64 / 1024.0,
            ms(first_page),
            first_view.as_secs_f64(),
            view.all.as_secs_f64(),
            view.rss_kib as f64 / 1024.0,
            ms(filter),
        );
    }
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

/// What the form's history view costs on a history, through its real pipeline (the
/// runtime's history IO and the pure update, driven as the event loop drives them).
struct ViewFigures {
    /// From opening until every record is loaded and filterable.
    all: Duration,
    /// The longest single step while it loads: what a key press can wait behind.
    longest_step: Duration,
    /// Resident memory the view added.
    rss_kib: u64,
    keystrokes: Vec<Keystroke>,
}

struct Keystroke {
    text: String,
    /// The update of the key press itself (the filter's first step included).
    typed: Duration,
    /// Until the filter had checked every record, in steps between keys.
    done: Duration,
    /// The longest of those steps.
    longest_step: Duration,
    matches: usize,
}

fn view_figures(history: &History, count: usize) -> ViewFigures {
    use ree_screen::tui::action::{Action, Edit, HistoryCommand, HistoryEvent};
    use ree_screen::tui::app::App;
    use ree_screen::tui::history_io::HistoryIo;
    use ree_screen::tui::update::{Effect, update};

    let rules = ree_screen::rules::embedded().expect("rules");
    let theme = ree_screen::tui::theme::Theme {
        no_color: true,
        ascii: false,
    };
    let mut app = App::new(rules.clone(), "2026-11-29".parse().expect("date"), theme);
    update(&mut app, Action::Resize(80, 24));
    let mut io = HistoryIo::new(
        Ok(history.clone()),
        Identity::default(),
        std::sync::Arc::new(rules),
        None,
    );
    // One step of the event loop: an action and the effects it leads to.
    let step = |app: &mut App, io: &mut HistoryIo, action: Action| {
        let started = Instant::now();
        let mut next = Some(action);
        while let Some(action) = next.take() {
            next = match update(app, action) {
                Some(Effect::History(effect)) => io.perform(effect),
                _ => None,
            };
        }
        started.elapsed()
    };
    let busy = |app: &App| app.history.as_ref().is_some_and(|h| h.busy());
    let rss_before = status_kib("VmRSS:");
    let started = Instant::now();
    let mut longest_step = step(&mut app, &mut io, Action::History);
    while busy(&app) || io.wants_more() {
        // Reading a chunk and taking it in are one step: no key is read in between.
        let started = Instant::now();
        let action = if busy(&app) {
            Some(Action::HistoryEvent(HistoryEvent::Idle))
        } else {
            io.load_more()
        };
        let Some(action) = action else { break };
        step(&mut app, &mut io, action);
        longest_step = longest_step.max(started.elapsed());
    }
    let all = started.elapsed();
    let rss_kib = status_kib("VmRSS:").saturating_sub(rss_before);
    assert_eq!(app.history.as_ref().expect("open").rows.len(), count);
    step(
        &mut app,
        &mut io,
        Action::HistoryCommand(HistoryCommand::Filter),
    );
    let mut keystrokes = Vec::new();
    let mut key = |app: &mut App, io: &mut HistoryIo, action: Action, text: String| {
        let typed = step(app, io, action);
        let started = Instant::now();
        let mut longest_step = Duration::ZERO;
        while busy(app) {
            longest_step =
                longest_step.max(step(app, io, Action::HistoryEvent(HistoryEvent::Idle)));
        }
        keystrokes.push(Keystroke {
            text,
            typed,
            done: started.elapsed(),
            longest_step,
            matches: app.history.as_ref().expect("open").filter.matches().len(),
        });
    };
    // A reference typed key by key (each narrows the last), a counterparty, then a
    // Backspace that widens (the filter starts over).
    let mut typed = String::new();
    for c in "po-2026-0000042".chars() {
        typed.push(c);
        key(&mut app, &mut io, Action::Type(c), typed.clone());
    }
    key(&mut app, &mut io, Action::Edit(Edit::Clear), String::new());
    for c in "müller".chars() {
        key(
            &mut app,
            &mut io,
            Action::Type(c),
            format!("{c} (of müller)"),
        );
    }
    key(
        &mut app,
        &mut io,
        Action::Edit(Edit::DeleteBack),
        "Backspace (widens)".into(),
    );
    ViewFigures {
        all,
        longest_step,
        rss_kib,
        keystrokes,
    }
}

/// The form's history view at 1M records (see `view_figures`): the time until every record
/// is filterable, the view's memory against the file, the longest step while it loads and
/// each filter keystroke. Set `REE_BENCH_DATA` to a directory to keep the generated
/// history between runs. Run:
///
///     cargo test --release --test history_bench view_benchmark -- --ignored --nocapture
#[test]
#[ignore = "benchmark: run with --release --ignored --nocapture (writes about 1 GB)"]
fn view_benchmark() {
    let count = 1_000_000;
    let temp = tempfile::tempdir().expect("tempdir");
    let data = std::env::var_os("REE_BENCH_DATA")
        .map_or_else(|| temp.path().join("data"), std::path::PathBuf::from);
    let rules = std::sync::Arc::new(ree_screen::rules::embedded().expect("rules"));
    let history = History::with_rules(&data, rules).with_index_dir(temp.path().join("cache"));
    if std::fs::metadata(history.path()).map_or(0, |m| m.len()) == 0 {
        let started = Instant::now();
        generate(&history, 0, count, &determinations());
        println!(
            "generated {count} records in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    // The index up to date, as the view finds it after its first opening: the first
    // opening reads the history itself and indexes in the background; opening again waits
    // for that.
    let mut index = Index::open(&history).expect("open");
    index.load(usize::MAX, |_, _| {}).expect("load");
    drop(index);
    history.update_index().expect("index");
    let size = std::fs::metadata(history.path()).expect("meta").len();
    let _ = Command::new("cat")
        .arg(history.path())
        .stdout(std::process::Stdio::null())
        .status();
    let view = view_figures(&history, count);
    println!("history: {count} records, {:.0} MB", size as f64 / 1e6);
    println!(
        "view: every record filterable after {:.2} s; longest step while loading {:.1} ms",
        view.all.as_secs_f64(),
        ms(view.longest_step)
    );
    println!(
        "view memory: {:.0} MB resident growth = {:.1}% of the file",
        view.rss_kib as f64 / 1024.0,
        view.rss_kib as f64 * 1024.0 * 100.0 / size as f64
    );
    println!("| filter text | keystroke ms | then until done ms | longest step ms | matches |");
    println!("|---|---|---|---|---|");
    for k in &view.keystrokes {
        println!(
            "| {:?} | {:.1} | {:.1} | {:.1} | {} |",
            k.text,
            ms(k.typed),
            ms(k.done),
            ms(k.longest_step),
            k.matches
        );
    }
}

/// A history in `data` whose saves are signed with the ed25519 key at `key` (made by
/// ssh-keygen unless it exists), and the key's public line; None without ssh-keygen.
fn signing_history(data: &Path, key: &Path) -> Option<(History, String)> {
    if !key.exists() {
        let made = Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-C", "jroe", "-f"])
            .arg(key)
            .status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("skipped: ssh-keygen is needed");
            return None;
        }
    }
    let public = std::fs::read_to_string(key.with_extension("pub")).expect("public key");
    let signer = ree_screen::signing::Signer::new(None, Some(key.to_path_buf()));
    let rules = std::sync::Arc::new(ree_screen::rules::embedded().expect("rules"));
    let history = History::with_rules(data, rules).with_signer(std::sync::Arc::new(signer));
    Some((history, public))
}

/// `history verify` of `data` by the real binary, as a user whose private state is `state`,
/// once allowed_signers names jroe's key: how to run it (program, arguments, environment).
struct VerifyRun {
    bin: String,
    data: String,
    state: String,
}

impl VerifyRun {
    fn new(data: &Path, public: &str, state: &Path) -> VerifyRun {
        std::fs::write(
            data.join(ree_screen::signing::ALLOWED_SIGNERS),
            format!("jroe {public}"),
        )
        .expect("write");
        let path = |p: &Path| p.to_str().expect("path").to_string();
        VerifyRun {
            bin: path(&assert_cmd::cargo::cargo_bin("ree-screen")),
            data: path(data),
            state: path(state),
        }
    }

    fn args(&self) -> [&str; 4] {
        ["--data-dir", &self.data, "history", "verify"]
    }

    fn env(&self) -> [(&str, &str); 2] {
        [
            ("REE_SCREEN_CONFIG", "/nonexistent/settings.toml"),
            ("REE_SCREEN_STATE_DIR", &self.state),
        ]
    }

    /// One run: its time and report.
    fn once(&self) -> (Duration, String) {
        let (took, _, report) = timed(&self.bin, &self.args(), &self.env());
        (took, report)
    }

    /// The best of three: time and peak memory (KiB).
    fn best(&self) -> (Duration, u64) {
        best_of(3, &self.bin, &self.args(), &self.env())
    }
}

/// `history verify` at 1M records signed save by save (appends of 1,000, each signed with an
/// ed25519 key the test makes with ssh-keygen, whose user allowed_signers names), against
/// the same history with its signatures and allowed_signers set aside, and sha256sum; then
/// what one signature costs to check, for histories saved one record at a time. Set
/// `REE_BENCH_DATA` to keep the history between runs. Run:
///
///     cargo test --release --test history_bench signed_verify_benchmark -- --ignored --nocapture
#[test]
#[ignore = "benchmark: run with --release --ignored --nocapture (writes about 1 GB)"]
fn signed_verify_benchmark() {
    use ree_screen::signing::{ALLOWED_SIGNERS, SIGNATURES_FILE, Signer};
    let count = 1_000_000;
    let temp = tempfile::tempdir().expect("tempdir");
    let data = std::env::var_os("REE_BENCH_DATA")
        .map_or_else(|| temp.path().join("data"), std::path::PathBuf::from);
    let key = data.with_file_name("bench-key");
    let Some((history, public)) = signing_history(&data, &key) else {
        return;
    };
    if std::fs::metadata(history.path()).map_or(0, |m| m.len()) == 0 {
        let started = Instant::now();
        generate(&history, 0, count, &determinations());
        println!(
            "generated and signed {count} records in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    let verify = VerifyRun::new(&data, &public, &temp.path().join("state"));
    let (_, report) = verify.once();
    assert!(report.contains("Intact"), "{report}");
    assert!(
        report.contains("1000 save(s) signed by their user"),
        "{report}"
    );
    let (signed, signed_kib) = verify.best();
    let aside = data.with_file_name("aside");
    std::fs::create_dir_all(&aside).expect("mkdir");
    for name in [ALLOWED_SIGNERS, SIGNATURES_FILE] {
        std::fs::rename(data.join(name), aside.join(name)).expect("set aside");
    }
    let (unsigned, _) = verify.best();
    for name in [ALLOWED_SIGNERS, SIGNATURES_FILE] {
        std::fs::rename(aside.join(name), data.join(name)).expect("put back");
    }
    let path = history.path();
    let (sha, _) = best_of(3, "sha256sum", &[path.to_str().expect("path")], &[]);
    println!(
        "verify at {count} records in 1,000 signed saves: {:.2} s ({} MB peak); without signatures {:.2} s; sha256sum {:.2} s; ratio {:.2}",
        signed.as_secs_f64(),
        signed_kib / 1024,
        unsigned.as_secs_f64(),
        sha.as_secs_f64(),
        signed.as_secs_f64() / sha.as_secs_f64()
    );
    // One signature's check, as verify makes it, for a history saved a record at a time.
    let sig = Signer::new(None, Some(key))
        .sign(&"ab".repeat(32), &[], false)
        .expect("sign");
    let public = ssh_key::PublicKey::from(sig.public_key().clone());
    let n = 10_000;
    let started = Instant::now();
    for _ in 0..n {
        public
            .verify(
                ree_screen::signing::NAMESPACE,
                "ab".repeat(32).as_bytes(),
                &sig,
            )
            .expect("verifies");
    }
    let each = started.elapsed() / n;
    println!(
        "one ed25519 signature checked in {:.1} µs: {:.0} s more for 1M saves of one record each",
        each.as_secs_f64() * 1e6,
        each.as_secs_f64() * 1e6
    );
}

/// `history verify` of a history saved one record at a time, each save signed: the first
/// verify checks every signature, the next only those added since (the user's private
/// state keeps how much of `history.sig` was found valid). Per save, to scale to 1M. Run:
///
///     cargo test --release --test history_bench signed_single_saves_benchmark -- --ignored --nocapture
#[test]
#[ignore = "benchmark: run with --release --ignored --nocapture"]
fn signed_single_saves_benchmark() {
    let saves = 20_000;
    let temp = tempfile::tempdir().expect("tempdir");
    let data = temp.path().join("data");
    let Some((history, public)) = signing_history(&data, &temp.path().join("key")) else {
        return;
    };
    let kinds = determinations();
    let identity = Identity {
        uid: 1000,
        user: "jroe".into(),
        ssh_client: None,
    };
    let started = Instant::now();
    for i in 0..saves {
        let row = realistic(&kinds[(i * 7919) % kinds.len()], i);
        history
            .append(&[NewRecord::screening(&row)], &identity)
            .expect("append");
    }
    println!(
        "{saves} single signed saves in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let verify = VerifyRun::new(&data, &public, &temp.path().join("state"));
    let (first, report) = verify.once();
    assert!(report.contains("Intact"), "{report}");
    let (again, kib) = verify.best();
    let (sha, _) = best_of(
        3,
        "sha256sum",
        &[history.path().to_str().expect("path")],
        &[],
    );
    let per = |d: Duration| d.as_secs_f64() * 1e6 / saves as f64;
    println!(
        "verify of {saves} signed single saves: first {:.2} s ({:.0} µs a save), then {:.2} s ({:.0} µs a save, {} MB peak); sha256sum {:.3} s ({:.1} µs a record)",
        first.as_secs_f64(),
        per(first),
        again.as_secs_f64(),
        per(again),
        kib / 1024,
        sha.as_secs_f64(),
        per(sha)
    );
}
