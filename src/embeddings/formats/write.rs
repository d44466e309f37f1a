//! Writers for every format, all through [`crate::atomic_file`] so a failed or interrupted save
//! never leaves a half-written file; the two files of Projector TSV are written all-or-nothing.
//!
//! Text values are written with Rust's `{}` for `f32`, the shortest representation that parses
//! back to the same bits, so text files round-trip exactly. Formatting is the slow part of
//! writing text, so blocks of rows are formatted in parallel and written in order.

use super::error::{Location, Problem};
use super::tsv::metadata_path_for;
use super::{Format, FormatError};
use crate::atomic_file::{WriteBatch, write_atomically};
use crate::embeddings::Embeddings;
use rayon::prelude::*;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::Path;

/// Formatted text per parallel task and per write batch: a batch holds about 64 MiB of text
/// (one row at least) whatever the dimension. A row of 100,000 values is 1.2 MB of text, so a
/// fixed number of rows per task would reserve gigabytes.
const TASK_TEXT_BYTES: usize = 1 << 20;
const BATCH_TEXT_BYTES: usize = 64 << 20;
/// Text reserved per value (sign, digits, separator: `-0.12345678 ` and the like).
const TEXT_BYTES_PER_VALUE: usize = 12;

/// Rows formatted per parallel task for rows of `dim` values: at least one.
fn rows_per_task(dim: usize) -> usize {
    (TASK_TEXT_BYTES / (dim.max(1) * TEXT_BYTES_PER_VALUE)).max(1)
}

/// Rows per write batch: whole tasks, at least one.
fn rows_per_batch(dim: usize) -> usize {
    let task_bytes = rows_per_task(dim) * dim.max(1) * TEXT_BYTES_PER_VALUE;
    (BATCH_TEXT_BYTES / task_bytes).max(1) * rows_per_task(dim)
}

/// The most text a write batch of rows of `dim` values holds at once, in bytes.
pub fn batch_text_bytes(dim: usize) -> u64 {
    (rows_per_batch(dim) * dim.max(1) * TEXT_BYTES_PER_VALUE) as u64
}

pub(crate) fn save(emb: &Embeddings, path: &Path, format: Format) -> Result<(), FormatError> {
    if emb.dim() == 0 && format.is_writable() {
        return Err(FormatError::parse(
            path,
            Location::File,
            Problem::SizeMismatch("cannot write vectors of dimension 0".into()),
        ));
    }
    check_words(emb, path, format)?;
    let write_error = |path: &Path| {
        let path = path.to_path_buf();
        move |source| FormatError::Write {
            path,
            error: source,
        }
    };
    match format {
        Format::Word2VecText => {
            write_atomically(path, |w| write_text(emb, w, true, ' ')).map_err(write_error(path))
        }
        Format::GloveText => {
            write_atomically(path, |w| write_text(emb, w, false, ' ')).map_err(write_error(path))
        }
        Format::Word2VecBinary => {
            write_atomically(path, |w| write_binary(emb, w)).map_err(write_error(path))
        }
        Format::ProjectorTsv => {
            // Both files or neither: a failure on the labels must not leave new vectors
            // beside old labels (or an old file already replaced).
            let meta = metadata_path_for(path);
            let mut batch = WriteBatch::new();
            batch
                .add(path, |w| write_text(emb, w, false, '\t'))
                .map_err(write_error(path))?;
            batch
                .add(&meta, |w| {
                    emb.words()
                        .iter()
                        .try_for_each(|word| writeln!(w, "{word}"))
                })
                .map_err(write_error(&meta))?;
            batch.commit().map_err(write_error(path))
        }
        table => Err(FormatError::parse(
            path,
            Location::File,
            Problem::Table(format!(
                "{table} files are read, not written: write w2v-text, glove, w2v-binary or tsv"
            )),
        )),
    }
}

/// Refuses words that would corrupt the file: empty ones, and ones containing the format's
/// separators (whitespace for word2vec/GloVe, tabs and line breaks for TSV metadata).
fn check_words(emb: &Embeddings, path: &Path, format: Format) -> Result<(), FormatError> {
    for (row, word) in emb.words().iter().enumerate() {
        let reason = if word.is_empty() {
            Some("it is empty")
        } else if format == Format::ProjectorTsv {
            word.contains(['\t', '\n', '\r'])
                .then_some("labels cannot contain tabs or line breaks")
        } else {
            word.contains(|c: char| c.is_ascii_whitespace())
                .then_some("words cannot contain spaces, tabs or line breaks")
        };
        if let Some(reason) = reason {
            return Err(FormatError::parse(
                path,
                Location::Line(row as u64 + 1),
                Problem::UnwritableWord {
                    word: word.clone(),
                    reason,
                },
            ));
        }
    }
    Ok(())
}

/// Word2vec text (`header`), GloVe (no header, no TSV word) or TSV vectors (`separator` tab,
/// values only).
fn write_text(
    emb: &Embeddings,
    w: &mut impl Write,
    header: bool,
    separator: char,
) -> io::Result<()> {
    if header {
        writeln!(w, "{} {}", emb.len(), emb.dim())?;
    }
    let with_words = separator == ' ';
    let rows_per_task = rows_per_task(emb.dim());
    let rows_per_batch = rows_per_batch(emb.dim());
    for batch_start in (0..emb.len()).step_by(rows_per_batch) {
        let batch_end = (batch_start + rows_per_batch).min(emb.len());
        let texts: Vec<String> = (batch_start..batch_end)
            .step_by(rows_per_task)
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(|start| {
                let end = (start + rows_per_task).min(batch_end);
                format_rows(emb, start..end, with_words, separator)
            })
            .collect();
        for text in texts {
            w.write_all(text.as_bytes())?;
        }
    }
    Ok(())
}

fn format_rows(
    emb: &Embeddings,
    rows: std::ops::Range<usize>,
    with_words: bool,
    separator: char,
) -> String {
    let mut out = String::with_capacity(rows.len() * emb.dim() * TEXT_BYTES_PER_VALUE);
    for row in rows {
        let values = emb.row(row);
        let mut first = true;
        if with_words {
            out.push_str(emb.words()[row].as_str());
            first = false;
        }
        for value in values.iter() {
            if !first {
                out.push(separator);
            }
            first = false;
            // Writing to a String cannot fail.
            let _ = write!(out, "{value}");
        }
        out.push('\n');
    }
    out
}

fn write_binary(emb: &Embeddings, w: &mut impl Write) -> io::Result<()> {
    writeln!(w, "{} {}", emb.len(), emb.dim())?;
    let mut bytes = Vec::with_capacity(emb.dim() * 4);
    for (row, word) in emb.words().iter().enumerate() {
        w.write_all(word.as_bytes())?;
        w.write_all(b" ")?;
        bytes.clear();
        for value in emb.row(row).iter() {
            bytes.extend_from_slice(&value.to_le_bytes());
        }
        w.write_all(&bytes)?;
        w.write_all(b"\n")?;
    }
    Ok(())
}

/// Writes one Arrow record batch as a Parquet file (default settings: what pandas, polars and
/// pyarrow read), atomically. Tables of rows with metadata (a lasso selection, a generated
/// topic table) leave here.
pub fn write_parquet_batch(path: &Path, batch: &arrow_array::RecordBatch) -> io::Result<()> {
    write_atomically(path, |file| {
        let mut writer = parquet::arrow::ArrowWriter::try_new(file, batch.schema(), None)
            .map_err(io::Error::other)?;
        writer.write(batch).map_err(io::Error::other)?;
        writer.close().map_err(io::Error::other)?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_batches_are_bounded_by_bytes_not_rows() {
        // 256 rows a task reserved 256 x 100,000 x 12 = 307,200,000 bytes per task.
        for dim in [1, 100, 300, 100_000, 1 << 20] {
            let row_bytes = (dim * TEXT_BYTES_PER_VALUE) as u64;
            let batch = batch_text_bytes(dim);
            assert!(
                batch <= (BATCH_TEXT_BYTES as u64).max(row_bytes),
                "{dim}: {batch}"
            );
            assert!(batch >= row_bytes, "{dim}: {batch}");
            assert!(
                rows_per_task(dim) * dim * TEXT_BYTES_PER_VALUE <= TASK_TEXT_BYTES.max(dim * 12)
            );
        }
        assert_eq!(rows_per_task(100_000), 1);
    }
}
