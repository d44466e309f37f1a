//! UMAP's layout optimisation: stochastic gradient steps that pull each edge of the fuzzy graph
//! together (sampled in proportion to its weight) and push random other points away (negative
//! sampling), with a learning rate that decays linearly to 0, as in umap-learn's
//! `optimize_layout_euclidean`.
//!
//! Made parallel AND deterministic: every epoch reads the previous epoch's positions and each
//! vertex updates only its own position (one rayon task per block of vertices, its own random
//! stream seeded from (seed, epoch, vertex)). umap-learn's sequential loop moves both ends of a
//! sampled edge; the graph is symmetric, so edge i→j and edge j→i are sampled in the same
//! epochs and every vertex receives two pulls — applied here as a doubled pull on the head.

use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use super::fuzzy::FuzzyGraph;

/// Gradient components are clipped to ±this (umap-learn's `clip`).
const GRADIENT_CLIP: f32 = 4.0;
/// Added to squared distances in the repulsion, avoiding division by zero (umap-learn's value).
const REPULSION_EPSILON: f32 = 0.001;
/// Vertices per parallel task.
const VERTEX_BLOCK: usize = 512;

/// Settings of one optimisation run.
#[derive(Debug, Clone)]
pub(crate) struct SgdSettings {
    pub a: f32,
    pub b: f32,
    pub n_epochs: usize,
    pub learning_rate: f32,
    pub negative_sample_rate: usize,
    pub seed: u64,
}

/// Runs the epochs on `coords` (n x 3, row-major) in place. Reports `(epochs_done, n_epochs,
/// coords)` after each epoch (the layout so far, for callers that show it as it refines) and
/// stops early when `cancel` is set; returns the epochs completed.
pub(crate) fn optimize_layout(
    graph: &FuzzyGraph,
    coords: &mut [f32],
    settings: &SgdSettings,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(usize, usize, &[f32]),
) -> usize {
    let n = graph.vertices();
    let n_epochs = settings.n_epochs;
    if n < 2 || n_epochs == 0 || coords.len() != 3 * n {
        return 0;
    }
    // Edges weaker than max/n_epochs would never be sampled (umap-learn drops them too).
    let max_weight = graph.weights.iter().copied().fold(0.0f32, f32::max);
    if max_weight <= 0.0 {
        return 0;
    }
    let epochs_per_sample: Vec<f32> = graph
        .weights
        .iter()
        .map(|&w| {
            if w * n_epochs as f32 >= max_weight {
                max_weight / w
            } else {
                f32::INFINITY
            }
        })
        .collect();
    let negative_rate = settings.negative_sample_rate.max(1) as f32;
    let mut next_sample = epochs_per_sample.clone();
    let mut next_negative: Vec<f32> = epochs_per_sample
        .iter()
        .map(|&e| e / negative_rate)
        .collect();
    let mut previous = coords.to_vec();
    let mut completed = 0;
    for epoch in 0..n_epochs {
        if cancel.load(Ordering::Relaxed) {
            break;
        }
        let alpha = settings.learning_rate * (1.0 - epoch as f32 / n_epochs as f32);
        previous.copy_from_slice(coords);
        let step = EpochStep {
            graph,
            previous: &previous,
            epochs_per_sample: &epochs_per_sample,
            negative_rate,
            settings,
            epoch,
            alpha,
        };
        // Split the per-edge schedules along the same vertex blocks as the coordinates.
        let edge_splits: Vec<usize> = (0..n)
            .step_by(VERTEX_BLOCK)
            .map(|v| graph.offsets[v])
            .collect();
        let mut sample_blocks = split_at_offsets(&mut next_sample, &edge_splits);
        let mut negative_blocks = split_at_offsets(&mut next_negative, &edge_splits);
        coords
            .par_chunks_mut(3 * VERTEX_BLOCK)
            .zip(sample_blocks.par_iter_mut())
            .zip(negative_blocks.par_iter_mut())
            .enumerate()
            .for_each(|(block, ((out, samples), negatives))| {
                step.run_block(block * VERTEX_BLOCK, out, samples, negatives);
            });
        completed = epoch + 1;
        progress(completed, n_epochs, coords);
    }
    completed
}

/// Splits `values` into consecutive mutable pieces starting at each of `starts` (ascending,
/// first = 0).
fn split_at_offsets<'a>(mut values: &'a mut [f32], starts: &[usize]) -> Vec<&'a mut [f32]> {
    let mut pieces = Vec::with_capacity(starts.len());
    let mut consumed = 0;
    for (i, _) in starts.iter().enumerate() {
        let end = starts
            .get(i + 1)
            .copied()
            .unwrap_or(consumed + values.len());
        let (head, tail) = values.split_at_mut(end - consumed);
        pieces.push(head);
        values = tail;
        consumed = end;
    }
    pieces
}

/// Everything one epoch's tasks share.
struct EpochStep<'a> {
    graph: &'a FuzzyGraph,
    previous: &'a [f32],
    epochs_per_sample: &'a [f32],
    negative_rate: f32,
    settings: &'a SgdSettings,
    epoch: usize,
    alpha: f32,
}

impl EpochStep<'_> {
    /// Updates vertices `first..` (their coordinates in `out`, their edges' schedules in
    /// `samples` / `negatives`, indexed from the block's first edge).
    fn run_block(&self, first: usize, out: &mut [f32], samples: &mut [f32], negatives: &mut [f32]) {
        let (a, b) = (self.settings.a, self.settings.b);
        let n = self.graph.vertices();
        let epoch = self.epoch as f32;
        let edge_base = self.graph.offsets[first];
        for (local, position) in out.chunks_exact_mut(3).enumerate() {
            let vertex = first + local;
            let mut rng = SplitMix::new(self.settings.seed, self.epoch as u64, vertex as u64);
            let mut current = [position[0], position[1], position[2]];
            for edge in self.graph.offsets[vertex]..self.graph.offsets[vertex + 1] {
                let e = edge - edge_base;
                if samples[e] > epoch {
                    continue;
                }
                let other = point(self.previous, self.graph.targets[edge] as usize);
                let d2 = squared_distance(&current, &other);
                if d2 > 0.0 {
                    // d2^(b−1) = d2^b / d2: one power instead of two (the hot loop's cost).
                    let d2_pow_b = fast_pow(d2, b);
                    let coeff = -2.0 * a * b * (d2_pow_b / d2) / (a * d2_pow_b + 1.0);
                    for axis in 0..3 {
                        let grad = (coeff * (current[axis] - other[axis]))
                            .clamp(-GRADIENT_CLIP, GRADIENT_CLIP);
                        // Two pulls: this edge and its mirror (see the module doc).
                        current[axis] += 2.0 * grad * self.alpha;
                    }
                }
                samples[e] += self.epochs_per_sample[edge];
                let per_negative = self.epochs_per_sample[edge] / self.negative_rate;
                let n_negative = ((epoch - negatives[e]) / per_negative).max(0.0) as usize;
                for _ in 0..n_negative {
                    let k = rng.below(n);
                    if k == vertex {
                        continue;
                    }
                    let other = point(self.previous, k);
                    let d2 = squared_distance(&current, &other);
                    if d2 <= 0.0 {
                        continue;
                    }
                    let coeff = 2.0 * b / ((REPULSION_EPSILON + d2) * (a * fast_pow(d2, b) + 1.0));
                    for axis in 0..3 {
                        let grad = (coeff * (current[axis] - other[axis]))
                            .clamp(-GRADIENT_CLIP, GRADIENT_CLIP);
                        current[axis] += grad * self.alpha;
                    }
                }
                negatives[e] += n_negative as f32 * per_negative;
            }
            position.copy_from_slice(&current);
        }
    }
}

/// `x^y` for `x > 0` to about 1e-5 relative (exp2 and log2 from the float's bits and short
/// polynomials): the gradient needs no more, and `powf` was most of the epoch's cost at 400k
/// rows. Out-of-range results saturate (to 0 or a huge finite value), never NaN for `x > 0`.
#[inline]
fn fast_pow(x: f32, y: f32) -> f32 {
    fast_exp2((y * fast_log2(x)).clamp(-126.0, 126.0))
}

/// log2 of a positive normal float: exponent + a polynomial in the mantissa m ∈ [1, 2).
#[inline]
fn fast_log2(x: f32) -> f32 {
    let bits = x.to_bits();
    let exponent = ((bits >> 23) & 0xFF) as i32 - 127;
    let m = f32::from_bits((bits & 0x007F_FFFF) | 0x3F80_0000);
    // log2(m) on [1, 2) via t = (m − 1)/(m + 1): log2(m) = 2/ln2 · atanh(t), |t| ≤ 1/3.
    let t = (m - 1.0) / (m + 1.0);
    let t2 = t * t;
    let series =
        t * (2.0 + t2 * (2.0 / 3.0 + t2 * (2.0 / 5.0 + t2 * (2.0 / 7.0 + t2 * (2.0 / 9.0)))));
    exponent as f32 + series * std::f32::consts::LOG2_E
}

/// 2^y for y ∈ [−126, 126]: 2^floor(y) from the bits times a polynomial for the fraction.
#[inline]
fn fast_exp2(y: f32) -> f32 {
    let whole = y.floor();
    let f = (y - whole) * std::f32::consts::LN_2;
    // e^f on [0, ln 2), Taylor to the 7th power (relative error < 2e-7).
    let poly = 1.0
        + f * (1.0
            + f * (0.5
                + f * (1.0 / 6.0
                    + f * (1.0 / 24.0 + f * (1.0 / 120.0 + f * (1.0 / 720.0 + f / 5040.0))))));
    let scale = f32::from_bits(((whole as i32 + 127) as u32) << 23);
    poly * scale
}

#[inline]
fn point(coords: &[f32], row: usize) -> [f32; 3] {
    [coords[3 * row], coords[3 * row + 1], coords[3 * row + 2]]
}

#[inline]
fn squared_distance(p: &[f32; 3], q: &[f32; 3]) -> f32 {
    (p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2) + (p[2] - q[2]).powi(2)
}

/// A small, fast random stream (SplitMix64) seeded from (seed, epoch, vertex): the same inputs
/// give the same layout whatever the thread count.
struct SplitMix(u64);

impl SplitMix {
    fn new(seed: u64, epoch: u64, vertex: u64) -> Self {
        let mut s = SplitMix(seed ^ 0x9E37_79B9_7F4A_7C15);
        let a = s.next();
        let mut s = SplitMix(a ^ epoch.wrapping_mul(0xBF58_476D_1CE4_E5B9));
        let b = s.next();
        SplitMix(b ^ vertex.wrapping_mul(0x94D0_49BB_1331_11EB))
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in 0..n (n > 0; the modulo bias is negligible for n ≪ 2⁶⁴).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_pow_matches_powf() {
        let mut worst = 0.0f32;
        for &b in &[0.79f32, 1.0, 1.58, 1.93] {
            for i in 0..20_000 {
                // x from 1e-6 to 1e6, log-spaced.
                let x = 10f32.powf(-6.0 + 12.0 * i as f32 / 20_000.0);
                let (fast, exact) = (fast_pow(x, b), x.powf(b));
                worst = worst.max(((fast - exact) / exact).abs());
            }
        }
        assert!(worst < 2e-5, "worst relative error {worst}");
        assert!(fast_pow(1e-30, 5.0) >= 0.0 && fast_pow(1e30, 5.0).is_finite());
    }
}
