//! Signing a save as it is made: the hash of its last line, in the SSHSIG format under
//! [`NAMESPACE`], with the officer's key through their ssh-agent (`SSH_AUTH_SOCK`) or a
//! private key file named in the settings (`signing_key`). The agent gets [`AGENT_WAIT`] to
//! answer (a key that asks for a touch), well below the history lock's wait, since the save
//! holds the lock meanwhile.

use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use ssh_key::public::KeyData;
use ssh_key::{HashAlg, PrivateKey, PublicKey, SshSig};

use super::NAMESPACE;
use super::allowed;
use crate::history::History;
use crate::identity::Identity;

/// How long a save waits for the agent's signature.
pub const AGENT_WAIT: Duration = Duration::from_secs(5);

/// What became of the newest save's signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sealed {
    Signed { fingerprint: String },
    Unsigned(String),
}

impl Sealed {
    /// One line for the officer: "signed with SHA256:..." or "unsigned: why".
    pub fn describe(&self) -> String {
        match self {
            Sealed::Signed { fingerprint } => format!("signed with {fingerprint}"),
            Sealed::Unsigned(why) => format!("unsigned: {why}"),
        }
    }
}

/// Where a save's signature comes from.
#[derive(Debug)]
pub struct Signer {
    /// The agent's socket (`SSH_AUTH_SOCK`).
    agent: Option<PathBuf>,
    /// The settings' `signing_key`: a private key file, or a public one naming the agent's key.
    key_file: Option<PathBuf>,
    last: Mutex<Option<Sealed>>,
}

impl Signer {
    /// The agent at `SSH_AUTH_SOCK` (if set) and the settings' key file (if any).
    pub fn from_environment(key_file: Option<PathBuf>) -> Signer {
        Signer::new(
            std::env::var_os("SSH_AUTH_SOCK")
                .filter(|s| !s.is_empty())
                .map(PathBuf::from),
            key_file,
        )
    }

    pub fn new(agent: Option<PathBuf>, key_file: Option<PathBuf>) -> Signer {
        Signer {
            agent,
            key_file,
            last: Mutex::new(None),
        }
    }

    /// What became of the newest save's signature, if this signer sealed one.
    pub fn last(&self) -> Option<Sealed> {
        self.last.lock().ok().and_then(|l| l.clone())
    }

    /// Sign a save whose last line hashes to `hash` (under the history's lock, after its
    /// lines are synced) and keep the signature beside the history. A user named in
    /// `allowed_signers` must sign: for them a failure to sign is an error, and the save is
    /// undone; anyone else's save goes in unsigned, and [`Signer::last`] says why.
    /// The save's head is then noted as seen (see `seen.rs`): it was read under the lock.
    pub fn seal(
        &self,
        history: &History,
        team: bool,
        hash: &str,
        offset: u64,
        identity: &Identity,
    ) -> Result<(), String> {
        let dir = history.dir();
        let trust = allowed::load(dir);
        let theirs: Vec<KeyData> = trust
            .signers
            .as_ref()
            .map(|s| s.keys_of(&identity.user).cloned().collect())
            .unwrap_or_default();
        let must_sign = trust.signers.as_ref().is_some_and(|s| {
            s.names(&identity.user)
                && s.must_sign_from(&identity.user)
                    .is_none_or(|from| jiff::Timestamp::now() >= from)
        });
        let sealed = match self.sign(hash, &theirs, must_sign) {
            Ok(sig) => {
                super::signatures::append(dir, team, hash, offset, &sig)?;
                Sealed::Signed {
                    fingerprint: sig.public_key().fingerprint(HashAlg::Sha256).to_string(),
                }
            }
            Err(why) if must_sign => {
                return Err(format!(
                    "{} is named in {}, so every save of theirs must be signed, and it could not be: {why}",
                    identity.user,
                    dir.join(allowed::ALLOWED_SIGNERS).display()
                ));
            }
            Err(why) => Sealed::Unsigned(why),
        };
        if let Ok(mut last) = self.last.lock() {
            *last = Some(sealed);
        }
        super::seen::note(
            history,
            super::seen::Head {
                hash: hash.to_string(),
                offset,
                records: None,
                seen: jiff::Timestamp::now(),
                signers: false,
                signatures: None,
            },
        );
        Ok(())
    }

    /// An SSHSIG over `hash`: with the key file's private key, else through the agent with
    /// the key file's public key, one of `preferred` (the user's keys in allowed_signers), or
    /// (unless `only_preferred`) the agent's first key.
    pub fn sign(
        &self,
        hash: &str,
        preferred: &[KeyData],
        only_preferred: bool,
    ) -> Result<SshSig, String> {
        let wanted = match &self.key_file {
            Some(path) => match read_key(path)? {
                KeyFile::Private(key) => {
                    return key
                        .sign(NAMESPACE, HashAlg::Sha512, hash.as_bytes())
                        .map_err(|e| format!("{}: cannot sign ({e})", path.display()));
                }
                KeyFile::Public(key) => Some(key),
            },
            None => None,
        };
        let Some(socket) = &self.agent else {
            return Err(match wanted {
                Some(_) => "the signing key is passphrase-protected or public only, and no ssh-agent is running (SSH_AUTH_SOCK is not set)".to_string(),
                None => "no ssh-agent (SSH_AUTH_SOCK is not set) and no signing_key in the settings".to_string(),
            });
        };
        let agent_error = |e: ssh_agent_client_rs::Error| match e {
            ssh_agent_client_rs::Error::AgentCommunicationError(io)
                if matches!(
                    io.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                format!(
                    "the ssh-agent did not answer within {} s (does the key ask for a touch?)",
                    AGENT_WAIT.as_secs()
                )
            }
            ssh_agent_client_rs::Error::AgentCommunicationError(io) => {
                format!("the ssh-agent at {} failed: {io}", socket.display())
            }
            other => format!("the ssh-agent at {} failed: {other}", socket.display()),
        };
        let stream = UnixStream::connect(socket)
            .map_err(|e| format!("cannot reach the ssh-agent at {}: {e}", socket.display()))?;
        stream
            .set_read_timeout(Some(AGENT_WAIT))
            .and_then(|()| stream.set_write_timeout(Some(AGENT_WAIT)))
            .map_err(|e| format!("cannot use the ssh-agent's socket: {e}"))?;
        let mut client = ssh_agent_client_rs::Client::with_read_write(Box::new(stream));
        let held: Vec<PublicKey> = client
            .list_all_identities()
            .map_err(agent_error)?
            .into_iter()
            .filter_map(|identity| match identity {
                ssh_agent_client_rs::Identity::PublicKey(key) => Some(key.into_owned()),
                ssh_agent_client_rs::Identity::Certificate(_) => None,
            })
            .collect();
        let chosen = match &wanted {
            Some(key) => held
                .iter()
                .find(|k| k.key_data() == key.key_data())
                .ok_or_else(|| {
                    format!(
                        "the ssh-agent does not hold the settings' signing key ({})",
                        key.fingerprint(HashAlg::Sha256)
                    )
                })?,
            None => held
                .iter()
                .find(|k| preferred.contains(k.key_data()))
                .or_else(|| held.first().filter(|_| !only_preferred))
                .ok_or_else(|| {
                    if held.is_empty() {
                        "the ssh-agent holds no key (ssh-add adds one)".to_string()
                    } else {
                        "the ssh-agent holds none of the keys allowed_signers names for this user"
                            .to_string()
                    }
                })?,
        };
        let signed_data = SshSig::signed_data(NAMESPACE, HashAlg::Sha512, hash.as_bytes())
            .map_err(|e| format!("cannot prepare the signature: {e}"))?;
        let signature = client.sign(chosen, &signed_data).map_err(agent_error)?;
        let sig = SshSig::new(
            chosen.key_data().clone(),
            NAMESPACE,
            HashAlg::Sha512,
            signature,
        )
        .map_err(|e| format!("the ssh-agent's signature is unusable: {e}"))?;
        // An agent's answer is checked before it is kept: a wrong one would fail verify later.
        chosen
            .verify(NAMESPACE, hash.as_bytes(), &sig)
            .map_err(|e| format!("the ssh-agent's signature does not verify: {e}"))?;
        Ok(sig)
    }
}

enum KeyFile {
    Private(Box<PrivateKey>),
    Public(PublicKey),
}

/// The settings' key file: an unencrypted private key signs itself; an encrypted one, or a
/// public key, names which of the agent's keys signs.
fn read_key(path: &Path) -> Result<KeyFile, String> {
    let text = crate::files::read_text(path, 64 << 10)?;
    if let Ok(key) = PrivateKey::from_openssh(&text) {
        if key.is_encrypted() {
            return Ok(KeyFile::Public(key.public_key().clone()));
        }
        return Ok(KeyFile::Private(Box::new(key)));
    }
    PublicKey::from_openssh(text.trim())
        .map(KeyFile::Public)
        .map_err(|e| {
            format!(
                "{}: not an OpenSSH private or public key ({e})",
                path.display()
            )
        })
}
