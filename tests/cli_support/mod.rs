//! Running the real binary from integration tests: its exit status and output as text, and
//! the arguments of a screening.

// Each test crate that includes this module uses only part of it.
#![allow(dead_code)]

use assert_cmd::Command;

/// Exit status and output of one run of the binary.
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn of(command: &mut Command) -> Run {
        let output = command.output().expect("run");
        Run {
            code: output.status.code(),
            stdout: String::from_utf8(output.stdout).expect("utf-8 stdout"),
            stderr: String::from_utf8(output.stderr).expect("utf-8 stderr"),
        }
    }
}

/// `screen --stage STAGE --origin ORIGIN --recipient RECIPIENT`.
pub fn screen_args<'a>(stage: &'a str, origin: &'a str, recipient: &'a str) -> [&'a str; 7] {
    [
        "screen",
        "--stage",
        stage,
        "--origin",
        origin,
        "--recipient",
        recipient,
    ]
}

/// The binary on the data directory `data` (its index cache and the user's private state
/// inside it), no settings file, "today" pinned.
pub fn ree(data: &std::path::Path) -> Command {
    let mut cmd = Command::cargo_bin("ree-screen").expect("binary");
    cmd.env("REE_SCREEN_TODAY", "2025-10-20")
        .env("REE_SCREEN_CONFIG", data.join("no-settings.toml"))
        .env("REE_SCREEN_CACHE_DIR", data.join("cache"))
        .env("REE_SCREEN_STATE_DIR", data.join("state"))
        .arg("--data-dir")
        .arg(data);
    cmd
}

/// Run and expect exit 0; the standard output.
pub fn ok(cmd: &mut Command) -> String {
    let run = Run::of(cmd);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    run.stdout
}

/// Whether team tests can run: as root, with `setpriv` to act as the members.
pub fn can_act_as_members() -> bool {
    let ok = rustix::process::getuid().is_root()
        && std::process::Command::new("setpriv")
            .arg("--version")
            .output()
            .is_ok();
    if !ok {
        eprintln!("skipped: needs root and setpriv to act as team members");
    }
    ok
}

/// A team's data directory in `dir`: root's, the group 4321's, setgid and sticky (3770).
pub fn team_dir(dir: &std::path::Path) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let team = dir.join("team");
    std::fs::create_dir(&team).expect("mkdir");
    std::os::unix::fs::chown(&team, Some(0), Some(4321)).expect("chown");
    std::fs::set_permissions(&team, std::fs::Permissions::from_mode(0o3770)).expect("chmod");
    team
}

/// A screening of magnet parts with Chinese content for a military user on `date`.
pub fn military(reference: &str, date: &str) -> Vec<String> {
    screen_args("none", "foreign_chinese_content", "military_user")
        .into_iter()
        .chain([
            "--goods",
            "magnet_parts",
            "--destination",
            "US",
            "--date",
            date,
            "--reference",
            reference,
        ])
        .map(str::to_string)
        .collect()
}

/// Run the binary as another user (uid = gid = `uid`) in the team group `team`, with no
/// settings and "today" pinned.
pub fn as_user(uid: u32, team: u32, data: &std::path::Path, args: &[String]) -> Run {
    let mut cmd = Command::new("setpriv");
    cmd.args([
        &format!("--reuid={uid}"),
        &format!("--regid={uid}"),
        &format!("--groups={team}"),
        "--",
    ])
    .arg(assert_cmd::cargo::cargo_bin("ree-screen"))
    .env("USER", format!("officer{uid}"))
    .env("REE_SCREEN_CONFIG", "/nonexistent/settings.toml")
    .env("REE_SCREEN_TODAY", "2025-10-20")
    .arg("--data-dir")
    .arg(data)
    .args(args);
    Run::of(&mut cmd)
}

/// The embedded rule set plus a question `end_use_statement` and a rule on it.
pub fn extended_rule_set() -> String {
    let text = ree_screen::rules::EMBEDDED_TEXT;
    let question = r#"{"id": "end_use_statement", "title": "End-use statement", "help": "Whether the end user signed an end-use statement.",
      "options": [{"id": "provided", "label": "Provided"}, {"id": "missing", "label": "Missing"}, {"id": "unknown", "label": "Not known yet"}]},
   {
    "id": "destination","#;
    let clause = r#""clauses": [
  {"id": "test-statement", "measure": "ecl-2020", "article": "Test article", "text": "A test clause for an added question.", "sources": [{"url": "https://chinajusticeobserver.com/law/x/export-control-law-20201017", "grade": "S"}]},"#;
    let rule = r#""rules": [
  {"id": "test-statement-missing", "when": {"end_use_statement": ["missing"]}, "outcome": "case_by_case", "clauses": ["test-statement"], "licence": {"kind": "dual_use", "obtained_by": "exporter_in_china"}, "why": "Test rule."},"#;
    let out = text
        .replacen("{\n    \"id\": \"destination\",", question, 1)
        .replacen("\"clauses\": [\n", &format!("{clause}\n"), 1)
        .replacen("\"rules\": [\n", &format!("{rule}\n"), 1);
    assert_ne!(out, text, "the rule set was extended");
    out
}

/// The record id a save printed: after "Saved as" or "... saved as".
pub fn saved_id(out: &str) -> String {
    out.lines()
        .find_map(|l| l.split("saved as ").nth(1).or(l.strip_prefix("Saved as ")))
        .and_then(|l| l.split_whitespace().next())
        .expect("a record id")
        .to_string()
}

/// A screening whose outcome is "licence required" (rare-earth items exported from China).
pub fn licence_required(reference: &str) -> Vec<String> {
    [
        "screen",
        "--stage",
        "none",
        "--goods",
        "no18_items",
        "--origin",
        "china_export",
        "--recipient",
        "civil",
        "--destination",
        "DE",
        "--date",
        "2025-10-20",
        "--reference",
        reference,
    ]
    .map(str::to_string)
    .to_vec()
}

/// A personal data directory `data`, created private, whose owner set the team policy
/// `text` in team.toml (so it counts).
pub fn with_team_policy(data: &std::path::Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir(data).expect("data dir");
    std::fs::set_permissions(data, std::fs::Permissions::from_mode(0o700)).expect("chmod");
    let policy = data.join("team.toml");
    std::fs::write(&policy, text).expect("policy");
    std::fs::set_permissions(&policy, std::fs::Permissions::from_mode(0o644)).expect("chmod");
}
