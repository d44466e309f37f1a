//! How the cloud is drawn, as the user chose it: colour source, point size, label density,
//! hidden relations. The display panel edits it; the renderer, labels and arrows read it.

use bevy::prelude::*;

/// What colours the points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorBy {
    /// Each snapshot's own clusters (matched frame to frame so colours stay put).
    #[default]
    Cluster,
    /// The latest snapshot's clusters on every frame: watch where the final groups came from.
    LatestCluster,
    Category,
}

/// What the points stand for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub enum CloudView {
    /// The learned (dense) vectors of each snapshot.
    #[default]
    Frames,
    /// The vocabulary as one-hot vectors: every word equally far from every other.
    OneHot,
}

/// User-facing display options (the display panel edits these).
#[derive(Resource, Debug, Clone, PartialEq)]
pub struct DisplaySettings {
    pub color_by: ColorBy,
    /// Point size relative to the automatic, density-dependent size.
    pub point_size: f32,
    /// Far points are drawn darker, so depth reads in a dense cloud.
    pub depth_fade: bool,
    pub view: CloudView,
    /// Share of words that get a label when space permits (0 = only highlighted words).
    pub label_density: f32,
    /// Relation names whose arrows are hidden.
    pub hidden_relations: Vec<String>,
}

impl Default for DisplaySettings {
    fn default() -> Self {
        Self {
            color_by: ColorBy::Cluster,
            point_size: 1.0,
            depth_fade: true,
            view: CloudView::Frames,
            label_density: 0.3,
            hidden_relations: Vec::new(),
        }
    }
}

impl DisplaySettings {
    pub fn shows_relation(&self, relation: &str) -> bool {
        !self.hidden_relations.iter().any(|r| r == relation)
    }
}
