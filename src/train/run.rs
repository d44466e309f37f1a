//! The coordinator: reads the corpus, then runs the workers in PHASES. A phase ends at the next
//! snapshot or epoch boundary (rounded up to the end of the sentence holding it); its tokens are
//! cut into sentence-aligned blocks the workers take from a shared queue (so a slow or
//! descheduled thread does not leave the others idle), then all are joined, so the coordinator
//! can copy snapshot rows with no thread writing.
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

use super::config::{MAX_SNAPSHOT_BYTES, TrainConfig};
use super::control::TrainControl;
use super::error::TrainError;
use super::events::{Progress, Snapshot, TrainEvent};
use super::init::{Init, initial_vectors};
use super::kernels::SigmoidTable;
use super::negative_table::NegativeTable;
use super::sgns::{PhaseQueue, Shared, Worker, WorkerOutcome, WorkerStats, learning_rate};
use super::shared::SharedMatrix;
use crate::corpus::{
    CorpusSource, EncodedCorpus, SENTENCE_END, Tokenizer, VocabLimits, encode_corpus,
    keep_probabilities,
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

struct Trainer {
    corpus: EncodedCorpus,
    config: TrainConfig,
    control: TrainControl,
    syn0: Vec<f32>,
    syn1: Vec<f32>,
    frozen: Vec<bool>,
    table: NegativeTable,
    keep: Vec<u32>,
    sigmoid: SigmoidTable,
    workers: Vec<Worker>,
    /// Sentence-aligned blocks of the token stream, with the words before each.
    blocks: Vec<Block>,
    /// Where the next phase starts in the current epoch: (token index, words before it).
    epoch_pos: (usize, u64),
    stats: Vec<WorkerStats>,
    words_done: AtomicU64,
    diverged: AtomicBool,
    total_words: u64,
    snapshot_every: u64,
    snapshot_rows: usize,
    snapshots_taken: usize,
    // Loss bookkeeping: (loss sum, pairs) at the last snapshot, epoch start and progress event.
    at_snapshot: (f64, u64),
    at_epoch: (f64, u64),
    at_progress: (f64, u64),
    active_secs: f64,
    last_progress: Instant,
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
        let total_words = corpus.train_words * config.epochs as u64;
        let snapshot_every = if config.snapshot_every_words == 0 {
            (total_words / 50).max(1)
        } else {
            config.snapshot_every_words
        };
        let snapshot_rows = vocab_len.min(config.snapshot_max_words);
        let snapshots = total_words.div_ceil(snapshot_every) + 2;
        let bytes = snapshots as f64 * snapshot_rows as f64 * dim as f64 * 4.0;
        if bytes > MAX_SNAPSHOT_BYTES {
            return Err(TrainError::SnapshotMemory {
                gib: bytes / (1u64 << 30) as f64,
                snapshots,
                rows: snapshot_rows,
                dim,
            });
        }
        let (matrix, copied) = initial_vectors(&corpus.vocab, dim, init, config.seed)?;
        let frozen = if config.freeze_pretrained {
            copied
        } else {
            Vec::new()
        };
        let syn0 = matrix.into_raw_vec_and_offset().0;
        let counts = corpus.vocab.counts().unwrap_or(&[]).to_vec();
        let table = NegativeTable::new(&counts);
        let keep = keep_probabilities(&counts, config.sample);
        let threads = config.effective_threads().max(1);
        let blocks = split_blocks(&corpus.tokens, BLOCK_TOKENS);
        let workers: Vec<Worker> = (0..threads.min(blocks.len()).max(1))
            .map(|i| Worker::new(i, config.seed, dim))
            .collect();
        let stats = workers.iter().map(|_| WorkerStats::default()).collect();
        Ok(Self {
            syn1: vec![0.0; vocab_len * dim],
            syn0,
            frozen,
            table,
            keep,
            sigmoid: SigmoidTable::new(),
            workers,
            blocks,
            epoch_pos: (0, 0),
            stats,
            words_done: AtomicU64::new(0),
            diverged: AtomicBool::new(false),
            total_words,
            snapshot_every,
            snapshot_rows,
            snapshots_taken: 0,
            at_snapshot: (0.0, 0),
            at_epoch: (0.0, 0),
            at_progress: (0.0, 0),
            active_secs: 0.0,
            last_progress: Instant::now(),
            corpus,
            config,
            control,
        })
    }

    fn run(mut self, on_event: &mut dyn FnMut(TrainEvent)) -> Result<Embeddings, TrainError> {
        on_event(TrainEvent::Started {
            vocab: self.corpus.vocab.clone(),
            snapshot_rows: (0..self.snapshot_rows).collect(),
            total_words: self.total_words,
        });
        self.emit_snapshot(0, on_event);
        let per_epoch = self.corpus.train_words;
        let mut next_snapshot = self.snapshot_every;
        let mut last_snapshot_words = 0u64;
        let mut cancelled = false;
        'epochs: for epoch in 0..self.config.epochs {
            self.epoch_pos = (0, 0);
            self.at_epoch = self.loss_totals();
            let epoch_start = epoch as u64 * per_epoch;
            let epoch_end = epoch_start + per_epoch;
            loop {
                let boundary = next_snapshot.min(epoch_end);
                self.run_phase(boundary - epoch_start, epoch, on_event);
                self.check_divergence()?;
                if self.control.is_cancelled() {
                    cancelled = true;
                    break 'epochs;
                }
                let words = self.words_done.load(Ordering::SeqCst);
                if words >= next_snapshot {
                    // The final state is emitted after the loop, so a boundary that lands on
                    // the very end only advances the schedule (it must, or this loop never ends).
                    while next_snapshot <= words {
                        next_snapshot += self.snapshot_every;
                    }
                    if words < self.total_words {
                        self.emit_snapshot(epoch, on_event);
                        last_snapshot_words = words;
                        self.control.snapshot_taken();
                        if !self.wait_while_paused(epoch, on_event) {
                            cancelled = true;
                            break 'epochs;
                        }
                    }
                }
                if boundary >= epoch_end || words >= epoch_end {
                    break;
                }
            }
            let (loss, pairs) = self.loss_totals();
            on_event(TrainEvent::EpochFinished {
                epoch,
                loss: mean_loss(loss - self.at_epoch.0, pairs - self.at_epoch.1),
            });
        }
        let words = self.words_done.load(Ordering::SeqCst);
        if words != last_snapshot_words || self.snapshots_taken == 1 {
            self.emit_snapshot(self.config.epochs.min(self.current_epoch()), on_event);
            self.control.snapshot_taken();
        }
        self.emit_progress(self.current_epoch(), on_event);
        let embeddings = self.into_embeddings()?;
        on_event(TrainEvent::Finished {
            embeddings: Arc::new(embeddings.clone()),
            cancelled,
        });
        Ok(embeddings)
    }

    fn current_epoch(&self) -> usize {
        let words = self.words_done.load(Ordering::SeqCst);
        (words / self.corpus.train_words.max(1)) as usize
    }

    /// Trains this epoch's tokens up to the end of the sentence holding epoch word
    /// `target_words` (or the epoch's end) on all workers, sending progress events meanwhile.
    fn run_phase(&mut self, target_words: u64, epoch: usize, on_event: &mut dyn FnMut(TrainEvent)) {
        let interval = Duration::from_millis(self.config.progress_interval_ms.max(10));
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
        {
            let shared = Shared {
                syn0: SharedMatrix::new(&mut self.syn0, dim),
                syn1: SharedMatrix::new(&mut self.syn1, dim),
                tokens: &self.corpus.tokens,
                table: &self.table,
                keep: &self.keep,
                frozen: &self.frozen,
                sigmoid: &self.sigmoid,
                control: &self.control,
                words_done: &self.words_done,
                total_words: self.total_words,
                alpha: self.config.alpha,
                min_alpha: self.config.min_alpha,
                window: self.config.window,
                negative: self.config.negative,
                cbow: self.config.cbow,
                shared_negatives: self.config.shared_negatives,
                stats: &self.stats,
                diverged: &self.diverged,
            };
            let reporter = ProgressReporter {
                stats: &self.stats,
                words_done: &self.words_done,
                control: &self.control,
                config: &self.config,
                total_words: self.total_words,
                at_epoch: self.at_epoch,
            };
            let at_progress = &mut self.at_progress;
            let active_secs = &mut self.active_secs;
            let last_progress = &mut self.last_progress;
            let running_workers = workers.len();
            std::thread::scope(|scope| {
                for worker in workers.iter_mut() {
                    let tx = tx.clone();
                    let shared = &shared;
                    let queue = &queue;
                    scope.spawn(move || {
                        let _ = tx.send(worker.run_phase(shared, queue));
                    });
                }
                drop(tx);
                let mut tick = Instant::now();
                // Count the outcomes rather than wait for disconnection: every worker sends
                // exactly one before its thread ends.
                let mut running = running_workers;
                while running > 0 {
                    let wait = interval.saturating_sub(last_progress.elapsed());
                    match rx.recv_timeout(wait) {
                        Ok(_) => running -= 1,
                        Err(RecvTimeoutError::Disconnected) => break,
                        Err(RecvTimeoutError::Timeout) => {}
                    }
                    if !reporter.control.is_paused() {
                        *active_secs += tick.elapsed().as_secs_f64();
                    }
                    tick = Instant::now();
                    if last_progress.elapsed() >= interval {
                        on_event(TrainEvent::Progress(reporter.progress(
                            epoch,
                            at_progress,
                            *active_secs,
                        )));
                        *last_progress = Instant::now();
                    }
                }
            });
        }
        self.workers = workers;
    }

    /// Waits (sending progress) while paused between phases; false when cancelled.
    fn wait_while_paused(&mut self, epoch: usize, on_event: &mut dyn FnMut(TrainEvent)) -> bool {
        while self.control.is_paused() && !self.control.is_cancelled() {
            std::thread::sleep(Duration::from_millis(5));
            if self.last_progress.elapsed().as_millis() as u64 >= self.config.progress_interval_ms {
                self.emit_progress(epoch, on_event);
            }
        }
        !self.control.is_cancelled()
    }

    fn emit_progress(&mut self, epoch: usize, on_event: &mut dyn FnMut(TrainEvent)) {
        let reporter = ProgressReporter {
            stats: &self.stats,
            words_done: &self.words_done,
            control: &self.control,
            config: &self.config,
            total_words: self.total_words,
            at_epoch: self.at_epoch,
        };
        let p = reporter.progress(epoch, &mut self.at_progress, self.active_secs);
        on_event(TrainEvent::Progress(p));
        self.last_progress = Instant::now();
    }

    fn loss_totals(&self) -> (f64, u64) {
        sum_stats(&self.stats)
    }

    /// Non-finite loss (seen by a worker) or exploding / non-finite vectors end the run.
    fn check_divergence(&self) -> Result<(), TrainError> {
        let words = self.words_done.load(Ordering::SeqCst);
        let alpha = self.config.alpha;
        if self.diverged.load(Ordering::SeqCst) || !self.loss_totals().0.is_finite() {
            return Err(TrainError::Diverged(format!(
                "loss became NaN or infinite at word {words}; try a smaller --alpha (now {alpha})"
            )));
        }
        let worst = max_abs_or_inf(&self.syn0).max(max_abs_or_inf(&self.syn1));
        if worst > 1e3 {
            return Err(TrainError::Diverged(format!(
                "vectors blew up (a component reached {worst}) at word {words}; try a smaller --alpha (now {alpha})"
            )));
        }
        Ok(())
    }

    fn emit_snapshot(&mut self, epoch: usize, on_event: &mut dyn FnMut(TrainEvent)) {
        let dim = self.config.dim;
        let rows = self.snapshot_rows;
        let data = self.syn0.get(..rows * dim).unwrap_or(&[]).to_vec();
        let vectors = Array2::from_shape_vec((data.len() / dim.max(1), dim), data)
            .unwrap_or_else(|_| Array2::zeros((0, dim)));
        let totals = self.loss_totals();
        let loss = if self.snapshots_taken == 0 {
            None
        } else {
            mean_loss(totals.0 - self.at_snapshot.0, totals.1 - self.at_snapshot.1)
        };
        self.at_snapshot = totals;
        let words = self.words_done.load(Ordering::SeqCst);
        let snapshot = Snapshot {
            index: self.snapshots_taken,
            epoch,
            words_processed: words,
            learning_rate: learning_rate(
                self.config.alpha,
                self.config.min_alpha,
                words,
                self.total_words,
            ),
            loss,
            vectors,
        };
        self.snapshots_taken += 1;
        on_event(TrainEvent::Snapshot(Arc::new(snapshot)));
    }

    fn into_embeddings(self) -> Result<Embeddings, TrainError> {
        let n = self.corpus.vocab.len();
        let matrix = Array2::from_shape_vec((n, self.config.dim), self.syn0)
            .map_err(|e| TrainError::Thread(format!("internal shape error: {e}")))?;
        Embeddings::new(self.corpus.vocab, matrix)
            .map_err(|e| TrainError::Thread(format!("internal vocabulary error: {e}")))
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

/// Builds `Progress` events from the workers' published counters.
struct ProgressReporter<'a> {
    stats: &'a [WorkerStats],
    words_done: &'a AtomicU64,
    control: &'a TrainControl,
    config: &'a TrainConfig,
    total_words: u64,
    at_epoch: (f64, u64),
}

impl ProgressReporter<'_> {
    fn progress(&self, epoch: usize, at_progress: &mut (f64, u64), active_secs: f64) -> Progress {
        let words = self.words_done.load(Ordering::Relaxed);
        let (loss, pairs) = sum_stats(self.stats);
        let loss_window = mean_loss(loss - at_progress.0, pairs.saturating_sub(at_progress.1));
        if pairs > at_progress.1 {
            *at_progress = (loss, pairs);
        }
        let words_per_sec = if active_secs > 0.0 {
            words as f64 / active_secs
        } else {
            0.0
        };
        let eta_secs = (words_per_sec > 0.0 && !self.control.is_paused())
            .then(|| self.total_words.saturating_sub(words) as f64 / words_per_sec);
        Progress {
            words_processed: words,
            total_words: self.total_words,
            epoch,
            learning_rate: learning_rate(
                self.config.alpha,
                self.config.min_alpha,
                words,
                self.total_words,
            ),
            words_per_sec,
            loss_window,
            loss_epoch: mean_loss(
                loss - self.at_epoch.0,
                pairs.saturating_sub(self.at_epoch.1),
            ),
            eta_secs,
        }
    }
}

fn sum_stats(stats: &[WorkerStats]) -> (f64, u64) {
    stats
        .iter()
        .map(WorkerStats::read)
        .fold((0.0, 0), |(l, p), (a, b)| (l + a, p + b))
}

fn mean_loss(loss: f64, pairs: u64) -> Option<f32> {
    (pairs > 0).then(|| (loss / pairs as f64) as f32)
}

/// Tokens per work block (rounded up to a sentence end): small enough that the threads finish a
/// phase within a few milliseconds of each other, large enough that taking a block is rare.
const BLOCK_TOKENS: usize = 2048;

/// A sentence-aligned block of the token stream.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Block {
    range: std::ops::Range<usize>,
    /// In-vocabulary words before the block (in one epoch).
    words_before: u64,
}

/// Cuts the token stream into blocks of at least `size` tokens ending at sentence ends (the last
/// one at the end of the stream).
fn split_blocks(tokens: &[u32], size: usize) -> Vec<Block> {
    let mut blocks = Vec::with_capacity(tokens.len() / size.max(1) + 1);
    let (mut start, mut words) = (0usize, 0u64);
    while start < tokens.len() {
        let mut end = (start + size.max(1)).min(tokens.len());
        while end < tokens.len() && tokens[end - 1] != SENTENCE_END {
            end += 1;
        }
        blocks.push(Block {
            range: start..end,
            words_before: words,
        });
        words += tokens[start..end]
            .iter()
            .filter(|&&t| t != SENTENCE_END)
            .count() as u64;
        start = end;
    }
    blocks
}

/// The end of a phase that starts at `(token, words before it)` and must reach epoch word
/// `target`: the end of the sentence holding that word, as (token index, words before it).
fn phase_end(tokens: &[u32], blocks: &[Block], from: (usize, u64), target: u64) -> (usize, u64) {
    if target <= from.1 {
        return from;
    }
    // The last block starting before the target word, then sentence by sentence from there.
    let b = blocks
        .partition_point(|b| b.words_before < target)
        .saturating_sub(1);
    let (mut pos, mut words) = match blocks.get(b) {
        Some(block) if block.range.start > from.0 => (block.range.start, block.words_before),
        _ => from,
    };
    while pos < tokens.len() {
        if tokens[pos] == SENTENCE_END {
            if words >= target {
                return (pos + 1, words);
            }
        } else {
            words += 1;
        }
        pos += 1;
    }
    (tokens.len(), words)
}

/// The blocks of one phase (`range`, sentence-aligned, cut at block boundaries), ordered so that
/// the blocks taken one after the other come from `threads` different regions of the phase:
/// threads working at the same time touch different words (fewer shared cache lines).
fn phase_blocks(
    blocks: &[Block],
    range: std::ops::Range<usize>,
    threads: usize,
) -> Vec<std::ops::Range<usize>> {
    let cut: Vec<std::ops::Range<usize>> = blocks
        .iter()
        .filter(|b| b.range.end > range.start && b.range.start < range.end)
        .map(|b| b.range.start.max(range.start)..b.range.end.min(range.end))
        .filter(|r| !r.is_empty())
        .collect();
    let threads = threads.max(1);
    let per_region = cut.len().div_ceil(threads).max(1);
    let mut order: Vec<usize> = (0..cut.len()).collect();
    order.sort_by_key(|&i| (i % per_region, i / per_region));
    order.into_iter().map(|i| cut[i].clone()).collect()
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

    #[test]
    fn blocks_and_phases_cover_the_stream_at_sentence_ends() {
        let e = SENTENCE_END;
        let tokens = vec![1, 2, e, 3, e, 4, 5, 6, e, 7, e];
        for size in 1..6 {
            let blocks = split_blocks(&tokens, size);
            assert_eq!(blocks.first().unwrap().range.start, 0);
            assert_eq!(blocks.last().unwrap().range.end, tokens.len());
            for w in blocks.windows(2) {
                assert_eq!(w[0].range.end, w[1].range.start);
            }
            for b in &blocks {
                assert_eq!(tokens[b.range.end - 1], e);
                let before = tokens[..b.range.start].iter().filter(|&&t| t != e).count();
                assert_eq!(b.words_before, before as u64);
            }
            // Phases ending at words 3, 3 (empty), 5 and past the end.
            let mut from = (0, 0);
            let mut covered = Vec::new();
            for (target, expect) in [(3, (5, 3)), (3, (5, 3)), (5, (9, 6)), (99, (11, 7))] {
                let end = phase_end(&tokens, &blocks, from, target);
                assert_eq!(end, expect, "size {size} target {target}");
                for threads in 1..4 {
                    let mut got: Vec<usize> = phase_blocks(&blocks, from.0..end.0, threads)
                        .into_iter()
                        .flatten()
                        .collect();
                    got.sort();
                    assert_eq!(got, (from.0..end.0).collect::<Vec<_>>());
                }
                covered.extend(from.0..end.0);
                from = end;
            }
            assert_eq!(covered, (0..tokens.len()).collect::<Vec<_>>());
        }
    }
}
