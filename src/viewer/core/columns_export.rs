//! Writes rows (a lasso selection) as Parquet when the path ends in `.parquet`, else as TSV;
//! either way a `label` column and every other column, one row per selected row in row order.
//! TSV: a header row, missing values as empty fields, tabs and line breaks inside values
//! become spaces. Parquet: numeric columns as nullable `Float64`, the others as nullable
//! `Utf8` (what pandas, polars and this app's own reader take). Written atomically.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use crate::viewer::core::filter::RowColumn;
use crate::viewer::core::model::SpaceModel;

/// Writes `rows` of the model to `path`: Parquet for a `.parquet` path, TSV otherwise.
pub fn write_rows(model: &SpaceModel, rows: &[usize], path: &Path) -> std::io::Result<()> {
    let parquet = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet"));
    if parquet {
        write_rows_parquet(model, rows, path)
    } else {
        write_rows_tsv(model, rows, path)
    }
}

/// Writes `rows` of the model to `path` as Parquet.
pub fn write_rows_parquet(model: &SpaceModel, rows: &[usize], path: &Path) -> std::io::Result<()> {
    use arrow_array::{ArrayRef, Float64Array, RecordBatch, StringArray};
    let rows: Vec<usize> = rows
        .iter()
        .copied()
        .filter(|&r| r < model.words.len())
        .collect();
    let mut fields: Vec<(String, ArrayRef)> = vec![(
        "label".to_owned(),
        Arc::new(StringArray::from_iter_values(
            rows.iter().map(|&r| model.words[r].as_str()),
        )),
    )];
    for name in RowColumn::names(model) {
        if name == "label" {
            continue;
        }
        let Some(column) = RowColumn::find(model, &name) else {
            continue;
        };
        let array: ArrayRef = if column.is_numeric() {
            Arc::new(Float64Array::from_iter(
                rows.iter().map(|&r| column.number(r)),
            ))
        } else {
            Arc::new(StringArray::from_iter(
                rows.iter().map(|&r| column.text(r).map(|t| t.into_owned())),
            ))
        };
        fields.push((name, array));
    }
    let batch = RecordBatch::try_from_iter(fields).map_err(std::io::Error::other)?;
    crate::embeddings::formats::write_parquet_batch(path, &batch)
}

/// Writes `rows` of the model to `path`.
pub fn write_rows_tsv(model: &SpaceModel, rows: &[usize], path: &Path) -> std::io::Result<()> {
    let names: Vec<String> = RowColumn::names(model)
        .into_iter()
        .filter(|n| n != "label")
        .collect();
    let columns: Vec<RowColumn> = names
        .iter()
        .filter_map(|n| RowColumn::find(model, n))
        .collect();
    crate::atomic_file::write_atomically(path, |w| {
        let mut header = vec!["label".to_owned()];
        header.extend(names.iter().map(|n| clean(n)));
        writeln!(w, "{}", header.join("\t"))?;
        for &row in rows {
            let Some(word) = model.words.get(row) else {
                continue;
            };
            let mut fields = vec![clean(word)];
            fields.extend(
                columns
                    .iter()
                    .map(|c| c.text(row).map(|t| clean(&t)).unwrap_or_default()),
            );
            writeln!(w, "{}", fields.join("\t"))?;
        }
        Ok(())
    })
}

fn clean(text: &str) -> String {
    text.replace(['\t', '\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::embeddings::{Column, Metadata};
    use std::sync::Arc;

    /// A text column `topic` and a numeric-looking column `n` over three rows, with gaps.
    fn two_columns() -> Arc<Metadata> {
        Arc::new(
            Metadata::from_columns(
                3,
                vec![
                    Column::from_text("topic", vec![Some("x".into()), None, Some("z".into())]),
                    Column::from_text("n", vec![Some("1".into()), Some("2.5".into()), None]),
                ],
            )
            .unwrap(),
        )
    }

    #[test]
    fn writes_label_and_columns_of_the_rows() {
        let mut model = SpaceModel::default();
        model.reset(vec!["a".into(), "b\tc".into(), "d".into()]);
        model.metadata = two_columns();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sel.tsv");
        write_rows_tsv(&model, &[1, 2], &path).unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "label\ttopic\tn\nb c\t\t2.5\nd\tz\t\n"
        );
    }

    #[test]
    fn a_parquet_path_writes_parquet_that_reads_back() {
        let mut model = SpaceModel::default();
        model.reset(vec!["a".into(), "b".into(), "c".into()]);
        model.metadata = two_columns();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sel.parquet");
        write_rows(&model, &[1, 2], &path).unwrap();
        assert_eq!(&std::fs::read(&path).unwrap()[..4], b"PAR1");
        let table = crate::embeddings::formats::read_metadata_table(
            &path,
            &crate::embeddings::formats::LoadOptions::default(),
        )
        .unwrap();
        assert_eq!(table.key_name, "label");
        assert_eq!(table.keys, [Some("b".to_owned()), Some("c".to_owned())]);
        assert_eq!(
            table.metadata.strings("topic").unwrap(),
            [None, Some("z".into())]
        );
        assert_eq!(table.metadata.numbers("n").unwrap(), [Some(2.5), None]);
        // Any other extension: TSV.
        let tsv = dir.path().join("sel.txt");
        write_rows(&model, &[1], &tsv).unwrap();
        assert!(
            std::fs::read_to_string(&tsv)
                .unwrap()
                .starts_with("label\t")
        );
    }
}
