//! From the full space to the three dimensions on screen: PCA through linfa-reduction
//! (`project`), UMAP with exact or approximate neighbour graphs (`umap`), frames kept stable
//! across snapshots (`align`), a table's own coordinates (`given`), the relation lens and
//! semantic axes (`lens`), how much of each
//! word's neighbourhood a projection keeps (`quality`) and the one-hot comparison (`one_hot`).
//! Uses `search` for neighbour graphs; knows nothing of clusters or relations' meaning.

pub mod align;
pub mod given;
pub mod lens;
pub mod one_hot;
pub mod project;
pub mod quality;
pub mod umap;
