//! `ree-screen rules`: the measures and their status on a date, or `--check FILE` to validate
//! a rules file before using it.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use jiff::civil::Date;
use serde::Serialize;

use super::{Format, date_arg};
use crate::context::Context;
use crate::engine::{ClauseStatus, Reading, clause_status, confirmed};
use crate::exit::fail;
use crate::rules::{self, RuleSet};
use crate::text::sanitize;

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Status on this date, YYYY-MM-DD (default: today).
    #[arg(long, value_parser = date_arg)]
    pub date: Option<Date>,
    /// Validate this rules file and report the first problem.
    #[arg(long, value_name = "FILE")]
    pub check: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Debug, Serialize)]
struct ArticleStatus {
    clause: String,
    article: String,
    effective: Date,
    #[serde(flatten)]
    status: ClauseStatus,
    status_text: String,
}

#[derive(Debug, Serialize)]
struct MeasureStatus {
    id: String,
    name: String,
    title: String,
    published: Date,
    effective: Date,
    verified_until: Date,
    articles: Vec<ArticleStatus>,
}

/// Each measure's clauses, grouped where they share a status, on `date`.
fn statuses(rules: &RuleSet, date: Date) -> Vec<MeasureStatus> {
    rules
        .measures
        .iter()
        .map(|m| MeasureStatus {
            id: m.id.clone(),
            name: m.name.clone(),
            title: m.title.clone(),
            published: m.published,
            effective: m.effective,
            verified_until: m.verified_until,
            articles: rules
                .clauses
                .iter()
                .enumerate()
                .filter(|(_, c)| c.measure == m.id)
                .map(|(i, c)| {
                    let status = clause_status(rules, i, date, Reading::AsScheduled);
                    let (text, _) = crate::present::status_words(rules, &c.id, &status);
                    let text = if confirmed(m, date) {
                        text
                    } else {
                        format!("{text} (not confirmed after {})", m.verified_until)
                    };
                    ArticleStatus {
                        clause: c.id.clone(),
                        article: c.cited_as(),
                        effective: c.effective.unwrap_or(m.effective),
                        status_text: text,
                        status,
                    }
                })
                .collect(),
        })
        .collect()
}

/// `rules --check FILE`: validate a rules file without loading anything else.
pub fn check(args: &RulesArgs) -> ExitCode {
    let Some(path) = &args.check else {
        return ExitCode::SUCCESS;
    };
    match rules::load_file(path) {
        Ok(r) => {
            println!(
                "{}: valid rule set {} version {} ({} questions, {} measures, {} clauses, {} rules; sha256 {})",
                path.display(),
                sanitize(&r.id),
                sanitize(&r.version),
                r.questions.len(),
                r.measures.len(),
                r.clauses.len(),
                r.rules.len(),
                r.compiled.sha256
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(e, 1),
    }
}

pub fn run(ctx: &Context, args: &RulesArgs) -> ExitCode {
    let rules = &ctx.rules;
    let date = args.date.unwrap_or(ctx.today);
    let measures = statuses(rules, date);
    match args.format {
        Format::Json => {
            let out = serde_json::json!({
                "date": date,
                "rule_set": rules.info(),
                "measures": measures,
            });
            println!("{out:#}");
        }
        Format::Text => {
            println!(
                "Rule set {} version {} (reviewed {}); status on {date}:",
                sanitize(&rules.id),
                sanitize(&rules.version),
                rules.reviewed
            );
            for m in &measures {
                println!();
                println!("{} - {}", sanitize(&m.name), sanitize(&m.title));
                println!(
                    "  published {}, effective {}, sources confirm status until {}",
                    m.published, m.effective, m.verified_until
                );
                // Articles that share a start date and a status print as one line.
                let mut shown: Vec<(Date, &str, Vec<&str>)> = Vec::new();
                for a in &m.articles {
                    match shown
                        .iter_mut()
                        .find(|(e, s, _)| *e == a.effective && *s == a.status_text)
                    {
                        Some((_, _, arts)) => arts.push(&a.article),
                        None => shown.push((a.effective, &a.status_text, vec![&a.article])),
                    }
                }
                for (effective, status, articles) in shown {
                    let start = if effective == m.effective {
                        String::new()
                    } else {
                        format!(" (effective {effective})")
                    };
                    println!(
                        "  {}{start}: {}",
                        sanitize(&articles.join(", ")),
                        sanitize(status)
                    );
                }
            }
        }
    }
    ExitCode::SUCCESS
}
