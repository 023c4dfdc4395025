//! Keys by name, below the settings and the workbench: the one key type (parsing a settings
//! file's `back = "h"`, display in the key bar, matching a terminal key press) and the stable
//! names of the workbench's commands that a settings file may give keys to. The workbench's
//! command table (`tui::keys`) has one row per name here, in this order.

use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// The commands a settings file may give a key, in the order of the workbench's command
/// table. The digit commands ("jump", "change") take their number from the key itself and
/// are not here.
pub const BINDABLE: &[&str] = &[
    "close",
    "yes",
    "no",
    "resume",
    "discard",
    "start-new",
    "use-today",
    "keep-date",
    "up",
    "down",
    "prev-field",
    "next-field",
    "cursor-left",
    "cursor-right",
    "line-start",
    "line-end",
    "delete-back",
    "delete-forward",
    "clear",
    "page-up",
    "page-down",
    "top",
    "bottom",
    "not-known",
    "next",
    "open-clause",
    "confirm-match",
    "dismiss-match",
    "why",
    "answer",
    "save",
    "new",
    "copy-screening",
    "copy-address",
    "open",
    "filter",
    "outcome-filter",
    "clear-filter",
    "all-records",
    "open-current",
    "apply-filter",
    "rescreen",
    "rescreen-on",
    "override",
    "licence",
    "save-licence",
    "export",
    "write-export",
    "approve",
    "reject",
    "save-decision",
    "rescreen-date",
    "save-override",
    "impact",
    "open-case",
    "impact-on",
    "save-impact",
    "impact-date",
    "back",
    "history",
    "reload-history",
    "help",
    "quit",
];

/// The names a settings file may give keys to (`back = "h"`), in table order.
pub fn bindable_names() -> &'static [&'static str] {
    BINDABLE
}

/// A modifier a key may be bound with. Shift is not one: it is part of the code (`BackTab`,
/// `'?'`, `'H'`), because terminals report shifted characters inconsistently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Modifier {
    None,
    Ctrl,
    Alt,
}

/// One key, as the command table binds it, the settings file names it (`h`, `Ctrl-x`, `F1`,
/// `PgDn`) and the key bar shows it. The one key type of the program: parsing, display and
/// matching a terminal key press all live here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    /// For Ctrl the character is lower case, whatever the terminal reported.
    pub code: KeyCode,
    pub modifier: Modifier,
}

/// Keys with names, as shown (the first name of a code) and as accepted (any name, any case).
const NAMED: [(&str, KeyCode); 19] = [
    ("Space", KeyCode::Char(' ')),
    ("Enter", KeyCode::Enter),
    ("Esc", KeyCode::Esc),
    ("Tab", KeyCode::Tab),
    ("Shift-Tab", KeyCode::BackTab),
    ("BackTab", KeyCode::BackTab),
    ("Backspace", KeyCode::Backspace),
    ("Delete", KeyCode::Delete),
    ("Insert", KeyCode::Insert),
    ("Home", KeyCode::Home),
    ("End", KeyCode::End),
    ("PgUp", KeyCode::PageUp),
    ("PageUp", KeyCode::PageUp),
    ("PgDn", KeyCode::PageDown),
    ("PageDown", KeyCode::PageDown),
    ("Up", KeyCode::Up),
    ("Down", KeyCode::Down),
    ("Left", KeyCode::Left),
    ("Right", KeyCode::Right),
];

impl Key {
    pub const fn plain(code: KeyCode) -> Key {
        Key {
            code,
            modifier: Modifier::None,
        }
    }

    pub const fn ch(c: char) -> Key {
        Key::plain(KeyCode::Char(c))
    }

    pub const fn ctrl(c: char) -> Key {
        Key {
            code: KeyCode::Char(c),
            modifier: Modifier::Ctrl,
        }
    }

    /// Ctrl-C: always quits, so no command may be given it.
    pub const QUIT: Key = Key::ctrl('c');

    /// The key a terminal press stands for. Ctrl wins over Alt when both are held.
    pub fn from_event(event: &KeyEvent) -> Key {
        if event.modifiers.contains(KeyModifiers::CONTROL) {
            let code = match event.code {
                KeyCode::Char(c) => KeyCode::Char(c.to_ascii_lowercase()),
                code => code,
            };
            return Key {
                code,
                modifier: Modifier::Ctrl,
            };
        }
        let modifier = if event.modifiers.contains(KeyModifiers::ALT) {
            Modifier::Alt
        } else {
            Modifier::None
        };
        Key {
            code: event.code,
            modifier,
        }
    }

    /// Whether a terminal key press is this key.
    pub fn matches(self, event: &KeyEvent) -> bool {
        Key::from_event(event) == self
    }

    /// A printable key without modifiers: in a text field it types instead of commanding.
    pub fn types_text(self) -> bool {
        self.modifier == Modifier::None && matches!(self.code, KeyCode::Char(_))
    }

    /// Parse a key as a settings file names it: one character (`h`), a name (`Enter`, `PgDn`,
    /// `Shift-Tab`, `Space`), `F1` to `F12`, `Ctrl-x` or `Alt-x`. Names are case-insensitive.
    pub fn parse(text: &str) -> Result<Key, String> {
        let shown = crate::text::sanitize(text);
        let mut chars = text.chars();
        if let (Some(c), None) = (chars.next(), chars.next()) {
            return if c.is_control() || c == ' ' {
                Err(format!(
                    "'{shown}' is not a key name; write Space, Tab, Enter or Esc instead"
                ))
            } else {
                Ok(Key::ch(c))
            };
        }
        if let Some((_, code)) = NAMED.iter().find(|(n, _)| n.eq_ignore_ascii_case(text)) {
            return Ok(Key::plain(*code));
        }
        let lower = text.to_ascii_lowercase();
        if let Some(number) = lower.strip_prefix('f').and_then(|n| n.parse::<u8>().ok())
            && (1..=12).contains(&number)
        {
            return Ok(Key::plain(KeyCode::F(number)));
        }
        for (prefix, modifier) in [("ctrl-", Modifier::Ctrl), ("alt-", Modifier::Alt)] {
            if let Some(rest) = lower.strip_prefix(prefix) {
                let mut rest = rest.chars();
                let key = match (rest.next(), rest.next()) {
                    (Some(c), None) if c.is_ascii_alphanumeric() => Key {
                        code: KeyCode::Char(c),
                        modifier,
                    },
                    _ => {
                        return Err(format!(
                            "'{shown}': after {} give one letter or digit, e.g. {}x",
                            &text[..prefix.len()],
                            &text[..prefix.len()]
                        ));
                    }
                };
                return if key == Key::QUIT {
                    Err("Ctrl-c always quits and cannot be assigned to a command".to_string())
                } else {
                    Ok(key)
                };
            }
        }
        let names: Vec<&str> = NAMED.iter().map(|(n, _)| *n).collect();
        Err(format!(
            "'{shown}' is not a key: use one character (e.g. h), F1 to F12, Ctrl-x, Alt-x or one of {}",
            names.join(", ")
        ))
    }
}

/// The key in words, as a terminal user reads it and a settings file may write it ("Enter",
/// "Shift-Tab", "Ctrl-C", "k").
impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.modifier {
            Modifier::None => {}
            Modifier::Ctrl => f.write_str("Ctrl-")?,
            Modifier::Alt => f.write_str("Alt-")?,
        }
        if let Some((name, _)) = NAMED.iter().find(|(_, code)| *code == self.code) {
            return f.write_str(name);
        }
        match self.code {
            KeyCode::Char(c) if self.modifier == Modifier::Ctrl => {
                write!(f, "{}", c.to_ascii_uppercase())
            }
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::F(n) => write!(f, "F{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_names_parse_case_insensitively_and_display_canonically() {
        for (text, shown) in [
            ("h", "h"),
            ("H", "H"),
            ("esc", "Esc"),
            ("ENTER", "Enter"),
            ("backtab", "Shift-Tab"),
            ("f12", "F12"),
            ("Ctrl-X", "Ctrl-X"),
            ("ctrl-u", "Ctrl-U"),
            ("alt-1", "Alt-1"),
            ("space", "Space"),
            ("pagedown", "PgDn"),
            ("PgUp", "PgUp"),
            ("é", "é"),
        ] {
            let key = Key::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(key.to_string(), shown);
            assert_eq!(Key::parse(shown), Ok(key), "{shown} round-trips");
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
            "Ctrl-c",
        ] {
            assert!(Key::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn keys_match_terminal_presses() {
        let event = |code, mods| KeyEvent::new(code, mods);
        assert!(Key::ch('h').matches(&event(KeyCode::Char('h'), KeyModifiers::NONE)));
        assert!(Key::ch('H').matches(&event(KeyCode::Char('H'), KeyModifiers::SHIFT)));
        assert!(!Key::ch('h').matches(&event(KeyCode::Char('h'), KeyModifiers::CONTROL)));
        assert!(Key::ctrl('x').matches(&event(KeyCode::Char('X'), KeyModifiers::CONTROL)));
        assert!(!Key::ch('x').matches(&event(KeyCode::Char('x'), KeyModifiers::ALT)));
        assert!(
            Key::parse("Alt-x")
                .expect("key")
                .matches(&event(KeyCode::Char('x'), KeyModifiers::ALT))
        );
        assert!(
            Key::plain(KeyCode::BackTab).matches(&event(KeyCode::BackTab, KeyModifiers::SHIFT))
        );
        assert!(Key::plain(KeyCode::F(1)).matches(&event(KeyCode::F(1), KeyModifiers::NONE)));
    }
}
