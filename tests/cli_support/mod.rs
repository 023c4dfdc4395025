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
