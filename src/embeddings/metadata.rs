//! Per-row metadata of an embeddings file: named columns of text or numbers, one value per row
//! (the Embedding Projector's metadata, a Parquet table's other columns, a `--metadata` TSV).
//!
//! [`Metadata`] is columnar: each [`Column`] holds either strings or numbers, with `None` for a
//! missing value (an empty TSV field, a Parquet null). A text column becomes numeric when every
//! non-empty value parses as a number ([`Column::from_text`]), so a `count` or `year` column can
//! be used for colour scales and range filters. The rows follow the embeddings' rows: readers
//! drop the metadata of duplicate words together with the words, and a metadata file with
//! another number of rows is joined on its label column ([`Metadata::joined_on`]).

use std::collections::HashMap;

/// The values of one column, one per row; `None` is a missing value.
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    Strings(Vec<Option<String>>),
    Numbers(Vec<Option<f64>>),
}

/// One value, borrowed from a column.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    Text(&'a str),
    Number(f64),
}

impl std::fmt::Display for Value<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Text(text) => f.write_str(text),
            Value::Number(number) => write!(f, "{number}"),
        }
    }
}

/// A named column.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    pub values: Values,
}

impl Column {
    /// A column of text fields: numbers when every non-empty field parses as a finite number
    /// (and at least one does), strings otherwise. Empty fields are missing values.
    pub fn from_text(name: impl Into<String>, fields: Vec<Option<String>>) -> Column {
        let fields: Vec<Option<String>> = fields
            .into_iter()
            .map(|field| field.filter(|text| !text.is_empty()))
            .collect();
        let parse = |text: &str| text.trim().parse::<f64>().ok().filter(|v| v.is_finite());
        let numeric = fields.iter().any(Option::is_some)
            && fields.iter().flatten().all(|text| parse(text).is_some());
        let values = if numeric {
            Values::Numbers(
                fields
                    .iter()
                    .map(|field| field.as_deref().and_then(parse))
                    .collect(),
            )
        } else {
            Values::Strings(fields)
        };
        Column {
            name: name.into(),
            values,
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        match &self.values {
            Values::Strings(values) => values.len(),
            Values::Numbers(values) => values.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn is_numeric(&self) -> bool {
        matches!(self.values, Values::Numbers(_))
    }

    /// The value of `row`; `None` when missing or out of range.
    pub fn get(&self, row: usize) -> Option<Value<'_>> {
        match &self.values {
            Values::Strings(values) => values.get(row)?.as_deref().map(Value::Text),
            Values::Numbers(values) => values.get(row).copied().flatten().map(Value::Number),
        }
    }

    /// The rows `picks` names, in that order; `None` picks give missing values.
    fn pick(&self, picks: &[Option<usize>]) -> Column {
        fn take<T: Clone>(values: &[Option<T>], picks: &[Option<usize>]) -> Vec<Option<T>> {
            picks
                .iter()
                .map(|pick| pick.and_then(|row| values.get(row).cloned().flatten()))
                .collect()
        }
        let values = match &self.values {
            Values::Strings(values) => Values::Strings(take(values, picks)),
            Values::Numbers(values) => Values::Numbers(take(values, picks)),
        };
        Column {
            name: self.name.clone(),
            values,
        }
    }
}

/// Why columns cannot be put together.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetadataError {
    #[error("column {name:?} has {found} values but the table has {expected} rows")]
    Length {
        name: String,
        expected: usize,
        found: usize,
    },
    #[error("two columns are named {0:?}")]
    DuplicateName(String),
}

/// Named columns with one value per row of the embeddings.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Metadata {
    rows: usize,
    columns: Vec<Column>,
}

impl Metadata {
    /// No columns yet, for `rows` rows.
    pub fn new(rows: usize) -> Metadata {
        Metadata {
            rows,
            columns: Vec::new(),
        }
    }

    /// Columns of equal length and distinct names.
    pub fn from_columns(rows: usize, columns: Vec<Column>) -> Result<Metadata, MetadataError> {
        let mut metadata = Metadata::new(rows);
        for column in columns {
            metadata.push(column)?;
        }
        Ok(metadata)
    }

    /// Adds a column of `rows()` values whose name is not taken yet.
    pub fn push(&mut self, column: Column) -> Result<(), MetadataError> {
        let found = column.len();
        if found != self.rows {
            return Err(MetadataError::Length {
                name: column.name,
                expected: self.rows,
                found,
            });
        }
        if self.column(&column.name).is_some() {
            return Err(MetadataError::DuplicateName(column.name));
        }
        self.columns.push(column);
        Ok(())
    }

    /// The number of rows (the embeddings' rows).
    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }

    /// Column names, in order.
    pub fn names(&self) -> Vec<&str> {
        self.columns.iter().map(|c| c.name.as_str()).collect()
    }

    /// The column called `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The values of a text column.
    pub fn strings(&self, name: &str) -> Option<&[Option<String>]> {
        match &self.column(name)?.values {
            Values::Strings(values) => Some(values),
            Values::Numbers(_) => None,
        }
    }

    /// The values of a numeric column.
    pub fn numbers(&self, name: &str) -> Option<&[Option<f64>]> {
        match &self.column(name)?.values {
            Values::Numbers(values) => Some(values),
            Values::Strings(_) => None,
        }
    }

    /// One value: column `name`, row `row`.
    pub fn value(&self, row: usize, name: &str) -> Option<Value<'_>> {
        self.column(name)?.get(row)
    }

    /// A `category` column for `words` from `word → category` pairs (the categories TSV);
    /// words without a category get a missing value, the first pair of a word wins.
    pub fn from_categories(words: &[String], pairs: &[(String, String)]) -> Metadata {
        let mut by_word: HashMap<&str, &str> = HashMap::with_capacity(pairs.len());
        for (word, category) in pairs {
            by_word.entry(word.as_str()).or_insert(category.as_str());
        }
        let values = words
            .iter()
            .map(|word| by_word.get(word.as_str()).map(|c| (*c).to_owned()))
            .collect();
        let column = Column {
            name: "category".to_owned(),
            values: Values::Strings(values),
        };
        Metadata {
            rows: words.len(),
            columns: vec![column],
        }
    }

    /// The rows of `self` reordered to follow `labels`, where `keys` holds the label of each
    /// row of `self`: row i of the result is the first row whose key equals `labels[i]`, or
    /// missing values when none does.
    pub fn joined_on(&self, keys: &[Option<String>], labels: &[String]) -> Joined {
        let mut first_row: HashMap<&str, usize> = HashMap::with_capacity(keys.len());
        let mut repeated = 0;
        for (row, key) in keys.iter().enumerate().take(self.rows) {
            if let Some(key) = key {
                if first_row.contains_key(key.as_str()) {
                    repeated += 1;
                } else {
                    first_row.insert(key, row);
                }
            }
        }
        let picks: Vec<Option<usize>> = labels
            .iter()
            .map(|label| first_row.get(label.as_str()).copied())
            .collect();
        let mut used = vec![false; self.rows];
        for &row in picks.iter().flatten() {
            used[row] = true;
        }
        let matched = picks.iter().flatten().count();
        let metadata = Metadata {
            rows: labels.len(),
            columns: self.columns.iter().map(|c| c.pick(&picks)).collect(),
        };
        Joined {
            metadata,
            matched,
            unmatched: first_row.values().filter(|&&row| !used[row]).count(),
            repeated,
        }
    }

    /// Appends the columns of `other` (same number of rows), refusing a name taken twice.
    pub fn extend(&mut self, other: Metadata) -> Result<(), MetadataError> {
        for column in other.columns {
            self.push(column)?;
        }
        Ok(())
    }

    /// Drops the rows listed in `dropped` (sorted ascending), mirroring duplicate removal.
    pub(crate) fn retain_rows(&mut self, dropped: &[usize]) {
        if dropped.is_empty() {
            return;
        }
        let mut drop = vec![false; self.rows];
        for &row in dropped {
            if let Some(flag) = drop.get_mut(row) {
                *flag = true;
            }
        }
        fn keep<T>(values: &mut Vec<T>, drop: &[bool]) {
            let mut row = 0;
            values.retain(|_| {
                let kept = !drop.get(row).copied().unwrap_or(false);
                row += 1;
                kept
            });
        }
        for column in &mut self.columns {
            match &mut column.values {
                Values::Strings(values) => keep(values, &drop),
                Values::Numbers(values) => keep(values, &drop),
            }
        }
        self.rows -= drop.iter().filter(|&&d| d).count();
    }
}

/// What [`Metadata::joined_on`] made of a metadata table and a list of labels.
#[derive(Debug, Clone, PartialEq)]
pub struct Joined {
    /// One row per label.
    pub metadata: Metadata,
    /// Labels that found a metadata row.
    pub matched: usize,
    /// Distinct metadata keys that matched no label.
    pub unmatched: usize,
    /// Metadata rows whose key repeated an earlier row's (the first is used).
    pub repeated: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(values: &[&str]) -> Vec<Option<String>> {
        values.iter().map(|v| Some((*v).to_owned())).collect()
    }

    #[test]
    fn numeric_when_every_non_empty_value_parses() {
        let column = Column::from_text("count", text(&["10", "", " 2.5", "-1e3"]));
        assert_eq!(
            column.values,
            Values::Numbers(vec![Some(10.0), None, Some(2.5), Some(-1000.0)])
        );
        let column = Column::from_text("pos", text(&["1", "noun"]));
        assert!(!column.is_numeric());
        assert_eq!(column.get(1), Some(Value::Text("noun")));
        assert!(!Column::from_text("empty", text(&["", ""])).is_numeric());
        assert!(!Column::from_text("nan", text(&["1", "NaN"])).is_numeric());
    }

    #[test]
    fn lookups_by_name() {
        let meta = Metadata::from_columns(
            2,
            vec![
                Column::from_text("word", text(&["a", "b"])),
                Column::from_text("n", text(&["1", "2"])),
            ],
        )
        .unwrap();
        assert_eq!(meta.names(), ["word", "n"]);
        assert_eq!(meta.numbers("n").unwrap(), [Some(1.0), Some(2.0)]);
        assert!(meta.strings("n").is_none());
        assert_eq!(meta.value(1, "word"), Some(Value::Text("b")));
        assert_eq!(meta.value(0, "n").unwrap().to_string(), "1");
        let err = Metadata::from_columns(
            2,
            vec![
                Column::from_text("x", text(&["a", "b"])),
                Column::from_text("x", text(&["a", "b"])),
            ],
        )
        .unwrap_err();
        assert_eq!(err, MetadataError::DuplicateName("x".into()));
        let err = Metadata::from_columns(3, vec![Column::from_text("x", text(&["a"]))]);
        assert!(matches!(err, Err(MetadataError::Length { found: 1, .. })));
    }

    #[test]
    fn join_follows_the_labels() {
        let meta =
            Metadata::from_columns(4, vec![Column::from_text("n", text(&["3", "1", "9", "7"]))])
                .unwrap();
        let keys = text(&["c", "a", "zz", "a"]);
        let labels = ["a", "b", "c", "a"].map(String::from);
        let joined = meta.joined_on(&keys, &labels);
        assert_eq!(joined.metadata.rows(), 4);
        assert_eq!(
            joined.metadata.numbers("n").unwrap(),
            [Some(1.0), None, Some(3.0), Some(1.0)]
        );
        assert_eq!(
            (joined.matched, joined.unmatched, joined.repeated),
            (3, 1, 1)
        );
    }

    #[test]
    fn rows_are_dropped_with_duplicates_and_categories_become_a_column() {
        let mut meta =
            Metadata::from_columns(3, vec![Column::from_text("w", text(&["a", "b", "c"]))])
                .unwrap();
        meta.retain_rows(&[1]);
        assert_eq!(meta.rows(), 2);
        assert_eq!(meta.strings("w").unwrap(), text(&["a", "c"]));
        let words = ["法国", "猫", "x"].map(String::from);
        let pairs = [("猫", "动物"), ("法国", "国家"), ("猫", "other")]
            .map(|(w, c)| (w.to_owned(), c.to_owned()));
        let meta = Metadata::from_categories(&words, &pairs);
        assert_eq!(
            meta.strings("category").unwrap(),
            [Some("国家".into()), Some("动物".into()), None]
        );
    }
}
