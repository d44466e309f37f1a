//! Embedding file formats: word2vec text (and fastText `.vec`), GloVe text, word2vec binary,
//! TensorFlow Projector TSV, and tables of any embeddings: NumPy `.npy`/`.npz`, Parquet and
//! Arrow IPC (Feather v2), with labels and metadata from side files.
//!
//! [`load`] picks tables by extension (their signature is checked), otherwise opens the file
//! once (plain, pipe or gzip), detects the format from its first
//! complete lines ([`detect`]), parses text formats in parallel
//! straight into one preallocated matrix, and reports bad input as a [`FormatError`] naming the
//! file, the line (or byte offset) and the problem. [`save`] writes any format atomically.
//!
//! One file per job: `detect` (sniffing), `float` (fast number parsing), `text` (the
//! streaming parallel parser shared by word2vec text, GloVe and TSV vectors), `binary`, `tsv`
//! (Projector vectors + metadata), `npy` (the `.npy` header and data), `arrays` (`.npy` and
//! `.npz` files), `arrow_table` (Parquet and Arrow tables), `side_table` (`--labels` and
//! `--metadata` files, joins), `assemble` (duplicate handling, attaching metadata), `source`
//! (opening once, gzip, keeping what detection read), `write` (all writers) and `error`.

mod arrays;
mod arrow_table;
mod assemble;
mod binary;
mod detect;
mod error;
mod float;
mod npy;
mod side_table;
mod source;
mod table;
mod table_load;
mod text;
mod tsv;
mod write;

pub use detect::detect;
pub use error::{FormatError, Location, Problem};
pub use float::parse_f32;
pub use tsv::{LABEL_COLUMN, metadata_path_for};
pub use write::{batch_text_bytes, write_parquet_batch};

use crate::embeddings::{Embeddings, Metadata};
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

/// The supported file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// word2vec / fastText `.vec` text: a `ROWS DIM` header line, then `word v1 v2 ...` rows.
    Word2VecText,
    /// GloVe text: `word v1 v2 ...` rows, no header.
    GloveText,
    /// word2vec binary: a `ROWS DIM` text header, then per row `word`, a space, DIM
    /// little-endian `f32`s and (usually) a newline.
    Word2VecBinary,
    /// TensorFlow Projector: `vectors.tsv` (tab-separated floats) plus a metadata TSV with the
    /// labels (see [`metadata_path_for`]).
    ProjectorTsv,
    /// A NumPy `.npy` 2-D float array; labels from a side file, else row numbers.
    Npy,
    /// A NumPy `.npz` archive: its first 2-D float array, labels from a string array in it.
    Npz,
    /// A Parquet table: a vector column (list of floats), a label column, metadata columns.
    Parquet,
    /// An Arrow IPC file or stream (Feather v2), laid out as a Parquet table.
    ArrowIpc,
}

impl Format {
    /// The formats embedscape reads and writes, detected from content, in the order they are
    /// listed in help texts.
    pub const ALL: [Format; 4] = [
        Format::Word2VecText,
        Format::GloveText,
        Format::Word2VecBinary,
        Format::ProjectorTsv,
    ];

    /// Table formats: read only, chosen by extension (or signature).
    pub const TABLES: [Format; 4] = [Format::Npy, Format::Npz, Format::Parquet, Format::ArrowIpc];

    /// The command-line name (`w2v-text`, `glove`, `w2v-binary`, `tsv`, `npy`, `npz`,
    /// `parquet`, `arrow`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Word2VecText => "w2v-text",
            Format::GloveText => "glove",
            Format::Word2VecBinary => "w2v-binary",
            Format::ProjectorTsv => "tsv",
            Format::Npy => "npy",
            Format::Npz => "npz",
            Format::Parquet => "parquet",
            Format::ArrowIpc => "arrow",
        }
    }

    /// Whether [`save`] can write this format (tables are read only).
    pub fn is_writable(self) -> bool {
        !Format::TABLES.contains(&self)
    }

    /// The table format an extension names (`.npy`, `.npz`, `.parquet`/`.pq`,
    /// `.arrow`/`.feather`/`.ipc`/`.arrows`), if any.
    pub fn table_from_extension(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "npy" => Some(Format::Npy),
            "npz" => Some(Format::Npz),
            "parquet" | "pq" => Some(Format::Parquet),
            "arrow" | "feather" | "ipc" | "arrows" => Some(Format::ArrowIpc),
            _ => None,
        }
    }

    /// The format a file extension suggests (`.bin`, `.tsv`, `.txt`/`.vec`, or a table's),
    /// if any.
    pub fn from_extension(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "bin" => Some(Format::Word2VecBinary),
            "tsv" => Some(Format::ProjectorTsv),
            "txt" | "vec" => Some(Format::Word2VecText),
            _ => Format::table_from_extension(path),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = FormatError;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        let lower = name.trim().to_ascii_lowercase();
        match lower.as_str() {
            "w2v-text" | "word2vec" | "w2v" | "text" | "vec" | "fasttext" => {
                Ok(Format::Word2VecText)
            }
            "glove" => Ok(Format::GloveText),
            "w2v-binary" | "binary" | "bin" => Ok(Format::Word2VecBinary),
            "tsv" | "projector" => Ok(Format::ProjectorTsv),
            "npy" => Ok(Format::Npy),
            "npz" => Ok(Format::Npz),
            "parquet" | "pq" => Ok(Format::Parquet),
            "arrow" | "feather" | "ipc" => Ok(Format::ArrowIpc),
            _ => Err(FormatError::UnknownFormat(name.to_owned())),
        }
    }
}

/// Progress callback: `(bytes_done, bytes_total)`. Called from worker threads.
pub type ProgressFn = Arc<dyn Fn(u64, u64) + Send + Sync>;

/// How to load a file. `Default` = detect the format, strict UTF-8, no progress.
#[derive(Clone, Default)]
pub struct LoadOptions {
    /// Replace invalid UTF-8 in words with U+FFFD instead of failing.
    pub lossy: bool,
    /// Skip detection and read the file as this format.
    pub format: Option<Format>,
    /// Projector TSV: the metadata (labels) file; default per [`metadata_path_for`]. Any
    /// other format: a metadata table (TSV or CSV with a header row, Parquet, Arrow) whose
    /// rows follow the vectors' when the counts match, else joined on its label column.
    pub metadata: Option<PathBuf>,
    /// `.npy`, `.npz`, Parquet, Arrow: the labels, one per row (text lines, a TSV/CSV with a
    /// header row, Parquet or Arrow; its other columns become metadata).
    pub labels: Option<PathBuf>,
    /// The label column of the table, the labels file or the metadata file (default: the
    /// first text column).
    pub label_column: Option<String>,
    /// Parquet, Arrow: the vector column (default: the first list of floats).
    pub vector_column: Option<String>,
    /// `.npz`: the array holding the vectors (default: the first 2-D float array).
    pub array: Option<String>,
    /// Called from time to time with the bytes of the file processed so far (read and
    /// parsed) and the file size.
    pub progress: Option<ProgressFn>,
}

impl fmt::Debug for LoadOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoadOptions")
            .field("lossy", &self.lossy)
            .field("format", &self.format)
            .field("metadata", &self.metadata)
            .field("labels", &self.labels)
            .field("label_column", &self.label_column)
            .field("vector_column", &self.vector_column)
            .field("array", &self.array)
            .field("progress", &self.progress.as_ref().map(|_| "callback"))
            .finish()
    }
}

/// A loaded file: the embeddings plus what was learned along the way.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub embeddings: Embeddings,
    /// The format the file was read as.
    pub format: Format,
    /// Non-fatal issues (duplicate words dropped, missing metadata, ...), one sentence each.
    pub warnings: Vec<String>,
    /// Per-row metadata (a Projector metadata file's, a table's other columns, `--metadata`),
    /// one row per embeddings row; `None` when there is none.
    pub metadata: Option<Metadata>,
}

/// Loads an embeddings file, detecting its format unless `opts.format` says it.
///
/// The file is opened once and read as one stream, so pipes (`/dev/stdin`), process
/// substitution and gzip files (recognised by their first bytes) load like plain files.
///
/// Tables (`.npy`, `.npz`, Parquet, Arrow) are recognised by extension, or by their signature
/// whatever the name, and read from the file directly.
pub fn load(path: &Path, opts: &LoadOptions) -> Result<Loaded, FormatError> {
    let format = opts.format.or_else(|| Format::table_from_extension(path));
    if let Some(format) = format.filter(|f| !f.is_writable()) {
        return load_table(path, format, opts);
    }
    let mut input = source::Input::open(path)?;
    let format = match format {
        Some(format) => format,
        None => match detect::detect_table(&mut input)? {
            Some(table) => {
                drop(input);
                return load_table(path, table, opts);
            }
            None => detect::detect_input(path, &mut input)?,
        },
    };
    check_table_options(path, format, opts)?;
    match format {
        Format::Word2VecText | Format::GloveText => text::load(path, input, format, opts),
        Format::Word2VecBinary => binary::load(path, input, opts),
        Format::ProjectorTsv => tsv::load(path, input, opts),
        table => load_table(path, table, opts),
    }
}

fn load_table(path: &Path, format: Format, opts: &LoadOptions) -> Result<Loaded, FormatError> {
    match format {
        Format::Npy => arrays::load_npy(path, opts),
        Format::Npz => arrays::load_npz(path, opts),
        Format::Parquet => table_load::load(path, arrow_table::TableKind::Parquet, opts),
        _ => table_load::load(path, arrow_table::TableKind::Arrow, opts),
    }
}

/// Refuses table options on a file that names its own rows (word2vec, GloVe, Projector).
fn check_table_options(path: &Path, format: Format, opts: &LoadOptions) -> Result<(), FormatError> {
    let given = [
        ("--labels", opts.labels.is_some()),
        ("--vector-column", opts.vector_column.is_some()),
        ("--array", opts.array.is_some()),
    ];
    match given.iter().find(|(_, set)| *set) {
        Some((flag, _)) => Err(FormatError::parse(
            path,
            Location::File,
            Problem::Table(format!(
                "{flag} applies to .npy, .npz, Parquet and Arrow files; this file is {format}, \
                 which names its rows itself"
            )),
        )),
        None => Ok(()),
    }
}

/// A metadata table read on its own (TSV/CSV with a header row, Parquet, Arrow), kept to be
/// joined on the labels of a space that arrives later: a training run's or a timeline's words.
#[derive(Debug, Clone, PartialEq)]
pub struct MetadataTable {
    /// The label of each row (the label column's values).
    pub keys: Vec<Option<String>>,
    /// The label column's name.
    pub key_name: String,
    /// The other columns.
    pub metadata: Metadata,
}

impl MetadataTable {
    /// The columns with one row per label of `labels` (missing values where no row matches).
    pub fn joined_on(&self, labels: &[String]) -> Metadata {
        self.metadata.joined_on(&self.keys, labels).metadata
    }
}

/// Reads a metadata table; its label column is `opts.label_column` or the first text column.
pub fn read_metadata_table(path: &Path, opts: &LoadOptions) -> Result<MetadataTable, FormatError> {
    let (mut table, _) = side_table::read(path, opts.lossy)?;
    let index = table.label_index(path, opts.label_column.as_deref())?;
    let key_name = table.names.remove(index);
    let keys = table.columns.remove(index).into_strings();
    Ok(MetadataTable {
        keys,
        key_name,
        metadata: table.into_metadata(),
    })
}

/// Writes `emb` to `path` in `format`, atomically. For [`Format::ProjectorTsv`], `path` gets
/// the vectors and the labels go to [`metadata_path_for`]`(path)` (`<stem>_metadata.tsv`).
pub fn save(emb: &Embeddings, path: &Path, format: Format) -> Result<(), FormatError> {
    write::save(emb, path, format)
}

#[cfg(test)]
mod fuzz_tests;
#[cfg(test)]
mod hardening_tests;
#[cfg(test)]
mod roundtrip_tests;
#[cfg(test)]
mod table_tests;
#[cfg(test)]
mod test_util;
