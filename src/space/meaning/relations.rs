//! Relation scores: how well a labelled relation (country → capital, 法国 → 巴黎, …) is encoded
//! as a constant offset in a space — for the viewer's relation arrows and for watching
//! relations form during training.
//!
//! For each relation, the offsets tail − head of its pairs (raw vectors) are compared:
//! * consistency = mean cosine over all unordered pairs of offsets (1 = perfectly parallel,
//!   ≈ 0 for unrelated random directions); `None` with fewer than two found pairs;
//! * analogy accuracy = share of ordered pairs of pairs (p, q), p ≠ q, for which
//!   head_p : tail_p :: head_q : ? answers tail_q (top-1 by 3CosAdd over the whole vocabulary,
//!   the three query words excluded). This costs one full scan per ordered pair.
//!
//! Everything takes a matrix view + a word → row lookup, so it works on any snapshot.

use std::collections::BTreeMap;
use std::path::Path;

use ndarray::{Array1, ArrayView2};

use crate::space::SpaceError;
use crate::space::search::analogy::{AnalogyMethod, analogy};
use crate::space::search::neighbors::NeighborIndex;

/// One labelled pair: `tail` is `head` under `relation`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelationPair {
    pub head: String,
    pub tail: String,
    pub relation: String,
}

/// How one relation fares in a space.
#[derive(Debug, Clone, PartialEq)]
pub struct RelationScore {
    pub relation: String,
    /// Pairs whose two words are both in the space.
    pub pairs_found: usize,
    /// Pairs with at least one unknown word (skipped).
    pub pairs_missing: usize,
    /// Mean pairwise cosine of the offsets; `None` with fewer than 2 found pairs.
    pub consistency: Option<f32>,
    /// Share of analogies between found pairs that hold (at most [`MAX_ANALOGY_QUESTIONS`],
    /// evenly spread, for large sets); `None` with fewer than 2 found pairs.
    pub analogy_accuracy: Option<f32>,
}

/// Analogy questions asked per relation at most (an evenly spread subset of all of them).
pub const MAX_ANALOGY_QUESTIONS: usize = 120;

/// Reads `head<TAB>tail<TAB>relation` lines. Blank lines and `#` comments are skipped; a first
/// line `head tail relation` (tab-separated) is taken as a header. Errors name file and line.
pub fn read_relations_tsv(path: &Path) -> Result<Vec<RelationPair>, SpaceError> {
    let text = std::fs::read_to_string(path).map_err(|source| SpaceError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_relations(&text, path)
}

/// Parses relation TSV text; `path` is used only in error messages.
pub fn parse_relations(text: &str, path: &Path) -> Result<Vec<RelationPair>, SpaceError> {
    let mut pairs = Vec::new();
    let mut seen_content = false;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').map(str::trim).collect();
        let first = !seen_content;
        seen_content = true;
        if first && fields == ["head", "tail", "relation"] {
            continue;
        }
        let error = |message: String| SpaceError::Parse {
            path: path.to_path_buf(),
            line: i + 1,
            message,
        };
        if fields.len() != 3 {
            return Err(error(format!(
                "expected 3 tab-separated fields (head, tail, relation), found {}",
                fields.len()
            )));
        }
        if fields.iter().any(|f| f.is_empty()) {
            return Err(error("empty field".into()));
        }
        pairs.push(RelationPair {
            head: fields[0].to_owned(),
            tail: fields[1].to_owned(),
            relation: fields[2].to_owned(),
        });
    }
    Ok(pairs)
}

/// Scores every relation (in order of first appearance) on `matrix`, looking words up with
/// `row_of`. Builds a cosine index of the matrix once.
pub fn score_relations(
    matrix: ArrayView2<f32>,
    row_of: &dyn Fn(&str) -> Option<usize>,
    pairs: &[RelationPair],
) -> Result<Vec<RelationScore>, SpaceError> {
    let index = NeighborIndex::from_matrix(matrix);
    score_relations_with_index(matrix, &index, row_of, pairs)
}

/// Like [`score_relations`] with a prebuilt index of the same matrix (the viewer keeps one).
pub fn score_relations_with_index(
    matrix: ArrayView2<f32>,
    index: &NeighborIndex,
    row_of: &dyn Fn(&str) -> Option<usize>,
    pairs: &[RelationPair],
) -> Result<Vec<RelationScore>, SpaceError> {
    if index.len() != matrix.nrows() {
        return Err(SpaceError::Shape(format!(
            "index has {} rows, matrix {}",
            index.len(),
            matrix.nrows()
        )));
    }
    // Group by relation, keeping first-appearance order.
    let mut order: Vec<&str> = Vec::new();
    let mut groups: BTreeMap<&str, Vec<&RelationPair>> = BTreeMap::new();
    for p in pairs {
        let group = groups.entry(p.relation.as_str()).or_default();
        if group.is_empty() {
            order.push(p.relation.as_str());
        }
        group.push(p);
    }
    let mut scores = Vec::with_capacity(order.len());
    for relation in order {
        let members = groups.get(relation).map(Vec::as_slice).unwrap_or(&[]);
        let mut found: Vec<(usize, usize)> = Vec::new();
        for p in members {
            match (row_of(&p.head), row_of(&p.tail)) {
                (Some(h), Some(t)) if h < matrix.nrows() && t < matrix.nrows() => {
                    found.push((h, t))
                }
                _ => {}
            }
        }
        let offsets: Vec<Array1<f32>> = found
            .iter()
            .map(|&(h, t)| &matrix.row(t) - &matrix.row(h))
            .collect();
        let consistency = mean_pairwise_cosine(&offsets);
        let analogy_accuracy = if found.len() < 2 {
            None
        } else {
            // Every ordered pair of pairs is a question; a set of 60 pairs would ask 3,540, each a
            // scan of the space, on every snapshot. Ask an evenly spread subset instead.
            let questions = found.len() * (found.len() - 1);
            let stride = questions.div_ceil(MAX_ANALOGY_QUESTIONS).max(1);
            let mut hits = 0usize;
            let mut total = 0usize;
            let mut question = 0usize;
            for (i, &(a, b)) in found.iter().enumerate() {
                for (j, &(c, expected)) in found.iter().enumerate() {
                    if i == j {
                        continue;
                    }
                    question += 1;
                    if !(question - 1).is_multiple_of(stride) {
                        continue;
                    }
                    total += 1;
                    let best = analogy(index, a, b, c, 1, AnalogyMethod::CosAdd, None)?;
                    if best.first().is_some_and(|n| n.row == expected) {
                        hits += 1;
                    }
                }
            }
            Some(hits as f32 / total as f32)
        };
        scores.push(RelationScore {
            relation: relation.to_owned(),
            pairs_found: found.len(),
            pairs_missing: members.len() - found.len(),
            consistency,
            analogy_accuracy,
        });
    }
    Ok(scores)
}

/// Mean cosine over unordered pairs (zero vectors count as cosine 0). Shared with the lens's
/// on-screen parallelism so both figures use one formula.
pub(crate) fn mean_pairwise_cosine(vectors: &[Array1<f32>]) -> Option<f32> {
    if vectors.len() < 2 {
        return None;
    }
    let norms: Vec<f64> = vectors
        .iter()
        .map(|v| {
            v.iter()
                .map(|&x| f64::from(x) * f64::from(x))
                .sum::<f64>()
                .sqrt()
        })
        .collect();
    let mut sum = 0.0f64;
    let mut count = 0usize;
    for i in 0..vectors.len() {
        for j in i + 1..vectors.len() {
            count += 1;
            if norms[i] > 0.0 && norms[j] > 0.0 {
                let d: f64 = vectors[i]
                    .iter()
                    .zip(vectors[j].iter())
                    .map(|(&a, &b)| f64::from(a) * f64::from(b))
                    .sum();
                sum += d / (norms[i] * norms[j]);
            }
        }
    }
    Some((sum / count as f64) as f32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array, Array2};
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;
    use std::collections::HashMap;

    fn pair(h: &str, t: &str, r: &str) -> RelationPair {
        RelationPair {
            head: h.into(),
            tail: t.into(),
            relation: r.into(),
        }
    }

    #[test]
    fn parallel_offsets_score_one_and_analogies_hold() {
        // Countries on distinct axes; capital = country + the same offset along the last axis.
        let words = ["法国", "巴黎", "德国", "柏林", "日本", "东京"];
        let mut m = Array2::<f32>::zeros((6, 4));
        for c in 0..3 {
            m[[2 * c, c]] = 1.0;
            m[[2 * c + 1, c]] = 1.0;
            m[[2 * c + 1, 3]] = 0.8;
        }
        let lookup: HashMap<&str, usize> = words.iter().enumerate().map(|(i, w)| (*w, i)).collect();
        let row_of = |w: &str| lookup.get(w).copied();
        let pairs = vec![
            pair("法国", "巴黎", "capital"),
            pair("德国", "柏林", "capital"),
            pair("日本", "东京", "capital"),
            pair("火星", "?", "capital"),
        ];
        let scores = score_relations(m.view(), &row_of, &pairs).unwrap();
        assert_eq!(scores.len(), 1);
        let s = &scores[0];
        assert_eq!((s.pairs_found, s.pairs_missing), (3, 1));
        assert!((s.consistency.unwrap() - 1.0).abs() < 1e-6);
        assert_eq!(s.analogy_accuracy, Some(1.0));
    }

    #[test]
    fn random_offsets_are_near_zero() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let n = 60;
        let m = Array::from_shape_fn((n, 300), |_| rng.gen_range(-1.0f32..1.0));
        let row_of = |w: &str| w.parse::<usize>().ok();
        let pairs: Vec<RelationPair> = (0..n / 2)
            .map(|i| pair(&(2 * i).to_string(), &(2 * i + 1).to_string(), "random"))
            .collect();
        let s = &score_relations(m.view(), &row_of, &pairs).unwrap()[0];
        let c = s.consistency.unwrap();
        assert!(c.abs() < 0.1, "{c}");
        assert_eq!(s.pairs_found, 30);
    }

    #[test]
    fn parse_header_comments_and_errors() {
        let p = Path::new("rel.tsv");
        let ok = parse_relations(
            "# comment\nhead\ttail\trelation\n法国\t巴黎\tcapital\n\n",
            p,
        )
        .unwrap();
        assert_eq!(ok, vec![pair("法国", "巴黎", "capital")]);
        let err = parse_relations("a\tb\tr\n# c\nonly\ttwo\n", p).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("rel.tsv:3"), "{msg}");
        assert!(matches!(err, SpaceError::Parse { line: 3, .. }));
        let missing = read_relations_tsv(Path::new("/nonexistent/rel.tsv")).unwrap_err();
        assert!(missing.to_string().contains("/nonexistent/rel.tsv"));
    }
}
