//! `ree-screen batch FILE`: screen every row of a CSV or JSON-lines file, save them to the
//! history in one append, and write one result per row plus a summary on stderr.

use std::io::{self, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use jiff::civil::Date;

use super::date_arg;
use crate::batch::{
    BatchFormat, Columns, ResultWriter, RowError, RowReader, RowResult, Screener, Summary,
};
use crate::context::Context;
use crate::exit::{ROWS_FAILED, USAGE, fail};
use crate::files::Output;
use crate::screening::{Field, Screening};

/// Row errors echoed on stderr as they happen; the rest are only in the output.
const ERRORS_ON_STDERR: usize = 20;

/// Rows between progress updates (and the least input that shows any).
const PROGRESS_EVERY: usize = 10_000;
/// Rows read ahead of screening, whose names are searched together.
const NAMES_AHEAD: usize = 2_048;

#[derive(Debug, Args)]
pub struct BatchArgs {
    /// CSV file with a header row, or JSON-lines file; `-` reads standard input.
    /// Columns: one per question of the rule set (stage, line, goods, origin, recipient,
    /// destination; an empty or missing one is answered unknown), reference, counterparty,
    /// end_user (both screened against the party lists), officer, notes and date.
    pub file: PathBuf,
    /// Input and output format (default: from the file extension, .csv or .jsonl).
    #[arg(long, value_enum)]
    pub format: Option<BatchFormat>,
    /// Screening date for rows without one, YYYY-MM-DD or DD.MM.YYYY (default: today).
    #[arg(long, value_parser = date_arg)]
    pub date: Option<Date>,
    /// Write the results to this file (created 0600, replaced only once the batch is done)
    /// instead of standard output.
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Screen without saving the records to the history.
    #[arg(long)]
    pub no_save: bool,
    /// Exit with status 4 when a row's outcome is at least this severe, e.g.
    /// license_required; `internal`: when a row's name is on an internal list.
    #[arg(long, value_name = "OUTCOME", value_parser = super::screen::fail_on_arg)]
    pub fail_on: Option<super::screen::FailOn>,
}

fn is_stdio(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Refuse `-o` naming the input: creating the output would empty the input before it is read.
fn same_file(input: &Path, output: &Path) -> bool {
    match (input.canonicalize(), output.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

pub fn run(ctx: &Context, args: &BatchArgs) -> ExitCode {
    let rules = &ctx.rules;
    let Some(format) = args.format.or_else(|| BatchFormat::infer(&args.file)) else {
        return fail(
            format!(
                "cannot tell the format of {} from its name: pass --format csv or --format jsonl",
                args.file.display()
            ),
            USAGE,
        );
    };
    let input: Box<dyn Read> = if is_stdio(&args.file) {
        Box::new(io::stdin().lock())
    } else {
        match crate::files::open_regular(&args.file) {
            Ok(file) => Box::new(file),
            Err(e) => return fail(e, 1),
        }
    };
    if let Some(path) = &args.output
        && !is_stdio(path)
        && same_file(&args.file, path)
    {
        return fail(
            format!(
                "{} is the input file; choose another output file",
                path.display()
            ),
            USAGE,
        );
    }
    // Opened before anything is screened or saved, so an output that cannot be written (a
    // FIFO nobody reads, a refused symlink) stops the batch first; an existing file is only
    // replaced once the results are complete.
    let output = match Output::open(args.output.as_deref().unwrap_or(Path::new("-"))) {
        Ok(output) => output,
        Err(e) => return fail(format!("cannot write the results: {e}"), 1),
    };
    let reader = match RowReader::new(input, format, Columns::of(rules)) {
        Ok(reader) => reader,
        Err(e) => return fail(format!("{}: {e}", args.file.display()), 1),
    };
    let parties = match ctx.screener() {
        Ok(p) => p,
        Err(e) => return fail(e, 1),
    };
    let mut screener = Screener::new(
        rules,
        args.date.unwrap_or(ctx.today),
        ctx.settings.new_details(),
    )
    .with_parties(&parties);
    // Rows to be saved are refused one by one when the team requires an officer.
    let history = (!args.no_save).then(|| ctx.history().ok()).flatten();
    let officer_ok = |officer: &str| match &history {
        Some(history) => history.check_officer(officer),
        None => Ok(()),
    };
    let screening = screen_all(
        reader,
        &mut screener,
        !args.no_save,
        args.fail_on,
        &officer_ok,
    );
    let mut screened = match screening {
        Ok(screened) => screened,
        Err(e) => {
            return fail(
                format!("{}: {e}; nothing was saved", args.file.display()),
                1,
            );
        }
    };
    if !screened.ignored.is_empty() {
        eprintln!(
            "ree-screen: ignored columns not used by batch: {}",
            crate::text::sanitize(&screened.ignored.join(", "))
        );
    }
    let saved = save(ctx, &mut screened);
    let failing = screened.failing;
    let results = screened.results;

    // The output is written only now that the input has been read, and an output file
    // replaces an existing one only once it is complete.
    let mut summary = Summary::default();
    let written = write_results(output, format, &results, &mut summary);
    eprint!("{summary}");
    if let Err(e) = saved {
        return fail(
            format!(
                "NOT SAVED: {e}. The results have no record ids; use --no-save to screen without saving"
            ),
            1,
        );
    }
    if let Err(e) = written {
        return fail(format!("cannot write the results: {e}"), 1);
    }
    if !summary.failed.is_empty() {
        ExitCode::from(ROWS_FAILED)
    } else if failing {
        ExitCode::from(crate::exit::OUTCOME_AT_LEAST)
    } else {
        ExitCode::SUCCESS
    }
}

/// Write every result (to standard output, or to a file replaced only when complete),
/// counting them into `summary`.
fn write_results(
    mut output: Output,
    format: BatchFormat,
    results: &[RowResult],
    summary: &mut Summary,
) -> Result<(), String> {
    let mut write_all = |out: &mut dyn Write| -> io::Result<()> {
        let mut writer = ResultWriter::new(out, format)?;
        for result in results {
            summary.add(result);
            writer.write(result)?;
        }
        writer.finish()
    };
    write_all(&mut BufWriter::new(&mut output)).map_err(|e| e.to_string())?;
    output.finish()
}

/// What `screen_all` produced.
struct Screened {
    /// One result per input row, in input order.
    results: Vec<RowResult>,
    /// The screenings to save (empty with `--no-save`) ...
    screenings: Vec<Screening>,
    /// ... and for each, the index of its result.
    result_index: Vec<usize>,
    /// Input columns that are not batch columns.
    ignored: Vec<String>,
    /// Whether some row meets `--fail-on`.
    failing: bool,
}

/// Save every screening in one append and put the record ids into the results.
fn save(ctx: &Context, screened: &mut Screened) -> Result<(), String> {
    if screened.screenings.is_empty() {
        return Ok(());
    }
    let ids = ctx.save(&screened.screenings)?;
    ctx.report_signature();
    if ids.len() != screened.screenings.len() {
        return Err(format!(
            "the history returned {} record ids for {} records",
            ids.len(),
            screened.screenings.len()
        ));
    }
    for (index, id) in screened.result_index.iter().zip(ids) {
        screened.results[*index].record_id = Some(id);
    }
    Ok(())
}

/// Screen every row, echoing the first row errors and, on a terminal, a progress count.
/// A row to be kept whose officer `officer_ok` refuses fails with why.
fn screen_all<R: Read>(
    mut reader: RowReader<R>,
    screener: &mut Screener,
    keep: bool,
    fail_on: Option<super::screen::FailOn>,
    officer_ok: &dyn Fn(&str) -> Result<(), String>,
) -> Result<Screened, String> {
    let mut failing = false;
    let progress = io::stderr().is_terminal();
    let mut results = Vec::new();
    let mut screenings = Vec::new();
    let mut result_index = Vec::new();
    let mut errors = 0;
    let mut ahead = Vec::with_capacity(NAMES_AHEAD);
    loop {
        // Rows are read some way ahead, so their names are searched on every core at once.
        ahead.clear();
        for record in reader.by_ref() {
            let failed = record.is_err();
            ahead.push(record);
            if failed || ahead.len() == NAMES_AHEAD {
                break;
            }
        }
        if ahead.is_empty() {
            break;
        }
        screener.prepare_names(
            ahead
                .iter()
                .filter_map(|record| record.as_ref().ok()?.fields.as_ref().ok()),
        );
        for record in ahead.drain(..) {
            let record = record?;
            let screened = match &record.fields {
                Ok(fields) => screener.screen(fields),
                Err(error) => Err(error.clone()),
            }
            .and_then(|(determination, details)| {
                if keep && let Err(why) = officer_ok(&details.officer) {
                    return Err(RowError::column(Field::Officer.id(), why));
                }
                Ok((determination, details))
            });
            let result = match screened {
                Ok((determination, details)) => {
                    failing |= fail_on.is_some_and(|f| f.fails(determination));
                    let result = RowResult::screened(record.row, determination, &details);
                    if keep {
                        result_index.push(results.len());
                        screenings.push(Screening {
                            determination: determination.clone(),
                            details,
                        });
                    }
                    result
                }
                Err(error) => {
                    let result = RowResult::failed(&record, screener.columns(), &error);
                    errors += 1;
                    if errors <= ERRORS_ON_STDERR {
                        eprintln!(
                            "ree-screen: row {}, {}",
                            record.row,
                            crate::text::sanitize(result.error.as_deref().unwrap_or_default())
                        );
                    }
                    result
                }
            };
            results.push(result);
            if progress && results.len() % PROGRESS_EVERY == 0 {
                eprint!("\rScreened {} rows...", results.len());
            }
        }
    }
    if progress && results.len() >= PROGRESS_EVERY {
        eprint!("\r{:30}\r", "");
    }
    if errors > ERRORS_ON_STDERR {
        eprintln!(
            "ree-screen: ... and {} more rows with errors",
            errors - ERRORS_ON_STDERR
        );
    }
    Ok(Screened {
        results,
        screenings,
        result_index,
        ignored: reader.ignored_columns.into_iter().collect(),
        failing,
    })
}
