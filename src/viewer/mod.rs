//! The bevy desktop app (being built).
