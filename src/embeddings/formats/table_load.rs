//! Loading a Parquet or Arrow IPC table of embeddings: the vector column becomes the matrix, a
//! text column (or `--labels`) the words, every other column metadata. The columns are read by
//! `arrow_table.rs`; this file decides what each one becomes.

use super::FormatError;
use super::arrow_table::{TableKind, VectorTable, open, read_vector_table};
use super::assemble::{Parsed, assemble};
use super::side_table::{merge, name_rows};
use std::path::Path;

/// Loads a Parquet or Arrow table of embeddings: vectors, labels and metadata.
pub(crate) fn load(
    path: &Path,
    kind: TableKind,
    opts: &super::LoadOptions,
) -> Result<super::Loaded, FormatError> {
    let reader = open(path, kind)?;
    let VectorTable {
        values,
        dim,
        rows,
        mut others,
    } = read_vector_table(
        path,
        reader,
        opts.vector_column.as_deref(),
        opts.progress.as_ref(),
    )?;
    let mut warnings = Vec::new();
    if !others.skipped.is_empty() {
        warnings.push(format!(
            "{}: columns left out (neither text nor numbers): {}",
            path.display(),
            others.skipped.join(", ")
        ));
    }
    let (words, metadata) = if opts.labels.is_some() {
        let (words, from_labels) = name_rows(rows, None, opts, &mut warnings)?;
        let own = others.into_metadata();
        (words, merge(path, from_labels, own)?)
    } else {
        let label = match others.label_index(path, opts.label_column.as_deref()) {
            Ok(index) => Some(index),
            Err(_) if opts.label_column.is_none() => None,
            Err(error) => return Err(error),
        };
        let words = match label {
            Some(index) => others.take_labels(path, index, 0)?,
            None => {
                warnings.push(format!(
                    "{}: no text column for labels; rows are named by number",
                    path.display()
                ));
                (0..rows).map(|row| row.to_string()).collect()
            }
        };
        let own = others.into_metadata();
        (words, (!own.is_empty()).then_some(own))
    };
    let format = match kind {
        TableKind::Parquet => super::Format::Parquet,
        TableKind::Arrow => super::Format::ArrowIpc,
    };
    let parsed = Parsed { words, values, dim };
    assemble(
        path,
        format,
        parsed,
        |row| format!("row {row}"),
        metadata,
        warnings,
        opts,
    )
}
