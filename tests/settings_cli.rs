//! `ree-screen config` and the settings file as the commands see it.

use std::ffi::OsStr;
use std::path::Path;

mod cli_support;

use assert_cmd::Command;
use cli_support::Run;

/// `ree-screen ARGS` with `config` as the settings file.
fn run(config: &Path, args: &[&dyn AsRef<OsStr>]) -> Run {
    Run::of(
        Command::cargo_bin("ree-screen")
            .expect("binary")
            .env("REE_SCREEN_CONFIG", config)
            .env("REE_SCREEN_TODAY", "2025-11-20")
            .args(args.iter().map(|a| a.as_ref())),
    )
}

#[test]
fn config_path_prints_the_settings_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("my settings.toml");
    let shown = run(&file, &[&"config", &"path"]);
    assert_eq!(shown.code, Some(0));
    assert_eq!(shown.stdout, format!("{}\n", file.display()));
}

#[test]
fn config_show_prints_defaults_then_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("settings.toml");
    let shown = run(&file, &[&"config", &"show"]);
    assert_eq!(shown.code, Some(0));
    assert!(
        shown.stdout.contains("does not exist: built-in defaults"),
        "{}",
        shown.stdout
    );
    assert!(
        shown.stdout.contains("officer = \"\"\n"),
        "{}",
        shown.stdout
    );

    let text = "officer = \"Jane Roe\"\nascii = true\n[keys]\nback = \"h\"\nhelp = \"f1\"\n";
    std::fs::write(&file, text).expect("write");
    let shown = run(&file, &[&"config", &"show"]);
    for expected in [
        format!("# Settings from {}", file.display()),
        "officer = \"Jane Roe\"\n".into(),
        "ascii = true\n".into(),
        "back = \"h\"\nhelp = \"F1\"\n".into(),
    ] {
        assert!(
            shown.stdout.contains(&expected),
            "{expected:?} not in:\n{}",
            shown.stdout
        );
    }
}

#[test]
fn malformed_settings_are_reported_and_never_rewritten() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("settings.toml");
    let original = "officer = \"Jane\"\n[keys]\nbakc = \"h\"\n";
    std::fs::write(&file, original).expect("write");
    let shown = run(&file, &[&"config", &"show"]);
    assert_eq!(shown.code, Some(1));
    let at = "settings.toml, line 3, column 1: unknown command 'bakc'";
    assert!(shown.stderr.contains(at), "{}", shown.stderr);
    let known = format!(
        "known commands are {}",
        ree_screen::keys::bindable_names().join(", ")
    );
    assert!(shown.stderr.contains(&known), "{}", shown.stderr);
    assert_eq!(
        std::fs::read_to_string(&file).expect("read"),
        original,
        "file untouched"
    );
    // The path is still shown, so the officer can find the file to fix it.
    assert_eq!(run(&file, &[&"config", &"path"]).code, Some(0));
}

#[test]
fn rules_file_from_settings_is_used_unless_rules_is_given() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("settings.toml");
    std::fs::write(&file, "rules = \"missing-rules.json\"\n").expect("write");
    let csv = dir.path().join("in.csv");
    std::fs::write(&csv, "stage,origin,recipient\nnone,china,civil\n").expect("write");

    let failed = run(&file, &[&"batch", &"--no-save", &csv]);
    assert_eq!(failed.code, Some(1));
    let missing = dir.path().join("missing-rules.json").display().to_string();
    assert!(
        failed.stderr.contains(&missing),
        "relative to the settings file: {}",
        failed.stderr
    );

    let embedded = dir.path().join("embedded.json");
    std::fs::write(&embedded, ree_screen::rules::EMBEDDED_TEXT).expect("write");
    let screened = run(
        &file,
        &[&"--rules", &embedded, &"batch", &"--no-save", &csv],
    );
    assert_eq!(screened.code, Some(0), "{}", screened.stderr);
}
