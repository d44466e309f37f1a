//! Comparing two spaces over overlapping vocabularies (two corpora, two eras, two languages with
//! a dictionary), as diachronic-embedding studies do: space B is rotated onto space A by
//! orthogonal Procrustes on anchor words, then words are ranked by how far they moved and by
//! how much their neighbourhoods changed.
//!
//! * Anchors are the words both spaces share ([`Anchors::Shared`]) or `A-word → B-word` pairs
//!   ([`Anchors::Pairs`], read by [`read_anchor_pairs`]). Every anchor pair is also a compared
//!   word.
//! * The alignment ([`procrustes_align`]) is the orthogonal `R` (reflections allowed) and, if
//!   asked, the global scale `s` minimising `‖s·B·R − A‖` over the anchors, from the SVD of
//!   `Bᵀ·A`. Vectors are neither centred nor normalised first: embedding spaces share an origin,
//!   and a rotation cannot change a cosine.
//! * Rare words move most by chance (few occurrences, noisy vectors), so only words within the
//!   first [`CompareOptions::top_words`] rows of both files (frequency order in word2vec and
//!   GloVe files) and, where a space carries counts, with at least
//!   [`CompareOptions::min_count`] occurrences are anchors and compared; [`Comparison::excluded`]
//!   says how many were left out.
//! * Movement is the cosine distance between a word's vector in A and its aligned vector from
//!   B; neighbourhood change is `1 − Jaccard` of its top-k cosine neighbours in A and in B,
//!   both searched among the compared words (so a dictionary's pairs can be matched).

use std::io::Write;
use std::path::Path;

use ndarray::{Array2, ArrayView1, ArrayView2, Axis, s};
use rayon::prelude::*;

use crate::atomic_file::write_atomically;
use crate::embeddings::Embeddings;
use crate::space::SpaceError;
use crate::space::search::neighbors::unit_rows_of;

/// Query rows per block of the all-pairs similarity product (bounds its temporary matrix).
const NEIGHBOR_BLOCK_ROWS: usize = 256;
/// Rows per block when accumulating `Bᵀ·A` in f64 (bounds the temporary f64 copies).
const CROSS_BLOCK_ROWS: usize = 4096;

/// One word of A and its counterpart in B.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnchorPair {
    pub a: String,
    pub b: String,
}

/// Which words tie the two spaces together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Anchors {
    /// Every word present in both, paired with itself, in A's order.
    Shared,
    /// These pairs (e.g. a bilingual dictionary), in this order. Pairs naming a word missing
    /// from its space are skipped, and so are later pairs reusing an A or a B word, so each word
    /// has one counterpart.
    Pairs(Vec<AnchorPair>),
}

/// Settings of [`compare_spaces`].
#[derive(Debug, Clone, PartialEq)]
pub struct CompareOptions {
    /// Neighbours per word for the neighbourhood change.
    pub k: usize,
    /// Also fit a global scale (only the aligned vectors change; cosines do not).
    pub with_scale: bool,
    /// Neighbourhood change is computed for the first N compared words (A's order; usually the
    /// most frequent). Cost grows with N², so the default keeps large vocabularies quick.
    pub neighbor_words: usize,
    /// Only words within the first N rows of both spaces (`None`: all rows).
    pub top_words: Option<usize>,
    /// Only words seen at least this often, in each space that has counts (`None`: no limit).
    pub min_count: Option<u64>,
}

impl Default for CompareOptions {
    fn default() -> Self {
        Self {
            k: 10,
            with_scale: false,
            neighbor_words: 10_000,
            top_words: None,
            min_count: None,
        }
    }
}

/// `B·R·scale ≈ A`.
#[derive(Debug, Clone, PartialEq)]
pub struct Alignment {
    /// Orthogonal `dim x dim` matrix applied on the right of B's row vectors.
    pub rotation: Array2<f32>,
    /// 1 unless fitted.
    pub scale: f32,
    /// Anchor pairs the fit used.
    pub anchors: usize,
}

impl Alignment {
    /// B's rows mapped into A's space.
    pub fn apply(&self, b: ArrayView2<f32>) -> Array2<f32> {
        let mut out = b.dot(&self.rotation);
        if self.scale != 1.0 {
            out *= self.scale;
        }
        out
    }
}

/// How one compared word changed from A to B.
#[derive(Debug, Clone, PartialEq)]
pub struct WordShift {
    pub a_word: String,
    pub b_word: String,
    /// `1 − cos(A vector, aligned B vector)`: 0 = same direction, up to 2.
    pub cosine_distance: f32,
    /// `1 − Jaccard` of the top-k neighbour sets (0 = same neighbours, 1 = none shared);
    /// `None` beyond [`CompareOptions::neighbor_words`].
    pub neighbor_change: Option<f32>,
    /// Top-k neighbours in A and in B, as indices into [`Comparison::shifts`], nearest first
    /// (empty beyond [`CompareOptions::neighbor_words`]).
    pub a_neighbors: Vec<usize>,
    pub b_neighbors: Vec<usize>,
}

/// The result of [`compare_spaces`].
#[derive(Debug, Clone)]
pub struct Comparison {
    pub alignment: Alignment,
    /// One per compared word, in A's order (or the pairs' order).
    pub shifts: Vec<WordShift>,
    /// A's vectors of the compared words (rows as `shifts`).
    pub a_vectors: Array2<f32>,
    /// B's vectors of the compared words, aligned onto A (rows as `shifts`).
    pub b_aligned: Array2<f32>,
    /// Anchor pairs left out (a word missing from its space, or already paired).
    pub skipped_pairs: usize,
    /// Matched words left out by [`CompareOptions::top_words`] and
    /// [`CompareOptions::min_count`].
    pub excluded: Excluded,
}

/// Words both spaces have (or pairs matched) but left out of a comparison.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Excluded {
    /// Beyond the first `top_words` rows of A or of B.
    pub beyond_top_words: usize,
    /// Within them, but seen fewer than `min_count` times in a space that has counts.
    pub below_min_count: usize,
}

impl Comparison {
    /// The words of the first `limit` shifts in `list` (indices into `shifts`, as the
    /// neighbour lists hold them), space-separated: A's spelling, or B's with `b_side`.
    pub fn words_of(&self, list: &[usize], b_side: bool, limit: usize) -> String {
        list.iter()
            .take(limit)
            .filter_map(|&i| self.shifts.get(i))
            .map(|s| {
                if b_side {
                    s.b_word.as_str()
                } else {
                    s.a_word.as_str()
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Indices into `shifts`, the most moved first (ties: earlier word first).
    pub fn ranked_by_movement(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.shifts.len()).collect();
        order.sort_by(|&x, &y| {
            self.shifts[y]
                .cosine_distance
                .total_cmp(&self.shifts[x].cosine_distance)
                .then(x.cmp(&y))
        });
        order
    }

    /// Indices into `shifts` that have a neighbourhood change, the most changed first (ties:
    /// the more moved first, then earlier word first).
    pub fn ranked_by_neighbor_change(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.shifts.len())
            .filter(|&i| self.shifts[i].neighbor_change.is_some())
            .collect();
        let change = |i: usize| self.shifts[i].neighbor_change.unwrap_or(0.0);
        order.sort_by(|&x, &y| {
            change(y)
                .total_cmp(&change(x))
                .then(
                    self.shifts[y]
                        .cosine_distance
                        .total_cmp(&self.shifts[x].cosine_distance),
                )
                .then(x.cmp(&y))
        });
        order
    }
}

/// Reads anchor pairs: one `A-word<TAB>B-word` per line (or two words separated by spaces, as
/// bilingual dictionaries are often shipped). Empty lines and lines starting with `#` are
/// skipped. Errors name the file and line.
pub fn read_anchor_pairs(path: &Path) -> Result<Vec<AnchorPair>, SpaceError> {
    let text = std::fs::read_to_string(path).map_err(|source| SpaceError::Io {
        path: path.to_owned(),
        source,
    })?;
    let pairs = parse_anchor_pairs(&text, path)?;
    if pairs.is_empty() {
        return Err(SpaceError::Parse {
            path: path.to_owned(),
            line: 1,
            message: "no anchor pairs in the file".into(),
        });
    }
    Ok(pairs)
}

fn parse_anchor_pairs(text: &str, path: &Path) -> Result<Vec<AnchorPair>, SpaceError> {
    let mut pairs = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = if line.contains('\t') {
            line.split('\t').map(str::trim).collect()
        } else {
            line.split_whitespace().collect()
        };
        match fields.as_slice() {
            [a, b] if !a.is_empty() && !b.is_empty() => pairs.push(AnchorPair {
                a: (*a).to_owned(),
                b: (*b).to_owned(),
            }),
            _ => {
                return Err(SpaceError::Parse {
                    path: path.to_owned(),
                    line: number + 1,
                    message: format!(
                        "expected `A-word<TAB>B-word`, found {} field(s): {line:?}",
                        fields.len()
                    ),
                });
            }
        }
    }
    Ok(pairs)
}

/// The orthogonal `R` (and scale `s`, if `with_scale`) minimising `‖s·source·R − target‖`,
/// rows being paired anchors. Accumulates `sourceᵀ·target` in f64 and takes its SVD.
pub fn procrustes_align(
    source: ArrayView2<f32>,
    target: ArrayView2<f32>,
    with_scale: bool,
) -> Result<Alignment, SpaceError> {
    use linfa_linalg::svd::SVD;
    if source.dim() != target.dim() {
        return Err(SpaceError::Shape(format!(
            "{} anchors x {} dims against {} x {}",
            source.nrows(),
            source.ncols(),
            target.nrows(),
            target.ncols()
        )));
    }
    if source.is_empty() {
        return Err(SpaceError::Empty);
    }
    let dim = source.ncols();
    let mut cross = Array2::<f64>::zeros((dim, dim));
    let mut source_sq = 0.0f64;
    for start in (0..source.nrows()).step_by(CROSS_BLOCK_ROWS) {
        let end = (start + CROSS_BLOCK_ROWS).min(source.nrows());
        let sb = source.slice(s![start..end, ..]).mapv(f64::from);
        let tb = target.slice(s![start..end, ..]).mapv(f64::from);
        cross += &sb.t().dot(&tb);
        source_sq += sb.iter().map(|v| v * v).sum::<f64>();
    }
    if cross.iter().any(|v| !v.is_finite()) || cross.iter().all(|&v| v == 0.0) {
        return Err(SpaceError::Linalg(
            "the anchor vectors are all zero or not finite".into(),
        ));
    }
    let (u, sigma, vt) = cross
        .svd(true, true)
        .map_err(|e| SpaceError::Linalg(format!("SVD of the anchors' cross product: {e}")))?;
    let (Some(u), Some(vt)) = (u, vt) else {
        return Err(SpaceError::Linalg(
            "SVD returned no singular vectors".into(),
        ));
    };
    let rotation = u.dot(&vt);
    let gram = rotation.t().dot(&rotation);
    let off = gram
        .indexed_iter()
        .map(|((i, j), &v)| (v - if i == j { 1.0 } else { 0.0 }).abs())
        .fold(0.0f64, f64::max);
    if rotation.dim() != (dim, dim) || off > 1e-6 {
        return Err(SpaceError::Linalg(format!(
            "the fitted rotation is not orthogonal (error {off:.1e})"
        )));
    }
    let scale = if with_scale && source_sq > 0.0 {
        (sigma.sum() / source_sq) as f32
    } else {
        1.0
    };
    Ok(Alignment {
        rotation: rotation.mapv(|v| v as f32),
        scale,
        anchors: source.nrows(),
    })
}

/// Aligns `b` onto `a` on the anchors and measures how every compared word changed.
pub fn compare_spaces(
    a: &Embeddings,
    b: &Embeddings,
    anchors: &Anchors,
    options: &CompareOptions,
) -> Result<Comparison, SpaceError> {
    if a.dim() != b.dim() {
        return Err(SpaceError::Shape(format!(
            "space A has {} dimensions and space B {}; Procrustes needs the same",
            a.dim(),
            b.dim()
        )));
    }
    let (rows, skipped_pairs) = matched_rows(a, b, anchors);
    let (rows, excluded) = frequent_rows(rows, a, b, options);
    if rows.is_empty() && excluded != Excluded::default() {
        return Err(SpaceError::Invalid(format!(
            "no word left to compare: {} beyond the first {} rows, {} below the minimum count",
            excluded.beyond_top_words,
            options.top_words.unwrap_or(usize::MAX),
            excluded.below_min_count
        )));
    }
    if rows.is_empty() {
        return Err(SpaceError::Invalid(match anchors {
            Anchors::Shared => "the two spaces share no words".into(),
            Anchors::Pairs(_) => "no anchor pair names a word of A and a word of B".into(),
        }));
    }
    let a_rows: Vec<usize> = rows.iter().map(|&(ra, _)| ra).collect();
    let b_rows: Vec<usize> = rows.iter().map(|&(_, rb)| rb).collect();
    let a_vectors = a.matrix().select(Axis(0), &a_rows);
    let b_vectors = b.matrix().select(Axis(0), &b_rows);
    let alignment = procrustes_align(b_vectors.view(), a_vectors.view(), options.with_scale)?;
    let b_aligned = alignment.apply(b_vectors.view());
    drop(b_vectors);

    let distances: Vec<f32> = a_vectors
        .axis_iter(Axis(0))
        .into_par_iter()
        .zip(b_aligned.axis_iter(Axis(0)).into_par_iter())
        .map(|(x, y)| cosine_distance(x.as_slice(), y.as_slice()))
        .collect();

    let limit = options.neighbor_words.min(rows.len());
    let (a_neighbors, b_neighbors) = if options.k > 0 && limit > 1 {
        (
            top_k_all(a_vectors.slice(s![..limit, ..]), options.k),
            top_k_all(b_aligned.slice(s![..limit, ..]), options.k),
        )
    } else {
        (Vec::new(), Vec::new())
    };

    let shifts = rows
        .iter()
        .enumerate()
        .map(|(i, &(ra, rb))| {
            let a_near = a_neighbors.get(i).cloned().unwrap_or_default();
            let b_near = b_neighbors.get(i).cloned().unwrap_or_default();
            WordShift {
                a_word: a.word(ra).unwrap_or_default().to_owned(),
                b_word: b.word(rb).unwrap_or_default().to_owned(),
                cosine_distance: distances[i],
                neighbor_change: (i < a_neighbors.len()).then(|| jaccard_change(&a_near, &b_near)),
                a_neighbors: a_near,
                b_neighbors: b_near,
            }
        })
        .collect();
    Ok(Comparison {
        alignment,
        shifts,
        a_vectors,
        b_aligned,
        skipped_pairs,
        excluded,
    })
}

/// `rows` (pairs of A row, B row) without those [`CompareOptions::top_words`] or
/// [`CompareOptions::min_count`] leave out, and how many each left out.
fn frequent_rows(
    rows: Vec<(usize, usize)>,
    a: &Embeddings,
    b: &Embeddings,
    options: &CompareOptions,
) -> (Vec<(usize, usize)>, Excluded) {
    let top = options.top_words.unwrap_or(usize::MAX);
    let min_count = options.min_count.unwrap_or(0);
    let frequent = |space: &Embeddings, row: usize| {
        space
            .vocab()
            .count(row)
            .is_none_or(|count| count >= min_count)
    };
    let mut excluded = Excluded::default();
    let kept = rows
        .into_iter()
        .filter(|&(ra, rb)| {
            if ra >= top || rb >= top {
                excluded.beyond_top_words += 1;
                false
            } else if !frequent(a, ra) || !frequent(b, rb) {
                excluded.below_min_count += 1;
                false
            } else {
                true
            }
        })
        .collect();
    (kept, excluded)
}

/// `(row in a, row in b)` per compared word, and how many anchor pairs were left out.
fn matched_rows(a: &Embeddings, b: &Embeddings, anchors: &Anchors) -> (Vec<(usize, usize)>, usize) {
    match anchors {
        Anchors::Shared => {
            let rows = a
                .words()
                .iter()
                .enumerate()
                .filter_map(|(ra, w)| b.index_of(w).map(|rb| (ra, rb)))
                .collect();
            (rows, 0)
        }
        Anchors::Pairs(pairs) => {
            let mut used_a = vec![false; a.len()];
            let mut used_b = vec![false; b.len()];
            let mut rows = Vec::new();
            for pair in pairs {
                if let (Some(ra), Some(rb)) = (a.index_of(&pair.a), b.index_of(&pair.b))
                    && !used_a[ra]
                    && !used_b[rb]
                {
                    used_a[ra] = true;
                    used_b[rb] = true;
                    rows.push((ra, rb));
                }
            }
            let skipped = pairs.len() - rows.len();
            (rows, skipped)
        }
    }
}

/// `1 − cos(x, y)`; 1 when either is zero (no direction to compare).
fn cosine_distance(x: Option<&[f32]>, y: Option<&[f32]>) -> f32 {
    let (Some(x), Some(y)) = (x, y) else {
        return 1.0;
    };
    let (mut xy, mut xx, mut yy) = (0.0f64, 0.0f64, 0.0f64);
    for (&p, &q) in x.iter().zip(y) {
        let (p, q) = (f64::from(p), f64::from(q));
        xy += p * q;
        xx += p * p;
        yy += q * q;
    }
    if xx == 0.0 || yy == 0.0 {
        return 1.0;
    }
    (1.0 - xy / (xx.sqrt() * yy.sqrt())) as f32
}

/// The `k` cosine-nearest other rows of every row, nearest first (ties: lower row first).
/// Every row is a query, so instead of one `NeighborIndex::top_k` scan per row this is one
/// matrix product per block of rows (matrixmultiply's cache-blocked sgemm, blocks in
/// parallel) and a bounded best-k list per row; the results are the same (tested).
fn top_k_all(matrix: ArrayView2<f32>, k: usize) -> Vec<Vec<usize>> {
    let unit = unit_rows_of(matrix);
    let n = unit.nrows();
    let starts: Vec<usize> = (0..n).step_by(NEIGHBOR_BLOCK_ROWS).collect();
    let blocks: Vec<Vec<Vec<usize>>> = starts
        .into_par_iter()
        .map(|start| {
            let end = (start + NEIGHBOR_BLOCK_ROWS).min(n);
            let similarities = unit.slice(s![start..end, ..]).dot(&unit.t());
            similarities
                .outer_iter()
                .enumerate()
                .map(|(i, row)| top_k_of_row(row, k, start + i))
                .collect()
        })
        .collect();
    blocks.into_iter().flatten().collect()
}

/// The columns of the `k` highest values of `similarities`, skipping column `skip` (the word
/// itself) and NaN; highest first, ties by lower column.
fn top_k_of_row(similarities: ArrayView1<f32>, k: usize, skip: usize) -> Vec<usize> {
    if k == 0 {
        return Vec::new();
    }
    let mut best: Vec<(f32, usize)> = Vec::with_capacity(k + 1);
    for (column, &value) in similarities.iter().enumerate() {
        if column == skip || value.is_nan() {
            continue;
        }
        // Columns come in increasing order, so an equal value never displaces an earlier one.
        if best.len() == k && best.last().is_some_and(|&(worst, _)| value <= worst) {
            continue;
        }
        let position = best.partition_point(|&(b, _)| b >= value);
        best.insert(position, (value, column));
        best.truncate(k);
    }
    best.into_iter().map(|(_, column)| column).collect()
}

/// `1 − |A ∩ B| / |A ∪ B|` (0 when both are empty).
fn jaccard_change(a: &[usize], b: &[usize]) -> f32 {
    let shared = a.iter().filter(|x| b.contains(x)).count();
    let union = a.len() + b.len() - shared;
    if union == 0 {
        0.0
    } else {
        1.0 - shared as f32 / union as f32
    }
}

/// Writes every compared word as TSV, the most moved first: `a_word, b_word, cosine_distance,
/// neighbor_change, movement_rank, neighbor_rank, a_neighbors, b_neighbors` (neighbours as
/// space-separated A words / B words; empty where not computed). Atomic.
pub fn write_comparison_tsv(path: &Path, comparison: &Comparison) -> Result<(), SpaceError> {
    let by_movement = comparison.ranked_by_movement();
    let mut neighbor_rank = vec![None; comparison.shifts.len()];
    for (rank, &i) in comparison.ranked_by_neighbor_change().iter().enumerate() {
        neighbor_rank[i] = Some(rank + 1);
    }
    let shifts = &comparison.shifts;
    write_atomically(path, |w| {
        writeln!(
            w,
            "a_word\tb_word\tcosine_distance\tneighbor_change\tmovement_rank\tneighbor_rank\ta_neighbors\tb_neighbors"
        )?;
        for (rank, &i) in by_movement.iter().enumerate() {
            let shift = &shifts[i];
            let change = shift
                .neighbor_change
                .map_or(String::new(), |c| format!("{c:.4}"));
            let n_rank = neighbor_rank[i].map_or(String::new(), |r| r.to_string());
            writeln!(
                w,
                "{}\t{}\t{:.6}\t{change}\t{}\t{n_rank}\t{}\t{}",
                shift.a_word,
                shift.b_word,
                shift.cosine_distance,
                rank + 1,
                comparison.words_of(&shift.a_neighbors, false, usize::MAX),
                comparison.words_of(&shift.b_neighbors, true, usize::MAX)
            )?;
        }
        Ok(())
    })
    .map_err(|source| SpaceError::Io {
        path: path.to_owned(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    const CLUSTERS: usize = 8;

    /// `n` words in `CLUSTERS` tight clusters (word i in cluster i % CLUSTERS), so each word's
    /// nearest neighbours are its cluster mates.
    fn clustered_space(n: usize, dim: usize, seed: u64) -> Embeddings {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let centres = Array2::from_shape_fn((CLUSTERS, dim), |_| rng.gen_range(-1.0f32..1.0));
        let matrix = Array2::from_shape_fn((n, dim), |(i, c)| {
            centres[[i % CLUSTERS, c]] + rng.gen_range(-0.15f32..0.15)
        });
        let words = (0..n).map(|i| format!("w{i}")).collect();
        Embeddings::from_words(words, matrix).unwrap()
    }

    /// A random orthogonal matrix (the U of a random matrix's SVD), reflections included.
    fn random_orthogonal(dim: usize, seed: u64) -> Array2<f32> {
        use linfa_linalg::svd::SVD;
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let m = Array2::from_shape_fn((dim, dim), |_| rng.gen_range(-1.0f64..1.0));
        let (u, _, _) = m.svd(true, false).unwrap();
        u.unwrap().mapv(|v| v as f32)
    }

    fn max_abs_diff(x: &Array2<f32>, y: &Array2<f32>) -> f32 {
        (x - y).mapv(f32::abs).fold(0.0, |m, &v| m.max(v))
    }

    /// B = scale · A · Q, with `moved` words put on top of another cluster's word.
    fn rotated_copy(
        a: &Embeddings,
        q: &Array2<f32>,
        scale: f32,
        moved: &[(usize, usize)],
    ) -> Embeddings {
        let mut source = a.matrix().clone();
        for &(word, onto) in moved {
            let target = source.row(onto).to_owned();
            source.row_mut(word).assign(&target.mapv(|v| v * 1.01));
        }
        let matrix = source.dot(q) * scale;
        Embeddings::from_words(a.words().to_vec(), matrix).unwrap()
    }

    #[test]
    fn top_words_and_min_count_leave_rare_words_out_and_say_so() {
        let a = clustered_space(200, 8, 1);
        // Rows 150 and 190 (rare: late in the file) move onto other clusters.
        let b = rotated_copy(&a, &random_orthogonal(8, 2), 1.0, &[(150, 1), (190, 2)]);
        let all = compare_spaces(&a, &b, &Anchors::Shared, &CompareOptions::default()).unwrap();
        let first = all.ranked_by_movement()[0];
        assert!([150, 190].contains(&first), "{first}");
        assert_eq!(all.excluded, Excluded::default());

        let options = CompareOptions {
            top_words: Some(100),
            ..CompareOptions::default()
        };
        let top = compare_spaces(&a, &b, &Anchors::Shared, &options).unwrap();
        assert_eq!(top.shifts.len(), 100);
        assert!(
            top.shifts
                .iter()
                .all(|s| s.a_word != "w150" && s.a_word != "w190")
        );
        assert_eq!(
            top.excluded,
            Excluded {
                beyond_top_words: 100,
                below_min_count: 0
            }
        );

        // Counts in A: words 0..50 seen 100 times, the rest 3 times; B has none.
        let (vocab, matrix) = a.clone().into_parts();
        let counts = (0..200).map(|i| if i < 50 { 100 } else { 3 }).collect();
        let counted = Embeddings::new(vocab.with_counts(counts).unwrap(), matrix).unwrap();
        let options = CompareOptions {
            top_words: Some(100),
            min_count: Some(5),
            ..CompareOptions::default()
        };
        let frequent = compare_spaces(&counted, &b, &Anchors::Shared, &options).unwrap();
        assert_eq!(frequent.shifts.len(), 50);
        assert_eq!(
            frequent.excluded,
            Excluded {
                beyond_top_words: 100,
                below_min_count: 50
            }
        );
        let options = CompareOptions {
            min_count: Some(1000),
            ..CompareOptions::default()
        };
        let err = compare_spaces(&counted, &b, &Anchors::Shared, &options)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("no word left") && err.contains("200 below"),
            "{err}"
        );
    }

    #[test]
    fn alignment_recovers_an_exact_rotation_and_scale() {
        let a = clustered_space(300, 12, 1);
        let q = random_orthogonal(12, 2);
        let b = rotated_copy(&a, &q, 2.5, &[]);
        let fit = procrustes_align(b.matrix().view(), a.matrix().view(), true).unwrap();
        // B·Qᵀ/2.5 = A, so the fitted rotation is Qᵀ and the scale 1/2.5.
        assert!(
            max_abs_diff(&fit.rotation, &q.t().to_owned()) < 1e-4,
            "{}",
            max_abs_diff(&fit.rotation, &q.t().to_owned())
        );
        assert!((fit.scale - 0.4).abs() < 1e-4, "{}", fit.scale);
        assert!(max_abs_diff(&fit.apply(b.matrix().view()), a.matrix()) < 1e-3);
        let unscaled = procrustes_align(b.matrix().view(), a.matrix().view(), false).unwrap();
        assert_eq!(unscaled.scale, 1.0);
        assert!(max_abs_diff(&unscaled.rotation, &fit.rotation) < 1e-5);
    }

    #[test]
    fn moved_words_come_first_in_both_rankings() {
        let a = clustered_space(400, 16, 3);
        let q = random_orthogonal(16, 4);
        // Five words jump onto a word of the next cluster.
        let moved: Vec<(usize, usize)> = [17, 90, 151, 233, 388]
            .iter()
            .map(|&w| (w, (w + 1) % 400))
            .collect();
        let b = rotated_copy(&a, &q, 0.3, &moved);
        let options = CompareOptions {
            with_scale: true,
            ..CompareOptions::default()
        };
        let cmp = compare_spaces(&a, &b, &Anchors::Shared, &options).unwrap();
        assert_eq!(cmp.shifts.len(), 400);
        assert_eq!(cmp.alignment.anchors, 400);
        // The moved words pull the fit a little; it must still be close to the true rotation.
        let err = max_abs_diff(&cmp.alignment.rotation, &q.t().to_owned());
        assert!(err < 0.05, "rotation error {err}");
        assert!(
            (cmp.alignment.scale - 1.0 / 0.3).abs() < 0.1,
            "{}",
            cmp.alignment.scale
        );

        let mut want: Vec<String> = moved.iter().map(|&(w, _)| format!("w{w}")).collect();
        want.sort();
        let top = |order: Vec<usize>| {
            let mut words: Vec<String> = order[..5]
                .iter()
                .map(|&i| cmp.shifts[i].a_word.clone())
                .collect();
            words.sort();
            words
        };
        assert_eq!(top(cmp.ranked_by_movement()), want);
        assert_eq!(top(cmp.ranked_by_neighbor_change()), want);
        let sixth = cmp.ranked_by_movement()[5];
        assert!(
            cmp.shifts[sixth].cosine_distance < 0.01,
            "{:?}",
            cmp.shifts[sixth]
        );
        // A moved word's new neighbours are the other cluster's words.
        let w17 = &cmp.shifts[17];
        assert_eq!(w17.neighbor_change, Some(1.0));
        assert!(w17.b_neighbors.contains(&18), "{:?}", w17.b_neighbors);
        assert!(
            w17.a_neighbors
                .iter()
                .all(|&n| n % CLUSTERS == 17 % CLUSTERS)
        );

        // The TSV lists every word, the most moved first.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("moved.tsv");
        write_comparison_tsv(&path, &cmp).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 401);
        assert!(lines[0].starts_with("a_word\tb_word\tcosine_distance"));
        let first: Vec<&str> = lines[1].split('\t').collect();
        assert!(want.contains(&first[0].to_owned()), "{}", lines[1]);
        assert_eq!(first[4], "1");
        assert_eq!(first[6].split(' ').count(), 10);
    }

    #[test]
    fn dictionary_pairs_align_spaces_with_different_words() {
        let a = clustered_space(200, 8, 5);
        let q = random_orthogonal(8, 6);
        let rotated = rotated_copy(&a, &q, 1.0, &[]);
        // B's words are translations: "w7" is "x7" in B.
        let b_words = a.words().iter().map(|w| w.replacen('w', "x", 1)).collect();
        let b = Embeddings::from_words(b_words, rotated.matrix().clone()).unwrap();
        let mut text = String::from("# dictionary\n");
        for i in 0..150 {
            text.push_str(&format!("w{i}\tx{i}\n"));
        }
        text.push_str("w3 x4\n"); // w3 already paired: skipped
        text.push_str("nope\tx5\n"); // not in A: skipped
        let pairs = parse_anchor_pairs(&text, Path::new("pairs.tsv")).unwrap();
        assert_eq!(pairs.len(), 152);
        let cmp =
            compare_spaces(&a, &b, &Anchors::Pairs(pairs), &CompareOptions::default()).unwrap();
        assert_eq!(cmp.shifts.len(), 150);
        assert_eq!(cmp.skipped_pairs, 2);
        assert_eq!(
            (cmp.shifts[3].a_word.as_str(), cmp.shifts[3].b_word.as_str()),
            ("w3", "x3")
        );
        assert!(max_abs_diff(&cmp.alignment.rotation, &q.t().to_owned()) < 1e-4);
        assert!(
            cmp.shifts
                .iter()
                .all(|s| s.cosine_distance < 1e-4 && s.neighbor_change == Some(0.0))
        );

        // Without pairs the spaces share nothing.
        let err = compare_spaces(&a, &b, &Anchors::Shared, &CompareOptions::default()).unwrap_err();
        assert!(err.to_string().contains("share no words"), "{err}");
    }

    #[test]
    fn anchor_file_errors_name_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pairs.tsv");
        std::fs::write(&path, "king\t国王\n\nqueen 王后\nthree\tfields\there\n").unwrap();
        let err = read_anchor_pairs(&path).unwrap_err().to_string();
        assert!(
            err.contains("pairs.tsv:4:") && err.contains("3 field(s)"),
            "{err}"
        );

        std::fs::write(&path, "king\t国王\nlonely\n").unwrap();
        let err = read_anchor_pairs(&path).unwrap_err().to_string();
        assert!(err.contains("pairs.tsv:2:"), "{err}");

        std::fs::write(&path, "# only a comment\n").unwrap();
        let err = read_anchor_pairs(&path).unwrap_err().to_string();
        assert!(
            err.contains("pairs.tsv") && err.contains("no anchor pairs"),
            "{err}"
        );

        let missing = dir.path().join("missing.tsv");
        let err = read_anchor_pairs(&missing).unwrap_err().to_string();
        assert!(err.contains("missing.tsv"), "{err}");

        std::fs::write(&path, "king\t国王\r\nqueen 王后\r\n").unwrap();
        let pairs = read_anchor_pairs(&path).unwrap();
        assert_eq!(
            pairs[1],
            AnchorPair {
                a: "queen".into(),
                b: "王后".into()
            }
        );
    }

    #[test]
    fn all_pairs_neighbours_match_single_queries() {
        let space = clustered_space(700, 9, 11);
        let index = crate::space::NeighborIndex::from_matrix(space.matrix().view());
        let all = top_k_all(space.matrix().view(), 7);
        assert_eq!(all.len(), 700);
        for row in [0, 255, 256, 257, 699] {
            let single: Vec<usize> = index.top_k(row, 7).unwrap().iter().map(|n| n.row).collect();
            assert_eq!(all[row], single, "row {row}");
        }
        // Ties go to the lower column; the skipped column and NaN never appear.
        let row = ndarray::array![0.5f32, 0.9, f32::NAN, 0.9, 0.9, 1.0];
        assert_eq!(top_k_of_row(row.view(), 3, 5), vec![1, 3, 4]);
        assert_eq!(top_k_of_row(row.view(), 0, 5), Vec::<usize>::new());
        assert_eq!(top_k_of_row(row.view(), 9, 1), vec![5, 3, 4, 0]);
    }

    #[test]
    fn mismatched_dimensions_are_refused() {
        let a = clustered_space(20, 4, 7);
        let b = clustered_space(20, 5, 8);
        let err = compare_spaces(&a, &b, &Anchors::Shared, &CompareOptions::default()).unwrap_err();
        assert!(matches!(err, SpaceError::Shape(_)), "{err}");
    }
}
