//! The run's schedule, in processed words: the linear learning-rate decay (word2vec's), the
//! epoch boundaries, and when the next snapshot is due.

use super::config::TrainConfig;

/// The linear learning-rate schedule: `alpha` at word 0, `min_alpha` at `total_words`.
pub fn learning_rate(alpha: f32, min_alpha: f32, words_done: u64, total_words: u64) -> f32 {
    let progress = if total_words == 0 {
        1.0
    } else {
        (words_done as f64 / total_words as f64).min(1.0)
    };
    (alpha as f64 - (alpha as f64 - min_alpha as f64) * progress).max(min_alpha as f64) as f32
}

/// The learning rate as a function of the words processed over the whole run; `Copy` so each
/// worker can hold one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LearningRate {
    alpha: f32,
    min_alpha: f32,
    total_words: u64,
}

impl LearningRate {
    pub fn at(&self, words_done: u64) -> f32 {
        learning_rate(self.alpha, self.min_alpha, words_done, self.total_words)
    }
}

/// The epoch a person counts (1 to `epochs`) for a 0-based epoch index; the index equals
/// `epochs` once the run is over, which still reads as the last epoch.
pub fn epoch_number(epoch_index: usize, epochs: usize) -> usize {
    (epoch_index + 1).min(epochs.max(1))
}

/// Epochs, learning rate and snapshot times of one run.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub rate: LearningRate,
    /// In-vocabulary words per epoch (the corpus after the vocabulary cut).
    pub words_per_epoch: u64,
    /// `words_per_epoch` times the number of epochs.
    pub total_words: u64,
    snapshot_every_words: u64,
    next_snapshot_words: u64,
}

impl Schedule {
    /// `snapshot_every_words` 0 in `config` means about 50 snapshots over the run.
    pub fn new(config: &TrainConfig, words_per_epoch: u64) -> Self {
        let total_words = words_per_epoch * config.epochs as u64;
        let snapshot_every_words = if config.snapshot_every_words == 0 {
            (total_words / 50).max(1)
        } else {
            config.snapshot_every_words
        };
        Self {
            rate: LearningRate {
                alpha: config.alpha,
                min_alpha: config.min_alpha,
                total_words,
            },
            words_per_epoch,
            total_words,
            snapshot_every_words,
            next_snapshot_words: snapshot_every_words,
        }
    }

    /// The most snapshots a run can take (the periodic ones, snapshot 0 and the final state).
    pub fn max_snapshots(&self) -> u64 {
        self.total_words.div_ceil(self.snapshot_every_words) + 2
    }

    /// The epoch that `words_done` falls in (equals the number of epochs at the very end).
    pub fn epoch_of(&self, words_done: u64) -> usize {
        (words_done / self.words_per_epoch.max(1)) as usize
    }

    /// Run-wide word counts at which `epoch` starts and ends.
    pub fn epoch_bounds(&self, epoch: usize) -> (u64, u64) {
        let start = epoch as u64 * self.words_per_epoch;
        (start, start + self.words_per_epoch)
    }

    /// Where the next phase must stop: the next snapshot time or `epoch_end`, whichever is
    /// first.
    pub fn next_stop(&self, epoch_end: u64) -> u64 {
        self.next_snapshot_words.min(epoch_end)
    }

    /// Whether the run ends less than half a snapshot interval after `words_done`: a periodic
    /// snapshot there would leave the final one a window of a few words, whose mean loss is
    /// noise (it showed as a spike or a dip at the end of every run).
    pub fn ends_soon_after(&self, words_done: u64) -> bool {
        self.total_words.saturating_sub(words_done) < self.snapshot_every_words / 2
    }

    /// Whether `words_done` has reached the next snapshot time; if so, moves that time past
    /// `words_done` (phases end at sentence ends, so they may overshoot it).
    pub fn snapshot_due(&mut self, words_done: u64) -> bool {
        if words_done < self.next_snapshot_words {
            return false;
        }
        while self.next_snapshot_words <= words_done {
            self.next_snapshot_words += self.snapshot_every_words;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn epochs_are_counted_from_one_and_the_end_is_the_last() {
        assert_eq!(super::epoch_number(0, 5), 1);
        assert_eq!(super::epoch_number(4, 5), 5);
        assert_eq!(super::epoch_number(5, 5), 5);
        assert_eq!(super::epoch_number(1, 1), 1);
    }

    use super::*;

    #[test]
    fn learning_rate_end_points() {
        assert_eq!(learning_rate(0.025, 1e-4, 0, 1000), 0.025);
        assert!((learning_rate(0.025, 1e-4, 1000, 1000) - 1e-4).abs() < 1e-9);
        assert!((learning_rate(0.025, 1e-4, 500, 1000) - 0.01255).abs() < 1e-6);
        assert!((learning_rate(0.025, 1e-4, 5000, 1000) - 1e-4).abs() < 1e-9);
    }

    #[test]
    fn snapshots_every_fiftieth_by_default_and_skip_overshoot() {
        let config = TrainConfig {
            epochs: 2,
            ..TrainConfig::default()
        };
        let mut s = Schedule::new(&config, 500);
        assert_eq!(s.total_words, 1000);
        assert_eq!(s.max_snapshots(), 52);
        assert_eq!(s.rate.at(0), config.alpha);
        assert_eq!(s.epoch_bounds(1), (500, 1000));
        assert_eq!(s.epoch_of(999), 1);
        assert_eq!(s.epoch_of(1000), 2);
        assert_eq!(s.next_stop(10), 10);
        assert_eq!(s.next_stop(500), 20);
        assert!(!s.snapshot_due(19));
        // A phase that overshot past two snapshot times yields one snapshot.
        assert!(s.snapshot_due(45));
        assert_eq!(s.next_stop(500), 60);
        assert!(!s.snapshot_due(59));
    }
}
