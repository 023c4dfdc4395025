//! The second officer's approval or rejection of a record: the record and its outcome, what
//! the decision does, and the required reason.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Paragraph, Wrap};

use crate::history::Verdict;
use crate::text::sanitize;
use crate::tui::app::App;
use crate::tui::history_view::{DecisionForm, Detail};
use crate::tui::view::{block, popup_height};

use super::override_form::record_line;

const LABEL: &str = "> Reason (required): ";

/// Returns the caret of the reason.
pub fn render(
    app: &App,
    detail: &Detail,
    form: &DecisionForm,
    frame: &mut Frame,
    area: Rect,
) -> Option<Position> {
    let t = app.theme;
    let outer = block(
        t,
        match form.verdict {
            Verdict::Approved => "Approve this record",
            Verdict::Rejected => "Reject this record",
        },
    );
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let mut lines: Vec<Line> = record_line(t, detail).into_iter().collect();
    lines.push(Line::styled(
        "Saved as a record of its own, filed under you: another officer than the one who saved the record decides on it, once.",
        t.muted(),
    ));
    let used = popup_height(&lines, inner.width.saturating_add(2)).saturating_sub(2);
    frame.render_widget(
        Paragraph::new(Text::from(lines)).wrap(Wrap { trim: false }),
        inner,
    );
    let row = Rect::new(inner.x, inner.y.saturating_add(used), inner.width, 1).intersection(inner);
    frame.render_widget(Paragraph::new(Span::styled(LABEL, t.heading())), row);
    let field = Rect::new(
        row.x.saturating_add(LABEL.len() as u16),
        row.y,
        row.width.saturating_sub(LABEL.len() as u16 + 1),
        1,
    )
    .intersection(row);
    let caret = form
        .reason
        .render(frame, field, app.overlay.is_none(), t.input());
    if let Some(message) = form.reason.error() {
        let below = Rect::new(row.x, row.y.saturating_add(1), row.width, 2).intersection(inner);
        frame.render_widget(
            Paragraph::new(Line::styled(format!("! {}", sanitize(message)), t.error()))
                .wrap(Wrap { trim: false }),
            below,
        );
    }
    caret
}
