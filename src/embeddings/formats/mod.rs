//! Embedding file formats (to be filled in by the formats work).
