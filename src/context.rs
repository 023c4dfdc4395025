//! What every front end starts from, built once at start-up: the settings, the rule set in
//! use, the data directory (history, drafts), "today" and who is screening. The command
//! line, the form and plain mode receive it instead of loading these themselves.

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::history::{DefaultRules, History};
use crate::identity::Identity;
use crate::rules::RuleSet;
use crate::screening::{Details, Screening};
use crate::settings::Settings;

/// Pins "today" for tests and for reproducing an old session.
pub const TODAY_ENV: &str = "REE_SCREEN_TODAY";

pub struct Context {
    pub settings: Settings,
    pub rules: RuleSet,
    /// Why the data directory's installed default rule set is not the one in use (damaged,
    /// or a team file that does not count): `rules` is then the next in order.
    pub rules_problem: Option<RulesProblem>,
    /// Where the history and drafts live, or why there is none.
    pub data_dir: Result<PathBuf, String>,
    pub today: Date,
    pub identity: Identity,
    /// Signs every save (the ssh-agent, or the settings' key file).
    pub signer: std::sync::Arc<crate::signing::Signer>,
}

/// The installed default rule set could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RulesProblem {
    pub message: String,
    /// The default names a rule set that cannot be used (as opposed to a team file that
    /// does not count, which is ignored): nothing may be decided until it is repaired.
    pub damaged: bool,
}

impl std::fmt::Display for RulesProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.damaged {
            write!(
                f,
                "the installed default rule set cannot be used: {}; `ree-screen rules install --embedded` restores the shipped one (or install another)",
                self.message
            )
        } else {
            write!(f, "{}", self.message)
        }
    }
}

/// Today's local date, or `REE_SCREEN_TODAY` when set; a value that is not a date in range is
/// an error, never silently today.
pub fn today() -> Result<Date, String> {
    match std::env::var_os(TODAY_ENV) {
        None => Ok(jiff::ZonedDateTime::now().date()),
        Some(value) => value
            .to_str()
            .ok_or_else(|| "it is not text".to_string())
            .and_then(crate::screening::parse_date)
            .map_err(|e| format!("{TODAY_ENV} is set, but {e}; unset it or give YYYY-MM-DD")),
    }
}

impl Context {
    /// Settings first (a malformed file stops every command), then the data directory, then
    /// the rule set: `--rules`, the settings' rules file, the installed default, the embedded.
    /// An installed default that cannot be used does not stop anything here: it is kept in
    /// `rules_problem`, and only commands that decide refuse to run (`cli::run`).
    pub fn load(
        rules_flag: Option<&Path>,
        data_dir_flag: Option<&Path>,
    ) -> Result<Context, String> {
        let settings = Settings::load().map_err(|e| e.to_string())?;
        let flag = rules_flag.map(Path::to_path_buf);
        let data_dir = crate::paths::data_dir(data_dir_flag);
        // After --rules and the settings' rules file: the rule set `rules install` made the
        // default of the data directory, else the embedded one.
        let (installed, rules_problem) = match (settings.rules_file(flag.as_ref()), &data_dir) {
            (None, Ok(dir)) => match History::new(dir).default_rules() {
                Ok(DefaultRules::Installed(rules)) => (Some(*rules), None),
                Ok(DefaultRules::None) => (None, None),
                Ok(DefaultRules::Ignored(why)) => (
                    None,
                    Some(RulesProblem {
                        message: why,
                        damaged: false,
                    }),
                ),
                Err(e) => (
                    None,
                    Some(RulesProblem {
                        message: e.to_string(),
                        damaged: true,
                    }),
                ),
            },
            _ => (None, None),
        };
        let rules = match installed {
            Some(rules) => rules,
            None => settings
                .rule_set(flag.as_ref())
                .map_err(|e| e.to_string())?,
        };
        let signer = crate::signing::Signer::from_environment(settings.signing_key.clone());
        Ok(Context {
            signer: std::sync::Arc::new(signer),
            settings,
            rules,
            rules_problem,
            data_dir,
            today: today()?,
            identity: Identity::current(),
        })
    }

    /// The record fields a new screening in the form or plain mode starts with: the
    /// settings' officer, else the last officer this user entered.
    pub fn new_details(&self) -> Details {
        let mut details = self.settings.new_details();
        if details.officer.is_empty() {
            details.officer = crate::state::last_officer().unwrap_or_default();
        }
        details
    }

    /// After a screening from the form or plain mode is saved: keep its officer for the next
    /// one, unless the settings name the officer anyway. Remembering is a convenience, so a
    /// state directory that cannot be written costs only that.
    pub fn remember_officer(&self, details: &Details) {
        if self.settings.officer.is_empty() {
            let _ = crate::state::remember_officer(&details.officer);
        }
    }

    /// The history in the data directory.
    pub fn history(&self) -> Result<History, String> {
        self.data_dir.clone().map(|dir| {
            History::with_rules(dir, std::sync::Arc::new(self.rules.clone()))
                .with_signer(self.signer.clone())
        })
    }

    /// Say on stderr whether the newest save was signed (the line commands call it; the
    /// workbench shows it on the record instead).
    pub fn report_signature(&self) {
        if let Some(sealed) = self.signer.last() {
            eprintln!("ree-screen: saved {}", sealed.describe());
        }
    }

    /// The party lists in use (embedded, and those added to the data directory) with their
    /// index.
    pub fn screener(&self) -> Result<crate::parties::Screener, String> {
        let store = self
            .data_dir
            .as_ref()
            .ok()
            .map(|d| crate::parties::ListStore::new(d));
        crate::parties::PartyLists::load(store.as_ref()).map(crate::parties::Screener::new)
    }

    /// Save screenings in one locked append and return their record ids, in order. The one
    /// seam every front end (form, plain mode, `screen`, `batch`) saves through.
    pub fn save(&self, screenings: &[Screening]) -> Result<Vec<String>, String> {
        self.history()?.save_screenings(screenings, &self.identity)
    }
}
