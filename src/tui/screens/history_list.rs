//! The history view's frame (header, body, status) and its list: the filter bar (text,
//! since, until: the one text field each), the outcome filter, the counts, and the records
//! newest first with date, reference, counterparty, outcome as symbol and word, provisional
//! mark and kind. Unreadable lines are counted under the list, never hidden.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::date_dialog::DATE_BOX;
use super::{
    decision_form, export_dialog, history_detail, impact, licence_form, override_form,
    rescreen_diff,
};
use crate::history::{RecordKind, Records};
use crate::text::sanitize;
use crate::tui::app::{App, SaveState};
use crate::tui::history_view::{FilterField, HistoryView, Pane, Screen};
use crate::tui::keys::Context;
use crate::tui::lines::{clip_line, fit};
use crate::tui::view::{Areas, areas, below, block};

/// Rows above the list's border: the filter bar, the outcome and counts, messages.
const BAR_ROWS: u16 = 3;
/// Columns of fixed width: the highlight and current markers, the screening date, the
/// outcome, the kind (or the provisional mark), and the gaps.
const FIXED: usize = 3 + 10 + 1 + 17 + 1 + 9 + 2;
/// The reference's widest column; the counterparty takes the rest.
const REFERENCE: usize = 24;

/// Draw the history view in place of the form; returns the caret of a focused text field.
pub fn render_view(
    app: &App,
    view: &HistoryView,
    frame: &mut Frame,
    areas: &Areas,
) -> Option<Position> {
    let t = app.theme;
    let header = Line::from(vec![
        Span::styled(" ree-screen ", t.title()),
        Span::raw("| "),
        Span::styled(view.title(), t.heading()),
    ]);
    frame.render_widget(Paragraph::new(header), areas.header);
    let caret = match &view.screen {
        Screen::List | Screen::Filter => render(app, view, frame, areas.body),
        Screen::Export(dialog) => export_dialog::render(app, view, dialog, frame, areas.body),
        Screen::Detail(detail) => match &detail.pane {
            Pane::Record | Pane::Date(_) => history_detail::render(app, detail, frame, areas.body),
            Pane::Rescreen(rescreened) => {
                rescreen_diff::render(app, rescreened, frame, areas.body);
                None
            }
            Pane::Override(form) => override_form::render(app, detail, form, frame, areas.body),
            Pane::Licence(form) => licence_form::render(app, detail, form, frame, areas.body),
            Pane::Decide(form) => decision_form::render(app, detail, form, frame, areas.body),
        },
        Screen::Impact => view
            .impact
            .as_deref()
            .and_then(|i| impact::render(app, i, frame, areas.body)),
    };
    frame.render_widget(Paragraph::new(status(app, view)), areas.status);
    caret
}

fn status(app: &App, view: &HistoryView) -> Line<'static> {
    let t = app.theme;
    if let Some(notice) = &app.notice {
        return Line::styled(format!(" {}", sanitize(notice)), t.warning());
    }
    let saved = match &view.screen {
        Screen::Detail(detail) => match &detail.pane {
            Pane::Rescreen(r) => Some(&r.saved),
            Pane::Override(o) => Some(&o.saved),
            Pane::Licence(l) => Some(&l.saved),
            Pane::Decide(d) => Some(&d.saved),
            _ => None,
        },
        _ => None,
    };
    match saved {
        Some(SaveState::Unsaved) => Line::styled(" Not saved yet", t.warning()),
        Some(SaveState::Saving) => Line::styled(" Saving...", t.muted()),
        Some(SaveState::Saved(id)) => Line::styled(
            format!(" Saved as {} (a new record)", sanitize(id)),
            t.success(),
        ),
        Some(SaveState::Failed(message)) => {
            Line::styled(format!(" {} - try again", sanitize(message)), t.error())
        }
        // The key bar has no room for these, so the status line names their keys.
        None if superseded(view) => Line::styled(
            format!(
                " Superseded: {} opens the case's current record",
                app.keys.words_for(Context::HistoryDetail, "open-current")
            ),
            t.warning(),
        ),
        None if view.context() == Context::HistoryDetail => Line::styled(
            format!(
                " {} re-screens on another date",
                app.keys.words_for(Context::HistoryDetail, "rescreen-on")
            ),
            t.muted(),
        ),
        None if matches!(view.screen, Screen::Impact) => view
            .impact
            .as_deref()
            .map(|i| impact::status(app, i))
            .unwrap_or_default(),
        None if view.failure.is_some() => Line::styled(
            format!(
                " Cannot read the history: {}",
                sanitize(view.failure.as_deref().unwrap_or_default())
            ),
            t.error(),
        ),
        None if !view.complete => Line::styled(
            format!(" Loading... {} records read", grouped(view.lines_read)),
            t.muted(),
        ),
        None => Line::default(),
    }
}

/// Whether the record open is superseded (nothing is done to it but open the current one).
fn superseded(view: &HistoryView) -> bool {
    matches!(&view.screen, Screen::Detail(d)
        if matches!(d.pane, Pane::Record)
            && matches!(&d.stored, Some(Ok(s)) if s.current.is_some()))
}

/// Rows of records a terminal of `size` shows at once.
pub fn page_height(size: (u16, u16)) -> usize {
    let body = areas(Rect::new(0, 0, size.0, size.1)).body;
    // The borders, the column heads and the highlighted record's line.
    usize::from(body.height.saturating_sub(BAR_ROWS + 4))
}

/// A count with spaces between thousands ("120 000"), as officers read figures.
pub fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

fn render(app: &App, view: &HistoryView, frame: &mut Frame, area: Rect) -> Option<Position> {
    let t = app.theme;
    let row =
        |n: u16| Rect::new(area.x, area.y.saturating_add(n), area.width, 1).intersection(area);
    let caret = filter_bar(app, view, frame, row(0));

    let outcome = match view.outcome {
        Some(o) => format!("{} {}", o.symbol(), o.short()),
        None => "any".into(),
    };
    let (total, noun) = match view.filter.records() {
        Records::Cases => (view.rows.cases(), ("case", "cases")),
        Records::All => (view.rows.len(), ("record", "records")),
    };
    let noun = if total == 1 { noun.0 } else { noun.1 };
    let mut counts = if view.filter.query().is_empty() {
        format!("{} {noun}", grouped(total))
    } else {
        format!(
            "{} of {} {noun} match",
            grouped(view.filter.matches().len()),
            grouped(total)
        )
    };
    if !view.complete {
        counts.push_str(" (still reading)");
    } else if view.busy() {
        counts.push_str(" (filtering)");
    }
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(
                format!(
                    " Outcome ({}): ",
                    app.keys.words_for(Context::HistoryList, "outcome-filter")
                ),
                t.muted(),
            ),
            Span::styled(outcome, t.heading()),
            Span::raw(format!("   {counts}")),
        ])),
        row(1),
    );
    let editing = matches!(view.screen, Screen::Filter);
    let message = FilterField::ALL
        .into_iter()
        .find_map(|f| view.fields[f as usize].error().map(|e| (f, e)))
        .map(|(f, e)| Line::styled(format!(" ! {}: {}", f.label(), sanitize(e)), t.error()))
        .or_else(|| {
            editing.then(|| {
                Line::styled(
                    " Every word must appear; dates as YYYY-MM-DD, both days included",
                    t.muted(),
                )
            })
        })
        .unwrap_or_default();
    frame.render_widget(Paragraph::new(message), row(2));

    let list_area = below(area, BAR_ROWS);
    let title = match view.filter.records() {
        Records::Cases => format!(
            "Cases (current records), newest saved first ({}: every record)",
            app.keys.words_for(Context::HistoryList, "all-records")
        ),
        Records::All => format!(
            "Every record (* current), newest saved first ({}: cases)",
            app.keys.words_for(Context::HistoryList, "all-records")
        ),
    };
    let mut outer = block(t, &title);
    if let Some(skipped) = skipped_note(view) {
        outer = outer.title_bottom(Line::styled(skipped, t.warning()).right_aligned());
    }
    if view.head_lost {
        // The records this user saw last time are gone: cut off, or the file replaced.
        outer = outer.title_bottom(Line::styled(
            " RECORDS GONE since you saw them: run ree-screen history verify ",
            t.warning(),
        ));
    }
    let inner = outer.inner(list_area);
    frame.render_widget(outer, list_area);
    let lines = rows(app, view, inner);
    frame.render_widget(Paragraph::new(Text::from(lines)), inner);
    caret
}

/// "2 unreadable lines skipped (lines 4, 9)": the numbers once the whole file is read.
fn skipped_note(view: &HistoryView) -> Option<String> {
    let count = view.skipped.len();
    if count == 0 {
        return None;
    }
    let noun = if count == 1 { "line" } else { "lines" };
    let place = match view.skipped_line_numbers() {
        Some(numbers) => {
            let shown: Vec<String> = numbers.iter().take(8).map(|n| n.to_string()).collect();
            let more = if numbers.len() > 8 { ", ..." } else { "" };
            format!(" ({noun} {}{more})", shown.join(", "))
        }
        None => " so far".into(),
    };
    Some(format!(
        " {} unreadable {noun} skipped{place}; `ree-screen history verify` lists them ",
        grouped(count)
    ))
}

/// Text, since and until, each a text field; the date fields wide enough for a whole date
/// and the caret after it.
fn filter_bar(app: &App, view: &HistoryView, frame: &mut Frame, area: Rect) -> Option<Position> {
    let t = app.theme;
    let editing = matches!(view.screen, Screen::Filter) && app.overlay.is_none();
    let labels = FilterField::ALL.map(|f| {
        let gap = if f == FilterField::Text { " " } else { "  " };
        format!("{gap}{}: ", f.label())
    });
    let fixed: u16 = labels.iter().map(|l| l.width() as u16).sum::<u16>() + 2 * DATE_BOX;
    let text_width = area.width.saturating_sub(fixed + 1).max(8);
    let mut caret = None;
    let mut x = area.x;
    for (i, field) in FilterField::ALL.into_iter().enumerate() {
        let focused = editing && view.filter_focus == i;
        let label = &labels[i];
        let label_area = Rect::new(x, area.y, label.width() as u16, 1).intersection(area);
        frame.render_widget(
            Paragraph::new(Span::styled(
                label.clone(),
                if focused { t.heading() } else { t.muted() },
            )),
            label_area,
        );
        x = x.saturating_add(label.width() as u16);
        let width = if field == FilterField::Text {
            text_width
        } else {
            DATE_BOX
        };
        let field_area = Rect::new(x, area.y, width, 1).intersection(area);
        let at = view.fields[i].render(frame, field_area, focused, t.input());
        caret = caret.or(at);
        x = x.saturating_add(width);
    }
    caret
}

fn rows(app: &App, view: &HistoryView, inner: Rect) -> Vec<Line<'static>> {
    let t = app.theme;
    let width = usize::from(inner.width);
    let rest = width.saturating_sub(FIXED);
    let reference = (rest * 2 / 5).clamp(4, REFERENCE);
    let counterparty = rest.saturating_sub(reference).max(4);
    let mut lines = vec![Line::styled(
        format!(
            "   {} {} {} {} {}",
            fit("Screened", 10),
            fit("Reference", reference),
            fit("Counterparty", counterparty),
            fit("Outcome", 17),
            "Kind"
        ),
        t.heading(),
    )];
    let matches = view.filter.matches();
    if matches.is_empty() {
        let message = if view.rows.is_empty() && view.complete && view.failure.is_none() {
            format!(
                "No saved screenings yet. Save a determination with {} and it appears here.",
                app.keys.words_for(Context::Result, "save")
            )
        } else if view.rows.is_empty() && view.failure.is_some() {
            "The history could not be read (see below).".into()
        } else if !view.complete || view.busy() {
            "No match among the records checked so far; still looking.".into()
        } else {
            format!(
                "No record matches the filter. Press {} to clear it.",
                app.keys.words_for(Context::HistoryList, "clear-filter")
            )
        };
        lines.push(Line::styled(format!("  {message}"), t.muted()));
        return lines;
    }
    let all = view.filter.records() == Records::All;
    let page = usize::from(inner.height.saturating_sub(2)).max(1);
    // Keep the highlight on screen whatever the stored top (after a resize, say).
    let top = view
        .top
        .min(view.selected)
        .max((view.selected + 1).saturating_sub(page));
    for (position, &i) in matches.iter().enumerate().skip(top).take(page) {
        let Some(r) = view.rows.get(i as usize) else {
            continue;
        };
        let selected = position == view.selected;
        let kind = match (r.kind, r.provisional) {
            (RecordKind::Screening, true) => "prov.",
            (RecordKind::Screening, false) => "",
            (kind, _) => kind.label(),
        };
        let outcome = format!("{} {}", r.outcome.symbol(), r.outcome.short());
        let marker = format!(
            "{}{} ",
            if selected { ">" } else { " " },
            if all && r.current { "*" } else { " " }
        );
        let line = Line::from(vec![
            Span::raw(format!(
                "{marker}{} {} {} ",
                r.date,
                fit(r.reference, reference),
                fit(r.counterparty, counterparty)
            )),
            Span::styled(fit(&outcome, 17), t.outcome(r.outcome)),
            Span::raw(format!(" {kind}")),
        ]);
        lines.push(if selected {
            line.style(t.highlight())
        } else {
            line
        });
    }
    // The highlighted record in full on the last row: what the columns cut.
    if let Some(r) = view.selected_row() {
        let room = usize::from(inner.height).saturating_sub(lines.len() + 1);
        lines.extend(std::iter::repeat_n(Line::default(), room));
        let mut about = vec![
            sanitize(r.reference),
            sanitize(r.counterparty),
            r.kind.label().to_string(),
        ];
        if r.provisional {
            about.push("provisional".into());
        }
        about.push(if r.current { "current" } else { "superseded" }.into());
        let about: Vec<String> = about.into_iter().filter(|a| !a.is_empty()).collect();
        lines.push(clip_line(
            Line::styled(format!("  {}", about.join(" | ")), t.muted()),
            inner.width,
        ));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_group_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(120_000), "120 000");
        assert_eq!(grouped(1_234_567), "1 234 567");
    }
}
