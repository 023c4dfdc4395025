//! The one table of keyboard commands, one row per command (as gitui keeps its key list):
//! its stable name, the screens it works on, its keys, its action, its key bar label and its
//! help. The key bar, the `?` overlay and the key-to-action mapping all read the table, so
//! help cannot drift from behaviour. Keys and command names live below the settings, in
//! `crate::keys`.

use crossterm::event::{KeyCode, KeyEvent};

use super::action::{Action, Edit, HistoryCommand};
use crate::history::Verdict;
pub use crate::keys::{Key, Modifier, bindable_names};

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
    /// Typing an override's reason or officer.
    HistoryOverride,
    /// Typing a licence held (or refused) for a case.
    HistoryLicence,
    /// Typing the reason for approving or rejecting a record.
    HistoryDecide,
    /// The export dialog: a format and a file.
    HistoryExport,
    /// Choosing an override's outcome (its list has focus).
    HistoryOverrideOutcome,
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
                | Context::HistoryLicence
                | Context::HistoryDecide
                | Context::HistoryExport
                | Context::HistoryImpactDate
        )
    }
}

/// One keyboard command.
#[derive(Debug, Clone)]
pub struct Command {
    /// Stable name for settings overrides, e.g. `back = "h"`.
    pub name: &'static str,
    pub contexts: &'static [Context],
    /// The built-in keys.
    pub keys: &'static [Key],
    /// The officer's own key from the settings file: shown first, and it wins over any
    /// built-in key of another command on the same screen.
    pub custom: Option<Key>,
    pub action: Action,
    /// Short label for the key bar; commands without one appear only in the overlay.
    pub bar: Option<&'static str>,
    /// What the command does, for the help overlay.
    pub help: &'static str,
}

use Context::{
    Confirm, Form, Help, HistoryDate, HistoryDecide, HistoryDetail, HistoryDiff, HistoryExport,
    HistoryFilter, HistoryImpact, HistoryImpactDate, HistoryLicence, HistoryList, HistoryOverride,
    HistoryOverrideOutcome, KeepDate, List, Picker, Result as ResultCtx, Resume, Review,
};

/// Where Up and Down move something (the review has nothing to move).
const BROWSE: &[Context] = &[
    Help,
    List,
    Picker,
    Resume,
    ResultCtx,
    HistoryList,
    HistoryDetail,
    HistoryDiff,
    HistoryOverrideOutcome,
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
    HistoryOverrideOutcome,
    HistoryLicence,
    HistoryDecide,
    HistoryExport,
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
    HistoryOverrideOutcome,
    HistoryLicence,
    HistoryDecide,
    HistoryExport,
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
    HistoryOverrideOutcome,
    HistoryLicence,
    HistoryDecide,
    HistoryExport,
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
    HistoryLicence,
    HistoryDecide,
    HistoryExport,
    HistoryImpactDate,
];
/// Where several fields take turns. Tab and Shift-Tab (and Up/Down between text fields)
/// only move between them: they never leave the screen.
const FIELDS: &[Context] = &[
    Form,
    HistoryFilter,
    HistoryOverride,
    HistoryOverrideOutcome,
    HistoryLicence,
    HistoryExport,
];
/// Where a long text scrolls by pages.
const PAGED: &[Context] = &[
    Help,
    Picker,
    ResultCtx,
    HistoryList,
    HistoryDetail,
    HistoryDiff,
    HistoryImpact,
];
/// Where Home and End go to the top and the bottom.
const ENDS: &[Context] = &[
    Help,
    List,
    ResultCtx,
    HistoryList,
    HistoryDetail,
    HistoryDiff,
    HistoryImpact,
];
/// A question's list, numbered or filtered.
const QUESTION: &[Context] = &[List, Picker];
/// The form's screens, where the history view opens from.
const FORM: &[Context] = &[List, Picker, Form, Review, ResultCtx];
/// The override form, whichever part has focus.
const OVERRIDE: &[Context] = &[HistoryOverride, HistoryOverrideOutcome];
/// A determination, on screen or stored.
const DETERMINATION: &[Context] = &[ResultCtx, HistoryDetail];

const fn ch(c: char) -> Key {
    Key::ch(c)
}
const fn ctrl(c: char) -> Key {
    Key::ctrl(c)
}
const ENTER: Key = Key::plain(KeyCode::Enter);
const ESC: Key = Key::plain(KeyCode::Esc);
const UP: Key = Key::plain(KeyCode::Up);
const DOWN: Key = Key::plain(KeyCode::Down);
const LEFT: Key = Key::plain(KeyCode::Left);
const RIGHT: Key = Key::plain(KeyCode::Right);
const HOME: Key = Key::plain(KeyCode::Home);
const END: Key = Key::plain(KeyCode::End);
const TAB: Key = Key::plain(KeyCode::Tab);
const BACKTAB: Key = Key::plain(KeyCode::BackTab);
const BACKSPACE: Key = Key::plain(KeyCode::Backspace);
const DELETE: Key = Key::plain(KeyCode::Delete);
const PGUP: Key = Key::plain(KeyCode::PageUp);
const PGDN: Key = Key::plain(KeyCode::PageDown);
const F1: Key = Key::plain(KeyCode::F(1));
const DIGITS: &[Key] = &[
    ch('1'),
    ch('2'),
    ch('3'),
    ch('4'),
    ch('5'),
    ch('6'),
    ch('7'),
    ch('8'),
    ch('9'),
];

use Action as A;
use HistoryCommand as Hc;

/// A row of the table: name, screens, keys, action, key bar label, help.
type Row = (
    &'static str,
    &'static [Context],
    &'static [Key],
    Action,
    Option<&'static str>,
    &'static str,
);

/// The command table. Order matters: the first command of a context that binds a key wins,
/// and the help shows only the keys that actually reach a command. A new key goes here,
/// on a key no command of its screens has (a test checks that none is shadowed).
#[rustfmt::skip]
const TABLE: &[Row] = &[
    ("close",          &[Help],            &[ESC, ch('?'), ch('q'), ENTER], A::CloseOverlay, Some("close"), "Close this help"),
    ("yes",            &[Confirm],         &[ch('y'), ENTER],     A::Yes,                 Some("yes"),      "Yes, go ahead"),
    ("no",             &[Confirm],         &[ch('n'), ESC],       A::No,                  Some("no"),       "No, stay here"),
    ("resume",         &[Resume],          &[ENTER, ch('y')],     A::Yes,                 Some("resume it"), "Resume the highlighted draft"),
    ("discard",        &[Resume],          &[ch('d'), DELETE],    A::Discard,             Some("discard it"), "Discard the highlighted draft for good"),
    ("start-new",      &[Resume],          &[ch('n'), ESC],       A::No,                  Some("new screening"), "Start a new screening; the drafts are kept for later"),
    ("use-today",      &[KeepDate],        &[ch('t'), ENTER],     A::UseToday,            Some("use today"), "Screen as on today"),
    ("keep-date",      &[KeepDate],        &[ch('k'), ESC],       A::KeepDate,            Some("keep the old date"), "Keep the draft's screening date"),
    ("up",             BROWSE,             &[UP, ch('k')],        A::Up,                  Some("move"),     "Move up"),
    ("down",           BROWSE,             &[DOWN, ch('j')],      A::Down,                Some("move"),     "Move down"),
    ("prev-field",     FIELDS,             &[BACKTAB, UP],        A::PrevField,           None,             "Previous field"),
    ("next-field",     FIELDS,             &[TAB, DOWN],          A::NextField,           Some("field"),    "Next field (checks this one)"),
    ("cursor-left",    TEXT,               &[LEFT],               A::Edit(Edit::Left),    None,             "Move the cursor left"),
    ("cursor-right",   TEXT,               &[RIGHT],              A::Edit(Edit::Right),   None,             "Move the cursor right"),
    ("line-start",     TEXT,               &[HOME, ctrl('a')],    A::Edit(Edit::Start),   None,             "Cursor to the start"),
    ("line-end",       TEXT,               &[END, ctrl('e')],     A::Edit(Edit::End),     None,             "Cursor to the end"),
    ("delete-back",    TEXT,               &[BACKSPACE],          A::Edit(Edit::DeleteBack), None,          "Delete before the cursor (only edits: Esc goes back)"),
    ("delete-forward", TEXT,               &[DELETE],             A::Edit(Edit::DeleteForward), None,       "Delete at the cursor"),
    ("clear",          TEXT,               &[ctrl('u')],          A::Edit(Edit::Clear),   None,             "Clear the field"),
    ("page-up",        PAGED,              &[PGUP],               A::PageUp,              None,             "Scroll up a page"),
    ("page-down",      PAGED,              &[PGDN, ch(' ')],      A::PageDown,            Some("page"),     "Scroll down a page"),
    ("top",            ENDS,               &[HOME],               A::Top,                 None,             "Go to the top"),
    ("bottom",         ENDS,               &[END],                A::Bottom,              None,             "Go to the bottom"),
    ("jump",           &[List],            DIGITS,                A::Jump(0),             Some("pick"),     "Highlight option N"),
    ("not-known",      QUESTION,           &[ch('0'), ctrl('n')], A::NotKnown,            Some("not known"), "Highlight \"Not known yet\" (Enter chooses it)"),
    ("change",         &[Review],          DIGITS,                A::Jump(0),             Some("change"),   "Change the answer of line N (a question not needed too)"),
    ("next",           &[List, Picker, Form, Review], &[ENTER],   A::Next,                Some("next"),     "List: choose and go on. Form: next field, on the last one go on. Review: screen now"),
    ("open-clause",    &[ResultCtx],       &[ENTER],              A::Next,                Some("clause"),   "Open the highlighted clause in full (text, note, sources); again to close"),
    ("confirm-match",  &[Form],            &[ctrl('y')],          A::ConfirmMatch,        None,             "Confirm the first possible name match of this field: the listing applies"),
    ("dismiss-match",  &[Form],            &[ctrl('d')],          A::DismissMatch,        None,             "Dismiss the first name match of this field as another party, with a reason"),
    ("why",            &[ResultCtx],       &[ch('w')],            A::Why,                 Some("why"),      "Show or hide the why-trace: each step's answers and the clauses it fired"),
    ("answer",         &[ResultCtx],       &[ch('a')],            A::AnswerOpen,          None,             "Answer an open question now and screen again"),
    ("save",           &[ResultCtx, HistoryDiff], &[ch('s')],     A::Save,                Some("save"),     "Save the screening to the history"),
    ("new",            &[ResultCtx],       &[ch('n')],            A::New,                 Some("new"),      "Start a new screening"),
    ("copy-screening", DETERMINATION,      &[ch('c')],            A::CopyScreening,       None,             "New screening from this one: same answers and fields, today's date"),
    ("copy-address",   &[ResultCtx],       &[ch('y')],            A::CopyAddress,         None,             "Copy the highlighted clause's source address (OSC 52)"),
    ("open",           &[HistoryList],     &[ENTER],              A::Next,                Some("open"),     "Open the highlighted record"),
    ("filter",         &[HistoryList],     &[ch('/')],            A::HistoryCommand(Hc::Filter), Some("filter"), "Filter by text (reference, counterparty, destination, officer, notes) and dates"),
    ("outcome-filter", &[HistoryList],     &[ch('o')],            A::HistoryCommand(Hc::CycleOutcome), None, "Show only one outcome; press again for the next, after the last for all"),
    ("clear-filter",   &[HistoryList],     &[ch('c')],            A::HistoryCommand(Hc::ClearFilter), None, "Clear every filter"),
    ("all-records",    &[HistoryList],     &[ch('a')],            A::HistoryCommand(Hc::AllRecords), None, "Show every record, superseded ones too; again for cases (each case's current record)"),
    ("open-current",   &[HistoryDetail],   &[ch('g')],            A::HistoryCommand(Hc::OpenCurrent), None, "Open the case's current record (when this one is superseded)"),
    ("apply-filter",   &[HistoryFilter],   &[ENTER],              A::Next,                Some("list"),     "Back to the list (the filter stays)"),
    ("rescreen",       &[HistoryDetail],   &[ch('r')],            A::HistoryCommand(Hc::Rescreen), Some("re-screen"), "Re-screen this record's answers under the current rules today"),
    ("rescreen-on",    &[HistoryDetail, HistoryDiff], &[ch('d')], A::HistoryCommand(Hc::OnDate), None,      "Re-screen on a date you type"),
    ("override",       &[HistoryDetail],   &[ch('x')],            A::HistoryCommand(Hc::Override), Some("override"), "Override the outcome, with a reason and the deciding officer (saved as a new record)"),
    ("licence",        &[HistoryDetail],   &[ch('l')],            A::HistoryCommand(Hc::Licence), Some("licence"), "Record the licence granted (or refused) for this case: a record that points at it"),
    ("save-licence",   &[HistoryLicence],  &[ENTER],              A::Next,                Some("save"),     "Save the licence as a record of the case (a number, and the last valid day unless refused)"),
    ("export",         &[HistoryList],     &[ch('e')],            A::HistoryCommand(Hc::Export), None,     "Export what the list shows (CSV for Excel, CSV, Markdown, JSON) to a file you name"),
    ("write-export",   &[HistoryExport],   &[ENTER],              A::Next,                Some("export"),   "Write the export (a new file: an existing one is never replaced)"),
    ("approve",        &[HistoryDetail],   &[ch('A')],            A::HistoryCommand(Hc::Decide(Verdict::Approved)), None, "Approve this record as the second officer (team policy), with a reason"),
    ("reject",         &[HistoryDetail],   &[ch('R')],            A::HistoryCommand(Hc::Decide(Verdict::Rejected)), None, "Reject this record as the second officer (team policy), with a reason"),
    ("save-decision",  &[HistoryDecide],   &[ENTER],              A::Next,                Some("save"),     "Save the approval or rejection, filed under you"),
    ("rescreen-date",  &[HistoryDate],     &[ENTER],              A::Next,                Some("re-screen"), "Re-screen on this date"),
    ("save-override",  OVERRIDE,          &[ENTER],              A::Next,                Some("save"),     "Save the override as a new record (a reason and the officer are required)"),
    ("impact",         &[HistoryList],     &[ch('i')],            A::HistoryCommand(Hc::Impact), Some("impact"), "What the rules in use change: every case's current record screened again"),
    ("open-case",      &[HistoryImpact],   &[ENTER],              A::Next,                Some("open"),     "Open the highlighted case: its record beside the re-screen"),
    ("impact-on",      &[HistoryImpact],   &[ch('d')],            A::HistoryCommand(Hc::OnDate), None,      "Screen every case on a date you type instead of its own screening date"),
    ("save-impact",    &[HistoryImpact],   &[ch('s')],            A::Save,                Some("save all"), "Save every re-screen listed as a new record superseding its case's current one (asks first)"),
    ("impact-date",    &[HistoryImpactDate], &[ENTER],            A::Next,                Some("impact"),   "Work the impact out on this date (empty: each case's own screening date)"),
    ("back",           SCREENS,            &[ESC, ch('b')],       A::Back,                Some("back"),     "Back one step (answers are kept)"),
    ("history",        FORM,               &[ch('H'), ctrl('r')], A::History,             Some("history"),  "Open the history of saved screenings (Esc comes back here)"),
    ("reload-history", HISTORY,            &[ch('H'), ctrl('r')], A::History,             None,             "Reload the history (shows records saved elsewhere since)"),
    ("help",           SCREENS,            &[ch('?'), F1],        A::Help,                Some("help"),     "Show every key for this screen"),
    ("quit",           ALL,                &[ch('q'), ctrl('c')], A::Quit,                Some("quit"),     "Quit (asks first if a determination is not saved)"),
];

/// The command table, with any keys the officer gave in the settings file.
#[derive(Debug, Clone)]
pub struct KeyMap {
    commands: Vec<Command>,
}

impl Default for KeyMap {
    fn default() -> KeyMap {
        let commands = TABLE
            .iter()
            .map(|(name, contexts, keys, action, bar, help)| Command {
                name,
                contexts,
                keys,
                custom: None,
                action: action.clone(),
                bar: *bar,
                help,
            })
            .collect();
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

    use crossterm::event::KeyModifiers;

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
            None,
            "Backspace only edits; Esc goes back"
        );
        assert_eq!(
            keys.action_for(Context::List, &press(KeyCode::Char('0'))),
            Some(Action::NotKnown)
        );
        let ctrl_n = KeyEvent::new(KeyCode::Char('n'), KeyModifiers::CONTROL);
        assert_eq!(
            keys.action_for(Context::Picker, &ctrl_n),
            Some(Action::NotKnown),
            "the country filter types digits, so Ctrl-N"
        );
    }

    #[test]
    fn one_row_per_bindable_name_and_no_key_hidden_by_an_earlier_row() {
        let table: Vec<&str> = TABLE
            .iter()
            .map(|row| row.0)
            .filter(|name| !["jump", "change"].contains(name))
            .collect();
        assert_eq!(
            table,
            bindable_names(),
            "crate::keys::BINDABLE follows the table"
        );
        // Up/Down move the override's outcome while its list has focus, so they reach no
        // field then; q closes the help rather than quitting from it.
        let deliberate = [
            ("prev-field", HistoryOverrideOutcome, UP),
            ("next-field", HistoryOverrideOutcome, DOWN),
            ("quit", Help, ch('q')),
        ];
        let keys = KeyMap::default();
        for (name, contexts, row_keys, ..) in TABLE {
            for context in contexts.iter().copied() {
                for key in row_keys.iter().copied() {
                    if context.takes_text() && key.types_text() {
                        continue;
                    }
                    let reached = keys.command_for(context, key).map(|c| c.name);
                    assert!(
                        reached == Some(name) || deliberate.contains(&(name, context, key)),
                        "{key} of {name} on {context:?} reaches {reached:?}"
                    );
                }
            }
        }
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
        assert_eq!(words(Context::List, "back").as_deref(), Some("h/Esc/b"));
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
}
