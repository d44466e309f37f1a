//! Headless ECS tests of the viewer's behaviour (MinimalPlugins, no window, no GPU): picking,
//! selection, timeline scrubbing and the training bridge.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bevy::prelude::*;
use ndarray::{Array2, array};

use super::bridge::{RunState, TrainCommand, TrainingRun};
use super::model::{FrameMeta, SpaceModel};
use super::picking::PointerClick;
use super::playback::{DisplayedCloud, Playhead, WORLD_SCALE};
use super::screen::ScreenPoints;
use super::selection::{SelectWord, Selection};
use super::{DataSource, ViewerOptions, add_viewer_plugins};

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

/// A model with four words and the given frames (4 x 3 vectors each).
fn app_with_frames(frames: Vec<Array2<f32>>) -> App {
    let mut app = headless_app(DataSource::Demo, false);
    let mut model = app.world_mut().resource_mut::<SpaceModel>();
    model.settings.cluster_count = 2;
    model.reset(words(&["法国", "巴黎", "日本", "东京"]));
    for (index, vectors) in frames.into_iter().enumerate() {
        model
            .push_frame(
                FrameMeta {
                    index,
                    ..FrameMeta::default()
                },
                Arc::new(vectors),
            )
            .unwrap();
    }
    app.update();
    app
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
    app.world_mut().insert_resource(ScreenPoints {
        positions: vec![
            Some(Vec2::new(100.0, 100.0)),
            Some(Vec2::new(300.0, 100.0)),
            None,
            Some(Vec2::new(500.0, 500.0)),
        ],
        depths: vec![0.5; 4],
        viewport: Rect::new(0.0, 0.0, 800.0, 600.0),
    });
    app.world_mut().write_message(PointerClick {
        position: Vec2::new(304.0, 97.0),
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
        position: Vec2::new(700.0, 20.0),
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
    let start = app.world().resource::<DisplayedCloud>().positions.clone();
    app.world_mut().resource_mut::<Playhead>().scrub_to(1.0, 2);
    app.update();
    let end = app.world().resource::<DisplayedCloud>().positions.clone();
    app.world_mut().resource_mut::<Playhead>().scrub_to(0.5, 2);
    app.update();
    let cloud = app.world().resource::<DisplayedCloud>();
    assert_eq!(cloud.positions.len(), 4);
    for ((mid, a), b) in cloud.positions.iter().zip(&start).zip(&end) {
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
    app.world_mut().write_message(TrainCommand::Pause);
    app.update();
    assert_eq!(
        app.world().resource::<TrainingRun>().state,
        RunState::Paused
    );
    app.world_mut().write_message(TrainCommand::Cancel);
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
        .write_message(TrainCommand::SetPretrained(Some(
            "/no/such/vectors.txt".into(),
        )));
    app.world_mut()
        .write_message(TrainCommand::Open(DataSource::Text(demo_like_corpus())));
    let failed = update_until(&mut app, Duration::from_secs(30), |w| {
        w.resource::<TrainingRun>().state == RunState::Failed
    });
    assert!(failed, "the run should fail");
    app.update();
    let log = app.world().resource::<super::model::ErrorLog>();
    assert!(
        log.messages.iter().any(|m| m.contains("vectors.txt")),
        "{:?}",
        log.messages
    );
}

#[test]
fn double_click_on_a_point_asks_the_camera_to_focus_it() {
    let mut app = app_with_frames(vec![sample_vectors()]);
    app.world_mut().insert_resource(ScreenPoints {
        positions: vec![None, None, Some(Vec2::new(50.0, 60.0)), None],
        depths: vec![0.5; 4],
        viewport: Rect::new(0.0, 0.0, 800.0, 600.0),
    });
    app.world_mut().write_message(PointerClick {
        position: Vec2::new(52.0, 61.0),
        double: true,
    });
    app.update();
    let focus = app
        .world()
        .resource::<bevy::ecs::message::Messages<super::picking::FocusWord>>();
    let mut cursor = focus.get_cursor();
    let sent: Vec<_> = cursor.read(focus).copied().collect();
    assert_eq!(sent, vec![super::picking::FocusWord(2)]);
    assert_eq!(app.world().resource::<Selection>().row, Some(2));
}
