//! A re-screen beside the stored record: the record and the re-screen side by side, each
//! labelled with its screening date (the re-screen's may be earlier than the record's), for
//! the rule set, the outcome and every clause whose status changed (`history::Diff`), in the
//! one scroll view;
//! `s` saves it as a new record that references the original.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use crate::rules::Outcome;
use crate::text::{sanitize, wrap};
use crate::tui::app::App;
use crate::tui::history_view::Rescreened;
use crate::tui::theme::Theme;
use crate::tui::view::block;

/// The gap between the two columns.
const GAP: &str = " | ";

fn outcome_text(outcome: Outcome, provisional: bool) -> String {
    format!(
        "{} {}{}",
        outcome.symbol(),
        outcome.label(),
        if provisional { " (provisional)" } else { "" }
    )
}

/// Two texts as columns of `half` cells, wrapped, row by row.
fn columns(then: &str, now: &str, half: usize, style: Style) -> Vec<Line<'static>> {
    let left = wrap(&sanitize(then), half);
    let right = wrap(&sanitize(now), half);
    (0..left.len().max(right.len()))
        .map(|i| {
            let l = left.get(i).map_or("", String::as_str);
            let r = right.get(i).map_or("", String::as_str);
            let pad = " ".repeat(half.saturating_sub(l.width()));
            Line::styled(format!("{l}{pad}{GAP}{r}"), style)
        })
        .collect()
}

/// The diff's lines for a text area `width` cells wide.
pub fn lines(r: &Rescreened, width: u16, theme: Theme) -> Vec<Line<'static>> {
    let style = |pick: fn(Theme) -> Style| pick(theme);
    let half = usize::from(width).saturating_sub(GAP.len()) / 2;
    let d = &r.diff;
    let mut out = vec![if d.unchanged() {
        Line::styled(
            "Nothing changed: the same outcome and no clause changed.",
            style(Theme::success),
        )
    } else {
        Line::styled(
            "The determination changed: compare the record and the re-screen below.",
            style(Theme::warning),
        )
    }];
    out.push(Line::default());
    out.extend(columns(
        &format!("RECORD (screened for {})", r.then),
        &format!("RE-SCREEN (screened for {})", r.date),
        half,
        style(Theme::heading),
    ));
    out.extend(columns(
        &format!("Rule set {}", d.rule_set_before),
        &format!("Rule set {}", d.rule_set_after),
        half,
        Style::new(),
    ));
    out.extend(columns(
        &outcome_text(d.outcome_before, d.provisional_before),
        &outcome_text(d.outcome_after, d.provisional_after),
        half,
        style(Theme::heading),
    ));
    out.push(Line::default());
    if d.clauses.is_empty() {
        out.push(Line::raw("No clause changed its status."));
    } else {
        out.push(Line::styled(
            format!("Clauses that changed ({}):", d.clauses.len()),
            style(Theme::heading),
        ));
    }
    for c in &d.clauses {
        out.extend(
            wrap(&sanitize(&c.cited_as), usize::from(width))
                .into_iter()
                .map(|l| Line::from(Span::styled(format!("- {l}"), style(Theme::heading)))),
        );
        out.extend(columns(
            c.before.as_deref().unwrap_or("did not fire"),
            c.after.as_deref().unwrap_or("does not fire"),
            half,
            Style::new(),
        ));
    }
    out
}

pub fn render(app: &App, r: &Rescreened, frame: &mut Frame, area: Rect) {
    let t = app.theme;
    let lines = lines(r, area.width.saturating_sub(2), t);
    r.scroll
        .render(frame, area, Some(block(t, "Record | re-screen")), lines, t);
}
