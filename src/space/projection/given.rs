//! Coordinates a table brings with it ("as given"): numeric columns `x`, `y` and optionally
//! `z` (or columns the user names), used as the projection instead of PCA or UMAP. People load
//! a table with a layout they computed elsewhere (their own UMAP, t-SNE, a map) and want to see
//! exactly that layout, coloured and filtered by their columns.
//!
//! The layout is centred and scaled to unit RMS radius like every other projection (one scale
//! for all axes, so its shape is kept); a 2-D layout gets `z = 0` and is flat.

use ndarray::Array2;

use crate::embeddings::{Metadata, Value};

use super::align::normalise_rms_radius;

/// The columns looked for when none are named: `x`, `y` and, if present, `z`.
pub const DEFAULT_COORDS_COLUMNS: [&str; 3] = ["x", "y", "z"];

/// Why a table's coordinates cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GivenCoordsError {
    #[error("coordinates need 2 or 3 columns (x,y or x,y,z), got {0}")]
    ColumnCount(usize),
    #[error("no coordinates column {name:?} (columns: {available})")]
    Missing { name: String, available: String },
    #[error("coordinates column {0:?} holds text, not numbers")]
    NotNumeric(String),
    #[error("coordinates column {name:?} has no number in row {row} (the first such row)")]
    MissingValue { name: String, row: usize },
}

/// A table's own layout: one row per table row, always three columns (`z = 0` when flat).
#[derive(Debug, Clone, PartialEq)]
pub struct GivenCoords {
    /// Centred, unit RMS radius.
    pub coords_3d: Array2<f32>,
    /// Two columns were given: every `z` is 0 and the layout is a plane facing the camera.
    pub flat: bool,
}

/// The layout in the columns `names` (2 or 3 of them, numeric, a number in every row).
pub fn given_coords(metadata: &Metadata, names: &[&str]) -> Result<GivenCoords, GivenCoordsError> {
    if !(2..=3).contains(&names.len()) {
        return Err(GivenCoordsError::ColumnCount(names.len()));
    }
    // Every column is checked before any value, so a missing column is named first.
    let columns = names
        .iter()
        .map(|name| {
            let column = metadata
                .column(name)
                .ok_or_else(|| GivenCoordsError::Missing {
                    name: (*name).to_owned(),
                    available: metadata.names().join(", "),
                })?;
            if column.is_numeric() {
                Ok(column)
            } else {
                Err(GivenCoordsError::NotNumeric((*name).to_owned()))
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut coords_3d = Array2::<f32>::zeros((metadata.rows(), 3));
    for (axis, (name, column)) in names.iter().zip(columns).enumerate() {
        for row in 0..metadata.rows() {
            match column.get(row) {
                Some(Value::Number(v)) if v.is_finite() => coords_3d[[row, axis]] = v as f32,
                _ => {
                    return Err(GivenCoordsError::MissingValue {
                        name: (*name).to_owned(),
                        row,
                    });
                }
            }
        }
    }
    for axis in 0..names.len() {
        let mut column = coords_3d.column_mut(axis);
        let mean = column.mean().unwrap_or(0.0);
        column.mapv_inplace(|v| v - mean);
    }
    normalise_rms_radius(&mut coords_3d);
    Ok(GivenCoords {
        coords_3d,
        flat: names.len() == 2,
    })
}

/// The layout in `x`, `y` (and `z` when there is one) if the table has them as numbers in
/// every row; `None` otherwise (a table without coordinates is not an error).
pub fn default_given_coords(metadata: &Metadata) -> Option<GivenCoords> {
    let [x, y, z] = DEFAULT_COORDS_COLUMNS;
    let names: &[&str] = if metadata.numbers(z).is_some() {
        &[x, y, z]
    } else {
        &[x, y]
    };
    given_coords(metadata, names).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::embeddings::Column;

    fn table(columns: &[(&str, &[&str])]) -> Metadata {
        let rows = columns.first().map_or(0, |c| c.1.len());
        Metadata::from_columns(
            rows,
            columns
                .iter()
                .map(|(name, values)| {
                    Column::from_text(
                        *name,
                        values
                            .iter()
                            .map(|v| (!v.is_empty()).then(|| (*v).to_owned()))
                            .collect(),
                    )
                })
                .collect(),
        )
        .unwrap()
    }

    #[test]
    fn two_columns_give_a_flat_centred_layout_with_its_shape_kept() {
        let metadata = table(&[("x", &["0", "2", "4"]), ("y", &["1", "1", "1"])]);
        let given = default_given_coords(&metadata).unwrap();
        assert!(given.flat);
        let c = &given.coords_3d;
        assert_eq!(c.column(2).to_vec(), [0.0, 0.0, 0.0]);
        assert_eq!(c.column(1).to_vec(), [0.0, 0.0, 0.0]);
        assert!((c[[0, 0]] + c[[2, 0]]).abs() < 1e-6 && c[[1, 0]].abs() < 1e-6);
        // Unit RMS radius: (2 x²) / 3 = 1.
        assert!((c[[2, 0]] - 1.5f32.sqrt()).abs() < 1e-5, "{c}");
    }

    #[test]
    fn a_z_column_makes_it_three_d_and_named_columns_win() {
        let metadata = table(&[
            ("x", &["0", "1"]),
            ("y", &["0", "1"]),
            ("z", &["0", "5"]),
            ("u", &["3", "4"]),
        ]);
        assert!(!default_given_coords(&metadata).unwrap().flat);
        let named = given_coords(&metadata, &["u", "x"]).unwrap();
        assert!(named.flat);
        assert!(named.coords_3d[[0, 0]] < named.coords_3d[[1, 0]]);
    }

    #[test]
    fn errors_name_the_column_and_the_row() {
        let metadata = table(&[("x", &["0", ""]), ("topic", &["a", "b"])]);
        assert!(default_given_coords(&metadata).is_none());
        assert_eq!(
            given_coords(&metadata, &["x", "nope"])
                .unwrap_err()
                .to_string(),
            "no coordinates column \"nope\" (columns: x, topic)"
        );
        assert_eq!(
            given_coords(&metadata, &["topic", "x"]).unwrap_err(),
            GivenCoordsError::NotNumeric("topic".into())
        );
        assert_eq!(
            given_coords(&metadata, &["x", "x"]).unwrap_err(),
            GivenCoordsError::MissingValue {
                name: "x".into(),
                row: 1
            }
        );
        assert_eq!(
            given_coords(&metadata, &["x"]).unwrap_err(),
            GivenCoordsError::ColumnCount(1)
        );
    }
}
