//! A question's options as a numbered list, with a help panel that explains the highlighted
//! option (help text, example, what it relates to), all taken from the rule set. A long list
//! (countries) shows the window around the highlight.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::Paragraph;

use crate::rules::{AnswerOption, Question};
use crate::text::wrap;
use crate::tui::app::{App, Step};
use crate::tui::view::block;

/// From this width the help panel sits beside the list instead of under it.
const SIDE_BY_SIDE: u16 = 100;

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let Step::Question(q) = app.step else { return };
    let Some(question) = app.rules.questions.get(q) else {
        return;
    };
    let t = app.theme;
    let highlight = app.highlight[q].min(question.options.len().saturating_sub(1));
    let chosen = app.answers.get(&question.id);

    let side = area.width >= SIDE_BY_SIDE;
    let list_width = if side { area.width / 2 } else { area.width };
    let mut description = wrap(&question.help, usize::from(list_width.saturating_sub(2)));
    // Stacked, the help panel gets the rows its longest option needs (the same for every
    // option, so moving the highlight moves nothing else), and the list what is left, at
    // least three rows; a list that does not fit shows how many options are out of sight.
    // Where even that does not fit, the question's description gives way to the options'.
    let help_rows = help_slots(question, usize::from(area.width.saturating_sub(2)))
        .iter()
        .sum::<usize>()
        + 2;
    let fits = |description: usize| description + 1 + 3 + 2 + help_rows <= usize::from(area.height);
    if !side && !fits(description.len()) {
        description.clear();
    }
    // The description and a blank line under it.
    let head = description.len() + usize::from(!description.is_empty());
    let min_list = (head + 3 + 2) as u16;
    let max_list = area
        .height
        .saturating_sub(u16::try_from(help_rows).unwrap_or(u16::MAX))
        .max(min_list);
    let list_height = ((head + question.options.len() + 2) as u16).min(max_list);
    let [list_area, help_area] = if side {
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(area)
    } else {
        Layout::vertical([Constraint::Length(list_height), Constraint::Min(0)]).areas(area)
    };

    let mut lines: Vec<Line> = description
        .into_iter()
        .map(|l| Line::styled(l, t.muted()))
        .collect();
    if head > 0 {
        lines.push(Line::default());
    }
    // Rows for options inside the border; the window keeps the highlight in view. When not
    // every option fits, a row above and one below say how many are out of sight.
    let room = if side { area.height } else { list_height }
        .saturating_sub(2)
        .saturating_sub(lines.len() as u16)
        .max(1) as usize;
    let count = question.options.len();
    let window = |rows: usize| {
        highlight
            .saturating_sub(rows.saturating_sub(1) / 2)
            .min(count.saturating_sub(rows))
    };
    // One marker row when the window touches an end of the list, two in the middle.
    let mut rows = if count > room { room - 1 } else { room }.max(1);
    let mut first = window(rows);
    if count > room && first > 0 && first + rows < count {
        rows = room.saturating_sub(2).max(1);
        first = window(rows);
    }
    let hidden_below = count.saturating_sub(first + rows);
    if first > 0 {
        lines.push(more_line(app, first, "above"));
    }
    for (n, option) in question.options.iter().enumerate().skip(first).take(rows) {
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
    if hidden_below > 0 {
        lines.push(more_line(app, hidden_below, "below"));
    }
    frame.render_widget(
        Paragraph::new(Text::from(lines)).block(block(t, &question.title)),
        list_area,
    );

    help_panel(app, question, highlight, frame, help_area);
}

/// The marker over or under a list that does not fit: how many options are out of sight.
fn more_line(app: &App, hidden: usize, side: &str) -> Line<'static> {
    let arrow = match (app.theme.ascii, side) {
        (true, "above") => "^",
        (true, _) => "v",
        (false, "above") => "\u{2191}",
        (false, _) => "\u{2193}",
    };
    let options = if hidden == 1 { "option" } else { "options" };
    Line::styled(
        format!("  {arrow} {hidden} more {options} {side}"),
        app.theme.muted(),
    )
}

/// The help panel for the highlighted option: its help, example and reference. Each field
/// starts on the same row for every option of the question (when the panel is tall enough),
/// so moving the highlight rewrites only the words that differ, not text that merely moved.
fn help_panel(app: &App, question: &Question, highlight: usize, frame: &mut Frame, area: Rect) {
    let t = app.theme;
    let Some(option) = question.options.get(highlight) else {
        return;
    };
    let title = format!("Option {} of {}", highlight + 1, question.options.len());
    let outer = block(t, &title);
    let inner = outer.inner(area);
    let width = usize::from(inner.width);
    let slots = help_slots(question, width);
    let fixed = slots.iter().sum::<usize>() <= usize::from(inner.height);
    let mut lines: Vec<Line> = Vec::new();
    let headings = [None, Some(EXAMPLE), Some(REFERENCE)];
    for ((slot, field), heading) in slots.into_iter().zip(fields(option, width)).zip(headings) {
        let used = field.len();
        for (n, text) in field.into_iter().enumerate() {
            let bold = heading.filter(|h| n == 0 && text.starts_with(h));
            lines.push(match bold {
                Some(heading) => Line::from(vec![
                    Span::styled(heading, t.heading()),
                    Span::raw(text[heading.len()..].to_string()),
                ]),
                None => Line::raw(text),
            });
        }
        if fixed {
            lines.extend((used..slot).map(|_| Line::default()));
        }
    }
    frame.render_widget(Paragraph::new(Text::from(lines)).block(outer), area);
}

/// An option's help, example and reference, wrapped to `width`.
fn fields(o: &AnswerOption, width: usize) -> [Vec<String>; 3] {
    [
        wrap(&o.help, width),
        field_lines(EXAMPLE, o.example.as_deref(), width),
        field_lines(REFERENCE, o.relates_to.as_deref(), width),
    ]
}

/// Rows each help field takes for the longest option of `question`.
fn help_slots(question: &Question, width: usize) -> [usize; 3] {
    let mut slots = [0; 3];
    for option in &question.options {
        for (slot, lines) in slots.iter_mut().zip(fields(option, width)) {
            *slot = (*slot).max(lines.len());
        }
    }
    slots
}

const EXAMPLE: &str = "Example: ";
const REFERENCE: &str = "Relates to: ";

/// A help field wrapped to `width` after its heading; no lines when the option has none.
fn field_lines(heading: &str, value: Option<&str>, width: usize) -> Vec<String> {
    value.map_or_else(Vec::new, |v| wrap(&format!("{heading}{v}"), width))
}
