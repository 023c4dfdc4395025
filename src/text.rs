//! Small text helpers shared by every output: neutralising control characters in text that
//! came from a user or a file, and word-wrapping by display width.

use unicode_width::UnicodeWidthStr;

/// Replace control characters (including ESC, so no terminal escape sequence survives) with
/// visible escapes. Newlines and tabs become spaces: every field prints on its own line.
pub fn sanitize(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        match c {
            '\n' | '\t' | '\r' => out.push(' '),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Word-wrap `text` to lines of at most `width` display cells (a longer word gets its own line).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    wrap_hanging(text, width, width)
}

/// Word-wrap with a first line of `first` cells and the others of `rest` (for text after a
/// label, with later lines indented).
pub fn wrap_hanging(text: &str, first: usize, rest: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let width = if lines.is_empty() { first } else { rest }.max(8);
        let needed = if line.is_empty() {
            word.width()
        } else {
            line.width() + 1 + word.width()
        };
        if needed > width && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_neutralises_escape_sequences() {
        assert_eq!(sanitize("a\x1b[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(sanitize("line\nbreak"), "line break");
        assert_eq!(sanitize("深圳稀土"), "深圳稀土");
    }

    #[test]
    fn wrap_respects_display_width() {
        assert_eq!(wrap("aaa bbb ccc", 8), vec!["aaa bbb", "ccc"]);
        // Each CJK character is two cells wide.
        assert_eq!(wrap("深圳 稀土 公司", 9), vec!["深圳 稀土", "公司"]);
        assert_eq!(wrap("", 10), vec![""]);
    }
}
