//! Turning parsed words + values into [`Loaded`], dropping duplicate words.
//!
//! Real-world files (GloVe's Common Crawl sets, fastText dumps) do contain repeated words.
//! Refusing them would make those files unusable, so every reader keeps the first occurrence
//! and records a warning instead; the matrix is compacted in place, without a second copy.
//! A `--metadata` file is attached here too: row by row before duplicates are dropped when its
//! row count is the file's, joined on the final labels otherwise.

use super::side_table::{Pending, join_on_labels, merge, read_metadata_file};
use super::{Format, FormatError, LoadOptions, Loaded, Location, Problem};
use crate::embeddings::{Embeddings, Metadata};
use ndarray::Array2;
use std::collections::HashMap;
use std::path::Path;

/// How many duplicates are described one by one before the rest are summarised.
const DUPLICATES_LISTED: usize = 10;

/// What a reader produced: `words.len()` rows of `dim` values, row-major.
pub(crate) struct Parsed {
    pub words: Vec<String>,
    pub values: Vec<f32>,
    pub dim: usize,
}

/// Builds the [`Loaded`] result. `describe_row` turns a row index into "line 7" or
/// "byte offset 123" for warnings. `opts.metadata` is attached for every format but Projector
/// TSV (whose reader takes it as its labels file).
pub(crate) fn assemble(
    path: &Path,
    format: Format,
    mut parsed: Parsed,
    describe_row: impl Fn(usize) -> String,
    mut metadata: Option<Metadata>,
    mut warnings: Vec<String>,
    opts: &LoadOptions,
) -> Result<Loaded, FormatError> {
    let mut pending = None;
    if format != Format::ProjectorTsv {
        match read_metadata_file(parsed.words.len(), opts, &mut warnings)? {
            Some(Pending::ByRow(extra)) => metadata = merge(path, metadata, extra)?,
            by_label => pending = by_label,
        }
    }
    let duplicates = find_duplicates(&parsed.words);
    if !duplicates.is_empty() {
        for &(row, first) in duplicates.iter().take(DUPLICATES_LISTED) {
            warnings.push(format!(
                "{}: {}: duplicate word {:?} (first at {}); kept the first",
                path.display(),
                describe_row(row),
                parsed.words[row],
                describe_row(first)
            ));
        }
        if duplicates.len() > DUPLICATES_LISTED {
            warnings.push(format!(
                "{}: {} more duplicate words dropped",
                path.display(),
                duplicates.len() - DUPLICATES_LISTED
            ));
        }
        let dropped: Vec<usize> = duplicates.iter().map(|&(row, _)| row).collect();
        compact(&mut parsed, &dropped);
        if let Some(meta) = metadata.as_mut() {
            meta.retain_rows(&dropped);
        }
    }
    if let Some(pending) = pending {
        let joined = join_on_labels(pending, &parsed.words, &mut warnings)?;
        metadata = merge(path, metadata, joined)?;
    }
    let rows = parsed.words.len();
    let matrix = Array2::from_shape_vec((rows, parsed.dim), parsed.values).map_err(|e| {
        FormatError::parse(path, Location::File, Problem::SizeMismatch(e.to_string()))
    })?;
    let embeddings = Embeddings::from_words(parsed.words, matrix).map_err(|e| {
        FormatError::parse(path, Location::File, Problem::SizeMismatch(e.to_string()))
    })?;
    Ok(Loaded {
        embeddings,
        format,
        warnings,
        metadata,
    })
}

/// `(row, first_row)` for every row whose word already appeared, in row order.
fn find_duplicates(words: &[String]) -> Vec<(usize, usize)> {
    let mut first_seen: HashMap<&str, usize> = HashMap::with_capacity(words.len());
    let mut duplicates = Vec::new();
    for (row, word) in words.iter().enumerate() {
        if let Some(&first) = first_seen.get(word.as_str()) {
            duplicates.push((row, first));
        } else {
            first_seen.insert(word, row);
        }
    }
    duplicates
}

/// Removes the rows listed in `dropped` (sorted ascending) from words and values.
fn compact(parsed: &mut Parsed, dropped: &[usize]) {
    let dim = parsed.dim;
    let mut next_dropped = dropped.iter().peekable();
    let mut kept = 0;
    for row in 0..parsed.words.len() {
        if next_dropped.peek() == Some(&&row) {
            next_dropped.next();
            continue;
        }
        if kept != row {
            parsed.words.swap(kept, row);
            parsed
                .values
                .copy_within(row * dim..(row + 1) * dim, kept * dim);
        }
        kept += 1;
    }
    parsed.words.truncate(kept);
    parsed.values.truncate(kept * dim);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_keep_first_and_warn() {
        let parsed = Parsed {
            words: ["a", "b", "a", "c", "b"].map(String::from).to_vec(),
            values: vec![1.0, 2.0, 3.0, 4.0, 5.0],
            dim: 1,
        };
        let loaded = assemble(
            Path::new("x.txt"),
            Format::GloveText,
            parsed,
            |row| format!("line {}", row + 1),
            None,
            Vec::new(),
            &LoadOptions::default(),
        )
        .unwrap();
        assert_eq!(loaded.embeddings.words(), ["a", "b", "c"]);
        assert_eq!(
            loaded.embeddings.matrix().column(0).to_vec(),
            [1.0, 2.0, 4.0]
        );
        assert_eq!(loaded.warnings.len(), 2);
        assert!(
            loaded.warnings[0].contains("x.txt: line 3: duplicate word \"a\" (first at line 1)")
        );
    }
}
