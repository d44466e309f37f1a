//! Loss bookkeeping: the counters each worker publishes ([`WorkerStats`]) and the running
//! totals the coordinator turns into the mean losses of snapshots, progress events and epochs
//! ([`LossMarks`]).

use std::sync::atomic::{AtomicU64, Ordering};

/// Counters a worker publishes for the coordinator (only that worker writes them).
/// Aligned to two cache lines so two workers' counters never share one (false sharing).
#[derive(Debug, Default)]
#[repr(align(128))]
pub struct WorkerStats {
    loss_bits: AtomicU64,
    pairs: AtomicU64,
}

impl WorkerStats {
    /// Publishes the worker's cumulative totals.
    pub fn publish(&self, totals: LossTotals) {
        self.loss_bits
            .store(totals.loss.to_bits(), Ordering::Relaxed);
        self.pairs.store(totals.pairs, Ordering::Relaxed);
    }

    /// Cumulative totals since the start of the run.
    pub fn read(&self) -> LossTotals {
        LossTotals {
            loss: f64::from_bits(self.loss_bits.load(Ordering::Relaxed)),
            pairs: self.pairs.load(Ordering::Relaxed),
        }
    }
}

/// A cumulative loss sum and the number of (center, context) pairs (or CBOW centers) in it.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LossTotals {
    pub loss: f64,
    pub pairs: u64,
}

impl LossTotals {
    /// The sum over all workers' published counters.
    pub fn sum(stats: &[WorkerStats]) -> Self {
        stats
            .iter()
            .map(WorkerStats::read)
            .fold(Self::default(), |a, b| Self {
                loss: a.loss + b.loss,
                pairs: a.pairs + b.pairs,
            })
    }

    /// Mean loss per pair since `earlier`; `None` when no pair was added.
    pub fn mean_since(self, earlier: Self) -> Option<f32> {
        let pairs = self.pairs.saturating_sub(earlier.pairs);
        (pairs > 0).then(|| ((self.loss - earlier.loss) / pairs as f64) as f32)
    }
}

/// The totals at the last snapshot, at the start of the epoch and at the last progress event:
/// where each reported mean loss starts.
#[derive(Debug, Clone, Default)]
pub struct LossMarks {
    at_snapshot: LossTotals,
    at_epoch: LossTotals,
    at_progress: LossTotals,
}

impl LossMarks {
    pub fn start_epoch(&mut self, now: LossTotals) {
        self.at_epoch = now;
    }

    /// Mean loss since the epoch started.
    pub fn epoch_mean(&self, now: LossTotals) -> Option<f32> {
        now.mean_since(self.at_epoch)
    }

    /// Mean loss since the previous snapshot (`None` for the first one); marks `now`.
    pub fn snapshot_mean(&mut self, now: LossTotals, first: bool) -> Option<f32> {
        let mean = if first {
            None
        } else {
            now.mean_since(self.at_snapshot)
        };
        self.at_snapshot = now;
        mean
    }

    /// Mean loss since the previous progress event; marks `now` only when pairs were added, so
    /// a report with nothing new keeps the window open.
    pub fn progress_window_mean(&mut self, now: LossTotals) -> Option<f32> {
        let mean = now.mean_since(self.at_progress);
        if now.pairs > self.at_progress.pairs {
            self.at_progress = now;
        }
        mean
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn totals(loss: f64, pairs: u64) -> LossTotals {
        LossTotals { loss, pairs }
    }

    #[test]
    fn stats_sum_and_means() {
        let stats = [WorkerStats::default(), WorkerStats::default()];
        stats[0].publish(totals(3.0, 2));
        stats[1].publish(totals(5.0, 6));
        let now = LossTotals::sum(&stats);
        assert_eq!(now, totals(8.0, 8));
        assert_eq!(now.mean_since(totals(2.0, 4)), Some(1.5));
        assert_eq!(now.mean_since(now), None);
    }

    #[test]
    fn marks_start_where_they_should() {
        let mut marks = LossMarks::default();
        assert_eq!(marks.snapshot_mean(totals(0.0, 0), true), None);
        marks.start_epoch(totals(0.0, 0));
        assert_eq!(marks.progress_window_mean(totals(4.0, 2)), Some(2.0));
        // Nothing new: no mean, and the window stays at the last mark.
        assert_eq!(marks.progress_window_mean(totals(4.0, 2)), None);
        assert_eq!(marks.progress_window_mean(totals(7.0, 5)), Some(1.0));
        assert_eq!(marks.snapshot_mean(totals(7.0, 5), false), Some(1.4));
        assert_eq!(marks.snapshot_mean(totals(9.0, 7), false), Some(1.0));
        marks.start_epoch(totals(9.0, 7));
        assert_eq!(marks.epoch_mean(totals(12.0, 10)), Some(1.0));
    }
}
