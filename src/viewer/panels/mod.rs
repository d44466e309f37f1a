//! The egui panels, each a small struct with a `ui` method (egui demo style), laid out by one
//! system: controls on the left, the selected word and relations on the right, the timeline at
//! the bottom. What is left over is the 3D viewport, which the camera is told about so that
//! the cloud is centred in the visible area, and over which the labels are drawn.

pub mod analogy;
pub mod browser;
pub mod display;
pub mod files;
pub mod relations;
pub mod search;
pub mod timeline;
pub mod training;

use bevy::camera::visibility::RenderLayers;
use bevy::camera::{CameraOutputMode, Viewport};
use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy::render::render_resource::BlendState;
use bevy::window::PrimaryWindow;
use bevy_egui::{
    EguiContexts, EguiGlobalSettings, EguiPrimaryContextPass, PrimaryEguiContext, egui,
};

use super::bridge::{TrainCommand, TrainingRun};
use super::camera::{MainCamera, ResetView};
use super::labels::{LabelInputs, labels_ui};
use super::model::{ErrorLog, SpaceModel};
use super::playback::Playhead;
use super::scene::DisplaySettings;
use super::screen::ScreenPoints;
use super::selection::{SelectWord, Selection};
use analogy::AnalogyState;

/// UI-local state of every panel (text being typed, folds).
#[derive(Resource, Default)]
pub struct Panels {
    pub training: training::TrainingPanel,
    pub search: search::SearchPanel,
    pub analogy: analogy::AnalogyPanel,
    pub relations: relations::RelationsPanel,
    pub display: display::DisplayPanel,
    pub files: files::FilesPanel,
    pub timeline: timeline::TimelinePanel,
}

/// What the panels read and write, bundled so panel methods take one argument.
#[derive(SystemParam)]
pub struct PanelContext<'w> {
    pub model: ResMut<'w, SpaceModel>,
    pub run: Res<'w, TrainingRun>,
    pub playhead: ResMut<'w, Playhead>,
    pub selection: ResMut<'w, Selection>,
    pub settings: ResMut<'w, DisplaySettings>,
    pub analogy: ResMut<'w, AnalogyState>,
    pub errors: Res<'w, ErrorLog>,
    pub screen: Res<'w, ScreenPoints>,
    pub train_commands: MessageWriter<'w, TrainCommand>,
    pub select: MessageWriter<'w, SelectWord>,
    pub reset_view: MessageWriter<'w, ResetView>,
    pub exports: MessageWriter<'w, files::ExportRequest>,
    pub user_errors: MessageWriter<'w, super::model::UserError>,
}

pub struct PanelsPlugin;

impl Plugin for PanelsPlugin {
    fn build(&self, app: &mut App) {
        // egui gets a camera of its own: attached to the 3D camera it would be confined to the
        // 3D viewport, which is itself sized from the panels.
        if let Some(mut settings) = app.world_mut().get_resource_mut::<EguiGlobalSettings>() {
            settings.auto_create_primary_context = false;
        }
        app.add_systems(Startup, spawn_egui_camera);
        app.init_resource::<Panels>()
            .init_resource::<AnalogyState>()
            .add_plugins(files::FilesPlugin)
            .add_systems(EguiPrimaryContextPass, panels_system);
    }
}

fn panels_system(
    mut contexts: EguiContexts,
    mut panels: ResMut<Panels>,
    mut cx: PanelContext,
    window: Single<&Window, With<PrimaryWindow>>,
    mut camera: Single<&mut Camera, With<MainCamera>>,
) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    let mut root = egui::Ui::new(
        ctx.clone(),
        "embedscape-root".into(),
        egui::UiBuilder::new()
            .layer_id(egui::LayerId::background())
            .max_rect(ctx.viewport_rect()),
    );
    let panels = &mut *panels;
    let left = egui::Panel::left("controls")
        .default_size(300.0)
        .resizable(true)
        .show(&mut root, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                ui.heading("embedscape");
                egui::CollapsingHeader::new("Training")
                    .default_open(true)
                    .show(ui, |ui| panels.training.ui(ui, &mut cx));
                egui::CollapsingHeader::new("Display")
                    .default_open(true)
                    .show(ui, |ui| panels.display.ui(ui, &mut cx));
                egui::CollapsingHeader::new("Open / export")
                    .default_open(false)
                    .show(ui, |ui| panels.files.ui(ui, &mut cx));
            });
        })
        .response
        .rect
        .width();
    let right = egui::Panel::right("inspector")
        .default_size(300.0)
        .resizable(true)
        .show(&mut root, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                egui::CollapsingHeader::new("Word")
                    .default_open(true)
                    .show(ui, |ui| panels.search.ui(ui, &mut cx));
                egui::CollapsingHeader::new("Relations")
                    .default_open(true)
                    .show(ui, |ui| panels.relations.ui(ui, &mut cx));
                egui::CollapsingHeader::new("Analogy")
                    .default_open(true)
                    .show(ui, |ui| panels.analogy.ui(ui, &mut cx));
            });
        })
        .response
        .rect
        .width();
    let bottom = egui::Panel::bottom("timeline")
        .resizable(false)
        .show(&mut root, |ui| panels.timeline.ui(ui, &mut cx))
        .response
        .rect
        .height();

    set_viewport(&mut camera, &window, left, right, bottom);
    labels_ui(
        &ctx,
        &LabelInputs {
            model: &cx.model,
            screen: &cx.screen,
            selection: &cx.selection,
            settings: &cx.settings,
            analogy: &cx.analogy,
        },
    );
    Ok(())
}

/// A camera that renders nothing but egui, over the whole window, after the 3D camera.
fn spawn_egui_camera(mut commands: Commands) {
    commands.spawn((
        PrimaryEguiContext,
        Camera2d,
        RenderLayers::none(),
        Msaa::Off,
        Camera {
            order: 1,
            output_mode: CameraOutputMode::Write {
                blend_state: Some(BlendState::ALPHA_BLENDING),
                clear_color: ClearColorConfig::None,
            },
            clear_color: ClearColorConfig::Custom(Color::NONE),
            ..default()
        },
    ));
}

/// Restricts the 3D camera to the area the panels leave free.
fn set_viewport(camera: &mut Camera, window: &Window, left: f32, right: f32, bottom: f32) {
    let scale = window.scale_factor();
    let width = window.physical_width();
    let height = window.physical_height();
    let x = (left * scale) as u32;
    let used_x = x + (right * scale) as u32;
    let used_y = (bottom * scale) as u32;
    if used_x + 16 >= width || used_y + 16 >= height {
        return;
    }
    camera.viewport = Some(Viewport {
        physical_position: UVec2::new(x, 0),
        physical_size: UVec2::new(width - used_x, height - used_y),
        ..default()
    });
}

/// A word chip that selects the word when clicked.
pub fn word_button(ui: &mut egui::Ui, word: &str, selected: bool) -> bool {
    ui.selectable_label(selected, word).clicked()
}
