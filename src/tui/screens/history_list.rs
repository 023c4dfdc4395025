//! The history view's frame (header, body, status) and its list: the filter bar, the
//! outcome filter, the counts, and the records newest first with date, reference,
//! counterparty, outcome as symbol and word, provisional mark and kind. Unreadable lines are
//! counted under the list, never hidden.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::Paragraph;
use tui_input::Input;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::{history_detail, override_form, rescreen_diff};
use crate::history::RecordKind;
use crate::rules::Outcome;
use crate::text::sanitize;
use crate::tui::app::{App, SaveState};
use crate::tui::history_view::{FilterField, HistoryView, Pane, Screen};
use crate::tui::keys::{Context, bar_words};
use crate::tui::theme::Theme;
use crate::tui::view::{Areas, areas, block};
use crate::tui::widgets::text_field::window;

/// Rows above the list's border: the filter bar, the outcome and counts, messages.
const BAR_ROWS: u16 = 3;
/// Columns of fixed width: marker, date, outcome, provisional mark, kind, and the gaps.
const FIXED: usize = 2 + 10 + 1 + 17 + 1 + 5 + 1 + 9 + 2;

/// Draw the history view in place of the form; returns the caret of a focused text input.
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
        Screen::Detail(detail) => match &detail.pane {
            Pane::Record | Pane::Date { .. } => {
                history_detail::render(app, detail, frame, areas.body)
            }
            Pane::Rescreen(rescreened) => {
                rescreen_diff::render(app, rescreened, frame, areas.body);
                None
            }
            Pane::Override(form) => override_form::render(app, detail, form, frame, areas.body),
        },
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
        // The key bar has no room for it, so the detail names its key here.
        None if view.context() == Context::HistoryDetail => Line::styled(
            format!(
                " {} re-screens on another date",
                key_of(app, Context::HistoryDetail, "rescreen-on")
            ),
            t.muted(),
        ),
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

/// The key that reaches command `name` in `context`, in words, for hints the key bar has no
/// room for ("?" when rebound away).
fn key_of(app: &App, context: Context, name: &str) -> String {
    app.keys
        .commands(context)
        .into_iter()
        .find(|(c, _)| c.name == name)
        .map_or_else(|| "?".into(), |(_, keys)| bar_words(&keys))
}

/// Rows of records a terminal of `size` shows at once.
pub fn page_height(size: (u16, u16)) -> usize {
    let body = areas(Rect::new(0, 0, size.0, size.1)).body;
    usize::from(body.height.saturating_sub(BAR_ROWS + 3))
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

/// One word for an outcome, for a narrow column beside its symbol.
pub fn outcome_word(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::NoLicenseRequired => "no licence",
        Outcome::Exempt => "exempt",
        Outcome::LicenseRequired => "licence",
        Outcome::CaseByCase => "case-by-case",
        Outcome::DeniedInPrinciple => "denied",
        Outcome::Prohibited => "prohibited",
    }
}

/// `text` cut or padded to exactly `width` display cells; a cut shows as a trailing `~`.
pub fn fit(text: &str, width: usize) -> String {
    let text = sanitize(text);
    if text.width() <= width {
        return format!("{text}{}", " ".repeat(width - text.width()));
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    if width > 0 {
        out.push('~');
        used += 1;
    }
    out.push_str(&" ".repeat(width.saturating_sub(used)));
    out
}

/// A one-line input `width` cells wide, and where its caret is when focused (the view puts
/// the terminal cursor there).
pub fn input_span(
    theme: Theme,
    input: &Input,
    width: u16,
    focused: bool,
    at: Position,
    frame: &Frame,
) -> (Span<'static>, Option<Position>) {
    let width = usize::from(width);
    let scroll = input.visual_scroll(width.saturating_sub(1));
    let (text, used) = window(&sanitize(input.value()), scroll, width);
    let mut caret = None;
    if focused {
        let x =
            at.x.saturating_add(input.visual_cursor().saturating_sub(scroll) as u16);
        if x < frame.area().right() && at.y < frame.area().bottom() {
            caret = Some(Position::new(x, at.y));
        }
    }
    let padded = format!("{text}{}", "_".repeat(width.saturating_sub(used)));
    (
        Span::styled(padded, if focused { theme.input() } else { Style::new() }),
        caret,
    )
}

fn render(app: &App, view: &HistoryView, frame: &mut Frame, area: Rect) -> Option<Position> {
    let t = app.theme;
    let row =
        |n: u16| Rect::new(area.x, area.y.saturating_add(n), area.width, 1).intersection(area);
    let caret = filter_bar(app, view, frame, row(0));

    let outcome = match view.query.outcome {
        Some(o) => format!("{} {}", o.symbol(), outcome_word(o)),
        None => "any".into(),
    };
    let total = view.summaries.len();
    let noun = if total == 1 { "record" } else { "records" };
    let counts = if view.query.is_empty() {
        format!("{} {noun}", grouped(total))
    } else {
        format!(
            "{} of {} {noun} match",
            grouped(view.matches.len()),
            grouped(total)
        )
    };
    let counts = if view.complete {
        counts
    } else {
        format!("{counts} (still reading)")
    };
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(
                format!(
                    " Outcome ({}): ",
                    key_of(app, Context::HistoryList, "outcome-filter")
                ),
                t.muted(),
            ),
            Span::styled(outcome, t.heading()),
            Span::raw(format!("   {counts}")),
        ])),
        row(1),
    );
    let message = view
        .filter_errors
        .iter()
        .flatten()
        .next()
        .map(|e| Line::styled(format!(" ! {}", sanitize(e)), t.error()))
        .unwrap_or_default();
    frame.render_widget(Paragraph::new(message), row(2));

    let list_area = Rect::new(
        area.x,
        area.y.saturating_add(BAR_ROWS),
        area.width,
        area.height.saturating_sub(BAR_ROWS),
    )
    .intersection(area);
    let mut outer = block(t, "Saved screenings, newest first");
    if let Some(skipped) = skipped_note(view) {
        outer = outer.title_bottom(Line::styled(skipped, t.warning()).right_aligned());
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

fn filter_bar(app: &App, view: &HistoryView, frame: &mut Frame, area: Rect) -> Option<Position> {
    let t = app.theme;
    let editing = matches!(view.screen, Screen::Filter);
    let text_width = area.width.saturating_sub(45).max(8);
    let mut spans = vec![Span::raw(" ")];
    let mut caret = None;
    let mut x = area.x.saturating_add(1);
    for (i, field) in FilterField::ALL.into_iter().enumerate() {
        let focused = editing && view.filter_focus == i && app.overlay.is_none();
        let label = format!("{}{}: ", if i == 0 { "" } else { "  " }, field.label());
        x = x.saturating_add(label.width() as u16);
        spans.push(Span::styled(
            label,
            if focused { t.heading() } else { t.muted() },
        ));
        let width = if field == FilterField::Text {
            text_width
        } else {
            10
        };
        let input = view.filter_input(field);
        let (span, at) = input_span(t, input, width, focused, Position::new(x, area.y), frame);
        spans.push(span);
        caret = caret.or(at);
        x = x.saturating_add(width);
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    caret
}

fn rows(app: &App, view: &HistoryView, inner: Rect) -> Vec<Line<'static>> {
    let t = app.theme;
    let width = usize::from(inner.width);
    let rest = width.saturating_sub(FIXED);
    let reference = (rest * 2 / 5).max(4);
    let counterparty = rest.saturating_sub(reference).max(4);
    let mut lines = vec![Line::styled(
        format!(
            "  {} {} {} {} {} {}",
            fit("Date", 10),
            fit("Reference", reference),
            fit("Counterparty", counterparty),
            fit("Outcome", 17),
            fit("Prov.", 5),
            "Kind"
        ),
        t.heading(),
    )];
    if view.matches.is_empty() {
        let message = if view.summaries.is_empty() && view.complete && view.failure.is_none() {
            format!(
                "No saved screenings yet. Save a determination with {} and it appears here.",
                key_of(app, Context::Result, "save")
            )
        } else if view.summaries.is_empty() && view.failure.is_some() {
            "The history could not be read (see below).".into()
        } else if !view.complete {
            "No match among the records read so far; still reading.".into()
        } else {
            format!(
                "No record matches the filter. Press {} to clear it.",
                key_of(app, Context::HistoryList, "clear-filter")
            )
        };
        lines.push(Line::styled(format!("  {message}"), t.muted()));
        return lines;
    }
    let page = usize::from(inner.height.saturating_sub(1)).max(1);
    // Keep the highlight on screen whatever the stored top (after a resize, say).
    let top = view
        .top
        .min(view.selected)
        .max((view.selected + 1).saturating_sub(page));
    for (position, &i) in view.matches.iter().enumerate().skip(top).take(page) {
        let Some(s) = view.summaries.get(i) else {
            continue;
        };
        let selected = position == view.selected;
        let kind = match s.kind {
            RecordKind::Screening => "",
            kind => kind.label(),
        };
        let outcome = format!("{} {}", s.outcome.symbol(), outcome_word(s.outcome));
        let marker = if selected { "> " } else { "  " };
        let line = Line::from(vec![
            Span::raw(format!(
                "{marker}{} {} {} ",
                s.date,
                fit(&s.details.reference, reference),
                fit(&s.details.counterparty, counterparty)
            )),
            Span::styled(fit(&outcome, 17), t.outcome(s.outcome)),
            Span::raw(format!(
                " {} {}",
                fit(if s.provisional { "prov." } else { "" }, 5),
                kind
            )),
        ]);
        lines.push(if selected {
            line.style(t.highlight())
        } else {
            line
        });
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_group_thousands_and_cells_fit_by_display_width() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(120_000), "120 000");
        assert_eq!(grouped(1_234_567), "1 234 567");
        assert_eq!(fit("abc", 5), "abc  ");
        assert_eq!(fit("abcdef", 4), "abc~");
        assert_eq!(fit("深圳稀土", 5), "深圳~");
        assert_eq!(fit("深圳稀土", 6), "深圳~ ");
        assert_eq!(fit("a\u{1b}[31m", 12).trim_end(), "a\\u{1b}[31m");
    }
}
