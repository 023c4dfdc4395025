//! The `?` overlay: every key of the current screen, read from the command table (the same
//! one that maps keys and draws the key bar). What does not fit scrolls (Up/Down, PgUp/PgDn)
//! and the border says which lines show.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Clear;

use crate::tui::app::App;
use crate::tui::keys::{Context, keys_words};
use crate::tui::lines::hanging;
use crate::tui::view::{block, centered};
use crate::tui::widgets::scroll_view::ScrollView;

/// The overlay's width in a terminal `width` cells wide.
fn width(width: u16) -> u16 {
    width.min(76)
}

/// Every key of the screen under the overlay and what it does, wrapped under the text to
/// `width` cells inside the border.
fn lines(app: &App, width: u16) -> Vec<Line<'static>> {
    let t = app.theme;
    let mut rows: Vec<(String, &str)> = app
        .keys
        .commands(app.screen_context())
        .into_iter()
        .map(|(command, keys)| (keys_words(&keys), command.help))
        .collect();
    if app.screen_context().takes_text() {
        rows.push(("other keys".into(), "Type into the field"));
    }
    rows.extend(
        app.keys
            .commands(Context::Help)
            .into_iter()
            .filter(|(c, _)| c.name == "close")
            .map(|(c, k)| (keys_words(&k), c.help)),
    );
    let key_width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0).min(24);
    rows.into_iter()
        .flat_map(|(keys, help)| {
            let label = format!("{keys:<key_width$}  ");
            hanging(
                &label,
                t.key(),
                help,
                Style::new(),
                width,
                key_width + 2,
                usize::MAX,
            )
        })
        .collect()
}

/// The overlay's lines and how many show at once in a terminal of `app.size`, for
/// scrolling.
pub fn extent(app: &App) -> (usize, usize) {
    let (w, h) = app.size;
    let lines = lines(app, width(w).saturating_sub(2)).len();
    (lines, usize::from(h.saturating_sub(2)).min(lines))
}

pub fn render(app: &App, scroll: ScrollView, frame: &mut Frame, area: Rect) {
    let width = width(area.width);
    let lines = lines(app, width.saturating_sub(2));
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let popup = centered(area, width, height);
    frame.render_widget(Clear, popup);
    let title = format!("Keys: {}", app.screen_title());
    scroll.render(
        frame,
        popup,
        Some(block(app.theme, &title)),
        lines,
        app.theme,
    );
}
