//! Clusters for colouring points: k-means (linfa-clustering) on unit-normalised vectors, i.e.
//! by direction, which is what cosine similarity sees. Seeded, so the same vectors always get
//! the same clusters.
//!
//! Default k: `clamp(round(sqrt(n / 2)), 2, 12)` — the classic √(n/2) rule of thumb, capped at
//! 12 because more colours than that are no longer told apart on screen (and never above n).
//!
//! Large sets are fitted on a seeded sample (`max_fit_rows`, default 5,000) and every row is
//! then assigned to its nearest centroid; one k-means++ start and at most 30 Lloyd iterations.
//! Measured here (BENCHMARKS.md): linfa's KMeans takes ~3-4 s for ONE run on all 20k x 100 rows
//! (~9 s with 3 runs), but ~0.27 s with these defaults — colouring
//! needs a reasonable partition, not the optimum.
//!
//! [`match_clusters`] keeps colours stable across frames: it relabels a new clustering so each
//! new cluster takes the label of the previous cluster it overlaps most.

use linfa::prelude::*;
use linfa_clustering::KMeans;
use ndarray::{Array1, Array2, ArrayView2, Axis};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::space::SpaceError;
use crate::vector_math::unit_rows_of;

/// k-means settings.
#[derive(Debug, Clone, PartialEq)]
pub struct KMeansOptions {
    /// Number of clusters; `None` = [`default_k`].
    pub k: Option<usize>,
    pub seed: u64,
    /// Lloyd iterations per run at most.
    pub max_iterations: u64,
    /// Independent k-means++ starts; the best (lowest inertia) is kept.
    pub n_runs: usize,
    /// Fit on a seeded sample of at most this many rows, then assign every row.
    pub max_fit_rows: usize,
}

impl Default for KMeansOptions {
    fn default() -> Self {
        Self {
            k: None,
            seed: 0,
            max_iterations: 30,
            n_runs: 1,
            max_fit_rows: 5_000,
        }
    }
}

/// A clustering: one label in `0..k` per row, and the centroids (k x D, on the unit sphere's
/// scale, not renormalised).
#[derive(Debug, Clone, PartialEq)]
pub struct Clustering {
    pub labels: Vec<usize>,
    pub centroids: Array2<f32>,
    pub k: usize,
}

/// `clamp(round(sqrt(n / 2)), 2, 12)`, never more than `n`.
pub fn default_k(n: usize) -> usize {
    let k = ((n as f64 / 2.0).sqrt().round() as usize).clamp(2, 12);
    k.min(n)
}

/// Clusters the rows of `data` by direction. Errors (never panics) on empty data, k = 0 or
/// k > n, and non-finite values.
pub fn kmeans_clusters(
    data: ArrayView2<f32>,
    opts: &KMeansOptions,
) -> Result<Clustering, SpaceError> {
    let k = checked_k(data, opts)?;
    kmeans_unit_rows(unit_rows_of(data).view(), k, opts)
}

/// [`kmeans_clusters`] on rows already scaled to unit length (a frame's neighbour index holds
/// them), so a 400k-word frame is not copied once more to be clustered.
pub fn kmeans_clusters_of_unit_rows(
    unit: ArrayView2<f32>,
    opts: &KMeansOptions,
) -> Result<Clustering, SpaceError> {
    let k = checked_k(unit, opts)?;
    kmeans_unit_rows(unit, k, opts)
}

/// The number of clusters for `data`, after the checks both entry points make: rows present,
/// 1 <= k <= n, every value finite.
fn checked_k(data: ArrayView2<f32>, opts: &KMeansOptions) -> Result<usize, SpaceError> {
    let n = data.nrows();
    if n == 0 {
        return Err(SpaceError::Empty);
    }
    let k = opts.k.unwrap_or_else(|| default_k(n));
    if k == 0 || k > n {
        return Err(SpaceError::Invalid(format!(
            "k = {k} clusters for {n} rows"
        )));
    }
    if data.iter().any(|v| !v.is_finite()) {
        return Err(SpaceError::Invalid(
            "data contains NaN or infinite values".into(),
        ));
    }
    Ok(k)
}

fn kmeans_unit_rows(
    unit: ArrayView2<f32>,
    k: usize,
    opts: &KMeansOptions,
) -> Result<Clustering, SpaceError> {
    let n = unit.nrows();
    if k == 1 {
        let centroid = unit
            .mean_axis(Axis(0))
            .unwrap_or_else(|| Array1::zeros(unit.ncols()));
        return Ok(Clustering {
            labels: vec![0; n],
            centroids: centroid.insert_axis(Axis(0)),
            k,
        });
    }
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let fit_rows = if n > opts.max_fit_rows.max(k) {
        let mut rows = rand::seq::index::sample(&mut rng, n, opts.max_fit_rows.max(k)).into_vec();
        rows.sort_unstable();
        unit.select(Axis(0), &rows)
    } else {
        unit.to_owned()
    };
    let dataset = DatasetBase::from(fit_rows);
    let model = KMeans::params_with_rng(k, rng)
        .max_n_iterations(opts.max_iterations.max(1))
        .n_runs(opts.n_runs.max(1))
        .tolerance(1e-4)
        .fit(&dataset)
        .map_err(|e| SpaceError::Clustering(e.to_string()))?;
    let labels: Array1<usize> = model.predict(&unit);
    Ok(Clustering {
        labels: labels.to_vec(),
        centroids: model.centroids().to_owned(),
        k,
    })
}

/// Clusters a frame and, given the previous frame's labels (same rows), relabels the result with
/// [`match_clusters`] so colours stay put — the one call the viewer needs per snapshot.
pub fn kmeans_clusters_matched(
    data: ArrayView2<f32>,
    opts: &KMeansOptions,
    prev_labels: Option<&[usize]>,
) -> Result<Clustering, SpaceError> {
    let mut clustering = kmeans_clusters(data, opts)?;
    if let Some(prev) = prev_labels {
        let relabelled = match_clusters(prev, &clustering.labels, clustering.k);
        // Centroids follow their clusters: new label l' = map[l].
        let mut map = vec![usize::MAX; clustering.k];
        for (&old, &new) in clustering.labels.iter().zip(&relabelled) {
            if old < map.len() {
                map[old] = new;
            }
        }
        if map.iter().all(|&m| m < clustering.k) {
            let mut centroids = clustering.centroids.clone();
            for (old, &new) in map.iter().enumerate() {
                centroids
                    .row_mut(new)
                    .assign(&clustering.centroids.row(old));
            }
            clustering.centroids = centroids;
        }
        clustering.labels = relabelled;
    }
    Ok(clustering)
}

/// Relabels `next` so that each of its clusters takes the label of the `prev` cluster it
/// overlaps most (greedy on the overlap table, largest overlap first; ties → lower labels).
/// The mapping is a permutation of `0..k'` (k' = max(k, labels seen)), so a relabelling of the
/// same clusters is undone exactly and new clusters get the labels nobody claimed. Rows beyond
/// the shorter of the two slices do not vote.
pub fn match_clusters(prev: &[usize], next: &[usize], k: usize) -> Vec<usize> {
    let k = next
        .iter()
        .chain(prev)
        .map(|&l| l + 1)
        .max()
        .unwrap_or(0)
        .max(k);
    if k == 0 {
        return next.to_vec();
    }
    let mut overlap = vec![0usize; k * k]; // [new * k + old]
    for (&old, &new) in prev.iter().zip(next) {
        overlap[new * k + old] += 1;
    }
    let mut cells: Vec<(usize, usize, usize)> = overlap
        .iter()
        .enumerate()
        .filter(|(_, count)| **count > 0)
        .map(|(i, &count)| (count, i / k, i % k))
        .collect();
    cells.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut new_to_old = vec![usize::MAX; k];
    let mut old_taken = vec![false; k];
    for (_, new, old) in cells {
        if new_to_old[new] == usize::MAX && !old_taken[old] {
            new_to_old[new] = old;
            old_taken[old] = true;
        }
    }
    let mut free = (0..k).filter(|&old| !old_taken[old]);
    for slot in new_to_old.iter_mut().filter(|s| **s == usize::MAX) {
        *slot = free.next().unwrap_or(0);
    }
    next.iter().map(|&l| new_to_old[l]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array;
    use rand::Rng;

    fn blobs(per_blob: usize, seed: u64) -> (Array2<f32>, Vec<usize>) {
        // Four directions in 10-D, small noise: direction clusters are well separated.
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let n = per_blob * 4;
        let truth: Vec<usize> = (0..n).map(|i| i % 4).collect();
        let m = Array::from_shape_fn((n, 10), |(i, j)| {
            let centre = if j == truth[i] * 2 { 5.0 } else { 0.0 };
            centre + rng.gen_range(-0.3f32..0.3)
        });
        (m, truth)
    }

    #[test]
    fn separates_blobs() {
        let (m, truth) = blobs(100, 1);
        let c = kmeans_clusters(
            m.view(),
            &KMeansOptions {
                k: Some(4),
                ..Default::default()
            },
        )
        .unwrap();
        // Same partition: truth label ↔ found label is a bijection.
        let mut map = [usize::MAX; 4];
        for (t, l) in truth.iter().zip(&c.labels) {
            if map[*t] == usize::MAX {
                map[*t] = *l;
            }
            assert_eq!(map[*t], *l);
        }
        let mut seen = map.to_vec();
        seen.sort_unstable();
        assert_eq!(seen, vec![0, 1, 2, 3]);
    }

    #[test]
    fn guards_and_defaults() {
        let (m, _) = blobs(2, 2);
        assert!(
            kmeans_clusters(
                m.view(),
                &KMeansOptions {
                    k: Some(9),
                    ..Default::default()
                }
            )
            .is_err()
        );
        assert!(
            kmeans_clusters(
                m.view(),
                &KMeansOptions {
                    k: Some(0),
                    ..Default::default()
                }
            )
            .is_err()
        );
        assert!(
            kmeans_clusters(
                Array2::<f32>::zeros((0, 3)).view(),
                &KMeansOptions::default()
            )
            .is_err()
        );
        assert_eq!(default_k(0), 0);
        assert_eq!(default_k(1), 1);
        assert_eq!(default_k(50), 5);
        assert_eq!(default_k(1_000_000), 12);
        let c = kmeans_clusters(
            m.view(),
            &KMeansOptions {
                k: Some(1),
                ..Default::default()
            },
        )
        .unwrap();
        assert!(c.labels.iter().all(|&l| l == 0));
    }

    #[test]
    fn sampled_fit_assigns_every_row() {
        let (m, _) = blobs(300, 3);
        let opts = KMeansOptions {
            k: Some(4),
            max_fit_rows: 100,
            ..Default::default()
        };
        let c = kmeans_clusters(m.view(), &opts).unwrap();
        assert_eq!(c.labels.len(), 1200);
        assert!(c.labels.iter().all(|&l| l < 4));
    }

    #[test]
    fn matched_clustering_keeps_colours() {
        let (m, _) = blobs(50, 4);
        let opts = KMeansOptions {
            k: Some(4),
            ..Default::default()
        };
        let first = kmeans_clusters(m.view(), &opts).unwrap();
        let other_seed = KMeansOptions { seed: 99, ..opts };
        let again = kmeans_clusters_matched(m.view(), &other_seed, Some(&first.labels)).unwrap();
        assert_eq!(again.labels, first.labels);
        for l in 0..4 {
            let diff = (&again.centroids.row(l) - &first.centroids.row(l))
                .mapv(f32::abs)
                .sum();
            assert!(diff < 1e-3);
        }
    }

    #[test]
    fn match_clusters_undoes_a_relabelling() {
        let prev = vec![0, 0, 1, 1, 2, 2, 3, 3, 3];
        let perm = [2, 3, 0, 1];
        let next: Vec<usize> = prev.iter().map(|&l| perm[l]).collect();
        assert_eq!(match_clusters(&prev, &next, 4), prev);
        // A mostly-stable clustering keeps its colours; the result is a permutation.
        let noisy = vec![1, 1, 0, 0, 0, 3, 2, 2, 2];
        let got = match_clusters(&prev, &noisy, 4);
        assert_eq!(got[0], 0);
        assert_eq!(got[7], 3);
        let mut labels: Vec<usize> = got.clone();
        labels.sort_unstable();
        labels.dedup();
        assert!(labels.iter().all(|&l| l < 4));
        assert!(match_clusters(&[], &[], 3).is_empty());
    }

    proptest::proptest! {
        #[test]
        fn match_clusters_is_a_permutation_that_undoes_relabelling(
            labels in proptest::collection::vec(0usize..6, 0..60),
            other in proptest::collection::vec(0usize..6, 0..60),
            seed in 0u64..1000,
        ) {
            use rand::seq::SliceRandom;
            let mut perm: Vec<usize> = (0..6).collect();
            perm.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
            let relabelled: Vec<usize> = labels.iter().map(|&l| perm[l]).collect();
            proptest::prop_assert_eq!(match_clusters(&labels, &relabelled, 6), labels.clone());
            // Arbitrary clusterings: equal labels stay equal, different stay different.
            let n = labels.len().min(other.len());
            let got = match_clusters(&labels[..n], &other[..n], 6);
            for i in 0..n {
                for j in 0..n {
                    proptest::prop_assert_eq!(other[i] == other[j], got[i] == got[j]);
                }
                proptest::prop_assert!(got[i] < 6);
            }
        }
    }
}
