//! Licences held: once a case needs a licence, the officer records the licence granted (or
//! the refusal) as a record of its own that points at the case's current record. It never
//! supersedes anything, so it never becomes a case's current record; it is chained and
//! verified like every other line. The case's current determination shows the newest
//! licence recorded for any record of the case, and warns when it has expired or soon will.

use std::collections::HashSet;
use std::fs::File;
use std::io;
use std::ops::ControlFlow;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::chain::chain_fields;
use super::lines::newest_records;

/// How many days ahead an expiry is warned of.
pub const EXPIRY_WARNING_DAYS: i32 = 30;

/// The longest text a licence field takes (a number, an authority, a quantity, a note).
const MAX_TEXT: usize = 500;

/// What kind of licence it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum LicenceKind {
    /// A dual-use item export licence (MOFCOM).
    DualUse,
    /// A technology export licence.
    Technology,
    /// A general licence (通用许可).
    General,
    Other,
}

impl LicenceKind {
    pub const ALL: [LicenceKind; 4] = [
        LicenceKind::DualUse,
        LicenceKind::Technology,
        LicenceKind::General,
        LicenceKind::Other,
    ];

    pub fn label(self) -> &'static str {
        match self {
            LicenceKind::DualUse => "dual-use export licence",
            LicenceKind::Technology => "technology export licence",
            LicenceKind::General => "general licence (通用许可)",
            LicenceKind::Other => "other licence",
        }
    }
}

/// A licence granted or refused, as the officer recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Licence {
    pub number: String,
    pub kind: LicenceKind,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub authority: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<Date>,
    /// Required for a licence granted; a refusal has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<Date>,
    /// The quantity or value it covers, as written on it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub quantity: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub refused: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// Where a licence stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validity {
    Refused,
    NotYetValid,
    Valid,
    /// Valid, and ends within [`EXPIRY_WARNING_DAYS`]: the days left (0: today is the last).
    Expiring(i32),
    Expired,
}

impl Licence {
    /// Why it cannot be recorded as given, if it cannot.
    pub fn check(&self) -> Result<(), String> {
        if self.number.trim().is_empty() {
            return Err("a licence number is required (--number)".into());
        }
        for (name, text) in [
            ("number", &self.number),
            ("authority", &self.authority),
            ("quantity", &self.quantity),
            ("note", &self.note),
        ] {
            let count = text.chars().count();
            if count > MAX_TEXT {
                return Err(format!(
                    "the licence {name} is {count} characters; at most {MAX_TEXT} allowed"
                ));
            }
        }
        match (self.refused, self.valid_from, self.valid_until) {
            (false, _, None) => Err("a licence granted needs its last valid day (--valid-until); a refusal is recorded with --refused".into()),
            (true, _, Some(_)) => Err("a refusal has no validity: leave out --valid-until".into()),
            (_, Some(from), Some(until)) if from > until => Err(format!(
                "the licence is valid from {from}, after its last valid day {until}"
            )),
            _ => Ok(()),
        }
    }

    pub fn validity(&self, today: Date) -> Validity {
        if self.refused {
            return Validity::Refused;
        }
        if self.valid_from.is_some_and(|from| today < from) {
            return Validity::NotYetValid;
        }
        match self.valid_until {
            Some(until) if until < today => Validity::Expired,
            Some(until) => {
                let left = (until - today).get_days();
                if left <= EXPIRY_WARNING_DAYS {
                    Validity::Expiring(left)
                } else {
                    Validity::Valid
                }
            }
            None => Validity::Valid,
        }
    }

    /// Whether it is a licence granted whose last valid day is within `days` of `today` (or
    /// already past).
    pub fn expires_within(&self, today: Date, days: i32) -> bool {
        !self.refused
            && self
                .valid_until
                .is_some_and(|until| (until - today).get_days() <= days)
    }

    /// "No. X (dual-use export licence, MOFCOM), valid 2026-01-05 until 2026-12-31, for
    /// 200 kg; note", unsanitised.
    pub fn describe(&self) -> String {
        let mut text = format!("No. {} ({}", self.number, self.kind.label());
        if !self.authority.is_empty() {
            text.push_str(&format!(", {}", self.authority));
        }
        text.push(')');
        match (self.valid_from, self.valid_until) {
            (Some(from), Some(until)) => text.push_str(&format!(", valid {from} until {until}")),
            (None, Some(until)) => text.push_str(&format!(", valid until {until}")),
            _ => {}
        }
        if !self.quantity.is_empty() {
            text.push_str(&format!(", for {}", self.quantity));
        }
        if !self.note.is_empty() {
            text.push_str(&format!("; {}", self.note));
        }
        text
    }

    /// What a reader of the case must be told on `today`, if anything.
    pub fn warning(&self, today: Date) -> Option<String> {
        match self.validity(today) {
            Validity::Expired => Some(format!(
                "EXPIRED: the licence's last valid day was {}",
                self.valid_until.map(|d| d.to_string()).unwrap_or_default()
            )),
            Validity::Expiring(0) => Some("EXPIRES TODAY: today is its last valid day".into()),
            Validity::Expiring(days) => Some(format!(
                "EXPIRES in {days} day(s), on {}",
                self.valid_until.map(|d| d.to_string()).unwrap_or_default()
            )),
            Validity::NotYetValid => Some(format!(
                "NOT YET VALID: valid from {}",
                self.valid_from.map(|d| d.to_string()).unwrap_or_default()
            )),
            Validity::Refused | Validity::Valid => None,
        }
    }
}

/// A licence recorded, and the record it was recorded about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LicenceRecord {
    pub id: String,
    pub about: String,
    pub licence: Licence,
}

/// The licence part of a record's bytes, when it is a licence record; found without parsing
/// the rest (the keys come before the record's free text, see `chain_fields`).
pub(crate) fn licence_of(record: &[u8]) -> Option<LicenceRecord> {
    memchr::memmem::find(record, b"\"kind\":\"licence\"")?;
    #[derive(Deserialize)]
    struct Part {
        id: String,
        about: String,
        licence: Licence,
    }
    let part: Part = serde_json::from_slice(record).ok()?;
    Some(LicenceRecord {
        id: part.id,
        about: part.about,
        licence: part.licence,
    })
}

/// The newest licence recorded about the case of record `id` (about it or any record it
/// supersedes, directly or not), reading from the history's end. A licence is recorded
/// about a case's current record, so it is newer than the record superseding that one:
/// reading newest first, each record of the case is known before its licences, and the
/// reading stops at the case's first record.
pub(crate) fn held(file: &File, id: &str) -> io::Result<Option<LicenceRecord>> {
    let mut case: HashSet<String> = HashSet::from([id.to_string()]);
    newest_records(file, |record| {
        if let Some(found) = licence_of(record) {
            return if case.contains(&found.about) {
                ControlFlow::Break(Some(found))
            } else {
                ControlFlow::Continue(())
            };
        }
        match chain_fields(record) {
            (Some(at), Some(earlier)) if case.contains(at) => {
                case.insert(earlier.to_string());
                ControlFlow::Continue(())
            }
            // The case's first record: every licence about the case is newer.
            (Some(at), None) if case.contains(at) => ControlFlow::Break(None),
            _ => ControlFlow::Continue(()),
        }
    })
}

/// Every record's newest licence, by the record it was recorded about, reading from the
/// history's end: for exports and `history list --expiring`, which read every line anyway.
#[derive(Debug, Default)]
pub struct Licences {
    /// Record id -> the newest licence about it.
    about: std::collections::HashMap<String, LicenceRecord>,
    /// Record id -> the record superseding it, so a later record of the case finds the
    /// licence recorded about an earlier one.
    superseded_by: std::collections::HashMap<String, String>,
    /// The licence records' own ids.
    records: HashSet<String>,
}

impl Licences {
    /// Note a record's bytes, read in file order.
    pub fn note(&mut self, record: &[u8]) {
        if let Some(found) = licence_of(record) {
            self.records.insert(found.id.clone());
            self.about.insert(found.about.clone(), found);
            return;
        }
        if let (Some(id), Some(earlier)) = chain_fields(record) {
            self.superseded_by
                .insert(earlier.to_string(), id.to_string());
        }
    }

    /// The newest licence recorded about the case of record `id`: about it or about a
    /// record it supersedes.
    pub fn for_case(&self, id: &str) -> Option<&LicenceRecord> {
        let ancestors: Vec<&str> = {
            let earlier: std::collections::HashMap<&str, &str> = self
                .superseded_by
                .iter()
                .map(|(old, new)| (new.as_str(), old.as_str()))
                .collect();
            std::iter::successors(Some(id), |at| earlier.get(at).copied()).collect()
        };
        ancestors
            .iter()
            .filter_map(|at| self.about.get(*at))
            .max_by(|a, b| a.id.cmp(&b.id))
    }

    /// The licence that stands for the case `about` belongs to: the newest recorded about
    /// any record of the case, found from the case's current record.
    pub fn standing_for(&self, about: &str) -> Option<&LicenceRecord> {
        let head = std::iter::successors(Some(about), |at| {
            self.superseded_by.get(*at).map(String::as_str)
        })
        .last()?;
        self.for_case(head)
    }

    /// Whether `id` is a licence record.
    pub fn is_licence(&self, id: &str) -> bool {
        self.records.contains(id)
    }

    /// Every licence noted, newest recorded first.
    pub fn all(&self) -> Vec<&LicenceRecord> {
        let mut all: Vec<&LicenceRecord> = self.about.values().collect();
        all.sort_by(|a, b| b.id.cmp(&a.id));
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn licence(until: &str) -> Licence {
        Licence {
            number: "L-1".into(),
            kind: LicenceKind::DualUse,
            authority: "MOFCOM".into(),
            valid_from: None,
            valid_until: Some(until.parse().expect("date")),
            quantity: String::new(),
            refused: false,
            note: String::new(),
        }
    }

    #[test]
    fn validity_on_a_day_warns_within_thirty_days_and_after_expiry() {
        let today: Date = "2026-12-04".parse().expect("date");
        let cases = [
            ("2027-06-30", Validity::Valid),
            ("2027-01-03", Validity::Expiring(30)),
            ("2027-01-04", Validity::Valid),
            ("2026-12-04", Validity::Expiring(0)),
            ("2026-12-03", Validity::Expired),
        ];
        for (until, expected) in cases {
            assert_eq!(licence(until).validity(today), expected, "{until}");
        }
        assert!(
            licence("2026-12-03")
                .warning(today)
                .unwrap()
                .starts_with("EXPIRED")
        );
        assert!(licence("2027-06-30").warning(today).is_none());
        assert!(licence("2027-01-03").expires_within(today, 30));
        assert!(!licence("2027-01-04").expires_within(today, 30));
    }

    #[test]
    fn a_licence_needs_a_number_and_its_last_day_and_a_refusal_none() {
        assert!(licence("2027-01-01").check().is_ok());
        let mut refusal = licence("2027-01-01");
        refusal.refused = true;
        assert!(refusal.check().unwrap_err().contains("--valid-until"));
        refusal.valid_until = None;
        assert!(refusal.check().is_ok());
        let mut no_number = licence("2027-01-01");
        no_number.number = " ".into();
        assert!(no_number.check().unwrap_err().contains("number"));
        let mut backwards = licence("2027-01-01");
        backwards.valid_from = Some("2027-02-01".parse().expect("date"));
        assert!(
            backwards
                .check()
                .unwrap_err()
                .contains("after its last valid day")
        );
    }
}
