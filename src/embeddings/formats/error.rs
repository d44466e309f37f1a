//! The one error type of the format readers and writers.
//!
//! Every message names the file and, where it can, the line (text formats) or byte offset
//! (binary), then the problem — a user staring at a 2 GB file needs to know where to look.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// Where in a file a problem was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// The file as a whole (size, header vs. content, ...).
    File,
    /// A 1-based line of a text file.
    Line(u64),
    /// A 1-based line and the absolute byte offset of the offending byte within the file.
    LineOffset { line: u64, offset: u64 },
    /// A byte offset (binary files).
    Offset(u64),
    /// A 0-based row of an array or table (the number unlabelled rows are named by).
    Row(u64),
    /// A named column of a table or an array in an archive.
    Column(String),
    /// A row of a named column.
    Cell { column: String, row: u64 },
}

impl fmt::Display for Location {
    /// Renders as a prefix ending in ": " (empty for [`Location::File`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::File => Ok(()),
            Location::Line(line) => write!(f, "line {line}: "),
            Location::LineOffset { line, offset } => {
                write!(f, "line {line} (byte offset {offset}): ")
            }
            Location::Offset(offset) => write!(f, "byte offset {offset}: "),
            Location::Row(row) => write!(f, "row {row}: "),
            Location::Column(name) => write!(f, "column {name:?}: "),
            Location::Cell { column, row } => write!(f, "column {column:?}, row {row}: "),
        }
    }
}

/// What is wrong with the content of a file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Problem {
    #[error("the file is empty")]
    Empty,
    #[error("cannot tell the format: {0}")]
    Unrecognised(String),
    #[error("bad header {header:?}: expected two integers `ROWS DIMENSION`")]
    BadHeader { header: String },
    #[error(
        "bad header {header:?}: a negative number (expected two non-negative integers \
         `ROWS DIMENSION`)"
    )]
    NegativeHeader { header: String },
    #[error("absurd header: {rows} rows x {dim} dimensions {reason}")]
    AbsurdHeader { rows: u64, dim: u64, reason: String },
    #[error("truncated: the header promises {expected} rows but the file has only {found}")]
    Truncated { expected: u64, found: u64 },
    #[error("the header promises {expected} rows but the file has more ({found})")]
    ExtraRows { expected: u64, found: u64 },
    #[error("wrong width: expected {expected} values, found {found}")]
    WrongWidth { expected: usize, found: usize },
    #[error("{token:?} is not a number")]
    NotANumber { token: String },
    #[error("{token:?} is not finite (NaN and infinity are not allowed)")]
    NotFinite { token: String },
    #[error("the word is not valid UTF-8 (use --lossy to replace bad bytes with U+FFFD)")]
    InvalidUtf8,
    #[error("empty line")]
    EmptyLine,
    #[error(
        "the word of row {row} ({word:?}) holds a newline: word2vec binary words end at a space \
         and never hold one (a corrupt file, or a header whose dimension is wrong)"
    )]
    NewlineInWord { row: u64, word: String },
    #[error(
        "the header says {header_dim} dimensions but the rows are {row_dim} floats wide (the \
         next word starts {} bytes after a word's space, not {}): fix the header's dimension",
        .row_dim * 4,
        .header_dim * 4
    )]
    HeaderWidthMismatch { header_dim: usize, row_dim: usize },
    #[error("an empty word")]
    EmptyWord,
    #[error(
        "the line is longer than {max_bytes} bytes, the most a line may hold (is this a vectors \
         file?)"
    )]
    LineTooLong { max_bytes: usize },
    #[error(
        "{implausible} of the first {sampled} values are NaN, infinite, or of a magnitude above 1e15 \
         or below 1e-15 (zero aside): the file is probably not little-endian f32 (byte-swapped, or float64?)"
    )]
    ImplausibleValues { implausible: usize, sampled: usize },
    #[error("a word with no values after it")]
    NoValues,
    #[error("size mismatch: {0}")]
    SizeMismatch(String),
    #[error("metadata has {metadata_rows} rows but the vectors file has {vector_rows}")]
    MetadataRows {
        metadata_rows: usize,
        vector_rows: usize,
    },
    #[error(
        "the file is not {expected}: it does not start (or end) with {expected}'s signature \
         (its extension says what it should be)"
    )]
    NotThisFormat { expected: &'static str },
    #[error("expected a 2-D array (rows x dimensions), found {ndim}-D of shape {shape:?}")]
    NotTwoDimensional { ndim: usize, shape: Vec<u64> },
    #[error(
        "the array holds Python objects (dtype 'O'), which cannot be read without Python: save \
         a float32 or float64 array (labels as a unicode '<U' array or a separate file)"
    )]
    ObjectArray,
    #[error("unsupported dtype {dtype:?}: {expected}")]
    UnsupportedDtype {
        dtype: String,
        expected: &'static str,
    },
    #[error("bad header: {0}")]
    BadArrayHeader(String),
    #[error("no column named {name:?} (columns: {available})")]
    MissingColumn { name: String, available: String },
    #[error("{0}")]
    NoSuitableColumn(String),
    #[error(
        "a vector of {found} values where the rows before have {expected}: every row needs the \
         same dimension"
    )]
    VectorLength { expected: usize, found: usize },
    #[error("a missing (null) vector")]
    NullVector,
    #[error("a missing (null) value inside the vector")]
    NullValue,
    #[error("{labels} labels for {rows} rows: there must be one label per row")]
    LabelCount { labels: usize, rows: usize },
    #[error("a missing (null or empty) label")]
    MissingLabel,
    #[error("{0}")]
    Table(String),
    #[error("the word {word:?} cannot be written in this format ({reason})")]
    UnwritableWord { word: String, reason: &'static str },
}

/// Error reading, detecting or writing an embeddings file.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    // `error`, not `source`: the message already holds it, and an error `source` would print
    // it a second time in a cause chain ("X: cannot write: disk full: disk full").
    #[error("{}: cannot read: {error}", path.display())]
    Read { path: PathBuf, error: io::Error },
    #[error("{}: cannot write: {error}", path.display())]
    Write { path: PathBuf, error: io::Error },
    #[error("{}: {location}{problem}", path.display())]
    Parse {
        path: PathBuf,
        location: Location,
        problem: Problem,
    },
    #[error(
        "unknown format {0:?} (expected one of: w2v-text, glove, w2v-binary, tsv, npy, npz, \
         parquet, arrow)"
    )]
    UnknownFormat(String),
}

impl FormatError {
    pub(crate) fn parse(path: impl Into<PathBuf>, location: Location, problem: Problem) -> Self {
        FormatError::Parse {
            path: path.into(),
            location,
            problem,
        }
    }

    /// The content problem, if this is a parse error (handy in tests and for callers that
    /// want to react to, say, truncation specifically).
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            FormatError::Parse { problem, .. } => Some(problem),
            _ => None,
        }
    }
}
