//! The scan primitives behind every exact search: a bounded best-first list ([`TopK`]) and a
//! parallel scan over rows that keeps the `k` best scores ([`scan_top_k`]). Shared by the
//! cosine index, its f16 prefilter, analogies and the 3D search, so none of them imports another.
//!
//! Ties are broken by lower row first, so results are deterministic whatever the thread count.

use rayon::prelude::*;

/// Rows per parallel task: large enough to amortise scheduling, small enough to balance.
pub(crate) const SCAN_BLOCK_ROWS: usize = 8192;

/// One search result ranked by a score where higher is better.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Neighbor {
    /// Row in the matrix (= vocabulary index).
    pub row: usize,
    /// Cosine similarity (for 3CosMul analogies: the 3CosMul score).
    pub similarity: f32,
}

/// Top `k` rows in `0..n_rows` by `score` (higher first; NaN scores never returned), skipping
/// `exclude`. Parallel over row blocks with one bounded list per block.
pub(crate) fn scan_top_k<F>(n_rows: usize, k: usize, exclude: &[usize], score: F) -> Vec<Neighbor>
where
    F: Fn(usize) -> f32 + Sync,
{
    if k == 0 || n_rows == 0 {
        return Vec::new();
    }
    let n_blocks = n_rows.div_ceil(SCAN_BLOCK_ROWS);
    let partials: Vec<TopK> = (0..n_blocks)
        .into_par_iter()
        .map(|block| {
            let start = block * SCAN_BLOCK_ROWS;
            let end = (start + SCAN_BLOCK_ROWS).min(n_rows);
            let mut top = TopK::new(k);
            for row in start..end {
                let s = score(row);
                if s > top.threshold() && !exclude.contains(&row) {
                    top.insert(row, s);
                }
            }
            top
        })
        .collect();
    let mut merged = TopK::new(k);
    for part in partials {
        for n in part.items {
            merged.insert(n.row, n.similarity);
        }
    }
    merged.items
}

/// Top `k` of the given rows by `score`, in the same order as [`scan_top_k`] would give.
pub(crate) fn scan_top_k_sorted_exact<F>(rows: &[usize], k: usize, score: F) -> Vec<Neighbor>
where
    F: Fn(usize) -> f32,
{
    let mut top = TopK::new(k);
    for &row in rows {
        let s = score(row);
        if s >= top.threshold() {
            top.insert(row, s);
        }
    }
    top.items
}

/// A sorted (best first) bounded list; k is small, so insertion into a Vec beats a heap.
pub(crate) struct TopK {
    k: usize,
    items: Vec<Neighbor>,
}

impl TopK {
    pub(crate) fn new(k: usize) -> Self {
        Self {
            k,
            items: Vec::with_capacity(k + 1),
        }
    }

    /// Scores must beat this to enter (−∞ until full). NaN never passes `>`.
    pub(crate) fn threshold(&self) -> f32 {
        if self.items.len() < self.k {
            f32::NEG_INFINITY
        } else {
            self.items
                .last()
                .map_or(f32::NEG_INFINITY, |n| n.similarity)
        }
    }

    pub(crate) fn insert(&mut self, row: usize, similarity: f32) {
        if similarity.is_nan() {
            return;
        }
        // Position after all better items (higher score, or equal score and lower row).
        let pos = self.items.partition_point(|n| {
            n.similarity > similarity || (n.similarity == similarity && n.row < row)
        });
        if pos >= self.k {
            return;
        }
        self.items.insert(pos, Neighbor { row, similarity });
        self.items.truncate(self.k);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_k_keeps_the_best_with_lower_rows_winning_ties() {
        let mut top = TopK::new(3);
        for (row, s) in [
            (5, 0.5),
            (1, 0.9),
            (7, f32::NAN),
            (2, 0.5),
            (9, 0.1),
            (0, 0.5),
        ] {
            top.insert(row, s);
        }
        let got: Vec<(usize, f32)> = top.items.iter().map(|n| (n.row, n.similarity)).collect();
        assert_eq!(got, vec![(1, 0.9), (0, 0.5), (2, 0.5)]);
        assert_eq!(top.threshold(), 0.5);
    }

    #[test]
    fn scan_matches_sorting_across_blocks() {
        let n = SCAN_BLOCK_ROWS * 2 + 17;
        let score = |row: usize| ((row * 7919) % 1000) as f32;
        let got = scan_top_k(n, 20, &[0, 1000], score);
        let mut want: Vec<usize> = (0..n).filter(|r| *r != 0 && *r != 1000).collect();
        want.sort_by(|&a, &b| score(b).total_cmp(&score(a)).then(a.cmp(&b)));
        want.truncate(20);
        assert_eq!(got.iter().map(|n| n.row).collect::<Vec<_>>(), want);
        let rows: Vec<usize> = (0..n).rev().collect();
        let exact = scan_top_k_sorted_exact(&rows, 20, score);
        let all = scan_top_k(n, 20, &[], score);
        assert_eq!(exact, all);
    }
}
