//! `embedscape info FILE`: what is in a vectors file — rows, dimension, detected format, the
//! spread of vector lengths and how many rows are all zero (untrained or padding rows).

use super::load::{TableArgs, load_with_options};
use ndarray::{Array2, Axis};
use rayon::prelude::*;
use std::path::PathBuf;

#[derive(clap::Args, Debug, Default)]
pub struct InfoArgs {
    /// Vectors file: word2vec text or binary, fastText .vec, GloVe text or Projector TSV, plain or
    /// gzip (detected from the content); .npy, .npz, Parquet or Arrow (by extension). Pipes work:
    /// `cat v.txt | embedscape info /dev/stdin`.
    pub file: PathBuf,
    /// Replace invalid UTF-8 in words with U+FFFD instead of failing.
    #[arg(long)]
    pub lossy: bool,
    #[command(flatten)]
    pub table: TableArgs,
}

/// Summary of the rows' L2 norms.
#[derive(Debug, Clone, PartialEq)]
pub struct NormStats {
    pub min: f32,
    pub mean: f32,
    pub median: f32,
    pub max: f32,
    pub zero_rows: usize,
}

pub fn run(args: InfoArgs) -> anyhow::Result<()> {
    let loaded = load_with_options(&args.file, args.table.options(args.lossy))?;
    let emb = &loaded.embeddings;
    println!("file:       {}", args.file.display());
    println!("format:     {}", loaded.format);
    println!("rows:       {}", emb.len());
    println!("dimension:  {}", emb.dim());
    match norm_stats(emb.matrix()) {
        Some(stats) => {
            println!(
                "L2 norm:    min {:.4}  mean {:.4}  median {:.4}  max {:.4}",
                stats.min, stats.mean, stats.median, stats.max
            );
            println!("zero rows:  {}", stats.zero_rows);
        }
        None => println!("L2 norm:    (no rows)"),
    }
    if let Some(meta) = &loaded.metadata {
        let columns: Vec<String> = meta
            .columns()
            .iter()
            .map(|c| {
                let kind = if c.is_numeric() { "numbers" } else { "text" };
                format!("{} ({kind})", c.name)
            })
            .collect();
        println!("metadata:   {}", columns.join(", "));
    }
    println!("warnings:   {}", loaded.warnings.len());
    Ok(())
}

/// Norm statistics of the rows of `matrix`; `None` when it has no rows.
pub fn norm_stats(matrix: &Array2<f32>) -> Option<NormStats> {
    let mut norms: Vec<f32> = matrix
        .axis_iter(Axis(0))
        .into_par_iter()
        .map(|row| row.iter().map(|v| v * v).sum::<f32>().sqrt())
        .collect();
    if norms.is_empty() {
        return None;
    }
    norms.sort_unstable_by(f32::total_cmp);
    let n = norms.len();
    let median = if n % 2 == 1 {
        norms[n / 2]
    } else {
        (norms[n / 2 - 1] + norms[n / 2]) / 2.0
    };
    // Sum in f64: 100k+ rows of f32 accumulate visible rounding error otherwise.
    let mean = (norms.iter().map(|&v| f64::from(v)).sum::<f64>() / n as f64) as f32;
    Some(NormStats {
        min: norms[0],
        mean,
        median,
        max: norms[n - 1],
        zero_rows: norms.iter().take_while(|&&v| v == 0.0).count(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn stats_of_known_rows() {
        let stats = norm_stats(&array![[3.0, 4.0], [0.0, 0.0], [1.0, 0.0], [0.0, 2.0]]).unwrap();
        assert_eq!(
            stats,
            NormStats {
                min: 0.0,
                mean: 2.0,
                median: 1.5,
                max: 5.0,
                zero_rows: 1
            }
        );
        assert!(norm_stats(&Array2::zeros((0, 3))).is_none());
    }

    #[test]
    fn runs_on_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("v.txt");
        std::fs::write(&file, "a 1 0\nb 0 0\n").unwrap();
        run(InfoArgs {
            file,
            ..InfoArgs::default()
        })
        .unwrap();
    }
}
