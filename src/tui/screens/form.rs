//! Step 4: the record fields (date, reference, counterparty, destination, officer, notes) as
//! one-line text inputs. Widths and the caret are measured in display cells, long values
//! scroll sideways, and the real terminal cursor sits at the caret so input methods work.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use tui_input::Input;
use unicode_width::UnicodeWidthChar;

use crate::screening::Field;
use crate::text::sanitize;
use crate::tui::app::App;
use crate::tui::view::block;

const LABEL_WIDTH: u16 = 18;

/// Draw the fields; returns the caret of the focused field when it is on screen.
pub fn render(app: &App, frame: &mut Frame, area: Rect) -> Option<Position> {
    let t = app.theme;
    let outer = block(t, "Record details");
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let input_width = inner.width.saturating_sub(LABEL_WIDTH + 1);
    let mut caret = None;

    for (i, field) in Field::ALL.into_iter().enumerate() {
        let y = inner.y.saturating_add(i as u16 * 2);
        let row = Rect::new(inner.x, y, inner.width, 1).intersection(inner);
        let note_row = Rect::new(inner.x, y.saturating_add(1), inner.width, 1).intersection(inner);
        if row.is_empty() {
            break;
        }
        let focused = i == app.focus;
        let input = &app.inputs[i];
        let marker = if focused { ">" } else { " " };
        let label = Span::styled(
            format!(
                "{marker} {:<width$}",
                field.label(),
                width = usize::from(LABEL_WIDTH - 2)
            ),
            if focused { t.heading() } else { t.muted() },
        );
        let scroll = input.visual_scroll(usize::from(input_width.saturating_sub(1)));
        let shown = visible(input, scroll, usize::from(input_width));
        let padding = " ".repeat(usize::from(input_width).saturating_sub(shown.1));
        let value = Span::styled(
            format!("{}{padding}", shown.0),
            if focused {
                t.input()
            } else {
                Default::default()
            },
        );
        frame.render_widget(
            Paragraph::new(Line::from(vec![label, Span::raw(" "), value])),
            row,
        );

        if focused {
            let offset = (input.visual_cursor().saturating_sub(scroll)) as u16;
            let x = row.x.saturating_add(LABEL_WIDTH + 1).saturating_add(offset);
            caret = (x < row.right()).then_some(Position::new(x, row.y));
        }
        let note = match &app.errors[i] {
            Some(message) => Line::styled(format!("  ! {}", sanitize(message)), t.error()),
            None if focused => Line::styled(hint(field, input), t.muted()),
            None => Line::default(),
        };
        frame.render_widget(Paragraph::new(note), note_row);
    }
    caret
}

/// The line under the focused field. The character count shows only in the last tenth
/// before the limit: a line that changes with every key press costs bytes on each one.
fn hint(field: Field, input: &Input) -> String {
    let pad = " ".repeat(usize::from(LABEL_WIDTH + 1));
    let max = field.max_chars();
    let used = input.value().chars().count();
    match field {
        Field::Date => format!("{pad}YYYY-MM-DD; the rules are applied as on this date"),
        _ if max - used.min(max) <= max / 10 => format!("{pad}{used} of {max} characters"),
        _ => format!("{pad}Up to {max} characters"),
    }
}

/// The part of the value that fits `width` cells from display column `scroll`, sanitised,
/// with its width. A double-width character cut by the edge is left out rather than split.
pub fn visible(input: &Input, scroll: usize, width: usize) -> (String, usize) {
    let value = sanitize(input.value());
    let mut column = 0;
    let mut used = 0;
    let mut out = String::new();
    for c in value.chars() {
        let w = c.width().unwrap_or(0);
        if column < scroll {
            column += w;
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
