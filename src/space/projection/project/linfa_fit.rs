//! The 3-component PCA fit through `linfa_reduction::Pca`, made fast and safe to call from the app.
//!
//! Fast: `Pca` runs LOBPCG on the rows it is given, one pass over them per iteration, and LOBPCG
//! needs many iterations on flat spectra (isotropic data, a training run's first snapshots).
//! The principal axes of the centred rows Xc are those of ANY matrix F with FᵀF = XcᵀXc, so the
//! caller computes the D x D scatter matrix once (one GEMM) and `Pca` is fitted on the D rows of
//! its Cholesky factor instead of the N rows of data: each iteration then costs O(D²·k) whatever N
//! is. `Pca` centres what it is given, so it gets the rows of F and of −F (mean exactly zero,
//! scatter 2FᵀF, the same axes), scaled by 1/√2.
//!
//! Safe: `Pca` (f64 only) runs linfa-linalg 0.2.1's LOBPCG `TruncatedSvd` with a fixed precision
//! of 1e-5, which it squares into an ABSOLUTE tolerance of 1e-10 on the eigenvalues of the
//! operator. Unscaled, those grow with rows x scale; past ~1e5 the tolerance is below f64
//! rounding, nothing converges, the Gram matrix of the search space turns singular, spurious
//! eigenvalues grow to inf/NaN and `sort_eig` panics ("NaN values in array") — linfa-linalg issue
//! #12, no upstream fix. Dividing the scatter matrix by its trace (the factor then has unit
//! Frobenius norm, the eigenvalues sum to 1) makes the tolerance relative. Below ~15 dimensions
//! it can still stop at its iteration cap and return an unconverged basis WITHOUT an error, so
//! every result is checked here (orthonormality, eigen-residuals, Rayleigh quotients against the
//! returned singular values) and the caller falls back to the exact path when the check fails.
//! A panic inside the dependency is caught with `catch_unwind` and reported as a failure.
//!
//! A singular scatter matrix (constant columns, fewer rows than dimensions) has no Cholesky
//! factor — computed from f32 rows, its zero eigenvalues come out as ±1e-7 of the trace — so a
//! small multiple of the identity is added then, which shifts every eigenvalue by the same
//! amount and leaves the eigenvectors unchanged (the shares are corrected for it).

use std::panic::{AssertUnwindSafe, catch_unwind};

use linfa::DatasetBase;
use linfa::traits::Fit;
use linfa_reduction::Pca;
use ndarray::{Array1, Array2, ArrayView2, Axis};

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

/// Fits `k` components from the D x D scatter matrix `scatter` = XcᵀXc of centred rows (any
/// positive multiple of it, e.g. the covariance). `Ok(None)` when it is zero (all rows equal:
/// nothing to fit, not a failure); `Err` carries a one-line reason (panic message, solver
/// error, no factor or failed check).
pub(super) fn fit_scatter(scatter: &Array2<f64>, k: usize) -> Result<Option<LobpcgFit>, String> {
    let trace: f64 = scatter.diag().sum();
    if trace == 0.0 {
        return Ok(None);
    }
    if !trace.is_finite() {
        return Err(format!("scatter matrix has trace {trace}"));
    }
    let unit_trace = scatter / trace;
    let (factor, jitter) = cholesky_factor(&unit_trace)?;
    let mut fit = fit_prepared(factor, k)?;
    // The factor's operator is the unit-trace matrix plus `jitter`·I: every Rayleigh quotient
    // (hence share) is `jitter` too large, and the trace is larger by D·`jitter`.
    let total = 1.0 + jitter * scatter.nrows() as f64;
    for share in &mut fit.shares {
        *share = (*share * total - jitter).max(0.0);
    }
    Ok(Some(fit))
}

/// The rows of Fᵀ and −Fᵀ (2D x D, divided by √2) for the lower Cholesky factor F of
/// `unit_trace` + `jitter`·I, so that their scatter is exactly that matrix and their mean zero;
/// the smallest jitter (from none) that lets the factorisation through.
fn cholesky_factor(unit_trace: &Array2<f64>) -> Result<(Array2<f64>, f64), String> {
    use linfa_linalg::cholesky::Cholesky;
    let d = unit_trace.nrows();
    for jitter in [0.0, 1e-9, 1e-7, 1e-5, 1e-3] {
        let mut shifted = unit_trace.clone();
        shifted.diag_mut().mapv_inplace(|v| v + jitter);
        let Ok(lower) = shifted.cholesky() else {
            continue;
        };
        let upper = lower.t().mapv(|v| v * std::f64::consts::FRAC_1_SQRT_2);
        let mut rows = Array2::<f64>::zeros((2 * d, d));
        rows.slice_mut(ndarray::s![..d, ..]).assign(&upper);
        rows.slice_mut(ndarray::s![d.., ..])
            .assign(&upper.mapv(|v| -v));
        return Ok((rows, jitter));
    }
    Err("scatter matrix has no Cholesky factor (not positive semi-definite)".into())
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
