//! Everything computed on an embedding space, without bevy: projection to 3D with stable frames
//! across snapshots, exact nearest neighbours, analogies, clusters with stable colours,
//! relation scores and standard evaluations. The viewer and the CLI are thin layers over this.

pub mod align;
pub mod analogy;
pub mod clusters;
pub mod compare;
mod error;
pub mod evaluate;
pub mod export;
pub mod interpolate;
pub mod neighbors;
mod neighbors_f16;
pub mod palette;
pub mod project;
pub mod quality;
pub mod relations;
mod top_k;
pub mod umap;

pub use align::{FrameProjector, ProjectionMode, procrustes_rotation};
pub use analogy::{AnalogyMethod, analogy};
pub use clusters::{
    Clustering, KMeansOptions, default_k, kmeans_clusters, kmeans_clusters_matched, match_clusters,
};
pub use compare::{
    AnchorPair, Anchors, CompareOptions, Comparison, compare_spaces, read_anchor_pairs,
    write_comparison_tsv,
};
pub use error::SpaceError;
pub use export::write_coords_tsv;
pub use interpolate::{interpolate, interpolate_into};
pub use neighbors::{Neighbor, Neighbor3d, NeighborIndex, top_k_3d};
pub use palette::{palette_color, palette_color_linear};
pub use project::{
    LOBPCG_MIN_DIMS, Pca3, PcaOptions, PcaSolver, PcaSolverChoice, fit_pca3, fit_pca3_with,
};
pub use quality::{ProjectionQuality, QualityOptions, projection_quality};
pub use relations::{
    RelationPair, RelationScore, parse_relations, read_relations_tsv, score_relations,
    score_relations_with_index,
};
pub use umap::{UmapLayout, UmapOptions, UmapProgress, UmapStage, umap_3d};
