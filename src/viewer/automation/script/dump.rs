//! The `dump` step: the app's state as JSON, for tests and benchmarks to read. It says what
//! is selected and its neighbours, where the playhead is, each relation's consistency over the
//! snapshots, and what the app costs (points drawn, load time, update time, memory).

use std::path::Path;

use bevy::diagnostic::{DiagnosticsStore, FrameTimeDiagnosticsPlugin};
use bevy::ecs::system::SystemParam;
use bevy::prelude::*;

use crate::viewer::automation::perf::{PerfStats, rss_mb};
use crate::viewer::core::analysis::AnalysisStatus;
use crate::viewer::core::bridge::{RunState, TrainingRun};
use crate::viewer::core::compare::{ComparePhase, CompareRun, Comparison};
use crate::viewer::core::display_settings::{CloudView, DisplaySettings};
use crate::viewer::core::model::{ErrorLog, RelationSetInfo, SpaceModel};
use crate::viewer::core::playback::DisplayedCloud;
use crate::viewer::core::playback::Playhead;
use crate::viewer::core::selection::Selection;
use crate::viewer::render::points::{PointStyles, PointUploads, STYLE_SCALE_MAX, radius_px_for};
use crate::viewer::render::screen::ScreenProjection;
use crate::viewer::ui::i18n::Lang;

/// Everything a dump reads.
#[derive(SystemParam)]
pub struct DumpSources<'w> {
    pub model: Res<'w, SpaceModel>,
    pub run: Res<'w, TrainingRun>,
    pub selection: Res<'w, Selection>,
    pub errors: Res<'w, ErrorLog>,
    pub analysis: Res<'w, AnalysisStatus>,
    pub perf: Option<Res<'w, PerfStats>>,
    pub uploads: Option<Res<'w, PointUploads>>,
    pub diagnostics: Option<Res<'w, DiagnosticsStore>>,
    pub settings: Res<'w, DisplaySettings>,
    pub comparison: Res<'w, Comparison>,
    pub cloud: Res<'w, DisplayedCloud>,
    pub screen: Option<Res<'w, ScreenProjection>>,
    pub styles: Option<Res<'w, PointStyles>>,
    pub analogy: Res<'w, crate::viewer::core::analogy::AnalogyState>,
    pub hovered: Option<Res<'w, crate::viewer::render::picking::Hovered>>,
    pub column_look: Option<Res<'w, crate::viewer::core::columns::ColumnLook>>,
    pub column_view: Option<Res<'w, crate::viewer::core::columns::ColumnView>>,
}

/// The state a `dump` step writes.
#[derive(serde::Serialize)]
struct Dump<'a> {
    selected_word: Option<&'a str>,
    neighbors: Vec<(&'a str, f32)>,
    snapshot_index: Option<usize>,
    snapshot_count: usize,
    /// Where the playhead is (fractional snapshot index) and whether it plays.
    playhead_position: f32,
    playing: bool,
    run_state: RunState,
    loss: Option<f32>,
    /// Per relation: consistency at every snapshot.
    relation_scores: Vec<RelationDump<'a>>,
    words_on_screen: usize,
    /// `aligned` or `fixed` PCA; the relation lens when `lens` is set.
    projection_mode: String,
    lens: Option<&'a str>,
    /// Semantic axes (`X[,Y]`) when the view uses them.
    axes: Option<&'a str>,
    view: CloudView,
    lang: Lang,
    /// The relation sets loaded for these words, with pairs found and missing.
    relation_sets: &'a [RelationSetInfo],
    comparison_phase: ComparePhase,
    /// Random-init run, then pretrained run: loss and consistency curves.
    comparison_runs: &'a [CompareRun],
    /// Points on the GPU now.
    points_drawn: usize,
    /// How long the selected word's neighbour search took.
    neighbors_ms: Option<f32>,
    /// What the analysis worker is doing, if anything.
    analysing: Option<String>,
    /// How the frame under the playhead was projected: "pca", "umap" or "lens".
    projection_method: Option<&'static str>,
    /// The PCA solver of that frame ("lobpcg", "exact", "exact_fallback"; PCA frames only).
    pca_solver: Option<&'static str>,
    /// Share of the 10 nearest full-space neighbours among the 10 nearest in 3D, and
    /// trustworthiness at 10, of that frame.
    neighbor_preservation: Option<f32>,
    trustworthiness: Option<f32>,
    /// Whether every snapshot has a frame analysed with the current settings.
    fully_analysed: bool,
    /// Mean frame time (bevy's frame-time diagnostic).
    mean_frame_ms: Option<f32>,
    /// Seconds from launch to the first frame with every point drawn.
    load_secs: Option<f32>,
    /// The app's own systems per frame over the last 60 frames (rendering excluded).
    app_update_ms_p50: Option<f32>,
    app_update_ms_p95: Option<f32>,
    rss_mb: Option<f32>,
    errors: &'a [String],
    /// The word under the resting cursor (its tooltip), if any.
    hovered_word: Option<&'a str>,
    /// The analogy on screen: `[a, b, c]`, the best answer, and the expected answer with its
    /// rank and similarity (the tour's king − man + woman).
    analogy: Option<AnalogyDump<'a>>,
    /// The 3D view's rectangle in the window, logical pixels: `[x0, y0, x1, y1]`.
    viewport: Option<[f32; 4]>,
    /// Where the words that matter are drawn now: the selection, its neighbours and the words
    /// of every shown relation (tests read the screenshot's pixels there).
    screen_points: Vec<ScreenPointDump<'a>>,
    /// What colours the points: `cluster`, `latest-cluster`, `category` or a column's name.
    colour_by: &'a str,
    /// The legend, `[[value, count], ...]`, most rows first (counts of the filtered rows).
    legend: Vec<(&'a str, usize)>,
    /// A numeric colouring's range.
    colour_range: Option<[f64; 2]>,
    /// The filter (`COLUMN=VALUE` ...), if any, and the points it and the legend leave shown.
    filter: Option<String>,
    points_visible: usize,
    /// Rows in the box selection.
    selection_count: usize,
}

#[derive(serde::Serialize)]
struct AnalogyDump<'a> {
    words: [&'a str; 3],
    answer: Option<&'a str>,
    answer_similarity: Option<f32>,
    expected: Option<&'a str>,
    expected_rank: Option<usize>,
}

/// One word's point as drawn: window position (logical pixels), disc radius and colour.
#[derive(serde::Serialize)]
struct ScreenPointDump<'a> {
    word: &'a str,
    /// `selected`, `neighbor` or `relation`.
    role: &'static str,
    /// `None` when the point is outside the 3D view or behind the camera.
    x: Option<f32>,
    y: Option<f32>,
    radius_px: f32,
    /// The point's sRGB colour before depth shading.
    color: [u8; 3],
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

/// The selection, its neighbours and the shown relations' words, where they are drawn.
fn screen_points<'a>(sources: &'a DumpSources) -> Vec<ScreenPointDump<'a>> {
    let model = &*sources.model;
    let cloud = &*sources.cloud;
    let mut rows: Vec<(usize, &'static str)> = Vec::new();
    rows.extend(sources.selection.row.map(|r| (r, "selected")));
    rows.extend(
        sources
            .selection
            .neighbors
            .iter()
            .map(|n| (n.row, "neighbor")),
    );
    for pair in model
        .relations
        .iter()
        .filter(|p| sources.settings.shows_relation(&p.relation))
    {
        for word in [&pair.head, &pair.tail] {
            if let Some(row) = model.row_of(word)
                && !rows.iter().any(|(r, _)| *r == row)
            {
                rows.push((row, "relation"));
            }
        }
    }
    let base_radius_px = radius_px_for(cloud.len, sources.settings.point_size);
    rows.into_iter()
        .filter(|(row, _)| *row < cloud.len)
        .map(|(row, role)| {
            let at = cloud
                .position(model, row)
                .zip(sources.screen.as_ref())
                .and_then(|(world, screen)| screen.project(world))
                .map(|(at, _)| at);
            let style = sources
                .styles
                .as_ref()
                .and_then(|s| s.styles.get(row).copied())
                .unwrap_or([0; 4]);
            ScreenPointDump {
                word: model.words.get(row).map_or("", String::as_str),
                role,
                x: at.map(|a| a.x),
                y: at.map(|a| a.y),
                radius_px: base_radius_px * f32::from(style[3]) / 255.0 * STYLE_SCALE_MAX,
                color: [style[0], style[1], style[2]],
            }
        })
        .collect()
}

fn analogy_dump<'a>(sources: &'a DumpSources) -> Option<AnalogyDump<'a>> {
    let analogy = &*sources.analogy;
    let word = |row: usize| sources.model.words.get(row).map_or("", String::as_str);
    Some(AnalogyDump {
        words: [word(analogy.a?), word(analogy.b?), word(analogy.c?)],
        answer: analogy.results.first().map(|n| word(n.row)),
        answer_similarity: analogy.results.first().map(|n| n.similarity),
        expected: analogy.expected.map(word),
        expected_rank: analogy.expected_rank().map(|(rank, _)| rank),
    })
}

/// Writes the dump to `path` (atomically).
pub fn dump_state(
    sources: &DumpSources,
    playhead: &Playhead,
    lang: Lang,
    path: &Path,
) -> Result<(), String> {
    let model = &*sources.model;
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
            on_screen: model
                .frames
                .iter()
                .map(|f| f.relation_parallelism.get(i).copied().flatten())
                .collect(),
            consistency_now: snapshot_index
                .and_then(|f| model.frames.get(f))
                .and_then(|f| f.relation_scores.get(i))
                .and_then(|s| s.consistency),
            on_screen_now: snapshot_index
                .and_then(|f| model.frames.get(f))
                .and_then(|f| f.relation_parallelism.get(i).copied().flatten()),
            analogy_accuracy_last: model
                .frames
                .last()
                .and_then(|f| f.relation_scores.get(i))
                .and_then(|s| s.analogy_accuracy),
        })
        .collect();
    let mean_frame_ms = sources
        .diagnostics
        .as_ref()
        .and_then(|d| d.get(&FrameTimeDiagnosticsPlugin::FRAME_TIME))
        .and_then(|d| d.average())
        .map(|ms| ms as f32);
    let perf = sources.perf.as_deref();
    let shown = snapshot_index.and_then(|i| model.frames.get(i));
    let quality = shown.and_then(|f| f.quality);
    let dump = Dump {
        selected_word: sources.selection.row.map(word),
        neighbors: sources
            .selection
            .neighbors
            .iter()
            .map(|n| (word(n.row), n.similarity))
            .collect(),
        snapshot_index,
        snapshot_count: model.frames.len(),
        playhead_position: playhead.position,
        playing: playhead.playing,
        run_state: sources.run.state,
        loss: snapshot_index.and_then(|i| model.frames[i].meta.loss),
        relation_scores,
        words_on_screen: model.words.len(),
        projection_mode: format!("{:?}", model.settings.mode).to_lowercase(),
        lens: model.settings.lens.as_deref(),
        axes: model.settings.axes.as_deref(),
        view: sources.settings.view,
        lang,
        relation_sets: &model.relation_sets,
        comparison_phase: sources.comparison.phase,
        comparison_runs: &sources.comparison.runs,
        points_drawn: sources.uploads.as_ref().map_or(0, |u| u.points),
        neighbors_ms: sources.selection.search_ms,
        analysing: sources.analysis.line(),
        projection_method: shown.map(|f| f.projection.name()),
        pca_solver: shown
            .and_then(|f| f.projection.pca_solver())
            .map(|solver| match solver {
                crate::space::PcaSolver::Lobpcg => "lobpcg",
                crate::space::PcaSolver::Exact => "exact",
                crate::space::PcaSolver::ExactFallback => "exact_fallback",
            }),
        neighbor_preservation: quality.map(|q| q.neighbor_preservation),
        trustworthiness: quality.map(|q| q.trustworthiness),
        fully_analysed: model.fully_analysed(),
        mean_frame_ms,
        load_secs: perf.and_then(|p| p.load_secs),
        app_update_ms_p50: perf.and_then(|p| p.update_ms_percentile(50)),
        app_update_ms_p95: perf.and_then(|p| p.update_ms_percentile(95)),
        rss_mb: rss_mb(),
        errors: &sources.errors.messages,
        viewport: sources.screen.as_ref().map(|s| {
            [
                s.viewport.min.x,
                s.viewport.min.y,
                s.viewport.max.x,
                s.viewport.max.y,
            ]
        }),
        screen_points: screen_points(sources),
        colour_by: sources
            .column_look
            .as_ref()
            .map_or("", |l| l.colour_by.as_str()),
        legend: sources.column_look.as_ref().map_or_else(Vec::new, |l| {
            l.legend
                .iter()
                .map(|e| (e.name.as_str(), e.count))
                .collect()
        }),
        colour_range: sources.column_look.as_ref().and_then(|l| l.range),
        filter: sources
            .column_view
            .as_ref()
            .and_then(|v| v.filter.as_ref())
            .map(ToString::to_string),
        points_visible: sources
            .column_look
            .as_ref()
            .map_or(model.words.len(), |l| l.points_visible),
        selection_count: sources.column_view.as_ref().map_or(0, |v| v.selected.len()),
        analogy: analogy_dump(sources),
        hovered_word: sources
            .hovered
            .as_ref()
            .and_then(|h| h.row)
            .and_then(|r| model.words.get(r))
            .map(String::as_str),
    };
    let json = serde_json::to_string_pretty(&dump).map_err(|e| e.to_string())?;
    crate::atomic_file::write_atomically(path, |w| {
        use std::io::Write;
        w.write_all(json.as_bytes())
    })
    .map_err(|e| format!("cannot write {}: {e}", path.display()))
}
