//! Reading the files a user names (rules, settings, batch input) safely: only regular files
//! (a FIFO or a device would hang or never end), bounded in size, with a UTF-8 byte-order
//! mark accepted. Every error names the file and what to do.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Largest rules file accepted: the embedded one is about 100 KB. With the loader's limits
/// (`rules::limits`) it bounds the time and memory loading any rule set takes.
pub const MAX_RULES_BYTES: u64 = 4 << 20;
/// Largest settings file accepted.
pub const MAX_SETTINGS_BYTES: u64 = 1 << 20;

/// Open `path` for reading if it is a regular file; a FIFO, socket, device or directory is
/// refused before anything blocks on it.
pub fn open_regular(path: &Path) -> Result<File, String> {
    let shown = path.display();
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Opening a FIFO for reading blocks until a writer comes; non-blocking open returns at
        // once so the type check below can refuse it.
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options
        .open(path)
        .map_err(|e| format!("{shown}: cannot open: {e}"))?;
    let meta = file
        .metadata()
        .map_err(|e| format!("{shown}: cannot read its metadata: {e}"))?;
    if !meta.is_file() {
        let what = if meta.is_dir() {
            "a directory"
        } else {
            "not a regular file (a FIFO, socket or device)"
        };
        return Err(format!("{shown}: is {what}; give a regular file"));
    }
    Ok(file)
}

/// The whole of a regular file as text, at most `max` bytes (a byte-order mark is kept, so
/// the text hashes like the file; see [`strip_bom`]).
pub fn read_text(path: &Path, max: u64) -> Result<String, String> {
    let shown = path.display();
    let file = open_regular(path)?;
    let mut bytes = Vec::new();
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{shown}: cannot read: {e}"))?;
    if bytes.len() as u64 > max {
        return Err(format!(
            "{shown}: larger than {} bytes; this is not a file ree-screen reads",
            max
        ));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        format!(
            "{shown}: not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })?;
    Ok(text)
}

/// `bytes` random bytes as lower-case hex, from the operating system's generator.
pub fn random_hex(bytes: usize) -> Result<String, String> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| format!("no random numbers from the system: {e}"))?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

/// Create a file that did not exist, readable by the owner only (0600), never following a
/// symlink planted at its name.
pub fn create_new_private(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// An output file written in full before it replaces anything: the text goes to a new
/// private temporary file beside the target, which is renamed over it only on `commit`.
/// Until then an existing file keeps its content; dropped uncommitted, the temporary goes.
pub struct AtomicOutput {
    target: PathBuf,
    temp: PathBuf,
    file: Option<File>,
}

impl AtomicOutput {
    pub fn create(target: &Path) -> Result<AtomicOutput, String> {
        let shown = target.display();
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| format!("{shown}: not a file name"))?;
        if target.is_dir() {
            return Err(format!("{shown}: is a directory; give a file name"));
        }
        let temp = dir.join(format!(".{name}.{}.tmp", random_hex(8)?));
        let file = create_new_private(&temp)
            .map_err(|e| format!("{shown}: cannot create a file in {}: {e}", dir.display()))?;
        Ok(AtomicOutput {
            target: target.to_path_buf(),
            temp,
            file: Some(file),
        })
    }

    /// Flush to disk and move into place.
    pub fn commit(mut self) -> Result<(), String> {
        let shown = self.target.display().to_string();
        if let Some(file) = self.file.take() {
            file.sync_all()
                .map_err(|e| format!("{shown}: cannot write: {e}"))?;
        }
        std::fs::rename(&self.temp, &self.target)
            .map_err(|e| format!("{shown}: cannot move the output into place: {e}"))
    }
}

impl std::io::Write for AtomicOutput {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.file {
            Some(f) => f.write(buf),
            None => Err(std::io::Error::other("output already committed")),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.file {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for AtomicOutput {
    fn drop(&mut self) {
        if self.file.is_some() {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

/// Where `-o` sends its output. Only a regular file is ever replaced (written whole beside
/// it, then renamed over it); a device or a FIFO that exists is written directly, `-` is
/// standard output, and a symlink is followed to what it names, never replaced itself.
pub enum Output {
    Stdout(std::io::Stdout),
    /// A device or a FIFO, opened for writing as it is.
    Direct(File),
    Replace(AtomicOutput),
}

/// Symlinks followed before giving up, as the kernel does (ELOOP).
const MAX_SYMLINKS: usize = 40;

impl Output {
    /// Open the output `path` names (`-`: standard output).
    pub fn open(path: &Path) -> Result<Output, String> {
        if path.as_os_str() == "-" {
            return Ok(Output::Stdout(std::io::stdout()));
        }
        let shown = path.display();
        let mut at = path.to_path_buf();
        for _ in 0..MAX_SYMLINKS {
            let meta = match std::fs::symlink_metadata(&at) {
                Ok(meta) => meta,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    return AtomicOutput::create(&at).map(Output::Replace);
                }
                Err(e) => return Err(format!("{}: cannot look at it: {e}", at.display())),
            };
            let kind = meta.file_type();
            if kind.is_symlink() {
                refuse_foreign_symlink(&at, &meta)?;
                let target = std::fs::read_link(&at)
                    .map_err(|e| format!("{}: cannot read the link: {e}", at.display()))?;
                at = match at.parent() {
                    Some(dir) => dir.join(target),
                    None => target,
                };
                continue;
            }
            if kind.is_file() {
                return AtomicOutput::create(&at).map(Output::Replace);
            }
            if kind.is_dir() {
                return Err(format!(
                    "{}: is a directory; give a file name",
                    at.display()
                ));
            }
            return open_special(&at, &meta).map(Output::Direct);
        }
        Err(format!(
            "{shown}: more than {MAX_SYMLINKS} symlinks in a row; give the file itself"
        ))
    }

    /// Finish the output: flush it, and move a replacement into place.
    pub fn finish(self) -> Result<(), String> {
        match self {
            Output::Stdout(mut out) => out.flush().map_err(|e| format!("standard output: {e}")),
            Output::Direct(mut file) => file.flush().map_err(|e| e.to_string()),
            Output::Replace(file) => file.commit(),
        }
    }
}

impl std::io::Write for Output {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Output::Stdout(out) => out.write(buf),
            Output::Direct(file) => file.write(buf),
            Output::Replace(file) => file.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Output::Stdout(out) => out.flush(),
            Output::Direct(file) => file.flush(),
            Output::Replace(file) => file.flush(),
        }
    }
}

/// As the kernel's `protected_symlinks`: a symlink in a sticky or world-writable directory
/// is followed only when the follower or the directory's owner owns it, so another user
/// cannot point this program's output at a file of its user's.
fn refuse_foreign_symlink(link: &Path, meta: &std::fs::Metadata) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt;
    let dir = match link.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let dir_meta = std::fs::metadata(dir)
        .map_err(|e| format!("{}: cannot look at its folder: {e}", link.display()))?;
    let shared = dir_meta.mode() & 0o1000 != 0 || dir_meta.mode() & 0o002 != 0;
    let me = rustix::process::geteuid().as_raw();
    if shared && meta.uid() != me && meta.uid() != dir_meta.uid() {
        return Err(format!(
            "{}: is a symlink owned by another user (uid {}) in a shared folder ({}); it is not followed, so it cannot send the output elsewhere: give the file itself",
            link.display(),
            meta.uid(),
            dir.display()
        ));
    }
    Ok(())
}

/// Open an existing device or FIFO for writing, as it is: a FIFO without blocking (no
/// reader is an error, not a hang), a device never truncated; what is opened must still be
/// what was looked at.
fn open_special(path: &Path, looked_at: &std::fs::Metadata) -> Result<File, String> {
    use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt};
    let shown = path.display();
    let kind = looked_at.file_type();
    if kind.is_socket() {
        return Err(format!(
            "{shown}: is a socket; give a file, a device or a FIFO"
        ));
    }
    let file = OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW)
        .open(path)
        .map_err(|e| match e.raw_os_error() {
            Some(libc::ENXIO) if kind.is_fifo() => format!(
                "{shown}: is a FIFO and no process is reading from it; start the reader first"
            ),
            _ => format!("{shown}: cannot open for writing: {e}"),
        })?;
    let opened = file
        .metadata()
        .map_err(|e| format!("{shown}: cannot read its metadata: {e}"))?;
    if opened.dev() != looked_at.dev() || opened.ino() != looked_at.ino() {
        return Err(format!("{shown}: changed while it was opened; try again"));
    }
    // Writes wait for the reader as usual once the FIFO is open.
    rustix::fs::fcntl_setfl(&file, rustix::fs::OFlags::empty())
        .map_err(|e| format!("{shown}: cannot set it to blocking writes: {e}"))?;
    Ok(file)
}

/// Text without a leading UTF-8 byte-order mark (spreadsheets and Windows editors add one).
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// Free disk space a derived file (an index) always leaves, beyond what it writes: it must
/// never take the last space a save needs.
const KEEP_FREE: u64 = 256 << 20;

/// Make a private cache directory if needed and check it is this user's alone (0700).
pub(crate) fn private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    if std::fs::symlink_metadata(dir).is_err() {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir)?;
    }
    let meta = std::fs::symlink_metadata(dir)?;
    if !meta.is_dir() || meta.uid() != uid() || meta.mode() & 0o077 != 0 {
        return Err(std::io::Error::other(format!(
            "{} is not a private directory of this user (it must be 0700 and yours)",
            dir.display()
        )));
    }
    Ok(())
}

fn uid() -> u32 {
    rustix::process::getuid().as_raw()
}

/// Open a file this user keeps privately: never through a symbolic link, without blocking
/// on a FIFO, and only a regular 0600 file of this user with one link.
pub(crate) fn open_private(path: &Path, options: &mut OpenOptions) -> std::io::Result<File> {
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
    let file = options
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .mode(0o600)
        .open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() || meta.nlink() != 1 || meta.uid() != uid() || meta.mode() & 0o777 != 0o600 {
        return Err(std::io::Error::other(
            "not a private regular file of this user",
        ));
    }
    Ok(file)
}

/// Whether `bytes` more can be written in `dir` and still leave [`KEEP_FREE`].
pub(crate) fn room_for(dir: &Path, bytes: u64) -> std::io::Result<()> {
    let stat = rustix::fs::statvfs(dir).map_err(std::io::Error::from)?;
    let free = stat.f_bavail.saturating_mul(stat.f_frsize);
    if free < bytes.saturating_add(KEEP_FREE) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::StorageFull,
            format!(
                "{} MiB free, and the index keeps {} MiB free for saves",
                free >> 20,
                KEEP_FREE >> 20
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_only_bounded_and_bom_stripped() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("a.json");
        std::fs::write(&file, "\u{feff}{}").expect("write");
        assert_eq!(strip_bom(&read_text(&file, 100).expect("reads")), "{}");
        assert!(
            read_text(&file, 2)
                .unwrap_err()
                .contains("larger than 2 bytes")
        );
        assert!(
            read_text(dir.path(), 100)
                .unwrap_err()
                .contains("directory")
        );
        std::fs::write(&file, [0xff, 0xfe]).expect("write");
        assert!(read_text(&file, 100).unwrap_err().contains("not UTF-8"));
    }

    #[test]
    fn atomic_output_replaces_only_on_commit() {
        use std::io::Write;
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("out.csv");
        std::fs::write(&target, "old").expect("write");
        let mut out = AtomicOutput::create(&target).expect("create");
        out.write_all(b"new").expect("write");
        assert_eq!(std::fs::read_to_string(&target).expect("read"), "old");
        drop(out);
        assert_eq!(std::fs::read_to_string(&target).expect("read"), "old");
        assert_eq!(
            std::fs::read_dir(dir.path()).expect("dir").count(),
            1,
            "no temp left"
        );
        let mut out = AtomicOutput::create(&target).expect("create");
        out.write_all(b"new").expect("write");
        out.commit().expect("commit");
        assert_eq!(std::fs::read_to_string(&target).expect("read"), "new");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&target)
                .expect("meta")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    fn write_through(path: &Path, text: &str) -> Result<(), String> {
        let mut out = Output::open(path)?;
        out.write_all(text.as_bytes()).map_err(|e| e.to_string())?;
        out.finish()
    }

    fn make_fifo(path: &Path) {
        let status = std::process::Command::new("mkfifo")
            .arg(path)
            .status()
            .expect("mkfifo runs");
        assert!(status.success());
    }

    #[test]
    fn an_output_fifo_is_written_when_read_and_refused_at_once_when_not() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let fifo = dir.path().join("pipe");
        make_fifo(&fifo);
        let started = std::time::Instant::now();
        let err = write_through(&fifo, "x").unwrap_err();
        assert!(err.contains("no process is reading from it"), "{err}");
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read_to_string(fifo).expect("read"))
        };
        // The reader opens the FIFO when its thread runs: try until it has.
        let mut written = Err(String::new());
        for _ in 0..200 {
            written = write_through(&fifo, "rows\n");
            if written.is_ok() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        written.expect("written once the reader is there");
        assert_eq!(reader.join().expect("reader"), "rows\n");
        let kind = std::fs::symlink_metadata(&fifo).expect("meta").file_type();
        assert!(kind.is_fifo(), "still a FIFO");
    }

    #[test]
    fn an_output_device_is_written_and_stays_a_device() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let null = dir.path().join("null");
        // A null device of the test's own (mknod needs root); /dev/null is never the target.
        let made = std::process::Command::new("mknod")
            .arg(&null)
            .args(["c", "1", "3"])
            .status()
            .is_ok_and(|s| s.success());
        if !made {
            eprintln!("skipped: mknod needs root");
            return;
        }
        write_through(&null, "discarded").expect("written");
        let meta = std::fs::symlink_metadata(&null).expect("meta");
        assert!(meta.file_type().is_char_device(), "still a device");
        assert_eq!(
            std::fs::read_dir(dir.path()).expect("dir").count(),
            1,
            "no temporary left"
        );
    }

    #[test]
    fn an_output_symlink_is_followed_and_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("real.csv");
        std::fs::write(&target, "old").expect("write");
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink("real.csv", &link).expect("symlink");
        write_through(&link, "new").expect("written");
        assert!(std::fs::symlink_metadata(&link).expect("meta").is_symlink());
        assert_eq!(std::fs::read_to_string(&target).expect("read"), "new");
        // A link to a file not there yet makes it.
        let dangling = dir.path().join("later.csv");
        std::os::unix::fs::symlink("made.csv", &dangling).expect("symlink");
        write_through(&dangling, "made").expect("written");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("made.csv")).expect("read"),
            "made"
        );
        assert!(
            std::fs::symlink_metadata(&dangling)
                .expect("meta")
                .is_symlink()
        );
    }

    #[test]
    fn another_users_symlink_in_a_sticky_folder_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        if !rustix::process::geteuid().is_root() {
            eprintln!("skipped: needs root to give a symlink to another user");
            return;
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let shared = dir.path().join("shared");
        std::fs::create_dir(&shared).expect("mkdir");
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).expect("chmod");
        let victim = dir.path().join("victim.txt");
        std::fs::write(&victim, "precious").expect("write");
        let link = shared.join("out.csv");
        std::os::unix::fs::symlink(&victim, &link).expect("symlink");
        std::os::unix::fs::lchown(&link, Some(1001), Some(1001)).expect("lchown");
        let err = write_through(&link, "overwritten").unwrap_err();
        assert!(err.contains("owned by another user (uid 1001)"), "{err}");
        assert_eq!(std::fs::read_to_string(&victim).expect("read"), "precious");
        // The same link of the user's own is followed.
        std::os::unix::fs::lchown(&link, Some(0), Some(0)).expect("lchown");
        write_through(&link, "mine").expect("written");
        assert_eq!(std::fs::read_to_string(&victim).expect("read"), "mine");
    }

    #[test]
    fn a_dash_is_standard_output() {
        assert!(matches!(
            Output::open(Path::new("-")).expect("stdout"),
            Output::Stdout(_)
        ));
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().expect("tempdir");
        let fifo = dir.path().join("pipe");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo runs");
        assert!(status.success());
        let err = read_text(&fifo, 100).unwrap_err();
        assert!(err.contains("not a regular file"), "{err}");
    }
}
