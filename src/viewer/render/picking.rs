//! Clicking a point selects its word.
//!
//! Two halves: [`PickingPlugin`] turns real mouse input (press and release without a drag,
//! outside egui) into [`PointerClick`] messages; [`PickingLogicPlugin`] turns clicks into
//! selections with a [`ScreenGrid`] of the projected points, rebuilt only when a click comes
//! after the camera or the cloud moved. Headless tests drive the second half directly.

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy::window::PrimaryWindow;
use bevy_egui::input::EguiWantsInput;

use crate::viewer::core::model::SpaceModel;
use crate::viewer::core::playback::DisplayedCloud;
use crate::viewer::core::selection::SelectWord;
use crate::viewer::render::camera::FocusWord;
use crate::viewer::render::points::PointStyles;
use crate::viewer::render::screen::{ScreenGrid, ScreenProjection};

/// A click at a window position (logical pixels).
#[derive(Message, Debug, Clone, Copy, PartialEq)]
pub struct PointerClick {
    pub position: Vec2,
    pub double: bool,
}

/// How close (logical pixels) a click must land to a point to pick it.
pub const PICK_RADIUS_PX: f32 = 12.0;
/// A click this close to a point is on it: the front-most such point wins.
pub const HIT_RADIUS_PX: f32 = 4.0;
/// A press and release farther apart than this is a drag (camera), not a click.
const CLICK_SLOP_PX: f32 = 4.0;
const DOUBLE_CLICK_SECS: f64 = 0.4;

/// Clicks → selection (no window needed).
pub struct PickingLogicPlugin;

impl Plugin for PickingLogicPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<ScreenProjection>()
            .add_message::<PointerClick>()
            .add_message::<FocusWord>()
            .add_systems(
                Update,
                pick_on_click.in_set(crate::viewer::sets::ViewerSet::Input),
            );
    }
}

/// The point under the resting cursor (for the hover tooltip), `None` over nothing.
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct Hovered {
    pub row: Option<usize>,
}

/// Mouse → clicks, plus [`PickingLogicPlugin`].
pub struct PickingPlugin;

impl Plugin for PickingPlugin {
    fn build(&self, app: &mut App) {
        app.add_plugins(PickingLogicPlugin)
            .init_resource::<PressState>()
            .init_resource::<Hovered>()
            .add_systems(
                Update,
                (
                    detect_clicks
                        .in_set(crate::viewer::sets::ViewerSet::Input)
                        .before(pick_on_click),
                    hover_pick.in_set(crate::viewer::sets::ViewerSet::Derive),
                ),
            );
    }
}

#[derive(Resource, Default)]
struct PressState {
    pressed_at: Option<Vec2>,
    last_click_secs: Option<f64>,
}

fn detect_clicks(
    buttons: Res<ButtonInput<MouseButton>>,
    window: Single<&Window, With<PrimaryWindow>>,
    egui_input: Option<Res<EguiWantsInput>>,
    time: Res<Time<Real>>,
    mut state: ResMut<PressState>,
    mut clicks: MessageWriter<PointerClick>,
) {
    let cursor = window.cursor_position();
    let over_egui = egui_input.is_some_and(|e| e.wants_pointer_input());
    if buttons.just_pressed(MouseButton::Left) {
        state.pressed_at = if over_egui { None } else { cursor };
    }
    if buttons.just_released(MouseButton::Left) {
        let (Some(start), Some(end)) = (state.pressed_at.take(), cursor) else {
            return;
        };
        if start.distance(end) > CLICK_SLOP_PX {
            return;
        }
        let now = time.elapsed_secs_f64();
        let double = state
            .last_click_secs
            .is_some_and(|t| now - t < DOUBLE_CLICK_SECS);
        state.last_click_secs = Some(now);
        clicks.write(PointerClick {
            position: end,
            double,
        });
    }
}

/// Finds the point under the cursor when the cursor has moved (not while a button is held:
/// a drag turns the camera, and rebuilding the grid every frame of it would cost a scan).
fn hover_pick(
    window: Single<&Window, With<PrimaryWindow>>,
    buttons: Res<ButtonInput<MouseButton>>,
    egui_input: Option<Res<EguiWantsInput>>,
    sources: PickSources,
    mut cache: Local<GridCache>,
    mut last_cursor: Local<Option<Vec2>>,
    mut hovered: ResMut<Hovered>,
) {
    let cursor = window.cursor_position();
    if cursor == *last_cursor || buttons.get_pressed().next().is_some() {
        return;
    }
    *last_cursor = cursor;
    let over_egui = egui_input.is_some_and(|e| e.is_pointer_over_area());
    let row = match cursor {
        Some(at) if !over_egui && sources.screen.viewport.contains(at) => cache
            .grid_for(&sources)
            .pick(at, HIT_RADIUS_PX, HIT_RADIUS_PX),
        _ => None,
    };
    hovered.set_if_neq(Hovered { row });
}

/// A window position where both a click and a hover pick `row` (a person aims at the visible
/// part of a disc): its centre, else the nearest spot around it not covered by a point drawn
/// in front. `None` when the point is off screen or wholly covered.
pub fn spot_that_picks(
    model: &SpaceModel,
    cloud: &DisplayedCloud,
    screen: &ScreenProjection,
    styles: &[[u8; 4]],
    row: usize,
) -> Option<Vec2> {
    let (centre, _) = screen.project(cloud.position(model, row)?)?;
    let grid = ScreenGrid::of_cloud(model, cloud, screen, styles);
    spot_in_grid(&grid, centre, row)
}

/// Tries the centre, then rings of 1 to 4 px in 16 directions.
fn spot_in_grid(grid: &ScreenGrid, centre: Vec2, row: usize) -> Option<Vec2> {
    let picks_row = |at: Vec2| {
        grid.pick(at, HIT_RADIUS_PX, PICK_RADIUS_PX) == Some(row)
            && grid.pick(at, HIT_RADIUS_PX, HIT_RADIUS_PX) == Some(row)
    };
    let rings = (1..=4).flat_map(|radius_px| {
        (0..16).map(move |i| {
            let angle = i as f32 * std::f32::consts::TAU / 16.0;
            centre + Vec2::from_angle(angle) * radius_px as f32
        })
    });
    std::iter::once(centre)
        .chain(rings)
        .find(|&at| picks_row(at))
}

/// The grid and the inputs it was built from.
#[derive(Default)]
struct GridCache {
    key: Option<(u64, u32, Mat4, Rect, u64)>,
    grid: ScreenGrid,
}

impl GridCache {
    /// The grid of the cloud as drawn now, rebuilt only when the camera or the cloud moved.
    fn grid_for(&mut self, sources: &PickSources) -> &ScreenGrid {
        let key = (
            sources.cloud.generation,
            sources.cloud.t.to_bits(),
            sources.screen.clip_from_world,
            sources.screen.viewport,
            sources.styles.as_ref().map_or(0, |s| s.generation),
        );
        if self.key != Some(key) {
            let styles = sources.styles.as_ref().map_or(&[][..], |s| &s.styles[..]);
            self.grid =
                ScreenGrid::of_cloud(&sources.model, &sources.cloud, &sources.screen, styles);
            self.key = Some(key);
        }
        &self.grid
    }
}

/// What a click is picked against: the cloud as drawn now.
#[derive(SystemParam)]
struct PickSources<'w> {
    model: Res<'w, SpaceModel>,
    cloud: Res<'w, DisplayedCloud>,
    screen: Res<'w, ScreenProjection>,
    styles: Option<Res<'w, PointStyles>>,
}

fn pick_on_click(
    mut clicks: MessageReader<PointerClick>,
    sources: PickSources,
    mut cache: Local<GridCache>,
    mut select: MessageWriter<SelectWord>,
    mut focus: MessageWriter<FocusWord>,
) {
    for click in clicks.read() {
        if !sources.screen.viewport.contains(click.position)
            && sources.screen.viewport.width() > 0.0
        {
            continue;
        }
        let picked = cache
            .grid_for(&sources)
            .pick(click.position, HIT_RADIUS_PX, PICK_RADIUS_PX);
        select.write(SelectWord(picked));
        if let (Some(row), true) = (picked, click.double) {
            focus.write(FocusWord(row));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spot_beside_a_nearer_overlapping_point_picks_the_one_behind() {
        // Row 1 is drawn in front, 1 px from row 0's centre: the centre picks row 1, a spot on
        // row 0's far side picks row 0; a point wholly under another has no spot.
        let grid = ScreenGrid::build([
            (0, Vec2::new(100.0, 100.0), 0.5),
            (1, Vec2::new(101.0, 100.0), 0.1),
        ]);
        assert_eq!(
            grid.pick(Vec2::new(100.0, 100.0), HIT_RADIUS_PX, PICK_RADIUS_PX),
            Some(1)
        );
        let spot = spot_in_grid(&grid, Vec2::new(100.0, 100.0), 0).unwrap();
        assert_eq!(grid.pick(spot, HIT_RADIUS_PX, PICK_RADIUS_PX), Some(0));
        assert!(spot.x < 100.0, "{spot}");
        let hidden = ScreenGrid::build([
            (0, Vec2::new(100.0, 100.0), 0.5),
            (1, Vec2::new(100.0, 100.0), 0.1),
        ]);
        assert_eq!(spot_in_grid(&hidden, Vec2::new(100.0, 100.0), 0), None);
    }
}
