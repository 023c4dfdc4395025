//! Small text helpers shared by every output: the one sanitiser for text that came from a
//! user or a file before it reaches a terminal, and word-wrapping by display width.

use unicode_width::UnicodeWidthStr;

/// Characters that must never reach a terminal as they are: C0 and C1 controls and DEL
/// (escape sequences, bells, cursor moves) and the bidirectional formatting characters,
/// which can make text display in another order than it reads (CVE-2021-42574).
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

fn escape(c: char, out: &mut String) {
    out.push_str(&format!("\\u{{{:x}}}", c as u32));
}

/// Replace unsafe characters with visible escapes. Newlines and tabs become spaces: every
/// field prints on its own line.
pub fn sanitize(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        match c {
            '\n' | '\t' | '\r' => out.push(' '),
            c if is_unsafe(c) => escape(c, &mut out),
            c => out.push(c),
        }
    }
    out
}

/// A path as printed: the data directory and other paths come from the environment, and are
/// sanitised like any other text.
pub fn shown_path(path: impl AsRef<std::path::Path>) -> String {
    sanitize(&path.as_ref().display().to_string())
}

/// As [`sanitize`], but keeps line breaks: for multi-line messages and reports.
pub fn sanitize_lines(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        match c {
            '\n' => out.push('\n'),
            '\t' => out.push(' '),
            c if is_unsafe(c) => escape(c, &mut out),
            c => out.push(c),
        }
    }
    out
}

/// A cell a spreadsheet would run as a formula gets a leading apostrophe (CSV injection).
pub fn neutralise_formula(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_string(),
    }
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
        assert_eq!(sanitize("a\u{9b}31mb"), "a\\u{9b}31mb", "C1 CSI");
        assert_eq!(sanitize("x\u{7f}"), "x\\u{7f}", "DEL");
        assert_eq!(
            sanitize("abc\u{202e}fed"),
            "abc\\u{202e}fed",
            "right-to-left override"
        );
        assert_eq!(
            sanitize("\u{2067}x\u{2069}"),
            "\\u{2067}x\\u{2069}",
            "isolates"
        );
        assert_eq!(sanitize_lines("a\nb\u{1b}"), "a\nb\\u{1b}");
    }

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(
            neutralise_formula("=HYPERLINK(\"x\")"),
            "'=HYPERLINK(\"x\")"
        );
        assert_eq!(neutralise_formula("+1"), "'+1");
        assert_eq!(neutralise_formula("-1"), "'-1");
        assert_eq!(neutralise_formula("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise_formula("PO-1"), "PO-1");
        assert_eq!(neutralise_formula(""), "");
    }

    #[test]
    fn wrap_respects_display_width() {
        assert_eq!(wrap("aaa bbb ccc", 8), vec!["aaa bbb", "ccc"]);
        // Each CJK character is two cells wide.
        assert_eq!(wrap("深圳 稀土 公司", 9), vec!["深圳 稀土", "公司"]);
        assert_eq!(wrap("", 10), vec![""]);
    }
}
