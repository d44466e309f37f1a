//! A coarse UMAP layout of every row in seconds, before the neighbour graph of all rows exists
//! (that graph takes a minute at 400,000 words): a UMAP of a few thousand evenly spaced rows
//! (exact graph, a short optimisation), then every other row placed at its most similar
//! sampled row, with a small deterministic jitter so rows sharing a place do not coincide.
//!
//! The picture already has UMAP's islands and neighbourhoods (the sample's), so a viewer shows
//! it at once, and the full optimisation starts from it instead of PCA: points then move from
//! a UMAP-like layout to the finer one, rather than from PCA's blob.

use std::sync::atomic::{AtomicBool, Ordering};

use ndarray::{Array2, ArrayView2, Axis, s};
use rayon::prelude::*;

use super::{fuzzy, knn, optimize};

/// Epochs of the sample's optimisation (umap-learn's count above 10,000 rows; the sample is
/// small, so they take about a second).
pub(crate) const SAMPLE_EPOCHS: usize = 200;
/// Rows placed per parallel task (one `rows x sample` similarity block each).
const PLACE_BLOCK: usize = 512;
/// Jitter of a placed row around its sampled row, as a share of the sample layout's RMS radius.
const JITTER_SHARE: f32 = 0.02;

/// What the coarse start needs of the run's settings.
pub(crate) struct CoarseSettings {
    pub sample_rows: usize,
    pub n_neighbors: usize,
    pub a: f32,
    pub b: f32,
    pub learning_rate: f32,
    pub negative_sample_rate: usize,
    pub seed: u64,
}

/// The coarse layout (n x 3, row-major) of the unit rows `unit`, or `None` when cancelled.
/// `progress(done, total)` counts the sample's epochs.
pub(crate) fn coarse_layout(
    unit: ArrayView2<f32>,
    sample_init: impl FnOnce(ArrayView2<f32>) -> Option<Array2<f32>>,
    settings: &CoarseSettings,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(usize, usize),
) -> Option<Array2<f32>> {
    let n = unit.nrows();
    let m = settings.sample_rows.clamp(3, n.max(3)).min(n);
    // Evenly spaced rows: in a frequency-ordered vocabulary, frequent and rare words alike.
    let sample_rows: Vec<usize> = (0..m).map(|i| i * n / m).collect();
    let sample = unit.select(Axis(0), &sample_rows);
    let k = settings.n_neighbors.clamp(2, m) - 1;
    let graph = knn::cosine_knn(sample.view(), k, cancel, &mut |_, _| {})?;
    let graph = fuzzy::fuzzy_graph(&graph, k + 1);
    let mut sample_coords = sample_init(sample.view())?;
    let sgd = optimize::SgdSettings {
        a: settings.a,
        b: settings.b,
        n_epochs: SAMPLE_EPOCHS,
        learning_rate: settings.learning_rate,
        negative_sample_rate: settings.negative_sample_rate,
        seed: settings.seed,
    };
    let flat = sample_coords.as_slice_mut()?;
    let done = optimize::optimize_layout(&graph, flat, &sgd, cancel, &mut |done, total, _| {
        progress(done, total)
    });
    if done < SAMPLE_EPOCHS && cancel.load(Ordering::Relaxed) {
        return None;
    }
    let nearest = nearest_sampled(unit, sample.view(), cancel)?;
    let rms = (sample_coords.iter().map(|v| v * v).sum::<f32>() / m as f32).sqrt();
    let jitter = JITTER_SHARE * rms.max(1e-6);
    let mut coords = Array2::<f32>::zeros((n, 3));
    for (row, (mut out, &near)) in coords.outer_iter_mut().zip(&nearest).enumerate() {
        let base = sample_coords.row(near);
        let is_sampled = sample_rows[near] == row;
        for axis in 0..3 {
            let shake = if is_sampled {
                0.0
            } else {
                jitter * unit_noise(settings.seed, row, axis)
            };
            out[axis] = base[axis] + shake;
        }
    }
    Some(coords)
}

/// For every row of `unit`, the position in `sample` of its most similar sampled row.
fn nearest_sampled(
    unit: ArrayView2<f32>,
    sample: ArrayView2<f32>,
    cancel: &AtomicBool,
) -> Option<Vec<usize>> {
    let n = unit.nrows();
    let blocks: Vec<Option<Vec<usize>>> = (0..n)
        .into_par_iter()
        .step_by(PLACE_BLOCK)
        .map(|start| {
            if cancel.load(Ordering::Relaxed) {
                return None;
            }
            let end = (start + PLACE_BLOCK).min(n);
            let sims = unit.slice(s![start..end, ..]).dot(&sample.t());
            Some(
                sims.rows()
                    .into_iter()
                    .map(|row| {
                        row.iter()
                            .enumerate()
                            .fold((0, f32::NEG_INFINITY), |best, (j, &sim)| {
                                if sim > best.1 { (j, sim) } else { best }
                            })
                            .0
                    })
                    .collect(),
            )
        })
        .collect();
    let mut out = Vec::with_capacity(n);
    for block in blocks {
        out.extend(block?);
    }
    Some(out)
}

/// A deterministic value in [-1, 1) from (seed, row, axis) (SplitMix64's finaliser).
fn unit_noise(seed: u64, row: usize, axis: usize) -> f32 {
    let mut z = seed
        ^ (row as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ (axis as u64 + 1).wrapping_mul(0xD1B5_4A32_D192_ED03);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 40) as f32 / (1u64 << 23) as f32 - 1.0
}

#[cfg(test)]
mod tests {
    use super::super::curve;
    use super::*;
    use crate::space::search::neighbors::unit_rows_of;

    #[test]
    fn every_row_lands_near_its_most_similar_sampled_row() {
        let data = super::super::nn_descent::tests::clustered(3000, 20, 1);
        let unit = unit_rows_of(data.view());
        let (a, b) = curve::fit_ab(0.1, 1.0);
        let settings = CoarseSettings {
            sample_rows: 300,
            n_neighbors: 15,
            a,
            b,
            learning_rate: 1.0,
            negative_sample_rate: 5,
            seed: 3,
        };
        let never = AtomicBool::new(false);
        let init = |s: ArrayView2<f32>| Some(s.slice(s![.., ..3]).to_owned());
        let mut epochs = 0;
        let coords =
            coarse_layout(unit.view(), init, &settings, &never, &mut |d, _| epochs = d).unwrap();
        assert_eq!(epochs, SAMPLE_EPOCHS);
        assert_eq!(coords.dim(), (3000, 3));
        assert!(coords.iter().all(|v| v.is_finite()));
        // Sampled rows (every 10th) keep their place exactly; a row between them sits within
        // the jitter of some sampled row.
        let sampled: Vec<usize> = (0..300).map(|i| i * 10).collect();
        let rms = (coords.iter().map(|v| v * v).sum::<f32>() / 3000.0).sqrt();
        for row in [1usize, 555, 2999] {
            let nearest = sampled
                .iter()
                .map(|&s| {
                    (&coords.row(row) - &coords.row(s))
                        .mapv(|v| v * v)
                        .sum()
                        .sqrt()
                })
                .fold(f32::INFINITY, f32::min);
            assert!(
                nearest <= 0.1 * rms,
                "row {row}: {nearest} from a sampled row"
            );
        }
        let cancelled = coarse_layout(
            unit.view(),
            init,
            &settings,
            &AtomicBool::new(true),
            &mut |_, _| {},
        );
        assert!(cancelled.is_none());
    }
}
