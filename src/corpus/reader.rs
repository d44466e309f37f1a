//! Where a corpus comes from ([`CorpusSource`]) and streaming it line by line.
//!
//! Files are read with a reused byte buffer (never loaded whole), once, so a pipe works as a
//! corpus; a gzip file (recognised by its first bytes) is decompressed on the fly. Each line must
//! be UTF-8; a bad line is an error naming the file and the 1-based line number, unless `lossy`
//! is set, in which case invalid bytes become U+FFFD. A line may hold at most
//! [`MAX_LINE_BYTES`]: a file without line ends (`/dev/zero`) is an error, not a memory hog.

use flate2::read::MultiGzDecoder;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;

/// Longest corpus line accepted (a whole book on one line fits many times over).
#[cfg(not(test))]
pub const MAX_LINE_BYTES: u64 = 256 << 20;
/// Small in tests, so the limit is cheap to reach.
#[cfg(test)]
pub const MAX_LINE_BYTES: u64 = 1 << 20;
/// A word quoted in a message is cut to this many characters.
const MAX_WORD_IN_MESSAGE: usize = 80;

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
    // Not a `source`: the message holds it already (a cause chain would repeat it).
    #[error("cannot read corpus {path}: {error}")]
    Io { path: String, error: std::io::Error },
    #[error(
        "{path}: line {line} is not valid UTF-8 (byte {byte_offset} of the line); re-encode the file, or pass --lossy-utf8 to replace invalid bytes with U+FFFD"
    )]
    NotUtf8 {
        path: String,
        line: u64,
        byte_offset: usize,
    },
    #[error(
        "{path}: line {line} is longer than {max_bytes} bytes, the most a corpus line may hold"
    )]
    LineTooLong {
        path: String,
        line: u64,
        max_bytes: u64,
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
            let io_err = |error| CorpusError::Io {
                path: name.clone(),
                error,
            };
            let mut reader = open(path).map_err(io_err)?;
            let mut buf = Vec::with_capacity(1 << 16);
            let mut line_no = 0u64;
            loop {
                buf.clear();
                let n = reader
                    .by_ref()
                    .take(MAX_LINE_BYTES + 1)
                    .read_until(b'\n', &mut buf)
                    .map_err(io_err)?;
                if n == 0 {
                    return Ok(());
                }
                line_no += 1;
                if n as u64 > MAX_LINE_BYTES {
                    return Err(CorpusError::LineTooLong {
                        path: name,
                        line: line_no,
                        max_bytes: MAX_LINE_BYTES,
                    });
                }
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

/// Opens a corpus file for buffered reading, decompressing it when it starts like gzip.
fn open(path: &std::path::Path) -> std::io::Result<Box<dyn BufRead>> {
    let mut file = BufReader::with_capacity(1 << 20, File::open(path)?);
    let is_gzip = file.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    Ok(if is_gzip {
        Box::new(BufReader::with_capacity(1 << 20, MultiGzDecoder::new(file)))
    } else {
        Box::new(file)
    })
}

/// A word for a message: at most [`MAX_WORD_IN_MESSAGE`] characters, then "…" (a corpus of
/// one 50 MB token must not print 50 MB).
pub fn shorten_word(word: &str) -> String {
    match word.char_indices().nth(MAX_WORD_IN_MESSAGE) {
        Some((cut, _)) => format!("{}…", &word[..cut]),
        None => word.to_owned(),
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
    fn message_names_the_lossy_flag() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(b"\xff\n").unwrap();
        let err = for_each_line(&CorpusSource::File(f.path().into()), false, |_, _| true)
            .unwrap_err()
            .to_string();
        assert!(err.contains("--lossy-utf8"), "{err}");
    }

    #[test]
    fn endless_line_is_an_error_not_a_memory_hog() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(b"short line\n").unwrap();
        f.write_all(&vec![0u8; MAX_LINE_BYTES as usize + 10])
            .unwrap();
        let err = for_each_line(&CorpusSource::File(f.path().into()), true, |_, _| true)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("line 2") && err.contains("longer than"),
            "{err}"
        );
    }

    #[test]
    fn gzip_corpus_is_read_directly() {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(b"one two\nthree\n").unwrap();
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(&encoder.finish().unwrap()).unwrap();
        let mut lines = Vec::new();
        for_each_line(&CorpusSource::File(f.path().into()), false, |_, l| {
            lines.push(l.to_owned());
            true
        })
        .unwrap();
        assert_eq!(lines, ["one two", "three"]);
    }

    #[test]
    fn long_words_are_shortened_in_messages() {
        let word = "x".repeat(50_000);
        let short = shorten_word(&word);
        assert_eq!(short.chars().count(), MAX_WORD_IN_MESSAGE + 1);
        assert!(short.ends_with('…'));
        assert_eq!(shorten_word("巴黎"), "巴黎");
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
