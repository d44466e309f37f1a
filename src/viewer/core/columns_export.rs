//! Writes rows (a box selection) as TSV: a header row `label` + every column, then one line per
//! row in row order; missing values are empty fields, tabs and line breaks inside values become
//! spaces. Written atomically.

use std::io::Write;
use std::path::Path;

use crate::viewer::core::filter::RowColumn;
use crate::viewer::core::model::SpaceModel;

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

    #[test]
    fn writes_label_and_columns_of_the_rows() {
        let mut model = SpaceModel::default();
        model.reset(vec!["a".into(), "b\tc".into(), "d".into()]);
        model.metadata = Arc::new(
            Metadata::from_columns(
                3,
                vec![
                    Column::from_text("topic", vec![Some("x".into()), None, Some("z".into())]),
                    Column::from_text("n", vec![Some("1".into()), Some("2.5".into()), None]),
                ],
            )
            .unwrap(),
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sel.tsv");
        write_rows_tsv(&model, &[1, 2], &path).unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "label\ttopic\tn\nb c\t\t2.5\nd\tz\t\n"
        );
    }
}
