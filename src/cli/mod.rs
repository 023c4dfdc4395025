//! The command line: arguments (clap), and one small module per subcommand. With no
//! subcommand the interactive workbench (or plain mode) opens. Every command but `config`
//! and `rules --check` starts from one [`Context`].

mod batch_cmd;
mod config_cmd;
mod history_cmd;
mod items_cmd;
mod parties_cmd;
mod rules_cmd;
mod screen;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use jiff::civil::Date;

use crate::context::Context;
use crate::exit::fail;

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

    /// Where the history and the drafts live (default: the platform data directory;
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
    Screen(Box<screen::ScreenArgs>),
    /// List the measures and their status on a date, or check a rules file.
    Rules(rules_cmd::RulesArgs),
    /// Screen many transactions from a CSV or JSON-lines file.
    Batch(batch_cmd::BatchArgs),
    /// Show where the settings file is and the settings in effect.
    Config(config_cmd::ConfigArgs),
    /// List the items of the goods catalogue (name, class, control and customs codes).
    Items(items_cmd::ItemsArgs),
    /// Review, verify, re-screen and export the screening history.
    #[command(subcommand)]
    History(history_cmd::HistoryCommand),
    /// Search China's party lists by name, and add or retire lists of your own.
    #[command(subcommand)]
    Parties(parties_cmd::PartiesCommand),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    #[default]
    Text,
    Json,
}

/// Whether the command decides under the rule set in use (screens, re-screens, works an
/// impact out), rather than only reading the history or the rules.
fn decides(command: &Option<Command>) -> bool {
    match command {
        None | Some(Command::Screen(_)) | Some(Command::Batch(_)) => true,
        Some(Command::History(history)) => history_cmd::decides(history),
        Some(Command::Rules(_))
        | Some(Command::Config(_))
        | Some(Command::Items(_))
        | Some(Command::Parties(_)) => false,
    }
}

/// Parse a date argument (`YYYY-MM-DD` or `DD.MM.YYYY`).
pub fn date_arg(text: &str) -> Result<Date, String> {
    crate::screening::parse_date(text)
}

pub fn run(cli: Cli) -> ExitCode {
    match &cli.command {
        Some(Command::Config(args)) => return config_cmd::run(args),
        Some(Command::Rules(args)) if args.check.is_some() => return rules_cmd::check(args),
        Some(Command::Rules(rules_cmd::RulesArgs {
            action: Some(rules_cmd::RulesAction::Diff { old, new }),
            ..
        })) => return rules_cmd::diff(old, new),
        _ => {}
    }
    // A pinned "today" that cannot be read is a usage error, before anything else.
    if let Err(e) = crate::context::today() {
        return fail(e, crate::exit::USAGE);
    }
    let ctx = match Context::load(cli.rules.as_deref(), cli.data_dir.as_deref()) {
        Ok(ctx) => ctx,
        Err(e) => return fail(e, 1),
    };
    if let Some(problem) = &ctx.rules_problem {
        // Nothing is decided under another rule set than the one installed; reading the
        // history, and repairing the default, go on.
        if problem.damaged && decides(&cli.command) {
            return fail(problem, 1);
        }
        eprintln!("ree-screen: warning: {problem}");
    }
    match &cli.command {
        Some(Command::Screen(args)) => screen::run(&ctx, args),
        Some(Command::Rules(args)) => match &args.action {
            Some(rules_cmd::RulesAction::Install { file, embedded }) => {
                rules_cmd::install(&ctx, file.as_deref(), *embedded)
            }
            Some(rules_cmd::RulesAction::List) => rules_cmd::list(&ctx),
            _ => rules_cmd::run(&ctx, args),
        },
        Some(Command::Batch(args)) => batch_cmd::run(&ctx, args),
        Some(Command::Items(args)) => items_cmd::run(&ctx, args),
        Some(Command::History(command)) => history_cmd::run(&ctx, command),
        Some(Command::Parties(command)) => parties_cmd::run(&ctx, command),
        Some(Command::Config(_)) => ExitCode::SUCCESS,
        None if crate::plain::should_use(cli.plain) => crate::plain::run(&ctx),
        None => crate::tui::run(&ctx, ctx.settings.ascii(cli.ascii)),
    }
}
