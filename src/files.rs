//! Reading the files a user names (rules, settings, batch input) safely: only regular files
//! (a FIFO or a device would hang or never end), bounded in size, with a UTF-8 byte-order
//! mark accepted. Every error names the file and what to do.

use std::fs::{File, OpenOptions};
use std::io::Read;
use std::path::Path;

/// Largest rules file accepted: the embedded one is about 100 KB.
pub const MAX_RULES_BYTES: u64 = 16 << 20;
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
        assert!(read_text(&file, 2).unwrap_err().contains("larger than 2 bytes"));
        assert!(read_text(dir.path(), 100).unwrap_err().contains("directory"));
        std::fs::write(&file, [0xff, 0xfe]).expect("write");
        assert!(read_text(&file, 100).unwrap_err().contains("not UTF-8"));
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
