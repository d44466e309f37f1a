//! A stand-in for Stanford's GloVe vectors, generated in code so tests and benchmarks can open
//! a GloVe-size file without downloading one.
//!
//! What makes real GloVe hard to frame and pick is kept: rows in frequency order, a dense clump
//! of rare words, and a heavy tail of frequent words far out along a few common directions
//! (in a PCA of GloVe 6B the frequent words sit far from the bulk). Topic clusters give k-means
//! something to find. English country → capital and male → female pairs (from the built-in
//! relation sets) sit among the first few thousand rows with one shared offset each, so the
//! relation arrows run parallel and `king − man + woman` answers `queen`, as in real GloVe.
//! The other rows are named `w<rank>`.

use ndarray::Array2;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{Embeddings, EmbeddingsError};

/// Country → capital pairs placed in the frequent rows.
pub const COUNTRY_CAPITAL: [(&str, &str); 12] = [
    ("france", "paris"),
    ("germany", "berlin"),
    ("japan", "tokyo"),
    ("italy", "rome"),
    ("spain", "madrid"),
    ("russia", "moscow"),
    ("china", "beijing"),
    ("egypt", "cairo"),
    ("canada", "ottawa"),
    ("greece", "athens"),
    ("poland", "warsaw"),
    ("portugal", "lisbon"),
];

/// Male → female pairs placed in the frequent rows.
pub const MALE_FEMALE: [(&str, &str); 8] = [
    ("king", "queen"),
    ("man", "woman"),
    ("father", "mother"),
    ("son", "daughter"),
    ("brother", "sister"),
    ("husband", "wife"),
    ("boy", "girl"),
    ("prince", "princess"),
];

/// Number of topic clusters.
const TOPICS: usize = 24;
/// Directions along which the frequent words spread (the heavy tail).
const TAIL_DIRECTIONS: usize = 4;

/// `rows` x `dim` vectors shaped like GloVe (see the module docs); the same seed gives the same
/// vectors. `rows` is raised to fit the named words and `dim` to at least 8.
pub fn glove_like(rows: usize, dim: usize, seed: u64) -> Result<Embeddings, EmbeddingsError> {
    let dim = dim.max(8);
    let named = 2 * (COUNTRY_CAPITAL.len() + MALE_FEMALE.len());
    let rows = rows.max(named * 50);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut gaussian = move |scale: f32| -> Vec<f32> {
        (0..dim)
            .map(|_| {
                // Box–Muller: one standard normal per pair of uniforms.
                let u: f32 = rng.gen_range(f32::EPSILON..1.0);
                let v: f32 = rng.gen_range(0.0..1.0);
                (-2.0 * u.ln()).sqrt() * (std::f32::consts::TAU * v).cos() * scale
            })
            .collect()
    };
    let per_coord = 1.0 / (dim as f32).sqrt();
    let topics: Vec<Vec<f32>> = (0..TOPICS).map(|_| gaussian(1.6 * per_coord)).collect();
    let tails: Vec<Vec<f32>> = (0..TAIL_DIRECTIONS).map(|_| gaussian(per_coord)).collect();
    let capital_offset = gaussian(1.4 * per_coord);
    let female_offset = gaussian(1.4 * per_coord);
    let country_topic = gaussian(1.6 * per_coord);
    let people_topic = gaussian(1.6 * per_coord);

    // Named words take every 97th row from row 40 on: frequent, but not the very first.
    let mut names: Vec<Option<(String, usize)>> = vec![None; rows];
    let pairs = COUNTRY_CAPITAL
        .iter()
        .map(|p| (p, 0))
        .chain(MALE_FEMALE.iter().map(|p| (p, 1)));
    for (i, ((head, tail), kind)) in pairs.enumerate() {
        names[40 + 97 * 2 * i] = Some(((*head).to_owned(), kind * 2));
        names[40 + 97 * (2 * i + 1)] = Some(((*tail).to_owned(), kind * 2 + 1));
    }

    let mut matrix = Array2::<f32>::zeros((rows, dim));
    let mut words = Vec::with_capacity(rows);
    // The pair's shared base (a country, a man), kept until its partner row is written.
    let mut base: Vec<f32> = Vec::new();
    for (row, name) in names.into_iter().enumerate() {
        // Heavy tail: the first rows lie far out, the rest shrink towards a dense clump.
        let tail_scale = 7.0 / (1.0 + row as f32 / 400.0).powf(0.8);
        let noise = gaussian((0.35 + tail_scale * 0.1) * per_coord);
        let mut vector = noise;
        match &name {
            Some((_, role)) if role % 2 == 1 => {
                let offset = if *role == 1 {
                    &capital_offset
                } else {
                    &female_offset
                };
                for (v, (b, o)) in vector.iter_mut().zip(base.iter().zip(offset)) {
                    *v = b + o + *v * 0.15;
                }
            }
            Some((_, role)) => {
                let topic = if *role == 0 {
                    &country_topic
                } else {
                    &people_topic
                };
                // Far out along a tail direction, like frequent words in real GloVe.
                let spread = gaussian(per_coord);
                let direction = &tails[row % TAIL_DIRECTIONS];
                for (((v, t), s), d) in vector.iter_mut().zip(topic).zip(&spread).zip(direction) {
                    *v = t * 1.5 + s * 0.9 + d * tail_scale * 0.6 + *v * 0.2;
                }
                base = vector.clone();
            }
            None => {
                let topic = &topics[row % TOPICS];
                let strength = 0.4 + tail_scale * 0.2;
                let direction = &tails[row % TAIL_DIRECTIONS];
                let sign = if (row / TAIL_DIRECTIONS).is_multiple_of(2) {
                    1.0
                } else {
                    -0.3
                };
                for ((v, t), d) in vector.iter_mut().zip(topic).zip(direction) {
                    *v += t * strength + d * tail_scale * sign;
                }
            }
        }
        matrix
            .row_mut(row)
            .iter_mut()
            .zip(&vector)
            .for_each(|(m, v)| *m = *v);
        words.push(name.map_or_else(|| format!("w{row}"), |(word, _)| word));
    }
    Embeddings::from_words(words, matrix)
}

/// The topics of [`topic_table`], with the share of rows each gets.
pub const TABLE_TOPICS: [(&str, f64); 5] = [
    ("sports", 0.35),
    ("music", 0.25),
    ("science", 0.2),
    ("politics", 0.12),
    ("food", 0.08),
];
/// The sources of [`topic_table`] (independent of the topic).
pub const TABLE_SOURCES: [&str; 3] = ["web", "news", "books"];

/// A table of embeddings with metadata, as a model's output with its documents' columns: one
/// row per document, named `doc<i>`, in [`TABLE_TOPICS`] Gaussian blobs; a `score` (the
/// position along one direction shared by every blob, so a gradient runs across the blobs),
/// a `source`, and a 2-D layout of its own in `x` and `y` (each topic's blob around its own
/// point on a circle, as a layout computed elsewhere would bring: the viewer's "as given").
#[derive(Debug, Clone, PartialEq)]
pub struct TopicTable {
    pub labels: Vec<String>,
    pub vectors: Array2<f32>,
    pub topics: Vec<String>,
    pub scores: Vec<f64>,
    pub sources: Vec<String>,
    /// The table's own 2-D layout.
    pub xs: Vec<f64>,
    pub ys: Vec<f64>,
}

impl TopicTable {
    /// Writes the table as Parquet (columns `label`, `vector` as a list of floats, `topic`,
    /// `score`, `source`, `x`, `y`), the layout the table readers take, through a temporary
    /// file.
    pub fn write_parquet(&self, path: &std::path::Path) -> std::io::Result<()> {
        use arrow_array::types::Float32Type;
        use arrow_array::{ArrayRef, Float64Array, ListArray, RecordBatch, StringArray};
        use std::sync::Arc;
        let vectors = ListArray::from_iter_primitive::<Float32Type, _, _>(
            self.vectors
                .outer_iter()
                .map(|row| Some(row.iter().map(|&v| Some(v)).collect::<Vec<_>>())),
        );
        let text = |values: &[String]| Arc::new(StringArray::from(values.to_vec())) as ArrayRef;
        let batch = RecordBatch::try_from_iter([
            ("label", text(&self.labels)),
            ("vector", Arc::new(vectors) as ArrayRef),
            ("topic", text(&self.topics)),
            (
                "score",
                Arc::new(Float64Array::from(self.scores.clone())) as ArrayRef,
            ),
            ("source", text(&self.sources)),
            (
                "x",
                Arc::new(Float64Array::from(self.xs.clone())) as ArrayRef,
            ),
            (
                "y",
                Arc::new(Float64Array::from(self.ys.clone())) as ArrayRef,
            ),
        ])
        .map_err(std::io::Error::other)?;
        crate::embeddings::formats::write_parquet_batch(path, &batch)
    }
}

/// `rows` documents of `dim` dimensions (at least 4); the same seed gives the same table.
pub fn topic_table(rows: usize, dim: usize, seed: u64) -> TopicTable {
    let dim = dim.max(4);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let centres: Vec<Vec<f32>> = TABLE_TOPICS
        .iter()
        .map(|_| (0..dim).map(|_| rng.gen_range(-3.0f32..3.0)).collect())
        .collect();
    let mut vectors = Array2::<f32>::zeros((rows, dim));
    let mut topics = Vec::with_capacity(rows);
    let mut scores = Vec::with_capacity(rows);
    let mut sources = Vec::with_capacity(rows);
    let mut xs = Vec::with_capacity(rows);
    let mut ys = Vec::with_capacity(rows);
    for mut vector in vectors.outer_iter_mut() {
        let mut pick: f64 = rng.gen_range(0.0..1.0);
        let topic = TABLE_TOPICS
            .iter()
            .position(|(_, share)| {
                pick -= share;
                pick < 0.0
            })
            .unwrap_or(TABLE_TOPICS.len() - 1);
        for (value, centre) in vector.iter_mut().zip(&centres[topic]) {
            // The sum of three uniforms: near enough to a Gaussian for a blob.
            let noise: f32 = (0..3).map(|_| rng.gen_range(-0.5f32..0.5)).sum();
            *value = centre + noise;
        }
        scores.push((f64::from(vector[0] - vector[1]) * 1000.0).round() / 1000.0);
        // The topic's point on a circle of radius 10, and the row's own noise around it (no
        // further random draws, so the other columns stay as they were).
        let angle = topic as f64 * std::f64::consts::TAU / TABLE_TOPICS.len() as f64;
        let offset = |d: usize| f64::from(vector[d] - centres[topic][d]);
        xs.push(((10.0 * angle.cos() + 2.0 * offset(2)) * 1000.0).round() / 1000.0);
        ys.push(((10.0 * angle.sin() + 2.0 * offset(3)) * 1000.0).round() / 1000.0);
        topics.push(TABLE_TOPICS[topic].0.to_owned());
        sources.push(TABLE_SOURCES[rng.gen_range(0..TABLE_SOURCES.len())].to_owned());
    }
    TopicTable {
        labels: (0..rows).map(|i| format!("doc{i}")).collect(),
        vectors,
        topics,
        scores,
        sources,
        xs,
        ys,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::space::{AnalogyMethod, NeighborIndex, analogy};

    #[test]
    fn frequent_rows_lie_far_out_and_rare_rows_clump() {
        let e = glove_like(20_000, 50, 7).unwrap();
        let norm = |r: usize| e.row(r).iter().map(|v| v * v).sum::<f32>().sqrt();
        let head: f32 = (0..20).map(norm).sum::<f32>() / 20.0;
        let rare: f32 = (19_000..19_020).map(norm).sum::<f32>() / 20.0;
        assert!(head > 3.0 * rare, "head {head} vs rare {rare}");
    }

    #[test]
    fn named_pairs_share_one_offset() {
        let e = glove_like(20_000, 50, 7).unwrap();
        for (head, tail) in COUNTRY_CAPITAL.iter().chain(&MALE_FEMALE) {
            assert!(e.index_of(head).is_some() && e.index_of(tail).is_some());
        }
        let index = NeighborIndex::new(&e);
        let row = |w: &str| e.index_of(w).unwrap();
        let answers = analogy(
            &index,
            row("man"),
            row("king"),
            row("woman"),
            1,
            AnalogyMethod::CosAdd,
            None,
        )
        .unwrap();
        assert_eq!(e.word(answers[0].row), Some("queen"));
        let same = glove_like(20_000, 50, 7).unwrap();
        assert_eq!(e.matrix(), same.matrix());
    }
}
