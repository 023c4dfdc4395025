//! Cases: a screening, then each re-screen or override superseding the record before it,
//! form one chain, whose head is the case's current record. Only the head may be acted on
//! (overridden, re-screened and saved, replaced by an impact save): the save checks it under
//! the history's lock, reading the history from its end, so two sessions can never fork a
//! case. A screening copied from another is a new case (it supersedes nothing). Records that
//! other kinds of work add about a case (a licence held, an approval, a signature) are to
//! point at a record without superseding it, so they never become a case's current record.
//!
//! Histories written before this check may hold forks (two records superseding one). Readers
//! newest first then count the newest branch's head as current ([`Cases`]); the exports'
//! survey counts the newest record of the case's tree (see `export::Survey`).

use std::collections::HashMap;
use std::fs::File;
use std::io;

use super::lines::{NewestFirst, RevItem, ReverseLines};

/// The id a record line names, and the record it supersedes, found without parsing the
/// line: both come before the record's free text (`identity`, `answers`, `details`), and a
/// quote inside a JSON string is escaped, so the patterns match only the record's own keys.
pub(crate) fn chain_fields(record: &[u8]) -> (Option<&str>, Option<&str>) {
    let head = memchr::memmem::find(record, b"\"identity\":")
        .or_else(|| memchr::memmem::find(record, b"\"screening\":"))
        .map_or(record, |end| &record[..end]);
    let value = |key: &[u8]| {
        let at = memchr::memmem::find(head, key)? + key.len();
        let rest = &head[at..];
        let end = memchr::memchr(b'"', rest)?;
        std::str::from_utf8(&rest[..end]).ok()
    };
    (value(b"\"id\":\""), value(b"\"supersedes\":\""))
}

/// Tells, reading newest first, whether each record is its case's current one: a record is
/// current unless a newer one supersedes it, or (in a fork an earlier version could leave) a
/// newer record already superseded the record it supersedes. A reader that skips lines
/// notes every line's supersede link first ([`Cases::note`]); one that reads every line
/// only asks [`Cases::current`].
#[derive(Debug, Default)]
pub struct Cases {
    /// Superseded id -> where the newest record superseding it starts.
    superseded: HashMap<String, u64>,
}

impl Cases {
    /// A record at `offset` supersedes `id`.
    pub fn note(&mut self, id: &str, offset: u64) {
        match self.superseded.get_mut(id) {
            Some(at) => *at = (*at).max(offset),
            None => {
                self.superseded.insert(id.to_string(), offset);
            }
        }
    }

    /// Whether the record at `offset` is current, every newer line's link noted; notes its
    /// own link.
    pub fn current(&mut self, id: &str, supersedes: Option<&str>, offset: u64) -> bool {
        let current = !self.superseded.contains_key(id)
            && supersedes.is_none_or(|s| self.superseded.get(s).is_none_or(|&at| at <= offset));
        if let Some(s) = supersedes {
            self.note(s, offset);
        }
        current
    }
}

/// Where a record stands in its case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// The case's current record, its line at this offset.
    Current { offset: u64 },
    /// Superseded: the case's current record now, and where its line starts.
    Superseded { current: String, offset: u64 },
    /// No complete record has this id.
    Missing,
}

/// A record that is not its case's current one, asked to be acted on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotCurrent {
    pub id: String,
    /// The case's current record, and where its line starts (None: no record has the id).
    pub current: Option<(String, u64)>,
}

impl NotCurrent {
    pub fn message(&self) -> String {
        match &self.current {
            Some((current, _)) => format!(
                "record {} is not its case's current record: the current one is {current} (act on that one, or see it with `ree-screen history show {current}`)",
                self.id
            ),
            None => format!("there is no record {} to supersede", self.id),
        }
    }
}

/// Where each of `ids` stands, reading the history from its end until each is found (or the
/// start): what a save checks under the lock. Memory holds the supersede links seen.
pub(crate) fn standings(file: &File, ids: &[&str]) -> io::Result<Vec<Standing>> {
    let mut found: Vec<Standing> = vec![Standing::Missing; ids.len()];
    let mut left = ids.len();
    if left == 0 {
        return Ok(found);
    }
    // Superseded id -> the record superseding it (the newest one seen).
    let mut superseded_by: HashMap<String, (String, u64)> = HashMap::new();
    let mut lines = NewestFirst::unchecked(ReverseLines::new(file.try_clone()?)?);
    while let Some(item) = lines.next_item()? {
        let RevItem::Record { offset, line, .. } = item else {
            continue;
        };
        let Some(link) = super::record::link_of(&line) else {
            continue;
        };
        let (Some(id), supersedes) = chain_fields(link.record) else {
            continue;
        };
        for (i, target) in ids.iter().enumerate() {
            if *target == id && found[i] == Standing::Missing {
                found[i] = match superseded_by.get(id) {
                    None => Standing::Current { offset },
                    Some(next) => {
                        let mut head = next;
                        while let Some(later) = superseded_by.get(&head.0) {
                            head = later;
                        }
                        Standing::Superseded {
                            current: head.0.clone(),
                            offset: head.1,
                        }
                    }
                };
                left -= 1;
            }
        }
        if left == 0 {
            break;
        }
        if let Some(s) = supersedes {
            superseded_by
                .entry(s.to_string())
                .or_insert_with(|| (id.to_string(), offset));
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_fields_come_from_the_keys_not_the_free_text() {
        let record = br#"{"schema":2,"id":"B","saved_at":"x","kind":"rescreen","supersedes":"A","identity":{"user":"\"supersedes\":\"Z\""}}"#;
        assert_eq!(chain_fields(record), (Some("B"), Some("A")));
        let plain = br#"{"schema":2,"id":"C","identity":{},"details":{"notes":"\"id\":\"Q\""}}"#;
        assert_eq!(chain_fields(plain), (Some("C"), None));
    }

    #[test]
    fn newest_first_one_head_per_case_even_in_an_old_fork() {
        let mut cases = Cases::default();
        // File order: S, R1 (supersedes S), R2 (supersedes S, a fork), T; read newest first.
        assert!(cases.current("T", None, 30));
        assert!(cases.current("R2", Some("S"), 20));
        assert!(
            !cases.current("R1", Some("S"), 10),
            "the older branch of a fork"
        );
        assert!(!cases.current("S", None, 0));
        // A reader that noted a block's links first gives the same.
        let mut noted = Cases::default();
        noted.note("S", 10);
        noted.note("S", 20);
        assert!(noted.current("R2", Some("S"), 20));
        assert!(!noted.current("R1", Some("S"), 10));
        assert!(!noted.current("S", None, 0));
    }
}
