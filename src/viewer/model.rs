//! The space as the viewer has seen it so far: the words on screen and one [`Frame`] per
//! snapshot, each with its vectors, its aligned 3D coordinates, its clusters and its relation
//! scores. Frames are computed once, when a snapshot arrives, so scrubbing is free.

use std::collections::HashMap;
use std::sync::Arc;

use bevy::prelude::*;
use ndarray::Array2;

use crate::space;

/// What one snapshot was: where training stood when it was taken.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct FrameMeta {
    pub index: usize,
    pub epoch: usize,
    pub words_processed: u64,
    pub learning_rate: f32,
    pub loss: Option<f32>,
}

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
    /// Consistency of each relation at this frame.
    pub relation_scores: Vec<space::RelationScore>,
}

/// A problem shown in the window (the app keeps running).
#[derive(Message, Debug, Clone)]
pub struct UserError(pub String);

/// The latest errors, newest last, for the status bar.
#[derive(Resource, Default, Debug)]
pub struct ErrorLog {
    pub messages: Vec<String>,
}

/// The words on screen and every frame seen so far.
#[derive(Resource, Default)]
pub struct SpaceModel {
    pub words: Vec<String>,
    pub word_rows: HashMap<String, usize>,
    pub frames: Vec<Frame>,
    /// Category per word row, from a metadata file (colour by category).
    pub categories: Vec<Option<usize>>,
    pub category_names: Vec<String>,
    /// The (word, category) pairs last loaded; re-applied when the words change.
    pub category_pairs: Vec<(String, String)>,
    pub relations: Vec<space::RelationPair>,
    projector: Option<space::FrameProjector>,
    pub settings: ModelSettings,
}

/// How frames are analysed; changing these recomputes every frame.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelSettings {
    pub mode: space::ProjectionMode,
    pub cluster_count: usize,
    pub seed: u64,
}

impl Default for ModelSettings {
    fn default() -> Self {
        Self {
            mode: space::ProjectionMode::Aligned,
            cluster_count: 8,
            seed: 7,
        }
    }
}

impl SpaceModel {
    /// Starts a new space with these words; drops all frames.
    pub fn reset(&mut self, words: Vec<String>) {
        self.word_rows = words
            .iter()
            .enumerate()
            .map(|(row, w)| (w.clone(), row))
            .collect();
        self.words = words;
        self.frames.clear();
        self.projector = None;
        self.apply_categories();
    }

    pub fn row_of(&self, word: &str) -> Option<usize> {
        self.word_rows.get(word).copied()
    }

    /// Projects, clusters and scores a new snapshot and appends it.
    pub fn push_frame(
        &mut self,
        meta: FrameMeta,
        vectors: Arc<Array2<f32>>,
    ) -> Result<(), space::SpaceError> {
        let projector = self.projector.get_or_insert_with(|| {
            space::FrameProjector::new(self.settings.mode, space::PcaOptions::default())
        });
        let coords_3d = projector.push(vectors.view())?;
        let clusters = self.cluster(&vectors)?;
        let relation_scores = self.score_relations(&vectors)?;
        self.frames.push(Frame {
            meta,
            vectors,
            coords_3d,
            clusters,
            relation_scores,
        });
        Ok(())
    }

    /// Recomputes projections and clusters of every frame (after a settings change).
    pub fn recompute(&mut self) -> Result<(), space::SpaceError> {
        let frames = std::mem::take(&mut self.frames);
        self.projector = None;
        if self.settings.mode == space::ProjectionMode::Fixed {
            // One basis for all frames, fitted on the latest.
            let views: Vec<_> = frames.iter().map(|f| f.vectors.view()).collect();
            let mut projector =
                space::FrameProjector::new(self.settings.mode, space::PcaOptions::default());
            projector.reproject_all(&views)?;
            let coords = projector.frames().to_vec();
            self.projector = Some(projector);
            for (mut frame, coords_3d) in frames.into_iter().zip(coords) {
                frame.coords_3d = coords_3d;
                frame.clusters = self.cluster(&frame.vectors)?;
                self.frames.push(frame);
            }
            return Ok(());
        }
        for frame in frames {
            self.push_frame(frame.meta, frame.vectors)?;
        }
        Ok(())
    }

    fn cluster(&self, vectors: &Array2<f32>) -> Result<Vec<usize>, space::SpaceError> {
        let k = self.settings.cluster_count.min(vectors.nrows()).max(1);
        let options = space::KMeansOptions {
            k: Some(k),
            seed: self.settings.seed,
            ..space::KMeansOptions::default()
        };
        let labels = space::kmeans_clusters(vectors.view(), &options)?.labels;
        Ok(match self.frames.last() {
            Some(prev) if prev.clusters.len() == labels.len() => {
                space::match_clusters(&prev.clusters, &labels, k)
            }
            _ => labels,
        })
    }

    fn score_relations(
        &self,
        vectors: &Array2<f32>,
    ) -> Result<Vec<space::RelationScore>, space::SpaceError> {
        if self.relations.is_empty() {
            return Ok(Vec::new());
        }
        let rows = &self.word_rows;
        space::score_relations(
            vectors.view(),
            &|w: &str| rows.get(w).copied(),
            &self.relations,
        )
    }

    /// Re-scores relations on every frame (after a relations file is loaded).
    pub fn rescore_relations(&mut self) -> Result<(), space::SpaceError> {
        let scores = self
            .frames
            .iter()
            .map(|f| self.score_relations(&f.vectors))
            .collect::<Result<Vec<_>, _>>()?;
        for (frame, s) in self.frames.iter_mut().zip(scores) {
            frame.relation_scores = s;
        }
        Ok(())
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

/// Registers the model resources and the error log.
pub struct ModelPlugin;

impl Plugin for ModelPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<SpaceModel>()
            .init_resource::<ErrorLog>()
            .add_message::<UserError>()
            .add_systems(Update, collect_errors.in_set(super::ViewerSet::Derive));
    }
}

fn collect_errors(mut errors: MessageReader<UserError>, mut log: ResMut<ErrorLog>) {
    for UserError(message) in errors.read() {
        warn!("{message}");
        log.messages.push(message.clone());
    }
    let excess = log.messages.len().saturating_sub(5);
    log.messages.drain(..excess);
}
