//! The low-level vector arithmetic shared by the trainer and the space analyses: one dot
//! product and one unit-length normalisation, so both agree to the last bit and a speed-up
//! reaches both.
//!
//! The dot product reads through raw pointers in `[f32; 8]` chunks with eight independent
//! accumulators: LLVM emits packed SIMD loads without bounds checks (float addition is not
//! reassociated automatically), and the trainer can call it on rows that other threads update
//! concurrently (see `train::hogwild`) without ever forming a reference to them.

use ndarray::{Array2, ArrayView2, Axis};
use rayon::prelude::*;

/// Rows per parallel task when normalising a whole matrix.
const UNIT_BLOCK_ROWS: usize = 8192;

/// Dot product of two slices over `min(a.len(), b.len())` elements.
#[inline(always)]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    // SAFETY: both slices are valid for reads of `n` elements and borrowed for the call.
    unsafe { dot_raw(a.as_ptr(), b.as_ptr(), n) }
}

/// Dot product of `n` elements starting at `a` and `b`.
///
/// # Safety
/// `a` and `b` must each be valid for reads of `n` consecutive `f32` for the duration of the
/// call. The memory may be written concurrently by other threads through raw pointers (the
/// trainer's hogwild race, see `train::hogwild`); each element is read once.
#[inline(always)]
pub unsafe fn dot_raw(a: *const f32, b: *const f32, n: usize) -> f32 {
    let chunks = n / 8;
    let mut acc = [0.0f32; 8];
    for c in 0..chunks {
        // SAFETY: `c * 8 + 8 <= n`, inside both buffers (caller's contract); unaligned reads of
        // plain `f32` values, no reference formed.
        let (x, y) = unsafe {
            (
                a.add(c * 8).cast::<[f32; 8]>().read_unaligned(),
                b.add(c * 8).cast::<[f32; 8]>().read_unaligned(),
            )
        };
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    let mut tail = 0.0;
    for i in chunks * 8..n {
        // SAFETY: `i < n` (caller's contract).
        tail += unsafe { a.add(i).read() * b.add(i).read() };
    }
    // This reduction order keeps LLVM's packed loop free of lane shuffles (pairing the sums as
    // a tree, `((a0 + a4) + (a1 + a5)) + (...)`, adds them), and it is the order the cosine scan
    // has always used, so its results are unchanged.
    (acc[0] + acc[4]) + (acc[1] + acc[5]) + (acc[2] + acc[6]) + (acc[3] + acc[7]) + tail
}

/// Scales `row` to unit Euclidean length in place; an all-zero row stays zero. The norm is a
/// plain sequential sum (not [`dot`]) so results match `embeddings::unit_rows` bit for bit.
#[inline]
pub fn normalize_in_place(row: &mut [f32]) {
    let norm = row.iter().map(|v| v * v).sum::<f32>().sqrt();
    if norm > 0.0 {
        row.iter_mut().for_each(|v| *v /= norm);
    }
}

/// A copy of `matrix` in standard layout with every row scaled to unit length (zero rows stay
/// zero): one allocation, rows normalised in parallel blocks.
pub fn unit_rows_of(matrix: ArrayView2<f32>) -> Array2<f32> {
    let mut unit = matrix.as_standard_layout().into_owned();
    unit.axis_chunks_iter_mut(Axis(0), UNIT_BLOCK_ROWS)
        .into_par_iter()
        .for_each(|mut block| {
            for mut row in block.rows_mut() {
                match row.as_slice_mut() {
                    Some(values) => normalize_in_place(values),
                    // Unreachable for a standard-layout copy; kept total without a panic.
                    None => {
                        let mut values = row.to_vec();
                        normalize_in_place(&mut values);
                        row.iter_mut().zip(values).for_each(|(v, n)| *v = n);
                    }
                }
            }
        });
    unit
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_handles_every_remainder() {
        for n in 0..40 {
            let a: Vec<f32> = (0..n).map(|i| (i as f32 * 0.7).sin()).collect();
            let b: Vec<f32> = (0..n).map(|i| 1.0 + i as f32 * 0.5).collect();
            let want: f64 = a.iter().zip(&b).map(|(x, y)| *x as f64 * *y as f64).sum();
            assert!((dot(&a, &b) as f64 - want).abs() < 1e-4, "n = {n}");
        }
        // Integers are exact in any summation order.
        let a: Vec<f32> = (0..19).map(|i| i as f32).collect();
        assert_eq!(dot(&a, &a), (0..19).map(|i| (i * i) as f32).sum::<f32>());
        // Unequal lengths use the shorter one.
        assert_eq!(dot(&[1.0, 2.0, 3.0], &[4.0, 5.0]), 14.0);
    }

    #[test]
    fn unit_rows_are_unit_and_zero_rows_stay_zero() {
        let m = Array2::from_shape_fn((20_000, 7), |(r, c)| {
            if r == 3 {
                0.0
            } else {
                ((r * 7 + c) as f32 * 0.13).cos() * (1 + r % 5) as f32
            }
        });
        let unit = unit_rows_of(m.view());
        for (r, row) in unit.rows().into_iter().enumerate() {
            let norm = row.iter().map(|v| v * v).sum::<f32>().sqrt();
            if r == 3 {
                assert!(row.iter().all(|&v| v == 0.0));
            } else {
                assert!((norm - 1.0).abs() < 1e-5, "row {r}: {norm}");
                // Same direction: a positive multiple of the input row.
                let scale = m[[r, 0]] / row[0];
                assert!(scale > 0.0);
                for c in 0..7 {
                    assert!((row[c] * scale - m[[r, c]]).abs() < 1e-4);
                }
            }
        }
        // A non-standard layout (transposed view) gives the same as its standard copy.
        let t = m.t().to_owned();
        let back = unit_rows_of(t.t());
        assert_eq!(back, unit);
    }
}
