//! Opening a vectors file once and reading it as one stream: a regular file, a pipe
//! (`/dev/stdin`), process substitution (`<(zcat v.gz)`) or a gzip file (recognised by its magic
//! bytes, whatever its name, and decompressed on the fly as gensim does).
//!
//! Format detection needs to look at the first lines before the reader starts, and a pipe can
//! be read only once, so [`Input`] keeps what detection read in `head` and hands the readers
//! `head` followed by the rest of the stream. Nothing is opened twice.

use super::FormatError;
use super::ProgressFn;
use flate2::read::MultiGzDecoder;
use std::fs::File;
use std::io::{self, Cursor, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// The two bytes every gzip member starts with.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
/// Bytes read at a time while detection looks for the end of a line.
const HEAD_STEP_BYTES: usize = 64 << 10;

/// An opened input: the bytes read so far (`head`) and the rest of the stream.
pub(crate) struct Input {
    path: PathBuf,
    head: Vec<u8>,
    rest: Box<dyn Read + Send>,
    eof: bool,
    /// Exact content size when known in advance (an uncompressed regular file); bounds
    /// preallocation so an absurd header cannot reserve memory the content could not fill.
    pub content_bytes: Option<u64>,
    /// Bytes of the file on disk, for progress (0 when unknown: a pipe).
    disk_bytes: u64,
    /// Bytes read from disk so far (compressed bytes for gzip), for progress.
    disk_read: Arc<AtomicU64>,
}

impl Input {
    /// Opens `path` (any readable file, pipe or device), recognising gzip by its magic bytes.
    pub fn open(path: &Path) -> Result<Input, FormatError> {
        let read_error = |source| FormatError::Read {
            path: path.to_path_buf(),
            error: source,
        };
        let file = File::open(path).map_err(read_error)?;
        let meta = file.metadata().map_err(read_error)?;
        if meta.is_dir() {
            return Err(read_error(io::Error::other("it is a directory")));
        }
        let disk_bytes = if meta.is_file() { meta.len() } else { 0 };
        let disk_read = Arc::new(AtomicU64::new(0));
        let mut counted = Counting {
            inner: file,
            count: Arc::clone(&disk_read),
        };
        let mut magic = Vec::with_capacity(2);
        (&mut counted)
            .take(2)
            .read_to_end(&mut magic)
            .map_err(read_error)?;
        let compressed = magic == GZIP_MAGIC;
        let stream = Cursor::new(magic).chain(counted);
        let rest: Box<dyn Read + Send> = if compressed {
            Box::new(MultiGzDecoder::new(io::BufReader::with_capacity(
                1 << 20,
                stream,
            )))
        } else {
            Box::new(stream)
        };
        Ok(Input {
            path: path.to_path_buf(),
            head: Vec::new(),
            rest,
            eof: false,
            content_bytes: (meta.is_file() && !compressed).then_some(meta.len()),
            disk_bytes,
            disk_read,
        })
    }

    /// The bytes read so far.
    pub fn head(&self) -> &[u8] {
        &self.head
    }

    /// Whether the whole stream is in `head`.
    pub fn at_eof(&self) -> bool {
        self.eof
    }

    /// Reads until `head` holds at least `len` bytes or the stream ends.
    pub fn fill_to(&mut self, len: usize) -> Result<(), FormatError> {
        while !self.eof && self.head.len() < len {
            let wanted = (len - self.head.len()).max(HEAD_STEP_BYTES) as u64;
            let got = (&mut self.rest)
                .take(wanted)
                .read_to_end(&mut self.head)
                .map_err(|source| FormatError::Read {
                    path: self.path.clone(),
                    error: source,
                })?;
            if (got as u64) < wanted {
                self.eof = true;
            }
        }
        Ok(())
    }

    /// Reads one more step of bytes (for callers looking for a line end).
    pub fn read_more(&mut self) -> Result<(), FormatError> {
        self.fill_to(self.head.len() + HEAD_STEP_BYTES)
    }

    /// The whole stream from its start (`head`, then the rest), and its progress reporter.
    pub fn into_stream(self, callback: Option<ProgressFn>) -> (Box<dyn Read + Send>, Progress) {
        let progress = Progress {
            callback,
            disk_bytes: self.disk_bytes,
            disk_read: self.disk_read,
        };
        let stream: Box<dyn Read + Send> = if self.eof {
            Box::new(Cursor::new(self.head))
        } else {
            Box::new(Cursor::new(self.head).chain(self.rest))
        };
        (stream, progress)
    }
}

/// Reports how much of the file on disk has been read (compressed bytes for gzip, so the
/// figure always compares with the file size).
pub(crate) struct Progress {
    callback: Option<ProgressFn>,
    disk_bytes: u64,
    disk_read: Arc<AtomicU64>,
}

impl Progress {
    pub fn report(&self) {
        if let Some(callback) = &self.callback {
            let read = self.disk_read.load(Ordering::Relaxed);
            callback(read, self.disk_bytes.max(read));
        }
    }

    /// The final report: everything read.
    pub fn finish(&self) {
        if let Some(callback) = &self.callback {
            let total = self.disk_bytes.max(self.disk_read.load(Ordering::Relaxed));
            callback(total, total);
        }
    }
}

/// Counts the bytes read through it.
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn gzip_is_recognised_by_content() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vectors.txt");
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(b"1 2\na 1 2\n").unwrap();
        std::fs::write(&path, encoder.finish().unwrap()).unwrap();
        let mut input = Input::open(&path).unwrap();
        assert_eq!(input.content_bytes, None);
        input.fill_to(4).unwrap();
        assert!(input.head().starts_with(b"1 2\n"));
        let (mut stream, _) = input.into_stream(None);
        let mut all = Vec::new();
        stream.read_to_end(&mut all).unwrap();
        assert_eq!(all, b"1 2\na 1 2\n");
    }

    #[test]
    fn short_and_plain_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("one");
        std::fs::write(&path, b"\x1f").unwrap();
        let input = Input::open(&path).unwrap();
        assert_eq!(input.content_bytes, Some(1));
        let (mut stream, _) = input.into_stream(None);
        let mut all = Vec::new();
        stream.read_to_end(&mut all).unwrap();
        assert_eq!(all, b"\x1f");
    }
}
