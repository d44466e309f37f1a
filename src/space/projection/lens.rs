//! Projections chosen to show one relation or two chosen directions, instead of the directions of
//! largest variance (PCA), which hide a relation's arrows in a clump.
//!
//! * [`relation_lens`]: axis 1 is the relation's unit mean offset (mean of tail − head, e.g.
//!   巴黎−法国, 东京−日本, …); axes 2 and 3 are the top two principal directions of the
//!   relation's own words (heads and tails, centred) after axis 1 is projected out. The arrows
//!   then point along axis 1, are as long as the space makes them, and spread over the other two
//!   axes, so their parallelism is visible. Axes 2 and 3 follow where the words lie, deviations
//!   of the offsets included, on purpose: choosing axis 1 as the mean offset already favours
//!   parallel-looking arrows (each offset has a positive part along the mean of a few), and
//!   other choices tried here — the pair centres' PCA, or directions where the offsets agree —
//!   drew four random, unrelated pairs at a mean parallelism of 0.85 (eight draws) and three
//!   unrelated demo pairs at 0.99. The test `lens_does_not_invent_parallelism` guards this.
//! * [`semantic_axes`] (as in the TensorFlow Projector's custom projection and whatlies):
//!   X = unit(B − A) for two words (or a relation's mean offset), Y likewise for a second
//!   direction made orthogonal to X (or, without one, from the PCA), Z = the PCA of all the data
//!   with X and Y removed.
//!
//! Either way the result is a [`LensBasis`]: an orthonormal 3 x D basis plus a centre, which
//! places every word (not only the relation's). [`LensBasis::to_pca3`] gives the same
//! [`Pca3`] type as the PCA projection, for code that already projects with one.
//!
//! Frames: a lens is refitted on each training snapshot (the offsets change as training runs),
//! so the defined axes keep their meaning on every frame; the free axes (PCA directions, whose
//! sign and, for near-equal variances, order are arbitrary) are matched to the previous frame's
//! basis by [`LensBasis::align_to`] — sign flips and a swap, never a rotation, so axis 1 stays the
//! offset. [`LensProjector`] does this frame by frame, like `align::FrameProjector`.
//!
//! [`on_screen_parallelism`] is the relation's consistency measured on the 3D coordinates (mean
//! pairwise cosine of the projected offsets); [`full_space_consistency`] is the same formula on
//! the full vectors (as `relations::score_relations` reports it).

use std::collections::BTreeSet;

use ndarray::{Array1, Array2, ArrayView2, Axis};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::space::SpaceError;
use crate::space::meaning::relations::mean_pairwise_cosine;
use crate::space::projection::align::normalise_rms_radius;
use crate::space::projection::project::{Pca3, PcaOptions};

/// Eigenvalues below this share of the largest (or of the trace) count as zero variance.
const RELATIVE_EPS: f64 = 1e-9;

/// Rows per block of the semantic axes' scatter matrix (f32 products, summed in f64).
const SCATTER_BLOCK_ROWS: usize = 4096;

/// An orthonormal 3D basis with a centre: coordinates = (x − centre) · axesᵀ.
#[derive(Debug, Clone, PartialEq)]
pub struct LensBasis {
    /// The point placed at the origin (length D).
    pub centre: Array1<f32>,
    /// 3 x D, orthonormal rows: the three screen axes.
    pub axes: Array2<f32>,
    /// How many leading axes have a meaning-given direction (1 for a relation lens, 1 or 2 for
    /// semantic axes): [`LensBasis::align_to`] never changes them.
    pub defined_axes: usize,
    /// Share of the fitted rows' total variance along each axis (relation lens: the relation's
    /// words; semantic axes: the data's rows used for the fit).
    pub variance_shares: [f32; 3],
}

impl LensBasis {
    /// Places rows (N x D) in 3D (N x 3). Errors if D differs from the basis.
    pub fn project(&self, data: ArrayView2<f32>) -> Result<Array2<f32>, SpaceError> {
        self.to_pca3().try_project(data)
    }

    /// The same projection as a [`Pca3`] (basis = axes as columns, mean = centre).
    pub fn to_pca3(&self) -> Pca3 {
        Pca3 {
            mean: self.centre.clone(),
            basis: self.axes.t().to_owned(),
            explained_variance_ratio: self.variance_shares,
            // The lens axes come from an exact eigendecomposition of the relation's words.
            solver: crate::space::PcaSolver::Exact,
        }
    }

    /// Makes the free axes agree with `previous` (same D): if the two free axes of this basis
    /// match the previous ones better crosswise, they are swapped; then each free axis whose
    /// cosine with its previous counterpart is negative is flipped. Both are symmetries of the
    /// fit (eigenvector sign and order among near-equal variances are arbitrary), so the basis
    /// stays as valid while animation over frames stays smooth.
    pub fn align_to(&mut self, previous: &LensBasis) {
        if previous.axes.dim() != self.axes.dim() {
            return;
        }
        let fixed = self.defined_axes.max(previous.defined_axes).min(3);
        let dot = |a: usize, b: usize| -> f32 { self.axes.row(a).dot(&previous.axes.row(b)) };
        if fixed == 1 {
            let straight = dot(1, 1).abs() + dot(2, 2).abs();
            let crossed = dot(1, 2).abs() + dot(2, 1).abs();
            if crossed > straight {
                let first = self.axes.row(1).to_owned();
                let second = self.axes.row(2).to_owned();
                self.axes.row_mut(1).assign(&second);
                self.axes.row_mut(2).assign(&first);
                self.variance_shares.swap(1, 2);
            }
        }
        for axis in fixed..3 {
            if self.axes.row(axis).dot(&previous.axes.row(axis)) < 0.0 {
                self.axes.row_mut(axis).mapv_inplace(|v| -v);
            }
        }
    }
}

/// One direction given by meaning: from word A to word B, or a relation's mean offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AxisDirection {
    /// unit(row `to` − row `from`).
    Words { from: usize, to: usize },
    /// unit(mean over pairs of tail − head), pairs as (head row, tail row).
    Relation(Vec<(usize, usize)>),
}

/// The ways a user may write "the direction from word A to word B" in an axis spec, in the
/// order they are tried: `man->woman`, `man→woman`, `man>woman` (which a shell takes for a
/// redirect unless quoted) and `man:woman`.
pub const AXIS_WORD_SEPARATORS: [&str; 4] = ["->", "→", ">", ":"];

/// Splits a `WORD>WORD` axis (any of [`AXIS_WORD_SEPARATORS`]) into its two words, trimmed;
/// `None` when `spec` holds no separator or a side is empty. A relation set whose name holds
/// `→` (`国家→首都`) is matched by name before this is tried.
pub fn split_axis_words(spec: &str) -> Option<(&str, &str)> {
    AXIS_WORD_SEPARATORS.iter().find_map(|separator| {
        let (from, to) = spec.split_once(separator)?;
        let (from, to) = (from.trim(), to.trim());
        (!from.is_empty() && !to.is_empty()).then_some((from, to))
    })
}

/// The relation lens of `matrix` (rows = words) for `pairs` of (head row, tail row); see the
/// module docs. The centre is the mean of the relation's words. Errors on no pairs, rows out of
/// range, non-finite values, or offsets that cancel out (mean offset zero).
pub fn relation_lens(
    matrix: ArrayView2<f32>,
    pairs: &[(usize, usize)],
) -> Result<LensBasis, SpaceError> {
    let axis_1 = mean_offset_direction(matrix, pairs)?;
    let rows: Vec<usize> = pairs
        .iter()
        .flat_map(|&(h, t)| [h, t])
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let words = matrix.select(Axis(0), &rows).mapv(f64::from);
    if words.iter().any(|v| !v.is_finite()) {
        return Err(SpaceError::Invalid(
            "relation words contain NaN or infinite values".into(),
        ));
    }
    let centre = words.mean_axis(Axis(0)).ok_or(SpaceError::Empty)?;
    let centred = &words - &centre;
    let total_variance = sum_of_squares(&centred);
    let share_along = |axis: &Array1<f64>| share(sum_sq_1d(&centred.dot(axis)), total_variance);
    let mut axes = vec![axis_1];
    let mut rest = centred.clone();
    remove_direction(&mut rest, &axes[0]);
    let candidates = top_row_directions(&rest, 2)?;
    for direction in candidates {
        if axes.len() == 3 {
            break;
        }
        if let Some(unit) = orthonormalised(direction, &axes) {
            axes.push(canonical_sign(unit));
        }
    }
    complete_basis(&mut axes, matrix.ncols());
    let mut shares = [0.0f32; 3];
    for (i, axis) in axes.iter().enumerate() {
        shares[i] = share_along(axis);
    }
    Ok(LensBasis {
        centre: centre.mapv(|v| v as f32),
        axes: stack_axes(&axes),
        defined_axes: 1,
        variance_shares: shares,
    })
}

/// Up to `count` top principal directions of a few centred rows, exactly: eigenvectors of the
/// small k x k Gram matrix mapped back (v = Xᵀu), far cheaper than a D x D covariance. Directions
/// of (numerically) zero variance are left out.
fn top_row_directions(rows: &Array2<f64>, count: usize) -> Result<Vec<Array1<f64>>, SpaceError> {
    let (values, vectors) = eigh_desc(rows.dot(&rows.t()))?;
    let largest = values.first().copied().unwrap_or(0.0).max(0.0);
    Ok(values
        .iter()
        .enumerate()
        .take(count)
        .take_while(|&(_, &value)| value > RELATIVE_EPS * largest.max(f64::MIN_POSITIVE))
        .map(|(k, _)| rows.t().dot(&vectors.column(k)))
        .collect())
}

/// Semantic axes: X from `x`, Y from `y` (made orthogonal to X) or, when `y` is `None`, from
/// the PCA; the remaining axes from the PCA of `matrix` (rows sampled as `opts` says) with the
/// defined directions projected out. The centre is the mean of the fitted rows. Errors as
/// [`relation_lens`], and when Y is parallel to X.
pub fn semantic_axes(
    matrix: ArrayView2<f32>,
    x: &AxisDirection,
    y: Option<&AxisDirection>,
    opts: &PcaOptions,
) -> Result<LensBasis, SpaceError> {
    let d = matrix.ncols();
    let mut axes = vec![direction_of(matrix, x)?];
    if let Some(y) = y {
        let raw = direction_of(matrix, y)?;
        let unit = orthonormalised(raw, &axes).ok_or_else(|| {
            SpaceError::Invalid("the Y direction is parallel to the X direction".into())
        })?;
        axes.push(unit);
    }
    let defined_axes = axes.len();
    let mut fit = sample_rows(matrix, opts);
    if fit.iter().any(|v| !v.is_finite()) {
        return Err(SpaceError::Invalid(
            "data contains NaN or infinite values".into(),
        ));
    }
    if fit.nrows() == 0 {
        return Err(SpaceError::Empty);
    }
    let n = fit.nrows() as f64;
    let centre: Array1<f64> = fit
        .columns()
        .into_iter()
        .map(|c| c.iter().map(|&v| f64::from(v)).sum::<f64>() / n)
        .collect();
    // Centre in place (f32, no second copy of the rows), then the D x D scatter matrix in
    // row blocks: f32 products, f64 sums (D is a few hundred at most for word vectors).
    fit -= &centre.mapv(|v| v as f32);
    let mut scatter = Array2::<f64>::zeros((d, d));
    for block in fit.axis_chunks_iter(Axis(0), SCATTER_BLOCK_ROWS) {
        scatter.zip_mut_with(&block.t().dot(&block), |s, &v| *s += f64::from(v));
    }
    let total_variance = scatter.diag().sum();
    let mut shares = [0.0f32; 3];
    for (i, axis) in axes.iter().enumerate() {
        shares[i] = share(axis.dot(&scatter.dot(axis)), total_variance);
    }
    // What is left once the defined directions are removed: P·S·P with P = I − Σ a·aᵀ.
    let mut projector = Array2::<f64>::eye(d);
    for axis in &axes {
        let column = axis.view().insert_axis(Axis(1));
        projector -= &column.dot(&column.t());
    }
    let rest = projector.dot(&scatter).dot(&projector);
    let (values, vectors) = eigh_desc(rest)?;
    let largest = values.first().copied().unwrap_or(0.0).max(0.0);
    for (k, &value) in values.iter().enumerate() {
        if axes.len() == 3 || value <= RELATIVE_EPS * largest.max(f64::MIN_POSITIVE) {
            break;
        }
        if let Some(unit) = orthonormalised(vectors.column(k).to_owned(), &axes) {
            shares[axes.len()] = share(value, total_variance);
            axes.push(canonical_sign(unit));
        }
    }
    complete_basis(&mut axes, d);
    Ok(LensBasis {
        centre: centre.mapv(|v| v as f32),
        axes: stack_axes(&axes),
        defined_axes,
        variance_shares: shares,
    })
}

/// How parallel a relation's arrows look on screen: the mean pairwise cosine of the 3D offsets
/// tail − head (same formula as the full-space consistency). `None` with fewer than 2 pairs.
pub fn on_screen_parallelism(
    coords_3d: ArrayView2<f32>,
    pairs: &[(usize, usize)],
) -> Result<Option<f32>, SpaceError> {
    offsets_consistency(coords_3d, pairs)
}

/// The relation's consistency in the full space (mean pairwise cosine of tail − head over all
/// D dimensions), from row pairs: the figure to show next to [`on_screen_parallelism`].
pub fn full_space_consistency(
    matrix: ArrayView2<f32>,
    pairs: &[(usize, usize)],
) -> Result<Option<f32>, SpaceError> {
    offsets_consistency(matrix, pairs)
}

fn offsets_consistency(
    points: ArrayView2<f32>,
    pairs: &[(usize, usize)],
) -> Result<Option<f32>, SpaceError> {
    check_rows(points.nrows(), pairs)?;
    let offsets: Vec<Array1<f32>> = pairs
        .iter()
        .map(|&(h, t)| &points.row(t) - &points.row(h))
        .collect();
    Ok(mean_pairwise_cosine(&offsets))
}

/// What a lens projector fits on each frame.
#[derive(Debug, Clone, PartialEq)]
pub enum LensKind {
    /// [`relation_lens`] of these (head row, tail row) pairs.
    Relation(Vec<(usize, usize)>),
    /// [`semantic_axes`] with these directions.
    Semantic {
        x: AxisDirection,
        y: Option<AxisDirection>,
    },
}

/// Projects a sequence of snapshots (same rows, same order) through a lens refitted on each
/// frame, with the free axes matched to the previous frame ([`LensBasis::align_to`]) and a
/// per-frame scale: the relation's words (relation lens) or all rows (semantic axes) get an
/// RMS distance of 1 from the centre, so a relation fills the view on every frame while other
/// words may lie outside it.
#[derive(Debug, Clone)]
pub struct LensProjector {
    kind: LensKind,
    opts: PcaOptions,
    previous: Option<LensBasis>,
    frames: Vec<Array2<f32>>,
    bases: Vec<LensBasis>,
}

impl LensProjector {
    pub fn new(kind: LensKind, opts: PcaOptions) -> Self {
        Self {
            kind,
            opts,
            previous: None,
            frames: Vec::new(),
            bases: Vec::new(),
        }
    }

    pub fn kind(&self) -> &LensKind {
        &self.kind
    }

    /// The N x 3 coordinates of every frame pushed so far.
    pub fn frames(&self) -> &[Array2<f32>] {
        &self.frames
    }

    /// The basis used for each frame (after sign alignment).
    pub fn bases(&self) -> &[LensBasis] {
        &self.bases
    }

    pub fn clear(&mut self) {
        self.previous = None;
        self.frames.clear();
        self.bases.clear();
    }

    /// Fits the lens on one more snapshot (N x D) and returns its N x 3 coordinates.
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
        let mut basis = match &self.kind {
            LensKind::Relation(pairs) => relation_lens(frame, pairs)?,
            LensKind::Semantic { x, y } => semantic_axes(frame, x, y.as_ref(), &self.opts)?,
        };
        if let Some(previous) = &self.previous {
            basis.align_to(previous);
        }
        let mut coords_3d = basis.project(frame)?;
        match &self.kind {
            LensKind::Relation(pairs) => {
                let rows: Vec<usize> = pairs.iter().flat_map(|&(h, t)| [h, t]).collect();
                let focus = coords_3d.select(Axis(0), &rows);
                let rms = (focus
                    .iter()
                    .map(|&v| f64::from(v) * f64::from(v))
                    .sum::<f64>()
                    / focus.nrows().max(1) as f64)
                    .sqrt() as f32;
                if rms > 0.0 {
                    coords_3d.mapv_inplace(|v| v / rms);
                }
            }
            LensKind::Semantic { .. } => normalise_rms_radius(&mut coords_3d),
        }
        self.previous = Some(basis.clone());
        self.bases.push(basis);
        self.frames.push(coords_3d.clone());
        Ok(coords_3d)
    }

    /// Recomputes every frame from the given snapshots; replaces the stored frames.
    pub fn reproject_all(&mut self, frames: &[ArrayView2<f32>]) -> Result<(), SpaceError> {
        self.clear();
        for frame in frames {
            self.push(*frame)?;
        }
        Ok(())
    }
}

fn check_rows(rows: usize, pairs: &[(usize, usize)]) -> Result<(), SpaceError> {
    for &(h, t) in pairs {
        for row in [h, t] {
            if row >= rows {
                return Err(SpaceError::RowOutOfRange { row, rows });
            }
        }
    }
    Ok(())
}

/// unit(mean of tail − head) in f64.
fn mean_offset_direction(
    matrix: ArrayView2<f32>,
    pairs: &[(usize, usize)],
) -> Result<Array1<f64>, SpaceError> {
    if pairs.is_empty() {
        return Err(SpaceError::Invalid(
            "a relation needs at least one pair".into(),
        ));
    }
    check_rows(matrix.nrows(), pairs)?;
    let mut sum = Array1::<f64>::zeros(matrix.ncols());
    for &(h, t) in pairs {
        sum.zip_mut_with(&(&matrix.row(t) - &matrix.row(h)), |s, &v| {
            *s += f64::from(v)
        });
    }
    sum /= pairs.len() as f64;
    unit(sum).ok_or_else(|| {
        SpaceError::Invalid("the relation's offsets cancel out (mean offset is zero)".into())
    })
}

fn direction_of(
    matrix: ArrayView2<f32>,
    direction: &AxisDirection,
) -> Result<Array1<f64>, SpaceError> {
    match direction {
        AxisDirection::Words { from, to } => {
            check_rows(matrix.nrows(), &[(*from, *to)])?;
            let raw = (&matrix.row(*to) - &matrix.row(*from)).mapv(f64::from);
            unit(raw).ok_or_else(|| {
                SpaceError::Invalid(format!("rows {from} and {to} have the same vector"))
            })
        }
        AxisDirection::Relation(pairs) => mean_offset_direction(matrix, pairs),
    }
}

fn unit(v: Array1<f64>) -> Option<Array1<f64>> {
    let norm = v.dot(&v).sqrt();
    (norm.is_finite() && norm > 0.0).then(|| v / norm)
}

/// `v` with its components along the (orthonormal) `axes` removed — twice, for numerical
/// safety (classical Gram-Schmidt reorthogonalisation) — normalised; `None` if nothing is left.
fn orthonormalised(mut v: Array1<f64>, axes: &[Array1<f64>]) -> Option<Array1<f64>> {
    let original = v.dot(&v).sqrt();
    for _ in 0..2 {
        for a in axes {
            let along = v.dot(a);
            v.scaled_add(-along, a);
        }
    }
    let norm = v.dot(&v).sqrt();
    (norm > 1e-9 * original.max(f64::MIN_POSITIVE)).then(|| v / norm)
}

/// Eigenvector signs are arbitrary: make the largest-magnitude entry positive, as the PCA does,
/// so the same data always gives the same picture.
fn canonical_sign(v: Array1<f64>) -> Array1<f64> {
    let pivot = v.iter().copied().fold(
        0.0f64,
        |best, x| if x.abs() > best.abs() { x } else { best },
    );
    if pivot < 0.0 { -v } else { v }
}

/// Fills `axes` up to 3 with coordinate directions (in order) orthogonal to those present. Only
/// reached for degenerate input (e.g. a relation of one pair has no spread beyond its offset).
fn complete_basis(axes: &mut Vec<Array1<f64>>, d: usize) {
    for j in 0..d {
        if axes.len() >= 3 {
            break;
        }
        let mut e = Array1::<f64>::zeros(d);
        e[j] = 1.0;
        if let Some(unit) = orthonormalised(e, axes) {
            axes.push(unit);
        }
    }
    // D < 3: the missing axes are flat (zero), as in the PCA projection.
    while axes.len() < 3 {
        axes.push(Array1::zeros(d));
    }
}

fn stack_axes(axes: &[Array1<f64>]) -> Array2<f32> {
    let d = axes.first().map_or(0, Array1::len);
    let mut out = Array2::<f32>::zeros((3, d));
    for (i, a) in axes.iter().take(3).enumerate() {
        out.row_mut(i).assign(&a.mapv(|v| v as f32));
    }
    out
}

fn remove_direction(rows: &mut Array2<f64>, direction: &Array1<f64>) {
    let along = rows.dot(direction);
    for (mut row, &a) in rows.outer_iter_mut().zip(along.iter()) {
        row.scaled_add(-a, direction);
    }
}

fn sum_of_squares(m: &Array2<f64>) -> f64 {
    m.iter().map(|v| v * v).sum()
}

fn sum_sq_1d(v: &Array1<f64>) -> f64 {
    v.iter().map(|x| x * x).sum()
}

fn share(part: f64, total: f64) -> f32 {
    if total > 0.0 {
        (part.max(0.0) / total) as f32
    } else {
        0.0
    }
}

/// Eigenpairs of a symmetric matrix, eigenvalues decreasing (vectors as columns).
fn eigh_desc(sym: Array2<f64>) -> Result<(Vec<f64>, Array2<f64>), SpaceError> {
    use linfa_linalg::eigh::EighInto;
    let n = sym.nrows();
    let (values, vectors) = sym
        .eigh_into()
        .map_err(|e| SpaceError::Linalg(format!("symmetric eigendecomposition: {e}")))?;
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| values[b].total_cmp(&values[a]));
    Ok((
        order.iter().map(|&i| values[i]).collect(),
        vectors.select(Axis(1), &order),
    ))
}

/// A seeded random subset of at most `max_fit_rows` rows (all rows when fewer).
fn sample_rows(data: ArrayView2<f32>, opts: &PcaOptions) -> Array2<f32> {
    let n = data.nrows();
    let keep = opts.max_fit_rows.max(2);
    if n <= keep {
        return data.to_owned();
    }
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let mut rows = rand::seq::index::sample(&mut rng, n, keep).into_vec();
    rows.sort_unstable();
    data.select(Axis(0), &rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_words_accept_every_separator() {
        for spec in [
            "man>woman",
            "man->woman",
            "man→woman",
            "man:woman",
            " man > woman ",
        ] {
            assert_eq!(split_axis_words(spec), Some(("man", "woman")), "{spec}");
        }
        assert_eq!(split_axis_words("法国→巴黎"), Some(("法国", "巴黎")));
        // `->` is tried before `>`, so the arrow is not split in the middle.
        assert_eq!(split_axis_words("a->b"), Some(("a", "b")));
        for spec in ["man", "man>", ">woman", "", "country capital"] {
            assert_eq!(split_axis_words(spec), None, "{spec:?}");
        }
    }
    use crate::space::projection::project::fit_pca3;
    use ndarray::{Array, ArrayView1};
    use rand::Rng;

    fn cosine(a: ArrayView1<f32>, b: ArrayView1<f32>) -> f32 {
        a.dot(&b) / (a.dot(&a).sqrt() * b.dot(&b).sqrt())
    }

    fn random_matrix(n: usize, d: usize, seed: u64) -> Array2<f32> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        Array::from_shape_fn((n, d), |_| rng.gen_range(-1.0f32..1.0))
    }

    /// `n_pairs` heads at random points; tail = head + a fixed offset (+ optional noise). The
    /// first 2·n_pairs rows are the relation (head 2i, tail 2i+1); `extra` random rows follow.
    fn synthetic_relation(
        n_pairs: usize,
        extra: usize,
        d: usize,
        offset_len: f32,
        noise: f32,
        seed: u64,
    ) -> (Array2<f32>, Vec<(usize, usize)>, Array1<f32>) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let offset = Array1::from_shape_fn(d, |_| rng.gen_range(-1.0f32..1.0));
        let offset = &offset / offset.dot(&offset).sqrt() * offset_len;
        let mut m = random_matrix(2 * n_pairs + extra, d, seed + 1) * 3.0;
        for i in 0..n_pairs {
            let head = m.row(2 * i).to_owned();
            let jitter = Array1::from_shape_fn(d, |_| rng.gen_range(-noise..=noise));
            m.row_mut(2 * i + 1).assign(&(&head + &offset + &jitter));
        }
        let pairs = (0..n_pairs).map(|i| (2 * i, 2 * i + 1)).collect();
        (m, pairs, offset)
    }

    fn assert_orthonormal(axes: &Array2<f32>) {
        let gram = axes.dot(&axes.t());
        for i in 0..3 {
            for j in 0..3 {
                let want = if i == j { 1.0 } else { 0.0 };
                assert!((gram[[i, j]] - want).abs() < 1e-4, "gram {gram:?}");
            }
        }
    }

    #[test]
    fn offset_direction_is_the_first_axis_and_basis_is_orthonormal() {
        let (m, pairs, offset) = synthetic_relation(10, 50, 40, 2.0, 0.0, 1);
        let lens = relation_lens(m.view(), &pairs).unwrap();
        assert_eq!(lens.axes.dim(), (3, 40));
        assert_orthonormal(&lens.axes);
        let c = cosine(lens.axes.row(0), offset.view());
        assert!((c - 1.0).abs() < 1e-5, "cos {c}");
        // Axes 2 and 3 are the relation words' top principal directions after removing axis 1:
        // they must capture more of that spread than any other direction, e.g. a random one.
        let coords = lens.project(m.view()).unwrap();
        let rel_rows: Vec<usize> = pairs.iter().flat_map(|&(h, t)| [h, t]).collect();
        let rel = coords.select(Axis(0), &rel_rows);
        let var = rel.var_axis(Axis(0), 0.0);
        assert!(var[1] >= var[2]);
        assert!(lens.variance_shares[1] >= lens.variance_shares[2]);
        assert!(lens.variance_shares.iter().sum::<f32>() <= 1.0 + 1e-5);
        // The centre is the relation words' mean: their coordinates average to zero.
        let mean = rel.mean_axis(Axis(0)).unwrap();
        assert!(mean.iter().all(|v| v.abs() < 1e-4), "{mean:?}");
        // Every arrow points along +axis 1 by the offset's length and nowhere else.
        for &(h, t) in &pairs {
            let arrow = &coords.row(t) - &coords.row(h);
            assert!(
                (arrow[0] - 2.0).abs() < 1e-3 && arrow[1].abs() < 1e-3,
                "{arrow:?}"
            );
        }
    }

    #[test]
    fn exact_relation_is_parallel_on_screen_but_not_under_pca_of_noisy_data() {
        // A short offset in 50 dimensions among large random spread: PCA barely sees it.
        let (m, pairs, _) = synthetic_relation(12, 300, 50, 1.0, 0.0, 2);
        let lens = relation_lens(m.view(), &pairs).unwrap();
        let lens_coords = lens.project(m.view()).unwrap();
        let in_lens = on_screen_parallelism(lens_coords.view(), &pairs)
            .unwrap()
            .unwrap();
        assert!(in_lens > 0.999, "{in_lens}");
        let full = full_space_consistency(m.view(), &pairs).unwrap().unwrap();
        assert!((full - 1.0).abs() < 1e-5, "{full}");
        // Identical offsets stay identical under any linear map, but PCA makes them short.
        let pca = fit_pca3(m.view(), &PcaOptions::default()).unwrap();
        let pca_coords = pca.project(m.view());
        let arrow_len = |c: &Array2<f32>| {
            let (h, t) = pairs[0];
            let a = &c.row(t) - &c.row(h);
            a.dot(&a).sqrt()
        };
        assert!((arrow_len(&lens_coords) - 1.0).abs() < 1e-3);
        assert!(arrow_len(&pca_coords) < 0.6, "{}", arrow_len(&pca_coords));
        // Noisy offsets: the lens still shows them parallel, the PCA view does not.
        let (noisy, pairs, _) = synthetic_relation(12, 300, 50, 1.0, 0.3, 3);
        let lens = relation_lens(noisy.view(), &pairs).unwrap();
        let in_lens = on_screen_parallelism(lens.project(noisy.view()).unwrap().view(), &pairs)
            .unwrap()
            .unwrap();
        let pca = fit_pca3(noisy.view(), &PcaOptions::default()).unwrap();
        let in_pca = on_screen_parallelism(pca.project(noisy.view()).view(), &pairs)
            .unwrap()
            .unwrap();
        let full = full_space_consistency(noisy.view(), &pairs)
            .unwrap()
            .unwrap();
        assert!(in_lens > 0.8 && in_lens < 0.999, "lens {in_lens}");
        assert!(in_lens > in_pca + 0.3, "lens {in_lens}, pca {in_pca}");
        assert!(full < in_lens, "full {full}, lens {in_lens}");
    }

    #[test]
    fn lens_does_not_invent_parallelism() {
        // Random pairs in 50 dimensions: no relation, so the lens must not draw them parallel.
        let mut sum = 0.0;
        for seed in 0..8 {
            let m = random_matrix(40, 50, 100 + seed);
            let pairs: Vec<(usize, usize)> = (0..4).map(|i| (2 * i, 2 * i + 1)).collect();
            let lens = relation_lens(m.view(), &pairs).unwrap();
            let coords = lens.project(m.view()).unwrap();
            sum += on_screen_parallelism(coords.view(), &pairs)
                .unwrap()
                .unwrap();
        }
        let mean = sum / 8.0;
        assert!(mean < 0.5, "{mean}");
    }

    #[test]
    fn stable_across_frames_without_sign_flips() {
        let (m, pairs, _) = synthetic_relation(15, 100, 30, 1.5, 0.2, 4);
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        let mut projector =
            LensProjector::new(LensKind::Relation(pairs.clone()), PcaOptions::default());
        let mut frame = m.clone();
        for _ in 0..6 {
            projector.push(frame.view()).unwrap();
            // Small drift, as between training snapshots.
            frame.mapv_inplace(|v| v + rng.gen_range(-0.01f32..0.01));
        }
        let bases = projector.bases();
        for w in bases.windows(2) {
            for axis in 0..3 {
                let c = cosine(w[0].axes.row(axis), w[1].axes.row(axis));
                assert!(c > 0.99, "axis {axis} cos {c}");
            }
        }
        // A flipped previous basis: alignment follows it on the free axes only.
        let mut flipped = bases[0].clone();
        flipped.axes.row_mut(1).mapv_inplace(|v| -v);
        flipped.axes.row_mut(0).mapv_inplace(|v| -v);
        let mut next = relation_lens(m.view(), &pairs).unwrap();
        next.align_to(&flipped);
        assert!(cosine(next.axes.row(1), flipped.axes.row(1)) > 0.99);
        assert!(
            cosine(next.axes.row(0), bases[0].axes.row(0)) > 0.99,
            "axis 1 keeps its meaning"
        );
        // Swapped free axes are swapped back.
        let mut swapped = bases[0].clone();
        let (a, b) = (
            swapped.axes.row(1).to_owned(),
            swapped.axes.row(2).to_owned(),
        );
        swapped.axes.row_mut(1).assign(&b);
        swapped.axes.row_mut(2).assign(&a);
        let mut next = relation_lens(m.view(), &pairs).unwrap();
        next.align_to(&swapped);
        assert!(cosine(next.axes.row(1), b.view()).abs() > 0.99);
        assert_orthonormal(&next.axes);
        // The relation's words have RMS radius 1 on every frame.
        let f = &projector.frames()[3];
        let rel_rows: Vec<usize> = pairs.iter().flat_map(|&(h, t)| [h, t]).collect();
        let rel = f.select(Axis(0), &rel_rows);
        let rms = (rel.iter().map(|v| v * v).sum::<f32>() / rel.nrows() as f32).sqrt();
        assert!((rms - 1.0).abs() < 1e-4, "{rms}");
    }

    #[test]
    fn semantic_axes_follow_the_chosen_words() {
        let m = random_matrix(200, 20, 5);
        let x = AxisDirection::Words { from: 0, to: 1 };
        let y = AxisDirection::Words { from: 2, to: 3 };
        let lens = semantic_axes(m.view(), &x, Some(&y), &PcaOptions::default()).unwrap();
        assert_orthonormal(&lens.axes);
        assert_eq!(lens.defined_axes, 2);
        let dx = &m.row(1) - &m.row(0);
        assert!((cosine(lens.axes.row(0), dx.view()) - 1.0).abs() < 1e-5);
        // Y lies in the plane of the two directions and is orthogonal to X.
        let dy = &m.row(3) - &m.row(2);
        let y_axis = lens.axes.row(1);
        let residual =
            &dy - &(&lens.axes.row(0) * dy.dot(&lens.axes.row(0))) - &(&y_axis * dy.dot(&y_axis));
        assert!(residual.dot(&residual).sqrt() < 1e-3 * dy.dot(&dy).sqrt());
        // Z is the direction of largest remaining variance: more than X's share on pure noise
        // is not guaranteed, but it must beat a random direction orthogonal to X and Y.
        let coords = lens.project(m.view()).unwrap();
        let z_var = coords.column(2).var(0.0);
        let probe = orthonormalised(
            Array1::from_shape_fn(20, |i| (i as f64 * 0.7).sin()),
            &[
                lens.axes.row(0).mapv(f64::from),
                lens.axes.row(1).mapv(f64::from),
            ],
        )
        .unwrap()
        .mapv(|v| v as f32);
        let probe_var = m.dot(&probe).var(0.0);
        assert!(z_var >= probe_var, "{z_var} < {probe_var}");
        // Parallel X and Y is an error; Y from the PCA works.
        assert!(semantic_axes(m.view(), &x, Some(&x), &PcaOptions::default()).is_err());
        let free = semantic_axes(m.view(), &x, None, &PcaOptions::default()).unwrap();
        assert_eq!(free.defined_axes, 1);
        assert_orthonormal(&free.axes);
    }

    #[test]
    fn semantic_projector_keeps_its_axes_over_frames() {
        let m = random_matrix(150, 16, 12);
        let kind = LensKind::Semantic {
            x: AxisDirection::Words { from: 0, to: 1 },
            y: None,
        };
        let mut projector = LensProjector::new(kind, PcaOptions::default());
        let drifted = &m + &(random_matrix(150, 16, 13) * 0.01);
        projector
            .reproject_all(&[m.view(), drifted.view()])
            .unwrap();
        assert_eq!(projector.frames().len(), 2);
        for (frame, basis) in projector.frames().iter().zip(projector.bases()) {
            let rms = (frame.iter().map(|v| v * v).sum::<f32>() / frame.nrows() as f32).sqrt();
            assert!((rms - 1.0).abs() < 1e-4, "{rms}");
            assert_orthonormal(&basis.axes);
        }
        let (a, b) = (&projector.bases()[0], &projector.bases()[1]);
        for axis in 0..3 {
            assert!(
                cosine(a.axes.row(axis), b.axes.row(axis)) > 0.95,
                "axis {axis}"
            );
        }
        // Word 1 lies further along X than word 0 on every frame.
        for frame in projector.frames() {
            assert!(frame[[1, 0]] > frame[[0, 0]]);
        }
        assert!(projector.push(random_matrix(3, 16, 1).view()).is_err());
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        let m = random_matrix(10, 4, 6);
        assert!(relation_lens(m.view(), &[]).is_err());
        assert!(matches!(
            relation_lens(m.view(), &[(0, 10)]),
            Err(SpaceError::RowOutOfRange { row: 10, rows: 10 })
        ));
        // Offsets that cancel: a→b and b→a.
        assert!(relation_lens(m.view(), &[(0, 1), (1, 0)]).is_err());
        // One pair: axis 1 is its offset, the others are completed; still orthonormal.
        let one = relation_lens(m.view(), &[(0, 1)]).unwrap();
        assert_orthonormal(&one.axes);
        assert!(
            on_screen_parallelism(m.view(), &[(0, 1)])
                .unwrap()
                .is_none()
        );
        assert!(one.project(random_matrix(3, 5, 1).view()).is_err());
        // Two dimensions: the third axis is flat.
        let flat = random_matrix(6, 2, 7);
        let lens = relation_lens(flat.view(), &[(0, 1), (2, 3)]).unwrap();
        assert_eq!(lens.axes.row(2).to_vec(), vec![0.0, 0.0]);
    }
}
