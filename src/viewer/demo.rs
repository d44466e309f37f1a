//! The bundled demo in one place: its corpus, its training parameters, and the relation and
//! category files that come with it.

use std::path::PathBuf;

use super::options::assets_dir;
use crate::train::TrainConfig;

/// The demo's training parameters: small vectors and several epochs, so the map forms in
/// about a minute on two cores. The demo corpus is pre-tokenised (Chinese already segmented).
pub fn demo_config() -> TrainConfig {
    TrainConfig {
        dim: 50,
        epochs: 8,
        min_count: 5,
        pre_tokenized: true,
        seed: 1,
        ..TrainConfig::default()
    }
}

/// The demo keeps its tuned corpus settings whatever the panel's defaults say.
pub fn demo_config_with(current: &TrainConfig) -> TrainConfig {
    if *current == TrainConfig::default() {
        demo_config()
    } else {
        TrainConfig {
            pre_tokenized: true,
            ..current.clone()
        }
    }
}

pub fn demo_corpus() -> PathBuf {
    assets_dir().join("corpus").join("demo.txt")
}

/// Relation pairs of the demo (country → capital and others).
pub fn demo_relations() -> PathBuf {
    assets_dir().join("relations.tsv")
}

/// Word categories of the demo, for colouring by category.
pub fn demo_categories() -> PathBuf {
    assets_dir().join("categories.tsv")
}
