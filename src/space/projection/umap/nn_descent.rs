//! Approximate cosine k-nearest-neighbour graph for UMAP on large sets: the exact graph
//! (`knn.rs`) costs O(n²·D) and takes hours at 400k rows; this one costs roughly O(n·k²·D) per
//! iteration and needs a handful of iterations.
//!
//! Algorithm (NN-descent, Dong et al. 2011, as umap-learn's pynndescent runs it):
//! 1. start from a random-projection forest: each tree splits the rows recursively by the
//!    hyperplane between two random rows until leaves hold at most [`LEAF_ROWS`]; each row's
//!    first neighbour list is the best of the rows sharing a leaf with it in any tree;
//! 2. repeat: a neighbour of a neighbour is probably a neighbour. Each row looks at the
//!    neighbours (and a capped sample of reverse neighbours) of its neighbours and keeps the
//!    `k` most similar, considering only pairs reached through a link found in the previous
//!    iteration ("new" links; old × old pairs were already compared). Stops when fewer than
//!    [`STOP_FRACTION`] of all links changed, or after [`MAX_ITERATIONS`].
//!
//! Written here rather than taken from `hnsw_rs` (0.3.5): that crate asks for rand 0.10 with its
//! default features and brings env_logger, mmap-rs and a second hashbrown; rand 0.10 is shared
//! with bevy, so its features would change and the viewer's whole bevy tree would rebuild.
//!
//! Parallel and deterministic: in every step each row writes only its own list, reading the
//! previous step's graph (so the result does not depend on the thread count); random choices
//! come from a seeded generator per (tree) or from the fixed row order.

use std::sync::atomic::{AtomicBool, Ordering};

use ndarray::ArrayView2;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use crate::vector_math::dot;

/// Random-projection trees in the initial forest.
const TREES: usize = 8;
/// Largest leaf of a tree.
const LEAF_ROWS: usize = 32;
/// NN-descent stops when fewer than this share of the n·k links changed in an iteration.
const STOP_FRACTION: f64 = 0.001;
/// Upper bound on NN-descent iterations.
pub(crate) const MAX_ITERATIONS: usize = 12;

/// The `k` nearest rows of each row as (row, cosine distance), nearest first, like
/// [`super::knn::cosine_knn`]. `unit` holds unit rows (standard layout). Reports
/// `(steps_done, steps_total)` (the forest counts as one step, each iteration as one; the run
/// may finish before `steps_total`); `None` when `cancel` was set.
pub(crate) fn approximate_cosine_knn(
    unit: ArrayView2<f32>,
    k: usize,
    seed: u64,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(usize, usize),
) -> Option<Vec<Vec<(usize, f32)>>> {
    let n = unit.nrows();
    let d = unit.ncols();
    let owned;
    let flat = match unit.as_slice() {
        Some(flat) => flat,
        None => {
            owned = unit.as_standard_layout().into_owned();
            owned.as_slice()?
        }
    };
    let row = |r: usize| &flat[r * d..(r + 1) * d];
    let k = k.min(n.saturating_sub(1));
    let total_steps = 1 + MAX_ITERATIONS;
    if k == 0 {
        return Some(vec![Vec::new(); n]);
    }

    let mut graph = forest_graph(n, k, seed, &row);
    progress(1, total_steps);
    for iteration in 0..MAX_ITERATIONS {
        if cancel.load(Ordering::Relaxed) {
            return None;
        }
        let joins = join_lists(&graph, seed ^ iteration as u64);
        let mut next = Graph::empty(n, k);
        let changes: usize = next
            .lists_mut()
            .enumerate()
            .map_init(
                || vec![u32::MAX; n],
                |seen, (p, (ids, sims, new))| {
                    // Start from this row's own list, every link now old.
                    let (own_ids, own_sims) = graph.list(p);
                    ids.copy_from_slice(own_ids);
                    sims.copy_from_slice(own_sims);
                    new.fill(false);
                    // `seen[c] == p`: c already compared with p (or listed) in this pass;
                    // neighbourhoods overlap, so most candidates come through several rows.
                    for &c in own_ids.iter().filter(|&&c| c != EMPTY) {
                        seen[c as usize] = p as u32;
                    }
                    seen[p] = p as u32;
                    let mut changed = 0;
                    for &(u, pu_new) in joins.of(p) {
                        for &(c, uc_new) in joins.of(u as usize) {
                            if (!pu_new && !uc_new) || seen[c as usize] == p as u32 {
                                continue;
                            }
                            seen[c as usize] = p as u32;
                            let sim = dot(row(p), row(c as usize));
                            if insert(ids, sims, new, c, sim) {
                                changed += 1;
                            }
                        }
                    }
                    changed
                },
            )
            .sum();
        graph = next;
        progress(2 + iteration, total_steps);
        if (changes as f64) < STOP_FRACTION * (n * k) as f64 {
            break;
        }
    }
    Some(
        (0..n)
            .map(|p| {
                let (ids, sims) = graph.list(p);
                ids.iter()
                    .zip(sims)
                    .filter(|&(&id, _)| id != EMPTY)
                    .map(|(&id, &sim)| (id as usize, (1.0 - sim).max(0.0)))
                    .collect()
            })
            .collect(),
    )
}

/// Marks an unfilled slot of a list.
const EMPTY: u32 = u32::MAX;

/// Every row's list of `k` (row, similarity, new) entries, best first, in flat arrays.
struct Graph {
    k: usize,
    ids: Vec<u32>,
    sims: Vec<f32>,
    new: Vec<bool>,
}

impl Graph {
    fn empty(n: usize, k: usize) -> Self {
        Self {
            k,
            ids: vec![EMPTY; n * k],
            sims: vec![f32::NEG_INFINITY; n * k],
            new: vec![true; n * k],
        }
    }

    fn rows(&self) -> usize {
        self.ids.len() / self.k
    }

    fn list(&self, p: usize) -> (&[u32], &[f32]) {
        let range = p * self.k..(p + 1) * self.k;
        (&self.ids[range.clone()], &self.sims[range])
    }

    /// The rows' lists, mutable, in parallel.
    fn lists_mut(
        &mut self,
    ) -> impl IndexedParallelIterator<Item = (&mut [u32], &mut [f32], &mut [bool])> {
        let k = self.k;
        self.ids
            .par_chunks_mut(k)
            .zip(self.sims.par_chunks_mut(k))
            .zip(self.new.par_chunks_mut(k))
            .map(|((ids, sims), new)| (ids, sims, new))
    }
}

/// Offers `c` with similarity `sim` to a list sorted best first; `true` when it entered (it is
/// then marked new). Rows already in the list are not added twice.
fn insert(ids: &mut [u32], sims: &mut [f32], new: &mut [bool], c: u32, sim: f32) -> bool {
    let k = ids.len();
    // Written so that a NaN similarity never enters.
    if sim.partial_cmp(&sims[k - 1]) != Some(std::cmp::Ordering::Greater) || ids.contains(&c) {
        return false;
    }
    let pos = sims.partition_point(|&s| s >= sim);
    ids.copy_within(pos..k - 1, pos + 1);
    sims.copy_within(pos..k - 1, pos + 1);
    new.copy_within(pos..k - 1, pos + 1);
    ids[pos] = c;
    sims[pos] = sim;
    new[pos] = true;
    true
}

/// The first graph: for each row, the best `k` of the rows that share a leaf with it in any of
/// [`TREES`] random-projection trees.
fn forest_graph<'a>(
    n: usize,
    k: usize,
    seed: u64,
    row: &(dyn Fn(usize) -> &'a [f32] + Sync),
) -> Graph {
    let trees: Vec<Tree> = (0..TREES)
        .into_par_iter()
        .map(|t| Tree::build(n, seed.wrapping_add(t as u64 * 0x9E37_79B9), row))
        .collect();
    let mut graph = Graph::empty(n, k);
    graph.lists_mut().enumerate().for_each_init(
        || vec![u32::MAX; n],
        |seen, (p, (ids, sims, new))| {
            seen[p] = p as u32;
            for tree in &trees {
                for &c in tree.leaf_of(p) {
                    // Rows that share leaves in several trees are compared once.
                    if seen[c as usize] != p as u32 {
                        seen[c as usize] = p as u32;
                        insert(ids, sims, new, c, dot(row(p), row(c as usize)));
                    }
                }
            }
            // A row in a tiny set can still lack neighbours: fill with the next rows.
            let mut c = p;
            while ids[k - 1] == EMPTY {
                c = (c + 1) % n;
                insert(ids, sims, new, c as u32, dot(row(p), row(c)));
            }
            new.fill(true);
        },
    );
    graph
}

/// One random-projection tree, kept only as its leaves: `order` lists the rows leaf by leaf,
/// `leaf_start[leaf]..leaf_start[leaf + 1]` is one leaf, `leaf[row]` the leaf of a row.
struct Tree {
    order: Vec<u32>,
    leaf_start: Vec<usize>,
    leaf: Vec<u32>,
}

impl Tree {
    fn build<'a>(n: usize, seed: u64, row: &(dyn Fn(usize) -> &'a [f32] + Sync)) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut order: Vec<u32> = (0..n as u32).collect();
        let mut leaves: Vec<(usize, usize)> = Vec::new();
        let mut pending = vec![(0usize, n)];
        let mut normal = Vec::new();
        while let Some((start, end)) = pending.pop() {
            if end - start <= LEAF_ROWS {
                leaves.push((start, end));
                continue;
            }
            let slice = &mut order[start..end];
            let a = slice[rng.gen_range(0..slice.len())] as usize;
            let b = slice[rng.gen_range(0..slice.len())] as usize;
            normal.clear();
            normal.extend(row(a).iter().zip(row(b)).map(|(x, y)| x - y));
            // Partition in place: rows on the positive side first.
            let mut split = 0;
            for i in 0..slice.len() {
                if dot(row(slice[i] as usize), &normal) > 0.0 {
                    slice.swap(i, split);
                    split += 1;
                }
            }
            if split == 0 || split == slice.len() {
                // Equal rows or an unlucky pair: split at random instead.
                slice.shuffle(&mut rng);
                split = slice.len() / 2;
            }
            pending.push((start, start + split));
            pending.push((start + split, end));
        }
        leaves.sort_unstable();
        let mut leaf = vec![0u32; n];
        let mut leaf_start = Vec::with_capacity(leaves.len() + 1);
        for (index, &(start, end)) in leaves.iter().enumerate() {
            leaf_start.push(start);
            for &r in &order[start..end] {
                leaf[r as usize] = index as u32;
            }
        }
        leaf_start.push(n);
        Self {
            order,
            leaf_start,
            leaf,
        }
    }

    /// The rows of the leaf holding `p` (`p` included).
    fn leaf_of(&self, p: usize) -> &[u32] {
        let l = self.leaf[p] as usize;
        &self.order[self.leaf_start[l]..self.leaf_start[l + 1]]
    }
}

/// Per row, the rows a local join goes through: its neighbours and up to `k` of its reverse
/// neighbours (rows that list it), each with whether the link is new. Flat, row by row.
struct JoinLists {
    offsets: Vec<usize>,
    entries: Vec<(u32, bool)>,
}

impl JoinLists {
    fn of(&self, p: usize) -> &[(u32, bool)] {
        &self.entries[self.offsets[p]..self.offsets[p + 1]]
    }
}

fn join_lists(graph: &Graph, seed: u64) -> JoinLists {
    let (n, k) = (graph.rows(), graph.k);
    // Reverse links, at most k per row, taken from the rows in a seeded random order so the
    // cap keeps an unbiased sample.
    let mut visit: Vec<u32> = (0..n as u32).collect();
    visit.shuffle(&mut ChaCha8Rng::seed_from_u64(seed ^ 0x5EED));
    let mut reverse_count = vec![0u32; n];
    let mut reverse = vec![(EMPTY, false); n * k];
    for &p in &visit {
        let range = p as usize * k..(p as usize + 1) * k;
        for (&q, &is_new) in graph.ids[range.clone()].iter().zip(&graph.new[range]) {
            if q == EMPTY {
                continue;
            }
            let count = &mut reverse_count[q as usize];
            if (*count as usize) < k {
                reverse[q as usize * k + *count as usize] = (p, is_new);
                *count += 1;
            }
        }
    }
    let mut offsets = Vec::with_capacity(n + 1);
    let mut entries = Vec::with_capacity(2 * n * k);
    offsets.push(0);
    for p in 0..n {
        let (ids, _) = graph.list(p);
        let new = &graph.new[p * k..(p + 1) * k];
        entries.extend(
            ids.iter()
                .zip(new)
                .filter(|&(&id, _)| id != EMPTY)
                .map(|(&id, &is_new)| (id, is_new)),
        );
        for &(r, is_new) in &reverse[p * k..p * k + reverse_count[p] as usize] {
            if !ids.contains(&r) {
                entries.push((r, is_new));
            }
        }
        offsets.push(entries.len());
    }
    JoinLists { offsets, entries }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::space::projection::umap::knn::cosine_knn;
    use crate::space::search::neighbors::unit_rows_of;
    use ndarray::{Array, Array2};
    use rand::Rng;

    /// Clustered rows: 40 centres, each row a centre plus noise on a few local directions plus
    /// isotropic noise (neighbourhoods with structure, like word vectors).
    pub(crate) fn clustered(n: usize, d: usize, seed: u64) -> Array2<f32> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let centres = Array::from_shape_fn((40, d), |_| rng.gen_range(-1.0f32..1.0));
        let frames = Array::from_shape_fn((40, 3, d), |_| rng.gen_range(-0.5f32..0.5));
        let mut rows = Array2::<f32>::zeros((n, d));
        for mut r in rows.rows_mut() {
            let c = rng.gen_range(0..40);
            for j in 0..d {
                r[j] = centres[[c, j]] + rng.gen_range(-0.1f32..0.1);
            }
            for axis in 0..3 {
                let t = rng.gen_range(-1.0f32..1.0);
                for j in 0..d {
                    r[j] += t * frames[[c, axis, j]];
                }
            }
        }
        rows
    }

    /// Mean share of each row's exact `k` neighbours found by the approximate graph.
    fn recall(exact: &[Vec<(usize, f32)>], approx: &[Vec<(usize, f32)>]) -> f64 {
        let mut hits = 0usize;
        let mut total = 0usize;
        for (e, a) in exact.iter().zip(approx) {
            total += e.len();
            hits += e
                .iter()
                .filter(|(r, _)| a.iter().any(|(q, _)| q == r))
                .count();
        }
        hits as f64 / total as f64
    }

    #[test]
    fn recall_at_15_against_the_exact_graph_is_at_least_0_9() {
        let unit = unit_rows_of(clustered(8_000, 50, 1).view());
        let never = AtomicBool::new(false);
        let exact = cosine_knn(unit.view(), 15, &never, &mut |_, _| {}).unwrap();
        let mut steps = Vec::new();
        let approx =
            approximate_cosine_knn(unit.view(), 15, 7, &never, &mut |d, t| steps.push((d, t)))
                .unwrap();
        let r = recall(&exact, &approx);
        assert!(r >= 0.9, "recall@15 {r}");
        assert_eq!(steps.first(), Some(&(1, 1 + MAX_ITERATIONS)));
        for (row, list) in approx.iter().enumerate() {
            assert_eq!(list.len(), 15);
            assert!(list.iter().all(|&(r, _)| r != row));
            assert!(
                list.windows(2).all(|w| w[0].1 <= w[1].1),
                "row {row} not sorted"
            );
        }
        // Deterministic for a seed.
        let again = approximate_cosine_knn(unit.view(), 15, 7, &never, &mut |_, _| {}).unwrap();
        assert_eq!(again, approx);
    }

    #[test]
    fn tiny_and_degenerate_sets() {
        let never = AtomicBool::new(false);
        let unit = unit_rows_of(Array2::<f32>::ones((5, 3)).view());
        let knn = approximate_cosine_knn(unit.view(), 15, 0, &never, &mut |_, _| {}).unwrap();
        assert!(knn.iter().all(|l| l.len() == 4));
        let cancelled =
            approximate_cosine_knn(unit.view(), 3, 0, &AtomicBool::new(true), &mut |_, _| {});
        assert!(cancelled.is_none());
    }
}
