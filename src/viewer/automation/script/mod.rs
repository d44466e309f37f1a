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
//! open words.vec       # drop a file on the window (as from a file manager)
//! expect-error         # wait until the step before has put an error in the status line
//! loop                 # where `loop-until` goes back to
//! loop-until 1800      # go back to `loop` until 30 minutes have passed since it was reached
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
mod random;
mod view_steps;

pub use parse::{Script, ScriptError, Step};

use bevy::prelude::*;

use crate::viewer::core::model::ErrorLog;
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
/// The same with random steps, none of which should take long: a hang fails sooner.
const RANDOM_STEP_TIMEOUT_SECS: f64 = 180.0;
/// A click waits until its target has stood still this many frames, as a person would.
const CLICK_STEADY_FRAMES: u32 = 5;
/// A dump waits until the view has stood still this many frames.
const DUMP_STEADY_FRAMES: u32 = 3;
/// How long (wall clock) `expect-error` waits for the error to reach the status line.
const EXPECT_ERROR_SECS: f64 = 20.0;

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
    /// The wall clock (the app's real-time clock follows the scripted one: 1/60 s a frame).
    launched: std::time::Instant,
    /// When this step began on the wall clock (`expect-error`, random steps' timeout).
    step_started_wall_secs: f64,
    /// When the last `loop` was first reached (wall clock), for `loop-until`.
    loop_started_secs: Option<f64>,
    /// Errors in the status line when this step and the one before began (`expect-error`).
    errors_at_step_start: usize,
    errors_at_previous_step_start: usize,
    /// Random steps drawn after the script's (`view --random-steps`).
    random: Option<random::RandomSteps>,
    /// How many steps the script itself has (random ones follow).
    script_len: usize,
}

impl ScriptRunner {
    fn new(steps: Vec<Step>) -> Self {
        Self {
            script_len: steps.len(),
            steps,
            view_key: None,
            steady_frames: 0,
            current: 0,
            state: StepState::Fresh,
            frames_in_step: 0,
            frames_total: 0,
            step_started_secs: 0.0,
            launched: std::time::Instant::now(),
            step_started_wall_secs: 0.0,
            loop_started_secs: None,
            errors_at_step_start: 0,
            errors_at_previous_step_start: 0,
            random: None,
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

    /// Whether a click, hover or box selection may go ahead: the view has stood still a few
    /// frames, or random steps are running (a restless user does not wait for the view).
    fn ready_to_aim(&self) -> bool {
        self.steady_frames >= CLICK_STEADY_FRAMES || self.random_phase()
    }

    /// Whether the random steps (drawn after the script's) are running.
    fn random_phase(&self) -> bool {
        self.random
            .as_ref()
            .is_some_and(|random| random.made > 0 && self.current >= self.script_len)
    }

    /// Whether the view has rested long enough to be captured (a screenshot, a dump): a
    /// playing timeline never rests, and a step does not wait for it forever.
    fn view_at_rest(&self, playing: bool) -> bool {
        self.steady_frames >= DUMP_STEADY_FRAMES || playing || self.frames_in_step > 600
    }

    /// Seconds since the script began, on the wall clock.
    fn wall_secs(&self) -> f64 {
        self.launched.elapsed().as_secs_f64()
    }

    fn next_step(&mut self) {
        self.go_to(self.current + 1);
    }

    fn go_to(&mut self, step: usize) {
        self.current = step;
        self.state = StepState::Fresh;
        self.frames_in_step = 0;
    }

    /// `loop-until`: back to the step after the last `loop` while `secs` have not passed since
    /// it was first reached; `Done` once they have.
    fn loop_until(&mut self, now_secs: f64, secs: f64) -> Progress {
        let started = *self.loop_started_secs.get_or_insert(now_secs);
        let start = self.steps[..self.current]
            .iter()
            .rposition(|step| *step == Step::Loop);
        match start {
            Some(start) if now_secs - started < secs => {
                self.go_to(start + 1);
                Progress::Continue
            }
            _ => Progress::Done,
        }
    }
}

/// Runs a [`Script`], one step at a time, then exits.
pub struct ScriptPlugin {
    script: Script,
    random: Option<crate::viewer::options::RandomUse>,
}

impl ScriptPlugin {
    pub fn new(script: Script) -> Self {
        Self {
            script,
            random: None,
        }
    }

    /// Random steps to draw after the script's (see [`random`]), then quit.
    pub fn with_random(mut self, random: Option<crate::viewer::options::RandomUse>) -> Self {
        self.random = random;
        self
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
        .insert_resource(ScriptRunner {
            random: self.random.map(|random| {
                info!(
                    "random steps: {} with seed {} (replay: --random-steps {} --random-seed {})",
                    random.steps, random.seed, random.steps, random.seed
                );
                random::RandomSteps::new(random)
            }),
            ..ScriptRunner::new(self.script.steps.clone())
        })
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
    errors: Res<'w, ErrorLog>,
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
    scene: random::SceneSources,
) {
    runner.frames_total += 1;
    runner.watch_view((
        watch.screen.clip_from_world,
        watch.cloud.generation,
        watch.cloud.t.to_bits(),
    ));
    if runner.current == runner.steps.len()
        && let Err(message) = draw_random_steps(&mut runner, &scene, steps.input.window_size())
    {
        error!("{message}");
        exit.write(AppExit::from_code(3));
        return;
    }
    let Some(step) = runner.steps.get(runner.current).cloned() else {
        return;
    };
    if runner.frames_in_step == 0 {
        runner.step_started_secs = watch.time.elapsed_secs_f64();
        runner.step_started_wall_secs = runner.wall_secs();
        runner.errors_at_previous_step_start = runner.errors_at_step_start;
        runner.errors_at_step_start = watch.errors.total;
        info!("script step {}: {step:?}", runner.current + 1);
    }
    runner.frames_in_step += 1;
    let timed_out = if runner.random.is_some() {
        runner.wall_secs() - runner.step_started_wall_secs > RANDOM_STEP_TIMEOUT_SECS
    } else {
        watch.time.elapsed_secs_f64() - runner.step_started_secs > STEP_TIMEOUT_SECS
    };
    if timed_out {
        error!("script step {} timed out: {step:?}", runner.current + 1);
        if let Some(random) = &runner.random {
            error!(
                "random steps: replay with --random-steps {} --random-seed {}",
                random.total, random.seed
            );
        }
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
        Step::ColourBy(_)
        | Step::Filter(_)
        | Step::SelectBox(_)
        | Step::ExportSelection(_)
        | Step::NeighboursOfSelection => steps.columns.run(&step, runner),
        Step::Open(path) => steps.input.open(runner, path),
        Step::ExpectError => {
            if watch.errors.total > runner.errors_at_previous_step_start {
                Progress::Done
            } else if runner.wall_secs() - runner.step_started_wall_secs > EXPECT_ERROR_SECS {
                Progress::Failed(format!(
                    "expect-error: the step before put no error in the status line within \
                     {EXPECT_ERROR_SECS} s"
                ))
            } else {
                Progress::Continue
            }
        }
        Step::Loop => {
            let now = runner.wall_secs();
            runner.loop_started_secs.get_or_insert(now);
            Progress::Done
        }
        Step::LoopUntil(secs) => {
            let now = runner.wall_secs();
            runner.loop_until(now, *secs)
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
            if let Some(random) = &runner.random {
                error!(
                    "random steps: replay with --random-steps {} --random-seed {}",
                    random.total, random.seed
                );
            }
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

/// Appends the next random steps once the script's have run (nothing without random steps).
fn draw_random_steps(
    runner: &mut ScriptRunner,
    scene: &random::SceneSources,
    window_size: Vec2,
) -> Result<(), String> {
    let Some(random) = &mut runner.random else {
        return Ok(());
    };
    let Some(lines) = random.next(&scene.scene(window_size)) else {
        return Ok(());
    };
    let (made, total, seed) = (random.made, random.total, random.seed);
    let script = Script::parse(&lines.join("\n"))
        .map_err(|e| format!("random step {made} (seed {seed}) does not parse: {e}"))?;
    for line in &lines {
        info!("random step {made} of {total} (seed {seed}): {line}");
    }
    runner.steps.extend(script.steps);
    Ok(())
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
