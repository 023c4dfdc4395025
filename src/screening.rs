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
    #[serde(default)]
    pub officer: String,
    #[serde(default)]
    pub notes: String,
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
    Officer,
    Notes,
}

impl Field {
    pub const ALL: [Field; 5] = [
        Field::Date,
        Field::Reference,
        Field::Counterparty,
        Field::Officer,
        Field::Notes,
    ];

    /// The name used for the command-line flag, the batch column and the settings key.
    pub fn id(self) -> &'static str {
        match self {
            Field::Date => "date",
            Field::Reference => "reference",
            Field::Counterparty => "counterparty",
            Field::Officer => "officer",
            Field::Notes => "notes",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Field::Date => "Screening date",
            Field::Reference => "Reference",
            Field::Counterparty => "Counterparty",
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
            Field::Officer => &details.officer,
            Field::Notes => &details.notes,
        })
    }

    pub fn set(self, details: &mut Details, value: String) {
        match self {
            Field::Date => {}
            Field::Reference => details.reference = value,
            Field::Counterparty => details.counterparty = value,
            Field::Officer => details.officer = value,
            Field::Notes => details.notes = value,
        }
    }
}

/// Parse a screening date, `YYYY-MM-DD`, with a message an officer can act on.
pub fn parse_date(text: &str) -> Result<Date, String> {
    let text = text.trim();
    let shaped = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !shaped {
        return Err(format!(
            "\"{}\" is not a date: use YYYY-MM-DD, e.g. 2025-11-07",
            crate::text::sanitize(text)
        ));
    }
    let date = text
        .parse::<Date>()
        .map_err(|_| format!("{text} is not a real calendar date"))?;
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
    if field == Field::Date {
        parse_date(value)?;
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
}
