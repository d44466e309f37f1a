//! Where a corpus comes from ([`CorpusSource`]) and streaming it line by line.
//!
//! Files are read with a reused byte buffer (never loaded whole). Each line must be UTF-8; a bad
//! line is an error naming the file and the 1-based line number, unless `lossy` is set, in which
//! case invalid bytes become U+FFFD.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;

/// A corpus: a file on disk, or text in memory (tests, the bundled demo).
#[derive(Debug, Clone)]
pub enum CorpusSource {
    File(PathBuf),
    Text(String),
}

impl CorpusSource {
    /// A short human name for messages: the path, or `<text>`.
    pub fn describe(&self) -> String {
        match self {
            CorpusSource::File(p) => p.display().to_string(),
            CorpusSource::Text(_) => "<text>".to_owned(),
        }
    }
}

/// Problems reading or interpreting a corpus.
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    #[error("cannot read corpus {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{path}: line {line} is not valid UTF-8 (byte {byte_offset} of the line); re-encode the file or allow lossy decoding"
    )]
    NotUtf8 {
        path: String,
        line: u64,
        byte_offset: usize,
    },
    #[error("corpus {path} has no words")]
    Empty { path: String },
    #[error(
        "no word in {path} occurs at least {min_count} times (most frequent: {most_frequent:?} x{top_count}); lower --min-count"
    )]
    NoWordReachesMinCount {
        path: String,
        min_count: u64,
        most_frequent: String,
        top_count: u64,
    },
    #[error("corpus {path} is too large: more than {max} distinct words or tokens for 32-bit ids")]
    TooLarge { path: String, max: u64 },
}

/// Calls `on_line(line_number, text)` for every line (1-based, without the line terminator).
/// `on_line` may return `false` to stop early.
pub fn for_each_line<F>(
    source: &CorpusSource,
    lossy: bool,
    mut on_line: F,
) -> Result<(), CorpusError>
where
    F: FnMut(u64, &str) -> bool,
{
    match source {
        CorpusSource::Text(text) => {
            for (i, line) in text.lines().enumerate() {
                if !on_line(i as u64 + 1, line) {
                    break;
                }
            }
            Ok(())
        }
        CorpusSource::File(path) => {
            let name = path.display().to_string();
            let io_err = |source| CorpusError::Io {
                path: name.clone(),
                source,
            };
            let file = File::open(path).map_err(io_err)?;
            let mut reader = BufReader::with_capacity(1 << 20, file);
            let mut buf = Vec::with_capacity(1 << 16);
            let mut line_no = 0u64;
            loop {
                buf.clear();
                let n = reader.read_until(b'\n', &mut buf).map_err(io_err)?;
                if n == 0 {
                    return Ok(());
                }
                line_no += 1;
                while matches!(buf.last(), Some(b'\n' | b'\r')) {
                    buf.pop();
                }
                let keep_going = match std::str::from_utf8(&buf) {
                    Ok(text) => on_line(line_no, text),
                    Err(e) if lossy => {
                        let _ = e;
                        on_line(line_no, &String::from_utf8_lossy(&buf))
                    }
                    Err(e) => {
                        return Err(CorpusError::NotUtf8 {
                            path: name,
                            line: line_no,
                            byte_offset: e.valid_up_to(),
                        });
                    }
                };
                if !keep_going {
                    return Ok(());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn non_utf8_line_is_named() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(b"good line\nbad \xff line\n").unwrap();
        let src = CorpusSource::File(f.path().to_path_buf());
        let err = for_each_line(&src, false, |_, _| true).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("line 2"), "{msg}");
        assert!(msg.contains(&f.path().display().to_string()), "{msg}");
        let mut lines = Vec::new();
        for_each_line(&src, true, |_, l| {
            lines.push(l.to_owned());
            true
        })
        .unwrap();
        assert_eq!(lines.len(), 2);
        assert!(lines[1].contains('\u{FFFD}'));
    }

    #[test]
    fn crlf_is_stripped() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(b"a b\r\nc").unwrap();
        let mut lines = Vec::new();
        for_each_line(&CorpusSource::File(f.path().into()), false, |_, l| {
            lines.push(l.to_owned());
            true
        })
        .unwrap();
        assert_eq!(lines, vec!["a b", "c"]);
    }
}
