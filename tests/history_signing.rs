//! Saves signed with the officer's SSH key through an ssh-agent the test starts, checked by
//! the binary and by `ssh-keygen -Y verify`; the history's lines stay as older readers read
//! them; an agent-less save says it is unsigned.

use std::path::{Path, PathBuf};
use std::process::{Child, Command as StdCommand, Stdio};

mod cli_support;

use assert_cmd::Command;
use cli_support::{Run, screen_args};
use ree_screen::history::{History, link_of};
use ree_screen::signing::{Found, NAMESPACE, SIGNATURES_FILE, Signatures, armoured};

/// OpenSSH's tools, or None (the test is then skipped, saying so).
fn openssh() -> Option<()> {
    let present = ["ssh-keygen", "ssh-agent", "ssh-add"].iter().all(|tool| {
        StdCommand::new(tool)
            .arg("-?")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok()
    });
    if !present {
        eprintln!("skipped: OpenSSH's ssh-keygen, ssh-agent and ssh-add are needed");
    }
    present.then_some(())
}

/// An ed25519 key made by ssh-keygen: (private key file, public key line).
fn keygen(dir: &Path, name: &str) -> (PathBuf, String) {
    let path = dir.join(name);
    let status = StdCommand::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
        .arg(&path)
        .status()
        .expect("ssh-keygen runs");
    assert!(status.success());
    let public = std::fs::read_to_string(path.with_extension("pub")).expect("public key");
    (path, public.trim().to_string())
}

/// An ssh-agent of the test's own, in the foreground, ended when dropped.
struct Agent {
    child: Child,
    socket: PathBuf,
}

impl Agent {
    fn start(dir: &Path, keys: &[&Path]) -> Agent {
        let socket = dir.join("agent.sock");
        let child = StdCommand::new("ssh-agent")
            .arg("-D")
            .arg("-a")
            .arg(&socket)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("ssh-agent starts");
        for _ in 0..200 {
            if socket.exists() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        for key in keys {
            let status = StdCommand::new("ssh-add")
                .arg("-q")
                .arg(key)
                .env("SSH_AUTH_SOCK", &socket)
                .stderr(Stdio::null())
                .status()
                .expect("ssh-add runs");
            assert!(status.success(), "ssh-add {}", key.display());
        }
        Agent { child, socket }
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn ree(data: &Path, agent: Option<&Agent>) -> Command {
    let mut cmd = Command::cargo_bin("ree-screen").expect("binary");
    cmd.env("REE_SCREEN_TODAY", "2025-10-20")
        .env("REE_SCREEN_CONFIG", data.join("no-settings.toml"))
        .env_remove("SSH_AUTH_SOCK")
        .arg("--data-dir")
        .arg(data);
    if let Some(agent) = agent {
        cmd.env("SSH_AUTH_SOCK", &agent.socket);
    }
    cmd
}

fn screen(reference: &str) -> Vec<String> {
    screen_args("none", "foreign_chinese_content", "military_user")
        .into_iter()
        .chain(["--reference", reference])
        .map(str::to_string)
        .collect()
}

/// The hash of the history's last line.
fn head(data: &Path) -> String {
    let text = std::fs::read_to_string(data.join("history.jsonl")).expect("history");
    let last = text.lines().last().expect("a line");
    link_of(last.as_bytes()).expect("a record line").hash.to_string()
}

/// `ssh-keygen -Y verify` of the signature kept for `hash`, as `principal`.
fn ssh_keygen_verifies(dir: &Path, data: &Path, hash: &str, principal: &str) -> Run {
    let Some(Found::Sig(sig)) = Signatures::load(data).expect("signatures").get(hash) else {
        panic!("no signature for {hash}");
    };
    let sig_file = dir.join("record.sig");
    std::fs::write(&sig_file, armoured(&sig).expect("armour")).expect("write");
    let mut cmd = Command::new("ssh-keygen");
    cmd.args(["-Y", "verify", "-n", NAMESPACE, "-I", principal, "-f"])
        .arg(data.join("allowed_signers"))
        .arg("-s")
        .arg(&sig_file)
        .write_stdin(hash.to_string());
    Run::of(&mut cmd)
}

#[test]
fn a_save_is_signed_through_the_agent_and_ssh_keygen_verifies_it() {
    let Some(()) = openssh() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let (key, public) = keygen(dir.path(), "officer");
    let agent = Agent::start(dir.path(), &[&key]);
    let user = ree_screen::identity::Identity::current().user;

    let run = Run::of(ree(&data, Some(&agent)).args(screen("PO-1")));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stderr.contains("saved signed with SHA256:"), "{}", run.stderr);
    std::fs::write(data.join("allowed_signers"), format!("{user} {public}\n")).expect("write");
    let hash = head(&data);
    let checked = ssh_keygen_verifies(dir.path(), &data, &hash, &user);
    assert_eq!(checked.code, Some(0), "{}{}", checked.stdout, checked.stderr);
    assert!(checked.stdout.contains(&format!("Good \"{NAMESPACE}\" signature for {user}")), "{}", checked.stdout);
    // Another principal, or another message, does not verify.
    let other = ssh_keygen_verifies(dir.path(), &data, &hash, "someone-else");
    assert_ne!(other.code, Some(0));

    // The history's lines are exactly those an older reader reads: the signature is beside
    // the history, not in it.
    let text = std::fs::read_to_string(data.join("history.jsonl")).expect("history");
    for line in text.lines() {
        let link = link_of(line.as_bytes()).expect("the shape every reader reads");
        ree_screen::history::check_link(&link).expect("its hash holds");
    }
    assert!(History::new(&data).verify().expect("verify").intact());
    assert!(data.join(SIGNATURES_FILE).exists());
}

#[test]
fn a_save_without_agent_or_key_is_unsigned_and_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = Run::of(ree(dir.path(), None).args(screen("PO-1")));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr.contains("saved unsigned: no ssh-agent (SSH_AUTH_SOCK is not set) and no signing_key"),
        "{}",
        run.stderr
    );
    assert!(!dir.path().join(SIGNATURES_FILE).exists());
}
