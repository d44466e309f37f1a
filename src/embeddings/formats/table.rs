//! A table read from a file, before it is attached to rows: named columns of text or numbers
//! (`Cells`) in a `SideTable`. Both the Arrow/Parquet reader and the text readers of side files
//! produce one; `side_table.rs` decides how it names or describes the rows.

use super::FormatError;
use super::error::{Location, Problem};
use crate::embeddings::{Column, Metadata, Values};
use std::path::Path;

/// The values of one column of a side table.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cells {
    Strings(Vec<Option<String>>),
    Numbers(Vec<Option<f64>>),
}

impl Cells {
    pub fn len(&self) -> usize {
        match self {
            Cells::Strings(values) => values.len(),
            Cells::Numbers(values) => values.len(),
        }
    }

    /// Every value as text (numbers written the shortest way: `7`, `2.5`).
    pub(crate) fn into_strings(self) -> Vec<Option<String>> {
        match self {
            Cells::Strings(values) => values,
            Cells::Numbers(values) => values
                .into_iter()
                .map(|v| v.map(|v| v.to_string()))
                .collect(),
        }
    }
}

/// A table read from a side file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SideTable {
    pub rows: usize,
    pub names: Vec<String>,
    pub columns: Vec<Cells>,
    /// Typed columns (Parquet, Arrow); text columns (TSV, CSV) are typed by their content.
    pub typed: bool,
    /// Columns left out (neither text nor numbers), `name (type)`.
    pub skipped: Vec<String>,
}

/// Column name of a file with one label per line.
pub(crate) const SINGLE_COLUMN: &str = "label";

impl SideTable {
    /// The text line of `row` in a TSV/CSV file with a header (`None` for typed tables).
    fn line_of(&self, row: usize, first_line: u64) -> Location {
        Location::Line(first_line + row as u64)
    }

    /// The label column: `name` (which must exist), else the first text column (text files:
    /// the first column).
    pub fn label_index(&self, path: &Path, name: Option<&str>) -> Result<usize, FormatError> {
        if let Some(name) = name {
            return self
                .names
                .iter()
                .position(|n| n == name)
                .ok_or_else(|| missing_column(path, name, &self.names));
        }
        self.columns
            .iter()
            .position(|c| matches!(c, Cells::Strings(_)))
            .ok_or_else(|| {
                FormatError::parse(
                    path,
                    Location::File,
                    Problem::NoSuitableColumn(format!(
                        "no text column for the labels among: {}",
                        self.names.join(", ")
                    )),
                )
            })
    }

    /// Removes column `index` and returns it as labels: every value present and non-empty.
    /// `first_line` is the line of row 0 in a text file (errors name the line), else 0.
    pub fn take_labels(
        &mut self,
        path: &Path,
        index: usize,
        first_line: u64,
    ) -> Result<Vec<String>, FormatError> {
        let name = self.names.remove(index);
        let values = self.columns.remove(index).into_strings();
        let mut labels = Vec::with_capacity(values.len());
        for (row, value) in values.into_iter().enumerate() {
            match value.filter(|v| !v.is_empty()) {
                Some(label) => labels.push(label),
                None => {
                    let location = if self.typed {
                        Location::Cell {
                            column: name,
                            row: row as u64,
                        }
                    } else {
                        self.line_of(row, first_line)
                    };
                    let problem = if self.typed {
                        Problem::MissingLabel
                    } else {
                        Problem::EmptyWord
                    };
                    return Err(FormatError::parse(path, location, problem));
                }
            }
        }
        Ok(labels)
    }

    /// The columns as metadata (text columns are numbers when every value parses).
    pub fn into_metadata(self) -> Metadata {
        let columns = self
            .names
            .into_iter()
            .zip(self.columns)
            .map(|(name, cells)| match (cells, self.typed) {
                (Cells::Strings(values), false) => Column::from_text(name, values),
                (Cells::Strings(values), true) => Column {
                    name,
                    values: Values::Strings(values),
                },
                (Cells::Numbers(values), _) => Column {
                    name,
                    values: Values::Numbers(values),
                },
            })
            .collect();
        // Names are unique and lengths equal by construction.
        Metadata::from_columns(self.rows, columns).unwrap_or_else(|_| Metadata::new(self.rows))
    }
}

fn missing_column(path: &Path, name: &str, names: &[String]) -> FormatError {
    FormatError::parse(
        path,
        Location::File,
        Problem::MissingColumn {
            name: name.to_owned(),
            available: names.join(", "),
        },
    )
}
