//! The numeric pieces of the hot loop: dot product, axpy, and table-based sigmoid and
//! log-sigmoid (word2vec.c's `EXP_TABLE` with `MAX_EXP = 6`).
//!
//! The vector kernels take row handles ([`RowRef`], [`RowMut`] from [`super::hogwild`]) and
//! touch memory only through raw pointers, because the rows are shared with other threads
//! (see that module for the safety argument). The portable dot product is the crate's one
//! [`crate::vector_math::dot_raw`]; axpy works in `[f32; 8]` chunks the same way, so LLVM emits
//! packed SIMD without bounds checks.

use super::hogwild::{RowMut, RowRef, load, store};
use crate::vector_math::dot_raw;

/// Outside `[-MAX_EXP, MAX_EXP]` the sigmoid is treated as saturated, as in word2vec.
pub const MAX_EXP: f32 = 6.0;
const TABLE_SIZE: usize = 1024;

/// `y += a * x` over `min(x.len(), y.len())` elements.
#[inline(always)]
pub fn axpy(a: f32, x: RowRef<'_>, y: RowMut<'_>) {
    let n = x.len().min(y.len());
    let (px, py) = (x.as_ptr(), y.as_ptr());
    let chunks = n / 8;
    for c in 0..chunks {
        // SAFETY: `c * 8 + 8 <= n`, within both handles (their invariant); raw unaligned
        // accesses only, as `hogwild` requires.
        unsafe {
            let xv = px.add(c * 8).cast::<[f32; 8]>().read_unaligned();
            let yp = py.add(c * 8).cast::<[f32; 8]>();
            let mut yv = yp.read_unaligned();
            for k in 0..8 {
                yv[k] += a * xv[k];
            }
            yp.write_unaligned(yv);
        }
    }
    for i in chunks * 8..n {
        // SAFETY: `i < n`, within both handles.
        unsafe { store(py.add(i), load(py.add(i)) + a * load(px.add(i))) };
    }
}

/// Sets the `x.len()` values of `x` to zero.
#[inline(always)]
fn clear(x: RowMut<'_>) {
    // SAFETY: `x` is valid for writes of `x.len()` f32 (its invariant); all-zero bytes are 0.0.
    unsafe { std::ptr::write_bytes(x.as_ptr(), 0, x.len()) };
}

/// The vector operations of the hot loop, as a type parameter so the same training code is
/// compiled once with portable kernels and once with explicit AVX2 + FMA ones. Every operation
/// works over the shortest length of its arguments; a `RowMut` argument must not overlap any
/// other argument of the same call (shared rows come from different matrices, buffers are
/// thread-local).
pub trait Kernels: Copy {
    fn dot(self, a: RowRef<'_>, b: RowRef<'_>) -> f32;
    /// `y += a * x`.
    fn axpy(self, a: f32, x: RowRef<'_>, y: RowMut<'_>);
    /// The fused negative-sampling update of one output row: `work += g * l2; l2 += g * l1`
    /// (reads `l2` before writing it, as word2vec.c).
    fn update(self, g: f32, l1: RowRef<'_>, l2: RowMut<'_>, work: RowMut<'_>) {
        self.axpy(g, l2.into(), work);
        self.axpy(g, l1, l2);
    }
    /// `y += x; x = 0`.
    fn add_and_clear(self, x: RowMut<'_>, y: RowMut<'_>) {
        self.axpy(1.0, x.into(), y);
        clear(x);
    }
}

/// The portable kernels above (auto-vectorised for whatever the build targets).
#[derive(Debug, Clone, Copy)]
pub struct Portable;

impl Kernels for Portable {
    #[inline(always)]
    fn dot(self, a: RowRef<'_>, b: RowRef<'_>) -> f32 {
        // SAFETY: both handles are valid for reads of their lengths (their invariant).
        unsafe { dot_raw(a.as_ptr(), b.as_ptr(), a.len().min(b.len())) }
    }
    #[inline(always)]
    fn axpy(self, a: f32, x: RowRef<'_>, y: RowMut<'_>) {
        axpy(a, x, y)
    }
}

/// The kernels of the `atomic-hogwild` build: every element of a row is read and written with
/// `hogwild::load`/`store`, relaxed atomics there, so concurrent updates are no data race.
/// Element by element (atomics do not vectorise), in the portable kernels' order of operations:
/// one thread gives the same values as [`Portable`] bit for bit (a test checks).
#[cfg(feature = "atomic-hogwild")]
#[derive(Debug, Clone, Copy)]
pub struct RelaxedAtomic;

#[cfg(feature = "atomic-hogwild")]
impl Kernels for RelaxedAtomic {
    #[inline(always)]
    fn dot(self, a: RowRef<'_>, b: RowRef<'_>) -> f32 {
        let n = a.len().min(b.len());
        let (pa, pb) = (a.as_ptr(), b.as_ptr());
        // `vector_math::dot_raw`'s eight lanes and reduction order.
        let mut acc = [0.0f32; 8];
        for c in 0..n / 8 {
            for (k, sum) in acc.iter_mut().enumerate() {
                let i = c * 8 + k;
                // SAFETY: `i < n`, within both handles (their invariant).
                *sum += unsafe { load(pa.add(i)) * load(pb.add(i)) };
            }
        }
        let mut tail = 0.0;
        for i in n / 8 * 8..n {
            // SAFETY: `i < n`, within both handles.
            tail += unsafe { load(pa.add(i)) * load(pb.add(i)) };
        }
        (acc[0] + acc[4]) + (acc[1] + acc[5]) + (acc[2] + acc[6]) + (acc[3] + acc[7]) + tail
    }
    #[inline(always)]
    fn axpy(self, a: f32, x: RowRef<'_>, y: RowMut<'_>) {
        let (px, py) = (x.as_ptr(), y.as_ptr());
        for i in 0..x.len().min(y.len()) {
            // SAFETY: `i` is within both handles (their invariant).
            unsafe { store(py.add(i), load(py.add(i)) + a * load(px.add(i))) };
        }
    }
    #[inline(always)]
    fn add_and_clear(self, x: RowMut<'_>, y: RowMut<'_>) {
        let (px, py) = (x.as_ptr(), y.as_ptr());
        for i in 0..x.len().min(y.len()) {
            // SAFETY: `i` is within both handles.
            unsafe { store(py.add(i), load(py.add(i)) + load(px.add(i))) };
        }
        for i in 0..x.len() {
            // SAFETY: `i` is within `x`.
            unsafe { store(px.add(i), 0.0) };
        }
    }
}

/// Explicit AVX2 + FMA kernels. Only constructible through [`Avx2Fma::detect`], so holding one
/// proves the CPU supports them.
#[cfg(target_arch = "x86_64")]
#[derive(Debug, Clone, Copy)]
pub struct Avx2Fma(());

#[cfg(target_arch = "x86_64")]
impl Avx2Fma {
    pub fn detect() -> Option<Self> {
        (std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma"))
            .then_some(Self(()))
    }
}

#[cfg(target_arch = "x86_64")]
impl Kernels for Avx2Fma {
    // SAFETY (all four): an `Avx2Fma` value exists only when the CPU has AVX2 and FMA
    // (`detect`), and the handles are valid for their lengths (their invariant).
    #[inline(always)]
    fn dot(self, a: RowRef<'_>, b: RowRef<'_>) -> f32 {
        // SAFETY: see above (AVX2 + FMA present, handles valid for their lengths).
        unsafe { avx2::dot(a.as_ptr(), b.as_ptr(), a.len().min(b.len())) }
    }
    #[inline(always)]
    fn axpy(self, a: f32, x: RowRef<'_>, y: RowMut<'_>) {
        // SAFETY: see above (AVX2 + FMA present, handles valid for their lengths).
        unsafe { avx2::axpy(a, x.as_ptr(), y.as_ptr(), x.len().min(y.len())) }
    }
    #[inline(always)]
    fn update(self, g: f32, l1: RowRef<'_>, l2: RowMut<'_>, work: RowMut<'_>) {
        let n = l1.len().min(l2.len()).min(work.len());
        // SAFETY: see above (AVX2 + FMA present, handles valid for their lengths).
        unsafe { avx2::update(g, l1.as_ptr(), l2.as_ptr(), work.as_ptr(), n) }
    }
    #[inline(always)]
    fn add_and_clear(self, x: RowMut<'_>, y: RowMut<'_>) {
        // SAFETY: see above (AVX2 + FMA present, handles valid for their lengths).
        unsafe { avx2::add_and_clear(x.as_ptr(), y.as_ptr(), x.len().min(y.len())) }
    }
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    //! Each function requires AVX2 + FMA and pointers valid for its `n` elements (reads;
    //! writes for the `*mut` ones); `*mut` arguments must not overlap the others.
    use std::arch::x86_64::*;

    /// Dot product over `n` elements.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    pub unsafe fn dot(pa: *const f32, pb: *const f32, n: usize) -> f32 {
        let mut acc0 = _mm256_setzero_ps();
        let mut acc1 = _mm256_setzero_ps();
        let mut i = 0;
        // SAFETY: (all loads) every index read is below `n`, within both buffers.
        unsafe {
            while i + 16 <= n {
                acc0 =
                    _mm256_fmadd_ps(_mm256_loadu_ps(pa.add(i)), _mm256_loadu_ps(pb.add(i)), acc0);
                acc1 = _mm256_fmadd_ps(
                    _mm256_loadu_ps(pa.add(i + 8)),
                    _mm256_loadu_ps(pb.add(i + 8)),
                    acc1,
                );
                i += 16;
            }
            if i + 8 <= n {
                acc0 =
                    _mm256_fmadd_ps(_mm256_loadu_ps(pa.add(i)), _mm256_loadu_ps(pb.add(i)), acc0);
                i += 8;
            }
            let s = _mm256_add_ps(acc0, acc1);
            let mut q = _mm_add_ps(_mm256_castps256_ps128(s), _mm256_extractf128_ps::<1>(s));
            if i + 4 <= n {
                q = _mm_fmadd_ps(_mm_loadu_ps(pa.add(i)), _mm_loadu_ps(pb.add(i)), q);
                i += 4;
            }
            q = _mm_add_ps(q, _mm_movehl_ps(q, q));
            q = _mm_add_ss(q, _mm_movehdup_ps(q));
            let mut r = _mm_cvtss_f32(q);
            while i < n {
                r += *pa.add(i) * *pb.add(i);
                i += 1;
            }
            r
        }
    }

    /// `y += a * x` over `n` elements.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    pub unsafe fn axpy(a: f32, px: *const f32, py: *mut f32, n: usize) {
        let va = _mm256_set1_ps(a);
        let mut i = 0;
        // SAFETY: every index touched is below `n`, within both buffers.
        unsafe {
            while i + 8 <= n {
                let v = _mm256_fmadd_ps(va, _mm256_loadu_ps(px.add(i)), _mm256_loadu_ps(py.add(i)));
                _mm256_storeu_ps(py.add(i), v);
                i += 8;
            }
            if i + 4 <= n {
                let v = _mm_fmadd_ps(
                    _mm256_castps256_ps128(va),
                    _mm_loadu_ps(px.add(i)),
                    _mm_loadu_ps(py.add(i)),
                );
                _mm_storeu_ps(py.add(i), v);
                i += 4;
            }
            while i < n {
                *py.add(i) += a * *px.add(i);
                i += 1;
            }
        }
    }

    /// `y += x; x = 0` over `n` elements.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    pub unsafe fn add_and_clear(px: *mut f32, py: *mut f32, n: usize) {
        let zero = _mm256_setzero_ps();
        let mut i = 0;
        // SAFETY: every index touched is below `n`, within both buffers.
        unsafe {
            while i + 8 <= n {
                let v = _mm256_add_ps(_mm256_loadu_ps(px.add(i)), _mm256_loadu_ps(py.add(i)));
                _mm256_storeu_ps(py.add(i), v);
                _mm256_storeu_ps(px.add(i), zero);
                i += 8;
            }
            while i < n {
                *py.add(i) += *px.add(i);
                *px.add(i) = 0.0;
                i += 1;
            }
        }
    }

    /// `work += g * l2; l2 += g * l1` in one pass over `l2`, `n` elements.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    pub unsafe fn update(g: f32, p1: *const f32, p2: *mut f32, pw: *mut f32, n: usize) {
        let vg = _mm256_set1_ps(g);
        let mut i = 0;
        // SAFETY: every index touched is below `n`, within all three buffers.
        unsafe {
            while i + 8 <= n {
                let o = _mm256_loadu_ps(p2.add(i));
                _mm256_storeu_ps(
                    pw.add(i),
                    _mm256_fmadd_ps(vg, o, _mm256_loadu_ps(pw.add(i))),
                );
                _mm256_storeu_ps(
                    p2.add(i),
                    _mm256_fmadd_ps(vg, _mm256_loadu_ps(p1.add(i)), o),
                );
                i += 8;
            }
            if i + 4 <= n {
                let g4 = _mm256_castps256_ps128(vg);
                let o = _mm_loadu_ps(p2.add(i));
                _mm_storeu_ps(pw.add(i), _mm_fmadd_ps(g4, o, _mm_loadu_ps(pw.add(i))));
                _mm_storeu_ps(p2.add(i), _mm_fmadd_ps(g4, _mm_loadu_ps(p1.add(i)), o));
                i += 4;
            }
            while i < n {
                let o = *p2.add(i);
                *pw.add(i) += g * o;
                *p2.add(i) = o + g * *p1.add(i);
                i += 1;
            }
        }
    }
}

/// Precomputed sigmoid and `-log σ` over `[-MAX_EXP, MAX_EXP]`.
#[derive(Debug, Clone)]
pub struct SigmoidTable {
    // Fixed-size arrays: indices clamped to `TABLE_SIZE` need no bounds check.
    sigmoid: Box<[f32; TABLE_SIZE + 1]>,
    neg_log_sigmoid: Box<[f32; TABLE_SIZE + 1]>,
}

impl Default for SigmoidTable {
    fn default() -> Self {
        Self::new()
    }
}

impl SigmoidTable {
    pub fn new() -> Self {
        let x_of = |i: usize| (i as f64 / TABLE_SIZE as f64 * 2.0 - 1.0) * MAX_EXP as f64;
        let sigmoid = Box::new(std::array::from_fn(|i| {
            (1.0 / (1.0 + (-x_of(i)).exp())) as f32
        }));
        let neg_log_sigmoid = Box::new(std::array::from_fn(|i| (-x_of(i)).exp().ln_1p() as f32));
        Self {
            sigmoid,
            neg_log_sigmoid,
        }
    }

    /// Table index of `f`; only called with `-MAX_EXP < f < MAX_EXP`.
    #[inline(always)]
    fn index(f: f32) -> usize {
        let x = (f + MAX_EXP) * (TABLE_SIZE as f32 / MAX_EXP / 2.0) + 0.5;
        debug_assert!((0.0..=TABLE_SIZE as f32 + 1.0).contains(&x));
        // SAFETY: for `|f| < MAX_EXP`, `x` lies in `[0.5, TABLE_SIZE + 0.5]`: finite and well
        // within i32 (a plain `as` would add saturation checks to the hot loop).
        (unsafe { x.to_int_unchecked::<i32>() }) as usize
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
            let s = self.sigmoid[i];
            let loss = self.neg_log_sigmoid[if label { i } else { j }];
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

    fn r(v: &[f32]) -> RowRef<'_> {
        RowRef::from_slice(v)
    }

    fn m(v: &mut [f32]) -> RowMut<'_> {
        RowMut::from_slice(v)
    }

    #[test]
    fn portable_kernels_match_scalar_arithmetic() {
        for n in [0usize, 1, 7, 8, 9, 19, 100] {
            let a: Vec<f32> = (0..n).map(|i| i as f32).collect();
            let b: Vec<f32> = (0..n).map(|i| 1.0 + i as f32 * 0.5).collect();
            let expect: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
            assert!((Portable.dot(r(&a), r(&b)) - expect).abs() <= expect.abs() * 1e-6);
            let mut y = b.clone();
            Portable.axpy(2.0, r(&a), m(&mut y));
            for i in 0..n {
                assert_eq!(y[i], b[i] + 2.0 * a[i]);
            }
            let (mut l2, mut work) = (b.clone(), a.clone());
            Portable.update(0.5, r(&a), m(&mut l2), m(&mut work));
            for i in 0..n {
                assert_eq!(work[i], a[i] + 0.5 * b[i]);
                assert_eq!(l2[i], b[i] + 0.5 * a[i]);
            }
            let (mut x, mut y) = (a.clone(), b.clone());
            Portable.add_and_clear(m(&mut x), m(&mut y));
            assert!(x.iter().all(|&v| v == 0.0));
            for i in 0..n {
                assert_eq!(y[i], a[i] + b[i]);
            }
        }
    }

    #[cfg(feature = "atomic-hogwild")]
    #[test]
    fn relaxed_atomic_kernels_match_portable_bit_for_bit() {
        let k = RelaxedAtomic;
        for n in [0usize, 1, 3, 7, 8, 9, 16, 19, 100, 301] {
            let a: Vec<f32> = (0..n).map(|i| (i as f32 * 0.37).sin()).collect();
            let b: Vec<f32> = (0..n).map(|i| (i as f32 * 0.11).cos()).collect();
            assert_eq!(
                k.dot(r(&a), r(&b)).to_bits(),
                Portable.dot(r(&a), r(&b)).to_bits(),
                "dot {n}"
            );
            let (mut y1, mut y2) = (b.clone(), b.clone());
            k.axpy(0.3, r(&a), m(&mut y1));
            Portable.axpy(0.3, r(&a), m(&mut y2));
            assert_eq!(y1, y2, "axpy {n}");
            let (mut l2a, mut wa) = (b.clone(), a.clone());
            let (mut l2b, mut wb) = (b.clone(), a.clone());
            k.update(0.7, r(&a), m(&mut l2a), m(&mut wa));
            Portable.update(0.7, r(&a), m(&mut l2b), m(&mut wb));
            assert_eq!((l2a, wa), (l2b, wb), "update {n}");
            let (mut xa, mut ya) = (a.clone(), b.clone());
            let (mut xb, mut yb) = (a.clone(), b.clone());
            k.add_and_clear(m(&mut xa), m(&mut ya));
            Portable.add_and_clear(m(&mut xb), m(&mut yb));
            assert_eq!((xa, ya), (xb, yb), "add_and_clear {n}");
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn avx2_kernels_match_portable() {
        let Some(k) = Avx2Fma::detect() else {
            return;
        };
        for n in [0usize, 1, 3, 4, 7, 8, 12, 16, 19, 100, 301] {
            let a: Vec<f32> = (0..n).map(|i| (i as f32 * 0.37).sin()).collect();
            let b: Vec<f32> = (0..n).map(|i| (i as f32 * 0.11).cos()).collect();
            assert!(
                (k.dot(r(&a), r(&b)) - Portable.dot(r(&a), r(&b))).abs() < 1e-4,
                "dot {n}"
            );
            let (mut y1, mut y2) = (b.clone(), b.clone());
            k.axpy(0.3, r(&a), m(&mut y1));
            Portable.axpy(0.3, r(&a), m(&mut y2));
            assert!(
                y1.iter().zip(&y2).all(|(p, q)| (p - q).abs() < 1e-5),
                "axpy {n}"
            );
            let (mut l2a, mut wa) = (b.clone(), a.clone());
            let (mut l2b, mut wb) = (b.clone(), a.clone());
            k.update(-0.2, r(&a), m(&mut l2a), m(&mut wa));
            Portable.update(-0.2, r(&a), m(&mut l2b), m(&mut wb));
            assert!(
                l2a.iter().zip(&l2b).all(|(p, q)| (p - q).abs() < 1e-5),
                "update {n}"
            );
            assert!(
                wa.iter().zip(&wb).all(|(p, q)| (p - q).abs() < 1e-5),
                "update {n}"
            );
            let (mut xa, mut ya) = (a.clone(), b.clone());
            let (mut xb, mut yb) = (a.clone(), b.clone());
            k.add_and_clear(m(&mut xa), m(&mut ya));
            Portable.add_and_clear(m(&mut xb), m(&mut yb));
            assert_eq!((xa, ya), (xb, yb), "add_and_clear {n}");
        }
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
