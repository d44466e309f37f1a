//! Initial input vectors: word2vec's uniform, Gaussian, or copied from pretrained vectors.

use ndarray::Array2;
use rand::Rng;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::error::TrainError;
use super::memory::try_filled;
use crate::embeddings::{Embeddings, Vocab};

/// How input vectors start. Output vectors always start at zero (as in word2vec).
// One `Init` exists per run, so boxing the large variant would only complicate the API.
#[expect(
    clippy::large_enum_variant,
    reason = "built once per run; boxing the pretrained vectors would only add an indirection"
)]
#[derive(Debug, Clone, Default)]
pub enum Init {
    /// Uniform in `[-0.5/dim, 0.5/dim)`, as word2vec and gensim.
    #[default]
    Random,
    /// Normal with mean 0 and this standard deviation.
    Gaussian { std: f32 },
    /// Words present in these vectors start from them; the rest as `Random`.
    Pretrained(Embeddings),
}

/// Builds the `vocab.len() x dim` input matrix and, for `Pretrained`, which rows were copied.
pub fn initial_vectors(
    vocab: &Vocab,
    dim: usize,
    init: &Init,
    seed: u64,
) -> Result<(Array2<f32>, Vec<bool>), TrainError> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n = vocab.len();
    let half = 0.5 / dim as f32;
    let mut uniform = || filled_matrix(n, dim, || rng.gen_range(-half..half));
    match init {
        Init::Random => Ok((uniform()?, vec![false; n])),
        Init::Gaussian { std } => {
            if !(std.is_finite() && *std >= 0.0) {
                return Err(TrainError::InvalidConfig {
                    field: "init",
                    reason: format!("gaussian std must be >= 0, got {std}"),
                });
            }
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let m = filled_matrix(n, dim, || gaussian(&mut rng) * std)?;
            Ok((m, vec![false; n]))
        }
        Init::Pretrained(pre) => {
            if pre.dim() != dim {
                return Err(TrainError::PretrainedDimension {
                    expected: dim,
                    found: pre.dim(),
                });
            }
            let mut m = uniform()?;
            let mut copied = vec![false; n];
            for (row, word) in vocab.words().iter().enumerate() {
                if let Some(src) = pre.index_of(word) {
                    m.row_mut(row).assign(&pre.row(src));
                    copied[row] = true;
                }
            }
            Ok((m, copied))
        }
    }
}

/// An `n x dim` matrix of `fill()` values in row-major order, allocated fallibly (an
/// allocation failure is an error, not an abort).
fn filled_matrix(
    n: usize,
    dim: usize,
    mut fill: impl FnMut() -> f32,
) -> Result<Array2<f32>, TrainError> {
    let mut values = try_filled(n.saturating_mul(dim), 0.0, "input vectors")?;
    values.iter_mut().for_each(|v| *v = fill());
    Array2::from_shape_vec((n, dim), values)
        .map_err(|e| TrainError::Thread(format!("internal shape error: {e}")))
}

/// Box–Muller: avoids a dependency on rand_distr for one distribution.
fn gaussian(rng: &mut ChaCha8Rng) -> f32 {
    let u1: f64 = rng.gen_range(f64::MIN_POSITIVE..1.0);
    let u2: f64 = rng.r#gen();
    ((-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_is_in_range_and_gaussian_has_std() {
        let v = Vocab::new((0..500).map(|i| i.to_string()).collect()).unwrap();
        let (m, _) = initial_vectors(&v, 10, &Init::Random, 1).unwrap();
        assert!(m.iter().all(|x| x.abs() <= 0.05));
        let (g, _) = initial_vectors(&v, 10, &Init::Gaussian { std: 2.0 }, 1).unwrap();
        let var = g.iter().map(|x| (x * x) as f64).sum::<f64>() / g.len() as f64;
        assert!((var.sqrt() - 2.0).abs() < 0.1, "{}", var.sqrt());
    }

    #[test]
    fn pretrained_dimension_mismatch() {
        let v = Vocab::new(vec!["a".into()]).unwrap();
        let pre = Embeddings::from_words(vec!["a".into()], Array2::zeros((1, 3))).unwrap();
        let err = initial_vectors(&v, 4, &Init::Pretrained(pre), 1).unwrap_err();
        assert!(matches!(
            err,
            TrainError::PretrainedDimension {
                expected: 4,
                found: 3
            }
        ));
    }
}
