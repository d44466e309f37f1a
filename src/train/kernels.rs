//! The numeric pieces of the hot loop: dot product, axpy, and table-based sigmoid and
//! log-sigmoid (word2vec.c's `EXP_TABLE` with `MAX_EXP = 6`).
//!
//! dot/axpy work on `&[f32]` split into `[f32; 8]` chunks and eight independent accumulators so LLVM
//! emits packed SIMD without bounds checks (float addition is not reassociated automatically).

/// Outside `[-MAX_EXP, MAX_EXP]` the sigmoid is treated as saturated, as in word2vec.
pub const MAX_EXP: f32 = 6.0;
const TABLE_SIZE: usize = 1024;

#[inline(always)]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    // Fixed-size chunks: no bounds checks, and eight independent sums LLVM packs into SIMD.
    let (ac, ar) = a[..n].as_chunks::<8>();
    let (bc, br) = b[..n].as_chunks::<8>();
    let mut acc = [0.0f32; 8];
    for (x, y) in ac.iter().zip(bc) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    let mut tail = 0.0;
    for (x, y) in ar.iter().zip(br) {
        tail += x * y;
    }
    ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7])) + tail
}

/// `y += a * x`.
#[inline(always)]
pub fn axpy(a: f32, x: &[f32], y: &mut [f32]) {
    let n = x.len().min(y.len());
    let (xc, xr) = x[..n].as_chunks::<8>();
    let (yc, yr) = y[..n].as_chunks_mut::<8>();
    for (yv, xv) in yc.iter_mut().zip(xc) {
        for k in 0..8 {
            yv[k] += a * xv[k];
        }
    }
    for (yi, xi) in yr.iter_mut().zip(xr) {
        *yi += a * xi;
    }
}

/// Precomputed sigmoid and `-log σ` over `[-MAX_EXP, MAX_EXP]`.
#[derive(Debug, Clone)]
pub struct SigmoidTable {
    sigmoid: Vec<f32>,
    neg_log_sigmoid: Vec<f32>,
}

impl Default for SigmoidTable {
    fn default() -> Self {
        Self::new()
    }
}

impl SigmoidTable {
    pub fn new() -> Self {
        let x_of = |i: usize| (i as f64 / TABLE_SIZE as f64 * 2.0 - 1.0) * MAX_EXP as f64;
        let sigmoid = (0..=TABLE_SIZE)
            .map(|i| (1.0 / (1.0 + (-x_of(i)).exp())) as f32)
            .collect();
        let neg_log_sigmoid = (0..=TABLE_SIZE)
            .map(|i| (-x_of(i)).exp().ln_1p() as f32)
            .collect();
        Self {
            sigmoid,
            neg_log_sigmoid,
        }
    }

    #[inline(always)]
    fn index(f: f32) -> usize {
        ((f + MAX_EXP) * (TABLE_SIZE as f32 / MAX_EXP / 2.0) + 0.5) as usize
    }

    /// The gradient coefficient `label - σ(f)` and the loss term `-log σ(±f)` for one
    /// (input, output) pair; label is 1 for the true context word, 0 for a negative sample.
    /// Saturated `f` gives word2vec.c's clipped gradient and an exact softplus loss; a NaN or
    /// infinite `f` returns a NaN loss so divergence is noticed.
    #[inline(always)]
    pub fn grad_and_loss(&self, f: f32, label: bool) -> (f32, f32) {
        let l = if label { 1.0 } else { 0.0 };
        if f > -MAX_EXP && f < MAX_EXP {
            let i = Self::index(f).min(TABLE_SIZE);
            let j = TABLE_SIZE - i; // σ(-f) sits at the mirrored index
            let s = self.sigmoid.get(i).copied().unwrap_or(0.5);
            let loss = if label {
                self.neg_log_sigmoid.get(i).copied().unwrap_or(0.0)
            } else {
                self.neg_log_sigmoid.get(j).copied().unwrap_or(0.0)
            };
            (l - s, loss)
        } else if f >= MAX_EXP && f.is_finite() {
            let loss = if label {
                (-f).exp().ln_1p()
            } else {
                f + (-f).exp().ln_1p()
            };
            (l - 1.0, loss)
        } else if f <= -MAX_EXP && f.is_finite() {
            let loss = if label {
                -f + f.exp().ln_1p()
            } else {
                f.exp().ln_1p()
            };
            (l, loss)
        } else {
            (0.0, f32::NAN)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_and_axpy() {
        let a: Vec<f32> = (0..19).map(|i| i as f32).collect();
        let b: Vec<f32> = (0..19).map(|i| 1.0 + i as f32 * 0.5).collect();
        let expect: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        assert!((dot(&a, &b) - expect).abs() < 1e-3);
        let mut y = b.clone();
        axpy(2.0, &a, &mut y);
        assert_eq!(y[18], b[18] + 36.0);
    }

    #[test]
    fn table_matches_exact() {
        let t = SigmoidTable::new();
        for &f in &[-5.9f32, -1.0, 0.0, 0.3, 2.5, 5.9, 7.0, -9.0] {
            let s = 1.0 / (1.0 + (-f as f64).exp());
            let (g1, l1) = t.grad_and_loss(f, true);
            let (g0, l0) = t.grad_and_loss(f, false);
            let clip = f.abs() >= MAX_EXP;
            if !clip {
                assert!((g1 as f64 - (1.0 - s)).abs() < 0.01, "{f}");
                assert!((g0 as f64 + s).abs() < 0.01, "{f}");
            }
            assert!((l1 as f64 + s.ln()).abs() < 0.02, "{f}: {l1}");
            assert!((l0 as f64 + (1.0 - s).ln()).abs() < 0.02, "{f}: {l0}");
        }
        assert!(t.grad_and_loss(f32::NAN, true).1.is_nan());
    }
}
