//! Screening names against the party lists: a table of names and dates through the library,
//! properties of the matcher, and the command line as the done-when commands use it.

mod cli_support;

use assert_cmd::Command;
use cli_support::Run;
use jiff::civil::Date;
use proptest::prelude::*;
use ree_screen::engine::{Answers, Determination};
use ree_screen::parties::{
    Entry, FindingKind, ListKind, Listing, POSSIBLE_AT, PartyLists, Review, Screener, score, words,
};
use ree_screen::rules::{Grade, Outcome, RuleSet, Source};
use ree_screen::screening::{Details, Screening};
use serde_json::Value;

fn rules() -> RuleSet {
    ree_screen::rules::embedded().expect("rules")
}

fn date(text: &str) -> Date {
    text.parse().expect("date")
}

/// Dysprosium oxide exported from China to a civil buyer in the US, or unrelated goods.
fn answers(goods: &str) -> Answers {
    Answers::new()
        .with("stage", "none")
        .with("goods", goods)
        .with("origin", "china_export")
        .with("recipient", "civil")
        .with("destination", "US")
}

fn screen_names(
    screener: &Screener,
    goods: &str,
    counterparty: &str,
    end_user: &str,
    on: &str,
    reviews: &[(String, Review)],
) -> Determination {
    let rules = rules();
    let details = Details {
        counterparty: counterparty.into(),
        end_user: end_user.into(),
        ..Details::default()
    };
    let s = Screening::run(&rules, &answers(goods), date(on), details)
        .with_parties(&rules, screener, reviews)
        .expect("screens");
    (*s.determination).clone()
}

fn embedded() -> Screener {
    Screener::new(PartyLists::embedded().expect("lists"))
}

/// (counterparty, end user, goods, date, outcome, provisional, decided by, kind of the
/// first finding).
type Row<'a> = (
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    Outcome,
    bool,
    Option<&'a str>,
    Option<FindingKind>,
);

#[test]
fn a_table_of_names_and_dates() {
    let screener = embedded();
    let table: &[Row] = &[
        // Exact, alias, Chinese name (also in traditional characters), legal form added.
        (
            "MP Materials Corp.",
            "",
            "n61_part1",
            "2026-12-04",
            Outcome::Prohibited,
            false,
            Some("party:counterparty:2026-23-06"),
            Some(FindingKind::Match),
        ),
        (
            "MP Materials",
            "",
            "n61_part1",
            "2026-12-04",
            Outcome::Prohibited,
            false,
            Some("party:counterparty:2026-23-06"),
            Some(FindingKind::Match),
        ),
        (
            "MP Materials, Inc.",
            "",
            "n61_part1",
            "2026-12-04",
            Outcome::Prohibited,
            false,
            Some("party:counterparty:2026-23-06"),
            Some(FindingKind::Match),
        ),
        (
            "芒廷帕斯材料公司",
            "",
            "n61_part1",
            "2026-12-04",
            Outcome::Prohibited,
            false,
            Some("party:counterparty:2026-23-06"),
            Some(FindingKind::Match),
        ),
        (
            "美國稀土公司",
            "",
            "n61_part1",
            "2026-12-04",
            Outcome::Prohibited,
            false,
            Some("party:counterparty:2026-23-10"),
            Some(FindingKind::Match),
        ),
        (
            "USAR",
            "",
            "n61_part1",
            "2026-12-04",
            Outcome::Prohibited,
            false,
            Some("party:counterparty:2026-23-10"),
            Some(FindingKind::Match),
        ),
        // The end-user field does the same.
        (
            "",
            "MP Materials Corp.",
            "n61_part1",
            "2026-12-04",
            Outcome::Prohibited,
            false,
            Some("party:end_user:2026-23-06"),
            Some(FindingKind::Match),
        ),
        // One typo, word order: possible, provisional with the listing as the worst case.
        (
            "MP Materails Corp",
            "",
            "n61_part1",
            "2026-12-04",
            Outcome::Prohibited,
            true,
            Some("party:counterparty:2026-23-06"),
            Some(FindingKind::Possible),
        ),
        (
            "Materials MP",
            "",
            "n61_part1",
            "2026-12-04",
            Outcome::Prohibited,
            true,
            Some("party:counterparty:2026-23-06"),
            Some(FindingKind::Possible),
        ),
        // Near-misses that are other companies.
        (
            "MPM Materials Ltd",
            "",
            "n61_part1",
            "2026-12-04",
            Outcome::LicenseRequired,
            false,
            None,
            None,
        ),
        (
            "MQ Materials",
            "",
            "n61_part1",
            "2026-12-04",
            Outcome::LicenseRequired,
            false,
            None,
            None,
        ),
        // Before the listing: named, does not decide.
        (
            "MP Materials Corp.",
            "",
            "n61_part1",
            "2026-03-02",
            Outcome::LicenseRequired,
            false,
            None,
            Some(FindingKind::Match),
        ),
        // Unrelated goods: a listing bans controlled items only.
        (
            "MP Materials Corp.",
            "",
            "other",
            "2026-12-04",
            Outcome::NoLicenseRequired,
            false,
            None,
            Some(FindingKind::Match),
        ),
        // Goods not known: the listing is the worst case.
        (
            "MP Materials Corp.",
            "",
            "unknown",
            "2026-12-04",
            Outcome::Prohibited,
            true,
            Some("party:counterparty:2026-23-06"),
            Some(FindingKind::Match),
        ),
        // 2025 No. 13 while its measures are suspended: named, does not decide.
        (
            "Aerkomm Inc.",
            "",
            "n61_part1",
            "2026-03-02",
            Outcome::LicenseRequired,
            false,
            None,
            Some(FindingKind::Match),
        ),
        // 2025 No. 22's measures stopped on 12 Aug 2025.
        (
            "American Photonics",
            "",
            "n61_part1",
            "2026-03-02",
            Outcome::LicenseRequired,
            false,
            None,
            Some(FindingKind::Match),
        ),
        // A Watch List party: an individual licence, not a ban.
        (
            "ASPP Co., Ltd.",
            "",
            "n61_part1",
            "2026-12-04",
            Outcome::LicenseRequired,
            false,
            None,
            Some(FindingKind::Match),
        ),
    ];
    for (cp, eu, goods, on, outcome, provisional, decided, kind) in table {
        let d = screen_names(&screener, goods, cp, eu, on, &[]);
        let name = format!("{cp}{eu} / {goods} on {on}");
        assert_eq!(d.outcome, *outcome, "{name}: {:?}", d.decided_by);
        assert_eq!(d.provisional, *provisional, "{name}");
        assert_eq!(
            d.decided_by
                .first()
                .map(String::as_str)
                .filter(|id| id.starts_with("party:")),
            *decided,
            "{name}"
        );
        assert_eq!(d.parties.first().map(|p| p.kind), *kind, "{name}");
        assert!(!d.party_lists.is_empty(), "{name}: the lists are named");
    }
}

#[test]
fn a_suspended_listing_is_named_but_does_not_decide() {
    let d = screen_names(
        &embedded(),
        "n61_part1",
        "Aerkomm Inc.",
        "",
        "2026-03-02",
        &[],
    );
    let no13 = d
        .parties
        .iter()
        .find(|p| p.short == "2025 No. 13")
        .expect("2025 No. 13 named");
    assert!(!no13.binds);
    assert!(no13.status.contains("suspended"), "{}", no13.status);
    let report = ree_screen::report::of(&rules(), &d, ree_screen::report::Detail::Concise);
    assert!(
        report.contains("2025 No. 13, listed 2025-03-04, measures suspended"),
        "{report}"
    );
}

#[test]
fn confirming_and_dismissing() {
    let screener = embedded();
    let confirmed = screen_names(
        &screener,
        "n61_part1",
        "MP Materails",
        "",
        "2026-12-04",
        &[("2026-23-06".into(), Review::Confirm)],
    );
    assert_eq!(confirmed.outcome, Outcome::Prohibited);
    assert!(!confirmed.provisional, "a confirmed match is a match");
    let dismissed = screen_names(
        &screener,
        "n61_part1",
        "MP Materails",
        "",
        "2026-12-04",
        &[(
            "2026-23-06".into(),
            Review::Dismiss("another company, checked".into()),
        )],
    );
    assert_eq!(dismissed.outcome, Outcome::LicenseRequired);
    assert_eq!(dismissed.parties[0].kind, FindingKind::Dismissed);
    let rules = rules();
    let details = Details {
        counterparty: "MP Materails".into(),
        ..Details::default()
    };
    let without_reason = Screening::run(&rules, &answers("n61_part1"), date("2026-12-04"), details)
        .with_parties(
            &rules,
            &screener,
            &[("2026-23-06".into(), Review::Dismiss(" ".into()))],
        );
    assert!(without_reason.is_err(), "a dismissal needs a reason");
}

fn entry(id: &str, name: &str) -> Entry {
    Entry {
        id: id.into(),
        name: name.into(),
        name_zh: None,
        aliases: Vec::new(),
        kind: None,
        country: None,
        address: None,
        note: None,
        grade: Grade::S,
        verify: Vec::new(),
    }
}

fn with_entry(name: &str) -> PartyLists {
    let mut lists = PartyLists::embedded().expect("lists");
    let mut listing: Listing = lists.listings[0].clone();
    listing.id = "test".into();
    listing.list = ListKind::ControlList;
    listing.source = Source {
        url: "https://example.org".into(),
        grade: Grade::S,
        note: None,
    };
    listing.entries = vec![entry("test-01", name)];
    lists.listings.push(listing);
    lists
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Adding an entry never changes what a name scores against the others, so a name
    /// dissimilar to every entry stays unmatched unless the new entry itself matches it.
    #[test]
    fn adding_an_unrelated_entry_never_makes_a_match(
        query in "[A-Z][a-z]{2,9}( [A-Z][a-z]{2,9}){0,2}",
        added in "[A-Z][a-z]{2,9}( [A-Z][a-z]{2,9}){0,2}",
    ) {
        let before = embedded();
        let after = Screener::new(with_entry(&added));
        let found = |s: &Screener| -> Vec<(String, u8)> {
            s.lists
                .screen(&s.index, ree_screen::parties::Field::Counterparty, &query, date("2026-12-04"))
                .into_iter()
                .map(|f| (f.entry, f.score))
                .collect()
        };
        let mut expected = found(&before);
        if score(&words(&query), &words(&added)) >= POSSIBLE_AT {
            expected.push(("test-01".into(), score(&words(&query), &words(&added))));
        }
        let mut got = found(&after);
        expected.sort();
        got.sort();
        prop_assert_eq!(got, expected);
    }

    /// Dismissing the end user's match leaves the counterparty's finding as it was.
    #[test]
    fn a_dismissal_never_changes_another_names_result(
        goods in prop::sample::select(vec!["n61_part1", "other", "unknown"]),
    ) {
        let screener = embedded();
        let plain = screen_names(&screener, goods, "MP Materials Corp.", "", "2026-12-04", &[]);
        let both = screen_names(
            &screener, goods, "MP Materials Corp.", "USA Rare Earth", "2026-12-04",
            &[("2026-23-10".into(), Review::Dismiss("a namesake".into()))],
        );
        prop_assert_eq!(plain.outcome, both.outcome);
        prop_assert_eq!(&plain.parties[0], &both.parties[0]);
    }
}

/// The binary on the data directory `data`, "today" being 4 Dec 2026.
fn ree(data: &std::path::Path) -> Command {
    let mut cmd = cli_support::ree(data);
    cmd.env("REE_SCREEN_TODAY", "2026-12-04");
    cmd
}

const DONE_WHEN: [&str; 11] = [
    "screen",
    "--answer",
    "stage=none",
    "--answer",
    "goods=n61_part1",
    "--answer",
    "origin=china_export",
    "--answer",
    "recipient=civil",
    "--answer",
    "destination=US",
];

#[test]
fn the_done_when_commands() {
    let data = tempfile::tempdir().expect("tempdir");
    let json = |extra: &[&str]| -> Value {
        let out = Run::of(
            ree(data.path())
                .args(DONE_WHEN)
                .args(["--format", "json"])
                .args(extra),
        );
        assert_eq!(out.code, Some(0), "{}", out.stderr);
        serde_json::from_str(&out.stdout).expect("json")
    };
    let on_date = json(&[
        "--counterparty",
        "MP Materials Corp.",
        "--date",
        "2026-12-04",
    ]);
    assert_eq!(on_date["outcome"], "prohibited");
    assert_eq!(on_date["decided_by"][0], "party:counterparty:2026-23-06");
    let party = &on_date["parties"][0];
    let keys: Vec<&str> = party
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    for key in [
        "field",
        "given",
        "matched",
        "alias",
        "list",
        "announcement",
        "listed_on",
        "status",
        "score",
        "kind",
    ] {
        assert!(keys.contains(&key), "{key} in {party}");
    }
    assert_eq!(party["field"], "counterparty");
    assert_eq!(party["list"], "control_list");
    assert_eq!(party["announcement"], "MOFCOM Announcement 2026 No. 23");
    assert_eq!(party["listed_on"], "2026-06-22");
    assert_eq!(party["score"], 100);
    assert_eq!(party["kind"], "match");
    let before = json(&[
        "--counterparty",
        "MP Materials Corp.",
        "--date",
        "2026-03-02",
    ]);
    assert_eq!(before["outcome"], "license_required");
    let typo = json(&[
        "--counterparty",
        "MP Materails Corp.",
        "--date",
        "2026-12-04",
    ]);
    assert_eq!(typo["parties"][0]["kind"], "possible");
    assert_eq!(typo["provisional"], true);
    let dismissed = json(&[
        "--counterparty",
        "MP Materails Corp.",
        "--date",
        "2026-12-04",
        "--dismiss",
        "2026-23-06=another company",
    ]);
    assert_eq!(dismissed["parties"][0]["kind"], "dismissed");
    assert_eq!(dismissed["parties"][0]["reason"], "another company");
    assert_eq!(dismissed["outcome"], "license_required");

    let text = Run::of(ree(data.path()).args(DONE_WHEN).args([
        "--end-user",
        "芒廷帕斯材料公司",
        "--date",
        "2026-12-04",
    ]));
    assert!(
        text.stdout.contains(
            "Decided by: MOFCOM Announcement 2026 No. 23, Control List: MP Materials Corp."
        ),
        "{}",
        text.stdout
    );
    // The record names the lists and keeps the findings: shown again as decided.
    let id = text
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("Saved as "))
        .and_then(|l| l.split_whitespace().next())
        .expect("saved")
        .to_string();
    let shown = Run::of(ree(data.path()).args(["history", "show", &id]));
    assert_eq!(shown.code, Some(0), "{}", shown.stderr);
    assert!(shown.stdout.contains("2026 No. 23"), "{}", shown.stdout);
    // The record's header names the end user, what the name matched and the lists used.
    assert!(
        shown.stdout.contains("End user: 芒廷帕斯材料公司")
            && shown
                .stdout
                .contains("Named party: end_user \"芒廷帕斯材料公司\": match, MP Materials Corp.")
            && shown.stdout.contains("Party lists: mofcom-parties"),
        "{}",
        shown.stdout
    );
    // Exports name the matches.
    for format in ["csv", "md"] {
        let export = Run::of(ree(data.path()).args(["history", "export", "--format", format]));
        assert_eq!(export.code, Some(0), "{}", export.stderr);
        assert!(
            export.stdout.contains(": match, MP Materials Corp. (alias")
                && export
                    .stdout
                    .contains("2026 No. 23, Control List: MP Materials Corp."),
            "{format}: {}",
            export.stdout
        );
    }
}

#[test]
fn bad_names_are_refused() {
    let data = tempfile::tempdir().expect("tempdir");
    for bad in ["", "  ", "MP\u{7}Materials"] {
        let out =
            Run::of(
                ree(data.path())
                    .args(DONE_WHEN)
                    .args(["--counterparty", bad, "--no-save"]),
            );
        assert_eq!(out.code, Some(2), "{bad:?}: {}", out.stdout);
        assert!(out.stderr.contains("Counterparty"), "{}", out.stderr);
    }
}

#[test]
fn added_lists_are_checked_kept_retired_and_applied() {
    let data = tempfile::tempdir().expect("tempdir");
    let bad = data.path().join("bad.csv");
    std::fs::write(
        &bad,
        "name,aliases,country,list,listed_on,source\n\
         Acme Rare Metals GmbH,Acme,DE,internal,2026-01-01,memo\n\
         ,x,DE,internal,2026-01-01,memo\n\
         Beta,,DE,blacklist,2026-01-01,memo\n\
         Gamma,,DE,control_list,2026/02/01,memo\n",
    )
    .expect("write");
    let out = Run::of(ree(data.path()).args(["parties", "add-list"]).arg(&bad));
    assert_eq!(out.code, Some(1));
    for line in [
        "bad.csv:3: name is empty",
        "bad.csv:4: list 'blacklist'",
        "bad.csv:5: listed_on",
    ] {
        assert!(out.stderr.contains(line), "{line} in {}", out.stderr);
    }
    let good = data.path().join("internal.csv");
    std::fs::write(
        &good,
        "name,aliases,country,list,listed_on,source\n\
         Acme Rare Metals GmbH,Acme,DE,internal,2026-01-01,memo\n\
         Acme Rare Metals GmbH,Acme RM,DE,internal,2026-01-01,memo\n\
         Zeta Magnetics Ltd,,JP,control_list,2026-11-01,https://example.org/notice\n",
    )
    .expect("write");
    let out = Run::of(ree(data.path()).args(["parties", "add-list"]).arg(&good));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stderr.contains("merged"), "{}", out.stderr);
    let again = Run::of(ree(data.path()).args(["parties", "add-list"]).arg(&good));
    assert_ne!(again.code, Some(0), "the same list is not added twice");
    let internal = Run::of(ree(data.path()).args(DONE_WHEN).args([
        "--counterparty",
        "ACME Rare Metals",
        "--no-save",
        "--fail-on",
        "internal",
    ]));
    assert_eq!(internal.code, Some(4), "{}", internal.stdout);
    assert!(internal.stdout.contains("REVIEW"), "{}", internal.stdout);
    assert!(
        internal.stdout.contains("OUTCOME: [ !] Licence required"),
        "legal outcome unchanged: {}",
        internal.stdout
    );
    let listed = Run::of(ree(data.path()).args(DONE_WHEN).args([
        "--counterparty",
        "Zeta Magnetics",
        "--no-save",
        "--format",
        "json",
    ]));
    let v: Value = serde_json::from_str(&listed.stdout).expect("json");
    assert_eq!(v["outcome"], "prohibited");
    assert!(
        v["party_lists"].as_array().expect("lists").len() == 2,
        "{}",
        v["party_lists"]
    );
    let lists = Run::of(ree(data.path()).args(["parties", "lists"]));
    let hash = lists
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("Added: "))
        .and_then(|l| l.split_whitespace().next())
        .expect("hash")
        .to_string();
    let retired = Run::of(ree(data.path()).args(["parties", "retire", &hash[..12]]));
    assert_eq!(retired.code, Some(0), "{}", retired.stderr);
    let after = Run::of(ree(data.path()).args(DONE_WHEN).args([
        "--counterparty",
        "Zeta Magnetics",
        "--no-save",
        "--format",
        "json",
    ]));
    let v: Value = serde_json::from_str(&after.stdout).expect("json");
    assert_eq!(
        v["outcome"], "license_required",
        "a retired list no longer applies"
    );
}

/// Add a one-entry Control List notice (Zeta Magnetics Ltd) to `data`; the kept copy's
/// SHA-256 and path.
fn add_zeta_notice(data: &std::path::Path) -> (String, std::path::PathBuf) {
    let list = data.join("notice.csv");
    std::fs::write(
        &list,
        "name,aliases,country,list,listed_on,source\n\
         Zeta Magnetics Ltd,Zeta Mag,JP,control_list,2026-11-01,https://example.org/notice\n",
    )
    .expect("write");
    let added = Run::of(ree(data).args(["parties", "add-list"]).arg(&list));
    assert_eq!(added.code, Some(0), "{}", added.stderr);
    let sha = added
        .stdout
        .split_whitespace()
        .map(|w| w.trim_end_matches(';'))
        .find(|w| w.len() == 64)
        .expect("hash")
        .to_string();
    let kept = data.join("party-lists").join(format!("{sha}.csv"));
    (sha, kept)
}

/// Change the kept copy of a list after it was added.
fn tamper(kept: &std::path::Path) {
    let text = std::fs::read_to_string(kept).expect("kept");
    std::fs::write(kept, text.replace("Zeta", "Zeda")).expect("change");
}

/// An added list is screened from its prebuilt index in the user's cache; a damaged or
/// missing index is built again from the kept copy with the same results, and a kept copy
/// changed since it was added is refused, naming it, rather than screened.
#[test]
fn an_added_lists_index_is_rebuilt_when_damaged_and_a_changed_copy_is_refused() {
    let data = tempfile::tempdir().expect("tempdir");
    let (sha, kept) = add_zeta_notice(data.path());
    let index = data
        .path()
        .join("cache")
        .join("party-lists")
        .join(format!("{sha}.idx"));
    assert!(index.is_file(), "add-list keeps the index");
    let search = || Run::of(ree(data.path()).args(["parties", "search", "Zeta Magnetcs"]));
    let first = search();
    assert_eq!(first.code, Some(0), "{}", first.stderr);
    assert!(
        first.stdout.contains("possible Zeta Magnetics Ltd"),
        "{}",
        first.stdout
    );

    let mut bytes = std::fs::read(&index).expect("index");
    let last = bytes.len() - 1;
    bytes[last] ^= 0x55;
    std::fs::write(&index, &bytes).expect("damage");
    assert_eq!(
        search().stdout,
        first.stdout,
        "a damaged index is built again"
    );
    assert_ne!(
        std::fs::read(&index).expect("index"),
        bytes,
        "and kept anew"
    );
    std::fs::remove_file(&index).expect("remove");
    assert_eq!(
        search().stdout,
        first.stdout,
        "a missing index is built again"
    );

    tamper(&kept);
    std::fs::remove_file(&index).expect("remove");
    let changed = search();
    assert_eq!(changed.code, Some(1), "{}", changed.stdout);
    assert!(
        changed.stderr.contains("was changed since it was added"),
        "{}",
        changed.stderr
    );
}

/// `history verify` checks every kept party list against its hash, as it does rule sets:
/// an added list changed after it was kept fails it, naming the file, and so does one a
/// record was screened against that is no longer kept.
#[test]
fn history_verify_checks_the_kept_party_lists() {
    let data = tempfile::tempdir().expect("tempdir");
    let (_, kept) = add_zeta_notice(data.path());
    let saved = Run::of(
        ree(data.path())
            .args(DONE_WHEN)
            .args(["--counterparty", "Zeta Magnetics"]),
    );
    assert_eq!(saved.code, Some(0), "{}", saved.stderr);
    let verify = || Run::of(ree(data.path()).args(["history", "verify"]));
    let intact = verify();
    assert_eq!(intact.code, Some(0), "{}", intact.stdout);
    assert!(
        intact.stdout.contains("2 kept party list(s) checked"),
        "the added list and the embedded lists: {}",
        intact.stdout
    );
    tamper(&kept);
    let altered = verify();
    assert_ne!(altered.code, Some(0), "{}", altered.stdout);
    assert!(
        altered.stdout.contains("PARTY LIST:") && altered.stdout.contains("no longer matches"),
        "{}",
        altered.stdout
    );
    assert!(
        altered.stdout.contains("a kept party list is altered"),
        "{}",
        altered.stdout
    );
    std::fs::remove_file(&kept).expect("remove");
    let gone = verify();
    assert_ne!(gone.code, Some(0), "{}", gone.stdout);
    assert!(
        gone.stdout.contains("PARTY LIST: the party list added")
            && gone
                .stdout
                .contains("which records from line 1 were screened against, is not kept"),
        "a list the record names is gone: {}",
        gone.stdout
    );
}

#[test]
fn batch_screens_the_name_columns() {
    let data = tempfile::tempdir().expect("tempdir");
    let file = data.path().join("rows.csv");
    std::fs::write(
        &file,
        "reference,stage,goods,origin,recipient,destination,counterparty,end_user\n\
         A,none,n61_part1,china_export,civil,US,MP Materials Corp.,\n\
         B,none,n61_part1,china_export,civil,US,,MP Materails\n\
         C,none,other,china_export,civil,US,Nobody Trading,\n",
    )
    .expect("write");
    let out = Run::of(ree(data.path()).args(["batch"]).arg(&file).args([
        "--no-save",
        "--fail-on",
        "prohibited",
    ]));
    assert_eq!(out.code, Some(4), "{}", out.stderr);
    let rows: Vec<&str> = out.stdout.lines().collect();
    assert!(
        rows[1].starts_with("1,A,prohibited,false,party:counterparty:2026-23-06"),
        "{}",
        rows[1]
    );
    assert!(
        rows[2].starts_with("2,B,prohibited,true,party:end_user:2026-23-06"),
        "{}",
        rows[2]
    );
    assert!(
        rows[3].starts_with("3,C,no_license_required,false"),
        "{}",
        rows[3]
    );
}

#[test]
fn history_impact_shows_a_newly_listed_party() {
    let data = tempfile::tempdir().expect("tempdir");
    let saved = Run::of(ree(data.path()).args(DONE_WHEN).args([
        "--counterparty",
        "Zeta Magnetics Ltd",
        "--reference",
        "PO-9",
    ]));
    assert_eq!(saved.code, Some(0), "{}", saved.stderr);
    assert!(
        saved.stdout.contains("OUTCOME: [ !] Licence required"),
        "{}",
        saved.stdout
    );
    let list = data.path().join("new-notice.csv");
    std::fs::write(
        &list,
        "name,aliases,country,list,listed_on,source,announcement\n\
         Zeta Magnetics Ltd.,,JP,control_list,2026-12-01,https://example.org/notice,MOFCOM Announcement 2026 No. 99\n",
    )
    .expect("write");
    assert_eq!(
        Run::of(ree(data.path()).args(["parties", "add-list"]).arg(&list)).code,
        Some(0)
    );
    let impact = Run::of(ree(data.path()).args(["history", "impact"]));
    assert_eq!(impact.code, Some(0), "{}", impact.stderr);
    assert!(
        impact.stdout.contains("1 of 1 current case(s) change"),
        "{}",
        impact.stdout
    );
    assert!(impact.stdout.contains("PO-9"), "{}", impact.stdout);
}
