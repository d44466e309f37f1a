//! What is drawn in the 3D view and how the mouse finds it: the GPU point cloud (`points`), the
//! relation and analogy arrows (`scene`), the orbit camera and what it frames (`camera`,
//! `framing`), the world-to-window projection and picking grid (`screen`, `picking`) and the 3D
//! word labels (`labels`).
//!
//! This layer reads the core (frames, playhead, selection, display settings) and never the
//! panels' state; the ui layer draws on top of it.

pub mod box_select;
pub mod camera;
pub mod framing;
pub mod labels;
pub mod picking;
pub mod points;
pub mod scene;
pub mod screen;
