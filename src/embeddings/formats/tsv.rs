//! TensorFlow Embedding Projector TSV: `vectors.tsv` (one row of tab-separated floats per
//! word) plus a metadata TSV holding the labels.
//!
//! The metadata convention follows the Projector: a single column has no header row; with
//! several columns the first row names them. The label (word) is the first column. The
//! metadata file for `dir/NAME.tsv` is `dir/NAME_metadata.tsv` (what [`super::save`]
//! writes) or, for `dir/vectors.tsv`, also `dir/metadata.tsv` (what the Projector exports).

use super::assemble::{Parsed, assemble};
use super::error::{Location, Problem};
use super::source::Input;
use super::text::{Layout, read_rows};
use super::{Format, FormatError, LoadOptions, Loaded};
use std::path::{Path, PathBuf};

/// Column name used for single-column metadata, which has no header row.
pub const LABEL_COLUMN: &str = "label";

/// The metadata columns of a Projector TSV file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metadata {
    /// The file the metadata came from.
    pub path: PathBuf,
    /// Column names (`["label"]` for single-column files, which have no header).
    pub columns: Vec<String>,
    /// One entry per vector row, each with one value per column.
    pub rows: Vec<Vec<String>>,
}

impl Metadata {
    /// The label column (the first), one value per row.
    pub fn labels(&self) -> Vec<&str> {
        self.rows
            .iter()
            .map(|row| row.first().map_or("", String::as_str))
            .collect()
    }

    /// The values of the named column, one per row.
    pub fn column(&self, name: &str) -> Option<Vec<&str>> {
        let index = self.columns.iter().position(|c| c == name)?;
        Some(
            self.rows
                .iter()
                .map(|row| row.get(index).map_or("", String::as_str))
                .collect(),
        )
    }

    /// Drops the rows listed in `dropped` (sorted ascending), mirroring duplicate removal.
    pub(crate) fn retain_rows(&mut self, dropped: &[usize]) {
        let mut next = dropped.iter().peekable();
        let mut row = 0;
        self.rows.retain(|_| {
            let drop = next.peek() == Some(&&row);
            if drop {
                next.next();
            }
            row += 1;
            !drop
        });
    }
}

/// Where the labels for the vectors file `vectors` are written: `<stem>_metadata.tsv` next to
/// it (`vectors.tsv` → `vectors_metadata.tsv`).
pub fn metadata_path_for(vectors: &Path) -> PathBuf {
    let stem = vectors
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "vectors".to_owned());
    vectors.with_file_name(format!("{stem}_metadata.tsv"))
}

/// Metadata files to look for, in order of preference.
fn metadata_candidates(vectors: &Path) -> Vec<PathBuf> {
    let mut candidates = vec![metadata_path_for(vectors)];
    if vectors.file_stem().is_some_and(|stem| stem == "vectors") {
        candidates.push(vectors.with_file_name("metadata.tsv"));
    }
    candidates
}

/// Loads Projector TSV vectors and their metadata (labels).
pub(crate) fn load(path: &Path, input: Input, opts: &LoadOptions) -> Result<Loaded, FormatError> {
    let (mut parsed, _) = read_rows(path, input, Layout::Values, opts)?;
    let dim = parsed.dim;
    let rows = parsed.values.len() / dim.max(1);
    let mut warnings = Vec::new();
    let metadata_path = match &opts.metadata {
        Some(explicit) => Some(explicit.clone()),
        None => metadata_candidates(path).into_iter().find(|p| p.is_file()),
    };
    let metadata = match metadata_path {
        Some(meta_path) => {
            let metadata = read_metadata(&meta_path, opts.lossy)?;
            if metadata.rows.len() != rows {
                return Err(FormatError::parse(
                    &meta_path,
                    Location::File,
                    Problem::MetadataRows {
                        metadata_rows: metadata.rows.len(),
                        vector_rows: rows,
                    },
                ));
            }
            parsed.words = metadata
                .rows
                .iter()
                .map(|row| row.first().cloned().unwrap_or_default())
                .collect();
            Some(metadata)
        }
        None => {
            warnings.push(format!(
                "{}: no metadata file (looked for {}); rows are labelled by number",
                path.display(),
                metadata_candidates(path)
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            parsed.words = (0..rows).map(|row| row.to_string()).collect();
            None
        }
    };
    assemble(
        path,
        Format::ProjectorTsv,
        Parsed {
            words: parsed.words,
            values: parsed.values,
            dim,
        },
        |row| format!("row {} (line {})", row + 1, row + 1),
        metadata,
        warnings,
    )
}

/// Reads a metadata TSV (see the module docs for the header convention).
pub(crate) fn read_metadata(path: &Path, lossy: bool) -> Result<Metadata, FormatError> {
    let bytes = std::fs::read(path).map_err(|source| FormatError::Read {
        path: path.to_path_buf(),
        error: source,
    })?;
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) if lossy => String::from_utf8_lossy(err.as_bytes()).into_owned(),
        Err(err) => {
            let offset = err.utf8_error().valid_up_to();
            let line = 1 + memchr::memchr_iter(b'\n', &err.as_bytes()[..offset]).count();
            return Err(FormatError::parse(
                path,
                Location::LineOffset {
                    line: line as u64,
                    offset: offset as u64,
                },
                Problem::InvalidUtf8,
            ));
        }
    };
    // One terminating newline is not an extra (empty) row.
    let body = text.strip_suffix('\n').unwrap_or(&text);
    let mut lines = body
        .split('\n')
        .map(|line| line.strip_suffix('\r').unwrap_or(line));
    let first = lines.next().unwrap_or("");
    let empty_label =
        |line: usize| FormatError::parse(path, Location::Line(line as u64), Problem::EmptyWord);
    if !first.contains('\t') {
        let mut rows = Vec::new();
        if !body.is_empty() {
            for (index, label) in std::iter::once(first).chain(lines).enumerate() {
                if label.is_empty() {
                    return Err(empty_label(index + 1));
                }
                rows.push(vec![label.to_owned()]);
            }
        }
        return Ok(Metadata {
            path: path.to_path_buf(),
            columns: vec![LABEL_COLUMN.to_owned()],
            rows,
        });
    }
    let columns: Vec<String> = first.split('\t').map(str::to_owned).collect();
    let mut rows = Vec::new();
    for (index, line) in lines.enumerate() {
        let fields: Vec<String> = line.split('\t').map(str::to_owned).collect();
        if fields.len() != columns.len() {
            return Err(FormatError::parse(
                path,
                Location::Line(index as u64 + 2),
                Problem::WrongWidth {
                    expected: columns.len(),
                    found: fields.len(),
                },
            ));
        }
        if fields[0].is_empty() {
            return Err(empty_label(index + 2));
        }
        rows.push(fields);
    }
    Ok(Metadata {
        path: path.to_path_buf(),
        columns,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{expect_error, fixture, load_default};
    use super::super::{Format, LoadOptions, load};
    use super::*;

    #[test]
    fn single_column_metadata_has_no_header() {
        let dir = tempfile::tempdir().unwrap();
        let vectors = fixture(dir.path(), "vectors.tsv", "1\t2\n3\t4\n");
        fixture(dir.path(), "metadata.tsv", "巴黎\nking\n");
        let loaded = load_default(&vectors).unwrap();
        assert_eq!(loaded.format, Format::ProjectorTsv);
        assert_eq!(loaded.embeddings.words(), ["巴黎", "king"]);
        let meta = loaded.metadata.unwrap();
        assert_eq!(meta.columns, [LABEL_COLUMN]);
        assert_eq!(meta.column("label").unwrap(), ["巴黎", "king"]);
    }

    #[test]
    fn multi_column_metadata_has_header_and_first_column_is_label() {
        let dir = tempfile::tempdir().unwrap();
        let vectors = fixture(dir.path(), "emb.tsv", "1\t2\n3\t4\n5\t6\n");
        fixture(
            dir.path(),
            "emb_metadata.tsv",
            "word\tcount\nа\t10\nb\t5\nа\t1\n",
        );
        let loaded = load_default(&vectors).unwrap();
        // The duplicate label is dropped, and its metadata row with it.
        assert_eq!(loaded.embeddings.words(), ["а", "b"]);
        assert_eq!(loaded.warnings.len(), 1);
        let meta = loaded.metadata.unwrap();
        assert_eq!(meta.columns, ["word", "count"]);
        assert_eq!(meta.column("count").unwrap(), ["10", "5"]);
        assert_eq!(meta.labels(), ["а", "b"]);
    }

    #[test]
    fn metadata_row_count_must_match() {
        let dir = tempfile::tempdir().unwrap();
        let vectors = fixture(dir.path(), "vectors.tsv", "1\t2\n3\t4\n");
        let meta = fixture(dir.path(), "labels.tsv", "a\nb\nc\n");
        let opts = LoadOptions {
            metadata: Some(meta),
            ..LoadOptions::default()
        };
        let err = load(&vectors, &opts).unwrap_err().to_string();
        assert!(
            err.contains("labels.tsv") && err.contains("metadata has 3 rows"),
            "{err}"
        );
        assert!(err.contains("vectors file has 2"), "{err}");
    }

    #[test]
    fn missing_metadata_numbers_rows_and_warns() {
        let dir = tempfile::tempdir().unwrap();
        let vectors = fixture(dir.path(), "only.tsv", "1\t2\n3\t4\n");
        let loaded = load_default(&vectors).unwrap();
        assert_eq!(loaded.embeddings.words(), ["0", "1"]);
        assert!(loaded.warnings[0].contains("no metadata"));
    }

    #[test]
    fn bad_vectors_rows() {
        let dir = tempfile::tempdir().unwrap();
        let opts = LoadOptions {
            format: Some(Format::ProjectorTsv),
            ..LoadOptions::default()
        };
        let path = fixture(dir.path(), "w.tsv", "1\t2\n3\n");
        expect_error(&path, &opts, &["line 2", "expected 2 values, found 1"]);
        let path = fixture(dir.path(), "n.tsv", "1\t2\n3\tfoo\n");
        expect_error(&path, &opts, &["line 2", "\"foo\" is not a number"]);
        let path = fixture(dir.path(), "i.tsv", "1\tinf\n");
        expect_error(&path, &opts, &["line 1", "not finite"]);
        let path = fixture(dir.path(), "e.tsv", "");
        expect_error(&path, &opts, &["empty"]);
    }

    #[test]
    fn metadata_invalid_utf8() {
        let dir = tempfile::tempdir().unwrap();
        let vectors = fixture(dir.path(), "vectors.tsv", "1\n2\n");
        fixture(dir.path(), "vectors_metadata.tsv", b"ok\nb\xffd\n");
        let err = load_default(&vectors).unwrap_err().to_string();
        assert!(
            err.contains("vectors_metadata.tsv: line 2 (byte offset 4)"),
            "{err}"
        );
        let lossy = LoadOptions {
            lossy: true,
            ..LoadOptions::default()
        };
        let loaded = load(&vectors, &lossy).unwrap();
        assert_eq!(loaded.embeddings.words()[1], "b\u{FFFD}d");
    }
}
