//! Step 5: every answer and record field on one screen before screening; each numbered
//! line can be changed by its digit.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Paragraph, Wrap};

use crate::report::details_lines;
use crate::rules::{QuestionId, UNKNOWN};
use crate::screening::Field;
use crate::text::sanitize;
use crate::tui::app::{App, Step};
use crate::tui::view::block;

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let t = app.theme;
    let mut lines = Vec::new();
    let mut provisional = false;
    for (n, (q, answer)) in QuestionId::ALL.into_iter().zip(&app.answers).enumerate() {
        let question = app.rules.questions.get(q);
        let id = answer.as_deref().unwrap_or(UNKNOWN);
        provisional |= id == UNKNOWN;
        let label = question
            .option(id)
            .map_or_else(|| sanitize(id), |o| o.label.clone());
        let label = if answer.is_none() {
            format!("{label} (not answered)")
        } else {
            label
        };
        lines.push(numbered(app, n + 1, &question.title, label));
    }
    let details = app.details();
    lines.push(numbered(
        app,
        4,
        &Step::Details.title(&app.rules),
        format!(
            "{} {}",
            Field::Date.label(),
            sanitize(app.input(Field::Date).value())
        ),
    ));
    for (label, value) in details_lines(&details) {
        lines.push(Line::raw(format!("     {label}: {value}")));
    }
    lines.push(Line::default());
    if provisional {
        lines.push(Line::styled(
            "Some answers are not known yet: the result will be provisional, the worst case over what they could be.",
            t.warning(),
        ));
    }
    lines.push(Line::raw(
        "Screening applies the rule set as on the screening date.",
    ));
    frame.render_widget(
        Paragraph::new(Text::from(lines))
            .wrap(Wrap { trim: false })
            .block(block(t, "Review")),
        area,
    );
}

fn numbered(app: &App, n: usize, title: &str, value: String) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{n}  {title:<18}"), app.theme.heading()),
        Span::raw(value),
    ])
}
