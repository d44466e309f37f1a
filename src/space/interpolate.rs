//! Linear interpolation between two frames of 3D coordinates, for smooth playback between
//! training snapshots (the viewer calls this every rendered frame, so there is an
//! allocation-free variant).

use ndarray::{Array2, ArrayView2, ArrayViewMut2, Zip};

/// `a + t·(b − a)` element-wise; `t` is clamped to [0, 1]. Shapes must match (panics otherwise,
/// like ndarray arithmetic).
pub fn interpolate(a: ArrayView2<f32>, b: ArrayView2<f32>, t: f32) -> Array2<f32> {
    let mut out = Array2::zeros(a.raw_dim());
    interpolate_into(a, b, t, out.view_mut());
    out
}

/// Like [`interpolate`], writing into `out` (same shape) to avoid allocating per frame.
pub fn interpolate_into(a: ArrayView2<f32>, b: ArrayView2<f32>, t: f32, out: ArrayViewMut2<f32>) {
    let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
    Zip::from(out)
        .and(&a)
        .and(&b)
        .for_each(|o, &x, &y| *o = x + t * (y - x));
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn end_points_and_middle() {
        let a = array![[0.0f32, 1.0, 2.0], [3.0, 4.0, 5.0]];
        let b = array![[2.0f32, 1.0, 0.0], [-3.0, 8.0, 5.0]];
        assert_eq!(interpolate(a.view(), b.view(), 0.0), a);
        assert_eq!(interpolate(a.view(), b.view(), 1.0), b);
        assert_eq!(
            interpolate(a.view(), b.view(), 0.5),
            array![[1.0f32, 1.0, 1.0], [0.0, 6.0, 5.0]]
        );
        let mut out = Array2::zeros((2, 3));
        interpolate_into(a.view(), b.view(), 7.0, out.view_mut());
        assert_eq!(out, b);
    }
}
