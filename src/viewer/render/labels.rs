//! Word labels over the 3D view, drawn with egui so they use the same CJK font as the panels.
//!
//! Labels are chosen by priority — the selected word, its neighbours, relation and analogy
//! words, then frequent words, then (zoomed out) one name per cluster — and placed without
//! overlap by a screen-space occupancy grid: a label goes where its whole box is free, a
//! highlighted one may be nudged a few rows with a leader line. Only the candidates are
//! projected (a few thousand at most), so the cost does not grow with the cloud. Candidates
//! borrow their text and placed labels name their row, so choosing allocates no strings; while
//! nothing they depend on changes (camera, cloud, selection, settings), the last placement is
//! repainted as it was ([`LabelLayoutCache`]).

use bevy::ecs::change_detection::Tick;
use bevy::prelude::*;
use bevy_egui::egui;

use crate::viewer::core::analogy::AnalogyState;
use crate::viewer::core::display_settings::DisplaySettings;
use crate::viewer::core::model::SpaceModel;
use crate::viewer::core::playback::{DisplayedCloud, WORLD_SCALE};
use crate::viewer::core::selection::Selection;
use crate::viewer::render::screen::ScreenProjection;

/// Ordinary (frequent-word) labels drawn at most.
const MAX_ORDINARY_LABELS: usize = 300;
/// Frequent words considered for ordinary labels.
const MAX_ORDINARY_CANDIDATES: usize = 3_000;
/// Occupancy grid cell, logical pixels.
const CELL_PX: f32 = 6.0;
/// Rows (of label height) a highlighted label may move to find room, nearest first.
const NUDGES: [f32; 8] = [1.0, -1.0, 2.0, -2.0, 3.0, -3.0, 4.0, -4.0];

/// How a label is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelKind {
    Selected,
    Highlighted,
    Ordinary,
    Cluster,
}

impl LabelKind {
    fn font_px(self) -> f32 {
        match self {
            LabelKind::Selected => 19.0,
            LabelKind::Highlighted => 15.0,
            LabelKind::Ordinary => 12.0,
            LabelKind::Cluster => 17.0,
        }
    }

    fn may_nudge(self) -> bool {
        matches!(self, LabelKind::Selected | LabelKind::Highlighted)
    }
}

/// A label that wants a place: the row it names, its anchor point on screen and its text.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelCandidate<'a> {
    pub row: usize,
    pub anchor: Vec2,
    pub text: &'a str,
    pub kind: LabelKind,
}

/// A label with its place: the row it names and the box it occupies (logical pixels).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlacedLabel {
    pub row: usize,
    pub anchor: Vec2,
    pub kind: LabelKind,
    pub rect: Rect,
}

/// Rough text box size: CJK characters are square, others about half as wide.
fn text_size(text: &str, font_px: f32) -> Vec2 {
    let width: f32 = text
        .chars()
        .map(|c| if c.is_ascii() { 0.58 } else { 1.0 })
        .sum::<f32>()
        * font_px;
    Vec2::new(width + 2.0, font_px + 2.0)
}

/// Which [`CELL_PX`] cells of the viewport labels already cover: a dense bitmap, since it is
/// consulted for every candidate every frame (a hashed set of cells took most of the label pass
/// at 3,000 candidates).
struct Occupancy {
    origin: Vec2,
    columns: usize,
    rows: usize,
    taken: Vec<bool>,
}

impl Occupancy {
    fn new(viewport: Rect) -> Self {
        let size = viewport.size().max(Vec2::ZERO);
        let columns = (size.x / CELL_PX).ceil() as usize + 1;
        let rows = (size.y / CELL_PX).ceil() as usize + 1;
        Self {
            origin: viewport.min,
            columns,
            rows,
            taken: vec![false; columns * rows],
        }
    }

    /// The cells `rect` touches, clamped to the grid (callers only ask about rects inside the
    /// viewport).
    fn cells(&self, rect: Rect) -> (std::ops::Range<usize>, std::ops::Range<usize>) {
        let cell = |value: f32, limit: usize| (value.max(0.0) as usize).min(limit);
        let min = (rect.min - self.origin) / CELL_PX;
        let max = (rect.max - self.origin) / CELL_PX;
        (
            cell(min.x.floor(), self.columns)..cell(max.x.ceil(), self.columns),
            cell(min.y.floor(), self.rows)..cell(max.y.ceil(), self.rows),
        )
    }

    fn is_free(&self, rect: Rect) -> bool {
        let (xs, ys) = self.cells(rect);
        ys.into_iter().all(|y| {
            self.taken[y * self.columns + xs.start..y * self.columns + xs.end]
                .iter()
                .all(|taken| !taken)
        })
    }

    fn fill(&mut self, rect: Rect) {
        let (xs, ys) = self.cells(rect);
        for y in ys {
            self.taken[y * self.columns + xs.start..y * self.columns + xs.end].fill(true);
        }
    }
}

/// Places candidates in order (earlier = more important) so that no two boxes overlap.
pub fn place_labels(candidates: &[LabelCandidate], viewport: Rect) -> Vec<PlacedLabel> {
    let mut occupied = Occupancy::new(viewport);
    let mut placed = Vec::new();
    for candidate in candidates {
        let size = text_size(candidate.text, candidate.kind.font_px());
        let base = match candidate.kind {
            LabelKind::Cluster => candidate.anchor - size * 0.5,
            _ => candidate.anchor + Vec2::new(6.0, -6.0 - size.y),
        };
        let shifts: &[f32] = if candidate.kind.may_nudge() {
            &NUDGES
        } else {
            &[]
        };
        let spot = std::iter::once(0.0)
            .chain(shifts.iter().copied())
            .map(|rows| {
                let offset = Vec2::new(0.0, rows * size.y);
                Rect::from_corners(base + offset, base + size + offset)
            })
            .find(|rect| {
                viewport.contains(rect.min)
                    && viewport.contains(rect.max)
                    && occupied.is_free(*rect)
            });
        let Some(rect) = spot else {
            continue;
        };
        occupied.fill(rect);
        placed.push(PlacedLabel {
            row: candidate.row,
            anchor: candidate.anchor,
            kind: candidate.kind,
            rect,
        });
    }
    placed
}

/// Everything the label pass reads.
pub struct LabelInputs<'a> {
    pub model: &'a SpaceModel,
    pub cloud: &'a DisplayedCloud,
    pub screen: &'a ScreenProjection,
    pub selection: &'a Selection,
    pub settings: &'a DisplaySettings,
    pub analogy: &'a AnalogyState,
    /// The whole cloud is in view: cluster names help more than word labels.
    pub zoomed_out: bool,
    /// Rows hidden by a filter or the legend get no label.
    pub look: Option<&'a crate::viewer::core::columns::ColumnLook>,
}

impl<'a> LabelInputs<'a> {
    /// A row's label: its label column's text where the table has one, else its word.
    fn text(&self, row: usize) -> Option<&'a str> {
        let look = self.look;
        look.and_then(|look| look.label_text(row))
            .or_else(|| self.model.words.get(row).map(String::as_str))
    }
}

/// The rows that may get an ordinary label, most frequent first: among the first
/// [`MAX_ORDINARY_CANDIDATES`] rows (rows are in frequency order, as trainer vocabularies and
/// most vector files are), those that look like words (punctuation runs and numbers are
/// frequent in real vocabularies and say nothing).
pub fn ordinary_rows(words: &[String]) -> Vec<usize> {
    words
        .iter()
        .take(MAX_ORDINARY_CANDIDATES)
        .enumerate()
        .filter(|(_, word)| crate::space::is_word_like(word))
        .map(|(row, _)| row)
        .collect()
}

/// The candidates in priority order, projected; `word_rows` is [`ordinary_rows`] of the model.
pub fn label_candidates<'a>(
    inputs: &LabelInputs<'a>,
    word_rows: &[usize],
) -> Vec<LabelCandidate<'a>> {
    let model = inputs.model;
    let project = |row: usize| {
        let world = inputs.cloud.position(model, row)?;
        inputs.screen.project(world).map(|(p, _)| p)
    };
    let shown = |row: usize| inputs.look.is_none_or(|look| look.is_visible(row));
    let word_candidate = |row: usize, kind: LabelKind| {
        if !shown(row) {
            return None;
        }
        Some(LabelCandidate {
            row,
            anchor: project(row)?,
            text: inputs.text(row)?,
            kind,
        })
    };
    // A few dozen highlighted rows at most: a sorted list beats hashing 3,000 rows a frame.
    let mut seen: Vec<usize> = Vec::new();
    let mut candidates = Vec::new();
    for row in highlighted_rows(inputs) {
        if let Err(at) = seen.binary_search(&row) {
            seen.insert(at, row);
            let kind = if Some(row) == inputs.selection.row {
                LabelKind::Selected
            } else {
                LabelKind::Highlighted
            };
            candidates.extend(word_candidate(row, kind));
        }
    }
    let budget = ((inputs.cloud.len as f32 * inputs.settings.label_density).ceil() as usize)
        .min(MAX_ORDINARY_LABELS);
    let mut ordinary = 0;
    for &row in word_rows {
        if ordinary >= budget || row >= inputs.cloud.len {
            break;
        }
        if seen.binary_search(&row).is_err()
            && let Some(candidate) = word_candidate(row, LabelKind::Ordinary)
        {
            candidates.push(candidate);
            ordinary += 1;
        }
    }
    if inputs.zoomed_out
        && let Some(frame) = inputs.cloud.frame.and_then(|f| model.frames.get(f))
    {
        for (label_row, centre) in frame
            .cluster_label_rows
            .iter()
            .zip(&frame.cluster_centres_3d)
        {
            let Some(row) = *label_row else { continue };
            if !shown(row) {
                continue;
            }
            let world = Vec3::from(*centre) * WORLD_SCALE;
            if let (Some((anchor, _)), Some(word)) =
                (inputs.screen.project(world), model.words.get(row))
            {
                candidates.push(LabelCandidate {
                    row,
                    anchor,
                    text: word,
                    kind: LabelKind::Cluster,
                });
            }
        }
    }
    candidates
}

/// What a label placement was made for: the change ticks of everything it reads and whether
/// the view is zoomed out. Writers of those resources write only when a value differs, so equal
/// keys mean an equal placement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LabelLayoutKey {
    /// The model's: its words and frames.
    pub model: Tick,
    /// The camera's projection, the displayed cloud, the selection, the display settings, the
    /// analogy and the table's look.
    pub others: [Tick; 6],
    pub zoomed_out: bool,
}

/// The last placement and the key it was made for, and the model's [`ordinary_rows`].
#[derive(Debug, Default)]
pub struct LabelLayoutCache {
    key: Option<LabelLayoutKey>,
    placed: Vec<PlacedLabel>,
    word_rows_model: Option<Tick>,
    word_rows: Vec<usize>,
}

impl LabelLayoutCache {
    /// The labels for `key`: last frame's when the key is unchanged, else chosen and placed
    /// anew.
    fn placed(&mut self, key: LabelLayoutKey, inputs: &LabelInputs) -> &[PlacedLabel] {
        if self.word_rows_model != Some(key.model) {
            self.word_rows = ordinary_rows(&inputs.model.words);
            self.word_rows_model = Some(key.model);
        }
        if self.key != Some(key) {
            self.placed = place_labels(
                &label_candidates(inputs, &self.word_rows),
                inputs.screen.viewport,
            );
            self.key = Some(key);
        }
        &self.placed
    }
}

/// Draws the labels on egui's background layer, clipped to the 3D viewport.
pub fn labels_ui(
    ctx: &egui::Context,
    inputs: &LabelInputs,
    cache: &mut LabelLayoutCache,
    key: LabelLayoutKey,
) {
    let viewport = inputs.screen.viewport;
    let clip = egui::Rect::from_min_max(
        egui::pos2(viewport.min.x, viewport.min.y),
        egui::pos2(viewport.max.x, viewport.max.y),
    );
    let painter = ctx
        .layer_painter(egui::LayerId::background())
        .with_clip_rect(clip);
    // With a word selected, it and its neighbours stand out; every other label recedes, as
    // their points do.
    let in_focus = |row: usize| {
        inputs.selection.row.is_none_or(|selected| {
            row == selected || inputs.selection.neighbors.iter().any(|n| n.row == row)
        })
    };
    for label in cache.placed(key, inputs) {
        let Some(text) = inputs.text(label.row) else {
            continue;
        };
        let color = match label.kind {
            LabelKind::Selected => egui::Color32::from_rgb(255, 215, 64),
            LabelKind::Highlighted => egui::Color32::from_rgb(255, 250, 220),
            LabelKind::Ordinary => egui::Color32::from_gray(185),
            LabelKind::Cluster => egui::Color32::from_rgba_unmultiplied(200, 225, 255, 170),
        };
        let receding = !in_focus(label.row);
        let color = if receding {
            color.gamma_multiply(0.35)
        } else {
            color
        };
        let nudged =
            label.kind.may_nudge() && (label.rect.max.y - (label.anchor.y - 6.0)).abs() > 1.0;
        if nudged {
            painter.line_segment(
                [
                    egui::pos2(label.anchor.x, label.anchor.y),
                    egui::pos2(label.rect.min.x, label.rect.center().y),
                ],
                egui::Stroke::new(1.0, egui::Color32::from_white_alpha(90)),
            );
        }
        // Laid out once, painted twice: a dark shadow, then the text.
        let galley = painter.layout_no_wrap(
            text.to_owned(),
            egui::FontId::proportional(label.kind.font_px()),
            color,
        );
        let at = egui::pos2(label.rect.min.x, label.rect.max.y - galley.size().y);
        painter.galley_with_override_text_color(
            at + egui::vec2(1.0, 1.0),
            galley.clone(),
            egui::Color32::from_black_alpha(200),
        );
        painter.galley(at, galley, color);
    }
}

/// Rows that must be labelled: selection, neighbours, analogy words, relation endpoints.
fn highlighted_rows(inputs: &LabelInputs) -> Vec<usize> {
    let mut rows = Vec::new();
    rows.extend(inputs.selection.row);
    rows.extend(inputs.selection.neighbors.iter().map(|n| n.row));
    for (from, to) in inputs.analogy.arrows(inputs.model) {
        rows.extend([from, to]);
    }
    for pair in inputs.model.relations.iter() {
        if inputs.settings.shows_relation(&pair.relation) {
            rows.extend(inputs.model.row_of(&pair.head));
            rows.extend(inputs.model.row_of(&pair.tail));
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(row: usize, x: f32, y: f32, text: &str, kind: LabelKind) -> LabelCandidate<'_> {
        LabelCandidate {
            row,
            anchor: Vec2::new(x, y),
            text,
            kind,
        }
    }

    #[test]
    fn occupancy_refuses_what_overlaps_and_frees_what_does_not() {
        let viewport = Rect::new(100.0, 50.0, 700.0, 450.0);
        let mut occupied = Occupancy::new(viewport);
        let first = Rect::new(200.0, 100.0, 260.0, 114.0);
        assert!(occupied.is_free(first));
        occupied.fill(first);
        assert!(!occupied.is_free(first));
        assert!(!occupied.is_free(Rect::new(250.0, 110.0, 300.0, 124.0)));
        assert!(occupied.is_free(Rect::new(270.0, 100.0, 320.0, 114.0)));
        // The viewport's far corner is a cell like any other.
        let corner = Rect::new(650.0, 430.0, 700.0, 450.0);
        assert!(occupied.is_free(corner));
        occupied.fill(corner);
        assert!(!occupied.is_free(Rect::new(690.0, 440.0, 700.0, 450.0)));
    }

    #[test]
    fn placed_labels_never_overlap_and_highlights_come_first() {
        let viewport = Rect::new(0.0, 0.0, 800.0, 600.0);
        // A tight clump: 200 labels anchored within 40 px of each other.
        let words: Vec<String> = (0..200).map(|i| format!("word{i}")).collect();
        let mut candidates = vec![
            candidate(0, 400.0, 300.0, "法国", LabelKind::Selected),
            candidate(1, 402.0, 301.0, "巴黎", LabelKind::Highlighted),
        ];
        for (i, word) in words.iter().enumerate() {
            let x = 380.0 + (i % 20) as f32 * 2.0;
            let y = 290.0 + (i / 20) as f32 * 2.0;
            candidates.push(candidate(i + 2, x, y, word, LabelKind::Ordinary));
        }
        let placed = place_labels(&candidates, viewport);
        assert_eq!(placed[0].row, 0, "法国 first");
        assert_eq!(
            placed[1].row, 1,
            "巴黎, a highlight, is nudged, not dropped"
        );
        assert!(
            placed.len() < 20,
            "a clump gets few labels: {}",
            placed.len()
        );
        for (i, a) in placed.iter().enumerate() {
            assert!(viewport.contains(a.rect.min) && viewport.contains(a.rect.max));
            for b in &placed[i + 1..] {
                let overlap = a.rect.intersect(b.rect);
                assert!(
                    overlap.is_empty(),
                    "rows {} and {} overlap: {:?} {:?}",
                    a.row,
                    b.row,
                    a.rect,
                    b.rect
                );
            }
        }
    }

    #[test]
    fn the_placement_is_kept_while_its_key_stands_and_redone_when_it_changes() {
        let model = crate::viewer::core::model::four_word_model(1);
        let mut cloud = DisplayedCloud::default();
        cloud.len = 4;
        cloud.frame = Some(0);
        let extent = 4.0 * WORLD_SCALE;
        let screen = ScreenProjection {
            clip_from_world: Mat4::orthographic_rh(-extent, extent, -extent, extent, -100.0, 100.0),
            viewport: Rect::new(0.0, 0.0, 800.0, 600.0),
        };
        let settings = DisplaySettings {
            label_density: 1.0,
            ..DisplaySettings::default()
        };
        let (selection, analogy) = (Selection::default(), AnalogyState::default());
        let inputs = LabelInputs {
            model: &model,
            cloud: &cloud,
            screen: &screen,
            selection: &selection,
            settings: &settings,
            analogy: &analogy,
            zoomed_out: false,
            look: None,
        };
        let key = LabelLayoutKey {
            model: Tick::new(1),
            others: [Tick::new(1); 6],
            zoomed_out: false,
        };
        let mut cache = LabelLayoutCache::default();
        let first = cache.placed(key, &inputs).to_vec();
        assert!(!first.is_empty(), "some of the four words get a label");

        // The camera turned, but the key says nothing changed: last frame's placement.
        let turned = ScreenProjection {
            clip_from_world: Mat4::from_translation(Vec3::new(0.3, 0.1, 0.0))
                * screen.clip_from_world,
            viewport: screen.viewport,
        };
        let turned_inputs = LabelInputs {
            screen: &turned,
            ..inputs
        };
        assert_eq!(cache.placed(key, &turned_inputs), first.as_slice());

        // The projection's tick moved: placed anew, where the points now are.
        let moved_key = LabelLayoutKey {
            others: [
                Tick::new(2),
                Tick::new(1),
                Tick::new(1),
                Tick::new(1),
                Tick::new(1),
                Tick::new(1),
            ],
            ..key
        };
        let again = cache.placed(moved_key, &turned_inputs).to_vec();
        assert_eq!(again.len(), first.len());
        for (before, after) in first.iter().zip(&again) {
            assert_eq!(before.row, after.row);
            assert!(
                (after.anchor.x - before.anchor.x - 120.0).abs() < 0.5,
                "{before:?} {after:?}"
            );
        }
    }

    #[test]
    fn wide_labels_claim_their_whole_width() {
        let viewport = Rect::new(0.0, 0.0, 800.0, 600.0);
        let placed = place_labels(
            &[
                candidate(0, 100.0, 100.0, "中华人民共和国国务院", LabelKind::Ordinary),
                candidate(1, 180.0, 100.0, "x", LabelKind::Ordinary),
            ],
            viewport,
        );
        assert_eq!(
            placed.len(),
            1,
            "the second label falls inside the first's box"
        );
    }
}
