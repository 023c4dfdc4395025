//! The derived index, through the real binary: it lives in the user's private cache, so a
//! file planted in the data directory (a hard link to the history, an edited index) changes
//! nothing and loses nothing; what every filter shows is what the history gives without an
//! index; an index that does not match is rebuilt with a notice; another user's cache is
//! never used; and on a nearly full disk the index stays unwritten and saves go on.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

mod cli_support;

use assert_cmd::Command;
use cli_support::{Run, screen_args};

fn ree(data: &Path, cache: &Path) -> Command {
    let mut cmd = Command::cargo_bin("ree-screen").expect("binary");
    cmd.env("REE_SCREEN_TODAY", "2025-10-20")
        .env("REE_SCREEN_CONFIG", data.join("no-settings.toml"))
        .env("REE_SCREEN_CACHE_DIR", cache)
        .env("REE_SCREEN_STATE_DIR", data.join("state"))
        .arg("--data-dir")
        .arg(data);
    cmd
}

fn ok(cmd: &mut Command) -> Run {
    let run = Run::of(cmd);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    run
}

/// Screenings of several outcomes and dates, one re-screened and one overridden.
fn varied(data: &Path, cache: &Path) {
    let cases = [
        (
            "magnet_manufacturing",
            "china_export",
            "civil",
            "2025-10-01",
            "PO-A",
        ),
        (
            "none",
            "foreign_chinese_content",
            "military_user",
            "2025-12-05",
            "PO-B",
        ),
        (
            "none",
            "foreign_chinese_content",
            "military_user",
            "2026-12-01",
            "PO-C",
        ),
        ("none", "no_chinese_nexus", "civil", "2025-11-15", "PO-D"),
    ];
    let mut ids = Vec::new();
    for (stage, origin, recipient, date, reference) in cases {
        let mut args: Vec<String> = screen_args(stage, origin, recipient)
            .iter()
            .map(|s| s.to_string())
            .collect();
        if origin == "foreign_chinese_content" {
            args.extend(["--goods", "magnet_parts"].map(String::from));
        }
        args.extend(
            [
                "--destination",
                "US",
                "--date",
                date,
                "--reference",
                reference,
            ]
            .map(String::from),
        );
        let out = ok(ree(data, cache).args(&args)).stdout;
        ids.push(
            out.lines()
                .find_map(|l| l.strip_prefix("Saved as "))
                .and_then(|l| l.split_whitespace().next())
                .expect("id")
                .to_string(),
        );
    }
    ok(ree(data, cache).args(["history", "rescreen", &ids[1], "--date", "2026-12-01"]));
    ok(ree(data, cache).args([
        "history",
        "override",
        &ids[3],
        "--outcome",
        "prohibited",
        "--reason",
        "End user on a list",
        "--officer",
        "K. Lee",
    ]));
}

/// Every filter the index serves, with and without `--all`.
fn filters() -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for all in [false, true] {
        let mut with = |args: &[&str]| {
            let mut v: Vec<String> = ["history", "list", "--format", "json"]
                .iter()
                .chain(args)
                .map(|s| s.to_string())
                .collect();
            if all {
                v.push("--all".into());
            }
            out.push(v);
        };
        for outcome in [
            "no_license_required",
            "license_required",
            "denied_in_principle",
            "prohibited",
        ] {
            with(&["--outcome", outcome]);
        }
        with(&["--since", "2025-11-01"]);
        with(&["--until", "2025-11-30"]);
        with(&["--since", "2025-10-01", "--until", "2025-12-31", "-n", "2"]);
        with(&["--outcome", "prohibited", "--grep", "po-"]);
    }
    out
}

/// What every filter shows.
fn shown(data: &Path, cache: &Path) -> Vec<String> {
    filters()
        .iter()
        .map(|args| ok(ree(data, cache).args(args)).stdout)
        .collect()
}

#[test]
fn the_index_cannot_change_what_any_filter_shows_nor_touch_the_history() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (data, cache) = (dir.path().join("data"), dir.path().join("cache"));
    varied(&data, &cache);
    // Without an index (the cache is not a directory): the history itself.
    let no_cache = dir.path().join("not-a-directory");
    std::fs::write(&no_cache, "").expect("file");
    let truth = shown(&data, &no_cache);
    assert!(truth.iter().any(|s| s.contains("PO-D")), "{truth:?}");
    assert_eq!(shown(&data, &cache), truth, "through the index");
    let index = std::fs::read_dir(cache.join("indexes"))
        .expect("cache")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "idx"))
        .expect("an index in the private cache");
    assert_eq!(
        std::fs::metadata(&index)
            .expect("index")
            .permissions()
            .mode()
            & 0o777,
        0o600
    );
    assert!(
        !data.join("history.idx").exists(),
        "nothing in the data directory"
    );

    // Planted in the data directory: a hard link to the history, then an edited index.
    let history = std::fs::read(data.join("history.jsonl")).expect("history");
    std::fs::hard_link(data.join("history.jsonl"), data.join("history.idx")).expect("link");
    assert_eq!(shown(&data, &cache), truth);
    std::fs::remove_file(data.join("history.idx")).expect("remove");
    std::fs::write(
        data.join("history.idx"),
        std::fs::read_to_string(&index)
            .expect("index")
            .replace("prohibited", "no_license_required"),
    )
    .expect("edited");
    assert_eq!(shown(&data, &cache), truth);
    assert_eq!(
        std::fs::read(data.join("history.jsonl")).expect("history"),
        history
    );

    // The cache's own index with its last entry edited, or a garbage line: rebuilt, said.
    let text = std::fs::read_to_string(&index).expect("index");
    let cut = text.trim_end().rfind('\n').expect("entries") + 1;
    let edited = format!("{}{{\"n\":99,\"e\":1}}\n", &text[..cut]);
    std::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(&index)
        .and_then(|mut f| std::io::Write::write_all(&mut f, edited.as_bytes()))
        .expect("write");
    let run = ok(ree(&data, &cache).args(&filters()[3]));
    assert_eq!(run.stdout, truth[3]);
    assert!(
        run.stderr
            .contains("did not match the history; it was rebuilt"),
        "{}",
        run.stderr
    );
    assert_eq!(shown(&data, &cache), truth);
    // `verify` reads the history alone.
    std::fs::write(&index, "garbage").expect("garbage");
    let verify = ok(ree(&data, &cache).args(["history", "verify"]));
    assert!(verify.stdout.contains("Intact"), "{}", verify.stdout);
    assert_eq!(
        std::fs::read(data.join("history.jsonl")).expect("history"),
        history
    );
}

#[test]
fn another_users_cache_is_never_used() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (data, cache) = (dir.path().join("data"), dir.path().join("cache"));
    varied(&data, &cache);
    let truth = shown(&data, &cache);
    // The cache directory handed over to another user, or opened to the group: the index
    // in it is left alone and the history read instead.
    let indexes = cache.join("indexes");
    for (uid, mode) in [(2001, 0o700), (0, 0o770)] {
        std::os::unix::fs::chown(&indexes, Some(uid), None).expect("chown");
        std::fs::set_permissions(&indexes, std::fs::Permissions::from_mode(mode)).expect("mode");
        for entry in std::fs::read_dir(&indexes).expect("cache") {
            let path = entry.expect("entry").path();
            std::fs::write(&path, "planted").expect("plant");
        }
        assert_eq!(shown(&data, &cache), truth);
        for entry in std::fs::read_dir(&indexes).expect("cache") {
            let path = entry.expect("entry").path();
            assert_eq!(std::fs::read_to_string(&path).expect("read"), "planted");
        }
    }
}

/// A small tmpfs, unmounted when dropped; None where mounting is not allowed.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(at: &Path, size: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(at).ok()?;
        let status = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .status()
            .ok()?;
        status.success().then(|| Tmpfs(at.to_path_buf()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn on_a_nearly_full_disk_the_index_stays_unwritten_and_saves_go_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some(disk) = Tmpfs::mount(&dir.path().join("disk"), "16m") else {
        eprintln!("skipped: mounting a tmpfs is not allowed here");
        return;
    };
    let (data, cache) = (disk.0.join("data"), disk.0.join("cache"));
    varied(&data, &cache);
    let _ = std::fs::remove_dir_all(&cache);
    // Fill the disk but for a few hundred kilobytes: room for saves, not for an index.
    let filler = vec![0u8; 64 << 10];
    let mut file = std::fs::File::create(disk.0.join("filler")).expect("filler");
    while std::io::Write::write_all(&mut file, &filler).is_ok() {}
    drop(file);
    let free = || {
        let out = std::process::Command::new("df")
            .args(["--output=avail", "-B1"])
            .arg(&disk.0)
            .output()
            .expect("df");
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .nth(1)
            .and_then(|l| l.trim().parse::<u64>().ok())
            .expect("free bytes")
    };
    let shrink = 400 << 10;
    std::fs::OpenOptions::new()
        .write(true)
        .open(disk.0.join("filler"))
        .and_then(|f| f.set_len(f.metadata()?.len().saturating_sub(shrink)))
        .expect("make room");
    let room = free();
    let truth = ok(ree(&data, &cache).args(["history", "list", "--outcome", "prohibited"])).stdout;
    assert!(truth.contains("PO-D"), "{truth}");
    assert!(
        !cache.join("indexes").exists()
            || std::fs::read_dir(cache.join("indexes"))
                .expect("cache")
                .filter_map(Result::ok)
                .all(|e| e.path().extension().is_none_or(|x| x != "idx")),
        "no index written"
    );
    assert!(free() + (16 << 10) >= room, "the index took no space");
    let saved = ok(ree(&data, &cache).args(
        screen_args("none", "no_chinese_nexus", "civil")
            .iter()
            .chain(&["--destination", "US", "--reference", "PO-E"]),
    ));
    assert!(saved.stdout.contains("Saved as"), "{}", saved.stdout);
    let verify = ok(ree(&data, &cache).args(["history", "verify"]));
    assert!(verify.stdout.contains("Intact"), "{}", verify.stdout);
}
