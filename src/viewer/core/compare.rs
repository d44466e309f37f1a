//! Random versus pretrained initialisation, side by side: the same corpus trained twice, one
//! run after the other — first from random vectors, then from pretrained ones (the file the
//! user picked, or the vectors of the run just finished) — keeping both runs' frames, loss and
//! consistency curves. A toggle shows either run with the same camera; the curves overlay.
//!
//! The comparison drives the ordinary training bridge with [`RunCommand`]s and stores the run
//! that is not on screen as a whole [`SpaceModel`], swapped in when asked.

use std::path::PathBuf;

use bevy::prelude::*;

use crate::viewer::core::bridge::{RunCommand, RunState, TrainingRun};
use crate::viewer::core::model::{SpaceModel, UserError};

/// Where the comparison stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub enum ComparePhase {
    #[default]
    Idle,
    /// Training from random vectors.
    Random,
    /// Training from the pretrained vectors.
    Pretrained,
    Done,
}

/// What one run of the comparison left: its curves.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct CompareRun {
    /// (words processed, windowed loss).
    pub loss: Vec<[f64; 2]>,
    /// (snapshot, consistency) of the relation the comparison follows.
    pub consistency: Vec<[f64; 2]>,
}

/// The two runs and which one is on screen.
#[derive(Resource, Default)]
pub struct Comparison {
    pub phase: ComparePhase,
    /// The random-init run, then the pretrained one.
    pub runs: Vec<CompareRun>,
    /// Index into `runs` of the run on screen (when done).
    pub showing: usize,
    /// The relation whose consistency is compared (country → capital where there is one).
    pub relation: Option<String>,
    /// The model of the run not on screen.
    stored: Option<SpaceModel>,
    pretrained: Option<PathBuf>,
    /// The run counter (`TrainingRun::runs_started`) the run being waited for will have: the
    /// run that was on screen when the race began has finished too, and must not be taken
    /// for the race's first run.
    awaiting_run: u64,
    /// Where the pretrained vectors come from, for the tour to say: a file the user gave, or
    /// (`None`) the vectors of the run that had just finished.
    pub pretrained_file: Option<PathBuf>,
}

/// What the race is doing right now, in one place, so the tour, the training panel, the
/// status line and the script dump all say the same thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "stage", rename_all = "snake_case")]
pub enum RaceStage {
    /// The run (0 = random init, 1 = pretrained) was asked for; the bridge starts it next
    /// frame and still reports the run before.
    Starting { run: usize },
    /// The run is loading, training or paused.
    Training { run: usize },
    /// The run has finished training; `pending` of its snapshots are still being analysed.
    Analysing { run: usize, pending: usize },
}

impl Comparison {
    /// Where the race stands, from the comparison, the bridge's run and the model; `None`
    /// outside a race (before it, or once both runs are done).
    pub fn stage(&self, run: &TrainingRun, model: &SpaceModel) -> Option<RaceStage> {
        let which = self.training_run()?;
        if !self.run_started(run) {
            return Some(RaceStage::Starting { run: which });
        }
        Some(match run.state {
            RunState::Finished | RunState::Cancelled | RunState::Failed | RunState::Idle => {
                RaceStage::Analysing {
                    run: which,
                    pending: model.pending(),
                }
            }
            RunState::Loading | RunState::Running | RunState::Paused => {
                RaceStage::Training { run: which }
            }
        })
    }

    /// The run being trained for the comparison (0 = random init, 1 = pretrained), if any.
    pub fn training_run(&self) -> Option<usize> {
        match self.phase {
            ComparePhase::Random => Some(0),
            ComparePhase::Pretrained => Some(1),
            ComparePhase::Idle | ComparePhase::Done => None,
        }
    }

    /// Whether the bridge has started the run the comparison asked for. Until it has, the
    /// finished run on the bridge is the one before: counting it as this phase's end recorded
    /// the previous run as the random one and skipped the random run altogether (the panel
    /// said "finished · 100%" while the tour said "Training from random vectors…").
    pub fn run_started(&self, run: &TrainingRun) -> bool {
        run.runs_started >= self.awaiting_run
    }
}

/// Train the current source twice, from random and from pretrained vectors, and keep both
/// runs to compare.
#[derive(Message, Debug, Clone, Copy, PartialEq, Eq)]
pub struct StartComparison;

/// Asks to show one of the two runs (0 = random init, 1 = pretrained).
#[derive(Message, Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShowRun(pub usize);

/// Runs comparisons.
pub struct ComparePlugin;

impl Plugin for ComparePlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<Comparison>()
            .add_message::<ShowRun>()
            .add_message::<StartComparison>()
            .add_systems(
                Update,
                (start_comparison, advance_comparison, show_run)
                    .chain()
                    .in_set(crate::viewer::sets::IngestSet::Race),
            );
    }
}

fn start_comparison(
    mut starts: MessageReader<StartComparison>,
    run: Res<TrainingRun>,
    model: Res<SpaceModel>,
    mut comparison: ResMut<Comparison>,
    mut next_commands: MessageWriter<RunCommand>,
    mut errors: MessageWriter<UserError>,
) {
    if starts.read().count() == 0 {
        return;
    }
    if matches!(
        comparison.phase,
        ComparePhase::Random | ComparePhase::Pretrained
    ) {
        return; // already comparing
    }
    if run.is_training() || run.state == RunState::Loading {
        errors.write(UserError(
            "the comparison starts when the current run has finished".into(),
        ));
        return;
    }
    let pretrained = match (&run.pretrained, &run.result) {
        (Some(path), _) => Ok(path.clone()),
        (None, Some(result)) => save_pretrained(result),
        (None, None) => Err("train once first (or pick a pretrained vectors file): the \
                             pretrained run starts from those vectors"
            .to_owned()),
    };
    let path = match pretrained {
        Ok(path) => path,
        Err(message) => {
            errors.write(UserError(message));
            return;
        }
    };
    *comparison = Comparison {
        phase: ComparePhase::Random,
        relation: model.lens_relation(),
        pretrained: Some(path),
        pretrained_file: run.pretrained.clone(),
        awaiting_run: run.runs_started + 1,
        ..Comparison::default()
    };
    next_commands.write(RunCommand::SetPretrained(None));
    next_commands.write(RunCommand::Start(Box::new(run.config.clone())));
}

/// The finished run's vectors, written where the next run can load them.
fn save_pretrained(result: &crate::embeddings::Embeddings) -> Result<PathBuf, String> {
    let path =
        std::env::temp_dir().join(format!("embedscape-pretrained-{}.bin", std::process::id()));
    crate::embeddings::formats::save(
        result,
        &path,
        crate::embeddings::formats::Format::Word2VecBinary,
    )
    .map_err(|e| format!("cannot keep the vectors for the pretrained run: {e}"))?;
    Ok(path)
}

/// Records a run when it has finished and every snapshot is analysed, then starts the next.
/// A run counts only once the bridge has started it: the `Start` sent this frame is applied
/// next frame, and until then the bridge still reports the run before as finished.
fn advance_comparison(
    run: Res<TrainingRun>,
    mut model: ResMut<SpaceModel>,
    mut comparison: ResMut<Comparison>,
    mut commands: MessageWriter<RunCommand>,
) {
    if comparison.training_run().is_none() {
        return;
    }
    if !comparison.run_started(&run) {
        return;
    }
    if matches!(run.state, RunState::Failed | RunState::Cancelled) {
        comparison.phase = ComparePhase::Idle;
        return;
    }
    let done = run.state == RunState::Finished && model.pending() == 0 && !model.frames.is_empty();
    if !done {
        return;
    }
    let record = CompareRun {
        loss: run.loss_history.clone(),
        consistency: consistency_series(&model, comparison.relation.as_deref()),
    };
    comparison.runs.push(record);
    if comparison.phase == ComparePhase::Random {
        // The next run starts a new space with the same settings, relation files and categories.
        let next = SpaceModel {
            relation_files: model.relation_files.clone(),
            settings: model.settings.clone(),
            category_pairs: model.category_pairs.clone(),
            ..SpaceModel::default()
        };
        comparison.stored = Some(std::mem::replace(&mut *model, next));
        comparison.phase = ComparePhase::Pretrained;
        comparison.awaiting_run = run.runs_started + 1;
        commands.write(RunCommand::SetPretrained(comparison.pretrained.clone()));
        commands.write(RunCommand::Start(Box::new(run.config.clone())));
    } else {
        comparison.phase = ComparePhase::Done;
        comparison.showing = 1;
    }
}

/// (snapshot, consistency) of `relation` over the model's frames.
fn consistency_series(model: &SpaceModel, relation: Option<&str>) -> Vec<[f64; 2]> {
    let Some(relation) = relation else {
        return Vec::new();
    };
    model
        .frames
        .iter()
        .enumerate()
        .filter_map(|(i, frame)| {
            let score = frame
                .relation_scores
                .iter()
                .find(|s| s.relation == relation)?;
            Some([i as f64, f64::from(score.consistency?)])
        })
        .collect()
}

fn show_run(
    mut requests: MessageReader<ShowRun>,
    mut model: ResMut<SpaceModel>,
    mut comparison: ResMut<Comparison>,
) {
    for ShowRun(which) in requests.read() {
        if comparison.phase != ComparePhase::Done || *which == comparison.showing {
            continue;
        }
        if let Some(stored) = comparison.stored.take() {
            comparison.stored = Some(std::mem::replace(&mut *model, stored));
            comparison.showing = *which;
        }
    }
}
