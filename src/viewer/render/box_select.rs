//! Box selection in the 3D view: shift + left drag draws a rectangle, and the points drawn
//! inside it (hidden rows excepted) become the box selection of [`ColumnView`]. Scripts send
//! [`SelectBox`] with the rectangle directly. The rectangle being dragged is kept in
//! [`BoxDrag`] for the panels to draw.
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

/// The rectangle being dragged now, if any (window logical pixels).
#[derive(Resource, Debug, Clone, Copy, PartialEq, Default)]
pub struct BoxDrag {
    pub start: Option<Vec2>,
    pub current: Option<Vec2>,
}

impl BoxDrag {
    pub fn rect(&self) -> Option<Rect> {
        Some(Rect::from_corners(self.start?, self.current?))
    }
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
    mut boxes: MessageWriter<SelectBox>,
) {
    let cursor = window.cursor_position();
    let shift = keys.any_pressed([KeyCode::ShiftLeft, KeyCode::ShiftRight]);
    let over_egui = egui_input.is_some_and(|e| e.wants_pointer_input());
    if buttons.just_pressed(MouseButton::Left) && shift && !over_egui {
        drag.set_if_neq(BoxDrag {
            start: cursor,
            current: cursor,
        });
        return;
    }
    if drag.start.is_none() {
        return;
    }
    if buttons.just_released(MouseButton::Left) {
        if let Some(rect) = drag.rect()
            && rect.width().max(rect.height()) >= MIN_DRAG_PX
        {
            boxes.write(SelectBox(rect));
        }
        *drag = BoxDrag::default();
    } else if cursor.is_some() && drag.current != cursor {
        drag.current = cursor;
    }
}

fn select_in_box(
    mut boxes: MessageReader<SelectBox>,
    model: Res<SpaceModel>,
    cloud: Res<DisplayedCloud>,
    screen: Res<ScreenProjection>,
    look: Option<Res<ColumnLook>>,
    mut commands: MessageWriter<ColumnsCommand>,
) {
    for SelectBox(rect) in boxes.read() {
        let rows = rows_in_rect(&model, &cloud, &screen, look.as_deref(), *rect);
        commands.write(ColumnsCommand::Select(rows));
    }
}

/// The shown rows whose points are drawn inside `rect` (and inside the 3D view).
pub fn rows_in_rect(
    model: &SpaceModel,
    cloud: &DisplayedCloud,
    screen: &ScreenProjection,
    look: Option<&ColumnLook>,
    rect: Rect,
) -> Vec<usize> {
    (0..cloud.len)
        .filter(|&row| look.is_none_or(|l| l.is_visible(row)))
        .filter(|&row| {
            cloud
                .position(model, row)
                .and_then(|world| screen.project(world))
                .is_some_and(|(at, _)| rect.contains(at))
        })
        .collect()
}
