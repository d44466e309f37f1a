//! Projecting a space for a picture: PCA to 3D (how much variance each axis keeps), k-means
//! clusters by direction (what cosine similarity sees), and the `word x y z cluster` TSV that
//! `embedscape project` writes, read by spreadsheets and plotting tools.
//!
//! Run (any vectors file; `train_and_watch --save` writes one from the demo corpus):
//! `cargo run --release --example project_space -- demo.vec demo_coords.tsv`
//!
//! Arguments: `VECTORS OUT.tsv [K]`; K (the number of clusters) defaults to
//! `clamp(round(sqrt(n / 2)), 2, 12)`.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use embedscape::atomic_file::write_atomically;
use embedscape::embeddings::formats::{LoadOptions, load};
use embedscape::space::{KMeansOptions, PcaOptions, fit_pca3, kmeans_clusters, write_coords_tsv};

/// Words listed per cluster in the summary.
const WORDS_PER_CLUSTER: usize = 6;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (vectors, output) = match args.as_slice() {
        [vectors, output, ..] => (PathBuf::from(vectors), PathBuf::from(output)),
        _ => bail!("usage: project_space VECTORS OUT.tsv [K]"),
    };
    let k = match args.get(2) {
        Some(k) => Some(
            k.parse()
                .with_context(|| format!("K must be a number, not {k}"))?,
        ),
        None => None,
    };
    let emb = load(&vectors, &LoadOptions::default())
        .with_context(|| format!("loading {}", vectors.display()))?
        .embeddings;
    let matrix = emb.matrix().view();

    let pca = fit_pca3(matrix, &PcaOptions::default())?;
    let coords_3d = pca.project(matrix);
    let [x, y, z] = pca.explained_variance_ratio;
    println!(
        "{} words x {} dimensions → 3D: explained variance x {:.1}%, y {:.1}%, z {:.1}%",
        emb.len(),
        emb.dim(),
        x * 100.0,
        y * 100.0,
        z * 100.0
    );

    // Clusters are computed in the full space, not in the 3D picture.
    let clustering = kmeans_clusters(
        matrix,
        &KMeansOptions {
            k,
            ..KMeansOptions::default()
        },
    )?;
    for cluster in 0..clustering.k {
        let members: Vec<&str> = (0..emb.len())
            .filter(|&row| clustering.labels[row] == cluster)
            .filter_map(|row| emb.word(row))
            .collect();
        println!(
            "cluster {cluster:2}: {:5} words, e.g. {}",
            members.len(),
            members[..members.len().min(WORDS_PER_CLUSTER)].join(" ")
        );
    }

    // Written under a temporary name and renamed, so a failure never leaves half a file.
    write_atomically(&output, |w| {
        write_coords_tsv(w, emb.words(), coords_3d.view(), &clustering.labels)
    })
    .with_context(|| format!("writing {}", output.display()))?;
    println!("coordinates written to {}", output.display());
    Ok(())
}
