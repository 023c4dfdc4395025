//! The officer's override of a stored record: one of the six outcomes (Up/Down), a required
//! reason and the deciding officer (prefilled from the settings, required), each problem
//! beside its field; saved as a new record filed under that officer, which references the
//! original, which stays as it was.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use crate::rules::Outcome;
use crate::text::sanitize;
use crate::tui::app::App;
use crate::tui::history_view::{Detail, OFFICER, OverrideFocus, OverrideForm, REASON};
use crate::tui::keys::Context;
use crate::tui::theme::Theme;
use crate::tui::view::{block, popup_height};

/// The text fields' labels, padded to one width.
const LABELS: [&str; 2] = ["Reason (required):  ", "Officer (required): "];
/// Inner rows from which everything shows.
const ROOMY: u16 = 16;

/// Returns the caret of the focused field.
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
    // Below this height (a 60x16 terminal) the record and the explanation give way, and a
    // field's note shows only while it has focus or a problem.
    let roomy = inner.height >= ROOMY;
    let mut lines = Vec::new();
    if roomy {
        lines.extend(record_line(t, detail));
        lines.push(Line::styled(
            "Saved as a new record referring to this one, filed under the officer below; the record itself never changes.",
            t.muted(),
        ));
    }
    // Focus shows in one place: the `>` and the highlight on the outcome list while it has
    // focus, else the `>` on the field's label and the caret in it.
    let on_outcome = form.focus == OverrideFocus::Outcome && app.overlay.is_none();
    lines.push(Line::styled(
        format!(
            "{}Outcome ({}/{}):",
            marker(on_outcome),
            app.keys.words_for(Context::HistoryOverrideOutcome, "up"),
            app.keys.words_for(Context::HistoryOverrideOutcome, "down")
        ),
        if on_outcome { t.heading() } else { t.muted() },
    ));
    for (i, outcome) in Outcome::ALL.into_iter().enumerate() {
        let chosen = i == form.choice;
        let line = Line::raw(format!(
            "  {} {} {}{}",
            if chosen && on_outcome { ">" } else { " " },
            outcome.symbol(),
            outcome.label(),
            if chosen { " (chosen)" } else { "" }
        ));
        lines.push(if chosen && on_outcome {
            line.style(t.highlight())
        } else {
            line
        });
    }
    match &form.outcome_error {
        Some(message) => lines.push(Line::styled(format!("! {}", sanitize(message)), t.error())),
        None if roomy => lines.push(Line::default()),
        None => {}
    }
    // Rows the wrapped lines take (popup_height counts a border on each side).
    let used = popup_height(&lines, inner.width.saturating_add(2)).saturating_sub(2);
    frame.render_widget(
        Paragraph::new(Text::from(lines)).wrap(Wrap { trim: false }),
        inner,
    );

    let mut caret = None;
    let mut y = inner.y.saturating_add(used);
    for (i, label) in LABELS.into_iter().enumerate() {
        let row = Rect::new(inner.x, y, inner.width, 1).intersection(inner);
        y = y.saturating_add(1);
        let focused = form.focus == OverrideFocus::Field(i) && app.overlay.is_none();
        let label = format!("{}{label}", marker(focused));
        frame.render_widget(
            Paragraph::new(Span::styled(
                label.clone(),
                if focused { t.heading() } else { t.muted() },
            )),
            row,
        );
        let field_area = Rect::new(
            row.x.saturating_add(label.len() as u16),
            row.y,
            row.width.saturating_sub(label.len() as u16 + 1),
            1,
        )
        .intersection(row);
        let field = &form.fields[i];
        caret = caret.or(field.render(frame, field_area, focused, t.input()));
        let pad = " ".repeat(label.len());
        let note = match field.error() {
            Some(message) => {
                let message = format!("! {}", sanitize(message));
                // Under the field while it fits, else from the left edge.
                let fits = label.len() + message.width() <= usize::from(inner.width);
                let indent = if fits { pad.as_str() } else { "" };
                Line::styled(format!("{indent}{message}"), t.error())
            }
            None if focused && i == REASON => {
                Line::styled(format!("{pad}Why the outcome is overridden"), t.muted())
            }
            None if focused && i == OFFICER => Line::styled(
                format!("{pad}Who decides it (the record is filed under this name)"),
                t.muted(),
            ),
            None if roomy => Line::default(),
            None => continue,
        };
        let note_row = Rect::new(inner.x, y, inner.width, 1).intersection(inner);
        y = y.saturating_add(1);
        frame.render_widget(Paragraph::new(note), note_row);
    }
    caret
}

/// "Record ID: [!!] outcome": what a form about a stored record acts on.
pub fn record_line(t: Theme, detail: &Detail) -> Option<Line<'static>> {
    let Some(Ok(stored)) = &detail.stored else {
        return None;
    };
    let o = stored.record.effective_outcome();
    Some(Line::from(vec![
        Span::raw(format!("Record {}: ", stored.view.id)),
        Span::styled(format!("{} {}", o.symbol(), o.label()), t.outcome(o)),
    ]))
}

/// The focus marker before a label: `> ` where the keys act, blanks elsewhere.
fn marker(focused: bool) -> &'static str {
    if focused { "> " } else { "  " }
}
