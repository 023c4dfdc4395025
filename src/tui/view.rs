//! Drawing: `view(&App, &mut Frame)` lays out the header (step indicator), the current
//! screen, a status line and the key bar, then any overlay. Every rect is clamped to the
//! frame, and below the minimum size only the too-small message is drawn.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::app::{App, Overlay, SaveState, Step};
use super::keys::{Context, bar_words};
use super::screens;
use super::theme::Theme;
use crate::text::sanitize;

/// Smallest terminal the workbench draws in; below it, it says so.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

/// Whether a terminal of `size` is below the minimum (only the too-small message shows,
/// and only Ctrl-C acts).
pub fn too_small(size: (u16, u16)) -> bool {
    size.0 < MIN_WIDTH || size.1 < MIN_HEIGHT
}

/// The fixed regions of every screen.
pub struct Areas {
    pub header: Rect,
    pub body: Rect,
    pub status: Rect,
    pub footer: Rect,
}

pub fn areas(area: Rect) -> Areas {
    let row = |y: u16, height: u16| Rect::new(area.x, y, area.width, height).intersection(area);
    let body_height = area.height.saturating_sub(3);
    Areas {
        header: row(area.y, 1),
        body: row(area.y.saturating_add(1), body_height),
        status: row(area.y.saturating_add(1 + body_height), 1),
        footer: row(area.y.saturating_add(2 + body_height), 1),
    }
}

/// Draw the workbench; returns where the terminal cursor belongs (the caret of the text
/// field being edited), also set on the frame.
pub fn view(app: &App, frame: &mut Frame) -> Option<Position> {
    let area = frame.area();
    if too_small((area.width, area.height)) {
        screens::too_small::render(app, frame, area);
        return None;
    }
    let areas = areas(area);
    let mut caret = None;
    if let Some(history) = &app.history {
        caret = screens::history_list::render_view(app, history, frame, &areas);
    } else {
        header(app, frame, areas.header);
        match app.step {
            Step::Question(q) if app.is_picker(q) => {
                caret = screens::picker::render(app, frame, areas.body)
            }
            Step::Question(_) => screens::list::render(app, frame, areas.body),
            Step::Details => caret = screens::form::render(app, frame, areas.body),
            Step::Review => screens::review::render(app, frame, areas.body),
            Step::Result => screens::result::render(app, frame, areas.body),
        }
        status(app, frame, areas.status);
    }
    key_bar(app, frame, areas.footer);
    match &app.overlay {
        Some(Overlay::Help(scroll)) => screens::help::render(app, *scroll, frame, area),
        Some(Overlay::Confirm(_) | Overlay::KeepDate { .. }) => {
            screens::confirm::render(app, frame, area)
        }
        Some(Overlay::Resume(list)) => screens::resume::render(app, list, frame, area),
        Some(Overlay::DismissMatch { finding, reason }) => {
            let at = screens::form::render_dismiss(app, finding, reason, frame, area);
            if let Some(position) = at {
                frame.set_cursor_position(position);
            }
            return at;
        }
        None => {}
    }
    let caret = caret.filter(|_| app.overlay.is_none());
    if let Some(position) = caret {
        frame.set_cursor_position(position);
    }
    caret
}

fn header(app: &App, frame: &mut Frame, area: Rect) {
    let t = app.theme;
    let step = match app.step {
        Step::Question(q) => format!("Question {} - {}", q + 1, app.step.title(&app.rules)),
        Step::Result => format!("Result - {}", app.step.title(&app.rules)),
        _ => app.step.title(&app.rules),
    };
    let line = Line::from(vec![
        Span::styled(" ree-screen ", t.title()),
        Span::raw("| "),
        Span::styled(step, t.heading()),
    ]);
    frame.render_widget(Paragraph::new(line), area);
}

fn status(app: &App, frame: &mut Frame, area: Rect) {
    let t = app.theme;
    let saved = app
        .decision
        .as_ref()
        .filter(|_| app.step == Step::Result)
        .map(|o| &o.saved);
    let line = match (&app.notice, saved) {
        (Some(notice), _) => Line::styled(format!(" {}", sanitize(notice)), t.warning()),
        (None, Some(SaveState::Unsaved)) => Line::styled(" Not saved yet", t.warning()),
        (None, Some(SaveState::Saving)) => Line::styled(" Saving...", t.muted()),
        (None, Some(SaveState::Saved(id))) => {
            // The key, or why none signed, is in the record (80 columns hold no more).
            let signed = match app.saved_signed {
                Some(true) => ", signed",
                Some(false) => ", unsigned",
                None => "",
            };
            Line::styled(format!(" Saved as {}{signed}", sanitize(id)), t.success())
        }
        (None, Some(SaveState::Failed(message))) => {
            Line::styled(format!(" Not saved: {}", sanitize(message)), t.error())
        }
        (None, None) => Line::default(),
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// One key bar entry: the keys in words, what they do, and the command's name.
pub type BarEntry = (String, &'static str, &'static str);

/// The commands of `context` that have a key bar label, with their keys in words.
/// Neighbours with the same label merge ("Up/Down move").
pub fn bar_entries(app: &App, context: Context) -> Vec<BarEntry> {
    let mut entries: Vec<BarEntry> = Vec::new();
    for (command, keys) in app.keys.commands(context) {
        let Some(label) = command.bar else { continue };
        let first = bar_words(&keys);
        match entries.last_mut() {
            Some((words, last, _)) if *last == label => {
                words.push('/');
                words.push_str(&first);
            }
            _ => entries.push((first, label, command.name)),
        }
    }
    entries
}

/// Entries as one line: the keys styled as keys, then what they do.
pub fn key_spans(theme: Theme, entries: Vec<BarEntry>) -> Line<'static> {
    let mut spans = vec![Span::raw(" ")];
    for (words, label, _) in entries {
        spans.push(Span::styled(words, theme.key()));
        spans.push(Span::raw(format!(" {label}  ")));
    }
    Line::from(spans)
}

/// The keys that matter now, from the command table. When they do not fit, the history,
/// paging, moving and "not known" keys go first, then entries from the right; back, help and
/// quit stay (the `?` overlay lists every key).
fn key_bar(app: &App, frame: &mut Frame, area: Rect) {
    const KEPT: [&str; 3] = ["back", "help", "quit"];
    const FIRST_TO_GO: [&str; 4] = ["history", "page-down", "up", "not-known"];
    if let Some(Overlay::Confirm(pending)) = &app.overlay {
        let line = screens::confirm::answer_line(app, *pending);
        frame.render_widget(Paragraph::new(line), area);
        return;
    }
    let mut entries = bar_entries(app, app.context());
    let width = |entries: &[BarEntry]| {
        1 + entries
            .iter()
            .map(|(words, label, _)| words.width() + label.width() + 3)
            .sum::<usize>()
    };
    while width(&entries) > usize::from(area.width) {
        let dispensable = FIRST_TO_GO
            .iter()
            .find_map(|gone| entries.iter().position(|(_, _, name)| name == gone));
        let Some(drop) = dispensable.or_else(|| {
            entries
                .iter()
                .rposition(|(_, _, name)| !KEPT.contains(name))
        }) else {
            break;
        };
        entries.remove(drop);
    }
    frame.render_widget(Paragraph::new(key_spans(app.theme, entries)), area);
}

/// A bordered block in the theme's border set.
pub fn block(theme: Theme, title: &str) -> Block<'static> {
    Block::bordered()
        .border_set(theme.border())
        .title(Span::styled(format!(" {title} "), theme.heading()))
}

/// Rows `lines` take when wrapped inside a bordered popup `width` cells wide, borders included.
pub fn popup_height(lines: &[Line], width: u16) -> u16 {
    let inner = usize::from(width.saturating_sub(2).max(1));
    let rows: usize = lines.iter().map(|l| l.width().div_ceil(inner).max(1)).sum();
    u16::try_from(rows + 2).unwrap_or(u16::MAX)
}

/// The part of `area` under its first `rows` rows.
pub fn below(area: Rect, rows: u16) -> Rect {
    Rect::new(
        area.x,
        area.y.saturating_add(rows),
        area.width,
        area.height.saturating_sub(rows),
    )
    .intersection(area)
}

/// A centred rect of at most `width` x `height`, never larger than `area`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    )
}
