//! `ree-screen history ...`, `rules install|list|diff` and saving from `screen`, run as the
//! real binary: several processes saving at once, verify's exit status on damage and after an
//! interrupted save, `show` exactly as decided (and when the rule set is gone), schema-1
//! records, exports for Excel, the impact of new rules, and a team's shared directory.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::{Command as StdCommand, Stdio};

mod cli_support;

use cli_support::{Run, as_user, can_act_as_members, military, ok, ree, team_dir};

fn record_id(out: &str) -> String {
    out.lines()
        .find_map(|l| l.strip_prefix("Saved as "))
        .and_then(|l| l.split_whitespace().next())
        .expect("a record id")
        .to_string()
}

#[test]
fn screen_saves_list_shows_the_newest_and_show_renders_as_decided() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path();
    let first = record_id(&ok(ree(data).args(military("PO-1", "2025-12-05"))));
    let second = record_id(&ok(ree(data).args(military("PO-2", "2026-12-01"))));
    ok(ree(data)
        .args(military("PO-3", "2026-12-01"))
        .arg("--no-save"));
    let list = ok(ree(data).args(["history", "list", "-n", "1"]));
    assert_eq!(list.lines().count(), 1);
    assert!(list.starts_with(&second), "{list}");
    let json: serde_json::Value =
        serde_json::from_str(&ok(ree(data).args(["history", "list", "--format", "json"])))
            .expect("json");
    assert_eq!(json.as_array().expect("rows").len(), 2);
    assert_eq!(json[1]["id"], first.as_str());
    let show = ok(ree(data).args(["history", "show", &first]));
    assert!(show.contains("As decided then"), "{show}");
    assert!(show.contains("Saved by: "));
    assert!(!show.contains("Note:"), "{show}");
    // Without the kept rule set, it says so and still shows what the record stores.
    std::fs::remove_dir_all(data.join("rule-sets")).expect("remove");
    let show = ok(ree(data).args(["history", "show", &first]));
    assert!(show.contains("is gone"), "{show}");
}

#[test]
fn verify_exits_1_on_damage_and_0_once_an_interrupted_save_is_acknowledged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path();
    ok(ree(data).args(military("PO-1", "2025-12-05")));
    let path = data.join("history.jsonl");
    let good = std::fs::read(&path).expect("read");
    // Garbage between records.
    let mut damaged = b"garbage\n".to_vec();
    damaged.extend_from_slice(&good);
    std::fs::write(&path, &damaged).expect("write");
    let run = Run::of(ree(data).args(["history", "verify"]));
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert!(run.stdout.contains("BROKEN at line 1"), "{}", run.stdout);
    // A torn tail: broken until the next save acknowledges it.
    let mut torn = good.clone();
    torn.extend_from_slice(b"{\"hash\":\"ab");
    std::fs::write(&path, &torn).expect("write");
    assert_eq!(Run::of(ree(data).args(["history", "verify"])).code, Some(1));
    ok(ree(data).args(military("PO-2", "2025-12-05")));
    let verify = ok(ree(data).args(["history", "verify"]));
    assert!(
        verify.contains("acknowledged by the record on line 3"),
        "{verify}"
    );
    assert!(verify.contains("Intact"), "{verify}");
}

#[test]
fn a_failed_save_says_why_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path();
    let made = StdCommand::new("mkfifo")
        .arg(data.join("history.jsonl"))
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let run = Run::of(ree(data).args(military("PO-1", "2025-12-05")));
    assert_ne!(run.code, Some(0));
    assert!(run.stderr.contains("not a regular file"), "{}", run.stderr);
    assert!(
        !run.stderr.contains("not saved: not saved"),
        "{}",
        run.stderr
    );
}

#[test]
fn schema_1_records_show_with_their_destination_and_verify() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path();
    let path = data.join("history.jsonl");
    std::fs::write(&path, include_str!("fixtures/history-schema1.jsonl")).expect("fixture");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    assert!(ok(ree(data).args(["history", "verify"])).contains("6 records"));
    let show = ok(ree(data).args(["history", "show", "20261129T130747Z-02cc7aa5"]));
    assert!(show.contains("schema 1"), "{show}");
    assert!(
        show.contains("Destination (as typed): DE (Stuttgart)"),
        "{show}"
    );
    let list = ok(ree(data).args(["history", "list", "--grep", "stuttgart"]));
    assert_eq!(list.lines().count(), 1, "{list}");
    let rescreen = ok(ree(data).args([
        "history",
        "rescreen",
        "20261129T130747Z-471c7c46",
        "--no-save",
    ]));
    assert!(
        rescreen.contains("RECORD    (screened for 2025-12-05): ")
            && rescreen.contains("RE-SCREEN (screened for 2025-10-20): "),
        "{rescreen}"
    );
}

#[test]
fn excel_export_is_private_with_a_bom_and_semicolons() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path();
    ok(ree(data)
        .args(military("PO-1", "2025-12-05"))
        .args(["--counterparty", "Müller Magnete GmbH"]));
    let out = data.join("export.csv");
    let run = Run::of(
        ree(data)
            .args(["history", "export", "--format", "csv", "--excel", "-o"])
            .arg(&out),
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr.contains("exported 1 of 1 records"),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::metadata(&out).expect("meta").permissions().mode() & 0o777,
        0o600
    );
    let bytes = std::fs::read(&out).expect("read");
    assert!(bytes.starts_with("\u{feff}".as_bytes()));
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(&bytes[3..]);
    let header = reader.headers().expect("header").clone();
    let row = reader.records().next().expect("a row").expect("parses");
    let col = |name: &str| header.iter().position(|h| h == name).expect(name);
    assert_eq!(&row[col("counterparty")], "Müller Magnete GmbH");
    assert_eq!(&row[col("current")], "yes");
    let md = ok(ree(data).args(["history", "export", "--format", "md"]));
    assert!(
        md.contains("| Date | Reference | Counterparty | Outcome | Decided by | Kind | Record |")
    );
    // `-o -` is standard output, not a file named "-".
    let dashed = ok(ree(data)
        .current_dir(data)
        .args(["history", "export", "--format", "md", "-o", "-"]));
    assert!(dashed.contains("| Date | Reference |"), "{dashed}");
    assert!(!data.join("-").exists());
}

/// Record fields reach the Markdown export as text: no HTML tag, no link, no table cell.
#[test]
fn markdown_export_escapes_html_and_links_in_record_fields() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path();
    ok(ree(data)
        .args(military("<script>alert(1)</script>", "2025-12-05"))
        .args([
            "--counterparty",
            "[click](javascript:alert(1)) | x",
            "--notes",
            "<img src=x onerror=alert(1)> ![i](javascript:y)",
        ]));
    let md = ok(ree(data).args(["history", "export", "--format", "md"]));
    // Escaped brackets make no link; an unescaped one would.
    let unescaped = md.replace("\\]", "").replace("\\[", "");
    for raw in ["<script>", "](javascript:", "<img", "[click"] {
        assert!(!unescaped.contains(raw), "{raw} passed through:\n{md}");
    }
    assert!(md.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{md}");
    assert!(
        md.contains("\\[click\\](javascript:alert(1)) \\| x"),
        "{md}"
    );
    assert!(md.contains("&lt;img src=x onerror=alert(1)&gt;"), "{md}");
}

#[test]
fn installed_rules_that_lift_a_suspension_and_their_impact() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path();
    let mut ids = Vec::new();
    for (reference, date) in [
        ("BEFORE", "2025-10-20"),
        ("DURING", "2025-12-05"),
        ("ALSO-DURING", "2026-03-01"),
        ("AFTER", "2026-12-01"),
    ] {
        ids.push(record_id(&ok(ree(data).args(military(reference, date)))));
    }
    let lifted = data.join("lifted.json");
    let text = ree_screen::rules::EMBEDDED_TEXT.replacen(
        "\"suspensions\": [{\"from\": \"2025-11-07\", \"until\": \"2026-11-10\", \"by\": \"no70-suspension\"}],",
        "",
        1,
    );
    std::fs::write(&lifted, text).expect("write");
    let embedded = data.join("embedded.json");
    std::fs::write(&embedded, ree_screen::rules::EMBEDDED_TEXT).expect("write");
    let diff = ok(ree(data)
        .args(["rules", "diff"])
        .arg(&embedded)
        .arg(&lifted));
    assert!(diff.contains("~ measure mofcom-2025-61"), "{diff}");
    assert!(diff.contains("suspensions:"), "{diff}");
    let installed = ok(ree(data).args(["rules", "install"]).arg(&lifted));
    assert!(installed.contains("as the default"), "{installed}");
    let list = ok(ree(data).args(["rules", "list"]));
    assert_eq!(list.lines().count(), 2, "{list}");
    assert_eq!(list.matches("(default, in use)").count(), 1, "{list}");
    let impact = ok(ree(data).args(["history", "impact"]));
    assert!(impact.contains("2 of 4 current case(s) change"), "{impact}");
    let changed: Vec<&str> = impact
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().next().unwrap_or(""))
        .collect();
    assert_eq!(changed, [ids[1].as_str(), ids[2].as_str()]);
    assert!(
        impact.contains("no_license_required -> denied_in_principle"),
        "{impact}"
    );
    ok(ree(data).args(["history", "impact", "--save"]));
    let after = ok(ree(data).args(["history", "impact"]));
    assert!(after.contains("0 of 4 current case(s) change"), "{after}");
    assert!(ok(ree(data).args(["history", "verify"])).contains("2 kept rule set(s)"));
}

/// `writers` processes at once, each saving `each` screenings through the real binary.
fn save_from_processes(data: &Path, writers: usize, each: usize) {
    let bin = assert_cmd::cargo::cargo_bin("ree-screen");
    let threads: Vec<_> = (0..writers)
        .map(|w| {
            let (bin, data) = (bin.clone(), data.to_path_buf());
            std::thread::spawn(move || {
                for i in 0..each {
                    let status = StdCommand::new(&bin)
                        .env("REE_SCREEN_CONFIG", data.join("no-settings.toml"))
                        .env("REE_SCREEN_STATE_DIR", data.join("state"))
                        .env("REE_SCREEN_CACHE_DIR", data.join("cache"))
                        .arg("--data-dir")
                        .arg(&data)
                        .args(military(&format!("W{w}-{i}"), "2025-12-05"))
                        .stdout(Stdio::null())
                        .status()
                        .expect("runs");
                    assert!(status.success());
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("writer");
    }
}

#[test]
fn several_processes_saving_at_once_lose_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    save_from_processes(dir.path(), 4, 5);
    let verify = ok(ree(dir.path()).args(["history", "verify"]));
    assert!(verify.contains(": 20 records"), "{verify}");
    assert!(verify.contains("Intact"), "{verify}");
}

#[test]
fn a_team_directory_is_shared_by_its_group_and_nothing_wider() {
    if !can_act_as_members() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let team = team_dir(dir.path());
    for (uid, reference) in [(1001, "ALICE-1"), (1002, "BOB-1")] {
        let run = as_user(uid, 4321, &team, &military(reference, "2025-12-05"));
        assert_eq!(run.code, Some(0), "uid {uid}: {}", run.stderr);
    }
    let history = std::fs::metadata(team.join("history.jsonl")).expect("history");
    assert_eq!(history.mode() & 0o7777, 0o660);
    assert_eq!(history.gid(), 4321);
    for entry in std::fs::read_dir(team.join("rule-sets")).expect("rule sets") {
        let meta = entry.expect("entry").metadata().expect("meta");
        assert_eq!(meta.mode() & 0o777, 0o440);
    }
    // The rule-set folder is the group's and sticky: no member removes another's file.
    let folder = std::fs::metadata(team.join("rule-sets")).expect("folder");
    assert_eq!(folder.mode() & 0o7777, 0o3770);
    let kept = std::fs::read_dir(team.join("rule-sets"))
        .expect("rule sets")
        .next()
        .expect("one")
        .expect("entry")
        .path();
    let removed = StdCommand::new("setpriv")
        .args([
            "--reuid=1002",
            "--regid=1002",
            "--groups=4321",
            "--",
            "rm",
            "-f",
        ])
        .arg(&kept)
        .output()
        .expect("rm");
    assert!(!removed.status.success());
    assert!(kept.exists(), "another member's rule set stays");
    let verify = as_user(1002, 4321, &team, &["history".into(), "verify".into()]);
    assert_eq!(verify.code, Some(0), "{}{}", verify.stdout, verify.stderr);
    let text = std::fs::read_to_string(team.join("history.jsonl")).expect("read");
    assert!(
        text.contains("\"uid\":1001,\"user\":\"officer1001\""),
        "{text}"
    );
    assert!(text.contains("\"uid\":1002,\"user\":\"officer1002\""));
    // A rule set one member installs is the default for all.
    let lifted = dir.path().join("lifted.json");
    std::fs::write(
        &lifted,
        ree_screen::rules::EMBEDDED_TEXT.replacen("2026.12.04", "2026.12.05", 1),
    )
    .expect("write");
    let args = |a: &[&str]| a.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let lifted_arg = lifted.to_str().expect("path");
    // Only the directory's owner (here root) installs the team's default: a member's
    // would not count.
    let install = as_user(1001, 4321, &team, &args(&["rules", "install", lifted_arg]));
    assert_eq!(install.code, Some(1), "{}", install.stderr);
    assert!(
        install.stderr.contains("only the data directory's owner"),
        "{}",
        install.stderr
    );
    let install = Run::of(
        ree(&team)
            .env_remove("REE_SCREEN_TODAY")
            .args(args(&["rules", "install", lifted_arg])),
    );
    assert_eq!(install.code, Some(0), "{}", install.stderr);
    let default = std::fs::metadata(team.join("default-rules")).expect("default");
    assert_eq!(
        default.mode() & 0o777,
        0o640,
        "the group reads it, cannot write it"
    );
    let listed = as_user(1002, 4321, &team, &args(&["rules", "list"]));
    assert_eq!(listed.code, Some(0), "{}", listed.stderr);
    assert!(
        listed
            .stdout
            .contains("2026.12.05 reviewed 2026-12-04  (default, in use)"),
        "{}",
        listed.stdout
    );
    // Not in the group: no access. Wider than the group: refused.
    let outsider = as_user(1003, 1003, &team, &["history".into(), "list".into()]);
    assert_ne!(outsider.code, Some(0));
    std::fs::set_permissions(&team, std::fs::Permissions::from_mode(0o2777)).expect("chmod");
    let loose = as_user(1001, 4321, &team, &["history".into(), "list".into()]);
    assert_ne!(loose.code, Some(0));
    assert!(
        loose.stderr.contains("any user can write"),
        "{}",
        loose.stderr
    );
}

#[test]
fn a_batch_killed_while_saving_counts_all_or_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path();
    let rows = 30_000;
    let mut csv = String::from("reference,stage,goods,origin,recipient,destination,date\n");
    for i in 0..rows {
        csv.push_str(&format!(
            "B-{i},none,magnet_parts,foreign_chinese_content,civil,US,2025-12-05\n"
        ));
    }
    let input = data.join("orders.csv");
    std::fs::write(&input, csv).expect("write");
    let history = data.join("history.jsonl");
    let mut child = StdCommand::new(assert_cmd::cargo::cargo_bin("ree-screen"))
        .env("REE_SCREEN_CONFIG", data.join("no-settings.toml"))
        .env("REE_SCREEN_STATE_DIR", data.join("state"))
        .env("REE_SCREEN_CACHE_DIR", data.join("cache"))
        .arg("--data-dir")
        .arg(data)
        .args(["batch"])
        .arg(&input)
        .arg("-o")
        .arg(data.join("out.csv"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    // Kill it as soon as the save has begun (or when it is over, if that comes first).
    let started = std::time::Instant::now();
    while std::fs::metadata(&history).map_or(0, |m| m.len()) == 0
        && child.try_wait().expect("wait").is_none()
        && started.elapsed() < std::time::Duration::from_secs(60)
    {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    let _ = child.kill();
    let _ = child.wait();
    let listed = |data: &Path| {
        ok(ree(data).args(["history", "list", "--grep", "b-"]))
            .lines()
            .filter(|l| l.contains(" B-"))
            .count()
    };
    let count = listed(data);
    assert!(
        count == 0 || count == rows,
        "{count} of {rows} rows counted"
    );
    // The next save acknowledges whatever the kill left, and the chain verifies.
    ok(ree(data).args(military("AFTER", "2025-12-05")));
    let verify = ok(ree(data).args(["history", "verify"]));
    assert!(verify.contains("Intact"), "{verify}");
    assert_eq!(
        listed(data),
        count,
        "nothing of an unfinished batch appears later"
    );
}

#[test]
fn an_override_is_filed_under_the_deciding_officer_never_the_original_screener() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path();
    let id = record_id(&ok(ree(data)
        .args(military("PO-1", "2025-12-05"))
        .args(["--officer", "J. Roe"])));
    let override_args = [
        "history",
        "override",
        id.as_str(),
        "--outcome",
        "case_by_case",
        "--reason",
        "Licence LIC-7 granted",
    ];
    // Neither --officer nor an officer in the settings: refused, nothing saved.
    let run = Run::of(ree(data).args(override_args));
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("--officer NAME"), "{}", run.stderr);
    let run = Run::of(ree(data).args(override_args).args(["--officer", " "]));
    assert_eq!(run.code, Some(2), "a blank officer is none: {}", run.stderr);
    let lines = || {
        std::fs::read_to_string(data.join("history.jsonl"))
            .expect("history")
            .lines()
            .count()
    };
    assert_eq!(lines(), 1);
    // The settings' officer by default; --officer over it.
    let settings = data.join("settings.toml");
    std::fs::write(&settings, "officer = \"K. Lee\"\n").expect("settings");
    let out = ok(ree(data)
        .env("REE_SCREEN_CONFIG", &settings)
        .args(override_args));
    assert!(out.contains("Override saved as"), "{out}");
    let first_override = out
        .split_whitespace()
        .nth(3)
        .expect("the override's id")
        .to_string();
    // The original is superseded now: a second override of it would fork the case.
    let run = Run::of(
        ree(data)
            .env("REE_SCREEN_CONFIG", &settings)
            .args(override_args)
            .args(["--officer", "M. Schmidt"]),
    );
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains(&first_override), "{}", run.stderr);
    let mut of_current = override_args;
    of_current[2] = &first_override;
    ok(ree(data)
        .env("REE_SCREEN_CONFIG", &settings)
        .args(of_current)
        .args(["--officer", "M. Schmidt"]));
    let json: serde_json::Value = serde_json::from_str(&ok(
        ree(data).args(["history", "list", "--all", "--format", "json"])
    ))
    .expect("json");
    let officers: Vec<&str> = json
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["officer"].as_str().expect("officer"))
        .collect();
    assert_eq!(officers, ["M. Schmidt", "K. Lee", "J. Roe"]);
    // `show` presents the override first-class: the outcome decided, the engine's, who.
    let newest = json[0]["id"].as_str().expect("id");
    let show = ok(ree(data).args(["history", "show", newest]));
    assert!(
        show.contains(
            "OFFICER OVERRIDE: [ ?] Licence required, case-by-case review (the engine's: "
        ),
        "{show}"
    );
    assert!(show.contains("Officer: M. Schmidt"), "{show}");
    assert!(show.contains("Reason: Licence LIC-7 granted"), "{show}");
    assert!(
        show.contains(&format!("Supersedes: {first_override}")),
        "{show}"
    );
    // The list shows the case once, by default.
    let cases = ok(ree(data).args(["history", "list"]));
    assert_eq!(cases.lines().count(), 1, "{cases}");
    assert!(cases.starts_with(newest), "{cases}");
}

/// A re-screen on an earlier date than the record's reads the right way round: each side
/// is named (RECORD, RE-SCREEN) with its own screening date, never "then" and "now".
#[test]
fn rescreen_on_an_earlier_date_names_the_record_and_the_rescreen_with_their_dates() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path();
    let saved = ok(ree(data).args(cli_support::military("PO-EARLY", "2025-12-04")));
    let id = saved
        .lines()
        .find_map(|l| l.strip_prefix("Saved as "))
        .and_then(|l| l.split_whitespace().next())
        .expect("saved")
        .to_string();
    let out = ok(ree(data).args([
        "history",
        "rescreen",
        &id,
        "--date",
        "2025-10-01",
        "--no-save",
    ]));
    let record = out
        .lines()
        .position(|l| l.starts_with("RECORD    (screened for 2025-12-04): "))
        .expect(&out);
    assert!(
        out.lines()
            .nth(record + 1)
            .is_some_and(|l| l.starts_with("RE-SCREEN (screened for 2025-10-01): ")),
        "{out}"
    );
    assert!(!out.contains("then") && !out.contains("now"), "{out}");
}
