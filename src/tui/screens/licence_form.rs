//! Recording the licence granted (or refused) for a case: number, kind, validity,
//! authority, quantity, refusal and a note, one text field each; what the focused field
//! wants (or its problem) shows under it. Saved as a record that points at the case.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::text::sanitize;
use crate::tui::app::App;
use crate::tui::history_view::{Detail, LicenceField, LicenceForm};
use crate::tui::view::block;

/// The labels' width: the longest label, its colon and a space, and the focus marker.
const LABEL_WIDTH: usize = 2 + 17 + 2;

/// Returns the caret of the focused field.
pub fn render(
    app: &App,
    detail: &Detail,
    form: &LicenceForm,
    frame: &mut Frame,
    area: Rect,
) -> Option<Position> {
    let t = app.theme;
    let outer = block(t, "Licence held for this case");
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let mut y = inner.y;
    if let Some(Ok(stored)) = &detail.stored {
        let o = stored.record.effective_outcome();
        let about = Line::from(vec![
            Span::raw(format!("Record {}: ", stored.view.id)),
            Span::styled(format!("{} {}", o.symbol(), o.label()), t.outcome(o)),
        ]);
        let rows = if inner.height > 12 { 2 } else { 1 };
        frame.render_widget(
            Paragraph::new(about).wrap(Wrap { trim: false }),
            Rect::new(inner.x, y, inner.width, rows).intersection(inner),
        );
        y = y.saturating_add(rows);
    }
    let mut caret = None;
    for (i, field) in LicenceField::ALL.into_iter().enumerate() {
        let row = Rect::new(inner.x, y, inner.width, 1).intersection(inner);
        y = y.saturating_add(1);
        let focused = form.focus == i && app.overlay.is_none();
        let label = format!(
            "{}{:<width$}",
            if focused { "> " } else { "  " },
            format!("{}: ", field.label()),
            width = LABEL_WIDTH - 2
        );
        frame.render_widget(
            Paragraph::new(Span::styled(
                label.clone(),
                if focused { t.heading() } else { t.muted() },
            )),
            row,
        );
        let field_area = Rect::new(
            row.x.saturating_add(LABEL_WIDTH as u16),
            row.y,
            row.width.saturating_sub(LABEL_WIDTH as u16 + 1),
            1,
        )
        .intersection(row);
        let text = &form.fields[i];
        caret = caret.or(text.render(frame, field_area, focused, t.input()));
        let note = match text.error() {
            Some(message) => Line::styled(format!("  ! {}", sanitize(message)), t.error()),
            None if focused => Line::styled(format!("  {}", field.hint()), t.muted()),
            None => continue,
        };
        // The note wraps under the field rather than being cut.
        let rows = if note.width() > usize::from(inner.width) {
            2
        } else {
            1
        };
        frame.render_widget(
            Paragraph::new(note).wrap(Wrap { trim: false }),
            Rect::new(inner.x, y, inner.width, rows).intersection(inner),
        );
        y = y.saturating_add(rows);
    }
    caret
}
