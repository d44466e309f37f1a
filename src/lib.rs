//! embedscape: watch a word-embedding space form.
//!
//! Data flows one way: [`corpus`] → [`train`] → snapshots → [`space`] (project, cluster, align)
//! → `viewer`. Only `viewer` touches bevy or egui; nothing else imports it.

pub mod atomic_file;
pub mod corpus;
pub mod embeddings;
pub mod space;
pub mod train;
#[cfg(feature = "viewer")]
pub mod viewer;
