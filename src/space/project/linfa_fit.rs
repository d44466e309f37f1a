//! The 3-component PCA fit through `linfa_reduction::Pca`, made safe to call from the app.
//!
//! Root cause of the failures this file works around: `Pca` (f64 only) runs linfa-linalg 0.2.1's
//! LOBPCG `TruncatedSvd` with a fixed precision of 1e-5, which it squares into an ABSOLUTE
//! tolerance of 1e-10 on the eigenvalues of XcᵀXc (Xc = centred data). Those eigenvalues grow
//! with rows x scale; past ~1e5 the tolerance is below f64 rounding, nothing converges, the Gram
//! matrix of the search space turns singular, spurious eigenvalues grow to inf/NaN and
//! `sort_eig` panics ("NaN values in array") — linfa-linalg issue #12, no upstream fix. Dividing
//! the centred data by its Frobenius norm makes the eigenvalues sum to 1 (and the tolerance
//! relative), after which it converges in ~15 iterations. Below ~15 dimensions it can still
//! stop at `maxiter = min(10·d, …)` and return an unconverged basis WITHOUT an error, so every
//! result is checked here (orthonormality, eigen-residuals, Rayleigh quotients against the
//! returned singular values) and the caller falls back to the exact path when the check fails.
//! A panic inside the dependency is caught with `catch_unwind` and reported as a failure.

use std::panic::{AssertUnwindSafe, catch_unwind};

use linfa::DatasetBase;
use linfa::traits::Fit;
use linfa_reduction::Pca;
use ndarray::parallel::prelude::*;
use ndarray::{Array1, Array2, ArrayView2, Axis, Zip};

/// Largest allowed deviation of VᵀV from the identity.
const ORTHONORMAL_TOL: f64 = 1e-6;
/// Largest allowed eigen-residual ‖AᵀA·v − λv‖ relative to the largest eigenvalue (the scaled
/// operator's eigenvalues sum to 1). A converged LOBPCG fit lands near 1e-6; unconverged ones
/// measured 1e-2 and worse.
const RESIDUAL_TOL: f64 = 1e-4;
/// Largest allowed gap between our Rayleigh quotient and the solver's σ², relative to λ₁.
const RAYLEIGH_TOL: f64 = 1e-4;

/// A checked LOBPCG fit: orthonormal basis columns (D x k, decreasing variance) and each axis's
/// share of the TOTAL variance of the fitted rows.
#[derive(Debug)]
pub(super) struct LobpcgFit {
    pub basis: Array2<f64>,
    pub shares: Vec<f64>,
}

/// Fits `k` components on `rows` (already sampled) centred on `mean`, scaled to unit Frobenius
/// norm. `Ok(None)` when all rows are equal (nothing to fit: not a failure); `Err` carries a
/// one-line reason (panic message, solver error or failed check).
pub(super) fn fit_lobpcg(
    rows: ArrayView2<f32>,
    mean: &Array1<f64>,
    k: usize,
) -> Result<Option<LobpcgFit>, String> {
    match centred_unit_frobenius(rows, mean)? {
        Some(scaled) => fit_prepared(scaled, k).map(Some),
        None => Ok(None),
    }
}

/// The fit on data that is already centred and scaled (separate so tests can feed it unscaled
/// data and watch the panic being caught).
pub(super) fn fit_prepared(scaled: Array2<f64>, k: usize) -> Result<LobpcgFit, String> {
    let dataset = DatasetBase::from(scaled);
    let outcome = catch_unwind(AssertUnwindSafe(|| Pca::params(k).fit(&dataset)));
    let pca = match outcome {
        Ok(Ok(pca)) => pca,
        Ok(Err(e)) => return Err(format!("linfa-reduction PCA failed: {e}")),
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            return Err(format!("linfa-reduction PCA panicked: {message}"));
        }
    };
    let components = pca.components().t().to_owned(); // D x k
    let sigma_squared = pca.singular_values().mapv(|s| s * s);
    check_eigenpairs(dataset.records().view(), components, &sigma_squared)
}

/// (rows − mean) / ‖rows − mean‖_F in f64; `None` when all rows are equal.
fn centred_unit_frobenius(
    rows: ArrayView2<f32>,
    mean: &Array1<f64>,
) -> Result<Option<Array2<f64>>, String> {
    let mut centred = Array2::<f64>::zeros(rows.dim());
    Zip::from(centred.rows_mut())
        .and(rows.rows())
        .par_for_each(|mut out, row| {
            Zip::from(&mut out)
                .and(&row)
                .and(mean)
                .for_each(|o, &v, &m| *o = f64::from(v) - m);
        });
    let norm = centred.par_iter().map(|v| v * v).sum::<f64>().sqrt();
    if norm == 0.0 {
        return Ok(None);
    }
    if !norm.is_finite() {
        return Err(format!("centred data has Frobenius norm {norm}"));
    }
    centred.par_mapv_inplace(|v| v / norm);
    Ok(Some(centred))
}

/// Checks that the columns of `basis` are orthonormal eigenvectors of AᵀA (A = `scaled`) with
/// eigenvalues matching `sigma_squared`, and returns them ordered by decreasing Rayleigh quotient
/// with their shares of trace(AᵀA) = ‖A‖²_F.
fn check_eigenpairs(
    scaled: ArrayView2<f64>,
    basis: Array2<f64>,
    sigma_squared: &Array1<f64>,
) -> Result<LobpcgFit, String> {
    let k = basis.ncols();
    if basis.iter().any(|v| !v.is_finite()) {
        return Err("LOBPCG basis has non-finite entries".into());
    }
    let gram = basis.t().dot(&basis);
    for i in 0..k {
        for j in 0..k {
            let want = if i == j { 1.0 } else { 0.0 };
            if (gram[[i, j]] - want).abs() > ORTHONORMAL_TOL {
                return Err(format!(
                    "LOBPCG basis not orthonormal (VᵀV[{i},{j}] = {:.3e})",
                    gram[[i, j]]
                ));
            }
        }
    }
    let projected = scaled.dot(&basis); // N x k
    let operator_times_basis = scaled.t().dot(&projected); // D x k = AᵀA·V
    let rayleigh: Vec<f64> = (0..k)
        .map(|c| projected.column(c).iter().map(|v| v * v).sum())
        .collect();
    let largest = rayleigh.iter().copied().fold(0.0f64, f64::max);
    if largest <= 0.0 {
        return Err("LOBPCG found no variance".into());
    }
    for (c, &value) in rayleigh.iter().enumerate() {
        let residual = (&operator_times_basis.column(c) - &(&basis.column(c) * value))
            .iter()
            .map(|v| v * v)
            .sum::<f64>()
            .sqrt();
        // Written so that NaN fails the check too.
        if residual.is_nan() || residual > RESIDUAL_TOL * largest {
            return Err(format!(
                "LOBPCG did not converge: component {c} residual {residual:.3e} \
                 (eigenvalue {:.3e})",
                rayleigh[c]
            ));
        }
        let solver_value = sigma_squared.get(c).copied().unwrap_or(f64::NAN);
        let gap = (value - solver_value).abs();
        if gap.is_nan() || gap > RAYLEIGH_TOL * largest {
            return Err(format!(
                "LOBPCG variance {solver_value:.6e} disagrees with the Rayleigh quotient \
                 {:.6e} of component {c}",
                rayleigh[c]
            ));
        }
    }
    let total: f64 = scaled.iter().map(|v| v * v).sum();
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&a, &b| rayleigh[b].total_cmp(&rayleigh[a]));
    let basis = basis.select(Axis(1), &order);
    let mut shares: Vec<f64> = order.iter().map(|&c| rayleigh[c] / total).collect();
    // Rayleigh quotients of orthonormal vectors sum to at most the trace; keep rounding from
    // pushing the sum past 1.
    let sum: f64 = shares.iter().sum();
    if sum > 1.0 {
        shares.iter_mut().for_each(|s| *s /= sum);
    }
    Ok(LobpcgFit { basis, shares })
}
