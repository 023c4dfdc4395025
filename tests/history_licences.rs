//! Licences held, through the real binary: `history licence` records a licence (or a
//! refusal) about a case's current record as a record of its own that never becomes the
//! case's current record; the case's determination shows "Licence held" and warns when it
//! has expired or expires within 30 days, also after a re-screen; `history list --expiring`
//! lists them; exports carry licence columns; the chain still verifies.

use std::path::Path;

mod cli_support;

use cli_support::{Run, military, ok, ree, saved_id};

/// A case saved: its record id ("today" is 2025-10-20).
fn a_case(data: &Path, reference: &str) -> String {
    saved_id(&ok(ree(data).args(military(reference, "2025-10-20"))))
}

fn licence(data: &Path, id: &str, until: &str, extra: &[&str]) -> Run {
    Run::of(
        ree(data)
            .args([
                "history",
                "licence",
                id,
                "--number",
                "LIC-7",
                "--kind",
                "dual-use",
                "--valid-until",
                until,
                "--authority",
                "MOFCOM",
            ])
            .args(extra),
    )
}

fn held(data: &Path, id: &str, until: &str) {
    let run = licence(data, id, until, &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
}

#[test]
fn a_licence_is_shown_on_the_case_and_never_becomes_its_current_record() {
    let data = tempfile::tempdir().expect("tempdir");
    let case = a_case(data.path(), "PO-LIC-1");
    let run = licence(data.path(), &case, "2026-06-30", &["--quantity", "200 kg"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stdout.starts_with("Licence held saved as "),
        "{}",
        run.stdout
    );
    let licence_id = saved_id(&run.stdout);

    // The case's current record is still the screening, which shows the licence.
    let list = ok(ree(data.path()).args(["history", "list"]));
    assert_eq!(list.lines().count(), 1, "{list}");
    assert!(list.contains(&case), "{list}");
    let show = ok(ree(data.path()).args(["history", "show", &case]));
    assert!(
        show.contains(
            "Licence held: No. LIC-7 (dual-use export licence, MOFCOM), valid until 2026-06-30, for 200 kg"
        ),
        "{show}"
    );
    assert!(!show.contains("EXPIRE"), "{show}");
    // Every record, the licence among them, and the chain verifies.
    let all = ok(ree(data.path()).args(["history", "list", "--all"]));
    assert!(all.contains(&format!("  {licence_id}")), "{all}");
    assert!(all.contains("(licence)"), "{all}");
    ok(ree(data.path()).args(["history", "verify"]));
    let impact = ok(ree(data.path()).args(["history", "impact"]));
    assert!(impact.contains(" of 1 current case(s)"), "{impact}");
    let licence_show = ok(ree(data.path()).args(["history", "show", &licence_id]));
    assert!(
        licence_show.contains(&format!("About: {case}")),
        "{licence_show}"
    );

    // A re-screen supersedes the screening; the licence still holds for the case, and a
    // licence about the superseded record is refused naming the current one.
    let rescreen = saved_id(&ok(ree(data.path()).args(["history", "rescreen", &case])));
    let show = ok(ree(data.path()).args(["history", "show", &rescreen]));
    assert!(show.contains("Licence held: No. LIC-7"), "{show}");
    let refused = licence(data.path(), &case, "2026-06-30", &[]);
    assert_eq!(refused.code, Some(2), "{}", refused.stderr);
    assert!(refused.stderr.contains(&rescreen), "{}", refused.stderr);
    // Nor is a licence about a licence record.
    let on_licence = licence(data.path(), &licence_id, "2026-06-30", &[]);
    assert_eq!(on_licence.code, Some(2), "{}", on_licence.stderr);
    assert!(
        on_licence.stderr.contains("is a licence record"),
        "{}",
        on_licence.stderr
    );
    // Nor is a licence record re-screened or overridden: it only points at the case.
    let rescreened = Run::of(ree(data.path()).args(["history", "rescreen", &licence_id]));
    assert_eq!(rescreened.code, Some(1), "{}", rescreened.stderr);
    assert!(
        rescreened
            .stderr
            .contains("is a licence or approval record"),
        "{}",
        rescreened.stderr
    );
}

#[test]
fn an_expiring_or_expired_licence_warns_and_is_listed() {
    let data = tempfile::tempdir().expect("tempdir");
    let soon = a_case(data.path(), "PO-SOON");
    let later = a_case(data.path(), "PO-LATER");
    let gone = a_case(data.path(), "PO-GONE");
    // "Today" is 2025-10-20.
    held(data.path(), &soon, "2025-11-10");
    held(data.path(), &later, "2026-10-20");
    held(data.path(), &gone, "2025-10-19");

    let show = ok(ree(data.path()).args(["history", "show", &soon]));
    assert!(
        show.contains("LICENCE: EXPIRES in 21 day(s), on 2025-11-10"),
        "{show}"
    );
    let show = ok(ree(data.path()).args(["history", "show", &gone]));
    assert!(
        show.contains("LICENCE: EXPIRED: the licence's last valid day was 2025-10-19"),
        "{show}"
    );

    let listed = ok(ree(data.path()).args(["history", "list", "--expiring", "30"]));
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(lines.len(), 2, "{listed}");
    assert!(
        lines[0].starts_with("2025-10-19") && lines[0].contains(&gone),
        "{listed}"
    );
    assert!(
        lines[1].starts_with("2025-11-10") && lines[1].contains(&soon),
        "{listed}"
    );
    let year = ok(ree(data.path()).args(["history", "list", "--expiring", "400"]));
    assert_eq!(year.lines().count(), 3, "{year}");

    // A newer licence for the case replaces the old one in the list.
    held(data.path(), &soon, "2026-12-31");
    let listed = ok(ree(data.path()).args(["history", "list", "--expiring", "30"]));
    assert_eq!(listed.lines().count(), 1, "{listed}");
}

#[test]
fn a_refusal_is_recorded_the_same_way_and_exports_carry_licence_columns() {
    let data = tempfile::tempdir().expect("tempdir");
    let case = a_case(data.path(), "PO-REF");
    let granted_without_date = Run::of(ree(data.path()).args([
        "history", "licence", &case, "--number", "A-1", "--kind", "general",
    ]));
    assert_eq!(granted_without_date.code, Some(2));
    assert!(
        granted_without_date.stderr.contains("--valid-until"),
        "{}",
        granted_without_date.stderr
    );
    let refusal = ok(ree(data.path()).args([
        "history",
        "licence",
        &case,
        "--number",
        "A-1",
        "--kind",
        "general",
        "--refused",
    ]));
    assert!(refusal.starts_with("Licence refusal saved as"), "{refusal}");
    let show = ok(ree(data.path()).args(["history", "show", &case]));
    assert!(
        show.contains("Licence held: REFUSED: No. A-1 (general licence (通用许可))"),
        "{show}"
    );

    let csv = ok(ree(data.path()).args(["history", "export", "--format", "csv"]));
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().expect("header").clone();
    let column = |name: &str| header.iter().position(|h| h == name).expect(name);
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 2, "{csv}");
    let screening = &rows[0];
    assert_eq!(&screening[column("licence_number")], "A-1");
    assert_eq!(
        &screening[column("licence_kind")],
        "general licence (通用许可)"
    );
    assert_eq!(&screening[column("licence_state")], "refused");
    assert_eq!(&screening[column("current")], "yes");
    assert_eq!(&rows[1][column("kind")], "licence");
    assert_eq!(
        &rows[1][column("current")],
        "no",
        "a licence is never current"
    );

    let md = ok(ree(data.path()).args(["history", "export", "--format", "md"]));
    assert!(md.contains("REFUSED: No. A-1"), "{md}");
}
