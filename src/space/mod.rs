//! Everything computed on an embedding space, without bevy: projection to 3D with stable frames
//! across snapshots, exact nearest neighbours, analogies, clusters with stable colours,
//! relation scores and standard evaluations. The viewer and the CLI are thin layers over this.
//!
//! Three rooms: [`search`] (neighbours, analogies), [`projection`] (PCA, UMAP, aligned frames,
//! lens, quality) and [`meaning`] (clusters, relations, categories, evaluations, comparisons);
//! [`frame_analysis`] on top does all of it for one snapshot. Callers use the re-exports below.

mod error;
pub mod export;
pub mod frame_analysis;
pub mod meaning;
pub mod projection;
pub mod search;

pub use error::SpaceError;
pub use export::write_coords_tsv;
pub use frame_analysis::{
    AnalysisSettings, AnalyzedFrame, FrameAnalyzer, FramePreview, FrameProjection,
    ProjectionMethod, QUALITY_K, UMAP_MAX_ROWS, robust_bounds, settle_umap_layout,
};
pub use meaning::categories::{parse_categories, read_categories_tsv};
pub use meaning::clusters::{
    Clustering, KMeansOptions, default_k, kmeans_clusters, kmeans_clusters_matched,
    kmeans_clusters_of_unit_rows, match_clusters,
};
pub use meaning::compare::{
    AnchorPair, Anchors, CompareOptions, Comparison, Excluded, compare_spaces, read_anchor_pairs,
    write_comparison_tsv,
};
pub use meaning::palette::{palette_color, palette_color_linear};
pub use meaning::relation_sets::{
    FoundPair, MIN_FOUND_PAIRS, MatchedRelationSet, SetOrigin, SourcedPairs, VocabMatcher,
    builtin_relation_pairs, match_relation_sets, read_relation_dir, read_user_relations,
    relation_sets_for_vocab, resolve_axes, resolve_axis,
};
pub use meaning::relations::{
    RelationPair, RelationScore, parse_relations, read_relations_tsv, score_relations,
    score_relations_with_index,
};
pub use projection::align::{FrameProjector, ProjectionMode, procrustes_rotation};
pub use projection::given::{
    DEFAULT_COORDS_COLUMNS, GivenCoords, GivenCoordsError, default_given_coords, given_coords,
};
pub use projection::lens::{
    AXIS_WORD_SEPARATORS, AxisDirection, LensBasis, LensKind, LensProjector,
    full_space_consistency, on_screen_parallelism, relation_lens, semantic_axes, split_axis_words,
};
pub use projection::one_hot::{OneHotNumbers, one_hot_numbers, one_hot_sphere};
pub use projection::project::{
    LOBPCG_MIN_DIMS, Pca3, PcaOptions, PcaSolver, PcaSolverChoice, fit_pca3, fit_pca3_with,
};
pub use projection::quality::{ProjectionQuality, QualityOptions, projection_quality};
pub use projection::umap::{
    APPROXIMATE_KNN_MIN_ROWS, COARSE_START_MIN_ROWS, FEWER_EPOCHS_ROWS, NeighborSearch,
    UmapIntermediate, UmapLayout, UmapOptions, UmapProgress, UmapStage, cosine_knn_graph, umap_3d,
    umap_3d_on_graph, umap_3d_with_layouts, umap_pca_start,
};
pub use search::analogy::{AnalogyMethod, analogy};
pub use search::neighbors::{Neighbor, Neighbor3d, NeighborIndex, top_k_3d};

pub use meaning::word_like::is_word_like;
pub use search::spelling::close_spellings;
