//! The egui side of the window: the panels (`panels`), every text in English and 中文 (`i18n`),
//! the bundled CJK font (`fonts`), the essay's tour as data (`tour`) and a script's request to
//! scroll a widget into view (`scroll_request`).
//!
//! Panels read the core and the render layer's answers (what is on screen) and change things
//! only by sending messages or editing core resources; nothing below imports this layer.

pub mod fonts;
pub mod i18n;
pub mod panels;
pub mod scroll_request;
pub mod tour;
