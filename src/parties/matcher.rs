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

use std::collections::HashMap;

use super::PartyLists;
use super::names::words;

/// From this score on a name is a possible match (below 100, which is a match).
pub const POSSIBLE_AT: u8 = 85;

/// How similar one word is to another, 0.0 to 1.0 (see the module's rule).
fn word_similarity(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    let (la, lb) = (a.chars().count(), b.chars().count());
    if la <= 3 || lb <= 3 {
        return 0.0;
    }
    let longest = la.max(lb);
    let allowed = if longest >= 8 { 2 } else { 1 };
    // Cheap refusals first (most word pairs of a list are far apart): an edit changes the
    // length by at most one, and brings in at most one letter the other word lacks.
    if la.abs_diff(lb) > allowed {
        return 0.0;
    }
    let (ma, mb) = (letter_mask(a), letter_mask(b));
    if (ma & !mb).count_ones() as usize > allowed || (mb & !ma).count_ones() as usize > allowed {
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

/// The score of a name (its normalised words) against a query's words, 0 to 100.
pub fn score(query: &[String], name: &[String]) -> u8 {
    if query.is_empty() || name.is_empty() {
        return 0;
    }
    if query == name {
        return 100;
    }
    let len = |w: &String| w.chars().count() as f64;
    let total: f64 = query.iter().map(len).sum::<f64>() + name.iter().map(len).sum::<f64>();
    // Longest query words first take their best partner.
    let mut order: Vec<usize> = (0..query.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(query[i].chars().count()));
    let mut used = vec![false; name.len()];
    let mut weighed = 0.0;
    let mut paired: Vec<(usize, usize)> = Vec::new();
    for i in order {
        let best = (0..name.len())
            .filter(|&j| !used[j])
            .map(|j| (j, word_similarity(&query[i], &name[j])))
            .filter(|(_, s)| *s > 0.0)
            .max_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((j, s)) = best {
            used[j] = true;
            weighed += s * (len(&query[i]) + len(&name[j]));
            paired.push((i, j));
        }
    }
    let mut value = (weighed / total * 100.0).floor().min(99.0);
    paired.sort_unstable();
    if paired.windows(2).any(|w| w[0].1 > w[1].1) {
        value = value.min(97.0);
    }
    value as u8
}

/// One entry a query matched: the entry's position in [`Index::entries`], which of its names
/// scored best and the score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NameMatch {
    pub entry: usize,
    /// Position in `Entry::names()`.
    pub name: usize,
    pub score: u8,
}

/// The names of every entry, normalised once, with a word index over them.
pub struct Index {
    /// (listing, entry) per indexed entry.
    pub entries: Vec<(usize, usize)>,
    /// Per name: its entry, its position among the entry's names, its words.
    names: Vec<(u32, u16, Vec<String>)>,
    /// Every distinct word of the names, with its letter mask and length in chars.
    vocabulary: Vec<(String, u64, usize)>,
    word_ids: HashMap<String, u32>,
    /// Per word of the vocabulary, the names holding it.
    postings: Vec<Vec<u32>>,
}

impl Index {
    pub fn new(lists: &PartyLists) -> Index {
        let mut index = Index {
            entries: Vec::new(),
            names: Vec::new(),
            vocabulary: Vec::new(),
            word_ids: HashMap::new(),
            postings: Vec::new(),
        };
        for (l, listing) in lists.listings.iter().enumerate() {
            for (e, entry) in listing.entries.iter().enumerate() {
                let position = index.entries.len() as u32;
                index.entries.push((l, e));
                for (n, name) in entry.names().enumerate() {
                    let w = words(name);
                    if w.is_empty() {
                        continue;
                    }
                    let id = index.names.len() as u32;
                    for word in &w {
                        let next = index.vocabulary.len() as u32;
                        let word_id = *index.word_ids.entry(word.clone()).or_insert(next);
                        if word_id == next {
                            let chars = word.chars().count();
                            index
                                .vocabulary
                                .push((word.clone(), letter_mask(word), chars));
                            index.postings.push(Vec::new());
                        }
                        let names = &mut index.postings[word_id as usize];
                        if names.last() != Some(&id) {
                            names.push(id);
                        }
                    }
                    index.names.push((position, n as u16, w));
                }
            }
        }
        index
    }

    /// The words of the vocabulary a query word may pair with (similarity above 0).
    fn neighbours(&self, word: &str) -> Vec<u32> {
        let chars = word.chars().count();
        if chars <= 3 {
            return self.word_ids.get(word).into_iter().copied().collect();
        }
        let mask = letter_mask(word);
        (0..self.vocabulary.len() as u32)
            .filter(|&id| {
                let (other, other_mask, other_chars) = &self.vocabulary[id as usize];
                let allowed = if chars.max(*other_chars) >= 8 { 2 } else { 1 };
                chars.abs_diff(*other_chars) <= allowed
                    && (mask & !other_mask).count_ones() as usize <= allowed
                    && (other_mask & !mask).count_ones() as usize <= allowed
                    && word_similarity(word, other) > 0.0
            })
            .collect()
    }

    /// Every entry with a name scoring at least [`POSSIBLE_AT`], best name per entry, best
    /// first (ties in list order).
    pub fn search(&self, query: &str) -> Vec<NameMatch> {
        let q = words(query);
        if q.is_empty() {
            return Vec::new();
        }
        // Which query words a possible match must pair. With Q the query's letters, k its
        // words and f = 1 - POSSIBLE_AT / 100, a name's unpaired letters (U on the query's
        // side, V on the name's) are at most f of both names' letters, and a paired name
        // word is at most two letters longer than its partner, so U + V <= f (2Q + 2k + V)
        // and U <= 2f (Q + k). Query words holding more letters than that cannot all go
        // unpaired: the names of the rarest such words are the only candidates.
        let f = f64::from(100 - POSSIBLE_AT) / 100.0;
        let letters: usize = q.iter().map(|w| w.chars().count()).sum();
        let most_unpaired = 2.0 * f * (letters + q.len()) as f64;
        // Rarity by the word's own names: finding a word's near words scans the
        // vocabulary, so the common words (often enough not needed) are looked at last.
        let mut by_rarity: Vec<&String> = q.iter().collect();
        by_rarity.sort_by_key(|w| {
            self.word_ids
                .get(*w)
                .map_or(0, |&id| self.postings[id as usize].len())
        });
        let mut seen = vec![false; self.names.len()];
        let mut candidates: Vec<u32> = Vec::new();
        let mut covered = 0;
        for word in by_rarity {
            for near in self.neighbours(word) {
                for &id in &self.postings[near as usize] {
                    if !std::mem::replace(&mut seen[id as usize], true) {
                        candidates.push(id);
                    }
                }
            }
            let chars = word.chars().count();
            covered += chars;
            if covered as f64 > most_unpaired {
                break;
            }
        }
        let mut best: HashMap<u32, NameMatch> = HashMap::new();
        for id in candidates {
            let (entry, n, w) = &self.names[id as usize];
            let s = score(&q, w);
            if s < POSSIBLE_AT {
                continue;
            }
            let m = NameMatch {
                entry: *entry as usize,
                name: *n as usize,
                score: s,
            };
            best.entry(*entry)
                .and_modify(|b| {
                    if (s, std::cmp::Reverse(m.name)) > (b.score, std::cmp::Reverse(b.name)) {
                        *b = m;
                    }
                })
                .or_insert(m);
        }
        let mut found: Vec<NameMatch> = best.into_values().collect();
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
            proptest::prop_assert_eq!(word_similarity(&a, &b), expected);
        }
    }
}
