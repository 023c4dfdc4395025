//! Yes/no questions over the screen: quitting or starting over with an unsaved
//! determination, and resuming a draft from an earlier session.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::present::option_label;
use crate::text::sanitize;
use crate::tui::app::{App, Overlay, Pending};
use crate::tui::keys::{Context, bar_words};
use crate::tui::view::{block, centered, popup_height};

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let t = app.theme;
    let (title, mut lines) = match &app.overlay {
        Some(Overlay::Confirm(Pending::Quit)) => (
            "Quit?",
            vec![Line::raw(
                "The determination on screen is not saved. Quit anyway?",
            )],
        ),
        Some(Overlay::Confirm(Pending::New)) => (
            "New screening?",
            vec![Line::raw(
                "The determination on screen is not saved. Start a new screening anyway?",
            )],
        ),
        Some(Overlay::Resume(draft)) => {
            let mut lines = vec![Line::raw(
                "An unfinished screening was kept from an earlier session:",
            )];
            for question in &app.rules.questions {
                if let Some(id) = draft.answers.get(&question.id) {
                    let label = option_label(&app.rules, &question.id, id);
                    lines.push(Line::raw(format!("  {}: {label}", question.title)));
                }
            }
            if !draft.details.reference.is_empty() {
                lines.push(Line::raw(format!(
                    "  Reference: {}",
                    sanitize(&draft.details.reference)
                )));
            }
            if !draft.details.counterparty.is_empty() {
                lines.push(Line::raw(format!(
                    "  Counterparty: {}",
                    sanitize(&draft.details.counterparty)
                )));
            }
            lines.push(Line::raw("Resume it? (No discards it and starts afresh.)"));
            ("Resume draft?", lines)
        }
        _ => return,
    };
    lines.push(Line::default());
    let mut keys = Vec::new();
    for (command, bound) in app.keys.commands(Context::Confirm) {
        keys.push(Span::styled(bar_words(&bound), t.key()));
        keys.push(Span::raw(format!(
            " {}  ",
            command.bar.unwrap_or(command.name)
        )));
    }
    lines.push(Line::from(keys));
    let width = area.width.min(70);
    let popup = centered(area, width, popup_height(&lines, width));
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(Text::from(lines))
            .wrap(Wrap { trim: false })
            .block(block(t, title)),
        popup,
    );
}
