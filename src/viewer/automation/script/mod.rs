//! Scripted sessions for tests and demos: `embedscape view --script FILE`, one step per line.
//!
//! ```text
//! # comments and blank lines are ignored
//! train-until 3        # wait for snapshot 3 (or `end` for the end of training)
//! click-word 法国       # move the real cursor onto the word's point, press and release
//! click 640 400        # the same at a window position (logical pixels)
//! key Escape           # press and release a key
//! wait 30              # let 30 frames pass
//! orbit 120            # turn the camera a little every frame for 120 frames
//! screenshot out.png   # save the window (waits until it is written)
//! record out.gif       # save an animation as the export button does (waits until written)
//! dump state.json      # the app state as JSON (see `dump.rs`)
//! press 4 king − man + woman   # click the widget with this label (current language)
//! lens 国家→首都         # view through a relation's lens (`lens off`: back to PCA); waits
//!                      # until every frame is redone
//! axes man>woman,国家→首都   # semantic axes X[,Y] (`axes off`: back to PCA); waits likewise
//! lang zh              # switch the interface to 中文 (or `en`)
//! method umap          # project with UMAP (or `pca`); waits until every frame is redone
//! colour-by topic      # colour by a column (or `cluster`, `latest-cluster`, `category`)
//! filter score>0.5     # hide rows: COLUMN=VALUE, COLUMN!=VALUE, COLUMN<N, COLUMN>N (`filter off`)
//! select-box 400 200 700 500   # box-select the points drawn in this window rectangle
//! export-selection sel.tsv     # write the box selection as TSV (label and every column)
//! quit
//! ```
//!
//! Clicks and keys go through bevy's input messages and the window-event stream, so picking
//! and egui are exercised exactly as a user's input would. Parsing lives in [`parse`], the
//! dump in [`dump`]; this file runs the steps, each with a small state of its own.

mod columns_steps;
mod dump;
mod parse;

pub use parse::{Script, ScriptError, Step};

use bevy::ecs::system::SystemParam;
use bevy::input::ButtonState;
use bevy::input::keyboard::KeyboardInput;
use bevy::input::mouse::MouseButtonInput;
use bevy::prelude::*;
use bevy::window::{CursorMoved, PrimaryWindow, WindowEvent};

use crate::viewer::automation::recording::RecordingStatus;
use crate::viewer::automation::screenshots::{ScreenshotLog, request_screenshot};
use crate::viewer::core::bridge::RunState;
use crate::viewer::core::compare::ComparePhase;
use crate::viewer::core::model::ModelRequest;
use crate::viewer::core::playback::{DisplayedCloud, Playhead};
use crate::viewer::render::camera::OrbitCamera;
use crate::viewer::render::picking::spot_that_picks;
use crate::viewer::render::points::PointStyles;
use crate::viewer::render::screen::ScreenProjection;
use crate::viewer::ui::i18n::Lang;
use crate::viewer::ui::panels::Pressables;
use crate::viewer::ui::panels::files::ExportRequest;
use dump::{DumpSources, dump_state};
use parse::logical_key;

/// Frames to let pass before the first screenshot: meshes and pipelines appear a few to ~20
/// frames after start, and the camera eases onto the cloud.
const SCENE_READY_FRAMES: u32 = 45;
/// A step that has not finished after this long fails the script.
const STEP_TIMEOUT_SECS: f64 = 900.0;
/// A click waits until its target has stood still this many frames, as a person would.
const CLICK_STEADY_FRAMES: u32 = 5;
/// A dump waits until the view has stood still this many frames.
const DUMP_STEADY_FRAMES: u32 = 3;

/// Where a multi-frame step stands.
#[derive(Debug, Clone, PartialEq, Default)]
enum StepState {
    /// Nothing done yet.
    #[default]
    Fresh,
    /// A click waits for the view to stand still.
    Aiming,
    /// The button is down; release it next frame.
    Pressed,
    /// Released (or key pressed and released); let the app react for a few frames.
    Settling { frames: u32 },
    /// A key is down; release it next frame.
    KeyDown,
    /// A screenshot was asked for; wait until it is written.
    Capturing,
    /// An animation was asked for this many frames ago; wait until it is written.
    Recording { frames: u32 },
    /// New settings were asked for; wait until every frame is re-analysed.
    Reanalysing,
}

#[derive(Resource)]
struct ScriptRunner {
    steps: Vec<Step>,
    /// What the 3D view showed last frame (camera projection, frame pair, interpolation) and
    /// for how many frames it has not changed: clicks and dumps wait for a view at rest.
    view_key: Option<(Mat4, u64, u32)>,
    steady_frames: u32,
    current: usize,
    state: StepState,
    frames_in_step: u32,
    frames_total: u32,
    step_started_secs: f64,
}

/// Runs a [`Script`], one step at a time, then exits.
pub struct ScriptPlugin {
    script: Script,
}

impl ScriptPlugin {
    pub fn new(script: Script) -> Self {
        Self { script }
    }
}

impl Plugin for ScriptPlugin {
    fn build(&self, app: &mut App) {
        app.insert_resource(ScriptRunner {
            steps: self.script.steps.clone(),
            view_key: None,
            steady_frames: 0,
            current: 0,
            state: StepState::Fresh,
            frames_in_step: 0,
            frames_total: 0,
            step_started_secs: 0.0,
        })
        .add_systems(
            Update,
            run_script
                .in_set(crate::viewer::sets::ViewerSet::Input)
                .after(crate::viewer::sets::ViewerSet::Ingest),
        );
    }
}

fn left_button(state: ButtonState, window: Entity) -> MouseButtonInput {
    MouseButtonInput {
        button: MouseButton::Left,
        state,
        window,
    }
}

/// The messages a script writes as if a user had acted.
#[derive(SystemParam)]
struct InputInjector<'w> {
    cursor_moves: MessageWriter<'w, CursorMoved>,
    buttons: MessageWriter<'w, MouseButtonInput>,
    keys: MessageWriter<'w, KeyboardInput>,
    /// egui reads the combined window-event stream rather than the per-kind messages, so every
    /// injected input is written to both, as winit does.
    window_events: MessageWriter<'w, WindowEvent>,
}

impl InputInjector<'_> {
    fn move_cursor(&mut self, window: Entity, at: Vec2) {
        let moved = CursorMoved {
            window,
            position: at,
            delta: None,
        };
        self.window_events
            .write(WindowEvent::CursorMoved(moved.clone()));
        self.cursor_moves.write(moved);
    }

    fn left_button(&mut self, window: Entity, state: ButtonState) {
        let button = left_button(state, window);
        self.window_events
            .write(WindowEvent::MouseButtonInput(button));
        self.buttons.write(button);
    }

    fn key(&mut self, window: Entity, code: KeyCode, state: ButtonState) {
        let key = KeyboardInput {
            key_code: code,
            logical_key: logical_key(code),
            state,
            text: None,
            repeat: false,
            window,
        };
        self.window_events
            .write(WindowEvent::KeyboardInput(key.clone()));
        self.keys.write(key);
    }
}

/// What a step may read or change besides input.
#[derive(SystemParam)]
struct StepContext<'w, 's> {
    commands: Commands<'w, 's>,
    time: Res<'w, Time>,
    cloud: Res<'w, DisplayedCloud>,
    screen: Res<'w, ScreenProjection>,
    screenshots: ResMut<'w, ScreenshotLog>,
    exports: MessageWriter<'w, ExportRequest>,
    recording: Res<'w, RecordingStatus>,
    cameras: Query<'w, 's, &'static mut OrbitCamera>,
    exit: MessageWriter<'w, AppExit>,
    pressables: Option<Res<'w, Pressables>>,
    model_requests: MessageWriter<'w, ModelRequest>,
    lang: ResMut<'w, Lang>,
    styles: Option<Res<'w, PointStyles>>,
    columns: MessageWriter<'w, crate::viewer::core::columns::ColumnsCommand>,
    boxes: MessageWriter<'w, crate::viewer::render::box_select::SelectBox>,
}

/// What a step did this frame.
enum Progress {
    Continue,
    Done,
    Failed(String),
}

fn run_script(
    mut runner: ResMut<ScriptRunner>,
    mut cx: StepContext,
    mut playhead: ResMut<Playhead>,
    sources: DumpSources,
    mut window: Single<(Entity, &mut Window), With<PrimaryWindow>>,
    mut inject: InputInjector,
) {
    runner.frames_total += 1;
    let view_key = (
        cx.screen.clip_from_world,
        cx.cloud.generation,
        cx.cloud.t.to_bits(),
    );
    if runner.view_key == Some(view_key) {
        runner.steady_frames += 1;
    } else {
        runner.view_key = Some(view_key);
        runner.steady_frames = 0;
    }
    let Some(step) = runner.steps.get(runner.current).cloned() else {
        return;
    };
    if runner.frames_in_step == 0 {
        runner.step_started_secs = cx.time.elapsed_secs_f64();
        info!("script step {}: {step:?}", runner.current + 1);
    }
    runner.frames_in_step += 1;
    if cx.time.elapsed_secs_f64() - runner.step_started_secs > STEP_TIMEOUT_SECS {
        error!("script step {} timed out: {step:?}", runner.current + 1);
        cx.exit.write(AppExit::from_code(2));
        return;
    }
    let (window_entity, window) = &mut *window;
    let window_entity = *window_entity;
    let runner = &mut *runner;
    let progress = match &step {
        Step::TrainUntil(target) => train_until(*target, &sources, &mut playhead),
        Step::ClickWord(word) => {
            let Some(row) = sources.model.row_of(word) else {
                fail(
                    &mut cx,
                    format!("click-word: {word:?} is not a word of this space"),
                );
                return;
            };
            let target = window_position_of(&cx, &sources, row);
            match click(runner, target, true, window_entity, window, &mut inject) {
                // A person sees what the click picked: name the word that was hit instead.
                Progress::Done if sources.selection.row != Some(row) => {
                    let picked = sources
                        .selection
                        .row
                        .and_then(|r| sources.model.words.get(r))
                        .map_or("nothing".to_owned(), |w| format!("{w:?}"));
                    Progress::Failed(format!(
                        "click-word {word:?} at {target:?} picked {picked} (another point is drawn over it)"
                    ))
                }
                progress => progress,
            }
        }
        Step::Click(at) => click(runner, Some(*at), true, window_entity, window, &mut inject),
        Step::HoverWord(word) => {
            let Some(row) = sources.model.row_of(word) else {
                fail(
                    &mut cx,
                    format!("hover-word: {word:?} is not a word of this space"),
                );
                return;
            };
            let target = window_position_of(&cx, &sources, row);
            hover(runner, target, window_entity, window, &mut inject)
        }
        Step::Hover(at) => hover(runner, Some(*at), window_entity, window, &mut inject),
        Step::Press(text) => {
            let target = cx.pressables.as_ref().and_then(|p| {
                p.0.iter()
                    .find(|(label, _)| label == text)
                    .map(|(_, rect)| Vec2::new(rect.center().x, rect.center().y))
            });
            if target.is_none() && runner.frames_in_step > 120 {
                let known: Vec<String> = cx
                    .pressables
                    .as_ref()
                    .map(|p| p.0.iter().map(|(l, _)| l.clone()).collect())
                    .unwrap_or_default();
                fail(
                    &mut cx,
                    format!("press: no widget labelled {text:?} (visible: {known:?})"),
                );
                return;
            }
            click(runner, target, false, window_entity, window, &mut inject)
        }
        // Like `method`: ask, then wait until every snapshot is seen through the lens.
        Step::Lens(relation) => match runner.state {
            StepState::Fresh => {
                let mut settings = sources.model.settings.clone();
                settings.lens = relation.clone();
                settings.axes = None;
                cx.model_requests.write(ModelRequest::SetSettings(settings));
                runner.state = StepState::Reanalysing;
                Progress::Continue
            }
            _ => {
                done_if(sources.model.settings.lens == *relation && sources.model.fully_analysed())
            }
        },
        Step::Axes(spec) => match runner.state {
            StepState::Fresh => {
                let mut settings = sources.model.settings.clone();
                settings.axes = spec.clone();
                settings.lens = None;
                cx.model_requests.write(ModelRequest::SetSettings(settings));
                runner.state = StepState::Reanalysing;
                Progress::Continue
            }
            _ => done_if(sources.model.settings.axes == *spec && sources.model.fully_analysed()),
        },
        Step::Lang(lang) => {
            cx.lang.set_if_neq(*lang);
            Progress::Done
        }
        Step::Key(code) => match runner.state {
            StepState::Fresh => {
                inject.key(window_entity, *code, ButtonState::Pressed);
                runner.state = StepState::KeyDown;
                Progress::Continue
            }
            StepState::KeyDown => {
                inject.key(window_entity, *code, ButtonState::Released);
                runner.state = StepState::Settling { frames: 0 };
                Progress::Continue
            }
            _ => settle(runner, 3),
        },
        Step::Wait(frames) => done_if(runner.frames_in_step > *frames),
        Step::Orbit(frames) => {
            for mut orbit in &mut cx.cameras {
                orbit.yaw += 0.01;
                orbit.auto_fit = false;
            }
            done_if(runner.frames_in_step > *frames)
        }
        // A screenshot, like a dump, waits for the view to rest (the camera easing onto a
        // scrubbed-to frame), unless a timeline is playing.
        Step::Screenshot(path) => match runner.state {
            StepState::Fresh
                if runner.frames_total >= SCENE_READY_FRAMES
                    && (runner.steady_frames >= DUMP_STEADY_FRAMES
                        || playhead.playing
                        || runner.frames_in_step > 600) =>
            {
                request_screenshot(&mut cx.commands, &mut cx.screenshots, path.clone());
                runner.state = StepState::Capturing;
                Progress::Continue
            }
            StepState::Capturing => {
                done_if(cx.screenshots.written_count() >= cx.screenshots.requested)
            }
            _ => Progress::Continue,
        },
        Step::Record(path) => match (runner.state.clone(), &*cx.recording) {
            (StepState::Fresh, _) if runner.frames_total >= SCENE_READY_FRAMES => {
                cx.exports.write(ExportRequest::Animation(path.clone()));
                runner.state = StepState::Recording { frames: 0 };
                Progress::Continue
            }
            // The status of an earlier recording lingers until this one has started.
            (StepState::Recording { frames }, status) if frames > 2 => match status {
                RecordingStatus::Saved { .. } => Progress::Done,
                RecordingStatus::Failed(message) => Progress::Failed(message.clone()),
                _ => Progress::Continue,
            },
            (StepState::Recording { frames }, _) => {
                runner.state = StepState::Recording { frames: frames + 1 };
                Progress::Continue
            }
            _ => Progress::Continue,
        },
        // Like a click, a dump waits for the view to rest, so the positions it reports are
        // where a screenshot taken next finds the points. (A playing timeline never rests:
        // then the dump is of the moment.)
        Step::Dump(path)
            if runner.steady_frames >= DUMP_STEADY_FRAMES
                || playhead.playing
                || runner.frames_in_step > 600 =>
        {
            match dump_state(&sources, &playhead, *cx.lang, path) {
                Ok(()) => Progress::Done,
                Err(message) => Progress::Failed(message),
            }
        }
        Step::Dump(_) => Progress::Continue,
        Step::Method(method) => match runner.state {
            StepState::Fresh => {
                let settings = crate::space::AnalysisSettings {
                    method: *method,
                    ..sources.model.settings.clone()
                };
                cx.model_requests
                    .write(crate::viewer::core::model::ModelRequest::SetSettings(
                        settings,
                    ));
                runner.state = StepState::Reanalysing;
                Progress::Continue
            }
            _ => {
                done_if(sources.model.settings.method == *method && sources.model.fully_analysed())
            }
        },
        Step::ColourBy(_) | Step::Filter(_) | Step::SelectBox(_) | Step::ExportSelection(_) => {
            columns_steps::run(&step, runner, &mut cx)
        }
        Step::Quit => {
            cx.exit.write(AppExit::Success);
            Progress::Done
        }
    };
    match progress {
        Progress::Continue => {}
        Progress::Failed(message) => fail(&mut cx, message),
        Progress::Done => {
            runner.current += 1;
            runner.state = StepState::Fresh;
            runner.frames_in_step = 0;
            if runner.current == runner.steps.len() && !matches!(step, Step::Quit) {
                info!("script finished");
            }
        }
    }
}

/// Where to aim at a word's point (logical pixels): a spot of its disc that a click and a hover
/// pick, as a person would aim; `None` when it is off screen or wholly covered.
fn window_position_of(cx: &StepContext, sources: &DumpSources, row: usize) -> Option<Vec2> {
    let styles = cx.styles.as_ref().map_or(&[][..], |s| &s.styles[..]);
    spot_that_picks(&sources.model, &cx.cloud, &cx.screen, styles, row)
}

fn fail(cx: &mut StepContext, message: String) {
    error!("script step failed: {message}");
    cx.exit.write(AppExit::from_code(3));
}

fn done_if(done: bool) -> Progress {
    if done {
        Progress::Done
    } else {
        Progress::Continue
    }
}

/// Counts settling frames; done after `frames`.
fn settle(runner: &mut ScriptRunner, frames: u32) -> Progress {
    match &mut runner.state {
        StepState::Settling { frames: n } => {
            *n += 1;
            done_if(*n > frames)
        }
        _ => Progress::Continue,
    }
}

fn train_until(target: Option<usize>, sources: &DumpSources, playhead: &mut Playhead) -> Progress {
    let run_state = sources.run.state;
    let ended = matches!(
        run_state,
        RunState::Finished | RunState::Cancelled | RunState::Failed
    );
    let frames = sources.model.frames.len();
    // A run has ended only once every snapshot it produced is analysed and on screen, and a
    // comparison only once both of its runs have.
    let comparing = matches!(
        sources.comparison.phase,
        ComparePhase::Random | ComparePhase::Pretrained
    );
    let analysed = sources.model.pending() == 0 && !comparing;
    let reached = match target {
        Some(n) => frames > n,
        None => ended && analysed,
    };
    if !(reached || ended && analysed) {
        return Progress::Continue;
    }
    let last = frames.saturating_sub(1);
    let frame = target.map_or(last, |n| n.min(last));
    // The script takes the playhead over, as a user scrubbing would.
    playhead.playing = false;
    playhead.scrub_to(frame as f32, frames);
    playhead.follow_latest = target.is_none();
    Progress::Done
}

/// Rests the cursor on the target once the view stands still, then lets the app notice.
fn hover(
    runner: &mut ScriptRunner,
    target: Option<Vec2>,
    window_entity: Entity,
    window: &mut Window,
    inject: &mut InputInjector,
) -> Progress {
    match (runner.state.clone(), target) {
        (StepState::Fresh, Some(at)) if runner.steady_frames >= CLICK_STEADY_FRAMES => {
            window.set_cursor_position(Some(at));
            inject.move_cursor(window_entity, at);
            runner.state = StepState::Settling { frames: 0 };
            Progress::Continue
        }
        (StepState::Fresh, None) if runner.frames_in_step > 300 => {
            Progress::Failed("the hover target never appeared on screen".into())
        }
        (StepState::Fresh, _) => Progress::Continue,
        _ => settle(runner, 3),
    }
}

/// Aims at the target until it stands still (the camera eases onto the cloud and the playhead
/// glides: a click on a moving point would land on another), then presses and releases.
fn click(
    runner: &mut ScriptRunner,
    target: Option<Vec2>,
    in_3d_view: bool,
    window_entity: Entity,
    window: &mut Window,
    inject: &mut InputInjector,
) -> Progress {
    match runner.state.clone() {
        StepState::Fresh => {
            runner.state = StepState::Aiming;
            Progress::Continue
        }
        StepState::Aiming => {
            // The view must have stood still (camera, frame pair, playhead) for a few frames,
            // so the point under the cursor at release is the one aimed at now.
            // (Widgets do not move with the view.)
            let steady = !in_3d_view || runner.steady_frames >= CLICK_STEADY_FRAMES;
            match target {
                Some(at) if steady || runner.frames_in_step > 600 => {
                    window.set_cursor_position(Some(at));
                    inject.move_cursor(window_entity, at);
                    inject.left_button(window_entity, ButtonState::Pressed);
                    runner.state = StepState::Pressed;
                    Progress::Continue
                }
                None if runner.frames_in_step > 300 => {
                    Progress::Failed("the click target never appeared on screen".into())
                }
                _ => Progress::Continue,
            }
        }
        StepState::Pressed => {
            inject.left_button(window_entity, ButtonState::Released);
            runner.state = StepState::Settling { frames: 0 };
            Progress::Continue
        }
        _ => settle(runner, 4),
    }
}
