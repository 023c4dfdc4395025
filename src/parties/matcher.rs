//! Matching a name against the lists: every name, Chinese name and alias of every entry,
//! word by word, a score from 0 to 100 per name, and a word index so a large list stays
//! fast (only names holding a word near enough to a query word are scored).
//!
//! The rule: two names are compared word by word (in any order). A word of three letters
//! or fewer counts only when it is the same word ("MPM" is not "MP"); a longer word may
//! differ by one edit (two from eight letters on; a swap of two neighbours is one edit) and
//! counts for what is left of it. The score weighs every word by its length over both
//! names, so a missing or extra word costs what it weighs. Identical normal forms score
//! 100 (a match); the same words in another order score at most 97.
//!
//! The index ([`NameIndex`]) is flat arrays (a sorted vocabulary, the names holding each
//! word, each name's words), so an added list's index is written once to the user's cache
//! and read back without parsing the list (`cache.rs`). The near words of a query word are
//! found by scanning the vocabulary's lengths and letter masks, which is quick for one name;
//! screening many names (a batch, an impact run) first builds a table of the vocabulary's
//! deletion variants ([`Index::prepare_for_many`]) and looks near words up instead.

use std::sync::{Arc, OnceLock};

use super::PartyLists;
use super::names::words;

/// From this score on a name is a possible match (below 100, which is a match).
pub const POSSIBLE_AT: u8 = 85;

/// Edits a pair of words may differ by: two when the longer has eight letters or more.
fn allowed_edits(longest: usize) -> usize {
    if longest >= 8 { 2 } else { 1 }
}

/// How similar one word is to another, 0.0 to 1.0 (see the module's rule), given their
/// lengths in chars.
fn word_similarity(a: &str, la: usize, b: &str, lb: usize) -> f64 {
    if a == b {
        return 1.0;
    }
    if la <= 3 || lb <= 3 {
        return 0.0;
    }
    let longest = la.max(lb);
    let allowed = allowed_edits(longest);
    // Cheap refusals first (most word pairs of a list are far apart): an edit changes the
    // length by at most one, and brings in at most one letter the other word lacks.
    if la.abs_diff(lb) > allowed || !masks_allow(letter_mask(a), letter_mask(b), allowed) {
        return 0.0;
    }
    let distance = if a.is_ascii() && b.is_ascii() && longest < 64 {
        match within(a.as_bytes(), b.as_bytes(), allowed) {
            Some(distance) => distance,
            None => return 0.0,
        }
    } else {
        strsim::osa_distance(a, b)
    };
    if distance > allowed {
        return 0.0;
    }
    1.0 - distance as f64 / longest as f64
}

/// Whether two words' letter masks leave them within `allowed` edits.
fn masks_allow(a: u64, b: u64, allowed: usize) -> bool {
    (a & !b).count_ones() as usize <= allowed && (b & !a).count_ones() as usize <= allowed
}

/// The optimal-string-alignment distance of two short ASCII words (under 64 letters) if it
/// is at most `most`, stopping as soon as two rows exceed it (list words are mostly far
/// apart); None beyond it.
fn within(a: &[u8], b: &[u8], most: usize) -> Option<usize> {
    let mut before = [0usize; 64];
    let mut previous: [usize; 64] = std::array::from_fn(|j| j);
    let mut row = [0usize; 64];
    let mut previous_over = false;
    for i in 1..=a.len() {
        row[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (previous[j] + 1)
                .min(row[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            row[j] = d;
        }
        let over = row[..=b.len()].iter().all(|&d| d > most);
        if over && previous_over {
            return None;
        }
        previous_over = over;
        before = previous;
        previous = row;
    }
    Some(previous[b.len()]).filter(|&d| d <= most)
}

/// Which letters a word holds, one bit per letter modulo 64 (letters sharing a bit only
/// make the refusal above rarer, never wrong).
fn letter_mask(word: &str) -> u64 {
    word.chars().fold(0, |mask, c| mask | 1 << (c as u32 % 64))
}

/// A word with its length in chars (counted once: scoring compares it many times).
#[derive(Debug, Clone, Copy)]
struct Word<'a> {
    text: &'a str,
    chars: usize,
}

impl<'a> Word<'a> {
    fn new(text: &'a str) -> Word<'a> {
        Word {
            text,
            chars: text.chars().count(),
        }
    }
}

/// The score of a name (its normalised words) against a query's words, 0 to 100.
pub fn score(query: &[String], name: &[String]) -> u8 {
    let query: Vec<Word> = query.iter().map(|w| Word::new(w)).collect();
    let name: Vec<Word> = name.iter().map(|w| Word::new(w)).collect();
    score_words(&query, &name)
}

fn score_words(query: &[Word], name: &[Word]) -> u8 {
    if query.is_empty() || name.is_empty() {
        return 0;
    }
    if query.len() == name.len() && query.iter().zip(name).all(|(q, n)| q.text == n.text) {
        return 100;
    }
    let total: usize = query.iter().chain(name).map(|w| w.chars).sum();
    // Longest query words first take their best partner.
    let mut order: Vec<usize> = (0..query.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(query[i].chars));
    let mut used = vec![false; name.len()];
    let mut weighed = 0.0;
    let mut paired: Vec<(usize, usize)> = Vec::new();
    for i in order {
        let q = query[i];
        let best = (0..name.len())
            .filter(|&j| !used[j])
            .map(|j| {
                (
                    j,
                    word_similarity(q.text, q.chars, name[j].text, name[j].chars),
                )
            })
            .filter(|(_, s)| *s > 0.0)
            .max_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((j, s)) = best {
            used[j] = true;
            weighed += s * (q.chars + name[j].chars) as f64;
            paired.push((i, j));
        }
    }
    let mut value = (weighed / total as f64 * 100.0).floor().min(99.0);
    paired.sort_unstable();
    if paired.windows(2).any(|w| w[0].1 > w[1].1) {
        value = value.min(97.0);
    }
    value as u8
}

/// One entry a query matched: the entry's number (in [`PartyLists::entry_at`] order for
/// an [`Index`], in its own list's order for a [`NameIndex`]), which of its names scored
/// best and the score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NameMatch {
    pub entry: usize,
    /// Position in `Entry::names()`.
    pub name: usize,
    pub score: u8,
}

/// The word index of one list's names, as flat arrays (see the module's note).
#[derive(Debug)]
pub struct NameIndex {
    pub(super) arrays: NameArrays,
    /// Built on demand for screening many names.
    deletions: OnceLock<Deletions>,
}

/// What a [`NameIndex`] is made of, and what its file keeps.
#[derive(Debug)]
pub(super) struct NameArrays {
    /// The distinct words of the names, sorted, concatenated; word `i` is
    /// `word_text[word_start[i]..word_start[i + 1]]`.
    pub word_text: String,
    pub word_start: Vec<u32>,
    /// Per word: its length in chars and its letter mask.
    pub word_chars: Vec<u32>,
    pub word_mask: Vec<u64>,
    /// Per word, the names holding it: `postings[posting_start[i]..posting_start[i + 1]]`.
    pub posting_start: Vec<u32>,
    pub postings: Vec<u32>,
    /// Per name: its entry, its position among the entry's names, and its words (ids).
    pub name_entry: Vec<u32>,
    pub name_position: Vec<u32>,
    pub name_word_start: Vec<u32>,
    pub name_words: Vec<u32>,
}

/// Whether `starts` are the `count + 1` ordered offsets of parts filling `len`.
pub(super) fn offsets_fit(starts: &[u32], count: usize, len: usize) -> bool {
    starts.len() == count + 1
        && starts.first() == Some(&0)
        && starts.last().map(|&l| l as usize) == Some(len)
        && starts.windows(2).all(|w| w[0] <= w[1])
}

/// Names screened after which a batch or an impact run builds the deletion table (building
/// it costs about as much as scanning the vocabulary for 300 names of a list of 100,000).
pub const MANY_NAMES: usize = 64;

/// Up to this many names holding a word near a query word that must be paired are scored
/// as found, without first checking the other query words.
const SCORED_AS_FOUND: usize = 48;

/// Words longer than this (in chars) stay out of the deletion table (their variants grow
/// with the square of their length) and are always compared.
const LONGEST_IN_TABLE: usize = 32;

impl NameIndex {
    /// The index of `names`: (entry number, position among the entry's names, name).
    pub fn build<'a>(names: impl IntoIterator<Item = (u32, u32, &'a str)>) -> NameIndex {
        let mut ids: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
        let mut vocabulary: Vec<String> = Vec::new();
        let mut name_entry = Vec::new();
        let mut name_position = Vec::new();
        let mut name_word_start = vec![0u32];
        let mut name_words: Vec<u32> = Vec::new();
        for (entry, position, name) in names {
            let w = words(name);
            if w.is_empty() {
                continue;
            }
            for word in w {
                let next = vocabulary.len() as u32;
                let id = *ids.entry(word).or_insert_with_key(|word| {
                    vocabulary.push(word.clone());
                    next
                });
                name_words.push(id);
            }
            name_entry.push(entry);
            name_position.push(position);
            name_word_start.push(name_words.len() as u32);
        }
        // Sorted vocabulary: a word is found by binary search, with no hash map to rebuild
        // when the index is read back.
        let mut order: Vec<u32> = (0..vocabulary.len() as u32).collect();
        order.sort_unstable_by(|&a, &b| vocabulary[a as usize].cmp(&vocabulary[b as usize]));
        let mut new_id = vec![0u32; vocabulary.len()];
        for (sorted, &old) in order.iter().enumerate() {
            new_id[old as usize] = sorted as u32;
        }
        for id in &mut name_words {
            *id = new_id[*id as usize];
        }
        let mut word_text = String::new();
        let mut word_start = vec![0u32];
        let mut word_chars = Vec::with_capacity(order.len());
        let mut word_mask = Vec::with_capacity(order.len());
        for &old in &order {
            let word = &vocabulary[old as usize];
            word_text.push_str(word);
            word_start.push(word_text.len() as u32);
            word_chars.push(word.chars().count() as u32);
            word_mask.push(letter_mask(word));
        }
        // Postings: names in order, each once per word.
        let mut counts = vec![0u32; order.len() + 1];
        let mut per_name: Vec<(u32, u32)> = Vec::with_capacity(name_words.len());
        for n in 0..name_entry.len() {
            let mut w: Vec<u32> =
                name_words[name_word_start[n] as usize..name_word_start[n + 1] as usize].to_vec();
            w.sort_unstable();
            w.dedup();
            for id in w {
                counts[id as usize + 1] += 1;
                per_name.push((id, n as u32));
            }
        }
        for i in 1..counts.len() {
            counts[i] += counts[i - 1];
        }
        let posting_start = counts.clone();
        let mut postings = vec![0u32; per_name.len()];
        let mut next = counts;
        for (id, n) in per_name {
            postings[next[id as usize] as usize] = n;
            next[id as usize] += 1;
        }
        NameIndex {
            arrays: NameArrays {
                word_text,
                word_start,
                word_chars,
                word_mask,
                posting_start,
                postings,
                name_entry,
                name_position,
                name_word_start,
                name_words,
            },
            deletions: OnceLock::new(),
        }
    }

    /// An index from its arrays (read back from a file), if they fit together.
    pub(super) fn from_arrays(arrays: NameArrays) -> Result<NameIndex, String> {
        let a = &arrays;
        let (words, names) = (a.word_chars.len(), a.name_entry.len());
        let fits = a.word_mask.len() == words
            && offsets_fit(&a.word_start, words, a.word_text.len())
            && offsets_fit(&a.posting_start, words, a.postings.len())
            && a.name_position.len() == names
            && offsets_fit(&a.name_word_start, names, a.name_words.len())
            && a.postings.iter().all(|&n| (n as usize) < names)
            && a.name_words.iter().all(|&w| (w as usize) < words)
            && a.word_start
                .iter()
                .all(|&s| a.word_text.is_char_boundary(s as usize));
        if !fits {
            return Err("the index's parts do not fit together".into());
        }
        Ok(NameIndex {
            arrays,
            deletions: OnceLock::new(),
        })
    }

    /// Whether every name belongs to an entry numbered below `entries`.
    pub(super) fn entries_below(&self, entries: usize) -> bool {
        self.arrays
            .name_entry
            .iter()
            .all(|&e| (e as usize) < entries)
    }

    fn word(&self, id: u32) -> Word<'_> {
        let (start, end) = (
            self.arrays.word_start[id as usize] as usize,
            self.arrays.word_start[id as usize + 1] as usize,
        );
        // Checked UTF-8 with boundaries at every start when built or read back.
        let text = self.arrays.word_text.get(start..end).unwrap_or_default();
        Word {
            text,
            chars: self.arrays.word_chars[id as usize] as usize,
        }
    }

    /// The id of a word of the vocabulary.
    fn find(&self, word: &str) -> Option<u32> {
        let (mut low, mut high) = (0usize, self.arrays.word_chars.len());
        while low < high {
            let middle = (low + high) / 2;
            match self.word(middle as u32).text.cmp(word) {
                std::cmp::Ordering::Less => low = middle + 1,
                std::cmp::Ordering::Greater => high = middle,
                std::cmp::Ordering::Equal => return Some(middle as u32),
            }
        }
        None
    }

    fn postings_of(&self, id: u32) -> &[u32] {
        &self.arrays.postings[self.arrays.posting_start[id as usize] as usize
            ..self.arrays.posting_start[id as usize + 1] as usize]
    }

    /// The words of the vocabulary a query word may pair with: every word with a
    /// similarity above 0 and, from the deletion table, a few more (scoring checks them).
    fn neighbours(&self, word: Word) -> Vec<u32> {
        if word.chars <= 3 {
            return self.find(word.text).into_iter().collect();
        }
        if let Some(table) = self.deletions.get()
            && word.chars <= LONGEST_IN_TABLE
        {
            let mut found = table.lookup(word.text);
            found.extend_from_slice(&table.long);
            found.sort_unstable();
            found.dedup();
            // Only the cheap refusals: the edit distance costs more than scoring the few
            // names the others bring (scoring checks it).
            found.retain(|&id| self.may_be_near(word, id));
            return found;
        }
        (0..self.arrays.word_chars.len() as u32)
            .filter(|&id| {
                self.may_be_near(word, id) && {
                    let other = self.word(id);
                    word_similarity(word.text, word.chars, other.text, other.chars) > 0.0
                }
            })
            .collect()
    }

    /// Whether word `id` passes the cheap refusals of [`word_similarity`] against `word`.
    fn may_be_near(&self, word: Word, id: u32) -> bool {
        let chars = self.arrays.word_chars[id as usize] as usize;
        let allowed = allowed_edits(chars.max(word.chars));
        chars > 3
            && chars.abs_diff(word.chars) <= allowed
            && masks_allow(
                letter_mask(word.text),
                self.arrays.word_mask[id as usize],
                allowed,
            )
    }

    /// Build the deletion table now (see the module's note); later searches use it.
    pub fn prepare_for_many(&self) {
        self.deletions.get_or_init(|| Deletions::build(self));
    }

    /// Every entry with a name scoring at least [`POSSIBLE_AT`] against the query's words,
    /// best name per entry, in no particular order.
    fn search(&self, q: &[Word]) -> Vec<NameMatch> {
        // How many of the query's letters a possible match may leave unpaired. A paired
        // word pair weighs (1 - d / longest)(a + b) <= 2 min(a, b), as its distance d is at
        // least the difference of the lengths; so with Q the query's letters, U of them
        // unpaired and M the shorter sides' letters of the pairs (M <= Q - U, and the name
        // holds at least M letters), a score is at most 2M / (Q + M) <= 2(Q - U) / (2Q - U).
        // That reaches p = POSSIBLE_AT / 100 only when U <= 2Q(1 - p) / (2 - p).
        let p = f64::from(POSSIBLE_AT) / 100.0;
        let letters: usize = q.iter().map(|w| w.chars).sum();
        let most_unpaired = 2.0 * letters as f64 * (1.0 - p) / (2.0 - p) + 1e-9;
        // A query word longer than that must be paired: when one of them has few names
        // holding a word near it (the rarest by its own names, as a guess), those names
        // are scored as they are.
        let rarest_needed = (0..q.len())
            .filter(|&i| q[i].chars as f64 > most_unpaired)
            .min_by_key(|&i| {
                self.find(q[i].text)
                    .map_or(0, |id| self.postings_of(id).len())
            });
        let mut first_near = None;
        if let Some(i) = rarest_needed {
            let near = self.neighbours(q[i]);
            let mut names: Vec<u32> = near
                .iter()
                .flat_map(|&id| self.postings_of(id).iter().copied())
                .collect();
            if names.len() <= SCORED_AS_FOUND {
                names.sort_unstable();
                names.dedup();
                return self.score_names(q, names);
            }
            first_near = Some((i, near));
        }
        let near: Vec<Vec<u32>> = (0..q.len())
            .map(|i| match &first_near {
                Some((first, near)) if *first == i => near.clone(),
                _ => self.neighbours(q[i]),
            })
            .collect();
        let weight =
            |i: usize| -> usize { near[i].iter().map(|&id| self.postings_of(id).len()).sum() };
        // The query words in order of how many names hold a word near them: names holding
        // none near the first words, whose letters exceed what may go unpaired, cannot
        // match, so only the names holding one are looked at.
        let mut order: Vec<usize> = (0..q.len()).collect();
        order.sort_by_key(|&i| weight(i));
        let mut names: Vec<u32> = Vec::new();
        let mut covered = 0;
        for i in order {
            if covered as f64 > most_unpaired {
                break;
            }
            for &id in &near[i] {
                names.extend_from_slice(self.postings_of(id));
            }
            covered += q[i].chars;
        }
        names.sort_unstable();
        names.dedup();
        // A name leaving more of the query's letters unpaired than may go unpaired (a query
        // word is surely unpaired when none of the name's words is near it) is no
        // candidate: scoring only the others.
        let marks = NearMarks::new(&near);
        let surely_paired: usize = q.iter().skip(NearMarks::WORDS).map(|w| w.chars).sum();
        let mut candidates: Vec<u32> = Vec::new();
        for name in names {
            let words = &self.arrays.name_words[self.arrays.name_word_start[name as usize] as usize
                ..self.arrays.name_word_start[name as usize + 1] as usize];
            let near_to = words.iter().fold(0u64, |set, &w| set | marks.of(w));
            let paired: usize = surely_paired
                + (0..q.len().min(NearMarks::WORDS))
                    .filter(|&i| near_to & 1 << i != 0)
                    .map(|i| q[i].chars)
                    .sum::<usize>();
            if (letters - paired) as f64 <= most_unpaired {
                candidates.push(name);
            }
        }
        self.score_names(q, candidates)
    }

    /// The names (ids, in order) scoring at least [`POSSIBLE_AT`], best name per entry.
    fn score_names(&self, q: &[Word], candidates: Vec<u32>) -> Vec<NameMatch> {
        let mut found: Vec<NameMatch> = Vec::new();
        let mut name: Vec<Word> = Vec::new();
        for id in candidates {
            let id = id as usize;
            name.clear();
            name.extend(
                self.arrays.name_words[self.arrays.name_word_start[id] as usize
                    ..self.arrays.name_word_start[id + 1] as usize]
                    .iter()
                    .map(|&w| self.word(w)),
            );
            let s = score_words(q, &name);
            if s < POSSIBLE_AT {
                continue;
            }
            let m = NameMatch {
                entry: self.arrays.name_entry[id] as usize,
                name: self.arrays.name_position[id] as usize,
                score: s,
            };
            // Names are in entry order, so an entry's names are neighbours here.
            match found.last_mut() {
                Some(last) if last.entry == m.entry => {
                    if (s, std::cmp::Reverse(m.name)) > (last.score, std::cmp::Reverse(last.name)) {
                        *last = m;
                    }
                }
                _ => found.push(m),
            }
        }
        found
    }
}

/// For each vocabulary word near a query word, which query words it is near (bit `i` for
/// word `i`), in a small open-addressed table: a name's words are looked up once each.
/// Query words from the 64th on are not marked; the search counts them as paired, which
/// only lets more names be scored.
struct NearMarks {
    /// (word id, query words), `u32::MAX` for an empty slot.
    slots: Vec<(u32, u64)>,
    shift: u32,
}

impl NearMarks {
    const WORDS: usize = 64;

    fn new(near: &[Vec<u32>]) -> NearMarks {
        let count: usize = near.iter().take(Self::WORDS).map(Vec::len).sum();
        let bits = (usize::BITS - (2 * count).max(1).leading_zeros()).clamp(4, 30);
        let mut marks = NearMarks {
            slots: vec![(u32::MAX, 0); 1 << bits],
            shift: 32 - bits,
        };
        for (i, words) in near.iter().take(Self::WORDS).enumerate() {
            for &word in words {
                let slot = marks.slot(word);
                marks.slots[slot] = (word, marks.slots[slot].1 | 1 << i);
            }
        }
        marks
    }

    /// The slot holding `word`, or the empty one where it goes (the table is at most half
    /// full, so there always is one).
    fn slot(&self, word: u32) -> usize {
        let mut slot = (word.wrapping_mul(0x9E37_79B1) >> self.shift) as usize;
        while self.slots[slot].0 != word && self.slots[slot].0 != u32::MAX {
            slot = (slot + 1) & (self.slots.len() - 1);
        }
        slot
    }

    fn of(&self, word: u32) -> u64 {
        self.slots[self.slot(word)].1
    }
}

/// The deletion variants of the vocabulary's words (up to one deletion, two from eight
/// letters on), by hash: two words within the allowed edits always share a variant (an
/// edit script's substitutions, transpositions and deletions on one side, substitutions,
/// transpositions and insertions on the other, deleted leave the same word), so a query
/// word's variants find every near word, and the edit distance then checks each.
#[derive(Debug)]
struct Deletions {
    /// Sorted hashes of the variants, and the word each came from.
    hashes: Vec<u64>,
    words: Vec<u32>,
    /// Where the hashes with each value of their top bits start.
    buckets: Vec<u32>,
    shift: u32,
    /// Words too long for the table.
    long: Vec<u32>,
}

impl Deletions {
    fn build(index: &NameIndex) -> Deletions {
        let mut pairs: Vec<(u64, u32)> = Vec::new();
        let mut long = Vec::new();
        for id in 0..index.arrays.word_chars.len() as u32 {
            let word = index.word(id);
            if word.chars <= 3 {
                continue;
            }
            if word.chars > LONGEST_IN_TABLE {
                long.push(id);
                continue;
            }
            each_variant(word.text, |hash| pairs.push((hash, id)));
        }
        pairs.sort_unstable();
        pairs.dedup();
        let bits = (usize::BITS - pairs.len().max(1).leading_zeros()).clamp(1, 24);
        let shift = 64 - bits;
        let mut buckets = vec![0u32; (1 << bits) + 1];
        for &(hash, _) in &pairs {
            buckets[(hash >> shift) as usize + 1] += 1;
        }
        for i in 1..buckets.len() {
            buckets[i] += buckets[i - 1];
        }
        Deletions {
            hashes: pairs.iter().map(|p| p.0).collect(),
            words: pairs.iter().map(|p| p.1).collect(),
            buckets,
            shift,
            long,
        }
    }

    /// The words sharing a variant with `word` (a superset of its near words).
    fn lookup(&self, word: &str) -> Vec<u32> {
        let mut found = Vec::new();
        each_variant(word, |hash| {
            let bucket = (hash >> self.shift) as usize;
            let (start, end) = (
                self.buckets[bucket] as usize,
                self.buckets[bucket + 1] as usize,
            );
            for i in start..end {
                if self.hashes[i] == hash {
                    found.push(self.words[i]);
                }
            }
        });
        found
    }
}

/// Call `each` with the hash of `word` and of each of its deletion variants: one char
/// deleted, and two from eight chars on. The hash is polynomial in the chars (an odd base,
/// so it can be divided by), so each variant's hash comes from prefix sums at no cost per
/// char; hits are checked, so a collision only costs a comparison. `word` has at most
/// [`LONGEST_IN_TABLE`] chars.
fn each_variant(word: &str, mut each: impl FnMut(u64)) {
    // sums[i]: the first i chars, char j weighted by BASE^j.
    let mut sums = [0u64; LONGEST_IN_TABLE + 1];
    let mut power = 1u64;
    let mut chars = 0;
    for (i, c) in word.chars().take(LONGEST_IN_TABLE).enumerate() {
        sums[i + 1] = sums[i].wrapping_add(u64::from(c).wrapping_mul(power));
        power = power.wrapping_mul(BASE);
        chars = i + 1;
    }
    let shifted =
        |from: usize, to: usize, by: u64| sums[to].wrapping_sub(sums[from]).wrapping_mul(by);
    let finish = |hash: u64, len: usize| mix(hash.wrapping_add((len as u64) << 56));
    each(finish(sums[chars], chars));
    for (a, &before) in sums.iter().enumerate().take(chars) {
        each(finish(
            before.wrapping_add(shifted(a + 1, chars, BASE_INVERSE)),
            chars - 1,
        ));
        if chars >= 8 {
            for b in a + 1..chars {
                each(finish(
                    before
                        .wrapping_add(shifted(a + 1, b, BASE_INVERSE))
                        .wrapping_add(shifted(b + 1, chars, BASE_INVERSE_SQUARED)),
                    chars - 2,
                ));
            }
        }
    }
}

const BASE: u64 = 0x0000_0100_0000_01b3;
const BASE_INVERSE: u64 = inverse(BASE);
const BASE_INVERSE_SQUARED: u64 = BASE_INVERSE.wrapping_mul(BASE_INVERSE);

/// The inverse of an odd number modulo 2^64 (Newton's iteration doubles the correct bits).
const fn inverse(odd: u64) -> u64 {
    let mut x = odd;
    let mut i = 0;
    while i < 6 {
        x = x.wrapping_mul(2u64.wrapping_sub(odd.wrapping_mul(x)));
        i += 1;
    }
    x
}

/// A final mix, so the top bits (the table's buckets) spread.
fn mix(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x
}

/// The word indexes of every list in use, each list's entries numbered after the lists
/// before it (the order of [`PartyLists::entry_at`]).
pub struct Index {
    segments: Vec<(usize, Arc<NameIndex>)>,
}

impl Index {
    pub fn new(lists: &PartyLists) -> Index {
        let mut segments = Vec::new();
        let mut base = 0usize;
        let mut number = 0u32;
        let mut names: Vec<(u32, u32, &str)> = Vec::new();
        for listing in &lists.listings {
            for entry in &listing.entries {
                names.extend(
                    entry
                        .names()
                        .enumerate()
                        .map(|(n, name)| (number, n as u32, name)),
                );
                number += 1;
            }
        }
        segments.push((base, Arc::new(NameIndex::build(names))));
        base += number as usize;
        for added in &lists.added {
            segments.push((base, added.prepared.names()));
            base += added.prepared.entry_count();
        }
        Index { segments }
    }

    /// Build every list's deletion table (before screening many names).
    pub fn prepare_for_many(&self) {
        for (_, segment) in &self.segments {
            segment.prepare_for_many();
        }
    }

    /// Every entry with a name scoring at least [`POSSIBLE_AT`], best name per entry, best
    /// first (ties in list order).
    pub fn search(&self, query: &str) -> Vec<NameMatch> {
        let q = words(query);
        if q.is_empty() {
            return Vec::new();
        }
        let q: Vec<Word> = q.iter().map(|w| Word::new(w)).collect();
        let mut found: Vec<NameMatch> = Vec::new();
        for (base, segment) in &self.segments {
            found.extend(segment.search(&q).into_iter().map(|m| NameMatch {
                entry: base + m.entry,
                ..m
            }));
        }
        found.sort_by_key(|m| (std::cmp::Reverse(m.score), m.entry));
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(query: &str, name: &str) -> u8 {
        score(&words(query), &words(name))
    }

    #[test]
    fn scores_word_by_word() {
        assert_eq!(s("MP Materials Corp.", "MP Materials"), 100);
        assert!(s("MP Materails", "MP Materials") >= POSSIBLE_AT);
        assert!(s("MPM Materials Ltd", "MP Materials") < POSSIBLE_AT);
        assert!(
            s("MQ Materials", "MP Materials") < POSSIBLE_AT,
            "short words exact"
        );
        assert_eq!(s("Materials MP", "MP Materials"), 97);
        assert!(s("Lockheed Martin", "Raytheon Missiles") < 20);
    }

    /// Cases property tests once found: a word added before the first (the index must
    /// still find the name), and a query word two deletions from a name's word of eight
    /// letters (the deletion table must hold two-deletion variants).
    #[test]
    fn cases_found_by_the_property_tests() {
        let lists = PartyLists::embedded().expect("lists");
        let (_, entry) = lists.entries().next().expect("entry");
        let query = format!("aex {}", entry.name);
        let found: Vec<(usize, u8)> = Index::new(&lists)
            .search(&query)
            .iter()
            .map(|m| (m.entry, m.score))
            .collect();
        assert_eq!(found, every_name(&lists, &query));

        // More query words than the search marks (64): the rest count as paired.
        let long: String = (0..70).map(|i| format!("word{i} ")).collect::<String>() + &entry.name;
        assert_eq!(
            Index::new(&lists)
                .search(&long)
                .iter()
                .map(|m| (m.entry, m.score))
                .collect::<Vec<_>>(),
            every_name(&lists, &long)
        );

        let index = NameIndex::build([(0, 0, "aa cebcec")]);
        index.prepare_for_many();
        let near = index.neighbours(Word::new("cebceaac"));
        assert_eq!(
            near,
            [index.find("cebcec").expect("word")],
            "two edits from cebcec"
        );
    }

    /// A variant's hash is the hash of the word it spells, however it was reached.
    #[test]
    fn a_variants_hash_is_its_words_hash() {
        assert_eq!(BASE.wrapping_mul(BASE_INVERSE), 1);
        let hash = |w: &str| {
            let mut first = None;
            each_variant(w, |h| {
                first.get_or_insert(h);
            });
            first.expect("the word itself")
        };
        let mut all = Vec::new();
        each_variant("materiäls", |h| all.push(h));
        for (deleted, expected) in [
            ("ateriäls", true),
            ("mteriäls", true),
            ("materils", true),
            ("mteriäl", true),
            ("materiäl", true),
            ("mterials", false),
        ] {
            assert_eq!(all.contains(&hash(deleted)), expected, "{deleted}");
        }
        assert_eq!(all.len(), 1 + 9 + 36);
    }

    /// Every entry of `lists` with its best name's score, scoring every name: what the
    /// index must find without its prefilter.
    fn every_name(lists: &PartyLists, query: &str) -> Vec<(usize, u8)> {
        let q = words(query);
        let mut found: Vec<(usize, u8)> = lists
            .entries()
            .enumerate()
            .filter_map(|(i, (_, entry))| {
                let best = entry.names().map(|n| score(&q, &words(n))).max()?;
                (best >= POSSIBLE_AT).then_some((i, best))
            })
            .collect();
        found.sort_by_key(|&(i, s)| (std::cmp::Reverse(s), i));
        found
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

        /// The word index finds what scoring every name finds, for names of the lists
        /// with a typo, a word dropped or a word added.
        #[test]
        fn the_index_misses_no_possible_match(
            pick in 0usize..273,
            edit in 0usize..3,
            at in 0usize..40,
            letter in proptest::char::range('a', 'z'),
        ) {
            let lists = PartyLists::embedded().expect("lists");
            let index = Index::new(&lists);
            let (_, entry) = lists.entries().nth(pick).expect("entry");
            let mut name: Vec<String> = words(&entry.name);
            let w = at % name.len();
            match edit {
                0 => {
                    let mut chars: Vec<char> = name[w].chars().collect();
                    let c = at % chars.len();
                    chars[c] = letter;
                    name[w] = chars.into_iter().collect();
                }
                1 if name.len() > 1 => {
                    name.remove(w);
                }
                _ => name.insert(w, format!("{letter}ex")),
            }
            let query = name.join(" ");
            let found: Vec<(usize, u8)> =
                index.search(&query).iter().map(|m| (m.entry, m.score)).collect();
            proptest::prop_assert_eq!(found, every_name(&lists, &query), "{}", query);
        }

        /// With the deletion table built, a search finds what scanning the vocabulary
        /// finds: names of made-up words from few letters (so near words abound), queried
        /// with typos, swaps, dropped and added letters.
        #[test]
        fn the_deletion_table_finds_what_the_scan_finds(
            names in proptest::collection::vec("[a-e]{2,11}( [a-e]{2,11}){0,2}", 1..60),
            query in "[a-e]{2,11}( [a-e]{2,11}){0,2}",
        ) {
            let build = || NameIndex::build(
                names.iter().enumerate().map(|(i, n)| (i as u32, 0, n.as_str())),
            );
            let (scan, table) = (build(), build());
            table.prepare_for_many();
            let q: Vec<String> = words(&query);
            let q: Vec<Word> = q.iter().map(|w| Word::new(w)).collect();
            proptest::prop_assert_eq!(table.search(&q), scan.search(&q));
            for w in &q {
                let mut near = table.neighbours(*w);
                near.retain(|&id| {
                    let other = table.word(id);
                    word_similarity(w.text, w.chars, other.text, other.chars) > 0.0
                });
                proptest::prop_assert_eq!(near, scan.neighbours(*w));
            }
        }

        /// The cheap refusals never refuse two words within the allowed distance: the
        /// similarity is what the edit distance alone gives.
        #[test]
        fn refusals_agree_with_the_edit_distance(
            a in "[a-f]{4,10}",
            other in "[a-f]{4,10}",
            edits in proptest::collection::vec((0usize..4, 0usize..12, proptest::char::range('a', 'f')), 0..3),
            near in proptest::bool::ANY,
        ) {
            // Half the time `b` is `a` after a few edits (swap, change, delete, insert), so
            // pairs within the distance are tried as often as far ones.
            let mut b: Vec<char> = if near { a.chars().collect() } else { other.chars().collect() };
            for (kind, at, c) in edits {
                let i = at % b.len();
                match kind {
                    0 if i + 1 < b.len() => b.swap(i, i + 1),
                    1 => b[i] = c,
                    2 if b.len() > 4 => { b.remove(i); }
                    _ => b.insert(i, c),
                }
            }
            let b: String = b.into_iter().collect();
            let longest = a.len().max(b.len());
            let allowed = if longest >= 8 { 2 } else { 1 };
            let distance = strsim::osa_distance(&a, &b);
            let expected = if a == b {
                1.0
            } else if distance > allowed {
                0.0
            } else {
                1.0 - distance as f64 / longest as f64
            };
            proptest::prop_assert_eq!(word_similarity(&a, a.len(), &b, b.len()), expected);
        }
    }
}
