//! `ree-screen rules`: the measures and their status on a date, or `--check FILE` to validate
//! a rules file before using it; `rules diff OLD NEW` to see what a new rule set changes,
//! `rules install FILE` to keep it in the data directory and make it the default, and
//! `rules list` for the rule sets kept there.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use jiff::civil::Date;
use serde::Serialize;

use super::{Format, date_arg};
use crate::context::Context;
use crate::engine::{ClauseStatus, Reading, clause_status, confirmed};
use crate::exit::fail;
use crate::rules::{self, RuleSet};
use crate::text::sanitize;

#[derive(Debug, Subcommand)]
pub enum RulesAction {
    /// List the questions, measures (and their dates), clauses and rules that a new rule set
    /// adds, removes or changes.
    Diff { old: PathBuf, new: PathBuf },
    /// Validate a rule set, keep it in the data directory by its SHA-256 and make it the
    /// default (after --rules and the settings' rules file). Earlier ones stay kept.
    Install {
        #[arg(required_unless_present = "embedded")]
        file: Option<PathBuf>,
        /// Install the rule set shipped in this program (repairs a damaged default).
        #[arg(long, conflicts_with = "file")]
        embedded: bool,
    },
    /// The rule sets kept in the data directory, and which is the default.
    List,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[command(subcommand)]
    pub action: Option<RulesAction>,
    /// Status on this date, YYYY-MM-DD or DD.MM.YYYY (default: today).
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
                        format!("{text}; not confirmed after {}", m.verified_until)
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
                crate::text::shown_path(path),
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

/// `rules diff OLD NEW`: needs no data directory.
pub fn diff(old: &std::path::Path, new: &std::path::Path) -> ExitCode {
    let (old_rules, new_rules) = match (rules::load_file(old), rules::load_file(new)) {
        (Ok(o), Ok(n)) => (o, n),
        (Err(e), _) | (_, Err(e)) => return fail(e, 1),
    };
    let changes = rules::diff(&old_rules, &new_rules);
    println!(
        "{} {} (sha256 {}) -> {} {} (sha256 {}): {} change(s)",
        sanitize(&old_rules.id),
        sanitize(&old_rules.version),
        old_rules.compiled.sha256.get(..12).unwrap_or(""),
        sanitize(&new_rules.id),
        sanitize(&new_rules.version),
        new_rules.compiled.sha256.get(..12).unwrap_or(""),
        changes.len()
    );
    for c in &changes {
        match &c.change {
            rules::Change::Added => println!("+ {} {}", c.kind, sanitize(&c.id)),
            rules::Change::Removed => println!("- {} {}", c.kind, sanitize(&c.id)),
            rules::Change::Changed(fields) => {
                println!("~ {} {}", c.kind, sanitize(&c.id));
                for (path, before, after) in fields {
                    println!(
                        "    {}: {} -> {}",
                        sanitize(path),
                        sanitize(&shorten(before)),
                        sanitize(&shorten(after))
                    );
                }
            }
        }
    }
    ExitCode::SUCCESS
}

/// A JSON value cut to a line's worth (`null`, a field not there, as "(none)").
fn shorten(value: &str) -> String {
    const MAX: usize = 100;
    if value == "null" {
        return "(none)".to_string();
    }
    if value.chars().count() <= MAX {
        return value.to_string();
    }
    let cut: String = value.chars().take(MAX).collect();
    format!("{cut}...")
}

/// `rules install FILE` or `rules install --embedded`.
pub fn install(ctx: &Context, file: Option<&std::path::Path>, embedded: bool) -> ExitCode {
    let loaded = match file {
        Some(file) if !embedded => rules::load_file(file),
        _ => rules::embedded(),
    };
    let new = match loaded {
        Ok(r) => r,
        Err(e) => return fail(e, 1),
    };
    let history = match ctx.history() {
        Ok(h) => h,
        Err(e) => return fail(e, 1),
    };
    if let Err(e) = history.install_rules(&new) {
        return fail(e, 1);
    }
    println!(
        "Installed rule set {} {} (sha256 {}) as the default in {}; `history impact` shows which cases it changes.",
        sanitize(&new.id),
        sanitize(&new.version),
        new.compiled.sha256,
        crate::text::shown_path(history.dir())
    );
    ExitCode::SUCCESS
}

/// `rules list`.
pub fn list(ctx: &Context) -> ExitCode {
    let history = match ctx.history() {
        Ok(h) => h,
        Err(e) => return fail(e, 1),
    };
    let (kept, default) = match history.kept_rules() {
        Ok(k) => (k.rule_sets, k.default),
        Err(e) => return fail(e, 1),
    };
    if kept.is_empty() {
        println!(
            "No rule set is kept in {} yet.",
            crate::text::shown_path(history.dir())
        );
    }
    for (sha, snapshot) in &kept {
        let mark = match (
            default.as_deref() == Some(sha),
            ctx.rules.compiled.sha256 == *sha,
        ) {
            (true, true) => "  (default, in use)",
            (true, false) => "  (default)",
            (false, true) => "  (in use)",
            (false, false) => "",
        };
        match snapshot {
            crate::history::Snapshot::Found(r) => println!(
                "{sha}  {} {} reviewed {}{mark}",
                sanitize(&r.id),
                sanitize(&r.version),
                r.reviewed
            ),
            crate::history::Snapshot::Damaged(why) => {
                println!("{sha}  DAMAGED: {}{mark}", sanitize(why))
            }
            crate::history::Snapshot::Missing => {}
        }
    }
    ExitCode::SUCCESS
}
