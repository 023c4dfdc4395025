//! `ree-screen history ...`: list, show, export, verify, re-screen and override records,
//! measure the impact of new rules, and print where the history lives. Every command reads
//! the history in one pass or from its end; bad lines are reported on stderr, never dropped
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
use crate::history::{
    self, History, NewRecord, Query, RecordKind, RecordView, Stored, Summary, export,
};
use crate::report;
use crate::rules::Outcome;
use crate::screening::{Field, validate_field};
use crate::signing;
use crate::text::sanitize;

#[derive(Debug, Subcommand)]
pub enum HistoryCommand {
    /// List cases (each case's current record), newest saved first; --all for every record.
    List {
        #[command(flatten)]
        filter: FilterArgs,
        /// Every record, superseded ones too (the current one of each case marked `*`).
        #[arg(long)]
        all: bool,
        /// Only the newest N matching records.
        #[arg(short = 'n', long, value_name = "N")]
        limit: Option<usize>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
        /// Instead: the licences held that expire within DAYS days (or have expired), the
        /// soonest first; each case's newest licence only.
        #[arg(long, value_name = "DAYS", conflicts_with_all = ["all", "limit"])]
        expiring: Option<i32>,
        /// Only cases whose current record waits for a second officer's approval (team
        /// policy `approval = "required"` in the data directory's team.toml).
        #[arg(long, conflicts_with_all = ["all", "expiring"])]
        pending: bool,
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
        /// Write to this file (created 0600) instead of standard output.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
        /// CSV for Excel: a UTF-8 byte-order mark, and `;` between columns unless
        /// --delimiter says otherwise.
        #[arg(long)]
        excel: bool,
        /// The CSV column separator: `,` or `;`.
        #[arg(long, value_parser = delimiter_arg)]
        delimiter: Option<u8>,
    },
    /// Check every line, the hash chain, the kept rule sets, the signatures and the head you
    /// last saw; exit 0 only when intact.
    Verify {
        /// Also check the history still holds this anchor (a line `history anchor` printed).
        #[arg(long, value_name = "LINE")]
        anchor: Option<String>,
    },
    /// Verify, then print the head as one line (head hash, record count, date) to keep
    /// outside the machine; `verify --anchor LINE` checks it later.
    Anchor,
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
        /// The officer who decides the override, filed as the new record's officer
        /// (default: the settings' officer; required when the settings name none).
        #[arg(long)]
        officer: Option<String>,
    },
    /// Record a licence granted (or refused) for a case: a record of its own that points at
    /// the case's current record and never becomes it.
    Licence {
        /// The case's current record (or an unambiguous start of its id).
        id: String,
        /// The licence's number as issued.
        #[arg(long)]
        number: String,
        #[arg(long, value_enum)]
        kind: history::LicenceKind,
        /// Its last valid day (required unless --refused).
        #[arg(long, value_parser = date_arg)]
        valid_until: Option<Date>,
        #[arg(long, value_parser = date_arg)]
        valid_from: Option<Date>,
        /// Who issued it (e.g. MOFCOM).
        #[arg(long, default_value = "")]
        authority: String,
        /// The quantity or value it covers.
        #[arg(long, default_value = "")]
        quantity: String,
        /// The application was refused (the number is the application's).
        #[arg(long)]
        refused: bool,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Approve a case's current record that waits for a second officer (team policy): filed
    /// under this operating-system user, who must not be the one who saved it.
    Approve {
        id: String,
        /// Why (required).
        #[arg(long)]
        reason: String,
    },
    /// Reject a case's current record that waits for a second officer (team policy).
    Reject {
        id: String,
        /// Why (required).
        #[arg(long)]
        reason: String,
    },
    /// Screen the current record of every case again under the rules in use (--rules, the
    /// settings' or the installed default) and list the cases whose outcome or decisive
    /// clause changes.
    Impact {
        /// Screen every case on this date (default: each case's own screening date, so only
        /// the change of rules shows).
        #[arg(long, value_parser = date_arg)]
        date: Option<Date>,
        /// Save the changed cases' re-screens as new records superseding the current ones
        /// (never a case whose current record is an officer's override, unless
        /// --include-overrides).
        #[arg(long)]
        save: bool,
        /// With --save: also replace the cases whose current record is an officer's override.
        #[arg(long, requires = "save")]
        include_overrides: bool,
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
    /// Text in reference, counterparty, officer, notes or the answers (case-insensitive).
    #[arg(long)]
    grep: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Csv,
    Json,
    Md,
}

fn delimiter_arg(text: &str) -> Result<u8, String> {
    match text {
        "," => Ok(b','),
        ";" => Ok(b';'),
        other => Err(format!(
            "invalid delimiter '{}': use , or ;",
            sanitize(other)
        )),
    }
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

/// Whether the command decides under the rules in use: a re-screen saved, an impact.
pub fn decides(command: &HistoryCommand) -> bool {
    match command {
        HistoryCommand::Rescreen { no_save, .. } => !no_save,
        HistoryCommand::Impact { .. } => true,
        _ => false,
    }
}

pub fn run(ctx: &Context, command: &HistoryCommand) -> ExitCode {
    let history = match ctx.history() {
        Ok(h) => h,
        Err(e) => return fail(e, 1),
    };
    if !matches!(
        command,
        HistoryCommand::Path | HistoryCommand::Verify { .. } | HistoryCommand::Anchor
    ) && let Some(warning) = signing::check_and_note(&history, signing::LOCK_WAIT)
    {
        eprintln!("ree-screen: WARNING: {}", sanitize(&warning));
    }
    let result = match command {
        HistoryCommand::Path => {
            println!("{}", crate::text::shown_path(history.path()));
            Ok(ExitCode::SUCCESS)
        }
        HistoryCommand::List {
            expiring: Some(days),
            format,
            ..
        } => expiring(ctx, &history, *days, *format),
        HistoryCommand::List {
            filter,
            all,
            limit,
            format,
            expiring: None,
            pending,
        } => {
            if *pending {
                return pending_list(&history, filter, *limit, *format)
                    .unwrap_or_else(|(message, status)| fail(message, status));
            }
            let records = if *all {
                history::Records::All
            } else {
                history::Records::Cases
            };
            list(&history, filter, records, *limit, *format)
        }
        HistoryCommand::Show { id, format } => show(ctx, &history, id, *format),
        HistoryCommand::Export {
            format,
            filter,
            output,
            excel,
            delimiter,
        } => {
            let csv = export::CsvOptions {
                bom: *excel,
                delimiter: delimiter.unwrap_or(if *excel { b';' } else { b',' }),
            };
            export_cmd(ctx, &history, *format, filter, output.as_ref(), csv)
        }
        HistoryCommand::Verify { anchor } => verify(&history, anchor.as_deref(), false),
        HistoryCommand::Anchor => verify(&history, None, true),
        HistoryCommand::Rescreen { id, date, no_save } => {
            rescreen(ctx, &history, id, *date, *no_save)
        }
        HistoryCommand::Override {
            id,
            outcome,
            reason,
            officer,
        } => override_cmd(ctx, &history, id, outcome, reason, officer.as_deref()),
        HistoryCommand::Approve { id, reason } => {
            decide(ctx, &history, id, history::Verdict::Approved, reason)
        }
        HistoryCommand::Reject { id, reason } => {
            decide(ctx, &history, id, history::Verdict::Rejected, reason)
        }
        HistoryCommand::Licence {
            id,
            number,
            kind,
            valid_until,
            valid_from,
            authority,
            quantity,
            refused,
            note,
        } => {
            let licence = history::Licence {
                number: number.trim().to_string(),
                kind: *kind,
                authority: authority.trim().to_string(),
                valid_from: *valid_from,
                valid_until: *valid_until,
                quantity: quantity.trim().to_string(),
                refused: *refused,
                note: note.trim().to_string(),
            };
            licence_cmd(ctx, &history, id, licence)
        }
        HistoryCommand::Impact {
            date,
            save,
            include_overrides,
        } => impact(ctx, &history, *date, *save, *include_overrides),
    };
    result.unwrap_or_else(|(message, status)| fail(message, status))
}

type CmdResult = Result<ExitCode, (String, u8)>;

fn runtime(message: impl ToString) -> (String, u8) {
    (message.to_string(), 1)
}

/// Lines left out of a command's output, on stderr: "line N: problem" or "at byte B: ...".
fn report_unusable(history: &History, places: &[String]) {
    if places.is_empty() {
        return;
    }
    eprintln!(
        "ree-screen: {} line(s) of {} skipped (left unchanged in the file; `history verify` checks them):",
        places.len(),
        crate::text::shown_path(history.path())
    );
    for place in places {
        eprintln!("  {place}");
    }
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
    /// Whether it is its case's current record.
    current: bool,
}

fn list(
    history: &History,
    filter: &FilterArgs,
    records: history::Records,
    limit: Option<usize>,
    format: Format,
) -> CmdResult {
    use std::io::Write;
    let query = filter.query().map_err(|m| (m, EXIT_USAGE))?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut rows = 0usize;
    let mut failed = None;
    let all = records == history::Records::All;
    let skipped =
        history::newest_matching(history, &query, records, limit, |s: Summary, current| {
            let written = match format {
                Format::Json => {
                    let row = ListRow {
                        id: &s.id,
                        saved_at: s.saved_at.to_string(),
                        kind: s.kind,
                        date: s.date,
                        outcome: s.outcome,
                        provisional: s.provisional,
                        reference: &s.details.reference,
                        counterparty: &s.details.counterparty,
                        officer: &s.details.officer,
                        supersedes: s.supersedes.as_deref(),
                        current,
                    };
                    let sep = if rows == 0 { "[\n  " } else { ",\n  " };
                    serde_json::to_string(&row)
                        .map_err(std::io::Error::other)
                        .and_then(|json| write!(out, "{sep}{json}"))
                }
                Format::Text => writeln!(
                    out,
                    "{}{}  {}  {} {:<19}{}  {}  {}{}",
                    match (all, current) {
                        (false, _) => "",
                        (true, true) => "* ",
                        (true, false) => "  ",
                    },
                    sanitize(&s.id),
                    s.date,
                    s.outcome.symbol(),
                    s.outcome.id(),
                    if s.provisional { " provisional" } else { "" },
                    sanitize(&s.details.reference),
                    sanitize(&s.details.counterparty),
                    match s.kind {
                        RecordKind::Screening => String::new(),
                        RecordKind::Licence => "  (licence)".to_string(),
                        kind => format!(
                            "  ({} of {})",
                            kind.label(),
                            sanitize(s.supersedes.as_deref().unwrap_or("?"))
                        ),
                    }
                ),
            };
            rows += 1;
            match written {
                Ok(()) => true,
                Err(e) => {
                    failed = Some(e);
                    false
                }
            }
        })
        .map_err(runtime)?;
    let end = match (format, rows) {
        (Format::Json, 0) => writeln!(out, "[]"),
        (Format::Json, _) => writeln!(out, "\n]"),
        (Format::Text, 0) => writeln!(out, "No records match."),
        (Format::Text, _) => Ok(()),
    };
    if let Some(e) = failed.or(end.err()).or(out.flush().err()) {
        return Err(runtime(format!("cannot write the list: {e}")));
    }
    let places: Vec<String> = skipped
        .iter()
        .map(|s| format!("at byte {}: {}", s.offset, s.problem))
        .collect();
    report_unusable(history, &places);
    Ok(ExitCode::SUCCESS)
}

fn find(history: &History, id: &str) -> Result<Stored, (String, u8)> {
    history.find(id).map_err(runtime)?.ok_or_else(|| {
        (
            format!(
                "no record with id \"{}\" in {}",
                sanitize(id),
                crate::text::shown_path(history.path())
            ),
            1,
        )
    })
}

fn show(ctx: &Context, history: &History, id: &str, format: Format) -> CmdResult {
    let stored = find(history, id)?;
    let r = &stored.record;
    let current = match history.standing(&r.id).map_err(runtime)? {
        history::Standing::Superseded { current, .. } => Some(current),
        _ => None,
    };
    let licence = if r.kind.stands_for_case() {
        history.licence_held(&r.id).map_err(runtime)?
    } else {
        r.licence.clone()
    };
    let (approval, policy_problem) = history.approval_state(r).map_err(runtime)?;
    if let Some(why) = &policy_problem {
        eprintln!("ree-screen: {}", sanitize(why));
    }
    match format {
        Format::Json => println!(
            "{:#}",
            serde_json::json!({
                "hash": stored.hash,
                "line": stored.line,
                "id": r.id,
                "schema": r.schema,
                "saved_at": r.saved_at,
                "program_version": r.program_version,
                "kind": r.kind,
                "supersedes": r.supersedes,
                "reason": r.reason,
                "override_outcome": r.override_outcome,
                "identity": r.identity,
                "signature": signing::describe(history, &stored),
                "details": r.screening.details,
                "determination": *r.screening.determination,
                "rebuilt": r.rebuilt.note(),
                "current": current.is_none(),
                "current_record": current.as_deref().unwrap_or(&r.id),
                "approval": approval.word(),
                "approval_decision": match &approval {
                    history::ApprovalState::Decided(d) => Some(d),
                    _ => None,
                },
                "licence": licence.as_ref().map(|l| serde_json::json!({
                    "record": l.id,
                    "about": l.about,
                    "licence": l.licence,
                    "warning": l.licence.warning(ctx.today),
                })),
            })
        ),
        Format::Text => {
            let (kept, note) = history::rules_for(&mut history.snapshots(), r, &ctx.rules);
            let mut view = RecordView::new(&stored, kept.as_deref().unwrap_or(&ctx.rules), note)
                .with_licence(licence.as_ref(), ctx.today)
                .with_approval(&approval);
            view.signature = Some(signing::describe(history, &stored));
            if let Some(current) = &current {
                println!(
                    "SUPERSEDED: this is not the case's current record; the current one is {} (`ree-screen history show {}`).",
                    sanitize(current),
                    sanitize(current)
                );
                println!();
            }
            for line in view.header() {
                println!("{}: {}", line.part.label(), line.value);
            }
            println!("As decided then:");
            println!();
            print!(
                "{}",
                crate::text::sanitize_lines(&report::text(
                    &view.presentation,
                    report::Detail::Concise
                ))
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
    csv: export::CsvOptions,
) -> CmdResult {
    use std::io::Write;
    let query = filter.query().map_err(|m| (m, EXIT_USAGE))?;
    let survey = export::Survey::of(history).map_err(runtime)?;
    let places: Vec<String> = survey
        .bad
        .iter()
        .map(|b| format!("line {}: {}", b.line, b.problem))
        .collect();
    report_unusable(history, &places);
    let format = match format {
        ExportFormat::Csv => export::Format::Csv(csv),
        ExportFormat::Json => export::Format::Json,
        ExportFormat::Md => export::Format::Markdown,
    };
    let selection = export::Selection::from(&query);
    let exported = match output {
        Some(path) => export::write_file(
            path, true, format, history, selection, &ctx.rules, &survey, ctx.today,
        )
        .map_err(runtime)?,
        None => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            let exported = export::write(
                &mut out, format, history, selection, &ctx.rules, &survey, ctx.today,
            )
            .map_err(runtime)?;
            out.flush().map_err(runtime)?;
            exported
        }
    };
    eprintln!(
        "ree-screen: exported {} of {} records; history head hash {}",
        exported, survey.records, survey.head
    );
    Ok(ExitCode::SUCCESS)
}

/// `history verify`, or with `anchor_it` `history anchor`: the anchor line is printed only
/// when everything holds.
fn verify(history: &History, anchor: Option<&str>, anchor_it: bool) -> CmdResult {
    let mut heads = signing::HeadCheck::new(history, anchor).map_err(|m| (m, EXIT_USAGE))?;
    let mut audit =
        signing::Audit::new(history.dir(), heads.checked_signatures()).map_err(runtime)?;
    let lock = signing::SharedLock::acquire(history, signing::LOCK_WAIT);
    let report = history
        .verify_each(|found| {
            audit.record(
                found.line,
                found.offset,
                found.link.hash,
                found.link.record,
                found.frame.batch,
            );
            heads.record(found.offset, found.link.hash);
        })
        .map_err(runtime)?;
    let mut signatures = audit.finish();
    let intact = report.intact() && signatures.intact();
    let heads = heads.finish(
        history,
        intact,
        lock.is_some(),
        signatures.named > 0,
        signatures.read.take(),
    );
    drop(lock);
    let intact = intact && heads.intact();
    if anchor_it && intact {
        println!(
            "{}",
            signing::anchor_line(&report.head, report.records as u64, jiff::Timestamp::now())
        );
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{}: {} records, head hash {}; {} kept rule set(s) and {} kept party list(s) checked",
        crate::text::shown_path(history.path()),
        report.records,
        report.head,
        report.snapshots,
        report.party_lists
    );
    for bad in &report.bad {
        println!("line {}: {}", bad.line, bad.problem);
    }
    for u in &report.unfinished {
        println!(
            "line {}: a batch of {} record(s) that a crash cut short (never saved; left out)",
            u.line, u.batch.of
        );
    }
    for gap in &report.acknowledged {
        println!(
            "line {}: {} byte(s) left by an interrupted save, acknowledged by the record on line {}",
            gap.line, gap.bytes, gap.by_line
        );
    }
    for p in &report.snapshot_problems {
        println!("RULE SET: {}", sanitize(&p.message));
    }
    for p in &report.party_list_problems {
        println!("PARTY LIST: {}", sanitize(&p.message));
    }
    print_signatures(&signatures);
    for held in &heads.held {
        println!("Head: {held}.");
    }
    for lost in &heads.lost {
        println!("HEAD LOST: {}.", sanitize(lost));
    }
    if let Some(gone) = &heads.signers_gone {
        println!("SIGNERS GONE: {}.", sanitize(gone));
    }
    match &report.first_break {
        Some(b) => println!("BROKEN at line {}: {}", b.line, b.message),
        None if !report.snapshot_problems.is_empty() => {
            println!("The chain holds, but a rule set is altered or missing.")
        }
        None if !report.party_list_problems.is_empty() => {
            println!("The chain holds, but a kept party list is altered or missing.")
        }
        None if !signatures.intact() => println!(
            "The chain holds, but the signatures show {} problem(s).",
            signatures.findings.len()
        ),
        None if !heads.lost.is_empty() => {
            println!("The chain holds, but records you saw or anchored are gone.")
        }
        None if !heads.intact() => {
            println!("The chain holds, but the allowed_signers you verified with is gone.")
        }
        None => println!(
            "Intact: every record reads, the hash chain holds, every rule set a record was decided under and every kept party list is kept and matches its hash, and every save that must be signed is."
        ),
    }
    if anchor_it {
        println!("Not anchored: the history does not verify.");
    }
    Ok(if intact {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn print_signatures(report: &signing::SignatureReport) {
    if let Some(problem) = &report.trust_problem {
        println!("WARNING: {problem}; no user is held to signing");
    }
    let who = match report.named {
        0 => "no allowed_signers counts, so no user must sign".to_string(),
        n => format!("allowed_signers names {n} user(s), who must sign"),
    };
    println!(
        "Signatures: {} save(s) signed by their user, {} not; {who}.",
        report.signed_saves, report.unsigned_saves
    );
    for finding in &report.findings {
        match finding.line {
            0 => println!("SIGNED SAVE MISSING: {}", sanitize(&finding.message)),
            line => println!(
                "SIGNATURE FAILS at line {line} ({}): {}",
                sanitize(&finding.user),
                sanitize(&finding.message)
            ),
        }
    }
}

fn save(
    ctx: &Context,
    history: &History,
    new: &[NewRecord],
) -> Result<Vec<history::Record>, (String, u8)> {
    let saved = history.append(new, &ctx.identity).map_err(|e| {
        let status = if e.not_current.is_some() {
            EXIT_USAGE
        } else {
            1
        };
        (format!("not saved: {e}"), status)
    })?;
    ctx.report_signature();
    Ok(saved)
}

/// Refuse to act on a record that is not its case's current one (exit 2), naming the one
/// that is. The save checks again under the lock; this refuses before any work is shown.
fn require_current(history: &History, stored: &Stored) -> Result<(), (String, u8)> {
    match history.standing(&stored.record.id).map_err(runtime)? {
        history::Standing::Superseded { current, offset } => Err((
            history::NotCurrent {
                id: stored.record.id.clone(),
                current: Some((current, offset)),
            }
            .message(),
            EXIT_USAGE,
        )),
        _ => Ok(()),
    }
}

fn rescreen(
    ctx: &Context,
    history: &History,
    id: &str,
    date: Option<Date>,
    no_save: bool,
) -> CmdResult {
    let stored = find(history, id)?;
    match require_current(history, &stored) {
        Err(refused) if !no_save => return Err(refused),
        // Looking is fine, but it is said first.
        Err((message, _)) => println!("SUPERSEDED: {}", sanitize(&message)),
        Ok(()) => {}
    }
    let (screening, diff) =
        history::rescreen(&ctx.rules, &stored.record, date.unwrap_or(ctx.today));
    println!(
        "Re-screen of record {} (saved {}):",
        sanitize(&stored.record.id),
        stored.record.saved_at,
    );
    print!(
        "{}",
        crate::text::sanitize_lines(&history::diff_text(&diff))
    );
    if no_save {
        return Ok(ExitCode::SUCCESS);
    }
    let new = NewRecord {
        screening: &screening,
        kind: RecordKind::Rescreen,
        supersedes: Some(stored.record.id.clone()),
        reason: Some("re-screen".to_string()),
        override_outcome: None,
        licence: None,
        approval: None,
    };
    for r in save(ctx, history, &[new])? {
        println!(
            "Saved as {} to {}",
            r.id,
            crate::text::shown_path(history.path())
        );
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
    // Never the original screener's name: the override is the deciding officer's.
    let officer = officer
        .map(str::trim)
        .or(Some(ctx.settings.officer.trim()))
        .filter(|o| !o.is_empty())
        .ok_or_else(|| {
            (
                "an override is filed under the officer who decides it: give --officer NAME, or set `officer` in the settings (`ree-screen config path` shows where)".to_string(),
                EXIT_USAGE,
            )
        })?;
    validate_field(Field::Officer, officer).map_err(|m| (m, EXIT_USAGE))?;
    let stored = find(history, id)?;
    require_current(history, &stored)?;
    let mut screening = stored.record.screening.clone();
    screening.details.officer = officer.to_string();
    let new = NewRecord {
        screening: &screening,
        kind: RecordKind::Override,
        supersedes: Some(stored.record.id.clone()),
        reason: Some(reason.to_string()),
        override_outcome: Some(outcome),
        licence: None,
        approval: None,
    };
    for r in save(ctx, history, &[new])? {
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

fn licence_cmd(ctx: &Context, history: &History, id: &str, licence: history::Licence) -> CmdResult {
    licence.check().map_err(|m| (m, EXIT_USAGE))?;
    let stored = find(history, id)?;
    if !stored.record.kind.stands_for_case() {
        return Err((
            format!(
                "record {} is a licence record: give the case's current record",
                sanitize(&stored.record.id)
            ),
            EXIT_USAGE,
        ));
    }
    require_current(history, &stored)?;
    let new = NewRecord {
        screening: &stored.record.screening,
        kind: RecordKind::Licence,
        supersedes: None,
        reason: None,
        override_outcome: None,
        licence: Some((stored.record.id.clone(), licence)),
        approval: None,
    };
    for r in save(ctx, history, &[new])? {
        let held = r.licence.as_ref().map(|l| &l.licence);
        println!(
            "Licence {} saved as {} (about {}): {}",
            if held.is_some_and(|l| l.refused) {
                "refusal"
            } else {
                "held"
            },
            r.id,
            sanitize(&stored.record.id),
            sanitize(&held.map(history::Licence::describe).unwrap_or_default())
        );
        if let Some(warning) = held.and_then(|l| l.warning(ctx.today)) {
            println!("{}", sanitize(&warning));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `history approve` / `history reject`: a decision record about a case's current record
/// that waits for a second officer, by another operating-system user than the one who
/// saved it.
fn decide(
    ctx: &Context,
    history: &History,
    id: &str,
    verdict: history::Verdict,
    reason: &str,
) -> CmdResult {
    if reason.trim().is_empty() {
        return Err((
            "a decision needs a reason (--reason TEXT)".to_string(),
            EXIT_USAGE,
        ));
    }
    let stored = find(history, id)?;
    let r = &stored.record;
    history
        .check_decision(r, &ctx.identity)
        .map_err(|m| (m, EXIT_USAGE))?;
    require_current(history, &stored)?;
    let new = NewRecord {
        screening: &r.screening,
        kind: RecordKind::Approval,
        supersedes: None,
        reason: Some(reason.trim().to_string()),
        override_outcome: None,
        licence: None,
        approval: Some((r.id.clone(), verdict)),
    };
    for saved in save(ctx, history, &[new])? {
        println!(
            "Record {} {} by {}: saved as {}",
            sanitize(&r.id),
            verdict.label(),
            sanitize(&ctx.identity.describe()),
            saved.id
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `history list --pending`: the cases whose current record waits for a second officer.
fn pending_list(
    history: &History,
    filter: &FilterArgs,
    limit: Option<usize>,
    format: Format,
) -> CmdResult {
    let query = filter.query().map_err(|m| (m, EXIT_USAGE))?;
    let survey = export::Survey::of(history).map_err(runtime)?;
    if let Some(why) = &survey.policy_problem {
        eprintln!("ree-screen: {}", sanitize(why));
    }
    let mut rows = Vec::new();
    history::newest_matching(history, &query, history::Records::Cases, None, |s, _| {
        if survey.policy.needs_approval(s.kind, s.outcome) && !survey.decisions.contains_key(&s.id)
        {
            rows.push(s);
        }
        limit.is_none_or(|l| rows.len() < l)
    })
    .map_err(runtime)?;
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&rows).map_err(runtime)?),
        Format::Text => {
            for s in &rows {
                println!(
                    "{}  {}  {} {:<19}  {}  {}  saved as {}",
                    sanitize(&s.id),
                    s.date,
                    s.outcome.symbol(),
                    s.outcome.id(),
                    sanitize(&s.details.reference),
                    sanitize(&s.details.counterparty),
                    s.kind.label()
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `history list --expiring DAYS`: each case's newest licence that ends within DAYS days.
fn expiring(ctx: &Context, history: &History, days: i32, format: Format) -> CmdResult {
    let survey = export::Survey::of(history).map_err(runtime)?;
    let mut found: Vec<&history::LicenceRecord> = survey
        .licences
        .all()
        .into_iter()
        .filter(|l| {
            survey
                .licences
                .standing_for(&l.about)
                .is_some_and(|s| s.id == l.id)
        })
        .filter(|l| l.licence.expires_within(ctx.today, days))
        .collect();
    found.sort_by_key(|l| l.licence.valid_until);
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&found).map_err(runtime)?),
        Format::Text => {
            for l in &found {
                println!(
                    "{}  {}  about {}{}",
                    l.licence
                        .valid_until
                        .map(|d| d.to_string())
                        .unwrap_or_default(),
                    sanitize(&l.licence.describe()),
                    sanitize(&l.about),
                    l.licence
                        .warning(ctx.today)
                        .map(|w| format!("  {}", sanitize(&w)))
                        .unwrap_or_default()
                );
            }
        }
    }
    let places: Vec<String> = survey
        .bad
        .iter()
        .map(|b| format!("line {}: {}", b.line, b.problem))
        .collect();
    report_unusable(history, &places);
    Ok(ExitCode::SUCCESS)
}

fn impact(
    ctx: &Context,
    history: &History,
    date: Option<Date>,
    save_them: bool,
    include_overrides: bool,
) -> CmdResult {
    let rules = &ctx.rules;
    let parties = ctx.screener().map_err(runtime)?;
    let found = history::impact(history, rules, date, Some(&parties)).map_err(runtime)?;
    let on = date.map_or_else(
        || "each case's own screening date".to_string(),
        |d| d.to_string(),
    );
    println!(
        "Impact of rule set {} {} (sha256 {}) on {}: {} of {} current case(s) change.",
        sanitize(&rules.id),
        sanitize(&rules.version),
        rules.compiled.sha256.get(..12).unwrap_or(""),
        on,
        found.changed.len(),
        found.cases
    );
    let clause = |c: &Option<String>| {
        c.as_deref()
            .map_or_else(|| "no clause".to_string(), |id| rules.cite_short(id))
    };
    for (i, c) in found.changed.iter().enumerate() {
        if c.overridden && (i == 0 || !found.changed[i - 1].overridden) {
            println!(
                "Cases whose current record is an officer's override (the override stands; {}):",
                if include_overrides {
                    "replaced because --include-overrides was given"
                } else {
                    "saved only with --include-overrides"
                }
            );
        }
        println!(
            "{}{}  {}  {}  {} -> {}  ({} -> {}){}",
            if c.overridden { "  " } else { "" },
            sanitize(&c.id),
            sanitize(&c.reference),
            sanitize(&c.counterparty),
            c.outcome_before.id(),
            c.outcome_after.id(),
            sanitize(&clause(&c.decided_by_before)),
            sanitize(&clause(&c.decided_by_after)),
            if c.now_provisional && !c.overridden {
                "  [now provisional: settle the open answer]"
            } else {
                ""
            }
        );
    }
    let kept = if include_overrides {
        0
    } else {
        found.overrides()
    };
    if save_them && kept > 0 {
        println!("{kept} case(s) on an officer's override left as they are.");
    }
    if save_them && found.to_save(include_overrides).next().is_some() {
        let reason = history::impact_reason(rules);
        let new: Vec<NewRecord> = found
            .to_save(include_overrides)
            .map(|c| NewRecord {
                screening: &c.rescreen,
                kind: RecordKind::Rescreen,
                supersedes: Some(c.id.clone()),
                reason: Some(reason.clone()),
                override_outcome: None,
                licence: None,
                approval: None,
            })
            .collect();
        let saved = save(ctx, history, &new)?;
        println!(
            "Saved {} re-screen(s) to {}",
            saved.len(),
            crate::text::shown_path(history.path())
        );
    }
    Ok(ExitCode::SUCCESS)
}
