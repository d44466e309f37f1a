//! Runs the `umap-rs` crate on the files `umap_same_graph` wrote (the same kNN graph and PCA
//! start as embedscape's run, 3D, min_dist 0.1, the given epochs) and writes its layout as a
//! TSV for `score_layout`.
//!
//! Run: `cargo run --release -- DIR [EPOCHS]` (writes DIR/umap_rs.tsv).

use std::path::{Path, PathBuf};
use std::time::Instant;

use ndarray::Array2;
use umap_rs::{GraphParams, ManifoldParams, OptimizationParams, Umap, UmapConfig};

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = PathBuf::from(args.first().ok_or("usage: umap_rs_compare DIR [EPOCHS]")?);
    let epochs: usize = match args.get(1) {
        Some(e) => e.parse().map_err(|_| format!("EPOCHS: {e}"))?,
        None => 200,
    };
    let shape = read_text(&dir.join("shape.txt"))?;
    let mut parts = shape.split_whitespace().map(str::parse::<usize>);
    let (Some(Ok(n)), Some(Ok(k))) = (parts.next(), parts.next()) else {
        return Err(format!("bad shape.txt: {shape}"));
    };
    let indices: Vec<u32> = read_words(&dir.join("knn_indices.u32"))?
        .into_iter()
        .map(u32::from_le_bytes)
        .collect();
    let dists: Vec<f32> = read_words(&dir.join("knn_dists.f32"))?
        .into_iter()
        .map(f32::from_le_bytes)
        .collect();
    let init: Vec<f32> = read_words(&dir.join("init.f32"))?
        .into_iter()
        .map(f32::from_le_bytes)
        .collect();
    let words = read_text(&dir.join("words.txt"))?;
    let indices = Array2::from_shape_vec((n, k), indices).map_err(|e| e.to_string())?;
    let dists = Array2::from_shape_vec((n, k), dists).map_err(|e| e.to_string())?;
    let init = Array2::from_shape_vec((n, 3), init).map_err(|e| e.to_string())?;
    // `fit` reads only the data's row count (the graph is given).
    let data = Array2::<f32>::zeros((n, 1));
    let config = UmapConfig {
        n_components: 3,
        manifold: ManifoldParams {
            min_dist: 0.1,
            ..Default::default()
        },
        graph: GraphParams {
            n_neighbors: k,
            ..Default::default()
        },
        optimization: OptimizationParams {
            n_epochs: Some(epochs),
            ..Default::default()
        },
    };
    let started = Instant::now();
    let fitted = Umap::new(config).fit(data.view(), indices.view(), dists.view(), init.view());
    println!(
        "umap-rs 0.4.5 fit: {n} rows, {epochs} epochs in {:.2} s",
        started.elapsed().as_secs_f64()
    );
    let mut tsv = String::from("word\tx\ty\tz\n");
    for (word, point) in words.lines().zip(fitted.embedding().outer_iter()) {
        tsv.push_str(&format!("{word}\t{}\t{}\t{}\n", point[0], point[1], point[2]));
    }
    std::fs::write(dir.join("umap_rs.tsv"), tsv).map_err(|e| e.to_string())
}

fn read_text(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn read_words(path: &Path) -> Result<Vec<[u8; 4]>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(bytes
        .chunks_exact(4)
        .map(|c| [c[0], c[1], c[2], c[3]])
        .collect())
}
