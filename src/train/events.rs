//! What a run reports while it trains: [`TrainEvent`]s carrying [`Progress`] and [`Snapshot`]s.

use std::sync::Arc;

use ndarray::Array2;

use crate::embeddings::{Embeddings, Vocab};

/// The vectors of the snapshot word set at one moment of training.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// 0 = the initial vectors before any update; increasing by one per snapshot.
    pub index: usize,
    /// Epoch in progress when taken (0-based; equals `epochs` for the final state).
    pub epoch: usize,
    /// In-vocabulary words processed so far, over all epochs.
    pub words_processed: u64,
    pub learning_rate: f32,
    /// Mean loss per (center, context) pair since the previous snapshot; `None` for snapshot 0.
    pub loss: Option<f32>,
    /// One row per snapshot word (`TrainEvent::Started::snapshot_rows`), in that order.
    pub vectors: Array2<f32>,
}

/// A periodic progress report.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    pub words_processed: u64,
    /// In-vocabulary words per epoch times epochs.
    pub total_words: u64,
    pub epoch: usize,
    pub learning_rate: f32,
    /// In-vocabulary words per second of un-paused training time.
    pub words_per_sec: f64,
    /// Mean loss per pair over the last reporting interval.
    pub loss_window: Option<f32>,
    /// Mean loss per pair over the current epoch so far.
    pub loss_epoch: Option<f32>,
    pub eta_secs: Option<f64>,
}

/// Everything a run reports, in order: `Started`, then `Snapshot` 0, then `Progress`,
/// `Snapshot` and `EpochFinished` interleaved, then `Finished` (or `Failed` from `spawn`).
#[derive(Debug, Clone)]
pub enum TrainEvent {
    Started {
        /// The full vocabulary, most frequent first, with counts.
        vocab: Vocab,
        /// Rows of `vocab` whose vectors snapshots carry (the most frequent words).
        snapshot_rows: Vec<usize>,
        total_words: u64,
    },
    Progress(Progress),
    Snapshot(Arc<Snapshot>),
    EpochFinished {
        epoch: usize,
        loss: Option<f32>,
    },
    Finished {
        embeddings: Arc<Embeddings>,
        cancelled: bool,
    },
    Failed(String),
}
