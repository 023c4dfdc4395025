//! The command line: arguments (clap), and one small module per subcommand. With no
//! subcommand the interactive workbench opens.

mod batch_cmd;
mod config_cmd;
mod history_cmd;
mod rules_cmd;
mod screen;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use jiff::civil::Date;

use crate::history::{History, NewRecord};
use crate::rules::{self, RuleSet};

#[derive(Debug, Parser)]
#[command(
    name = "ree-screen",
    version,
    about = "Screen a transaction against China's October 2025 rare-earth export controls"
)]
pub struct Cli {
    /// Use this rules file instead of the embedded rule set.
    #[arg(long, global = true, value_name = "FILE")]
    pub rules: Option<PathBuf>,

    /// Where the history and the draft live (default: the platform data directory;
    /// also REE_SCREEN_DATA_DIR).
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Draw borders with plain ASCII (+ - |) instead of box-drawing characters.
    #[arg(long, global = true)]
    pub ascii: bool,

    /// Plain line mode: numbered prompts, no full-screen UI (also TERM=dumb or ACCESSIBLE=1).
    #[arg(long, global = true)]
    pub plain: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Screen one transaction without the interactive form.
    Screen(screen::ScreenArgs),
    /// List the measures and their status on a date, or check a rules file.
    Rules(rules_cmd::RulesArgs),
    /// Screen many transactions from a CSV or JSON-lines file.
    Batch(batch_cmd::BatchArgs),
    /// Show where the settings file is and the settings in effect.
    Config(config_cmd::ConfigArgs),
    /// Review, verify, re-screen and export the screening history.
    #[command(subcommand)]
    History(history_cmd::HistoryCommand),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    #[default]
    Text,
    Json,
}

/// Exit status for a usage error (bad option value), as clap uses.
pub const EXIT_USAGE: u8 = 2;

/// Parse a `YYYY-MM-DD` date argument.
pub fn date_arg(text: &str) -> Result<Date, String> {
    crate::screening::parse_date(text)
}

/// Today's local date. `REE_SCREEN_TODAY` pins it, so tests and reproductions of an old
/// screening session see a fixed "today".
pub fn today() -> Date {
    if let Some(date) = std::env::var("REE_SCREEN_TODAY")
        .ok()
        .and_then(|t| date_arg(&t).ok())
    {
        return date;
    }
    jiff::ZonedDateTime::now().date()
}

/// The rule set in use: `--rules`, else the settings' rules file, else the embedded one.
pub fn rule_set_in_use(cli: &Cli) -> Result<RuleSet, String> {
    crate::settings::load_with_rules(cli.rules.as_ref()).map(|(_, rules)| rules)
}

/// The rules file `path` if given, else the embedded rule set.
pub fn load_rules(path: Option<&PathBuf>) -> Result<RuleSet, rules::RulesError> {
    match path {
        Some(p) => rules::load_file(p),
        None => rules::embedded(),
    }
}

pub fn run(cli: Cli) -> ExitCode {
    // A malformed settings file stops a command rather than being half-applied or ignored.
    // The others read the settings as they start; `history` uses none of them, so it checks.
    if matches!(cli.command, Some(Command::History(_)))
        && let Err(e) = crate::settings::Settings::load()
    {
        return fail(e, 1);
    }
    match &cli.command {
        Some(Command::Screen(args)) => screen::run(&cli, args),
        Some(Command::Rules(args)) => rules_cmd::run(&cli, args),
        Some(Command::Batch(args)) => batch_cmd::run(&cli, args),
        Some(Command::Config(args)) => config_cmd::run(args),
        Some(Command::History(command)) => history_cmd::run(&cli, command),
        None if crate::plain::should_use(&cli) => crate::plain::run(&cli),
        None => crate::tui::run(&cli),
    }
}

/// Save screenings to the history in one locked append and return their record ids, in
/// order. The one seam every front end (form, plain mode, `screen`, `batch`) saves through.
pub fn save_screenings(
    cli: &Cli,
    screenings: &[crate::screening::Screening],
) -> Result<Vec<String>, String> {
    let history = open_history(cli)?;
    let new: Vec<NewRecord> = screenings.iter().map(NewRecord::screening).collect();
    history
        .append(&new)
        .map(|records| records.into_iter().map(|r| r.id).collect())
        .map_err(|e| format!("not saved: {e}"))
}

/// The history in the data directory chosen by `--data-dir`, the environment or the platform.
pub fn open_history(cli: &Cli) -> Result<History, String> {
    crate::paths::data_dir(cli.data_dir.as_deref()).map(History::new)
}

/// Print an error the way every subcommand does, and give the exit status.
pub fn fail(message: impl std::fmt::Display, status: u8) -> ExitCode {
    eprintln!("ree-screen: {message}");
    ExitCode::from(status)
}
