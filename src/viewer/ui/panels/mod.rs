//! The egui panels, each a small struct with a `ui` method (egui demo style), laid out by one
//! system: controls on the left, the selected word and relations on the right, the timeline at
//! the bottom. What is left over is the 3D viewport, which the camera is told about so that
//! the cloud is centred in the visible area, and over which the labels are drawn.

pub mod analogy;
pub mod columns;
pub mod display;
pub mod files;
pub mod relations;
pub mod search;
pub mod timeline;
pub mod tour;
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

use crate::viewer::core::analogy::AnalogyState;
use crate::viewer::core::analysis::AnalysisStatus;
use crate::viewer::core::bridge::{OpenCommand, RunCommand, TrainingRun};
use crate::viewer::core::compare::{Comparison, ShowRun, StartComparison};
use crate::viewer::core::display_settings::DisplaySettings;
use crate::viewer::core::model::{ErrorLog, ModelRequest, SpaceModel};
use crate::viewer::core::playback::{DisplayedCloud, Playhead};
use crate::viewer::core::selection::{SelectWord, Selection};
use crate::viewer::render::camera::{FrameWords, MainCamera, OrbitCamera, ResetView};
use crate::viewer::render::labels::{LabelInputs, labels_ui};
use crate::viewer::render::screen::ScreenProjection;
use crate::viewer::ui::i18n::Lang;

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
    pub tour: tour::TourPanel,
}

/// The messages panels send.
#[derive(SystemParam)]
pub struct PanelMessages<'w> {
    pub run_commands: MessageWriter<'w, RunCommand>,
    pub open_commands: MessageWriter<'w, OpenCommand>,
    pub model_requests: MessageWriter<'w, ModelRequest>,
    pub select: MessageWriter<'w, SelectWord>,
    pub reset_view: MessageWriter<'w, ResetView>,
    pub frame_words: MessageWriter<'w, FrameWords>,
    pub exports: MessageWriter<'w, files::ExportRequest>,
    pub user_errors: MessageWriter<'w, crate::viewer::core::model::UserError>,
    pub show_run: MessageWriter<'w, ShowRun>,
    pub start_comparison: MessageWriter<'w, StartComparison>,
}

/// What the panels read and write, bundled so panel methods take one argument. Shared state
/// is read through references; what panels may edit is a local copy, written back only when it
/// changed, so an idle frame changes nothing (and nothing downstream is rebuilt).
pub struct PanelContext<'a, 'w> {
    pub model: &'a SpaceModel,
    pub run: &'a TrainingRun,
    pub errors: &'a ErrorLog,
    pub analysis: &'a AnalysisStatus,
    pub comparison: &'a Comparison,
    pub recording: &'a crate::viewer::automation::recording::RecordingStatus,
    pub playhead: Playhead,
    pub selection: Selection,
    pub settings: DisplaySettings,
    pub analogy: AnalogyState,
    pub lang: Lang,
    pub run_commands: &'a mut MessageWriter<'w, RunCommand>,
    pub open_commands: &'a mut MessageWriter<'w, OpenCommand>,
    pub model_requests: &'a mut MessageWriter<'w, ModelRequest>,
    pub select: &'a mut MessageWriter<'w, SelectWord>,
    pub reset_view: &'a mut MessageWriter<'w, ResetView>,
    pub frame_words: &'a mut MessageWriter<'w, FrameWords>,
    pub exports: &'a mut MessageWriter<'w, files::ExportRequest>,
    pub user_errors: &'a mut MessageWriter<'w, crate::viewer::core::model::UserError>,
    pub show_run: &'a mut MessageWriter<'w, ShowRun>,
    pub start_comparison: &'a mut MessageWriter<'w, StartComparison>,
    /// Widgets drawn this frame that a script can press by label.
    pub pressables: &'a mut Vec<(String, egui::Rect)>,
}

impl PanelContext<'_, '_> {
    /// Records a widget a script can press by its label (`press TEXT`), and passes it on.
    pub fn pressable(&mut self, label: &str, response: egui::Response) -> egui::Response {
        self.pressables.push((label.to_owned(), response.rect));
        response
    }
}

/// The widgets of the last frame a script can press: label and rectangle (logical pixels).
#[derive(Resource, Debug, Default)]
pub struct Pressables(pub Vec<(String, egui::Rect)>);

/// The shared state panels edit (through copies).
#[derive(SystemParam)]
pub struct EditableState<'w> {
    pub playhead: ResMut<'w, Playhead>,
    pub selection: ResMut<'w, Selection>,
    pub settings: ResMut<'w, DisplaySettings>,
    pub analogy: ResMut<'w, AnalogyState>,
    pub lang: ResMut<'w, Lang>,
}

/// The shared state panels and labels only read.
#[derive(SystemParam)]
pub struct ReadState<'w> {
    pub model: Res<'w, SpaceModel>,
    pub recording: Res<'w, crate::viewer::automation::recording::RecordingStatus>,
    pub run: Res<'w, TrainingRun>,
    pub errors: Res<'w, ErrorLog>,
    pub analysis: Res<'w, AnalysisStatus>,
    pub comparison: Res<'w, Comparison>,
    pub cloud: Res<'w, DisplayedCloud>,
    pub screen: Res<'w, ScreenProjection>,
    pub hovered: Option<Res<'w, crate::viewer::render::picking::Hovered>>,
    pub look: Option<Res<'w, crate::viewer::core::columns::ColumnLook>>,
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
            .init_resource::<Pressables>()
            .add_plugins(files::FilesPlugin)
            .add_plugins(columns::ColumnsPanelPlugin)
            .add_systems(
                EguiPrimaryContextPass,
                (
                    panels_system,
                    columns::columns_window_system.after(panels_system),
                ),
            );
    }
}

#[expect(
    clippy::too_many_arguments,
    reason = "a bevy system: each argument is one resource or message it uses"
)]
fn panels_system(
    mut contexts: EguiContexts,
    mut panels: ResMut<Panels>,
    read: ReadState,
    mut edit: EditableState,
    mut messages: PanelMessages,
    mut pressables: ResMut<Pressables>,
    window: Single<&Window, With<PrimaryWindow>>,
    mut camera: Single<&mut Camera, With<MainCamera>>,
    orbit: Single<&OrbitCamera>,
    hide_panels: Option<Res<crate::viewer::automation::recording::HidePanels>>,
) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    let mut pressed = Vec::new();
    let mut cx = PanelContext {
        model: &read.model,
        run: &read.run,
        errors: &read.errors,
        analysis: &read.analysis,
        comparison: &read.comparison,
        recording: &read.recording,
        playhead: edit.playhead.clone(),
        selection: edit.selection.clone(),
        settings: edit.settings.clone(),
        analogy: edit.analogy.clone(),
        lang: *edit.lang,
        run_commands: &mut messages.run_commands,
        open_commands: &mut messages.open_commands,
        model_requests: &mut messages.model_requests,
        select: &mut messages.select,
        reset_view: &mut messages.reset_view,
        frame_words: &mut messages.frame_words,
        exports: &mut messages.exports,
        user_errors: &mut messages.user_errors,
        show_run: &mut messages.show_run,
        start_comparison: &mut messages.start_comparison,
        pressables: &mut pressed,
    };
    let (left, right, bottom) = if hide_panels.is_some_and(|h| h.0) {
        (0.0, 0.0, 0.0)
    } else {
        layout_ui(&ctx, &mut panels, &mut cx)
    };
    let PanelContext {
        playhead,
        selection,
        settings,
        analogy,
        lang,
        ..
    } = cx;
    edit.playhead.set_if_neq(playhead);
    edit.selection.set_if_neq(selection);
    edit.settings.set_if_neq(settings);
    edit.analogy.set_if_neq(analogy);
    edit.lang.set_if_neq(lang);
    if pressables.0 != pressed {
        pressables.0 = pressed;
    }

    set_viewport(&mut camera, &window, left, right, bottom);
    let zoomed_out = read
        .cloud
        .bounds(&read.model)
        .is_some_and(|(_, radius)| orbit.radius > radius * 1.8);
    labels_ui(
        &ctx,
        &LabelInputs {
            model: &read.model,
            cloud: &read.cloud,
            screen: &read.screen,
            selection: &edit.selection,
            settings: &edit.settings,
            analogy: &edit.analogy,
            zoomed_out,
            look: read.look.as_deref(),
        },
    );
    if let Some(row) = read.hovered.as_ref().and_then(|h| h.row) {
        hover_tooltip_ui(
            &ctx,
            &read.model,
            &read.cloud,
            &read.screen,
            row,
            *edit.lang,
        );
    }
    Ok(())
}

/// Beside the hovered point: its word, its cluster's name and its category.
fn hover_tooltip_ui(
    ctx: &egui::Context,
    model: &SpaceModel,
    cloud: &DisplayedCloud,
    screen: &ScreenProjection,
    row: usize,
    lang: Lang,
) {
    let Some(word) = model.words.get(row) else {
        return;
    };
    let Some((at, _)) = cloud.position(model, row).and_then(|w| screen.project(w)) else {
        return;
    };
    let frame = cloud.frame.and_then(|f| model.frames.get(f));
    let cluster = frame
        .and_then(|f| {
            f.cluster_label_rows
                .get(*f.clusters.get(row)?)
                .copied()
                .flatten()
        })
        .and_then(|r| model.words.get(r));
    let category = model
        .categories
        .get(row)
        .copied()
        .flatten()
        .and_then(|c| model.category_names.get(c));
    let mut text = word.clone();
    if let Some(cluster) = cluster {
        text += &format!("\n{} {cluster}", lang.tr("cluster:"));
    }
    if let Some(category) = category {
        text += &format!("\n{} {category}", lang.tr("category:"));
    }
    // A table's columns, the first few.
    for column in model.metadata.columns().iter().take(6) {
        if let Some(value) = column.get(row) {
            text += &format!("\n{}: {value}", column.name);
        }
    }
    let painter = ctx.layer_painter(egui::LayerId::new(
        egui::Order::Tooltip,
        egui::Id::new("hover-tooltip"),
    ));
    let galley =
        painter.layout_no_wrap(text, egui::FontId::proportional(14.0), egui::Color32::WHITE);
    let min = egui::pos2(at.x + 12.0, at.y + 12.0);
    let rect = egui::Rect::from_min_size(min, galley.size() + egui::vec2(12.0, 8.0));
    painter.rect_filled(rect, 4.0, egui::Color32::from_black_alpha(220));
    painter.galley(min + egui::vec2(6.0, 4.0), galley, egui::Color32::WHITE);
}

/// Lays the panels out: controls left, inspector right, timeline at the bottom. Returns the
/// widths of the side panels and the height of the bottom one (logical pixels).
fn layout_ui(ctx: &egui::Context, panels: &mut Panels, cx: &mut PanelContext) -> (f32, f32, f32) {
    let mut root = egui::Ui::new(
        ctx.clone(),
        "embedscape-root".into(),
        egui::UiBuilder::new()
            .layer_id(egui::LayerId::background())
            .max_rect(ctx.viewport_rect()),
    );
    let left = egui::Panel::left("controls")
        .default_size(300.0)
        .resizable(true)
        .show(&mut root, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                ui.horizontal(|ui| {
                    ui.heading("embedscape");
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                        for lang in [Lang::En, Lang::Zh] {
                            let button =
                                ui.selectable_value(&mut cx.lang, lang, lang.native_name());
                            cx.pressable(lang.native_name(), button);
                        }
                    });
                });
                egui::CollapsingHeader::new(cx.lang.tr("Tour"))
                    .default_open(true)
                    .show(ui, |ui| panels.tour.ui(ui, cx));
                egui::CollapsingHeader::new(cx.lang.tr("Training"))
                    .default_open(true)
                    .show(ui, |ui| panels.training.ui(ui, cx));
                egui::CollapsingHeader::new(cx.lang.tr("Display"))
                    .default_open(true)
                    .show(ui, |ui| panels.display.ui(ui, cx));
                egui::CollapsingHeader::new(cx.lang.tr("Open / export"))
                    .default_open(false)
                    .show(ui, |ui| panels.files.ui(ui, cx));
                egui::CollapsingHeader::new(cx.lang.tr("Mouse and keys"))
                    .default_open(false)
                    .show(ui, |ui| controls_ui(ui, cx.lang));
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
                egui::CollapsingHeader::new(cx.lang.tr("Word"))
                    .default_open(true)
                    .show(ui, |ui| panels.search.ui(ui, cx));
                egui::CollapsingHeader::new(cx.lang.tr("Analogy"))
                    .default_open(true)
                    .show(ui, |ui| panels.analogy.ui(ui, cx));
                egui::CollapsingHeader::new(cx.lang.tr("Relations"))
                    .default_open(true)
                    .show(ui, |ui| panels.relations.ui(ui, cx));
            });
        })
        .response
        .rect
        .width();
    let bottom = egui::Panel::bottom("timeline")
        .resizable(false)
        .show(&mut root, |ui| panels.timeline.ui(ui, cx))
        .response
        .rect
        .height();
    (left, right, bottom)
}

/// What the mouse and keys do in the 3D view.
fn controls_ui(ui: &mut egui::Ui, lang: Lang) {
    for line in [
        lang.tr("left drag: orbit · right or middle drag: pan · wheel: zoom"),
        lang.tr("click a point: its nearest neighbours · double-click: fly to it"),
        lang.tr("shift + left drag: lasso selection (Columns window)"),
        lang.tr("Esc: clear the selection · Display > Reset view: frame everything"),
        lang.tr("drop a file on the window to open it"),
    ] {
        ui.label(line);
    }
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
