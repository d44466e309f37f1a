//! Saved views: what is on screen (camera, playhead, selection, lens or axes, projection
//! method, colouring, language) saved to a small JSON file ([`file`]) and restored from one, so
//! a teacher can prepare the steps of a lesson.
//!
//! Saving answers the files panel's *Save view* button and the script's `save-view` step (an
//! [`ExportRequest::View`]). Restoring (`embedscape view --view FILE`) waits until the data is
//! loaded or trained and analysed, then acts as a user would, through each plugin's messages
//! and resources: new analysis settings (and a wait until every snapshot is redone with them),
//! the colouring and language, the playhead, the selection (and a wait for its neighbours, which
//! the camera reacts to), and last the camera. What does not fit the data (a word or relation
//! it lacks) is a warning in the status line, and the rest is restored.

pub mod file;

use std::path::PathBuf;

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;

use crate::viewer::core::bridge::{RunState, TrainingRun};
use crate::viewer::core::display_settings::DisplaySettings;
use crate::viewer::core::export_request::ExportRequest;
use crate::viewer::core::model::{ModelRequest, SpaceModel, UserError};
use crate::viewer::core::playback::Playhead;
use crate::viewer::core::selection::{SelectWord, Selection};
use crate::viewer::options::Lang;
use crate::viewer::render::camera::OrbitCamera;
pub use file::{SavedView, ViewFileError};

/// Frames a restore waits for the re-analysis or the selection before going on without it.
const PATIENCE_FRAMES: u32 = 1800;

/// How many views were saved (or failed to), and the last failure: what the script's
/// `save-view` step waits for.
#[derive(Resource, Debug, Default)]
pub struct ViewFileLog {
    pub finished: usize,
    pub last_error: Option<String>,
}

/// A view being restored, and how far it has come.
#[derive(Resource, Debug)]
pub struct ViewRestore {
    path: PathBuf,
    view: SavedView,
    stage: Stage,
}

#[derive(Debug, Clone, PartialEq)]
enum Stage {
    /// The data is still loading, training or being analysed.
    WaitingForData,
    /// These settings were asked for; wait until every snapshot is redone with them.
    Reanalysing {
        wanted: crate::space::AnalysisSettings,
        frames: u32,
    },
    /// The word was selected; wait for its neighbours (the camera frames them) to arrive.
    Selecting {
        row: Option<usize>,
        frames: u32,
    },
    /// Let the camera react to the selection before setting it.
    Settling {
        frames: u32,
    },
    Done,
}

impl ViewRestore {
    /// Whether the view is still being restored (a script's dump and screenshot wait for it).
    pub fn pending(&self) -> bool {
        self.stage != Stage::Done
    }
}

/// Saves views on request and restores the one given at startup, if any.
pub struct SavedViewPlugin {
    restore: Option<(PathBuf, SavedView)>,
}

impl SavedViewPlugin {
    pub fn new(restore: Option<(PathBuf, SavedView)>) -> Self {
        Self { restore }
    }
}

impl Plugin for SavedViewPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<ViewFileLog>().add_systems(
            Update,
            (
                restore_view.in_set(crate::viewer::sets::ViewerSet::Input),
                save_views.in_set(crate::viewer::sets::ViewerSet::Draw),
            ),
        );
        if let Some((path, view)) = &self.restore {
            app.insert_resource(ViewRestore {
                path: path.clone(),
                view: view.clone(),
                stage: Stage::WaitingForData,
            });
        }
    }
}

/// What a saved view is made of.
#[derive(SystemParam)]
struct ViewSources<'w, 's> {
    model: Res<'w, SpaceModel>,
    run: Res<'w, TrainingRun>,
    playhead: Res<'w, Playhead>,
    selection: Res<'w, Selection>,
    settings: Res<'w, DisplaySettings>,
    lang: Res<'w, Lang>,
    cameras: Query<'w, 's, &'static OrbitCamera>,
}

impl ViewSources<'_, '_> {
    fn view(&self) -> Result<SavedView, String> {
        let orbit = self
            .cameras
            .iter()
            .next()
            .ok_or("there is no 3D view to save")?;
        let model_settings = &self.model.settings;
        Ok(SavedView {
            embedscape_view: file::VIEW_FILE_VERSION,
            data: file::describe_source(&self.run.source),
            camera: file::CameraView {
                focus: orbit.focus.to_array(),
                distance: orbit.radius,
                yaw: orbit.yaw,
                pitch: orbit.pitch,
            },
            playhead_position: self.playhead.position,
            selected_word: self
                .selection
                .row
                .and_then(|row| self.model.words.get(row))
                .cloned(),
            lens: model_settings.lens.clone(),
            axes: model_settings.axes.clone(),
            method: model_settings.method.into(),
            color_by: self.settings.color_by.into(),
            lang: (*self.lang).into(),
        })
    }
}

fn save_views(
    mut requests: MessageReader<ExportRequest>,
    sources: ViewSources,
    mut log: ResMut<ViewFileLog>,
    mut errors: MessageWriter<UserError>,
) {
    for request in requests.read() {
        let ExportRequest::View(path) = request else {
            continue;
        };
        let result = sources.view().and_then(|view| view.write(path));
        if let Err(message) = &result {
            errors.write(UserError(message.clone()));
        } else {
            info!("saved the view to {}", path.display());
        }
        log.finished += 1;
        log.last_error = result.err();
    }
}

/// What a restore changes, each through its owner's message or resource.
#[derive(SystemParam)]
struct RestoreTargets<'w, 's> {
    model: Res<'w, SpaceModel>,
    run: Res<'w, TrainingRun>,
    selection: Res<'w, Selection>,
    playhead: ResMut<'w, Playhead>,
    settings: ResMut<'w, DisplaySettings>,
    lang: ResMut<'w, Lang>,
    model_requests: MessageWriter<'w, ModelRequest>,
    select: MessageWriter<'w, SelectWord>,
    errors: MessageWriter<'w, UserError>,
    cameras: Query<'w, 's, &'static mut OrbitCamera>,
}

fn restore_view(restore: Option<ResMut<ViewRestore>>, mut targets: RestoreTargets) {
    // Read before writing, so a restored view leaves idle frames unchanged.
    let Some(mut restore) = restore.filter(|r| r.pending()) else {
        return;
    };
    let restore = &mut *restore;
    let name = restore.path.display().to_string();
    let view = &restore.view;
    match restore.stage.clone() {
        Stage::WaitingForData => {
            let ended = matches!(
                targets.run.state,
                RunState::Finished | RunState::Cancelled | RunState::Failed
            );
            let model = &*targets.model;
            if ended && model.frames.is_empty() {
                targets.errors.write(UserError(format!(
                    "the view {name} was not restored: there is no data to show"
                )));
                restore.stage = Stage::Done;
                return;
            }
            if !ended || model.pending() > 0 {
                return;
            }
            let here = file::describe_source(&targets.run.source);
            if view.data != here {
                targets.errors.write(UserError(format!(
                    "the view {name} was saved on {}, not {here}: restoring what fits",
                    view.data
                )));
            }
            let mut lens = view.lens.clone();
            if let Some(relation) = &lens
                && !model.relations.iter().any(|p| &p.relation == relation)
            {
                targets.errors.write(UserError(format!(
                    "the view {name} looks through the lens of {relation:?}, which these words \
                     do not have: showing the projection without it"
                )));
                lens = None;
            }
            let settings = crate::space::AnalysisSettings {
                method: view.method.into(),
                lens,
                axes: view.axes.clone(),
                ..model.settings.clone()
            };
            if settings != model.settings {
                targets
                    .model_requests
                    .write(ModelRequest::SetSettings(settings.clone()));
            }
            let color_by = view.color_by.into();
            if targets.settings.color_by != color_by {
                targets.settings.color_by = color_by;
            }
            targets.lang.set_if_neq(view.lang.into());
            restore.stage = Stage::Reanalysing {
                wanted: settings,
                frames: 0,
            };
        }
        Stage::Reanalysing { wanted, frames } => {
            let model = &*targets.model;
            let redone = model.settings == wanted && model.fully_analysed();
            if !redone && frames < PATIENCE_FRAMES {
                restore.stage = Stage::Reanalysing {
                    wanted,
                    frames: frames + 1,
                };
                return;
            }
            if !redone {
                targets.errors.write(UserError(format!(
                    "the view {name}: its projection was not ready in time; restoring the rest"
                )));
            }
            let frame_count = model.frames.len();
            let playhead = &mut *targets.playhead;
            playhead.playing = false;
            playhead.scrub_to(view.playhead_position, frame_count);
            let row = match &view.selected_word {
                Some(word) => {
                    let row = model.row_of(word);
                    if row.is_none() {
                        targets.errors.write(UserError(format!(
                            "the view {name} selects {word:?}, which is not a word of this \
                             space"
                        )));
                    }
                    row
                }
                None => None,
            };
            if targets.selection.row != row {
                targets.select.write(SelectWord(row));
            }
            restore.stage = Stage::Selecting { row, frames: 0 };
        }
        Stage::Selecting { row, frames } => {
            let selected = targets.selection.row == row
                && (row.is_none() || !targets.selection.neighbors.is_empty());
            restore.stage = if selected || frames >= PATIENCE_FRAMES {
                Stage::Settling { frames: 0 }
            } else {
                Stage::Selecting {
                    row,
                    frames: frames + 1,
                }
            };
        }
        // The camera brings a new selection and its neighbours into view once they are known:
        // set it after that.
        Stage::Settling { frames } if frames < 3 => {
            restore.stage = Stage::Settling { frames: frames + 1 };
        }
        Stage::Settling { .. } => {
            let camera = view.camera;
            for mut orbit in &mut targets.cameras {
                orbit.focus = Vec3::from_array(camera.focus);
                orbit.radius = camera.distance;
                orbit.yaw = camera.yaw;
                orbit.pitch = camera.pitch;
                orbit.auto_fit = false;
            }
            info!("restored the view {name}");
            restore.stage = Stage::Done;
        }
        Stage::Done => {}
    }
}
