//! A question picked by typing (a country; the goods, with the catalogue's items): a filter
//! field (part of a name, another name or a code) over the list of matching options, the
//! highlight in view, `unknown` always offered last.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use crate::rules::{AnswerOption, Question, QuestionKind, UNKNOWN};
use crate::text::wrap;
use crate::tui::app::{App, Step};
use crate::tui::lines::{cap, fit};
use crate::tui::view::block;

const FILTER_LABEL: &str = "Type a name or code: ";

/// One row of the list: a country with its code, an item with its control code and the class
/// it is screened as, any other option by its label.
fn entry(question: &Question, option: &AnswerOption) -> String {
    match &option.class {
        _ if option.id == UNKNOWN => option.label.clone(),
        Some(class) => {
            let code = option
                .code
                .as_ref()
                .map(|c| format!(" ({c})"))
                .unwrap_or_default();
            format!("{}{code} -> {}", option.label, question.label_of(class))
        }
        None if question.kind == QuestionKind::Country => {
            format!("{} ({})", option.label, option.id)
        }
        None => option.label.clone(),
    }
}

/// Draw the picker; returns the caret of the filter field.
pub fn render(app: &App, frame: &mut Frame, area: Rect) -> Option<Position> {
    let Step::Question(q) = app.step else {
        return None;
    };
    let question = app.rules.questions.get(q)?;
    let t = app.theme;
    let outer = block(t, &question.title);
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let width = usize::from(inner.width);
    let row = |n: usize| {
        let y = inner.y.saturating_add(u16::try_from(n).unwrap_or(u16::MAX));
        Rect::new(inner.x, y, inner.width, 1).intersection(inner)
    };

    // The help, at most three lines so the list keeps its room.
    let mut help = wrap(&question.help, width);
    cap(&mut help, 3, width);
    let mut y = 0;
    for line in &help {
        frame.render_widget(
            Paragraph::new(Line::styled(line.clone(), t.muted())),
            row(y),
        );
        y += 1;
    }
    y += usize::from(!help.is_empty());

    let filter_row = row(y);
    let picker = &app.picker;
    let listed = question.options.iter().filter(|o| o.id != UNKNOWN).count();
    let found = picker
        .matches
        .iter()
        .filter(|&&o| question.options[o].id != UNKNOWN)
        .count();
    let count = format!("  {found} of {listed}");
    let label_width = u16::try_from(FILTER_LABEL.width()).unwrap_or(0);
    let count_width = u16::try_from(count.width()).unwrap_or(0);
    frame.render_widget(
        Paragraph::new(Line::styled(FILTER_LABEL, t.heading())),
        filter_row,
    );
    let field_width = filter_row
        .width
        .saturating_sub(label_width + count_width)
        .min(30);
    let field_area = Rect::new(
        filter_row.x.saturating_add(label_width),
        filter_row.y,
        field_width,
        1,
    )
    .intersection(filter_row);
    let caret = picker
        .filter
        .render(frame, field_area, app.overlay.is_none(), Default::default());
    let count_area =
        Rect::new(field_area.right(), filter_row.y, count_width, 1).intersection(filter_row);
    frame.render_widget(Paragraph::new(Line::styled(count, t.muted())), count_area);
    let message = picker
        .filter
        .error()
        .map(|e| format!("  ! {e}"))
        .unwrap_or_default();
    y += 1;
    frame.render_widget(Paragraph::new(Line::styled(message, t.error())), row(y));
    y += 1;

    let rows = usize::from(inner.height).saturating_sub(y).max(1);
    let chosen = app.answers.get(&question.id);
    let highlight = app.highlight[q];
    let at = picker
        .matches
        .iter()
        .position(|&o| o == highlight)
        .unwrap_or(0);
    let first = at
        .saturating_sub(rows.saturating_sub(1) / 2)
        .min(picker.matches.len().saturating_sub(rows));
    let mut lines = Vec::new();
    for &o in picker.matches.iter().skip(first).take(rows) {
        let option = &question.options[o];
        let selected = o == highlight;
        let mut text = entry(question, option);
        if chosen == Some(option.id.as_str()) {
            text.push_str(" (chosen)");
        }
        let marker = if selected { "> " } else { "  " };
        let line = Line::from(Span::raw(format!(
            "{marker}{}",
            fit(&text, width.saturating_sub(2)).trim_end()
        )));
        lines.push(if selected {
            line.style(t.highlight())
        } else {
            line
        });
    }
    let list_area = Rect::new(
        inner.x,
        inner.y.saturating_add(u16::try_from(y).unwrap_or(u16::MAX)),
        inner.width,
        u16::try_from(rows).unwrap_or(u16::MAX),
    )
    .intersection(inner);
    frame.render_widget(Paragraph::new(Text::from(lines)), list_area);
    caret
}
