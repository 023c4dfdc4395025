//! The officer's answers: a map from question id to option id. A question missing from the
//! map was not asked (it did not apply, or could not change the result).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::rules::{RuleSet, UNKNOWN};

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Answers(BTreeMap<String, String>);

impl Answers {
    pub fn new() -> Answers {
        Answers::default()
    }

    /// Builder form, for tests and fixed cases: `Answers::new().with("stage", "mining")`.
    pub fn with(mut self, question: &str, option: &str) -> Answers {
        self.set(question, option);
        self
    }

    /// Every question of the rule set answered `unknown`.
    pub fn all_unknown(rules: &RuleSet) -> Answers {
        let mut answers = Answers::new();
        for q in &rules.questions {
            answers.set(&q.id, UNKNOWN);
        }
        answers
    }

    pub fn get(&self, question: &str) -> Option<&str> {
        self.0.get(question).map(String::as_str)
    }

    pub fn set(&mut self, question: &str, option: &str) {
        self.0.insert(question.to_string(), option.to_string());
    }

    pub fn remove(&mut self, question: &str) {
        self.0.remove(question);
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(q, o)| (q.as_str(), o.as_str()))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Check every answer against the rule set's questions and options. The error names the
    /// question and lists the valid values (countries: the kind of code expected).
    pub fn validate(&self, rules: &RuleSet) -> Result<(), String> {
        for (q, value) in self.iter() {
            let Some(question) = rules.question(q) else {
                let known: Vec<&str> = rules.questions.iter().map(|q| q.id.as_str()).collect();
                return Err(format!(
                    "no question '{}' in this rule set: questions are {}",
                    crate::text::sanitize(q),
                    known.join(", ")
                ));
            };
            if question.option(value).is_none() {
                return Err(format!(
                    "invalid value '{}' for {}: {}",
                    crate::text::sanitize(value),
                    question.id,
                    valid_values(question)
                ));
            }
        }
        Ok(())
    }
}

/// A value as the rule set spells it: country codes upper case, other ids lower case, so
/// `de`, `DE` and ` De ` all answer Germany.
pub fn normalise(rules: &RuleSet, question: &str, value: &str) -> String {
    let value = value.trim();
    let country = rules
        .question(question)
        .is_some_and(|q| q.kind == crate::rules::QuestionKind::Country);
    if country && value.len() == 2 && !value.eq_ignore_ascii_case(UNKNOWN) {
        value.to_ascii_uppercase()
    } else {
        value.to_ascii_lowercase()
    }
}

/// What a question accepts, for error messages.
pub fn valid_values(question: &crate::rules::Question) -> String {
    match question.kind {
        crate::rules::QuestionKind::Country => {
            let extra: Vec<&str> = question
                .options
                .iter()
                .filter(|o| !crate::rules::countries().iter().any(|c| c.id == o.id))
                .map(|o| o.id.as_str())
                .collect();
            format!(
                "valid values are an ISO 3166-1 alpha-2 code (e.g. DE, US, JP) or {}",
                extra.join(", ")
            )
        }
        crate::rules::QuestionKind::Choice => {
            let valid: Vec<&str> = question
                .options
                .iter()
                .filter(|o| o.class.is_none())
                .map(|o| o.id.as_str())
                .collect();
            let items = if question.has_items() {
                " or an item id (`ree-screen items` lists them)"
            } else {
                ""
            };
            format!("valid values are {}{items}", valid.join(", "))
        }
    }
}
