//! Reading the history's lines: forwards one at a time ([`Walk`], which tells a finished batch
//! from one a crash cut short by looking ahead for its last record) and backwards from the end
//! ([`ReverseLines`], [`NewestFirst`], which leave out unfinished batches and acknowledged
//! bytes). A line longer than [`MAX_LINE`] is reported by its length and never held.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::os::unix::fs::FileExt;
use std::path::PathBuf;

use super::record::{Batch, Frame, LineProblem, Link, MAX_LINE, check_link, frame_of, link_of};
use super::store::{BadLine, HistoryError, io_error};

pub(crate) fn trim_newline(line: &mut Vec<u8>) {
    while matches!(line.last(), Some(b'\n' | b'\r')) {
        line.pop();
    }
}

/// A good, complete record's line, found in a walk.
#[derive(Debug)]
pub struct FoundRecord<'a> {
    pub line: usize,
    pub offset: u64,
    pub link: Link<'a>,
    pub frame: Frame,
}

/// One line of a forward walk.
#[derive(Debug)]
pub enum Item<'a> {
    Record(FoundRecord<'a>),
    /// Not a usable record line.
    Bad(BadLine),
    /// A record of a batch a crash cut short: never counts.
    Unfinished {
        line: usize,
        offset: u64,
        batch: Batch,
    },
}

/// The history in file order, one line at a time.
pub struct Walk {
    reader: Option<BufReader<File>>,
    path: PathBuf,
    buf: Vec<u8>,
    offset: u64,
    /// Where to stop (exclusive).
    end: u64,
    line: usize,
    /// The batch last found complete (its start), so its records are checked once.
    complete_batch: Option<(u64, bool)>,
}

impl Walk {
    pub(crate) fn new(file: Option<File>, path: PathBuf) -> Walk {
        Walk {
            reader: file.map(|f| BufReader::with_capacity(1 << 20, f)),
            path,
            buf: Vec::new(),
            offset: 0,
            end: u64::MAX,
            line: 0,
            complete_batch: None,
        }
    }

    /// The lines from byte `start` (where line `line` + 1 begins) up to byte `end`.
    pub(crate) fn range(
        mut file: File,
        path: PathBuf,
        start: u64,
        end: u64,
        line: usize,
    ) -> Result<Walk, HistoryError> {
        file.seek(SeekFrom::Start(start))
            .map_err(|e| io_error(&path, "read the history", &e))?;
        let mut walk = Walk::new(Some(file), path);
        walk.offset = start;
        walk.end = end;
        walk.line = line;
        Ok(walk)
    }

    /// Where the next line starts, and its number less one.
    pub(crate) fn position(&self) -> (u64, usize) {
        (self.offset, self.line)
    }

    pub fn next_item(&mut self) -> Result<Option<Item<'_>>, HistoryError> {
        let path = &self.path;
        let failed = |e: io::Error| io_error(path, "read the history", &e);
        if self.offset >= self.end {
            return Ok(None);
        }
        let Some(reader) = self.reader.as_mut() else {
            return Ok(None);
        };
        self.buf.clear();
        let (n, too_long) = read_bounded_line(reader, &mut self.buf).map_err(failed)?;
        if n == 0 {
            return Ok(None);
        }
        let offset = self.offset;
        self.offset += n;
        self.line += 1;
        let line = self.line;
        if too_long {
            return Ok(Some(Item::Bad(BadLine {
                line,
                offset,
                problem: LineProblem::TooLong(n),
            })));
        }
        trim_newline(&mut self.buf);
        let bad = |problem| {
            Ok(Some(Item::Bad(BadLine {
                line,
                offset,
                problem,
            })))
        };
        let Some(link) = link_of(&self.buf) else {
            return bad(LineProblem::Unreadable(describe_unreadable(&self.buf)));
        };
        if let Err(problem) = check_link(&link) {
            return bad(problem);
        }
        let frame = frame_of(link.record);
        if let Some(batch) = frame.batch {
            let complete = match self.complete_batch {
                Some((start, complete)) if start == batch.start => complete,
                _ => {
                    let file = reader.get_ref();
                    let complete = batch_complete(file, batch, offset).map_err(failed)?;
                    self.complete_batch = Some((batch.start, complete));
                    complete
                }
            };
            if !complete {
                return Ok(Some(Item::Unfinished {
                    line,
                    offset,
                    batch,
                }));
            }
        }
        Ok(Some(Item::Record(FoundRecord {
            line,
            offset,
            link,
            frame,
        })))
    }
}

fn describe_unreadable(line: &[u8]) -> String {
    if line.iter().all(|b| b.is_ascii_whitespace()) {
        "an empty line".to_string()
    } else if line.iter().all(|b| *b == 0) {
        "a run of NUL bytes, as a crash can leave".to_string()
    } else if line.starts_with(b"{\"hash\":\"") {
        "cut short or not in the shape ree-screen writes".to_string()
    } else {
        "not a history line".to_string()
    }
}

/// Read one line into `buf` unless it is longer than [`MAX_LINE`]; returns the bytes consumed
/// and whether the line was too long (its bytes are then skipped, not kept).
fn read_bounded_line(reader: &mut impl BufRead, buf: &mut Vec<u8>) -> io::Result<(u64, bool)> {
    let mut consumed = 0u64;
    let mut too_long = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok((consumed, too_long));
        }
        let (take, done) = match memchr::memchr(b'\n', available) {
            Some(i) => (i + 1, true),
            None => (available.len(), false),
        };
        if !too_long {
            if buf.len() + take > MAX_LINE + 2 {
                too_long = true;
                buf.clear();
            } else {
                buf.extend_from_slice(&available[..take]);
            }
        }
        reader.consume(take);
        consumed += take as u64;
        if done {
            return Ok((consumed, too_long));
        }
    }
}

/// Whether a batch's last record is in the file (searched from `from`, where one of its
/// records starts): only then does the batch count.
fn batch_complete(file: &File, batch: Batch, from: u64) -> io::Result<bool> {
    if batch.n == batch.of {
        return Ok(true);
    }
    let pattern = format!("\"batch\":[{},{},{}]", batch.start, batch.of, batch.of);
    let finder = memchr::memmem::Finder::new(pattern.as_bytes());
    let len = file.metadata()?.len();
    let mut at = from;
    let mut block = vec![0u8; 4 << 20];
    while at < len {
        let want = block.len().min((len - at) as usize);
        file.read_exact_at(&mut block[..want], at)?;
        if let Some(i) = finder.find(&block[..want]) {
            // Check that the line holding it is a whole, good record.
            let hit = at + i as u64;
            let line_start = match memchr::memrchr(b'\n', &block[..i]) {
                Some(nl) => at + nl as u64 + 1,
                None => find_line_start(file, hit)?,
            };
            // Read through a positioned reader: a cloned descriptor would share, and move,
            // the walk's own file position.
            let mut reader = BufReader::new(PositionedReader {
                file,
                at: line_start,
            });
            let mut line = Vec::new();
            let (_, too_long) = read_bounded_line(&mut reader, &mut line)?;
            trim_newline(&mut line);
            return Ok(!too_long && link_of(&line).is_some_and(|l| check_link(&l).is_ok()));
        }
        if want < block.len() {
            break;
        }
        // Overlap so a pattern across two blocks is found.
        at += (want - pattern.len()) as u64;
    }
    Ok(false)
}

/// Reads a file from an offset with `pread`, leaving the file's own position alone.
struct PositionedReader<'f> {
    file: &'f File,
    at: u64,
}

impl Read for PositionedReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.file.read_at(buf, self.at)?;
        self.at += n as u64;
        Ok(n)
    }
}

fn find_line_start(file: &File, mut at: u64) -> io::Result<u64> {
    let mut block = [0u8; 4096];
    while at > 0 {
        let from = at.saturating_sub(block.len() as u64);
        let part = &mut block[..(at - from) as usize];
        file.read_exact_at(part, from)?;
        if let Some(nl) = memchr::memrchr(b'\n', part) {
            return Ok(from + nl as u64 + 1);
        }
        at = from;
    }
    Ok(0)
}

/// Reads a file's lines from the last to the first. Lines are found in 64 KiB blocks; a
/// line longer than [`MAX_LINE`] is skipped (reported with its length) without being held,
/// so a huge last line costs one pass over it, not one per block.
pub struct ReverseLines {
    file: File,
    /// The file's bytes `[buf_start, pos)`: the unread part's end, read ahead backwards.
    buf: Vec<u8>,
    buf_start: u64,
}

const BLOCK: usize = 64 * 1024;

/// A line read backwards: its bytes, or only its length when too long.
#[derive(Debug)]
pub enum RevLine {
    Text(Vec<u8>),
    TooLong(u64),
}

impl ReverseLines {
    pub(crate) fn new(mut file: File) -> io::Result<ReverseLines> {
        let end = file.seek(SeekFrom::End(0))?;
        Ok(ReverseLines {
            file,
            buf: Vec::new(),
            buf_start: end,
        })
    }

    fn pos(&self) -> u64 {
        self.buf_start + self.buf.len() as u64
    }

    /// Read the block before the buffer; when `keep` is false the buffer is dropped first.
    fn read_before(&mut self, keep: bool) -> io::Result<()> {
        let from = self.buf_start.saturating_sub(BLOCK as u64);
        let mut block = vec![0u8; (self.buf_start - from) as usize];
        self.file.read_exact_at(&mut block, from)?;
        if keep {
            block.extend_from_slice(&self.buf);
        }
        self.buf = block;
        self.buf_start = from;
        Ok(())
    }

    /// The next line towards the start of the file: (offset, end offset, line).
    pub fn next_line(&mut self) -> io::Result<Option<(u64, u64, RevLine)>> {
        let end = self.pos();
        if end == 0 {
            return Ok(None);
        }
        if self.buf.is_empty() {
            self.read_before(true)?;
        }
        // The line's own newline is not where it starts.
        let mut limit = self.buf.len() - usize::from(self.buf.last() == Some(&b'\n'));
        let mut too_long = false;
        let start = loop {
            if let Some(nl) = memchr::memrchr(b'\n', &self.buf[..limit]) {
                break self.buf_start + nl as u64 + 1;
            }
            if self.buf_start == 0 {
                break 0;
            }
            too_long = too_long || end - self.buf_start > (MAX_LINE + 2) as u64;
            let searched_from = self.buf_start;
            self.read_before(!too_long)?;
            // Only the block just read is left to search.
            limit = (searched_from - self.buf_start) as usize;
        };
        let keep = (start - self.buf_start) as usize;
        let line = if too_long {
            RevLine::TooLong(end - start)
        } else {
            let mut text = self.buf[keep..].to_vec();
            trim_newline(&mut text);
            RevLine::Text(text)
        };
        self.buf.truncate(keep);
        Ok(Some((start, end, line)))
    }
}

/// One line, newest first.
#[derive(Debug)]
pub enum RevItem {
    /// A good record of a complete batch (or on its own), not acknowledged away.
    Record {
        offset: u64,
        end: u64,
        hash: String,
        line: Vec<u8>,
    },
    Bad {
        offset: u64,
        problem: LineProblem,
    },
    /// Left out: part of a batch a crash cut short, or bytes a later record acknowledged.
    Dropped {
        offset: u64,
    },
}

/// The history newest first, with unfinished batches and acknowledged bytes left out.
pub struct NewestFirst {
    lines: ReverseLines,
    /// Lines at or after this offset are left out (and before `until`).
    drop_from: Option<(u64, u64)>,
    /// The start of the newest batch whose last record was seen.
    complete_batch: Option<u64>,
    /// Whether each line's hash is checked (a line whose hash fails is `Bad`).
    checked: bool,
}

impl NewestFirst {
    pub(crate) fn new(lines: ReverseLines) -> NewestFirst {
        NewestFirst {
            lines,
            drop_from: None,
            complete_batch: None,
            checked: true,
        }
    }

    /// Newest first without checking each line's hash: for following the links between
    /// records (which supersedes which), where a line that fails its hash counts as it
    /// reads (so a save is refused rather than allowed) and `verify` reports it.
    pub(crate) fn unchecked(lines: ReverseLines) -> NewestFirst {
        NewestFirst {
            checked: false,
            ..NewestFirst::new(lines)
        }
    }

    pub fn next_item(&mut self) -> io::Result<Option<RevItem>> {
        let Some((offset, end, line)) = self.lines.next_line()? else {
            return Ok(None);
        };
        if let Some((from, until)) = self.drop_from
            && offset >= from
            && offset < until
        {
            return Ok(Some(RevItem::Dropped { offset }));
        }
        let text = match line {
            RevLine::TooLong(n) => {
                return Ok(Some(RevItem::Bad {
                    offset,
                    problem: LineProblem::TooLong(n),
                }));
            }
            RevLine::Text(t) => t,
        };
        let Some(link) = link_of(&text) else {
            return Ok(Some(RevItem::Bad {
                offset,
                problem: LineProblem::Unreadable(describe_unreadable(&text)),
            }));
        };
        if self.checked
            && let Err(problem) = check_link(&link)
        {
            return Ok(Some(RevItem::Bad { offset, problem }));
        }
        let frame = frame_of(link.record);
        if let Some(batch) = frame.batch {
            if batch.n == batch.of {
                self.complete_batch = Some(batch.start);
            } else if self.complete_batch != Some(batch.start) {
                // The batch's last record never came: leave out the whole batch.
                self.drop_from = Some((batch.start, offset + 1));
                return Ok(Some(RevItem::Dropped { offset }));
            }
        }
        if let Some(ack) = frame.acknowledges {
            self.drop_from = Some((ack.offset, ack.offset + ack.bytes));
        }
        let hash = link.hash.to_string();
        Ok(Some(RevItem::Record {
            offset,
            end,
            hash,
            line: text,
        }))
    }
}

/// Hand each good record's bytes to `each`, newest first, until it returns a value or the
/// start of the file: what the records that point at another (a licence, a decision) are
/// looked for with.
pub(crate) fn newest_records<T>(
    file: &std::fs::File,
    mut each: impl FnMut(&[u8]) -> std::ops::ControlFlow<Option<T>>,
) -> std::io::Result<Option<T>> {
    let mut lines = NewestFirst::new(ReverseLines::new(file.try_clone()?)?);
    while let Some(item) = lines.next_item()? {
        let RevItem::Record { line, .. } = item else {
            continue;
        };
        let Some(link) = super::record::link_of(&line) else {
            continue;
        };
        if let std::ops::ControlFlow::Break(found) = each(link.record) {
            return Ok(found);
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reverse_lines_handle_a_huge_last_line_in_one_pass() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("f");
        let mut text = b"first\nsecond\n".to_vec();
        text.extend(std::iter::repeat_n(0u8, 40 << 20));
        std::fs::write(&path, &text).expect("write");
        let started = std::time::Instant::now();
        let mut lines = ReverseLines::new(File::open(&path).expect("open")).expect("lines");
        let Some((offset, _, RevLine::TooLong(n))) = lines.next_line().expect("read") else {
            panic!("the NUL run is one line, too long to keep");
        };
        assert_eq!((offset, n), (13, 40 << 20));
        assert!(
            matches!(lines.next_line().expect("read"), Some((6, 13, RevLine::Text(t))) if t == b"second")
        );
        assert!(
            matches!(lines.next_line().expect("read"), Some((0, 6, RevLine::Text(t))) if t == b"first")
        );
        assert!(lines.next_line().expect("read").is_none());
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }
}
