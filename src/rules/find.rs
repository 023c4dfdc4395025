//! Finding an option of a question by what the officer types: the pickers of the form and
//! the prompts of plain mode rank the same way.

use super::{AnswerOption, Question, UNKNOWN};

/// The options of `question` (not `unknown`) matching `filter`, best first: an id or code
/// typed in full, then names (or other names: codes, symbols) that start with the text,
/// then those with a word that starts with it, then those that contain it, each in list
/// order. Several words must each match ("dy oxide"), best all in one name ("united st":
/// United States, the shorter of such names first, before United Kingdom, whose "st" is
/// in another language's name). An empty filter keeps every option in list order.
pub fn rank_options(question: &Question, filter: &str) -> Vec<usize> {
    let needle = filter.trim().to_lowercase();
    let words: Vec<&str> = needle.split_whitespace().collect();
    let rank = |o: &AnswerOption| -> Option<(u8, usize)> {
        if words.is_empty() || needle == o.id.to_lowercase() {
            return Some((0, 0));
        }
        let names: Vec<String> = std::iter::once(&o.label)
            .chain(&o.also)
            .map(|n| n.to_lowercase())
            .collect();
        let in_one = names
            .iter()
            .filter_map(|n| {
                // Of several words all in one name, the shorter name is the nearer.
                let length = if words.len() > 1 {
                    n.chars().count()
                } else {
                    0
                };
                worst(words.iter().map(|w| in_name(n, w))).map(|r| (r, length))
            })
            .min();
        in_one.or_else(|| {
            let across = worst(
                words
                    .iter()
                    .map(|w| names.iter().filter_map(|n| in_name(n, w)).min()),
            );
            across.map(|r| (r + 4, usize::MAX))
        })
    };
    let mut ranked: Vec<((u8, usize), usize)> = question
        .options
        .iter()
        .enumerate()
        .filter(|(_, o)| o.id != UNKNOWN)
        .filter_map(|(i, o)| rank(o).map(|r| (r, i)))
        .collect();
    ranked.sort_unstable();
    ranked.into_iter().map(|(_, i)| i).collect()
}

/// How a word matches a name: 0 it is the name, 1 the name starts with it, 2 a word of the
/// name does, 3 the name holds it.
fn in_name(name: &str, word: &str) -> Option<u8> {
    if name == word {
        Some(0)
    } else if name.starts_with(word) {
        Some(1)
    } else if name
        .split([' ', '-', ',', '('])
        .any(|p| p.starts_with(word))
    {
        Some(2)
    } else if name.contains(word) {
        Some(3)
    } else {
        None
    }
}

/// The worst of several ranks, if every one matched.
fn worst(mut ranks: impl Iterator<Item = Option<u8>>) -> Option<u8> {
    ranks.try_fold(0, |worst, r| r.map(|r| worst.max(r)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_ranked_by_how_well_the_words_match() {
        let rules = crate::rules::embedded().expect("rules");
        let question = |id: &str| {
            rules
                .questions
                .iter()
                .find(|q| q.id == id)
                .expect("question")
        };
        let first = |q: &str, typed: &str| {
            let question = question(q);
            rank_options(question, typed)
                .first()
                .map(|&i| question.options[i].id.clone())
        };
        for (q, typed, expected) in [
            ("destination", "united st", Some("US")),
            ("destination", "united k", Some("GB")),
            ("destination", "ger", Some("DE")),
            ("destination", "Deutschland", Some("DE")),
            ("destination", "jp", Some("JP")),
            ("destination", "atlantis", None),
            ("goods", "dy oxide", Some("dy_oxide")),
        ] {
            assert_eq!(first(q, typed).as_deref(), expected, "{q}: {typed:?}");
        }
        let every = rank_options(question("destination"), "  ");
        assert!(
            every.windows(2).all(|w| w[0] < w[1]),
            "nothing typed: list order"
        );
    }
}
