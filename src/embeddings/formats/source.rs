//! Reading a whole file into memory, with progress.
//!
//! Parsing in parallel needs random access to the bytes; reading the file once in large
//! chunks is as fast as the disk allows and lets us report progress while it happens. The
//! [`Progress`] helper reports bytes read. (Text formats stream instead, see `text`.)

use super::{FormatError, ProgressFn};
use std::fs::File;
use std::io::Read;
use std::path::Path;

/// Read granularity: large enough to be fast, small enough for a smooth progress bar.
const READ_CHUNK_BYTES: usize = 16 << 20;

/// Reports the progress of one whole-file read.
pub(crate) struct Progress<'a> {
    callback: Option<&'a ProgressFn>,
    total_bytes: u64,
}

impl<'a> Progress<'a> {
    pub(crate) fn new(callback: Option<&'a ProgressFn>, total_bytes: u64) -> Self {
        Self {
            callback,
            total_bytes,
        }
    }

    fn report_read(&self, bytes_read: u64) {
        if let Some(callback) = self.callback {
            callback(bytes_read.min(self.total_bytes), self.total_bytes);
        }
    }

    pub(crate) fn finish(&self) {
        if let Some(callback) = self.callback {
            callback(self.total_bytes, self.total_bytes);
        }
    }
}

/// Reads all of `path`, reporting progress. Returns the bytes and the progress helper to use
/// for the parsing half.
pub(crate) fn read_all<'a>(
    path: &Path,
    progress: Option<&'a ProgressFn>,
) -> Result<(Vec<u8>, Progress<'a>), FormatError> {
    let read_error = |source| FormatError::Read {
        path: path.to_path_buf(),
        source,
    };
    let mut file = File::open(path).map_err(read_error)?;
    let expected_bytes = file.metadata().map_err(read_error)?.len();
    let progress = Progress::new(progress, expected_bytes);
    let mut data = Vec::with_capacity(usize::try_from(expected_bytes).unwrap_or(0));
    loop {
        let before = data.len();
        let n = (&mut file)
            .take(READ_CHUNK_BYTES as u64)
            .read_to_end(&mut data)
            .map_err(read_error)?;
        if n == 0 {
            break;
        }
        debug_assert_eq!(data.len(), before + n);
        progress.report_read(data.len() as u64);
    }
    Ok((data, progress))
}

/// Reads at most `limit_bytes` from the start of `path` (for format sniffing).
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
