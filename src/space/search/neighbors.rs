//! Exact nearest neighbours: cosine top-k in the ORIGINAL space (what the vectors mean, not what
//! the 3D picture shows), and Euclidean top-k in the 3D coordinates (what the user sees).
//!
//! The cosine scan is memory-bandwidth bound (400k x 300 f32 = 480 MB per query), so it is a
//! brute-force pass with no per-query copy: rayon over row blocks, the shared vectorised
//! [`crate::vector_math::dot`], and one small top-k list per block merged at the end
//! (`space::top_k`). Ties are broken by lower row first, so results are deterministic.

use ndarray::{Array2, ArrayView1, ArrayView2, Axis};

use crate::space::SpaceError;
use crate::space::search::neighbors_f16::{F16_CANDIDATES, HalfRows, top_k_f16};
// Re-exported so existing paths (`space::neighbors::{Neighbor, dot, unit_rows_of}`) keep working.
use crate::embeddings::Embeddings;
pub use crate::space::search::top_k::Neighbor;
pub(crate) use crate::space::search::top_k::scan_top_k;
use crate::vector_math::normalize_in_place;
pub use crate::vector_math::{dot, unit_rows_of};

/// One result of [`top_k_3d`]: a point and its Euclidean distance in the 3D projection
/// (smaller = nearer).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Neighbor3d {
    /// Row in the coordinates (= vocabulary index).
    pub row: usize,
    /// Euclidean distance to the query point in 3D.
    pub distance: f32,
}

/// Unit-normalised rows in one contiguous buffer, ready for cosine scans.
#[derive(Debug, Clone)]
pub struct NeighborIndex {
    unit: Array2<f32>,
    /// Optional f16 copy for a faster exact scan (see `neighbors_f16`).
    half: Option<HalfRows>,
}

impl NeighborIndex {
    /// From embeddings: one parallel unit-normalised copy of their matrix (their own cached
    /// unit matrix is neither used nor filled, so only one extra copy exists).
    pub fn new(embeddings: &Embeddings) -> Self {
        Self::from_unit_matrix(unit_rows_of(embeddings.matrix().view()))
    }

    /// From any matrix, e.g. a training snapshot (rows are normalised; zero rows stay zero).
    pub fn from_matrix(matrix: ArrayView2<f32>) -> Self {
        Self::from_unit_matrix(unit_rows_of(matrix))
    }

    /// From rows that are already unit length (taken as they are, made contiguous if needed).
    pub fn from_unit_matrix(unit: Array2<f32>) -> Self {
        let unit = if unit.is_standard_layout() {
            unit
        } else {
            unit.as_standard_layout().into_owned()
        };
        Self { unit, half: None }
    }

    /// Adds an f16 copy of the rows (+50% memory) so queries scan half the bytes and re-rank
    /// the best candidates exactly in f32. Results are identical to the plain scan (a query
    /// falls back to it when that cannot be guaranteed). Off by default: it measured slower
    /// than the f32 scan on the 2-core dev machine; only enable it where it measures faster.
    pub fn with_f16_prefilter(mut self) -> Self {
        self.half = Some(HalfRows::new(self.flat(), self.dim()));
        self
    }

    pub fn len(&self) -> usize {
        self.unit.nrows()
    }

    pub fn is_empty(&self) -> bool {
        self.unit.nrows() == 0
    }

    pub fn dim(&self) -> usize {
        self.unit.ncols()
    }

    /// The unit-normalised matrix.
    pub fn unit_matrix(&self) -> ArrayView2<'_, f32> {
        self.unit.view()
    }

    /// Unit row `row` as a slice.
    pub fn unit_row(&self, row: usize) -> Result<&[f32], SpaceError> {
        self.check_row(row)?;
        let d = self.dim();
        let all = self.flat();
        Ok(&all[row * d..(row + 1) * d])
    }

    /// Cosine similarity between two rows.
    pub fn similarity(&self, a: usize, b: usize) -> Result<f32, SpaceError> {
        Ok(dot(self.unit_row(a)?, self.unit_row(b)?))
    }

    /// The `k` rows most cosine-similar to row `query_row`, the query itself excluded.
    pub fn top_k(&self, query_row: usize, k: usize) -> Result<Vec<Neighbor>, SpaceError> {
        let q = self.unit_row(query_row)?.to_vec();
        Ok(self.scan_dot(&q, k, &[query_row], self.len()))
    }

    /// The `k` rows most cosine-similar to vector `v` (any length ≠ 0), skipping `exclude`.
    pub fn top_k_vector(
        &self,
        v: ArrayView1<f32>,
        k: usize,
        exclude: &[usize],
    ) -> Result<Vec<Neighbor>, SpaceError> {
        self.top_k_vector_in(v, k, exclude, None)
    }

    /// Like [`NeighborIndex::top_k_vector`], searching only the first `restrict_rows` rows
    /// (the most frequent words when rows are sorted by frequency).
    pub fn top_k_vector_in(
        &self,
        v: ArrayView1<f32>,
        k: usize,
        exclude: &[usize],
        restrict_rows: Option<usize>,
    ) -> Result<Vec<Neighbor>, SpaceError> {
        if v.len() != self.dim() {
            return Err(SpaceError::Shape(format!(
                "query has {} dimensions, index has {}",
                v.len(),
                self.dim()
            )));
        }
        let mut q = v.to_vec();
        normalize_in_place(&mut q);
        let limit = restrict_rows.unwrap_or(usize::MAX).min(self.len());
        Ok(self.scan_dot(&q, k, exclude, limit))
    }

    fn check_row(&self, row: usize) -> Result<(), SpaceError> {
        if row >= self.len() {
            return Err(SpaceError::RowOutOfRange {
                row,
                rows: self.len(),
            });
        }
        Ok(())
    }

    fn flat(&self) -> &[f32] {
        // Standard layout is guaranteed by the constructors.
        self.unit.as_slice().unwrap_or(&[])
    }

    fn scan_dot(&self, q: &[f32], k: usize, exclude: &[usize], limit: usize) -> Vec<Neighbor> {
        self.scan_dot_with(q, k, exclude, limit, F16_CANDIDATES)
    }

    fn scan_dot_with(
        &self,
        q: &[f32],
        k: usize,
        exclude: &[usize],
        limit: usize,
        candidates: usize,
    ) -> Vec<Neighbor> {
        let d = self.dim();
        let flat = self.flat();
        if let Some(half) = &self.half
            && let Some(found) = top_k_f16(half, flat, q, k, exclude, limit, candidates)
        {
            return found;
        }
        scan_top_k(limit, k, exclude, |row| {
            dot(&flat[row * d..(row + 1) * d], q)
        })
    }
}

/// The `k` points nearest to point `query_row` in 3D (Euclidean), the query excluded, nearest
/// first (ties: lower row first).
pub fn top_k_3d(
    coords_3d: ArrayView2<f32>,
    query_row: usize,
    k: usize,
) -> Result<Vec<Neighbor3d>, SpaceError> {
    let n = coords_3d.nrows();
    if query_row >= n {
        return Err(SpaceError::RowOutOfRange {
            row: query_row,
            rows: n,
        });
    }
    let q = coords_3d.row(query_row).to_owned();
    // The scan keeps the highest scores, so rank by the negated squared distance.
    let found = scan_top_k(n, k, &[query_row], |row| {
        let p = coords_3d.index_axis(Axis(0), row);
        -p.iter()
            .zip(q.iter())
            .map(|(a, b)| (a - b) * (a - b))
            .sum::<f32>()
    });
    Ok(found
        .into_iter()
        .map(|n| Neighbor3d {
            row: n.row,
            distance: (-n.similarity).max(0.0).sqrt(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::embeddings::unit_rows;
    use ndarray::Array;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn random_matrix(n: usize, d: usize, seed: u64) -> Array2<f32> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        Array::from_shape_fn((n, d), |_| rng.gen_range(-1.0f32..1.0))
    }

    fn naive(unit: &Array2<f32>, q: &[f32], k: usize, exclude: &[usize]) -> Vec<(usize, f32)> {
        let mut all: Vec<(usize, f32)> = (0..unit.nrows())
            .filter(|r| !exclude.contains(r))
            .map(|r| {
                (
                    r,
                    unit.row(r).iter().zip(q).map(|(a, b)| a * b).sum::<f32>(),
                )
            })
            .collect();
        all.sort_by(|a, b| b.1.total_cmp(&a.1));
        all.truncate(k);
        all
    }

    #[test]
    fn cosine_top_k_matches_naive_reference() {
        // 20_000 rows: several parallel blocks.
        let m = random_matrix(20_000, 37, 1);
        let index = NeighborIndex::from_matrix(m.view());
        let unit = unit_rows(&m);
        for (query, k) in [(0usize, 1usize), (5, 10), (19_999, 25), (8192, 3)] {
            let got = index.top_k(query, k).unwrap();
            let want = naive(&unit, unit.row(query).as_slice().unwrap(), k, &[query]);
            assert_eq!(got.len(), k);
            for (g, w) in got.iter().zip(&want) {
                assert_eq!(g.row, w.0);
                assert!((g.similarity - w.1).abs() < 1e-5);
            }
        }
        // Arbitrary vector, exclusions and a restriction.
        let v = random_matrix(1, 37, 2).row(0).to_owned();
        let vn: Vec<f32> = {
            let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
            v.iter().map(|x| x / n).collect()
        };
        let want = naive(&unit, &vn, 5, &[]);
        let excl = [want[0].0, want[2].0];
        let got = index.top_k_vector(v.view(), 5, &excl).unwrap();
        let want_ex = naive(&unit, &vn, 5, &excl);
        assert_eq!(
            got.iter().map(|n| n.row).collect::<Vec<_>>(),
            want_ex.iter().map(|w| w.0).collect::<Vec<_>>()
        );
        let restricted = index.top_k_vector_in(v.view(), 50, &[], Some(100)).unwrap();
        assert!(restricted.iter().all(|n| n.row < 100));
        let small = unit.slice(ndarray::s![..100, ..]).to_owned();
        assert_eq!(restricted[0].row, naive(&small, &vn, 1, &[])[0].0);
    }

    #[test]
    fn f16_prefilter_gives_identical_results() {
        let m = random_matrix(30_000, 48, 5);
        let plain = NeighborIndex::from_matrix(m.view());
        let fast = plain.clone().with_f16_prefilter();
        for (i, q) in [0usize, 17, 8191, 29_999].iter().enumerate() {
            for k in [1usize, 10, 50] {
                let want = plain.top_k(*q, k).unwrap();
                assert_eq!(fast.top_k(*q, k).unwrap(), want);
                // Small candidate pools exercise the fallback path too.
                let qv = plain.unit_row(*q).unwrap().to_vec();
                let small = fast.scan_dot_with(&qv, k, &[*q], 30_000, 64 + 8 * i);
                assert_eq!(small, want);
            }
        }
        // The fast path is really taken for ordinary data.
        let half = fast.half.as_ref().unwrap();
        let qv = plain.unit_row(5).unwrap().to_vec();
        assert!(top_k_f16(half, plain.flat(), &qv, 10, &[5], 30_000, 4096).is_some());
        // Many identical rows: the guarantee fails, the fallback must still be exact.
        let same = Array2::<f32>::ones((20_000, 8));
        let plain = NeighborIndex::from_matrix(same.view());
        let fast = plain.clone().with_f16_prefilter();
        assert_eq!(fast.top_k(3, 5).unwrap(), plain.top_k(3, 5).unwrap());
    }

    #[test]
    fn edge_cases() {
        let m = random_matrix(3, 4, 3);
        let index = NeighborIndex::from_matrix(m.view());
        assert_eq!(index.top_k(0, 10).unwrap().len(), 2);
        assert!(index.top_k(0, 0).unwrap().is_empty());
        assert!(matches!(
            index.top_k(3, 1),
            Err(SpaceError::RowOutOfRange { .. })
        ));
        assert!(
            index
                .top_k_vector(ndarray::array![1.0f32].view(), 1, &[])
                .is_err()
        );
    }

    #[test]
    fn top_k_3d_matches_naive() {
        let c = random_matrix(5000, 3, 4);
        for (q, k) in [(0usize, 5usize), (4999, 12)] {
            let got = top_k_3d(c.view(), q, k).unwrap();
            let mut all: Vec<(usize, f32)> = (0..c.nrows())
                .filter(|&r| r != q)
                .map(|r| {
                    let d: f32 = (0..3).map(|j| (c[[r, j]] - c[[q, j]]).powi(2)).sum();
                    (r, d.sqrt())
                })
                .collect();
            all.sort_by(|a, b| a.1.total_cmp(&b.1));
            for (g, w) in got.iter().zip(&all) {
                assert_eq!(g.row, w.0);
                assert!((g.distance - w.1).abs() < 1e-5);
            }
        }
    }
}
