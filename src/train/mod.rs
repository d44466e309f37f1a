//! The trainer: skip-gram with negative sampling (and CBOW), as word2vec.c and gensim, with
//! lock-free multi-threading, snapshots for the viewer, progress events and run control.
//!
//! * [`train`] (blocking) / [`spawn`] (background thread + event channel) are the entry points.
//! * [`TrainConfig`] holds every setting (gensim defaults); [`Init`] the initial vectors.
//! * Events ([`TrainEvent`]): `Started`, `Snapshot` 0 (initial vectors), then `Progress`,
//!   `Snapshot`, `EpochFinished`, and finally `Finished` (whose snapshot list always ends with
//!   the final state).
//! * [`TrainControl`] pauses, steps (to the next snapshot), resumes and cancels a run.
//! * [`timeline`] saves a run's snapshots to one binary file; [`Timeline::assemble`] is the one
//!   way to build one in memory ([`TimelineRecorder`] from a run's events,
//!   [`timeline_from_checkpoints`] from other trainers' vector files).
//! * Threads share the weight matrices lock-free ("hogwild"); all of that sharing is confined
//!   to `hogwild.rs`, whose docs give the safety argument.

mod blocks;
mod checkpoints;
mod config;
mod control;
mod error;
mod events;
mod hogwild;
mod init;
// The atomic-hogwild build trains with `RelaxedAtomic` only; the plain kernels stay compiled
// for its tests, which compare the two.
#[cfg_attr(
    all(feature = "atomic-hogwild", not(test)),
    expect(
        dead_code,
        reason = "the plain kernels are unused when the atomic ones train"
    )
)]
mod kernels;
mod loss;
pub mod memory;
pub mod negative_table;
mod progress;
mod rng;
mod run;
mod schedule;
mod sgns;
pub mod timeline;
mod timeline_assemble;

pub use crate::corpus::CorpusSource;
pub use checkpoints::{
    CheckpointError, CheckpointFrame, CheckpointOptions, CheckpointParams, CheckpointTimeline,
    frame_name, named_frames_timeline, timeline_from_checkpoints,
};
pub use config::{DEFAULT_SNAPSHOT_MAX_WORDS, TrainConfig};
pub use control::TrainControl;
pub use error::TrainError;
pub use events::{Progress, Snapshot, TrainEvent};
pub use init::Init;
pub use run::{TrainHandle, spawn, spawn_with_control, train};
pub use schedule::{epoch_number, learning_rate};
pub use timeline::{AssembleError, Precision, Timeline, TimelineError};
pub use timeline_assemble::{SnapshotMeta, TimelineRecorder, snapshot_words};

#[cfg(test)]
mod tests;
