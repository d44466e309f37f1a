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
//! dump state.json      # the app state as JSON
//! quit
//! ```
//!
//! Clicks go through bevy's input messages and the window's cursor, so picking is exercised
//! exactly as a user's click would.

use std::path::{Path, PathBuf};

use bevy::input::ButtonState;
use bevy::input::keyboard::{Key, KeyboardInput};
use bevy::input::mouse::MouseButtonInput;
use bevy::prelude::*;
use bevy::window::{CursorMoved, PrimaryWindow, WindowEvent};

use super::bridge::{RunState, TrainingRun};
use super::model::{ErrorLog, SpaceModel};
use super::panels::files::{ScreenshotLog, request_screenshot};
use super::playback::Playhead;
use super::screen::ScreenPoints;
use super::selection::Selection;

/// One scripted step.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Wait until this snapshot exists (`None`: until training ends).
    TrainUntil(Option<usize>),
    ClickWord(String),
    Click(Vec2),
    Key(KeyCode),
    Wait(u32),
    /// Orbit the camera for this many frames (exercises re-facing every point each frame).
    Orbit(u32),
    Screenshot(PathBuf),
    Dump(PathBuf),
    Quit,
}

/// A script that does not parse.
#[derive(Debug, thiserror::Error)]
pub enum ScriptError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("line {line}: {message}")]
    Syntax { line: usize, message: String },
}

/// A parsed script.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Script {
    pub steps: Vec<Step>,
}

impl Script {
    pub fn read(path: &Path) -> Result<Self, ScriptError> {
        Self::parse(&std::fs::read_to_string(path)?)
    }

    pub fn parse(text: &str) -> Result<Self, ScriptError> {
        let mut steps = Vec::new();
        for (number, raw) in text.lines().enumerate() {
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let syntax = |message: String| ScriptError::Syntax {
                line: number + 1,
                message,
            };
            let (command, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
            let rest = rest.trim();
            let step = match command {
                "train-until" => match rest {
                    "end" => Step::TrainUntil(None),
                    n => Step::TrainUntil(Some(n.parse().map_err(|_| {
                        syntax(format!(
                            "train-until needs a snapshot number or `end`, got {n:?}"
                        ))
                    })?)),
                },
                "click-word" if !rest.is_empty() => Step::ClickWord(rest.to_owned()),
                "click" => {
                    let coords: Vec<f32> = rest
                        .split_whitespace()
                        .map(str::parse)
                        .collect::<Result<_, _>>()
                        .map_err(|_| syntax(format!("click needs X Y, got {rest:?}")))?;
                    match coords[..] {
                        [x, y] => Step::Click(Vec2::new(x, y)),
                        _ => return Err(syntax(format!("click needs X Y, got {rest:?}"))),
                    }
                }
                "key" => Step::Key(
                    key_code(rest).ok_or_else(|| syntax(format!("unknown key {rest:?}")))?,
                ),
                "wait" => Step::Wait(
                    rest.parse()
                        .map_err(|_| syntax(format!("wait needs a frame count, got {rest:?}")))?,
                ),
                "orbit" => Step::Orbit(
                    rest.parse()
                        .map_err(|_| syntax(format!("orbit needs a frame count, got {rest:?}")))?,
                ),
                "screenshot" if !rest.is_empty() => Step::Screenshot(rest.into()),
                "dump" if !rest.is_empty() => Step::Dump(rest.into()),
                "quit" => Step::Quit,
                _ => return Err(syntax(format!("unknown or incomplete step {line:?}"))),
            };
            steps.push(step);
        }
        Ok(Self { steps })
    }
}

fn key_code(name: &str) -> Option<KeyCode> {
    Some(match name {
        "Escape" | "Esc" => KeyCode::Escape,
        "Space" => KeyCode::Space,
        "Enter" | "Return" => KeyCode::Enter,
        "Tab" => KeyCode::Tab,
        "Left" => KeyCode::ArrowLeft,
        "Right" => KeyCode::ArrowRight,
        _ => return None,
    })
}

fn logical_key(code: KeyCode) -> Key {
    match code {
        KeyCode::Escape => Key::Escape,
        KeyCode::Space => Key::Space,
        KeyCode::Enter => Key::Enter,
        KeyCode::Tab => Key::Tab,
        KeyCode::ArrowLeft => Key::ArrowLeft,
        KeyCode::ArrowRight => Key::ArrowRight,
        _ => Key::Unidentified(bevy::input::keyboard::NativeKey::Unidentified),
    }
}

/// Frames to let pass before the first screenshot: meshes and pipelines appear a few to ~20
/// frames after start, and the camera eases onto the cloud.
const SCENE_READY_FRAMES: u32 = 45;
/// A step that has not finished after this long fails the script.
const STEP_TIMEOUT_SECS: f64 = 900.0;

/// Recent frame durations, for the `mean_frame_ms` figure in dumps (used by the benchmark).
#[derive(Resource, Default)]
struct FrameTimes {
    recent_secs: std::collections::VecDeque<f32>,
}

impl FrameTimes {
    const WINDOW: usize = 120;

    fn record(&mut self, secs: f32) {
        if self.recent_secs.len() == Self::WINDOW {
            self.recent_secs.pop_front();
        }
        self.recent_secs.push_back(secs);
    }

    fn mean_ms(&self) -> Option<f32> {
        let n = self.recent_secs.len();
        (n > 0).then(|| self.recent_secs.iter().sum::<f32>() / n as f32 * 1000.0)
    }
}

#[derive(Resource)]
struct ScriptRunner {
    steps: Vec<Step>,
    current: usize,
    phase: u32,
    frames_in_step: u32,
    frames_total: u32,
    step_started_secs: f64,
    /// Where the click target was last frame, and for how many frames it has not moved.
    click_at: Option<Vec2>,
    stable_frames: u32,
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
            current: 0,
            phase: 0,
            frames_in_step: 0,
            frames_total: 0,
            step_started_secs: 0.0,
            click_at: None,
            stable_frames: 0,
        })
        .init_resource::<FrameTimes>()
        .add_systems(
            Update,
            run_script
                .in_set(super::ViewerSet::Input)
                .after(super::ViewerSet::Ingest),
        );
    }
}

/// The state a `dump` step writes.
#[derive(serde::Serialize)]
struct Dump<'a> {
    selected_word: Option<&'a str>,
    neighbors: Vec<(&'a str, f32)>,
    snapshot_index: Option<usize>,
    snapshot_count: usize,
    run_state: RunState,
    loss: Option<f32>,
    /// Per relation: consistency at every snapshot.
    relation_scores: Vec<RelationDump<'a>>,
    words_on_screen: usize,
    /// Mean frame time over the last 120 frames.
    mean_frame_ms: Option<f32>,
    errors: &'a [String],
}

#[derive(serde::Serialize)]
struct RelationDump<'a> {
    relation: &'a str,
    consistency: Vec<Option<f32>>,
    analogy_accuracy_last: Option<f32>,
}

fn dump_state(
    model: &SpaceModel,
    run: &TrainingRun,
    playhead: &Playhead,
    selection: &Selection,
    errors: &ErrorLog,
    mean_frame_ms: Option<f32>,
    path: &Path,
) -> Result<(), String> {
    let word = |row: usize| model.words.get(row).map_or("", String::as_str);
    let snapshot_index = playhead.nearest_frame(model.frames.len());
    let relation_names: Vec<&str> = model
        .frames
        .last()
        .map(|f| {
            f.relation_scores
                .iter()
                .map(|s| s.relation.as_str())
                .collect()
        })
        .unwrap_or_default();
    let relation_scores = relation_names
        .iter()
        .enumerate()
        .map(|(i, name)| RelationDump {
            relation: name,
            consistency: model
                .frames
                .iter()
                .map(|f| f.relation_scores.get(i).and_then(|s| s.consistency))
                .collect(),
            analogy_accuracy_last: model
                .frames
                .last()
                .and_then(|f| f.relation_scores.get(i))
                .and_then(|s| s.analogy_accuracy),
        })
        .collect();
    let dump = Dump {
        selected_word: selection.row.map(word),
        neighbors: selection
            .neighbors
            .iter()
            .map(|n| (word(n.row), n.similarity))
            .collect(),
        snapshot_index,
        snapshot_count: model.frames.len(),
        run_state: run.state,
        loss: snapshot_index.and_then(|i| model.frames[i].meta.loss),
        relation_scores,
        words_on_screen: model.words.len(),
        mean_frame_ms,
        errors: &errors.messages,
    };
    let json = serde_json::to_string_pretty(&dump).map_err(|e| e.to_string())?;
    crate::atomic_file::write_atomically(path, |w| {
        use std::io::Write;
        w.write_all(json.as_bytes())
    })
    .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn left_button(state: ButtonState, window: Entity) -> MouseButtonInput {
    MouseButtonInput {
        button: MouseButton::Left,
        state,
        window,
    }
}

/// The messages a script writes as if a user had acted.
#[derive(bevy::ecs::system::SystemParam)]
struct InputInjector<'w> {
    cursor_moves: MessageWriter<'w, CursorMoved>,
    buttons: MessageWriter<'w, MouseButtonInput>,
    keys: MessageWriter<'w, KeyboardInput>,
    /// egui reads the combined window-event stream rather than the per-kind messages, so every
    /// injected input is written to both, as winit does.
    window_events: MessageWriter<'w, WindowEvent>,
    exit: MessageWriter<'w, AppExit>,
}

#[allow(clippy::too_many_arguments)]
fn run_script(
    mut runner: ResMut<ScriptRunner>,
    mut commands: Commands,
    time: Res<Time>,
    model: Res<SpaceModel>,
    run: Res<TrainingRun>,
    mut playhead: ResMut<Playhead>,
    selection: Res<Selection>,
    errors: Res<ErrorLog>,
    screen: Res<ScreenPoints>,
    mut screenshots: ResMut<ScreenshotLog>,
    mut window: Single<(Entity, &mut Window), With<PrimaryWindow>>,
    mut inject: InputInjector,
    mut cameras: Query<&mut super::camera::OrbitCamera>,
    mut frame_times: ResMut<FrameTimes>,
) {
    runner.frames_total += 1;
    frame_times.record(time.delta_secs());
    let InputInjector {
        cursor_moves,
        buttons,
        keys,
        window_events,
        exit,
    } = &mut inject;
    let Some(step) = runner.steps.get(runner.current).cloned() else {
        return;
    };
    if runner.frames_in_step == 0 {
        runner.step_started_secs = time.elapsed_secs_f64();
        info!("script step {}: {step:?}", runner.current + 1);
    }
    runner.frames_in_step += 1;
    if time.elapsed_secs_f64() - runner.step_started_secs > STEP_TIMEOUT_SECS {
        error!("script step {} timed out: {step:?}", runner.current + 1);
        exit.write(AppExit::from_code(2));
        return;
    }
    let (window_entity, window) = &mut *window;
    let window_entity = *window_entity;
    let mut fail = |message: String| {
        error!("script step failed: {message}");
        exit.write(AppExit::from_code(3));
    };
    let done = match &step {
        Step::TrainUntil(target) => {
            let ended = matches!(
                run.state,
                RunState::Finished | RunState::Cancelled | RunState::Failed
            );
            let reached = match target {
                Some(n) => model.frames.len() > *n,
                None => ended && run.state != RunState::Loading,
            };
            if reached || ended {
                let last = model.frames.len().saturating_sub(1);
                let frame = target.map_or(last, |n| n.min(last));
                playhead.scrub_to(frame as f32, model.frames.len());
                playhead.follow_latest = target.is_none();
                true
            } else {
                false
            }
        }
        Step::ClickWord(_) | Step::Click(_) if runner.phase == 0 => {
            let target = match &step {
                Step::ClickWord(word) => {
                    let Some(row) = model.row_of(word) else {
                        fail(format!("click-word: {word:?} is not on screen"));
                        return;
                    };
                    screen.positions.get(row).copied().flatten()
                }
                Step::Click(at) => Some(*at),
                _ => None,
            };
            // Click only once the point has stopped moving (the camera eases onto the cloud
            // and the playhead glides), as a person would: otherwise the release lands
            // where another point has moved in.
            let steady = match (target, runner.click_at) {
                (Some(now), Some(before)) => now.distance(before) < 0.25,
                _ => false,
            };
            runner.stable_frames = if steady { runner.stable_frames + 1 } else { 0 };
            runner.click_at = target;
            match target {
                Some(at) if runner.stable_frames >= 5 || runner.frames_in_step > 600 => {
                    window.set_cursor_position(Some(at));
                    let moved = CursorMoved {
                        window: window_entity,
                        position: at,
                        delta: None,
                    };
                    window_events.write(WindowEvent::CursorMoved(moved.clone()));
                    cursor_moves.write(moved);
                    let button = left_button(ButtonState::Pressed, window_entity);
                    window_events.write(WindowEvent::MouseButtonInput(button));
                    buttons.write(button);
                    runner.phase = 1;
                }
                None if runner.frames_in_step > 300 => {
                    fail(format!("{step:?}: the point never appeared on screen"));
                }
                _ => {}
            }
            false
        }
        Step::ClickWord(_) | Step::Click(_) => {
            if runner.phase == 1 {
                let button = left_button(ButtonState::Released, window_entity);
                window_events.write(WindowEvent::MouseButtonInput(button));
                buttons.write(button);
                runner.phase = 2;
                false
            } else {
                runner.phase += 1;
                runner.phase > 5
            }
        }
        Step::Key(code) => {
            let state = if runner.phase == 0 {
                ButtonState::Pressed
            } else {
                ButtonState::Released
            };
            if runner.phase < 2 {
                let key = KeyboardInput {
                    key_code: *code,
                    logical_key: logical_key(*code),
                    state,
                    text: None,
                    repeat: false,
                    window: window_entity,
                };
                window_events.write(WindowEvent::KeyboardInput(key.clone()));
                keys.write(key);
            }
            runner.phase += 1;
            runner.phase > 4
        }
        Step::Wait(frames) => runner.frames_in_step > *frames,
        Step::Orbit(frames) => {
            for mut orbit in &mut cameras {
                orbit.yaw += 0.01;
                orbit.auto_fit = false;
            }
            runner.frames_in_step > *frames
        }
        Step::Screenshot(path) => {
            if runner.phase == 0 && runner.frames_total >= SCENE_READY_FRAMES {
                request_screenshot(&mut commands, &mut screenshots, path.clone());
                runner.phase = 1;
            }
            runner.phase == 1 && screenshots.written_count() >= screenshots.requested
        }
        Step::Dump(path) => {
            if let Err(message) = dump_state(
                &model,
                &run,
                &playhead,
                &selection,
                &errors,
                frame_times.mean_ms(),
                path,
            ) {
                fail(message);
                return;
            }
            true
        }
        Step::Quit => {
            exit.write(AppExit::Success);
            true
        }
    };
    if done {
        runner.click_at = None;
        runner.stable_frames = 0;
        runner.current += 1;
        runner.phase = 0;
        runner.frames_in_step = 0;
        if runner.current == runner.steps.len() && !matches!(step, Step::Quit) {
            info!("script finished");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_step() {
        let script = Script::parse(
            "# demo\ntrain-until 3\ntrain-until end\nclick-word 法国\nclick 10 20.5\nkey Escape\n\
             wait 5 # frames\norbit 2\nscreenshot a.png\ndump s.json\nquit\n",
        )
        .unwrap();
        assert_eq!(
            script.steps,
            vec![
                Step::TrainUntil(Some(3)),
                Step::TrainUntil(None),
                Step::ClickWord("法国".into()),
                Step::Click(Vec2::new(10.0, 20.5)),
                Step::Key(KeyCode::Escape),
                Step::Wait(5),
                Step::Orbit(2),
                Step::Screenshot("a.png".into()),
                Step::Dump("s.json".into()),
                Step::Quit,
            ]
        );
    }

    #[test]
    fn errors_name_the_line() {
        let err = Script::parse("wait 1\nclick 1\n").unwrap_err();
        assert!(err.to_string().starts_with("line 2:"), "{err}");
        assert!(Script::parse("fly away").is_err());
        assert!(Script::parse("key NoSuchKey").is_err());
    }
}
