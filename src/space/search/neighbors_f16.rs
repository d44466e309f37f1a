//! Optional faster cosine scan: an f16 copy of the unit rows (half the memory traffic of the
//! memory-bound f32 scan) picks candidates, which are then re-ranked exactly in f32.
//!
//! Results are guaranteed EQUAL to the plain f32 scan (same rows, same f32 similarities, same
//! tie order): rounding a unit vector to f16 changes each component by at most 2⁻¹¹ of itself
//! (plus 2⁻²⁵ for subnormals), so an f16 similarity is within `bound` = 2⁻¹¹ + d·2⁻²⁵ + slack of
//! the exact one. Every row left out of the candidates has an f16 score ≤ the lowest
//! candidate's, hence an exact similarity ≤ that + bound. If the k-th exact result beats that
//! strictly, nothing outside can enter the top k; otherwise we fall back to the full f32 scan.
//!
//! Measured on the 2-core dev machine (BENCHMARKS.md) this was SLOWER than the plain f32 scan
//! (≈ 76 ms vs 39 ms on 400k x 300; converting f16 → f32 costs more than the saved bandwidth
//! there), so it is opt-in ([`crate::space::NeighborIndex::with_f16_prefilter`]) and off by default.

use half::f16;
use half::slice::HalfFloatSliceExt;
use rayon::prelude::*;

use crate::space::search::top_k::{Neighbor, scan_top_k_sorted_exact};
use crate::vector_math::dot;

/// Candidates re-ranked exactly per query.
pub(crate) const F16_CANDIDATES: usize = 4096;
/// Rows per parallel block of the f16 pass.
const BLOCK_ROWS: usize = 8192;

/// The f16 copy of a unit matrix (row-major, `dim` columns).
#[derive(Debug, Clone)]
pub(crate) struct HalfRows {
    pub(crate) data: Vec<f16>,
    pub(crate) dim: usize,
}

impl HalfRows {
    pub(crate) fn new(unit_flat: &[f32], dim: usize) -> Self {
        let mut data = vec![f16::ZERO; unit_flat.len()];
        data.par_chunks_mut(BLOCK_ROWS * dim.max(1))
            .zip(unit_flat.par_chunks(BLOCK_ROWS * dim.max(1)))
            .for_each(|(dst, src)| dst.convert_from_f32_slice(src));
        Self { data, dim }
    }
}

/// Exact top-k over rows `0..limit` using the f16 prefilter; `None` when the guarantee does not
/// hold (the caller then runs the f32 scan). `unit_flat` is the f32 unit matrix.
pub(crate) fn top_k_f16(
    half: &HalfRows,
    unit_flat: &[f32],
    q: &[f32],
    k: usize,
    exclude: &[usize],
    limit: usize,
    candidates: usize,
) -> Option<Vec<Neighbor>> {
    let d = half.dim;
    if k == 0 || d == 0 || candidates <= k || limit <= candidates {
        return None;
    }
    let n_blocks = limit.div_ceil(BLOCK_ROWS);
    let mut pool: Vec<(f32, usize)> = (0..n_blocks)
        .into_par_iter()
        .flat_map_iter(|block| {
            let start = block * BLOCK_ROWS;
            let end = (start + BLOCK_ROWS).min(limit);
            let mut buf = vec![0.0f32; d];
            let mut scores: Vec<(f32, usize)> = Vec::with_capacity(end - start);
            for row in start..end {
                half.data[row * d..(row + 1) * d].convert_to_f32_slice(&mut buf);
                let s = dot(&buf, q);
                if !s.is_nan() && !exclude.contains(&row) {
                    scores.push((s, row));
                }
            }
            keep_best(&mut scores, candidates);
            scores
        })
        .collect();
    if pool.len() <= candidates {
        return None;
    }
    keep_best(&mut pool, candidates);
    let lowest_candidate = pool.iter().map(|p| p.0).fold(f32::INFINITY, f32::min);
    let rows: Vec<usize> = pool.iter().map(|p| p.1).collect();
    let exact = scan_top_k_sorted_exact(&rows, k, |row| dot(&unit_flat[row * d..(row + 1) * d], q));
    let q_abs_sum: f32 = q.iter().map(|v| v.abs()).sum();
    let bound = 2f32.powi(-11) * 1.01 + q_abs_sum * 2f32.powi(-25) + 1e-5;
    let kth = exact.get(k - 1)?.similarity;
    (exact.len() == k && kth > lowest_candidate + bound).then_some(exact)
}

/// Keeps the `n` highest scores (unordered).
fn keep_best(scores: &mut Vec<(f32, usize)>, n: usize) {
    if scores.len() > n {
        scores.select_nth_unstable_by(n - 1, |a, b| b.0.total_cmp(&a.0));
        scores.truncate(n);
    }
}
