//! Reading the files a user names (rules, settings, batch input) safely: only regular files
//! (a FIFO or a device would hang or never end), bounded in size, with a UTF-8 byte-order
//! mark accepted. Every error names the file and what to do.

use std::fs::{File, OpenOptions};
use std::io::Read;
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

/// Text without a leading UTF-8 byte-order mark (spreadsheets and Windows editors add one).
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
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
