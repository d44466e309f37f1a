//! Search in the full space: the bounded top-k list and parallel row scan (`top_k`), exact
//! cosine neighbours and the neighbour index (`neighbors`, with an optional f16 prefilter in
//! `neighbors_f16`), neighbours of a group's centroid (`centroid`), analogies by 3CosAdd and 3CosMul (`analogy`) and close spellings for "did
//! you mean" (`spelling`). Every answer here is exact and computed in the full dimension.

pub mod analogy;
pub mod centroid;
pub mod neighbors;
pub(crate) mod neighbors_f16;
pub(crate) mod spelling;
pub(crate) mod top_k;
