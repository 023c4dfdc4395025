//! A second pair of eyes, through the real binary run as two team members (uids 1001 and
//! 1002 via `setpriv`; skipped where the tests cannot act as them): under the team policy
//! `approval = "required"`, a determination of licence-required or worse is pending until
//! another OS user approves or rejects it; the one who saved it cannot; the policy counts
//! only from a file the directory's owner wrote and the group cannot change.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

mod cli_support;

use cli_support::{Run, as_user, can_act_as_members, licence_required, team_dir};

const TEAM: u32 = 4321;

fn args(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| w.to_string()).collect()
}

fn member(uid: u32, team: &Path, words: &[&str]) -> Run {
    as_user(uid, TEAM, team, &args(words))
}

fn saved_id(run: &Run) -> String {
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    cli_support::saved_id(&run.stdout)
}

/// A team directory whose owner (root) requires approval.
fn approving_team(dir: &Path) -> std::path::PathBuf {
    let team = team_dir(dir);
    let policy = team.join("team.toml");
    std::fs::write(&policy, "approval = \"required\"\n").expect("policy");
    std::fs::set_permissions(&policy, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    team
}

#[test]
fn another_officer_approves_or_rejects_and_the_saver_cannot() {
    if !can_act_as_members() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let team = approving_team(dir.path());
    let first = saved_id(&as_user(1001, TEAM, &team, &licence_required("PO-APP-1")));
    let second = saved_id(&as_user(1001, TEAM, &team, &licence_required("PO-APP-2")));

    let show = member(1002, &team, &["history", "show", &first]);
    assert!(
        show.stdout.contains("Approval: PENDING APPROVAL"),
        "{}",
        show.stdout
    );
    let pending = member(1002, &team, &["history", "list", "--pending"]);
    assert_eq!(pending.stdout.lines().count(), 2, "{}", pending.stdout);

    // The one who saved it cannot decide on it, whatever name the environment gives.
    let own = as_user(
        1001,
        TEAM,
        &team,
        &args(&["history", "approve", &first, "--reason", "fine"]),
    );
    assert_eq!(own.code, Some(2), "{}", own.stderr);
    assert!(own.stderr.contains("was saved by you"), "{}", own.stderr);

    let approved = member(
        1002,
        &team,
        &["history", "approve", &first, "--reason", "End use checked"],
    );
    assert_eq!(approved.code, Some(0), "{}", approved.stderr);
    let rejected = member(
        1002,
        &team,
        &["history", "reject", &second, "--reason", "No licence yet"],
    );
    assert_eq!(rejected.code, Some(0), "{}", rejected.stderr);
    let again = member(
        1002,
        &team,
        &["history", "approve", &first, "--reason", "twice"],
    );
    assert_eq!(again.code, Some(2), "{}", again.stderr);
    assert!(
        again.stderr.contains("already approved"),
        "{}",
        again.stderr
    );

    let show = member(1001, &team, &["history", "show", &first]);
    assert!(
        show.stdout
            .contains("Approval: Approved by officer1002 (uid 1002): End use checked"),
        "{}",
        show.stdout
    );
    let show = member(1001, &team, &["history", "show", &second]);
    assert!(
        show.stdout
            .contains("Approval: REJECTED by officer1002 (uid 1002): No licence yet"),
        "{}",
        show.stdout
    );
    let pending = member(1001, &team, &["history", "list", "--pending"]);
    assert_eq!(pending.stdout, "", "{}", pending.stderr);
    // Cases stay two: a decision only points at a record.
    let cases = member(1001, &team, &["history", "list"]);
    assert_eq!(cases.stdout.lines().count(), 2, "{}", cases.stdout);
    let csv = member(1001, &team, &["history", "export", "--format", "csv"]);
    let mut reader = csv::Reader::from_reader(csv.stdout.as_bytes());
    let header = reader.headers().expect("header").clone();
    let column = header
        .iter()
        .position(|h| h == "approval")
        .expect("approval");
    let needed = header
        .iter()
        .position(|h| h == "licence_needed")
        .expect("licence_needed");
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert!(
        rows[0][needed].contains("licence, obtained by the"),
        "{}",
        csv.stdout
    );
    let states: Vec<&str> = rows.iter().map(|r| &r[column]).collect();
    assert_eq!(states, ["approved", "rejected", "", ""], "{}", csv.stdout);
    assert_eq!(member(1001, &team, &["history", "verify"]).code, Some(0));

    // An override waits too, whatever its outcome; its officer's colleague approves it.
    let overridden = member(
        1002,
        &team,
        &[
            "history",
            "override",
            &first,
            "--outcome",
            "no_license_required",
            "--reason",
            "Goods re-classified",
            "--officer",
            "B. Officer",
        ],
    );
    assert_eq!(overridden.code, Some(0), "{}", overridden.stderr);
    let pending = member(1001, &team, &["history", "list", "--pending"]);
    assert_eq!(pending.stdout.lines().count(), 1, "{}", pending.stdout);
    assert!(
        pending.stdout.contains("saved as override"),
        "{}",
        pending.stdout
    );
}

#[test]
fn a_policy_file_the_group_can_change_does_not_count_and_holds_records_pending() {
    if !can_act_as_members() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let team = approving_team(dir.path());
    let id = saved_id(&as_user(1001, TEAM, &team, &licence_required("PO-APP-3")));
    let policy = team.join("team.toml");
    std::fs::set_permissions(&policy, std::fs::Permissions::from_mode(0o664)).expect("chmod");
    let approve = member(1002, &team, &["history", "approve", &id, "--reason", "ok"]);
    assert_eq!(approve.code, Some(2), "{}", approve.stderr);
    assert!(
        approve.stderr.contains("team.toml is ignored"),
        "{}",
        approve.stderr
    );
    // Read with the stricter policy, and said so.
    let show = member(1002, &team, &["history", "show", &id]);
    assert!(show.stdout.contains("PENDING APPROVAL"), "{}", show.stdout);
    assert!(
        show.stderr.contains("approval is taken as required"),
        "{}",
        show.stderr
    );
    // Without any team policy nothing waits.
    std::fs::remove_file(&policy).expect("rm");
    let show = member(1002, &team, &["history", "show", &id]);
    assert!(!show.stdout.contains("Approval:"), "{}", show.stdout);
}

/// A data directory whose owner requires an officer on every save.
fn officer_required(dir: &Path) -> std::path::PathBuf {
    let data = dir.join("data");
    cli_support::with_team_policy(&data, "officer = \"required\"\n");
    data
}

#[test]
fn a_team_requiring_an_officer_refuses_a_screen_without_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = officer_required(dir.path());
    let refused = Run::of(cli_support::ree(&data).args(licence_required("PO-OFF-1")));
    assert_eq!(refused.code, Some(1), "{}", refused.stderr);
    assert!(
        refused
            .stderr
            .contains("not saved: the team's policy requires an officer"),
        "{}",
        refused.stderr
    );
    let mut with = licence_required("PO-OFF-2");
    with.extend(["--officer".to_string(), "K. Lee".to_string()]);
    let saved = Run::of(cli_support::ree(&data).args(with));
    saved_id(&saved);
    let list = Run::of(cli_support::ree(&data).args(["history", "list"]));
    assert!(list.stdout.contains("PO-OFF-2"), "{}", list.stdout);
    assert!(!list.stdout.contains("PO-OFF-1"), "{}", list.stdout);
}

#[test]
fn a_team_requiring_an_officer_refuses_batch_rows_without_one_by_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = officer_required(dir.path());
    let input = dir.path().join("orders.csv");
    std::fs::write(
        &input,
        "reference,stage,goods,origin,recipient,destination,officer\n\
         PO-B1,none,n61_part1,china_export,civil,DE,K. Lee\n\
         PO-B2,none,n61_part1,china_export,civil,DE,\n",
    )
    .expect("input");
    let run = Run::of(cli_support::ree(&data).arg("batch").arg(&input));
    assert_eq!(run.code, Some(3), "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("line 3: officer: not saved: the team's policy requires an officer"),
        "{}",
        run.stdout
    );
    let list = Run::of(cli_support::ree(&data).args(["history", "list"]));
    assert!(list.stdout.contains("PO-B1"), "{}", list.stdout);
    assert!(!list.stdout.contains("PO-B2"), "{}", list.stdout);
}
