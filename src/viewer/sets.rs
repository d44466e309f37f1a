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
