//! Headless tests of what a lasso selection and a table's columns do to the selection: the
//! neighbours of a selection's centroid, rows hidden by the filter refused as a selection (with
//! the reason in the status line), and a table's own layout shown "as given".

use std::sync::Arc;
use std::time::{Duration, Instant};

use bevy::prelude::*;
use ndarray::{Array2, array};

use crate::embeddings::{Column, Metadata};
use crate::space::{FrameProjection, ProjectionMethod};
use crate::viewer::core::columns::ColumnsCommand;
use crate::viewer::core::model::{ErrorLog, FrameMeta, ModelRequest, SpaceModel};
use crate::viewer::core::selection::{NeighboursOfRows, SelectWord, Selection};
use crate::viewer::{DataSource, ViewerOptions, add_viewer_plugins};

const WORDS: [&str; 6] = ["a0", "a1", "b0", "b1", "c0", "c1"];

fn vectors() -> Array2<f32> {
    array![
        [1.0, 0.0, 0.0],
        [0.9, 0.3, 0.0],
        [0.8, 0.6, 0.0],
        [0.7, 0.7, 0.1],
        [0.0, 0.1, 1.0],
        [-1.0, 0.0, 0.0],
    ]
}

fn table() -> Metadata {
    let text = |values: &[&str]| values.iter().map(|v| Some((*v).to_owned())).collect();
    Metadata::from_columns(
        6,
        vec![
            Column::from_text("topic", text(&["a", "a", "b", "b", "c", "c"])),
            Column::from_text("x", text(&["0", "1", "2", "3", "4", "5"])),
            Column::from_text("y", text(&["0", "0", "1", "1", "0", "0"])),
        ],
    )
    .unwrap()
}

fn update_until(app: &mut App, done: impl Fn(&World) -> bool) -> bool {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(30) {
        app.update();
        if done(app.world()) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    false
}

/// Six rows with a `topic` and an `x`, `y` layout, analysed.
fn app_with_table() -> App {
    let mut app = App::new();
    app.add_plugins(MinimalPlugins);
    add_viewer_plugins(
        &mut app,
        ViewerOptions {
            source: DataSource::Demo,
            autostart: false,
            with_rendering: false,
            ..ViewerOptions::default()
        },
    );
    {
        let mut model = app.world_mut().resource_mut::<SpaceModel>();
        model.settings.cluster_count = 2;
        model.reset(WORDS.iter().map(|w| (*w).to_owned()).collect());
        model.set_row_metadata(Some(table()), None).unwrap();
        model.submit(FrameMeta::default(), Arc::new(vectors()));
    }
    assert!(
        update_until(&mut app, |w| w.resource::<SpaceModel>().fully_analysed()),
        "not analysed"
    );
    app.update();
    app
}

fn neighbour_rows(app: &App) -> Vec<usize> {
    let selection = app.world().resource::<Selection>();
    selection.neighbors.iter().map(|n| n.row).collect()
}

#[test]
fn a_row_the_filter_hides_cannot_be_selected_and_the_status_line_says_why() {
    let mut app = app_with_table();
    app.world_mut()
        .write_message(ColumnsCommand::Filter(Some("topic!=b".into())));
    app.update();
    app.update();
    // Row 2 (b0) is hidden: a search or a saved view asking for it is refused.
    app.world_mut().write_message(SelectWord(Some(2)));
    app.update();
    assert_eq!(app.world().resource::<Selection>().row, None);
    let errors = &app.world().resource::<ErrorLog>().messages;
    assert!(
        errors
            .last()
            .is_some_and(|e| e.contains("\"b0\" is hidden by the filter")),
        "{errors:?}"
    );
    // A shown row is selected as before.
    app.world_mut().write_message(SelectWord(Some(0)));
    app.update();
    assert_eq!(app.world().resource::<Selection>().row, Some(0));
    // With the filter off, the row is selectable again.
    app.world_mut().write_message(ColumnsCommand::Filter(None));
    app.update();
    app.update();
    app.world_mut().write_message(SelectWord(Some(2)));
    app.update();
    assert_eq!(app.world().resource::<Selection>().row, Some(2));
}

#[test]
fn neighbours_of_a_selection_are_its_centroids_without_its_rows_or_hidden_rows() {
    let mut app = app_with_table();
    app.world_mut().resource_mut::<Selection>().k = 3;
    app.world_mut().write_message(NeighboursOfRows(vec![0, 1]));
    app.update();
    let selection = app.world().resource::<Selection>();
    assert_eq!(selection.row, None);
    assert_eq!(&*selection.group, [0, 1]);
    // The centroid of a0 and a1 lies nearest b0, then b1; the group's own rows are left out.
    assert_eq!(neighbour_rows(&app), [2, 3, 4]);
    // Rows the filter hides are never listed.
    app.world_mut()
        .write_message(ColumnsCommand::Filter(Some("topic!=b".into())));
    app.update();
    app.update();
    app.world_mut().write_message(NeighboursOfRows(vec![0, 1]));
    app.update();
    assert_eq!(neighbour_rows(&app), [4, 5]);
    // Selecting a word (or nothing) replaces the group's neighbours.
    app.world_mut().write_message(SelectWord(None));
    app.update();
    let selection = app.world().resource::<Selection>();
    assert!(selection.group.is_empty() && selection.neighbors.is_empty());
}

#[test]
fn a_table_with_x_and_y_is_shown_as_given_and_flat() {
    let mut app = app_with_table();
    {
        let model = app.world().resource::<SpaceModel>();
        let given = model.given.as_ref().expect("x and y give a layout");
        assert!(given.flat);
        // Offered, not imposed: the projection stays PCA until chosen.
        assert_eq!(model.settings.method, ProjectionMethod::Pca);
    }
    let settings = crate::space::AnalysisSettings {
        method: ProjectionMethod::Given,
        ..app.world().resource::<SpaceModel>().settings.clone()
    };
    app.world_mut()
        .write_message(ModelRequest::SetSettings(settings));
    assert!(update_until(&mut app, |w| {
        let model = w.resource::<SpaceModel>();
        model.fully_analysed() && model.settings.method == ProjectionMethod::Given
    }));
    let model = app.world().resource::<SpaceModel>();
    let frame = &model.frames[0];
    assert_eq!(frame.projection, FrameProjection::Given);
    let given = model.given.as_ref().unwrap();
    assert_eq!(frame.coords_3d, given.coords_3d);
    assert!(frame.coords_3d.column(2).iter().all(|z| *z == 0.0));
    // x grows with the rows, as the table says.
    assert!(frame.coords_3d[[0, 0]] < frame.coords_3d[[5, 0]]);
}

#[test]
fn named_coordinates_columns_must_exist_and_hold_numbers() {
    let mut model = SpaceModel::default();
    model.reset(WORDS.iter().map(|w| (*w).to_owned()).collect());
    let names = ["x".to_owned(), "depth".to_owned()];
    let error = model
        .set_row_metadata(Some(table()), Some(&names))
        .unwrap_err();
    assert!(
        error.starts_with("--coords-columns x,depth: no coordinates column \"depth\""),
        "{error}"
    );
    let names = ["x".to_owned(), "topic".to_owned()];
    let error = model.set_row_metadata(None, Some(&names)).unwrap_err();
    assert!(error.contains("holds text, not numbers"), "{error}");
    // Named columns that hold numbers: the method starts as given.
    let names = ["y".to_owned(), "x".to_owned()];
    model.set_row_metadata(None, Some(&names)).unwrap();
    assert_eq!(model.settings.method, ProjectionMethod::Given);
    // A new space (a training run) has no layout: back to PCA.
    model.reset(vec!["w".into()]);
    assert!(model.given.is_none());
    assert_eq!(model.settings.method, ProjectionMethod::Pca);
}
