//! Checking the signatures as `history verify` walks the chain: every save attributed to a
//! user `allowed_signers` names must carry a valid signature by one of that user's keys, from
//! the `valid-after` of their entries, or from their first signed save, on; a signature of a
//! save no line of the history has any more (a signed save changed and re-chained, or cut
//! off) is reported with its signer. Saves of users not named are valid unsigned.

use std::collections::HashSet;
use std::path::Path;

use jiff::Timestamp;
use ssh_key::public::KeyData;
use ssh_key::{HashAlg, PublicKey, SshSig};

use super::NAMESPACE;
use super::allowed::{self, AllowedSigners};
use super::signatures::{Found, Signatures};
use crate::history::Batch;
use crate::identity::Identity;

/// A save that does not hold up, by the line it starts on and the user it is attributed to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub line: usize,
    pub user: String,
    pub message: String,
}

/// What the signatures came to.
#[derive(Debug, Default)]
pub struct SignatureReport {
    /// Why `allowed_signers` does not count, when it exists.
    pub trust_problem: Option<String>,
    /// Users `allowed_signers` names (0 when it does not count or is absent).
    pub named: usize,
    pub signed_saves: usize,
    pub unsigned_saves: usize,
    pub findings: Vec<Finding>,
}

impl SignatureReport {
    pub fn intact(&self) -> bool {
        self.findings.is_empty()
    }
}

/// The state of a verify's walk.
pub struct Audit {
    signers: Option<AllowedSigners>,
    signatures: Signatures,
    /// The latest `saved_at` so far in file order, to the second: a record dated back before
    /// a user's `valid-after` in a history already past it still must be signed.
    clock: String,
    /// Users with a valid signed save so far: from then on they must sign.
    signed_users: HashSet<String>,
    /// The current save's records: (line, user, saved at).
    save: Vec<(usize, String, String)>,
    /// Signature hashes matched by a save.
    matched: HashSet<String>,
    report: SignatureReport,
}

impl Audit {
    pub fn new(dir: &Path) -> Result<Audit, String> {
        let trust = allowed::load(dir);
        let named = trust.signers.as_ref().map_or(0, |s| {
            s.entries
                .iter()
                .flat_map(|e| &e.principals)
                .collect::<HashSet<_>>()
                .len()
        });
        Ok(Audit {
            signers: trust.signers,
            signatures: Signatures::load(dir)?,
            clock: String::new(),
            signed_users: HashSet::new(),
            save: Vec::new(),
            matched: HashSet::new(),
            report: SignatureReport {
                trust_problem: trust.problem,
                named,
                ..SignatureReport::default()
            },
        })
    }

    /// One good record of the chain, in file order: `record` its bytes, `hash` its line's
    /// hash, `batch` its frame.
    pub fn record(&mut self, line: usize, hash: &str, record: &[u8], batch: Option<Batch>) {
        let saved_at = field_after(record, b"\"saved_at\":\"").unwrap_or_default();
        if saved_at.len() >= 19 && saved_at[..19] > *self.clock {
            self.clock = saved_at[..19].to_string();
        }
        let user = identity_of(record).map(|i| i.user).unwrap_or_default();
        self.save.push((line, user, saved_at.to_string()));
        if batch.is_some_and(|b| b.n != b.of) {
            return;
        }
        let signature = match self.signatures.get(hash) {
            Some(found) => {
                self.matched.insert(hash.to_string());
                Some(check(found, hash))
            }
            None => None,
        };
        let save = std::mem::take(&mut self.save);
        let mut users: Vec<&(usize, String, String)> = Vec::new();
        for entry in &save {
            if !users.iter().any(|u| u.1 == entry.1) {
                users.push(entry);
            }
        }
        let mut signed = false;
        for (first_line, user, saved_at) in users {
            signed |= self.judge(*first_line, line, user, saved_at, signature.as_ref());
        }
        if signed {
            self.report.signed_saves += 1;
        } else {
            self.report.unsigned_saves += 1;
        }
    }

    /// Whether the save (ending on `last_line`) holds up for `user`; true when they signed it.
    fn judge(
        &mut self,
        line: usize,
        last_line: usize,
        user: &str,
        saved_at: &str,
        signature: Option<&Result<KeyData, String>>,
    ) -> bool {
        let Some(signers) = &self.signers else {
            return false;
        };
        if user.is_empty() || !signers.names(user) {
            return false;
        }
        let at: Timestamp = saved_at.parse().unwrap_or(Timestamp::MIN);
        let place = if line == last_line {
            format!("line {line}")
        } else {
            format!("lines {line}-{last_line} (one save)")
        };
        let message = match signature {
            Some(Ok(key)) if signers.accepts(user, key, at) => {
                self.signed_users.insert(user.to_string());
                return true;
            }
            Some(Ok(key)) => format!(
                "{place} is attributed to {user}, but signed by {} ({}), a key allowed_signers does not give {user} on {at}: forged attribution or a changed signed save",
                owners(signers, key),
                fingerprint(key)
            ),
            Some(Err(why)) => format!(
                "{place} is attributed to {user}, but its signature {why}: the save was changed after it was signed"
            ),
            None => {
                let since_valid_after = signers
                    .must_sign_from(user)
                    .filter(|from| clock_time(&self.clock).is_some_and(|now| now >= *from));
                let reason = match since_valid_after {
                    Some(from) => {
                        format!("from {from}, the valid-after of their allowed_signers entry")
                    }
                    None if self.signed_users.contains(user) => {
                        "since their first signed save".to_string()
                    }
                    None => return false,
                };
                format!(
                    "{place} is attributed to {user}, who must sign every save {reason}, but it is unsigned: forged attribution, a stripped signature, or a changed save re-chained"
                )
            }
        };
        self.report.findings.push(Finding {
            line,
            user: user.to_string(),
            message,
        });
        false
    }

    /// The report, with the signatures whose save is no longer in the history.
    pub fn finish(mut self) -> SignatureReport {
        let orphans: Vec<String> = self
            .signatures
            .hashes()
            .filter(|h| !self.matched.contains(h))
            .collect();
        for hash in orphans {
            let Some(found) = self.signatures.get(&hash) else {
                continue;
            };
            let Ok(key) = check(found, &hash) else {
                continue;
            };
            let signer = match &self.signers {
                Some(signers) => owners(signers, &key),
                None => "a key".to_string(),
            };
            self.report.findings.push(Finding {
                line: 0,
                user: signer.clone(),
                message: format!(
                    "{} holds a valid signature by {signer} ({}) of a save whose last line hashed to {hash}, and no line of the history has that hash: a signed save was changed, cut off, or the history replaced",
                    super::SIGNATURES_FILE,
                    fingerprint(&key)
                ),
            });
        }
        self.report
    }
}

/// The key a found signature verifies with, or what is wrong with it.
fn check(found: Found, hash: &str) -> Result<KeyData, String> {
    match found {
        Found::Damaged(why) => Err(why),
        Found::Sig(sig) => verify(&sig, hash),
    }
}

/// Whether `sig` is a valid SSHSIG of `hash` under [`NAMESPACE`]; its key when it is.
pub fn verify(sig: &SshSig, hash: &str) -> Result<KeyData, String> {
    let key = PublicKey::from(sig.public_key().clone());
    key.verify(NAMESPACE, hash.as_bytes(), sig)
        .map(|()| sig.public_key().clone())
        .map_err(|e| format!("does not verify ({e})"))
}

pub fn fingerprint(key: &KeyData) -> String {
    key.fingerprint(HashAlg::Sha256).to_string()
}

/// "bob's key" or "a key allowed_signers does not name".
fn owners(signers: &AllowedSigners, key: &KeyData) -> String {
    let names = signers.principals_of(key);
    if names.is_empty() {
        "a key allowed_signers does not name".to_string()
    } else {
        format!("{}'s key", names.join("/"))
    }
}

fn clock_time(clock: &str) -> Option<Timestamp> {
    format!("{clock}Z").parse().ok()
}

/// The text of a string field found by its key (the first one: a string value cannot hold
/// an unescaped quote, so an earlier field cannot fake it).
fn field_after<'a>(record: &'a [u8], key: &[u8]) -> Option<&'a str> {
    let start = memchr::memmem::find(record, key)? + key.len();
    let len = memchr::memchr(b'"', &record[start..])?;
    std::str::from_utf8(&record[start..start + len]).ok()
}

/// Who saved a record, read without parsing the rest (schema 1 stored no one).
pub fn identity_of(record: &[u8]) -> Option<Identity> {
    let key = b",\"identity\":";
    let start = memchr::memmem::find(record, key)? + key.len();
    serde_json::Deserializer::from_slice(&record[start..])
        .into_iter::<Identity>()
        .next()?
        .ok()
}
