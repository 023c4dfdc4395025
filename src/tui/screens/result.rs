//! The determination: the same text report the command line prints (outcome and symbol
//! first, provisional note, every clause with status and text, the why-trace), re-wrapped to
//! the screen and scrollable.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use crate::text::wrap;
use crate::tui::app::App;
use crate::tui::view::{areas, block};

/// The text area inside the result's border for a terminal of `app.size`.
fn viewport(app: &App) -> Rect {
    let (w, h) = app.size;
    block(app.theme, "").inner(areas(Rect::new(0, 0, w, h)).body)
}

pub fn page_height(app: &App) -> u16 {
    viewport(app).height
}

pub fn max_scroll(app: &App) -> u16 {
    let view = viewport(app);
    let count = lines(app, view.width).len();
    u16::try_from(count.saturating_sub(usize::from(view.height))).unwrap_or(u16::MAX)
}

/// The report's lines wrapped to `width`, each with its style. Long lines keep their indent.
pub fn lines(app: &App, width: u16) -> Vec<(String, Style)> {
    let Some(decision) = &app.decision else {
        return Vec::new();
    };
    let t = app.theme;
    let width = usize::from(width.max(1));
    let mut out = Vec::new();
    for (n, line) in decision.report.lines().enumerate() {
        let body = line.trim_start();
        let style = if n == 0 {
            t.outcome(decision.screening.determination.outcome)
        } else if ["PROVISIONAL", "UNVERIFIED", "VERIFY", "Would be"]
            .iter()
            .any(|p| body.starts_with(p))
        {
            t.warning()
        } else if body.starts_with("Clauses that fired") || body == "Why:" {
            t.heading()
        } else {
            Style::new()
        };
        if line.width() <= width {
            out.push((line.to_string(), style));
            continue;
        }
        let indent = &line[..line.len() - body.len()];
        for part in wrap(body, width.saturating_sub(indent.len())) {
            out.push((format!("{indent}{part}"), style));
        }
    }
    out
}

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let t = app.theme;
    let outer = block(t, "Determination");
    let inner = outer.inner(area);
    let all = lines(app, inner.width);
    let scroll = app.scroll.min(max_scroll(app));
    let first = usize::from(scroll);
    let shown: Vec<Line> = all
        .iter()
        .skip(first)
        .take(usize::from(inner.height))
        .map(|(text, style)| Line::from(Span::styled(text.as_str(), *style)))
        .collect();
    let last = (first + shown.len()).min(all.len());
    let position = format!(" lines {}-{last} of {} ", (first + 1).min(last), all.len());
    let outer = outer.title_bottom(Line::styled(position, t.muted()).right_aligned());
    frame.render_widget(Paragraph::new(Text::from(shown)).block(outer), area);
}
