//! Word analogies a : b :: c : ? over a [`NeighborIndex`] (unit vectors).
//!
//! * 3CosAdd (Mikolov et al.): the word closest (cosine) to unit(b) − unit(a) + unit(c); the
//!   ranking equals gensim's `most_similar(positive=[b, c], negative=[a])`.
//! * 3CosMul (Levy & Goldberg 2014): argmax cos'(x,b)·cos'(x,c) / (cos'(x,a) + ε) with cosines
//!   shifted to [0, 1] by cos' = (cos + 1) / 2 and ε = 1e-3. The returned `similarity` is this
//!   score, not a cosine.
//!
//! The three query words are never answers. `restrict_rows` searches only the first N rows (the
//! most frequent words when the vocabulary is sorted by frequency), as gensim's `restrict_vocab`.

use ndarray::Array1;

use crate::space::SpaceError;
use crate::space::search::neighbors::NeighborIndex;
use crate::space::search::top_k::{Neighbor, scan_top_k};
use crate::vector_math::dot;

/// ε of 3CosMul, as in Levy & Goldberg.
pub const COSMUL_EPSILON: f32 = 1e-3;

/// How an analogy is scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AnalogyMethod {
    #[default]
    CosAdd,
    CosMul,
}

/// Answers a : b :: c : ? with the `k` best rows (query rows `a`, `b`, `c` excluded).
pub fn analogy(
    index: &NeighborIndex,
    a: usize,
    b: usize,
    c: usize,
    k: usize,
    method: AnalogyMethod,
    restrict_rows: Option<usize>,
) -> Result<Vec<Neighbor>, SpaceError> {
    let ua = index.unit_row(a)?;
    let ub = index.unit_row(b)?;
    let uc = index.unit_row(c)?;
    let exclude = [a, b, c];
    match method {
        AnalogyMethod::CosAdd => {
            let query: Array1<f32> = ub
                .iter()
                .zip(ua)
                .zip(uc)
                .map(|((&vb, &va), &vc)| vb - va + vc)
                .collect();
            index.top_k_vector_in(query.view(), k, &exclude, restrict_rows)
        }
        AnalogyMethod::CosMul => {
            let limit = restrict_rows.unwrap_or(usize::MAX).min(index.len());
            let unit = index.unit_matrix();
            let flat = unit.as_slice().unwrap_or(&[]);
            let d = index.dim();
            Ok(scan_top_k(limit, k, &exclude, |row| {
                let x = &flat[row * d..(row + 1) * d];
                let shift = |u: &[f32]| (dot(x, u) + 1.0) / 2.0;
                shift(ub) * shift(uc) / (shift(ua) + COSMUL_EPSILON)
            }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    /// Rows: 0 man, 1 woman, 2 king, 3 queen, 4 apple, 5 royal-ish distractor.
    /// Gender is axis 1, royalty axis 0; queen = king − man + woman exactly.
    fn space() -> NeighborIndex {
        let m = array![
            [0.0f32, 1.0, 0.2],
            [0.0, -1.0, 0.2],
            [1.0, 1.0, 0.2],
            [1.0, -1.0, 0.2],
            [-1.0, 0.0, -1.0],
            [1.0, 0.3, 0.2],
        ];
        NeighborIndex::from_matrix(m.view())
    }

    #[test]
    fn both_methods_find_queen() {
        let idx = space();
        for method in [AnalogyMethod::CosAdd, AnalogyMethod::CosMul] {
            let got = analogy(&idx, 0, 1, 2, 3, method, None).unwrap();
            assert_eq!(got[0].row, 3, "{method:?}: {got:?}");
            assert!(got.iter().all(|n| ![0, 1, 2].contains(&n.row)));
        }
    }

    #[test]
    fn restriction_and_errors() {
        let idx = space();
        // Only rows 0..3 allowed and all three are query words: nothing left.
        assert!(
            analogy(&idx, 0, 1, 2, 3, AnalogyMethod::CosAdd, Some(3))
                .unwrap()
                .is_empty()
        );
        let got = analogy(&idx, 0, 1, 2, 5, AnalogyMethod::CosAdd, Some(5)).unwrap();
        assert!(got.iter().all(|n| n.row < 5));
        assert!(analogy(&idx, 0, 1, 9, 1, AnalogyMethod::CosMul, None).is_err());
    }

    /// The textbook definitions, computed the slow way on plain `Vec`s.
    fn naive(m: &[Vec<f32>], a: usize, b: usize, c: usize, k: usize, mul: bool) -> Vec<usize> {
        let unit: Vec<Vec<f32>> = m
            .iter()
            .map(|r| {
                let n = r.iter().map(|v| v * v).sum::<f32>().sqrt();
                r.iter().map(|v| v / n).collect()
            })
            .collect();
        let cos = |x: &[f32], y: &[f32]| {
            let d: f32 = x.iter().zip(y).map(|(p, q)| p * q).sum();
            let nx = x.iter().map(|v| v * v).sum::<f32>().sqrt();
            let ny = y.iter().map(|v| v * v).sum::<f32>().sqrt();
            d / (nx * ny)
        };
        let target: Vec<f32> = (0..m[0].len())
            .map(|j| unit[b][j] - unit[a][j] + unit[c][j])
            .collect();
        let mut scored: Vec<(usize, f32)> = (0..m.len())
            .filter(|r| ![a, b, c].contains(r))
            .map(|r| {
                let x = &unit[r];
                let score = if mul {
                    let s = |u: &[f32]| (cos(x, u) + 1.0) / 2.0;
                    s(&unit[b]) * s(&unit[c]) / (s(&unit[a]) + 1e-3)
                } else {
                    cos(x, &target)
                };
                (r, score)
            })
            .collect();
        scored.sort_by(|p, q| q.1.total_cmp(&p.1));
        scored.into_iter().take(k).map(|(r, _)| r).collect()
    }

    #[test]
    fn matches_naive_reference_on_random_vectors() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        let rows: Vec<Vec<f32>> = (0..300)
            .map(|_| (0..24).map(|_| rng.gen_range(-1.0f32..1.0)).collect())
            .collect();
        let flat: Vec<f32> = rows.iter().flatten().copied().collect();
        let matrix = ndarray::Array2::from_shape_vec((300, 24), flat).unwrap();
        let idx = NeighborIndex::from_matrix(matrix.view());
        for _ in 0..20 {
            let (a, b, c) = (
                rng.gen_range(0..300),
                rng.gen_range(0..300),
                rng.gen_range(0..300),
            );
            if a == b || b == c || a == c {
                continue;
            }
            for (method, mul) in [
                (AnalogyMethod::CosAdd, false),
                (AnalogyMethod::CosMul, true),
            ] {
                let got: Vec<usize> = analogy(&idx, a, b, c, 5, method, None)
                    .unwrap()
                    .iter()
                    .map(|n| n.row)
                    .collect();
                assert_eq!(got, naive(&rows, a, b, c, 5, mul), "{method:?} {a} {b} {c}");
            }
        }
    }
}
