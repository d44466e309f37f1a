//! Everything the viewer needs of one snapshot, computed in one place and off the frame loop:
//! aligned 3D coordinates, clusters matched to the previous frame's, relation scores, the
//! cosine neighbour index (built once per frame, reused for every click and analogy), the
//! cloud's bounds and one representative word per cluster.
//!
//! The projection is PCA aligned frame to frame (or one fixed basis), or the relation lens:
//! one axis along a relation's mean offset, so its arrows are long and visibly parallel. Each
//! frame also says how parallel every relation's arrows are on screen, next to the
//! full-space consistency, so the user sees whether the view shows what the space holds.
//!
//! A [`FrameAnalyzer`] carries what links consecutive frames (the projector's previous basis,
//! the previous clusters), so frames must be fed in order. It has no bevy in it: the viewer runs
//! it on a worker thread, tests run it directly.

use std::collections::HashMap;
use std::sync::Arc;

use ndarray::{Array2, ArrayView2};

use super::{
    FrameProjector, KMeansOptions, LensKind, LensProjector, NeighborIndex, PcaOptions,
    ProjectionMode, RelationPair, RelationScore, SpaceError, kmeans_clusters, match_clusters,
    on_screen_parallelism, score_relations_with_index,
};

/// How frames are analysed; changing any of these means re-analysing every frame.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalysisSettings {
    pub mode: ProjectionMode,
    /// View through the lens of this relation instead of PCA (see [`super::relation_lens`]).
    pub lens: Option<String>,
    pub cluster_count: usize,
    pub seed: u64,
}

impl Default for AnalysisSettings {
    fn default() -> Self {
        Self {
            mode: ProjectionMode::Aligned,
            lens: None,
            cluster_count: 8,
            seed: 7,
        }
    }
}

/// One snapshot, analysed.
#[derive(Debug, Clone)]
pub struct AnalyzedFrame {
    /// Aligned coordinates, scaled to unit RMS radius (rows as the input's).
    pub coords_3d: Array2<f32>,
    /// Cluster label per row, matched to the previous frame's so colours stay put.
    pub clusters: Vec<usize>,
    /// For each cluster label, the row that names it: the most frequent word of the cluster
    /// (rows are in frequency order), as embedding-atlas labels its clusters.
    pub cluster_label_rows: Vec<Option<usize>>,
    /// Per cluster label, the mean of its members' 3D coordinates.
    pub cluster_centres_3d: Vec<[f32; 3]>,
    pub relation_scores: Vec<RelationScore>,
    /// Per relation (as in `relation_scores`), how parallel its arrows are in the 3D view:
    /// the same mean pairwise cosine as the consistency, on the projected offsets.
    pub relation_parallelism: Vec<Option<f32>>,
    /// Cosine index of this frame's vectors.
    pub neighbor_index: Arc<NeighborIndex>,
    /// Centre and robust radius (95th percentile distance) of the 3D cloud.
    pub bounds: ([f32; 3], f32),
}

/// Analyses frames in order; see the module docs.
pub struct FrameAnalyzer {
    settings: AnalysisSettings,
    word_rows: Arc<HashMap<String, usize>>,
    relations: Arc<Vec<RelationPair>>,
    /// Row pairs of each relation, in order of first appearance.
    relation_rows: Vec<(String, Vec<(usize, usize)>)>,
    projector: Projector,
    previous_clusters: Option<Vec<usize>>,
}

/// PCA frames or the relation lens.
enum Projector {
    Pca(FrameProjector),
    /// The lens and the rows of its relation's words (what the camera frames).
    Lens(LensProjector, Vec<usize>),
}

impl FrameAnalyzer {
    pub fn new(
        settings: AnalysisSettings,
        word_rows: Arc<HashMap<String, usize>>,
        relations: Arc<Vec<RelationPair>>,
    ) -> Self {
        let relation_rows = relation_rows(&relations, &word_rows);
        let lens_pairs = settings.lens.as_ref().and_then(|name| {
            relation_rows
                .iter()
                .find(|(relation, pairs)| relation == name && pairs.len() >= 2)
                .map(|(_, pairs)| pairs.clone())
        });
        let projector = match lens_pairs {
            Some(pairs) => {
                let rows = pairs.iter().flat_map(|&(h, t)| [h, t]).collect();
                Projector::Lens(
                    LensProjector::new(LensKind::Relation(pairs), PcaOptions::default()),
                    rows,
                )
            }
            None => Projector::Pca(FrameProjector::new(settings.mode, PcaOptions::default())),
        };
        Self {
            settings,
            word_rows,
            relations,
            relation_rows,
            projector,
            previous_clusters: None,
        }
    }

    pub fn settings(&self) -> &AnalysisSettings {
        &self.settings
    }

    /// Analyses the next frame (frames must come in order).
    pub fn analyze(&mut self, vectors: ArrayView2<f32>) -> Result<AnalyzedFrame, SpaceError> {
        let coords_3d = match &mut self.projector {
            Projector::Pca(projector) => projector.push(vectors)?,
            Projector::Lens(lens, _) => lens.push(vectors)?,
        };
        self.finish(vectors, coords_3d)
    }

    /// Whether the lens is in use (its relation was found with at least two pairs).
    pub fn uses_lens(&self) -> bool {
        matches!(self.projector, Projector::Lens(..))
    }

    /// Analyses every frame with one projection basis fitted on the last one
    /// ([`ProjectionMode::Fixed`]) or frame by frame (other modes).
    pub fn analyze_all(
        &mut self,
        frames: &[ArrayView2<f32>],
    ) -> Result<Vec<AnalyzedFrame>, SpaceError> {
        let coords: Vec<Array2<f32>> = match &mut self.projector {
            Projector::Pca(projector) if self.settings.mode == ProjectionMode::Fixed => {
                projector.reproject_all(frames)?;
                projector.frames().to_vec()
            }
            _ => return frames.iter().map(|f| self.analyze(*f)).collect(),
        };
        frames
            .iter()
            .zip(coords)
            .map(|(vectors, coords_3d)| self.finish(*vectors, coords_3d))
            .collect()
    }

    fn finish(
        &mut self,
        vectors: ArrayView2<f32>,
        coords_3d: Array2<f32>,
    ) -> Result<AnalyzedFrame, SpaceError> {
        let clusters = self.cluster(vectors)?;
        let neighbor_index = Arc::new(NeighborIndex::from_matrix(vectors));
        let relation_scores = if self.relations.is_empty() {
            Vec::new()
        } else {
            let rows = &self.word_rows;
            score_relations_with_index(
                vectors,
                &neighbor_index,
                &|w: &str| rows.get(w).copied(),
                &self.relations,
            )?
        };
        let relation_parallelism = self
            .relation_rows
            .iter()
            .map(|(_, pairs)| {
                on_screen_parallelism(coords_3d.view(), pairs)
                    .ok()
                    .flatten()
            })
            .collect();
        let k = clusters.iter().copied().max().map_or(0, |m| m + 1);
        let (cluster_label_rows, cluster_centres_3d) = cluster_summary(&clusters, &coords_3d, k);
        // Through the lens the camera frames the relation's words; the rest may lie far out.
        let bounds = match &self.projector {
            // A relation has a few dozen words: frame all of them, not a percentile.
            Projector::Lens(_, rows) => {
                let (centre, _) = robust_bounds(&coords_3d.select(ndarray::Axis(0), rows));
                let radius = rows
                    .iter()
                    .map(|&r| {
                        (0..3)
                            .map(|a| (coords_3d[[r, a]] - centre[a]).powi(2))
                            .sum::<f32>()
                    })
                    .fold(0.0f32, f32::max)
                    .sqrt();
                (centre, radius.max(1e-6))
            }
            Projector::Pca(_) => robust_bounds(&coords_3d),
        };
        self.previous_clusters = Some(clusters.clone());
        Ok(AnalyzedFrame {
            coords_3d,
            clusters,
            cluster_label_rows,
            cluster_centres_3d,
            relation_scores,
            relation_parallelism,
            neighbor_index,
            bounds,
        })
    }

    fn cluster(&self, vectors: ArrayView2<f32>) -> Result<Vec<usize>, SpaceError> {
        let k = self.settings.cluster_count.min(vectors.nrows()).max(1);
        let options = KMeansOptions {
            k: Some(k),
            seed: self.settings.seed,
            ..KMeansOptions::default()
        };
        let labels = kmeans_clusters(vectors, &options)?.labels;
        Ok(match &self.previous_clusters {
            Some(prev) if prev.len() == labels.len() => match_clusters(prev, &labels, k),
            _ => labels,
        })
    }
}

/// Each relation's found row pairs, relations in order of first appearance (the order of
/// [`super::score_relations`]).
fn relation_rows(
    relations: &[RelationPair],
    word_rows: &HashMap<String, usize>,
) -> Vec<(String, Vec<(usize, usize)>)> {
    let mut grouped: Vec<(String, Vec<(usize, usize)>)> = Vec::new();
    for pair in relations {
        let at = match grouped.iter().position(|(name, _)| *name == pair.relation) {
            Some(at) => at,
            None => {
                grouped.push((pair.relation.clone(), Vec::new()));
                grouped.len() - 1
            }
        };
        if let (Some(&h), Some(&t)) = (word_rows.get(&pair.head), word_rows.get(&pair.tail)) {
            grouped[at].1.push((h, t));
        }
    }
    grouped
}

/// The first (most frequent) row of each cluster and each cluster's 3D mean.
fn cluster_summary(
    clusters: &[usize],
    coords_3d: &Array2<f32>,
    k: usize,
) -> (Vec<Option<usize>>, Vec<[f32; 3]>) {
    let mut first = vec![None; k];
    let mut sums = vec![[0.0f64; 3]; k];
    let mut counts = vec![0usize; k];
    for (row, &label) in clusters.iter().enumerate() {
        if label >= k || row >= coords_3d.nrows() {
            continue;
        }
        first[label].get_or_insert(row);
        for (axis, sum) in sums[label].iter_mut().enumerate() {
            *sum += f64::from(coords_3d[[row, axis]]);
        }
        counts[label] += 1;
    }
    let centres = sums
        .iter()
        .zip(&counts)
        .map(|(s, &n)| {
            let n = n.max(1) as f64;
            [(s[0] / n) as f32, (s[1] / n) as f32, (s[2] / n) as f32]
        })
        .collect();
    (first, centres)
}

/// Centre (mean) and the 95th-percentile distance from it: a radius outliers do not inflate.
pub fn robust_bounds(coords_3d: &Array2<f32>) -> ([f32; 3], f32) {
    let n = coords_3d.nrows();
    if n == 0 || coords_3d.ncols() < 3 {
        return ([0.0; 3], 1.0);
    }
    let mut centre = [0.0f64; 3];
    for row in coords_3d.outer_iter() {
        for axis in 0..3 {
            centre[axis] += f64::from(row[axis]);
        }
    }
    let centre = centre.map(|c| (c / n as f64) as f32);
    let mut distances: Vec<f32> = coords_3d
        .outer_iter()
        .map(|row| {
            let d: f32 = (0..3).map(|a| (row[a] - centre[a]).powi(2)).sum();
            d.sqrt()
        })
        .collect();
    let at = (n * 95 / 100).min(n - 1);
    let radius = *distances.select_nth_unstable_by(at, f32::total_cmp).1;
    (centre, radius.max(1e-6))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn words_map(words: &[&str]) -> Arc<HashMap<String, usize>> {
        Arc::new(
            words
                .iter()
                .enumerate()
                .map(|(i, w)| (w.to_string(), i))
                .collect(),
        )
    }

    #[test]
    fn analyses_a_frame_with_clusters_labels_scores_and_index() {
        let vectors = array![
            [1.0, 0.1, 0.0, 0.0],
            [0.9, 0.2, 0.1, 0.0],
            [-0.2, 1.0, 0.3, 0.1],
            [-0.1, 0.8, 0.5, 0.0],
            [0.0, 0.0, 1.0, 0.9],
        ];
        let relations = vec![
            RelationPair {
                relation: "capital".into(),
                head: "法国".into(),
                tail: "巴黎".into(),
            },
            RelationPair {
                relation: "capital".into(),
                head: "日本".into(),
                tail: "东京".into(),
            },
        ];
        let mut analyzer = FrameAnalyzer::new(
            AnalysisSettings {
                cluster_count: 2,
                ..AnalysisSettings::default()
            },
            words_map(&["法国", "巴黎", "日本", "东京", "猫"]),
            Arc::new(relations),
        );
        let frame = analyzer.analyze(vectors.view()).unwrap();
        assert_eq!(frame.coords_3d.dim(), (5, 3));
        assert_eq!(frame.clusters.len(), 5);
        assert_eq!(frame.relation_scores.len(), 1);
        assert_eq!(frame.neighbor_index.len(), 5);
        // Each cluster is named by its lowest (most frequent) row.
        for (label, row) in frame.cluster_label_rows.iter().enumerate() {
            if let Some(row) = row {
                assert_eq!(frame.clusters[*row], label);
                assert!(frame.clusters[..*row].iter().all(|&l| l != label));
            }
        }
        let second = analyzer.analyze(vectors.view()).unwrap();
        assert_eq!(
            second.clusters, frame.clusters,
            "same data keeps its colours"
        );
    }

    #[test]
    fn the_lens_shows_a_relation_more_parallel_than_pca() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let dims = 30;
        let words = 200;
        let mut vectors = Array2::from_shape_fn((words, dims), |_| rng.gen_range(-1.0f32..1.0));
        // Rows 0..8 are heads, 8..16 their tails: head + a shared offset + noise.
        let offset: Vec<f32> = (0..dims).map(|_| rng.gen_range(-0.6f32..0.6)).collect();
        for pair in 0..8 {
            for d in 0..dims {
                vectors[[8 + pair, d]] =
                    vectors[[pair, d]] + offset[d] + rng.gen_range(-0.05f32..0.05);
            }
        }
        let names: Vec<String> = (0..words).map(|i| format!("w{i}")).collect();
        let map: Arc<HashMap<String, usize>> = Arc::new(
            names
                .iter()
                .cloned()
                .enumerate()
                .map(|(i, w)| (w, i))
                .collect(),
        );
        let relations: Arc<Vec<RelationPair>> = Arc::new(
            (0..8)
                .map(|p| RelationPair {
                    relation: "r".into(),
                    head: names[p].clone(),
                    tail: names[8 + p].clone(),
                })
                .collect(),
        );
        let mut pca =
            FrameAnalyzer::new(AnalysisSettings::default(), map.clone(), relations.clone());
        let lens_settings = AnalysisSettings {
            lens: Some("r".into()),
            ..AnalysisSettings::default()
        };
        let mut lens = FrameAnalyzer::new(lens_settings, map, relations);
        assert!(lens.uses_lens() && !pca.uses_lens());
        let on_pca = pca.analyze(vectors.view()).unwrap().relation_parallelism[0].unwrap();
        let on_lens = lens.analyze(vectors.view()).unwrap().relation_parallelism[0].unwrap();
        assert!(on_lens > 0.95, "lens {on_lens}");
        assert!(on_lens > on_pca, "lens {on_lens} vs pca {on_pca}");
    }

    #[test]
    fn robust_bounds_ignore_an_outlier() {
        let mut coords = Array2::<f32>::zeros((101, 3));
        for i in 0..100 {
            coords[[i, 0]] = (i % 3) as f32;
        }
        coords[[100, 0]] = 1_000.0;
        let (_, radius) = robust_bounds(&coords);
        assert!(radius < 50.0, "radius {radius}");
    }
}
