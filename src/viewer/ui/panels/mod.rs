//! The egui panels, each a small struct with a `ui` method (egui demo style), laid out by one
//! system: controls on the left, the selected word and relations on the right, the timeline at
//! the bottom. What is left over is the 3D viewport, which the camera is told about so that
//! the cloud is centred in the visible area, and over which the labels are drawn.
//!
//! Each panel's `ui` takes a context of its own (`tour::TourContext` and the like) with only
//! what that panel reads, the copies it edits and the message writers it sends with; the
//! layout builds them from the system's grouped params (`Shared`). Message writers live in
//! one [`PanelMessages`] because two panels may send the same message and a bevy system may
//! hold only one writer per message.

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
use crate::viewer::core::model::{ErrorLog, ModelRequest, SpaceModel, UserError};
use crate::viewer::core::playback::{DisplayedCloud, Playhead};
use crate::viewer::core::selection::{SelectWord, Selection};
use crate::viewer::render::camera::{FrameWords, MainCamera, OrbitCamera, ResetView};
use crate::viewer::render::labels::{LabelInputs, LabelLayoutCache, LabelLayoutKey, labels_ui};
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
    /// The 3D labels' last placement, repainted while nothing it depends on changes.
    pub labels: LabelLayoutCache,
}

/// The messages panels send, one writer per kind; each panel's context borrows only the
/// writers it uses (two panels may send the same kind, so the writers cannot live in per-panel
/// system params: bevy refuses two writers of one message in a system).
#[derive(SystemParam)]
pub struct PanelMessages<'w> {
    pub run_commands: MessageWriter<'w, RunCommand>,
    pub open_commands: MessageWriter<'w, OpenCommand>,
    pub model_requests: MessageWriter<'w, ModelRequest>,
    pub select: MessageWriter<'w, SelectWord>,
    pub reset_view: MessageWriter<'w, ResetView>,
    pub frame_words: MessageWriter<'w, FrameWords>,
    pub exports: MessageWriter<'w, files::ExportRequest>,
    pub user_errors: MessageWriter<'w, UserError>,
    pub show_run: MessageWriter<'w, ShowRun>,
    pub start_comparison: MessageWriter<'w, StartComparison>,
    pub columns: MessageWriter<'w, crate::viewer::core::columns::ColumnsCommand>,
}

/// The widgets drawn this frame that a script can press by label (`press TEXT`).
#[derive(Debug, Default, PartialEq)]
pub struct PressList(Vec<(String, egui::Rect)>);

impl PressList {
    /// Records a widget a script can press by its label (`press TEXT`), scrolling to it when
    /// a script asks (`ui::scroll_request`), and passes it on.
    pub fn add(&mut self, label: &str, response: egui::Response) -> egui::Response {
        let shown = crate::viewer::ui::scroll_request::shown_rect(label, &response);
        self.0.push((label.to_owned(), shown));
        response
    }
}

/// The widgets of the last frame a script can press: label and rectangle (logical pixels),
/// `Rect::NOTHING` for one its panel does not wholly show (scrolled away).
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

/// Copies of [`EditableState`] the panels edit this frame; written back only where they
/// differ, so an idle frame changes nothing (and nothing downstream is rebuilt).
struct Edits {
    playhead: Playhead,
    selection: Selection,
    settings: DisplaySettings,
    analogy: AnalogyState,
    lang: Lang,
}

impl Edits {
    fn of(edit: &EditableState) -> Self {
        Self {
            playhead: edit.playhead.clone(),
            selection: edit.selection.clone(),
            settings: edit.settings.clone(),
            analogy: edit.analogy.clone(),
            lang: *edit.lang,
        }
    }

    fn write_back(self, edit: &mut EditableState) {
        edit.playhead.set_if_neq(self.playhead);
        edit.selection.set_if_neq(self.selection);
        edit.settings.set_if_neq(self.settings);
        edit.analogy.set_if_neq(self.analogy);
        edit.lang.set_if_neq(self.lang);
    }
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
    pub column_view: Res<'w, crate::viewer::core::columns::ColumnView>,
}

impl ReadState<'_> {
    /// When the table's look last changed (the default tick while there is none).
    fn look_changed(&self) -> bevy::ecs::change_detection::Tick {
        self.look
            .as_ref()
            .map_or(Default::default(), |look| look.last_changed())
    }
}

/// The window and cameras the layout sizes the 3D view in.
#[derive(SystemParam)]
pub struct ViewportParams<'w, 's> {
    window: Single<'w, 's, &'static Window, With<PrimaryWindow>>,
    camera: Single<'w, 's, &'static mut Camera, With<MainCamera>>,
    orbit: Single<'w, 's, &'static OrbitCamera>,
    hide_panels: Option<Res<'w, crate::viewer::automation::recording::HidePanels>>,
}

/// Everything this frame's panels may use; each panel gets a context of its own made from it
/// ([`Shared::tour`] and the like), holding only what that panel reads, edits and sends.
struct Shared<'a, 'r, 'w> {
    read: &'a ReadState<'r>,
    edits: &'a mut Edits,
    messages: &'a mut PanelMessages<'w>,
    pressed: &'a mut PressList,
}

impl<'w> Shared<'_, '_, 'w> {
    fn tour(&mut self) -> tour::TourContext<'_, 'w> {
        tour::TourContext {
            model: &self.read.model,
            run: &self.read.run,
            comparison: &self.read.comparison,
            lang: self.edits.lang,
            playhead: &mut self.edits.playhead,
            settings: &mut self.edits.settings,
            analogy: &mut self.edits.analogy,
            select: &mut self.messages.select,
            model_requests: &mut self.messages.model_requests,
            frame_words: &mut self.messages.frame_words,
            user_errors: &mut self.messages.user_errors,
            show_run: &mut self.messages.show_run,
            start_comparison: &mut self.messages.start_comparison,
            pressed: self.pressed,
        }
    }

    fn training(&mut self) -> training::TrainingContext<'_, 'w> {
        training::TrainingContext {
            run: &self.read.run,
            model: &self.read.model,
            comparison: &self.read.comparison,
            lang: self.edits.lang,
            run_commands: &mut self.messages.run_commands,
            pressed: self.pressed,
        }
    }

    fn display(&mut self) -> display::DisplayContext<'_, 'w> {
        display::DisplayContext {
            model: &self.read.model,
            run: &self.read.run,
            playhead: &self.edits.playhead,
            lang: self.edits.lang,
            colour_column: self.read.column_view.colour_column.as_deref(),
            settings: &mut self.edits.settings,
            model_requests: &mut self.messages.model_requests,
            reset_view: &mut self.messages.reset_view,
            columns: &mut self.messages.columns,
            pressed: self.pressed,
        }
    }

    fn files(&mut self) -> files::FilesContext<'_, 'w> {
        files::FilesContext {
            recording: &self.read.recording,
            lang: self.edits.lang,
            open_commands: &mut self.messages.open_commands,
            exports: &mut self.messages.exports,
            pressed: self.pressed,
        }
    }

    fn search(&mut self) -> search::SearchContext<'_, 'w> {
        search::SearchContext {
            model: &self.read.model,
            look: self.read.look.as_deref(),
            data_ticks: [self.read.model.last_changed(), self.read.look_changed()],
            lang: self.edits.lang,
            selection: &mut self.edits.selection,
            select: &mut self.messages.select,
            pressed: self.pressed,
        }
    }

    fn analogy(&mut self) -> analogy::AnalogyContext<'_, 'w> {
        analogy::AnalogyContext {
            model: &self.read.model,
            playhead: &self.edits.playhead,
            lang: self.edits.lang,
            analogy: &mut self.edits.analogy,
            select: &mut self.messages.select,
            pressed: self.pressed,
        }
    }

    fn relations(&mut self) -> relations::RelationsContext<'_, 'w> {
        relations::RelationsContext {
            model: &self.read.model,
            playhead: &self.edits.playhead,
            lang: self.edits.lang,
            settings: &mut self.edits.settings,
            model_requests: &mut self.messages.model_requests,
            pressed: self.pressed,
        }
    }

    fn timeline(&mut self) -> timeline::TimelineContext<'_> {
        timeline::TimelineContext {
            model: &self.read.model,
            run: &self.read.run,
            analysis: &self.read.analysis,
            errors: &self.read.errors,
            comparison: &self.read.comparison,
            lang: self.edits.lang,
            playhead: &mut self.edits.playhead,
            pressed: self.pressed,
        }
    }
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

fn panels_system(
    mut contexts: EguiContexts,
    mut panels: ResMut<Panels>,
    read: ReadState,
    mut edit: EditableState,
    mut messages: PanelMessages,
    mut pressables: ResMut<Pressables>,
    mut viewport: ViewportParams,
) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    let mut edits = Edits::of(&edit);
    let mut pressed = PressList::default();
    let (left, right, bottom) = if viewport.hide_panels.as_ref().is_some_and(|h| h.0) {
        (0.0, 0.0, 0.0)
    } else {
        let mut shared = Shared {
            read: &read,
            edits: &mut edits,
            messages: &mut messages,
            pressed: &mut pressed,
        };
        layout_ui(&ctx, &mut panels, &mut shared)
    };
    edits.write_back(&mut edit);
    if pressables.0 != pressed.0 {
        pressables.0 = pressed.0;
    }

    set_viewport(&mut viewport.camera, &viewport.window, left, right, bottom);
    let zoomed_out = read
        .cloud
        .bounds(&read.model)
        .is_some_and(|(_, radius)| viewport.orbit.radius > radius * 1.8);
    let label_key = LabelLayoutKey {
        model: read.model.last_changed(),
        others: [
            read.screen.last_changed(),
            read.cloud.last_changed(),
            edit.selection.last_changed(),
            edit.settings.last_changed(),
            edit.analogy.last_changed(),
            read.look_changed(),
        ],
        zoomed_out,
    };
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
        &mut panels.labels,
        label_key,
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

/// Draws one folding section of a side panel's scroll area, or, when the section lay wholly
/// outside what the scroll area shows last time it was drawn and still would, only reserves its
/// height: egui lays out (and hashes, and tessellates) every widget of a scroll area, seen or
/// not, and the sections below the fold were a good part of each frame's work. A script looking
/// for a widget (`ui::scroll_request`) gets every section laid out, so the widget can be found.
/// `key` names the section whatever the language of its title.
fn section_ui(
    ui: &mut egui::Ui,
    key: &'static str,
    title: &str,
    default_open: bool,
    add_body: impl FnOnce(&mut egui::Ui),
) {
    let id = egui::Id::new(("embedscape-section-height", key));
    let last_height = ui.ctx().data(|data| data.get_temp::<f32>(id));
    let top = ui.cursor().min.y;
    let shown = ui.clip_rect();
    if let Some(height) = last_height
        && !crate::viewer::ui::scroll_request::pending(ui.ctx())
        && (top > shown.max.y || top + height < shown.min.y)
    {
        ui.allocate_space(egui::vec2(ui.available_width(), height));
        return;
    }
    let height = ui
        .scope(|ui| {
            egui::CollapsingHeader::new(title)
                .default_open(default_open)
                .show(ui, add_body);
        })
        .response
        .rect
        .height();
    ui.ctx().data_mut(|data| data.insert_temp(id, height));
}

/// Lays the panels out: controls left, inspector right, timeline at the bottom. Returns the
/// widths of the side panels and the height of the bottom one (logical pixels).
fn layout_ui(ctx: &egui::Context, panels: &mut Panels, shared: &mut Shared) -> (f32, f32, f32) {
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
                            let button = ui.selectable_value(
                                &mut shared.edits.lang,
                                lang,
                                lang.native_name(),
                            );
                            shared.pressed.add(lang.native_name(), button);
                        }
                    });
                });
                let lang = shared.edits.lang;
                section_ui(ui, "tour", lang.tr("Tour"), true, |ui| {
                    panels.tour.ui(ui, &mut shared.tour())
                });
                section_ui(ui, "training", lang.tr("Training"), true, |ui| {
                    panels.training.ui(ui, &mut shared.training())
                });
                section_ui(ui, "display", lang.tr("Display"), true, |ui| {
                    panels.display.ui(ui, &mut shared.display())
                });
                section_ui(ui, "files", lang.tr("Open / export"), false, |ui| {
                    panels.files.ui(ui, &mut shared.files())
                });
                section_ui(ui, "controls", lang.tr("Mouse and keys"), false, |ui| {
                    controls_ui(ui, lang)
                });
            });
        })
        .response
        .rect
        .width();
    let lang = shared.edits.lang;
    let right = egui::Panel::right("inspector")
        .default_size(300.0)
        .resizable(true)
        .show(&mut root, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                section_ui(ui, "word", lang.tr("Word"), true, |ui| {
                    panels.search.ui(ui, &mut shared.search())
                });
                section_ui(ui, "analogy", lang.tr("Analogy"), true, |ui| {
                    panels.analogy.ui(ui, &mut shared.analogy())
                });
                section_ui(ui, "relations", lang.tr("Relations"), true, |ui| {
                    panels.relations.ui(ui, &mut shared.relations())
                });
            });
        })
        .response
        .rect
        .width();
    let bottom = egui::Panel::bottom("timeline")
        .resizable(false)
        .show(&mut root, |ui| {
            panels.timeline.ui(ui, &mut shared.timeline())
        })
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

#[cfg(test)]
mod tests {
    use super::*;

    /// One pass of a 200-px-high scroll area holding ten open sections with 100-px bodies;
    /// returns which sections were laid out.
    fn pass(ctx: &egui::Context) -> Vec<usize> {
        let mut drawn = Vec::new();
        let _ = ctx.run_ui(egui::RawInput::default(), |ui| {
            drawn.clear();
            egui::ScrollArea::vertical()
                .max_height(200.0)
                .show(ui, |ui| {
                    for (i, key) in ["s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9"]
                        .into_iter()
                        .enumerate()
                    {
                        section_ui(ui, key, key, true, |ui| {
                            drawn.push(i);
                            ui.allocate_space(egui::vec2(50.0, 100.0));
                        });
                    }
                });
        });
        drawn
    }

    #[test]
    fn sections_out_of_view_are_skipped_once_measured_unless_a_script_looks_for_a_widget() {
        let ctx = egui::Context::default();
        assert_eq!(
            pass(&ctx).len(),
            10,
            "the first pass measures every section"
        );
        let second = pass(&ctx);
        assert!(second.contains(&0) && second.contains(&1), "{second:?}");
        assert!(
            second.len() <= 3,
            "sections below the fold are skipped: {second:?}"
        );
        crate::viewer::ui::scroll_request::request(&ctx, "a widget in s9");
        assert_eq!(
            pass(&ctx).len(),
            10,
            "a script's request lays out every section"
        );
        crate::viewer::ui::scroll_request::clear(&ctx);
        assert!(pass(&ctx).len() <= 3);
    }
}
