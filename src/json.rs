//! JSON text helpers for files people edit by hand: where a value sits (line and column of a
//! JSON path, for error messages) and duplicate object keys, which serde_json would silently
//! accept (the last one wins), so a rules file could say one thing and mean another.

use std::collections::HashSet;

/// One step of a JSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

pub fn key(k: &str) -> Seg {
    Seg::Key(k.to_string())
}

/// `rules[3].clauses[1]` style.
pub fn render_path(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// serde_json appends " at line L column C"; callers print the position themselves.
pub fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// Line and column (1-based) of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rfind('\n').map_or(before.len(), |nl| before.len() - nl - 1) + 1;
    (line, column)
}

/// Line and column where the value at `path` starts, by walking the (syntactically valid)
/// JSON text.
pub fn locate(text: &str, path: &[Seg]) -> Option<(usize, usize)> {
    let mut walker = Walker::new(text);
    walker.target = Some(path);
    walker.value();
    walker.found.map(|offset| line_column(text, offset))
}

/// A key that appears twice in one object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateKey {
    pub path: String,
    pub key: String,
    pub line: usize,
    pub column: usize,
}

/// The first duplicate key in the (syntactically valid) JSON text, if any.
pub fn first_duplicate_key(text: &str) -> Option<DuplicateKey> {
    let mut walker = Walker::new(text);
    walker.value();
    walker.duplicate.map(|(path, key, offset)| {
        let (line, column) = line_column(text, offset);
        DuplicateKey {
            path,
            key,
            line,
            column,
        }
    })
}

struct Walker<'a> {
    bytes: &'a [u8],
    at: usize,
    path: Vec<Seg>,
    target: Option<&'a [Seg]>,
    found: Option<usize>,
    duplicate: Option<(String, String, usize)>,
}

impl<'a> Walker<'a> {
    fn new(text: &'a str) -> Walker<'a> {
        Walker {
            bytes: text.as_bytes(),
            at: 0,
            path: Vec::new(),
            target: None,
            found: None,
            duplicate: None,
        }
    }

    fn done(&self) -> bool {
        self.found.is_some() || self.duplicate.is_some()
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.at += 1;
        }
    }

    fn value(&mut self) {
        self.skip_ws();
        if self.done() {
            return;
        }
        if self.target == Some(self.path.as_slice()) {
            self.found = Some(self.at);
            return;
        }
        match self.peek() {
            Some(b'{') => self.object(),
            Some(b'[') => self.array(),
            Some(b'"') => {
                self.string();
            }
            _ => {
                while self
                    .peek()
                    .is_some_and(|b| !matches!(b, b',' | b']' | b'}') && !b.is_ascii_whitespace())
                {
                    self.at += 1;
                }
            }
        }
    }

    fn string(&mut self) -> String {
        let start = self.at + 1;
        self.at += 1;
        while let Some(b) = self.peek() {
            match b {
                b'\\' => self.at += 2,
                b'"' => break,
                _ => self.at += 1,
            }
        }
        let end = self.at.min(self.bytes.len());
        self.at += 1;
        let raw = String::from_utf8_lossy(&self.bytes[start.min(end)..end]).into_owned();
        // Keys with escapes are compared decoded, so "a" and "\u0061" count as the same key.
        serde_json::from_str::<String>(&format!("\"{raw}\"")).unwrap_or(raw)
    }

    fn object(&mut self) {
        self.at += 1;
        let mut seen = HashSet::new();
        loop {
            self.skip_ws();
            match self.peek() {
                Some(b'}') | None => {
                    self.at += 1;
                    return;
                }
                Some(b',') => self.at += 1,
                Some(b'"') => {
                    let key_at = self.at;
                    let k = self.string();
                    if !seen.insert(k.clone()) && self.duplicate.is_none() {
                        self.duplicate = Some((render_path(&self.path), k.clone(), key_at));
                        return;
                    }
                    self.skip_ws();
                    self.at += 1; // ':'
                    self.path.push(Seg::Key(k));
                    self.value();
                    self.path.pop();
                    if self.done() {
                        return;
                    }
                }
                Some(_) => self.at += 1,
            }
        }
    }

    fn array(&mut self) {
        self.at += 1;
        let mut index = 0;
        loop {
            self.skip_ws();
            match self.peek() {
                Some(b']') | None => {
                    self.at += 1;
                    return;
                }
                Some(b',') => self.at += 1,
                Some(_) => {
                    self.path.push(Seg::Index(index));
                    self.value();
                    self.path.pop();
                    index += 1;
                    if self.done() {
                        return;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_values_and_duplicate_keys() {
        let text = "{\n \"a\": [1, {\"b\": 2}],\n \"c\": {\"d\": 1, \"d\": 2}\n}";
        assert_eq!(
            locate(text, &[key("a"), Seg::Index(1), key("b")]),
            Some((2, 16))
        );
        assert_eq!(
            first_duplicate_key(text),
            Some(DuplicateKey {
                path: "c".into(),
                key: "d".into(),
                line: 3,
                column: 16
            })
        );
        assert_eq!(first_duplicate_key("{\"a\": {\"a\": 1}}"), None);
        assert!(first_duplicate_key("{\"a\": 1, \"\\u0061\": 2}").is_some());
    }
}
