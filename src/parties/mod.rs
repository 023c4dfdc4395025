//! Named parties: China's listing announcements (Control List, Watch List, Unreliable Entity
//! List, countermeasure orders, and the company's own internal lists) as dated data; names
//! normalised and matched fuzzily against every name, alias and Chinese name; and the one
//! pure step that puts what matched beside a determination.
//!
//! A listing is a measure with its own clauses (what it does to the named parties) and a
//! status timeline rebuilt from events (listed, measures suspended, measures stopped). The
//! embedded lists are `assets/parties/mofcom-parties.json`, built by
//! `assets/parties/build.py`; lists an officer adds are CSV files kept by SHA-256 in the data
//! directory (`added.rs`).

mod added;
mod apply;
mod cache;
mod matcher;
mod names;
mod scope;

use std::borrow::Cow;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::rules::{Grade, Outcome, Source};

pub use added::{AddedList, AddedSource, ListStore, parse_csv};
pub use apply::{Field, FindingKind, PartyFinding, Review, apply, finding_id};
pub use cache::PreparedList;
pub use matcher::{Index, MANY_NAMES, NameIndex, NameMatch, POSSIBLE_AT, score};
pub use names::{normalise, validate_name, words};
pub use scope::{Reach, Scope, item_scope};

/// The embedded lists, as built by `assets/parties/build.py`.
pub const EMBEDDED_TEXT: &str = include_str!("../../assets/parties/mofcom-parties.json");

/// Which list a listing puts its parties on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListKind {
    ControlList,
    WatchList,
    UnreliableEntity,
    Countermeasure,
    /// The company's own list: a hit marks the result for review, never changes it.
    Internal,
}

impl ListKind {
    pub const ALL: [ListKind; 5] = [
        ListKind::ControlList,
        ListKind::WatchList,
        ListKind::UnreliableEntity,
        ListKind::Countermeasure,
        ListKind::Internal,
    ];

    pub fn id(self) -> &'static str {
        match self {
            ListKind::ControlList => "control_list",
            ListKind::WatchList => "watch_list",
            ListKind::UnreliableEntity => "unreliable_entity",
            ListKind::Countermeasure => "countermeasure",
            ListKind::Internal => "internal",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ListKind::ControlList => "Control List",
            ListKind::WatchList => "Watch List",
            ListKind::UnreliableEntity => "Unreliable Entity List",
            ListKind::Countermeasure => "Countermeasure order",
            ListKind::Internal => "Internal list",
        }
    }

    pub fn from_id(id: &str) -> Option<ListKind> {
        ListKind::ALL.into_iter().find(|k| k.id() == id)
    }
}

/// What one clause of a listing does to the named parties.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListingClause {
    pub id: String,
    /// "Control List listing (ECL Art. 18)".
    pub article: String,
    pub text: String,
    /// The outcome it gives where it reaches; None where the measures are not known clause
    /// by clause (the listing is named, marked for review, and decides nothing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effect: Option<Outcome>,
    /// Which dealings it reaches; None with no effect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<Scope>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify: Option<String>,
}

/// The state of a listing's measures from a date on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Suspended,
    Stopped,
    /// No source records the status.
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventSource {
    pub text: String,
    pub grade: Grade,
}

/// One status change of a listing's measures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusEvent {
    pub from: Date,
    pub state: State,
    /// Where a suspension says how long it runs: the first day the measures apply again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
    pub text: String,
    #[serde(default)]
    pub sources: Vec<EventSource>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify: Option<String>,
}

/// One named party of a listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// "2026-23-07": the listing's id and the entry's place in it.
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_zh: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// How well the entry itself is sourced ([X]: seen only in a third-party compilation).
    pub grade: Grade,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub verify: Vec<String>,
}

impl Entry {
    /// Every name to match: the name, the Chinese name, then the aliases.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str())
            .chain(self.name_zh.as_deref())
            .chain(self.aliases.iter().map(String::as_str))
    }
}

/// A listing announcement: a measure with its clauses, its timeline and its parties.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Listing {
    /// "2026-23", "uel-2025-10", "cl-20260629" (no number found).
    pub id: String,
    pub list: ListKind,
    /// "MOFCOM Announcement 2026 No. 23".
    pub name: String,
    /// "2026 No. 23".
    pub short: String,
    /// The day the listing takes effect.
    pub published: Date,
    /// For an added list: the last day it applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
    pub source: Source,
    pub clauses: Vec<ListingClause>,
    #[serde(default)]
    pub timeline: Vec<StatusEvent>,
    #[serde(default)]
    pub verify: Vec<String>,
    /// Reposts, reports and other compilations found to agree with the listing (graded
    /// each), where its official text could not be read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub corroboration: Vec<Source>,
    pub entries: Vec<Entry>,
}

/// A listing's measures on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Status {
    NotYet {
        from: Date,
    },
    InForce {
        since: Date,
    },
    Suspended {
        from: Date,
        until: Option<Date>,
    },
    Stopped {
        from: Date,
    },
    /// A suspension ran out and no later status was found: the measures apply as written.
    Resumed {
        on: Date,
    },
    Unknown {
        from: Date,
    },
}

impl Status {
    /// Whether the listing's measures bind on the date (an unknown status counts: the worst
    /// case, flagged).
    pub fn binds(self) -> bool {
        matches!(
            self,
            Status::InForce { .. } | Status::Resumed { .. } | Status::Unknown { .. }
        )
    }

    /// "in force since 2026-06-22", "measures suspended 2025-11-10 to 2026-11-10".
    pub fn words(self) -> String {
        match self {
            Status::NotYet { from } => format!("not yet listed (from {from})"),
            Status::InForce { since } => format!("in force since {since}"),
            Status::Suspended {
                from,
                until: Some(until),
            } => format!("measures suspended from {from} until {until}"),
            Status::Suspended { from, until: None } => {
                format!("measures suspended from {from}, end not known")
            }
            Status::Stopped { from } => format!("measures stopped from {from}"),
            Status::Resumed { on } => {
                format!("applies as written: the suspension ended on {on} (no later status found)")
            }
            Status::Unknown { from } => format!("status not recorded since {from}"),
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            Status::NotYet { .. } => "not_yet",
            Status::InForce { .. } => "in_force",
            Status::Suspended { .. } => "suspended",
            Status::Stopped { .. } => "stopped",
            Status::Resumed { .. } => "resumed",
            Status::Unknown { .. } => "unknown",
        }
    }
}

impl Listing {
    /// The listing's state on `date`, rebuilt from its events.
    pub fn status_on(&self, date: Date) -> Status {
        if date < self.published {
            return Status::NotYet {
                from: self.published,
            };
        }
        if let Some(last) = self.until
            && date > last
        {
            return Status::Stopped {
                from: last.tomorrow().unwrap_or(last),
            };
        }
        let Some(event) = self.timeline.iter().rfind(|e| e.from <= date) else {
            return Status::InForce {
                since: self.published,
            };
        };
        match (event.state, event.until) {
            (State::Suspended, Some(until)) if date >= until => Status::Resumed { on: until },
            (State::Suspended, until) => Status::Suspended {
                from: event.from,
                until,
            },
            (State::Stopped, _) => Status::Stopped { from: event.from },
            (State::Unknown, _) => Status::Unknown { from: event.from },
        }
    }

    /// The VERIFY notes of the status event in effect on `date`.
    pub fn status_verify(&self, date: Date) -> Option<&str> {
        self.timeline
            .iter()
            .rfind(|e| e.from <= date)
            .and_then(|e| e.verify.as_deref())
    }
}

/// The embedded lists' file.
#[derive(Debug, Clone, Deserialize)]
struct EmbeddedFile {
    schema: u32,
    id: String,
    version: String,
    current_to: Date,
    listings: Vec<Listing>,
}

/// The lists in use: the embedded ones and those the officer added and has not retired.
#[derive(Debug)]
pub struct PartyLists {
    /// "mofcom-parties 2026.12.04".
    pub version: String,
    /// SHA-256 of the embedded lists' bytes.
    pub sha256: String,
    /// The newest listing the embedded lists hold.
    pub current_to: Date,
    /// The embedded listings, with their entries.
    pub listings: Vec<Listing>,
    /// The added lists in use, whose entries are read when needed.
    pub added: Vec<AddedSource>,
}

impl PartyLists {
    /// The embedded lists. Checked by the test suite, so an error means a broken build.
    pub fn embedded() -> Result<PartyLists, String> {
        let file: EmbeddedFile = serde_json::from_str(EMBEDDED_TEXT)
            .map_err(|e| format!("embedded party lists: {e}"))?;
        if file.schema != 1 {
            return Err(format!(
                "embedded party lists: schema {} not known",
                file.schema
            ));
        }
        Ok(PartyLists {
            version: format!("{} {}", file.id, file.version),
            sha256: format!("{:x}", Sha256::digest(EMBEDDED_TEXT.as_bytes())),
            current_to: file.current_to,
            listings: file.listings,
            added: Vec::new(),
        })
    }

    /// The embedded lists and, from `store`, every added list not retired.
    pub fn load(store: Option<&ListStore>) -> Result<PartyLists, String> {
        let mut lists = PartyLists::embedded()?;
        if let Some(store) = store {
            lists.added = store.in_use()?;
        }
        Ok(lists)
    }

    /// What every record names: the embedded version and hash, then each added list's hash.
    pub fn names(&self) -> Vec<String> {
        std::iter::once(format!("{} sha256 {}", self.version, &self.sha256[..16]))
            .chain(
                self.added
                    .iter()
                    .map(|a| format!("added {} sha256 {}", a.list.file, &a.list.sha256[..16])),
            )
            .collect()
    }

    /// How many entries there are, embedded and added.
    pub fn entry_count(&self) -> usize {
        self.listings.iter().map(|l| l.entries.len()).sum::<usize>()
            + self
                .added
                .iter()
                .map(|a| a.prepared.entry_count())
                .sum::<usize>()
    }

    /// Entry `number`, counting the embedded listings' entries in order, then each added
    /// list's (the numbering of [`Index`]).
    pub fn entry_at(&self, mut number: usize) -> Option<(&Listing, Cow<'_, Entry>)> {
        for listing in &self.listings {
            match listing.entries.get(number) {
                Some(entry) => return Some((listing, Cow::Borrowed(entry))),
                None => number -= listing.entries.len(),
            }
        }
        for added in &self.added {
            match added.prepared.entry(number) {
                Some((listing, entry)) => return Some((listing, Cow::Owned(entry))),
                None => number -= added.prepared.entry_count(),
            }
        }
        None
    }

    pub fn entry(&self, id: &str) -> Option<(&Listing, Cow<'_, Entry>)> {
        self.listings
            .iter()
            .find_map(|l| {
                l.entries
                    .iter()
                    .find(|e| e.id == id)
                    .map(|e| (l, Cow::Borrowed(e)))
            })
            .or_else(|| {
                self.added.iter().find_map(|a| {
                    let (listing, entry) = a.prepared.entry(a.prepared.position(id)?)?;
                    Some((listing, Cow::Owned(entry)))
                })
            })
    }

    /// Every entry with its listing, in the order of [`PartyLists::entry_at`].
    pub fn entries(&self) -> impl Iterator<Item = (&Listing, Cow<'_, Entry>)> {
        self.listings
            .iter()
            .flat_map(|l| l.entries.iter().map(move |e| (l, Cow::Borrowed(e))))
            .chain(
                self.added
                    .iter()
                    .flat_map(|a| a.prepared.entries().map(|(l, e)| (l, Cow::Owned(e)))),
            )
    }
}

/// The party lists a saved record's line names (its determination's `party_lists`), read
/// without decoding the record: `history verify` checks each is still kept.
pub fn lists_named_by(record: &[u8]) -> Vec<String> {
    let key = b"\"party_lists\":";
    let Some(at) = memchr::memmem::find(record, key) else {
        return Vec::new();
    };
    serde_json::Deserializer::from_slice(&record[at + key.len()..])
        .into_iter::<Vec<String>>()
        .next()
        .and_then(Result::ok)
        .unwrap_or_default()
}

/// The lists in use with their index: what screens a screening's names.
pub struct Screener {
    pub lists: PartyLists,
    pub index: Index,
}

impl Screener {
    pub fn new(lists: PartyLists) -> Screener {
        let index = Index::new(&lists);
        Screener { lists, index }
    }

    /// The findings for a record screened again: the officer's earlier confirmations and
    /// dismissals (in `earlier`) kept where the same entry still matches the same name.
    pub fn findings_again(
        &self,
        details: &crate::screening::Details,
        date: Date,
        earlier: &[PartyFinding],
    ) -> Vec<PartyFinding> {
        let mut findings = self.findings(details, date, &[]).unwrap_or_default();
        for f in &mut findings {
            let before = earlier
                .iter()
                .find(|e| e.entry == f.entry && e.field == f.field && e.given == f.given);
            match before {
                Some(e) if e.kind == FindingKind::Dismissed => {
                    let reason = e.reason.clone().unwrap_or_default();
                    let _ = f.review(&Review::Dismiss(reason));
                }
                Some(e) if e.confirmed => {
                    let _ = f.review(&Review::Confirm);
                }
                _ => {}
            }
        }
        findings
    }

    /// The findings for the counterparty and end-user names of `details` on `date`, with
    /// the officer's reviews (entry id, decision) applied. A review naming no finding is an
    /// error, so a mistyped id is never silently ignored.
    pub fn findings(
        &self,
        details: &crate::screening::Details,
        date: Date,
        reviews: &[(String, Review)],
    ) -> Result<Vec<PartyFinding>, String> {
        let mut findings = Vec::new();
        for (field, name) in [
            (Field::Counterparty, &details.counterparty),
            (Field::EndUser, &details.end_user),
        ] {
            if !name.trim().is_empty() {
                findings.extend(self.lists.screen(&self.index, field, name.trim(), date));
            }
        }
        for (entry, review) in reviews {
            let mut found = false;
            for f in findings.iter_mut().filter(|f| &f.entry == entry) {
                f.review(review)?;
                found = true;
            }
            if !found {
                return Err(format!(
                    "no name matched entry {}: `parties search NAME` shows the entries a name matches",
                    crate::text::sanitize(entry)
                ));
            }
        }
        Ok(findings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        text.parse().expect("date")
    }

    #[test]
    fn the_embedded_lists_load_with_every_designation() {
        let lists = PartyLists::embedded().expect("embedded lists");
        assert_eq!(lists.entries().count(), 277);
        let (listing, entry) = lists
            .entries()
            .find(|(_, e)| e.name == "MP Materials Corp.")
            .expect("MP Materials");
        assert_eq!(listing.short, "2026 No. 23");
        assert_eq!(listing.list, ListKind::ControlList);
        assert_eq!(entry.name_zh.as_deref(), Some("芒廷帕斯材料公司"));
        assert_eq!(entry.grade, Grade::X, "seen only in a compilation");
        let mut ids: Vec<String> = lists.entries().map(|(_, e)| e.id.clone()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 277, "entry ids are unique");
    }

    #[test]
    fn a_listing_status_is_rebuilt_from_its_events() {
        let lists = PartyLists::embedded().expect("lists");
        let listing = |id: &str| lists.listings.iter().find(|l| l.id == id).expect("listing");
        let cases = [
            ("2026-23", "2026-03-02", "not_yet"),
            ("2026-23", "2026-12-04", "in_force"),
            ("2025-13", "2026-03-02", "suspended"),
            ("2025-13", "2025-10-01", "in_force"),
            ("2025-13", "2026-12-04", "resumed"),
            ("2025-22", "2025-06-01", "suspended"),
            ("2025-22", "2025-09-01", "stopped"),
            ("2025-21", "2025-09-01", "suspended"),
            ("uel-20250404", "2025-09-01", "suspended"),
            ("order-2025-5", "2026-04-24", "stopped"),
        ];
        for (id, on, expected) in cases {
            let status = listing(id).status_on(date(on));
            assert_eq!(status.id(), expected, "{id} on {on}: {}", status.words());
        }
    }

    #[test]
    fn a_gap_no_source_fills_is_unknown() {
        let lists = PartyLists::embedded().expect("lists");
        let mut listing = lists
            .listings
            .iter()
            .find(|l| l.id == "uel-20250404")
            .expect("listing")
            .clone();
        // As built before the 12 Aug 2025 continuation was found.
        listing.timeline[1] = StatusEvent {
            from: date("2025-08-12"),
            state: State::Unknown,
            until: None,
            text: "no status recorded".into(),
            sources: Vec::new(),
            verify: None,
        };
        assert_eq!(listing.status_on(date("2025-09-01")).id(), "unknown");
    }

    #[test]
    fn listings_whose_measures_are_not_known_decide_nothing() {
        let lists = PartyLists::embedded().expect("lists");
        for listing in &lists.listings {
            for clause in &listing.clauses {
                match listing.list {
                    ListKind::UnreliableEntity | ListKind::Countermeasure => {
                        assert_eq!(clause.effect, None, "{}", listing.id);
                        assert!(clause.verify.is_some(), "{}", listing.id);
                    }
                    _ => assert!(clause.effect.is_some(), "{}", listing.id),
                }
            }
        }
    }
}
