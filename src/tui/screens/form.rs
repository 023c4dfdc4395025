//! The record details (date, reference, counterparty, officer, notes) as text fields. The
//! focused field's value is selected on entry, so typing replaces a prefilled value; a
//! validation message shows under its field until the value changes; the real terminal
//! cursor sits at the caret so input methods work.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::screening::Field;
use crate::text::{sanitize, wrap};
use crate::tui::app::App;
use crate::tui::view::block;
use crate::tui::widgets::text_field::TextField;

const LABEL_WIDTH: u16 = 18;

/// Draw the fields; returns the caret of the focused field when it is on screen.
pub fn render(app: &App, frame: &mut Frame, area: Rect) -> Option<Position> {
    let t = app.theme;
    let outer = block(t, "Record details");
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let input_width = inner.width.saturating_sub(LABEL_WIDTH + 1);
    let mut caret = None;

    let mut y = inner.y;
    for (i, field) in Field::ALL.into_iter().enumerate() {
        let row = Rect::new(inner.x, y, inner.width, 1).intersection(inner);
        if row.is_empty() {
            break;
        }
        y = y.saturating_add(1);
        let focused = i == app.focus && app.overlay.is_none();
        let input = &app.fields[i];
        let marker = if focused { ">" } else { " " };
        let label = Span::styled(
            format!(
                "{marker} {:<width$}",
                field.label(),
                width = usize::from(LABEL_WIDTH - 2)
            ),
            if focused { t.heading() } else { t.muted() },
        );
        frame.render_widget(Paragraph::new(Line::from(label)), row);
        let value_area = Rect::new(row.x.saturating_add(LABEL_WIDTH + 1), row.y, input_width, 1)
            .intersection(row);
        let at = input.render(frame, value_area, focused, Default::default());
        caret = caret.or(at);
        // A message wraps under its field (an officer acts on every word of it); the rows
        // below move down.
        let (text, style) = match input.error() {
            Some(message) => (format!("! {}", sanitize(message)), t.error()),
            None if focused => (hint(field, input), t.muted()),
            None => (String::new(), t.muted()),
        };
        let lines = wrap(&text, usize::from(input_width.max(20)));
        for line in lines
            .iter()
            .map(String::as_str)
            .chain(lines.is_empty().then_some(""))
        {
            let note_row = Rect::new(inner.x, y, inner.width, 1).intersection(inner);
            y = y.saturating_add(1);
            frame.render_widget(
                Paragraph::new(Line::styled(format!("{}{line}", pad()), style)),
                note_row,
            );
        }
    }
    caret
}

fn pad() -> String {
    " ".repeat(usize::from(LABEL_WIDTH + 1))
}

/// The note under the focused field. The character count shows only in the last tenth
/// before the limit: a line that changes with every key press costs bytes on each one.
fn hint(field: Field, input: &TextField) -> String {
    let max = input.limit();
    let used = input.value().chars().count();
    let typing_replaces = if input.is_selected() {
        "; typing replaces it"
    } else {
        ""
    };
    match field {
        Field::Date => {
            format!("YYYY-MM-DD or DD.MM.YYYY, the rules as on this date{typing_replaces}")
        }
        _ if max - used.min(max) <= max / 10 => format!("{used} of {max} characters"),
        _ => format!("Up to {max} characters{typing_replaces}"),
    }
}
