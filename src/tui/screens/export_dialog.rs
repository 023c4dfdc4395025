//! Exporting what the history list shows: the format by its number and the file to write
//! (a name in the current directory offered), each problem under its field.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::text::sanitize;
use crate::tui::app::App;
use crate::tui::history_view::{ExportDialog, ExportFormat, FILE, FORMAT, HistoryView};
use crate::tui::view::block;

const LABELS: [&str; 2] = ["Format (1-4): ", "File:         "];

/// Returns the caret of the focused field.
pub fn render(
    app: &App,
    view: &HistoryView,
    dialog: &ExportDialog,
    frame: &mut Frame,
    area: Rect,
) -> Option<Position> {
    let t = app.theme;
    let outer = block(t, "Export what the list shows");
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let shown = view.filter.matches().len();
    let what = match view.filter.records() {
        crate::history::Records::Cases => "case(s), each case's current record",
        crate::history::Records::All => "record(s)",
    };
    let mut lines = vec![Line::raw(format!(
        "{shown} {what}, as filtered, into a new file (never over an existing one)."
    ))];
    for (i, format) in ExportFormat::ALL.into_iter().enumerate() {
        lines.push(Line::styled(
            format!("  {} {}", i + 1, format.label()),
            t.muted(),
        ));
    }
    let used = lines.len() as u16 + 1;
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }),
        Rect::new(inner.x, inner.y, inner.width, used).intersection(inner),
    );
    let mut y = inner.y.saturating_add(used);
    let mut caret = None;
    for (i, label) in LABELS.into_iter().enumerate() {
        let row = Rect::new(inner.x, y, inner.width, 1).intersection(inner);
        y = y.saturating_add(1);
        let focused = dialog.focus == i && app.overlay.is_none();
        let label = format!("{}{label}", if focused { "> " } else { "  " });
        frame.render_widget(
            Paragraph::new(Span::styled(
                label.clone(),
                if focused { t.heading() } else { t.muted() },
            )),
            row,
        );
        let field = Rect::new(
            row.x.saturating_add(label.len() as u16),
            row.y,
            row.width.saturating_sub(label.len() as u16 + 1),
            1,
        )
        .intersection(row);
        caret = caret.or(dialog.fields[i].render(frame, field, focused, t.input()));
        let note = match dialog.fields[i].error() {
            Some(message) => Line::styled(format!("  ! {}", sanitize(message)), t.error()),
            None if focused && i == FORMAT => {
                Line::styled("  The number of the format above", t.muted())
            }
            None if focused && i == FILE => Line::styled(
                "  Relative to the directory ree-screen was started in",
                t.muted(),
            ),
            None => continue,
        };
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
