//! The review: every question (answered, open, not needed or not applicable) and the record
//! fields on one screen before screening; each numbered line can be changed by its digit,
//! a question not needed too (it then counts, and is stored as answered).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Text};
use ratatui::widgets::{Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use crate::present::option_label;
use crate::rules::UNKNOWN;
use crate::screening::Field;
use crate::text::sanitize;
use crate::tui::app::{App, Skip, Step};
use crate::tui::keys::Context;
use crate::tui::lines::hanging;
use crate::tui::view::block;

/// Why a question is skipped, in words: "not needed: Material origin is No Chinese nexus,
/// so no answer changes the determination".
pub fn skip_words(app: &App, skip: Skip) -> String {
    match skip {
        Skip::NotApplicable => "not asked: does not apply to these answers".into(),
        Skip::NotNeeded {
            settled_by: Some(p),
        } => {
            let question = &app.rules.questions[p];
            let value = app
                .answers
                .get(&question.id)
                .map(|v| option_label(&app.rules, &question.id, v))
                .unwrap_or_default();
            format!(
                "not needed: {} is {value}, so no answer changes the determination",
                question.title
            )
        }
        Skip::NotNeeded { settled_by: None } => {
            "not needed: no answer changes the determination on this date".into()
        }
    }
}

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let t = app.theme;
    let mut lines = Vec::new();
    let mut provisional = false;
    for (q, question) in app.rules.questions.iter().enumerate() {
        let answer = app.answers.get(&question.id);
        let (value, style) = match app.skip(q) {
            Some(skip) => (skip_words(app, skip), t.muted()),
            None => match answer {
                Some(id) => {
                    let open = id == UNKNOWN || question.option(id).is_some_and(|o| o.is_group());
                    provisional |= open;
                    (option_label(&app.rules, &question.id, id), Style::new())
                }
                None => {
                    provisional = true;
                    ("(not answered: unknown)".to_string(), t.warning())
                }
            },
        };
        lines.extend(numbered(
            app,
            q + 1,
            &question.title,
            &value,
            style,
            area.width,
        ));
    }
    lines.extend(numbered(
        app,
        app.rules.questions.len() + 1,
        &Step::Details.title(&app.rules),
        &format!(
            "{} {}",
            Field::Date.label(),
            sanitize(app.field(Field::Date).value())
        ),
        Style::new(),
        area.width,
    ));
    let details = app.details();
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
    // The name matches as the officer left them: an open possible match makes the result
    // provisional, so it is seen before Enter.
    for f in &app.matches.found {
        lines.extend(hanging(
            "     ",
            Style::new(),
            &format!(
                "{}: {}, {}",
                sanitize(super::form::finding_head(f).trim_start()),
                f.short,
                f.list.label()
            ),
            super::form::finding_style(t, f),
            area.width.saturating_sub(2),
            9,
            usize::MAX,
        ));
    }
    let open_match = app
        .matches
        .found
        .iter()
        .any(|f| f.kind == crate::parties::FindingKind::Possible);
    lines.push(Line::default());
    if provisional {
        lines.push(Line::styled(
            "Some answers are not known yet: the result will be provisional, the worst case over what they could be.",
            t.warning(),
        ));
    }
    if open_match {
        lines.push(Line::styled(
            format!(
                "A possible name match is open: the result will be provisional, its listing the worst case, until it is confirmed or dismissed ({}, then {} or {}).",
                app.rules.questions.len() + 1,
                app.keys.words_for(Context::Form, "confirm-match"),
                app.keys.words_for(Context::Form, "dismiss-match")
            ),
            t.warning(),
        ));
    }
    lines.push(Line::raw(
        "A question not needed can still be answered with its digit; it then counts.",
    ));
    frame.render_widget(
        Paragraph::new(Text::from(lines))
            .wrap(Wrap { trim: false })
            .block(block(t, "Review")),
        area,
    );
}

/// "5  Recipient type      value", the value wrapped under itself.
fn numbered(
    app: &App,
    n: usize,
    title: &str,
    value: &str,
    style: Style,
    width: u16,
) -> Vec<Line<'static>> {
    let label = format!("{n}  {title:<20}");
    let indent = label.width();
    hanging(
        &label,
        app.theme.heading(),
        value,
        style,
        width.saturating_sub(2),
        indent,
        usize::MAX,
    )
}
