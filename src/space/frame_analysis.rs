//! Everything the viewer needs of one snapshot, computed in one place and off the frame loop:
//! aligned 3D coordinates, clusters matched to the previous frame's, relation scores, the
//! cosine neighbour index (built once per frame, reused for every click and analogy), the
//! cloud's bounds and one representative word per cluster.
//!
//! The projection is PCA aligned frame to frame (or one fixed basis), UMAP (each frame's
//! layout started from the previous frame's, so points move only where the space moved), or
//! the relation lens: one axis along a relation's mean offset, so its arrows are long and
//! visibly parallel. Each frame also says how parallel every relation's arrows are on screen,
//! next to the full-space consistency, and how well the 3D view keeps each word's 10 nearest
//! neighbours (preservation and trustworthiness on a sample), so the user sees whether the
//! view shows what the space holds.
//!
//! UMAP refuses snapshots of more than [`UMAP_MAX_ROWS`] words with an error the viewer shows
//! (a layout of a sample would leave the other words without a place on screen); from 10,000
//! words on its neighbour graph is approximate (NN-descent), so a GloVe-size file takes a few
//! minutes, with progress on the status line, cancellable. [`FrameAnalyzer::analyze_progressive`]
//! hands the caller UMAP's layouts on the way (from 20,000 words a coarse one within seconds,
//! then the layout after each epoch) so a viewer can draw the layout as it refines.
//!
//! A [`FrameAnalyzer`] carries what links consecutive frames (the projector's previous basis,
//! the previous clusters), so frames must be fed in order. It has no bevy in it: the viewer runs
//! it on a worker thread, tests run it directly.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use ndarray::{Array2, ArrayView2, Axis};
use rand::SeedableRng;

use super::{
    AxisDirection, FrameProjector, KMeansOptions, LensKind, LensProjector, NeighborIndex,
    PcaOptions, PcaSolver, ProjectionMode, ProjectionQuality, QualityOptions, RelationPair,
    RelationScore, SpaceError, UmapIntermediate, UmapOptions, UmapProgress,
    kmeans_clusters_of_unit_rows, match_clusters, on_screen_parallelism, projection_quality,
    score_relations_with_index, split_axis_words, umap_3d_with_layouts,
};

/// Most words per snapshot UMAP lays out (see the module docs): a GloVe-size file (400,000).
pub const UMAP_MAX_ROWS: usize = 500_000;
/// UMAP's `min_dist` in the viewer: umap-learn's 0.1 packs a trained cluster's words into one
/// blob where their points and labels overlap; 0.5 keeps them apart enough to click.
const UMAP_MIN_DIST: f32 = 0.5;
/// Neighbourhood size of the quality figures.
pub const QUALITY_K: usize = 10;
/// Words the quality figures are averaged over (a seeded sample of larger snapshots): enough
/// for a figure stable to about a percent, cheap next to the rest of a frame's analysis.
const QUALITY_SAMPLE_ROWS: usize = 1000;
/// Words the quality figures rank against on large snapshots (see `FrameAnalyzer::quality`).
const QUALITY_POOL_ROWS: usize = 20_000;

/// Which projection draws the frames (the relation lens, when set, overrides both).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProjectionMethod {
    /// Straight axes of most variance (aligned or fixed, see [`ProjectionMode`]).
    #[default]
    Pca,
    /// Neighbourhoods laid out side by side (see [`super::umap`]).
    Umap,
    /// The table's own coordinates (see [`super::projection::given`]), handed to the analyzer
    /// with [`FrameAnalyzer::with_given_coords`].
    Given,
}

impl ProjectionMethod {
    /// "pca", "umap" or "given" (script steps, dumps, saved views).
    pub fn name(self) -> &'static str {
        match self {
            Self::Pca => "pca",
            Self::Umap => "umap",
            Self::Given => "given",
        }
    }
}

/// How one frame was projected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameProjection {
    Pca(PcaSolver),
    Umap,
    Lens,
    Given,
}

impl FrameProjection {
    /// "pca", "umap", "lens" or "given" (for dumps and logs).
    pub fn name(self) -> &'static str {
        match self {
            Self::Pca(_) => "pca",
            Self::Umap => "umap",
            Self::Lens => "lens",
            Self::Given => "given",
        }
    }

    /// The PCA solver, for PCA frames.
    pub fn pca_solver(self) -> Option<PcaSolver> {
        match self {
            Self::Pca(solver) => Some(solver),
            _ => None,
        }
    }
}

/// How frames are analysed; changing any of these means re-analysing every frame.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalysisSettings {
    pub method: ProjectionMethod,
    /// How PCA frames are tied together (PCA only).
    pub mode: ProjectionMode,
    /// View through the lens of this relation instead of PCA or UMAP (see
    /// [`super::relation_lens`]).
    pub lens: Option<String>,
    /// Semantic axes instead of PCA: `X[,Y]`, each `WORD>WORD` or a relation's name (its mean
    /// offset); the other axes from PCA with those directions removed. Overrides `lens`.
    pub axes: Option<String>,
    pub cluster_count: usize,
    pub seed: u64,
}

impl Default for AnalysisSettings {
    fn default() -> Self {
        Self {
            method: ProjectionMethod::Pca,
            mode: ProjectionMode::Aligned,
            lens: None,
            axes: None,
            cluster_count: 8,
            seed: 7,
        }
    }
}

/// A snapshot's projection before the rest of its analysis: enough to draw every point.
#[derive(Debug, Clone)]
pub struct FramePreview {
    pub coords_3d: Array2<f32>,
    pub bounds: ([f32; 3], f32),
    pub projection: FrameProjection,
    /// Share of the snapshot's total variance along each screen axis (see
    /// [`AnalyzedFrame::explained_variance`]).
    pub explained_variance: Option<[f32; 3]>,
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
    /// Centre and robust radius ([`robust_bounds`]) of the 3D cloud.
    pub bounds: ([f32; 3], f32),
    /// How this frame was projected.
    pub projection: FrameProjection,
    /// Share of the total variance along each of the 3 axes: PCA's explained variance ratio
    /// (aligned mode: the frame's own fit, before the alignment rotation mixes the axes), the
    /// lens's shares of its fitted rows' variance, `None` for UMAP (its axes carry no
    /// variance meaning).
    pub explained_variance: Option<[f32; 3]>,
    /// How well the 3D view keeps neighbourhoods at [`QUALITY_K`] (`None` when the snapshot
    /// has too few words to measure).
    pub quality: Option<ProjectionQuality>,
}

/// Analyses frames in order; see the module docs.
pub struct FrameAnalyzer {
    settings: AnalysisSettings,
    word_rows: Arc<HashMap<String, usize>>,
    /// Per row, whether its word reads as a word ([`super::is_word_like`]), for cluster names.
    word_like: Vec<bool>,
    relations: Arc<Vec<RelationPair>>,
    /// Row pairs of each relation, in order of first appearance.
    relation_rows: Vec<(String, Vec<(usize, usize)>)>,
    projector: Projector,
    previous_clusters: Option<Vec<usize>>,
}

/// PCA frames, UMAP frames or the relation lens.
enum Projector {
    Pca(FrameProjector),
    Umap(UmapFrames),
    /// The lens and the rows of its relation's words (what the camera frames).
    Lens(LensProjector, Vec<usize>),
    /// The table's own coordinates (`None` until [`FrameAnalyzer::with_given_coords`]).
    Given(Option<Arc<Array2<f32>>>),
}

/// UMAP frame after frame, each started from the previous frame's layout.
struct UmapFrames {
    options: UmapOptions,
    /// The previous frame's raw layout (before centring and scaling): the next one's start.
    previous: Option<Array2<f32>>,
}

impl UmapFrames {
    /// The frame's layout centred and scaled to unit RMS radius, like PCA frames; `None` when
    /// cancelled.
    fn layout(
        &mut self,
        vectors: ArrayView2<f32>,
        cancel: &AtomicBool,
        progress: &mut dyn FnMut(UmapProgress),
        layouts: &mut dyn FnMut(UmapIntermediate<'_>),
    ) -> Result<Option<Array2<f32>>, SpaceError> {
        let n = vectors.nrows();
        if n > UMAP_MAX_ROWS {
            return Err(SpaceError::Invalid(format!(
                "UMAP lays out at most {UMAP_MAX_ROWS} words per snapshot and this one has {n}: \
                 use PCA, or keep fewer words per snapshot"
            )));
        }
        let previous = self.previous.as_ref().filter(|p| p.dim() == (n, 3));
        let options = match previous {
            Some(_) => self.options.for_next_frame(n),
            None => self.options.clone(),
        };
        let layout = umap_3d_with_layouts(
            vectors,
            &options,
            previous.map(Array2::view),
            cancel,
            progress,
            layouts,
        )?;
        if layout.cancelled {
            return Ok(None);
        }
        let mut coords_3d = layout.coords.clone();
        settle_umap_layout(&mut coords_3d);
        self.previous = Some(layout.coords);
        Ok(Some(coords_3d))
    }
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
        let semantic = settings
            .axes
            .as_deref()
            .and_then(|spec| semantic_kind(spec, &word_rows, &relation_rows));
        let projector = match (semantic, lens_pairs) {
            // Semantic axes scale every word: the camera frames them all (no rows singled out).
            (Some(kind), _) => {
                Projector::Lens(LensProjector::new(kind, PcaOptions::default()), Vec::new())
            }
            (None, lens_pairs) => match lens_pairs {
                Some(pairs) => {
                    let rows = pairs.iter().flat_map(|&(h, t)| [h, t]).collect();
                    Projector::Lens(
                        LensProjector::new(LensKind::Relation(pairs), PcaOptions::default()),
                        rows,
                    )
                }
                None => match settings.method {
                    ProjectionMethod::Pca => {
                        Projector::Pca(FrameProjector::new(settings.mode, PcaOptions::default()))
                    }
                    ProjectionMethod::Umap => Projector::Umap(UmapFrames {
                        options: UmapOptions {
                            min_dist: UMAP_MIN_DIST,
                            seed: settings.seed,
                            ..UmapOptions::default()
                        },
                        previous: None,
                    }),
                    ProjectionMethod::Given => Projector::Given(None),
                },
            },
        };
        Self {
            settings,
            word_like: word_like_rows(&word_rows),
            word_rows,
            relations,
            relation_rows,
            projector,
            previous_clusters: None,
        }
    }

    /// The table's own coordinates (rows as the snapshots', 3 columns, see
    /// [`super::GivenCoords`]), used when the method is [`ProjectionMethod::Given`] and no lens
    /// or axes override it.
    pub fn with_given_coords(mut self, coords_3d: Option<Arc<Array2<f32>>>) -> Self {
        if let Projector::Given(given) = &mut self.projector {
            *given = coords_3d;
        }
        self
    }

    pub fn settings(&self) -> &AnalysisSettings {
        &self.settings
    }

    /// Analyses the next frame (frames must come in order).
    pub fn analyze(&mut self, vectors: ArrayView2<f32>) -> Result<AnalyzedFrame, SpaceError> {
        let never = AtomicBool::new(false);
        self.analyze_cancellable(vectors, &never, &mut |_| {})?
            .ok_or_else(|| SpaceError::Invalid("the analysis was cancelled".into()))
    }

    /// Like [`FrameAnalyzer::analyze`], reporting UMAP's progress and stopping it when
    /// `cancel` is set (then `Ok(None)`; the analyzer should be dropped: the frame is missing).
    pub fn analyze_cancellable(
        &mut self,
        vectors: ArrayView2<f32>,
        cancel: &AtomicBool,
        progress: &mut dyn FnMut(UmapProgress),
    ) -> Result<Option<AnalyzedFrame>, SpaceError> {
        self.analyze_with_preview(vectors, cancel, progress, &mut |_| {})
    }

    /// Like [`FrameAnalyzer::analyze_cancellable`], handing `preview` the projection as soon as
    /// it exists, before clusters, relation scores, quality and the neighbour index (seconds
    /// on a GloVe-size space): a viewer draws the points first and colours them later.
    pub fn analyze_with_preview(
        &mut self,
        vectors: ArrayView2<f32>,
        cancel: &AtomicBool,
        progress: &mut dyn FnMut(UmapProgress),
        preview: &mut dyn FnMut(FramePreview),
    ) -> Result<Option<AnalyzedFrame>, SpaceError> {
        self.analyze_progressive(vectors, cancel, progress, preview, &mut |_| {})
    }

    /// Like [`FrameAnalyzer::analyze_with_preview`], also handing `layouts` UMAP's layouts on
    /// the way (raw coordinates, borrowed: settle a copy with [`settle_umap_layout`] to draw it
    /// like the finished frame). PCA and the lens have none.
    pub fn analyze_progressive(
        &mut self,
        vectors: ArrayView2<f32>,
        cancel: &AtomicBool,
        progress: &mut dyn FnMut(UmapProgress),
        preview: &mut dyn FnMut(FramePreview),
        layouts: &mut dyn FnMut(UmapIntermediate<'_>),
    ) -> Result<Option<AnalyzedFrame>, SpaceError> {
        let (coords_3d, projection, explained_variance) = match &mut self.projector {
            Projector::Pca(projector) => {
                let coords_3d = projector.push(vectors)?;
                let solver = projector
                    .solvers()
                    .last()
                    .copied()
                    .unwrap_or(PcaSolver::Exact);
                let shares = projector.variance_shares().last().copied();
                (coords_3d, FrameProjection::Pca(solver), shares)
            }
            Projector::Umap(umap) => match umap.layout(vectors, cancel, progress, layouts)? {
                Some(coords_3d) => (coords_3d, FrameProjection::Umap, None),
                None => return Ok(None),
            },
            Projector::Lens(lens, _) => {
                let coords_3d = lens.push(vectors)?;
                let shares = lens.bases().last().map(|b| b.variance_shares);
                (coords_3d, FrameProjection::Lens, shares)
            }
            Projector::Given(given) => {
                let coords_3d = given
                    .as_deref()
                    .filter(|c| c.dim() == (vectors.nrows(), 3))
                    .ok_or_else(|| {
                        SpaceError::Invalid(format!(
                            "no given coordinates for these {} rows: only a table with x and y \
                             columns (or --coords-columns) has them",
                            vectors.nrows()
                        ))
                    })?
                    .clone();
                (coords_3d, FrameProjection::Given, None)
            }
        };
        preview(FramePreview {
            coords_3d: coords_3d.clone(),
            bounds: self.bounds_of(&coords_3d),
            projection,
            explained_variance,
        });
        self.finish(vectors, coords_3d, projection, explained_variance)
            .map(Some)
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
        let (coords, solvers, shares): (Vec<Array2<f32>>, Vec<PcaSolver>, Vec<[f32; 3]>) =
            match &mut self.projector {
                Projector::Pca(projector) if self.settings.mode == ProjectionMode::Fixed => {
                    projector.reproject_all(frames)?;
                    (
                        projector.frames().to_vec(),
                        projector.solvers().to_vec(),
                        projector.variance_shares().to_vec(),
                    )
                }
                _ => return frames.iter().map(|f| self.analyze(*f)).collect(),
            };
        frames
            .iter()
            .zip(coords)
            .zip(solvers)
            .zip(shares)
            .map(|(((vectors, coords_3d), solver), shares)| {
                self.finish(
                    *vectors,
                    coords_3d,
                    FrameProjection::Pca(solver),
                    Some(shares),
                )
            })
            .collect()
    }

    /// The extent to frame: through the lens, every word of the relation (a few dozen; the rest
    /// may lie far out); otherwise the robust extent of the cloud.
    fn bounds_of(&self, coords_3d: &Array2<f32>) -> ([f32; 3], f32) {
        match &self.projector {
            // A relation has a few dozen words: frame all of them, not a percentile.
            Projector::Lens(_, rows) if !rows.is_empty() => {
                let (centre, _) = robust_bounds(&coords_3d.select(Axis(0), rows));
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
            _ => robust_bounds(coords_3d),
        }
    }

    fn finish(
        &mut self,
        vectors: ArrayView2<f32>,
        coords_3d: Array2<f32>,
        projection: FrameProjection,
        explained_variance: Option<[f32; 3]>,
    ) -> Result<AnalyzedFrame, SpaceError> {
        let neighbor_index = Arc::new(NeighborIndex::from_matrix(vectors));
        let clusters = self.cluster(neighbor_index.unit_matrix())?;
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
        let (cluster_label_rows, cluster_centres_3d) =
            cluster_summary(&clusters, &coords_3d, k, &self.word_like);
        let bounds = self.bounds_of(&coords_3d);
        // Too few words to measure (k neighbours need k + 1 rows) leaves the figure empty.
        let quality = self.quality(vectors, coords_3d.view());
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
            projection,
            explained_variance,
            quality,
        })
    }

    /// The quality figures. Trustworthiness ranks every word against each sampled one, so on a
    /// large snapshot (a 400k-word file) they are measured within a seeded subset of
    /// [`QUALITY_POOL_ROWS`] words: an estimate, at a cost that does not grow with the file.
    fn quality(
        &self,
        vectors: ArrayView2<f32>,
        coords_3d: ArrayView2<f32>,
    ) -> Option<ProjectionQuality> {
        let options = QualityOptions {
            k: QUALITY_K,
            max_sample_rows: QUALITY_SAMPLE_ROWS,
            seed: self.settings.seed,
        };
        let n = vectors.nrows();
        if n <= QUALITY_POOL_ROWS {
            return projection_quality(vectors, coords_3d, &options).ok();
        }
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(self.settings.seed);
        let mut pool = rand::seq::index::sample(&mut rng, n, QUALITY_POOL_ROWS).into_vec();
        pool.sort_unstable();
        let pool_vectors = vectors.select(Axis(0), &pool);
        let pool_coords = coords_3d.select(Axis(0), &pool);
        projection_quality(pool_vectors.view(), pool_coords.view(), &options).ok()
    }

    /// Clusters by direction, on the unit rows the neighbour index already holds.
    fn cluster(&self, unit_rows: ArrayView2<f32>) -> Result<Vec<usize>, SpaceError> {
        let k = self.settings.cluster_count.min(unit_rows.nrows()).max(1);
        let options = KMeansOptions {
            k: Some(k),
            seed: self.settings.seed,
            ..KMeansOptions::default()
        };
        let labels = kmeans_clusters_of_unit_rows(unit_rows, &options)?.labels;
        Ok(match &self.previous_clusters {
            Some(prev) if prev.len() == labels.len() => match_clusters(prev, &labels, k),
            _ => labels,
        })
    }
}

/// Semantic axes from a spec `X[,Y]`: each `WORD>WORD` (or `->`, `→`, `:`) or the name of a
/// relation with at least two pairs found. `None` when an axis cannot be resolved (the view
/// falls back to PCA; the panel says which words are unknown).
fn semantic_kind(
    spec: &str,
    word_rows: &HashMap<String, usize>,
    relation_rows: &[(String, Vec<(usize, usize)>)],
) -> Option<LensKind> {
    let axis = |part: &str| -> Option<AxisDirection> {
        let part = part.trim();
        // Relation names first: they may hold `→`, one of the word separators.
        if let Some((_, pairs)) = relation_rows.iter().find(|(name, _)| name == part) {
            return (pairs.len() >= 2).then(|| AxisDirection::Relation(pairs.clone()));
        }
        let (from, to) = split_axis_words(part)?;
        let from = *word_rows.get(from)?;
        let to = *word_rows.get(to)?;
        (from != to).then_some(AxisDirection::Words { from, to })
    };
    let mut parts = spec.split(',');
    let x = axis(parts.next()?)?;
    let y = match parts.next() {
        Some(part) => Some(axis(part)?),
        None => None,
    };
    Some(LensKind::Semantic { x, y })
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

/// Per cluster: the row that names it and the mean 3D position of its members. The name is a
/// frequent, central, word-like member: of its first [`NAME_CANDIDATES`] word-like rows (rows
/// are in frequency order), the one nearest the cluster's centre; the most frequent member
/// when none is word-like.
fn cluster_summary(
    clusters: &[usize],
    coords_3d: &Array2<f32>,
    k: usize,
    word_like: &[bool],
) -> (Vec<Option<usize>>, Vec<[f32; 3]>) {
    let mut first = vec![None; k];
    let mut candidates: Vec<Vec<usize>> = vec![Vec::new(); k];
    let mut sums = vec![[0.0f64; 3]; k];
    let mut counts = vec![0usize; k];
    for (row, &label) in clusters.iter().enumerate() {
        if label >= k || row >= coords_3d.nrows() {
            continue;
        }
        first[label].get_or_insert(row);
        if word_like.get(row).copied().unwrap_or(false) && candidates[label].len() < NAME_CANDIDATES
        {
            candidates[label].push(row);
        }
        for (axis, sum) in sums[label].iter_mut().enumerate() {
            *sum += f64::from(coords_3d[[row, axis]]);
        }
        counts[label] += 1;
    }
    let centres: Vec<[f32; 3]> = sums
        .iter()
        .zip(&counts)
        .map(|(s, &n)| {
            let n = n.max(1) as f64;
            [(s[0] / n) as f32, (s[1] / n) as f32, (s[2] / n) as f32]
        })
        .collect();
    let distance = |row: usize, centre: &[f32; 3]| -> f32 {
        (0..3)
            .map(|a| (coords_3d[[row, a]] - centre[a]).powi(2))
            .sum()
    };
    let names = candidates
        .iter()
        .zip(&centres)
        .zip(first)
        .map(|((rows, centre), first)| {
            rows.iter()
                .copied()
                .min_by(|&a, &b| distance(a, centre).total_cmp(&distance(b, centre)))
                .or(first)
        })
        .collect();
    (names, centres)
}

/// Per row, whether its word reads as a word.
fn word_like_rows(word_rows: &HashMap<String, usize>) -> Vec<bool> {
    let rows = word_rows.values().max().map_or(0, |m| m + 1);
    let mut word_like = vec![false; rows];
    for (word, &row) in word_rows {
        word_like[row] = super::is_word_like(word);
    }
    word_like
}

/// Word-like members considered for a cluster's name.
const NAME_CANDIDATES: usize = 10;

/// Share of the points the robust radius holds.
const BOUNDS_PERCENTILE: usize = 98;

/// A raw UMAP layout as frames show it: centred and scaled to unit RMS radius, like PCA frames
/// (for the layouts [`FrameAnalyzer::analyze_progressive`] hands out on the way).
pub fn settle_umap_layout(coords_3d: &mut Array2<f32>) {
    if let Some(mean) = coords_3d.mean_axis(Axis(0)) {
        *coords_3d -= &mean;
    }
    super::projection::align::normalise_rms_radius(coords_3d);
}

/// A robust centre (the per-axis median) and the 98th-percentile distance from it: the bulk of
/// the cloud wherever a long tail pulls its mean, and a radius a few outliers do not inflate.
pub fn robust_bounds(coords_3d: &Array2<f32>) -> ([f32; 3], f32) {
    let n = coords_3d.nrows();
    if n == 0 || coords_3d.ncols() < 3 {
        return ([0.0; 3], 1.0);
    }
    let median = |axis: usize| {
        let mut values: Vec<f32> = coords_3d.column(axis).to_vec();
        *values.select_nth_unstable_by(n / 2, f32::total_cmp).1
    };
    let centre = [median(0), median(1), median(2)];
    let mut distances: Vec<f32> = coords_3d
        .outer_iter()
        .map(|row| {
            let d: f32 = (0..3).map(|a| (row[a] - centre[a]).powi(2)).sum();
            d.sqrt()
        })
        .collect();
    let at = (n * BOUNDS_PERCENTILE / 100).min(n - 1);
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
        // Each cluster is named by one of its own word-like members (all five are words).
        for (label, row) in frame.cluster_label_rows.iter().enumerate() {
            if let Some(row) = row {
                assert_eq!(frame.clusters[*row], label);
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

    /// Eight tight clusters in 20 dimensions, the cluster centres on random directions.
    fn clustered(rows_per_cluster: usize, seed: u64) -> (Array2<f32>, Arc<HashMap<String, usize>>) {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let (clusters, dims) = (8, 20);
        let centres = Array2::from_shape_fn((clusters, dims), |_| rng.gen_range(-1.0f32..1.0));
        let n = clusters * rows_per_cluster;
        let vectors = Array2::from_shape_fn((n, dims), |(row, d)| {
            centres[[row % clusters, d]] + rng.gen_range(-0.25f32..0.25)
        });
        let map = Arc::new((0..n).map(|i| (format!("w{i}"), i)).collect());
        (vectors, map)
    }

    #[test]
    fn umap_frames_differ_from_pca_and_keep_more_neighbours() {
        let (vectors, map) = clustered(40, 5);
        let umap_settings = AnalysisSettings {
            method: ProjectionMethod::Umap,
            ..AnalysisSettings::default()
        };
        let mut pca = FrameAnalyzer::new(AnalysisSettings::default(), map.clone(), Arc::default());
        let mut umap = FrameAnalyzer::new(umap_settings, map, Arc::default());
        let on_pca = pca.analyze(vectors.view()).unwrap();
        let mut reports = 0;
        let cancel = AtomicBool::new(false);
        let on_umap = umap
            .analyze_cancellable(vectors.view(), &cancel, &mut |_| reports += 1)
            .unwrap()
            .unwrap();
        assert!(reports > 0, "UMAP reports progress");
        assert!(matches!(on_pca.projection, FrameProjection::Pca(_)));
        assert_eq!(on_umap.projection, FrameProjection::Umap);
        // PCA says how much of the space each axis shows (what `project` prints); UMAP's axes
        // have no such meaning.
        let shares = on_pca.explained_variance.unwrap();
        let exact = crate::space::fit_pca3(vectors.view(), &PcaOptions::default()).unwrap();
        for (share, expected) in shares.iter().zip(exact.explained_variance_ratio) {
            assert!((share - expected).abs() < 1e-4, "{shares:?}");
        }
        assert!(shares[0] >= shares[1] && shares[1] >= shares[2] && shares[0] > 0.0);
        assert_eq!(on_umap.explained_variance, None);
        let gap = (&on_pca.coords_3d - &on_umap.coords_3d)
            .iter()
            .map(|d| d.abs())
            .fold(0.0f32, f32::max);
        assert!(gap > 0.1, "UMAP coordinates differ from PCA's (gap {gap})");
        // Scaled like PCA: unit RMS radius about the centre.
        let rms = (on_umap.coords_3d.iter().map(|v| v * v).sum::<f32>()
            / on_umap.coords_3d.nrows() as f32)
            .sqrt();
        assert!((rms - 1.0).abs() < 1e-3, "rms {rms}");
        let (p, u) = (on_pca.quality.unwrap(), on_umap.quality.unwrap());
        assert_eq!(p.k, QUALITY_K);
        assert!(
            u.neighbor_preservation > p.neighbor_preservation,
            "UMAP {u:?} vs PCA {p:?}"
        );
        // The next frame starts from this layout: the same space barely moves.
        let next = umap.analyze(vectors.view()).unwrap();
        let moved = (&next.coords_3d - &on_umap.coords_3d)
            .iter()
            .map(|d| d * d)
            .sum::<f32>()
            .sqrt()
            / (vectors.nrows() as f32).sqrt();
        assert!(moved < 0.3, "RMS move between identical frames {moved}");
    }

    #[test]
    fn given_coordinates_are_drawn_as_they_are() {
        let (vectors, map) = clustered(10, 2);
        let settings = AnalysisSettings {
            method: ProjectionMethod::Given,
            ..AnalysisSettings::default()
        };
        // Without coordinates the method has nothing to draw: an error, not a panic.
        let mut bare = FrameAnalyzer::new(settings.clone(), map.clone(), Arc::default());
        let error = bare.analyze(vectors.view()).unwrap_err().to_string();
        assert!(error.contains("no given coordinates"), "{error}");
        let rows = vectors.nrows();
        let coords = Array2::from_shape_fn((rows, 3), |(r, a)| match a {
            0 => r as f32,
            1 => (r % 3) as f32,
            _ => 0.0,
        });
        let mut given = FrameAnalyzer::new(settings, map, Arc::default())
            .with_given_coords(Some(Arc::new(coords.clone())));
        let frame = given.analyze(vectors.view()).unwrap();
        assert_eq!(frame.projection, FrameProjection::Given);
        assert_eq!(frame.coords_3d, coords);
        assert_eq!(frame.clusters.len(), rows);
        assert!(frame.quality.is_some());
        // Coordinates of other rows are refused.
        let mut other = FrameAnalyzer::new(
            AnalysisSettings {
                method: ProjectionMethod::Given,
                ..AnalysisSettings::default()
            },
            Arc::default(),
            Arc::default(),
        )
        .with_given_coords(Some(Arc::new(Array2::zeros((rows + 1, 3)))));
        assert!(other.analyze(vectors.view()).is_err());
    }

    #[test]
    fn a_set_cancel_flag_stops_umap_and_big_snapshots_are_refused() {
        let (vectors, map) = clustered(40, 6);
        let settings = AnalysisSettings {
            method: ProjectionMethod::Umap,
            ..AnalysisSettings::default()
        };
        let mut umap = FrameAnalyzer::new(settings.clone(), map.clone(), Arc::default());
        let cancel = AtomicBool::new(true);
        let outcome = umap
            .analyze_cancellable(vectors.view(), &cancel, &mut |_| {})
            .unwrap();
        assert!(outcome.is_none(), "cancelled runs give no frame");
        let big = Array2::<f32>::zeros((UMAP_MAX_ROWS + 1, 2));
        let mut umap = FrameAnalyzer::new(settings, map, Arc::default());
        let err = umap.analyze(big.view()).unwrap_err().to_string();
        assert!(err.contains("UMAP lays out at most"), "{err}");
    }

    #[test]
    fn semantic_axes_put_the_first_word_pair_along_x() {
        let vectors = array![
            [1.0, 0.1, 0.0, 0.3],
            [0.9, 0.2, 0.1, 0.0],
            [-0.2, 1.0, 0.3, 0.1],
            [-0.1, 0.8, 0.5, 0.0],
            [0.0, 0.0, 1.0, 0.9],
            [0.3, -0.5, 0.2, 0.4],
        ];
        let words = words_map(&["a", "b", "c", "d", "e", "f"]);
        let settings = AnalysisSettings {
            axes: Some("a>c".into()),
            ..AnalysisSettings::default()
        };
        let mut analyzer = FrameAnalyzer::new(settings, words.clone(), Arc::new(Vec::new()));
        assert!(analyzer.uses_lens());
        let frame = analyzer.analyze(vectors.view()).unwrap();
        assert!(
            frame.coords_3d[[2, 0]] > frame.coords_3d[[0, 0]],
            "c lies further along x"
        );
        let unknown = AnalysisSettings {
            axes: Some("a>nosuch".into()),
            ..AnalysisSettings::default()
        };
        let fallback = FrameAnalyzer::new(unknown, words, Arc::new(Vec::new()));
        assert!(!fallback.uses_lens(), "an unknown word falls back to PCA");
    }

    #[test]
    fn clusters_are_named_by_a_central_word_not_a_symbol() {
        // Rows in frequency order: the cluster's most frequent token is punctuation and the
        // next is a word far from the centre; the name is the central word.
        let coords = ndarray::array![
            [0.0f32, 0.0, 0.0],
            [5.0, 0.0, 0.0],
            [1.0, 0.0, 0.0],
            [1.1, 0.0, 0.0]
        ];
        let word_like = [false, true, true, true];
        let (names, centres) = cluster_summary(&[0, 0, 0, 0], &coords, 1, &word_like);
        assert!((centres[0][0] - 1.775).abs() < 1e-4);
        assert_eq!(names, vec![Some(3)]);
        // No word-like member: the most frequent row.
        let (names, _) = cluster_summary(&[0, 0, 0, 0], &coords, 1, &[false; 4]);
        assert_eq!(names, vec![Some(0)]);
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
