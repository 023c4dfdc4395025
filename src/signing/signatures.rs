//! The signatures of saves, kept beside the history in `history.sig`: one line per signed
//! save, `<hash of its last line> <SSHSIG, base64>`. They stay out of the history's lines so
//! that every ree-screen, older ones too, reads and appends to the history exactly as before
//! (a line with anything beside its hash is, to an older reader, not a record at all). Lines
//! are appended under the history's lock after the save's lines are synced; readers look a
//! signature up by the hash it signs.

use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::fs::{FileExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

use ssh_encoding::base64::{Base64, Encoding};
use ssh_encoding::{Decode, Encode};
use ssh_key::SshSig;

/// The file's name in the data directory.
pub const SIGNATURES_FILE: &str = "history.sig";

/// Longest line read (an RSA-8192 signature with its key is under 4 KiB).
const MAX_LINE: usize = 16 << 10;

/// Append one save's signature and sync it; on failure the file is cut back as it was.
pub fn append(dir: &Path, team: bool, hash: &str, sig: &SshSig) -> Result<(), String> {
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
    let line = format!("{hash} {}\n", Base64::encode_string(&blob));
    let len = meta.len();
    let written = file
        .write_all(line.as_bytes())
        .and_then(|()| file.sync_all());
    written.map_err(|e| {
        let _ = file.set_len(len);
        failed("write the signature", e)
    })
}

/// Every signature beside a history, by the hash it signs (where its line is, not the
/// signature itself, so a million signed saves cost tens of megabytes, not hundreds).
#[derive(Debug, Default)]
pub struct Signatures {
    file: Option<File>,
    by_hash: HashMap<[u8; 32], (u64, u32)>,
}

/// A signature as read back.
#[derive(Debug)]
pub enum Found {
    Sig(Box<SshSig>),
    /// A line that does not decode.
    Damaged(String),
}

impl Signatures {
    /// Read `history.sig` (none: no signatures). Lines that are not `<hash> <base64>` are
    /// skipped: a damaged signature is then a missing one.
    pub fn load(dir: &Path) -> Result<Signatures, String> {
        let path = dir.join(SIGNATURES_FILE);
        let file = match OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
            .open(&path)
        {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Signatures::default()),
            Err(e) => {
                return Err(format!(
                    "{}: cannot read the signatures: {e}",
                    path.display()
                ));
            }
        };
        if !file.metadata().is_ok_and(|m| m.is_file()) {
            return Err(format!("{} is not a regular file", path.display()));
        }
        let mut by_hash = HashMap::new();
        let mut reader = BufReader::with_capacity(1 << 20, &file);
        let mut line = Vec::new();
        let mut offset = 0u64;
        loop {
            line.clear();
            let n = (&mut reader)
                .take(MAX_LINE as u64)
                .read_until(b'\n', &mut line)
                .map_err(|e| format!("{}: cannot read the signatures: {e}", path.display()))?;
            if n == 0 {
                break;
            }
            if line.len() > 66
                && line[64] == b' '
                && line.last() == Some(&b'\n')
                && let Some(hash) = hash_bytes(&line[..64])
            {
                by_hash.insert(hash, (offset + 65, (n - 66) as u32));
            }
            offset += n as u64;
        }
        Ok(Signatures {
            file: Some(file),
            by_hash,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.by_hash.is_empty()
    }

    /// The signature of the save whose last line hashes to `hash`.
    pub fn get(&self, hash: &str) -> Option<Found> {
        let &(offset, len) = self.by_hash.get(&hash_bytes(hash.as_bytes())?)?;
        let mut text = vec![0u8; len as usize];
        let read = self.file.as_ref()?.read_exact_at(&mut text, offset);
        Some(match read {
            Err(e) => Found::Damaged(format!("cannot be read ({e})")),
            Ok(()) => decode(&text),
        })
    }

    /// The hashes signed, for finding signatures whose save is gone.
    pub fn hashes(&self) -> impl Iterator<Item = String> + '_ {
        self.by_hash
            .keys()
            .map(|h| h.iter().map(|b| format!("{b:02x}")).collect())
    }
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
