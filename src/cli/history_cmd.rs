//! `ree-screen history ...`: list, show, export, verify, re-screen and override records, and
//! print where the history lives. Bad lines are always reported on stderr, never dropped
//! silently.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use jiff::civil::Date;
use serde::Serialize;

use super::screen::outcome_arg;
use super::{Format, date_arg};
use crate::context::Context;
use crate::exit::{USAGE as EXIT_USAGE, fail};
use crate::history::{self, History, NewRecord, Query, RecordKind, Scan, Stored, Summary, export};
use crate::report;
use crate::rules::Outcome;
use crate::text::sanitize;

#[derive(Debug, Subcommand)]
pub enum HistoryCommand {
    /// List records, newest first.
    List {
        #[command(flatten)]
        filter: FilterArgs,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Show one record exactly as it was decided.
    Show {
        /// The record id (or an unambiguous start of it).
        id: String,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Export records as CSV, JSON or a Markdown report.
    Export {
        #[arg(long, value_enum)]
        format: ExportFormat,
        #[command(flatten)]
        filter: FilterArgs,
        /// Write to this file instead of standard output.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Check every line and the hash chain; exit 0 only when intact.
    Verify,
    /// Print the history file's path.
    Path,
    /// Screen a record's answers again under the current rules and show what changed.
    Rescreen {
        id: String,
        /// Screening date, YYYY-MM-DD (default: today).
        #[arg(long, value_parser = date_arg)]
        date: Option<Date>,
        /// Show the changes without saving a new record.
        #[arg(long)]
        no_save: bool,
    },
    /// Record an officer's decision that replaces a record's outcome (a new record).
    Override {
        id: String,
        /// The outcome decided: no_license_required, exempt, license_required, case_by_case,
        /// denied_in_principle, prohibited.
        #[arg(long)]
        outcome: String,
        /// Why (required).
        #[arg(long)]
        reason: String,
        /// Who decides the override (default: the original record's officer).
        #[arg(long)]
        officer: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct FilterArgs {
    /// Only this outcome (e.g. denied_in_principle).
    #[arg(long)]
    outcome: Option<String>,
    /// Screening dates from, YYYY-MM-DD.
    #[arg(long, value_parser = date_arg)]
    since: Option<Date>,
    /// Screening dates until, YYYY-MM-DD.
    #[arg(long, value_parser = date_arg)]
    until: Option<Date>,
    /// Text in reference, counterparty, destination, officer or notes.
    #[arg(long)]
    grep: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Csv,
    Json,
    Md,
}

impl FilterArgs {
    fn query(&self) -> Result<Query, String> {
        Ok(Query {
            text: self.grep.clone().unwrap_or_default(),
            outcome: self.outcome.as_deref().map(outcome_arg).transpose()?,
            since: self.since,
            until: self.until,
        })
    }
}

/// Read the whole history, reporting skipped lines on stderr.
fn scan(history: &History) -> Result<Scan, String> {
    let scan = history.scan().map_err(|e| e.to_string())?;
    if !scan.bad.is_empty() {
        eprintln!(
            "ree-screen: {} line(s) of {} skipped (left unchanged in the file):",
            scan.bad.len(),
            history.path().display()
        );
        for bad in &scan.bad {
            eprintln!("  line {}: {}", bad.line, bad.problem);
        }
    }
    Ok(scan)
}

fn matching<'a>(scan: &'a Scan, query: &Query) -> Vec<&'a Stored> {
    let prepared = query.prepare();
    scan.records
        .iter()
        .rev()
        .filter(|s| prepared.matches(&Summary::from_record(s.offset, &s.record)))
        .collect()
}

#[derive(Serialize)]
struct ListRow<'a> {
    id: &'a str,
    saved_at: String,
    kind: RecordKind,
    date: Date,
    outcome: Outcome,
    provisional: bool,
    reference: &'a str,
    counterparty: &'a str,
    officer: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    supersedes: Option<&'a str>,
}

pub fn run(ctx: &Context, command: &HistoryCommand) -> ExitCode {
    let history = match ctx.history() {
        Ok(h) => h,
        Err(e) => return fail(e, 1),
    };
    let result = match command {
        HistoryCommand::Path => {
            println!("{}", history.path().display());
            Ok(ExitCode::SUCCESS)
        }
        HistoryCommand::List { filter, format } => list(&history, filter, *format),
        HistoryCommand::Show { id, format } => show(ctx, &history, id, *format),
        HistoryCommand::Export {
            format,
            filter,
            output,
        } => export_cmd(ctx, &history, *format, filter, output.as_ref()),
        HistoryCommand::Verify => verify(&history),
        HistoryCommand::Rescreen { id, date, no_save } => {
            rescreen(ctx, &history, id, *date, *no_save)
        }
        HistoryCommand::Override {
            id,
            outcome,
            reason,
            officer,
        } => override_cmd(ctx, &history, id, outcome, reason, officer.as_deref()),
    };
    result.unwrap_or_else(|(message, status)| fail(message, status))
}

type CmdResult = Result<ExitCode, (String, u8)>;

fn runtime(message: impl ToString) -> (String, u8) {
    (message.to_string(), 1)
}

fn list(history: &History, filter: &FilterArgs, format: Format) -> CmdResult {
    let query = filter.query().map_err(|m| (m, EXIT_USAGE))?;
    let scan = scan(history).map_err(runtime)?;
    let rows = matching(&scan, &query);
    match format {
        Format::Json => {
            let rows: Vec<ListRow> = rows
                .iter()
                .map(|s| {
                    let r = &s.record;
                    let d = &r.screening.details;
                    ListRow {
                        id: &r.id,
                        saved_at: r.saved_at.to_string(),
                        kind: r.kind,
                        date: r.screening.determination.date,
                        outcome: r.effective_outcome(),
                        provisional: r.screening.determination.provisional,
                        reference: &d.reference,
                        counterparty: &d.counterparty,
                        officer: &d.officer,
                        supersedes: r.supersedes.as_deref(),
                    }
                })
                .collect();
            println!("{:#}", serde_json::json!(rows));
        }
        Format::Text => {
            if rows.is_empty() {
                println!("No records match.");
            }
            for s in rows {
                let r = &s.record;
                let d = &r.screening.details;
                let outcome = r.effective_outcome();
                println!(
                    "{}  {}  {} {:<19}{}  {}  {}{}",
                    r.id,
                    r.screening.determination.date,
                    outcome.symbol(),
                    outcome.id(),
                    if r.screening.determination.provisional {
                        " provisional"
                    } else {
                        ""
                    },
                    sanitize(&d.reference),
                    sanitize(&d.counterparty),
                    match r.kind {
                        RecordKind::Screening => String::new(),
                        kind => format!(
                            "  ({} of {})",
                            kind.label(),
                            r.supersedes.as_deref().unwrap_or("?")
                        ),
                    }
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn find(history: &History, id: &str) -> Result<Stored, (String, u8)> {
    history.find(id).map_err(runtime)?.ok_or_else(|| {
        (
            format!(
                "no record with id \"{}\" in {}",
                sanitize(id),
                history.path().display()
            ),
            1,
        )
    })
}

fn show(ctx: &Context, history: &History, id: &str, format: Format) -> CmdResult {
    let stored = find(history, id)?;
    let r = &stored.record;
    match format {
        Format::Json => println!(
            "{:#}",
            serde_json::json!({"hash": stored.hash, "record": r})
        ),
        Format::Text => {
            println!(
                "Record {} (line {}), saved {} by ree-screen {}",
                sanitize(&r.id),
                stored.line,
                r.saved_at,
                sanitize(&r.program_version)
            );
            println!("Saved by: {}", r.identity.describe());
            println!("Kind: {}", r.kind.label());
            if let Some(original) = &r.supersedes {
                println!("Supersedes: {}", sanitize(original));
            }
            if let Some(outcome) = r.override_outcome {
                println!("OFFICER OVERRIDE: {} {}", outcome.symbol(), outcome.label());
            }
            if let Some(reason) = &r.reason {
                println!("Reason: {}", sanitize(reason));
            }
            println!("Hash: {}", sanitize(&stored.hash));
            println!("As decided then:");
            println!();
            // Texts come from the current rules; the decision itself (outcome, clauses,
            // roles, statuses) is the stored one.
            print!(
                "{}",
                report::of(&ctx.rules, &r.screening.determination, report::Detail::Concise)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn export_cmd(
    ctx: &Context,
    history: &History,
    format: ExportFormat,
    filter: &FilterArgs,
    output: Option<&PathBuf>,
) -> CmdResult {
    let query = filter.query().map_err(|m| (m, EXIT_USAGE))?;
    let scan = scan(history).map_err(runtime)?;
    let rows = matching(&scan, &query);
    let provenance = export::Provenance::of(history, &scan, rows.len());
    let mut buffer = Vec::new();
    match format {
        ExportFormat::Csv => export::csv(&mut buffer, &rows, &provenance),
        ExportFormat::Json => export::json(&mut buffer, &rows, &provenance),
        ExportFormat::Md => export::markdown(&mut buffer, &ctx.rules, &rows, &provenance),
    }
    .map_err(runtime)?;
    match output {
        Some(path) => {
            use std::io::Write;
            let mut file = crate::files::AtomicOutput::create(path).map_err(runtime)?;
            file.write_all(&buffer)
                .map_err(|e| runtime(format!("{}: cannot write the export: {e}", path.display())))?;
            file.commit().map_err(runtime)?;
        }
        None => {
            use std::io::Write;
            std::io::stdout().write_all(&buffer).map_err(runtime)?;
        }
    }
    eprintln!(
        "ree-screen: exported {} of {} records; history head hash {}",
        provenance.exported, provenance.records, provenance.head
    );
    Ok(ExitCode::SUCCESS)
}

fn verify(history: &History) -> CmdResult {
    let report = history.verify().map_err(runtime)?;
    println!(
        "{}: {} records, head hash {}",
        history.path().display(),
        report.records,
        report.head
    );
    for bad in &report.bad {
        println!("line {}: {}", bad.line, bad.problem);
    }
    match &report.first_break {
        Some(b) => println!("CHAIN BROKEN at line {}: {}", b.line, b.message),
        None if report.bad.is_empty() => {
            println!("Intact: every line reads and the hash chain holds.")
        }
        None => println!(
            "The chain holds across the good records, but {} line(s) are unreadable.",
            report.bad.len()
        ),
    }
    Ok(if report.intact() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn rescreen(
    ctx: &Context,
    history: &History,
    id: &str,
    date: Option<Date>,
    no_save: bool,
) -> CmdResult {
    let stored = find(history, id)?;
    let (screening, diff) = history::rescreen(&ctx.rules, &stored.record, date.unwrap_or(ctx.today));
    println!(
        "Re-screen of {} (screened {} on {}), now on {}:",
        sanitize(&stored.record.id),
        stored.record.saved_at,
        stored.record.screening.determination.date,
        screening.determination.date
    );
    print!("{}", history::diff_text(&diff));
    if no_save {
        return Ok(ExitCode::SUCCESS);
    }
    let new = NewRecord {
        screening: &screening,
        kind: RecordKind::Rescreen,
        supersedes: Some(stored.record.id.clone()),
        reason: Some("re-screen".to_string()),
        override_outcome: None,
    };
    let saved = history.append(&[new], &ctx.identity).map_err(runtime)?;
    for r in saved {
        println!("Saved as {} to {}", r.id, history.path().display());
    }
    Ok(ExitCode::SUCCESS)
}

fn override_cmd(
    ctx: &Context,
    history: &History,
    id: &str,
    outcome: &str,
    reason: &str,
    officer: Option<&str>,
) -> CmdResult {
    let outcome = outcome_arg(outcome).map_err(|m| (m, EXIT_USAGE))?;
    if reason.trim().is_empty() {
        return Err((
            "an override needs a reason (--reason TEXT)".to_string(),
            EXIT_USAGE,
        ));
    }
    let stored = find(history, id)?;
    let mut screening = stored.record.screening.clone();
    if let Some(officer) = officer {
        screening.details.officer = officer.to_string();
    }
    let new = NewRecord {
        screening: &screening,
        kind: RecordKind::Override,
        supersedes: Some(stored.record.id.clone()),
        reason: Some(reason.to_string()),
        override_outcome: Some(outcome),
    };
    let saved = history.append(&[new], &ctx.identity).map_err(runtime)?;
    for r in saved {
        println!(
            "Override saved as {} (supersedes {}): {} {}",
            r.id,
            sanitize(&stored.record.id),
            outcome.symbol(),
            outcome.label()
        );
    }
    Ok(ExitCode::SUCCESS)
}
