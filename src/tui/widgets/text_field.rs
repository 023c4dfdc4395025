//! One single-line text input for every field, filter and dialog of the workbench: editing
//! on `tui-input` (which measures the caret in display cells, so double-width names work),
//! select-all on focus so typing over a prefilled value replaces it, sanitised input (no
//! control characters reach the value), a length limit that says so instead of silently
//! dropping keys, a validation message that stays beside the field until the value changes,
//! and drawing that scrolls sideways so the caret is always on screen.
//!
//! How a screen uses it:
//! - keep one [`TextField`] per field in the state (`TextField::new(value, limit)`);
//! - call [`TextField::focus`] when the field gains focus (it selects the whole value, as a
//!   date picker does) and [`TextField::blur`] when it loses it;
//! - send typed text to [`TextField::insert`] and editing keys to [`TextField::edit`];
//! - set or clear a validation message with [`TextField::set_error`] (editing clears it);
//! - draw it with [`TextField::render`], which returns where the terminal cursor belongs.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use tui_input::{Input, InputRequest};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::text::is_unsafe;
use crate::tui::action::Edit;

/// A one-line text field with its limit, selection and validation message.
#[derive(Debug, Clone)]
pub struct TextField {
    input: Input,
    /// Most characters the value may hold.
    limit: usize,
    /// The whole value is selected: the next typed text replaces it, Backspace clears it.
    selected: bool,
    error: Option<String>,
}

impl TextField {
    /// A field holding `value` (sanitised, cut to `limit` characters), caret at the end.
    pub fn new(value: &str, limit: usize) -> TextField {
        let clean: String = clean(value).take(limit).collect();
        TextField {
            input: Input::new(clean),
            limit,
            selected: false,
            error: None,
        }
    }

    pub fn value(&self) -> &str {
        self.input.value()
    }

    pub fn is_empty(&self) -> bool {
        self.input.value().is_empty()
    }

    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Whether the whole value is selected (shown in reverse video).
    pub fn is_selected(&self) -> bool {
        self.selected
    }

    /// The field gains focus: the caret goes to the end and a non-empty value is selected,
    /// so typing replaces it and the arrow keys keep it.
    pub fn focus(&mut self) {
        self.input.handle(InputRequest::GoToEnd);
        self.selected = !self.is_empty();
    }

    /// The field loses focus: nothing stays selected.
    pub fn blur(&mut self) {
        self.selected = false;
    }

    /// Replace the value (sanitised, cut to the limit); the message goes.
    pub fn set_value(&mut self, value: &str) {
        *self = TextField::new(value, self.limit);
    }

    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Show a validation message beside the field until the value changes or it is cleared.
    pub fn set_error(&mut self, message: Option<String>) {
        self.error = message;
    }

    /// Type or paste `text` at the caret (over the selection, if any). Control and
    /// bidirectional-formatting characters become spaces; text past the limit is refused
    /// and the message says so (and stays until the next edit).
    pub fn insert(&mut self, text: &str) {
        if self.selected {
            self.input.reset();
            self.selected = false;
        }
        let room = self
            .limit
            .saturating_sub(self.input.value().chars().count());
        let mut chars = clean(text);
        for c in chars.by_ref().take(room) {
            self.input.handle(InputRequest::InsertChar(c));
        }
        self.error = chars
            .next()
            .map(|_| format!("at most {} characters", self.limit));
    }

    /// Move the caret or delete. On a selection, a deletion clears the value and a move
    /// only drops the selection (Left to the start, Right to the end). Returns whether the
    /// value changed.
    pub fn edit(&mut self, edit: Edit) -> bool {
        let before = self.input.value().len();
        if std::mem::take(&mut self.selected) {
            match edit {
                Edit::DeleteBack | Edit::DeleteForward | Edit::Clear => self.input.reset(),
                Edit::Left | Edit::Start => {
                    self.input.handle(InputRequest::GoToStart);
                }
                Edit::Right | Edit::End => {
                    self.input.handle(InputRequest::GoToEnd);
                }
            }
        } else {
            self.input.handle(request(edit));
        }
        let changed = self.input.value().len() != before;
        if changed {
            self.error = None;
        }
        changed
    }

    /// The caret, in display cells from the start of the value.
    pub fn caret(&self) -> usize {
        self.input.visual_cursor()
    }

    /// The first display column shown in a box `width` cells wide: 0 while the value and
    /// the caret after it fit, else just enough to keep the caret in the box.
    pub fn scroll(&self, width: usize) -> usize {
        let total = self.input.value().width();
        if total < width {
            return 0;
        }
        // Room for the caret one cell past the last character.
        self.caret().saturating_sub(width.saturating_sub(1))
    }

    /// Draw the value into `area` (one row), the part around the caret when it is longer;
    /// focused fields are underlined and a selection is reversed. Returns where the
    /// terminal cursor belongs when `focused` and on screen.
    pub fn render(
        &self,
        frame: &mut Frame,
        area: Rect,
        focused: bool,
        style: Style,
    ) -> Option<Position> {
        let area = area.intersection(frame.area());
        if area.is_empty() {
            return None;
        }
        let width = usize::from(area.width);
        let scroll = self.scroll(width);
        let (shown, used) = window(self.input.value(), scroll, width);
        let mut value_style = style;
        if focused {
            value_style = value_style.add_modifier(Modifier::UNDERLINED);
        }
        if self.selected && focused {
            value_style = value_style.add_modifier(Modifier::REVERSED);
        }
        let padding = " ".repeat(width.saturating_sub(used));
        let pad_style = if focused {
            style.add_modifier(Modifier::UNDERLINED)
        } else {
            style
        };
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(shown, value_style),
                Span::styled(padding, pad_style),
            ])),
            area,
        );
        if !focused {
            return None;
        }
        let x = area
            .x
            .saturating_add(u16::try_from(self.caret().saturating_sub(scroll)).unwrap_or(0));
        (x < area.right()).then_some(Position::new(x, area.y))
    }
}

/// Equal when what shows is equal: value, caret, selection, limit and message.
impl PartialEq for TextField {
    fn eq(&self, other: &TextField) -> bool {
        self.input.value() == other.input.value()
            && self.input.cursor() == other.input.cursor()
            && (self.limit, self.selected, &self.error)
                == (other.limit, other.selected, &other.error)
    }
}

impl Eq for TextField {}

/// The input request for an edit.
fn request(edit: Edit) -> InputRequest {
    match edit {
        Edit::Left => InputRequest::GoToPrevChar,
        Edit::Right => InputRequest::GoToNextChar,
        Edit::Start => InputRequest::GoToStart,
        Edit::End => InputRequest::GoToEnd,
        Edit::DeleteBack => InputRequest::DeletePrevChar,
        Edit::DeleteForward => InputRequest::DeleteNextChar,
        Edit::Clear => InputRequest::DeleteLine,
    }
}

/// Characters fit for a one-line value: anything that could reach the terminal as a
/// control, or reorder the text, becomes a space.
fn clean(text: &str) -> impl Iterator<Item = char> + '_ {
    text.chars().map(|c| if is_unsafe(c) { ' ' } else { c })
}

/// The part of `value` that fits `width` cells from display column `scroll`, with its
/// width. A double-width character cut by either edge is left out rather than split (a
/// blank stands for its half at the left edge, so the caret stays in its column).
pub fn window(value: &str, scroll: usize, width: usize) -> (String, usize) {
    let mut column = 0;
    let mut used = 0;
    let mut out = String::new();
    for c in value.chars() {
        let w = c.width().unwrap_or(0);
        if column < scroll {
            column += w;
            if column > scroll {
                used = column - scroll;
                out.push_str(&" ".repeat(used));
            }
            continue;
        }
        if used + w > width {
            break;
        }
        out.push(c);
        used += w;
    }
    (out, used)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_over_a_focused_prefilled_value_replaces_it() {
        let mut date = TextField::new("2026-11-29", 10);
        date.focus();
        assert!(date.is_selected());
        date.insert("2026-12-05");
        assert_eq!(date.value(), "2026-12-05");
        assert_eq!(date.error(), None);
    }

    #[test]
    fn arrows_keep_a_selected_value_and_backspace_clears_it() {
        let mut field = TextField::new("PO-7", 20);
        field.focus();
        assert!(!field.edit(Edit::Left));
        assert_eq!(field.caret(), 0);
        field.insert("X");
        assert_eq!(field.value(), "XPO-7", "after a move, typing inserts");
        field.focus();
        assert!(field.edit(Edit::DeleteBack));
        assert!(field.is_empty());
    }

    #[test]
    fn control_characters_become_spaces_and_the_limit_says_so() {
        let mut field = TextField::new("", 5);
        field.insert("a\u{1b}[2Jbcdef");
        assert_eq!(field.value(), "a [2J");
        assert_eq!(field.error(), Some("at most 5 characters"));
        field.edit(Edit::DeleteBack);
        assert_eq!(field.error(), None, "an edit clears the message");
        field.insert("\u{202e}");
        assert_eq!(field.value(), "a [2 ");
    }

    #[test]
    fn the_value_shows_from_its_start_while_it_fits_and_the_caret_stays_visible() {
        let field = TextField::new("2026-03-02", 10);
        assert_eq!(field.scroll(12), 0);
        assert_eq!(field.scroll(11), 0, "ten cells and the caret fit in eleven");
        assert_eq!(field.scroll(10), 1);
        let wide = TextField::new("深圳稀土有限公司", 40);
        assert_eq!(wide.caret(), 16);
        assert_eq!(wide.scroll(10), 7);
        assert_eq!(window(wide.value(), 7, 10), (" 有限公司".to_string(), 9));
    }
}
