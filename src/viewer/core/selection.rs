//! The selected word and its nearest neighbours, or the nearest neighbours of a group of rows
//! (a lasso selection's centroid: "Neighbours of selection").
//!
//! Neighbours are exact cosine neighbours in the full-dimensional space of the frame under the
//! playhead (not distances on screen); the 3D neighbours are kept too, so the panel can show
//! how faithful the projection is, as the Embedding Projector does.
//!
//! A row the columns' filter (or a hidden legend entry) hides cannot be selected, by a click,
//! a search or a saved view: the request is refused with a status-line message saying why, and
//! hidden rows are never listed as a group's neighbours.

use std::sync::Arc;

use bevy::prelude::*;

use crate::space;
use crate::viewer::core::columns::ColumnLook;
use crate::viewer::core::model::{SpaceModel, UserError};
use crate::viewer::core::playback::Playhead;

/// Select a word by row (`None` clears the selection).
#[derive(Message, Debug, Clone, Copy, PartialEq, Eq)]
pub struct SelectWord(pub Option<usize>);

/// List the nearest neighbours of these rows' centroid (a lasso selection) in place of a
/// selected word's; empty rows clear it.
#[derive(Message, Debug, Clone, PartialEq, Eq)]
pub struct NeighboursOfRows(pub Vec<usize>);

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
    /// The rows whose centroid `neighbors` are listed for (no `row` then); empty otherwise.
    pub group: Arc<[usize]>,
    /// (row, frame, k) the neighbours were computed for (`usize::MAX` as row: the group).
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
            group: Arc::from([]),
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
            .add_message::<NeighboursOfRows>()
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

/// Why `row` cannot be selected: the filter or a hidden legend entry hides it.
pub fn hidden_reason(look: &ColumnLook, model: &SpaceModel, row: usize) -> Option<String> {
    if look.is_visible(row) {
        return None;
    }
    let word = model.words.get(row).map_or("", String::as_str);
    Some(format!(
        "{word:?} is hidden by the filter or the legend, so it cannot be selected: \
         change the filter in the Columns window to show it"
    ))
}

fn apply_selection(
    mut requests: MessageReader<SelectWord>,
    mut groups: MessageReader<NeighboursOfRows>,
    model: Res<SpaceModel>,
    look: Option<Res<ColumnLook>>,
    mut selection: ResMut<Selection>,
    mut errors: MessageWriter<UserError>,
) {
    for SelectWord(row) in requests.read() {
        let row = row.filter(|&r| r < model.words.len());
        if let (Some(row), Some(look)) = (row, look.as_deref())
            && let Some(reason) = hidden_reason(look, &model, row)
        {
            errors.write(UserError(reason));
            continue;
        }
        selection.row = row;
        selection.group = Arc::from([]);
        if row.is_none() {
            selection.neighbors.clear();
            selection.neighbors_3d.clear();
            selection.computed_for = None;
        }
    }
    for NeighboursOfRows(rows) in groups.read() {
        selection.row = None;
        selection.group = rows
            .iter()
            .copied()
            .filter(|&r| r < model.words.len())
            .collect();
        selection.neighbors.clear();
        selection.neighbors_3d.clear();
        selection.computed_for = None;
    }
}

fn refresh_neighbors(
    model: Res<SpaceModel>,
    playhead: Res<Playhead>,
    look: Option<Res<ColumnLook>>,
    mut selection: ResMut<Selection>,
) {
    // Only reads until there is work to do, so an idle frame does not mark the selection.
    let query = match selection.row {
        Some(row) => row,
        None if !selection.group.is_empty() => usize::MAX,
        None => return,
    };
    let Some(frame_index) = playhead.nearest_frame(model.frames.len()) else {
        return;
    };
    let key = (query, frame_index, selection.k);
    if selection.computed_for == Some(key) {
        return;
    }
    let frame = &model.frames[frame_index];
    let rows = frame.vectors.nrows();
    if query != usize::MAX && query >= rows || selection.group.iter().any(|&r| r >= rows) {
        return;
    }
    let started = std::time::Instant::now();
    // The frame's index is built once, off the frame loop; a click only scans it.
    // The rows were checked above, so these cannot fail; an empty list is the safe fallback.
    if query == usize::MAX {
        let hidden = |row: usize| look.as_deref().is_some_and(|l| !l.is_visible(row));
        selection.neighbors = frame
            .index()
            .top_k_centroid(&selection.group, selection.k, &hidden)
            .unwrap_or_default();
        selection.neighbors_3d.clear();
    } else {
        selection.neighbors = frame.index().top_k(query, selection.k).unwrap_or_default();
        selection.neighbors_3d =
            space::top_k_3d(frame.coords_3d.view(), query, selection.k).unwrap_or_default();
    }
    selection.computed_for = Some(key);
    selection.search_ms = Some(started.elapsed().as_secs_f32() * 1000.0);
}
