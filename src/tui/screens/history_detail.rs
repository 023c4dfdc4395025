//! One record exactly as decided, read like the form's determination screen: an officer's
//! override first, then the determination's outcome, what decides it, the licences, the
//! badges (the same lines the determination screen draws, from the record's presentation),
//! the record's header (who saved it and when, what it supersedes, the reason, the record
//! fields, the rule set, why it is not exactly as decided, the hash), every clause on one
//! line and the why-trace, in the one scroll view. `d` asks for a re-screen date in a small
//! box over it.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;

use super::result::{cite_width, clause_row, summary_lines, why_lines};
use super::{date_dialog, rescreen_diff};
use crate::history::{Part, RecordView};
use crate::tui::app::App;
use crate::tui::history_view::{Detail, Pane};
use crate::tui::lines::labelled;
use crate::tui::theme::Theme;
use crate::tui::view::{areas, block};

/// The text area inside the bordered body of a terminal of `size`.
fn viewport(size: (u16, u16)) -> Rect {
    let body = areas(Rect::new(0, 0, size.0, size.1)).body;
    Rect::new(
        0,
        0,
        body.width.saturating_sub(2),
        body.height.saturating_sub(2),
    )
}

/// The lines of the pane on screen (the record, or its re-screen) and how many show at
/// once, for scrolling: laid out as `render` lays them out.
pub fn extent(theme: Theme, detail: &Detail, size: (u16, u16)) -> (usize, usize) {
    let view = viewport(size);
    let lines = match &detail.pane {
        Pane::Rescreen(r) => rescreen_diff::lines(r, view.width, theme).len(),
        _ => lines(theme, detail, usize::from(view.width)).len(),
    };
    (lines, usize::from(view.height))
}

/// The record's lines, or what stands in for them while it is read or when it cannot be.
fn lines(t: Theme, detail: &Detail, width: usize) -> Vec<Line<'static>> {
    match &detail.stored {
        None => vec![Line::styled("Reading the record...", t.muted())],
        Some(Err(message)) => labelled(
            "Cannot read this record: ",
            t.error(),
            message,
            Style::new(),
            u16::try_from(width).unwrap_or(u16::MAX),
            usize::MAX,
        ),
        Some(Ok(stored)) => {
            let mut lines = Vec::new();
            if let Some((current, _)) = &stored.current {
                // Said first: nothing is to be done to this record, only to the current one.
                lines.extend(labelled(
                    "SUPERSEDED: ",
                    t.warning().add_modifier(Modifier::REVERSED),
                    &format!(
                        "not the case's current record; the current one is {}",
                        crate::text::sanitize(current)
                    ),
                    t.warning(),
                    u16::try_from(width).unwrap_or(u16::MAX),
                    usize::MAX,
                ));
            }
            lines.extend(record_lines(t, &stored.view, width));
            lines
        }
    }
}

/// A stored record as the detail shows it, `width` cells wide.
pub fn record_lines(t: Theme, view: &RecordView, width: usize) -> Vec<Line<'static>> {
    let w = u16::try_from(width).unwrap_or(u16::MAX);
    let p = &view.presentation;
    let mut lines = Vec::new();
    if let Some(o) = view.overridden {
        let text = format!(
            "{}: {} {}; the engine's determination follows",
            Part::Override.label(),
            o.outcome.symbol(),
            o.outcome.label()
        );
        lines.extend(labelled(
            "",
            Style::new(),
            &text,
            t.outcome(o.outcome).add_modifier(Modifier::REVERSED),
            w,
            usize::MAX,
        ));
    }
    lines.extend(summary_lines(t, p, w, usize::MAX, None, true));
    // The licence held settles the case, and a second officer's approval is awaited or
    // given: right under the determination, warnings marked.
    let header = view.header();
    for line in header.iter().filter(|l| l.part == Part::Licence) {
        let label = format!("{}: ", line.part.label());
        lines.extend(labelled(
            &label,
            t.heading(),
            &line.value,
            Style::new(),
            w,
            usize::MAX,
        ));
    }
    let warnings = [Part::LicenceWarning, Part::Approval];
    for line in warnings
        .iter()
        .flat_map(|part| header.iter().filter(move |l| l.part == *part))
    {
        lines.extend(labelled(
            &format!("{}: ", line.part.label()),
            t.warning().add_modifier(Modifier::REVERSED),
            &line.value,
            t.warning(),
            w,
            usize::MAX,
        ));
    }
    lines.push(Line::default());
    for line in header {
        if matches!(
            line.part,
            Part::Override | Part::Licence | Part::LicenceWarning | Part::Approval
        ) {
            continue;
        }
        let label = format!("{}: ", line.part.label());
        lines.extend(labelled(
            &label,
            t.muted(),
            &line.value,
            Style::new(),
            w,
            usize::MAX,
        ));
    }
    let clauses: Vec<_> = p.groups.iter().flat_map(|g| &g.clauses).collect();
    lines.push(Line::default());
    lines.push(Line::styled(
        format!("Clauses: {}", clauses.len()),
        t.heading(),
    ));
    let cite = cite_width(clauses.iter().copied(), width);
    for c in &clauses {
        lines.push(clause_row(t, p.outcome, c, "  ", cite, width));
    }
    if clauses.is_empty() {
        lines.push(Line::styled(
            "  No clause of these measures bears on these answers.",
            t.muted(),
        ));
    }
    lines.push(Line::default());
    lines.push(Line::styled("Why", t.heading()));
    lines.extend(why_lines(t, p, width));
    lines
}

/// Returns the caret of the date field when asking for a re-screen date.
pub fn render(app: &App, detail: &Detail, frame: &mut Frame, area: Rect) -> Option<Position> {
    let t = app.theme;
    let title = if detail.stored.as_ref().is_some_and(|s| s.is_ok()) {
        "Record exactly as decided"
    } else {
        "Record"
    };
    let inner_width = usize::from(area.width.saturating_sub(2));
    detail.scroll.render(
        frame,
        area,
        Some(block(t, title)),
        lines(t, detail, inner_width),
        t,
    );
    let Pane::Date(field) = &detail.pane else {
        return None;
    };
    date_dialog::render(
        app,
        field,
        "Re-screen on which date?",
        "Screened under the rules in use as on this date.",
        frame,
        area,
    )
}
