//! The `dump` step: the app's state as JSON, for tests and benchmarks to read. It says what
//! is selected and its neighbours, where the playhead is, each relation's consistency over the
//! snapshots, where the camera is and what the app costs (points drawn, load time, update
//! time, memory).
//!
//! The dump is assembled from pieces, each from the plugins it describes: [`from_core`] (selection,
//! playback, run, model, analogy), [`from_render`] (camera, viewport, points drawn),
//! [`from_columns`] (colouring, legend, filter, box selection) and the app's
//! costs and language below. The step asks with a [`DumpRequest`]; [`write_dumps`] writes it
//! later in the same frame and counts it in [`DumpLog`].

mod from_columns;
mod from_core;
mod from_render;

use std::path::{Path, PathBuf};

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;

use crate::viewer::automation::perf::{PerfStats, rss_mb};
use crate::viewer::ui::i18n::Lang;
use from_columns::ColumnSources;
use from_core::CoreSources;
use from_render::RenderSources;

/// Write the state to this file.
#[derive(Message, Debug, Clone)]
pub(super) struct DumpRequest(pub PathBuf);

/// How many dumps were written (or failed), and the last failure.
#[derive(Resource, Debug, Default)]
pub(super) struct DumpLog {
    pub finished: usize,
    pub last_error: Option<String>,
}

/// Writes the dumps the script asks for.
pub(super) struct DumpPlugin;

impl Plugin for DumpPlugin {
    fn build(&self, app: &mut App) {
        app.add_message::<DumpRequest>()
            .init_resource::<DumpLog>()
            .add_systems(Update, write_dumps.in_set(super::ScriptSet::Write));
    }
}

/// What the app costs and how it speaks.
#[derive(SystemParam)]
struct AppSources<'w> {
    perf: Option<Res<'w, PerfStats>>,
    lang: Res<'w, Lang>,
}

#[derive(serde::Serialize)]
struct AppDump {
    lang: Lang,
    /// Mean wall-clock frame time over the last 60 frames.
    mean_frame_ms: Option<f32>,
    /// Seconds from launch to the first frame with every point drawn.
    load_secs: Option<f32>,
    /// The app's own systems per frame over the last 60 frames (rendering excluded).
    app_update_ms_p50: Option<f32>,
    app_update_ms_p95: Option<f32>,
    /// The app's own CPU time per frame (`view --single-threaded` only: every system on the
    /// main thread, so waiting for a core is not counted).
    app_update_cpu_ms_p50: Option<f32>,
    app_update_cpu_ms_p95: Option<f32>,
    rss_mb: Option<f32>,
}

fn app(sources: &AppSources) -> AppDump {
    let perf = sources.perf.as_deref();
    AppDump {
        lang: *sources.lang,
        mean_frame_ms: perf.and_then(PerfStats::mean_frame_ms),
        load_secs: perf.and_then(|p| p.load_secs),
        app_update_ms_p50: perf.and_then(|p| p.update_ms_percentile(50)),
        app_update_ms_p95: perf.and_then(|p| p.update_ms_percentile(95)),
        app_update_cpu_ms_p50: perf.and_then(|p| p.update_cpu_ms_percentile(50)),
        app_update_cpu_ms_p95: perf.and_then(|p| p.update_cpu_ms_percentile(95)),
        rss_mb: rss_mb(),
    }
}

/// The state a `dump` step writes: the pieces side by side in one JSON object.
#[derive(serde::Serialize)]
struct Dump<'a> {
    #[serde(flatten)]
    selection: from_core::SelectionDump<'a>,
    #[serde(flatten)]
    playback: from_core::PlaybackDump,
    #[serde(flatten)]
    run: from_core::RunDump<'a>,
    #[serde(flatten)]
    model: from_core::ModelDump<'a>,
    analogy: Option<from_core::AnalogyDump<'a>>,
    #[serde(flatten)]
    render: from_render::RenderDump<'a>,
    #[serde(flatten)]
    columns: from_columns::ColumnsDump<'a>,
    #[serde(flatten)]
    app: AppDump,
}

fn write_dumps(
    mut requests: MessageReader<DumpRequest>,
    core: CoreSources,
    render: RenderSources,
    column_sources: ColumnSources,
    app_sources: AppSources,
    mut log: ResMut<DumpLog>,
) {
    for DumpRequest(path) in requests.read() {
        let dump = Dump {
            selection: from_core::selection(&core),
            playback: from_core::playback(&core),
            run: from_core::run(&core),
            model: from_core::model(&core),
            analogy: from_core::analogy(&core),
            render: from_render::render(&render, &core),
            columns: from_columns::columns(&column_sources, &core),
            app: app(&app_sources),
        };
        log.finished += 1;
        log.last_error = write_json(&dump, path).err();
    }
}

/// Writes the dump to `path` (atomically).
fn write_json(dump: &Dump, path: &Path) -> Result<(), String> {
    let json = serde_json::to_string_pretty(dump).map_err(|e| e.to_string())?;
    crate::atomic_file::write_atomically(path, |w| {
        use std::io::Write;
        w.write_all(json.as_bytes())
    })
    .map_err(|e| format!("cannot write {}: {e}", path.display()))
}
