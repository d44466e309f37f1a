//! Format detection from a file's first complete lines.
//!
//! Extensions lie (`.txt` is used for both word2vec and GloVe, fastText's `.vec` is word2vec
//! text), so the content decides: a `ROWS DIM` first line means word2vec, text or binary
//! depending on whether what follows is text; tab-separated numbers mean Projector TSV; a
//! word followed by numbers means GloVe. The extension only breaks ties.
//!
//! Detection reads whole lines, however long (a 20,000-dimension row is 200 KB), up to
//! [`MAX_LINE_BYTES`]; what it read stays in the [`Input`] for the reader, so a pipe is read
//! once.

use super::error::{Location, Problem};
use super::float::parse_f32;
use super::source::Input;
use super::text::{MAX_DIM, MAX_LINE_BYTES, count_tokens, is_signed_header, shorten};
use super::{Format, FormatError};
use std::path::Path;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Detects the format of the file at `path` from its content.
pub fn detect(path: &Path) -> Result<Format, FormatError> {
    if let Some(table) = Format::table_from_extension(path) {
        return Ok(table);
    }
    let mut input = Input::open(path)?;
    if let Some(table) = detect_table(&mut input)? {
        return Ok(table);
    }
    detect_input(path, &mut input)
}

/// The table format a regular, uncompressed file's signature shows (`\x93NUMPY`, a zip,
/// `PAR1`, `ARROW1`), whatever its name; `None` for anything else (text, word2vec binary).
pub(crate) fn detect_table(input: &mut Input) -> Result<Option<Format>, FormatError> {
    if input.content_bytes.is_none() {
        return Ok(None);
    }
    input.fill_to(8)?;
    let head = input.head();
    let table = if head.starts_with(b"\x93NUMPY") {
        Some(Format::Npy)
    } else if head.starts_with(b"PK\x03\x04") {
        Some(Format::Npz)
    } else if head.starts_with(b"PAR1") {
        Some(Format::Parquet)
    } else if head.starts_with(b"ARROW1") {
        Some(Format::ArrowIpc)
    } else {
        None
    };
    Ok(table)
}

/// [`detect`] on an opened input; what it reads stays in `input` for the reader.
pub(crate) fn detect_input(path: &Path, input: &mut Input) -> Result<Format, FormatError> {
    input.fill_to(UTF8_BOM.len())?;
    let start = if input.head().starts_with(UTF8_BOM) {
        UTF8_BOM.len()
    } else {
        0
    };
    let first_end = line_end(path, input, start, 1)?;
    let head = input.head();
    if input.at_eof() && head[start..].iter().all(u8::is_ascii_whitespace) {
        return Err(FormatError::parse(path, Location::File, Problem::Empty));
    }
    let first = trim_cr(&head[start..first_end]);
    if let Some(dim) = count_header_dim(first) {
        let body = (first_end + 1).min(input.head().len());
        return detect_after_header(path, input, body, dim);
    }
    if is_signed_header(first) {
        return Err(FormatError::parse(
            path,
            Location::Line(1),
            Problem::NegativeHeader {
                header: shorten(first),
            },
        ));
    }
    if !looks_textual(first) {
        return Err(unrecognised(path, "the first line is not text"));
    }
    let by_extension = Format::from_extension(path);
    let tab_fields_are_numbers = first.split(|&b| b == b'\t').all(is_number);
    if tab_fields_are_numbers
        && (first.contains(&b'\t')
            || by_extension == Some(Format::ProjectorTsv)
            || count_tokens(first) == 1)
    {
        return Ok(Format::ProjectorTsv);
    }
    let first_tokens = count_tokens(first);
    let first_shown = shorten(first);
    if looks_like_bad_header(first) && first_end < head.len() {
        // `2 3.0`, `2 -3`, `2 3 7`: a header gone wrong, or a GloVe row whose word is a
        // number? The second line decides: a row of another width means a header.
        let second_start = first_end + 1;
        let second_end = line_end(path, input, second_start, 2)?;
        let head = input.head();
        let second = trim_cr(&head[second_start..second_end]);
        let second_tokens = count_tokens(second);
        if second_tokens > 0 && second_tokens != first_tokens {
            return Err(FormatError::parse(
                path,
                Location::Line(1),
                Problem::BadHeader {
                    header: first_shown,
                },
            ));
        }
    }
    let first = trim_cr(&input.head()[start..first_end]);
    if is_word_and_numbers(first) {
        return Ok(Format::GloveText);
    }
    Err(unrecognised(
        path,
        "the first line is neither a `ROWS DIM` header, a word followed by numbers, nor \
         tab-separated numbers",
    ))
}

/// Word2vec text or binary, from what follows the header at `body`: the first row's word,
/// then either a line of numbers (text) or `4 * dim` bytes of packed floats (binary).
fn detect_after_header(
    path: &Path,
    input: &mut Input,
    body: usize,
    dim: usize,
) -> Result<Format, FormatError> {
    let value_bytes = 4 * dim.min(MAX_DIM);
    loop {
        let rest = &input.head()[body..];
        if input.at_eof() && rest.iter().all(u8::is_ascii_whitespace) {
            // Header only: the extension breaks the tie.
            return Ok(match Format::from_extension(path) {
                Some(Format::Word2VecBinary) => Format::Word2VecBinary,
                _ => Format::Word2VecText,
            });
        }
        if let Some(format) = text_or_binary(rest, value_bytes, input.at_eof()) {
            return Ok(format);
        }
        if input.at_eof() || rest.len() > MAX_LINE_BYTES + value_bytes {
            // Undecided only when everything is text so far: let the text reader report.
            return Ok(Format::Word2VecText);
        }
        input.read_more()?;
    }
}

/// `Some(format)` once `rest` (the bytes after the header) decides it; `None` if more bytes
/// are needed. See [`detect_after_header`].
fn text_or_binary(rest: &[u8], value_bytes: usize, eof: bool) -> Option<Format> {
    // Rows may be separated by extra newlines (binary) or a blank line (text, an error the
    // text reader reports with its line number).
    let newlines = rest.iter().take_while(|&&b| b == b'\n').count();
    let row = &rest[newlines..];
    if row.iter().all(u8::is_ascii_whitespace) {
        if !eof {
            return None;
        }
        return Some(Format::Word2VecText);
    }
    // A binary word ends at a space (a tab belongs to the word); a text word ends at a
    // space or tab, but the values after it are text either way.
    let Some(word_end) = memchr::memchr2(b' ', b'\n', row) else {
        return eof.then_some(Format::Word2VecText);
    };
    if row[word_end] == b'\n' {
        // A word alone on its line: text (and an error the text reader names by line), unless
        // packed floats follow the next space: a binary word with a newline in it, which the
        // binary reader names by row and offset.
        let Some(space) = memchr::memchr(b' ', row) else {
            return eof.then_some(Format::Word2VecText);
        };
        let after = &row[space + 1..];
        let region = &after[..after.len().min(value_bytes)];
        if !looks_textual(region) {
            return Some(Format::Word2VecBinary);
        }
        return (region.len() == value_bytes || eof).then_some(Format::Word2VecText);
    }
    let after = &row[word_end + 1..];
    if let Some(line_len) = memchr::memchr(b'\n', after) {
        let line = trim_cr(&after[..line_len]);
        if count_tokens(line) > 0
            && line
                .split(u8::is_ascii_whitespace)
                .all(|f| f.is_empty() || is_number(f))
        {
            return Some(Format::Word2VecText);
        }
    }
    let region = &after[..after.len().min(value_bytes)];
    if !looks_textual(region) {
        return Some(Format::Word2VecBinary);
    }
    (region.len() == value_bytes || eof).then_some(Format::Word2VecText)
}

/// Index of the newline ending the line that starts at `start` (or the end of the stream),
/// reading as much as needed; a line beyond [`MAX_LINE_BYTES`] is an error.
fn line_end(path: &Path, input: &mut Input, start: usize, line: u64) -> Result<usize, FormatError> {
    let mut searched = start;
    loop {
        let head = input.head();
        if let Some(newline) = memchr::memchr(b'\n', &head[searched..]) {
            return Ok(searched + newline);
        }
        if input.at_eof() {
            return Ok(head.len());
        }
        if head.len() - start > MAX_LINE_BYTES {
            return Err(FormatError::parse(
                path,
                Location::Line(line),
                Problem::LineTooLong {
                    max_bytes: MAX_LINE_BYTES,
                },
            ));
        }
        searched = head.len();
        input.read_more()?;
    }
}

fn trim_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn unrecognised(path: &Path, why: &str) -> FormatError {
    FormatError::parse(path, Location::File, Problem::Unrecognised(why.to_owned()))
}

/// The dimension of a `ROWS DIM` header: exactly two unsigned integers separated by spaces
/// (a tab-separated pair is a TSV row).
fn count_header_dim(line: &[u8]) -> Option<usize> {
    if line.contains(&b'\t') {
        return None;
    }
    let mut fields = line
        .split(|b| b.is_ascii_whitespace())
        .filter(|f| !f.is_empty());
    let is_integer = |f: &[u8]| !f.is_empty() && f.iter().all(u8::is_ascii_digit);
    match (fields.next(), fields.next(), fields.next()) {
        (Some(rows), Some(dim), None) if is_integer(rows) && is_integer(dim) => {
            // Too many digits to fit: absurd, which the reader reports; any size will do here.
            Some(std::str::from_utf8(dim).ok()?.parse().unwrap_or(usize::MAX))
        }
        _ => None,
    }
}

/// Two or three numbers, the first an integer: what a mistyped `ROWS DIM` header looks like
/// (`2 3.0`, `2 -3`, `2 3 7`).
fn looks_like_bad_header(line: &[u8]) -> bool {
    let fields: Vec<&[u8]> = line
        .split(|b| b.is_ascii_whitespace())
        .filter(|f| !f.is_empty())
        .collect();
    (2..=3).contains(&fields.len())
        && fields[0].iter().all(u8::is_ascii_digit)
        && fields.iter().all(|f| is_number(f))
}

/// A word followed by at least one number. The word ends at the first space or tab, or (so a
/// tab inside a word is not mistaken for a separator) at the first space.
fn is_word_and_numbers(line: &[u8]) -> bool {
    let line = line.trim_ascii_start();
    let numbers_after = |word_end: Option<usize>| {
        word_end.is_some_and(|end| {
            let values = &line[end..];
            count_tokens(values) > 0
                && values
                    .split(u8::is_ascii_whitespace)
                    .all(|f| f.is_empty() || is_number(f))
        })
    };
    numbers_after(line.iter().position(|&b| b == b' ' || b == b'\t'))
        || numbers_after(line.iter().position(|&b| b == b' '))
}

fn is_number(field: &[u8]) -> bool {
    let field = field.strip_suffix(b"\r").unwrap_or(field);
    parse_f32(field).is_some()
}

/// Valid UTF-8 (allowing a character cut off at the end of the sample) with no control bytes
/// other than tab and line breaks — packed floats almost always break one of the two.
fn looks_textual(bytes: &[u8]) -> bool {
    let utf8_ok = match std::str::from_utf8(bytes) {
        Ok(_) => true,
        Err(err) => err.error_len().is_none(),
    };
    utf8_ok
        && !bytes
            .iter()
            .any(|&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::embeddings::formats::test_util::fixture;

    fn detect_content(name: &str, bytes: &[u8]) -> Result<Format, FormatError> {
        let dir = tempfile::tempdir().unwrap();
        detect(&fixture(dir.path(), name, bytes))
    }

    #[test]
    fn word2vec_text_with_any_extension() {
        for name in ["a.txt", "a.vec", "a.bin", "a"] {
            assert_eq!(
                detect_content(name, b"2 2\na 1 2\nb 3 4\n").unwrap(),
                Format::Word2VecText
            );
        }
    }

    #[test]
    fn word2vec_binary() {
        let mut bytes = b"1 3\nword ".to_vec();
        for v in [0.25f32, -1.0, 3.5] {
            bytes.extend_from_slice(&v.to_le_bytes());
        }
        assert_eq!(
            detect_content("x.txt", &bytes).unwrap(),
            Format::Word2VecBinary
        );
        // Header only: the extension breaks the tie.
        assert_eq!(
            detect_content("x.bin", b"0 3\n").unwrap(),
            Format::Word2VecBinary
        );
        assert_eq!(
            detect_content("x.txt", b"0 3\n").unwrap(),
            Format::Word2VecText
        );
    }

    #[test]
    fn glove_and_tsv() {
        assert_eq!(
            detect_content("g.txt", b"the 0.1 -2\nof 1 2\n").unwrap(),
            Format::GloveText
        );
        assert_eq!(
            detect_content("g.tsv", b"the 0.1 -2\n").unwrap(),
            Format::GloveText
        );
        assert_eq!(
            detect_content("v.tsv", b"0.1\t-2\n1\t2\n").unwrap(),
            Format::ProjectorTsv
        );
        assert_eq!(
            detect_content("v.txt", b"0.1\t-2\n").unwrap(),
            Format::ProjectorTsv
        );
        assert_eq!(detect_content("v", b"0.5\n").unwrap(), Format::ProjectorTsv);
    }

    #[test]
    fn empty_and_unrecognised() {
        let err = detect_content("e.txt", b"").unwrap_err().to_string();
        assert!(err.contains("e.txt") && err.contains("empty"), "{err}");
        let err = detect_content("p.txt", b"hello world\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("p.txt") && err.contains("cannot tell the format"),
            "{err}"
        );
        let err = detect_content("z.bin", b"\x00\x01\x02")
            .unwrap_err()
            .to_string();
        assert!(err.contains("not text"), "{err}");
    }

    #[test]
    fn format_names_round_trip() {
        for format in Format::ALL {
            assert_eq!(format.to_string().parse::<Format>().unwrap(), format);
        }
        assert!("xml".parse::<Format>().is_err());
    }
}
