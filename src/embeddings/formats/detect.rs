//! Format sniffing from a file's first bytes.
//!
//! Extensions lie (`.txt` is used for both word2vec and GloVe, fastText's `.vec` is word2vec
//! text), so the content decides: a `ROWS DIM` first line means word2vec, text or binary
//! depending on whether what follows is text; tab-separated numbers mean Projector TSV; a
//! word followed by numbers means GloVe. The extension only breaks ties.

use super::error::{Location, Problem};
use super::float::parse_f32;
use super::source::read_head;
use super::text::{count_tokens, first_line_of};
use super::{Format, FormatError};
use std::path::Path;

/// How much of the file to look at: enough for a header and a few long rows.
const SNIFF_BYTES: u64 = 64 * 1024;

/// Detects the format of the file at `path` from its content.
pub fn detect(path: &Path) -> Result<Format, FormatError> {
    let head = read_head(path, SNIFF_BYTES)?;
    detect_bytes(path, &head)
}

/// [`detect`] on already-read leading bytes (`path` is for the extension and messages).
pub(crate) fn detect_bytes(path: &Path, head: &[u8]) -> Result<Format, FormatError> {
    let by_extension = Format::from_extension(path);
    let data = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    if data.iter().all(u8::is_ascii_whitespace) {
        return Err(FormatError::parse(path, Location::File, Problem::Empty));
    }
    let first = first_line_of(data);
    if is_count_header(first) {
        let header_bytes = memchr::memchr(b'\n', data).map_or(data.len(), |n| n + 1);
        let rest = &data[header_bytes..];
        if rest.iter().all(u8::is_ascii_whitespace) {
            return Ok(if by_extension == Some(Format::Word2VecBinary) {
                Format::Word2VecBinary
            } else {
                Format::Word2VecText
            });
        }
        // Skip the word (it may hold bad UTF-8, which lossy loading tolerates): in a text file
        // the rest of the first row is numbers, in a binary one packed floats.
        let row = first_line_of(rest);
        let after_word = row
            .iter()
            .position(|&b| b == b' ' || b == b'\t')
            .map_or(&row[row.len()..], |space| &row[space..]);
        let text_row =
            looks_textual(after_word) && is_word_and_numbers(&[b"w", after_word].concat());
        return Ok(if text_row {
            Format::Word2VecText
        } else {
            Format::Word2VecBinary
        });
    }
    if !looks_textual(first) {
        return Err(unrecognised(path, "the first line is not text"));
    }
    let tab_fields_are_numbers = first.split(|&b| b == b'\t').all(is_number);
    if tab_fields_are_numbers
        && (first.contains(&b'\t')
            || by_extension == Some(Format::ProjectorTsv)
            || count_tokens(first) == 1)
    {
        return Ok(Format::ProjectorTsv);
    }
    if is_word_and_numbers(first) {
        return Ok(Format::GloveText);
    }
    Err(unrecognised(
        path,
        "the first line is neither a `ROWS DIM` header, a word followed by numbers, nor \
         tab-separated numbers",
    ))
}

fn unrecognised(path: &Path, why: &str) -> FormatError {
    FormatError::parse(path, Location::File, Problem::Unrecognised(why.to_owned()))
}

/// Exactly two unsigned integers separated by spaces (a tab-separated pair is a TSV row).
fn is_count_header(line: &[u8]) -> bool {
    if line.contains(&b'\t') {
        return false;
    }
    let mut fields = line
        .split(|b| b.is_ascii_whitespace())
        .filter(|f| !f.is_empty());
    let is_integer = |f: &[u8]| f.iter().all(u8::is_ascii_digit);
    matches!(
        (fields.next(), fields.next(), fields.next()),
        (Some(a), Some(b), None) if is_integer(a) && is_integer(b)
    )
}

/// A non-numeric-or-numeric word followed by at least one number.
fn is_word_and_numbers(line: &[u8]) -> bool {
    let mut fields = line
        .split(|b| b.is_ascii_whitespace())
        .filter(|f| !f.is_empty());
    fields.next().is_some() && {
        let mut numbers = 0;
        fields.all(|f| {
            numbers += 1;
            is_number(f)
        }) && numbers > 0
    }
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
