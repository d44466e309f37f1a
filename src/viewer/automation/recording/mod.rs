//! Animated export of the drift: the playhead moves from one snapshot to another over a chosen
//! number of output frames (the shader interpolates between snapshots), the camera optionally
//! turns slowly, and every frame is captured from the window and handed to an encoder thread
//! ([`encode`]) that writes a GIF or a PNG sequence as the frames arrive.
//!
//! One recorder serves both `embedscape render` (which starts a recording at launch and quits
//! when it is written) and the "Save animation (GIF)" button (the window keeps running). Each
//! frame is captured only after the camera has settled, and the next frame is posed only once
//! the capture has arrived, so what is saved is exactly what the window showed.

pub mod caption;
pub mod encode;

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured};

use crate::viewer::core::bridge::{RunState, TrainingRun};
use crate::viewer::core::model::{SpaceModel, UserError};
use crate::viewer::core::playback::Playhead;
pub use crate::viewer::options::RecordingSettings;
use crate::viewer::render::camera::OrbitCamera;
pub use encode::{OutputKind, RecordingError, RgbaFrame};

/// Frames to let pass after the data is ready before the first capture: meshes and pipelines
/// appear a few to ~20 frames after start, and the camera eases onto the cloud.
const SCENE_READY_FRAMES: u32 = 45;
/// A posed frame is captured once the camera moved less than this share of its distance to
/// the cloud in one frame (auto-fit eases towards the cloud's bounds)...
const CAMERA_STEADY_SHARE: f32 = 0.002;
/// ...or after this many frames, whichever comes first.
const MAX_SETTLE_FRAMES: u32 = 40;
/// Frames a capture may be waited for before the recording fails (a lost window).
const MAX_CAPTURE_WAIT_FRAMES: u32 = 600;
/// With `orbit`, the camera turns this far (radians) over the whole animation: slow enough to
/// read the labels, enough to see depth.
const ORBIT_TURN_RADIANS: f32 = std::f32::consts::FRAC_PI_2;
/// Frames in flight between the window and the encoder: bounds the memory a slow encoder may
/// hold (the window waits for it instead).
const ENCODER_QUEUE_FRAMES: usize = 2;

/// Starts a recording (ignored, with an error shown, while one is running).
#[derive(Message, Debug, Clone, PartialEq)]
pub struct StartRecording(pub RecordingSettings);

/// Leaves the side panels out of the window (a clean 3D view with labels, for slides).
#[derive(Resource, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HidePanels(pub bool);

/// How the last or current recording stands, for the panel and the logs.
#[derive(Resource, Debug, Clone, PartialEq, Default)]
pub enum RecordingStatus {
    #[default]
    Idle,
    /// Waiting for the data (training, loading, analysis) and the first drawn frames.
    Preparing,
    /// `captured` of `total` frames captured.
    Recording {
        captured: usize,
        total: usize,
    },
    /// All frames captured, the encoder is finishing the file.
    Encoding,
    Saved {
        path: PathBuf,
        frames: usize,
        bytes: u64,
    },
    Failed(String),
}

/// What the encoder thread receives.
enum EncoderMessage {
    Frame(RgbaFrame),
    /// The last frame was sent: finish the file.
    End,
    /// The recording failed on the window's side: drop the file.
    Abort(String),
}

type EncoderResult = Result<(usize, u64), RecordingError>;

/// Where the running recording stands.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Stage {
    /// Waiting for data and for the scene to be drawn; counts ready frames.
    Preparing { ready_frames: u32 },
    /// Frame `index` is posed; waiting for the camera to settle.
    Posing { index: usize, frames: u32 },
    /// Frame `index` is being captured.
    Capturing { index: usize, frames: u32 },
    /// Every frame is sent; waiting for the encoder.
    Encoding,
}

struct Job {
    settings: RecordingSettings,
    output: OutputKind,
    stage: Stage,
    from: f32,
    to: f32,
    start_yaw: f32,
    /// Camera focus and distance the frame before, to tell when it settled.
    last_camera: Option<(Vec3, f32)>,
    sender: SyncSender<EncoderMessage>,
    /// Frames the screenshot observers have handed to the encoder.
    captured: Arc<AtomicUsize>,
    encoder: Option<JoinHandle<EncoderResult>>,
}

/// The running recording, if any.
#[derive(Resource, Default)]
struct Recorder {
    job: Option<Job>,
}

/// Registers the recorder; with `start`, a recording begins as soon as the data is ready.
pub struct RecordingPlugin {
    pub start: Option<RecordingSettings>,
    pub hide_panels: bool,
}

impl Plugin for RecordingPlugin {
    fn build(&self, app: &mut App) {
        app.add_message::<StartRecording>()
            .init_resource::<Recorder>()
            .init_resource::<RecordingStatus>()
            .insert_resource(HidePanels(self.hide_panels))
            .add_systems(
                Update,
                drive_recording
                    .in_set(crate::viewer::sets::ViewerSet::Input)
                    .after(crate::viewer::sets::ViewerSet::Ingest),
            )
            .add_systems(bevy_egui::EguiPrimaryContextPass, caption::caption_system);
        if let Some(settings) = self.start.clone() {
            app.add_systems(Startup, move |mut start: MessageWriter<StartRecording>| {
                start.write(StartRecording(settings.clone()));
            });
        }
    }
}

/// What starts a recording, and what it waits for: the data and the run that makes it.
#[derive(bevy::ecs::system::SystemParam)]
struct RecordingInputs<'w, 's> {
    starts: MessageReader<'w, 's, StartRecording>,
    model: Res<'w, SpaceModel>,
    run: Res<'w, TrainingRun>,
    /// A saved view being restored (`render --view`): the first frame waits for it.
    restore: Option<Res<'w, crate::viewer::automation::saved_view::ViewRestore>>,
}

/// What a recording reports when it ends: an error for the status line, and the app's exit
/// (`render` quits when the file is written).
#[derive(bevy::ecs::system::SystemParam)]
struct RecordingOutcomes<'w> {
    errors: MessageWriter<'w, UserError>,
    exit: MessageWriter<'w, AppExit>,
}

fn drive_recording(
    mut commands: Commands,
    mut recorder: ResMut<Recorder>,
    mut status: ResMut<RecordingStatus>,
    inputs: RecordingInputs,
    mut playhead: ResMut<Playhead>,
    mut cameras: Query<&mut OrbitCamera>,
    outcomes: RecordingOutcomes,
) {
    let RecordingInputs {
        mut starts,
        model,
        run,
        restore,
    } = inputs;
    let RecordingOutcomes {
        mut errors,
        mut exit,
    } = outcomes;
    for StartRecording(settings) in starts.read() {
        if recorder.job.is_some() {
            errors.write(UserError("a recording is already running".into()));
            continue;
        }
        match start_job(settings.clone(), &model) {
            Ok(job) => {
                info!(
                    "recording {} frames to {}",
                    settings.frame_count,
                    settings.output.display()
                );
                recorder.job = Some(job);
                *status = RecordingStatus::Preparing;
            }
            Err(message) => finish(&mut status, &mut errors, &mut exit, settings, Err(message)),
        }
    }
    let Some(job) = recorder.job.as_mut() else {
        return;
    };
    // A saved view given with `render --view` is restored before the first frame.
    if matches!(job.stage, Stage::Preparing { .. }) && restore.is_some_and(|r| r.pending()) {
        return;
    }
    let outcome = step(
        job,
        &mut commands,
        &model,
        &run,
        &mut playhead,
        &mut cameras,
    );
    match outcome {
        Ok(None) => {
            *status = match job.stage {
                Stage::Preparing { .. } => RecordingStatus::Preparing,
                Stage::Encoding => RecordingStatus::Encoding,
                Stage::Posing { .. } | Stage::Capturing { .. } => RecordingStatus::Recording {
                    captured: job.captured.load(Ordering::Acquire),
                    total: job.settings.frame_count,
                },
            };
        }
        Ok(Some(done)) => {
            if let Some(job) = recorder.job.take() {
                let result = done.map(|(frames, bytes)| (job.output.display_path(), frames, bytes));
                finish(&mut status, &mut errors, &mut exit, &job.settings, result);
            }
        }
        Err(message) => {
            if let Some(job) = recorder.job.take() {
                // The encoder drops its temporary file (it may have stopped already).
                let _ = job.sender.send(EncoderMessage::Abort(message.clone()));
                finish(
                    &mut status,
                    &mut errors,
                    &mut exit,
                    &job.settings,
                    Err(message),
                );
            }
        }
    }
}

/// Checks the output and starts the encoder thread.
fn start_job(settings: RecordingSettings, model: &SpaceModel) -> Result<Job, String> {
    if settings.frame_count == 0 {
        return Err("an animation needs at least one frame".into());
    }
    if !settings.quit_when_done && model.frames.is_empty() {
        return Err("nothing to record yet: open or train something first".into());
    }
    let output = OutputKind::from_path(&settings.output).map_err(|e| e.to_string())?;
    match &output {
        OutputKind::Gif(path) => crate::atomic_file::check_writable(path)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
        OutputKind::PngSequence(pattern) => std::fs::create_dir_all(&pattern.dir)
            .map_err(|e| format!("cannot create {}: {e}", pattern.dir.display()))?,
    }
    let (sender, receiver) = sync_channel(ENCODER_QUEUE_FRAMES);
    let thread_output = output.clone();
    let frames_per_sec = settings.frames_per_sec;
    let encoder = std::thread::Builder::new()
        .name("animation encoder".into())
        .spawn(move || encode::encode(&thread_output, frames_per_sec, frames_until_end(receiver)))
        .map_err(|e| format!("cannot start the encoder: {e}"))?;
    Ok(Job {
        settings,
        output,
        stage: Stage::Preparing { ready_frames: 0 },
        from: 0.0,
        to: 0.0,
        start_yaw: 0.0,
        last_camera: None,
        sender,
        captured: Arc::new(AtomicUsize::new(0)),
        encoder: Some(encoder),
    })
}

/// The frames sent until `End`; a channel closed before `End` stops the recording.
fn frames_until_end(
    receiver: Receiver<EncoderMessage>,
) -> impl Iterator<Item = Result<RgbaFrame, String>> {
    let mut ended = false;
    std::iter::from_fn(move || {
        if ended {
            return None;
        }
        match receiver.recv() {
            Ok(EncoderMessage::Frame(frame)) => Some(Ok(frame)),
            Ok(EncoderMessage::End) => None,
            Ok(EncoderMessage::Abort(reason)) => {
                ended = true;
                Some(Err(reason))
            }
            Err(_) => {
                ended = true;
                Some(Err("stopped before the last frame".into()))
            }
        }
    })
}

/// Advances the recording by one app frame. `Ok(Some(result))` when the file is done.
fn step(
    job: &mut Job,
    commands: &mut Commands,
    model: &SpaceModel,
    run: &TrainingRun,
    playhead: &mut Playhead,
    cameras: &mut Query<&mut OrbitCamera>,
) -> Result<Option<EncoderResult>, String> {
    if job.stage != Stage::Encoding && job.encoder.as_ref().is_some_and(|e| e.is_finished()) {
        // The encoder stopped early: it failed (a write error, a resized window).
        return Ok(Some(join(job)));
    }
    let frame_count = model.frames.len();
    match job.stage {
        Stage::Preparing { ready_frames } => {
            if job.settings.quit_when_done && run.state == RunState::Failed {
                return Err("the data could not be opened or trained (see the log)".into());
            }
            let busy = matches!(run.state, RunState::Loading | RunState::Running)
                && job.settings.quit_when_done;
            let ready = frame_count > 0 && model.pending() == 0 && !busy;
            let ready_frames = if ready { ready_frames + 1 } else { 0 };
            job.stage = Stage::Preparing { ready_frames };
            if ready_frames >= SCENE_READY_FRAMES {
                let last = (frame_count - 1) as f32;
                let from = job.settings.from_snapshot.unwrap_or(0.0);
                let to = job.settings.to_snapshot.unwrap_or(last);
                if from > last || to > last {
                    warn!(
                        "there are {frame_count} snapshots (0 to {last}): recording {from} to {to} as far as the last"
                    );
                }
                job.from = from.clamp(0.0, last);
                job.to = to.clamp(0.0, last);
                job.start_yaw = cameras.iter().next().map_or(0.0, |c| c.yaw);
                pose(job, 0, playhead, cameras);
            }
        }
        Stage::Posing { index, frames } => {
            let camera = cameras.iter().next().map(|c| (c.focus, c.radius));
            let steady = match (camera, job.last_camera) {
                (Some((focus, radius)), Some((was_focus, was_radius))) => {
                    let moved = focus.distance(was_focus) + (radius - was_radius).abs();
                    moved <= radius.abs() * CAMERA_STEADY_SHARE
                }
                _ => camera.is_none(),
            };
            job.last_camera = camera;
            // At least two frames: the pose reaches the GPU and the labels follow the camera.
            if frames >= 2 && (steady || frames >= MAX_SETTLE_FRAMES) {
                capture(job, commands);
                job.stage = Stage::Capturing { index, frames: 0 };
            } else {
                job.stage = Stage::Posing {
                    index,
                    frames: frames + 1,
                };
            }
        }
        Stage::Capturing { index, frames } => {
            if job.captured.load(Ordering::Acquire) > index {
                if index + 1 < job.settings.frame_count {
                    pose(job, index + 1, playhead, cameras);
                } else {
                    job.sender
                        .send(EncoderMessage::End)
                        .map_err(|_| "the encoder stopped".to_owned())?;
                    job.stage = Stage::Encoding;
                }
            } else if frames > MAX_CAPTURE_WAIT_FRAMES {
                return Err(format!("frame {} was never captured", index + 1));
            } else {
                job.stage = Stage::Capturing {
                    index,
                    frames: frames + 1,
                };
            }
        }
        Stage::Encoding => {
            if job.encoder.as_ref().is_some_and(|e| e.is_finished()) {
                return Ok(Some(join(job)));
            }
        }
    }
    Ok(None)
}

fn join(job: &mut Job) -> EncoderResult {
    match job.encoder.take().map(JoinHandle::join) {
        Some(Ok(result)) => result,
        _ => Err(RecordingError::Stopped {
            path: job.output.display_path(),
            reason: "the encoder thread failed".into(),
        }),
    }
}

/// The playhead position of output frame `index`: evenly from `from` to `to`.
pub fn frame_position(from: f32, to: f32, index: usize, frame_count: usize) -> f32 {
    if frame_count <= 1 {
        return from;
    }
    from + (to - from) * index as f32 / (frame_count - 1) as f32
}

/// Puts the playhead (and, with orbit, the camera) where output frame `index` shows them.
fn pose(
    job: &mut Job,
    index: usize,
    playhead: &mut Playhead,
    cameras: &mut Query<&mut OrbitCamera>,
) {
    let total = job.settings.frame_count;
    playhead.position = frame_position(job.from, job.to, index, total);
    playhead.playing = false;
    playhead.follow_latest = false;
    if job.settings.orbit {
        for mut camera in cameras.iter_mut() {
            camera.yaw = job.start_yaw + ORBIT_TURN_RADIANS * index as f32 / total as f32;
        }
    }
    job.last_camera = None;
    job.stage = Stage::Posing { index, frames: 0 };
}

/// Asks for a screenshot whose observer converts it and hands it to the encoder.
fn capture(job: &Job, commands: &mut Commands) {
    // Shared rather than cloned into the observer: the observer may outlive the job.
    let sender = Arc::new(Mutex::new(Some(job.sender.clone())));
    let captured = job.captured.clone();
    commands
        .spawn(Screenshot::primary_window())
        .observe(move |shot: On<ScreenshotCaptured>| {
            let frame = match shot.image.clone().try_into_dynamic() {
                Ok(image) => {
                    let rgba = image.to_rgba8();
                    let (width, height) = rgba.dimensions();
                    RgbaFrame {
                        width,
                        height,
                        pixels: rgba.into_raw(),
                    }
                }
                Err(e) => {
                    error!("cannot convert a captured frame: {e}");
                    return;
                }
            };
            let sender = sender.lock().ok().and_then(|mut s| s.take());
            if let Some(sender) = sender
                && sender.send(EncoderMessage::Frame(frame)).is_ok()
            {
                captured.fetch_add(1, Ordering::AcqRel);
            }
        });
}

/// Reports the outcome (log, status, error message) and quits if asked.
fn finish(
    status: &mut RecordingStatus,
    errors: &mut MessageWriter<UserError>,
    exit: &mut MessageWriter<AppExit>,
    settings: &RecordingSettings,
    result: Result<(PathBuf, usize, u64), impl std::fmt::Display>,
) {
    match result {
        Ok((path, frames, bytes)) => {
            info!("wrote {} ({frames} frames, {bytes} bytes)", path.display());
            *status = RecordingStatus::Saved {
                path,
                frames,
                bytes,
            };
            if settings.quit_when_done {
                exit.write(AppExit::Success);
            }
        }
        Err(message) => {
            let message = format!("animation not saved: {message}");
            error!("{message}");
            errors.write(UserError(message.clone()));
            *status = RecordingStatus::Failed(message);
            if settings.quit_when_done {
                exit.write(AppExit::from_code(1));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_span_the_range_evenly() {
        let positions: Vec<f32> = (0..5).map(|i| frame_position(1.0, 3.0, i, 5)).collect();
        assert_eq!(positions, vec![1.0, 1.5, 2.0, 2.5, 3.0]);
        assert_eq!(frame_position(2.0, 0.0, 1, 3), 1.0);
        assert_eq!(frame_position(4.0, 9.0, 0, 1), 4.0);
    }
}
