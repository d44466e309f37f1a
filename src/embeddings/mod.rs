//! The vocabulary + matrix type every other module works on, and its file formats.
//!
//! [`Embeddings`] owns one `f32` row per word. Cosine work needs unit rows, so a normalised copy
//! is computed once on first use and cached; mutating the matrix through [`Embeddings::matrix_mut`]
//! drops the cache.

pub mod formats;
mod metadata;
pub mod synthetic;
mod vocab;

pub use metadata::{Column, Joined, Metadata, MetadataError, Value, Values};
pub use vocab::{DuplicateWord, Vocab};

use ndarray::{Array2, ArrayView1};

use crate::vector_math::unit_rows_of;
use std::sync::OnceLock;

/// Errors building an [`Embeddings`] from parts.
#[derive(Debug, thiserror::Error)]
pub enum EmbeddingsError {
    #[error("{words} words but {rows} matrix rows")]
    RowCountMismatch { words: usize, rows: usize },
    #[error(transparent)]
    Duplicate(#[from] DuplicateWord),
}

/// A vocabulary and its vectors, one row per word.
#[derive(Debug)]
pub struct Embeddings {
    vocab: Vocab,
    matrix: Array2<f32>,
    unit: OnceLock<Array2<f32>>,
}

impl Clone for Embeddings {
    fn clone(&self) -> Self {
        Self {
            vocab: self.vocab.clone(),
            matrix: self.matrix.clone(),
            unit: OnceLock::new(),
        }
    }
}

impl Embeddings {
    /// Pairs a vocabulary with a matrix of the same number of rows.
    pub fn new(vocab: Vocab, matrix: Array2<f32>) -> Result<Self, EmbeddingsError> {
        if vocab.len() != matrix.nrows() {
            return Err(EmbeddingsError::RowCountMismatch {
                words: vocab.len(),
                rows: matrix.nrows(),
            });
        }
        Ok(Self {
            vocab,
            matrix,
            unit: OnceLock::new(),
        })
    }

    /// Convenience: unique words and a matrix.
    pub fn from_words(words: Vec<String>, matrix: Array2<f32>) -> Result<Self, EmbeddingsError> {
        Self::new(Vocab::new(words)?, matrix)
    }

    pub fn vocab(&self) -> &Vocab {
        &self.vocab
    }

    pub fn words(&self) -> &[String] {
        self.vocab.words()
    }

    pub fn len(&self) -> usize {
        self.vocab.len()
    }

    pub fn is_empty(&self) -> bool {
        self.vocab.is_empty()
    }

    pub fn dim(&self) -> usize {
        self.matrix.ncols()
    }

    pub fn index_of(&self, word: &str) -> Option<usize> {
        self.vocab.index_of(word)
    }

    pub fn word(&self, row: usize) -> Option<&str> {
        self.vocab.word(row)
    }

    /// The vector of one row (a view, no copy). Panics only on an out-of-range row, like slicing.
    pub fn row(&self, row: usize) -> ArrayView1<'_, f32> {
        self.matrix.row(row)
    }

    /// The vector of a word, if known.
    pub fn vector(&self, word: &str) -> Option<ArrayView1<'_, f32>> {
        self.index_of(word).map(|r| self.matrix.row(r))
    }

    pub fn matrix(&self) -> &Array2<f32> {
        &self.matrix
    }

    /// Mutable access to the vectors; invalidates the cached unit-normalised copy.
    pub fn matrix_mut(&mut self) -> &mut Array2<f32> {
        self.unit = OnceLock::new();
        &mut self.matrix
    }

    pub fn into_parts(self) -> (Vocab, Array2<f32>) {
        (self.vocab, self.matrix)
    }

    /// Rows scaled to unit length (zero rows stay zero), computed once and cached.
    pub fn unit_matrix(&self) -> &Array2<f32> {
        self.unit.get_or_init(|| unit_rows(&self.matrix))
    }
}

/// Returns a copy of `matrix` with every row scaled to unit L2 norm; all-zero rows stay zero.
/// The one normalisation of the crate ([`crate::vector_math::unit_rows_of`]), so cached unit
/// rows agree bit for bit with the ones the space analyses compute.
pub fn unit_rows(matrix: &Array2<f32>) -> Array2<f32> {
    unit_rows_of(matrix.view())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn unit_matrix_is_normalised_and_cached() {
        let e = Embeddings::from_words(
            vec!["x".into(), "zero".into()],
            array![[3.0, 4.0], [0.0, 0.0]],
        )
        .unwrap();
        let u = e.unit_matrix();
        assert!((u[[0, 0]] - 0.6).abs() < 1e-6 && (u[[0, 1]] - 0.8).abs() < 1e-6);
        assert_eq!(u.row(1).to_vec(), vec![0.0, 0.0]);
        assert!(std::ptr::eq(u, e.unit_matrix()));
    }

    #[test]
    fn row_count_must_match() {
        let err = Embeddings::from_words(vec!["a".into()], Array2::zeros((2, 3))).unwrap_err();
        assert!(matches!(err, EmbeddingsError::RowCountMismatch { .. }));
    }

    #[test]
    fn mutation_drops_cache() {
        let mut e = Embeddings::from_words(vec!["a".into()], array![[1.0, 0.0]]).unwrap();
        let _ = e.unit_matrix();
        e.matrix_mut()[[0, 1]] = 1.0;
        assert!((e.unit_matrix()[[0, 1]] - std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-6);
    }
}
