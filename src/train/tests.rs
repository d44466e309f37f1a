//! End-to-end trainer tests (small corpora, a few seconds in the debug build).
