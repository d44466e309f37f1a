//! Nearest neighbours of a group of rows (a lasso selection): the cosine top-k of the group's
//! centroid, the mean of its unit rows, in the full space. The group's own rows are left out
//! (they are what was asked about), and so are rows the caller skips (rows a filter hides).

use crate::space::SpaceError;
use crate::space::search::neighbors::{Neighbor, NeighborIndex, dot};
use crate::space::search::top_k::scan_top_k;
use crate::vector_math::normalize_in_place;

impl NeighborIndex {
    /// The mean of the unit rows `rows` (not normalised); an error for no rows or a row out
    /// of range.
    pub fn centroid(&self, rows: &[usize]) -> Result<Vec<f32>, SpaceError> {
        if rows.is_empty() {
            return Err(SpaceError::Invalid(
                "the centroid of no rows: select some rows first".into(),
            ));
        }
        let mut sum = vec![0.0f32; self.dim()];
        for &row in rows {
            for (s, v) in sum.iter_mut().zip(self.unit_row(row)?) {
                *s += v;
            }
        }
        let count = rows.len() as f32;
        sum.iter_mut().for_each(|s| *s /= count);
        Ok(sum)
    }

    /// The `k` rows most cosine-similar to the centroid of `rows`, best first, leaving out
    /// `rows` themselves and every row for which `skip` is true. Empty when the centroid is the
    /// zero vector (rows that cancel out point nowhere).
    pub fn top_k_centroid(
        &self,
        rows: &[usize],
        k: usize,
        skip: &(dyn Fn(usize) -> bool + Sync),
    ) -> Result<Vec<Neighbor>, SpaceError> {
        let mut query = self.centroid(rows)?;
        if query.iter().all(|v| *v == 0.0) {
            return Ok(Vec::new());
        }
        normalize_in_place(&mut query);
        let mut members = rows.to_vec();
        members.sort_unstable();
        let unit = self.unit_matrix();
        let d = self.dim();
        let Some(flat) = unit.as_slice() else {
            return Err(SpaceError::Invalid("the index is not contiguous".into()));
        };
        // NaN scores are never returned: that is how member and skipped rows stay out.
        Ok(scan_top_k(self.len(), k, &[], |row| {
            if members.binary_search(&row).is_ok() || skip(row) {
                f32::NAN
            } else {
                dot(&flat[row * d..(row + 1) * d], &query)
            }
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn neighbours_of_a_group_are_those_of_its_centroid_without_the_group() {
        let index = NeighborIndex::from_matrix(
            array![
                [1.0, 0.0, 0.0],
                [0.0, 2.0, 0.0],
                [1.0, 1.0, 0.0],
                [1.0, 1.2, 0.1],
                [0.0, 0.0, 1.0],
                [-1.0, -1.0, 0.0],
            ]
            .view(),
        );
        // Rows 0 and 1 (lengths differ: unit rows count equally) centre on (1, 1, 0)/2.
        let centroid = index.centroid(&[0, 1]).unwrap();
        assert!((centroid[0] - 0.5).abs() < 1e-6 && (centroid[1] - 0.5).abs() < 1e-6);
        let found = index.top_k_centroid(&[1, 0], 3, &|_| false).unwrap();
        let rows: Vec<usize> = found.iter().map(|n| n.row).collect();
        assert_eq!(rows, [2, 3, 4]);
        assert!((found[0].similarity - 1.0).abs() < 1e-6);
        // A skipped row (hidden by a filter) is never listed.
        let found = index.top_k_centroid(&[0, 1], 3, &|row| row == 2).unwrap();
        let rows: Vec<usize> = found.iter().map(|n| n.row).collect();
        assert_eq!(rows, [3, 4, 5]);
        // The same as a query by the centroid vector itself.
        let by_vector = index
            .top_k_vector(ndarray::ArrayView1::from(&centroid), 3, &[0, 1])
            .unwrap();
        assert_eq!(
            by_vector.iter().map(|n| n.row).collect::<Vec<_>>(),
            [2, 3, 4]
        );
    }

    #[test]
    fn no_rows_or_rows_that_cancel_out() {
        let index = NeighborIndex::from_matrix(array![[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0]].view());
        assert!(index.top_k_centroid(&[], 2, &|_| false).is_err());
        assert!(index.top_k_centroid(&[7], 2, &|_| false).is_err());
        assert!(
            index
                .top_k_centroid(&[0, 1], 2, &|_| false)
                .unwrap()
                .is_empty()
        );
    }
}
