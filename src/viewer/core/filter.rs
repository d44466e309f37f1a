//! Row filters over the metadata columns: `COLUMN=VALUE`, `COLUMN!=VALUE`, `COLUMN<NUMBER`,
//! `COLUMN>NUMBER`. A filter hides rows from the view (not drawn, not picked, not labelled);
//! the analysis of the space never sees it.
//!
//! Parsing ([`Filter::parse`]) checks the syntax only, so a script can be checked before the
//! data is loaded; [`Filter::rows`] checks the column against the rows on screen. Columns are
//! the metadata's, plus `label` (the words) and `category` (the categories TSV) when the
//! metadata has no column of that name.

use std::borrow::Cow;

use crate::embeddings::{Column, Value};
use crate::viewer::core::model::SpaceModel;

/// How a filter compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterOp {
    Eq,
    Ne,
    Lt,
    Gt,
}

impl FilterOp {
    fn symbol(self) -> &'static str {
        match self {
            FilterOp::Eq => "=",
            FilterOp::Ne => "!=",
            FilterOp::Lt => "<",
            FilterOp::Gt => ">",
        }
    }
}

/// One condition on one column.
#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    pub column: String,
    pub op: FilterOp,
    pub value: String,
}

impl std::fmt::Display for Filter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}{}", self.column, self.op.symbol(), self.value)
    }
}

/// The syntax, for error messages.
const SYNTAX: &str = "COLUMN=VALUE, COLUMN!=VALUE, COLUMN<NUMBER or COLUMN>NUMBER";

impl Filter {
    /// Parses `COLUMN op VALUE` (spaces around the operator allowed, `==` accepted for `=`,
    /// quotes around the value removed).
    pub fn parse(text: &str) -> Result<Filter, String> {
        let text = text.trim();
        let Some(at) = text.find(['!', '=', '<', '>']) else {
            return Err(format!("filter {text:?}: expected {SYNTAX}"));
        };
        let rest = &text[at..];
        let (op, length) = if rest.starts_with("!=") {
            (FilterOp::Ne, 2)
        } else if rest.starts_with("==") {
            (FilterOp::Eq, 2)
        } else if rest.starts_with('=') {
            (FilterOp::Eq, 1)
        } else if rest.starts_with('<') {
            (FilterOp::Lt, 1)
        } else if rest.starts_with('>') {
            (FilterOp::Gt, 1)
        } else {
            return Err(format!("filter {text:?}: expected {SYNTAX}"));
        };
        let column = text[..at].trim();
        let value = unquote(text[at + length..].trim());
        if column.is_empty() {
            return Err(format!(
                "filter {text:?}: no column before {:?}",
                op.symbol()
            ));
        }
        if value.is_empty() {
            return Err(format!("filter {text:?}: no value after {:?}", op.symbol()));
        }
        if matches!(op, FilterOp::Lt | FilterOp::Gt) && parse_number(value).is_none() {
            return Err(format!(
                "filter {text:?}: {value:?} is not a number ({} compares numbers)",
                op.symbol()
            ));
        }
        Ok(Filter {
            column: column.to_owned(),
            op,
            value: value.to_owned(),
        })
    }

    /// Which of the model's rows pass, or why the filter does not apply to these rows (an
    /// unknown column, a text column compared with `<`).
    pub fn rows(&self, model: &SpaceModel) -> Result<Vec<bool>, String> {
        let Some(column) = RowColumn::find(model, &self.column) else {
            return Err(format!(
                "filter {self}: no column {:?} (columns: {})",
                self.column,
                RowColumn::names(model).join(", ")
            ));
        };
        let rows = model.words.len();
        if column.is_numeric() {
            let Some(target) = parse_number(&self.value) else {
                return Err(format!(
                    "filter {self}: column {:?} holds numbers and {:?} is not one",
                    self.column, self.value
                ));
            };
            Ok((0..rows)
                .map(|row| match (column.number(row), self.op) {
                    (Some(v), FilterOp::Eq) => v == target,
                    (Some(v), FilterOp::Ne) => v != target,
                    (Some(v), FilterOp::Lt) => v < target,
                    (Some(v), FilterOp::Gt) => v > target,
                    (None, op) => op == FilterOp::Ne,
                })
                .collect())
        } else {
            match self.op {
                FilterOp::Eq | FilterOp::Ne => Ok((0..rows)
                    .map(|row| {
                        let equal = column.text(row).is_some_and(|t| t == self.value);
                        equal == (self.op == FilterOp::Eq)
                    })
                    .collect()),
                FilterOp::Lt | FilterOp::Gt => Err(format!(
                    "filter {self}: column {:?} holds text: use = or !=",
                    self.column
                )),
            }
        }
    }
}

fn unquote(value: &str) -> &str {
    for quote in ['"', '\''] {
        if let Some(inner) = value
            .strip_prefix(quote)
            .and_then(|v| v.strip_suffix(quote))
        {
            return inner;
        }
    }
    value
}

fn parse_number(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

/// A column of the rows on screen: a metadata column, the labels or the categories.
#[derive(Clone, Copy)]
pub enum RowColumn<'a> {
    Meta(&'a Column),
    Labels(&'a [String]),
    Categories(&'a SpaceModel),
}

impl<'a> RowColumn<'a> {
    /// The column called `name`: a metadata column first, then `label` and `category`.
    pub fn find(model: &'a SpaceModel, name: &str) -> Option<RowColumn<'a>> {
        if let Some(column) = model.metadata.column(name) {
            return Some(RowColumn::Meta(column));
        }
        match name {
            "label" => Some(RowColumn::Labels(&model.words)),
            "category" if !model.category_names.is_empty() => Some(RowColumn::Categories(model)),
            _ => None,
        }
    }

    /// Every column a filter, a colouring or an export can use, metadata first.
    pub fn names(model: &SpaceModel) -> Vec<String> {
        let mut names: Vec<String> = model
            .metadata
            .names()
            .into_iter()
            .map(str::to_owned)
            .collect();
        if !model.category_names.is_empty() && !names.iter().any(|n| n == "category") {
            names.push("category".to_owned());
        }
        if !names.iter().any(|n| n == "label") {
            names.push("label".to_owned());
        }
        names
    }

    pub fn is_numeric(&self) -> bool {
        matches!(self, RowColumn::Meta(column) if column.is_numeric())
    }

    /// The value of `row` as text (numbers written the shortest way).
    pub fn text(&self, row: usize) -> Option<Cow<'a, str>> {
        match *self {
            RowColumn::Meta(column) => match column.get(row)? {
                Value::Text(text) => Some(Cow::Borrowed(text)),
                Value::Number(number) => Some(Cow::Owned(number.to_string())),
            },
            RowColumn::Labels(words) => words.get(row).map(|w| Cow::Borrowed(w.as_str())),
            RowColumn::Categories(model) => {
                let id = (*model.categories.get(row)?)?;
                model
                    .category_names
                    .get(id)
                    .map(|name| Cow::Borrowed(name.as_str()))
            }
        }
    }

    /// The value of `row` when the column holds numbers.
    pub fn number(&self, row: usize) -> Option<f64> {
        match *self {
            RowColumn::Meta(column) => match column.get(row)? {
                Value::Number(number) => Some(number),
                Value::Text(_) => None,
            },
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::embeddings::Metadata;
    use std::sync::Arc;

    fn model() -> SpaceModel {
        let mut model = SpaceModel::default();
        model.reset(vec!["a".into(), "b".into(), "c".into()]);
        model.metadata = Arc::new(
            Metadata::from_columns(
                3,
                vec![
                    Column::from_text("topic", vec![Some("x".into()), Some("y".into()), None]),
                    Column::from_text(
                        "score",
                        vec![Some("1".into()), Some("2.5".into()), Some("4".into())],
                    ),
                ],
            )
            .unwrap(),
        );
        model
    }

    #[test]
    fn parses_every_operator() {
        let f = Filter::parse(" topic = 'x' ").unwrap();
        assert_eq!(
            (f.column.as_str(), f.op, f.value.as_str()),
            ("topic", FilterOp::Eq, "x")
        );
        assert_eq!(Filter::parse("topic!=x").unwrap().op, FilterOp::Ne);
        assert_eq!(Filter::parse("topic==x").unwrap().op, FilterOp::Eq);
        assert_eq!(Filter::parse("score<2").unwrap().op, FilterOp::Lt);
        assert_eq!(Filter::parse("score>2").unwrap().to_string(), "score>2");
    }

    #[test]
    fn syntax_errors_say_what_is_wrong() {
        assert!(Filter::parse("topic").unwrap_err().contains("COLUMN=VALUE"));
        assert!(Filter::parse("=x").unwrap_err().contains("no column"));
        assert!(Filter::parse("topic=").unwrap_err().contains("no value"));
        assert!(
            Filter::parse("score<abc")
                .unwrap_err()
                .contains("not a number")
        );
    }

    #[test]
    fn filters_text_numbers_and_labels() {
        let model = model();
        let rows = |text: &str| Filter::parse(text).unwrap().rows(&model);
        assert_eq!(rows("topic=x").unwrap(), [true, false, false]);
        assert_eq!(rows("topic!=x").unwrap(), [false, true, true]);
        assert_eq!(rows("score>2").unwrap(), [false, true, true]);
        assert_eq!(rows("score<2.5").unwrap(), [true, false, false]);
        assert_eq!(rows("score=4").unwrap(), [false, false, true]);
        assert_eq!(rows("label=b").unwrap(), [false, true, false]);
        assert!(
            rows("nope=1")
                .unwrap_err()
                .contains("columns: topic, score, label")
        );
        assert!(rows("topic<1").unwrap_err().contains("holds text"));
        assert!(rows("score=abc").unwrap_err().contains("holds numbers"));
    }
}
