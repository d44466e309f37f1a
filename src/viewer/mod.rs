//! The bevy desktop app: a 3D view of the embedding space forming as training runs.
//!
//! One plugin per concern, all added by [`run`]:
//! - [`model::ModelPlugin`]: the space as seen so far (snapshots, projections, clusters, scores);
//! - [`bridge::TrainingBridgePlugin`]: runs the trainer on a background thread and feeds snapshots in;
//! - [`playback::PlaybackPlugin`]: the playhead (play, pause, scrub) and the interpolated cloud;
//! - [`scene::ScenePlugin`]: the point cloud mesh and the relation/analogy arrows;
//! - [`camera::OrbitCameraPlugin`]: orbit, pan, zoom, focus, auto-fit;
//! - [`picking::PickingPlugin`]: clicking a point selects its word;
//! - [`selection::SelectionPlugin`]: the selected word and its neighbours;
//! - [`panels::PanelsPlugin`]: the egui panels and the 3D labels;
//! - [`script::ScriptPlugin`]: scripted sessions for tests and demos.

pub mod bridge;
pub mod camera;
pub mod fonts;
pub mod labels;
pub mod model;
pub mod options;
pub mod panels;
pub mod picking;
pub mod playback;
pub mod scene;
pub mod screen;
pub mod script;
pub mod selection;

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
                    resolution: WindowResolution::new(options.window_width, options.window_height),
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
    add_viewer_plugins(&mut app, options);
    if let Some(script) = script {
        app.add_plugins(script::ScriptPlugin::new(script));
    }
    app.run();
    Ok(())
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
    .add_plugins((
        model::ModelPlugin,
        bridge::TrainingBridgePlugin::new(options.clone()),
        playback::PlaybackPlugin,
        selection::SelectionPlugin,
    ));
    if options.with_rendering {
        app.add_plugins((
            scene::ScenePlugin,
            camera::OrbitCameraPlugin,
            screen::ScreenPlugin,
            picking::PickingPlugin,
            panels::PanelsPlugin,
            fonts::FontsPlugin,
        ));
    } else {
        app.add_plugins(picking::PickingLogicPlugin);
    }
}

#[cfg(test)]
mod tests;
