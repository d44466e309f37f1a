//! word2vec binary: a `ROWS DIM` text header line, then per row the word, a space, DIM
//! little-endian `f32`s and (in files written by the original tool) a newline.
//!
//! Values are copied in bulk with `f32::from_le_bytes` — no parsing — so loading runs at
//! memory speed and a sequential pass is enough. Word lengths vary, so the exact file size
//! is not known from the header; we check the minimum size up front (so an absurd header never
//! allocates) and that nothing is left over at the end.

use super::assemble::{Parsed, assemble};
use super::error::{Location, Problem};
use super::source::read_all;
use super::text::{check_header_plausible, parse_header};
use super::{Format, FormatError, LoadOptions, Loaded};
use std::path::Path;

/// Every row needs at least a one-byte word and a space besides its values.
const MIN_ROW_OVERHEAD_BYTES: u64 = 2;

/// Loads a word2vec binary file.
pub(crate) fn load(path: &Path, opts: &LoadOptions) -> Result<Loaded, FormatError> {
    let (data, progress) = read_all(path, opts.progress.as_ref())?;
    if data.is_empty() {
        return Err(FormatError::parse(path, Location::File, Problem::Empty));
    }
    let header = parse_header(path, &data)?;
    let dim = header.dim;
    let row_value_bytes = dim as u64 * 4;
    let body_bytes = data.len() - header.line_bytes;
    check_header_plausible(path, &header)?;
    let min_bytes = header
        .rows
        .saturating_mul(row_value_bytes + MIN_ROW_OVERHEAD_BYTES);
    if min_bytes > body_bytes as u64 {
        return Err(FormatError::parse(
            path,
            Location::File,
            Problem::SizeMismatch(format!(
                "the header promises {} rows x {dim} dimensions (at least {} bytes) but the \
                 file is {} bytes: truncated or not a word2vec binary file",
                header.rows,
                min_bytes.saturating_add(header.line_bytes as u64),
                data.len()
            )),
        ));
    }
    // Bounded by the file size thanks to the check above.
    let rows = header.rows as usize;
    let mut words = Vec::with_capacity(rows);
    let mut row_offsets = Vec::with_capacity(rows);
    let mut values = Vec::with_capacity(rows * dim);
    let mut pos = header.line_bytes;
    for row in 0..rows {
        // The newline after the previous row's values is optional.
        while data.get(pos) == Some(&b'\n') {
            pos += 1;
        }
        row_offsets.push(pos);
        let fail = |offset: usize, problem| {
            FormatError::parse(path, Location::Offset(offset as u64), problem)
        };
        let Some(space) = memchr::memchr(b' ', &data[pos..]) else {
            return Err(fail(
                pos,
                Problem::Truncated {
                    expected: header.rows,
                    found: row as u64,
                },
            ));
        };
        let word = &data[pos..pos + space];
        let word = match std::str::from_utf8(word) {
            Ok(word) => word.to_owned(),
            Err(_) if opts.lossy => String::from_utf8_lossy(word).into_owned(),
            Err(err) => return Err(fail(pos + err.valid_up_to(), Problem::InvalidUtf8)),
        };
        let values_start = pos + space + 1;
        let values_end = values_start + dim * 4;
        let Some(raw) = data.get(values_start..values_end) else {
            return Err(fail(
                values_start,
                Problem::Truncated {
                    expected: header.rows,
                    found: row as u64,
                },
            ));
        };
        let before = values.len();
        values.extend(
            raw.chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])),
        );
        if let Some(bad) = values[before..].iter().position(|v| !v.is_finite()) {
            return Err(fail(
                values_start + bad * 4,
                Problem::NotFinite {
                    token: values[before + bad].to_string(),
                },
            ));
        }
        words.push(word);
        pos = values_end;
    }
    let trailing = &data[pos.min(data.len())..];
    if !trailing.iter().all(u8::is_ascii_whitespace) {
        return Err(FormatError::parse(
            path,
            Location::Offset(pos as u64),
            Problem::SizeMismatch(format!(
                "{} bytes left after the {} rows x {dim} dimensions the header promises: the \
                 file is larger than its header says",
                trailing.len(),
                header.rows
            )),
        ));
    }
    progress.finish();
    assemble(
        path,
        Format::Word2VecBinary,
        Parsed { words, values, dim },
        |row| format!("byte offset {}", row_offsets.get(row).copied().unwrap_or(0)),
        None,
        Vec::new(),
    )
}
