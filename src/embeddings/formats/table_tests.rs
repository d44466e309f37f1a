//! Tables of embeddings end to end: `.npy`, `.npz`, Parquet and Arrow files built in code (no
//! Python), labels and metadata side files, joins, and every refusal with its message.

use super::npy::{f32_npy, npy_bytes, unicode_npy};
use super::test_util::{expect_error, fixture, load_default};
use super::{Format, LoadOptions, load};
use crate::embeddings::Value;
use crate::space::NeighborIndex;
use arrow_array::types::{Float32Type, Float64Type};
use arrow_array::{
    ArrayRef, FixedSizeListArray, Int64Array, LargeListArray, ListArray, RecordBatch, StringArray,
};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn opts() -> LoadOptions {
    LoadOptions::default()
}

fn with_labels(labels: &Path) -> LoadOptions {
    LoadOptions {
        labels: Some(labels.to_path_buf()),
        ..opts()
    }
}

/// Loads `vectors`, expecting an error containing every needle (file names included).
fn error_of(vectors: &Path, opts: &LoadOptions, needles: &[&str]) -> String {
    let err = match load(vectors, opts) {
        Ok(_) => panic!("expected an error"),
        Err(err) => err.to_string(),
    };
    for needle in needles {
        assert!(err.contains(needle), "{needle:?} not in: {err}");
    }
    err
}

fn batch(columns: Vec<(&str, ArrayRef)>) -> RecordBatch {
    RecordBatch::try_from_iter(columns).unwrap()
}

fn write_parquet(path: &Path, batch: &RecordBatch, compression: Compression) {
    let props = WriterProperties::builder()
        .set_compression(compression)
        .build();
    let file = std::fs::File::create(path).unwrap();
    let mut writer = ArrowWriter::try_new(file, batch.schema(), Some(props)).unwrap();
    writer.write(batch).unwrap();
    writer.close().unwrap();
}

fn write_arrow(path: &Path, batch: &RecordBatch) {
    let file = std::fs::File::create(path).unwrap();
    let mut writer = arrow_ipc::writer::FileWriter::try_new(file, &batch.schema()).unwrap();
    writer.write(batch).unwrap();
    writer.finish().unwrap();
}

fn write_npz(path: &Path, members: &[(&str, Vec<u8>)], deflate: bool) {
    let file = std::fs::File::create(path).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    let method = if deflate {
        zip::CompressionMethod::Deflated
    } else {
        zip::CompressionMethod::Stored
    };
    let options = zip::write::SimpleFileOptions::default().compression_method(method);
    for (name, bytes) in members {
        zip.start_file(format!("{name}.npy"), options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
}

/// Three words in two dimensions, as rows.
const ROWS: [[f32; 2]; 3] = [[1.0, 0.0], [0.5, 0.5], [-1.0, 2.0]];

fn rows_npy() -> Vec<u8> {
    f32_npy(&ROWS.iter().map(|r| &r[..]).collect::<Vec<_>>())
}

fn list_column() -> ArrayRef {
    Arc::new(ListArray::from_iter_primitive::<Float32Type, _, _>(
        ROWS.iter().map(|r| Some(r.iter().map(|&v| Some(v)))),
    ))
}

fn word_table() -> RecordBatch {
    batch(vec![
        ("id", Arc::new(Int64Array::from(vec![7, 8, 9])) as ArrayRef),
        ("embedding", list_column()),
        (
            "word",
            Arc::new(StringArray::from(vec!["巴黎", "king", "猫"])),
        ),
        (
            "pos",
            Arc::new(StringArray::from(vec![Some("noun"), None, Some("noun")])),
        ),
    ])
}

fn matrix_of(loaded: &super::Loaded) -> Vec<Vec<f32>> {
    loaded
        .embeddings
        .matrix()
        .rows()
        .into_iter()
        .map(|r| r.to_vec())
        .collect()
}

#[test]
fn npy_with_text_labels() {
    let dir = tempfile::tempdir().unwrap();
    let path = fixture(dir.path(), "x.npy", rows_npy());
    let labels = fixture(dir.path(), "words.txt", "巴黎\nking\n猫\n");
    let loaded = load(&path, &with_labels(&labels)).unwrap();
    assert_eq!(loaded.format, Format::Npy);
    assert_eq!(loaded.embeddings.words(), ["巴黎", "king", "猫"]);
    assert_eq!(matrix_of(&loaded), ROWS.map(|r| r.to_vec()));
    assert!(loaded.metadata.is_none());
    // Without labels, rows are named by number.
    let loaded = load_default(&path).unwrap();
    assert_eq!(loaded.embeddings.words(), ["0", "1", "2"]);
    // The signature decides when the name says nothing.
    let renamed = fixture(dir.path(), "vectors.bin", rows_npy());
    assert_eq!(load_default(&renamed).unwrap().format, Format::Npy);
}

#[test]
fn npy_float64_fortran_and_big_endian() {
    let dir = tempfile::tempdir().unwrap();
    // Rows [1, 2, 3] and [4, 5, 6] column by column, as np.asfortranarray writes them.
    let data: Vec<u8> = [1.0f64, 4.0, 2.0, 5.0, 3.0, 6.0]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    let path = fixture(dir.path(), "f.npy", npy_bytes("<f8", true, &[2, 3], &data));
    let loaded = load_default(&path).unwrap();
    assert_eq!(matrix_of(&loaded), [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
    let data: Vec<u8> = [1.5f32, -2.0]
        .iter()
        .flat_map(|v| v.to_be_bytes())
        .collect();
    let path = fixture(
        dir.path(),
        "be.npy",
        npy_bytes(">f4", false, &[1, 2], &data),
    );
    assert_eq!(matrix_of(&load_default(&path).unwrap()), [[1.5, -2.0]]);
}

#[test]
fn npy_refusals() {
    let dir = tempfile::tempdir().unwrap();
    let f4 = |n: usize| vec![0u8; 4 * n];
    let one_d = fixture(dir.path(), "one.npy", npy_bytes("<f4", false, &[3], &f4(3)));
    expect_error(
        &one_d,
        &opts(),
        &["expected a 2-D array", "1-D of shape [3]"],
    );
    let three_d = fixture(
        dir.path(),
        "three.npy",
        npy_bytes("<f4", false, &[2, 2, 2], &f4(8)),
    );
    expect_error(&three_d, &opts(), &["3-D of shape [2, 2, 2]"]);
    let ints = fixture(
        dir.path(),
        "ints.npy",
        npy_bytes("<i8", false, &[2, 2], &f4(8)),
    );
    expect_error(
        &ints,
        &opts(),
        &["unsupported dtype \"<i8\"", "float32 or float64"],
    );
    let objects = fixture(
        dir.path(),
        "obj.npy",
        npy_bytes("|O", false, &[2, 2], &f4(8)),
    );
    expect_error(&objects, &opts(), &["Python objects", "dtype 'O'"]);
    let short = fixture(
        dir.path(),
        "short.npy",
        npy_bytes("<f4", false, &[2, 2], &f4(3)),
    );
    expect_error(
        &short,
        &opts(),
        &["promises 2 x 2 values", "12 bytes follow it: truncated"],
    );
    let nan: Vec<u8> = [0.0f32, 1.0, f32::NAN, 2.0]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    let nan = fixture(
        dir.path(),
        "nan.npy",
        npy_bytes("<f4", false, &[2, 2], &nan),
    );
    expect_error(&nan, &opts(), &["row 1:", "\"NaN\" is not finite"]);
    let text = fixture(dir.path(), "text.npy", "a 1 2\nb 3 4\n");
    expect_error(&text, &opts(), &["is not a NumPy .npy array", "signature"]);
    let huge = fixture(
        dir.path(),
        "huge.npy",
        npy_bytes("<f4", false, &[1 << 40, 1 << 30], &f4(1)),
    );
    expect_error(&huge, &opts(), &["absurd header"]);
}

#[test]
fn label_files_tsv_csv_parquet_and_count() {
    let dir = tempfile::tempdir().unwrap();
    let path = fixture(dir.path(), "x.npy", rows_npy());
    // A TSV with a header: the first column is the label, the others metadata.
    let tsv = fixture(
        dir.path(),
        "l.tsv",
        "word\tfreq\tpos\na\t10\tnoun\nb\t\tverb\nc\t2.5\tnoun\n",
    );
    let loaded = load(&path, &with_labels(&tsv)).unwrap();
    assert_eq!(loaded.embeddings.words(), ["a", "b", "c"]);
    let meta = loaded.metadata.unwrap();
    assert_eq!(meta.names(), ["freq", "pos"]);
    assert_eq!(meta.numbers("freq").unwrap(), [Some(10.0), None, Some(2.5)]);
    assert_eq!(meta.value(1, "pos"), Some(Value::Text("verb")));
    // --label-column picks another column.
    let by_pos_tsv = fixture(dir.path(), "p.tsv", "n\tword\n1\tx\n2\ty\n3\tz\n");
    let loaded = load(
        &path,
        &LoadOptions {
            label_column: Some("word".into()),
            ..with_labels(&by_pos_tsv)
        },
    )
    .unwrap();
    assert_eq!(loaded.embeddings.words(), ["x", "y", "z"]);
    error_of(
        &path,
        &LoadOptions {
            label_column: Some("lemma".into()),
            ..with_labels(&by_pos_tsv)
        },
        &["p.tsv: no column named \"lemma\"", "columns: n, word"],
    );
    // CSV with quotes.
    let csv = fixture(
        dir.path(),
        "l.csv",
        "token,note\n\"a,1\",x\nb,\"y \"\"q\"\"\"\nc,z\n",
    );
    let loaded = load(&path, &with_labels(&csv)).unwrap();
    assert_eq!(loaded.embeddings.words(), ["a,1", "b", "c"]);
    assert_eq!(
        loaded.metadata.unwrap().value(1, "note"),
        Some(Value::Text("y \"q\""))
    );
    // Parquet labels: the first text column.
    let labels_pq = dir.path().join("labels.parquet");
    let table = batch(vec![
        ("n", Arc::new(Int64Array::from(vec![1, 2, 3])) as ArrayRef),
        ("w", Arc::new(StringArray::from(vec!["p", "q", "r"]))),
    ]);
    write_parquet(&labels_pq, &table, Compression::UNCOMPRESSED);
    let loaded = load(&path, &with_labels(&labels_pq)).unwrap();
    assert_eq!(loaded.embeddings.words(), ["p", "q", "r"]);
    assert_eq!(
        loaded.metadata.unwrap().numbers("n").unwrap(),
        [Some(1.0), Some(2.0), Some(3.0)]
    );
    // One label too few.
    let short = fixture(dir.path(), "short.txt", "a\nb\n");
    error_of(
        &path,
        &with_labels(&short),
        &["short.txt: 2 labels for 3 rows"],
    );
    let empty_label = fixture(dir.path(), "gap.txt", "a\n\nc\n");
    error_of(
        &path,
        &with_labels(&empty_label),
        &["gap.txt: line 2: an empty word"],
    );
    // --labels on a file that names its rows itself.
    let text = fixture(dir.path(), "v.txt", "a 1 2\n");
    expect_error(&text, &with_labels(&short), &["--labels applies to .npy"]);
}

#[test]
fn npz_archives() {
    let dir = tempfile::tempdir().unwrap();
    let labels = unicode_npy(&["巴黎", "king", "猫"]);
    for deflate in [false, true] {
        let path = dir.path().join(format!("a{deflate}.npz"));
        write_npz(
            &path,
            &[
                ("ids", npy_bytes("<i8", false, &[3], &[0; 24])),
                ("words", labels.clone()),
                ("vectors", rows_npy()),
            ],
            deflate,
        );
        let loaded = load_default(&path).unwrap();
        assert_eq!(loaded.format, Format::Npz);
        assert_eq!(loaded.embeddings.words(), ["巴黎", "king", "猫"]);
        assert_eq!(matrix_of(&loaded), ROWS.map(|r| r.to_vec()));
    }
    let path = dir.path().join("two.npz");
    write_npz(
        &path,
        &[
            ("first", f32_npy(&[&[1.0], &[2.0], &[3.0]])),
            ("second", rows_npy()),
            ("cube", npy_bytes("<f4", false, &[1, 1, 1], &[0; 4])),
            ("objects", npy_bytes("|O", false, &[3, 2], &[])),
        ],
        false,
    );
    assert_eq!(load_default(&path).unwrap().embeddings.dim(), 1);
    let pick = |name: &str| LoadOptions {
        array: Some(name.into()),
        ..opts()
    };
    let loaded = load(&path, &pick("second")).unwrap();
    assert_eq!(
        (
            loaded.embeddings.dim(),
            loaded.embeddings.words()[2].as_str()
        ),
        (2, "2")
    );
    expect_error(&path, &pick("cube"), &["column \"cube\"", "3-D"]);
    expect_error(
        &path,
        &pick("objects"),
        &["column \"objects\"", "Python objects"],
    );
    expect_error(
        &path,
        &pick("nope"),
        &[
            "no column named \"nope\"",
            "second (dtype <f4, shape [3, 2])",
        ],
    );
    let no_float = dir.path().join("nofloat.npz");
    write_npz(&no_float, &[("words", labels.clone())], false);
    expect_error(
        &no_float,
        &opts(),
        &["no 2-D float array", "words (dtype <U4, shape [3])"],
    );
    let mismatch = dir.path().join("mismatch.npz");
    write_npz(
        &mismatch,
        &[("v", f32_npy(&[&[1.0], &[2.0]])), ("words", labels)],
        false,
    );
    expect_error(
        &mismatch,
        &opts(),
        &["column \"words\"", "3 labels for 2 rows"],
    );
    let fake = fixture(dir.path(), "fake.npz", rows_npy());
    expect_error(&fake, &opts(), &["not a NumPy .npz archive"]);
}

#[test]
fn parquet_tables_vectors_labels_metadata() {
    let dir = tempfile::tempdir().unwrap();
    for (name, compression) in [
        ("plain.parquet", Compression::UNCOMPRESSED),
        ("snappy.parquet", Compression::SNAPPY),
        ("zstd.parquet", Compression::ZSTD(ZstdLevel::default())),
    ] {
        let path = dir.path().join(name);
        write_parquet(&path, &word_table(), compression);
        let loaded = load_default(&path).unwrap();
        assert_eq!(loaded.format, Format::Parquet);
        assert_eq!(loaded.embeddings.words(), ["巴黎", "king", "猫"]);
        assert_eq!(matrix_of(&loaded), ROWS.map(|r| r.to_vec()));
        let meta = loaded.metadata.unwrap();
        assert_eq!(meta.names(), ["id", "pos"]);
        assert_eq!(
            meta.numbers("id").unwrap(),
            [Some(7.0), Some(8.0), Some(9.0)]
        );
        assert_eq!(meta.strings("pos").unwrap()[1], None);
    }
    // Fixed-size lists and large lists of float64, chosen by name.
    let fixed = FixedSizeListArray::from_iter_primitive::<Float32Type, _, _>(
        ROWS.iter().map(|r| Some(r.iter().map(|&v| Some(v)))),
        2,
    );
    let large = LargeListArray::from_iter_primitive::<Float64Type, _, _>(
        ROWS.iter()
            .map(|r| Some(r.iter().map(|&v| Some(f64::from(v) * 2.0)))),
    );
    let path = dir.path().join("two.parquet");
    let table = batch(vec![
        ("fixed", Arc::new(fixed) as ArrayRef),
        ("large", Arc::new(large)),
        ("w", Arc::new(StringArray::from(vec!["a", "b", "c"]))),
    ]);
    write_parquet(&path, &table, Compression::SNAPPY);
    assert_eq!(matrix_of(&load_default(&path).unwrap())[2], [-1.0, 2.0]);
    let large_opts = LoadOptions {
        vector_column: Some("large".into()),
        ..opts()
    };
    let loaded = load(&path, &large_opts).unwrap();
    assert_eq!(matrix_of(&loaded)[2], [-2.0, 4.0]);
    // The other vector column is neither text nor numbers: left out, with a warning.
    assert!(
        loaded
            .warnings
            .iter()
            .any(|w| w.contains("columns left out") && w.contains("fixed"))
    );
    // --labels replaces the label column, which becomes metadata.
    let labels = fixture(dir.path(), "l.txt", "x\ny\nz\n");
    let loaded = load(&path, &with_labels(&labels)).unwrap();
    assert_eq!(loaded.embeddings.words(), ["x", "y", "z"]);
    assert_eq!(
        loaded.metadata.unwrap().value(0, "w"),
        Some(Value::Text("a"))
    );
    let missing = LoadOptions {
        vector_column: Some("vec".into()),
        ..opts()
    };
    expect_error(
        &path,
        &missing,
        &["no column named \"vec\"", "columns: fixed (FixedSizeList"],
    );
    let wrong = LoadOptions {
        vector_column: Some("w".into()),
        ..opts()
    };
    expect_error(&path, &wrong, &["column \"w\"", "not a list of floats"]);
    let label_missing = LoadOptions {
        label_column: Some("word".into()),
        ..opts()
    };
    expect_error(&path, &label_missing, &["no column named \"word\""]);
}

#[test]
fn parquet_refusals() {
    let dir = tempfile::tempdir().unwrap();
    let ragged = ListArray::from_iter_primitive::<Float32Type, _, _>(vec![
        Some(vec![Some(1.0), Some(2.0)]),
        Some(vec![Some(3.0), Some(4.0)]),
        Some(vec![Some(5.0)]),
    ]);
    let path = dir.path().join("ragged.parquet");
    write_parquet(
        &path,
        &batch(vec![("v", Arc::new(ragged) as ArrayRef)]),
        Compression::SNAPPY,
    );
    expect_error(
        &path,
        &opts(),
        &["column \"v\", row 2", "a vector of 1 values", "have 2"],
    );
    let nulls =
        ListArray::from_iter_primitive::<Float32Type, _, _>(vec![Some(vec![Some(1.0)]), None]);
    let path = dir.path().join("null.parquet");
    write_parquet(
        &path,
        &batch(vec![("v", Arc::new(nulls) as ArrayRef)]),
        Compression::SNAPPY,
    );
    expect_error(
        &path,
        &opts(),
        &["column \"v\", row 1", "missing (null) vector"],
    );
    let inner =
        ListArray::from_iter_primitive::<Float32Type, _, _>(vec![Some(vec![Some(1.0), None])]);
    let path = dir.path().join("inner.parquet");
    write_parquet(
        &path,
        &batch(vec![("v", Arc::new(inner) as ArrayRef)]),
        Compression::SNAPPY,
    );
    expect_error(&path, &opts(), &["row 0", "null) value inside the vector"]);
    let no_vectors = dir.path().join("novec.parquet");
    let table = batch(vec![(
        "w",
        Arc::new(StringArray::from(vec!["a"])) as ArrayRef,
    )]);
    write_parquet(&no_vectors, &table, Compression::SNAPPY);
    expect_error(&no_vectors, &opts(), &["no vector column", "w (Utf8)"]);
    let null_label = dir.path().join("nolabel.parquet");
    let table = batch(vec![
        ("v", list_column()),
        (
            "w",
            Arc::new(StringArray::from(vec![Some("a"), None, Some("c")])) as ArrayRef,
        ),
    ]);
    write_parquet(&null_label, &table, Compression::SNAPPY);
    expect_error(
        &null_label,
        &opts(),
        &["column \"w\", row 1", "missing (null or empty) label"],
    );
    let text = fixture(dir.path(), "text.parquet", "word,vector\n");
    expect_error(&text, &opts(), &["is not a Parquet file"]);
    let npy = fixture(dir.path(), "npy.arrow", rows_npy());
    expect_error(&npy, &opts(), &["is not an Arrow IPC (Feather v2) file"]);
    // No text column: rows are numbered, with a warning.
    let unlabelled = dir.path().join("unlabelled.parquet");
    write_parquet(
        &unlabelled,
        &batch(vec![("v", list_column())]),
        Compression::SNAPPY,
    );
    let loaded = load_default(&unlabelled).unwrap();
    assert_eq!(loaded.embeddings.words(), ["0", "1", "2"]);
    assert!(loaded.warnings[0].contains("named by number"));
}

#[test]
fn arrow_ipc_files() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["t.arrow", "t.feather"] {
        let path = dir.path().join(name);
        write_arrow(&path, &word_table());
        let loaded = load_default(&path).unwrap();
        assert_eq!(loaded.format, Format::ArrowIpc);
        assert_eq!(loaded.embeddings.words(), ["巴黎", "king", "猫"]);
        assert_eq!(loaded.metadata.unwrap().names(), ["id", "pos"]);
    }
}

#[test]
fn metadata_by_row_or_joined_on_labels() {
    let dir = tempfile::tempdir().unwrap();
    let vectors = fixture(dir.path(), "v.txt", "3 2\na 1 0\nb 0 1\nc 1 1\n");
    let meta_opts = |path: PathBuf| LoadOptions {
        metadata: Some(path),
        ..opts()
    };
    // Same row count: row by row (the Projector's convention), every column kept.
    let by_row = fixture(
        dir.path(),
        "m.tsv",
        "year\tsource\n1990\tx\n2000\ty\n2010\tz\n",
    );
    let loaded = load(&vectors, &meta_opts(by_row)).unwrap();
    let meta = loaded.metadata.unwrap();
    assert_eq!(meta.names(), ["year", "source"]);
    assert_eq!(meta.value(2, "year"), Some(Value::Number(2010.0)));
    // Another count: joined on the first text column.
    let joined = fixture(dir.path(), "j.tsv", "word\tn\nc\t3\nzz\t9\na\t1\nc\t30\n");
    let loaded = load(&vectors, &meta_opts(joined)).unwrap();
    let meta = loaded.metadata.unwrap();
    assert_eq!(meta.names(), ["n"]);
    assert_eq!(meta.numbers("n").unwrap(), [Some(1.0), None, Some(3.0)]);
    let warning = loaded
        .warnings
        .iter()
        .find(|w| w.contains("joined"))
        .unwrap();
    assert!(
        warning.contains("1 vectors without metadata, 1 metadata rows unused"),
        "{warning}"
    );
    assert!(warning.contains("1 repeated labels ignored"), "{warning}");
    // Joined on a Parquet table's --label-column, after duplicate words are dropped.
    let dup = fixture(dir.path(), "dup.txt", "a 1 0\nb 0 1\na 1 1\n");
    let pq = dir.path().join("m.parquet");
    let table = batch(vec![
        (
            "tag",
            Arc::new(StringArray::from(vec!["t1", "t2"])) as ArrayRef,
        ),
        ("token", Arc::new(StringArray::from(vec!["b", "a"]))),
    ]);
    write_parquet(&pq, &table, Compression::SNAPPY);
    let loaded = load(
        &dup,
        &LoadOptions {
            label_column: Some("token".into()),
            ..meta_opts(pq.clone())
        },
    )
    .unwrap();
    assert_eq!(loaded.embeddings.words(), ["a", "b"]);
    assert_eq!(
        loaded.metadata.unwrap().strings("tag").unwrap(),
        [Some("t2".into()), Some("t1".into())]
    );
    // Nothing matches: an error naming the key column.
    let loaded = load(&dup, &meta_opts(pq));
    let err = loaded.unwrap_err().to_string();
    assert!(
        err.contains("m.parquet: column \"tag\"") && err.contains("not one label matches"),
        "{err}"
    );
    // A Parquet table's own columns and a --metadata file together; a repeated name is refused.
    let table_path = dir.path().join("t.parquet");
    write_parquet(&table_path, &word_table(), Compression::SNAPPY);
    let extra = fixture(
        dir.path(),
        "extra.tsv",
        "word\tgloss\n猫\tcat\n巴黎\tParis\n",
    );
    let loaded = load(&table_path, &meta_opts(extra)).unwrap();
    let meta = loaded.metadata.unwrap();
    assert_eq!(meta.names(), ["id", "pos", "gloss"]);
    assert_eq!(meta.value(2, "gloss"), Some(Value::Text("cat")));
    assert_eq!(meta.value(1, "gloss"), None);
    let clash = fixture(dir.path(), "clash.tsv", "pos\tx\n1\t2\n3\t4\n5\t6\n");
    error_of(
        &table_path,
        &meta_opts(clash),
        &["two columns are named \"pos\""],
    );
}

#[test]
fn neighbours_agree_with_word2vec_text() {
    let dir = tempfile::tempdir().unwrap();
    let words = ["paris", "france", "berlin", "germany", "cat", "dog"];
    let rows: Vec<Vec<f32>> = (0..words.len())
        .map(|i| {
            (0..8)
                .map(|j| ((i * 7 + j * 3) % 11) as f32 * 0.37 - 1.5)
                .collect()
        })
        .collect();
    let mut text = format!("{} 8\n", words.len());
    for (word, row) in words.iter().zip(&rows) {
        let values: Vec<String> = row.iter().map(f32::to_string).collect();
        text.push_str(&format!("{word} {}\n", values.join(" ")));
    }
    let w2v = fixture(dir.path(), "v.txt", text);
    let npy = fixture(
        dir.path(),
        "v.npy",
        f32_npy(&rows.iter().map(Vec::as_slice).collect::<Vec<_>>()),
    );
    let labels = fixture(dir.path(), "w.txt", words.join("\n"));
    let a = load_default(&w2v).unwrap().embeddings;
    let b = load(&npy, &with_labels(&labels)).unwrap().embeddings;
    assert_eq!(a.words(), b.words());
    assert_eq!(a.matrix(), b.matrix());
    let (ia, ib) = (NeighborIndex::new(&a), NeighborIndex::new(&b));
    for row in 0..words.len() {
        let na = ia.top_k(row, 3).unwrap();
        let nb = ib.top_k(row, 3).unwrap();
        let pairs = |found: &[crate::space::Neighbor]| {
            found
                .iter()
                .map(|n| (n.row, n.similarity))
                .collect::<Vec<_>>()
        };
        assert_eq!(pairs(&na), pairs(&nb));
    }
}
