//! The selected word and its nearest neighbours.
//!
//! Neighbours are exact cosine neighbours in the full-dimensional space of the frame under the
//! playhead (not distances on screen); the 3D neighbours are kept too, so the panel can show
//! how faithful the projection is, as the Embedding Projector does.

use bevy::prelude::*;

use crate::space;
use crate::viewer::core::model::SpaceModel;
use crate::viewer::core::playback::Playhead;

/// Select a word by row (`None` clears the selection).
#[derive(Message, Debug, Clone, Copy, PartialEq, Eq)]
pub struct SelectWord(pub Option<usize>);

/// The current selection and its neighbours.
#[derive(Resource, Debug, Clone, PartialEq)]
pub struct Selection {
    pub row: Option<usize>,
    /// How many neighbours to list.
    pub k: usize,
    /// Cosine neighbours in the full space: (row, similarity).
    pub neighbors: Vec<space::Neighbor>,
    /// Nearest by distance in the 3D projection.
    pub neighbors_3d: Vec<space::Neighbor3d>,
    /// (row, frame, k) the neighbours were computed for.
    computed_for: Option<(usize, usize, usize)>,
    /// How long the last neighbour search took (milliseconds).
    pub search_ms: Option<f32>,
}

impl Default for Selection {
    fn default() -> Self {
        Self {
            row: None,
            k: 10,
            neighbors: Vec::new(),
            neighbors_3d: Vec::new(),
            computed_for: None,
            search_ms: None,
        }
    }
}

impl Selection {
    pub fn is_neighbor(&self, row: usize) -> bool {
        self.neighbors.iter().any(|n| n.row == row)
    }
}

/// Owns [`Selection`]; applies [`SelectWord`] and keeps neighbours current.
pub struct SelectionPlugin;

impl Plugin for SelectionPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<Selection>()
            .add_message::<SelectWord>()
            .add_systems(
                Update,
                (
                    clear_on_escape.in_set(crate::viewer::sets::ViewerSet::Input),
                    // After every Input system, so a click selects within the same frame.
                    (apply_selection, refresh_neighbors)
                        .chain()
                        .in_set(crate::viewer::sets::ViewerSet::Derive),
                ),
            );
    }
}

fn clear_on_escape(keys: Option<Res<ButtonInput<KeyCode>>>, mut select: MessageWriter<SelectWord>) {
    if keys.is_some_and(|k| k.just_pressed(KeyCode::Escape)) {
        select.write(SelectWord(None));
    }
}

fn apply_selection(
    mut requests: MessageReader<SelectWord>,
    model: Res<SpaceModel>,
    mut selection: ResMut<Selection>,
) {
    for SelectWord(row) in requests.read() {
        selection.row = row.filter(|&r| r < model.words.len());
        if selection.row.is_none() {
            selection.neighbors.clear();
            selection.neighbors_3d.clear();
            selection.computed_for = None;
        }
    }
}

fn refresh_neighbors(
    model: Res<SpaceModel>,
    playhead: Res<Playhead>,
    mut selection: ResMut<Selection>,
) {
    // Only reads until there is work to do, so an idle frame does not mark the selection.
    let Some(row) = selection.row else {
        return;
    };
    let Some(frame_index) = playhead.nearest_frame(model.frames.len()) else {
        return;
    };
    let key = (row, frame_index, selection.k);
    if selection.computed_for == Some(key) {
        return;
    }
    let frame = &model.frames[frame_index];
    if row >= frame.vectors.nrows() {
        return;
    }
    let started = std::time::Instant::now();
    // The frame's index is built once, off the frame loop; a click only scans it.
    // The row was checked above, so these cannot fail; an empty list is the safe fallback.
    selection.neighbors = frame.index().top_k(row, selection.k).unwrap_or_default();
    selection.neighbors_3d =
        space::top_k_3d(frame.coords_3d.view(), row, selection.k).unwrap_or_default();
    selection.computed_for = Some(key);
    selection.search_ms = Some(started.elapsed().as_secs_f32() * 1000.0);
}
