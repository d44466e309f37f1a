//! Lasso and box selection in the 3D view: shift + left drag draws a lasso (a free-form
//! outline), and the points drawn inside it (hidden rows excepted) become the selection of
//! [`ColumnView`]. Scripts send [`SelectBox`] with a rectangle. The outline being dragged is
//! kept in [`BoxDrag`] for the panels to draw.
//!
//! [`ColumnView`]: crate::viewer::core::columns::ColumnView

use bevy::prelude::*;
use bevy::window::PrimaryWindow;
use bevy_egui::input::EguiWantsInput;

use crate::viewer::core::columns::{ColumnLook, ColumnsCommand};
use crate::viewer::core::model::SpaceModel;
use crate::viewer::core::playback::DisplayedCloud;
use crate::viewer::render::screen::ScreenProjection;

/// A drag shorter than this (logical pixels) selects nothing.
const MIN_DRAG_PX: f32 = 4.0;

/// Select the points drawn inside this window rectangle (logical pixels).
#[derive(Message, Debug, Clone, Copy, PartialEq)]
pub struct SelectBox(pub Rect);

/// Select the points drawn inside this outline (window logical pixels, closed implicitly).
#[derive(Message, Debug, Clone, PartialEq)]
pub struct SelectLasso(pub Vec<Vec2>);

/// A new lasso point once the cursor has moved this far from the last one (logical pixels).
const LASSO_STEP_PX: f32 = 3.0;

/// The lasso being dragged now (window logical pixels); empty when none.
#[derive(Resource, Debug, Clone, PartialEq, Default)]
pub struct BoxDrag {
    pub path: Vec<Vec2>,
}

impl BoxDrag {
    /// The outline's bounding rectangle.
    pub fn rect(&self) -> Option<Rect> {
        let first = *self.path.first()?;
        Some(
            self.path
                .iter()
                .fold(Rect::from_corners(first, first), |r, p| r.union_point(*p)),
        )
    }
}

/// Whether `point` lies inside the closed polygon `outline` (even-odd rule).
pub fn inside_outline(outline: &[Vec2], point: Vec2) -> bool {
    let mut inside = false;
    let mut j = outline.len().wrapping_sub(1);
    for (i, a) in outline.iter().enumerate() {
        let b = outline[j];
        if (a.y > point.y) != (b.y > point.y)
            && point.x < (b.x - a.x) * (point.y - a.y) / (b.y - a.y) + a.x
        {
            inside = !inside;
        }
        j = i;
    }
    inside
}

/// Shift-drag and [`SelectBox`] → a box selection.
pub struct BoxSelectPlugin;

impl Plugin for BoxSelectPlugin {
    fn build(&self, app: &mut App) {
        app.add_plugins(BoxSelectLogicPlugin).add_systems(
            Update,
            drag_box
                .in_set(crate::viewer::sets::ViewerSet::Input)
                .before(select_in_box),
        );
    }
}

/// [`SelectBox`] → a box selection (no window needed).
pub struct BoxSelectLogicPlugin;

impl Plugin for BoxSelectLogicPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<BoxDrag>()
            .add_message::<SelectBox>()
            .add_message::<SelectLasso>()
            .add_systems(
                Update,
                select_in_box.in_set(crate::viewer::sets::ViewerSet::Input),
            );
    }
}

fn drag_box(
    buttons: Res<ButtonInput<MouseButton>>,
    keys: Res<ButtonInput<KeyCode>>,
    window: Single<&Window, With<PrimaryWindow>>,
    egui_input: Option<Res<EguiWantsInput>>,
    mut drag: ResMut<BoxDrag>,
    mut lassos: MessageWriter<SelectLasso>,
) {
    let cursor = window.cursor_position();
    let shift = keys.any_pressed([KeyCode::ShiftLeft, KeyCode::ShiftRight]);
    let over_egui = egui_input.is_some_and(|e| e.wants_pointer_input());
    if buttons.just_pressed(MouseButton::Left) && shift && !over_egui {
        if let Some(at) = cursor {
            drag.path = vec![at];
        }
        return;
    }
    if drag.path.is_empty() {
        return;
    }
    if buttons.just_released(MouseButton::Left) {
        if drag.path.len() >= 3
            && let Some(rect) = drag.rect()
            && rect.width().max(rect.height()) >= MIN_DRAG_PX
        {
            lassos.write(SelectLasso(drag.path.clone()));
        }
        drag.path.clear();
    } else if let Some(at) = cursor
        && drag
            .path
            .last()
            .is_some_and(|last| last.distance(at) >= LASSO_STEP_PX)
    {
        drag.path.push(at);
    }
}

fn select_in_box(
    mut boxes: MessageReader<SelectBox>,
    mut lassos: MessageReader<SelectLasso>,
    model: Res<SpaceModel>,
    cloud: Res<DisplayedCloud>,
    screen: Res<ScreenProjection>,
    look: Option<Res<ColumnLook>>,
    mut commands: MessageWriter<ColumnsCommand>,
) {
    for SelectBox(rect) in boxes.read() {
        let rows = rows_inside(&model, &cloud, &screen, look.as_deref(), |at| {
            rect.contains(at)
        });
        commands.write(ColumnsCommand::Select(rows));
    }
    for SelectLasso(outline) in lassos.read() {
        let Some(bounds) = (BoxDrag {
            path: outline.clone(),
        })
        .rect() else {
            continue;
        };
        let rows = rows_inside(&model, &cloud, &screen, look.as_deref(), |at| {
            bounds.contains(at) && inside_outline(outline, at)
        });
        commands.write(ColumnsCommand::Select(rows));
    }
}

/// The shown rows whose points are drawn (inside the 3D view) where `inside` says.
pub fn rows_inside(
    model: &SpaceModel,
    cloud: &DisplayedCloud,
    screen: &ScreenProjection,
    look: Option<&ColumnLook>,
    inside: impl Fn(Vec2) -> bool,
) -> Vec<usize> {
    (0..cloud.len)
        .filter(|&row| look.is_none_or(|l| l.is_visible(row)))
        .filter(|&row| {
            cloud
                .position(model, row)
                .and_then(|world| screen.project(world))
                .is_some_and(|(at, _)| inside(at))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lasso_holds_what_its_outline_surrounds() {
        // An L shape: the notch is outside.
        let outline = [
            Vec2::new(0.0, 0.0),
            Vec2::new(10.0, 0.0),
            Vec2::new(10.0, 4.0),
            Vec2::new(4.0, 4.0),
            Vec2::new(4.0, 10.0),
            Vec2::new(0.0, 10.0),
        ];
        assert!(inside_outline(&outline, Vec2::new(2.0, 2.0)));
        assert!(inside_outline(&outline, Vec2::new(8.0, 2.0)));
        assert!(inside_outline(&outline, Vec2::new(2.0, 8.0)));
        assert!(!inside_outline(&outline, Vec2::new(8.0, 8.0)));
        assert!(!inside_outline(&outline, Vec2::new(-1.0, 2.0)));
        assert!(!inside_outline(&[], Vec2::ZERO));
    }
}
