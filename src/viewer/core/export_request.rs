//! `ExportRequest`: "write this to disk", the one message for every file the session can
//! write (screenshot, vectors, neighbours, timeline, animation, view). It lives in the core so
//! that the panels that send it, the files plugin that writes most of them and the saved-view
//! plugin that writes views all import it downwards.

use std::path::PathBuf;

use bevy::prelude::*;

/// Something to write to disk.
#[derive(Message, Debug, Clone, PartialEq)]
pub enum ExportRequest {
    Screenshot(PathBuf),
    /// The vectors of the frame under the playhead, word2vec text.
    Vectors(PathBuf),
    Neighbors(PathBuf),
    Timeline(PathBuf),
    /// The whole timeline as an animated GIF (or PNG sequence), default settings.
    Animation(PathBuf),
    /// The same with a caption in every frame: the snapshot and epoch it shows.
    CaptionedAnimation(PathBuf),
    /// What is on screen as a view file (written by the saved-view plugin).
    View(PathBuf),
}
