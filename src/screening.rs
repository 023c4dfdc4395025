//! One screening as an officer files it: the answers, the date and the record fields, and the
//! validation each field needs. Shared by the command line, the form and plain mode.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::engine::{Answers, Determination, determine};
use crate::rules::{QuestionId, RuleSet};

/// The record fields an officer files with a screening.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Details {
    #[serde(default)]
    pub reference: String,
    #[serde(default)]
    pub counterparty: String,
    #[serde(default)]
    pub destination: String,
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
    Destination,
    Officer,
    Notes,
}

impl Field {
    pub const ALL: [Field; 6] = [
        Field::Date,
        Field::Reference,
        Field::Counterparty,
        Field::Destination,
        Field::Officer,
        Field::Notes,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Field::Date => "Screening date",
            Field::Reference => "Reference",
            Field::Counterparty => "Counterparty",
            Field::Destination => "Destination",
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
            Field::Destination => &details.destination,
            Field::Officer => &details.officer,
            Field::Notes => &details.notes,
        })
    }

    pub fn set(self, details: &mut Details, value: String) {
        match self {
            Field::Date => {}
            Field::Reference => details.reference = value,
            Field::Counterparty => details.counterparty = value,
            Field::Destination => details.destination = value,
            Field::Officer => details.officer = value,
            Field::Notes => details.notes = value,
        }
    }
}

/// Parse a screening date, `YYYY-MM-DD`, with a message an officer can act on.
pub fn parse_date(text: &str) -> Result<Date, String> {
    let text = text.trim();
    let shaped = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    if !shaped {
        return Err(format!("\"{text}\" is not a date: use YYYY-MM-DD, e.g. 2025-11-07"));
    }
    text.parse::<Date>()
        .map_err(|_| format!("{text} is not a real calendar date"))
}

/// Check a record field's length and content; the message names the field.
pub fn validate_field(field: Field, value: &str) -> Result<(), String> {
    let count = value.chars().count();
    if count > field.max_chars() {
        return Err(format!("{} is {count} characters; at most {} allowed", field.label(), field.max_chars()));
    }
    if field == Field::Date {
        parse_date(value)?;
    }
    Ok(())
}

/// Check every answer against the rule set's options; the error lists the valid values.
pub fn validate_answers(rules: &RuleSet, answers: &Answers) -> Result<(), String> {
    for q in QuestionId::ALL {
        let question = rules.questions.get(q);
        let value = answers.get(q);
        if question.option(value).is_none() {
            let valid: Vec<&str> = question.option_ids().collect();
            return Err(format!(
                "invalid value '{value}' for --{}: valid values are {}",
                q.key(),
                valid.join(", ")
            ));
        }
    }
    Ok(())
}

/// A finished screening: what was asked, what was decided, and the record fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Screening {
    #[serde(flatten)]
    pub determination: Determination,
    pub details: Details,
}

impl Screening {
    pub fn run(rules: &RuleSet, answers: &Answers, date: Date, details: Details) -> Screening {
        Screening {
            determination: determine(rules, answers, date),
            details,
        }
    }
}
