//! Officer settings: a TOML file with defaults for new screenings (officer, destination), the
//! ASCII switch, the rules file and key overrides for the form. Read only, never written: a
//! malformed file stops the program with its line and column instead of being ignored.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;
use toml::Spanned;

use crate::rules::{RuleSet, RulesError};
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

/// The settings and the rule set they select (`--rules` first), as every front end starts.
/// Either file being broken is an error to show, never a reason to fall back silently.
pub fn load_with_rules(rules_flag: Option<&PathBuf>) -> Result<(Settings, RuleSet), String> {
    let settings = Settings::load().map_err(|e| e.to_string())?;
    let rules = settings.rule_set(rules_flag).map_err(|e| e.to_string())?;
    Ok((settings, rules))
}

/// The settings in effect. `Default` is what applies when there is no settings file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    /// Officer name filled into new screenings.
    pub officer: String,
    /// Destination filled into new screenings.
    pub destination: String,
    /// Draw with ASCII borders, as `--ascii` does.
    pub ascii: bool,
    /// Rules file used when `--rules` is not given; relative paths are resolved against the
    /// settings file's directory, so the file works from any working directory.
    pub rules: Option<PathBuf>,
    /// Key overrides for the form, in `KeyCommand::ALL` order.
    pub keys: Vec<(KeyCommand, KeySpec)>,
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
        match std::fs::read_to_string(file) {
            Ok(text) => Settings::parse(file, &text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Settings::default()),
            Err(error) => Err(SettingsError::Read {
                path: file.to_path_buf(),
                message: error.to_string(),
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
        for (field, value) in [
            (Field::Officer, raw.officer),
            (Field::Destination, raw.destination),
        ] {
            if let Some(value) = value {
                validate_field(field, value.get_ref())
                    .map_err(|m| invalid(Some(value.span()), m))?;
                field.set(&mut details, value.into_inner());
            }
        }

        let mut keys: Vec<(KeyCommand, KeySpec)> = Vec::new();
        for (name, value) in raw.keys {
            let command = KeyCommand::from_name(name.get_ref()).ok_or_else(|| {
                invalid(
                    Some(name.span()),
                    format!(
                        "unknown command '{}' in [keys]; known commands are {}",
                        crate::text::sanitize(name.get_ref()),
                        KeyCommand::ALL.map(KeyCommand::name).join(", ")
                    ),
                )
            })?;
            let key =
                KeySpec::parse(value.get_ref()).map_err(|m| invalid(Some(value.span()), m))?;
            if let Some((other, _)) = keys.iter().find(|(_, k)| *k == key) {
                return Err(invalid(
                    Some(value.span()),
                    format!(
                        "{key} is already the key for '{}'; each command needs its own key",
                        other.name()
                    ),
                ));
            }
            keys.push((command, key));
        }
        keys.sort_by_key(|(command, _)| *command);

        let base = file.parent().unwrap_or(Path::new(""));
        Ok(Settings {
            officer: details.officer,
            destination: details.destination,
            ascii: raw.ascii.unwrap_or(false),
            rules: raw.rules.map(|r| base.join(r)),
            keys,
            source: Some(file.to_path_buf()),
        })
    }

    /// The record fields a new screening starts with.
    pub fn new_details(&self) -> Details {
        Details {
            officer: self.officer.clone(),
            destination: self.destination.clone(),
            ..Details::default()
        }
    }

    /// The rules file to use: `--rules` wins over the settings file.
    pub fn rules_file<'a>(&'a self, flag: Option<&'a PathBuf>) -> Option<&'a PathBuf> {
        flag.or(self.rules.as_ref())
    }

    /// The rule set to screen with: `--rules`, else the settings' rules file, else embedded.
    pub fn rule_set(&self, flag: Option<&PathBuf>) -> Result<RuleSet, RulesError> {
        crate::cli::load_rules(self.rules_file(flag))
    }

    /// Whether to draw ASCII borders: `--ascii` or `ascii = true`.
    pub fn ascii(&self, flag: bool) -> bool {
        flag || self.ascii
    }

    /// The officer's key for `command`, if the settings override it.
    pub fn key(&self, command: KeyCommand) -> Option<KeySpec> {
        self.keys
            .iter()
            .find(|(c, _)| *c == command)
            .map(|(_, k)| *k)
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
        out.push_str("\n[keys]\n");
        if self.keys.is_empty() {
            out.push_str("# no overrides\n");
        }
        for (command, key) in &self.keys {
            out.push_str(&format!(
                "{} = {}\n",
                command.name(),
                quote(&key.to_string())
            ));
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

/// A form command whose key the officer may override, named as in the `[keys]` table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyCommand {
    Next,
    Back,
    Up,
    Down,
    Help,
    Quit,
    Save,
    New,
    History,
}

impl KeyCommand {
    pub const ALL: [KeyCommand; 9] = [
        KeyCommand::Next,
        KeyCommand::Back,
        KeyCommand::Up,
        KeyCommand::Down,
        KeyCommand::Help,
        KeyCommand::Quit,
        KeyCommand::Save,
        KeyCommand::New,
        KeyCommand::History,
    ];

    pub fn name(self) -> &'static str {
        match self {
            KeyCommand::Next => "next",
            KeyCommand::Back => "back",
            KeyCommand::Up => "up",
            KeyCommand::Down => "down",
            KeyCommand::Help => "help",
            KeyCommand::Quit => "quit",
            KeyCommand::Save => "save",
            KeyCommand::New => "new",
            KeyCommand::History => "history",
        }
    }

    pub fn from_name(name: &str) -> Option<KeyCommand> {
        KeyCommand::ALL.into_iter().find(|c| c.name() == name)
    }
}

/// A key without modifiers that has a name rather than a character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NamedKey {
    Esc,
    Enter,
    Tab,
    BackTab,
    Backspace,
    Delete,
    Insert,
    Home,
    End,
    PageUp,
    PageDown,
    Up,
    Down,
    Left,
    Right,
}

impl NamedKey {
    const ALL: [NamedKey; 15] = [
        NamedKey::Esc,
        NamedKey::Enter,
        NamedKey::Tab,
        NamedKey::BackTab,
        NamedKey::Backspace,
        NamedKey::Delete,
        NamedKey::Insert,
        NamedKey::Home,
        NamedKey::End,
        NamedKey::PageUp,
        NamedKey::PageDown,
        NamedKey::Up,
        NamedKey::Down,
        NamedKey::Left,
        NamedKey::Right,
    ];

    fn name(self) -> &'static str {
        match self {
            NamedKey::Esc => "Esc",
            NamedKey::Enter => "Enter",
            NamedKey::Tab => "Tab",
            NamedKey::BackTab => "BackTab",
            NamedKey::Backspace => "Backspace",
            NamedKey::Delete => "Delete",
            NamedKey::Insert => "Insert",
            NamedKey::Home => "Home",
            NamedKey::End => "End",
            NamedKey::PageUp => "PageUp",
            NamedKey::PageDown => "PageDown",
            NamedKey::Up => "Up",
            NamedKey::Down => "Down",
            NamedKey::Left => "Left",
            NamedKey::Right => "Right",
        }
    }

    fn code(self) -> KeyCode {
        match self {
            NamedKey::Esc => KeyCode::Esc,
            NamedKey::Enter => KeyCode::Enter,
            NamedKey::Tab => KeyCode::Tab,
            NamedKey::BackTab => KeyCode::BackTab,
            NamedKey::Backspace => KeyCode::Backspace,
            NamedKey::Delete => KeyCode::Delete,
            NamedKey::Insert => KeyCode::Insert,
            NamedKey::Home => KeyCode::Home,
            NamedKey::End => KeyCode::End,
            NamedKey::PageUp => KeyCode::PageUp,
            NamedKey::PageDown => KeyCode::PageDown,
            NamedKey::Up => KeyCode::Up,
            NamedKey::Down => KeyCode::Down,
            NamedKey::Left => KeyCode::Left,
            NamedKey::Right => KeyCode::Right,
        }
    }
}

/// One key as the settings file names it: `h`, `Esc`, `F1`, `Ctrl-x`, `Alt-x`, `Space`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySpec {
    Char(char),
    Named(NamedKey),
    /// F1 to F12.
    F(u8),
    Ctrl(char),
    Alt(char),
}

impl KeySpec {
    /// Parse a key name; names are case-insensitive, a single character is taken as is.
    pub fn parse(text: &str) -> Result<KeySpec, String> {
        let shown = crate::text::sanitize(text);
        let mut chars = text.chars();
        if let (Some(c), None) = (chars.next(), chars.next()) {
            return if c.is_control() || c == ' ' {
                Err(format!(
                    "'{shown}' is not a key name; write Space, Tab, Enter or Esc instead"
                ))
            } else {
                Ok(KeySpec::Char(c))
            };
        }
        let lower = text.to_ascii_lowercase();
        if lower == "space" {
            return Ok(KeySpec::Char(' '));
        }
        if let Some(named) = NamedKey::ALL
            .into_iter()
            .find(|n| n.name().eq_ignore_ascii_case(text))
        {
            return Ok(KeySpec::Named(named));
        }
        if let Some(number) = lower.strip_prefix('f').and_then(|n| n.parse::<u8>().ok())
            && (1..=12).contains(&number)
        {
            return Ok(KeySpec::F(number));
        }
        for (prefix, make) in [
            ("ctrl-", KeySpec::Ctrl as fn(char) -> KeySpec),
            ("alt-", KeySpec::Alt),
        ] {
            if let Some(rest) = lower.strip_prefix(prefix) {
                let mut rest = rest.chars();
                return match (rest.next(), rest.next()) {
                    (Some('c'), None) if prefix == "ctrl-" => {
                        Err("Ctrl-c always quits and cannot be assigned to a command".to_string())
                    }
                    (Some(c), None) if c.is_ascii_alphanumeric() => Ok(make(c)),
                    _ => Err(format!(
                        "'{shown}': after {prefix} give one letter or digit, e.g. Ctrl-x"
                    )),
                };
            }
        }
        Err(format!(
            "'{shown}' is not a key: use one character (e.g. h), F1 to F12, Ctrl-x, Alt-x, Space or one of {}",
            NamedKey::ALL.map(NamedKey::name).join(", ")
        ))
    }

    /// Whether a terminal key press is this key. Shift is ignored for characters, because
    /// terminals report `H` both with and without it.
    pub fn matches(&self, event: &KeyEvent) -> bool {
        let mods = event.modifiers - KeyModifiers::SHIFT;
        match *self {
            KeySpec::Char(c) => event.code == KeyCode::Char(c) && mods.is_empty(),
            KeySpec::Named(named) => event.code == named.code() && mods.is_empty(),
            KeySpec::F(n) => event.code == KeyCode::F(n) && mods.is_empty(),
            KeySpec::Ctrl(c) => event.code == KeyCode::Char(c) && mods == KeyModifiers::CONTROL,
            KeySpec::Alt(c) => event.code == KeyCode::Char(c) && mods == KeyModifiers::ALT,
        }
    }
}

/// Displays the key as the help line and the settings file write it.
impl fmt::Display for KeySpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeySpec::Char(' ') => f.write_str("Space"),
            KeySpec::Char(c) => write!(f, "{c}"),
            KeySpec::Named(named) => f.write_str(named.name()),
            KeySpec::F(n) => write!(f, "F{n}"),
            KeySpec::Ctrl(c) => write!(f, "Ctrl-{c}"),
            KeySpec::Alt(c) => write!(f, "Alt-{c}"),
        }
    }
}

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
        assert_eq!(settings.key(KeyCommand::Back), Some(KeySpec::Char('h')));
        assert_eq!(settings.key(KeyCommand::Help), Some(KeySpec::F(1)));
        assert_eq!(settings.key(KeyCommand::Quit), Some(KeySpec::Ctrl('q')));
        assert_eq!(settings.key(KeyCommand::Next), None);
        let details = settings.new_details();
        assert_eq!(
            (details.officer.as_str(), details.destination.as_str()),
            ("A. Officer", "DE")
        );
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
        assert!(
            message.contains("next, back, up, down, help, quit, save, new, history"),
            "{message}"
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
    fn key_names_parse_case_insensitively_and_display_canonically() {
        for (text, shown) in [
            ("h", "h"),
            ("esc", "Esc"),
            ("ESC", "Esc"),
            ("tab", "Tab"),
            ("f12", "F12"),
            ("Ctrl-X", "Ctrl-x"),
            ("alt-1", "Alt-1"),
            ("space", "Space"),
            ("pagedown", "PageDown"),
            ("é", "é"),
        ] {
            let key = KeySpec::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(key.to_string(), shown);
            assert_eq!(KeySpec::parse(shown), Ok(key), "{shown} round-trips");
        }
        for bad in [
            "",
            "f13",
            "f0",
            "ctrl-",
            "ctrl-xy",
            "Ctrl-\u{1b}",
            " ",
            "\u{1b}",
            "hyper-x",
        ] {
            assert!(KeySpec::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn key_matches_terminal_events() {
        let press = |code, mods| KeyEvent::new(code, mods);
        assert!(KeySpec::Char('h').matches(&press(KeyCode::Char('h'), KeyModifiers::NONE)));
        assert!(KeySpec::Char('H').matches(&press(KeyCode::Char('H'), KeyModifiers::SHIFT)));
        assert!(!KeySpec::Char('h').matches(&press(KeyCode::Char('h'), KeyModifiers::CONTROL)));
        assert!(KeySpec::Ctrl('x').matches(&press(KeyCode::Char('x'), KeyModifiers::CONTROL)));
        assert!(!KeySpec::Ctrl('x').matches(&press(KeyCode::Char('x'), KeyModifiers::NONE)));
        assert!(KeySpec::Alt('x').matches(&press(KeyCode::Char('x'), KeyModifiers::ALT)));
        assert!(KeySpec::F(1).matches(&press(KeyCode::F(1), KeyModifiers::NONE)));
        assert!(KeySpec::Named(NamedKey::Esc).matches(&press(KeyCode::Esc, KeyModifiers::NONE)));
        assert!(!KeySpec::Named(NamedKey::Esc).matches(&press(KeyCode::Tab, KeyModifiers::NONE)));
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
