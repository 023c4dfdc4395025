//! The one table of keyboard commands. Each command has a stable name ("back", "next", ...),
//! the screens it works on, its keys and its action; the key bar, the `?` overlay and the
//! key-to-action mapping are all read from it, so help cannot drift from behaviour.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::{Action, Edit, HistoryCommand};

/// Which set of commands is live: one per kind of screen, plus the overlays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    List,
    Form,
    Review,
    Result,
    Help,
    Confirm,
    /// The history's records, newest first.
    HistoryList,
    /// Typing into the history's filter bar.
    HistoryFilter,
    /// One stored record.
    HistoryDetail,
    /// Typing the date to re-screen a record on.
    HistoryDate,
    /// A re-screen beside the stored record.
    HistoryDiff,
    /// Choosing an override outcome and typing its reason.
    HistoryOverride,
}

impl Context {
    /// Whether a text field has focus, so printable keys type instead of commanding.
    pub fn takes_text(self) -> bool {
        matches!(
            self,
            Context::Form
                | Context::HistoryFilter
                | Context::HistoryDate
                | Context::HistoryOverride
        )
    }
}

/// A key as bound in the table: a code and whether Ctrl is held (Shift is part of the code,
/// e.g. `BackTab` or `'?'`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

impl Key {
    const fn plain(code: KeyCode) -> Key {
        Key { code, ctrl: false }
    }

    const fn ch(c: char) -> Key {
        Key {
            code: KeyCode::Char(c),
            ctrl: false,
        }
    }

    const fn ctrl(c: char) -> Key {
        Key {
            code: KeyCode::Char(c),
            ctrl: true,
        }
    }

    pub fn from_event(event: &KeyEvent) -> Key {
        let code = match event.code {
            KeyCode::Char(c) if event.modifiers.contains(KeyModifiers::CONTROL) => {
                KeyCode::Char(c.to_ascii_lowercase())
            }
            code => code,
        };
        Key {
            code,
            ctrl: event.modifiers.contains(KeyModifiers::CONTROL),
        }
    }

    /// A printable key without Ctrl: in a text field it types instead of commanding.
    fn types_text(self) -> bool {
        !self.ctrl && matches!(self.code, KeyCode::Char(_))
    }

    /// The key in words, as a terminal user reads it ("Enter", "Shift-Tab", "Ctrl-C", "k").
    pub fn words(self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) if self.ctrl => c.to_ascii_uppercase().to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift-Tab".into(),
            KeyCode::Backspace => "Backspace".into(),
            KeyCode::Delete => "Delete".into(),
            KeyCode::Up => "Up".into(),
            KeyCode::Down => "Down".into(),
            KeyCode::Left => "Left".into(),
            KeyCode::Right => "Right".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        if self.ctrl {
            format!("Ctrl-{base}")
        } else {
            base
        }
    }

    /// Parse a key as a settings file names it: "h", "Ctrl-u", "Enter", "PgDn", "F2".
    pub fn parse(text: &str) -> Result<Key, String> {
        let (ctrl, rest) = match text.get(..5) {
            Some(prefix) if prefix.eq_ignore_ascii_case("ctrl-") => (true, &text[5..]),
            _ => (false, text),
        };
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyCode::Char(if ctrl { c.to_ascii_lowercase() } else { c }),
            _ => match rest.to_ascii_lowercase().as_str() {
                "space" => KeyCode::Char(' '),
                "enter" => KeyCode::Enter,
                "esc" => KeyCode::Esc,
                "tab" => KeyCode::Tab,
                "shift-tab" => KeyCode::BackTab,
                "backspace" => KeyCode::Backspace,
                "delete" => KeyCode::Delete,
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                "home" => KeyCode::Home,
                "end" => KeyCode::End,
                "pgup" => KeyCode::PageUp,
                "pgdn" => KeyCode::PageDown,
                f if f.starts_with('f')
                    && f[1..].parse::<u8>().is_ok_and(|n| (1..=12).contains(&n)) =>
                {
                    KeyCode::F(f[1..].parse().unwrap_or(1))
                }
                _ => {
                    return Err(format!(
                        "unknown key \"{text}\": use a character, Ctrl-x, Enter, Esc, Tab, Up, PgDn, F1..."
                    ));
                }
            },
        };
        Ok(Key { code, ctrl })
    }
}

/// One keyboard command.
#[derive(Debug, Clone)]
pub struct Command {
    /// Stable name for settings overrides, e.g. `back = "h"`.
    pub name: &'static str,
    pub contexts: &'static [Context],
    pub keys: Vec<Key>,
    pub action: Action,
    /// What the command does, for the help overlay.
    pub help: &'static str,
    /// Short label for the key bar; commands without one appear only in the overlay.
    pub bar: Option<&'static str>,
}

use Context::{
    Confirm, Form, Help, HistoryDate, HistoryDetail, HistoryDiff, HistoryFilter, HistoryList,
    HistoryOverride, List, Result as ResultCtx, Review,
};

const BROWSE: &[Context] = &[
    List,
    Review,
    ResultCtx,
    HistoryList,
    HistoryDetail,
    HistoryDiff,
    HistoryOverride,
];
const SCREENS: &[Context] = &[
    List,
    Form,
    Review,
    ResultCtx,
    HistoryList,
    HistoryFilter,
    HistoryDetail,
    HistoryDate,
    HistoryDiff,
    HistoryOverride,
];
const ALL: &[Context] = &[
    List,
    Form,
    Review,
    ResultCtx,
    Help,
    Confirm,
    HistoryList,
    HistoryFilter,
    HistoryDetail,
    HistoryDate,
    HistoryDiff,
    HistoryOverride,
];
/// The history view's screens.
const HISTORY: &[Context] = &[
    HistoryList,
    HistoryFilter,
    HistoryDetail,
    HistoryDate,
    HistoryDiff,
    HistoryOverride,
];
/// Where a text field has focus.
const TEXT: &[Context] = &[Form, HistoryFilter, HistoryDate, HistoryOverride];
/// Where several text fields take turns.
const FIELDS: &[Context] = &[Form, HistoryFilter];
/// Where a long text scrolls by pages.
const PAGED: &[Context] = &[ResultCtx, HistoryList, HistoryDetail, HistoryDiff];

fn command(
    name: &'static str,
    contexts: &'static [Context],
    keys: &[Key],
    action: Action,
    help: &'static str,
    bar: Option<&'static str>,
) -> Command {
    Command {
        name,
        contexts,
        keys: keys.to_vec(),
        action,
        help,
        bar,
    }
}

const DIGITS: [Key; 9] = [
    Key::ch('1'),
    Key::ch('2'),
    Key::ch('3'),
    Key::ch('4'),
    Key::ch('5'),
    Key::ch('6'),
    Key::ch('7'),
    Key::ch('8'),
    Key::ch('9'),
];

/// The command table. Order matters: the first command of a context that binds a key wins,
/// and the help shows only the keys that actually reach a command.
#[derive(Debug, Clone)]
pub struct KeyMap {
    commands: Vec<Command>,
}

impl Default for KeyMap {
    fn default() -> KeyMap {
        use KeyCode as K;
        let p = Key::plain;
        let commands = vec![
            command(
                "close",
                &[Help],
                &[p(K::Esc), Key::ch('?'), Key::ch('q'), p(K::Enter)],
                Action::CloseOverlay,
                "Close this help",
                Some("close"),
            ),
            command(
                "yes",
                &[Confirm],
                &[Key::ch('y'), p(K::Enter)],
                Action::Yes,
                "Yes, go ahead",
                Some("yes"),
            ),
            command(
                "no",
                &[Confirm],
                &[Key::ch('n'), p(K::Esc)],
                Action::No,
                "No, stay here",
                Some("no"),
            ),
            command(
                "prev-field",
                FIELDS,
                &[p(K::BackTab), p(K::Up)],
                Action::PrevField,
                "Previous field",
                None,
            ),
            command(
                "next-field",
                FIELDS,
                &[p(K::Tab), p(K::Down)],
                Action::NextField,
                "Next field (checks this one)",
                Some("field"),
            ),
            command(
                "cursor-left",
                TEXT,
                &[p(K::Left)],
                Action::Edit(Edit::Left),
                "Move the cursor left",
                None,
            ),
            command(
                "cursor-right",
                TEXT,
                &[p(K::Right)],
                Action::Edit(Edit::Right),
                "Move the cursor right",
                None,
            ),
            command(
                "line-start",
                TEXT,
                &[p(K::Home), Key::ctrl('a')],
                Action::Edit(Edit::Start),
                "Cursor to the start",
                None,
            ),
            command(
                "line-end",
                TEXT,
                &[p(K::End), Key::ctrl('e')],
                Action::Edit(Edit::End),
                "Cursor to the end",
                None,
            ),
            command(
                "delete-back",
                TEXT,
                &[p(K::Backspace)],
                Action::Edit(Edit::DeleteBack),
                "Delete before the cursor; on an empty field, back one step",
                None,
            ),
            command(
                "delete-forward",
                TEXT,
                &[p(K::Delete)],
                Action::Edit(Edit::DeleteForward),
                "Delete at the cursor",
                None,
            ),
            command(
                "clear",
                TEXT,
                &[Key::ctrl('u')],
                Action::Edit(Edit::Clear),
                "Clear the field",
                None,
            ),
            command(
                "up",
                BROWSE,
                &[p(K::Up), Key::ch('k')],
                Action::Up,
                "Move up",
                Some("move"),
            ),
            command(
                "down",
                BROWSE,
                &[p(K::Down), Key::ch('j')],
                Action::Down,
                "Move down",
                Some("move"),
            ),
            command(
                "page-up",
                PAGED,
                &[p(K::PageUp)],
                Action::PageUp,
                "Scroll up a page",
                None,
            ),
            command(
                "page-down",
                PAGED,
                &[p(K::PageDown), Key::ch(' ')],
                Action::PageDown,
                "Scroll down a page",
                Some("page"),
            ),
            command(
                "top",
                &[List, ResultCtx, HistoryList, HistoryDetail, HistoryDiff],
                &[p(K::Home)],
                Action::Top,
                "Go to the top",
                None,
            ),
            command(
                "bottom",
                &[List, ResultCtx, HistoryList, HistoryDetail, HistoryDiff],
                &[p(K::End)],
                Action::Bottom,
                "Go to the bottom",
                None,
            ),
            command(
                "jump",
                &[List],
                &DIGITS,
                Action::Jump(0),
                "Highlight option N",
                Some("pick"),
            ),
            command(
                "change",
                &[Review],
                &DIGITS[..4],
                Action::Jump(0),
                "Change the answer of step N",
                Some("change"),
            ),
            command(
                "next",
                &[List, Form, Review],
                &[p(K::Enter)],
                Action::Next,
                "List: choose and go on. Form: next field, on the last one go on. Review: screen now",
                Some("next"),
            ),
            command(
                "save",
                &[ResultCtx, HistoryDiff],
                &[Key::ch('s')],
                Action::Save,
                "Save the screening to the history",
                Some("save"),
            ),
            command(
                "new",
                &[ResultCtx],
                &[Key::ch('n')],
                Action::New,
                "Start a new screening",
                Some("new"),
            ),
            command(
                "open",
                &[HistoryList],
                &[p(K::Enter)],
                Action::Next,
                "Open the highlighted record",
                Some("open"),
            ),
            command(
                "filter",
                &[HistoryList],
                &[Key::ch('/')],
                Action::HistoryCommand(HistoryCommand::Filter),
                "Filter by text (reference, counterparty, destination, officer, notes) and dates",
                Some("filter"),
            ),
            command(
                "outcome-filter",
                &[HistoryList],
                &[Key::ch('o')],
                Action::HistoryCommand(HistoryCommand::CycleOutcome),
                "Show only one outcome; press again for the next, after the last for all",
                None,
            ),
            command(
                "clear-filter",
                &[HistoryList],
                &[Key::ch('c')],
                Action::HistoryCommand(HistoryCommand::ClearFilter),
                "Clear every filter",
                None,
            ),
            command(
                "apply-filter",
                &[HistoryFilter],
                &[p(K::Enter)],
                Action::Next,
                "Back to the list (the filter stays)",
                Some("list"),
            ),
            command(
                "rescreen",
                &[HistoryDetail],
                &[Key::ch('r')],
                Action::HistoryCommand(HistoryCommand::Rescreen),
                "Re-screen this record's answers under the current rules today",
                Some("re-screen"),
            ),
            command(
                "rescreen-on",
                &[HistoryDetail, HistoryDiff],
                &[Key::ch('d')],
                Action::HistoryCommand(HistoryCommand::RescreenOn),
                "Re-screen on a date you type",
                None,
            ),
            command(
                "override",
                &[HistoryDetail],
                &[Key::ch('x')],
                Action::HistoryCommand(HistoryCommand::Override),
                "Override the outcome, with a reason (saved as a new record)",
                Some("override"),
            ),
            command(
                "rescreen-date",
                &[HistoryDate],
                &[p(K::Enter)],
                Action::Next,
                "Re-screen on this date",
                Some("re-screen"),
            ),
            command(
                "save-override",
                &[HistoryOverride],
                &[p(K::Enter)],
                Action::Next,
                "Save the override as a new record (a reason is required)",
                Some("save"),
            ),
            command(
                "back",
                SCREENS,
                &[p(K::Esc), Key::ch('b'), p(K::Backspace)],
                Action::Back,
                "Back one step (answers are kept)",
                Some("back"),
            ),
            command(
                "history",
                &[List, Form, Review, ResultCtx],
                &[Key::ch('H'), Key::ctrl('r')],
                Action::History,
                "Open the history of saved screenings (Esc comes back here)",
                Some("history"),
            ),
            command(
                "reload-history",
                HISTORY,
                &[Key::ch('H'), Key::ctrl('r')],
                Action::History,
                "Reload the history (shows records saved elsewhere since)",
                None,
            ),
            command(
                "help",
                SCREENS,
                &[Key::ch('?'), p(K::F(1))],
                Action::Help,
                "Show every key for this screen",
                Some("help"),
            ),
            command(
                "quit",
                ALL,
                &[Key::ch('q'), Key::ctrl('c')],
                Action::Quit,
                "Quit (asks first if a determination is not saved)",
                Some("quit"),
            ),
        ];
        KeyMap { commands }
    }
}

impl KeyMap {
    /// The action a key press stands for in `context`. In the form, printable keys type.
    pub fn action_for(&self, context: Context, event: &KeyEvent) -> Option<Action> {
        let key = Key::from_event(event);
        if let Some(command) = self.command_for(context, key) {
            return Some(match (&command.action, key.code) {
                (Action::Jump(_), KeyCode::Char(c)) => {
                    Action::Jump(c.to_digit(10).map_or(0, |d| d as u8))
                }
                (action, _) => action.clone(),
            });
        }
        match key.code {
            KeyCode::Char(c) if context.takes_text() && key.types_text() => Some(Action::Type(c)),
            _ => None,
        }
    }

    fn command_for(&self, context: Context, key: Key) -> Option<&Command> {
        if context.takes_text() && key.types_text() {
            return None;
        }
        self.commands
            .iter()
            .find(|c| c.contexts.contains(&context) && c.keys.contains(&key))
    }

    /// The commands of a context with the keys that reach them there, in table order.
    pub fn commands(&self, context: Context) -> Vec<(&Command, Vec<Key>)> {
        self.commands
            .iter()
            .filter(|c| c.contexts.contains(&context))
            .map(|c| {
                let live = c
                    .keys
                    .iter()
                    .copied()
                    .filter(|k| {
                        self.command_for(context, *k)
                            .is_some_and(|found| found.name == c.name)
                    })
                    .collect();
                (c, live)
            })
            .filter(|(_, keys): &(&Command, Vec<Key>)| !keys.is_empty())
            .collect()
    }

    /// Replace the keys of the command `name`, as a settings file asks (`back = "h"`).
    pub fn rebind(&mut self, name: &str, keys: &[&str]) -> Result<(), String> {
        let parsed = keys
            .iter()
            .map(|k| Key::parse(k))
            .collect::<Result<Vec<_>, _>>()?;
        let command = self
            .commands
            .iter_mut()
            .find(|c| c.name == name)
            .ok_or_else(|| format!("unknown command \"{name}\" in key settings"))?;
        command.keys = parsed;
        Ok(())
    }
}

/// Keys in words for the overlay, e.g. "Esc/b/Backspace"; a run of digits reads "1-9".
pub fn keys_words(keys: &[Key]) -> String {
    digit_range(keys)
        .unwrap_or_else(|| keys.iter().map(|k| k.words()).collect::<Vec<_>>().join("/"))
}

/// The key bar names one key per command, or the digit range.
pub fn bar_words(keys: &[Key]) -> String {
    digit_range(keys).unwrap_or_else(|| keys.first().map(|k| k.words()).unwrap_or_default())
}

fn digit_range(keys: &[Key]) -> Option<String> {
    let digits: Vec<char> = keys
        .iter()
        .filter_map(|k| match k.code {
            KeyCode::Char(c) if !k.ctrl && c.is_ascii_digit() => Some(c),
            _ => None,
        })
        .collect();
    (digits.len() > 2 && digits.len() == keys.len())
        .then(|| format!("{}-{}", digits[0], digits[digits.len() - 1]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn printable_keys_type_in_the_form_but_command_in_lists() {
        let keys = KeyMap::default();
        assert_eq!(
            keys.action_for(Context::Form, &press(KeyCode::Char('q'))),
            Some(Action::Type('q'))
        );
        assert_eq!(
            keys.action_for(Context::List, &press(KeyCode::Char('q'))),
            Some(Action::Quit)
        );
        assert_eq!(
            keys.action_for(Context::List, &press(KeyCode::Char('7'))),
            Some(Action::Jump(7))
        );
        assert_eq!(
            keys.action_for(Context::Review, &press(KeyCode::Char('7'))),
            None
        );
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        for context in [
            Context::Form,
            Context::List,
            Context::Help,
            Context::Confirm,
        ] {
            assert_eq!(keys.action_for(context, &ctrl_c), Some(Action::Quit));
        }
        assert_eq!(
            keys.action_for(Context::Form, &press(KeyCode::Backspace)),
            Some(Action::Edit(Edit::DeleteBack))
        );
        assert_eq!(
            keys.action_for(Context::List, &press(KeyCode::Backspace)),
            Some(Action::Back)
        );
    }

    #[test]
    fn help_lists_only_keys_that_reach_the_command() {
        let keys = KeyMap::default();
        let form = keys.commands(Context::Form);
        let back = form
            .iter()
            .find(|(c, _)| c.name == "back")
            .map(|(_, k)| keys_words(k));
        assert_eq!(back.as_deref(), Some("Esc"));
        assert!(form.iter().all(|(c, _)| c.name != "up"));
        let quit = form
            .iter()
            .find(|(c, _)| c.name == "quit")
            .map(|(_, k)| keys_words(k));
        assert_eq!(quit.as_deref(), Some("Ctrl-C"));
        let list = keys.commands(Context::List);
        let jump = list
            .iter()
            .find(|(c, _)| c.name == "jump")
            .map(|(_, k)| keys_words(k));
        assert_eq!(jump.as_deref(), Some("1-9"));
    }

    #[test]
    fn rebinding_by_name_changes_behaviour_and_help_together() {
        let mut keys = KeyMap::default();
        keys.rebind("back", &["h", "Esc"]).expect("valid keys");
        assert_eq!(
            keys.action_for(Context::List, &press(KeyCode::Char('h'))),
            Some(Action::Back)
        );
        assert_eq!(
            keys.action_for(Context::List, &press(KeyCode::Char('b'))),
            None
        );
        let list = keys.commands(Context::List);
        let back = list
            .iter()
            .find(|(c, _)| c.name == "back")
            .map(|(_, k)| keys_words(k));
        assert_eq!(back.as_deref(), Some("h/Esc"));
        assert!(
            keys.rebind("fly", &["f"])
                .unwrap_err()
                .contains("unknown command")
        );
        assert!(
            keys.rebind("back", &["Hyper-x"])
                .unwrap_err()
                .contains("unknown key")
        );
        assert_eq!(
            Key::parse("Ctrl-U"),
            Ok(Key {
                code: KeyCode::Char('u'),
                ctrl: true
            })
        );
        assert_eq!(
            Key::parse("PgDn"),
            Ok(Key {
                code: KeyCode::PageDown,
                ctrl: false
            })
        );
    }
}
