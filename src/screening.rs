//! One screening as an officer files it: the answers, the date and the record fields, and the
//! validation each field needs. Shared by the command line, the form and plain mode.

use std::sync::Arc;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::engine::{Answers, Determination, applies, determine};
use crate::rules::RuleSet;

/// The record fields an officer files with a screening.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Details {
    #[serde(default)]
    pub reference: String,
    #[serde(default)]
    pub counterparty: String,
    /// The end user, when another party than the counterparty (screened by name too).
    #[serde(default)]
    pub end_user: String,
    #[serde(default)]
    pub officer: String,
    #[serde(default)]
    pub notes: String,
    /// The record this screening was started from ("start from an earlier screening"), if
    /// any: set by the program, not typed.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub copied_from: String,
}

/// Limits per field, in characters: enough for real references and notes, short enough that
/// a pasted file cannot bloat the history.
pub const MAX_SHORT_FIELD: usize = 120;
pub const MAX_NOTES: usize = 2000;

/// A record field the form and the command line both edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Date,
    Reference,
    Counterparty,
    EndUser,
    Officer,
    Notes,
}

impl Field {
    pub const ALL: [Field; 6] = [
        Field::Date,
        Field::Reference,
        Field::Counterparty,
        Field::EndUser,
        Field::Officer,
        Field::Notes,
    ];

    /// The name used for the command-line flag, the batch column and the settings key.
    pub fn id(self) -> &'static str {
        match self {
            Field::Date => "date",
            Field::Reference => "reference",
            Field::Counterparty => "counterparty",
            Field::EndUser => "end_user",
            Field::Officer => "officer",
            Field::Notes => "notes",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Field::Date => "Screening date",
            Field::Reference => "Reference",
            Field::Counterparty => "Counterparty",
            Field::EndUser => "End user",
            Field::Officer => "Officer",
            Field::Notes => "Notes",
        }
    }

    pub fn max_chars(self) -> usize {
        match self {
            Field::Date => 10,
            Field::Notes => MAX_NOTES,
            _ => MAX_SHORT_FIELD,
        }
    }

    pub fn get(self, details: &Details) -> Option<&str> {
        Some(match self {
            Field::Date => return None,
            Field::Reference => &details.reference,
            Field::Counterparty => &details.counterparty,
            Field::EndUser => &details.end_user,
            Field::Officer => &details.officer,
            Field::Notes => &details.notes,
        })
    }

    pub fn set(self, details: &mut Details, value: String) {
        match self {
            Field::Date => {}
            Field::Reference => details.reference = value,
            Field::Counterparty => details.counterparty = value,
            Field::EndUser => details.end_user = value,
            Field::Officer => details.officer = value,
            Field::Notes => details.notes = value,
        }
    }
}

/// Parse a date as an officer types it: `YYYY-MM-DD`, or `DD.MM.YYYY` (the German and
/// Swiss way), with a message an officer can act on. `DD/MM/YYYY` and `MM/DD/YYYY` look
/// alike (04/12/2026 is 4 December or 12 April), so slashes are refused as ambiguous rather
/// than guessed. The one date parser of the form, plain mode, the command line and batch.
pub fn parse_date(text: &str) -> Result<Date, String> {
    let text = text.trim();
    let shaped = |separator: u8, at: [usize; 2]| {
        text.len() == 10
            && text.bytes().enumerate().all(|(i, b)| {
                if at.contains(&i) {
                    b == separator
                } else {
                    b.is_ascii_digit()
                }
            })
    };
    let number = |range: std::ops::Range<usize>| text[range].parse::<i16>().ok();
    let (year, month, day) = if shaped(b'-', [4, 7]) {
        (number(0..4), number(5..7), number(8..10))
    } else if shaped(b'.', [2, 5]) {
        (number(6..10), number(3..5), number(0..2))
    } else if shaped(b'/', [2, 5]) {
        return Err(format!(
            "{text} is ambiguous (day/month or month/day?): write {}-{}-{} or {}.{}.{} for day {}, month {}",
            &text[6..10],
            &text[3..5],
            &text[0..2],
            &text[0..2],
            &text[3..5],
            &text[6..10],
            &text[0..2],
            &text[3..5],
        ));
    } else {
        return Err(format!(
            "\"{}\" is not a date: use YYYY-MM-DD or DD.MM.YYYY, e.g. 2025-11-07",
            crate::text::sanitize(text)
        ));
    };
    // Two digits always fit an i8.
    let date = match (year, month, day) {
        (Some(y), Some(m), Some(d)) => Date::new(y, m as i8, d as i8).ok(),
        _ => None,
    }
    .ok_or_else(|| format!("{text} is not a real calendar date"))?;
    if !(FIRST_DATE..=LAST_DATE).contains(&date) {
        return Err(format!(
            "{text} is outside the dates ree-screen screens ({FIRST_DATE} to {LAST_DATE}); check the year"
        ));
    }
    Ok(date)
}

/// The first and last dates a screening may be for: a date outside (a year typed 0025 for
/// 2025) would be screened as a time before or after every measure, giving a lighter result
/// than the date meant.
pub const FIRST_DATE: Date = jiff::civil::date(1990, 1, 1);
pub const LAST_DATE: Date = jiff::civil::date(2099, 12, 31);

/// Check a record field's length and content; the message names the field.
pub fn validate_field(field: Field, value: &str) -> Result<(), String> {
    let count = value.chars().count();
    if count > field.max_chars() {
        return Err(format!(
            "{} is {count} characters; at most {} allowed",
            field.label(),
            field.max_chars()
        ));
    }
    match field {
        Field::Date => {
            parse_date(value)?;
        }
        // Names are screened against the lists: one with a control character is refused
        // wherever it is typed, not kept in a record (a blank field names nobody).
        Field::Counterparty | Field::EndUser if !value.is_empty() => {
            crate::parties::validate_name(field.label(), value)?;
        }
        _ => {}
    }
    Ok(())
}

/// The answers to keep: those to questions that apply given the others. An answer to a
/// question that cannot apply (a production line when the stage is mining) is dropped, so a
/// record says "not asked" rather than carrying an answer that played no part.
pub fn applicable_answers(rules: &RuleSet, answers: &Answers, date: Date) -> Answers {
    let mut kept = answers.clone();
    for (q, _) in answers.iter() {
        if applies(rules, answers, date, q) == Some(false) {
            kept.remove(q);
        }
    }
    kept
}

/// A finished screening: what was asked, what was decided, and the record fields.
/// The determination is shared, so a batch of rows with the same answers holds it once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Screening {
    pub determination: Arc<Determination>,
    pub details: Details,
}

impl Screening {
    pub fn run(rules: &RuleSet, answers: &Answers, date: Date, details: Details) -> Screening {
        let answers = applicable_answers(rules, answers, date);
        Screening {
            determination: Arc::new(determine(rules, &answers, date)),
            details,
        }
    }

    /// The counterparty and end user screened by name: what they matched (with the
    /// officer's reviews) put beside the determination, and the lists named.
    pub fn with_parties(
        self,
        rules: &RuleSet,
        screener: &crate::parties::Screener,
        reviews: &[(String, crate::parties::Review)],
    ) -> Result<Screening, String> {
        let findings = screener.findings(&self.details, self.determination.date, reviews)?;
        Ok(self.with_findings(rules, &screener.lists, findings))
    }

    /// The findings already made (and reviewed) for these names put beside the
    /// determination, naming `lists`.
    pub fn with_findings(
        mut self,
        rules: &RuleSet,
        lists: &crate::parties::PartyLists,
        findings: Vec<crate::parties::PartyFinding>,
    ) -> Screening {
        let d = Arc::make_mut(&mut self.determination);
        d.party_lists = lists.names();
        crate::parties::apply(rules, d, findings);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_with_a_control_character_is_refused_in_either_name_field() {
        for field in [Field::Counterparty, Field::EndUser] {
            let refused = validate_field(field, "Bad\u{7}Name").expect_err("refused");
            assert!(refused.contains("control character (U+0007)"), "{refused}");
            assert_eq!(validate_field(field, ""), Ok(()), "blank: nobody named");
            assert_eq!(validate_field(field, "MP Materials Corp."), Ok(()));
        }
        assert_eq!(validate_field(Field::Reference, "PO-1"), Ok(()));
    }

    #[test]
    fn dates_parse_as_iso_or_day_month_year_and_slashes_are_refused_as_ambiguous() {
        for (text, iso) in [
            ("2026-12-04", "2026-12-04"),
            ("04.12.2026", "2026-12-04"),
            (" 29.02.2028 ", "2028-02-29"),
        ] {
            assert_eq!(parse_date(text).map(|d| d.to_string()).as_deref(), Ok(iso));
        }
        for (text, message) in [
            (
                "04/12/2026",
                "04/12/2026 is ambiguous (day/month or month/day?): write 2026-12-04 or 04.12.2026",
            ),
            ("12/04/2026", "is ambiguous"),
            ("31.02.2026", "31.02.2026 is not a real calendar date"),
            ("2026-13-01", "not a real calendar date"),
            ("4.12.2026", "use YYYY-MM-DD or DD.MM.YYYY"),
            ("2026.12.04", "use YYYY-MM-DD or DD.MM.YYYY"),
            ("yesterday", "is not a date"),
        ] {
            let error = parse_date(text).expect_err(text);
            assert!(error.contains(message), "{text}: {error}");
        }
    }
}
