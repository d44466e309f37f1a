//! The orbit camera: left drag orbits, right or middle drag pans, the wheel zooms (over the 3D
//! view only), a double click focuses a word. Until the user moves the camera it auto-fits the cloud and every word
//! that must be seen ([`crate::viewer::render::framing`]), so the view follows the cloud as it grows out of the
//! tiny random init; a new projection, lens or axes, or *Reset view*, fits it again, and a
//! selection off screen brings the camera to it. A flat layout as given (a table's x and y) is
//! turned to face the camera.

use bevy::ecs::system::SystemParam;
use bevy::input::mouse::{AccumulatedMouseMotion, AccumulatedMouseScroll, MouseScrollUnit};
use bevy::prelude::*;
use bevy_egui::input::EguiWantsInput;

use crate::viewer::core::display_settings::DisplaySettings;
use crate::viewer::core::model::SpaceModel;
use crate::viewer::core::playback::DisplayedCloud;
use crate::viewer::core::selection::Selection;
use crate::viewer::render::framing::{fit_sphere, framing_sphere};

/// Marks the 3D camera.
#[derive(Component)]
pub struct MainCamera;

/// Orbit state: the camera looks at `focus` from `radius` away at `yaw`/`pitch` (radians).
#[derive(Component, Debug, Clone, PartialEq)]
pub struct OrbitCamera {
    pub focus: Vec3,
    pub radius: f32,
    pub yaw: f32,
    pub pitch: f32,
    /// Keep framing the whole cloud until the user takes over.
    pub auto_fit: bool,
}

impl Default for OrbitCamera {
    fn default() -> Self {
        Self {
            focus: Vec3::ZERO,
            radius: 40.0,
            yaw: 0.6,
            pitch: 0.35,
            auto_fit: true,
        }
    }
}

impl OrbitCamera {
    /// The camera's transform in the world (`world_from_camera`).
    pub fn world_from_camera(&self) -> Transform {
        let rotation = Quat::from_euler(EulerRot::YXZ, self.yaw, -self.pitch, 0.0);
        let position = self.focus + rotation * Vec3::new(0.0, 0.0, self.radius);
        Transform::from_translation(position).looking_at(self.focus, Vec3::Y)
    }
}

/// Ask the camera to centre on a word (by row).
#[derive(Message, Debug, Clone, Copy, PartialEq, Eq)]
pub struct FocusWord(pub usize);

/// Ask the camera to frame these words (by row) and nothing else: a tour step showing four
/// words of an analogy.
#[derive(Message, Debug, Clone, PartialEq, Eq)]
pub struct FrameWords(pub Vec<usize>);

/// Ask the camera to frame the whole cloud again.
#[derive(Message, Debug, Clone, Copy)]
pub struct ResetView;

pub struct OrbitCameraPlugin;

impl Plugin for OrbitCameraPlugin {
    fn build(&self, app: &mut App) {
        app.add_message::<ResetView>()
            .add_message::<FrameWords>()
            .add_systems(Startup, spawn_camera)
            .add_systems(
                Update,
                (orbit_input, focus_and_fit, apply_orbit)
                    .chain()
                    .in_set(crate::viewer::sets::ViewerSet::Draw),
            );
    }
}

fn spawn_camera(mut commands: Commands) {
    let orbit = OrbitCamera::default();
    commands.spawn((
        Camera3d::default(),
        // Software rasterisers pay 6-7x for MSAA; points are discs drawn by alpha mask anyway.
        Msaa::Off,
        orbit.world_from_camera(),
        orbit,
        MainCamera,
    ));
}

fn orbit_input(
    buttons: Res<ButtonInput<MouseButton>>,
    keys: Option<Res<ButtonInput<KeyCode>>>,
    motion: Res<AccumulatedMouseMotion>,
    scroll: Res<AccumulatedMouseScroll>,
    egui_input: Option<Res<EguiWantsInput>>,
    windows: Query<&Window, With<bevy::window::PrimaryWindow>>,
    mut cameras: Query<(&mut OrbitCamera, &Camera)>,
) {
    if egui_input.is_some_and(|e| e.wants_pointer_input() || e.is_pointer_over_area()) {
        return;
    }
    let Ok((mut orbit, camera)) = cameras.single_mut() else {
        return;
    };
    // The side panels are drawn inside egui's root area, which egui does not count as "over
    // an area": a wheel turned over a panel scrolls the panel, and must not zoom the view too.
    let cursor_in_view = match (
        windows.single().ok().and_then(Window::cursor_position),
        camera.logical_viewport_rect(),
    ) {
        (Some(cursor), Some(view)) => view.contains(cursor),
        _ => true,
    };
    let delta = motion.delta;
    // Shift + left drag draws a selection box instead (`box_select`).
    let shift = keys.is_some_and(|k| k.any_pressed([KeyCode::ShiftLeft, KeyCode::ShiftRight]));
    if buttons.pressed(MouseButton::Left) && !shift && delta != Vec2::ZERO {
        orbit.yaw -= delta.x * 0.008;
        orbit.pitch = (orbit.pitch + delta.y * 0.008).clamp(-1.5, 1.5);
        orbit.auto_fit = false;
    }
    if (buttons.pressed(MouseButton::Right) || buttons.pressed(MouseButton::Middle))
        && delta != Vec2::ZERO
    {
        let frame = orbit.world_from_camera();
        let scale = orbit.radius * 0.0015;
        let pan = (frame.left() * delta.x + frame.up() * delta.y) * scale;
        orbit.focus += pan;
        orbit.auto_fit = false;
    }
    let lines = match scroll.unit {
        MouseScrollUnit::Line => scroll.delta.y,
        MouseScrollUnit::Pixel => scroll.delta.y / 40.0,
    };
    if lines != 0.0 && cursor_in_view {
        orbit.radius = (orbit.radius * 0.9_f32.powf(lines)).clamp(0.5, 5_000.0);
        orbit.auto_fit = false;
    }
}

/// Distance from the framed sphere's centre, in radii, at which a sphere fills the vertical
/// field of view (45°) with a small margin.
const FIT_DISTANCE_RADII: f32 = 2.8;

/// What the camera framed last: a new projection, lens or axes, or a new selection, frames
/// the view again.
#[derive(Default)]
struct FramingInputs {
    settings: Option<crate::viewer::core::model::ModelSettings>,
    selected: Option<usize>,
}

/// What framing reads: the cloud at the playhead and what must be seen in it.
#[derive(SystemParam)]
struct FramingSources<'w> {
    model: Res<'w, SpaceModel>,
    cloud: Res<'w, DisplayedCloud>,
    settings: Res<'w, DisplaySettings>,
    selection: Res<'w, Selection>,
}

fn focus_and_fit(
    mut focus: MessageReader<FocusWord>,
    mut reset: MessageReader<ResetView>,
    mut frame_words: MessageReader<FrameWords>,
    sources: FramingSources,
    mut last: Local<FramingInputs>,
    mut cameras: Query<(&mut OrbitCamera, &Camera, &GlobalTransform)>,
) {
    let FramingSources {
        model,
        cloud,
        settings,
        selection,
    } = sources;
    let Ok((mut orbit, camera, camera_transform)) = cameras.single_mut() else {
        return;
    };
    // The field of view is vertical: a viewport narrower than tall needs more distance.
    let narrowness = camera
        .logical_viewport_size()
        .map_or(1.0, |size| (size.y / size.x.max(1.0)).max(1.0));
    for FocusWord(row) in focus.read() {
        if let Some(position) = cloud.position(&model, *row) {
            orbit.focus = position;
            orbit.radius = (orbit.radius * 0.5).max(2.0);
            orbit.auto_fit = false;
        }
    }
    if reset.read().count() > 0 {
        orbit.auto_fit = true;
    }
    for FrameWords(rows) in frame_words.read() {
        let points: Vec<Vec3> = rows
            .iter()
            .filter_map(|r| cloud.position(&model, *r))
            .collect();
        if frame_points(&mut orbit, &points, narrowness) {
            orbit.auto_fit = false;
        }
    }
    // A new projection (method, lens, axes) puts every word elsewhere: frame it again. A flat
    // layout as given (x, y only) is seen face on, x to the right and y up.
    if last.settings.as_ref() != Some(&model.settings) {
        if last.settings.is_some() {
            orbit.auto_fit = true;
        }
        last.settings = Some(model.settings.clone());
        if faces_flat_layout(&model) {
            orbit.yaw = 0.0;
            orbit.pitch = 0.0;
        }
    }
    // A word selected (by a click or a search) while the user steers the camera: bring it
    // and its neighbours into view if any of them is off screen.
    if selection.row != last.selected && !selection.neighbors.is_empty() {
        last.selected = selection.row;
        if !orbit.auto_fit {
            let rows = selection
                .row
                .into_iter()
                .chain(selection.neighbors.iter().map(|n| n.row));
            let points: Vec<Vec3> = rows.filter_map(|r| cloud.position(&model, r)).collect();
            if points
                .iter()
                .any(|p| !in_view(camera, camera_transform, *p))
            {
                frame_points(&mut orbit, &points, narrowness);
            }
        }
    } else if selection.row.is_none() {
        last.selected = None;
    }
    if !orbit.auto_fit {
        return;
    }
    let Some((centre, radius)) = framing_sphere(&model, &cloud, &settings, &selection) else {
        return;
    };
    // Ease rather than snap, so growth reads as growth; stop once there, so an idle frame
    // leaves the camera (and everything projected through it) untouched.
    let target_radius = (radius * FIT_DISTANCE_RADII * narrowness).max(1.0);
    let far = orbit.focus.distance(centre) > target_radius * 1e-4
        || (orbit.radius - target_radius).abs() > target_radius * 1e-4;
    if far {
        orbit.focus = orbit.focus.lerp(centre, 0.2);
        orbit.radius += (target_radius - orbit.radius) * 0.2;
    }
}

/// Whether the projection is a flat layout as given (no lens or axes overriding it).
fn faces_flat_layout(model: &SpaceModel) -> bool {
    model.settings.method == crate::space::ProjectionMethod::Given
        && model.settings.lens.is_none()
        && model.settings.axes.is_none()
        && model.given.as_ref().is_some_and(|given| given.flat)
}

/// Whether a world point is in front of the camera and inside its viewport.
fn in_view(camera: &Camera, camera_transform: &GlobalTransform, point: Vec3) -> bool {
    camera
        .world_to_ndc(camera_transform, point)
        .is_some_and(|ndc: Vec3| ndc.x.abs() <= 1.0 && ndc.y.abs() <= 1.0 && ndc.z > 0.0)
}

/// Points the camera at the smallest sphere holding `points`; false when there are none.
fn frame_points(orbit: &mut OrbitCamera, points: &[Vec3], narrowness: f32) -> bool {
    let Some(first) = points.first() else {
        return false;
    };
    let (centre, radius) = fit_sphere((*first, 0.0), points);
    orbit.focus = centre;
    orbit.radius = (radius * FIT_DISTANCE_RADII * narrowness).max(1.0);
    true
}

fn apply_orbit(mut cameras: Query<(&OrbitCamera, &mut Transform), Changed<OrbitCamera>>) {
    for (orbit, mut transform) in &mut cameras {
        *transform = orbit.world_from_camera();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camera_looks_at_focus() {
        let orbit = OrbitCamera {
            focus: Vec3::new(1.0, 2.0, 3.0),
            ..default()
        };
        let t = orbit.world_from_camera();
        assert!((t.translation.distance(orbit.focus) - orbit.radius).abs() < 1e-3);
        let looking = t.forward().dot((orbit.focus - t.translation).normalize());
        assert!(looking > 0.999);
    }
}
