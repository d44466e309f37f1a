//! Load benchmark: generates a 100,000 x 300 word2vec text file and the same vectors in
//! word2vec binary, times `embedscape::embeddings::formats::load` on each (several runs, warm
//! page cache), and, when Python with NumPy is available, times reference Python loaders
//! (`examples/bench_load_reference.py`: a NumPy line loop, and gensim if installed) on the very
//! same files in the same run.
//!
//! ```text
//! CARGO_TARGET_DIR=/var/tmp/embedscape-lite cargo run --release --no-default-features \
//!     --example bench_load [-- DIR]
//! ```
//! DIR (default: a temporary directory) receives the generated files. The Python used is
//! `$BENCH_PYTHON` or `python3`.

use embedscape::embeddings::Embeddings;
use embedscape::embeddings::formats::{Format, LoadOptions, load, save};
use ndarray::Array2;
use rand::{Rng, SeedableRng};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const ROWS: usize = 100_000;
const DIM: usize = 300;
const RUNS: usize = 5;

fn main() -> anyhow::Result<()> {
    let temp = tempfile::tempdir()?;
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| temp.path().to_path_buf());
    std::fs::create_dir_all(&dir)?;
    let text_path = dir.join("bench.txt");
    let binary_path = dir.join("bench.bin");

    let emb = generate()?;
    let started = Instant::now();
    save(&emb, &text_path, Format::Word2VecText)?;
    let write_text_secs = started.elapsed().as_secs_f64();
    let started = Instant::now();
    save(&emb, &binary_path, Format::Word2VecBinary)?;
    let write_binary_secs = started.elapsed().as_secs_f64();
    let text_mb = std::fs::metadata(&text_path)?.len() as f64 / 1e6;
    let binary_mb = std::fs::metadata(&binary_path)?.len() as f64 / 1e6;
    println!(
        "{ROWS} x {DIM}: text {text_mb:.0} MB (written in {write_text_secs:.2} s), \
         binary {binary_mb:.0} MB (written in {write_binary_secs:.2} s); \
         {} rayon threads",
        rayon::current_num_threads()
    );

    let text = time_loads(&text_path, &emb)?;
    let binary = time_loads(&binary_path, &emb)?;
    let cpu = |c: Option<f64>| c.map_or_else(|| "?".to_owned(), |c| format!("{c:.2}"));
    println!("| loader | file | min s | median s | runs | min vs embedscape | CPU s (min) |");
    println!("|---|---|---|---|---|---|---|");
    println!(
        "| embedscape | w2v text ({text_mb:.0} MB) | {:.3} | {:.3} | {RUNS} | 1x | {} |",
        text.0,
        text.1,
        cpu(text.2)
    );
    println!(
        "| embedscape | w2v binary ({binary_mb:.0} MB) | {:.3} | {:.3} | {RUNS} | 1x | {} |",
        binary.0,
        binary.1,
        cpu(binary.2)
    );
    for (name, min_secs, median_secs, runs) in python_reference(&text_path, &binary_path) {
        let ours = if name.ends_with("binary") {
            binary.0
        } else {
            text.0
        };
        let file = if name.ends_with("binary") {
            "w2v binary"
        } else {
            "w2v text"
        };
        println!(
            "| {name} | {file} | {min_secs:.3} | {median_secs:.3} | {runs} | {:.1}x slower | |",
            min_secs / ours
        );
    }
    Ok(())
}

/// Random vectors rounded to 6 decimals, like word2vec's own `%lf` output (~290 MB as text).
fn generate() -> anyhow::Result<Embeddings> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(42);
    let values: Vec<f32> = (0..ROWS * DIM)
        .map(|_| (rng.gen_range(-1.0f64..1.0) * 1e6).round() as f32 / 1e6)
        .collect();
    let words = (0..ROWS).map(|i| format!("word{i}")).collect();
    let matrix = Array2::from_shape_vec((ROWS, DIM), values)?;
    Ok(Embeddings::from_words(words, matrix)?)
}

/// (min, median) wall seconds and min CPU seconds (all threads) over [`RUNS`] loads,
/// checking the result each time.
fn time_loads(path: &Path, expected: &Embeddings) -> anyhow::Result<(f64, f64, Option<f64>)> {
    let mut secs = Vec::with_capacity(RUNS);
    let mut cpu_secs: Option<f64> = None;
    for _ in 0..RUNS {
        let cpu_before = process_cpu_secs();
        let started = Instant::now();
        let loaded = load(path, &LoadOptions::default())?;
        secs.push(started.elapsed().as_secs_f64());
        if let (Some(before), Some(after)) = (cpu_before, process_cpu_secs()) {
            cpu_secs = Some(cpu_secs.map_or(after - before, |c| c.min(after - before)));
        }
        anyhow::ensure!(
            loaded.embeddings.matrix() == expected.matrix(),
            "loaded values differ"
        );
    }
    secs.sort_by(f64::total_cmp);
    Ok((secs[0], secs[RUNS / 2], cpu_secs))
}

/// User + system CPU time of this process so far (Linux `/proc/self/stat`, 100 ticks/s).
/// On a shared machine wall time depends on the neighbours; CPU time much less so.
fn process_cpu_secs() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let after_name = stat.rsplit_once(')')?.1;
    let mut fields = after_name.split_whitespace().skip(11);
    let utime: f64 = fields.next()?.parse().ok()?;
    let stime: f64 = fields.next()?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

/// Runs the Python reference loaders; empty if Python or NumPy is missing.
fn python_reference(text: &Path, binary: &Path) -> Vec<(String, f64, f64, u32)> {
    let python = std::env::var("BENCH_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/bench_load_reference.py");
    let output = match Command::new(&python)
        .arg(script)
        .arg(text)
        .arg(binary)
        .output()
    {
        Ok(output) if output.status.success() => output,
        Ok(output) => {
            eprintln!(
                "(no Python reference: {python} failed: {})",
                String::from_utf8_lossy(&output.stderr)
                    .lines()
                    .last()
                    .unwrap_or("")
            );
            return Vec::new();
        }
        Err(err) => {
            eprintln!("(no Python reference: cannot run {python}: {err})");
            return Vec::new();
        }
    };
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            Some((
                fields.next()?.to_owned(),
                fields.next()?.parse().ok()?,
                fields.next()?.parse().ok()?,
                fields.next()?.parse().ok()?,
            ))
        })
        .collect()
}
