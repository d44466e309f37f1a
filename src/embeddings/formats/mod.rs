//! Embedding file formats: word2vec text (and fastText `.vec`), GloVe text, word2vec binary and
//! TensorFlow Projector TSV.
//!
//! [`load`] opens the file once (plain, pipe or gzip), detects the format from its first
//! complete lines ([`detect`]), parses text formats in parallel
//! straight into one preallocated matrix, and reports bad input as a [`FormatError`] naming the
//! file, the line (or byte offset) and the problem. [`save`] writes any format atomically.
//!
//! One file per job: `detect` (sniffing), `float` (fast number parsing), `text` (the
//! streaming parallel parser shared by word2vec text, GloVe and TSV vectors), `binary`, `tsv`
//! (Projector vectors + metadata), `assemble` (duplicate handling), `source` (opening once,
//! gzip, keeping what detection read), `write` (all writers) and `error`.

mod assemble;
mod binary;
mod detect;
mod error;
mod float;
mod source;
mod text;
mod tsv;
mod write;

pub use detect::detect;
pub use error::{FormatError, Location, Problem};
pub use float::parse_f32;
pub use tsv::{LABEL_COLUMN, Metadata, metadata_path_for};
pub use write::batch_text_bytes;

use crate::embeddings::Embeddings;
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
}

impl Format {
    /// All formats, in the order they are listed in help texts.
    pub const ALL: [Format; 4] = [
        Format::Word2VecText,
        Format::GloveText,
        Format::Word2VecBinary,
        Format::ProjectorTsv,
    ];

    /// The command-line name (`w2v-text`, `glove`, `w2v-binary`, `tsv`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Word2VecText => "w2v-text",
            Format::GloveText => "glove",
            Format::Word2VecBinary => "w2v-binary",
            Format::ProjectorTsv => "tsv",
        }
    }

    /// The format a file extension suggests (`.bin`, `.tsv`, `.txt`/`.vec`), if any.
    pub fn from_extension(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "bin" => Some(Format::Word2VecBinary),
            "tsv" => Some(Format::ProjectorTsv),
            "txt" | "vec" => Some(Format::Word2VecText),
            _ => None,
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
    /// Projector TSV only: the metadata (labels) file; default per [`metadata_path_for`].
    pub metadata: Option<PathBuf>,
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
    /// Projector TSV metadata columns, when there was a metadata file.
    pub metadata: Option<Metadata>,
}

/// Loads an embeddings file, detecting its format unless `opts.format` says it.
///
/// The file is opened once and read as one stream, so pipes (`/dev/stdin`), process
/// substitution and gzip files (recognised by their first bytes) load like plain files.
pub fn load(path: &Path, opts: &LoadOptions) -> Result<Loaded, FormatError> {
    let mut input = source::Input::open(path)?;
    let format = match opts.format {
        Some(format) => format,
        None => detect::detect_input(path, &mut input)?,
    };
    match format {
        Format::Word2VecText | Format::GloveText => text::load(path, input, format, opts),
        Format::Word2VecBinary => binary::load(path, input, opts),
        Format::ProjectorTsv => tsv::load(path, input, opts),
    }
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
mod test_util;
