//! Steps 1-3: a question's options as a numbered list, with a help panel that explains the
//! highlighted option (help text, example, reference), all taken from the rule set.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Paragraph, Wrap};

use crate::text::wrap;
use crate::tui::app::{App, question_position};
use crate::tui::view::block;

/// From this width the help panel sits beside the list instead of under it.
const SIDE_BY_SIDE: u16 = 100;

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let Some(q) = app.step.question() else { return };
    let t = app.theme;
    let question = app.rules.questions.get(q);
    let i = question_position(q);
    let highlight = app.highlight[i].min(question.options.len().saturating_sub(1));
    let chosen = app.answers[i].as_deref();

    let side = area.width >= SIDE_BY_SIDE;
    let list_width = if side { area.width / 2 } else { area.width };
    let description = wrap(
        &question.description,
        usize::from(list_width.saturating_sub(2)),
    );
    let list_height = (description.len() + 1 + question.options.len() + 2) as u16;
    let [list_area, help_area] = if side {
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(area)
    } else {
        Layout::vertical([Constraint::Length(list_height), Constraint::Min(0)]).areas(area)
    };

    let mut lines: Vec<Line> = description
        .into_iter()
        .map(|l| Line::styled(l, t.muted()))
        .collect();
    lines.push(Line::default());
    for (n, option) in question.options.iter().enumerate() {
        let marker = if n == highlight { ">" } else { " " };
        let mut spans = vec![Span::raw(format!("{marker} {}. {}", n + 1, option.label))];
        if chosen == Some(option.id.as_str()) {
            spans.push(Span::raw(" (chosen)"));
        }
        let line = Line::from(spans);
        lines.push(if n == highlight {
            line.style(t.highlight())
        } else {
            line
        });
    }
    frame.render_widget(
        Paragraph::new(Text::from(lines)).block(block(t, &question.title)),
        list_area,
    );

    let Some(option) = question.options.get(highlight) else {
        return;
    };
    let mut help = vec![Line::raw(option.help.clone())];
    if let Some(example) = &option.example {
        help.push(Line::from(vec![
            Span::styled("Example: ", t.heading()),
            Span::raw(example.clone()),
        ]));
    }
    if let Some(reference) = &option.reference {
        help.push(Line::from(vec![
            Span::styled("Relates to: ", t.heading()),
            Span::raw(reference.clone()),
        ]));
    }
    let title = format!("{}. {}", highlight + 1, option.label);
    frame.render_widget(
        Paragraph::new(Text::from(help))
            .wrap(Wrap { trim: true })
            .block(block(t, &title)),
        help_area,
    );
}
