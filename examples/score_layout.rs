//! Scores any 3D layout of a vectors file with embedscape's own quality figures, so a layout
//! made elsewhere (umap-learn, NumPy PCA) is measured exactly like `embedscape project`'s.
//!
//! Run: `cargo run --release --no-default-features --example score_layout -- VECTORS LAYOUT.tsv
//! [QUERIES]`. LAYOUT.tsv has a header line, then `word x y z ...` per line (what `embedscape
//! project` writes; extra columns are ignored); its words must be the file's, in any order.
//! QUERIES (default 1000) is the number of seeded sample words, each ranked against ALL rows.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use embedscape::embeddings::formats::{LoadOptions, load};
use embedscape::space::{QualityOptions, projection_quality};
use ndarray::Array2;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (vectors, layout) = match args.as_slice() {
        [vectors, layout, ..] => (PathBuf::from(vectors), PathBuf::from(layout)),
        _ => bail!("usage: score_layout VECTORS LAYOUT.tsv [QUERIES]"),
    };
    let queries: usize = match args.get(2) {
        Some(q) => q.parse().with_context(|| format!("QUERIES: {q}"))?,
        None => 1000,
    };
    let emb = load(&vectors, &LoadOptions::default())
        .with_context(|| format!("loading {}", vectors.display()))?
        .embeddings;
    let row_of: HashMap<&str, usize> = emb
        .words()
        .iter()
        .enumerate()
        .map(|(row, word)| (word.as_str(), row))
        .collect();
    let text = std::fs::read_to_string(&layout)
        .with_context(|| format!("reading {}", layout.display()))?;
    let mut coords_3d = Array2::<f32>::from_elem((emb.len(), 3), f32::NAN);
    for (number, line) in text.lines().enumerate().skip(1) {
        let mut fields = line.split('\t');
        let word = fields.next().unwrap_or_default();
        let row = *row_of
            .get(word)
            .with_context(|| format!("line {}: unknown word {word:?}", number + 1))?;
        for axis in 0..3 {
            let field = fields.next().unwrap_or_default();
            coords_3d[[row, axis]] = field
                .parse()
                .with_context(|| format!("line {}: coordinate {field:?}", number + 1))?;
        }
    }
    if coords_3d.iter().any(|v| v.is_nan()) {
        bail!("the layout lacks some of the file's words");
    }
    let start = Instant::now();
    let q = projection_quality(
        emb.matrix().view(),
        coords_3d.view(),
        &QualityOptions {
            max_sample_rows: queries,
            ..Default::default()
        },
    )?;
    println!(
        "{}: neighbour preservation@{k} {:.2}%, trustworthiness@{k} {:.4} ({} queries against all {} rows, {:.1} s)",
        layout.display(),
        q.neighbor_preservation * 100.0,
        q.trustworthiness,
        q.sampled_rows,
        emb.len(),
        start.elapsed().as_secs_f64(),
        k = q.k
    );
    Ok(())
}
