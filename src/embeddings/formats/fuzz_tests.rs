//! Fuzzing every reader with proptest: arbitrary bytes, and mutations (flipped, inserted,
//! deleted, duplicated bytes, truncation, gzip wrapping) of valid files of every format, fed to
//! the vectors readers (detected and forced, strict and lossy), the corpus reader and the
//! timeline reader. Each must return a result or an error, never panic; what they return must
//! be sound (finite values, one row per word, consecutive corpus line numbers).
//!
//! Cases per property: 256 by default (the whole file runs in a few seconds); set
//! `PROPTEST_CASES` for a longer run, e.g.
//! `PROPTEST_CASES=100000 cargo test --release --no-default-features --lib fuzz_tests`
//! (see docs/readers.md).

use super::{Format, LoadOptions, Loaded, load, save};
use crate::corpus::{CorpusSource, reader::for_each_line};
use crate::embeddings::Embeddings;
use crate::train::{Precision, Snapshot, Timeline};
use ndarray::Array2;
use proptest::prelude::*;
use std::io::Write;
use std::path::Path;

/// Cases per property: `PROPTEST_CASES` if set, else 256.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

/// One edit of a file's bytes; positions are taken modulo the length.
#[derive(Debug, Clone)]
enum Mutation {
    Flip { at: usize, bits: u8 },
    Insert { at: usize, byte: u8 },
    Delete { at: usize, len: usize },
    Duplicate { at: usize, len: usize },
    Truncate { at: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1u8..=255).prop_map(|(at, bits)| Mutation::Flip { at, bits }),
        (
            any::<usize>(),
            prop_oneof![
                Just(b'\n'),
                Just(b' '),
                Just(b'\t'),
                Just(b'\r'),
                Just(0u8),
                Just(0xff),
                any::<u8>()
            ]
        )
            .prop_map(|(at, byte)| Mutation::Insert { at, byte }),
        (any::<usize>(), 1usize..16).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (any::<usize>(), 1usize..64).prop_map(|(at, len)| Mutation::Duplicate { at, len }),
        any::<usize>().prop_map(|at| Mutation::Truncate { at }),
    ]
}

fn apply(bytes: &mut Vec<u8>, mutation: &Mutation) {
    let len = bytes.len();
    if len == 0 {
        if let Mutation::Insert { byte, .. } = mutation {
            bytes.push(*byte);
        }
        return;
    }
    match *mutation {
        Mutation::Flip { at, bits } => bytes[at % len] ^= bits,
        Mutation::Insert { at, byte } => bytes.insert(at % (len + 1), byte),
        Mutation::Delete { at, len: n } => {
            let start = at % len;
            bytes.drain(start..(start + n).min(len));
        }
        Mutation::Duplicate { at, len: n } => {
            let start = at % len;
            let copy = bytes[start..(start + n).min(len)].to_vec();
            bytes.splice(start..start, copy);
        }
        Mutation::Truncate { at } => bytes.truncate(at % len),
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// A small valid space: words that every format can hold, plausible values.
fn small_space() -> impl Strategy<Value = Embeddings> {
    (1usize..6, 1usize..5).prop_flat_map(|(rows, dim)| {
        prop::collection::vec(-3.0f32..3.0, rows * dim).prop_map(move |values| {
            let words = (0..rows).map(|r| format!("w{r}é")).collect();
            let matrix = Array2::from_shape_vec((rows, dim), values).unwrap();
            Embeddings::from_words(words, matrix).unwrap()
        })
    })
}

/// What a reader returned must be sound: a matrix of finite values, one row per word.
fn check_sound(loaded: &Loaded) -> Result<(), TestCaseError> {
    let emb = &loaded.embeddings;
    prop_assert_eq!(emb.words().len(), emb.matrix().nrows());
    prop_assert!(emb.matrix().iter().all(|v| v.is_finite()));
    Ok(())
}

/// Every way of reading `path`: detected and forced to each format, strict and lossy.
fn read_every_way(path: &Path) -> Result<(), TestCaseError> {
    let _ = super::detect(path);
    for lossy in [false, true] {
        for format in [
            None,
            Some(Format::Word2VecText),
            Some(Format::GloveText),
            Some(Format::Word2VecBinary),
            Some(Format::ProjectorTsv),
        ] {
            let opts = LoadOptions {
                lossy,
                format,
                ..LoadOptions::default()
            };
            if let Ok(loaded) = load(path, &opts) {
                check_sound(&loaded)?;
            }
        }
    }
    Ok(())
}

/// A valid timeline of a few snapshots.
fn small_timeline(rows: usize, dim: usize, snapshots: usize) -> Timeline {
    Timeline {
        words: (0..rows).map(|r| format!("w{r}")).collect(),
        params_json: "{\"dim\":2}".to_owned(),
        snapshots: (0..snapshots)
            .map(|index| Snapshot {
                index,
                epoch: 0,
                words_processed: index as u64 * 10,
                learning_rate: 0.025,
                loss: (index > 0).then_some(1.5),
                vectors: Array2::from_elem((rows, dim), index as f32 * 0.5),
            })
            .collect(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    /// Arbitrary bytes, plain or gzip-wrapped, to every vectors reader (the metadata file
    /// beside the TSV gets the same bytes), the corpus reader and the timeline reader.
    #[test]
    fn arbitrary_bytes_never_panic(
        bytes in prop::collection::vec(any::<u8>(), 0..512),
        wrap in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let content = if wrap { gzip(&bytes) } else { bytes.clone() };
        let path = dir.path().join("fuzz.tsv");
        std::fs::write(&path, &content).unwrap();
        std::fs::write(dir.path().join("fuzz_metadata.tsv"), &bytes).unwrap();
        read_every_way(&path)?;
        let corpus = CorpusSource::File(path.clone());
        let _ = for_each_line(&corpus, false, |_, _| true);
        let _ = Timeline::load(&path);
    }

    /// Valid files of every format, mutated, to every reader.
    #[test]
    fn mutated_valid_files_never_panic(
        emb in small_space(),
        format_index in 0usize..4,
        mutations in prop::collection::vec(mutation(), 1..4),
        wrap in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let format = Format::ALL[format_index];
        let path = dir.path().join("v.tsv");
        save(&emb, &path, format).unwrap();
        let mut bytes = std::fs::read(&path).unwrap();
        for m in &mutations {
            apply(&mut bytes, m);
        }
        std::fs::write(&path, if wrap { gzip(&bytes) } else { bytes }).unwrap();
        read_every_way(&path)?;
    }

    /// Mutated timelines: an error or a timeline, never a panic.
    #[test]
    fn mutated_timelines_never_panic(
        rows in 1usize..5,
        dim in 1usize..4,
        snapshots in 1usize..4,
        half in any::<bool>(),
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.timeline");
        let precision = if half { Precision::F16 } else { Precision::F32 };
        small_timeline(rows, dim, snapshots).save(&path, precision).unwrap();
        let mut bytes = std::fs::read(&path).unwrap();
        for m in &mutations {
            apply(&mut bytes, m);
        }
        std::fs::write(&path, &bytes).unwrap();
        if let Ok(timeline) = Timeline::load(&path) {
            for snapshot in &timeline.snapshots {
                prop_assert_eq!(snapshot.vectors.nrows(), timeline.words.len());
            }
        }
    }

    /// Corpus lines: lossy reading never fails on content, and calls back once per line with
    /// consecutive numbers; strict reading fails only on invalid UTF-8.
    #[test]
    fn corpus_reader_sees_every_line(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("corpus.txt");
        std::fs::write(&path, &bytes).unwrap();
        let corpus = CorpusSource::File(path);
        let mut numbers = Vec::new();
        let result = for_each_line(&corpus, true, |line, _| {
            numbers.push(line);
            true
        });
        // gzip magic at the start makes the reader decompress: garbage then is an I/O error.
        if !bytes.starts_with(&[0x1f, 0x8b]) {
            prop_assert!(result.is_ok(), "{:?}", result.err());
            let newlines = bytes.iter().filter(|&&b| b == b'\n').count();
            let unterminated = usize::from(bytes.last().is_some_and(|&b| b != b'\n'));
            prop_assert_eq!(numbers.len(), newlines + unterminated);
            prop_assert!(numbers.iter().enumerate().all(|(i, &n)| n == i as u64 + 1));
            let strict = for_each_line(&corpus, false, |_, _| true);
            let valid = std::str::from_utf8(&bytes).is_ok();
            prop_assert_eq!(strict.is_ok(), valid);
        }
    }
}

#[test]
fn mutations_change_files_as_described() {
    let mut bytes = b"abcdef".to_vec();
    apply(&mut bytes, &Mutation::Flip { at: 7, bits: 0x20 });
    assert_eq!(bytes, b"aBcdef");
    apply(&mut bytes, &Mutation::Insert { at: 0, byte: b'x' });
    assert_eq!(bytes, b"xaBcdef");
    apply(&mut bytes, &Mutation::Delete { at: 1, len: 2 });
    assert_eq!(bytes, b"xcdef");
    apply(&mut bytes, &Mutation::Duplicate { at: 1, len: 2 });
    assert_eq!(bytes, b"xcdcdef");
    apply(&mut bytes, &Mutation::Truncate { at: 3 });
    assert_eq!(bytes, b"xcd");
}
