//! Choosing the vocabulary from raw counts: `min_count`, `max_vocab`, and a deterministic order
//! (descending frequency, ties by word) so runs are reproducible and row 0 is the most frequent.

use crate::corpus::CorpusError;

/// Which words make it into the vocabulary.
#[derive(Debug, Clone, Copy)]
pub struct VocabLimits {
    pub min_count: u64,
    pub max_vocab: Option<usize>,
}

/// Returns the indices into `words`/`counts` of the kept words, most frequent first.
/// Errors if nothing is counted, or no word reaches `min_count`.
pub fn build_vocab(
    words: &[String],
    counts: &[u64],
    limits: VocabLimits,
    corpus_name: &str,
) -> Result<Vec<usize>, CorpusError> {
    if words.is_empty() {
        return Err(CorpusError::Empty {
            path: corpus_name.to_owned(),
        });
    }
    let mut order: Vec<usize> = (0..words.len()).collect();
    order.sort_unstable_by(|&a, &b| {
        counts[b]
            .cmp(&counts[a])
            .then_with(|| words[a].cmp(&words[b]))
    });
    let top = order[0];
    order.retain(|&i| counts[i] >= limits.min_count);
    if let Some(max) = limits.max_vocab {
        order.truncate(max);
    }
    if order.is_empty() {
        return Err(CorpusError::NoWordReachesMinCount {
            path: corpus_name.to_owned(),
            min_count: limits.min_count,
            most_frequent: super::reader::shorten_word(&words[top]),
            top_count: counts[top],
        });
    }
    Ok(order)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn sorted_by_count_then_word_with_min_count() {
        let words = w(&["b", "a", "c", "d"]);
        let counts = [3, 3, 5, 1];
        let lim = VocabLimits {
            min_count: 2,
            max_vocab: None,
        };
        let order = build_vocab(&words, &counts, lim, "x").unwrap();
        let names: Vec<&str> = order.iter().map(|&i| words[i].as_str()).collect();
        assert_eq!(names, vec!["c", "a", "b"]);
        let lim = VocabLimits {
            min_count: 1,
            max_vocab: Some(2),
        };
        let order = build_vocab(&words, &counts, lim, "x").unwrap();
        assert_eq!(order.len(), 2);
    }

    #[test]
    fn errors() {
        let lim = VocabLimits {
            min_count: 10,
            max_vocab: None,
        };
        let err = build_vocab(&w(&["a"]), &[3], lim, "corp.txt").unwrap_err();
        assert!(
            matches!(err, CorpusError::NoWordReachesMinCount { .. }),
            "{err}"
        );
        assert!(err.to_string().contains("corp.txt"));
        assert!(matches!(
            build_vocab(&[], &[], lim, "x"),
            Err(CorpusError::Empty { .. })
        ));
    }
}
