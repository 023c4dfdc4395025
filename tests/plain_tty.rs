//! Plain mode on a real terminal (a pseudo-terminal): `TERM=dumb`, `ACCESSIBLE=1` and
//! `--plain` each start it even though stdin and stdout are terminals.

use std::process::Command;
use std::time::Duration;

use expectrl::{Eof, Expect, Session};

fn spawn(env: &[(&str, &str)], args: &[&str]) -> expectrl::session::OsSession {
    let dir = std::env::temp_dir().join("ree-screen-plain-tty-none");
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("ree-screen"));
    cmd.env("REE_SCREEN_TODAY", "2025-11-20")
        .env("REE_SCREEN_CONFIG", dir.join("settings.toml"))
        .env("REE_SCREEN_STATE_DIR", dir.join("state"))
        .env("REE_SCREEN_CACHE_DIR", dir.join("cache"))
        .env("REE_SCREEN_DATA_DIR", dir.join("data"))
        .env_remove("ACCESSIBLE")
        .env("TERM", "xterm")
        .envs(env.iter().copied())
        .args(args);
    let mut session = Session::spawn(cmd).expect("spawn in a pty");
    session.set_expect_timeout(Some(Duration::from_secs(10)));
    session
}

#[test]
fn each_trigger_starts_plain_mode_on_a_terminal() {
    for (env, args) in [
        (&[("TERM", "dumb")][..], &[][..]),
        (&[("ACCESSIBLE", "1")][..], &[][..]),
        (&[][..], &["--plain"][..]),
    ] {
        let mut session = spawn(env, args);
        session
            .expect("Screening date, YYYY-MM-DD or DD.MM.YYYY (- or Enter keeps 2025-11-20):")
            .unwrap_or_else(|e| panic!("{env:?} {args:?}: {e}"));
    }
}

#[test]
fn a_screening_completes_by_typed_numbers_only() {
    let mut session = spawn(&[("TERM", "dumb")], &[]);
    // Today, mining technology exported from China to a civil user in Germany: the catalogue
    // restricts it.
    for answer in ["", "1", "1", "1", "9", "de", "", "", "", "", "", "y"] {
        session.send_line(answer).expect("type");
    }
    session
        .expect("OUTCOME: [ !] Licence required")
        .expect("result printed");
    session
        .expect("RESULT: [ !] Licence required; decided by Tech catalogue")
        .expect("summary at the end");
    session.expect(Eof).expect("program ends");
}
