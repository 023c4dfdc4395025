//! The review: every question (answered, open, not needed or not applicable) and the record
//! fields on one screen before screening; each numbered line can be changed by its digit.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Paragraph, Wrap};

use crate::present::option_label;
use crate::rules::UNKNOWN;
use crate::screening::Field;
use crate::text::sanitize;
use crate::tui::app::{App, Skip, Step};
use crate::tui::view::block;

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let t = app.theme;
    let mut lines = Vec::new();
    let mut provisional = false;
    for (q, question) in app.rules.questions.iter().enumerate() {
        let answer = app.answers.get(&question.id);
        let (value, style) = match app.skip(q) {
            Some(Skip::NotApplicable) => ("not asked: does not apply".to_string(), t.muted()),
            Some(Skip::NotNeeded) => (
                "not needed: no answer changes the determination".to_string(),
                t.muted(),
            ),
            None => match answer {
                Some(id) => {
                    let open = id == UNKNOWN || question.option(id).is_some_and(|o| o.is_group());
                    provisional |= open;
                    (
                        option_label(&app.rules, &question.id, id),
                        Default::default(),
                    )
                }
                None => {
                    provisional = true;
                    ("(not answered: unknown)".to_string(), t.warning())
                }
            },
        };
        lines.push(numbered(app, q + 1, &question.title, value, style));
    }
    let details = app.details();
    lines.push(numbered(
        app,
        app.rules.questions.len() + 1,
        &Step::Details.title(&app.rules),
        format!(
            "{} {}",
            Field::Date.label(),
            sanitize(app.input(Field::Date).value())
        ),
        Default::default(),
    ));
    for field in Field::ALL.into_iter().filter(|f| *f != Field::Date) {
        let value = field.get(&details).unwrap_or_default();
        if !value.trim().is_empty() {
            lines.push(Line::raw(format!(
                "     {}: {}",
                field.label(),
                sanitize(value)
            )));
        }
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

fn numbered(
    app: &App,
    n: usize,
    title: &str,
    value: String,
    style: ratatui::style::Style,
) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{n}  {title:<20}"), app.theme.heading()),
        Span::styled(value, style),
    ])
}
