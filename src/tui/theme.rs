//! Colours, text styles and border glyphs for the workbench. Only the 16 named ANSI colours
//! are used; `NO_COLOR` turns colours off here (keeping bold, reverse and underline), and an
//! ASCII border set replaces box drawing with `--ascii` or a non-UTF-8 locale.

use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;

use crate::rules::Outcome;

/// Borders drawn with `+ - |` for terminals and fonts without box-drawing glyphs.
pub const ASCII_BORDER: border::Set<'static> = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// `NO_COLOR` is set: every colour becomes `Reset`, modifiers stay.
    pub no_color: bool,
    pub ascii: bool,
}

impl Theme {
    /// The theme for this process: `--ascii` or a non-UTF-8 locale picks ASCII borders, a
    /// non-empty `NO_COLOR` turns colours off.
    pub fn from_env(ascii_flag: bool) -> Theme {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Theme {
            no_color,
            ascii: ascii_flag || !locale_is_utf8(|name| std::env::var(name).ok()),
        }
    }

    fn fg(self, color: Color) -> Style {
        Style::new().fg(if self.no_color { Color::Reset } else { color })
    }

    pub fn border(self) -> border::Set<'static> {
        if self.ascii {
            ASCII_BORDER
        } else {
            border::PLAIN
        }
    }

    pub fn title(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn heading(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    /// The highlighted row of a list: reverse video, so it shows without colour too.
    pub fn highlight(self) -> Style {
        self.fg(Color::Yellow)
            .add_modifier(Modifier::REVERSED | Modifier::BOLD)
    }

    pub fn muted(self) -> Style {
        self.fg(Color::DarkGray)
    }

    pub fn key(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn error(self) -> Style {
        self.fg(Color::LightRed).add_modifier(Modifier::BOLD)
    }

    pub fn warning(self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    pub fn success(self) -> Style {
        self.fg(Color::Green).add_modifier(Modifier::BOLD)
    }

    /// The field being edited: underlined so the focus shows without colour.
    pub fn input(self) -> Style {
        Style::new().add_modifier(Modifier::UNDERLINED)
    }

    pub fn outcome(self, outcome: Outcome) -> Style {
        let color = match outcome {
            Outcome::NoLicenseRequired | Outcome::Exempt => Color::Green,
            Outcome::LicenseRequired | Outcome::CaseByCase => Color::Yellow,
            Outcome::DeniedInPrinciple | Outcome::Prohibited => Color::LightRed,
        };
        self.fg(color).add_modifier(Modifier::BOLD)
    }
}

/// Whether the locale (the first set of LC_ALL, LC_CTYPE, LANG) asks for UTF-8. No locale at
/// all is the C locale, which is ASCII.
pub fn locale_is_utf8(var: impl Fn(&str) -> Option<String>) -> bool {
    ["LC_ALL", "LC_CTYPE", "LANG"]
        .into_iter()
        .find_map(|name| var(name).filter(|v| !v.is_empty()))
        .is_some_and(|v| {
            let v = v.to_ascii_lowercase();
            v.contains("utf-8") || v.contains("utf8")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn locale_detection_follows_precedence() {
        assert!(locale_is_utf8(env(&[("LANG", "en_US.UTF-8")])));
        assert!(locale_is_utf8(env(&[("LC_ALL", "C.utf8"), ("LANG", "C")])));
        assert!(!locale_is_utf8(env(&[
            ("LC_ALL", "C"),
            ("LANG", "en_US.UTF-8")
        ])));
        assert!(!locale_is_utf8(env(&[("LC_CTYPE", "POSIX")])));
        assert!(!locale_is_utf8(env(&[])));
        assert!(locale_is_utf8(env(&[
            ("LC_ALL", ""),
            ("LANG", "de_DE.UTF-8")
        ])));
    }

    #[test]
    fn no_color_resets_colours_but_keeps_modifiers() {
        let plain = Theme {
            no_color: true,
            ascii: true,
        };
        let style = plain.highlight();
        assert_eq!(style.fg, Some(Color::Reset));
        assert!(
            style
                .add_modifier
                .contains(Modifier::REVERSED | Modifier::BOLD)
        );
        assert_eq!(plain.border().top_left, "+");
        let coloured = Theme {
            no_color: false,
            ascii: false,
        };
        assert_eq!(coloured.error().fg, Some(Color::LightRed));
        assert_eq!(coloured.border().top_left, "┌");
    }
}
