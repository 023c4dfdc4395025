//! `ree-screen batch FILE`: screen every row of a CSV or JSON-lines file, save them to the
//! history in one append, and write one result per row plus a summary on stderr.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use jiff::civil::Date;

use super::{Cli, EXIT_USAGE, date_arg, fail, save_screenings, today};
use crate::batch::{BatchFormat, ResultWriter, RowReader, RowResult, Screener, Summary};
use crate::screening::Screening;
use crate::settings;

/// Exit status when at least one row could not be screened.
pub const EXIT_ROW_ERRORS: u8 = 3;

/// Row errors echoed on stderr as they happen; the rest are only in the output.
const ERRORS_ON_STDERR: usize = 20;

/// Rows between progress updates (and the least input that shows any).
const PROGRESS_EVERY: usize = 10_000;

#[derive(Debug, Args)]
pub struct BatchArgs {
    /// CSV file with a header row, or JSON-lines file; `-` reads standard input.
    /// Columns: reference, counterparty, destination, officer, stage, origin, recipient,
    /// date, notes (stage, origin and recipient are required).
    pub file: PathBuf,
    /// Input and output format (default: from the file extension, .csv or .jsonl).
    #[arg(long, value_enum)]
    pub format: Option<BatchFormat>,
    /// Screening date for rows without one, YYYY-MM-DD (default: today).
    #[arg(long, value_parser = date_arg)]
    pub date: Option<Date>,
    /// Write the results to this file instead of standard output.
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Screen without saving the records to the history.
    #[arg(long)]
    pub no_save: bool,
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

pub fn run(cli: &Cli, args: &BatchArgs) -> ExitCode {
    let (settings, rules) = match settings::load_with_rules(cli.rules.as_ref()) {
        Ok(loaded) => loaded,
        Err(e) => return fail(e, 1),
    };
    let Some(format) = args.format.or_else(|| BatchFormat::infer(&args.file)) else {
        return fail(
            format!(
                "cannot tell the format of {} from its name: pass --format csv or --format jsonl",
                args.file.display()
            ),
            EXIT_USAGE,
        );
    };
    let input: Box<dyn Read> = if is_stdio(&args.file) {
        Box::new(io::stdin().lock())
    } else {
        match File::open(&args.file) {
            Ok(file) => Box::new(file),
            Err(e) => return fail(format!("cannot open {}: {e}", args.file.display()), 1),
        }
    };
    let out: Box<dyn Write> = match &args.output {
        Some(path) if !is_stdio(path) => {
            if same_file(&args.file, path) {
                return fail(
                    format!(
                        "{} is the input file; choose another output file",
                        path.display()
                    ),
                    EXIT_USAGE,
                );
            }
            match File::create(path) {
                Ok(file) => Box::new(BufWriter::new(file)),
                Err(e) => return fail(format!("cannot create {}: {e}", path.display()), 1),
            }
        }
        _ => Box::new(BufWriter::new(io::stdout().lock())),
    };
    let reader = match RowReader::new(input, format) {
        Ok(reader) => reader,
        Err(e) => return fail(format!("{}: {e}", args.file.display()), 1),
    };
    let mut writer = match ResultWriter::new(out, format) {
        Ok(writer) => writer,
        Err(e) => return fail(format!("cannot write the results: {e}"), 1),
    };

    let mut screener = Screener::new(
        &rules,
        args.date.unwrap_or_else(today),
        settings.new_details(),
    );
    let mut screened = match screen_all(reader, &mut screener, !args.no_save) {
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
            screened.ignored.join(", ")
        );
    }
    let saved = save(cli, &mut screened);
    let results = screened.results;

    let mut summary = Summary::default();
    let written = results
        .iter()
        .try_for_each(|result| {
            summary.add(result);
            writer.write(result)
        })
        .and_then(|()| writer.finish());
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
    if summary.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_ROW_ERRORS)
    }
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
}

/// Save every screening in one append and put the record ids into the results.
fn save(cli: &Cli, screened: &mut Screened) -> Result<(), String> {
    if screened.screenings.is_empty() {
        return Ok(());
    }
    let ids = save_screenings(cli, &screened.screenings)?;
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
fn screen_all<R: Read>(
    mut reader: RowReader<R>,
    screener: &mut Screener,
    keep: bool,
) -> Result<Screened, String> {
    let progress = io::stderr().is_terminal();
    let mut results = Vec::new();
    let mut screenings = Vec::new();
    let mut result_index = Vec::new();
    let mut errors = 0;
    for record in reader.by_ref() {
        let record = record?;
        let screened = match &record.fields {
            Ok(fields) => screener.screen(fields),
            Err(error) => Err(error.clone()),
        };
        let result = match screened {
            Ok((determination, details)) => {
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
                let result = RowResult::failed(&record, &error);
                errors += 1;
                if errors <= ERRORS_ON_STDERR {
                    eprintln!(
                        "ree-screen: row {}, {}",
                        record.row,
                        result.error.as_deref().unwrap_or_default()
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
    })
}
