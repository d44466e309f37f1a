//! `embedscape project`: PCA to 3D (+ k-means clusters) written as `word x y z cluster` TSV.

use std::path::PathBuf;

use anyhow::Context;
use embedscape::atomic_file::write_atomically;
use embedscape::space::{KMeansOptions, PcaOptions, fit_pca3, kmeans_clusters, write_coords_tsv};

use super::load::load_vectors;

#[derive(clap::Args, Default)]
pub struct ProjectArgs {
    /// Vectors file (word2vec text or GloVe text).
    #[arg(long)]
    pub vectors: PathBuf,
    /// Output TSV (header `word x y z cluster`), written atomically.
    #[arg(short, long)]
    pub output: PathBuf,
    /// Number of k-means clusters (default: clamp(round(sqrt(n/2)), 2, 12)); 0 = no clustering.
    #[arg(long)]
    pub clusters: Option<usize>,
    /// Fit the PCA on at most this many randomly sampled rows (all rows are projected).
    #[arg(long, default_value_t = 50_000)]
    pub max_fit_rows: usize,
    /// Seed for the PCA row sample and k-means.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Replace invalid UTF-8 in the file instead of failing.
    #[arg(long)]
    pub lossy: bool,
}

pub fn run(args: ProjectArgs) -> anyhow::Result<()> {
    let emb = load_vectors(&args.vectors, args.lossy)?;
    let opts = PcaOptions {
        max_fit_rows: args.max_fit_rows,
        seed: args.seed,
    };
    let pca = fit_pca3(emb.matrix().view(), &opts).context("PCA")?;
    let coords_3d = pca.project(emb.matrix().view());
    let labels = match args.clusters {
        Some(0) => Vec::new(),
        k => {
            let kopts = KMeansOptions {
                k,
                seed: args.seed,
                ..Default::default()
            };
            kmeans_clusters(emb.matrix().view(), &kopts)
                .context("k-means")?
                .labels
        }
    };
    write_atomically(&args.output, |w| {
        write_coords_tsv(w, emb.words(), coords_3d.view(), &labels)
    })
    .with_context(|| format!("writing {}", args.output.display()))?;
    let [a, b, c] = pca.explained_variance_ratio;
    eprintln!(
        "{} words → {}; explained variance x {:.1}%, y {:.1}%, z {:.1}% (total {:.1}%)",
        emb.len(),
        args.output.display(),
        a * 100.0,
        b * 100.0,
        c * 100.0,
        (a + b + c) * 100.0
    );
    Ok(())
}
