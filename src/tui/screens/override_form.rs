//! The officer's override of a stored record: one of the six outcomes (Up/Down) and a
//! required reason, saved as a new record that references the original, which stays as it
//! was.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Paragraph, Wrap};

use super::history_list::input_span;
use crate::rules::Outcome;
use crate::text::sanitize;
use crate::tui::app::App;
use crate::tui::history_view::{Detail, OverrideForm};
use crate::tui::view::{block, popup_height};

const REASON_LABEL: &str = "Reason (required): ";

/// Returns the caret of the reason field.
pub fn render(
    app: &App,
    detail: &Detail,
    form: &OverrideForm,
    frame: &mut Frame,
    area: Rect,
) -> Option<Position> {
    let t = app.theme;
    let outer = block(t, "Override the outcome");
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let record = detail
        .stored
        .as_ref()
        .and_then(|s| s.as_ref().ok())
        .map(|s| &s.record);
    let mut lines = Vec::new();
    if let Some(r) = record {
        let o = r.effective_outcome();
        lines.push(Line::from(vec![
            Span::raw(format!("Record {}: ", sanitize(&r.id))),
            Span::styled(format!("{} {}", o.symbol(), o.label()), t.outcome(o)),
        ]));
    }
    lines.push(Line::styled(
        "Saved as a new record referring to this one; the record itself never changes.",
        t.muted(),
    ));
    lines.push(Line::default());
    lines.push(Line::styled("Outcome (Up/Down):", t.heading()));
    for (i, outcome) in Outcome::ALL.into_iter().enumerate() {
        let chosen = i == form.choice;
        let line = Line::raw(format!(
            "{} {} {}",
            if chosen { ">" } else { " " },
            outcome.symbol(),
            outcome.label()
        ));
        lines.push(if chosen {
            line.style(t.highlight())
        } else {
            line
        });
    }
    lines.push(Line::default());
    // Rows the wrapped lines take (popup_height counts a border on each side).
    let used = popup_height(&lines, inner.width.saturating_add(2)).saturating_sub(2);
    frame.render_widget(
        Paragraph::new(Text::from(lines)).wrap(Wrap { trim: false }),
        inner,
    );

    let reason_row =
        Rect::new(inner.x, inner.y.saturating_add(used), inner.width, 1).intersection(inner);
    let at = Position::new(
        reason_row.x.saturating_add(REASON_LABEL.len() as u16),
        reason_row.y,
    );
    let width = inner.width.saturating_sub(REASON_LABEL.len() as u16 + 1);
    let focused = app.overlay.is_none() && !reason_row.is_empty();
    let (field, caret) = input_span(t, &form.reason, width, focused, at, frame);
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(REASON_LABEL, t.heading()),
            field,
        ])),
        reason_row,
    );
    let note_row =
        Rect::new(inner.x, reason_row.y.saturating_add(1), inner.width, 1).intersection(inner);
    let note = match &form.error {
        Some(message) => Line::styled(format!("! {}", sanitize(message)), t.error()),
        None => Line::styled("Enter saves; Esc goes back without saving.", t.muted()),
    };
    frame.render_widget(Paragraph::new(note), note_row);
    caret
}
