//! Loading a rule set from JSON text and refusing anything malformed or inconsistent with an
//! error that names the file, the line and column, the JSON path and what is wrong.

use std::collections::HashSet;
use std::fmt;
use std::path::Path;

use super::model::{QuestionId, RuleSet, UNKNOWN};

/// The rule set compiled into the binary.
pub const EMBEDDED_TEXT: &str = include_str!("../../assets/rules/cn-rare-earth-2025.json");
pub const EMBEDDED_NAME: &str = "assets/rules/cn-rare-earth-2025.json (embedded)";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RulesError {
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// JSON path of the offending value, e.g. `rules[3].clauses[1]`.
    pub path: Option<String>,
    pub message: String,
}

impl fmt::Display for RulesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        if let Some(path) = &self.path {
            write!(f, ": at {path}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for RulesError {}

/// The embedded rule set. It is checked by the test suite, so failure here means a broken build.
pub fn embedded() -> Result<RuleSet, RulesError> {
    parse(EMBEDDED_NAME, EMBEDDED_TEXT)
}

pub fn load_file(path: &Path) -> Result<RuleSet, RulesError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| RulesError {
        file: name.clone(),
        line: None,
        column: None,
        path: None,
        message: format!("cannot read the rules file: {e}"),
    })?;
    parse(&name, &text)
}

/// Parse and validate rule-set text; `name` is what errors call the file.
pub fn parse(name: &str, text: &str) -> Result<RuleSet, RulesError> {
    let syntax_error = |line, column, path: Option<String>, message: String| RulesError {
        file: name.to_string(),
        line: Some(line),
        column: Some(column),
        path,
        message,
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let rules: RuleSet = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let path = (path != "." && !path.is_empty()).then_some(path);
        syntax_error(inner.line(), inner.column(), path, strip_position(&inner.to_string()))
    })?;
    de.end()
        .map_err(|e| syntax_error(e.line(), e.column(), None, strip_position(&e.to_string())))?;
    validate(&rules).map_err(|issue| {
        let position = locate(text, &issue.path);
        RulesError {
            file: name.to_string(),
            line: position.map(|p| p.0),
            column: position.map(|p| p.1),
            path: Some(render_path(&issue.path)),
            message: issue.message,
        }
    })?;
    Ok(rules)
}

/// serde_json appends " at line L column C"; we print the position ourselves.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    Key(String),
    Index(usize),
}

fn key(k: &str) -> Seg {
    Seg::Key(k.to_string())
}

struct Issue {
    path: Vec<Seg>,
    message: String,
}

fn issue(path: Vec<Seg>, message: impl Into<String>) -> Issue {
    Issue {
        path,
        message: message.into(),
    }
}

fn render_path(path: &[Seg]) -> String {
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

fn check_unique<'a>(
    ids: impl Iterator<Item = &'a str>,
    base: &[Seg],
    what: &str,
) -> Result<(), Issue> {
    let mut seen = HashSet::new();
    for (i, id) in ids.enumerate() {
        let at = [base, &[Seg::Index(i), key("id")]].concat();
        if id.is_empty() {
            return Err(issue(at, format!("{what} id is empty")));
        }
        if !seen.insert(id) {
            return Err(issue(at, format!("duplicate {what} id \"{id}\"")));
        }
    }
    Ok(())
}

/// Cross-checks that serde cannot express: references resolve, ids are unique, date windows
/// are ordered and do not overlap.
fn validate(rules: &RuleSet) -> Result<(), Issue> {
    if rules.id.trim().is_empty() {
        return Err(issue(vec![key("id")], "rule set id is empty"));
    }
    if rules.version.trim().is_empty() {
        return Err(issue(vec![key("version")], "rule set version is empty"));
    }
    for q in QuestionId::ALL {
        let question = rules.questions.get(q);
        let base = vec![key("questions"), key(q.key()), key("options")];
        check_unique(question.option_ids(), &base, "option")?;
        if let Some((i, o)) = question
            .options
            .iter()
            .enumerate()
            .find(|(_, o)| !o.id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'))
        {
            let at = [base.as_slice(), &[Seg::Index(i), key("id")]].concat();
            return Err(issue(at, format!("option id \"{}\" must be lower-case letters, digits and _", o.id)));
        }
        if question.option(UNKNOWN).is_none() {
            return Err(issue(base, format!("question {} must offer the option \"{UNKNOWN}\"", q.key())));
        }
        if question.known_option_ids().next().is_none() {
            return Err(issue(base, format!("question {} has no option besides \"{UNKNOWN}\"", q.key())));
        }
    }

    check_unique(rules.measures.iter().map(|m| m.id.as_str()), &[key("measures")], "measure")?;
    check_unique(rules.clauses.iter().map(|c| c.id.as_str()), &[key("clauses")], "clause")?;
    check_unique(rules.rules.iter().map(|r| r.id.as_str()), &[key("rules")], "rule")?;

    for (i, m) in rules.measures.iter().enumerate() {
        let at = |field: &str| vec![key("measures"), Seg::Index(i), key(field)];
        if m.effective < m.published {
            return Err(issue(at("effective"), format!("effective {} is before published {}", m.effective, m.published)));
        }
        if m.verified_until < m.published {
            return Err(issue(at("verified_until"), format!("verified_until {} is before published {}", m.verified_until, m.published)));
        }
        if m.sources.is_empty() {
            return Err(issue(at("sources"), format!("measure \"{}\" cites no source", m.id)));
        }
        for (j, s) in m.suspensions.iter().enumerate() {
            let sat = |field: &str| vec![key("measures"), Seg::Index(i), key("suspensions"), Seg::Index(j), key(field)];
            if s.until < s.from {
                return Err(issue(sat("until"), format!("suspension window is inverted: until {} is before from {}", s.until, s.from)));
            }
            if rules.clause(&s.by).is_none() {
                return Err(issue(sat("by"), format!("suspension cites missing clause \"{}\"", s.by)));
            }
            if let Some(other) = m.suspensions[..j].iter().find(|o| o.from <= s.until && s.from <= o.until) {
                return Err(issue(sat("from"), format!(
                    "suspension {}..{} overlaps the earlier window {}..{}",
                    s.from, s.until, other.from, other.until
                )));
            }
        }
    }

    for (i, c) in rules.clauses.iter().enumerate() {
        let at = |field: &str| vec![key("clauses"), Seg::Index(i), key(field)];
        let Some(measure) = rules.measure(&c.measure) else {
            return Err(issue(at("measure"), format!("clause \"{}\" cites missing measure \"{}\"", c.id, c.measure)));
        };
        if c.sources.is_empty() {
            return Err(issue(at("sources"), format!("clause \"{}\" cites no source", c.id)));
        }
        if c.text.trim().is_empty() {
            return Err(issue(at("text"), format!("clause \"{}\" has no text", c.id)));
        }
        if let Some(effective) = c.effective
            && effective < measure.published
        {
            return Err(issue(at("effective"), format!("effective {effective} is before the measure was published ({})", measure.published)));
        }
    }

    for (i, r) in rules.rules.iter().enumerate() {
        let at = |field: &str| vec![key("rules"), Seg::Index(i), key(field)];
        if r.clauses.is_empty() {
            return Err(issue(at("clauses"), format!("rule \"{}\" cites no clause", r.id)));
        }
        for (j, c) in r.clauses.iter().enumerate() {
            if rules.clause(c).is_none() {
                let mut p = at("clauses");
                p.push(Seg::Index(j));
                return Err(issue(p, format!("rule \"{}\" cites missing clause \"{c}\"", r.id)));
            }
        }
        for q in QuestionId::ALL {
            let Some(values) = r.when.get(q) else { continue };
            let mut p = at("when");
            p.push(key(q.key()));
            if values.is_empty() {
                return Err(issue(p, "empty list never matches; leave the field out to match any answer"));
            }
            let question = rules.questions.get(q);
            for (j, v) in values.iter().enumerate() {
                let mut vp = p.clone();
                vp.push(Seg::Index(j));
                if v == UNKNOWN {
                    return Err(issue(vp, format!("rules must not name \"{UNKNOWN}\": the engine expands it to every option")));
                }
                if question.option(v).is_none() {
                    let valid: Vec<&str> = question.known_option_ids().collect();
                    return Err(issue(vp, format!("unknown {} option \"{v}\" (valid: {})", q.key(), valid.join(", "))));
                }
            }
        }
    }
    Ok(())
}

/// Line and column (1-based) where the value at `path` starts, by walking the (already valid)
/// JSON text.
fn locate(text: &str, path: &[Seg]) -> Option<(usize, usize)> {
    let mut walker = Walker {
        bytes: text.as_bytes(),
        at: 0,
        path: Vec::new(),
        target: path,
        found: None,
    };
    walker.value();
    let offset = walker.found?;
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rfind('\n').map_or(offset, |nl| offset - nl - 1) + 1;
    Some((line, column))
}

struct Walker<'a> {
    bytes: &'a [u8],
    at: usize,
    path: Vec<Seg>,
    target: &'a [Seg],
    found: Option<usize>,
}

impl Walker<'_> {
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
        if self.found.is_some() {
            return;
        }
        if self.path == self.target {
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
                while self.peek().is_some_and(|b| !matches!(b, b',' | b']' | b'}') && !b.is_ascii_whitespace()) {
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
        String::from_utf8_lossy(&self.bytes[start.min(end)..end]).into_owned()
    }

    fn object(&mut self) {
        self.at += 1;
        loop {
            self.skip_ws();
            match self.peek() {
                Some(b'}') | None => {
                    self.at += 1;
                    return;
                }
                Some(b',') => self.at += 1,
                Some(b'"') => {
                    let k = self.string();
                    self.skip_ws();
                    self.at += 1; // ':'
                    self.path.push(Seg::Key(k));
                    self.value();
                    self.path.pop();
                    if self.found.is_some() {
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
                    if self.found.is_some() {
                        return;
                    }
                }
            }
        }
    }
}
