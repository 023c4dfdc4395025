//! The signatures of saves, kept beside the history in `history.sig`: one line per signed
//! save, `<hash of its last line> <byte offset where that line starts> <SSHSIG, base64>`
//! (the offset is not signed: it only says which line a signature was made for, so a line
//! changed after it was signed can be named). They stay out of the history's lines so
//! that every ree-screen, older ones too, reads and appends to the history exactly as before
//! (a line with anything beside its hash is, to an older reader, not a record at all). Lines
//! are appended under the history's lock after the save's lines are synced; readers look a
//! signature up by the hash it signs.

use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::fs::{FileExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

use sha2::{Digest, Sha256};
use ssh_encoding::base64::{Base64, Encoding};
use ssh_encoding::{Decode, Encode};
use ssh_key::SshSig;
use ssh_key::public::KeyData;

/// The file's name in the data directory.
pub const SIGNATURES_FILE: &str = "history.sig";

/// Longest line read (an RSA-8192 signature with its key is under 4 KiB).
const MAX_LINE: usize = 16 << 10;

/// Append one save's signature and sync it; on failure the file is cut back as it was.
pub fn append(
    dir: &Path,
    team: bool,
    hash: &str,
    line_offset: u64,
    sig: &SshSig,
) -> Result<(), String> {
    let path = dir.join(SIGNATURES_FILE);
    let failed =
        |doing: &str, e: std::io::Error| format!("{}: cannot {doing}: {e}", path.display());
    let mode = if team { 0o660 } else { 0o600 };
    let mut file = OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .mode(mode)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(&path)
        .map_err(|e| failed("open the signatures", e))?;
    let meta = file
        .metadata()
        .map_err(|e| failed("read the signatures' metadata", e))?;
    if !meta.is_file() {
        return Err(format!("{} is not a regular file", path.display()));
    }
    if team && meta.len() == 0 && meta.uid() == rustix::process::getuid().as_raw() {
        // The group must be able to append (umask aside).
        file.set_permissions(fs::Permissions::from_mode(mode))
            .map_err(|e| failed("set the signatures' mode", e))?;
    }
    let mut blob = Vec::new();
    sig.encode(&mut blob)
        .map_err(|e| format!("cannot encode the signature: {e}"))?;
    let line = format!("{hash} {line_offset} {}\n", Base64::encode_string(&blob));
    let len = meta.len();
    let written = file
        .write_all(line.as_bytes())
        .and_then(|()| file.sync_all());
    written.map_err(|e| {
        let _ = file.set_len(len);
        failed("write the signature", e)
    })
}

/// One line of `history.sig`: the hash signed, where the signed line starts in the
/// history, and where the signature's text is in `history.sig`.
#[derive(Debug, Clone, Copy)]
struct Entry {
    hash: [u8; 32],
    line_offset: u64,
    at: u64,
    len: u32,
    /// Within the part of the file this user's verify already checked, unchanged since.
    checked: bool,
    /// The key the signature names (not yet checked), in [`Signatures::keys`]' table.
    key: Option<u32>,
}

/// The first `bytes` of `history.sig` and their SHA-256: what a verify found valid, kept in
/// the user's private state so the next verify checks only the signatures added since.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Checked {
    pub bytes: u64,
    pub sha256: String,
}

/// Every signature beside a history, by the hash it signs and by where the signed line
/// starts (the places of their texts, not the texts, so a million signed saves cost tens of
/// megabytes, not hundreds).
#[derive(Debug, Default)]
pub struct Signatures {
    /// The whole file as read.
    pub read: Option<Checked>,
    file: Option<File>,
    entries: Vec<Entry>,
    /// The keys the signatures name, each once.
    key_table: Vec<KeyData>,
    by_hash: HashMap<[u8; 32], usize>,
    by_offset: HashMap<u64, usize>,
}

/// A signature as read back.
#[derive(Debug)]
pub enum Found {
    Sig(Box<SshSig>),
    /// One this user's verify already found valid, in bytes unchanged since: its key.
    Checked(KeyData),
    /// A line that does not decode.
    Damaged(String),
}

impl Signatures {
    /// Read `history.sig` (none: no signatures). Lines not of the shape `<hash> <offset>
    /// <base64>` are skipped: a damaged signature is then a missing one. Signatures within
    /// `checked`, when those bytes are unchanged, come back as [`Found::Checked`].
    pub fn load(dir: &Path, checked: Option<&Checked>) -> Result<Signatures, String> {
        let path = dir.join(SIGNATURES_FILE);
        let failed =
            |e: std::io::Error| format!("{}: cannot read the signatures: {e}", path.display());
        let file = match OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
            .open(&path)
        {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Signatures::default()),
            Err(e) => return Err(failed(e)),
        };
        if !file.metadata().is_ok_and(|m| m.is_file()) {
            return Err(format!("{} is not a regular file", path.display()));
        }
        let mut signatures = Signatures::default();
        let mut reader = BufReader::with_capacity(1 << 20, &file);
        let mut line = Vec::new();
        let mut at = 0u64;
        let mut digest = Sha256::new();
        let mut key_index: HashMap<KeyData, u32> = HashMap::new();
        loop {
            // Where this user's last verify stopped: if the bytes before are unchanged, the
            // signatures in them were found valid then.
            if let Some(c) = checked
                && c.bytes == at
                && c.bytes > 0
                && format!("{:x}", digest.clone().finalize()) == c.sha256
            {
                for entry in &mut signatures.entries {
                    entry.checked = true;
                }
            }
            line.clear();
            let n = (&mut reader)
                .take(MAX_LINE as u64)
                .read_until(b'\n', &mut line)
                .map_err(failed)?;
            if n == 0 {
                break;
            }
            digest.update(&line);
            if let Some(mut entry) = entry_of(&line, at) {
                let start = (entry.at - at) as usize;
                if let Found::Sig(sig) = decode(&line[start..start + entry.len as usize]) {
                    let table = &mut signatures.key_table;
                    let key = sig.public_key().clone();
                    let next = table.len() as u32;
                    let index = *key_index.entry(key.clone()).or_insert_with(|| {
                        table.push(key);
                        next
                    });
                    entry.key = Some(index);
                }
                let index = signatures.entries.len();
                signatures.by_hash.insert(entry.hash, index);
                signatures.by_offset.insert(entry.line_offset, index);
                signatures.entries.push(entry);
            }
            at += n as u64;
        }
        signatures.read = Some(Checked {
            bytes: at,
            sha256: format!("{:x}", digest.finalize()),
        });
        signatures.file = Some(file);
        Ok(signatures)
    }

    /// The signature of the save whose last line hashes to `hash`.
    pub fn get(&self, hash: &str) -> Option<Found> {
        let index = *self.by_hash.get(&hash_bytes(hash.as_bytes())?)?;
        Some(self.read(index))
    }

    /// The hash signed for the line starting at `offset`, when it differs from `hash`, and
    /// that signature: the line was changed (or re-chained) after it was signed.
    pub fn other_at(&self, offset: u64, hash: &str) -> Option<(String, Found)> {
        let index = *self.by_offset.get(&offset)?;
        let signed = &self.entries[index].hash;
        (hash_bytes(hash.as_bytes()).as_ref() != Some(signed))
            .then(|| (hex(signed), self.read(index)))
    }

    /// Every signature, in the order they were made: (hash signed, where its line started).
    pub fn all(&self) -> impl Iterator<Item = (String, u64)> + '_ {
        self.entries.iter().map(|e| (hex(&e.hash), e.line_offset))
    }

    /// The key each signature names (not yet checked), with where its line started.
    pub fn keys(&self) -> impl Iterator<Item = (u64, &KeyData)> + '_ {
        self.entries
            .iter()
            .filter_map(|e| e.key.map(|k| (e.line_offset, &self.key_table[k as usize])))
    }

    fn read(&self, index: usize) -> Found {
        let entry = self.entries[index];
        if let (true, Some(key)) = (entry.checked, entry.key) {
            return Found::Checked(self.key_table[key as usize].clone());
        }
        let mut text = vec![0u8; entry.len as usize];
        let read = match &self.file {
            Some(file) => file.read_exact_at(&mut text, entry.at),
            None => return Found::Damaged("cannot be read".to_string()),
        };
        match read {
            Err(e) => Found::Damaged(format!("cannot be read ({e})")),
            Ok(()) => decode(&text),
        }
    }
}

/// `<64 hex> <offset> <base64>\n` read at `at` in `history.sig`.
fn entry_of(line: &[u8], at: u64) -> Option<Entry> {
    let text = line.strip_suffix(b"\n")?;
    let hash = hash_bytes(text.get(..64)?)?;
    let rest = text.get(64..)?.strip_prefix(b" ")?;
    let space = memchr::memchr(b' ', rest)?;
    let line_offset = std::str::from_utf8(&rest[..space]).ok()?.parse().ok()?;
    let sig_start = 64 + 1 + space + 1;
    Some(Entry {
        hash,
        line_offset,
        at: at + sig_start as u64,
        len: u32::try_from(text.len() - sig_start).ok()?,
        checked: false,
        key: None,
    })
}

fn hex(bytes: &[u8; 32]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn decode(text: &[u8]) -> Found {
    let blob = match Base64::decode_vec(&String::from_utf8_lossy(text)) {
        Ok(b) => b,
        Err(e) => return Found::Damaged(format!("is not base64 ({e})")),
    };
    match SshSig::decode(&mut blob.as_slice()) {
        Ok(sig) => Found::Sig(Box::new(sig)),
        Err(e) => Found::Damaged(format!("is not an SSH signature ({e})")),
    }
}

fn hash_bytes(hex: &[u8]) -> Option<[u8; 32]> {
    if hex.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        let pair = std::str::from_utf8(&hex[2 * i..2 * i + 2]).ok()?;
        *byte = u8::from_str_radix(pair, 16).ok()?;
    }
    Some(out)
}

/// A signature in the armour `ssh-keygen -Y verify -s FILE` reads.
pub fn armoured(sig: &SshSig) -> Result<String, String> {
    sig.to_pem(ssh_key::LineEnding::LF)
        .map_err(|e| e.to_string())
}
