//! The one error type of `space`: every computation on a space reports bad input (empty data,
//! mismatched shapes, out-of-range rows, unreadable files) as a [`SpaceError`] instead of
//! panicking, so the viewer can show the message and keep running.

use std::path::PathBuf;

/// Errors from projections, neighbour search, clustering, relation files and evaluation.
#[derive(Debug, thiserror::Error)]
pub enum SpaceError {
    #[error("no rows to work on")]
    Empty,
    #[error("shape mismatch: {0}")]
    Shape(String),
    #[error("row {row} out of range (space has {rows} rows)")]
    RowOutOfRange { row: usize, rows: usize },
    #[error("invalid parameter: {0}")]
    Invalid(String),
    #[error("linear algebra failed: {0}")]
    Linalg(String),
    #[error("clustering failed: {0}")]
    Clustering(String),
    #[error("{path}:{line}: {message}")]
    Parse {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}
