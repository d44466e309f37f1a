//! embedscape: watch a word-embedding space form.
//!
//! Data flows one way: [`corpus`] → [`train`] → snapshots → [`space`] (project, cluster, align)
//! → `viewer`. Only `viewer` touches bevy or egui; nothing else imports it. [`vector_math`] is
//! the low-level arithmetic (dot product, unit rows) that `train` and `space` share.

pub mod atomic_file;
pub mod corpus;
pub mod embeddings;
pub mod numbers;
pub mod space;
pub mod train;
pub mod vector_math;
#[cfg(feature = "viewer")]
pub mod viewer;
