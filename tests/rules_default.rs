//! The installed default rule set, through the real binary: when damaged, commands that
//! only read the history go on with a warning, commands that decide refuse, and `rules
//! install --embedded` restores the shipped rule set; in a team directory a default-rules
//! file another member wrote does not count.

use std::path::Path;
use std::process::Command as StdCommand;

mod cli_support;

use cli_support::{Run, as_user, can_act_as_members, ree, screen_args, team_dir};

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
        ree_screen::rules::EMBEDDED_TEXT.replacen("2026.12.04", "2026.12.05", 1),
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
    // Nothing but how the save was signed (see `signing`).
    assert!(
        run.stderr
            .lines()
            .all(|l| l.starts_with("ree-screen: saved unsigned")),
        "{}",
        run.stderr
    );
    let listed = Run::of(ree(data).args(["rules", "list"]));
    assert!(
        listed
            .stdout
            .contains("2026.12.04 reviewed 2026-12-04  (default, in use)"),
        "{}",
        listed.stdout
    );
}

#[test]
fn a_default_rules_file_another_team_member_wrote_does_not_count() {
    if !can_act_as_members() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let team = team_dir(dir.path());
    let saved = as_user(1001, 4321, &team, &screen("ALICE-1"));
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
        let run = as_user(1002, 4321, &team, &args);
        assert_eq!(run.code, Some(0), "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("is ignored: a file that sets policy"),
            "{}",
            run.stderr
        );
    }
}
