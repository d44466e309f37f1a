//! The per-thread worker: subsampling, dynamic windows, and the skip-gram / CBOW negative
//! sampling updates, exactly as word2vec.c and gensim do them.
//!
//! Skip-gram, for each position `i` with reduced window `b` drawn uniformly in `0..window`, and
//! each context `j` within `window - b` of `i`: the input vector of the CONTEXT word `j`
//! predicts the output vector of the center word `i` against `negative` noise words (gensim's
//! `fast_sentence_sg_neg`). CBOW averages the context input vectors (gensim `cbow_mean=1`) and
//! adds the full error to each of them.
//!
//! The loss accumulated per thread is the true objective `-log σ(u·v) - Σ log σ(-u·n)` per
//! pair (skip-gram) or per center word (CBOW), read from a table like the sigmoid itself.

use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

use super::control::TrainControl;
use super::hogwild::{HogwildMatrix, RowMut, RowRef};
#[cfg(all(target_arch = "x86_64", not(feature = "atomic-hogwild")))]
use super::kernels::Avx2Fma;
#[cfg(not(feature = "atomic-hogwild"))]
use super::kernels::Portable;
#[cfg(feature = "atomic-hogwild")]
use super::kernels::RelaxedAtomic;
use super::kernels::{Kernels, SigmoidTable};
use super::loss::{LossTotals, WorkerStats};
use super::negative_table::NegativeTable;
use super::rng::FastRng;
use super::schedule::LearningRate;
use crate::corpus::SENTENCE_END;

/// What all workers of one phase work with: the two weight matrices, which every worker reads
/// AND writes concurrently (hogwild, see [`super::hogwild`]), the read-only corpus, tables and
/// settings, and the atomic counters they publish to the coordinator.
pub struct PhaseContext<'a> {
    /// Input vectors (`syn0` in word2vec.c), hogwild-shared.
    pub syn0: HogwildMatrix<'a>,
    /// Output vectors (`syn1neg`), hogwild-shared.
    pub syn1: HogwildMatrix<'a>,
    pub tokens: &'a [u32],
    pub table: &'a NegativeTable,
    pub keep: &'a [u32],
    /// Rows whose input vectors must not change (empty = none).
    pub frozen: &'a [bool],
    pub sigmoid: &'a SigmoidTable,
    pub control: &'a TrainControl,
    /// In-vocabulary words processed so far by all threads, over all epochs.
    pub words_done: &'a AtomicU64,
    pub rate: LearningRate,
    pub window: usize,
    pub negative: usize,
    pub cbow: bool,
    pub shared_negatives: bool,
    pub stats: &'a [WorkerStats],
    /// Set by the first worker that sees a non-finite loss.
    pub diverged: &'a AtomicBool,
}

/// Why a worker returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkerOutcome {
    ReachedTarget,
    Cancelled,
    Diverged,
}

/// The work of one phase: sentence-aligned token ranges that the workers take one at a time
/// (like gensim's job queue), so a thread that is descheduled or slower does not leave the
/// others idle at the end of the phase: at most one block of imbalance remains.
pub struct PhaseQueue<'a> {
    pub blocks: &'a [Range<usize>],
    pub next: AtomicUsize,
}

/// One thread's state; persists across phases and epochs.
pub struct Worker {
    id: usize,
    rng: FastRng,
    sentence: Vec<u32>,
    work: Vec<f32>,
    neu1: Vec<f32>,
    /// The noise words of the next skip-gram pair, drawn (and their rows prefetched) one pair
    /// ahead so the cache misses overlap with the current pair's arithmetic.
    negs: Vec<u32>,
    next_negs: Vec<u32>,
    loss_sum: f64,
    pairs: u64,
    #[cfg(all(target_arch = "x86_64", not(feature = "atomic-hogwild")))]
    avx2: Option<Avx2Fma>,
}

impl Worker {
    pub fn new(id: usize, seed: u64, dim: usize) -> Self {
        Self {
            id,
            rng: FastRng::new(seed.wrapping_add((id as u64).wrapping_mul(0x2545_F491_4F6C_DD1D))),
            sentence: Vec::with_capacity(1024),
            work: vec![0.0; dim],
            neu1: vec![0.0; dim],
            negs: Vec::with_capacity(64),
            next_negs: Vec::with_capacity(64),
            loss_sum: 0.0,
            pairs: 0,
            #[cfg(all(target_arch = "x86_64", not(feature = "atomic-hogwild")))]
            avx2: Avx2Fma::detect(),
        }
    }

    /// Takes blocks from `queue` and trains them sentence by sentence until the queue is empty,
    /// the run is cancelled, or the loss stops being finite.
    pub fn run_phase(&mut self, sh: &PhaseContext<'_>, queue: &PhaseQueue<'_>) -> WorkerOutcome {
        while let Some(block) = queue.blocks.get(queue.next.fetch_add(1, Ordering::Relaxed)) {
            let mut pos = block.start;
            while pos < block.end {
                if sh.control.is_cancelled() || sh.diverged.load(Ordering::Relaxed) {
                    return WorkerOutcome::Cancelled;
                }
                if sh.control.is_paused() && !sh.control.wait_while_paused() {
                    return WorkerOutcome::Cancelled;
                }
                let alpha = sh.rate.at(sh.words_done.load(Ordering::Relaxed));
                let words = self.read_sentence(sh, &mut pos, block.end);
                self.train_sentence(sh, alpha);
                sh.words_done.fetch_add(words, Ordering::Relaxed);
                if let Some(stats) = sh.stats.get(self.id) {
                    stats.publish(LossTotals {
                        loss: self.loss_sum,
                        pairs: self.pairs,
                    });
                }
                if !self.loss_sum.is_finite() {
                    sh.diverged.store(true, Ordering::Relaxed);
                    return WorkerOutcome::Diverged;
                }
            }
        }
        WorkerOutcome::ReachedTarget
    }

    /// Reads the next sentence into `self.sentence`, applying subsampling. Returns the number of
    /// in-vocabulary words read (before subsampling: that is what progress counts, as word2vec).
    fn read_sentence(&mut self, sh: &PhaseContext<'_>, pos: &mut usize, end: usize) -> u64 {
        self.sentence.clear();
        let rest = sh.tokens.get(*pos..end).unwrap_or(&[]);
        let len = rest
            .iter()
            .position(|&t| t == SENTENCE_END)
            .unwrap_or(rest.len());
        for &w in &rest[..len] {
            let keep = sh.keep.get(w as usize).copied().unwrap_or(0);
            if keep == u32::MAX || keep >= self.rng.next_u32() {
                self.sentence.push(w);
            }
        }
        *pos += len + 1;
        len as u64
    }

    /// The same training code with every weight access a relaxed atomic (see `hogwild`).
    #[cfg(feature = "atomic-hogwild")]
    fn train_sentence(&mut self, sh: &PhaseContext<'_>, alpha: f32) {
        train_sentence_generic(self, sh, alpha, RelaxedAtomic);
    }

    #[cfg(not(feature = "atomic-hogwild"))]
    fn train_sentence(&mut self, sh: &PhaseContext<'_>, alpha: f32) {
        #[cfg(target_arch = "x86_64")]
        if let Some(k) = self.avx2 {
            // SAFETY: `k` exists only when the CPU reported AVX2 and FMA (`Avx2Fma::detect`).
            unsafe { train_sentence_avx2(self, sh, alpha, k) };
            return;
        }
        train_sentence_generic(self, sh, alpha, Portable);
    }
}

/// The same code as [`train_sentence_generic`], compiled with AVX2 and FMA enabled and explicit
/// AVX2/FMA dot/axpy kernels.
#[cfg(all(target_arch = "x86_64", not(feature = "atomic-hogwild")))]
#[target_feature(enable = "avx2,fma")]
unsafe fn train_sentence_avx2(w: &mut Worker, sh: &PhaseContext<'_>, alpha: f32, k: Avx2Fma) {
    train_sentence_generic(w, sh, alpha, k);
}

#[inline(always)]
fn train_sentence_generic<K: Kernels>(w: &mut Worker, sh: &PhaseContext<'_>, alpha: f32, k: K) {
    let Worker {
        rng,
        sentence,
        work,
        neu1,
        negs,
        next_negs,
        loss_sum,
        pairs,
        ..
    } = w;
    let len = sentence.len();
    let mut loss = 0.0f64;
    for i in 0..len {
        let target = sentence[i];
        let reduced = rng.below(sh.window);
        let span = sh.window - reduced;
        let start = i.saturating_sub(span);
        let end = (i + span + 1).min(len);
        // The next center's output row and the input row entering the window next.
        if let Some(&next) = sentence.get(i + 1) {
            sh.syn1.prefetch(next as usize);
        }
        if let Some(&incoming) = sentence.get(i + sh.window + 1) {
            sh.syn0.prefetch(incoming as usize);
        }
        if sh.cbow {
            let ctx = &sentence[start..end];
            if let Some(l) = cbow_center(sh, k, rng, work, neu1, target, ctx, i - start, alpha) {
                loss += l as f64;
                *pairs += 1;
            }
        } else {
            // With `shared_negatives`, one set of noise words per center word, shared by its
            // context pairs: each pair still gets `negative` independent draws from the
            // unigram^0.75 distribution, but their output rows are fetched once per center
            // instead of once per pair. Either way the set is drawn one step (center or pair)
            // ahead and its rows prefetched, so the cache misses overlap with work.
            if sh.shared_negatives {
                draw_noise_ahead(sh, rng, negs, next_negs);
            }
            for (c, &context) in sentence[start..end].iter().enumerate() {
                if start + c == i {
                    continue;
                }
                if !sh.shared_negatives {
                    draw_noise_ahead(sh, rng, negs, next_negs);
                }
                loss += sg_pair(sh, k, work, negs, target, context, alpha) as f64;
                *pairs += 1;
                if !sh.shared_negatives {
                    std::mem::swap(negs, next_negs);
                }
            }
            if sh.shared_negatives {
                std::mem::swap(negs, next_negs);
            }
        }
    }
    *loss_sum += loss;
}

/// Makes sure `negs` holds the noise words for the next step (the very first step draws its
/// own), and draws the step after's into `next`, prefetching their output rows.
#[inline(always)]
fn draw_noise_ahead(
    sh: &PhaseContext<'_>,
    rng: &mut FastRng,
    negs: &mut Vec<u32>,
    next: &mut Vec<u32>,
) {
    if negs.len() != sh.negative {
        negs.clear();
        negs.extend((0..sh.negative).map(|_| sh.table.sample(rng)));
    }
    next.clear();
    for _ in 0..sh.negative {
        let n = sh.table.sample(rng);
        sh.syn1.prefetch(n as usize);
        next.push(n);
    }
}

/// One skip-gram pair: the input vector of `input` (a context word) predicts `target`.
/// Returns the pair's loss.
#[inline(always)]
fn sg_pair<K: Kernels>(
    sh: &PhaseContext<'_>,
    k: K,
    work: &mut [f32],
    negs: &[u32],
    target: u32,
    input: u32,
    alpha: f32,
) -> f32 {
    // SAFETY: (each `row` below) the rows are used only through the kernels `k` and never
    // become references; values read are only computed with and stored back (`row`'s contract).
    let Some(l1) = (unsafe { sh.syn0.row(input as usize) }) else {
        return 0.0;
    };
    // `work` is all zeros on entry (see the end of this function).
    let work_row = RowMut::from_slice(work);
    let mut loss = 0.0f32;
    for (d, &out) in std::iter::once(&target).chain(negs.iter()).enumerate() {
        // As word2vec.c: a noise word equal to the target is skipped.
        if d > 0 && out == target {
            continue;
        }
        // SAFETY: as for `l1` above.
        let Some(l2) = (unsafe { sh.syn1.row(out as usize) }) else {
            continue;
        };
        let f = k.dot(l1.into(), l2.into());
        let (coef, l) = sh.sigmoid.grad_and_loss(f, d == 0);
        loss += l;
        k.update(coef * alpha, l1.into(), l2, work_row);
    }
    if is_frozen(sh.frozen, input) {
        work.fill(0.0);
    } else {
        k.add_and_clear(work_row, l1);
    }
    loss
}

/// One CBOW center word: the mean of the context input vectors (`ctx` without index `skip`)
/// predicts `target`. Returns the loss, or `None` when there is no context.
#[expect(
    clippy::too_many_arguments,
    reason = "the hot loop's kernel: plain arguments stay in registers; a struct adds loads"
)]
#[inline(always)]
fn cbow_center<K: Kernels>(
    sh: &PhaseContext<'_>,
    k: K,
    rng: &mut FastRng,
    work: &mut [f32],
    neu1: &mut [f32],
    target: u32,
    ctx: &[u32],
    skip: usize,
    alpha: f32,
) -> Option<f32> {
    neu1.fill(0.0);
    let mut count = 0usize;
    for (m, &c) in ctx.iter().enumerate() {
        if m == skip {
            continue;
        }
        // SAFETY: (each `row` in this function) the rows are used only through the kernels `k`
        // and never become references; values read are only computed with and stored back.
        if let Some(row) = unsafe { sh.syn0.row(c as usize) } {
            k.axpy(1.0, row.into(), RowMut::from_slice(neu1));
            count += 1;
        }
    }
    if count == 0 {
        return None;
    }
    let inv = 1.0 / count as f32;
    neu1.iter_mut().for_each(|v| *v *= inv);
    work.fill(0.0);
    let mut loss = 0.0f32;
    for d in 0..=sh.negative {
        let (out, label) = if d == 0 {
            (target, true)
        } else {
            let n = sh.table.sample(rng);
            if n == target {
                continue;
            }
            (n, false)
        };
        // SAFETY: as above.
        let Some(l2) = (unsafe { sh.syn1.row(out as usize) }) else {
            continue;
        };
        let f = k.dot(RowRef::from_slice(neu1), l2.into());
        let (coef, l) = sh.sigmoid.grad_and_loss(f, label);
        loss += l;
        k.update(
            coef * alpha,
            RowRef::from_slice(neu1),
            l2,
            RowMut::from_slice(work),
        );
    }
    for (m, &c) in ctx.iter().enumerate() {
        if m == skip || is_frozen(sh.frozen, c) {
            continue;
        }
        // SAFETY: as above.
        if let Some(row) = unsafe { sh.syn0.row(c as usize) } {
            k.axpy(1.0, RowRef::from_slice(work), row);
        }
    }
    work.fill(0.0); // skip-gram relies on `work` being zero between updates
    Some(loss)
}

#[inline(always)]
fn is_frozen(frozen: &[bool], row: u32) -> bool {
    frozen.get(row as usize).copied().unwrap_or(false)
}
