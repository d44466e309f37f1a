//! The training flags of the subcommands that train in the window (`view`, `render`): one
//! definition, so both take the same names and the same defaults (the demo's own settings for
//! the bundled demo, gensim's otherwise).

use embedscape::train::TrainConfig;

#[derive(clap::Args, Debug, Default, Clone)]
pub struct WindowTrainingArgs {
    /// Vector dimensions when training (default: 50 for the demo, 100 otherwise).
    #[arg(long)]
    pub dim: Option<usize>,
    /// Context window when training.
    #[arg(long)]
    pub window: Option<usize>,
    /// Training epochs.
    #[arg(long)]
    pub epochs: Option<usize>,
    /// Random seed for training and clustering.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Training threads (0 = all cores). With --threads 1 a run repeats exactly for a given
    /// --seed; with more, threads race (as in word2vec and gensim) and results vary slightly.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Treat the corpus as already tokenised: split on whitespace only.
    #[arg(long)]
    pub pre_tokenized: bool,
}

impl WindowTrainingArgs {
    /// `base` (the demo's settings or the defaults) with the flags given applied, checked.
    #[cfg_attr(
        not(feature = "viewer"),
        expect(dead_code, reason = "only the window trains with these flags")
    )]
    pub fn apply_to(&self, mut base: TrainConfig) -> anyhow::Result<TrainConfig> {
        if let Some(dim) = self.dim {
            base.dim = dim;
        }
        if let Some(window) = self.window {
            base.window = window;
        }
        if let Some(epochs) = self.epochs {
            base.epochs = epochs;
        }
        if let Some(seed) = self.seed {
            base.seed = seed;
        }
        if let Some(threads) = self.threads {
            base.threads = threads;
        }
        base.pre_tokenized |= self.pre_tokenized;
        base.validate()?;
        Ok(base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_flags_override_the_base_and_absurd_ones_are_refused() {
        let args = WindowTrainingArgs {
            dim: Some(8),
            threads: Some(1),
            seed: Some(7),
            ..Default::default()
        };
        let config = args.apply_to(TrainConfig::default()).unwrap();
        assert_eq!((config.dim, config.threads, config.seed), (8, 1, 7));
        assert_eq!(config.window, TrainConfig::default().window);
        let absurd = WindowTrainingArgs {
            dim: Some(0),
            ..Default::default()
        };
        assert!(absurd.apply_to(TrainConfig::default()).is_err());
    }
}
