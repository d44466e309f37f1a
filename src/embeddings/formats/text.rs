//! The parallel text parser behind word2vec text, GloVe and Projector `vectors.tsv`.
//!
//! The file is streamed in 16 MiB blocks of whole lines. Each block is cut into chunks at line
//! boundaries, a first parallel pass counts the lines of each chunk (memchr, memory speed) so
//! every chunk knows its first row and line number, then a second parallel pass parses each
//! chunk straight into its slice of the (preallocated, when a header gives the size) matrix.
//! Numbers are parsed from the bytes in place ([`super::float`]): no `String` per line or per
//! value, which is where naive loaders spend their time.

use super::assemble::{Parsed, assemble};
use super::error::{Location, Problem};
use super::float::{parse_f32, parse_prefix};
use super::source::Input;
use super::{Format, FormatError, LoadOptions, Loaded};
use rayon::prelude::*;
use std::io::Read;
use std::path::Path;

/// Bytes read and parsed at a time: big enough to keep every core busy, small enough that
/// huge files are never held in memory as text.
#[cfg(not(test))]
const BLOCK_BYTES: usize = 16 << 20;
/// Tiny in tests, so that small fixtures cross many block and chunk boundaries.
#[cfg(test)]
const BLOCK_BYTES: usize = 64 << 10;
/// Chunks smaller than this are not worth a task of their own.
#[cfg(not(test))]
const MIN_CHUNK_BYTES: usize = 1 << 20;
#[cfg(test)]
const MIN_CHUNK_BYTES: usize = 4 << 10;
/// Chunks per thread: a few, so an unlucky slow chunk does not leave cores idle.
const CHUNKS_PER_THREAD: usize = 8;
/// A word longer than this in an error message is shortened.
const MAX_TOKEN_IN_MESSAGE: usize = 40;
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";
/// Largest dimension a header may claim; real embeddings have at most a few thousand.
pub(crate) const MAX_DIM: usize = 1 << 20;
/// Longest line any text reader accepts (a row of [`MAX_DIM`] long decimals fits): a file
/// without line ends (`/dev/zero`, a binary file forced as GloVe) is an error once this much is
/// read, instead of being buffered until memory runs out.
#[cfg(not(test))]
pub(crate) const MAX_LINE_BYTES: usize = 64 << 20;
/// Small in tests, so the limit is cheap to reach.
#[cfg(test)]
pub(crate) const MAX_LINE_BYTES: usize = 1 << 20;

/// Loads word2vec text (with its `ROWS DIM` header) or GloVe text (no header).
pub(crate) fn load(
    path: &Path,
    input: Input,
    format: Format,
    opts: &LoadOptions,
) -> Result<Loaded, FormatError> {
    let layout = if format == Format::Word2VecText {
        Layout::Word2Vec
    } else {
        Layout::Glove
    };
    let (parsed, first_line) = read_rows(path, input, layout, opts)?;
    assemble(
        path,
        format,
        parsed,
        |row| format!("line {}", row as u64 + first_line),
        None,
        Vec::new(),
        opts,
    )
}

/// What the lines of a text vectors file look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    /// `ROWS DIM` header, then `word v1 v2 ...`.
    Word2Vec,
    /// `word v1 v2 ...`, no header.
    Glove,
    /// `v1 v2 ...` only (Projector `vectors.tsv`; words come from the metadata file).
    Values,
}

/// Reads the rows of a text vectors file, streaming it in blocks of [`BLOCK_BYTES`] (so a
/// 5 GB GloVe file never sits in memory as text) and parsing each block in parallel.
/// Returns the rows and the line number of the first row.
pub(crate) fn read_rows(
    path: &Path,
    input: Input,
    layout: Layout,
    opts: &LoadOptions,
) -> Result<(Parsed, u64), FormatError> {
    let read_error = |source| FormatError::Read {
        path: path.to_path_buf(),
        error: source,
    };
    let lossy = opts.lossy;
    // Bounds preallocation; unknown for pipes and gzip, where vectors grow as rows arrive.
    let total_bytes = input.content_bytes;
    let (mut file, progress) = input.into_stream(opts.progress.clone());
    let mut block = Block {
        bytes: Vec::with_capacity(BLOCK_BYTES + BLOCK_BYTES / 4),
        file_offset: 0,
        eof: false,
    };
    block.fill(&mut file, BLOCK_BYTES).map_err(read_error)?;
    // The first line (header, or first row giving the dimension) must be complete.
    while !block.eof && memchr::memchr(b'\n', &block.bytes).is_none() {
        if block.bytes.len() > MAX_LINE_BYTES {
            return Err(line_too_long(path, 1));
        }
        block
            .fill(&mut file, block.bytes.len() + BLOCK_BYTES)
            .map_err(read_error)?;
    }
    let mut start = if block.bytes.starts_with(UTF8_BOM) {
        3
    } else {
        0
    };
    if block.eof && block.bytes[start..].iter().all(u8::is_ascii_whitespace) {
        return Err(FormatError::parse(path, Location::File, Problem::Empty));
    }
    let first = first_line_of(&block.bytes[start..]);
    let (first_line, dim, expected_rows) = match layout {
        Layout::Word2Vec => {
            let header = parse_header(path, &block.bytes[start..])?;
            check_header_plausible(path, &header)?;
            start += header.line_bytes;
            (2, header.dim, Some(header.rows))
        }
        Layout::Glove | Layout::Values => {
            let tokens = count_tokens(first);
            let dim = if layout == Layout::Glove {
                tokens.saturating_sub(1)
            } else {
                tokens
            };
            if dim == 0 {
                let problem = if tokens == 0 {
                    Problem::EmptyLine
                } else {
                    Problem::NoValues
                };
                return Err(FormatError::parse(path, Location::Line(1), problem));
            }
            (1, dim, None)
        }
    };
    let spec = RowSpec {
        has_word: layout != Layout::Values,
        dim,
        lossy,
    };
    // Room for every row up front when a header says how many (bounded by what the file
    // could hold: each value takes at least two bytes), else an estimate from the first line.
    // A stream of unknown size starts with what one block could hold and grows.
    let known_bytes = total_bytes.unwrap_or(BLOCK_BYTES as u64);
    let max_values = usize::try_from(known_bytes / 2).unwrap_or(usize::MAX);
    let expected_values = match expected_rows {
        Some(rows) => usize::try_from(rows)
            .unwrap_or(usize::MAX)
            .saturating_mul(dim),
        None => usize::try_from(known_bytes / (first.len() as u64 + 1))
            .unwrap_or(0)
            .saturating_mul(dim),
    };
    let values_capacity = expected_values.min(max_values);
    // A row takes at least two bytes per token (word included).
    let max_rows = usize::try_from(known_bytes / (2 * (dim as u64 + 1))).unwrap_or(usize::MAX);
    let mut parsed = Parsed {
        words: Vec::with_capacity(if spec.has_word {
            (values_capacity / dim).min(max_rows)
        } else {
            0
        }),
        values: Vec::with_capacity(values_capacity),
        dim,
    };
    let mut next_line = first_line;
    loop {
        let region_end = if block.eof {
            let trailing = block.bytes[start..]
                .iter()
                .rev()
                .take_while(|b| b.is_ascii_whitespace())
                .count();
            block.bytes.len() - trailing
        } else {
            match complete_lines_end(&block.bytes, start) {
                Some(end) => end,
                None => {
                    // A line longer than the block, or only blank lines so far: read on,
                    // unless the unfinished line is already longer than any line may be.
                    let line_start = memchr::memrchr(b'\n', &block.bytes[start..])
                        .map_or(start, |newline| start + newline + 1);
                    if block.bytes.len() - line_start > MAX_LINE_BYTES {
                        let blank_lines =
                            memchr::memchr_iter(b'\n', &block.bytes[start..line_start]).count()
                                as u64;
                        return Err(line_too_long(path, next_line + blank_lines));
                    }
                    block
                        .fill(&mut file, block.bytes.len() + BLOCK_BYTES)
                        .map_err(read_error)?;
                    continue;
                }
            }
        };
        if region_end > start {
            let region = &block.bytes[start..region_end];
            let lines = parse_block(
                path,
                region,
                block.file_offset + start as u64,
                next_line,
                &spec,
                &mut parsed,
            )?;
            next_line += lines as u64;
        }
        progress.report();
        if block.eof {
            break;
        }
        // Keep the incomplete last line (and any trailing blank lines) for the next block.
        block.bytes.drain(..region_end);
        block.file_offset += region_end as u64;
        start = 0;
        block.fill(&mut file, BLOCK_BYTES).map_err(read_error)?;
    }
    if let Some(expected) = expected_rows {
        let found = next_line - first_line;
        if found < expected {
            return Err(FormatError::parse(
                path,
                Location::Line(next_line),
                Problem::Truncated { expected, found },
            ));
        }
        if found > expected {
            return Err(FormatError::parse(
                path,
                Location::Line(first_line + expected),
                Problem::ExtraRows { expected, found },
            ));
        }
    }
    progress.finish();
    Ok((parsed, first_line))
}

/// The part of a file currently in memory.
struct Block {
    bytes: Vec<u8>,
    /// Offset of `bytes[0]` in the file.
    file_offset: u64,
    eof: bool,
}

impl Block {
    /// Reads until `bytes` holds `target_len` bytes or the file ends.
    fn fill(&mut self, file: &mut impl Read, target_len: usize) -> std::io::Result<()> {
        while !self.eof && self.bytes.len() < target_len {
            let wanted = (target_len - self.bytes.len()) as u64;
            let got = file.by_ref().take(wanted).read_to_end(&mut self.bytes)?;
            if (got as u64) < wanted {
                self.eof = true;
            }
        }
        Ok(())
    }
}

/// End (just past the newline) of the last complete line with content in `bytes[start..]`;
/// `None` if there is none. Blank lines after it are left for the next block: whether they
/// are harmless trailing whitespace or an error depends on what follows them.
fn complete_lines_end(bytes: &[u8], start: usize) -> Option<usize> {
    let last_newline = start + memchr::memrchr(b'\n', &bytes[start..])?;
    let last_content = start
        + bytes[start..last_newline]
            .iter()
            .rposition(|b| !b.is_ascii_whitespace())?;
    memchr::memchr(b'\n', &bytes[last_content..]).map(|newline| last_content + newline + 1)
}

/// A parsed `ROWS DIM` header.
pub(crate) struct Header {
    pub rows: u64,
    pub dim: usize,
    /// Bytes of the header line including its newline.
    pub line_bytes: usize,
}

/// Parses the `ROWS DIM` first line shared by word2vec text and binary.
pub(crate) fn parse_header(path: &Path, data: &[u8]) -> Result<Header, FormatError> {
    let line = first_line_of(data);
    let line_bytes = memchr::memchr(b'\n', data).map_or(data.len(), |newline| newline + 1);
    let bad = || {
        FormatError::parse(
            path,
            Location::Line(1),
            Problem::BadHeader {
                header: shorten(line),
            },
        )
    };
    if is_signed_header(line) {
        return Err(FormatError::parse(
            path,
            Location::Line(1),
            Problem::NegativeHeader {
                header: shorten(line),
            },
        ));
    }
    let text = std::str::from_utf8(line).map_err(|_| bad())?;
    let mut fields = text.split_ascii_whitespace();
    let (Some(rows), Some(dim), None) = (fields.next(), fields.next(), fields.next()) else {
        return Err(bad());
    };
    let (Ok(rows), Ok(dim)) = (rows.parse::<u64>(), dim.parse::<u64>()) else {
        return Err(bad());
    };
    let absurd = |reason: &str| {
        FormatError::parse(
            path,
            Location::Line(1),
            Problem::AbsurdHeader {
                rows,
                dim,
                reason: reason.to_owned(),
            },
        )
    };
    if dim == 0 {
        return Err(absurd("(a dimension of 0)"));
    }
    let dim = usize::try_from(dim).map_err(|_| absurd("(dimension too large)"))?;
    Ok(Header {
        rows,
        dim,
        line_bytes,
    })
}

/// Exactly two integers, at least one of them negative (`-2 3`, `2 -3`): a `ROWS DIM` header
/// gone wrong, never a GloVe row (that would be a one-dimensional space whose first word is a
/// number).
pub(crate) fn is_signed_header(line: &[u8]) -> bool {
    if line.contains(&b'\t') {
        return false;
    }
    let fields: Vec<&[u8]> = line
        .split(|b| b.is_ascii_whitespace())
        .filter(|f| !f.is_empty())
        .collect();
    let is_integer = |f: &[u8]| {
        let digits = f.strip_prefix(b"-").unwrap_or(f);
        !digits.is_empty() && digits.iter().all(u8::is_ascii_digit)
    };
    fields.len() == 2
        && fields.iter().all(|f| is_integer(f))
        && fields.iter().any(|f| f.starts_with(b"-"))
}

/// Rejects a header whose matrix could not exist: more than [`MAX_DIM`] dimensions or more
/// values than fit in memory. Truncation is reported separately (and more helpfully) by the
/// readers once they know how much data there really is.
pub(crate) fn check_header_plausible(path: &Path, header: &Header) -> Result<(), FormatError> {
    let values = header.rows.checked_mul(header.dim as u64);
    let reason = if header.dim > MAX_DIM {
        format!("(more than {MAX_DIM} dimensions)")
    } else if values.is_none_or(|v| v.checked_mul(4).is_none_or(|b| b > isize::MAX as u64)) {
        "(the matrix would not fit in memory)".to_owned()
    } else {
        return Ok(());
    };
    Err(FormatError::parse(
        path,
        Location::Line(1),
        Problem::AbsurdHeader {
            rows: header.rows,
            dim: header.dim as u64,
            reason,
        },
    ))
}

/// What the rows look like.
pub(crate) struct RowSpec {
    /// Rows start with a word (word2vec, GloVe) or are values only (TSV).
    pub has_word: bool,
    pub dim: usize,
    pub lossy: bool,
}

/// One chunk of a block: whole lines only.
struct Chunk<'a> {
    bytes: &'a [u8],
    /// Absolute offset of `bytes` in the file.
    offset: u64,
    /// 1-based line number of the chunk's first line.
    first_line: u64,
    lines: usize,
}

/// Parses every line of `region` (complete lines, starting at file offset `region_offset` and
/// line `first_line`) in parallel, appending to `parsed`. Returns the number of lines.
fn parse_block(
    path: &Path,
    region: &[u8],
    region_offset: u64,
    first_line: u64,
    spec: &RowSpec,
    parsed: &mut Parsed,
) -> Result<usize, FormatError> {
    let mut chunks = split_chunks(region, region_offset);
    // Pass 1: lines per chunk, so each chunk knows where its rows go.
    chunks.par_iter_mut().for_each(|chunk| {
        let newlines = memchr::memchr_iter(b'\n', chunk.bytes).count();
        chunk.lines = newlines + usize::from(chunk.bytes.last() != Some(&b'\n'));
    });
    let mut lines = 0usize;
    for chunk in &mut chunks {
        chunk.first_line = first_line + lines as u64;
        lines += chunk.lines;
    }
    // Every row needs at least `2 * tokens - 1` bytes plus its newline. If the block is too
    // small for that many rows, some lines are blank or short: report the first one rather
    // than allocating for rows that cannot exist (a million blank lines must not cost GBs).
    let tokens_per_row = spec.dim + usize::from(spec.has_word);
    let min_bytes = (lines as u128) * (2 * tokens_per_row as u128);
    if (region.len() as u128) + 1 < min_bytes {
        return Err(first_short_line_error(path, &chunks, spec, tokens_per_row));
    }
    let old_len = parsed.values.len();
    let new_len = lines
        .checked_mul(spec.dim)
        .and_then(|n| n.checked_add(old_len))
        .ok_or_else(|| {
            FormatError::parse(
                path,
                Location::File,
                Problem::SizeMismatch("too many values".into()),
            )
        })?;
    parsed.values.resize(new_len, 0.0);
    // Pass 2: parse each chunk into its own rows of the matrix.
    let mut slices = Vec::with_capacity(chunks.len());
    let mut rest = &mut parsed.values[old_len..];
    for chunk in &chunks {
        let (mine, others) = rest.split_at_mut(chunk.lines * spec.dim);
        slices.push(mine);
        rest = others;
    }
    let results: Vec<Result<Vec<String>, FormatError>> = chunks
        .par_iter()
        .zip(slices.into_par_iter())
        .map(|(chunk, out)| parse_chunk(path, chunk, spec, out))
        .collect();
    for result in results {
        parsed.words.extend(result?);
    }
    Ok(lines)
}

/// The error for the first line too short to hold a row (see [`parse_block`]).
fn first_short_line_error(
    path: &Path,
    chunks: &[Chunk],
    spec: &RowSpec,
    tokens_per_row: usize,
) -> FormatError {
    let mut row = vec![0.0f32; spec.dim];
    for chunk in chunks {
        let mut line_start = 0;
        for index in 0..chunk.lines {
            let rest = &chunk.bytes[line_start..];
            let line_len = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
            if line_len + 1 < 2 * tokens_per_row {
                let single = Chunk {
                    bytes: &rest[..line_len],
                    offset: chunk.offset + line_start as u64,
                    first_line: chunk.first_line + index as u64,
                    lines: 1,
                };
                if let Err(err) = parse_chunk(path, &single, spec, &mut row) {
                    return err;
                }
            }
            line_start += line_len + 1;
        }
    }
    // Unreachable by the byte count argument; a sensible error all the same.
    FormatError::parse(
        path,
        Location::File,
        Problem::SizeMismatch("rows shorter than their values allow".into()),
    )
}

/// Cuts `region` into chunks that end just after a newline.
fn split_chunks(region: &[u8], region_offset: u64) -> Vec<Chunk<'_>> {
    let len = region.len();
    if len == 0 {
        return Vec::new();
    }
    let wanted = (rayon::current_num_threads() * CHUNKS_PER_THREAD)
        .min(len / MIN_CHUNK_BYTES)
        .max(1);
    let mut chunks = Vec::with_capacity(wanted);
    let mut chunk_start = 0;
    let mut push = |start: usize, end: usize| {
        chunks.push(Chunk {
            bytes: &region[start..end],
            offset: region_offset + start as u64,
            first_line: 0,
            lines: 0,
        })
    };
    for k in 1..wanted {
        let target = (len * k / wanted).max(chunk_start);
        let Some(newline) = memchr::memchr(b'\n', &region[target..]) else {
            break;
        };
        let chunk_end = target + newline + 1;
        if chunk_end >= len {
            break;
        }
        push(chunk_start, chunk_end);
        chunk_start = chunk_end;
    }
    push(chunk_start, len);
    chunks
}

/// Parses the lines of one chunk into `out` (its rows), returning the words.
fn parse_chunk(
    path: &Path,
    chunk: &Chunk,
    spec: &RowSpec,
    out: &mut [f32],
) -> Result<Vec<String>, FormatError> {
    let mut words = Vec::with_capacity(if spec.has_word { chunk.lines } else { 0 });
    let mut line_start = 0;
    for (index, row_out) in out.chunks_exact_mut(spec.dim.max(1)).enumerate() {
        let rest = &chunk.bytes[line_start..];
        let line_len = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
        let line = &rest[..line_len];
        let line_no = chunk.first_line + index as u64;
        let line_offset = chunk.offset + line_start as u64;
        let fail = |problem| FormatError::parse(path, Location::Line(line_no), problem);
        let mut pos = skip_separators(line, 0);
        if pos == line.len() {
            return Err(fail(Problem::EmptyLine));
        }
        if spec.has_word {
            let word_end = find_separator(line, pos);
            let word = &line[pos..word_end];
            let word = match std::str::from_utf8(word) {
                Ok(word) => word.to_owned(),
                Err(_) if spec.lossy => String::from_utf8_lossy(word).into_owned(),
                Err(err) => {
                    return Err(FormatError::parse(
                        path,
                        Location::LineOffset {
                            line: line_no,
                            offset: line_offset + (pos + err.valid_up_to()) as u64,
                        },
                        Problem::InvalidUtf8,
                    ));
                }
            };
            words.push(word);
            pos = word_end;
        }
        parse_values(line, pos, row_out).map_err(fail)?;
        line_start += line_len + 1;
    }
    Ok(words)
}

/// Parses the whitespace-separated values of `line[pos..]` into `row`, which must be filled
/// exactly.
#[inline]
fn parse_values(line: &[u8], mut pos: usize, row: &mut [f32]) -> Result<(), Problem> {
    let mut count = 0;
    loop {
        pos = skip_separators(line, pos);
        if pos >= line.len() {
            break;
        }
        // Fast path: a plain decimal that ends at a separator.
        let (value, end) = match parse_prefix(&line[pos..]) {
            Some((value, used)) if is_boundary(line, pos + used) => (value, pos + used),
            _ => {
                let end = find_separator(line, pos);
                let token = &line[pos..end];
                let value = parse_f32(token).ok_or_else(|| Problem::NotANumber {
                    token: shorten(token),
                })?;
                (value, end)
            }
        };
        if !value.is_finite() {
            return Err(Problem::NotFinite {
                token: shorten(&line[pos..end]),
            });
        }
        if let Some(slot) = row.get_mut(count) {
            *slot = value;
        }
        count += 1;
        pos = end;
    }
    if count != row.len() {
        return Err(Problem::WrongWidth {
            expected: row.len(),
            found: count,
        });
    }
    Ok(())
}

#[inline]
fn is_separator(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\r')
}

#[inline]
fn is_boundary(line: &[u8], pos: usize) -> bool {
    line.get(pos).is_none_or(|&b| is_separator(b))
}

#[inline]
fn skip_separators(line: &[u8], mut pos: usize) -> usize {
    while line.get(pos).is_some_and(|&b| is_separator(b)) {
        pos += 1;
    }
    pos
}

#[inline]
fn find_separator(line: &[u8], mut pos: usize) -> usize {
    while line.get(pos).is_some_and(|&b| !is_separator(b)) {
        pos += 1;
    }
    pos
}

/// The first line of `data`, without its newline (and without a trailing `\r`).
pub(crate) fn first_line_of(data: &[u8]) -> &[u8] {
    let line = &data[..memchr::memchr(b'\n', data).unwrap_or(data.len())];
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Number of whitespace-separated tokens in a line.
pub(crate) fn count_tokens(line: &[u8]) -> usize {
    let mut count = 0;
    let mut pos = skip_separators(line, 0);
    while pos < line.len() {
        count += 1;
        pos = skip_separators(line, find_separator(line, pos));
    }
    count
}

fn line_too_long(path: &Path, line: u64) -> FormatError {
    FormatError::parse(
        path,
        Location::Line(line),
        Problem::LineTooLong {
            max_bytes: MAX_LINE_BYTES,
        },
    )
}

/// A token for an error message: lossy UTF-8, at most [`MAX_TOKEN_IN_MESSAGE`] characters
/// (a 50 MB token must not become a 50 MB message).
pub(crate) fn shorten(token: &[u8]) -> String {
    // At most 4 bytes a character: no need to decode more than that.
    let prefix = &token[..token.len().min(4 * MAX_TOKEN_IN_MESSAGE + 4)];
    let text = String::from_utf8_lossy(prefix);
    if prefix.len() == token.len() && text.chars().count() <= MAX_TOKEN_IN_MESSAGE {
        text.into_owned()
    } else {
        let mut short: String = text.chars().take(MAX_TOKEN_IN_MESSAGE).collect();
        short.push('…');
        short
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{expect_error, fixture, load_default};
    use super::super::{Format, LoadOptions};
    use super::BLOCK_BYTES;

    fn w2v() -> LoadOptions {
        LoadOptions {
            format: Some(Format::Word2VecText),
            ..LoadOptions::default()
        }
    }

    #[test]
    fn reads_word2vec_text() {
        let dir = tempfile::tempdir().unwrap();
        let path = fixture(
            dir.path(),
            "v.txt",
            "3 2\r\nking 0.5 -1.25\r\n巴黎 1e-3 2\r\nx\t3 4\r\n\n",
        );
        let loaded = load_default(&path).unwrap();
        assert_eq!(loaded.format, Format::Word2VecText);
        assert_eq!(loaded.embeddings.words(), ["king", "巴黎", "x"]);
        assert_eq!(loaded.embeddings.row(1).to_vec(), [1e-3, 2.0]);
        assert_eq!(loaded.embeddings.row(0).to_vec(), [0.5, -1.25]);
        assert!(loaded.warnings.is_empty());
    }

    #[test]
    fn reads_glove_without_trailing_newline() {
        let dir = tempfile::tempdir().unwrap();
        let path = fixture(dir.path(), "g.txt", "the 0.1 0.2 0.3\n, -1 -2 -3");
        let loaded = load_default(&path).unwrap();
        assert_eq!(loaded.format, Format::GloveText);
        assert_eq!(loaded.embeddings.dim(), 3);
        assert_eq!(
            loaded.embeddings.vector(",").unwrap().to_vec(),
            [-1.0, -2.0, -3.0]
        );
    }

    #[test]
    fn many_chunks_keep_order_and_line_numbers() {
        // > 1 MiB so the body is split across several parallel chunks.
        let dir = tempfile::tempdir().unwrap();
        let rows = 40_000;
        let mut text = format!("{rows} 3\n");
        for row in 0..rows {
            text.push_str(&format!("w{row} {row} 0.25 -{row}.5\n"));
        }
        let path = fixture(dir.path(), "big.txt", &text);
        let loaded = load_default(&path).unwrap();
        assert_eq!(loaded.embeddings.len(), rows);
        assert_eq!(
            loaded.embeddings.vector("w31234").unwrap().to_vec(),
            [31234.0, 0.25, -31234.5]
        );
        // An error deep in the file reports its true line number.
        let bad = text.replace("w30000 30000 ", "w30000 oops ");
        let path = fixture(dir.path(), "bad.txt", bad);
        expect_error(&path, &w2v(), &["line 30002", "\"oops\" is not a number"]);
    }

    #[test]
    fn long_lines_and_blank_tails_across_blocks() {
        let dir = tempfile::tempdir().unwrap();
        // A row longer than a block, then many blank lines that span a block boundary.
        let dim = BLOCK_BYTES / 2;
        let long_row = vec!["0.5"; dim].join(" ");
        let text = format!(
            "long {long_row}\nshort {long_row}\n{}",
            "\n \r\n".repeat(BLOCK_BYTES)
        );
        let path = fixture(dir.path(), "long.txt", &text);
        let loaded = load_default(&path).unwrap();
        assert_eq!(loaded.embeddings.len(), 2);
        assert_eq!(loaded.embeddings.dim(), dim);
        // The same blank lines followed by one more row are an error at the first blank line.
        let path = fixture(dir.path(), "gap.txt", format!("{text}x {long_row}\n"));
        let glove = LoadOptions {
            format: Some(Format::GloveText),
            ..LoadOptions::default()
        };
        expect_error(&path, &glove, &["line 3", "empty line"]);
    }

    #[test]
    fn truncated_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = fixture(dir.path(), "t.txt", "5 2\na 1 2\nb 3 4\nc 5 6\n");
        expect_error(
            &path,
            &w2v(),
            &["line 5", "truncated", "promises 5 rows", "only 3"],
        );
    }

    #[test]
    fn more_rows_than_header() {
        let dir = tempfile::tempdir().unwrap();
        let path = fixture(dir.path(), "m.txt", "1 2\na 1 2\nb 3 4\n");
        expect_error(&path, &w2v(), &["line 3", "promises 1 rows", "more (2)"]);
    }

    #[test]
    fn wrong_width() {
        let dir = tempfile::tempdir().unwrap();
        let path = fixture(dir.path(), "w.txt", "2 3\na 1 2 3\nb 1 2\n");
        expect_error(&path, &w2v(), &["line 3", "expected 3 values, found 2"]);
        let path = fixture(dir.path(), "w2.txt", "a 1 2 3\nb 1 2 3 4\n");
        expect_error(
            &path,
            &LoadOptions::default(),
            &["line 2", "expected 3 values, found 4"],
        );
    }

    #[test]
    fn not_a_number() {
        let dir = tempfile::tempdir().unwrap();
        let path = fixture(dir.path(), "n.txt", "2 2\na 1 2\nb 1 x7\n");
        expect_error(&path, &w2v(), &["line 3", "\"x7\" is not a number"]);
    }

    #[test]
    fn nan_and_infinity() {
        let dir = tempfile::tempdir().unwrap();
        for token in ["nan", "NaN", "inf", "-infinity", "1e99"] {
            let path = fixture(dir.path(), "nan.txt", format!("2 2\na 1 2\nb 1 {token}\n"));
            expect_error(&path, &w2v(), &["line 3", token, "not finite"]);
        }
    }

    #[test]
    fn duplicate_words_warn_and_keep_first() {
        let dir = tempfile::tempdir().unwrap();
        let path = fixture(dir.path(), "d.txt", "3 1\na 1\nb 2\na 3\n");
        let loaded = load_default(&path).unwrap();
        assert_eq!(loaded.embeddings.words(), ["a", "b"]);
        assert_eq!(loaded.embeddings.vector("a").unwrap()[0], 1.0);
        assert_eq!(loaded.warnings.len(), 1);
        let warning = &loaded.warnings[0];
        assert!(
            warning.contains("d.txt") && warning.contains("line 4"),
            "{warning}"
        );
        assert!(warning.contains("duplicate word \"a\"") && warning.contains("line 2"));
    }

    #[test]
    fn invalid_utf8_word_and_lossy() {
        let dir = tempfile::tempdir().unwrap();
        let path = fixture(dir.path(), "u.txt", b"2 1\nok 1\nab\xffc 2\n");
        // "2 1\n" = 4 bytes, "ok 1\n" = 5 bytes, then "ab" → the bad byte is at offset 11.
        expect_error(
            &path,
            &w2v(),
            &["line 3", "byte offset 11", "not valid UTF-8"],
        );
        let lossy = LoadOptions {
            lossy: true,
            ..LoadOptions::default()
        };
        let loaded = super::super::load(&path, &lossy).unwrap();
        assert_eq!(loaded.embeddings.words(), ["ok", "ab\u{FFFD}c"]);
    }

    #[test]
    fn empty_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = fixture(dir.path(), "e.txt", "");
        expect_error(&path, &LoadOptions::default(), &["empty"]);
        let path = fixture(dir.path(), "e2.txt", " \n\n");
        expect_error(&path, &w2v(), &["empty"]);
        let glove = LoadOptions {
            format: Some(Format::GloveText),
            ..LoadOptions::default()
        };
        expect_error(&path, &glove, &["empty"]);
    }

    #[test]
    fn empty_line_in_the_middle() {
        let dir = tempfile::tempdir().unwrap();
        let path = fixture(dir.path(), "b.txt", "3 1\na 1\n\nb 2\n");
        expect_error(&path, &w2v(), &["line 3", "empty line"]);
    }

    #[test]
    fn absurd_and_bad_headers() {
        let dir = tempfile::tempdir().unwrap();
        let path = fixture(dir.path(), "h.txt", "99999999999 99999999999\na 1\n");
        expect_error(
            &path,
            &w2v(),
            &["line 1", "absurd header", "more than 1048576"],
        );
        let path = fixture(dir.path(), "h1.txt", "99999999999999999 300\na 1\n");
        expect_error(
            &path,
            &w2v(),
            &["line 1", "absurd header", "not fit in memory"],
        );
        // Plausible-looking but far more rows than the file holds: no huge allocation, just
        // a truncation error.
        let row = vec!["1"; 300].join(" ");
        let path = fixture(dir.path(), "big.txt", format!("99999999999 300\na {row}\n"));
        expect_error(&path, &w2v(), &["line 3", "truncated", "only 1"]);
        let path = fixture(dir.path(), "h0.txt", "1 0\na\n");
        expect_error(
            &path,
            &w2v(),
            &["line 1", "absurd header", "dimension of 0"],
        );
        let path = fixture(dir.path(), "h2.txt", "1 2 3\na 1 2\n");
        expect_error(&path, &w2v(), &["line 1", "bad header"]);
    }

    #[test]
    fn glove_word_without_values() {
        let dir = tempfile::tempdir().unwrap();
        let path = fixture(dir.path(), "nv.txt", "lonely\n");
        let glove = LoadOptions {
            format: Some(Format::GloveText),
            ..LoadOptions::default()
        };
        expect_error(&path, &glove, &["line 1", "no values"]);
    }

    #[test]
    fn progress_reaches_total() {
        use std::sync::{Arc, Mutex};
        let dir = tempfile::tempdir().unwrap();
        let path = fixture(dir.path(), "p.txt", "2 1\na 1\nb 2\n");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&seen);
        let opts = LoadOptions {
            progress: Some(Arc::new(move |done, total| {
                sink.lock().unwrap().push((done, total))
            })),
            ..LoadOptions::default()
        };
        super::super::load(&path, &opts).unwrap();
        let seen = seen.lock().unwrap();
        assert_eq!(seen.last(), Some(&(12, 12)));
        assert!(seen.windows(2).all(|w| w[0].0 <= w[1].0));
    }
}
