//! The dump's pieces from the core plugins: the selection, the playhead, the training run, the
//! model (projection, relations, errors), the display settings, the analysis worker, the
//! comparison and the analogy on screen. Each piece reads only its plugin's resources.

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;

use crate::viewer::core::analogy::AnalogyState;
use crate::viewer::core::analysis::AnalysisStatus;
use crate::viewer::core::bridge::{RunState, TrainingRun};
use crate::viewer::core::compare::{ComparePhase, CompareRun, Comparison};
use crate::viewer::core::display_settings::{CloudView, DisplaySettings};
use crate::viewer::core::model::{ErrorLog, RelationSetInfo, SpaceModel};
use crate::viewer::core::playback::{DisplayedCloud, Playhead};
use crate::viewer::core::selection::Selection;

/// Everything the core pieces read.
#[derive(SystemParam)]
pub(super) struct CoreSources<'w> {
    pub model: Res<'w, SpaceModel>,
    pub errors: Res<'w, ErrorLog>,
    pub playhead: Res<'w, Playhead>,
    pub cloud: Res<'w, DisplayedCloud>,
    pub selection: Res<'w, Selection>,
    pub run: Res<'w, TrainingRun>,
    pub settings: Res<'w, DisplaySettings>,
    pub analysis: Res<'w, AnalysisStatus>,
    pub comparison: Res<'w, Comparison>,
    pub analogy: Res<'w, AnalogyState>,
}

impl CoreSources<'_> {
    pub(super) fn word(&self, row: usize) -> &str {
        self.model.words.get(row).map_or("", String::as_str)
    }

    /// The snapshot under the playhead.
    pub(super) fn snapshot_index(&self) -> Option<usize> {
        self.playhead.nearest_frame(self.model.frames.len())
    }
}

/// From the selection plugin.
#[derive(serde::Serialize)]
pub(super) struct SelectionDump<'a> {
    selected_word: Option<&'a str>,
    /// When `neighbors` are those of a lasso selection's centroid: how many rows it holds.
    neighbors_of_selection: Option<usize>,
    neighbors: Vec<(&'a str, f32)>,
    /// How long the selected word's neighbour search took.
    neighbors_ms: Option<f32>,
}

pub(super) fn selection<'a>(sources: &'a CoreSources) -> SelectionDump<'a> {
    let selection = &*sources.selection;
    SelectionDump {
        selected_word: selection.row.map(|row| sources.word(row)),
        neighbors_of_selection: (!selection.group.is_empty()).then_some(selection.group.len()),
        neighbors: selection
            .neighbors
            .iter()
            .map(|n| (sources.word(n.row), n.similarity))
            .collect(),
        neighbors_ms: selection.search_ms,
    }
}

/// From the playback plugin.
#[derive(serde::Serialize)]
pub(super) struct PlaybackDump {
    snapshot_index: Option<usize>,
    snapshot_count: usize,
    /// Where the playhead is (fractional snapshot index) and whether it plays.
    playhead_position: f32,
    playing: bool,
}

pub(super) fn playback(sources: &CoreSources) -> PlaybackDump {
    PlaybackDump {
        snapshot_index: sources.snapshot_index(),
        snapshot_count: sources.model.frames.len(),
        playhead_position: sources.playhead.position,
        playing: sources.playhead.playing,
    }
}

/// From the training bridge, the analysis worker, the comparison and the display settings.
#[derive(serde::Serialize)]
pub(super) struct RunDump<'a> {
    run_state: RunState,
    /// What the analysis worker is doing, if anything.
    analysing: Option<String>,
    comparison_phase: ComparePhase,
    /// What the race does now (the stage the tour, training panel and status line show).
    race: Option<crate::viewer::core::compare::RaceStage>,
    /// Random-init run, then pretrained run: loss and consistency curves.
    comparison_runs: &'a [CompareRun],
    view: CloudView,
}

pub(super) fn run<'a>(sources: &'a CoreSources) -> RunDump<'a> {
    RunDump {
        run_state: sources.run.state,
        analysing: sources.analysis.line(),
        comparison_phase: sources.comparison.phase,
        race: sources.comparison.stage(&sources.run, &sources.model),
        comparison_runs: &sources.comparison.runs,
        view: sources.settings.view,
    }
}

/// From the model: the frame under the playhead, the projection, the relations and errors.
#[derive(serde::Serialize)]
pub(super) struct ModelDump<'a> {
    loss: Option<f32>,
    /// Per relation: consistency at every snapshot.
    relation_scores: Vec<RelationDump<'a>>,
    words_on_screen: usize,
    /// `aligned` or `fixed` PCA; the relation lens when `lens` is set.
    projection_mode: String,
    lens: Option<&'a str>,
    /// Semantic axes (`X[,Y]`) when the view uses them.
    axes: Option<&'a str>,
    /// The relation sets loaded for these words, with pairs found and missing.
    relation_sets: &'a [RelationSetInfo],
    /// How the frame under the playhead was projected: "pca", "umap" or "lens".
    projection_method: Option<&'static str>,
    /// The PCA solver of that frame ("lobpcg", "exact", "exact_fallback"; PCA frames only).
    pca_solver: Option<&'static str>,
    /// Share of the snapshot's total variance along each screen axis of that frame (PCA and the
    /// lens; `None` for UMAP).
    explained_variance: Option<[f32; 3]>,
    /// Share of the 10 nearest full-space neighbours among the 10 nearest in 3D, and
    /// trustworthiness at 10, of that frame.
    neighbor_preservation: Option<f32>,
    trustworthiness: Option<f32>,
    /// Whether every snapshot has a frame analysed with the current settings.
    fully_analysed: bool,
    /// The last few errors of the status line, and how many there were since launch.
    errors: &'a [String],
    errors_total: usize,
}

#[derive(serde::Serialize)]
struct RelationDump<'a> {
    relation: &'a str,
    consistency: Vec<Option<f32>>,
    /// How parallel the arrows are in the 3D view, per snapshot.
    on_screen: Vec<Option<f32>>,
    /// Both figures at the snapshot under the playhead.
    consistency_now: Option<f32>,
    on_screen_now: Option<f32>,
    analogy_accuracy_last: Option<f32>,
}

pub(super) fn model<'a>(sources: &'a CoreSources) -> ModelDump<'a> {
    let model = &*sources.model;
    let snapshot_index = sources.snapshot_index();
    let shown = snapshot_index.and_then(|i| model.frames.get(i));
    let quality = shown.and_then(|f| f.quality);
    ModelDump {
        loss: shown.and_then(|f| f.meta.loss),
        relation_scores: relation_scores(model, snapshot_index),
        words_on_screen: model.words.len(),
        projection_mode: format!("{:?}", model.settings.mode).to_lowercase(),
        lens: model.settings.lens.as_deref(),
        axes: model.settings.axes.as_deref(),
        relation_sets: &model.relation_sets,
        projection_method: shown.map(|f| f.projection.name()),
        pca_solver: shown
            .and_then(|f| f.projection.pca_solver())
            .map(|solver| match solver {
                crate::space::PcaSolver::Lobpcg => "lobpcg",
                crate::space::PcaSolver::Exact => "exact",
                crate::space::PcaSolver::ExactFallback => "exact_fallback",
            }),
        explained_variance: shown.and_then(|f| f.explained_variance),
        neighbor_preservation: quality.map(|q| q.neighbor_preservation),
        trustworthiness: quality.map(|q| q.trustworthiness),
        fully_analysed: model.fully_analysed(),
        errors: &sources.errors.messages,
        errors_total: sources.errors.total,
    }
}

fn relation_scores(model: &SpaceModel, snapshot_index: Option<usize>) -> Vec<RelationDump<'_>> {
    let names: Vec<&str> = model
        .frames
        .last()
        .map(|f| {
            f.relation_scores
                .iter()
                .map(|s| s.relation.as_str())
                .collect()
        })
        .unwrap_or_default();
    let now = snapshot_index.and_then(|f| model.frames.get(f));
    names
        .iter()
        .enumerate()
        .map(|(i, name)| RelationDump {
            relation: name,
            consistency: model
                .frames
                .iter()
                .map(|f| f.relation_scores.get(i).and_then(|s| s.consistency))
                .collect(),
            on_screen: model
                .frames
                .iter()
                .map(|f| f.relation_parallelism.get(i).copied().flatten())
                .collect(),
            consistency_now: now
                .and_then(|f| f.relation_scores.get(i))
                .and_then(|s| s.consistency),
            on_screen_now: now.and_then(|f| f.relation_parallelism.get(i).copied().flatten()),
            analogy_accuracy_last: model
                .frames
                .last()
                .and_then(|f| f.relation_scores.get(i))
                .and_then(|s| s.analogy_accuracy),
        })
        .collect()
}

/// From the analogy state: `[a, b, c]`, the best answer, and the expected answer with its rank
/// and similarity (the tour's king − man + woman).
#[derive(serde::Serialize)]
pub(super) struct AnalogyDump<'a> {
    words: [&'a str; 3],
    answer: Option<&'a str>,
    answer_similarity: Option<f32>,
    expected: Option<&'a str>,
    expected_rank: Option<usize>,
}

pub(super) fn analogy<'a>(sources: &'a CoreSources) -> Option<AnalogyDump<'a>> {
    let analogy = &*sources.analogy;
    Some(AnalogyDump {
        words: [
            sources.word(analogy.a?),
            sources.word(analogy.b?),
            sources.word(analogy.c?),
        ],
        answer: analogy.results.first().map(|n| sources.word(n.row)),
        answer_similarity: analogy.results.first().map(|n| n.similarity),
        expected: analogy.expected.map(|row| sources.word(row)),
        expected_rank: analogy.expected_rank().map(|(rank, _)| rank),
    })
}
