//! Progress reporting: when the next `Progress` event is due, how much of the run's time was
//! un-paused training, and building the event from the shared counters.

use std::time::{Duration, Instant};

use super::events::Progress;
use super::loss::{LossMarks, LossTotals};
use super::schedule::Schedule;

/// Shortest interval between progress events, whatever the configuration asks.
const MIN_INTERVAL_MS: u64 = 10;

/// Built once per run; the coordinator asks it whether a report is due and has it build one.
#[derive(Debug)]
pub struct ProgressReporter {
    interval: Duration,
    /// Seconds of un-paused training so far (what words per second are measured against).
    active_secs: f64,
    last_report: Instant,
}

/// The counters a report is made from, read by the coordinator at one moment.
#[derive(Debug, Clone, Copy)]
pub struct RunCounters {
    pub epoch: usize,
    pub words_done: u64,
    pub loss: LossTotals,
    pub paused: bool,
}

impl ProgressReporter {
    pub fn new(interval_ms: u64) -> Self {
        Self {
            interval: Duration::from_millis(interval_ms.max(MIN_INTERVAL_MS)),
            active_secs: 0.0,
            last_report: Instant::now(),
        }
    }

    /// Counts `secs` of wall time as training time (call only for un-paused time).
    pub fn add_active_secs(&mut self, secs: f64) {
        self.active_secs += secs;
    }

    /// How long until the next report is due (zero when it is).
    pub fn until_due(&self) -> Duration {
        self.interval.saturating_sub(self.last_report.elapsed())
    }

    pub fn is_due(&self) -> bool {
        self.last_report.elapsed() >= self.interval
    }

    /// The `Progress` event for `now`; marks the loss window and restarts the interval.
    pub fn report(
        &mut self,
        now: RunCounters,
        marks: &mut LossMarks,
        schedule: &Schedule,
    ) -> Progress {
        let words = now.words_done;
        let words_per_sec = if self.active_secs > 0.0 {
            words as f64 / self.active_secs
        } else {
            0.0
        };
        let eta_secs = (words_per_sec > 0.0 && !now.paused)
            .then(|| schedule.total_words.saturating_sub(words) as f64 / words_per_sec);
        self.last_report = Instant::now();
        Progress {
            words_processed: words,
            total_words: schedule.total_words,
            epoch: now.epoch,
            learning_rate: schedule.rate.at(words),
            words_per_sec,
            loss_window: marks.progress_window_mean(now.loss),
            loss_epoch: marks.epoch_mean(now.loss),
            eta_secs,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::TrainConfig;

    #[test]
    fn report_rates_eta_and_interval() {
        let schedule = Schedule::new(&TrainConfig::default(), 1000); // 5 epochs: 5000 words
        let mut marks = LossMarks::default();
        let mut reporter = ProgressReporter::new(0);
        assert_eq!(reporter.interval, Duration::from_millis(MIN_INTERVAL_MS));
        let mut counters = RunCounters {
            epoch: 1,
            words_done: 1000,
            loss: LossTotals {
                loss: 6.0,
                pairs: 3,
            },
            paused: false,
        };
        let p = reporter.report(counters, &mut marks, &schedule);
        assert_eq!(p.words_per_sec, 0.0); // no active time yet
        assert_eq!(p.eta_secs, None);
        assert_eq!(p.loss_window, Some(2.0));
        assert_eq!(p.learning_rate, schedule.rate.at(1000));
        assert!(!reporter.is_due());
        reporter.add_active_secs(2.0);
        counters.words_done = 3000;
        let p = reporter.report(counters, &mut marks, &schedule);
        assert_eq!(p.words_per_sec, 1500.0);
        assert_eq!(p.eta_secs, Some(2000.0 / 1500.0));
        assert_eq!(p.loss_window, None); // no new pairs
        counters.paused = true;
        assert_eq!(
            reporter.report(counters, &mut marks, &schedule).eta_secs,
            None
        );
    }
}
