//! `ree-screen config` and the settings file as the commands see it.

use assert_cmd::Command;

fn cmd(config: &std::path::Path) -> Command {
    let mut cmd = Command::cargo_bin("ree-screen").expect("binary");
    cmd.env("REE_SCREEN_CONFIG", config)
        .env("REE_SCREEN_TODAY", "2025-11-20");
    cmd
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("utf-8 output")
}

#[test]
fn config_path_prints_the_settings_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("my settings.toml");
    let output = cmd(&file).args(["config", "path"]).output().expect("run");
    assert!(output.status.success());
    assert_eq!(text(&output.stdout), format!("{}\n", file.display()));
}

#[test]
fn config_show_prints_defaults_then_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("settings.toml");
    let output = cmd(&file).args(["config", "show"]).output().expect("run");
    let stdout = text(&output.stdout);
    assert!(output.status.success());
    assert!(
        stdout.contains("does not exist: built-in defaults"),
        "{stdout}"
    );
    assert!(stdout.contains("officer = \"\"\n"), "{stdout}");

    std::fs::write(
        &file,
        "officer = \"Jane Roe\"\nascii = true\n[keys]\nback = \"h\"\nhelp = \"f1\"\n",
    )
    .expect("write");
    let stdout = text(
        &cmd(&file)
            .args(["config", "show"])
            .output()
            .expect("run")
            .stdout,
    );
    assert!(
        stdout.contains(&format!("# Settings from {}", file.display())),
        "{stdout}"
    );
    assert!(stdout.contains("officer = \"Jane Roe\"\n"), "{stdout}");
    assert!(stdout.contains("ascii = true\n"), "{stdout}");
    assert!(stdout.contains("back = \"h\"\nhelp = \"F1\"\n"), "{stdout}");
}

#[test]
fn malformed_settings_are_reported_and_never_rewritten() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("settings.toml");
    let original = "officer = \"Jane\"\n[keys]\nbakc = \"h\"\n";
    std::fs::write(&file, original).expect("write");
    let output = cmd(&file).args(["config", "show"]).output().expect("run");
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("settings.toml, line 3, column 1: unknown command 'bakc'"),
        "{stderr}"
    );
    assert!(
        stderr.contains("known commands are next, back, up, down, help, quit, save, new, history"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(&file).expect("read"),
        original,
        "file untouched"
    );
    // The path is still shown, so the officer can find the file to fix it.
    assert!(
        cmd(&file)
            .args(["config", "path"])
            .output()
            .expect("run")
            .status
            .success()
    );
}

#[test]
fn rules_file_from_settings_is_used_unless_rules_is_given() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("settings.toml");
    std::fs::write(&file, "rules = \"missing-rules.json\"\n").expect("write");
    let csv = dir.path().join("in.csv");
    std::fs::write(&csv, "stage,origin,recipient\nnone,china,civil\n").expect("write");

    let output = cmd(&file)
        .args(["batch", "--no-save"])
        .arg(&csv)
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains(&dir.path().join("missing-rules.json").display().to_string()),
        "relative to the settings file: {stderr}"
    );

    let embedded = dir.path().join("embedded.json");
    std::fs::write(&embedded, ree_screen::rules::EMBEDDED_TEXT).expect("write");
    let output = cmd(&file)
        .arg("--rules")
        .arg(&embedded)
        .args(["batch", "--no-save"])
        .arg(&csv)
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", text(&output.stderr));
}
