//! Recording the licence granted (or refused) for a case: number, kind, validity,
//! authority, quantity, refusal and a note, one text field each; what the focused field
//! wants (or its problem) shows under it. Saved as a record that points at the case.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use unicode_width::UnicodeWidthStr;

use crate::text::sanitize;
use crate::tui::app::App;
use crate::tui::history_view::{Detail, LicenceField, LicenceForm};
use crate::tui::view::block;
use crate::tui::widgets::text_field::TextField;

use super::override_form::record_line;

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
    if let Some(about) = record_line(t, detail) {
        let rows = if inner.height > 12 { 2 } else { 1 };
        frame.render_widget(
            Paragraph::new(about).wrap(Wrap { trim: false }),
            Rect::new(inner.x, y, inner.width, rows).intersection(inner),
        );
        y = y.saturating_add(rows);
    }
    let mut caret = None;
    for (i, field) in LicenceField::ALL.into_iter().enumerate() {
        let focused = form.focus == i && app.overlay.is_none();
        let label = format!(
            "{:<width$}",
            format!("{}: ", field.label()),
            width = LABEL_WIDTH - 2
        );
        let hint = focused.then(|| field.hint());
        caret = caret.or(field_row(
            app,
            frame,
            inner,
            &mut y,
            &label,
            &form.fields[i],
            focused,
            hint,
        ));
    }
    caret
}

/// One labelled text field on row `y` of `inner`, the `>` marking focus, and under it the
/// field's problem, else `hint`, wrapped rather than cut; moves `y` past them. Returns the
/// caret when focused.
#[allow(clippy::too_many_arguments)]
pub fn field_row(
    app: &App,
    frame: &mut Frame,
    inner: Rect,
    y: &mut u16,
    label: &str,
    text: &TextField,
    focused: bool,
    hint: Option<&str>,
) -> Option<Position> {
    let t = app.theme;
    let row = Rect::new(inner.x, *y, inner.width, 1).intersection(inner);
    *y = y.saturating_add(1);
    let label = format!("{}{label}", if focused { "> " } else { "  " });
    frame.render_widget(
        Paragraph::new(Span::styled(
            label.clone(),
            if focused { t.heading() } else { t.muted() },
        )),
        row,
    );
    let width = label.width() as u16;
    let field_area = Rect::new(
        row.x.saturating_add(width),
        row.y,
        row.width.saturating_sub(width + 1),
        1,
    )
    .intersection(row);
    let caret = text.render(frame, field_area, focused, t.input());
    let note = match (text.error(), hint) {
        (Some(message), _) => Line::styled(format!("  ! {}", sanitize(message)), t.error()),
        (None, Some(hint)) => Line::styled(format!("  {hint}"), t.muted()),
        (None, None) => return caret,
    };
    let rows = if note.width() > usize::from(inner.width) {
        2
    } else {
        1
    };
    frame.render_widget(
        Paragraph::new(note).wrap(Wrap { trim: false }),
        Rect::new(inner.x, *y, inner.width, rows).intersection(inner),
    );
    *y = y.saturating_add(rows);
    caret
}
