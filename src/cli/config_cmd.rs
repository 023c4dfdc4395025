//! `ree-screen config`: where the settings file is and what settings are in effect. The
//! program only reads the file; officers edit it with their own editor.

use std::process::ExitCode;

use clap::{Args, Subcommand};

use super::fail;
use crate::settings::{self, Settings};

#[derive(Debug, Args)]
pub struct ConfigArgs {
    #[command(subcommand)]
    pub action: ConfigAction,
}

#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    /// Print the path of the settings file (whether or not it exists yet).
    Path,
    /// Print the settings in effect, as TOML.
    Show,
}

pub fn run(args: &ConfigArgs) -> ExitCode {
    let path = match settings::path() {
        Ok(path) => path,
        Err(e) => return fail(e, 1),
    };
    match args.action {
        ConfigAction::Path => println!("{}", crate::text::shown_path(path)),
        ConfigAction::Show => {
            let settings = match Settings::load_from(&path) {
                Ok(settings) => settings,
                Err(e) => return fail(e, 1),
            };
            match &settings.source {
                Some(file) => println!("# Settings from {}", crate::text::shown_path(file)),
                None => println!(
                    "# {} does not exist: built-in defaults",
                    crate::text::shown_path(path)
                ),
            }
            print!("{}", settings.to_toml());
        }
    }
    ExitCode::SUCCESS
}
