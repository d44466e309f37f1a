//! PCA to 3D: the basis that turns D-dimensional vectors into viewer coordinates.
//!
//! The fit is `linfa_reduction::Pca` (LOBPCG truncated SVD), but not on the rows: the D x D
//! scatter matrix of the centred rows (a seeded sample of at most `max_fit_rows` for large sets)
//! is computed once — row blocks in parallel, each block `Xᵀ·X` in f32, blocks summed in f64 —
//! and `Pca` is fitted on the rows of its Cholesky factor, which have the same principal axes
//! (see `project/linfa_fit.rs`). LOBPCG then costs O(D²) per iteration instead of O(N·D), so
//! flat spectra (isotropic data), which need many iterations, no longer cost a pass over the
//! data each. The result is checked (orthonormal basis, small eigen-residuals, Rayleigh
//! quotients equal to the returned variances), and each axis's share of the TOTAL variance is
//! computed here — linfa's own `explained_variance()` divides by (k − 1) and its ratio is
//! normalised over the kept components only. Any panic in the dependency is caught.
//!
//! Root cause of the old failures ("NaN values in array" panics, silently wrong bases):
//! linfa-linalg 0.2.1's LOBPCG, which `Pca` calls with precision 1e-5, uses an ABSOLUTE
//! tolerance of 1e-10 on the eigenvalues; unscaled they grow with rows x scale, so past ~1e5
//! nothing converges and the iteration blows up (linfa-linalg issue #12, unfixed). Scaling the
//! scatter matrix to unit trace makes the eigenvalues sum to 1.
//!
//! The exact path — the same scatter matrix and its symmetric eigendecomposition with
//! `linfa_linalg::eigh` — is used below [`LOBPCG_MIN_DIMS`] dimensions (where LOBPCG can stop
//! unconverged without an error), as the fallback when the LOBPCG fit fails its check (logged on
//! stderr and reported in [`Pca3::solver`]), and as the test oracle.
//!
//! Very large sets are fitted on a seeded random sample of at most `max_fit_rows` rows; the basis
//! is then applied to every row.

mod linfa_fit;

use ndarray::parallel::prelude::*;
use ndarray::{Array1, Array2, ArrayView2, Axis};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::space::SpaceError;

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

/// Fewer dimensions than this use the exact eigendecomposition: LOBPCG measured 25–89 degrees
/// off at D = 4–8 without reporting an error, and the D x D problem is trivial there anyway.
pub const LOBPCG_MIN_DIMS: usize = 15;

/// Which solver produced a [`Pca3`] (so the viewer can show it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PcaSolver {
    /// `linfa_reduction::Pca` on the scaled, centred rows; passed the convergence check.
    Lobpcg,
    /// Exact covariance + `eigh`, chosen up front (few dimensions, or asked for).
    Exact,
    /// Exact covariance + `eigh` after the LOBPCG fit panicked, failed or did not pass the
    /// convergence check (the reason went to stderr).
    ExactFallback,
}

/// Which solver to try.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PcaSolverChoice {
    /// LOBPCG from [`LOBPCG_MIN_DIMS`] dimensions on (with the exact fallback), exact below.
    #[default]
    Auto,
    /// Always the exact covariance + `eigh` path (the test oracle).
    Exact,
    /// LOBPCG whatever the dimension (still with the exact fallback when it fails its check).
    Lobpcg,
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
    /// The solver that produced the basis.
    pub solver: PcaSolver,
}

/// Fits a 3-component PCA ([`PcaSolverChoice::Auto`]). Errors on empty input or non-finite
/// values; one row gives a zero-variance fit (coordinates all 0) rather than an error.
pub fn fit_pca3(data: ArrayView2<f32>, opts: &PcaOptions) -> Result<Pca3, SpaceError> {
    fit_pca3_with(data, opts, PcaSolverChoice::Auto)
}

/// Like [`fit_pca3`] with an explicit solver choice.
pub fn fit_pca3_with(
    data: ArrayView2<f32>,
    opts: &PcaOptions,
    choice: PcaSolverChoice,
) -> Result<Pca3, SpaceError> {
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
    let try_lobpcg = match choice {
        PcaSolverChoice::Auto => d >= LOBPCG_MIN_DIMS && fit.nrows() > 3,
        PcaSolverChoice::Exact => false,
        PcaSolverChoice::Lobpcg => d > 3 && fit.nrows() > 3,
    };
    let cov = covariance(fit, &mean_f64);
    let (vectors, shares, solver) = if try_lobpcg {
        match linfa_fit::fit_scatter(&cov, 3) {
            Ok(Some(lobpcg)) => (lobpcg.basis, lobpcg.shares, PcaSolver::Lobpcg),
            Ok(None) => {
                let (vectors, shares) = exact_fit(cov)?;
                (vectors, shares, PcaSolver::Exact)
            }
            Err(reason) => {
                eprintln!("PCA: {reason}; using the exact eigendecomposition instead");
                let (vectors, shares) = exact_fit(cov)?;
                (vectors, shares, PcaSolver::ExactFallback)
            }
        }
    } else {
        let (vectors, shares) = exact_fit(cov)?;
        (vectors, shares, PcaSolver::Exact)
    };
    let mut basis = Array2::<f32>::zeros((d, 3));
    let mut ratio = [0.0f32; 3];
    for (axis, share) in ratio.iter_mut().enumerate().take(d.min(3)) {
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
        *share = shares.get(axis).copied().unwrap_or(0.0).max(0.0) as f32;
    }
    Ok(Pca3 {
        mean: mean_f64.mapv(|v| v as f32),
        basis,
        explained_variance_ratio: ratio,
        solver,
    })
}

/// The exact path: eigenvectors (columns, decreasing eigenvalue) of the covariance and each
/// one's share of the total variance (its trace).
fn exact_fit(cov: Array2<f64>) -> Result<(Array2<f64>, Vec<f64>), SpaceError> {
    let total_variance: f64 = cov.diag().sum();
    let (values, vectors) = eigh_desc(cov)?;
    let shares = values
        .iter()
        .map(|&v| {
            if total_variance > 0.0 {
                v.max(0.0) / total_variance
            } else {
                0.0
            }
        })
        .collect();
    Ok((vectors, shares))
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

    /// Rank-20 latent signal with decaying strength plus isotropic noise, like word vectors.
    fn structured(n: usize, d: usize, seed: u64) -> Array2<f32> {
        let rank = 20.min(d);
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let latent = Array::from_shape_fn((n, rank), |(_, j)| {
            rng.gen_range(-1.0f32..1.0) * 3.0 / (1.0 + j as f32)
        });
        let mixing = Array::from_shape_fn((rank, d), |_| rng.gen_range(-1.0f32..1.0));
        let mut m = latent.dot(&mixing);
        m.mapv_inplace(|v| v + rng.gen_range(-0.5f32..0.5) + 4.0);
        m
    }

    /// Largest principal angle (degrees) between the column spans of two D x 3 bases, from its
    /// sine ‖(I − AAᵀ)B‖₂ (accurate for tiny angles, unlike the arccos of the cosines).
    fn subspace_angle_deg(a: &Array2<f32>, b: &Array2<f32>) -> f64 {
        let (a, b) = (a.mapv(f64::from), b.mapv(f64::from));
        let residual = &b - &a.dot(&a.t().dot(&b));
        let (values, _) =
            linfa_linalg::eigh::EighInto::eigh_into(residual.t().dot(&residual)).unwrap();
        let largest = values.iter().copied().fold(0.0f64, f64::max);
        largest.sqrt().clamp(0.0, 1.0).asin().to_degrees()
    }

    #[test]
    fn lobpcg_fit_matches_the_exact_basis_on_structured_data() {
        let opts = PcaOptions::default();
        for seed in 0..3 {
            let data = structured(10_000, 300, seed);
            let lobpcg = fit_pca3(data.view(), &opts).unwrap();
            let exact = fit_pca3_with(data.view(), &opts, PcaSolverChoice::Exact).unwrap();
            assert_eq!(lobpcg.solver, PcaSolver::Lobpcg, "seed {seed}");
            assert_eq!(exact.solver, PcaSolver::Exact);
            let angle = subspace_angle_deg(&lobpcg.basis, &exact.basis);
            assert!(angle < 0.01, "seed {seed}: subspace {angle} degrees off");
            for axis in 0..3 {
                let cos = lobpcg.basis.column(axis).dot(&exact.basis.column(axis));
                assert!(cos > 0.9999, "seed {seed} axis {axis}: cos {cos}");
                let (a, b) = (
                    lobpcg.explained_variance_ratio[axis],
                    exact.explained_variance_ratio[axis],
                );
                assert!((a - b).abs() < 1e-4, "seed {seed} axis {axis}: {a} vs {b}");
            }
            let sum: f32 = lobpcg.explained_variance_ratio.iter().sum();
            assert!(sum <= 1.0 && sum > 0.3, "seed {seed}: shares sum {sum}");
        }
    }

    #[test]
    fn lobpcg_fit_matches_the_exact_basis_on_isotropic_data() {
        // A flat spectrum (iid values): the case where LOBPCG on the rows needed many passes.
        // Tiny eigenvalue gaps make single axes sensitive, but the solver works on the same
        // scatter matrix as the exact path, so it must land on the same axes.
        let opts = PcaOptions::default();
        for seed in 0..2 {
            let data = random_matrix(20_000, 300, 40 + seed);
            let lobpcg = fit_pca3(data.view(), &opts).unwrap();
            let exact = fit_pca3_with(data.view(), &opts, PcaSolverChoice::Exact).unwrap();
            assert_eq!(lobpcg.solver, PcaSolver::Lobpcg, "seed {seed}");
            let angle = subspace_angle_deg(&lobpcg.basis, &exact.basis);
            assert!(angle < 0.01, "seed {seed}: subspace {angle} degrees off");
            for axis in 0..3 {
                let cos = lobpcg.basis.column(axis).dot(&exact.basis.column(axis));
                assert!(cos > 0.9999, "seed {seed} axis {axis}: cos {cos}");
                let (a, b) = (
                    lobpcg.explained_variance_ratio[axis],
                    exact.explained_variance_ratio[axis],
                );
                assert!((a - b).abs() < 1e-5, "seed {seed} axis {axis}: {a} vs {b}");
            }
        }
    }

    #[test]
    fn a_singular_scatter_matrix_still_fits_through_linfa() {
        // Constant columns and fewer rows than dimensions: no Cholesky factor without the
        // diagonal shift, which must not move the axes or the shares.
        let mut data = structured(100, 300, 9);
        data.column_mut(7).fill(2.5);
        let opts = PcaOptions::default();
        let lobpcg = fit_pca3(data.view(), &opts).unwrap();
        let exact = fit_pca3_with(data.view(), &opts, PcaSolverChoice::Exact).unwrap();
        assert_eq!(lobpcg.solver, PcaSolver::Lobpcg);
        assert!(subspace_angle_deg(&lobpcg.basis, &exact.basis) < 0.01);
        for axis in 0..3 {
            let (a, b) = (
                lobpcg.explained_variance_ratio[axis],
                exact.explained_variance_ratio[axis],
            );
            assert!((a - b).abs() < 1e-5, "axis {axis}: {a} vs {b}");
        }
    }

    #[test]
    fn few_dimensions_use_the_exact_path() {
        let data = structured(2_000, 8, 5);
        let pca = fit_pca3(data.view(), &PcaOptions::default()).unwrap();
        assert_eq!(pca.solver, PcaSolver::Exact);
    }

    #[test]
    fn unscaled_fit_fails_without_crashing() {
        // Unscaled data with large values: the case that made LOBPCG panic ("NaN values in
        // array") or fail. It must come back as an error, not a crash.
        let data = structured(10_000, 50, 1).mapv(|v| f64::from(v) * 1000.0);
        let mean = data.mean_axis(Axis(0)).unwrap();
        let centred = &data - &mean;
        let outcome = linfa_fit::fit_prepared(centred, 3);
        // (The app never fits rows like this: it fits the unit-trace Cholesky factor.)
        assert!(outcome.is_err(), "unscaled fit passed the check");
    }

    #[test]
    fn failed_check_falls_back_to_the_exact_path() {
        // Forcing LOBPCG on few dimensions with nearly equal leading eigenvalues: the solver
        // stops at its iteration cap; the check must notice and the exact path take over.
        let mut fell_back = 0;
        for seed in 0..8 {
            let mut data = random_matrix(3_000, 5, 20 + seed);
            data.column_mut(0).mapv_inplace(|v| v * 1.001);
            let forced =
                fit_pca3_with(data.view(), &PcaOptions::default(), PcaSolverChoice::Lobpcg)
                    .unwrap();
            let exact =
                fit_pca3_with(data.view(), &PcaOptions::default(), PcaSolverChoice::Exact).unwrap();
            if forced.solver == PcaSolver::ExactFallback {
                fell_back += 1;
                assert_eq!(forced.basis, exact.basis);
            } else {
                // Passed the check: then it must really agree with the exact subspace.
                assert!(subspace_angle_deg(&forced.basis, &exact.basis) < 1.0);
            }
            let sum: f32 = forced.explained_variance_ratio.iter().sum();
            assert!(sum <= 1.0, "shares sum {sum}");
        }
        assert!(fell_back > 0, "no seed triggered the fallback");
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
