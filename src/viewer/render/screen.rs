//! From world to window: the camera's projection (kept current every frame, O(1)) and a
//! screen-space grid of the projected points for picking, built only when a click needs it and
//! the camera or the cloud moved since. Labels, arrows and scripted clicks project just the
//! points they need; nothing here walks every point per frame.

use std::collections::HashMap;

use bevy::prelude::*;

use crate::viewer::core::model::SpaceModel;
use crate::viewer::core::playback::DisplayedCloud;
use crate::viewer::render::camera::MainCamera;
use crate::viewer::render::points::{EMPHASIS_DEPTH_FACTOR, is_emphasised};

/// The main camera's projection, for projecting points on demand.
#[derive(Resource, Debug, Clone, PartialEq)]
pub struct ScreenProjection {
    pub clip_from_world: Mat4,
    /// The 3D viewport in window coordinates (logical pixels).
    pub viewport: Rect,
}

impl Default for ScreenProjection {
    fn default() -> Self {
        Self {
            clip_from_world: Mat4::IDENTITY,
            viewport: Rect::new(0.0, 0.0, 0.0, 0.0),
        }
    }
}

impl ScreenProjection {
    /// Window position (logical pixels) and normalised depth (smaller is nearer) of a world
    /// point, `None` when it is behind the camera or outside the viewport.
    pub fn project(&self, world: Vec3) -> Option<(Vec2, f32)> {
        let clip = self.clip_from_world * world.extend(1.0);
        if clip.w <= 0.0 {
            return None;
        }
        let ndc = clip.truncate() / clip.w;
        if ndc.x.abs() > 1.0 || ndc.y.abs() > 1.0 {
            return None;
        }
        let x = self.viewport.min.x + (ndc.x + 1.0) * 0.5 * self.viewport.width();
        let y = self.viewport.min.y + (1.0 - ndc.y) * 0.5 * self.viewport.height();
        // bevy uses reverse z (1 near, 0 far): flip so smaller is nearer.
        Some((Vec2::new(x, y), 1.0 - ndc.z))
    }
}

/// A click this close to a point's centre is on that point, whatever lies around it.
pub const EXACT_HIT_PX: f32 = 1.5;
/// Grid cell size for picking, in logical pixels.
const PICK_CELL_PX: f32 = 16.0;

/// A projected point: its row, window position and depth.
type ScreenPoint = (usize, Vec2, f32);

/// Projected points bucketed by screen cell: a click looks at a few cells, not every point.
#[derive(Debug, Default, Clone)]
pub struct ScreenGrid {
    cells: HashMap<(i32, i32), Vec<ScreenPoint>>,
}

impl ScreenGrid {
    /// Buckets `(row, window position, depth)` triples.
    pub fn build(points: impl IntoIterator<Item = ScreenPoint>) -> Self {
        let mut cells: HashMap<(i32, i32), Vec<ScreenPoint>> = HashMap::new();
        for (row, position, depth) in points {
            cells
                .entry(Self::cell_of(position))
                .or_default()
                .push((row, position, depth));
        }
        Self { cells }
    }

    /// Every projected point of the displayed cloud, emphasised points (`styles`) as near as
    /// the point shader draws them.
    pub fn of_cloud(
        model: &SpaceModel,
        cloud: &DisplayedCloud,
        screen: &ScreenProjection,
        styles: &[[u8; 4]],
    ) -> Self {
        Self::build((0..cloud.len).filter_map(|row| {
            // Hidden by a filter or the legend: not drawn, not picked.
            if styles.get(row).is_some_and(|s| s[3] == 0) {
                return None;
            }
            let world = cloud.position(model, row)?;
            let (position, depth) = screen.project(world)?;
            let depth = if styles.get(row).is_some_and(|s| is_emphasised(*s)) {
                // The shader's depth bias, in "smaller is nearer" units (depth = 1 - ndc z).
                1.0 - ((1.0 - depth) * EMPHASIS_DEPTH_FACTOR).min(0.999)
            } else {
                depth
            };
            Some((row, position, depth))
        }))
    }

    fn cell_of(position: Vec2) -> (i32, i32) {
        (
            (position.x / PICK_CELL_PX).floor() as i32,
            (position.y / PICK_CELL_PX).floor() as i32,
        )
    }

    /// The point under the cursor: the front-most of the points right under it (within
    /// [`EXACT_HIT_PX`]), else the front-most within `hit_px`, else the nearest within
    /// `radius_px`. A click on a point's centre picks that point even in a dense clump; a click
    /// between overlapping discs picks the one drawn on top.
    pub fn pick(&self, cursor: Vec2, hit_px: f32, radius_px: f32) -> Option<usize> {
        let reach = (radius_px / PICK_CELL_PX).ceil() as i32;
        let (cx, cy) = Self::cell_of(cursor);
        let mut exact: Option<(usize, f32)> = None;
        let mut front: Option<(usize, f32)> = None;
        let mut nearest: Option<(usize, f32)> = None;
        for dy in -reach..=reach {
            for dx in -reach..=reach {
                let Some(points) = self.cells.get(&(cx + dx, cy + dy)) else {
                    continue;
                };
                for &(row, position, depth) in points {
                    let distance = position.distance(cursor);
                    if distance <= EXACT_HIT_PX && exact.is_none_or(|(_, d)| depth < d) {
                        exact = Some((row, depth));
                    }
                    if distance <= hit_px && front.is_none_or(|(_, d)| depth < d) {
                        front = Some((row, depth));
                    }
                    if distance <= radius_px && nearest.is_none_or(|(_, d)| distance < d) {
                        nearest = Some((row, distance));
                    }
                }
            }
        }
        exact.or(front).or(nearest).map(|(row, _)| row)
    }
}

/// Keeps [`ScreenProjection`] current.
pub struct ScreenPlugin;

impl Plugin for ScreenPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<ScreenProjection>().add_systems(
            PostUpdate,
            update_projection.after(bevy::transform::TransformSystems::Propagate),
        );
    }
}

fn update_projection(
    camera: Single<(&Camera, &GlobalTransform), With<MainCamera>>,
    mut screen: ResMut<ScreenProjection>,
) {
    let (camera, camera_transform) = *camera;
    let Some(viewport) = camera.logical_viewport_rect() else {
        return;
    };
    let next = ScreenProjection {
        clip_from_world: camera.clip_from_view() * camera_transform.to_matrix().inverse(),
        viewport,
    };
    screen.set_if_neq(next);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_front_most_point_under_the_cursor_wins() {
        let grid = ScreenGrid::build([
            (0, Vec2::new(100.0, 100.0), 0.8),
            (1, Vec2::new(101.0, 100.0), 0.2), // in front, under the cursor
            (2, Vec2::new(104.0, 100.0), 0.1), // in front too, but 4 px away
            (3, Vec2::new(400.0, 400.0), 0.0),
        ]);
        assert_eq!(grid.pick(Vec2::new(100.5, 100.0), 3.0, 12.0), Some(1));
        // Nothing within the hit radius: the nearest within the pick radius.
        assert_eq!(grid.pick(Vec2::new(110.0, 100.0), 3.0, 12.0), Some(2));
        assert_eq!(grid.pick(Vec2::new(250.0, 250.0), 3.0, 12.0), None);
        // Across a cell border.
        assert_eq!(grid.pick(Vec2::new(398.0, 401.0), 3.0, 12.0), Some(3));
        // Right on a point's centre, it wins over one in front 2.5 px away.
        assert_eq!(grid.pick(Vec2::new(101.5, 100.0), 3.0, 12.0), Some(1));
        assert_eq!(grid.pick(Vec2::new(103.6, 100.0), 3.0, 12.0), Some(2));
        let clump = ScreenGrid::build([
            (7, Vec2::new(50.0, 50.0), 0.9),
            (8, Vec2::new(52.5, 50.0), 0.1),
        ]);
        assert_eq!(
            clump.pick(Vec2::new(50.0, 50.0), 4.0, 12.0),
            Some(7),
            "the centre wins"
        );
        assert_eq!(
            clump.pick(Vec2::new(51.8, 50.0), 4.0, 12.0),
            Some(8),
            "else the front-most"
        );
    }

    #[test]
    fn projection_maps_the_view_centre_to_the_viewport_centre() {
        let screen = ScreenProjection {
            clip_from_world: Mat4::IDENTITY,
            viewport: Rect::new(100.0, 0.0, 500.0, 200.0),
        };
        let (position, _) = screen.project(Vec3::new(0.0, 0.0, 0.5)).unwrap();
        assert_eq!(position, Vec2::new(300.0, 100.0));
        assert!(screen.project(Vec3::new(2.0, 0.0, 0.5)).is_none());
    }
}
