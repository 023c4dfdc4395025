//! One scroll view for every long pane (a clause's full text, the why-trace, a stored
//! record): the lines are wrapped by the caller (so their count is exact), the view keeps
//! an offset clamped to the text, scrolls by line, page and end, and shows "lines a-b of n"
//! in its border when the text does not fit.
//!
//! How a screen uses it: keep a [`ScrollView`] in the state; on a scrolling action call
//! [`ScrollView::scroll`] with the number of lines and the page height (both from the same
//! layout function the view uses, so `update` stays pure); draw with [`ScrollView::render`],
//! which clamps again, so a resize never shows past the end.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Text};
use ratatui::widgets::{Block, Paragraph};

use crate::tui::theme::Theme;

/// A scrolling action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scroll {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
}

/// The offset of a scrolled text: the index of its first line on screen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScrollView {
    offset: usize,
}

impl ScrollView {
    pub fn offset(self) -> usize {
        self.offset
    }

    /// Scroll a text of `lines` lines shown `page` lines at a time.
    pub fn scroll(&mut self, how: Scroll, lines: usize, page: usize) {
        let max = lines.saturating_sub(page);
        let page = page.max(1);
        self.offset = match how {
            Scroll::Up => self.offset.saturating_sub(1),
            Scroll::Down => self.offset.saturating_add(1),
            Scroll::PageUp => self.offset.saturating_sub(page),
            Scroll::PageDown => self.offset.saturating_add(page),
            Scroll::Top => 0,
            Scroll::Bottom => max,
        }
        .min(max);
    }

    /// Back to the top (a new text).
    pub fn reset(&mut self) {
        self.offset = 0;
    }

    /// Draw `lines` inside `block` (if any) from the offset; when they do not fit, the
    /// block's bottom border says which lines show.
    pub fn render(
        self,
        frame: &mut Frame,
        area: Rect,
        block: Option<Block<'_>>,
        lines: Vec<Line<'_>>,
        theme: Theme,
    ) {
        let area = area.intersection(frame.area());
        let inner = block.as_ref().map_or(area, |b| b.inner(area));
        let page = usize::from(inner.height);
        let total = lines.len();
        let first = self.offset.min(total.saturating_sub(page));
        let shown: Vec<Line> = lines.into_iter().skip(first).take(page).collect();
        let last = first + shown.len();
        let mut paragraph = Paragraph::new(Text::from(shown));
        if let Some(mut block) = block {
            if total > page {
                let position = format!(" lines {}-{last} of {total} ", first + 1);
                block = block.title_bottom(Line::styled(position, theme.muted()).right_aligned());
            }
            paragraph = paragraph.block(block);
        }
        frame.render_widget(paragraph, area);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrolling_is_clamped_to_the_text() {
        let mut view = ScrollView::default();
        view.scroll(Scroll::PageDown, 25, 10);
        assert_eq!(view.offset(), 10);
        view.scroll(Scroll::PageDown, 25, 10);
        assert_eq!(view.offset(), 15, "the last page ends on the last line");
        view.scroll(Scroll::Down, 25, 10);
        assert_eq!(view.offset(), 15);
        view.scroll(Scroll::Up, 25, 10);
        assert_eq!(view.offset(), 14);
        view.scroll(Scroll::Top, 25, 10);
        assert_eq!(view.offset(), 0);
        view.scroll(Scroll::Bottom, 5, 10);
        assert_eq!(view.offset(), 0, "a short text does not scroll");
    }
}
