//! The bundled demo in one place: its corpus, its training parameters, and the relation and
//! category files that come with it.

use std::path::PathBuf;

use crate::train::{CorpusSource, TrainConfig};
use crate::viewer::options::assets_dir;

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

/// The demo corpus compiled into the binary, for when no assets folder is at hand.
const BUNDLED_CORPUS: &str = include_str!("../../assets/corpus/demo.txt");
/// The demo's word categories, likewise.
pub const BUNDLED_CATEGORIES: &str = include_str!("../../assets/categories.tsv");

/// The demo corpus: the assets folder's file, else the copy in the binary.
pub fn demo_corpus() -> CorpusSource {
    let path = assets_dir().join("corpus").join("demo.txt");
    if path.is_file() {
        CorpusSource::File(path)
    } else {
        CorpusSource::Text(BUNDLED_CORPUS.to_owned())
    }
}

/// Relation pairs of the demo's own file, when there is one (the built-in relation sets, in
/// the binary, hold the same country → capital pairs).
pub fn demo_relations() -> Option<PathBuf> {
    Some(assets_dir().join("relations.tsv")).filter(|p| p.is_file())
}

/// Word categories of the demo, for colouring by category: the assets folder's file, else
/// `None` ([`BUNDLED_CATEGORIES`] is used then).
pub fn demo_categories() -> Option<PathBuf> {
    Some(assets_dir().join("categories.tsv")).filter(|p| p.is_file())
}
