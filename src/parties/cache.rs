//! The prebuilt index of an added list: its listings, its entries and the word index of
//! their names in one file, so a process screens names against a list of 100,000 entries
//! without parsing it (reading the file is a few milliseconds; parsing the list, half a
//! second). The entries' text is checked with the rest but left in the file: an entry is
//! read and decoded only when a name matches it.
//!
//! Like the history's index it is derived data and never trusted across users: it lives in
//! the reading user's private cache (`REE_SCREEN_CACHE_DIR` or the platform's, a 0700
//! directory), named by the list's SHA-256, written to a new private file and renamed into
//! place. It names the list's hash and carries a checksum of its own body; a file that is
//! not this user's private regular file, names another list, fails its checksum or does
//! not hold together is ignored and built again from the kept list (whose own SHA-256 is
//! checked first). Writing it is never required: without a cache the list is parsed each time.

use std::borrow::Cow;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::matcher::{NameArrays, NameIndex, offsets_fit};
use super::{Entry, Listing};
use crate::rules::Grade;

/// Version 1 of the layout, and the program's version: another release (which may
/// normalise names or parse rows differently) builds the index again rather than trust it.
const MAGIC: &str = concat!("ree-screen party index 1 ", env!("CARGO_PKG_VERSION"), "\n");

/// Between an entry's fields, and between its aliases (names never hold control
/// characters: the list's parser refuses them).
const FIELD: char = '\u{1f}';
const ALIAS: char = '\u{1e}';

/// An added list ready to screen: its listings (without their entries), its entries as
/// compact text, and the word index of their names.
#[derive(Debug)]
pub struct PreparedList {
    listings: Vec<Listing>,
    /// Per entry, its listing (a position in `listings`).
    entry_listing: Vec<u32>,
    /// Per entry, where its fields are in the entries' text: `entry_start[i]..entry_start[i + 1]`.
    entry_start: Vec<u32>,
    entry_text: EntryText,
    names: Arc<NameIndex>,
}

/// Where the entries' text is.
#[derive(Debug)]
enum EntryText {
    /// A list just parsed.
    Held(String),
    /// An index read back: the text (most of the file, of which a search needs a few
    /// entries) stays in the file, from byte `at`, checked with the rest of the file when
    /// it was opened, and is read an entry at a time. Files are replaced by renaming, so
    /// the open file keeps what was checked.
    InFile { file: Mutex<File>, at: u64 },
}

impl PreparedList {
    /// From the listings the list's parser made. Entries are numbered listing by listing.
    pub fn new(mut listings: Vec<Listing>) -> PreparedList {
        let mut entry_listing = Vec::new();
        let mut entry_start = vec![0u32];
        let mut entry_text = String::new();
        let mut names: Vec<(u32, u32, String)> = Vec::new();
        for (l, listing) in listings.iter_mut().enumerate() {
            for entry in std::mem::take(&mut listing.entries) {
                let number = entry_listing.len() as u32;
                names.extend(
                    entry
                        .names()
                        .enumerate()
                        .map(|(n, name)| (number, n as u32, name.to_string())),
                );
                encode(&entry, &mut entry_text);
                entry_listing.push(l as u32);
                entry_start.push(entry_text.len() as u32);
            }
        }
        let names = NameIndex::build(names.iter().map(|(e, n, name)| (*e, *n, name.as_str())));
        PreparedList {
            listings,
            entry_listing,
            entry_start,
            entry_text: EntryText::Held(entry_text),
            names: Arc::new(names),
        }
    }

    pub fn entry_count(&self) -> usize {
        self.entry_listing.len()
    }

    pub fn names(&self) -> Arc<NameIndex> {
        self.names.clone()
    }

    pub fn listings(&self) -> &[Listing] {
        &self.listings
    }

    /// Entry `i` (in the list's order) and its listing. An entry whose text cannot be read
    /// (the file failed after it was checked) still comes with its listing, named as
    /// unreadable: a match is never dropped.
    pub fn entry(&self, i: usize) -> Option<(&Listing, Entry)> {
        let listing = &self.listings[*self.entry_listing.get(i)? as usize];
        let text = self.text(self.entry_start[i], self.entry_start[i + 1]);
        Some((listing, entry_of(i, text.as_deref().map_err(Clone::clone))))
    }

    /// Every entry with its listing, in the list's order (the text read once).
    pub fn entries(&self) -> impl Iterator<Item = (&Listing, Entry)> {
        let text = self.text(0, self.entry_start[self.entry_count()]);
        (0..self.entry_count()).map(move |i| {
            let listing = &self.listings[self.entry_listing[i] as usize];
            let fields = match &text {
                Ok(t) => t
                    .get(self.entry_start[i] as usize..self.entry_start[i + 1] as usize)
                    .ok_or_else(|| "its entries do not fit their text".to_string()),
                Err(why) => Err(why.clone()),
            };
            (listing, entry_of(i, fields))
        })
    }

    /// The position of the entry with this id.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.entries().position(|(_, entry)| entry.id == id)
    }

    /// The entries' text from byte `start` to `end`.
    fn text(&self, start: u32, end: u32) -> Result<Cow<'_, str>, String> {
        let (start, end) = (start as usize, end as usize);
        match &self.entry_text {
            EntryText::Held(text) => text
                .get(start..end)
                .map(Cow::Borrowed)
                .ok_or_else(|| "its entries do not fit their text".into()),
            EntryText::InFile { file, at } => {
                let mut file = file
                    .lock()
                    .map_err(|_| "another thread failed reading it")?;
                let mut bytes = vec![0u8; end.saturating_sub(start)];
                file.seek(SeekFrom::Start(at + start as u64))
                    .and_then(|_| file.read_exact(&mut bytes))
                    .map_err(|e| e.to_string())?;
                String::from_utf8(bytes)
                    .map(Cow::Owned)
                    .map_err(|_| "its entries are not UTF-8 text".into())
            }
        }
    }

    /// The file's bytes, naming the list by `sha256`.
    pub fn to_bytes(&self, sha256: &str) -> Vec<u8> {
        let mut body = Vec::new();
        let listings = serde_json::to_vec(&self.listings).unwrap_or_default();
        section(&mut body, &listings);
        section(&mut body, &u32s(&self.entry_listing));
        section(&mut body, &u32s(&self.entry_start));
        let Ok(text) = self.text(0, self.entry_start[self.entry_count()]) else {
            // Nothing to keep: the next process builds it again.
            return Vec::new();
        };
        section(&mut body, text.as_bytes());
        let n = &self.names.arrays;
        section(&mut body, n.word_text.as_bytes());
        section(&mut body, &u32s(&n.word_start));
        section(&mut body, &u32s(&n.word_chars));
        let masks: Vec<u8> = n.word_mask.iter().flat_map(|m| m.to_le_bytes()).collect();
        section(&mut body, &masks);
        section(&mut body, &u32s(&n.posting_start));
        section(&mut body, &u32s(&n.postings));
        section(&mut body, &u32s(&n.name_entry));
        section(&mut body, &u32s(&n.name_position));
        section(&mut body, &u32s(&n.name_word_start));
        section(&mut body, &u32s(&n.name_words));
        let mut out = Vec::with_capacity(body.len() + 128);
        out.extend_from_slice(MAGIC.as_bytes());
        out.extend_from_slice(sha256.as_bytes());
        out.push(b'\n');
        let mut sum = Checksum::new();
        sum.update(&body);
        out.extend_from_slice(&sum.finish().to_le_bytes());
        out.extend_from_slice(&body);
        out
    }

    /// Read back a file made by [`PreparedList::to_bytes`] for the list `sha256`, or why it
    /// cannot be used. Each part of the word index is read straight into its own array, and
    /// the entries' text only through the checksum (see [`EntryText::InFile`]): at 100,000
    /// entries the memory first touched is most of what a search costs.
    pub fn read_from(file: File, sha256: &str) -> Result<PreparedList, String> {
        let size = file.metadata().map_err(|e| e.to_string())?.len();
        let mut reader = std::io::BufReader::new(&file);
        let mut head = vec![0u8; MAGIC.len() + sha256.len() + 1 + 8];
        reader
            .read_exact(&mut head)
            .map_err(|_| "it is cut short")?;
        let rest = head
            .strip_prefix(MAGIC.as_bytes())
            .ok_or("not a party index of this version")?;
        let rest = rest
            .strip_prefix(sha256.as_bytes())
            .and_then(|r| r.strip_prefix(b"\n"))
            .ok_or("it indexes another list")?;
        let sum = u64::from_le_bytes(rest.try_into().map_err(|_| "it is cut short")?);
        let mut body = Sections {
            file: reader,
            left: size.saturating_sub(head.len() as u64),
            checksum: Checksum::new(),
        };
        let listings: Vec<Listing> =
            serde_json::from_slice(&body.bytes()?).map_err(|e| format!("its listings: {e}"))?;
        let entry_listing = body.u32s()?;
        let entry_start = body.u32s()?;
        let text_len = body.skim()?;
        let text_at = size - body.left - text_len;
        let word_text =
            String::from_utf8(body.bytes()?).map_err(|_| "its words are not UTF-8 text")?;
        let arrays = NameArrays {
            word_text,
            word_start: body.u32s()?,
            word_chars: body.u32s()?,
            word_mask: body.u64s()?,
            posting_start: body.u32s()?,
            postings: body.u32s()?,
            name_entry: body.u32s()?,
            name_position: body.u32s()?,
            name_word_start: body.u32s()?,
            name_words: body.u32s()?,
        };
        if body.file.read(&mut [0u8; 1]).map_err(|e| e.to_string())? != 0 {
            return Err("it goes on after its last part".into());
        }
        if body.checksum.finish() != sum {
            return Err("its content does not match its checksum".into());
        }
        let names = NameIndex::from_arrays(arrays)?;
        let entries = entry_listing.len();
        let fits = offsets_fit(&entry_start, entries, text_len as usize)
            && entry_listing.iter().all(|&l| (l as usize) < listings.len())
            && names.entries_below(entries);
        if !fits {
            return Err("its parts do not fit together".into());
        }
        Ok(PreparedList {
            listings,
            entry_listing,
            entry_start,
            entry_text: EntryText::InFile {
                file: Mutex::new(file),
                at: text_at,
            },
            names: Arc::new(names),
        })
    }
}

/// Entry `i` from its fields, or, when they could not be read, an entry that says so (its
/// listing still applies: see [`PreparedList::entry`]).
fn entry_of(i: usize, fields: Result<&str, String>) -> Entry {
    match fields {
        Ok(fields) => decode(fields),
        Err(why) => {
            let mut entry = decode("");
            entry.id = format!("unreadable-{}", i + 1);
            entry.name = format!(
                "(entry {} of this added list could not be read from its index: {}; screen again to rebuild the index)",
                i + 1,
                crate::text::sanitize(&why)
            );
            entry
        }
    }
}

/// An entry of an added list as text: id, name, Chinese name, type, country, aliases.
fn encode(entry: &Entry, out: &mut String) {
    let optional = |v: &Option<String>| v.clone().unwrap_or_default();
    let fields = [
        entry.id.clone(),
        entry.name.clone(),
        optional(&entry.name_zh),
        optional(&entry.kind),
        optional(&entry.country),
        entry.aliases.join(&ALIAS.to_string()),
    ];
    out.push_str(&fields.join(&FIELD.to_string()));
}

/// The entry [`encode`] wrote (an added entry: graded [S], with no address, note or
/// VERIFY of its own).
fn decode(text: &str) -> Entry {
    let mut fields = text.split(FIELD);
    let mut next = || fields.next().unwrap_or_default().to_string();
    let optional = |v: String| (!v.is_empty()).then_some(v);
    let (id, name, name_zh, kind, country, aliases) =
        (next(), next(), next(), next(), next(), next());
    Entry {
        id,
        name,
        name_zh: optional(name_zh),
        aliases: aliases
            .split(ALIAS)
            .filter(|a| !a.is_empty())
            .map(str::to_string)
            .collect(),
        kind: optional(kind),
        country: optional(country),
        address: None,
        note: None,
        grade: Grade::S,
        verify: Vec::new(),
    }
}

/// A 64-bit checksum of a body against accidental damage (a torn write, a flipped bit):
/// the file is the user's own, so a cryptographic hash would only cost time (it was a
/// third of a whole search at 100,000 entries). Each step is a bijection of its lane and
/// the next eight bytes, so one changed word always changes the sum. Fed in parts, as a
/// file is read; the sum is the same however the body is cut.
struct Checksum {
    lanes: [u64; 4],
    /// Bytes waiting for a whole step of 32.
    pending: [u8; 32],
    pending_len: usize,
    total: u64,
}

impl Checksum {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;

    fn new() -> Checksum {
        Checksum {
            lanes: [
                0x243F_6A88_85A3_08D3,
                0x1319_8A2E_0370_7344,
                0xA409_3822_299F_31D0,
                0x082E_FA98_EC4E_6C89,
            ],
            pending: [0; 32],
            pending_len: 0,
            total: 0,
        }
    }

    fn step(lanes: &mut [u64; 4], chunk: &[u8]) {
        for (lane, word) in lanes.iter_mut().zip(chunk.chunks_exact(8)) {
            let v = u64::from_le_bytes(std::array::from_fn(|i| word[i]));
            *lane = (*lane ^ v).wrapping_mul(Self::K).rotate_left(29);
        }
    }

    fn update(&mut self, mut bytes: &[u8]) {
        self.total += bytes.len() as u64;
        if self.pending_len > 0 {
            let take = bytes.len().min(32 - self.pending_len);
            self.pending[self.pending_len..self.pending_len + take].copy_from_slice(&bytes[..take]);
            self.pending_len += take;
            bytes = &bytes[take..];
            if self.pending_len < 32 {
                return;
            }
            Self::step(&mut self.lanes, &self.pending);
            self.pending_len = 0;
        }
        let mut chunks = bytes.chunks_exact(32);
        for chunk in &mut chunks {
            Self::step(&mut self.lanes, chunk);
        }
        let tail = chunks.remainder();
        self.pending[..tail.len()].copy_from_slice(tail);
        self.pending_len = tail.len();
    }

    fn finish(mut self) -> u64 {
        self.pending[self.pending_len..].fill(0);
        Self::step(&mut self.lanes, &self.pending);
        self.lanes.iter().fold(self.total, |sum, lane| {
            (sum ^ lane).wrapping_mul(Self::K).rotate_left(31)
        })
    }
}

fn section(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
    out.extend_from_slice(bytes);
}

fn u32s(values: &[u32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// The sections of a body, read one after another, each fed to the checksum.
struct Sections<R> {
    file: R,
    /// Bytes of the file not read yet.
    left: u64,
    checksum: Checksum,
}

/// Bytes read at a time from a section of numbers or the entries' text.
const CHUNK: usize = 64 * 1024;

impl<R: Read> Sections<R> {
    /// The next section's length, refusing one longer than what is left of the file (a
    /// damaged length must not allocate without bound).
    fn length(&mut self) -> Result<usize, String> {
        let mut len = [0u8; 8];
        self.file
            .read_exact(&mut len)
            .map_err(|_| "it is cut short")?;
        self.checksum.update(&len);
        let len = u64::from_le_bytes(len);
        self.left = self.left.saturating_sub(8);
        if len > self.left {
            return Err("it is cut short".into());
        }
        self.left -= len;
        usize::try_from(len).map_err(|_| "a part is too long".to_string())
    }

    /// Pass over the next section, feeding it to the checksum only; its length.
    fn skim(&mut self) -> Result<u64, String> {
        let len = self.length()?;
        self.in_chunks(len, |_| {})?;
        Ok(len as u64)
    }

    /// Read `len` bytes a chunk at a time (a buffer that stays in the processor's cache),
    /// each fed to the checksum and then to `each`. Chunks are a multiple of 8 bytes long
    /// but for the last.
    fn in_chunks(&mut self, len: usize, mut each: impl FnMut(&[u8])) -> Result<(), String> {
        let mut chunk = vec![0u8; CHUNK.min(len)];
        let mut left = len;
        while left > 0 {
            let part = &mut chunk[..CHUNK.min(left)];
            self.file.read_exact(part).map_err(|_| "it is cut short")?;
            self.checksum.update(part);
            each(part);
            left -= part.len();
        }
        Ok(())
    }

    fn bytes(&mut self) -> Result<Vec<u8>, String> {
        let len = self.length()?;
        let mut out = Vec::with_capacity(len);
        let read = (&mut self.file)
            .take(len as u64)
            .read_to_end(&mut out)
            .map_err(|e| e.to_string())?;
        if read < len {
            return Err("it is cut short".into());
        }
        self.checksum.update(&out);
        Ok(out)
    }

    fn u32s(&mut self) -> Result<Vec<u32>, String> {
        self.numbers(u32::from_le_bytes)
    }

    fn u64s(&mut self) -> Result<Vec<u64>, String> {
        self.numbers(u64::from_le_bytes)
    }

    /// The next section as little-endian numbers of `N` bytes, read a chunk at a time.
    fn numbers<const N: usize, T>(&mut self, from: fn([u8; N]) -> T) -> Result<Vec<T>, String> {
        let len = self.length()?;
        if len % N != 0 {
            return Err("a section is cut short".into());
        }
        let mut out = Vec::with_capacity(len / N);
        self.in_chunks(len, |part| {
            out.extend(
                part.chunks_exact(N)
                    .map(|c| from(std::array::from_fn(|i| c[i]))),
            );
        })?;
        Ok(out)
    }
}

/// The private directory of party indexes, if the user has a cache.
fn dir() -> Option<PathBuf> {
    crate::paths::cache_dir().map(|dir| dir.join("party-lists"))
}

fn path_in(dir: &Path, sha256: &str) -> PathBuf {
    dir.join(format!("{sha256}.idx"))
}

/// The cached index of the list `sha256`, if there is a usable one.
pub fn read(sha256: &str) -> Option<PreparedList> {
    let dir = dir()?;
    crate::files::private_dir(&dir).ok()?;
    let file = crate::files::open_private(
        &path_in(&dir, sha256),
        std::fs::OpenOptions::new().read(true),
    )
    .ok()?;
    PreparedList::read_from(file, sha256).ok()
}

/// Keep `prepared` as the index of the list `sha256`, if the user has a cache with room;
/// any failure only means the list is parsed again next time.
pub fn write(sha256: &str, prepared: &PreparedList) {
    use std::io::Write;
    let Some(dir) = dir() else { return };
    let bytes = prepared.to_bytes(sha256);
    let _ = (|| {
        crate::files::private_dir(&dir)?;
        crate::files::room_for(&dir, bytes.len() as u64)?;
        let random = crate::files::random_hex(8).map_err(std::io::Error::other)?;
        let temp = dir.join(format!(".{sha256}.{random}.tmp"));
        let result = crate::files::create_new_private(&temp)
            .and_then(|mut file| file.write_all(&bytes))
            .and_then(|()| std::fs::rename(&temp, path_in(&dir, sha256)));
        if result.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
        result
    })();
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: &str = "name,aliases,country,list,listed_on,source,name_zh,type,announcement,until\n\
        Acme Magnetics GmbH,Acme Mag|ACME,DE,control_list,2026-01-02,https://example.org/1,阿克米,entity,2026 No. 99,\n\
        Beta Metals Ltd.,,GB,watch_list,2026-02-03,https://example.org/2,,,,2026-12-31\n\
        Acme Magnetics GmbH,Acme Magnet,DE,control_list,2026-01-02,https://example.org/1,,,2026 No. 99,\n\
        Gamma Trading,,,internal,2026-03-04,own list,,,,\n";

    /// `bytes` written to a file and read back; the file stays open in the list.
    fn read_back(bytes: &[u8], sha256: &str) -> Result<PreparedList, String> {
        let mut file = tempfile::tempfile().expect("temp file");
        std::io::Write::write_all(&mut file, bytes).expect("write");
        file.seek(SeekFrom::Start(0)).expect("seek");
        PreparedList::read_from(file, sha256)
    }

    fn parsed() -> Vec<Listing> {
        super::super::parse_csv("t.csv", "abcd1234", LIST.as_bytes())
            .expect("list")
            .0
    }

    #[test]
    fn a_prepared_list_reads_back_every_entry_and_listing_as_parsed() {
        let listings = parsed();
        let bytes = PreparedList::new(listings.clone()).to_bytes("ab12");
        let back = read_back(&bytes, "ab12").expect("read back");
        let entries: Vec<(String, Entry)> = (0..back.entry_count())
            .map(|i| {
                back.entry(i)
                    .map(|(l, e)| (l.id.clone(), e))
                    .expect("entry")
            })
            .collect();
        let expected: Vec<(String, Entry)> = listings
            .iter()
            .flat_map(|l| l.entries.iter().map(|e| (l.id.clone(), e.clone())))
            .collect();
        assert_eq!(entries, expected);
        let heads: Vec<Listing> = listings
            .into_iter()
            .map(|l| Listing {
                entries: Vec::new(),
                ..l
            })
            .collect();
        assert_eq!(back.listings(), heads.as_slice());
        let merged = &expected[0].1;
        assert_eq!(merged.aliases, ["Acme Mag", "ACME", "Acme Magnet"]);
        assert_eq!(back.position(&merged.id), Some(0));
    }

    #[test]
    fn a_damaged_or_foreign_index_is_refused() {
        let bytes = PreparedList::new(parsed()).to_bytes("ab12");
        assert!(read_back(&bytes, "cd34").is_err(), "another list");
        let mut flipped = bytes.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert!(read_back(&flipped, "ab12").is_err(), "checksum");
        assert!(
            read_back(&bytes[..bytes.len() - 3], "ab12").is_err(),
            "cut short"
        );
        assert!(read_back(b"ree-screen party index 0\n", "ab12").is_err());
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(
            read_back(&longer, "ab12").err().as_deref(),
            Some("it goes on after its last part")
        );
        // A damaged length is refused before anything is allocated for it.
        let mut huge = bytes.clone();
        let first = MAGIC.len() + "ab12\n".len() + 8;
        huge[first..first + 8].copy_from_slice(&u64::MAX.to_le_bytes());
        assert_eq!(
            read_back(&huge, "ab12").err().as_deref(),
            Some("it is cut short")
        );
    }

    /// An entry read after the file was checked and then damaged is named as unreadable,
    /// with its listing: a match is never dropped.
    #[test]
    fn an_entry_that_cannot_be_read_later_keeps_its_listing_and_says_so() {
        let listings = parsed();
        let bytes = PreparedList::new(listings.clone()).to_bytes("ab12");
        let path = tempfile::NamedTempFile::new().expect("temp file");
        std::fs::write(path.path(), &bytes).expect("write");
        let back =
            PreparedList::read_from(File::open(path.path()).expect("open"), "ab12").expect("read");
        assert_eq!(back.entry(1).expect("entry").1.name, "Beta Metals Ltd.");
        // Cut in place (the program never does: it renames a new file into place).
        std::fs::OpenOptions::new()
            .write(true)
            .open(path.path())
            .and_then(|f| f.set_len(bytes.len() as u64 / 3))
            .expect("cut");
        let (listing, entry) = back.entry(1).expect("entry");
        assert_eq!(listing.id, listings[1].id);
        assert!(entry.name.contains("could not be read"), "{}", entry.name);
        assert_eq!(back.entries().count(), back.entry_count());
    }

    /// The checksum is fed a part at a time as the file is read: any cut gives the sum of
    /// the whole.
    #[test]
    fn the_checksum_is_the_same_however_its_body_is_cut() {
        let body: Vec<u8> = (0..200u8).map(|b| b.wrapping_mul(37)).collect();
        let whole = {
            let mut sum = Checksum::new();
            sum.update(&body);
            sum.finish()
        };
        for first in 0..body.len() {
            for second in [first, first + 1, first + 31, first + 33, body.len()] {
                let second = second.min(body.len());
                let mut sum = Checksum::new();
                sum.update(&body[..first]);
                sum.update(&body[first..second]);
                sum.update(&body[second..]);
                assert_eq!(sum.finish(), whole, "cut at {first} and {second}");
            }
        }
        let mut shorter = Checksum::new();
        shorter.update(&body[..199]);
        assert_ne!(shorter.finish(), whole, "the length counts");
    }
}
