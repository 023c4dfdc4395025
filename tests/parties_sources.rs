//! What the check of the embedded party lists against the stored sources (Dec 2026) put into
//! them, as assets/parties/build.py builds it: no official text was readable, so every entry
//! keeps its [X] grade; gaps that reposts and reports filled carry their own grade.

use jiff::civil::Date;
use ree_screen::parties::{ListKind, Listing, PartyLists, Screener};
use ree_screen::rules::Grade;
use ree_screen::screening::Details;

fn date(text: &str) -> Date {
    text.parse().expect("date")
}

fn listing<'a>(lists: &'a PartyLists, id: &str) -> &'a Listing {
    lists
        .listings
        .iter()
        .find(|l| l.id == id)
        .unwrap_or_else(|| panic!("listing {id}"))
}

#[test]
fn no_entry_is_graded_above_the_source_it_was_seen_in() {
    let lists = PartyLists::embedded().expect("lists");
    assert_eq!(lists.entries().count(), 277);
    for (listing, entry) in lists.entries() {
        // The 15 Jan 2025 UEL notice is not in the compilation: a news agency quoting the
        // notice names its four entries.
        let seen_in = if listing.id == "uel-2025-3" {
            Grade::S
        } else {
            Grade::X
        };
        assert_eq!(entry.grade, seen_in, "{} in {}", entry.name, listing.id);
        assert_eq!(listing.source.grade, Grade::O, "{}", listing.id);
    }
    let added = lists
        .listings
        .iter()
        .find(|l| l.id == "uel-2025-3")
        .expect("UEL [2025] No. 3");
    assert_eq!(added.entries.len(), 4);
    assert_eq!(added.published, date("2025-01-15"));
    assert!(
        added
            .verify
            .iter()
            .any(|v| v.contains("Not in the compilation"))
    );
}

#[test]
fn every_listing_names_what_corroborates_it_and_how_well() {
    let lists = PartyLists::embedded().expect("lists");
    for listing in &lists.listings {
        assert!(!listing.corroboration.is_empty(), "{}", listing.id);
        for seen in &listing.corroboration {
            assert!(!seen.url.is_empty(), "{}", listing.id);
            assert!(
                seen.note.as_deref().is_some_and(|n| !n.is_empty()),
                "{}: {} says what agrees",
                listing.id,
                seen.url
            );
        }
    }
}

#[test]
fn the_29_june_2026_notices_have_their_numbers_and_keep_their_ids() {
    let lists = PartyLists::embedded().expect("lists");
    for (id, short, list) in [
        ("cl-20260629", "2026 No. 27", ListKind::ControlList),
        ("wl-20260629", "2026 No. 28", ListKind::WatchList),
    ] {
        let l = listing(&lists, id);
        assert_eq!(l.short, short);
        assert_eq!(l.list, list);
        assert!(
            l.verify
                .iter()
                .any(|v| v.starts_with("The announcement number is graded [X]")),
            "{id}: the number rests on third-party lists and says so"
        );
        assert!(l.corroboration.iter().any(|s| s.grade == Grade::S));
    }
}

#[test]
fn the_uel_notices_of_april_2025_have_numbers_statuses_and_measures_from_reports() {
    let lists = PartyLists::embedded().expect("lists");
    let no7 = listing(&lists, "uel-20250404");
    assert_eq!(no7.short, "UEL [2025] No. 7");
    let continued = no7
        .timeline
        .iter()
        .find(|e| e.from == date("2025-08-12"))
        .expect("the 12 Aug 2025 continuation is recorded");
    assert_eq!(continued.sources[0].grade, Grade::S);
    // The gap between the first suspension and the November one is filled.
    assert_eq!(no7.status_on(date("2025-09-01")).id(), "suspended");
    let no8 = listing(&lists, "uel-2025-8");
    assert_eq!(no8.status_on(date("2025-09-01")).id(), "stopped");
    for l in [no7, no8] {
        let clause = &l.clauses[0];
        assert!(
            clause
                .text
                .contains("import or export activities related to China")
        );
        assert_eq!(clause.effect, None, "all trade, not only controlled items");
        assert!(
            clause
                .verify
                .as_deref()
                .is_some_and(|v| v.contains("[S] reports"))
        );
    }
}

#[test]
fn a_transfer_ban_reports_confirm_loses_its_verify_note_and_one_they_do_not_keeps_it() {
    let lists = PartyLists::embedded().expect("lists");
    let transfer = |id: &str| {
        listing(&lists, id)
            .clauses
            .iter()
            .find(|c| c.id == "transfer-ban")
            .cloned()
            .unwrap_or_else(|| panic!("{id} has a transfer ban"))
    };
    for id in ["2026-11", "2026-20", "2026-23", "cl-20260629"] {
        assert_eq!(transfer(id).verify, None, "{id}");
    }
    assert!(
        transfer("2026-30").verify.is_some(),
        "only compilations seen"
    );
}

#[test]
fn a_spelling_another_source_gives_is_kept_as_an_alias_with_a_note() {
    let lists = PartyLists::embedded().expect("lists");
    let cases = [
        (
            "2025-13-02",
            "Aero Vironment",
            "AeroVironment, Inc.",
            "AeroVironment Inc",
        ),
        ("uel-20250204-02", "PVH Group", "PVH Corp.", "PVH Corp"),
    ];
    for (id, name, alias, _) in cases {
        let (_, entry) = lists.entry(id).expect("entry");
        assert_eq!(entry.name, name);
        assert!(entry.aliases.iter().any(|a| a == alias), "{id}");
        assert!(entry.verify.iter().any(|v| v.contains(alias)), "{id}");
    }
    let screener = Screener::new(lists);
    for (id, _, _, typed) in cases {
        let details = Details {
            counterparty: typed.into(),
            ..Details::default()
        };
        let found = screener
            .findings(&details, date("2025-06-01"), &[])
            .expect("screens");
        assert!(
            found.iter().any(|f| f.entry == id),
            "{typed}: {:?}",
            found.iter().map(|f| &f.entry).collect::<Vec<_>>()
        );
    }
}
