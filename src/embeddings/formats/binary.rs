//! word2vec binary: a `ROWS DIM` text header line, then per row the word, a space, DIM
//! little-endian `f32`s and (in files written by the original tool) a newline.
//!
//! Values are copied with `f32::from_le_bytes` — no parsing — so a buffered sequential pass
//! straight into the preallocated matrix runs at memory speed (reading the whole file first
//! would cost a second copy and its page faults). Word lengths vary, so the exact file size is
//! not known from the header; we check the minimum size up front (so an absurd header never
//! allocates) and that nothing is left over at the end.

use super::assemble::{Parsed, assemble};
use super::error::{Location, Problem};
use super::source::Input;
use super::text::{check_header_plausible, parse_header, shorten};
use super::{Format, FormatError, LoadOptions, Loaded};
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

/// Every row needs at least a one-byte word and a space besides its values.
const MIN_ROW_OVERHEAD_BYTES: u64 = 2;
/// The header line is two numbers; anything longer is not a word2vec header.
const MAX_HEADER_BYTES: u64 = 4096;
/// A word longer than this means we are not reading what we think we are.
const MAX_WORD_BYTES: u64 = 1 << 20;
const READ_BUFFER_BYTES: usize = 1 << 20;
/// Report progress about this often.
const PROGRESS_EVERY_BYTES: u64 = 4 << 20;
/// When the file size is unknown (a pipe, gzip), at most this many values are reserved up front;
/// the rest grow as rows arrive, so a header cannot reserve memory the stream never fills.
const UNKNOWN_SIZE_RESERVE_VALUES: usize = 1 << 22;

/// Loads a word2vec binary file.
pub(crate) fn load(
    path: &Path,
    mut input: Input,
    opts: &LoadOptions,
) -> Result<Loaded, FormatError> {
    let read_error = |source| FormatError::Read {
        path: path.to_path_buf(),
        error: source,
    };
    input.fill_to(1)?;
    if input.head().is_empty() {
        return Err(FormatError::parse(path, Location::File, Problem::Empty));
    }
    let file_bytes = input.content_bytes;
    let (stream, progress) = input.into_stream(opts.progress.clone());
    let mut reader = BufReader::with_capacity(READ_BUFFER_BYTES, stream);
    let mut header_line = Vec::new();
    reader
        .by_ref()
        .take(MAX_HEADER_BYTES)
        .read_until(b'\n', &mut header_line)
        .map_err(read_error)?;
    let header = parse_header(path, &header_line)?;
    check_header_plausible(path, &header)?;
    let dim = header.dim;
    let sample = reader.fill_buf().map_err(read_error)?;
    if let Some(row_dim) = real_row_width(sample, dim, header.rows) {
        return Err(FormatError::parse(
            path,
            Location::Line(1),
            Problem::HeaderWidthMismatch {
                header_dim: dim,
                row_dim,
            },
        ));
    }
    let row_value_bytes = dim as u64 * 4;
    let min_bytes = header
        .rows
        .saturating_mul(row_value_bytes + MIN_ROW_OVERHEAD_BYTES);
    if let Some(file_bytes) = file_bytes {
        let body_bytes = file_bytes.saturating_sub(header.line_bytes as u64);
        if min_bytes > body_bytes {
            return Err(FormatError::parse(
                path,
                Location::File,
                Problem::SizeMismatch(format!(
                    "the header promises {} rows x {dim} dimensions (at least {} bytes) but \
                     the file is {file_bytes} bytes: truncated or not a word2vec binary file",
                    header.rows,
                    min_bytes.saturating_add(header.line_bytes as u64),
                )),
            ));
        }
    }
    let rows = usize::try_from(header.rows).unwrap_or(usize::MAX);
    // Bounded by the file size thanks to the check above, or by a fixed reserve for streams.
    let reserve_values = match file_bytes {
        Some(_) => rows.saturating_mul(dim),
        None => rows.saturating_mul(dim).min(UNKNOWN_SIZE_RESERVE_VALUES),
    };
    let reserve_rows = reserve_values / dim;
    let mut words = Vec::with_capacity(reserve_rows);
    let mut row_offsets = Vec::with_capacity(reserve_rows);
    let mut values = Vec::with_capacity(reserve_values);
    let mut plausibility = Plausibility::default();
    let mut offset = header.line_bytes as u64;
    let mut next_report = PROGRESS_EVERY_BYTES;
    let mut word_bytes = Vec::new();
    let mut row_bytes = vec![0u8; dim * 4];
    let truncated = |offset: u64, row: usize| {
        FormatError::parse(
            path,
            Location::Offset(offset),
            Problem::Truncated {
                expected: header.rows,
                found: row as u64,
            },
        )
    };
    for row in 0..rows {
        // The newline after the previous row's values is optional.
        offset += skip_newlines(&mut reader).map_err(read_error)?;
        row_offsets.push(offset);
        word_bytes.clear();
        let word_len = reader
            .by_ref()
            .take(MAX_WORD_BYTES)
            .read_until(b' ', &mut word_bytes)
            .map_err(read_error)?;
        if word_bytes.pop() != Some(b' ') {
            if word_len as u64 >= MAX_WORD_BYTES {
                return Err(FormatError::parse(
                    path,
                    Location::Offset(offset),
                    Problem::SizeMismatch(format!(
                        "no space within {MAX_WORD_BYTES} bytes: a word that long means this \
                         is not a word2vec binary file (or it is corrupt)"
                    )),
                ));
            }
            return Err(plausibility.explain(path, truncated(offset, row)));
        }
        if let Some(newline) = memchr::memchr(b'\n', &word_bytes) {
            return Err(FormatError::parse(
                path,
                Location::Offset(offset + newline as u64),
                Problem::NewlineInWord {
                    row: row as u64 + 1,
                    word: shorten(&word_bytes),
                },
            ));
        }
        if word_bytes.is_empty() {
            return Err(FormatError::parse(
                path,
                Location::Offset(offset),
                Problem::EmptyWord,
            ));
        }
        let word = match std::str::from_utf8(&word_bytes) {
            Ok(word) => word.to_owned(),
            Err(_) if opts.lossy => String::from_utf8_lossy(&word_bytes).into_owned(),
            Err(err) => {
                return Err(plausibility.explain(
                    path,
                    FormatError::parse(
                        path,
                        Location::Offset(offset + err.valid_up_to() as u64),
                        Problem::InvalidUtf8,
                    ),
                ));
            }
        };
        offset += word_len as u64;
        match reader.read_exact(&mut row_bytes) {
            Ok(()) => {}
            Err(err) if err.kind() == io::ErrorKind::UnexpectedEof => {
                return Err(plausibility.explain(path, truncated(offset, row)));
            }
            Err(err) => return Err(read_error(err)),
        }
        let before = values.len();
        values.extend(
            row_bytes
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])),
        );
        plausibility.add(&values[before..]);
        if let Some(bad) = values[before..].iter().position(|v| !v.is_finite()) {
            return Err(plausibility.explain(
                path,
                FormatError::parse(
                    path,
                    Location::Offset(offset + bad as u64 * 4),
                    Problem::NotFinite {
                        token: values[before + bad].to_string(),
                    },
                ),
            ));
        }
        words.push(word);
        offset += row_value_bytes;
        if offset >= next_report {
            progress.report();
            next_report = offset + PROGRESS_EVERY_BYTES;
        }
    }
    offset += skip_newlines(&mut reader).map_err(read_error)?;
    let mut trailing = Vec::new();
    reader.read_to_end(&mut trailing).map_err(read_error)?;
    if !trailing.iter().all(u8::is_ascii_whitespace) {
        return Err(FormatError::parse(
            path,
            Location::Offset(offset),
            Problem::SizeMismatch(format!(
                "{} bytes left after the {} rows x {dim} dimensions the header promises: the \
                 file is larger than its header says",
                trailing.len(),
                header.rows
            )),
        ));
    }
    progress.finish();
    let mut warnings = Vec::new();
    if plausibility.is_suspect() {
        // Finite values of any size are legal, so a warning: but real vectors never look so.
        warnings.push(plausibility.error(path).to_string());
    }
    assemble(
        path,
        Format::Word2VecBinary,
        Parsed { words, values, dim },
        |row| format!("byte offset {}", row_offsets.get(row).copied().unwrap_or(0)),
        None,
        warnings,
        opts,
    )
}

/// Values to look at before judging whether the file holds little-endian `f32`s at all.
const PLAUSIBILITY_SAMPLE_VALUES: usize = 1024;
/// Fewer values than this say too little to judge by.
const PLAUSIBILITY_MIN_VALUES: usize = 16;

/// Watches the first values for signs of the wrong encoding. Trained embeddings hold values of
/// modest magnitude; the same bytes read byte-swapped, or float64 read as pairs of f32, give
/// exponents that are close to random, so many values come out NaN, infinite, beyond 1e15 or
/// (non-zero and) below 1e-15. One in ten of those among the first values is far beyond
/// what real vectors show and says "wrong encoding" better than "NaN at byte 1234" would: it
/// replaces the error the reader then runs into, or, when every value is finite (any finite
/// value is legal), becomes a warning.
#[derive(Default)]
struct Plausibility {
    sampled: usize,
    implausible: usize,
}

impl Plausibility {
    fn add(&mut self, values: &[f32]) {
        let room = PLAUSIBILITY_SAMPLE_VALUES.saturating_sub(self.sampled);
        for &v in &values[..values.len().min(room)] {
            let magnitude = v.abs();
            if !v.is_finite() || magnitude > 1e15 || (magnitude != 0.0 && magnitude < 1e-15) {
                self.implausible += 1;
            }
        }
        self.sampled += values.len().min(room);
    }

    fn is_suspect(&self) -> bool {
        self.sampled >= PLAUSIBILITY_MIN_VALUES && self.implausible * 10 >= self.sampled
    }

    fn error(&self, path: &Path) -> FormatError {
        FormatError::parse(
            path,
            Location::File,
            Problem::ImplausibleValues {
                implausible: self.implausible,
                sampled: self.sampled,
            },
        )
    }

    /// `err`, or the encoding diagnosis when the values read so far already look wrong (a
    /// float64 file goes astray after its first row: the next "word" is packed bytes).
    fn explain(&self, path: &Path, err: FormatError) -> FormatError {
        // Two at least: one NaN in a short first row is just a NaN.
        if self.implausible >= 2 && self.implausible * 10 >= self.sampled {
            self.error(path)
        } else {
            err
        }
    }
}

/// Rows looked at to check the header's dimension against the data.
const WIDTH_CHECK_ROWS: u64 = 32;

/// The width the rows really have, when `sample` (the bytes right after the header) shows that
/// the header's `dim` does not fit them and another width does: after a row's `dim` values the
/// next word must start (after optional newlines) with word bytes and end at a space. With
/// the wrong dimension the reader lands inside packed floats, and would report a "word" that
/// is not UTF-8, or empty, or holds a newline. `None` when the header fits, or when no width
/// explains the data better (the reader then reports what it finds).
fn real_row_width(sample: &[u8], dim: usize, rows: u64) -> Option<usize> {
    if rows_fitting(sample, dim, rows).is_some() {
        return None;
    }
    // A width must line at least one following word up and never misfit; the width that
    // lines up the most rows wins (a short file can line up two rows by chance).
    let widest = (sample.len() / 4).min(super::text::MAX_DIM);
    let (rows_lined_up, width) = (1..=widest)
        .filter(|&width| width != dim)
        .filter_map(|width| Some((rows_fitting(sample, width, rows)?, width)))
        .max_by_key(|&(lined_up, width)| (lined_up, std::cmp::Reverse(width)))?;
    // Twice the header's width with implausible values is float64 data, which the
    // plausibility check names better.
    let float64 = width == 2 * dim && {
        let mut plausibility = Plausibility::default();
        let values_start = memchr::memchr(b' ', sample).map_or(0, |space| space + 1);
        let values = &sample[values_start..(values_start + width * 4).min(sample.len())];
        let floats: Vec<f32> = values
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        plausibility.add(&floats);
        plausibility.is_suspect()
    };
    (rows_lined_up >= 2 && !float64).then_some(width)
}

/// Longest word the width check looks at; a longer one leaves the question open.
const WIDTH_CHECK_WORD_BYTES: usize = 4096;

/// How many of the first rows in `sample` read cleanly as word, space, `dim` finite values
/// (stopping at the end of the sample or after [`WIDTH_CHECK_ROWS`]); `None` if one does not.
/// Words are checked before values, so a wrong width is usually refused after a few bytes.
fn rows_fitting(sample: &[u8], dim: usize, rows: u64) -> Option<u64> {
    let mut pos = 0;
    let mut value_ranges = Vec::new();
    while (value_ranges.len() as u64) < rows.min(WIDTH_CHECK_ROWS) {
        pos += sample[pos..].iter().take_while(|&&b| b == b'\n').count();
        let rest = &sample[pos..];
        let scanned = &rest[..rest.len().min(WIDTH_CHECK_WORD_BYTES)];
        let word_end = scanned
            .iter()
            .position(|&b| b == b' ' || (b < 0x20 && b != b'\t') || b == 0x7f);
        let Some(word_end) = word_end else {
            break; // the word runs past what we look at: nothing against it so far
        };
        if rest[word_end] != b' ' || word_end == 0 {
            return None; // a control byte in the word, or an empty word
        }
        let values = pos + word_end + 1;
        if sample.len() < values + dim * 4 {
            break;
        }
        value_ranges.push(values..values + dim * 4);
        pos = values + dim * 4;
    }
    let finite = value_ranges.iter().all(|range| {
        sample[range.clone()]
            .chunks_exact(4)
            .all(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]).is_finite())
    });
    finite.then_some(value_ranges.len() as u64)
}

/// Consumes `\n` bytes; returns how many.
fn skip_newlines(reader: &mut impl BufRead) -> io::Result<u64> {
    let mut skipped = 0;
    loop {
        let buffer = reader.fill_buf()?;
        let newlines = buffer.iter().take_while(|&&b| b == b'\n').count();
        let exhausted = newlines == buffer.len() && !buffer.is_empty();
        reader.consume(newlines);
        skipped += newlines as u64;
        if !exhausted {
            return Ok(skipped);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{expect_error, fixture, load_default};
    use super::super::{Format, LoadOptions, load};

    fn binary_file(header: &str, rows: &[(&[u8], &[f32])], newline: bool) -> Vec<u8> {
        let mut bytes = header.as_bytes().to_vec();
        for (word, values) in rows {
            bytes.extend_from_slice(word);
            bytes.push(b' ');
            for v in *values {
                bytes.extend_from_slice(&v.to_le_bytes());
            }
            if newline {
                bytes.push(b'\n');
            }
        }
        bytes
    }

    #[test]
    fn reads_with_and_without_newlines() {
        let dir = tempfile::tempdir().unwrap();
        for newline in [true, false] {
            let bytes = binary_file(
                "2 3\n",
                &[
                    ("巴黎".as_bytes(), &[1.0, -2.5, 0.1]),
                    (b"x", &[0.0, 1e-30, 3.0]),
                ],
                newline,
            );
            let path = fixture(dir.path(), "v.bin", bytes);
            let loaded = load_default(&path).unwrap();
            assert_eq!(loaded.format, Format::Word2VecBinary);
            assert_eq!(loaded.embeddings.words(), ["巴黎", "x"]);
            assert_eq!(loaded.embeddings.row(1).to_vec(), [0.0, 1e-30, 3.0]);
        }
    }

    fn binary() -> LoadOptions {
        LoadOptions {
            format: Some(Format::Word2VecBinary),
            ..LoadOptions::default()
        }
    }

    #[test]
    fn file_smaller_than_header_promises() {
        let dir = tempfile::tempdir().unwrap();
        let bytes = binary_file("3 2\n", &[(b"a", &[1.0, 2.0]), (b"b", &[3.0, 4.0])], true);
        let path = fixture(dir.path(), "small.bin", bytes);
        expect_error(
            &path,
            &binary(),
            &["size mismatch", "3 rows x 2", "file is 26 bytes"],
        );
    }

    #[test]
    fn truncated_inside_a_row() {
        let dir = tempfile::tempdir().unwrap();
        // Long words make the size check pass; the cut is inside row 2's values.
        let mut bytes = binary_file(
            "2 2\n",
            &[(b"aaaaaaaaaa", &[1.0, 2.0]), (b"bbbbbbbbbb", &[3.0, 4.0])],
            true,
        );
        bytes.truncate(bytes.len() - 5);
        let path = fixture(dir.path(), "cut.bin", bytes);
        expect_error(&path, &binary(), &["byte offset 35", "truncated", "only 1"]);
    }

    #[test]
    fn file_larger_than_header_says() {
        let dir = tempfile::tempdir().unwrap();
        let bytes = binary_file("1 1\n", &[(b"a", &[1.0]), (b"b", &[2.0])], true);
        let path = fixture(dir.path(), "big.bin", bytes);
        expect_error(
            &path,
            &binary(),
            &["byte offset 11", "size mismatch", "larger than its header"],
        );
    }

    #[test]
    fn nan_is_rejected_with_offset() {
        let dir = tempfile::tempdir().unwrap();
        let bytes = binary_file("1 2\n", &[(b"a", &[1.0, f32::NAN])], true);
        let path = fixture(dir.path(), "nan.bin", bytes);
        expect_error(&path, &binary(), &["byte offset 10", "NaN", "not finite"]);
    }

    #[test]
    fn invalid_utf8_and_lossy() {
        let dir = tempfile::tempdir().unwrap();
        let bytes = binary_file("2 1\n", &[(b"ok", &[1.0]), (b"b\xC3(", &[2.0])], true);
        let path = fixture(dir.path(), "u.bin", bytes);
        // 4 header + 8 for row 1 ("ok " + 4 + "\n"), then "b" → offset 13.
        expect_error(&path, &binary(), &["byte offset 13", "not valid UTF-8"]);
        let lossy = LoadOptions {
            lossy: true,
            ..binary()
        };
        let loaded = load(&path, &lossy).unwrap();
        assert_eq!(loaded.embeddings.words()[1], "b\u{FFFD}(");
    }

    #[test]
    fn duplicates_warn_with_offsets() {
        let dir = tempfile::tempdir().unwrap();
        let bytes = binary_file("2 1\n", &[(b"a", &[1.0]), (b"a", &[2.0])], true);
        let path = fixture(dir.path(), "d.bin", bytes);
        let loaded = load(&path, &binary()).unwrap();
        assert_eq!(loaded.embeddings.len(), 1);
        assert!(
            loaded.warnings[0].contains("byte offset 11"),
            "{:?}",
            loaded.warnings
        );
    }

    #[test]
    fn a_newline_inside_a_word_is_named_by_row_and_offset() {
        let dir = tempfile::tempdir().unwrap();
        let row = |word: &[u8]| {
            let mut bytes = word.to_vec();
            bytes.push(b' ');
            for v in [0.5f32, -0.25, 0.125] {
                bytes.extend_from_slice(&v.to_le_bytes());
            }
            bytes.push(b'\n');
            bytes
        };
        // In the first row (detection must still say binary) and in a later one.
        for (rows, newline_at, row_number) in [
            ([&b"foo\nbar"[..], b"baz"], 7, "row 1 "),
            ([&b"foo"[..], b"ba\nz"], 23, "row 2 "),
        ] {
            let mut bytes = b"2 3\n".to_vec();
            for word in rows {
                bytes.extend(row(word));
            }
            let path = fixture(dir.path(), "nl.bin", bytes);
            for opts in [LoadOptions::default(), binary()] {
                let err = expect_error(
                    &path,
                    &opts,
                    &[&format!("byte offset {newline_at}:"), row_number, "newline"],
                );
                assert!(
                    !err.contains("wrong width") && !err.contains("line 2"),
                    "{err}"
                );
            }
        }
    }

    #[test]
    fn a_header_dimension_that_does_not_fit_the_rows_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let values: Vec<Vec<f32>> = (0..4)
            .map(|r| {
                (0..4)
                    .map(|c| 0.1 + r as f32 * 0.37 - c as f32 * 0.21)
                    .collect()
            })
            .collect();
        for newline in [true, false] {
            let rows: Vec<(&[u8], &[f32])> = vec![
                (b"king", &values[0]),
                (b"queen", &values[1]),
                (b"man", &values[2]),
                (b"woman", &values[3]),
            ];
            for header_dim in [3, 5, 2] {
                let bytes = binary_file(&format!("4 {header_dim}\n"), &rows, newline);
                let path = fixture(dir.path(), "w.bin", bytes);
                let lossy = LoadOptions {
                    lossy: true,
                    ..binary()
                };
                for opts in [LoadOptions::default(), binary(), lossy] {
                    let err = expect_error(
                        &path,
                        &opts,
                        &[
                            "line 1",
                            &format!("header says {header_dim} dimensions"),
                            "rows are 4 floats wide",
                        ],
                    );
                    assert!(
                        !err.contains("UTF-8") && !err.contains("empty word"),
                        "{err}"
                    );
                }
            }
            // The right header still loads.
            let path = fixture(dir.path(), "ok.bin", binary_file("4 4\n", &rows, newline));
            assert_eq!(load(&path, &binary()).unwrap().embeddings.len(), 4);
        }
    }

    #[test]
    fn empty_and_absurd() {
        let dir = tempfile::tempdir().unwrap();
        let path = fixture(dir.path(), "e.bin", "");
        expect_error(&path, &binary(), &["empty"]);
        let path = fixture(dir.path(), "a.bin", "18446744073709551615 300\nxx");
        expect_error(&path, &binary(), &["line 1", "absurd header"]);
        let path = fixture(dir.path(), "a2.bin", "1000000 300\nxx");
        expect_error(&path, &binary(), &["size mismatch", "1000000 rows x 300"]);
    }
}
