//! Saves signed with the officer's SSH key through an ssh-agent the test starts, checked by
//! the binary and by `ssh-keygen -Y verify`; the history's lines stay as older readers read
//! them; an agent-less save says it is unsigned.

use std::os::unix::fs::PermissionsExt;
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

/// An ssh-agent in the foreground at `socket`, holding `key`; both run through `as_who`
/// (the test's own user, or a member through setpriv). ssh-add is retried while the agent
/// starts listening.
fn start_agent(socket: &Path, key: &Path, as_who: impl Fn(&str) -> StdCommand) -> Child {
    let mut child = as_who("ssh-agent")
        .arg("-D")
        .arg("-a")
        .arg(socket)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("ssh-agent starts");
    for _ in 0..200 {
        let added = as_who("ssh-add")
            .arg("-q")
            .arg(key)
            .env("SSH_AUTH_SOCK", socket)
            .stderr(Stdio::null())
            .status()
            .expect("ssh-add runs");
        if added.success() {
            return child;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("ssh-add {} never succeeded", key.display());
}

impl Agent {
    fn start(dir: &Path, key: &Path) -> Agent {
        let socket = dir.join("agent.sock");
        let child = start_agent(&socket, key, |tool| StdCommand::new(tool));
        Agent { child, socket }
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The private state of the test's user: beside the data directory.
fn state_of(data: &Path) -> PathBuf {
    data.with_file_name("state")
}

fn ree(data: &Path, agent: Option<&Agent>) -> Command {
    let mut cmd = Command::cargo_bin("ree-screen").expect("binary");
    cmd.env("REE_SCREEN_TODAY", "2025-10-20")
        .env("REE_SCREEN_CONFIG", data.join("no-settings.toml"))
        .env_remove("SSH_AUTH_SOCK")
        .env("REE_SCREEN_STATE_DIR", state_of(data))
        .env("REE_SCREEN_CACHE_DIR", data.with_file_name("cache"))
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

/// Assert that `out` contains `text`, showing `out` when not.
fn says(out: &str, text: impl AsRef<str>) {
    assert!(out.contains(text.as_ref()), "{out}");
}

/// The hash of the history's last line.
fn head(data: &Path) -> String {
    let text = std::fs::read_to_string(data.join("history.jsonl")).expect("history");
    let last = text.lines().last().expect("a line");
    link_of(last.as_bytes())
        .expect("a record line")
        .hash
        .to_string()
}

/// `ssh-keygen -Y verify` of the signature kept for `hash`, as `principal`.
fn ssh_keygen_verifies(dir: &Path, data: &Path, hash: &str, principal: &str) -> Run {
    let Some(Found::Sig(sig)) = Signatures::load(data, None).expect("signatures").get(hash) else {
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
    let agent = Agent::start(dir.path(), &key);
    let user = ree_screen::identity::Identity::current().user;

    let run = Run::of(ree(&data, Some(&agent)).args(screen("PO-1")));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    says(&run.stderr, "saved signed with SHA256:");
    std::fs::write(data.join("allowed_signers"), format!("{user} {public}\n")).expect("write");
    let hash = head(&data);
    let checked = ssh_keygen_verifies(dir.path(), &data, &hash, &user);
    assert_eq!(
        checked.code,
        Some(0),
        "{}{}",
        checked.stdout,
        checked.stderr
    );
    assert!(
        checked
            .stdout
            .contains(&format!("Good \"{NAMESPACE}\" signature for {user}")),
        "{}",
        checked.stdout
    );
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
    let data = dir.path().join("data");
    let run = Run::of(ree(&data, None).args(screen("PO-1")));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    says(
        &run.stderr,
        "saved unsigned: no ssh-agent (SSH_AUTH_SOCK is not set) and no signing_key",
    );
    assert!(!data.join(SIGNATURES_FILE).exists());
}

/// The history with line `index` (0-based) edited by `edit` and the chain recomputed from
/// there on, as someone who can write the file but holds no key would do it.
fn rechain(data: &Path, index: usize, edit: impl Fn(&str) -> String) {
    let path = data.join("history.jsonl");
    let text = std::fs::read_to_string(&path).expect("history");
    let mut prev = ree_screen::history::GENESIS.to_string();
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        let link = link_of(line.as_bytes()).expect("a record line");
        let record = std::str::from_utf8(link.record).expect("utf-8");
        let record = if i == index {
            edit(record)
        } else {
            record.to_string()
        };
        let record = format!("{}{prev}\"}}", &record[..record.len() - 66]);
        let hash = ree_screen::history::chain_hash(&prev, record.as_bytes());
        out.push_str(&format!("{{\"hash\":\"{hash}\",\"record\":{record}}}\n"));
        prev = hash;
    }
    std::fs::write(&path, out).expect("write");
}

fn verify(data: &Path) -> Run {
    Run::of(ree(data, None).args(["history", "verify"]))
}

/// A private history whose user is named in allowed_signers, with one signed save.
struct Signed {
    dir: tempfile::TempDir,
    data: PathBuf,
    agent: Agent,
    user: String,
}

fn signed_history() -> Option<Signed> {
    openssh()?;
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    std::fs::create_dir(&data).expect("mkdir");
    std::fs::set_permissions(&data, std::os::unix::fs::PermissionsExt::from_mode(0o700))
        .expect("chmod");
    let (key, public) = keygen(dir.path(), "officer");
    let agent = Agent::start(dir.path(), &key);
    let user = ree_screen::identity::Identity::current().user;
    std::fs::write(data.join("allowed_signers"), format!("{user} {public}\n")).expect("write");
    let run = Run::of(ree(&data, Some(&agent)).args(screen("PO-1")));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    Some(Signed {
        dir,
        data,
        agent,
        user,
    })
}

#[test]
fn a_named_user_must_sign_and_show_names_the_signer() {
    let Some(s) = signed_history() else { return };
    let ok = verify(&s.data);
    assert_eq!(ok.code, Some(0), "{}", ok.stdout);
    says(
        &ok.stdout,
        "Signatures: 1 save(s) signed by their user, 0 not; allowed_signers names 1 user(s)",
    );
    let out = Run::of(ree(&s.data, None).args(["history", "list"])).stdout;
    let id = out.split_whitespace().next().expect("an id").to_string();
    let shown = Run::of(ree(&s.data, None).args(["history", "show", &id])).stdout;
    assert!(
        shown.contains(&format!("Signature: signed by {} (SHA256:", s.user)),
        "{shown}"
    );
    // Without the agent a named user's save is refused and nothing is kept.
    let before = std::fs::read(s.data.join("history.jsonl")).expect("read");
    let refused = Run::of(ree(&s.data, None).args(screen("PO-2")));
    assert_ne!(refused.code, Some(0));
    says(&refused.stderr, "must be signed");
    assert_eq!(
        std::fs::read(s.data.join("history.jsonl")).expect("read"),
        before
    );
    // The refused save was cut back under the lock: no false alarm about a lost head.
    let after = verify(&s.data);
    assert_eq!(after.code, Some(0), "{}", after.stdout);
    drop(s.agent);
    drop(s.dir);
}

#[test]
fn a_forged_save_and_a_changed_signed_save_fail_verify_naming_line_and_user() {
    let Some(s) = signed_history() else { return };
    // Someone without the key appends a save in the user's name (any program can write
    // the file: here the library without a signer).
    let history = History::new(&s.data);
    let rules = ree_screen::rules::embedded().expect("rules");
    let screening = ree_screen::screening::Screening::run(
        &rules,
        &ree_screen::Answers::new().with("stage", "none"),
        "2025-10-20".parse().expect("date"),
        Default::default(),
    );
    let identity = ree_screen::identity::Identity::current();
    history
        .append(
            &[ree_screen::history::NewRecord::screening(&screening)],
            &identity,
        )
        .expect("appended");
    let forged = verify(&s.data);
    assert_eq!(forged.code, Some(1), "{}", forged.stdout);
    says(
        &forged.stdout,
        format!(
            "SIGNATURE FAILS at line 2 ({}): line 2 is attributed to {}, who must sign every save since their first signed save (at byte 0), but it is unsigned",
            s.user, s.user
        ),
    );

    // The signed save changed ("PO-1" to "PO-9") and the chain recomputed: the chain holds,
    // the signature no longer matches any line.
    let text = std::fs::read_to_string(s.data.join("history.jsonl")).expect("read");
    let first = text.lines().next().expect("line").to_string();
    std::fs::write(s.data.join("history.jsonl"), format!("{first}\n")).expect("write");
    rechain(&s.data, 0, |r| r.replacen("PO-1", "PO-9", 1));
    let changed = verify(&s.data);
    assert_eq!(changed.code, Some(1), "{}", changed.stdout);
    says(&changed.stdout, "The chain holds, but the signatures show");
    says(
        &changed.stdout,
        format!(
            "SIGNATURE FAILS at line 1 ({0}): line 1 is attributed to {0}; {0}'s key (SHA256:",
            s.user
        ),
    );
    assert!(
        changed
            .stdout
            .contains("signed this line when it hashed to"),
        "{}",
        changed.stdout
    );
}

#[test]
fn saves_of_users_not_named_stay_valid_and_show_unsigned() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let run = Run::of(ree(&data, None).args(screen("PO-1")));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let ok = verify(&data);
    assert_eq!(ok.code, Some(0), "{}", ok.stdout);
    says(
        &ok.stdout,
        "0 save(s) signed by their user, 1 not; no allowed_signers counts",
    );
    let id = Run::of(ree(&data, None).args(["history", "list"])).stdout;
    let id = id.split_whitespace().next().expect("id").to_string();
    let shown = Run::of(ree(&data, None).args(["history", "show", &id])).stdout;
    assert!(shown.contains("Signature: unsigned"), "{shown}");
}

#[test]
fn a_group_writable_allowed_signers_is_ignored_with_a_warning() {
    let Some(s) = signed_history() else { return };
    let path = s.data.join("allowed_signers");
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o664))
        .expect("chmod");
    let run = verify(&s.data);
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    says(
        &run.stdout,
        "allowed_signers is ignored: a file that sets policy for this data directory counts only when",
    );
    says(&run.stdout, "mode 664)");
    says(&run.stdout, "no allowed_signers counts");
}

/// A private history of `n` unsigned saves, listed once (so its head is seen).
fn history_of(n: usize) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    for i in 0..n {
        let run = Run::of(ree(&data, None).args(screen(&format!("PO-{i}"))));
        assert_eq!(run.code, Some(0), "{}", run.stderr);
    }
    assert_eq!(
        Run::of(ree(&data, None).args(["history", "list"])).code,
        Some(0)
    );
    (dir, data)
}

/// The history cut back to its first `keep` lines, at a line boundary.
fn cut(data: &Path, keep: usize) {
    let path = data.join("history.jsonl");
    let text = std::fs::read_to_string(&path).expect("read");
    let kept: String = text.lines().take(keep).map(|l| format!("{l}\n")).collect();
    std::fs::write(&path, kept).expect("write");
}

#[test]
fn a_cut_tail_fails_verify_against_the_head_this_user_saw() {
    let (_dir, data) = history_of(3);
    let seen = head(&data);
    let ok = verify(&data);
    assert_eq!(ok.code, Some(0), "{}", ok.stdout);
    says(
        &ok.stdout,
        format!("Head: head {seen}, which you saw on 20"),
    );
    cut(&data, 2);
    let run = verify(&data);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    says(
        &run.stdout,
        format!(
            "HEAD LOST: this history no longer holds head {seen} (record 3), which you saw on 20"
        ),
    );
    // Every reading command warns, and a new save does not make the loss go away.
    let listed = Run::of(ree(&data, None).args(["history", "list"]));
    assert!(
        listed
            .stderr
            .contains("WARNING: this history no longer holds head"),
        "{}",
        listed.stderr
    );
    assert_eq!(Run::of(ree(&data, None).args(screen("PO-9"))).code, Some(0));
    assert_eq!(
        Run::of(ree(&data, None).args(screen("PO-10"))).code,
        Some(0)
    );
    assert_eq!(verify(&data).code, Some(1));
}

#[test]
fn a_replaced_file_fails_verify_against_the_head_this_user_saw() {
    let (_dir, data) = history_of(2);
    let (_other_dir, other) = history_of(3);
    std::fs::copy(other.join("history.jsonl"), data.join("history.jsonl")).expect("copy");
    let run = verify(&data);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    says(&run.stdout, "HEAD LOST");
}

#[test]
fn an_anchor_line_witnesses_the_head_from_outside() {
    let (dir, data) = history_of(3);
    let anchored = Run::of(ree(&data, None).args(["history", "anchor"]));
    assert_eq!(anchored.code, Some(0), "{}", anchored.stdout);
    let line = anchored.stdout.trim().to_string();
    assert!(
        line.starts_with(&format!("ree-screen anchor {} 3 records 20", head(&data))),
        "{line}"
    );
    assert!(line.len() < 120, "short enough for a ticket: {line}");
    let held = verify_anchor(&data, &line);
    assert_eq!(held.code, Some(0), "{}", held.stdout);
    says(&held.stdout, "holds: record 3 is head");
    // Cut, and checked by someone who never saw the history (no seen head): the anchor
    // alone catches it.
    cut(&data, 2);
    std::fs::remove_dir_all(state_of(&data)).expect("forget the seen head");
    let run = verify_anchor(&data, &line);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    says(&run.stdout, "does not hold: record 3 should be head");
    says(&run.stdout, "the history has only 2 record(s)");
    let bad = verify_anchor(&data, "not an anchor");
    assert_eq!(bad.code, Some(2), "{}", bad.stderr);
    drop(dir);
}

fn verify_anchor(data: &Path, line: &str) -> Run {
    Run::of(ree(data, None).args(["history", "verify", "--anchor", line]))
}

/// A team directory (root's, group 4321, 2770) and its members, each a uid of their own
/// with a private state directory and, when given a key, an ssh-agent running as them.
struct Team {
    base: tempfile::TempDir,
    dir: PathBuf,
    agents: Vec<(u32, Child, PathBuf)>,
}

const GROUP: u32 = 4321;

fn user_name(uid: u32) -> String {
    format!("officer{uid}")
}

impl Team {
    /// None (the test is skipped, saying why) unless run as root with setpriv and OpenSSH.
    fn new() -> Option<Team> {
        if !rustix::process::getuid().is_root() {
            eprintln!("skipped: needs root to run the binary as team members with setpriv");
            return None;
        }
        if StdCommand::new("setpriv")
            .arg("--version")
            .output()
            .is_err()
        {
            eprintln!("skipped: setpriv is not installed");
            return None;
        }
        openssh()?;
        let base = tempfile::tempdir().expect("tempdir");
        std::fs::set_permissions(base.path(), PermissionsExt::from_mode(0o755)).expect("chmod");
        let dir = base.path().join("team");
        std::fs::create_dir(&dir).expect("mkdir");
        std::os::unix::fs::chown(&dir, Some(0), Some(GROUP)).expect("chown");
        std::fs::set_permissions(&dir, PermissionsExt::from_mode(0o2770)).expect("chmod");
        Some(Team {
            base,
            dir,
            agents: Vec::new(),
        })
    }

    /// A directory of `uid`'s own under the base.
    fn own_dir(&self, uid: u32, name: &str) -> PathBuf {
        let path = self.base.path().join(format!("{name}-{uid}"));
        if !path.exists() {
            std::fs::create_dir(&path).expect("mkdir");
            std::os::unix::fs::chown(&path, Some(uid), Some(uid)).expect("chown");
            std::fs::set_permissions(&path, PermissionsExt::from_mode(0o700)).expect("chmod");
        }
        path
    }

    fn setpriv(uid: u32, program: impl AsRef<std::ffi::OsStr>) -> StdCommand {
        let mut cmd = StdCommand::new("setpriv");
        cmd.args([
            &format!("--reuid={uid}"),
            &format!("--regid={uid}"),
            &format!("--groups={GROUP}"),
            "--",
        ])
        .arg(program)
        .env("USER", user_name(uid))
        .env_remove("SSH_AUTH_SOCK");
        cmd
    }

    /// A key for `uid`, loaded into an ssh-agent running as them; its public key line.
    fn key_in_agent(&mut self, uid: u32) -> String {
        let home = self.own_dir(uid, "home");
        let (key, public) = keygen(&home, "id");
        std::os::unix::fs::chown(&key, Some(uid), Some(uid)).expect("chown");
        let socket = home.join("agent.sock");
        let child = start_agent(&socket, &key, |tool| Team::setpriv(uid, tool));
        self.agents.push((uid, child, socket));
        public
    }

    /// The binary run as `uid`, with their agent if they have one.
    fn run(&self, uid: u32, args: &[&str]) -> Run {
        let bin = assert_cmd::cargo::cargo_bin("ree-screen");
        let mut cmd = Command::from_std(Team::setpriv(uid, bin));
        cmd.env("REE_SCREEN_CONFIG", "/nonexistent/settings.toml")
            .env("REE_SCREEN_TODAY", "2025-10-20")
            .env("REE_SCREEN_STATE_DIR", self.own_dir(uid, "state"))
            .env("REE_SCREEN_CACHE_DIR", self.own_dir(uid, "cache"))
            .arg("--data-dir")
            .arg(&self.dir)
            .args(args);
        if let Some((_, _, socket)) = self.agents.iter().find(|(u, _, _)| *u == uid) {
            cmd.env("SSH_AUTH_SOCK", socket);
        }
        Run::of(&mut cmd)
    }

    /// A save as `uid`: No. 18 items exported from China to a US military user, prohibited.
    fn save(&self, uid: u32, reference: &str) -> Run {
        self.run(
            uid,
            &[
                "screen",
                "--stage",
                "none",
                "--origin",
                "china_export",
                "--recipient",
                "military_user",
                "--goods",
                "no18_items",
                "--destination",
                "US",
                "--date",
                "2025-12-05",
                "--reference",
                reference,
            ],
        )
    }

    /// A shell command run as `uid` (a member changing the shared files by hand).
    fn shell(&self, uid: u32, script: &str) {
        let status = Team::setpriv(uid, "sh")
            .arg("-c")
            .arg(script)
            .current_dir(&self.dir)
            .status()
            .expect("sh runs");
        assert!(status.success(), "{script}");
    }

    fn history(&self) -> PathBuf {
        self.dir.join("history.jsonl")
    }
}

impl Drop for Team {
    fn drop(&mut self) {
        for (_, child, _) in &mut self.agents {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

const ALICE: u32 = 1001;
const BOB: u32 = 1002;
const CAROL: u32 = 1003;

/// Alice and Bob named in the team's allowed_signers (root's, 0644), each with one signed
/// save; the file as it then was.
fn team_with_two_signed_saves() -> Option<(Team, Vec<u8>)> {
    let mut team = Team::new()?;
    let alice = team.key_in_agent(ALICE);
    let bob = team.key_in_agent(BOB);
    let signers = team.dir.join("allowed_signers");
    std::fs::write(
        &signers,
        format!("{} {alice}\n{} {bob}\n", user_name(ALICE), user_name(BOB)),
    )
    .expect("write");
    std::fs::set_permissions(&signers, PermissionsExt::from_mode(0o644)).expect("chmod");
    for (uid, reference) in [(ALICE, "ALICE-1"), (BOB, "BOB-1")] {
        let run = team.save(uid, reference);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        says(&run.stderr, "saved signed with");
    }
    let verified = team.run(ALICE, &["history", "verify"]);
    assert_eq!(verified.code, Some(0), "{}", verified.stdout);
    assert!(
        verified
            .stdout
            .contains("2 save(s) signed by their user, 0 not"),
        "{}",
        verified.stdout
    );
    let original = std::fs::read(team.history()).expect("read");
    Some((team, original))
}

#[test]
fn in_a_team_a_forged_attribution_is_caught_naming_line_and_user() {
    let Some((team, _)) = team_with_two_signed_saves() else {
        return;
    };
    // Bob cannot save as Alice through the binary (his uid has no passwd entry, so $USER
    // names him): it would need her key.
    let (_, _, bobs_agent) = team
        .agents
        .iter()
        .find(|(u, _, _)| *u == BOB)
        .expect("agent");
    let mut cmd = Team::setpriv(BOB, assert_cmd::cargo::cargo_bin("ree-screen"));
    cmd.env("USER", user_name(ALICE))
        .env("SSH_AUTH_SOCK", bobs_agent)
        .env("REE_SCREEN_CONFIG", "/nonexistent/settings.toml")
        .env("REE_SCREEN_STATE_DIR", team.own_dir(BOB, "state"))
        .env("REE_SCREEN_CACHE_DIR", team.own_dir(BOB, "cache"))
        .arg("--data-dir")
        .arg(&team.dir)
        .args(screen("ALICE-BY-BOB"));
    let refused = Run::of(&mut Command::from_std(cmd));
    assert_ne!(refused.code, Some(0));
    assert!(
        refused
            .stderr
            .contains("holds none of the keys allowed_signers names for this user"),
        "{}",
        refused.stderr
    );
    // So he writes the line himself: Alice's record with another id and reference,
    // chained on.
    let text = std::fs::read_to_string(team.history()).expect("read");
    let alices = text.lines().next().expect("line");
    let record =
        std::str::from_utf8(link_of(alices.as_bytes()).expect("link").record).expect("utf-8");
    let value: serde_json::Value = serde_json::from_str(record).expect("json");
    let id = value["id"].as_str().expect("id");
    let record = record
        .replacen(&format!("\"id\":\"{id}\""), &format!("\"id\":\"{id}9\""), 1)
        .replacen("ALICE-1", "ALICE-FORGED", 1);
    let prev = head(&team.dir);
    let record = format!("{}{prev}\"}}", &record[..record.len() - 66]);
    let hash = ree_screen::history::chain_hash(&prev, record.as_bytes());
    let forged = team.base.path().join("forged.jsonl");
    std::fs::write(
        &forged,
        format!("{{\"hash\":\"{hash}\",\"record\":{record}}}\n"),
    )
    .expect("w");
    team.shell(BOB, &format!("cat {} >> history.jsonl", forged.display()));
    let run = team.run(BOB, &["history", "verify"]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    says(
        &run.stdout,
        format!(
            "SIGNATURE FAILS at line 3 ({0}): line 3 is attributed to {0}",
            user_name(ALICE)
        ),
    );
    let id = team.run(ALICE, &["history", "list", "-n", "1"]).stdout;
    let id = id.split_whitespace().next().expect("id").to_string();
    let shown = team.run(ALICE, &["history", "show", &id]);
    says(&shown.stdout, "Signature: unsigned");
    let alices_id = team.run(ALICE, &["history", "list"]).stdout;
    let first = alices_id
        .lines()
        .last()
        .expect("oldest")
        .split_whitespace()
        .next()
        .expect("id")
        .to_string();
    let shown = team.run(BOB, &["history", "show", &first]);
    says(
        &shown.stdout,
        format!("Signature: signed by {} (SHA256:", user_name(ALICE)),
    );
}

#[test]
fn in_a_team_a_changed_record_re_chained_is_caught_naming_line_and_user() {
    let Some((team, _)) = team_with_two_signed_saves() else {
        return;
    };
    // Bob turns Alice's "prohibited" into "no licence" and recomputes the chain.
    let text = std::fs::read_to_string(team.history()).expect("read");
    assert!(
        text.lines()
            .next()
            .expect("line")
            .contains("\"outcome\":\"prohibited\"")
    );
    let copy = team.base.path().join("copy");
    std::fs::create_dir(&copy).expect("mkdir");
    std::fs::write(copy.join("history.jsonl"), &text).expect("write");
    rechain(&copy, 0, |r| {
        r.replacen(
            "\"outcome\":\"prohibited\"",
            "\"outcome\":\"no_license_required\"",
            1,
        )
    });
    team.shell(
        BOB,
        &format!(
            "cat {} > history.jsonl",
            copy.join("history.jsonl").display()
        ),
    );
    let run = team.run(CAROL, &["history", "verify"]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert!(
        !run.stdout.contains("BROKEN"),
        "the chain itself holds: {}",
        run.stdout
    );
    says(
        &run.stdout,
        format!(
            "SIGNATURE FAILS at line 1 ({0}): line 1 is attributed to {0}; {0}'s key",
            user_name(ALICE)
        ),
    );
    says(&run.stdout, "signed this line when it hashed to");
    // Bob's own save lost its signature with the chain recomputed.
    says(
        &run.stdout,
        format!("SIGNATURE FAILS at line 2 ({})", user_name(BOB)),
    );
}

#[test]
fn in_a_team_a_cut_tail_is_caught_by_the_head_seen_and_by_an_anchor() {
    let Some((team, original)) = team_with_two_signed_saves() else {
        return;
    };
    let anchor = team.run(ALICE, &["history", "anchor"]);
    assert_eq!(anchor.code, Some(0), "{}", anchor.stdout);
    let anchor = anchor.stdout.trim().to_string();
    // Bob cuts his own save off (Alice has seen it: she verified).
    let first_line = original.iter().position(|b| *b == b'\n').expect("newline") + 1;
    team.shell(BOB, &format!("truncate -s {first_line} history.jsonl"));
    let run = team.run(ALICE, &["history", "verify"]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    says(&run.stdout, "HEAD LOST: this history no longer holds head");
    says(&run.stdout, "(record 2), which you saw on ");
    // Carol never saw it; the anchor Alice pasted into a ticket says what is gone.
    let carol = team.run(CAROL, &["history", "verify", "--anchor", &anchor]);
    assert_eq!(carol.code, Some(1), "{}", carol.stdout);
    assert!(
        carol
            .stdout
            .contains("does not hold: record 2 should be head"),
        "{}",
        carol.stdout
    );
    says(&carol.stdout, "SIGNED SAVE MISSING");
}

#[test]
fn in_a_team_a_replaced_file_is_caught_by_the_head_seen() {
    let Some((team, _)) = team_with_two_signed_saves() else {
        return;
    };
    // Bob renames a history of his own over the team's (the directory is group-writable).
    let mine = team.base.path().join("bobs");
    std::fs::create_dir(&mine).expect("mkdir");
    std::os::unix::fs::chown(&mine, Some(BOB), Some(BOB)).expect("chown");
    std::fs::set_permissions(&mine, PermissionsExt::from_mode(0o700)).expect("chmod");
    let mut cmd = Command::from_std(Team::setpriv(
        BOB,
        assert_cmd::cargo::cargo_bin("ree-screen"),
    ));
    cmd.env("REE_SCREEN_CONFIG", "/nonexistent/settings.toml")
        .env("REE_SCREEN_STATE_DIR", &mine)
        .arg("--data-dir")
        .arg(mine.join("data"))
        .args(screen("BOB-ONLY"));
    assert_eq!(Run::of(&mut cmd).code, Some(0));
    team.shell(
        BOB,
        &format!("cp {} history.new && chgrp {GROUP} history.new && chmod 660 history.new && mv history.new history.jsonl", mine.join("data/history.jsonl").display()),
    );
    let run = team.run(ALICE, &["history", "verify"]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    says(&run.stdout, "HEAD LOST");
    says(&run.stdout, "SIGNED SAVE MISSING");
}

#[test]
fn in_a_team_saves_without_an_agent_and_a_group_writable_allowed_signers() {
    let Some((team, _)) = team_with_two_signed_saves() else {
        return;
    };
    // Carol is not named: her save without an agent goes in unsigned and says so.
    let carol = team.save(CAROL, "CAROL-1");
    assert_eq!(carol.code, Some(0), "{}", carol.stderr);
    says(&carol.stderr, "saved unsigned: no ssh-agent");
    assert_eq!(team.run(ALICE, &["history", "verify"]).code, Some(0));
    // Made writable by the group, allowed_signers no longer counts: a warning, no duty.
    let signers = team.dir.join("allowed_signers");
    std::fs::set_permissions(&signers, PermissionsExt::from_mode(0o664)).expect("chmod");
    let run = team.run(CAROL, &["history", "verify"]);
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    says(
        &run.stdout,
        "allowed_signers is ignored: a file that sets policy for this data directory counts only when",
    );
    // Alice verified while it counted: to her, its loss is a failure.
    let alice = team.run(ALICE, &["history", "verify"]);
    assert_eq!(alice.code, Some(1), "{}", alice.stdout);
    says(
        &alice.stdout,
        "SIGNERS GONE: allowed_signers named users who must sign when you verified on",
    );
    // One a member put there in place of root's does not count either.
    team.shell(BOB, "rm -f allowed_signers && echo 'officer1002 ssh-ed25519 AAAA' > allowed_signers && chmod 644 allowed_signers");
    let run = team.run(CAROL, &["history", "verify"]);
    says(
        &run.stdout,
        format!(
            "owned by the directory's owner (uid 0) or root and not writable by the group or others (it is uid {BOB}, mode 644)"
        ),
    );
}

#[test]
fn an_agent_that_never_answers_is_waited_for_a_bounded_time() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let socket = dir.path().join("silent.sock");
    let listener = std::os::unix::net::UnixListener::bind(&socket).expect("bind");
    // Accepts and holds every connection without a word (a key waiting for a touch).
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming() {
            held.push(stream);
        }
    });
    let started = std::time::Instant::now();
    let run = Run::of(
        ree(&data, None)
            .env("SSH_AUTH_SOCK", &socket)
            .args(screen("PO-1")),
    );
    let waited = started.elapsed();
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    says(
        &run.stderr,
        "saved unsigned: the ssh-agent did not answer within 5 s",
    );
    assert!(waited < std::time::Duration::from_secs(15), "{waited:?}");
}

#[test]
fn a_key_file_named_in_the_settings_signs_without_an_agent() {
    let Some(()) = openssh() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let (_, public) = keygen(dir.path(), "officer");
    let settings = dir.path().join("settings.toml");
    std::fs::write(&settings, "signing_key = \"officer\"\n").expect("write");
    let run = Run::of(
        ree(&data, None)
            .env("REE_SCREEN_CONFIG", &settings)
            .args(screen("PO-1")),
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    says(&run.stderr, "saved signed with SHA256:");
    let user = ree_screen::identity::Identity::current().user;
    std::fs::write(data.join("allowed_signers"), format!("{user} {public}\n")).expect("write");
    let checked = ssh_keygen_verifies(dir.path(), &data, &head(&data), &user);
    assert_eq!(checked.code, Some(0), "{}", checked.stderr);
    // Its public half names the agent's key instead: without an agent that cannot sign.
    std::fs::write(&settings, "signing_key = \"officer.pub\"\n").expect("write");
    let run = Run::of(
        ree(&data, None)
            .env("REE_SCREEN_CONFIG", &settings)
            .args(screen("PO-2")),
    );
    assert_ne!(run.code, Some(0), "the user is named now: {}", run.stderr);
    says(&run.stderr, "no ssh-agent is running");
}

/// Workbenches of one user saving at once, each to its own history, all keep their seen
/// heads: the state file is changed under a lock, so no save's note overwrites another's.
#[test]
fn saves_at_once_each_keep_their_seen_head() {
    let root = tempfile::tempdir().expect("tempdir");
    let state = root.path().join("state");
    let children: Vec<_> = (0..8)
        .map(|i| {
            let data = root.path().join(format!("data-{i}"));
            std::fs::create_dir_all(&data).expect("data dir");
            StdCommand::new(assert_cmd::cargo::cargo_bin("ree-screen"))
                .env("REE_SCREEN_TODAY", "2025-10-20")
                .env("REE_SCREEN_CONFIG", data.join("no-settings.toml"))
                .env_remove("SSH_AUTH_SOCK")
                .env("REE_SCREEN_STATE_DIR", &state)
                .arg("--data-dir")
                .arg(&data)
                .args(screen(&format!("PO-{i}")))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("spawn")
        })
        .collect();
    for mut child in children {
        assert!(child.wait().expect("wait").success());
    }
    let seen: serde_json::Map<String, serde_json::Value> = serde_json::from_str(
        &std::fs::read_to_string(state.join("seen-heads.json")).expect("seen heads"),
    )
    .expect("json");
    assert_eq!(seen.len(), 8, "{:?}", seen.keys().collect::<Vec<_>>());
}
