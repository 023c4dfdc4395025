//! A small box over a screen that asks for a date: the one text field (prefilled and
//! selected, so typing replaces the value; wide enough for the whole date and the caret),
//! a line saying what the date is for, and the field's problem under it.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::text::sanitize;
use crate::tui::app::App;
use crate::tui::view::{below, block, centered, popup_height};
use crate::tui::widgets::text_field::TextField;

/// A date field's box: ten characters and the caret after them, so all of it shows.
pub const DATE_BOX: u16 = 11;

const LABEL: &str = "Date (YYYY-MM-DD): ";

/// Draw the box over `area`; returns where the caret is.
pub fn render(
    app: &App,
    field: &TextField,
    title: &str,
    what_for: &str,
    frame: &mut Frame,
    area: Rect,
) -> Option<Position> {
    let t = app.theme;
    let mut lines = vec![Line::styled(what_for.to_string(), t.muted())];
    if let Some(message) = field.error() {
        lines.push(Line::styled(format!("! {}", sanitize(message)), t.error()));
    }
    // Tall enough for the field's row and every wrapped line of the problem.
    let width = area.width.min(64);
    let popup = centered(area, width, popup_height(&lines, width).saturating_add(1));
    frame.render_widget(Clear, popup);
    let outer = block(t, title);
    let inside = outer.inner(popup);
    frame.render_widget(outer, popup);
    let first = Rect::new(inside.x, inside.y, inside.width, 1).intersection(inside);
    frame.render_widget(Paragraph::new(Span::styled(LABEL, t.heading())), first);
    let label = LABEL.len() as u16;
    let field_area =
        Rect::new(first.x.saturating_add(label), first.y, DATE_BOX, 1).intersection(first);
    let caret = field.render(frame, field_area, app.overlay.is_none(), t.input());
    frame.render_widget(
        Paragraph::new(Text::from(lines)).wrap(Wrap { trim: false }),
        below(inside, 1),
    );
    caret
}
