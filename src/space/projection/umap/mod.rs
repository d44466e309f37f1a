//! UMAP to 3D for exploring a trained space: what PCA's three straight axes hide (local
//! neighbourhoods, clusters) UMAP lays out side by side.
//!
//! Written here rather than taken from a crate (checked: `umap-rs` panics on invalid input, has
//! no cancel or progress hook and runs a non-deterministic Hogwild SGD; `fast-umap` pulls
//! burn/wgpu; `annembed` needs a system BLAS/LAPACK through ndarray-linalg; `rag-umap` is a 0.0
//! release on `Vec<Vec<f64>>` with nalgebra and a second ndarray). The algorithm is small:
//! 1. cosine kNN of every row: exact below [`APPROXIMATE_KNN_MIN_ROWS`] rows (blocked matrix
//!    products, `knn.rs`; O(n²·D)), approximate above (NN-descent from a random-projection
//!    forest, `nn_descent.rs`, as umap-learn's pynndescent),
//! 2. the fuzzy simplicial set (`fuzzy.rs`),
//! 3. an initial layout — the caller's (e.g. the previous frame's layout, for animated /
//!    aligned UMAP: points then move only where the graph changed), on large sets a coarse
//!    UMAP (`coarse.rs`: a UMAP of a few thousand evenly spaced rows, every other row placed
//!    at its most similar sampled row; it comes *before* step 1, in seconds), otherwise PCA of
//!    the unit rows scaled to ±10, as umap-learn's `init="pca"`,
//! 4. SGD with negative sampling (`optimize.rs`), a/b fitted from `min_dist` (`curve.rs`).
//!
//! Runs on the caller's thread (the viewer puts it on a background task) with a progress
//! callback and an [`AtomicBool`] cancel flag; deterministic for a given seed.
//! [`umap_3d_with_layouts`] also hands the caller every intermediate layout (the coarse one,
//! then the layout after each epoch) as a borrowed view: a viewer copies the ones it shows.

mod coarse;
mod curve;
mod fuzzy;
pub(crate) mod knn;
mod nn_descent;
mod optimize;

use std::sync::atomic::AtomicBool;

use ndarray::{Array2, ArrayView2};

use crate::space::SpaceError;
use crate::space::projection::project::{PcaOptions, fit_pca3};
use crate::space::search::neighbors::unit_rows_of;

/// Largest absolute coordinate of the PCA initial layout (umap-learn's value).
const INIT_EXTENT: f32 = 10.0;

/// UMAP settings (defaults as umap-learn's).
#[derive(Debug, Clone, PartialEq)]
pub struct UmapOptions {
    /// Neighbourhood size, the row itself included (umap-learn's `n_neighbors`).
    pub n_neighbors: usize,
    /// How tightly points may pack in the layout.
    pub min_dist: f32,
    /// Scale of the layout's distances.
    pub spread: f32,
    /// Optimisation epochs; `None` = 500 up to 10,000 rows, 200 up to [`FEWER_EPOCHS_ROWS`]
    /// (umap-learn's rule), 100 above.
    pub n_epochs: Option<usize>,
    /// Initial learning rate (decays linearly to 0).
    pub learning_rate: f32,
    /// Repulsive samples per attractive one.
    pub negative_sample_rate: usize,
    /// How the neighbour graph is found.
    pub neighbor_search: NeighborSearch,
    /// Rows of the coarse start's sample (see `coarse.rs`), used when no initial layout is
    /// given and the data has at least [`COARSE_START_MIN_ROWS`] rows; 0 = always start from
    /// PCA.
    pub sample_start_rows: usize,
    pub seed: u64,
}

/// From this many rows on, a run without an initial layout starts from the coarse layout
/// (below it the whole run takes a few seconds).
pub const COARSE_START_MIN_ROWS: usize = 20_000;

/// Exact or approximate neighbour graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NeighborSearch {
    /// Exact below [`APPROXIMATE_KNN_MIN_ROWS`] rows, approximate from there on.
    #[default]
    Auto,
    /// Exact cosine neighbours (blocked matrix products, O(n²·D)).
    Exact,
    /// NN-descent from a random-projection forest (`nn_descent.rs`).
    Approximate,
}

/// Above this many rows the default is 100 epochs instead of umap-learn's 200: each epoch costs
/// O(n), and at 400k words 200 epochs took 4 of the 5 minutes allowed on two shared cores for
/// 0.8 points more neighbour preservation (7.9 % against 7.1 %, BENCHMARKS.md).
pub const FEWER_EPOCHS_ROWS: usize = 200_000;

/// From this many rows on, [`NeighborSearch::Auto`] uses the approximate graph: below it the
/// exact scan is as fast or faster (measured in BENCHMARKS.md).
pub const APPROXIMATE_KNN_MIN_ROWS: usize = 10_000;

impl Default for UmapOptions {
    fn default() -> Self {
        Self {
            n_neighbors: 15,
            min_dist: 0.1,
            spread: 1.0,
            n_epochs: None,
            learning_rate: 1.0,
            negative_sample_rate: 5,
            neighbor_search: NeighborSearch::Auto,
            sample_start_rows: 2048,
            seed: 0,
        }
    }
}

impl UmapOptions {
    /// Settings for the next frame of an animation, started from the previous frame's layout
    /// (`initial`): a fifth of the epochs (at least 30) at a fifth of the learning rate, so
    /// points settle into the changed graph without the layout being rebuilt.
    pub fn for_next_frame(&self, n_rows: usize) -> Self {
        Self {
            n_epochs: Some((self.epochs_for(n_rows) / 5).max(30)),
            learning_rate: self.learning_rate / 5.0,
            ..self.clone()
        }
    }

    /// The epoch count used for `n_rows` rows.
    pub fn epochs_for(&self, n_rows: usize) -> usize {
        self.n_epochs.unwrap_or(match n_rows {
            0..=10_000 => 500,
            n if n <= FEWER_EPOCHS_ROWS => 200,
            _ => 100,
        })
    }
}

/// Where a run is, for progress bars.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UmapStage {
    /// The coarse start: `done` of `total` epochs of the sample's layout.
    Sample,
    /// Cosine nearest neighbours: `done` of `total` rows (exact graph) or steps (approximate
    /// graph: the forest, then NN-descent iterations; it may finish before `total`).
    Neighbors,
    /// Layout optimisation: `done` of `total` epochs.
    Layout,
}

/// One progress report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UmapProgress {
    pub stage: UmapStage,
    pub done: usize,
    pub total: usize,
}

/// A layout on the way (the coarse start, or the layout after an epoch): raw coordinates, N x 3,
/// borrowed for the length of the callback.
#[derive(Debug, Clone, Copy)]
pub struct UmapIntermediate<'a> {
    /// What produced it: [`UmapStage::Sample`] for the coarse start (every row placed), or
    /// [`UmapStage::Layout`] with the epochs done.
    pub progress: UmapProgress,
    pub coords: ArrayView2<'a, f32>,
}

/// The result of a run (also of a cancelled one: the layout reached so far).
#[derive(Debug, Clone, PartialEq)]
pub struct UmapLayout {
    /// N x 3 coordinates.
    pub coords: Array2<f32>,
    /// Epochs completed (less than `n_epochs` when cancelled).
    pub epochs_run: usize,
    pub n_epochs: usize,
    /// Whether the cancel flag stopped the run (the coordinates are then the initial layout or
    /// a partly optimised one).
    pub cancelled: bool,
}

/// UMAP layout of the rows of `data` (cosine metric) in 3D. `initial` (N x 3, finite) replaces
/// the PCA start — pass the previous frame's layout to animate; combine it with fewer epochs
/// and a lower learning rate to keep points still where the space did not move.
pub fn umap_3d(
    data: ArrayView2<f32>,
    opts: &UmapOptions,
    initial: Option<ArrayView2<f32>>,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(UmapProgress),
) -> Result<UmapLayout, SpaceError> {
    umap_3d_with_layouts(data, opts, initial, cancel, progress, &mut |_| {})
}

/// [`umap_3d`], handing `layouts` each intermediate layout: the coarse start as soon as it
/// exists (large sets without an `initial` layout: before the neighbour graph), then the
/// layout after every epoch. The callback borrows the run's own buffer: copy what you keep,
/// and keep the callback cheap when you skip (it runs between epochs).
pub fn umap_3d_with_layouts(
    data: ArrayView2<f32>,
    opts: &UmapOptions,
    initial: Option<ArrayView2<f32>>,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(UmapProgress),
    layouts: &mut dyn FnMut(UmapIntermediate<'_>),
) -> Result<UmapLayout, SpaceError> {
    let n = data.nrows();
    validate(data, opts, initial)?;
    let n_epochs = opts.epochs_for(n);
    let unit = unit_rows_of(data);
    let (a, b) = curve::fit_ab(opts.min_dist, opts.spread);
    let coarse_start = initial.is_none()
        && opts.sample_start_rows >= 3
        && n >= COARSE_START_MIN_ROWS.max(2 * opts.sample_start_rows);
    let coords = match initial {
        Some(start) => start.as_standard_layout().into_owned(),
        None if coarse_start => {
            let settings = coarse::CoarseSettings {
                sample_rows: opts.sample_start_rows,
                n_neighbors: opts.n_neighbors,
                a,
                b,
                learning_rate: opts.learning_rate,
                negative_sample_rate: opts.negative_sample_rate,
                seed: opts.seed,
            };
            let mut failure = None;
            let sample_init = |sample: ArrayView2<f32>| match pca_initial_layout(sample, opts.seed)
            {
                Ok(coords) => Some(coords),
                Err(e) => {
                    failure = Some(e);
                    None
                }
            };
            let coarse = coarse::coarse_layout(
                unit.view(),
                sample_init,
                &settings,
                cancel,
                &mut |done, total| {
                    progress(UmapProgress {
                        stage: UmapStage::Sample,
                        done,
                        total,
                    })
                },
            );
            if let Some(e) = failure {
                return Err(e);
            }
            match coarse {
                Some(coords) => {
                    layouts(UmapIntermediate {
                        progress: UmapProgress {
                            stage: UmapStage::Sample,
                            done: coarse::SAMPLE_EPOCHS,
                            total: coarse::SAMPLE_EPOCHS,
                        },
                        coords: coords.view(),
                    });
                    coords
                }
                None => {
                    return Ok(UmapLayout {
                        coords: pca_initial_layout(unit.view(), opts.seed)?,
                        epochs_run: 0,
                        n_epochs,
                        cancelled: true,
                    });
                }
            }
        }
        None => pca_initial_layout(unit.view(), opts.seed)?,
    };
    let cancelled = |coords: Array2<f32>, epochs_run| UmapLayout {
        coords,
        epochs_run,
        n_epochs,
        cancelled: true,
    };
    if n < 3 {
        return Ok(UmapLayout {
            coords,
            epochs_run: 0,
            n_epochs,
            cancelled: false,
        });
    }
    let k = opts.n_neighbors.clamp(2, n) - 1;
    let approximate = uses_approximate_graph(opts.neighbor_search, n);
    let mut report = |done, total| {
        progress(UmapProgress {
            stage: UmapStage::Neighbors,
            done,
            total,
        })
    };
    let knn = if approximate {
        nn_descent::approximate_cosine_knn(unit.view(), k, opts.seed, cancel, &mut report)
    } else {
        knn::cosine_knn(unit.view(), k, cancel, &mut report)
    };
    let Some(knn) = knn else {
        return Ok(cancelled(coords, 0));
    };
    drop(unit);
    Ok(layout_on_graph(
        &knn, k, coords, n_epochs, opts, cancel, progress, layouts,
    ))
}

/// The layout stages of UMAP on a neighbour graph found elsewhere (`knn`: per row its other
/// rows and their cosine distances, nearest first, as [`cosine_knn_graph`] gives them),
/// started from `initial` (N x 3): the fuzzy graph and the optimisation with `opts`' settings
/// (its neighbour search and sample start are not used). For comparisons with other UMAP
/// implementations on the very same graph and start.
pub fn umap_3d_on_graph(
    knn: &[Vec<(usize, f32)>],
    initial: ArrayView2<f32>,
    opts: &UmapOptions,
    cancel: &AtomicBool,
) -> Result<UmapLayout, SpaceError> {
    let n = knn.len();
    if initial.dim() != (n, 3) {
        return Err(SpaceError::Shape(format!(
            "initial layout is {} x {}, expected {n} x 3",
            initial.nrows(),
            initial.ncols()
        )));
    }
    if knn
        .iter()
        .flatten()
        .any(|&(row, d)| row >= n || !d.is_finite())
    {
        return Err(SpaceError::Invalid(
            "neighbour graph names a missing row or a non-finite distance".into(),
        ));
    }
    let k = knn.iter().map(Vec::len).max().unwrap_or(0);
    let coords = initial.as_standard_layout().into_owned();
    Ok(layout_on_graph(
        knn,
        k,
        coords,
        opts.epochs_for(n),
        opts,
        cancel,
        &mut |_| {},
        &mut |_| {},
    ))
}

/// Fuzzy graph of `knn` (k other rows each) and the SGD from `coords` (standard layout).
#[expect(
    clippy::too_many_arguments,
    reason = "the two callbacks and the run's parts; a struct would only rename them"
)]
fn layout_on_graph(
    knn: &[Vec<(usize, f32)>],
    k: usize,
    mut coords: Array2<f32>,
    n_epochs: usize,
    opts: &UmapOptions,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(UmapProgress),
    layouts: &mut dyn FnMut(UmapIntermediate<'_>),
) -> UmapLayout {
    let n = coords.nrows();
    let graph = fuzzy::fuzzy_graph(knn, k + 1);
    let (a, b) = curve::fit_ab(opts.min_dist, opts.spread);
    let settings = optimize::SgdSettings {
        a,
        b,
        n_epochs,
        learning_rate: opts.learning_rate,
        negative_sample_rate: opts.negative_sample_rate,
        seed: opts.seed,
    };
    let epochs_run = match coords.as_slice_mut() {
        Some(flat) => {
            optimize::optimize_layout(&graph, flat, &settings, cancel, &mut |done, total, now| {
                let report = UmapProgress {
                    stage: UmapStage::Layout,
                    done,
                    total,
                };
                progress(report);
                if let Ok(coords) = ArrayView2::from_shape((n, 3), now) {
                    layouts(UmapIntermediate {
                        progress: report,
                        coords,
                    });
                }
            })
        }
        None => 0,
    };
    UmapLayout {
        coords,
        epochs_run,
        n_epochs,
        cancelled: epochs_run < n_epochs,
    }
}

/// The PCA start [`umap_3d`] uses when it has no initial layout and no coarse start: PCA of
/// the unit rows, scaled so the largest coordinate is ±10 (umap-learn's `init="pca"`).
pub fn umap_pca_start(data: ArrayView2<f32>, seed: u64) -> Result<Array2<f32>, SpaceError> {
    pca_initial_layout(unit_rows_of(data).view(), seed)
}

/// Whether `search` means the approximate graph for `n` rows.
fn uses_approximate_graph(search: NeighborSearch, n: usize) -> bool {
    match search {
        NeighborSearch::Auto => n >= APPROXIMATE_KNN_MIN_ROWS,
        NeighborSearch::Exact => false,
        NeighborSearch::Approximate => true,
    }
}

/// The cosine neighbour graph UMAP builds on: the `k` most similar other rows of every row as
/// (row, cosine distance), nearest first. `search` as in [`UmapOptions::neighbor_search`]
/// (`Auto` decides by the row count); `seed` drives the approximate search.
pub fn cosine_knn_graph(
    data: ArrayView2<f32>,
    k: usize,
    search: NeighborSearch,
    seed: u64,
) -> Vec<Vec<(usize, f32)>> {
    let unit = unit_rows_of(data);
    let never = AtomicBool::new(false);
    let graph = if uses_approximate_graph(search, data.nrows()) {
        nn_descent::approximate_cosine_knn(unit.view(), k, seed, &never, &mut |_, _| {})
    } else {
        knn::cosine_knn(unit.view(), k, &never, &mut |_, _| {})
    };
    // Only a set cancel flag stops either search.
    graph.unwrap_or_default()
}

fn validate(
    data: ArrayView2<f32>,
    opts: &UmapOptions,
    initial: Option<ArrayView2<f32>>,
) -> Result<(), SpaceError> {
    if data.nrows() == 0 {
        return Err(SpaceError::Empty);
    }
    if data.iter().any(|v| !v.is_finite()) {
        return Err(SpaceError::Invalid(
            "data contains NaN or infinite values".into(),
        ));
    }
    if opts.n_neighbors < 2 {
        return Err(SpaceError::Invalid(format!(
            "UMAP needs at least 2 neighbours, got {}",
            opts.n_neighbors
        )));
    }
    if !(opts.min_dist >= 0.0 && opts.spread > 0.0 && opts.min_dist <= opts.spread) {
        return Err(SpaceError::Invalid(format!(
            "UMAP needs 0 <= min_dist <= spread and spread > 0 (min_dist {}, spread {})",
            opts.min_dist, opts.spread
        )));
    }
    if !(opts.learning_rate > 0.0 && opts.learning_rate.is_finite()) {
        return Err(SpaceError::Invalid(format!(
            "UMAP learning rate must be positive, got {}",
            opts.learning_rate
        )));
    }
    if let Some(start) = initial {
        if start.dim() != (data.nrows(), 3) {
            return Err(SpaceError::Shape(format!(
                "initial layout is {} x {}, expected {} x 3",
                start.nrows(),
                start.ncols(),
                data.nrows()
            )));
        }
        if start.iter().any(|v| !v.is_finite()) {
            return Err(SpaceError::Invalid(
                "initial layout contains NaN or infinite values".into(),
            ));
        }
    }
    Ok(())
}

/// PCA of the unit rows, scaled so the largest coordinate is ±[`INIT_EXTENT`].
fn pca_initial_layout(unit: ArrayView2<f32>, seed: u64) -> Result<Array2<f32>, SpaceError> {
    let pca = fit_pca3(
        unit,
        &PcaOptions {
            seed,
            ..PcaOptions::default()
        },
    )?;
    let mut coords = pca.project(unit);
    let extent = coords.iter().fold(0.0f32, |m, v| m.max(v.abs()));
    if extent > 0.0 {
        coords.mapv_inplace(|v| v * INIT_EXTENT / extent);
    }
    // A standard layout is needed for the optimiser's flat view.
    Ok(coords.as_standard_layout().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::space::projection::quality::{QualityOptions, projection_quality};
    use ndarray::Array;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// `clusters` tight Gaussian-ish blobs around random centres in `d` dimensions.
    fn blobs(n: usize, d: usize, clusters: usize, seed: u64) -> (Array2<f32>, Vec<usize>) {
        noisy_blobs(n, d, clusters, 0.25, seed)
    }

    fn noisy_blobs(
        n: usize,
        d: usize,
        clusters: usize,
        noise: f32,
        seed: u64,
    ) -> (Array2<f32>, Vec<usize>) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let centres = Array::from_shape_fn((clusters, d), |_| rng.gen_range(-1.0f32..1.0));
        let labels: Vec<usize> = (0..n).map(|i| i % clusters).collect();
        let data = Array::from_shape_fn((n, d), |(i, j)| {
            centres[[labels[i], j]] + rng.gen_range(-noise..noise)
        });
        (data, labels)
    }

    /// Share of each point's 10 nearest 3D neighbours that carry its label.
    fn label_agreement(coords: &Array2<f32>, labels: &[usize]) -> f32 {
        let n = coords.nrows();
        let mut same = 0;
        for i in 0..n {
            let mut near: Vec<(f32, usize)> = (0..n)
                .filter(|&j| j != i)
                .map(|j| ((&coords.row(i) - &coords.row(j)).mapv(|v| v * v).sum(), j))
                .collect();
            near.sort_by(|a, b| a.0.total_cmp(&b.0));
            same += near[..10]
                .iter()
                .filter(|&&(_, j)| labels[j] == labels[i])
                .count();
        }
        same as f32 / (10 * n) as f32
    }

    fn run(data: &Array2<f32>, opts: &UmapOptions, initial: Option<ArrayView2<f32>>) -> UmapLayout {
        umap_3d(
            data.view(),
            opts,
            initial,
            &AtomicBool::new(false),
            &mut |_| {},
        )
        .unwrap()
    }

    #[test]
    fn separates_clusters_that_pca_mixes() {
        let (data, labels) = noisy_blobs(1500, 40, 50, 0.5, 1);
        let opts = UmapOptions {
            n_epochs: Some(200),
            ..Default::default()
        };
        let layout = run(&data, &opts, None);
        assert!(!layout.cancelled && layout.epochs_run == 200);
        assert!(layout.coords.iter().all(|v| v.is_finite()));
        let pca = fit_pca3(data.view(), &PcaOptions::default())
            .unwrap()
            .project(data.view());
        let (umap_agree, pca_agree) = (
            label_agreement(&layout.coords, &labels),
            label_agreement(&pca, &labels),
        );
        assert!(
            umap_agree > 0.9 && umap_agree > pca_agree + 0.1,
            "UMAP {umap_agree}, PCA {pca_agree}"
        );
        let q_umap = projection_quality(
            data.view(),
            layout.coords.view(),
            &QualityOptions::default(),
        )
        .unwrap();
        let q_pca =
            projection_quality(data.view(), pca.view(), &QualityOptions::default()).unwrap();
        assert!(
            q_umap.trustworthiness > q_pca.trustworthiness,
            "{q_umap:?} vs {q_pca:?}"
        );
    }

    #[test]
    fn the_approximate_graph_keeps_neighbourhoods_as_well_as_the_exact_one() {
        // 10k rows with local structure; preservation@10 of the two layouts (same seed, same
        // epochs) must agree within 0.03 (absolute), and both must beat PCA's clearly.
        let data = nn_descent::tests::clustered(10_000, 50, 3);
        let run_with = |search| {
            let opts = UmapOptions {
                n_epochs: Some(100),
                neighbor_search: search,
                ..Default::default()
            };
            let layout = run(&data, &opts, None);
            let q = projection_quality(
                data.view(),
                layout.coords.view(),
                &QualityOptions::default(),
            )
            .unwrap();
            q.neighbor_preservation
        };
        let exact = run_with(NeighborSearch::Exact);
        let approximate = run_with(NeighborSearch::Approximate);
        let pca = fit_pca3(data.view(), &PcaOptions::default())
            .unwrap()
            .project(data.view());
        let q_pca =
            projection_quality(data.view(), pca.view(), &QualityOptions::default()).unwrap();
        assert!(
            (exact - approximate).abs() <= 0.03,
            "preservation@10 exact {exact}, approximate {approximate}"
        );
        assert!(
            approximate > q_pca.neighbor_preservation + 0.05,
            "approximate {approximate}, PCA {}",
            q_pca.neighbor_preservation
        );
    }

    #[test]
    fn same_seed_same_layout_other_seed_other_layout() {
        let (data, _) = blobs(600, 16, 6, 2);
        let opts = UmapOptions {
            n_epochs: Some(60),
            ..Default::default()
        };
        let a = run(&data, &opts, None);
        let b = run(&data, &opts, None);
        assert_eq!(a.coords, b.coords);
        let c = run(&data, &UmapOptions { seed: 9, ..opts }, None);
        assert_ne!(a.coords, c.coords);
    }

    #[test]
    fn starting_from_a_finished_layout_keeps_it_in_place() {
        // Animated UMAP: the next frame starts from the previous layout with a few gentle
        // epochs; points must stay near where they were, unlike in a fresh run.
        let (data, _) = blobs(800, 16, 8, 3);
        let first = run(
            &data,
            &UmapOptions {
                n_epochs: Some(150),
                ..Default::default()
            },
            None,
        );
        let follow_opts = UmapOptions {
            seed: 5,
            ..UmapOptions::default().for_next_frame(800)
        };
        assert_eq!(follow_opts.n_epochs, Some(100));
        // The next frame: the same space, drifted a little (as between training snapshots).
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let drifted = data.mapv(|v| v + rng.gen_range(-0.02f32..0.02));
        let follow = run(&drifted, &follow_opts, Some(first.coords.view()));
        let rms = |a: &Array2<f32>, b: &Array2<f32>| {
            ((a - b).mapv(|v| v * v).sum() / a.nrows() as f32).sqrt()
        };
        let extent = (first.coords.mapv(|v| v * v).sum() / 800.0).sqrt();
        let moved = rms(&first.coords, &follow.coords);
        assert!(moved < 0.15 * extent, "moved {moved} of extent {extent}");
        let fresh = run(
            &drifted,
            &UmapOptions {
                n_epochs: Some(150),
                seed: 5,
                ..Default::default()
            },
            None,
        );
        assert!(rms(&first.coords, &fresh.coords) > moved);
    }

    #[test]
    fn reports_progress_and_honours_cancel() {
        let (data, _) = blobs(300, 8, 3, 4);
        let mut reports = Vec::new();
        let opts = UmapOptions {
            n_epochs: Some(20),
            ..Default::default()
        };
        umap_3d(
            data.view(),
            &opts,
            None,
            &AtomicBool::new(false),
            &mut |p| reports.push(p),
        )
        .unwrap();
        assert_eq!(reports.first().map(|p| p.stage), Some(UmapStage::Neighbors));
        let last = reports.last().copied().unwrap();
        assert_eq!(
            (last.stage, last.done, last.total),
            (UmapStage::Layout, 20, 20)
        );
        let cancel = AtomicBool::new(true);
        let stopped = umap_3d(data.view(), &opts, None, &cancel, &mut |_| {}).unwrap();
        assert!(stopped.cancelled && stopped.epochs_run == 0);
        assert_eq!(stopped.coords.dim(), (300, 3));
    }

    #[test]
    fn a_large_run_hands_out_a_coarse_layout_then_every_epoch_and_cancel_stops_them() {
        let data = nn_descent::tests::clustered(COARSE_START_MIN_ROWS + 1000, 16, 6);
        let opts = UmapOptions {
            n_epochs: Some(12),
            sample_start_rows: 800,
            ..Default::default()
        };
        let never = AtomicBool::new(false);
        let mut seen: Vec<(UmapStage, usize, Array2<f32>)> = Vec::new();
        let layout =
            umap_3d_with_layouts(data.view(), &opts, None, &never, &mut |_| {}, &mut |l| {
                seen.push((l.progress.stage, l.progress.done, l.coords.to_owned()))
            })
            .unwrap();
        assert!(!layout.cancelled);
        // The coarse layout first (every row placed, before the neighbour graph), then the
        // layout after each epoch, the last one being the result.
        let stages: Vec<(UmapStage, usize)> = seen.iter().map(|(s, d, _)| (*s, *d)).collect();
        let mut expected = vec![(UmapStage::Sample, coarse::SAMPLE_EPOCHS)];
        expected.extend((1..=12).map(|e| (UmapStage::Layout, e)));
        assert_eq!(stages, expected);
        assert_eq!(seen[0].2.dim(), (data.nrows(), 3));
        assert!(seen[0].2.iter().all(|v| v.is_finite()));
        assert_eq!(seen.last().map(|s| &s.2), Some(&layout.coords));
        assert_ne!(seen[0].2, layout.coords);

        // Cancelled while the coarse layout is shown: no epoch's layout follows.
        let cancel = AtomicBool::new(false);
        let mut after_cancel = 0;
        let stopped =
            umap_3d_with_layouts(data.view(), &opts, None, &cancel, &mut |_| {}, &mut |l| {
                if l.progress.stage == UmapStage::Sample {
                    cancel.store(true, std::sync::atomic::Ordering::Relaxed);
                } else {
                    after_cancel += 1;
                }
            })
            .unwrap();
        assert!(stopped.cancelled && stopped.epochs_run == 0);
        assert_eq!(after_cancel, 0);

        // A start layout given (the next frame of an animation): no coarse stage.
        let mut stages = Vec::new();
        umap_3d_with_layouts(
            data.view(),
            &UmapOptions {
                n_epochs: Some(2),
                ..opts.clone()
            },
            Some(layout.coords.view()),
            &never,
            &mut |_| {},
            &mut |l| stages.push(l.progress.stage),
        )
        .unwrap();
        assert_eq!(stages, vec![UmapStage::Layout; 2]);
    }

    #[test]
    fn rejects_bad_input() {
        let (data, _) = blobs(50, 4, 2, 5);
        let never = AtomicBool::new(false);
        let bad_start = Array2::<f32>::zeros((49, 3));
        assert!(
            umap_3d(
                data.view(),
                &UmapOptions::default(),
                Some(bad_start.view()),
                &never,
                &mut |_| {}
            )
            .is_err()
        );
        let opts = UmapOptions {
            n_neighbors: 1,
            ..Default::default()
        };
        assert!(umap_3d(data.view(), &opts, None, &never, &mut |_| {}).is_err());
        assert!(
            umap_3d(
                Array2::<f32>::zeros((0, 4)).view(),
                &UmapOptions::default(),
                None,
                &never,
                &mut |_| {}
            )
            .is_err()
        );
    }
}
