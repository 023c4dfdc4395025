//! `ree-screen screen`: one screening from arguments, printed as text or JSON.

use std::process::ExitCode;

use clap::Args;
use jiff::civil::Date;

use super::{Cli, EXIT_USAGE, Format, date_arg, fail, open_history, save_screenings, today};
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
    /// Do not save the determination to the history.
    #[arg(long)]
    pub no_save: bool,
}

pub fn run(cli: &Cli, args: &ScreenArgs) -> ExitCode {
    // Settings give the rules file and the officer's defaults; a malformed file stops here.
    let (settings, rules) = match crate::settings::load_with_rules(cli.rules.as_ref()) {
        Ok(loaded) => loaded,
        Err(e) => return fail(e, 1),
    };
    let answers = Answers::new(&args.stage, &args.origin, &args.recipient);
    if let Err(message) = validate_answers(&rules, &answers) {
        return fail(message, EXIT_USAGE);
    }
    let defaults = settings.new_details();
    let or_default = |given: &str, default: &str| {
        if given.is_empty() {
            default.to_string()
        } else {
            given.to_string()
        }
    };
    let details = Details {
        reference: args.reference.clone(),
        counterparty: args.counterparty.clone(),
        destination: or_default(&args.destination, &defaults.destination),
        officer: or_default(&args.officer, &defaults.officer),
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
    // Save first so the printed report can name its record; print it whatever happens.
    let saved = if args.no_save {
        None
    } else {
        Some(
            save_screenings(cli, std::slice::from_ref(&screening)).and_then(|ids| {
                ids.into_iter()
                    .next()
                    .ok_or_else(|| "not saved: no record id returned".to_string())
            }),
        )
    };
    let record_id = saved.as_ref().and_then(|s| s.as_ref().ok());
    match args.format {
        Format::Text => {
            print!("{}", report::text(&rules, &screening));
            if let Some(id) = record_id {
                let path = open_history(cli)
                    .map(|h| h.path().display().to_string())
                    .unwrap_or_default();
                println!("Saved as {id} to {path}");
            }
        }
        Format::Json => {
            let mut value = match serde_json::to_value(&screening) {
                Ok(v) => v,
                Err(e) => return fail(format!("cannot write JSON: {e}"), 1),
            };
            if let Some(object) = value.as_object_mut() {
                object.insert("record_id".to_string(), serde_json::json!(record_id));
            }
            println!("{value:#}");
        }
    }
    match saved {
        Some(Err(message)) => fail(message, 1),
        _ => ExitCode::SUCCESS,
    }
}
