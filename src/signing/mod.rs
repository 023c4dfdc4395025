//! Records signed by the officer who saved them. Each save's last line hash is signed with
//! the officer's SSH key (SSHSIG, namespace [`NAMESPACE`], as `ssh-keygen -Y sign` makes
//! and git uses), the signature kept beside the history (`signatures.rs`); `allowed_signers`
//! in the data directory says whose keys count (`allowed.rs`), and a user it names must
//! sign. The hash chain already binds every earlier line, so one signature covers a save
//! and everything before it.

mod allowed;
mod audit;
mod seen;
mod show;
mod signatures;
mod signer;

pub use allowed::ALLOWED_SIGNERS;
pub use audit::{Audit, Finding, SignatureReport};
pub use seen::{HeadCheck, HeadReport, LOCK_WAIT, SharedLock, anchor_line, check_and_note};
pub use show::describe;
pub use signatures::{Checked, Found, SIGNATURES_FILE, Signatures, armoured};
pub use signer::{Sealed, Signer};

/// The SSHSIG namespace of a record's signature: `ssh-keygen -Y verify -n` takes it.
pub const NAMESPACE: &str = "ree-screen-record@v1";
