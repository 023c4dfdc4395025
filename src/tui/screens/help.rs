//! The `?` overlay: every key of the current screen, read from the command table (the same
//! one that maps keys and draws the key bar).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::tui::app::App;
use crate::tui::keys::{Context, keys_words};
use crate::tui::view::{block, centered, popup_height};

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
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
    let lines: Vec<Line> = rows
        .into_iter()
        .map(|(keys, help)| {
            Line::from(vec![
                Span::styled(format!("{keys:<key_width$}  "), t.key()),
                Span::raw(help),
            ])
        })
        .collect();
    let width = area.width.min(76);
    let popup = centered(area, width, popup_height(&lines, width));
    frame.render_widget(Clear, popup);
    let title = format!("Keys: {}", app.screen_title());
    frame.render_widget(
        Paragraph::new(Text::from(lines))
            .wrap(Wrap { trim: false })
            .block(block(t, &title)),
        popup,
    );
}
