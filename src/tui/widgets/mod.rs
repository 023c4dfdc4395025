//! Widgets shared by the form and the history view: one text field and one scroll view,
//! so input and scrolling behave the same on every screen.

pub mod scroll_view;
pub mod text_field;
