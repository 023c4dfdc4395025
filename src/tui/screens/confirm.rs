//! Questions over the screen: quitting or starting over with an unsaved determination,
//! saving the impact view's re-screens, and whether a resumed draft keeps its old screening
//! date. Each says what its keys do, from the command table.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Text};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::tui::app::{App, Overlay, Pending};
use crate::tui::history_view;
use crate::tui::keys::Context;
use crate::tui::view::{bar_entries, block, centered, key_spans, popup_height};

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let (title, text, key_line) = match &app.overlay {
        Some(Overlay::Confirm(pending)) => {
            let (title, text) = match pending {
                Pending::Quit => (
                    "Quit?",
                    "The determination on screen is not saved. Quit anyway?".to_string(),
                ),
                Pending::New => (
                    "New screening?",
                    "The determination on screen is not saved. Start a new screening anyway?"
                        .into(),
                ),
                Pending::Copy => (
                    "Start from an earlier screening?",
                    "The form's determination is not saved. Start the new screening anyway?".into(),
                ),
                Pending::SaveImpact => (
                    "Save the re-screens?",
                    history_view::save_impact_question(app),
                ),
            };
            (title, text, answer_line(app, *pending))
        }
        Some(Overlay::KeepDate { old }) => (
            "Screening date",
            format!(
                "This draft's screening date is {old}; today is {}. The rules are applied as on the screening date.",
                app.today
            ),
            key_line(app, Context::KeepDate),
        ),
        _ => return,
    };
    let lines = vec![Line::raw(text), Line::default(), key_line];
    let width = area.width.min(70);
    let popup = centered(area, width, popup_height(&lines, width));
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(Text::from(lines))
            .wrap(Wrap { trim: false })
            .block(block(app.theme, title)),
        popup,
    );
}

/// What each key of a yes/no question does, in words of that question ("y quit without
/// saving  n stay here"), with the keys from the command table.
pub fn answer_line(app: &App, pending: Pending) -> Line<'static> {
    let (yes, no) = match pending {
        Pending::Quit => ("quit, the determination is lost", "stay here"),
        Pending::New => ("start anew, the determination is lost", "stay here"),
        Pending::Copy => ("start from it, the determination is lost", "stay here"),
        Pending::SaveImpact => ("save them all", "save nothing"),
    };
    let quit = match pending {
        Pending::Quit => None,
        Pending::New | Pending::Copy | Pending::SaveImpact => Some("quit"),
    };
    let entries = bar_entries(app, Context::Confirm)
        .into_iter()
        .filter_map(|(words, _, name)| {
            let label = match name {
                "yes" => yes,
                "no" => no,
                _ => quit?,
            };
            Some((words, label, name))
        })
        .collect();
    key_spans(app.theme, entries)
}

/// Every command of a dialog with its keys, as the key bar words them: "Enter resume it".
pub fn key_line(app: &App, context: Context) -> Line<'static> {
    key_spans(app.theme, bar_entries(app, context))
}
