//! Everything that can go wrong while training, as one error type.

use crate::corpus::CorpusError;

/// Training errors. Configuration problems are found by [`crate::train::TrainConfig::validate`]
/// before any work starts; the rest once the corpus has been read.
#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    #[error("invalid setting {field}: {reason}")]
    InvalidConfig { field: &'static str, reason: String },
    #[error(transparent)]
    Corpus(#[from] CorpusError),
    #[error(
        "--negative {negative} is larger than the vocabulary ({vocab} words); lower --negative or --min-count"
    )]
    NegativeExceedsVocab { negative: usize, vocab: usize },
    #[error("pretrained vectors have dimension {found} but --dim is {expected}")]
    PretrainedDimension { expected: usize, found: usize },
    #[error(
        "snapshots would need {gib:.1} GiB ({snapshots} snapshots of {rows} x {dim}); raise --snapshot-every or lower the snapshot word count"
    )]
    SnapshotMemory {
        gib: f64,
        snapshots: u64,
        rows: usize,
        dim: usize,
    },
    #[error(
        "training needs about {needed} bytes ({parts}) but only {available} bytes are left \
         under {limit}: lower --dim, or the vocabulary (--min-count, --max-vocab)"
    )]
    OutOfMemory {
        needed: String,
        parts: String,
        available: String,
        limit: &'static str,
    },
    #[error("cannot allocate {bytes} bytes for the {what}: out of memory")]
    Allocation { what: String, bytes: String },
    #[error("training diverged: {0}")]
    Diverged(String),
    #[error("training thread failed: {0}")]
    Thread(String),
}
