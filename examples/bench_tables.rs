//! Table benchmark: generates a 400,000 x 50 float32 `.npy` with its labels in Parquet, and a
//! 100,000 x 768 Parquet table (a `word` column and a `vector` list<float32> column, snappy,
//! as pyarrow writes by default), then loads each in a fresh process (so peak memory is that
//! load's) with embedscape and, in the same run, with NumPy/pyarrow
//! (`examples/bench_tables_reference.py`), several times each.
//!
//! ```text
//! cargo run --release --no-default-features --example bench_tables [-- DIR]
//! ```
//! DIR (default: a temporary directory) receives the files. The Python used is
//! `$BENCH_PYTHON` or `python3` (it needs numpy and pyarrow). `bench_tables load FILE
//! [LABELS]` loads one file and prints `seconds peak_rss_mb` (what the driver runs).

use arrow_array::types::Float32Type;
use arrow_array::{ArrayRef, ListArray, RecordBatch, StringArray};
use embedscape::embeddings::formats::{LoadOptions, load};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use rand::{Rng, SeedableRng};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

const RUNS: usize = 3;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("load") {
        return load_once(&args[1..]);
    }
    let temp = tempfile::tempdir()?;
    let dir = args
        .first()
        .map(PathBuf::from)
        .unwrap_or_else(|| temp.path().to_path_buf());
    std::fs::create_dir_all(&dir)?;
    let npy = dir.join("vectors_400k_50.npy");
    let labels = dir.join("labels_400k.parquet");
    let table = dir.join("table_100k_768.parquet");
    let started = Instant::now();
    write_npy(&npy, 400_000, 50)?;
    write_labels(&labels, 400_000)?;
    write_table(&table, 100_000, 768)?;
    let mb = |p: &Path| std::fs::metadata(p).map_or(0.0, |m| m.len() as f64 / 1e6);
    println!(
        "generated in {:.1} s: {} ({:.0} MB), {} ({:.1} MB), {} ({:.0} MB)",
        started.elapsed().as_secs_f64(),
        npy.display(),
        mb(&npy),
        labels.display(),
        mb(&labels),
        table.display(),
        mb(&table)
    );
    let exe = std::env::current_exe()?;
    let python = std::env::var("BENCH_PYTHON").unwrap_or_else(|_| "python3".into());
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/bench_tables_reference.py");
    println!("| file | loader | min s | median s | peak RSS MB (max) | runs |");
    println!("|---|---|---|---|---|---|");
    for (name, files) in [
        ("400k x 50 .npy + Parquet labels", vec![&npy, &labels]),
        ("100k x 768 Parquet table", vec![&table]),
    ] {
        let ours = repeat(|| {
            let mut cmd = Command::new(&exe);
            cmd.arg("load").args(&files);
            cmd
        })?;
        print_row(name, "embedscape", &ours);
        match repeat(|| {
            let mut cmd = Command::new(&python);
            cmd.arg(&script).args(&files);
            cmd
        }) {
            Ok(theirs) => print_row(name, "NumPy / pyarrow", &theirs),
            Err(e) => println!("| {name} | NumPy / pyarrow | skipped: {e} | | | |"),
        }
    }
    Ok(())
}

/// Runs the command RUNS times; each prints `seconds peak_mb`.
fn repeat(command: impl Fn() -> Command) -> anyhow::Result<Vec<(f64, f64)>> {
    let mut results = Vec::new();
    for _ in 0..RUNS {
        let output = command().output()?;
        anyhow::ensure!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
        let text = String::from_utf8_lossy(&output.stdout);
        let mut fields = text.split_whitespace().map(str::parse::<f64>);
        match (fields.next(), fields.next()) {
            (Some(Ok(secs)), Some(Ok(mb))) => results.push((secs, mb)),
            _ => anyhow::bail!("unexpected output {text:?}"),
        }
    }
    Ok(results)
}

fn print_row(name: &str, loader: &str, runs: &[(f64, f64)]) {
    let mut secs: Vec<f64> = runs.iter().map(|r| r.0).collect();
    secs.sort_by(f64::total_cmp);
    let peak = runs.iter().map(|r| r.1).fold(0.0, f64::max);
    println!(
        "| {name} | {loader} | {:.3} | {:.3} | {peak:.0} | {} |",
        secs[0],
        secs[secs.len() / 2],
        runs.len()
    );
}

/// Loads one file (and labels), prints `seconds peak_rss_mb`.
fn load_once(args: &[String]) -> anyhow::Result<()> {
    let path = PathBuf::from(&args[0]);
    let opts = LoadOptions {
        labels: args.get(1).map(PathBuf::from),
        ..LoadOptions::default()
    };
    let started = Instant::now();
    let loaded = load(&path, &opts)?;
    let secs = started.elapsed().as_secs_f64();
    anyhow::ensure!(!loaded.embeddings.is_empty());
    println!("{secs:.4} {:.1}", peak_rss_mb());
    Ok(())
}

/// VmHWM from /proc/self/status (0 where there is none).
fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn values(rows: usize, dim: usize, seed: u64) -> Vec<f32> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    (0..rows * dim)
        .map(|_| rng.gen_range(-1.0f32..1.0))
        .collect()
}

fn write_npy(path: &Path, rows: usize, dim: usize) -> anyhow::Result<()> {
    let mut dict =
        format!("{{'descr': '<f4', 'fortran_order': False, 'shape': ({rows}, {dim}), }}");
    while !(10 + dict.len() + 1).is_multiple_of(64) {
        dict.push(' ');
    }
    dict.push('\n');
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    out.write_all(b"\x93NUMPY\x01\x00")?;
    out.write_all(&u16::try_from(dict.len())?.to_le_bytes())?;
    out.write_all(dict.as_bytes())?;
    for v in values(rows, dim, 1) {
        out.write_all(&v.to_le_bytes())?;
    }
    out.flush()?;
    Ok(())
}

fn words(rows: usize) -> StringArray {
    StringArray::from_iter_values((0..rows).map(|i| format!("word{i:07}")))
}

fn write(path: &Path, batch: &RecordBatch) -> anyhow::Result<()> {
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .build();
    let mut writer =
        ArrowWriter::try_new(std::fs::File::create(path)?, batch.schema(), Some(props))?;
    writer.write(batch)?;
    writer.close()?;
    Ok(())
}

fn write_labels(path: &Path, rows: usize) -> anyhow::Result<()> {
    let batch = RecordBatch::try_from_iter([("word", Arc::new(words(rows)) as ArrayRef)])?;
    write(path, &batch)
}

fn write_table(path: &Path, rows: usize, dim: usize) -> anyhow::Result<()> {
    // Written in slices of 10,000 rows so the generator itself stays small.
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .build();
    let all = values(rows, dim, 2);
    let names = words(rows);
    let mut writer: Option<ArrowWriter<std::fs::File>> = None;
    for start in (0..rows).step_by(10_000) {
        let end = (start + 10_000).min(rows);
        let vectors = ListArray::from_iter_primitive::<Float32Type, _, _>(
            (start..end).map(|r| Some(all[r * dim..(r + 1) * dim].iter().map(|&v| Some(v)))),
        );
        let batch = RecordBatch::try_from_iter([
            (
                "word",
                Arc::new(names.slice(start, end - start)) as ArrayRef,
            ),
            ("vector", Arc::new(vectors) as ArrayRef),
        ])?;
        if writer.is_none() {
            writer = Some(ArrowWriter::try_new(
                std::fs::File::create(path)?,
                batch.schema(),
                Some(props.clone()),
            )?);
        }
        if let Some(writer) = writer.as_mut() {
            writer.write(&batch)?;
        }
    }
    if let Some(writer) = writer {
        writer.close()?;
    }
    Ok(())
}
