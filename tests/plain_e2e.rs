//! Plain line mode end to end: answers piped into the real binary, as a screen-reader user
//! or a script would drive it.

mod cli_support;

use assert_cmd::Command;
use cli_support::Run;
use jiff::civil::Date;
use ree_screen::engine::Answers;
use ree_screen::report;
use ree_screen::screening::{Details, Screening};

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    fn settings(&self, text: &str) {
        std::fs::write(self.dir.path().join("settings.toml"), text).expect("write settings");
    }

    fn data_dir(&self) -> std::path::PathBuf {
        self.dir.path().join("data")
    }

    /// `ree-screen ARGS` fed `stdin`, on a terminal type that would not trigger plain mode.
    fn run(&self, args: &[&str], stdin: &str) -> Run {
        Run::of(
            Command::cargo_bin("ree-screen")
                .expect("binary")
                .env("REE_SCREEN_TODAY", "2025-11-20")
                .env("REE_SCREEN_DATA_DIR", self.data_dir())
                .env("REE_SCREEN_CONFIG", self.dir.path().join("settings.toml"))
                .env("REE_SCREEN_STATE_DIR", self.dir.path().join("state"))
                .env("REE_SCREEN_CACHE_DIR", self.dir.path().join("cache"))
                .env_remove("ACCESSIBLE")
                .env("TERM", "xterm")
                .args(args)
                .write_stdin(stdin),
        )
    }
}

/// The date, every question asked, the fields and the confirmation: Chinese-origin No. 18
/// goods re-exported to a defence contractor in Germany on 2025-10-20 (line does not apply
/// to stage "none", so it is not asked).
const ANSWERS: &str = "2025-10-20\n7\n2\n2\n4\nde\nPO-1\nACME GmbH\n\n\nchecked\ny\n";

#[test]
fn piped_answers_print_the_report_and_end_with_the_outcome() {
    let env = Env::new();
    let run = env.run(&["--plain"], ANSWERS);

    let rules = ree_screen::rules::embedded().expect("rules");
    let answers = Answers::new()
        .with("stage", "none")
        .with("goods", "n61_part1")
        .with("origin", "china_reexport")
        .with("recipient", "defense_contractor")
        .with("destination", "DE");
    // The counterparty is screened by name too: the report names the lists.
    let screener = ree_screen::parties::Screener::new(
        ree_screen::parties::PartyLists::embedded().expect("party lists"),
    );
    let details = Details {
        counterparty: "ACME GmbH".into(),
        ..Details::default()
    };
    let expected = Screening::run(&rules, &answers, Date::constant(2025, 10, 20), details)
        .with_parties(&rules, &screener, &[])
        .expect("screens");
    let report = report::of(&rules, &expected.determination, report::Detail::Concise);
    assert!(
        run.stdout.contains(&report),
        "report missing from:\n{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("Enter a number between 1 and 8 (? N for full help):")
    );
    assert!(
        run.stdout.contains("Chosen: Germany (DE)"),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains(": Production line\n"),
        "a question that does not apply is not asked"
    );
    assert!(
        !run.stdout.contains('\u{1b}'),
        "no escape sequences in plain mode"
    );
    assert_eq!(
        run.stdout.lines().last(),
        Some("RESULT: [!!] Licence denied in principle; decided by No. 61 Art. 3"),
        "the outcome again at the very end:\n{}",
        run.stdout
    );
    // Saving goes through the history seam: either it saved and says so, or it says
    // clearly that it did not and exits non-zero, with the determination still printed.
    if run.code == Some(0) {
        assert!(run.stdout.contains("\nSaved as "), "{}", run.stdout);
    } else {
        assert_eq!(run.code, Some(1));
        assert!(run.stdout.contains("NOT SAVED"), "{}", run.stdout);
        assert!(
            run.stderr.contains("the screening was not saved"),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn questions_that_cannot_matter_are_skipped_and_said_so() {
    // No Chinese nexus: neither the recipient nor the destination can change anything.
    let run = Env::new().run(&["--plain"], "2026-03-02\n7\n2\n6\n\n\n\n\n\ny\n");
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    for question in ["Recipient type", "Destination country"] {
        let skipped = format!("{question}: not needed, no answer changes the determination");
        assert!(
            run.stdout.contains(&skipped),
            "{skipped:?} not in:\n{}",
            run.stdout
        );
    }
    assert!(
        run.stdout.contains("OUTCOME: [ok] No licence required"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("Recipient type: not needed"),
        "the review and report say so: {}",
        run.stdout
    );
}

#[test]
fn a_country_is_found_by_part_of_its_name() {
    let input = "2025-10-20\n7\n2\n2\n4\nkorea\n2\nPO\n\n\n\n\ny\n";
    let run = Env::new().run(&["--plain"], input);
    assert!(
        run.stdout.contains("countries match \"korea\""),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("2. Korea, Democratic People's Republic of (KP)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("Destination country: Korea, Democratic People's Republic of (KP)")
    );
    let run = Env::new().run(
        &["--plain"],
        "2025-10-20\n7\n2\n2\n4\natlantis\nunknown\n\n\n\n\n\ny\n",
    );
    assert!(
        run.stdout.contains("no country matches \"atlantis\""),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("Destination country: Not known yet (open)"),
        "{}",
        run.stdout
    );
}

#[test]
fn redirected_input_starts_plain_mode_without_the_flag() {
    let run = Env::new().run(&[], "\n");
    assert!(
        run.stdout.contains("Question 1: Technology stage"),
        "{}",
        run.stdout
    );
}

#[test]
fn end_of_input_exits_1_and_saves_nothing() {
    let env = Env::new();
    // The last three end while a name match is reviewed.
    let reviewing = named("MP Materails", "");
    for partial in [
        "".to_string(),
        "\n7\n".to_string(),
        "\n7\n2\n2\n4\nde\n\n\n\n\n".to_string(),
        reviewing.clone(),
        reviewing.clone() + "n\n",
        reviewing + "n\n\n",
    ] {
        let run = env.run(&["--plain"], &partial);
        assert_eq!(run.code, Some(1), "input {partial:?}");
        assert_eq!(
            run.stderr.lines().count(),
            1,
            "one line on stderr: {}",
            run.stderr
        );
        let message = "input ended before the screening was complete; nothing was saved";
        assert!(run.stderr.contains(message), "{}", run.stderr);
        assert!(
            !run.stdout.contains("OUTCOME:"),
            "no result for input {partial:?}"
        );
    }
    assert!(
        !env.data_dir().exists(),
        "nothing was written to the data directory"
    );
}

#[test]
fn wrong_entries_reprompt_and_user_text_is_sanitized() {
    let input = "yesterday\n04/12/2026\n20.10.2025\nabc\n0\n? 8\n7\n2\n2\n4\nde\n\u{1b}[2J-ref\n\n\n\n\ny\n";
    let run = Env::new().run(&["--plain"], input);
    for expected in [
        "Not accepted: \"yesterday\" is not a date: use YYYY-MM-DD or DD.MM.YYYY",
        "Not accepted: 04/12/2026 is ambiguous (day/month or month/day?)",
        "Taken as 2025-10-20.",
        "Not accepted: \"abc\" is not a number: enter a number between 1 and 8.",
        "Not accepted: 0 is not one of the options: enter a number between 1 and 8.",
        "Help for 8. Not known yet",
        "Reference: \\u{1b}[2J-ref",
    ] {
        assert!(
            run.stdout.contains(expected),
            "{expected:?} not in:\n{}",
            run.stdout
        );
    }
    assert!(
        !run.stdout.contains('\u{1b}'),
        "the escape sequence never reaches the terminal"
    );
}

#[test]
fn settings_fill_the_officer_and_preselect_the_destination() {
    let env = Env::new();
    env.settings("officer = \"Jane Roe\"\ndestination = \"JP\"\n");
    let run = env.run(&["--plain"], "2025-10-20\n7\n2\n2\n4\n\nPO-2\n\n\n\n\ny\n");
    let prompt = "Officer, up to 120 characters (- or Enter keeps \"Jane Roe\"):";
    assert!(run.stdout.contains(prompt), "{}", run.stdout);
    assert!(
        run.stdout.contains("- or Enter keeps Japan (JP)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("Destination country: Japan (JP)"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("Officer: Jane Roe"), "{}", run.stdout);
}

#[test]
fn the_last_officer_entered_is_remembered_privately_unless_the_settings_name_one() {
    let env = Env::new();
    let first = env.run(
        &["--plain"],
        "2025-10-20\n7\n2\n2\n4\nde\nPO-1\n\n\nK. Lee\n\ny\n",
    );
    assert!(first.stdout.contains("Officer: K. Lee"), "{}", first.stdout);
    let kept = env.dir.path().join("state").join("last-officer");
    assert_eq!(
        std::fs::read_to_string(&kept).expect("kept").trim(),
        "K. Lee"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).expect("meta").permissions().mode();
        assert_eq!(mode(&kept) & 0o777, 0o600, "private to the user");
        assert_eq!(mode(kept.parent().expect("dir")) & 0o777, 0o700);
    }
    let second = env.run(
        &["--plain"],
        "2025-10-20\n7\n2\n2\n4\nde\nPO-2\n\n\n\n\ny\n",
    );
    let prompt = "Officer, up to 120 characters (- or Enter keeps \"K. Lee\"):";
    assert!(second.stdout.contains(prompt), "{}", second.stdout);
    assert!(
        second.stdout.contains("Officer: K. Lee"),
        "{}",
        second.stdout
    );
    env.settings("officer = \"Jane Roe\"\n");
    let third = env.run(
        &["--plain"],
        "2025-10-20\n7\n2\n2\n4\nde\nPO-3\n\n\n\n\ny\n",
    );
    assert!(
        third.stdout.contains("Officer: Jane Roe"),
        "the settings win"
    );
}

#[test]
fn malformed_settings_refuse_to_start() {
    let env = Env::new();
    env.settings("officer = \"Jane\"\nascii = maybe\n");
    let run = env.run(&["--plain"], ANSWERS);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr.contains("settings.toml, line 2, column 9:"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stdout.contains("Question 1"),
        "no prompt before the settings are fixed"
    );
}

/// Under the team policy `officer = "required"` plain mode asks for the officer until one
/// is given, and saves the screening with it.
#[test]
fn a_team_requiring_an_officer_asks_again_for_one() {
    let env = Env::new();
    cli_support::with_team_policy(&env.data_dir(), "officer = \"required\"\n");
    let run = env.run(
        &["--plain"],
        "2025-10-20\n7\n2\n2\n4\nde\nPO-1\n\n\n\nK. Lee\n\ny\n",
    );
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("Not accepted: the team's policy requires an officer"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("Officer: K. Lee"), "{}", run.stdout);
    assert!(run.stdout.contains("Saved as "), "{}", run.stdout);
}

/// Dysprosium oxide exported from China to an ordinary civil user in the US on 2026-12-04,
/// the counterparty and end user as given, then "Screen now? y".
fn named(counterparty: &str, end_user: &str) -> String {
    format!("2026-12-04\n7\ndy oxide\n1\n9\nUS\nPO-9\n{counterparty}\n{end_user}\nK. Lee\n\ny\n")
}

/// The record a run saved, read back as `history show --format json` gives it.
fn saved_record(env: &Env, run: &Run) -> serde_json::Value {
    let id = run
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("Saved as "))
        .unwrap_or_else(|| panic!("not saved:\n{}\n{}", run.stdout, run.stderr));
    let shown = env.run(&["history", "show", id, "--format", "json"], "");
    assert_eq!(shown.code, Some(0), "{}", shown.stderr);
    serde_json::from_str(&shown.stdout).expect("json record")
}

/// A finding as the record keeps it: kind, confirmed, the dismissal's reason.
type Kept = (&'static str, bool, Option<&'static str>);

/// One way through the match questions: the names, the answers typed to them, what plain
/// mode says and must not say, its last line, and each finding as the record keeps it.
struct Case {
    counterparty: &'static str,
    end_user: &'static str,
    answers: &'static str,
    shown: &'static [&'static str],
    absent: &'static [&'static str],
    result: &'static str,
    kept: &'static [Kept],
}

const PROHIBITED: &str =
    "RESULT: [XX] Export prohibited; decided by 2026 No. 23 Control List: MP Materials Corp.";
const LICENCE: &str = "RESULT: [ !] Licence required; decided by No. 18 Item list (1C902-1C908)";

/// Plain mode puts each name match to the officer after the names are screened: confirm,
/// dismiss with a reason (an empty one is asked again), or leave open; the result and the
/// saved record carry what was decided.
#[test]
fn plain_mode_confirms_dismisses_or_leaves_open_each_name_match() {
    let cases = [
        Case {
            counterparty: "MP Materails",
            end_user: "",
            answers: "y\n",
            shown: &[
                "Name match 1 of 1: possible match, score 90 of 100",
                "   Counterparty: MP Materails",
                "   Listed party: MP Materials Corp. (entry 2026-23-06)",
                "   Name it matched: MP Materials Corp.",
                "   List: Control List",
                "   Announcement: MOFCOM Announcement 2026 No. 23",
                "   Listed on: 2026-06-22",
                "   Status on 2026-12-04: in force since 2026-06-22",
                "Is this the same party? y confirms it, n dismisses it (a reason is asked), Enter leaves it open:",
                "Confirmed: 2026 No. 23, Control List: MP Materials Corp.",
            ],
            absent: &["PROVISIONAL"],
            result: PROHIBITED,
            kept: &[("match", true, None)],
        },
        Case {
            counterparty: "MP Materails",
            end_user: "",
            answers: "n\nAnother firm: Austin, TX\n",
            shown: &[
                "Why is it another party? Type the reason, up to 120 characters (required):",
                "Dismissed: 2026 No. 23, Control List: MP Materials Corp.",
                "dismissed: Another firm: Austin, TX",
            ],
            absent: &["PROVISIONAL", "Not accepted"],
            result: LICENCE,
            kept: &[("dismissed", false, Some("Another firm: Austin, TX"))],
        },
        Case {
            counterparty: "MP Materails",
            end_user: "",
            answers: "n\n\n   \nSame name, other address\n",
            shown: &["Not accepted: a dismissal needs a reason: type why it is another party."],
            absent: &["PROVISIONAL"],
            result: LICENCE,
            kept: &[("dismissed", false, Some("Same name, other address"))],
        },
        Case {
            counterparty: "MP Materails",
            end_user: "",
            answers: "maybe\n\n",
            shown: &[
                "Not accepted: \"maybe\": answer y, n, or press Enter.",
                "Left open: it counts as a possible match, the worst case, until it is confirmed or dismissed.",
                "PROVISIONAL: 2026 No. 23, Control List: MP Materials Corp.: possible match",
            ],
            absent: &["Confirmed:", "Dismissed:"],
            result: "RESULT: [XX] Export prohibited (provisional); decided by 2026 No. 23 Control List: MP Materials Corp.",
            kept: &[("possible", false, None)],
        },
        Case {
            counterparty: "MP Materials Corp.",
            end_user: "MP Materails",
            answers: "\nn\nA different company\n",
            shown: &[
                "Name match 1 of 2: match, score 100 of 100",
                "Is this the same party? y or Enter keeps the match, n dismisses it (a reason is asked):",
                "Kept as a match.",
                "Name match 2 of 2: possible match, score 90 of 100",
                "   End user: MP Materails",
            ],
            absent: &["PROVISIONAL"],
            result: PROHIBITED,
            kept: &[
                ("match", false, None),
                ("dismissed", false, Some("A different company")),
            ],
        },
        Case {
            counterparty: "MP Materials Corp.",
            end_user: "",
            answers: "n\nA namesake in Nevada\n",
            shown: &["Dismissed: 2026 No. 23, Control List: MP Materials Corp."],
            absent: &["PROVISIONAL"],
            result: LICENCE,
            kept: &[("dismissed", false, Some("A namesake in Nevada"))],
        },
    ];
    for Case {
        counterparty,
        end_user,
        answers,
        shown,
        absent,
        result,
        kept,
    } in cases
    {
        let env = Env::new();
        let case = format!("{counterparty:?}/{end_user:?} answered {answers:?}");
        let run = env.run(&["--plain"], &(named(counterparty, end_user) + answers));
        assert_eq!(run.code, Some(0), "{case}\n{}\n{}", run.stdout, run.stderr);
        for text in shown {
            assert!(
                run.stdout.contains(text),
                "{case}: {text:?} not in:\n{}",
                run.stdout
            );
        }
        for text in absent {
            assert!(
                !run.stdout.contains(text),
                "{case}: {text:?} in:\n{}",
                run.stdout
            );
        }
        assert_eq!(
            run.stdout.lines().last(),
            Some(result),
            "{case}:\n{}",
            run.stdout
        );
        let record = saved_record(&env, &run);
        let parties = record["determination"]["parties"]
            .as_array()
            .unwrap_or_else(|| panic!("{case}: no parties in {record}"));
        let got: Vec<(&str, bool, Option<&str>)> = parties
            .iter()
            .map(|p| {
                (
                    p["kind"].as_str().unwrap_or("?"),
                    p["confirmed"].as_bool().unwrap_or(false),
                    p["reason"].as_str(),
                )
            })
            .collect();
        assert_eq!(got, kept, "{case}");
        assert!(
            parties
                .iter()
                .all(|p| p["entry"] == "2026-23-06" && p["matched"] == "MP Materials Corp."),
            "{case}: {parties:?}"
        );
    }
}
