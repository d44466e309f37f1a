//! Headless ECS tests of the viewer's behaviour (MinimalPlugins, no window, no GPU): picking,
//! selection, timeline scrubbing and the training bridge.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bevy::prelude::*;
use ndarray::{Array2, array};

use crate::viewer::core::bridge::{OpenCommand, RunCommand, RunState, TrainingRun};
use crate::viewer::core::display_settings::DisplaySettings;
use crate::viewer::core::model::{FrameMeta, ModelRequest, SpaceModel};
use crate::viewer::core::playback::{DisplayedCloud, Playhead, WORLD_SCALE};
use crate::viewer::core::selection::{SelectWord, Selection};
use crate::viewer::render::camera::FocusWord;
use crate::viewer::render::picking::PointerClick;
use crate::viewer::render::points::PointStyles;
use crate::viewer::render::screen::ScreenProjection;
use crate::viewer::{DataSource, ViewerOptions, add_viewer_plugins};

fn headless_app(source: DataSource, autostart: bool) -> App {
    headless_app_with_epochs(source, autostart, 3)
}

fn headless_app_with_epochs(source: DataSource, autostart: bool, epochs: usize) -> App {
    let mut app = App::new();
    app.add_plugins(MinimalPlugins);
    let options = ViewerOptions {
        source,
        autostart,
        with_rendering: false,
        train: crate::train::TrainConfig {
            dim: 16,
            epochs,
            min_count: 1,
            threads: 1,
            pre_tokenized: true,
            ..crate::train::TrainConfig::default()
        },
        ..ViewerOptions::default()
    };
    add_viewer_plugins(&mut app, options);
    app
}

fn words(list: &[&str]) -> Vec<String> {
    list.iter().map(|w| w.to_string()).collect()
}

/// A model with four words and the given frames (4 x 3 vectors each), analysed.
fn app_with_frames(frames: Vec<Array2<f32>>) -> App {
    let mut app = headless_app(DataSource::Demo, false);
    let count = frames.len();
    {
        let mut model = app.world_mut().resource_mut::<SpaceModel>();
        model.settings.cluster_count = 2;
        model.reset(words(&["法国", "巴黎", "日本", "东京"]));
        for (index, vectors) in frames.into_iter().enumerate() {
            let meta = FrameMeta {
                index,
                ..FrameMeta::default()
            };
            model.submit(meta, Arc::new(vectors));
        }
    }
    let analysed = update_until(&mut app, Duration::from_secs(30), |w| {
        w.resource::<SpaceModel>().frames.len() == count
    });
    assert!(analysed, "frames were not analysed");
    app.update();
    app
}

/// A projection that maps world x, y linearly onto an 800 x 600 viewport.
fn flat_projection() -> ScreenProjection {
    ScreenProjection {
        clip_from_world: Mat4::from_scale(Vec3::new(0.03, 0.03, 0.01))
            * Mat4::from_translation(Vec3::new(0.0, 0.0, 1.0)),
        viewport: Rect::new(0.0, 0.0, 800.0, 600.0),
    }
}

/// Where a row is drawn on screen now.
fn screen_position(app: &App, row: usize) -> Vec2 {
    let world = app.world();
    let model = world.resource::<SpaceModel>();
    let cloud = world.resource::<DisplayedCloud>();
    let screen = world.resource::<ScreenProjection>();
    let at = cloud.position(model, row).expect("row on screen");
    screen.project(at).expect("inside the viewport").0
}

fn sample_vectors() -> Array2<f32> {
    array![
        [1.0, 0.1, 0.0],
        [0.9, 0.2, 0.1],
        [-0.2, 1.0, 0.3],
        [-0.1, 0.8, 0.5]
    ]
}

#[test]
fn clicking_near_a_point_selects_it_and_lists_neighbors() {
    let mut app = app_with_frames(vec![sample_vectors()]);
    app.world_mut().insert_resource(flat_projection());
    let target = screen_position(&app, 1);
    app.world_mut().write_message(PointerClick {
        position: target + Vec2::new(2.0, -1.0),
        double: false,
    });
    app.update();
    app.update();
    let selection = app.world().resource::<Selection>();
    assert_eq!(selection.row, Some(1), "巴黎 should be picked");
    assert_eq!(
        selection.neighbors.first().map(|n| n.row),
        Some(0),
        "法国 is 巴黎's nearest"
    );
    assert!(
        selection.neighbors.iter().all(|n| n.row != 1),
        "query excluded"
    );

    // A click on empty space clears the selection.
    app.world_mut().write_message(PointerClick {
        position: Vec2::new(795.0, 5.0),
        double: false,
    });
    app.update();
    assert_eq!(app.world().resource::<Selection>().row, None);
}

#[test]
fn selecting_by_message_and_out_of_range_rows() {
    let mut app = app_with_frames(vec![sample_vectors()]);
    app.world_mut().write_message(SelectWord(Some(2)));
    app.update();
    let selection = app.world().resource::<Selection>();
    assert_eq!(selection.row, Some(2));
    assert_eq!(selection.neighbors.first().map(|n| n.row), Some(3));
    app.world_mut().write_message(SelectWord(Some(99)));
    app.update();
    assert_eq!(app.world().resource::<Selection>().row, None);
}

#[test]
fn scrubbing_interpolates_between_frames() {
    let first = sample_vectors();
    let second = sample_vectors().mapv(|v| v * 3.0) + 0.5;
    let mut app = app_with_frames(vec![first, second]);
    {
        let mut playhead = app.world_mut().resource_mut::<Playhead>();
        playhead.follow_latest = false;
        playhead.scrub_to(0.0, 2);
    }
    app.update();
    let positions = |app: &App| -> Vec<Vec3> {
        let model = app.world().resource::<SpaceModel>();
        let cloud = app.world().resource::<DisplayedCloud>();
        (0..4)
            .filter_map(|row| cloud.position(model, row))
            .collect()
    };
    let start = positions(&app);
    app.world_mut().resource_mut::<Playhead>().scrub_to(1.0, 2);
    app.update();
    let end = positions(&app);
    app.world_mut().resource_mut::<Playhead>().scrub_to(0.5, 2);
    app.update();
    let middle = positions(&app);
    assert_eq!(middle.len(), 4);
    for ((mid, a), b) in middle.iter().zip(&start).zip(&end) {
        assert!(mid.distance((*a + *b) / 2.0) < 1e-4, "{mid} vs {a} {b}");
    }
    let model = app.world().resource::<SpaceModel>();
    let expected = &model.frames[0].coords_3d;
    assert!((start[0].x - expected[[0, 0]] * WORLD_SCALE).abs() < 1e-4);
    // Scrubbing past the end clamps.
    let mut playhead = app.world_mut().resource_mut::<Playhead>();
    playhead.scrub_to(7.0, 2);
    assert_eq!(playhead.position, 1.0);
    assert!(playhead.follow_latest);
}

fn demo_like_corpus() -> String {
    let pairs = [
        ("法国", "巴黎"),
        ("日本", "东京"),
        ("德国", "柏林"),
        ("英国", "伦敦"),
    ];
    let mut text = String::new();
    for round in 0..30 {
        for (country, capital) in pairs {
            text.push_str(&format!("{country} 的 首都 是 {capital} 。\n"));
            text.push_str(&format!(
                "{capital} 是 {country} 最 大 的 城市 {round} 。\n"
            ));
        }
    }
    text
}

fn update_until(app: &mut App, limit: Duration, done: impl Fn(&World) -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        app.update();
        if done(app.world()) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    false
}

#[test]
fn training_bridge_turns_snapshots_into_frames() {
    let mut app = headless_app(DataSource::Text(demo_like_corpus()), true);
    let finished = update_until(&mut app, Duration::from_secs(120), |w| {
        w.resource::<TrainingRun>().state == RunState::Finished
            && w.resource::<SpaceModel>().pending() == 0
    });
    assert!(finished, "training did not finish");
    let model = app.world().resource::<SpaceModel>();
    assert!(
        model.frames.len() >= 2,
        "snapshot 0 and the final one at least"
    );
    assert_eq!(model.frames[0].meta.index, 0);
    assert!(model.row_of("巴黎").is_some());
    let last = model.frames.last().unwrap();
    assert!(last.meta.words_processed > 0);
    assert_eq!(last.coords_3d.nrows(), model.words.len());
    assert!(app.world().resource::<TrainingRun>().result.is_some());
}

#[test]
fn training_bridge_pauses_and_cancels() {
    // Enough epochs that the run cannot finish before the pause arrives.
    let mut app = headless_app_with_epochs(DataSource::Text(demo_like_corpus()), true, 100_000);
    assert!(update_until(&mut app, Duration::from_secs(60), |w| {
        !w.resource::<SpaceModel>().frames.is_empty()
    }));
    app.world_mut().write_message(RunCommand::Pause);
    app.update();
    assert_eq!(
        app.world().resource::<TrainingRun>().state,
        RunState::Paused
    );
    app.world_mut().write_message(RunCommand::Cancel);
    let ended = update_until(&mut app, Duration::from_secs(60), |w| {
        w.resource::<TrainingRun>().state == RunState::Cancelled
    });
    assert!(ended, "cancel while paused must end the run");
    assert!(
        app.world().resource::<TrainingRun>().result.is_some(),
        "work kept"
    );
}

#[test]
fn a_missing_pretrained_file_fails_the_run_without_stopping_the_app() {
    let mut app = headless_app(DataSource::Text(demo_like_corpus()), false);
    app.world_mut()
        .write_message(RunCommand::SetPretrained(Some(
            "/no/such/vectors.txt".into(),
        )));
    app.world_mut()
        .write_message(OpenCommand::Data(DataSource::Text(demo_like_corpus())));
    let failed = update_until(&mut app, Duration::from_secs(30), |w| {
        w.resource::<TrainingRun>().state == RunState::Failed
    });
    assert!(failed, "the run should fail");
    app.update();
    let log = app
        .world()
        .resource::<crate::viewer::core::model::ErrorLog>();
    assert!(
        log.messages.iter().any(|m| m.contains("vectors.txt")),
        "{:?}",
        log.messages
    );
}

/// Writes a word2vec text file of `dim`-dimensional vectors for every word of `corpus`.
fn write_pretrained_for(corpus: &str, dim: usize, path: &std::path::Path) {
    let mut words: Vec<&str> = corpus.split_whitespace().collect();
    words.sort_unstable();
    words.dedup();
    let mut text = format!("{} {dim}\n", words.len());
    for (i, word) in words.iter().enumerate() {
        let row: Vec<String> = (0..dim)
            .map(|j| format!("{}", ((i * dim + j) % 7) as f32 * 0.1))
            .collect();
        text += &format!("{word} {}\n", row.join(" "));
    }
    std::fs::write(path, text).unwrap();
}

#[test]
fn a_race_after_a_pretrained_run_trains_its_own_random_run_first() {
    // The session's own run starts from pretrained vectors; the race must not take that
    // finished run for its random one (it did: both curves were the pretrained run's).
    use crate::viewer::core::compare::{ComparePhase, Comparison, StartComparison};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pre.txt");
    let corpus = demo_like_corpus();
    write_pretrained_for(&corpus, 16, &path);
    let mut app = headless_app(DataSource::Text(corpus.clone()), false);
    app.world_mut()
        .write_message(RunCommand::SetPretrained(Some(path)));
    app.world_mut()
        .write_message(OpenCommand::Data(DataSource::Text(corpus)));
    assert!(update_until(&mut app, Duration::from_secs(120), |w| {
        w.resource::<TrainingRun>().state == RunState::Finished
            && w.resource::<SpaceModel>().pending() == 0
    }));
    let own_loss = app.world().resource::<TrainingRun>().loss_history.clone();
    app.world_mut().write_message(StartComparison);
    assert!(update_until(&mut app, Duration::from_secs(240), |w| {
        w.resource::<Comparison>().phase == ComparePhase::Done
    }));
    let comparison = app.world().resource::<Comparison>();
    assert_eq!(app.world().resource::<TrainingRun>().runs_started, 3);
    assert_eq!(comparison.runs.len(), 2);
    assert_ne!(
        comparison.runs[0].loss, own_loss,
        "the random run is a new run"
    );
}

#[test]
fn pretrained_vectors_of_another_width_set_the_runs_dimension() {
    // The session asks for 16 dimensions; the pretrained file has 8: the run trains at 8 (it
    // failed before), and the session keeps 8 so a random-versus-pretrained race compares runs
    // of one width.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pre.txt");
    write_pretrained_for(&demo_like_corpus(), 8, &path);
    let corpus = demo_like_corpus();
    let mut app = headless_app(DataSource::Text(corpus.clone()), false);
    app.world_mut()
        .write_message(RunCommand::SetPretrained(Some(path)));
    app.world_mut()
        .write_message(OpenCommand::Data(DataSource::Text(corpus)));
    let ended = update_until(&mut app, Duration::from_secs(120), |w| {
        matches!(
            w.resource::<TrainingRun>().state,
            RunState::Finished | RunState::Failed
        )
    });
    assert!(ended, "the run did not end");
    let run = app.world().resource::<TrainingRun>();
    assert_eq!(run.state, RunState::Finished);
    assert_eq!(run.config.dim, 8);
    assert_eq!(run.result.as_ref().map(|r| r.dim()), Some(8));
}

#[test]
fn double_click_on_a_point_asks_the_camera_to_focus_it() {
    let mut app = app_with_frames(vec![sample_vectors()]);
    app.world_mut().insert_resource(flat_projection());
    let target = screen_position(&app, 2);
    app.world_mut().write_message(PointerClick {
        position: target + Vec2::new(1.0, 1.0),
        double: true,
    });
    app.update();
    let focus = app
        .world()
        .resource::<bevy::ecs::message::Messages<FocusWord>>();
    let mut cursor = focus.get_cursor();
    let sent: Vec<_> = cursor.read(focus).copied().collect();
    assert_eq!(sent, vec![FocusWord(2)]);
    assert_eq!(app.world().resource::<Selection>().row, Some(2));
}

/// Records, each frame, which shared resources were changed (the idle-frame rule).
#[derive(Resource, Default)]
struct ChangeLog(Vec<&'static str>);

fn record_changes(
    model: Res<SpaceModel>,
    cloud: Res<DisplayedCloud>,
    playhead: Res<Playhead>,
    selection: Res<Selection>,
    settings: Res<DisplaySettings>,
    styles: Res<PointStyles>,
    mut log: ResMut<ChangeLog>,
) {
    let changed = [
        ("model", model.is_changed()),
        ("cloud", cloud.is_changed()),
        ("playhead", playhead.is_changed()),
        ("selection", selection.is_changed()),
        ("settings", settings.is_changed()),
        ("styles", styles.is_changed()),
    ];
    log.0
        .extend(changed.iter().filter(|(_, c)| *c).map(|(name, _)| *name));
}

#[test]
fn an_idle_frame_rebuilds_nothing() {
    let mut app = app_with_frames(vec![sample_vectors(), sample_vectors() * 2.0]);
    app.world_mut().write_message(SelectWord(Some(1)));
    app.world_mut().resource_mut::<Playhead>().scrub_to(1.0, 2);
    // Let the selection settle.
    for _ in 0..5 {
        app.update();
    }
    let styles_before = app.world().resource::<PointStyles>().generation;
    let cloud_before = app.world().resource::<DisplayedCloud>().generation;
    app.init_resource::<ChangeLog>()
        .add_systems(Last, record_changes);
    app.update(); // the first run of a new system sees everything as changed
    app.world_mut().resource_mut::<ChangeLog>().0.clear();
    for _ in 0..20 {
        app.update();
    }
    assert_eq!(
        app.world().resource::<ChangeLog>().0,
        Vec::<&str>::new(),
        "idle frames changed shared state"
    );
    assert_eq!(
        app.world().resource::<PointStyles>().generation,
        styles_before
    );
    assert_eq!(
        app.world().resource::<DisplayedCloud>().generation,
        cloud_before
    );
    // A real change is still seen: a new selection restyles the points once.
    app.world_mut().write_message(SelectWord(Some(2)));
    app.update();
    app.update();
    assert_eq!(
        app.world().resource::<PointStyles>().generation,
        styles_before + 1
    );
}

#[test]
fn snapshots_are_analysed_off_the_frame_loop_and_reanalysed_on_request() {
    let mut app = headless_app(DataSource::Demo, false);
    {
        let mut model = app.world_mut().resource_mut::<SpaceModel>();
        model.reset(words(&["法国", "巴黎", "日本", "东京"]));
        model.submit(FrameMeta::default(), Arc::new(sample_vectors()));
        // Submitting queues work; nothing is computed inside the caller's frame.
        assert!(model.frames.is_empty());
        assert_eq!(model.pending(), 1);
    }
    assert!(update_until(&mut app, Duration::from_secs(30), |w| {
        w.resource::<SpaceModel>().frames.len() == 1
    }));
    let before = app.world().resource::<SpaceModel>().frames_version;
    let mut settings = app.world().resource::<SpaceModel>().settings.clone();
    settings.cluster_count = 3;
    app.world_mut()
        .write_message(ModelRequest::SetSettings(settings));
    assert!(update_until(&mut app, Duration::from_secs(30), |w| {
        w.resource::<SpaceModel>().frames_version > before
    }));
    let model = app.world().resource::<SpaceModel>();
    assert_eq!(model.frames.len(), 1, "the frame is replaced, not appended");
    assert_eq!(model.settings.cluster_count, 3);
    assert!(model.frames[0].clusters.iter().all(|&c| c < 3));
}

#[test]
fn the_gpu_mesh_places_points_where_the_cpu_does() {
    let mut app = app_with_frames(vec![sample_vectors(), sample_vectors() * 3.0 + 0.5]);
    {
        let mut playhead = app.world_mut().resource_mut::<Playhead>();
        playhead.follow_latest = false;
        playhead.scrub_to(0.3, 2);
    }
    app.update();
    let world = app.world();
    let model = world.resource::<SpaceModel>();
    let cloud = world.resource::<DisplayedCloud>();
    let styles = world.resource::<PointStyles>();
    assert!((cloud.t - 0.3).abs() < 1e-6);
    let mesh = crate::viewer::render::points::point_mesh(
        model.frames[cloud.lower].coords_3d.view(),
        model.frames[cloud.upper].coords_3d.view(),
        &styles.styles,
        WORLD_SCALE,
    );
    use bevy::mesh::VertexAttributeValues;
    let Some(VertexAttributeValues::Float32x3(a)) = mesh.attribute(Mesh::ATTRIBUTE_POSITION) else {
        panic!("positions missing");
    };
    let Some(VertexAttributeValues::Float32x3(b)) =
        mesh.attribute(crate::viewer::render::points::ATTRIBUTE_NEXT_POSITION)
    else {
        panic!("next positions missing");
    };
    for row in 0..4 {
        let cpu = cloud.position(model, row).unwrap();
        for corner in 0..4 {
            let v = row * 4 + corner;
            let gpu = crate::viewer::core::playback::shader_position(
                Vec3::from(a[v]),
                Vec3::from(b[v]),
                cloud.t,
            );
            assert!(gpu.distance(cpu) < 1e-5, "row {row}: {gpu} vs {cpu}");
        }
    }
}

/// `clusters` tight clusters of `per_cluster` words in `dims` dimensions, and their words.
fn clustered_space(clusters: usize, per_cluster: usize, dims: usize) -> (Vec<String>, Array2<f32>) {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
    let centres = Array2::from_shape_fn((clusters, dims), |_| rng.gen_range(-1.0f32..1.0));
    let n = clusters * per_cluster;
    let vectors = Array2::from_shape_fn((n, dims), |(row, d)| {
        centres[[row % clusters, d]] + rng.gen_range(-0.25f32..0.25)
    });
    ((0..n).map(|i| format!("w{i}")).collect(), vectors)
}

fn set_method(app: &mut App, method: crate::space::ProjectionMethod) {
    let settings = crate::space::AnalysisSettings {
        method,
        ..app.world().resource::<SpaceModel>().settings.clone()
    };
    app.world_mut()
        .write_message(ModelRequest::SetSettings(settings));
}

fn analysed_with(w: &World, method: crate::space::ProjectionMethod) -> bool {
    let model = w.resource::<SpaceModel>();
    model.settings.method == method && model.fully_analysed()
}

#[test]
fn switching_to_umap_reanalyses_frames_and_a_new_setting_cancels_a_running_umap() {
    use crate::space::{FrameProjection, ProjectionMethod};
    let mut app = headless_app(DataSource::Demo, false);
    let (names, vectors) = clustered_space(8, 400, 24);
    {
        let mut model = app.world_mut().resource_mut::<SpaceModel>();
        model.reset(names);
        model.submit(FrameMeta::default(), Arc::new(vectors));
    }
    assert!(update_until(&mut app, Duration::from_secs(60), |w| {
        analysed_with(w, ProjectionMethod::Pca)
    }));
    let pca = app.world().resource::<SpaceModel>().frames[0].clone();
    assert!(matches!(pca.projection, FrameProjection::Pca(_)));

    // Switching to UMAP re-analyses the frame, with progress on the status line.
    let started = Instant::now();
    set_method(&mut app, ProjectionMethod::Umap);
    let saw_epochs = std::cell::Cell::new(false);
    assert!(update_until(&mut app, Duration::from_secs(300), |w| {
        let line = w
            .resource::<crate::viewer::core::analysis::AnalysisStatus>()
            .line();
        if line.is_some_and(|l| l.starts_with("UMAP of snapshot 1 of 1: epoch")) {
            saw_epochs.set(true);
        }
        analysed_with(w, ProjectionMethod::Umap)
    }));
    let full_umap = started.elapsed();
    assert!(saw_epochs.get(), "the status line showed UMAP's epochs");
    let umap = app.world().resource::<SpaceModel>().frames[0].clone();
    assert_eq!(umap.projection, FrameProjection::Umap);
    let gap = (&umap.coords_3d - &pca.coords_3d)
        .iter()
        .fold(0.0f32, |m, d| m.max(d.abs()));
    assert!(gap > 0.1, "UMAP moved the points (gap {gap})");
    let (p, u) = (pca.quality.unwrap(), umap.quality.unwrap());
    assert!(
        u.neighbor_preservation > p.neighbor_preservation,
        "UMAP {u:?} vs PCA {p:?}"
    );

    // Back to PCA, then UMAP again, and while that UMAP runs, a new cluster count: the running
    // layout is cancelled and the new generation's frame comes well before a full UMAP would.
    set_method(&mut app, ProjectionMethod::Pca);
    assert!(update_until(&mut app, Duration::from_secs(60), |w| {
        analysed_with(w, ProjectionMethod::Pca)
    }));
    set_method(&mut app, ProjectionMethod::Umap);
    assert!(update_until(&mut app, Duration::from_secs(60), |w| {
        w.resource::<crate::viewer::core::analysis::AnalysisStatus>()
            .umap
            .is_some()
    }));
    let switched = Instant::now();
    let settings = crate::space::AnalysisSettings {
        method: ProjectionMethod::Pca,
        cluster_count: 5,
        ..app.world().resource::<SpaceModel>().settings.clone()
    };
    app.world_mut()
        .write_message(ModelRequest::SetSettings(settings));
    assert!(update_until(&mut app, Duration::from_secs(60), |w| {
        analysed_with(w, ProjectionMethod::Pca)
    }));
    let after_cancel = switched.elapsed();
    let model = app.world().resource::<SpaceModel>();
    assert!(matches!(
        model.frames[0].projection,
        FrameProjection::Pca(_)
    ));
    assert!(model.frames[0].clusters.iter().all(|&c| c < 5));
    assert!(
        after_cancel < full_umap / 2,
        "new settings took {after_cancel:?}; a full UMAP takes {full_umap:?}"
    );
}

#[test]
fn a_bad_file_opened_in_the_window_is_reported_and_the_space_is_kept() {
    let mut app = app_with_frames(vec![sample_vectors()]);
    let dir = tempfile::tempdir().unwrap();
    let vectors = dir.path().join("broken.txt");
    std::fs::write(&vectors, "2 3\n法国 1 0 0\n巴黎 1 oops 0\n").unwrap();
    let timeline = dir.path().join("cut.timeline");
    std::fs::write(&timeline, b"not a timeline at all").unwrap();
    for (source, name) in [
        (DataSource::Vectors(vectors.clone()), "broken.txt"),
        (DataSource::Timeline(timeline.clone()), "cut.timeline"),
    ] {
        app.world_mut().write_message(OpenCommand::Data(source));
        let reported = update_until(&mut app, Duration::from_secs(30), |w| {
            w.resource::<crate::viewer::core::model::ErrorLog>()
                .messages
                .iter()
                .any(|m| m.contains(name))
        });
        let log = &app
            .world()
            .resource::<crate::viewer::core::model::ErrorLog>()
            .messages;
        assert!(reported, "no message naming {name}: {log:?}");
        let model = app.world().resource::<SpaceModel>();
        assert_eq!(model.frames.len(), 1, "the space on screen is kept");
        assert_eq!(model.words.len(), 4);
    }
    let log = &app
        .world()
        .resource::<crate::viewer::core::model::ErrorLog>()
        .messages;
    assert!(
        log.iter()
            .any(|m| m.contains("broken.txt") && m.contains("line 3")),
        "the vectors error names the line: {log:?}"
    );
}

#[test]
fn the_race_trains_both_runs_and_every_frame_says_which() {
    use crate::viewer::core::compare::{
        ComparePhase, Comparison, RaceStage, ShowRun, StartComparison,
    };
    let mut app = headless_app(DataSource::Text(demo_like_corpus()), true);
    assert!(update_until(&mut app, Duration::from_secs(120), |w| {
        w.resource::<TrainingRun>().state == RunState::Finished
            && w.resource::<SpaceModel>().pending() == 0
    }));
    app.world_mut().write_message(StartComparison);
    app.update();
    // The first frame of the race: the bridge has not started the random run yet and still
    // reports the run before as finished. That run must not count as the random one (it did:
    // the random run was skipped and the pretrained one started at once).
    let w = app.world();
    assert_eq!(w.resource::<Comparison>().phase, ComparePhase::Random);
    assert_eq!(
        w.resource::<Comparison>()
            .stage(w.resource::<TrainingRun>(), w.resource::<SpaceModel>()),
        Some(RaceStage::Starting { run: 0 })
    );
    // Every frame: what the race says agrees with the bridge's run.
    let mut seen = Vec::new();
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(240) {
        app.update();
        let w = app.world();
        let (comparison, run, model) = (
            w.resource::<Comparison>(),
            w.resource::<TrainingRun>(),
            w.resource::<SpaceModel>(),
        );
        let stage = comparison.stage(run, model);
        match stage {
            Some(RaceStage::Training { run: which }) => {
                assert!(run.is_training() || run.state == RunState::Loading);
                assert_eq!(run.pretrained.is_some(), which == 1, "run {which}");
            }
            Some(RaceStage::Analysing { .. }) => assert_eq!(run.state, RunState::Finished),
            Some(RaceStage::Starting { .. }) | None => {}
        }
        if seen.last() != Some(&stage) {
            seen.push(stage);
        }
        if comparison.phase == ComparePhase::Done {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    assert!(
        seen.contains(&Some(RaceStage::Training { run: 0 })),
        "the random run trained: {seen:?}"
    );
    assert!(
        seen.contains(&Some(RaceStage::Training { run: 1 })),
        "the pretrained run trained: {seen:?}"
    );
    let comparison = app.world().resource::<Comparison>();
    assert_eq!(comparison.phase, ComparePhase::Done, "{seen:?}");
    assert_eq!(comparison.runs.len(), 2);
    assert!(
        comparison.runs[1].loss[0][1] < comparison.runs[0].loss[0][1],
        "pretrained starts with a lower loss: {:?}",
        comparison
            .runs
            .iter()
            .map(|r| r.loss[0])
            .collect::<Vec<_>>()
    );
    // Showing the other run redraws its points: both runs had the same number of frames, and
    // the cloud (and with it the GPU upload) must still see a change.
    let cloud_before = app.world().resource::<DisplayedCloud>().generation;
    app.world_mut().write_message(ShowRun(0));
    app.update();
    app.update();
    assert_ne!(
        app.world().resource::<DisplayedCloud>().generation,
        cloud_before,
        "the random run's points are uploaded when it is shown"
    );
}

#[test]
fn umap_layouts_are_drawn_while_they_refine_and_switching_back_to_pca_stops_them() {
    use crate::space::{COARSE_START_MIN_ROWS, FrameProjection, ProjectionMethod};
    let mut app = headless_app(DataSource::Demo, false);
    // Enough words for the coarse start (a layout on screen before the neighbour graph).
    let (names, vectors) = clustered_space(40, COARSE_START_MIN_ROWS / 40 + 100, 16);
    {
        let mut model = app.world_mut().resource_mut::<SpaceModel>();
        model.reset(names);
        model.submit(FrameMeta::default(), Arc::new(vectors));
    }
    assert!(update_until(&mut app, Duration::from_secs(120), |w| {
        analysed_with(w, ProjectionMethod::Pca)
    }));
    let pca = app.world().resource::<SpaceModel>().frames[0].clone();

    // Switched to UMAP: layouts on the way replace the PCA frame's points (its colours kept)
    // before the complete UMAP frame arrives.
    set_method(&mut app, ProjectionMethod::Umap);
    let layouts_before_final = std::cell::Cell::new(0);
    let last_version = std::cell::Cell::new(app.world().resource::<SpaceModel>().frames_version);
    assert!(update_until(&mut app, Duration::from_secs(600), |w| {
        let model = w.resource::<SpaceModel>();
        let frame = &model.frames[0];
        if model.frames_version != last_version.get() && !model.fully_analysed() {
            last_version.set(model.frames_version);
            assert_eq!(frame.projection, FrameProjection::Umap);
            assert_eq!(
                frame.clusters, pca.clusters,
                "the old colours stay meanwhile"
            );
            assert!(
                frame.quality.is_none(),
                "no figure measured on another layout"
            );
            layouts_before_final.set(layouts_before_final.get() + 1);
        }
        analysed_with(w, ProjectionMethod::Umap)
    }));
    assert!(
        layouts_before_final.get() >= 1,
        "no layout was drawn before the complete frame"
    );
    let umap = app.world().resource::<SpaceModel>().frames[0].clone();
    assert!(umap.complete && umap.quality.is_some());

    // PCA, UMAP again, and back to PCA as soon as its first layout is on screen: the UMAP
    // run stops and no layout of it arrives after the PCA frame.
    set_method(&mut app, ProjectionMethod::Pca);
    assert!(update_until(&mut app, Duration::from_secs(120), |w| {
        analysed_with(w, ProjectionMethod::Pca)
    }));
    set_method(&mut app, ProjectionMethod::Umap);
    assert!(update_until(&mut app, Duration::from_secs(120), |w| {
        w.resource::<SpaceModel>().frames[0].projection == FrameProjection::Umap
    }));
    set_method(&mut app, ProjectionMethod::Pca);
    assert!(update_until(&mut app, Duration::from_secs(120), |w| {
        analysed_with(w, ProjectionMethod::Pca)
    }));
    let version = app.world().resource::<SpaceModel>().frames_version;
    let quiet_until = Instant::now() + Duration::from_secs(3);
    while Instant::now() < quiet_until {
        app.update();
        std::thread::sleep(Duration::from_millis(20));
    }
    let model = app.world().resource::<SpaceModel>();
    assert_eq!(model.frames_version, version, "a cancelled layout arrived");
    assert!(matches!(
        model.frames[0].projection,
        FrameProjection::Pca(_)
    ));
    assert!(
        app.world()
            .resource::<crate::viewer::core::analysis::AnalysisStatus>()
            .line()
            .is_none()
    );
}
