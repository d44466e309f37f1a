//! The space as the viewer has seen it so far: the words on screen, every snapshot received,
//! and one analysed [`Frame`] per snapshot (aligned 3D coordinates, clusters, relation scores,
//! a neighbour index). Snapshots are analysed off the frame loop by [`crate::viewer::core::analysis`]; frames
//! arrive here when ready, so scrubbing is free and the window never waits.
//!
//! The model changes in one place: ingest (the training bridge calls [`SpaceModel::reset`] and
//! [`SpaceModel::submit`]) and [`ModelRequest`] messages, which panels send and
//! [`apply_model_requests`] applies.

use std::collections::HashMap;
use std::sync::Arc;

use bevy::prelude::*;
use ndarray::Array2;

use crate::space;

/// What one snapshot was: where training stood when it was taken (the trainer's own type, so
/// frames and timelines convert without copying fields by hand).
pub use crate::train::SnapshotMeta as FrameMeta;

/// One snapshot, projected and analysed.
#[derive(Debug, Clone)]
pub struct Frame {
    pub meta: FrameMeta,
    /// Full-dimensional vectors of the shown words (rows as in [`SpaceModel::words`]).
    pub vectors: Arc<Array2<f32>>,
    /// Aligned PCA coordinates, scaled to unit RMS radius.
    pub coords_3d: Array2<f32>,
    /// Cluster label per word, matched to the previous frame's so colours stay put.
    pub clusters: Vec<usize>,
    /// Per cluster label, the row whose word names the cluster.
    pub cluster_label_rows: Vec<Option<usize>>,
    /// Per cluster label, its mean 3D position (unit RMS radius units).
    pub cluster_centres_3d: Vec<[f32; 3]>,
    /// Consistency of each relation at this frame.
    pub relation_scores: Vec<space::RelationScore>,
    /// Per relation, how parallel its arrows are in this frame's 3D view.
    pub relation_parallelism: Vec<Option<f32>>,
    /// Cosine index of `vectors`, built once off the frame loop and used by every click and
    /// analogy; dropped for older frames when indexes would exceed [`INDEX_BUDGET_BYTES`]
    /// (see [`Frame::index`]).
    neighbor_index: Option<Arc<space::NeighborIndex>>,
    /// Centre and robust radius of `coords_3d`.
    pub bounds: ([f32; 3], f32),
    /// How the frame was projected (PCA and its solver, UMAP or the lens).
    pub projection: space::FrameProjection,
    /// Share of the snapshot's total variance along each screen axis (PCA and the lens; `None`
    /// for UMAP, whose axes carry no variance meaning).
    pub explained_variance: Option<[f32; 3]>,
    /// How well the 3D view keeps each word's 10 nearest neighbours.
    pub quality: Option<space::ProjectionQuality>,
    /// The model generation the frame was analysed for (see [`SpaceModel::generation`]).
    pub generation: u64,
    /// False for a preview: projected and drawable, but without clusters, scores and index yet.
    pub complete: bool,
}

impl Frame {
    pub fn new(meta: FrameMeta, vectors: Arc<Array2<f32>>, analysis: space::AnalyzedFrame) -> Self {
        Self {
            meta,
            vectors,
            coords_3d: analysis.coords_3d,
            clusters: analysis.clusters,
            cluster_label_rows: analysis.cluster_label_rows,
            cluster_centres_3d: analysis.cluster_centres_3d,
            relation_scores: analysis.relation_scores,
            relation_parallelism: analysis.relation_parallelism,
            neighbor_index: Some(analysis.neighbor_index),
            bounds: analysis.bounds,
            projection: analysis.projection,
            explained_variance: analysis.explained_variance,
            quality: analysis.quality,
            generation: 0,
            complete: true,
        }
    }

    /// A frame that is only projected: its points can be drawn (grey, uncoloured) while the
    /// rest of its analysis runs; queries build their index on demand.
    pub fn preview(
        meta: FrameMeta,
        vectors: Arc<Array2<f32>>,
        preview: space::FramePreview,
    ) -> Self {
        Self {
            meta,
            vectors,
            coords_3d: preview.coords_3d,
            clusters: Vec::new(),
            cluster_label_rows: Vec::new(),
            cluster_centres_3d: Vec::new(),
            relation_scores: Vec::new(),
            relation_parallelism: Vec::new(),
            neighbor_index: None,
            bounds: preview.bounds,
            projection: preview.projection,
            explained_variance: preview.explained_variance,
            quality: None,
            generation: 0,
            complete: false,
        }
    }

    /// The frame's cosine index: the cached one, or one built now for a frame whose index was
    /// dropped to bound memory (a scan-sized cost, paid only when that frame is queried).
    pub fn index(&self) -> Arc<space::NeighborIndex> {
        match &self.neighbor_index {
            Some(index) => index.clone(),
            None => Arc::new(space::NeighborIndex::from_matrix(self.vectors.view())),
        }
    }

    fn index_bytes(&self) -> usize {
        self.neighbor_index
            .as_ref()
            .map_or(0, |i| i.len() * i.dim() * std::mem::size_of::<f32>())
    }
}

/// Memory the cached neighbour indexes of all frames may take together; beyond it, only the
/// newest frames keep theirs. Snapshot vectors themselves are shared with the frames.
pub const INDEX_BUDGET_BYTES: usize = 512 << 20;
/// Frames that always keep their index (the newest ones: what the user looks at).
const INDEXED_NEWEST_FRAMES: usize = 2;

/// A problem shown in the window (the app keeps running).
#[derive(Message, Debug, Clone)]
pub struct UserError(pub String);

/// The latest errors, newest last, for the status bar.
#[derive(Resource, Default, Debug)]
pub struct ErrorLog {
    pub messages: Vec<String>,
    /// Errors logged since launch (the messages keep only the last few).
    pub total: usize,
}

/// How frames are analysed; changing these re-analyses every frame.
pub type ModelSettings = space::AnalysisSettings;

/// A change to the model asked for by a panel (or a script).
#[derive(Message, Debug, Clone, PartialEq)]
pub enum ModelRequest {
    SetSettings(ModelSettings),
    /// A user's relations TSV, added to the built-in sets.
    AddRelationFile(std::path::PathBuf),
    SetCategories(Vec<(String, String)>),
    /// A metadata table joined on the words of this and every later space (`None`: drop it).
    SetMetadataTable(Option<Arc<crate::embeddings::formats::MetadataTable>>),
}

/// A relation set as matched against the words on screen, for the relations panel and dumps.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RelationSetInfo {
    pub name: String,
    pub pairs_found: usize,
    pub pairs_missing: usize,
    /// Built in (`assets/relations/`) rather than from a user's file.
    pub builtin: bool,
}

/// The words on screen, every snapshot received, and the frames analysed so far.
#[derive(Resource, Default)]
pub struct SpaceModel {
    pub words: Vec<String>,
    pub word_rows: Arc<HashMap<String, usize>>,
    /// Analysed frames, in snapshot order; may lag behind `snapshots`.
    pub frames: Vec<Frame>,
    /// Every snapshot received, analysed or not: what a re-analysis starts from.
    pub snapshots: Vec<(FrameMeta, Arc<Array2<f32>>)>,
    /// Category per word row, from a metadata file (colour by category).
    pub categories: Vec<Option<usize>>,
    pub category_names: Vec<String>,
    /// The (word, category) pairs last loaded; re-applied when the words change.
    pub category_pairs: Vec<(String, String)>,
    /// Metadata columns, one value per word row (a table's other columns, a metadata file);
    /// empty when there are none. Replaced whole, never edited.
    pub metadata: Arc<crate::embeddings::Metadata>,
    /// A metadata table joined on the words of every new space (training runs, timelines).
    pub metadata_table: Option<Arc<crate::embeddings::formats::MetadataTable>>,
    /// The table's own layout (the projection "as given"): from `x`, `y` (and `z`) or the
    /// columns named by `--coords-columns`. Only a table of vectors has one; training runs and
    /// timelines do not, and the method is not offered there.
    pub given: Option<Arc<space::GivenCoords>>,
    /// Pairs of every loaded relation set, in the words' own spelling.
    pub relations: Arc<Vec<space::RelationPair>>,
    /// The sets loaded for these words: every built-in set with at least three pairs found,
    /// and the user's files.
    pub relation_sets: Vec<RelationSetInfo>,
    /// The user's relation files (added to the built-in sets for every new space).
    pub relation_files: Vec<std::path::PathBuf>,
    pub settings: ModelSettings,
    /// Where each word is drawn in the one-hot view (evenly on a sphere).
    pub one_hot_coords: Array2<f32>,
    /// Renewed whenever frames must be (re)computed from scratch; results of other
    /// generations are dropped. Unique across models (see [`next_generation`]).
    pub generation: u64,
    /// Renewed whenever a frame is added or replaced (what is drawn must follow). Unique
    /// across models like `generation`: a comparison run swapped in never shows the version
    /// the cloud was last built from, so its points are uploaded again.
    pub frames_version: u64,
    /// The generation whose every snapshot has its frame: a model swapped back in (a stored
    /// comparison run) needs no re-analysis.
    pub analysed_generation: u64,
}

/// Per cluster label (`k` of them), the mean of its members' 3D coordinates (where cluster names
/// are drawn), for a layout that moved under clusters found on another one.
fn cluster_means(coords_3d: &Array2<f32>, clusters: &[usize], k: usize) -> Vec<[f32; 3]> {
    let mut sums = vec![([0.0f32; 3], 0usize); k];
    for (point, &cluster) in coords_3d.outer_iter().zip(clusters) {
        if let Some((sum, count)) = sums.get_mut(cluster) {
            for axis in 0..3 {
                sum[axis] += point[axis];
            }
            *count += 1;
        }
    }
    sums.into_iter()
        .map(|(sum, count)| sum.map(|v| v / count.max(1) as f32))
        .collect()
}

/// A generation number no model has used: a model swapped in (a stored run) never shares
/// one with the model the analysis worker was working for.
pub fn next_generation() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// A frames version no model has used (see [`SpaceModel::frames_version`]).
fn next_frames_version() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl SpaceModel {
    /// The relation the tour's lens step and the race's lens show: country → capital where
    /// there is one, else the first loaded relation.
    pub fn lens_relation(&self) -> Option<String> {
        let names = self.relations.iter().map(|p| p.relation.as_str());
        let capital = names
            .clone()
            .find(|name| name.contains("capital") || name.contains("首都"));
        capital.or_else(|| names.clone().next()).map(str::to_owned)
    }

    /// Starts a new space with these words; drops all frames and snapshots.
    pub fn reset(&mut self, words: Vec<String>) {
        self.word_rows = Arc::new(
            words
                .iter()
                .enumerate()
                .map(|(row, w)| (w.clone(), row))
                .collect(),
        );
        self.one_hot_coords = space::one_hot_sphere(words.len(), 1.0);
        self.words = words;
        self.frames.clear();
        self.snapshots.clear();
        self.generation = next_generation();
        self.frames_version = next_frames_version();
        self.given = None;
        if self.settings.method == space::ProjectionMethod::Given {
            self.settings.method = space::ProjectionMethod::Pca;
        }
        self.apply_categories();
        self.apply_metadata_table();
    }

    /// Metadata read with the words (one row per word row), and the layout it holds:
    /// `coords_columns` (`--coords-columns`) must name numeric columns, and the method becomes
    /// "as given"; without them `x`, `y` (and `z`) are used when present, and the method stays.
    pub fn set_row_metadata(
        &mut self,
        metadata: Option<crate::embeddings::Metadata>,
        coords_columns: Option<&[String]>,
    ) -> Result<(), String> {
        if let Some(metadata) = metadata
            && metadata.rows() == self.words.len()
        {
            self.metadata = Arc::new(metadata);
        }
        match coords_columns {
            Some(names) => {
                let names: Vec<&str> = names.iter().map(String::as_str).collect();
                let given = space::given_coords(&self.metadata, &names)
                    .map_err(|e| format!("--coords-columns {}: {e}", names.join(",")))?;
                self.given = Some(Arc::new(given));
                self.settings.method = space::ProjectionMethod::Given;
            }
            None => self.given = space::default_given_coords(&self.metadata).map(Arc::new),
        }
        Ok(())
    }

    /// Joins the metadata table (if any) on the words on screen.
    fn apply_metadata_table(&mut self) {
        self.metadata = Arc::new(match &self.metadata_table {
            Some(table) => table.joined_on(&self.words),
            None => crate::embeddings::Metadata::new(self.words.len()),
        });
    }

    /// Matches the built-in relation sets and the user's files against the words on screen
    /// (English case-insensitively) and loads every set with enough pairs found.
    pub fn rematch_relations(&mut self) -> Result<(), space::SpaceError> {
        let vocab = crate::embeddings::Vocab::new(self.words.clone())
            .map_err(|e| space::SpaceError::Invalid(e.to_string()))?;
        let sets = space::relation_sets_for_vocab(&vocab, &self.relation_files)?;
        self.relation_sets = sets
            .iter()
            .map(|set| RelationSetInfo {
                name: set.name.clone(),
                pairs_found: set.found.len(),
                pairs_missing: set.missing_count(),
                builtin: set
                    .origins
                    .iter()
                    .all(|o| matches!(o, space::SetOrigin::Builtin(_))),
            })
            .collect();
        self.relations = Arc::new(sets.iter().flat_map(|s| s.relation_pairs()).collect());
        // A lens on a relation this space lacks falls back to PCA.
        if let Some(lens) = &self.settings.lens
            && !self.relation_sets.iter().any(|s| s.name == *lens)
        {
            self.settings.lens = None;
        }
        self.request_reanalysis();
        Ok(())
    }

    /// The given layout's coordinates, for the analyzer.
    pub fn given_coords_3d(&self) -> Option<Arc<Array2<f32>>> {
        self.given
            .as_ref()
            .map(|given| Arc::new(given.coords_3d.clone()))
    }

    pub fn row_of(&self, word: &str) -> Option<usize> {
        self.word_rows.get(word).copied()
    }

    /// Queues a snapshot for analysis; its frame appears when the worker is done.
    pub fn submit(&mut self, meta: FrameMeta, vectors: Arc<Array2<f32>>) {
        self.snapshots.push((meta, vectors));
    }

    /// Snapshots without a complete frame (not analysed yet, or only previewed).
    pub fn pending(&self) -> usize {
        let previews = self.frames.iter().filter(|f| !f.complete).count();
        self.snapshots.len().saturating_sub(self.frames.len()) + previews
    }

    /// Whether every snapshot has a frame analysed with the current settings (after a
    /// settings change, older frames stay on screen until replaced).
    pub fn fully_analysed(&self) -> bool {
        self.pending() == 0 && self.frames.iter().all(|f| f.generation == self.generation)
    }

    /// Re-analyses every snapshot (after a settings or relations change). The current frames
    /// stay on screen until their replacements arrive.
    pub fn request_reanalysis(&mut self) {
        self.generation = next_generation();
    }

    /// Places a preview where nothing is on screen yet, or over a preview. Over an older frame
    /// with clusters and scores only a UMAP preview moves its points (as the layouts on the
    /// way did, see [`SpaceModel::place_layout`]); otherwise that frame stays until its
    /// complete replacement arrives.
    pub fn place_preview(&mut self, position: usize, frame: Frame) {
        match self.frames.get(position) {
            None if position == self.frames.len() => self.place_frame(position, frame),
            Some(shown) if !shown.complete => self.place_frame(position, frame),
            Some(shown)
                if shown.generation != self.generation
                    && frame.projection == space::FrameProjection::Umap =>
            {
                let _ = self.place_layout(position, frame.meta, frame.coords_3d, frame.bounds);
            }
            _ => {}
        }
    }

    /// Draws a UMAP layout on the way at `position` (called by the analysis plugin only): where
    /// a frame is on screen its points move there, keeping its colours until the complete frame
    /// arrives (cluster names follow their members; the figures measured on the old layout are
    /// dropped); where none is, a preview frame holds it. A complete frame of the current
    /// generation is never overwritten. Returns the coordinates it replaced (a buffer of the
    /// same shape, for the next layout), or `coords` back when it was not placed.
    pub fn place_layout(
        &mut self,
        position: usize,
        meta: FrameMeta,
        coords_3d: Array2<f32>,
        bounds: ([f32; 3], f32),
    ) -> Option<Array2<f32>> {
        let Some((_, vectors)) = self.snapshots.get(position) else {
            return Some(coords_3d);
        };
        if coords_3d.nrows() != vectors.nrows() {
            return Some(coords_3d);
        }
        let generation = self.generation;
        let shown = self.frames.len();
        let replaced = match self.frames.get_mut(position) {
            Some(frame) if frame.complete && frame.generation == generation => {
                return Some(coords_3d);
            }
            Some(frame) if frame.coords_3d.dim() == coords_3d.dim() => {
                let old = std::mem::replace(&mut frame.coords_3d, coords_3d);
                frame.bounds = bounds;
                frame.projection = space::FrameProjection::Umap;
                frame.explained_variance = None;
                frame.quality = None;
                frame
                    .relation_parallelism
                    .iter_mut()
                    .for_each(|p| *p = None);
                frame.cluster_centres_3d = cluster_means(
                    &frame.coords_3d,
                    &frame.clusters,
                    frame.cluster_centres_3d.len(),
                );
                Some(old)
            }
            Some(_) => return Some(coords_3d),
            None if position == shown => {
                let preview = space::FramePreview {
                    coords_3d,
                    bounds,
                    projection: space::FrameProjection::Umap,
                    explained_variance: None,
                };
                let mut frame = Frame::preview(meta, vectors.clone(), preview);
                frame.generation = generation;
                self.frames.push(frame);
                None
            }
            None => return Some(coords_3d),
        };
        self.frames_version = next_frames_version();
        replaced
    }

    /// Places an analysed frame (called by the analysis plugin only).
    pub fn place_frame(&mut self, position: usize, frame: Frame) {
        if position < self.frames.len() {
            self.frames[position] = frame;
        } else if position == self.frames.len() {
            self.frames.push(frame);
        } else {
            return;
        }
        self.frames_version = next_frames_version();
        self.bound_index_memory();
    }

    /// Drops the cached indexes of older frames while all of them exceed the budget.
    fn bound_index_memory(&mut self) {
        let mut total: usize = self.frames.iter().map(Frame::index_bytes).sum();
        let keep_from = self.frames.len().saturating_sub(INDEXED_NEWEST_FRAMES);
        for frame in &mut self.frames[..keep_from] {
            if total <= INDEX_BUDGET_BYTES {
                break;
            }
            total -= frame.index_bytes();
            frame.neighbor_index = None;
        }
    }

    /// Sets the (word, category) pairs; words not on screen are ignored.
    pub fn set_categories(&mut self, pairs: Vec<(String, String)>) {
        self.category_pairs = pairs;
        self.apply_categories();
    }

    fn apply_categories(&mut self) {
        self.category_names.clear();
        self.categories = vec![None; self.words.len()];
        let mut ids: HashMap<String, usize> = HashMap::new();
        for (word, category) in &self.category_pairs {
            let Some(row) = self.row_of(word) else {
                continue;
            };
            let next = ids.len();
            let id = *ids.entry(category.clone()).or_insert(next);
            if id == self.category_names.len() {
                self.category_names.push(category.clone());
            }
            self.categories[row] = Some(id);
        }
    }
}

/// A small model for tests: four words (法国 巴黎 日本 东京) in `frames` analysed frames, frame i
/// the same vectors scaled by i + 1.
#[cfg(test)]
pub fn four_word_model(frames: usize) -> SpaceModel {
    let mut model = SpaceModel::default();
    model.settings.cluster_count = 2;
    model.reset(vec![
        "法国".into(),
        "巴黎".into(),
        "日本".into(),
        "东京".into(),
    ]);
    let v = ndarray::array![
        [1.0f32, 0.0, 0.1],
        [0.9, 0.1, 0.0],
        [0.0, 1.0, 0.2],
        [0.1, 0.9, 0.3]
    ];
    for index in 0..frames {
        let meta = FrameMeta {
            index,
            words_processed: index as u64 * 10,
            ..FrameMeta::default()
        };
        model.submit(meta, Arc::new(v.mapv(|x| x * (index + 1) as f32)));
    }
    model.analyse_pending_now();
    model
}

#[cfg(test)]
impl SpaceModel {
    /// Analyses every waiting snapshot in the caller's thread (tests without a worker).
    pub fn analyse_pending_now(&mut self) {
        let mut analyzer = space::FrameAnalyzer::new(
            self.settings.clone(),
            self.word_rows.clone(),
            self.relations.clone(),
        )
        .with_given_coords(self.given_coords_3d());
        let snapshots = self.snapshots.clone();
        for (position, (meta, vectors)) in snapshots.into_iter().enumerate() {
            let analysis = analyzer
                .analyze(vectors.view())
                .expect("analysable test data");
            let mut frame = Frame::new(meta, vectors, analysis);
            frame.generation = self.generation;
            self.place_frame(position, frame);
        }
    }
}

/// Registers the model resources, its requests and the error log.
pub struct ModelPlugin;

impl Plugin for ModelPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<SpaceModel>()
            .init_resource::<ErrorLog>()
            .add_message::<UserError>()
            .add_message::<ModelRequest>()
            .add_systems(
                Update,
                (
                    apply_model_requests.in_set(crate::viewer::sets::IngestSet::Model),
                    collect_errors.in_set(crate::viewer::sets::ViewerSet::Derive),
                ),
            );
    }
}

/// Why the method "as given" was refused.
pub const NO_GIVEN_LAYOUT: &str = "no layout as given here: only a table of vectors with numeric \
                                   x and y columns (or --coords-columns) brings its own";

/// The one place panels' requests change the model.
pub fn apply_model_requests(
    mut requests: MessageReader<ModelRequest>,
    mut model: ResMut<SpaceModel>,
    mut errors: MessageWriter<UserError>,
) {
    for request in requests.read() {
        match request {
            ModelRequest::SetSettings(settings) => {
                if settings.method == space::ProjectionMethod::Given && model.given.is_none() {
                    errors.write(UserError(NO_GIVEN_LAYOUT.into()));
                    continue;
                }
                if model.settings != *settings {
                    model.settings = settings.clone();
                    model.request_reanalysis();
                }
            }
            ModelRequest::AddRelationFile(path) => {
                if !model.relation_files.contains(path) {
                    model.relation_files.push(path.clone());
                }
                if !model.words.is_empty()
                    && let Err(e) = model.rematch_relations()
                {
                    errors.write(UserError(e.to_string()));
                }
            }
            ModelRequest::SetCategories(pairs) => model.set_categories(pairs.clone()),
            ModelRequest::SetMetadataTable(table) => {
                model.metadata_table = table.clone();
                model.apply_metadata_table();
            }
        }
    }
}

fn collect_errors(mut errors: MessageReader<UserError>, mut log: ResMut<ErrorLog>) {
    for UserError(message) in errors.read() {
        warn!("{message}");
        log.messages.push(message.clone());
        log.total += 1;
    }
    let excess = log.messages.len().saturating_sub(5);
    if excess > 0 {
        log.messages.drain(..excess);
    }
}
