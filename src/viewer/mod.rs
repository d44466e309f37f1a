//! The bevy desktop app: a 3D view of the embedding space forming as training runs.
//!
//! Four layers, each a folder whose `mod.rs` says what it owns; imports run down only:
//! - [`automation`]: scripted sessions, animations, screenshots, frame-time figures (on top);
//! - [`ui`]: the egui panels, texts in English and 中文, the CJK font, the tour;
//! - [`render`]: the GPU point cloud, arrows, camera and framing, picking, 3D labels;
//! - [`core`]: the model (snapshots and analysed frames), the analysis worker, the training
//!   bridge, the playhead, the selection, the analogy shown and the random-vs-pretrained race.
//!
//! Below them sit what every layer uses: [`ViewerSet`] (the order of each frame's work),
//! [`options`] (what to show, from the CLI or a test) and [`demo`] (the bundled demo).
//! [`run`] opens the window; [`add_viewer_plugins`] adds everything else.

pub mod automation;
pub mod core;
pub mod demo;
pub mod options;
pub mod render;
pub mod sets;
pub mod ui;

pub use options::{DataSource, ViewerOptions};
pub use sets::{IngestSet, ViewerSet};

use bevy::prelude::*;
use bevy::window::{PresentMode, WindowResolution};
use bevy_egui::EguiPlugin;

/// Errors that stop the viewer from starting at all (everything later is shown in the window).
#[derive(Debug, thiserror::Error)]
pub enum ViewerError {
    #[error("cannot read the script {path}: {source}")]
    Script {
        path: std::path::PathBuf,
        source: self::automation::script::ScriptError,
    },
    #[error(transparent)]
    View(#[from] self::automation::saved_view::ViewFileError),
    #[error("the animation was not saved (see the log above)")]
    Recording,
    #[error("the script failed (see the log above)")]
    ScriptFailed,
}

/// Opens the window and runs until it is closed (or a script says `quit`).
pub fn run(options: ViewerOptions) -> Result<(), ViewerError> {
    let script = match &options.script {
        Some(path) => Some(
            self::automation::script::Script::read(path).map_err(|source| ViewerError::Script {
                path: path.clone(),
                source,
            })?,
        ),
        // Random steps alone run after an empty script.
        None => options
            .random
            .map(|_| self::automation::script::Script::default()),
    };
    let view = match &options.view {
        Some(path) => Some((
            path.clone(),
            self::automation::saved_view::SavedView::read(path)?,
        )),
        None => None,
    };
    let mut app = App::new();
    app.add_plugins(
        DefaultPlugins
            .set(WindowPlugin {
                primary_window: Some(Window {
                    title: "embedscape".into(),
                    resolution: window_resolution(&options),
                    present_mode: PresentMode::AutoVsync,
                    ..default()
                }),
                ..default()
            })
            .set(bevy::log::LogPlugin {
                filter: "warn,embedscape=info".into(),
                ..default()
            }),
    )
    .add_plugins(EguiPlugin::default())
    .insert_resource(ClearColor(Color::srgb(0.06, 0.07, 0.09)));
    add_viewer_plugins(&mut app, options.clone());
    app.add_plugins(self::automation::saved_view::SavedViewPlugin::new(view));
    if let Some(script) = script {
        app.add_plugins(
            self::automation::script::ScriptPlugin::new(script).with_random(options.random),
        );
    }
    if options.single_threaded {
        run_systems_on_main_thread(&mut app);
    }
    let recording = options.recording.is_some();
    let scripted = options.script.is_some() || options.random.is_some();
    let exit = app.run();
    match (exit.is_error(), recording, scripted) {
        (true, true, _) => Err(ViewerError::Recording),
        // A failed step must fail the command, or a test reading its files sees stale ones.
        (true, false, true) => Err(ViewerError::ScriptFailed),
        _ => Ok(()),
    }
}

/// Every schedule of the app's world runs its systems one after another on the main thread
/// (rendering keeps its own threads), so the main thread's CPU clock measures the app's update.
fn run_systems_on_main_thread(app: &mut App) {
    use bevy::ecs::schedule::{Schedules, SingleThreadedExecutor};
    for (_, schedule) in app.world_mut().resource_mut::<Schedules>().iter_mut() {
        // A new executor starts with `apply_final_deferred` off; schedules apply their commands
        // at the end by default, and the app relies on it.
        schedule
            .set_executor(SingleThreadedExecutor::default())
            .set_apply_final_deferred(true);
    }
    app.world_mut()
        .resource_mut::<self::automation::perf::PerfStats>()
        .single_threaded = true;
}

/// The window's size; a recording's frames are exactly that many pixels, whatever the screen's
/// scale factor (an animation's size is asked in pixels).
fn window_resolution(options: &ViewerOptions) -> WindowResolution {
    let resolution = WindowResolution::new(options.window_width, options.window_height);
    if options.recording.is_some() {
        resolution.with_scale_factor_override(1.0)
    } else {
        resolution
    }
}

/// Everything but the window, rendering and scripting: also what the headless tests use.
pub fn add_viewer_plugins(app: &mut App, options: ViewerOptions) {
    app.configure_sets(
        Update,
        (
            ViewerSet::Ingest,
            ViewerSet::Input,
            ViewerSet::Playback,
            ViewerSet::Derive,
            ViewerSet::Draw,
        )
            .chain(),
    )
    .configure_sets(
        Update,
        (
            IngestSet::Bridge,
            IngestSet::Model,
            IngestSet::Analysis,
            IngestSet::Race,
        )
            .chain()
            .in_set(ViewerSet::Ingest),
    )
    .init_resource::<self::core::display_settings::DisplaySettings>()
    .init_resource::<self::core::analogy::AnalogyState>()
    .insert_resource(
        options
            .lang
            .unwrap_or_else(self::ui::i18n::Lang::from_locale),
    )
    .insert_resource(self::core::playback::Playhead {
        playing: options.play_from_start,
        ..default()
    })
    .add_plugins((
        self::core::model::ModelPlugin,
        self::core::analysis::AnalysisPlugin,
        self::core::bridge::TrainingBridgePlugin::new(options.clone()),
        self::core::playback::PlaybackPlugin,
        self::core::selection::SelectionPlugin,
        self::automation::perf::PerfPlugin,
        self::core::compare::ComparePlugin,
        self::core::columns::ColumnsPlugin,
    ));
    if options.with_rendering {
        app.add_plugins((
            self::render::points::PointsRenderPlugin,
            self::render::scene::ScenePlugin,
            self::render::camera::OrbitCameraPlugin,
            self::render::screen::ScreenPlugin,
            self::render::picking::PickingPlugin,
            self::render::box_select::BoxSelectPlugin,
            self::ui::panels::PanelsPlugin,
            self::ui::fonts::FontsPlugin,
            self::automation::screenshots::ScreenshotsPlugin,
        ))
        .add_plugins(self::automation::recording::RecordingPlugin {
            start: options.recording.clone(),
            hide_panels: options.hide_panels,
        });
    } else {
        app.add_plugins((
            self::render::picking::PickingLogicPlugin,
            self::render::points::PointStylesPlugin,
            self::render::box_select::BoxSelectLogicPlugin,
        ));
    }
}

#[cfg(test)]
mod selection_query_tests;
#[cfg(test)]
mod tests;
