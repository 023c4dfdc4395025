//! `allowed_signers` (OpenSSH's format, as `ssh-keygen -Y verify -f` reads it): which keys
//! sign for which operating-system users. Lines are `principals [options] keytype base64
//! [comment]`; the options understood are `namespaces="..."`, `valid-after="..."` and
//! `valid-before="..."`. A `cert-authority` line is refused: a certificate authority could
//! issue keys for anyone, and a record's signer must be a key the file names.
//!
//! The file counts only when the data directory's owner (or root) owns it and neither group
//! nor others can write it (the rule of every policy file, `history::policy_file_counts`):
//! in a team directory every member can write files, and a list of keys any member could
//! change would prove nothing.

use std::fs;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use jiff::Timestamp;
use ssh_key::PublicKey;
use ssh_key::public::KeyData;

use super::NAMESPACE;

/// The file's name in the data directory.
pub const ALLOWED_SIGNERS: &str = "allowed_signers";

/// Largest `allowed_signers` read (a team's keys fit many times over).
const MAX_BYTES: u64 = 1 << 20;

/// One key line.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Principal patterns (`*` and `?` wildcards, as OpenSSH matches them).
    pub principals: Vec<String>,
    pub key: KeyData,
    pub valid_after: Option<Timestamp>,
    pub valid_before: Option<Timestamp>,
}

impl Entry {
    fn names(&self, user: &str) -> bool {
        self.principals.iter().any(|p| wildcard_match(p, user))
    }

    fn valid_at(&self, at: Timestamp) -> bool {
        self.valid_after.is_none_or(|a| at >= a) && self.valid_before.is_none_or(|b| at <= b)
    }
}

/// The keys trusted to sign records.
#[derive(Debug, Clone, Default)]
pub struct AllowedSigners {
    pub entries: Vec<Entry>,
}

/// Whether `allowed_signers` counts, and what was found.
#[derive(Debug, Clone, Default)]
pub struct Trust {
    /// The keys, when the file exists, counts and parses.
    pub signers: Option<AllowedSigners>,
    /// Why a file that exists does not count (shown as a warning), or where it does not parse.
    pub problem: Option<String>,
}

impl AllowedSigners {
    /// Parse the file's text; an error names the line.
    pub fn parse(text: &str) -> Result<AllowedSigners, String> {
        let mut entries = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let entry = parse_line(line).map_err(|e| format!("line {}: {e}", i + 1))?;
            if let Some(entry) = entry {
                entries.push(entry);
            }
        }
        Ok(AllowedSigners { entries })
    }

    /// Whether any line names `user` (who must then sign); a record without a user (schema
    /// 1) is no one's.
    pub fn names(&self, user: &str) -> bool {
        !user.is_empty() && self.entries.iter().any(|e| e.names(user))
    }

    /// When `user` must sign by the file alone: the earliest `valid-after` of their lines
    /// when every line naming them has one (else only from their first signed save).
    pub fn must_sign_from(&self, user: &str) -> Option<Timestamp> {
        let mut theirs = self.entries.iter().filter(|e| e.names(user)).peekable();
        theirs.peek()?;
        theirs.map(|e| e.valid_after).min().flatten()
    }

    /// The keys of `user`, for choosing which of the agent's keys signs.
    pub fn keys_of<'a>(&'a self, user: &'a str) -> impl Iterator<Item = &'a KeyData> + 'a {
        self.entries
            .iter()
            .filter(move |e| e.names(user))
            .map(|e| &e.key)
    }

    /// Whether `key` may sign for `user` at `at`.
    pub fn accepts(&self, user: &str, key: &KeyData, at: Timestamp) -> bool {
        self.entries
            .iter()
            .any(|e| e.key == *key && e.names(user) && e.valid_at(at))
    }

    /// The principals `key` stands for, for a signature on a save by someone else.
    pub fn principals_of(&self, key: &KeyData) -> Vec<&str> {
        self.entries
            .iter()
            .filter(|e| e.key == *key)
            .flat_map(|e| e.principals.iter().map(String::as_str))
            .collect()
    }
}

/// Read `allowed_signers` from the data directory: absent, counting, or ignored (with why).
pub fn load(dir: &Path) -> Trust {
    let path = dir.join(ALLOWED_SIGNERS);
    let file = match fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(&path)
    {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Trust::default(),
        Err(e) => {
            return ignored(format!("{}: cannot be read ({e})", path.display()));
        }
    };
    // The rule of every policy file in the data directory, checked on the file as opened.
    match file.metadata() {
        Ok(meta) => {
            if let Err(why) = crate::history::policy_file_counts(dir, &path, &meta) {
                return ignored(why);
            }
        }
        Err(e) => return ignored(format!("{}: cannot be read ({e})", path.display())),
    }
    let mut text = String::new();
    if let Err(e) =
        std::io::Read::read_to_string(&mut std::io::Read::take(&file, MAX_BYTES + 1), &mut text)
    {
        return ignored(format!("{}: cannot be read ({e})", path.display()));
    }
    if text.len() as u64 > MAX_BYTES {
        return ignored(format!("{} is larger than 1 MiB", path.display()));
    }
    match AllowedSigners::parse(&text) {
        Ok(signers) => Trust {
            signers: Some(signers),
            problem: None,
        },
        Err(e) => ignored(format!("{}: {e}", path.display())),
    }
}

fn ignored(problem: String) -> Trust {
    Trust {
        signers: None,
        problem: Some(crate::text::sanitize(&problem)),
    }
}

fn parse_line(line: &str) -> Result<Option<Entry>, String> {
    let (principals, rest) = split_token(line);
    let principals: Vec<String> = unquote(principals)
        .split(',')
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect();
    if principals.is_empty() {
        return Err("no principal".to_string());
    }
    if principals.iter().any(|p| p.starts_with('!')) {
        return Err("negated principals are not supported".to_string());
    }
    let (mut valid_after, mut valid_before) = (None, None);
    let key_text = match PublicKey::from_openssh(rest) {
        Ok(_) => rest,
        Err(_) => {
            let (options, key_text) = split_token(rest);
            for option in split_options(options) {
                let (name, value) = match option.split_once('=') {
                    Some((n, v)) => (n, Some(unquote(v))),
                    None => (option, None),
                };
                match (name.to_ascii_lowercase().as_str(), value) {
                    ("cert-authority", _) => {
                        return Err(
                            "cert-authority lines are refused: name each officer's key".to_string()
                        );
                    }
                    ("namespaces", Some(list)) => {
                        if !list.split(',').any(|n| wildcard_match(n, NAMESPACE)) {
                            return Ok(None);
                        }
                    }
                    ("valid-after", Some(t)) => valid_after = Some(openssh_time(t)?),
                    ("valid-before", Some(t)) => valid_before = Some(openssh_time(t)?),
                    (other, _) => {
                        return Err(format!("unknown option '{}'", crate::text::sanitize(other)));
                    }
                }
            }
            key_text
        }
    };
    let key = PublicKey::from_openssh(key_text).map_err(|e| format!("not a public key ({e})"))?;
    Ok(Some(Entry {
        principals,
        key: key.key_data().clone(),
        valid_after,
        valid_before,
    }))
}

/// The first whitespace-separated token (double quotes keep spaces) and the rest.
fn split_token(text: &str) -> (&str, &str) {
    let mut quoted = false;
    for (i, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => return (&text[..i], text[i..].trim_start()),
            _ => {}
        }
    }
    (text, "")
}

/// Comma-separated options, commas inside double quotes kept.
fn split_options(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut quoted, mut start) = (false, 0);
    for (i, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                out.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&text[start..]);
    out.retain(|o| !o.is_empty());
    out
}

fn unquote(text: &str) -> &str {
    text.strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(text)
}

/// `YYYYMMDD[HHMM[SS]]`, with a trailing `Z` for UTC, else the system's time zone (as
/// OpenSSH reads it).
fn openssh_time(text: &str) -> Result<Timestamp, String> {
    let bad = || format!("'{}' is not a time (YYYYMMDD[HHMM[SS]][Z])", text);
    let (digits, utc) = match text.strip_suffix(['Z', 'z']) {
        Some(d) => (d, true),
        None => (text, false),
    };
    if !digits.bytes().all(|b| b.is_ascii_digit()) || ![8, 12, 14].contains(&digits.len()) {
        return Err(bad());
    }
    let number = |range: std::ops::Range<usize>| digits.get(range).map_or(Ok(0), str::parse::<i16>);
    let civil = jiff::civil::DateTime::new(
        number(0..4).map_err(|_| bad())?,
        number(4..6).map_err(|_| bad())? as i8,
        number(6..8).map_err(|_| bad())? as i8,
        number(8..10).map_err(|_| bad())? as i8,
        number(10..12).map_err(|_| bad())? as i8,
        number(12..14).map_err(|_| bad())? as i8,
        0,
    )
    .map_err(|_| bad())?;
    let zone = if utc {
        jiff::tz::TimeZone::UTC
    } else {
        jiff::tz::TimeZone::system()
    };
    zone.to_timestamp(civil).map_err(|_| bad())
}

/// OpenSSH's pattern match: `*` any run, `?` one character.
fn wildcard_match(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINYmmHt9iabY2pum2puT29h/rmoicKR8BeKAlT0MocU0";

    #[test]
    fn lines_with_and_without_options() {
        let text = format!(
            "# team\nalice {KEY} alice@laptop\n\"bob,carol\" valid-after=\"20260101\",namespaces=\"git,ree-screen-*\" {KEY}\ndave namespaces=\"git\" {KEY}\n"
        );
        let signers = AllowedSigners::parse(&text).expect("parses");
        assert_eq!(signers.entries.len(), 2, "dave's key is for git only");
        assert!(signers.names("alice") && signers.names("carol") && !signers.names("dave"));
        assert_eq!(signers.must_sign_from("alice"), None);
        assert_eq!(
            signers
                .must_sign_from("bob")
                .map(|t| t.to_string().starts_with("2026-01-01")
                    || t.to_string().starts_with("2025-12-31")),
            Some(true)
        );
        let key = &signers.entries[0].key;
        let early: Timestamp = "2025-06-01T00:00:00Z".parse().expect("time");
        assert!(signers.accepts("alice", key, early));
        assert!(!signers.accepts("bob", key, early), "not yet valid");
        assert!(signers.accepts("bob", key, "2026-02-01T00:00:00Z".parse().expect("t")));
    }

    #[test]
    fn cert_authorities_and_unknown_options_are_refused_naming_the_line() {
        let ca = AllowedSigners::parse(&format!("\n*@example.com cert-authority {KEY}\n"));
        assert!(
            ca.as_ref()
                .is_err_and(|e| e.starts_with("line 2: cert-authority")),
            "{ca:?}"
        );
        let unknown = AllowedSigners::parse(&format!("alice verify-required {KEY}\n"));
        assert!(unknown.is_err_and(|e| e.contains("unknown option")));
        assert!(AllowedSigners::parse("alice ssh-ed25519 AAAA\n").is_err());
        assert!(AllowedSigners::parse(&format!("alice valid-after=\"2026\" {KEY}\n")).is_err());
    }

    #[test]
    fn wildcards_match_as_openssh_does() {
        for (pattern, text, matches) in [
            ("alice", "alice", true),
            ("alice", "alic", false),
            ("*", "anyone", true),
            ("a*e", "alice", true),
            ("a?ice", "alice", true),
            ("a?ice", "aice", false),
            ("ree-screen-*", NAMESPACE, true),
        ] {
            assert_eq!(wildcard_match(pattern, text), matches, "{pattern} {text}");
        }
    }

    #[test]
    fn only_a_file_of_the_directory_owner_closed_to_the_group_counts() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(ALLOWED_SIGNERS);
        fs::write(&path, format!("alice {KEY}\n")).expect("write");
        for (mode, counts) in [(0o644, true), (0o600, true), (0o664, false), (0o646, false)] {
            fs::set_permissions(&path, fs::Permissions::from_mode(mode)).expect("chmod");
            let trust = load(dir.path());
            assert_eq!(trust.signers.is_some(), counts, "mode {mode:o}");
            assert_eq!(trust.problem.is_some(), !counts, "mode {mode:o}");
        }
    }
}
