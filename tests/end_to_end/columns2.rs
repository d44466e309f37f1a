//! The generated topic table in the window, on its own layout: the projection "as given" (its
//! `x`, `y` columns, drawn flat and face on), a search refused for a row the filter hides, a
//! lasso selection exported as Parquet and read back, and the neighbours of the selection's
//! centroid, found where the dump says they are drawn. Also the display panel's colour buttons
//! while a column colours the points.

#![cfg(feature = "viewer")]

use std::collections::{HashMap, HashSet};

use embedscape::embeddings::synthetic::topic_table;

use super::window::read_json;

/// The dump's points of `role` on screen: (word, x, y, radius).
fn screen_points(dump: &serde_json::Value, role: &str) -> Vec<(String, f32, f32, f32)> {
    dump["screen_points"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["role"] == role)
        .filter_map(|p| {
            Some((
                p["word"].as_str()?.to_owned(),
                p["x"].as_f64()? as f32,
                p["y"].as_f64()? as f32,
                p["radius_px"].as_f64()? as f32,
            ))
        })
        .collect()
}

/// The most common colour of the 3D view: its background.
fn background(image: &image::RgbImage, viewport: &[u32]) -> [u8; 3] {
    let mut counts: HashMap<[u8; 3], usize> = HashMap::new();
    for y in (viewport[1]..viewport[3].min(image.height())).step_by(3) {
        for x in (viewport[0]..viewport[2].min(image.width())).step_by(3) {
            *counts.entry(image.get_pixel(x, y).0).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .map_or([0; 3], |(c, _)| c)
}

/// Whether something other than the background is drawn within the point's disc.
fn drawn_at(image: &image::RgbImage, background: [u8; 3], x: f32, y: f32, radius: f32) -> bool {
    let reach = radius.max(2.0).ceil() as i64;
    (-reach..=reach).any(|dy| {
        (-reach..=reach).any(|dx| {
            let (px, py) = (x.round() as i64 + dx, y.round() as i64 + dy);
            if px < 0 || py < 0 || px >= image.width() as i64 || py >= image.height() as i64 {
                return false;
            }
            let pixel = image.get_pixel(px as u32, py as u32).0;
            let distance: i32 = (0..3)
                .map(|c| (i32::from(pixel[c]) - i32::from(background[c])).abs())
                .sum();
            distance > 60
        })
    })
}

#[test]
fn a_table_shown_as_given_with_a_parquet_export_and_the_selections_neighbours() {
    if !super::window::available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let table = topic_table(30_000, 16, 7);
    table.write_parquet(&d.join("docs.parquet")).unwrap();
    let row_of: HashMap<&str, usize> = table
        .labels
        .iter()
        .enumerate()
        .map(|(i, l)| (l.as_str(), i))
        .collect();
    // The first sports row: typing its label, its row is the search's first completion.
    let hidden = table.topics.iter().position(|t| t == "sports").unwrap();
    let out = |name: &str| d.join(name).display().to_string();
    std::fs::write(
        d.join("session.txt"),
        format!(
            "wait 30\ncolour-by topic\nwait 5\nscreenshot {}\ndump {}\npress cluster\nwait 5\n\
             dump {}\ncolour-by topic\nmethod given\nwait 20\nscreenshot {}\ndump {}\n\
             filter topic!=sports\npress search a word (中文 or English)\ntype doc{hidden}\n\
             key Enter\nwait 5\ndump {}\nselect-box 500 200 900 600\n\
             export-selection {}\nneighbours-of-selection\nwait 20\nscreenshot {}\ndump {}\n\
             quit\n",
            out("column.png"),
            out("column.json"),
            out("cluster.json"),
            out("given.png"),
            out("given.json"),
            out("hidden.json"),
            out("selection.parquet"),
            out("neighbours.png"),
            out("neighbours.json"),
        ),
    )
    .unwrap();
    super::window::run_table_session(d, &d.join("docs.parquet"));
    super::window::keep(d, &["column.png", "given.png", "neighbours.png"], "");
    // The display panel's cluster button replaces a column colouring.
    assert_eq!(read_json(&d.join("column.json"))["colour_by"], "topic");
    let cluster = read_json(&d.join("cluster.json"));
    assert_eq!(cluster["colour_by"], "cluster", "{cluster:#}");

    // As given: the table's own layout, flat and seen face on.
    let given = read_json(&d.join("given.json"));
    assert_eq!(given["projection_method"], "given", "{given:#}");
    assert_eq!(given["camera"]["yaw"], 0.0);
    assert_eq!(given["camera"]["pitch"], 0.0);
    assert!(given["errors"].as_array().unwrap().is_empty(), "{given:#}");

    // A row the filter hides is not selected by a search; the status line says why.
    let refused = read_json(&d.join("hidden.json"));
    assert!(refused["selected_word"].is_null(), "{refused:#}");
    let word = format!("\"doc{hidden}\" is hidden by the filter");
    assert!(
        refused["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e.as_str().unwrap().contains(&word)),
        "{refused:#}"
    );

    // The exported Parquet holds the selected rows, label and every column, as in the table.
    let neighbours = read_json(&d.join("neighbours.json"));
    let count = neighbours["selection_count"].as_u64().unwrap();
    assert!(count > 100, "{neighbours:#}");
    let exported = embedscape::embeddings::formats::read_metadata_table(
        &d.join("selection.parquet"),
        &embedscape::embeddings::formats::LoadOptions::default(),
    )
    .unwrap();
    assert_eq!(exported.key_name, "label");
    assert_eq!(exported.keys.len() as u64, count);
    assert_eq!(
        exported.metadata.names(),
        ["topic", "score", "source", "x", "y"]
    );
    let topics = exported.metadata.strings("topic").unwrap();
    let scores = exported.metadata.numbers("score").unwrap();
    let xs = exported.metadata.numbers("x").unwrap();
    let mut selected = HashSet::new();
    for (at, key) in exported.keys.iter().enumerate() {
        let i = row_of[key.as_deref().unwrap()];
        selected.insert(i);
        assert_eq!(topics[at].as_deref(), Some(table.topics[i].as_str()));
        assert_ne!(table.topics[i], "sports", "a hidden row was selected");
        assert_eq!(scores[at], Some(table.scores[i]));
        assert_eq!(xs[at], Some(table.xs[i]));
    }

    // The selection's neighbours: listed, outside the selection, none hidden.
    assert_eq!(neighbours["neighbors_of_selection"].as_u64(), Some(count));
    let listed: Vec<usize> = neighbours["neighbors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| row_of[n[0].as_str().unwrap()])
        .collect();
    assert_eq!(listed.len(), 10, "{neighbours:#}");
    for row in &listed {
        assert!(
            !selected.contains(row),
            "a selected row is its own neighbour"
        );
        assert_ne!(table.topics[*row], "sports", "a hidden row is listed");
    }
    // Drawn where the dump says, and placed as the table's x and y say: a flat layout seen
    // face on is the table's (x, -y) scaled and shifted, the same scale on both axes.
    let points = screen_points(&neighbours, "neighbor");
    assert!(points.len() >= 5, "{neighbours:#}");
    let png = d.join("neighbours.png");
    let image = image::open(&png).unwrap().to_rgb8();
    let viewport: Vec<u32> = neighbours["viewport"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap() as u32)
        .collect();
    let back = background(&image, &viewport);
    for (word, x, y, radius) in &points {
        assert!(
            drawn_at(&image, back, *x, *y, *radius),
            "{}: no point drawn for {word} at ({x}, {y})",
            png.display()
        );
    }
    let data = |word: &str| {
        let i = row_of[word];
        (table.xs[i], table.ys[i])
    };
    let (first, last) = points
        .iter()
        .flat_map(|a| points.iter().map(move |b| (a, b)))
        .max_by(|(a, b), (c, e)| {
            let span = |p: &(String, f32, f32, f32), q: &(String, f32, f32, f32)| {
                (p.1 - q.1).hypot(p.2 - q.2)
            };
            span(a, b).total_cmp(&span(c, e))
        })
        .unwrap();
    let (a, b) = (data(&first.0), data(&last.0));
    let data_span = (a.0 - b.0).hypot(a.1 - b.1) as f32;
    let scale = (first.1 - last.1).hypot(first.2 - last.2) / data_span;
    assert!(scale > 0.0, "{neighbours:#}");
    for (word, x, y, _) in &points {
        let (dx, dy) = data(word);
        let expected_x = first.1 + (dx - a.0) as f32 * scale;
        let expected_y = first.2 - (dy - a.1) as f32 * scale;
        assert!(
            (x - expected_x).abs() < 2.0 && (y - expected_y).abs() < 2.0,
            "{word} drawn at ({x}, {y}), its x, y say ({expected_x}, {expected_y})"
        );
    }
}
