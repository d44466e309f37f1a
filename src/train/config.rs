//! Training settings ([`TrainConfig`]): defaults are gensim's `Word2Vec` defaults, and
//! [`TrainConfig::validate`] rejects nonsense before any work starts.

use serde::{Deserialize, Serialize};

use super::error::TrainError;

/// All training settings. Serialised (serde_json) into timeline files as the run's parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TrainConfig {
    /// Vector dimension.
    pub dim: usize,
    /// Maximum context distance; each position uses a reduced window drawn from `1..=window`.
    pub window: usize,
    /// Negative samples per (center, context) pair.
    pub negative: usize,
    /// Words occurring fewer times are dropped.
    pub min_count: u64,
    /// Keep at most this many words (the most frequent).
    pub max_vocab: Option<usize>,
    /// Subsampling threshold for frequent words (0 disables).
    pub sample: f64,
    /// Initial learning rate.
    pub alpha: f32,
    /// Final learning rate (reached linearly at the end of the last epoch).
    pub min_alpha: f32,
    /// Passes over the corpus.
    pub epochs: usize,
    /// Worker threads; 0 means all cores.
    pub threads: usize,
    /// Seed for initial vectors, window sizes, subsampling and negative samples.
    pub seed: u64,
    /// CBOW (mean of context predicts the center word) instead of skip-gram.
    pub cbow: bool,
    /// Skip-gram: draw one set of `negative` noise words per center word and share it among
    /// that center's context pairs (their output rows then stay in cache: much faster, same
    /// quality in our benchmarks). `false` draws fresh noise words for every pair, exactly as
    /// word2vec.c and gensim.
    pub shared_negatives: bool,
    /// Take a snapshot every this many processed words; 0 = about 50 over the run.
    pub snapshot_every_words: u64,
    /// Snapshots hold the vectors of at most this many (most frequent) words.
    pub snapshot_max_words: usize,
    /// Whether the caller keeps every snapshot (the viewer, a timeline file): their memory is
    /// then part of the run's estimate and bounded. `false` (the command line without
    /// `--timeline`) counts only the one being handed over.
    pub keep_snapshots: bool,
    /// With `Init::Pretrained`, never update rows that came from the pretrained vectors.
    pub freeze_pretrained: bool,
    /// Lowercase tokens.
    pub lowercase: bool,
    /// The corpus is already tokenised: split on whitespace only.
    pub pre_tokenized: bool,
    /// Replace invalid UTF-8 with U+FFFD instead of failing.
    pub lossy_utf8: bool,
    /// How often `Progress` events are sent, in milliseconds.
    pub progress_interval_ms: u64,
}

/// Default snapshot word set size: enough for a readable map, small enough to keep 50+ in memory.
pub const DEFAULT_SNAPSHOT_MAX_WORDS: usize = 20_000;

/// Snapshot memory above this is refused (it would exhaust a desktop machine).
pub const MAX_SNAPSHOT_BYTES: f64 = 16.0 * (1u64 << 30) as f64;

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            dim: 100,
            window: 5,
            negative: 5,
            min_count: 5,
            max_vocab: None,
            sample: 1e-3,
            alpha: 0.025,
            min_alpha: 1e-4,
            epochs: 5,
            threads: 0,
            seed: 1,
            cbow: false,
            shared_negatives: true,
            snapshot_every_words: 0,
            snapshot_max_words: DEFAULT_SNAPSHOT_MAX_WORDS,
            keep_snapshots: true,
            freeze_pretrained: false,
            lowercase: true,
            pre_tokenized: false,
            lossy_utf8: false,
            progress_interval_ms: 200,
        }
    }
}

impl TrainConfig {
    /// Checks every setting that can be checked without the corpus.
    pub fn validate(&self) -> Result<(), TrainError> {
        let bad = |field, reason: &str| {
            Err(TrainError::InvalidConfig {
                field,
                reason: reason.to_owned(),
            })
        };
        if self.dim == 0 {
            return bad("dim", "must be at least 1");
        }
        if self.dim > 100_000 {
            return bad("dim", "must be at most 100000");
        }
        if self.window == 0 {
            return bad("window", "must be at least 1");
        }
        if self.negative == 0 {
            return bad(
                "negative",
                "must be at least 1 (negative sampling is the only objective)",
            );
        }
        if self.epochs == 0 {
            return bad("epochs", "must be at least 1");
        }
        if !(self.alpha.is_finite() && self.alpha > 0.0) {
            return bad(
                "alpha",
                &format!("must be a positive number, got {}", self.alpha),
            );
        }
        if !(self.min_alpha.is_finite() && self.min_alpha >= 0.0) {
            return bad(
                "min_alpha",
                &format!("must be >= 0, got {}", self.min_alpha),
            );
        }
        if self.min_alpha > self.alpha {
            return bad(
                "min_alpha",
                &format!("{} is larger than alpha {}", self.min_alpha, self.alpha),
            );
        }
        if !(self.sample.is_finite() && self.sample >= 0.0) {
            return bad("sample", &format!("must be >= 0, got {}", self.sample));
        }
        if self.max_vocab == Some(0) {
            return bad("max_vocab", "must be at least 1");
        }
        let rows_bytes = self.snapshot_max_words as f64 * self.dim as f64 * 4.0;
        if rows_bytes > MAX_SNAPSHOT_BYTES / 2.0 {
            return bad(
                "snapshot_max_words",
                "one snapshot alone would need over 8 GiB",
            );
        }
        Ok(())
    }

    /// Worker threads to actually use (0 = all cores).
    pub fn effective_threads(&self) -> usize {
        if self.threads == 0 {
            std::thread::available_parallelism().map_or(1, |n| n.get())
        } else {
            self.threads
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(c: TrainConfig) -> &'static str {
        match c.validate() {
            Err(TrainError::InvalidConfig { field, .. }) => field,
            other => panic!("expected InvalidConfig, got {other:?}"),
        }
    }

    #[test]
    fn defaults_are_gensims_and_valid() {
        let c = TrainConfig::default();
        assert_eq!(
            (c.dim, c.window, c.negative, c.min_count, c.epochs),
            (100, 5, 5, 5, 5)
        );
        assert_eq!((c.alpha, c.min_alpha, c.sample), (0.025, 1e-4, 1e-3));
        c.validate().unwrap();
        assert!(c.effective_threads() >= 1);
    }

    #[test]
    fn rejects_bad_settings() {
        let d = TrainConfig::default;
        assert_eq!(field_of(TrainConfig { dim: 0, ..d() }), "dim");
        assert_eq!(field_of(TrainConfig { window: 0, ..d() }), "window");
        assert_eq!(field_of(TrainConfig { epochs: 0, ..d() }), "epochs");
        assert_eq!(field_of(TrainConfig { negative: 0, ..d() }), "negative");
        assert_eq!(field_of(TrainConfig { alpha: 0.0, ..d() }), "alpha");
        assert_eq!(
            field_of(TrainConfig {
                alpha: f32::NAN,
                ..d()
            }),
            "alpha"
        );
        assert_eq!(
            field_of(TrainConfig {
                min_alpha: 0.5,
                ..d()
            }),
            "min_alpha"
        );
        assert_eq!(
            field_of(TrainConfig {
                sample: -1.0,
                ..d()
            }),
            "sample"
        );
        assert_eq!(
            field_of(TrainConfig {
                snapshot_max_words: usize::MAX / 1024,
                ..d()
            }),
            "snapshot_max_words"
        );
        TrainConfig { threads: 0, ..d() }.validate().unwrap();
    }
}
