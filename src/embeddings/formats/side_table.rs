//! Side tables: the files that name or describe the rows of another (`--labels`,
//! `--metadata`, the Projector's metadata TSV), and how they are attached to the rows.
//!
//! A side table is read by its extension: `.parquet`, `.arrow`/`.feather` (typed columns),
//! `.csv` (a header row, RFC 4180 quotes), `.tsv`/`.tab` (a header row; a file without a tab on
//! its first line is one label per line, the Projector's single-column convention), anything
//! else one label per line. The label column is `--label-column`, or the first text column.
//! Metadata whose row count equals the vectors' follows them row by row (the Projector's
//! convention); otherwise it is joined on its label column.

use super::error::{Location, Problem};
use super::table::{Cells, SINGLE_COLUMN, SideTable};
use super::{FormatError, LoadOptions};
use crate::embeddings::Metadata;
use std::path::{Path, PathBuf};

/// How a side file is read, from its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SideKind {
    Parquet,
    Arrow,
    Csv,
    Tsv,
    Lines,
}

fn side_kind(path: &Path) -> SideKind {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "parquet" | "pq" => SideKind::Parquet,
        "arrow" | "feather" | "ipc" | "arrows" => SideKind::Arrow,
        "csv" => SideKind::Csv,
        "tsv" | "tab" => SideKind::Tsv,
        _ => SideKind::Lines,
    }
}

/// Reads a side file; returns the table and the line of its first row (text files; else 0).
pub(crate) fn read(path: &Path, lossy: bool) -> Result<(SideTable, u64), FormatError> {
    use super::arrow_table::{TableKind, open, read_side_table};
    match side_kind(path) {
        SideKind::Parquet => Ok((read_side_table(path, open(path, TableKind::Parquet)?)?, 0)),
        SideKind::Arrow => Ok((read_side_table(path, open(path, TableKind::Arrow)?)?, 0)),
        SideKind::Csv => read_delimited(path, b',', lossy),
        SideKind::Tsv => read_delimited(path, b'\t', lossy),
        SideKind::Lines => read_lines(path, lossy),
    }
}

/// A whole text file as UTF-8 (invalid bytes an error naming line and offset, or U+FFFD).
pub(crate) fn read_text(path: &Path, lossy: bool) -> Result<String, FormatError> {
    let bytes = std::fs::read(path).map_err(|error| FormatError::Read {
        path: path.to_path_buf(),
        error,
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
    Ok(match text.strip_prefix('\u{FEFF}') {
        Some(rest) => rest.to_owned(),
        None => text,
    })
}

/// The lines of `text` without line ends; one final newline does not make an empty line.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    let body = text.strip_suffix('\n').unwrap_or(text);
    let empty = body.is_empty();
    body.split('\n')
        .map(|line| line.strip_suffix('\r').unwrap_or(line))
        .filter(move |_| !empty)
}

/// One label per line.
fn read_lines(path: &Path, lossy: bool) -> Result<(SideTable, u64), FormatError> {
    let text = read_text(path, lossy)?;
    let values: Vec<Option<String>> = lines(&text).map(|l| Some(l.to_owned())).collect();
    Ok((single_column(values), 1))
}

fn single_column(values: Vec<Option<String>>) -> SideTable {
    SideTable {
        rows: values.len(),
        names: vec![SINGLE_COLUMN.to_owned()],
        columns: vec![Cells::Strings(values)],
        typed: false,
        skipped: Vec::new(),
    }
}

/// A TSV (`delimiter` tab, no quoting) or CSV (comma, RFC 4180 quotes) file with a header
/// row; a TSV whose first line has no tab is one label per line.
pub(crate) fn read_delimited(
    path: &Path,
    delimiter: u8,
    lossy: bool,
) -> Result<(SideTable, u64), FormatError> {
    let text = read_text(path, lossy)?;
    let records: Vec<(u64, Vec<String>)> = if delimiter == b',' {
        csv_records(&text)
    } else {
        lines(&text)
            .enumerate()
            .map(|(i, line)| (i as u64 + 1, line.split('\t').map(str::to_owned).collect()))
            .collect()
    };
    let mut records = records.into_iter();
    let Some((_, header)) = records.next() else {
        return Ok((single_column(Vec::new()), 1));
    };
    if delimiter == b'\t' && header.len() == 1 {
        let values = std::iter::once(header)
            .chain(records.map(|(_, fields)| fields))
            .map(|fields| Some(fields.join("\t")))
            .collect();
        return Ok((single_column(values), 1));
    }
    let mut columns: Vec<Vec<Option<String>>> = vec![Vec::new(); header.len()];
    let mut rows = 0;
    for (line, fields) in records {
        if fields.len() != header.len() {
            return Err(FormatError::parse(
                path,
                Location::Line(line),
                Problem::WrongWidth {
                    expected: header.len(),
                    found: fields.len(),
                },
            ));
        }
        for (column, field) in columns.iter_mut().zip(fields) {
            column.push(Some(field));
        }
        rows += 1;
    }
    let mut names: Vec<String> = Vec::with_capacity(header.len());
    for (i, name) in header.into_iter().enumerate() {
        let name = if name.is_empty() {
            format!("column {}", i + 1)
        } else {
            name
        };
        if names.contains(&name) {
            return Err(FormatError::parse(
                path,
                Location::Line(1),
                Problem::Table(format!("two columns are named {name:?}")),
            ));
        }
        names.push(name);
    }
    Ok((
        SideTable {
            rows,
            names,
            columns: columns.into_iter().map(Cells::Strings).collect(),
            typed: false,
            skipped: Vec::new(),
        },
        2,
    ))
}

/// CSV records with the line each starts on: fields separated by commas, a field in double
/// quotes may hold commas, newlines and `""` (a quote). Blank lines are skipped.
fn csv_records(text: &str) -> Vec<(u64, Vec<String>)> {
    let mut records = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut line = 1u64;
    let mut start_line = 1u64;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted => {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    quoted = false;
                }
            }
            '"' if field.is_empty() => quoted = true,
            '\n' if quoted => {
                line += 1;
                field.push('\n');
            }
            ',' if !quoted => fields.push(std::mem::take(&mut field)),
            '\r' if !quoted && chars.peek() == Some(&'\n') => {}
            '\n' => {
                fields.push(std::mem::take(&mut field));
                if !(fields.len() == 1 && fields[0].is_empty()) {
                    records.push((start_line, std::mem::take(&mut fields)));
                }
                fields.clear();
                line += 1;
                start_line = line;
            }
            _ => field.push(c),
        }
    }
    if !field.is_empty() || !fields.is_empty() {
        fields.push(field);
        records.push((start_line, fields));
    }
    records
}

/// Labels for `rows` rows from `opts.labels`, with the labels file's other
/// columns as metadata; `None` without `--labels`.
fn labels_from_file(
    rows: usize,
    opts: &LoadOptions,
    warnings: &mut Vec<String>,
) -> Result<Option<(Vec<String>, Metadata)>, FormatError> {
    let Some(path) = &opts.labels else {
        return Ok(None);
    };
    let (mut table, first_line) = read(path, opts.lossy)?;
    note_skipped(path, &table, warnings);
    let index = table.label_index(path, opts.label_column.as_deref())?;
    if table.rows != rows {
        return Err(FormatError::parse(
            path,
            Location::File,
            Problem::LabelCount {
                labels: table.rows,
                rows,
            },
        ));
    }
    let labels = table.take_labels(path, index, first_line)?;
    Ok(Some((labels, table.into_metadata())))
}

fn note_skipped(path: &Path, table: &SideTable, warnings: &mut Vec<String>) {
    if !table.skipped.is_empty() {
        warnings.push(format!(
            "{}: columns left out (neither text nor numbers): {}",
            path.display(),
            table.skipped.join(", ")
        ));
    }
}

/// Names the `rows` rows of `vectors`: from `--labels` (whose other columns become
/// metadata), else `own` (labels stored in the file itself), else by number ("0", "1", ...).
pub(crate) fn name_rows(
    rows: usize,
    own: Option<Vec<String>>,
    opts: &LoadOptions,
    warnings: &mut Vec<String>,
) -> Result<(Vec<String>, Option<Metadata>), FormatError> {
    if let Some((labels, metadata)) = labels_from_file(rows, opts, warnings)? {
        return Ok((labels, (!metadata.is_empty()).then_some(metadata)));
    }
    Ok((
        own.unwrap_or_else(|| (0..rows).map(|row| row.to_string()).collect()),
        None,
    ))
}

/// A `--metadata` file read before the rows are final: attached row by row when its row count
/// equals the file's (`rows`), otherwise kept to be joined on the labels afterwards.
pub(crate) enum Pending {
    ByRow(Metadata),
    ByLabel {
        path: PathBuf,
        keys: Vec<Option<String>>,
        key_name: String,
        metadata: Metadata,
    },
}

/// Reads `opts.metadata` for a file of `rows` rows (see [`Pending`]).
pub(crate) fn read_metadata_file(
    rows: usize,
    opts: &LoadOptions,
    warnings: &mut Vec<String>,
) -> Result<Option<Pending>, FormatError> {
    let Some(path) = &opts.metadata else {
        return Ok(None);
    };
    let (mut table, _) = read(path, opts.lossy)?;
    note_skipped(path, &table, warnings);
    if table.rows == rows {
        return Ok(Some(Pending::ByRow(table.into_metadata())));
    }
    let index = table.label_index(path, opts.label_column.as_deref())?;
    let key_name = table.names.remove(index);
    let keys = table.columns.remove(index).into_strings();
    Ok(Some(Pending::ByLabel {
        path: path.clone(),
        keys,
        key_name,
        metadata: table.into_metadata(),
    }))
}

/// Joins pending metadata on the final labels; refuses a join that matches nothing.
pub(crate) fn join_on_labels(
    pending: Pending,
    labels: &[String],
    warnings: &mut Vec<String>,
) -> Result<Metadata, FormatError> {
    let (path, keys, key_name, metadata) = match pending {
        Pending::ByRow(metadata) => return Ok(metadata),
        Pending::ByLabel {
            path,
            keys,
            key_name,
            metadata,
        } => (path, keys, key_name, metadata),
    };
    let joined = metadata.joined_on(&keys, labels);
    if joined.matched == 0 {
        return Err(FormatError::parse(
            &path,
            Location::Column(key_name),
            Problem::Table(format!(
                "{} metadata rows for {} vectors and not one label matches: rows are joined on \
                 this column when the counts differ (choose another with --label-column)",
                keys.len(),
                labels.len()
            )),
        ));
    }
    warnings.push(format!(
        "{}: {} rows for {} vectors: joined on column {key_name:?}; {} vectors without \
         metadata, {} metadata rows unused{}",
        path.display(),
        keys.len(),
        labels.len(),
        labels.len() - joined.matched,
        joined.unmatched,
        if joined.repeated > 0 {
            format!(
                ", {} repeated labels ignored (the first kept)",
                joined.repeated
            )
        } else {
            String::new()
        }
    ));
    Ok(joined.metadata)
}

/// Appends `extra`'s columns to `base` (either may be absent); a name in both is an error.
pub(crate) fn merge(
    path: &Path,
    base: Option<Metadata>,
    extra: Metadata,
) -> Result<Option<Metadata>, FormatError> {
    let Some(mut base) = base else {
        return Ok((!extra.is_empty()).then_some(extra));
    };
    base.extend(extra).map_err(|e| {
        FormatError::parse(
            path,
            Location::File,
            Problem::Table(format!("metadata: {e} (a column of this file and another)")),
        )
    })?;
    Ok(Some(base))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_line_numbers() {
        let records =
            csv_records("word,note\r\n\"a,b\",\"say \"\"hi\"\"\"\n\nc,\"two\nlines\"\nd,x");
        assert_eq!(records[0], (1, vec!["word".into(), "note".into()]));
        assert_eq!(records[1], (2, vec!["a,b".into(), "say \"hi\"".into()]));
        assert_eq!(records[2], (4, vec!["c".into(), "two\nlines".into()]));
        assert_eq!(records[3], (6, vec!["d".into(), "x".into()]));
    }
}
