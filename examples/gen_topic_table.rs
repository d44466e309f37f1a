//! Writes a Parquet table of embeddings with metadata, as a model's output with its documents'
//! columns: `label` (doc0, doc1, ...), `vector` (list of float32), `topic` (five blobs of
//! unequal size), `score` (a number that runs across the blobs) and `source` (one of three).
//! Open it in the window and colour, filter and select by its columns:
//!
//! ```text
//! cargo run --release --example gen_topic_table -- docs.parquet [ROWS] [DIM]
//! embedscape view --vectors docs.parquet
//! ```
//! ROWS defaults to 30,000 and DIM to 16; the same arguments write the same file.

use std::path::PathBuf;
use std::sync::Arc;

use arrow_array::types::Float32Type;
use arrow_array::{ArrayRef, Float64Array, ListArray, RecordBatch, StringArray};
use embedscape::embeddings::synthetic::topic_table;
use parquet::arrow::ArrowWriter;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let path = PathBuf::from(args.next().unwrap_or_else(|| "docs.parquet".to_owned()));
    let rows: usize = args.next().map_or(Ok(30_000), |a| a.parse())?;
    let dim: usize = args.next().map_or(Ok(16), |a| a.parse())?;
    let table = topic_table(rows, dim, 7);
    let vectors = ListArray::from_iter_primitive::<Float32Type, _, _>(
        table
            .vectors
            .outer_iter()
            .map(|row| Some(row.iter().map(|&v| Some(v)).collect::<Vec<_>>())),
    );
    let batch = RecordBatch::try_from_iter([
        (
            "label",
            Arc::new(StringArray::from(table.labels)) as ArrayRef,
        ),
        ("vector", Arc::new(vectors) as ArrayRef),
        (
            "topic",
            Arc::new(StringArray::from(table.topics)) as ArrayRef,
        ),
        (
            "score",
            Arc::new(Float64Array::from(table.scores)) as ArrayRef,
        ),
        (
            "source",
            Arc::new(StringArray::from(table.sources)) as ArrayRef,
        ),
    ])?;
    let mut writer = ArrowWriter::try_new(std::fs::File::create(&path)?, batch.schema(), None)?;
    writer.write(&batch)?;
    writer.close()?;
    println!("wrote {} rows x {dim} to {}", rows, path.display());
    Ok(())
}
