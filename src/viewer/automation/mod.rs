//! What runs the window without a hand on the mouse: scripted sessions (`script`), animations
//! of the drift (`recording`), PNG screenshots (`screenshots`), saved views (`saved_view`) and
//! the frame-time and memory figures the scripts and benchmarks read (`perf`).
//!
//! It sits on top: it may read every other layer; nothing else imports it, except that the
//! ui's buttons start a screenshot, a recording or a saved view by message.

pub mod perf;
pub mod recording;
pub mod saved_view;
pub mod screenshots;
pub mod script;
