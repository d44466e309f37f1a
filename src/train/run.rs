//! The coordinator: reads the corpus, then runs the workers in PHASES. A phase ends at the next
//! snapshot or epoch boundary (rounded up to the end of the sentence holding it); its tokens are
//! cut into sentence-aligned blocks the workers take from a shared queue ([`super::blocks`]: a
//! slow or descheduled thread does not leave the others idle), then all are joined, so the
//! coordinator can copy snapshot rows with no thread writing. The schedule, loss bookkeeping
//! and progress reports live in their own modules; this one sequences them.
//! While a phase runs, the coordinator thread sends `Progress` events and watches for divergence.
//!
//! [`train`] is the blocking entry point; [`spawn`] runs it on a background thread and forwards
//! events over a channel.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use ndarray::Array2;

use super::blocks::{BLOCK_TOKENS, Block, phase_blocks, phase_end, split_blocks};
use super::config::{MAX_SNAPSHOT_BYTES, TrainConfig};
use super::control::TrainControl;
use super::error::TrainError;
use super::events::{Snapshot, TrainEvent};
use super::hogwild::HogwildMatrix;
use super::init::{Init, initial_vectors};
use super::kernels::SigmoidTable;
use super::loss::{LossMarks, LossTotals, WorkerStats};
use super::memory::{MemoryEstimate, RunShape, available_memory, try_filled};
use super::negative_table::NegativeTable;
use super::progress::{ProgressReporter, RunCounters};
use super::schedule::Schedule;
use super::sgns::{PhaseContext, PhaseQueue, Worker, WorkerOutcome};
use crate::corpus::{
    CorpusSource, EncodedCorpus, Tokenizer, VocabLimits, encode_corpus, keep_probabilities,
};
use crate::embeddings::Embeddings;

/// A run on a background thread.
pub struct TrainHandle {
    pub control: TrainControl,
    pub events: Receiver<TrainEvent>,
    thread: JoinHandle<Result<Embeddings, TrainError>>,
}

impl TrainHandle {
    /// Waits for the run to end and returns the final (or, if cancelled, partial) embeddings.
    pub fn join(self) -> Result<Embeddings, TrainError> {
        self.thread
            .join()
            .map_err(|_| TrainError::Thread("the training thread panicked".to_owned()))?
    }
}

/// Validates `config` now, then reads the corpus and trains on a background thread.
/// Events arrive on `handle.events`; errors are sent as `TrainEvent::Failed` and returned by
/// `join`.
pub fn spawn(
    corpus: CorpusSource,
    config: TrainConfig,
    init: Init,
) -> Result<TrainHandle, TrainError> {
    spawn_with_control(corpus, config, init, TrainControl::new())
}

/// As [`spawn`], with a control made by the caller, e.g. paused beforehand so the run stops
/// right after snapshot 0 however fast it starts.
pub fn spawn_with_control(
    corpus: CorpusSource,
    config: TrainConfig,
    init: Init,
    control: TrainControl,
) -> Result<TrainHandle, TrainError> {
    config.validate()?;
    let (tx, events) = mpsc::channel();
    let thread_control = control.clone();
    let thread = std::thread::Builder::new()
        .name("embedscape-train".to_owned())
        .spawn(move || {
            let mut send = |e: TrainEvent| {
                let _ = tx.send(e);
            };
            let result = train(corpus, config, init, thread_control, &mut send);
            if let Err(e) = &result {
                send(TrainEvent::Failed(e.to_string()));
            }
            result
        })
        .map_err(|e| TrainError::Thread(e.to_string()))?;
    Ok(TrainHandle {
        control,
        events,
        thread,
    })
}

/// Trains word vectors on `corpus`, calling `on_event` (on this thread) as it goes.
/// Returns the input vectors with the full vocabulary (with counts); a cancelled run returns
/// what was learnt so far.
pub fn train(
    corpus: CorpusSource,
    config: TrainConfig,
    init: Init,
    control: TrainControl,
    on_event: &mut dyn FnMut(TrainEvent),
) -> Result<Embeddings, TrainError> {
    config.validate()?;
    let mut tokenizer = Tokenizer::new(config.lowercase, config.pre_tokenized);
    let limits = VocabLimits {
        min_count: config.min_count,
        max_vocab: config.max_vocab,
    };
    let encoded = encode_corpus(&corpus, &mut tokenizer, limits, config.lossy_utf8)?;
    Trainer::new(encoded, config, &init, control)?.run(on_event)
}

/// One run's state: the weights, the read-only tables, the workers and their work, and the
/// coordinator's bookkeeping (schedule, loss marks, progress reports).
struct Trainer {
    corpus: EncodedCorpus,
    config: TrainConfig,
    control: TrainControl,
    weights: Weights,
    tables: Tables,
    workers: Vec<Worker>,
    /// Sentence-aligned blocks of the token stream, with the words before each.
    blocks: Vec<Block>,
    /// Where the next phase starts in the current epoch: (token index, words before it).
    epoch_pos: (usize, u64),
    schedule: Schedule,
    /// Published by the workers (one each), summed by the coordinator.
    stats: Vec<WorkerStats>,
    loss_marks: LossMarks,
    progress: ProgressReporter,
    /// In-vocabulary words processed so far by all workers, over all epochs.
    words_done: AtomicU64,
    /// Set by the first worker that sees a non-finite loss.
    diverged: AtomicBool,
    /// How many rows (the most frequent words) each snapshot copies.
    snapshot_row_count: usize,
    snapshots_taken: usize,
}

/// The trained matrices (row-major, `vocab x dim`), hogwild-shared while a phase runs.
struct Weights {
    syn0: Vec<f32>,
    syn1: Vec<f32>,
    /// Rows of `syn0` that must not change (empty = none).
    frozen: Vec<bool>,
}

/// Read-only lookup tables built once per run.
struct Tables {
    negative: NegativeTable,
    /// Subsampling keep probabilities per word (scaled to `u32`).
    keep: Vec<u32>,
    sigmoid: SigmoidTable,
}

impl Trainer {
    fn new(
        corpus: EncodedCorpus,
        config: TrainConfig,
        init: &Init,
        control: TrainControl,
    ) -> Result<Self, TrainError> {
        let vocab_len = corpus.vocab.len();
        if config.negative > vocab_len {
            return Err(TrainError::NegativeExceedsVocab {
                negative: config.negative,
                vocab: vocab_len,
            });
        }
        let dim = config.dim;
        let schedule = Schedule::new(&config, corpus.train_words);
        let snapshot_row_count = vocab_len.min(config.snapshot_max_words);
        let snapshots = schedule.max_snapshots();
        let bytes = snapshots as f64 * snapshot_row_count as f64 * dim as f64 * 4.0;
        if config.keep_snapshots && bytes > MAX_SNAPSHOT_BYTES {
            return Err(TrainError::SnapshotMemory {
                gib: bytes / (1u64 << 30) as f64,
                snapshots,
                rows: snapshot_row_count,
                dim,
            });
        }
        let threads = config.effective_threads().max(1);
        MemoryEstimate::for_run(&RunShape {
            vocab_words: vocab_len,
            dim,
            threads,
            snapshot_rows: snapshot_row_count,
            snapshots_kept: if config.keep_snapshots { snapshots } else { 0 },
        })
        .check(available_memory())?;
        let (matrix, copied) = initial_vectors(&corpus.vocab, dim, init, config.seed)?;
        let frozen = if config.freeze_pretrained {
            copied
        } else {
            Vec::new()
        };
        let counts = corpus.vocab.counts().unwrap_or(&[]).to_vec();
        let tables = Tables {
            negative: NegativeTable::new(&counts),
            keep: keep_probabilities(&counts, config.sample),
            sigmoid: SigmoidTable::new(),
        };
        let blocks = split_blocks(&corpus.tokens, BLOCK_TOKENS);
        let workers: Vec<Worker> = (0..threads.min(blocks.len()).max(1))
            .map(|i| Worker::new(i, config.seed, dim))
            .collect();
        let stats = workers.iter().map(|_| WorkerStats::default()).collect();
        Ok(Self {
            weights: Weights {
                syn0: matrix.into_raw_vec_and_offset().0,
                syn1: try_filled(vocab_len * dim, 0.0, "output weights")?,
                frozen,
            },
            tables,
            workers,
            blocks,
            epoch_pos: (0, 0),
            schedule,
            stats,
            loss_marks: LossMarks::default(),
            progress: ProgressReporter::new(config.progress_interval_ms),
            words_done: AtomicU64::new(0),
            diverged: AtomicBool::new(false),
            snapshot_row_count,
            snapshots_taken: 0,
            corpus,
            config,
            control,
        })
    }

    fn run(mut self, on_event: &mut dyn FnMut(TrainEvent)) -> Result<Embeddings, TrainError> {
        on_event(TrainEvent::Started {
            vocab: self.corpus.vocab.clone(),
            snapshot_rows: (0..self.snapshot_row_count).collect(),
            total_words: self.schedule.total_words,
        });
        self.emit_snapshot(0, on_event);
        let mut last_snapshot_words = 0u64;
        let mut cancelled = false;
        'epochs: for epoch in 0..self.config.epochs {
            self.epoch_pos = (0, 0);
            self.loss_marks.start_epoch(self.loss_totals());
            let (epoch_start, epoch_end) = self.schedule.epoch_bounds(epoch);
            loop {
                let boundary = self.schedule.next_stop(epoch_end);
                self.run_phase(boundary - epoch_start, epoch, on_event);
                self.check_divergence()?;
                if self.control.is_cancelled() {
                    cancelled = true;
                    break 'epochs;
                }
                let words = self.words_done();
                // The final state is emitted after the loop, so a boundary that lands on (or
                // just before) the very end only advances the schedule (it must, or this loop
                // never ends); the final snapshot then averages its loss over a full window.
                if self.schedule.snapshot_due(words) && !self.schedule.ends_soon_after(words) {
                    self.emit_snapshot(epoch, on_event);
                    last_snapshot_words = words;
                    self.control.snapshot_taken();
                    if !self.wait_while_paused(epoch, on_event) {
                        cancelled = true;
                        break 'epochs;
                    }
                }
                if boundary >= epoch_end || words >= epoch_end {
                    break;
                }
            }
            on_event(TrainEvent::EpochFinished {
                epoch,
                loss: self.loss_marks.epoch_mean(self.loss_totals()),
            });
        }
        let words = self.words_done();
        if words != last_snapshot_words || self.snapshots_taken == 1 {
            self.emit_snapshot(self.config.epochs.min(self.current_epoch()), on_event);
            self.control.snapshot_taken();
        }
        self.emit_progress(self.current_epoch(), on_event);
        let embeddings = Arc::new(self.into_embeddings()?);
        on_event(TrainEvent::Finished {
            embeddings: Arc::clone(&embeddings),
            cancelled,
        });
        // No copy unless the caller kept the event's vectors (the command line does not).
        Ok(Arc::unwrap_or_clone(embeddings))
    }

    fn words_done(&self) -> u64 {
        self.words_done.load(Ordering::SeqCst)
    }

    fn current_epoch(&self) -> usize {
        self.schedule.epoch_of(self.words_done())
    }

    /// Trains this epoch's tokens up to the end of the sentence holding epoch word
    /// `target_words` (or the epoch's end) on all workers, sending progress events meanwhile.
    fn run_phase(&mut self, target_words: u64, epoch: usize, on_event: &mut dyn FnMut(TrainEvent)) {
        let (start, _) = self.epoch_pos;
        let end = phase_end(
            &self.corpus.tokens,
            &self.blocks,
            self.epoch_pos,
            target_words,
        );
        self.epoch_pos = end;
        let blocks = phase_blocks(&self.blocks, start..end.0, self.workers.len());
        let queue = PhaseQueue {
            blocks: &blocks,
            next: std::sync::atomic::AtomicUsize::new(0),
        };
        let dim = self.config.dim;
        let (tx, rx) = mpsc::channel::<WorkerOutcome>();
        let mut workers = std::mem::take(&mut self.workers);
        let context = PhaseContext {
            syn0: HogwildMatrix::new(&mut self.weights.syn0, dim),
            syn1: HogwildMatrix::new(&mut self.weights.syn1, dim),
            tokens: &self.corpus.tokens,
            table: &self.tables.negative,
            keep: &self.tables.keep,
            frozen: &self.weights.frozen,
            sigmoid: &self.tables.sigmoid,
            control: &self.control,
            words_done: &self.words_done,
            rate: self.schedule.rate,
            window: self.config.window,
            negative: self.config.negative,
            cbow: self.config.cbow,
            shared_negatives: self.config.shared_negatives,
            stats: &self.stats,
            diverged: &self.diverged,
        };
        // Disjoint borrows of the coordinator's bookkeeping, used while the workers run.
        let (progress, loss_marks, schedule) =
            (&mut self.progress, &mut self.loss_marks, &self.schedule);
        let running_workers = workers.len();
        std::thread::scope(|scope| {
            for worker in workers.iter_mut() {
                let tx = tx.clone();
                let context = &context;
                let queue = &queue;
                scope.spawn(move || {
                    let _ = tx.send(worker.run_phase(context, queue));
                });
            }
            drop(tx);
            let mut tick = Instant::now();
            // Count the outcomes rather than wait for disconnection: every worker sends
            // exactly one before its thread ends.
            let mut running = running_workers;
            while running > 0 {
                match rx.recv_timeout(progress.until_due()) {
                    Ok(_) => running -= 1,
                    Err(RecvTimeoutError::Disconnected) => break,
                    Err(RecvTimeoutError::Timeout) => {}
                }
                if !context.control.is_paused() {
                    progress.add_active_secs(tick.elapsed().as_secs_f64());
                }
                tick = Instant::now();
                if progress.is_due() {
                    let now = read_counters(epoch, &context);
                    on_event(TrainEvent::Progress(
                        progress.report(now, loss_marks, schedule),
                    ));
                }
            }
        });
        self.workers = workers;
    }

    /// Waits (sending progress) while paused between phases; false when cancelled.
    fn wait_while_paused(&mut self, epoch: usize, on_event: &mut dyn FnMut(TrainEvent)) -> bool {
        while self.control.is_paused() && !self.control.is_cancelled() {
            std::thread::sleep(Duration::from_millis(5));
            if self.progress.is_due() {
                self.emit_progress(epoch, on_event);
            }
        }
        !self.control.is_cancelled()
    }

    fn emit_progress(&mut self, epoch: usize, on_event: &mut dyn FnMut(TrainEvent)) {
        let now = RunCounters {
            epoch,
            words_done: self.words_done.load(Ordering::Relaxed),
            loss: self.loss_totals(),
            paused: self.control.is_paused(),
        };
        let progress = self
            .progress
            .report(now, &mut self.loss_marks, &self.schedule);
        on_event(TrainEvent::Progress(progress));
    }

    fn loss_totals(&self) -> LossTotals {
        LossTotals::sum(&self.stats)
    }

    /// Non-finite loss (seen by a worker) or exploding / non-finite vectors end the run.
    fn check_divergence(&self) -> Result<(), TrainError> {
        let words = self.words_done();
        let alpha = self.config.alpha;
        if self.diverged.load(Ordering::SeqCst) || !self.loss_totals().loss.is_finite() {
            return Err(TrainError::Diverged(format!(
                "loss became NaN or infinite at word {words}; try a smaller --alpha (now {alpha})"
            )));
        }
        let worst = max_abs_or_inf(&self.weights.syn0).max(max_abs_or_inf(&self.weights.syn1));
        if worst > 1e3 {
            return Err(TrainError::Diverged(format!(
                "vectors blew up (a component reached {worst}) at word {words}; try a smaller --alpha (now {alpha})"
            )));
        }
        Ok(())
    }

    fn emit_snapshot(&mut self, epoch: usize, on_event: &mut dyn FnMut(TrainEvent)) {
        let dim = self.config.dim;
        let rows = self.snapshot_row_count;
        let data = self.weights.syn0.get(..rows * dim).unwrap_or(&[]).to_vec();
        let vectors = Array2::from_shape_vec((data.len() / dim.max(1), dim), data)
            .unwrap_or_else(|_| Array2::zeros((0, dim)));
        let loss = self
            .loss_marks
            .snapshot_mean(self.loss_totals(), self.snapshots_taken == 0);
        let words = self.words_done();
        let snapshot = Snapshot {
            index: self.snapshots_taken,
            epoch,
            words_processed: words,
            learning_rate: self.schedule.rate.at(words),
            loss,
            vectors,
        };
        self.snapshots_taken += 1;
        on_event(TrainEvent::Snapshot(Arc::new(snapshot)));
    }

    fn into_embeddings(self) -> Result<Embeddings, TrainError> {
        let n = self.corpus.vocab.len();
        let matrix = Array2::from_shape_vec((n, self.config.dim), self.weights.syn0)
            .map_err(|e| TrainError::Thread(format!("internal shape error: {e}")))?;
        Embeddings::new(self.corpus.vocab, matrix)
            .map_err(|e| TrainError::Thread(format!("internal vocabulary error: {e}")))
    }
}

/// The counters a progress report is made from, read while the workers run.
fn read_counters(epoch: usize, context: &PhaseContext<'_>) -> RunCounters {
    RunCounters {
        epoch,
        words_done: context.words_done.load(Ordering::Relaxed),
        loss: LossTotals::sum(context.stats),
        paused: context.control.is_paused(),
    }
}

/// The largest `|v|`, or infinity when some value is NaN (or infinite). Branch-free over
/// chunks of 8 so it vectorises: it runs over both matrices at every phase end.
fn max_abs_or_inf(values: &[f32]) -> f32 {
    let (chunks, rest) = values.as_chunks::<8>();
    let mut max = [0.0f32; 8];
    let mut poison = [0.0f32; 8]; // v * 0 is NaN exactly when v is NaN or infinite
    for c in chunks {
        for k in 0..8 {
            let a = c[k].abs();
            max[k] = if a > max[k] { a } else { max[k] };
            poison[k] += c[k] * 0.0;
        }
    }
    let mut m = max.iter().fold(0.0f32, |m, &a| m.max(a));
    let mut p: f32 = poison.iter().sum();
    for &v in rest {
        m = m.max(v.abs());
        p += v * 0.0;
    }
    if p.is_nan() { f32::INFINITY } else { m }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_abs_finds_blow_ups() {
        let mut v: Vec<f32> = (0..37).map(|i| (i as f32 - 20.0) * 0.5).collect();
        assert_eq!(max_abs_or_inf(&v), 10.0);
        v[36] = f32::NAN;
        assert_eq!(max_abs_or_inf(&v), f32::INFINITY);
        v[36] = 0.0;
        v[3] = f32::NAN;
        assert_eq!(max_abs_or_inf(&v), f32::INFINITY);
        v[3] = f32::NEG_INFINITY;
        assert_eq!(max_abs_or_inf(&v), f32::INFINITY);
        assert_eq!(max_abs_or_inf(&[]), 0.0);
    }
}
