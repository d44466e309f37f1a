//! Test helpers shared by the format tests: writing fixture files and checking error text.

use super::{FormatError, LoadOptions, Loaded, load};
use std::path::{Path, PathBuf};

/// Writes `bytes` to `dir/name` and returns the path.
pub fn fixture(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Loads with default options.
pub fn load_default(path: &Path) -> Result<Loaded, FormatError> {
    load(path, &LoadOptions::default())
}

/// Loads, expecting an error whose message contains every one of `needles` (plus the file
/// name); returns the message.
pub fn expect_error(path: &Path, opts: &LoadOptions, needles: &[&str]) -> String {
    let err = match load(path, opts) {
        Ok(loaded) => panic!("expected an error, loaded {} rows", loaded.embeddings.len()),
        Err(err) => err.to_string(),
    };
    let file_name = path.file_name().unwrap().to_string_lossy();
    assert!(err.contains(file_name.as_ref()), "no file name in: {err}");
    for needle in needles {
        assert!(err.contains(needle), "{needle:?} not in: {err}");
    }
    err
}
