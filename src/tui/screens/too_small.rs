//! Shown instead of the workbench when the terminal is below the minimum size.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::{Paragraph, Wrap};

use crate::tui::app::App;
use crate::tui::view::{MIN_HEIGHT, MIN_WIDTH};

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let message = format!(
        "Terminal too small: need at least {MIN_WIDTH}x{MIN_HEIGHT}, now {}x{}. Enlarge the window; Ctrl-C quits.",
        area.width, area.height
    );
    frame.render_widget(
        Paragraph::new(message)
            .style(app.theme.warning())
            .wrap(Wrap { trim: true }),
        area,
    );
}
