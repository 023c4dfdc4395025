//! The rule set as data: the questions a screening asks (with their options, option groups and
//! the condition under which each is asked), measures with their dates and suspension windows,
//! clauses (the citable paraphrases), facts (named sets of cases that several rules share) and
//! the rules that tie answers to clauses, outcomes and licences. Deserialised from
//! `assets/rules/*.json` and compiled by the loader into [`Compiled`] for the engine.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// The answer every question offers when the officer does not know yet. The engine expands it
/// to every other option, so rules never name it.
pub const UNKNOWN: &str = "unknown";

/// The rule-set format this program writes and reads. Schema 3 adds answer verify notes,
/// a fact case's applicant, the lead on what followed a measure's end, and requires every
/// source to be a full address.
pub const RULES_SCHEMA: u32 = 3;

/// The oldest format still read, so the rule sets kept with older records still load.
pub const RULES_SCHEMA_OLDEST: u32 = 2;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSet {
    pub schema: u32,
    pub id: String,
    pub version: String,
    /// The day the rule set was last checked against its sources.
    pub reviewed: Date,
    /// What the review found about how current the sources are.
    #[serde(default)]
    pub reviewed_note: Option<String>,
    pub title: String,
    pub disclaimer: String,
    /// The measures the product is about (the October 2025 announcements): the determination
    /// always shows the clause of these that bears on the case, if one fired.
    #[serde(default)]
    pub focus: Option<Focus>,
    /// The questions, in the order the form asks them.
    pub questions: Vec<Question>,
    #[serde(default)]
    pub facts: Vec<Fact>,
    pub measures: Vec<Measure>,
    pub clauses: Vec<Clause>,
    pub rules: Vec<Rule>,
    /// Built by the loader: indices the engine works with, and the file's SHA-256.
    #[serde(skip)]
    pub compiled: Compiled,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Focus {
    /// E.g. "October 2025 announcements".
    pub label: String,
    pub measures: Vec<String>,
}

/// How a question's options are given.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    /// The options listed in the rule set.
    #[default]
    Choice,
    /// An ISO 3166-1 alpha-2 country from `assets/countries.json`, besides the listed options
    /// (at least `unknown`). Picked by typing part of a name or code.
    Country,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// Stable id: the command-line flag, the batch column and the answers' key.
    pub id: String,
    pub title: String,
    pub help: String,
    #[serde(default)]
    pub kind: QuestionKind,
    pub options: Vec<AnswerOption>,
    /// Asked only when the earlier answers match; otherwise the question does not apply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ask_when: Option<Condition>,
    /// Open points the sources leave about particular answers, by option id (e.g. whether a
    /// supply to Hong Kong is an export): raised as a "verify" flag whenever that answer is
    /// given.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub verify: BTreeMap<String, String>,
}

impl Question {
    pub fn option(&self, id: &str) -> Option<&AnswerOption> {
        self.options.iter().find(|o| o.id == id)
    }

    pub fn option_ids(&self) -> impl Iterator<Item = &str> {
        self.options.iter().map(|o| o.id.as_str())
    }

    /// The options a screening can settle on: not `unknown`, not a group.
    pub fn leaf_options(&self) -> impl Iterator<Item = &AnswerOption> {
        self.options.iter().filter(|o| o.is_leaf())
    }

    /// The label of an option id, or the id itself when the rule set does not know it.
    pub fn label_of<'a>(&'a self, id: &'a str) -> &'a str {
        self.option(id).map_or(id, |o| o.label.as_str())
    }

    /// The option an answer is screened as: an item's class, else the answer itself.
    pub fn screened_as<'a>(&'a self, id: &'a str) -> &'a str {
        self.option(id)
            .and_then(|o| o.class.as_deref())
            .unwrap_or(id)
    }

    /// Whether the catalogue's items answer this question (it is then picked from a list
    /// filtered by typing, like a country).
    pub fn has_items(&self) -> bool {
        self.options.iter().any(|o| o.class.is_some())
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerOption {
    pub id: String,
    pub label: String,
    #[serde(default)]
    pub help: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<String>,
    /// The measures or articles the option relates to, for the help panel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relates_to: Option<String>,
    /// A group: an answer that covers several options (e.g. "Chinese origin, route not
    /// known"). Screened as the worst of its members and marked provisional.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<String>,
    /// Other names to find it by (countries: common names; items: codes).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<String>,
    /// An item of the catalogue (added by the loader, never written in a rule set): an
    /// answer screened exactly as the option it belongs to, its class.
    #[serde(skip)]
    pub class: Option<String>,
    /// An item's control code with its grade, where one was seen (`1C902.a repost`).
    #[serde(skip)]
    pub code: Option<String>,
}

impl AnswerOption {
    pub fn is_group(&self) -> bool {
        !self.members.is_empty()
    }

    /// A concrete answer the rules tell apart: neither `unknown`, a group nor an item.
    pub fn is_leaf(&self) -> bool {
        self.id != UNKNOWN && !self.is_group() && self.class.is_none()
    }

    /// A definite answer: a concrete option, or an item (which stands for exactly one).
    pub fn is_definite(&self) -> bool {
        self.is_leaf() || self.class.is_some()
    }
}

/// Which answers a rule, fact case or `ask_when` needs: for each question named, the answer
/// must match. A question not named matches any answer; a question that does not apply to the
/// screening (its `ask_when` failed) matches nothing.
pub type Condition = BTreeMap<String, Match>;

/// What one question's answer must be.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum Match {
    /// One of these options (a group stands for its members).
    AnyOf(Vec<String>),
    /// Anything but these.
    Not { not: Vec<String> },
}

impl Match {
    pub fn values(&self) -> &[String] {
        match self {
            Match::AnyOf(v) | Match::Not { not: v } => v,
        }
    }
}

/// A named set of cases that several rules share, e.g. "the item is a Chinese dual-use item":
/// a rule with `if_fact` fires once per case that matches, citing the case's clauses too.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Fact {
    pub id: String,
    pub label: String,
    pub cases: Vec<FactCase>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FactCase {
    pub id: String,
    /// Why the fact holds in this case, e.g. "No. 18 lists the item".
    pub label: String,
    pub when: Condition,
    pub clauses: Vec<String>,
    /// Who applies for the licence of a rule firing through this case, where that differs
    /// from the rule's (No. 61 Art. 1(1)-(2): the foreign manufacturer or exporter).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub obtained_by: Option<Party>,
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
    /// The last day of a measure that ends (a fixed term, or replaced by a later one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ends: Option<End>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suspensions: Vec<Suspension>,
    /// The date of the newest source that confirms the measure's status. Past it the status
    /// is shown as unconfirmed (the measure is still applied as scheduled or written).
    pub verified_until: Date,
    pub sources: Vec<Source>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct End {
    /// The last day the measure is in force.
    pub last_day: Date,
    /// Why it ends, in words ("its one-year term ends", "replaced by the 2023 revision").
    pub why: String,
    /// The best lead on what followed, where no official text says, with its grade
    /// ("MOFCOM said on 28 Sep 2026 ... (machine extractions only)").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead: Option<String>,
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

/// How far a source can be trusted, as shown to users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
pub enum Grade {
    /// An official government page, cited by independent sources that opened it.
    O,
    /// A verbatim repost of the official text.
    P,
    /// Secondary: law firms, the press, trade offices.
    S,
    /// Automated extraction of MOFCOM pages; to be verified.
    X,
}

impl Grade {
    pub fn describe(self) -> &'static str {
        match self {
            // No official page's text could be read here: the address is cited by
            // independent sources and the wording comes from a repost.
            Grade::O => "official address; text from a repost",
            Grade::P => "repost of the official text",
            Grade::S => "secondary",
            Grade::X => "machine extraction: verify",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub url: String,
    pub grade: Grade,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// What part a clause plays in a measure.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClauseKind {
    /// Creates a requirement, a ban, a policy or an exemption: rules cite it.
    #[default]
    Operative,
    /// Procedure, definitions, dates or an exclusion: listed with its measure, never a rule's
    /// trigger.
    Context,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Clause {
    pub id: String,
    pub measure: String,
    pub article: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default)]
    pub kind: ClauseKind,
    /// A faithful paraphrase of what the clause says.
    pub text: String,
    /// Overrides the measure's effective date where one article starts later.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective: Option<Date>,
    pub sources: Vec<Source>,
    /// What is not confirmed about this clause, where the sources leave a fact open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Clause {
    /// The article with its control code where it has one, e.g. "Art. 1 (1E902.a)".
    pub fn cited_as(&self) -> String {
        match &self.code {
            Some(code) => format!("{} ({code})", self.article),
            None => self.article.clone(),
        }
    }
}

/// What a screening leads to, least to most severe (the derived order is the severity).
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

    /// A few words for one-line lists.
    pub fn short(self) -> &'static str {
        match self {
            Outcome::NoLicenseRequired => "no licence",
            Outcome::Exempt => "exempt",
            Outcome::LicenseRequired => "licence",
            Outcome::CaseByCase => "case-by-case",
            Outcome::DeniedInPrinciple => "denied",
            Outcome::Prohibited => "prohibited",
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

/// Which licence a rule requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LicenceKind {
    /// MOFCOM's dual-use items export licence (两用物项出口许可证件).
    DualUse,
    /// A technology-export licence under the Technology Import and Export Administration
    /// Regulations (MOFCOM, trade in services).
    TechnologyExport,
}

impl LicenceKind {
    pub fn id(self) -> &'static str {
        match self {
            LicenceKind::DualUse => "dual_use",
            LicenceKind::TechnologyExport => "technology_export",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            LicenceKind::DualUse => "MOFCOM dual-use export licence",
            LicenceKind::TechnologyExport => "technology-export licence (MOFCOM)",
        }
    }
}

/// Who must obtain a licence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    /// The exporter in China (or the Chinese person providing the technology).
    ExporterInChina,
    /// The foreign party that exports the items from outside China.
    ForeignReexporter,
    /// No. 61 Art. 1(1)-(2): the foreign party that made the item abroad or exports it.
    ForeignManufacturerOrExporter,
}

impl Party {
    pub fn id(self) -> &'static str {
        match self {
            Party::ExporterInChina => "exporter_in_china",
            Party::ForeignReexporter => "foreign_reexporter",
            Party::ForeignManufacturerOrExporter => "foreign_manufacturer_or_exporter",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Party::ExporterInChina => "the exporter in China",
            Party::ForeignReexporter => "the foreign re-exporter",
            Party::ForeignManufacturerOrExporter => "the foreign manufacturer or exporter",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Licence {
    pub kind: LicenceKind,
    pub obtained_by: Party,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub id: String,
    #[serde(default)]
    pub when: Condition,
    /// Fire once per matching case of this fact, citing the case's clauses as well.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub if_fact: Option<String>,
    pub outcome: Outcome,
    /// Every operative clause the rule rests on; it binds only while all of them are in force.
    pub clauses: Vec<String>,
    /// The licence the rule requires and who must obtain it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licence: Option<Licence>,
    /// A duty that remains where no licence is needed (e.g. a report after export).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duty: Option<String>,
    /// Why the rule fires, in plain words.
    pub why: String,
    /// What is not confirmed about reading the clauses this way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify: Option<String>,
}

/// The rule set compiled for the engine: positions instead of ids, option groups expanded,
/// facts expanded into one rule per case, and classes of options no rule tells apart.
#[derive(Debug, Clone, Default)]
pub struct Compiled {
    /// SHA-256 of the rule-set file's bytes, lower-case hex.
    pub sha256: String,
    /// The file's text exactly as read, so it can be kept by its hash.
    pub text: std::sync::Arc<str>,
    pub questions: Vec<CompiledQuestion>,
    pub rules: Vec<CompiledRule>,
    /// Position in `RuleSet::measures` of each clause's measure.
    pub clause_measure: Vec<usize>,
    /// How much work screening may spend enumerating the cases of open answers (cases times
    /// the steps each takes); beyond it the engine checks each rule on its own.
    pub expansion_budget: u64,
}

#[derive(Debug, Clone, Default)]
pub struct CompiledQuestion {
    /// Positions (in `Question::options`) of the leaf options.
    pub leaves: Vec<usize>,
    /// Leaf options that no rule, fact or `ask_when` tells apart, each class in option order;
    /// screening one member of a class screens them all.
    pub classes: Vec<Vec<usize>>,
    /// For each option, its class (None for `unknown` and groups).
    pub class_of: Vec<Option<usize>>,
    /// For each option, the leaves it stands for (itself, its members, or every leaf for
    /// `unknown`).
    pub covers: Vec<Vec<usize>>,
    pub ask_when: Option<CompiledCondition>,
}

/// A condition as, per question position, the set of option positions that match: one slot
/// per option, then one for a case where the question does not apply (which only a `not`
/// condition matches: "anything but no" holds where nothing was asked).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CompiledCondition(pub Vec<(usize, Vec<bool>)>);

impl CompiledCondition {
    /// Whether a case (per question, its option or None where it does not apply) matches.
    pub fn holds(&self, values: &[Option<usize>]) -> bool {
        self.0.iter().all(|(q, set)| {
            let slot = values.get(*q).copied().flatten().unwrap_or(set.len() - 1);
            set[slot]
        })
    }

    /// Whether the condition names question `q`.
    pub fn names(&self, q: usize) -> bool {
        self.0.iter().any(|(x, _)| *x == q)
    }
}

#[derive(Debug, Clone)]
pub struct CompiledRule {
    /// The rule's id, with `/case` when it came from a fact case.
    pub id: String,
    /// Position in `RuleSet::rules`.
    pub rule: usize,
    /// Position of the fact case it came from: (fact, case).
    pub case: Option<(usize, usize)>,
    pub when: CompiledCondition,
    /// Positions in `RuleSet::clauses`: the rule's, then the case's.
    pub clauses: Vec<usize>,
}

impl RuleSet {
    pub fn measure(&self, id: &str) -> Option<&Measure> {
        self.measures.iter().find(|m| m.id == id)
    }

    pub fn clause(&self, id: &str) -> Option<&Clause> {
        self.clauses.iter().find(|c| c.id == id)
    }

    pub fn clause_position(&self, id: &str) -> Option<usize> {
        self.clauses.iter().position(|c| c.id == id)
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }

    pub fn question_position(&self, id: &str) -> Option<usize> {
        self.questions.iter().position(|q| q.id == id)
    }

    /// The measure a clause belongs to (the loader checked that it exists).
    pub fn measure_of(&self, clause: usize) -> &Measure {
        &self.measures[self.compiled.clause_measure[clause]]
    }

    /// "No. 61 Art. 3" style short citation of a clause id, or the id when unknown.
    pub fn cite_short(&self, clause_id: &str) -> String {
        match self.clause_position(clause_id) {
            Some(i) => format!(
                "{} {}",
                self.measure_of(i).short,
                self.clauses[i].cited_as()
            ),
            None => clause_id.to_string(),
        }
    }

    /// "MOFCOM Announcement 2025 No. 61, Art. 3" style full citation.
    pub fn cite(&self, clause_id: &str) -> String {
        match self.clause_position(clause_id) {
            Some(i) => format!(
                "{}, {}",
                self.measure_of(i).name,
                self.clauses[i].cited_as()
            ),
            None => clause_id.to_string(),
        }
    }

    /// The licence a compiled rule requires, with the applicant its fact case names.
    pub fn licence_of(&self, compiled: &CompiledRule) -> Option<Licence> {
        let mut licence = self.rules[compiled.rule].licence?;
        if let Some(party) = compiled
            .case
            .and_then(|(f, c)| self.facts[f].cases[c].obtained_by)
        {
            licence.obtained_by = party;
        }
        Some(licence)
    }

    /// The open point behind a verify flag: a clause's, a rule's, or an answer's
    /// (`question=option`).
    pub fn verify_note(&self, id: &str) -> Option<String> {
        if let Some(c) = self.clause(id) {
            return c.verify.clone();
        }
        if let Some(r) = self.rules.iter().find(|r| r.id == id) {
            return r.verify.clone();
        }
        let (question, option) = id.split_once('=')?;
        self.question(question)?.verify.get(option).cloned()
    }

    pub fn info(&self) -> RuleSetInfo {
        RuleSetInfo {
            id: self.id.clone(),
            version: self.version.clone(),
            reviewed: self.reviewed,
            sha256: self.compiled.sha256.clone(),
        }
    }

    /// Whether a clause belongs to the rule set's focus (the October 2025 announcements).
    pub fn in_focus(&self, clause: usize) -> bool {
        let measure = &self.measure_of(clause).id;
        self.focus
            .as_ref()
            .is_some_and(|f| f.measures.iter().any(|m| m == measure))
    }
}

/// What a saved record or a report needs to name the rule set it was decided under.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct RuleSetInfo {
    pub id: String,
    pub version: String,
    pub reviewed: Date,
    /// SHA-256 of the rule-set file's bytes: two files with the same id and version but
    /// different content are told apart by it.
    #[serde(default)]
    pub sha256: String,
}
