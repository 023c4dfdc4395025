//! Text laid out for panes, lists and summaries: text after a label, wrapped by display
//! width with a hanging indent, long words broken so nothing is lost off the edge, at most
//! so many lines with "~" where it was cut; a cell cut or padded to a width; and a styled
//! line cut to a width.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::text::{sanitize, wrap_hanging};

/// `text` after `label` on the first line, wrapped to `width`, at most `max` lines (the
/// last cut one ends in "~"). Later lines are indented under the label's first word (two
/// cells past its leading blanks; none after an empty label); a word longer than a line,
/// such as an address, is broken so all of it shows.
pub fn labelled(
    label: &str,
    label_style: Style,
    text: &str,
    style: Style,
    width: u16,
    max: usize,
) -> Vec<Line<'static>> {
    let lead = label.len() - label.trim_start().len();
    let indent = match (label.is_empty(), label.trim().is_empty()) {
        (true, _) => 0,
        (false, true) => label.width(),
        (false, false) => lead + 2,
    };
    hanging(label, label_style, text, style, width, indent, max)
}

/// `text` after `label`, wrapped to `width` with later lines indented `indent` cells, at
/// most `max` lines (the last cut one ends in "~"); long words are broken.
pub fn hanging(
    label: &str,
    label_style: Style,
    text: &str,
    style: Style,
    width: u16,
    indent: usize,
    max: usize,
) -> Vec<Line<'static>> {
    let width = usize::from(width);
    let first = width.saturating_sub(label.width());
    let rest = width.saturating_sub(indent);
    let mut lines = Vec::new();
    for (i, line) in wrap_hanging(&sanitize(text), first, rest)
        .into_iter()
        .enumerate()
    {
        let room = if i == 0 && lines.is_empty() {
            first
        } else {
            rest
        };
        lines.extend(split_long(&line, room.max(1)));
    }
    cap(&mut lines, max, rest);
    lines
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                Line::from(vec![
                    Span::styled(label.to_string(), label_style),
                    Span::styled(l, style),
                ])
            } else {
                Line::styled(format!("{}{l}", " ".repeat(indent)), style)
            }
        })
        .collect()
}

/// A line cut into pieces of at most `width` cells (only a single long word needs it).
fn split_long(line: &str, width: usize) -> Vec<String> {
    if line.width() <= width {
        return vec![line.to_string()];
    }
    let mut pieces = vec![String::new()];
    let mut used = 0;
    for c in line.chars() {
        let w = UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > width {
            pieces.push(String::new());
            used = 0;
        }
        if let Some(piece) = pieces.last_mut() {
            piece.push(c);
        }
        used += w;
    }
    pieces
}

/// Keep at most `max` lines; the last kept one ends in "~" when some were cut.
pub fn cap(lines: &mut Vec<String>, max: usize, width: usize) {
    if lines.len() <= max {
        return;
    }
    lines.truncate(max.max(1));
    if let Some(last) = lines.last_mut() {
        *last = format!("{}~", fit(last, width.saturating_sub(1)).trim_end());
    }
}

/// A line cut to `width` cells.
pub fn clip_line(line: Line<'static>, width: u16) -> Line<'static> {
    let mut left = usize::from(width);
    let mut spans = Vec::new();
    for span in line.spans {
        if left == 0 {
            break;
        }
        let w = span.content.width();
        if w <= left {
            left -= w;
            spans.push(span);
        } else {
            let cut = fit(&span.content, left).trim_end().to_string();
            spans.push(Span::styled(cut, span.style));
            left = 0;
        }
    }
    Line::from(spans)
}

/// `text` (sanitised) cut or padded to exactly `width` display cells; a cut shows as a
/// trailing `~`.
pub fn fit(text: &str, width: usize) -> String {
    let text = sanitize(text);
    if text.width() <= width {
        return format!("{text}{}", " ".repeat(width - text.width()));
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    if width > 0 {
        out.push('~');
        used += 1;
    }
    out.push_str(&" ".repeat(width.saturating_sub(used)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_fit_by_display_width() {
        assert_eq!(fit("abc", 5), "abc  ");
        assert_eq!(fit("abcdef", 4), "abc~");
        assert_eq!(fit("深圳稀土", 5), "深圳~");
        assert_eq!(fit("深圳稀土", 6), "深圳~ ");
        assert_eq!(fit("a\u{1b}[31m", 12).trim_end(), "a\\u{1b}[31m");
    }
}
