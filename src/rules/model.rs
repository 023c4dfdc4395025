//! The rule set as data: questions and their options, measures with their dates and
//! suspension windows, clauses (the citable paraphrases) and the rules that tie answers to
//! clauses and outcomes. Deserialised from `assets/rules/*.json`; checked by `validate`.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// The answer every question offers when the officer does not know yet. The engine expands it
/// to every other option, so rules never name it.
pub const UNKNOWN: &str = "unknown";

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSet {
    pub id: String,
    pub version: String,
    /// The day the rule set was last checked against its sources.
    pub reviewed: Date,
    pub title: String,
    pub disclaimer: String,
    pub questions: Questions,
    pub measures: Vec<Measure>,
    pub clauses: Vec<Clause>,
    pub rules: Vec<Rule>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Questions {
    pub stage: Question,
    pub origin: Question,
    pub recipient: Question,
}

/// The three questions a screening asks, in the order the form asks them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionId {
    Stage,
    Origin,
    Recipient,
}

impl QuestionId {
    pub const ALL: [QuestionId; 3] = [QuestionId::Stage, QuestionId::Origin, QuestionId::Recipient];

    pub fn key(self) -> &'static str {
        match self {
            QuestionId::Stage => "stage",
            QuestionId::Origin => "origin",
            QuestionId::Recipient => "recipient",
        }
    }
}

impl Questions {
    pub fn get(&self, id: QuestionId) -> &Question {
        match id {
            QuestionId::Stage => &self.stage,
            QuestionId::Origin => &self.origin,
            QuestionId::Recipient => &self.recipient,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub title: String,
    pub description: String,
    pub options: Vec<AnswerOption>,
}

impl Question {
    pub fn option(&self, id: &str) -> Option<&AnswerOption> {
        self.options.iter().find(|o| o.id == id)
    }

    pub fn option_ids(&self) -> impl Iterator<Item = &str> {
        self.options.iter().map(|o| o.id.as_str())
    }

    /// Every option an `unknown` answer could stand for.
    pub fn known_option_ids(&self) -> impl Iterator<Item = &str> {
        self.option_ids().filter(|id| *id != UNKNOWN)
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerOption {
    pub id: String,
    pub label: String,
    pub help: String,
    #[serde(default)]
    pub example: Option<String>,
    /// The control code or article the option relates to, for the help panel.
    #[serde(default)]
    pub reference: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Measure {
    pub id: String,
    /// Citable name, e.g. "MOFCOM Announcement 2025 No. 61".
    pub name: String,
    /// Short name for narrow screens, e.g. "No. 61".
    pub short: String,
    pub title: String,
    pub published: Date,
    pub effective: Date,
    /// The last day of a measure that runs for a fixed term (No. 70's suspension).
    #[serde(default)]
    pub in_force_until: Option<Date>,
    #[serde(default)]
    pub suspensions: Vec<Suspension>,
    /// The last day for which a public source confirms the measure's status. Past it the
    /// engine marks the measure `unverified` and applies it as written (conservative).
    pub verified_until: Date,
    pub sources: Vec<Source>,
    #[serde(default)]
    pub note: Option<String>,
}

/// A window, both ends inclusive, in which a measure is suspended by another measure.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Suspension {
    pub from: Date,
    pub until: Date,
    /// The clause that suspends it (e.g. No. 70's operative sentence).
    pub by: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum Grade {
    /// Official text or a verbatim repost of it.
    P,
    /// Secondary: law firms, the press, trade offices.
    S,
    /// Automated extraction of MOFCOM pages; to be verified.
    X,
}

impl Grade {
    pub fn describe(self) -> &'static str {
        match self {
            Grade::P => "official text",
            Grade::S => "secondary source",
            Grade::X => "machine extraction, verify",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub url: String,
    pub grade: Grade,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Clause {
    pub id: String,
    pub measure: String,
    pub article: String,
    #[serde(default)]
    pub code: Option<String>,
    /// A faithful paraphrase of what the clause says.
    pub text: String,
    /// Overrides the measure's effective date where one article starts later.
    #[serde(default)]
    pub effective: Option<Date>,
    pub sources: Vec<Source>,
    /// Set where the source material says the fact is unconfirmed.
    #[serde(default)]
    pub verify: bool,
    #[serde(default)]
    pub note: Option<String>,
}

/// What a screening leads to, least to most severe (the derived order is the severity).
impl Clause {
    /// The article with its control code where it has one, e.g. "Art. 1 (1E902.a)".
    pub fn cited_as(&self) -> String {
        match &self.code {
            Some(code) => format!("{} ({code})", self.article),
            None => self.article.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    NoLicenseRequired,
    Exempt,
    LicenseRequired,
    CaseByCase,
    DeniedInPrinciple,
    Prohibited,
}

impl Outcome {
    pub const ALL: [Outcome; 6] = [
        Outcome::NoLicenseRequired,
        Outcome::Exempt,
        Outcome::LicenseRequired,
        Outcome::CaseByCase,
        Outcome::DeniedInPrinciple,
        Outcome::Prohibited,
    ];

    /// The identifier used on the command line and in JSON.
    pub fn id(self) -> &'static str {
        match self {
            Outcome::NoLicenseRequired => "no_license_required",
            Outcome::Exempt => "exempt",
            Outcome::LicenseRequired => "license_required",
            Outcome::CaseByCase => "case_by_case",
            Outcome::DeniedInPrinciple => "denied_in_principle",
            Outcome::Prohibited => "prohibited",
        }
    }

    pub fn from_id(id: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.id() == id)
    }

    pub fn label(self) -> &'static str {
        match self {
            Outcome::NoLicenseRequired => "No licence required under these measures",
            Outcome::Exempt => "Exempt (reporting duty applies)",
            Outcome::LicenseRequired => "Licence required",
            Outcome::CaseByCase => "Licence required, case-by-case review",
            Outcome::DeniedInPrinciple => "Licence denied in principle",
            Outcome::Prohibited => "Export prohibited",
        }
    }

    /// A plain-ASCII mark, so the outcome never depends on colour or on glyph support.
    pub fn symbol(self) -> &'static str {
        match self {
            Outcome::NoLicenseRequired => "[ok]",
            Outcome::Exempt => "[ex]",
            Outcome::LicenseRequired => "[ !]",
            Outcome::CaseByCase => "[ ?]",
            Outcome::DeniedInPrinciple => "[!!]",
            Outcome::Prohibited => "[XX]",
        }
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub id: String,
    pub when: Condition,
    pub outcome: Outcome,
    /// Every clause the rule rests on; the rule applies only while all of them are in force.
    pub clauses: Vec<String>,
    /// Why the rule fires, in plain words.
    pub why: String,
}

/// Which answers make a rule fire. A missing list matches any answer.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    #[serde(default)]
    pub stage: Option<Vec<String>>,
    #[serde(default)]
    pub origin: Option<Vec<String>>,
    #[serde(default)]
    pub recipient: Option<Vec<String>>,
}

impl Condition {
    pub fn get(&self, id: QuestionId) -> Option<&[String]> {
        match id {
            QuestionId::Stage => self.stage.as_deref(),
            QuestionId::Origin => self.origin.as_deref(),
            QuestionId::Recipient => self.recipient.as_deref(),
        }
    }
}

impl RuleSet {
    pub fn measure(&self, id: &str) -> Option<&Measure> {
        self.measures.iter().find(|m| m.id == id)
    }

    pub fn clause(&self, id: &str) -> Option<&Clause> {
        self.clauses.iter().find(|c| c.id == id)
    }

    pub fn info(&self) -> RuleSetInfo {
        RuleSetInfo {
            id: self.id.clone(),
            version: self.version.clone(),
            reviewed: self.reviewed,
        }
    }
}

/// What a saved record or a report needs to name the rule set it was decided under.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct RuleSetInfo {
    pub id: String,
    pub version: String,
    pub reviewed: Date,
}
