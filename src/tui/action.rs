//! Everything that can happen to the workbench, as plain values: keys mapped to commands,
//! terminal resizes and the outcomes of the effects the runtime carried out.

pub use super::history_view::{HistoryCommand, HistoryEvent};

/// An edit of the focused text field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    Left,
    Right,
    Start,
    End,
    DeleteBack,
    DeleteForward,
    Clear,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    /// A digit key: highlight option N of a list, or change step N from the review.
    Jump(u8),
    Next,
    Back,
    NextField,
    PrevField,
    Edit(Edit),
    Type(char),
    Paste(String),
    Help,
    CloseOverlay,
    Quit,
    Yes,
    No,
    Save,
    New,
    /// Determination: show or hide the why-trace.
    Why,
    /// Determination: answer an open question now and screen again.
    AnswerOpen,
    /// Form: confirm the first possible match of the name field (or of any name).
    ConfirmMatch,
    /// Form: dismiss the first match of the name field, with a reason.
    DismissMatch,
    /// A question's list: highlight "Not known yet".
    NotKnown,
    /// A determination (on screen or stored): start a new screening from it.
    CopyScreening,
    /// A determination: copy the highlighted clause's source address to the clipboard.
    CopyAddress,
    /// Resume list: discard the highlighted draft.
    Discard,
    /// A resumed draft's old screening date: keep it, or screen as on today.
    KeepDate,
    UseToday,
    /// A key that repeats the one before it within moments (a held key): it may move or
    /// delete, but never goes back a step.
    Repeated(Box<Action>),
    Resize(u16, u16),
    /// The runtime tried to save the screening: the record or the error.
    Saved(Result<SavedRecord, String>),
    /// The runtime could not write or remove the draft.
    DraftFailed(String),
    /// Open the history view (inside it: reload it).
    History,
    /// A command that only the history view knows.
    HistoryCommand(HistoryCommand),
    /// What the runtime read from or saved to the history.
    HistoryEvent(HistoryEvent),
}

/// A saved screening: its record id and, where this workbench signs saves (or tried to),
/// whether this one was signed (the record view says with which key, or why not).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedRecord {
    pub id: String,
    pub signed: Option<bool>,
}

impl From<&str> for SavedRecord {
    fn from(id: &str) -> SavedRecord {
        SavedRecord {
            id: id.to_string(),
            signed: None,
        }
    }
}
