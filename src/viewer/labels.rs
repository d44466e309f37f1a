//! Word labels over the 3D view, drawn with egui so they use the same CJK font as the panels
//! and always face the camera. Highlighted words (the selection, its neighbours, relation
//! endpoints, analogy words) always get a label; the rest get one, most frequent first, while
//! there is room on screen (a coarse occupancy grid prevents overlaps).

use std::collections::HashSet;

use bevy_egui::egui;

use super::model::SpaceModel;
use super::panels::analogy::AnalogyState;
use super::scene::DisplaySettings;
use super::screen::ScreenPoints;
use super::selection::Selection;

/// Grid cell size in logical pixels for label de-cluttering.
const CELL_W: f32 = 60.0;
const CELL_H: f32 = 16.0;
/// Ordinary labels drawn at most: more is unreadable and costs frame time at scale.
const MAX_DENSITY_LABELS: usize = 400;
/// Rows a highlighted label may move to find room, nearest first.
const NUDGE_ROWS: [i32; 12] = [1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6];

/// Everything the label pass reads.
pub struct LabelInputs<'a> {
    pub model: &'a SpaceModel,
    pub screen: &'a ScreenPoints,
    pub selection: &'a Selection,
    pub settings: &'a DisplaySettings,
    pub analogy: &'a AnalogyState,
}

/// Draws the labels on egui's background layer, clipped to the 3D viewport.
pub fn labels_ui(ctx: &egui::Context, inputs: &LabelInputs) {
    let viewport = inputs.screen.viewport;
    let clip = egui::Rect::from_min_max(
        egui::pos2(viewport.min.x, viewport.min.y),
        egui::pos2(viewport.max.x, viewport.max.y),
    );
    let painter = ctx
        .layer_painter(egui::LayerId::background())
        .with_clip_rect(clip);
    let mut occupied: HashSet<(i32, i32)> = HashSet::new();
    let draw = |row: usize, strong: bool, occupied: &mut HashSet<(i32, i32)>| {
        let Some(Some(position)) = inputs.screen.positions.get(row) else {
            return;
        };
        let Some(word) = inputs.model.words.get(row) else {
            return;
        };
        let cell = ((position.x / CELL_W) as i32, (position.y / CELL_H) as i32);
        let free = |c: (i32, i32)| !occupied.contains(&c) && !occupied.contains(&(c.0 + 1, c.1));
        // Ordinary labels only go where there is room; highlighted ones are nudged up or down
        // to the nearest free row (with a leader line), so a tight clump stays readable.
        let shift_rows = if free(cell) {
            0
        } else if strong {
            NUDGE_ROWS
                .iter()
                .copied()
                .find(|&d| free((cell.0, cell.1 + d)))
                .unwrap_or(0)
        } else {
            return;
        };
        let cell = (cell.0, cell.1 + shift_rows);
        occupied.insert(cell);
        occupied.insert((cell.0 + 1, cell.1));
        let (size, color) = if Some(row) == inputs.selection.row {
            (19.0, egui::Color32::from_rgb(255, 215, 64))
        } else if strong {
            (15.0, egui::Color32::from_rgb(255, 250, 220))
        } else {
            (12.0, egui::Color32::from_gray(185))
        };
        let at = egui::pos2(
            position.x + 6.0,
            position.y - 6.0 + shift_rows as f32 * CELL_H,
        );
        if shift_rows != 0 {
            painter.line_segment(
                [
                    egui::pos2(position.x, position.y),
                    at + egui::vec2(0.0, -CELL_H * 0.4),
                ],
                egui::Stroke::new(1.0, egui::Color32::from_white_alpha(90)),
            );
        }
        painter.text(
            at + egui::vec2(1.0, 1.0),
            egui::Align2::LEFT_BOTTOM,
            word,
            egui::FontId::proportional(size),
            egui::Color32::from_black_alpha(200),
        );
        painter.text(
            at,
            egui::Align2::LEFT_BOTTOM,
            word,
            egui::FontId::proportional(size),
            color,
        );
    };
    for row in highlighted_rows(inputs) {
        draw(row, true, &mut occupied);
    }
    let count = inputs.model.words.len();
    let budget = (count as f32 * inputs.settings.label_density).ceil() as usize;
    // Rows are in frequency order (trainer vocabularies and most vector files are).
    for row in 0..budget.min(count).min(MAX_DENSITY_LABELS) {
        draw(row, false, &mut occupied);
    }
}

/// Rows that must be labelled: selection, neighbours, relation endpoints, analogy words.
fn highlighted_rows(inputs: &LabelInputs) -> Vec<usize> {
    let mut rows = Vec::new();
    rows.extend(inputs.selection.row);
    rows.extend(inputs.selection.neighbors.iter().map(|n| n.row));
    for (from, to) in inputs.analogy.arrows(inputs.model) {
        rows.extend([from, to]);
    }
    for pair in &inputs.model.relations {
        if inputs.settings.shows_relation(&pair.relation) {
            rows.extend(inputs.model.row_of(&pair.head));
            rows.extend(inputs.model.row_of(&pair.tail));
        }
    }
    // A word can be both a neighbour and a relation endpoint: label it once.
    let mut seen = HashSet::new();
    rows.retain(|row| seen.insert(*row));
    rows
}
