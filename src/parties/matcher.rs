//! Matching a name against the lists: every name, Chinese name and alias of every entry,
//! word by word, a score from 0 to 100 per name, and a character-trigram prefilter so a
//! large list stays fast.
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
    let distance = strsim::osa_distance(a, b);
    if distance > allowed {
        return 0.0;
    }
    1.0 - distance as f64 / longest as f64
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

/// The names of every entry, normalised once, with a trigram index over them.
pub struct Index {
    /// (listing, entry) per indexed entry.
    pub entries: Vec<(usize, usize)>,
    /// Per name: its entry, its position among the entry's names, its words.
    names: Vec<(u32, u16, Vec<String>)>,
    exact: HashMap<String, Vec<u32>>,
    grams: HashMap<u64, Vec<u32>>,
    /// Every name's trigrams, sorted, one run per name (`gram_runs[id]..gram_runs[id + 1]`),
    /// so counting what a candidate shares with the query allocates nothing.
    name_grams: Vec<u64>,
    gram_runs: Vec<u32>,
}

/// A name's distinct trigrams (padded with a space at both ends), each packed into a u64
/// (three 21-bit chars), sorted.
fn trigrams(normal: &str) -> Vec<u64> {
    let padded: Vec<u64> = std::iter::once(' ')
        .chain(normal.chars())
        .chain(std::iter::once(' '))
        .map(u64::from)
        .collect();
    let mut grams: Vec<u64> = padded
        .windows(3)
        .map(|w| (w[0] << 42) | (w[1] << 21) | w[2])
        .collect();
    grams.sort_unstable();
    grams.dedup();
    grams
}

/// How many of two sorted runs' values they share.
fn shared(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

impl Index {
    pub fn new(lists: &PartyLists) -> Index {
        let mut index = Index {
            entries: Vec::new(),
            names: Vec::new(),
            exact: HashMap::new(),
            grams: HashMap::new(),
            name_grams: Vec::new(),
            gram_runs: vec![0],
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
                    let normal = w.join(" ");
                    for gram in trigrams(&normal) {
                        index.grams.entry(gram).or_default().push(id);
                        index.name_grams.push(gram);
                    }
                    index.gram_runs.push(index.name_grams.len() as u32);
                    index.exact.entry(normal).or_default().push(id);
                    index.names.push((position, n as u16, w));
                }
            }
        }
        index
    }

    /// Every entry with a name scoring at least [`POSSIBLE_AT`], best name per entry, best
    /// first (ties in list order).
    pub fn search(&self, query: &str) -> Vec<NameMatch> {
        let q = words(query);
        if q.is_empty() {
            return Vec::new();
        }
        let normal = q.join(" ");
        let grams = trigrams(&normal);
        // A name sharing under a third of the query's trigrams cannot reach the threshold,
        // so it holds one of the rarest (all but needed - 1) of them: only their names are
        // counted, against the query's trigrams.
        let needed = grams.len().div_ceil(3).max(1);
        let mut by_rarity: Vec<&[u32]> = grams
            .iter()
            .map(|g| self.grams.get(g).map_or(&[][..], Vec::as_slice))
            .collect();
        by_rarity.sort_by_key(|ids| ids.len());
        let mut seen = vec![false; self.names.len()];
        let mut candidates: Vec<u32> = Vec::new();
        for ids in &by_rarity[..grams.len() - needed + 1] {
            for &id in *ids {
                let run =
                    self.gram_runs[id as usize] as usize..self.gram_runs[id as usize + 1] as usize;
                if !std::mem::replace(&mut seen[id as usize], true)
                    && shared(&self.name_grams[run], &grams) >= needed
                {
                    candidates.push(id);
                }
            }
        }
        candidates.extend(self.exact.get(&normal).into_iter().flatten());
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

    proptest::proptest! {
        /// The cheap refusals never refuse two words within the allowed distance: the
        /// similarity is what the edit distance alone gives.
        #[test]
        fn refusals_agree_with_the_edit_distance(a in "[a-f]{4,10}", b in "[a-f]{4,10}") {
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
