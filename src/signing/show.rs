//! One record's signature in words, for `history show` and the history view's record:
//! "signed by <principal> (<fingerprint>)" or "unsigned". A record of a batch is signed by
//! its save's last line, found from its frame.

use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::os::unix::fs::OpenOptionsExt;

use jiff::Timestamp;

use super::allowed;
use super::audit::{fingerprint, verify};
use super::signatures::{Found, Signatures};
use crate::history::{History, MAX_LINE, Stored, frame_of, link_of};

/// What the signature of the save holding `stored` says.
pub fn describe(history: &History, stored: &Stored) -> String {
    let dir = history.dir();
    let end = match save_end_hash(history, stored) {
        Ok(hash) => hash,
        Err(why) => return format!("not known ({why})"),
    };
    let signatures = match Signatures::load(dir, None) {
        Ok(s) => s,
        Err(why) => return format!("not known ({why})"),
    };
    let key = match signatures.get(&end) {
        None => return "unsigned".to_string(),
        Some(Found::Damaged(why)) => return format!("BAD SIGNATURE: it {why}"),
        Some(Found::Sig(sig)) => match verify(&sig, &end) {
            Ok(key) => key,
            Err(why) => return format!("BAD SIGNATURE: it {why}"),
        },
        // Never here: loaded with nothing taken as checked.
        Some(Found::Checked(key)) => key,
    };
    let print = fingerprint(&key);
    let user = &stored.record.identity.user;
    let trust = allowed::load(dir);
    let Some(signers) = trust.signers else {
        return format!("signed with {print} (no allowed_signers says whose key it is)");
    };
    let at: Timestamp = stored.record.saved_at;
    if !user.is_empty() && signers.accepts(user, &key, at) {
        return format!("signed by {user} ({print})");
    }
    match signers.principals_of(&key).as_slice() {
        [] => format!("unsigned (signed with {print}, a key allowed_signers does not name)"),
        others => format!(
            "NOT {user}'s: signed by {}'s key ({print})",
            others.join("/")
        ),
    }
}

/// The hash of the last line of the save `stored` belongs to.
fn save_end_hash(history: &History, stored: &Stored) -> Result<String, String> {
    let failed = |e: std::io::Error| format!("cannot read the history: {e}");
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(history.path())
        .map_err(failed)?;
    file.seek(SeekFrom::Start(stored.offset)).map_err(failed)?;
    let mut reader = BufReader::new(file);
    let mut line = Vec::new();
    let mut first = true;
    loop {
        line.clear();
        (&mut reader)
            .take(MAX_LINE as u64 + 2)
            .read_until(b'\n', &mut line)
            .map_err(failed)?;
        while matches!(line.last(), Some(b'\n' | b'\r')) {
            line.pop();
        }
        let Some(link) = link_of(&line) else {
            return Err("its save's last line is missing".to_string());
        };
        let batch = frame_of(link.record).batch;
        if first && link.hash != stored.hash {
            return Err("the record moved".to_string());
        }
        first = false;
        match batch {
            Some(b) if b.n != b.of => continue,
            _ => return Ok(link.hash.to_string()),
        }
    }
}
