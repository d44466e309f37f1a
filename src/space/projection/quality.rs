//! How faithfully a 3D view keeps each word's neighbourhood, as one figure per projection:
//! * neighbour preservation — the share of a word's k nearest neighbours in the full space
//!   (cosine) that are also among its k nearest in 3D (Euclidean), averaged;
//! * trustworthiness (scikit-learn's definition, with cosine distance in the full space):
//!   penalises words that look near in 3D but are far in the full space, by how far down the
//!   full-space ranking they are. 1 = every 3D neighbour is a true neighbour.
//!
//! Both are computed on a seeded sample of words (all of them when few), against all words:
//! exact, one blocked similarity scan per sample block.

use std::sync::atomic::AtomicBool;

use ndarray::ArrayView2;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use crate::space::SpaceError;
use crate::space::projection::umap::knn::{TopK, scan_similarities};
use crate::space::search::neighbors::{dot, unit_rows_of};

/// Settings of [`projection_quality`].
#[derive(Debug, Clone, PartialEq)]
pub struct QualityOptions {
    /// Neighbourhood size.
    pub k: usize,
    /// Words measured (a seeded sample when there are more).
    pub max_sample_rows: usize,
    pub seed: u64,
}

impl Default for QualityOptions {
    fn default() -> Self {
        Self {
            k: 10,
            max_sample_rows: 2000,
            seed: 0,
        }
    }
}

/// The figures of one projection.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProjectionQuality {
    /// Mean share (0..=1) of the k nearest full-space neighbours that are among the k nearest
    /// in 3D.
    pub neighbor_preservation: f32,
    /// Trustworthiness (0..=1) at k.
    pub trustworthiness: f32,
    pub k: usize,
    /// Words the figures were averaged over.
    pub sampled_rows: usize,
}

/// Measures how well `coords_3d` (N x 3) keeps the neighbourhoods of `data` (N x D).
pub fn projection_quality(
    data: ArrayView2<f32>,
    coords_3d: ArrayView2<f32>,
    opts: &QualityOptions,
) -> Result<ProjectionQuality, SpaceError> {
    let n = data.nrows();
    let k = opts.k;
    if n == 0 {
        return Err(SpaceError::Empty);
    }
    if coords_3d.dim() != (n, 3) {
        return Err(SpaceError::Shape(format!(
            "coordinates are {} x {}, expected {n} x 3",
            coords_3d.nrows(),
            coords_3d.ncols()
        )));
    }
    if k == 0 || 2 * k >= n {
        return Err(SpaceError::Invalid(format!(
            "neighbourhood size {k} needs more than {} words (have {n})",
            2 * k
        )));
    }
    let sample: Vec<usize> = if n <= opts.max_sample_rows.max(1) {
        (0..n).collect()
    } else {
        let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
        let mut rows =
            rand::seq::index::sample(&mut rng, n, opts.max_sample_rows.max(1)).into_vec();
        rows.sort_unstable();
        rows
    };
    let unit = unit_rows_of(data);
    let flat_unit = unit
        .as_slice()
        .ok_or_else(|| SpaceError::Invalid("matrix layout".into()))?;
    let d = unit.ncols();
    let unit_row = |r: usize| &flat_unit[r * d..(r + 1) * d];

    // Each sampled word's k nearest in 3D, and its cosine similarity to each of them.
    let near_3d: Vec<Vec<(usize, f32)>> = sample
        .par_iter()
        .map(|&query| {
            let q = coords_3d.row(query);
            let mut top = TopK::new(k);
            for (row, p) in coords_3d.rows().into_iter().enumerate() {
                if row != query {
                    let d2 = (p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2) + (p[2] - q[2]).powi(2);
                    top.offer(row, -d2);
                }
            }
            top.items()
                .iter()
                .map(|&(row, _)| (row, dot(unit_row(query), unit_row(row))))
                .collect()
        })
        .collect();

    /// Per sampled word: its full-space top k, and what trustworthiness needs: for each 3D
    /// neighbour ("target") the number of words more similar to the query than it is. Rows
    /// above the least similar target fall into a bucket by how many targets they beat (a
    /// binary search over the target similarities, not one comparison per target: with a poor
    /// view most rows beat some target); suffix sums of the buckets give the counts.
    struct State {
        query: usize,
        top: TopK,
        /// Targets as (row, similarity), by row: rows arrive in increasing order, so one cursor
        /// recognises them.
        targets_by_row: Vec<(usize, f32)>,
        next_target: usize,
        /// Target similarities, ascending.
        thresholds: Vec<f32>,
        /// `beats[j]`: rows more similar than exactly the `j` least similar targets.
        beats: Vec<usize>,
    }
    let never = AtomicBool::new(false);
    let states = scan_similarities(
        unit.view(),
        &sample,
        &never,
        |p| {
            let mut targets_by_row = near_3d[p].clone();
            targets_by_row.sort_unstable_by_key(|&(row, _)| row);
            let mut thresholds: Vec<f32> = targets_by_row.iter().map(|&(_, s)| s).collect();
            thresholds.sort_unstable_by(f32::total_cmp);
            State {
                query: sample[p],
                top: TopK::new(k),
                beats: vec![0; thresholds.len() + 1],
                targets_by_row,
                next_target: 0,
                thresholds,
            }
        },
        |state, row, sim| {
            if row == state.query {
                return;
            }
            // A target counts with its own similarity from the 3D pass (the product here may
            // round a hair above it, which would count it as more similar than itself).
            let mut sim_for_rank = sim;
            if let Some(&(target_row, own)) = state.targets_by_row.get(state.next_target)
                && target_row == row
            {
                state.next_target += 1;
                sim_for_rank = own;
            }
            // Most similarities are below both thresholds: skip them cheaply.
            if sim > state.top.threshold() {
                state.top.offer(row, sim);
            }
            if state.thresholds.first().is_some_and(|&t| sim_for_rank > t) {
                let beaten = state.thresholds.partition_point(|&t| t < sim_for_rank);
                state.beats[beaten] += 1;
            }
        },
    )
    .ok_or_else(|| SpaceError::Invalid("quality scan cancelled".into()))?;

    let mut preserved = 0usize;
    let mut rank_excess = 0.0f64;
    for state in &states {
        let full: Vec<usize> = state.top.items().iter().map(|&(r, _)| r).collect();
        // more_similar[i]: rows beating the i-th least similar target = rows in buckets > i.
        let mut more_similar = vec![0usize; state.thresholds.len()];
        let mut suffix = 0usize;
        for i in (0..state.thresholds.len()).rev() {
            suffix += state.beats[i + 1];
            more_similar[i] = suffix;
        }
        for &(row, sim) in &state.targets_by_row {
            if full.contains(&row) {
                preserved += 1;
            } else {
                let position = state.thresholds.partition_point(|&t| t < sim);
                let more = more_similar[position.min(more_similar.len() - 1)];
                // Rank 1 = nearest; only ranks beyond k count (scikit-learn's definition).
                rank_excess += (more + 1).saturating_sub(k) as f64;
            }
        }
    }
    let m = sample.len() as f64;
    let kf = k as f64;
    let nf = n as f64;
    let trustworthiness = 1.0 - 2.0 / (m * kf * (2.0 * nf - 3.0 * kf - 1.0)) * rank_excess;
    Ok(ProjectionQuality {
        neighbor_preservation: (preserved as f64 / (m * kf)) as f32,
        trustworthiness: trustworthiness as f32,
        k,
        sampled_rows: sample.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array, Array2, s};
    use rand::Rng;

    fn random(n: usize, d: usize, seed: u64) -> Array2<f32> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        Array::from_shape_fn((n, d), |_| rng.gen_range(-1.0f32..1.0))
    }

    #[test]
    fn a_view_of_3d_data_keeps_everything() {
        // Unit vectors in 3D: cosine order = Euclidean order of the unit points themselves.
        let data = super::unit_rows_of(random(400, 3, 1).view());
        let q = projection_quality(data.view(), data.view(), &QualityOptions::default()).unwrap();
        assert!(q.neighbor_preservation > 0.99, "{q:?}");
        assert!(q.trustworthiness > 0.999, "{q:?}");
        assert_eq!(q.sampled_rows, 400);
    }

    #[test]
    fn a_random_view_keeps_about_chance() {
        let data = random(1000, 20, 2);
        let coords = random(1000, 3, 3);
        let q = projection_quality(data.view(), coords.view(), &QualityOptions::default()).unwrap();
        // Chance: k / (n − 1) ≈ 1 %; trustworthiness of a random map ≈ 0.5.
        assert!(q.neighbor_preservation < 0.05, "{q:?}");
        assert!((q.trustworthiness - 0.5).abs() < 0.1, "{q:?}");
    }

    #[test]
    fn matches_a_brute_force_trustworthiness() {
        let data = random(120, 6, 4);
        let coords = data.slice(s![.., 0..3]).to_owned();
        let k = 5;
        let q = projection_quality(
            data.view(),
            coords.view(),
            &QualityOptions {
                k,
                ..Default::default()
            },
        )
        .unwrap();
        // Direct formula with full sorts.
        let unit = super::unit_rows_of(data.view());
        let n = data.nrows();
        let mut sum = 0.0f64;
        let mut kept = 0usize;
        for i in 0..n {
            let mut by_cos: Vec<usize> = (0..n).filter(|&j| j != i).collect();
            by_cos.sort_by(|&a, &b| {
                let sa = unit.row(i).dot(&unit.row(a));
                let sb = unit.row(i).dot(&unit.row(b));
                sb.total_cmp(&sa)
            });
            let mut by_3d: Vec<usize> = (0..n).filter(|&j| j != i).collect();
            let d2 = |j: usize| (&coords.row(i) - &coords.row(j)).mapv(|v| v * v).sum();
            by_3d.sort_by(|&a, &b| d2(a).total_cmp(&d2(b)));
            for &j in &by_3d[..k] {
                let rank = by_cos.iter().position(|&r| r == j).unwrap() + 1;
                if rank <= k {
                    kept += 1;
                } else {
                    sum += (rank - k) as f64;
                }
            }
        }
        let (nf, kf) = (n as f64, k as f64);
        let want = 1.0 - 2.0 / (nf * kf * (2.0 * nf - 3.0 * kf - 1.0)) * sum;
        assert!(
            (f64::from(q.trustworthiness) - want).abs() < 1e-5,
            "{} vs {want}",
            q.trustworthiness
        );
        assert!((f64::from(q.neighbor_preservation) - kept as f64 / (nf * kf)).abs() < 1e-6);
    }

    #[test]
    fn rejects_bad_shapes() {
        let data = random(50, 4, 5);
        assert!(
            projection_quality(
                data.view(),
                random(49, 3, 6).view(),
                &QualityOptions::default()
            )
            .is_err()
        );
        assert!(
            projection_quality(
                data.view(),
                random(50, 3, 6).view(),
                &QualityOptions {
                    k: 25,
                    ..Default::default()
                }
            )
            .is_err()
        );
    }
}
