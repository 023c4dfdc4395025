//! The one table of keyboard commands. Each command has a stable name ("back", "next", ...),
//! the screens it works on, its keys and its action; the key bar, the `?` overlay and the
//! key-to-action mapping are all read from it, so help cannot drift from behaviour.

use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::{Action, Edit, HistoryCommand};

/// Which set of commands is live: one per kind of screen, plus the overlays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    List,
    /// A country question: typing filters the list.
    Picker,
    Form,
    Review,
    Result,
    Help,
    Confirm,
    /// Drafts from earlier sessions, offered for resume.
    Resume,
    /// A resumed draft's old screening date: keep it or use today.
    KeepDate,
    /// The terminal is below the minimum size: only Ctrl-C acts.
    TooSmall,
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
    /// Choosing an override outcome and typing its reason and officer.
    HistoryOverride,
    /// The cases whose outcome or decisive clause the rules in use (or a date) change.
    HistoryImpact,
    /// Typing the date to work the impact out on.
    HistoryImpactDate,
}

impl Context {
    /// Whether a text field has focus, so printable keys type instead of commanding.
    pub fn takes_text(self) -> bool {
        matches!(
            self,
            Context::Form
                | Context::Picker
                | Context::HistoryFilter
                | Context::HistoryDate
                | Context::HistoryOverride
                | Context::HistoryImpactDate
        )
    }
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
    const fn plain(code: KeyCode) -> Key {
        Key {
            code,
            modifier: Modifier::None,
        }
    }

    const fn ch(c: char) -> Key {
        Key::plain(KeyCode::Char(c))
    }

    const fn ctrl(c: char) -> Key {
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
    fn types_text(self) -> bool {
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

/// One keyboard command.
#[derive(Debug, Clone)]
pub struct Command {
    /// Stable name for settings overrides, e.g. `back = "h"`.
    pub name: &'static str,
    pub contexts: &'static [Context],
    /// The built-in keys.
    pub keys: Vec<Key>,
    /// The officer's own key from the settings file: shown first, and it wins over any
    /// built-in key of another command on the same screen.
    pub custom: Option<Key>,
    pub action: Action,
    /// What the command does, for the help overlay.
    pub help: &'static str,
    /// Short label for the key bar; commands without one appear only in the overlay.
    pub bar: Option<&'static str>,
}

use Context::{
    Confirm, Form, Help, HistoryDate, HistoryDetail, HistoryDiff, HistoryFilter, HistoryImpact,
    HistoryImpactDate, HistoryList, HistoryOverride, KeepDate, List, Picker, Result as ResultCtx,
    Resume, Review,
};

/// Where Up and Down move something (the review has nothing to move).
const BROWSE: &[Context] = &[
    List,
    Picker,
    Resume,
    ResultCtx,
    HistoryList,
    HistoryDetail,
    HistoryDiff,
    HistoryOverride,
    HistoryImpact,
];
const SCREENS: &[Context] = &[
    List,
    Picker,
    Form,
    Review,
    ResultCtx,
    HistoryList,
    HistoryFilter,
    HistoryDetail,
    HistoryDate,
    HistoryDiff,
    HistoryOverride,
    HistoryImpact,
    HistoryImpactDate,
];
const ALL: &[Context] = &[
    List,
    Picker,
    Form,
    Review,
    ResultCtx,
    Help,
    Confirm,
    Resume,
    KeepDate,
    HistoryList,
    HistoryFilter,
    HistoryDetail,
    HistoryDate,
    HistoryDiff,
    HistoryOverride,
    HistoryImpact,
    HistoryImpactDate,
];
/// The history view's screens.
const HISTORY: &[Context] = &[
    HistoryList,
    HistoryFilter,
    HistoryDetail,
    HistoryDate,
    HistoryDiff,
    HistoryOverride,
    HistoryImpact,
    HistoryImpactDate,
];
/// Where a text field has focus.
const TEXT: &[Context] = &[
    Form,
    Picker,
    HistoryFilter,
    HistoryDate,
    HistoryOverride,
    HistoryImpactDate,
];
/// Where several text fields take turns (in the override, Up/Down choose the outcome, so
/// only Tab and Shift-Tab move between its fields: "up" and "down" come first in the table).
const FIELDS: &[Context] = &[Form, HistoryFilter, HistoryOverride];
/// Where a long text scrolls by pages.
const PAGED: &[Context] = &[
    Picker,
    ResultCtx,
    HistoryList,
    HistoryDetail,
    HistoryDiff,
    HistoryImpact,
];
/// Where Home and End go to the top and the bottom.
const ENDS: &[Context] = &[
    List,
    ResultCtx,
    HistoryList,
    HistoryDetail,
    HistoryDiff,
    HistoryImpact,
];

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
        custom: None,
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
                "resume",
                &[Resume],
                &[p(K::Enter), Key::ch('y')],
                Action::Yes,
                "Resume the highlighted draft",
                Some("resume it"),
            ),
            command(
                "discard",
                &[Resume],
                &[Key::ch('d'), p(K::Delete)],
                Action::Discard,
                "Discard the highlighted draft for good",
                Some("discard it"),
            ),
            command(
                "start-new",
                &[Resume],
                &[Key::ch('n'), p(K::Esc)],
                Action::No,
                "Start a new screening; the drafts are kept for later",
                Some("new screening"),
            ),
            command(
                "use-today",
                &[KeepDate],
                &[Key::ch('t'), p(K::Enter)],
                Action::UseToday,
                "Screen as on today",
                Some("use today"),
            ),
            command(
                "keep-date",
                &[KeepDate],
                &[Key::ch('k'), p(K::Esc)],
                Action::KeepDate,
                "Keep the draft's screening date",
                Some("keep the old date"),
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
                ENDS,
                &[p(K::Home)],
                Action::Top,
                "Go to the top",
                None,
            ),
            command(
                "bottom",
                ENDS,
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
                &DIGITS,
                Action::Jump(0),
                "Change the answer of line N (a question not needed too)",
                Some("change"),
            ),
            command(
                "next",
                &[List, Picker, Form, Review],
                &[p(K::Enter)],
                Action::Next,
                "List: choose and go on. Form: next field, on the last one go on. Review: screen now",
                Some("next"),
            ),
            command(
                "open-clause",
                &[ResultCtx],
                &[p(K::Enter)],
                Action::Next,
                "Open the highlighted clause in full (text, note, sources); again to close",
                Some("clause"),
            ),
            command(
                "confirm-match",
                &[Form],
                &[Key::ctrl('y')],
                Action::ConfirmMatch,
                "Confirm the first possible name match of this field: the listing applies",
                None,
            ),
            command(
                "dismiss-match",
                &[Form],
                &[Key::ctrl('d')],
                Action::DismissMatch,
                "Dismiss the first name match of this field as another party, with a reason",
                None,
            ),
            command(
                "why",
                &[ResultCtx],
                &[Key::ch('w')],
                Action::Why,
                "Show or hide the why-trace: each step's answers and the clauses it fired",
                Some("why"),
            ),
            command(
                "answer",
                &[ResultCtx],
                &[Key::ch('a')],
                Action::AnswerOpen,
                "Answer an open question now and screen again",
                None,
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
                Action::HistoryCommand(HistoryCommand::OnDate),
                "Re-screen on a date you type",
                None,
            ),
            command(
                "override",
                &[HistoryDetail],
                &[Key::ch('x')],
                Action::HistoryCommand(HistoryCommand::Override),
                "Override the outcome, with a reason and the deciding officer (saved as a new record)",
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
                "Save the override as a new record (a reason and the officer are required)",
                Some("save"),
            ),
            command(
                "impact",
                &[HistoryList],
                &[Key::ch('i')],
                Action::HistoryCommand(HistoryCommand::Impact),
                "What the rules in use change: every case's current record screened again",
                Some("impact"),
            ),
            command(
                "open-case",
                &[HistoryImpact],
                &[p(K::Enter)],
                Action::Next,
                "Open the highlighted case: its record beside the re-screen",
                Some("open"),
            ),
            command(
                "impact-on",
                &[HistoryImpact],
                &[Key::ch('d')],
                Action::HistoryCommand(HistoryCommand::OnDate),
                "Screen every case on a date you type instead of its own screening date",
                None,
            ),
            command(
                "save-impact",
                &[HistoryImpact],
                &[Key::ch('s')],
                Action::Save,
                "Save every re-screen listed as a new record superseding its case's current one (asks first)",
                Some("save all"),
            ),
            command(
                "impact-date",
                &[HistoryImpactDate],
                &[p(K::Enter)],
                Action::Next,
                "Work the impact out on this date (empty: each case's own screening date)",
                Some("impact"),
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
                &[List, Picker, Form, Review, ResultCtx],
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

impl Command {
    /// Whether a settings file may give this command a key; the digit commands take their
    /// number from the key itself, so they keep their digits.
    fn bindable(&self) -> bool {
        !matches!(self.action, Action::Jump(_))
    }

    /// The officer's key first, then the built-in ones.
    fn all_keys(&self) -> impl Iterator<Item = Key> + '_ {
        self.custom.into_iter().chain(self.keys.iter().copied())
    }
}

/// The names a settings file may give keys to (`back = "h"`), in table order: the one list
/// the settings file is checked against.
pub fn bindable_names() -> Vec<&'static str> {
    KeyMap::default()
        .commands
        .iter()
        .filter(|c| c.bindable())
        .map(|c| c.name)
        .collect()
}

impl KeyMap {
    /// The table with the officer's keys from the settings file applied.
    pub fn with_overrides(overrides: &[(&str, Key)]) -> Result<KeyMap, String> {
        let mut keys = KeyMap::default();
        for (name, key) in overrides {
            keys.bind(name, *key)?;
        }
        Ok(keys)
    }

    /// Give the command `name` the officer's `key`, as a settings file asks (`back = "h"`).
    /// The built-in keys keep working unless another command's own key takes them, so Esc
    /// still goes back; Ctrl-C cannot be given away and always quits.
    pub fn bind(&mut self, name: &str, key: Key) -> Result<(), String> {
        if key == Key::QUIT {
            return Err("Ctrl-c always quits and cannot be assigned to a command".to_string());
        }
        let command = self
            .commands
            .iter_mut()
            .find(|c| c.name == name && c.bindable())
            .ok_or_else(|| {
                format!(
                    "unknown command '{}'; known commands are {}",
                    crate::text::sanitize(name),
                    bindable_names().join(", ")
                )
            })?;
        command.custom = Some(key);
        Ok(())
    }

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

    /// The command a key reaches: the officer's own keys first, then the table in order.
    fn command_for(&self, context: Context, key: Key) -> Option<&Command> {
        if key == Key::QUIT {
            return self.commands.iter().find(|c| c.action == Action::Quit);
        }
        if context.takes_text() && key.types_text() {
            return None;
        }
        let live = || {
            self.commands
                .iter()
                .filter(|c| c.contexts.contains(&context))
        };
        live()
            .find(|c| c.custom == Some(key))
            .or_else(|| live().find(|c| c.keys.contains(&key)))
    }

    /// The keys that reach command `name` in `context`, as the key bar words them ("?"
    /// when none does), for text that tells the officer which key to press.
    pub fn words_for(&self, context: Context, name: &str) -> String {
        self.commands(context)
            .into_iter()
            .find(|(c, _)| c.name == name)
            .map_or_else(|| "?".into(), |(_, keys)| bar_words(&keys))
    }

    /// The commands of a context with the keys that reach them there, in table order.
    pub fn commands(&self, context: Context) -> Vec<(&Command, Vec<Key>)> {
        self.commands
            .iter()
            .filter(|c| c.contexts.contains(&context))
            .map(|c| {
                let live = c
                    .all_keys()
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
}

/// Keys in words for the overlay, e.g. "Esc/b/Backspace"; a run of digits reads "1-9".
pub fn keys_words(keys: &[Key]) -> String {
    digit_range(keys).unwrap_or_else(|| {
        keys.iter()
            .map(Key::to_string)
            .collect::<Vec<_>>()
            .join("/")
    })
}

/// The key bar names one key per command, or the digit range.
pub fn bar_words(keys: &[Key]) -> String {
    digit_range(keys).unwrap_or_else(|| keys.first().map(Key::to_string).unwrap_or_default())
}

fn digit_range(keys: &[Key]) -> Option<String> {
    let digits: Vec<char> = keys
        .iter()
        .filter_map(|k| match k.code {
            KeyCode::Char(c) if k.modifier == Modifier::None && c.is_ascii_digit() => Some(c),
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
            keys.action_for(Context::Result, &press(KeyCode::Char('7'))),
            None
        );
        assert_eq!(
            keys.action_for(Context::Picker, &press(KeyCode::Char('q'))),
            Some(Action::Type('q')),
            "the country filter takes letters"
        );
        assert_eq!(
            keys.action_for(Context::TooSmall, &press(KeyCode::Char('q'))),
            None,
            "nothing acts unseen"
        );
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        for context in [
            Context::Form,
            Context::List,
            Context::Help,
            Context::Confirm,
            Context::TooSmall,
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
    fn an_officer_key_comes_first_and_wins_over_built_in_keys() {
        let h = Key::ch('h');
        let mut keys = KeyMap::default();
        keys.bind("back", h).expect("back is bindable");
        keys.bind("save", Key::ch('j')).expect("save is bindable");
        let key = |code| press(code);
        assert_eq!(
            keys.action_for(Context::List, &key(KeyCode::Char('h'))),
            Some(Action::Back)
        );
        assert_eq!(
            keys.action_for(Context::List, &key(KeyCode::Esc)),
            Some(Action::Back),
            "the built-in keys still work"
        );
        assert_eq!(
            keys.action_for(Context::Form, &key(KeyCode::Char('h'))),
            Some(Action::Type('h')),
            "a letter still types in a text field"
        );
        assert_eq!(
            keys.action_for(Context::Result, &key(KeyCode::Char('j'))),
            Some(Action::Save),
            "the officer's key wins on the screens of its command"
        );
        assert_eq!(
            keys.action_for(Context::List, &key(KeyCode::Char('j'))),
            Some(Action::Down),
            "and nowhere else"
        );
        let words = |context, name| {
            keys.commands(context)
                .iter()
                .find(|(c, _)| c.name == name)
                .map(|(_, k)| keys_words(k))
        };
        assert_eq!(
            words(Context::List, "back").as_deref(),
            Some("h/Esc/b/Backspace")
        );
        assert_eq!(words(Context::Result, "down").as_deref(), Some("Down"));
        assert_eq!(words(Context::Form, "back").as_deref(), Some("Esc"));
    }

    #[test]
    fn ctrl_c_always_quits_and_digits_cannot_be_rebound() {
        let mut keys = KeyMap::default();
        keys.bind("quit", Key::ch('x')).expect("quit is bindable");
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert!(Key::QUIT.matches(&ctrl_c));
        for context in [
            Context::List,
            Context::Form,
            Context::Help,
            Context::Confirm,
        ] {
            assert_eq!(keys.action_for(context, &ctrl_c), Some(Action::Quit));
        }
        assert!(
            keys.bind("help", Key::QUIT)
                .unwrap_err()
                .contains("always quits")
        );
        assert!(
            keys.bind("jump", Key::ch('x'))
                .unwrap_err()
                .contains("unknown command 'jump'")
        );
        assert!(!bindable_names().contains(&"change"));
        for name in ["next", "back", "up", "down", "help", "quit", "save", "new"] {
            assert!(bindable_names().contains(&name), "{name}");
        }
    }

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
