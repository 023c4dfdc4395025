//! The installed default rule set, through the real binary: when damaged, commands that
//! only read the history go on with a warning, commands that decide refuse, and `rules
//! install --embedded` restores the shipped rule set; in a team directory a default-rules
//! file another member wrote does not count.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command as StdCommand;

mod cli_support;

use assert_cmd::Command;
use cli_support::{Run, screen_args};

fn ree(data: &Path) -> Command {
    let mut cmd = Command::cargo_bin("ree-screen").expect("binary");
    cmd.env("REE_SCREEN_TODAY", "2025-10-20")
        .env("REE_SCREEN_CONFIG", "/nonexistent/settings.toml")
        .env("REE_SCREEN_CACHE_DIR", data.join("cache"))
        .arg("--data-dir")
        .arg(data);
    cmd
}

fn screen(reference: &str) -> Vec<String> {
    screen_args("none", "china_export", "civil")
        .into_iter()
        .chain(["--goods", "magnet_parts", "--destination", "DE"])
        .chain(["--reference", reference])
        .map(str::to_string)
        .collect()
}

fn install_changed(data: &Path) {
    let changed = data.join("changed.json");
    std::fs::write(
        &changed,
        ree_screen::rules::EMBEDDED_TEXT.replacen("2026.11.29", "2026.12.01", 1),
    )
    .expect("write");
    let run = Run::of(ree(data).args(["rules", "install"]).arg(&changed));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
}

#[test]
fn a_damaged_default_stops_only_what_decides_and_install_embedded_restores_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path();
    install_changed(data);
    let saved = Run::of(ree(data).args(screen("PO-1")));
    assert_eq!(saved.code, Some(0), "{}", saved.stderr);
    let id = saved
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("Saved as "))
        .and_then(|l| l.split_whitespace().next())
        .expect("id")
        .to_string();
    for damage in [
        "one line a member wrote\n",
        "0000000000000000000000000000000000000000000000000000000000000000\n",
    ] {
        std::fs::write(data.join("default-rules"), damage).expect("damage");
        for args in [
            vec!["history", "verify"],
            vec!["history", "list"],
            vec!["history", "show", &id],
            vec!["history", "export", "--format", "csv"],
            vec!["rules", "list"],
        ] {
            let run = Run::of(ree(data).args(&args));
            assert_eq!(run.code, Some(0), "{args:?}: {}", run.stderr);
            assert!(
                run.stderr.contains("rules install --embedded"),
                "{args:?}: {}",
                run.stderr
            );
        }
        for args in [screen("PO-2"), vec!["history".into(), "impact".into()]] {
            let run = Run::of(ree(data).args(&args));
            assert_eq!(run.code, Some(1), "{args:?}: {}", run.stdout);
            assert!(
                run.stderr
                    .contains("the installed default rule set cannot be used"),
                "{}",
                run.stderr
            );
        }
    }
    let restored = Run::of(ree(data).args(["rules", "install", "--embedded"]));
    assert_eq!(restored.code, Some(0), "{}", restored.stderr);
    let run = Run::of(ree(data).args(screen("PO-2")));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let listed = Run::of(ree(data).args(["rules", "list"]));
    assert!(
        listed
            .stdout
            .contains("2026.11.29 reviewed 2026-11-29  (default, in use)"),
        "{}",
        listed.stdout
    );
}

#[test]
fn a_default_rules_file_another_team_member_wrote_does_not_count() {
    if !rustix::process::getuid().is_root()
        || StdCommand::new("setpriv")
            .arg("--version")
            .output()
            .is_err()
    {
        eprintln!("skipped: needs root and setpriv to act as team members");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let team = dir.path().join("team");
    std::fs::create_dir(&team).expect("mkdir");
    std::os::unix::fs::chown(&team, Some(0), Some(4321)).expect("chown");
    std::fs::set_permissions(&team, std::fs::Permissions::from_mode(0o3770)).expect("chmod");
    let member = |uid: u32, args: &[String]| {
        let mut cmd = Command::new("setpriv");
        cmd.args([
            &format!("--reuid={uid}"),
            &format!("--regid={uid}"),
            "--groups=4321",
            "--",
        ])
        .arg(assert_cmd::cargo::cargo_bin("ree-screen"))
        .env("USER", format!("officer{uid}"))
        .env("REE_SCREEN_CONFIG", "/nonexistent/settings.toml")
        .env("REE_SCREEN_TODAY", "2025-10-20")
        .arg("--data-dir")
        .arg(&team)
        .args(args);
        Run::of(&mut cmd)
    };
    let saved = member(1001, &screen("ALICE-1"));
    assert_eq!(saved.code, Some(0), "{}", saved.stderr);
    // A member writes one line into default-rules (the folder lets them create it).
    let planted = StdCommand::new("setpriv")
        .args([
            "--reuid=1001",
            "--regid=1001",
            "--groups=4321",
            "--",
            "sh",
            "-c",
        ])
        .arg(format!(
            "umask 002; echo junk > {}",
            team.join("default-rules").display()
        ))
        .status()
        .expect("sh");
    assert!(planted.success());
    for args in [screen("BOB-1"), vec!["history".into(), "verify".into()]] {
        let run = member(1002, &args);
        assert_eq!(run.code, Some(0), "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("is ignored: a file that sets policy"),
            "{}",
            run.stderr
        );
    }
}
