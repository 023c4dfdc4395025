//! Officer settings: a TOML file with defaults for new screenings (officer, destination), the
//! ASCII switch, the rules file and key overrides for the form. Read only, never written: a
//! malformed file stops the program with its line and column instead of being ignored.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::engine::Answers;
use crate::rules::{RuleSet, RulesError};

/// The question the `destination` setting preselects.
const DESTINATION: &str = "destination";
use crate::keys::{Key, bindable_names};
use crate::screening::{Details, Field, validate_field};

/// Environment variable naming the settings file to use instead of the platform one (tests,
/// shared machines).
pub const CONFIG_ENV: &str = "REE_SCREEN_CONFIG";

/// File name of the settings inside the config directory.
pub const FILE_NAME: &str = "settings.toml";

/// Where the settings file is: `REE_SCREEN_CONFIG`, else `settings.toml` in the platform
/// config directory.
pub fn path() -> Result<PathBuf, SettingsError> {
    if let Some(file) = std::env::var_os(CONFIG_ENV).filter(|f| !f.is_empty()) {
        return Ok(PathBuf::from(file));
    }
    crate::paths::config_dir()
        .map(|dir| dir.join(FILE_NAME))
        .map_err(SettingsError::NoConfigDir)
}

/// The settings in effect. `Default` is what applies when there is no settings file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    /// Officer name filled into new screenings.
    pub officer: String,
    /// Destination country (ISO 3166-1 alpha-2) preselected in the form and plain mode.
    pub destination: String,
    /// Draw with ASCII borders, as `--ascii` does.
    pub ascii: bool,
    /// Rules file used when `--rules` is not given; relative paths are resolved against the
    /// settings file's directory, so the file works from any working directory.
    pub rules: Option<PathBuf>,
    /// The SSH key saves are signed with when the ssh-agent should not choose: a private key
    /// file (unencrypted), or a public key naming which of the agent's keys signs; relative
    /// to the settings file's folder.
    pub signing_key: Option<PathBuf>,
    /// The officer's keys for form commands, by the command names of the form's key table
    /// (`keys::bindable_names`), in that table's order.
    pub keys: Vec<(&'static str, Key)>,
    /// The file these settings came from, if one existed.
    pub source: Option<PathBuf>,
}

impl Settings {
    /// Load the settings file (see [`path`]); built-in defaults when it does not exist.
    pub fn load() -> Result<Settings, SettingsError> {
        Settings::load_from(&path()?)
    }

    /// Load settings from `file`; built-in defaults when it does not exist.
    pub fn load_from(file: &Path) -> Result<Settings, SettingsError> {
        if std::fs::symlink_metadata(file).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound)
        {
            return Ok(Settings::default());
        }
        match crate::files::read_text(file, crate::files::MAX_SETTINGS_BYTES) {
            Ok(text) => Settings::parse(file, crate::files::strip_bom(&text)),
            Err(message) => Err(SettingsError::Read {
                path: file.to_path_buf(),
                message: message
                    .strip_prefix(&format!("{}: ", file.display()))
                    .unwrap_or(&message)
                    .to_string(),
            }),
        }
    }

    /// Parse settings text; `file` names it in errors and anchors a relative rules path.
    pub fn parse(file: &Path, text: &str) -> Result<Settings, SettingsError> {
        let invalid =
            |span: Option<std::ops::Range<usize>>, message: String| SettingsError::Invalid {
                path: file.to_path_buf(),
                at: span.map(|s| line_column(text, s.start)),
                message,
            };
        let raw: RawSettings =
            toml::from_str(text).map_err(|e| invalid(e.span(), e.message().to_string()))?;

        let mut details = Details::default();
        if let Some(value) = raw.officer {
            validate_field(Field::Officer, value.get_ref())
                .map_err(|m| invalid(Some(value.span()), m))?;
            details.officer = value.into_inner();
        }
        let destination = match raw.destination {
            Some(value) => {
                let code = value.get_ref().trim().to_ascii_uppercase();
                if !crate::rules::countries().iter().any(|c| c.id == code) {
                    return Err(invalid(
                        Some(value.span()),
                        format!(
                            "destination '{}' is not an ISO 3166-1 alpha-2 country code (e.g. DE, US, JP)",
                            crate::text::sanitize(value.get_ref())
                        ),
                    ));
                }
                code
            }
            None => String::new(),
        };

        let known = bindable_names();
        let mut keys: Vec<(&'static str, Key)> = Vec::new();
        for (name, value) in raw.keys {
            let command = known
                .iter()
                .copied()
                .find(|known| *known == name.get_ref())
                .ok_or_else(|| {
                    invalid(
                        Some(name.span()),
                        format!(
                            "unknown command '{}' in [keys]; known commands are {}",
                            crate::text::sanitize(name.get_ref()),
                            known.join(", ")
                        ),
                    )
                })?;
            let key = Key::parse(value.get_ref()).map_err(|m| invalid(Some(value.span()), m))?;
            if let Some((other, _)) = keys.iter().find(|(_, k)| *k == key) {
                return Err(invalid(
                    Some(value.span()),
                    format!(
                        "{key} is already the key for '{other}'; each command needs its own key"
                    ),
                ));
            }
            keys.push((command, key));
        }
        keys.sort_by_key(|(command, _)| known.iter().position(|k| k == command));

        let base = file.parent().unwrap_or(Path::new(""));
        Ok(Settings {
            officer: details.officer,
            destination,
            ascii: raw.ascii.unwrap_or(false),
            rules: raw.rules.map(|r| base.join(r)),
            signing_key: raw.signing_key.map(|k| base.join(k)),
            keys,
            source: Some(file.to_path_buf()),
        })
    }

    /// The record fields a new screening starts with.
    pub fn new_details(&self) -> Details {
        Details {
            officer: self.officer.clone(),
            ..Details::default()
        }
    }

    /// The answers a new screening in the form or plain mode starts from (the destination
    /// preselected), for a rule set that asks for a destination.
    pub fn preselected(&self, rules: &RuleSet) -> Answers {
        let mut answers = Answers::new();
        if !self.destination.is_empty()
            && rules
                .question(DESTINATION)
                .is_some_and(|q| q.option(&self.destination).is_some())
        {
            answers.set(DESTINATION, &self.destination);
        }
        answers
    }

    /// The rules file to use: `--rules` wins over the settings file.
    pub fn rules_file<'a>(&'a self, flag: Option<&'a PathBuf>) -> Option<&'a PathBuf> {
        flag.or(self.rules.as_ref())
    }

    /// The rule set to screen with: `--rules`, else the settings' rules file, else embedded.
    pub fn rule_set(&self, flag: Option<&PathBuf>) -> Result<RuleSet, RulesError> {
        crate::rules::load(self.rules_file(flag).map(PathBuf::as_path))
    }

    /// Whether to draw ASCII borders: `--ascii` or `ascii = true`.
    pub fn ascii(&self, flag: bool) -> bool {
        flag || self.ascii
    }

    /// The officer's key for the command `name`, if the settings give one.
    pub fn key(&self, name: &str) -> Option<Key> {
        self.keys.iter().find(|(c, _)| *c == name).map(|(_, k)| *k)
    }

    /// The effective settings as TOML, for `config show`. User text goes through
    /// `text::sanitize`, so a hostile file cannot send escape sequences to the terminal.
    pub fn to_toml(&self) -> String {
        let quote = |s: &str| toml::Value::String(crate::text::sanitize(s)).to_string();
        let mut out = format!(
            "officer = {}\ndestination = {}\nascii = {}\n",
            quote(&self.officer),
            quote(&self.destination),
            self.ascii
        );
        match &self.rules {
            Some(rules) => out.push_str(&format!(
                "rules = {}\n",
                quote(&rules.display().to_string())
            )),
            None => out.push_str("# rules: not set (the embedded rule set)\n"),
        }
        match &self.signing_key {
            Some(key) => out.push_str(&format!(
                "signing_key = {}\n",
                quote(&key.display().to_string())
            )),
            None => out.push_str("# signing_key: not set (the ssh-agent's key)\n"),
        }
        out.push_str("\n[keys]\n");
        if self.keys.is_empty() {
            out.push_str("# no overrides\n");
        }
        for (command, key) in &self.keys {
            out.push_str(&format!("{command} = {}\n", quote(&key.to_string())));
        }
        out
    }
}

/// The file as written; checked and turned into [`Settings`] by `Settings::parse`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    officer: Option<Spanned<String>>,
    destination: Option<Spanned<String>>,
    ascii: Option<bool>,
    rules: Option<PathBuf>,
    signing_key: Option<PathBuf>,
    #[serde(default)]
    keys: BTreeMap<Spanned<String>, Spanned<String>>,
}

/// 1-based line and column (in characters) of a byte offset, as editors count them.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset.min(text.len())).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettingsError {
    /// No home directory, so no platform config directory.
    NoConfigDir(String),
    Read {
        path: PathBuf,
        message: String,
    },
    /// Malformed TOML or a value that fails validation; `at` is (line, column) when known.
    Invalid {
        path: PathBuf,
        at: Option<(usize, usize)>,
        message: String,
    },
}

impl fmt::Display for SettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SettingsError::NoConfigDir(message) => {
                write!(f, "{message} (set {CONFIG_ENV} to a settings file)")
            }
            SettingsError::Read { path, message } => {
                write!(
                    f,
                    "settings file {}: cannot read it: {message}",
                    path.display()
                )
            }
            SettingsError::Invalid { path, at, message } => {
                write!(f, "settings file {}", path.display())?;
                if let Some((line, column)) = at {
                    write!(f, ", line {line}, column {column}")?;
                }
                write!(
                    f,
                    ": {message}. The file was left unchanged; fix it or move it away."
                )
            }
        }
    }
}

impl std::error::Error for SettingsError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Settings, SettingsError> {
        Settings::parse(Path::new("/etc/ree/settings.toml"), text)
    }

    fn error_at(text: &str) -> (Option<(usize, usize)>, String) {
        match parse(text) {
            Err(SettingsError::Invalid { at, message, .. }) => (at, message),
            other => panic!("expected an Invalid error, got {other:?}"),
        }
    }

    #[test]
    fn full_file_parses_into_settings() {
        let settings = parse(
            "officer = \"A. Officer\"\ndestination = \"DE\"\nascii = true\nrules = \"rules/custom.json\"\n\n[keys]\nback = \"h\"\nhelp = \"F1\"\nquit = \"ctrl-q\"\n",
        )
        .expect("valid settings");
        assert_eq!(settings.officer, "A. Officer");
        assert_eq!(settings.destination, "DE");
        assert!(settings.ascii);
        assert_eq!(
            settings.rules,
            Some(PathBuf::from("/etc/ree/rules/custom.json"))
        );
        assert_eq!(settings.key("back"), Key::parse("h").ok());
        assert_eq!(settings.key("help"), Key::parse("F1").ok());
        assert_eq!(settings.key("quit"), Key::parse("Ctrl-q").ok());
        assert_eq!(settings.key("next"), None);
        assert_eq!(
            settings.keys.iter().map(|(c, _)| *c).collect::<Vec<_>>(),
            ["back", "help", "quit"],
            "in the key table's order"
        );
        assert_eq!(settings.new_details().officer, "A. Officer");
        let rules = crate::rules::embedded().expect("rules");
        assert_eq!(settings.preselected(&rules).get("destination"), Some("DE"));
        let (at, message) = error_at("destination = \"Germany\"\n");
        assert_eq!(at, Some((1, 15)));
        assert!(message.contains("ISO 3166-1"), "{message}");
    }

    #[test]
    fn empty_file_gives_defaults_but_records_its_source() {
        let settings = parse("").expect("empty is valid");
        assert_eq!(
            settings.source.as_deref(),
            Some(Path::new("/etc/ree/settings.toml"))
        );
        assert_eq!(
            Settings {
                source: None,
                ..settings
            },
            Settings::default()
        );
    }

    #[test]
    fn flags_win_over_settings() {
        let settings = parse("ascii = false\nrules = \"/r.json\"").expect("valid");
        assert!(settings.ascii(true));
        assert!(!settings.ascii(false));
        let flag = PathBuf::from("/flag.json");
        assert_eq!(settings.rules_file(Some(&flag)), Some(&flag));
        assert_eq!(settings.rules_file(None), Some(&PathBuf::from("/r.json")));
    }

    #[test]
    fn malformed_toml_names_line_and_column() {
        let (at, message) = error_at("officer = \"A\"\nascii = tru\n");
        assert_eq!(at, Some((2, 9)));
        assert!(!message.is_empty());
        let err = parse("officer = \"A\"\nascii = tru\n").expect_err("malformed");
        let shown = err.to_string();
        assert!(
            shown.starts_with("settings file /etc/ree/settings.toml, line 2, column 9: "),
            "{shown}"
        );
        assert!(shown.contains("left unchanged"), "{shown}");
    }

    #[test]
    fn a_key_given_twice_is_an_error() {
        let (at, message) = error_at("officer = \"A\"\nofficer = \"B\"\n");
        assert_eq!(at, Some((2, 1)));
        assert!(message.contains("duplicate key"), "{message}");
    }

    #[test]
    fn unknown_setting_and_wrong_type_are_errors() {
        let (at, message) = error_at("oficer = \"A\"\n");
        assert_eq!(at.map(|a| a.0), Some(1));
        assert!(message.contains("oficer"), "{message}");
        let (at, _) = error_at("officer = \"A\"\nascii = \"yes\"\n");
        assert_eq!(at.map(|a| a.0), Some(2));
    }

    #[test]
    fn unknown_key_command_lists_the_known_ones() {
        let (at, message) = error_at("[keys]\nbak = \"h\"\n");
        assert_eq!(at, Some((2, 1)));
        assert!(message.contains("unknown command 'bak'"), "{message}");
        let known = bindable_names().join(", ");
        assert!(message.contains(&known), "{message}");
        for name in ["next", "back", "help", "quit", "save", "new", "page-down"] {
            assert!(known.contains(name), "{known}");
        }
        assert!(
            known.contains("history"),
            "the history view's key can be rebound: {known}"
        );
        let (_, message) = error_at("[keys]\nprint = \"p\"\n");
        assert!(
            message.contains("unknown command 'print'"),
            "only commands the form has: {message}"
        );
    }

    #[test]
    fn bad_key_values_are_errors_at_the_value() {
        let (at, message) = error_at("[keys]\nback = \"hh\"\n");
        assert_eq!(at, Some((2, 8)));
        assert!(message.contains("'hh' is not a key"), "{message}");
        let (_, message) = error_at("[keys]\nquit = \"Ctrl-c\"\n");
        assert!(message.contains("Ctrl-c always quits"), "{message}");
        let (at, message) = error_at("[keys]\nback = \"h\"\nhelp = \"H\"\nnew = \"h\"\n");
        assert_eq!(at.map(|a| a.0), Some(4));
        assert!(
            message.contains("h is already the key for 'back'"),
            "{message}"
        );
    }

    #[test]
    fn overlong_officer_is_rejected_with_its_line() {
        let text = format!("ascii = true\nofficer = \"{}\"\n", "x".repeat(200));
        let (at, message) = error_at(&text);
        assert_eq!(at.map(|a| a.0), Some(2));
        assert!(message.contains("Officer is 200 characters"), "{message}");
    }

    #[test]
    fn show_prints_effective_settings_as_toml() {
        let settings = parse("officer = \"O \\\"Q\\\"\"\n[keys]\nback = \"h\"\n").expect("valid");
        let shown = settings.to_toml();
        assert!(
            shown.contains("officer = 'O \"Q\"'") || shown.contains("officer = \"O \\\"Q\\\"\""),
            "{shown}"
        );
        assert!(shown.contains("back = \"h\""), "{shown}");
        let reparsed: toml::Table = toml::from_str(&shown).expect("show prints valid TOML");
        assert_eq!(reparsed.get("ascii"), Some(&toml::Value::Boolean(false)));
    }

    #[test]
    fn missing_file_gives_defaults() {
        let dir = tempfile::tempdir().expect("tempdir");
        let settings = Settings::load_from(&dir.path().join("none.toml")).expect("defaults");
        assert_eq!(settings, Settings::default());
    }
}
