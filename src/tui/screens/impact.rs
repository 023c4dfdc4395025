//! What the rules in use change: every case's current record screened again (on its own
//! screening date, or on one the officer types), and the cases whose outcome or decisive
//! clause changes, one line each (reference, counterparty, outcome then -> now, decisive
//! clause then -> now), those on an officer's override apart at the end, the highlighted one
//! in words under the list. Enter opens a case beside its re-screen; `s` saves every
//! re-screen but the officers' overrides, after a confirmation.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::Paragraph;

use super::date_dialog;
use super::history_list::grouped;
use crate::history::ChangedCase;
use crate::rules::Outcome;
use crate::text::sanitize;
use crate::tui::app::{App, SaveState};
use crate::tui::history_view::ImpactView;
use crate::tui::keys::Context;
use crate::tui::lines::{clip_line, fit};
use crate::tui::view::{areas, below, block};

/// Rows above the list: what was screened under which rules, and the count.
const HEAD_ROWS: u16 = 2;

/// Cases a terminal of `size` shows at once.
pub fn page_height(size: (u16, u16)) -> usize {
    let body = areas(Rect::new(0, 0, size.0, size.1)).body;
    // The head, the borders, the column heads and the two lines in words.
    usize::from(body.height.saturating_sub(HEAD_ROWS + 5)).max(1)
}

/// The status line: what was saved, or which key screens on another date.
pub fn status(app: &App, impact: &ImpactView) -> Line<'static> {
    let t = app.theme;
    match &impact.saved {
        SaveState::Saving => Line::styled(" Saving...", t.muted()),
        SaveState::Saved(n) => Line::styled(
            format!(" Saved {n} re-screen(s) as new records; the history is read again"),
            t.success(),
        ),
        SaveState::Failed(message) => {
            Line::styled(format!(" {} - try again", sanitize(message)), t.error())
        }
        SaveState::Unsaved => Line::styled(
            format!(
                " {} screens every case on another date",
                app.keys.words_for(Context::HistoryImpact, "impact-on")
            ),
            t.muted(),
        ),
    }
}

/// "no licence" for an outcome, with its symbol.
fn outcome(o: Outcome) -> String {
    format!("{} {}", o.symbol(), o.short())
}

/// The decisive clause, cited under the rules in use ("no clause" when none decides).
fn clause(app: &App, id: &Option<String>) -> String {
    id.as_deref()
        .map_or_else(|| "no clause".into(), |c| app.rules.cite_short(c))
}

/// Returns the caret of the date field while one is asked for.
pub fn render(app: &App, impact: &ImpactView, frame: &mut Frame, area: Rect) -> Option<Position> {
    let t = app.theme;
    let row =
        |n: u16| Rect::new(area.x, area.y.saturating_add(n), area.width, 1).intersection(area);
    let on = impact.date.map_or_else(
        || "each case on its own date".to_string(),
        |d| format!("every case on {d}"),
    );
    frame.render_widget(
        Paragraph::new(clip_line(
            Line::from(vec![
                Span::styled(" Rules in use: ", t.muted()),
                Span::raw(format!(
                    "{} {}, {on}",
                    sanitize(&app.rules.id),
                    sanitize(&app.rules.version)
                )),
            ]),
            area.width,
        )),
        row(0),
    );
    let head = match &impact.result {
        None => Line::styled(
            " Screening the current record of every case again...",
            t.muted(),
        ),
        Some(Err(message)) => Line::styled(
            format!(" Cannot work the impact out: {}", sanitize(message)),
            t.error(),
        ),
        Some(Ok(found)) => Line::styled(
            format!(
                " {} of {} current case(s) change",
                grouped(found.changed.len()),
                grouped(found.cases)
            ),
            t.heading(),
        ),
    };
    frame.render_widget(Paragraph::new(head), row(1));

    let list_area = below(area, HEAD_ROWS);
    let outer = block(t, "Cases whose outcome or decisive clause changes");
    let inner = outer.inner(list_area);
    frame.render_widget(outer, list_area);
    frame.render_widget(Paragraph::new(Text::from(rows(app, impact, inner))), inner);
    impact.asking.as_ref().and_then(|field| {
        date_dialog::render(
            app,
            field,
            "Screen every case on which date?",
            "Empty: each case on its own screening date, so only the change of rules shows.",
            frame,
            area,
        )
    })
}

fn rows(app: &App, impact: &ImpactView, inner: Rect) -> Vec<Line<'static>> {
    let t = app.theme;
    let width = usize::from(inner.width);
    let changed = impact.changed();
    if impact.result.is_none() {
        return Vec::new();
    }
    if changed.is_empty() {
        return vec![Line::styled(
            "  No case changes: every current record gives the same outcome and decisive clause.",
            t.muted(),
        )];
    }
    // Marker, the outcome change as symbols ("[ !] -> [XX]"), and the gaps.
    let rest = width.saturating_sub(2 + 12 + 3);
    let reference = (rest / 4).max(6);
    let counterparty = (rest / 4).max(6);
    let clauses = rest.saturating_sub(reference + counterparty + 2);
    let mut lines = vec![Line::styled(
        format!(
            "  {} {} {} {}",
            fit("Reference", reference),
            fit("Counterparty", counterparty),
            fit("Outcome", 12),
            "Decisive clause then -> now"
        ),
        t.heading(),
    )];
    // Officers' overrides come last, under a line of their own.
    let apart = changed.iter().position(|c| c.overridden);
    let page = usize::from(inner.height.saturating_sub(3 + u16::from(apart.is_some()))).max(1);
    let first = impact
        .selected
        .saturating_sub(page.saturating_sub(1))
        .min(changed.len().saturating_sub(page));
    for (i, c) in changed.iter().enumerate().skip(first).take(page) {
        if apart == Some(i) {
            lines.push(Line::styled(
                "  Cases on an officer's override (it stands; not saved):",
                t.heading(),
            ));
        }
        let selected = i == impact.selected;
        let marker = if selected { "> " } else { "  " };
        let line = Line::from(vec![
            Span::raw(format!(
                "{marker}{} {} ",
                fit(&c.reference, reference),
                fit(&c.counterparty, counterparty)
            )),
            Span::styled(c.outcome_before.symbol(), t.outcome(c.outcome_before)),
            Span::raw(" -> "),
            Span::styled(c.outcome_after.symbol(), t.outcome(c.outcome_after)),
            Span::raw(format!(
                " {}",
                fit(
                    &format!(
                        "{} -> {}",
                        clause(app, &c.decided_by_before),
                        clause(app, &c.decided_by_after)
                    ),
                    clauses
                )
                .trim_end()
            )),
        ]);
        lines.push(if selected {
            line.style(t.highlight())
        } else {
            line
        });
    }
    // The highlighted case in words, on the last rows.
    if let Some(c) = changed.get(impact.selected) {
        let words = in_words(app, c);
        let room = usize::from(inner.height).saturating_sub(lines.len() + words.len());
        lines.extend(std::iter::repeat_n(Line::default(), room));
        lines.extend(words.into_iter().map(|l| clip_line(l, inner.width)));
    }
    lines
}

/// "PO-7: licence -> prohibited; an officer's override stood", then the decisive clause
/// then and now.
fn in_words(app: &App, c: &ChangedCase) -> [Line<'static>; 2] {
    let t = app.theme;
    let overridden = if c.overridden {
        "; an officer's override stands (not saved)"
    } else if c.now_provisional {
        "; now provisional: settle the open answer"
    } else {
        ""
    };
    [
        Line::styled(
            format!(
                "  {}: {} -> {}{overridden}",
                sanitize(&c.reference),
                outcome(c.outcome_before),
                outcome(c.outcome_after)
            ),
            t.muted(),
        ),
        Line::styled(
            format!(
                "  Decisive clause then: {}; now: {}",
                sanitize(&clause(app, &c.decided_by_before)),
                sanitize(&clause(app, &c.decided_by_after))
            ),
            t.muted(),
        ),
    ]
}
