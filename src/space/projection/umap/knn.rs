//! Exact cosine similarity scans of many query rows against every row, as blocked matrix
//! products (`Q · Uᵀ` over row tiles of the unit matrix) rather than one dot product per pair:
//! the UMAP neighbour graph and the projection-quality figure both need the neighbours of
//! thousands of rows at once, where a matrix product is several times faster than per-query
//! scans. Each query keeps its own small state (a top-k list, rank counters…) that a visitor
//! updates with every similarity.

use std::sync::atomic::{AtomicBool, Ordering};

use ndarray::{ArrayView2, Axis, s};
use rayon::prelude::*;

/// Queries multiplied at once (one task): big enough for an efficient product, small enough
/// that `QUERY_BLOCK x COLUMN_BLOCK` similarities stay in cache-friendly memory (4 MiB).
const QUERY_BLOCK: usize = 256;
/// Rows of the unit matrix per product.
const COLUMN_BLOCK: usize = 4096;

/// Runs `visit(state, column_row, similarity)` for every (query, row) pair, query itself
/// included (visitors skip it when they must), with one state per query made by
/// `init(query_position)`. Each query sees the rows in increasing order. Returns the states in query order. Rows of `unit` must be unit
/// length (or zero). `None` when `cancel` was set (checked between query blocks).
pub(crate) fn scan_similarities<S, I, V>(
    unit: ArrayView2<f32>,
    queries: &[usize],
    cancel: &AtomicBool,
    init: I,
    visit: V,
) -> Option<Vec<S>>
where
    S: Send,
    I: Fn(usize) -> S + Sync,
    V: Fn(&mut S, usize, f32) + Sync,
{
    let n = unit.nrows();
    let blocks: Vec<Option<Vec<S>>> = queries
        .par_chunks(QUERY_BLOCK)
        .enumerate()
        .map(|(block, rows)| {
            if cancel.load(Ordering::Relaxed) {
                return None;
            }
            let q = unit.select(Axis(0), rows);
            let mut states: Vec<S> = (0..rows.len())
                .map(|p| init(block * QUERY_BLOCK + p))
                .collect();
            for start in (0..n).step_by(COLUMN_BLOCK) {
                let end = (start + COLUMN_BLOCK).min(n);
                let sims = q.dot(&unit.slice(s![start..end, ..]).t());
                for (state, sim_row) in states.iter_mut().zip(sims.rows()) {
                    for (offset, &sim) in sim_row.iter().enumerate() {
                        visit(state, start + offset, sim);
                    }
                }
            }
            Some(states)
        })
        .collect();
    let mut out = Vec::with_capacity(queries.len());
    for block in blocks {
        out.extend(block?);
    }
    Some(out)
}

/// The `k` largest similarities seen, best first.
#[derive(Debug, Clone)]
pub(crate) struct TopK {
    k: usize,
    /// (row, similarity), sorted by decreasing similarity.
    items: Vec<(usize, f32)>,
}

impl TopK {
    pub(crate) fn new(k: usize) -> Self {
        Self {
            k,
            items: Vec::with_capacity(k + 1),
        }
    }

    /// The similarity a candidate must beat to enter (−∞ while not full).
    #[inline]
    pub(crate) fn threshold(&self) -> f32 {
        if self.items.len() < self.k {
            f32::NEG_INFINITY
        } else {
            self.items.last().map_or(f32::NEG_INFINITY, |&(_, s)| s)
        }
    }

    #[inline]
    pub(crate) fn offer(&mut self, row: usize, sim: f32) {
        if self.k == 0 || sim <= self.threshold() {
            return;
        }
        let pos = self.items.partition_point(|&(_, s)| s >= sim);
        self.items.insert(pos, (row, sim));
        self.items.truncate(self.k);
    }

    pub(crate) fn items(&self) -> &[(usize, f32)] {
        &self.items
    }
}

/// The `k` most cosine-similar rows of every row (itself excluded), as cosine distances
/// `1 − similarity` (≥ 0), nearest first: `n` lists of up to `k`. Processes the rows in chunks,
/// reporting `(rows_done, rows_total)` after each and stopping (`None`) when `cancel` is set.
pub(crate) fn cosine_knn(
    unit: ArrayView2<f32>,
    k: usize,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(usize, usize),
) -> Option<Vec<Vec<(usize, f32)>>> {
    /// Rows per progress step (several parallel query blocks).
    const PROGRESS_ROWS: usize = 4 * QUERY_BLOCK;
    let n = unit.nrows();
    let mut out = Vec::with_capacity(n);
    let all: Vec<usize> = (0..n).collect();
    for chunk in all.chunks(PROGRESS_ROWS) {
        let lists = scan_similarities(
            unit,
            chunk,
            cancel,
            |p| (chunk[p], TopK::new(k)),
            |(query, top), row, sim| {
                if row != *query {
                    top.offer(row, sim);
                }
            },
        )?;
        out.extend(lists.into_iter().map(|(_, top)| {
            top.items()
                .iter()
                .map(|&(row, sim)| (row, (1.0 - sim).max(0.0)))
                .collect::<Vec<_>>()
        }));
        progress(out.len(), n);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::space::search::neighbors::{NeighborIndex, unit_rows_of};
    use ndarray::Array;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn knn_matches_the_exact_neighbour_index() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let data = Array::from_shape_fn((5000, 24), |_| rng.gen_range(-1.0f32..1.0));
        let unit = unit_rows_of(data.view());
        let mut calls = Vec::new();
        let knn = cosine_knn(unit.view(), 7, &AtomicBool::new(false), &mut |d, t| {
            calls.push((d, t))
        })
        .unwrap();
        assert_eq!(calls.last(), Some(&(5000, 5000)));
        let index = NeighborIndex::from_matrix(data.view());
        for row in (0..5000).step_by(97) {
            let want: Vec<usize> = index.top_k(row, 7).unwrap().iter().map(|n| n.row).collect();
            let got: Vec<usize> = knn[row].iter().map(|&(r, _)| r).collect();
            assert_eq!(got, want, "row {row}");
            let sim = index.similarity(row, got[0]).unwrap();
            assert!((knn[row][0].1 - (1.0 - sim)).abs() < 1e-5);
        }
    }

    #[test]
    fn cancel_stops_the_scan() {
        let unit = unit_rows_of(Array::ones((100, 4)).view());
        let cancelled = cosine_knn(unit.view(), 3, &AtomicBool::new(true), &mut |_, _| {});
        assert!(cancelled.is_none());
    }
}
