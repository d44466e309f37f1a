//! Close spellings of a word that is not in the vocabulary, so "unknown word" comes with a
//! "did you mean": the command line and the viewer's analogy panel both suggest them.

/// Up to `max` words within a small edit distance (case-insensitive match first), scanning at
/// most the 200k most frequent words so the error stays instant.
pub fn close_spellings(words: &[String], word: &str, max: usize) -> Vec<String> {
    let lower = word.to_lowercase();
    let limit = (word.chars().count() / 3).clamp(1, 3);
    let mut scored: Vec<(usize, usize, &String)> = words
        .iter()
        .take(200_000)
        .enumerate()
        .filter_map(|(row, w)| {
            let d = if w.to_lowercase() == lower {
                0
            } else {
                edit_distance(&lower, &w.to_lowercase(), limit)?
            };
            Some((d, row, w))
        })
        .collect();
    scored.sort();
    scored
        .into_iter()
        .take(max)
        .map(|(_, _, w)| w.clone())
        .collect()
}

/// Levenshtein distance over chars, or `None` if it exceeds `limit`.
fn edit_distance(a: &str, b: &str, limit: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        if cur.iter().min().is_some_and(|&m| m > limit) {
            return None;
        }
        prev = cur;
    }
    prev.last().copied().filter(|&d| d <= limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_words() {
        let words = ["paris", "Paris", "berlin", "parish", "tokyo"].map(String::from);
        let got = close_spellings(&words, "pariss", 3);
        assert_eq!(got, vec!["paris", "Paris", "parish"]);
        assert!(close_spellings(&words, "zzzzzz", 3).is_empty());
        assert_eq!(edit_distance("kitten", "sitting", 3), Some(3));
    }
}
