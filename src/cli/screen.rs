//! `ree-screen screen`: one screening from arguments, printed as text or JSON.

use std::process::ExitCode;

use clap::Args;
use jiff::civil::Date;

use super::{Cli, EXIT_USAGE, Format, date_arg, fail, load_rules, today};
use crate::engine::Answers;
use crate::report;
use crate::screening::{Details, Field, Screening, validate_answers, validate_field};

#[derive(Debug, Args)]
pub struct ScreenArgs {
    /// Technology stage: mining, smelting_separation, metal_smelting, magnet_manufacturing,
    /// secondary_recycling, production_line, none, unknown
    #[arg(long)]
    pub stage: String,
    /// Material origin: china, foreign_chinese_content, foreign_chinese_technology,
    /// no_chinese_nexus, unknown
    #[arg(long)]
    pub origin: String,
    /// Recipient type: military_user, listed_entity, defense_contractor,
    /// advanced_semiconductor, military_ai, humanitarian, civil, unknown
    #[arg(long)]
    pub recipient: String,
    /// Screening date, YYYY-MM-DD (default: today).
    #[arg(long, value_parser = date_arg)]
    pub date: Option<Date>,
    #[arg(long, default_value = "")]
    pub reference: String,
    #[arg(long, default_value = "")]
    pub counterparty: String,
    #[arg(long, default_value = "")]
    pub destination: String,
    #[arg(long, default_value = "")]
    pub officer: String,
    #[arg(long, default_value = "")]
    pub notes: String,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

pub fn run(cli: &Cli, args: &ScreenArgs) -> ExitCode {
    let rules = match load_rules(cli.rules.as_ref()) {
        Ok(r) => r,
        Err(e) => return fail(e, 1),
    };
    let answers = Answers::new(&args.stage, &args.origin, &args.recipient);
    if let Err(message) = validate_answers(&rules, &answers) {
        return fail(message, EXIT_USAGE);
    }
    let details = Details {
        reference: args.reference.clone(),
        counterparty: args.counterparty.clone(),
        destination: args.destination.clone(),
        officer: args.officer.clone(),
        notes: args.notes.clone(),
    };
    for field in Field::ALL {
        if let Some(value) = field.get(&details)
            && let Err(message) = validate_field(field, value)
        {
            return fail(message, EXIT_USAGE);
        }
    }
    let screening = Screening::run(&rules, &answers, args.date.unwrap_or_else(today), details);
    match args.format {
        Format::Text => print!("{}", report::text(&rules, &screening)),
        Format::Json => match serde_json::to_string_pretty(&screening) {
            Ok(json) => println!("{json}"),
            Err(e) => return fail(format!("cannot write JSON: {e}"), 1),
        },
    }
    ExitCode::SUCCESS
}
