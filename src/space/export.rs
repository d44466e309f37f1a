//! Text output of a projection: `word x y z cluster` TSV, the format `embedscape project`
//! writes (and spreadsheet / plotting tools read). Words containing tabs or newlines would
//! break the columns, so those characters are replaced by spaces.

use std::io::{self, Write};

use ndarray::ArrayView2;

/// Writes a header line and one row per word. `labels` may be empty (the cluster column is
/// then left empty). Lengths must match `coords_3d` (N x 3).
pub fn write_coords_tsv<W: Write>(
    out: &mut W,
    words: &[String],
    coords_3d: ArrayView2<f32>,
    labels: &[usize],
) -> io::Result<()> {
    if words.len() != coords_3d.nrows() || coords_3d.ncols() != 3 {
        return Err(io::Error::other(format!(
            "{} words for {} x {} coordinates",
            words.len(),
            coords_3d.nrows(),
            coords_3d.ncols()
        )));
    }
    writeln!(out, "word\tx\ty\tz\tcluster")?;
    for (row, word) in words.iter().enumerate() {
        let clean: String = word
            .chars()
            .map(|c| {
                if c == '\t' || c == '\n' || c == '\r' {
                    ' '
                } else {
                    c
                }
            })
            .collect();
        let p = coords_3d.row(row);
        match labels.get(row) {
            Some(l) => writeln!(out, "{clean}\t{}\t{}\t{}\t{l}", p[0], p[1], p[2])?,
            None => writeln!(out, "{clean}\t{}\t{}\t{}\t", p[0], p[1], p[2])?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn writes_header_and_rows() {
        let mut buf = Vec::new();
        let words = vec!["巴黎".to_string(), "a\tb".to_string()];
        let c = array![[1.0f32, 2.0, 3.0], [0.5, -1.0, 0.0]];
        write_coords_tsv(&mut buf, &words, c.view(), &[4, 0]).unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert_eq!(
            text,
            "word\tx\ty\tz\tcluster\n巴黎\t1\t2\t3\t4\na b\t0.5\t-1\t0\t0\n"
        );
        assert!(write_coords_tsv(&mut Vec::new(), &words[..1], c.view(), &[]).is_err());
    }
}
