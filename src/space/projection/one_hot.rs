//! The numbers and the picture of the one-hot view: what a vocabulary would be as one-hot
//! vectors, next to the dense vectors the app trains.
//!
//! A one-hot vector of a V-word vocabulary has V entries, a single 1 at the word's row. So every
//! vector has length 1, every pair is orthogonal (cosine 0) and every pair is at distance √2:
//! no word is closer to any other — there is no similarity to see. Stored densely (f32) the
//! vocabulary takes V·V·4 bytes; stored sparsely it is just the word ids, one (u32 index, f32
//! value) entry per word (8·V bytes); dense embeddings take V·D·4 bytes.
//!
//! Drawing: V mutually equidistant points need V − 1 dimensions, so 3D can only keep what
//! matters most — every word the same distance from the centre (every one-hot vector has
//! norm one) and no word nearer to some words than to others as far as 3D allows. [`one_hot_sphere`]
//! puts the words evenly on a sphere with a Fibonacci lattice: equal radius exactly, and nearly
//! equal nearest-neighbour spacing everywhere, with no clumps or rows that would suggest a
//! structure the one-hot vectors do not have.

use ndarray::Array2;

/// Size and geometry figures of a vocabulary as one-hot vectors versus dense vectors.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OneHotNumbers {
    pub vocab_size: usize,
    pub dense_dims: usize,
    /// Length of one one-hot vector (= the vocabulary size).
    pub one_hot_length: usize,
    /// All one-hot vectors as a dense f32 matrix: V·V·4 bytes (saturating at u64::MAX).
    pub one_hot_dense_bytes: u64,
    /// All one-hot vectors stored sparsely, one (u32 index, f32 value) entry per word: 8·V bytes.
    pub one_hot_sparse_bytes: u64,
    /// The dense embeddings as f32: V·D·4 bytes.
    pub dense_bytes: u64,
    /// Cosine between any two different one-hot vectors.
    pub pairwise_cosine: f32,
    /// Euclidean distance between any two different one-hot vectors.
    pub pairwise_distance: f32,
}

/// The figures for a vocabulary of `vocab_size` words and `dense_dims`-dimensional embeddings.
pub fn one_hot_numbers(vocab_size: usize, dense_dims: usize) -> OneHotNumbers {
    let v = vocab_size as u64;
    let bytes_f32 = std::mem::size_of::<f32>() as u64;
    let sparse_entry = (std::mem::size_of::<u32>() + std::mem::size_of::<f32>()) as u64;
    OneHotNumbers {
        vocab_size,
        dense_dims,
        one_hot_length: vocab_size,
        one_hot_dense_bytes: v.saturating_mul(v).saturating_mul(bytes_f32),
        one_hot_sparse_bytes: v.saturating_mul(sparse_entry),
        dense_bytes: v
            .saturating_mul(dense_dims as u64)
            .saturating_mul(bytes_f32),
        // e_i · e_j = 0 for i ≠ j; |e_i − e_j|² = 1 + 1.
        pairwise_cosine: 0.0,
        pairwise_distance: std::f32::consts::SQRT_2,
    }
}

/// `count` points evenly spread on a sphere of `radius` (Fibonacci lattice: equal-area bands,
/// successive points turned by the golden angle), as a `count` x 3 matrix. Every point is at
/// exactly `radius` from the origin; see the module docs for why.
pub fn one_hot_sphere(count: usize, radius: f32) -> Array2<f32> {
    let mut points = Array2::<f32>::zeros((count, 3));
    if count == 0 {
        return points;
    }
    let golden_angle = std::f64::consts::PI * (3.0 - 5.0f64.sqrt());
    let n = count as f64;
    for i in 0..count {
        // z at the centres of `count` equal-area bands, from near +1 down to near −1.
        let z = 1.0 - (2.0 * i as f64 + 1.0) / n;
        let ring = (1.0 - z * z).max(0.0).sqrt();
        let angle = golden_angle * i as f64;
        let r = f64::from(radius);
        points[[i, 0]] = (r * ring * angle.cos()) as f32;
        points[[i, 1]] = (r * ring * angle.sin()) as f32;
        points[[i, 2]] = (r * z) as f32;
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Axis;

    #[test]
    fn numbers_match_actual_one_hot_vectors() {
        let v = 7;
        let n = one_hot_numbers(v, 3);
        let eye = Array2::<f32>::eye(v);
        assert_eq!(n.one_hot_length, eye.ncols());
        assert_eq!(
            n.one_hot_dense_bytes,
            (eye.len() * std::mem::size_of::<f32>()) as u64
        );
        for i in 0..v {
            for j in 0..v {
                if i == j {
                    continue;
                }
                let (a, b) = (eye.row(i), eye.row(j));
                let cos = a.dot(&b) / (a.dot(&a).sqrt() * b.dot(&b).sqrt());
                let diff = &a - &b;
                let dist = diff.dot(&diff).sqrt();
                assert_eq!(cos, n.pairwise_cosine);
                assert!((dist - n.pairwise_distance).abs() < 1e-6);
            }
        }
    }

    #[test]
    fn memory_figures() {
        let n = one_hot_numbers(100_000, 300);
        assert_eq!(n.one_hot_dense_bytes, 40_000_000_000);
        assert_eq!(n.one_hot_sparse_bytes, 800_000);
        assert_eq!(n.dense_bytes, 120_000_000);
        assert_eq!(n.vocab_size, 100_000);
        // Absurd sizes saturate instead of overflowing.
        let huge = one_hot_numbers(usize::MAX, 300);
        assert_eq!(huge.one_hot_dense_bytes, u64::MAX);
        let empty = one_hot_numbers(0, 50);
        assert_eq!((empty.one_hot_dense_bytes, empty.dense_bytes), (0, 0));
    }

    #[test]
    fn sphere_points_are_equidistant_from_centre_and_evenly_spread() {
        let count = 500;
        let p = one_hot_sphere(count, 2.0);
        assert_eq!(p.dim(), (count, 3));
        for row in p.outer_iter() {
            assert!((row.dot(&row).sqrt() - 2.0).abs() < 1e-4);
        }
        // Centred (no side is favoured) and nearest-neighbour gaps nearly uniform.
        let mean = p.mean_axis(Axis(0)).unwrap();
        assert!(mean.iter().all(|v| v.abs() < 0.02), "{mean:?}");
        let mut nearest = Vec::with_capacity(count);
        for i in 0..count {
            let mut best = f32::INFINITY;
            for j in 0..count {
                if i != j {
                    let d = &p.row(i) - &p.row(j);
                    best = best.min(d.dot(&d).sqrt());
                }
            }
            nearest.push(best);
        }
        let min = nearest.iter().copied().fold(f32::INFINITY, f32::min);
        let max = nearest.iter().copied().fold(0.0f32, f32::max);
        assert!(max / min < 2.0, "spacing {min}..{max}");
        assert_eq!(one_hot_sphere(0, 1.0).dim(), (0, 3));
        assert_eq!(one_hot_sphere(1, 1.0).row(0).to_vec()[2], 0.0);
    }
}
