//! Exporting what the history list shows: the format by its number and the file to write
//! (a name in the current directory offered), each problem under its field.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use crate::tui::app::App;
use crate::tui::history_view::{ExportDialog, ExportFormat, FORMAT, HistoryView};
use crate::tui::view::block;

use super::licence_form::field_row;

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
        let focused = dialog.focus == i && app.overlay.is_none();
        let hint = match i {
            FORMAT => "The number of the format above",
            _ => "Relative to the directory ree-screen was started in",
        };
        let field = &dialog.fields[i];
        caret = caret.or(field_row(
            app,
            frame,
            inner,
            &mut y,
            label,
            field,
            focused,
            focused.then_some(hint),
        ));
    }
    caret
}
