//! Locks on the history and its index, waited for within bounds: after a second the wait is
//! said (on standard error, or to the front end that asked), and after the timeout
//! (`REE_SCREEN_LOCK_TIMEOUT` seconds, 30 by default) it gives up with an error that says
//! what holds it. A lock is never waited for without end.

use std::fs::{File, TryLockError};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::store::{HistoryError, io_error};

/// Environment variable: seconds to wait for a lock before giving up.
pub const LOCK_TIMEOUT_ENV: &str = "REE_SCREEN_LOCK_TIMEOUT";

/// How long to wait for a lock before giving up.
pub fn timeout() -> Duration {
    std::env::var(LOCK_TIMEOUT_ENV)
        .ok()
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map_or(Duration::from_secs(30), Duration::from_secs_f64)
}

/// When the wait is said.
const SAY_AFTER: Duration = Duration::from_secs(1);
/// How often a held lock is tried again.
const RETRY: Duration = Duration::from_millis(25);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Readers that must see whole saves (`verify`).
    Shared,
    /// A save, an index update.
    Exclusive,
}

/// Who is told what the store does on its own (waiting for a lock, rebuilding the index):
/// standard error unless a front end says.
#[derive(Clone)]
pub struct Notices(Arc<dyn Fn(&str) + Send + Sync>);

impl Notices {
    pub fn new(say: impl Fn(&str) + Send + Sync + 'static) -> Notices {
        Notices(Arc::new(say))
    }

    pub(crate) fn say(&self, message: &str) {
        (self.0)(message)
    }
}

impl Default for Notices {
    fn default() -> Notices {
        Notices::new(|message| eprintln!("ree-screen: {message}"))
    }
}

impl std::fmt::Debug for Notices {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Notices")
    }
}

/// Take the lock on `file` (`what` names it in messages), waiting up to `limit` (usually
/// [`timeout`]; zero takes it only if it is free now).
pub(crate) fn acquire(
    file: &File,
    path: &Path,
    what: &str,
    mode: Mode,
    notices: &Notices,
    limit: Duration,
) -> Result<(), HistoryError> {
    let started = Instant::now();
    let mut said = false;
    loop {
        let tried = match mode {
            Mode::Shared => file.try_lock_shared(),
            Mode::Exclusive => file.try_lock(),
        };
        match tried {
            Ok(()) => return Ok(()),
            Err(TryLockError::Error(e)) => {
                return Err(io_error(path, &format!("lock {what}"), &e));
            }
            Err(TryLockError::WouldBlock) => {}
        }
        let waited = started.elapsed();
        if waited >= limit {
            return Err(HistoryError::new(
                path,
                format!(
                    "gave up after {} s waiting for another ree-screen to finish with {what} (it holds the lock on this file; `fuser` names the process); set {LOCK_TIMEOUT_ENV} to wait longer",
                    limit.as_secs()
                ),
            ));
        }
        if !said && waited >= SAY_AFTER {
            said = true;
            notices.say(&format!(
                "waiting for another ree-screen to finish with {what} (giving up after {} s)...",
                limit.as_secs()
            ));
        }
        std::thread::sleep(RETRY.min(limit - waited));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn a_held_lock_is_waited_for_said_and_given_up() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("f");
        let holder = File::create(&path).expect("create");
        holder.lock().expect("lock");
        let other = File::open(&path).expect("open");
        let said = Arc::new(Mutex::new(Vec::new()));
        let heard = Arc::clone(&said);
        let notices = Notices::new(move |m| heard.lock().expect("said").push(m.to_string()));
        let limit = Duration::from_millis(1300);
        let started = Instant::now();
        let err = acquire(&other, &path, "the history", Mode::Shared, &notices, limit)
            .expect_err("held by another");
        assert!(started.elapsed() >= Duration::from_millis(1300));
        assert!(err.message.contains("gave up after 1 s"), "{err}");
        assert_eq!(said.lock().expect("said").len(), 1);
        drop(holder);
        acquire(
            &other,
            &path,
            "the history",
            Mode::Exclusive,
            &notices,
            limit,
        )
        .expect("free");
    }
}
