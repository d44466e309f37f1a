//! Scripted sessions for tests and demos: `embedscape view --script FILE`, one step per line.
//!
//! ```text
//! # comments and blank lines are ignored
//! train-until 3        # wait for snapshot 3 (or `end` for the end of training)
//! click-word 法国       # move the real cursor onto the word's point, press and release
//! click 640 400        # the same at a window position (logical pixels)
//! key Escape           # press and release a key
//! type 法国             # type text into the focused field, a key press per character
//! scroll 3             # turn the mouse wheel at the cursor (3 lines: zoom in)
//! wait 30              # let 30 frames pass
//! orbit 120            # turn the camera a little every frame for 120 frames
//! screenshot out.png   # save the window (waits until it is written)
//! record out.gif       # save an animation as the export button does (waits until written)
//! dump state.json      # the app state as JSON (see `dump`)
//! save-view lesson.json # save what is on screen as a view file (`view --view FILE`)
//! press 4 king − man + woman   # click the widget with this label (current language),
//!                      # scrolling its panel to it first
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
//! A script is data ([`Step`], parsed in [`parse`]); this file runs it: one step at a time,
//! each handled by a small function of its family, which owns the system parameters that
//! family needs and acts through other plugins' messages and resources, never their internals:
//! input steps ([`input`]: real cursor, button, key, text and wheel input, so picking and egui
//! are exercised exactly as a user's input would), view steps ([`view_steps`]: analysis
//! settings, language, camera), playback steps ([`playback_steps`]) and file steps
//! ([`file_steps`]: screenshot, animation, dump, saved view). The dump is assembled in
//! [`dump`] from pieces grouped by the plugin they come from.

mod columns_steps;
mod dump;
mod file_steps;
mod input;
mod parse;
mod playback_steps;
mod view_steps;

pub use parse::{Script, ScriptError, Step};

use bevy::prelude::*;

use crate::viewer::core::playback::DisplayedCloud;
use crate::viewer::render::screen::ScreenProjection;
use columns_steps::ColumnSteps;
use file_steps::FileSteps;
use input::InputSteps;
use playback_steps::PlaybackSteps;
use view_steps::{SettingsChange, ViewSteps};

/// Frames to let pass before the first screenshot: meshes and pipelines appear a few to ~20
/// frames after start, and the camera eases onto the cloud.
const SCENE_READY_FRAMES: u32 = 45;
/// The app time each frame of a scripted session advances (see `ScriptPlugin::build`).
pub const SCRIPTED_FRAME_SECS: f64 = 1.0 / 60.0;
/// A step that has not finished after this long (wall clock) fails the script.
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
    /// A file (dump, view) was asked for when its writer had written this many; wait for it.
    Writing { written_before: usize },
}

/// The script and where it stands.
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

impl ScriptRunner {
    fn new(steps: Vec<Step>) -> Self {
        Self {
            steps,
            view_key: None,
            steady_frames: 0,
            current: 0,
            state: StepState::Fresh,
            frames_in_step: 0,
            frames_total: 0,
            step_started_secs: 0.0,
        }
    }

    /// Counts the frames the 3D view has stood still.
    fn watch_view(&mut self, view_key: (Mat4, u64, u32)) {
        if self.view_key == Some(view_key) {
            self.steady_frames += 1;
        } else {
            self.view_key = Some(view_key);
            self.steady_frames = 0;
        }
    }

    /// Whether the view has rested long enough to be captured (a screenshot, a dump): a
    /// playing timeline never rests, and a step does not wait for it forever.
    fn view_at_rest(&self, playing: bool) -> bool {
        self.steady_frames >= DUMP_STEADY_FRAMES || playing || self.frames_in_step > 600
    }

    fn next_step(&mut self) {
        self.current += 1;
        self.state = StepState::Fresh;
        self.frames_in_step = 0;
    }
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

/// The script's systems, in order within [`crate::viewer::sets::ViewerSet::Input`].
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
enum ScriptSet {
    /// The runner: one step's handler a frame.
    Run,
    /// Writers of what the steps asked for (dumps), in the same frame.
    Write,
}

impl Plugin for ScriptPlugin {
    fn build(&self, app: &mut App) {
        // A scripted session runs on a fixed clock: every frame advances the app's time by
        // 1/60 s, however long it took to draw, so playback, camera easing and hover delays
        // move the same per frame on a fast GPU and under software rendering on a busy CPU.
        // A test's screenshots then do not depend on the machine's load.
        app.insert_resource(bevy::time::TimeUpdateStrategy::ManualDuration(
            std::time::Duration::from_secs_f64(SCRIPTED_FRAME_SECS),
        ))
        .insert_resource(ScriptRunner::new(self.script.steps.clone()))
        .configure_sets(
            Update,
            (ScriptSet::Run, ScriptSet::Write)
                .chain()
                .in_set(crate::viewer::sets::ViewerSet::Input)
                .after(crate::viewer::sets::ViewerSet::Ingest),
        )
        .add_plugins(dump::DumpPlugin)
        .add_systems(Update, run_script.in_set(ScriptSet::Run));
    }
}

/// The wall clock and what the 3D view shows: the runner times steps out in real seconds,
/// whatever the scripted clock says, and waits for the view to rest before clicks and captures.
#[derive(bevy::ecs::system::SystemParam)]
struct ViewWatch<'w> {
    time: Res<'w, Time<Real>>,
    cloud: Res<'w, DisplayedCloud>,
    screen: Res<'w, ScreenProjection>,
    analysis: Res<'w, crate::viewer::core::analysis::AnalysisStatus>,
}

/// The step handlers, one per family, each holding just what its steps use.
#[derive(bevy::ecs::system::SystemParam)]
struct StepHandlers<'w, 's> {
    input: InputSteps<'w, 's>,
    view: ViewSteps<'w, 's>,
    playback: PlaybackSteps<'w>,
    files: FileSteps<'w, 's>,
    columns: ColumnSteps<'w>,
}

/// What a step did this frame.
enum Progress {
    Continue,
    Done,
    Failed(String),
}

fn run_script(
    mut runner: ResMut<ScriptRunner>,
    watch: ViewWatch,
    mut exit: MessageWriter<AppExit>,
    mut steps: StepHandlers,
) {
    runner.frames_total += 1;
    runner.watch_view((
        watch.screen.clip_from_world,
        watch.cloud.generation,
        watch.cloud.t.to_bits(),
    ));
    let Some(step) = runner.steps.get(runner.current).cloned() else {
        return;
    };
    if runner.frames_in_step == 0 {
        runner.step_started_secs = watch.time.elapsed_secs_f64();
        info!("script step {}: {step:?}", runner.current + 1);
    }
    runner.frames_in_step += 1;
    if watch.time.elapsed_secs_f64() - runner.step_started_secs > STEP_TIMEOUT_SECS {
        error!("script step {} timed out: {step:?}", runner.current + 1);
        exit.write(AppExit::from_code(2));
        return;
    }
    let runner = &mut *runner;
    // A UMAP layout refining on screen (a new layout every second) never rests either, like a
    // playing timeline: screenshots and dumps capture it as it is.
    let playing = steps.playback.playing() || watch.analysis.umap.is_some();
    let progress = match &step {
        Step::TrainUntil(target) => steps.playback.train_until(*target),
        Step::Wait(frames) => done_if(runner.frames_in_step > *frames),
        Step::ClickWord(word) => steps.input.click_word(runner, word),
        Step::Click(at) => steps.input.click_at(runner, *at),
        Step::HoverWord(word) => steps.input.hover_word(runner, word),
        Step::Hover(at) => steps.input.hover_at(runner, *at),
        Step::Press(label) => steps.input.press(runner, label),
        Step::Key(code) => steps.input.key(runner, *code),
        Step::Type(text) => steps.input.type_text(runner, text),
        Step::Scroll(lines) => steps.input.scroll(runner, *lines),
        Step::Lens(relation) => steps.view.reanalyse(runner, SettingsChange::Lens(relation)),
        Step::Axes(spec) => steps.view.reanalyse(runner, SettingsChange::Axes(spec)),
        Step::Method(method) => steps
            .view
            .reanalyse(runner, SettingsChange::Method(*method)),
        Step::Lang(lang) => steps.view.lang(*lang),
        Step::Orbit(frames) => steps.view.orbit(runner, *frames),
        Step::Screenshot(path) => steps.files.screenshot(runner, playing, path),
        Step::Record(path) => steps.files.record(runner, path),
        Step::Dump(path) => steps.files.dump(runner, playing, path),
        Step::SaveView(path) => steps.files.save_view(runner, path),
        Step::ColourBy(_) | Step::Filter(_) | Step::SelectBox(_) | Step::ExportSelection(_) => {
            steps.columns.run(&step, runner)
        }
        Step::Quit => {
            exit.write(AppExit::Success);
            Progress::Done
        }
    };
    match progress {
        Progress::Continue => {}
        Progress::Failed(message) => {
            error!("script step failed: {message}");
            exit.write(AppExit::from_code(3));
        }
        Progress::Done => {
            runner.next_step();
            if runner.current == runner.steps.len() && !matches!(step, Step::Quit) {
                info!("script finished");
            }
        }
    }
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
