//! The viewer's core: the space as seen so far and what the user is looking at in it, with no
//! drawing and no egui. Snapshots come in (`bridge`), are analysed off the frame loop
//! (`analysis`) into the `model`'s frames; the `playback` playhead picks the frame pair on
//! screen; `selection` and `analogy` are what the user asked about; `compare` swaps between two
//! runs; `display_settings` are the user's choices every layer reads; `columns` (with `filter`
//! and `columns_export`) colours, filters, selects and exports rows by their metadata.
//!
//! Render, ui and automation read this layer and send it messages; nothing here imports them.

pub mod analogy;
pub mod analysis;
pub mod bridge;
pub mod columns;
pub mod columns_export;
pub mod compare;
pub mod display_settings;
pub mod export_request;
pub mod filter;
pub mod model;
pub mod playback;
pub mod selection;
