//! UMAP's fuzzy simplicial set: turns each row's k nearest neighbours into membership weights
//! (smooth-kNN: `exp(−(d − ρ)/σ)`, with ρ the distance to the nearest neighbour and σ chosen so
//! the weights sum to log2(k)), then symmetrises with the fuzzy union `a + b − a·b`. This is the
//! graph the layout optimisation pulls together; it follows umap-learn's `smooth_knn_dist` and
//! `fuzzy_simplicial_set` (local connectivity 1, bandwidth 1, mix ratio 1).

/// Bisection steps for σ.
const SIGMA_ITERATIONS: usize = 64;
/// Stop bisecting when the weight sum is this close to the target.
const SIGMA_TOLERANCE: f32 = 1e-5;
/// σ is at least this fraction of the mean neighbour distance (keeps weights finite).
const MIN_SIGMA_SCALE: f32 = 1e-3;

/// A symmetric weighted graph in compressed rows: the edges of vertex `i` are
/// `targets[offsets[i]..offsets[i + 1]]` with the same-index `weights`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FuzzyGraph {
    pub offsets: Vec<usize>,
    pub targets: Vec<u32>,
    pub weights: Vec<f32>,
}

impl FuzzyGraph {
    pub(crate) fn vertices(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }
}

/// (ρ, σ) for one row's neighbour distances (ascending, self excluded); `n_neighbors` counts
/// the row itself, as in umap-learn (target sum log2(n_neighbors)).
pub(crate) fn smooth_knn_sigma(distances: &[f32], n_neighbors: usize, mean_all: f32) -> (f32, f32) {
    let target = (n_neighbors.max(2) as f32).log2();
    let rho = distances.iter().copied().find(|&d| d > 0.0).unwrap_or(0.0);
    let (mut lo, mut hi, mut mid) = (0.0f32, f32::INFINITY, 1.0f32);
    for _ in 0..SIGMA_ITERATIONS {
        let sum: f32 = distances
            .iter()
            .map(|&d| {
                let over = d - rho;
                if over > 0.0 { (-over / mid).exp() } else { 1.0 }
            })
            .sum();
        if (sum - target).abs() < SIGMA_TOLERANCE {
            break;
        }
        if sum > target {
            hi = mid;
            mid = (lo + hi) / 2.0;
        } else {
            lo = mid;
            mid = if hi.is_finite() {
                (lo + hi) / 2.0
            } else {
                mid * 2.0
            };
        }
    }
    let mean_here = if distances.is_empty() {
        0.0
    } else {
        distances.iter().sum::<f32>() / distances.len() as f32
    };
    let floor = MIN_SIGMA_SCALE * if rho > 0.0 { mean_here } else { mean_all };
    (rho, mid.max(floor))
}

/// The symmetrised fuzzy graph of kNN lists (`knn[i]` = (row, distance) ascending, self
/// excluded); `n_neighbors` as in [`smooth_knn_sigma`].
pub(crate) fn fuzzy_graph(knn: &[Vec<(usize, f32)>], n_neighbors: usize) -> FuzzyGraph {
    let n = knn.len();
    let count: usize = knn.iter().map(Vec::len).sum();
    let mean_all = if count == 0 {
        0.0
    } else {
        knn.iter().flatten().map(|&(_, d)| d).sum::<f32>() / count as f32
    };
    // Directed memberships, each entered in both directions: (from, to, weight, is_reverse).
    let mut entries: Vec<(u32, u32, f32, bool)> = Vec::with_capacity(2 * count);
    for (i, list) in knn.iter().enumerate() {
        let distances: Vec<f32> = list.iter().map(|&(_, d)| d).collect();
        let (rho, sigma) = smooth_knn_sigma(&distances, n_neighbors, mean_all);
        for &(j, d) in list {
            if j == i {
                continue;
            }
            let over = d - rho;
            let w = if over <= 0.0 || sigma == 0.0 {
                1.0
            } else {
                (-over / sigma).exp()
            };
            entries.push((i as u32, j as u32, w, false));
            entries.push((j as u32, i as u32, w, true));
        }
    }
    entries.sort_unstable_by_key(|e| (e.0, e.1, e.3));
    let mut offsets = vec![0usize; n + 1];
    let mut targets = Vec::with_capacity(entries.len());
    let mut weights = Vec::with_capacity(entries.len());
    let mut k = 0;
    while k < entries.len() {
        let (from, to, _, _) = entries[k];
        // The same pair can appear once as "i chose j" and once as "j chose i".
        let (mut forward, mut backward) = (0.0f32, 0.0f32);
        while k < entries.len() && entries[k].0 == from && entries[k].1 == to {
            if entries[k].3 {
                backward = entries[k].2;
            } else {
                forward = entries[k].2;
            }
            k += 1;
        }
        let union = forward + backward - forward * backward;
        if union > 0.0 {
            targets.push(to);
            weights.push(union);
            offsets[from as usize + 1] += 1;
        }
    }
    for i in 0..n {
        offsets[i + 1] += offsets[i];
    }
    FuzzyGraph {
        offsets,
        targets,
        weights,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sigma_makes_weights_sum_to_log2_k() {
        let distances = [0.1f32, 0.2, 0.25, 0.4, 0.5, 0.55, 0.7, 0.9];
        let (rho, sigma) = smooth_knn_sigma(&distances, 9, 0.5);
        assert_eq!(rho, 0.1);
        let sum: f32 = distances
            .iter()
            .map(|d| (-(d - rho).max(0.0) / sigma).exp())
            .sum();
        assert!((sum - 9f32.log2()).abs() < 1e-3, "sum {sum}");
    }

    #[test]
    fn graph_is_symmetric_with_fuzzy_union_weights() {
        // 0 and 1 choose each other; 2 chooses 0 only.
        let knn = vec![
            vec![(1, 0.1), (2, 0.5)],
            vec![(0, 0.1), (2, 0.6)],
            vec![(0, 0.2), (1, 0.9)],
        ];
        let g = fuzzy_graph(&knn, 3);
        assert_eq!(g.vertices(), 3);
        let weight = |a: usize, b: usize| {
            (g.offsets[a]..g.offsets[a + 1])
                .find(|&e| g.targets[e] as usize == b)
                .map(|e| g.weights[e])
        };
        for a in 0..3 {
            for b in 0..3 {
                assert_eq!(weight(a, b), weight(b, a), "{a}-{b}");
            }
        }
        // Nearest neighbours get membership 1; the union of 1 with anything is 1.
        assert_eq!(weight(0, 1), Some(1.0));
        assert!(weight(0, 2).is_some_and(|w| w > 0.0 && w <= 1.0));
        assert_eq!(weight(0, 0), None);
    }
}
