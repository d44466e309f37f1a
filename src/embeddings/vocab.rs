//! An ordered vocabulary: word ↔ row index, with optional per-word counts.
//!
//! Row order is meaningful (files keep it, the trainer sorts by frequency), so the vocabulary
//! is a `Vec` of words plus a hash index, never a map alone.

use std::collections::HashMap;

/// Ordered list of unique words with a reverse index.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Vocab {
    words: Vec<String>,
    index: HashMap<String, usize>,
    counts: Option<Vec<u64>>,
}

/// A word that appears twice in what should be a set of unique words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("duplicate word {word:?} at rows {first} and {second}")]
pub struct DuplicateWord {
    pub word: String,
    pub first: usize,
    pub second: usize,
}

impl Vocab {
    /// Builds a vocabulary; every word must be unique.
    pub fn new(words: Vec<String>) -> Result<Self, DuplicateWord> {
        let mut index = HashMap::with_capacity(words.len());
        for (row, word) in words.iter().enumerate() {
            if let Some(&first) = index.get(word.as_str()) {
                return Err(DuplicateWord {
                    word: word.clone(),
                    first,
                    second: row,
                });
            }
            index.insert(word.clone(), row);
        }
        Ok(Self {
            words,
            index,
            counts: None,
        })
    }

    /// Attaches per-word counts (same order as the words). Returns `None` on a length mismatch.
    pub fn with_counts(mut self, counts: Vec<u64>) -> Option<Self> {
        if counts.len() != self.words.len() {
            return None;
        }
        self.counts = Some(counts);
        Some(self)
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    pub fn words(&self) -> &[String] {
        &self.words
    }

    pub fn word(&self, row: usize) -> Option<&str> {
        self.words.get(row).map(String::as_str)
    }

    pub fn index_of(&self, word: &str) -> Option<usize> {
        self.index.get(word).copied()
    }

    pub fn contains(&self, word: &str) -> bool {
        self.index.contains_key(word)
    }

    pub fn counts(&self) -> Option<&[u64]> {
        self.counts.as_deref()
    }

    pub fn count(&self, row: usize) -> Option<u64> {
        self.counts.as_ref().and_then(|c| c.get(row).copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_follows_order() {
        let v = Vocab::new(vec!["a".into(), "巴黎".into(), "c".into()]).unwrap();
        assert_eq!(v.index_of("巴黎"), Some(1));
        assert_eq!(v.word(2), Some("c"));
        assert_eq!(v.index_of("zz"), None);
    }

    #[test]
    fn duplicates_are_rejected() {
        let err = Vocab::new(vec!["a".into(), "b".into(), "a".into()]).unwrap_err();
        assert_eq!((err.first, err.second), (0, 2));
    }

    #[test]
    fn counts_must_match_length() {
        let v = Vocab::new(vec!["a".into(), "b".into()]).unwrap();
        assert!(v.clone().with_counts(vec![1]).is_none());
        assert_eq!(v.with_counts(vec![3, 1]).unwrap().count(0), Some(3));
    }
}
