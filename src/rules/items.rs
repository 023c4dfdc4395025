//! The items catalogue (`assets/items.json`): every named item of Nos. 18, 56 and 57 and of
//! No. 61 Annex 1, each with its control code, reference customs codes, description and
//! grades, and the one option of the rule set's goods question (its class) that the rules
//! test. It sits beside the rule set, as the countries do: the engine only ever sees the
//! class, so the items cost it nothing.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::model::{RuleSet, UNKNOWN};

/// The catalogue compiled into the binary.
const ITEMS_TEXT: &str = include_str!("../../assets/items.json");

/// How far a code can be trusted. No code was read on an official page, so none is
/// "confirmed".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
pub enum CodeGrade {
    /// Printed in a verbatim repost of the official text.
    P,
    /// Given by a secondary source.
    S,
    /// From a machine extraction (or a garbled repost): verify.
    X,
    /// Seen in no source: inferred from the sequence of codes.
    #[serde(rename = "inferred")]
    Inferred,
    /// No code seen.
    #[serde(rename = "none")]
    NotSeen,
}

impl CodeGrade {
    /// One word for narrow lists: "repost", "secondary", "verify", "inferred".
    pub fn tag(self) -> &'static str {
        match self {
            CodeGrade::P => "repost",
            CodeGrade::S => "secondary",
            CodeGrade::X => "verify",
            CodeGrade::Inferred => "inferred",
            CodeGrade::NotSeen => "no code",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            CodeGrade::P => "from a repost",
            CodeGrade::S => "secondary source",
            CodeGrade::X => "machine extraction: verify",
            CodeGrade::Inferred => "inferred, seen in no source: verify",
            CodeGrade::NotSeen => "no code seen",
        }
    }
}

/// A reference customs code: indicative only (items are controlled by description).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CustomsCode {
    pub code: String,
    pub grade: CodeGrade,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// Lower-case words: `dy_oxide`, `smco_magnet`.
    pub id: String,
    pub name: String,
    /// The option of the goods question the item belongs to.
    pub class: String,
    /// The control code, e.g. `1C902.a`.
    pub code: String,
    pub code_grade: CodeGrade,
    pub description: String,
    #[serde(default)]
    pub customs: Vec<CustomsCode>,
    /// Where the code and the description come from, with their grades.
    pub source: String,
    /// What is open about the item (an inferred code, a class the texts leave unclear).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Other names to find it by (element symbols, trade names, CAS numbers).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<String>,
}

impl Item {
    /// "1C905.b (inferred, seen in no source: verify)".
    pub fn code_words(&self) -> String {
        match self.code_grade {
            CodeGrade::NotSeen => "no control code seen".to_string(),
            grade => format!("{} ({})", self.code, grade.describe()),
        }
    }

    /// "2846901940 (secondary source), 2846901993 (secondary source)" or "none seen".
    pub fn customs_words(&self) -> String {
        if self.customs.is_empty() {
            return "none seen".to_string();
        }
        self.customs
            .iter()
            .map(|c| format!("{} ({})", c.code, c.grade.describe()))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// How well a search text matches: the id or a code typed in full first, then names
    /// with a word that starts with it ("dy" finds "Dy-Fe", not "neodymium"), then an id or
    /// code that contains it. Every word must match.
    pub fn rank(&self, search: &str) -> Option<u8> {
        let words: Vec<String> = search.split_whitespace().map(str::to_lowercase).collect();
        if words.is_empty() {
            return Some(3);
        }
        let names: Vec<String> = std::iter::once(&self.name)
            .chain(&self.also)
            .map(|n| n.to_lowercase())
            .collect();
        let codes: Vec<String> = std::iter::once(self.code.to_lowercase())
            .chain(self.customs.iter().map(|c| c.code.clone()))
            .collect();
        let mut best = 0;
        for word in &words {
            let rank = if self.id == *word || codes.iter().any(|c| c == word) {
                0
            } else if names.iter().any(|n| {
                n.split([' ', '-', ','])
                    .any(|part| part.starts_with(word.as_str()))
            }) {
                1
            } else if codes.iter().any(|c| c.contains(word.as_str()))
                || self.id.contains(word.as_str())
            {
                2
            } else {
                return None;
            };
            best = best.max(rank);
        }
        Some(best)
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct Meta {
    /// The question whose options are the items' classes.
    question: String,
    generated_from: String,
    note: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    meta: Meta,
    pub items: Vec<Item>,
}

impl Catalogue {
    /// The question the items answer (`goods`).
    pub fn question(&self) -> &str {
        &self.meta.question
    }

    /// What the grades mean and how far reference codes go.
    pub fn note(&self) -> &str {
        &self.meta.note
    }

    /// The facts the catalogue was built from.
    pub fn built_from(&self) -> &str {
        &self.meta.generated_from
    }

    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }

    /// The items matching `search` (every word somewhere in the id, name, other names,
    /// control code or customs codes), best first, in catalogue order within a rank.
    pub fn search(&self, search: &str) -> Vec<&Item> {
        let mut ranked: Vec<(u8, usize, &Item)> = self
            .items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| item.rank(search).map(|r| (r, i, item)))
            .collect();
        ranked.sort_by_key(|&(r, i, _)| (r, i));
        ranked.into_iter().map(|(_, _, item)| item).collect()
    }

    /// Whether the catalogue fits `rules`: each item's class is one concrete option of the
    /// question, and no item id is also an option id. The error names the item.
    pub fn check(&self, rules: &RuleSet) -> Result<(), String> {
        let Some(question) = rules.question(self.question()) else {
            return Err(format!(
                "the rule set has no question \"{}\" for the items",
                self.question()
            ));
        };
        let mut seen = std::collections::HashSet::new();
        for item in &self.items {
            if !seen.insert(item.id.as_str()) {
                return Err(format!("item id \"{}\" appears twice", item.id));
            }
            if question
                .option(&item.id)
                .is_some_and(|o| o.class.as_deref() != Some(item.class.as_str()))
            {
                return Err(format!(
                    "item id \"{}\" is also an option of {}",
                    item.id, question.id
                ));
            }
            match question.option(&item.class) {
                Some(o) if o.is_leaf() => {}
                _ => {
                    return Err(format!(
                        "item \"{}\" names class \"{}\", which is not a concrete option of {}",
                        item.id, item.class, question.id
                    ));
                }
            }
        }
        Ok(())
    }

    /// An answer given as an item id: its class and the item, when `value` names an item
    /// of this question and its class is an option of `rules`. An option id (or `unknown`)
    /// is not an item.
    pub fn resolve<'c>(
        &'c self,
        rules: &RuleSet,
        question: &str,
        value: &str,
    ) -> Option<(&'c str, &'c Item)> {
        if question != self.question() || value == UNKNOWN {
            return None;
        }
        let item = self.item(value)?;
        rules
            .question(question)?
            .option(&item.class)
            .filter(|o| o.is_leaf())?;
        Some((item.class.as_str(), item))
    }
}

/// The embedded catalogue. It is checked by the test suite, so a failure to parse means a
/// broken build; an empty catalogue stands in.
pub fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| {
        serde_json::from_str(ITEMS_TEXT).unwrap_or_else(|_| Catalogue {
            meta: Meta {
                question: String::new(),
                generated_from: String::new(),
                note: String::new(),
            },
            items: Vec::new(),
        })
    })
}
