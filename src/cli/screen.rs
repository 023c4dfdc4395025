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
    /// Goods shipped: none, no18_items, magnet_parts, no57_items, no56_items, other, unknown
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
    #[arg(long, default_value = "")]
    pub counterparty: String,
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
    /// license_required.
    #[arg(long, value_name = "OUTCOME", value_parser = outcome_arg)]
    pub fail_on: Option<Outcome>,
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
        counterparty: args.counterparty.clone(),
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
    let screening = Screening::run(rules, &answers, args.date.unwrap_or(ctx.today), details);
    // Save first so the printed report can name its record; print it whatever happens.
    let saved = (!args.no_save).then(|| {
        ctx.save(std::slice::from_ref(&screening)).and_then(|ids| {
            ids.into_iter()
                .next()
                .ok_or_else(|| "not saved: no record id returned".to_string())
        })
    });
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
        Some(threshold) if screening.determination.outcome >= threshold => {
            ExitCode::from(OUTCOME_AT_LEAST)
        }
        _ => ExitCode::SUCCESS,
    }
}
