//! TensorFlow Embedding Projector TSV: `vectors.tsv` (one row of tab-separated floats per
//! word) plus a metadata TSV holding the labels.
//!
//! The metadata convention follows the Projector: a single column has no header row; with
//! several columns the first row names them. The label (word) is the first column. The
//! metadata file for `dir/NAME.tsv` is `dir/NAME_metadata.tsv` (what [`super::save`]
//! writes) or, for `dir/vectors.tsv`, also `dir/metadata.tsv` (what the Projector exports).
//! The other columns become [`Metadata`](crate::embeddings::Metadata).

use super::assemble::{Parsed, assemble};
use super::error::{Location, Problem};
use super::side_table::read_delimited;
use super::source::Input;
use super::text::{Layout, read_rows};
use super::{Format, FormatError, LoadOptions, Loaded};
use std::path::{Path, PathBuf};

/// Column name used for single-column metadata, which has no header row.
pub const LABEL_COLUMN: &str = super::table::SINGLE_COLUMN;

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
            let (mut table, first_line) = read_delimited(&meta_path, b'\t', opts.lossy)?;
            if table.rows != rows {
                return Err(FormatError::parse(
                    &meta_path,
                    Location::File,
                    Problem::MetadataRows {
                        metadata_rows: table.rows,
                        vector_rows: rows,
                    },
                ));
            }
            parsed.words = table.take_labels(&meta_path, 0, first_line)?;
            let metadata = table.into_metadata();
            (!metadata.is_empty()).then_some(metadata)
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
        opts,
    )
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{expect_error, fixture, load_default};
    use super::super::{Format, LoadOptions, load};

    #[test]
    fn single_column_metadata_has_no_header() {
        let dir = tempfile::tempdir().unwrap();
        let vectors = fixture(dir.path(), "vectors.tsv", "1\t2\n3\t4\n");
        fixture(dir.path(), "metadata.tsv", "巴黎\nking\n");
        let loaded = load_default(&vectors).unwrap();
        assert_eq!(loaded.format, Format::ProjectorTsv);
        assert_eq!(loaded.embeddings.words(), ["巴黎", "king"]);
        // The one column is the labels: no metadata is left.
        assert!(loaded.metadata.is_none());
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
        assert_eq!(meta.names(), ["count"]);
        assert_eq!(meta.numbers("count").unwrap(), [Some(10.0), Some(5.0)]);
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
