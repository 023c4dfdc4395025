//! One record exactly as stored: its kind, what it supersedes, the reason, any override and
//! the line's hash, then the report of the determination as decided then (stored clause
//! text and rule-set version, not re-derived). Scrollable; `d` asks for a re-screen date in
//! a small box over it.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::history_list::input_span;
use crate::text::{sanitize, wrap};
use crate::tui::app::App;
use crate::tui::history_view::{Detail, Pane};
use crate::tui::view::{areas, block, centered};

/// The text area inside the bordered body for a terminal of `size`.
fn viewport(size: (u16, u16)) -> Rect {
    let body = areas(Rect::new(0, 0, size.0, size.1)).body;
    Rect::new(
        0,
        0,
        body.width.saturating_sub(2),
        body.height.saturating_sub(2),
    )
}

pub fn page_height(size: (u16, u16)) -> u16 {
    viewport(size).height
}

pub fn max_scroll(text: &str, size: (u16, u16)) -> u16 {
    let view = viewport(size);
    let count = wrap_text(text, view.width).len();
    u16::try_from(count.saturating_sub(usize::from(view.height))).unwrap_or(u16::MAX)
}

/// Lines of `text`, sanitised, wrapped to `width` with their indent kept.
pub fn wrap_text(text: &str, width: u16) -> Vec<String> {
    let width = usize::from(width.max(1));
    let mut out = Vec::new();
    for line in text.lines().map(sanitize) {
        if line.width() <= width {
            out.push(line);
            continue;
        }
        let body = line.trim_start();
        let indent = " ".repeat(line.len() - body.len());
        out.extend(
            wrap(body, width.saturating_sub(indent.len()))
                .into_iter()
                .map(|part| format!("{indent}{part}")),
        );
    }
    out
}

/// Returns the caret of the date field when asking for a re-screen date.
pub fn render(app: &App, detail: &Detail, frame: &mut Frame, area: Rect) -> Option<Position> {
    let t = app.theme;
    let outer = block(t, "Record as stored");
    let inner = outer.inner(area);
    let all = wrap_text(&detail.text, inner.width);
    let max = all.len().saturating_sub(usize::from(inner.height));
    let first = usize::from(detail.scroll).min(max);
    let shown: Vec<Line> = all
        .iter()
        .skip(first)
        .take(usize::from(inner.height))
        .map(|text| {
            let style = if ["OUTCOME", "OFFICER OVERRIDE", "PROVISIONAL"]
                .iter()
                .any(|p| text.starts_with(p))
            {
                t.heading()
            } else {
                Style::new()
            };
            Line::styled(text.clone(), style)
        })
        .collect();
    let last = (first + shown.len()).min(all.len());
    let position = format!(" lines {}-{last} of {} ", (first + 1).min(last), all.len());
    let outer = outer.title_bottom(Line::styled(position, t.muted()).right_aligned());
    frame.render_widget(Paragraph::new(Text::from(shown)).block(outer), area);

    if let Pane::Date { input, error } = &detail.pane {
        let popup = centered(area, 60, 6);
        frame.render_widget(Clear, popup);
        let box_ = block(t, "Re-screen on which date?");
        let inside = box_.inner(popup);
        frame.render_widget(box_, popup);
        let label = "Date (YYYY-MM-DD): ";
        let at = Position::new(inside.x.saturating_add(label.len() as u16), inside.y);
        let (field, caret) = input_span(t, input, 10, app.overlay.is_none(), at, frame);
        let mut lines = vec![
            Line::from(vec![Span::styled(label, t.heading()), field]),
            Line::styled(
                "Screened under the current rules as on this date.",
                t.muted(),
            ),
        ];
        if let Some(message) = error {
            lines.push(Line::styled(format!("! {}", sanitize(message)), t.error()));
        }
        frame.render_widget(Paragraph::new(Text::from(lines)), inside);
        return caret;
    }
    None
}
