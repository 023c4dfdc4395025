//! Checking the signatures as `history verify` walks the chain: every save attributed to a
//! user `allowed_signers` names must carry a valid signature by one of that user's keys, from
//! the `valid-after` of their entries, or from their first signed save, on; a signature of a
//! save no line of the history has any more (a signed save changed and re-chained, or cut
//! off) is reported with its signer. Saves of users not named are valid unsigned.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use jiff::Timestamp;
use ssh_key::public::KeyData;
use ssh_key::{HashAlg, PublicKey, SshSig};

use super::NAMESPACE;
use super::allowed::{self, AllowedSigners};
use super::signatures::{Checked, Found, Signatures};
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
    /// `history.sig` as read: to be kept as checked when everything holds.
    pub read: Option<Checked>,
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
    /// Where the first signature by each key was made (the start of the line it signed):
    /// a named user must sign from their first signature on, even one whose save is gone.
    first_by_key: HashMap<KeyData, u64>,
    /// The latest `saved_at` so far in file order, to the second: a record dated back before
    /// a user's `valid-after` in a history already past it still must be signed.
    clock: String,
    /// The current save's records: (line, user, saved at).
    save: Vec<(usize, String, String)>,
    /// Signed hashes accounted for: matched by a line, or reported as changed.
    accounted: HashSet<String>,
    report: SignatureReport,
}

impl Audit {
    /// `checked`: how much of `history.sig` this user's last verify found valid.
    pub fn new(dir: &Path, checked: Option<&Checked>) -> Result<Audit, String> {
        let trust = allowed::load(dir);
        let named = trust.signers.as_ref().map_or(0, |s| {
            s.entries
                .iter()
                .flat_map(|e| &e.principals)
                .collect::<HashSet<_>>()
                .len()
        });
        let signatures = Signatures::load(dir, checked)?;
        let mut first_by_key: HashMap<KeyData, u64> = HashMap::new();
        if trust.signers.is_some() {
            for (offset, key) in signatures.keys() {
                let first = first_by_key.entry(key.clone()).or_insert(offset);
                *first = (*first).min(offset);
            }
        }
        Ok(Audit {
            signers: trust.signers,
            signatures,
            first_by_key,
            clock: String::new(),
            save: Vec::new(),
            accounted: HashSet::new(),
            report: SignatureReport {
                trust_problem: trust.problem,
                named,
                ..SignatureReport::default()
            },
        })
    }

    /// One good record of the chain, in file order: its line number, where the line starts,
    /// its hash, its bytes and its batch frame.
    pub fn record(
        &mut self,
        line: usize,
        offset: u64,
        hash: &str,
        record: &[u8],
        batch: Option<Batch>,
    ) {
        let saved_at = field_after(record, b"\"saved_at\":\"").unwrap_or_default();
        if saved_at.len() >= 19 && saved_at[..19] > *self.clock {
            self.clock = saved_at[..19].to_string();
        }
        let user = identity_of(record).map(|i| i.user).unwrap_or_default();
        self.save.push((line, user, saved_at.to_string()));
        if batch.is_some_and(|b| b.n != b.of) {
            return;
        }
        let signature = self.signatures.get(hash).map(|found| {
            self.accounted.insert(hash.to_string());
            check(found, hash)
        });
        // A signature made for this line over another hash: changed after it was signed.
        let changed = self
            .signatures
            .other_at(offset, hash)
            .and_then(|(signed, found)| {
                self.accounted.insert(signed.clone());
                check(found, &signed).ok().map(|key| (signed, key))
            });
        let save = std::mem::take(&mut self.save);
        let signature = match signature {
            Some(Err(why)) => {
                // Whoever saved it: a signature that does not hold was damaged or forged.
                let (first_line, user, _) = &save[0];
                self.report.findings.push(Finding {
                    line: *first_line,
                    user: user.clone(),
                    message: format!(
                        "the signature kept for the save ending on line {line} {why}: it was damaged or forged"
                    ),
                });
                self.report.unsigned_saves += 1;
                return;
            }
            Some(Ok(key)) => Some(key),
            None => None,
        };
        let mut users: Vec<&(usize, String, String)> = Vec::new();
        for entry in &save {
            if !users.iter().any(|u| u.1 == entry.1) {
                users.push(entry);
            }
        }
        let mut signed = false;
        for (first_line, user, saved_at) in users {
            let place = if *first_line == line {
                format!("line {line}")
            } else {
                format!("lines {first_line}-{line} (one save)")
            };
            if let Some((signed_hash, key)) = &changed {
                let by = self.signer_of(key);
                self.report.findings.push(Finding {
                    line: *first_line,
                    user: user.clone(),
                    message: format!(
                        "{place} is attributed to {}; {by} ({}) signed this line when it hashed to {signed_hash}, and now it hashes to {hash}: the save, or one before it, was changed after it was signed and the chain recomputed",
                        display_user(user),
                        fingerprint(key)
                    ),
                });
                continue;
            }
            signed |= self.judge(
                &place,
                *first_line,
                offset,
                user,
                saved_at,
                signature.as_ref(),
            );
        }
        if signed {
            self.report.signed_saves += 1;
        } else {
            self.report.unsigned_saves += 1;
        }
    }

    /// Whether the save (its last line at `offset`) holds up for `user`; true when they
    /// signed it.
    fn judge(
        &mut self,
        place: &str,
        line: usize,
        offset: u64,
        user: &str,
        saved_at: &str,
        signature: Option<&KeyData>,
    ) -> bool {
        let Some(signers) = &self.signers else {
            return false;
        };
        if !signers.names(user) {
            return false;
        }
        let at: Timestamp = saved_at.parse().unwrap_or(Timestamp::MIN);
        let message = match signature {
            Some(key) if signers.accepts(user, key, at) => return true,
            Some(key) => format!(
                "{place} is attributed to {user}, but signed by {} ({}), a key allowed_signers does not give {user} on {at}: forged attribution",
                owners(signers, key),
                fingerprint(key)
            ),
            None => {
                let from_valid_after = signers
                    .must_sign_from(user)
                    .filter(|from| clock_time(&self.clock).is_some_and(|now| now >= *from));
                let first_signature = signers
                    .keys_of(user)
                    .filter_map(|k| self.first_by_key.get(k))
                    .min()
                    .filter(|first| **first <= offset);
                let reason = match (from_valid_after, first_signature) {
                    (Some(from), _) => {
                        format!("from {from}, the valid-after of their allowed_signers entry")
                    }
                    (None, Some(first)) => {
                        format!("since their first signed save (at byte {first})")
                    }
                    (None, None) => return false,
                };
                format!(
                    "{place} is attributed to {user}, who must sign every save {reason}, but it is unsigned: forged attribution, or a stripped signature"
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

    /// "alice's key", or "a key allowed_signers does not name".
    fn signer_of(&self, key: &KeyData) -> String {
        match &self.signers {
            Some(signers) => owners(signers, key),
            None => "a key".to_string(),
        }
    }

    /// The report, with the valid signatures whose line the history no longer has.
    pub fn finish(mut self) -> SignatureReport {
        let missing: Vec<(String, u64)> = self
            .signatures
            .all()
            .filter(|(hash, _)| !self.accounted.contains(hash))
            .collect();
        for (hash, offset) in missing {
            let key = match self.signatures.get(&hash).map(|found| check(found, &hash)) {
                Some(Ok(key)) => key,
                Some(Err(why)) => {
                    // Junk or a forgery: reported, so a verify that passes found every
                    // signature in the file valid (the next one relies on that).
                    self.report.findings.push(Finding {
                        line: 0,
                        user: String::new(),
                        message: format!(
                            "{} holds a signature for the line at byte {offset} that {why}",
                            super::SIGNATURES_FILE
                        ),
                    });
                    continue;
                }
                None => continue,
            };
            let signer = self.signer_of(&key);
            self.report.findings.push(Finding {
                line: 0,
                user: signer.clone(),
                message: format!(
                    "{} holds a valid signature by {signer} ({}) of the line at byte {offset}, which hashed to {hash}; the history has no such line: a signed save was cut off or changed, or the history replaced",
                    super::SIGNATURES_FILE,
                    fingerprint(&key)
                ),
            });
        }
        self.report.read = self.signatures.read.take();
        self.report
    }
}

fn display_user(user: &str) -> &str {
    if user.is_empty() { "no one" } else { user }
}

/// The key a found signature verifies with, or what is wrong with it.
fn check(found: Found, hash: &str) -> Result<KeyData, String> {
    match found {
        Found::Damaged(why) => Err(why),
        Found::Sig(sig) => verify(&sig, hash),
        // Found valid by this user's last verify, in bytes unchanged since: it signs `hash`
        // (looked up by it, or, for a changed line, the hash it was made for).
        Found::Checked(key) => Ok(key),
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

#[cfg(test)]
mod tests {
    use super::*;
    use ssh_key::PrivateKey;

    /// Test keys, made by ssh-keygen for these tests only.
    const ALICE: &str = include_str!("testdata/alice");
    const BOB: &str = include_str!("testdata/bob");

    fn key(text: &str) -> PrivateKey {
        PrivateKey::from_openssh(text).expect("test key")
    }

    /// A record's bytes as far as the audit reads them.
    fn record(user: &str, saved_at: &str, batch: &str) -> Vec<u8> {
        format!(
            "{{\"schema\":2,\"id\":\"x\",\"saved_at\":\"{saved_at}\",{batch}\"identity\":{{\"uid\":1,\"user\":\"{user}\"}},\"prev\":\"0\"}}"
        )
        .into_bytes()
    }

    /// One save to audit: user, saved at, its hash, where its line starts, and who signs
    /// which hash for the line at which offset (None: unsigned).
    struct Save<'a> {
        user: &'a str,
        saved_at: &'a str,
        hash: String,
        offset: u64,
        signed: Option<(&'a str, String, u64)>,
    }

    fn save<'a>(user: &'a str, saved_at: &'a str, n: u64) -> Save<'a> {
        Save {
            user,
            saved_at,
            hash: format!("{n:064x}"),
            offset: n * 100,
            signed: None,
        }
    }

    /// Audit `saves` in a data directory whose allowed_signers is `signers`; the findings as
    /// (line, user, the message's words after the user).
    fn audit(signers: &str, saves: &[Save]) -> (SignatureReport, Vec<(usize, String)>) {
        let dir = tempfile::tempdir().expect("tempdir");
        let alice = key(ALICE);
        let bob = key(BOB);
        let text = signers
            .replace("ALICE", &alice.public_key().to_openssh().expect("openssh"))
            .replace("BOB", &bob.public_key().to_openssh().expect("openssh"));
        std::fs::write(dir.path().join(allowed::ALLOWED_SIGNERS), text).expect("write");
        for s in saves {
            if let Some((who, hash, offset)) = &s.signed {
                let signer = if *who == "alice" { &alice } else { &bob };
                let sig = signer
                    .sign(NAMESPACE, HashAlg::Sha512, hash.as_bytes())
                    .expect("sign");
                super::super::signatures::append(dir.path(), false, hash, *offset, &sig)
                    .expect("append");
            }
        }
        let mut audit = Audit::new(dir.path(), None).expect("audit");
        for (i, s) in saves.iter().enumerate() {
            audit.record(
                i + 1,
                s.offset,
                &s.hash,
                &record(s.user, s.saved_at, ""),
                None,
            );
        }
        let report = audit.finish();
        let found = report
            .findings
            .iter()
            .map(|f| (f.line, f.user.clone()))
            .collect();
        (report, found)
    }

    /// A table row: its name, allowed_signers, the saves, and the findings expected as
    /// (line, user).
    type Case<'a> = (&'a str, &'a str, Vec<Save<'a>>, Vec<(usize, &'a str)>);

    fn signed<'a>(mut s: Save<'a>, by: &'a str) -> Save<'a> {
        s.signed = Some((by, s.hash.clone(), s.offset));
        s
    }

    #[test]
    fn who_must_sign_and_what_fails() {
        let after = "alice valid-after=\"20260101Z\" ALICE\nbob BOB\n";
        let plain = "alice ALICE\nbob BOB\n";
        let day = |d: &str| format!("2026-01-{d}T10:00:00Z");
        let (d1, d2, d3) = (day("01"), day("02"), day("03"));
        let cases: Vec<Case> = vec![
            (
                "before valid-after, unsigned is fine",
                after,
                vec![save("alice", "2025-12-31T10:00:00Z", 1)],
                vec![],
            ),
            (
                "from valid-after, unsigned fails",
                after,
                vec![save("alice", &d2, 1)],
                vec![(1, "alice")],
            ),
            (
                "dated back below a later record, still must sign",
                after,
                vec![
                    save("carol", &d3, 1),
                    save("alice", "2025-06-01T00:00:00Z", 2),
                ],
                vec![(2, "alice")],
            ),
            (
                "users not named stay valid",
                after,
                vec![save("carol", &d2, 1)],
                vec![],
            ),
            (
                "no valid-after: unsigned before the first signature",
                plain,
                vec![save("bob", &d1, 1), signed(save("bob", &d2, 2), "bob")],
                vec![],
            ),
            (
                "no valid-after: unsigned after the first signature fails",
                plain,
                vec![signed(save("bob", &d1, 1), "bob"), save("bob", &d2, 2)],
                vec![(2, "bob")],
            ),
            (
                "signed by another's key fails",
                plain,
                vec![signed(save("alice", &d1, 1), "bob")],
                vec![(1, "alice")],
            ),
            (
                "a signature made for the line over another hash fails",
                plain,
                vec![Save {
                    signed: Some(("alice", format!("{:064x}", 9), 100)),
                    ..save("alice", &d1, 1)
                }],
                vec![(1, "alice")],
            ),
            (
                "a signature of a line no longer there fails",
                plain,
                vec![Save {
                    signed: Some(("bob", format!("{:064x}", 9), 900)),
                    ..save("carol", &d1, 1)
                }],
                vec![(0, "bob's key")],
            ),
        ];
        for (name, signers, saves, expected) in cases {
            let (_, found) = audit(signers, &saves);
            let expected: Vec<(usize, String)> = expected
                .into_iter()
                .map(|(l, u)| (l, u.to_string()))
                .collect();
            assert_eq!(found, expected, "{name}");
        }
        let (report, _) = audit(
            plain,
            &[
                signed(save("alice", &d1, 1), "alice"),
                save("carol", &d2, 2),
            ],
        );
        assert_eq!(
            (report.signed_saves, report.unsigned_saves, report.named),
            (1, 1, 2)
        );
    }

    #[test]
    fn a_batch_is_judged_at_its_last_line_for_every_user_in_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let bob = key(BOB);
        let alice = key(ALICE);
        std::fs::write(
            dir.path().join(allowed::ALLOWED_SIGNERS),
            format!(
                "alice valid-after=\"20250101Z\" {}\n",
                alice.public_key().to_openssh().expect("openssh")
            ),
        )
        .expect("write");
        let last = format!("{:064x}", 2);
        let sig = bob
            .sign(NAMESPACE, HashAlg::Sha512, last.as_bytes())
            .expect("sign");
        super::super::signatures::append(dir.path(), false, &last, 100, &sig).expect("append");
        let mut audit = Audit::new(dir.path(), None).expect("audit");
        let frame = |n| Batch { start: 0, n, of: 2 };
        let at = "2026-01-01T00:00:00Z";
        let first = record("alice", at, "\"batch\":[0,1,2],");
        audit.record(1, 0, &format!("{:064x}", 1), &first, Some(frame(1)));
        let second = record("bob", at, "\"batch\":[0,2,2],");
        audit.record(2, 100, &last, &second, Some(frame(2)));
        let report = audit.finish();
        assert_eq!(report.findings.len(), 1, "{:?}", report.findings);
        assert_eq!(
            (report.findings[0].line, report.findings[0].user.as_str()),
            (1, "alice")
        );
        assert!(report.findings[0].message.starts_with("lines 1-2 (one save) is attributed to alice, but signed by a key allowed_signers does not name"), "{}", report.findings[0].message);
    }

    #[test]
    fn signatures_a_verify_found_valid_are_not_checked_again_while_unchanged() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (alice, bob) = (key(ALICE), key(BOB));
        std::fs::write(
            dir.path().join(allowed::ALLOWED_SIGNERS),
            format!(
                "alice {}\n",
                alice.public_key().to_openssh().expect("openssh")
            ),
        )
        .expect("write");
        let hash = format!("{:064x}", 1);
        let sig_file = dir.path().join(super::super::SIGNATURES_FILE);
        let run = |checked: Option<&Checked>| {
            let mut audit = Audit::new(dir.path(), checked).expect("audit");
            let at = "2026-01-01T00:00:00Z";
            audit.record(1, 0, &hash, &record("alice", at, ""), None);
            audit.finish()
        };
        let sign = |who: &PrivateKey, what: &str| {
            let _ = std::fs::remove_file(&sig_file);
            let sig = who
                .sign(NAMESPACE, HashAlg::Sha512, what.as_bytes())
                .expect("sign");
            super::super::signatures::append(dir.path(), false, &hash, 0, &sig).expect("append");
        };
        sign(&alice, &hash);
        let first = run(None);
        assert!(first.intact(), "{:?}", first.findings);
        let checked = first.read.expect("read");
        assert!(run(Some(&checked)).intact());
        // Changed bytes are checked afresh: bob's signature is not alice's.
        sign(&bob, &hash);
        let changed = run(Some(&checked));
        assert_eq!(changed.findings.len(), 1, "{:?}", changed.findings);
        // Bytes that match what was checked are taken as checked: a signature over another
        // hash, recorded as checked, is not verified again (the digest is what protects).
        sign(&alice, &format!("{:064x}", 2));
        let unchecked = run(None);
        assert_eq!(
            unchecked.findings.len(),
            1,
            "it does not verify: {:?}",
            unchecked.findings
        );
        let taken = run(unchecked.read.as_ref());
        assert!(taken.intact(), "{:?}", taken.findings);
    }

    #[test]
    fn who_saved_a_record_is_read_without_parsing_the_rest() {
        let bytes = br#"{"schema":2,"reason":"a \",\"identity\":{\"uid\":0,\"user\":\"root\"}","identity":{"uid":7,"user":"jroe"},"answers":{}}"#;
        assert_eq!(identity_of(bytes).map(|i| i.user).as_deref(), Some("jroe"));
        assert_eq!(
            field_after(
                br#"{"id":"a","saved_at":"2026-01-01T00:00:00Z"}"#,
                b"\"saved_at\":\""
            ),
            Some("2026-01-01T00:00:00Z")
        );
        assert_eq!(identity_of(br#"{"schema":1}"#), None);
    }
}
