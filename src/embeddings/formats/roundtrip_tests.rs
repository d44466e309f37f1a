//! Property test: random embeddings survive every writer + reader unchanged.
//!
//! Text formats are written with the shortest round-trip representation of each `f32`, so
//! exact equality is expected everywhere, not just for binary.

use super::test_util::load_default;
use super::{Format, LoadOptions, load, save};
use crate::embeddings::Embeddings;
use ndarray::Array2;
use proptest::prelude::*;

/// Unique words: ASCII, accents, CJK, emoji, punctuation — anything but whitespace and
/// control characters. The first character is never a BOM, which readers strip at the start of
/// a file.
fn words(max_rows: usize) -> impl Strategy<Value = Vec<String>> {
    prop::collection::hash_set(
        prop_oneof![
            "[a-z]{1,6}",
            "[巴黎東京北京é日本語ß]{1,4}",
            "[!-~]{1,5}",
            "[^\\s\\p{Cc}\\p{Z}\u{FEFF}\u{85}]{1,5}",
        ],
        1..max_rows,
    )
    .prop_map(|set| set.into_iter().collect())
}

fn embeddings() -> impl Strategy<Value = Embeddings> {
    (words(30), 1usize..12).prop_flat_map(|(words, dim)| {
        let rows = words.len();
        prop::collection::vec(
            any::<f32>().prop_filter("finite", |v| v.is_finite()),
            rows * dim,
        )
        .prop_map(move |values| {
            let matrix = Array2::from_shape_vec((rows, dim), values).unwrap();
            Embeddings::from_words(words.clone(), matrix).unwrap()
        })
    })
}

fn assert_same(a: &Embeddings, b: &Embeddings) {
    assert_eq!(a.words(), b.words());
    assert_eq!(a.dim(), b.dim());
    for (x, y) in a.matrix().iter().zip(b.matrix().iter()) {
        assert_eq!(x.to_bits(), y.to_bits(), "{x} vs {y}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_format_round_trips(emb in embeddings()) {
        let dir = tempfile::tempdir().unwrap();
        for (format, name, detect) in [
            (Format::Word2VecText, "v.txt", true),
            (Format::Word2VecBinary, "v.bin", false),
            (Format::GloveText, "g.txt", false),
            (Format::ProjectorTsv, "p.tsv", true),
        ] {
            let path = dir.path().join(name);
            save(&emb, &path, format).unwrap();
            let loaded = if detect {
                load_default(&path).unwrap()
            } else {
                load(&path, &LoadOptions { format: Some(format), ..LoadOptions::default() })
                    .unwrap()
            };
            prop_assert_eq!(loaded.format, format);
            // Arbitrary f32 bit patterns look like a wrongly encoded binary file: that warning
            // is expected, any other is not.
            prop_assert!(
                loaded.warnings.iter().all(|w| w.contains("not little-endian f32")),
                "{:?}",
                loaded.warnings
            );
            assert_same(&emb, &loaded.embeddings);
        }
    }
}

#[test]
fn detects_binary_written_by_save() {
    let dir = tempfile::tempdir().unwrap();
    let emb = Embeddings::from_words(
        vec!["巴黎".into(), "x".into()],
        Array2::from_shape_vec((2, 3), vec![0.5, -1.0, 2.0, 0.0, 1e-3, 7.0]).unwrap(),
    )
    .unwrap();
    let path = dir.path().join("v.bin");
    save(&emb, &path, Format::Word2VecBinary).unwrap();
    let loaded = load_default(&path).unwrap();
    assert_eq!(loaded.format, Format::Word2VecBinary);
    assert_same(&emb, &loaded.embeddings);
}

#[test]
fn tsv_save_writes_sibling_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let emb = Embeddings::from_words(vec!["a b".into()], Array2::zeros((1, 2))).unwrap();
    let path = dir.path().join("vectors.tsv");
    save(&emb, &path, Format::ProjectorTsv).unwrap();
    assert_eq!(
        std::fs::read_to_string(dir.path().join("vectors_metadata.tsv")).unwrap(),
        "a b\n"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "0\t0\n");
    // A word with a space cannot be written to word2vec text.
    let err = save(&emb, &dir.path().join("v.txt"), Format::Word2VecText).unwrap_err();
    assert!(err.to_string().contains("cannot be written"), "{err}");
    assert!(!dir.path().join("v.txt").exists());
}

/// Bytes that look a bit like an embeddings file: headers, words, numbers, odd separators,
/// invalid UTF-8 and packed floats, in random order.
fn file_like_bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"3 2\n".to_vec()),
        Just(b"0 1\n".to_vec()),
        Just(b"99999 99999\n".to_vec()),
        Just(b"word ".to_vec()),
        Just("巴黎 ".as_bytes().to_vec()),
        Just(b"0.5 ".to_vec()),
        Just(b"-1e3\t".to_vec()),
        Just(b"nan ".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\xff\xfe".to_vec()),
        Just(1.5f32.to_le_bytes().to_vec()),
        prop::collection::vec(any::<u8>(), 0..8),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Whatever the bytes, every reader returns `Ok` or `Err` — never panics.
    #[test]
    fn readers_never_panic(bytes in file_like_bytes(), lossy in any::<bool>()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fuzz.tsv");
        std::fs::write(&path, &bytes).unwrap();
        std::fs::write(dir.path().join("fuzz_metadata.tsv"), &bytes).unwrap();
        let _ = super::detect(&path);
        for format in [None, Some(Format::Word2VecText), Some(Format::GloveText),
                       Some(Format::Word2VecBinary), Some(Format::ProjectorTsv)] {
            let _ = load(&path, &LoadOptions { lossy, format, ..LoadOptions::default() });
        }
    }
}
