//! UMAP's neighbour graph: exact (blocked matrix products) against approximate (NN-descent),
//! time and recall@k, to choose the row count from which `NeighborSearch::Auto` goes
//! approximate (`APPROXIMATE_KNN_MIN_ROWS`).
//!
//! Run: `cargo run --release --no-default-features --example bench_knn -- VECTORS [ROWS...]`
//! (each ROWS takes the file's first ROWS rows; default: all). Recall is measured against the
//! exact graph on all rows up to 50,000 rows, above that against exact top-k lists of 1,000
//! seeded sample rows (`NeighborIndex`), since the exact graph would take hours.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use embedscape::embeddings::formats::{LoadOptions, load};
use embedscape::space::{NeighborIndex, NeighborSearch, cosine_knn_graph};
use ndarray::s;

/// Neighbours per row, as UMAP's default 15 (the row itself included) asks for.
const K: usize = 14;
/// Largest set whose exact graph is computed.
const EXACT_MAX_ROWS: usize = 50_000;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first().map(PathBuf::from) else {
        bail!("usage: bench_knn VECTORS [ROWS...]");
    };
    let emb = load(&path, &LoadOptions::default())
        .with_context(|| format!("loading {}", path.display()))?
        .embeddings;
    let sizes: Vec<usize> = if args.len() > 1 {
        args[1..]
            .iter()
            .map(|a| a.parse().with_context(|| format!("ROWS {a}")))
            .collect::<Result<_>>()?
    } else {
        vec![emb.len()]
    };
    println!("rayon threads: {}", rayon::current_num_threads());
    for n in sizes {
        let data = emb.matrix().slice(s![..n.min(emb.len()), ..]);
        let n = data.nrows();
        let started = Instant::now();
        let approx = cosine_knn_graph(data, K, NeighborSearch::Approximate, 0);
        let approx_secs = started.elapsed().as_secs_f64();
        let (truth, exact_secs): (Vec<(usize, Vec<usize>)>, Option<f64>) = if n <= EXACT_MAX_ROWS {
            let started = Instant::now();
            let exact = cosine_knn_graph(data, K, NeighborSearch::Exact, 0);
            let secs = started.elapsed().as_secs_f64();
            let lists = exact
                .into_iter()
                .enumerate()
                .map(|(row, list)| (row, list.into_iter().map(|(r, _)| r).collect()))
                .collect();
            (lists, Some(secs))
        } else {
            let index = NeighborIndex::from_matrix(data);
            let step = n / 1000;
            let lists = (0..1000)
                .map(|i| {
                    let row = i * step;
                    let top = index.top_k(row, K).unwrap_or_default();
                    (row, top.iter().map(|nb| nb.row).collect())
                })
                .collect();
            (lists, None)
        };
        let (mut hits, mut total) = (0usize, 0usize);
        for (row, want) in &truth {
            total += want.len();
            hits += want
                .iter()
                .filter(|r| approx[*row].iter().any(|(q, _)| q == *r))
                .count();
        }
        let exact_text = exact_secs.map_or("not run".into(), |s| format!("{s:.2} s"));
        println!(
            "{n} x {}: approximate {approx_secs:.2} s, exact {exact_text}; recall@{K} {:.4} \
             (on {} rows)",
            data.ncols(),
            hits as f64 / total as f64,
            truth.len()
        );
    }
    Ok(())
}
