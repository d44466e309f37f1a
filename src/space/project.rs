//! PCA to 3D: the basis that turns D-dimensional vectors into viewer coordinates.
//!
//! Why not `linfa_reduction::Pca`: measured here, linfa-reduction 0.8.1 panicked with "NaN values
//! in array" inside linfa-linalg's iterative (LOBPCG) solver on 10,000 x 50 and 10,000 x 300 f32
//! data in 5 of 6 seeded tries, and it reports variance shares normalised over the kept
//! components only. We also tried it for small fits only (≤ 2,000 rows, where it never
//! panicked): its truncated SVD is iterative and not precise enough for frame alignment — on
//! 300 x 8 data with close leading eigenvalues its basis differed from the exact one by 0.15 and
//! the aligned-frames test failed — so it is not used for projection at all. Instead we compute the D x D covariance ourselves (row blocks in parallel,
//! each block a BLAS-like `Xᵀ·X` in f32, blocks summed in f64) and take its symmetric
//! eigendecomposition with `linfa_linalg::eigh` (a direct, non-iterative method) in f64. For the
//! D ≤ ~1000 of word vectors this is robust and fast, and the eigenvalues give each axis's share
//! of the TOTAL variance (trace of the covariance).
//!
//! Very large sets are fitted on a seeded random sample of at most `max_fit_rows` rows; the basis
//! is then applied to every row.

use ndarray::parallel::prelude::*;
use ndarray::{Array1, Array2, ArrayView2, Axis};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::SpaceError;

/// Rows per parallel block, both for the covariance and the projection.
const BLOCK_ROWS: usize = 4096;

/// How to fit the PCA.
#[derive(Debug, Clone, PartialEq)]
pub struct PcaOptions {
    /// Fit on at most this many rows (a seeded random sample); all rows are projected anyway.
    pub max_fit_rows: usize,
    /// Seed of the row sample.
    pub seed: u64,
}

impl Default for PcaOptions {
    fn default() -> Self {
        Self {
            max_fit_rows: 50_000,
            seed: 0,
        }
    }
}

/// A fitted projection to 3D.
#[derive(Debug, Clone, PartialEq)]
pub struct Pca3 {
    /// Mean of the fitted rows (length D).
    pub mean: Array1<f32>,
    /// D x 3 basis, orthonormal columns ordered by decreasing variance. When D < 3 the missing
    /// columns are zero (those axes are flat).
    pub basis: Array2<f32>,
    /// Variance along each axis as a share of the total variance of the data (sums to ≤ 1).
    pub explained_variance_ratio: [f32; 3],
}

/// Fits a 3-component PCA. Errors on empty input or non-finite values; one row gives a
/// zero-variance fit (coordinates all 0) rather than an error.
pub fn fit_pca3(data: ArrayView2<f32>, opts: &PcaOptions) -> Result<Pca3, SpaceError> {
    let (n, d) = data.dim();
    if n == 0 {
        return Err(SpaceError::Empty);
    }
    if d == 0 {
        return Err(SpaceError::Shape("vectors have zero dimensions".into()));
    }
    let sample = sample_rows(data, opts);
    let fit: ArrayView2<f32> = match &sample {
        Some(rows) => rows.view(),
        None => data.view(),
    };
    if fit.iter().any(|v| !v.is_finite()) {
        return Err(SpaceError::Invalid(
            "data contains NaN or infinite values".into(),
        ));
    }
    let mean_f64 = column_mean(fit);
    let cov = covariance(fit, &mean_f64);
    let total_variance: f64 = cov.diag().sum();

    let (values, vectors) = eigh_desc(cov)?;
    let mut basis = Array2::<f32>::zeros((d, 3));
    let mut ratio = [0.0f32; 3];
    for axis in 0..d.min(3) {
        let mut col = vectors.column(axis).mapv(|v| v as f32);
        // Eigenvectors have arbitrary sign; make the largest-magnitude entry positive so the
        // same data always gives the same picture.
        let pivot = col.iter().copied().fold(
            0.0f32,
            |best, v| if v.abs() > best.abs() { v } else { best },
        );
        if pivot < 0.0 {
            col.mapv_inplace(|v| -v);
        }
        basis.column_mut(axis).assign(&col);
        if total_variance > 0.0 {
            ratio[axis] = (values[axis].max(0.0) / total_variance) as f32;
        }
    }
    Ok(Pca3 {
        mean: mean_f64.mapv(|v| v as f32),
        basis,
        explained_variance_ratio: ratio,
    })
}

impl Pca3 {
    /// Projects rows (N x D, same D as the fit) to N x 3 coordinates, in parallel row blocks.
    /// Panics only if D differs from the fitted dimension (a programming error, like slicing).
    pub fn project(&self, data: ArrayView2<f32>) -> Array2<f32> {
        let mut coords_3d = Array2::<f32>::zeros((data.nrows(), 3));
        let mean_in_pca = self.mean.dot(&self.basis);
        coords_3d
            .axis_chunks_iter_mut(Axis(0), BLOCK_ROWS)
            .into_par_iter()
            .zip(data.axis_chunks_iter(Axis(0), BLOCK_ROWS).into_par_iter())
            .for_each(|(mut out, rows)| {
                out.assign(&rows.dot(&self.basis));
                out -= &mean_in_pca;
            });
        coords_3d
    }

    /// Like [`Pca3::project`] but checks the dimension.
    pub fn try_project(&self, data: ArrayView2<f32>) -> Result<Array2<f32>, SpaceError> {
        if data.ncols() != self.mean.len() {
            return Err(SpaceError::Shape(format!(
                "data has {} columns, PCA was fitted on {}",
                data.ncols(),
                self.mean.len()
            )));
        }
        Ok(self.project(data))
    }
}

/// A seeded random subset of rows (in original order) when there are more than `max_fit_rows`.
fn sample_rows(data: ArrayView2<f32>, opts: &PcaOptions) -> Option<Array2<f32>> {
    let n = data.nrows();
    let keep = opts.max_fit_rows.max(2);
    if n <= keep {
        return None;
    }
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let mut rows = rand::seq::index::sample(&mut rng, n, keep).into_vec();
    rows.sort_unstable();
    Some(data.select(Axis(0), &rows))
}

fn column_mean(data: ArrayView2<f32>) -> Array1<f64> {
    let n = data.nrows() as f64;
    let sum = data
        .axis_chunks_iter(Axis(0), BLOCK_ROWS)
        .into_par_iter()
        // Sum each block in f32 (4096 rows: error far below what centring needs), blocks in f64,
        // rather than converting every value to f64 first.
        .map(|block| block.sum_axis(Axis(0)).mapv(f64::from))
        .reduce(|| Array1::zeros(data.ncols()), |a, b| a + b);
    sum / n
}

/// Sample covariance (divided by n − 1, or n when n = 1) of the centred data.
fn covariance(data: ArrayView2<f32>, mean: &Array1<f64>) -> Array2<f64> {
    let (n, d) = data.dim();
    let mean_f32 = mean.mapv(|v| v as f32);
    let scatter = data
        .axis_chunks_iter(Axis(0), BLOCK_ROWS)
        .into_par_iter()
        .map(|block| {
            // Centre before multiplying: Xᵀ·X − n·μμᵀ would cancel catastrophically in f32.
            let centred = &block - &mean_f32;
            upper_gram(centred.view())
        })
        .reduce(|| Array2::zeros((d, d)), |a, b| a + b);
    // Only the upper triangle was accumulated (the product is symmetric): mirror it.
    let mut cov = scatter / (n.saturating_sub(1).max(1) as f64);
    for i in 0..d {
        for j in 0..i {
            cov[[i, j]] = cov[[j, i]];
        }
    }
    cov
}

/// Column tile width for [`upper_gram`].
const GRAM_TILE: usize = 96;

/// The upper triangle (tile-wise, diagonal tiles whole) of `xᵀ·x` in f64. The product is
/// symmetric, so computing only the tile pairs `i <= j` saves about a third of the work on
/// 300-dimensional vectors; the caller mirrors the result.
fn upper_gram(x: ArrayView2<f32>) -> Array2<f64> {
    use ndarray::s;
    let d = x.ncols();
    let mut gram = Array2::<f64>::zeros((d, d));
    for i in (0..d).step_by(GRAM_TILE) {
        let rows = i..(i + GRAM_TILE).min(d);
        let left = x.slice(s![.., rows.clone()]);
        for j in (i..d).step_by(GRAM_TILE) {
            let cols = j..(j + GRAM_TILE).min(d);
            let product = left.t().dot(&x.slice(s![.., cols.clone()]));
            gram.slice_mut(s![rows.clone(), cols])
                .zip_mut_with(&product, |g, &p| *g = f64::from(p));
        }
    }
    gram
}

/// Eigenpairs of a symmetric matrix, eigenvalues in decreasing order (vectors as columns).
fn eigh_desc(cov: Array2<f64>) -> Result<(Vec<f64>, Array2<f64>), SpaceError> {
    use linfa_linalg::eigh::EighInto;
    let d = cov.nrows();
    let (values, vectors) = cov
        .eigh_into()
        .map_err(|e| SpaceError::Linalg(format!("symmetric eigendecomposition: {e}")))?;
    let mut order: Vec<usize> = (0..d).collect();
    order.sort_by(|&a, &b| values[b].total_cmp(&values[a]));
    let sorted_values = order.iter().map(|&i| values[i]).collect();
    let sorted_vectors = vectors.select(Axis(1), &order);
    Ok((sorted_values, sorted_vectors))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array, array};
    use rand::Rng;

    fn random_matrix(n: usize, d: usize, seed: u64) -> Array2<f32> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        Array::from_shape_fn((n, d), |_| rng.gen_range(-1.0f32..1.0))
    }

    #[test]
    fn recovers_a_known_3d_subspace() {
        // Points = latent (n x 3, variances 9, 4, 1 along axes) · orthonormal frame (3 x 10) + offset.
        let n = 500;
        let latent_raw = random_matrix(n, 3, 1);
        let scales = array![3.0f32, 2.0, 1.0];
        let latent = &latent_raw * &scales;
        let frame_q = {
            let m = random_matrix(10, 3, 2).mapv(f64::from);
            let (q, _) = linfa_linalg::qr::QR::qr(&m).unwrap().into_decomp();
            q.mapv(|v| v as f32)
        };
        let offset = Array1::from_shape_fn(10, |i| i as f32);
        let data = latent.dot(&frame_q.t()) + &offset;
        let pca = fit_pca3(data.view(), &PcaOptions::default()).unwrap();
        // Basis columns are orthonormal and span the subspace.
        let gram = pca.basis.t().dot(&pca.basis);
        for i in 0..3 {
            for j in 0..3 {
                let want = if i == j { 1.0 } else { 0.0 };
                assert!((gram[[i, j]] - want).abs() < 1e-4);
            }
        }
        let in_subspace = frame_q.t().dot(&pca.basis); // 3 x 3, orthogonal if spans match
        let check = in_subspace.t().dot(&in_subspace);
        for i in 0..3 {
            assert!((check[[i, i]] - 1.0).abs() < 1e-3);
        }
        // Coordinates reconstruct the data exactly.
        let coords = pca.project(data.view());
        let rebuilt = coords.dot(&pca.basis.t()) + &pca.mean;
        let err = (&rebuilt - &data)
            .mapv(f32::abs)
            .fold(0.0f32, |a, &b| a.max(b));
        assert!(err < 1e-3, "reconstruction error {err}");
        // All variance is in 3 axes; shares sum to 1 and match 9:4:1 roughly (uniform sample).
        let r = pca.explained_variance_ratio;
        let sum: f32 = r.iter().sum();
        assert!((sum - 1.0).abs() < 1e-3 && sum <= 1.0 + 1e-5);
        let var = coords.var_axis(Axis(0), 1.0);
        let total: f32 = var.sum();
        for i in 0..3 {
            assert!((r[i] - var[i] / total).abs() < 1e-3);
        }
        assert!(r[0] > r[1] && r[1] > r[2]);
    }

    #[test]
    fn shares_are_of_total_variance() {
        // Independent axes with variances 4, 1, 1, 1, 1 (scaled uniform): first share ≈ 4/8 = 0.5.
        let mut data = random_matrix(20_000, 5, 3);
        data.column_mut(0).mapv_inplace(|v| v * 2.0);
        let pca = fit_pca3(data.view(), &PcaOptions::default()).unwrap();
        let r = pca.explained_variance_ratio;
        assert!((r[0] - 0.5).abs() < 0.02, "{r:?}");
        assert!(r.iter().sum::<f32>() < 0.8, "{r:?}");
    }

    #[test]
    fn large_random_data_does_not_panic() {
        let data = random_matrix(10_000, 50, 4);
        let pca = fit_pca3(data.view(), &PcaOptions::default()).unwrap();
        assert!(pca.explained_variance_ratio.iter().all(|v| v.is_finite()));
        let sampled = fit_pca3(
            data.view(),
            &PcaOptions {
                max_fit_rows: 1000,
                seed: 7,
            },
        )
        .unwrap();
        assert_eq!(sampled.project(data.view()).dim(), (10_000, 3));
    }

    #[test]
    fn small_and_degenerate_inputs() {
        assert!(matches!(
            fit_pca3(Array2::<f32>::zeros((0, 4)).view(), &PcaOptions::default()),
            Err(SpaceError::Empty)
        ));
        let one = array![[1.0f32, 2.0, 3.0, 4.0]];
        let pca = fit_pca3(one.view(), &PcaOptions::default()).unwrap();
        assert_eq!(pca.project(one.view()), Array2::<f32>::zeros((1, 3)));
        let two_d = array![[0.0f32, 0.0], [2.0, 0.0], [0.0, 1.0]];
        let pca = fit_pca3(two_d.view(), &PcaOptions::default()).unwrap();
        assert_eq!(pca.basis.dim(), (2, 3));
        assert_eq!(pca.basis.column(2).to_vec(), vec![0.0, 0.0]);
        let coords = pca.project(two_d.view());
        assert!(coords.column(2).iter().all(|&v| v == 0.0));
        let nan = array![[f32::NAN, 0.0], [1.0, 1.0]];
        assert!(fit_pca3(nan.view(), &PcaOptions::default()).is_err());
    }
}
