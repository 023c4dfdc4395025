//! What ree-screen remembers for this operating-system user between sessions: the last
//! officer entered in the form or plain mode, so the next screening starts with it when the
//! settings name none. Kept in the user's own state directory (private: 0700, the file
//! 0600), never in the data directory, which a team may share.

use std::io::Write;
use std::path::PathBuf;

use crate::files::AtomicOutput;
use crate::screening::{Field, validate_field};

/// Environment variable naming the state directory instead of the platform one (tests).
pub const STATE_DIR_ENV: &str = "REE_SCREEN_STATE_DIR";

const LAST_OFFICER: &str = "last-officer";

/// The user's state directory: `REE_SCREEN_STATE_DIR`, else the platform's (on Linux
/// `$XDG_STATE_HOME/ree-screen`), else the config directory, which is the user's own too.
pub fn dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(STATE_DIR_ENV).filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    let dirs = directories::ProjectDirs::from("org", "ree-screen", "ree-screen")?;
    Some(
        dirs.state_dir()
            .unwrap_or_else(|| dirs.config_dir())
            .to_path_buf(),
    )
}

/// The last officer this user entered, if any is kept and it is a valid officer name (the
/// file may have been edited by hand).
pub fn last_officer() -> Option<String> {
    let text = std::fs::read_to_string(dir()?.join(LAST_OFFICER)).ok()?;
    let name = crate::text::sanitize(text.trim());
    (!name.is_empty() && validate_field(Field::Officer, &name).is_ok()).then_some(name)
}

/// Remember `officer` as the last one entered (written whole, private). Nothing is written
/// when it is empty or already the one kept.
pub fn remember_officer(officer: &str) -> Result<(), String> {
    let officer = officer.trim();
    if officer.is_empty() || last_officer().as_deref() == Some(officer) {
        return Ok(());
    }
    let dir = dir().ok_or("no home directory for the state directory")?;
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(&dir)
        .map_err(|e| format!("{}: cannot create: {e}", dir.display()))?;
    let mut out = AtomicOutput::create(&dir.join(LAST_OFFICER))?;
    writeln!(out, "{officer}").map_err(|e| format!("cannot write the last officer: {e}"))?;
    out.commit()
}
