//! The bevy desktop app: a 3D view of the embedding space forming as training runs.
//!
//! One plugin per concern, all added by [`run`]:
//! - [`model::ModelPlugin`]: the space as seen so far (snapshots, frames, the requests that change it);
//! - [`analysis::AnalysisPlugin`]: analyses snapshots on a worker thread (projection, clusters,
//!   relation scores, neighbour index) and hands frames to the model when ready;
//! - [`bridge::TrainingBridgePlugin`]: runs the trainer on a background thread and feeds snapshots in;
//! - [`playback::PlaybackPlugin`]: the playhead (play, pause, scrub) and the frame pair it shows;
//! - [`points::PointsRenderPlugin`]: the point cloud, drawn and interpolated on the GPU;
//! - [`scene::ScenePlugin`]: the relation/analogy arrows;
//! - [`camera::OrbitCameraPlugin`]: orbit, pan, zoom, focus, auto-fit;
//! - [`picking::PickingPlugin`]: clicking a point selects its word;
//! - [`selection::SelectionPlugin`]: the selected word and its neighbours;
//! - [`panels::PanelsPlugin`]: the egui panels and the 3D labels;
//! - [`script::ScriptPlugin`]: scripted sessions for tests and demos;
//! - [`recording::RecordingPlugin`]: animated export (GIF, PNG sequence) of the drift.

pub mod analogy;
pub mod analysis;
pub mod bridge;
pub mod camera;
pub mod compare;
pub mod demo;
pub mod display_settings;
pub mod fonts;
pub mod framing;
pub mod i18n;
pub mod labels;
pub mod model;
pub mod options;
pub mod panels;
pub mod perf;
pub mod picking;
pub mod playback;
pub mod points;
pub mod recording;
pub mod scene;
pub mod screen;
pub mod screenshots;
pub mod script;
pub mod selection;
pub mod tour;

pub use options::{DataSource, ViewerOptions};

use bevy::prelude::*;
use bevy::window::{PresentMode, WindowResolution};
use bevy_egui::EguiPlugin;

/// Ordering of the viewer's per-frame work: data in, then the playhead, then what is drawn.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub enum ViewerSet {
    /// Training events and loaded files become frames of the model.
    Ingest,
    /// Input that changes what is selected or where the playhead is.
    Input,
    /// The playhead moves and the displayed cloud is interpolated.
    Playback,
    /// Derived state: selection neighbours, screen positions.
    Derive,
    /// Meshes, arrows and the camera follow the displayed cloud.
    Draw,
}

/// Errors that stop the viewer from starting at all (everything later is shown in the window).
#[derive(Debug, thiserror::Error)]
pub enum ViewerError {
    #[error("cannot read the script {path}: {source}")]
    Script {
        path: std::path::PathBuf,
        source: script::ScriptError,
    },
    #[error("the animation was not saved (see the log above)")]
    Recording,
    #[error("the script failed (see the log above)")]
    ScriptFailed,
}

/// Opens the window and runs until it is closed (or a script says `quit`).
pub fn run(options: ViewerOptions) -> Result<(), ViewerError> {
    let script = match &options.script {
        Some(path) => Some(
            script::Script::read(path).map_err(|source| ViewerError::Script {
                path: path.clone(),
                source,
            })?,
        ),
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
    .add_plugins((
        EguiPlugin::default(),
        bevy::diagnostic::FrameTimeDiagnosticsPlugin::default(),
    ))
    .insert_resource(ClearColor(Color::srgb(0.06, 0.07, 0.09)));
    add_viewer_plugins(&mut app, options.clone());
    if let Some(script) = script {
        app.add_plugins(script::ScriptPlugin::new(script));
    }
    let recording = options.recording.is_some();
    let scripted = options.script.is_some();
    let exit = app.run();
    match (exit.is_error(), recording, scripted) {
        (true, true, _) => Err(ViewerError::Recording),
        // A failed step must fail the command, or a test reading its files sees stale ones.
        (true, false, true) => Err(ViewerError::ScriptFailed),
        _ => Ok(()),
    }
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
    .init_resource::<display_settings::DisplaySettings>()
    .init_resource::<analogy::AnalogyState>()
    .insert_resource(options.lang.unwrap_or_else(i18n::Lang::from_locale))
    .insert_resource(playback::Playhead {
        playing: options.play_from_start,
        ..default()
    })
    .add_plugins((
        model::ModelPlugin,
        analysis::AnalysisPlugin,
        bridge::TrainingBridgePlugin::new(options.clone()),
        playback::PlaybackPlugin,
        selection::SelectionPlugin,
        perf::PerfPlugin,
        compare::ComparePlugin,
    ));
    if options.with_rendering {
        app.add_plugins((
            points::PointsRenderPlugin,
            scene::ScenePlugin,
            camera::OrbitCameraPlugin,
            screen::ScreenPlugin,
            picking::PickingPlugin,
            panels::PanelsPlugin,
            fonts::FontsPlugin,
            screenshots::ScreenshotsPlugin,
        ))
        .add_plugins(recording::RecordingPlugin {
            start: options.recording.clone(),
            hide_panels: options.hide_panels,
        });
    } else {
        app.add_plugins((picking::PickingLogicPlugin, points::PointStylesPlugin));
    }
}

#[cfg(test)]
mod tests;
