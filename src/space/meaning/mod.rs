//! What the words mean together: clusters matched across frames and their colours
//! (`clusters`, `palette`), relation pairs and their consistency (`relations`, the built-in
//! bilingual sets in `relation_sets`), word categories (`categories`), gensim-compatible
//! evaluations (`evaluate`), two spaces compared by Procrustes (`compare`) and which tokens read
//! as words (`word_like`). Uses `search` and `projection`.

pub mod categories;
pub mod clusters;
pub mod compare;
pub mod evaluate;
pub mod palette;
pub mod relation_sets;
pub mod relations;
pub(crate) mod word_like;
