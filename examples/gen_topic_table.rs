//! Writes a Parquet table of embeddings with metadata, as a model's output with its documents'
//! columns: `label` (doc0, doc1, ...), `vector` (list of float32), `topic` (five blobs of
//! unequal size), `score` (a number that runs across the blobs), `source` (one of three) and
//! `x`, `y` (the table's own 2-D layout: the projection "as given" in the window).
//! Open it in the window and colour, filter and select by its columns:
//!
//! ```text
//! cargo run --release --example gen_topic_table -- docs.parquet [ROWS] [DIM]
//! embedscape view --vectors docs.parquet
//! ```
//! ROWS defaults to 30,000 and DIM to 16; the same arguments write the same file.

use std::path::PathBuf;

use embedscape::embeddings::synthetic::topic_table;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let path = PathBuf::from(args.next().unwrap_or_else(|| "docs.parquet".to_owned()));
    let rows: usize = args.next().map_or(Ok(30_000), |a| a.parse())?;
    let dim: usize = args.next().map_or(Ok(16), |a| a.parse())?;
    let table = topic_table(rows, dim, 7);
    table.write_parquet(&path)?;
    println!("wrote {} rows x {dim} to {}", rows, path.display());
    Ok(())
}
