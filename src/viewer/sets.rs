//! The order of each frame's work, shared by every layer: a leaf below them all, so that a
//! plugin can place its systems without importing the module that assembles the app.

use bevy::prelude::*;

/// Ordering of the viewer's per-frame work: data in, then the playhead, then what is drawn.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub enum ViewerSet {
    /// Training events and loaded files become frames of the model.
    Ingest,
    /// Input that changes what is selected or where the playhead is.
    Input,
    /// The playhead moves and the displayed cloud is interpolated.
    Playback,
    /// Derived state: selection neighbours, screen positions.
    Derive,
    /// Meshes, arrows and the camera follow the displayed cloud.
    Draw,
}

/// Order inside [`ViewerSet::Ingest`], one set per plugin: the bridge's commands and training
/// events first, then the model's requests (a file the bridge just parsed asks for its
/// relations the same frame), then the analysis worker (it sees the snapshots and settings of
/// this frame), then the race (it sees this frame's analysed frames when it decides a run is
/// done).
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub enum IngestSet {
    /// `core::bridge`: run and open commands, then what the training thread sent.
    Bridge,
    /// `core::model`: `ModelRequest`s.
    Model,
    /// `core::analysis`: snapshots out to the worker, frames back.
    Analysis,
    /// `core::compare`: the random-versus-pretrained race.
    Race,
}
