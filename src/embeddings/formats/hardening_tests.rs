//! One test per class of bad or unusual input found by a hostile trial of the readers (issue
//! "Hardening"): each names the file, the input and the message fragment expected.

use super::test_util::{expect_error, fixture, load_default};
use super::{Format, LoadOptions, load};
use std::io::Write;

fn forced(format: Format) -> LoadOptions {
    LoadOptions {
        format: Some(format),
        ..LoadOptions::default()
    }
}

/// `rows` rows of `dim` values, with or without a `ROWS DIM` header.
fn wide_text(rows: usize, dim: usize, header: bool) -> String {
    let mut text = if header {
        format!("{rows} {dim}\n")
    } else {
        String::new()
    };
    for row in 0..rows {
        text.push_str(&format!("w{row}"));
        for col in 0..dim {
            text.push_str(&format!(" {}", (row * dim + col) % 97));
        }
        text.push('\n');
    }
    text
}

#[test]
fn rows_longer_than_any_sniffing_prefix_load() {
    // 20,000 dimensions: the first row is ~60 KB, past the old 64 KiB prefix with a header.
    let dir = tempfile::tempdir().unwrap();
    for (name, header, format) in [
        ("w2v.txt", true, Format::Word2VecText),
        ("glove.txt", false, Format::GloveText),
    ] {
        let path = fixture(dir.path(), name, wide_text(3, 20_000, header));
        let loaded = load_default(&path).unwrap();
        assert_eq!(loaded.format, format);
        assert_eq!(loaded.embeddings.dim(), 20_000);
        let w2 = loaded.embeddings.vector("w2").unwrap();
        assert_eq!(w2[0], (2 * 20_000 % 97) as f32);
        assert_eq!(w2[19_999], ((2 * 20_000 + 19_999) % 97) as f32);
    }
}

#[test]
fn very_long_first_word_loads() {
    let dir = tempfile::tempdir().unwrap();
    let word = "ω".repeat(100_000); // 200 KB
    let path = fixture(dir.path(), "long.txt", format!("2 2\n{word} 1 2\nb 3 4\n"));
    let loaded = load_default(&path).unwrap();
    assert_eq!(loaded.format, Format::Word2VecText);
    assert_eq!(
        loaded.embeddings.vector(&word).unwrap().to_vec(),
        [1.0, 2.0]
    );
    let path = fixture(dir.path(), "long_glove.txt", format!("{word} 1 2\nb 3 4\n"));
    assert_eq!(load_default(&path).unwrap().format, Format::GloveText);
}

#[test]
fn blank_second_line_is_text_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = fixture(dir.path(), "blank.txt", "2 2\n\na 1 2\nb 3 4\n");
    assert_eq!(super::detect(&path).unwrap(), Format::Word2VecText);
    let err = expect_error(&path, &LoadOptions::default(), &["line 2", "empty line"]);
    assert!(!err.contains("byte offset"), "{err}");
}

#[test]
fn tab_inside_first_word_is_text() {
    let dir = tempfile::tempdir().unwrap();
    let path = fixture(dir.path(), "tab.txt", "1 2\nfoo\tbar 0.5 0.5\n");
    assert_eq!(super::detect(&path).unwrap(), Format::Word2VecText);
    let err = expect_error(&path, &LoadOptions::default(), &["line 2"]);
    assert!(!err.contains("byte offset"), "{err}");
}

#[test]
fn mistyped_headers_are_named_on_line_1() {
    let dir = tempfile::tempdir().unwrap();
    for header in ["2 -3", "2 3.0", "2 3 7"] {
        let path = fixture(
            dir.path(),
            "h.txt",
            format!("{header}\nking 1 2 3\nqueen 4 5 6\n"),
        );
        let err = expect_error(&path, &LoadOptions::default(), &["line 1", "bad header"]);
        assert!(err.contains(header), "{err}");
        assert!(!err.contains("line 2"), "{err}");
    }
    // A GloVe file whose first word is a number is still GloVe.
    let path = fixture(dir.path(), "numeric.txt", "2 0.5 0.25\nthe 0.1 0.2\n");
    assert_eq!(load_default(&path).unwrap().format, Format::GloveText);
}

#[test]
fn negative_headers_are_bad_headers_not_glove_rows() {
    let dir = tempfile::tempdir().unwrap();
    // Rows as wide as the header line: only the sign can tell a header from a GloVe row.
    for header in ["-2 3", "2 -3", "-2 -3"] {
        let path = fixture(dir.path(), "neg.txt", format!("{header}\na 1\nb 2\n"));
        for opts in [LoadOptions::default(), forced(Format::Word2VecText)] {
            let err = expect_error(&path, &opts, &["line 1: bad header", "negative"]);
            assert!(err.contains(header), "{err}");
        }
    }
    let mut binary = b"2 -3\na ".to_vec();
    binary.extend_from_slice(&1.0f32.to_le_bytes());
    let path = fixture(dir.path(), "neg.bin", binary);
    expect_error(
        &path,
        &forced(Format::Word2VecBinary),
        &["line 1: bad header", "negative"],
    );
}

#[test]
fn gzip_files_load_directly() {
    let dir = tempfile::tempdir().unwrap();
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(b"2 2\nking 1 2\nqueen 3 4\n").unwrap();
    let path = fixture(dir.path(), "v.txt.gz", encoder.finish().unwrap());
    let loaded = load_default(&path).unwrap();
    assert_eq!(loaded.format, Format::Word2VecText);
    assert_eq!(
        loaded.embeddings.vector("queen").unwrap().to_vec(),
        [3.0, 4.0]
    );
    // Binary inside gzip: the size check cannot use the file size; truncation is still found.
    let mut bytes = b"3 2\na ".to_vec();
    bytes.extend(1.5f32.to_le_bytes());
    bytes.extend(2.5f32.to_le_bytes());
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(&bytes).unwrap();
    let path = fixture(dir.path(), "cut.bin.gz", encoder.finish().unwrap());
    expect_error(&path, &LoadOptions::default(), &["truncated", "only 1"]);
}

/// A FIFO stands in for `cat v.txt | embedscape info /dev/stdin`: it can be read only once.
#[cfg(unix)]
#[test]
fn pipes_are_read_once() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|status| status.success()) {
        return; // no mkfifo here
    }
    let writer_path = fifo.clone();
    let writer = std::thread::spawn(move || {
        let mut pipe = std::fs::OpenOptions::new()
            .write(true)
            .open(writer_path)
            .unwrap();
        pipe.write_all(wide_text(50, 3000, true).as_bytes())
            .unwrap();
    });
    let loaded = load_default(&fifo).unwrap();
    writer.join().unwrap();
    assert_eq!(loaded.format, Format::Word2VecText);
    assert_eq!(loaded.embeddings.len(), 50);
    assert_eq!(loaded.embeddings.dim(), 3000);
}

#[test]
fn endless_line_is_an_error_not_a_memory_hog() {
    // `/dev/zero` read as GloVe: no newline ever. (The test limit is 1 MiB, the real 64 MiB.)
    let dir = tempfile::tempdir().unwrap();
    let zeros = vec![0u8; 2 * super::text::MAX_LINE_BYTES];
    let path = fixture(dir.path(), "zero", &zeros);
    expect_error(
        &path,
        &forced(Format::GloveText),
        &["line 1", "longer than"],
    );
    // A long line later in the file names its line.
    let mut text = b"a 1\nb 2\nc ".to_vec();
    text.extend(std::iter::repeat_n(b'1', 2 * super::text::MAX_LINE_BYTES));
    let path = fixture(dir.path(), "late.txt", &text);
    expect_error(
        &path,
        &forced(Format::GloveText),
        &["line 3", "longer than"],
    );
}

#[test]
fn empty_words_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = b"2 1\nok ".to_vec();
    bytes.extend(1.0f32.to_le_bytes());
    bytes.extend(b"\n ");
    bytes.extend(2.0f32.to_le_bytes());
    let path = fixture(dir.path(), "empty.bin", &bytes);
    expect_error(
        &path,
        &forced(Format::Word2VecBinary),
        &["byte offset 12", "empty word"],
    );
    let vectors = fixture(dir.path(), "vectors.tsv", "1\t2\n3\t4\n");
    fixture(dir.path(), "vectors_metadata.tsv", "king\n\n");
    let err = load_default(&vectors).unwrap_err().to_string();
    assert!(
        err.contains("vectors_metadata.tsv: line 2: an empty word"),
        "{err}"
    );
    fixture(
        dir.path(),
        "vectors_metadata.tsv",
        "word\tpos\nking\tn\n\tv\n",
    );
    let err = load_default(&vectors).unwrap_err().to_string();
    assert!(err.contains("line 3: an empty word"), "{err}");
}

/// Realistic values: small, of both signs, never exactly representable patterns.
fn realistic_values(count: usize) -> Vec<f32> {
    (0..count)
        .map(|i| ((i * 7919 % 1000) as f32 - 500.0) / 1234.5)
        .collect()
}

fn binary_with(rows: usize, dim: usize, encode: impl Fn(f32) -> Vec<u8>) -> Vec<u8> {
    let values = realistic_values(rows * dim);
    let mut bytes = format!("{rows} {dim}\n").into_bytes();
    for row in 0..rows {
        bytes.extend(format!("w{row} ").as_bytes());
        for v in &values[row * dim..(row + 1) * dim] {
            bytes.extend(encode(*v));
        }
        bytes.push(b'\n');
    }
    bytes
}

#[test]
fn byte_swapped_or_float64_binaries_are_diagnosed() {
    let dir = tempfile::tempdir().unwrap();
    let say = "not little-endian f32";
    // The honest file loads without a warning.
    let good = fixture(
        dir.path(),
        "good.bin",
        binary_with(20, 50, |v| v.to_le_bytes().to_vec()),
    );
    let loaded = load_default(&good).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    // Big-endian f32: an error (some value is NaN or infinite) or a warning, never silence.
    let swapped = fixture(
        dir.path(),
        "swapped.bin",
        binary_with(20, 50, |v| v.to_be_bytes().to_vec()),
    );
    match load(&swapped, &forced(Format::Word2VecBinary)) {
        Err(err) => assert!(err.to_string().contains(say), "{err}"),
        Ok(loaded) => assert!(
            loaded.warnings.iter().any(|w| w.contains(say)),
            "{:?}",
            loaded.warnings
        ),
    }
    // Float64: rows twice as long as the header says, so the reader runs into trouble.
    let doubles = fixture(
        dir.path(),
        "f64.bin",
        binary_with(20, 50, |v| f64::from(v).to_le_bytes().to_vec()),
    );
    let err = load(&doubles, &forced(Format::Word2VecBinary))
        .map(|loaded| loaded.warnings.join("; "))
        .unwrap_or_else(|err| err.to_string());
    assert!(err.contains(say), "{err}");
}

#[test]
fn huge_tokens_are_quoted_shortened() {
    let dir = tempfile::tempdir().unwrap();
    // Half the (test) line limit; the real reader takes lines of up to 64 MiB.
    let token = "z".repeat(super::text::MAX_LINE_BYTES / 2);
    let path = fixture(dir.path(), "tok.txt", format!("a 1 2\nb 3 {token}\n"));
    let err = expect_error(&path, &LoadOptions::default(), &["line 2", "not a number"]);
    assert!(err.len() < 300, "message of {} bytes", err.len());
    assert!(err.contains('…'), "{err}");
}
