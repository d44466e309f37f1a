//! Where each point lands on screen this frame (window coordinates, logical pixels).
//!
//! Picking, labels and scripted clicks all need the same projection, so it is computed once per
//! frame here, with one clip-from-world matrix rather than a camera call per point.

use bevy::prelude::*;

use super::camera::MainCamera;
use super::playback::DisplayedCloud;

/// Screen position of every displayed point, `None` when behind the camera or off the viewport.
#[derive(Resource, Debug, Default, Clone)]
pub struct ScreenPoints {
    pub positions: Vec<Option<Vec2>>,
    /// Normalised depth (smaller is nearer), for picking the front-most point.
    pub depths: Vec<f32>,
    /// The 3D viewport in window coordinates.
    pub viewport: Rect,
}

impl ScreenPoints {
    /// The nearest visible point within `radius_px` of `cursor`, front-most on ties.
    pub fn pick(&self, cursor: Vec2, radius_px: f32) -> Option<usize> {
        let mut best: Option<(usize, f32)> = None;
        for (row, position) in self.positions.iter().enumerate() {
            let Some(position) = position else {
                continue;
            };
            let distance = position.distance(cursor);
            if distance > radius_px {
                continue;
            }
            // Prefer the closer-to-cursor point; within 2 px prefer the nearer-to-camera one.
            let depth = self.depths.get(row).copied().unwrap_or(0.0);
            let score = distance + depth * 2.0;
            if best.is_none_or(|(_, s)| score < s) {
                best = Some((row, score));
            }
        }
        best.map(|(row, _)| row)
    }
}

/// Computes [`ScreenPoints`] after the camera has moved.
pub struct ScreenPlugin;

impl Plugin for ScreenPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<ScreenPoints>().add_systems(
            PostUpdate,
            project_points.after(bevy::transform::TransformSystems::Propagate),
        );
    }
}

fn project_points(
    cloud: Res<DisplayedCloud>,
    camera: Single<(&Camera, &GlobalTransform), With<MainCamera>>,
    mut screen: ResMut<ScreenPoints>,
) {
    let (camera, camera_transform) = *camera;
    let Some(viewport) = camera.logical_viewport_rect() else {
        return;
    };
    let clip_from_world = camera.clip_from_view() * camera_transform.to_matrix().inverse();
    screen.viewport = viewport;
    screen.positions.clear();
    screen.depths.clear();
    for &world in &cloud.positions {
        let clip = clip_from_world * world.extend(1.0);
        if clip.w <= 0.0 {
            screen.positions.push(None);
            screen.depths.push(1.0);
            continue;
        }
        let ndc = clip.truncate() / clip.w;
        let x = viewport.min.x + (ndc.x + 1.0) * 0.5 * viewport.width();
        let y = viewport.min.y + (1.0 - ndc.y) * 0.5 * viewport.height();
        let on_screen = ndc.x.abs() <= 1.0 && ndc.y.abs() <= 1.0;
        screen.positions.push(on_screen.then_some(Vec2::new(x, y)));
        screen.depths.push(ndc.z);
    }
}
