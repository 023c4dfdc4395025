//! `ree-screen screen`: one screening from arguments, printed as text or JSON. The v2
//! questions have their own flags; any question of a `--rules` file can be answered with
//! `--answer ID=VALUE`. A question not given is answered `unknown`.

use std::process::ExitCode;

use clap::Args;
use jiff::civil::Date;
use serde_json::{Value, json};

use super::{Format, date_arg};
use crate::context::Context;
use crate::engine::{Answers, Determination, normalise};
use crate::exit::{OUTCOME_AT_LEAST, USAGE, fail};
use crate::parties::Review;
use crate::report::{self, Detail};
use crate::rules::{Outcome, RuleSet};
use crate::screening::{Details, Field, Screening, validate_field};

#[derive(Debug, Args)]
pub struct ScreenArgs {
    /// Technology stage: mining, smelting_separation, metal_smelting, magnet_manufacturing,
    /// secondary_recycling, production_line, none, unknown
    #[arg(long)]
    pub stage: Option<String>,
    /// Production line (for production_line): mining, smelting_separation, metal_smelting,
    /// magnet_manufacturing, secondary_recycling, unknown
    #[arg(long)]
    pub line: Option<String>,
    /// Goods shipped: none, n61_part1, n61_part2, no18_other, magnet_parts, no57_items,
    /// no56_items, other, no18_items (a No. 18 item of a kind not known), unknown
    #[arg(long)]
    pub goods: Option<String>,
    /// Material origin: china_export, china_reexport, foreign_chinese_content,
    /// foreign_below_threshold, foreign_chinese_technology, no_chinese_nexus, china, unknown
    #[arg(long)]
    pub origin: Option<String>,
    /// Recipient type: control_list, watch_list, military_user, defense_contractor,
    /// advanced_semiconductor, military_ai, re_production_abroad, humanitarian, civil,
    /// listed_entity, unknown
    #[arg(long)]
    pub recipient: Option<String>,
    /// Destination country: an ISO 3166-1 alpha-2 code (DE, US, JP...) or unknown
    #[arg(long)]
    pub destination: Option<String>,
    /// Answer any question of the rule set (e.g. one a --rules file adds).
    #[arg(long = "answer", value_name = "ID=VALUE")]
    pub answers: Vec<String>,
    /// Screening date, YYYY-MM-DD or DD.MM.YYYY (default: today).
    #[arg(long, value_parser = date_arg)]
    pub date: Option<Date>,
    #[arg(long, default_value = "")]
    pub reference: String,
    /// The counterparty's name, screened against the party lists.
    #[arg(long)]
    pub counterparty: Option<String>,
    /// The end user's name, when another party; screened against the party lists.
    #[arg(long)]
    pub end_user: Option<String>,
    /// Confirm a possible match: the entry id `parties search` or the JSON shows.
    #[arg(long, value_name = "ENTRY")]
    pub confirm: Vec<String>,
    /// Dismiss a match as another party, with the reason: ENTRY=REASON.
    #[arg(long, value_name = "ENTRY=REASON")]
    pub dismiss: Vec<String>,
    #[arg(long, default_value = "")]
    pub officer: String,
    #[arg(long, default_value = "")]
    pub notes: String,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Full clause texts, notes and every source in the text report.
    #[arg(long)]
    pub verbose: bool,
    /// Do not save the determination to the history.
    #[arg(long)]
    pub no_save: bool,
    /// Exit with status 4 when the outcome is at least this severe (for scripts), e.g.
    /// license_required; `internal`: when a name is on an internal list.
    #[arg(long, value_name = "OUTCOME", value_parser = fail_on_arg)]
    pub fail_on: Option<FailOn>,
}

/// When a script wants a non-zero exit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    AtLeast(Outcome),
    /// A name matched an internal list (not dismissed).
    Internal,
}

impl FailOn {
    pub fn fails(self, d: &Determination) -> bool {
        match self {
            FailOn::AtLeast(threshold) => d.outcome >= threshold,
            FailOn::Internal => d.parties.iter().any(|p| {
                p.list == crate::parties::ListKind::Internal
                    && p.kind != crate::parties::FindingKind::Dismissed
            }),
        }
    }
}

pub fn fail_on_arg(text: &str) -> Result<FailOn, String> {
    if text == "internal" {
        return Ok(FailOn::Internal);
    }
    outcome_arg(text)
        .map(FailOn::AtLeast)
        .map_err(|e| format!("{e}, or internal"))
}

/// The officer's reviews from `--confirm ENTRY` and `--dismiss ENTRY=REASON`.
pub fn reviews(confirm: &[String], dismiss: &[String]) -> Result<Vec<(String, Review)>, String> {
    let mut out: Vec<(String, Review)> = confirm
        .iter()
        .map(|e| (e.trim().to_string(), Review::Confirm))
        .collect();
    for pair in dismiss {
        let (entry, reason) = pair.split_once('=').ok_or_else(|| {
            format!(
                "--dismiss takes ENTRY=REASON (a dismissal needs a reason), not '{}'",
                crate::text::sanitize(pair)
            )
        })?;
        if reason.trim().is_empty() {
            return Err(format!(
                "--dismiss {}: a dismissal needs a reason",
                crate::text::sanitize(entry)
            ));
        }
        out.push((
            entry.trim().to_string(),
            Review::Dismiss(reason.trim().to_string()),
        ));
    }
    Ok(out)
}

/// The `parties` array of the JSON output: per finding what the officer needs to act on.
pub fn parties_json(d: &Determination) -> Value {
    Value::Array(
        d.parties
            .iter()
            .map(|p| {
                let mut v = json!({
                    "field": p.field.id(),
                    "given": p.given,
                    "matched": p.matched,
                    "alias": p.alias,
                    "list": p.list.id(),
                    "announcement": p.announcement,
                    "listed_on": p.listed_on,
                    "status": p.status,
                    "score": p.score,
                    "kind": p.kind.id(),
                    "entry": p.entry,
                });
                if let (Some(reason), Some(object)) = (&p.reason, v.as_object_mut()) {
                    object.insert("reason".into(), json!(reason));
                }
                v
            })
            .collect(),
    )
}

/// Parse an outcome id, listing the valid ones when it is not.
pub fn outcome_arg(text: &str) -> Result<Outcome, String> {
    Outcome::from_id(text).ok_or_else(|| {
        let valid: Vec<&str> = Outcome::ALL.iter().map(|o| o.id()).collect();
        format!(
            "invalid outcome '{}': valid values are {}",
            crate::text::sanitize(text),
            valid.join(", ")
        )
    })
}

impl ScreenArgs {
    /// Every question of the rule set answered: from its flag, `--answer`, else unknown.
    fn answers(&self, rules: &RuleSet) -> Result<Answers, String> {
        // (question, value, how it was given)
        let mut given: Vec<(String, String, String)> = [
            ("stage", &self.stage),
            ("line", &self.line),
            ("goods", &self.goods),
            ("origin", &self.origin),
            ("recipient", &self.recipient),
            ("destination", &self.destination),
        ]
        .into_iter()
        .filter_map(|(q, v)| {
            v.as_ref()
                .map(|v| (q.to_string(), v.clone(), format!("--{q} {v}")))
        })
        .collect();
        for pair in &self.answers {
            let (q, v) = pair.split_once('=').ok_or_else(|| {
                format!(
                    "--answer takes ID=VALUE, e.g. --answer destination=DE, not '{}'",
                    crate::text::sanitize(pair)
                )
            })?;
            given.push((
                q.trim().to_string(),
                v.to_string(),
                format!("--answer {pair}"),
            ));
        }
        let mut answers = Answers::all_unknown(rules);
        for (i, (q, v, how)) in given.iter().enumerate() {
            // One question answered twice differently is refused, not settled by the order.
            if let Some((_, _, earlier)) = given[..i]
                .iter()
                .find(|(eq, ev, _)| eq == q && normalise(rules, q, ev) != normalise(rules, q, v))
            {
                return Err(format!(
                    "{} is answered twice, differently: {} and {}; give one answer",
                    crate::text::sanitize(q),
                    crate::text::sanitize(earlier),
                    crate::text::sanitize(how)
                ));
            }
        }
        for (q, v, _) in given {
            if rules.question(&q).is_none() {
                let known: Vec<&str> = rules.questions.iter().map(|q| q.id.as_str()).collect();
                return Err(format!(
                    "this rule set has no question '{}': its questions are {}",
                    crate::text::sanitize(&q),
                    known.join(", ")
                ));
            }
            answers.set(&q, &normalise(rules, &q, &v));
        }
        answers.validate(rules)?;
        Ok(answers)
    }
}

/// The determination as JSON: the engine's fields, each clause with its measure, article and
/// best source, the record fields and the record id.
pub fn json(rules: &RuleSet, screening: &Screening, record_id: Option<&str>) -> Value {
    let d: &Determination = &screening.determination;
    let mut value = serde_json::to_value(d).unwrap_or(Value::Null);
    if let Some(clauses) = value.get_mut("clauses").and_then(Value::as_array_mut) {
        for clause in clauses {
            let Some(id) = clause.get("id").and_then(Value::as_str).map(str::to_string) else {
                continue;
            };
            if let (Some(c), Some(object)) = (rules.clause(&id), clause.as_object_mut()) {
                let measure = rules.measure(&c.measure);
                object.insert("measure".into(), json!(measure.map(|m| &m.name)));
                object.insert("article".into(), json!(c.cited_as()));
                let best = c.sources.iter().min_by_key(|s| s.grade);
                object.insert(
                    "source".into(),
                    json!(best.map(|s| json!({"url": s.url, "grade": s.grade.describe()}))),
                );
            }
        }
    }
    if let Some(object) = value.as_object_mut() {
        object.insert("parties".into(), parties_json(d));
        object.insert("details".into(), json!(screening.details));
        object.insert("record_id".into(), json!(record_id));
    }
    value
}

pub fn run(ctx: &Context, args: &ScreenArgs) -> ExitCode {
    let rules = &ctx.rules;
    let answers = match args.answers(rules) {
        Ok(answers) => answers,
        Err(message) => return fail(message, USAGE),
    };
    let defaults = ctx.settings.new_details();
    let details = Details {
        reference: args.reference.clone(),
        counterparty: args.counterparty.clone().unwrap_or_default(),
        end_user: args.end_user.clone().unwrap_or_default(),
        officer: if args.officer.is_empty() {
            defaults.officer
        } else {
            args.officer.clone()
        },
        notes: args.notes.clone(),
        ..Details::default()
    };
    for field in Field::ALL {
        if let Some(value) = field.get(&details)
            && let Err(message) = validate_field(field, value)
        {
            return fail(message, USAGE);
        }
    }
    for (field, given) in [
        (Field::Counterparty, &args.counterparty),
        (Field::EndUser, &args.end_user),
    ] {
        if let Some(name) = given
            && let Err(message) = crate::parties::validate_name(field.label(), name)
        {
            return fail(message, USAGE);
        }
    }
    let reviews = match reviews(&args.confirm, &args.dismiss) {
        Ok(r) => r,
        Err(message) => return fail(message, USAGE),
    };
    let screening = Screening::run(rules, &answers, args.date.unwrap_or(ctx.today), details);
    let named = args.counterparty.is_some() || args.end_user.is_some();
    let screening = if named {
        match ctx
            .screener()
            .and_then(|s| screening.with_parties(rules, &s, &reviews))
        {
            Ok(s) => s,
            Err(message) => return fail(message, USAGE),
        }
    } else if !reviews.is_empty() {
        return fail(
            "--confirm and --dismiss review the matches of --counterparty or --end-user: give a name",
            USAGE,
        );
    } else {
        screening
    };
    // Save first so the printed report can name its record; print it whatever happens.
    let saved = (!args.no_save).then(|| {
        ctx.save(std::slice::from_ref(&screening)).and_then(|ids| {
            ids.into_iter()
                .next()
                .ok_or_else(|| "not saved: no record id returned".to_string())
        })
    });
    ctx.report_signature();
    let record_id = saved
        .as_ref()
        .and_then(|s| s.as_ref().ok())
        .map(String::as_str);
    match args.format {
        Format::Text => {
            let detail = if args.verbose {
                Detail::Verbose
            } else {
                Detail::Concise
            };
            print!("{}", report::of(rules, &screening.determination, detail));
            if let (Some(id), Ok(history)) = (record_id, ctx.history()) {
                println!(
                    "Saved as {id} to {}",
                    crate::text::shown_path(history.path())
                );
            }
        }
        Format::Json => println!("{:#}", json(rules, &screening, record_id)),
    }
    if let Some(Err(message)) = saved {
        return fail(message, 1);
    }
    match args.fail_on {
        Some(fail_on) if fail_on.fails(&screening.determination) => {
            ExitCode::from(OUTCOME_AT_LEAST)
        }
        _ => ExitCode::SUCCESS,
    }
}
