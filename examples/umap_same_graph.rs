//! UMAP implementations compared on the very same neighbour graph and start layout: writes
//! embedscape's cosine kNN graph (15 neighbours, the word itself first at distance 0, as
//! umap-learn's `precomputed_knn` and `umap-rs` take it) and its PCA start as raw
//! little-endian files, then times embedscape's own layout on them (`umap_3d_on_graph`: fuzzy
//! graph + SGD only) and writes it as a layout TSV. `bench_project_reference.py umap-graph`
//! (umap-learn) and `examples/umap_rs_compare` (the `umap-rs` crate, a separate crate: it
//! cannot share this one's lockfile) read the same files; `score_layout` scores every TSV.
//!
//! Run: `cargo run --release --no-default-features --example umap_same_graph -- VECTORS DIR
//! [EPOCHS]` (default 200, umap-learn's above 10,000 rows). DIR gets `shape.txt` (rows,
//! neighbours), `knn_indices.u32`, `knn_dists.f32`, `init.f32` (rows x 3), `words.txt` and
//! `embedscape.tsv`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use embedscape::embeddings::formats::{LoadOptions, load};
use embedscape::space::{
    NeighborSearch, UmapOptions, cosine_knn_graph, umap_3d_on_graph, umap_pca_start,
};

/// Neighbours per row, the row itself included (umap-learn's default `n_neighbors`).
const NEIGHBOURS: usize = 15;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (vectors, dir) = match args.as_slice() {
        [vectors, dir, ..] => (PathBuf::from(vectors), PathBuf::from(dir)),
        _ => bail!("usage: umap_same_graph VECTORS DIR [EPOCHS]"),
    };
    let epochs: usize = match args.get(2) {
        Some(e) => e.parse().with_context(|| format!("EPOCHS: {e}"))?,
        None => 200,
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let emb = load(&vectors, &LoadOptions::default())
        .with_context(|| format!("loading {}", vectors.display()))?
        .embeddings;
    let matrix = emb.matrix();
    let n = matrix.nrows();

    let started = Instant::now();
    let knn = cosine_knn_graph(matrix.view(), NEIGHBOURS - 1, NeighborSearch::Auto, 0);
    println!("neighbour graph: {:.2} s", started.elapsed().as_secs_f64());
    let init = umap_pca_start(matrix.view(), 0).context("PCA start")?;

    let mut indices = Vec::with_capacity(n * NEIGHBOURS * 4);
    let mut dists = Vec::with_capacity(n * NEIGHBOURS * 4);
    for (row, near) in knn.iter().enumerate() {
        if near.len() != NEIGHBOURS - 1 {
            bail!("row {row} has {} neighbours", near.len());
        }
        for (other, d) in std::iter::once((row, 0.0f32)).chain(near.iter().copied()) {
            indices.extend_from_slice(&(other as u32).to_le_bytes());
            dists.extend_from_slice(&d.max(0.0).to_le_bytes());
        }
    }
    let init_bytes: Vec<u8> = init.iter().flat_map(|v| v.to_le_bytes()).collect();
    write(&dir.join("knn_indices.u32"), &indices)?;
    write(&dir.join("knn_dists.f32"), &dists)?;
    write(&dir.join("init.f32"), &init_bytes)?;
    write(
        &dir.join("shape.txt"),
        format!("{n} {NEIGHBOURS}\n").as_bytes(),
    )?;
    let words: String = emb.words().iter().map(|w| format!("{w}\n")).collect();
    write(&dir.join("words.txt"), words.as_bytes())?;

    let opts = UmapOptions {
        n_neighbors: NEIGHBOURS,
        min_dist: 0.1,
        n_epochs: Some(epochs),
        ..UmapOptions::default()
    };
    let started = Instant::now();
    let layout = umap_3d_on_graph(&knn, init.view(), &opts, &AtomicBool::new(false))
        .context("UMAP on the graph")?;
    println!(
        "embedscape umap_3d_on_graph: {n} rows, {} epochs in {:.2} s",
        layout.epochs_run,
        started.elapsed().as_secs_f64()
    );
    let mut tsv = String::from("word\tx\ty\tz\n");
    for (word, point) in emb.words().iter().zip(layout.coords.outer_iter()) {
        tsv.push_str(&format!(
            "{word}\t{}\t{}\t{}\n",
            point[0], point[1], point[2]
        ));
    }
    write(&dir.join("embedscape.tsv"), tsv.as_bytes())
}

fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    embedscape::atomic_file::write_atomically(path, |file| file.write_all(bytes))
        .with_context(|| format!("writing {}", path.display()))
}
