//! Loading a rule set from JSON text: refuse anything malformed or inconsistent with an error
//! that names the file, the line and column, the JSON path and what is wrong; then compile it
//! for the engine (option groups and facts expanded, classes of equivalent options found).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::model::{
    AnswerOption, ClauseKind, Compiled, CompiledCondition, CompiledQuestion, CompiledRule,
    Condition, Match, Outcome, QuestionKind, RULES_SCHEMA, RULES_SCHEMA_OLDEST, RuleSet, UNKNOWN,
};
use crate::json::{Seg, key, locate, render_path, strip_position};

/// The rule set compiled into the binary.
pub const EMBEDDED_TEXT: &str = include_str!("../../assets/rules/cn-rare-earth-2025.json");
pub const EMBEDDED_NAME: &str = "assets/rules/cn-rare-earth-2025.json (embedded)";

/// ISO 3166-1 alpha-2 countries, the options of every `country` question.
const COUNTRIES_TEXT: &str = include_str!("../../assets/countries.json");

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RulesError {
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// JSON path of the offending value, e.g. `rules[3].clauses[1]`.
    pub path: Option<String>,
    pub message: String,
}

impl fmt::Display for RulesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        if let Some(path) = &self.path {
            write!(f, ": at {path}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for RulesError {}

/// The embedded rule set. It is checked by the test suite, so failure here means a broken build.
pub fn embedded() -> Result<RuleSet, RulesError> {
    parse(EMBEDDED_NAME, EMBEDDED_TEXT)
}

/// A rules file, or the embedded rule set when `path` is None.
pub fn load(path: Option<&Path>) -> Result<RuleSet, RulesError> {
    match path {
        Some(p) => load_file(p),
        None => embedded(),
    }
}

pub fn load_file(path: &Path) -> Result<RuleSet, RulesError> {
    let name = path.display().to_string();
    let text = crate::files::read_text(path, crate::files::MAX_RULES_BYTES).map_err(|message| {
        RulesError {
            file: name.clone(),
            line: None,
            column: None,
            path: None,
            message: message
                .strip_prefix(&format!("{name}: "))
                .unwrap_or(&message)
                .to_string(),
        }
    })?;
    parse(&name, &text)
}

/// Parse, validate and compile rule-set text; `name` is what errors call the file. The
/// SHA-256 recorded is that of `source` exactly as given; a byte-order mark is accepted.
pub fn parse(name: &str, source: &str) -> Result<RuleSet, RulesError> {
    let text = crate::files::strip_bom(source);
    let error = |line, column, path: Option<String>, message: String| RulesError {
        file: name.to_string(),
        line,
        column,
        path,
        message,
    };
    let at = |issue: Issue| {
        let position = locate(text, &issue.path);
        error(
            position.map(|p| p.0),
            position.map(|p| p.1),
            Some(render_path(&issue.path)),
            issue.message,
        )
    };
    // Texts, lists and nesting first, so nothing beyond them is built; a syntax error is left
    // to the reading below, which names the field.
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(text) {
        within_text_limits(&value, &mut Vec::new()).map_err(at)?;
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let mut rules: RuleSet = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let path = (path != "." && !path.is_empty()).then_some(path);
        error(
            Some(inner.line()),
            Some(inner.column()),
            path,
            strip_position(&inner.to_string()),
        )
    })?;
    de.end().map_err(|e| {
        error(
            Some(e.line()),
            Some(e.column()),
            None,
            strip_position(&e.to_string()),
        )
    })?;
    if let Some(dup) = crate::json::first_duplicate_key(text) {
        return Err(error(
            Some(dup.line),
            Some(dup.column),
            (!dup.path.is_empty()).then_some(dup.path),
            format!(
                "the key \"{}\" appears twice in one object; JSON readers would silently keep only the last",
                crate::text::sanitize(&dup.key)
            ),
        ));
    }
    within_limits(&rules).map_err(at)?;
    add_countries(&mut rules).map_err(at)?;
    {
        let options = Options::of(&rules);
        validate(&rules, &options).map_err(at)?;
    }
    add_items(&mut rules);
    // The items catalogue adds options: looked up again for compiling.
    let options = Options::of(&rules);
    let compiled = compile(&rules, &options, source);
    rules.compiled = compiled;
    Ok(rules)
}

// Limits. A rule set is data anyone can install, so its size is bounded: loading, compiling
// and screening under any accepted rule set take bounded time and memory (see the README's
// benchmark). The embedded one is far inside every limit.

/// What a rule set may hold, and what screening may spend on it.
pub mod limits {
    /// The most questions a rule set may ask.
    pub const QUESTIONS: usize = 40;
    /// The most options one question may have, the countries of a country question included.
    pub const OPTIONS: usize = 400;
    pub const MEASURES: usize = 200;
    pub const CLAUSES: usize = 2_000;
    pub const RULES: usize = 1_000;
    pub const FACTS: usize = 100;
    pub const FACT_CASES: usize = 200;
    /// The most rules once each rule on a fact stands for one rule per case of the fact.
    pub const COMPILED_RULES: usize = 4_000;
    /// The most items of any other list (sources, group members, values in a condition ...).
    pub const LIST: usize = 400;
    /// The longest text (any string: an id, a title, a clause's paraphrase), in bytes.
    pub const TEXT_BYTES: usize = 4_096;
    /// The deepest nesting of JSON arrays and objects (the format itself needs 8).
    pub const NESTING: usize = 16;
    /// What screening may spend enumerating the cases of open answers, in cases times the
    /// steps each takes (see `Evaluator::affordable`); beyond it each rule is checked on its
    /// own (`engine::determine`).
    pub const EXPANSION_BUDGET: u64 = 16_000_000;
}

/// Refuse a rule set with more questions, options, rules ... than the limits allow, naming
/// the first place that exceeds one.
fn within_limits(rules: &RuleSet) -> Result<(), Issue> {
    let countries_added = |q: &super::model::Question| {
        if q.kind == QuestionKind::Country {
            countries().len()
        } else {
            0
        }
    };
    let counts: [(Vec<Seg>, usize, usize, &str); 5] = [
        (
            vec![key("questions")],
            rules.questions.len(),
            limits::QUESTIONS,
            "questions",
        ),
        (
            vec![key("measures")],
            rules.measures.len(),
            limits::MEASURES,
            "measures",
        ),
        (
            vec![key("clauses")],
            rules.clauses.len(),
            limits::CLAUSES,
            "clauses",
        ),
        (
            vec![key("rules")],
            rules.rules.len(),
            limits::RULES,
            "rules",
        ),
        (
            vec![key("facts")],
            rules.facts.len(),
            limits::FACTS,
            "facts",
        ),
    ];
    let options = rules.questions.iter().enumerate().map(|(i, q)| {
        (
            vec![key("questions"), Seg::Index(i), key("options")],
            q.options.len() + countries_added(q),
            limits::OPTIONS,
            "options (with the countries of a country question)",
        )
    });
    let cases = rules.facts.iter().enumerate().map(|(i, f)| {
        (
            vec![key("facts"), Seg::Index(i), key("cases")],
            f.cases.len(),
            limits::FACT_CASES,
            "cases",
        )
    });
    for (path, count, max, what) in counts.into_iter().chain(options).chain(cases) {
        if count > max {
            return Err(issue(
                path,
                format!("{count} {what}; a rule set may have at most {max}"),
            ));
        }
    }
    let mut compiled = 0;
    for (i, r) in rules.rules.iter().enumerate() {
        compiled += r
            .if_fact
            .as_ref()
            .and_then(|f| rules.facts.iter().find(|x| &x.id == f))
            .map_or(1, |f| f.cases.len());
        if compiled > limits::COMPILED_RULES {
            return Err(issue(
                idx(&[key("rules")], i, "if_fact"),
                format!(
                    "with each rule on a fact counted once per case of the fact, the rules up to here make {compiled}; a rule set may have at most {}",
                    limits::COMPILED_RULES
                ),
            ));
        }
    }
    Ok(())
}

/// Rule-set text reaches terminals, reports and exports as it is: a control character, a
/// line break or a bidirectional formatting character (which can make text display in
/// another order than it reads) is refused rather than shown, so no front end can be made
/// to print it.
fn unsafe_text(path: &[Seg], text: &str) -> Issue {
    let c = text
        .chars()
        .find(|&c| crate::text::sanitize(&c.to_string()) != c.to_string())
        .unwrap_or_default();
    issue(
        path.to_vec(),
        format!(
            "the text holds U+{:04X}, a control, line-break or bidirectional formatting character; rule-set text must be plain",
            u32::from(c)
        ),
    )
}

/// Every string plain (see [`unsafe_text`]) and within [`limits::TEXT_BYTES`], every list not counted above within
/// [`limits::LIST`], nesting within [`limits::NESTING`].
fn within_text_limits(value: &serde_json::Value, path: &mut Vec<Seg>) -> Result<(), Issue> {
    use serde_json::Value;
    if path.len() >= limits::NESTING {
        return Err(issue(
            path.clone(),
            format!(
                "nested deeper than {} levels; the rule-set format never needs more",
                limits::NESTING
            ),
        ));
    }
    // The lists with limits of their own, checked on the rule set itself.
    let counted = match path.as_slice() {
        [Seg::Key(list)] => {
            ["questions", "measures", "clauses", "rules", "facts"].contains(&list.as_str())
        }
        [Seg::Key(parent), Seg::Index(_), Seg::Key(list)] => {
            matches!(
                (parent.as_str(), list.as_str()),
                ("questions", "options") | ("facts", "cases")
            )
        }
        _ => false,
    };
    match value {
        Value::String(s) if crate::text::sanitize(s) != *s => Err(unsafe_text(path, s)),
        Value::String(s) if s.len() > limits::TEXT_BYTES => Err(issue(
            path.clone(),
            format!(
                "text of {} bytes; a rule set's texts may be at most {} bytes",
                s.len(),
                limits::TEXT_BYTES
            ),
        )),
        Value::Array(items) if items.len() > limits::LIST && !counted => Err(issue(
            path.clone(),
            format!(
                "a list of {} items; lists may have at most {}",
                items.len(),
                limits::LIST
            ),
        )),
        Value::Array(items) => items.iter().enumerate().try_for_each(|(i, item)| {
            path.push(Seg::Index(i));
            let checked = within_text_limits(item, path);
            path.pop();
            checked
        }),
        Value::Object(fields) => fields.iter().try_for_each(|(k, item)| {
            if crate::text::sanitize(k) != *k {
                return Err(unsafe_text(path, k));
            }
            if k.len() > limits::TEXT_BYTES {
                return Err(issue(
                    path.clone(),
                    format!(
                        "a key of {} bytes; keys may be at most {} bytes",
                        k.len(),
                        limits::TEXT_BYTES
                    ),
                ));
            }
            path.push(key(k));
            let checked = within_text_limits(item, path);
            path.pop();
            checked
        }),
        _ => Ok(()),
    }
}

/// Per question, option positions by id and the leaves each option stands for, and clause
/// positions by id, worked out once: conditions, groups and rules name these by id, and a
/// rule set may name a great many.
struct Options<'r> {
    ids: Vec<HashMap<&'r str, usize>>,
    covers: Vec<Vec<Vec<usize>>>,
    clauses: HashMap<&'r str, usize>,
}

impl<'r> Options<'r> {
    fn of(rules: &'r RuleSet) -> Options<'r> {
        let ids: Vec<HashMap<&str, usize>> = rules
            .questions
            .iter()
            .map(|q| {
                (q.options.iter().enumerate())
                    .map(|(i, o)| (o.id.as_str(), i))
                    .collect()
            })
            .collect();
        let covers = rules
            .questions
            .iter()
            .zip(&ids)
            .map(|(question, ids)| {
                (0..question.options.len())
                    .map(|o| covers(question, ids, o))
                    .collect()
            })
            .collect();
        let clauses = (rules.clauses.iter().enumerate())
            .map(|(i, c)| (c.id.as_str(), i))
            .collect();
        Options {
            ids,
            covers,
            clauses,
        }
    }

    /// The position of option `id` of question `q`.
    fn position(&self, q: usize, id: &str) -> Option<usize> {
        self.ids[q].get(id).copied()
    }
}

struct Issue {
    path: Vec<Seg>,
    message: String,
}

fn issue(path: Vec<Seg>, message: impl Into<String>) -> Issue {
    Issue {
        path,
        message: message.into(),
    }
}

fn idx(path: &[Seg], i: usize, field: &str) -> Vec<Seg> {
    [path, &[Seg::Index(i), key(field)]].concat()
}

#[derive(Deserialize)]
struct CountryFile {
    countries: Vec<Country>,
}

#[derive(Deserialize)]
struct Country {
    code: String,
    name: String,
    #[serde(default)]
    also: Vec<String>,
}

/// The ISO 3166-1 alpha-2 list, as answer options (code and English short name).
pub fn countries() -> &'static [AnswerOption] {
    static COUNTRIES: OnceLock<Vec<AnswerOption>> = OnceLock::new();
    COUNTRIES.get_or_init(|| {
        // The asset is part of the build; the test suite checks it parses.
        serde_json::from_str::<CountryFile>(COUNTRIES_TEXT)
            .map(|f| {
                f.countries
                    .into_iter()
                    .map(|c| AnswerOption {
                        help: format!("ISO 3166-1 code {}", c.code),
                        id: c.code,
                        label: c.name,
                        example: None,
                        relates_to: None,
                        members: Vec::new(),
                        also: c.also,
                        class: None,
                        code: None,
                    })
                    .collect()
            })
            .unwrap_or_default()
    })
}

/// Country questions list only their extra options (at least `unknown`); the countries come
/// first, in code order.
fn add_countries(rules: &mut RuleSet) -> Result<(), Issue> {
    for (i, q) in rules.questions.iter_mut().enumerate() {
        if q.kind != QuestionKind::Country {
            continue;
        }
        if let Some(clash) = q
            .options
            .iter()
            .find(|o| countries().iter().any(|c| c.id == o.id))
        {
            return Err(issue(
                vec![key("questions"), Seg::Index(i), key("options")],
                format!(
                    "option \"{}\" is a country code; country questions list only their other options (such as \"{UNKNOWN}\")",
                    clash.id
                ),
            ));
        }
        let mut options = countries().to_vec();
        options.append(&mut q.options);
        q.options = options;
    }
    Ok(())
}

/// The catalogue's items as options of the question they answer, after its own options, each
/// standing for its class. An item whose class the rule set lacks (an older rule set), or whose
/// id an option already has, is left out: the rule set's own options always win.
fn add_items(rules: &mut RuleSet) {
    let catalogue = super::items::catalogue();
    let Some(question) = rules
        .questions
        .iter_mut()
        .find(|q| q.id == catalogue.question())
    else {
        return;
    };
    for item in &catalogue.items {
        let fits = question.option(&item.class).is_some_and(|o| o.is_leaf())
            && question.option(&item.id).is_none();
        if !fits {
            continue;
        }
        let seen = item.code_grade != super::items::CodeGrade::NotSeen;
        let also = seen
            .then(|| item.code.clone())
            .into_iter()
            .chain(item.customs.iter().map(|c| c.code.clone()))
            .chain(item.also.iter().cloned())
            .collect();
        question.options.push(AnswerOption {
            id: item.id.clone(),
            label: item.name.clone(),
            help: item.description.clone(),
            example: None,
            relates_to: Some(format!(
                "control code {}; reference customs codes {}",
                item.code_words(),
                item.customs_words()
            )),
            members: Vec::new(),
            also,
            class: Some(item.class.clone()),
            // Never shown bare, so an inferred code cannot pass for a confirmed one.
            code: seen.then(|| format!("{} {}", item.code, item.code_grade.tag())),
        });
    }
}

fn check_unique<'a>(
    ids: impl Iterator<Item = &'a str>,
    base: &[Seg],
    what: &str,
) -> Result<(), Issue> {
    let mut seen = HashSet::new();
    for (i, id) in ids.enumerate() {
        let at = idx(base, i, "id");
        if id.trim().is_empty() {
            return Err(issue(at, format!("{what} id is empty")));
        }
        if !seen.insert(id) {
            return Err(issue(at, format!("duplicate {what} id \"{id}\"")));
        }
    }
    Ok(())
}

fn snake_case(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Cross-checks that serde cannot express: references resolve, ids are unique, date windows
/// are ordered and do not overlap, rules cite only operative clauses and say which licence.
fn validate(rules: &RuleSet, options: &Options) -> Result<(), Issue> {
    if !(RULES_SCHEMA_OLDEST..=RULES_SCHEMA).contains(&rules.schema) {
        return Err(issue(
            vec![key("schema")],
            format!(
                "rule-set schema {} is not supported; this program reads schemas {RULES_SCHEMA_OLDEST} to {RULES_SCHEMA}",
                rules.schema
            ),
        ));
    }
    for (field, value) in [("id", &rules.id), ("version", &rules.version)] {
        if value.trim().is_empty() {
            return Err(issue(
                vec![key(field)],
                format!("rule set {field} is empty"),
            ));
        }
    }
    validate_questions(rules, options)?;
    check_unique(
        rules.measures.iter().map(|m| m.id.as_str()),
        &[key("measures")],
        "measure",
    )?;
    check_unique(
        rules.clauses.iter().map(|c| c.id.as_str()),
        &[key("clauses")],
        "clause",
    )?;
    check_unique(
        rules.rules.iter().map(|r| r.id.as_str()),
        &[key("rules")],
        "rule",
    )?;
    check_unique(
        rules.facts.iter().map(|f| f.id.as_str()),
        &[key("facts")],
        "fact",
    )?;
    validate_measures(rules)?;
    validate_clauses(rules)?;
    if let Some(focus) = &rules.focus {
        for (i, m) in focus.measures.iter().enumerate() {
            if rules.measure(m).is_none() {
                return Err(issue(
                    vec![key("focus"), key("measures"), Seg::Index(i)],
                    format!("focus names missing measure \"{m}\""),
                ));
            }
        }
    }
    for (i, fact) in rules.facts.iter().enumerate() {
        let base = vec![key("facts"), Seg::Index(i), key("cases")];
        check_unique(fact.cases.iter().map(|c| c.id.as_str()), &base, "case")?;
        if fact.cases.is_empty() {
            return Err(issue(base, format!("fact \"{}\" has no case", fact.id)));
        }
        for (j, case) in fact.cases.iter().enumerate() {
            validate_condition(rules, options, &case.when, &idx(&base, j, "when"), None)?;
            validate_citations(rules, options, &case.clauses, &idx(&base, j, "clauses"))?;
        }
    }
    for (i, r) in rules.rules.iter().enumerate() {
        let at = |field: &str| idx(&[key("rules")], i, field);
        validate_condition(rules, options, &r.when, &at("when"), None)?;
        if r.clauses.is_empty() && r.if_fact.is_none() {
            return Err(issue(
                at("clauses"),
                format!("rule \"{}\" cites no clause", r.id),
            ));
        }
        validate_citations(rules, options, &r.clauses, &at("clauses"))?;
        if let Some(fact) = &r.if_fact
            && !rules.facts.iter().any(|f| &f.id == fact)
        {
            return Err(issue(
                at("if_fact"),
                format!("rule \"{}\" names missing fact \"{fact}\"", r.id),
            ));
        }
        let needs_licence = (Outcome::LicenseRequired..Outcome::Prohibited).contains(&r.outcome);
        if needs_licence && r.licence.is_none() {
            return Err(issue(
                at("outcome"),
                format!(
                    "rule \"{}\" leads to {} but does not say which licence or who obtains it (add \"licence\": {{\"kind\", \"obtained_by\"}})",
                    r.id, r.outcome
                ),
            ));
        }
        if r.why.trim().is_empty() {
            return Err(issue(
                at("why"),
                format!("rule \"{}\" does not say why", r.id),
            ));
        }
    }
    Ok(())
}

fn validate_questions(rules: &RuleSet, lookup: &Options) -> Result<(), Issue> {
    check_unique(
        rules.questions.iter().map(|q| q.id.as_str()),
        &[key("questions")],
        "question",
    )?;
    if rules.questions.is_empty() {
        return Err(issue(
            vec![key("questions")],
            "the rule set asks no question",
        ));
    }
    for (i, q) in rules.questions.iter().enumerate() {
        let base = vec![key("questions"), Seg::Index(i)];
        let options = [base.as_slice(), &[key("options")]].concat();
        if !snake_case(&q.id) {
            return Err(issue(
                [base.as_slice(), &[key("id")]].concat(),
                format!(
                    "question id \"{}\" must be lower-case letters, digits and _",
                    q.id
                ),
            ));
        }
        if let Some(field) = crate::screening::Field::ALL
            .into_iter()
            .find(|f| f.id() == q.id)
        {
            return Err(issue(
                [base.as_slice(), &[key("id")]].concat(),
                format!(
                    "question id \"{}\" is the record field {} (the --{} flag and batch column); choose another id",
                    q.id,
                    field.label().to_lowercase(),
                    field.id()
                ),
            ));
        }
        check_unique(q.option_ids(), &options, "option")?;
        for (j, o) in q.options.iter().enumerate() {
            let country =
                q.kind == QuestionKind::Country && countries().iter().any(|c| c.id == o.id);
            if !country && !snake_case(&o.id) {
                return Err(issue(
                    idx(&options, j, "id"),
                    format!(
                        "option id \"{}\" must be lower-case letters, digits and _",
                        o.id
                    ),
                ));
            }
            if o.id == UNKNOWN && o.is_group() {
                return Err(issue(
                    idx(&options, j, "members"),
                    format!("\"{UNKNOWN}\" stands for every option; it takes no members"),
                ));
            }
            for (k, m) in o.members.iter().enumerate() {
                let at = [idx(&options, j, "members").as_slice(), &[Seg::Index(k)]].concat();
                match lookup.position(i, m).map(|p| &q.options[p]) {
                    Some(member) if member.is_leaf() => {}
                    Some(_) => {
                        return Err(issue(
                            at,
                            format!(
                                "group \"{}\" may list only concrete options, not \"{m}\"",
                                o.id
                            ),
                        ));
                    }
                    None => {
                        return Err(issue(
                            at,
                            format!("group \"{}\" lists missing option \"{m}\"", o.id),
                        ));
                    }
                }
            }
        }
        if q.option(UNKNOWN).is_none() {
            return Err(issue(
                options,
                format!("question {} must offer the option \"{UNKNOWN}\"", q.id),
            ));
        }
        if let Some(missing) = q.verify.keys().find(|v| q.option(v).is_none()) {
            return Err(issue(
                [base.as_slice(), &[key("verify"), key(missing)]].concat(),
                format!(
                    "verify names \"{missing}\", which is not an option of {}",
                    q.id
                ),
            ));
        }
        if q.leaf_options().next().is_none() {
            return Err(issue(
                options,
                format!("question {} has no concrete option", q.id),
            ));
        }
        if let Some(when) = &q.ask_when {
            validate_condition(
                rules,
                lookup,
                when,
                &[base.as_slice(), &[key("ask_when")]].concat(),
                Some(i),
            )?;
        }
    }
    Ok(())
}

/// Each question a condition names exists (and, for `ask_when` of question `before`, comes
/// earlier), and each value is one of its options other than `unknown`.
fn validate_condition(
    rules: &RuleSet,
    options: &Options,
    when: &Condition,
    at: &[Seg],
    before: Option<usize>,
) -> Result<(), Issue> {
    for (qid, m) in when {
        let qat = [at, &[key(qid)]].concat();
        let Some(position) = rules.question_position(qid) else {
            let known: Vec<&str> = rules.questions.iter().map(|q| q.id.as_str()).collect();
            return Err(issue(
                qat,
                format!("no question \"{qid}\" (questions are {})", known.join(", ")),
            ));
        };
        if let Some(before) = before
            && position >= before
        {
            return Err(issue(
                qat,
                format!(
                    "ask_when may only depend on earlier questions, and \"{qid}\" is not asked before \"{}\"",
                    rules.questions[before].id
                ),
            ));
        }
        let question = &rules.questions[position];
        if m.values().is_empty() {
            return Err(issue(
                qat,
                "empty list never matches; leave the question out to match any answer",
            ));
        }
        let value_at = |j: usize| {
            let mut vat = qat.clone();
            if matches!(m, Match::Not { .. }) {
                vat.push(key("not"));
            }
            vat.push(Seg::Index(j));
            vat
        };
        for (j, v) in m.values().iter().enumerate() {
            if v == UNKNOWN {
                return Err(issue(
                    value_at(j),
                    format!(
                        "conditions must not name \"{UNKNOWN}\": the engine expands it to every option"
                    ),
                ));
            }
            if options.position(position, v).is_none() {
                let valid: Vec<&str> = question
                    .options
                    .iter()
                    .filter(|o| o.id != UNKNOWN)
                    .map(|o| o.id.as_str())
                    .take(20)
                    .collect();
                return Err(issue(
                    value_at(j),
                    format!("unknown {qid} option \"{v}\" (valid: {})", valid.join(", ")),
                ));
            }
        }
    }
    Ok(())
}

fn validate_citations(
    rules: &RuleSet,
    options: &Options,
    clauses: &[String],
    at: &[Seg],
) -> Result<(), Issue> {
    for (j, c) in clauses.iter().enumerate() {
        let cat = [at, &[Seg::Index(j)]].concat();
        match options.clauses.get(c.as_str()).map(|&i| &rules.clauses[i]) {
            None => return Err(issue(cat, format!("cites missing clause \"{c}\""))),
            Some(clause) if clause.kind == ClauseKind::Context => {
                return Err(issue(
                    cat,
                    format!(
                        "\"{c}\" is a context clause (procedure, dates or an exclusion); context clauses are never a rule's trigger"
                    ),
                ));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// A source is a full address (scheme, host and the page), never a bare domain: an officer
/// must be able to open the very page the fact comes from.
fn validate_sources(
    schema: u32,
    sources: &[super::model::Source],
    at: &[Seg],
) -> Result<(), Issue> {
    if schema < 3 {
        return Ok(()); // older rule sets, kept with their records, cited bare domains
    }
    for (j, s) in sources.iter().enumerate() {
        let rest = s
            .url
            .strip_prefix("https://")
            .or_else(|| s.url.strip_prefix("http://"));
        let page = rest.and_then(|r| r.split_once('/')).map(|(_, path)| path);
        if page.is_none_or(|path| path.trim_matches('/').is_empty()) {
            return Err(issue(
                idx(at, j, "url"),
                format!(
                    "source \"{}\" is not a full address: give the page (https://host/path), not a bare domain",
                    s.url
                ),
            ));
        }
    }
    Ok(())
}

fn validate_measures(rules: &RuleSet) -> Result<(), Issue> {
    for (i, m) in rules.measures.iter().enumerate() {
        let at = |field: &str| idx(&[key("measures")], i, field);
        validate_sources(rules.schema, &m.sources, &at("sources"))?;
        if m.effective < m.published {
            return Err(issue(
                at("effective"),
                format!(
                    "effective {} is before published {}",
                    m.effective, m.published
                ),
            ));
        }
        if let Some(end) = &m.ends
            && end.last_day < m.effective
        {
            return Err(issue(
                at("ends"),
                format!(
                    "last day {} is before effective {}",
                    end.last_day, m.effective
                ),
            ));
        }
        if m.verified_until < m.published {
            return Err(issue(
                at("verified_until"),
                format!(
                    "verified_until {} is before published {}",
                    m.verified_until, m.published
                ),
            ));
        }
        if m.sources.is_empty() {
            return Err(issue(
                at("sources"),
                format!("measure \"{}\" cites no source", m.id),
            ));
        }
        for (j, s) in m.suspensions.iter().enumerate() {
            let sat = |field: &str| idx(&at("suspensions"), j, field);
            if s.until < s.from {
                return Err(issue(
                    sat("until"),
                    format!(
                        "suspension window is inverted: until {} is before from {}",
                        s.until, s.from
                    ),
                ));
            }
            if rules.clause(&s.by).is_none() {
                return Err(issue(
                    sat("by"),
                    format!("suspension cites missing clause \"{}\"", s.by),
                ));
            }
            if let Some(other) = m.suspensions[..j]
                .iter()
                .find(|o| o.from <= s.until && s.from <= o.until)
            {
                return Err(issue(
                    sat("from"),
                    format!(
                        "suspension {}..{} overlaps the earlier window {}..{}",
                        s.from, s.until, other.from, other.until
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn validate_clauses(rules: &RuleSet) -> Result<(), Issue> {
    for (i, c) in rules.clauses.iter().enumerate() {
        let at = |field: &str| idx(&[key("clauses")], i, field);
        let Some(measure) = rules.measure(&c.measure) else {
            return Err(issue(
                at("measure"),
                format!(
                    "clause \"{}\" cites missing measure \"{}\"",
                    c.id, c.measure
                ),
            ));
        };
        if c.sources.is_empty() {
            return Err(issue(
                at("sources"),
                format!("clause \"{}\" cites no source", c.id),
            ));
        }
        validate_sources(rules.schema, &c.sources, &at("sources"))?;
        if c.text.trim().is_empty() {
            return Err(issue(
                at("text"),
                format!("clause \"{}\" has no text", c.id),
            ));
        }
        if let Some(effective) = c.effective
            && effective < measure.published
        {
            return Err(issue(
                at("effective"),
                format!(
                    "effective {effective} is before the measure was published ({})",
                    measure.published
                ),
            ));
        }
    }
    Ok(())
}

/// Positions of a question's concrete options.
fn leaf_positions(question: &super::model::Question) -> Vec<usize> {
    question
        .options
        .iter()
        .enumerate()
        .filter(|(_, o)| o.is_leaf())
        .map(|(i, _)| i)
        .collect()
}

/// Positions of the options a value stands for: itself, a group's members, or every
/// concrete option for `unknown`.
fn covers(
    question: &super::model::Question,
    ids: &HashMap<&str, usize>,
    option: usize,
) -> Vec<usize> {
    let o = &question.options[option];
    if o.id == UNKNOWN {
        return leaf_positions(question);
    }
    if let Some(class) = &o.class {
        return question
            .options
            .iter()
            .position(|x| &x.id == class)
            .into_iter()
            .collect();
    }
    if o.is_group() {
        return o
            .members
            .iter()
            .filter_map(|m| ids.get(m.as_str()).copied())
            .collect();
    }
    vec![option]
}

fn compile_condition(rules: &RuleSet, options: &Options, when: &Condition) -> CompiledCondition {
    let mut out = Vec::new();
    for (qid, m) in when {
        let Some(q) = rules.question_position(qid) else {
            continue;
        };
        let question = &rules.questions[q];
        let mut listed = vec![false; question.options.len()];
        for v in m.values() {
            if let Some(p) = options.position(q, v) {
                for &leaf in &options.covers[q][p] {
                    listed[leaf] = true;
                }
            }
        }
        // The last slot: a case where the question does not apply.
        let set = match m {
            Match::AnyOf(_) => listed.into_iter().chain([false]).collect(),
            Match::Not { .. } => question
                .options
                .iter()
                .zip(listed)
                .map(|(o, l)| o.is_leaf() && !l)
                .chain([true])
                .collect(),
        };
        out.push((q, set));
    }
    out.sort_by_key(|(q, _)| *q);
    CompiledCondition(out)
}

/// Both conditions at once; None when they can never hold together.
fn intersect(a: &CompiledCondition, b: &CompiledCondition) -> Option<CompiledCondition> {
    let mut merged: BTreeMap<usize, Vec<bool>> = a.0.iter().cloned().collect();
    for (q, set) in &b.0 {
        match merged.get_mut(q) {
            Some(existing) => {
                for (e, s) in existing.iter_mut().zip(set) {
                    *e = *e && *s;
                }
            }
            None => {
                merged.insert(*q, set.clone());
            }
        }
    }
    if merged.values().any(|set| !set.contains(&true)) {
        return None;
    }
    Some(CompiledCondition(merged.into_iter().collect()))
}

fn compile(rules: &RuleSet, options: &Options, source: &str) -> Compiled {
    let clause_pos: HashMap<&str, usize> = rules
        .clauses
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    let positions = |ids: &[String]| -> Vec<usize> {
        ids.iter()
            .filter_map(|id| clause_pos.get(id.as_str()).copied())
            .collect()
    };
    let mut compiled_rules = Vec::new();
    for (r, rule) in rules.rules.iter().enumerate() {
        let when = compile_condition(rules, options, &rule.when);
        let fact = rule
            .if_fact
            .as_ref()
            .and_then(|f| rules.facts.iter().position(|x| &x.id == f));
        match fact {
            None => compiled_rules.push(CompiledRule {
                id: rule.id.clone(),
                rule: r,
                case: None,
                when,
                clauses: positions(&rule.clauses),
            }),
            Some(f) => {
                for (c, case) in rules.facts[f].cases.iter().enumerate() {
                    let Some(merged) =
                        intersect(&when, &compile_condition(rules, options, &case.when))
                    else {
                        continue;
                    };
                    let mut clauses = positions(&rule.clauses);
                    for extra in positions(&case.clauses) {
                        if !clauses.contains(&extra) {
                            clauses.push(extra);
                        }
                    }
                    compiled_rules.push(CompiledRule {
                        id: format!("{}/{}", rule.id, case.id),
                        rule: r,
                        case: Some((f, c)),
                        when: merged,
                        clauses,
                    });
                }
            }
        }
    }
    let ask_when: Vec<Option<CompiledCondition>> = rules
        .questions
        .iter()
        .map(|q| {
            q.ask_when
                .as_ref()
                .map(|w| compile_condition(rules, options, w))
        })
        .collect();
    let questions = rules
        .questions
        .iter()
        .enumerate()
        .map(|(q, question)| {
            let leaves = leaf_positions(question);
            // Two options are in one class when every condition on this question treats them
            // alike: then no rule can tell them apart.
            let conditions: Vec<&Vec<bool>> = compiled_rules
                .iter()
                .map(|r| &r.when)
                .chain(ask_when.iter().flatten())
                .flat_map(|c| c.0.iter().filter(|(cq, _)| *cq == q).map(|(_, set)| set))
                .collect();
            let mut classes: Vec<Vec<usize>> = Vec::new();
            // A leaf's signature: one bit per condition, whether it matches.
            let mut signatures: HashMap<Vec<u64>, usize> = HashMap::new();
            let mut class_of = vec![None; question.options.len()];
            for &leaf in &leaves {
                let mut signature = vec![0u64; conditions.len().div_ceil(64)];
                for (i, set) in conditions.iter().enumerate() {
                    signature[i / 64] |= u64::from(set[leaf]) << (i % 64);
                }
                let class = *signatures.entry(signature).or_insert_with(|| {
                    classes.push(Vec::new());
                    classes.len() - 1
                });
                classes[class].push(leaf);
                class_of[leaf] = Some(class);
            }
            CompiledQuestion {
                covers: options.covers[q].clone(),
                leaves,
                classes,
                class_of,
                ask_when: ask_when[q].clone(),
            }
        })
        .collect();
    Compiled {
        sha256: format!("{:x}", Sha256::digest(source.as_bytes())),
        expansion_budget: limits::EXPANSION_BUDGET,
        text: Arc::from(source),
        questions,
        rules: compiled_rules,
        clause_measure: rules
            .clauses
            .iter()
            .map(|c| {
                rules
                    .measures
                    .iter()
                    .position(|m| m.id == c.measure)
                    .unwrap_or(0)
            })
            .collect(),
    }
}
