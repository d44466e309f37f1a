//! Everything computed on an embedding space, without bevy: projection to 3D with stable frames
//! across snapshots, exact nearest neighbours, analogies, clusters with stable colours,
//! relation scores and standard evaluations. The viewer and the CLI are thin layers over this.

pub mod align;
pub mod analogy;
pub mod categories;
pub mod clusters;
pub mod compare;
mod error;
pub mod evaluate;
pub mod export;
pub mod frame_analysis;
pub mod lens;
pub mod neighbors;
mod neighbors_f16;
pub mod one_hot;
pub mod palette;
pub mod project;
pub mod quality;
pub mod relation_sets;
pub mod relations;
mod spelling;
mod top_k;
pub mod umap;
mod word_like;

pub use align::{FrameProjector, ProjectionMode, procrustes_rotation};
pub use analogy::{AnalogyMethod, analogy};
pub use categories::{parse_categories, read_categories_tsv};
pub use clusters::{
    Clustering, KMeansOptions, default_k, kmeans_clusters, kmeans_clusters_matched,
    kmeans_clusters_of_unit_rows, match_clusters,
};
pub use compare::{
    AnchorPair, Anchors, CompareOptions, Comparison, Excluded, compare_spaces, read_anchor_pairs,
    write_comparison_tsv,
};
pub use error::SpaceError;
pub use export::write_coords_tsv;
pub use frame_analysis::{
    AnalysisSettings, AnalyzedFrame, FrameAnalyzer, FramePreview, FrameProjection,
    ProjectionMethod, QUALITY_K, UMAP_MAX_ROWS,
};
pub use lens::{
    AXIS_WORD_SEPARATORS, AxisDirection, LensBasis, LensKind, LensProjector,
    full_space_consistency, on_screen_parallelism, relation_lens, semantic_axes, split_axis_words,
};
pub use neighbors::{Neighbor, Neighbor3d, NeighborIndex, top_k_3d};
pub use one_hot::{OneHotNumbers, one_hot_numbers, one_hot_sphere};
pub use palette::{palette_color, palette_color_linear};
pub use project::{
    LOBPCG_MIN_DIMS, Pca3, PcaOptions, PcaSolver, PcaSolverChoice, fit_pca3, fit_pca3_with,
};
pub use quality::{ProjectionQuality, QualityOptions, projection_quality};
pub use relation_sets::{
    FoundPair, MIN_FOUND_PAIRS, MatchedRelationSet, SetOrigin, SourcedPairs, VocabMatcher,
    builtin_relation_pairs, match_relation_sets, read_relation_dir, read_user_relations,
    relation_sets_for_vocab, resolve_axes, resolve_axis,
};
pub use relations::{
    RelationPair, RelationScore, parse_relations, read_relations_tsv, score_relations,
    score_relations_with_index,
};
pub use umap::{
    APPROXIMATE_KNN_MIN_ROWS, FEWER_EPOCHS_ROWS, NeighborSearch, UmapLayout, UmapOptions,
    UmapProgress, UmapStage, cosine_knn_graph, umap_3d,
};

pub use spelling::close_spellings;
pub use word_like::is_word_like;
