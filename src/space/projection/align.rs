//! Stable 3D frames across training snapshots, so that a point moves on screen (as far as
//! possible) only because its vector moved.
//!
//! * [`ProjectionMode::Fixed`]: one PCA basis (fitted on a reference frame, by default the latest)
//!   and one scale for every frame — honest distances, but the random-init cloud looks tiny.
//! * [`ProjectionMode::Aligned`] (default): each frame gets its own PCA, scaled so its RMS radius
//!   is 1 (tiny early clouds and large trained maps both fill the view), then rotated onto the
//!   previous frame's coordinates by orthogonal Procrustes. Reflections are allowed on purpose:
//!   PCA eigenvector signs are arbitrary, so a sign flip of an axis is exactly the kind of jump
//!   we must undo, and any orthogonal transform of a PCA basis is an equally valid orthonormal
//!   projection of the same vectors.
//!
//! [`FrameProjector`] is incremental: the live trainer pushes snapshots one at a time.

use ndarray::{Array2, ArrayView2};

use crate::space::SpaceError;
use crate::space::projection::project::{Pca3, PcaOptions, PcaSolver, fit_pca3};

/// How snapshots are placed in a common 3D frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProjectionMode {
    /// One basis and scale for all frames.
    Fixed,
    /// Per-frame PCA, normalised scale, Procrustes-aligned to the previous frame.
    #[default]
    Aligned,
}

/// Projects a sequence of snapshots (same rows, same order) into stable 3D frames.
#[derive(Debug, Clone)]
pub struct FrameProjector {
    mode: ProjectionMode,
    opts: PcaOptions,
    /// Reference frame of Fixed mode in `reproject_all`; `None` = the latest.
    fixed_reference: Option<usize>,
    /// Fixed mode: the basis and world scale in use.
    fixed: Option<(Pca3, f32)>,
    frames: Vec<Array2<f32>>,
    /// Per frame: variance shares of the PCA fit that produced it.
    variance_shares: Vec<[f32; 3]>,
    /// Per frame: the solver of the PCA fit that produced it.
    solvers: Vec<PcaSolver>,
}

impl FrameProjector {
    pub fn new(mode: ProjectionMode, opts: PcaOptions) -> Self {
        Self {
            mode,
            opts,
            fixed_reference: None,
            fixed: None,
            frames: Vec::new(),
            variance_shares: Vec::new(),
            solvers: Vec::new(),
        }
    }

    pub fn mode(&self) -> ProjectionMode {
        self.mode
    }

    /// Which frame `reproject_all` fits the Fixed basis on (`None` = latest, the default).
    pub fn set_fixed_reference(&mut self, frame: Option<usize>) {
        self.fixed_reference = frame;
    }

    /// Changes the mode for later pushes; call [`FrameProjector::reproject_all`] to redo the
    /// frames already projected.
    pub fn set_mode(&mut self, mode: ProjectionMode) {
        if mode != self.mode {
            self.mode = mode;
            self.fixed = None;
        }
    }

    /// The N x 3 coordinates of every frame pushed so far, in push order.
    pub fn frames(&self) -> &[Array2<f32>] {
        &self.frames
    }

    /// Per frame, the share of total variance on each of the 3 PCA axes of its fit (Aligned:
    /// that frame's own PCA, before the alignment rotation mixes the axes — so read the sum as
    /// "how much of the space the 3D view shows"; Fixed: the reference fit's shares).
    pub fn variance_shares(&self) -> &[[f32; 3]] {
        &self.variance_shares
    }

    /// Per frame, which PCA solver produced it (the viewer shows it).
    pub fn solvers(&self) -> &[PcaSolver] {
        &self.solvers
    }

    /// Forgets all frames (and the Fixed basis).
    pub fn clear(&mut self) {
        self.variance_shares.clear();
        self.solvers.clear();
        self.frames.clear();
        self.fixed = None;
    }

    /// Projects one more snapshot (N x D) and returns its N x 3 coordinates (also stored).
    /// In Fixed mode during live pushing, the basis is fitted on the first frame pushed (the
    /// latest is not known yet); `reproject_all` refits on the chosen reference.
    pub fn push(&mut self, frame: ArrayView2<f32>) -> Result<Array2<f32>, SpaceError> {
        if let Some(first) = self.frames.first()
            && first.nrows() != frame.nrows()
        {
            return Err(SpaceError::Shape(format!(
                "frame has {} rows, earlier frames have {}",
                frame.nrows(),
                first.nrows()
            )));
        }
        let (coords_3d, shares, solver) = match self.mode {
            ProjectionMode::Fixed => {
                if self.fixed.is_none() {
                    self.fixed = Some(fit_fixed(frame, &self.opts)?);
                }
                match &self.fixed {
                    Some((pca, scale)) => {
                        let mut c = pca.try_project(frame)?;
                        c *= *scale;
                        (c, pca.explained_variance_ratio, pca.solver)
                    }
                    None => return Err(SpaceError::Empty),
                }
            }
            ProjectionMode::Aligned => {
                let pca = fit_pca3(frame, &self.opts)?;
                let mut c = pca.project(frame);
                normalise_rms_radius(&mut c);
                if let Some(prev) = self.frames.last() {
                    let rotation = procrustes_rotation(c.view(), prev.view());
                    c = c.dot(&rotation);
                }
                (c, pca.explained_variance_ratio, pca.solver)
            }
        };
        self.variance_shares.push(shares);
        self.solvers.push(solver);
        self.frames.push(coords_3d.clone());
        Ok(coords_3d)
    }

    /// Recomputes every frame from the given snapshots with the current mode (e.g. after
    /// [`FrameProjector::set_mode`]); replaces the stored frames.
    pub fn reproject_all(&mut self, frames: &[ArrayView2<f32>]) -> Result<(), SpaceError> {
        self.clear();
        if frames.is_empty() {
            return Ok(());
        }
        if self.mode == ProjectionMode::Fixed {
            let reference = self
                .fixed_reference
                .unwrap_or(frames.len() - 1)
                .min(frames.len() - 1);
            self.fixed = Some(fit_fixed(frames[reference], &self.opts)?);
        }
        for frame in frames {
            self.push(*frame)?;
        }
        Ok(())
    }
}

/// Fixed-mode basis plus the scale that gives the reference frame an RMS radius of 1.
fn fit_fixed(frame: ArrayView2<f32>, opts: &PcaOptions) -> Result<(Pca3, f32), SpaceError> {
    let pca = fit_pca3(frame, opts)?;
    let coords = pca.project(frame);
    let rms = rms_radius(&coords);
    let scale = if rms > 0.0 { 1.0 / rms } else { 1.0 };
    Ok((pca, scale))
}

fn rms_radius(coords_3d: &Array2<f32>) -> f32 {
    let n = coords_3d.nrows().max(1) as f64;
    let sum_sq: f64 = coords_3d.iter().map(|&v| f64::from(v) * f64::from(v)).sum();
    (sum_sq / n).sqrt() as f32
}

/// Scales centred coordinates so their RMS distance from the origin is 1 (all-zero stays zero).
pub fn normalise_rms_radius(coords_3d: &mut Array2<f32>) {
    let rms = rms_radius(coords_3d);
    if rms > 0.0 {
        coords_3d.mapv_inplace(|v| v / rms);
    }
}

/// The orthogonal 3x3 `R` minimising ‖source·R − target‖ (Procrustes; det may be −1 — see the
/// module docs). Falls back to the identity if the SVD fails or is not orthogonal to 1e-4.
pub fn procrustes_rotation(source: ArrayView2<f32>, target: ArrayView2<f32>) -> Array2<f32> {
    use linfa_linalg::svd::SVD;
    let identity = Array2::<f32>::eye(3);
    if source.dim() != target.dim() || source.ncols() != 3 {
        return identity;
    }
    let m = source.mapv(f64::from).t().dot(&target.mapv(f64::from)); // 3 x 3
    if m.iter().all(|&v| v == 0.0) || m.iter().any(|v| !v.is_finite()) {
        return identity;
    }
    let Ok((Some(u), _sigma, Some(vt))) = m.svd(true, true) else {
        return identity;
    };
    if u.dim() != (3, 3) || vt.dim() != (3, 3) {
        return identity;
    }
    let r = u.dot(&vt);
    let gram = r.t().dot(&r);
    let orthogonal = (0..3)
        .all(|i| (0..3).all(|j| (gram[[i, j]] - if i == j { 1.0 } else { 0.0 }).abs() < 1e-4));
    if !orthogonal {
        return identity;
    }
    r.mapv(|v| v as f32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array, Array2, array};
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn structured(n: usize, d: usize, seed: u64) -> Array2<f32> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        // Decreasing column scales give well-separated principal axes.
        Array::from_shape_fn((n, d), |(_, j)| {
            rng.gen_range(-1.0f32..1.0) * (d - j) as f32
        })
    }

    fn max_abs_diff(a: &Array2<f32>, b: &Array2<f32>) -> f32 {
        (a - b).mapv(f32::abs).fold(0.0, |m, &v| m.max(v))
    }

    #[test]
    fn aligned_mode_undoes_flip_and_rotation() {
        let frame = structured(300, 8, 1);
        // The same space, rotated in its own D dims and with an axis sign-flipped: its PCA may
        // come out with other signs, yet the aligned coordinates must match the first frame.
        let (c, s) = (0.6f32, 0.8f32);
        let mut rot = Array2::<f32>::eye(8);
        rot[[0, 0]] = c;
        rot[[0, 1]] = -s;
        rot[[1, 0]] = s;
        rot[[1, 1]] = c;
        rot[[2, 2]] = -1.0;
        let moved = frame.dot(&rot) * 5.0; // scale must not matter either
        let mut fp = FrameProjector::new(ProjectionMode::Aligned, PcaOptions::default());
        let a = fp.push(frame.view()).unwrap();
        let b = fp.push(moved.view()).unwrap();
        assert!(max_abs_diff(&a, &b) < 1e-4, "{}", max_abs_diff(&a, &b));
        assert_eq!(fp.frames().len(), 2);
        assert_eq!(fp.variance_shares().len(), 2);
        // RMS radius is 1.
        let rms = (a.iter().map(|v| v * v).sum::<f32>() / a.nrows() as f32).sqrt();
        assert!((rms - 1.0).abs() < 1e-4);
    }

    #[test]
    fn procrustes_undoes_a_3d_rotation_and_reflection() {
        let p = structured(50, 3, 2);
        let rot = array![[0.0f32, 1.0, 0.0], [-1.0, 0.0, 0.0], [0.0, 0.0, -1.0]];
        let q = p.dot(&rot);
        let r = procrustes_rotation(q.view(), p.view());
        assert!(max_abs_diff(&q.dot(&r), &p) < 1e-4);
        let gram = r.t().dot(&r);
        assert!(max_abs_diff(&gram, &Array2::eye(3)) < 1e-5);
        // Degenerate input falls back to the identity.
        let z = Array2::<f32>::zeros((5, 3));
        assert_eq!(
            procrustes_rotation(z.view(), z.view()),
            Array2::<f32>::eye(3)
        );
    }

    #[test]
    fn fixed_mode_uses_one_basis() {
        let f0 = structured(200, 6, 3) * 0.01;
        let f1 = structured(200, 6, 4);
        let mut fp = FrameProjector::new(ProjectionMode::Fixed, PcaOptions::default());
        fp.reproject_all(&[f0.view(), f1.view()]).unwrap();
        let pca = fit_pca3(f1.view(), &PcaOptions::default()).unwrap();
        let want1 = pca.project(f1.view());
        let scale = 1.0 / rms_radius(&want1);
        let want0 = pca.project(f0.view()) * scale;
        assert!(max_abs_diff(&fp.frames()[0], &want0) < 1e-4);
        assert!(max_abs_diff(&fp.frames()[1], &(want1 * scale)) < 1e-4);
        // Switching mode and reprojecting gives per-frame normalised coordinates.
        fp.set_mode(ProjectionMode::Aligned);
        fp.reproject_all(&[f0.view(), f1.view()]).unwrap();
        let rms0 = rms_radius(&fp.frames()[0]);
        assert!((rms0 - 1.0).abs() < 1e-4);
    }

    #[test]
    fn mismatched_frames_are_an_error() {
        let mut fp = FrameProjector::new(ProjectionMode::Aligned, PcaOptions::default());
        fp.push(structured(10, 4, 5).view()).unwrap();
        assert!(fp.push(structured(11, 4, 5).view()).is_err());
    }
}
