//! Reading the first bytes of a file, for format sniffing.
//!
//! The readers themselves stream (text in blocks, binary through a buffer); only detection
//! needs a look at the start of a file before deciding how to read it.

use super::FormatError;
use std::fs::File;
use std::io::Read;
use std::path::Path;

/// Reads at most `limit_bytes` from the start of `path`.
pub(crate) fn read_head(path: &Path, limit_bytes: u64) -> Result<Vec<u8>, FormatError> {
    let read_error = |source| FormatError::Read {
        path: path.to_path_buf(),
        source,
    };
    let file = File::open(path).map_err(read_error)?;
    let mut head = Vec::new();
    file.take(limit_bytes)
        .read_to_end(&mut head)
        .map_err(read_error)?;
    Ok(head)
}
